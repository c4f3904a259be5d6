//! `accord import trade|rates`, `accord trade summary|generate` and `accord bench trade`.

use crate::commands::CliError;
use accord_store::{Author, Store};
use accord_web::i18n::Tr;
use accord_web::trade::transfer::{TradeFormat, TradeReadError, read_trade_file};
use accord_web::trade::{ImportRequest, SummaryQuery, import_read, summaries};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::time::Instant;

/// Peak resident memory of this process in MiB (Linux), for the import's report.
fn peak_memory_mib() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let kb: f64 = status.lines().find(|l| l.starts_with("VmHWM:"))?.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

fn print_problems(e: TradeReadError, tr: &Tr, file: &Path) -> CliError {
    match e {
        TradeReadError::Problems { problems, more } => {
            for p in &problems {
                eprintln!("{}: {}", file.display(), tr.problem(p));
            }
            if more > 0 {
                eprintln!("… and {more} more problem(s)");
            }
            CliError::input(format!(
                "{} problem(s) in {}; nothing was imported",
                problems.len() as u64 + more,
                file.display()
            ))
        }
        TradeReadError::Io { .. } => CliError::input(e.to_string()),
    }
}

#[allow(clippy::too_many_arguments)]
pub async fn import_trade(
    store: &Store,
    tr: &Tr,
    file: &Path,
    format: &str,
    source: Option<String>,
    side: Option<&str>,
    dry_run: bool,
    quiet: bool,
) -> Result<(), CliError> {
    let format = TradeFormat::parse(format).ok_or_else(|| CliError::input("--format: auto, comtrade or template"))?;
    let side = side
        .map(|s| s.parse::<accord_domain::Side>().map_err(|e| CliError::input(format!("--side: {e}"))))
        .transpose()?;
    let started = Instant::now();
    let path = file.to_path_buf();
    let show_bar = !quiet && std::io::stderr().is_terminal();
    let read = tokio::task::spawn_blocking(move || {
        let bar = show_bar.then(|| {
            let bar = indicatif::ProgressBar::new(0);
            bar.set_style(
                indicatif::ProgressStyle::with_template("{bar:40} {bytes}/{total_bytes} {bytes_per_sec} ~{eta}")
                    .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
            );
            bar
        });
        let read = read_trade_file(&path, format, |done, total| {
            if let Some(bar) = &bar {
                bar.set_length(total);
                bar.set_position(done);
            }
        });
        if let Some(bar) = bar {
            bar.finish_and_clear();
        }
        read
    })
    .await
    .map_err(|e| CliError::other(e.to_string()))?
    .map_err(|e| print_problems(e, tr, file))?;
    let read_time = started.elapsed();
    let name = file.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let request = ImportRequest { source, side, dry_run };
    let summary = import_read(store, Author::SYSTEM, &name, read, &request).await.map_err(|e| match e {
        accord_web::AppError::BadRequest("trade-side-needed") => {
            CliError::input("the file holds both sides' figures: say whose statistics they are with --side BY|KHV")
        }
        other => other.into(),
    })?;
    let total = started.elapsed();
    for note in summary.notes(tr) {
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
             read {:.2} s, total {:.2} s, {:.0} rows/s{memory}",
            summary.rows_read,
            summary.format,
            outcome.inserted,
            summary.source,
            summary.side.code(),
            outcome.replaced,
            read_time.as_secs_f64(),
            total.as_secs_f64(),
            rate
        ),
    }
    Ok(())
}

pub async fn import_rates(store: &Store, tr: &Tr, files: &[PathBuf], dry_run: bool) -> Result<(), CliError> {
    let mut all = Vec::new();
    for file in files {
        let bytes = std::fs::read(file).map_err(|e| CliError::input(format!("cannot read {}: {e}", file.display())))?;
        match accord_formats::trade::read_rates(&bytes) {
            Ok(read) => {
                for skipped in &read.skipped {
                    eprintln!(
                        "{}: {}",
                        file.display(),
                        tr.ta("rates-currency-left-out", &[("currency", skipped.clone())])
                    );
                }
                all.push((file, read));
            }
            Err(problems) => {
                for p in &problems {
                    eprintln!("{}: {}", file.display(), tr.problem(p));
                }
                return Err(CliError::input(format!(
                    "{} problem(s) in {}; nothing was imported",
                    problems.len(),
                    file.display()
                )));
            }
        }
    }
    for (file, read) in all {
        let name = file.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        if dry_run {
            println!(
                "dry run: {}: {} rates ({:?}); nothing was changed",
                file.display(),
                read.rates.len(),
                read.source
            );
            continue;
        }
        let outcome = store.rates_import(Author::SYSTEM, &name, &read.rates).await?;
        println!("{}: {} new rates, {} already stored", file.display(), outcome.inserted, outcome.unchanged);
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
    let rates = accord_web::demo_trade::demo_trade().rates;
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
