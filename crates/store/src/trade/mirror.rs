//! Mirror verdicts: what the two sides decided about a gap between one side's exports and the
//! other's imports.

use super::*;

/// The key of a mirror verdict: one exporter/importer pair, one bucket, optionally one code.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct MirrorKey {
    pub exporter: Territory,
    pub importer: Territory,
    /// A bucket as text: `2025-03`, `2025Q1` or `2025`.
    pub bucket: String,
    /// Digits of the code, or empty for the bucket's total.
    pub code: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct MirrorVerdict {
    pub key: MirrorKey,
    pub status: MirrorStatus,
    pub comment: Option<String>,
    pub version: i64,
    pub updated_at: DateTime<Utc>,
    pub updated_by: Option<String>,
}

impl Store {
    pub async fn mirror_verdicts(&self) -> Result<Vec<MirrorVerdict>> {
        let rows = sqlx::query(
            "SELECT exporter, importer, bucket, code, status, comment, version, updated_at, updated_by FROM mirror_statuses",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| {
                let exporter: String = row.try_get("exporter")?;
                let importer: String = row.try_get("importer")?;
                let status: String = row.try_get("status")?;
                Ok(MirrorVerdict {
                    key: MirrorKey {
                        exporter: Territory::parse(&exporter).map_err(bad("mirror exporter"))?,
                        importer: Territory::parse(&importer).map_err(bad("mirror importer"))?,
                        bucket: row.try_get("bucket")?,
                        code: row.try_get("code")?,
                    },
                    status: MirrorStatus::parse(&status).ok_or_else(|| corrupt("mirror status")(&status))?,
                    comment: row.try_get("comment")?,
                    version: row.try_get("version")?,
                    updated_at: parse_time(&row.try_get::<String, _>("updated_at")?)?,
                    updated_by: row.try_get("updated_by")?,
                })
            })
            .collect()
    }

    /// Records a coordinator's verdict on a mirror pair. `expected_version` is `None` for the
    /// first verdict on the pair and the version read otherwise.
    pub async fn mirror_verdict_set(
        &self,
        author: Author<'_>,
        key: &MirrorKey,
        expected_version: Option<i64>,
        status: MirrorStatus,
        comment: Option<&str>,
    ) -> Result<MirrorVerdict> {
        let mut w = self.begin_write(author).await?;
        let verdict = self.mirror_verdict_set_in(&mut w, key, expected_version, status, comment).await?;
        w.commit().await?;
        Ok(verdict)
    }

    /// [`Store::mirror_verdict_set`] inside the caller's transaction.
    pub async fn mirror_verdict_set_in(
        &self,
        w: &mut WriteTx<'_>,
        key: &MirrorKey,
        expected_version: Option<i64>,
        status: MirrorStatus,
        comment: Option<&str>,
    ) -> Result<MirrorVerdict> {
        let comment = comment.map(str::trim).filter(|c| !c.is_empty());
        if status != MirrorStatus::Open && status != MirrorStatus::Accepted && comment.is_none() {
            return Err(Invalid::one("comment", Reason::Required).into());
        }
        let login = w.author_login();
        let current: Option<(i64, String, Option<String>)> = sqlx::query_as(
            "SELECT version, status, comment FROM mirror_statuses WHERE exporter = $1 AND importer = $2 AND bucket = $3 AND code = $4",
        )
        .bind(key.exporter.as_str())
        .bind(key.importer.as_str())
        .bind(&key.bucket)
        .bind(&key.code)
        .fetch_optional(&mut *w.tx)
        .await?;
        let entity_id = format!("{}>{}:{}:{}", key.exporter, key.importer, key.bucket, key.code);
        let after = serde_json::json!({ "status": status.code(), "comment": comment });
        let version = match (current, expected_version) {
            (Some((version, _, _)), expected) if expected != Some(version) => {
                return Err(StoreError::Conflict { entity: "mirror_status", current: version });
            }
            (None, Some(_)) => return Err(StoreError::Conflict { entity: "mirror_status", current: 0 }),
            (Some((version, old_status, old_comment)), _) => {
                sqlx::query(
                    "UPDATE mirror_statuses SET status = $1, comment = $2, version = version + 1, updated_at = $3, updated_by = $4 \
                     WHERE exporter = $5 AND importer = $6 AND bucket = $7 AND code = $8",
                )
                .bind(status.code())
                .bind(comment)
                .bind(w.now_text())
                .bind(login.as_deref())
                .bind(key.exporter.as_str())
                .bind(key.importer.as_str())
                .bind(&key.bucket)
                .bind(&key.code)
                .execute(&mut *w.tx)
                .await?;
                let before = serde_json::json!({ "status": old_status, "comment": old_comment });
                w.audit(Change::update("mirror_status", &entity_id, &before, &after)).await?;
                version + 1
            }
            (None, None) => {
                sqlx::query(
                    "INSERT INTO mirror_statuses (exporter, importer, bucket, code, status, comment, version, updated_at, updated_by) \
                     VALUES ($1, $2, $3, $4, $5, $6, 1, $7, $8)",
                )
                .bind(key.exporter.as_str())
                .bind(key.importer.as_str())
                .bind(&key.bucket)
                .bind(&key.code)
                .bind(status.code())
                .bind(comment)
                .bind(w.now_text())
                .bind(login.as_deref())
                .execute(&mut *w.tx)
                .await?;
                w.audit(Change::create("mirror_status", &entity_id, &after)).await?;
                1
            }
        };
        Ok(MirrorVerdict {
            key: key.clone(),
            status,
            comment: comment.map(str::to_string),
            version,
            updated_at: w.now,
            updated_by: login,
        })
    }
}
