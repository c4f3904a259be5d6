//! Plan versions (frozen snapshots) and amendments that wait for the second key.

use crate::directory::new_uuid;
use crate::{Author, Result, Store, StoreError, WriteTx, corrupt, parse_time};
use accord_domain::audit::Change;
use accord_domain::plan::MeasureData;
use accord_domain::plan::version::{AmendmentKind, AmendmentStatus};
use accord_domain::{MeasureId, PlanId, Side};
use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use sqlx::Row;

/// A frozen version of a plan, without its snapshot.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PlanVersion {
    pub number: i64,
    pub label: Option<String>,
    pub signed_on: Option<NaiveDate>,
    pub created_by: Option<String>,
    pub created_at: DateTime<Utc>,
}

/// What a side proposes: a change (or the deletion) of `measure` as it stood at `base_version`.
#[derive(Debug, Clone)]
pub struct Proposal<'a> {
    pub proposer_side: Side,
    pub measure: MeasureId,
    pub base_version: i64,
    pub kind: AmendmentKind,
    /// The measure as it would read after acceptance (for a deletion: as it reads now).
    pub proposed: &'a MeasureData,
    pub reason: Option<String>,
}

/// A proposed change to a measure of a signed plan.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Amendment {
    pub id: String,
    pub plan_id: PlanId,
    pub measure_id: MeasureId,
    pub base_version: i64,
    pub kind: AmendmentKind,
    /// The measure as it would read after acceptance (for a deletion: as it reads now).
    pub proposed: MeasureData,
    pub reason: Option<String>,
    pub proposed_by: String,
    pub proposer_side: Option<Side>,
    pub proposed_at: DateTime<Utc>,
    pub status: AmendmentStatus,
    pub decided_by: Option<String>,
    pub decided_at: Option<DateTime<Utc>>,
    pub decision_note: Option<String>,
}

fn amendment_from_row(row: &sqlx::any::AnyRow) -> Result<Amendment> {
    let plan: String = row.try_get("plan_id")?;
    let measure: String = row.try_get("measure_id")?;
    let proposed: String = row.try_get("proposed")?;
    let side: Option<String> = row.try_get("proposer_side")?;
    let status: String = row.try_get("status")?;
    let kind: String = row.try_get("kind")?;
    let decided_at: Option<String> = row.try_get("decided_at")?;
    Ok(Amendment {
        id: row.try_get("id")?,
        plan_id: plan.parse().map_err(corrupt("plan id"))?,
        measure_id: measure.parse().map_err(corrupt("measure id"))?,
        base_version: row.try_get("base_version")?,
        kind: AmendmentKind::parse(&kind).ok_or_else(|| StoreError::Corrupt(format!("amendment kind {kind:?}")))?,
        proposed: serde_json::from_str(&proposed).map_err(corrupt("amendment"))?,
        reason: row.try_get("reason")?,
        proposed_by: row.try_get("proposed_by")?,
        proposer_side: side.map(|s| s.parse()).transpose().map_err(corrupt("side"))?,
        proposed_at: parse_time(&row.try_get::<String, _>("proposed_at")?)?,
        status: AmendmentStatus::parse(&status)
            .ok_or_else(|| StoreError::Corrupt(format!("amendment status {status:?}")))?,
        decided_by: row.try_get("decided_by")?,
        decided_at: decided_at.as_deref().map(parse_time).transpose()?,
        decision_note: row.try_get("decision_note")?,
    })
}

const AMENDMENT_COLUMNS: &str = "id, plan_id, measure_id, base_version, kind, proposed, reason, proposed_by, proposer_side, proposed_at, \
     status, decided_by, decided_at, decision_note";

impl Store {
    /// Freezes the plan as it stands into the next version; marks it signed when `signed_on`.
    pub async fn plan_freeze_version(
        &self,
        author: Author<'_>,
        plan: PlanId,
        label: Option<&str>,
        signed_on: Option<NaiveDate>,
    ) -> Result<i64> {
        let measures: Vec<MeasureData> = self.measures_of_plan(plan).await?.into_iter().map(|m| m.data).collect();
        let snapshot = serde_json::to_string(&measures).map_err(corrupt("snapshot"))?;
        let mut w = self.begin_write(author).await?;
        let (last,): (Option<i64>,) = sqlx::query_as("SELECT MAX(number) FROM plan_versions WHERE plan_id = $1")
            .bind(plan.to_string())
            .fetch_one(&mut *w.tx)
            .await?;
        let number = last.unwrap_or(0) + 1;
        let now = w.now_text();
        sqlx::query(
            "INSERT INTO plan_versions (plan_id, number, label, signed_on, snapshot, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(plan.to_string())
        .bind(number)
        .bind(label)
        .bind(signed_on.map(|d| d.format("%Y-%m-%d").to_string()))
        .bind(&snapshot)
        .bind(author.login)
        .bind(&now)
        .execute(&mut *w.tx)
        .await?;
        if signed_on.is_some() {
            sqlx::query("UPDATE plans SET signed_version = $1, version = version + 1, updated_at = $2 WHERE id = $3")
                .bind(number)
                .bind(&now)
                .bind(plan.to_string())
                .execute(&mut *w.tx)
                .await?;
        }
        let key = format!("{plan}/{number}");
        let after = serde_json::json!({ "plan": plan, "number": number, "label": label, "signed_on": signed_on, "measures": measures.len() });
        w.audit(Change::create("plan_version", &key, &after)).await?;
        w.commit().await?;
        Ok(number)
    }

    pub async fn plan_versions(&self, plan: PlanId) -> Result<Vec<PlanVersion>> {
        let rows = sqlx::query(
            "SELECT number, label, signed_on, created_by, created_at FROM plan_versions WHERE plan_id = $1 ORDER BY number",
        )
        .bind(plan.to_string())
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| {
                let signed_on: Option<String> = row.try_get("signed_on")?;
                Ok(PlanVersion {
                    number: row.try_get("number")?,
                    label: row.try_get("label")?,
                    signed_on: signed_on
                        .as_deref()
                        .map(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").map_err(corrupt("date")))
                        .transpose()?,
                    created_by: row.try_get("created_by")?,
                    created_at: parse_time(&row.try_get::<String, _>("created_at")?)?,
                })
            })
            .collect()
    }

    /// The measures of a frozen version.
    pub async fn plan_version_measures(&self, plan: PlanId, number: i64) -> Result<Vec<MeasureData>> {
        let (snapshot,): (String,) =
            sqlx::query_as("SELECT snapshot FROM plan_versions WHERE plan_id = $1 AND number = $2")
                .bind(plan.to_string())
                .bind(number)
                .fetch_optional(&self.pool)
                .await?
                .ok_or(StoreError::NotFound { entity: "plan version" })?;
        serde_json::from_str(&snapshot).map_err(corrupt("snapshot"))
    }

    /// Records a proposed change of a measure in its own transaction (generated data; people
    /// propose through the application layer).
    pub async fn amendment_propose(
        &self,
        author: Author<'_>,
        proposer_side: Side,
        measure: MeasureId,
        base_version: i64,
        proposed: &MeasureData,
        reason: Option<String>,
    ) -> Result<Amendment> {
        let mut w = self.begin_write(author).await?;
        let proposal = Proposal { proposer_side, measure, base_version, kind: AmendmentKind::Change, proposed, reason };
        let amendment = self.amendment_propose_in(&mut w, proposal).await?;
        w.commit().await?;
        Ok(amendment)
    }

    /// Records a proposed change (or deletion) that waits for the other side, in the caller's
    /// transaction. Refused when the measure moved on from `base_version`, or when a proposal
    /// on that version already waits (a unique index makes that hold between processes too).
    pub async fn amendment_propose_in(&self, w: &mut WriteTx<'_>, proposal: Proposal<'_>) -> Result<Amendment> {
        let Proposal { proposer_side, measure, base_version, kind, proposed, reason } = proposal;
        let current = self.locked_measure(w, measure, base_version).await?;
        if kind == AmendmentKind::Delete {
            crate::plan::refuse_with_sub_measures(w, &current).await?;
        }
        if let Some(waiting) = self.pending_amendment_in(w, measure).await? {
            return Err(StoreError::AmendmentPending { amendment: waiting });
        }
        let id = new_uuid().to_string();
        let now = w.now_text();
        let proposer = w.author.login.unwrap_or("system");
        let body = serde_json::to_string(proposed).map_err(corrupt("amendment"))?;
        sqlx::query(
            "INSERT INTO amendments (id, origin, plan_id, measure_id, base_version, kind, proposed, reason, proposed_by, proposer_side, proposed_at, status) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 'pending')",
        )
        .bind(&id)
        .bind(self.origin.code())
        .bind(current.plan_id.to_string())
        .bind(measure.to_string())
        .bind(base_version)
        .bind(kind.code())
        .bind(&body)
        .bind(&reason)
        .bind(proposer)
        .bind(proposer_side.code())
        .bind(&now)
        .execute(&mut *w.tx)
        .await
        .map_err(|e| match &e {
            sqlx::Error::Database(db) if db.is_unique_violation() => {
                StoreError::AmendmentPending { amendment: String::new() }
            }
            _ => StoreError::Database(e),
        })?;
        let amendment = Amendment {
            id: id.clone(),
            plan_id: current.plan_id,
            measure_id: measure,
            base_version,
            kind,
            proposed: proposed.clone(),
            reason,
            proposed_by: proposer.to_string(),
            proposer_side: Some(proposer_side),
            proposed_at: w.now,
            status: AmendmentStatus::Pending,
            decided_by: None,
            decided_at: None,
            decision_note: None,
        };
        w.audit(Change::create("amendment", &id, &amendment)).await?;
        Ok(amendment)
    }

    /// The id of the amendment waiting on a measure, if one does.
    async fn pending_amendment_in(&self, w: &mut WriteTx<'_>, measure: MeasureId) -> Result<Option<String>> {
        let row: Option<(String,)> =
            sqlx::query_as("SELECT id FROM amendments WHERE measure_id = $1 AND status = 'pending' LIMIT 1")
                .bind(measure.to_string())
                .fetch_optional(&mut *w.tx)
                .await?;
        Ok(row.map(|(id,)| id))
    }

    /// The amendments waiting on the measures of a plan, by measure.
    pub async fn pending_amendments(&self, plan: PlanId) -> Result<std::collections::HashMap<MeasureId, Amendment>> {
        let rows = sqlx::query(&format!(
            "SELECT {AMENDMENT_COLUMNS} FROM amendments WHERE plan_id = $1 AND status = 'pending'"
        ))
        .bind(plan.to_string())
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(|row| amendment_from_row(row).map(|a| (a.measure_id, a))).collect()
    }

    pub async fn amendment(&self, id: &str) -> Result<Amendment> {
        let row = sqlx::query(&format!("SELECT {AMENDMENT_COLUMNS} FROM amendments WHERE id = $1"))
            .bind(id)
            .fetch_optional(&self.pool)
            .await?
            .ok_or(StoreError::NotFound { entity: "amendment" })?;
        amendment_from_row(&row)
    }

    /// Amendments of a plan, pending first, newest first; optionally of one measure.
    pub async fn amendments(&self, plan: PlanId, measure: Option<MeasureId>) -> Result<Vec<Amendment>> {
        let rows = sqlx::query(&format!(
            "SELECT {AMENDMENT_COLUMNS} FROM amendments WHERE plan_id = $1 AND ($2 IS NULL OR measure_id = $2) \
             ORDER BY CASE WHEN status = 'pending' THEN 0 ELSE 1 END, proposed_at DESC"
        ))
        .bind(plan.to_string())
        .bind(measure.map(|m| m.to_string()))
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(amendment_from_row).collect()
    }

    /// Accepts (applying the change or deletion) or rejects a pending amendment, in the
    /// caller's transaction. A measure changed since the proposal makes the acceptance stale.
    pub async fn amendment_decide_in(
        &self,
        w: &mut WriteTx<'_>,
        before: &Amendment,
        accept: bool,
        note: Option<String>,
    ) -> Result<Amendment> {
        if before.status != AmendmentStatus::Pending {
            return Err(StoreError::Conflict { entity: "amendment", current: 0 });
        }
        if accept {
            match before.kind {
                AmendmentKind::Change => {
                    let plan = self.plan(before.plan_id).await?;
                    let current = self.locked_measure(w, before.measure_id, before.base_version).await?;
                    self.rewrite_measure(
                        w,
                        &plan,
                        &current,
                        &before.proposed,
                        before.reason.clone(),
                        &mut crate::plan::OrgNames::new(),
                    )
                    .await?;
                }
                AmendmentKind::Delete => {
                    self.measure_delete_in(w, before.measure_id, before.base_version, before.reason.clone()).await?;
                }
            }
        }
        let status = if accept { AmendmentStatus::Accepted } else { AmendmentStatus::Rejected };
        let now = w.now_text();
        let decided_by = w.author.login;
        // A deleted measure takes its amendments with it (ON DELETE CASCADE): the decision
        // then lives in the audit log only.
        let done = sqlx::query(
            "UPDATE amendments SET status = $1, decided_by = $2, decided_at = $3, decision_note = $4 WHERE id = $5 AND status = 'pending'",
        )
        .bind(status.code())
        .bind(decided_by)
        .bind(&now)
        .bind(&note)
        .bind(&before.id)
        .execute(&mut *w.tx)
        .await?;
        let deleted = accept && before.kind == AmendmentKind::Delete;
        if done.rows_affected() == 0 && !deleted {
            return Err(StoreError::Conflict { entity: "amendment", current: 0 });
        }
        let after = Amendment {
            status,
            decided_by: decided_by.map(str::to_string),
            decided_at: Some(w.now),
            decision_note: note,
            ..before.clone()
        };
        w.audit(Change::update("amendment", &before.id, before, &after)).await?;
        Ok(after)
    }
}
