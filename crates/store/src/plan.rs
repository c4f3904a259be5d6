//! The agreement, its plans, sections, measures (with executors and tags), indicators and
//! their quarterly actuals.

use crate::directory::new_uuid;
use crate::{Author, Page, Paging, Result, Store, StoreError, WriteTx, corrupt};
use accord_domain::audit::Change;
use accord_domain::plan::indicator::{Actual, IndicatorData};
use accord_domain::plan::{
    Agreement, Executor, Indicator, Measure, MeasureData, MeasureNumber, NewPlan, Plan, Section, Signatory, Status,
    Term,
};
use accord_domain::validation::{Invalid, Reason};
use accord_domain::{AgreementId, IndicatorId, MeasureId, PlanId, Quarter, Side};
use chrono::NaiveDate;
use rust_decimal::Decimal;
use sqlx::Row;
use sqlx::any::AnyRow;
use std::collections::HashMap;
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

// ---------------------------------------------------------------------------------------------
// Measures

const MEASURE_COLUMNS: &str = "m.id, m.plan_id, m.version, m.number, m.section, m.title_ru, m.title_en, m.description, m.children, \
     m.expected_result, m.term, m.status, m.percent, m.weight, m.note";

/// A measure's executors and tags as its row keeps them.
#[derive(serde::Serialize, serde::Deserialize)]
struct Children {
    executors: Vec<Executor>,
    tags: Vec<String>,
}

fn children_json(data: &MeasureData) -> Result<String> {
    serde_json::to_string(&Children { executors: data.executors.clone(), tags: data.tags.clone() })
        .map_err(corrupt("children"))
}

/// Measures from rows; those written before the `children` column existed get their
/// executors and tags from the child tables.
async fn measures_from_rows(store: &Store, rows: &[AnyRow]) -> Result<Vec<Measure>> {
    let mut measures = Vec::with_capacity(rows.len());
    let mut missing = Vec::new();
    for row in rows {
        let mut measure = measure_from_row(row)?;
        match row.try_get::<Option<String>, _>("children")? {
            Some(json) => {
                let children: Children = serde_json::from_str(&json).map_err(corrupt("children"))?;
                measure.data.executors = children.executors;
                measure.data.tags = children.tags;
            }
            None => missing.push(measures.len()),
        }
        measures.push(measure);
    }
    if !missing.is_empty() {
        let mut old: Vec<Measure> = missing.iter().map(|i| measures[*i].clone()).collect();
        for chunk in old.chunks_mut(500) {
            store.load_executors_and_tags(chunk).await?;
        }
        for (i, m) in missing.into_iter().zip(old) {
            measures[i] = m;
        }
    }
    Ok(measures)
}

fn measure_from_row(row: &AnyRow) -> Result<Measure> {
    let id: String = row.try_get("id")?;
    let plan: String = row.try_get("plan_id")?;
    let number: String = row.try_get("number")?;
    let term: String = row.try_get("term")?;
    let status: String = row.try_get("status")?;
    let percent: i64 = row.try_get("percent")?;
    let weight: i64 = row.try_get("weight")?;
    Ok(Measure {
        id: id.parse().map_err(corrupt("measure id"))?,
        plan_id: plan.parse().map_err(corrupt("plan id"))?,
        version: row.try_get("version")?,
        data: MeasureData {
            number: number.parse::<MeasureNumber>().map_err(corrupt("measure number"))?,
            section: row.try_get("section")?,
            title_ru: row.try_get("title_ru")?,
            title_en: row.try_get("title_en")?,
            description: row.try_get("description")?,
            expected_result: row.try_get("expected_result")?,
            term: serde_json::from_str::<Term>(&term).map_err(corrupt("measure term"))?,
            status: status.parse::<Status>().map_err(corrupt("measure status"))?,
            percent: u8::try_from(percent.clamp(0, 100)).unwrap_or(0),
            weight: u32::try_from(weight.max(1)).unwrap_or(1),
            executors: Vec::new(),
            tags: Vec::new(),
            note: row.try_get("note")?,
        },
    })
}

/// Sort orders of the measures table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum MeasureSort {
    #[default]
    Number,
    Term,
    Status,
}

impl MeasureSort {
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "number" => Some(MeasureSort::Number),
            "term" => Some(MeasureSort::Term),
            "status" => Some(MeasureSort::Status),
            _ => None,
        }
    }
    pub fn code(self) -> &'static str {
        match self {
            MeasureSort::Number => "number",
            MeasureSort::Term => "term",
            MeasureSort::Status => "status",
        }
    }
}

/// Organisations looked up during one write: side and short names, or `None` if absent.
pub(crate) type OrgNames = HashMap<accord_domain::OrganisationId, Option<(String, String, Option<String>)>>;

/// The measures table's filters.
#[derive(Debug, Clone, Default)]
pub struct MeasureFilter {
    pub query: Option<String>,
    pub section: Option<String>,
    pub side: Option<Side>,
    pub executor: Option<accord_domain::OrganisationId>,
    pub status: Option<Status>,
    pub tag: Option<String>,
    /// Due within this quarter.
    pub due: Option<Quarter>,
    /// Open and past its last due date, as of `today`.
    pub overdue: bool,
    pub today: Option<NaiveDate>,
    pub sort: MeasureSort,
    pub descending: bool,
}

/// What the search column holds for a measure: its own text and its executors' names.
fn measure_search(data: &MeasureData, executor_names: &str) -> String {
    let own = data.search_text();
    if executor_names.is_empty() { own } else { format!("{own}\u{1f}{}", accord_domain::text::fold(executor_names)) }
}

impl Store {
    async fn load_executors_and_tags(&self, measures: &mut [Measure]) -> Result<()> {
        if measures.is_empty() {
            return Ok(());
        }
        let placeholders: Vec<String> = (1..=measures.len()).map(|i| format!("${i}")).collect();
        let list = placeholders.join(", ");
        let ids: Vec<String> = measures.iter().map(|m| m.id.to_string()).collect();
        let executors_sql = format!(
            "SELECT measure_id, organisation_id, side, lead FROM measure_executors WHERE measure_id IN ({list}) ORDER BY measure_id, position"
        );
        let mut query = sqlx::query(&executors_sql);
        for id in &ids {
            query = query.bind(id);
        }
        let mut executors: HashMap<String, Vec<Executor>> = HashMap::new();
        for row in query.fetch_all(&self.pool).await? {
            let measure: String = row.try_get("measure_id")?;
            let org: String = row.try_get("organisation_id")?;
            let side: String = row.try_get("side")?;
            let lead: i64 = row.try_get("lead")?;
            executors.entry(measure).or_default().push(Executor {
                organisation: org.parse().map_err(corrupt("executor organisation"))?,
                side: side.parse().map_err(corrupt("executor side"))?,
                lead: lead != 0,
            });
        }
        let tags_sql = format!(
            "SELECT measure_id, tag FROM measure_tags WHERE measure_id IN ({list}) ORDER BY measure_id, position"
        );
        let mut query = sqlx::query(&tags_sql);
        for id in &ids {
            query = query.bind(id);
        }
        let mut tags: HashMap<String, Vec<String>> = HashMap::new();
        for row in query.fetch_all(&self.pool).await? {
            tags.entry(row.try_get("measure_id")?).or_default().push(row.try_get("tag")?);
        }
        for m in measures.iter_mut() {
            let key = m.id.to_string();
            m.data.executors = executors.remove(&key).unwrap_or_default();
            m.data.tags = tags.remove(&key).unwrap_or_default();
        }
        Ok(())
    }

    pub async fn measure(&self, id: MeasureId) -> Result<Measure> {
        let row = sqlx::query(&format!("SELECT {MEASURE_COLUMNS} FROM measures m WHERE m.id = $1"))
            .bind(id.to_string())
            .fetch_optional(&self.pool)
            .await?
            .ok_or(StoreError::NotFound { entity: "measure" })?;
        measures_from_rows(self, &[row]).await?.pop().ok_or(StoreError::NotFound { entity: "measure" })
    }

    /// Every measure of a plan in number order, with executors and tags.
    pub async fn measures_of_plan(&self, plan: PlanId) -> Result<Vec<Measure>> {
        Ok(self.snapshot(plan).await?.measures().cloned().collect())
    }

    /// The rows behind a plan's snapshot (see `cache`): each measure and the columns the
    /// measures table filters and sorts on.
    pub(crate) async fn snapshot_rows(&self, plan: PlanId) -> Result<Vec<crate::cache::SnapshotRow>> {
        use futures_util::TryStreamExt;
        // Rows are converted a few hundred at a time: holding every raw row of a large plan
        // at once would leave the heap that much larger after the snapshot is built.
        const CHUNK: usize = 256;
        let sql = format!(
            "SELECT {MEASURE_COLUMNS}, m.sort_key, m.search, m.due_date, m.due_sort FROM measures m WHERE m.plan_id = $1"
        );
        let plan_id = plan.to_string();
        let mut stream = sqlx::query(&sql).bind(&plan_id).fetch(&self.pool);
        let mut out = Vec::new();
        let mut chunk = Vec::with_capacity(CHUNK);
        loop {
            let row = stream.try_next().await?;
            let done = row.is_none();
            chunk.extend(row);
            if chunk.len() == CHUNK || (done && !chunk.is_empty()) {
                let measures = measures_from_rows(self, &chunk).await?;
                for (row, measure) in chunk.drain(..).zip(measures) {
                    out.push(crate::cache::SnapshotRow {
                        measure,
                        sort_key: row.try_get("sort_key")?,
                        search: row.try_get("search")?,
                        due_date: row.try_get("due_date")?,
                        due_sort: row.try_get("due_sort")?,
                    });
                }
            }
            if done {
                return Ok(out);
            }
        }
    }

    /// One page of a plan's measures passing `filter`, in its order. Served from the plan's
    /// snapshot in memory: the table is the most read page and filters on every column.
    pub async fn measure_list(&self, plan: PlanId, filter: &MeasureFilter, paging: Paging) -> Result<Page<Measure>> {
        let (total, items) = self.snapshot(plan).await?.select(filter, paging);
        Ok(Page { items, total, page: paging.page, per_page: paging.per_page })
    }

    /// Percent done of each of `measures`, with sub-measures rolled up into their parents;
    /// `None` for a cancelled measure or one not in the plan.
    pub async fn measure_progress(&self, plan: PlanId, measures: &[MeasureId]) -> Result<Vec<Option<f64>>> {
        let snapshot = self.snapshot(plan).await?;
        Ok(measures.iter().map(|id| snapshot.progress(*id)).collect())
    }

    /// Every tag in use in a plan, with how many measures carry it, alphabetically.
    pub async fn measure_tags(&self, plan: PlanId) -> Result<Vec<(String, i64)>> {
        Ok(self.snapshot(plan).await?.tags().to_vec())
    }

    /// The executors' names for the search column, checking each exists on its side. `seen`
    /// keeps what was looked up already, so a whole import asks once per organisation.
    async fn executor_names(&self, w: &mut WriteTx<'_>, data: &MeasureData, seen: &mut OrgNames) -> Result<String> {
        let mut names = Vec::new();
        for e in &data.executors {
            if let std::collections::hash_map::Entry::Vacant(slot) = seen.entry(e.organisation) {
                let row: Option<(String, String, Option<String>)> =
                    sqlx::query_as("SELECT side, name_short_ru, name_short_en FROM organisations WHERE id = $1")
                        .bind(e.organisation.to_string())
                        .fetch_optional(&mut *w.tx)
                        .await?;
                slot.insert(row);
            }
            let Some(Some((side, short_ru, short_en))) = seen.get(&e.organisation) else {
                return Err(StoreError::Invalid(Invalid::one("executors", Reason::NotFound)));
            };
            if side != e.side.code() {
                return Err(StoreError::Invalid(Invalid::one("executors", Reason::OrganisationOnOtherSide)));
            }
            names.push(short_ru.clone());
            names.extend(short_en.clone());
        }
        Ok(names.join(" "))
    }

    /// Writes a measure's executors and tags; `fresh` for a new measure (nothing to replace).
    async fn write_children(&self, w: &mut WriteTx<'_>, id: MeasureId, data: &MeasureData, fresh: bool) -> Result<()> {
        if !fresh {
            sqlx::query("DELETE FROM measure_executors WHERE measure_id = $1")
                .bind(id.to_string())
                .execute(&mut *w.tx)
                .await?;
            sqlx::query("DELETE FROM measure_tags WHERE measure_id = $1")
                .bind(id.to_string())
                .execute(&mut *w.tx)
                .await?;
        }
        if !data.executors.is_empty() {
            let rows: Vec<String> = (0..data.executors.len())
                .map(|i| format!("(${}, ${}, ${}, ${}, ${})", i * 5 + 1, i * 5 + 2, i * 5 + 3, i * 5 + 4, i * 5 + 5))
                .collect();
            let sql = format!(
                "INSERT INTO measure_executors (measure_id, organisation_id, side, lead, position) VALUES {}",
                rows.join(", ")
            );
            let mut query = sqlx::query(&sql);
            for (position, e) in data.executors.iter().enumerate() {
                query = query
                    .bind(id.to_string())
                    .bind(e.organisation.to_string())
                    .bind(e.side.code())
                    .bind(i64::from(e.lead))
                    .bind(position as i64);
            }
            query.execute(&mut *w.tx).await.map_err(|err| match &err {
                sqlx::Error::Database(db) if db.is_unique_violation() => {
                    StoreError::Invalid(Invalid::one("executors", Reason::NotUnique))
                }
                _ => StoreError::Database(err),
            })?;
        }
        if !data.tags.is_empty() {
            let rows: Vec<String> =
                (0..data.tags.len()).map(|i| format!("(${}, ${}, ${})", i * 3 + 1, i * 3 + 2, i * 3 + 3)).collect();
            let sql = format!("INSERT INTO measure_tags (measure_id, tag, position) VALUES {}", rows.join(", "));
            let mut query = sqlx::query(&sql);
            for (position, tag) in data.tags.iter().enumerate() {
                query = query.bind(id.to_string()).bind(tag).bind(position as i64);
            }
            query.execute(&mut *w.tx).await?;
        }
        Ok(())
    }

    async fn insert_measure(
        &self,
        w: &mut WriteTx<'_>,
        plan: &Plan,
        data: &MeasureData,
        seen: &mut OrgNames,
    ) -> Result<Measure> {
        self.insert_measures(w, plan, &[data], seen).await?.pop().ok_or(StoreError::NotFound { entity: "measure" })
    }

    /// Inserts new measures with their executors and tags in multi-row statements (an import
    /// of thousands is a few hundred statements, not tens of thousands), audited one by one.
    async fn insert_measures(
        &self,
        w: &mut WriteTx<'_>,
        plan: &Plan,
        items: &[&MeasureData],
        seen: &mut OrgNames,
    ) -> Result<Vec<Measure>> {
        const COLUMNS: usize = 22;
        let now = w.now_text();
        let mut prepared = Vec::with_capacity(items.len());
        for data in items {
            let names = self.executor_names(w, data, seen).await?;
            let term = serde_json::to_string(&data.term).map_err(corrupt("term"))?;
            let due = data.term.final_due(plan.period_start, plan.period_end).map(date_text);
            prepared.push((MeasureId(new_uuid()), *data, names, term, due, children_json(data)?));
        }
        // 22 values a row; 40 rows keep a statement under 1,000 parameters on both backends.
        for chunk in prepared.chunks(40) {
            let rows: Vec<String> = (0..chunk.len())
                .map(|r| {
                    let p = |c: usize| format!("${}", r * COLUMNS + c);
                    format!(
                        "({}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, 1, {}, {}, COALESCE({}, '9999-12-31'), {})",
                        p(1), p(2), p(3), p(4), p(5), p(6), p(7), p(8), p(9), p(10), p(11), p(12), p(13), p(14), p(15), p(16),
                        p(17), p(18), p(19), p(20), p(21), p(21), p(14), p(22)
                    )
                })
                .collect();
            let sql = format!(
                "INSERT INTO measures (id, origin, plan_id, number, sort_key, depth, section, title_ru, title_en, description, expected_result, \
                 term_raw, term, due_date, term_unparsed, status, percent, weight, note, search, version, created_at, updated_at, due_sort, children) \
                 VALUES {}",
                rows.join(", ")
            );
            let mut query = sqlx::query(&sql);
            for (id, data, names, term, due, children) in chunk {
                query = query
                    .bind(id.to_string())
                    .bind(self.origin.code())
                    .bind(plan.id.to_string())
                    .bind(data.number.to_string())
                    .bind(data.number.sort_key())
                    .bind(data.number.depth() as i64)
                    .bind(data.section.clone())
                    .bind(data.title_ru.clone())
                    .bind(data.title_en.clone())
                    .bind(data.description.clone())
                    .bind(data.expected_result.clone())
                    .bind(data.term.raw.clone())
                    .bind(term.clone())
                    .bind(due.clone())
                    .bind(i64::from(data.term.needs_review()))
                    .bind(data.status.code())
                    .bind(i64::from(data.percent))
                    .bind(i64::from(data.weight))
                    .bind(data.note.clone())
                    .bind(measure_search(data, names))
                    .bind(now.clone())
                    .bind(children.clone());
            }
            query.execute(&mut *w.tx).await.map_err(|e| match &e {
                sqlx::Error::Database(db) if db.is_foreign_key_violation() => {
                    StoreError::Invalid(Invalid::one("section", Reason::NotFound))
                }
                _ => crate::unique_violation(e, &[("number", "number")]),
            })?;
        }
        let executors: Vec<(MeasureId, usize, &Executor)> = prepared
            .iter()
            .flat_map(|(id, data, ..)| data.executors.iter().enumerate().map(move |(i, e)| (*id, i, e)))
            .collect();
        for chunk in executors.chunks(190) {
            let rows: Vec<String> = (0..chunk.len())
                .map(|i| format!("(${}, ${}, ${}, ${}, ${})", i * 5 + 1, i * 5 + 2, i * 5 + 3, i * 5 + 4, i * 5 + 5))
                .collect();
            let sql = format!(
                "INSERT INTO measure_executors (measure_id, organisation_id, side, lead, position) VALUES {}",
                rows.join(", ")
            );
            let mut query = sqlx::query(&sql);
            for (id, position, e) in chunk {
                query = query
                    .bind(id.to_string())
                    .bind(e.organisation.to_string())
                    .bind(e.side.code())
                    .bind(i64::from(e.lead))
                    .bind(*position as i64);
            }
            query.execute(&mut *w.tx).await.map_err(|err| match &err {
                sqlx::Error::Database(db) if db.is_unique_violation() => {
                    StoreError::Invalid(Invalid::one("executors", Reason::NotUnique))
                }
                _ => StoreError::Database(err),
            })?;
        }
        let tags: Vec<(MeasureId, usize, &String)> = prepared
            .iter()
            .flat_map(|(id, data, ..)| data.tags.iter().enumerate().map(move |(i, t)| (*id, i, t)))
            .collect();
        for chunk in tags.chunks(300) {
            let rows: Vec<String> =
                (0..chunk.len()).map(|i| format!("(${}, ${}, ${})", i * 3 + 1, i * 3 + 2, i * 3 + 3)).collect();
            let sql = format!("INSERT INTO measure_tags (measure_id, tag, position) VALUES {}", rows.join(", "));
            let mut query = sqlx::query(&sql);
            for (id, position, tag) in chunk {
                query = query.bind(id.to_string()).bind((*tag).clone()).bind(*position as i64);
            }
            query.execute(&mut *w.tx).await?;
        }
        let mut measures = Vec::with_capacity(prepared.len());
        for (id, data, ..) in prepared {
            let measure = Measure { id, plan_id: plan.id, version: 1, data: data.clone() };
            w.audit(Change::create("measure", id, &measure)).await?;
            measures.push(measure);
        }
        Ok(measures)
    }

    pub(crate) async fn rewrite_measure(
        &self,
        w: &mut WriteTx<'_>,
        plan: &Plan,
        before: &Measure,
        data: &MeasureData,
        reason: Option<String>,
        seen: &mut OrgNames,
    ) -> Result<Measure> {
        let names = self.executor_names(w, data, seen).await?;
        let term = serde_json::to_string(&data.term).map_err(corrupt("term"))?;
        let due = data.term.final_due(plan.period_start, plan.period_end).map(date_text);
        let now = w.now_text();
        let done = sqlx::query(
            "UPDATE measures SET number = $1, sort_key = $2, depth = $3, section = $4, title_ru = $5, title_en = $6, description = $7, \
             expected_result = $8, term_raw = $9, term = $10, due_date = $11, due_sort = COALESCE($11, '9999-12-31'), term_unparsed = $12, status = $13, percent = $14, \
             weight = $15, note = $16, search = $17, version = version + 1, updated_at = $18, children = $21 WHERE id = $19 AND version = $20",
        )
        .bind(data.number.to_string())
        .bind(data.number.sort_key())
        .bind(data.number.depth() as i64)
        .bind(&data.section)
        .bind(&data.title_ru)
        .bind(&data.title_en)
        .bind(&data.description)
        .bind(&data.expected_result)
        .bind(&data.term.raw)
        .bind(&term)
        .bind(due)
        .bind(i64::from(data.term.needs_review()))
        .bind(data.status.code())
        .bind(i64::from(data.percent))
        .bind(i64::from(data.weight))
        .bind(&data.note)
        .bind(measure_search(data, &names))
        .bind(&now)
        .bind(before.id.to_string())
        .bind(before.version)
        .bind(children_json(data)?)
        .execute(&mut *w.tx)
        .await
        .map_err(|e| match &e {
            sqlx::Error::Database(db) if db.is_foreign_key_violation() => StoreError::Invalid(Invalid::one("section", Reason::NotFound)),
            _ => crate::unique_violation(e, &[("number", "number")]),
        })?;
        if done.rows_affected() == 0 {
            return Err(StoreError::Conflict { entity: "measure", current: before.version + 1 });
        }
        self.write_children(w, before.id, data, false).await?;
        let after = Measure { id: before.id, plan_id: before.plan_id, version: before.version + 1, data: data.clone() };
        w.audit(Change::update("measure", before.id, before, &after).with_reason(reason)).await?;
        Ok(after)
    }

    pub(crate) async fn locked_measure(
        &self,
        w: &mut WriteTx<'_>,
        id: MeasureId,
        expected_version: i64,
    ) -> Result<Measure> {
        let row = sqlx::query(&format!("SELECT {MEASURE_COLUMNS} FROM measures m WHERE m.id = $1"))
            .bind(id.to_string())
            .fetch_optional(&mut *w.tx)
            .await?
            .ok_or(StoreError::NotFound { entity: "measure" })?;
        let version: i64 = row.try_get("version")?;
        if version != expected_version {
            return Err(StoreError::Conflict { entity: "measure", current: version });
        }
        // Old rows read their executors and tags outside this transaction's view; the write
        // lock keeps them from changing meanwhile.
        measures_from_rows(self, &[row]).await?.pop().ok_or(StoreError::NotFound { entity: "measure" })
    }

    pub async fn measure_create(&self, author: Author<'_>, plan: PlanId, data: &MeasureData) -> Result<Measure> {
        let plan = self.plan(plan).await?;
        let mut w = self.begin_write(author).await?;
        let measure = self.measure_create_in(&mut w, &plan, data).await?;
        w.commit().await?;
        Ok(measure)
    }

    /// Creates a measure in the caller's transaction.
    pub async fn measure_create_in(&self, w: &mut WriteTx<'_>, plan: &Plan, data: &MeasureData) -> Result<Measure> {
        self.insert_measure(w, plan, data, &mut OrgNames::new()).await
    }

    pub async fn measure_update(
        &self,
        author: Author<'_>,
        id: MeasureId,
        expected_version: i64,
        data: &MeasureData,
        reason: Option<String>,
    ) -> Result<Measure> {
        let mut w = self.begin_write(author).await?;
        let after = self.measure_update_in(&mut w, id, expected_version, data, reason).await?;
        w.commit().await?;
        Ok(after)
    }

    /// Rewrites a measure at `expected_version` in the caller's transaction (stale otherwise).
    pub async fn measure_update_in(
        &self,
        w: &mut WriteTx<'_>,
        id: MeasureId,
        expected_version: i64,
        data: &MeasureData,
        reason: Option<String>,
    ) -> Result<Measure> {
        let before = self.locked_measure(w, id, expected_version).await?;
        let plan = self.plan(before.plan_id).await?;
        self.rewrite_measure(w, &plan, &before, data, reason, &mut OrgNames::new()).await
    }

    /// Deletes a measure with its indicators; refused while it has sub-measures.
    pub async fn measure_delete(
        &self,
        author: Author<'_>,
        id: MeasureId,
        expected_version: i64,
        reason: Option<String>,
    ) -> Result<()> {
        let mut w = self.begin_write(author).await?;
        self.measure_delete_in(&mut w, id, expected_version, reason).await?;
        w.commit().await
    }

    /// Deletes a measure at `expected_version` in the caller's transaction.
    pub async fn measure_delete_in(
        &self,
        w: &mut WriteTx<'_>,
        id: MeasureId,
        expected_version: i64,
        reason: Option<String>,
    ) -> Result<()> {
        let before = self.locked_measure(w, id, expected_version).await?;
        refuse_with_sub_measures(w, &before).await?;
        sqlx::query("DELETE FROM measures WHERE id = $1").bind(id.to_string()).execute(&mut *w.tx).await?;
        w.audit(Change::delete("measure", id, &before).with_reason(reason)).await?;
        Ok(())
    }

    /// Applies a whole list of measures in one transaction: new numbers are created, changed
    /// ones rewritten, identical ones left alone (so a second load changes nothing). No rule
    /// is asked: the application layer's plan import is the door for people.
    pub async fn measures_import(
        &self,
        author: Author<'_>,
        plan: PlanId,
        incoming: &[MeasureData],
    ) -> Result<ImportCounts> {
        let plan = self.plan(plan).await?;
        let existing = self.measures_of_plan(plan.id).await?;
        let sorted = accord_domain::plan::import::sort_rows(&existing, incoming);
        let mut w = self.begin_write(author).await?;
        self.measures_import_in(&mut w, &plan, &sorted.created, &sorted.changed).await?;
        w.commit().await?;
        Ok(ImportCounts { created: sorted.created.len(), updated: sorted.changed.len(), unchanged: sorted.unchanged })
    }

    /// Applies an imported plan in the caller's transaction: `created` are new measures,
    /// `changed` rewrite the measures they name at the versions given (stale otherwise).
    pub async fn measures_import_in(
        &self,
        w: &mut WriteTx<'_>,
        plan: &Plan,
        created: &[MeasureData],
        changed: &[(Measure, MeasureData)],
    ) -> Result<()> {
        let mut seen = OrgNames::new();
        for (current, data) in changed {
            tracing::debug!(number = %data.number, "import changes a measure");
            let locked = self.locked_measure(w, current.id, current.version).await?;
            self.rewrite_measure(w, plan, &locked, data, Some("import".into()), &mut seen).await?;
        }
        let new_ones: Vec<&MeasureData> = created.iter().collect();
        self.insert_measures(w, plan, &new_ones, &mut seen).await?;
        Ok(())
    }
}

// ---------------------------------------------------------------------------------------------
// Indicators

const INDICATOR_COLUMNS: &str = "id, measure_id, version, name_ru, name_en, unit, direction, accumulation, value_kind, \
     baseline, baseline_date, target, yearly_targets";

fn indicator_from_row(row: &AnyRow) -> Result<Indicator> {
    let id: String = row.try_get("id")?;
    let measure: String = row.try_get("measure_id")?;
    let direction: String = row.try_get("direction")?;
    let accumulation: String = row.try_get("accumulation")?;
    let value_kind: String = row.try_get("value_kind")?;
    let baseline: Option<String> = row.try_get("baseline")?;
    let baseline_date: Option<String> = row.try_get("baseline_date")?;
    let target: Option<String> = row.try_get("target")?;
    let yearly: String = row.try_get("yearly_targets")?;
    let yearly: Vec<(i32, String)> = serde_json::from_str(&yearly).map_err(corrupt("yearly targets"))?;
    Ok(Indicator {
        id: id.parse().map_err(corrupt("indicator id"))?,
        measure_id: measure.parse().map_err(corrupt("measure id"))?,
        version: row.try_get("version")?,
        data: IndicatorData {
            name_ru: row.try_get("name_ru")?,
            name_en: row.try_get("name_en")?,
            unit: row.try_get("unit")?,
            direction: direction.parse().map_err(corrupt("direction"))?,
            accumulation: accumulation.parse().map_err(corrupt("accumulation"))?,
            value_kind: value_kind.parse().map_err(corrupt("value kind"))?,
            baseline: baseline.as_deref().map(parse_decimal).transpose()?,
            baseline_date: baseline_date.as_deref().map(parse_date).transpose()?,
            target: target.as_deref().map(parse_decimal).transpose()?,
            yearly_targets: yearly
                .into_iter()
                .map(|(y, v)| parse_decimal(&v).map(|v| (y, v)))
                .collect::<Result<Vec<_>>>()?,
        },
        actuals: Vec::new(),
    })
}

/// Binds an indicator's ten fields, in the order both the INSERT and the UPDATE name them.
fn bind_indicator<'q>(
    query: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>,
    data: &'q IndicatorData,
) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>> {
    query
        .bind(&data.name_ru)
        .bind(&data.name_en)
        .bind(&data.unit)
        .bind(data.direction.code())
        .bind(data.accumulation.code())
        .bind(data.value_kind.code())
        .bind(data.baseline.map(|d| d.to_string()))
        .bind(data.baseline_date.map(date_text))
        .bind(data.target.map(|d| d.to_string()))
        .bind(yearly_json(data))
}

fn yearly_json(data: &IndicatorData) -> String {
    let pairs: Vec<(i32, String)> = data.yearly_targets.iter().map(|(y, v)| (*y, v.to_string())).collect();
    serde_json::to_string(&pairs).unwrap_or_else(|_| "[]".into())
}

impl Store {
    pub async fn indicators_of(&self, measure: MeasureId) -> Result<Vec<Indicator>> {
        let rows = sqlx::query(&format!(
            "SELECT {INDICATOR_COLUMNS} FROM indicators WHERE measure_id = $1 ORDER BY position, id"
        ))
        .bind(measure.to_string())
        .fetch_all(&self.pool)
        .await?;
        let mut indicators = rows.iter().map(indicator_from_row).collect::<Result<Vec<_>>>()?;
        for indicator in &mut indicators {
            indicator.actuals = self.actuals_of(indicator.id).await?;
        }
        Ok(indicators)
    }

    /// Every indicator of a plan with its actuals, by measure.
    pub async fn indicators_of_plan(&self, plan: PlanId) -> Result<HashMap<MeasureId, Vec<Indicator>>> {
        let rows = sqlx::query(&format!(
            "SELECT {} FROM indicators i JOIN measures m ON m.id = i.measure_id WHERE m.plan_id = $1 ORDER BY i.position, i.id",
            INDICATOR_COLUMNS.split(", ").map(|c| format!("i.{c}")).collect::<Vec<_>>().join(", ")
        ))
        .bind(plan.to_string())
        .fetch_all(&self.pool)
        .await?;
        let mut by_id: HashMap<IndicatorId, Indicator> = HashMap::new();
        let mut order = Vec::new();
        for row in &rows {
            let indicator = indicator_from_row(row)?;
            order.push(indicator.id);
            by_id.insert(indicator.id, indicator);
        }
        let values: Vec<(String, String, String)> = sqlx::query_as(
            "SELECT v.indicator_id, v.quarter, v.value FROM indicator_values v JOIN indicators i ON i.id = v.indicator_id \
             JOIN measures m ON m.id = i.measure_id WHERE m.plan_id = $1 ORDER BY v.quarter",
        )
        .bind(plan.to_string())
        .fetch_all(&self.pool)
        .await?;
        for (indicator, quarter, value) in values {
            let id: IndicatorId = indicator.parse().map_err(corrupt("indicator id"))?;
            if let Some(i) = by_id.get_mut(&id) {
                i.actuals.push(Actual {
                    quarter: quarter.parse().map_err(corrupt("quarter"))?,
                    value: parse_decimal(&value)?,
                });
            }
        }
        let mut result: HashMap<MeasureId, Vec<Indicator>> = HashMap::new();
        for id in order {
            if let Some(i) = by_id.remove(&id) {
                result.entry(i.measure_id).or_default().push(i);
            }
        }
        Ok(result)
    }

    async fn actuals_of(&self, indicator: IndicatorId) -> Result<Vec<Actual>> {
        let rows: Vec<(String, String)> =
            sqlx::query_as("SELECT quarter, value FROM indicator_values WHERE indicator_id = $1 ORDER BY quarter")
                .bind(indicator.to_string())
                .fetch_all(&self.pool)
                .await?;
        rows.into_iter()
            .map(|(q, v)| Ok(Actual { quarter: q.parse().map_err(corrupt("quarter"))?, value: parse_decimal(&v)? }))
            .collect()
    }

    pub async fn indicator(&self, id: IndicatorId) -> Result<Indicator> {
        let row = sqlx::query(&format!("SELECT {INDICATOR_COLUMNS} FROM indicators WHERE id = $1"))
            .bind(id.to_string())
            .fetch_optional(&self.pool)
            .await?
            .ok_or(StoreError::NotFound { entity: "indicator" })?;
        let mut indicator = indicator_from_row(&row)?;
        indicator.actuals = self.actuals_of(id).await?;
        Ok(indicator)
    }

    pub async fn indicator_create(
        &self,
        author: Author<'_>,
        measure: MeasureId,
        data: &IndicatorData,
    ) -> Result<Indicator> {
        let mut w = self.begin_write(author).await?;
        let id = IndicatorId(new_uuid());
        let (position,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM indicators WHERE measure_id = $1")
            .bind(measure.to_string())
            .fetch_one(&mut *w.tx)
            .await?;
        let now = w.now_text();
        let query = sqlx::query(
            "INSERT INTO indicators (id, origin, measure_id, position, name_ru, name_en, unit, direction, accumulation, value_kind, \
             baseline, baseline_date, target, yearly_targets, version, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, 1, $15, $15)",
        )
        .bind(id.to_string())
        .bind(self.origin.code())
        .bind(measure.to_string())
        .bind(position);
        bind_indicator(query, data).bind(&now).execute(&mut *w.tx).await.map_err(|e| match &e {
            sqlx::Error::Database(db) if db.is_foreign_key_violation() => StoreError::NotFound { entity: "measure" },
            _ => StoreError::Database(e),
        })?;
        let indicator = Indicator { id, measure_id: measure, version: 1, data: data.clone(), actuals: Vec::new() };
        w.audit(Change::create("indicator", id, &indicator)).await?;
        w.commit().await?;
        Ok(indicator)
    }

    pub async fn indicator_update(
        &self,
        author: Author<'_>,
        id: IndicatorId,
        expected_version: i64,
        data: &IndicatorData,
    ) -> Result<Indicator> {
        let before = self.indicator(id).await?;
        let mut w = self.begin_write(author).await?;
        let query = sqlx::query(
            "UPDATE indicators SET name_ru = $1, name_en = $2, unit = $3, direction = $4, accumulation = $5, value_kind = $6, \
             baseline = $7, baseline_date = $8, target = $9, yearly_targets = $10, version = version + 1, updated_at = $11 \
             WHERE id = $12 AND version = $13",
        );
        let done = bind_indicator(query, data)
            .bind(w.now_text())
            .bind(id.to_string())
            .bind(expected_version)
            .execute(&mut *w.tx)
            .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::Conflict { entity: "indicator", current: before.version });
        }
        let after = Indicator { version: expected_version + 1, data: data.clone(), ..before.clone() };
        w.audit(Change::update("indicator", id, &before, &after)).await?;
        w.commit().await?;
        Ok(after)
    }

    pub async fn indicator_delete(&self, author: Author<'_>, id: IndicatorId) -> Result<()> {
        let before = self.indicator(id).await?;
        let mut w = self.begin_write(author).await?;
        sqlx::query("DELETE FROM indicators WHERE id = $1").bind(id.to_string()).execute(&mut *w.tx).await?;
        w.audit(Change::delete("indicator", id, &before)).await?;
        w.commit().await
    }

    /// Records (or with `None` removes) the actual value of a quarter.
    pub async fn indicator_set_actual(
        &self,
        author: Author<'_>,
        id: IndicatorId,
        quarter: Quarter,
        value: Option<Decimal>,
    ) -> Result<()> {
        let before = self.indicator(id).await?;
        let mut w = self.begin_write(author).await?;
        self.indicator_set_actual_in(&mut w, &before, before.version, quarter, value).await?;
        w.commit().await
    }

    /// Records (or removes) a quarter's actual of `indicator` in the caller's transaction,
    /// only while the indicator is at `expected_version` (its version counts its actuals'
    /// changes too, so two people entering figures of one indicator cannot overwrite each
    /// other unseen). The same value again writes nothing.
    pub async fn indicator_set_actual_in(
        &self,
        w: &mut WriteTx<'_>,
        indicator: &Indicator,
        expected_version: i64,
        quarter: Quarter,
        value: Option<Decimal>,
    ) -> Result<()> {
        let (current,): (i64,) = sqlx::query_as("SELECT version FROM indicators WHERE id = $1")
            .bind(indicator.id.to_string())
            .fetch_optional(&mut *w.tx)
            .await?
            .ok_or(StoreError::NotFound { entity: "indicator" })?;
        if current != expected_version {
            return Err(StoreError::Conflict { entity: "indicator", current });
        }
        let previous = indicator.actuals.iter().find(|a| a.quarter == quarter).map(|a| a.value);
        if previous == value {
            return Ok(());
        }
        write_actual(w, indicator.id, quarter, previous, value).await
    }
}

/// Writes (or with `None` removes) a quarter's actual inside `w`, with its audit entry;
/// `previous` is the value stored before.
pub(crate) async fn write_actual(
    w: &mut WriteTx<'_>,
    id: IndicatorId,
    quarter: Quarter,
    previous: Option<Decimal>,
    value: Option<Decimal>,
) -> Result<()> {
    match value {
        Some(v) => {
            sqlx::query(
                "INSERT INTO indicator_values (indicator_id, quarter, value, updated_at) VALUES ($1, $2, $3, $4) \
                 ON CONFLICT (indicator_id, quarter) DO UPDATE SET value = $3, updated_at = $4",
            )
            .bind(id.to_string())
            .bind(quarter.to_string())
            .bind(v.to_string())
            .bind(w.now_text())
            .execute(&mut *w.tx)
            .await?;
        }
        None => {
            sqlx::query("DELETE FROM indicator_values WHERE indicator_id = $1 AND quarter = $2")
                .bind(id.to_string())
                .bind(quarter.to_string())
                .execute(&mut *w.tx)
                .await?;
        }
    }
    sqlx::query("UPDATE indicators SET version = version + 1, updated_at = $1 WHERE id = $2")
        .bind(w.now_text())
        .bind(id.to_string())
        .execute(&mut *w.tx)
        .await?;
    let entity_id = format!("{id}/{quarter}");
    let change = match (previous, value) {
        (None, Some(v)) => Change::create("indicator_value", &entity_id, &v.to_string()),
        (Some(p), Some(v)) => Change::update("indicator_value", &entity_id, &p.to_string(), &v.to_string()),
        (Some(p), None) => Change::delete("indicator_value", &entity_id, &p.to_string()),
        (None, None) => return Ok(()),
    };
    w.audit(change).await
}

// ---------------------------------------------------------------------------------------------
// Bulk indicators (generated data)

/// Rows per multi-row INSERT: about a thousand parameters a statement. Far below the
/// backends' limits on purpose: SQLite looks numbered parameters (`$N`) up by name in a list,
/// so a statement's cost grows with the square of its parameters (8,000 a statement made the
/// same insert about ten times slower).
const BULK_INDICATOR_ROWS: usize = 64;
const BULK_VALUE_ROWS: usize = 256;

impl Store {
    /// Inserts many indicators with their quarterly actuals in one transaction, with multi-row
    /// INSERTs; returns how many indicators and values it wrote. Each indicator goes after the
    /// ones its measure already has.
    ///
    /// For generated data only (`accord demo --scale`, the plan benchmark): it appends no
    /// audit entries. An entry per indicator and per value would triple the writes and
    /// hash-chain tens of thousands of records nobody entered; the audit log records what
    /// people and imports changed, and generated bulk data is neither. Everything a user does
    /// later to these indicators goes through the audited methods above.
    pub async fn indicators_bulk_insert(
        &self,
        rows: &[(MeasureId, IndicatorData, Vec<Actual>)],
    ) -> Result<(usize, usize)> {
        if rows.is_empty() {
            return Ok((0, 0));
        }
        let mut w = self.begin_write(Author::SYSTEM).await?;
        let now = w.now_text();
        let counts: Vec<(String, i64)> =
            sqlx::query_as("SELECT measure_id, COUNT(*) FROM indicators GROUP BY measure_id")
                .fetch_all(&mut *w.tx)
                .await?;
        let mut positions: HashMap<String, i64> = counts.into_iter().collect();
        let mut values: Vec<(String, String, String)> = Vec::new();
        for chunk in rows.chunks(BULK_INDICATOR_ROWS) {
            let placeholders: Vec<String> = (0..chunk.len())
                .map(|r| {
                    // 14 columns, the literal version, then created_at = updated_at (one parameter).
                    let p: Vec<String> = (1..=14).map(|c| format!("${}", r * 15 + c)).collect();
                    format!("({}, 1, ${c}, ${c})", p.join(", "), c = r * 15 + 15)
                })
                .collect();
            let sql = format!(
                "INSERT INTO indicators (id, origin, measure_id, position, name_ru, name_en, unit, direction, accumulation, \
                 value_kind, baseline, baseline_date, target, yearly_targets, version, created_at, updated_at) VALUES {}",
                placeholders.join(", ")
            );
            let mut query = sqlx::query(&sql);
            for (measure, data, actuals) in chunk {
                let id = IndicatorId(new_uuid()).to_string();
                let position = positions.entry(measure.to_string()).or_insert(0);
                query = query
                    .bind(id.clone())
                    .bind(self.origin.code())
                    .bind(measure.to_string())
                    .bind(*position)
                    .bind(data.name_ru.clone())
                    .bind(data.name_en.clone())
                    .bind(data.unit.clone())
                    .bind(data.direction.code())
                    .bind(data.accumulation.code())
                    .bind(data.value_kind.code())
                    .bind(data.baseline.map(|d| d.to_string()))
                    .bind(data.baseline_date.map(date_text))
                    .bind(data.target.map(|d| d.to_string()))
                    .bind(yearly_json(data))
                    .bind(now.clone());
                *position += 1;
                values.extend(actuals.iter().map(|a| (id.clone(), a.quarter.to_string(), a.value.to_string())));
            }
            query.execute(&mut *w.tx).await.map_err(|e| match &e {
                sqlx::Error::Database(db) if db.is_foreign_key_violation() => {
                    StoreError::NotFound { entity: "measure" }
                }
                _ => StoreError::Database(e),
            })?;
        }
        for chunk in values.chunks(BULK_VALUE_ROWS) {
            let placeholders: Vec<String> = (0..chunk.len())
                .map(|r| format!("(${}, ${}, ${}, ${})", r * 4 + 1, r * 4 + 2, r * 4 + 3, r * 4 + 4))
                .collect();
            let sql = format!(
                "INSERT INTO indicator_values (indicator_id, quarter, value, updated_at) VALUES {}",
                placeholders.join(", ")
            );
            let mut query = sqlx::query(&sql);
            for (indicator, quarter, value) in chunk {
                query = query.bind(indicator.as_str()).bind(quarter.as_str()).bind(value.as_str()).bind(now.as_str());
            }
            query.execute(&mut *w.tx).await?;
        }
        w.commit().await?;
        Ok((rows.len(), values.len()))
    }
}
