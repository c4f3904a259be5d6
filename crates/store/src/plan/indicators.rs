//! Indicators of measures and their quarterly actuals.

use super::{date_text, parse_date, parse_decimal};
use crate::directory::new_uuid;
use crate::{Author, Result, Store, StoreError, WriteTx, corrupt};
use accord_domain::audit::Change;
use accord_domain::plan::Indicator;
use accord_domain::plan::indicator::{Actual, IndicatorData};
use accord_domain::{IndicatorId, MeasureId, PlanId, Quarter};
use rust_decimal::Decimal;
use sqlx::Row;
use sqlx::any::AnyRow;
use std::collections::HashMap;

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
