//! Public holidays and transferred days of Belarus (side BY) and Russia (side KHV), 2025–2027,
//! kept as data: meeting slots skip a day that is not a working day on either side.
//!
//! Source: the python-holidays library 0.109 (countries BY and RU, `pip install holidays`),
//! which encodes the statutory holidays (Belarus: the presidential decree on public holidays;
//! Russia: Labour Code art. 112) and each year's transfers (Belarus: the Council of Ministers'
//! resolution moving working days; Russia: the Government's decree moving days off). The rows
//! were generated from it and the 2025 ones compared with the published 2025 calendars. Easter
//! Sundays are left out (always a Sunday). Transfers are published in the autumn before their
//! year, so the later years may still change (Belarus had published none for 2027; the Russian
//! 2027 rows are the library's): update the table when a resolution or decree appears. The tests
//! pin a few known days.
//!
//! Saturdays made working days ([`DayKind::WorkingWeekend`]) are listed for completeness;
//! meetings are only proposed Monday to Friday.

use crate::Side;
use chrono::{Datelike, NaiveDate, Weekday};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum DayKind {
    /// A statutory non-working public holiday.
    Holiday,
    /// A working day made a day off (a transfer, or a holiday that fell on a weekend).
    TransferredDayOff,
    /// A Saturday or Sunday made a working day.
    WorkingWeekend,
}

/// One day that is not an ordinary working day or weekend day on a side.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct SpecialDay {
    pub side: Side,
    pub date: NaiveDate,
    pub kind: DayKind,
    /// Stable name, translated as `review.holiday.<name>`.
    pub name: &'static str,
    /// For a transfer, the day it was moved from (a day off) or to (a working weekend).
    pub related: Option<NaiveDate>,
}

impl SpecialDay {
    pub fn label_key(&self) -> String {
        format!("review.holiday.{}", self.name)
    }
}

/// Which days are working days on each side.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HolidayCalendar {
    days: Vec<SpecialDay>,
}

impl HolidayCalendar {
    /// The built-in table for 2025–2027.
    pub fn builtin() -> Self {
        HolidayCalendar { days: TABLE.to_vec() }
    }

    /// A calendar from other data (tests, or a table loaded by an adapter for later years).
    pub fn from_days(days: Vec<SpecialDay>) -> Self {
        HolidayCalendar { days }
    }

    /// Years the table covers for a side (so callers can warn when asked about other years).
    pub fn covers(&self, side: Side, year: i32) -> bool {
        self.days.iter().any(|d| d.side == side && d.date.year() == year)
    }

    pub fn special_day(&self, side: Side, date: NaiveDate) -> Option<&SpecialDay> {
        self.days.iter().find(|d| d.side == side && d.date == date)
    }

    /// Holidays and days off of a side in a year, in date order.
    pub fn days_off(&self, side: Side, year: i32) -> Vec<SpecialDay> {
        let mut days: Vec<SpecialDay> = self
            .days
            .iter()
            .filter(|d| d.side == side && d.date.year() == year && d.kind != DayKind::WorkingWeekend)
            .copied()
            .collect();
        days.sort_by_key(|d| d.date);
        days
    }

    /// Whether `date` is a working day on `side`: Monday to Friday unless a holiday or day off,
    /// or a weekend day made a working day.
    pub fn is_working_day(&self, side: Side, date: NaiveDate) -> bool {
        let weekend = matches!(date.weekday(), Weekday::Sat | Weekday::Sun);
        match self.special_day(side, date).map(|d| d.kind) {
            Some(DayKind::Holiday | DayKind::TransferredDayOff) => false,
            Some(DayKind::WorkingWeekend) => true,
            None => !weekend,
        }
    }
}

const fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    match NaiveDate::from_ymd_opt(y, m, d) {
        Some(date) => date,
        // Evaluated at compile time: a wrong date in the table fails the build.
        None => panic!("invalid date in the holiday table"),
    }
}

const fn day(side: Side, date: NaiveDate, kind: DayKind, name: &'static str, related: Option<NaiveDate>) -> SpecialDay {
    SpecialDay { side, date, kind, name, related }
}

const TABLE: &[SpecialDay] = &[
    day(Side::By, date(2025, 1, 1), DayKind::Holiday, "new-year", None),
    day(Side::By, date(2025, 1, 2), DayKind::Holiday, "new-year", None),
    day(Side::By, date(2025, 1, 6), DayKind::TransferredDayOff, "transferred-day-off", Some(date(2025, 1, 11))),
    day(Side::By, date(2025, 1, 7), DayKind::Holiday, "orthodox-christmas", None),
    day(Side::By, date(2025, 1, 11), DayKind::WorkingWeekend, "working-weekend", Some(date(2025, 1, 6))),
    day(Side::By, date(2025, 3, 8), DayKind::Holiday, "womens-day", None),
    day(Side::By, date(2025, 4, 26), DayKind::WorkingWeekend, "working-weekend", Some(date(2025, 4, 28))),
    day(Side::By, date(2025, 4, 28), DayKind::TransferredDayOff, "transferred-day-off", Some(date(2025, 4, 26))),
    day(Side::By, date(2025, 4, 29), DayKind::Holiday, "radunitsa", None),
    day(Side::By, date(2025, 5, 1), DayKind::Holiday, "labour-day", None),
    day(Side::By, date(2025, 5, 9), DayKind::Holiday, "victory-day", None),
    day(Side::By, date(2025, 7, 3), DayKind::Holiday, "independence-day", None),
    day(Side::By, date(2025, 7, 4), DayKind::TransferredDayOff, "transferred-day-off", Some(date(2025, 7, 12))),
    day(Side::By, date(2025, 7, 12), DayKind::WorkingWeekend, "working-weekend", Some(date(2025, 7, 4))),
    day(Side::By, date(2025, 11, 7), DayKind::Holiday, "october-revolution-day", None),
    day(Side::By, date(2025, 12, 20), DayKind::WorkingWeekend, "working-weekend", Some(date(2025, 12, 26))),
    day(Side::By, date(2025, 12, 25), DayKind::Holiday, "catholic-christmas", None),
    day(Side::By, date(2025, 12, 26), DayKind::TransferredDayOff, "transferred-day-off", Some(date(2025, 12, 20))),
    day(Side::By, date(2026, 1, 1), DayKind::Holiday, "new-year", None),
    day(Side::By, date(2026, 1, 2), DayKind::Holiday, "new-year", None),
    day(Side::By, date(2026, 1, 7), DayKind::Holiday, "orthodox-christmas", None),
    day(Side::By, date(2026, 3, 8), DayKind::Holiday, "womens-day", None),
    day(Side::By, date(2026, 4, 20), DayKind::TransferredDayOff, "transferred-day-off", Some(date(2026, 4, 25))),
    day(Side::By, date(2026, 4, 21), DayKind::Holiday, "radunitsa", None),
    day(Side::By, date(2026, 4, 25), DayKind::WorkingWeekend, "working-weekend", Some(date(2026, 4, 20))),
    day(Side::By, date(2026, 5, 1), DayKind::Holiday, "labour-day", None),
    day(Side::By, date(2026, 5, 9), DayKind::Holiday, "victory-day", None),
    day(Side::By, date(2026, 7, 3), DayKind::Holiday, "independence-day", None),
    day(Side::By, date(2026, 11, 7), DayKind::Holiday, "october-revolution-day", None),
    day(Side::By, date(2026, 12, 25), DayKind::Holiday, "catholic-christmas", None),
    day(Side::By, date(2027, 1, 1), DayKind::Holiday, "new-year", None),
    day(Side::By, date(2027, 1, 2), DayKind::Holiday, "new-year", None),
    day(Side::By, date(2027, 1, 7), DayKind::Holiday, "orthodox-christmas", None),
    day(Side::By, date(2027, 3, 8), DayKind::Holiday, "womens-day", None),
    day(Side::By, date(2027, 5, 1), DayKind::Holiday, "labour-day", None),
    day(Side::By, date(2027, 5, 9), DayKind::Holiday, "victory-day", None),
    day(Side::By, date(2027, 5, 11), DayKind::Holiday, "radunitsa", None),
    day(Side::By, date(2027, 7, 3), DayKind::Holiday, "independence-day", None),
    day(Side::By, date(2027, 11, 7), DayKind::Holiday, "october-revolution-day", None),
    day(Side::By, date(2027, 12, 25), DayKind::Holiday, "catholic-christmas", None),
    day(Side::Khv, date(2025, 1, 1), DayKind::Holiday, "new-year", None),
    day(Side::Khv, date(2025, 1, 2), DayKind::Holiday, "new-year", None),
    day(Side::Khv, date(2025, 1, 3), DayKind::Holiday, "new-year", None),
    day(Side::Khv, date(2025, 1, 4), DayKind::Holiday, "new-year", None),
    day(Side::Khv, date(2025, 1, 5), DayKind::Holiday, "new-year", None),
    day(Side::Khv, date(2025, 1, 6), DayKind::Holiday, "new-year", None),
    day(Side::Khv, date(2025, 1, 7), DayKind::Holiday, "orthodox-christmas", None),
    day(Side::Khv, date(2025, 1, 8), DayKind::Holiday, "new-year", None),
    day(Side::Khv, date(2025, 2, 23), DayKind::Holiday, "defender-day", None),
    day(Side::Khv, date(2025, 3, 8), DayKind::Holiday, "womens-day", None),
    day(Side::Khv, date(2025, 5, 1), DayKind::Holiday, "labour-day", None),
    day(Side::Khv, date(2025, 5, 2), DayKind::TransferredDayOff, "transferred-day-off", Some(date(2025, 1, 4))),
    day(Side::Khv, date(2025, 5, 8), DayKind::TransferredDayOff, "transferred-day-off", Some(date(2025, 2, 23))),
    day(Side::Khv, date(2025, 5, 9), DayKind::Holiday, "victory-day", None),
    day(Side::Khv, date(2025, 6, 12), DayKind::Holiday, "russia-day", None),
    day(Side::Khv, date(2025, 6, 13), DayKind::TransferredDayOff, "transferred-day-off", Some(date(2025, 3, 8))),
    day(Side::Khv, date(2025, 11, 1), DayKind::WorkingWeekend, "working-weekend", Some(date(2025, 11, 3))),
    day(Side::Khv, date(2025, 11, 3), DayKind::TransferredDayOff, "transferred-day-off", Some(date(2025, 11, 1))),
    day(Side::Khv, date(2025, 11, 4), DayKind::Holiday, "unity-day", None),
    day(Side::Khv, date(2025, 12, 31), DayKind::TransferredDayOff, "transferred-day-off", Some(date(2025, 1, 5))),
    day(Side::Khv, date(2026, 1, 1), DayKind::Holiday, "new-year", None),
    day(Side::Khv, date(2026, 1, 2), DayKind::Holiday, "new-year", None),
    day(Side::Khv, date(2026, 1, 3), DayKind::Holiday, "new-year", None),
    day(Side::Khv, date(2026, 1, 4), DayKind::Holiday, "new-year", None),
    day(Side::Khv, date(2026, 1, 5), DayKind::Holiday, "new-year", None),
    day(Side::Khv, date(2026, 1, 6), DayKind::Holiday, "new-year", None),
    day(Side::Khv, date(2026, 1, 7), DayKind::Holiday, "orthodox-christmas", None),
    day(Side::Khv, date(2026, 1, 8), DayKind::Holiday, "new-year", None),
    day(Side::Khv, date(2026, 1, 9), DayKind::TransferredDayOff, "transferred-day-off", Some(date(2026, 1, 3))),
    day(Side::Khv, date(2026, 2, 23), DayKind::Holiday, "defender-day", None),
    day(Side::Khv, date(2026, 3, 8), DayKind::Holiday, "womens-day", None),
    day(Side::Khv, date(2026, 3, 9), DayKind::TransferredDayOff, "womens-day-observed", None),
    day(Side::Khv, date(2026, 5, 1), DayKind::Holiday, "labour-day", None),
    day(Side::Khv, date(2026, 5, 9), DayKind::Holiday, "victory-day", None),
    day(Side::Khv, date(2026, 5, 11), DayKind::TransferredDayOff, "victory-day-observed", None),
    day(Side::Khv, date(2026, 6, 12), DayKind::Holiday, "russia-day", None),
    day(Side::Khv, date(2026, 11, 4), DayKind::Holiday, "unity-day", None),
    day(Side::Khv, date(2026, 12, 31), DayKind::TransferredDayOff, "transferred-day-off", Some(date(2026, 1, 4))),
    day(Side::Khv, date(2027, 1, 1), DayKind::Holiday, "new-year", None),
    day(Side::Khv, date(2027, 1, 2), DayKind::Holiday, "new-year", None),
    day(Side::Khv, date(2027, 1, 3), DayKind::Holiday, "new-year", None),
    day(Side::Khv, date(2027, 1, 4), DayKind::Holiday, "new-year", None),
    day(Side::Khv, date(2027, 1, 5), DayKind::Holiday, "new-year", None),
    day(Side::Khv, date(2027, 1, 6), DayKind::Holiday, "new-year", None),
    day(Side::Khv, date(2027, 1, 7), DayKind::Holiday, "orthodox-christmas", None),
    day(Side::Khv, date(2027, 1, 8), DayKind::Holiday, "new-year", None),
    day(Side::Khv, date(2027, 2, 20), DayKind::WorkingWeekend, "working-weekend", Some(date(2027, 2, 22))),
    day(Side::Khv, date(2027, 2, 22), DayKind::TransferredDayOff, "transferred-day-off", Some(date(2027, 2, 20))),
    day(Side::Khv, date(2027, 2, 23), DayKind::Holiday, "defender-day", None),
    day(Side::Khv, date(2027, 3, 8), DayKind::Holiday, "womens-day", None),
    day(Side::Khv, date(2027, 5, 1), DayKind::Holiday, "labour-day", None),
    day(Side::Khv, date(2027, 5, 3), DayKind::TransferredDayOff, "labour-day-observed", None),
    day(Side::Khv, date(2027, 5, 9), DayKind::Holiday, "victory-day", None),
    day(Side::Khv, date(2027, 5, 10), DayKind::TransferredDayOff, "victory-day-observed", None),
    day(Side::Khv, date(2027, 6, 12), DayKind::Holiday, "russia-day", None),
    day(Side::Khv, date(2027, 6, 14), DayKind::TransferredDayOff, "russia-day-observed", None),
    day(Side::Khv, date(2027, 11, 4), DayKind::Holiday, "unity-day", None),
    day(Side::Khv, date(2027, 11, 5), DayKind::TransferredDayOff, "transferred-day-off", Some(date(2027, 1, 2))),
    day(Side::Khv, date(2027, 12, 31), DayKind::TransferredDayOff, "transferred-day-off", Some(date(2027, 1, 3))),
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::review::tests_support::d;

    #[test]
    fn known_days() {
        let cal = HolidayCalendar::builtin();
        // Russia 2025: the decree moved Sat 8 March's day off to Fri 13 June, and Sat 1 November
        // was a working day for Mon 3 November.
        assert!(!cal.is_working_day(Side::Khv, d(2025, 6, 13)));
        assert!(cal.is_working_day(Side::By, d(2025, 6, 13)));
        assert!(!cal.is_working_day(Side::Khv, d(2025, 11, 3)));
        assert!(cal.is_working_day(Side::Khv, d(2025, 11, 1)));
        assert!(!cal.is_working_day(Side::Khv, d(2025, 12, 31)));
        assert!(!cal.is_working_day(Side::Khv, d(2026, 1, 9)));
        // Belarus: Radunitsa, Independence Day and its transfer, Catholic Christmas.
        assert!(!cal.is_working_day(Side::By, d(2025, 4, 29)));
        assert!(!cal.is_working_day(Side::By, d(2025, 7, 3)));
        assert!(!cal.is_working_day(Side::By, d(2025, 7, 4)));
        assert!(cal.is_working_day(Side::Khv, d(2025, 7, 3)));
        assert!(cal.is_working_day(Side::By, d(2025, 7, 12)), "Saturday worked for 4 July");
        assert!(!cal.is_working_day(Side::By, d(2027, 5, 11)), "Radunitsa 2027: Easter is 2 May");
        assert!(!cal.is_working_day(Side::By, d(2026, 12, 25)));
        // Ordinary days.
        assert!(cal.is_working_day(Side::By, d(2025, 9, 15)));
        assert!(!cal.is_working_day(Side::By, d(2025, 9, 13)), "Saturday");
        assert_eq!(
            cal.special_day(Side::Khv, d(2025, 6, 12)).map(SpecialDay::label_key).as_deref(),
            Some("review.holiday.russia-day")
        );
    }

    #[test]
    fn the_table_covers_both_sides_for_the_plan_years() {
        let cal = HolidayCalendar::builtin();
        for side in Side::ALL {
            for year in 2025..=2027 {
                assert!(cal.covers(side, year), "{side} {year}");
                assert!(cal.days_off(side, year).len() >= 9, "{side} {year}");
            }
        }
        assert!(!cal.covers(Side::By, 2028));
        let mut seen = std::collections::BTreeSet::new();
        for d in TABLE {
            assert!(seen.insert((d.side, d.date)), "duplicate {} {}", d.side, d.date);
            assert_eq!(
                d.kind == DayKind::WorkingWeekend,
                matches!(d.date.weekday(), Weekday::Sat | Weekday::Sun) && d.kind == DayKind::WorkingWeekend
            );
        }
    }
}
