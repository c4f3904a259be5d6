//! One line of trade statistics: in a period, a reporter exported to or imported from a partner
//! goods of one commodity code, for a value, a net mass and a supplementary quantity.
//!
//! Every type here is `Copy` and heap-free: an import reads millions of these, and a record that
//! allocates costs more than parsing it.

use super::code::CommodityCode;
use super::money::Money;
use crate::quarter::Quarter;
use crate::side::Side;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::cmp::Ordering;
use std::fmt;
use std::str::FromStr;

/// Which way goods went, from the reporter's point of view.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Flow {
    Export,
    Import,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown flow {0:?}: expected export or import (экспорт, импорт, X, M)")]
pub struct UnknownFlow(pub String);

impl Flow {
    pub const ALL: [Flow; 2] = [Flow::Export, Flow::Import];

    pub fn code(self) -> &'static str {
        match self {
            Flow::Export => "export",
            Flow::Import => "import",
        }
    }

    /// The same goods seen from the other side of the border.
    pub fn mirror(self) -> Flow {
        match self {
            Flow::Export => Flow::Import,
            Flow::Import => Flow::Export,
        }
    }

    /// Accepts "export"/"import", "экспорт"/"импорт" (any case), Comtrade's "X"/"M".
    /// Allocation-free: the CSV reader calls it on every row.
    pub fn parse_bytes(input: &[u8]) -> Option<Flow> {
        let trimmed = input.trim_ascii();
        if trimmed.eq_ignore_ascii_case(b"export") || trimmed.eq_ignore_ascii_case(b"x") {
            return Some(Flow::Export);
        }
        if trimmed.eq_ignore_ascii_case(b"import") || trimmed.eq_ignore_ascii_case(b"m") {
            return Some(Flow::Import);
        }
        let text = std::str::from_utf8(trimmed).ok()?;
        // Cyrillic: compare letter by letter with lowercasing, still without allocating.
        let is = |word: &str| text.chars().flat_map(char::to_lowercase).eq(word.chars());
        if is("экспорт") || is("вывоз") {
            Some(Flow::Export)
        } else if is("импорт") || is("ввоз") {
            Some(Flow::Import)
        } else {
            None
        }
    }
}

impl fmt::Display for Flow {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl FromStr for Flow {
    type Err = UnknownFlow;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Flow::parse_bytes(s.as_bytes()).ok_or_else(|| UnknownFlow(s.to_string()))
    }
}

/// A calendar month.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct YearMonth {
    year: i32,
    month: u8,
}

impl YearMonth {
    pub fn new(year: i32, month: u32) -> Option<YearMonth> {
        let month = u8::try_from(month).ok()?;
        ((1..=12).contains(&month) && (1900..=2200).contains(&year)).then_some(YearMonth { year, month })
    }
    pub fn year(self) -> i32 {
        self.year
    }
    pub fn month(self) -> u32 {
        u32::from(self.month)
    }
    pub fn quarter(self) -> Quarter {
        Quarter::of_month(self.year, self.month()).expect("YearMonth and Quarter accept the same years")
    }
    /// Months since January 1900: a dense index for arrays and compact keys.
    pub fn index(self) -> u32 {
        // year >= 1900 by construction.
        (self.year - 1900) as u32 * 12 + u32::from(self.month - 1)
    }
    pub fn from_index(index: u32) -> Option<YearMonth> {
        let year = 1900 + i32::try_from(index / 12).ok()?;
        YearMonth::new(year, index % 12 + 1)
    }
    pub fn next(self) -> Option<YearMonth> {
        YearMonth::from_index(self.index() + 1)
    }
    pub fn prev(self) -> Option<YearMonth> {
        YearMonth::from_index(self.index().checked_sub(1)?)
    }
    /// The same month a year earlier.
    pub fn year_earlier(self) -> Option<YearMonth> {
        YearMonth::new(self.year - 1, self.month())
    }
    pub fn first_day(self) -> chrono::NaiveDate {
        chrono::NaiveDate::from_ymd_opt(self.year, self.month(), 1).unwrap_or_default()
    }
    pub fn last_day(self) -> chrono::NaiveDate {
        match self.next() {
            Some(next) => next.first_day().pred_opt().unwrap_or_default(),
            None => chrono::NaiveDate::from_ymd_opt(self.year, 12, 31).unwrap_or_default(),
        }
    }
    /// The months of a quarter, in order.
    pub fn of_quarter(q: Quarter) -> [YearMonth; 3] {
        let first = (q.number() - 1) * 3 + 1;
        [0, 1, 2].map(|i| YearMonth { year: q.year(), month: first + i })
    }

    /// "2025-03" or "2025-3" as bytes, without allocating.
    pub fn parse_iso_bytes(input: &[u8]) -> Option<YearMonth> {
        let (year, month) = match input {
            [y0, y1, y2, y3, b'-', m0, m1] => ([*y0, *y1, *y2, *y3], [*m0, *m1]),
            [y0, y1, y2, y3, b'-', m1] => ([*y0, *y1, *y2, *y3], [b'0', *m1]),
            _ => return None,
        };
        let year = digits_value(&year)?;
        let month = digits_value(&month)?;
        YearMonth::new(year as i32, month)
    }
}

fn digits_value(bytes: &[u8]) -> Option<u32> {
    bytes.iter().try_fold(0u32, |acc, b| b.is_ascii_digit().then(|| acc * 10 + u32::from(b - b'0')))
}

impl fmt::Display for YearMonth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not a period: {0:?} (expected a month like 2025-03 or a quarter like 2025Q1)")]
pub struct NotAPeriod(pub String);

impl FromStr for YearMonth {
    type Err = NotAPeriod;
    /// "2025-03", "2025-3", "03.2025", "202503".
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let t = s.trim();
        let err = || NotAPeriod(s.to_string());
        if let Some(ym) = YearMonth::parse_iso_bytes(t.as_bytes()) {
            return Ok(ym);
        }
        if let Some((m, y)) = t.split_once('.') {
            let month: u32 = m.parse().map_err(|_| err())?;
            let year: i32 = y.parse().map_err(|_| err())?;
            return YearMonth::new(year, month).ok_or_else(err);
        }
        if t.len() == 6 && t.bytes().all(|b| b.is_ascii_digit()) {
            let year: i32 = t[..4].parse().map_err(|_| err())?;
            let month: u32 = t[4..].parse().map_err(|_| err())?;
            return YearMonth::new(year, month).ok_or_else(err);
        }
        Err(err())
    }
}

impl TryFrom<String> for YearMonth {
    type Error = NotAPeriod;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        s.parse()
    }
}

impl From<YearMonth> for String {
    fn from(m: YearMonth) -> String {
        m.to_string()
    }
}

/// The period a record covers: statistics are published monthly or quarterly.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub enum Period {
    Month(YearMonth),
    Quarter(Quarter),
}

impl Period {
    pub fn quarter(self) -> Quarter {
        match self {
            Period::Month(m) => m.quarter(),
            Period::Quarter(q) => q,
        }
    }
    pub fn year(self) -> i32 {
        match self {
            Period::Month(m) => m.year(),
            Period::Quarter(q) => q.year(),
        }
    }
    /// The first month the period covers.
    pub fn first_month(self) -> YearMonth {
        match self {
            Period::Month(m) => m,
            Period::Quarter(q) => YearMonth::of_quarter(q)[0],
        }
    }
    /// The last month the period covers.
    pub fn last_month(self) -> YearMonth {
        match self {
            Period::Month(m) => m,
            Period::Quarter(q) => YearMonth::of_quarter(q)[2],
        }
    }
    /// A dense 16-bit form for compact keys: month index * 2, or quarter's first month * 2 + 1.
    pub fn packed(self) -> u16 {
        let (index, tag) = match self {
            Period::Month(m) => (m.index(), 0),
            Period::Quarter(q) => (YearMonth::of_quarter(q)[0].index(), 1),
        };
        // Years 1900..=2200 give at most 3612 months: far below 2^15.
        (index * 2 + tag) as u16
    }
    pub fn from_packed(packed: u16) -> Option<Period> {
        let month = YearMonth::from_index(u32::from(packed / 2))?;
        if packed.is_multiple_of(2) {
            Some(Period::Month(month))
        } else {
            (month.month() % 3 == 1).then(|| Period::Quarter(month.quarter()))
        }
    }

    /// "2025-03" or "2025Q1" as bytes; other spellings go through [`FromStr`].
    pub fn parse_bytes(input: &[u8]) -> Option<Period> {
        let t = input.trim_ascii();
        if let Some(m) = YearMonth::parse_iso_bytes(t) {
            return Some(Period::Month(m));
        }
        if let [y0, y1, y2, y3, q, n] = t
            && (*q == b'Q' || *q == b'q')
            && let (Some(year), Some(n)) = (digits_value(&[*y0, *y1, *y2, *y3]), digits_value(&[*n]))
        {
            return Quarter::new(year as i32, n as u8).map(Period::Quarter);
        }
        std::str::from_utf8(t).ok()?.parse().ok()
    }
}

/// Months before quarters that start with them, so a list reads in calendar order:
/// 2025-01, 2025Q1, 2025-02, 2025-03, 2025-04, 2025Q2, ...
impl Ord for Period {
    fn cmp(&self, other: &Self) -> Ordering {
        self.packed().cmp(&other.packed())
    }
}

impl PartialOrd for Period {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Period::Month(m) => m.fmt(f),
            Period::Quarter(q) => q.fmt(f),
        }
    }
}

impl FromStr for Period {
    type Err = NotAPeriod;
    /// A month ("2025-03", "03.2025", "202503") or a quarter ("2025Q1", "I квартал 2025").
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if let Ok(m) = s.parse::<YearMonth>() {
            return Ok(Period::Month(m));
        }
        s.parse::<Quarter>().map(Period::Quarter).map_err(|_| NotAPeriod(s.to_string()))
    }
}

impl TryFrom<String> for Period {
    type Error = NotAPeriod;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        s.parse()
    }
}

impl From<Period> for String {
    fn from(p: Period) -> String {
        p.to_string()
    }
}

/// A country (ISO 3166-1 alpha-2, "BY", "RU") or a region (ISO 3166-2, "BY-MA" Mogilev Oblast,
/// "RU-KHA" Khabarovsk Krai). Stored inline in six bytes, upper case, zero-padded.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Territory([u8; 6]);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not a territory code: {0:?} (expected a country like BY or a region like BY-MA, RU-KHA)")]
pub struct NotATerritory(pub String);

impl Territory {
    /// The six bytes as a number, for compact keys.
    pub(crate) fn to_bits(self) -> u64 {
        let mut word = [0u8; 8];
        word[..6].copy_from_slice(&self.0);
        u64::from_le_bytes(word)
    }

    pub(crate) fn from_bits(bits: u64) -> Option<Territory> {
        let word = bits.to_le_bytes();
        let mut raw = [0u8; 6];
        raw.copy_from_slice(&word[..6]);
        let len = raw.iter().position(|b| *b == 0).unwrap_or(6);
        Territory::parse_bytes(&raw[..len])
    }

    pub const BY: Territory = Territory(*b"BY\0\0\0\0");
    pub const RU: Territory = Territory(*b"RU\0\0\0\0");
    /// Mogilev Oblast.
    pub const BY_MA: Territory = Territory(*b"BY-MA\0");
    /// Khabarovsk Krai.
    pub const RU_KHA: Territory = Territory(*b"RU-KHA");

    /// Parses in any case, without allocating: two letters, optionally "-" and one to three
    /// letters or digits.
    pub fn parse_bytes(input: &[u8]) -> Option<Territory> {
        let t = input.trim_ascii();
        if !(t.len() == 2 || (4..=6).contains(&t.len())) {
            return None;
        }
        let mut out = [0u8; 6];
        for (i, b) in t.iter().enumerate() {
            let ok = match i {
                0 | 1 => b.is_ascii_alphabetic(),
                2 => *b == b'-',
                _ => b.is_ascii_alphanumeric(),
            };
            if !ok {
                return None;
            }
            out[i] = b.to_ascii_uppercase();
        }
        Some(Territory(out))
    }

    pub fn parse(input: &str) -> Result<Territory, NotATerritory> {
        Territory::parse_bytes(input.as_bytes()).ok_or_else(|| NotATerritory(input.to_string()))
    }

    pub fn as_str(&self) -> &str {
        let len = self.0.iter().position(|b| *b == 0).unwrap_or(6);
        // Only ASCII bytes are ever stored.
        std::str::from_utf8(&self.0[..len]).unwrap_or("")
    }

    pub fn is_country(self) -> bool {
        self.0[2] == 0
    }

    /// The country a region lies in ("BY" for "BY-MA"); a country is its own country.
    pub fn country(self) -> Territory {
        Territory([self.0[0], self.0[1], 0, 0, 0, 0])
    }

    /// Which side of the agreement a territory belongs to, by its country.
    pub fn side(self) -> Option<Side> {
        match &self.0[..2] {
            b"BY" => Some(Side::By),
            b"RU" => Some(Side::Khv),
            _ => None,
        }
    }
}

impl fmt::Display for Territory {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for Territory {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Territory({})", self.as_str())
    }
}

impl FromStr for Territory {
    type Err = NotATerritory;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Territory::parse(s)
    }
}

impl TryFrom<String> for Territory {
    type Error = NotATerritory;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Territory::parse(&s)
    }
}

impl From<Territory> for String {
    fn from(t: Territory) -> String {
        t.as_str().to_string()
    }
}

/// A non-negative measured amount with three decimal places (kilograms to the gram, pieces,
/// litres), held as thousandths so sums are exact integers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Quantity {
    pub milli: i64,
}

impl Quantity {
    pub const DECIMALS: u32 = 3;

    pub fn from_milli(milli: i64) -> Quantity {
        Quantity { milli }
    }
    pub fn to_decimal(self) -> Decimal {
        Decimal::new(self.milli, Self::DECIMALS)
    }
    /// Exact; `None` for more than three decimal places or out of range.
    pub fn from_decimal(value: Decimal) -> Option<Quantity> {
        let value = value.normalize();
        if value.scale() > Self::DECIMALS {
            return None;
        }
        let milli = value.checked_mul(Decimal::from(1000))?;
        i64::try_from(milli).ok().map(Quantity::from_milli)
    }
    /// Rounded half to even to three decimals (for sources like Comtrade that publish
    /// estimated masses with more digits than a gram).
    pub fn from_decimal_rounded(value: Decimal) -> Option<Quantity> {
        Self::from_decimal(
            value.round_dp_with_strategy(Self::DECIMALS, rust_decimal::RoundingStrategy::MidpointNearestEven),
        )
    }
}

impl fmt::Display for Quantity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let abs = self.milli.unsigned_abs();
        let sign = if self.milli < 0 { "-" } else { "" };
        if abs.is_multiple_of(1000) {
            write!(f, "{sign}{}", abs / 1000)
        } else {
            let frac = format!("{:03}", abs % 1000);
            write!(f, "{sign}{}.{}", abs / 1000, frac.trim_end_matches('0'))
        }
    }
}

impl TryFrom<String> for Quantity {
    type Error = String;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Decimal::from_str(s.trim())
            .ok()
            .and_then(Quantity::from_decimal)
            .ok_or_else(|| format!("not a quantity with at most three decimals: {s:?}"))
    }
}

impl From<Quantity> for String {
    fn from(q: Quantity) -> String {
        q.to_string()
    }
}

/// A supplementary unit of measure ("шт", "л", "пар", "1000 шт", Comtrade's "u", "kg"): short
/// text held inline (at most 15 bytes of UTF-8), trimmed. Common spellings of the same unit
/// (Comtrade's abbreviations and legacy descriptions, OKEI codes) are folded to the TN VED's
/// Russian one so sums by unit agree across sources; anything else is kept as written.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct QtyUnit {
    len: u8,
    bytes: [u8; 15],
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NotAUnit {
    #[error("empty unit of measure")]
    Empty,
    #[error("unit of measure {0:?} is longer than 15 bytes")]
    TooLong(String),
}

/// (canonical, spellings folded into it). Canonical names are the TN VED EAEU's Russian ones;
/// the spellings include Comtrade's abbreviations and OKEI numeric codes.
const UNIT_ALIASES: &[(&str, &[&str])] = &[
    ("шт", &["шт", "шт.", "штук", "штука", "u", "pcs", "pc", "796", "number of items"]),
    ("пар", &["пар", "пара", "2u", "pairs", "pair", "715", "number of pairs"]),
    ("1000 шт", &["1000 шт", "1000шт", "тыс. шт", "тыс.шт", "1000u", "798", "thousands of items"]),
    ("кг", &["кг", "kg", "166", "weight in kilograms"]),
    ("г", &["г", "гр", "g", "163", "weight in grams"]),
    ("т", &["т", "t", "168"]),
    ("л", &["л", "l", "112", "volume in litres", "volume in liters"]),
    ("1000 л", &["1000 л", "1000л", "1000l", "130"]),
    ("м", &["м", "m", "006", "length in metres", "length in meters"]),
    ("м2", &["м2", "м²", "кв.м", "m2", "m²", "055", "area in square metres", "area in square meters"]),
    ("м3", &["м3", "м³", "куб.м", "m3", "m³", "113", "volume in cubic meters", "volume in cubic metres"]),
    ("кар", &["кар", "карат", "carat", "ct", "162", "weight in carats"]),
    (
        "1000 кВт·ч",
        &["1000 квт·ч", "1000 квт.ч", "1000 kwh", "245", "electrical energy in thousands of kilowatt-hours"],
    ),
];

impl QtyUnit {
    pub fn parse(input: &str) -> Result<QtyUnit, NotAUnit> {
        let t = input.trim();
        if t.is_empty() {
            return Err(NotAUnit::Empty);
        }
        let folded = crate::text::fold(t);
        for (canonical, spellings) in UNIT_ALIASES {
            if spellings.contains(&folded.as_str()) {
                return QtyUnit::inline(canonical);
            }
        }
        QtyUnit::inline(t)
    }

    fn inline(text: &str) -> Result<QtyUnit, NotAUnit> {
        let len = u8::try_from(text.len()).ok().filter(|l| *l <= 15).ok_or_else(|| NotAUnit::TooLong(text.into()))?;
        let mut bytes = [0u8; 15];
        bytes[..text.len()].copy_from_slice(text.as_bytes());
        Ok(QtyUnit { len, bytes })
    }

    /// Sixteen bytes for compact comparison: the length, then the text zero-padded.
    pub(crate) fn to_raw(self) -> [u8; 16] {
        let mut raw = [0u8; 16];
        raw[0] = self.len;
        raw[1..].copy_from_slice(&self.bytes);
        raw
    }

    pub fn as_str(&self) -> &str {
        // Built from a &str cut at its own end, so always whole UTF-8.
        std::str::from_utf8(&self.bytes[..usize::from(self.len)]).unwrap_or("")
    }
}

/// Alphabetical, as a list of units reads.
impl Ord for QtyUnit {
    fn cmp(&self, other: &Self) -> Ordering {
        self.as_str().cmp(other.as_str())
    }
}

impl PartialOrd for QtyUnit {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl fmt::Display for QtyUnit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for QtyUnit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "QtyUnit({})", self.as_str())
    }
}

impl FromStr for QtyUnit {
    type Err = NotAUnit;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        QtyUnit::parse(s)
    }
}

impl TryFrom<String> for QtyUnit {
    type Error = NotAUnit;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        QtyUnit::parse(&s)
    }
}

impl From<QtyUnit> for String {
    fn from(u: QtyUnit) -> String {
        u.as_str().to_string()
    }
}

/// One line of statistics as a file states it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct TradeRecord {
    pub period: Period,
    pub flow: Flow,
    /// Whose statistics these are: the territory that exported or imported.
    pub reporter: Territory,
    /// Where the goods went to (export) or came from (import).
    pub partner: Territory,
    pub code: CommodityCode,
    pub value: Money,
    pub net_mass_kg: Option<Quantity>,
    pub supplementary_qty: Option<Quantity>,
    /// Set whenever `supplementary_qty` is; readers refuse a quantity without a unit.
    pub supplementary_unit: Option<QtyUnit>,
}

/// Where a record came from: the statistics of which side, and which file. The store attaches
/// it to every record of an import, so the same flow can be held as reported by both sides.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Source {
    /// The side whose statistics office published the figures.
    pub side: Side,
    /// A label the user gives the source ("Белстат", "Хабаровскстат", "UN Comtrade").
    pub name: String,
    /// The file name as uploaded.
    pub file_name: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flows_in_three_languages() {
        for (s, flow) in [
            ("export", Flow::Export),
            (" Export ", Flow::Export),
            ("X", Flow::Export),
            ("экспорт", Flow::Export),
            ("Экспорт", Flow::Export),
            ("ЭКСПОРТ", Flow::Export),
            ("import", Flow::Import),
            ("m", Flow::Import),
            ("Импорт", Flow::Import),
            ("ввоз", Flow::Import),
        ] {
            assert_eq!(s.parse::<Flow>(), Ok(flow), "{s}");
        }
        for s in ["", "exports", "re-export", "экспортт", "и"] {
            assert!(s.parse::<Flow>().is_err(), "{s}");
        }
        assert_eq!(Flow::Export.mirror(), Flow::Import);
    }

    #[test]
    fn months_parse_and_index() {
        let m = YearMonth::new(2025, 3).expect("valid");
        for s in ["2025-03", "2025-3", "03.2025", "3.2025", "202503"] {
            assert_eq!(s.parse::<YearMonth>(), Ok(m), "{s}");
        }
        for s in ["2025-13", "2025-00", "2025", "25-03", "2025/03", "1899-12"] {
            assert!(s.parse::<YearMonth>().is_err(), "{s}");
        }
        assert_eq!(YearMonth::from_index(m.index()), Some(m));
        assert_eq!(YearMonth::new(2024, 12).and_then(YearMonth::next), YearMonth::new(2025, 1));
        assert_eq!(YearMonth::new(2025, 1).and_then(YearMonth::prev), YearMonth::new(2024, 12));
        assert_eq!(m.year_earlier(), YearMonth::new(2024, 3));
        assert_eq!(m.quarter(), Quarter::new(2025, 1).expect("valid"));
        assert_eq!(YearMonth::new(2024, 2).map(|m| m.last_day().to_string()).as_deref(), Some("2024-02-29"));
        assert_eq!(YearMonth::new(2025, 12).map(|m| m.last_day().to_string()).as_deref(), Some("2025-12-31"));
    }

    #[test]
    fn periods_parse_order_and_pack() {
        let q1 = Period::Quarter(Quarter::new(2025, 1).expect("valid"));
        let jan = Period::Month(YearMonth::new(2025, 1).expect("valid"));
        let feb = Period::Month(YearMonth::new(2025, 2).expect("valid"));
        assert_eq!("2025Q1".parse::<Period>(), Ok(q1));
        assert_eq!("I квартал 2025".parse::<Period>(), Ok(q1));
        assert_eq!(Period::parse_bytes(b"2025q1"), Some(q1));
        assert_eq!(Period::parse_bytes(b"2025-01"), Some(jan));
        assert_eq!(Period::parse_bytes(b"01.2025"), Some(jan));
        assert_eq!(Period::parse_bytes(b"2025Q5"), None);
        assert_eq!(Period::parse_bytes(b"garbage"), None);
        let mut list = vec![feb, q1, jan];
        list.sort();
        assert_eq!(list, vec![jan, q1, feb]);
        for p in [q1, jan, feb, Period::Month(YearMonth::new(2200, 12).expect("valid"))] {
            assert_eq!(Period::from_packed(p.packed()), Some(p));
        }
        assert_eq!(q1.last_month(), YearMonth::new(2025, 3).expect("valid"));
        assert_eq!(serde_json::to_string(&q1).expect("json"), "\"2025Q1\"");
        assert_eq!(serde_json::from_str::<Period>("\"2025-02\"").expect("json"), feb);
    }

    #[test]
    fn territories() {
        assert_eq!(Territory::parse("by-ma"), Ok(Territory::BY_MA));
        assert_eq!(Territory::parse(" RU-KHA "), Ok(Territory::RU_KHA));
        assert_eq!(Territory::parse("by"), Ok(Territory::BY));
        assert_eq!(Territory::RU_KHA.as_str(), "RU-KHA");
        assert_eq!(Territory::RU_KHA.country(), Territory::RU);
        assert!(Territory::BY.is_country() && !Territory::BY_MA.is_country());
        assert_eq!(Territory::BY_MA.side(), Some(Side::By));
        assert_eq!(Territory::RU_KHA.side(), Some(Side::Khv));
        assert_eq!(Territory::parse("KZ").map(Territory::side), Ok(None));
        for s in ["", "B", "BLR", "BY-", "BY_MA", "BY-MAXX", "1Y", "BY-M!", "Бел"] {
            assert!(Territory::parse(s).is_err(), "{s}");
        }
        assert!(Territory::BY < Territory::BY_MA, "a country sorts before its regions");
        assert_eq!(serde_json::to_string(&Territory::BY_MA).expect("json"), "\"BY-MA\"");
    }

    #[test]
    fn quantities_are_exact_thousandths() {
        let q = Quantity::from_decimal(Decimal::from_str("12.5").expect("dec")).expect("exact");
        assert_eq!(q.milli, 12500);
        assert_eq!(q.to_string(), "12.5");
        assert_eq!(Quantity::from_milli(3000).to_string(), "3");
        assert_eq!(Quantity::from_milli(1).to_string(), "0.001");
        assert_eq!(Quantity::from_decimal(Decimal::from_str("0.0001").expect("dec")), None);
        assert_eq!(
            Quantity::from_decimal_rounded(Decimal::from_str("0.0005").expect("dec")),
            Some(Quantity::from_milli(0))
        );
        assert_eq!(
            Quantity::from_decimal_rounded(Decimal::from_str("0.0015").expect("dec")),
            Some(Quantity::from_milli(2))
        );
    }

    #[test]
    fn units_fold_common_spellings() {
        let pieces = QtyUnit::parse("шт").expect("unit");
        for s in ["ШТ.", "u", "pcs", "796"] {
            assert_eq!(QtyUnit::parse(s), Ok(pieces), "{s}");
        }
        assert_eq!(QtyUnit::parse("m³").map(|u| u.to_string()).as_deref(), Ok("м3"));
        assert_eq!(QtyUnit::parse("Weight in kilograms").map(|u| u.to_string()).as_deref(), Ok("кг"));
        assert_eq!(QtyUnit::parse("кг 90% с/в").map(|u| u.to_string()).as_deref(), Ok("кг 90% с/в"));
        assert_eq!(QtyUnit::parse("  "), Err(NotAUnit::Empty));
        assert!(matches!(QtyUnit::parse("очень длинная единица"), Err(NotAUnit::TooLong(_))));
    }

    #[test]
    fn records_are_small_and_copy() {
        fn is_copy<T: Copy>() {}
        is_copy::<TradeRecord>();
        assert!(std::mem::size_of::<TradeRecord>() <= 104, "{}", std::mem::size_of::<TradeRecord>());
    }
}
