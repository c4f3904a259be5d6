//! Times the fleet figures at scale: the due list and the yearly KPI table over a generated
//! fleet (10,000 machines by default).
//!
//! `cargo run --release -p accord-bench --example fleet_timing -- [machines]`

use accord_demo::fleet::generate::{DemoCatalog, DemoConfig, DemoMachine};
use accord_domain::fleet::kpi::{DateRange, GroupBy, aggregate};
use accord_domain::fleet::meter::MeterNow;
use accord_domain::fleet::regime::due_list;
use chrono::NaiveDate;
use std::time::Instant;

fn main() {
    let machines: usize = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(10_000);
    let config =
        if machines <= 300 { DemoConfig { machines, ..DemoConfig::standard() } } else { DemoConfig::scale(machines) };
    let today = config.today();

    let t = Instant::now();
    let catalog = DemoCatalog::new(&config);
    let mut fleet: Vec<DemoMachine> = Vec::with_capacity(machines);
    let (mut readings, mut orders) = (0usize, 0usize);
    let mut meters: Vec<MeterNow> = Vec::with_capacity(machines);
    for i in 0..machines {
        let mut m = catalog.machine(&config, i);
        readings += m.reading_count();
        orders += m.work_orders.len();
        meters.push(m.meter_now(today, 60));
        // Keep what the figures need; the full readings and orders would be in the store.
        m.meters.clear();
        m.work_orders.clear();
        fleet.push(m);
    }
    println!("generated {machines} machines, {readings} meter readings, {orders} work orders in {:.2?}", t.elapsed());

    let count = |f: fn(&DemoMachine) -> usize| fleet.iter().map(f).sum::<usize>();
    println!(
        "compact history: {} state spans, {} failures, {} services, {} costs, {} meter checkpoints",
        count(|m| m.states.len()),
        count(|m| m.failures.len()),
        count(|m| m.services.len()),
        count(|m| m.costs.len()),
        count(|m| m.odometer.len() + m.engine_hours.len()),
    );

    for _ in 0..3 {
        let t = Instant::now();
        let inputs: Vec<_> =
            fleet.iter().zip(&meters).filter_map(|(m, now)| m.due_input(&catalog.regimes, *now)).collect();
        let list = due_list(&inputs, today);
        let elapsed = t.elapsed();
        let overdue = list.iter().filter(|d| d.overdue).count();
        println!("due list: {} machines ({overdue} overdue) in {elapsed:.2?}", list.len());
    }

    let year = DateRange::new(date(2024, 1, 1), date(2025, 1, 1)).expect("a valid range");
    for by in [GroupBy::Model, GroupBy::Brand, GroupBy::Owner, GroupBy::Machine, GroupBy::Fleet] {
        let t = Instant::now();
        let histories: Vec<_> = fleet.iter().map(DemoMachine::history).collect();
        let rows = aggregate(&histories, year, by);
        println!("KPI 2024 by {by:?}: {} rows in {:.2?}", rows.len(), t.elapsed());
        if matches!(by, GroupBy::Model | GroupBy::Fleet) {
            for r in &rows {
                let name = match &r.key {
                    accord_domain::fleet::kpi::GroupKey::Model(id) => catalog
                        .models
                        .iter()
                        .find(|m| m.id == *id)
                        .map_or_else(|| id.to_string(), |m| m.designation.clone()),
                    other => format!("{other:?}"),
                };
                let k = r.kpi;
                println!(
                    "  {name:<26} machines {:>5}  КТГ {:.3}  КВ {:.3}  MTBF {:>6.0} h  MTTR {:>5.1} h  avail {:.3}  on time {:.2}  ₽/km {:>7}  ₽/h {:>8}  MA {}  PA {}  UA {}",
                    r.sums.machines,
                    k.ktg.unwrap_or(f64::NAN),
                    k.kv.unwrap_or(f64::NAN),
                    k.mtbf.unwrap_or(f64::NAN),
                    k.mttr.unwrap_or(f64::NAN),
                    k.availability.unwrap_or(f64::NAN),
                    k.preventive_on_time.unwrap_or(f64::NAN),
                    k.cost_per_km.map_or("-".into(), |v| v.to_string()),
                    k.cost_per_engine_hour.map_or("-".into(), |v| v.to_string()),
                    opt(k.mechanical_availability),
                    opt(k.physical_availability),
                    opt(k.use_of_availability),
                );
            }
        }
    }
}

fn opt(v: Option<f64>) -> String {
    v.map_or("-".into(), |v| format!("{v:.3}"))
}

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("a valid date")
}
