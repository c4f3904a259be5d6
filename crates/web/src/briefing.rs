//! The quarterly briefing pack: the plan's state, its indicators, what is overdue, trade in
//! both directions, and the full data as an annex, for the videoconference of a quarter.
//! This module decides what goes in and translates it; `accord_report::briefing` sets it as
//! PDF, XLSX or HTML. The page `/briefing` offers the downloads; the CLI's
//! `accord report quarterly` calls [`build`] and the same renderers.

use crate::AppState;
use crate::ctx::Ctx;
use crate::error::AppError;
use crate::i18n::Tr;
use crate::layout::{Chrome, render};
use accord_domain::directory::Action;
use accord_domain::plan::Indicator;
use accord_domain::plan::summary::summarise;
use accord_domain::plan::{Measure, Status};
use accord_domain::quarter::Quarter;
use accord_domain::review::PlanPeriod;
use accord_domain::trade::{Currency, Granularity, PeriodRange, RateBasis, ReportedBy, Scope};
use accord_domain::{MeasureId, OrganisationId, Side};
use accord_report::briefing::{Briefing, Chart, Column, Section, Table, to_html, to_pdf, to_xlsx};
use accord_report::charts::{Bar, actuals_vs_target, percent_bars};
use accord_report::trade_charts::trend_lines_with;
use accord_store::Store;
use askama::Template;
use axum::Router;
use axum::extract::{Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use chrono::{Datelike, NaiveDate};
use rust_decimal::prelude::ToPrimitive;
use serde::Deserialize;
use std::collections::HashMap;

/// Charts of indicators a pack carries at most: each takes a third of a page, and a plan with
/// thousands of indicators would bury the call's agenda (the table lists them all).
const MAX_INDICATOR_CHARTS: usize = 48;

/// Plans with more measures than this have the annex (every measure with every field) in the
/// XLSX and HTML versions only, the PDF saying so: setting that many more rows took longer than
/// the rest of the pack, and the tables by section above already list every measure.
pub const PDF_ANNEX_MAX_MEASURES: usize = 2000;

/// The indicator table of a plan with more indicators than this goes to the XLSX and HTML
/// versions only, the PDF saying so (its charts stay): with the annex gone, the indicator rows
/// of a 10,000-measure plan were half of what was left to set.
pub const PDF_INDICATOR_TABLE_MAX_ROWS: usize = 2000;

pub fn routes() -> Router<AppState> {
    Router::new().route("/briefing", get(page)).route("/briefing/download", get(download))
}

/// The three ways the pack is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PackFormat {
    Pdf,
    Xlsx,
    Html,
}

impl PackFormat {
    pub fn parse(text: &str) -> Option<PackFormat> {
        match text.trim().to_ascii_lowercase().as_str() {
            "pdf" => Some(PackFormat::Pdf),
            "xlsx" => Some(PackFormat::Xlsx),
            "html" | "htm" => Some(PackFormat::Html),
            _ => None,
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            PackFormat::Pdf => "pdf",
            PackFormat::Xlsx => "xlsx",
            PackFormat::Html => "html",
        }
    }

    fn content_type(self) -> &'static str {
        match self {
            PackFormat::Pdf => "application/pdf",
            PackFormat::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            PackFormat::Html => "text/html; charset=utf-8",
        }
    }
}

/// A pack that could not be made: the quarter is not one of the plan's, or setting failed.
#[derive(Debug, thiserror::Error)]
pub enum PackError {
    #[error("{0}")]
    Quarter(accord_domain::review::PeriodError),
    #[error(transparent)]
    App(#[from] AppError),
    #[error(transparent)]
    Render(#[from] accord_report::briefing::BriefingError),
}

impl From<accord_store::StoreError> for PackError {
    fn from(e: accord_store::StoreError) -> Self {
        PackError::App(AppError::Store(e))
    }
}

/// Parses "2025Q3" (or "III квартал 2025") and checks it is one of the plan's quarters.
pub fn plan_quarter(text: &str, plan: &accord_domain::plan::Plan) -> Result<Quarter, PackError> {
    let period = PlanPeriod::of_dates(plan.period_start, plan.period_end).map_err(PackError::Quarter)?;
    period.parse_quarter(text).map_err(PackError::Quarter)
}

/// Writes the pack in a format (PDF setting runs on a blocking thread: it takes CPU time).
pub async fn write(briefing: Briefing, format: PackFormat, today: NaiveDate) -> Result<Vec<u8>, PackError> {
    Ok(match format {
        PackFormat::Pdf => tokio::task::spawn_blocking(move || to_pdf(&briefing, today))
            .await
            .map_err(|e| PackError::App(AppError::Internal(e.to_string())))??,
        PackFormat::Xlsx => to_xlsx(&briefing)?,
        PackFormat::Html => to_html(&briefing)?.into_bytes(),
    })
}

struct Names {
    short: HashMap<OrganisationId, String>,
}

impl Names {
    fn of(&self, measure: &Measure, side: Side) -> String {
        let mut list: Vec<_> = measure.data.executors_of(side).collect();
        list.sort_by_key(|e| !e.lead);
        list.iter().filter_map(|e| self.short.get(&e.organisation).cloned()).collect::<Vec<_>>().join(", ")
    }
}

/// The pack for `quarter` of the current plan, in `tr`'s language. Figures are those stored
/// now, measured as at the quarter's last day (or `today`, if earlier).
pub async fn build(store: &Store, tr: Tr, quarter: Quarter, today: NaiveDate) -> Result<Briefing, PackError> {
    let en = tr.is_en();
    let plan = crate::plan::resolve_plan(store, None).await?;
    let period = PlanPeriod::of_dates(plan.period_start, plan.period_end).map_err(PackError::Quarter)?;
    period.check(quarter).map_err(PackError::Quarter)?;
    let as_of = today.min(quarter.last_day());
    let measures = store.measures_of_plan(plan.id).await?;
    let sections = store.sections().await?;
    let summary = summarise(&plan, &measures, as_of);
    let orgs = store.organisation_all().await?;
    let names = Names { short: orgs.iter().map(|o| (o.id, o.data.short_name(en).to_string())).collect() };
    let section_name = |code: &str| {
        sections.iter().find(|s| s.code == code).map_or_else(|| code.to_string(), |s| s.name(en).to_string())
    };
    let percent_of = |id: &MeasureId| summary.percent.get(id).copied().unwrap_or(0.0);
    let pct = |p: f64| tr.percent(rust_decimal::Decimal::from_f64_retain(p).map(|d| d.round_dp(0)), 0, false);
    let quarter_words = tr.ta(
        "pack-quarter",
        &[
            ("roman", quarter.roman().to_string()),
            ("number", quarter.number().to_string()),
            ("year", quarter.year().to_string()),
        ],
    );

    // The quarter's review, once a coordinator has opened its period: meeting, reports,
    // snapshots, late organisations, decisions.
    let review = match store.review_pack_data(quarter, as_of).await {
        Ok(data) => Some(data),
        Err(accord_store::StoreError::Review(_) | accord_store::StoreError::NotFound { .. }) => None,
        Err(e) => return Err(e.into()),
    };
    let org_name = |id: &OrganisationId| names.short.get(id).cloned().unwrap_or_default();
    let mut out = Vec::new();

    // 1. Summary by section and status.
    let mut summary_section = Section::new(tr.t("pack-summary"));
    summary_section.intro = Some(tr.ta(
        "pack-summary-intro",
        &[("date", tr.day(as_of)), ("total", summary.total.to_string()), ("progress", pct(summary.progress))],
    ));
    let mut columns = vec![Column::text(tr.t("pack-section"), 2.4), Column::number(tr.t("pack-total"), 0.8)];
    columns.extend(Status::ALL.iter().map(|s| Column::number(tr.status(*s), 1.25)));
    columns.push(Column::number(tr.t("pack-overdue-count"), 1.25));
    columns.push(Column::number(tr.t("pack-progress"), 1.25));
    let mut rows: Vec<Vec<String>> = summary
        .status_by_section
        .iter()
        .map(|s| {
            let progress = summary.by_section.iter().find(|(c, ..)| *c == s.section).map_or(0.0, |(_, _, p)| *p);
            let mut row = vec![section_name(&s.section), tr.int(s.total() as i64)];
            row.extend(s.by_status.iter().map(|n| tr.int(*n as i64)));
            row.push(tr.int(s.overdue as i64));
            row.push(pct(progress));
            row
        })
        .collect();
    let mut total_row = vec![tr.t("pack-all"), tr.int(summary.total as i64)];
    total_row.extend(summary.by_status.iter().map(|(_, n)| tr.int(*n as i64)));
    total_row.push(tr.int(summary.overdue.len() as i64));
    total_row.push(pct(summary.progress));
    rows.push(total_row);
    summary_section.tables.push(Table { pdf_note: None, sheet: tr.t("pack-summary"), caption: None, columns, rows });
    summary_section.charts.push(Chart {
        title: tr.t("plan-progress-by-section"),
        svg: percent_bars(
            &tr.t("plan-progress-by-section"),
            &summary
                .by_section
                .iter()
                .map(|(code, count, p)| Bar {
                    label: format!("{} ({count})", section_name(code)),
                    percent: *p,
                    caption: pct(*p),
                })
                .collect::<Vec<_>>(),
        ),
    });
    summary_section.note = Some(tr.t("pack-summary-note"));
    if let Some(review) = &review {
        summary_section.tables.push(comparison_table(&tr, review));
    }
    out.push(summary_section);

    // 2. One table per section of the plan.
    let measure_columns = || {
        vec![
            Column::text("№", 0.7),
            Column::text(tr.t("pack-measure"), 4.0),
            Column::text(tr.t("field-term"), 1.3),
            Column::text(tr.t("side-BY"), 1.6),
            Column::text(tr.t("side-KHV"), 1.6),
            Column::text(tr.t("field-status"), 1.5),
            Column::number("%", 0.8),
        ]
    };
    let measure_row = |m: &Measure| {
        vec![
            m.data.number.to_string(),
            m.data.title(en).to_string(),
            m.data.term.raw.clone(),
            names.of(m, Side::By),
            names.of(m, Side::Khv),
            tr.status(m.data.status),
            pct(percent_of(&m.id)),
        ]
    };
    let mut progress = Section::new(tr.t("pack-by-section"));
    for (i, s) in summary.status_by_section.iter().enumerate() {
        let rows = measures.iter().filter(|m| m.data.section == s.section).map(measure_row).collect();
        progress.tables.push(Table {
            pdf_note: None,
            sheet: format!("{} {}", i + 1, section_name(&s.section)),
            caption: Some(section_name(&s.section)),
            columns: measure_columns(),
            rows,
        });
    }
    out.push(progress);

    // 3. Indicators: a table, and a chart of each indicator with actuals.
    let indicators = store.indicators_of_plan(plan.id).await?;
    let mut indicator_section = Section::new(tr.t("indicators-title"));
    let mut rows = Vec::new();
    for m in &measures {
        for indicator in indicators.get(&m.id).map(Vec::as_slice).unwrap_or_default() {
            rows.push(indicator_row(&tr, m, indicator, quarter));
            let points: Vec<(String, f64)> = indicator
                .actuals
                .iter()
                .filter(|a| a.quarter <= quarter)
                .map(|a| (a.quarter.to_string(), a.value.to_f64().unwrap_or(0.0)))
                .collect();
            if points.is_empty() || indicator_section.charts.len() >= MAX_INDICATOR_CHARTS {
                continue;
            }
            let d = &indicator.data;
            let title = format!("{} {} ({})", m.data.number, d.name_ru, d.unit);
            indicator_section.charts.push(Chart {
                svg: actuals_vs_target(
                    &title,
                    &points,
                    d.target.and_then(|t| t.to_f64()),
                    d.baseline.and_then(|b| b.to_f64()),
                ),
                title,
            });
        }
    }
    let charted = indicator_section.charts.len();
    let with_actuals = measures
        .iter()
        .flat_map(|m| indicators.get(&m.id).map(Vec::as_slice).unwrap_or_default())
        .filter(|i| i.actuals.iter().any(|a| a.quarter <= quarter))
        .count();
    if charted < with_actuals {
        indicator_section.note = Some(
            tr.ta("pack-charts-capped", &[("shown", tr.int(charted as i64)), ("all", tr.int(with_actuals as i64))]),
        );
    }
    let indicator_rows = rows.len();
    indicator_section.tables.push(Table {
        pdf_note: (indicator_rows > PDF_INDICATOR_TABLE_MAX_ROWS).then(|| {
            tr.ta(
                "pack-indicators-in-xlsx",
                &[("count", tr.int(indicator_rows as i64)), ("sheet", tr.t("indicators-title"))],
            )
        }),
        sheet: tr.t("indicators-title"),
        caption: None,
        columns: vec![
            Column::text("№", 0.7),
            Column::text(tr.t("pack-indicator"), 3.5),
            Column::text(tr.t("field-unit"), 1.2),
            Column::number(tr.t("field-baseline"), 1.0),
            Column::number(tr.t("field-target"), 1.0),
            Column::number(tr.t("indicator-reached"), 1.0),
            Column::number(tr.t("indicator-achievement"), 1.1),
        ],
        rows,
    });
    out.push(indicator_section);

    // 4. Overdue measures.
    let mut overdue = Section::new(tr.t("pack-overdue"));
    let overdue_rows: Vec<Vec<String>> =
        measures.iter().filter(|m| summary.overdue.contains(&m.id)).map(measure_row).collect();
    if overdue_rows.is_empty() {
        overdue.intro = Some(tr.t("pack-overdue-none"));
    }
    overdue.tables.push(Table {
        pdf_note: None,
        sheet: tr.t("pack-overdue"),
        caption: None,
        columns: measure_columns(),
        rows: overdue_rows,
    });
    out.push(overdue);

    if let Some(review) = &review {
        out.extend(review_sections(&tr, review, &org_name));
    }

    // 5. Trade in both directions, when the trade module has data.
    if let Some(trade) = trade_section(store, &tr, quarter).await? {
        out.push(trade);
    }

    // 5a. The service centre's figures, as the indicators of the measures it executes.
    if let Some(centre) = service_centre_section(store, &tr, quarter, &measures).await? {
        out.push(centre);
    }

    // 6. Annex: every measure with every field.
    let mut annex = Section::new(tr.t("pack-annex"));
    annex.tables.push(Table {
        pdf_note: None,
        sheet: tr.t("pack-annex"),
        caption: None,
        columns: vec![
            Column::text("№", 0.7),
            Column::text(tr.t("pack-section"), 1.5),
            Column::text(tr.t("pack-measure"), 3.5),
            Column::text(tr.t("field-term"), 1.2),
            Column::text(tr.t("field-status"), 1.1),
            Column::number("%", 0.6),
            Column::text(tr.t("side-BY"), 1.5),
            Column::text(tr.t("side-KHV"), 1.5),
            Column::text(tr.t("field-expected_result"), 2.0),
        ],
        rows: measures
            .iter()
            .map(|m| {
                vec![
                    m.data.number.to_string(),
                    section_name(&m.data.section),
                    m.data.title(en).to_string(),
                    m.data.term.raw.clone(),
                    tr.status(m.data.status),
                    pct(percent_of(&m.id)),
                    names.of(m, Side::By),
                    names.of(m, Side::Khv),
                    m.data.expected_result.clone().unwrap_or_default(),
                ]
            })
            .collect(),
    });
    if measures.len() > PDF_ANNEX_MAX_MEASURES
        && let Some(table) = annex.tables.first_mut()
    {
        table.pdf_note = Some(
            tr.ta("pack-annex-in-xlsx", &[("count", tr.int(measures.len() as i64)), ("sheet", tr.t("pack-annex"))]),
        );
    }
    out.push(annex);

    Ok(Briefing {
        lang: tr.code().to_string(),
        issuer: tr.t("pack-issuer"),
        title: tr.t("pack-title"),
        subtitle: tr.ta("pack-subtitle", &[("plan", plan.title(en).to_string())]),
        period: quarter_words,
        meeting: review.as_ref().and_then(|r| r.meeting.as_ref()).map(|m| {
            let at = |side: Side| accord_domain::review::schedule::local(side, m.start).format("%H:%M").to_string();
            let day = accord_domain::review::schedule::local(Side::By, m.start).date();
            tr.ta("pack-meeting", &[("date", tr.day(day)), ("minsk", at(Side::By)), ("khabarovsk", at(Side::Khv))])
        }),
        place_and_date: tr.ta("pack-place-and-date", &[("date", tr.day(today))]),
        sections: out,
    })
}

/// Measures by status this quarter, the one before and a year before (from the snapshots taken
/// at those reviews where there are some).
fn comparison_table(tr: &Tr, review: &accord_store::ReviewPackData) -> Table {
    let quarters = [Some(&review.counts), review.previous.as_ref(), review.year_ago.as_ref()];
    let column_title = |counts: Option<&accord_store::PackCounts>, key: &str| match counts {
        Some(c) if c.from_snapshot => tr.ta(key, &[("quarter", c.quarter.to_string())]),
        Some(c) => format!("{}*", tr.ta(key, &[("quarter", c.quarter.to_string())])),
        None => tr.ta(key, &[("quarter", "—".to_string())]),
    };
    let count_of = |counts: Option<&accord_store::PackCounts>, status: Option<Status>| {
        counts.map_or_else(
            || "—".to_string(),
            |c| match status {
                Some(status) => {
                    tr.int(c.counts.by_status.iter().find(|(s, _)| *s == status).map_or(0, |(_, n)| *n) as i64)
                }
                None => tr.int(c.counts.total as i64),
            },
        )
    };
    let mut rows: Vec<Vec<String>> = Status::ALL
        .iter()
        .map(|status| {
            let mut row = vec![tr.status(*status)];
            row.extend(quarters.iter().map(|q| count_of(*q, Some(*status))));
            row
        })
        .collect();
    let mut total = vec![tr.t("pack-total")];
    total.extend(quarters.iter().map(|q| count_of(*q, None)));
    rows.push(total);
    Table {
        pdf_note: None,
        sheet: tr.t("pack-comparison"),
        caption: Some(tr.t("pack-comparison")),
        columns: vec![
            Column::text(tr.t("field-status"), 2.0),
            Column::number(column_title(quarters[0], "pack-comparison-now"), 1.3),
            Column::number(column_title(quarters[1], "pack-comparison-previous"), 1.3),
            Column::number(column_title(quarters[2], "pack-comparison-year-ago"), 1.3),
        ],
        rows,
    }
}

/// What the review adds: the executors' accepted reports, the organisations late with theirs,
/// and the decisions register.
fn review_sections(
    tr: &Tr,
    review: &accord_store::ReviewPackData,
    org_name: &dyn Fn(&OrganisationId) -> String,
) -> Vec<Section> {
    let label = |key: &str| tr.t(&crate::review::fluent_id(key));
    let mut reports = Section::new(tr.t("pack-reports"));
    let unaccepted: usize = review.measures.iter().map(|m| m.unaccepted.len()).sum();
    reports.intro = Some(tr.ta("pack-reports-intro", &[("unaccepted", tr.int(unaccepted as i64))]));
    let rows = review
        .measures
        .iter()
        .flat_map(|m| {
            m.accepted.iter().map(move |r| {
                vec![
                    m.number.clone(),
                    org_name(&r.organisation),
                    tr.status(r.content.status),
                    format!("{}%", r.content.percent),
                    r.content.done.clone(),
                    r.content.problems.clone(),
                    r.content.help_needed.clone(),
                ]
            })
        })
        .collect();
    reports.tables.push(Table {
        pdf_note: None,
        sheet: tr.t("pack-reports"),
        caption: None,
        columns: vec![
            Column::text("№", 0.7),
            Column::text(tr.t("pack-organisation"), 1.5),
            Column::text(tr.t("field-status"), 1.3),
            Column::number("%", 0.6),
            Column::text(tr.t("pack-report-done"), 2.4),
            Column::text(tr.t("pack-report-problems"), 1.8),
            Column::text(tr.t("pack-report-help"), 1.6),
        ],
        rows,
    });

    let mut late = Section::new(tr.t("pack-late"));
    let numbers: HashMap<MeasureId, &str> = review.measures.iter().map(|m| (m.measure, m.number.as_str())).collect();
    if review.overdue.is_empty() {
        late.intro = Some(tr.t("pack-late-none"));
    }
    late.tables.push(Table {
        pdf_note: None,
        sheet: tr.t("pack-late"),
        caption: None,
        columns: vec![
            Column::text(tr.t("pack-organisation"), 2.0),
            Column::text(tr.t("pack-side"), 1.2),
            Column::number(tr.t("pack-days-late"), 0.9),
            Column::text(tr.t("pack-late-measures"), 4.0),
        ],
        rows: review
            .overdue
            .iter()
            .map(|o| {
                vec![
                    org_name(&o.organisation),
                    tr.side(o.side),
                    tr.int(o.days_late),
                    o.measures
                        .iter()
                        .map(|(m, reason)| {
                            format!("{} ({})", numbers.get(m).copied().unwrap_or("?"), label(reason.label_key()))
                        })
                        .collect::<Vec<_>>()
                        .join("; "),
                ]
            })
            .collect(),
    });

    let mut decisions = Section::new(tr.t("pack-decisions"));
    let locale = if tr.is_en() { accord_domain::directory::Locale::En } else { accord_domain::directory::Locale::Ru };
    decisions.intro = Some(if review.decisions.is_empty() {
        tr.t("pack-decisions-none")
    } else {
        tr.ta("pack-decisions-scope", &[("quarter", review.period.quarter.to_string())])
    });
    decisions.tables.push(Table {
        pdf_note: None,
        sheet: tr.t("pack-decisions"),
        caption: None,
        columns: vec![
            Column::text(tr.t("pack-decision-ref"), 1.6),
            Column::text(tr.t("pack-decision-text"), 3.6),
            Column::text(tr.t("pack-decision-executors"), 1.8),
            Column::text(tr.t("field-term"), 1.0),
            Column::text(tr.t("pack-decision-control"), 1.2),
        ],
        rows: review
            .decisions
            .iter()
            .map(|d| {
                vec![
                    d.record.reference.format(locale),
                    d.record.text.clone(),
                    d.record.executors.iter().map(|e| org_name(&e.organisation)).collect::<Vec<_>>().join(", "),
                    d.term.map_or_else(|| "—".to_string(), |t| tr.day(t)),
                    label(d.control.label_key()),
                ]
            })
            .collect(),
    });
    vec![reports, late, decisions]
}

fn indicator_row(tr: &Tr, m: &Measure, indicator: &Indicator, quarter: Quarter) -> Vec<String> {
    let d = &indicator.data;
    let reached = d.reached(&indicator.actuals, quarter);
    vec![
        m.data.number.to_string(),
        d.name_ru.clone(),
        d.unit.clone(),
        d.baseline.map_or_else(|| "—".into(), |b| tr.decimal(b)),
        d.target.map_or_else(|| "—".into(), |t| tr.decimal(t)),
        reached.map_or_else(|| "—".into(), |r| tr.decimal(r)),
        d.achievement(reached).map_or_else(|| "—".into(), |a| format!("{}%", tr.int(a.round() as i64))),
    ]
}

/// The quarter's trade as each side reports it, with changes, and a two-year trend chart.
async fn trade_section(store: &Store, tr: &Tr, quarter: Quarter) -> Result<Option<Section>, PackError> {
    let summariser = crate::trade::Summariser::load(store).await?;
    let request = crate::trade::SummaryRequest {
        range: PeriodRange::quarters(quarter, quarter),
        granularity: Granularity::Quarter,
        by: None,
        currency: Currency::Usd,
        basis: RateBasis::MonthlyAverage,
    };
    let all = summariser.all(&request)?;
    if all.is_empty() {
        return Ok(None);
    }
    let mut section = Section::new(tr.t("pack-trade"));
    section.intro = Some(tr.t("pack-trade-intro"));
    let rows = all
        .iter()
        .filter_map(|s| {
            let bucket = s.summary.buckets.first()?;
            let f = &bucket.figures;
            let change = |c: Option<accord_domain::trade::Changes>| {
                crate::trade::percent_text(tr, c.and_then(|c| c.turnover.percent))
            };
            Some(vec![
                format!(
                    "{} — {}",
                    crate::trade::territory_name(tr, s.first),
                    crate::trade::territory_name(tr, s.second)
                ),
                tr.side(s.reported_by),
                crate::trade::amount(tr, f.exports),
                crate::trade::amount(tr, f.imports),
                crate::trade::amount(tr, f.turnover),
                crate::trade::amount(tr, f.balance),
                change(bucket.vs_previous),
                change(bucket.vs_year_earlier),
            ])
        })
        .collect();
    section.tables.push(Table {
        pdf_note: None,
        sheet: tr.t("pack-trade"),
        caption: Some(tr.t("pack-trade-caption")),
        columns: vec![
            Column::text(tr.t("pack-trade-scope"), 2.6),
            Column::text(tr.t("pack-trade-source"), 1.6),
            Column::number(tr.t("trade-exports"), 1.1),
            Column::number(tr.t("trade-imports"), 1.1),
            Column::number(tr.t("trade-turnover"), 1.1),
            Column::number(tr.t("trade-balance"), 1.1),
            Column::number(tr.t("trade-vs-previous"), 1.0),
            Column::number(tr.t("trade-vs-year"), 1.0),
        ],
        rows,
    });
    let mut from = quarter;
    for _ in 0..7 {
        from = from.prev();
    }
    let trend = crate::trade::SummaryRequest { range: PeriodRange::quarters(from, quarter), ..request };
    if let Some(regions) = summariser.one(&trend, Scope::REGIONS, ReportedBy::First)? {
        let sum = &regions.summary;
        let labels: Vec<String> = sum.buckets.iter().map(|b| b.bucket.to_string()).collect();
        let series = crate::trade::flow_series(tr, &sum.buckets);
        let title = tr.ta(
            "pack-trade-trend",
            &[
                ("first", crate::trade::territory_name(tr, regions.first)),
                ("second", crate::trade::territory_name(tr, regions.second)),
            ],
        );
        section.charts.push(Chart {
            svg: trend_lines_with(&title, &labels, &series, sum.currency.code(), &crate::trade::chart_options(tr)),
            title,
        });
    }
    Ok(Some(section))
}

/// The service centre's figures of the quarter against the quarter before, captioned with the
/// plan's measures the service centre executes (their indicators); `None` when the fleet has
/// no figures for the quarter.
async fn service_centre_section(
    store: &Store,
    tr: &Tr,
    quarter: Quarter,
    measures: &[Measure],
) -> Result<Option<Section>, PackError> {
    let Some(figures) = crate::review::service_centre_figures(store, quarter).await? else { return Ok(None) };
    let centre = crate::fleet::service_centre(store).await?;
    let en = tr.is_en();
    let of_centre: Vec<String> = measures
        .iter()
        .filter(|m| centre.is_some_and(|c| m.data.involves(c)))
        .map(|m| format!("{} «{}»", m.data.number, m.data.title(en)))
        .collect();
    let mut section = Section::new(tr.t("pack-service-centre"));
    section.intro = Some(if of_centre.is_empty() {
        tr.ta("pack-service-centre-intro", &[("quarter", quarter.to_string())])
    } else {
        tr.ta(
            "pack-service-centre-intro-measures",
            &[("quarter", quarter.to_string()), ("measures", of_centre.join("; "))],
        )
    });
    let rows = figures
        .iter()
        .map(|f| {
            vec![
                tr.t(&f.key),
                crate::review::figure_value(tr, f.value, f.unit.as_deref()),
                f.previous.map_or_else(|| "—".to_string(), |p| crate::review::figure_value(tr, p, f.unit.as_deref())),
                crate::review::figure_change(tr, f),
            ]
        })
        .collect();
    section.tables.push(Table {
        pdf_note: None,
        sheet: tr.t("pack-service-centre"),
        caption: None,
        columns: vec![
            Column::text(tr.t("pack-indicator"), 3.5),
            Column::number(tr.ta("pack-comparison-now", &[("quarter", quarter.to_string())]), 1.3),
            Column::number(tr.ta("pack-comparison-previous", &[("quarter", quarter.prev().to_string())]), 1.3),
            Column::number(tr.t("pack-service-centre-change"), 1.2),
        ],
        rows,
    });
    Ok(Some(section))
}

fn pack_error(e: PackError) -> AppError {
    match e {
        PackError::Quarter(_) => AppError::BadRequest("pack-error-quarter"),
        PackError::App(e) => e,
        PackError::Render(e) => AppError::Internal(e.to_string()),
    }
}

#[derive(Debug, Default, Deserialize)]
struct PackQuery {
    quarter: Option<String>,
    format: Option<String>,
}

#[derive(Template)]
#[template(path = "briefing.html")]
struct PackPage {
    chrome: Chrome,
    quarters: Vec<String>,
    selected: String,
}

fn today_of(ctx: &Ctx) -> NaiveDate {
    chrono::Utc::now().with_timezone(&crate::layout::user_tz(&ctx.user)).date_naive()
}

async fn page(State(state): State<AppState>, ctx: Ctx, Query(q): Query<PackQuery>) -> Result<Response, AppError> {
    ctx.require(Action::Read)?;
    let plan = crate::plan::resolve_plan(state.store(), None).await?;
    let period = PlanPeriod::of_dates(plan.period_start, plan.period_end).map_err(|_| AppError::NotFound)?;
    let today = today_of(&ctx);
    let current =
        Quarter::of_month(today.year(), today.month()).filter(|q| period.contains(*q)).unwrap_or(period.last());
    // The pack is usually wanted for the quarter just ended.
    let default = if current.prev() >= period.first() { current.prev() } else { current };
    let selected = q.quarter.filter(|t| period.parse_quarter(t).is_ok()).unwrap_or_else(|| default.to_string());
    render(&PackPage {
        chrome: Chrome::new(&ctx, state.is_demo(), "plan", ctx.tr.t("pack-page-title"))
            .crumb("nav-plan", "/plan")
            .crumb_text(ctx.tr.t("pack-page-title")),
        quarters: period.quarters().iter().map(ToString::to_string).collect(),
        selected,
    })
}

async fn download(State(state): State<AppState>, ctx: Ctx, Query(q): Query<PackQuery>) -> Result<Response, AppError> {
    ctx.require(Action::Read)?;
    let format =
        PackFormat::parse(q.format.as_deref().unwrap_or("pdf")).ok_or(AppError::BadRequest("pack-error-format"))?;
    let plan = crate::plan::resolve_plan(state.store(), None).await?;
    let quarter = plan_quarter(q.quarter.as_deref().unwrap_or_default(), &plan).map_err(pack_error)?;
    let today = today_of(&ctx);
    let briefing = build(state.store(), ctx.tr, quarter, today).await.map_err(pack_error)?;
    let bytes = write(briefing, format, today).await.map_err(pack_error)?;
    let file_name = format!("briefing-{quarter}-{}.{}", ctx.tr.code(), format.extension());
    let disposition = if format == PackFormat::Html {
        format!("inline; filename=\"{file_name}\"")
    } else {
        format!("attachment; filename=\"{file_name}\"")
    };
    Ok(([(header::CONTENT_TYPE, format.content_type().to_string()), (header::CONTENT_DISPOSITION, disposition)], bytes)
        .into_response())
}
