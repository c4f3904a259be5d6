//! The agreement, its plans, sections, measures (with executors and tags), indicators and
//! their quarterly actuals.

use crate::directory::new_uuid;
use crate::{Author, Result, Store, StoreError, WriteTx, corrupt};

mod indicators;
mod measure_write;
mod measures;

use accord_domain::audit::Change;
use accord_domain::plan::{Agreement, Measure, NewPlan, Plan, Section, Signatory};
use accord_domain::{AgreementId, PlanId};
use chrono::NaiveDate;
pub(crate) use indicators::write_actual;
pub(crate) use measures::OrgNames;
pub use measures::{MeasureFilter, MeasureSort};
use rust_decimal::Decimal;
use sqlx::Row;
use sqlx::any::AnyRow;
use std::str::FromStr;

fn date_text(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

fn parse_date(text: &str) -> Result<NaiveDate> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").map_err(|e| StoreError::Corrupt(format!("date {text:?}: {e}")))
}

fn parse_decimal(text: &str) -> Result<Decimal> {
    Decimal::from_str(text).map_err(|e| StoreError::Corrupt(format!("decimal {text:?}: {e}")))
}

// ---------------------------------------------------------------------------------------------
// Agreements and plans

/// An agreement to create together with its first plan.
#[derive(Debug, Clone)]
pub struct NewAgreement {
    pub code: String,
    pub title_ru: String,
    pub title_en: Option<String>,
    pub signed_on: Option<NaiveDate>,
    pub signatories: Vec<Signatory>,
}

const PLAN_COLUMNS: &str =
    "id, agreement_id, code, title_ru, title_en, period_start, period_end, signed_version, version";

fn plan_from_row(row: &AnyRow) -> Result<Plan> {
    let id: String = row.try_get("id")?;
    let agreement: String = row.try_get("agreement_id")?;
    Ok(Plan {
        id: id.parse().map_err(corrupt("plan id"))?,
        agreement_id: agreement.parse().map_err(corrupt("agreement id"))?,
        code: row.try_get("code")?,
        title_ru: row.try_get("title_ru")?,
        title_en: row.try_get("title_en")?,
        period_start: parse_date(&row.try_get::<String, _>("period_start")?)?,
        period_end: parse_date(&row.try_get::<String, _>("period_end")?)?,
        signed_version: row.try_get("signed_version")?,
        version: row.try_get("version")?,
    })
}

/// A measure with sub-measures cannot be deleted (nor its deletion proposed).
pub(crate) async fn refuse_with_sub_measures(w: &mut WriteTx<'_>, measure: &Measure) -> Result<()> {
    let prefix = format!("{}.%", measure.data.number.sort_key());
    let (children,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM measures WHERE plan_id = $1 AND sort_key LIKE $2")
        .bind(measure.plan_id.to_string())
        .bind(&prefix)
        .fetch_one(&mut *w.tx)
        .await?;
    if children > 0 {
        return Err(StoreError::InUse { entity: "measure", by: "sub-measures" });
    }
    Ok(())
}

/// What a bulk load of measures did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct ImportCounts {
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
}

impl Store {
    /// Creates an agreement and its plan in one transaction.
    pub async fn plan_create(&self, author: Author<'_>, agreement: &NewAgreement, plan: &NewPlan) -> Result<Plan> {
        let mut w = self.begin_write(author).await?;
        let stored = self.plan_create_in(&mut w, agreement, plan).await?;
        w.commit().await?;
        Ok(stored)
    }

    /// Creates an agreement and its plan in the caller's transaction.
    pub async fn plan_create_in(&self, w: &mut WriteTx<'_>, agreement: &NewAgreement, plan: &NewPlan) -> Result<Plan> {
        let now = w.now_text();
        let agreement_id = AgreementId(new_uuid());
        let signatories = serde_json::to_string(&agreement.signatories).map_err(corrupt("signatories"))?;
        sqlx::query(
            "INSERT INTO agreements (id, origin, code, title_ru, title_en, signed_on, signatories, version, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, 1, $8, $8)",
        )
        .bind(agreement_id.to_string())
        .bind(self.origin.code())
        .bind(&agreement.code)
        .bind(&agreement.title_ru)
        .bind(&agreement.title_en)
        .bind(agreement.signed_on.map(date_text))
        .bind(&signatories)
        .bind(&now)
        .execute(&mut *w.tx)
        .await
        .map_err(|e| crate::unique_violation(e, &[("code", "code")]))?;
        let stored_agreement = Agreement {
            id: agreement_id,
            code: agreement.code.clone(),
            title_ru: agreement.title_ru.clone(),
            title_en: agreement.title_en.clone(),
            signed_on: agreement.signed_on,
            signatories: agreement.signatories.clone(),
        };
        w.audit(Change::create("agreement", agreement_id, &stored_agreement)).await?;
        let plan_id = PlanId(new_uuid());
        sqlx::query(
            "INSERT INTO plans (id, origin, agreement_id, code, title_ru, title_en, period_start, period_end, version, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 1, $9, $9)",
        )
        .bind(plan_id.to_string())
        .bind(self.origin.code())
        .bind(agreement_id.to_string())
        .bind(&plan.code)
        .bind(&plan.title_ru)
        .bind(&plan.title_en)
        .bind(date_text(plan.period_start))
        .bind(date_text(plan.period_end))
        .bind(&now)
        .execute(&mut *w.tx)
        .await
        .map_err(|e| crate::unique_violation(e, &[("code", "code")]))?;
        let stored = Plan {
            id: plan_id,
            agreement_id,
            code: plan.code.clone(),
            title_ru: plan.title_ru.clone(),
            title_en: plan.title_en.clone(),
            period_start: plan.period_start,
            period_end: plan.period_end,
            signed_version: None,
            version: 1,
        };
        w.audit(Change::create("plan", plan_id, &stored)).await?;
        Ok(stored)
    }

    /// Every plan, by period and code.
    pub async fn plan_list(&self) -> Result<Vec<Plan>> {
        Ok(self.cached_plans().await?.as_ref().clone())
    }

    pub(crate) async fn plans_from_db(&self) -> Result<Vec<Plan>> {
        let rows = sqlx::query(&format!("SELECT {PLAN_COLUMNS} FROM plans ORDER BY period_start, code"))
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(plan_from_row).collect()
    }

    pub async fn plan(&self, id: PlanId) -> Result<Plan> {
        let plans = self.cached_plans().await?;
        plans.iter().find(|p| p.id == id).cloned().ok_or(StoreError::NotFound { entity: "plan" })
    }

    pub async fn plan_by_code(&self, code: &str) -> Result<Plan> {
        let code = code.trim().to_ascii_uppercase();
        let plans = self.cached_plans().await?;
        plans.iter().find(|p| p.code == code).cloned().ok_or(StoreError::NotFound { entity: "plan" })
    }

    pub async fn agreement(&self, id: AgreementId) -> Result<Agreement> {
        let row =
            sqlx::query("SELECT id, code, title_ru, title_en, signed_on, signatories FROM agreements WHERE id = $1")
                .bind(id.to_string())
                .fetch_optional(&self.pool)
                .await?
                .ok_or(StoreError::NotFound { entity: "agreement" })?;
        let signed_on: Option<String> = row.try_get("signed_on")?;
        let signatories: String = row.try_get("signatories")?;
        Ok(Agreement {
            id,
            code: row.try_get("code")?,
            title_ru: row.try_get("title_ru")?,
            title_en: row.try_get("title_en")?,
            signed_on: signed_on.as_deref().map(parse_date).transpose()?,
            signatories: serde_json::from_str(&signatories).map_err(corrupt("signatories"))?,
        })
    }

    pub async fn sections(&self) -> Result<Vec<Section>> {
        Ok(self.cached_sections().await?.as_ref().clone())
    }

    pub(crate) async fn sections_from_db(&self) -> Result<Vec<Section>> {
        let rows: Vec<(String, String, String, i64)> =
            sqlx::query_as("SELECT code, name_ru, name_en, position FROM plan_sections ORDER BY position, code")
                .fetch_all(&self.pool)
                .await?;
        Ok(rows
            .into_iter()
            .map(|(code, name_ru, name_en, position)| Section { code, name_ru, name_en, position })
            .collect())
    }
}
