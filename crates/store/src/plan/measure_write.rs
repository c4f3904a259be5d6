//! Writing measures: create, rewrite, delete, bulk import, each also in the caller's transaction.

use super::{ImportCounts, OrgNames, date_text, refuse_with_sub_measures};
use crate::directory::new_uuid;
use crate::{Author, Result, Store, StoreError, WriteTx, corrupt};
use accord_domain::audit::Change;
use accord_domain::plan::{Executor, Measure, MeasureData, Plan};
use accord_domain::validation::{Invalid, Reason};
use accord_domain::{MeasureId, PlanId};
use sqlx::Row;

use super::measures::{MEASURE_COLUMNS, children_json, measure_search, measures_from_rows};

impl Store {
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
