//! The quarterly briefing pack: what the two sides look at during the videoconference. The
//! caller (web or CLI) decides the content and translates every word; this module only sets
//! it, the same content three ways: a PDF in the Russian administrative style (Typst, fonts
//! embedded, page numbers, table headers repeated on every page, charts as vector graphics),
//! an XLSX workbook with one sheet per table, and a printable HTML page.

use crate::pdf::{self, Document, PdfError};
use rust_xlsxwriter::{Format, FormatAlign, Workbook, XlsxError};
use serde::Serialize;

/// The whole pack, already in the reader's language.
#[derive(Debug, Clone, Serialize)]
pub struct Briefing {
    /// "ru" or "en": hyphenation and quotes follow it.
    pub lang: String,
    /// Who prepares the pack, above the title ("Координационный совет ...").
    pub issuer: String,
    pub title: String,
    pub subtitle: String,
    /// The reporting period in words: "III квартал 2025 г.".
    pub period: String,
    /// The meeting, when one is scheduled: date and time on both sides.
    pub meeting: Option<String>,
    /// The last line of the title page: "Могилёв — Хабаровск, 2025".
    pub place_and_date: String,
    pub sections: Vec<Section>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Section {
    pub title: String,
    pub intro: Option<String>,
    pub tables: Vec<Table>,
    pub charts: Vec<Chart>,
    pub note: Option<String>,
}

impl Section {
    pub fn new(title: impl Into<String>) -> Section {
        Section { title: title.into(), intro: None, tables: Vec::new(), charts: Vec::new(), note: None }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Table {
    /// The worksheet's name in the XLSX version (Excel allows 31 characters).
    pub sheet: String,
    pub caption: Option<String>,
    pub columns: Vec<Column>,
    /// Cells as text, already formatted for the reader; each row has one cell per column.
    pub rows: Vec<Vec<String>>,
    /// When set, the PDF prints this note in place of the rows (a table too long to set on
    /// paper in reasonable time, such as the annex of a plan of thousands of measures); the
    /// XLSX and HTML versions carry the rows. The note must say where they are.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pdf_note: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Column {
    pub title: String,
    /// A share of the table's width relative to the other columns.
    pub width: f32,
    pub align: Align,
}

impl Column {
    pub fn text(title: impl Into<String>, width: f32) -> Column {
        Column { title: title.into(), width, align: Align::Left }
    }
    pub fn number(title: impl Into<String>, width: f32) -> Column {
        Column { title: title.into(), width, align: Align::Right }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Align {
    Left,
    Right,
}

/// A chart as SVG (see `charts` and `trade_charts`), with its caption.
#[derive(Debug, Clone, Serialize)]
pub struct Chart {
    pub title: String,
    pub svg: String,
}

#[derive(Debug, thiserror::Error)]
pub enum BriefingError {
    #[error(transparent)]
    Pdf(#[from] PdfError),
    #[error("the workbook could not be written: {0}")]
    Xlsx(#[from] XlsxError),
    #[error("table {sheet:?}: row {row} has {cells} cells for {columns} columns")]
    Ragged { sheet: String, row: usize, cells: usize, columns: usize },
    #[error("the pack could not be serialised: {0}")]
    Json(#[from] serde_json::Error),
}

impl Briefing {
    /// Every table's rows match its columns: a mismatch would shift cells silently.
    fn check(&self) -> Result<(), BriefingError> {
        for table in self.sections.iter().flat_map(|s| &s.tables) {
            if let Some((row, cells)) =
                table.rows.iter().enumerate().find(|(_, r)| r.len() != table.columns.len()).map(|(i, r)| (i, r.len()))
            {
                return Err(BriefingError::Ragged {
                    sheet: table.sheet.clone(),
                    row: row + 1,
                    cells,
                    columns: table.columns.len(),
                });
            }
        }
        Ok(())
    }
}

const TEMPLATE: &str = include_str!("../templates/briefing.typ");

/// The JSON the template reads: the pack with each chart replaced by its file name.
#[derive(Serialize)]
struct TemplateData<'a> {
    #[serde(flatten)]
    briefing: &'a Briefing,
    sections: Vec<TemplateSection<'a>>,
}

#[derive(Serialize)]
struct TemplateSection<'a> {
    title: &'a str,
    intro: Option<&'a str>,
    tables: Vec<TemplateTable<'a>>,
    charts: Vec<TemplateChart<'a>>,
    note: Option<&'a str>,
}

/// A table as the template reads it: no rows where the PDF prints a note instead.
#[derive(Serialize)]
struct TemplateTable<'a> {
    caption: Option<&'a str>,
    columns: &'a [Column],
    rows: &'a [Vec<String>],
    pdf_note: Option<&'a str>,
}

#[derive(Serialize)]
struct TemplateChart<'a> {
    title: &'a str,
    file: String,
}

/// The pack as a PDF dated `today`.
pub fn to_pdf(briefing: &Briefing, today: chrono::NaiveDate) -> Result<Vec<u8>, BriefingError> {
    briefing.check()?;
    let mut files = Vec::new();
    let mut sections = Vec::with_capacity(briefing.sections.len());
    for section in &briefing.sections {
        let mut charts = Vec::with_capacity(section.charts.len());
        for chart in &section.charts {
            let file = format!("chart-{}.svg", files.len() + 1);
            files.push((file.clone(), chart.svg.as_bytes().to_vec()));
            charts.push(TemplateChart { title: &chart.title, file });
        }
        sections.push(TemplateSection {
            title: &section.title,
            intro: section.intro.as_deref(),
            tables: section
                .tables
                .iter()
                .map(|t| TemplateTable {
                    caption: t.caption.as_deref(),
                    columns: &t.columns,
                    rows: if t.pdf_note.is_some() { &[] } else { &t.rows },
                    pdf_note: t.pdf_note.as_deref(),
                })
                .collect(),
            charts,
            note: section.note.as_deref(),
        });
    }
    // `sections` in TemplateData shadows the flattened briefing's own.
    let mut data = serde_json::to_value(TemplateData { briefing, sections: Vec::new() })?;
    data["sections"] = serde_json::to_value(&sections)?;
    files.push(("data.json".to_string(), serde_json::to_vec(&data)?));
    Ok(pdf::render(Document { source: TEMPLATE, files, today })?)
}

/// The pack's tables as a workbook: a title sheet, then one sheet per table, headers frozen.
pub fn to_xlsx(briefing: &Briefing) -> Result<Vec<u8>, BriefingError> {
    briefing.check()?;
    let mut workbook = Workbook::new();
    let bold = Format::new().set_bold();
    let header = Format::new()
        .set_bold()
        .set_text_wrap()
        .set_background_color("#E6E6E6")
        .set_border_bottom(rust_xlsxwriter::FormatBorder::Thin);
    let wrap = Format::new().set_text_wrap().set_align(FormatAlign::Top);
    let right = Format::new().set_align(FormatAlign::Right).set_align(FormatAlign::Top);

    let cover = workbook.add_worksheet();
    cover.set_name(sheet_name(&briefing.lang_title_sheet(), &mut Vec::new()))?;
    cover.set_column_width(0, 100)?;
    let lines = [&briefing.issuer, &briefing.title, &briefing.subtitle, &briefing.period];
    for (row, line) in lines.iter().enumerate() {
        cover.write_string_with_format(row as u32, 0, line.as_str(), &bold)?;
    }
    let mut row = lines.len() as u32;
    if let Some(meeting) = &briefing.meeting {
        cover.write_string(row, 0, meeting)?;
        row += 1;
    }
    cover.write_string(row, 0, &briefing.place_and_date)?;

    let mut used = vec![briefing.lang_title_sheet()];
    for table in briefing.sections.iter().flat_map(|s| &s.tables) {
        let sheet = workbook.add_worksheet();
        sheet.set_name(sheet_name(&table.sheet, &mut used))?;
        let mut first = 0;
        if let Some(caption) = &table.caption {
            sheet.write_string_with_format(0, 0, caption, &bold)?;
            first = 1;
        }
        for (c, column) in table.columns.iter().enumerate() {
            let c = c as u16;
            sheet.write_string_with_format(first, c, &column.title, &header)?;
            sheet.set_column_width(c, f64::from(column.width.clamp(0.5, 8.0)) * 12.0)?;
        }
        for (r, cells) in table.rows.iter().enumerate() {
            let r = first + 1 + r as u32;
            for (c, (cell, column)) in cells.iter().zip(&table.columns).enumerate() {
                let c = c as u16;
                match column.align {
                    Align::Right => match number_of(cell) {
                        Some(value) => sheet.write_number_with_format(r, c, value, &right)?,
                        None => sheet.write_string_with_format(r, c, cell, &right)?,
                    },
                    Align::Left => sheet.write_string_with_format(r, c, cell, &wrap)?,
                };
            }
        }
        sheet.set_freeze_panes(first + 1, 0)?;
    }
    Ok(workbook.save_to_buffer()?)
}

impl Briefing {
    fn lang_title_sheet(&self) -> String {
        if self.lang == "en" { "Title".to_string() } else { "Титул".to_string() }
    }
}

/// A figure as the page writes it ("1 234,5", "12,5 %", "-3.2%") as a number for a spreadsheet
/// cell; `None` for text such as "—" or "2025Q3".
fn number_of(cell: &str) -> Option<f64> {
    let cleaned: String = cell
        .trim()
        .trim_end_matches('%')
        .trim_end()
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '\u{a0}' && *c != '\u{202f}')
        .map(|c| if c == ',' { '.' } else { c })
        .collect();
    if cleaned.is_empty() || !cleaned.chars().any(|c| c.is_ascii_digit()) {
        return None;
    }
    if !cleaned.chars().all(|c| c.is_ascii_digit() || matches!(c, '.' | '-' | '+')) {
        return None;
    }
    cleaned.parse().ok()
}

/// A unique worksheet name of at most 31 characters without the characters Excel forbids.
fn sheet_name(wanted: &str, used: &mut Vec<String>) -> String {
    let wanted = wanted.trim();
    let clean: String =
        wanted.chars().map(|c| if matches!(c, '[' | ']' | ':' | '*' | '?' | '/' | '\\') { '-' } else { c }).collect();
    let base: String = clean.chars().take(28).collect();
    let mut name = base.clone();
    let mut n = 2;
    while used.iter().any(|u| u.eq_ignore_ascii_case(&name)) {
        name = format!("{base} {n}");
        n += 1;
    }
    used.push(name.clone());
    name
}

fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// The pack as one printable HTML page (charts inline, no scripts, no outside resources).
pub fn to_html(briefing: &Briefing) -> Result<String, BriefingError> {
    briefing.check()?;
    let mut html = String::with_capacity(64 * 1024);
    html.push_str(&format!(
        "<!doctype html><html lang=\"{}\"><head><meta charset=\"utf-8\"><title>{}</title><style>{}</style></head><body>",
        escape(&briefing.lang),
        escape(&briefing.title),
        HTML_STYLE
    ));
    html.push_str("<header class=\"cover\">");
    html.push_str(&format!("<p>{}</p>", escape(&briefing.issuer)));
    html.push_str(&format!("<h1>{}</h1>", escape(&briefing.title)));
    html.push_str(&format!("<p class=\"subtitle\">{}</p>", escape(&briefing.subtitle)));
    html.push_str(&format!("<p class=\"period\">{}</p>", escape(&briefing.period)));
    if let Some(meeting) = &briefing.meeting {
        html.push_str(&format!("<p>{}</p>", escape(meeting)));
    }
    html.push_str(&format!("<p>{}</p></header>", escape(&briefing.place_and_date)));
    for section in &briefing.sections {
        html.push_str(&format!("<section><h2>{}</h2>", escape(&section.title)));
        if let Some(intro) = &section.intro {
            html.push_str(&format!("<p>{}</p>", escape(intro)));
        }
        for table in &section.tables {
            html.push_str("<table>");
            if let Some(caption) = &table.caption {
                html.push_str(&format!("<caption>{}</caption>", escape(caption)));
            }
            html.push_str("<thead><tr>");
            for column in &table.columns {
                html.push_str(&format!("<th scope=\"col\">{}</th>", escape(&column.title)));
            }
            html.push_str("</tr></thead><tbody>");
            for row in &table.rows {
                html.push_str("<tr>");
                for (cell, column) in row.iter().zip(&table.columns) {
                    let class = if column.align == Align::Right { " class=\"num\"" } else { "" };
                    html.push_str(&format!("<td{class}>{}</td>", escape(cell)));
                }
                html.push_str("</tr>");
            }
            html.push_str("</tbody></table>");
        }
        for chart in &section.charts {
            // The SVG is ours (crate::charts), built with escaped text.
            html.push_str(&format!("<figure>{}<figcaption>{}</figcaption></figure>", chart.svg, escape(&chart.title)));
        }
        if let Some(note) = &section.note {
            html.push_str(&format!("<p class=\"note\">{}</p>", escape(note)));
        }
        html.push_str("</section>");
    }
    html.push_str("</body></html>");
    Ok(html)
}

const HTML_STYLE: &str = "body{font-family:'Liberation Serif','Times New Roman',serif;max-width:60em;margin:2em auto;padding:0 1em;color:#111}\
.cover{text-align:center;margin-bottom:3em}.cover h1{text-transform:uppercase;font-size:1.4em}.period{font-weight:bold}\
h2{font-size:1.15em;margin-top:2em}table{border-collapse:collapse;width:100%;margin:.8em 0;font-size:.9em}\
th,td{border:1px solid #888;padding:.25em .4em;vertical-align:top;text-align:left}th{background:#e6e6e6}\
td.num{text-align:right;white-space:nowrap}caption{text-align:left;font-style:italic;padding:.3em 0}\
figure{margin:1em 0}figcaption{font-style:italic;text-align:center}.note{font-style:italic;font-size:.9em}\
@media print{body{margin:0;max-width:none}section{break-inside:auto}thead{display:table-header-group}tr{break-inside:avoid}}";

#[cfg(test)]
mod tests {
    use super::*;

    fn pack(rows: usize) -> Briefing {
        let table = Table {
            pdf_note: None,
            sheet: "Мероприятия".into(),
            caption: Some("Раздел 1. Торгово-экономическое сотрудничество".into()),
            columns: vec![
                Column::text("№", 0.6),
                Column::text("Мероприятие", 4.0),
                Column::text("Статус", 1.4),
                Column::number("Выполнено, %", 1.0),
            ],
            rows: (1..=rows)
                .map(|i| {
                    vec![
                        format!("1.{i}."),
                        format!("Мероприятие <{i}> & «кавычки»"),
                        "выполняется".into(),
                        format!("{},5", i % 100),
                    ]
                })
                .collect(),
        };
        Briefing {
            lang: "ru".into(),
            issuer: "Могилёвский облисполком — Правительство Хабаровского края".into(),
            title: "Справочные материалы".into(),
            subtitle: "к видеоконференции по реализации Плана мероприятий".into(),
            period: "III квартал 2025 г.".into(),
            meeting: Some("15.10.2025 10:00 (Минск) / 17:00 (Хабаровск)".into()),
            place_and_date: "Могилёв — Хабаровск, 2025".into(),
            sections: vec![Section {
                tables: vec![table],
                charts: vec![Chart {
                    title: "Ход выполнения".into(),
                    svg: crate::charts::percent_bars(
                        "Ход выполнения",
                        &[crate::charts::Bar {
                            label: "Торговля".into(), percent: 42.0, caption: "42 %".into()
                        }],
                    ),
                }],
                ..Section::new("Ход выполнения плана")
            }],
        }
    }

    #[test]
    fn pdf_has_the_headings_numbers_and_pages() {
        let bytes = to_pdf(&pack(120), chrono::NaiveDate::from_ymd_opt(2025, 10, 1).expect("date")).expect("pdf");
        assert!(bytes.starts_with(b"%PDF-"));
        if let Ok(path) = std::env::var("ACCORD_KEEP_PDF") {
            let _ = std::fs::write(path, &bytes);
        }
        let Some(text) = crate::testing::pdf_text(&bytes) else { return };
        assert!(text.contains("СПРАВОЧНЫЕ МАТЕРИАЛЫ"), "title page");
        assert!(text.contains("III квартал 2025 г."));
        assert!(text.contains("Мероприятие <120> & «кавычки»"), "text set literally, not as markup");
        // 120 rows need several pages: the header row is repeated and pages are numbered.
        assert!(text.matches("Статус").count() >= 3, "the header row repeated on each of the table's pages");
        let pages: Vec<&str> = text.split('\u{c}').filter(|p| !p.trim().is_empty()).collect();
        assert!(pages.len() >= 3, "{} pages", pages.len());
        for (i, page) in pages.iter().enumerate().skip(1) {
            let first = page.lines().map(str::trim).find(|l| !l.is_empty());
            assert_eq!(first, Some((i + 1).to_string().as_str()), "page {} is numbered at the top", i + 1);
        }
        assert!(!pages[0].lines().any(|l| l.trim() == "1"), "the title page has no number");
    }

    #[test]
    fn xlsx_has_one_sheet_per_table_with_numbers_as_numbers() {
        let bytes = to_xlsx(&pack(3)).expect("xlsx");
        assert!(bytes.starts_with(b"PK"));
        let text = String::from_utf8_lossy(&bytes);
        assert!(!text.is_empty());
        assert_eq!(number_of("1\u{a0}234,5"), Some(1234.5));
        assert_eq!(number_of("-3.2%"), Some(-3.2));
        assert_eq!(number_of("12,5\u{a0}%"), Some(12.5));
        assert_eq!(number_of("—"), None);
        assert_eq!(number_of("2025Q3"), None);
        let mut used = Vec::new();
        assert_eq!(sheet_name("Раздел: торговля/экономика", &mut used), "Раздел- торговля-экономика");
        assert_eq!(sheet_name("Раздел: торговля/экономика", &mut used), "Раздел- торговля-экономика 2");
    }

    #[test]
    fn html_escapes_text_and_keeps_charts() {
        let html = to_html(&pack(2)).expect("html");
        assert!(html.contains("Мероприятие &lt;2&gt; &amp; «кавычки»"));
        assert!(html.contains("<svg") && html.contains("<thead>"));
    }

    #[test]
    fn a_table_left_to_the_workbook_is_a_note_in_the_pdf_and_rows_elsewhere() {
        let mut briefing = pack(40);
        briefing.sections[0].tables[0].pdf_note = Some("Полный перечень — в версии XLSX, лист «Мероприятия».".into());
        let bytes = to_pdf(&briefing, chrono::NaiveDate::from_ymd_opt(2025, 10, 1).expect("date")).expect("pdf");
        if let Some(text) = crate::testing::pdf_text(&bytes) {
            assert!(text.contains("Полный перечень — в версии XLSX"), "the note says where the rows are");
            assert!(!text.contains("Мероприятие <7>"), "no row in the PDF");
        }
        assert!(to_html(&briefing).expect("html").contains("Мероприятие &lt;40&gt;"), "the HTML keeps the rows");
        let xlsx = to_xlsx(&briefing).expect("xlsx");
        let mut book: calamine::Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(xlsx)).expect("book");
        use calamine::Reader;
        let sheet = book.worksheet_range("Мероприятия").expect("the table's sheet");
        assert_eq!(sheet.height(), 42, "caption, header and all 40 rows");
    }

    #[test]
    fn a_ragged_table_is_refused() {
        let mut briefing = pack(2);
        briefing.sections[0].tables[0].rows[1].pop();
        let error = to_pdf(&briefing, chrono::NaiveDate::from_ymd_opt(2025, 10, 1).expect("date")).expect_err("ragged");
        assert!(matches!(error, BriefingError::Ragged { row: 2, cells: 3, columns: 4, .. }), "{error}");
    }
}
