//! Commodity codes of the EAEU foreign-trade nomenclature (TN VED EAEU).
//!
//! A code has 2, 4, 6, 8 or 10 digits: chapter, heading, HS subheading, then two EAEU-national
//! levels. The first six digits are the Harmonized System, so HS data (UN Comtrade) and EAEU
//! customs data meet at the subheading. People write codes with spaces ("8701 20 101 3") or
//! dots ("8701.20"); both parse to the same value.
//!
//! An import touches millions of codes, so a code is one `u64`, `Copy`, with no heap: the digits
//! left-aligned to ten places (so numeric order is lexicographic order) and the length in the
//! low four bits (so a shorter code sorts before the longer codes it prefixes).

use serde::{Deserialize, Serialize};
use std::fmt;
use std::num::NonZeroU64;
use std::str::FromStr;

/// The number of digits in the longest (national, 10-digit) code.
pub const MAX_DIGITS: u8 = 10;

const POW10: [u64; 11] =
    [1, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000, 1_000_000_000, 10_000_000_000];

/// A TN VED EAEU / HS commodity code of 2, 4, 6, 8 or 10 digits.
///
/// `NonZeroU64` because the length bits are never zero: `Option<CommodityCode>` stays 8 bytes.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct CommodityCode(NonZeroU64);

/// The depth of a code in the nomenclature.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum CodeLevel {
    /// 2 digits ("группа" in TN VED).
    Chapter,
    /// 4 digits ("товарная позиция").
    Heading,
    /// 6 digits ("субпозиция"), the last HS level.
    Subheading,
    /// 8 digits (EAEU-national).
    National8,
    /// 10 digits (EAEU-national), the level of customs declarations.
    National10,
}

impl CodeLevel {
    pub const ALL: [CodeLevel; 5] =
        [CodeLevel::Chapter, CodeLevel::Heading, CodeLevel::Subheading, CodeLevel::National8, CodeLevel::National10];

    pub fn digits(self) -> u8 {
        match self {
            CodeLevel::Chapter => 2,
            CodeLevel::Heading => 4,
            CodeLevel::Subheading => 6,
            CodeLevel::National8 => 8,
            CodeLevel::National10 => 10,
        }
    }

    pub fn from_digits(len: u8) -> Option<CodeLevel> {
        CodeLevel::ALL.into_iter().find(|l| l.digits() == len)
    }
}

/// Why a text is not a commodity code.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CodeError {
    #[error("empty commodity code")]
    Empty,
    #[error("commodity code {input:?} contains {found:?}: only digits, spaces and dots are allowed")]
    NotDigit { input: String, found: char },
    #[error(
        "commodity code {input:?} has {digits} digits: expected 2, 4, 6, 8 or 10{}",
        if *digits % 2 == 1 { " (a leading zero lost by a spreadsheet?)" } else { "" }
    )]
    Length { input: String, digits: usize },
}

impl CommodityCode {
    /// Parses digits with or without separating spaces or dots ("8701 20 101 3", "8701.20",
    /// "870120"). Non-breaking spaces count as spaces: spreadsheets insert them.
    pub fn parse(input: &str) -> Result<CommodityCode, CodeError> {
        Self::parse_bytes(input.as_bytes()).map_err(|e| e.with_input(input))
    }

    /// The same as [`CommodityCode::parse`] on raw bytes, without allocating unless it fails:
    /// the fast file readers call this once per row.
    pub fn parse_bytes(input: &[u8]) -> Result<CommodityCode, CodeError> {
        let mut digits: u64 = 0;
        let mut len: usize = 0;
        let mut i = 0;
        while i < input.len() {
            let b = input[i];
            match b {
                b'0'..=b'9' => {
                    if len < usize::from(MAX_DIGITS) {
                        digits = digits * 10 + u64::from(b - b'0');
                    }
                    len += 1;
                }
                b' ' | b'.' | b'\t' => {}
                // U+00A0 NO-BREAK SPACE in UTF-8.
                0xC2 if input.get(i + 1) == Some(&0xA0) => i += 1,
                _ => {
                    let text = String::from_utf8_lossy(input);
                    let found = text.chars().find(|c| !c.is_ascii_digit() && !matches!(c, ' ' | '.' | '\t' | '\u{a0}'));
                    return Err(CodeError::NotDigit { input: text.into_owned(), found: found.unwrap_or('\u{FFFD}') });
                }
            }
            i += 1;
        }
        if len == 0 {
            return Err(CodeError::Empty);
        }
        let Some(level) = u8::try_from(len).ok().and_then(CodeLevel::from_digits) else {
            return Err(CodeError::Length { input: String::from_utf8_lossy(input).into_owned(), digits: len });
        };
        Ok(Self::from_parts(digits, level.digits()))
    }

    /// A code from its digits as a number and their count, e.g. `(870120, 6)`; `None` unless
    /// the count is a valid length and the number fits in it.
    pub fn from_digits(digits: u64, len: u8) -> Option<CommodityCode> {
        CodeLevel::from_digits(len)?;
        (digits < POW10[usize::from(len)]).then(|| Self::from_parts(digits, len))
    }

    fn from_parts(digits: u64, len: u8) -> CommodityCode {
        let padded = digits * POW10[usize::from(MAX_DIGITS - len)];
        // len >= 2, so the value is never zero.
        CommodityCode(NonZeroU64::new((padded << 4) | u64::from(len)).unwrap_or(NonZeroU64::MIN))
    }

    /// The packed form: digits left-aligned to ten places, shifted left by four, plus the length.
    /// Ordering the numbers orders the codes, so it suits compact keys and integer columns.
    pub fn to_bits(self) -> u64 {
        self.0.get()
    }

    /// The inverse of [`CommodityCode::to_bits`]; `None` for anything it never produces.
    pub fn from_bits(bits: u64) -> Option<CommodityCode> {
        let len = (bits & 0xF) as u8;
        CodeLevel::from_digits(len)?;
        let padded = bits >> 4;
        let unit = POW10[usize::from(MAX_DIGITS - len)];
        (padded.is_multiple_of(unit) && padded < POW10[usize::from(MAX_DIGITS)])
            .then(|| Self::from_parts(padded / unit, len))
    }

    /// The number of digits: 2, 4, 6, 8 or 10.
    pub fn len(self) -> u8 {
        (self.0.get() & 0xF) as u8
    }

    /// Never true: a code has at least two digits. Present because `len` is.
    pub fn is_empty(self) -> bool {
        false
    }

    /// The digits as a number ("0401" is 401).
    pub fn digits(self) -> u64 {
        self.padded() / POW10[usize::from(MAX_DIGITS - self.len())]
    }

    fn padded(self) -> u64 {
        self.0.get() >> 4
    }

    pub fn level(self) -> CodeLevel {
        // Every constructor checks the length.
        CodeLevel::from_digits(self.len()).unwrap_or(CodeLevel::National10)
    }

    /// The first `len` digits, or `None` when `len` is not a valid length or longer than the code.
    pub fn prefix(self, len: u8) -> Option<CommodityCode> {
        if len > self.len() {
            return None;
        }
        CodeLevel::from_digits(len)?;
        let unit = POW10[usize::from(MAX_DIGITS - len)];
        Some(Self::from_parts(self.padded() / unit, len))
    }

    /// The code cut to `level`, or the code itself when it is shorter.
    pub fn at_most(self, level: CodeLevel) -> CommodityCode {
        self.prefix(level.digits()).unwrap_or(self)
    }

    /// Whether `prefix` is this code or one of its ancestors ("8701" for "8701201013").
    pub fn starts_with(self, prefix: CommodityCode) -> bool {
        self.prefix(prefix.len()) == Some(prefix)
    }

    pub fn chapter(self) -> CommodityCode {
        self.at_most(CodeLevel::Chapter)
    }

    /// The 4-digit heading, `None` for a chapter code.
    pub fn heading(self) -> Option<CommodityCode> {
        self.prefix(4)
    }

    /// The 6-digit HS subheading, `None` for shorter codes.
    pub fn subheading(self) -> Option<CommodityCode> {
        self.prefix(6)
    }

    /// The code one level up ("870120" for "87012010"), `None` for a chapter.
    pub fn parent(self) -> Option<CommodityCode> {
        self.len().checked_sub(2).and_then(|len| self.prefix(len))
    }

    /// Written as the TN VED prints it: "8701 20 101 3", "8701 20", "0401".
    pub fn spaced(self) -> Spaced {
        Spaced(self)
    }
}

/// Display adapter for [`CommodityCode::spaced`].
pub struct Spaced(CommodityCode);

impl fmt::Display for Spaced {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let plain = self.0.to_string();
        // Groups of 4, 2, 3 and 1 digits, as in the printed nomenclature.
        let mut start = 0;
        for (i, width) in [4usize, 2, 3, 1].into_iter().enumerate() {
            let end = (start + width).min(plain.len());
            if start >= end {
                break;
            }
            if i > 0 {
                f.write_str(" ")?;
            }
            f.write_str(&plain[start..end])?;
            start = end;
        }
        Ok(())
    }
}

impl fmt::Display for CommodityCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:0width$}", self.digits(), width = usize::from(self.len()))
    }
}

impl fmt::Debug for CommodityCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "CommodityCode({self})")
    }
}

impl FromStr for CommodityCode {
    type Err = CodeError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        CommodityCode::parse(s)
    }
}

impl TryFrom<String> for CommodityCode {
    type Error = CodeError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        CommodityCode::parse(&s)
    }
}

impl From<CommodityCode> for String {
    fn from(code: CommodityCode) -> String {
        code.to_string()
    }
}

impl CodeError {
    fn with_input(self, input: &str) -> CodeError {
        match self {
            CodeError::NotDigit { found, .. } => CodeError::NotDigit { input: input.to_string(), found },
            CodeError::Length { digits, .. } => CodeError::Length { input: input.to_string(), digits },
            CodeError::Empty => CodeError::Empty,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(s: &str) -> CommodityCode {
        CommodityCode::parse(s).expect(s)
    }

    #[test]
    fn parses_with_and_without_separators() {
        let c = code("8701 20 101 3");
        assert_eq!(c.to_string(), "8701201013");
        assert_eq!(c.len(), 10);
        assert_eq!(c.level(), CodeLevel::National10);
        assert_eq!(code("8701.20"), code("870120"));
        assert_eq!(code(" 8701\u{a0}20 "), code("870120"));
        assert_eq!(code("0401").to_string(), "0401");
        assert_eq!(code("0401").digits(), 401);
        assert_eq!(code("04").level(), CodeLevel::Chapter);
        assert_eq!(code("04011010").level(), CodeLevel::National8);
    }

    #[test]
    fn rejects_bad_lengths_and_characters() {
        assert_eq!(CommodityCode::parse(""), Err(CodeError::Empty));
        assert_eq!(CommodityCode::parse(" . "), Err(CodeError::Empty));
        assert_eq!(CommodityCode::parse("401"), Err(CodeError::Length { input: "401".into(), digits: 3 }));
        assert!(CommodityCode::parse("401").unwrap_err().to_string().contains("leading zero"));
        assert_eq!(
            CommodityCode::parse("0401 10 100"),
            Err(CodeError::Length { input: "0401 10 100".into(), digits: 9 })
        );
        assert!(matches!(CommodityCode::parse("87012010130"), Err(CodeError::Length { digits: 11, .. })));
        assert_eq!(CommodityCode::parse("87O1"), Err(CodeError::NotDigit { input: "87O1".into(), found: 'O' }));
        assert_eq!(CommodityCode::parse("TOTAL"), Err(CodeError::NotDigit { input: "TOTAL".into(), found: 'T' }));
        assert!(matches!(CommodityCode::parse("87-01"), Err(CodeError::NotDigit { found: '-', .. })));
        // Cyrillic text must not be mistaken for a non-breaking space.
        assert!(matches!(CommodityCode::parse("87б1"), Err(CodeError::NotDigit { found: 'б', .. })));
    }

    #[test]
    fn prefixes_and_levels() {
        let c = code("8701201013");
        assert_eq!(c.chapter(), code("87"));
        assert_eq!(c.heading(), Some(code("8701")));
        assert_eq!(c.subheading(), Some(code("870120")));
        assert_eq!(c.prefix(8), Some(code("87012010")));
        assert_eq!(c.prefix(10), Some(c));
        assert_eq!(c.prefix(3), None);
        assert_eq!(code("8701").prefix(6), None);
        assert_eq!(code("87").heading(), None);
        assert_eq!(c.parent(), Some(code("87012010")));
        assert_eq!(code("87").parent(), None);
        assert!(c.starts_with(code("87")));
        assert!(c.starts_with(code("870120")));
        assert!(c.starts_with(c));
        assert!(!c.starts_with(code("8702")));
        assert!(!code("8701").starts_with(c));
        assert_eq!(code("0401").at_most(CodeLevel::Subheading), code("0401"));
    }

    #[test]
    fn leading_zeros_survive_prefixes() {
        let c = code("0401 10 100 0");
        assert_eq!(c.chapter().to_string(), "04");
        assert_eq!(c.heading().map(|h| h.to_string()).as_deref(), Some("0401"));
        assert_eq!(c.spaced().to_string(), "0401 10 100 0");
        assert_ne!(code("04"), code("0400"), "length is part of the identity");
    }

    #[test]
    fn spaced_display_follows_the_printed_nomenclature() {
        assert_eq!(code("8701201013").spaced().to_string(), "8701 20 101 3");
        assert_eq!(code("87012010").spaced().to_string(), "8701 20 10");
        assert_eq!(code("870120").spaced().to_string(), "8701 20");
        assert_eq!(code("8701").spaced().to_string(), "8701");
        assert_eq!(code("87").spaced().to_string(), "87");
    }

    #[test]
    fn order_is_lexicographic_with_parents_first() {
        let mut codes: Vec<CommodityCode> =
            ["02", "0101", "01", "0100", "8701201013", "870120", "87", "010121"].into_iter().map(code).collect();
        codes.sort();
        let sorted: Vec<String> = codes.iter().map(ToString::to_string).collect();
        assert_eq!(sorted, ["01", "0100", "0101", "010121", "02", "87", "870120", "8701201013"]);
    }

    #[test]
    fn compact_and_serialised_as_text() {
        assert_eq!(std::mem::size_of::<CommodityCode>(), 8);
        assert_eq!(std::mem::size_of::<Option<CommodityCode>>(), 8);
        let c = code("0401 10 100 0");
        assert_eq!(serde_json::to_string(&c).expect("serialise"), "\"0401101000\"");
        assert_eq!(serde_json::from_str::<CommodityCode>("\"0401 10\"").expect("parse"), code("040110"));
        assert!(serde_json::from_str::<CommodityCode>("\"041\"").is_err());
    }

    #[test]
    fn from_digits_checks_range() {
        assert_eq!(CommodityCode::from_digits(401, 4), Some(code("0401")));
        assert_eq!(CommodityCode::from_digits(10000, 4), None);
        assert_eq!(CommodityCode::from_digits(1, 3), None);
        assert_eq!(CommodityCode::from_digits(9_999_999_999, 10).map(|c| c.to_string()).as_deref(), Some("9999999999"));
    }

    #[test]
    fn every_valid_code_round_trips_through_text() {
        // A small deterministic sweep over lengths and digit patterns.
        let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
        for _ in 0..2000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let len = [2u8, 4, 6, 8, 10][(x % 5) as usize];
            let digits = (x >> 8) % POW10[usize::from(len)];
            let c = CommodityCode::from_digits(digits, len).expect("in range");
            assert_eq!(code(&c.to_string()), c);
            assert_eq!(code(&c.spaced().to_string()), c);
            assert_eq!(c.digits(), digits);
            assert_eq!(c.len(), len);
            assert_eq!(CommodityCode::from_bits(c.to_bits()), Some(c));
        }
        assert_eq!(CommodityCode::from_bits(0), None);
        assert_eq!(CommodityCode::from_bits((1 << 4) | 2), None, "digits beyond the length");
    }
}
