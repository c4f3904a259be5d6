//! The fleet snapshot (machines, meters now, open orders, regimes) and every machine's
//! history, as the cache keeps them: read whole once, then brought up to date after a write by
//! re-reading only the machines it touched (see `cache` and `fleet_touches`).

use super::{ID_LIST, OPEN_STATUSES, brand_code, date, kind_of, unjson};
use crate::{Result, Store, StoreError, corrupt};
use accord_domain::RegimeId;
use accord_domain::fleet::kpi::{CostEntry, Failure, OpenOrder, ServiceDone, StateSpan};
use accord_domain::fleet::machine::{Machine, MachineKind, Model};
use accord_domain::fleet::meter::{MeterNow, MeterSnapshot, MeterState};
use accord_domain::fleet::regime::{CycleMark, DueService, MachineDueInput, Regime, ServiceKind, due_list, regime_for};
use accord_domain::{MachineId, ModelId};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::str::FromStr;
use std::sync::Arc;

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

/// What the due list keeps of a machine beyond its register entry.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct DueState {
    pub meters_at_commissioning: MeterSnapshot,
    pub last_cycle: Option<CycleMark>,
    pub last_seasonal: Vec<(ServiceKind, NaiveDate)>,
}

impl DueState {
    /// What the domain's due rules read of `machine` under `regime`, with its `meters` now
    /// (`None` before it is commissioned).
    pub fn input<'a>(&'a self, machine: &Machine, regime: &'a Regime, meters: MeterNow) -> Option<MachineDueInput<'a>> {
        Some(MachineDueInput {
            machine: machine.id,
            regime,
            factors: machine.factors,
            commissioned_on: machine.commissioned_on?,
            meters_at_commissioning: self.meters_at_commissioning,
            last_cycle: self.last_cycle,
            last_seasonal: &self.last_seasonal,
            meters,
        })
    }
}

/// What the readiness figures need of a machine's past.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct HistoryData {
    pub states: Vec<StateSpan>,
    /// Work orders not closed yet (their downtime still runs, or awaits sign-off).
    #[serde(default)]
    pub open_orders: Vec<OpenOrder>,
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
    /// Each regime's version, for an edit that must not overwrite another.
    pub regime_versions: HashMap<RegimeId, i64>,
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

    /// A regime with its version.
    pub fn regime(&self, id: RegimeId) -> Option<(&Regime, i64)> {
        let regime = self.regimes.iter().find(|r| r.id() == id)?;
        Some((regime, self.regime_versions.get(&id).copied().unwrap_or(1)))
    }

    pub fn machine(&self, id: MachineId) -> Option<&StoredMachine> {
        self.index.get(&id).map(|&i| &self.machines[i])
    }

    /// The regime of a machine: its model's regime for its engine, else its model's first.
    pub fn regime_of(&self, machine: &Machine) -> Option<&Regime> {
        regime_for(&self.regimes, machine.model, machine.engine.as_ref())
    }

    /// The due list of the machines `visible` lets through, overdue first.
    pub fn due_list(&self, today: NaiveDate, visible: impl Fn(&Machine) -> bool) -> Vec<DueService> {
        let inputs: Vec<MachineDueInput<'_>> = self
            .machines
            .iter()
            .filter(|m| m.machine.status.on_books() && m.off_books.is_none() && visible(&m.machine))
            .filter_map(|m| {
                let meters = self.meters.get(&m.machine.id).copied().unwrap_or_default();
                m.due.input(&m.machine, self.regime_of(&m.machine)?, meters)
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

impl Store {
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
        let regimes: Vec<(String, i64)> =
            sqlx::query_as("SELECT body, version FROM fleet_regimes ORDER BY id").fetch_all(&self.pool).await?;
        for (body, version) in regimes {
            let regime: Regime = unjson("regime", &body)?;
            snap.regime_versions.insert(regime.id(), version);
            snap.regimes.push(regime);
        }
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
}
