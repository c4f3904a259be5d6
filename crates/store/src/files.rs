//! Attachments: their records in the database and their bytes in the data folder, stored by
//! content hash (written to a temporary name, then renamed, so a crash never leaves half a file).
//! Also the links between related measures.

use crate::directory::new_uuid;
use crate::{Author, Backend, Result, Store, StoreError, WriteTx, corrupt, parse_time};
use accord_domain::MeasureId;
use accord_domain::audit::Change;
use chrono::{DateTime, Utc};
use serde::Serialize;
use sqlx::Row;
use std::path::PathBuf;

/// An attached file as listed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Attachment {
    pub id: String,
    pub measure_id: MeasureId,
    pub file_name: String,
    pub content_type: String,
    pub size: i64,
    pub sha256: String,
    pub uploaded_by: Option<String>,
    pub uploaded_at: DateTime<Utc>,
}

fn sha256(bytes: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

fn missing_measure(e: sqlx::Error) -> StoreError {
    match &e {
        sqlx::Error::Database(db) if db.is_foreign_key_violation() => StoreError::NotFound { entity: "measure" },
        _ => StoreError::Database(e),
    }
}

impl Store {
    fn blob_path(&self, sha: &str) -> Result<PathBuf> {
        let dir = self
            .files_dir
            .as_ref()
            .ok_or_else(|| StoreError::Corrupt("no folder for uploaded files is configured".into()))?;
        if sha.len() != 64 || !sha.chars().all(|c| c.is_ascii_hexdigit()) {
            return Err(StoreError::Corrupt(format!("not a content hash: {sha:?}")));
        }
        Ok(dir.join(&sha[..2]).join(sha))
    }

    /// Writes bytes to the data folder under their SHA-256 (once: the same bytes uploaded
    /// twice share the file) and returns the hash.
    pub(crate) async fn blob_write(&self, bytes: &[u8]) -> Result<String> {
        let sha = sha256(bytes);
        let path = self.blob_path(&sha)?;
        if !path.exists() {
            let dir = path.parent().ok_or_else(|| StoreError::Corrupt("blob path has no folder".into()))?;
            tokio::fs::create_dir_all(dir).await.map_err(corrupt("creating the files folder"))?;
            let temporary = dir.join(format!(".{sha}.{}", new_uuid()));
            tokio::fs::write(&temporary, bytes).await.map_err(corrupt("writing an uploaded file"))?;
            tokio::fs::rename(&temporary, &path).await.map_err(corrupt("storing an uploaded file"))?;
        }
        Ok(sha)
    }

    /// The bytes stored under a content hash.
    pub(crate) async fn blob_read(&self, sha: &str) -> Result<Vec<u8>> {
        tokio::fs::read(self.blob_path(sha)?).await.map_err(corrupt("reading an attachment"))
    }

    /// Serialises everything done to the blob of `sha` in write transactions, also between
    /// processes: on SQLite the write transaction (`BEGIN IMMEDIATE`) already excludes every
    /// other writer; on PostgreSQL a transaction advisory lock on the hash does.
    async fn blob_lock_in(&self, w: &mut WriteTx<'_>, sha: &str) -> Result<()> {
        if self.backend == Backend::Postgres {
            // The lock function returns void, which the Any driver cannot read: count instead.
            sqlx::query("SELECT COUNT(*) FROM (SELECT pg_advisory_xact_lock(hashtext($1))) AS blob_lock")
                .bind(sha)
                .execute(&mut *w.tx)
                .await?;
        }
        Ok(())
    }

    /// Makes sure the blob of a row this transaction has just inserted exists on disk: a
    /// release that ran between the upload's [`Self::blob_write`] and this transaction (it saw
    /// no row yet) may have removed it; it is written again. Holds the blob's lock until the
    /// commit, so no release can remove it from now on while the row is being committed.
    pub(crate) async fn blob_hold_in(&self, w: &mut WriteTx<'_>, sha: &str, bytes: &[u8]) -> Result<()> {
        self.blob_lock_in(w, sha).await?;
        self.blob_write(bytes).await.map(|_| ())
    }

    /// Removes the file of a content hash unless a measure attachment or a report's evidence
    /// still uses it (called after the last row was deleted and committed). The check and the
    /// removal are one step under the blob's lock, inside a write transaction: an upload of the
    /// same bytes either committed its row before (seen here, the file stays) or writes the
    /// file again in its own transaction after this one (see [`Self::blob_hold_in`]).
    pub(crate) async fn blob_release(&self, sha: &str) -> Result<()> {
        let path = self.blob_path(sha)?;
        let mut w = self.begin_write(Author::SYSTEM).await?;
        self.blob_lock_in(&mut w, sha).await?;
        let (others,): (i64,) = sqlx::query_as(
            "SELECT (SELECT COUNT(*) FROM attachments WHERE sha256 = $1) + (SELECT COUNT(*) FROM review_report_files WHERE sha256 = $1)",
        )
        .bind(sha)
        .fetch_one(&mut *w.tx)
        .await?;
        if others == 0 {
            let _ = tokio::fs::remove_file(path).await;
        }
        w.commit().await
    }

    /// The first step of an upload alone (the bytes written by hash, no record yet), so that
    /// tests can put a release between it and the record.
    #[doc(hidden)]
    pub async fn testing_blob_write(&self, bytes: &[u8]) -> Result<String> {
        self.blob_write(bytes).await
    }

    /// The second step of [`Self::attachment_add`]: the record of bytes already written.
    #[doc(hidden)]
    pub async fn testing_attachment_record(
        &self,
        author: Author<'_>,
        measure: MeasureId,
        file_name: &str,
        content_type: &str,
        bytes: &[u8],
    ) -> Result<Attachment> {
        self.attachment_record(author, measure, file_name, content_type, bytes).await
    }

    /// Stores a file for a measure. The bytes go to disk first (by hash); the record and its
    /// audit entry are one transaction.
    pub async fn attachment_add(
        &self,
        author: Author<'_>,
        measure: MeasureId,
        file_name: &str,
        content_type: &str,
        bytes: &[u8],
    ) -> Result<Attachment> {
        // Written outside the write lock (the bulk of the work); checked again inside it.
        self.blob_write(bytes).await?;
        self.attachment_record(author, measure, file_name, content_type, bytes).await
    }

    async fn attachment_record(
        &self,
        author: Author<'_>,
        measure: MeasureId,
        file_name: &str,
        content_type: &str,
        bytes: &[u8],
    ) -> Result<Attachment> {
        let sha = sha256(bytes);
        let mut w = self.begin_write(author).await?;
        let id = new_uuid().to_string();
        let now = w.now_text();
        sqlx::query(
            "INSERT INTO attachments (id, origin, measure_id, file_name, content_type, size, sha256, uploaded_by, uploaded_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(&id)
        .bind(self.origin.code())
        .bind(measure.to_string())
        .bind(file_name)
        .bind(content_type)
        .bind(bytes.len() as i64)
        .bind(&sha)
        .bind(author.login)
        .bind(&now)
        .execute(&mut *w.tx)
        .await
        .map_err(missing_measure)?;
        self.blob_hold_in(&mut w, &sha, bytes).await?;
        let attachment = Attachment {
            id: id.clone(),
            measure_id: measure,
            file_name: file_name.to_string(),
            content_type: content_type.to_string(),
            size: bytes.len() as i64,
            sha256: sha,
            uploaded_by: author.login.map(str::to_string),
            uploaded_at: w.now,
        };
        w.audit(Change::create("attachment", &id, &attachment)).await?;
        w.commit().await?;
        Ok(attachment)
    }

    pub async fn attachments_of(&self, measure: MeasureId) -> Result<Vec<Attachment>> {
        let rows = sqlx::query(
            "SELECT id, measure_id, file_name, content_type, size, sha256, uploaded_by, uploaded_at FROM attachments \
             WHERE measure_id = $1 ORDER BY uploaded_at, id",
        )
        .bind(measure.to_string())
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(attachment_from_row).collect()
    }

    pub async fn attachment(&self, id: &str) -> Result<Attachment> {
        let row = sqlx::query(
            "SELECT id, measure_id, file_name, content_type, size, sha256, uploaded_by, uploaded_at FROM attachments WHERE id = $1",
        )
        .bind(id)
        .fetch_optional(&self.pool)
        .await?
        .ok_or(StoreError::NotFound { entity: "attachment" })?;
        attachment_from_row(&row)
    }

    /// The bytes of an attachment.
    pub async fn attachment_bytes(&self, attachment: &Attachment) -> Result<Vec<u8>> {
        tokio::fs::read(self.blob_path(&attachment.sha256)?).await.map_err(corrupt("reading an attachment"))
    }

    /// Removes the record (audited); the bytes go too unless another record shares them.
    pub async fn attachment_delete(&self, author: Author<'_>, id: &str) -> Result<()> {
        let before = self.attachment(id).await?;
        let mut w = self.begin_write(author).await?;
        sqlx::query("DELETE FROM attachments WHERE id = $1").bind(id).execute(&mut *w.tx).await?;
        w.audit(Change::delete("attachment", id, &before)).await?;
        w.commit().await?;
        self.blob_release(&before.sha256).await
    }

    /// Links two related measures (both ways); linking twice is harmless.
    pub async fn measure_link(&self, author: Author<'_>, a: MeasureId, b: MeasureId) -> Result<()> {
        if a == b {
            return Err(StoreError::Invalid(accord_domain::validation::Invalid::one(
                "link",
                accord_domain::validation::Reason::UnknownValue,
            )));
        }
        let (first, second) = if a.to_string() < b.to_string() { (a, b) } else { (b, a) };
        let mut w = self.begin_write(author).await?;
        let done =
            sqlx::query("INSERT INTO measure_links (measure_a, measure_b) VALUES ($1, $2) ON CONFLICT DO NOTHING")
                .bind(first.to_string())
                .bind(second.to_string())
                .execute(&mut *w.tx)
                .await
                .map_err(missing_measure)?;
        if done.rows_affected() > 0 {
            let key = format!("{first}/{second}");
            w.audit(Change::create("measure_link", &key, &serde_json::json!({"a": first, "b": second}))).await?;
        }
        w.commit().await
    }

    pub async fn measure_unlink(&self, author: Author<'_>, a: MeasureId, b: MeasureId) -> Result<()> {
        let (first, second) = if a.to_string() < b.to_string() { (a, b) } else { (b, a) };
        let mut w = self.begin_write(author).await?;
        let done = sqlx::query("DELETE FROM measure_links WHERE measure_a = $1 AND measure_b = $2")
            .bind(first.to_string())
            .bind(second.to_string())
            .execute(&mut *w.tx)
            .await?;
        if done.rows_affected() > 0 {
            let key = format!("{first}/{second}");
            w.audit(Change::delete("measure_link", &key, &serde_json::json!({"a": first, "b": second}))).await?;
        }
        w.commit().await
    }

    /// The measures linked to one.
    pub async fn measure_links(&self, measure: MeasureId) -> Result<Vec<MeasureId>> {
        let rows: Vec<(String,)> = sqlx::query_as(
            "SELECT measure_b FROM measure_links WHERE measure_a = $1 UNION SELECT measure_a FROM measure_links WHERE measure_b = $1",
        )
        .bind(measure.to_string())
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter().map(|(id,)| id.parse().map_err(corrupt("measure id"))).collect()
    }
}

fn attachment_from_row(row: &sqlx::any::AnyRow) -> Result<Attachment> {
    let measure: String = row.try_get("measure_id")?;
    Ok(Attachment {
        id: row.try_get("id")?,
        measure_id: measure.parse().map_err(corrupt("measure id"))?,
        file_name: row.try_get("file_name")?,
        content_type: row.try_get("content_type")?,
        size: row.try_get("size")?,
        sha256: row.try_get("sha256")?,
        uploaded_by: row.try_get("uploaded_by")?,
        uploaded_at: parse_time(&row.try_get::<String, _>("uploaded_at")?)?,
    })
}
