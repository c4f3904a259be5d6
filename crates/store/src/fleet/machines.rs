//! The register: machines added (by hand or from a fleet file) and changed (status, district,
//! commissioning date, interval factors) at the version the changer saw.

use super::imports::{FleetFile, FleetImportOutcome};
use super::snapshot::{DueState, HistoryData, StoredMachine};
use super::{Bind, brand_code, code, date, insert_many, json, kind_code, refused, unjson};
use crate::{Author, Result, Store, StoreError, WriteTx, corrupt};
use accord_domain::MachineId;
use accord_domain::audit::Change;
use accord_domain::fleet::machine::{Machine, MachineStatus, check_machine};
use accord_domain::fleet::meter::MeterKind;
use chrono::NaiveDate;
use std::collections::HashMap;
use std::str::FromStr;

/// A new machine for the register with the meters it has and their values at commissioning.
#[derive(Debug, Clone)]
pub struct NewMachine {
    pub machine: Machine,
    pub meters: Vec<(MeterKind, i64)>,
    /// The day a machine registered as decommissioned was written off; without one it was
    /// never on the books here (off from its commissioning).
    pub decommissioned_on: Option<NaiveDate>,
}

impl NewMachine {
    /// The first day off the books: a decommissioned machine's write-off day.
    fn off_books(&self) -> Option<NaiveDate> {
        (self.machine.status == MachineStatus::Decommissioned)
            .then(|| self.decommissioned_on.or(self.machine.commissioned_on))
            .flatten()
    }
}

impl Store {
    /// Registers machines, all or none: each is checked by the domain (an identifier, a
    /// plausible year, a commissioning date once on the books) and its VIN and serial number
    /// must not belong to another machine. `file` makes the import idempotent.
    pub async fn fleet_register(
        &self,
        author: Author<'_>,
        machines: &[NewMachine],
        file: Option<&FleetFile>,
        today: NaiveDate,
    ) -> Result<FleetImportOutcome> {
        let Some(mut w) = self.fleet_import_begin(author, file).await? else {
            return Ok(FleetImportOutcome { unchanged: true, inserted: 0 });
        };
        let inserted = self.fleet_register_in(&mut w, machines, today).await?;
        self.fleet_import_end(w, file).await?;
        Ok(FleetImportOutcome { unchanged: false, inserted })
    }

    /// [`Store::fleet_register`] inside the caller's transaction; returns how many machines
    /// were added (a machine already registered under its id is skipped).
    pub async fn fleet_register_in(
        &self,
        w: &mut WriteTx<'_>,
        machines: &[NewMachine],
        today: NaiveDate,
    ) -> Result<u64> {
        let mut vins: HashMap<String, MachineId> = HashMap::new();
        let mut serials: HashMap<String, MachineId> = HashMap::new();
        for new in machines {
            let m = &new.machine;
            check_machine(m, today).map_err(|e| refused(e.key(), e.field(), m.id, field_value(m, e.field()), &e))?;
            let model: Option<(String,)> = sqlx::query_as("SELECT id FROM fleet_models WHERE id = $1")
                .bind(m.model.to_string())
                .fetch_optional(&mut *w.tx)
                .await?;
            if model.is_none() {
                return Err(refused("fleet.error.unknown_model", "model", m.id, m.model, "unknown model"));
            }
            if let Some(vin) = &m.vin {
                let other = taken(w, "vin", vin.as_str(), m.id).await?.or(vins.get(vin.as_str()).copied());
                if let Some(other) = other.filter(|o| *o != m.id) {
                    return Err(refused(
                        "fleet.error.vin_taken",
                        "vin",
                        m.id,
                        vin,
                        format!("VIN {vin} of machine {} is already registered to machine {other}", m.id),
                    ));
                }
                vins.insert(vin.as_str().to_string(), m.id);
            }
            if let Some(serial) = &m.serial {
                let other = taken(w, "serial", serial.as_str(), m.id).await?.or(serials.get(serial.as_str()).copied());
                if let Some(other) = other.filter(|o| *o != m.id) {
                    return Err(refused(
                        "fleet.error.serial_taken",
                        "serial",
                        m.id,
                        serial,
                        format!("serial number {serial} of machine {} is already registered to machine {other}", m.id),
                    ));
                }
                serials.insert(serial.as_str().to_string(), m.id);
            }
        }
        let mut inserted = 0;
        for new in machines {
            let m = &new.machine;
            let exists: Option<(String,)> = sqlx::query_as("SELECT id FROM fleet_machines WHERE id = $1")
                .bind(m.id.to_string())
                .fetch_optional(&mut *w.tx)
                .await?;
            if exists.is_some() {
                continue;
            }
            let mut due = DueState::default();
            for (kind, value) in &new.meters {
                due.meters_at_commissioning = due.meters_at_commissioning.with(*kind, *value);
            }
            insert_machine(w, m, new.off_books(), &due).await?;
            let started = m.commissioned_on.unwrap_or(w.now.date_naive());
            for (kind, value) in &new.meters {
                sqlx::query(
                    "INSERT INTO fleet_meters (machine_id, kind, seq, started_on, offset_value, initial_value) VALUES ($1, $2, 0, $3, 0, $4)",
                )
                .bind(m.id.to_string())
                .bind(kind_code(*kind))
                .bind(started.to_string())
                .bind(*value)
                .execute(&mut *w.tx)
                .await?;
            }
            sqlx::query("INSERT INTO fleet_histories (machine_id, body) VALUES ($1, $2)")
                .bind(m.id.to_string())
                .bind(json(&HistoryData::default())?)
                .execute(&mut *w.tx)
                .await?;
            w.audit(Change::create("fleet_machine", m.id, m)).await?;
            inserted += 1;
        }
        Ok(inserted)
    }

    /// Changes what a machine's register entry says of its use: status, district,
    /// commissioning date, correction factors. `version` must be the stored one, else nothing
    /// is written (409). Decommissioning takes the machine off the books on `today`; returning
    /// it to service puts it back on.
    pub async fn fleet_machine_update(
        &self,
        author: Author<'_>,
        machine: &Machine,
        version: i64,
        today: NaiveDate,
    ) -> Result<StoredMachine> {
        let mut w = self.begin_write(author).await?;
        self.fleet_machine_update_in(&mut w, machine, version, today).await?;
        w.commit().await?;
        let snap = self.fleet_snapshot().await?;
        snap.machine(machine.id).cloned().ok_or(StoreError::NotFound { entity: "machine" })
    }

    /// [`Store::fleet_machine_update`] inside the caller's transaction.
    pub async fn fleet_machine_update_in(
        &self,
        w: &mut WriteTx<'_>,
        machine: &Machine,
        version: i64,
        today: NaiveDate,
    ) -> Result<()> {
        check_machine(machine, today)
            .map_err(|e| refused(e.key(), e.field(), machine.id, field_value(machine, e.field()), &e))?;
        let row: Option<(String, Option<String>, i64)> =
            sqlx::query_as("SELECT body, off_books, version FROM fleet_machines WHERE id = $1")
                .bind(machine.id.to_string())
                .fetch_optional(&mut *w.tx)
                .await?;
        let (body, off_books, current) = row.ok_or(StoreError::NotFound { entity: "machine" })?;
        if version != current {
            return Err(StoreError::Conflict { entity: "machine", current });
        }
        let before: Machine = unjson("machine", &body)?;
        if before.model != machine.model || before.vin != machine.vin || before.serial != machine.serial {
            return Err(refused(
                "fleet.error.machine_identity_changed",
                "model",
                machine.id,
                machine.model,
                "model, VIN and serial number are not changed here",
            ));
        }
        let off_books = match (machine.status.on_books(), off_books.as_deref().map(date).transpose()?) {
            (true, _) => None,
            (false, Some(kept)) => Some(kept),
            (false, None) if machine.status == MachineStatus::Decommissioned => Some(today),
            (false, None) => None,
        };
        w.touch_machine(machine.id);
        let done = sqlx::query(
            "UPDATE fleet_machines SET status = $1, commissioned_on = $2, district = $3, body = $4, off_books = $5, \
             version = version + 1, updated_at = $6 WHERE id = $7 AND version = $8",
        )
        .bind(code(&machine.status))
        .bind(machine.commissioned_on.map(|d| d.to_string()))
        .bind(&machine.district.0)
        .bind(json(machine)?)
        .bind(off_books.map(|d| d.to_string()))
        .bind(w.now_text())
        .bind(machine.id.to_string())
        .bind(version)
        .execute(&mut *w.tx)
        .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::Conflict { entity: "machine", current });
        }
        w.audit(Change::update("fleet_machine", machine.id, &before, machine)).await?;
        Ok(())
    }
}

fn field_value(m: &Machine, field: &str) -> String {
    match field {
        "vin" => m.vin.as_ref().map(ToString::to_string).unwrap_or_default(),
        "serial" => m.serial.as_ref().map(ToString::to_string).unwrap_or_default(),
        "year" => m.year.to_string(),
        "commissioned_on" => m.commissioned_on.map(|d| d.to_string()).unwrap_or_default(),
        _ => String::new(),
    }
}

async fn taken(w: &mut WriteTx<'_>, column: &str, value: &str, machine: MachineId) -> Result<Option<MachineId>> {
    let row: Option<(String,)> =
        sqlx::query_as(&format!("SELECT id FROM fleet_machines WHERE {column} = $1 AND id <> $2"))
            .bind(value)
            .bind(machine.to_string())
            .fetch_optional(&mut *w.tx)
            .await?;
    row.map(|(id,)| MachineId::from_str(&id).map_err(corrupt("machine id"))).transpose()
}

/// Refuses a machine the register does not hold.
pub(super) async fn require_machine(w: &mut WriteTx<'_>, machine: MachineId) -> Result<()> {
    let row: Option<(String,)> = sqlx::query_as("SELECT id FROM fleet_machines WHERE id = $1")
        .bind(machine.to_string())
        .fetch_optional(&mut *w.tx)
        .await?;
    match row {
        Some(_) => Ok(()),
        None => Err(refused("fleet.error.unknown_machine", "machine", machine, machine, "no such machine")),
    }
}

pub(super) const MACHINE_COLUMNS: &str = "id, origin, model_id, brand, modification, engine, vin, serial, year, owner_id, district, status, arrival, \
     commissioned_on, off_books, body, due_state, version, created_at, updated_at";

pub(super) fn machine_binds(
    origin: &str,
    m: &Machine,
    off_books: Option<NaiveDate>,
    due: &DueState,
    now: &str,
) -> Result<Vec<Bind>> {
    Ok(vec![
        Bind::T(m.id.to_string()),
        Bind::T(origin.to_string()),
        Bind::T(m.model.to_string()),
        Bind::T(brand_code(&m.brand)),
        Bind::O(m.modification.clone()),
        Bind::O(m.engine.as_ref().map(|e| format!("{:?} {}", e.maker, e.model))),
        Bind::O(m.vin.as_ref().map(ToString::to_string)),
        Bind::O(m.serial.as_ref().map(ToString::to_string)),
        Bind::I(i64::from(m.year)),
        Bind::T(m.owner.to_string()),
        Bind::T(m.district.0.clone()),
        Bind::T(code(&m.status)),
        Bind::T(code(&m.arrival)),
        Bind::O(m.commissioned_on.map(|d| d.to_string())),
        Bind::O(off_books.map(|d| d.to_string())),
        Bind::T(json(m)?),
        Bind::T(json(due)?),
        Bind::I(1),
        Bind::T(now.to_string()),
        Bind::T(now.to_string()),
    ])
}

async fn insert_machine(w: &mut WriteTx<'_>, m: &Machine, off_books: Option<NaiveDate>, due: &DueState) -> Result<()> {
    w.touch_machine(m.id);
    let now = w.now_text();
    let origin = w.origin_code();
    let row = machine_binds(origin, m, off_books, due, &now)?;
    insert_many(w, "fleet_machines", MACHINE_COLUMNS, &[row]).await.map_err(|e| match e {
        StoreError::Database(err) => crate::unique_violation(err, &[("vin", "vin"), ("serial", "serial")]),
        other => other,
    })
}
