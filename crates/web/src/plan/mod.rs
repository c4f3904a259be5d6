//! The action plan: overview, measures table and tree, measure pages, forms, import and
//! export, and the measures API. The rules are the application layer's (`accord_app::plan`);
//! these handlers translate requests into its use cases and its answers into pages and JSON.

mod api;
pub mod attachments;
mod import;
mod measure;
mod pages;
mod query;
mod sections;
mod versions;

use crate::AppState;
use crate::error::AppError;
use accord_domain::plan::{Executor, Plan};
use accord_store::Store;
use axum::Router;

pub use accord_app::plan::ExecutorRef;
pub use api::ApiDoc as PlanApiDoc;

pub fn routes() -> Router<AppState> {
    Router::new()
        .merge(pages::routes())
        .merge(measure::routes())
        .merge(import::routes())
        .merge(api::routes())
        .merge(attachments::routes())
        .merge(versions::routes())
        .merge(sections::routes())
}

/// The plan a request is about: `?plan=CODE`, else the first one.
pub async fn resolve_plan(store: &Store, code: Option<&str>) -> Result<Plan, AppError> {
    Ok(accord_app::App::new(store.clone()).plan_resolve(code).await?)
}

/// Resolves organisation codes to executors (their side comes from the directory).
pub async fn resolve_executors(store: &Store, refs: &[ExecutorRef]) -> Result<Vec<Executor>, AppError> {
    Ok(accord_app::App::new(store.clone()).executors_resolve(refs).await?)
}
