//! Meeting times across two time zones: Minsk (Europe/Minsk, UTC+3) and Khabarovsk (which keeps
//! Asia/Vladivostok's offset, UTC+10).
//!
//! Times are UTC everywhere; a side's local time exists only to check working hours and to
//! show it. The zones come from the IANA database (chrono-tz), so historic dates with summer
//! time (both countries had it until 2011) convert correctly. With working hours of 09:00–18:00
//! on both sides the only overlap is 09:00–11:00 in Minsk, which is 16:00–18:00 in Khabarovsk,
//! Monday to Friday, on days that are working days in both countries ([`HolidayCalendar`]).
//! A meeting outside that window is allowed: [`check`] returns warnings, not errors.

use super::holidays::HolidayCalendar;
use crate::Side;
use chrono::{DateTime, Datelike, Months, NaiveDate, NaiveDateTime, NaiveTime, TimeDelta, TimeZone, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

/// The IANA zone in which a side reads times (the same name as [`Side::time_zone`]).
pub fn zone(side: Side) -> Tz {
    match side {
        Side::By => chrono_tz::Europe::Minsk,
        Side::Khv => chrono_tz::Asia::Vladivostok,
    }
}

/// A UTC instant in a side's local time.
pub fn local(side: Side, at: DateTime<Utc>) -> NaiveDateTime {
    at.with_timezone(&zone(side)).naive_local()
}

/// A side's local wall-clock time as UTC. A time skipped by a clock change is an error; a time
/// that happened twice (clocks put back) is taken at its first occurrence.
pub fn from_local(side: Side, local: NaiveDateTime) -> Result<DateTime<Utc>, ScheduleError> {
    zone(side)
        .from_local_datetime(&local)
        .earliest()
        .map(|t| t.with_timezone(&Utc))
        .ok_or(ScheduleError::NonexistentLocalTime { side, local })
}

/// Working hours, the same on both sides.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkingHours {
    pub start: NaiveTime,
    pub end: NaiveTime,
}

impl Default for WorkingHours {
    /// 09:00–18:00.
    fn default() -> Self {
        WorkingHours { start: NaiveTime::MIN + TimeDelta::hours(9), end: NaiveTime::MIN + TimeDelta::hours(18) }
    }
}

/// A proposed meeting time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Slot {
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
}

impl Slot {
    pub fn local_start(&self, side: Side) -> NaiveDateTime {
        local(side, self.start)
    }
    pub fn local_end(&self, side: Side) -> NaiveDateTime {
        local(side, self.end)
    }
}

/// Why a meeting time is unusual for a side. Allowed, but shown to whoever sets it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum ScheduleWarning {
    /// Starts before or ends after working hours (or crosses midnight) in the side's local time.
    OutsideWorkingHours { side: Side, local_start: NaiveDateTime, local_end: NaiveDateTime },
    /// A weekend day, a holiday or a transferred day off on the side; `holiday` names it.
    NotWorkingDay { side: Side, date: NaiveDate, holiday: Option<String> },
    /// The holiday table has no data for that year: holidays were not checked.
    HolidaysUnknown { side: Side, year: i32 },
}

impl ScheduleWarning {
    pub fn label_key(&self) -> &'static str {
        match self {
            ScheduleWarning::OutsideWorkingHours { .. } => "review.schedule.warning.outside-hours",
            ScheduleWarning::NotWorkingDay { .. } => "review.schedule.warning.not-working-day",
            ScheduleWarning::HolidaysUnknown { .. } => "review.schedule.warning.holidays-unknown",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ScheduleError {
    #[error("{local} does not exist in {side}'s time zone (the clocks were moved forward)")]
    NonexistentLocalTime { side: Side, local: NaiveDateTime },
    #[error("a meeting must last between 1 minute and the working day, got {minutes} minutes")]
    InvalidLength { minutes: i64 },
    #[error("no slot of {minutes} minutes fits both sides' working hours from {from} for {days} days")]
    NoSlot { from: NaiveDate, days: u32, minutes: i64 },
}

/// Everything unusual about a meeting from `start` lasting `length`, for both sides.
/// Empty means it fits both sides' working hours on working days.
pub fn check(
    start: DateTime<Utc>,
    length: TimeDelta,
    hours: WorkingHours,
    cal: &HolidayCalendar,
) -> Vec<ScheduleWarning> {
    let end = start + length;
    let mut warnings = Vec::new();
    for side in Side::ALL {
        let (ls, le) = (local(side, start), local(side, end));
        if ls.date() != le.date() || ls.time() < hours.start || le.time() > hours.end {
            warnings.push(ScheduleWarning::OutsideWorkingHours { side, local_start: ls, local_end: le });
        }
        let date = ls.date();
        if !cal.covers(side, date.year()) {
            warnings.push(ScheduleWarning::HolidaysUnknown { side, year: date.year() });
        }
        if !cal.is_working_day(side, date) {
            let holiday = cal.special_day(side, date).map(|d| d.name.to_string());
            warnings.push(ScheduleWarning::NotWorkingDay { side, date, holiday });
        }
    }
    warnings
}

/// Whether the meeting fits both sides' working hours on working days (unknown holiday years
/// are not held against it; [`check`] still reports them).
pub fn fits(start: DateTime<Utc>, length: TimeDelta, hours: WorkingHours, cal: &HolidayCalendar) -> bool {
    check(start, length, hours, cal).iter().all(|w| matches!(w, ScheduleWarning::HolidaysUnknown { .. }))
}

fn check_length(length: TimeDelta, hours: WorkingHours) -> Result<(), ScheduleError> {
    if length <= TimeDelta::zero() || length > hours.end - hours.start {
        return Err(ScheduleError::InvalidLength { minutes: length.num_minutes() });
    }
    Ok(())
}

/// Every slot of `length`, starting on a multiple of `step` after Minsk midnight, on Minsk
/// dates `from..=until`, that fits both sides. With the default hours and one hour, that is
/// 09:00 and (with a 30-minute step) 09:30 and 10:00 Minsk on common working days.
pub fn propose_slots(
    from: NaiveDate,
    until: NaiveDate,
    length: TimeDelta,
    step: TimeDelta,
    hours: WorkingHours,
    cal: &HolidayCalendar,
) -> Result<Vec<Slot>, ScheduleError> {
    check_length(length, hours)?;
    let step = if step <= TimeDelta::zero() { TimeDelta::minutes(30) } else { step };
    let mut slots = Vec::new();
    let mut date = from;
    while date <= until {
        let mut t = date.and_time(NaiveTime::MIN);
        let day_end = t + TimeDelta::days(1);
        while t < day_end {
            if let Ok(start) = from_local(Side::By, t)
                && fits(start, length, hours, cal)
            {
                slots.push(Slot { start, end: start + length });
            }
            t += step;
        }
        let Some(next) = date.succ_opt() else { break };
        date = next;
    }
    Ok(slots)
}

/// How far ahead [`next_meeting`] looks for a slot.
pub const SEARCH_DAYS: u32 = 60;

/// The next quarterly meeting: the first slot fitting both sides on or after the Minsk date
/// three months after the last meeting's start.
pub fn next_meeting(
    last_start: DateTime<Utc>,
    length: TimeDelta,
    hours: WorkingHours,
    cal: &HolidayCalendar,
) -> Result<Slot, ScheduleError> {
    let last_date = local(Side::By, last_start).date();
    let from = last_date.checked_add_months(Months::new(3)).unwrap_or(last_date);
    let until = from + TimeDelta::days(i64::from(SEARCH_DAYS));
    propose_slots(from, until, length, TimeDelta::minutes(30), hours, cal)?
        .into_iter()
        .next()
        .ok_or(ScheduleError::NoSlot { from, days: SEARCH_DAYS, minutes: length.num_minutes() })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::review::tests_support::{d, utc};
    use chrono::Offset;

    fn offset_hours(side: Side, at: DateTime<Utc>) -> i32 {
        at.with_timezone(&zone(side)).offset().fix().local_minus_utc() / 3600
    }
    fn at(date: NaiveDate, h: u32, m: u32) -> NaiveDateTime {
        date.and_hms_opt(h, m, 0).expect("time")
    }

    #[test]
    fn zones_match_the_sides() {
        assert_eq!(zone(Side::By).name(), Side::By.time_zone());
        assert_eq!(zone(Side::Khv).name(), Side::Khv.time_zone());
        assert_eq!(offset_hours(Side::By, utc(2025, 7, 1, 0, 0)), 3);
        assert_eq!(offset_hours(Side::Khv, utc(2025, 1, 1, 0, 0)), 10);
        assert_eq!(offset_hours(Side::By, utc(2025, 1, 1, 0, 0)), 3, "no summer time any more");
    }

    #[test]
    fn historic_summer_time_is_known() {
        // 2010: Minsk was UTC+2 in winter and UTC+3 in summer; Vladivostok UTC+10 and UTC+11.
        assert_eq!(offset_hours(Side::By, utc(2010, 1, 15, 12, 0)), 2);
        assert_eq!(offset_hours(Side::By, utc(2010, 7, 15, 12, 0)), 3);
        assert_eq!(offset_hours(Side::Khv, utc(2010, 1, 15, 12, 0)), 10);
        assert_eq!(offset_hours(Side::Khv, utc(2010, 7, 15, 12, 0)), 11);
        // 2011-2014 Russia kept "permanent summer time": Vladivostok UTC+11 in winter too.
        assert_eq!(offset_hours(Side::Khv, utc(2013, 1, 15, 12, 0)), 11);
        // The 2010 spring change skipped 02:00-03:00 in Minsk (28 March).
        assert_eq!(
            from_local(Side::By, at(d(2010, 3, 28), 2, 30)),
            Err(ScheduleError::NonexistentLocalTime { side: Side::By, local: at(d(2010, 3, 28), 2, 30) })
        );
        assert_eq!(from_local(Side::By, at(d(2010, 3, 28), 3, 30)), Ok(utc(2010, 3, 28, 0, 30)));
        // The autumn change repeated 02:00-03:00 (31 October): the first occurrence is taken.
        assert_eq!(from_local(Side::By, at(d(2010, 10, 31), 2, 30)), Ok(utc(2010, 10, 30, 23, 30)));
        // In 2010 the zones were 8 hours apart all year (both changed clocks); now they are 7.
        let start = from_local(Side::By, at(d(2010, 7, 15), 10, 0)).expect("exists");
        assert_eq!(local(Side::Khv, start), at(d(2010, 7, 15), 18, 0));
        let start = from_local(Side::By, at(d(2010, 1, 15), 10, 0)).expect("exists");
        assert_eq!(local(Side::Khv, start), at(d(2010, 1, 15), 18, 0));
        let start = from_local(Side::By, at(d(2025, 1, 15), 10, 0)).expect("exists");
        assert_eq!(local(Side::Khv, start), at(d(2025, 1, 15), 17, 0));
    }

    #[test]
    fn the_overlap_is_nine_to_eleven_in_minsk() {
        let cal = HolidayCalendar::builtin();
        let hours = WorkingHours::default();
        let monday = d(2025, 9, 15);
        let slots =
            propose_slots(monday, monday, TimeDelta::hours(1), TimeDelta::minutes(30), hours, &cal).expect("slots");
        let starts: Vec<NaiveDateTime> = slots.iter().map(|s| s.local_start(Side::By)).collect();
        assert_eq!(starts, vec![at(monday, 9, 0), at(monday, 9, 30), at(monday, 10, 0)]);
        assert_eq!(slots[0].local_start(Side::Khv), at(monday, 16, 0));
        assert_eq!(slots[2].local_end(Side::Khv), at(monday, 18, 0));
        let two_hours =
            propose_slots(monday, monday, TimeDelta::hours(2), TimeDelta::minutes(30), hours, &cal).expect("ok");
        assert_eq!(two_hours.len(), 1);
        assert!(
            propose_slots(monday, monday, TimeDelta::minutes(121), TimeDelta::minutes(30), hours, &cal)
                .expect("ok")
                .is_empty()
        );
        assert!(matches!(
            propose_slots(monday, monday, TimeDelta::zero(), TimeDelta::minutes(30), hours, &cal),
            Err(ScheduleError::InvalidLength { .. })
        ));
    }

    #[test]
    fn holidays_of_either_side_and_weekends_are_skipped() {
        let cal = HolidayCalendar::builtin();
        let hours = WorkingHours::default();
        let len = TimeDelta::hours(2);
        // Thu 3 July 2025 (Belarus), Fri 4 July (Belarus, transferred), weekend, Mon 7 July.
        let slots = propose_slots(d(2025, 7, 3), d(2025, 7, 7), len, TimeDelta::minutes(30), hours, &cal).expect("ok");
        assert_eq!(slots.len(), 1);
        assert_eq!(slots[0].local_start(Side::By), at(d(2025, 7, 7), 9, 0));
        // Fri 13 June 2025 is a day off in Russia only.
        let june = propose_slots(d(2025, 6, 13), d(2025, 6, 13), len, TimeDelta::minutes(30), hours, &cal).expect("ok");
        assert!(june.is_empty());
    }

    #[test]
    fn a_meeting_outside_hours_is_allowed_with_warnings() {
        let cal = HolidayCalendar::builtin();
        let hours = WorkingHours::default();
        // 14:00 Minsk on a Monday = 21:00 Khabarovsk.
        let start = utc(2025, 9, 15, 11, 0);
        let warnings = check(start, TimeDelta::hours(1), hours, &cal);
        assert_eq!(warnings.len(), 1);
        assert!(matches!(&warnings[0], ScheduleWarning::OutsideWorkingHours { side: Side::Khv, .. }));
        assert_eq!(warnings[0].label_key(), "review.schedule.warning.outside-hours");
        // On Russia Day both an hours warning and a holiday one, and an unknown-year warning for 2030.
        let russia_day = check(utc(2025, 6, 12, 6, 0), TimeDelta::hours(1), hours, &cal);
        assert_eq!(
            russia_day,
            vec![ScheduleWarning::NotWorkingDay {
                side: Side::Khv,
                date: d(2025, 6, 12),
                holiday: Some("russia-day".into())
            }]
        );
        let later = check(utc(2030, 9, 16, 6, 0), TimeDelta::hours(1), hours, &cal);
        assert!(later.iter().all(|w| matches!(w, ScheduleWarning::HolidaysUnknown { .. })));
        assert!(fits(utc(2030, 9, 16, 6, 0), TimeDelta::hours(1), hours, &cal));
    }

    #[test]
    fn next_meeting_is_three_months_later() {
        let cal = HolidayCalendar::builtin();
        let hours = WorkingHours::default();
        // Last: Thu 3 April 2025 09:00 Minsk → from Thu 3 July (Belarusian holiday), Fri 4 July
        // (transferred day off) → Mon 7 July 09:00 Minsk.
        let last = utc(2025, 4, 3, 6, 0);
        let next = next_meeting(last, TimeDelta::hours(2), hours, &cal).expect("slot");
        assert_eq!(next.local_start(Side::By), at(d(2025, 7, 7), 9, 0));
        assert_eq!(next.start, utc(2025, 7, 7, 6, 0));
        assert_eq!(next.local_start(Side::Khv), at(d(2025, 7, 7), 16, 0));
        assert!(matches!(next_meeting(last, TimeDelta::hours(3), hours, &cal), Err(ScheduleError::NoSlot { .. })));
    }
}
