//! Machines, their readings, warranties and assemblies over the API.

use crate::AppState;
use crate::api::ErrorBody;
use crate::ctx::ApiUser;
use crate::error::AppError;
use accord_app::fleet::{
    AssemblyInput, AssemblyMoveInput, MachineChange, MachineData, MachineList, MachineQuery, ReadingInput, VoidInput,
    WarrantyInput,
};
use accord_domain::{AssemblyId, MachineId, MeterReadingId};
use accord_store::{AssemblyEventRow, AssemblyRow, ReadingRow, WarrantyRow};
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use std::str::FromStr;

fn machine_id(id: &str) -> Result<MachineId, AppError> {
    MachineId::from_str(id.trim()).map_err(|_| AppError::NotFound)
}

#[utoipa::path(get, path = "/api/v1/fleet/machines", tag = "fleet", params(MachineQuery),
    responses((status = 200, description = "a page of machines", body = Object), (status = 401, description = "no or a wrong token", body = ErrorBody), (status = 422, description = "a field is invalid (named in `field`)", body = ErrorBody)), security(("bearer" = [])))]
pub(super) async fn machines(
    State(state): State<AppState>,
    api: ApiUser,
    Query(q): Query<MachineQuery>,
) -> Result<Json<MachineList>, AppError> {
    Ok(Json(state.app().fleet_machines(&api.actor(), &q).await?))
}

#[utoipa::path(get, path = "/api/v1/fleet/machines/{id}", tag = "fleet", params(("id" = String, Path, description = "the machine's id")),
    responses((status = 200, description = "the machine with its meters, due services and history", body = Object), (status = 401, description = "no or a wrong token", body = ErrorBody), (status = 404, description = "not found", body = ErrorBody)), security(("bearer" = [])))]
pub(super) async fn machine(
    State(state): State<AppState>,
    api: ApiUser,
    Path(id): Path<String>,
) -> Result<Json<MachineData>, AppError> {
    Ok(Json(state.app().fleet_machine(&api.actor(), machine_id(&id)?).await?))
}

/// Changes a machine's register entry; `version` is required (a stale one is a 409).
#[utoipa::path(put, path = "/api/v1/fleet/machines/{id}", tag = "fleet", params(("id" = String, Path, description = "the machine's id")), request_body = MachineChange,
    responses((status = 200, description = "the machine as changed", body = Object), (status = 401, description = "no or a wrong token", body = ErrorBody), (status = 403, description = "the role may not", body = ErrorBody), (status = 404, description = "not found", body = ErrorBody), (status = 409, description = "the version read is not the current one", body = ErrorBody), (status = 422, description = "a field is invalid (named in `field`)", body = ErrorBody)), security(("bearer" = [])))]
pub(super) async fn update_machine(
    State(state): State<AppState>,
    api: ApiUser,
    Path(id): Path<String>,
    Json(body): Json<MachineChange>,
) -> Result<Json<MachineData>, AppError> {
    let (app, actor, id) = (state.app(), api.actor(), machine_id(&id)?);
    app.machine_change(&actor, id, &body).await?;
    Ok(Json(app.fleet_machine(&actor, id).await?))
}

#[utoipa::path(post, path = "/api/v1/fleet/readings", tag = "fleet", request_body = ReadingInput,
    responses((status = 201, description = "the reading is recorded", body = Object), (status = 401, description = "no or a wrong token", body = ErrorBody), (status = 403, description = "the role may not", body = ErrorBody),
        (status = 422, description = "a field is invalid, e.g. `value` lower than the last reading or larger than any real meter shows", body = ErrorBody)), security(("bearer" = [])))]
pub(super) async fn add_reading(
    State(state): State<AppState>,
    api: ApiUser,
    Json(body): Json<ReadingInput>,
) -> Result<Response, AppError> {
    let outcome = state.app().reading_add(&api.actor(), &body).await?;
    Ok((StatusCode::CREATED, Json(outcome)).into_response())
}

#[derive(Deserialize, utoipa::IntoParams, Default)]
#[into_params(parameter_in = Query)]
pub(super) struct ReadingsQuery {
    limit: Option<i64>,
}

/// A machine's readings, latest first (voided ones included, with their reason).
#[utoipa::path(get, path = "/api/v1/fleet/machines/{id}/readings", tag = "fleet", params(("id" = String, Path, description = "the machine's id"), ReadingsQuery),
    responses((status = 200, description = "the machine's readings, latest first", body = [Object]), (status = 401, description = "no or a wrong token", body = ErrorBody), (status = 404, description = "not found", body = ErrorBody)), security(("bearer" = [])))]
pub(super) async fn readings(
    State(state): State<AppState>,
    api: ApiUser,
    Path(id): Path<String>,
    Query(q): Query<ReadingsQuery>,
) -> Result<Json<Vec<ReadingRow>>, AppError> {
    let limit = q.limit.unwrap_or(100).clamp(1, 10_000);
    Ok(Json(state.app().fleet_readings(&api.actor(), machine_id(&id)?, limit).await?))
}

/// Voids a reading, keeping it with the reason; the meter's state is recomputed without it.
#[utoipa::path(post, path = "/api/v1/fleet/readings/{id}/void", tag = "fleet", params(("id" = String, Path, description = "the reading's id")), request_body = VoidInput,
    responses((status = 200, description = "the machine's readings after the void", body = [Object]), (status = 401, description = "no or a wrong token", body = ErrorBody), (status = 403, description = "the role may not", body = ErrorBody), (status = 404, description = "not found", body = ErrorBody), (status = 422, description = "a field is invalid (named in `field`)", body = ErrorBody)), security(("bearer" = [])))]
pub(super) async fn void_reading(
    State(state): State<AppState>,
    api: ApiUser,
    Path(id): Path<String>,
    Json(body): Json<VoidInput>,
) -> Result<Json<Vec<ReadingRow>>, AppError> {
    let reading = MeterReadingId::from_str(id.trim()).map_err(|_| AppError::NotFound)?;
    let (app, actor) = (state.app(), api.actor());
    let machine = app.reading_void(&actor, reading, None, &body).await?;
    Ok(Json(app.fleet_readings(&actor, machine, 100).await?))
}

#[utoipa::path(get, path = "/api/v1/fleet/machines/{id}/warranties", tag = "fleet", params(("id" = String, Path, description = "the machine's id")),
    responses((status = 200, description = "the machine's warranties", body = [Object]), (status = 401, description = "no or a wrong token", body = ErrorBody), (status = 404, description = "not found", body = ErrorBody)), security(("bearer" = [])))]
pub(super) async fn warranties(
    State(state): State<AppState>,
    api: ApiUser,
    Path(id): Path<String>,
) -> Result<Json<Vec<WarrantyRow>>, AppError> {
    Ok(Json(state.app().fleet_warranties(&api.actor(), machine_id(&id)?).await?))
}

/// Records a warranty on a machine or a part of it.
#[utoipa::path(post, path = "/api/v1/fleet/machines/{id}/warranties", tag = "fleet", params(("id" = String, Path, description = "the machine's id")), request_body = WarrantyInput,
    responses((status = 201, description = "the warranty is recorded", body = Object), (status = 401, description = "no or a wrong token", body = ErrorBody), (status = 403, description = "the role may not", body = ErrorBody), (status = 404, description = "not found", body = ErrorBody), (status = 422, description = "a field is invalid (named in `field`)", body = ErrorBody)), security(("bearer" = [])))]
pub(super) async fn add_warranty(
    State(state): State<AppState>,
    api: ApiUser,
    Path(id): Path<String>,
    Json(body): Json<WarrantyInput>,
) -> Result<Response, AppError> {
    let warranty = state.app().warranty_add(&api.actor(), machine_id(&id)?, &body).await?;
    Ok((StatusCode::CREATED, Json(warranty)).into_response())
}

/// The exchange pool: every assembly, where it is and the usage it carries.
#[utoipa::path(get, path = "/api/v1/fleet/assemblies", tag = "fleet",
    responses((status = 200, description = "every assembly and where it is", body = [Object]), (status = 401, description = "no or a wrong token", body = ErrorBody)), security(("bearer" = [])))]
pub(super) async fn assemblies(
    State(state): State<AppState>,
    api: ApiUser,
) -> Result<Json<Vec<AssemblyRow>>, AppError> {
    Ok(Json(state.app().fleet_assemblies(&api.actor()).await?))
}

/// Registers an assembly in the exchange pool (fitted to `machine` on `date` if given).
#[utoipa::path(post, path = "/api/v1/fleet/assemblies", tag = "fleet", request_body = AssemblyInput,
    responses((status = 201, description = "the assembly is recorded", body = Object), (status = 401, description = "no or a wrong token", body = ErrorBody), (status = 403, description = "the role may not", body = ErrorBody), (status = 422, description = "a field is invalid (named in `field`)", body = ErrorBody)), security(("bearer" = [])))]
pub(super) async fn add_assembly(
    State(state): State<AppState>,
    api: ApiUser,
    Json(body): Json<AssemblyInput>,
) -> Result<Response, AppError> {
    let assembly = state.app().assembly_add(&api.actor(), &body).await?;
    Ok((StatusCode::CREATED, Json(assembly)).into_response())
}

/// Moves an assembly: off its machine into the pool and/or onto another machine.
#[utoipa::path(post, path = "/api/v1/fleet/assemblies/{id}/move", tag = "fleet", params(("id" = String, Path, description = "the assembly's id")), request_body = AssemblyMoveInput,
    responses((status = 200, description = "the assembly where it now is", body = Object), (status = 401, description = "no or a wrong token", body = ErrorBody), (status = 403, description = "the role may not", body = ErrorBody), (status = 404, description = "not found", body = ErrorBody), (status = 422, description = "a field is invalid (named in `field`)", body = ErrorBody)), security(("bearer" = [])))]
pub(super) async fn move_assembly(
    State(state): State<AppState>,
    api: ApiUser,
    Path(id): Path<String>,
    Json(body): Json<AssemblyMoveInput>,
) -> Result<Json<AssemblyRow>, AppError> {
    let id = AssemblyId::from_str(id.trim()).map_err(|_| AppError::NotFound)?;
    Ok(Json(state.app().assembly_move(&api.actor(), id, &body).await?))
}

#[derive(Serialize, utoipa::ToSchema)]
pub(super) struct MachineAssemblies {
    #[schema(value_type = Vec<Object>)]
    installed: Vec<AssemblyRow>,
    #[schema(value_type = Vec<Object>)]
    history: Vec<AssemblyEventRow>,
}

/// The assemblies on a machine and their installs and removals there.
#[utoipa::path(get, path = "/api/v1/fleet/machines/{id}/assemblies", tag = "fleet", params(("id" = String, Path, description = "the machine's id")),
    responses((status = 200, description = "the assemblies on the machine and their installs and removals there", body = MachineAssemblies), (status = 401, description = "no or a wrong token", body = ErrorBody), (status = 404, description = "not found", body = ErrorBody)), security(("bearer" = [])))]
pub(super) async fn machine_assemblies(
    State(state): State<AppState>,
    api: ApiUser,
    Path(id): Path<String>,
) -> Result<Json<MachineAssemblies>, AppError> {
    let (installed, history) = state.app().fleet_machine_assemblies(&api.actor(), machine_id(&id)?).await?;
    Ok(Json(MachineAssemblies { installed, history }))
}
