//! The briefing pack's page: `/briefing` offers the plan's quarters, `/briefing/download`
//! returns the pack as PDF, XLSX or HTML in the reader's language. What goes in the pack is
//! decided by `accord_app::review::pack`, which `accord report quarterly` calls too.

use crate::AppState;
use crate::ctx::Ctx;
use crate::error::AppError;
use crate::layout::{Chrome, render};
use accord_app::review::pack::{PackFormat, plan_quarter, write};
use accord_domain::directory::Action;
use accord_domain::quarter::Quarter;
use accord_domain::review::PlanPeriod;
use askama::Template;
use axum::Router;
use axum::extract::{Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use chrono::{Datelike, NaiveDate};
use serde::Deserialize;

pub fn routes() -> Router<AppState> {
    Router::new().route("/briefing", get(page)).route("/briefing/download", get(download))
}

#[derive(Debug, Default, Deserialize)]
struct PackQuery {
    quarter: Option<String>,
    format: Option<String>,
}

#[derive(Template)]
#[template(path = "briefing.html")]
struct PackPage {
    chrome: Chrome,
    quarters: Vec<String>,
    selected: String,
}

fn today_of(ctx: &Ctx) -> NaiveDate {
    chrono::Utc::now().with_timezone(&crate::layout::user_tz(&ctx.user)).date_naive()
}

async fn page(State(state): State<AppState>, ctx: Ctx, Query(q): Query<PackQuery>) -> Result<Response, AppError> {
    ctx.require(Action::Read)?;
    let plan = crate::plan::resolve_plan(state.store(), None).await?;
    let period = PlanPeriod::of_dates(plan.period_start, plan.period_end).map_err(|_| AppError::NotFound)?;
    let today = today_of(&ctx);
    let current =
        Quarter::of_month(today.year(), today.month()).filter(|q| period.contains(*q)).unwrap_or(period.last());
    // The pack is usually wanted for the quarter just ended.
    let default = if current.prev() >= period.first() { current.prev() } else { current };
    let selected = q.quarter.filter(|t| period.parse_quarter(t).is_ok()).unwrap_or_else(|| default.to_string());
    render(&PackPage {
        chrome: Chrome::new(&ctx, state.is_demo(), "plan", ctx.tr.t("pack-page-title"))
            .crumb("nav-plan", "/plan")
            .crumb_text(ctx.tr.t("pack-page-title")),
        quarters: period.quarters().iter().map(ToString::to_string).collect(),
        selected,
    })
}

async fn download(State(state): State<AppState>, ctx: Ctx, Query(q): Query<PackQuery>) -> Result<Response, AppError> {
    ctx.require(Action::Read)?;
    let format =
        PackFormat::parse(q.format.as_deref().unwrap_or("pdf")).ok_or(AppError::BadRequest("pack-error-format"))?;
    let plan = crate::plan::resolve_plan(state.store(), None).await?;
    let quarter = plan_quarter(q.quarter.as_deref().unwrap_or_default(), &plan)
        .map_err(|_| AppError::BadRequest("pack-error-quarter"))?;
    let today = today_of(&ctx);
    let briefing = state.app().briefing_pack(ctx.tr, quarter, today).await?;
    let bytes = write(briefing, format, today).await?;
    let file_name = format!("briefing-{quarter}-{}.{}", ctx.tr.code(), format.extension());
    let disposition = if format == PackFormat::Html {
        format!("inline; filename=\"{file_name}\"")
    } else {
        format!("attachment; filename=\"{file_name}\"")
    };
    Ok(([(header::CONTENT_TYPE, format.content_type().to_string()), (header::CONTENT_DISPOSITION, disposition)], bytes)
        .into_response())
}
