//! The pack's trade section: the quarter's trade as each side reports it, with its changes,
//! and a two-year trend of the two regions' trade. Figures are written as the trade pages write
//! them (whole dollars grouped, changes with one decimal).

use crate::Result;
use crate::review::figures::TradeFigures;
use accord_domain::quarter::Quarter;
use accord_domain::trade::{BucketFigures, ReportedBy, Scope, Territory};
use accord_i18n::Tr;
use accord_report::briefing::{Chart, Column, Section, Table};
use accord_report::trade_charts::{ChartOptions, NumberFormat, Point, Series, trend_lines_with};
use accord_store::Store;
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;

fn amount(tr: &Tr, value: Decimal) -> String {
    tr.int(value.round().to_i64().unwrap_or(0))
}

fn percent_text(tr: &Tr, value: Option<Decimal>) -> String {
    tr.percent(value, 1, true)
}

/// Exports and imports per bucket as two chart series, incomplete buckets marked.
fn flow_series(tr: &Tr, buckets: &[BucketFigures]) -> [Series; 2] {
    let point = |v: Decimal, incomplete| Point { value: v.to_f64().unwrap_or(0.0), incomplete };
    [
        Series {
            name: tr.t("trade-exports"),
            points: buckets.iter().map(|b| point(b.figures.exports, b.incomplete)).collect(),
        },
        Series {
            name: tr.t("trade-imports"),
            points: buckets.iter().map(|b| point(b.figures.imports, b.incomplete)).collect(),
        },
    ]
}

/// How the charts write numbers and mark incomplete periods, in the reader's language.
fn chart_options(tr: &Tr) -> ChartOptions {
    ChartOptions {
        numbers: NumberFormat {
            decimal: if tr.is_en() { '.' } else { ',' },
            suffixes: ["num-thousand", "num-million", "num-billion", "num-trillion"].map(|key| tr.t(key)),
        },
        incomplete_note: Some(tr.t("trade-incomplete")),
    }
}

fn territory_name(tr: &Tr, territory: Territory) -> String {
    tr.t(&format!("territory-{}", territory.as_str().to_ascii_lowercase()))
}

/// The quarter's trade as each side reports it, with changes, and a two-year trend chart.
pub(super) async fn trade_section(store: &Store, tr: &Tr, quarter: Quarter) -> Result<Option<Section>> {
    let trade = TradeFigures::load(store).await?;
    let all = trade.all(quarter)?;
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
            let change =
                |c: Option<accord_domain::trade::Changes>| percent_text(tr, c.and_then(|c| c.turnover.percent));
            Some(vec![
                format!("{} — {}", territory_name(tr, s.first), territory_name(tr, s.second)),
                tr.side(s.reported_by),
                amount(tr, f.exports),
                amount(tr, f.imports),
                amount(tr, f.turnover),
                amount(tr, f.balance),
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
    if let Some(regions) = trade.quarters(from, quarter, Scope::REGIONS, ReportedBy::First)? {
        let sum = &regions.summary;
        let labels: Vec<String> = sum.buckets.iter().map(|b| b.bucket.to_string()).collect();
        let series = flow_series(tr, &sum.buckets);
        let title = tr.ta(
            "pack-trade-trend",
            &[("first", territory_name(tr, regions.first)), ("second", territory_name(tr, regions.second))],
        );
        section.charts.push(Chart {
            svg: trend_lines_with(&title, &labels, &series, sum.currency.code(), &chart_options(tr)),
            title,
        });
    }
    Ok(Some(section))
}
