//! The directory: organisations and people of both sides. Pages and API call the same use
//! cases (`accord_app::directory`) with the same inputs, so a browser and an API client are
//! allowed and refused exactly alike.

mod api;
mod organisations;
mod people;
mod query;

pub use api::ApiDoc as DirectoryApiDoc;
pub use organisations::ConfirmDelete;

use crate::AppState;
use crate::error::AppError;
use axum::Router;

pub fn routes() -> Router<AppState> {
    Router::new().merge(organisations::routes()).merge(people::routes()).merge(api::routes())
}

/// Parses a version field of a form; a missing or garbled one is a bad request.
pub fn parse_version(raw: &str) -> Result<i64, AppError> {
    raw.trim().parse().map_err(|_| AppError::BadRequest("error-bad-form"))
}
