//! The parts store, shipments and the fleet file imports over the API.

use crate::AppState;
use crate::api::ErrorBody;
use crate::ctx::ApiUser;
use crate::error::AppError;
use accord_app::fleet::{ImportKind, ImportSummary, ShipmentInput, ShipmentReceipt};
use accord_domain::fleet::replenish::SupplierOrder;
use accord_store::{FleetImportOutcome, ShipmentId, ShipmentRow, StockRow};
use axum::Json;
use axum::body::Body;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use std::str::FromStr;

/// The largest fleet file an import reads.
pub(super) const IMPORT_LIMIT: usize = 64 * 1024 * 1024;

#[utoipa::path(get, path = "/api/v1/fleet/parts/orders", tag = "fleet",
    responses((status = 200, description = "the supplier orders the stock levels suggest", body = [Object]), (status = 401, description = "no or a wrong token", body = ErrorBody), (status = 403, description = "the role may not", body = ErrorBody)), security(("bearer" = [])))]
pub(super) async fn suggested(
    State(state): State<AppState>,
    api: ApiUser,
) -> Result<Json<Vec<SupplierOrder>>, AppError> {
    Ok(Json(state.app().fleet_suggested_orders(&api.actor()).await?))
}

/// Stock per warehouse, bin and part: on hand, reserved for work orders, in transit.
#[utoipa::path(get, path = "/api/v1/fleet/stock", tag = "fleet",
    responses((status = 200, description = "the parts store: on hand, reserved, on order", body = [Object]), (status = 401, description = "no or a wrong token", body = ErrorBody), (status = 403, description = "the role may not", body = ErrorBody)), security(("bearer" = [])))]
pub(super) async fn stock(State(state): State<AppState>, api: ApiUser) -> Result<Json<Vec<StockRow>>, AppError> {
    Ok(Json(state.app().fleet_stock(&api.actor()).await?))
}

/// Shipments, those in transit first.
#[utoipa::path(get, path = "/api/v1/fleet/shipments", tag = "fleet",
    responses((status = 200, description = "shipments in transit and received", body = [Object]), (status = 401, description = "no or a wrong token", body = ErrorBody), (status = 403, description = "the role may not", body = ErrorBody)), security(("bearer" = [])))]
pub(super) async fn shipments(State(state): State<AppState>, api: ApiUser) -> Result<Json<Vec<ShipmentRow>>, AppError> {
    Ok(Json(state.app().fleet_shipments(&api.actor(), 1000).await?))
}

#[derive(Serialize, utoipa::ToSchema)]
pub(super) struct Created {
    id: String,
}

/// Records a shipment in transit.
#[utoipa::path(post, path = "/api/v1/fleet/shipments", tag = "fleet", request_body = ShipmentInput,
    responses((status = 201, description = "the shipment's id", body = Created), (status = 401, description = "no or a wrong token", body = ErrorBody), (status = 403, description = "the role may not", body = ErrorBody), (status = 422, description = "a field is invalid (named in `field`)", body = ErrorBody)), security(("bearer" = [])))]
pub(super) async fn add_shipment(
    State(state): State<AppState>,
    api: ApiUser,
    Json(body): Json<ShipmentInput>,
) -> Result<Response, AppError> {
    let id = state.app().shipment_add(&api.actor(), &body).await?;
    Ok((StatusCode::CREATED, Json(Created { id: id.to_string() })).into_response())
}

/// Receives a shipment: a receipt movement into its bin (on `on`, default the fleet's today).
#[utoipa::path(post, path = "/api/v1/fleet/shipments/{id}/receive", tag = "fleet", params(("id" = String, Path, description = "the shipment's id")), request_body(content = Option<ShipmentReceipt>, description = "optional: the quantities actually received"),
    responses((status = 200, description = "the stock after receipt", body = [Object]), (status = 401, description = "no or a wrong token", body = ErrorBody), (status = 403, description = "the role may not", body = ErrorBody), (status = 404, description = "not found", body = ErrorBody), (status = 409, description = "the version read is not the current one", body = ErrorBody), (status = 422, description = "a field is invalid (named in `field`)", body = ErrorBody)), security(("bearer" = [])))]
pub(super) async fn receive_shipment(
    State(state): State<AppState>,
    api: ApiUser,
    Path(id): Path<String>,
    body: Option<Json<ShipmentReceipt>>,
) -> Result<Json<Vec<StockRow>>, AppError> {
    let id = ShipmentId(uuid::Uuid::from_str(id.trim()).map_err(|_| AppError::NotFound)?);
    let (app, actor) = (state.app(), api.actor());
    let receipt = body.map(|Json(b)| b).unwrap_or_default();
    app.shipment_receive(&actor, id, &receipt).await?;
    Ok(Json(app.fleet_stock(&actor).await?))
}

#[derive(Deserialize, utoipa::IntoParams, Default)]
#[into_params(parameter_in = Query)]
pub(super) struct ImportQuery {
    #[serde(default)]
    dry_run: bool,
    file_name: Option<String>,
}

#[derive(Serialize)]
pub(super) struct ImportAnswer {
    #[serde(flatten)]
    summary: ImportSummary,
}

/// Imports a fleet file (the body). Whoever may not import is refused before the body is read.
#[utoipa::path(post, path = "/api/v1/fleet/imports/{kind}", tag = "fleet", params(("kind" = String, Path, description = "fleet, meters or workorders"), ImportQuery),
    request_body(content = Vec<u8>, content_type = "application/octet-stream", description = "the file (CSV or XLSX)"),
    responses((status = 201, description = "rows written", body = Object), (status = 200, description = "a dry run, or a file already imported", body = Object),
        (status = 401, description = "no or a wrong token", body = ErrorBody), (status = 403, description = "the role may not", body = ErrorBody), (status = 404, description = "not found", body = ErrorBody), (status = 422, description = "the file's problems, by sheet, row and column", body = Object)), security(("bearer" = [])))]
pub(super) async fn import(
    State(state): State<AppState>,
    api: ApiUser,
    Path(kind): Path<String>,
    Query(q): Query<ImportQuery>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, AppError> {
    let kind = ImportKind::from_what(&kind).ok_or(AppError::NotFound)?;
    let (app, actor) = (state.app(), api.actor());
    app.fleet_import_check(&actor).await?;
    let bytes = crate::upload::read(&headers, body).await?;
    let name = q.file_name.unwrap_or_else(|| format!("{}.csv", kind.what()));
    let summary = app.fleet_import(&actor, kind, &name, &bytes, q.dry_run).await?;
    let status = match &summary.outcome {
        Some(FleetImportOutcome { unchanged: false, .. }) if !summary.dry_run => StatusCode::CREATED,
        _ => StatusCode::OK,
    };
    Ok((status, Json(ImportAnswer { summary })).into_response())
}
