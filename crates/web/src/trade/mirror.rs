//! Mirror reconciliation: what one side says it exported against what the other says it
//! imported, bucket by bucket, with the coordinators' verdicts on each gap.

use super::view::{amount, bucket_label, chart_options, percent_text, territory_name};
use crate::AppState;
use crate::ctx::{CsrfForm, Ctx};
use crate::error::AppError;
use crate::layout::{Chrome, FormErrors, redirect_with_flash, render, render_status};
use accord_app::trade::{MirrorQuery, VerdictInput};
use accord_domain::directory::Action;
use accord_domain::trade::MirrorStatus;
use accord_report::trade_charts::{GapRow, mirror_gap_with};
use askama::Template;
use axum::Router;
use axum::extract::{Query, State};
use axum::response::Response;
use axum::routing::get;
use rust_decimal::prelude::ToPrimitive;
use serde::Deserialize;

struct MirrorLine {
    bucket: String,
    code: String,
    exported: String,
    imported: String,
    gap: String,
    gap_percent: String,
    status: String,
    status_label: String,
    comment: String,
    version: String,
}

#[derive(Template)]
#[template(path = "trade/mirror.html")]
struct MirrorPage {
    chrome: Chrome,
    query: MirrorQuery,
    exporter: String,
    importer: String,
    lines: Vec<MirrorLine>,
    chart: String,
    statuses: Vec<(String, String)>,
    can_reconcile: bool,
    errors: FormErrors,
    /// This page with its filters, where a verdict form returns to.
    back: String,
}

async fn mirror_view(
    state: &AppState,
    ctx: &Ctx,
    query: MirrorQuery,
    errors: FormErrors,
) -> Result<MirrorPage, AppError> {
    let tr = &ctx.tr;
    let (report, verdicts) = query.report(state.store()).await?;
    let exporter = report.exporter;
    let importer = report.importer;
    let lines = report
        .rows
        .iter()
        .map(|row| {
            let bucket = bucket_label(&row.bucket);
            let code = row.code.map(|c| c.to_string()).unwrap_or_default();
            let verdict = verdicts.iter().find(|v| v.key.bucket == bucket && v.key.code == code);
            let status = verdict.map_or(MirrorStatus::Open, |v| v.status);
            MirrorLine {
                code: row.code.map(|c| c.spaced().to_string()).unwrap_or_default(),
                exported: row.exported.map_or_else(|| "—".into(), |v| amount(tr, v)),
                imported: row.imported.map_or_else(|| "—".into(), |v| amount(tr, v)),
                gap: row.gap.map_or_else(|| "—".into(), |v| amount(tr, v)),
                gap_percent: percent_text(tr, row.gap_percent),
                status: status.code().to_string(),
                status_label: tr.t(&format!("mirror-status-{}", status.code())),
                comment: verdict.and_then(|v| v.comment.clone()).unwrap_or_default(),
                version: verdict.map(|v| v.version.to_string()).unwrap_or_default(),
                bucket,
            }
        })
        .collect();
    let gap_rows: Vec<GapRow> = report
        .rows
        .iter()
        .filter(|r| r.code.is_none())
        .map(|r| GapRow {
            label: bucket_label(&r.bucket),
            exported: r.exported.and_then(|v| v.to_f64()).unwrap_or(0.0),
            imported: r.imported.and_then(|v| v.to_f64()).unwrap_or(0.0),
        })
        .collect();
    let chart = mirror_gap_with(
        &tr.t("trade-chart-mirror"),
        &gap_rows,
        &tr.ta("mirror-exporter-figure", &[("territory", territory_name(tr, exporter))]),
        &tr.ta("mirror-importer-figure", &[("territory", territory_name(tr, importer))]),
        &chart_options(tr),
    );
    let filters = [
        ("from", &query.range.from),
        ("to", &query.range.to),
        ("granularity", &query.range.granularity),
        ("currency", &query.range.currency),
        ("basis", &query.range.basis),
        ("level", &query.level),
    ];
    let mut back = format!("/trade/mirror?exporter={exporter}&importer={importer}");
    for (name, value) in filters {
        if let Some(value) =
            value.as_deref().filter(|v| !v.is_empty() && v.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'))
        {
            back.push_str(&format!("&{name}={value}"));
        }
    }
    Ok(MirrorPage {
        back,
        chrome: Chrome::new(ctx, state.is_demo(), "trade", tr.t("mirror-title"))
            .crumb("trade-title", "/trade")
            .crumb_text(tr.t("mirror-title")),
        exporter: exporter.to_string(),
        importer: importer.to_string(),
        statuses: MirrorStatus::ALL
            .iter()
            .map(|s| (s.code().to_string(), tr.t(&format!("mirror-status-{}", s.code()))))
            .collect(),
        can_reconcile: ctx.can(Action::ReconcileTrade),
        query,
        lines,
        chart,
        errors,
    })
}

async fn mirror_page(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(query): Query<MirrorQuery>,
) -> Result<Response, AppError> {
    ctx.require(Action::Read)?;
    render(&mirror_view(&state, &ctx, query, FormErrors::default()).await?)
}

/// The verdict form: the verdict, and the page (with its filters) to return to.
#[derive(Deserialize)]
struct VerdictForm {
    #[serde(flatten)]
    verdict: VerdictInput,
    #[serde(default)]
    back: String,
}

async fn set_verdict(
    State(state): State<AppState>,
    CsrfForm(ctx, form): CsrfForm<VerdictForm>,
) -> Result<Response, AppError> {
    let back = crate::auth::safe_redirect(Some(&form.back));
    let back = if back.starts_with("/trade/mirror") { back } else { "/trade/mirror".to_string() };
    match state.app().mirror_verdict_set(&ctx.actor(), &form.verdict).await {
        Ok(_) => Ok(redirect_with_flash(&ctx, &back, "flash-saved")),
        Err(error) => {
            let (status, errors) = FormErrors::from_app_error(&ctx.tr, error.into())?;
            let query = MirrorQuery {
                exporter: Some(form.verdict.exporter),
                importer: Some(form.verdict.importer),
                ..Default::default()
            };
            render_status(status, &mirror_view(&state, &ctx, query, errors).await?)
        }
    }
}

pub(super) fn routes() -> Router<AppState> {
    Router::new().route("/trade/mirror", get(mirror_page).post(set_verdict))
}
