//! A consistent copy of every table, read while the server keeps writing, and its way back
//! into an empty store: the database half of `accord backup` and `accord restore`.
//!
//! Both backends are read the same way, inside one read transaction (PostgreSQL: `REPEATABLE
//! READ`, so every table is seen as of one moment; SQLite in WAL mode: the snapshot the first
//! read takes), table by table in the order they were created, row by row through a callback so
//! that a large fleet never sits in memory. The copy is logical (column names and typed values),
//! so a backup taken on SQLite restores on PostgreSQL and back. Restore writes every row of every
//! table in one transaction into a store that has just been migrated to the same schema, then
//! the caller verifies the audit chain.

use crate::{Backend, Result, Store, StoreError};
use futures_util::TryStreamExt;
use serde::{Deserialize, Serialize};
use sqlx::{Column, Row, ValueRef};

/// One value of a row, typed as the database gave it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Cell {
    Null,
    Int(i64),
    Real(f64),
    Text(String),
}

/// What a backup read, for its manifest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SnapshotInfo {
    /// The last migration applied: a restore needs the same.
    pub schema_version: i64,
    /// The audit log's last entry in the snapshot.
    pub audit_seq: i64,
    /// Content hashes of the uploaded files the snapshot refers to.
    pub files: Vec<String>,
}

/// Tables a backup leaves out: what migrations write, and sessions (a restored instance starts
/// with everybody signed out; API tokens are kept).
const SKIPPED: [&str; 2] = ["schema_migrations", "sessions"];

impl Store {
    /// The tables of the store in the order they were created (so that a table comes after
    /// the tables it refers to).
    async fn tables_in_order(&self, conn: &mut sqlx::AnyConnection) -> Result<Vec<String>> {
        let sql = match self.backend {
            Backend::Sqlite => {
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY rowid"
            }
            Backend::Postgres => {
                "SELECT c.relname::text FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace \
                 WHERE n.nspname = current_schema() AND c.relkind = 'r' ORDER BY c.oid"
            }
        };
        let rows: Vec<(String,)> = sqlx::query_as(sql).fetch_all(&mut *conn).await?;
        Ok(rows.into_iter().map(|(t,)| t).filter(|t| !SKIPPED.contains(&t.as_str())).collect())
    }

    /// Reads every table in one consistent snapshot: `table(name, columns)` before each
    /// table's rows, `row(values)` for each row.
    pub async fn backup_read(
        &self,
        mut table: impl FnMut(&str, &[String]) -> Result<()>,
        mut row: impl FnMut(&[Cell]) -> Result<()>,
    ) -> Result<SnapshotInfo> {
        let mut tx = match self.backend {
            Backend::Sqlite => self.pool.begin().await?,
            Backend::Postgres => self.pool.begin_with("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY").await?,
        };
        let (schema_version,): (i64,) =
            sqlx::query_as("SELECT COALESCE(MAX(version), 0) FROM schema_migrations").fetch_one(&mut *tx).await?;
        let (audit_seq,): (i64,) =
            sqlx::query_as("SELECT last_seq FROM audit_head WHERE id = 1").fetch_one(&mut *tx).await?;
        let tables = self.tables_in_order(&mut tx).await?;
        for name in &tables {
            let columns = self.columns_of(&mut tx, name).await?;
            table(name, &columns)?;
            let select = format!("SELECT {} FROM {name}", columns.join(", "));
            let mut rows = sqlx::query(&select).fetch(&mut *tx);
            while let Some(fetched) = rows.try_next().await? {
                let cells = (0..fetched.columns().len()).map(|i| cell(&fetched, i)).collect::<Result<Vec<_>>>()?;
                row(&cells)?;
            }
        }
        let blobs: Vec<(String,)> =
            sqlx::query_as("SELECT sha256 FROM attachments UNION SELECT sha256 FROM review_report_files ORDER BY 1")
                .fetch_all(&mut *tx)
                .await?;
        tx.commit().await?;
        Ok(SnapshotInfo { schema_version, audit_seq, files: blobs.into_iter().map(|(s,)| s).collect() })
    }

    /// A table's columns in their order.
    async fn columns_of(&self, conn: &mut sqlx::AnyConnection, table: &str) -> Result<Vec<String>> {
        let rows: Vec<(String,)> = match self.backend {
            Backend::Sqlite => {
                sqlx::query_as("SELECT name FROM pragma_table_info($1) ORDER BY cid")
                    .bind(table)
                    .fetch_all(&mut *conn)
                    .await?
            }
            Backend::Postgres => {
                sqlx::query_as(
                    "SELECT column_name::text FROM information_schema.columns \
                 WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position",
                )
                .bind(table)
                .fetch_all(&mut *conn)
                .await?
            }
        };
        Ok(rows.into_iter().map(|(c,)| c).collect())
    }

    /// The bytes of an uploaded file by its content hash.
    pub async fn file_bytes(&self, sha256: &str) -> Result<Vec<u8>> {
        self.blob_read(sha256).await
    }

    /// Keeps an uploaded file by its content hash (a restore puts the archive's files back).
    pub async fn file_keep(&self, bytes: &[u8]) -> Result<String> {
        self.blob_write(bytes).await
    }

    /// Merges SQLite's write-ahead log into the database file, so that the file alone holds
    /// everything committed (commands do it before they exit). Nothing on PostgreSQL.
    pub async fn checkpoint(&self) -> Result<()> {
        if self.backend == Backend::Sqlite && !self.pool.is_closed() {
            sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)").execute(&self.pool).await?;
        }
        Ok(())
    }

    /// The last migration applied.
    pub async fn schema_version(&self) -> Result<i64> {
        let (version,): (i64,) =
            sqlx::query_as("SELECT COALESCE(MAX(version), 0) FROM schema_migrations").fetch_one(&self.pool).await?;
        Ok(version)
    }

    /// True when the store holds nothing people entered: no audit entry and no user (only what
    /// migrations write).
    pub async fn is_blank(&self) -> Result<bool> {
        let (entries,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM audit_log").fetch_one(&self.pool).await?;
        let (users,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM users").fetch_one(&self.pool).await?;
        Ok(entries == 0 && users == 0)
    }

    /// Starts a restore: one write transaction over a blank store.
    pub async fn restore_begin(&self) -> Result<Restore<'_>> {
        if !self.is_blank().await? {
            return Err(StoreError::Corrupt("the store is not empty".into()));
        }
        let tx = self.pool.begin().await?;
        Ok(Restore { _store: self, tx, tables: self.tables_in_order_pool().await?, cleared: Vec::new() })
    }

    async fn tables_in_order_pool(&self) -> Result<Vec<String>> {
        let mut conn = self.pool.acquire().await?;
        self.tables_in_order(&mut conn).await
    }
}

/// A restore in progress: rows go in table by table; nothing is visible before [`Restore::commit`].
pub struct Restore<'s> {
    _store: &'s Store,
    tx: sqlx::Transaction<'static, sqlx::Any>,
    tables: Vec<String>,
    cleared: Vec<String>,
}

/// Rows a multi-row INSERT of a restore carries (about a thousand parameters at most).
const RESTORE_PARAMETERS: usize = 900;

impl Restore<'_> {
    /// Writes `rows` of `table` (its `columns` as in the backup). What migrations wrote into the
    /// table (its seed rows) is replaced by the backup's rows.
    pub async fn rows(&mut self, table: &str, columns: &[String], rows: &[Vec<Cell>]) -> Result<()> {
        if !self.tables.iter().any(|t| t == table) {
            return Err(StoreError::Corrupt(format!("the backup has a table this store does not: {table}")));
        }
        let safe = |name: &str| name.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
        if !safe(table) || !columns.iter().all(|c| safe(c)) {
            return Err(StoreError::Corrupt(format!("not a table or column name in the backup: {table}")));
        }
        if !self.cleared.iter().any(|t| t == table) {
            if table != "audit_log" {
                sqlx::query(&format!("DELETE FROM {table}")).execute(&mut *self.tx).await?;
            }
            self.cleared.push(table.to_string());
        }
        let per_statement = (RESTORE_PARAMETERS / columns.len().max(1)).max(1);
        for chunk in rows.chunks(per_statement) {
            let mut sql = format!("INSERT INTO {table} ({}) VALUES ", columns.join(", "));
            let mut n = 0;
            for (r, row) in chunk.iter().enumerate() {
                if row.len() != columns.len() {
                    return Err(StoreError::Corrupt(format!("a row of {table} has {} values", row.len())));
                }
                sql.push_str(if r == 0 { "(" } else { ", (" });
                for (c, value) in row.iter().enumerate() {
                    if c > 0 {
                        sql.push_str(", ");
                    }
                    // NULL as a literal: a typed NULL parameter would not fit every column type.
                    if matches!(value, Cell::Null) {
                        sql.push_str("NULL");
                    } else {
                        n += 1;
                        sql.push_str(&format!("${n}"));
                    }
                }
                sql.push(')');
            }
            let mut query = sqlx::query(&sql);
            for value in chunk.iter().flatten() {
                query = match value {
                    Cell::Null => query,
                    Cell::Int(i) => query.bind(*i),
                    Cell::Real(f) => query.bind(*f),
                    Cell::Text(t) => query.bind(t.clone()),
                };
            }
            query.execute(&mut *self.tx).await?;
        }
        Ok(())
    }

    /// Makes the restore visible, as one change.
    pub async fn commit(self) -> Result<()> {
        self.tx.commit().await?;
        Ok(())
    }
}

/// A value of column `i`, typed by what the database holds.
fn cell(row: &sqlx::any::AnyRow, i: usize) -> Result<Cell> {
    use sqlx::any::AnyTypeInfoKind as Kind;
    let raw = row.try_get_raw(i)?;
    if raw.is_null() {
        return Ok(Cell::Null);
    }
    let kind = raw.type_info().kind();
    Ok(match kind {
        Kind::Null => Cell::Null,
        Kind::Bool => Cell::Int(i64::from(row.try_get::<bool, _>(i)?)),
        Kind::SmallInt | Kind::Integer | Kind::BigInt => Cell::Int(row.try_get::<i64, _>(i)?),
        Kind::Real | Kind::Double => Cell::Real(row.try_get::<f64, _>(i)?),
        Kind::Text => Cell::Text(row.try_get::<String, _>(i)?),
        Kind::Blob => {
            return Err(StoreError::Corrupt(format!(
                "column {} holds bytes, which backups do not carry",
                row.column(i).name()
            )));
        }
    })
}
