//! Recovery: does a killed import leave anything half-written, and is a backup taken under
//! writes whole? Both print counts (trials, partial states, malformed backups); neither
//! asserts, like every benchmark here.
//!
//! - [`crash`]: for each import kind, a store holding the demo (restored from one backup each
//!   trial) receives an import (`accord import …`, a child process) that is killed with SIGKILL
//!   after a random delay within its clean duration. The store is then read whole: each
//!   table's row count and the audit log's head must be exactly those before the import or
//!   exactly those after a clean run of it, and the audit chain must verify.
//! - [`backups`]: while a writer adds people through the application layer in a loop,
//!   `accord backup` runs N times (a child process each); every archive is restored into an
//!   empty SQLite folder with `accord restore`, which checks every checksum and the audit chain.

use crate::http::{command, run_to_end};
use crate::measure::{secs, temp_dir};
use crate::{BenchError, Result};
use accord_app::{Actor, App};
use accord_store::Store;
use std::cell::RefCell;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// Each table's rows and the audit log's last entry: what "the same state" means here.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Fingerprint {
    rows: BTreeMap<String, u64>,
    audit_seq: i64,
}

async fn fingerprint(url: &str) -> Result<Fingerprint> {
    let store = Store::open(url, accord_domain::Side::By).await?;
    let rows = RefCell::new(BTreeMap::<String, u64>::new());
    let current = RefCell::new(String::new());
    let info = store
        .backup_read(
            |table, _| {
                *current.borrow_mut() = table.to_string();
                rows.borrow_mut().insert(table.to_string(), 0);
                Ok(())
            },
            |_| {
                if let Some(n) = rows.borrow_mut().get_mut(current.borrow().as_str()) {
                    *n += 1;
                }
                Ok(())
            },
        )
        .await?;
    store.close().await;
    Ok(Fingerprint { rows: rows.into_inner(), audit_seq: info.audit_seq })
}

/// Where one trial's store lives: a SQLite folder, or a PostgreSQL database made for it.
struct Target {
    data: PathBuf,
    database: Option<String>,
}

impl Target {
    fn url(&self) -> String {
        self.database.clone().unwrap_or_else(|| format!("sqlite://{}", self.data.join("accord.db").display()))
    }
}

/// A fresh PostgreSQL database next to the one `admin_url` names (`createdb` through psql).
fn new_database(admin_url: &str, name: &str) -> Result<String> {
    let status = std::process::Command::new("psql")
        .arg(admin_url)
        .args(["-q", "-c", &format!("CREATE DATABASE {name}")])
        .status()
        .map_err(|e| BenchError::failed(format!("psql: {e}")))?;
    if !status.success() {
        return Err(BenchError::Input(format!("--postgres: cannot create database {name} with psql")));
    }
    let (base, query) = admin_url.split_once('?').map_or((admin_url, None), |(b, q)| (b, Some(q)));
    let root = base.rsplit_once('/').map_or(base, |(root, _)| root);
    Ok(match query {
        Some(q) => format!("{root}/{name}?{q}"),
        None => format!("{root}/{name}"),
    })
}

/// A small deterministic generator for the kill delays.
struct Delays(u64);

impl Delays {
    fn next(&mut self, max: Duration) -> Duration {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        let fraction = (self.0 % 10_000) as f64 / 10_000.0;
        max.mul_f64(fraction)
    }
}

/// One import kind: its command line after `import`, and whether it starts from an empty store
/// (a plan import creates its plan there) rather than from the demo.
struct Kind {
    name: &'static str,
    args: Vec<String>,
    from_empty: bool,
}

/// The files the imports read, made from the template store and the generators.
async fn prepare_files(accord: &Path, dir: &Path, template: &Target) -> Result<Vec<Kind>> {
    let path = |name: &str| dir.join(name).to_string_lossy().to_string();
    // Trade: 100,000 generated rows of Khabarovsk statistics.
    let trade = path("trade.csv");
    let mut generate = command(accord, &template.data, None);
    generate.args(["trade", "generate", "--rows", "100000", "--out", &trade]);
    run_to_end(generate).await?;
    // Network: the stored network with every node's English name changed.
    let network = path("network.json");
    let mut export = command(accord, &template.data, template.database.as_deref());
    export.args(["export", "network", "--format", "json", "--out", &network]);
    run_to_end(export).await?;
    let text = std::fs::read_to_string(&network).map_err(BenchError::other)?;
    let mut doc: serde_json::Value = serde_json::from_str(&text).map_err(BenchError::other)?;
    if let Some(nodes) = doc.get_mut("nodes").and_then(|n| n.as_array_mut()) {
        for node in nodes {
            if let Some(name) = node.get("name_en").and_then(|n| n.as_str()).map(str::to_string) {
                node["name_en"] = serde_json::Value::String(format!("{name} (renamed)"));
            }
        }
    }
    std::fs::write(&network, serde_json::to_vec_pretty(&doc).map_err(BenchError::other)?).map_err(BenchError::other)?;
    // Meters: a later reading for every machine the due list names.
    let mut due = command(accord, &template.data, template.database.as_deref());
    due.args(["fleet", "due", "--json"]);
    let rows: serde_json::Value = serde_json::from_str(&run_to_end(due).await?).map_err(BenchError::other)?;
    let mut meters = String::from("machine;meter;date;value\n");
    for (i, row) in rows.as_array().into_iter().flatten().enumerate() {
        let machine = &row["machine"];
        if let Some(id) = machine["vin"].as_str().or_else(|| machine["serial"].as_str()) {
            meters.push_str(&format!("{id};engine_hours;2024-12-31;{}\n", 900_000 + i));
        }
    }
    let meters_file = path("meters.csv");
    std::fs::write(&meters_file, meters).map_err(BenchError::other)?;
    // Plan: the repository's example workbook into an empty store (plan, organisations, measures).
    let plan = path("plan.xlsx");
    std::fs::write(&plan, include_bytes!("../../../examples/plan-2025-2027.xlsx")).map_err(BenchError::other)?;
    Ok(vec![
        Kind { name: "plan", args: vec!["plan".into(), plan, "--create-orgs".into()], from_empty: true },
        Kind {
            name: "trade",
            args: vec!["trade".into(), trade, "--source".into(), "crash".into(), "--side".into(), "KHV".into()],
            from_empty: false,
        },
        Kind { name: "network", args: vec!["network".into(), network], from_empty: false },
        Kind { name: "meters", args: vec!["meters".into(), meters_file], from_empty: false },
    ])
}

/// A store as the template backup left it (`archive`), or an empty one (`None`).
async fn restored(
    accord: &Path,
    base: &Path,
    label: &str,
    admin_url: Option<&str>,
    archive: Option<&Path>,
) -> Result<Target> {
    let data = base.join(label);
    std::fs::create_dir_all(&data).map_err(BenchError::other)?;
    let database = match admin_url {
        Some(url) => Some(new_database(url, &format!("accord_crash_{}_{label}", std::process::id()))?),
        None => None,
    };
    let target = Target { data, database };
    let mut prepare = command(accord, &target.data, target.database.as_deref());
    match archive {
        Some(archive) => prepare.arg("restore").arg(archive),
        None => prepare.arg("migrate"),
    };
    run_to_end(prepare).await?;
    Ok(target)
}

/// Kills imports of every kind part-way, `trials` times each, and reports states that are
/// neither before nor after. `admin_url`: run on PostgreSQL (databases created beside it).
pub async fn crash(accord: &Path, trials: usize, admin_url: Option<&str>) -> Result<()> {
    if trials == 0 {
        return Err(BenchError::Input("--trials: at least one".into()));
    }
    let base = temp_dir("crash")?;
    let backend = if admin_url.is_some() { "PostgreSQL" } else { "SQLite" };
    println!("accord bench crash — {backend}, {trials} trials per import kind, SIGKILL at a random moment");
    let template = Target { data: base.join("template"), database: None };
    run_to_end({
        let mut c = command(accord, &template.data, None);
        c.arg("demo");
        c
    })
    .await?;
    let archive = base.join("template.backup");
    run_to_end({
        let mut c = command(accord, &template.data, None);
        c.arg("backup").arg("--out").arg(&archive);
        c
    })
    .await?;
    let kinds = prepare_files(accord, &base, &template).await?;
    let mut delays = Delays(0x5EED_ACC0_2D00_0001);
    let mut total_partial = 0;
    for kind in &kinds {
        let from = if kind.from_empty { None } else { Some(archive.as_path()) };
        let clean = restored(accord, &base, &format!("{}_clean", kind.name), admin_url, from).await?;
        let before = fingerprint(&clean.url()).await?;
        let started = Instant::now();
        let mut import = command(accord, &clean.data, clean.database.as_deref());
        import.arg("import").args(&kind.args);
        let out = run_to_end(import).await?;
        let duration = started.elapsed();
        let after = fingerprint(&clean.url()).await?;
        if after == before {
            println!("{:<8} the clean import changed nothing ({}); skipped", kind.name, out.trim());
            continue;
        }
        let (mut as_before, mut as_after, mut partial, mut chain_broken) = (0, 0, 0, 0);
        for trial in 0..trials {
            let target = restored(accord, &base, &format!("{}_{trial}", kind.name), admin_url, from).await?;
            let mut import = command(accord, &target.data, target.database.as_deref());
            import
                .arg("import")
                .args(&kind.args)
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::null());
            let mut child = import.spawn().map_err(|e| BenchError::failed(format!("cannot run accord: {e}")))?;
            tokio::time::sleep(delays.next(duration.mul_f64(1.1))).await;
            // SIGKILL: nothing of the process runs after this.
            let _ = child.start_kill();
            let _ = child.wait().await;
            let state = fingerprint(&target.url()).await?;
            if state == before {
                as_before += 1;
            } else if state == after {
                as_after += 1;
            } else {
                partial += 1;
            }
            let mut verify = command(accord, &target.data, target.database.as_deref());
            verify.args(["audit", "verify"]);
            if run_to_end(verify).await.is_err() {
                chain_broken += 1;
            }
            if target.database.is_none() {
                let _ = std::fs::remove_dir_all(&target.data);
            }
        }
        total_partial += partial;
        println!(
            "{:<8} clean {}: {trials} killed → {as_before} as before, {as_after} as after, {partial} partial, \
             {chain_broken} audit chains broken",
            kind.name,
            secs(duration)
        );
    }
    println!("partial states in all: {total_partial}");
    let _ = std::fs::remove_dir_all(&base);
    Ok(())
}

/// Takes `count` backups while a writer adds people in a loop, restores each into an empty
/// SQLite folder (checksums and the audit chain verified there) and counts what fails.
pub async fn backups(accord: &Path, count: usize, database: Option<&str>) -> Result<()> {
    if count == 0 {
        return Err(BenchError::Input("--backups: at least one".into()));
    }
    let base = temp_dir("backup")?;
    let source = Target { data: base.join("source"), database: database.map(str::to_string) };
    let backend = if database.is_some() { "PostgreSQL" } else { "SQLite" };
    println!("accord bench backup — {backend} under writes, {count} backups, each restored into SQLite");
    run_to_end({
        let mut c = command(accord, &source.data, source.database.as_deref());
        c.arg("demo");
        c
    })
    .await?;
    let store = Store::open(&source.url(), accord_domain::Side::By).await?.with_files_dir(source.data.join("files"));
    let app = App::new(store.clone());
    let organisation = store.organisation_by_code("MOG-OIK").await?.id;
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let writer = {
        let stop = stop.clone();
        tokio::spawn(async move {
            let operator = Actor::operator();
            let mut written = 0u64;
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                let input = accord_app::directory::PersonInput {
                    organisation_id: organisation.to_string(),
                    full_name_ru: format!("Сотрудник под нагрузкой {written}"),
                    ..Default::default()
                };
                if app.person_create(&operator, &input).await.is_ok() {
                    written += 1;
                }
            }
            written
        })
    };
    let (mut whole, mut malformed) = (0, 0);
    let started = Instant::now();
    for n in 0..count {
        let archive = base.join(format!("b{n}.backup"));
        let mut backup = command(accord, &source.data, source.database.as_deref());
        backup.arg("backup").arg("--out").arg(&archive);
        if let Err(e) = run_to_end(backup).await {
            println!("backup {n}: {e}");
            malformed += 1;
            continue;
        }
        let into = base.join(format!("r{n}"));
        let mut restore = command(accord, &into, None);
        restore.arg("restore").arg(&archive);
        match run_to_end(restore).await {
            Ok(_) => whole += 1,
            Err(e) => {
                println!("backup {n} does not restore: {e}");
                malformed += 1;
            }
        }
        let _ = std::fs::remove_dir_all(&into);
        let _ = std::fs::remove_file(&archive);
    }
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let written = writer.await.map_err(BenchError::other)?;
    println!(
        "{count} backups in {} while {written} people were added: {whole} restored and verified, {malformed} malformed",
        secs(started.elapsed())
    );
    store.close().await;
    let _ = std::fs::remove_dir_all(&base);
    Ok(())
}
