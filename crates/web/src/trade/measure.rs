//! The trade behind a plan measure: the figures of the product groups linked to it (e.g.
//! "supplies of MTZ tractors" ↔ 8701), quarter by quarter as each side's statistics report
//! them, with the group's yearly targets. The measure page shows this next to its indicators.

use super::view::{amount, chart_options, group_label, percent_text};
use super::{Summariser, SummaryRequest};
use crate::error::AppError;
use crate::i18n::Tr;
use accord_domain::MeasureId;
use accord_domain::Side;
use accord_domain::plan::Plan;
use accord_domain::quarter::Quarter;
use accord_domain::trade::{
    Bucket, BucketFigures, Change, Changes, Currency, Figures, Granularity, PeriodRange, RateBasis, ReportedBy, Scope,
};
use accord_report::trade_charts::{Point, Series, trend_lines_with};
use accord_store::Store;
use chrono::Datelike;
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use std::collections::BTreeMap;

/// One linked product group's figures, as the measure page prints them.
pub struct MeasureTrade {
    pub key: String,
    pub name: String,
    pub prefixes: String,
    /// Which figure the rows are: exports of one side, or turnover for an undirected group.
    pub measured: String,
    pub currency: String,
    pub rows: Vec<QuarterLine>,
    pub targets: Vec<TargetLine>,
    pub chart: String,
}

pub struct QuarterLine {
    pub quarter: String,
    pub by_side: String,
    pub khv_side: String,
    pub vs_year: String,
    pub incomplete: bool,
}

pub struct TargetLine {
    pub year: i32,
    pub target: String,
    pub achieved: String,
    pub percent: String,
}

/// The figure a group stands for: what its exporting side ships, or turnover both ways.
#[derive(Clone, Copy)]
enum Measured {
    Exports,
    Imports,
    Turnover,
}

impl Measured {
    /// In the regions scope the first territory is Mogilev, so Belarusian goods are its exports.
    fn of(exported_by: Option<Side>) -> Measured {
        match exported_by {
            Some(Side::By) => Measured::Exports,
            Some(Side::Khv) => Measured::Imports,
            None => Measured::Turnover,
        }
    }

    fn figure(self, f: &Figures) -> Decimal {
        match self {
            Measured::Exports => f.exports,
            Measured::Imports => f.imports,
            Measured::Turnover => f.turnover,
        }
    }

    fn change(self, c: &Changes) -> Change {
        match self {
            Measured::Exports => c.exports,
            Measured::Imports => c.imports,
            Measured::Turnover => c.turnover,
        }
    }
}

/// The trade of every product group linked to `measure`, over the plan's period, in US dollars.
pub async fn measure_trade(
    store: &Store,
    tr: &Tr,
    plan: &Plan,
    measure: MeasureId,
) -> Result<Vec<MeasureTrade>, AppError> {
    let groups = store.product_groups().await?;
    let linked: Vec<_> = groups.iter().filter(|g| g.measures.contains(&measure)).collect();
    if linked.is_empty() {
        return Ok(Vec::new());
    }
    let quarter_of = |d: chrono::NaiveDate| Quarter::of_month(d.year(), d.month());
    let (Some(from), Some(to)) = (quarter_of(plan.period_start), quarter_of(plan.period_end)) else {
        return Ok(Vec::new());
    };
    let request = SummaryRequest {
        range: PeriodRange::quarters(from, to),
        granularity: Granularity::Quarter,
        by: None,
        currency: Currency::Usd,
        basis: RateBasis::MonthlyAverage,
    };
    let summariser = Summariser::load(store).await?;
    let mut out = Vec::with_capacity(linked.len());
    for stored in linked {
        let group = &stored.group;
        let measured = Measured::of(group.exported_by);
        let by_side = summariser.of_group(&request, Scope::REGIONS, ReportedBy::First, &group.key)?;
        let khv_side = summariser.of_group(&request, Scope::REGIONS, ReportedBy::Second, &group.key)?;
        let mut quarters: BTreeMap<Bucket, [Option<&BucketFigures>; 2]> = BTreeMap::new();
        for (slot, summary) in [&by_side, &khv_side].into_iter().enumerate() {
            for bucket in summary.iter().flat_map(|s| &s.summary.buckets) {
                quarters.entry(bucket.bucket).or_default()[slot] = Some(bucket);
            }
        }
        let value =
            |b: Option<&BucketFigures>| b.map_or_else(|| "—".to_string(), |b| amount(tr, measured.figure(&b.figures)));
        let rows: Vec<QuarterLine> = quarters
            .iter()
            .map(|(bucket, [by, khv])| QuarterLine {
                quarter: bucket.to_string(),
                by_side: value(*by),
                khv_side: value(*khv),
                vs_year: percent_text(
                    tr,
                    by.or(*khv).and_then(|b| b.vs_year_earlier.as_ref()).and_then(|c| measured.change(c).percent),
                ),
                incomplete: by.or(*khv).is_some_and(|b| b.incomplete),
            })
            .collect();
        // Targets count what the Belarusian statistics report, or Khabarovsk's where only
        // they have the group.
        let targets = by_side
            .as_ref()
            .or(khv_side.as_ref())
            .and_then(|s| s.summary.groups.iter().find(|g| g.group.as_deref() == Some(group.key.as_str())))
            .map(|g| {
                g.targets
                    .iter()
                    .map(|t| TargetLine {
                        year: t.year,
                        target: format!("{} {}", amount(tr, t.target.to_decimal()), t.target.currency.code()),
                        achieved: t.achieved.map_or_else(|| "—".to_string(), |a| amount(tr, a)),
                        percent: tr.percent(t.percent, 0, false),
                    })
                    .collect()
            })
            .unwrap_or_default();
        let labels: Vec<String> = quarters.keys().map(|b| b.to_string()).collect();
        let series = |slot: usize, side: Side| Series {
            name: tr.ta("trade-reported-by", &[("side", tr.side(side))]),
            points: quarters
                .values()
                .map(|pair| Point {
                    value: pair[slot].map_or(0.0, |b| measured.figure(&b.figures).to_f64().unwrap_or(0.0)),
                    incomplete: pair[slot].is_none_or(|b| b.incomplete),
                })
                .collect(),
        };
        let chart = if rows.is_empty() {
            String::new()
        } else {
            trend_lines_with(
                &tr.t("measure-trade-chart"),
                &labels,
                &[series(0, Side::By), series(1, Side::Khv)],
                request.currency.code(),
                &chart_options(tr),
            )
        };
        out.push(MeasureTrade {
            key: group.key.clone(),
            name: group_label(tr, &groups, Some(&group.key)),
            prefixes: group.prefixes.iter().map(|p| p.spaced().to_string()).collect::<Vec<_>>().join(", "),
            measured: match (measured, group.exported_by) {
                (Measured::Turnover, _) | (_, None) => tr.t("measure-trade-turnover"),
                (_, Some(side)) => tr.ta("measure-trade-exports-of", &[("side", tr.side(side))]),
            },
            currency: request.currency.code().to_string(),
            rows,
            targets,
            chart,
        });
    }
    Ok(out)
}
