//! The pack's sections that come from the review and the service centre, and its tables'
//! rows.

use crate::Result;
use crate::error::fluent_id;
use crate::review::figures::{figure_change, figure_value, service_centre_figures};
use accord_domain::plan::{Indicator, Measure, Status};
use accord_domain::quarter::Quarter;
use accord_domain::{MeasureId, OrganisationId};
use accord_i18n::Tr;
use accord_report::briefing::{Column, Section, Table};
use accord_store::Store;
use std::collections::HashMap;

/// Measures by status this quarter, the one before and a year before (from the snapshots taken
/// at those reviews where there are some).
pub(super) fn comparison_table(tr: &Tr, review: &accord_store::ReviewPackData) -> Table {
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
pub(super) fn review_sections(
    tr: &Tr,
    review: &accord_store::ReviewPackData,
    org_name: &dyn Fn(&OrganisationId) -> String,
) -> Vec<Section> {
    let label = |key: &str| tr.t(&fluent_id(key));
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

pub(super) fn indicator_row(tr: &Tr, m: &Measure, indicator: &Indicator, quarter: Quarter) -> Vec<String> {
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

/// The service centre's figures of the quarter against the quarter before, captioned with the
/// plan's measures the service centre executes (their indicators); `None` when the fleet has
/// no figures for the quarter.
pub(super) async fn service_centre_section(
    store: &Store,
    tr: &Tr,
    quarter: Quarter,
    measures: &[Measure],
) -> Result<Option<Section>> {
    let Some(figures) = service_centre_figures(store, quarter).await? else { return Ok(None) };
    let centre = crate::App::new(store.clone()).fleet_service_centre().await?;
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
                figure_value(tr, f.value, f.unit.as_deref()),
                f.previous.map_or_else(|| "—".to_string(), |p| figure_value(tr, p, f.unit.as_deref())),
                figure_change(tr, f),
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
