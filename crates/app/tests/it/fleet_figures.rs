//! Issue 16, F1–F8: the fleet's figures of a small fleet imported from files as a service
//! centre would (register, daily readings, work orders), against figures computed by hand
//! here, never by the code under test.
//!
//! The fleet, 1 January to 31 March 2025 (90 days), one MAZ road-truck model whose regime is
//! ТО-1 then ТО-2 every 200 engine hours or 100 days; imported machines get the cold-climate
//! factor 0.9, so every 180 h or 90 days. All machines commissioned on 1 December 2024 at 0 h.
//! A reading dated d is the meter at the start of d (readings 1 January to 1 April).
//!
//! - **A** works 8 h on every day but Sundays (13 in the quarter: 5, 12, 19, 26 Jan; 2, 9, 16,
//!   23 Feb; 2, 9, 16, 23, 30 Mar) and 30 January, when it has its ТО-1 (08:00–16:00, signed).
//! - **B** works 10 h every day it is ready. Its ТО-1 on 18 January (08:00–12:00, signed); a
//!   repair 10 Feb 09:00 to 12 Feb 17:00, finished, not signed off; a repair from 28 Mar 08:00
//!   still in progress.
//! - **C** decommissioned on 1 February 2025, no readings.
//! - **D** decommissioned, no date given: never on the books here.

use crate::on_both_backends;
use crate::support::World;
use accord_app::fleet::ImportKind;
use accord_app::{Actor, App};
use accord_domain::fleet::kpi::{DateRange, GroupBy, GroupKey, Kpi};
use accord_domain::fleet::machine::{Brand, MachineKind, Model};
use accord_domain::fleet::regime::{CycleLevel, Interval, Regime, ServiceKind};
use accord_domain::quarter::Quarter;
use accord_domain::{ModelId, RegimeId};
use accord_store::Author;
use chrono::{Datelike, Days, NaiveDate, Weekday};

on_both_backends!(the_fleet_figures_equal_a_hand_computation);

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("date")
}

fn close(got: Option<f64>, want: f64, what: &str) {
    let got = got.unwrap_or_else(|| panic!("{what}: no figure"));
    assert!((got - want).abs() < 1e-9, "{what}: {got} against {want} by hand");
}

/// The daily readings file of a machine from 1 January to 1 April 2025: `per_day(d)` hours of
/// use on day d (the inputs of the story, not its expected figures).
fn readings(vin: &str, per_day: impl Fn(NaiveDate) -> i64) -> String {
    let mut out = String::new();
    let mut value = 0;
    let mut d = day(2025, 1, 1);
    while d <= day(2025, 4, 1) {
        out.push_str(&format!("{vin};моточасы;{d};{value}\n"));
        value += per_day(d);
        d = d + Days::new(1);
    }
    out
}

const A: &str = "Y3M544000S0000016";
const B: &str = "Y3M544000S0000024";
const C: &str = "Y3M544000S0000032";
const D: &str = "Y3M544000S0000040";

async fn load(world: &World) -> Actor {
    let store = world.store();
    let model = Model {
        id: ModelId::new_at(1, [1; 10]),
        brand: Brand::Maz,
        designation: "МАЗ-5440".into(),
        kind: MachineKind::RoadTruck,
    };
    let cycle = vec![CycleLevel { kind: ServiceKind::To1, every: 1 }, CycleLevel { kind: ServiceKind::To2, every: 2 }];
    let base = Interval::engine_hours(200).and_days(100);
    let regime =
        Regime::new(RegimeId::new_at(1, [1; 10]), model.id, None, base, cycle, Vec::new(), Vec::new()).expect("regime");
    store.fleet_catalog_save(Author::SYSTEM, &[model], &[regime]).await.expect("catalogue");
    let operator = Actor::operator();
    let owner = world.maz.data.code.to_string();
    let register = format!(
        "марка;модель;vin;год;владелец;район;статус;ввод в эксплуатацию;моточасы;дата списания\n\
         МАЗ;МАЗ-5440;{A};2024;{owner};Хабаровск;в эксплуатации;01.12.2024;0;\n\
         МАЗ;МАЗ-5440;{B};2024;{owner};Хабаровск;в эксплуатации;01.12.2024;0;\n\
         МАЗ;МАЗ-5440;{C};2024;{owner};Хабаровск;списана;01.12.2024;0;01.02.2025\n\
         МАЗ;МАЗ-5440;{D};2024;{owner};Хабаровск;списана;01.12.2024;0;\n"
    );
    let import = |kind, name: &'static str, text: String| {
        let (app, operator) = (world.app.clone(), operator.clone());
        async move { app.fleet_import(&operator, kind, name, text.as_bytes(), false).await.expect(name) }
    };
    import(ImportKind::Fleet, "register.csv", register).await;
    let a = readings(A, |d| if d.weekday() == Weekday::Sun || d == day(2025, 1, 30) { 0 } else { 8 });
    let b_down = |d: NaiveDate| {
        d == day(2025, 1, 18) || (day(2025, 2, 10)..=day(2025, 2, 12)).contains(&d) || d >= day(2025, 3, 28)
    };
    let b = readings(B, |d| if b_down(d) { 0 } else { 10 });
    import(ImportKind::Meters, "meters.csv", format!("машина;счётчик;дата;показание\n{a}{b}")).await;
    let orders = format!(
        "машина;вид;открыт;начат;окончен;подписал;вид ТО\n\
         {A};ТО;2025-01-30 08:00;2025-01-30 08:00;2025-01-30 16:00;Петров;ТО-1\n\
         {B};ТО;2025-01-18 08:00;2025-01-18 08:00;2025-01-18 12:00;Петров;ТО-1\n\
         {B};ремонт;2025-02-10 08:00;2025-02-10 09:00;2025-02-12 17:00;;\n\
         {B};ремонт;2025-03-28 08:00;2025-03-28 08:00;;;\n"
    );
    import(ImportKind::WorkOrders, "orders.csv", orders).await;
    operator
}

async fn the_fleet_figures_equal_a_hand_computation(app: App) {
    let world = World::new(app, false).await;
    let operator = load(&world).await;
    let q1 = DateRange::inclusive(day(2025, 1, 1), day(2025, 3, 31)).expect("range");
    let table = world.app.fleet_kpi(&operator, q1, GroupBy::Machine).await.expect("figures");
    let snap = world.store().fleet_snapshot().await.expect("snapshot");
    let vin_of = |key: &GroupKey| match key {
        GroupKey::Machine(id) => snap.machine(*id).and_then(|m| m.machine.vin.as_ref()).map(|v| v.to_string()),
        _ => None,
    };
    let row = |vin: &str| table.rows.iter().find(|r| vin_of(&r.key).as_deref() == Some(vin)).map(|r| (r.sums, r.kpi));

    // F3: C is on the books 1–31 January (31 days); D never.
    let (c, _) = row(C).expect("C counted until its write-off");
    assert_eq!((c.days_on_books, c.days_ready), (31, 31));
    assert!(row(D).is_none(), "a machine written off with no date is not on the books");
    assert_eq!(table.total.as_ref().map(|t| t.sums.machines), Some(3));

    // F1, F4: A's hours are 8 × its 76 working days (90 − 13 Sundays − 30 January) = 608 h,
    // from every daily reading; КВ 76 / 90; КТГ 89 / 90 (30 January in maintenance).
    let (a, ak) = row(A).expect("A");
    assert_eq!((a.engine_hours, a.days_worked, a.days_ready), (608, 76, 89));
    close(ak.kv, 76.0 / 90.0, "A КВ");
    close(ak.ktg, 89.0 / 90.0, "A КТГ");
    // C has no readings: its КВ cannot be known, so it is "—", never 0.
    assert_eq!(row(C).map(|(_, k)| k.kv), Some(None));

    // F2: B is not ready 18 Jan (ТО), 10–12 Feb (the repair awaiting sign-off) and 28–31 Mar
    // (the repair in progress, to the range's end): 8 days, КТГ 82 / 90. Both repairs are
    // failures: 56 h (10 Feb 09:00 to 12 Feb 17:00) + 88 h (28 Mar 08:00 to 1 Apr 00:00).
    let (b, bk) = row(B).expect("B");
    assert_eq!((b.days_ready, b.failures, b.repair_hours), (82, 2, 144.0));
    assert_eq!((b.engine_hours, b.days_worked), (820, 82));
    close(bk.ktg, 82.0 / 90.0, "B КТГ");
    close(bk.mttr, 72.0, "B MTTR");

    // F5: due points by the regime (180 h from the base, or 90 days from 1 Dec = 1 Mar):
    // A reaches 184 h at the reading of 28 Jan (23 working days), its ТО-1 on 30 Jan is late;
    // its ТО-2 (200 + 180 = 380 h) is reached at the reading of 27 Feb and never done: late.
    // B reaches 180 h at the reading of 20 Jan, its ТО-1 on 18 Jan is on time; its ТО-2 at
    // 170 + 180 = 350 h is reached at the reading of 6 Feb and never done: late.
    assert_eq!((a.services_due, a.services_on_time), (2, 0));
    assert_eq!((b.services_due, b.services_on_time), (2, 1));

    // The fleet: 211 machine-days (90 + 90 + 31), 202 ready; КВ of A and B only, 158 of 180;
    // MTBF 1,428 h (608 + 820) over 2 failures = 714 h; on time 1 of 4.
    let total = table.total.as_ref().expect("total");
    let k: Kpi = total.kpi;
    assert_eq!((total.sums.days_on_books, total.sums.days_ready, total.sums.kv_machines), (211, 202, 2));
    close(k.ktg, 202.0 / 211.0, "fleet КТГ");
    close(k.kv, 158.0 / 180.0, "fleet КВ");
    close(k.mtbf, 714.0, "fleet MTBF");
    close(k.mttr, 72.0, "fleet MTTR");
    close(k.preventive_on_time, 0.25, "fleet on time");

    // F7: at the quarter's end the repair awaiting sign-off and the one in progress are open.
    let quarter = world.app.fleet_quarter_figures(&operator, Quarter::new(2025, 1).expect("q")).await.expect("quarter");
    assert_eq!(quarter.open_work_orders, 2);
    close(quarter.ktg, 202.0 / 211.0, "quarter КТГ");

    // F8: the data end on 31 March (the last reading is of 1 April). A range after it is
    // refused naming that day; one running past it is cut there.
    let after = DateRange::inclusive(day(2025, 4, 1), day(2025, 6, 30)).expect("range");
    let refused = world.app.fleet_kpi(&operator, after, GroupBy::Fleet).await.expect_err("after the data");
    assert!(format!("{refused:?}").contains("2025-03-31"), "{refused:?}");
    let past = DateRange::inclusive(day(2025, 3, 1), day(2025, 4, 30)).expect("range");
    let cut = world.app.fleet_kpi(&operator, past, GroupBy::Fleet).await.expect("cut");
    assert_eq!((cut.data_end, cut.clipped, cut.range_to), (Some(day(2025, 3, 31)), true, day(2025, 4, 1)));
    let q2 = world.app.fleet_quarter_figures(&operator, Quarter::new(2025, 2).expect("q")).await.expect("Q2");
    assert_eq!((q2.ktg, q2.kv, q2.machines, q2.data_end), (None, None, 0, Some(day(2025, 3, 31))));

    // F6: the due list follows the imported services: each machine's next service is ТО-2,
    // counted from its ТО-1 (A: 200 + 180 = 380 h; B: 170 + 180 = 350 h).
    let due = world.app.fleet_due_on(&operator, day(2025, 4, 1)).await.expect("due list");
    let next = |vin: &str| {
        due.iter().find(|r| r.machine.vin.as_deref() == Some(vin)).map(|r| (r.service, r.due_meters[1], r.overdue))
    };
    assert_eq!(next(A), Some((ServiceKind::To2, Some(380), true)));
    assert_eq!(next(B), Some((ServiceKind::To2, Some(350), true)));
    assert_eq!(due.len(), 2, "the decommissioned machines are not on the due list");
}
