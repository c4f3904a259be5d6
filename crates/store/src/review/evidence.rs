//! Evidence attached to quarterly reports: files an executor adds to a draft or returned report
//! (acts, photos, protocols) for the coordinator reviewing it. The bytes are kept as measure
//! attachments are (by content hash under the data folder); each add and removal is one
//! transaction with its audit entry, checked against the report's state and its period's lock
//! inside that transaction.

use super::{ReviewRefusal, parse_body, refused};
use crate::directory::new_uuid;
use crate::{Author, Result, Store, StoreError, WriteTx, parse_time};
use accord_domain::audit::Change;
use accord_domain::quarter::Quarter;
use accord_domain::review::{Actor, Report};
use accord_domain::{MeasureId, OrganisationId};
use chrono::{DateTime, Utc};
use serde::Serialize;
use sqlx::Row;

/// A file attached to a report as evidence.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReportEvidence {
    pub id: String,
    pub report_id: String,
    pub quarter: Quarter,
    pub organisation: OrganisationId,
    pub measure: MeasureId,
    pub file_name: String,
    pub content_type: String,
    pub size: i64,
    pub sha256: String,
    pub uploaded_by: Option<String>,
    pub uploaded_at: DateTime<Utc>,
}

const SELECT: &str = "SELECT f.id, f.report_id, r.quarter, r.organisation_id, r.measure_id, f.file_name, \
     f.content_type, f.size, f.sha256, f.uploaded_by, f.uploaded_at \
     FROM review_report_files f JOIN review_reports r ON r.id = f.report_id";

fn evidence_from_row(row: &sqlx::any::AnyRow) -> Result<ReportEvidence> {
    let text = |i: usize| -> Result<String> { Ok(row.try_get::<String, _>(i)?) };
    let parse = |what: &str, value: String| StoreError::Corrupt(format!("report evidence {what}: {value:?}"));
    let quarter = text(2)?;
    let organisation = text(3)?;
    let measure = text(4)?;
    Ok(ReportEvidence {
        id: text(0)?,
        report_id: text(1)?,
        quarter: quarter.parse().map_err(|_| parse("quarter", quarter.clone()))?,
        organisation: organisation.parse().map_err(|_| parse("organisation", organisation.clone()))?,
        measure: measure.parse().map_err(|_| parse("measure", measure.clone()))?,
        file_name: text(5)?,
        content_type: text(6)?,
        size: row.try_get::<i64, _>(7)?,
        sha256: text(8)?,
        uploaded_by: row.try_get::<Option<String>, _>(9)?,
        uploaded_at: parse_time(&text(10)?)?,
    })
}

impl Store {
    /// The evidence of one organisation's report on one measure for a quarter, oldest first
    /// (empty when there is no report yet).
    pub async fn review_evidence_of(
        &self,
        quarter: Quarter,
        organisation: OrganisationId,
        measure: MeasureId,
    ) -> Result<Vec<ReportEvidence>> {
        let rows = sqlx::query(&format!(
            "{SELECT} WHERE r.quarter = $1 AND r.organisation_id = $2 AND r.measure_id = $3 ORDER BY f.uploaded_at, f.id"
        ))
        .bind(quarter.to_string())
        .bind(organisation.to_string())
        .bind(measure.to_string())
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(evidence_from_row).collect()
    }

    /// How many evidence files each report of a quarter has, by report id.
    pub async fn review_evidence_counts(&self, quarter: Quarter) -> Result<std::collections::HashMap<String, i64>> {
        let rows: Vec<(String, i64)> = sqlx::query_as(
            "SELECT f.report_id, COUNT(*) FROM review_report_files f JOIN review_reports r ON r.id = f.report_id \
             WHERE r.quarter = $1 GROUP BY f.report_id",
        )
        .bind(quarter.to_string())
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.into_iter().collect())
    }

    pub async fn review_evidence(&self, id: &str) -> Result<ReportEvidence> {
        let row = sqlx::query(&format!("{SELECT} WHERE f.id = $1"))
            .bind(id)
            .fetch_optional(&self.pool)
            .await?
            .ok_or(StoreError::NotFound { entity: "review_evidence" })?;
        evidence_from_row(&row)
    }

    /// The bytes of an evidence file.
    pub async fn review_evidence_bytes(&self, evidence: &ReportEvidence) -> Result<Vec<u8>> {
        self.blob_read(&evidence.sha256).await
    }

    /// The report a file goes with, checked in the write transaction: it exists, its period is
    /// open, it is a draft or returned, and `actor` is its organisation's executor.
    async fn evidence_report_in(
        w: &mut WriteTx<'_>,
        actor: &Actor,
        quarter: Quarter,
        organisation: OrganisationId,
        measure: MeasureId,
    ) -> Result<Report> {
        let period = Self::period_in(w, quarter).await?;
        let row: Option<(String,)> = sqlx::query_as(
            "SELECT body FROM review_reports WHERE quarter = $1 AND organisation_id = $2 AND measure_id = $3",
        )
        .bind(quarter.to_string())
        .bind(organisation.to_string())
        .bind(measure.to_string())
        .fetch_optional(&mut *w.tx)
        .await?;
        let (body,) = row.ok_or(StoreError::NotFound { entity: "review_report" })?;
        let report: Report = parse_body("report", &body)?;
        report.ensure_evidence_editable(&period, actor).map_err(refused)?;
        Ok(report)
    }

    /// Attaches a file to a report (the type and size are the caller's to check). The bytes go
    /// to disk first; the record and its audit entry are one transaction, refused when the
    /// report may not take evidence now.
    #[allow(clippy::too_many_arguments)]
    pub async fn review_evidence_add(
        &self,
        author: Author<'_>,
        actor: &Actor,
        quarter: Quarter,
        organisation: OrganisationId,
        measure: MeasureId,
        file_name: &str,
        content_type: &str,
        bytes: &[u8],
    ) -> Result<ReportEvidence> {
        // Checked before the bytes are written (so a refusal leaves no file behind), and again,
        // authoritatively, in the transaction.
        let period = self.review_period(quarter).await?.ok_or_else(|| refused(ReviewRefusal::NoPeriod(quarter)))?;
        let report = self
            .review_report(quarter, organisation, measure)
            .await?
            .ok_or(StoreError::NotFound { entity: "review_report" })?;
        report.ensure_evidence_editable(&period, actor).map_err(refused)?;
        let sha = self.blob_write(bytes).await?;
        let mut w = self.begin_write(author).await?;
        let report = match Self::evidence_report_in(&mut w, actor, quarter, organisation, measure).await {
            Ok(report) => report,
            Err(e) => {
                drop(w);
                self.blob_release(&sha).await?;
                return Err(e);
            }
        };
        let id = new_uuid().to_string();
        let now = w.now_text();
        sqlx::query(
            "INSERT INTO review_report_files (id, origin, report_id, file_name, content_type, size, sha256, uploaded_by, uploaded_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(&id)
        .bind(self.origin.code())
        .bind(report.id.to_string())
        .bind(file_name)
        .bind(content_type)
        .bind(bytes.len() as i64)
        .bind(&sha)
        .bind(author.login)
        .bind(&now)
        .execute(&mut *w.tx)
        .await?;
        self.blob_hold_in(&mut w, &sha, bytes).await?;
        let evidence = ReportEvidence {
            id: id.clone(),
            report_id: report.id.to_string(),
            quarter,
            organisation,
            measure,
            file_name: file_name.to_string(),
            content_type: content_type.to_string(),
            size: bytes.len() as i64,
            sha256: sha,
            uploaded_by: author.login.map(str::to_string),
            uploaded_at: w.now,
        };
        w.audit(Change::create("review_evidence", &id, &evidence)).await?;
        w.commit().await?;
        Ok(evidence)
    }

    /// Removes an evidence file (audited) while its report may still change; the bytes go too
    /// unless something else shares them.
    pub async fn review_evidence_delete(&self, author: Author<'_>, actor: &Actor, id: &str) -> Result<ReportEvidence> {
        let before = self.review_evidence(id).await?;
        let mut w = self.begin_write(author).await?;
        Self::evidence_report_in(&mut w, actor, before.quarter, before.organisation, before.measure).await?;
        let deleted = sqlx::query("DELETE FROM review_report_files WHERE id = $1").bind(id).execute(&mut *w.tx).await?;
        if deleted.rows_affected() == 0 {
            return Err(StoreError::NotFound { entity: "review_evidence" });
        }
        w.audit(Change::delete("review_evidence", id, &before)).await?;
        w.commit().await?;
        self.blob_release(&before.sha256).await?;
        Ok(before)
    }
}
