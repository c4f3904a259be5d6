//! The fleet's file imports: the register (machines), meter readings and work orders, from
//! `POST /api/v1/fleet/imports/{kind}` and `accord import fleet|meters|workorders`.
//!
//! Permission comes first: whoever may not manage the fleet is refused before the file is
//! read at all. Rows are then mapped (machines by VIN or serial number, models and owners by
//! name and code); any row that does not map stops the import with every problem named by
//! sheet, line and column. The rest is written in one transaction, all or nothing; a dry run
//! goes through the same transaction and checks and rolls back. The same file imported again
//! changes nothing. Per row there is nothing more to authorise: whoever may import may change
//! every machine of the fleet.

use crate::{Actor, App, Error, Result};
use accord_domain::fleet::machine::{District, Machine};
use accord_domain::fleet::meter::MeterKind;
use accord_domain::fleet::regime::{Climate, CorrectionFactors, OperatingCategory};
use accord_domain::fleet::work_order::{SignOff, WorkLine, WorkOrder, WorkOrderStatus};
use accord_domain::{MachineId, ModelId, WorkOrderId};
use accord_formats::Problem;
use accord_formats::fleet::At;
use accord_store::{FleetFile, FleetImportOutcome, FleetSnapshot, NewMachine, NewReading};
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::collections::HashMap;

/// Which file an import reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ImportKind {
    Fleet,
    Meters,
    WorkOrders,
}

impl ImportKind {
    /// The kind as addresses, commands and the import log name it.
    pub fn what(self) -> &'static str {
        match self {
            ImportKind::Fleet => "fleet",
            ImportKind::Meters => "meters",
            ImportKind::WorkOrders => "workorders",
        }
    }

    pub fn from_what(what: &str) -> Option<ImportKind> {
        [ImportKind::Fleet, ImportKind::Meters, ImportKind::WorkOrders].into_iter().find(|k| k.what() == what)
    }
}

/// What an import found and did.
#[derive(Debug, Clone, Serialize)]
pub struct ImportSummary {
    pub kind: ImportKind,
    pub file_name: String,
    pub records: usize,
    pub dry_run: bool,
    /// What was (or, on a dry run, would have been) written.
    pub outcome: Option<FleetImportOutcome>,
}

/// What a file's rows become, once mapped.
enum Pending {
    Machines(Vec<NewMachine>),
    Readings(Vec<NewReading>),
    Orders(Vec<WorkOrder>),
}

impl App {
    /// Whether `actor` may import fleet files at all: asked before an upload is even received,
    /// and again by [`App::fleet_import`].
    pub async fn fleet_import_check(&self, actor: &Actor) -> Result<()> {
        self.fleet_manager(actor).await.map(|_| ())
    }

    /// Reads a fleet file and stores it, all or nothing, or only checks it (`dry_run`). The
    /// same file imported again changes nothing. The service centre's staff, coordinators and
    /// admins; anyone else is refused before the file is read.
    pub async fn fleet_import(
        &self,
        actor: &Actor,
        kind: ImportKind,
        file_name: &str,
        bytes: &[u8],
        dry_run: bool,
    ) -> Result<ImportSummary> {
        self.fleet_manager(actor).await?;
        let snap = self.store.fleet_snapshot().await?;
        let today = self.fleet_today().await?;
        let (records, pending) = match kind {
            ImportKind::Fleet => {
                let organisations = self.store.organisation_all().await?;
                map_fleet(&snap, &organisations, bytes)?
            }
            ImportKind::Meters => map_meters(&snap, bytes)?,
            ImportKind::WorkOrders => map_orders(&snap, bytes)?,
        };
        let file = FleetFile {
            what: kind.what(),
            file_name: file_name.to_string(),
            sha256: Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect(),
            rows_read: records as u64,
            dry_run,
        };
        let summary = |outcome| ImportSummary {
            kind,
            file_name: file_name.to_string(),
            records,
            dry_run,
            outcome: Some(outcome),
        };
        let mut w = self.store.begin_write(actor.author()).await?;
        if self.store.fleet_import_seen_in(&mut w, &file).await? {
            return Ok(summary(FleetImportOutcome { unchanged: true, inserted: 0 }));
        }
        let inserted = match &pending {
            Pending::Machines(list) => self.store.fleet_register_in(&mut w, list, today).await?,
            Pending::Readings(list) => self.store.fleet_readings_add_in(&mut w, list, Some(&file)).await?,
            Pending::Orders(list) => self.store.fleet_work_orders_create_in(&mut w, list).await?.len() as u64,
        };
        // A dry run rolls back here, after every check of the real import.
        self.store.fleet_import_finish(w, &file).await?;
        Ok(summary(FleetImportOutcome { unchanged: false, inserted }))
    }
}

fn at_problem(at: &At, column: &str, reason: accord_formats::Reason) -> Problem {
    Problem { sheet: at.sheet.clone(), row: at.line, column: column.to_string(), reason }
}

/// Machines by VIN and serial number, as the files name them.
fn machine_index(snap: &FleetSnapshot) -> HashMap<String, MachineId> {
    let mut index = HashMap::new();
    for m in &snap.machines {
        if let Some(v) = &m.machine.vin {
            index.insert(v.as_str().to_uppercase(), m.machine.id);
        }
        if let Some(s) = &m.machine.serial {
            index.insert(s.as_str().to_uppercase(), m.machine.id);
        }
    }
    index
}

fn fold(s: &str) -> String {
    s.trim().to_lowercase().replace([' ', '-'], "")
}

fn unknown_machine(at: &At, value: &str) -> Problem {
    at_problem(at, "machine", accord_formats::Reason::new("problem-fleet-unknown-machine").arg("value", value))
}

fn map_fleet(
    snap: &FleetSnapshot,
    organisations: &[accord_domain::directory::Organisation],
    bytes: &[u8],
) -> Result<(usize, Pending)> {
    let rows = accord_formats::fleet::read_fleet(bytes).map_err(Error::InvalidFile)?;
    let models: HashMap<String, ModelId> = snap.models.values().map(|m| (fold(&m.designation), m.id)).collect();
    let mut problems = Vec::new();
    let mut list = Vec::new();
    for r in &rows {
        let model = models.get(&fold(&r.model)).copied();
        if model.is_none() {
            let reason = accord_formats::Reason::new("problem-fleet-unknown-model").arg("value", &r.model);
            problems.push(at_problem(&r.at, "model", reason));
        }
        let owner =
            organisations.iter().find(|o| o.data.code.to_string().eq_ignore_ascii_case(r.owner.trim())).map(|o| o.id);
        if owner.is_none() {
            let reason = accord_formats::Reason::new("problem-fleet-unknown-owner").arg("value", &r.owner);
            problems.push(at_problem(&r.at, "owner", reason));
        }
        let (Some(model), Some(owner)) = (model, owner) else { continue };
        let mut meters = vec![(MeterKind::EngineHours, r.engine_hours.unwrap_or(0))];
        if let Some(km) = r.odometer {
            meters.push((MeterKind::Odometer, km));
        } else if snap.models.get(&model).is_some_and(|m| m.kind.has_odometer()) {
            meters.push((MeterKind::Odometer, 0));
        }
        list.push(NewMachine {
            machine: Machine {
                id: MachineId(uuid::Uuid::now_v7()),
                model,
                brand: r.brand.clone(),
                modification: r.modification.clone(),
                engine: None,
                vin: r.vin.clone(),
                serial: r.serial.clone(),
                year: r.year,
                owner,
                district: District(r.district.clone()),
                status: r.status,
                arrival: r.arrival,
                commissioned_on: r.commissioned_on,
                factors: CorrectionFactors::of(OperatingCategory::I, Climate::Cold),
            },
            meters,
            decommissioned_on: r.decommissioned_on,
        });
    }
    if !problems.is_empty() {
        return Err(Error::InvalidFile(problems));
    }
    Ok((rows.len(), Pending::Machines(list)))
}

fn map_meters(snap: &FleetSnapshot, bytes: &[u8]) -> Result<(usize, Pending)> {
    let rows = accord_formats::fleet::read_meters(bytes).map_err(Error::InvalidFile)?;
    let machines = machine_index(snap);
    let find = |text: &str| machines.get(&text.trim().to_uppercase().replace(' ', "")).copied();
    let mut problems = Vec::new();
    let mut list = Vec::new();
    for r in &rows {
        match find(&r.machine) {
            Some(machine) => list.push(NewReading { machine, kind: r.kind, date: r.date, value: r.value }),
            None => problems.push(unknown_machine(&r.at, &r.machine)),
        }
    }
    if !problems.is_empty() {
        return Err(Error::InvalidFile(problems));
    }
    Ok((rows.len(), Pending::Readings(list)))
}

fn map_orders(snap: &FleetSnapshot, bytes: &[u8]) -> Result<(usize, Pending)> {
    let rows = accord_formats::fleet::read_work_orders(bytes).map_err(Error::InvalidFile)?;
    let machines = machine_index(snap);
    let find = |text: &str| machines.get(&text.trim().to_uppercase().replace(' ', "")).copied();
    let mut problems = Vec::new();
    let mut list = Vec::new();
    for r in &rows {
        let Some(machine) = find(&r.machine) else {
            problems.push(unknown_machine(&r.at, &r.machine));
            continue;
        };
        let mut o = WorkOrder::new(WorkOrderId(uuid::Uuid::now_v7()), machine, r.kind, r.opened_at, Default::default());
        o.started_at = r.started_at;
        o.finished_at = r.finished_at;
        o.service = r.service;
        o.downtime_start = r.started_at.or(Some(r.opened_at));
        o.downtime_end = r.finished_at;
        o.status = match (r.started_at, r.finished_at, &r.signed_by) {
            (_, Some(_), Some(_)) => WorkOrderStatus::Closed,
            (_, Some(_), None) => WorkOrderStatus::Done,
            (Some(_), None, _) => WorkOrderStatus::InProgress,
            _ => WorkOrderStatus::Open,
        };
        if let (Some(by), Some(at)) = (&r.signed_by, r.finished_at) {
            o.sign_off = Some(SignOff { by: by.clone(), at });
            o.closed_at = Some(at);
        }
        if let Some(op) = &r.operation {
            o.work.push(WorkLine {
                operation: op.clone(),
                standard_hours: r.hours.unwrap_or_default(),
                actual_hours: r.hours,
                technician: None,
                part: None,
                warranty: None,
            });
        }
        if let Err(e) = o.validate() {
            let (column, value) = if r.finished_at.is_some() {
                ("finished_at", r.finished_at.map(|t| t.to_string()).unwrap_or_default())
            } else {
                ("started_at", r.started_at.map(|t| t.to_string()).unwrap_or_default())
            };
            let reason = accord_formats::Reason::new("problem-fleet-order-invalid")
                .arg("machine", r.machine.clone())
                .arg("value", value)
                .arg("key", e.key().replace('.', "-"));
            problems.push(at_problem(&r.at, column, reason));
            continue;
        }
        list.push(o);
    }
    if !problems.is_empty() {
        return Err(Error::InvalidFile(problems));
    }
    Ok((rows.len(), Pending::Orders(list)))
}
