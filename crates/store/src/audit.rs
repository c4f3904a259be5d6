//! Appending to, reading and verifying the hash-chained audit log.

use crate::{Author, Page, Paging, Result, Store, corrupt, parse_time};
use accord_domain::Side;
use accord_domain::audit::{AuditEntry, ChainBreak, ChainVerifier, Change, Operation, entry_hash, timestamp_text};
use chrono::{DateTime, Utc};
use sqlx::any::AnyRow;
use sqlx::{Any, Row, Transaction};

/// Appends entries inside the caller's transaction, chained in order. The `UPDATE … RETURNING`
/// on the single head row reserves their numbers and takes a row lock on PostgreSQL, so
/// concurrent writers queue here and the chain never forks. Rows go in multi-row INSERTs.
/// Returns the new head, or `None` when there was nothing to append.
pub(crate) async fn append_all(
    tx: &mut Transaction<'static, Any>,
    author: Author<'_>,
    origin: Side,
    now: DateTime<Utc>,
    changes: Vec<Change>,
) -> Result<Option<i64>> {
    if changes.is_empty() {
        return Ok(None);
    }
    let count = changes.len() as i64;
    let (last_seq, mut prev_hash): (i64, String) =
        sqlx::query_as("UPDATE audit_head SET last_seq = last_seq + $1 WHERE id = 1 RETURNING last_seq, last_hash")
            .bind(count)
            .fetch_one(&mut **tx)
            .await?;
    let first_seq = last_seq - count + 1;
    let at = timestamp_text(now);
    let mut rows = Vec::with_capacity(changes.len());
    for (offset, change) in changes.into_iter().enumerate() {
        let seq = first_seq + offset as i64;
        let hash = entry_hash(
            &prev_hash,
            seq,
            now,
            author.login,
            change.entity,
            &change.entity_id,
            change.operation,
            change.before.as_deref(),
            change.after.as_deref(),
            change.reason.as_deref(),
        );
        rows.push((seq, change, std::mem::replace(&mut prev_hash, hash.clone()), hash));
    }
    // 12 values a row; 80 rows keep a statement under 1,000 parameters on both backends.
    for chunk in rows.chunks(80) {
        let placeholders: Vec<String> = (0..chunk.len())
            .map(|r| {
                let cells: Vec<String> = (1..=12).map(|c| format!("${}", r * 12 + c)).collect();
                format!("({})", cells.join(", "))
            })
            .collect();
        let sql = format!(
            "INSERT INTO audit_log (seq, at, actor, origin, entity, entity_id, operation, before_json, after_json, reason, prev_hash, hash) VALUES {}",
            placeholders.join(", ")
        );
        let mut query = sqlx::query(&sql);
        for (seq, change, prev, hash) in chunk {
            query = query
                .bind(*seq)
                .bind(at.clone())
                .bind(author.login)
                .bind(origin.code())
                .bind(change.entity)
                .bind(change.entity_id.clone())
                .bind(change.operation.code())
                .bind(change.before.clone())
                .bind(change.after.clone())
                .bind(change.reason.clone())
                .bind(prev.clone())
                .bind(hash.clone());
        }
        query.execute(&mut **tx).await?;
    }
    sqlx::query("UPDATE audit_head SET last_hash = $1 WHERE id = 1").bind(&prev_hash).execute(&mut **tx).await?;
    Ok(Some(last_seq))
}

const COLUMNS: &str = "seq, at, actor, entity, entity_id, operation, before_json, after_json, reason, prev_hash, hash";

fn entry_from_row(row: &AnyRow) -> Result<AuditEntry> {
    let operation: String = row.try_get("operation")?;
    Ok(AuditEntry {
        seq: row.try_get("seq")?,
        at: parse_time(&row.try_get::<String, _>("at")?)?,
        actor: row.try_get("actor")?,
        entity: row.try_get("entity")?,
        entity_id: row.try_get("entity_id")?,
        operation: Operation::parse(&operation).ok_or_else(|| corrupt("audit operation")(operation))?,
        before: row.try_get("before_json")?,
        after: row.try_get("after_json")?,
        reason: row.try_get("reason")?,
        prev_hash: row.try_get("prev_hash")?,
        hash: row.try_get("hash")?,
    })
}

/// Which entries to list.
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    pub entity: Option<String>,
    pub entity_id: Option<String>,
    pub actor: Option<String>,
}

/// The outcome of a chain verification.
#[derive(Debug, Clone, serde::Serialize)]
pub struct VerifyReport {
    pub checked: u64,
    pub first_break: Option<ChainBreak>,
}

impl Store {
    /// Newest first.
    pub async fn audit_list(&self, filter: &AuditFilter, paging: Paging) -> Result<Page<AuditEntry>> {
        let condition = "($1 IS NULL OR entity = $1) AND ($2 IS NULL OR entity_id = $2) AND ($3 IS NULL OR actor = $3)";
        let (total,): (i64,) = sqlx::query_as(&format!("SELECT COUNT(*) FROM audit_log WHERE {condition}"))
            .bind(&filter.entity)
            .bind(&filter.entity_id)
            .bind(&filter.actor)
            .fetch_one(&self.pool)
            .await?;
        let rows = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM audit_log WHERE {condition} ORDER BY seq DESC LIMIT $4 OFFSET $5"
        ))
        .bind(&filter.entity)
        .bind(&filter.entity_id)
        .bind(&filter.actor)
        .bind(paging.per_page)
        .bind(paging.offset())
        .fetch_all(&self.pool)
        .await?;
        let items = rows.iter().map(entry_from_row).collect::<Result<_>>()?;
        Ok(Page { items, total, page: paging.page, per_page: paging.per_page })
    }

    /// The whole history of one entity, oldest first; stays readable after a deletion.
    pub async fn audit_history(&self, entity: &str, entity_id: &str) -> Result<Vec<AuditEntry>> {
        let rows =
            sqlx::query(&format!("SELECT {COLUMNS} FROM audit_log WHERE entity = $1 AND entity_id = $2 ORDER BY seq"))
                .bind(entity)
                .bind(entity_id)
                .fetch_all(&self.pool)
                .await?;
        rows.iter().map(entry_from_row).collect()
    }

    /// Walks the whole chain in pages and reports the first broken entry, if any. Also checks
    /// that the head points at the last entry (a truncated tail is a break too).
    pub async fn audit_verify(&self) -> Result<VerifyReport> {
        const BATCH: i64 = 2_000;
        let mut verifier = ChainVerifier::default();
        let mut after_seq = 0_i64;
        let mut expected_seq = 1_i64;
        loop {
            let rows = sqlx::query(&format!("SELECT {COLUMNS} FROM audit_log WHERE seq > $1 ORDER BY seq LIMIT $2"))
                .bind(after_seq)
                .bind(BATCH)
                .fetch_all(&self.pool)
                .await?;
            for row in &rows {
                let entry = entry_from_row(row)?;
                let result = if entry.seq != expected_seq {
                    Err(ChainBreak::LinkBroken { seq: entry.seq })
                } else {
                    verifier.check(&entry)
                };
                if let Err(first_break) = result {
                    return Ok(VerifyReport { checked: verifier.checked, first_break: Some(first_break) });
                }
                after_seq = entry.seq;
                expected_seq += 1;
            }
            if (rows.len() as i64) < BATCH {
                break;
            }
        }
        let (last_seq,): (i64,) =
            sqlx::query_as("SELECT last_seq FROM audit_head WHERE id = 1").fetch_one(&self.pool).await?;
        let first_break = (last_seq != after_seq).then_some(ChainBreak::LinkBroken { seq: after_seq + 1 });
        Ok(VerifyReport { checked: verifier.checked, first_break })
    }
}

impl VerifyReport {
    pub fn checked_i64(&self) -> i64 {
        i64::try_from(self.checked).unwrap_or(i64::MAX)
    }
}
