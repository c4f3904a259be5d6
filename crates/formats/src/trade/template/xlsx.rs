//! The template as an XLSX workbook.
//!
//! XLSX keeps numbers as binary doubles. A cell's number is turned back into the shortest
//! decimal text that reproduces the stored double (what Excel itself displays) and then parsed
//! exactly like CSV text, so 1234.56 typed into Excel is 123456 cents, never 123455.99999.
//! Amounts beyond 15 significant digits do not survive Excel either way: type them as text.

use accord_domain::trade::TradeRecord;
use calamine::{Data, Reader, SheetType};

use super::columns::Layout;
use super::{MAX_PROBLEMS, RowParser, TemplateColumn};
use crate::{Problem, Reason};

/// How many rows from the top the header is looked for in.
const HEADER_SEARCH_ROWS: usize = 20;

/// Reads every data row of the first worksheet that has a template header; all records, or
/// every problem (up to [`MAX_PROBLEMS`]).
pub fn read_template_xlsx(bytes: &[u8]) -> Result<Vec<TradeRecord>, Vec<Problem>> {
    let problem = |sheet: &str, row: usize, column: &str, reason: Reason| Problem {
        sheet: sheet.to_string(),
        row: u32::try_from(row).unwrap_or(u32::MAX),
        column: column.to_string(),
        reason,
    };
    let mut workbook = crate::xlsx::open(bytes).map_err(|p| vec![p])?;
    let sheets: Vec<String> =
        workbook.sheets_metadata().iter().filter(|s| s.typ == SheetType::WorkSheet).map(|s| s.name.clone()).collect();
    let mut first_reason = None;
    for sheet in &sheets {
        let range = workbook
            .worksheet_range(sheet)
            .map_err(|e| vec![problem(sheet, 0, "", Reason::new("problem-sheet-unreadable").arg("detail", e))])?;
        let rows: Vec<Vec<String>> = range.rows().map(|cells| cells.iter().map(cell_text).collect()).collect();
        let first_row = range.start().map_or(0, |(r, _)| r as usize);
        let mut found = None;
        for (i, cells) in rows.iter().take(HEADER_SEARCH_ROWS).enumerate() {
            match Layout::resolve(cells) {
                Ok(layout) => {
                    found = Some((i, layout));
                    break;
                }
                Err(reason) if first_reason.is_none() && cells.iter().any(|c| !c.is_empty()) => {
                    first_reason = Some((sheet.clone(), reason));
                }
                Err(_) => {}
            }
        }
        let Some((header_at, layout)) = found else { continue };
        let period_col = layout.index(TemplateColumn::Period);
        let mut parser = RowParser::utf8();
        let mut records = Vec::new();
        let mut problems = Vec::new();
        for (i, (cells, data)) in rows.iter().zip(range.rows()).enumerate().skip(header_at + 1) {
            if cells.iter().all(|c| c.trim().is_empty()) {
                continue;
            }
            // Excel turns a typed "2025-03" into 1 March 2025: take the month back.
            let month = period_col.and_then(|c| data.get(c)).and_then(first_of_month);
            let field = |c: TemplateColumn| -> &[u8] {
                match (&month, c) {
                    (Some(m), TemplateColumn::Period) => m.as_bytes(),
                    _ => layout.index(c).and_then(|i| cells.get(i)).map_or(&b""[..], |s| s.as_bytes()),
                }
            };
            match parser.parse(field) {
                Ok(record) => records.push(record),
                Err((column, reason)) if problems.len() < MAX_PROBLEMS => {
                    problems.push(problem(sheet, first_row + i + 1, layout.name(column), reason));
                }
                Err(_) => {}
            }
        }
        return if problems.is_empty() { Ok(records) } else { Err(problems) };
    }
    let (sheet, reason) = first_reason
        .unwrap_or_else(|| (sheets.first().cloned().unwrap_or_default(), Reason::new("problem-template-no-header")));
    Err(vec![problem(&sheet, 0, "", reason)])
}

/// "2025-03" for a date cell on the first of a month at midnight.
fn first_of_month(data: &Data) -> Option<String> {
    let Data::DateTime(dt) = data else { return None };
    let (year, month, day, hour, minute, second, _) = dt.to_ymd_hms_milli();
    (day == 1 && hour == 0 && minute == 0 && second == 0 && !dt.is_duration()).then(|| format!("{year:04}-{month:02}"))
}

/// A cell as the text the template parser reads.
fn cell_text(data: &Data) -> String {
    match data {
        Data::Empty => String::new(),
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        // Rust prints the shortest decimal that reads back to the same double, never with an
        // exponent: exactly the digits Excel shows.
        Data::Float(f) => format!("{f}"),
        Data::Int(i) => i.to_string(),
        Data::Bool(b) => if *b { "TRUE" } else { "FALSE" }.to_string(),
        Data::DateTime(dt) => {
            let (year, month, day, ..) = dt.to_ymd_hms_milli();
            format!("{year:04}-{month:02}-{day:02}")
        }
        Data::Error(e) => format!("#{e:?}"),
    }
}
