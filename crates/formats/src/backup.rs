//! The backup archive: one zip file with a manifest, every table as JSON lines, and the
//! uploaded files, each part with its SHA-256 in the manifest.
//!
//! ```text
//! manifest.json            what is inside, with counts and checksums (written last)
//! tables/<table>.jsonl     first line: the column names; then one JSON array per row
//! files/<sha256>           an uploaded file, named by its content hash
//! ```
//!
//! The writer streams: rows go to the zip as they come, hashed on the way, so a large store
//! never sits in memory. The reader checks the manifest's format and every checksum before a
//! row is handed out, so a damaged archive is refused before anything is restored.

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::io::{BufRead, BufReader, Read, Seek, Write};

pub const FORMAT: &str = "accord-backup";
pub const VERSION: u32 = 1;

#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    #[error("cannot write or read the archive: {0}")]
    Io(#[from] std::io::Error),
    #[error("not an accord backup, or a damaged one: {0}")]
    Zip(#[from] zip::result::ZipError),
    #[error("a row or the manifest is not valid JSON: {0}")]
    Json(#[from] serde_json::Error),
    #[error("not an accord backup: {0}")]
    NotABackup(String),
    #[error("the archive is damaged: {part} does not match its checksum in the manifest")]
    Checksum { part: String },
}

/// One table in the archive.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TableEntry {
    pub name: String,
    pub columns: Vec<String>,
    pub rows: u64,
    pub sha256: String,
}

/// One uploaded file in the archive.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileEntry {
    pub sha256: String,
    pub size: u64,
}

/// What the archive holds and where it came from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    pub format: String,
    pub version: u32,
    /// When the snapshot was taken (UTC, RFC 3339).
    pub created_at: String,
    /// `sqlite` or `postgres`.
    pub backend: String,
    /// The side the instance belongs to.
    pub origin: String,
    /// The store's last migration: a restore needs the same.
    pub schema_version: i64,
    /// The last audit entry in the snapshot.
    pub audit_seq: i64,
    pub accord_version: String,
    pub tables: Vec<TableEntry>,
    pub files: Vec<FileEntry>,
}

/// What the caller says about the snapshot when the archive is finished.
#[derive(Debug, Clone)]
pub struct Source {
    pub created_at: String,
    pub backend: String,
    pub origin: String,
    pub schema_version: i64,
    pub audit_seq: i64,
    pub accord_version: String,
}

fn hex(digest: impl AsRef<[u8]>) -> String {
    digest.as_ref().iter().map(|b| format!("{b:02x}")).collect()
}

/// Writes an archive part by part.
pub struct ArchiveWriter<W: Write + Seek> {
    zip: zip::ZipWriter<W>,
    tables: Vec<TableEntry>,
    files: Vec<FileEntry>,
    open: Option<(TableEntry, Sha256)>,
}

fn options() -> zip::write::SimpleFileOptions {
    zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated).large_file(true)
}

impl<W: Write + Seek> ArchiveWriter<W> {
    pub fn new(out: W) -> Self {
        ArchiveWriter { zip: zip::ZipWriter::new(out), tables: Vec::new(), files: Vec::new(), open: None }
    }

    fn close_table(&mut self) {
        if let Some((mut entry, hasher)) = self.open.take() {
            entry.sha256 = hex(hasher.finalize());
            self.tables.push(entry);
        }
    }

    /// Starts the next table: its rows follow through [`ArchiveWriter::row`].
    pub fn table(&mut self, name: &str, columns: &[String]) -> Result<(), BackupError> {
        self.close_table();
        self.zip.start_file(format!("tables/{name}.jsonl"), options())?;
        let mut hasher = Sha256::new();
        let mut line = serde_json::to_vec(columns)?;
        line.push(b'\n');
        hasher.update(&line);
        self.zip.write_all(&line)?;
        let entry = TableEntry { name: name.to_string(), columns: columns.to_vec(), rows: 0, sha256: String::new() };
        self.open = Some((entry, hasher));
        Ok(())
    }

    /// Adds a row to the table started last.
    pub fn row<T: Serialize + ?Sized>(&mut self, row: &T) -> Result<(), BackupError> {
        let Some((entry, hasher)) = self.open.as_mut() else {
            return Err(BackupError::NotABackup("a row before its table".into()));
        };
        let mut line = serde_json::to_vec(row)?;
        line.push(b'\n');
        hasher.update(&line);
        entry.rows += 1;
        self.zip.write_all(&line)?;
        Ok(())
    }

    /// Adds an uploaded file, named by its content hash (checked).
    pub fn file(&mut self, sha256: &str, bytes: &[u8]) -> Result<(), BackupError> {
        self.close_table();
        if hex(Sha256::digest(bytes)) != sha256 {
            return Err(BackupError::Checksum { part: format!("files/{sha256}") });
        }
        self.zip.start_file(format!("files/{sha256}"), options())?;
        self.zip.write_all(bytes)?;
        self.files.push(FileEntry { sha256: sha256.to_string(), size: bytes.len() as u64 });
        Ok(())
    }

    /// Writes the manifest and closes the archive.
    pub fn finish(mut self, source: Source) -> Result<(W, Manifest), BackupError> {
        self.close_table();
        let manifest = Manifest {
            format: FORMAT.into(),
            version: VERSION,
            created_at: source.created_at,
            backend: source.backend,
            origin: source.origin,
            schema_version: source.schema_version,
            audit_seq: source.audit_seq,
            accord_version: source.accord_version,
            tables: self.tables,
            files: self.files,
        };
        self.zip.start_file("manifest.json", options())?;
        self.zip.write_all(&serde_json::to_vec_pretty(&manifest)?)?;
        let out = self.zip.finish()?;
        Ok((out, manifest))
    }
}

/// Reads an archive: the manifest at once, the parts on demand, each checked.
pub struct ArchiveReader<R: Read + Seek> {
    zip: zip::ZipArchive<R>,
    pub manifest: Manifest,
}

impl<R: Read + Seek> ArchiveReader<R> {
    pub fn open(input: R) -> Result<Self, BackupError> {
        let mut zip = zip::ZipArchive::new(input)?;
        let manifest: Manifest = {
            let part = zip
                .by_name("manifest.json")
                .map_err(|_| BackupError::NotABackup("no manifest.json in the archive".into()))?;
            serde_json::from_reader(part.take(16 * 1024 * 1024))?
        };
        if manifest.format != FORMAT {
            return Err(BackupError::NotABackup(format!("format {:?}", manifest.format)));
        }
        if manifest.version != VERSION {
            return Err(BackupError::NotABackup(format!(
                "archive version {} (this accord reads {VERSION})",
                manifest.version
            )));
        }
        Ok(ArchiveReader { zip, manifest })
    }

    /// Reads every part once and compares it with its checksum, without keeping it.
    pub fn verify(&mut self) -> Result<(), BackupError> {
        for table in self.manifest.tables.clone() {
            let name = format!("tables/{}.jsonl", table.name);
            let mut part = self.zip.by_name(&name).map_err(|_| BackupError::Checksum { part: name.clone() })?;
            let mut hasher = Sha256::new();
            std::io::copy(&mut part, &mut hasher)?;
            if hex(hasher.finalize()) != table.sha256 {
                return Err(BackupError::Checksum { part: name });
            }
        }
        for file in self.manifest.files.clone() {
            let name = format!("files/{}", file.sha256);
            let mut part = self.zip.by_name(&name).map_err(|_| BackupError::Checksum { part: name.clone() })?;
            let mut hasher = Sha256::new();
            let size = std::io::copy(&mut part, &mut hasher)?;
            if hex(hasher.finalize()) != file.sha256 || size != file.size {
                return Err(BackupError::Checksum { part: name });
            }
        }
        Ok(())
    }

    /// A table's rows, to read in batches (the archive was verified: a row that does not
    /// parse is still an error, never a panic).
    pub fn rows(&mut self, table: &TableEntry) -> Result<TableRows<'_, R>, BackupError> {
        let name = format!("tables/{}.jsonl", table.name);
        let part = self.zip.by_name(&name).map_err(|_| BackupError::Checksum { part: name.clone() })?;
        let mut lines = BufReader::new(part).lines();
        let header = lines.next().transpose()?.unwrap_or_default();
        let columns: Vec<String> = serde_json::from_str(&header)?;
        if columns != table.columns {
            return Err(BackupError::Checksum { part: name });
        }
        Ok(TableRows { lines })
    }

    /// The bytes of an uploaded file.
    pub fn file(&mut self, entry: &FileEntry) -> Result<Vec<u8>, BackupError> {
        let name = format!("files/{}", entry.sha256);
        let part = self.zip.by_name(&name).map_err(|_| BackupError::Checksum { part: name.clone() })?;
        let mut bytes = Vec::with_capacity(usize::try_from(entry.size).unwrap_or(0).min(64 * 1024 * 1024));
        // One byte more than the manifest says, to notice a longer part (a size near u64::MAX
        // in a damaged manifest must not overflow).
        part.take(entry.size.saturating_add(1)).read_to_end(&mut bytes)?;
        if bytes.len() as u64 != entry.size || hex(Sha256::digest(&bytes)) != entry.sha256 {
            return Err(BackupError::Checksum { part: name });
        }
        Ok(bytes)
    }
}

/// The rows of one table of an archive.
pub struct TableRows<'a, R: Read> {
    lines: std::io::Lines<BufReader<zip::read::ZipFile<'a, R>>>,
}

impl<R: Read> TableRows<'_, R> {
    /// Up to `size` more rows; none at the end.
    pub fn next_batch<T: DeserializeOwned>(&mut self, size: usize) -> Result<Vec<T>, BackupError> {
        let mut rows = Vec::with_capacity(size.min(10_000));
        for line in self.lines.by_ref() {
            rows.push(serde_json::from_str(&line?)?);
            if rows.len() == size {
                break;
            }
        }
        Ok(rows)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Cursor;

    fn source() -> Source {
        Source {
            created_at: "2026-12-07T12:00:00Z".into(),
            backend: "sqlite".into(),
            origin: "BY".into(),
            schema_version: 17,
            audit_seq: 42,
            accord_version: "0.1.0".into(),
        }
    }

    fn archive() -> Vec<u8> {
        let mut writer = ArchiveWriter::new(Cursor::new(Vec::new()));
        writer.table("organisations", &["id".to_string(), "code".to_string(), "version".to_string()]).expect("table");
        writer.row(&serde_json::json!(["a", "MAZ", 1])).expect("row");
        writer.row(&serde_json::json!(["b", null, 2])).expect("row");
        writer.table("empty", &["id".to_string()]).expect("table");
        writer.file("2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824", b"hello").expect("file");
        let (out, manifest) = writer.finish(source()).expect("finish");
        assert_eq!(manifest.tables.len(), 2);
        assert_eq!(manifest.tables[0].rows, 2);
        out.into_inner()
    }

    #[test]
    fn an_archive_reads_back_what_was_written() {
        let bytes = archive();
        let mut reader = ArchiveReader::open(Cursor::new(bytes)).expect("open");
        reader.verify().expect("checksums");
        let table = reader.manifest.tables[0].clone();
        let mut seen: Vec<serde_json::Value> = Vec::new();
        let mut rows = reader.rows(&table).expect("rows");
        loop {
            let batch: Vec<serde_json::Value> = rows.next_batch(1).expect("batch");
            if batch.is_empty() {
                break;
            }
            seen.extend(batch);
        }
        drop(rows);
        assert_eq!(seen, vec![serde_json::json!(["a", "MAZ", 1]), serde_json::json!(["b", null, 2])]);
        let file = reader.manifest.files[0].clone();
        assert_eq!(reader.file(&file).expect("file"), b"hello");
    }

    #[test]
    fn a_damaged_archive_is_refused_before_anything_is_read() {
        let mut bytes = archive();
        // Flip a byte of the first table's compressed data (after its local header's name and its
        // 20-byte zip64 extra field).
        let name = b"tables/organisations.jsonl";
        let at = bytes.windows(name.len()).position(|w| w == name).expect("the part") + name.len() + 24;
        bytes[at] ^= 0x55;
        let verified = ArchiveReader::open(Cursor::new(bytes)).and_then(|mut r| r.verify());
        assert!(verified.is_err(), "a flipped byte is found");
        assert!(matches!(ArchiveReader::open(Cursor::new(b"not a zip".to_vec())), Err(BackupError::Zip(_))));
    }

    #[test]
    fn a_file_must_match_its_name() {
        let mut writer = ArchiveWriter::new(Cursor::new(Vec::new()));
        assert!(matches!(writer.file(&"0".repeat(64), b"hello"), Err(BackupError::Checksum { .. })));
    }
}
