use super::*;
use accord_domain::fleet::kpi::{DateRange, GroupBy, aggregate};
use accord_domain::fleet::regime::due_list;

#[test]
fn xorshift_is_deterministic_and_spread() {
    let mut a = XorShift::new(1);
    let mut b = XorShift::new(1);
    let xs: Vec<u64> = (0..5).map(|_| a.next_u64()).collect();
    let ys: Vec<u64> = (0..5).map(|_| b.next_u64()).collect();
    assert_eq!(xs, ys);
    let mut c = XorShift::new(7);
    let mean = (0..10_000).map(|_| c.unit()).sum::<f64>() / 10_000.0;
    assert!((mean - 0.5).abs() < 0.02, "{mean}");
    assert!((0..1000).all(|_| c.below(6) < 6));
}

#[test]
fn demo_fleet_is_realistic_and_deterministic() {
    let config = DemoConfig { machines: 120, ..DemoConfig::standard() };
    let fleet = DemoFleet::generate(config);
    let again = DemoCatalog::new(&config).machine(&config, 17);
    assert_eq!(fleet.machines[17].machine, again.machine);
    assert_eq!(fleet.machines[17].reading_count(), again.reading_count());
    assert_eq!(fleet.catalog.parts.len(), 500);
    assert_eq!(fleet.catalog.regimes.len(), 8);
    // Every generated VIN is unique and every work order valid.
    let mut register = accord_domain::fleet::machine::Register::default();
    for m in &fleet.machines {
        register.register(&m.machine, config.today()).expect("unique identifiers");
        for o in &m.work_orders {
            o.validate().expect("valid order");
        }
    }
    let histories: Vec<_> = fleet.machines.iter().map(DemoMachine::history).collect();
    let year = DateRange::new(d(2024, 1, 1), d(2025, 1, 1)).expect("range");
    let total = &aggregate(&histories, year, GroupBy::Fleet)[0];
    let k = total.kpi;
    let ktg = k.ktg.expect("ktg");
    assert!((0.75..=0.95).contains(&ktg), "КТГ {ktg}");
    let kv = k.kv.expect("kv");
    assert!((0.4..=0.85).contains(&kv), "КВ {kv}");
    let on_time = k.preventive_on_time.expect("on time");
    assert!((0.5..=0.98).contains(&on_time), "on time {on_time}");
    assert!(k.mtbf.expect("mtbf") > 50.0);
    assert!(k.cost_per_km.is_some() && k.cost_per_engine_hour.is_some());
    for row in aggregate(&histories, year, GroupBy::Brand) {
        let ktg = row.kpi.ktg.expect("ktg");
        assert!((0.6..=0.98).contains(&ktg), "{:?} КТГ {ktg}", row.key);
    }
    let today = config.today();
    let inputs: Vec<_> = fleet
        .machines
        .iter()
        .filter_map(|m| m.due_input(&fleet.catalog.regimes, m.meter_now(today, 60)).map(|i| (m, i)))
        .map(|(_, i)| i)
        .collect();
    let list = due_list(&inputs, today);
    assert_eq!(list.len(), inputs.len());
    assert!(list.iter().any(|d| !d.overdue));
}

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).expect("date")
}
