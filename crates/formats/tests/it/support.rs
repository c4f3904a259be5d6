//! Helpers for building test workbooks and reading results compactly.

use accord_formats::{ExportMeasure, ExportSection, ExportTable, MeasureRow, PlanRow, PlanTable, SectionRow};
use rust_xlsxwriter::{Format, Workbook, Worksheet};

pub fn text(sheet: &mut Worksheet, row: u32, col: u16, value: &str) {
    sheet.write_string(row, col, value).expect("write a test cell");
}

pub fn number(sheet: &mut Worksheet, row: u32, col: u16, value: f64) {
    sheet.write_number(row, col, value).expect("write a test cell");
}

pub fn merged(sheet: &mut Worksheet, rows: (u32, u32), cols: (u16, u16), value: &str) {
    sheet.merge_range(rows.0, cols.0, rows.1, cols.1, value, &Format::new()).expect("merge test cells");
}

/// Writes a row of texts from column A; empty strings leave the cell empty.
pub fn row(sheet: &mut Worksheet, row: u32, values: &[&str]) {
    for (col, value) in (0u16..).zip(values) {
        if !value.is_empty() {
            text(sheet, row, col, value);
        }
    }
}

pub fn save(mut workbook: Workbook) -> Vec<u8> {
    workbook.save_to_buffer().expect("save the test workbook")
}

pub fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| s.to_string()).collect()
}

pub fn sections(table: &PlanTable) -> Vec<&SectionRow> {
    table
        .rows
        .iter()
        .filter_map(|r| match r {
            PlanRow::Section(s) => Some(s),
            PlanRow::Measure(_) => None,
        })
        .collect()
}

pub fn measures(table: &PlanTable) -> Vec<&MeasureRow> {
    table
        .rows
        .iter()
        .filter_map(|r| match r {
            PlanRow::Measure(m) => Some(m),
            PlanRow::Section(_) => None,
        })
        .collect()
}

pub fn measure<'a>(table: &'a PlanTable, number: &str) -> &'a MeasureRow {
    measures(table).into_iter().find(|m| m.number == number).unwrap_or_else(|| panic!("no measure {number}"))
}

/// Groups read rows the way the export was built: measures before any section row go into
/// a section with neither number nor title.
pub fn to_export(table: &PlanTable) -> ExportTable {
    let mut sections: Vec<ExportSection> = Vec::new();
    for row in &table.rows {
        match row {
            PlanRow::Section(s) => {
                sections.push(ExportSection { number: s.number.clone(), title: s.title.clone(), measures: Vec::new() })
            }
            PlanRow::Measure(m) => {
                if sections.is_empty() {
                    sections.push(ExportSection { number: None, title: String::new(), measures: Vec::new() });
                }
                assert!(m.executors.is_empty(), "a written plan has no shared executors column");
                let measure = ExportMeasure {
                    number: m.number.clone(),
                    title: m.title.clone(),
                    term: m.term.clone(),
                    executors_by: m.executors_by.clone(),
                    executors_khv: m.executors_khv.clone(),
                    expected_result: m.expected_result.clone(),
                    note: m.note.clone(),
                };
                if let Some(last) = sections.last_mut() {
                    last.measures.push(measure);
                }
            }
        }
    }
    ExportTable { title_lines: table.title_lines.clone(), sections }
}
