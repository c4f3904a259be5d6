//! A whole fleet with its history in one transaction (the demo, benchmarks): catalogue, machines with their whole
//! history, in multi-row INSERTs.

use super::machines::{MACHINE_COLUMNS, machine_binds};
use super::orders::{ORDER_COLUMNS, order_binds};
use super::parts::insert_parts;
use super::regimes::save_catalog;
use super::{Bind, DueState, HistoryData, PartRecord, USAGE_WINDOW_DAYS, insert_many, json, kind_code};
use crate::{Author, Result, Store};
use accord_domain::audit::Change;
use accord_domain::fleet::machine::{Machine, Model};
use accord_domain::fleet::meter::MeterSeries;
use accord_domain::fleet::regime::Regime;
use accord_domain::fleet::work_order::WorkOrder;
use chrono::NaiveDate;
use serde::Serialize;

/// The demo or benchmark fleet in one go: catalogue, machines with their whole history.
pub struct FleetBulk<'a> {
    pub models: &'a [Model],
    pub regimes: &'a [Regime],
    pub machines: Vec<BulkMachine<'a>>,
    pub parts: &'a [PartRecord],
}

/// One machine of a bulk load.
pub struct BulkMachine<'a> {
    pub machine: Machine,
    pub off_books: Option<NaiveDate>,
    pub meters: &'a [MeterSeries],
    pub work_orders: &'a [WorkOrder],
    pub history: HistoryData,
    pub due: DueState,
}

/// What a bulk load wrote.
#[derive(Debug, Clone, Default, Serialize)]
pub struct BulkOutcome {
    pub machines: u64,
    pub readings: u64,
    pub work_orders: u64,
    pub parts: u64,
}

impl Store {
    /// Writes a whole fleet with its history in one transaction (demo, benchmark), with one
    /// audit entry summing it up. Readings and orders go in multi-row INSERTs.
    pub async fn fleet_bulk_load(&self, author: Author<'_>, bulk: &FleetBulk<'_>) -> Result<BulkOutcome> {
        let mut w = self.begin_write(author).await?;
        w.touch_fleet();
        save_catalog(&mut w, bulk.models, bulk.regimes).await?;
        insert_parts(&mut w, bulk.parts).await?;
        let mut outcome = BulkOutcome { parts: bulk.parts.len() as u64, ..Default::default() };
        let (mut number,): (i64,) =
            sqlx::query_as("SELECT COALESCE(MAX(number), 0) + 1 FROM fleet_work_orders").fetch_one(&mut *w.tx).await?;
        let mut machine_rows: Vec<Vec<Bind>> = Vec::new();
        let mut meter_rows = Vec::new();
        let mut reading_rows = Vec::new();
        let mut now_rows = Vec::new();
        let mut history_rows = Vec::new();
        let mut order_rows = Vec::new();
        let now = w.now_text();
        let today = bulk.machines.iter().flat_map(|m| m.meters.iter()).filter_map(|s| s.latest()).map(|(d, _)| d).max();
        for b in &bulk.machines {
            let m = &b.machine;
            machine_rows.push(machine_binds(self.origin.code(), m, b.off_books, &b.due, &now)?);
            for s in b.meters {
                for (seq, seg) in s.segments().iter().enumerate() {
                    meter_rows.push(vec![
                        Bind::T(m.id.to_string()),
                        Bind::I(kind_code(s.kind)),
                        Bind::I(seq as i64),
                        Bind::T(seg.started_on.to_string()),
                        Bind::I(seg.offset),
                        Bind::I(seg.initial),
                    ]);
                    for r in &seg.readings {
                        reading_rows.push(vec![
                            Bind::T(r.id.to_string()),
                            Bind::T(m.id.to_string()),
                            Bind::I(kind_code(s.kind)),
                            Bind::I(seq as i64),
                            Bind::T(r.date.to_string()),
                            Bind::I(r.value),
                            Bind::O(r.voided.as_ref().map(json).transpose()?),
                        ]);
                    }
                }
                if let Some(state) = today.and_then(|t| s.state(t, USAGE_WINDOW_DAYS)) {
                    now_rows.push(vec![
                        Bind::T(m.id.to_string()),
                        Bind::I(kind_code(s.kind)),
                        Bind::I(state.value),
                        Bind::T(state.read_on.to_string()),
                        Bind::F(state.per_day),
                    ]);
                }
            }
            history_rows.push(vec![Bind::T(m.id.to_string()), Bind::T(json(&b.history)?)]);
            for o in b.work_orders {
                order_rows.push(order_binds(number, o)?);
                number += 1;
            }
            outcome.machines += 1;
            outcome.work_orders += b.work_orders.len() as u64;
        }
        outcome.readings = reading_rows.len() as u64;
        insert_many(&mut w, "fleet_machines", MACHINE_COLUMNS, &machine_rows).await?;
        insert_many(
            &mut w,
            "fleet_meters",
            "machine_id, kind, seq, started_on, offset_value, initial_value",
            &meter_rows,
        )
        .await?;
        insert_many(&mut w, "fleet_readings", "id, machine_id, kind, seq, read_on, value, voided", &reading_rows)
            .await?;
        insert_many(&mut w, "fleet_meter_now", "machine_id, kind, value, read_on, per_day", &now_rows).await?;
        insert_many(&mut w, "fleet_histories", "machine_id, body", &history_rows).await?;
        insert_many(&mut w, "fleet_work_orders", ORDER_COLUMNS, &order_rows).await?;
        w.audit(Change::create("fleet_bulk", &now, &outcome)).await?;
        w.commit().await?;
        if self.backend == crate::Backend::Sqlite {
            // Write the load's WAL (gigabytes at scale) into the database file now and give the
            // space back: left to the automatic checkpoint, the next reader pays for it.
            sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)").execute(&self.pool).await?;
        }
        // Fresh statistics, so the planner knows the tables' sizes at once (without them
        // PostgreSQL read a machine's orders by scanning the order numbers).
        sqlx::query("ANALYZE").execute(&self.pool).await?;
        Ok(outcome)
    }
}
