//! Regimes over the API: read by every role, changed (whole, or one service's content) at the
//! version read by those who manage the fleet.

use super::{RegimeItem, find_regime, regime_item, service_kind, sorted_regimes};
use crate::AppState;
use crate::api::ErrorBody;
use crate::ctx::ApiUser;
use crate::error::AppError;
use accord_app::fleet::{RegimeInput, ServiceContentInput};
use accord_domain::directory::Action;
use axum::Json;
use axum::extract::{Path, State};

#[derive(utoipa::OpenApi)]
#[openapi(
    paths(regimes_api, regime_api, update_api, content_api),
    components(schemas(RegimeInput, ServiceContentInput))
)]
pub struct RegimesApiDoc;

#[utoipa::path(get, path = "/api/v1/fleet/regimes", tag = "fleet",
    responses((status = 200, description = "every maintenance regime with its version", body = [Object]), (status = 401, description = "no or a wrong token", body = ErrorBody)), security(("bearer" = [])))]
pub(super) async fn regimes_api(
    State(state): State<AppState>,
    api: ApiUser,
) -> Result<Json<Vec<RegimeItem>>, AppError> {
    api.require(Action::Read)?;
    let snap = state.store().fleet_snapshot().await?;
    Ok(Json(
        sorted_regimes(&snap)
            .into_iter()
            .map(|r| regime_item(&snap, r, snap.regime(r.id()).map_or(1, |(_, v)| v)))
            .collect(),
    ))
}

#[utoipa::path(get, path = "/api/v1/fleet/regimes/{id}", tag = "fleet", params(("id" = String, Path, description = "the regime's id, or its model's code")),
    responses((status = 200, description = "the regime with its version", body = Object), (status = 401, description = "no or a wrong token", body = ErrorBody), (status = 404, description = "not found", body = ErrorBody)), security(("bearer" = [])))]
pub(super) async fn regime_api(
    State(state): State<AppState>,
    api: ApiUser,
    Path(id): Path<String>,
) -> Result<Json<RegimeItem>, AppError> {
    api.require(Action::Read)?;
    let snap = state.store().fleet_snapshot().await?;
    let (regime, version) = find_regime(&snap, &id)?;
    Ok(Json(regime_item(&snap, regime, version)))
}

/// A revision of the whole regime (interval, cycle stated by what each service replaces,
/// seasonal services, optionally every service's content) at `version`.
#[utoipa::path(put, path = "/api/v1/fleet/regimes/{id}", tag = "fleet", params(("id" = String, Path, description = "the regime's id, or its model's code")), request_body = RegimeInput,
    responses((status = 200, description = "the regime as revised", body = Object), (status = 401, description = "no or a wrong token", body = ErrorBody), (status = 403, description = "the role may not", body = ErrorBody), (status = 404, description = "not found", body = ErrorBody), (status = 409, description = "the version read is not the current one", body = ErrorBody),
        (status = 422, description = "a field is invalid, e.g. `base_km` zero or longer than any real interval", body = ErrorBody)), security(("bearer" = [])))]
pub(super) async fn update_api(
    State(state): State<AppState>,
    api: ApiUser,
    Path(id): Path<String>,
    Json(body): Json<RegimeInput>,
) -> Result<Json<RegimeItem>, AppError> {
    let snap = state.store().fleet_snapshot().await?;
    let (regime, _) = find_regime(&snap, &id)?;
    let (revised, version) = state.app().regime_change(&api.actor(), regime.id(), &body).await?;
    Ok(Json(regime_item(&snap, &revised, version)))
}

/// One service's operations and parts at the regime's `version`; both lists replace the
/// stored ones.
#[utoipa::path(put, path = "/api/v1/fleet/regimes/{id}/services/{kind}", tag = "fleet",
    params(("id" = String, Path, description = "the regime's id, or its model's code"), ("kind" = String, Path, description = "the service: to1, to2, to3, spring or autumn")), request_body = ServiceContentInput,
    responses((status = 200, description = "the regime with the service's new content", body = Object), (status = 401, description = "no or a wrong token", body = ErrorBody), (status = 403, description = "the role may not", body = ErrorBody), (status = 404, description = "not found", body = ErrorBody), (status = 409, description = "the version read is not the current one", body = ErrorBody), (status = 422, description = "a field is invalid (named in `field`)", body = ErrorBody)), security(("bearer" = [])))]
pub(super) async fn content_api(
    State(state): State<AppState>,
    api: ApiUser,
    Path((id, kind)): Path<(String, String)>,
    Json(body): Json<ServiceContentInput>,
) -> Result<Json<RegimeItem>, AppError> {
    let snap = state.store().fleet_snapshot().await?;
    let (regime, _) = find_regime(&snap, &id)?;
    let kind = service_kind(&kind)?;
    let (revised, version) = state.app().regime_content_change(&api.actor(), regime.id(), kind, &body).await?;
    Ok(Json(regime_item(&snap, &revised, version)))
}
