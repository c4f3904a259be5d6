//! Writing a plan in the layout the two sides' offices exchange: a title block, a two-row
//! header with one executors column per side, section rows across the table, then measures.
//!
//! The CSV has the same columns under a single header row (semicolons and a BOM, so that
//! Excel opens Cyrillic text correctly on a double click).

use rust_xlsxwriter::{Format, FormatAlign, FormatBorder, Workbook};

use crate::csv_cell::escape_text_cell;

use super::{ExportMeasure, ExportSection, ExportTable, FormatError};

const SHEET_NAME: &str = "План";
/// Column captions and widths (in characters) of the written table, left to right.
const COLUMNS: [(&str, f64); 7] = [
    ("№ п/п", 8.0),
    ("Наименование мероприятия", 50.0),
    ("Срок исполнения", 18.0),
    ("с белорусской стороны", 30.0),
    ("с российской стороны", 30.0),
    ("Ожидаемый результат", 30.0),
    ("Примечание", 20.0),
];
const EXECUTORS_CAPTION: &str = "Ответственные исполнители";
const LAST_COL: u16 = 6;
const CSV_HEADER: [&str; 7] = [
    "№ п/п",
    "Наименование мероприятия",
    "Срок исполнения",
    "Исполнители с белорусской стороны",
    "Исполнители с российской стороны",
    "Ожидаемый результат",
    "Примечание",
];
/// A4 in Excel's paper size numbering.
const PAPER_A4: u8 = 9;

/// "1. Title", "Title" when there is no number; empty when there is neither (not written).
fn section_text(section: &ExportSection) -> String {
    match section.number.as_deref().map(str::trim).filter(|n| !n.is_empty()) {
        Some(number) => format!("{number} {}", section.title.trim()).trim_end().to_string(),
        None => section.title.trim().to_string(),
    }
}

fn join_names(names: &[String]) -> String {
    names.iter().map(|n| n.trim()).filter(|n| !n.is_empty()).collect::<Vec<_>>().join(",\n")
}

fn measure_cells(measure: &ExportMeasure) -> [String; 7] {
    [
        measure.number.clone(),
        measure.title.clone(),
        measure.term.clone(),
        join_names(&measure.executors_by),
        join_names(&measure.executors_khv),
        measure.expected_result.clone().unwrap_or_default(),
        measure.note.clone().unwrap_or_default(),
    ]
}

/// Writes the plan as an XLSX workbook with one sheet, ready to print on landscape A4.
pub fn write_xlsx(table: &ExportTable) -> Result<Vec<u8>, FormatError> {
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.set_name(SHEET_NAME)?;

    let title_format = Format::new().set_bold().set_font_size(12).set_align(FormatAlign::Center).set_text_wrap();
    let header_format = Format::new()
        .set_bold()
        .set_align(FormatAlign::Center)
        .set_align(FormatAlign::VerticalCenter)
        .set_text_wrap()
        .set_border(FormatBorder::Thin);
    let section_format = Format::new()
        .set_bold()
        .set_align(FormatAlign::Center)
        .set_align(FormatAlign::VerticalCenter)
        .set_text_wrap()
        .set_border(FormatBorder::Thin);
    let cell_format = Format::new().set_align(FormatAlign::Top).set_text_wrap().set_border(FormatBorder::Thin);

    let mut row: u32 = 0;
    for line in &table.title_lines {
        sheet.merge_range(row, 0, row, LAST_COL, line, &title_format)?;
        row += 1;
    }
    if !table.title_lines.is_empty() {
        // One empty row between the title block and the table, as in the paper plans.
        row += 1;
    }

    let header_row = row;
    for (col, (caption, width)) in (0u16..).zip(COLUMNS) {
        sheet.set_column_width(col, width)?;
        if col == 3 || col == 4 {
            sheet.write_string_with_format(header_row + 1, col, caption, &header_format)?;
        } else {
            sheet.merge_range(header_row, col, header_row + 1, col, caption, &header_format)?;
        }
    }
    sheet.merge_range(header_row, 3, header_row, 4, EXECUTORS_CAPTION, &header_format)?;
    row = header_row + 2;

    for section in &table.sections {
        let text = section_text(section);
        if !text.is_empty() {
            sheet.merge_range(row, 0, row, LAST_COL, &text, &section_format)?;
            row += 1;
        }
        for measure in &section.measures {
            for (col, value) in (0u16..).zip(measure_cells(measure)) {
                if value.is_empty() {
                    sheet.write_blank(row, col, &cell_format)?;
                } else {
                    sheet.write_string_with_format(row, col, &value, &cell_format)?;
                }
            }
            row += 1;
        }
    }

    sheet.set_freeze_panes(header_row + 2, 0)?;
    sheet.set_repeat_rows(header_row, header_row + 1)?;
    sheet.set_landscape();
    sheet.set_paper_size(PAPER_A4);
    // Fit to one page wide and as many pages tall as needed.
    sheet.set_print_fit_to_pages(1, 0);
    Ok(workbook.save_to_buffer()?)
}

/// Writes the plan as semicolon-separated UTF-8 CSV with a BOM: title lines (first cell), an
/// empty row, one header row, section rows as `;1. Title;;;;;`, then measures. Every cell is
/// text and goes through [`escape_text_cell`], which [`super::read_csv`] undoes.
pub fn write_csv(table: &ExportTable) -> Result<Vec<u8>, FormatError> {
    let mut writer = csv::WriterBuilder::new()
        .delimiter(b';')
        .terminator(csv::Terminator::CRLF)
        .from_writer(b"\xEF\xBB\xBF".to_vec());
    let blank = || std::array::from_fn::<String, 7, _>(|_| String::new());
    for line in &table.title_lines {
        let mut record = blank();
        record[0] = escape_text_cell(line).into_owned();
        writer.write_record(&record)?;
    }
    if !table.title_lines.is_empty() {
        writer.write_record(blank())?;
    }
    writer.write_record(CSV_HEADER)?;
    for section in &table.sections {
        let text = section_text(section);
        if !text.is_empty() {
            let mut record = blank();
            record[1] = escape_text_cell(&text).into_owned();
            writer.write_record(&record)?;
        }
        for measure in &section.measures {
            writer.write_record(measure_cells(measure).iter().map(|cell| escape_text_cell(cell).into_owned()))?;
        }
    }
    writer.into_inner().map_err(|e| FormatError::Io(e.into_error()))
}
