//! Reading a trade file for an import, whatever door it came through: format detection, the
//! parallel read of a large template CSV, aggregation, and the fingerprint that makes a
//! repeated import a no-op. Pure file work: the application layer decides who may import and
//! stores what was read.

use super::{ComtradeReader, MAX_PROBLEMS, Progress, Skipped, TemplateCsvReader, read_template_xlsx};
use crate::{Problem, Reason};
use accord_domain::trade::{Aggregator, TradeRecord};
use sha2::{Digest, Sha256};
use std::fs::File;
use std::io::{BufRead, BufReader, Read, Seek, SeekFrom};
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};

/// Files at least this large are read by two threads, each half with its own aggregator. The
/// web upload limit is the same, so a file gets the same fingerprint whichever way it came.
pub const SPLIT_AT: u64 = 64 * 1024 * 1024;

/// Which layout a trade file is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TradeFormat {
    Auto,
    Comtrade,
    Template,
}

impl TradeFormat {
    pub fn parse(text: &str) -> Option<TradeFormat> {
        match text.trim().to_ascii_lowercase().as_str() {
            "auto" => Some(TradeFormat::Auto),
            "comtrade" => Some(TradeFormat::Comtrade),
            "template" => Some(TradeFormat::Template),
            _ => None,
        }
    }
}

/// A trade file read and aggregated, not yet stored.
pub struct TradeRead {
    pub aggregator: Aggregator,
    pub rows_read: u64,
    /// `comtrade`, `template-csv` or `template-xlsx`.
    pub format: &'static str,
    /// SHA-256 of the file (of its two halves' digests when read in two parts).
    pub fingerprint: String,
    /// Rows left out on purpose (Comtrade world totals, re-exports), with why (at most
    /// `MAX_SKIPPED`).
    pub skipped: Vec<Skipped>,
    /// Rows left out beyond those in `skipped`.
    pub more_skipped: u64,
}

#[derive(Debug, thiserror::Error)]
pub enum TradeReadError {
    #[error("cannot read {path}: {reason}")]
    Io { path: String, reason: String },
    /// What is wrong, row by row (at most `MAX_PROBLEMS`; `more` counts the rest).
    #[error("{} problem(s) in the file", .problems.len() as u64 + .more)]
    Problems { problems: Vec<Problem>, more: u64 },
}

impl TradeReadError {
    fn problems(mut problems: Vec<Problem>, more: u64) -> TradeReadError {
        problems.sort_by_key(|p| p.row);
        let extra = problems.len().saturating_sub(MAX_PROBLEMS) as u64;
        problems.truncate(MAX_PROBLEMS);
        TradeReadError::Problems { problems, more: more + extra }
    }
}

fn io_error(path: &Path) -> impl FnOnce(std::io::Error) -> TradeReadError + '_ {
    move |e| TradeReadError::Io { path: path.display().to_string(), reason: e.to_string() }
}

fn hex(digest: impl AsRef<[u8]>) -> String {
    digest.as_ref().iter().map(|b| format!("{b:02x}")).collect()
}

/// Which layout a CSV's first line announces: Comtrade names its columns `flowCode` (current)
/// or `Trade Flow` (legacy); anything else is taken for accord's template.
fn sniff(first_line: &[u8]) -> TradeFormat {
    let line = String::from_utf8_lossy(first_line).to_ascii_lowercase();
    if line.contains("flowcode") || line.contains("trade flow") { TradeFormat::Comtrade } else { TradeFormat::Template }
}

fn is_xlsx(name: &str, bytes: &[u8]) -> bool {
    name.to_ascii_lowercase().ends_with(".xlsx") || bytes.starts_with(b"PK\x03\x04")
}

fn aggregate_all(records: &[TradeRecord], sheet: &str) -> Result<Aggregator, TradeReadError> {
    let mut aggregator = Aggregator::new();
    for (i, record) in records.iter().enumerate() {
        aggregator.add(record).map_err(|e| {
            TradeReadError::problems(
                vec![Problem {
                    sheet: sheet.to_string(),
                    row: u32::try_from(i + 2).unwrap_or(u32::MAX),
                    column: String::new(),
                    reason: Reason::from(&e),
                }],
                0,
            )
        })?;
    }
    Ok(aggregator)
}

/// Reads a file already in memory (a web upload, a small file).
pub fn read_trade_bytes(name: &str, bytes: &[u8], format: TradeFormat) -> Result<TradeRead, TradeReadError> {
    let fingerprint = hex(Sha256::digest(bytes));
    if is_xlsx(name, bytes) {
        if format == TradeFormat::Comtrade {
            return Err(TradeReadError::problems(vec![file_problem(Reason::new("problem-comtrade-not-csv"))], 0));
        }
        let records = read_template_xlsx(bytes).map_err(|p| TradeReadError::problems(p, 0))?;
        let aggregator = aggregate_all(&records, "XLSX")?;
        return Ok(TradeRead {
            aggregator,
            rows_read: records.len() as u64,
            format: "template-xlsx",
            fingerprint,
            skipped: Vec::new(),
            more_skipped: 0,
        });
    }
    let first_line = bytes.split(|b| *b == b'\n').next().unwrap_or_default();
    let format = if format == TradeFormat::Auto { sniff(first_line) } else { format };
    let mut read = match format {
        TradeFormat::Comtrade => read_comtrade_from(bytes)?,
        _ => read_template_part(bytes, |_| {})?,
    };
    read.fingerprint = fingerprint;
    Ok(read)
}

fn file_problem(reason: Reason) -> Problem {
    Problem { sheet: "csv".to_string(), row: 0, column: String::new(), reason }
}

fn read_comtrade_from(reader: impl Read) -> Result<TradeRead, TradeReadError> {
    let mut comtrade = ComtradeReader::new(reader).map_err(|p| TradeReadError::problems(vec![p], 0))?;
    let mut aggregator = Aggregator::new();
    let mut problems = Vec::new();
    let mut rows = 0u64;
    for item in comtrade.by_ref() {
        rows += 1;
        match item {
            Ok(record) => {
                if let Err(e) = aggregator.add(&record) {
                    problems.push(file_problem(Reason::from(&e)));
                }
            }
            Err(problem) => problems.push(problem),
        }
    }
    if !problems.is_empty() {
        return Err(TradeReadError::problems(problems, 0));
    }
    Ok(TradeRead {
        aggregator,
        rows_read: rows,
        format: "comtrade",
        fingerprint: String::new(),
        skipped: comtrade.skipped().to_vec(),
        more_skipped: comtrade.more_skipped(),
    })
}

/// A reader that hashes what passes through it.
struct Hashing<R> {
    inner: R,
    hasher: Sha256,
}

impl<R: Read> Read for Hashing<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.hasher.update(&buf[..n]);
        Ok(n)
    }
}

fn read_template_part(reader: impl Read, on_progress: impl FnMut(Progress)) -> Result<TradeRead, TradeReadError> {
    let mut csv = TemplateCsvReader::new(reader).map_err(|p| TradeReadError::problems(vec![p], 0))?;
    let mut aggregator = Aggregator::new();
    let report = csv.read_into(&mut aggregator, on_progress);
    if !report.problems.is_empty() {
        return Err(TradeReadError::problems(report.problems, report.more_problems));
    }
    Ok(TradeRead {
        aggregator,
        rows_read: report.rows,
        format: "template-csv",
        fingerprint: String::new(),
        skipped: Vec::new(),
        more_skipped: 0,
    })
}

/// Reads a trade file from disk. A template CSV of `SPLIT_AT` bytes or more is read by two
/// threads (one per core on the machines this runs on); `progress` gets the bytes read so far
/// and the file's size, from the calling thread, about ten times a second.
pub fn read_trade_file(
    path: &Path,
    format: TradeFormat,
    mut progress: impl FnMut(u64, u64),
) -> Result<TradeRead, TradeReadError> {
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let mut file = File::open(path).map_err(io_error(path))?;
    let size = file.metadata().map_err(io_error(path))?.len();
    let mut head = [0u8; 4096];
    let n = read_up_to(&mut file, &mut head).map_err(io_error(path))?;
    let head = &head[..n];
    let small = size < SPLIT_AT;
    if small || is_xlsx(&name, head) {
        // A workbook is read whole: held to the size of files read whole.
        let bytes = match crate::limits::read_file(path).map_err(io_error(path))? {
            Ok(bytes) => bytes,
            Err(problem) => return Err(TradeReadError::problems(vec![problem], 0)),
        };
        let read = read_trade_bytes(&name, &bytes, format);
        progress(size, size);
        return read;
    }
    let first_line = head.split(|b| *b == b'\n').next().unwrap_or_default();
    let format = if format == TradeFormat::Auto { sniff(first_line) } else { format };
    if format == TradeFormat::Comtrade {
        // Comtrade extracts are small; a large one is read by one thread.
        let mut hashing =
            Hashing { inner: BufReader::new(File::open(path).map_err(io_error(path))?), hasher: Sha256::new() };
        let mut read = read_comtrade_from(&mut hashing)?;
        read.fingerprint = hex(hashing.hasher.finalize());
        progress(size, size);
        return Ok(read);
    }
    read_template_in_two(path, size, &mut progress)
}

fn read_up_to(file: &mut File, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut filled = 0;
    while filled < buf.len() {
        let n = file.read(&mut buf[filled..])?;
        if n == 0 {
            break;
        }
        filled += n;
    }
    Ok(filled)
}

/// The two halves of a large template CSV, split at the first line break after the middle;
/// the second half gets a copy of the header line so that it reads on its own.
fn read_template_in_two(
    path: &Path,
    size: u64,
    progress: &mut impl FnMut(u64, u64),
) -> Result<TradeRead, TradeReadError> {
    let mut file = BufReader::new(File::open(path).map_err(io_error(path))?);
    // Neither the header nor the line across the middle is read further than a record may be
    // long (`CSV_LIMITS`): a file of one 200 MB line is refused here, not read into memory.
    let limit = crate::limits::CSV_LIMITS.line_bytes;
    let too_long = |row: u64| {
        let reason =
            Reason::new("problem-csv-too-large").arg("limit", "line_bytes").arg("value", limit + 1).arg("max", limit);
        let row = u32::try_from(row).unwrap_or(u32::MAX);
        TradeReadError::problems(vec![Problem { sheet: "csv".into(), row, column: String::new(), reason }], 0)
    };
    let mut header = Vec::new();
    (&mut file).take(limit + 1).read_until(b'\n', &mut header).map_err(io_error(path))?;
    if header.len() as u64 > limit {
        return Err(too_long(1));
    }
    let mut middle = size / 2;
    file.seek(SeekFrom::Start(middle)).map_err(io_error(path))?;
    let mut rest_of_line = Vec::new();
    middle += (&mut file).take(limit + 1).read_until(b'\n', &mut rest_of_line).map_err(io_error(path))? as u64;
    if rest_of_line.len() as u64 > limit {
        return Err(too_long(count_lines(path, size / 2).map_err(io_error(path))? + 1));
    }
    let open_at = |start: u64, len: u64| -> Result<_, TradeReadError> {
        let mut f = File::open(path).map_err(io_error(path))?;
        f.seek(SeekFrom::Start(start)).map_err(io_error(path))?;
        Ok(f.take(len))
    };
    let first = Hashing { inner: open_at(0, middle)?, hasher: Sha256::new() };
    let second = Hashing { inner: open_at(middle, size - middle)?, hasher: Sha256::new() };
    let done = [AtomicU64::new(0), AtomicU64::new(0)];
    let header_len = header.len() as u64;
    let (a, b) = std::thread::scope(|scope| {
        let done = &done;
        let first = scope.spawn(move || {
            let mut first = first;
            let read = read_template_part(&mut first, |p| done[0].store(p.bytes, Ordering::Relaxed));
            (read, first.hasher.finalize())
        });
        let header = header.clone();
        let second = scope.spawn(move || {
            let mut second = second;
            let chained = std::io::Cursor::new(header).chain(&mut second);
            let read =
                read_template_part(chained, |p| done[1].store(p.bytes.saturating_sub(header_len), Ordering::Relaxed));
            (read, second.hasher.finalize())
        });
        while !(first.is_finished() && second.is_finished()) {
            progress(done[0].load(Ordering::Relaxed) + done[1].load(Ordering::Relaxed), size);
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
        (first.join(), second.join())
    });
    progress(size, size);
    let (Ok((first, first_digest)), Ok((second, second_digest))) = (a, b) else {
        return Err(TradeReadError::Io { path: path.display().to_string(), reason: "a reader thread failed".into() });
    };
    let (mut first, second) = match (first, second) {
        (Ok(first), Ok(second)) => (first, second),
        (first, second) => {
            // Rows of the second half are numbered from its copied header: shift them by the
            // lines of the first half.
            let mut problems = Vec::new();
            let mut more = 0;
            if let Err(TradeReadError::Problems { problems: p, more: m }) = first {
                problems.extend(p);
                more += m;
            }
            if let Err(TradeReadError::Problems { problems: p, more: m }) = second {
                let lines = count_lines(path, middle).map_err(io_error(path))?;
                problems.extend(p.into_iter().map(|mut problem| {
                    problem.row =
                        problem.row.saturating_sub(1).saturating_add(u32::try_from(lines).unwrap_or(u32::MAX));
                    problem
                }));
                more += m;
            }
            return Err(TradeReadError::problems(problems, more));
        }
    };
    first
        .aggregator
        .merge(second.aggregator)
        .map_err(|e| TradeReadError::problems(vec![file_problem(Reason::from(&e))], 0))?;
    first.rows_read += second.rows_read;
    let mut both = Sha256::new();
    both.update(first_digest);
    both.update(second_digest);
    first.fingerprint = hex(both.finalize());
    Ok(first)
}

fn count_lines(path: &Path, up_to: u64) -> std::io::Result<u64> {
    let mut reader = BufReader::with_capacity(1 << 16, File::open(path)?.take(up_to));
    let mut lines = 0u64;
    loop {
        let buf = reader.fill_buf()?;
        if buf.is_empty() {
            return Ok(lines);
        }
        lines += buf.iter().filter(|b| **b == b'\n').count() as u64;
        let n = buf.len();
        reader.consume(n);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn template_csv(rows: u64) -> Vec<u8> {
        let mut out = Vec::new();
        crate::trade::generate_template_csv(rows, 7, &mut out).expect("generate");
        out
    }

    #[test]
    fn formats_are_detected_from_the_header() {
        assert_eq!(
            sniff(b"typeCode,freqCode,refPeriodId,refYear,refMonth,period,reporterCode,flowCode"),
            TradeFormat::Comtrade
        );
        assert_eq!(
            sniff(b"Classification,Year,Period,Period Desc.,Aggregate Level,Is Leaf Code,Trade Flow Code,Trade Flow"),
            TradeFormat::Comtrade
        );
        assert_eq!(sniff("период;направление;код".as_bytes()), TradeFormat::Template);
    }

    #[test]
    fn a_split_read_gives_the_same_figures_as_one_read() {
        let bytes = template_csv(20_000);
        let whole = read_trade_bytes("t.csv", &bytes, TradeFormat::Auto).expect("whole");
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("t.csv");
        std::fs::write(&path, &bytes).expect("write");
        let mut calls = 0;
        let split = read_template_in_two(&path, bytes.len() as u64, &mut |_, _| calls += 1).expect("split");
        assert!(calls > 0, "progress is reported");
        assert_eq!(split.rows_read, whole.rows_read);
        assert_eq!(split.aggregator.into_sorted(), whole.aggregator.into_sorted());
        assert_ne!(split.fingerprint, whole.fingerprint, "two halves are fingerprinted as two digests");
    }

    #[test]
    fn problems_in_the_second_half_name_the_line_of_the_file() {
        let mut text = String::from_utf8(template_csv(2_000)).expect("utf-8");
        let lines: Vec<&str> = text.lines().collect();
        let bad_line = lines.len() - 3; // 0-based index into lines, in the second half
        let mut broken: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
        let delimiter = if broken[0].contains(';') { ';' } else { ',' };
        let mut cells: Vec<String> = broken[bad_line].split(delimiter).map(str::to_string).collect();
        cells[0] = "2025-13".into();
        broken[bad_line] = cells.join(&delimiter.to_string());
        text = broken.join("\n") + "\n";
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("bad.csv");
        std::fs::write(&path, &text).expect("write");
        let Err(TradeReadError::Problems { problems, .. }) =
            read_template_in_two(&path, text.len() as u64, &mut |_, _| {})
        else {
            panic!("the bad month is found");
        };
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert_eq!(problems[0].row as usize, bad_line + 1, "1-based line of the file: {}", problems[0]);
    }
}
