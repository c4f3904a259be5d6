//! Text rules shared by the reader and the writer: how cell text is tidied, how executor
//! cells are split into names, how measure and section numbers are recognised, and how
//! header captions are compared.

use std::str::FromStr;

use accord_domain::plan::MeasureNumber;
use accord_domain::text::fold;

use super::grid::Value;

/// Line breaks normalised to '\n', each line's edges trimmed, blank lines at both ends dropped.
/// Blank lines inside are kept: they are part of how the author laid the text out.
pub(crate) fn tidy(raw: &str) -> String {
    let unified = raw.replace("\r\n", "\n").replace(['\r', '\u{2028}', '\u{2029}', '\u{b}'], "\n");
    let lines: Vec<&str> = unified.split('\n').map(str::trim).collect();
    lines.join("\n").trim_matches('\n').to_string()
}

/// Numbers as people write them: integers without ".0", others in the shortest form that
/// reads back to the same float (2.1, not 2.1000000000000001).
pub(crate) fn format_number(n: f64) -> String {
    if n.is_finite() && n.fract() == 0.0 && n.abs() < 1e15 {
        // The guard above makes the conversion exact.
        format!("{}", n as i64)
    } else {
        format!("{n}")
    }
}

/// Splits an executors cell into names: on commas, semicolons and line breaks, except inside
/// «…», „…“, “…” or "…" (organisation names carry commas and quotes: `ОАО «Завод, 1»`).
/// Names are trimmed and empty pieces dropped. If the quotes do not pair up, the cell is split
/// on every separator, since one unclosed quote must not glue the rest of the cell together.
pub fn split_executors(cell: &str) -> Vec<String> {
    split_outside_quotes(cell).unwrap_or_else(|| keep_names(cell.split(is_separator)))
}

fn is_separator(c: char) -> bool {
    matches!(c, ',' | ';' | '\n' | '\r')
}

fn keep_names<'a>(pieces: impl Iterator<Item = &'a str>) -> Vec<String> {
    pieces.map(str::trim).filter(|p| !p.is_empty()).map(str::to_string).collect()
}

fn split_outside_quotes(cell: &str) -> Option<Vec<String>> {
    // The closing mark each open quote waits for, innermost last.
    let mut closers: Vec<char> = Vec::new();
    let mut pieces: Vec<&str> = Vec::new();
    let mut start = 0;
    for (i, c) in cell.char_indices() {
        let top = closers.last().copied();
        match c {
            '«' => closers.push('»'),
            '„' => closers.push('“'),
            // “ closes „…“ (Russian) but opens “…” (English).
            '“' if top == Some('“') => {
                closers.pop();
            }
            '“' => closers.push('”'),
            '"' if top == Some('"') => {
                closers.pop();
            }
            '"' => closers.push('"'),
            '»' | '”' if top == Some(c) => {
                closers.pop();
            }
            c if is_separator(c) && closers.is_empty() => {
                pieces.push(&cell[start..i]);
                start = i + c.len_utf8();
            }
            _ => {}
        }
    }
    if !closers.is_empty() {
        return None;
    }
    pieces.push(&cell[start..]);
    Some(keep_names(pieces.into_iter()))
}

/// A measure number as written, normalised to end with ".": "2.1" → "2.1.", a float 2.1 →
/// "2.1.", 3.0 → "3.". `None` unless it is dotted digits the domain accepts.
pub(crate) fn measure_number(value: &Value) -> Option<String> {
    let written = match value {
        Value::Empty => return None,
        Value::Text(text) => text.clone(),
        Value::Number(n) => format_number(*n),
    };
    let compact: String = written.chars().filter(|c| !c.is_whitespace()).collect();
    if !compact.chars().all(|c| c.is_ascii_digit() || c == '.') {
        return None;
    }
    let core = compact.strip_suffix('.').unwrap_or(&compact);
    if core.is_empty() || core.split('.').any(str::is_empty) {
        return None;
    }
    MeasureNumber::from_str(core).ok()?;
    Some(format!("{core}."))
}

/// The key under which two spellings of one number ("1.", "01.") count as duplicates.
pub(crate) fn number_key(number: &str) -> String {
    MeasureNumber::from_str(number).map(|n| n.to_string()).unwrap_or_else(|_| number.to_string())
}

/// Words that may stand before a section number: "Раздел II. Наука".
const SECTION_WORDS: [&str; 5] = ["раздел", "глава", "часть", "section", "part"];

/// Roman numerals, including the Cyrillic І and Х that Belarusian and Russian typists use.
fn is_roman(c: char) -> bool {
    matches!(c, 'I' | 'V' | 'X' | 'L' | 'C' | 'D' | 'M' | 'І' | 'Х')
}

/// Splits a section heading into its number and title: "1. Торговля" → ("1.", "Торговля"),
/// "Раздел II. Наука" → ("II.", "Наука"), "Культура" → (None, "Культура"). The number always
/// comes back ending with a single ".".
pub(crate) fn parse_section(text: &str) -> (Option<String>, String) {
    let whole = text.trim();
    let (rest, had_word) = strip_section_word(whole);
    match split_number(rest, had_word) {
        Some((number, title)) if !title.is_empty() => (Some(number), title),
        _ => (None, whole.to_string()),
    }
}

/// A number cell that holds a section's Roman number alone ("II", "II."), as when a plan puts
/// the section number in the "№" column and its title in the title column.
pub(crate) fn roman_section_number(text: &str) -> Option<String> {
    let core = text.trim().trim_end_matches(['.', ')']);
    (!core.is_empty() && core.chars().all(is_roman)).then(|| format!("{core}."))
}

fn strip_section_word(text: &str) -> (&str, bool) {
    for word in SECTION_WORDS {
        let n = word.chars().count();
        let prefix: String = text.chars().take(n).collect();
        if fold(&prefix) != word {
            continue;
        }
        let rest = &text[prefix.len()..];
        if rest.starts_with(char::is_whitespace) {
            return (rest.trim_start(), true);
        }
    }
    (text, false)
}

fn split_number(text: &str, had_word: bool) -> Option<(String, String)> {
    let token_end = text.find(|c: char| !(c.is_ascii_digit() || c == '.' || is_roman(c))).unwrap_or(text.len());
    let token = &text[..token_end];
    let core = token.trim_end_matches('.');
    if core.is_empty() {
        return None;
    }
    let arabic = core.split('.').all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit()));
    let roman = core.chars().all(is_roman);
    if !arabic && !roman {
        return None;
    }
    let rest = &text[token_end..];
    let separator_end = rest.find(|c: char| !matches!(c, ')' | ':' | '-' | '–' | '—')).unwrap_or(rest.len());
    let after = &rest[separator_end..];
    let spaced = after.is_empty() || after.starts_with(char::is_whitespace);
    let numbered = token.ends_with('.') || ((separator_end > 0 || had_word) && spaced);
    if !numbered {
        return None;
    }
    let title = after.trim_start_matches(|c: char| c.is_whitespace() || matches!(c, '-' | '–' | '—' | ':')).trim_end();
    Some((format!("{core}."), title.to_string()))
}

/// A header caption reduced to what identifies it: lower case, "ё" as "е", letters and
/// digits only (plus "№" and "#", which are captions of their own).
pub(crate) fn header_key(text: &str) -> String {
    fold(text).chars().filter(|c| c.is_alphanumeric() || matches!(c, '№' | '#')).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tidies_line_breaks_and_edges() {
        assert_eq!(tidy("  Первая строка \r\n  вторая\r\r"), "Первая строка\nвторая");
        assert_eq!(tidy(" \n \n"), "");
    }

    #[test]
    fn formats_numbers_without_trailing_zero() {
        assert_eq!(format_number(1.0), "1");
        assert_eq!(format_number(2.1), "2.1");
        assert_eq!(format_number(2025.0), "2025");
    }

    #[test]
    fn splits_executors_outside_quotes() {
        assert_eq!(
            split_executors(
                "ОАО «Минский автомобильный завод» — управляющая компания холдинга «БЕЛАВТОМАЗ», Минпром; \nКГБУ \"Центр, экспорт\""
            ),
            vec![
                "ОАО «Минский автомобильный завод» — управляющая компания холдинга «БЕЛАВТОМАЗ»",
                "Минпром",
                "КГБУ \"Центр, экспорт\""
            ]
        );
        assert_eq!(
            split_executors("ООО «Завод «Кристалл», ЛТД», ОАО „Горизонт, 2“"),
            vec!["ООО «Завод «Кристалл», ЛТД»", "ОАО „Горизонт, 2“"]
        );
        assert_eq!(split_executors(" , ;\n"), Vec::<String>::new());
        // An unclosed quote falls back to splitting everywhere.
        assert_eq!(split_executors("ОАО «Завод, Минпром"), vec!["ОАО «Завод", "Минпром"]);
    }

    #[test]
    fn recognises_measure_numbers() {
        let text = |s: &str| Value::Text(s.to_string());
        assert_eq!(measure_number(&text("1.")).as_deref(), Some("1."));
        assert_eq!(measure_number(&text("2.1")).as_deref(), Some("2.1."));
        assert_eq!(measure_number(&text(" 2.1.1. ")).as_deref(), Some("2.1.1."));
        assert_eq!(measure_number(&Value::Number(3.0)).as_deref(), Some("3."));
        assert_eq!(measure_number(&Value::Number(2.1)).as_deref(), Some("2.1."));
        for bad in ["", "x", "1..2", ".1", "0.", "1а", "I."] {
            assert_eq!(measure_number(&text(bad)), None, "{bad}");
        }
        assert_eq!(measure_number(&Value::Number(-1.0)), None);
    }

    #[test]
    fn parses_section_headings() {
        let some = |n: &str, t: &str| (Some(n.to_string()), t.to_string());
        assert_eq!(
            parse_section("1. Торгово-экономическое сотрудничество"),
            some("1.", "Торгово-экономическое сотрудничество")
        );
        assert_eq!(parse_section("I. Промышленность"), some("I.", "Промышленность"));
        assert_eq!(parse_section("Раздел II. Наука"), some("II.", "Наука"));
        assert_eq!(parse_section("Раздел 3 — Культура"), some("3.", "Культура"));
        assert_eq!(parse_section("2) Логистика"), some("2.", "Логистика"));
        assert_eq!(parse_section("Культура"), (None, "Культура".to_string()));
        assert_eq!(parse_section("2025 год"), (None, "2025 год".to_string()));
        assert_eq!(parse_section("I квартал"), (None, "I квартал".to_string()));
        assert_eq!(parse_section("7."), (None, "7.".to_string()));
        assert_eq!(roman_section_number("II"), Some("II.".to_string()));
        assert_eq!(roman_section_number("2."), None);
    }

    #[test]
    fn header_keys_ignore_case_spacing_and_punctuation() {
        assert_eq!(header_key("№\nп/п"), "№пп");
        assert_eq!(header_key("Срок  исполнения:"), "срокисполнения");
        assert_eq!(header_key("Отчёт"), "отчет");
    }
}
