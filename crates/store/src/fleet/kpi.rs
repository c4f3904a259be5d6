//! Readiness figures (КТГ, КВ, MTBF, MTTR, on-time services, costs) of the machines a reader
//! sees, and the service centre's figures of a quarter for the agenda and the briefing pack.
//! Computed by `accord_domain::fleet::kpi` from the cached snapshot and histories.

use super::{FleetSnapshot, HistoryData, StoredMachine, refused, unjson};
use crate::{Result, Store};
use accord_domain::MachineId;
use accord_domain::fleet::kpi::{DateRange, GroupBy, Kpi, KpiRow, MachineHistory, aggregate};
use accord_domain::fleet::machine::{Machine, MachineKind};
use accord_domain::quarter::Quarter;
use chrono::NaiveDate;
use serde::Serialize;

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

impl Store {
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

    /// A machine's history (for its page's figures).
    pub async fn fleet_history(&self, machine: MachineId) -> Result<HistoryData> {
        let row: Option<(String,)> = sqlx::query_as("SELECT body FROM fleet_histories WHERE machine_id = $1")
            .bind(machine.to_string())
            .fetch_optional(&self.pool)
            .await?;
        row.map_or(Ok(HistoryData::default()), |(b,)| unjson("history", &b))
    }
}
