//! The figures of hand-made histories, computed by hand.

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
        open_orders: &[],
        failures: &failures,
        services: &services,
        services_missed: &[],
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
        open_orders: &[],
        failures: &[],
        services: &[],
        services_missed: &[],
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

fn at(day: NaiveDate, hour: u32) -> NaiveDateTime {
    day.and_hms_opt(hour, 0, 0).expect("time")
}

/// Daily engine-hour readings from 1 March 2025 for `days` + 1 days; `worked(i)` says whether
/// day i (0-based) had 8 hours of use.
fn daily(days: u64, worked: impl Fn(u64) -> bool) -> Vec<(NaiveDate, i64)> {
    let mut v = 0;
    (0..=days)
        .map(|i| {
            let point = (d(2025, 3, 1) + chrono::Days::new(i), v);
            v += if worked(i) { 8 } else { 0 };
            point
        })
        .collect()
}

#[test]
fn worked_days_come_from_the_readings() {
    let brand = Brand::Mtz;
    // 30 days of March read every day (31 readings, 1 March to 31 March): idle on every
    // 5th day (0, 5, …, 25: 6 days), worked 24 days. КВ = 24 / 30.
    let hours = daily(30, |i| i % 5 != 0);
    let h = MachineHistory { engine_hours: &hours, ..bare(1, &brand, &[]) };
    let march = DateRange::new(d(2025, 3, 1), d(2025, 3, 31)).expect("range");
    let s = machine_sums(&h, march);
    assert_eq!((s.days_worked, s.kv_days_on_books, s.kv_machines), (24, 30, 1));
    assert_eq!(s.figures().kv, Some(24.0 / 30.0));
    // A range past the last reading: the last day cannot be told, КВ unknown (never 0).
    let longer = DateRange::new(d(2025, 3, 1), d(2025, 4, 1)).expect("range");
    let s = machine_sums(&h, longer);
    assert_eq!((s.days_worked, s.kv_machines), (0, 0));
    assert_eq!(s.figures().kv, None);
    // Weekly readings with growth: which days were worked cannot be told.
    let weekly = [(d(2025, 3, 1), 0), (d(2025, 3, 8), 40), (d(2025, 3, 15), 40)];
    let w = MachineHistory { engine_hours: &weekly, ..bare(2, &brand, &[]) };
    let first_week = DateRange::new(d(2025, 3, 1), d(2025, 3, 8)).expect("range");
    assert_eq!(machine_sums(&w, first_week).figures().kv, None);
    // …but a week the meter stood still was idle every day.
    let second_week = DateRange::new(d(2025, 3, 8), d(2025, 3, 15)).expect("range");
    assert_eq!(machine_sums(&w, second_week).figures().kv, Some(0.0));
    // No meter at all: unknown. A group counts only the machines it knows: 24 of 30.
    let none = bare(3, &brand, &[]);
    assert_eq!(machine_sums(&none, march).figures().kv, None);
    let fleet = aggregate(&[h, none], march, GroupBy::Fleet);
    assert_eq!((fleet[0].sums.kv_machines, fleet[0].sums.machines), (1, 2));
    assert_eq!(fleet[0].kpi.kv, Some(24.0 / 30.0));
}

#[test]
fn open_orders_count_until_their_end_or_the_range_end() {
    let brand = Brand::Maz;
    let id = |n| crate::WorkOrderId::new_at(n, [0; 10]);
    let open = [
        // A repair done but not signed off: 10 March 08:00 to 12 March 17:00 (3 days, 57 h).
        OpenOrder {
            order: id(1),
            opened: d(2025, 3, 10),
            state: DayState::Repair,
            down_from: Some(at(d(2025, 3, 10), 8)),
            down_to: Some(at(d(2025, 3, 12), 17)),
            failure: true,
        },
        // A repair still in progress since 28 March 08:00.
        OpenOrder {
            order: id(2),
            opened: d(2025, 3, 28),
            state: DayState::Repair,
            down_from: Some(at(d(2025, 3, 28), 8)),
            down_to: None,
            failure: true,
        },
    ];
    // A closed maintenance span overlapping the first repair by one day (12 March).
    let states = [span(d(2025, 3, 12), d(2025, 3, 14), DayState::Maintenance)];
    let h = MachineHistory { open_orders: &open, ..bare(1, &brand, &states) };
    let march = DateRange::new(d(2025, 3, 1), d(2025, 4, 1)).expect("range");
    let s = machine_sums(&h, march);
    // Not ready: 10–12 (repair, 3), 13 (maintenance, 1: 12 is the repair's), 28–31 (repair, 4).
    assert_eq!(s.downtime(DowntimeReason::Repair), 7);
    assert_eq!(s.downtime(DowntimeReason::Maintenance), 1);
    assert_eq!(s.days_ready, 31 - 8);
    // Failures 2; repair hours 57 + (28 March 08:00 to 1 April 00:00 = 88 h) = 145.
    assert_eq!((s.failures, s.repair_hours), (2, 145.0));
    // The same machine over 1–29 March: the open repair runs to the range's end (29 March).
    let part = DateRange::new(d(2025, 3, 1), d(2025, 3, 30)).expect("range");
    let s = machine_sums(&h, part);
    assert_eq!(s.downtime(DowntimeReason::Repair), 3 + 2);
    assert_eq!(s.repair_hours, 57.0 + 40.0);
}

#[test]
fn a_service_due_and_never_done_is_late() {
    let brand = Brand::Maz;
    let services = [ServiceDone { due: d(2025, 3, 5), done: Some(d(2025, 3, 5)) }];
    let missed = [d(2025, 3, 20)];
    let h = MachineHistory { services: &services, services_missed: &missed, ..bare(1, &brand, &[]) };
    let march = DateRange::new(d(2025, 3, 1), d(2025, 4, 1)).expect("range");
    let s = machine_sums(&h, march);
    assert_eq!((s.services_due, s.services_on_time), (2, 1));
    assert_eq!(s.figures().preventive_on_time, Some(0.5));
}
