//! What a CSV or JSON file may cost before it is refused (the XLSX ones are in [`crate::xlsx`]).
//!
//! A CSV reader buffers one record at a time, and a record without a line break is as long as
//! the file: a 200 MB line would be read whole into memory (and copied, decoded, split) before
//! anything looked at it. [`LimitedCsv`] reads through a guard that fails the read as soon as
//! the record being read passes [`CSV_LIMITS`]`.line_bytes`, so no record bigger than the limit
//! (plus one read buffer) is ever held; it then checks the field count of every record. Files
//! read whole (plan tables, fleet files, network and rate JSON) are first checked against
//! [`FILE_BYTES`], and JSON against [`JSON_LIMITS`] (size, and nesting depth by a scan that
//! allocates nothing) before it is parsed.
//!
//! Every refusal is a [`Problem`]: `problem-csv-too-large`, `problem-json-too-large` or
//! `problem-file-too-large`, with the limit's name, the value found and the maximum, at the row
//! where the record starts. The README's "Limits on files" lists every figure.

use std::cell::Cell;
use std::io::Read;

use crate::{Problem, Reason};

/// What a CSV file may hold.
#[derive(Debug, Clone, Copy)]
pub struct CsvLimits {
    /// Bytes of one record (a line, or several when a quoted field holds line breaks).
    pub line_bytes: u64,
    /// Fields of one record.
    pub fields: usize,
    /// Fields of all records together, for the readers that keep the whole table (plan tables,
    /// fleet files); the trade readers stream and keep no table.
    pub cells: u64,
}

pub const CSV_LIMITS: CsvLimits = CsvLimits { line_bytes: 1024 * 1024, fields: 1_000, cells: 2_000_000 };

/// What a JSON document may hold.
#[derive(Debug, Clone, Copy)]
pub struct JsonLimits {
    /// Bytes of the document.
    pub bytes: u64,
    /// Arrays and objects nested in one another.
    pub depth: u64,
}

pub const JSON_LIMITS: JsonLimits = JsonLimits { bytes: 32 * 1024 * 1024, depth: 64 };

/// Bytes of a file that is read whole into memory (plan tables, fleet files, network and rate
/// files). The same as the web's upload limit for imports; trade CSV files stream and have none.
pub const FILE_BYTES: u64 = 64 * 1024 * 1024;

fn too_large(key: &str, limit: &str, value: u64, max: u64) -> Reason {
    Reason::new(key).arg("limit", limit).arg("value", value).arg("max", max)
}

/// The refusal of a file larger than [`FILE_BYTES`] (`size` as found).
pub fn file_too_large(sheet: &str, size: u64) -> Problem {
    let reason = Reason::new("problem-file-too-large").arg("value", size).arg("max", FILE_BYTES);
    Problem { sheet: sheet.to_string(), row: 0, column: String::new(), reason }
}

/// Checks the size of a file read whole.
pub fn check_file_size(sheet: &str, size: u64) -> Result<(), Problem> {
    if size > FILE_BYTES { Err(file_too_large(sheet, size)) } else { Ok(()) }
}

/// Reads a file of at most [`FILE_BYTES`] (the size is checked before a byte is read, and the
/// read stops there should the file grow meanwhile). `Ok(Err(problem))` when it is too large.
pub fn read_file(path: &std::path::Path) -> std::io::Result<Result<Vec<u8>, Problem>> {
    let file = std::fs::File::open(path)?;
    let size = file.metadata()?.len();
    if let Err(problem) = check_file_size("", size) {
        return Ok(Err(problem));
    }
    let mut bytes = Vec::with_capacity(usize::try_from(size).unwrap_or(0));
    file.take(FILE_BYTES + 1).read_to_end(&mut bytes)?;
    Ok(check_file_size("", bytes.len() as u64).map(|()| bytes))
}

/// Checks a JSON document's size and nesting depth before it is parsed. The depth scan skips
/// strings (with their escapes) and counts `[` and `{`; it allocates nothing.
pub fn check_json(bytes: &[u8], limits: &JsonLimits) -> Result<(), Reason> {
    if bytes.len() as u64 > limits.bytes {
        return Err(too_large("problem-json-too-large", "bytes", bytes.len() as u64, limits.bytes));
    }
    let (mut depth, mut in_string, mut escaped) = (0u64, false, false);
    for &b in bytes {
        if in_string {
            match (escaped, b) {
                (true, _) => escaped = false,
                (false, b'\\') => escaped = true,
                (false, b'"') => in_string = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'[' | b'{' => {
                depth += 1;
                if depth > limits.depth {
                    return Err(too_large("problem-json-too-large", "depth", depth, limits.depth));
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    Ok(())
}

/// A reader that fails once the record being read (counted from where the CSV reader says it
/// starts) passes the limit by more than one read buffer.
pub(crate) struct Guard<R> {
    inner: R,
    delivered: u64,
    record_start: Cell<u64>,
    allowed: u64,
    tripped: bool,
}

impl<R: Read> Read for Guard<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.delivered += n as u64;
        if self.delivered.saturating_sub(self.record_start.get()) > self.allowed {
            self.tripped = true;
            return Err(std::io::Error::other("record longer than allowed"));
        }
        Ok(n)
    }
}

/// Why a record could not be read.
#[derive(Debug)]
pub(crate) enum CsvFault {
    /// Past a limit, at the line where the record starts.
    Limit { line: u64, reason: Reason },
    /// The CSV reader's own error (the callers word it as they do).
    Csv(csv::Error),
}

impl CsvFault {
    /// The line to name (1-based).
    pub(crate) fn line(&self) -> u64 {
        match self {
            CsvFault::Limit { line, .. } => *line,
            CsvFault::Csv(e) => e.position().map_or(0, |p| p.line()),
        }
    }

    /// The reason to report, `key` wording the CSV reader's own errors.
    pub(crate) fn reason(self, key: &str) -> Reason {
        match self {
            CsvFault::Limit { reason, .. } => reason,
            CsvFault::Csv(e) => Reason::new(key).arg("detail", e),
        }
    }

    /// As a problem on the pseudo sheet `csv`.
    pub(crate) fn problem(self, key: &str) -> Problem {
        let row = u32::try_from(self.line()).unwrap_or(u32::MAX);
        Problem { sheet: "csv".to_string(), row, column: String::new(), reason: self.reason(key) }
    }
}

/// A CSV reader held to [`CsvLimits`].
pub(crate) struct LimitedCsv<R: Read> {
    csv: csv::Reader<Guard<R>>,
    limits: CsvLimits,
}

/// The CSV reader's own buffer: what it may have read beyond the record it parses.
const BUFFER: usize = 64 * 1024;

impl<R: Read> LimitedCsv<R> {
    /// `builder` says the dialect (delimiter, flexible, no headers).
    pub(crate) fn new(builder: &mut csv::ReaderBuilder, reader: R, limits: CsvLimits) -> LimitedCsv<R> {
        let guard = Guard {
            inner: reader,
            delivered: 0,
            record_start: Cell::new(0),
            allowed: limits.line_bytes + 2 * BUFFER as u64,
            tripped: false,
        };
        LimitedCsv { csv: builder.buffer_capacity(BUFFER).from_reader(guard), limits }
    }

    pub(crate) fn position(&self) -> &csv::Position {
        self.csv.position()
    }

    /// Reads the next record; `Ok(false)` at the end.
    pub(crate) fn read(&mut self, record: &mut csv::ByteRecord) -> Result<bool, CsvFault> {
        let (start, line) = (self.csv.position().byte(), self.csv.position().line());
        self.csv.get_ref().record_start.set(start);
        let too_long = |value: u64, limits: &CsvLimits| CsvFault::Limit {
            line,
            reason: too_large("problem-csv-too-large", "line_bytes", value, limits.line_bytes),
        };
        match self.csv.read_byte_record(record) {
            Ok(true) => {
                let length = self.csv.position().byte().saturating_sub(start);
                if length > self.limits.line_bytes {
                    return Err(too_long(length, &self.limits));
                }
                if record.len() > self.limits.fields {
                    let reason =
                        too_large("problem-csv-too-large", "fields", record.len() as u64, self.limits.fields as u64);
                    return Err(CsvFault::Limit { line, reason });
                }
                Ok(true)
            }
            Ok(false) => Ok(false),
            Err(_) if self.csv.get_ref().tripped => {
                let read = self.csv.get_ref().delivered.saturating_sub(start);
                Err(too_long(read.saturating_sub(2 * BUFFER as u64).max(self.limits.line_bytes + 1), &self.limits))
            }
            Err(e) => Err(CsvFault::Csv(e)),
        }
    }
}

/// Counts the cells of a table kept whole against [`CsvLimits`]`.cells`.
pub(crate) fn count_cells(total: &mut u64, record: usize, line: u64, limits: &CsvLimits) -> Result<(), CsvFault> {
    *total += record as u64;
    if *total > limits.cells {
        let reason = too_large("problem-csv-too-large", "cells", *total, limits.cells);
        return Err(CsvFault::Limit { line, reason });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_all(text: &[u8], limits: CsvLimits) -> Result<usize, CsvFault> {
        let mut builder = csv::ReaderBuilder::new();
        builder.has_headers(false).flexible(true).delimiter(b';');
        let mut csv = LimitedCsv::new(&mut builder, text, limits);
        let mut record = csv::ByteRecord::new();
        let mut n = 0;
        while csv.read(&mut record)? {
            n += 1;
        }
        Ok(n)
    }

    #[test]
    fn a_long_line_is_refused_at_its_row_without_reading_it_whole() {
        let mut text = b"a;b\nc;d\n".to_vec();
        text.extend(std::iter::repeat_n(b'x', 8 * 1024 * 1024));
        let fault = read_all(&text, CSV_LIMITS).expect_err("refused");
        assert_eq!(fault.line(), 3, "the row where the long record starts");
        let reason = fault.reason("problem-csv-unreadable");
        assert_eq!(reason.key, "problem-csv-too-large");
        assert_eq!(reason.get("limit"), Some("line_bytes"));
        assert_eq!(reason.get("max"), Some("1048576"));
        // A quoted field full of line breaks is one record too.
        let mut quoted = b"a;\"".to_vec();
        quoted.extend(std::iter::repeat_n(b'\n', 3 * 1024 * 1024));
        let fault = read_all(&quoted, CSV_LIMITS).expect_err("refused");
        assert_eq!((fault.line(), fault.reason("k").get("limit").map(str::to_string)), (1, Some("line_bytes".into())));
        // Just under the limit passes.
        let small = CsvLimits { line_bytes: 100, ..CSV_LIMITS };
        let fault = read_all(&[b"y".repeat(101), b"\n".to_vec()].concat(), small).expect_err("one over");
        assert_eq!(fault.reason("k").get("value"), Some("102"), "the record with its line break");
        assert_eq!(read_all(&[b"y".repeat(99), b"\nz\n".to_vec()].concat(), small).expect("fits"), 2);
    }

    #[test]
    fn too_many_fields_are_refused_at_their_row() {
        let text = [b"a;b\n".to_vec(), b";".repeat(1_000), b"\n".to_vec()].concat();
        let fault = read_all(&text, CSV_LIMITS).expect_err("1,001 fields");
        assert_eq!(fault.line(), 2);
        let reason = fault.reason("k");
        assert_eq!(
            (reason.get("limit"), reason.get("value"), reason.get("max")),
            (Some("fields"), Some("1001"), Some("1000"))
        );
        let fine = [b"a;b\n".to_vec(), b";".repeat(999), b"\n".to_vec()].concat();
        assert_eq!(read_all(&fine, CSV_LIMITS).expect("1,000 fields"), 2);
    }

    #[test]
    fn json_size_and_depth_are_checked_before_parsing() {
        check_json(br#"{"nodes": [{"code": "MOW", "name": "[[[[[[["}]}"#, &JSON_LIMITS).expect("strings do not nest");
        let deep = crate::hostile::deep_json(100_000);
        let reason = check_json(&deep, &JSON_LIMITS).expect_err("too deep");
        assert_eq!(
            (reason.get("limit"), reason.get("value"), reason.get("max")),
            (Some("depth"), Some("65"), Some("64"))
        );
        let escaped = br#"{"a": "\"[[[[", "b": [[1]]}"#;
        check_json(escaped, &JsonLimits { depth: 3, ..JSON_LIMITS }).expect("an escaped quote keeps the string open");
        let small = JsonLimits { bytes: 10, depth: 64 };
        let reason = check_json(b"[1, 2, 3, 4, 5]", &small).expect_err("too big");
        assert_eq!((reason.get("limit"), reason.get("value")), (Some("bytes"), Some("15")));
        // serde_json's own recursion limit (128) is what the check stands before.
        assert!(serde_json::from_slice::<serde_json::Value>(&deep).is_err());
    }

    #[test]
    fn a_file_read_whole_is_checked_before_it_is_read() {
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("big.csv");
        let file = std::fs::File::create(&path).expect("file");
        file.set_len(FILE_BYTES + 1).expect("sparse file");
        let problem = read_file(&path).expect("io").expect_err("too large");
        assert_eq!(problem.reason.key, "problem-file-too-large");
        std::fs::write(&path, b"a;b\n").expect("write");
        assert_eq!(read_file(&path).expect("io").expect("small"), b"a;b\n");
    }

    #[test]
    fn the_readme_lists_every_limit_with_its_figure() {
        let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../README.md")).expect("README");
        let section = readme.split("## Limits on files").nth(1).expect("a section Limits on files");
        let section = section.split("\n## ").next().unwrap_or_default();
        let x = crate::xlsx::LIMITS;
        let mib = |n: u64| format!("{} MiB", n / (1024 * 1024));
        let rows = [
            ("`LIMITS.parts`", format!("{}", x.parts).replace("1000", "1,000")),
            ("`LIMITS.part_bytes`", mib(x.part_bytes)),
            ("`LIMITS.total_bytes`", mib(x.total_bytes)),
            ("`LIMITS.cells`", "2,000,000".to_string()),
            ("`LIMITS.columns`", x.columns.to_string()),
            ("`LIMITS.shared_strings`", "2,000,000".to_string()),
            ("`CSV_LIMITS.line_bytes`", mib(CSV_LIMITS.line_bytes)),
            ("`CSV_LIMITS.fields`", "1,000".to_string()),
            ("`CSV_LIMITS.cells`", "2,000,000".to_string()),
            ("`JSON_LIMITS.bytes`", mib(JSON_LIMITS.bytes)),
            ("`JSON_LIMITS.depth`", JSON_LIMITS.depth.to_string()),
            ("`FILE_BYTES`", mib(FILE_BYTES)),
        ];
        assert_eq!(
            (x.cells, x.shared_strings, CSV_LIMITS.fields, CSV_LIMITS.cells),
            (2_000_000, 2_000_000, 1_000, 2_000_000)
        );
        for (constant, figure) in rows {
            // The table's row, not the prose above it that names the constants too.
            let line = section
                .lines()
                .find(|l| l.starts_with('|') && l.contains(constant))
                .unwrap_or_else(|| panic!("no row for {constant}"));
            assert!(line.contains(&format!("| {figure}")), "{constant}: the README says {line}, the code {figure}");
        }
    }
}
