//! The action plan as a table: reading a government plan workbook (or CSV) into rows, and
//! writing a plan back out in the layout both sides' offices use.
//!
//! Real plans arrive in many shapes: a title block of merged cells, one or two header rows,
//! a row numbering the columns, section rows merged across the table, one shared executors
//! column or one per side, extra sheets, signatures under the table. The reader finds the
//! table by its header wherever it is and reports every row it cannot understand at once,
//! so a person fixes the file in one pass instead of one error per upload.
//!
//! Round trip: what [`write_xlsx`] or [`write_csv`] produce, [`read_xlsx`] or [`read_csv`]
//! read back to the same sections and measures. Rules that make that unambiguous:
//! - a section row is one text alone in its row; the XLSX writer merges it across the table,
//!   the CSV writer leaves the number cell empty and puts "1. Title" in the title column;
//! - a section's text is "<number> <title>"; the reader splits a leading "1." / "I." / "Раздел 2"
//!   off again, so a section without a number whose title itself starts with such a number
//!   comes back with that number split off;
//! - executors are joined with ",\n" and split back on commas, semicolons and line breaks
//!   outside quotes, so a name must not contain a bare comma outside «…» or "…";
//! - title lines are written one per row and read back one per line of text;
//! - a section with neither number nor title is not written: its measures stand before the
//!   first section row, and the reader returns them the same way.

mod grid;
mod header;
mod parse;
mod text;
mod write;

use serde::{Deserialize, Serialize};

use crate::problem::{Problem, Reason};
pub use text::split_executors;
pub use write::{write_csv, write_xlsx};

/// A plan table as read from a file, before the domain validates anything but its shape.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanTable {
    /// The sheet the table was found on ("csv" for CSV files).
    pub sheet: String,
    /// Non-empty text lines of the title block above the header, top to bottom.
    pub title_lines: Vec<String>,
    /// Sections and measures in file order.
    pub rows: Vec<PlanRow>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum PlanRow {
    Section(SectionRow),
    Measure(MeasureRow),
}

/// A section heading such as "1. Торгово-экономическое сотрудничество" (number `Some("1.")`)
/// or "Культура" (number `None`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SectionRow {
    /// 1-based row number in the file.
    pub row: u32,
    pub number: Option<String>,
    pub title: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MeasureRow {
    /// 1-based row number in the file.
    pub row: u32,
    /// As written, ending with ".": "1.", "2.1.", "2.1.1.".
    pub number: String,
    /// Trimmed; line breaks inside kept as '\n'.
    pub title: String,
    /// Verbatim (trimmed), e.g. "I квартал 2025 г."; may be empty.
    pub term: String,
    /// From a single executors column shared by both sides.
    pub executors: Vec<String>,
    /// From a Belarusian-side executors column.
    pub executors_by: Vec<String>,
    /// From a Russian (Khabarovsk) side executors column.
    pub executors_khv: Vec<String>,
    pub expected_result: Option<String>,
    pub note: Option<String>,
}

/// A plan ready to be written out.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExportTable {
    pub title_lines: Vec<String>,
    pub sections: Vec<ExportSection>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExportSection {
    /// e.g. "1." or "I."; written before the title with one space.
    pub number: Option<String>,
    pub title: String,
    pub measures: Vec<ExportMeasure>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExportMeasure {
    pub number: String,
    pub title: String,
    pub term: String,
    pub executors_by: Vec<String>,
    pub executors_khv: Vec<String>,
    pub expected_result: Option<String>,
    pub note: Option<String>,
}

/// Writing failed. Reading never returns this: a file's faults are [`Problem`]s.
#[derive(Debug, thiserror::Error)]
pub enum FormatError {
    #[error("cannot write the XLSX workbook: {0}")]
    Xlsx(#[from] rust_xlsxwriter::XlsxError),
    #[error("cannot write the CSV file: {0}")]
    Csv(#[from] csv::Error),
    #[error("cannot write the file: {0}")]
    Io(#[from] std::io::Error),
}

/// Reads a plan table from an XLSX workbook: the first sheet with a recognisable header.
pub fn read_xlsx(bytes: &[u8]) -> Result<PlanTable, Vec<Problem>> {
    let mut sheets = grid::XlsxSheets::open(bytes)?;
    let mut best: Option<header::Missing> = None;
    let mut unreadable = Vec::new();
    for name in sheets.search_order() {
        let grid = match sheets.load(&name) {
            Ok(grid) => grid,
            Err(problem) => {
                unreadable.push(problem);
                continue;
            }
        };
        match header::find(&grid) {
            Ok(found) => return parse::parse(&grid, &found),
            Err(missing) => header::keep_best(&mut best, missing),
        }
    }
    let mut problems = vec![header::no_header_problem(sheets.first_sheet(), best)];
    problems.extend(unreadable);
    Err(problems)
}

/// Reads a plan table from CSV: UTF-8 with or without BOM (UTF-16 with BOM and Windows-1251
/// are accepted too, as Excel writes them; see [`crate::encoding`] for the rule, and a file in
/// none of them is refused), delimited by semicolons, commas or tabs, whichever gives a
/// recognisable header. The sheet is called "csv". Held to [`crate::limits::CSV_LIMITS`].
pub fn read_csv(bytes: &[u8]) -> Result<PlanTable, Vec<Problem>> {
    crate::limits::check_file_size(grid::CSV_SHEET, bytes.len() as u64).map_err(|p| vec![p])?;
    let text = crate::encoding::decode(bytes).map_err(|p| vec![p])?;
    let mut best: Option<header::Missing> = None;
    for delimiter in [b';', b',', b'\t'] {
        let grid = grid::csv_grid(&text, delimiter)?;
        match header::find(&grid) {
            Ok(found) => return parse::parse(&grid, &found),
            Err(missing) => header::keep_best(&mut best, missing),
        }
    }
    Err(vec![header::no_header_problem(grid::CSV_SHEET, best)])
}
