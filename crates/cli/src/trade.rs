//! `accord import trade|rates` and `accord trade summary` (`accord trade generate` writes the
//! benchmark's file: `accord_bench::trade::generate`).

use crate::commands::CliError;
use accord_app::trade::{ImportSummary, SummaryQuery, TradeImportOptions, summaries};
use accord_app::{Actor, App};
use accord_i18n::Tr;
use accord_store::Store;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::time::Instant;

/// Peak resident memory of this process in MiB (Linux), for the import's report.
fn peak_memory_mib() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let kb: f64 = status.lines().find(|l| l.starts_with("VmHWM:"))?.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

/// A file's problems, one line each on stderr naming the file, then the refusal.
fn file_problems(problems: &[accord_formats::Problem], tr: &Tr, file: &Path) -> CliError {
    for p in problems {
        eprintln!("{}: {}", file.display(), tr.problem(p));
    }
    let count = problems.iter().filter(|p| p.reason.key != accord_app::trade::MORE_PROBLEMS).count();
    CliError::input(format!("{count} problem(s) in {}; nothing was imported", file.display()))
}

/// The rows an import left out, in the reader's language.
fn notes(tr: &Tr, summary: &ImportSummary) -> Vec<String> {
    let mut notes: Vec<String> = summary.skipped.iter().map(|s| tr.skipped(s)).collect();
    if summary.more_skipped > 0 {
        let count = tr.int(i64::try_from(summary.more_skipped).unwrap_or(i64::MAX));
        notes.push(tr.ta("import-more-skipped", &[("count", count)]));
    }
    notes
}

/// `accord import trade FILE`: as the acting user (`--as`), who must be allowed to import
/// before the file is read.
#[allow(clippy::too_many_arguments)]
pub async fn import_trade(
    app: &App,
    actor: &Actor,
    tr: &Tr,
    file: &Path,
    format: &str,
    source: Option<String>,
    side: Option<&str>,
    dry_run: bool,
    quiet: bool,
) -> Result<(), CliError> {
    let options = TradeImportOptions {
        name: None,
        format: Some(format.to_string()),
        source,
        side: side.map(str::to_string),
        dry_run: Some(dry_run),
    };
    let started = Instant::now();
    let show_bar = !quiet && std::io::stderr().is_terminal();
    let bar = show_bar.then(|| {
        let bar = indicatif::ProgressBar::new(0);
        bar.set_style(
            indicatif::ProgressStyle::with_template("{bar:40} {bytes}/{total_bytes} {bytes_per_sec} ~{eta}")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        bar
    });
    let progress = {
        let bar = bar.clone();
        move |done: u64, total: u64| {
            if let Some(bar) = &bar {
                bar.set_length(total);
                bar.set_position(done);
            }
        }
    };
    let result = app.trade_import_file(actor, file, &options, progress).await;
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    let summary = match result {
        Ok(summary) => summary,
        Err(accord_app::Error::InvalidFile(problems)) => return Err(file_problems(&problems, tr, file)),
        Err(e) => return Err(CliError::from_app(e, tr)),
    };
    let total = started.elapsed();
    for note in notes(tr, &summary) {
        eprintln!("{}: {note}", file.display());
    }
    let rate = summary.rows_read as f64 / total.as_secs_f64().max(1e-9);
    let memory = peak_memory_mib().map_or_else(String::new, |m| format!(", peak memory {m:.0} MiB"));
    let periods = format!(
        "{} – {}",
        summary.first_period.as_deref().unwrap_or("-"),
        summary.last_period.as_deref().unwrap_or("-")
    );
    match &summary.outcome {
        None => println!(
            "dry run: {} rows ({}) → {} records for {periods}, source \"{}\" ({}); nothing was changed",
            summary.rows_read,
            summary.format,
            summary.records,
            summary.source,
            summary.side.code()
        ),
        Some(outcome) if outcome.unchanged => println!(
            "unchanged: source \"{}\" ({}) last imported this same file; nothing was changed",
            summary.source,
            summary.side.code()
        ),
        Some(outcome) => println!(
            "imported {} rows ({}) → {} records for {periods} into source \"{}\" ({}), {} earlier records replaced; \
             total {:.2} s, {:.0} rows/s{memory}",
            summary.rows_read,
            summary.format,
            outcome.inserted,
            summary.source,
            summary.side.code(),
            outcome.replaced,
            total.as_secs_f64(),
            rate
        ),
    }
    Ok(())
}

/// `accord import rates FILE…`: every file in one transaction, as the acting user.
pub async fn import_rates(app: &App, actor: &Actor, tr: &Tr, files: &[PathBuf], dry_run: bool) -> Result<(), CliError> {
    let mut read = Vec::with_capacity(files.len());
    for file in files {
        let bytes = crate::error::read_whole(file, tr)?;
        let name = file.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        read.push((name, bytes));
    }
    let outcomes = match app.rates_import(actor, &read, dry_run).await {
        Ok(outcomes) => outcomes,
        Err(accord_app::Error::InvalidFile(problems)) => {
            for p in &problems {
                eprintln!("{}", tr.problem(p));
            }
            return Err(CliError::input(format!(
                "{} problem(s) in the rate files; nothing was imported",
                problems.len()
            )));
        }
        Err(e) => return Err(CliError::from_app(e, tr)),
    };
    for (file, o) in files.iter().zip(&outcomes) {
        for skipped in &o.skipped {
            eprintln!("{}: {}", file.display(), tr.ta("rates-currency-left-out", &[("currency", skipped.clone())]));
        }
        match &o.outcome {
            None => println!("dry run: {}: {} rates ({:?}); nothing was changed", file.display(), o.rates, o.source),
            Some(outcome) => {
                println!("{}: {} new rates, {} already stored", file.display(), outcome.inserted, outcome.unchanged)
            }
        }
    }
    Ok(())
}

pub async fn summary(store: &Store, query: &SummaryQuery, json: bool) -> Result<(), CliError> {
    let request = query.request(store).await?;
    let all = summaries(store, &request).await?;
    if json {
        let text = serde_json::to_string_pretty(&serde_json::json!({ "items": all }))
            .map_err(|e| CliError::other(e.to_string()))?;
        println!("{text}");
        return Ok(());
    }
    if all.is_empty() {
        println!("no trade data in {} – {}", request.range.from, request.range.to);
    }
    for s in &all {
        let sum = &s.summary;
        println!(
            "{} as reported by {} ({}), {} – {}{}",
            s.scope,
            s.reported_by.code(),
            sum.currency.code(),
            request.range.from,
            request.range.to,
            if sum.incomplete { " (incomplete months)" } else { "" }
        );
        println!("  {:<10} {:>18} {:>18} {:>18} {:>18}", "period", "exports", "imports", "turnover", "balance");
        for b in &sum.buckets {
            println!(
                "  {:<10} {:>18} {:>18} {:>18} {:>18}{}",
                b.bucket.to_string(),
                b.figures.exports,
                b.figures.imports,
                b.figures.turnover,
                b.figures.balance,
                if b.incomplete { " *" } else { "" }
            );
        }
        println!(
            "  {:<10} {:>18} {:>18} {:>18} {:>18}",
            "total", sum.total.exports, sum.total.imports, sum.total.turnover, sum.total.balance
        );
    }
    Ok(())
}
