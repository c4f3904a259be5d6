//! The quarterly review's doors: reporting periods and the report workflow, snapshots and
//! their comparison, the meeting (both local times, slots, the invitation file), the agenda,
//! the review session, the decisions register, the two-key minutes and the outbox of
//! reminders. Pages under `/review`, the API under `/api/v1/review`. Every change is a use
//! case of `accord_app::review`; these modules turn forms and JSON into its inputs and its
//! results into pages.

mod api;
pub use api::ReviewApiDoc;
mod compare;
mod decisions;
mod evidence;
mod meeting;
mod periods;
mod reports;
mod session;

pub use decisions::{DecisionRow, measure_decision_rows};

use crate::AppState;
use crate::ctx::Ctx;
use crate::error::AppError;
use crate::layout::redirect_with_flash;
use accord_domain::OrganisationId;
use accord_domain::plan::Plan;
use accord_domain::quarter::Quarter;
use accord_domain::review::{PlanPeriod, ReportingPeriod};
use accord_store::Store;
use axum::Router;
use axum::response::Response;
use chrono::{NaiveDate, Utc};
use std::collections::BTreeMap;

pub use accord_app::error::fluent_id;
pub use accord_app::review::invitation::local_text;

pub fn routes() -> Router<AppState> {
    periods::routes()
        .merge(reports::routes())
        .merge(compare::routes())
        .merge(meeting::routes())
        .merge(session::routes())
        .merge(decisions::routes())
        .merge(api::routes())
        .merge(evidence::routes())
}

/// Routes that receive files (evidence on reports); the app gives them the upload body limit.
pub fn upload_routes() -> Router<AppState> {
    evidence::upload_routes()
}

/// The plan under review and the quarters it covers.
pub async fn plan_period(store: &Store) -> Result<(Plan, PlanPeriod), AppError> {
    Ok(accord_app::App::new(store.clone()).review_plan().await?)
}

/// Parses a quarter ("2025Q3") and checks the plan covers it: a malformed or outside one is a
/// refusal naming the quarter and the plan's range.
pub async fn parse_quarter(store: &Store, raw: &str) -> Result<(Plan, Quarter), AppError> {
    Ok(accord_app::App::new(store.clone()).review_quarter(raw).await?)
}

/// The stored period of a quarter with its version, or the one it would be when opened
/// (version 0).
async fn period_or_default(
    state: &AppState,
    plan: &PlanPeriod,
    quarter: Quarter,
) -> Result<(ReportingPeriod, i64), AppError> {
    Ok(state.app().review_period_or_default(plan, quarter).await?)
}

/// Names of organisations by id, in the reader's language.
async fn organisation_names(store: &Store, english: bool) -> Result<BTreeMap<OrganisationId, String>, AppError> {
    Ok(store
        .organisation_all()
        .await?
        .into_iter()
        .map(|o| {
            let name = o.data.short_name(english).to_string();
            (o.id, name)
        })
        .collect())
}

fn today() -> NaiveDate {
    Utc::now().date_naive()
}

fn state_label(ctx: &Ctx, key: &str) -> String {
    ctx.tr.t(&fluent_id(key))
}

/// Back to `path` with "saved".
fn saved(ctx: &Ctx, path: &str) -> Response {
    redirect_with_flash(ctx, path, "flash-saved")
}
