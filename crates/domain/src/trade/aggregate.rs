//! Summing declarations into one line per period, flow, reporter, partner, code, currency and
//! unit, as they stream out of a file.
//!
//! Customs files have a line per declaration: ten million lines for a few hundred thousand
//! distinct keys. Storing the lines would be slow and answer no question better, so an import
//! aggregates first. The aggregator must keep pace with a reader doing two million lines a
//! second within a fixed memory budget, hence:
//! - the key is packed into three `u64` words (24 bytes, no heap): the code; the reporter with
//!   the period; the partner with flow, currency and the unit. Units are interned per
//!   aggregator (a customs file uses a few dozen at most), so the unit is one byte of the key.
//!   With the 40 bytes of sums an entry is 64 bytes: one cache line, which matters because with
//!   hundreds of thousands of keys nearly every lookup misses the cache;
//! - sums are integers (minor units, thousandths), so memory grows with the number of distinct
//!   keys, never with the number of lines;
//! - the map hashes with foldhash rather than std's SipHash-1-3. SipHash spends ~20 ns on a
//!   key, a tenth of the whole per-line budget at 2 M lines/s; foldhash is several times faster
//!   on short keys and, unlike FxHash, still seeds every map randomly, so a crafted file cannot
//!   aim for collisions it cannot predict.
//!
//! The supplementary unit is part of the key because quantities only add up within one unit:
//! a code reported in pieces by one office and in pairs by another yields two lines, whose
//! values still add up in every summary.

use super::code::CommodityCode;
use super::money::{Currency, Money};
use super::record::{Flow, Period, QtyUnit, Quantity, Territory, TradeRecord};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// What one aggregated line is keyed by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct AggregateKey {
    pub period: Period,
    pub reporter: Territory,
    pub partner: Territory,
    pub flow: Flow,
    pub code: CommodityCode,
    pub currency: Currency,
    pub unit: Option<QtyUnit>,
}

/// The sums of the declarations under one key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct AggregatedRecord {
    pub key: AggregateKey,
    pub value: Money,
    /// The sum over declarations that stated a mass; `None` when none did.
    pub net_mass_kg: Option<Quantity>,
    /// The sum over declarations that stated a quantity (in `key.unit`); `None` when none did.
    pub supplementary_qty: Option<Quantity>,
    pub declarations: u32,
    pub declarations_with_mass: u32,
    pub declarations_with_qty: u32,
}

impl AggregatedRecord {
    /// A single declaration as an aggregated line of one.
    pub fn of(record: &TradeRecord) -> AggregatedRecord {
        AggregatedRecord {
            key: AggregateKey {
                period: record.period,
                reporter: record.reporter,
                partner: record.partner,
                flow: record.flow,
                code: record.code,
                currency: record.value.currency,
                unit: record.supplementary_unit,
            },
            value: record.value,
            net_mass_kg: record.net_mass_kg,
            supplementary_qty: record.supplementary_qty,
            declarations: 1,
            declarations_with_mass: u32::from(record.net_mass_kg.is_some()),
            declarations_with_qty: u32::from(record.supplementary_qty.is_some()),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AggregateError {
    #[error(
        "the sum for {} {} {} {} {} exceeds the range of {} amounts",
        key.period, key.reporter, key.flow, key.partner, key.code, key.currency
    )]
    Overflow { key: AggregateKey },
    #[error("more than 255 different units of measure in one import")]
    TooManyUnits,
    /// Never expected: keys are only built from valid parts.
    #[error("an aggregation key could not be decoded")]
    BadKey,
}

/// The packed key: see the module documentation for the layout.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
struct Key {
    code: u64,
    /// Reporter in the low 48 bits, period above.
    reporter_period: u64,
    /// Partner in the low 48 bits, then flow (4 bits), currency (4 bits), unit index (8 bits,
    /// 0 for none).
    partner_rest: u64,
}

const LOW48: u64 = (1 << 48) - 1;

impl Key {
    fn of(record: &TradeRecord, unit: u8) -> Key {
        Key {
            code: record.code.to_bits(),
            reporter_period: record.reporter.to_bits() | (u64::from(record.period.packed()) << 48),
            partner_rest: record.partner.to_bits()
                | (flow_bits(record.flow) << 48)
                | (currency_bits(record.value.currency) << 52)
                | (u64::from(unit) << 56),
        }
    }

    fn unit_index(&self) -> u8 {
        (self.partner_rest >> 56) as u8
    }

    fn with_unit_index(self, unit: u8) -> Key {
        Key { partner_rest: (self.partner_rest & !(0xFF << 56)) | (u64::from(unit) << 56), ..self }
    }

    fn unpack(&self, units: &Units) -> Option<AggregateKey> {
        let rest = self.partner_rest;
        Some(AggregateKey {
            period: Period::from_packed((self.reporter_period >> 48) as u16)?,
            reporter: Territory::from_bits(self.reporter_period & LOW48)?,
            partner: Territory::from_bits(rest & LOW48)?,
            flow: if (rest >> 48) & 0xF == 0 { Flow::Export } else { Flow::Import },
            code: CommodityCode::from_bits(self.code)?,
            currency: *Currency::ALL.get(usize::try_from((rest >> 52) & 0xF).ok()?)?,
            unit: units.get(self.unit_index()),
        })
    }
}

/// The units an aggregator has seen; a key holds `index + 1`, or 0 for no unit.
#[derive(Debug, Clone, Default)]
struct Units {
    raw: Vec<u128>,
    units: Vec<QtyUnit>,
}

impl Units {
    fn index(&mut self, unit: Option<QtyUnit>) -> Option<u8> {
        let Some(unit) = unit else { return Some(0) };
        let raw = u128::from_le_bytes(unit.to_raw());
        if let Some(i) = self.raw.iter().position(|r| *r == raw) {
            return u8::try_from(i + 1).ok();
        }
        let next = u8::try_from(self.raw.len() + 1).ok()?;
        self.raw.push(raw);
        self.units.push(unit);
        Some(next)
    }

    fn get(&self, index: u8) -> Option<QtyUnit> {
        usize::from(index).checked_sub(1).and_then(|i| self.units.get(i)).copied()
    }
}

fn flow_bits(flow: Flow) -> u64 {
    match flow {
        Flow::Export => 0,
        Flow::Import => 1,
    }
}

fn currency_bits(currency: Currency) -> u64 {
    Currency::ALL.iter().position(|c| *c == currency).unwrap_or(0) as u64
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Sums {
    value: i64,
    mass_milli: i64,
    qty_milli: i64,
    declarations: u32,
    with_mass: u32,
    with_qty: u32,
}

impl Sums {
    /// Adds another set of sums; `None` on overflow (values or counts).
    fn add(&mut self, other: &Sums) -> Option<()> {
        *self = Sums {
            value: self.value.checked_add(other.value)?,
            mass_milli: self.mass_milli.checked_add(other.mass_milli)?,
            qty_milli: self.qty_milli.checked_add(other.qty_milli)?,
            declarations: self.declarations.checked_add(other.declarations)?,
            with_mass: self.with_mass.checked_add(other.with_mass)?,
            with_qty: self.with_qty.checked_add(other.with_qty)?,
        };
        Some(())
    }

    fn of(record: &TradeRecord) -> Sums {
        Sums {
            value: record.value.minor,
            mass_milli: record.net_mass_kg.map_or(0, |q| q.milli),
            qty_milli: record.supplementary_qty.map_or(0, |q| q.milli),
            declarations: 1,
            with_mass: u32::from(record.net_mass_kg.is_some()),
            with_qty: u32::from(record.supplementary_qty.is_some()),
        }
    }
}

type Map = HashMap<Key, Sums, foldhash::fast::RandomState>;

/// Sums trade records by key; merge two to combine the work of two threads.
#[derive(Debug, Clone, Default)]
pub struct Aggregator {
    map: Map,
    units: Units,
    records: u64,
}

impl Aggregator {
    pub fn new() -> Aggregator {
        Aggregator::default()
    }

    /// Reserves room for `keys` distinct keys up front, sparing rehashes during an import.
    pub fn with_capacity(keys: usize) -> Aggregator {
        Aggregator { map: Map::with_capacity_and_hasher(keys, Default::default()), ..Aggregator::default() }
    }

    pub fn add(&mut self, record: &TradeRecord) -> Result<(), AggregateError> {
        let unit = self.units.index(record.supplementary_unit).ok_or(AggregateError::TooManyUnits)?;
        let sums = Sums::of(record);
        let entry = self.map.entry(Key::of(record, unit)).or_default();
        entry.add(&sums).ok_or_else(|| overflow(record))?;
        self.records += 1;
        Ok(())
    }

    /// Adds everything another aggregator has summed.
    pub fn merge(&mut self, other: Aggregator) -> Result<(), AggregateError> {
        if self.map.len() < other.map.len() {
            // Fold the smaller map into the larger one.
            let mine = std::mem::replace(self, other);
            return self.merge(mine);
        }
        // The other aggregator numbered its units in its own order.
        let mut remap = [0u8; 256];
        for (i, unit) in other.units.units.iter().enumerate() {
            remap[i + 1] = self.units.index(Some(*unit)).ok_or(AggregateError::TooManyUnits)?;
        }
        for (key, sums) in other.map {
            let key = key.with_unit_index(remap[usize::from(key.unit_index())]);
            let entry = self.map.entry(key).or_default();
            if entry.add(&sums).is_none() {
                return Err(key
                    .unpack(&self.units)
                    .map_or(AggregateError::BadKey, |key| AggregateError::Overflow { key }));
            }
        }
        self.records += other.records;
        Ok(())
    }

    /// Distinct keys so far.
    pub fn len(&self) -> usize {
        self.map.len()
    }

    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }

    /// Records added so far (including those from merged aggregators).
    pub fn records(&self) -> u64 {
        self.records
    }

    /// The aggregated lines in no particular order.
    pub fn iter(&self) -> impl Iterator<Item = AggregatedRecord> + '_ {
        self.map.iter().filter_map(|(key, sums)| output(key, sums, &self.units))
    }

    /// The aggregated lines sorted by key (period, reporter, partner, flow, code, ...).
    pub fn into_sorted(self) -> Vec<AggregatedRecord> {
        let mut lines: Vec<AggregatedRecord> = self.iter().collect();
        lines.sort_unstable_by_key(|l| l.key);
        lines
    }
}

fn output(key: &Key, sums: &Sums, units: &Units) -> Option<AggregatedRecord> {
    let key = key.unpack(units)?;
    Some(AggregatedRecord {
        key,
        value: Money::new(sums.value, key.currency),
        net_mass_kg: (sums.with_mass > 0).then_some(Quantity::from_milli(sums.mass_milli)),
        supplementary_qty: (sums.with_qty > 0).then_some(Quantity::from_milli(sums.qty_milli)),
        declarations: sums.declarations,
        declarations_with_mass: sums.with_mass,
        declarations_with_qty: sums.with_qty,
    })
}

fn overflow(record: &TradeRecord) -> AggregateError {
    AggregateError::Overflow { key: AggregatedRecord::of(record).key }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::Quarter;
    use crate::trade::record::YearMonth;

    pub(crate) fn record(period: &str, flow: Flow, code: &str, value_minor: i64) -> TradeRecord {
        TradeRecord {
            period: period.parse().expect("period"),
            flow,
            reporter: Territory::BY_MA,
            partner: Territory::RU_KHA,
            code: CommodityCode::parse(code).expect("code"),
            value: Money::new(value_minor, Currency::Usd),
            net_mass_kg: None,
            supplementary_qty: None,
            supplementary_unit: None,
        }
    }

    #[test]
    fn sums_by_key_and_counts_declarations() {
        let mut agg = Aggregator::new();
        let mut a = record("2025-03", Flow::Export, "8701201013", 10_000);
        a.net_mass_kg = Some(Quantity::from_milli(1_500));
        a.supplementary_qty = Some(Quantity::from_milli(1_000));
        a.supplementary_unit = QtyUnit::parse("шт").ok();
        let mut b = a;
        b.value = Money::new(25_055, Currency::Usd);
        b.net_mass_kg = None;
        b.supplementary_qty = Some(Quantity::from_milli(2_000));
        let other_month = record("2025-04", Flow::Export, "8701201013", 1);
        let other_flow = record("2025-03", Flow::Import, "8701201013", 2);
        for r in [a, b, other_month, other_flow] {
            agg.add(&r).expect("add");
        }
        assert_eq!(agg.len(), 3);
        assert_eq!(agg.records(), 4);
        let lines = agg.into_sorted();
        let first = lines[0];
        assert_eq!(first.key.period, Period::Month(YearMonth::new(2025, 3).expect("m")));
        assert_eq!(first.key.flow, Flow::Export);
        assert_eq!(first.key.unit.map(|u| u.to_string()).as_deref(), Some("шт"));
        assert_eq!(first.value, Money::new(35_055, Currency::Usd));
        assert_eq!(first.net_mass_kg, Some(Quantity::from_milli(1_500)));
        assert_eq!(first.supplementary_qty, Some(Quantity::from_milli(3_000)));
        assert_eq!((first.declarations, first.declarations_with_mass, first.declarations_with_qty), (2, 1, 2));
        assert_eq!(lines[1].key.flow, Flow::Import);
        assert_eq!(lines[1].net_mass_kg, None);
        assert_eq!(lines[2].key.period.to_string(), "2025-04");
    }

    #[test]
    fn every_key_field_separates_lines() {
        let base = record("2025-03", Flow::Export, "8701201013", 1);
        let mut variants = vec![base];
        let mut v = base;
        v.period = Period::Quarter(Quarter::new(2025, 1).expect("q"));
        variants.push(v);
        let mut v = base;
        v.reporter = Territory::BY;
        variants.push(v);
        let mut v = base;
        v.partner = Territory::RU;
        variants.push(v);
        let mut v = base;
        v.code = CommodityCode::parse("87012010").expect("code");
        variants.push(v);
        let mut v = base;
        v.value = Money::new(1, Currency::Rub);
        variants.push(v);
        let mut v = base;
        v.supplementary_unit = QtyUnit::parse("пар").ok();
        variants.push(v);
        let mut agg = Aggregator::new();
        for r in &variants {
            agg.add(r).expect("add");
        }
        assert_eq!(agg.len(), variants.len());
        let keys: Vec<AggregateKey> = agg.iter().map(|l| l.key).collect();
        for r in &variants {
            assert!(keys.contains(&AggregatedRecord::of(r).key), "{r:?}");
        }
    }

    #[test]
    fn merge_equals_one_pass() {
        let records: Vec<TradeRecord> = (0..500)
            .map(|i| {
                let month = format!("2024-{:02}", i % 12 + 1);
                let flow = if i % 3 == 0 { Flow::Import } else { Flow::Export };
                record(&month, flow, ["8701201013", "0401102000", "0303"][i % 3], i as i64 * 37)
            })
            .collect();
        let mut whole = Aggregator::new();
        let (mut left, mut right) = (Aggregator::new(), Aggregator::with_capacity(16));
        for (i, r) in records.iter().enumerate() {
            whole.add(r).expect("add");
            if i % 2 == 0 { left.add(r) } else { right.add(r) }.expect("add");
        }
        left.merge(right).expect("merge");
        assert_eq!(left.records(), 500);
        assert_eq!(left.into_sorted(), whole.into_sorted());
    }

    #[test]
    fn overflow_is_an_error_not_a_wrap() {
        let mut agg = Aggregator::new();
        agg.add(&record("2025-03", Flow::Export, "8701", i64::MAX)).expect("first");
        let err = agg.add(&record("2025-03", Flow::Export, "8701", 1)).unwrap_err();
        assert!(err.to_string().contains("8701"), "{err}");
        let mut other = Aggregator::new();
        other.add(&record("2025-03", Flow::Export, "8701", 5)).expect("add");
        assert!(matches!(other.merge(agg), Err(AggregateError::Overflow { .. })));
    }

    #[test]
    fn an_entry_is_one_cache_line() {
        assert_eq!(std::mem::size_of::<(Key, Sums)>(), 64);
    }

    #[test]
    fn merge_renumbers_units() {
        let with_unit = |unit: &str, value: i64| {
            let mut r = record("2025-03", Flow::Export, "8701", value);
            r.supplementary_qty = Some(Quantity::from_milli(1_000));
            r.supplementary_unit = QtyUnit::parse(unit).ok();
            r
        };
        let (mut left, mut right) = (Aggregator::new(), Aggregator::new());
        left.add(&with_unit("шт", 1)).expect("add");
        left.add(&with_unit("пар", 2)).expect("add");
        // The other thread met the units in the other order.
        right.add(&with_unit("пар", 20)).expect("add");
        right.add(&with_unit("шт", 10)).expect("add");
        right.add(&with_unit("л", 30)).expect("add");
        left.merge(right).expect("merge");
        let lines: Vec<(String, i64, Option<Quantity>)> = left
            .into_sorted()
            .iter()
            .map(|l| (l.key.unit.map(|u| u.to_string()).unwrap_or_default(), l.value.minor, l.supplementary_qty))
            .collect();
        assert_eq!(
            lines,
            vec![
                ("л".to_string(), 30, Some(Quantity::from_milli(1_000))),
                ("пар".to_string(), 22, Some(Quantity::from_milli(2_000))),
                ("шт".to_string(), 11, Some(Quantity::from_milli(2_000))),
            ]
        );
    }

    #[test]
    fn at_most_255_units() {
        let mut agg = Aggregator::new();
        for i in 0..255 {
            let mut r = record("2025-03", Flow::Export, "8701", 1);
            r.supplementary_qty = Some(Quantity::from_milli(1));
            r.supplementary_unit = QtyUnit::parse(&format!("u{i}")).ok();
            agg.add(&r).expect("add");
        }
        let mut r = record("2025-03", Flow::Export, "8701", 1);
        r.supplementary_qty = Some(Quantity::from_milli(1));
        r.supplementary_unit = QtyUnit::parse("one too many").ok();
        assert_eq!(agg.add(&r), Err(AggregateError::TooManyUnits));
    }
}
