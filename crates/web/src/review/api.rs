//! The review JSON API: periods and their transitions, a quarter's reports and their workflow,
//! snapshot comparison, the decisions register, the meeting invitation and the briefing pack data.

use super::{actor, parse_quarter, period_or_default, plan_period};
use crate::AppState;
use crate::ctx::ApiUser;
use crate::error::AppError;
use accord_domain::directory::Action;
use accord_domain::review::{Decision, Report, ReportingPeriod, SnapshotComparison};
use accord_domain::{MeasureId, OrganisationId};
use accord_store::{PeriodStep, ReviewPackData};
use axum::Json;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde::{Deserialize, Serialize};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/review/periods", get(periods))
        .route("/api/v1/review/compare", get(compare))
        .route("/api/v1/review/decisions", get(decisions))
        .route("/api/v1/review/{quarter}", get(quarter))
        .route("/api/v1/review/{quarter}/period", post(period_step))
        .route("/api/v1/review/{quarter}/reports/{measure}/{organisation}", get(report).post(report_act))
        .route("/api/v1/review/{quarter}/meeting.ics", get(ics))
        .route("/api/v1/review/{quarter}/pack", get(pack))
}

#[derive(Serialize)]
struct PeriodInfo {
    period: ReportingPeriod,
    /// False for a quarter no one has opened yet (its defaults are shown).
    opened: bool,
}

async fn periods(State(state): State<AppState>, api: ApiUser) -> Result<Json<Vec<PeriodInfo>>, AppError> {
    api.require(Action::Read)?;
    let (_, plan) = plan_period(state.store()).await?;
    let mut out = Vec::new();
    for q in plan.quarters() {
        let (period, opened) = period_or_default(state.store(), &plan, q).await?;
        out.push(PeriodInfo { period, opened });
    }
    Ok(Json(out))
}

#[derive(Serialize)]
struct QuarterInfo {
    period: ReportingPeriod,
    opened: bool,
    reports: Vec<Report>,
    /// Only accepted figures count; the rest are listed with their state.
    figures: accord_domain::review::Figures,
    overdue: Vec<accord_domain::review::OverdueOrganisation>,
}

async fn quarter(
    State(state): State<AppState>,
    api: ApiUser,
    Path(raw): Path<String>,
) -> Result<Json<QuarterInfo>, AppError> {
    api.require(Action::Read)?;
    let store = state.store();
    let (_, q) = parse_quarter(store, &raw).await?;
    let (_, plan) = plan_period(store).await?;
    let (period, opened) = period_or_default(store, &plan, q).await?;
    let reports: Vec<Report> = store.review_reports(q).await?.into_iter().map(|r| r.report).collect();
    let figures = accord_domain::review::accepted_figures(&reports);
    let overdue = store.review_overdue(q, chrono::Utc::now().date_naive()).await?;
    Ok(Json(QuarterInfo { period, opened, reports, figures, overdue }))
}

#[derive(Deserialize)]
struct PeriodRequest {
    /// `open`, `start-review`, `close` or `reopen`.
    action: String,
    #[serde(default)]
    reason: String,
}

async fn period_step(
    State(state): State<AppState>,
    api: ApiUser,
    Path(raw): Path<String>,
    Json(body): Json<PeriodRequest>,
) -> Result<Json<ReportingPeriod>, AppError> {
    api.require(Action::ManageReview)?;
    let store = state.store();
    let (plan, q) = parse_quarter(store, &raw).await?;
    let author = accord_store::Author::user(api.user.login.as_str());
    let mut period = store.review_period_ensure(author, plan.id, q, None).await?;
    let step = match body.action.as_str() {
        "open" => None,
        "start-review" => Some(PeriodStep::StartReview),
        "close" => Some(PeriodStep::Close),
        "reopen" => Some(PeriodStep::Reopen { reason: body.reason }),
        _ => return Err(AppError::BadRequest("error-bad-form")),
    };
    if let Some(step) = step {
        period = store.review_period_step(author, &actor(&api.user), q, step).await?;
    }
    Ok(Json(period))
}

async fn report(
    State(state): State<AppState>,
    api: ApiUser,
    Path((raw, measure, organisation)): Path<(String, MeasureId, OrganisationId)>,
) -> Result<Json<Report>, AppError> {
    api.require(Action::Read)?;
    let (_, q) = parse_quarter(state.store(), &raw).await?;
    Ok(Json(state.store().review_report(q, organisation, measure).await?.ok_or(AppError::NotFound)?))
}

/// A workflow step: `{"action": "save"|"submit", "status", "percent", "done", "problems",
/// "help_needed", "actual_<indicator id>": "…"}` or `{"action": "return", "comment"}` or
/// `{"action": "accept"}`. Values are strings, as in the form.
async fn report_act(
    State(state): State<AppState>,
    api: ApiUser,
    Path((raw, measure, organisation)): Path<(String, MeasureId, OrganisationId)>,
    Json(body): Json<std::collections::BTreeMap<String, serde_json::Value>>,
) -> Result<Json<Report>, AppError> {
    let store = state.store();
    let (plan, q) = parse_quarter(store, &raw).await?;
    let flat: Vec<(String, String)> =
        body.into_iter().map(|(k, v)| (k, v.as_str().map(str::to_string).unwrap_or_else(|| v.to_string()))).collect();
    let encoded = serde_urlencoded::to_string(&flat).map_err(|_| AppError::BadRequest("error-bad-form"))?;
    let form: super::pages::ReportForm =
        serde_urlencoded::from_str(&encoded).map_err(|_| AppError::BadRequest("error-bad-form"))?;
    let measure_row = store.measure(measure).await?;
    let side = measure_row.data.executors.iter().find(|e| e.organisation == organisation).map(|e| e.side);
    match form.action.as_str() {
        "return" | "accept" => api.require(Action::ReviewReports { side: side.ok_or(AppError::NotFound)? })?,
        _ => api.require(Action::FileReport { organisation })?,
    }
    let steps = form.steps()?;
    let author = accord_store::Author::user(api.user.login.as_str());
    store.review_period_ensure(author, plan.id, q, None).await?;
    Ok(Json(store.review_report_act(author, &actor(&api.user), q, organisation, measure, &steps).await?))
}

#[derive(Deserialize)]
struct CompareQuery {
    from: String,
    to: String,
}

async fn compare(
    State(state): State<AppState>,
    api: ApiUser,
    Query(q): Query<CompareQuery>,
) -> Result<Json<SnapshotComparison>, AppError> {
    api.require(Action::Read)?;
    let store = state.store();
    let (_, from) = parse_quarter(store, &q.from).await?;
    let (_, to) = parse_quarter(store, &q.to).await?;
    let a = store.review_snapshot(from).await?.ok_or(AppError::NotFound)?;
    let b = store.review_snapshot(to).await?.ok_or(AppError::NotFound)?;
    Ok(Json(SnapshotComparison::compare(&a, &b)))
}

#[derive(Debug, Default, Deserialize)]
struct DecisionsQuery {
    /// Only the decisions linked to this measure.
    measure: Option<String>,
}

async fn decisions(
    State(state): State<AppState>,
    api: ApiUser,
    Query(q): Query<DecisionsQuery>,
) -> Result<Json<Vec<Decision>>, AppError> {
    api.require(Action::Read)?;
    match q.measure.as_deref().map(str::trim).filter(|m| !m.is_empty()) {
        Some(raw) => {
            let measure: MeasureId = raw.parse().map_err(|_| AppError::BadRequest("error-bad-form"))?;
            Ok(Json(state.store().review_decisions_of_measure(measure).await?))
        }
        None => Ok(Json(state.store().review_decisions().await?)),
    }
}

async fn ics(State(state): State<AppState>, api: ApiUser, Path(raw): Path<String>) -> Result<Response, AppError> {
    api.require(Action::Read)?;
    let (_, q) = parse_quarter(state.store(), &raw).await?;
    let text = super::meeting_ics(state.store(), q).await?;
    Ok(([(header::CONTENT_TYPE, "text/calendar; charset=utf-8")], text).into_response())
}

async fn pack(
    State(state): State<AppState>,
    api: ApiUser,
    Path(raw): Path<String>,
) -> Result<Json<ReviewPackData>, AppError> {
    api.require(Action::Read)?;
    let (_, q) = parse_quarter(state.store(), &raw).await?;
    Ok(Json(state.store().review_pack_data(q, chrono::Utc::now().date_naive()).await?))
}
