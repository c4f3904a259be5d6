//! The demonstration trade data: monthly trade from 2021-01 to 2026-09 between Mogilev Oblast
//! (`BY-MA`) and Khabarovsk Krai (`RU-KHA`) and between Belarus as a whole (`BY`) and the krai,
//! by 10-digit TN VED EAEU code, plus a handful of headings of trade between the two countries
//! for context; each flow as both sides' statistics report it; the two central banks' daily
//! rates for the period; and the product groups of the agreement with targets for 2025-2027.
//!
//! The orders of magnitude follow the published figures: Belarus-Khabarovsk turnover about
//! 18 million USD in 2021 and about 48 million USD in January-November 2024, mostly Belarusian
//! machinery (MAZ and BelAZ trucks, MTZ tractors, MAZ buses, Amkodor loaders), dairy, meat,
//! metal products and tyres; small flows the other way (fish, crab, scallops, wild berries, ash
//! and larch timber). Mogilev Oblast ships about a fifth of it: MoAZ dumpers and scrapers,
//! Mogilevliftmash lifts, Belshina tyres (Bobruisk), Bobruiskagromash hay machinery, tractor
//! parts from Bobruisk, Babushkina Krynka dairy, Mogilev meat, welded tubes, Bobruisk furniture.
//! Trade dips in March-April 2022 (logistics and payments), surges in 2023-2024 as Western truck
//! makers leave the Russian market, and falls back for trucks in 2025 as that market contracts;
//! machinery sells in spring, trucks and buses at year end, salmon ships after the summer run,
//! fresh berries only in August-October; lumpy items (a BelAZ dump truck is a million dollars)
//! leave many months at zero.
//!
//! Both sides report every flow. The exporter's figure is close to the shipment (FOB-like); the
//! importer's adds 2-4 % (CIF-like, constant per product) and its own noise of a few percent,
//! now and then a larger one, and about one consignment in fifteen is registered by the
//! importer a month later (within the quarter, so quarterly mirror gaps stay those of valuation),
//! and in 2024Q3 Khabarovsk's customs declared heavy MAZ trucks under the medium trucks' code
//! (totals agree; by code the mirror shows a gap and its twin).
//! Belarus's figures are the sums of Mogilev Oblast's and the rest of the country's shipments,
//! so a region never exceeds its country. Values are in USD, except Mogilev Oblast's furniture
//! exports (in BYN, as Mogilevoblstat would give them) and Khabarovsk Krai's imports of
//! fermented milk from Mogilev Oblast (in RUB), both converted from USD at the month's average of
//! the generated rates, so conversion has something to do.
//!
//! Pure and deterministic: no I/O, no clock, no entropy. Each random draw is a SplitMix64 hash
//! of what it is for (product line, part, month, purpose), so appending a product line leaves
//! the others' figures unchanged. Floating point only shapes the invented quantities, with IEEE
//! basic operations (no `exp`, `ln` or `powf`, whose last bits vary between platforms); every
//! amount is rounded once to whole cents, every mass to whole kilograms, every rate to four
//! decimals.

use std::collections::BTreeMap;

use accord_domain::Side;
use accord_domain::trade::{
    CommodityCode, Currency, Flow, Money, Period, PeriodRange, ProductGroup, QtyUnit, Quantity, Rate, RateBasis,
    RateTable, Source, Territory, TradeRecord, YearMonth,
};
use chrono::{Datelike, NaiveDate, Weekday};
use rust_decimal::Decimal;

mod load;

pub use load::load;

/// The name of the Belarusian statistics source.
pub const SOURCE_BY: &str = "Белстат / Могилевоблстат";
/// The name of the Russian statistics source.
pub const SOURCE_KHV: &str = "Хабаровскстат / ФТС России (ДВТУ)";
/// The file name both demonstration sources carry.
pub const SOURCE_FILE: &str = "demo";

/// The first and last months with trade data.
const FIRST: (i32, u32) = (2021, 1);
const LAST: (i32, u32) = (2026, 9);
/// Months from 2021-01 to 2026-09: 69.
const MONTHS: u32 = (LAST.0 - FIRST.0) as u32 * 12 + LAST.1 - FIRST.1 + 1;

/// Everything the demonstration needs for the trade pages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoTrade {
    /// The Belarusian statistics, then the Russian; records sorted by period, reporter, partner,
    /// flow and code, one per key.
    pub sources: Vec<(Source, Vec<TradeRecord>)>,
    /// Every weekday from 2021-01-01 to 2026-09-30: the Bank of Russia's USD, EUR, CNY and BYN
    /// in RUB, the National Bank of Belarus's USD, EUR, CNY (per 10) and RUB (per 100) in BYN.
    /// Sorted by date, bank and currency.
    pub rates: Vec<Rate>,
    pub groups: Vec<ProductGroup>,
}

impl DemoTrade {
    /// The records one side's statistics report.
    pub fn records(&self, side: Side) -> &[TradeRecord] {
        self.sources.iter().find(|(s, _)| s.side == side).map(|(_, r)| r.as_slice()).unwrap_or(&[])
    }

    /// The rates as a table for conversions.
    pub fn rate_table(&self) -> RateTable {
        let mut table = RateTable::new();
        // Generated with one quote per bank, currency and day: never a conflict.
        for rate in &self.rates {
            let _ = table.insert(*rate);
        }
        table
    }
}

/// The months the demonstration covers: 2021-01 to 2026-09.
pub fn demo_range() -> PeriodRange {
    PeriodRange { from: month(0), to: month(MONTHS - 1) }
}

/// The demonstration trade data; the same on every call and every machine.
pub fn demo_trade() -> DemoTrade {
    let rates = rates();
    let mut table = RateTable::new();
    for rate in &rates {
        let _ = table.insert(*rate);
    }
    let mut by = Book::new();
    let mut khv = Book::new();
    regional_trade(&mut by, &mut khv);
    country_trade(&mut by, &mut khv);
    let groups = groups(&by);
    let by_records = records(
        &by,
        &table,
        |key| key.1 == Territory::BY_MA && key.3 == Flow::Export && starts_with(key.4, "9403"),
        Currency::Byn,
    );
    let khv_records = records(
        &khv,
        &table,
        |key| key.2 == Territory::BY_MA && key.3 == Flow::Import && starts_with(key.4, "0403"),
        Currency::Rub,
    );
    DemoTrade {
        sources: vec![
            (Source { side: Side::By, name: SOURCE_BY.to_string(), file_name: SOURCE_FILE.to_string() }, by_records),
            (Source { side: Side::Khv, name: SOURCE_KHV.to_string(), file_name: SOURCE_FILE.to_string() }, khv_records),
        ],
        rates,
        groups,
    }
}

// ---------------------------------------------------------------------------------------------
// Randomness: SplitMix64, as a stream (rates) and as a hash of what a draw is for (trade).

const SEED: u64 = 0xACC0_4D00_7EAD_2021;

fn splitmix(x: u64) -> u64 {
    let mut z = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// A uniform number in [0, 1) from 53 bits.
fn unit(bits: u64) -> f64 {
    (bits >> 11) as f64 * (1.0 / 9_007_199_254_740_992.0)
}

/// A uniform draw in [0, 1) determined by its keys alone.
fn draw(keys: [u64; 5]) -> f64 {
    unit(keys.iter().fold(SEED, |h, k| splitmix(h ^ k)))
}

/// A uniform draw in [-1, 1).
fn signed(keys: [u64; 5]) -> f64 {
    2.0 * draw(keys) - 1.0
}

struct Stream(u64);

impl Stream {
    fn next(&mut self) -> f64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        unit(splitmix(self.0))
    }
}

// ---------------------------------------------------------------------------------------------
// Exchange rates.

/// (year, month, day, value): points of a rate's path, linear in between.
type Path = &'static [(i32, u32, u32, f64)];

/// Roubles per US dollar (Bank of Russia).
const USD_RUB: Path = &[
    (2021, 1, 1, 73.88),
    (2021, 3, 1, 74.4),
    (2021, 4, 20, 76.9),
    (2021, 6, 1, 73.5),
    (2021, 8, 1, 73.1),
    (2021, 10, 25, 70.2),
    (2021, 12, 31, 74.29),
    (2022, 2, 18, 76.0),
    (2022, 2, 25, 86.9),
    (2022, 3, 11, 120.4),
    (2022, 3, 25, 95.0),
    (2022, 4, 8, 77.7),
    (2022, 5, 4, 66.0),
    (2022, 5, 27, 61.0),
    (2022, 6, 29, 51.2),
    (2022, 7, 15, 57.5),
    (2022, 9, 1, 60.4),
    (2022, 11, 15, 60.8),
    (2022, 12, 30, 70.3),
    (2023, 2, 1, 69.5),
    (2023, 3, 20, 77.0),
    (2023, 6, 1, 81.0),
    (2023, 8, 14, 101.0),
    (2023, 9, 1, 96.4),
    (2023, 10, 10, 100.5),
    (2023, 11, 30, 88.6),
    (2023, 12, 29, 89.7),
    (2024, 3, 1, 91.5),
    (2024, 6, 1, 89.5),
    (2024, 7, 1, 85.7),
    (2024, 9, 1, 91.0),
    (2024, 10, 15, 96.5),
    (2024, 11, 28, 109.6),
    (2024, 12, 31, 101.7),
    (2025, 2, 1, 98.0),
    (2025, 3, 3, 88.0),
    (2025, 4, 10, 84.5),
    (2025, 6, 30, 78.5),
    (2025, 9, 1, 80.5),
    (2025, 10, 15, 81.5),
    (2025, 12, 31, 79.0),
    (2026, 3, 1, 80.0),
    (2026, 6, 1, 82.0),
    (2026, 9, 30, 83.0),
];

/// Belarusian roubles per US dollar (National Bank of Belarus).
const USD_BYN: Path = &[
    (2021, 1, 1, 2.58),
    (2021, 4, 1, 2.62),
    (2021, 6, 1, 2.52),
    (2021, 9, 1, 2.49),
    (2021, 12, 31, 2.55),
    (2022, 2, 24, 2.58),
    (2022, 3, 9, 3.35),
    (2022, 3, 25, 3.0),
    (2022, 4, 15, 2.85),
    (2022, 6, 10, 2.55),
    (2022, 9, 1, 2.52),
    (2022, 12, 31, 2.72),
    (2023, 3, 1, 2.82),
    (2023, 7, 1, 3.05),
    (2023, 9, 1, 3.2),
    (2023, 12, 31, 3.18),
    (2024, 6, 1, 3.24),
    (2024, 10, 1, 3.27),
    (2024, 12, 31, 3.42),
    (2025, 3, 1, 3.27),
    (2025, 6, 30, 3.05),
    (2025, 12, 31, 3.02),
    (2026, 9, 30, 3.08),
];

/// US dollars per euro.
const EUR_USD: Path = &[
    (2021, 1, 1, 1.22),
    (2021, 6, 1, 1.22),
    (2021, 12, 31, 1.13),
    (2022, 3, 7, 1.09),
    (2022, 7, 12, 1.0),
    (2022, 9, 27, 0.96),
    (2022, 12, 31, 1.07),
    (2023, 7, 15, 1.12),
    (2023, 10, 3, 1.05),
    (2023, 12, 31, 1.10),
    (2024, 6, 1, 1.08),
    (2024, 9, 30, 1.12),
    (2024, 12, 31, 1.04),
    (2025, 3, 1, 1.04),
    (2025, 6, 30, 1.17),
    (2025, 12, 31, 1.16),
    (2026, 9, 30, 1.17),
];

/// Yuan per US dollar.
const USD_CNY: Path = &[
    (2021, 1, 1, 6.53),
    (2021, 12, 31, 6.37),
    (2022, 3, 1, 6.31),
    (2022, 5, 15, 6.78),
    (2022, 10, 31, 7.30),
    (2022, 12, 31, 6.90),
    (2023, 9, 1, 7.29),
    (2023, 12, 31, 7.10),
    (2024, 7, 1, 7.27),
    (2024, 9, 30, 7.01),
    (2024, 12, 31, 7.30),
    (2025, 6, 30, 7.17),
    (2025, 12, 31, 7.05),
    (2026, 9, 30, 7.0),
];

fn day_number(date: NaiveDate) -> f64 {
    f64::from(date.num_days_from_ce())
}

/// The path's value on a day: linear between its points, flat beyond them.
fn on_path(path: Path, date: NaiveDate) -> f64 {
    let x = day_number(date);
    let point = |&(y, m, d, v): &(i32, u32, u32, f64)| (NaiveDate::from_ymd_opt(y, m, d).map_or(0.0, day_number), v);
    let mut previous = path.first().map_or((x, 1.0), point);
    if x <= previous.0 {
        return previous.1;
    }
    for p in path.iter().map(point) {
        if x <= p.0 {
            let share = (x - previous.0) / (p.0 - previous.0);
            return previous.1 + (p.1 - previous.1) * share;
        }
        previous = p;
    }
    previous.1
}

/// A rate rounded to four decimals, as both banks publish.
fn dec4(value: f64) -> Decimal {
    Decimal::new((value * 10_000.0).round() as i64, 4)
}

fn rates() -> Vec<Rate> {
    let first = NaiveDate::from_ymd_opt(FIRST.0, FIRST.1, 1).unwrap_or_default();
    let last = month(MONTHS - 1).last_day();
    let mut stream = Stream(SEED ^ 0x2A7E5);
    // Day-to-day wobble around each path: first-order autoregressive, a fraction of a percent.
    let mut wobble = [0.0f64; 4];
    const STEP: [f64; 4] = [0.012, 0.004, 0.006, 0.003];
    let mut out = Vec::with_capacity(1_500 * 8);
    let mut day = first;
    while day <= last {
        if !matches!(day.weekday(), Weekday::Sat | Weekday::Sun) {
            for (w, step) in wobble.iter_mut().zip(STEP) {
                *w = 0.85 * *w + step * (2.0 * stream.next() - 1.0);
            }
            let usd_rub = on_path(USD_RUB, day) * (1.0 + wobble[0]);
            let usd_byn = on_path(USD_BYN, day) * (1.0 + wobble[1]);
            let eur_usd = on_path(EUR_USD, day) * (1.0 + wobble[2]);
            let usd_cny = on_path(USD_CNY, day) * (1.0 + wobble[3]);
            // The two banks fix their rates at different hours: crosses differ a little.
            let mut timing = || 1.0 + 0.002 * (stream.next() - 0.5);
            let rate =
                |base, currency, units, value: f64| Rate { date: day, base, currency, units, value: dec4(value) };
            let (rub, byn) = (Currency::Rub, Currency::Byn);
            let quotes = [
                rate(rub, Currency::Usd, 1, usd_rub),
                rate(rub, Currency::Eur, 1, usd_rub * eur_usd),
                rate(rub, Currency::Byn, 1, usd_rub / usd_byn * timing()),
                rate(rub, Currency::Cny, 1, usd_rub / usd_cny),
                rate(byn, Currency::Usd, 1, usd_byn),
                rate(byn, Currency::Eur, 1, usd_byn * eur_usd * timing()),
                rate(byn, Currency::Rub, 100, 100.0 * usd_byn / usd_rub * timing()),
                rate(byn, Currency::Cny, 10, 10.0 * usd_byn / usd_cny * timing()),
            ];
            out.extend(quotes);
        }
        match day.succ_opt() {
            Some(next) => day = next,
            None => break,
        }
    }
    out.sort_by_key(|r| (r.date, r.base, r.currency));
    out
}

// ---------------------------------------------------------------------------------------------
// What is traded.

/// Which way goods go.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Dir {
    /// From Belarus (or Mogilev Oblast) to Khabarovsk Krai (or Russia).
    FromBelarus,
    /// The other way.
    ToBelarus,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Unit {
    None,
    Pieces,
    CubicMetres,
}

/// What one consignment is: a machine, a batch of tyres, a container of butter, a wagon of
/// timber. Value and quantities are those of one lot.
#[derive(Debug, Clone, Copy)]
struct Lot {
    usd: f64,
    kg: f64,
    qty: f64,
    unit: Unit,
}

/// One machine.
const fn piece(usd: f64, kg: f64) -> Lot {
    Lot { usd, kg, qty: 1.0, unit: Unit::Pieces }
}

/// A batch of pieces (tyres).
const fn batch(pieces: f64, usd_each: f64, kg_each: f64) -> Lot {
    Lot { usd: pieces * usd_each, kg: pieces * kg_each, qty: pieces, unit: Unit::Pieces }
}

/// Goods counted by mass only.
const fn tonnes(t: f64, usd_per_kg: f64) -> Lot {
    Lot { usd: t * 1000.0 * usd_per_kg, kg: t * 1000.0, qty: 0.0, unit: Unit::None }
}

/// Timber, in cubic metres.
const fn wagon(m3: f64, usd_per_m3: f64, kg_per_m3: f64) -> Lot {
    Lot { usd: m3 * usd_per_m3, kg: m3 * kg_per_m3, qty: m3, unit: Unit::CubicMetres }
}

/// One product of one producer traded between Belarus and Khabarovsk Krai.
struct Line {
    /// A 10-digit TN VED EAEU code as printed.
    code: &'static str,
    dir: Dir,
    /// Value in 2021, thousand USD a year: shipped from or to Mogilev Oblast, and the rest of
    /// Belarus.
    mogilev: f64,
    rest: f64,
    /// The yearly level for 2021-2026 against the 2021 value.
    growth: &'static [f64; 6],
    season: &'static [f64; 12],
    lot: Lot,
    /// The product group the code is meant to fall in (a test checks the groups' prefixes
    /// put it there).
    #[cfg_attr(not(test), allow(dead_code))]
    group: Option<&'static str>,
}

const G_TRUCKS: [f64; 6] = [1.0, 1.6, 2.6, 3.4, 1.8, 2.2];
const G_MINING: [f64; 6] = [1.0, 1.5, 2.4, 3.0, 2.2, 2.4];
const G_TRACTOR_UNITS: [f64; 6] = [1.0, 1.8, 3.0, 3.6, 1.9, 2.3];
const G_AGRI: [f64; 6] = [1.0, 1.2, 1.7, 2.4, 2.0, 2.3];
const G_BUSES: [f64; 6] = [1.0, 0.9, 2.0, 3.0, 2.6, 2.9];
const G_E_BUSES: [f64; 6] = [0.0, 0.0, 0.8, 2.0, 1.6, 2.2];
const G_SPECIAL: [f64; 6] = [1.0, 1.3, 2.0, 2.8, 2.6, 3.0];
const G_PARTS: [f64; 6] = [1.0, 1.5, 2.2, 2.8, 3.0, 3.4];
const G_CONSTRUCTION: [f64; 6] = [1.0, 1.4, 2.2, 2.9, 2.3, 2.6];
const G_HAY: [f64; 6] = [1.0, 1.1, 1.5, 1.9, 1.8, 2.1];
const G_LIFTS: [f64; 6] = [1.0, 1.1, 1.6, 2.2, 2.5, 2.8];
const G_DAIRY: [f64; 6] = [1.0, 1.3, 1.7, 2.4, 2.7, 3.0];
const G_MEAT: [f64; 6] = [1.0, 1.4, 1.9, 2.6, 2.9, 3.2];
const G_METAL: [f64; 6] = [1.0, 1.5, 2.4, 2.8, 2.2, 2.4];
const G_TYRES: [f64; 6] = [1.0, 1.6, 2.4, 2.9, 2.6, 2.9];
const G_FURNITURE: [f64; 6] = [1.0, 1.2, 1.6, 2.0, 2.2, 2.4];
const G_FISH: [f64; 6] = [1.0, 1.3, 1.8, 2.3, 2.8, 3.3];
const G_CHILLED: [f64; 6] = [1.0, 0.0, 1.2, 1.5, 2.0, 2.0];
const G_CRAB: [f64; 6] = [1.0, 0.8, 1.5, 2.0, 2.4, 2.8];
const G_MOLLUSCS: [f64; 6] = [1.0, 1.2, 1.6, 2.0, 2.4, 2.7];
const G_BERRIES: [f64; 6] = [1.0, 1.2, 1.7, 2.1, 2.6, 3.0];
const G_TIMBER: [f64; 6] = [1.0, 1.4, 1.5, 1.6, 1.7, 1.8];

// Monthly weights, January to December (normalised where used).
const S_FLAT: [f64; 12] = [0.9, 0.95, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.15];
const S_YEAR_END: [f64; 12] = [0.7, 0.85, 1.0, 1.0, 1.0, 1.0, 0.95, 0.95, 1.0, 1.05, 1.1, 1.4];
const S_SPRING: [f64; 12] = [0.8, 1.2, 1.6, 1.5, 1.2, 0.9, 0.8, 0.8, 0.8, 0.8, 0.8, 0.8];
const S_HAY: [f64; 12] = [0.5, 0.9, 1.5, 1.9, 1.9, 1.4, 0.9, 0.6, 0.5, 0.6, 0.6, 0.7];
const S_BUILDING: [f64; 12] = [0.6, 0.75, 1.1, 1.3, 1.3, 1.2, 1.1, 1.05, 1.0, 0.95, 0.85, 0.8];
const S_DAIRY: [f64; 12] = [0.9, 0.9, 1.0, 1.0, 1.05, 1.1, 1.1, 1.1, 1.05, 1.0, 0.95, 0.85];
const S_MEAT: [f64; 12] = [0.85, 0.85, 0.95, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.05, 1.1, 1.2];
const S_SALMON: [f64; 12] = [0.5, 0.3, 0.2, 0.1, 0.1, 0.2, 1.0, 2.6, 2.8, 2.0, 1.3, 0.9];
const S_POLLOCK: [f64; 12] = [1.8, 1.9, 1.7, 1.3, 0.6, 0.3, 0.3, 0.4, 0.6, 0.8, 1.0, 1.3];
const S_CRAB: [f64; 12] = [1.2, 1.0, 0.8, 0.6, 0.5, 0.6, 0.7, 0.9, 1.0, 1.2, 1.5, 2.0];
const S_CHILLED: [f64; 12] = [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.5, 6.0, 4.5, 0.0, 0.0, 0.0];
const S_BERRIES_FRESH: [f64; 12] = [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.4, 4.0, 5.5, 2.1, 0.0, 0.0];
const S_BERRIES_FROZEN: [f64; 12] = [1.4, 1.2, 1.0, 0.6, 0.3, 0.1, 0.1, 0.5, 1.6, 2.0, 1.7, 1.5];
const S_TIMBER: [f64; 12] = [1.5, 1.6, 1.4, 1.1, 0.8, 0.7, 0.7, 0.7, 0.8, 0.9, 1.0, 1.3];
const S_GAS: [f64; 12] = [1.5, 1.4, 1.2, 0.9, 0.7, 0.6, 0.6, 0.6, 0.7, 0.9, 1.2, 1.5];

#[allow(clippy::too_many_arguments)]
const fn line(
    code: &'static str,
    dir: Dir,
    mogilev: f64,
    rest: f64,
    growth: &'static [f64; 6],
    season: &'static [f64; 12],
    lot: Lot,
    group: Option<&'static str>,
) -> Line {
    Line { code, dir, mogilev, rest, growth, season, lot, group }
}

use Dir::{FromBelarus as BY_KHV, ToBelarus as KHV_BY};

const MACHINERY: Option<&str> = Some("machinery");
const DAIRY: Option<&str> = Some("dairy");
const MEAT: Option<&str> = Some("meat");
const METAL: Option<&str> = Some("metal");
const TYRES: Option<&str> = Some("tyres");
const SEAFOOD: Option<&str> = Some("seafood");
const BERRIES: Option<&str> = Some("berries");
const TIMBER: Option<&str> = Some("timber");

/// Trade between Belarus and Khabarovsk Krai. Append new lines at the end: a line's random
/// draws are keyed by its position.
const LINES: &[Line] = &[
    // Dump trucks for off-highway use: MoAZ (Mogilev) articulated, BelAZ (Zhodino) mining.
    line("8704 10 100 0", BY_KHV, 400.0, 0.0, &G_TRUCKS, &S_YEAR_END, piece(255_000.0, 27_500.0), MACHINERY),
    line("8704 10 100 0", BY_KHV, 0.0, 1_400.0, &G_MINING, &S_FLAT, piece(960_000.0, 104_000.0), MACHINERY),
    // MAZ trucks, heavy and medium.
    line("8704 23 910 8", BY_KHV, 0.0, 2_000.0, &G_TRUCKS, &S_YEAR_END, piece(84_000.0, 11_800.0), MACHINERY),
    line("8704 22 910 8", BY_KHV, 0.0, 600.0, &G_TRUCKS, &S_YEAR_END, piece(56_000.0, 7_200.0), MACHINERY),
    // MAZ road tractors for semi-trailers.
    line("8701 21 101 0", BY_KHV, 0.0, 1_000.0, &G_TRACTOR_UNITS, &S_YEAR_END, piece(79_000.0, 8_600.0), MACHINERY),
    // MTZ wheeled tractors: Belarus-82, -1221, -3522.
    line("8701 93 100 0", BY_KHV, 0.0, 1_100.0, &G_AGRI, &S_SPRING, piece(27_500.0, 3_900.0), MACHINERY),
    line("8701 94 100 0", BY_KHV, 0.0, 700.0, &G_AGRI, &S_SPRING, piece(58_000.0, 5_700.0), MACHINERY),
    line("8701 95 100 0", BY_KHV, 0.0, 300.0, &G_AGRI, &S_SPRING, piece(165_000.0, 11_000.0), MACHINERY),
    // MAZ buses, diesel and electric.
    line("8702 10 119 9", BY_KHV, 0.0, 1_300.0, &G_BUSES, &S_YEAR_END, piece(190_000.0, 11_200.0), MACHINERY),
    line("8702 40 000 0", BY_KHV, 0.0, 450.0, &G_E_BUSES, &S_YEAR_END, piece(455_000.0, 13_500.0), MACHINERY),
    // Truck cranes; special vehicles on MAZ chassis (Mogilevtransmash and others).
    line("8705 10 001 0", BY_KHV, 0.0, 500.0, &G_SPECIAL, &S_YEAR_END, piece(152_000.0, 16_800.0), MACHINERY),
    line("8705 90 800 5", BY_KHV, 200.0, 200.0, &G_SPECIAL, &S_YEAR_END, piece(96_000.0, 12_300.0), MACHINERY),
    // Parts (Bobruisk tractor parts plant in Mogilev Oblast), gearboxes, axles.
    line("8708 99 970 9", BY_KHV, 250.0, 450.0, &G_PARTS, &S_FLAT, tonnes(2.0, 6.2), MACHINERY),
    line("8708 40 990 9", BY_KHV, 0.0, 200.0, &G_PARTS, &S_FLAT, tonnes(1.5, 8.5), MACHINERY),
    line("8708 50 990 9", BY_KHV, 100.0, 100.0, &G_PARTS, &S_FLAT, tonnes(3.0, 5.1), MACHINERY),
    // Amkodor front loaders; MoAZ scrapers.
    line("8429 51 990 0", BY_KHV, 0.0, 700.0, &G_CONSTRUCTION, &S_BUILDING, piece(72_000.0, 9_600.0), MACHINERY),
    line("8429 30 000 0", BY_KHV, 150.0, 0.0, &G_CONSTRUCTION, &S_BUILDING, piece(235_000.0, 30_500.0), MACHINERY),
    // Bobruiskagromash balers and mowers; Gomselmash combines.
    line("8433 40 100 0", BY_KHV, 150.0, 0.0, &G_HAY, &S_HAY, piece(14_200.0, 2_300.0), MACHINERY),
    line("8433 20 900 0", BY_KHV, 60.0, 0.0, &G_HAY, &S_HAY, piece(6_400.0, 720.0), MACHINERY),
    line("8433 51 000 1", BY_KHV, 0.0, 200.0, &G_HAY, &S_SPRING, piece(212_000.0, 14_200.0), MACHINERY),
    // Mogilevliftmash passenger lifts.
    line("8428 10 200 1", BY_KHV, 580.0, 0.0, &G_LIFTS, &S_BUILDING, piece(24_500.0, 3_300.0), MACHINERY),
    // Dairy (Babushkina Krynka in Mogilev and others): UHT milk, skimmed milk powder, butter,
    // hard cheese, processed cheese, kefir, cottage cheese.
    line("0401 20 110 0", BY_KHV, 150.0, 250.0, &G_DAIRY, &S_DAIRY, tonnes(20.0, 0.86), DAIRY),
    line("0402 10 190 0", BY_KHV, 100.0, 300.0, &G_DAIRY, &S_DAIRY, tonnes(20.0, 2.9), DAIRY),
    line("0405 10 190 0", BY_KHV, 100.0, 300.0, &G_DAIRY, &S_DAIRY, tonnes(20.0, 5.6), DAIRY),
    line("0406 90 780 0", BY_KHV, 150.0, 350.0, &G_DAIRY, &S_DAIRY, tonnes(18.0, 4.6), DAIRY),
    line("0406 30 900 0", BY_KHV, 0.0, 80.0, &G_DAIRY, &S_DAIRY, tonnes(5.0, 3.8), DAIRY),
    line("0403 90 510 0", BY_KHV, 40.0, 40.0, &G_DAIRY, &S_DAIRY, tonnes(5.0, 1.1), DAIRY),
    line("0406 10 500 0", BY_KHV, 30.0, 70.0, &G_DAIRY, &S_DAIRY, tonnes(5.0, 3.2), DAIRY),
    // Meat: frozen boneless beef, pork, chicken cuts, smoked pork.
    line("0202 30 900 9", BY_KHV, 100.0, 250.0, &G_MEAT, &S_MEAT, tonnes(20.0, 4.6), MEAT),
    line("0203 29 550 9", BY_KHV, 50.0, 100.0, &G_MEAT, &S_MEAT, tonnes(20.0, 3.1), MEAT),
    line("0207 14 100 9", BY_KHV, 0.0, 80.0, &G_MEAT, &S_MEAT, tonnes(20.0, 2.3), MEAT),
    line("0210 19 810 0", BY_KHV, 0.0, 20.0, &G_MEAT, &S_MEAT, tonnes(2.0, 7.2), MEAT),
    // Welded tubes and hollow sections (Mogilev), rebar and wire (Zhlobin).
    line("7306 30 770 9", BY_KHV, 200.0, 50.0, &G_METAL, &S_BUILDING, tonnes(60.0, 1.05), METAL),
    line("7306 61 920 9", BY_KHV, 50.0, 30.0, &G_METAL, &S_BUILDING, tonnes(40.0, 1.1), METAL),
    line("7214 20 000 0", BY_KHV, 0.0, 120.0, &G_METAL, &S_BUILDING, tonnes(65.0, 0.68), METAL),
    line("7217 10 100 0", BY_KHV, 0.0, 50.0, &G_METAL, &S_BUILDING, tonnes(20.0, 1.2), METAL),
    // Belshina (Bobruisk) tyres: truck, giant mining, agricultural, car.
    line("4011 20 900 0", BY_KHV, 250.0, 0.0, &G_TYRES, &S_FLAT, batch(60.0, 265.0, 62.0), TYRES),
    line("4011 80 000 0", BY_KHV, 150.0, 0.0, &G_TYRES, &S_FLAT, batch(2.0, 9_600.0, 1_450.0), TYRES),
    line("4011 70 000 0", BY_KHV, 80.0, 0.0, &G_TYRES, &S_SPRING, batch(40.0, 330.0, 78.0), TYRES),
    line("4011 10 000 9", BY_KHV, 20.0, 0.0, &G_TYRES, &S_FLAT, batch(200.0, 46.0, 8.6), TYRES),
    // Wooden furniture (Bobruisk and Pinsk): in no group.
    line("9403 60 100 0", BY_KHV, 100.0, 150.0, &G_FURNITURE, &S_FLAT, tonnes(6.0, 3.4), None),
    line("9403 50 000 9", BY_KHV, 20.0, 30.0, &G_FURNITURE, &S_FLAT, tonnes(4.0, 3.0), None),
    // From Khabarovsk Krai: frozen Pacific salmon and pollock, pollock fillets, chilled salmon.
    line("0303 12 000 0", KHV_BY, 60.0, 150.0, &G_FISH, &S_SALMON, tonnes(20.0, 2.9), SEAFOOD),
    line("0303 67 000 0", KHV_BY, 30.0, 80.0, &G_FISH, &S_POLLOCK, tonnes(22.0, 1.15), SEAFOOD),
    line("0304 75 000 0", KHV_BY, 0.0, 60.0, &G_FISH, &S_POLLOCK, tonnes(20.0, 3.2), SEAFOOD),
    line("0302 13 000 0", KHV_BY, 0.0, 10.0, &G_CHILLED, &S_CHILLED, tonnes(1.0, 6.5), SEAFOOD),
    // King crab, cold-water shrimps, scallops, squid.
    line("0306 14 100 0", KHV_BY, 20.0, 150.0, &G_CRAB, &S_CRAB, tonnes(1.0, 28.0), SEAFOOD),
    line("0306 16 990 0", KHV_BY, 0.0, 30.0, &G_CRAB, &S_CRAB, tonnes(2.0, 8.2), SEAFOOD),
    line("0307 22 100 0", KHV_BY, 0.0, 50.0, &G_MOLLUSCS, &S_CRAB, tonnes(2.0, 14.5), SEAFOOD),
    line("0307 43 920 0", KHV_BY, 20.0, 40.0, &G_MOLLUSCS, &S_POLLOCK, tonnes(10.0, 2.1), SEAFOOD),
    // Wild berries: fresh lingonberry, frozen bilberry, frozen honeysuckle and others.
    line("0810 40 100 0", KHV_BY, 10.0, 30.0, &G_BERRIES, &S_BERRIES_FRESH, tonnes(3.0, 3.8), BERRIES),
    line("0811 90 500 0", KHV_BY, 30.0, 50.0, &G_BERRIES, &S_BERRIES_FROZEN, tonnes(5.0, 3.0), BERRIES),
    line("0811 90 950 0", KHV_BY, 0.0, 30.0, &G_BERRIES, &S_BERRIES_FROZEN, tonnes(3.0, 3.6), BERRIES),
    // Larch logs, sawn Manchurian ash (for Bobruisk furniture) and sawn larch.
    line("4403 25 100 0", KHV_BY, 0.0, 60.0, &G_TIMBER, &S_TIMBER, wagon(68.0, 118.0, 680.0), TIMBER),
    line("4407 95 910 0", KHV_BY, 40.0, 60.0, &G_TIMBER, &S_TIMBER, wagon(60.0, 520.0, 690.0), TIMBER),
    line("4407 19 100 0", KHV_BY, 0.0, 40.0, &G_TIMBER, &S_TIMBER, wagon(60.0, 265.0, 650.0), TIMBER),
];

/// One-off deliveries on top of the usual flow: (code, from Mogilev Oblast, year, month, lots).
const EVENTS: &[(&str, bool, i32, u32, f64)] = &[
    // A city tender: fifteen MAZ buses for Khabarovsk.
    ("8702 10 119 9", false, 2023, 11, 15.0),
    // Ten electric buses.
    ("8702 40 000 0", false, 2024, 8, 10.0),
    // A new gold mine's fleet of BelAZ dump trucks.
    ("8704 10 100 0", false, 2024, 5, 4.0),
    // Lifts for the housing renovation programme.
    ("8428 10 200 1", true, 2025, 4, 30.0),
];

/// Goods the importing side's customs declared under another code in a quarter: (code, code
/// declared, quarter). Totals agree; by code the mirror shows a gap and its twin.
const MISCLASSIFIED: &[(&str, &str, &str)] = &[
    // Heavy MAZ trucks declared in Khabarovsk as medium ones.
    ("8704 23 910 8", "8704 22 910 8", "2024Q3"),
];

/// A heading of trade between the two countries.
struct CountryLine {
    code: &'static str,
    dir: Dir,
    /// Million USD in 2021.
    musd: f64,
    growth: &'static [f64; 6],
    season: &'static [f64; 12],
    usd_per_kg: f64,
}

const G_BY_RU: [f64; 6] = [1.0, 1.22, 1.30, 1.33, 1.27, 1.31];
const G_BY_RU_VEHICLES: [f64; 6] = [1.0, 1.35, 1.6, 1.7, 1.1, 1.3];
const G_OIL: [f64; 6] = [1.0, 1.1, 0.95, 1.0, 0.9, 0.88];
const G_FLAT: [f64; 6] = [1.0; 6];
const G_RU_BY: [f64; 6] = [1.0, 1.15, 1.05, 1.06, 1.0, 1.0];
const G_CARS: [f64; 6] = [1.0, 0.6, 0.9, 1.3, 1.0, 1.1];

const fn country(
    code: &'static str,
    dir: Dir,
    musd: f64,
    growth: &'static [f64; 6],
    season: &'static [f64; 12],
    usd_per_kg: f64,
) -> CountryLine {
    CountryLine { code, dir, musd, growth, season, usd_per_kg }
}

/// Trade between Belarus and Russia by heading, for context.
const COUNTRY_LINES: &[CountryLine] = &[
    country("8701", BY_KHV, 1_500.0, &G_BY_RU_VEHICLES, &S_SPRING, 7.0),
    country("8704", BY_KHV, 2_200.0, &G_BY_RU_VEHICLES, &S_YEAR_END, 7.2),
    country("8708", BY_KHV, 1_350.0, &G_BY_RU, &S_FLAT, 6.0),
    country("8429", BY_KHV, 650.0, &G_BY_RU, &S_BUILDING, 7.5),
    country("8433", BY_KHV, 520.0, &G_BY_RU, &S_SPRING, 9.0),
    country("8418", BY_KHV, 520.0, &G_BY_RU, &S_FLAT, 4.5),
    country("0401", BY_KHV, 600.0, &G_BY_RU, &S_DAIRY, 0.8),
    country("0402", BY_KHV, 900.0, &G_BY_RU, &S_DAIRY, 2.9),
    country("0405", BY_KHV, 900.0, &G_BY_RU, &S_DAIRY, 5.5),
    country("0406", BY_KHV, 1_650.0, &G_BY_RU, &S_DAIRY, 4.4),
    country("0202", BY_KHV, 750.0, &G_BY_RU, &S_MEAT, 4.5),
    country("0207", BY_KHV, 450.0, &G_BY_RU, &S_MEAT, 2.2),
    country("1601", BY_KHV, 520.0, &G_BY_RU, &S_MEAT, 3.5),
    country("7306", BY_KHV, 450.0, &G_BY_RU, &S_BUILDING, 1.0),
    country("7214", BY_KHV, 750.0, &G_BY_RU, &S_BUILDING, 0.66),
    country("4011", BY_KHV, 520.0, &G_BY_RU, &S_FLAT, 4.0),
    country("9403", BY_KHV, 820.0, &G_BY_RU, &S_FLAT, 3.2),
    country("2709", KHV_BY, 8_000.0, &G_OIL, &S_FLAT, 0.5),
    country("2711", KHV_BY, 2_600.0, &G_FLAT, &S_GAS, 0.18),
    country("2710", KHV_BY, 2_000.0, &G_RU_BY, &S_FLAT, 0.7),
    country("7208", KHV_BY, 1_200.0, &G_RU_BY, &S_BUILDING, 0.8),
    country("8703", KHV_BY, 1_000.0, &G_CARS, &S_YEAR_END, 12.0),
    country("3901", KHV_BY, 700.0, &G_RU_BY, &S_FLAT, 1.3),
    country("7601", KHV_BY, 400.0, &G_RU_BY, &S_FLAT, 2.6),
    country("2701", KHV_BY, 200.0, &G_RU_BY, &S_GAS, 0.11),
    country("0303", KHV_BY, 150.0, &G_RU_BY, &S_SALMON, 1.8),
    country("0304", KHV_BY, 100.0, &G_RU_BY, &S_POLLOCK, 3.3),
    country("4407", KHV_BY, 100.0, &G_RU_BY, &S_TIMBER, 0.4),
];

// ---------------------------------------------------------------------------------------------
// Generating the flows.

/// The month `t` months after 2021-01.
fn month(t: u32) -> YearMonth {
    YearMonth::new(FIRST.0 + (t / 12) as i32, t % 12 + 1).expect("the months of 2021-2026 are valid")
}

/// A year's level at month `t`, linear between mid-years, flat before mid-2021 and after
/// mid-2026.
fn growth_at(growth: &[f64; 6], t: u32) -> f64 {
    let x = (f64::from(t) - 5.5) / 12.0;
    if x <= 0.0 {
        return growth[0];
    }
    let year = x.floor() as usize;
    if year >= 5 {
        return growth[5];
    }
    let share = x - year as f64;
    growth[year] + (growth[year + 1] - growth[year]) * share
}

fn season_weight(season: &[f64; 12], t: u32) -> f64 {
    let total: f64 = season.iter().sum();
    season[(t % 12) as usize] * 12.0 / total
}

/// Disruptions: logistics and payments in March-April 2022.
fn shock(dir: Dir, t: u32) -> f64 {
    match (dir, t) {
        (Dir::FromBelarus, 14) => 0.5,
        (Dir::FromBelarus, 15) => 0.75,
        (Dir::ToBelarus, 14) => 0.7,
        _ => 1.0,
    }
}

/// Purposes of draws: each random quantity has its own key.
mod purpose {
    pub const LOTS: u64 = 1;
    pub const ROUND: u64 = 2;
    pub const PRICE: u64 = 3;
    pub const MASS: u64 = 4;
    pub const QTY: u64 = 5;
    pub const EXPORTER: u64 = 6;
    pub const IMPORTER: u64 = 7;
    pub const OUTLIER: u64 = 8;
    pub const OUTLIER_SIZE: u64 = 9;
    pub const SHIFT: u64 = 10;
    pub const CIF: u64 = 11;
    pub const IMPORTER_MASS: u64 = 12;
    pub const IMPORTER_QTY: u64 = 13;
    pub const COUNTRY: u64 = 1 << 32;
}

/// What was shipped, or as one side reports it.
#[derive(Debug, Clone, Copy)]
struct Figure {
    t: u32,
    cents: i64,
    mass_kg: i64,
    /// Thousandths of the unit.
    qty_milli: Option<i64>,
}

const MOGILEV: u64 = 0;
const REST: u64 = 1;

fn shipment(i: usize, line: &Line, part: u64, t: u32) -> Option<Figure> {
    let base = if part == MOGILEV { line.mogilev } else { line.rest } * 1000.0;
    if base <= 0.0 {
        return None;
    }
    let key = |p: u64| [i as u64, part, u64::from(t), p, 0];
    let expected = base * growth_at(line.growth, t) * season_weight(line.season, t) / 12.0 * shock(line.dir, t);
    let lam = expected / line.lot.usd;
    let ym = month(t);
    let extra: f64 = EVENTS
        .iter()
        .filter(|e| e.0 == line.code && e.1 == (part == MOGILEV) && e.2 == ym.year() && e.3 == ym.month())
        .map(|e| e.4)
        .sum();
    let lots = (lam * (0.8 + 0.4 * draw(key(purpose::LOTS))) + draw(key(purpose::ROUND))).floor() + extra;
    if lots < 1.0 {
        return None;
    }
    let price = 1.0 + 0.05 * signed(key(purpose::PRICE));
    let usd = lots * line.lot.usd * price;
    let mass = lots * line.lot.kg * (1.0 + 0.02 * signed(key(purpose::MASS)));
    let qty = match line.lot.unit {
        Unit::None => None,
        Unit::Pieces if line.lot.qty == 1.0 => Some(lots * 1000.0),
        Unit::Pieces => Some((lots * line.lot.qty * (1.0 + 0.05 * signed(key(purpose::QTY)))).round() * 1000.0),
        Unit::CubicMetres => Some((lots * line.lot.qty * (1.0 + 0.03 * signed(key(purpose::QTY))) * 1000.0).round()),
    };
    Some(Figure {
        t,
        cents: (usd * 100.0).round() as i64,
        mass_kg: mass.round() as i64,
        qty_milli: qty.map(|q| q as i64),
    })
}

/// The exporter's and the importer's figures for a shipment.
fn mirror(keys: [u64; 3], shipped: Figure, unit: Unit, cif_key: u64) -> (Figure, Figure) {
    let key = |p: u64| [keys[0], keys[1], keys[2], p, 1];
    let exported = Figure { cents: scale(shipped.cents, 1.0 + 0.01 * signed(key(purpose::EXPORTER))), ..shipped };
    // Insurance and freight: a constant 2-4 % per product.
    let cif = 0.02 + 0.02 * draw([cif_key, 0, 0, purpose::CIF, 2]);
    let mut noise = 0.03 * signed(key(purpose::IMPORTER));
    if draw(key(purpose::OUTLIER)) < 0.06 {
        let size = 0.04 + 0.03 * draw(key(purpose::OUTLIER_SIZE));
        noise = if noise < 0.0 { -size } else { size };
    }
    // A consignment at the end of a month is registered in the next one, within the quarter.
    let last_of_quarter = shipped.t % 3 == 2;
    let t = if !last_of_quarter && draw(key(purpose::SHIFT)) < 0.07 { shipped.t + 1 } else { shipped.t };
    let imported = Figure {
        t,
        cents: scale(shipped.cents, (1.0 + cif) * (1.0 + noise)),
        mass_kg: scale(shipped.mass_kg, 1.0 + 0.01 * signed(key(purpose::IMPORTER_MASS))),
        qty_milli: match unit {
            Unit::CubicMetres => shipped.qty_milli.map(|q| scale(q, 1.0 + 0.005 * signed(key(purpose::IMPORTER_QTY)))),
            _ => shipped.qty_milli,
        },
    };
    (exported, imported)
}

fn scale(value: i64, factor: f64) -> i64 {
    (value as f64 * factor).round() as i64
}

/// (period, reporter, partner, flow, code)
type Key = (Period, Territory, Territory, Flow, CommodityCode);

#[derive(Debug, Clone, Copy, Default)]
struct Sums {
    cents: i64,
    mass_kg: i64,
    qty_milli: Option<i64>,
    unit: Option<QtyUnit>,
}

type Book = BTreeMap<Key, Sums>;

fn add(
    book: &mut Book,
    reporter: Territory,
    partner: Territory,
    flow: Flow,
    code: CommodityCode,
    f: Figure,
    unit: Unit,
) {
    let sums = book.entry((Period::Month(month(f.t)), reporter, partner, flow, code)).or_default();
    sums.cents += f.cents;
    sums.mass_kg += f.mass_kg;
    if let Some(q) = f.qty_milli {
        sums.qty_milli = Some(sums.qty_milli.unwrap_or(0) + q);
        sums.unit = match unit {
            Unit::Pieces => QtyUnit::parse("шт").ok(),
            Unit::CubicMetres => QtyUnit::parse("м3").ok(),
            Unit::None => None,
        };
    }
}

fn code_of(text: &str) -> CommodityCode {
    CommodityCode::parse(text).expect("the tables hold valid codes (a test checks each one)")
}

fn starts_with(code: CommodityCode, prefix: &str) -> bool {
    CommodityCode::parse(prefix).is_ok_and(|p| code.starts_with(p))
}

fn regional_trade(by: &mut Book, khv: &mut Book) {
    for (i, line) in LINES.iter().enumerate() {
        let code = code_of(line.code);
        let unit = line.lot.unit;
        for part in [MOGILEV, REST] {
            let origin = if part == MOGILEV { Some(Territory::BY_MA) } else { None };
            for t in 0..MONTHS {
                let Some(shipped) = shipment(i, line, part, t) else { continue };
                let (exported, imported) = mirror([i as u64, part, u64::from(t)], shipped, unit, i as u64);
                let declared = MISCLASSIFIED
                    .iter()
                    .find(|m| m.0 == line.code && month(imported.t).quarter().to_string() == m.2)
                    .map_or(code, |m| code_of(m.1));
                let (by_figure, by_code, by_flow, khv_figure, khv_code, khv_flow) = match line.dir {
                    Dir::FromBelarus => (exported, code, Flow::Export, imported, declared, Flow::Import),
                    Dir::ToBelarus => (imported, declared, Flow::Import, exported, code, Flow::Export),
                };
                for reporter in origin.into_iter().chain([Territory::BY]) {
                    add(by, reporter, Territory::RU_KHA, by_flow, by_code, by_figure, unit);
                    add(khv, Territory::RU_KHA, reporter, khv_flow, khv_code, khv_figure, unit);
                }
            }
        }
    }
}

fn country_trade(by: &mut Book, khv: &mut Book) {
    for (i, line) in COUNTRY_LINES.iter().enumerate() {
        let code = code_of(line.code);
        for t in 0..MONTHS {
            let key = |p: u64| [i as u64, 0, u64::from(t), p | purpose::COUNTRY, 3];
            let country_shock = if line.dir == Dir::FromBelarus && t == 14 { 0.85 } else { 1.0 };
            let usd = line.musd * 1_000_000.0 * growth_at(line.growth, t) * season_weight(line.season, t) / 12.0
                * country_shock
                * (1.0 + 0.05 * signed(key(purpose::LOTS)));
            let mass = usd / line.usd_per_kg * (1.0 + 0.03 * signed(key(purpose::MASS)));
            let shipped =
                Figure { t, cents: (usd * 100.0).round() as i64, mass_kg: mass.round() as i64, qty_milli: None };
            let exported =
                Figure { cents: scale(shipped.cents, 1.0 + 0.01 * signed(key(purpose::EXPORTER))), ..shipped };
            let cif = 0.015 + 0.015 * draw([i as u64, 0, 0, purpose::CIF | purpose::COUNTRY, 3]);
            let imported = Figure {
                cents: scale(shipped.cents, (1.0 + cif) * (1.0 + 0.02 * signed(key(purpose::IMPORTER)))),
                mass_kg: scale(shipped.mass_kg, 1.0 + 0.01 * signed(key(purpose::IMPORTER_MASS))),
                ..shipped
            };
            let (by_figure, by_flow, ru_figure, ru_flow) = match line.dir {
                Dir::FromBelarus => (exported, Flow::Export, imported, Flow::Import),
                Dir::ToBelarus => (imported, Flow::Import, exported, Flow::Export),
            };
            add(by, Territory::BY, Territory::RU, by_flow, code, by_figure, Unit::None);
            add(khv, Territory::RU, Territory::BY, ru_flow, code, ru_figure, Unit::None);
        }
    }
}

/// The book as records, with the lines `in_own_currency` picks converted from USD at the
/// month's average rate.
fn records(book: &Book, rates: &RateTable, in_own_currency: impl Fn(&Key) -> bool, own: Currency) -> Vec<TradeRecord> {
    book.iter()
        .map(|(key, sums)| {
            let usd = Money::new(sums.cents, Currency::Usd);
            let value = if in_own_currency(key) {
                rates
                    .conversion_for(Currency::Usd, own, key.0, RateBasis::MonthlyAverage)
                    .and_then(|c| c.apply(usd))
                    .unwrap_or(usd)
            } else {
                usd
            };
            TradeRecord {
                period: key.0,
                flow: key.3,
                reporter: key.1,
                partner: key.2,
                code: key.4,
                value,
                net_mass_kg: Some(Quantity::from_milli(sums.mass_kg * 1000)),
                supplementary_qty: sums.qty_milli.map(Quantity::from_milli),
                supplementary_unit: sums.qty_milli.and(sums.unit),
            }
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Product groups and their targets.

/// (key, Russian name, English name, prefixes, shipped from)
const GROUPS: &[(&str, &str, &str, &[&str], Side)] = &[
    (
        "machinery",
        "Белорусская техника",
        "Belarusian machinery",
        &["8701", "8702", "8704", "8705", "8708", "8429", "8433", "8428"],
        Side::By,
    ),
    ("dairy", "Молочная продукция", "Dairy products", &["0401", "0402", "0403", "0404", "0405", "0406"], Side::By),
    ("meat", "Мясо", "Meat", &["02"], Side::By),
    ("metal", "Металлопродукция", "Metal products", &["72", "7306"], Side::By),
    ("tyres", "Шины", "Tyres", &["4011"], Side::By),
    ("seafood", "Рыба и морепродукты", "Fish and seafood", &["0302", "0303", "0304", "0306", "0307"], Side::Khv),
    ("berries", "Дикоросы и ягоды", "Wild berries and fruit", &["0810", "0811"], Side::Khv),
    ("timber", "Лес", "Timber", &["4403", "4407"], Side::Khv),
];

/// The demo plan's measures each group's trade stands behind, by measure number.
pub const GROUP_MEASURES: &[(&str, &[&str])] = &[
    ("machinery", &["5.3.", "5.4."]),
    ("dairy", &["2.1."]),
    ("meat", &["2.2."]),
    ("seafood", &["3.1.", "4.4."]),
    ("berries", &["3.2."]),
];

/// Targets against Mogilev Oblast's 2024 figures (Belarusian statistics) for each group:
/// the agreement's 2025-2027 plan asks for growth.
const TARGET_GROWTH: [(i32, f64); 3] = [(2025, 1.10), (2026, 1.25), (2027, 1.40)];

fn groups(by: &Book) -> Vec<ProductGroup> {
    let mut groups: Vec<ProductGroup> = GROUPS
        .iter()
        .filter_map(|(key, ru, en, prefixes, side)| {
            ProductGroup::new(key, ru, en, prefixes.iter().copied().map(code_of), Some(*side)).ok()
        })
        .collect();
    let mut actual = vec![0i64; groups.len()];
    for (key, sums) in by {
        let (period, reporter, partner, flow, code) = *key;
        if reporter != Territory::BY_MA || partner != Territory::RU_KHA || period.year() != 2024 {
            continue;
        }
        let from = if flow == Flow::Export { Side::By } else { Side::Khv };
        if let Some(g) = accord_domain::trade::classify(&groups, code, Some(from)) {
            actual[g] += sums.cents;
        }
    }
    for (group, cents) in groups.iter_mut().zip(actual) {
        for (year, factor) in TARGET_GROWTH {
            let usd = cents as f64 / 100.0 * factor;
            // Officials set round figures: to 10,000 USD, or 50,000 USD from a million.
            let step = if usd >= 1_000_000.0 { 50_000.0 } else { 10_000.0 };
            let rounded = ((usd / step).round() * step).max(step);
            group.targets.insert(year, Money::new(rounded as i64 * 100, Currency::Usd));
        }
    }
    groups
}

#[cfg(test)]
mod tests;
