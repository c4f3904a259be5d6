//! Calendar quarters: the rhythm of the agreement's reviews and of plan terms.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// A calendar quarter, e.g. 2025 Q3. `q` is always 1..=4 (checked by every constructor).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Quarter {
    year: i32,
    q: u8,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not a quarter: {0:?} (expected e.g. 2025Q3 or \"III квартал 2025\")")]
pub struct NotAQuarter(pub String);

impl Quarter {
    pub fn new(year: i32, q: u8) -> Option<Self> {
        ((1..=4).contains(&q) && (1900..=2200).contains(&year)).then_some(Quarter { year, q })
    }
    pub fn year(self) -> i32 {
        self.year
    }
    pub fn number(self) -> u8 {
        self.q
    }
    /// The quarter containing a month (1..=12).
    pub fn of_month(year: i32, month: u32) -> Option<Self> {
        let q = u8::try_from((month.checked_sub(1)?) / 3 + 1).ok()?;
        Self::new(year, q)
    }
    pub fn next(self) -> Self {
        if self.q == 4 { Quarter { year: self.year + 1, q: 1 } } else { Quarter { year: self.year, q: self.q + 1 } }
    }
    pub fn prev(self) -> Self {
        if self.q == 1 { Quarter { year: self.year - 1, q: 4 } } else { Quarter { year: self.year, q: self.q - 1 } }
    }
    /// The first calendar day of the quarter.
    pub fn first_day(self) -> chrono::NaiveDate {
        // Every constructor keeps q in 1..=4 and the year in range, so the date exists.
        chrono::NaiveDate::from_ymd_opt(self.year, u32::from(self.q - 1) * 3 + 1, 1).unwrap_or_default()
    }

    /// The last calendar day of the quarter.
    pub fn last_day(self) -> chrono::NaiveDate {
        self.next().first_day().pred_opt().unwrap_or_default()
    }

    pub fn roman(self) -> &'static str {
        ["I", "II", "III", "IV"][usize::from(self.q - 1)]
    }
}

impl fmt::Display for Quarter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}Q{}", self.year, self.q)
    }
}

impl From<Quarter> for String {
    fn from(q: Quarter) -> String {
        q.to_string()
    }
}

impl TryFrom<String> for Quarter {
    type Error = NotAQuarter;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        s.parse()
    }
}

fn roman_to_q(s: &str) -> Option<u8> {
    match s {
        "I" | "1" => Some(1),
        "II" | "2" => Some(2),
        "III" | "3" => Some(3),
        "IV" | "4" => Some(4),
        _ => None,
    }
}

impl FromStr for Quarter {
    type Err = NotAQuarter;

    /// Accepts "2025Q3", "2025-Q3", "Q3 2025", "III квартал 2025", "III квартал 2025 г.",
    /// "3 кв. 2025".
    fn from_str(input: &str) -> Result<Self, Self::Err> {
        let err = || NotAQuarter(input.to_string());
        let upper = input.trim().to_uppercase().replace(['-', '.'], " ");
        let compact = upper.replace(' ', "");
        if let Some((y, q)) = compact.split_once('Q') {
            let (year, q) = if y.is_empty() {
                // "Q3 2025"
                let (q, y) = q.split_at(1);
                (y, q)
            } else {
                (y, q)
            };
            let year: i32 = year.parse().map_err(|_| err())?;
            let q: u8 = q.parse().map_err(|_| err())?;
            return Quarter::new(year, q).ok_or_else(err);
        }
        let words: Vec<&str> = upper.split_whitespace().filter(|w| !matches!(*w, "Г" | "ГОДА" | "ГОД")).collect();
        match words.as_slice() {
            [q, kw, year] if kw.starts_with("КВ") || *kw == "QUARTER" => {
                let q = roman_to_q(q).ok_or_else(err)?;
                let year: i32 = year.parse().map_err(|_| err())?;
                Quarter::new(year, q).ok_or_else(err)
            }
            _ => Err(err()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prev_undoes_next() {
        let q = Quarter::new(2025, 1).expect("quarter");
        assert_eq!(q.prev().to_string(), "2024Q4");
        assert_eq!(q.prev().next(), q);
        assert_eq!(q.next().prev(), q);
    }

    #[test]
    fn parses_every_written_form() {
        let q3 = Quarter::new(2025, 3).expect("valid");
        for s in [
            "2025Q3",
            "2025-Q3",
            "2025 q3",
            "Q3 2025",
            "III квартал 2025",
            "III квартал 2025 г.",
            "3 кв. 2025",
            "iii квартал 2025 года",
        ] {
            assert_eq!(s.parse::<Quarter>(), Ok(q3), "{s}");
        }
        assert_eq!("IV квартал 2025 г.".parse::<Quarter>().map(|q| q.number()), Ok(4));
    }

    #[test]
    fn rejects_nonsense() {
        for s in ["2025Q5", "2025Q0", "V квартал 2025", "", "квартал", "2025"] {
            assert!(s.parse::<Quarter>().is_err(), "{s}");
        }
    }

    #[test]
    fn next_and_of_month() {
        let q4 = Quarter::new(2025, 4).expect("valid");
        assert_eq!(q4.next(), Quarter::new(2026, 1).expect("valid"));
        assert_eq!(Quarter::of_month(2025, 11), Some(q4));
        assert_eq!(Quarter::of_month(2025, 0), None);
        assert_eq!(q4.roman(), "IV");
        assert_eq!(q4.first_day().to_string(), "2025-10-01");
        assert_eq!(q4.last_day().to_string(), "2025-12-31");
        assert_eq!(Quarter::new(2028, 1).expect("valid").last_day().to_string(), "2028-03-31");
        assert_eq!(q4.to_string(), "2025Q4");
    }
}
