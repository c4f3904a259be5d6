//! One machine's sums over a range: its days marked one by one, its failures, services, costs
//! and meter growth.

use super::{DateRange, DayState, KpiSums, MachineHistory, StateSpan};
use chrono::NaiveDate;

/// The cumulative value at the start of `date`, interpolated linearly between readings (held
/// flat before the first and after the last).
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

/// What the readings say of one day's use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Usage {
    Used,
    Idle,
    /// No reading on one side, or growth over a gap of several days: which of them were
    /// worked cannot be told.
    Unknown,
}

/// The use of `day` from readings taken as the meter at the start of their day: used when the
/// meter grew from `day` to the next day, idle when it stood still over the readings around
/// it, unknown otherwise.
fn usage(points: &[(NaiveDate, i64)], day: NaiveDate) -> Usage {
    let i = points.partition_point(|(d, _)| *d <= day);
    let (Some(&(d0, v0)), Some(&(d1, v1))) = (i.checked_sub(1).and_then(|j| points.get(j)), points.get(i)) else {
        return Usage::Unknown;
    };
    if v1 <= v0 {
        Usage::Idle
    } else if d0 == day && (d1 - d0).num_days() == 1 {
        Usage::Used
    } else {
        Usage::Unknown
    }
}

/// Marks the days of `[from, to)` inside the range `[start, start + marks.len())` with
/// `state`, where it outranks what is there.
fn mark(marks: &mut [u8], start: NaiveDate, from: NaiveDate, to: NaiveDate, state: DayState) {
    let len = marks.len() as i64;
    let a = (from - start).num_days().clamp(0, len) as usize;
    let b = (to - start).num_days().clamp(0, len) as usize;
    let rank = state.rank();
    for m in &mut marks[a..b.max(a)] {
        *m = (*m).max(rank);
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
    // Each day's state, the highest-ranking of the spans over it (spans may overlap: two
    // orders on one day count it once).
    let mut marks = vec![0u8; s.days_on_books as usize];
    let start = h.states.partition_point(|sp: &StateSpan| sp.to <= from);
    for sp in &h.states[start..] {
        if sp.from >= to {
            break;
        }
        mark(&mut marks, from, sp.from, sp.to, sp.state);
    }
    let range_end = range.to.and_time(chrono::NaiveTime::MIN);
    for o in h.open_orders {
        let Some(down) = o.down_from else { continue };
        let (a, b) = match o.down_to {
            Some(end) => super::downtime_days(down, end),
            None => (down.date(), to),
        };
        mark(&mut marks, from, a, b, o.state);
        if o.failure && (from..to).contains(&o.opened) {
            s.failures += 1;
            s.repair_hours += o.repair_hours(range_end);
        }
    }
    // Worked days come from the day states where they are recorded (a Working span anywhere
    // in the history), else from the readings.
    let recorded = h.states.iter().any(|sp| sp.state == DayState::Working);
    let usage_points = if h.engine_hours.is_empty() { h.odometer } else { h.engine_hours };
    let mut worked_known = recorded || !usage_points.is_empty();
    let mut not_ready = 0u64;
    for (i, m) in marks.iter().enumerate() {
        let state = DayState::BY_RANK[usize::from(*m)];
        if let Some(reason) = state.downtime() {
            s.downtime_days[reason.index()] += 1;
            not_ready += 1;
        } else if recorded {
            s.days_worked += u64::from(state == DayState::Working);
        } else if worked_known {
            match usage(usage_points, from + chrono::Days::new(i as u64)) {
                Usage::Used => s.days_worked += 1,
                Usage::Idle => {}
                Usage::Unknown => worked_known = false,
            }
        }
    }
    if worked_known {
        s.kv_machines = 1;
        s.kv_days_on_books = s.days_on_books;
    } else {
        s.days_worked = 0;
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
    s.services_due += h.services_missed.iter().filter(|d| (from..to).contains(*d)).count() as u64;
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
