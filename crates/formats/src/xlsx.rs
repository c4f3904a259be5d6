//! Opening an uploaded workbook without letting it decide how much memory we spend.
//!
//! An XLSX file is a zip of XML parts, and a tiny one can declare a huge sheet: two cells, A1
//! and XFD1048576, make a reader allocate the rectangle between them (16,384 × 1,048,576 cells,
//! hundreds of gigabytes), and a few kilobytes of deflated zeros can inflate to gigabytes.
//! Before calamine sees the bytes, [`open`] reads the zip's directory and streams each
//! worksheet's XML (and the shared strings' header) counting what it would cost, and refuses
//! the file, naming the limit and the sheet, when any of [`LIMITS`] is passed. Nothing is kept
//! in memory while counting but the current XML event.

use std::io::{Cursor, Read};

use calamine::Xlsx;
use quick_xml::events::Event;

use crate::problem::{Problem, Reason};

/// What a workbook may hold. Real plans, trade templates, network and fleet workbooks are far
/// below every figure; the limits are there for files that are not.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Parts (files) in the zip.
    pub parts: usize,
    /// Uncompressed bytes of one part.
    pub part_bytes: u64,
    /// Uncompressed bytes of all parts together.
    pub total_bytes: u64,
    /// Cells of the rectangle a sheet spans (from its first to its last used cell).
    pub cells: u64,
    /// Columns a sheet may reach (column `ZZ` is the 702nd).
    pub columns: u64,
    /// Entries of the shared-string table.
    pub shared_strings: u64,
}

pub const LIMITS: Limits = Limits {
    parts: 1_000,
    part_bytes: 128 * 1024 * 1024,
    total_bytes: 256 * 1024 * 1024,
    cells: 2_000_000,
    columns: 702,
    shared_strings: 2_000_000,
};

/// A workbook's bytes opened by calamine, once they passed [`LIMITS`].
pub type Workbook<'a> = Xlsx<Cursor<&'a [u8]>>;

/// Checks `bytes` against [`LIMITS`], then opens them.
pub fn open(bytes: &[u8]) -> Result<Workbook<'_>, Problem> {
    check(bytes, &LIMITS)?;
    calamine::open_workbook_from_rs(Cursor::new(bytes)).map_err(|e| whole_file(unreadable(e)))
}

fn whole_file(reason: Reason) -> Problem {
    Problem { sheet: String::new(), row: 0, column: String::new(), reason }
}

fn unreadable(detail: impl std::fmt::Display) -> Reason {
    Reason::new("problem-xlsx-unreadable").arg("detail", detail)
}

fn too_large(limit: &str, value: u64, max: u64) -> Reason {
    Reason::new("problem-xlsx-too-large").arg("limit", limit).arg("value", value).arg("max", max)
}

/// The limits check alone (the fuzz targets and tests call it directly).
pub fn check(bytes: &[u8], limits: &Limits) -> Result<(), Problem> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| whole_file(unreadable(e)))?;
    if zip.len() > limits.parts {
        return Err(whole_file(too_large("parts", zip.len() as u64, limits.parts as u64)));
    }
    let mut total = 0u64;
    let mut sheets = Vec::new();
    for index in 0..zip.len() {
        let entry = zip.by_index_raw(index).map_err(|e| whole_file(unreadable(e)))?;
        let size = entry.size();
        if size > limits.part_bytes {
            return Err(whole_file(too_large("part_bytes", size, limits.part_bytes)));
        }
        total = total.saturating_add(size);
        let name = entry.name().to_string();
        if name.starts_with("xl/worksheets/") && name.ends_with(".xml") {
            sheets.push(name);
        }
    }
    if total > limits.total_bytes {
        return Err(whole_file(too_large("total_bytes", total, limits.total_bytes)));
    }
    if let Ok(entry) = zip.by_name("xl/sharedStrings.xml") {
        let count = shared_string_count(entry, limits)?;
        if count > limits.shared_strings {
            return Err(whole_file(too_large("shared_strings", count, limits.shared_strings)));
        }
    }
    let names = sheet_names(&mut zip);
    for part in sheets {
        let sheet = names.iter().find(|(_, target)| *target == part).map_or_else(|| part.clone(), |(n, _)| n.clone());
        let entry = zip.by_name(&part).map_err(|e| whole_file(unreadable(e)))?;
        let extent = sheet_extent(entry, limits).map_err(|reason| Problem {
            sheet: sheet.clone(),
            row: 0,
            column: String::new(),
            reason,
        })?;
        if extent.columns > limits.columns {
            let reason = too_large("columns", extent.columns, limits.columns);
            return Err(Problem { sheet, row: 0, column: String::new(), reason });
        }
        if extent.cells() > limits.cells {
            let reason = too_large("cells", extent.cells(), limits.cells);
            return Err(Problem { sheet, row: 0, column: String::new(), reason });
        }
    }
    Ok(())
}

/// Reads at most `limit` bytes of a part, failing past it (a part may inflate beyond what the
/// directory declares).
struct Bounded<R> {
    inner: R,
    left: u64,
}

impl<R: Read> Read for Bounded<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.left == 0 {
            let mut probe = [0u8; 1];
            return match self.inner.read(&mut probe)? {
                0 => Ok(0),
                _ => Err(std::io::Error::other("part larger than allowed")),
            };
        }
        let max = buf.len().min(usize::try_from(self.left).unwrap_or(usize::MAX));
        let n = self.inner.read(&mut buf[..max])?;
        self.left -= n as u64;
        Ok(n)
    }
}

fn xml_reader<R: Read>(part: R, limits: &Limits) -> quick_xml::Reader<std::io::BufReader<Bounded<R>>> {
    let bounded = Bounded { inner: part, left: limits.part_bytes };
    quick_xml::Reader::from_reader(std::io::BufReader::new(bounded))
}

/// The largest count the shared-string table declares (`count`, `uniqueCount`), which readers
/// use to reserve memory.
fn shared_string_count<R: Read>(part: R, limits: &Limits) -> Result<u64, Problem> {
    let mut reader = xml_reader(part, limits);
    let mut buf = Vec::new();
    loop {
        match reader.read_event_into(&mut buf) {
            Ok(Event::Start(e) | Event::Empty(e)) if e.local_name().as_ref() == b"sst" => {
                let mut most = 0u64;
                for attr in e.attributes().flatten() {
                    if matches!(attr.key.as_ref(), b"count" | b"uniqueCount") {
                        let value = std::str::from_utf8(&attr.value).ok().and_then(|v| v.trim().parse::<u64>().ok());
                        most = most.max(value.unwrap_or(u64::MAX));
                    }
                }
                return Ok(most);
            }
            Ok(Event::Eof) => return Ok(0),
            Ok(_) => {}
            Err(e) => return Err(whole_file(unreadable(e))),
        }
        buf.clear();
    }
}

/// Sheet names by their part (`xl/worksheets/sheet1.xml`), from the workbook and its relations.
fn sheet_names(zip: &mut zip::ZipArchive<Cursor<&[u8]>>) -> Vec<(String, String)> {
    let mut read = |name: &str| -> Option<String> {
        let mut text = String::new();
        let entry = zip.by_name(name).ok()?;
        Bounded { inner: entry, left: LIMITS.part_bytes }.read_to_string(&mut text).ok()?;
        Some(text)
    };
    let (Some(workbook), Some(rels)) = (read("xl/workbook.xml"), read("xl/_rels/workbook.xml.rels")) else {
        return Vec::new();
    };
    let attrs = |xml: &str, element: &[u8], keys: [&[u8]; 2]| -> Vec<(String, String)> {
        let mut reader = quick_xml::Reader::from_str(xml);
        let mut out = Vec::new();
        loop {
            match reader.read_event() {
                Ok(Event::Start(e) | Event::Empty(e)) if e.local_name().as_ref() == element => {
                    let mut found = [String::new(), String::new()];
                    for attr in e.attributes().flatten() {
                        for (slot, key) in keys.iter().enumerate() {
                            if attr.key.as_ref() == *key || attr.key.local_name().as_ref() == *key {
                                found[slot] = String::from_utf8_lossy(&attr.value).to_string();
                            }
                        }
                    }
                    let [a, b] = found;
                    out.push((a, b));
                }
                Ok(Event::Eof) | Err(_) => return out,
                Ok(_) => {}
            }
        }
    };
    let targets = attrs(&rels, b"Relationship", [b"Id", b"Target"]);
    attrs(&workbook, b"sheet", [b"name", b"id"])
        .into_iter()
        .filter_map(|(name, id)| {
            let target = &targets.iter().find(|(rid, _)| *rid == id)?.1;
            let part = match target.strip_prefix('/') {
                Some(absolute) => absolute.to_string(),
                None => format!("xl/{target}"),
            };
            Some((name, part))
        })
        .collect()
}

/// The rectangle a sheet's cells span, 1-based.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
struct Extent {
    first_row: u64,
    last_row: u64,
    first_column: u64,
    last_column: u64,
    columns: u64,
}

impl Extent {
    fn take(&mut self, row: u64, column: u64) {
        if self.last_row == 0 {
            (self.first_row, self.first_column) = (row, column);
        }
        self.first_row = self.first_row.min(row);
        self.first_column = self.first_column.min(column);
        self.last_row = self.last_row.max(row);
        self.last_column = self.last_column.max(column);
        self.columns = self.columns.max(column);
    }

    fn cells(&self) -> u64 {
        if self.last_row == 0 {
            return 0;
        }
        let rows = self.last_row - self.first_row + 1;
        let columns = self.last_column - self.first_column + 1;
        rows.saturating_mul(columns)
    }
}

/// A cell reference (`B12`) as (row, column), 1-based; `None` when it is not one.
fn cell_ref(text: &[u8]) -> Option<(u64, u64)> {
    let letters = text.iter().take_while(|b| b.is_ascii_alphabetic()).count();
    if letters == 0 || letters > 3 || letters == text.len() {
        return None;
    }
    let column = text[..letters].iter().fold(0u64, |n, b| n * 26 + u64::from(b.to_ascii_uppercase() - b'A' + 1));
    let row = std::str::from_utf8(&text[letters..]).ok()?.parse::<u64>().ok()?;
    (row > 0).then_some((row, column))
}

/// Streams a worksheet's XML: the declared dimension and every row and cell position.
fn sheet_extent<R: Read>(part: R, limits: &Limits) -> Result<Extent, Reason> {
    let mut reader = xml_reader(part, limits);
    let mut buf = Vec::new();
    let mut extent = Extent::default();
    let (mut row, mut column) = (0u64, 0u64);
    loop {
        match reader.read_event_into(&mut buf) {
            Ok(Event::Start(e) | Event::Empty(e)) => match e.local_name().as_ref() {
                b"dimension" => {
                    let declared =
                        e.attributes().flatten().find(|a| a.key.as_ref() == b"ref").map(|a| a.value.to_vec());
                    if let Some(declared) = declared {
                        for corner in declared.split(|b| *b == b':') {
                            if let Some((r, c)) = cell_ref(corner) {
                                extent.take(r, c);
                            }
                        }
                    }
                }
                b"row" => {
                    let given = e.attributes().flatten().find(|a| a.key.as_ref() == b"r");
                    row = given
                        .and_then(|a| std::str::from_utf8(&a.value).ok().and_then(|v| v.parse::<u64>().ok()))
                        .unwrap_or(row + 1);
                    column = 0;
                }
                b"c" => {
                    let given = e.attributes().flatten().find(|a| a.key.as_ref() == b"r");
                    match given.and_then(|a| cell_ref(&a.value)) {
                        Some((r, c)) => (row, column) = (r, c),
                        None => column += 1,
                    }
                    extent.take(row.max(1), column.max(1));
                    if extent.columns > limits.columns || extent.cells() > limits.cells {
                        return Ok(extent);
                    }
                }
                _ => {}
            },
            Ok(Event::Eof) => return Ok(extent),
            Ok(_) => {}
            Err(e) => return Err(unreadable(e)),
        }
        buf.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hostile::{declared_range_bomb, workbook};

    #[test]
    fn two_far_apart_cells_are_refused_before_any_allocation() {
        let bomb = declared_range_bomb();
        assert!(bomb.len() < 5_000, "a few kilobytes: {}", bomb.len());
        let problem = check(&bomb, &LIMITS).expect_err("refused");
        assert_eq!(problem.reason.key, "problem-xlsx-too-large");
        assert_eq!(problem.reason.get("limit"), Some("columns"));
        assert_eq!(problem.sheet, "План", "the sheet is named");
        // Without a declared dimension the cells themselves give it away.
        let undeclared = workbook(None, &[("A1", "x"), ("ZZ2000000", "y")]);
        let problem = check(&undeclared, &LIMITS).expect_err("refused");
        assert_eq!(problem.reason.get("limit"), Some("cells"));
        assert!(open(&undeclared).is_err());
    }

    #[test]
    fn an_ordinary_sheet_passes_and_opens() {
        let fine = workbook(Some("A1:C3"), &[("A1", "№"), ("B2", "Поставки"), ("C3", "2026")]);
        check(&fine, &LIMITS).expect("within the limits");
        use calamine::Reader;
        let mut book = open(&fine).expect("opens");
        let range = book.worksheet_range("План").expect("sheet");
        assert_eq!(range.get_value((1, 1)).map(ToString::to_string).as_deref(), Some("Поставки"));
    }

    #[test]
    fn a_part_that_inflates_beyond_the_limit_is_refused() {
        let small = Limits { part_bytes: 1_000, total_bytes: 1_000_000, ..LIMITS };
        let big_text = "a".repeat(5_000);
        let book = workbook(Some("A1"), &[("A1", &big_text)]);
        let problem = check(&book, &small).expect_err("refused");
        assert_eq!(problem.reason.get("limit"), Some("part_bytes"));
    }

    #[test]
    fn what_is_not_a_zip_is_unreadable_not_a_crash() {
        let problem = check(b"<html>not a workbook</html>", &LIMITS).expect_err("refused");
        assert_eq!(problem.reason.key, "problem-xlsx-unreadable");
        assert!(check(&[], &LIMITS).is_err());
    }

    #[test]
    fn cell_references() {
        assert_eq!(cell_ref(b"A1"), Some((1, 1)));
        assert_eq!(cell_ref(b"XFD1048576"), Some((1_048_576, 16_384)));
        assert_eq!(cell_ref(b"zz10"), Some((10, 702)));
        assert_eq!(cell_ref(b"A0"), None);
        assert_eq!(cell_ref(b"1A"), None);
        assert_eq!(cell_ref(b"ABCD1"), None);
    }
}
