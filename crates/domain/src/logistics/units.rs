//! Small value types shared by the logistics module: durations in tenths of a day, day ranges
//! (min / typical / max), temperature ranges and the months a leg is open.
//!
//! Why tenths of a day: transit and dwell times are published in days, sometimes in half days
//! (a road leg Minsk–Mogilev), never finer. An integer keeps sums exact and lets the route
//! search add times without rounding; one decimal place is enough for every figure we use.

use rust_decimal::Decimal;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use std::str::FromStr;

/// A duration in tenths of a day. Signed so that a negative figure in a file can be read and
/// refused by validation with the item's name, instead of failing deep inside a parser.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Days(i32);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DaysError {
    #[error("{0} days: at most one decimal place")]
    TooPrecise(Decimal),
    #[error("{0} days: out of range")]
    OutOfRange(Decimal),
    #[error("not a number of days: {0:?}")]
    NotANumber(String),
}

impl Days {
    pub const ZERO: Days = Days(0);

    pub const fn from_tenths(tenths: i32) -> Days {
        Days(tenths)
    }

    pub const fn whole(days: i32) -> Days {
        Days(days * 10)
    }

    pub const fn tenths(self) -> i32 {
        self.0
    }

    pub fn is_negative(self) -> bool {
        self.0 < 0
    }

    /// Exactly, or an error when the figure has more than one decimal place.
    pub fn from_decimal(days: Decimal) -> Result<Days, DaysError> {
        let tenths = days.checked_mul(Decimal::TEN).ok_or(DaysError::OutOfRange(days))?;
        if tenths.fract() != Decimal::ZERO {
            return Err(DaysError::TooPrecise(days));
        }
        i32::try_from(tenths.trunc()).map(Days).map_err(|_| DaysError::OutOfRange(days))
    }

    pub fn to_decimal(self) -> Decimal {
        Decimal::new(i64::from(self.0), 1).normalize()
    }

    pub fn parse(text: &str) -> Result<Days, DaysError> {
        let d = Decimal::from_str(text.trim()).map_err(|_| DaysError::NotANumber(text.to_string()))?;
        Days::from_decimal(d)
    }

    pub fn saturating_add(self, other: Days) -> Days {
        Days(self.0.saturating_add(other.0))
    }
}

impl fmt::Display for Days {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.to_decimal())
    }
}

impl Serialize for Days {
    /// A JSON number with at most one decimal place (`11.5`): people edit these files by hand.
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if self.0 % 10 == 0 {
            s.serialize_i64(i64::from(self.0 / 10))
        } else {
            s.serialize_f64(f64::from(self.0) / 10.0)
        }
    }
}

impl<'de> Deserialize<'de> for Days {
    /// A number or a decimal string. A JSON number arrives as a float; its shortest text form
    /// ("11.5") is parsed as a decimal, so one decimal place is read exactly.
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Days, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Repr {
            Int(i64),
            Float(f64),
            Text(String),
        }
        let text = match Repr::deserialize(d)? {
            Repr::Int(i) => i.to_string(),
            Repr::Float(f) => f.to_string(),
            Repr::Text(t) => t,
        };
        Days::parse(&text).map_err(serde::de::Error::custom)
    }
}

/// A published range of a duration: shortest, usual and longest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DayRange {
    pub min: Days,
    pub typical: Days,
    pub max: Days,
}

impl DayRange {
    pub const ZERO: DayRange = DayRange { min: Days::ZERO, typical: Days::ZERO, max: Days::ZERO };

    pub fn new(min: Days, typical: Days, max: Days) -> DayRange {
        DayRange { min, typical, max }
    }

    /// The same figure for all three.
    pub fn exactly(days: Days) -> DayRange {
        DayRange { min: days, typical: days, max: days }
    }

    pub fn is_negative(&self) -> bool {
        self.min.is_negative() || self.typical.is_negative() || self.max.is_negative()
    }

    /// `min <= typical <= max`.
    pub fn is_ordered(&self) -> bool {
        self.min <= self.typical && self.typical <= self.max
    }

    pub fn saturating_add(self, other: DayRange) -> DayRange {
        DayRange {
            min: self.min.saturating_add(other.min),
            typical: self.typical.saturating_add(other.typical),
            max: self.max.saturating_add(other.max),
        }
    }
}

/// A temperature range in whole degrees Celsius that a reefer or a cold store can hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct TempRange {
    pub min_c: i16,
    pub max_c: i16,
}

impl TempRange {
    pub fn new(min_c: i16, max_c: i16) -> TempRange {
        TempRange { min_c, max_c }
    }
}

impl fmt::Display for TempRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}..{} °C", self.min_c, self.max_c)
    }
}

/// The calendar months a leg runs in, as a bit set (bit 0 = January). Written as a list of
/// month numbers, `[7, 8, 9, 10, 11]` for the Northern Sea Route.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Months(u16);

impl Months {
    pub const ALL: Months = Months(0x0fff);

    /// The months in `list` (1-12); `None` if any is outside 1-12.
    pub fn from_list(list: &[u8]) -> Option<Months> {
        list.iter().try_fold(0u16, |acc, m| (1..=12).contains(m).then(|| acc | 1 << (m - 1))).map(Months)
    }

    pub fn contains(self, month: u32) -> bool {
        (1..=12).contains(&month) && self.0 & (1 << (month - 1)) != 0
    }

    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    pub fn list(self) -> Vec<u8> {
        (1..=12u8).filter(|m| self.contains(u32::from(*m))).collect()
    }
}

impl Serialize for Months {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.list().serialize(s)
    }
}

impl<'de> Deserialize<'de> for Months {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Months, D::Error> {
        let list = Vec::<u8>::deserialize(d)?;
        Months::from_list(&list).ok_or_else(|| serde::de::Error::custom(format!("months must be 1-12: {list:?}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_are_exact_tenths() {
        assert_eq!(Days::parse("11.5"), Ok(Days::from_tenths(115)));
        assert_eq!(Days::parse("3"), Ok(Days::whole(3)));
        assert!(matches!(Days::parse("0.25"), Err(DaysError::TooPrecise(_))));
        assert!(Days::parse("abc").is_err());
        assert_eq!(Days::from_tenths(115).to_string(), "11.5");
        assert_eq!(Days::whole(7).to_string(), "7");
        assert_eq!(serde_json::to_string(&Days::from_tenths(115)).ok().as_deref(), Some("11.5"));
        assert_eq!(serde_json::to_string(&Days::whole(20)).ok().as_deref(), Some("20"));
        for text in ["11.5", "\"11.5\"", "-2", "0.1"] {
            let d: Days = serde_json::from_str(text).expect(text);
            assert_eq!(d, Days::parse(text.trim_matches('"')).expect(text));
        }
    }

    #[test]
    fn months_round_trip_and_refuse_13() {
        let m = Months::from_list(&[7, 8, 11]).expect("valid");
        assert!(m.contains(7) && m.contains(11) && !m.contains(12) && !m.contains(0));
        assert_eq!(m.list(), vec![7, 8, 11]);
        assert!(Months::from_list(&[13]).is_none());
        assert!(serde_json::from_str::<Months>("[0]").is_err());
        assert!(Months::ALL.contains(12));
    }

    #[test]
    fn day_ranges_check_order() {
        assert!(DayRange::new(Days::whole(11), Days::whole(14), Days::whole(20)).is_ordered());
        assert!(!DayRange::new(Days::whole(15), Days::whole(14), Days::whole(20)).is_ordered());
        assert!(DayRange::new(Days::whole(-1), Days::whole(1), Days::whole(2)).is_negative());
    }
}
