//! The readiness figures page (`/fleet/kpi`): the table by group with the total, and КТГ by
//! quarter as a chart, of the machines the reader sees.

use super::lines::{KpiLine, group_name, kpi_line};
use crate::AppState;
use crate::ctx::Ctx;
use crate::error::AppError;
use crate::layout::{Chrome, render};
use accord_app::fleet::KpiQuery;
use accord_domain::directory::Action;
use accord_domain::fleet::kpi::{DateRange, GroupBy, GroupKey, KpiRow};
use accord_domain::quarter::Quarter;
use accord_report::trade_charts::{Series, trend_lines};
use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use chrono::{Datelike, Days};
use std::collections::HashMap;

#[derive(Template)]
#[template(path = "fleet/kpi.html")]
struct KpiPage {
    chrome: Chrome,
    from: String,
    to: String,
    by: String,
    rows: Vec<KpiLine>,
    total: Option<KpiLine>,
    chart: String,
    /// Where the figures stop short of the period asked for, or that there are none yet.
    notes: Vec<String>,
}

pub(super) async fn kpi_page(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<KpiQuery>,
) -> Result<Response, AppError> {
    ctx.require(Action::Read)?;
    let (app, actor) = (state.app(), ctx.actor());
    let (range, by, table) = app.fleet_kpi_query(&actor, &q).await?;
    let snap = state.store().fleet_snapshot().await?;
    let owners = app.fleet_owner_names().await?;
    let tr = &ctx.tr;
    // КТГ by quarter over the range, one line per group (at most six groups drawn).
    let mut quarters = Vec::new();
    let mut start = range.from();
    while start < range.to() {
        let Some(q) = Quarter::of_month(start.year(), start.month()) else { break };
        let end = q.last_day().succ_opt().unwrap_or(range.to()).min(range.to());
        quarters.push((q, start, end));
        start = end;
    }
    let mut series = Vec::new();
    if by != GroupBy::Machine {
        let mut per_group: HashMap<GroupKey, Vec<f64>> = HashMap::new();
        for (_, from, to) in &quarters {
            if let Ok(r) = DateRange::new(*from, *to) {
                let t = app.fleet_kpi(&actor, r, by).await?;
                for row in &table.rows {
                    let v = t.rows.iter().find(|x| x.key == row.key).and_then(|x| x.kpi.ktg).unwrap_or(0.0) * 100.0;
                    per_group.entry(row.key.clone()).or_default().push(v);
                }
            }
        }
        for row in table.rows.iter().take(6) {
            series.push(Series::new(
                group_name(tr, &row.key, &snap, &owners),
                per_group.remove(&row.key).unwrap_or_default(),
            ));
        }
    }
    let labels: Vec<String> = quarters.iter().map(|(q, _, _)| format!("{} {}", q.roman(), q.year())).collect();
    let chart = if series.is_empty() || labels.is_empty() {
        String::new()
    } else {
        trend_lines(&tr.t("fleet-kpi-chart"), &labels, &series, "%")
    };
    let mut notes = Vec::new();
    match table.data_end {
        None => notes.push(tr.t("fleet-no-data")),
        Some(end) if table.clipped => notes.push(tr.ta("fleet-data-end", &[("date", tr.day(end))])),
        Some(_) => {}
    }
    if let Some(t) = table.total.as_ref().filter(|t| t.sums.kv_machines < t.sums.machines) {
        let args = [("known", t.sums.kv_machines.to_string()), ("machines", t.sums.machines.to_string())];
        notes.push(tr.ta("fleet-kv-partial", &args));
    }
    let line = |r: &KpiRow| kpi_line(tr, group_name(tr, &r.key, &snap, &owners), r.sums.machines, &r.kpi);
    render(&KpiPage {
        chrome: Chrome::new(&ctx, state.is_demo(), "fleet", tr.t("fleet-kpi-title")).crumb("fleet-title", "/fleet"),
        from: range.from().to_string(),
        to: range.to().checked_sub_days(Days::new(1)).unwrap_or(range.to()).to_string(),
        by: q.by.clone().unwrap_or_else(|| "model".into()),
        rows: table.rows.iter().map(line).collect(),
        total: table.total.as_ref().map(line),
        chart,
        notes,
    })
}
