//! `accord report quarterly`: the briefing pack for a quarter as PDF, XLSX or HTML.

use crate::commands::CliError;
use accord_app::App;
use accord_app::review::pack::{PackFormat, plan_quarter, write};
use accord_i18n::Tr;
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
