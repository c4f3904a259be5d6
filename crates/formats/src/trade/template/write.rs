//! Writing the template: blank (for people to fill in) and with records (for the generator
//! and for exports that must read back in).

use std::borrow::Cow;
use std::io::Write;

use accord_domain::trade::{Lang, TradeRecord};
use rust_xlsxwriter::{Format, FormatAlign, FormatBorder, Workbook};

use super::TemplateColumn;
use crate::FormatError;
use crate::csv_cell::escape_text_cell;

/// The blank template as CSV: the header only. In Russian it is written as Excel on a Russian
/// system expects to open it (UTF-8 with a BOM, semicolons); in English with commas.
pub fn write_template_csv(mut writer: impl Write, lang: Lang) -> Result<(), FormatError> {
    let delimiter = match lang {
        Lang::Ru => {
            writer.write_all(b"\xEF\xBB\xBF")?;
            b';'
        }
        Lang::En => b',',
    };
    let mut csv = csv::WriterBuilder::new().delimiter(delimiter).from_writer(writer);
    csv.write_record(TemplateColumn::ALL.iter().map(|c| cell_bytes(escape_text_cell(c.header(lang)))))?;
    csv.flush()?;
    Ok(())
}

/// Records in the template's CSV layout (English header, commas, decimal points, codes with
/// spaces), which [`super::TemplateCsvReader`] reads back to the same records.
pub fn write_template_records_csv<'a>(
    writer: impl Write,
    records: impl IntoIterator<Item = &'a TradeRecord>,
) -> Result<(), FormatError> {
    let mut csv = csv::WriterBuilder::new().buffer_capacity(1 << 16).from_writer(writer);
    csv.write_record(TemplateColumn::ALL.iter().map(|c| c.key()))?;
    for r in records {
        let fields = record_fields(r);
        csv.write_record(escaped_fields(&fields))?;
    }
    csv.flush()?;
    Ok(())
}

/// The columns of [`record_fields`] that are numbers: written as they are, so a negative amount
/// stays a number; every other column is text and goes through [`escape_text_cell`].
const NUMERIC_FIELDS: [usize; 3] = [5, 7, 8];

pub(super) fn escaped_fields(fields: &[String; 10]) -> impl Iterator<Item = Cow<'_, [u8]>> {
    fields.iter().enumerate().map(|(i, field)| {
        if NUMERIC_FIELDS.contains(&i) { Cow::Borrowed(field.as_bytes()) } else { cell_bytes(escape_text_cell(field)) }
    })
}

/// A cell as the CSV writer takes it.
fn cell_bytes(cell: Cow<'_, str>) -> Cow<'_, [u8]> {
    match cell {
        Cow::Borrowed(text) => Cow::Borrowed(text.as_bytes()),
        Cow::Owned(text) => Cow::Owned(text.into_bytes()),
    }
}

pub(super) fn record_fields(r: &TradeRecord) -> [String; 10] {
    [
        r.period.to_string(),
        r.flow.to_string(),
        r.reporter.to_string(),
        r.partner.to_string(),
        r.code.spaced().to_string(),
        r.value.amount_text(),
        r.value.currency.to_string(),
        r.net_mass_kg.map(|q| q.to_string()).unwrap_or_default(),
        r.supplementary_qty.map(|q| q.to_string()).unwrap_or_default(),
        r.supplementary_unit.map(|u| u.to_string()).unwrap_or_default(),
    ]
}

/// The blank template as an XLSX workbook: a data sheet with the header (period and code
/// columns formatted as text, so Excel keeps "0401" and "2025-03" as typed) and a sheet
/// explaining each column.
pub fn write_template_xlsx(lang: Lang) -> Result<Vec<u8>, FormatError> {
    let mut workbook = Workbook::new();
    let header = Format::new().set_bold().set_text_wrap().set_align(FormatAlign::Top).set_border(FormatBorder::Thin);
    let text = Format::new().set_num_format("@");
    let (data_name, help_name) = match lang {
        Lang::Ru => ("Данные", "Инструкция"),
        Lang::En => ("Data", "Instructions"),
    };
    let data = workbook.add_worksheet();
    data.set_name(data_name)?;
    for (col, column) in TemplateColumn::ALL.iter().enumerate() {
        let col = col as u16;
        let width = match column {
            TemplateColumn::Reporter | TemplateColumn::Partner | TemplateColumn::QtyUnit => 22.0,
            TemplateColumn::Code | TemplateColumn::Value | TemplateColumn::NetMassKg | TemplateColumn::Qty => 16.0,
            _ => 13.0,
        };
        data.set_column_width(col, width)?;
        if matches!(
            column,
            TemplateColumn::Period | TemplateColumn::Code | TemplateColumn::Reporter | TemplateColumn::Partner
        ) {
            data.set_column_format(col, &text)?;
        }
        data.write_string_with_format(0, col, column.header(lang), &header)?;
    }
    data.set_freeze_panes(1, 0)?;

    let help = workbook.add_worksheet();
    help.set_name(help_name)?;
    let titles = match lang {
        Lang::Ru => ["Столбец", "Обязательный", "Что указывать", "Пример"],
        Lang::En => ["Column", "Required", "Content", "Example"],
    };
    for (col, title) in titles.iter().enumerate() {
        help.write_string_with_format(0, col as u16, *title, &header)?;
    }
    for (i, column) in TemplateColumn::ALL.iter().enumerate() {
        let row = i as u32 + 1;
        let required = match (column.required(), lang) {
            (true, Lang::Ru) => "да",
            (false, Lang::Ru) => "нет",
            (true, Lang::En) => "yes",
            (false, Lang::En) => "no",
        };
        help.write_string(row, 0, column.header(lang))?;
        help.write_string(row, 1, required)?;
        help.write_string(row, 2, column.description(lang))?;
        help.write_string(row, 3, column.example())?;
    }
    help.set_column_width(0, 28.0)?;
    help.set_column_width(1, 14.0)?;
    help.set_column_width(2, 80.0)?;
    help.set_column_width(3, 16.0)?;
    Ok(workbook.save_to_buffer()?)
}
