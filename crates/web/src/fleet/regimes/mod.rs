//! Maintenance regimes: every model's regime on one page (`/fleet/regimes`), an edit form per
//! regime (`/fleet/regimes/{id}`) for those who manage the fleet, and the same over the API
//! (`GET /api/v1/fleet/regimes`, `PUT /api/v1/fleet/regimes/{id}`,
//! `PUT /api/v1/fleet/regimes/{id}/services/{kind}`).
//!
//! Each edit is a use case of `accord_app::fleet` at the regime's version (every form carries
//! it; the API refuses a change without it): a refusal of the domain comes back as 422 naming
//! the form field (`base_km`, `to2_every`, `to2_replaces`, `spring_day`, …), a save on a
//! version changed since as 409, nothing saved either way.

mod api;
pub(crate) use api::RegimesApiDoc;
mod pages;

use crate::AppState;
use crate::error::AppError;
use accord_app::fleet::{IntervalBody, service_from_code};
use accord_domain::RegimeId;
use accord_domain::fleet::regime::{Regime, Seasonal, ServiceContent, ServiceKind};
use accord_store::FleetSnapshot;
use axum::Router;
use axum::routing::{get, post, put};
use serde::Serialize;
use std::str::FromStr;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/fleet/regimes", get(pages::regimes_page))
        .route("/fleet/regimes/{id}", get(pages::edit_page).post(pages::edit_form))
        .route("/fleet/regimes/{id}/services/{kind}/remove", post(pages::remove_form))
        .route("/fleet/regimes/{id}/services/{kind}/content", post(pages::content_form))
        .route("/api/v1/fleet/regimes", get(api::regimes_api))
        .route("/api/v1/fleet/regimes/{id}", get(api::regime_api).put(api::update_api))
        .route("/api/v1/fleet/regimes/{id}/services/{kind}", put(api::content_api))
}

/// A cycle level as the API lists it: what it replaces, and its resulting interval.
#[derive(Debug, Serialize)]
pub struct LevelItem {
    pub kind: ServiceKind,
    pub replaces: Option<ServiceKind>,
    pub every: u16,
    pub interval: IntervalBody,
}

/// A regime as the API lists it.
#[derive(Debug, Serialize)]
pub struct RegimeItem {
    pub id: RegimeId,
    /// The version a change names.
    pub version: i64,
    pub model: accord_domain::ModelId,
    pub brand: String,
    pub model_name: String,
    pub engine: Option<String>,
    pub base: IntervalBody,
    pub cycle: Vec<LevelItem>,
    pub seasonal: Vec<Seasonal>,
    /// Each service's operations (code, standard hours) and parts (number, quantity).
    pub content: Vec<ServiceContent>,
}

fn engine_name(r: &Regime) -> Option<String> {
    r.engine().map(|e| e.model.clone())
}

fn regime_item(snap: &FleetSnapshot, r: &Regime, version: i64) -> RegimeItem {
    let model = snap.models.get(&r.model());
    RegimeItem {
        id: r.id(),
        version,
        model: r.model(),
        brand: model.map(|m| accord_store::brand_code(&m.brand)).unwrap_or_default(),
        model_name: model.map(|m| m.designation.clone()).unwrap_or_default(),
        engine: engine_name(r),
        base: r.base().into(),
        cycle: r
            .cycle_services()
            .into_iter()
            .enumerate()
            .map(|(level, s)| LevelItem {
                kind: s.kind,
                replaces: s.replaces,
                every: s.every,
                interval: r.level_interval(level).unwrap_or_default().into(),
            })
            .collect(),
        seasonal: r.seasonal().to_vec(),
        content: r.contents().to_vec(),
    }
}

/// Regimes in catalogue order: brand, model, engine.
fn sorted_regimes(snap: &FleetSnapshot) -> Vec<&Regime> {
    let mut list: Vec<&Regime> = snap.regimes.iter().collect();
    let key = |r: &Regime| {
        let m = snap.models.get(&r.model());
        (m.map(|m| accord_store::brand_code(&m.brand)), m.map(|m| m.designation.clone()), engine_name(r))
    };
    list.sort_by_cached_key(|r| key(r));
    list
}

/// The regime `id` names with its version, or not found.
fn find_regime<'a>(snap: &'a FleetSnapshot, id: &str) -> Result<(&'a Regime, i64), AppError> {
    let id = RegimeId::from_str(id.trim()).map_err(|_| AppError::NotFound)?;
    snap.regime(id).ok_or(AppError::NotFound)
}

/// A service named in an address, or not found.
fn service_kind(code: &str) -> Result<ServiceKind, AppError> {
    service_from_code(code).ok_or(AppError::NotFound)
}
