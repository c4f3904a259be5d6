//! `accord bench fleet`: the service centre's figures on the scale fleet.

use crate::measure::{millis, temp_dir};
use crate::{BenchError, Result};
use accord_app::fleet::ReadingInput;
use accord_app::{Actor, App};
use accord_demo::fleet::{DemoConfig, DemoFleet, demo_bulk};
use accord_domain::fleet::kpi::{DateRange, GroupBy};
use accord_store::{FleetBulk, Store};
use chrono::NaiveDate;
use std::time::{Duration, Instant};

fn ms(d: Duration) -> String {
    millis(d, 1)
}

/// Adds one plausible reading (a day's usage more than the latest) to the first machine from
/// `start` on that has a meter, as a technician would; returns where to look next time.
async fn one_reading(app: &App, fleet: &DemoFleet, start: usize, today: NaiveDate) -> Result<usize> {
    let snap = app.store().fleet_snapshot().await?;
    for (i, m) in fleet.machines.iter().enumerate().skip(start) {
        let id = m.machine.id;
        let Some(now) = snap.meters.get(&id) else { continue };
        let Some(kind) = accord_domain::fleet::meter::MeterKind::ALL.into_iter().find(|k| now.get(*k).is_some()) else {
            continue;
        };
        let Some(state) = now.get(kind) else { continue };
        let value = state.value + state.per_day.ceil().max(1.0) as i64;
        let date = today.max(state.read_on);
        let input = ReadingInput {
            machine: id.to_string(),
            meter: kind.key().trim_start_matches("fleet.meter.").to_string(),
            date: date.to_string(),
            value: Some(value.to_string()),
        };
        app.reading_add(&Actor::operator(), &input).await?;
        return Ok(i + 1);
    }
    Err(BenchError::failed("no machine with a meter to add a reading to"))
}

/// Generates the scale fleet of `machines` machines into a temporary SQLite store (and into
/// PostgreSQL when `database` is given; it must hold no fleet) and times the due list, a
/// machine page's data and the year's figures by model. Prints figures; asserts nothing.
pub async fn fleet(machines: usize, database: Option<&str>) -> Result<()> {
    let started = Instant::now();
    let fleet = DemoFleet::generate(DemoConfig::scale(machines));
    let readings: usize = fleet.machines.iter().map(|m| m.reading_count()).sum();
    let orders: usize = fleet.machines.iter().map(|m| m.work_orders.len()).sum();
    println!(
        "generated {} machines, {readings} readings, {orders} work orders in {:.1} s",
        fleet.machines.len(),
        started.elapsed().as_secs_f64()
    );
    if fleet.machines.is_empty() {
        return Err(BenchError::Input("--machines: at least one machine".into()));
    }
    let dir = temp_dir("fleet")?;
    let mut targets = vec![("sqlite", format!("sqlite://{}", dir.join("bench.db").display()))];
    if let Some(url) = database {
        targets.push(("postgres", url.to_string()));
    }
    for (name, url) in targets {
        let store = Store::open(&url, accord_domain::Side::Khv).await?;
        store.migrate().await?;
        if !store.fleet_snapshot().await?.machines.is_empty() {
            return Err(BenchError::Input(format!("{name}: the store already holds a fleet; give an empty database")));
        }
        let t = Instant::now();
        let (parts, bulk_machines) = demo_bulk(&fleet, |o| o, |s| s);
        let bulk = FleetBulk {
            models: &fleet.catalog.models,
            regimes: &fleet.catalog.regimes,
            machines: bulk_machines,
            parts: &parts,
        };
        let operator = accord_app::Actor::operator();
        let outcome = accord_app::App::new(store.clone()).seeder(&operator)?.fleet(&bulk).await?;
        let load = t.elapsed();
        println!(
            "[{name}] stored {} machines, {} readings, {} work orders in {:.1} s ({:.0} rows/s)",
            outcome.machines,
            outcome.readings,
            outcome.work_orders,
            load.as_secs_f64(),
            (outcome.readings + outcome.work_orders) as f64 / load.as_secs_f64().max(1e-9)
        );
        // The first statement after the load waits for the pool connection that carried it
        // (about a second on SQLite at 10,000 machines, whatever the statement): timed on its
        // own, so that the figures below are those of the reads.
        let t = Instant::now();
        store.ping().await?;
        println!("[{name}] first statement after the load: {}", ms(t.elapsed()));
        let today = fleet.config.today();
        // The benchmark reads as the operator: the whole fleet, as the service centre sees it.
        let (app, operator) = (App::new(store.clone()), Actor::operator());
        let t = Instant::now();
        let due = app.fleet_due_on(&operator, today).await?;
        let due_cold = t.elapsed();
        let t = Instant::now();
        let _ = app.fleet_due_on(&operator, today).await?;
        let due_warm = t.elapsed();
        // After a write the cached rows of the machines it touched are read again.
        let reading_on = one_reading(&app, &fleet, 0, today).await?;
        let t = Instant::now();
        let _ = app.fleet_due_on(&operator, today).await?;
        let due_after_write = t.elapsed();
        println!(
            "[{name}] due list: {} rows, {} first read (whole snapshot), {} warm, {} after a reading is added (target < 1 s)",
            due.len(),
            ms(due_cold),
            ms(due_warm),
            ms(due_after_write)
        );
        let ids: Vec<_> =
            fleet.machines.iter().step_by((fleet.machines.len() / 20).max(1)).map(|m| m.machine.id).collect();
        let first_id = *ids.first().ok_or_else(|| BenchError::failed("no machine to read"))?;
        // What the machine's page reads: its data (meters, next service, orders, its figures
        // from its own history), its latest readings and its warranties.
        let page = |id| {
            let (app, operator) = (&app, &operator);
            async move {
                app.fleet_machine(operator, id).await?;
                app.fleet_readings(operator, id, 30).await?;
                app.fleet_warranties(operator, id).await?;
                Ok::<(), BenchError>(())
            }
        };
        let t = Instant::now();
        page(first_id).await?;
        let first = t.elapsed();
        let t = Instant::now();
        let mut slowest = Duration::ZERO;
        for id in &ids {
            let one = Instant::now();
            page(*id).await?;
            slowest = slowest.max(one.elapsed());
        }
        let per = t.elapsed() / ids.len() as u32;
        println!(
            "[{name}] machine page data: {} first, {} average, {} slowest over {} machines (target < 20 ms)",
            ms(first),
            ms(per),
            ms(slowest),
            ids.len()
        );
        let range =
            DateRange::new(NaiveDate::from_ymd_opt(2024, 1, 1).unwrap_or(today), today).map_err(BenchError::other)?;
        let t = Instant::now();
        let table = store.fleet_kpi(range, GroupBy::Model, |_| true).await?;
        let kpi_cold = t.elapsed();
        let t = Instant::now();
        let _ = store.fleet_kpi(range, GroupBy::Model, |_| true).await?;
        let kpi_warm = t.elapsed();
        one_reading(&app, &fleet, reading_on, today).await?;
        let t = Instant::now();
        let _ = store.fleet_kpi(range, GroupBy::Model, |_| true).await?;
        let kpi_after_write = t.elapsed();
        println!(
            "[{name}] KPI 2024 by model: {} rows, {} first read (every history), {} warm, {} after a reading is added (target < 500 ms)",
            table.rows.len(),
            ms(kpi_cold),
            ms(kpi_warm),
            ms(kpi_after_write)
        );
        store.close().await;
    }
    let _ = std::fs::remove_dir_all(&dir);
    println!("total {:.1} s", started.elapsed().as_secs_f64());
    Ok(())
}
