//! The due list, work orders and the figures over the API.

use super::bad;
use crate::AppState;
use crate::api::ErrorBody;
use crate::ctx::ApiUser;
use crate::error::AppError;
use accord_app::fleet::{DueRow, KpiQuery, PartIssueInput, PreventiveInput, WorkOrderStep};
use accord_domain::fleet::kpi::KpiRow;
use accord_domain::quarter::Quarter;
use accord_domain::{MachineId, WorkOrderId};
use accord_store::{Paging, QuarterFigures, ReservationRow, StoredWorkOrder, WorkOrderRow};
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::str::FromStr;

fn order_id(id: &str) -> Result<WorkOrderId, AppError> {
    WorkOrderId::from_str(id.trim()).map_err(|_| AppError::NotFound)
}

#[utoipa::path(get, path = "/api/v1/fleet/due", tag = "fleet",
    responses((status = 200, description = "the services due, most urgent first", body = [Object]), (status = 401, description = "no or a wrong token", body = ErrorBody), (status = 403, description = "the role may not", body = ErrorBody)), security(("bearer" = [])))]
pub(super) async fn due(State(state): State<AppState>, api: ApiUser) -> Result<Json<Vec<DueRow>>, AppError> {
    Ok(Json(state.app().fleet_due(&api.actor()).await?.1))
}

#[derive(Serialize, utoipa::ToSchema)]
pub(super) struct Numbers {
    numbers: Vec<i64>,
}

#[utoipa::path(post, path = "/api/v1/fleet/due/orders", tag = "fleet", request_body = PreventiveInput,
    responses((status = 201, description = "the numbers of the work orders opened", body = Numbers), (status = 401, description = "no or a wrong token", body = ErrorBody), (status = 403, description = "the role may not", body = ErrorBody), (status = 422, description = "a field is invalid (named in `field`)", body = ErrorBody)), security(("bearer" = [])))]
pub(super) async fn create_preventive(
    State(state): State<AppState>,
    api: ApiUser,
    Json(body): Json<PreventiveInput>,
) -> Result<Response, AppError> {
    let numbers = state.app().preventive_orders_create(&api.actor(), &body).await?;
    Ok((StatusCode::CREATED, Json(Numbers { numbers })).into_response())
}

#[derive(Deserialize, utoipa::IntoParams, Default)]
#[into_params(parameter_in = Query)]
pub(super) struct OrdersQuery {
    machine: Option<String>,
    open: Option<bool>,
    page: Option<i64>,
    per_page: Option<i64>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub(super) struct OrderList {
    #[schema(value_type = Vec<Object>)]
    items: Vec<WorkOrderRow>,
    total: i64,
}

#[utoipa::path(get, path = "/api/v1/fleet/workorders", tag = "fleet", params(OrdersQuery),
    responses((status = 200, description = "a page of work orders", body = OrderList), (status = 401, description = "no or a wrong token", body = ErrorBody), (status = 404, description = "not found", body = ErrorBody)), security(("bearer" = [])))]
pub(super) async fn orders(
    State(state): State<AppState>,
    api: ApiUser,
    Query(q): Query<OrdersQuery>,
) -> Result<Json<OrderList>, AppError> {
    let machine = q
        .machine
        .as_deref()
        .filter(|m| !m.is_empty())
        .map(|m| MachineId::from_str(m).map_err(|_| bad("machine")))
        .transpose()?;
    let paging = Paging::new(q.page, q.per_page);
    let page = state.app().fleet_work_orders(&api.actor(), machine, q.open.unwrap_or(false), paging).await?;
    Ok(Json(OrderList { items: page.items, total: page.total }))
}

#[utoipa::path(get, path = "/api/v1/fleet/workorders/{id}", tag = "fleet", params(("id" = String, Path, description = "the work order's id")),
    responses((status = 200, description = "the work order with its lines", body = Object), (status = 401, description = "no or a wrong token", body = ErrorBody), (status = 404, description = "not found", body = ErrorBody)), security(("bearer" = [])))]
pub(super) async fn order(
    State(state): State<AppState>,
    api: ApiUser,
    Path(id): Path<String>,
) -> Result<Json<StoredWorkOrder>, AppError> {
    Ok(Json(state.app().fleet_work_order(&api.actor(), order_id(&id)?).await?))
}

/// A step of an order at its `version`; `sign_off` with `"close": true` also closes it, in the
/// same transaction.
#[utoipa::path(post, path = "/api/v1/fleet/workorders/{id}/actions", tag = "fleet", params(("id" = String, Path, description = "the work order's id")), request_body = WorkOrderStep,
    responses((status = 200, description = "the work order after the step", body = Object), (status = 401, description = "no or a wrong token", body = ErrorBody), (status = 403, description = "the role may not", body = ErrorBody), (status = 404, description = "not found", body = ErrorBody), (status = 409, description = "the version read is not the current one", body = ErrorBody), (status = 422, description = "a field is invalid (named in `field`)", body = ErrorBody)), security(("bearer" = [])))]
pub(super) async fn order_action(
    State(state): State<AppState>,
    api: ApiUser,
    Path(id): Path<String>,
    Json(body): Json<WorkOrderStep>,
) -> Result<Json<StoredWorkOrder>, AppError> {
    Ok(Json(state.app().work_order_act(&api.actor(), order_id(&id)?, &body).await?))
}

/// Issues parts from a bin to an order at its `version`.
#[utoipa::path(post, path = "/api/v1/fleet/workorders/{id}/parts", tag = "fleet", params(("id" = String, Path, description = "the work order's id")), request_body = PartIssueInput,
    responses((status = 200, description = "the work order with the part issued", body = Object), (status = 401, description = "no or a wrong token", body = ErrorBody), (status = 403, description = "the role may not", body = ErrorBody), (status = 404, description = "not found", body = ErrorBody), (status = 409, description = "the version read is not the current one", body = ErrorBody), (status = 422, description = "a field is invalid (named in `field`)", body = ErrorBody)), security(("bearer" = [])))]
pub(super) async fn issue_part(
    State(state): State<AppState>,
    api: ApiUser,
    Path(id): Path<String>,
    Json(body): Json<PartIssueInput>,
) -> Result<Json<StoredWorkOrder>, AppError> {
    Ok(Json(state.app().part_issue(&api.actor(), order_id(&id)?, &body).await?))
}

/// What a work order holds in stock.
#[utoipa::path(get, path = "/api/v1/fleet/workorders/{id}/reservations", tag = "fleet", params(("id" = String, Path, description = "the work order's id")),
    responses((status = 200, description = "the parts reserved for the work order", body = [Object]), (status = 401, description = "no or a wrong token", body = ErrorBody), (status = 404, description = "not found", body = ErrorBody)), security(("bearer" = [])))]
pub(super) async fn reservations(
    State(state): State<AppState>,
    api: ApiUser,
    Path(id): Path<String>,
) -> Result<Json<Vec<ReservationRow>>, AppError> {
    Ok(Json(state.app().fleet_reservations(&api.actor(), order_id(&id)?).await?))
}

#[derive(Serialize, utoipa::ToSchema)]
pub(super) struct KpiAnswer {
    from: NaiveDate,
    /// Exclusive.
    to: NaiveDate,
    #[schema(value_type = Vec<Object>)]
    rows: Vec<KpiRow>,
    #[schema(value_type = Option<Object>)]
    total: Option<KpiRow>,
}

#[utoipa::path(get, path = "/api/v1/fleet/kpi", tag = "fleet", params(KpiQuery),
    responses((status = 200, description = "availability, downtime and service figures per group", body = KpiAnswer), (status = 401, description = "no or a wrong token", body = ErrorBody), (status = 422, description = "a field is invalid (named in `field`)", body = ErrorBody)), security(("bearer" = [])))]
pub(super) async fn kpi(
    State(state): State<AppState>,
    api: ApiUser,
    Query(q): Query<KpiQuery>,
) -> Result<Json<KpiAnswer>, AppError> {
    let (_, _, table) = state.app().fleet_kpi_query(&api.actor(), &q).await?;
    Ok(Json(KpiAnswer { from: table.range_from, to: table.range_to, rows: table.rows, total: table.total }))
}

#[utoipa::path(get, path = "/api/v1/fleet/quarters/{quarter}", tag = "fleet", params(("quarter" = String, Path, description = "the quarter, e.g. 2026Q3")),
    responses((status = 200, description = "the service centre's figures for the quarter", body = Object), (status = 401, description = "no or a wrong token", body = ErrorBody), (status = 404, description = "not found", body = ErrorBody)), security(("bearer" = [])))]
pub(super) async fn quarter(
    State(state): State<AppState>,
    api: ApiUser,
    Path(q): Path<String>,
) -> Result<Json<QuarterFigures>, AppError> {
    let q = Quarter::from_str(q.trim()).map_err(|_| bad("quarter"))?;
    Ok(Json(state.app().fleet_quarter_figures(&api.actor(), q).await?))
}
