//! When each machine's next service falls due: the cycle by meter and calendar, seasonal services, the due list.

use super::*;
use crate::fleet::meter::{MeterKind, MeterNow, MeterSnapshot, forecast_reach};
use crate::{MachineId, RegimeId};
use chrono::{Datelike, Days, NaiveDate};
use serde::{Deserialize, Serialize};
use std::cmp::Ordering;

/// The last cycle service done on a machine.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct CycleMark {
    /// The step reached (see [`Regime::step_after`]).
    pub step: u32,
    pub date: NaiveDate,
    /// Meter values at the service; a missing value falls back to the commissioning values.
    pub meters: MeterSnapshot,
}

/// Everything [`next_service`] needs for one machine, borrowed, with no heap of its own.
#[derive(Debug, Clone, Copy)]
pub struct MachineDueInput<'a> {
    pub machine: MachineId,
    pub regime: &'a Regime,
    pub factors: CorrectionFactors,
    pub commissioned_on: NaiveDate,
    /// Meter values at commissioning (usually zero).
    pub meters_at_commissioning: MeterSnapshot,
    pub last_cycle: Option<CycleMark>,
    /// The last day each seasonal service was done.
    pub last_seasonal: &'a [(ServiceKind, NaiveDate)],
    pub meters: MeterNow,
}

/// What made a service due first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Trigger {
    Meter(MeterKind),
    Calendar,
}

/// The next service of a machine.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct DueService {
    pub machine: MachineId,
    pub regime: RegimeId,
    pub kind: ServiceKind,
    /// The cycle step this service is (`None` for seasonal services).
    pub step: Option<u32>,
    /// The meter values it is due at (only meters with an interval and a known base).
    pub due_meters: MeterSnapshot,
    /// The calendar day it is due at, if the interval has days (or it is seasonal).
    pub due_date: Option<NaiveDate>,
    /// The earliest of the calendar day and the days the meters are forecast to reach their due
    /// values at their usage per day; `None` if nothing can be forecast (meters standing still
    /// and no calendar interval).
    pub forecast: Option<NaiveDate>,
    pub trigger: Option<Trigger>,
    /// A meter has reached its due value, or the forecast day is before `today`.
    pub overdue: bool,
}

impl DueService {
    /// Due-list order: overdue first, then by forecast day (unknown last), then machine.
    pub fn urgency_cmp(&self, other: &DueService) -> Ordering {
        other
            .overdue
            .cmp(&self.overdue)
            .then_with(|| match (self.forecast, other.forecast) {
                (Some(a), Some(b)) => a.cmp(&b),
                (Some(_), None) => Ordering::Less,
                (None, Some(_)) => Ordering::Greater,
                (None, None) => Ordering::Equal,
            })
            .then_with(|| self.machine.cmp(&other.machine))
    }
}

/// The first day `(month, day)` strictly after `last + window_days`.
pub(super) fn seasonal_due(s: &Seasonal, last: NaiveDate) -> Option<NaiveDate> {
    let threshold = last.checked_add_days(Days::new(u64::from(s.window_days)))?;
    let this_year = NaiveDate::from_ymd_opt(threshold.year(), u32::from(s.month), u32::from(s.day))?;
    if this_year > threshold {
        Some(this_year)
    } else {
        NaiveDate::from_ymd_opt(threshold.year() + 1, u32::from(s.month), u32::from(s.day))
    }
}

fn cycle_due(input: &MachineDueInput<'_>, today: NaiveDate) -> Option<DueService> {
    let regime = input.regime;
    if regime.cycle.is_empty() {
        return None;
    }
    let (base_step, base_date, base_meters) = match input.last_cycle {
        Some(m) => (m.step, m.date, m.meters),
        None => (0, input.commissioned_on, input.meters_at_commissioning),
    };
    let step = regime.next_step(base_step);
    let interval = regime.base.scaled(1, input.factors);
    let mut due = DueService {
        machine: input.machine,
        regime: regime.id,
        kind: regime.cycle[regime.level_at(step)].kind,
        step: Some(step),
        due_meters: MeterSnapshot::EMPTY,
        due_date: None,
        forecast: None,
        trigger: None,
        overdue: false,
    };
    for kind in MeterKind::ALL {
        let i = kind.index();
        let Some(iv) = interval.meters[i] else { continue };
        let Some(base) = base_meters.0[i].or(input.meters_at_commissioning.0[i]) else { continue };
        let target = base.saturating_add(i64::from(iv));
        due.due_meters.0[i] = Some(target);
        if let Some(state) = input.meters.0[i] {
            if state.value >= target {
                due.overdue = true;
            }
            if let Some(day) = forecast_reach(state, target)
                && due.forecast.is_none_or(|f| day < f)
            {
                due.forecast = Some(day);
                due.trigger = Some(Trigger::Meter(kind));
            }
        }
    }
    if let Some(days) = interval.days {
        let day = base_date.checked_add_days(Days::new(u64::from(days)));
        due.due_date = day;
        if let Some(day) = day
            && due.forecast.is_none_or(|f| day < f)
        {
            due.forecast = Some(day);
            due.trigger = Some(Trigger::Calendar);
        }
    }
    due.overdue |= due.forecast.is_some_and(|f| f < today);
    Some(due)
}

/// The most urgent next service of one machine, cycle or seasonal, or `None` when its regime
/// yields nothing. Allocates nothing.
pub fn next_service(input: &MachineDueInput<'_>, today: NaiveDate) -> Option<DueService> {
    let mut best = cycle_due(input, today);
    for s in &input.regime.seasonal {
        let last = input.last_seasonal.iter().find(|(k, _)| *k == s.kind).map_or(input.commissioned_on, |&(_, d)| d);
        let Some(day) = seasonal_due(s, last) else { continue };
        let candidate = DueService {
            machine: input.machine,
            regime: input.regime.id,
            kind: s.kind,
            step: None,
            due_meters: MeterSnapshot::EMPTY,
            due_date: Some(day),
            forecast: Some(day),
            trigger: Some(Trigger::Calendar),
            overdue: day < today,
        };
        if best.as_ref().is_none_or(|b| candidate.urgency_cmp(b) == Ordering::Less) {
            best = Some(candidate);
        }
    }
    best
}

/// Cumulative readings per meter kind (in [`MeterKind::index`] order), each `(day, value)`
/// sorted by day: what a due point is read from.
pub type MeterReadings<'a> = [&'a [(NaiveDate, i64)]; 3];

/// The day a service fell due by its regime, counted from the machine's last service of its
/// cycle (or its season): the calendar limit or the first day a meter reading reached its due
/// value, whichever came first. `kind` names the service done (a seasonal service is due on its
/// date; any other, or none named, is the cycle's next). `None` when the regime sets no limit
/// that was reached or dated.
pub fn due_point(
    input: &MachineDueInput<'_>,
    kind: Option<ServiceKind>,
    readings: MeterReadings<'_>,
) -> Option<NaiveDate> {
    if let Some(s) = kind.and_then(|k| input.regime.seasonal.iter().find(|s| s.kind == k)) {
        let last = input.last_seasonal.iter().find(|(k, _)| *k == s.kind).map_or(input.commissioned_on, |&(_, d)| d);
        return seasonal_due(s, last);
    }
    let due = cycle_due(input, input.commissioned_on)?;
    let mut point = due.due_date;
    for kind in MeterKind::ALL {
        let (Some(target), Some(series)) = (due.due_meters.0[kind.index()], readings.get(kind.index())) else {
            continue;
        };
        if let Some(&(day, _)) = series.iter().find(|(_, v)| *v >= target)
            && point.is_none_or(|p| day < p)
        {
            point = Some(day);
        }
    }
    point
}

/// Every machine's next service, overdue first, then by forecast day (unknown last).
/// One allocation for the result; decommissioned machines are the caller's to leave out.
pub fn due_list(inputs: &[MachineDueInput<'_>], today: NaiveDate) -> Vec<DueService> {
    let mut out = Vec::with_capacity(inputs.len());
    out.extend(inputs.iter().filter_map(|i| next_service(i, today)));
    out.sort_unstable_by(DueService::urgency_cmp);
    out
}
