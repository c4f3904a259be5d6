//! A sheet as a plain grid of cell values plus its merged regions, whatever file it came from.
//!
//! The header finder and the row parser work on this one shape, so XLSX and CSV follow the
//! same rules and a CSV file behaves like a workbook without merged cells.

use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::io::Cursor;

use calamine::{Data, Reader, SheetType, SheetVisible, Xlsx};

use super::text::{format_number, tidy};
use super::{Problem, Reason};

pub(crate) const CSV_SHEET: &str = "csv";

/// Merged regions can be declared far beyond the used cells (a whole row merged to XFD):
/// the grid only grows this wide to take them in.
const MAX_MERGE_WIDTH: usize = 256;

#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) enum Value {
    #[default]
    Empty,
    Text(String),
    Number(f64),
}

impl Value {
    pub(crate) fn from_text(raw: &str) -> Value {
        let text = tidy(raw);
        if text.is_empty() { Value::Empty } else { Value::Text(text) }
    }

    pub(crate) fn is_empty(&self) -> bool {
        matches!(self, Value::Empty)
    }

    /// The value as a person reads it; numbers without a trailing ".0".
    pub(crate) fn text(&self) -> String {
        match self {
            Value::Empty => String::new(),
            Value::Text(text) => text.clone(),
            Value::Number(n) => format_number(*n),
        }
    }

    fn from_cell(data: &Data) -> Value {
        match data {
            Data::Empty => Value::Empty,
            Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => Value::from_text(s),
            // Precision beyond 2^53 does not matter for plan numbers and years.
            Data::Int(i) => Value::Number(*i as f64),
            Data::Float(f) => Value::Number(*f),
            Data::Bool(b) => Value::Text(if *b { "TRUE" } else { "FALSE" }.to_string()),
            Data::DateTime(dt) => Value::Text(format_excel_datetime(dt)),
            Data::Error(e) => Value::Text(e.to_string()),
        }
    }
}

/// Terms are sometimes typed as dates ("30.06.2025"); show them as a Russian reader writes them.
fn format_excel_datetime(dt: &calamine::ExcelDateTime) -> String {
    let (year, month, day, hour, minute, _, _) = dt.to_ymd_hms_milli();
    let serial = dt.as_f64();
    if dt.is_duration() || serial < 1.0 {
        format!("{hour:02}:{minute:02}")
    } else if hour == 0 && minute == 0 {
        format!("{day:02}.{month:02}.{year:04}")
    } else {
        format!("{day:02}.{month:02}.{year:04} {hour:02}:{minute:02}")
    }
}

/// A merged region, 0-based and inclusive, as in the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Merge {
    pub first_row: usize,
    pub first_col: usize,
    pub last_row: usize,
    pub last_col: usize,
}

impl Merge {
    pub(crate) fn width(&self) -> usize {
        self.last_col - self.first_col + 1
    }
}

/// 0-based rows and columns, starting at A1 whatever the first used cell is.
#[derive(Debug, Clone)]
pub(crate) struct Grid {
    pub sheet: String,
    rows: Vec<Vec<Value>>,
    width: usize,
    merges: Vec<Merge>,
    /// Every cell inside the grid that a merge covers (its anchor included) → index in `merges`.
    covered: HashMap<(usize, usize), usize>,
}

const EMPTY: Value = Value::Empty;

impl Grid {
    pub(crate) fn new(sheet: String, rows: Vec<Vec<Value>>, merges: Vec<Merge>) -> Grid {
        let used_width = rows.iter().map(Vec::len).max().unwrap_or(0);
        let merge_width = merges.iter().map(|m| (m.last_col + 1).min(MAX_MERGE_WIDTH)).max().unwrap_or(0);
        let width = used_width.max(merge_width);
        let height = rows.len();
        let mut covered = HashMap::new();
        // Merged regions never overlap in a file Excel wrote; a merge that runs into a cell an
        // earlier one covers is not followed further, so the work stays within the grid's cells
        // however many overlapping merges a file declares (fuzzing: plan_xlsx-1).
        for (index, merge) in merges.iter().enumerate() {
            'merge: for row in merge.first_row..=merge.last_row.min(height.saturating_sub(1)) {
                for col in merge.first_col..=merge.last_col.min(width.saturating_sub(1)) {
                    match covered.entry((row, col)) {
                        Entry::Occupied(_) => break 'merge,
                        Entry::Vacant(cell) => {
                            cell.insert(index);
                        }
                    }
                }
            }
        }
        Grid { sheet, rows, width, merges, covered }
    }

    pub(crate) fn height(&self) -> usize {
        self.rows.len()
    }

    pub(crate) fn width(&self) -> usize {
        self.width
    }

    /// The cell's own value: inside a merged region only the anchor has one.
    pub(crate) fn own(&self, row: usize, col: usize) -> &Value {
        self.rows.get(row).and_then(|r| r.get(col)).unwrap_or(&EMPTY)
    }

    pub(crate) fn merge_at(&self, row: usize, col: usize) -> Option<&Merge> {
        self.covered.get(&(row, col)).and_then(|&i| self.merges.get(i))
    }

    /// The value a person sees at the cell: a merged region shows its anchor's value everywhere.
    pub(crate) fn shown(&self, row: usize, col: usize) -> &Value {
        match self.merge_at(row, col) {
            Some(m) => self.own(m.first_row, m.first_col),
            None => self.own(row, col),
        }
    }

    /// Columns with a value of their own in the row.
    pub(crate) fn filled_cols(&self, row: usize) -> Vec<usize> {
        match self.rows.get(row) {
            Some(cells) => cells.iter().enumerate().filter(|(_, v)| !v.is_empty()).map(|(c, _)| c).collect(),
            None => Vec::new(),
        }
    }
}

/// An opened workbook whose sheets are turned into grids one at a time, so that a table on the
/// first sheet does not pay for reading the rest.
pub(crate) struct XlsxSheets<'a> {
    workbook: Xlsx<Cursor<&'a [u8]>>,
    /// Every sheet in workbook order (for naming the first one in a problem).
    all: Vec<String>,
    /// Worksheets to search: visible ones first, since a hidden sheet is often an old copy.
    search: Vec<String>,
}

impl<'a> XlsxSheets<'a> {
    pub(crate) fn open(bytes: &'a [u8]) -> Result<XlsxSheets<'a>, Vec<Problem>> {
        let workbook = crate::xlsx::open(bytes).map_err(|p| vec![p])?;
        let sheets = workbook.sheets_metadata();
        let all: Vec<String> = sheets.iter().map(|s| s.name.clone()).collect();
        let worksheets = sheets.iter().filter(|s| s.typ == SheetType::WorkSheet);
        let (visible, hidden): (Vec<_>, Vec<_>) = worksheets.partition(|s| s.visible == SheetVisible::Visible);
        let search = visible.into_iter().chain(hidden).map(|s| s.name.clone()).collect();
        if all.is_empty() {
            return Err(vec![Problem {
                sheet: String::new(),
                row: 0,
                column: String::new(),
                reason: Reason::new("problem-xlsx-no-sheets"),
            }]);
        }
        Ok(XlsxSheets { workbook, all, search })
    }

    pub(crate) fn first_sheet(&self) -> &str {
        self.all.first().map(String::as_str).unwrap_or_default()
    }

    pub(crate) fn search_order(&self) -> Vec<String> {
        self.search.clone()
    }

    pub(crate) fn load(&mut self, name: &str) -> Result<Grid, Problem> {
        let range = self.workbook.worksheet_range(name).map_err(|e| Problem {
            sheet: name.to_string(),
            row: 0,
            column: String::new(),
            reason: Reason::new("problem-sheet-unreadable").arg("detail", e),
        })?;
        let mut rows: Vec<Vec<Value>> = Vec::new();
        if let Some((first_row, first_col)) = range.start() {
            let (first_row, first_col) = (first_row as usize, first_col as usize);
            for (r, c, data) in range.used_cells() {
                let value = Value::from_cell(data);
                if value.is_empty() {
                    continue;
                }
                let (row, col) = (first_row + r, first_col + c);
                if rows.len() <= row {
                    rows.resize_with(row + 1, Vec::new);
                }
                let cells = &mut rows[row];
                if cells.len() <= col {
                    cells.resize(col + 1, Value::Empty);
                }
                cells[col] = value;
            }
        }
        // A sheet whose merges cannot be read is still worth searching: merges only help.
        let merges = match self.workbook.worksheet_merge_cells(name) {
            Some(Ok(dims)) => dims
                .iter()
                .map(|d| Merge {
                    first_row: d.start.0 as usize,
                    first_col: d.start.1 as usize,
                    last_row: d.end.0 as usize,
                    last_col: d.end.1 as usize,
                })
                .filter(|m| m.last_row >= m.first_row && m.last_col >= m.first_col)
                .collect(),
            _ => Vec::new(),
        };
        Ok(Grid::new(name.to_string(), rows, merges))
    }
}

pub(crate) fn csv_grid(text: &str, delimiter: u8) -> Result<Grid, Vec<Problem>> {
    use crate::limits::{CSV_LIMITS, LimitedCsv, count_cells};
    let mut builder = csv::ReaderBuilder::new();
    builder.has_headers(false).flexible(true).delimiter(delimiter);
    let mut reader = LimitedCsv::new(&mut builder, text.as_bytes(), CSV_LIMITS);
    let mut record = csv::ByteRecord::new();
    let mut rows = Vec::new();
    let mut cells_read = 0;
    let fail = |fault: crate::limits::CsvFault| vec![fault.problem("problem-csv-unreadable")];
    while reader.read(&mut record).map_err(fail)? {
        count_cells(&mut cells_read, record.len(), reader.position().line(), &CSV_LIMITS).map_err(fail)?;
        // The text is UTF-8 and the delimiters ASCII, so every field is UTF-8 too. Our own export
        // prefixed formula-like text with `'` (see `csv_cell`): read it back as typed.
        let mut cells: Vec<Value> = record
            .iter()
            .map(|f| Value::from_text(crate::csv_cell::unescape_text_cell(&String::from_utf8_lossy(f))))
            .collect();
        while cells.last().is_some_and(Value::is_empty) {
            cells.pop();
        }
        rows.push(cells);
    }
    Ok(Grid::new(CSV_SHEET.to_string(), rows, Vec::new()))
}
