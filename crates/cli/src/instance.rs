//! `accord backup` and `accord restore`: the operator's copy of the whole instance.

use crate::Cli;
use crate::commands::{CliError, acting, open_store};
use accord_app::App;
use accord_store::Store;
use std::path::Path;

pub async fn backup(cli: &Cli, store: &Store, out: &Path) -> Result<(), CliError> {
    let app = App::new(store.clone());
    let actor = acting(cli, &app).await?;
    let started = std::time::Instant::now();
    let report = app.backup(&actor, out).await?;
    let rows: u64 = report.manifest.tables.iter().map(|t| t.rows).sum();
    println!(
        "backup written to {}: {} tables, {rows} rows, {} files, {:.1} MB, audit entry {} ({:.1} s)",
        out.display(),
        report.manifest.tables.len(),
        report.manifest.files.len(),
        report.bytes as f64 / 1_000_000.0,
        report.manifest.audit_seq,
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// Restores into the store `--data`/`--database` name. A SQLite data folder that holds data is
/// kept aside with `--force` (renamed, never deleted); a PostgreSQL database must be empty.
pub async fn restore(cli: &Cli, store: Store, archive: &Path, force: bool) -> Result<(), CliError> {
    let store = if store.is_blank().await? {
        store
    } else if force && cli.database.is_none() {
        store.close().await;
        let aside = set_aside(&cli.data)?;
        eprintln!("the data that was in {} is kept in {}", cli.data.display(), aside.display());
        let fresh = open_store(cli).await?;
        fresh.migrate().await.map_err(|e| CliError::other(e.to_string()))?;
        fresh
    } else if force {
        return Err(CliError::input(
            "--force: a PostgreSQL database is never emptied by accord; create an empty one (createdb) and restore into it",
        ));
    } else {
        return Err(CliError::input(
            "the store is not empty: restore into an empty data folder or database (or, for a SQLite data folder, \
             --force keeps the present data aside)",
        ));
    };
    let app = App::new(store.clone());
    let actor = acting(cli, &app).await?;
    let started = std::time::Instant::now();
    let report = app.restore(&actor, archive).await?;
    println!(
        "restored {} rows of {} tables and {} files from a backup of {} taken {}; audit chain intact: {} entries \
         checked ({:.1} s)",
        report.rows,
        report.manifest.tables.len(),
        report.manifest.files.len(),
        report.manifest.backend,
        report.manifest.created_at,
        report.audit_entries,
        started.elapsed().as_secs_f64()
    );
    store.checkpoint().await?;
    Ok(())
}

/// Renames the data folder's database and files aside: `accord.db` → `accord.db.before-restore-…`.
fn set_aside(data: &Path) -> Result<std::path::PathBuf, CliError> {
    let stamp = chrono::Utc::now().format("%Y%m%dT%H%M%SZ");
    let aside = data.join(format!("before-restore-{stamp}"));
    std::fs::create_dir_all(&aside).map_err(|e| CliError::other(format!("{}: {e}", aside.display())))?;
    for name in ["accord.db", "accord.db-wal", "accord.db-shm", "files"] {
        let from = data.join(name);
        if from.exists() {
            std::fs::rename(&from, aside.join(name))
                .map_err(|e| CliError::other(format!("{}: {e}", from.display())))?;
        }
    }
    std::fs::create_dir_all(data.join("files")).map_err(|e| CliError::other(format!("{}: {e}", data.display())))?;
    Ok(aside)
}
