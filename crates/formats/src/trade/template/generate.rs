//! A deterministic generator of template rows, for benchmarks and tests of the import at scale.
//!
//! Shaped like customs data: monthly records 2021-2026, both flows, a few dozen regions of both
//! countries, a few thousand 10-digit codes, and a fixed set of trade lines (who trades which
//! code with whom, in which currency) that rows fall on repeatedly, as declarations do. The
//! number of distinct aggregation keys is therefore bounded (4,000 lines x 72 months), whatever
//! the number of rows: memory of an aggregating import stays flat as N grows.

use std::collections::HashSet;
use std::io::Write;

use accord_domain::trade::{
    CommodityCode, Currency, Flow, Money, Period, QtyUnit, Quantity, Territory, TradeRecord, YearMonth,
};

use super::TemplateColumn;
use super::write::{escaped_fields, record_fields};
use crate::FormatError;

const BY_REGIONS: [&str; 7] = ["BY-MA", "BY-MI", "BY-BR", "BY-HO", "BY-HR", "BY-VI", "BY-HM"];
const RU_REGIONS: [&str; 30] = [
    "RU-KHA", "RU-PRI", "RU-AMU", "RU-SAK", "RU-YEV", "RU-KAM", "RU-MAG", "RU-SA", "RU-ZAB", "RU-BU", "RU-IRK",
    "RU-KYA", "RU-NVS", "RU-OMS", "RU-TOM", "RU-KEM", "RU-ALT", "RU-SVE", "RU-CHE", "RU-TYU", "RU-BA", "RU-TA",
    "RU-SAM", "RU-NIZ", "RU-MOW", "RU-SPE", "RU-MOS", "RU-LEN", "RU-KDA", "RU-ROS",
];
/// Chapters the agreement's trade is mostly in: food, timber, chemicals, metals, machinery.
const CHAPTERS: [u64; 24] =
    [2, 3, 4, 8, 16, 19, 20, 22, 27, 31, 39, 40, 44, 48, 72, 73, 76, 84, 85, 87, 89, 90, 94, 96];
const UNITS: [&str; 5] = ["шт", "кг", "л", "пар", "м3"];
const CODES: usize = 3_000;
const LINES: usize = 4_000;
const FIRST_YEAR: i32 = 2021;
const MONTHS: u64 = 72;

/// SplitMix64: tiny, fast, and the same sequence on every machine.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

#[derive(Clone, Copy)]
struct Line {
    reporter: Territory,
    partner: Territory,
    flow: Flow,
    code: CommodityCode,
    currency: Currency,
    unit: Option<QtyUnit>,
}

/// The records [`generate_template_csv`] writes, in the same order.
pub fn generate_template_records(rows: u64, seed: u64) -> impl Iterator<Item = TradeRecord> {
    let mut rng = Rng(seed ^ 0x5EED_ACC0_4D00_0000);
    let territories =
        |list: &[&str]| -> Vec<Territory> { list.iter().filter_map(|t| Territory::parse(t).ok()).collect() };
    let (by, ru) = (territories(&BY_REGIONS), territories(&RU_REGIONS));
    let mut seen = HashSet::new();
    let mut codes = Vec::with_capacity(CODES);
    while codes.len() < CODES {
        let chapter = CHAPTERS[rng.below(CHAPTERS.len() as u64) as usize];
        let digits = chapter * 100_000_000 + rng.below(100_000_000);
        if seen.insert(digits)
            && let Some(code) = CommodityCode::from_digits(digits, 10)
        {
            codes.push(code);
        }
    }
    let units: Vec<QtyUnit> = UNITS.iter().filter_map(|u| QtyUnit::parse(u).ok()).collect();
    let lines: Vec<Line> = (0..LINES)
        .map(|_| {
            let (b, r) = (by[rng.below(by.len() as u64) as usize], ru[rng.below(ru.len() as u64) as usize]);
            let by_reports = rng.below(2) == 0;
            let (reporter, partner) = if by_reports { (b, r) } else { (r, b) };
            let own = if by_reports { Currency::Byn } else { Currency::Rub };
            Line {
                reporter,
                partner,
                flow: if rng.below(3) == 0 { Flow::Import } else { Flow::Export },
                code: codes[rng.below(codes.len() as u64) as usize],
                currency: if rng.below(4) == 0 { own } else { Currency::Usd },
                unit: (rng.below(10) < 7).then(|| units[rng.below(units.len() as u64) as usize]),
            }
        })
        .collect();
    // Every month drawn lies in 2021-2026, so no row is ever dropped by the filter.
    (0..rows).filter_map(move |_| {
        let line = lines[rng.below(lines.len() as u64) as usize];
        let m = rng.below(MONTHS) as u32;
        let period = Period::Month(YearMonth::new(FIRST_YEAR + (m / 12) as i32, m % 12 + 1)?);
        let value = Money::new(10_000 + rng.below(100_000_000) as i64, line.currency);
        let mass = Quantity::from_milli(1_000 + rng.below(50_000_000) as i64);
        let qty = line.unit.map(|_| Quantity::from_milli(1_000 * (1 + rng.below(500)) as i64));
        Some(TradeRecord {
            period,
            flow: line.flow,
            reporter: line.reporter,
            partner: line.partner,
            code: line.code,
            value,
            net_mass_kg: (rng.below(20) != 0).then_some(mass),
            supplementary_qty: qty,
            supplementary_unit: qty.and(line.unit),
        })
    })
}

/// Writes `rows` generated rows (and the header) as a template CSV. The same `rows` and `seed`
/// always give the same bytes.
pub fn generate_template_csv(rows: u64, seed: u64, writer: impl Write) -> Result<(), FormatError> {
    let mut csv = csv::WriterBuilder::new().buffer_capacity(1 << 16).from_writer(writer);
    csv.write_record(TemplateColumn::ALL.iter().map(|c| c.key()))?;
    for record in generate_template_records(rows, seed) {
        let fields = record_fields(&record);
        csv.write_record(escaped_fields(&fields))?;
    }
    csv.flush()?;
    Ok(())
}
