//! The quarterly briefing pack: the plan's state, its indicators, what is overdue, the
//! review's reports, late organisations and decisions, trade in both directions, the service
//! centre, and the full data as an annex, for the videoconference of a quarter. This module
//! decides what goes in and translates it; `accord_report::briefing` sets it as PDF, XLSX or
//! HTML. The page `/briefing` and `accord report quarterly` both call [`App::briefing_pack`]
//! and [`write`].

mod sections;
mod trade;

use crate::review::figures::overdue_on;
use crate::{App, Error, Result};
use accord_domain::plan::summary::summarise;
use accord_domain::plan::{Measure, Status};
use accord_domain::quarter::Quarter;
use accord_domain::review::{PeriodError, PlanPeriod};
use accord_domain::{MeasureId, OrganisationId, Side};
use accord_i18n::Tr;
use accord_report::briefing::{Briefing, Chart, Column, Section, Table, to_html, to_pdf, to_xlsx};
use accord_report::charts::{Bar, actuals_vs_target, percent_bars};
use chrono::NaiveDate;
use rust_decimal::prelude::ToPrimitive;
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

    pub fn content_type(self) -> &'static str {
        match self {
            PackFormat::Pdf => "application/pdf",
            PackFormat::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            PackFormat::Html => "text/html; charset=utf-8",
        }
    }
}

/// Parses "2025Q3" (or "III квартал 2025") and checks it is one of the plan's quarters.
pub fn plan_quarter(text: &str, plan: &accord_domain::plan::Plan) -> Result<Quarter, PeriodError> {
    let period = PlanPeriod::of_dates(plan.period_start, plan.period_end)?;
    period.parse_quarter(text)
}

/// Writes the pack in a format (PDF setting runs on a blocking thread: it takes CPU time).
pub async fn write(briefing: Briefing, format: PackFormat, today: NaiveDate) -> Result<Vec<u8>> {
    let render = |e: accord_report::briefing::BriefingError| Error::internal(e);
    Ok(match format {
        PackFormat::Pdf => tokio::task::spawn_blocking(move || to_pdf(&briefing, today))
            .await
            .map_err(Error::internal)?
            .map_err(render)?,
        PackFormat::Xlsx => to_xlsx(&briefing).map_err(render)?,
        PackFormat::Html => to_html(&briefing).map_err(render)?.into_bytes(),
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

impl App {
    /// The pack for `quarter` of the current plan, in `tr`'s language. Figures are those stored
    /// now, measured as at the quarter's last day (or `today`, if earlier). Everyone who may
    /// read the plan may read the pack.
    pub async fn briefing_pack(&self, tr: Tr, quarter: Quarter, today: NaiveDate) -> Result<Briefing> {
        let store = &self.store;
        let en = tr.is_en();
        let plan = self.plan_resolve(None).await?;
        let period = PlanPeriod::of_dates(plan.period_start, plan.period_end)?;
        period.check(quarter)?;
        let as_of = today.min(quarter.last_day());
        let measures = store.measures_of_plan(plan.id).await?;
        let sections = store.sections().await?;
        // Overdue as the agenda counts it: at the quarter's end (what fell due by its last day
        // and is not done), or today while the quarter runs.
        let summary = summarise(&plan, &measures, overdue_on(quarter, today), &store.review_handed_in().await?);
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
        // Late organisations as `/review` lists them today (as of the quarter's last day the
        // deadline had not passed, and the pack said all reported on time).
        let review = match store.review_pack_data(quarter, today).await {
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
        summary_section.tables.push(Table {
            pdf_note: None,
            sheet: tr.t("pack-summary"),
            caption: None,
            columns,
            rows,
        });
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
            summary_section.tables.push(sections::comparison_table(&tr, review));
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
                rows.push(sections::indicator_row(&tr, m, indicator, quarter));
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
            out.extend(sections::review_sections(&tr, review, &org_name));
        }

        // 5. Trade in both directions, when the trade module has data.
        if let Some(trade) = trade::trade_section(store, &tr, quarter).await? {
            out.push(trade);
        }

        // 5a. The service centre's figures, as the indicators of the measures it executes.
        if let Some(centre) = sections::service_centre_section(store, &tr, quarter, &measures).await? {
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
}
