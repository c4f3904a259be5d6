//! Meter readings: added (never lower than the last valid one of the same meter, unless the
//! meter was replaced), voided with a reason (kept in the history), and meter replacements.
//! Each write recomputes the machine's meters now and its history's checkpoints.

use super::machines::require_machine;
use super::{Bind, HistoryData, USAGE_WINDOW_DAYS, date, insert_many, json, kind_code, kind_of, unjson};
use super::{FleetFile, FleetImportOutcome, refused};
use crate::directory::new_uuid;
use crate::{Author, Result, Store, StoreError, WriteTx, corrupt};
use accord_domain::audit::Change;
use accord_domain::fleet::meter::{MeterKind, MeterSeries, MeterState, Reading, Segment, VoidReason};
use accord_domain::{MachineId, MeterReadingId};
use chrono::NaiveDate;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};
use std::str::FromStr;

/// A reading to add.
#[derive(Debug, Clone)]
pub struct NewReading {
    pub machine: MachineId,
    pub kind: MeterKind,
    pub date: NaiveDate,
    pub value: i64,
}

/// A reading as listed on a machine's page.
#[derive(Debug, Clone, Serialize)]
pub struct ReadingRow {
    pub id: MeterReadingId,
    pub kind: MeterKind,
    pub date: NaiveDate,
    pub value: i64,
    pub cumulative: i64,
    pub voided: Option<VoidReason>,
}

fn series_from(machine: MachineId, kind: MeterKind, segments: Vec<Segment>) -> Result<MeterSeries> {
    #[derive(Serialize)]
    struct Parts {
        machine: MachineId,
        kind: MeterKind,
        segments: Vec<Segment>,
    }
    let value = serde_json::to_value(Parts { machine, kind, segments }).map_err(corrupt("meter series"))?;
    serde_json::from_value(value).map_err(corrupt("meter series"))
}

/// Every valid reading of a series as a history point, one per day (the day's last value):
/// the figures of any range are read from these points, so none may be thinned away.
fn history_points(series: &MeterSeries) -> Vec<(NaiveDate, i64)> {
    let mut points: Vec<(NaiveDate, i64)> = Vec::new();
    for (day, value) in series.cumulative() {
        match points.last_mut() {
            Some(last) if last.0 == day => last.1 = value,
            Some(last) if last.0 > day => {}
            _ => points.push((day, value)),
        }
    }
    points
}

async fn load_series(
    conn: &mut sqlx::AnyConnection,
    machine: MachineId,
    only: Option<MeterKind>,
) -> Result<Vec<MeterSeries>> {
    let segs: Vec<(i64, i64, String, i64, i64)> = sqlx::query_as(
        "SELECT kind, seq, started_on, offset_value, initial_value FROM fleet_meters WHERE machine_id = $1 ORDER BY kind, seq",
    )
    .bind(machine.to_string())
    .fetch_all(&mut *conn)
    .await?;
    let readings: Vec<(String, i64, i64, String, i64, Option<String>)> = sqlx::query_as(
        "SELECT id, kind, seq, read_on, value, voided FROM fleet_readings WHERE machine_id = $1 ORDER BY kind, seq, read_on, id",
    )
    .bind(machine.to_string())
    .fetch_all(&mut *conn)
    .await?;
    let mut by_kind: BTreeMap<i64, Vec<Segment>> = BTreeMap::new();
    for (kind, _seq, started, offset, initial) in segs {
        if only.is_some_and(|k| kind_code(k) != kind) {
            continue;
        }
        by_kind.entry(kind).or_default().push(Segment {
            started_on: date(&started)?,
            offset,
            initial,
            readings: Vec::new(),
        });
    }
    for (id, kind, seq, read_on, value, voided) in readings {
        let Some(seg) = by_kind.get_mut(&kind).and_then(|s| s.get_mut(seq as usize)) else { continue };
        seg.readings.push(Reading {
            id: MeterReadingId::from_str(&id).map_err(corrupt("reading id"))?,
            date: date(&read_on)?,
            value,
            voided: voided.as_deref().map(|v| unjson("void reason", v)).transpose()?,
        });
    }
    by_kind.into_iter().map(|(kind, segments)| series_from(machine, kind_of(kind)?, segments)).collect()
}

/// Rewrites a machine's current meter states and its history's meter checkpoints.
async fn refresh_meter_now(w: &mut WriteTx<'_>, machine: MachineId, series: &[MeterSeries]) -> Result<()> {
    w.touch_machine(machine);
    let hist: Option<(String,)> = sqlx::query_as("SELECT body FROM fleet_histories WHERE machine_id = $1")
        .bind(machine.to_string())
        .fetch_optional(&mut *w.tx)
        .await?;
    let mut history: HistoryData = hist.map_or(Ok(HistoryData::default()), |(b,)| unjson("history", &b))?;
    for s in series {
        let Some((latest, value)) = s.latest() else { continue };
        let state = s.state(latest, USAGE_WINDOW_DAYS).unwrap_or(MeterState { value, read_on: latest, per_day: 0.0 });
        sqlx::query("DELETE FROM fleet_meter_now WHERE machine_id = $1 AND kind = $2")
            .bind(machine.to_string())
            .bind(kind_code(s.kind))
            .execute(&mut *w.tx)
            .await?;
        sqlx::query(
            "INSERT INTO fleet_meter_now (machine_id, kind, value, read_on, per_day) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(machine.to_string())
        .bind(kind_code(s.kind))
        .bind(state.value)
        .bind(state.read_on.to_string())
        .bind(state.per_day)
        .execute(&mut *w.tx)
        .await?;
        let target = match s.kind {
            MeterKind::Odometer => &mut history.odometer,
            MeterKind::EngineHours => &mut history.engine_hours,
            MeterKind::Fuel => continue,
        };
        *target = history_points(s);
    }
    sqlx::query("UPDATE fleet_histories SET body = $1 WHERE machine_id = $2")
        .bind(json(&history)?)
        .bind(machine.to_string())
        .execute(&mut *w.tx)
        .await?;
    Ok(())
}

async fn insert_readings(
    w: &mut WriteTx<'_>,
    rows: &[(MeterReadingId, MachineId, MeterKind, i64, NaiveDate, i64)],
) -> Result<()> {
    let binds: Vec<Vec<Bind>> = rows
        .iter()
        .map(|(id, m, k, seq, d, v)| {
            vec![
                Bind::T(id.to_string()),
                Bind::T(m.to_string()),
                Bind::I(kind_code(*k)),
                Bind::I(*seq),
                Bind::T(d.to_string()),
                Bind::I(*v),
                Bind::O(None),
            ]
        })
        .collect();
    insert_many(w, "fleet_readings", "id, machine_id, kind, seq, read_on, value, voided", &binds).await
}

impl Store {
    /// A machine's meter series, readings included.
    pub async fn fleet_meter_series(&self, machine: MachineId) -> Result<Vec<MeterSeries>> {
        let mut conn = self.pool.acquire().await?;
        load_series(&mut conn, machine, None).await
    }

    /// A machine's readings, latest first, at most `limit`.
    pub async fn fleet_readings(&self, machine: MachineId, limit: i64) -> Result<Vec<ReadingRow>> {
        // Only the latest `limit` rows leave the database (a machine has hundreds of readings);
        // the cumulative value adds the offset of the meter the reading was taken on.
        let offsets: Vec<(i64, i64, i64)> =
            sqlx::query_as("SELECT kind, seq, offset_value FROM fleet_meters WHERE machine_id = $1")
                .bind(machine.to_string())
                .fetch_all(&self.pool)
                .await?;
        let offsets: HashMap<(i64, i64), i64> = offsets.into_iter().map(|(k, s, o)| ((k, s), o)).collect();
        let rows: Vec<(String, i64, i64, String, i64, Option<String>)> = sqlx::query_as(&format!(
            "SELECT id, kind, seq, read_on, value, voided FROM fleet_readings WHERE machine_id = $1 \
             ORDER BY read_on DESC, kind, seq DESC, id DESC LIMIT {}",
            limit.clamp(0, 100_000)
        ))
        .bind(machine.to_string())
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter()
            .map(|(id, kind, seq, read_on, value, voided)| {
                Ok(ReadingRow {
                    id: MeterReadingId::from_str(&id).map_err(corrupt("reading id"))?,
                    kind: kind_of(kind)?,
                    date: date(&read_on)?,
                    value,
                    cumulative: offsets.get(&(kind, seq)).copied().unwrap_or(0) + value,
                    voided: voided.as_deref().map(|v| unjson("void reason", v)).transpose()?,
                })
            })
            .collect()
    }

    /// Adds readings, all or none: each is checked against its meter's series (never lower
    /// than the last valid reading of the same meter, never above a later one).
    pub async fn fleet_readings_add(
        &self,
        author: Author<'_>,
        readings: &[NewReading],
        file: Option<&FleetFile>,
    ) -> Result<FleetImportOutcome> {
        let Some(mut w) = self.fleet_import_begin(author, file).await? else {
            return Ok(FleetImportOutcome { unchanged: true, inserted: 0 });
        };
        let inserted = self.fleet_readings_add_in(&mut w, readings, file).await?;
        self.fleet_import_end(w, file).await?;
        Ok(FleetImportOutcome { unchanged: false, inserted })
    }

    /// [`Store::fleet_readings_add`] inside the caller's transaction (`file`, if any, names
    /// the readings' audit entry); returns how many were added.
    pub async fn fleet_readings_add_in(
        &self,
        w: &mut WriteTx<'_>,
        readings: &[NewReading],
        file: Option<&FleetFile>,
    ) -> Result<u64> {
        let mut by_machine: BTreeMap<MachineId, Vec<&NewReading>> = BTreeMap::new();
        for r in readings {
            by_machine.entry(r.machine).or_default().push(r);
        }
        let mut rows: Vec<(MeterReadingId, MachineId, MeterKind, i64, NaiveDate, i64)> = Vec::new();
        for (machine, mut list) in by_machine {
            list.sort_by_key(|r| r.date);
            let mut series = load_series(&mut w.tx, machine, None).await?;
            if series.is_empty() {
                require_machine(w, machine).await?;
            }
            for r in list {
                let Some(s) = series.iter_mut().find(|s| s.kind == r.kind) else {
                    return Err(refused(
                        "fleet.error.no_meter",
                        "kind",
                        machine,
                        r.kind.key(),
                        format!("machine {machine} has no meter {}", r.kind.key()),
                    ));
                };
                let id = MeterReadingId(new_uuid());
                s.add(Reading::new(id, r.date, r.value))
                    .map_err(|e| refused(e.key(), "value", machine, r.value, format!("{e} ({})", r.date)))?;
                let seq = s.segments().partition_point(|g| g.started_on <= r.date).saturating_sub(1) as i64;
                rows.push((id, machine, r.kind, seq, r.date, r.value));
            }
            refresh_meter_now(w, machine, &series).await?;
        }
        insert_readings(w, &rows).await?;
        let inserted = rows.len() as u64;
        if inserted > 0 {
            let after = serde_json::json!({
                "readings": inserted,
                "file": file.map(|f| f.file_name.clone()),
                "first": rows.iter().map(|r| r.0.to_string()).next(),
            });
            let subject = file.map_or_else(|| rows[0].1.to_string(), |f| f.sha256.clone());
            w.audit(Change::create("fleet_readings", subject, &after)).await?;
        }
        Ok(inserted)
    }

    /// Voids a reading, keeping it in the history with the reason.
    pub async fn fleet_reading_void(
        &self,
        author: Author<'_>,
        reading: MeterReadingId,
        reason: VoidReason,
    ) -> Result<()> {
        let mut w = self.begin_write(author).await?;
        self.fleet_reading_void_in(&mut w, reading, reason, None).await?;
        w.commit().await
    }

    /// [`Store::fleet_reading_void`] inside the caller's transaction; with `on`, a reading of
    /// another machine is not found. Returns the reading's machine. A reading already voided
    /// is refused (the domain's rule), so two voids of one reading never both happen.
    pub async fn fleet_reading_void_in(
        &self,
        w: &mut WriteTx<'_>,
        reading: MeterReadingId,
        reason: VoidReason,
        on: Option<MachineId>,
    ) -> Result<MachineId> {
        let row: Option<(String, i64)> = sqlx::query_as("SELECT machine_id, kind FROM fleet_readings WHERE id = $1")
            .bind(reading.to_string())
            .fetch_optional(&mut *w.tx)
            .await?;
        let (machine, kind) = row.ok_or(StoreError::NotFound { entity: "reading" })?;
        let machine = MachineId::from_str(&machine).map_err(corrupt("machine id"))?;
        if on.is_some_and(|on| on != machine) {
            return Err(StoreError::NotFound { entity: "reading" });
        }
        let mut series = load_series(&mut w.tx, machine, None).await?;
        let kind = kind_of(kind)?;
        if let Some(s) = series.iter_mut().find(|s| s.kind == kind) {
            s.void(reading, reason.clone()).map_err(|e| refused(e.key(), "reading", machine, reading, &e))?;
        }
        sqlx::query("UPDATE fleet_readings SET voided = $1 WHERE id = $2")
            .bind(json(&reason)?)
            .bind(reading.to_string())
            .execute(&mut *w.tx)
            .await?;
        refresh_meter_now(w, machine, &series).await?;
        w.audit(Change::update(
            "fleet_reading",
            reading,
            &serde_json::json!({ "voided": null }),
            &serde_json::json!({ "voided": reason }),
        ))
        .await?;
        Ok(machine)
    }

    /// The machine a reading belongs to (for a permission check before voiding it).
    pub async fn fleet_reading_machine(&self, reading: MeterReadingId) -> Result<MachineId> {
        let row: Option<(String,)> = sqlx::query_as("SELECT machine_id FROM fleet_readings WHERE id = $1")
            .bind(reading.to_string())
            .fetch_optional(&self.pool)
            .await?;
        let (machine,) = row.ok_or(StoreError::NotFound { entity: "reading" })?;
        MachineId::from_str(&machine).map_err(corrupt("machine id"))
    }

    /// Records a replaced meter: the new one shows `new_initial` from `date`; the cumulative
    /// value continues from the old meter's `old_final` (or its last reading).
    pub async fn fleet_meter_replace(
        &self,
        author: Author<'_>,
        machine: MachineId,
        kind: MeterKind,
        date: NaiveDate,
        old_final: Option<i64>,
        new_initial: i64,
    ) -> Result<()> {
        let mut w = self.begin_write(author).await?;
        w.touch_machine(machine);
        let mut series = load_series(&mut w.tx, machine, Some(kind)).await?;
        let s = series
            .first_mut()
            .ok_or_else(|| refused("fleet.error.no_meter", "kind", machine, kind.key(), "no such meter"))?;
        s.replace(date, old_final, new_initial).map_err(|e| refused(e.key(), "date", machine, date, &e))?;
        let seq = s.segments().len() as i64 - 1;
        let Some(seg) = s.segments().last() else { return Err(StoreError::Corrupt("meter without segment".into())) };
        sqlx::query(
            "INSERT INTO fleet_meters (machine_id, kind, seq, started_on, offset_value, initial_value) VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(machine.to_string())
        .bind(kind_code(kind))
        .bind(seq)
        .bind(date.to_string())
        .bind(seg.offset)
        .bind(seg.initial)
        .execute(&mut *w.tx)
        .await?;
        let after = serde_json::json!({ "machine": machine, "kind": kind, "date": date, "offset": seg.offset, "initial": seg.initial });
        w.audit(Change::create("fleet_meter", format!("{machine}/{}/{seq}", kind_code(kind)), &after)).await?;
        w.commit().await
    }
}
