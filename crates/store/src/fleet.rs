//! Fleet: the service centre's machines, meters and readings, regimes, work orders, parts and
//! stock.
//!
//! Every rule is the domain's (`accord_domain::fleet`): the store loads what a rule needs,
//! asks it, and writes the outcome with its audit entries in one transaction. Hot reads (the
//! machines table, the due list, the readiness figures) are computed in the domain from a
//! [`FleetSnapshot`] of compact rows (one per machine, one per meter, one history per
//! machine), kept until the next write (see `cache`). Readings and work orders are read per
//! machine, never all at once.

use crate::directory::new_uuid;
use crate::{Author, Result, Store, StoreError, WriteTx, corrupt};
use accord_domain::OrganisationId;
use accord_domain::audit::Change;
use accord_domain::fleet::assembly::{Assembly, AssemblyEvent, AssemblyEventKind, ExchangePool};
use accord_domain::fleet::kpi::{
    CostEntry, DateRange, DayState, Failure, GroupBy, Kpi, KpiRow, MachineHistory, ServiceDone, StateSpan, aggregate,
};
use accord_domain::fleet::machine::{Machine, MachineKind, Model, check_machine};
use accord_domain::fleet::meter::{
    MeterKind, MeterNow, MeterSeries, MeterSnapshot, MeterState, Reading, Segment, VoidReason,
};
use accord_domain::fleet::parts::PartNumber;
use accord_domain::fleet::regime::{CycleMark, DueService, MachineDueInput, Regime, ServiceKind, due_list};
use accord_domain::fleet::replenish::{
    PartSupply, Stats, SupplierOrder, planned_demand, suggest_orders, z_for_service_level,
};
use accord_domain::fleet::work_order::{
    Action, MeterLimit, PartLine, Warranty, WarrantyScope, WorkLine, WorkOrder, WorkOrderKind, WorkOrderStatus,
    flag_warranty,
};
use accord_domain::quarter::Quarter;
use accord_domain::trade::{Currency, Money};
use accord_domain::{AssemblyId, MachineId, MeterReadingId, ModelId, WarehouseId, WarrantyId, WorkOrderId};
use chrono::{Days, NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::str::FromStr;
use std::sync::Arc;

/// Days over which usage per day is averaged for forecasts.
pub const USAGE_WINDOW_DAYS: u32 = 90;
/// Labour rate of the service centre, kopecks per hour (2,500 ₽), for work order costs.
pub const LABOUR_RATE_KOPECKS: i64 = 250_000;
/// The stored statuses of an order not closed, as an SQL list: an IN list over the
/// (status, machine_id) index finds the few open orders among hundreds of thousands closed,
/// where `status <> 'closed'` reads them all.
const OPEN_STATUSES: &str = "'open', 'in_progress', 'waiting:parts', 'waiting:technician', 'waiting:customer', 'done'";
/// Rows per multi-row INSERT (7 values a reading: far under both backends' limits).
const INSERT_ROWS: usize = 1000;

/// Ids per `IN (…)` list when re-reading touched machines.
const ID_LIST: usize = 500;

type MachineRow = (String, String, Option<String>, i64);
type MeterNowRow = (String, i64, i64, String, f64);

fn stored_machine(
    models: &HashMap<ModelId, Model>,
    (body, due, off_books, version): MachineRow,
) -> Result<StoredMachine> {
    let machine: Machine = unjson("machine", &body)?;
    let model = models.get(&machine.model);
    Ok(StoredMachine {
        kind: model.map_or(MachineKind::Other, |m| m.kind),
        model_name: model.map(|m| m.designation.clone()).unwrap_or_default(),
        machine,
        off_books: off_books.as_deref().map(date).transpose()?,
        due: unjson("due state", &due)?,
        version,
    })
}

/// Histories by machine from `(machine id, JSON body)` rows, parsed in parallel.
fn parse_histories(rows: &[(String, String)]) -> Result<HashMap<MachineId, Arc<HistoryData>>> {
    let threads = std::thread::available_parallelism().map_or(1, std::num::NonZero::get).min(8);
    let per_thread = rows.len().div_ceil(threads).max(1);
    let parse = |chunk: &[(String, String)]| -> Result<Vec<(MachineId, Arc<HistoryData>)>> {
        chunk
            .iter()
            .map(|(machine, body)| {
                let id = MachineId::from_str(machine).map_err(corrupt("machine id"))?;
                Ok((id, Arc::new(unjson::<HistoryData>("history", body)?)))
            })
            .collect()
    };
    std::thread::scope(|scope| {
        let parsers: Vec<_> = rows.chunks(per_thread).map(|chunk| scope.spawn(move || parse(chunk))).collect();
        let mut by_machine = HashMap::with_capacity(rows.len());
        for parser in parsers {
            let parsed = parser.join().map_err(|_| StoreError::Corrupt("a fleet history parser panicked".into()))??;
            by_machine.extend(parsed);
        }
        Ok(by_machine)
    })
}

/// `$first, $first+1, …` for `n` values.
fn id_list(first: usize, n: usize) -> String {
    (first..first + n).map(|i| format!("${i}")).collect::<Vec<_>>().join(", ")
}

fn bind_all<'q, O>(
    mut query: sqlx::query::QueryAs<'q, sqlx::Any, O, sqlx::any::AnyArguments<'q>>,
    values: &'q [String],
) -> sqlx::query::QueryAs<'q, sqlx::Any, O, sqlx::any::AnyArguments<'q>> {
    for v in values {
        query = query.bind(v.as_str());
    }
    query
}

/// A refusal by a fleet rule, naming the machine (or order, part), the field and the value.
pub fn refused(
    key: &'static str,
    field: &'static str,
    subject: impl ToString,
    value: impl ToString,
    message: impl ToString,
) -> StoreError {
    StoreError::Refused {
        key,
        field,
        subject: subject.to_string(),
        value: value.to_string(),
        message: message.to_string(),
    }
}

/// What the due list keeps of a machine beyond its register entry.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct DueState {
    pub meters_at_commissioning: MeterSnapshot,
    pub last_cycle: Option<CycleMark>,
    pub last_seasonal: Vec<(ServiceKind, NaiveDate)>,
}

/// What the readiness figures need of a machine's past.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct HistoryData {
    pub states: Vec<StateSpan>,
    pub failures: Vec<Failure>,
    pub services: Vec<ServiceDone>,
    pub costs: Vec<CostEntry>,
    pub odometer: Vec<(NaiveDate, i64)>,
    pub engine_hours: Vec<(NaiveDate, i64)>,
}

/// A machine as the register keeps it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StoredMachine {
    pub machine: Machine,
    pub kind: MachineKind,
    pub model_name: String,
    pub off_books: Option<NaiveDate>,
    pub due: DueState,
    pub version: i64,
}

/// Everything the hot fleet reads need, read at one audit head.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct FleetSnapshot {
    pub models: HashMap<ModelId, Model>,
    pub regimes: Vec<Regime>,
    /// By register order (brand, model, id).
    pub machines: Vec<StoredMachine>,
    pub index: HashMap<MachineId, usize>,
    pub meters: HashMap<MachineId, MeterNow>,
    /// Open (not closed) work orders per machine.
    pub open_orders: HashMap<MachineId, u32>,
}

impl FleetSnapshot {
    /// Takes `machines` in register order (brand, model, id) and indexes them.
    fn set_machines(&mut self, mut machines: Vec<StoredMachine>) {
        machines.sort_by_cached_key(|m| (brand_code(&m.machine.brand), m.machine.model, m.machine.id));
        self.index = machines.iter().enumerate().map(|(i, m)| (m.machine.id, i)).collect();
        self.machines = machines;
    }

    fn add_meters(&mut self, rows: Vec<MeterNowRow>) -> Result<()> {
        for (machine, kind, value, read_on, per_day) in rows {
            let id = MachineId::from_str(&machine).map_err(corrupt("machine id"))?;
            let state = MeterState { value, read_on: date(&read_on)?, per_day };
            let now = self.meters.entry(id).or_default();
            *now = now.with(kind_of(kind)?, state);
        }
        Ok(())
    }

    fn add_open_orders(&mut self, rows: Vec<(String, i64)>) -> Result<()> {
        for (machine, n) in rows {
            let id = MachineId::from_str(&machine).map_err(corrupt("machine id"))?;
            self.open_orders.insert(id, u32::try_from(n).unwrap_or(u32::MAX));
        }
        Ok(())
    }

    pub fn machine(&self, id: MachineId) -> Option<&StoredMachine> {
        self.index.get(&id).map(|&i| &self.machines[i])
    }

    /// The regime of a machine: its model's regime for its engine, else its model's first.
    pub fn regime_of(&self, machine: &Machine) -> Option<&Regime> {
        let of_model = || self.regimes.iter().filter(|r| r.model() == machine.model);
        of_model().find(|r| r.engine().is_some() && r.engine() == machine.engine.as_ref()).or_else(|| of_model().next())
    }

    /// The due list of the machines `visible` lets through, overdue first.
    pub fn due_list(&self, today: NaiveDate, visible: impl Fn(&Machine) -> bool) -> Vec<DueService> {
        let inputs: Vec<MachineDueInput<'_>> = self
            .machines
            .iter()
            .filter(|m| m.machine.status.on_books() && m.off_books.is_none() && visible(&m.machine))
            .filter_map(|m| {
                Some(MachineDueInput {
                    machine: m.machine.id,
                    regime: self.regime_of(&m.machine)?,
                    factors: m.machine.factors,
                    commissioned_on: m.machine.commissioned_on?,
                    meters_at_commissioning: m.due.meters_at_commissioning,
                    last_cycle: m.due.last_cycle,
                    last_seasonal: &m.due.last_seasonal,
                    meters: self.meters.get(&m.machine.id).copied().unwrap_or_default(),
                })
            })
            .collect();
        due_list(&inputs, today)
    }
}

/// Every machine's history, read at one audit head (heavier than the snapshot: only the
/// figures read it).
#[derive(Debug, Default, Clone, PartialEq)]
pub struct FleetHistories {
    /// Shared, so that a refresh after a write copies only the pointers of the machines it
    /// did not touch.
    pub by_machine: HashMap<MachineId, Arc<HistoryData>>,
}

/// The readiness figures of a group.
#[derive(Debug, Clone, Serialize)]
pub struct KpiTable {
    pub range_from: NaiveDate,
    /// Exclusive.
    pub range_to: NaiveDate,
    pub rows: Vec<KpiRow>,
    pub total: Option<KpiRow>,
}

/// The service centre's figures of one quarter, for the quarterly agenda and briefing pack.
#[derive(Debug, Clone, Serialize)]
pub struct QuarterFigures {
    pub quarter: String,
    pub machines: u32,
    /// КТГ, technical readiness: machine-days ready / machine-days on the books.
    pub ktg: Option<f64>,
    /// КВ, release: machine-days worked / machine-days on the books.
    pub kv: Option<f64>,
    /// Engine hours per failure.
    pub mtbf: Option<f64>,
    /// Repair hours per repair.
    pub mttr: Option<f64>,
    /// Preventive services done by their due day / services due.
    pub on_time: Option<f64>,
    /// Work orders not closed at the end of the quarter (opened on or before its last day).
    pub open_work_orders: u64,
}

/// A new machine for the register with the meters it has and their values at commissioning.
#[derive(Debug, Clone)]
pub struct NewMachine {
    pub machine: Machine,
    pub meters: Vec<(MeterKind, i64)>,
}

/// A reading to add.
#[derive(Debug, Clone)]
pub struct NewReading {
    pub machine: MachineId,
    pub kind: MeterKind,
    pub date: NaiveDate,
    pub value: i64,
}

/// A file an import came from; an import of the same bytes again changes nothing.
#[derive(Debug, Clone)]
pub struct FleetFile {
    pub what: &'static str,
    pub file_name: String,
    pub sha256: String,
    pub rows_read: u64,
    /// Check everything in the transaction, then roll it back.
    pub dry_run: bool,
}

/// What an import did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct FleetImportOutcome {
    /// The same file was imported before: nothing was written.
    pub unchanged: bool,
    pub inserted: u64,
}

/// A work order as stored.
#[derive(Debug, Clone, Serialize)]
pub struct StoredWorkOrder {
    pub number: i64,
    pub order: WorkOrder,
    pub version: i64,
}

/// A row of the work orders list.
#[derive(Debug, Clone, Serialize)]
pub struct WorkOrderRow {
    pub id: WorkOrderId,
    pub number: i64,
    pub machine: MachineId,
    pub kind: WorkOrderKind,
    pub status: WorkOrderStatus,
    pub opened_at: NaiveDateTime,
    pub finished_at: Option<NaiveDateTime>,
}

/// Filter of the work orders list.
#[derive(Debug, Clone, Default)]
pub struct WorkOrderFilter {
    pub machine: Option<MachineId>,
    /// Only orders not closed.
    pub open_only: bool,
    /// Only machines of these owners (`None`: all).
    pub owners: Option<Vec<OrganisationId>>,
}

/// A part of the catalogue.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct PartRecord {
    pub number: PartNumber,
    pub brand: String,
    pub name: String,
    pub supplier: Option<OrganisationId>,
    pub price: Money,
    pub pack: u32,
    pub lead_days: u32,
    pub superseded_by: Option<PartNumber>,
    pub equivalents: Vec<PartNumber>,
}

/// Stock of a part in a bin.
#[derive(Debug, Clone, Serialize)]
pub struct StockRow {
    pub warehouse: WarehouseId,
    pub warehouse_name: String,
    pub bin: String,
    pub part: String,
    pub qty: i64,
    /// Held for work orders (an issue to another order may take at most `qty - reserved`).
    pub reserved: i64,
    pub in_transit: i64,
}

/// A stock movement.
#[derive(Debug, Clone, Serialize)]
pub struct MovementRow {
    pub warehouse: String,
    pub bin: String,
    pub part: String,
    pub delta: i64,
    pub kind: String,
    pub work_order: Option<String>,
    pub on_date: NaiveDate,
    pub by: Option<String>,
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

/// A shipment's id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ShipmentId(pub uuid::Uuid);

impl std::fmt::Display for ShipmentId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

/// A shipment to record as in transit.
#[derive(Debug, Clone)]
pub struct NewShipment {
    pub supplier: Option<OrganisationId>,
    /// The supplier's document (waybill, invoice).
    pub reference: String,
    pub warehouse: WarehouseId,
    pub bin: String,
    pub part: PartNumber,
    pub qty: u32,
    pub shipped_on: NaiveDate,
    pub expected_on: NaiveDate,
}

/// A shipment as listed.
#[derive(Debug, Clone, Serialize)]
pub struct ShipmentRow {
    pub id: ShipmentId,
    pub supplier: Option<OrganisationId>,
    pub reference: String,
    pub warehouse: WarehouseId,
    pub warehouse_name: String,
    pub bin: String,
    pub part: String,
    pub qty: i64,
    pub shipped_on: NaiveDate,
    pub expected_on: NaiveDate,
    pub received_on: Option<NaiveDate>,
}

/// Stock held for a work order.
#[derive(Debug, Clone, Serialize)]
pub struct ReservationRow {
    pub work_order: WorkOrderId,
    pub warehouse: WarehouseId,
    pub bin: String,
    pub part: String,
    pub qty: i64,
}

/// An assembly as listed: where it is and the usage it carries.
#[derive(Debug, Clone, Serialize)]
pub struct AssemblyRow {
    pub assembly: Assembly,
    /// Installed on (since, meter at installation); `None`: on the shelf of the pool.
    pub installed: Option<accord_domain::fleet::assembly::Installation>,
    /// Usage before our records, over past installations and the current one to date.
    pub usage: i64,
}

/// An install or a removal as a machine's page lists it.
#[derive(Debug, Clone, Serialize)]
pub struct AssemblyEventRow {
    pub assembly: AssemblyId,
    pub serial: String,
    pub kind: accord_domain::fleet::assembly::AssemblyKind,
    pub machine: MachineId,
    pub event: AssemblyEventKind,
    pub date: NaiveDate,
    pub machine_meter: i64,
}

/// A warranty as the machine's page lists it.
#[derive(Debug, Clone, Serialize)]
pub struct WarrantyRow {
    pub warranty: Warranty,
    pub note: String,
}

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

pub fn kind_code(kind: MeterKind) -> i64 {
    kind.index() as i64
}

fn kind_of(code: i64) -> Result<MeterKind> {
    MeterKind::ALL
        .into_iter()
        .find(|k| kind_code(*k) == code)
        .ok_or_else(|| StoreError::Corrupt(format!("meter kind {code}")))
}

fn date(text: &str) -> Result<NaiveDate> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").map_err(corrupt("date"))
}

fn datetime_text(at: NaiveDateTime) -> String {
    at.format("%Y-%m-%dT%H:%M:%S").to_string()
}

fn json<T: Serialize>(value: &T) -> Result<String> {
    serde_json::to_string(value).map_err(corrupt("json"))
}

fn unjson<T: for<'de> Deserialize<'de>>(what: &'static str, text: &str) -> Result<T> {
    serde_json::from_str(text).map_err(corrupt(what))
}

/// The stable text of an enum that serialises to a plain string (status, kind).
fn code<T: Serialize>(value: &T) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(s)) => s,
        Ok(other) => other.to_string(),
        Err(_) => String::new(),
    }
}

/// A brand as the machines table stores it: `maz`, … or the name of another maker.
pub fn brand_code(brand: &accord_domain::fleet::machine::Brand) -> String {
    code(brand)
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

/// Keeps a checkpoint a week at most in a history series, the last one the latest value.
fn checkpoint(series: &mut Vec<(NaiveDate, i64)>, day: NaiveDate, value: i64) {
    let len = series.len();
    match series.last_mut() {
        Some(last) if last.0 > day => {}
        Some(last) if (day - last.0).num_days() < 7 && len > 1 => *last = (day, value),
        _ => series.push((day, value)),
    }
}

fn order_machine_state(order: &WorkOrder) -> DayState {
    match order.kind {
        WorkOrderKind::Preventive | WorkOrderKind::Inspection => DayState::Maintenance,
        _ => DayState::Repair,
    }
}

impl Store {
    // ---------------------------------------------------------------- reads

    /// The machines, meters and regimes at the current audit head.
    pub async fn fleet_snapshot(&self) -> Result<Arc<FleetSnapshot>> {
        self.cached_fleet().await
    }

    /// Every machine's history at the current audit head.
    pub async fn fleet_histories(&self) -> Result<Arc<FleetHistories>> {
        self.cached_fleet_histories().await
    }

    /// Whether the cached snapshot and histories, brought up to date after writes by
    /// re-reading only the machines they touched, equal what the database holds: the check
    /// of that bookkeeping, for tests.
    #[doc(hidden)]
    pub async fn fleet_cache_matches_db(&self) -> Result<bool> {
        let (snapshot, histories) = (self.fleet_snapshot().await?, self.fleet_histories().await?);
        Ok(*snapshot == self.fleet_snapshot_from_db().await? && *histories == self.fleet_histories_from_db().await?)
    }

    pub(crate) async fn fleet_snapshot_from_db(&self) -> Result<FleetSnapshot> {
        let mut snap = FleetSnapshot::default();
        let models: Vec<(String,)> = sqlx::query_as("SELECT body FROM fleet_models").fetch_all(&self.pool).await?;
        for (body,) in models {
            let model: Model = unjson("model", &body)?;
            snap.models.insert(model.id, model);
        }
        let regimes: Vec<(String,)> =
            sqlx::query_as("SELECT body FROM fleet_regimes ORDER BY id").fetch_all(&self.pool).await?;
        snap.regimes = regimes.iter().map(|(b,)| unjson("regime", b)).collect::<Result<_>>()?;
        let rows: Vec<MachineRow> = sqlx::query_as("SELECT body, due_state, off_books, version FROM fleet_machines")
            .fetch_all(&self.pool)
            .await?;
        let mut machines = Vec::with_capacity(rows.len());
        for row in rows {
            machines.push(stored_machine(&snap.models, row)?);
        }
        snap.set_machines(machines);
        let meters: Vec<MeterNowRow> =
            sqlx::query_as("SELECT machine_id, kind, value, read_on, per_day FROM fleet_meter_now")
                .fetch_all(&self.pool)
                .await?;
        snap.add_meters(meters)?;
        let open: Vec<(String, i64)> = sqlx::query_as(&format!(
            "SELECT machine_id, COUNT(*) FROM fleet_work_orders WHERE status IN ({OPEN_STATUSES}) GROUP BY machine_id"
        ))
        .fetch_all(&self.pool)
        .await?;
        snap.add_open_orders(open)?;
        Ok(snap)
    }

    /// `old` with the rows of `touched` machines read again: what a write since `old` was read
    /// can have changed of them (register entry, meters now, open orders). The catalog comes
    /// with `old`: a catalog change touches the whole fleet, which reads everything afresh.
    pub(crate) async fn fleet_snapshot_refreshed(
        &self,
        old: &FleetSnapshot,
        touched: &[MachineId],
    ) -> Result<FleetSnapshot> {
        let mut snap = old.clone();
        let mut fresh = Vec::new();
        let mut meters = Vec::new();
        let mut open = Vec::new();
        for chunk in touched.chunks(ID_LIST) {
            let ids: Vec<String> = chunk.iter().map(MachineId::to_string).collect();
            let list = id_list(1, ids.len());
            let rows: Vec<MachineRow> = bind_all(
                sqlx::query_as(&format!(
                    "SELECT body, due_state, off_books, version FROM fleet_machines WHERE id IN ({list})"
                )),
                &ids,
            )
            .fetch_all(&self.pool)
            .await?;
            for row in rows {
                fresh.push(stored_machine(&snap.models, row)?);
            }
            meters.extend(
                bind_all(
                    sqlx::query_as(&format!(
                        "SELECT machine_id, kind, value, read_on, per_day FROM fleet_meter_now WHERE machine_id IN ({list})"
                    )),
                    &ids,
                )
                .fetch_all(&self.pool)
                .await?,
            );
            open.extend(
                bind_all(
                    sqlx::query_as(&format!(
                        "SELECT machine_id, COUNT(*) FROM fleet_work_orders WHERE status IN ({OPEN_STATUSES}) \
                         AND machine_id IN ({list}) GROUP BY machine_id"
                    )),
                    &ids,
                )
                .fetch_all(&self.pool)
                .await?,
            );
        }
        for id in touched {
            snap.meters.remove(id);
            snap.open_orders.remove(id);
        }
        // A machine already listed keeps its place (brand, model and id do not change); a new
        // one makes the list sorted and indexed again.
        let mut added = Vec::new();
        for m in fresh {
            match snap.index.get(&m.machine.id) {
                Some(&i) => snap.machines[i] = m,
                None => added.push(m),
            }
        }
        if !added.is_empty() {
            let mut machines = std::mem::take(&mut snap.machines);
            machines.extend(added);
            snap.set_machines(machines);
        }
        snap.add_meters(meters)?;
        snap.add_open_orders(open)?;
        Ok(snap)
    }

    pub(crate) async fn fleet_histories_from_db(&self) -> Result<FleetHistories> {
        let rows: Vec<(String, String)> =
            sqlx::query_as("SELECT machine_id, body FROM fleet_histories").fetch_all(&self.pool).await?;
        // Some 170 MB of JSON at 10,000 machines: parsed off the async workers, on every core.
        let by_machine = tokio::task::spawn_blocking(move || parse_histories(&rows))
            .await
            .map_err(|e| StoreError::Corrupt(format!("reading fleet histories: {e}")))??;
        Ok(FleetHistories { by_machine })
    }

    /// `old` with the histories of `touched` machines read again.
    pub(crate) async fn fleet_histories_refreshed(
        &self,
        old: &FleetHistories,
        touched: &[MachineId],
    ) -> Result<FleetHistories> {
        let mut histories = old.clone();
        for chunk in touched.chunks(ID_LIST) {
            let ids: Vec<String> = chunk.iter().map(MachineId::to_string).collect();
            let sql =
                format!("SELECT machine_id, body FROM fleet_histories WHERE machine_id IN ({})", id_list(1, ids.len()));
            let rows: Vec<(String, String)> = bind_all(sqlx::query_as(&sql), &ids).fetch_all(&self.pool).await?;
            for (machine, body) in rows {
                let id = MachineId::from_str(&machine).map_err(corrupt("machine id"))?;
                histories.by_machine.insert(id, Arc::new(unjson::<HistoryData>("history", &body)?));
            }
        }
        Ok(histories)
    }

    /// The readiness figures over `range` grouped `by`, of the machines `visible` lets through,
    /// with the fleet total. Computed by `accord_domain::fleet::kpi::aggregate`.
    pub async fn fleet_kpi(
        &self,
        range: DateRange,
        by: GroupBy,
        visible: impl Fn(&Machine) -> bool,
    ) -> Result<KpiTable> {
        let snap = self.fleet_snapshot().await?;
        let histories = self.fleet_histories().await?;
        let empty = HistoryData::default();
        let inputs: Vec<MachineHistory<'_>> = snap
            .machines
            .iter()
            .filter(|m| visible(&m.machine))
            .filter_map(|m| history_input(m, histories.by_machine.get(&m.machine.id).map_or(&empty, |h| &**h)))
            .collect();
        let rows = aggregate(&inputs, range, by);
        let total = aggregate(&inputs, range, GroupBy::Fleet).into_iter().next();
        Ok(KpiTable { range_from: range.from(), range_to: range.to(), rows, total })
    }

    /// The service centre's figures of `quarter` over the whole fleet: КТГ, КВ, MTBF, MTTR, the
    /// on-time share of preventive services (from `accord_domain::fleet::kpi`, the same
    /// formulas as the figures page), and the work orders still open at the quarter's end.
    /// For the quarterly agenda and briefing pack.
    pub async fn fleet_quarter_figures(&self, quarter: Quarter) -> Result<QuarterFigures> {
        let first = quarter.first_day();
        let last = quarter.last_day();
        let range = DateRange::inclusive(first, last)
            .map_err(|e| refused(e.key(), e.field(), quarter.to_string(), quarter.to_string(), e))?;
        let table = self.fleet_kpi(range, GroupBy::Fleet, |_| true).await?;
        let kpi: Kpi = table.total.as_ref().map(|r| r.kpi).unwrap_or_default();
        let machines = table.total.as_ref().map_or(0, |r| r.sums.machines);
        let end = format!("{}T23:59:59", last.format("%Y-%m-%d"));
        // Open at the end of the quarter: opened by then and not finished by then.
        let (open,): (i64,) = sqlx::query_as(
            "SELECT COUNT(*) FROM fleet_work_orders WHERE opened_at <= $1 AND (finished_at IS NULL OR finished_at > $1)",
        )
        .bind(&end)
        .fetch_one(&self.pool)
        .await?;
        Ok(QuarterFigures {
            quarter: quarter.to_string(),
            machines,
            ktg: kpi.ktg,
            kv: kpi.kv,
            mtbf: kpi.mtbf,
            mttr: kpi.mttr,
            on_time: kpi.preventive_on_time,
            open_work_orders: open as u64,
        })
    }

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

    /// A machine's history (for its page's figures).
    pub async fn fleet_history(&self, machine: MachineId) -> Result<HistoryData> {
        let row: Option<(String,)> = sqlx::query_as("SELECT body FROM fleet_histories WHERE machine_id = $1")
            .bind(machine.to_string())
            .fetch_optional(&self.pool)
            .await?;
        row.map_or(Ok(HistoryData::default()), |(b,)| unjson("history", &b))
    }

    // ---------------------------------------------------------------- register

    /// Saves models and their regimes (replacing stored ones with the same id).
    pub async fn fleet_catalog_save(&self, author: Author<'_>, models: &[Model], regimes: &[Regime]) -> Result<()> {
        let mut w = self.begin_write(author).await?;
        save_catalog(&mut w, models, regimes).await?;
        w.commit().await
    }

    /// Replaces a stored regime by its revision, in one transaction with its audit entry
    /// (before and after). The revision keeps the regime's id, model and engine; regimes carry
    /// no version, so the last save wins (the audit log keeps every earlier state).
    pub async fn fleet_regime_update(&self, author: Author<'_>, regime: &Regime) -> Result<()> {
        let mut w = self.begin_write(author).await?;
        let row: Option<(String,)> = sqlx::query_as("SELECT body FROM fleet_regimes WHERE id = $1")
            .bind(regime.id().to_string())
            .fetch_optional(&mut *w.tx)
            .await?;
        let (body,) = row.ok_or(StoreError::NotFound { entity: "regime" })?;
        let before: Regime = unjson("regime", &body)?;
        if before.model() != regime.model() || before.engine() != regime.engine() {
            return Err(refused(
                "fleet.error.regime_model_changed",
                "model",
                regime.id(),
                regime.model(),
                "a regime stays with its model and engine",
            ));
        }
        let parts: HashSet<&PartNumber> =
            regime.contents().iter().flat_map(|c| c.parts.iter().map(|n| &n.part)).collect();
        for part in parts {
            require_part(&mut w, part, "parts", regime.id()).await?;
        }
        w.touch_fleet();
        sqlx::query("UPDATE fleet_regimes SET body = $1 WHERE id = $2")
            .bind(json(regime)?)
            .bind(regime.id().to_string())
            .execute(&mut *w.tx)
            .await?;
        w.audit(Change::update("fleet_regime", regime.id(), &before, regime)).await?;
        w.commit().await
    }

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
        let mut w = self.begin_write(author).await?;
        if let Some(f) = file
            && seen(&mut w, f).await?
        {
            return Ok(FleetImportOutcome { unchanged: true, inserted: 0 });
        }
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
                let other = taken(&mut w, "vin", vin.as_str(), m.id).await?.or(vins.get(vin.as_str()).copied());
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
                let other =
                    taken(&mut w, "serial", serial.as_str(), m.id).await?.or(serials.get(serial.as_str()).copied());
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
            insert_machine(&mut w, m, None, &due).await?;
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
        finish_import(w, file).await?;
        Ok(FleetImportOutcome { unchanged: false, inserted })
    }

    /// Changes what a machine's register entry says of its use: status, district,
    /// commissioning date, correction factors. `version` (when given) must be the stored one,
    /// else nothing is written (409). Decommissioning takes the machine off the books on
    /// `today`; returning it to service puts it back on.
    pub async fn fleet_machine_update(
        &self,
        author: Author<'_>,
        machine: &Machine,
        version: Option<i64>,
        today: NaiveDate,
    ) -> Result<StoredMachine> {
        check_machine(machine, today)
            .map_err(|e| refused(e.key(), e.field(), machine.id, field_value(machine, e.field()), &e))?;
        let mut w = self.begin_write(author).await?;
        let row: Option<(String, Option<String>, i64)> =
            sqlx::query_as("SELECT body, off_books, version FROM fleet_machines WHERE id = $1")
                .bind(machine.id.to_string())
                .fetch_optional(&mut *w.tx)
                .await?;
        let (body, off_books, current) = row.ok_or(StoreError::NotFound { entity: "machine" })?;
        if version.is_some_and(|v| v != current) {
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
            (false, None) if machine.status == accord_domain::fleet::machine::MachineStatus::Decommissioned => {
                Some(today)
            }
            (false, None) => None,
        };
        w.touch_machine(machine.id);
        sqlx::query(
            "UPDATE fleet_machines SET status = $1, commissioned_on = $2, district = $3, body = $4, off_books = $5, \
             version = version + 1, updated_at = $6 WHERE id = $7",
        )
        .bind(code(&machine.status))
        .bind(machine.commissioned_on.map(|d| d.to_string()))
        .bind(&machine.district.0)
        .bind(json(machine)?)
        .bind(off_books.map(|d| d.to_string()))
        .bind(w.now_text())
        .bind(machine.id.to_string())
        .execute(&mut *w.tx)
        .await?;
        w.audit(Change::update("fleet_machine", machine.id, &before, machine)).await?;
        w.commit().await?;
        let snap = self.fleet_snapshot().await?;
        snap.machine(machine.id).cloned().ok_or(StoreError::NotFound { entity: "machine" })
    }

    // ---------------------------------------------------------------- meters

    /// Adds readings, all or none: each is checked against its meter's series (never lower
    /// than the last valid reading of the same meter, never above a later one).
    pub async fn fleet_readings_add(
        &self,
        author: Author<'_>,
        readings: &[NewReading],
        file: Option<&FleetFile>,
    ) -> Result<FleetImportOutcome> {
        let mut w = self.begin_write(author).await?;
        if let Some(f) = file
            && seen(&mut w, f).await?
        {
            return Ok(FleetImportOutcome { unchanged: true, inserted: 0 });
        }
        let mut by_machine: BTreeMap<MachineId, Vec<&NewReading>> = BTreeMap::new();
        for r in readings {
            by_machine.entry(r.machine).or_default().push(r);
        }
        let mut rows: Vec<(MeterReadingId, MachineId, MeterKind, i64, NaiveDate, i64)> = Vec::new();
        for (machine, mut list) in by_machine {
            list.sort_by_key(|r| r.date);
            let mut series = load_series(&mut w.tx, machine, None).await?;
            if series.is_empty() {
                require_machine(&mut w, machine).await?;
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
            refresh_meter_now(&mut w, machine, &series).await?;
        }
        insert_readings(&mut w, &rows).await?;
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
        finish_import(w, file).await?;
        Ok(FleetImportOutcome { unchanged: false, inserted })
    }

    /// Voids a reading, keeping it in the history with the reason.
    pub async fn fleet_reading_void(
        &self,
        author: Author<'_>,
        reading: MeterReadingId,
        reason: VoidReason,
    ) -> Result<()> {
        let mut w = self.begin_write(author).await?;
        let row: Option<(String, i64)> = sqlx::query_as("SELECT machine_id, kind FROM fleet_readings WHERE id = $1")
            .bind(reading.to_string())
            .fetch_optional(&mut *w.tx)
            .await?;
        let (machine, kind) = row.ok_or(StoreError::NotFound { entity: "reading" })?;
        let machine = MachineId::from_str(&machine).map_err(corrupt("machine id"))?;
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
        refresh_meter_now(&mut w, machine, &series).await?;
        w.audit(Change::update(
            "fleet_reading",
            reading,
            &serde_json::json!({ "voided": null }),
            &serde_json::json!({ "voided": reason }),
        ))
        .await?;
        w.commit().await
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

    // ---------------------------------------------------------------- assemblies

    /// Registers an assembly in the exchange pool (its serial not taken by another), fitted
    /// to `install_on` on the given day if given.
    pub async fn fleet_assembly_add(
        &self,
        author: Author<'_>,
        assembly: &Assembly,
        install_on: Option<(MachineId, NaiveDate)>,
    ) -> Result<()> {
        let mut w = self.begin_write(author).await?;
        let mut pool = pool_in(&mut w.tx).await?;
        pool.add(assembly.clone()).map_err(|e| refused(e.key(), "serial", assembly.id, &assembly.serial, &e))?;
        let now = w.now_text();
        sqlx::query("INSERT INTO fleet_assemblies (id, kind, serial, body, created_at) VALUES ($1, $2, $3, $4, $5)")
            .bind(assembly.id.to_string())
            .bind(code(&assembly.kind))
            .bind(assembly.serial.as_str())
            .bind(json(assembly)?)
            .bind(now)
            .execute(&mut *w.tx)
            .await?;
        w.audit(Change::create("fleet_assembly", assembly.id, assembly)).await?;
        if let Some((machine, date)) = install_on {
            assembly_event(&mut w, &mut pool, assembly, machine, date, AssemblyEventKind::Installed).await?;
        }
        w.commit().await
    }

    /// Moves an assembly: removed from the machine it is on into the pool (`remove_on`), and/or
    /// fitted to `install_on` from the pool, in one transaction. Each event carries the
    /// machine's current cumulative value of the assembly's meter, so the usage goes with it.
    pub async fn fleet_assembly_move(
        &self,
        author: Author<'_>,
        assembly: AssemblyId,
        remove_on: Option<NaiveDate>,
        install_on: Option<(MachineId, NaiveDate)>,
    ) -> Result<AssemblyRow> {
        let mut w = self.begin_write(author).await?;
        let mut pool = pool_in(&mut w.tx).await?;
        let body: Option<(String,)> = sqlx::query_as("SELECT body FROM fleet_assemblies WHERE id = $1")
            .bind(assembly.to_string())
            .fetch_optional(&mut *w.tx)
            .await?;
        let a: Assembly = unjson("assembly", &body.ok_or(StoreError::NotFound { entity: "assembly" })?.0)?;
        if let Some(date) = remove_on {
            let at = pool.location(assembly).map_err(|e| refused(e.key(), "assembly", assembly, &a.serial, &e))?;
            let Some(at) = at else {
                return Err(refused(
                    "fleet.error.assembly_not_installed",
                    "assembly",
                    assembly,
                    &a.serial,
                    format!("assembly {} is on the shelf", a.serial),
                ));
            };
            assembly_event(&mut w, &mut pool, &a, at.machine, date, AssemblyEventKind::Removed).await?;
        }
        if let Some((machine, date)) = install_on {
            assembly_event(&mut w, &mut pool, &a, machine, date, AssemblyEventKind::Installed).await?;
        }
        let installed = pool.location(assembly).map_err(|e| refused(e.key(), "assembly", assembly, &a.serial, &e))?;
        let current = match installed {
            Some(at) => Some(machine_meter(&mut w, at.machine, &a).await?),
            None => None,
        };
        let usage = pool.usage(assembly, current).map_err(|e| refused(e.key(), "assembly", assembly, &a.serial, &e))?;
        w.commit().await?;
        Ok(AssemblyRow { assembly: a, installed, usage })
    }

    /// Every assembly with where it is and its usage (installed ones to their machine's
    /// current meter value).
    pub async fn fleet_assemblies(&self) -> Result<Vec<AssemblyRow>> {
        let mut conn = self.pool.acquire().await?;
        let pool = pool_in(&mut conn).await?;
        let snap = self.fleet_snapshot().await?;
        let bodies: Vec<(String,)> =
            sqlx::query_as("SELECT body FROM fleet_assemblies ORDER BY kind, serial").fetch_all(&mut *conn).await?;
        bodies
            .iter()
            .map(|(b,)| {
                let a: Assembly = unjson("assembly", b)?;
                let installed = pool.location(a.id).map_err(corrupt("assembly"))?;
                let current = installed.and_then(|at| snap.meters.get(&at.machine)?.get(a.meter)).map(|s| s.value);
                let usage = pool.usage(a.id, current).map_err(corrupt("assembly"))?;
                Ok(AssemblyRow { assembly: a, installed, usage })
            })
            .collect()
    }

    /// Installs and removals on a machine, latest first.
    pub async fn fleet_assembly_history(&self, machine: MachineId) -> Result<Vec<AssemblyEventRow>> {
        let rows: Vec<(String, String, String, String, String, i64)> = sqlx::query_as(
            "SELECT e.assembly_id, a.serial, a.kind, e.kind, e.on_date, e.machine_meter FROM fleet_assembly_events e \
             JOIN fleet_assemblies a ON a.id = e.assembly_id WHERE e.machine_id = $1 ORDER BY e.on_date DESC, e.seq DESC",
        )
        .bind(machine.to_string())
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter()
            .map(|(id, serial, kind, event, on, meter)| {
                Ok(AssemblyEventRow {
                    assembly: AssemblyId::from_str(&id).map_err(corrupt("assembly id"))?,
                    serial,
                    kind: unjson("assembly kind", &format!("\"{kind}\""))?,
                    machine,
                    event: unjson("assembly event", &format!("\"{event}\""))?,
                    date: date(&on)?,
                    machine_meter: meter,
                })
            })
            .collect()
    }

    // ---------------------------------------------------------------- warranties

    /// Records a warranty on a machine or a part of it: the last day not before the first,
    /// a meter limit above zero on a meter the machine has, a part in the catalogue. Work and
    /// part lines are flagged against it when an order is opened or changed.
    pub async fn fleet_warranty_add(&self, author: Author<'_>, warranty: &Warranty, note: &str) -> Result<()> {
        let machine = warranty.machine;
        if let Some(until) = warranty.until
            && until < warranty.from
        {
            return Err(refused(
                "fleet.error.warranty_dates",
                "until",
                machine,
                until,
                format!("warranty of machine {machine}: last day {until} before the first {}", warranty.from),
            ));
        }
        let mut w = self.begin_write(author).await?;
        require_machine(&mut w, machine).await?;
        if let Some(limit) = warranty.meter_limit {
            if limit.up_to <= 0 {
                return Err(refused(
                    "fleet.error.warranty_meter",
                    "up_to",
                    machine,
                    limit.up_to,
                    format!("warranty of machine {machine}: meter limit {} is not above zero", limit.up_to),
                ));
            }
            let meter: Option<(i64,)> =
                sqlx::query_as("SELECT kind FROM fleet_meters WHERE machine_id = $1 AND kind = $2")
                    .bind(machine.to_string())
                    .bind(kind_code(limit.kind))
                    .fetch_optional(&mut *w.tx)
                    .await?;
            if meter.is_none() {
                return Err(refused(
                    "fleet.error.no_meter",
                    "meter",
                    machine,
                    limit.kind.key(),
                    format!("machine {machine} has no meter {}", limit.kind.key()),
                ));
            }
        }
        let part = match &warranty.scope {
            WarrantyScope::Machine => None,
            WarrantyScope::Part(p) => {
                require_part(&mut w, p, "part", machine).await?;
                Some(p.as_str().to_string())
            }
        };
        let now = w.now_text();
        sqlx::query(
            "INSERT INTO fleet_warranties (id, machine_id, part, from_date, until_date, meter_kind, meter_up_to, note, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(warranty.id.to_string())
        .bind(machine.to_string())
        .bind(part)
        .bind(warranty.from.to_string())
        .bind(warranty.until.map(|d| d.to_string()))
        .bind(warranty.meter_limit.map(|l| kind_code(l.kind)))
        .bind(warranty.meter_limit.map(|l| l.up_to))
        .bind(note.trim())
        .bind(now)
        .execute(&mut *w.tx)
        .await?;
        w.audit(Change::create("fleet_warranty", warranty.id, warranty)).await?;
        w.commit().await
    }

    /// A machine's warranties, latest start first.
    pub async fn fleet_warranties(&self, machine: MachineId) -> Result<Vec<WarrantyRow>> {
        let mut conn = self.pool.acquire().await?;
        warranty_rows(&mut conn, machine).await
    }

    // ---------------------------------------------------------------- work orders

    /// Opens work orders (checked by the domain: times in order), all or none.
    pub async fn fleet_work_orders_create(
        &self,
        author: Author<'_>,
        orders: &[WorkOrder],
        file: Option<&FleetFile>,
    ) -> Result<(FleetImportOutcome, Vec<i64>)> {
        let mut w = self.begin_write(author).await?;
        if let Some(f) = file
            && seen(&mut w, f).await?
        {
            return Ok((FleetImportOutcome { unchanged: true, inserted: 0 }, Vec::new()));
        }
        let numbers = create_orders(&mut w, orders).await?;
        finish_import(w, file).await?;
        Ok((FleetImportOutcome { unchanged: false, inserted: orders.len() as u64 }, numbers))
    }

    /// Opens a preventive work order for each machine whose next service is due by
    /// `horizon`, with the service's operations as work lines. Returns the order numbers.
    pub async fn fleet_create_preventive(
        &self,
        author: Author<'_>,
        machines: &[MachineId],
        today: NaiveDate,
        at: NaiveDateTime,
    ) -> Result<Vec<i64>> {
        let snap = self.fleet_snapshot().await?;
        let wanted: HashSet<MachineId> = machines.iter().copied().collect();
        let due = snap.due_list(today, |m| wanted.contains(&m.id));
        let mut orders = Vec::new();
        for d in due {
            let Some(m) = snap.machine(d.machine) else { continue };
            let meters = snap.meters.get(&d.machine).copied().unwrap_or_default().snapshot();
            let mut o = WorkOrder::new(WorkOrderId(new_uuid()), d.machine, WorkOrderKind::Preventive, at, meters);
            o.service = Some(d.kind);
            if let Some(content) = snap.regime_of(&m.machine).and_then(|r| r.content(d.kind)) {
                for op in &content.operations {
                    let line = WorkLine {
                        operation: op.code.clone(),
                        standard_hours: op.standard_hours,
                        actual_hours: None,
                        technician: None,
                        part: None,
                        warranty: None,
                    };
                    o.add_work(line).map_err(|e| refused(e.key(), "work", d.machine, &op.code, &e))?;
                }
            }
            let needs: Vec<(PartNumber, u32)> = snap
                .regime_of(&m.machine)
                .and_then(|r| r.content(d.kind))
                .map(|c| c.parts.iter().map(|p| (p.part.clone(), p.qty)).collect())
                .unwrap_or_default();
            orders.push((o, needs));
        }
        let list: Vec<WorkOrder> = orders.iter().map(|(o, _)| o.clone()).collect();
        let mut w = self.begin_write(author).await?;
        let numbers = create_orders(&mut w, &list).await?;
        for (o, needs) in &orders {
            reserve(&mut w, o.id, needs).await?;
        }
        w.commit().await?;
        Ok(numbers)
    }

    /// Reservations of work orders (of one order, or all), by part.
    pub async fn fleet_reservations(&self, order: Option<WorkOrderId>) -> Result<Vec<ReservationRow>> {
        let rows: Vec<(String, String, String, String, i64)> = sqlx::query_as(
            "SELECT work_order_id, warehouse_id, bin, part, qty FROM fleet_reservations WHERE ($1 = '' OR work_order_id = $1) ORDER BY part, created_at, id",
        )
        .bind(order.map(|o| o.to_string()).unwrap_or_default())
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter()
            .map(|(o, wh, bin, part, qty)| {
                Ok(ReservationRow {
                    work_order: WorkOrderId::from_str(&o).map_err(corrupt("work order id"))?,
                    warehouse: WarehouseId::from_str(&wh).map_err(corrupt("warehouse id"))?,
                    bin,
                    part,
                    qty,
                })
            })
            .collect()
    }

    /// Records a shipment from a supplier on its way to a bin: counted as in transit (on the
    /// parts page and by the suggested order list) until it is received.
    pub async fn fleet_shipment_add(&self, author: Author<'_>, s: &NewShipment) -> Result<ShipmentId> {
        if s.qty == 0 {
            return Err(refused("fleet.error.qty_zero", "qty", &s.part, s.qty, "quantity must be positive"));
        }
        if s.expected_on < s.shipped_on {
            return Err(refused(
                "fleet.error.shipment_dates",
                "expected_on",
                &s.part,
                s.expected_on,
                format!("part {}: expected {} before shipped {}", s.part, s.expected_on, s.shipped_on),
            ));
        }
        let mut w = self.begin_write(author).await?;
        require_part(&mut w, &s.part, "part", &s.part).await?;
        let warehouse: Option<(String,)> = sqlx::query_as("SELECT id FROM fleet_warehouses WHERE id = $1")
            .bind(s.warehouse.to_string())
            .fetch_optional(&mut *w.tx)
            .await?;
        if warehouse.is_none() {
            return Err(refused(
                "fleet.error.unknown_warehouse",
                "warehouse",
                &s.part,
                s.warehouse,
                "no such warehouse",
            ));
        }
        let id = ShipmentId(new_uuid());
        let now = w.now_text();
        sqlx::query(
            "INSERT INTO fleet_shipments (id, supplier_id, reference, warehouse_id, bin, part, qty, shipped_on, expected_on, received_on, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, NULL, $10)",
        )
        .bind(id.0.to_string())
        .bind(s.supplier.map(|o| o.to_string()))
        .bind(s.reference.trim())
        .bind(s.warehouse.to_string())
        .bind(s.bin.trim())
        .bind(s.part.as_str())
        .bind(i64::from(s.qty))
        .bind(s.shipped_on.to_string())
        .bind(s.expected_on.to_string())
        .bind(now)
        .execute(&mut *w.tx)
        .await?;
        sqlx::query(
            "INSERT INTO fleet_stock (warehouse_id, bin, part, qty, in_transit) VALUES ($1, $2, $3, 0, $4) \
             ON CONFLICT (warehouse_id, bin, part) DO UPDATE SET in_transit = fleet_stock.in_transit + $4",
        )
        .bind(s.warehouse.to_string())
        .bind(s.bin.trim())
        .bind(s.part.as_str())
        .bind(i64::from(s.qty))
        .execute(&mut *w.tx)
        .await?;
        let after = serde_json::json!({
            "supplier": s.supplier, "reference": s.reference, "warehouse": s.warehouse, "bin": s.bin,
            "part": s.part, "qty": s.qty, "shipped_on": s.shipped_on, "expected_on": s.expected_on,
        });
        w.audit(Change::create("fleet_shipment", id.0, &after)).await?;
        w.commit().await?;
        Ok(id)
    }

    /// Receives a shipment in transit: it leaves the in-transit count and becomes a receipt
    /// movement into its bin. A shipment is received once.
    pub async fn fleet_shipment_receive(&self, author: Author<'_>, id: ShipmentId, on: NaiveDate) -> Result<()> {
        let mut w = self.begin_write(author).await?;
        let row: Option<(String, String, String, i64, Option<String>)> =
            sqlx::query_as("SELECT warehouse_id, bin, part, qty, received_on FROM fleet_shipments WHERE id = $1")
                .bind(id.0.to_string())
                .fetch_optional(&mut *w.tx)
                .await?;
        let (warehouse, bin, part, qty, received) = row.ok_or(StoreError::NotFound { entity: "shipment" })?;
        let part = PartNumber::parse(&part).map_err(corrupt("part"))?;
        if let Some(on) = received {
            return Err(refused(
                "fleet.error.shipment_received",
                "shipment",
                &part,
                &on,
                format!("shipment of {part} was received on {on}"),
            ));
        }
        // The condition makes a second, concurrent receipt of the same shipment a no-op.
        let done = sqlx::query("UPDATE fleet_shipments SET received_on = $1 WHERE id = $2 AND received_on IS NULL")
            .bind(on.to_string())
            .bind(id.0.to_string())
            .execute(&mut *w.tx)
            .await?;
        if done.rows_affected() == 0 {
            return Err(refused("fleet.error.shipment_received", "shipment", &part, on, "already received"));
        }
        let warehouse = WarehouseId::from_str(&warehouse).map_err(corrupt("warehouse id"))?;
        sqlx::query(
            "UPDATE fleet_stock SET in_transit = in_transit - $1 WHERE warehouse_id = $2 AND bin = $3 AND part = $4",
        )
        .bind(qty)
        .bind(warehouse.to_string())
        .bind(&bin)
        .bind(part.as_str())
        .execute(&mut *w.tx)
        .await?;
        receive(&mut w, warehouse, &bin, &part, qty, on).await?;
        w.audit(Change::update(
            "fleet_shipment",
            id.0,
            &serde_json::json!({ "received_on": null }),
            &serde_json::json!({ "received_on": on }),
        ))
        .await?;
        w.commit().await
    }

    /// Shipments, those in transit first (by expected day), then the latest received.
    pub async fn fleet_shipments(&self, limit: i64) -> Result<Vec<ShipmentRow>> {
        type Row =
            (String, Option<String>, String, String, String, String, String, i64, String, String, Option<String>);
        let rows: Vec<Row> = sqlx::query_as(&format!(
            "SELECT s.id, s.supplier_id, s.reference, s.warehouse_id, w.name, s.bin, s.part, s.qty, s.shipped_on, s.expected_on, s.received_on \
             FROM fleet_shipments s JOIN fleet_warehouses w ON w.id = s.warehouse_id \
             ORDER BY CASE WHEN s.received_on IS NULL THEN 0 ELSE 1 END, s.expected_on, s.id LIMIT {}",
            limit.clamp(1, 1000)
        ))
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter()
            .map(|(id, supplier, reference, wid, wname, bin, part, qty, shipped, expected, received)| {
                Ok(ShipmentRow {
                    id: ShipmentId(uuid::Uuid::from_str(&id).map_err(corrupt("shipment id"))?),
                    supplier: supplier.as_deref().map(OrganisationId::from_str).transpose().map_err(corrupt("org"))?,
                    reference,
                    warehouse: WarehouseId::from_str(&wid).map_err(corrupt("warehouse id"))?,
                    warehouse_name: wname,
                    bin,
                    part,
                    qty,
                    shipped_on: date(&shipped)?,
                    expected_on: date(&expected)?,
                    received_on: received.as_deref().map(date).transpose()?,
                })
            })
            .collect()
    }

    pub async fn fleet_work_order(&self, id: WorkOrderId) -> Result<StoredWorkOrder> {
        let row: Option<(i64, String, i64)> =
            sqlx::query_as("SELECT number, body, version FROM fleet_work_orders WHERE id = $1")
                .bind(id.to_string())
                .fetch_optional(&self.pool)
                .await?;
        let (number, body, version) = row.ok_or(StoreError::NotFound { entity: "work order" })?;
        Ok(StoredWorkOrder { number, order: unjson("work order", &body)?, version })
    }

    /// Work orders, latest first.
    pub async fn fleet_work_orders(
        &self,
        filter: &WorkOrderFilter,
        paging: crate::Paging,
    ) -> Result<crate::Page<WorkOrderRow>> {
        let mut wh = vec!["1 = 1".to_string()];
        let mut binds: Vec<String> = Vec::new();
        if let Some(m) = filter.machine {
            binds.push(m.to_string());
            wh.push(format!("w.machine_id = ${}", binds.len()));
        }
        if filter.open_only {
            wh.push(format!("w.status IN ({OPEN_STATUSES})"));
        }
        if let Some(owners) = &filter.owners {
            if owners.is_empty() {
                wh.push("1 = 0".into());
            } else {
                let mut marks = Vec::new();
                for o in owners {
                    binds.push(o.to_string());
                    marks.push(format!("${}", binds.len()));
                }
                wh.push(format!("m.owner_id IN ({})", marks.join(", ")));
            }
        }
        let from =
            format!("FROM fleet_work_orders w JOIN fleet_machines m ON m.id = w.machine_id WHERE {}", wh.join(" AND "));
        let count_sql = format!("SELECT COUNT(*) {from}");
        let mut count = sqlx::query_as::<_, (i64,)>(&count_sql);
        for b in &binds {
            count = count.bind(b);
        }
        let (total,) = count.fetch_one(&self.pool).await?;
        let sql = format!(
            "SELECT w.id, w.number, w.machine_id, w.kind, w.status, w.opened_at, w.finished_at {from} ORDER BY w.number DESC LIMIT {} OFFSET {}",
            paging.per_page,
            paging.offset()
        );
        let mut q = sqlx::query_as::<_, (String, i64, String, String, String, String, Option<String>)>(&sql);
        for b in &binds {
            q = q.bind(b);
        }
        let rows = q.fetch_all(&self.pool).await?;
        let parse_at = |t: &str| NaiveDateTime::parse_from_str(t, "%Y-%m-%dT%H:%M:%S").map_err(corrupt("time"));
        let items = rows
            .into_iter()
            .map(|(id, number, machine, kind, status, opened, finished)| {
                Ok(WorkOrderRow {
                    id: WorkOrderId::from_str(&id).map_err(corrupt("id"))?,
                    number,
                    machine: MachineId::from_str(&machine).map_err(corrupt("id"))?,
                    kind: unjson("kind", &format!("\"{kind}\""))?,
                    status: unjson("status", &status_json(&status))?,
                    opened_at: parse_at(&opened)?,
                    finished_at: finished.as_deref().map(parse_at).transpose()?,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(crate::Page { items, total, page: paging.page, per_page: paging.per_page })
    }

    /// Moves a work order on (the domain's status machine); on close, the machine's history
    /// (downtime, failure, service, cost) and, for a preventive order, its cycle mark follow.
    pub async fn fleet_work_order_apply(
        &self,
        author: Author<'_>,
        id: WorkOrderId,
        action: Action,
        at: NaiveDateTime,
    ) -> Result<StoredWorkOrder> {
        self.fleet_work_order_change(author, id, |o| {
            let was = o.downtime_start;
            o.apply(action.clone(), at).map_err(|e| refused(e.key(), "status", o.machine, action.key(), &e))?;
            if matches!(action, Action::Start) && was.is_none() {
                o.downtime_start = Some(o.opened_at);
            }
            if matches!(action, Action::Finish) && o.downtime_end.is_none() {
                o.downtime_end = Some(at);
            }
            Ok(())
        })
        .await
    }

    /// Adds a work line to an order.
    pub async fn fleet_work_order_add_work(
        &self,
        author: Author<'_>,
        id: WorkOrderId,
        line: WorkLine,
    ) -> Result<StoredWorkOrder> {
        self.fleet_work_order_change(author, id, |o| {
            o.add_work(line.clone()).map_err(|e| refused(e.key(), "operation", o.machine, &line.operation, &e))
        })
        .await
    }

    async fn fleet_work_order_change(
        &self,
        author: Author<'_>,
        id: WorkOrderId,
        change: impl FnOnce(&mut WorkOrder) -> Result<()>,
    ) -> Result<StoredWorkOrder> {
        let mut w = self.begin_write(author).await?;
        let (number, before, version) = order_in(&mut w, id).await?;
        let mut order = before.clone();
        change(&mut order)?;
        flag_in(&mut w, &mut order).await?;
        update_order(&mut w, &order, version).await?;
        w.audit(Change::update("fleet_work_order", id, &before, &order)).await?;
        if order.status == WorkOrderStatus::Closed && before.status != WorkOrderStatus::Closed {
            note_closed(&mut w, &order).await?;
            // A closed order needs nothing more: its reservations go back to free stock.
            release(&mut w, id, None).await?;
        }
        w.commit().await?;
        Ok(StoredWorkOrder { number, order, version: version + 1 })
    }

    /// Issues `qty` of a part from a bin to a work order: refused inside the same transaction
    /// when the bin holds less (two technicians taking the last one: exactly one gets it). The
    /// part line is added to the order at the catalogue price.
    #[allow(clippy::too_many_arguments)]
    pub async fn fleet_issue_part(
        &self,
        author: Author<'_>,
        order: WorkOrderId,
        warehouse: WarehouseId,
        bin: &str,
        part: &PartNumber,
        qty: u32,
        on: NaiveDate,
    ) -> Result<StoredWorkOrder> {
        let mut w = self.begin_write(author).await?;
        let (number, before, version) = order_in(&mut w, order).await?;
        if qty == 0 {
            return Err(refused("fleet.error.qty_zero", "qty", part, qty, "quantity must be positive"));
        }
        let price: Option<(i64, String)> =
            sqlx::query_as("SELECT price_minor, currency FROM fleet_parts WHERE number = $1")
                .bind(part.as_str())
                .fetch_optional(&mut *w.tx)
                .await?;
        let (price_minor, currency) =
            price.ok_or_else(|| refused("fleet.error.unknown_part", "part", part, part, "no such part"))?;
        // What this order has reserved of the part is released first (it is what the issue
        // takes); the rest of the bin's reservations belong to other orders and stay.
        release(&mut w, order, Some((part, i64::from(qty), warehouse, bin))).await?;
        // The condition in the UPDATE is the rule: rows affected 0 means not enough free in the
        // bin, whatever else committed meanwhile (the CHECK on qty backs it up).
        let done = sqlx::query(
            "UPDATE fleet_stock SET qty = qty - $1 WHERE warehouse_id = $2 AND bin = $3 AND part = $4 AND qty - reserved >= $1",
        )
        .bind(i64::from(qty))
        .bind(warehouse.to_string())
        .bind(bin)
        .bind(part.as_str())
        .execute(&mut *w.tx)
        .await?;
        if done.rows_affected() == 0 {
            let have: Option<(i64,)> = sqlx::query_as(
                "SELECT qty - reserved FROM fleet_stock WHERE warehouse_id = $1 AND bin = $2 AND part = $3",
            )
            .bind(warehouse.to_string())
            .bind(bin)
            .bind(part.as_str())
            .fetch_optional(&mut *w.tx)
            .await?;
            let have = have.map_or(0, |(q,)| q.max(0));
            return Err(refused(
                "fleet.error.stock_short",
                "qty",
                part,
                qty,
                format!("part {part}: {qty} asked, {have} in bin {bin}"),
            ));
        }
        movement(&mut w, warehouse, bin, part, -i64::from(qty), "issue", Some(order), on).await?;
        let mut o = before.clone();
        let currency = Currency::parse(&currency).map_err(corrupt("currency"))?;
        o.add_part(PartLine { part: part.clone(), qty, unit_price: Money::new(price_minor, currency), warranty: None })
            .map_err(|e| refused(e.key(), "part", o.machine, part, &e))?;
        flag_in(&mut w, &mut o).await?;
        update_order(&mut w, &o, version).await?;
        w.audit(Change::update("fleet_work_order", order, &before, &o)).await?;
        w.commit().await?;
        Ok(StoredWorkOrder { number, order: o, version: version + 1 })
    }

    // ---------------------------------------------------------------- parts and stock

    /// Saves parts of the catalogue (replacing those with the same number).
    pub async fn fleet_parts_save(&self, author: Author<'_>, parts: &[PartRecord]) -> Result<()> {
        let mut w = self.begin_write(author).await?;
        insert_parts(&mut w, parts).await?;
        w.audit(Change::create("fleet_parts", parts.len(), &serde_json::json!({ "parts": parts.len() }))).await?;
        w.commit().await
    }

    pub async fn fleet_parts(&self) -> Result<Vec<PartRecord>> {
        type PartRow = (String, String, String, Option<String>, i64, String, i64, i64, Option<String>, String);
        let rows: Vec<PartRow> =
            sqlx::query_as(
                "SELECT number, brand, name, supplier_id, price_minor, currency, pack, lead_days, superseded_by, equivalents FROM fleet_parts ORDER BY number",
            )
            .fetch_all(&self.pool)
            .await?;
        rows.into_iter()
            .map(|(number, brand, name, supplier, price, currency, pack, lead, sup, eq)| {
                Ok(PartRecord {
                    number: PartNumber::parse(&number).map_err(corrupt("part"))?,
                    brand,
                    name,
                    supplier: supplier.as_deref().map(OrganisationId::from_str).transpose().map_err(corrupt("org"))?,
                    price: Money::new(price, Currency::parse(&currency).map_err(corrupt("currency"))?),
                    pack: pack as u32,
                    lead_days: lead as u32,
                    superseded_by: sup.as_deref().map(PartNumber::parse).transpose().map_err(corrupt("part"))?,
                    equivalents: unjson("equivalents", &eq)?,
                })
            })
            .collect()
    }

    /// Creates a warehouse (or returns the one of that name).
    pub async fn fleet_warehouse(&self, author: Author<'_>, name: &str) -> Result<WarehouseId> {
        let mut w = self.begin_write(author).await?;
        let row: Option<(String,)> = sqlx::query_as("SELECT id FROM fleet_warehouses WHERE name = $1")
            .bind(name)
            .fetch_optional(&mut *w.tx)
            .await?;
        if let Some((id,)) = row {
            return WarehouseId::from_str(&id).map_err(corrupt("warehouse id"));
        }
        let id = WarehouseId(new_uuid());
        sqlx::query("INSERT INTO fleet_warehouses (id, name) VALUES ($1, $2)")
            .bind(id.to_string())
            .bind(name)
            .execute(&mut *w.tx)
            .await?;
        w.audit(Change::create("fleet_warehouse", id, &serde_json::json!({ "name": name }))).await?;
        w.commit().await?;
        Ok(id)
    }

    /// Receives parts into a bin.
    pub async fn fleet_stock_receive(
        &self,
        author: Author<'_>,
        warehouse: WarehouseId,
        bin: &str,
        part: &PartNumber,
        qty: u32,
        on: NaiveDate,
    ) -> Result<()> {
        let mut w = self.begin_write(author).await?;
        receive(&mut w, warehouse, bin, part, i64::from(qty), on).await?;
        w.commit().await
    }

    /// Receives many lines in one transaction (demo, a delivery note).
    pub async fn fleet_stock_receive_many(
        &self,
        author: Author<'_>,
        warehouse: WarehouseId,
        lines: &[(String, PartNumber, u32)],
        on: NaiveDate,
    ) -> Result<()> {
        let mut w = self.begin_write(author).await?;
        for (bin, part, qty) in lines {
            receive(&mut w, warehouse, bin, part, i64::from(*qty), on).await?;
        }
        w.commit().await
    }

    pub async fn fleet_stock(&self) -> Result<Vec<StockRow>> {
        let rows: Vec<(String, String, String, String, i64, i64, i64)> = sqlx::query_as(
            "SELECT s.warehouse_id, w.name, s.bin, s.part, s.qty, s.reserved, s.in_transit FROM fleet_stock s JOIN fleet_warehouses w ON w.id = s.warehouse_id ORDER BY w.name, s.part, s.bin",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter()
            .map(|(wid, name, bin, part, qty, reserved, in_transit)| {
                Ok(StockRow {
                    warehouse: WarehouseId::from_str(&wid).map_err(corrupt("warehouse id"))?,
                    warehouse_name: name,
                    bin,
                    part,
                    qty,
                    reserved,
                    in_transit,
                })
            })
            .collect()
    }

    /// The latest movements, of one part or all.
    pub async fn fleet_movements(&self, part: Option<&str>, limit: i64) -> Result<Vec<MovementRow>> {
        type Row = (String, String, String, i64, String, Option<String>, String, Option<String>);
        let rows: Vec<Row> = sqlx::query_as(
            &format!(
                "SELECT w.name, m.bin, m.part, m.delta, m.kind, m.work_order_id, m.on_date, m.created_by FROM fleet_stock_movements m \
                 JOIN fleet_warehouses w ON w.id = m.warehouse_id WHERE ($1 = '' OR m.part = $1) ORDER BY m.on_date DESC, m.created_at DESC, m.id DESC LIMIT {}",
                limit.clamp(1, 1000)
            ),
        )
        .bind(part.unwrap_or(""))
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter()
            .map(|(warehouse, bin, part, delta, kind, order, on, by)| {
                Ok(MovementRow { warehouse, bin, part, delta, kind, work_order: order, on_date: date(&on)?, by })
            })
            .collect()
    }

    /// The suggested order list per supplier: reorder point `d·L + SS` plus what the due list
    /// plans within the lead time, safety stock `z·sqrt(L·σd² + d²·σL²)` at a 95 % service
    /// level; daily demand from the issues of the last 365 days.
    pub async fn fleet_suggested_orders(&self, today: NaiveDate) -> Result<Vec<SupplierOrder>> {
        let parts = self.fleet_parts().await?;
        let since = today.checked_sub_days(Days::new(365)).unwrap_or(today);
        let issues: Vec<(String, String, i64)> = sqlx::query_as(
            "SELECT part, on_date, CAST(SUM(-delta) AS BIGINT) FROM fleet_stock_movements WHERE kind = 'issue' AND on_date >= $1 GROUP BY part, on_date",
        )
        .bind(since.to_string())
        .fetch_all(&self.pool)
        .await?;
        let mut daily: HashMap<String, Vec<f64>> = HashMap::new();
        for (part, _, qty) in issues {
            daily.entry(part).or_default().push(qty as f64);
        }
        let stock: Vec<(String, i64, i64, i64)> = sqlx::query_as(
            "SELECT part, CAST(SUM(qty) AS BIGINT), CAST(SUM(reserved) AS BIGINT), CAST(SUM(in_transit) AS BIGINT) FROM fleet_stock GROUP BY part",
        )
        .fetch_all(&self.pool)
        .await?;
        let stock: HashMap<String, (i64, i64, i64)> = stock.into_iter().map(|(p, q, r, t)| (p, (q, r, t))).collect();
        let snap = self.fleet_snapshot().await?;
        let due = snap.due_list(today, |_| true);
        let z = z_for_service_level(0.95);
        let mut supplies = Vec::new();
        for p in &parts {
            let Some(supplier) = p.supplier else { continue };
            let until = today.checked_add_days(Days::new(u64::from(p.lead_days))).unwrap_or(today);
            let planned = planned_demand(&due, &snap.regimes, until);
            let mut samples = daily.get(p.number.as_str()).cloned().unwrap_or_default();
            samples.resize(365, 0.0);
            let (on_hand, reserved, in_transit) = stock.get(p.number.as_str()).copied().unwrap_or((0, 0, 0));
            supplies.push(PartSupply {
                part: p.number.clone(),
                supplier,
                on_hand: on_hand.max(0) as u64,
                reserved: reserved.max(0) as u64,
                in_transit: in_transit.max(0) as u64,
                planned: planned.get(&p.number).copied().unwrap_or(0),
                demand: Stats::of(samples).unwrap_or(Stats::exact(0.0)),
                lead: Stats { mean: f64::from(p.lead_days), sd: f64::from(p.lead_days) * 0.2 },
                z,
                review_days: 30,
                min_order: 1,
                pack: p.pack.max(1),
            });
        }
        Ok(suggest_orders(&supplies))
    }

    // ---------------------------------------------------------------- bulk

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

// -------------------------------------------------------------------- helpers

fn status_json(status: &str) -> String {
    // Waiting statuses are stored as `waiting:parts`.
    match status.split_once(':') {
        Some((s, reason)) => format!("{{\"{s}\":\"{reason}\"}}"),
        None => format!("\"{status}\""),
    }
}

/// A status as stored: `open`, `in_progress`, `waiting:parts`, `done`, `closed`.
pub fn status_code(status: WorkOrderStatus) -> String {
    match serde_json::to_value(status) {
        Ok(serde_json::Value::String(s)) => s,
        Ok(serde_json::Value::Object(map)) => {
            map.iter().next().map(|(k, v)| format!("{k}:{}", v.as_str().unwrap_or_default())).unwrap_or_default()
        }
        _ => String::new(),
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

/// Records the file and commits, or on a dry run rolls everything back.
async fn finish_import(mut w: WriteTx<'_>, file: Option<&FleetFile>) -> Result<()> {
    if let Some(f) = file {
        if f.dry_run {
            w.tx.rollback().await?;
            return Ok(());
        }
        record_file(&mut w, f).await?;
    }
    w.commit().await
}

async fn seen(w: &mut WriteTx<'_>, f: &FleetFile) -> Result<bool> {
    let row: Option<(String,)> = sqlx::query_as("SELECT sha256 FROM fleet_imports WHERE sha256 = $1 AND what = $2")
        .bind(&f.sha256)
        .bind(f.what)
        .fetch_optional(&mut *w.tx)
        .await?;
    Ok(row.is_some())
}

async fn record_file(w: &mut WriteTx<'_>, f: &FleetFile) -> Result<()> {
    let now = w.now_text();
    sqlx::query(
        "INSERT INTO fleet_imports (sha256, what, file_name, rows_read, imported_at) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(&f.sha256)
    .bind(f.what)
    .bind(&f.file_name)
    .bind(f.rows_read as i64)
    .bind(now)
    .execute(&mut *w.tx)
    .await?;
    w.audit(Change::create(
        "fleet_import",
        &f.sha256,
        &serde_json::json!({ "what": f.what, "file_name": f.file_name, "rows_read": f.rows_read }),
    ))
    .await
}

async fn save_catalog(w: &mut WriteTx<'_>, models: &[Model], regimes: &[Regime]) -> Result<()> {
    w.touch_fleet();
    for m in models {
        sqlx::query(
            "INSERT INTO fleet_models (id, brand, designation, kind, body) VALUES ($1, $2, $3, $4, $5) \
             ON CONFLICT (id) DO UPDATE SET brand = $2, designation = $3, kind = $4, body = $5",
        )
        .bind(m.id.to_string())
        .bind(brand_code(&m.brand))
        .bind(&m.designation)
        .bind(code(&m.kind))
        .bind(json(m)?)
        .execute(&mut *w.tx)
        .await?;
        w.audit(Change::create("fleet_model", m.id, m)).await?;
    }
    for r in regimes {
        sqlx::query(
            "INSERT INTO fleet_regimes (id, model_id, body) VALUES ($1, $2, $3) ON CONFLICT (id) DO UPDATE SET model_id = $2, body = $3",
        )
        .bind(r.id().to_string())
        .bind(r.model().to_string())
        .bind(json(r)?)
        .execute(&mut *w.tx)
        .await?;
        w.audit(Change::create("fleet_regime", r.id(), r)).await?;
    }
    Ok(())
}

async fn insert_parts(w: &mut WriteTx<'_>, parts: &[PartRecord]) -> Result<()> {
    for p in parts {
        sqlx::query(
            "INSERT INTO fleet_parts (number, brand, name, supplier_id, price_minor, currency, pack, lead_days, superseded_by, equivalents) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT (number) DO UPDATE SET brand = $2, name = $3, supplier_id = $4, \
             price_minor = $5, currency = $6, pack = $7, lead_days = $8, superseded_by = $9, equivalents = $10",
        )
        .bind(p.number.as_str())
        .bind(&p.brand)
        .bind(&p.name)
        .bind(p.supplier.map(|s| s.to_string()))
        .bind(p.price.minor)
        .bind(p.price.currency.code())
        .bind(i64::from(p.pack))
        .bind(i64::from(p.lead_days))
        .bind(p.superseded_by.as_ref().map(|s| s.as_str().to_string()))
        .bind(json(&p.equivalents)?)
        .execute(&mut *w.tx)
        .await?;
    }
    Ok(())
}

pub(crate) async fn receive(
    w: &mut WriteTx<'_>,
    warehouse: WarehouseId,
    bin: &str,
    part: &PartNumber,
    qty: i64,
    on: NaiveDate,
) -> Result<()> {
    if qty <= 0 {
        return Err(refused("fleet.error.qty_zero", "qty", part, qty, "quantity must be positive"));
    }
    sqlx::query(
        "INSERT INTO fleet_stock (warehouse_id, bin, part, qty, in_transit) VALUES ($1, $2, $3, $4, 0) \
         ON CONFLICT (warehouse_id, bin, part) DO UPDATE SET qty = fleet_stock.qty + $4",
    )
    .bind(warehouse.to_string())
    .bind(bin)
    .bind(part.as_str())
    .bind(qty)
    .execute(&mut *w.tx)
    .await?;
    movement(w, warehouse, bin, part, qty, "receipt", None, on).await
}

#[allow(clippy::too_many_arguments)]
async fn movement(
    w: &mut WriteTx<'_>,
    warehouse: WarehouseId,
    bin: &str,
    part: &PartNumber,
    delta: i64,
    kind: &str,
    order: Option<WorkOrderId>,
    on: NaiveDate,
) -> Result<()> {
    let id = new_uuid().to_string();
    let now = w.now_text();
    let by = w.author_login();
    sqlx::query(
        "INSERT INTO fleet_stock_movements (id, warehouse_id, bin, part, delta, kind, work_order_id, on_date, created_at, created_by) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(&id)
    .bind(warehouse.to_string())
    .bind(bin)
    .bind(part.as_str())
    .bind(delta)
    .bind(kind)
    .bind(order.map(|o| o.to_string()))
    .bind(on.to_string())
    .bind(now)
    .bind(by)
    .execute(&mut *w.tx)
    .await?;
    let after = serde_json::json!({ "warehouse": warehouse, "bin": bin, "part": part, "delta": delta, "kind": kind, "order": order, "on": on });
    w.audit(Change::create("fleet_stock_movement", id, &after)).await
}

/// Refuses a machine the register does not hold.
async fn require_machine(w: &mut WriteTx<'_>, machine: MachineId) -> Result<()> {
    let row: Option<(String,)> = sqlx::query_as("SELECT id FROM fleet_machines WHERE id = $1")
        .bind(machine.to_string())
        .fetch_optional(&mut *w.tx)
        .await?;
    match row {
        Some(_) => Ok(()),
        None => Err(refused("fleet.error.unknown_machine", "machine", machine, machine, "no such machine")),
    }
}

/// Refuses a part number the catalogue does not hold, as `field` of `subject`.
async fn require_part(
    w: &mut WriteTx<'_>,
    part: &PartNumber,
    field: &'static str,
    subject: impl ToString,
) -> Result<()> {
    let row: Option<(String,)> = sqlx::query_as("SELECT number FROM fleet_parts WHERE number = $1")
        .bind(part.as_str())
        .fetch_optional(&mut *w.tx)
        .await?;
    match row {
        Some(_) => Ok(()),
        None => Err(refused("fleet.error.unknown_part", field, subject, part, "no such part in the catalogue")),
    }
}

/// Opens work orders (checked by the domain, lines flagged against the machines'
/// warranties), numbered on from the last; returns the numbers.
async fn create_orders(w: &mut WriteTx<'_>, orders: &[WorkOrder]) -> Result<Vec<i64>> {
    let (mut next,): (i64,) =
        sqlx::query_as("SELECT COALESCE(MAX(number), 0) + 1 FROM fleet_work_orders").fetch_one(&mut *w.tx).await?;
    let mut numbers = Vec::new();
    for o in orders {
        o.validate().map_err(|e| refused(e.key(), "finished_at", o.machine, &e, &e))?;
        require_machine(w, o.machine).await?;
        let mut o = o.clone();
        flag_in(w, &mut o).await?;
        insert_order(w, next, &o).await?;
        w.audit(Change::create("fleet_work_order", o.id, &o)).await?;
        if o.status == WorkOrderStatus::Closed {
            note_closed(w, &o).await?;
        }
        numbers.push(next);
        next += 1;
    }
    Ok(numbers)
}

/// Reserves for an order what it needs of each part, from the bins' free stock (on hand less
/// what is reserved), as much as there is: a service is planned whether or not its parts are in.
async fn reserve(w: &mut WriteTx<'_>, order: WorkOrderId, needs: &[(PartNumber, u32)]) -> Result<()> {
    for (part, qty) in needs {
        let mut wanted = i64::from(*qty);
        let bins: Vec<(String, String, i64)> = sqlx::query_as(
            "SELECT warehouse_id, bin, qty - reserved FROM fleet_stock WHERE part = $1 AND qty - reserved > 0 ORDER BY warehouse_id, bin",
        )
        .bind(part.as_str())
        .fetch_all(&mut *w.tx)
        .await?;
        for (warehouse, bin, free) in bins {
            if wanted == 0 {
                break;
            }
            let take = wanted.min(free);
            // The condition re-checks the free stock under the row lock.
            let done = sqlx::query(
                "UPDATE fleet_stock SET reserved = reserved + $1 WHERE warehouse_id = $2 AND bin = $3 AND part = $4 AND qty - reserved >= $1",
            )
            .bind(take)
            .bind(&warehouse)
            .bind(&bin)
            .bind(part.as_str())
            .execute(&mut *w.tx)
            .await?;
            if done.rows_affected() == 0 {
                continue;
            }
            let id = new_uuid().to_string();
            let now = w.now_text();
            sqlx::query(
                "INSERT INTO fleet_reservations (id, work_order_id, warehouse_id, bin, part, qty, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(&id)
            .bind(order.to_string())
            .bind(&warehouse)
            .bind(&bin)
            .bind(part.as_str())
            .bind(take)
            .bind(now)
            .execute(&mut *w.tx)
            .await?;
            let after =
                serde_json::json!({ "order": order, "warehouse": warehouse, "bin": bin, "part": part, "qty": take });
            w.audit(Change::create("fleet_reservation", id, &after)).await?;
            wanted -= take;
        }
    }
    Ok(())
}

/// Releases an order's reservations: all of them (`None`), or up to `qty` of one part, those
/// in the given bin first (an issue takes what was held for it).
async fn release(
    w: &mut WriteTx<'_>,
    order: WorkOrderId,
    only: Option<(&PartNumber, i64, WarehouseId, &str)>,
) -> Result<()> {
    let mut rows: Vec<(String, String, String, String, i64)> = sqlx::query_as(
        "SELECT id, warehouse_id, bin, part, qty FROM fleet_reservations WHERE work_order_id = $1 AND ($2 = '' OR part = $2) ORDER BY created_at, id",
    )
    .bind(order.to_string())
    .bind(only.map(|o| o.0.as_str().to_string()).unwrap_or_default())
    .fetch_all(&mut *w.tx)
    .await?;
    let mut left = only.map_or(i64::MAX, |o| o.1);
    if let Some((_, _, warehouse, bin)) = only {
        let here = |r: &(String, String, String, String, i64)| r.1 == warehouse.to_string() && r.2 == bin;
        rows.sort_by_key(|r| !here(r));
    }
    for (id, warehouse, bin, part, qty) in rows {
        if left == 0 {
            break;
        }
        let take = qty.min(left);
        sqlx::query(
            "UPDATE fleet_stock SET reserved = reserved - $1 WHERE warehouse_id = $2 AND bin = $3 AND part = $4",
        )
        .bind(take)
        .bind(&warehouse)
        .bind(&bin)
        .bind(&part)
        .execute(&mut *w.tx)
        .await?;
        if take == qty {
            sqlx::query("DELETE FROM fleet_reservations WHERE id = $1").bind(&id).execute(&mut *w.tx).await?;
        } else {
            sqlx::query("UPDATE fleet_reservations SET qty = qty - $1 WHERE id = $2")
                .bind(take)
                .bind(&id)
                .execute(&mut *w.tx)
                .await?;
        }
        w.audit(Change::update(
            "fleet_reservation",
            &id,
            &serde_json::json!({ "qty": qty }),
            &serde_json::json!({ "qty": qty - take }),
        ))
        .await?;
        left -= take;
    }
    Ok(())
}

/// The exchange pool as stored: every assembly, its events applied in order.
async fn pool_in(conn: &mut sqlx::AnyConnection) -> Result<ExchangePool> {
    let mut pool = ExchangePool::default();
    let bodies: Vec<(String,)> = sqlx::query_as("SELECT body FROM fleet_assemblies").fetch_all(&mut *conn).await?;
    for (b,) in bodies {
        pool.add(unjson("assembly", &b)?).map_err(corrupt("assembly"))?;
    }
    let events: Vec<(String, String, String, String, i64)> = sqlx::query_as(
        "SELECT assembly_id, machine_id, kind, on_date, machine_meter FROM fleet_assembly_events ORDER BY seq",
    )
    .fetch_all(&mut *conn)
    .await?;
    for (a, m, kind, on, meter) in events {
        pool.apply(AssemblyEvent {
            assembly: AssemblyId::from_str(&a).map_err(corrupt("assembly id"))?,
            machine: MachineId::from_str(&m).map_err(corrupt("machine id"))?,
            date: date(&on)?,
            kind: unjson("assembly event", &format!("\"{kind}\""))?,
            machine_meter: meter,
        })
        .map_err(corrupt("assembly event"))?;
    }
    Ok(pool)
}

/// The machine's current cumulative value of the assembly's meter (its latest reading).
async fn machine_meter(w: &mut WriteTx<'_>, machine: MachineId, a: &Assembly) -> Result<i64> {
    let row: Option<(i64,)> = sqlx::query_as("SELECT value FROM fleet_meter_now WHERE machine_id = $1 AND kind = $2")
        .bind(machine.to_string())
        .bind(kind_code(a.meter))
        .fetch_optional(&mut *w.tx)
        .await?;
    row.map(|(v,)| v).ok_or_else(|| {
        refused(
            "fleet.error.no_meter",
            "machine",
            machine,
            a.meter.key(),
            format!("machine {machine} has no reading of {} to carry the usage of {}", a.meter.key(), a.serial),
        )
    })
}

/// Applies an install or removal to the pool (the domain's rules) and stores it.
async fn assembly_event(
    w: &mut WriteTx<'_>,
    pool: &mut ExchangePool,
    a: &Assembly,
    machine: MachineId,
    date: NaiveDate,
    kind: AssemblyEventKind,
) -> Result<()> {
    require_machine(w, machine).await?;
    let meter = machine_meter(w, machine, a).await?;
    let event = AssemblyEvent { assembly: a.id, machine, date, kind, machine_meter: meter };
    pool.apply(event).map_err(|e| refused(e.key(), "date", machine, &a.serial, &e))?;
    let (seq,): (i64,) =
        sqlx::query_as("SELECT COALESCE(MAX(seq), 0) + 1 FROM fleet_assembly_events").fetch_one(&mut *w.tx).await?;
    let id = new_uuid().to_string();
    let now = w.now_text();
    sqlx::query(
        "INSERT INTO fleet_assembly_events (id, assembly_id, machine_id, kind, on_date, machine_meter, seq, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(&id)
    .bind(a.id.to_string())
    .bind(machine.to_string())
    .bind(code(&kind))
    .bind(date.to_string())
    .bind(meter)
    .bind(seq)
    .bind(now)
    .execute(&mut *w.tx)
    .await?;
    w.audit(Change::create("fleet_assembly_event", id, &event)).await
}

type WarrantyDbRow = (String, Option<String>, String, Option<String>, Option<i64>, Option<i64>, String);

async fn warranty_rows(conn: &mut sqlx::AnyConnection, machine: MachineId) -> Result<Vec<WarrantyRow>> {
    let rows: Vec<WarrantyDbRow> = sqlx::query_as(
        "SELECT id, part, from_date, until_date, meter_kind, meter_up_to, note FROM fleet_warranties WHERE machine_id = $1 ORDER BY from_date DESC, id",
    )
    .bind(machine.to_string())
    .fetch_all(&mut *conn)
    .await?;
    rows.into_iter()
        .map(|(id, part, from, until, kind, up_to, note)| {
            let meter_limit = match (kind, up_to) {
                (Some(k), Some(up_to)) => Some(MeterLimit { kind: kind_of(k)?, up_to }),
                _ => None,
            };
            Ok(WarrantyRow {
                warranty: Warranty {
                    id: WarrantyId::from_str(&id).map_err(corrupt("warranty id"))?,
                    machine,
                    scope: match part {
                        Some(p) => WarrantyScope::Part(PartNumber::parse(&p).map_err(corrupt("part"))?),
                        None => WarrantyScope::Machine,
                    },
                    from: date(&from)?,
                    until: until.as_deref().map(date).transpose()?,
                    meter_limit,
                },
                note,
            })
        })
        .collect()
}

/// Flags the order's lines a warranty of its machine covers (the domain's `flag_warranty`).
async fn flag_in(w: &mut WriteTx<'_>, order: &mut WorkOrder) -> Result<()> {
    let warranties: Vec<Warranty> =
        warranty_rows(&mut w.tx, order.machine).await?.into_iter().map(|r| r.warranty).collect();
    flag_warranty(order, &warranties);
    Ok(())
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
        for (day, v) in s.cumulative() {
            if target.last().is_none_or(|l| l.0 < day) {
                checkpoint(target, day, v);
            }
        }
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

/// One value of a multi-row INSERT.
enum Bind {
    T(String),
    O(Option<String>),
    I(i64),
    F(f64),
}

async fn insert_many(w: &mut WriteTx<'_>, table: &str, columns: &str, rows: &[Vec<Bind>]) -> Result<()> {
    let Some(width) = rows.first().map(Vec::len) else { return Ok(()) };
    let per = (INSERT_ROWS * 7 / width.max(1)).clamp(1, INSERT_ROWS);
    for chunk in rows.chunks(per) {
        let mut sql = format!("INSERT INTO {table} ({columns}) VALUES ");
        for r in 0..chunk.len() {
            if r > 0 {
                sql.push_str(", ");
            }
            sql.push('(');
            for c in 0..width {
                if c > 0 {
                    sql.push_str(", ");
                }
                sql.push_str(&w.param(r * width + c + 1));
            }
            sql.push(')');
        }
        let mut q = sqlx::query(&sql);
        for row in chunk {
            for b in row {
                q = match b {
                    Bind::T(s) => q.bind(s.as_str()),
                    Bind::O(s) => q.bind(s.as_deref()),
                    Bind::I(i) => q.bind(*i),
                    Bind::F(f) => q.bind(*f),
                };
            }
        }
        q.execute(&mut *w.tx).await?;
    }
    Ok(())
}

const MACHINE_COLUMNS: &str = "id, origin, model_id, brand, modification, engine, vin, serial, year, owner_id, district, status, arrival, \
     commissioned_on, off_books, body, due_state, version, created_at, updated_at";

fn machine_binds(
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

const ORDER_COLUMNS: &str = "id, number, machine_id, kind, status, opened_at, finished_at, body, version";

fn order_binds(number: i64, o: &WorkOrder) -> Result<Vec<Bind>> {
    Ok(vec![
        Bind::T(o.id.to_string()),
        Bind::I(number),
        Bind::T(o.machine.to_string()),
        Bind::T(code(&o.kind)),
        Bind::T(status_code(o.status)),
        Bind::T(datetime_text(o.opened_at)),
        Bind::O(o.finished_at.map(datetime_text)),
        Bind::T(json(o)?),
        Bind::I(1),
    ])
}

async fn insert_order(w: &mut WriteTx<'_>, number: i64, o: &WorkOrder) -> Result<()> {
    w.touch_machine(o.machine);
    let row = order_binds(number, o)?;
    insert_many(w, "fleet_work_orders", ORDER_COLUMNS, &[row]).await
}

async fn order_in(w: &mut WriteTx<'_>, id: WorkOrderId) -> Result<(i64, WorkOrder, i64)> {
    let row: Option<(i64, String, i64)> =
        sqlx::query_as("SELECT number, body, version FROM fleet_work_orders WHERE id = $1")
            .bind(id.to_string())
            .fetch_optional(&mut *w.tx)
            .await?;
    let (number, body, version) = row.ok_or(StoreError::NotFound { entity: "work order" })?;
    Ok((number, unjson("work order", &body)?, version))
}

async fn update_order(w: &mut WriteTx<'_>, o: &WorkOrder, version: i64) -> Result<()> {
    o.validate().map_err(|e| refused(e.key(), "finished_at", o.machine, &e, &e))?;
    w.touch_machine(o.machine);
    let done = sqlx::query(
        "UPDATE fleet_work_orders SET status = $1, finished_at = $2, body = $3, version = version + 1 WHERE id = $4 AND version = $5",
    )
    .bind(status_code(o.status))
    .bind(o.finished_at.map(datetime_text))
    .bind(json(o)?)
    .bind(o.id.to_string())
    .bind(version)
    .execute(&mut *w.tx)
    .await?;
    if done.rows_affected() == 0 {
        return Err(StoreError::Conflict { entity: "work order", current: version });
    }
    Ok(())
}

/// A closed order's marks on its machine: the downtime span, a failure (repairs), the
/// service done (preventive, with the cycle step it completes), the cost net of warranty.
async fn note_closed(w: &mut WriteTx<'_>, o: &WorkOrder) -> Result<()> {
    w.touch_machine(o.machine);
    let row: Option<(String, String)> =
        sqlx::query_as("SELECT m.due_state, COALESCE(h.body, '') FROM fleet_machines m LEFT JOIN fleet_histories h ON h.machine_id = m.id WHERE m.id = $1")
            .bind(o.machine.to_string())
            .fetch_optional(&mut *w.tx)
            .await?;
    let Some((due, hist)) = row else { return Ok(()) };
    let mut due: DueState = unjson("due state", &due)?;
    let mut history: HistoryData = if hist.is_empty() { HistoryData::default() } else { unjson("history", &hist)? };
    let end = o.finished_at.unwrap_or(o.opened_at);
    if let Some(start) = o.downtime_start {
        let to = o.downtime_end.unwrap_or(end).date().succ_opt().unwrap_or(end.date());
        if start.date() < to {
            history.states.push(StateSpan { from: start.date(), to, state: order_machine_state(o) });
            history.states.sort_by_key(|s| s.from);
        }
    }
    if matches!(o.kind, WorkOrderKind::Repair | WorkOrderKind::Warranty) {
        let hours = o.downtime_start.map_or(0.0, |s| (o.downtime_end.unwrap_or(end) - s).num_minutes() as f64 / 60.0);
        history.failures.push(Failure { date: o.opened_at.date(), repair_hours: hours.max(0.0) });
    }
    if o.kind == WorkOrderKind::Preventive {
        history.services.push(ServiceDone { due: o.opened_at.date(), done: Some(end.date()) });
        if let Some(kind) = o.service {
            let regimes: Vec<(String,)> = sqlx::query_as(
                "SELECT r.body FROM fleet_regimes r JOIN fleet_machines m ON m.model_id = r.model_id WHERE m.id = $1",
            )
            .bind(o.machine.to_string())
            .fetch_all(&mut *w.tx)
            .await?;
            if let Some((body,)) = regimes.first() {
                let regime: Regime = unjson("regime", body)?;
                if regime.seasonal().iter().any(|s| s.kind == kind) {
                    due.last_seasonal.retain(|(k, _)| *k != kind);
                    due.last_seasonal.push((kind, end.date()));
                } else if let Some(step) = regime.step_after(due.last_cycle.map_or(0, |c| c.step), kind) {
                    due.last_cycle = Some(CycleMark { step, date: end.date(), meters: o.meters });
                }
            }
        }
    }
    if let Ok(cost) = o.cost(Money::new(LABOUR_RATE_KOPECKS, Currency::Rub)) {
        history.costs.push(CostEntry { date: end.date(), minor: cost.total.minor - cost.under_warranty.minor });
    }
    sqlx::query("UPDATE fleet_machines SET due_state = $1 WHERE id = $2")
        .bind(json(&due)?)
        .bind(o.machine.to_string())
        .execute(&mut *w.tx)
        .await?;
    sqlx::query("UPDATE fleet_histories SET body = $1 WHERE machine_id = $2")
        .bind(json(&history)?)
        .bind(o.machine.to_string())
        .execute(&mut *w.tx)
        .await?;
    Ok(())
}

/// What the readiness figures read of a machine and its history `h` (none before it is
/// commissioned).
fn history_input<'a>(m: &'a StoredMachine, h: &'a HistoryData) -> Option<MachineHistory<'a>> {
    Some(MachineHistory {
        machine: m.machine.id,
        model: m.machine.model,
        brand: &m.machine.brand,
        owner: m.machine.owner,
        mining: m.kind == MachineKind::MiningTruck,
        on_books: m.machine.commissioned_on?,
        off_books: m.off_books,
        states: &h.states,
        failures: &h.failures,
        services: &h.services,
        costs: &h.costs,
        odometer: &h.odometer,
        engine_hours: &h.engine_hours,
    })
}

/// The readiness figures of one machine over `range` from its history `h`.
pub fn machine_kpi(snap: &FleetSnapshot, machine: MachineId, h: &HistoryData, range: DateRange) -> Option<KpiRow> {
    let input = history_input(snap.machine(machine)?, h)?;
    aggregate(std::slice::from_ref(&input), range, GroupBy::Machine).into_iter().next()
}

/// The demo (or benchmark) fleet as a bulk load, owners and suppliers mapped to the
/// organisations that stand for them in the directory (`owner`, `supplier`).
pub fn demo_bulk<'a>(
    fleet: &'a accord_domain::fleet::demo::DemoFleet,
    owner: impl Fn(OrganisationId) -> OrganisationId,
    supplier: impl Fn(OrganisationId) -> OrganisationId,
) -> (Vec<PartRecord>, Vec<BulkMachine<'a>>) {
    let parts = fleet
        .catalog
        .parts
        .iter()
        .map(|p| PartRecord {
            number: p.number.clone(),
            brand: brand_code(&p.brand),
            name: String::new(),
            supplier: Some(supplier(p.supplier)),
            price: p.price,
            pack: p.pack,
            lead_days: 21,
            superseded_by: None,
            equivalents: fleet.catalog.catalogue.equivalents(&p.number).filter(|e| **e != p.number).cloned().collect(),
        })
        .collect();
    let machines = fleet
        .machines
        .iter()
        .map(|d| {
            let mut machine = d.machine.clone();
            machine.owner = owner(machine.owner);
            let kinds: Vec<MeterKind> = d.meters.iter().map(|m| m.kind).collect();
            BulkMachine {
                machine,
                off_books: d.off_books,
                meters: &d.meters,
                work_orders: &d.work_orders,
                history: HistoryData {
                    states: d.states.clone(),
                    failures: d.failures.clone(),
                    services: d.services.clone(),
                    costs: d.costs.clone(),
                    odometer: d.odometer.clone(),
                    engine_hours: d.engine_hours.clone(),
                },
                due: DueState {
                    meters_at_commissioning: MeterSnapshot::zero(&kinds),
                    last_cycle: d.last_cycle,
                    last_seasonal: d.last_seasonal.clone(),
                },
            }
        })
        .collect();
    (parts, machines)
}
