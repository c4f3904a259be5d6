//! Plan versions (the signed text and later freezes), their differences, and the amendments
//! that wait for the other side's coordinator.

use super::resolve_plan;
use crate::AppState;
use crate::ctx::{CsrfForm, Ctx};
use crate::error::AppError;
use crate::layout::{Chrome, redirect_with_flash, render};
use accord_domain::directory::Action;
use accord_domain::plan::MeasureData;
use accord_domain::plan::version::{MeasureDiff, diff, may_decide};
use accord_store::{Amendment, PlanVersion};
use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use axum::routing::{get, post};
use serde::Deserialize;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/plan/versions", get(list).post(freeze))
        .route("/plan/versions/{number}", get(show))
        .route("/plan/diff", get(compare))
        .route("/plan/amendments", get(amendments))
        .route("/plan/amendments/{id}/decision", post(decision))
}

#[derive(Template)]
#[template(path = "plan/versions.html")]
struct VersionsPage {
    chrome: Chrome,
    versions: Vec<PlanVersion>,
    signed_version: Option<i64>,
    can_manage: bool,
    tz: chrono_tz::Tz,
}

impl VersionsPage {
    fn is_signed(&self, number: &i64) -> bool {
        self.signed_version == Some(*number)
    }
}

async fn list(State(state): State<AppState>, ctx: Ctx) -> Result<Response, AppError> {
    ctx.require(Action::Read)?;
    let plan = resolve_plan(state.store(), None).await?;
    let chrome = Chrome::new(&ctx, state.is_demo(), "plan", ctx.tr.t("versions-title"))
        .crumb("nav-plan", "/plan")
        .crumb_text(ctx.tr.t("versions-title"));
    render(&VersionsPage {
        versions: state.store().plan_versions(plan.id).await?,
        signed_version: plan.signed_version,
        can_manage: ctx.can(Action::ManagePlan),
        tz: crate::layout::user_tz(&ctx.user),
        chrome,
    })
}

#[derive(Deserialize)]
struct FreezeInput {
    label: Option<String>,
    signed_on: Option<String>,
}

async fn freeze(
    State(state): State<AppState>,
    CsrfForm(ctx, input): CsrfForm<FreezeInput>,
) -> Result<Response, AppError> {
    let plan = state.app().plan_resolve(None).await?;
    let signed_on = match input.signed_on.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => None,
        Some(raw) => Some(chrono::NaiveDate::parse_from_str(raw, "%Y-%m-%d").map_err(|_| {
            accord_domain::validation::Invalid::one("signed_on", accord_domain::validation::Reason::UnknownValue)
        })?),
    };
    state.app().plan_version_freeze(&ctx.actor(), &plan, input.label.as_deref(), signed_on).await?;
    Ok(redirect_with_flash(&ctx, "/plan/versions", "flash-saved"))
}

#[derive(Template)]
#[template(path = "plan/version.html")]
struct VersionPage {
    chrome: Chrome,
    number: i64,
    measures: Vec<MeasureData>,
}

async fn show(State(state): State<AppState>, ctx: Ctx, Path(number): Path<i64>) -> Result<Response, AppError> {
    ctx.require(Action::Read)?;
    let plan = resolve_plan(state.store(), None).await?;
    let measures = state.store().plan_version_measures(plan.id, number).await?;
    let title = ctx.tr.ta("version-title", &[("number", number.to_string())]);
    let chrome = Chrome::new(&ctx, state.is_demo(), "plan", title.clone())
        .crumb("nav-plan", "/plan")
        .crumb("versions-title", "/plan/versions")
        .crumb_text(title);
    render(&VersionPage { chrome, number, measures })
}

#[derive(Deserialize)]
struct CompareQuery {
    from: Option<i64>,
    /// A version number, or absent for the plan as it stands now.
    to: Option<String>,
}

#[derive(Template)]
#[template(path = "plan/diff.html")]
struct DiffPage {
    chrome: Chrome,
    from: i64,
    to: String,
    changes: Vec<MeasureDiff>,
}

/// The measures of version `to` ("current" or absent: the live plan).
async fn measures_at(
    state: &AppState,
    plan: accord_domain::PlanId,
    to: Option<&str>,
) -> Result<Vec<MeasureData>, AppError> {
    match to.map(str::trim).filter(|t| !t.is_empty() && *t != "current") {
        Some(raw) => {
            let n: i64 = raw.parse().map_err(|_| AppError::BadRequest("error-bad-form"))?;
            Ok(state.store().plan_version_measures(plan, n).await?)
        }
        None => Ok(state.store().measures_of_plan(plan).await?.into_iter().map(|m| m.data).collect()),
    }
}

pub async fn plan_diff(state: &AppState, from: i64, to: Option<&str>) -> Result<Vec<MeasureDiff>, AppError> {
    let plan = resolve_plan(state.store(), None).await?;
    let old = state.store().plan_version_measures(plan.id, from).await?;
    let new = measures_at(state, plan.id, to).await?;
    Ok(diff(&old, &new))
}

async fn compare(State(state): State<AppState>, ctx: Ctx, Query(q): Query<CompareQuery>) -> Result<Response, AppError> {
    ctx.require(Action::Read)?;
    let from = q.from.unwrap_or(1);
    let changes = plan_diff(&state, from, q.to.as_deref()).await?;
    let to = q.to.clone().filter(|t| !t.is_empty()).unwrap_or_else(|| "current".into());
    let title = ctx.tr.t("diff-title");
    let chrome = Chrome::new(&ctx, state.is_demo(), "plan", title.clone())
        .crumb("nav-plan", "/plan")
        .crumb("versions-title", "/plan/versions")
        .crumb_text(title);
    render(&DiffPage { chrome, from, to, changes })
}

/// An amendment as the list shows it: with what it would change and who may decide.
struct AmendmentRow {
    amendment: Amendment,
    changes: Vec<accord_domain::audit::FieldChange>,
    can_decide: bool,
}

#[derive(Template)]
#[template(path = "plan/amendments.html")]
struct AmendmentsPage {
    chrome: Chrome,
    rows: Vec<AmendmentRow>,
    tz: chrono_tz::Tz,
}

/// Amendments with their field-by-field changes against the measure as it stands.
async fn amendment_rows(
    state: &AppState,
    ctx: &Ctx,
    measure: Option<accord_domain::MeasureId>,
) -> Result<Vec<AmendmentRow>, AppError> {
    let plan = resolve_plan(state.store(), None).await?;
    let list = state.store().amendments(plan.id, measure).await?;
    let mut rows = Vec::with_capacity(list.len());
    for amendment in list {
        let current = state.store().measure(amendment.measure_id).await?;
        let changes = match diff(std::slice::from_ref(&current.data), std::slice::from_ref(&amendment.proposed)).pop() {
            Some(MeasureDiff::Changed { fields, .. }) => fields,
            _ => Vec::new(),
        };
        rows.push(AmendmentRow {
            can_decide: amendment.status == accord_domain::plan::version::AmendmentStatus::Pending
                && may_decide(&ctx.user.role, amendment.proposer_side),
            amendment,
            changes,
        });
    }
    Ok(rows)
}

async fn amendments(State(state): State<AppState>, ctx: Ctx) -> Result<Response, AppError> {
    ctx.require(Action::Read)?;
    let rows = amendment_rows(&state, &ctx, None).await?;
    let chrome = Chrome::new(&ctx, state.is_demo(), "plan", ctx.tr.t("amendments-title"))
        .crumb("nav-plan", "/plan")
        .crumb_text(ctx.tr.t("amendments-title"));
    render(&AmendmentsPage { chrome, rows, tz: crate::layout::user_tz(&ctx.user) })
}

#[derive(Deserialize)]
struct DecisionInput {
    decision: String,
    note: Option<String>,
}

async fn decision(
    State(state): State<AppState>,
    Path(id): Path<String>,
    CsrfForm(ctx, input): CsrfForm<DecisionInput>,
) -> Result<Response, AppError> {
    let accept = match input.decision.as_str() {
        "accept" => true,
        "reject" => false,
        _ => return Err(AppError::BadRequest("error-bad-form")),
    };
    let note = input.note.filter(|n| !n.trim().is_empty());
    state.app().amendment_decide(&ctx.actor(), &id, accept, note).await?;
    let key = if accept { "flash-amendment-accepted" } else { "flash-amendment-rejected" };
    Ok(redirect_with_flash(&ctx, "/plan/amendments", key))
}
