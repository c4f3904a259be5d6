//! Readiness and efficiency figures per machine, model, brand, owner or the whole fleet, over a
//! date range.
//!
//! Definitions (the README's "Fleet figures" gives the same with their sources):
//! - **КТГ**, coefficient of technical readiness (коэффициент технической готовности, the
//!   day-based form used in Russian road transport, cf. ГОСТ 27.002 "готовность"): machine-days
//!   ready / machine-days on the books. A day is not ready when any downtime touches it: a
//!   repair from its start to its completion, or to the range's end while it is still open,
//!   whatever its sign-off; maintenance; waiting for parts, a technician or the customer.
//! - **КВ**, release coefficient (коэффициент выпуска): machine-days worked / machine-days on
//!   the books. A day is worked when the machine's day states record it so, or when its meter
//!   grew between the reading of that day and the reading of the next. Where the readings
//!   cannot tell (no reading on either side, or growth over a gap of several days) the
//!   machine's КВ is unknown and it is left out of the group's КВ, never counted as idle.
//! - **MTBF** = engine hours operated / failures; **MTTR** = repair hours / repairs;
//!   availability = MTBF / (MTBF + MTTR) (the inherent availability of ГОСТ 27.002).
//! - **On-time share of preventive services**: services done by their due point / services
//!   that fell due in the range; the due point is the regime's, whichever of the meter and
//!   calendar limits comes first; a service that fell due and was not done counts as late.
//!
//! Input is compact: per machine, the days it is on the books, its *day states* as sorted
//! spans (a day not covered by a span is a standby day: ready, not worked), the work orders
//! still open, failures with their repair hours, preventive services with their due and done
//! days, costs, and cumulative meter readings, one per day read. One pass per machine yields
//! additive sums ([`KpiSums`]); the figures ([`Kpi`]) are ratios of summed sums, so a model's
//! КТГ is its machine-days ready over its machine-days on the books, never an average of
//! machine ratios.
//!
//! Mining-truck figures use the time model W (working), R (repair and maintenance), S (standby),
//! T (calendar): W is engine hours operated, R the hours of not-ready days, T the hours on the
//! books, S = T − W − R. At day granularity physical availability (W+S)/T equals КТГ; the two
//! differ once downtime is counted in hours.

mod orders;
mod sums;
#[cfg(test)]
mod tests;

pub use orders::{closed_marks, is_failure, open_order, order_state};
pub use sums::machine_sums;

use crate::fleet::machine::Brand;
use crate::{MachineId, ModelId, OrganisationId, WorkOrderId};
use chrono::{NaiveDate, NaiveDateTime};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// What a machine did on a day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DayState {
    /// Ready and worked (a day counted in КВ).
    Working,
    /// Ready, not used (weekend, no work): the default for days without a span.
    Standby,
    /// Planned maintenance (ТО): not ready.
    Maintenance,
    /// Repair after a failure: not ready.
    Repair,
    WaitingForParts,
    WaitingForTechnician,
    WaitingForCustomer,
}

impl DayState {
    /// Whether the machine is technically ready on such a day.
    pub fn is_ready(self) -> bool {
        matches!(self, DayState::Working | DayState::Standby)
    }

    /// Which state a day shows when spans overlap: any downtime over work, a repair over
    /// waiting over maintenance.
    pub(crate) fn rank(self) -> u8 {
        match self {
            DayState::Standby => 0,
            DayState::Working => 1,
            DayState::Maintenance => 2,
            DayState::WaitingForCustomer => 3,
            DayState::WaitingForTechnician => 4,
            DayState::WaitingForParts => 5,
            DayState::Repair => 6,
        }
    }

    pub(crate) const BY_RANK: [DayState; 7] = [
        DayState::Standby,
        DayState::Working,
        DayState::Maintenance,
        DayState::WaitingForCustomer,
        DayState::WaitingForTechnician,
        DayState::WaitingForParts,
        DayState::Repair,
    ];

    /// The downtime reason of a not-ready day.
    pub fn downtime(self) -> Option<DowntimeReason> {
        match self {
            DayState::Working | DayState::Standby => None,
            DayState::Maintenance => Some(DowntimeReason::Maintenance),
            DayState::Repair => Some(DowntimeReason::Repair),
            DayState::WaitingForParts => Some(DowntimeReason::WaitingForParts),
            DayState::WaitingForTechnician => Some(DowntimeReason::WaitingForTechnician),
            DayState::WaitingForCustomer => Some(DowntimeReason::WaitingForCustomer),
        }
    }
}

/// Why a machine was not ready.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DowntimeReason {
    Maintenance,
    Repair,
    WaitingForParts,
    WaitingForTechnician,
    WaitingForCustomer,
}

impl DowntimeReason {
    pub const ALL: [DowntimeReason; 5] = [
        DowntimeReason::Maintenance,
        DowntimeReason::Repair,
        DowntimeReason::WaitingForParts,
        DowntimeReason::WaitingForTechnician,
        DowntimeReason::WaitingForCustomer,
    ];

    pub fn key(self) -> &'static str {
        match self {
            DowntimeReason::Maintenance => "fleet.downtime.maintenance",
            DowntimeReason::Repair => "fleet.downtime.repair",
            DowntimeReason::WaitingForParts => "fleet.downtime.waiting_for_parts",
            DowntimeReason::WaitingForTechnician => "fleet.downtime.waiting_for_technician",
            DowntimeReason::WaitingForCustomer => "fleet.downtime.waiting_for_customer",
        }
    }

    fn index(self) -> usize {
        self as usize
    }
}

/// Days `from` (inclusive) to `to` (exclusive) in one state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct StateSpan {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub state: DayState,
}

/// The days a downtime from `start` to `end` touches, as `[from, to)`: the day it starts to
/// the day it ends, that day included unless it ends at its very start (midnight).
pub fn downtime_days(start: NaiveDateTime, end: NaiveDateTime) -> (NaiveDate, NaiveDate) {
    let from = start.date();
    let last_touched = if end.time() == chrono::NaiveTime::MIN && end.date() > from {
        end.date()
    } else {
        end.date().succ_opt().unwrap_or(end.date())
    };
    (from, last_touched.max(from))
}

/// A work order not closed yet, as the figures count it: its downtime runs from its start to
/// its completion, or to the end of the range while it is still open, whatever its sign-off.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpenOrder {
    pub order: WorkOrderId,
    /// The day it was opened (a repair's failure is counted on that day).
    pub opened: NaiveDate,
    /// The state of its downtime days.
    pub state: DayState,
    /// When the machine stopped (`None`: the order has not stopped it yet).
    pub down_from: Option<NaiveDateTime>,
    /// When the machine was back (`None`: still down).
    pub down_to: Option<NaiveDateTime>,
    /// A repair after a failure: counts in MTBF and MTTR.
    pub failure: bool,
}

impl OpenOrder {
    /// The repair hours of this order up to `until` (the end of the range): from its downtime
    /// start to its end, or to `until` while it is still down.
    pub fn repair_hours(&self, until: NaiveDateTime) -> f64 {
        let Some(start) = self.down_from else { return 0.0 };
        let end = self.down_to.map_or(until, |t| t.min(until));
        ((end - start).num_minutes() as f64 / 60.0).max(0.0)
    }
}

/// A failure and the hours its repair took.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Failure {
    pub date: NaiveDate,
    pub repair_hours: f64,
}

/// A preventive service that fell due, and when (if) it was done.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServiceDone {
    pub due: NaiveDate,
    pub done: Option<NaiveDate>,
}

/// A cost booked on a machine, in minor units of the currency the caller aggregates in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct CostEntry {
    pub date: NaiveDate,
    pub minor: i64,
}

/// One machine's history, borrowed; every slice sorted by date (services by due day).
#[derive(Debug, Clone, Copy)]
pub struct MachineHistory<'a> {
    pub machine: MachineId,
    pub model: ModelId,
    pub brand: &'a Brand,
    pub owner: OrganisationId,
    /// Mining-truck figures are summed only for mining trucks.
    pub mining: bool,
    /// First day on the books (commissioning).
    pub on_books: NaiveDate,
    /// First day off the books (decommissioning), if any.
    pub off_books: Option<NaiveDate>,
    pub states: &'a [StateSpan],
    /// Work orders not closed yet (their days and failures are not in `states`, `failures`).
    pub open_orders: &'a [OpenOrder],
    pub failures: &'a [Failure],
    pub services: &'a [ServiceDone],
    /// Due points of services that fell due and have not been done (sorted).
    pub services_missed: &'a [NaiveDate],
    pub costs: &'a [CostEntry],
    /// Cumulative odometer readings (date, km), one per day read, the day's last; the value
    /// of a day's reading is taken as the meter at the start of that day; empty without an
    /// odometer.
    pub odometer: &'a [(NaiveDate, i64)],
    /// Cumulative engine-hour readings (date, hours), as the odometer's.
    pub engine_hours: &'a [(NaiveDate, i64)],
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RangeError {
    #[error("date range from {from} to {to} is reversed")]
    Reversed { from: NaiveDate, to: NaiveDate },
    #[error("date range from {from} to {to} is empty")]
    Empty { from: NaiveDate, to: NaiveDate },
}

impl RangeError {
    pub fn key(&self) -> &'static str {
        match self {
            RangeError::Reversed { .. } => "fleet.error.range_reversed",
            RangeError::Empty { .. } => "fleet.error.range_empty",
        }
    }
    /// The field a form shows the error on.
    pub fn field(&self) -> &'static str {
        "to"
    }
}

/// Days from `from` (inclusive) to `to` (exclusive); never empty.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct DateRange {
    from: NaiveDate,
    to: NaiveDate,
}

impl DateRange {
    /// `[from, to)`: refuses `to < from` (reversed) and `to == from` (empty).
    pub fn new(from: NaiveDate, to: NaiveDate) -> Result<DateRange, RangeError> {
        match to.cmp(&from) {
            std::cmp::Ordering::Less => Err(RangeError::Reversed { from, to }),
            std::cmp::Ordering::Equal => Err(RangeError::Empty { from, to }),
            std::cmp::Ordering::Greater => Ok(DateRange { from, to }),
        }
    }

    /// First and last day both included, as forms enter them ("1 Jan – 31 Dec").
    pub fn inclusive(first: NaiveDate, last: NaiveDate) -> Result<DateRange, RangeError> {
        if last < first {
            return Err(RangeError::Reversed { from: first, to: last });
        }
        let to = last.succ_opt().ok_or(RangeError::Empty { from: first, to: last })?;
        DateRange::new(first, to)
    }

    pub fn from(&self) -> NaiveDate {
        self.from
    }
    pub fn to(&self) -> NaiveDate {
        self.to
    }
    pub fn days(&self) -> i64 {
        (self.to - self.from).num_days()
    }
}

/// Additive sums over machine-days; figures are computed from them ([`KpiSums::figures`]).
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub struct KpiSums {
    pub machines: u32,
    pub days_on_books: u64,
    pub days_ready: u64,
    /// Machine-days worked, of the machines whose worked days are known.
    pub days_worked: u64,
    /// Machine-days on the books of the machines whose worked days are known: КВ's
    /// denominator.
    #[serde(default)]
    pub kv_days_on_books: u64,
    /// Machines whose worked days are known.
    #[serde(default)]
    pub kv_machines: u32,
    /// Not-ready days by [`DowntimeReason`] (in `DowntimeReason::ALL` order).
    pub downtime_days: [u64; 5],
    pub failures: u64,
    pub repair_hours: f64,
    pub engine_hours: i64,
    pub km: i64,
    pub cost_minor: i64,
    /// The cost of machines with an odometer only: the numerator of cost per km, so tractors'
    /// costs are not spread over trucks' kilometres.
    pub cost_minor_with_km: i64,
    pub services_due: u64,
    pub services_on_time: u64,
    /// Mining time model, hours (mining trucks only).
    pub mining_w: f64,
    pub mining_r: f64,
    pub mining_s: f64,
    pub mining_t: f64,
}

impl KpiSums {
    pub fn add(&mut self, o: &KpiSums) {
        self.machines += o.machines;
        self.days_on_books += o.days_on_books;
        self.days_ready += o.days_ready;
        self.days_worked += o.days_worked;
        self.kv_days_on_books += o.kv_days_on_books;
        self.kv_machines += o.kv_machines;
        for (a, b) in self.downtime_days.iter_mut().zip(o.downtime_days) {
            *a += b;
        }
        self.failures += o.failures;
        self.repair_hours += o.repair_hours;
        self.engine_hours += o.engine_hours;
        self.km += o.km;
        self.cost_minor += o.cost_minor;
        self.cost_minor_with_km += o.cost_minor_with_km;
        self.services_due += o.services_due;
        self.services_on_time += o.services_on_time;
        self.mining_w += o.mining_w;
        self.mining_r += o.mining_r;
        self.mining_s += o.mining_s;
        self.mining_t += o.mining_t;
    }

    pub fn downtime(&self, reason: DowntimeReason) -> u64 {
        self.downtime_days[reason.index()]
    }

    pub fn figures(&self) -> Kpi {
        Kpi {
            ktg: ktg(self.days_ready, self.days_on_books),
            kv: kv(self.days_worked, self.kv_days_on_books),
            mtbf: mtbf(self.engine_hours as f64, self.failures),
            mttr: mttr(self.repair_hours, self.failures),
            availability: availability(self.engine_hours as f64, self.repair_hours, self.failures),
            preventive_on_time: preventive_on_time(self.services_on_time, self.services_due),
            cost_per_km: cost_per_unit(self.cost_minor_with_km, self.km),
            cost_per_engine_hour: cost_per_unit(self.cost_minor, self.engine_hours),
            mechanical_availability: mechanical_availability(self.mining_w, self.mining_r),
            physical_availability: physical_availability(self.mining_w, self.mining_s, self.mining_t),
            use_of_availability: use_of_availability(self.mining_w, self.mining_s),
        }
    }
}

/// The figures; `None` where the denominator is zero.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub struct Kpi {
    pub ktg: Option<f64>,
    pub kv: Option<f64>,
    pub mtbf: Option<f64>,
    pub mttr: Option<f64>,
    pub availability: Option<f64>,
    pub preventive_on_time: Option<f64>,
    /// Major currency units per km, two decimals.
    pub cost_per_km: Option<Decimal>,
    /// Major currency units per engine hour, two decimals.
    pub cost_per_engine_hour: Option<Decimal>,
    pub mechanical_availability: Option<f64>,
    pub physical_availability: Option<f64>,
    pub use_of_availability: Option<f64>,
}

fn ratio(num: f64, den: f64) -> Option<f64> {
    (den > 0.0).then(|| num / den)
}

/// КТГ, technical readiness coefficient = machine-days ready / machine-days on the books.
/// Days in repair, in maintenance or waiting (for parts, a technician, the customer) are not
/// ready; working and standby days are.
pub fn ktg(days_ready: u64, days_on_books: u64) -> Option<f64> {
    ratio(days_ready as f64, days_on_books as f64)
}

/// КВ, release coefficient = machine-days worked / machine-days on the books (of the machines
/// whose worked days are known).
pub fn kv(days_worked: u64, days_on_books: u64) -> Option<f64> {
    ratio(days_worked as f64, days_on_books as f64)
}

/// MTBF = operating (engine) hours / failures.
pub fn mtbf(operating_hours: f64, failures: u64) -> Option<f64> {
    ratio(operating_hours, failures as f64)
}

/// MTTR = repair hours / repairs (one repair per failure).
pub fn mttr(repair_hours: f64, repairs: u64) -> Option<f64> {
    ratio(repair_hours, repairs as f64)
}

/// Availability = MTBF / (MTBF + MTTR).
pub fn availability(operating_hours: f64, repair_hours: f64, failures: u64) -> Option<f64> {
    let (b, r) = (mtbf(operating_hours, failures)?, mttr(repair_hours, failures)?);
    ratio(b, b + r)
}

/// Share of preventive services done on time = services done on or before their due day /
/// services that fell due.
pub fn preventive_on_time(on_time: u64, due: u64) -> Option<f64> {
    ratio(on_time as f64, due as f64)
}

/// Cost per unit of use (km or engine hour) = cost / units, in major units, rounded to two
/// decimals (half to even).
pub fn cost_per_unit(cost_minor: i64, units: i64) -> Option<Decimal> {
    (units > 0).then(|| (Decimal::new(cost_minor, 2) / Decimal::from(units)).round_dp(2))
}

/// Mechanical availability = W / (W + R).
pub fn mechanical_availability(w: f64, r: f64) -> Option<f64> {
    ratio(w, w + r)
}

/// Physical availability = (W + S) / T.
pub fn physical_availability(w: f64, s: f64, t: f64) -> Option<f64> {
    ratio(w + s, t)
}

/// Use of availability = W / (W + S).
pub fn use_of_availability(w: f64, s: f64) -> Option<f64> {
    ratio(w, w + s)
}

/// How rows are grouped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GroupBy {
    Fleet,
    Machine,
    Model,
    Brand,
    Owner,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GroupKey {
    Fleet,
    Machine(MachineId),
    Model(ModelId),
    Brand(Brand),
    Owner(OrganisationId),
}

/// One row of the figures table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KpiRow {
    pub key: GroupKey,
    pub sums: KpiSums,
    pub kpi: Kpi,
}

/// Sums and figures per group over a range, rows ordered by key; machines not on the books in
/// the range are left out. (The range is valid by construction: see [`DateRange::new`].)
pub fn aggregate(histories: &[MachineHistory<'_>], range: DateRange, by: GroupBy) -> Vec<KpiRow> {
    let mut groups: HashMap<GroupKey, KpiSums> = HashMap::new();
    let mut machine_rows = Vec::new();
    for h in histories {
        let s = machine_sums(h, range);
        if s.machines == 0 {
            continue;
        }
        let key = match by {
            GroupBy::Fleet => GroupKey::Fleet,
            GroupBy::Machine => {
                machine_rows.push(KpiRow { key: GroupKey::Machine(h.machine), sums: s, kpi: s.figures() });
                continue;
            }
            GroupBy::Model => GroupKey::Model(h.model),
            GroupBy::Brand => GroupKey::Brand(h.brand.clone()),
            GroupBy::Owner => GroupKey::Owner(h.owner),
        };
        groups.entry(key).or_default().add(&s);
    }
    let mut rows: Vec<KpiRow> = if by == GroupBy::Machine {
        machine_rows
    } else {
        groups.into_iter().map(|(key, sums)| KpiRow { key, sums, kpi: sums.figures() }).collect()
    };
    rows.sort_by(|a, b| a.key.cmp(&b.key));
    rows
}
