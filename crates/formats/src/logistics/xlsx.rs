//! The logistics network as an XLSX workbook: one sheet per entity (`nodes`, `legs`,
//! `products`), one row per item, one column per field.
//!
//! Nested fields are flattened into columns named by their JSON path (`transit_days.typical`,
//! `cost_per_container.amount`); lists of numbers or names are comma-separated
//! (`months_open`: `7, 8, 9`), and a node's dwell list, which has its own structure, is a JSON
//! text cell. Each row is rebuilt as the JSON item the document reader takes, so the two formats
//! share one set of rules. An empty cell leaves the field out (an optional field, or a required
//! one reported as missing). Problems name the sheet, the row as Excel numbers it and the column.

use super::LogisticsDocument;
use crate::{Problem, Reason};
use calamine::{Data, Reader, Xlsx};
use rust_xlsxwriter::{Format, Workbook, XlsxError};
use serde::de::DeserializeOwned;
use serde_json::{Map, Number, Value};
use std::io::Cursor;

/// How a column's cells map to JSON.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Cell {
    Text,
    Number,
    Bool,
    /// `7, 8, 9` ⇄ `[7, 8, 9]`.
    Numbers,
    /// `reefer, plant` ⇄ `["reefer", "plant"]`.
    Names,
    /// A JSON value as text.
    Json,
}

struct Column {
    path: &'static str,
    cell: Cell,
}

const fn col(path: &'static str, cell: Cell) -> Column {
    Column { path, cell }
}

const NODES: &[Column] = &[
    col("code", Cell::Text),
    col("name_ru", Cell::Text),
    col("name_en", Cell::Text),
    col("kind", Cell::Text),
    col("country", Cell::Text),
    col("time_zone", Cell::Text),
    col("handling_per_container.amount", Cell::Text),
    col("handling_per_container.currency", Cell::Text),
    col("storage_per_container_day.amount", Cell::Text),
    col("storage_per_container_day.currency", Cell::Text),
    col("cold_storage.min_c", Cell::Number),
    col("cold_storage.max_c", Cell::Number),
    col("dwell", Cell::Json),
    col("source", Cell::Text),
];

const LEGS: &[Column] = &[
    col("from", Cell::Text),
    col("to", Cell::Text),
    col("mode", Cell::Text),
    col("distance_km", Cell::Number),
    col("transit_days.min", Cell::Number),
    col("transit_days.typical", Cell::Number),
    col("transit_days.max", Cell::Number),
    col("cost_per_container.amount", Cell::Text),
    col("cost_per_container.currency", Cell::Text),
    col("cost_per_tonne.amount", Cell::Text),
    col("cost_per_tonne.currency", Cell::Text),
    col("reefer.min_c", Cell::Number),
    col("reefer.max_c", Cell::Number),
    col("months_open", Cell::Numbers),
    col("capacity_per_week", Cell::Number),
    col("source", Cell::Text),
];

const PRODUCTS: &[Column] = &[
    col("key", Cell::Text),
    col("code", Cell::Text),
    col("name_ru", Cell::Text),
    col("name_en", Cell::Text),
    col("unit", Cell::Text),
    col("value_per_unit.amount", Cell::Text),
    col("value_per_unit.currency", Cell::Text),
    col("mass_per_unit_kg", Cell::Text),
    col("units_per_container", Cell::Text),
    col("regime", Cell::Text),
    col("shelf_life.days", Cell::Number),
    col("shelf_life.min_left_on_arrival", Cell::Number),
    col("cargo", Cell::Names),
    col("reduced_vat_food", Cell::Bool),
    col("source", Cell::Text),
];

/// The sheets, in the order they are written.
const SHEETS: [(&str, &[Column]); 3] = [("nodes", NODES), ("legs", LEGS), ("products", PRODUCTS)];

/// The sheets a workbook may hold.
pub const SHEET_NAMES: [&str; 3] = ["nodes", "legs", "products"];

fn lookup<'a>(v: &'a Value, path: &str) -> Option<&'a Value> {
    path.split('.').try_fold(v, |v, k| v.get(k))
}

fn cell_text(v: &Value, cell: Cell) -> Option<String> {
    match (v, cell) {
        (Value::Null, _) => None,
        (Value::Array(items), Cell::Numbers | Cell::Names) => Some(
            items
                .iter()
                .map(|i| match i {
                    Value::String(s) => s.clone(),
                    other => other.to_string(),
                })
                .collect::<Vec<_>>()
                .join(", "),
        ),
        (_, Cell::Json) => Some(v.to_string()),
        (Value::String(s), _) => Some(s.clone()),
        (other, _) => Some(other.to_string()),
    }
}

/// Writes the network and products as a workbook.
pub fn write_xlsx(doc: &LogisticsDocument) -> Result<Vec<u8>, XlsxError> {
    let mut book = Workbook::new();
    let bold = Format::new().set_bold();
    for (name, columns) in SHEETS {
        let items: Result<Vec<Value>, serde_json::Error> = match name {
            "nodes" => doc.nodes.iter().map(serde_json::to_value).collect(),
            "legs" => doc.legs.iter().map(serde_json::to_value).collect(),
            _ => doc.products.iter().map(serde_json::to_value).collect(),
        };
        let items = items.map_err(|e| XlsxError::ParameterError(e.to_string()))?;
        let sheet = book.add_worksheet().set_name(name)?;
        for (c, column) in columns.iter().enumerate() {
            sheet.write_string_with_format(0, c as u16, column.path, &bold)?;
        }
        for (r, item) in items.iter().enumerate() {
            let row = r as u32 + 1;
            for (c, column) in columns.iter().enumerate() {
                let Some(v) = lookup(item, column.path) else { continue };
                match (v, column.cell) {
                    (Value::Number(n), Cell::Number) => match n.as_f64() {
                        Some(f) => sheet.write_number(row, c as u16, f)?,
                        None => sheet.write_string(row, c as u16, n.to_string())?,
                    },
                    (Value::Bool(b), Cell::Bool) => sheet.write_boolean(row, c as u16, *b)?,
                    _ => match cell_text(v, column.cell) {
                        Some(text) => sheet.write_string(row, c as u16, text)?,
                        None => continue,
                    },
                };
            }
        }
        sheet.set_freeze_panes(1, 0)?;
    }
    book.save_to_buffer()
}

/// A cell as text: numbers as the shortest decimal that reads back to the stored double.
fn data_text(data: &Data) -> String {
    match data {
        Data::Empty => String::new(),
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => s.trim().to_string(),
        Data::Float(f) => format!("{f}"),
        Data::Int(i) => i.to_string(),
        Data::Bool(b) => b.to_string(),
        Data::DateTime(dt) => {
            let (year, month, day, ..) = dt.to_ymd_hms_milli();
            format!("{year:04}-{month:02}-{day:02}")
        }
        Data::Error(e) => format!("#{e:?}"),
    }
}

fn number(text: &str) -> Result<Value, Reason> {
    let t = text.trim().replace(',', ".");
    if let Ok(i) = t.parse::<i64>() {
        return Ok(Value::Number(i.into()));
    }
    t.parse::<f64>()
        .ok()
        .and_then(Number::from_f64)
        .map(Value::Number)
        .ok_or_else(|| Reason::new("problem-number-invalid").arg("value", text))
}

fn cell_value(text: &str, cell: Cell) -> Result<Value, Reason> {
    match cell {
        Cell::Text => Ok(Value::String(text.to_string())),
        Cell::Number => number(text),
        Cell::Bool => match text.trim().to_lowercase().as_str() {
            "true" | "1" | "yes" | "да" => Ok(Value::Bool(true)),
            "false" | "0" | "no" | "нет" => Ok(Value::Bool(false)),
            _ => Err(Reason::new("problem-logistics-not-yes-no").arg("value", text)),
        },
        Cell::Numbers => text.split([',', ';']).map(str::trim).filter(|s| !s.is_empty()).map(number).collect(),
        Cell::Names => Ok(Value::Array(
            text.split([',', ';'])
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(|s| Value::String(s.to_string()))
                .collect(),
        )),
        Cell::Json => {
            crate::limits::check_json(text.as_bytes(), &crate::limits::JSON_LIMITS)?;
            serde_json::from_str(text).map_err(|e| Reason::new("problem-logistics-not-json").arg("detail", e))
        }
    }
}

fn insert(object: &mut Map<String, Value>, path: &str, value: Value) {
    match path.split_once('.') {
        None => {
            object.insert(path.to_string(), value);
        }
        Some((head, rest)) => {
            let inner = object.entry(head.to_string()).or_insert_with(|| Value::Object(Map::new()));
            if let Value::Object(map) = inner {
                insert(map, rest, value);
            }
        }
    }
}

fn problem(sheet: &str, row: usize, column: &str, reason: Reason) -> Problem {
    Problem {
        sheet: sheet.to_string(),
        row: u32::try_from(row).unwrap_or(u32::MAX),
        column: column.to_string(),
        reason,
    }
}

fn read_sheet<T: DeserializeOwned>(
    book: &mut Xlsx<Cursor<&[u8]>>,
    sheet: &str,
    columns: &[Column],
    problems: &mut Vec<Problem>,
) -> Vec<T> {
    let range = match book.worksheet_range(sheet) {
        Ok(r) => r,
        Err(e) => {
            problems.push(problem(sheet, 0, "", Reason::new("problem-sheet-unreadable").arg("detail", e)));
            return Vec::new();
        }
    };
    let first_row = range.start().map_or(0, |(r, _)| r as usize);
    let mut rows = range.rows().enumerate();
    let Some((_, header)) = rows.next() else { return Vec::new() };
    let header: Vec<String> = header.iter().map(data_text).collect();
    let mut at: Vec<(usize, &Column)> = Vec::new();
    for (i, name) in header.iter().enumerate() {
        if name.is_empty() {
            continue;
        }
        match columns.iter().find(|c| c.path.eq_ignore_ascii_case(name)) {
            Some(c) => at.push((i, c)),
            None => problems.push(problem(sheet, first_row + 1, name, Reason::new("problem-logistics-unknown-column"))),
        }
    }
    let mut out = Vec::new();
    for (i, cells) in rows {
        let excel_row = first_row + i + 1;
        if cells.iter().all(|c| data_text(c).is_empty()) {
            continue;
        }
        let mut object = Map::new();
        let mut ok = true;
        for (index, column) in &at {
            let text = cells.get(*index).map(data_text).unwrap_or_default();
            if text.is_empty() {
                continue;
            }
            match cell_value(&text, column.cell) {
                Ok(v) => insert(&mut object, column.path, v),
                Err(reason) => {
                    problems.push(problem(sheet, excel_row, column.path, reason));
                    ok = false;
                }
            }
        }
        if !ok {
            continue;
        }
        match T::deserialize(Value::Object(object)) {
            Ok(item) => out.push(item),
            Err(e) => {
                let reason = e.to_string();
                // serde names the field it missed; point at its column when it is one.
                let column = columns
                    .iter()
                    .map(|c| c.path)
                    .find(|p| reason.contains(&format!("`{}`", p.split('.').next().unwrap_or(p))))
                    .unwrap_or("");
                let reason = if reason.starts_with("missing field") {
                    Reason::new("problem-value-empty")
                } else {
                    Reason::new("problem-logistics-item-invalid").arg("detail", reason)
                };
                problems.push(problem(sheet, excel_row, column, reason));
            }
        }
    }
    out
}

/// Reads the sheets a workbook has (at least one of nodes, legs, products). Every problem
/// names its sheet, row and column.
pub fn read_xlsx(bytes: &[u8]) -> Result<(LogisticsDocument, Vec<&'static str>), Vec<Problem>> {
    let mut book = crate::xlsx::open(bytes).map_err(|p| vec![p])?;
    let names = book.sheet_names();
    let mut problems = Vec::new();
    let mut doc = LogisticsDocument::default();
    let mut present = Vec::new();
    for name in &names {
        if !SHEET_NAMES.iter().any(|s| s.eq_ignore_ascii_case(name)) {
            problems.push(problem(name, 0, "", Reason::new("problem-logistics-unknown-sheet")));
        }
    }
    for (sheet, columns) in SHEETS {
        let Some(actual) = names.iter().find(|n| n.eq_ignore_ascii_case(sheet)).cloned() else { continue };
        present.push(sheet);
        match sheet {
            "nodes" => doc.nodes = read_sheet(&mut book, &actual, columns, &mut problems),
            "legs" => doc.legs = read_sheet(&mut book, &actual, columns, &mut problems),
            _ => doc.products = read_sheet(&mut book, &actual, columns, &mut problems),
        }
    }
    if present.is_empty() && problems.is_empty() {
        problems.push(problem("", 0, "", Reason::new("problem-logistics-no-sheets")));
    }
    if problems.is_empty() { Ok((doc, present)) } else { Err(problems) }
}

/// The sheet and Excel row of a document path like `legs[12]` (row 1 is the header).
pub fn path_to_row(path: &str) -> Option<(&'static str, u32)> {
    let (section, rest) = path.split_once('[')?;
    let index: u32 = rest.split(']').next()?.parse().ok()?;
    let sheet = SHEET_NAMES.into_iter().find(|s| *s == section)?;
    Some((sheet, index + 2))
}
