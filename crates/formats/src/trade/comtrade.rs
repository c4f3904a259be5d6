//! UN Comtrade CSV files, in the current layout (47 columns: `flowCode`, `cmdCode`,
//! `primaryValue`, ...) and the legacy bulk layout (`Trade Flow`, `Commodity Code`,
//! `Trade Value (US$)`, ...), told apart by the header.
//!
//! Comtrade files hold more than accord's records, and rows that would double-count or that
//! accord cannot represent are treated as follows:
//! - skipped, each with a note (the import reports them): all-commodity totals (`TOTAL`),
//!   partner "World" and other non-country partners, re-exports, re-imports and other special
//!   flows (Comtrade's exports and imports already include them), and breakdowns by mode of
//!   transport, customs procedure or second partner (only the total row of those counts);
//! - refused as problems (the import fails with the line and column): annual figures (accord
//!   keeps months and quarters; download monthly data), classifications other than HS (SITC,
//!   BEC), codes of odd length, values that are not numbers.
//!
//! Values are in US dollars. Comtrade publishes estimated values and masses with more decimals
//! than a cent or a gram; they are rounded half to even to cents and grams.

use std::io::{BufRead, BufReader, Read};
use std::str::FromStr;

use accord_domain::trade::{
    CommodityCode, Currency, Flow, Money, Period, QtyUnit, Quantity, Territory, TradeRecord, YearMonth,
};
use rust_decimal::Decimal;

use super::countries::alpha2;
use super::template::{CSV_SHEET, MAX_PROBLEMS, sniff_delimiter};
use crate::{Problem, Reason};

/// The two Comtrade CSV layouts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ComtradeLayout {
    /// The current API and bulk files (comtradeplus).
    Plus,
    /// The legacy bulk download.
    Legacy,
}

/// A row left out on purpose, and why (a `problem-comtrade-skip-…` reason).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Skipped {
    pub row: u32,
    pub reason: Reason,
}

/// At most this many skip notes are kept; the rest are counted.
pub const MAX_SKIPPED: usize = 1000;

/// A whole Comtrade file read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ComtradeFile {
    pub layout: ComtradeLayout,
    pub records: Vec<TradeRecord>,
    pub skipped: Vec<Skipped>,
    pub more_skipped: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Field {
    Classification,
    Year,
    Month,
    Period,
    Frequency,
    Flow,
    Reporter,
    Partner,
    Partner2,
    TransportMode,
    CustomsProcedure,
    Code,
    Value,
    NetWeight,
    Qty,
    QtyUnit,
}

const FIELDS: usize = 16;

impl Field {
    fn header(self, layout: ComtradeLayout) -> Option<&'static str> {
        use ComtradeLayout::{Legacy, Plus};
        Some(match (self, layout) {
            (Field::Classification, Plus) => "classificationSearchCode",
            (Field::Classification, Legacy) => "Classification",
            (Field::Year, Plus) => "refYear",
            (Field::Year, Legacy) => "Year",
            (Field::Month, Plus) => "refMonth",
            (Field::Month, Legacy) => return None,
            (Field::Period, Plus) => "period",
            (Field::Period, Legacy) => "Period",
            (Field::Frequency, Plus) => "freqCode",
            (Field::Frequency, Legacy) => return None,
            (Field::Flow, Plus) => "flowCode",
            (Field::Flow, Legacy) => "Trade Flow",
            (Field::Reporter, Plus) => "reporterISO",
            (Field::Reporter, Legacy) => "Reporter ISO",
            (Field::Partner, Plus) => "partnerISO",
            (Field::Partner, Legacy) => "Partner ISO",
            (Field::Partner2, Plus) => "partner2Code",
            (Field::TransportMode, Plus) => "motCode",
            (Field::CustomsProcedure, Plus) => "customsCode",
            (Field::Partner2 | Field::TransportMode | Field::CustomsProcedure, Legacy) => return None,
            (Field::Code, Plus) => "cmdCode",
            (Field::Code, Legacy) => "Commodity Code",
            (Field::Value, Plus) => "primaryValue",
            (Field::Value, Legacy) => "Trade Value (US$)",
            (Field::NetWeight, Plus) => "netWgt",
            (Field::NetWeight, Legacy) => "Netweight (kg)",
            (Field::Qty, Plus) => "qty",
            (Field::Qty, Legacy) => "Qty",
            (Field::QtyUnit, Plus) => "qtyUnitAbbr",
            (Field::QtyUnit, Legacy) => "Qty Unit",
        })
    }

    const REQUIRED: [Field; 6] =
        [Field::Period, Field::Flow, Field::Reporter, Field::Partner, Field::Code, Field::Value];
    const ALL: [Field; FIELDS] = [
        Field::Classification,
        Field::Year,
        Field::Month,
        Field::Period,
        Field::Frequency,
        Field::Flow,
        Field::Reporter,
        Field::Partner,
        Field::Partner2,
        Field::TransportMode,
        Field::CustomsProcedure,
        Field::Code,
        Field::Value,
        Field::NetWeight,
        Field::Qty,
        Field::QtyUnit,
    ];
}

/// What one row turned out to be.
enum Row {
    Record(TradeRecord),
    Skip(Reason),
}

/// Reads a Comtrade CSV row by row: records, problems, and notes on rows skipped on purpose.
pub struct ComtradeReader<R: Read> {
    csv: crate::limits::LimitedCsv<BufReader<R>>,
    record: csv::ByteRecord,
    layout: ComtradeLayout,
    index: [Option<usize>; FIELDS],
    skipped: Vec<Skipped>,
    more_skipped: u64,
    failed: bool,
}

impl<R: Read> ComtradeReader<R> {
    pub fn new(reader: R) -> Result<ComtradeReader<R>, Problem> {
        let mut buffered = BufReader::with_capacity(1 << 16, reader);
        let delimiter = {
            let start = buffered
                .fill_buf()
                .map_err(|e| file_problem(0, Reason::new("problem-file-unreadable").arg("detail", e)))?;
            let start = start.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(start);
            sniff_delimiter(&start[..start.iter().position(|b| *b == b'\n').unwrap_or(start.len())])
        };
        let mut builder = csv::ReaderBuilder::new();
        builder.has_headers(false).flexible(true).delimiter(delimiter);
        let mut csv = crate::limits::LimitedCsv::new(&mut builder, buffered, crate::limits::CSV_LIMITS);
        let mut header = csv::ByteRecord::new();
        match csv.read(&mut header) {
            Ok(true) => {}
            Ok(false) => return Err(file_problem(0, Reason::new("problem-file-empty"))),
            Err(fault) => return Err(fault.problem("problem-header-unreadable")),
        }
        let names: Vec<String> = header
            .iter()
            .map(|h| String::from_utf8_lossy(h).trim().trim_start_matches('\u{feff}').to_string())
            .collect();
        let has = |n: &str| names.iter().any(|h| h == n);
        let layout = if has("flowCode") && has("cmdCode") && has("primaryValue") {
            ComtradeLayout::Plus
        } else if has("Trade Flow") && has("Commodity Code") && has("Trade Value (US$)") {
            ComtradeLayout::Legacy
        } else {
            return Err(file_problem(1, Reason::new("problem-comtrade-not-comtrade")));
        };
        let mut index = [None; FIELDS];
        for field in Field::ALL {
            index[field as usize] = field.header(layout).and_then(|h| names.iter().position(|n| n == h));
        }
        let missing: Vec<&str> =
            Field::REQUIRED.iter().filter(|f| index[**f as usize].is_none()).filter_map(|f| f.header(layout)).collect();
        if !missing.is_empty() {
            return Err(file_problem(
                1,
                Reason::new("problem-comtrade-columns-missing").arg("columns", missing.join(", ")),
            ));
        }
        Ok(ComtradeReader {
            csv,
            record: csv::ByteRecord::new(),
            layout,
            index,
            skipped: Vec::new(),
            more_skipped: 0,
            failed: false,
        })
    }

    pub fn layout(&self) -> ComtradeLayout {
        self.layout
    }

    /// Notes on rows skipped so far (at most [`MAX_SKIPPED`]).
    pub fn skipped(&self) -> &[Skipped] {
        &self.skipped
    }

    /// Skipped rows beyond the notes kept.
    pub fn more_skipped(&self) -> u64 {
        self.more_skipped
    }

    fn line(&self) -> u32 {
        u32::try_from(self.record.position().map_or(0, |p| p.line())).unwrap_or(u32::MAX)
    }

    fn text(&self, field: Field) -> &str {
        let raw = self.index[field as usize].and_then(|i| self.record.get(i)).unwrap_or(b"");
        std::str::from_utf8(raw).unwrap_or("\u{FFFD}").trim()
    }

    fn problem(&self, field: Field, reason: Reason) -> Problem {
        Problem {
            sheet: CSV_SHEET.to_string(),
            row: self.line(),
            column: field.header(self.layout).unwrap_or_default().to_string(),
            reason,
        }
    }

    fn parse_row(&self) -> Result<Row, Problem> {
        let classification = self.text(Field::Classification).to_ascii_uppercase();
        // "HS" in the current layout, "H0".."H6" (the HS editions) in the legacy one.
        if !(classification.is_empty() || classification.starts_with('H')) {
            return Err(self
                .problem(Field::Classification, Reason::new("problem-comtrade-not-hs").arg("value", classification)));
        }
        let flow = match (self.layout, self.text(Field::Flow)) {
            (ComtradeLayout::Plus, "X") | (ComtradeLayout::Legacy, "Export") => Flow::Export,
            (ComtradeLayout::Plus, "M") | (ComtradeLayout::Legacy, "Import") => Flow::Import,
            (ComtradeLayout::Plus, "") | (ComtradeLayout::Legacy, "") => {
                return Err(self.problem(Field::Flow, Reason::new("problem-value-empty")));
            }
            (_, other) => {
                return Ok(Row::Skip(Reason::new("problem-comtrade-skip-flow").arg("flow", other)));
            }
        };
        let code_text = self.text(Field::Code);
        if code_text.eq_ignore_ascii_case("TOTAL") {
            return Ok(Row::Skip(Reason::new("problem-comtrade-skip-total")));
        }
        for (field, total) in [(Field::Partner2, "0"), (Field::TransportMode, "0"), (Field::CustomsProcedure, "C00")] {
            let value = self.text(field);
            if !value.is_empty() && value != total && !value.eq_ignore_ascii_case("null") {
                return Ok(Row::Skip(
                    Reason::new("problem-comtrade-skip-breakdown")
                        .arg("column", field.header(self.layout).unwrap_or_default())
                        .arg("value", value),
                ));
            }
        }
        let period = self.period()?;
        let reporter = match self.territory(Field::Reporter) {
            Some(t) => t,
            None => {
                return Ok(Row::Skip(
                    Reason::new("problem-comtrade-skip-reporter").arg("value", self.text(Field::Reporter)),
                ));
            }
        };
        let partner = match self.territory(Field::Partner) {
            Some(t) => t,
            None => {
                let p = self.text(Field::Partner);
                let key = if matches!(p, "W00" | "WLD") {
                    "problem-comtrade-skip-world"
                } else {
                    "problem-comtrade-skip-partner"
                };
                return Ok(Row::Skip(Reason::new(key).arg("value", p)));
            }
        };
        let code = CommodityCode::parse(code_text).map_err(|e| self.problem(Field::Code, Reason::from(&e)))?;
        let value_text = self.text(Field::Value);
        let value = number(value_text)
            .filter(|v| *v >= Decimal::ZERO)
            .and_then(|v| Money::from_decimal_rounded(v, Currency::Usd).ok())
            .ok_or_else(|| {
                self.problem(Field::Value, Reason::new("problem-trade-value-not-amount").arg("value", value_text))
            })?;
        let net_mass_kg = self.quantity(Field::NetWeight)?;
        let unit_text = self.text(Field::QtyUnit);
        let no_unit = unit_text.is_empty() || unit_text.eq_ignore_ascii_case("N/A") || unit_text == "No Quantity";
        let (supplementary_qty, supplementary_unit) = if no_unit {
            (None, None)
        } else {
            match self.quantity(Field::Qty)? {
                Some(q) => {
                    let unit = QtyUnit::parse(unit_text).map_err(|e| self.problem(Field::QtyUnit, Reason::from(&e)))?;
                    (Some(q), Some(unit))
                }
                None => (None, None),
            }
        };
        Ok(Row::Record(TradeRecord {
            period,
            flow,
            reporter,
            partner,
            code,
            value,
            net_mass_kg,
            supplementary_qty,
            supplementary_unit,
        }))
    }

    fn period(&self) -> Result<Period, Problem> {
        let annual = |field| self.problem(field, Reason::new("problem-comtrade-annual"));
        if self.text(Field::Frequency).eq_ignore_ascii_case("A") {
            return Err(annual(Field::Frequency));
        }
        let period = self.text(Field::Period);
        match period.len() {
            6 => period.parse::<YearMonth>().map(Period::Month).map_err(|_| {
                self.problem(Field::Period, Reason::new("problem-comtrade-month-invalid").arg("value", period))
            }),
            4 => Err(annual(Field::Period)),
            _ => {
                // Fall back on refYear and refMonth (52 there also means a whole year).
                let year = self.text(Field::Year).parse::<i32>().ok();
                let month = self.text(Field::Month).parse::<u32>().ok();
                match (year, month) {
                    (Some(_), Some(52)) => Err(annual(Field::Month)),
                    (Some(y), Some(m)) => YearMonth::new(y, m).map(Period::Month).ok_or_else(|| {
                        self.problem(Field::Month, Reason::new("problem-comtrade-month-invalid").arg("value", m))
                    }),
                    _ => {
                        Err(self
                            .problem(Field::Period, Reason::new("problem-comtrade-month-invalid").arg("value", period)))
                    }
                }
            }
        }
    }

    fn territory(&self, field: Field) -> Option<Territory> {
        alpha2(self.text(field)).and_then(|a2| Territory::parse(a2).ok())
    }

    fn quantity(&self, field: Field) -> Result<Option<Quantity>, Problem> {
        let text = self.text(field);
        if text.is_empty() || text.eq_ignore_ascii_case("null") {
            return Ok(None);
        }
        number(text)
            .filter(|v| *v >= Decimal::ZERO)
            .and_then(Quantity::from_decimal_rounded)
            .map(Some)
            .ok_or_else(|| self.problem(field, Reason::new("problem-number-not-non-negative").arg("value", text)))
    }

    fn skip(&mut self, reason: Reason) {
        if self.skipped.len() < MAX_SKIPPED {
            let row = self.line();
            self.skipped.push(Skipped { row, reason });
        } else {
            self.more_skipped += 1;
        }
    }
}

impl<R: Read> Iterator for ComtradeReader<R> {
    type Item = Result<TradeRecord, Problem>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.failed {
            return None;
        }
        loop {
            match self.csv.read(&mut self.record) {
                Ok(false) => return None,
                Ok(true) if self.record.iter().all(|f| f.trim_ascii().is_empty()) => continue,
                // UN Comtrade writes UTF-8; a record that is not is refused, never read with
                // U+FFFD in its fields.
                Ok(true) => {
                    if let Err(e) = std::str::from_utf8(self.record.as_slice()) {
                        let byte = self.record.as_slice()[e.valid_up_to()];
                        let reason = Reason::new("problem-text-utf8-invalid").arg("byte", format!("{byte:02X}"));
                        return Some(Err(file_problem(u64::from(self.line()), reason)));
                    }
                    match self.parse_row() {
                        Ok(Row::Record(r)) => return Some(Ok(r)),
                        Ok(Row::Skip(reason)) => self.skip(reason),
                        Err(p) => return Some(Err(p)),
                    }
                }
                Err(fault) => {
                    self.failed = true;
                    return Some(Err(fault.problem("problem-file-unreadable")));
                }
            }
        }
    }
}

/// Reads a whole Comtrade file: every record and skip note, or every problem (up to
/// [`MAX_PROBLEMS`]).
pub fn read_comtrade(bytes: &[u8]) -> Result<ComtradeFile, Vec<Problem>> {
    let mut reader = ComtradeReader::new(bytes).map_err(|p| vec![p])?;
    let mut records = Vec::new();
    let mut problems = Vec::new();
    for item in reader.by_ref() {
        match item {
            Ok(r) => records.push(r),
            Err(p) if problems.len() < MAX_PROBLEMS => problems.push(p),
            Err(_) => {}
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    Ok(ComtradeFile {
        layout: reader.layout,
        records,
        skipped: std::mem::take(&mut reader.skipped),
        more_skipped: reader.more_skipped,
    })
}

/// A decimal as Comtrade writes it: "452684213646.747", "1.2E+5".
fn number(text: &str) -> Option<Decimal> {
    if text.contains(['e', 'E']) { Decimal::from_scientific(text).ok() } else { Decimal::from_str(text).ok() }
}

fn file_problem(line: u64, reason: Reason) -> Problem {
    Problem {
        sheet: CSV_SHEET.to_string(),
        row: u32::try_from(line).unwrap_or(u32::MAX),
        column: String::new(),
        reason,
    }
}

#[cfg(test)]
mod tests;
