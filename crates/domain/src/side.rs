//! The two parties to the agreement.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// A side of the agreement. Every record knows the side it originated on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Side {
    /// Mogilev Oblast, Republic of Belarus.
    #[serde(rename = "BY")]
    By,
    /// Khabarovsk Territory, Russian Federation.
    #[serde(rename = "KHV")]
    Khv,
}

impl Side {
    pub const ALL: [Side; 2] = [Side::By, Side::Khv];

    pub fn code(self) -> &'static str {
        match self {
            Side::By => "BY",
            Side::Khv => "KHV",
        }
    }

    /// IANA time zone in which this side's people read times.
    pub fn time_zone(self) -> &'static str {
        match self {
            Side::By => "Europe/Minsk",
            Side::Khv => "Asia/Vladivostok",
        }
    }

    pub fn other(self) -> Side {
        match self {
            Side::By => Side::Khv,
            Side::Khv => Side::By,
        }
    }
}

impl fmt::Display for Side {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown side {0:?}: expected BY or KHV")]
pub struct UnknownSide(pub String);

impl FromStr for Side {
    type Err = UnknownSide;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_uppercase().as_str() {
            "BY" => Ok(Side::By),
            "KHV" => Ok(Side::Khv),
            _ => Err(UnknownSide(s.to_string())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_codes_case_insensitively() {
        assert_eq!("by".parse::<Side>(), Ok(Side::By));
        assert_eq!(" KHV ".parse::<Side>(), Ok(Side::Khv));
        assert!("RU".parse::<Side>().is_err());
        assert_eq!(Side::By.other(), Side::Khv);
        assert_eq!(Side::Khv.time_zone(), "Asia/Vladivostok");
    }
}
