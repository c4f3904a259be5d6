//! Measure numbers the way government plans write them: "1.", "1.1.", "1.1.2.".

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// A dotted measure number. Never empty; every part is at least 1.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct MeasureNumber(Vec<u32>);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not a measure number: {0:?} (expected e.g. 1. or 2.1.3.)")]
pub struct NotANumber(pub String);

impl MeasureNumber {
    pub fn parts(&self) -> &[u32] {
        &self.0
    }
    pub fn depth(&self) -> usize {
        self.0.len()
    }
    /// The number of the measure this one belongs to ("2.1." for "2.1.3."), if nested.
    pub fn parent(&self) -> Option<MeasureNumber> {
        (self.0.len() > 1).then(|| MeasureNumber(self.0[..self.0.len() - 1].to_vec()))
    }
    pub fn is_ancestor_of(&self, other: &MeasureNumber) -> bool {
        other.0.len() > self.0.len() && other.0.starts_with(&self.0)
    }
    /// The next sibling number ("2.2." after "2.1.").
    pub fn next_sibling(&self) -> MeasureNumber {
        let mut parts = self.0.clone();
        if let Some(last) = parts.last_mut() {
            *last += 1;
        }
        MeasureNumber(parts)
    }
    pub fn child(&self, n: u32) -> MeasureNumber {
        let mut parts = self.0.clone();
        parts.push(n.max(1));
        MeasureNumber(parts)
    }
    /// A key that sorts as the numbers do, for storage: "0001.0002.0003".
    pub fn sort_key(&self) -> String {
        self.0.iter().map(|p| format!("{p:04}")).collect::<Vec<_>>().join(".")
    }
}

impl fmt::Display for MeasureNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for part in &self.0 {
            write!(f, "{part}.")?;
        }
        Ok(())
    }
}

impl FromStr for MeasureNumber {
    type Err = NotANumber;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let err = || NotANumber(s.to_string());
        let trimmed = s.trim().trim_end_matches('.');
        if trimmed.is_empty() {
            return Err(err());
        }
        let parts = trimmed
            .split('.')
            .map(|p| p.trim().parse::<u32>().ok().filter(|n| *n >= 1 && *n < 10_000))
            .collect::<Option<Vec<u32>>>()
            .ok_or_else(err)?;
        Ok(MeasureNumber(parts))
    }
}

impl From<MeasureNumber> for String {
    fn from(n: MeasureNumber) -> String {
        n.to_string()
    }
}

impl TryFrom<String> for MeasureNumber {
    type Error = NotANumber;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        s.parse()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn n(s: &str) -> MeasureNumber {
        s.parse().expect("valid number")
    }

    #[test]
    fn parses_and_prints_official_numbering() {
        assert_eq!(n("1.").to_string(), "1.");
        assert_eq!(n("2.1").to_string(), "2.1.");
        assert_eq!(n(" 2.1.3. ").parts(), &[2, 1, 3]);
        for bad in ["", ".", "a.", "1..2", "0.", "1.-2", "1,2"] {
            assert!(bad.parse::<MeasureNumber>().is_err(), "{bad:?}");
        }
    }

    #[test]
    fn orders_numerically_not_as_text() {
        let mut numbers = [n("10."), n("2.10."), n("2.9."), n("2."), n("1.1.")];
        numbers.sort();
        let printed: Vec<String> = numbers.iter().map(ToString::to_string).collect();
        assert_eq!(printed, ["1.1.", "2.", "2.9.", "2.10.", "10."]);
        assert!(n("2.9.").sort_key() < n("2.10.").sort_key());
    }

    #[test]
    fn family() {
        assert_eq!(n("2.1.3.").parent(), Some(n("2.1.")));
        assert_eq!(n("2.").parent(), None);
        assert!(n("2.").is_ancestor_of(&n("2.1.3.")));
        assert!(!n("2.1.").is_ancestor_of(&n("2.10.")));
        assert_eq!(n("2.1.").next_sibling(), n("2.2."));
        assert_eq!(n("2.").child(4), n("2.4."));
    }
}
