//! Trade between the two sides: commodity codes and their nomenclature, product groups, trade
//! records and their aggregation, exchange rates, and the figures built from them (summaries
//! and mirror reconciliation). Pure: files are read by `formats`, records kept by `store`.

pub mod aggregate;
pub mod code;
pub mod group;
pub mod mirror;
pub mod money;
pub mod nomenclature;
pub mod rate;
pub mod record;
pub mod summary;

pub use aggregate::{AggregateError, AggregateKey, AggregatedRecord, Aggregator};
pub use code::{CodeError, CodeLevel, CommodityCode};
pub use group::{GroupError, ProductGroup, classify};
pub use mirror::{MirrorOptions, MirrorReport, MirrorRow, MirrorStatus, reconcile};
pub use money::{Currency, Money, MoneyError, UnknownCurrency};
pub use nomenclature::{Entry, Lang, Name, Nomenclature, NomenclatureError, NomenclatureRow, UnknownCode};
pub use rate::{Conversion, MAX_LOOKBACK_DAYS, Rate, RateBasis, RateError, RateTable};
pub use record::{
    Flow, NotAPeriod, NotATerritory, NotAUnit, Period, QtyUnit, Quantity, Source, Territory, TradeRecord, UnknownFlow,
    YearMonth,
};
pub use summary::{
    Bucket, BucketFigures, Change, Changes, Figures, Granularity, GroupBy, GroupFigures, GroupKey, GroupRow,
    PeriodRange, ProductFigure, ReportedBy, Scope, Summary, SummaryError, SummaryOptions, TargetProgress, summarise,
};

/// One hand-written record as a summary or reconciliation reads it, for tests.
#[cfg(test)]
pub(crate) fn test_record(
    period: &str,
    flow: Flow,
    reporter: Territory,
    partner: Territory,
    code: &str,
    value: Money,
) -> AggregatedRecord {
    AggregatedRecord::of(&TradeRecord {
        period: period.parse::<Period>().expect("period"),
        flow,
        reporter,
        partner,
        code: CommodityCode::parse(code).expect("code"),
        value,
        net_mass_kg: None,
        supplementary_qty: None,
        supplementary_unit: None,
    })
}
