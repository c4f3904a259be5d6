//! Meters: odometer, engine hours and fuel, several per machine; their readings; usage per day
//! and the forecast of when a value will be reached.
//!
//! Rules:
//! - readings of one physical meter never go backwards: a reading must be at least the last
//!   valid one on or before its date and at most the first valid one after it (late entries
//!   are allowed, in their place);
//! - a replaced meter starts a new *segment* with an offset, so the machine's cumulative value
//!   is `offset + reading` and runs on without a jump: the offset is the old meter's final
//!   cumulative value minus the new meter's first reading;
//! - a reading can be voided with a reason; a voided reading stays in the history but counts
//!   neither for validation nor for usage.
//!
//! Values are whole units (km, engine hours, litres). Meters on these machines show tenths of
//! an hour, but no interval or figure needs them; adapters round down, which keeps order.

use crate::{MachineId, MeterReadingId};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// What a meter counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MeterKind {
    /// Kilometres travelled.
    Odometer,
    /// Engine hours (моточасы).
    EngineHours,
    /// Litres of fuel used (from the fuel log or the CAN bus).
    Fuel,
}

impl MeterKind {
    pub const ALL: [MeterKind; 3] = [MeterKind::Odometer, MeterKind::EngineHours, MeterKind::Fuel];

    /// The position of this kind in per-kind arrays ([`MeterSnapshot`], [`MeterNow`]).
    pub const fn index(self) -> usize {
        match self {
            MeterKind::Odometer => 0,
            MeterKind::EngineHours => 1,
            MeterKind::Fuel => 2,
        }
    }

    pub fn key(self) -> &'static str {
        match self {
            MeterKind::Odometer => "fleet.meter.odometer",
            MeterKind::EngineHours => "fleet.meter.engine_hours",
            MeterKind::Fuel => "fleet.meter.fuel",
        }
    }

    /// The largest value a meter of this kind can show or a machine can reach: 10,000,000 km,
    /// 1,000,000 engine hours, 100,000,000 litres. A larger one is a typing mistake (or an
    /// attack) and is refused, which also keeps every sum of meter values far from overflow.
    pub const fn max_value(self) -> i64 {
        match self {
            MeterKind::Odometer => 10_000_000,
            MeterKind::EngineHours => 1_000_000,
            MeterKind::Fuel => 100_000_000,
        }
    }

    /// The key of the unit (km, h, l).
    pub fn unit_key(self) -> &'static str {
        match self {
            MeterKind::Odometer => "fleet.unit.km",
            MeterKind::EngineHours => "fleet.unit.engine_hours",
            MeterKind::Fuel => "fleet.unit.litres",
        }
    }
}

/// Cumulative values of a machine's meters at one moment, one slot per [`MeterKind`]; `None`
/// for a meter the machine lacks (a tractor has no odometer). Fixed size: no heap.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct MeterSnapshot(pub [Option<i64>; 3]);

impl MeterSnapshot {
    pub const EMPTY: MeterSnapshot = MeterSnapshot([None; 3]);
    /// All present meters at zero (a new machine), absent ones `None`.
    pub fn zero(kinds: &[MeterKind]) -> MeterSnapshot {
        let mut s = MeterSnapshot::EMPTY;
        for k in kinds {
            s.0[k.index()] = Some(0);
        }
        s
    }
    pub fn get(&self, kind: MeterKind) -> Option<i64> {
        self.0[kind.index()]
    }
    pub fn with(mut self, kind: MeterKind, value: i64) -> MeterSnapshot {
        self.0[kind.index()] = Some(value);
        self
    }
}

/// The latest known cumulative value of one meter and its recent usage per day.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct MeterState {
    pub value: i64,
    /// The day of the reading `value` comes from.
    pub read_on: NaiveDate,
    /// Average usage per day (see [`MeterSeries::usage_per_day`]); 0 when unknown.
    pub per_day: f64,
}

/// The current state of every meter of a machine, one slot per [`MeterKind`].
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub struct MeterNow(pub [Option<MeterState>; 3]);

impl MeterNow {
    pub fn get(&self, kind: MeterKind) -> Option<MeterState> {
        self.0[kind.index()]
    }
    pub fn with(mut self, kind: MeterKind, state: MeterState) -> MeterNow {
        self.0[kind.index()] = Some(state);
        self
    }
    /// The values alone.
    pub fn snapshot(&self) -> MeterSnapshot {
        MeterSnapshot(self.0.map(|s| s.map(|s| s.value)))
    }
}

/// Why a reading was voided.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum VoidReason {
    Mistyped,
    WrongMachine,
    MeterFault,
    Duplicate,
    /// Free text as entered by the user.
    Other(String),
}

/// One reading as shown on the physical meter.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reading {
    pub id: MeterReadingId,
    pub date: NaiveDate,
    /// The value shown on the meter (not cumulative).
    pub value: i64,
    pub voided: Option<VoidReason>,
}

impl Reading {
    pub fn new(id: MeterReadingId, date: NaiveDate, value: i64) -> Reading {
        Reading { id, date, value, voided: None }
    }
    pub fn is_valid(&self) -> bool {
        self.voided.is_none()
    }
}

/// The readings of one physical meter.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Segment {
    pub started_on: NaiveDate,
    /// Added to this meter's readings to give the machine's cumulative value.
    pub offset: i64,
    /// What the meter showed when fitted: the floor for its first reading.
    pub initial: i64,
    /// Sorted by date; readings of the same day in entry order.
    pub readings: Vec<Reading>,
}

impl Segment {
    fn last_valid_value(&self) -> i64 {
        self.readings.iter().rev().find(|r| r.is_valid()).map_or(self.initial, |r| r.value)
    }
}

/// Why a reading or a meter change was refused. Every variant names machine and meter.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MeterError {
    #[error("machine {machine}, {meter:?}: reading {value} is lower than the last reading {last} of {last_date}")]
    Backwards { machine: MachineId, meter: MeterKind, value: i64, last: i64, last_date: NaiveDate },
    #[error("machine {machine}, {meter:?}: reading {value} is higher than the later reading {next} of {next_date}")]
    AboveLater { machine: MachineId, meter: MeterKind, value: i64, next: i64, next_date: NaiveDate },
    #[error("machine {machine}, {meter:?}: reading {value} is negative")]
    Negative { machine: MachineId, meter: MeterKind, value: i64 },
    #[error("machine {machine}, {meter:?}: value {value} is above the largest possible {max}")]
    TooLarge { machine: MachineId, meter: MeterKind, value: i64, max: i64 },
    #[error("machine {machine}, {meter:?}: reading of {date} is before the meter was fitted on {started_on}")]
    BeforeMeter { machine: MachineId, meter: MeterKind, date: NaiveDate, started_on: NaiveDate },
    #[error("machine {machine}, {meter:?}: meter replaced on {date}, before the last reading of {last_date}")]
    ReplacedBeforeLastReading { machine: MachineId, meter: MeterKind, date: NaiveDate, last_date: NaiveDate },
    #[error("machine {machine}, {meter:?}: no reading {reading}")]
    UnknownReading { machine: MachineId, meter: MeterKind, reading: MeterReadingId },
    #[error("machine {machine}, {meter:?}: reading {reading} is already voided")]
    AlreadyVoided { machine: MachineId, meter: MeterKind, reading: MeterReadingId },
}

impl MeterError {
    pub fn key(&self) -> &'static str {
        match self {
            MeterError::Backwards { .. } => "fleet.error.meter_backwards",
            MeterError::AboveLater { .. } => "fleet.error.meter_above_later",
            MeterError::Negative { .. } => "fleet.error.meter_negative",
            MeterError::TooLarge { .. } => "fleet.error.meter_too_large",
            MeterError::BeforeMeter { .. } => "fleet.error.meter_before_fitted",
            MeterError::ReplacedBeforeLastReading { .. } => "fleet.error.meter_replaced_early",
            MeterError::UnknownReading { .. } => "fleet.error.meter_unknown_reading",
            MeterError::AlreadyVoided { .. } => "fleet.error.meter_already_voided",
        }
    }
}

/// All readings of one meter kind of one machine, across replaced meters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MeterSeries {
    pub machine: MachineId,
    pub kind: MeterKind,
    /// At least one; sorted by `started_on`.
    segments: Vec<Segment>,
}

impl MeterSeries {
    /// A series whose first meter was fitted on `started_on` showing `initial` (cumulative value
    /// `initial`, offset 0).
    pub fn new(machine: MachineId, kind: MeterKind, started_on: NaiveDate, initial: i64) -> MeterSeries {
        MeterSeries { machine, kind, segments: vec![Segment { started_on, offset: 0, initial, readings: Vec::new() }] }
    }

    pub fn segments(&self) -> &[Segment] {
        &self.segments
    }

    /// Adds a reading in its place and returns its cumulative value, or refuses it when it
    /// would make the meter go backwards. Voided readings are ignored by the check.
    pub fn add(&mut self, reading: Reading) -> Result<i64, MeterError> {
        let (machine, meter, value, date) = (self.machine, self.kind, reading.value, reading.date);
        if value < 0 {
            return Err(MeterError::Negative { machine, meter, value });
        }
        let max = meter.max_value();
        if value > max {
            return Err(MeterError::TooLarge { machine, meter, value, max });
        }
        let seg_index = self.segments.partition_point(|s| s.started_on <= date);
        if seg_index == 0 {
            return Err(MeterError::BeforeMeter { machine, meter, date, started_on: self.segments[0].started_on });
        }
        let seg = &mut self.segments[seg_index - 1];
        let pos = seg.readings.partition_point(|r| r.date <= date);
        let prev = seg.readings[..pos].iter().rev().find(|r| r.is_valid());
        let (last, last_date) = prev.map_or((seg.initial, seg.started_on), |r| (r.value, r.date));
        if value < last {
            return Err(MeterError::Backwards { machine, meter, value, last, last_date });
        }
        if let Some(next) = seg.readings[pos..].iter().find(|r| r.is_valid())
            && value > next.value
        {
            return Err(MeterError::AboveLater { machine, meter, value, next: next.value, next_date: next.date });
        }
        let cumulative = seg.offset.checked_add(value).ok_or(MeterError::TooLarge { machine, meter, value, max })?;
        seg.readings.insert(pos, reading);
        Ok(cumulative)
    }

    /// Voids a reading, keeping it in the history.
    pub fn void(&mut self, reading: MeterReadingId, reason: VoidReason) -> Result<(), MeterError> {
        let (machine, meter) = (self.machine, self.kind);
        let r = self
            .segments
            .iter_mut()
            .flat_map(|s| s.readings.iter_mut())
            .find(|r| r.id == reading)
            .ok_or(MeterError::UnknownReading { machine, meter, reading })?;
        if r.voided.is_some() {
            return Err(MeterError::AlreadyVoided { machine, meter, reading });
        }
        r.voided = Some(reason);
        Ok(())
    }

    /// A new meter fitted on `date`, showing `new_initial`. `old_final` is the old meter's last
    /// value if it was read at removal (it must not be below its last reading); otherwise its last
    /// valid reading is taken. The new offset makes the cumulative value continue from there.
    pub fn replace(&mut self, date: NaiveDate, old_final: Option<i64>, new_initial: i64) -> Result<(), MeterError> {
        let (machine, meter) = (self.machine, self.kind);
        if new_initial < 0 {
            return Err(MeterError::Negative { machine, meter, value: new_initial });
        }
        let max = meter.max_value();
        if let Some(value) = [Some(new_initial), old_final].into_iter().flatten().find(|v| *v > max) {
            return Err(MeterError::TooLarge { machine, meter, value, max });
        }
        let Some(seg) = self.segments.last() else {
            return Err(MeterError::BeforeMeter { machine, meter, date, started_on: date });
        };
        if let Some(last) = seg.readings.iter().rev().find(|r| r.is_valid())
            && last.date > date
        {
            return Err(MeterError::ReplacedBeforeLastReading { machine, meter, date, last_date: last.date });
        }
        if date < seg.started_on {
            return Err(MeterError::BeforeMeter { machine, meter, date, started_on: seg.started_on });
        }
        let last = seg.last_valid_value();
        let final_value = match old_final {
            Some(v) if v < last => {
                let last_date = seg.readings.iter().rev().find(|r| r.is_valid()).map_or(seg.started_on, |r| r.date);
                return Err(MeterError::Backwards { machine, meter, value: v, last, last_date });
            }
            Some(v) => v,
            None => last,
        };
        let offset = seg
            .offset
            .checked_add(final_value)
            .and_then(|v| v.checked_sub(new_initial))
            .ok_or(MeterError::TooLarge { machine, meter, value: final_value, max })?;
        self.segments.push(Segment { started_on: date, offset, initial: new_initial, readings: Vec::new() });
        Ok(())
    }

    /// Valid readings as (date, cumulative value), in order, across all meters.
    pub fn cumulative(&self) -> impl Iterator<Item = (NaiveDate, i64)> + '_ {
        self.segments.iter().flat_map(|s| {
            s.readings.iter().filter(|r| r.is_valid()).map(move |r| (r.date, s.offset.saturating_add(r.value)))
        })
    }

    /// The latest valid reading as (date, cumulative value).
    pub fn latest(&self) -> Option<(NaiveDate, i64)> {
        self.segments.iter().rev().find_map(|s| {
            s.readings.iter().rev().find(|r| r.is_valid()).map(|r| (r.date, s.offset.saturating_add(r.value)))
        })
    }

    /// The last valid cumulative value on or before `date`.
    pub fn value_on(&self, date: NaiveDate) -> Option<i64> {
        self.cumulative().take_while(|(d, _)| *d <= date).last().map(|(_, v)| v)
    }

    /// Average usage per day over the `window_days` up to `today`: the growth of the cumulative
    /// value from the last valid reading on or before the window's start (or the first reading
    /// inside the window) to the last reading on or before `today`, divided by the days between
    /// those two readings. `None` with fewer than two readings on different days.
    pub fn usage_per_day(&self, today: NaiveDate, window_days: u32) -> Option<f64> {
        let start = today.checked_sub_days(chrono::Days::new(u64::from(window_days)))?;
        let mut base: Option<(NaiveDate, i64)> = None;
        let mut end: Option<(NaiveDate, i64)> = None;
        for (d, v) in self.cumulative() {
            if d > today {
                break;
            }
            if d <= start || base.is_none() {
                base = Some((d, v));
            }
            end = Some((d, v));
        }
        let ((d0, v0), (d1, v1)) = (base?, end?);
        let days = (d1 - d0).num_days();
        (days > 0).then(|| v1.saturating_sub(v0) as f64 / days as f64)
    }

    /// The state the due list needs: latest value and usage per day over the window.
    pub fn state(&self, today: NaiveDate, window_days: u32) -> Option<MeterState> {
        let (read_on, value) = self.latest()?;
        Some(MeterState { value, read_on, per_day: self.usage_per_day(today, window_days).unwrap_or(0.0) })
    }
}

/// The day a meter at `state` reaches `target` at its usage per day: the reading day plus
/// `ceil((target - value) / per_day)` days. The reading day itself when already reached; `None`
/// when it is not reached and the meter is not moving (or not within a century).
pub fn forecast_reach(state: MeterState, target: i64) -> Option<NaiveDate> {
    if state.value >= target {
        return Some(state.read_on);
    }
    if state.per_day <= 0.0 || !state.per_day.is_finite() {
        return None;
    }
    let days = (target.saturating_sub(state.value) as f64 / state.per_day).ceil();
    if days > 36_500.0 {
        return None;
    }
    state.read_on.checked_add_days(chrono::Days::new(days as u64))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fleet::machine::tests::d;

    fn rid(n: u64) -> MeterReadingId {
        MeterReadingId::new_at(n, [0; 10])
    }

    fn series() -> MeterSeries {
        MeterSeries::new(MachineId::new_at(7, [0; 10]), MeterKind::Odometer, d(2024, 1, 1), 0)
    }

    #[test]
    fn absurd_values_are_refused_and_nothing_overflows() {
        let mut s = series();
        let max = MeterKind::Odometer.max_value();
        for value in [max + 1, i64::MAX - 1, i64::MAX] {
            assert_eq!(
                s.add(Reading::new(rid(1), d(2024, 1, 10), value)),
                Err(MeterError::TooLarge { machine: s.machine, meter: MeterKind::Odometer, value, max })
            );
        }
        assert_eq!(s.add(Reading::new(rid(1), d(2024, 1, 10), max)), Ok(max));
        assert!(matches!(s.replace(d(2024, 2, 1), Some(i64::MAX), 0), Err(MeterError::TooLarge { .. })));
        assert!(matches!(s.replace(d(2024, 2, 1), None, i64::MAX), Err(MeterError::TooLarge { .. })));
        assert_eq!(
            s.add(Reading::new(rid(2), d(2024, 1, 20), i64::MIN)).map_err(|e| e.key()),
            Err("fleet.error.meter_negative")
        );
        // Meters replaced at their maximum again and again keep adding up without overflow.
        s.replace(d(2024, 2, 1), None, 0).expect("replace");
        assert_eq!(s.add(Reading::new(rid(3), d(2024, 2, 2), max)), Ok(2 * max));
        assert_eq!(s.latest(), Some((d(2024, 2, 2), 2 * max)));
        let state = MeterState { value: i64::MAX - 1, read_on: d(2024, 1, 1), per_day: 1.0 };
        assert_eq!(forecast_reach(state, i64::MIN), Some(d(2024, 1, 1)));
        let low = MeterState { value: i64::MIN, read_on: d(2024, 1, 1), per_day: 1.0 };
        assert_eq!(forecast_reach(low, i64::MAX), None, "beyond a century");
        assert_eq!(MeterKind::EngineHours.max_value(), 1_000_000);
    }

    #[test]
    fn readings_never_go_backwards() {
        let mut s = series();
        assert_eq!(s.add(Reading::new(rid(1), d(2024, 1, 10), 1_000)), Ok(1_000));
        assert_eq!(s.add(Reading::new(rid(2), d(2024, 1, 20), 2_000)), Ok(2_000));
        let err = s.add(Reading::new(rid(3), d(2024, 1, 25), 1_500)).unwrap_err();
        assert_eq!(
            err,
            MeterError::Backwards {
                machine: s.machine,
                meter: MeterKind::Odometer,
                value: 1_500,
                last: 2_000,
                last_date: d(2024, 1, 20)
            }
        );
        // A late entry must fit between its neighbours.
        assert_eq!(s.add(Reading::new(rid(4), d(2024, 1, 15), 1_400)), Ok(1_400));
        assert!(matches!(
            s.add(Reading::new(rid(5), d(2024, 1, 12), 1_500)),
            Err(MeterError::AboveLater { next: 1_400, .. })
        ));
        assert!(matches!(s.add(Reading::new(rid(6), d(2023, 12, 31), 0)), Err(MeterError::BeforeMeter { .. })));
        assert!(matches!(s.add(Reading::new(rid(7), d(2024, 2, 1), -1)), Err(MeterError::Negative { .. })));
    }

    #[test]
    fn voided_readings_are_ignored() {
        let mut s = series();
        s.add(Reading::new(rid(1), d(2024, 1, 10), 1_000)).expect("ok");
        s.add(Reading::new(rid(2), d(2024, 1, 20), 10_000)).expect("mistyped but accepted");
        assert!(s.add(Reading::new(rid(3), d(2024, 1, 25), 2_000)).is_err());
        s.void(rid(2), VoidReason::Mistyped).expect("void");
        assert_eq!(
            s.void(rid(2), VoidReason::Duplicate),
            Err(MeterError::AlreadyVoided { machine: s.machine, meter: MeterKind::Odometer, reading: rid(2) })
        );
        assert!(matches!(s.void(rid(99), VoidReason::Duplicate), Err(MeterError::UnknownReading { .. })));
        assert_eq!(s.add(Reading::new(rid(3), d(2024, 1, 25), 2_000)), Ok(2_000));
        assert_eq!(s.cumulative().collect::<Vec<_>>(), vec![(d(2024, 1, 10), 1_000), (d(2024, 1, 25), 2_000)]);
        assert_eq!(s.latest(), Some((d(2024, 1, 25), 2_000)));
    }

    #[test]
    fn replaced_meter_continues_with_offset() {
        let mut s = series();
        s.add(Reading::new(rid(1), d(2024, 1, 10), 120_000)).expect("ok");
        // Old meter read 120,500 at removal; the new one shows 15.
        assert!(matches!(s.replace(d(2024, 1, 5), None, 15), Err(MeterError::ReplacedBeforeLastReading { .. })));
        assert!(matches!(s.replace(d(2024, 2, 1), Some(100), 15), Err(MeterError::Backwards { .. })));
        s.replace(d(2024, 2, 1), Some(120_500), 15).expect("replace");
        assert_eq!(s.segments()[1].offset, 120_485);
        // 15 -> 1,015 on the new meter is 120,500 -> 121,500 cumulative.
        assert_eq!(s.add(Reading::new(rid(2), d(2024, 2, 11), 1_015)), Ok(121_500));
        // A reading lower than the new meter's start is refused.
        assert!(matches!(
            s.add(Reading::new(rid(3), d(2024, 2, 12), 10)),
            Err(MeterError::Backwards { last: 1_015, .. })
        ));
        assert_eq!(s.value_on(d(2024, 2, 1)), Some(120_000));
        // Usage from 10 Jan (120,000) to 11 Feb (121,500): 1,500 km in 32 days.
        assert_eq!(s.usage_per_day(d(2024, 2, 11), 60), Some(1_500.0 / 32.0));
    }

    #[test]
    fn usage_over_window_and_forecast() {
        let mut s = series();
        for (i, (day, v)) in [(1, 100), (11, 300), (21, 500), (31, 1_100)].into_iter().enumerate() {
            s.add(Reading::new(rid(i as u64), d(2024, 3, day), v)).expect("ok");
        }
        // Window of 10 days up to 31 March: base is the reading of 21 March (on the window start).
        assert_eq!(s.usage_per_day(d(2024, 3, 31), 10), Some(60.0));
        // Window of 20 days up to 25 March: base 1 March? no: start 5 March, base = 1 March reading;
        // end = 21 March; (500 - 100) / 20 = 20.
        assert_eq!(s.usage_per_day(d(2024, 3, 25), 20), Some(20.0));
        // Window starts after every reading but one: only the first inside counts as base.
        assert_eq!(s.usage_per_day(d(2024, 3, 2), 1), None);
        let state = s.state(d(2024, 3, 31), 10).expect("state");
        // 1,100 + 60/day reaches 1,400 after 5 days, 1,401 after 6 (ceil).
        assert_eq!(forecast_reach(state, 1_400), Some(d(2024, 4, 5)));
        assert_eq!(forecast_reach(state, 1_401), Some(d(2024, 4, 6)));
        assert_eq!(forecast_reach(state, 1_000), Some(d(2024, 3, 31)));
        assert_eq!(forecast_reach(MeterState { per_day: 0.0, ..state }, 2_000), None);
    }
}
