//! Administration: user accounts and roles, and the audit log. Pages and API call the same
//! use cases (`accord_app::account`), which decide who may.

mod api;
mod audit;
mod users;

pub use api::ApiDoc as AdminApiDoc;

use crate::AppState;
use accord_store::AuditFilter;
use axum::Router;
use serde::Deserialize;

pub fn routes() -> Router<AppState> {
    Router::new().merge(users::routes()).merge(audit::routes()).merge(api::routes())
}

/// The audit log's filters and page, for its page and the API.
#[derive(Deserialize, Default)]
pub struct AuditQuery {
    pub entity: Option<String>,
    pub entity_id: Option<String>,
    pub actor: Option<String>,
    pub page: Option<i64>,
    pub per_page: Option<i64>,
}

impl AuditQuery {
    pub fn filter(&self) -> AuditFilter {
        let clean = |v: &Option<String>| v.clone().filter(|s| !s.trim().is_empty());
        AuditFilter { entity: clean(&self.entity), entity_id: clean(&self.entity_id), actor: clean(&self.actor) }
    }
}
