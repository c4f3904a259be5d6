//! The logistics JSON API: routes, chains with their landed cost and what-ifs, localisation,
//! and the whole network document (read, or replaced by an import).

use super::transfer::{ImportReport, NetworkFormat, export, import_bytes};
use super::{ChainAnswer, ChainSummary, LocalisationAnswer, RouteAnswer, chain_answer, chain_list, find_routes, load};
use crate::AppState;
use crate::ctx::ApiUser;
use crate::error::AppError;
use accord_domain::directory::Action;
use axum::Json;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde::{Deserialize, Serialize};

/// A network file sent to the API: the size it may have.
pub const UPLOAD_LIMIT: usize = 32 * 1024 * 1024;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/logistics/routes", get(routes_api))
        .route("/api/v1/logistics/chains", get(chains))
        .route("/api/v1/logistics/chains/{key}", get(chain))
        .route("/api/v1/logistics/localisation", get(localisation))
        .route("/api/v1/logistics/indicators", get(indicator_links).post(link_indicator))
        .route("/api/v1/logistics/indicators/record", axum::routing::post(record_indicators))
        .route("/api/v1/logistics/indicators/{indicator}", axum::routing::delete(unlink_indicator))
}

/// Routes that take whole files, with their own body limit.
pub fn upload_routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/logistics/network", get(network).put(put_network))
        .route("/logistics/import", axum::routing::post(super::pages::import_upload))
        .layer(DefaultBodyLimit::max(UPLOAD_LIMIT))
}

async fn routes_api(
    State(state): State<AppState>,
    api: ApiUser,
    Query(query): Query<super::pages::RoutesQuery>,
) -> Result<Json<RouteAnswer>, AppError> {
    api.require(Action::Read)?;
    let request = query.request()?.ok_or(AppError::BadRequest("logistics-routes-needs"))?;
    let loaded = load(state.store()).await?;
    Ok(Json(find_routes(&loaded, &request)?))
}

#[derive(Deserialize)]
struct CurrencyQuery {
    currency: Option<String>,
}

fn currency(query: &CurrencyQuery) -> Result<Option<accord_domain::trade::Currency>, AppError> {
    super::pages::parse_currency(query.currency.as_deref())
}

#[derive(Serialize)]
struct ChainList {
    items: Vec<ChainSummary>,
}

async fn chains(
    State(state): State<AppState>,
    api: ApiUser,
    Query(query): Query<CurrencyQuery>,
) -> Result<Json<ChainList>, AppError> {
    api.require(Action::Read)?;
    let loaded = load(state.store()).await?;
    Ok(Json(ChainList { items: chain_list(&loaded, currency(&query)?) }))
}

async fn chain(
    State(state): State<AppState>,
    api: ApiUser,
    Path(key): Path<String>,
    Query(query): Query<CurrencyQuery>,
) -> Result<Json<ChainAnswer>, AppError> {
    api.require(Action::Read)?;
    let loaded = load(state.store()).await?;
    Ok(Json(chain_answer(&loaded, &key, currency(&query)?)?))
}

#[derive(Serialize)]
struct LocalisationList {
    items: Vec<LocalisationAnswer>,
}

async fn localisation(State(state): State<AppState>, api: ApiUser) -> Result<Json<LocalisationList>, AppError> {
    api.require(Action::Read)?;
    let loaded = load(state.store()).await?;
    Ok(Json(LocalisationList { items: super::localisations(&loaded)? }))
}

async fn network(State(state): State<AppState>, api: ApiUser) -> Result<Response, AppError> {
    api.require(Action::Read)?;
    let body = export(state.store(), NetworkFormat::Json).await?;
    Ok(([(header::CONTENT_TYPE, "application/json")], body).into_response())
}

#[derive(Deserialize)]
struct PutQuery {
    #[serde(default)]
    dry_run: bool,
}

/// Replaces the sections the body has (a JSON document or an XLSX workbook), all or nothing.
async fn put_network(
    State(state): State<AppState>,
    api: ApiUser,
    Query(query): Query<PutQuery>,
    body: Bytes,
) -> Result<Json<ImportReport>, AppError> {
    api.require(Action::ManageLogistics)?;
    let author = accord_store::Author::user(api.user.login.as_str());
    let tr = crate::i18n::Tr::new(api.user.locale);
    Ok(Json(import_bytes(state.store(), &tr, author, "api", &body, query.dry_run).await?))
}

/// Every plan indicator a chain measures, with the chain's figure now and the last recorded one.
async fn indicator_links(
    State(state): State<AppState>,
    api: ApiUser,
) -> Result<Json<Vec<super::indicators::MeasuredLink>>, AppError> {
    api.require(Action::Read)?;
    let loaded = load(state.store()).await?;
    Ok(Json(super::indicators::measured_links(state.store(), &loaded).await?))
}

#[derive(Deserialize)]
struct LinkBody {
    indicator: String,
    chain: String,
    metric: String,
    #[serde(default)]
    currency: Option<String>,
}

async fn link_indicator(
    State(state): State<AppState>,
    api: ApiUser,
    Json(body): Json<LinkBody>,
) -> Result<Json<accord_domain::logistics::ChainIndicatorLink>, AppError> {
    api.require(Action::ManageLogistics)?;
    let author = accord_store::Author::user(api.user.login.as_str());
    let request = super::indicators::LinkRequest {
        indicator: body.indicator,
        chain: body.chain,
        metric: body.metric,
        currency: body.currency,
    };
    Ok(Json(super::indicators::link(state.store(), author, &request).await?))
}

async fn unlink_indicator(
    State(state): State<AppState>,
    api: ApiUser,
    Path(indicator): Path<String>,
) -> Result<axum::http::StatusCode, AppError> {
    api.require(Action::ManageLogistics)?;
    let author = accord_store::Author::user(api.user.login.as_str());
    let id = indicator.trim().parse().map_err(|_| AppError::NotFound)?;
    state.store().logistics_unlink_indicator(author, id).await?;
    Ok(axum::http::StatusCode::NO_CONTENT)
}

#[derive(Deserialize)]
struct RecordBody {
    quarter: String,
    #[serde(default)]
    dry_run: bool,
}

/// Writes every linked chain's figure as the quarter's actual (or with `dry_run` only says
/// what it would write).
async fn record_indicators(
    State(state): State<AppState>,
    api: ApiUser,
    Json(body): Json<RecordBody>,
) -> Result<Json<super::indicators::RecordOutcome>, AppError> {
    api.require(Action::ManageLogistics)?;
    let author = accord_store::Author::user(api.user.login.as_str());
    let (_, quarter) = crate::review::parse_quarter(state.store(), &body.quarter).await?;
    Ok(Json(super::indicators::record_quarter(state.store(), author, quarter, body.dry_run).await?))
}
