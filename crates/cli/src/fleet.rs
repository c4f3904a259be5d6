//! `accord fleet kpi|due`, `accord import fleet|meters|workorders` and `accord bench fleet`.

use crate::commands::CliError;
use accord_app::fleet::{ImportKind, ReadingInput, parse_by};
use accord_app::{Actor, App};
use accord_demo::fleet::demo_bulk;
use accord_demo::fleet::{DemoConfig, DemoFleet};
use accord_domain::fleet::kpi::{DateRange, GroupKey};
use accord_i18n::Tr;
use accord_store::{Author, FleetBulk, Store};
use chrono::NaiveDate;
use std::path::Path;
use std::time::Instant;

fn date(flag: &str, text: &str) -> Result<NaiveDate, CliError> {
    NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
        .map_err(|_| CliError::input(format!("{flag}: '{text}' is not a date (YYYY-MM-DD)")))
}

fn pct(v: Option<f64>) -> String {
    v.map_or_else(|| "—".into(), |v| format!("{:.1} %", v * 100.0))
}

fn num(v: Option<f64>) -> String {
    v.map_or_else(|| "—".into(), |v| format!("{v:.1}"))
}

/// Readiness figures over `[from, to)` (`to` is the first day after the period) of the machines
/// the actor sees (the operator: all).
pub async fn kpi(app: &App, actor: &Actor, from: &str, to: &str, by: Option<&str>, json: bool) -> Result<(), CliError> {
    let (from, to) = (date("--from", from)?, date("--to", to)?);
    let range = DateRange::new(from, to).map_err(|e| {
        CliError::input(format!("--from {from} --to {to}: {e} (--to is the first day after the period)"))
    })?;
    let by = parse_by(by).map_err(|_| CliError::input("--by: machine, model, brand or owner"))?;
    let table = app.fleet_kpi(actor, range, by).await?;
    if json {
        let text = serde_json::to_string_pretty(&table).map_err(|e| CliError::other(e.to_string()))?;
        println!("{text}");
        return Ok(());
    }
    let snap = app.store().fleet_snapshot().await?;
    let owners = app.fleet_owner_names().await?;
    println!(
        "{:<40} {:>8} {:>8} {:>8} {:>10} {:>10} {:>10}",
        "group", "machines", "KTG", "KV", "MTBF, h", "MTTR, h", "on time"
    );
    for row in table.rows.iter().chain(table.total.iter()) {
        let name = match &row.key {
            GroupKey::Fleet => "whole fleet".to_string(),
            GroupKey::Model(id) => snap.models.get(id).map_or_else(|| id.to_string(), |m| m.designation.clone()),
            GroupKey::Brand(b) => accord_store::brand_code(b),
            GroupKey::Owner(o) => owners.get(o).cloned().unwrap_or_else(|| o.to_string()),
            GroupKey::Machine(m) => m.to_string(),
        };
        let k = &row.kpi;
        println!(
            "{:<40} {:>8} {:>8} {:>8} {:>10} {:>10} {:>10}",
            name.chars().take(40).collect::<String>(),
            row.sums.machines,
            pct(k.ktg),
            pct(k.kv),
            num(k.mtbf),
            num(k.mttr),
            pct(k.preventive_on_time)
        );
    }
    Ok(())
}

/// The due list, overdue first, of the machines the actor sees (the operator: all).
pub async fn due(app: &App, actor: &Actor, json: bool) -> Result<(), CliError> {
    let (today, rows) = app.fleet_due(actor).await?;
    if json {
        let text = serde_json::to_string_pretty(&rows).map_err(|e| CliError::other(e.to_string()))?;
        println!("{text}");
        return Ok(());
    }
    println!(
        "due list as of {today}: {} machine(s), {} overdue",
        rows.len(),
        rows.iter().filter(|r| r.overdue).count()
    );
    for r in &rows {
        println!(
            "{:<8} {:<14} {:<20} {:<8} due {:<10} forecast {}",
            if r.overdue { "OVERDUE" } else { "" },
            r.machine.model_name,
            r.machine.vin.clone().or_else(|| r.machine.serial.clone()).unwrap_or_default(),
            format!("{:?}", r.service),
            r.due_date.map(|d| d.to_string()).unwrap_or_else(|| "—".into()),
            r.forecast.map(|d| d.to_string()).unwrap_or_else(|| "—".into()),
        );
    }
    Ok(())
}

/// `accord import fleet|meters|workorders FILE`, as the actor (`--as`; the operator without it).
pub async fn import(
    app: &App,
    actor: &Actor,
    tr: &Tr,
    kind: ImportKind,
    file: &Path,
    dry_run: bool,
) -> Result<(), CliError> {
    // Whoever may not import is told so before the file is even opened.
    app.fleet_import_check(actor).await.map_err(|e| CliError::from_app(e, tr))?;
    let bytes = std::fs::read(file).map_err(|e| CliError::input(format!("cannot read {}: {e}", file.display())))?;
    let name = file.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    match app.fleet_import(actor, kind, &name, &bytes, dry_run).await {
        Ok(summary) => {
            let outcome = summary.outcome.unwrap_or_default();
            if outcome.unchanged {
                println!("{}: already imported, nothing changed", file.display());
            } else if dry_run {
                println!(
                    "{}: {} record(s) checked, {} would be stored (dry run: nothing changed)",
                    file.display(),
                    summary.records,
                    outcome.inserted
                );
            } else {
                println!("{}: {} record(s) read, {} stored", file.display(), summary.records, outcome.inserted);
            }
            Ok(())
        }
        Err(accord_app::Error::InvalidFile(problems)) => {
            for p in problems.iter().take(50) {
                eprintln!("{}: {p}", file.display());
            }
            Err(CliError::input(format!("{} problem(s) in {}; nothing was imported", problems.len(), file.display())))
        }
        // A row a rule refused: the machine (or part), the field and the value, as in the file.
        Err(accord_app::Error::Refused(rule)) if rule.field.is_some() => {
            let arg =
                |name: &str| rule.args.iter().find(|(n, _)| *n == name).map(|(_, v)| v.clone()).unwrap_or_default();
            Err(CliError::input(format!(
                "refused: {} (machine/subject {}, field {}, value {}); nothing was written",
                rule.detail,
                arg("subject"),
                rule.field.unwrap_or_default(),
                arg("value")
            )))
        }
        Err(e) => Err(CliError::from_app(e, tr)),
    }
}

/// Adds one plausible reading (a day's usage more than the latest) to the first machine from
/// `start` on that has a meter, as a technician would; returns where to look next time.
async fn one_reading(app: &App, fleet: &DemoFleet, start: usize, today: NaiveDate) -> Result<usize, CliError> {
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
    Err(CliError::other("no machine with a meter to add a reading to"))
}

fn ms(d: std::time::Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

/// Generates the scale fleet into a temporary SQLite store (and into PostgreSQL when
/// `database` is given) and times the due list, a machine page's data and the year's figures
/// by model. Prints figures; asserts nothing.
pub async fn bench(machines: usize, database: Option<String>) -> Result<(), CliError> {
    let started = Instant::now();
    let fleet = DemoFleet::generate(DemoConfig::scale(machines));
    let readings: usize = fleet.machines.iter().map(|m| m.reading_count()).sum();
    let orders: usize = fleet.machines.iter().map(|m| m.work_orders.len()).sum();
    println!(
        "generated {} machines, {readings} readings, {orders} work orders in {:.1} s",
        fleet.machines.len(),
        started.elapsed().as_secs_f64()
    );
    let dir = std::env::temp_dir().join(format!("accord-bench-fleet-{}", std::process::id()));
    std::fs::create_dir_all(&dir).map_err(|e| CliError::other(format!("cannot create {}: {e}", dir.display())))?;
    let mut targets = vec![("sqlite", format!("sqlite://{}", dir.join("bench.db").display()))];
    if let Some(url) = database {
        targets.push(("postgres", url));
    }
    for (name, url) in targets {
        let store = Store::open(&url, accord_domain::Side::Khv).await?;
        store.migrate().await?;
        if !store.fleet_snapshot().await?.machines.is_empty() {
            return Err(CliError::input(format!("{name}: the store already holds a fleet; give an empty database")));
        }
        let t = Instant::now();
        let (parts, bulk_machines) = demo_bulk(&fleet, |o| o, |s| s);
        let bulk = FleetBulk {
            models: &fleet.catalog.models,
            regimes: &fleet.catalog.regimes,
            machines: bulk_machines,
            parts: &parts,
        };
        let outcome = store.fleet_bulk_load(Author::SYSTEM, &bulk).await?;
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
        // What the machine's page reads: its data (meters, next service, orders, its figures
        // from its own history), its latest readings and its warranties.
        let page = |id| {
            let (app, operator) = (&app, &operator);
            async move {
                app.fleet_machine(operator, id).await?;
                app.fleet_readings(operator, id, 30).await?;
                app.fleet_warranties(operator, id).await?;
                Ok::<(), CliError>(())
            }
        };
        let t = Instant::now();
        page(ids[0]).await?;
        let first = t.elapsed();
        let t = Instant::now();
        let mut slowest = std::time::Duration::ZERO;
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
        let range = DateRange::new(NaiveDate::from_ymd_opt(2024, 1, 1).unwrap_or(today), today)
            .map_err(|e| CliError::other(e.to_string()))?;
        let t = Instant::now();
        let table = store.fleet_kpi(range, accord_domain::fleet::kpi::GroupBy::Model, |_| true).await?;
        let kpi_cold = t.elapsed();
        let t = Instant::now();
        let _ = store.fleet_kpi(range, accord_domain::fleet::kpi::GroupBy::Model, |_| true).await?;
        let kpi_warm = t.elapsed();
        one_reading(&app, &fleet, reading_on, today).await?;
        let t = Instant::now();
        let _ = store.fleet_kpi(range, accord_domain::fleet::kpi::GroupBy::Model, |_| true).await?;
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
