//! Cells a spreadsheet would run as a formula ("CSV injection", OWASP): every CSV accord
//! writes passes its text cells through [`escape_text_cell`], so a name such as
//! `=HYPERLINK("http://x","y")` opens as text, not as a link or a command.
//!
//! Only text columns are escaped: a negative amount `-12.50` in a numeric column is a number,
//! not a formula, and is written as it is.
//!
//! The escape is reversible, so that our own exports read back to the same text:
//! [`unescape_text_cell`] removes exactly the `'` that [`escape_text_cell`] added. A cell that
//! starts with `'` followed by a formula character is escaped too (`'=x` is written `''=x`),
//! which keeps the pair a bijection; any other cell starting with `'` is left alone both ways.

use std::borrow::Cow;

/// The first characters a spreadsheet reads as the start of a formula (or, for tab and
/// carriage return, that hide one behind white space).
const FORMULA_STARTS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// Whether `text` must be prefixed with `'` to be read as text.
fn needs_escape(text: &str) -> bool {
    let mut rest = text;
    loop {
        match rest.chars().next() {
            Some(c) if FORMULA_STARTS.contains(&c) => return true,
            Some('\'') => rest = &rest[1..],
            _ => return false,
        }
    }
}

/// The text cell as it is written to a CSV: prefixed with `'` when a spreadsheet would read it
/// as a formula (first character `=`, `+`, `-`, `@`, tab or carriage return).
pub fn escape_text_cell(text: &str) -> Cow<'_, str> {
    if needs_escape(text) { Cow::Owned(format!("'{text}")) } else { Cow::Borrowed(text) }
}

/// The text a cell written by [`escape_text_cell`] stood for: one leading `'` removed when it
/// was added by the escape; any other cell unchanged.
pub fn unescape_text_cell(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if needs_escape(rest) => rest,
        _ => cell,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_starts_are_prefixed() {
        for (text, written) in [
            ("=HYPERLINK(\"http://x\",\"y\")", "'=HYPERLINK(\"http://x\",\"y\")"),
            ("+7 495", "'+7 495"),
            ("-1+2", "'-1+2"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("\t=1", "'\t=1"),
            ("\r=1", "'\r=1"),
            ("'=1", "''=1"),
            ("''@x", "'''@x"),
        ] {
            assert_eq!(escape_text_cell(text), written, "{text:?}");
            assert_eq!(unescape_text_cell(written), text, "{written:?}");
        }
    }

    #[test]
    fn ordinary_text_is_untouched_both_ways() {
        for text in ["", "ООО «Ромашка»", "1.1", "'quoted'", "'", "a=b", " =x", "2025-03"] {
            assert!(matches!(escape_text_cell(text), Cow::Borrowed(_)), "{text:?}");
            assert_eq!(unescape_text_cell(text), text, "{text:?}");
        }
    }

    #[test]
    fn every_text_round_trips() {
        let alphabet = ['\'', '=', '+', '-', '@', '\t', '\r', 'a', ' '];
        // Every string of up to four characters from the alphabet.
        let mut texts = vec![String::new()];
        for _ in 0..4 {
            let longer: Vec<String> =
                texts.iter().flat_map(|t| alphabet.iter().map(move |c| format!("{t}{c}"))).collect();
            texts.extend(longer);
        }
        texts.sort();
        texts.dedup();
        for text in &texts {
            let written = escape_text_cell(text);
            assert_eq!(unescape_text_cell(&written), text, "{text:?} written {written:?}");
            let first = written.chars().next();
            assert!(!first.is_some_and(|c| FORMULA_STARTS.contains(&c)), "{text:?} written {written:?}");
        }
    }
}
