//! Readiness and efficiency figures per machine, model, brand, owner or the whole fleet, over a
//! date range.
//!
//! Input is compact: per machine, the days it is on the books, its *day states* as sorted,
//! non-overlapping spans (a day not covered by a span is a standby day: ready, not worked),
//! failures with their repair hours, preventive services with their due and done days, costs,
//! and cumulative meter checkpoints. One pass per machine yields additive sums
//! ([`KpiSums`]); the figures ([`Kpi`]) are ratios of summed sums, so a model's КТГ is its
//! machine-days ready over its machine-days on the books, never an average of machine ratios.
//!
//! Mining-truck figures use the time model W (working), R (repair and maintenance), S (standby),
//! T (calendar): W is engine hours operated, R the hours of not-ready days, T the hours on the
//! books, S = T − W − R. At day granularity physical availability (W+S)/T equals КТГ; the two
//! differ once downtime is counted in hours.

use crate::fleet::machine::Brand;
use crate::{MachineId, ModelId, OrganisationId};
use chrono::NaiveDate;
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
    pub failures: &'a [Failure],
    pub services: &'a [ServiceDone],
    pub costs: &'a [CostEntry],
    /// Cumulative odometer checkpoints (date, km); empty without an odometer.
    pub odometer: &'a [(NaiveDate, i64)],
    /// Cumulative engine-hour checkpoints (date, hours).
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
    pub days_worked: u64,
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
            kv: kv(self.days_worked, self.days_on_books),
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

/// КВ, release coefficient = machine-days worked / machine-days on the books.
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

/// The cumulative value at the start of `date`, interpolated linearly between checkpoints
/// (held flat before the first and after the last).
fn value_at(points: &[(NaiveDate, i64)], date: NaiveDate) -> Option<i64> {
    let i = points.partition_point(|(d, _)| *d < date);
    match (i.checked_sub(1).and_then(|j| points.get(j)), points.get(i)) {
        (None, None) => None,
        (Some(&(_, v)), None) | (None, Some(&(_, v))) => Some(v),
        (Some(&(d0, v0)), Some(&(d1, v1))) => {
            let span = (d1 - d0).num_days();
            if span <= 0 {
                return Some(v1);
            }
            let part = (date - d0).num_days();
            Some(v0 + (v1 - v0) * part / span)
        }
    }
}

fn growth(points: &[(NaiveDate, i64)], from: NaiveDate, to: NaiveDate) -> i64 {
    match (value_at(points, from), value_at(points, to)) {
        (Some(a), Some(b)) => (b - a).max(0),
        _ => 0,
    }
}

/// The sums of one machine over a range (zero machines when it is not on the books in it).
pub fn machine_sums(h: &MachineHistory<'_>, range: DateRange) -> KpiSums {
    let mut s = KpiSums::default();
    let from = h.on_books.max(range.from);
    let to = h.off_books.map_or(range.to, |off| off.min(range.to));
    if to <= from {
        return s;
    }
    s.machines = 1;
    s.days_on_books = (to - from).num_days() as u64;
    let start = h.states.partition_point(|sp| sp.to <= from);
    let mut not_ready = 0u64;
    for sp in &h.states[start..] {
        if sp.from >= to {
            break;
        }
        let days = (sp.to.min(to) - sp.from.max(from)).num_days().max(0) as u64;
        match sp.state.downtime() {
            Some(reason) => {
                s.downtime_days[reason.index()] += days;
                not_ready += days;
            }
            None if sp.state == DayState::Working => s.days_worked += days,
            None => {}
        }
    }
    s.days_ready = s.days_on_books.saturating_sub(not_ready);
    // Slices are sorted by date: binary-search the range instead of scanning the whole history.
    let (f0, f1) = (h.failures.partition_point(|f| f.date < from), h.failures.partition_point(|f| f.date < to));
    for f in &h.failures[f0..f1.max(f0)] {
        s.failures += 1;
        s.repair_hours += f.repair_hours;
    }
    let (v0, v1) = (h.services.partition_point(|v| v.due < from), h.services.partition_point(|v| v.due < to));
    for sv in &h.services[v0..v1.max(v0)] {
        s.services_due += 1;
        s.services_on_time += u64::from(sv.done.is_some_and(|d| d <= sv.due));
    }
    let (c0, c1) = (h.costs.partition_point(|c| c.date < from), h.costs.partition_point(|c| c.date < to));
    s.cost_minor = h.costs[c0..c1.max(c0)].iter().map(|c| c.minor).sum();
    s.km = growth(h.odometer, from, to);
    if !h.odometer.is_empty() {
        s.cost_minor_with_km = s.cost_minor;
    }
    s.engine_hours = growth(h.engine_hours, from, to);
    if h.mining {
        s.mining_t = s.days_on_books as f64 * 24.0;
        s.mining_r = not_ready as f64 * 24.0;
        s.mining_w = (s.engine_hours as f64).min(s.mining_t - s.mining_r).max(0.0);
        s.mining_s = (s.mining_t - s.mining_w - s.mining_r).max(0.0);
    }
    s
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fleet::machine::tests::d;

    fn span(from: NaiveDate, to: NaiveDate, state: DayState) -> StateSpan {
        StateSpan { from, to, state }
    }

    #[test]
    fn ranges_refuse_reversed_and_empty() {
        assert_eq!(
            DateRange::new(d(2024, 2, 1), d(2024, 1, 1)),
            Err(RangeError::Reversed { from: d(2024, 2, 1), to: d(2024, 1, 1) })
        );
        assert!(matches!(DateRange::new(d(2024, 1, 1), d(2024, 1, 1)), Err(RangeError::Empty { .. })));
        assert_eq!(DateRange::inclusive(d(2024, 1, 1), d(2024, 12, 31)).map(|r| r.days()), Ok(366));
        assert_eq!(DateRange::inclusive(d(2024, 1, 1), d(2024, 1, 1)).map(|r| r.days()), Ok(1));
    }

    #[test]
    fn formulas_by_hand() {
        assert_eq!(ktg(90, 100), Some(0.9));
        assert_eq!(ktg(0, 0), None);
        assert_eq!(kv(60, 100), Some(0.6));
        assert_eq!(mtbf(1_000.0, 4), Some(250.0));
        assert_eq!(mtbf(1_000.0, 0), None);
        assert_eq!(mttr(20.0, 4), Some(5.0));
        // 250 / (250 + 5)
        assert_eq!(availability(1_000.0, 20.0, 4), Some(250.0 / 255.0));
        assert_eq!(preventive_on_time(3, 4), Some(0.75));
        // 1,234,567.89 ₽ over 98,765 km = 12.5001… → 12.50.
        assert_eq!(cost_per_unit(123_456_789, 98_765), Some(Decimal::new(1250, 2)));
        assert_eq!(cost_per_unit(1, 0), None);
        assert_eq!(mechanical_availability(600.0, 200.0), Some(0.75));
        assert_eq!(physical_availability(600.0, 120.0, 960.0), Some(0.75));
        assert_eq!(use_of_availability(600.0, 120.0), Some(600.0 / 720.0));
    }

    #[test]
    fn one_machine_over_a_range() {
        let brand = Brand::Belaz;
        let states = [
            span(d(2024, 1, 1), d(2024, 1, 6), DayState::Working),
            span(d(2024, 1, 8), d(2024, 1, 10), DayState::Repair),
            span(d(2024, 1, 10), d(2024, 1, 12), DayState::WaitingForParts),
            span(d(2024, 1, 12), d(2024, 1, 20), DayState::Working),
            span(d(2024, 1, 25), d(2024, 1, 26), DayState::Maintenance),
            span(d(2024, 1, 26), d(2024, 2, 10), DayState::Working),
        ];
        let failures =
            [Failure { date: d(2024, 1, 8), repair_hours: 30.0 }, Failure { date: d(2024, 2, 5), repair_hours: 6.0 }];
        let services = [
            ServiceDone { due: d(2024, 1, 25), done: Some(d(2024, 1, 25)) },
            ServiceDone { due: d(2024, 1, 28), done: Some(d(2024, 1, 29)) },
            ServiceDone { due: d(2024, 1, 30), done: None },
            ServiceDone { due: d(2024, 3, 1), done: None },
        ];
        let costs = [CostEntry { date: d(2024, 1, 9), minor: 10_000_000 }, CostEntry { date: d(2024, 2, 1), minor: 1 }];
        let hours = [(d(2024, 1, 1), 1_000), (d(2024, 1, 11), 1_100), (d(2024, 2, 10), 1_400)];
        let km = [(d(2024, 1, 1), 50_000), (d(2024, 2, 1), 53_100)];
        let h = MachineHistory {
            machine: MachineId::new_at(1, [0; 10]),
            model: ModelId::new_at(1, [0; 10]),
            brand: &brand,
            owner: OrganisationId::new_at(1, [0; 10]),
            mining: true,
            on_books: d(2023, 6, 1),
            off_books: None,
            states: &states,
            failures: &failures,
            services: &services,
            costs: &costs,
            odometer: &km,
            engine_hours: &hours,
        };
        // January 2024: 31 days on the books.
        let jan = DateRange::new(d(2024, 1, 1), d(2024, 2, 1)).expect("range");
        let s = machine_sums(&h, jan);
        assert_eq!(s.days_on_books, 31);
        // Not ready: repair 2 + parts 2 + maintenance 1 = 5; ready 26.
        assert_eq!(s.days_ready, 26);
        assert_eq!(s.downtime(DowntimeReason::Repair), 2);
        assert_eq!(s.downtime(DowntimeReason::WaitingForParts), 2);
        assert_eq!(s.downtime(DowntimeReason::Maintenance), 1);
        // Worked: 5 + 8 + 6 (26..31 Jan) = 19.
        assert_eq!(s.days_worked, 19);
        // Hours: at 1 Feb, 1,100 + 300 × 21/30 = 1,310; used 310.
        assert_eq!(s.engine_hours, 310);
        assert_eq!(s.km, 3_100);
        assert_eq!((s.failures, s.repair_hours), (1, 30.0));
        assert_eq!((s.services_due, s.services_on_time), (3, 1));
        assert_eq!(s.cost_minor, 10_000_000);
        let k = s.figures();
        assert_eq!(k.ktg, Some(26.0 / 31.0));
        assert_eq!(k.kv, Some(19.0 / 31.0));
        assert_eq!(k.mtbf, Some(310.0));
        assert_eq!(k.mttr, Some(30.0));
        // 100,000 ₽ / 3,100 km = 32.26; / 310 h = 322.58.
        assert_eq!(k.cost_per_km, Some(Decimal::new(3226, 2)));
        assert_eq!(k.cost_per_engine_hour, Some(Decimal::new(32258, 2)));
        // T = 744 h, R = 120, W = 310, S = 314.
        assert_eq!((s.mining_t, s.mining_r, s.mining_w, s.mining_s), (744.0, 120.0, 310.0, 314.0));
        assert_eq!(k.mechanical_availability, Some(310.0 / 430.0));
        assert_eq!(k.physical_availability, Some(624.0 / 744.0));
        assert_eq!(k.use_of_availability, Some(310.0 / 624.0));
        // Decommissioned on 16 January: 15 days on the books.
        let gone = MachineHistory { off_books: Some(d(2024, 1, 16)), ..h };
        assert_eq!(machine_sums(&gone, jan).days_on_books, 15);
        // Commissioned after the range: not counted.
        let later = MachineHistory { on_books: d(2024, 3, 1), ..h };
        assert_eq!(machine_sums(&later, jan).machines, 0);
    }

    fn bare<'a>(n: u64, brand: &'a Brand, states: &'a [StateSpan]) -> MachineHistory<'a> {
        MachineHistory {
            machine: MachineId::new_at(n, [0; 10]),
            model: ModelId::new_at(n, [0; 10]),
            brand,
            owner: OrganisationId::new_at(1, [0; 10]),
            mining: false,
            on_books: d(2023, 1, 1),
            off_books: None,
            states,
            failures: &[],
            services: &[],
            costs: &[],
            odometer: &[],
            engine_hours: &[],
        }
    }

    #[test]
    fn groups_sum_before_dividing() {
        let (maz, mtz) = (Brand::Maz, Brand::Mtz);
        let repair = [span(d(2024, 1, 1), d(2024, 1, 11), DayState::Repair)];
        let hs = [bare(1, &maz, &repair), bare(2, &maz, &[]), bare(3, &mtz, &[])];
        let range = DateRange::new(d(2024, 1, 1), d(2024, 1, 21)).expect("range");
        let rows = aggregate(&hs, range, GroupBy::Brand);
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].key, GroupKey::Brand(Brand::Maz));
        // MAZ: 40 machine-days, 10 of them in repair: КТГ 30 / 40.
        assert_eq!(rows[0].kpi.ktg, Some(0.75));
        assert_eq!(rows[1].kpi.ktg, Some(1.0));
        let fleet = aggregate(&hs, range, GroupBy::Fleet);
        assert_eq!(fleet[0].sums.days_on_books, 60);
        assert_eq!(fleet[0].kpi.ktg, Some(50.0 / 60.0));
        assert_eq!(aggregate(&hs, range, GroupBy::Machine).len(), 3);
        assert_eq!(aggregate(&hs, range, GroupBy::Owner).len(), 1);
    }
}
