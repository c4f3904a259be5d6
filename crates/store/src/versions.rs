//! Plan versions (frozen snapshots) and amendments that wait for the second key.

use crate::directory::new_uuid;
use crate::{Author, Result, Store, StoreError, corrupt, parse_time};
use accord_domain::audit::Change;
use accord_domain::plan::MeasureData;
use accord_domain::plan::version::AmendmentStatus;
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

/// A proposed change to a measure of a signed plan.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Amendment {
    pub id: String,
    pub plan_id: PlanId,
    pub measure_id: MeasureId,
    pub base_version: i64,
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
    let decided_at: Option<String> = row.try_get("decided_at")?;
    Ok(Amendment {
        id: row.try_get("id")?,
        plan_id: plan.parse().map_err(corrupt("plan id"))?,
        measure_id: measure.parse().map_err(corrupt("measure id"))?,
        base_version: row.try_get("base_version")?,
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

const AMENDMENT_COLUMNS: &str = "id, plan_id, measure_id, base_version, proposed, reason, proposed_by, proposer_side, proposed_at, \
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

    /// Records a proposed change that waits for the other side.
    pub async fn amendment_propose(
        &self,
        author: Author<'_>,
        proposer_side: Option<Side>,
        measure: MeasureId,
        base_version: i64,
        proposed: &MeasureData,
        reason: Option<String>,
    ) -> Result<Amendment> {
        let current = self.measure(measure).await?;
        if current.version != base_version {
            return Err(StoreError::Conflict { entity: "measure", current: current.version });
        }
        let mut w = self.begin_write(author).await?;
        let id = new_uuid().to_string();
        let now = w.now_text();
        let body = serde_json::to_string(proposed).map_err(corrupt("amendment"))?;
        sqlx::query(&format!(
            "INSERT INTO amendments (id, origin, plan_id, measure_id, base_version, proposed, reason, proposed_by, proposer_side, proposed_at, status) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'pending') RETURNING {AMENDMENT_COLUMNS}"
        ))
        .bind(&id)
        .bind(self.origin.code())
        .bind(current.plan_id.to_string())
        .bind(measure.to_string())
        .bind(base_version)
        .bind(&body)
        .bind(&reason)
        .bind(author.login.unwrap_or("system"))
        .bind(proposer_side.map(Side::code))
        .bind(&now)
        .fetch_one(&mut *w.tx)
        .await?;
        let amendment = Amendment {
            id: id.clone(),
            plan_id: current.plan_id,
            measure_id: measure,
            base_version,
            proposed: proposed.clone(),
            reason,
            proposed_by: author.login.unwrap_or("system").to_string(),
            proposer_side,
            proposed_at: w.now,
            status: AmendmentStatus::Pending,
            decided_by: None,
            decided_at: None,
            decision_note: None,
        };
        w.audit(Change::create("amendment", &id, &amendment)).await?;
        w.commit().await?;
        Ok(amendment)
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

    /// Accepts (applying the change to the measure) or rejects a pending amendment, in one
    /// transaction. A measure changed since the proposal makes the acceptance a conflict.
    pub async fn amendment_decide(
        &self,
        author: Author<'_>,
        id: &str,
        accept: bool,
        note: Option<String>,
    ) -> Result<Amendment> {
        let before = self.amendment(id).await?;
        if before.status != AmendmentStatus::Pending {
            return Err(StoreError::Conflict { entity: "amendment", current: 0 });
        }
        let plan = self.plan(before.plan_id).await?;
        let mut w = self.begin_write(author).await?;
        if accept {
            let current = self.locked_measure(&mut w, before.measure_id, before.base_version).await?;
            self.rewrite_measure(
                &mut w,
                &plan,
                &current,
                &before.proposed,
                before.reason.clone(),
                &mut crate::plan::OrgNames::new(),
            )
            .await?;
        }
        let status = if accept { AmendmentStatus::Accepted } else { AmendmentStatus::Rejected };
        let now = w.now_text();
        let done = sqlx::query(
            "UPDATE amendments SET status = $1, decided_by = $2, decided_at = $3, decision_note = $4 WHERE id = $5 AND status = 'pending'",
        )
        .bind(status.code())
        .bind(author.login)
        .bind(&now)
        .bind(&note)
        .bind(id)
        .execute(&mut *w.tx)
        .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::Conflict { entity: "amendment", current: 0 });
        }
        let after = Amendment {
            status,
            decided_by: author.login.map(str::to_string),
            decided_at: Some(w.now),
            decision_note: note,
            ..before.clone()
        };
        w.audit(Change::update("amendment", id, &before, &after)).await?;
        w.commit().await?;
        Ok(after)
    }
}
