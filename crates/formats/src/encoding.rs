//! Which text encoding a CSV file is in, and refusing the files that are in none we read.
//!
//! The rule, for a whole file ([`decode`]) and for a file read record by record
//! ([`RecordText`]):
//!
//! 1. A byte-order mark says it: UTF-8 (`EF BB BF`) or UTF-16 (`FF FE`, `FE FF`, Excel's
//!    "Unicode text"); the text must then be valid in that encoding.
//! 2. Text that is valid UTF-8 is UTF-8 (plain ASCII included).
//! 3. Text that is mostly UTF-8 (at least as many valid multi-byte sequences as invalid bytes)
//!    is a damaged UTF-8 file: refused, naming the row of the first invalid byte. (Before, it
//!    was read with U+FFFD in place of the bad bytes and stored so.)
//! 4. Otherwise it may be Windows-1251, Russian Excel's "CSV": every byte must be one a Russian
//!    or Belarusian text holds in 1251 (no control characters but tab, CR and LF; no byte that
//!    1251 leaves undefined or gives to Serbian and Macedonian letters), and at least half the
//!    bytes above 0x7F must be Cyrillic letters. Windows-1251 decodes any byte, so this is what
//!    tells a 1251 file from a binary file or another code page; a file that fails it is
//!    refused naming the row of the first byte that does not fit.
//!
//! Streaming readers decide at the first record that is not ASCII and hold every later record
//! to the same encoding.

use std::borrow::Cow;

use crate::{Problem, Reason};

/// The encodings a CSV file is read in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextEncoding {
    Utf8,
    Windows1251,
}

/// Cyrillic letters in Windows-1251: А..я, Ё ё, Ў ў (Belarusian), І і, Ґ ґ, Є є, Ї ї.
fn is_1251_letter(b: u8) -> bool {
    matches!(b, 0xC0..=0xFF | 0xA8 | 0xB8 | 0xA1 | 0xA2 | 0xB2 | 0xB3 | 0xA5 | 0xB4 | 0xAA | 0xBA | 0xAF | 0xBF)
}

/// Punctuation and signs a Russian text holds in Windows-1251 (quotes, dashes, №, «», …, €).
fn is_1251_sign(b: u8) -> bool {
    matches!(
        b,
        0x82 | 0x84..=0x89 | 0x8B | 0x91..=0x97 | 0x99 | 0x9B | 0xA0 | 0xA4 | 0xA6 | 0xA7 | 0xA9 | 0xAB..=0xAE
            | 0xB0 | 0xB1 | 0xB5..=0xB7 | 0xB9 | 0xBB
    )
}

/// The first byte that a Windows-1251 text would not hold, if any, and whether the file as a
/// whole reads as 1251 (at least half its high bytes letters).
fn first_non_1251(bytes: &[u8]) -> Option<usize> {
    let (mut letters, mut high, mut first_high) = (0usize, 0usize, None);
    for (i, &b) in bytes.iter().enumerate() {
        match b {
            b'\t' | b'\n' | b'\r' | 0x20..=0x7E => {}
            _ if is_1251_letter(b) => {
                letters += 1;
                high += 1;
                first_high.get_or_insert(i);
            }
            _ if is_1251_sign(b) => {
                high += 1;
                first_high.get_or_insert(i);
            }
            _ => return Some(i),
        }
    }
    if letters * 2 < high { first_high } else { None }
}

/// Whether bytes that are not valid UTF-8 are mostly UTF-8 all the same, and where the first
/// invalid byte is.
fn damaged_utf8(bytes: &[u8]) -> (bool, usize) {
    let (mut valid_multi, mut invalid, mut first) = (0usize, 0usize, None);
    let mut rest = bytes;
    let mut offset = 0;
    loop {
        match std::str::from_utf8(rest) {
            Ok(text) => {
                valid_multi += text.chars().filter(|c| !c.is_ascii()).count();
                break;
            }
            Err(e) => {
                let good = e.valid_up_to();
                // The valid prefix is UTF-8 by construction.
                valid_multi += String::from_utf8_lossy(&rest[..good]).chars().filter(|c| !c.is_ascii()).count();
                first.get_or_insert(offset + good);
                invalid += 1;
                let skip = good + e.error_len().unwrap_or(rest.len() - good);
                offset += skip;
                rest = &rest[skip..];
            }
        }
    }
    (valid_multi >= invalid, first.unwrap_or(0))
}

fn row_at(bytes: &[u8], position: usize) -> u32 {
    let lines = bytes[..position.min(bytes.len())].iter().filter(|b| **b == b'\n').count();
    u32::try_from(lines + 1).unwrap_or(u32::MAX)
}

fn utf8_invalid(byte: u8) -> Reason {
    Reason::new("problem-text-utf8-invalid").arg("byte", format!("{byte:02X}"))
}

fn encoding_unknown(byte: u8) -> Reason {
    Reason::new("problem-text-encoding-unknown").arg("byte", format!("{byte:02X}"))
}

fn at_row(row: u32, reason: Reason) -> Problem {
    Problem { sheet: "csv".to_string(), row, column: String::new(), reason }
}

/// A whole CSV file as text by the rule above, or the row where it is neither UTF-8 nor
/// Windows-1251. Valid UTF-8 is borrowed, not copied.
pub fn decode(bytes: &[u8]) -> Result<Cow<'_, str>, Problem> {
    if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        return std::str::from_utf8(rest).map(Cow::Borrowed).map_err(|e| {
            let at = e.valid_up_to();
            at_row(row_at(rest, at), utf8_invalid(rest[at]))
        });
    }
    for (bom, encoding) in [(b"\xFF\xFE", encoding_rs::UTF_16LE), (b"\xFE\xFF", encoding_rs::UTF_16BE)] {
        if let Some(rest) = bytes.strip_prefix(bom) {
            if let Some(text) = encoding.decode_without_bom_handling_and_without_replacement(rest) {
                return Ok(Cow::Owned(text.into_owned()));
            }
            let (lossy, _) = encoding.decode_without_bom_handling(rest);
            let before = lossy.split('\u{FFFD}').next().unwrap_or_default();
            let row = u32::try_from(before.matches('\n').count() + 1).unwrap_or(u32::MAX);
            return Err(at_row(row, Reason::new("problem-text-invalid").arg("encoding", encoding.name())));
        }
    }
    if let Ok(text) = std::str::from_utf8(bytes) {
        return Ok(Cow::Borrowed(text));
    }
    let (mostly_utf8, at) = damaged_utf8(bytes);
    if mostly_utf8 {
        return Err(at_row(row_at(bytes, at), utf8_invalid(bytes[at])));
    }
    if let Some(at) = first_non_1251(bytes) {
        return Err(at_row(row_at(bytes, at), encoding_unknown(bytes[at])));
    }
    Ok(encoding_rs::WINDOWS_1251.decode_without_bom_handling(bytes).0)
}

/// The encoding of a file read record by record: undecided while records are ASCII, then fixed
/// by the first record that is not.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct RecordText {
    decided: Option<TextEncoding>,
}

impl RecordText {
    /// Fixed from the start (a header that was not ASCII decided it).
    pub(crate) fn new(decided: Option<TextEncoding>) -> RecordText {
        RecordText { decided }
    }

    /// The encoding so far (UTF-8 while undecided: ASCII reads the same).
    pub(crate) fn encoding(&self) -> TextEncoding {
        self.decided.unwrap_or(TextEncoding::Utf8)
    }

    /// Decides the encoding from one record's bytes.
    pub(crate) fn decide(raw: &[u8]) -> Result<Option<TextEncoding>, Reason> {
        if raw.is_ascii() {
            return Ok(None);
        }
        if std::str::from_utf8(raw).is_ok() {
            return Ok(Some(TextEncoding::Utf8));
        }
        let (mostly_utf8, at) = damaged_utf8(raw);
        if mostly_utf8 {
            return Err(utf8_invalid(raw[at]));
        }
        match first_non_1251(raw) {
            Some(at) => Err(encoding_unknown(raw[at])),
            None => Ok(Some(TextEncoding::Windows1251)),
        }
    }

    /// Checks one record (its fields' bytes as the CSV reader keeps them), deciding the encoding
    /// if it is the first record that is not ASCII.
    pub(crate) fn check(&mut self, raw: &[u8]) -> Result<(), Reason> {
        if raw.is_ascii() {
            return Ok(());
        }
        match self.decided {
            None => {
                self.decided = RecordText::decide(raw)?;
                Ok(())
            }
            Some(TextEncoding::Utf8) => match std::str::from_utf8(raw) {
                Ok(_) => Ok(()),
                Err(e) => Err(utf8_invalid(raw[e.valid_up_to()])),
            },
            Some(TextEncoding::Windows1251) => match raw.iter().position(|&b| {
                !(b.is_ascii_graphic()
                    || matches!(b, b' ' | b'\t' | b'\n' | b'\r')
                    || is_1251_letter(b)
                    || is_1251_sign(b))
            }) {
                Some(at) => Err(encoding_unknown(raw[at])),
                None => Ok(()),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cp1251(text: &str) -> Vec<u8> {
        encoding_rs::WINDOWS_1251.encode(text).0.into_owned()
    }

    #[test]
    fn utf8_and_windows_1251_are_read() {
        assert_eq!(decode("№;Срок\n1.;2026 год\n".as_bytes()).expect("utf-8"), "№;Срок\n1.;2026 год\n");
        assert_eq!(decode(b"\xEF\xBB\xBFa;b").expect("bom"), "a;b");
        let belarusian = "№;Тэрмін «ўвод» — 2026 г.\n1.;Ёмкасць, і т.д.\n";
        assert_eq!(decode(&cp1251(belarusian)).expect("1251"), belarusian);
        let utf16: Vec<u8> =
            b"\xFF\xFE".iter().copied().chain("а;б".encode_utf16().flat_map(u16::to_le_bytes)).collect();
        assert_eq!(decode(&utf16).expect("utf-16"), "а;б");
    }

    #[test]
    fn a_damaged_utf8_file_is_refused_at_the_row_of_the_bad_byte() {
        let mut bytes = "№;Наименование;Срок\n1.;Поставки тракторов;2026\n".as_bytes().to_vec();
        bytes.extend_from_slice(b"2.;\xD0\xBF\xD1;2027\n");
        let problem = decode(&bytes).expect_err("refused, not read with U+FFFD");
        assert_eq!((problem.row, problem.reason.key.as_str()), (3, "problem-text-utf8-invalid"));
        assert_eq!(problem.reason.get("byte"), Some("D1"));
        let problem = decode(b"\xEF\xBB\xBFa\n\xFF").expect_err("a BOM promises UTF-8");
        assert_eq!(problem.row, 2);
    }

    #[test]
    fn what_is_neither_is_refused_at_its_row() {
        // Binary: control bytes.
        let problem = decode(b"a;b\n\x00\x01\x02\xC7\xE0\n").expect_err("binary");
        assert_eq!((problem.row, problem.reason.key.as_str()), (2, "problem-text-encoding-unknown"));
        assert_eq!(problem.reason.get("byte"), Some("00"));
        // Latin-1 accents read in 1251 are mostly signs and odd letters, not Cyrillic text.
        let latin1 = b"name;city\nJos\xE9;S\x8Ao Paulo\n";
        assert_eq!(decode(latin1).expect_err("not 1251").row, 2);
        // A UTF-16 file without its BOM has NUL bytes... and is valid UTF-8: read as such.
        assert!(decode(b"a\x00;\x00").is_ok());
    }

    #[test]
    fn streaming_records_hold_to_the_first_encoding_found() {
        let mut text = RecordText::default();
        text.check(b"period;flow").expect("ascii");
        assert_eq!(text.encoding(), TextEncoding::Utf8);
        text.check(&cp1251("экспорт")).expect("1251 decided");
        assert_eq!(text.encoding(), TextEncoding::Windows1251);
        text.check(&cp1251("импорт")).expect("still 1251");
        assert_eq!(text.check(b"\x8Ax").expect_err("not a Russian letter").key, "problem-text-encoding-unknown");
        let mut utf8 = RecordText::default();
        utf8.check("экспорт".as_bytes()).expect("utf-8 decided");
        assert_eq!(utf8.check(b"\xD1\xD1").expect_err("bad utf-8").key, "problem-text-utf8-invalid");
    }
}
