//! `accord backup` and `accord restore`: a consistent copy of a live store (every table as of
//! one moment, and the uploaded files it refers to) in one archive with a manifest and
//! checksums, and its way back into an empty store, verified.
//!
//! The archive is written under a temporary name beside the target and renamed when complete,
//! so an interrupted backup never leaves a file that looks finished. A restore checks every
//! checksum before it writes a row, writes every table in one transaction, puts the files back,
//! and verifies the audit chain of what it restored.

use crate::{Actor, App, Error, Result, Rule};
use accord_domain::directory::{Action, authorize};
use accord_formats::backup::{ArchiveReader, ArchiveWriter, BackupError, Manifest, Source};
use accord_store::Cell;
use std::io::BufWriter;
use std::path::Path;

/// What a backup wrote.
#[derive(Debug, Clone)]
pub struct BackupReport {
    pub manifest: Manifest,
    pub bytes: u64,
}

/// What a restore put back.
#[derive(Debug, Clone)]
pub struct RestoreReport {
    pub manifest: Manifest,
    pub rows: u64,
    /// Audit entries whose chain was verified after the restore.
    pub audit_entries: u64,
}

/// Writing the archive failed: the disk, not the data.
fn write_error(e: BackupError) -> Error {
    Error::Internal(format!("writing the backup: {e}"))
}

/// Reading the archive failed: whatever it is (not a zip, a flipped byte, a checksum), it is not
/// a backup that can be restored.
fn read_error(e: BackupError) -> Error {
    Error::Refused(Rule::input("backup_invalid", "instance-backup-invalid").arg("detail", &e).detail(e))
}

/// Rows restored per statement batch.
const RESTORE_BATCH: usize = 2_000;

impl App {
    /// Writes a consistent copy of the store and its files to `out`.
    pub async fn backup(&self, actor: &Actor, out: &Path) -> Result<BackupReport> {
        authorize(&actor.role(), Action::ManageInstance)?;
        let partial = out.with_extension("partial");
        let file =
            std::fs::File::create(&partial).map_err(|e| Error::Internal(format!("{}: {e}", partial.display())))?;
        let mut writer = ArchiveWriter::new(BufWriter::new(file));
        let failed = std::cell::RefCell::new(None::<BackupError>);
        let writer_cell = std::cell::RefCell::new(&mut writer);
        let snapshot = self
            .store
            .backup_read(
                |table, columns| {
                    writer_cell.borrow_mut().table(table, columns).map_err(|e| {
                        let message = e.to_string();
                        *failed.borrow_mut() = Some(e);
                        accord_store::StoreError::Corrupt(message)
                    })
                },
                |row: &[Cell]| {
                    writer_cell.borrow_mut().row(row).map_err(|e| {
                        let message = e.to_string();
                        *failed.borrow_mut() = Some(e);
                        accord_store::StoreError::Corrupt(message)
                    })
                },
            )
            .await;
        let snapshot = match (snapshot, failed.into_inner()) {
            (_, Some(e)) => return Err(write_error(e)),
            (result, None) => result?,
        };
        for sha in &snapshot.files {
            // A file an upload is still writing, or one released after the snapshot, is missing
            // here: the backup stops rather than leave a hole, and can simply be run again.
            let bytes = self.store.file_bytes(sha).await.map_err(|e| {
                Error::Refused(
                    Rule::state("backup_file_missing", "instance-backup-file-missing").arg("file", sha).detail(e),
                )
            })?;
            writer.file(sha, &bytes).map_err(write_error)?;
        }
        let source = Source {
            created_at: accord_domain::audit::timestamp_text(chrono::Utc::now()),
            backend: self.store.backend().name().to_string(),
            origin: self.store.origin().code().to_string(),
            schema_version: snapshot.schema_version,
            audit_seq: snapshot.audit_seq,
            accord_version: env!("CARGO_PKG_VERSION").to_string(),
        };
        let (out_file, manifest) = writer.finish(source).map_err(write_error)?;
        let file = out_file.into_inner().map_err(|e| Error::Internal(format!("{}: {e}", partial.display())))?;
        file.sync_all().map_err(|e| Error::Internal(format!("{}: {e}", partial.display())))?;
        let bytes = file.metadata().map(|m| m.len()).unwrap_or(0);
        std::fs::rename(&partial, out).map_err(|e| Error::Internal(format!("{}: {e}", out.display())))?;
        Ok(BackupReport { manifest, bytes })
    }

    /// Restores an archive into this store, which must be empty and migrated to the archive's
    /// schema version; verifies the audit chain afterwards.
    pub async fn restore(&self, actor: &Actor, archive: &Path) -> Result<RestoreReport> {
        authorize(&actor.role(), Action::ManageInstance)?;
        let file = std::fs::File::open(archive).map_err(|e| {
            Error::Refused(Rule::input("backup_unreadable", "instance-backup-invalid").arg("detail", &e).detail(e))
        })?;
        let mut reader = ArchiveReader::open(std::io::BufReader::new(file)).map_err(read_error)?;
        reader.verify().map_err(read_error)?;
        let manifest = reader.manifest.clone();
        let here = self.store.schema_version().await?;
        if manifest.schema_version != here {
            return Err(Error::Refused(
                Rule::input("backup_schema", "instance-backup-schema")
                    .arg("archive", manifest.schema_version)
                    .arg("store", here),
            ));
        }
        if !self.store.is_blank().await? {
            return Err(Error::Refused(Rule::state("store_not_empty", "instance-restore-not-empty")));
        }
        let mut restore = self.store.restore_begin().await?;
        let mut rows = 0u64;
        for table in &manifest.tables {
            let mut table_rows = reader.rows(table).map_err(read_error)?;
            loop {
                let batch: Vec<Vec<Cell>> = table_rows.next_batch(RESTORE_BATCH).map_err(read_error)?;
                if batch.is_empty() {
                    break;
                }
                rows += batch.len() as u64;
                restore.rows(&table.name, &table.columns, &batch).await?;
            }
        }
        for entry in &manifest.files {
            let bytes = reader.file(entry).map_err(read_error)?;
            self.store.file_keep(&bytes).await?;
        }
        restore.commit().await?;
        let verified = self.store.audit_verify().await?;
        if let Some(broken) = verified.first_break {
            return Err(Error::Internal(format!(
                "the restored audit chain is broken at entry {}: {broken}",
                broken.seq()
            )));
        }
        Ok(RestoreReport { manifest, rows, audit_entries: verified.checked as u64 })
    }
}
