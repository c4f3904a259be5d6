//! The figures officials ask for: exports, imports, turnover and balance between two territories
//! per month, quarter or year, their change, the top products, the share of each product group,
//! and a flag where a figure rests on months without data.
//!
//! Rules that make the figures add up:
//! - a scope is an ordered pair of territories; exports and imports are the first territory's.
//!   Records are taken from one side's statistics (`ReportedBy`): with the second side's, its
//!   imports from the first are the first's exports. Territories match exactly: a region's
//!   records never count towards its country, whose figures are published separately;
//! - each aggregated record is converted once into the summary currency (exact rate arithmetic,
//!   rounded half to even to the minor unit at the end of that conversion) and all sums are of
//!   those integers, so totals by any grouping add up to the grand total exactly. The cost is
//!   at most half a cent per record against converting grand totals directly;
//! - a record belongs to one product group (see [`classify`]) or to "other";
//! - a quarterly record cannot be split into months: by month it is reported as `unattributed`.

use super::aggregate::AggregatedRecord;
use super::code::{CodeLevel, CommodityCode};
use super::group::{ProductGroup, classify};
use super::money::{Currency, Money};
use super::rate::{Conversion, RateBasis, RateError, RateTable};
use super::record::{Flow, Period, Territory, YearMonth};
use crate::quarter::Quarter;
use crate::side::Side;
use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt;

/// An ordered pair of territories; figures are from the first one's point of view.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Scope {
    pub first: Territory,
    pub second: Territory,
}

impl Scope {
    /// Mogilev Oblast and Khabarovsk Krai: the agreement itself.
    pub const REGIONS: Scope = Scope { first: Territory::BY_MA, second: Territory::RU_KHA };
    /// Belarus and Russia, for context.
    pub const COUNTRIES: Scope = Scope { first: Territory::BY, second: Territory::RU };

    /// Which way a record's goods went from the first territory's point of view, if the record
    /// belongs to this scope as reported by `by`.
    pub fn orient(&self, reporter: Territory, partner: Territory, flow: Flow, by: ReportedBy) -> Option<Flow> {
        match by {
            ReportedBy::First if reporter == self.first && partner == self.second => Some(flow),
            ReportedBy::Second if reporter == self.second && partner == self.first => Some(flow.mirror()),
            _ => None,
        }
    }
}

impl fmt::Display for Scope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}↔{}", self.first, self.second)
    }
}

/// Whose statistics a summary rests on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ReportedBy {
    First,
    Second,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Granularity {
    Month,
    Quarter,
    Year,
}

/// A month, quarter or year that figures are summed over.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Bucket {
    Month(YearMonth),
    Quarter(Quarter),
    Year(i32),
}

impl Bucket {
    /// The bucket a period falls into; `None` for a quarter asked for by month.
    pub fn of(period: Period, granularity: Granularity) -> Option<Bucket> {
        match (granularity, period) {
            (Granularity::Month, Period::Month(m)) => Some(Bucket::Month(m)),
            (Granularity::Month, Period::Quarter(_)) => None,
            (Granularity::Quarter, p) => Some(Bucket::Quarter(p.quarter())),
            (Granularity::Year, p) => Some(Bucket::Year(p.year())),
        }
    }

    pub fn previous(self) -> Option<Bucket> {
        match self {
            Bucket::Month(m) => m.prev().map(Bucket::Month),
            Bucket::Quarter(q) => {
                let prev = if q.number() == 1 {
                    Quarter::new(q.year() - 1, 4)
                } else {
                    Quarter::new(q.year(), q.number() - 1)
                };
                prev.map(Bucket::Quarter)
            }
            Bucket::Year(y) => Some(Bucket::Year(y - 1)),
        }
    }

    pub fn year_earlier(self) -> Option<Bucket> {
        match self {
            Bucket::Month(m) => m.year_earlier().map(Bucket::Month),
            Bucket::Quarter(q) => Quarter::new(q.year() - 1, q.number()).map(Bucket::Quarter),
            Bucket::Year(y) => Some(Bucket::Year(y - 1)),
        }
    }

    pub fn months(self) -> Vec<YearMonth> {
        match self {
            Bucket::Month(m) => vec![m],
            Bucket::Quarter(q) => YearMonth::of_quarter(q).to_vec(),
            Bucket::Year(y) => (1..=12).filter_map(|m| YearMonth::new(y, m)).collect(),
        }
    }
}

impl fmt::Display for Bucket {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Bucket::Month(m) => m.fmt(f),
            Bucket::Quarter(q) => q.fmt(f),
            Bucket::Year(y) => y.fmt(f),
        }
    }
}

/// Months from `from` to `to` inclusive. A quarterly record is in range when its whole quarter is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct PeriodRange {
    pub from: YearMonth,
    pub to: YearMonth,
}

impl PeriodRange {
    pub fn quarters(from: Quarter, to: Quarter) -> PeriodRange {
        PeriodRange { from: YearMonth::of_quarter(from)[0], to: YearMonth::of_quarter(to)[2] }
    }
    pub fn contains(&self, period: Period) -> bool {
        period.first_month() >= self.from && period.last_month() <= self.to
    }
}

/// How to break the range down besides the buckets (`accord trade summary --by ...`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum GroupBy {
    Quarter,
    Group,
    Hs2,
    Hs4,
    Hs6,
}

/// Exports, imports, turnover (their sum) and balance (exports less imports), in the summary
/// currency.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Figures {
    pub exports: Decimal,
    pub imports: Decimal,
    pub turnover: Decimal,
    pub balance: Decimal,
}

/// A change against an earlier bucket.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Change {
    pub absolute: Decimal,
    /// Relative to the earlier figure's magnitude, in percent to two places; `None` when the
    /// earlier figure is zero.
    pub percent: Option<Decimal>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Changes {
    pub against: Bucket,
    /// The earlier bucket rests on months without data: read the change with care.
    pub against_incomplete: bool,
    pub exports: Change,
    pub imports: Change,
    pub turnover: Change,
    pub balance: Change,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BucketFigures {
    pub bucket: Bucket,
    pub figures: Figures,
    /// Months of the bucket for which the scope has any record (a quarterly record covers
    /// its three months).
    pub months_with_data: u8,
    pub months_in_bucket: u8,
    /// Fewer months with data than the bucket has: the figure is not the whole period's.
    pub incomplete: bool,
    /// Against the previous month, quarter or year; `None` when that has no data.
    pub vs_previous: Option<Changes>,
    /// Against the same month or quarter a year earlier (for a year, the previous year).
    pub vs_year_earlier: Option<Changes>,
}

/// A product's value in one direction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProductFigure {
    pub code: CommodityCode,
    pub value: Decimal,
    /// Of the direction's total, in percent to two places.
    pub share_percent: Option<Decimal>,
}

/// How far a group got towards a yearly target.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct TargetProgress {
    pub year: i32,
    pub target: Money,
    /// Value within the range in that year (exports for a directed group, turnover otherwise);
    /// `None` when the target is in another currency than the summary.
    pub achieved: Option<Decimal>,
    pub percent: Option<Decimal>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupFigures {
    /// The group's key; `None` for "other" (records no group takes).
    pub group: Option<String>,
    pub figures: Figures,
    pub share_of_exports: Option<Decimal>,
    pub share_of_imports: Option<Decimal>,
    pub targets: Vec<TargetProgress>,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase", tag = "kind", content = "key")]
pub enum GroupKey {
    Quarter(Quarter),
    /// A product group's key, `None` for "other".
    Group(Option<String>),
    Code(CommodityCode),
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupRow {
    pub key: GroupKey,
    pub figures: Figures,
}

/// What to summarise and how.
#[derive(Debug, Clone, Copy)]
pub struct SummaryOptions<'a> {
    pub scope: Scope,
    pub reported_by: ReportedBy,
    pub range: PeriodRange,
    pub granularity: Granularity,
    pub by: Option<GroupBy>,
    pub currency: Currency,
    pub basis: RateBasis,
    pub rates: &'a RateTable,
    pub groups: &'a [ProductGroup],
    /// How many top products each way.
    pub top: usize,
    /// The code level top products are counted at.
    pub top_level: CodeLevel,
    /// Only the records this product group (by its index in `groups`) takes: the group's own
    /// figures per bucket, as a measure linked to the group shows them.
    pub only_group: Option<usize>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Summary {
    pub scope: Scope,
    pub reported_by: ReportedBy,
    pub currency: Currency,
    pub range: PeriodRange,
    pub total: Figures,
    pub buckets: Vec<BucketFigures>,
    /// Quarterly records in a summary by month: in the total, in no month.
    pub unattributed: Figures,
    /// Any bucket rests on months without data.
    pub incomplete: bool,
    /// The breakdown asked for with `by`, in key order ("other" group last).
    pub rows: Vec<GroupRow>,
    pub top_exports: Vec<ProductFigure>,
    pub top_imports: Vec<ProductFigure>,
    /// Every group with data or targets, then "other" when it has data.
    pub groups: Vec<GroupFigures>,
    /// Earlier buckets left out of comparisons because their rates are missing.
    pub warnings: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SummaryError {
    #[error(transparent)]
    Rate(#[from] RateError),
    #[error("the sums exceed the range of exact decimal figures")]
    Overflow,
}

/// Integer sums in minor units of the summary currency.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Acc {
    pub(crate) exports: i128,
    pub(crate) imports: i128,
}

impl Acc {
    pub(crate) fn add(&mut self, flow: Flow, minor: i64) {
        match flow {
            Flow::Export => self.exports += i128::from(minor),
            Flow::Import => self.imports += i128::from(minor),
        }
    }
    fn figures(self, currency: Currency) -> Result<Figures, SummaryError> {
        let d = |v: i128| to_decimal(v, currency);
        Ok(Figures {
            exports: d(self.exports)?,
            imports: d(self.imports)?,
            turnover: d(self.exports + self.imports)?,
            balance: d(self.exports - self.imports)?,
        })
    }
}

pub(crate) fn to_decimal(minor: i128, currency: Currency) -> Result<Decimal, SummaryError> {
    Decimal::try_from_i128_with_scale(minor, currency.minor_digits()).map_err(|_| SummaryError::Overflow)
}

/// `part / whole` in percent, to two places, half to even; `None` when `whole` is zero.
pub fn percent(part: Decimal, whole: Decimal) -> Option<Decimal> {
    if whole.is_zero() {
        return None;
    }
    part.checked_mul(Decimal::ONE_HUNDRED)
        .and_then(|p| p.checked_div(whole.abs()))
        .map(|p| p.round_dp_with_strategy(2, RoundingStrategy::MidpointNearestEven))
}

fn change(now: Decimal, before: Decimal) -> Change {
    Change { absolute: now - before, percent: percent(now - before, before) }
}

/// Converts records into the summary currency, one conversion per period and currency.
pub(crate) struct Converter<'a> {
    rates: &'a RateTable,
    to: Currency,
    basis: RateBasis,
    cache: HashMap<(Period, Currency), Result<Conversion, RateError>>,
}

impl<'a> Converter<'a> {
    pub(crate) fn new(rates: &'a RateTable, to: Currency, basis: RateBasis) -> Converter<'a> {
        Converter { rates, to, basis, cache: HashMap::new() }
    }

    /// The value in minor units of the target currency.
    pub(crate) fn minor(&mut self, period: Period, value: Money) -> Result<i64, RateError> {
        let (rates, to, basis) = (self.rates, self.to, self.basis);
        let conversion = self
            .cache
            .entry((period, value.currency))
            .or_insert_with(|| rates.conversion_for(value.currency, to, period, basis))
            .clone()?;
        Ok(conversion.apply(value)?.minor)
    }
}

/// The side goods came from, seen from a scope's first territory.
fn shipped_from(scope: &Scope, flow: Flow) -> Option<Side> {
    match flow {
        Flow::Export => scope.first.side(),
        Flow::Import => scope.second.side(),
    }
}

/// Figures for a scope over a range, from aggregated records (any records outside the scope
/// are ignored). Pass records from a year before the range too, so its first buckets have
/// something to compare with.
pub fn summarise(records: &[AggregatedRecord], options: &SummaryOptions<'_>) -> Result<Summary, SummaryError> {
    let o = options;
    let mut convert = Converter::new(o.rates, o.currency, o.basis);
    let in_scope = |r: &AggregatedRecord| o.scope.orient(r.key.reporter, r.key.partner, r.key.flow, o.reported_by);
    let group_of = |r: &AggregatedRecord, flow: Flow| classify(o.groups, r.key.code, shipped_from(&o.scope, flow));
    // With `only_group`, the scope's other records still say which periods have data: a
    // quarter without the group's goods is a zero, not a gap.
    let counted = |r: &AggregatedRecord, flow: Flow| o.only_group.is_none_or(|only| group_of(r, flow) == Some(only));

    // Which buckets the range shows, and which earlier ones they compare with.
    let mut shown: BTreeSet<Bucket> = BTreeSet::new();
    for r in records {
        if in_scope(r).is_some()
            && o.range.contains(r.key.period)
            && let Some(b) = Bucket::of(r.key.period, o.granularity)
        {
            shown.insert(b);
        }
    }
    let compared: BTreeSet<Bucket> =
        shown.iter().flat_map(|b| [b.previous(), b.year_earlier()]).flatten().filter(|b| !shown.contains(b)).collect();

    let mut months_with_data: BTreeSet<YearMonth> = BTreeSet::new();
    let mut total = Acc::default();
    let mut unattributed = Acc::default();
    let mut in_range: BTreeMap<Bucket, Acc> = BTreeMap::new();
    let mut earlier: BTreeMap<Bucket, Acc> = BTreeMap::new();
    let mut unavailable: BTreeMap<Bucket, String> = BTreeMap::new();
    let mut rows: BTreeMap<GroupKey, Acc> = BTreeMap::new();
    let mut products: [HashMap<CommodityCode, i128>; 2] = [HashMap::new(), HashMap::new()];
    let mut by_group: BTreeMap<Option<usize>, Acc> = BTreeMap::new();
    let mut group_years: BTreeMap<(usize, i32), Acc> = BTreeMap::new();

    for r in records {
        let Some(flow) = in_scope(r) else { continue };
        let period = r.key.period;
        let bucket = Bucket::of(period, o.granularity);
        if !counted(r, flow) {
            if o.range.contains(period) || bucket.is_some_and(|b| compared.contains(&b)) {
                months_with_data.extend(
                    (period.first_month().index()..=period.last_month().index()).filter_map(YearMonth::from_index),
                );
                if let Some(b) = bucket {
                    let map = if o.range.contains(period) { &mut in_range } else { &mut earlier };
                    map.entry(b).or_default();
                }
            }
            continue;
        }
        if o.range.contains(period) {
            let minor = convert.minor(period, r.value)?;
            months_with_data
                .extend((period.first_month().index()..=period.last_month().index()).filter_map(YearMonth::from_index));
            total.add(flow, minor);
            match bucket {
                Some(b) => in_range.entry(b).or_default().add(flow, minor),
                None => unattributed.add(flow, minor),
            }
            let group = group_of(r, flow);
            by_group.entry(group).or_default().add(flow, minor);
            if let Some(g) = group {
                group_years.entry((g, period.year())).or_default().add(flow, minor);
            }
            let code = r.key.code.at_most(o.top_level);
            let slot = usize::from(flow == Flow::Import);
            *products[slot].entry(code).or_default() += i128::from(minor);
            if let Some(by) = o.by {
                let key = match by {
                    GroupBy::Quarter => GroupKey::Quarter(period.quarter()),
                    GroupBy::Group => GroupKey::Group(group.map(|g| o.groups[g].key.clone())),
                    GroupBy::Hs2 => GroupKey::Code(r.key.code.at_most(CodeLevel::Chapter)),
                    GroupBy::Hs4 => GroupKey::Code(r.key.code.at_most(CodeLevel::Heading)),
                    GroupBy::Hs6 => GroupKey::Code(r.key.code.at_most(CodeLevel::Subheading)),
                };
                rows.entry(key).or_default().add(flow, minor);
            }
        } else if let Some(b) = bucket.filter(|b| compared.contains(b)) {
            months_with_data
                .extend((period.first_month().index()..=period.last_month().index()).filter_map(YearMonth::from_index));
            match convert.minor(period, r.value) {
                Ok(minor) => earlier.entry(b).or_default().add(flow, minor),
                Err(e) => {
                    unavailable.entry(b).or_insert_with(|| format!("{b} left out of comparisons: {e}"));
                }
            }
        }
    }

    let coverage = |b: Bucket| -> (u8, u8) {
        let months = b.months();
        let with = months.iter().filter(|m| months_with_data.contains(m)).count();
        (u8::try_from(with).unwrap_or(u8::MAX), u8::try_from(months.len()).unwrap_or(u8::MAX))
    };
    let cur = o.currency;
    let figures_of = |b: Bucket| -> Option<Result<(Figures, bool), SummaryError>> {
        if unavailable.contains_key(&b) {
            return None;
        }
        let acc = in_range.get(&b).or_else(|| earlier.get(&b))?;
        let (with, all) = coverage(b);
        Some(acc.figures(cur).map(|f| (f, with < all)))
    };
    let compare = |now: &Figures, against: Option<Bucket>| -> Result<Option<Changes>, SummaryError> {
        let Some(against) = against else { return Ok(None) };
        let Some(before) = figures_of(against) else { return Ok(None) };
        let (before, against_incomplete) = before?;
        Ok(Some(Changes {
            against,
            against_incomplete,
            exports: change(now.exports, before.exports),
            imports: change(now.imports, before.imports),
            turnover: change(now.turnover, before.turnover),
            balance: change(now.balance, before.balance),
        }))
    };

    let mut buckets = Vec::with_capacity(in_range.len());
    for (&bucket, acc) in &in_range {
        let figures = acc.figures(cur)?;
        let (with, all) = coverage(bucket);
        buckets.push(BucketFigures {
            bucket,
            figures,
            months_with_data: with,
            months_in_bucket: all,
            incomplete: with < all,
            vs_previous: compare(&figures, bucket.previous())?,
            vs_year_earlier: compare(&figures, bucket.year_earlier())?,
        });
    }

    let total_figures = total.figures(cur)?;
    let top = |slot: usize, whole: Decimal| -> Result<Vec<ProductFigure>, SummaryError> {
        let mut list: Vec<(CommodityCode, i128)> = products[slot].iter().map(|(c, v)| (*c, *v)).collect();
        list.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        list.into_iter()
            .take(o.top)
            .map(|(code, v)| {
                let value = to_decimal(v, cur)?;
                Ok(ProductFigure { code, value, share_percent: percent(value, whole) })
            })
            .collect()
    };
    let top_exports = top(0, total_figures.exports)?;
    let top_imports = top(1, total_figures.imports)?;

    let mut groups = Vec::new();
    let group_indices = (0..o.groups.len()).map(Some).chain([None]);
    for index in group_indices {
        let acc = by_group.get(&index).copied();
        let group = index.map(|i| &o.groups[i]);
        if acc.is_none() && group.is_none_or(|g| g.targets.is_empty()) {
            continue;
        }
        let figures = acc.unwrap_or_default().figures(cur)?;
        let mut targets = Vec::new();
        if let (Some(i), Some(g)) = (index, group) {
            for (&year, &target) in &g.targets {
                let in_year = group_years.get(&(i, year)).copied().unwrap_or_default();
                // A directed group only takes goods going its way, so this is that flow alone;
                // an undirected group's target is on turnover.
                let achieved_minor = in_year.exports + in_year.imports;
                let achieved = (target.currency == cur).then(|| to_decimal(achieved_minor, cur)).transpose()?;
                let percent = achieved.and_then(|a| percent(a, target.to_decimal()));
                targets.push(TargetProgress { year, target, achieved, percent });
            }
        }
        groups.push(GroupFigures {
            group: group.map(|g| g.key.clone()),
            share_of_exports: percent(figures.exports, total_figures.exports),
            share_of_imports: percent(figures.imports, total_figures.imports),
            figures,
            targets,
        });
    }

    let mut row_list = Vec::with_capacity(rows.len());
    let mut other = None;
    for (key, acc) in rows {
        let row = GroupRow { key, figures: acc.figures(cur)? };
        if row.key == GroupKey::Group(None) { other = Some(row) } else { row_list.push(row) }
    }
    row_list.extend(other);

    Ok(Summary {
        scope: o.scope,
        reported_by: o.reported_by,
        currency: cur,
        range: o.range,
        total: total_figures,
        incomplete: buckets.iter().any(|b| b.incomplete),
        buckets,
        unattributed: unattributed.figures(cur)?,
        rows: row_list,
        top_exports,
        top_imports,
        groups,
        warnings: unavailable.into_values().collect(),
    })
}

/// Sums of figures, for checks and callers that combine rows.
pub fn sum_figures<'a>(figures: impl IntoIterator<Item = &'a Figures>) -> Figures {
    figures.into_iter().fold(Figures::default(), |acc, f| Figures {
        exports: acc.exports + f.exports,
        imports: acc.imports + f.imports,
        turnover: acc.turnover + f.turnover,
        balance: acc.balance + f.balance,
    })
}

#[cfg(test)]
mod tests;
