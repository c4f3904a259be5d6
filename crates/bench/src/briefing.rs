//! `accord bench briefing`: how long the quarterly briefing pack (PDF) takes to set.

use crate::measure::median;
use crate::{BenchError, Result};
use accord_app::App;
use accord_app::review::pack::{PackFormat, plan_quarter, write};
use accord_i18n::Tr;
use accord_store::Store;
use std::time::Instant;

fn today() -> chrono::NaiveDate {
    chrono::Utc::now().date_naive()
}

/// Times the PDF pack on the demo data (cold: the first in this process, then `runs` warm ones,
/// whose median is printed), then on the demo plan with `measures` generated measures added,
/// in a temporary SQLite store.
pub async fn briefing(measures: usize, runs: usize) -> Result<()> {
    let dir = tempfile::tempdir().map_err(|e| BenchError::failed(format!("cannot create a temporary folder: {e}")))?;
    let url = format!("sqlite://{}", dir.path().join("bench.db").display());
    let store = Store::open(&url, accord_domain::Side::By).await.map_err(BenchError::other)?;
    store.migrate().await.map_err(BenchError::other)?;
    accord_demo::load(&store, false).await.map_err(BenchError::other)?;
    let app = App::new(store.clone());
    let plan = app.plan_resolve(None).await?;
    let quarter = plan_quarter("2025Q3", &plan).map_err(|e| BenchError::Input(format!("--quarter: {e}")))?;
    let tr = Tr::new(accord_domain::directory::Locale::Ru);
    let time_pack = |store: Store| async move {
        let app = App::new(store);
        let started = Instant::now();
        let briefing = app.briefing_pack(tr, quarter, today()).await?;
        let gathered = started.elapsed();
        let bytes = write(briefing, PackFormat::Pdf, today()).await?;
        Ok::<_, BenchError>((started.elapsed(), gathered, bytes.len()))
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
    if !warm.is_empty() {
        let (median, _) = median(warm);
        println!("demo plan, PDF warm: median {:.0} ms of {runs}", median.as_secs_f64() * 1000.0);
    }
    if measures > 0 {
        let phase = |_: &str| {};
        accord_demo::scale::generate(&store, measures, &phase).await.map_err(BenchError::other)?;
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
