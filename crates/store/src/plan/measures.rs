//! Measures: reading them (through the plan snapshot cache) and the list's filters.

use crate::{Page, Paging, Result, Store, StoreError, corrupt};
use accord_domain::plan::{Executor, Measure, MeasureData, MeasureNumber, Status, Term};
use accord_domain::{MeasureId, PlanId, Quarter, Side};
use chrono::NaiveDate;
use sqlx::Row;
use sqlx::any::AnyRow;
use std::collections::HashMap;

// ---------------------------------------------------------------------------------------------
// Measures

pub(super) const MEASURE_COLUMNS: &str = "m.id, m.plan_id, m.version, m.number, m.section, m.title_ru, m.title_en, m.description, m.children, \
     m.expected_result, m.term, m.status, m.percent, m.weight, m.note";

/// A measure's executors and tags as its row keeps them.
#[derive(serde::Serialize, serde::Deserialize)]
struct Children {
    executors: Vec<Executor>,
    tags: Vec<String>,
}

pub(super) fn children_json(data: &MeasureData) -> Result<String> {
    serde_json::to_string(&Children { executors: data.executors.clone(), tags: data.tags.clone() })
        .map_err(corrupt("children"))
}

/// Measures from rows; those written before the `children` column existed get their
/// executors and tags from the child tables.
pub(super) async fn measures_from_rows(store: &Store, rows: &[AnyRow]) -> Result<Vec<Measure>> {
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

pub(super) fn measure_from_row(row: &AnyRow) -> Result<Measure> {
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
pub(super) fn measure_search(data: &MeasureData, executor_names: &str) -> String {
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
}
