//! The logistics JSON API: routes, chains with their landed cost and what-ifs, localisation,
//! the whole network document (read, or replaced by an import), and chains measured as plan
//! indicators. Every write is a use case of `accord_app::logistics`, with the same input type
//! as the page's form.

use super::UPLOAD_LIMIT;
use super::view::parse_currency;
use crate::AppState;
use crate::api::ErrorBody;
use crate::ctx::ApiUser;
use crate::error::AppError;
use crate::i18n::Tr;
use crate::upload::Upload;
use accord_app::logistics::{
    ChainAnswer, ChainSummary, LinkInput, LocalisationAnswer, LocalisationQuery, MeasuredLink, NetworkFormat,
    NetworkImportReport, RecordInput, RecordOutcome, RouteAnswer, RoutesQuery, chain_answer, chain_list, export,
    find_routes, load, localisations,
};
use accord_domain::directory::Action;
use accord_domain::logistics::ChainIndicatorLink;
use axum::extract::{DefaultBodyLimit, Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post};
use axum::{Extension, Json, Router};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, OpenApi, ToSchema};

#[derive(OpenApi)]
#[openapi(
    paths(
        routes_api,
        chains,
        chain,
        localisation,
        network,
        put_network,
        indicator_links,
        link_indicator,
        unlink_indicator,
        record_indicators
    ),
    components(schemas(ChainList, LocalisationList, LinkInput, RecordInput))
)]
pub struct LogisticsApiDoc;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/logistics/routes", get(routes_api))
        .route("/api/v1/logistics/chains", get(chains))
        .route("/api/v1/logistics/chains/{key}", get(chain))
        .route("/api/v1/logistics/localisation", get(localisation))
        .route("/api/v1/logistics/indicators", get(indicator_links).post(link_indicator))
        .route("/api/v1/logistics/indicators/record", post(record_indicators))
        .route("/api/v1/logistics/indicators/{indicator}", delete(unlink_indicator))
}

/// Routes that take whole files, with their own body limit.
pub fn upload_routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/logistics/network", get(network).put(put_network))
        .layer(DefaultBodyLimit::max(UPLOAD_LIMIT))
}

#[utoipa::path(get, path = "/api/v1/logistics/routes", tag = "logistics", params(RoutesQuery),
    responses((status = 200, description = "the routes found, cheapest first, with their landed cost", body = Object), (status = 400, description = "a malformed request", body = ErrorBody), (status = 401, description = "no or a wrong token", body = ErrorBody), (status = 422, description = "a field is invalid (named in `field`)", body = ErrorBody)), security(("bearer" = [])))]
async fn routes_api(
    State(state): State<AppState>,
    api: ApiUser,
    Query(query): Query<RoutesQuery>,
) -> Result<Json<RouteAnswer>, AppError> {
    api.require(Action::Read)?;
    let request = query.request()?.ok_or(AppError::BadRequest("logistics-routes-needs"))?;
    let loaded = load(state.store()).await?;
    Ok(Json(find_routes(&loaded, &request)?))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct CurrencyQuery {
    currency: Option<String>,
}

#[derive(Serialize, ToSchema)]
struct ChainList {
    #[schema(value_type = Vec<Object>)]
    items: Vec<ChainSummary>,
}

#[utoipa::path(get, path = "/api/v1/logistics/chains", tag = "logistics", params(CurrencyQuery),
    responses((status = 200, description = "every chain with its landed cost", body = ChainList), (status = 401, description = "no or a wrong token", body = ErrorBody), (status = 422, description = "a field is invalid (named in `field`)", body = ErrorBody)), security(("bearer" = [])))]
async fn chains(
    State(state): State<AppState>,
    api: ApiUser,
    Query(query): Query<CurrencyQuery>,
) -> Result<Json<ChainList>, AppError> {
    api.require(Action::Read)?;
    let currency = parse_currency(query.currency.as_deref())?;
    let loaded = load(state.store()).await?;
    Ok(Json(ChainList { items: chain_list(&loaded, currency) }))
}

#[utoipa::path(get, path = "/api/v1/logistics/chains/{key}", tag = "logistics", params(("key" = String, Path, description = "the chain's key"), CurrencyQuery),
    responses((status = 200, description = "the chain, its cost lines and what-ifs", body = Object), (status = 401, description = "no or a wrong token", body = ErrorBody), (status = 404, description = "not found", body = ErrorBody), (status = 422, description = "a field is invalid (named in `field`)", body = ErrorBody)), security(("bearer" = [])))]
async fn chain(
    State(state): State<AppState>,
    api: ApiUser,
    Path(key): Path<String>,
    Query(query): Query<CurrencyQuery>,
) -> Result<Json<ChainAnswer>, AppError> {
    api.require(Action::Read)?;
    let currency = parse_currency(query.currency.as_deref())?;
    let loaded = load(state.store()).await?;
    Ok(Json(chain_answer(&loaded, &key, currency)?))
}

#[derive(Serialize, ToSchema)]
struct LocalisationList {
    #[schema(value_type = Vec<Object>)]
    items: Vec<LocalisationAnswer>,
}

/// Each localisation case, before VAT in the case's currency: the saving per unit split by
/// cost line, year one's figures and the horizon's cash flows, NPV and paybacks, with the
/// park's preferences (for its preference years) and without.
#[utoipa::path(get, path = "/api/v1/logistics/localisation", tag = "logistics", params(LocalisationQuery),
    responses((status = 200, description = "localisation of each product over the horizon", body = LocalisationList), (status = 401, description = "no or a wrong token", body = ErrorBody), (status = 422, description = "a field is invalid (named in `field`)", body = ErrorBody)), security(("bearer" = [])))]
async fn localisation(
    State(state): State<AppState>,
    api: ApiUser,
    Query(query): Query<LocalisationQuery>,
) -> Result<Json<LocalisationList>, AppError> {
    api.require(Action::Read)?;
    let horizon = query.horizon()?;
    let loaded = load(state.store()).await?;
    Ok(Json(LocalisationList { items: localisations(&loaded, &horizon)? }))
}

#[utoipa::path(get, path = "/api/v1/logistics/network", tag = "logistics",
    responses((status = 200, description = "the whole network document (nodes, legs, tariffs, products, chains)", body = Object), (status = 401, description = "no or a wrong token", body = ErrorBody)), security(("bearer" = [])))]
async fn network(State(state): State<AppState>, api: ApiUser) -> Result<Response, AppError> {
    api.require(Action::Read)?;
    let body = export(state.store(), NetworkFormat::Json).await?;
    Ok(([(header::CONTENT_TYPE, "application/json")], body).into_response())
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct PutQuery {
    #[serde(default)]
    dry_run: bool,
}

/// Replaces the sections the body has (a JSON document or an XLSX workbook), all or nothing.
/// A refused file is a 422 naming every problem, each at its JSON path or sheet and row.
#[utoipa::path(put, path = "/api/v1/logistics/network", tag = "logistics", params(PutQuery),
    request_body(content = Vec<u8>, content_type = "application/octet-stream", description = "a network JSON document or XLSX workbook"),
    responses((status = 200, description = "what was (or, with dry_run, would be) replaced", body = Object), (status = 401, description = "no or a wrong token", body = ErrorBody), (status = 403, description = "the role may not", body = ErrorBody),
        (status = 422, description = "the file's problems, each at its JSON path or sheet and row", body = Object)), security(("bearer" = [])))]
async fn put_network(
    State(state): State<AppState>,
    Extension(tr): Extension<Tr>,
    api: ApiUser,
    Query(query): Query<PutQuery>,
    Upload(body): Upload,
) -> Result<Response, AppError> {
    match state.app().network_import(&api.actor(), "api", &body, query.dry_run).await {
        Ok(report) => Ok(Json::<NetworkImportReport>(report).into_response()),
        Err(accord_app::Error::InvalidFile(problems)) => {
            let lines: Vec<String> = problems.iter().map(|p| super::problem_line(&tr, p)).collect();
            let body = serde_json::json!({
                "error": {
                    "code": "invalid_file",
                    "message": tr.ta("logistics-import-refused", &[("detail", lines.join("\n"))]),
                    "problems": problems.iter().zip(&lines).map(|(p, text)| serde_json::json!({
                        "sheet": p.sheet_name(), "row": p.row, "path": p.column, "key": p.reason.key, "message": text,
                    })).collect::<Vec<_>>(),
                }
            });
            Ok((StatusCode::UNPROCESSABLE_ENTITY, Json(body)).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

/// Every plan indicator a chain measures, with the chain's figure now and the last recorded one.
#[utoipa::path(get, path = "/api/v1/logistics/indicators", tag = "logistics",
    responses((status = 200, description = "every plan indicator a chain measures, with the chain's figure now and the last recorded", body = [Object]), (status = 401, description = "no or a wrong token", body = ErrorBody)), security(("bearer" = [])))]
async fn indicator_links(State(state): State<AppState>, api: ApiUser) -> Result<Json<Vec<MeasuredLink>>, AppError> {
    api.require(Action::Read)?;
    let loaded = load(state.store()).await?;
    Ok(Json(state.app().chain_measured_links(&loaded).await?))
}

#[utoipa::path(post, path = "/api/v1/logistics/indicators", tag = "logistics", request_body = LinkInput,
    responses((status = 200, description = "the link", body = Object), (status = 401, description = "no or a wrong token", body = ErrorBody), (status = 403, description = "the role may not", body = ErrorBody), (status = 404, description = "not found", body = ErrorBody), (status = 422, description = "a field is invalid (named in `field`)", body = ErrorBody)), security(("bearer" = [])))]
async fn link_indicator(
    State(state): State<AppState>,
    api: ApiUser,
    Json(body): Json<LinkInput>,
) -> Result<Json<ChainIndicatorLink>, AppError> {
    Ok(Json(state.app().chain_indicator_link(&api.actor(), &body).await?))
}

#[utoipa::path(delete, path = "/api/v1/logistics/indicators/{indicator}", tag = "logistics", params(("indicator" = String, Path, description = "the indicator's id")),
    responses((status = 204, description = "unlinked"), (status = 401, description = "no or a wrong token", body = ErrorBody), (status = 403, description = "the role may not", body = ErrorBody), (status = 404, description = "not found", body = ErrorBody)), security(("bearer" = [])))]
async fn unlink_indicator(
    State(state): State<AppState>,
    api: ApiUser,
    Path(indicator): Path<String>,
) -> Result<StatusCode, AppError> {
    state.app().chain_indicator_unlink(&api.actor(), &indicator).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Writes every linked chain's figure as the quarter's actual (or with `dry_run` only says
/// what it would write).
#[utoipa::path(post, path = "/api/v1/logistics/indicators/record", tag = "logistics", request_body = RecordInput,
    responses((status = 200, description = "the actuals written (or that would be)", body = Object), (status = 401, description = "no or a wrong token", body = ErrorBody), (status = 403, description = "the role may not", body = ErrorBody), (status = 422, description = "a field is invalid (named in `field`)", body = ErrorBody)), security(("bearer" = [])))]
async fn record_indicators(
    State(state): State<AppState>,
    api: ApiUser,
    Json(body): Json<RecordInput>,
) -> Result<Json<RecordOutcome>, AppError> {
    Ok(Json(state.app().chain_indicators_record(&api.actor(), &body).await?))
}
