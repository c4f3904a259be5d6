//! Files made to hurt a reader, built in memory: the workbook that declares a sheet of every
//! cell Excel has, the file that is one endless line, the JSON that nests without end. The
//! readers' own tests, the doors' stories and `accord bench hostile` send these through every
//! import to show they are refused early and cheaply.

use std::io::{Cursor, Write};

const CONTENT_TYPES: &str = r#"<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>"#;
const ROOT_RELS: &str = r#"<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#;
const WORKBOOK: &str = r#"<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="План" sheetId="1" r:id="rId1"/></sheets></workbook>"#;
const WORKBOOK_RELS: &str = r#"<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>"#;

/// A minimal workbook whose one sheet, "План", holds `cells` (reference, text) and declares
/// `dimension` (or none).
pub fn workbook(dimension: Option<&str>, cells: &[(&str, &str)]) -> Vec<u8> {
    let dimension = dimension.map(|d| format!(r#"<dimension ref="{d}"/>"#)).unwrap_or_default();
    let rows: String = cells
        .iter()
        .map(|(reference, text)| {
            let row: String = reference.chars().skip_while(char::is_ascii_alphabetic).collect();
            format!(r#"<row r="{row}"><c r="{reference}" t="inlineStr"><is><t>{text}</t></is></c></row>"#)
        })
        .collect();
    let sheet = format!(
        r#"<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">{dimension}<sheetData>{rows}</sheetData></worksheet>"#
    );
    let parts = [
        ("[Content_Types].xml", CONTENT_TYPES),
        ("_rels/.rels", ROOT_RELS),
        ("xl/workbook.xml", WORKBOOK),
        ("xl/_rels/workbook.xml.rels", WORKBOOK_RELS),
        ("xl/worksheets/sheet1.xml", sheet.as_str()),
    ];
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let written: zip::result::ZipResult<()> = parts.iter().try_for_each(|(name, text)| {
        zip.start_file(*name, zip::write::SimpleFileOptions::default())?;
        Ok(zip.write_all(text.as_bytes())?)
    });
    // A zip written into memory has no device to fail on; the parts are a handful of fixed
    // names, far from any of zip's own limits.
    written.and_then(|()| zip.finish()).map(Cursor::into_inner).unwrap_or_default()
}

/// The declared-range bomb: under 5 KB, two cells, A1 and XFD1048576, and a dimension that
/// spans the whole sheet (16,384 × 1,048,576 cells). calamine allocates that rectangle when
/// nothing stops it first.
pub fn declared_range_bomb() -> Vec<u8> {
    workbook(Some("A1:XFD1048576"), &[("A1", "x"), ("XFD1048576", "y")])
}

/// `header`, a line break, then `bytes` bytes of one line without a break.
pub fn long_line(header: &str, bytes: usize) -> Vec<u8> {
    let mut file = Vec::with_capacity(header.len() + 1 + bytes);
    file.extend_from_slice(header.as_bytes());
    file.push(b'\n');
    file.resize(file.len() + bytes, b'x');
    file
}

/// Lists nested `depth` deep: `[[[…]]]`.
pub fn deep_json(depth: usize) -> Vec<u8> {
    [b"[".repeat(depth), b"]".repeat(depth)].concat()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_samples_are_what_they_say() {
        let bomb = declared_range_bomb();
        assert!(bomb.starts_with(b"PK") && bomb.len() < 5_000, "{} bytes", bomb.len());
        let line = long_line("a;b", 10);
        assert_eq!(line, b"a;b\nxxxxxxxxxx");
        assert_eq!(deep_json(2), b"[[]]");
    }
}
