//! The bookkeeping of fleet file imports: the same file (by SHA-256 and kind) imported again
//! changes nothing, and a dry run goes through every check of the real import and rolls back.

use crate::{Result, Store, WriteTx};
use accord_domain::audit::Change;
use serde::Serialize;

/// A file an import came from; an import of the same bytes again changes nothing.
#[derive(Debug, Clone)]
pub struct FleetFile {
    pub what: &'static str,
    pub file_name: String,
    pub sha256: String,
    pub rows_read: u64,
    /// Check everything in the transaction, then roll it back.
    pub dry_run: bool,
}

/// What an import did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct FleetImportOutcome {
    /// The same file was imported before: nothing was written.
    pub unchanged: bool,
    pub inserted: u64,
}

impl Store {
    /// Whether this very file was imported before (then the import changes nothing).
    pub async fn fleet_import_seen_in(&self, w: &mut WriteTx<'_>, f: &FleetFile) -> Result<bool> {
        let row: Option<(String,)> = sqlx::query_as("SELECT sha256 FROM fleet_imports WHERE sha256 = $1 AND what = $2")
            .bind(&f.sha256)
            .bind(f.what)
            .fetch_optional(&mut *w.tx)
            .await?;
        Ok(row.is_some())
    }

    /// Ends an import's transaction: records the file and commits, or on a dry run rolls
    /// everything back (the checks ran in the transaction all the same).
    pub async fn fleet_import_finish(&self, mut w: WriteTx<'_>, f: &FleetFile) -> Result<()> {
        if f.dry_run {
            w.tx.rollback().await?;
            return Ok(());
        }
        let now = w.now_text();
        sqlx::query(
            "INSERT INTO fleet_imports (sha256, what, file_name, rows_read, imported_at) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(&f.sha256)
        .bind(f.what)
        .bind(&f.file_name)
        .bind(f.rows_read as i64)
        .bind(now)
        .execute(&mut *w.tx)
        .await?;
        w.audit(Change::create(
            "fleet_import",
            &f.sha256,
            &serde_json::json!({ "what": f.what, "file_name": f.file_name, "rows_read": f.rows_read }),
        ))
        .await?;
        w.commit().await
    }

    /// Opens the transaction of an import of `file` (or of a write without a file): `None` when
    /// the same file was imported before, so nothing is to be done.
    pub(super) async fn fleet_import_begin<'s>(
        &'s self,
        author: crate::Author<'s>,
        file: Option<&FleetFile>,
    ) -> Result<Option<WriteTx<'s>>> {
        let mut w = self.begin_write(author).await?;
        match file {
            Some(f) if self.fleet_import_seen_in(&mut w, f).await? => Ok(None),
            _ => Ok(Some(w)),
        }
    }

    /// Commits an import opened by [`Store::fleet_import_begin`].
    pub(super) async fn fleet_import_end(&self, w: WriteTx<'_>, file: Option<&FleetFile>) -> Result<()> {
        match file {
            Some(f) => self.fleet_import_finish(w, f).await,
            None => w.commit().await,
        }
    }
}
