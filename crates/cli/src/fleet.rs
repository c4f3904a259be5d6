//! `accord fleet kpi|due` and `accord import fleet|meters|workorders`.

use crate::commands::CliError;
use accord_app::fleet::{ImportKind, parse_by};
use accord_app::{Actor, App};
use accord_domain::fleet::kpi::{DateRange, GroupKey};
use accord_i18n::Tr;
use chrono::NaiveDate;
use std::path::Path;

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
    if !json {
        match table.data_end {
            None => println!("no readings or work orders are recorded yet: no figures"),
            Some(end) if table.clipped => {
                println!("the fleet's data ends on {end}: figures from {from} to {end} (both included)")
            }
            Some(_) => {}
        }
    }
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

/// The due list, overdue first, of the machines the actor sees (the operator: all), as of
/// `today` (the fleet's today without it).
pub async fn due(app: &App, actor: &Actor, today: Option<&str>, json: bool) -> Result<(), CliError> {
    let (today, rows) = match today {
        Some(text) => {
            let today = date("--today", text)?;
            (today, app.fleet_due_on(actor, today).await?)
        }
        None => app.fleet_due(actor).await?,
    };
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
    let bytes = crate::error::read_whole(file, tr)?;
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
                eprintln!("{}: {}", file.display(), tr.problem(p));
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
