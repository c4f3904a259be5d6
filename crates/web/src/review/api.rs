//! The review JSON API: periods and their transitions, a quarter's reports and their workflow,
//! snapshot comparison, the decisions register, the meeting invitation and the briefing pack data.
//! Writes name the version of the record they change (`version`; 0 for a report not started).

use super::{parse_quarter, period_or_default, plan_period};
use crate::AppState;
use crate::api::ErrorBody;
use crate::ctx::ApiUser;
use crate::error::AppError;
use accord_app::review::VersionedReport;
use accord_app::review::input::{PeriodInput, ReportInput};
use accord_domain::directory::Action;
use accord_domain::review::{Decision, Report, ReportingPeriod, SnapshotComparison};
use accord_domain::{MeasureId, OrganisationId};
use accord_store::ReviewPackData;
use axum::Json;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, OpenApi, ToSchema};

#[derive(OpenApi)]
#[openapi(
    paths(periods, quarter, period_step, report, report_act, compare, decisions, ics, pack),
    components(schemas(PeriodInfo, QuarterInfo))
)]
pub struct ReviewApiDoc;

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

#[derive(Serialize, ToSchema)]
struct PeriodInfo {
    #[schema(value_type = Object)]
    period: ReportingPeriod,
    /// False for a quarter no one has opened yet (its defaults are shown).
    opened: bool,
    /// The period's version (0: not opened), for a reschedule.
    version: i64,
}

#[utoipa::path(get, path = "/api/v1/review/periods", tag = "review",
    responses((status = 200, description = "the plan's reporting periods, opened or not", body = [PeriodInfo]), (status = 401, description = "no or a wrong token", body = ErrorBody)), security(("bearer" = [])))]
async fn periods(State(state): State<AppState>, api: ApiUser) -> Result<Json<Vec<PeriodInfo>>, AppError> {
    api.require(Action::Read)?;
    let (_, plan) = plan_period(state.store()).await?;
    let mut out = Vec::new();
    for q in plan.quarters() {
        let (period, version) = period_or_default(&state, &plan, q).await?;
        out.push(PeriodInfo { period, opened: version > 0, version });
    }
    Ok(Json(out))
}

#[derive(Serialize, ToSchema)]
struct QuarterInfo {
    #[schema(value_type = Object)]
    period: ReportingPeriod,
    opened: bool,
    #[schema(value_type = Vec<Object>)]
    reports: Vec<Report>,
    /// Only accepted figures count; the rest are listed with their state.
    #[schema(value_type = Object)]
    figures: accord_domain::review::Figures,
    #[schema(value_type = Vec<Object>)]
    overdue: Vec<accord_domain::review::OverdueOrganisation>,
}

#[utoipa::path(get, path = "/api/v1/review/{quarter}", tag = "review", params(("quarter" = String, Path, description = "the quarter, e.g. 2026Q3")),
    responses((status = 200, description = "the quarter's period, reports, accepted figures and overdue organisations", body = QuarterInfo), (status = 401, description = "no or a wrong token", body = ErrorBody), (status = 404, description = "not found", body = ErrorBody), (status = 422, description = "a field is invalid (named in `field`)", body = ErrorBody)), security(("bearer" = [])))]
async fn quarter(
    State(state): State<AppState>,
    api: ApiUser,
    Path(raw): Path<String>,
) -> Result<Json<QuarterInfo>, AppError> {
    api.require(Action::Read)?;
    let store = state.store();
    let (_, q) = parse_quarter(store, &raw).await?;
    let (_, plan) = plan_period(store).await?;
    let (period, version) = period_or_default(&state, &plan, q).await?;
    let reports: Vec<Report> = store.review_reports(q).await?.into_iter().map(|r| r.report).collect();
    let figures = accord_domain::review::accepted_figures(&reports);
    let overdue = store.review_overdue(q, chrono::Utc::now().date_naive()).await?;
    Ok(Json(QuarterInfo { period, opened: version > 0, reports, figures, overdue }))
}

/// `{"action": "open" | "start-review" | "close" | "reopen", "reason"}` or
/// `{"action": "reschedule", "meeting_date", "deadline", "version"}`.
#[utoipa::path(post, path = "/api/v1/review/{quarter}/period", tag = "review", params(("quarter" = String, Path, description = "the quarter, e.g. 2026Q3")),
    request_body(content = Object, description = "`{\"action\": \"open\" | \"start-review\" | \"close\" | \"reopen\", \"reason\"}` or `{\"action\": \"reschedule\", \"meeting_date\", \"deadline\", \"version\"}`"),
    responses((status = 200, description = "the period after the step", body = Object), (status = 401, description = "no or a wrong token", body = ErrorBody), (status = 403, description = "the role may not", body = ErrorBody), (status = 409, description = "the version read is not the current one", body = ErrorBody), (status = 422, description = "a field is invalid (named in `field`)", body = ErrorBody)), security(("bearer" = [])))]
async fn period_step(
    State(state): State<AppState>,
    api: ApiUser,
    Path(raw): Path<String>,
    Json(body): Json<PeriodInput>,
) -> Result<Json<ReportingPeriod>, AppError> {
    let (_, q) = parse_quarter(state.store(), &raw).await?;
    Ok(Json(super::periods::period_act(&state, &api.actor(), q, &body).await?))
}

#[utoipa::path(get, path = "/api/v1/review/{quarter}/reports/{measure}/{organisation}", tag = "review", params(("quarter" = String, Path, description = "the quarter, e.g. 2026Q3"), ("measure" = String, Path, description = "the measure's id"), ("organisation" = String, Path, description = "the reporting organisation's id")),
    responses((status = 200, description = "the report with its version", body = Object), (status = 401, description = "no or a wrong token", body = ErrorBody), (status = 404, description = "not found", body = ErrorBody)), security(("bearer" = [])))]
async fn report(
    State(state): State<AppState>,
    api: ApiUser,
    Path((raw, measure, organisation)): Path<(String, MeasureId, OrganisationId)>,
) -> Result<Json<VersionedReport>, AppError> {
    api.require(Action::Read)?;
    let (_, q) = parse_quarter(state.store(), &raw).await?;
    Ok(Json(state.app().report_get(q, organisation, measure).await?.ok_or(AppError::NotFound)?))
}

/// A workflow step: `{"action": "save"|"submit", "version", "status", "percent", "done",
/// "problems", "help_needed", "actual_<indicator id>": "…"}` or `{"action": "return",
/// "version", "comment"}` or `{"action": "accept", "version"}`. The answer is the report with
/// its new version.
#[utoipa::path(post, path = "/api/v1/review/{quarter}/reports/{measure}/{organisation}", tag = "review", params(("quarter" = String, Path, description = "the quarter, e.g. 2026Q3"), ("measure" = String, Path, description = "the measure's id"), ("organisation" = String, Path, description = "the reporting organisation's id")),
    request_body(content = Object, description = "`{\"action\": \"save\"|\"submit\", \"version\", \"status\", \"percent\", \"done\", \"problems\", \"help_needed\", \"actual_<indicator id>\"}`, `{\"action\": \"return\", \"version\", \"comment\"}` or `{\"action\": \"accept\", \"version\"}`"),
    responses((status = 200, description = "the report with its new version", body = Object), (status = 401, description = "no or a wrong token", body = ErrorBody), (status = 403, description = "the role may not", body = ErrorBody), (status = 404, description = "not found", body = ErrorBody), (status = 409, description = "the version read is not the current one", body = ErrorBody), (status = 422, description = "a field is invalid (named in `field`)", body = ErrorBody)), security(("bearer" = [])))]
async fn report_act(
    State(state): State<AppState>,
    api: ApiUser,
    Path((raw, measure, organisation)): Path<(String, MeasureId, OrganisationId)>,
    Json(body): Json<ReportInput>,
) -> Result<Json<VersionedReport>, AppError> {
    let (_, q) = parse_quarter(state.store(), &raw).await?;
    Ok(Json(super::reports::report_act(&state, &api.actor(), q, organisation, measure, &body).await?))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct CompareQuery {
    from: String,
    to: String,
}

#[utoipa::path(get, path = "/api/v1/review/compare", tag = "review", params(CompareQuery),
    responses((status = 200, description = "what changed between two quarters' snapshots", body = Object), (status = 401, description = "no or a wrong token", body = ErrorBody), (status = 404, description = "not found", body = ErrorBody), (status = 422, description = "a field is invalid (named in `field`)", body = ErrorBody)), security(("bearer" = [])))]
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

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct DecisionsQuery {
    /// Only the decisions linked to this measure.
    measure: Option<String>,
}

#[utoipa::path(get, path = "/api/v1/review/decisions", tag = "review", params(DecisionsQuery),
    responses((status = 200, description = "the decisions register", body = [Object]), (status = 400, description = "a malformed request", body = ErrorBody), (status = 401, description = "no or a wrong token", body = ErrorBody)), security(("bearer" = [])))]
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

#[utoipa::path(get, path = "/api/v1/review/{quarter}/meeting.ics", tag = "review", params(("quarter" = String, Path, description = "the quarter, e.g. 2026Q3")),
    responses((status = 200, description = "the meeting invitation", content_type = "text/calendar", body = String), (status = 401, description = "no or a wrong token", body = ErrorBody), (status = 404, description = "not found", body = ErrorBody)), security(("bearer" = [])))]
async fn ics(State(state): State<AppState>, api: ApiUser, Path(raw): Path<String>) -> Result<Response, AppError> {
    api.require(Action::Read)?;
    let (_, q) = parse_quarter(state.store(), &raw).await?;
    let text = state.app().meeting_ics(q).await?;
    Ok(([(header::CONTENT_TYPE, "text/calendar; charset=utf-8")], text).into_response())
}

#[utoipa::path(get, path = "/api/v1/review/{quarter}/pack", tag = "review", params(("quarter" = String, Path, description = "the quarter, e.g. 2026Q3")),
    responses((status = 200, description = "the briefing pack's data", body = Object), (status = 401, description = "no or a wrong token", body = ErrorBody), (status = 404, description = "not found", body = ErrorBody)), security(("bearer" = [])))]
async fn pack(
    State(state): State<AppState>,
    api: ApiUser,
    Path(raw): Path<String>,
) -> Result<Json<ReviewPackData>, AppError> {
    api.require(Action::Read)?;
    let (_, q) = parse_quarter(state.store(), &raw).await?;
    Ok(Json(state.store().review_pack_data(q, chrono::Utc::now().date_naive()).await?))
}
