//! Readiness figures (КТГ, КВ, MTBF, MTTR, on-time services, costs) of the machines a reader
//! sees, and the service centre's figures of a quarter for the agenda and the briefing pack.
//! Computed by `accord_domain::fleet::kpi` from the cached snapshot and histories.

use super::{FleetSnapshot, HistoryData, StoredMachine, refused, unjson};
use crate::{Result, Store};
use accord_domain::MachineId;
use accord_domain::fleet::kpi::{DateRange, GroupBy, Kpi, KpiRow, MachineHistory, aggregate};
use accord_domain::fleet::machine::{Machine, MachineKind};
use accord_domain::fleet::regime::{MeterReadings, due_point};
use accord_domain::quarter::Quarter;
use chrono::NaiveDate;
use serde::Serialize;

/// The readiness figures of a group.
#[derive(Debug, Clone, Serialize)]
pub struct KpiTable {
    pub range_from: NaiveDate,
    /// Exclusive; the day after the fleet's data ends when the range asked for ran past it.
    pub range_to: NaiveDate,
    /// The last day the fleet has data for (a reading's day before, a work order's day);
    /// `None` when nothing is recorded yet, and then there are no rows.
    pub data_end: Option<NaiveDate>,
    /// Whether the range asked for ran past `data_end` and was cut there.
    pub clipped: bool,
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
    /// The last day with fleet data, when the quarter runs past it (its figures stop there).
    pub data_end: Option<NaiveDate>,
}

/// What the readiness figures read of a machine and its history `h` (none before it is
/// commissioned); `missed` holds the due points of its services not done.
fn history_input<'a>(m: &'a StoredMachine, h: &'a HistoryData, missed: &'a [NaiveDate]) -> Option<MachineHistory<'a>> {
    Some(MachineHistory {
        machine: m.machine.id,
        model: m.machine.model,
        brand: &m.machine.brand,
        owner: m.machine.owner,
        mining: m.kind == MachineKind::MiningTruck,
        on_books: m.machine.commissioned_on?,
        off_books: m.off_books,
        states: &h.states,
        open_orders: &h.open_orders,
        failures: &h.failures,
        services: &h.services,
        services_missed: missed,
        costs: &h.costs,
        odometer: &h.odometer,
        engine_hours: &h.engine_hours,
    })
}

/// The due points of a machine's services that fell due and are not done: its cycle's next
/// and each seasonal one, by its regime, from its readings, sorted.
fn services_missed(snap: &FleetSnapshot, m: &StoredMachine, h: &HistoryData) -> Vec<NaiveDate> {
    let Some(regime) = snap.regime_of(&m.machine) else { return Vec::new() };
    let Some(input) = m.due.input(&m.machine, regime, Default::default()) else { return Vec::new() };
    let readings: MeterReadings<'_> = [&h.odometer, &h.engine_hours, &[]];
    let mut missed: Vec<NaiveDate> = std::iter::once(None)
        .chain(regime.seasonal().iter().map(|s| Some(s.kind)))
        .filter_map(|kind| due_point(&input, kind, readings))
        .collect();
    missed.sort_unstable();
    missed
}

/// The last day the fleet has data for: the day before a meter's latest reading (a reading is
/// the meter at the start of its day), the last day of a recorded state, a work order's
/// opening, start or completion, a cost's day.
fn data_end(snap: &FleetSnapshot, histories: &super::FleetHistories) -> Option<NaiveDate> {
    let readings = snap.meters.values().flat_map(|now| now.0.iter().flatten().filter_map(|s| s.read_on.pred_opt()));
    let recorded = histories.by_machine.values().flat_map(|h| {
        let states = h.states.iter().map(|s| s.to).max().and_then(|to| to.pred_opt());
        let orders = h.open_orders.iter().flat_map(|o| {
            [Some(o.opened), o.down_from.map(|t| t.date()), o.down_to.map(|t| t.date())].into_iter().flatten()
        });
        let costs = h.costs.last().map(|c| c.date);
        states.into_iter().chain(orders).chain(costs)
    });
    readings.chain(recorded).max()
}

/// The readiness figures of one machine over `range` from its history `h`.
pub fn machine_kpi(snap: &FleetSnapshot, machine: MachineId, h: &HistoryData, range: DateRange) -> Option<KpiRow> {
    let m = snap.machine(machine)?;
    let missed = services_missed(snap, m, h);
    let input = history_input(m, h, &missed)?;
    aggregate(std::slice::from_ref(&input), range, GroupBy::Machine).into_iter().next()
}

impl Store {
    /// The readiness figures over `range` grouped `by`, of the machines `visible` lets through,
    /// with the fleet total. Computed by `accord_domain::fleet::kpi::aggregate`. A range that
    /// runs past the fleet's data is cut at its last day; one that starts after it is refused,
    /// naming that day: figures are never made up for days nothing was recorded.
    pub async fn fleet_kpi(
        &self,
        range: DateRange,
        by: GroupBy,
        visible: impl Fn(&Machine) -> bool,
    ) -> Result<KpiTable> {
        let snap = self.fleet_snapshot().await?;
        let histories = self.fleet_histories().await?;
        let data_end = data_end(&snap, &histories);
        let Some(last) = data_end else {
            return Ok(KpiTable {
                range_from: range.from(),
                range_to: range.to(),
                data_end,
                clipped: false,
                rows: Vec::new(),
                total: None,
            });
        };
        let clipped = range.to() > last.succ_opt().unwrap_or(last);
        let range = if clipped {
            DateRange::inclusive(range.from(), last).map_err(|_| {
                refused(
                    "fleet.error.range_after_data",
                    "from",
                    format!("{}..{}", range.from(), range.to()),
                    last,
                    format!("the fleet's data ends on {last}"),
                )
            })?
        } else {
            range
        };
        let empty = HistoryData::default();
        let machines: Vec<(&StoredMachine, &HistoryData)> = snap
            .machines
            .iter()
            .filter(|m| visible(&m.machine))
            .map(|m| (m, histories.by_machine.get(&m.machine.id).map_or(&empty, |h| &**h)))
            .collect();
        let missed: Vec<Vec<NaiveDate>> = machines.iter().map(|(m, h)| services_missed(&snap, m, h)).collect();
        let inputs: Vec<MachineHistory<'_>> =
            machines.iter().zip(&missed).filter_map(|((m, h), missed)| history_input(m, h, missed)).collect();
        let rows = aggregate(&inputs, range, by);
        let total = aggregate(&inputs, range, GroupBy::Fleet).into_iter().next();
        Ok(KpiTable { range_from: range.from(), range_to: range.to(), data_end, clipped, rows, total })
    }

    /// The last day the fleet has data for (see [`KpiTable::data_end`]).
    pub async fn fleet_data_end(&self) -> Result<Option<NaiveDate>> {
        let snap = self.fleet_snapshot().await?;
        let histories = self.fleet_histories().await?;
        Ok(data_end(&snap, &histories))
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
        // A quarter after the fleet's data has no figures ("—"), not made-up ones.
        let table = match self.fleet_kpi(range, GroupBy::Fleet, |_| true).await {
            Ok(table) => Some(table),
            Err(crate::StoreError::Refused { key: "fleet.error.range_after_data", .. }) => None,
            Err(e) => return Err(e),
        };
        let total = table.as_ref().and_then(|t| t.total.as_ref());
        let kpi: Kpi = total.map(|r| r.kpi).unwrap_or_default();
        let machines = total.map_or(0, |r| r.sums.machines);
        let end = format!("{}T23:59:59", last.format("%Y-%m-%d"));
        // Open at the end of the quarter: opened by then and not closed by then (finished but
        // not signed off is still open).
        let (open,): (i64,) = sqlx::query_as(
            "SELECT COUNT(*) FROM fleet_work_orders WHERE opened_at <= $1 AND (closed_at IS NULL OR closed_at > $1)",
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
            data_end: match &table {
                Some(t) => t.data_end.filter(|_| t.clipped),
                None => self.fleet_data_end().await?,
            },
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
