//! Exact fixed-point numbers from file bytes: "1234.56", "1 234,56", "-0,5".
//!
//! Amounts must never pass through binary floating point, and the template reader parses
//! several numbers on each of millions of rows, so this is a hand-written loop over bytes into
//! an integer of minor units: no allocation, no `Decimal`, one pass.

use crate::Reason;

/// Why a text is not a number of the wanted precision.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum NumberError {
    Empty,
    NotANumber,
    TwoSeparators,
    Exponent,
    TooPrecise(u32),
    Negative,
    TooLarge,
}

impl NumberError {
    /// Why `text` was refused, as a problem reason naming the text.
    pub(crate) fn reason(self, text: &[u8]) -> Reason {
        let text = String::from_utf8_lossy(text);
        let text = text.trim();
        let with = |key: &str| Reason::new(key).arg("value", text);
        match self {
            NumberError::Empty => Reason::new("problem-value-empty"),
            NumberError::NotANumber => with("problem-number-invalid"),
            NumberError::TwoSeparators => with("problem-number-two-separators"),
            NumberError::Exponent => with("problem-number-exponent"),
            NumberError::TooPrecise(0) => with("problem-number-not-whole"),
            NumberError::TooPrecise(d) => with("problem-number-too-precise").arg("places", d),
            NumberError::Negative => with("problem-number-negative"),
            NumberError::TooLarge => with("problem-number-too-large"),
        }
    }
}

const POW10: [i64; 10] = [1, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000, 1_000_000_000];

/// Parses a decimal number into an integer of `1/10^decimals` units, exactly.
///
/// Accepted: an optional '-', digits with spaces (also no-break and narrow no-break spaces)
/// between digit groups, and one decimal separator, '.' or ','. Extra fraction digits are
/// accepted only when they are zeros ("12.500" as money is 1250 cents). Refused: both '.' and
/// ',' (ambiguous between locales), exponents, anything else.
pub(crate) fn parse_fixed(input: &[u8], decimals: u32) -> Result<i64, NumberError> {
    let s = input.trim_ascii();
    if s.is_empty() {
        return Err(NumberError::Empty);
    }
    let (negative, body) = match s {
        [b'-', rest @ ..] => (true, rest),
        [b'+', rest @ ..] => (false, rest),
        _ => (false, s),
    };
    let mut int: i64 = 0;
    let mut frac: i64 = 0;
    let mut frac_digits: u32 = 0;
    let mut digits = 0usize;
    let mut separator: Option<u8> = None;
    let mut prev_digit = false;
    // A group space must be followed by a digit.
    let mut after_space = false;
    // Reported after the loop, so that "1,234.5" is called ambiguous rather than too precise.
    let mut too_precise = false;
    let mut i = 0;
    while i < body.len() {
        let b = body[i];
        match b {
            b'0'..=b'9' => {
                let d = i64::from(b - b'0');
                if separator.is_none() {
                    int = int.checked_mul(10).and_then(|v| v.checked_add(d)).ok_or(NumberError::TooLarge)?;
                } else if frac_digits < decimals {
                    frac = frac * 10 + d;
                    frac_digits += 1;
                } else if d != 0 {
                    too_precise = true;
                }
                digits += 1;
                prev_digit = true;
                after_space = false;
            }
            b'.' | b',' if after_space => return Err(NumberError::NotANumber),
            b'.' | b',' => {
                match separator {
                    Some(seen) if seen != b => return Err(NumberError::TwoSeparators),
                    Some(_) => return Err(NumberError::NotANumber),
                    None => separator = Some(b),
                }
                prev_digit = false;
            }
            // Digit-group spaces: ' ', U+00A0 (C2 A0) and U+202F (E2 80 AF), only between digits.
            b' ' if prev_digit && separator.is_none() => (prev_digit, after_space) = (false, true),
            0xC2 if prev_digit && separator.is_none() && body.get(i + 1) == Some(&0xA0) => {
                (prev_digit, after_space) = (false, true);
                i += 1;
            }
            0xE2 if prev_digit && separator.is_none() && body.get(i + 1..i + 3) == Some(&[0x80, 0xAF]) => {
                (prev_digit, after_space) = (false, true);
                i += 2;
            }
            b'e' | b'E' if digits > 0 => return Err(NumberError::Exponent),
            _ => return Err(NumberError::NotANumber),
        }
        i += 1;
    }
    if digits == 0 || after_space {
        return Err(NumberError::NotANumber);
    }
    if too_precise {
        return Err(NumberError::TooPrecise(decimals));
    }
    let scale = *POW10.get(decimals as usize).ok_or(NumberError::TooLarge)?;
    let frac = frac * POW10[(decimals - frac_digits) as usize];
    let value = int.checked_mul(scale).and_then(|v| v.checked_add(frac)).ok_or(NumberError::TooLarge)?;
    Ok(if negative { -value } else { value })
}

/// [`parse_fixed`] refusing negative values.
pub(crate) fn parse_non_negative(input: &[u8], decimals: u32) -> Result<i64, NumberError> {
    let v = parse_fixed(input, decimals)?;
    if v < 0 { Err(NumberError::Negative) } else { Ok(v) }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str, d: u32) -> Result<i64, NumberError> {
        parse_fixed(s.as_bytes(), d)
    }

    #[test]
    fn plain_and_localised_numbers() {
        assert_eq!(p("1234.56", 2), Ok(123456));
        assert_eq!(p("1234,56", 2), Ok(123456));
        assert_eq!(p("1234", 2), Ok(123400));
        assert_eq!(p("1234.5", 2), Ok(123450));
        assert_eq!(p(" 1 234 567,8 ", 2), Ok(123456780));
        assert_eq!(p("1\u{a0}234,5", 2), Ok(123450));
        assert_eq!(p("1\u{202f}234.5", 2), Ok(123450));
        assert_eq!(p(".5", 2), Ok(50));
        assert_eq!(p("5.", 2), Ok(500));
        assert_eq!(p("-0,05", 2), Ok(-5));
        assert_eq!(p("+7", 0), Ok(7));
        assert_eq!(p("12.500", 2), Ok(1250), "trailing zeros beyond the precision are harmless");
        assert_eq!(p("0.001", 3), Ok(1));
        assert_eq!(p("92233720368547758.07", 2), Ok(i64::MAX));
    }

    #[test]
    fn garbage_is_refused_with_a_reason() {
        assert_eq!(p("", 2), Err(NumberError::Empty));
        assert_eq!(p("   ", 2), Err(NumberError::Empty));
        assert_eq!(p("12.345", 2), Err(NumberError::TooPrecise(2)));
        assert_eq!(p("1,234.56", 2), Err(NumberError::TwoSeparators));
        assert_eq!(p("1.234.567", 2), Err(NumberError::NotANumber));
        assert_eq!(p("1.2E+5", 2), Err(NumberError::Exponent));
        assert_eq!(p("12a", 2), Err(NumberError::NotANumber));
        assert_eq!(p("-", 2), Err(NumberError::NotANumber));
        assert_eq!(p(".", 2), Err(NumberError::NotANumber));
        assert_eq!(p("1 000 .5", 2), Err(NumberError::NotANumber));
        assert_eq!(p(" 1", 2), Ok(100));
        assert_eq!(p("1\u{a0}", 2), Err(NumberError::NotANumber));
        assert_eq!(p("1  000", 2), Err(NumberError::NotANumber));
        assert_eq!(p("1.5 0", 2), Err(NumberError::NotANumber), "no spaces in the fraction");
        assert_eq!(p("сто", 2), Err(NumberError::NotANumber));
        assert_eq!(p("92233720368547758.08", 2), Err(NumberError::TooLarge));
        assert_eq!(p("99999999999999999999", 0), Err(NumberError::TooLarge));
        assert_eq!(parse_non_negative(b"-1", 2), Err(NumberError::Negative));
        let two = NumberError::TwoSeparators.reason(b" 1,2.3 ");
        assert_eq!((two.key.as_str(), two.get("value")), ("problem-number-two-separators", Some("1,2.3")));
        let precise = NumberError::TooPrecise(2).reason(b"1.234");
        assert_eq!((precise.key.as_str(), precise.get("places")), ("problem-number-too-precise", Some("2")));
        assert_eq!(NumberError::TooPrecise(0).reason(b"1.5").key, "problem-number-not-whole");
        assert_eq!(NumberError::Empty.reason(b"").args, Vec::new(), "the column names what is empty");
    }
}
