//! The trade JSON API: summaries, mirror reconciliation and verdicts, product groups, sources,
//! and imports of trade and rate files sent as the request body. Every write is a use case of
//! `accord_app::trade`, with the same input type as the page's form.

use super::{UPLOAD_LIMIT, import_notes};
use crate::AppState;
use crate::api::ErrorBody;
use crate::ctx::ApiUser;
use crate::error::AppError;
use crate::i18n::Tr;
use crate::upload::Upload;
use accord_app::trade::{
    GroupInput, ImportSummary, MORE_PROBLEMS, MirrorQuery, ScopeSummary, SummaryQuery, TradeImportOptions,
    VerdictInput, summaries,
};
use accord_domain::directory::Action;
use accord_domain::trade::MirrorReport;
use accord_formats::Problem;
use accord_store::{MirrorVerdict, RatesOutcome, StoredGroup, TradeSourceInfo};
use axum::extract::{DefaultBodyLimit, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use axum::{Extension, Json, Router};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, OpenApi, ToSchema};

#[derive(OpenApi)]
#[openapi(
    paths(
        summary,
        mirror,
        set_verdict,
        groups,
        save_group,
        replace_group,
        delete_group,
        sources,
        import_trade,
        import_rates
    ),
    components(schemas(
        SummaryList,
        MirrorAnswer,
        ProblemsBody,
        ProblemsDetail,
        ProblemDetail,
        VerdictInput,
        GroupInput
    ))
)]
pub struct TradeApiDoc;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/trade/summary", get(summary))
        .route("/api/v1/trade/mirror", get(mirror).put(set_verdict))
        .route("/api/v1/trade/groups", get(groups).post(save_group))
        .route("/api/v1/trade/groups/{key}", put(replace_group).delete(delete_group))
        .route("/api/v1/trade/sources", get(sources))
}

/// Routes that take files, with their own body limit.
pub fn upload_routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/trade/imports", post(import_trade))
        .route("/api/v1/trade/rates", post(import_rates))
        .layer(DefaultBodyLimit::max(UPLOAD_LIMIT))
}

#[derive(Serialize, ToSchema)]
struct SummaryList {
    #[schema(value_type = Vec<Object>)]
    items: Vec<ScopeSummary>,
}

#[utoipa::path(get, path = "/api/v1/trade/summary", tag = "trade", params(SummaryQuery),
    responses((status = 200, description = "turnover, exports and imports per scope and bucket", body = SummaryList), (status = 401, description = "no or a wrong token", body = ErrorBody), (status = 422, description = "a field is invalid (named in `field`)", body = ErrorBody)), security(("bearer" = [])))]
async fn summary(
    State(state): State<AppState>,
    api: ApiUser,
    Query(query): Query<SummaryQuery>,
) -> Result<Json<SummaryList>, AppError> {
    api.require(Action::Read)?;
    let request = query.request(state.store()).await?;
    Ok(Json(SummaryList { items: summaries(state.store(), &request).await? }))
}

#[derive(Serialize, ToSchema)]
struct MirrorAnswer {
    #[schema(value_type = Object)]
    report: MirrorReport,
    #[schema(value_type = Vec<Object>)]
    verdicts: Vec<MirrorVerdict>,
}

#[utoipa::path(get, path = "/api/v1/trade/mirror", tag = "trade",
    params(
        ("exporter" = Option<String>, Query, description = "the exporting territory, default BY-MA"),
        ("importer" = Option<String>, Query, description = "the importing territory, default RU-KHA"),
        ("level" = Option<String>, Query, description = "hs2, hs4 or hs6 for a breakdown by code"),
        SummaryQuery
    ),
    responses((status = 200, description = "the reconciliation and the verdicts on its pair", body = MirrorAnswer), (status = 401, description = "no or a wrong token", body = ErrorBody), (status = 422, description = "a field is invalid (named in `field`)", body = ErrorBody)), security(("bearer" = [])))]
async fn mirror(
    State(state): State<AppState>,
    api: ApiUser,
    Query(query): Query<MirrorQuery>,
) -> Result<Json<MirrorAnswer>, AppError> {
    api.require(Action::Read)?;
    let (report, verdicts) = query.report(state.store()).await?;
    Ok(Json(MirrorAnswer { report, verdicts }))
}

/// Records a verdict; a verdict already recorded needs the `version` read.
#[utoipa::path(put, path = "/api/v1/trade/mirror", tag = "trade", request_body = VerdictInput,
    responses((status = 200, description = "the verdict as stored", body = Object), (status = 401, description = "no or a wrong token", body = ErrorBody), (status = 403, description = "the role may not", body = ErrorBody), (status = 409, description = "the version read is not the current one", body = ErrorBody), (status = 422, description = "a field is invalid (named in `field`)", body = ErrorBody)), security(("bearer" = [])))]
async fn set_verdict(
    State(state): State<AppState>,
    api: ApiUser,
    Json(body): Json<VerdictInput>,
) -> Result<Json<MirrorVerdict>, AppError> {
    Ok(Json(state.app().mirror_verdict_set(&api.actor(), &body).await?))
}

#[utoipa::path(get, path = "/api/v1/trade/groups", tag = "trade",
    responses((status = 200, description = "the product groups with their prefixes, targets and measures", body = [Object]), (status = 401, description = "no or a wrong token", body = ErrorBody)), security(("bearer" = [])))]
async fn groups(State(state): State<AppState>, api: ApiUser) -> Result<Json<Vec<StoredGroup>>, AppError> {
    api.require(Action::Read)?;
    Ok(Json(state.store().product_groups().await?.as_ref().clone()))
}

/// Creates a group (201); a body naming an existing group changes it, with its `version`.
#[utoipa::path(post, path = "/api/v1/trade/groups", tag = "trade", request_body = GroupInput,
    responses((status = 201, description = "the group as stored", body = Object), (status = 401, description = "no or a wrong token", body = ErrorBody), (status = 403, description = "the role may not", body = ErrorBody), (status = 409, description = "the version read is not the current one", body = ErrorBody), (status = 422, description = "a field is invalid (named in `field`)", body = ErrorBody)), security(("bearer" = [])))]
async fn save_group(
    State(state): State<AppState>,
    api: ApiUser,
    Json(body): Json<GroupInput>,
) -> Result<(StatusCode, Json<StoredGroup>), AppError> {
    let key = body.key.clone().unwrap_or_default();
    let stored = state.app().product_group_save(&api.actor(), &key, &body).await?;
    Ok((StatusCode::CREATED, Json(stored)))
}

#[utoipa::path(put, path = "/api/v1/trade/groups/{key}", tag = "trade", params(("key" = String, Path, description = "the group's key")),
    request_body = GroupInput,
    responses((status = 200, description = "the group as stored", body = Object), (status = 401, description = "no or a wrong token", body = ErrorBody), (status = 403, description = "the role may not", body = ErrorBody), (status = 409, description = "the version read is not the current one", body = ErrorBody), (status = 422, description = "a field is invalid (named in `field`)", body = ErrorBody)), security(("bearer" = [])))]
async fn replace_group(
    State(state): State<AppState>,
    api: ApiUser,
    Path(key): Path<String>,
    Json(body): Json<GroupInput>,
) -> Result<Json<StoredGroup>, AppError> {
    Ok(Json(state.app().product_group_save(&api.actor(), &key, &body).await?))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct VersionQuery {
    version: Option<i64>,
}

#[utoipa::path(delete, path = "/api/v1/trade/groups/{key}", tag = "trade", params(("key" = String, Path, description = "the group's key"), VersionQuery),
    responses((status = 204, description = "deleted"), (status = 401, description = "no or a wrong token", body = ErrorBody), (status = 403, description = "the role may not", body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, description = "the version read is not the current one", body = ErrorBody)), security(("bearer" = [])))]
async fn delete_group(
    State(state): State<AppState>,
    api: ApiUser,
    Path(key): Path<String>,
    Query(q): Query<VersionQuery>,
) -> Result<StatusCode, AppError> {
    state.app().product_group_delete(&api.actor(), &key, q.version).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(get, path = "/api/v1/trade/sources", tag = "trade",
    responses((status = 200, description = "the sources of trade statistics and what each holds", body = [Object]), (status = 401, description = "no or a wrong token", body = ErrorBody)), security(("bearer" = [])))]
async fn sources(State(state): State<AppState>, api: ApiUser) -> Result<Json<Vec<TradeSourceInfo>>, AppError> {
    api.require(Action::Read)?;
    Ok(Json(state.store().trade_sources().await?))
}

/// A file's problems as the API reports them: `problems` as sentences in the request's
/// language, `details` the same with their parts for programs, `more` those left uncounted.
#[derive(Serialize, ToSchema)]
struct ProblemsBody {
    error: ProblemsDetail,
}

#[derive(Serialize, ToSchema)]
struct ProblemsDetail {
    code: &'static str,
    message: String,
    problems: Vec<String>,
    details: Vec<ProblemDetail>,
    more: u64,
}

#[derive(Serialize, ToSchema)]
struct ProblemDetail {
    /// The workbook sheet; `csv`, `xml` or `json` for files without sheets.
    sheet: String,
    /// 1-based row or line; 0 for the file as a whole.
    row: u32,
    /// The column's header as in the file; empty when the problem is not about one column.
    column: String,
    /// The message id (`problem-…`) and its arguments.
    key: String,
    #[schema(value_type = Object)]
    args: serde_json::Map<String, serde_json::Value>,
    /// `problems[i]` again.
    message: String,
}

fn problems_response(mut problems: Vec<Problem>, tr: &Tr) -> Response {
    // The reader's count of problems it did not keep comes last, as a problem of its own.
    let more = match problems.last() {
        Some(p) if p.reason.key == MORE_PROBLEMS => {
            let more = p.reason.get("count").and_then(|c| c.parse().ok()).unwrap_or(0);
            problems.pop();
            more
        }
        _ => 0,
    };
    let details: Vec<ProblemDetail> = problems
        .iter()
        .map(|p| ProblemDetail {
            sheet: p.sheet.clone(),
            row: p.row,
            column: p.column.clone(),
            key: p.reason.key.clone(),
            args: p.reason.args.iter().map(|(k, v)| (k.clone(), serde_json::Value::from(v.clone()))).collect(),
            message: tr.problem(p),
        })
        .collect();
    let total = i64::try_from(problems.len() as u64 + more).unwrap_or(i64::MAX);
    let body = ProblemsBody {
        error: ProblemsDetail {
            code: "file_problems",
            message: tr.tn("import-file-problems", total),
            problems: details.iter().map(|d| d.message.clone()).collect(),
            details,
            more,
        },
    };
    (StatusCode::UNPROCESSABLE_ENTITY, Json(body)).into_response()
}

/// An import's outcome: the summary, with the rows left out as sentences in the request's
/// language (`notes`) and as data (`skipped`).
#[derive(Serialize)]
struct ImportBody<'a> {
    #[serde(flatten)]
    summary: &'a ImportSummary,
    notes: Vec<String>,
    skipped: &'a [accord_formats::trade::Skipped],
}

/// Imports the body as a trade file. `201` when records were written, `200` for a dry run or
/// a file the source already had; `403` before the file is read for a role that may not.
#[utoipa::path(post, path = "/api/v1/trade/imports", tag = "trade", params(TradeImportOptions),
    request_body(content = Vec<u8>, content_type = "application/octet-stream", description = "the file: Comtrade CSV or the trade template (CSV or XLSX)"),
    responses(
        (status = 201, description = "records written", body = Object),
        (status = 200, description = "a dry run, or a file the source already had", body = Object),
        (status = 401, description = "no or a wrong token", body = ErrorBody), (status = 403, description = "the role may not", body = ErrorBody),
        (status = 422, description = "the file's problems, by sheet, row and column", body = ProblemsBody)
    ), security(("bearer" = [])))]
async fn import_trade(
    State(state): State<AppState>,
    Extension(tr): Extension<Tr>,
    api: ApiUser,
    Query(options): Query<TradeImportOptions>,
    Upload(body): Upload,
) -> Result<Response, AppError> {
    let name = options.name.clone().unwrap_or_else(|| "upload.csv".to_string());
    let summary = match state.app().trade_import(&api.actor(), &name, body, &options).await {
        Ok(summary) => summary,
        Err(accord_app::Error::InvalidFile(problems)) => return Ok(problems_response(problems, &tr)),
        Err(e) => return Err(e.into()),
    };
    let status =
        if summary.outcome.as_ref().is_some_and(|o| !o.unchanged) { StatusCode::CREATED } else { StatusCode::OK };
    let body = ImportBody { summary: &summary, notes: import_notes(&tr, &summary), skipped: &summary.skipped };
    Ok((status, Json(body)).into_response())
}

#[derive(Deserialize)]
struct RatesQuery {
    name: Option<String>,
    dry_run: Option<bool>,
}

/// Imports the body as a rate file (Bank of Russia XML or National Bank of Belarus JSON).
#[utoipa::path(post, path = "/api/v1/trade/rates", tag = "trade",
    params(("name" = Option<String>, Query, description = "the file's name"), ("dry_run" = Option<bool>, Query, description = "read and check only")),
    request_body(content = Vec<u8>, content_type = "application/octet-stream", description = "Bank of Russia XML or National Bank of Belarus JSON"),
    responses((status = 200, description = "rates inserted and unchanged", body = Object), (status = 401, description = "no or a wrong token", body = ErrorBody), (status = 403, description = "the role may not", body = ErrorBody), (status = 422, description = "the file's problems", body = ProblemsBody)), security(("bearer" = [])))]
async fn import_rates(
    State(state): State<AppState>,
    Extension(tr): Extension<Tr>,
    api: ApiUser,
    Query(q): Query<RatesQuery>,
    Upload(body): Upload,
) -> Result<Response, AppError> {
    let name = q.name.unwrap_or_else(|| "rates".to_string());
    let files = [(name, body)];
    let outcomes = match state.app().rates_import(&api.actor(), &files, q.dry_run.unwrap_or(false)).await {
        Ok(outcomes) => outcomes,
        Err(accord_app::Error::InvalidFile(problems)) => return Ok(problems_response(problems, &tr)),
        Err(e) => return Err(e.into()),
    };
    let outcome = outcomes.into_iter().find_map(|o| o.outcome).unwrap_or(RatesOutcome { inserted: 0, unchanged: 0 });
    Ok(Json(outcome).into_response())
}
