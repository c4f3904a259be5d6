//! `accord report quarterly`: the briefing pack for a quarter as PDF, XLSX or HTML, and
//! `accord bench briefing`: how long the pack takes to set, cold and warm.

use crate::commands::CliError;
use accord_app::App;
use accord_app::review::pack::{PackFormat, plan_quarter, write};
use accord_i18n::Tr;
use accord_store::Store;
use std::path::Path;
use std::time::Instant;

fn quarter_error(e: accord_domain::review::PeriodError) -> CliError {
    CliError::input(format!("--quarter: {e}"))
}

fn today() -> chrono::NaiveDate {
    chrono::Utc::now().date_naive()
}

/// Writes the pack for `quarter` to `out` and says where, with its size.
pub async fn quarterly(app: &App, tr: Tr, quarter: &str, format: &str, out: &Path) -> Result<(), CliError> {
    let format = PackFormat::parse(format).ok_or_else(|| CliError::input("--format: expected pdf, xlsx or html"))?;
    let plan = app.plan_resolve(None).await?;
    let quarter = plan_quarter(quarter, &plan).map_err(quarter_error)?;
    let started = Instant::now();
    let briefing = app.briefing_pack(tr, quarter, today()).await?;
    let bytes = write(briefing, format, today()).await?;
    std::fs::write(out, &bytes).map_err(|e| CliError::other(format!("cannot write {}: {e}", out.display())))?;
    println!("{} written: {} KB, {:.2} s", out.display(), bytes.len().div_ceil(1024), started.elapsed().as_secs_f64());
    Ok(())
}

/// Times the PDF pack on the demo data (cold: the first in this process, then warm), then on
/// the demo plan with `measures` generated measures added, in a temporary SQLite store.
pub async fn bench(measures: usize, runs: usize) -> Result<(), CliError> {
    let dir = tempfile::tempdir().map_err(|e| CliError::other(format!("cannot create a temporary folder: {e}")))?;
    let url = format!("sqlite://{}", dir.path().join("bench.db").display());
    let store = Store::open(&url, accord_domain::Side::By).await.map_err(|e| CliError::other(e.to_string()))?;
    store.migrate().await.map_err(|e| CliError::other(e.to_string()))?;
    accord_demo::load(&store, false).await.map_err(|e| CliError::other(e.to_string()))?;
    let app = App::new(store.clone());
    let plan = app.plan_resolve(None).await?;
    let quarter = plan_quarter("2025Q3", &plan).map_err(quarter_error)?;
    let tr = Tr::new(accord_domain::directory::Locale::Ru);
    let time_pack = |store: Store| async move {
        let app = App::new(store);
        let started = Instant::now();
        let briefing = app.briefing_pack(tr, quarter, today()).await?;
        let gathered = started.elapsed();
        let bytes = write(briefing, PackFormat::Pdf, today()).await?;
        Ok::<_, CliError>((started.elapsed(), gathered, bytes.len()))
    };
    let (cold, gathered, size) = time_pack(store.clone()).await?;
    println!(
        "demo plan, PDF cold: {:.0} ms (data {:.0} ms), {} KB",
        cold.as_secs_f64() * 1000.0,
        gathered.as_secs_f64() * 1000.0,
        size.div_ceil(1024)
    );
    let mut warm = Vec::with_capacity(runs);
    for _ in 0..runs {
        warm.push(time_pack(store.clone()).await?.0);
    }
    warm.sort();
    if let Some(median) = warm.get(warm.len() / 2) {
        println!("demo plan, PDF warm: median {:.0} ms of {runs}", median.as_secs_f64() * 1000.0);
    }
    if measures > 0 {
        let phase = |_: &str| {};
        accord_demo::scale::generate(&store, measures, &phase).await.map_err(|e| CliError::other(e.to_string()))?;
        let (big, gathered, size) = time_pack(store.clone()).await?;
        println!(
            "demo plan + {measures} measures, PDF: {:.2} s (data {:.2} s), {} KB",
            big.as_secs_f64(),
            gathered.as_secs_f64(),
            size.div_ceil(1024)
        );
    }
    Ok(())
}
