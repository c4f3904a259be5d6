//! Exchange-rate files of the two central banks, detected by their first character:
//! - Bank of Russia `XML_daily` (`<ValCurs Date="27.09.2023">` with a `<Valute>` per currency):
//!   served in Windows-1251 with an XML declaration saying so, decimal comma, `Value` is the
//!   rouble price of `Nominal` units, newer files add `VunitRate` (the price of one unit);
//! - National Bank of Belarus `exrates/rates` JSON (an array of objects, or one object):
//!   `Cur_OfficialRate` is the BYN price of `Cur_Scale` units; currencies are matched by
//!   `Cur_Abbreviation`, since the numeric `Cur_ID`s changed over the years.
//!
//! Numbers are parsed from their text into `Decimal`, never through a float: the JSON reader
//! keeps `Cur_OfficialRate` as raw text. Currencies accord does not know (KRW, VND, ...) are
//! listed in `skipped`, not refused: every bank file has dozens of them.

use std::str::FromStr;

use accord_domain::trade::{Currency, Rate};
use chrono::NaiveDate;
use quick_xml::events::Event;
use rust_decimal::Decimal;
use serde::Deserialize;
use serde_json::value::RawValue;

use crate::{Problem, Reason};

/// Which bank a rate file is from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RateSource {
    /// Центральный банк Российской Федерации: prices in RUB.
    BankOfRussia,
    /// Национальный банк Республики Беларусь: prices in BYN.
    NationalBankOfBelarus,
}

impl RateSource {
    pub fn base(self) -> Currency {
        match self {
            RateSource::BankOfRussia => Currency::Rub,
            RateSource::NationalBankOfBelarus => Currency::Byn,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RateFile {
    pub source: RateSource,
    /// In file order.
    pub rates: Vec<Rate>,
    /// Currency codes in the file that accord does not use, in file order.
    pub skipped: Vec<String>,
}

const XML_SHEET: &str = "xml";
const JSON_SHEET: &str = "json";

fn problem(sheet: &str, row: usize, column: &str, reason: Reason) -> Problem {
    Problem {
        sheet: sheet.to_string(),
        row: u32::try_from(row).unwrap_or(u32::MAX),
        column: column.to_string(),
        reason,
    }
}

/// Reads a rate file of either bank. Problems name the line (XML) or the object's position in
/// the array (JSON) and the element or field.
pub fn read_rates(bytes: &[u8]) -> Result<RateFile, Vec<Problem>> {
    let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match body.iter().find(|b| !b.is_ascii_whitespace()) {
        Some(b'<') => read_cbr_xml(body),
        Some(b'[' | b'{') => read_nbrb_json(body),
        _ => Err(vec![problem("", 0, "", Reason::new("problem-rates-unknown-file"))]),
    }
}

/// A decimal written with a comma or a point ("96,2378"), or in scientific notation.
fn decimal(text: &str) -> Option<Decimal> {
    let t = text.trim().replace(',', ".");
    if t.contains(['e', 'E']) { Decimal::from_scientific(&t).ok() } else { Decimal::from_str(&t).ok() }
}

/// The encoding an XML declaration names, if there is a declaration.
fn declared_encoding(bytes: &[u8]) -> Result<Option<&'static encoding_rs::Encoding>, Reason> {
    let start = bytes.iter().position(|b| !b.is_ascii_whitespace()).unwrap_or(0);
    let rest = &bytes[start..];
    if !rest.starts_with(b"<?xml") {
        return Ok(None);
    }
    let end =
        rest.windows(2).position(|w| w == b"?>").ok_or_else(|| Reason::new("problem-xml-declaration-unclosed"))?;
    let declaration = String::from_utf8_lossy(&rest[..end]);
    let Some(at) = declaration.find("encoding") else { return Ok(None) };
    let value = declaration[at + "encoding".len()..].trim_start().trim_start_matches('=').trim_start();
    let quote = value
        .chars()
        .next()
        .filter(|c| *c == '"' || *c == '\'')
        .ok_or_else(|| Reason::new("problem-xml-encoding-malformed"))?;
    let label = value[1..].split(quote).next().unwrap_or_default();
    encoding_rs::Encoding::for_label(label.as_bytes())
        .map(Some)
        .ok_or_else(|| Reason::new("problem-xml-encoding-unknown").arg("value", label))
}

fn read_cbr_xml(bytes: &[u8]) -> Result<RateFile, Vec<Problem>> {
    let fail = |row: usize, column: &str, reason: Reason| vec![problem(XML_SHEET, row, column, reason)];
    let declared = declared_encoding(bytes).map_err(|e| fail(1, "", e))?;
    let encoding = declared.unwrap_or(encoding_rs::UTF_8);
    let Some(text) = encoding.decode_without_bom_handling_and_without_replacement(bytes) else {
        // Without a declaration the file was taken for UTF-8: most likely a windows-1251 file
        // that lost its declaration.
        let key = if declared.is_none() { "problem-text-invalid-undeclared" } else { "problem-text-invalid" };
        return Err(fail(0, "", Reason::new(key).arg("encoding", encoding.name())));
    };
    let mut reader = quick_xml::Reader::from_str(&text);
    let mut lines = LineCounter::new(&text);
    let mut problems = Vec::new();
    let mut date: Option<NaiveDate> = None;
    let mut saw_root = false;
    let mut open: Vec<String> = Vec::new();
    let mut valute: Option<Valute> = None;
    // (line, currency code, nominal, value) of every sound Valute.
    let mut parsed: Vec<(usize, String, u32, Decimal)> = Vec::new();
    loop {
        let position = usize::try_from(reader.buffer_position()).unwrap_or(usize::MAX);
        let line = lines.line_at(position);
        let event = match reader.read_event() {
            Ok(event) => event,
            Err(e) => {
                let at = lines.line_at(usize::try_from(reader.error_position()).unwrap_or(usize::MAX));
                problems.push(problem(XML_SHEET, at, "", Reason::new("problem-xml-malformed").arg("detail", e)));
                return Err(problems);
            }
        };
        match event {
            Event::Start(e) => {
                let name = String::from_utf8_lossy(e.local_name().as_ref()).into_owned();
                match name.as_str() {
                    "ValCurs" => {
                        saw_root = true;
                        for attr in e.attributes().flatten() {
                            if attr.key.local_name().as_ref() == b"Date" {
                                let value = attr
                                    .decode_and_unescape_value(reader.decoder())
                                    .map(|v| v.into_owned())
                                    .unwrap_or_default();
                                match NaiveDate::parse_from_str(value.trim(), "%d.%m.%Y") {
                                    Ok(d) => date = Some(d),
                                    Err(_) => problems.push(problem(
                                        XML_SHEET,
                                        line,
                                        "ValCurs/@Date",
                                        Reason::new("problem-rates-date-invalid")
                                            .arg("value", value.trim())
                                            .arg("example", "27.09.2023"),
                                    )),
                                }
                            }
                        }
                    }
                    "Valute" => valute = Some(Valute { line, ..Valute::default() }),
                    _ => {}
                }
                open.push(name);
            }
            Event::Text(t) => {
                if let (Some(v), Some(element)) = (valute.as_mut(), open.last()) {
                    let value = t.decode().map(|s| s.into_owned()).unwrap_or_default();
                    let slot = match element.as_str() {
                        "CharCode" => Some(&mut v.char_code),
                        "Nominal" => Some(&mut v.nominal),
                        "Value" => Some(&mut v.value),
                        "VunitRate" => Some(&mut v.vunit_rate),
                        _ => None,
                    };
                    if let Some(slot) = slot {
                        slot.get_or_insert_with(String::new).push_str(&value);
                    }
                }
            }
            Event::End(_) => {
                if open.pop().as_deref() == Some("Valute")
                    && let Some(v) = valute.take()
                {
                    parsed.extend(v.check(&mut problems));
                }
            }
            Event::Empty(e) if e.local_name().as_ref() == b"ValCurs" => saw_root = true,
            Event::Eof => break,
            _ => {}
        }
    }
    if !open.is_empty() {
        problems.push(problem(XML_SHEET, lines.last_line(), &open.join("/"), Reason::new("problem-xml-truncated")));
    }
    if !saw_root {
        problems.push(problem(XML_SHEET, 1, "ValCurs", Reason::new("problem-rates-not-cbr")));
    }
    let Some(date) = date else {
        if saw_root {
            problems.push(problem(XML_SHEET, 1, "ValCurs/@Date", Reason::new("problem-rates-no-date")));
        }
        return Err(problems);
    };
    let mut file = RateFile { source: RateSource::BankOfRussia, rates: Vec::new(), skipped: Vec::new() };
    for (line, code, units, value) in parsed {
        collect(
            &mut file,
            &mut problems,
            XML_SHEET,
            line,
            "CharCode",
            &code,
            Rate { date, base: Currency::Rub, currency: Currency::Usd, units, value },
        );
    }
    if problems.is_empty() { Ok(file) } else { Err(problems) }
}

/// Adds a rate under its currency code, or lists the code as skipped; a currency twice for the
/// same date is a problem.
fn collect(
    file: &mut RateFile,
    problems: &mut Vec<Problem>,
    sheet: &str,
    row: usize,
    column: &str,
    code: &str,
    rate: Rate,
) {
    let Ok(currency) = Currency::parse(code) else {
        file.skipped.push(code.trim().to_string());
        return;
    };
    if currency == rate.base {
        problems.push(problem(
            sheet,
            row,
            column,
            Reason::new("problem-rates-self-quoted").arg("currency", code.trim()),
        ));
        return;
    }
    if file.rates.iter().any(|r| r.currency == currency && r.date == rate.date) {
        problems.push(problem(
            sheet,
            row,
            column,
            Reason::new("problem-rates-duplicate").arg("currency", currency).arg("date", rate.date),
        ));
        return;
    }
    file.rates.push(Rate { currency, ..rate });
}

#[derive(Debug, Default)]
struct Valute {
    line: usize,
    char_code: Option<String>,
    nominal: Option<String>,
    value: Option<String>,
    vunit_rate: Option<String>,
}

impl Valute {
    /// (line, code, units, price of `units`), or problems for whatever is wrong.
    fn check(self, problems: &mut Vec<Problem>) -> Option<(usize, String, u32, Decimal)> {
        let line = self.line;
        let mut bad = |column: &str, reason: Reason| problems.push(problem(XML_SHEET, line, column, reason));
        let code = self.char_code.unwrap_or_default().trim().to_string();
        if code.is_empty() {
            bad("CharCode", Reason::new("problem-rates-no-char-code"));
        }
        let units = match self.nominal.as_deref().map(str::trim) {
            None => Some(1),
            Some(n) => match n.parse::<u32>() {
                Ok(u) if u > 0 => Some(u),
                _ => {
                    bad("Nominal", Reason::new("problem-number-not-positive-whole").arg("value", n));
                    None
                }
            },
        };
        let vunit = match self.vunit_rate.as_deref() {
            None => None,
            Some(v) => match decimal(v) {
                Some(d) if d > Decimal::ZERO => Some(d),
                _ => {
                    bad("VunitRate", Reason::new("problem-number-not-positive").arg("value", v.trim()));
                    None
                }
            },
        };
        let value = match (self.value.as_deref(), vunit) {
            (Some(v), _) => match decimal(v) {
                Some(d) if d > Decimal::ZERO => Some(d),
                _ => {
                    bad("Value", Reason::new("problem-number-not-positive").arg("value", v.trim()));
                    None
                }
            },
            // A file with only the per-unit price: take it for one unit.
            (None, Some(per_unit)) if units == Some(1) => Some(per_unit),
            (None, _) => {
                bad("Value", Reason::new("problem-rates-no-value").arg("currency", &code));
                None
            }
        };
        // VunitRate is Value / Nominal as published, to its own number of decimals: a
        // disagreement means a damaged or hand-edited file.
        if let (Some(v), Some(u), Some(per_unit)) = (value, units, vunit) {
            let exact = v / Decimal::from(u);
            let tolerance = Decimal::new(1, per_unit.scale());
            if (exact - per_unit).abs() > tolerance {
                bad(
                    "VunitRate",
                    Reason::new("problem-rates-vunit-mismatch")
                        .arg("vunit", per_unit)
                        .arg("value", v)
                        .arg("nominal", u),
                );
            }
        }
        if code.is_empty() {
            return None;
        }
        Some((line, code, units?, value?))
    }
}

/// Line numbers for byte positions that only move forward.
struct LineCounter<'a> {
    text: &'a [u8],
    pos: usize,
    line: usize,
}

impl<'a> LineCounter<'a> {
    fn new(text: &'a str) -> LineCounter<'a> {
        LineCounter { text: text.as_bytes(), pos: 0, line: 1 }
    }
    fn line_at(&mut self, position: usize) -> usize {
        let target = position.min(self.text.len());
        if target < self.pos {
            self.pos = 0;
            self.line = 1;
        }
        self.line += self.text[self.pos..target].iter().filter(|b| **b == b'\n').count();
        self.pos = target;
        self.line
    }
    fn last_line(&mut self) -> usize {
        self.line_at(self.text.len())
    }
}

#[derive(Deserialize)]
struct NbrbRate {
    #[serde(rename = "Cur_Abbreviation")]
    abbreviation: Option<String>,
    #[serde(rename = "Date")]
    date: Option<String>,
    #[serde(rename = "Cur_Scale")]
    scale: Option<Box<RawValue>>,
    #[serde(rename = "Cur_OfficialRate")]
    rate: Option<Box<RawValue>>,
}

fn read_nbrb_json(bytes: &[u8]) -> Result<RateFile, Vec<Problem>> {
    let fail = |e: serde_json::Error| {
        let key = if e.is_eof() { "problem-json-truncated" } else { "problem-rates-not-nbrb" };
        let reason = Reason::new(key).arg("detail", &e);
        vec![problem(JSON_SHEET, e.line(), "", reason)]
    };
    crate::limits::check_json(bytes, &crate::limits::JSON_LIMITS)
        .map_err(|reason| vec![problem(JSON_SHEET, 0, "", reason)])?;
    // An array from exrates/rates, one object from exrates/rates/{id}. (Raw numbers cannot go
    // through serde's untagged enums, hence the look at the first character.)
    let list: Vec<NbrbRate> = if bytes.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'[') {
        serde_json::from_slice(bytes).map_err(fail)?
    } else {
        vec![serde_json::from_slice(bytes).map_err(fail)?]
    };
    let mut file = RateFile { source: RateSource::NationalBankOfBelarus, rates: Vec::new(), skipped: Vec::new() };
    let mut problems = Vec::new();
    for (i, entry) in list.into_iter().enumerate() {
        let row = i + 1;
        let mut bad = |column: &str, reason: Reason| problems.push(problem(JSON_SHEET, row, column, reason));
        let Some(code) = entry.abbreviation.filter(|c| !c.trim().is_empty()) else {
            bad("Cur_Abbreviation", Reason::new("problem-rates-no-currency-code"));
            continue;
        };
        let date =
            entry.date.as_deref().and_then(|d| NaiveDate::parse_from_str(d.get(..10).unwrap_or(d), "%Y-%m-%d").ok());
        let Some(date) = date else {
            bad(
                "Date",
                Reason::new("problem-rates-date-invalid")
                    .arg("value", entry.date.unwrap_or_default())
                    .arg("example", "2024-06-29T00:00:00"),
            );
            continue;
        };
        let raw_scale = entry.scale.as_ref().map(|r| r.get().trim().to_string());
        let units = match raw_scale.as_deref() {
            None => Some(1),
            Some(s) => s.parse::<u32>().ok().filter(|u| *u > 0),
        };
        let Some(units) = units else {
            bad(
                "Cur_Scale",
                Reason::new("problem-number-not-positive-whole").arg("value", raw_scale.unwrap_or_default()),
            );
            continue;
        };
        let raw_rate = entry.rate.as_ref().map(|r| r.get().trim().to_string()).unwrap_or_default();
        // A JSON string holding a number is refused like any other non-number: the bank
        // publishes numbers.
        let value = if raw_rate.starts_with('"') { None } else { decimal(&raw_rate) };
        let Some(value) = value.filter(|v| *v > Decimal::ZERO) else {
            let reason = if raw_rate.is_empty() || raw_rate == "null" {
                Reason::new("problem-rates-rate-missing")
            } else {
                Reason::new("problem-number-not-positive").arg("value", &raw_rate)
            };
            bad("Cur_OfficialRate", reason);
            continue;
        };
        let rate = Rate { date, base: Currency::Byn, currency: Currency::Usd, units, value };
        collect(&mut file, &mut problems, JSON_SHEET, row, "Cur_Abbreviation", &code, rate);
    }
    if problems.is_empty() { Ok(file) } else { Err(problems) }
}

#[cfg(test)]
mod tests;
