//! Administration: user accounts and roles, and the audit log.

mod api;
mod audit;
mod users;

pub use api::ApiDoc as AdminApiDoc;
pub use users::{UserForm, create_user};

use crate::AppState;
use axum::Router;

pub fn routes() -> Router<AppState> {
    Router::new().merge(users::routes()).merge(audit::routes()).merge(api::routes())
}
