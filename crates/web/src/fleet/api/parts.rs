//! The parts store, shipments and the fleet file imports over the API.

use crate::AppState;
use crate::ctx::ApiUser;
use crate::error::AppError;
use accord_app::fleet::{ImportKind, ImportSummary, ShipmentInput, ShipmentReceipt};
use accord_domain::fleet::replenish::SupplierOrder;
use accord_store::{FleetImportOutcome, ShipmentId, ShipmentRow, StockRow};
use axum::Json;
use axum::body::Body;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use std::str::FromStr;

/// The largest fleet file an import reads.
pub(super) const IMPORT_LIMIT: usize = 64 * 1024 * 1024;

pub(super) async fn suggested(
    State(state): State<AppState>,
    api: ApiUser,
) -> Result<Json<Vec<SupplierOrder>>, AppError> {
    Ok(Json(state.app().fleet_suggested_orders(&api.actor()).await?))
}

/// Stock per warehouse, bin and part: on hand, reserved for work orders, in transit.
pub(super) async fn stock(State(state): State<AppState>, api: ApiUser) -> Result<Json<Vec<StockRow>>, AppError> {
    Ok(Json(state.app().fleet_stock(&api.actor()).await?))
}

/// Shipments, those in transit first.
pub(super) async fn shipments(State(state): State<AppState>, api: ApiUser) -> Result<Json<Vec<ShipmentRow>>, AppError> {
    Ok(Json(state.app().fleet_shipments(&api.actor(), 1000).await?))
}

#[derive(Serialize)]
pub(super) struct Created {
    id: String,
}

/// Records a shipment in transit.
pub(super) async fn add_shipment(
    State(state): State<AppState>,
    api: ApiUser,
    Json(body): Json<ShipmentInput>,
) -> Result<Response, AppError> {
    let id = state.app().shipment_add(&api.actor(), &body).await?;
    Ok((StatusCode::CREATED, Json(Created { id: id.to_string() })).into_response())
}

/// Receives a shipment: a receipt movement into its bin (on `on`, default the fleet's today).
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

#[derive(Deserialize, Default)]
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
pub(super) async fn import(
    State(state): State<AppState>,
    api: ApiUser,
    Path(kind): Path<String>,
    Query(q): Query<ImportQuery>,
    body: Body,
) -> Result<Response, AppError> {
    let kind = ImportKind::from_what(&kind).ok_or(AppError::NotFound)?;
    let (app, actor) = (state.app(), api.actor());
    app.fleet_import_check(&actor).await?;
    let bytes = axum::body::to_bytes(body, IMPORT_LIMIT).await.map_err(|_| AppError::BadRequest("error-bad-form"))?;
    let name = q.file_name.unwrap_or_else(|| format!("{}.csv", kind.what()));
    let summary = app.fleet_import(&actor, kind, &name, &bytes, q.dry_run).await?;
    let status = match &summary.outcome {
        Some(FleetImportOutcome { unchanged: false, .. }) if !summary.dry_run => StatusCode::CREATED,
        _ => StatusCode::OK,
    };
    Ok((status, Json(ImportAnswer { summary })).into_response())
}
