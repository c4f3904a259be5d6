//! The service centre's fleet: machines, the due list, work orders (with a printable PDF),
//! parts and stock, readiness figures. Pages under `/fleet`, the API under `/api/v1/fleet`.
//!
//! Who sees what (see `Action::ViewMachine` and friends): a machine owner's users see their
//! own machines only; the service centre's staff, coordinators, observers and admins see all;
//! the service centre's technicians edit work orders. The service centre is the organisation
//! recorded in the instance's `fleet.service_centre` fact (the demo sets it).

mod api;
pub mod demo;
mod pages;
pub mod pdf;
pub mod regimes;
pub mod views;

use crate::AppState;
use crate::error::AppError;
use accord_domain::OrganisationId;
use accord_domain::directory::{Action, Role, UserAccount, authorize};
use accord_domain::fleet::machine::Machine;
use accord_domain::fleet::meter::{MeterKind, VoidReason};
use accord_domain::fleet::work_order::{Action as OrderAction, WaitingReason, WorkLine, WorkOrder, WorkOrderStatus};
use accord_domain::{MachineId, ModelId, WorkOrderId};
use accord_formats::Problem;
use accord_store::{Author, FleetFile, FleetImportOutcome, FleetSnapshot, NewMachine, NewReading, Store};
use axum::Router;
use chrono::NaiveDate;
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::str::FromStr;

/// The instance fact naming the service-centre organisation.
pub const SERVICE_CENTRE_META: &str = "fleet.service_centre";
/// The instance fact fixing "today" of the fleet pages (the demo's history ends on a fixed
/// day; without it the demo would look two years overdue). Absent: the real date.
pub const AS_OF_META: &str = "fleet.as_of";

pub fn routes() -> Router<AppState> {
    pages::routes().merge(api::routes()).merge(regimes::routes())
}

pub fn upload_routes() -> Router<AppState> {
    api::upload_routes()
}

pub async fn service_centre(store: &Store) -> Result<Option<OrganisationId>, AppError> {
    Ok(store.meta(SERVICE_CENTRE_META).await?.and_then(|v| OrganisationId::from_str(&v).ok()))
}

/// The fleet's "today": the `fleet.as_of` fact, or the real date.
pub async fn today(store: &Store) -> Result<NaiveDate, AppError> {
    let fixed = store.meta(AS_OF_META).await?.and_then(|v| NaiveDate::from_str(&v).ok());
    Ok(fixed.unwrap_or_else(|| chrono::Utc::now().date_naive()))
}

/// What a user may see and do in the fleet.
#[derive(Debug, Clone, Copy)]
pub struct Scope {
    pub whole: bool,
    pub organisation: Option<OrganisationId>,
    pub service_centre: Option<OrganisationId>,
    pub edit_orders: bool,
    pub manage: bool,
}

impl Scope {
    pub async fn of(store: &Store, user: &UserAccount) -> Result<Scope, AppError> {
        let sc = service_centre(store).await?;
        let organisation = match user.role {
            Role::Executor { organisation, .. } => Some(organisation),
            _ => None,
        };
        Ok(Scope {
            whole: authorize(&user.role, Action::ViewWholeFleet { service_centre: sc }).is_ok(),
            organisation,
            service_centre: sc,
            edit_orders: authorize(&user.role, Action::EditWorkOrder { service_centre: sc }).is_ok(),
            manage: authorize(&user.role, Action::ManageFleet { service_centre: sc }).is_ok(),
        })
    }

    pub fn sees(&self, m: &Machine) -> bool {
        self.whole || self.organisation == Some(m.owner)
    }

    /// A machine the user may see, or 404 (not 403: owners do not learn of others' machines).
    pub fn require_machine<'a>(
        &self,
        snap: &'a FleetSnapshot,
        id: MachineId,
    ) -> Result<&'a accord_store::StoredMachine, AppError> {
        snap.machine(id).filter(|m| self.sees(&m.machine)).ok_or(AppError::NotFound)
    }

    /// The owners whose orders the user sees (`None`: all).
    pub fn owners(&self) -> Option<Vec<OrganisationId>> {
        if self.whole { None } else { Some(self.organisation.into_iter().collect()) }
    }

    pub fn require_edit(&self) -> Result<(), AppError> {
        if self.edit_orders { Ok(()) } else { Err(AppError::Forbidden) }
    }

    pub fn require_manage(&self) -> Result<(), AppError> {
        if self.manage { Ok(()) } else { Err(AppError::Forbidden) }
    }

    /// For what only those who see the whole fleet read (stock, the exchange pool, the
    /// quarter's figures).
    pub fn require_whole(&self) -> Result<(), AppError> {
        if self.whole { Ok(()) } else { Err(AppError::Forbidden) }
    }
}

/// A status action as forms and the API name it: `start`, `wait_parts`, `wait_technician`,
/// `wait_customer`, `resume`, `finish`, `reopen`, `sign_off`, `close`.
pub fn order_action(name: &str, by: Option<&str>) -> Result<OrderAction, AppError> {
    Ok(match name.trim() {
        "start" => OrderAction::Start,
        "wait_parts" => OrderAction::Wait(WaitingReason::Parts),
        "wait_technician" => OrderAction::Wait(WaitingReason::Technician),
        "wait_customer" => OrderAction::Wait(WaitingReason::Customer),
        "resume" => OrderAction::Resume,
        "finish" => OrderAction::Finish,
        "reopen" => OrderAction::Reopen,
        "sign_off" => {
            let by = by
                .map(str::trim)
                .filter(|b| !b.is_empty())
                .ok_or_else(|| invalid("by", accord_domain::validation::Reason::Required))?;
            OrderAction::SignOff { by: by.to_string() }
        }
        "close" => OrderAction::Close,
        _ => return Err(invalid("action", accord_domain::validation::Reason::UnknownValue)),
    })
}

/// The reasons a reading may be voided for, as forms and the API name them.
pub const VOID_REASONS: [&str; 5] = ["mistyped", "wrong_machine", "meter_fault", "duplicate", "other"];

/// A void reason from its name; `other` needs a note (free text).
pub fn void_reason(name: &str, note: Option<&str>) -> Result<VoidReason, AppError> {
    use accord_domain::validation::Reason;
    let note = note.map(str::trim).filter(|n| !n.is_empty());
    Ok(match name.trim() {
        "mistyped" => VoidReason::Mistyped,
        "wrong_machine" => VoidReason::WrongMachine,
        "meter_fault" => VoidReason::MeterFault,
        "duplicate" => VoidReason::Duplicate,
        "other" => VoidReason::Other(note.ok_or_else(|| invalid("note", Reason::Required))?.to_string()),
        "" => return Err(invalid("reason", Reason::Required)),
        _ => return Err(invalid("reason", Reason::UnknownValue)),
    })
}

/// A warranty from form or API text: `part` empty for the whole machine, `from` the first day
/// covered, `until` the last (optional), `limit_meter` and `up_to` a meter limit (cumulative
/// value, optional); at least one of the two limits.
pub fn parse_warranty(
    machine: MachineId,
    part: &str,
    from: &str,
    until: &str,
    limit_meter: &str,
    up_to: &str,
) -> Result<accord_domain::fleet::work_order::Warranty, AppError> {
    use accord_domain::fleet::parts::PartNumber;
    use accord_domain::fleet::work_order::{MeterLimit, Warranty, WarrantyScope};
    use accord_domain::validation::Reason;
    let day = |text: &str, field: &'static str| -> Result<Option<NaiveDate>, AppError> {
        let text = text.trim();
        if text.is_empty() {
            return Ok(None);
        }
        NaiveDate::parse_from_str(text, "%Y-%m-%d").map(Some).map_err(|_| invalid(field, Reason::UnknownValue))
    };
    let scope = match part.trim() {
        "" => WarrantyScope::Machine,
        p => WarrantyScope::Part(PartNumber::parse(p).map_err(|_| invalid("part", Reason::UnknownValue))?),
    };
    let from = day(from, "from")?.ok_or_else(|| invalid("from", Reason::Required))?;
    let until = day(until, "until")?;
    let up_to: String = up_to.chars().filter(|c| !c.is_whitespace() && *c != '\u{a0}').collect();
    let meter_limit = match (limit_meter.trim(), up_to.as_str()) {
        (_, "") => None,
        ("", _) => return Err(invalid("limit_meter", Reason::Required)),
        (kind, value) => Some(MeterLimit {
            kind: accord_formats::fleet::meter_kind(kind)
                .ok_or_else(|| invalid("limit_meter", Reason::UnknownValue))?,
            up_to: value.parse().map_err(|_| invalid("up_to", Reason::UnknownValue))?,
        }),
    };
    if until.is_none() && meter_limit.is_none() {
        return Err(invalid("until", Reason::Required));
    }
    Ok(Warranty { id: accord_domain::WarrantyId(uuid::Uuid::now_v7()), machine, scope, from, until, meter_limit })
}

/// An assembly to register from form or API text: kind (engine, gearbox, axle, tyre), serial,
/// the machine meter its usage is counted on, and its usage before our records.
pub fn parse_assembly(
    kind: &str,
    serial: &str,
    meter: &str,
    usage_before: &str,
) -> Result<accord_domain::fleet::assembly::Assembly, AppError> {
    use accord_domain::fleet::assembly::{Assembly, AssemblyKind};
    use accord_domain::validation::Reason;
    let kind = match kind.trim() {
        "engine" => AssemblyKind::Engine,
        "gearbox" => AssemblyKind::Gearbox,
        "axle" => AssemblyKind::Axle,
        "tyre" => AssemblyKind::Tyre,
        _ => return Err(invalid("kind", Reason::UnknownValue)),
    };
    let serial = accord_domain::fleet::machine::SerialNumber::parse(serial).map_err(|_| {
        invalid("serial", if serial.trim().is_empty() { Reason::Required } else { Reason::UnknownValue })
    })?;
    let meter = accord_formats::fleet::meter_kind(meter).ok_or_else(|| invalid("meter", Reason::UnknownValue))?;
    let usage: String = usage_before.chars().filter(|c| !c.is_whitespace() && *c != '\u{a0}').collect();
    let usage_before = if usage.is_empty() {
        0
    } else {
        usage.parse::<i64>().ok().filter(|v| *v >= 0).ok_or_else(|| invalid("usage_before", Reason::UnknownValue))?
    };
    Ok(Assembly { id: accord_domain::AssemblyId(uuid::Uuid::now_v7()), kind, serial, meter, usage_before })
}

/// A day from form or API text, naming the field.
pub fn parse_day(text: &str, field: &'static str) -> Result<NaiveDate, AppError> {
    use accord_domain::validation::Reason;
    let text = text.trim();
    if text.is_empty() {
        return Err(invalid(field, Reason::Required));
    }
    NaiveDate::parse_from_str(text, "%Y-%m-%d").map_err(|_| invalid(field, Reason::UnknownValue))
}

/// The actions that make sense from a status, for buttons.
pub fn actions_from(status: WorkOrderStatus) -> &'static [&'static str] {
    match status {
        WorkOrderStatus::Open => &["start"],
        WorkOrderStatus::InProgress => &["wait_parts", "wait_technician", "wait_customer", "finish"],
        WorkOrderStatus::Waiting(_) => &["resume"],
        WorkOrderStatus::Done => &["sign_off", "reopen"],
        WorkOrderStatus::Closed => &[],
    }
}

pub fn invalid(field: &'static str, reason: accord_domain::validation::Reason) -> AppError {
    accord_domain::validation::Invalid::one(field, reason).into()
}

/// Which file an import reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ImportKind {
    Fleet,
    Meters,
    WorkOrders,
}

impl ImportKind {
    pub fn what(self) -> &'static str {
        match self {
            ImportKind::Fleet => "fleet",
            ImportKind::Meters => "meters",
            ImportKind::WorkOrders => "workorders",
        }
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

/// Why an import was refused: problems in the file (sheet, line, column), or a rule the
/// store refused (naming the machine, field and value; nothing written).
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("{} problem(s) in the file", .0.len())]
    Problems(Vec<Problem>),
    #[error(transparent)]
    App(#[from] AppError),
}

impl From<accord_store::StoreError> for ImportError {
    fn from(e: accord_store::StoreError) -> Self {
        ImportError::App(e.into())
    }
}

fn hex(bytes: impl AsRef<[u8]>) -> String {
    bytes.as_ref().iter().map(|b| format!("{b:02x}")).collect()
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

fn at_problem(at: &accord_formats::fleet::At, column: &str, reason: accord_formats::Reason) -> Problem {
    Problem { sheet: at.sheet.clone(), row: at.line, column: column.to_string(), reason }
}

/// Reads a fleet file and stores it, all or nothing, or only checks it (`dry_run`). The same
/// file imported again changes nothing.
pub async fn import_file(
    store: &Store,
    author: Author<'_>,
    kind: ImportKind,
    file_name: &str,
    bytes: &[u8],
    dry_run: bool,
) -> Result<ImportSummary, ImportError> {
    let file = FleetFile {
        what: kind.what(),
        file_name: file_name.to_string(),
        sha256: hex(Sha256::digest(bytes)),
        rows_read: 0,
        dry_run,
    };
    let snap = store.fleet_snapshot().await?;
    let today = today(store).await?;
    let machines = machine_index(&snap);
    let find = |text: &str| machines.get(&text.trim().to_uppercase().replace(' ', "")).copied();
    let mut problems = Vec::new();
    let (records, pending) = match kind {
        ImportKind::Fleet => {
            let rows = accord_formats::fleet::read_fleet(bytes).map_err(ImportError::Problems)?;
            let orgs = store.organisation_all().await?;
            let models: HashMap<String, ModelId> = snap.models.values().map(|m| (fold(&m.designation), m.id)).collect();
            let mut list = Vec::new();
            for r in &rows {
                let model = models.get(&fold(&r.model)).copied();
                if model.is_none() {
                    problems.push(at_problem(
                        &r.at,
                        "model",
                        accord_formats::Reason::new("problem-fleet-unknown-model").arg("value", &r.model),
                    ));
                }
                let owner =
                    orgs.iter().find(|o| o.data.code.to_string().eq_ignore_ascii_case(r.owner.trim())).map(|o| o.id);
                if owner.is_none() {
                    problems.push(at_problem(
                        &r.at,
                        "owner",
                        accord_formats::Reason::new("problem-fleet-unknown-owner").arg("value", &r.owner),
                    ));
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
                        district: accord_domain::fleet::machine::District(r.district.clone()),
                        status: r.status,
                        arrival: r.arrival,
                        commissioned_on: r.commissioned_on,
                        factors: accord_domain::fleet::regime::CorrectionFactors::of(
                            accord_domain::fleet::regime::OperatingCategory::I,
                            accord_domain::fleet::regime::Climate::Cold,
                        ),
                    },
                    meters,
                });
            }
            (rows.len(), Pending::Machines(list))
        }
        ImportKind::Meters => {
            let rows = accord_formats::fleet::read_meters(bytes).map_err(ImportError::Problems)?;
            let mut list = Vec::new();
            for r in &rows {
                match find(&r.machine) {
                    Some(machine) => list.push(NewReading { machine, kind: r.kind, date: r.date, value: r.value }),
                    None => problems.push(at_problem(
                        &r.at,
                        "machine",
                        accord_formats::Reason::new("problem-fleet-unknown-machine").arg("value", &r.machine),
                    )),
                }
            }
            (rows.len(), Pending::Readings(list))
        }
        ImportKind::WorkOrders => {
            let rows = accord_formats::fleet::read_work_orders(bytes).map_err(ImportError::Problems)?;
            let mut list = Vec::new();
            for r in &rows {
                let Some(machine) = find(&r.machine) else {
                    problems.push(at_problem(
                        &r.at,
                        "machine",
                        accord_formats::Reason::new("problem-fleet-unknown-machine").arg("value", &r.machine),
                    ));
                    continue;
                };
                let mut o =
                    WorkOrder::new(WorkOrderId(uuid::Uuid::now_v7()), machine, r.kind, r.opened_at, Default::default());
                o.started_at = r.started_at;
                o.finished_at = r.finished_at;
                o.downtime_start = r.started_at.or(Some(r.opened_at));
                o.downtime_end = r.finished_at;
                o.status = match (r.started_at, r.finished_at, &r.signed_by) {
                    (_, Some(_), Some(_)) => WorkOrderStatus::Closed,
                    (_, Some(_), None) => WorkOrderStatus::Done,
                    (Some(_), None, _) => WorkOrderStatus::InProgress,
                    _ => WorkOrderStatus::Open,
                };
                if let (Some(by), Some(at)) = (&r.signed_by, r.finished_at) {
                    o.sign_off = Some(accord_domain::fleet::work_order::SignOff { by: by.clone(), at });
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
                    let machine_name = r.machine.clone();
                    let (column, value) = if r.finished_at.is_some() {
                        ("finished_at", r.finished_at.map(|t| t.to_string()).unwrap_or_default())
                    } else {
                        ("started_at", r.started_at.map(|t| t.to_string()).unwrap_or_default())
                    };
                    let reason = accord_formats::Reason::new("problem-fleet-order-invalid")
                        .arg("machine", machine_name)
                        .arg("value", value)
                        .arg("key", e.key().replace('.', "-"));
                    problems.push(at_problem(&r.at, column, reason));
                    continue;
                }
                list.push(o);
            }
            (rows.len(), Pending::Orders(list))
        }
    };
    if !problems.is_empty() {
        return Err(ImportError::Problems(problems));
    }
    let file = FleetFile { rows_read: records as u64, dry_run, ..file };
    // A dry run goes through the same transaction and checks, then rolls back.
    let outcome = match pending {
        Pending::Machines(list) => store.fleet_register(author, &list, Some(&file), today).await?,
        Pending::Readings(list) => store.fleet_readings_add(author, &list, Some(&file)).await?,
        Pending::Orders(list) => store.fleet_work_orders_create(author, &list, Some(&file)).await?.0,
    };
    Ok(ImportSummary { kind, file_name: file_name.to_string(), records, dry_run, outcome: Some(outcome) })
}

enum Pending {
    Machines(Vec<NewMachine>),
    Readings(Vec<NewReading>),
    Orders(Vec<WorkOrder>),
}

fn fold(s: &str) -> String {
    s.trim().to_lowercase().replace([' ', '-'], "")
}
