//! How trade figures are written on pages, charts and documents, in the reader's language:
//! amounts, percentages, territory and group names, chart series. Shared by the trade pages,
//! the measure page and the briefing pack.

use crate::i18n::Tr;
use accord_domain::trade::{Bucket, Territory};
use accord_report::trade_charts::{ChartOptions, NumberFormat, Point, Series};
use accord_store::StoredGroup;
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;

pub(crate) fn amount(tr: &Tr, value: Decimal) -> String {
    tr.int(value.round().to_i64().unwrap_or(0))
}

pub(crate) fn percent_text(tr: &Tr, value: Option<Decimal>) -> String {
    tr.percent(value, 1, true)
}

/// Exports and imports per bucket as two chart series, incomplete buckets marked.
pub(crate) fn flow_series(tr: &Tr, buckets: &[accord_domain::trade::BucketFigures]) -> [Series; 2] {
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
pub(crate) fn chart_options(tr: &Tr) -> ChartOptions {
    ChartOptions {
        numbers: NumberFormat {
            decimal: if tr.is_en() { '.' } else { ',' },
            suffixes: ["num-thousand", "num-million", "num-billion", "num-trillion"].map(|key| tr.t(key)),
        },
        incomplete_note: Some(tr.t("trade-incomplete")),
    }
}

/// A share of a whole, unsigned.
pub(crate) fn share_text(tr: &Tr, value: Option<Decimal>) -> String {
    tr.percent(value, 1, false)
}

pub(crate) fn territory_name(tr: &Tr, territory: Territory) -> String {
    tr.t(&format!("territory-{}", territory.as_str().to_ascii_lowercase()))
}

pub(crate) fn bucket_label(bucket: &Bucket) -> String {
    bucket.to_string()
}

/// A product group's name in the reader's language; "other goods" for records no group takes.
pub(crate) fn group_label(tr: &Tr, groups: &[StoredGroup], key: Option<&str>) -> String {
    let Some(key) = key else { return tr.t("trade-group-other") };
    match groups.iter().find(|g| g.group.key == key) {
        Some(g) if tr.is_en() && !g.group.name_en.is_empty() => g.group.name_en.clone(),
        Some(g) => g.group.name_ru.clone(),
        None => key.to_string(),
    }
}
