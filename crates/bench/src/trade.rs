//! `accord bench trade` and the template file it imports (also `accord trade generate`).

use crate::measure::{available_cpus, temp_dir};
use crate::{BenchError, Result};
use accord_app::trade::{SummaryQuery, summaries};
use accord_store::Store;
use std::path::{Path, PathBuf};
use std::time::Instant;

/// Writes a template CSV of `rows` generated rows (monthly records 2021-2026) to `out`; the
/// same `seed` gives the same file.
pub fn generate(rows: u64, out: &Path, seed: u64) -> Result<()> {
    let file =
        std::fs::File::create(out).map_err(|e| BenchError::failed(format!("cannot write {}: {e}", out.display())))?;
    let mut writer = std::io::BufWriter::with_capacity(1 << 20, file);
    accord_formats::trade::generate_template_csv(rows, seed, &mut writer)
        .map_err(|e| BenchError::failed(format!("cannot write {}: {e}", out.display())))?;
    std::io::Write::flush(&mut writer).map_err(BenchError::other)?;
    let size = std::fs::metadata(out).map(|m| m.len()).unwrap_or(0);
    println!("wrote {rows} rows ({:.1} MB) to {}", size as f64 / 1e6, out.display());
    Ok(())
}

/// Generates a file of `rows` rows (kept at `file` if given), imports it with `accord import
/// trade` (the `accord` binary) in a child process, so that its time and peak memory are the
/// command's own, then times summaries of quarter ranges in this process.
pub async fn trade(accord: &Path, rows: u64, file: Option<PathBuf>) -> Result<()> {
    let temp = temp_dir("trade")?;
    let file = file.unwrap_or_else(|| temp.join("trade.csv"));
    let started = Instant::now();
    generate(rows, &file, 1)?;
    let generated = started.elapsed();
    let data = temp.join("data");
    let run = |args: &[&str]| {
        std::process::Command::new(accord)
            .args(["--data", data.to_str().unwrap_or_default(), "-q"])
            .args(args)
            .output()
            .map_err(BenchError::other)
    };
    let file_text = file.to_str().unwrap_or_default().to_string();
    let import_started = Instant::now();
    let first = run(&["import", "trade", &file_text, "--source", "bench", "--side", "KHV"])?;
    let import_time = import_started.elapsed();
    if !first.status.success() {
        return Err(BenchError::failed(format!("import failed: {}", String::from_utf8_lossy(&first.stderr))));
    }
    let again_started = Instant::now();
    let again = run(&["import", "trade", &file_text, "--source", "bench", "--side", "KHV"])?;
    let again_time = again_started.elapsed();
    let size = std::fs::metadata(&file).map(|m| m.len()).unwrap_or(0);
    println!("accord bench trade — SQLite, {} logical CPUs", available_cpus());
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
    let operator = accord_app::Actor::operator();
    accord_app::App::new(store.clone()).seeder(&operator)?.rates("demo-rates", &rates).await?;
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
