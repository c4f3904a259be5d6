//! `accord import trade|rates`, `accord trade summary|generate` and `accord bench trade`.

use crate::commands::CliError;
use accord_app::trade::{ImportSummary, SummaryQuery, TradeImportOptions, summaries};
use accord_app::{Actor, App};
use accord_i18n::Tr;
use accord_store::{Author, Store};
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
        let bytes = std::fs::read(file).map_err(|e| CliError::input(format!("cannot read {}: {e}", file.display())))?;
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

pub fn generate(rows: u64, out: &Path, seed: u64) -> Result<(), CliError> {
    let file =
        std::fs::File::create(out).map_err(|e| CliError::other(format!("cannot write {}: {e}", out.display())))?;
    let mut writer = std::io::BufWriter::with_capacity(1 << 20, file);
    accord_formats::trade::generate_template_csv(rows, seed, &mut writer)
        .map_err(|e| CliError::other(format!("cannot write {}: {e}", out.display())))?;
    std::io::Write::flush(&mut writer).map_err(|e| CliError::other(e.to_string()))?;
    let size = std::fs::metadata(out).map(|m| m.len()).unwrap_or(0);
    println!("wrote {rows} rows ({:.1} MB) to {}", size as f64 / 1e6, out.display());
    Ok(())
}

/// Generates a file, imports it with the real command in a child process (so its time and
/// peak memory are the command's own), then times summaries of quarter ranges in-process.
pub async fn bench(rows: u64, file: Option<PathBuf>) -> Result<(), CliError> {
    let temp = tempfile_dir()?;
    let file = file.unwrap_or_else(|| temp.join("trade.csv"));
    let started = Instant::now();
    generate(rows, &file, 1)?;
    let generated = started.elapsed();
    let exe = std::env::current_exe().map_err(|e| CliError::other(e.to_string()))?;
    let data = temp.join("data");
    let run = |args: &[&str]| {
        std::process::Command::new(&exe)
            .args(["--data", data.to_str().unwrap_or_default(), "-q"])
            .args(args)
            .output()
            .map_err(|e| CliError::other(e.to_string()))
    };
    let file_text = file.to_str().unwrap_or_default().to_string();
    let import_started = Instant::now();
    let first = run(&["import", "trade", &file_text, "--source", "bench", "--side", "KHV"])?;
    let import_time = import_started.elapsed();
    if !first.status.success() {
        return Err(CliError::other(format!("import failed: {}", String::from_utf8_lossy(&first.stderr))));
    }
    let again_started = Instant::now();
    let again = run(&["import", "trade", &file_text, "--source", "bench", "--side", "KHV"])?;
    let again_time = again_started.elapsed();
    let size = std::fs::metadata(&file).map(|m| m.len()).unwrap_or(0);
    println!(
        "accord bench trade — SQLite, {} logical CPUs",
        std::thread::available_parallelism().map_or(1, |n| n.get())
    );
    println!("file: {rows} rows, {:.1} MB, generated in {:.2} s", size as f64 / 1e6, generated.as_secs_f64());
    println!(
        "import (whole command):  {:.2} s, {:.0} rows/s   target > 2,000,000 rows/s",
        import_time.as_secs_f64(),
        rows as f64 / import_time.as_secs_f64()
    );
    println!("  {}", String::from_utf8_lossy(&first.stdout).trim());
    println!(
        "import again (same file): {:.2} s — {}",
        again_time.as_secs_f64(),
        String::from_utf8_lossy(&again.stdout).trim()
    );
    let url = format!("sqlite://{}", data.join("accord.db").display());
    let store = Store::open(&url, accord_domain::Side::By).await?;
    // The generated values are in USD, RUB and BYN: the demo's official rates convert them.
    let rates = accord_demo::trade::demo_trade().rates;
    store.rates_import(Author::SYSTEM, "demo-rates", &rates).await?;
    let load_started = Instant::now();
    let records = store.trade_data().await?.records.len();
    println!(
        "summary data load (first request after an import): {:.2} s, {records} records",
        load_started.elapsed().as_secs_f64()
    );
    let mut times = Vec::new();
    for (from, to) in
        [("2021Q1", "2021Q4"), ("2024Q1", "2024Q4"), ("2025Q3", "2025Q3"), ("2021Q1", "2026Q3"), ("2023Q2", "2025Q1")]
    {
        let query = SummaryQuery { from: Some(from.into()), to: Some(to.into()), ..Default::default() };
        let t = Instant::now();
        let request = query.request(&store).await?;
        let all = summaries(&store, &request).await?;
        let elapsed = t.elapsed();
        times.push(elapsed);
        println!("summary {from} – {to}: {:.1} ms ({} scope summaries)", elapsed.as_secs_f64() * 1000.0, all.len());
    }
    let worst = times.iter().max().copied().unwrap_or_default();
    println!("slowest summary: {:.1} ms   target < 50 ms", worst.as_secs_f64() * 1000.0);
    store.close().await;
    let _ = std::fs::remove_dir_all(&temp);
    Ok(())
}

fn tempfile_dir() -> Result<PathBuf, CliError> {
    let dir = std::env::temp_dir().join(format!("accord-bench-trade-{}", std::process::id()));
    std::fs::create_dir_all(&dir).map_err(|e| CliError::other(e.to_string()))?;
    Ok(dir)
}
