//! The decisions register: every decision with its protocol reference, executors, term and
//! control status, filtered by status; a coordinator changes the status. The decisions linked
//! to a measure are listed on its page.

use super::{fluent_id, organisation_names, today};
use crate::AppState;
use crate::ctx::{CsrfForm, Ctx};
use crate::error::AppError;
use crate::layout::{Chrome, redirect_with_flash, render};
use accord_app::review::input::{CONTROLS, ControlInput, control_code};
use accord_domain::directory::Action;
use accord_domain::{MeasureId, OrganisationId};
use askama::Template;
use axum::Router;
use axum::extract::{Query, State};
use axum::response::Response;
use axum::routing::get;
use serde::Deserialize;
use std::collections::BTreeMap;

pub fn routes() -> Router<AppState> {
    Router::new().route("/review/decisions", get(decisions).post(decision_control))
}

pub struct DecisionRow {
    pub id: String,
    pub reference: String,
    pub text: String,
    pub executors: String,
    pub term: String,
    pub control: String,
    pub control_code: String,
    pub overdue: bool,
    pub measure: Option<String>,
    /// The decision's version, carried by the forms that change it.
    pub version: i64,
}

pub(super) async fn decision_rows(
    state: &AppState,
    ctx: &Ctx,
    filter: impl Fn(&accord_domain::review::Decision) -> bool,
) -> Result<Vec<DecisionRow>, AppError> {
    let names = organisation_names(state.store(), ctx.tr.is_en()).await?;
    Ok(state
        .store()
        .review_decision_rows()
        .await?
        .into_iter()
        .filter(|(d, _)| filter(d))
        .map(|(d, version)| decision_row(ctx, &names, d, version))
        .collect())
}

/// The decisions linked to a measure (for its page), by protocol reference.
pub async fn measure_decision_rows(
    state: &AppState,
    ctx: &Ctx,
    measure: MeasureId,
) -> Result<Vec<DecisionRow>, AppError> {
    let mut decisions = state.store().review_decisions_of_measure(measure).await?;
    if decisions.is_empty() {
        return Ok(Vec::new());
    }
    decisions.sort_by(|a, b| a.record.reference.cmp(&b.record.reference));
    let names = organisation_names(state.store(), ctx.tr.is_en()).await?;
    // The measure's page only lists them (version 0: nothing there changes them).
    Ok(decisions.into_iter().map(|d| decision_row(ctx, &names, d, 0)).collect())
}

fn decision_row(
    ctx: &Ctx,
    names: &BTreeMap<OrganisationId, String>,
    d: accord_domain::review::Decision,
    version: i64,
) -> DecisionRow {
    DecisionRow {
        id: d.record.id.to_string(),
        reference: d.record.reference.format(ctx.tr.locale),
        text: d.record.text.clone(),
        executors: d
            .record
            .executors
            .iter()
            .map(|e| format!("{} ({})", names.get(&e.organisation).cloned().unwrap_or_default(), e.side.code()))
            .collect::<Vec<_>>()
            .join(", "),
        term: d.term.map(|t| ctx.tr.day(t)).unwrap_or_default(),
        control: ctx.tr.t(&fluent_id(d.control.label_key())),
        control_code: control_code(d.control).into(),
        overdue: d.is_overdue(today()),
        measure: d.measure.map(|m| m.to_string()),
        version,
    }
}

#[derive(Deserialize)]
struct DecisionsQuery {
    control: Option<String>,
}

#[derive(Template)]
#[template(path = "review/decisions.html")]
struct DecisionsPage {
    chrome: Chrome,
    rows: Vec<DecisionRow>,
    filter: String,
    filters: Vec<(String, String)>,
    can_manage: bool,
}

async fn decisions(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<DecisionsQuery>,
) -> Result<Response, AppError> {
    ctx.require(Action::Read)?;
    let filter = q.control.unwrap_or_default();
    let rows = decision_rows(&state, &ctx, |d| filter.is_empty() || control_code(d.control) == filter).await?;
    let filters =
        CONTROLS.iter().map(|c| (control_code(*c).to_string(), ctx.tr.t(&fluent_id(c.label_key())))).collect();
    let chrome = Chrome::new(&ctx, state.is_demo(), "review", ctx.tr.t("review-decisions-title"))
        .crumb("review-title", "/review");
    render(&DecisionsPage { chrome, rows, filter, filters, can_manage: ctx.can(Action::ManageReview) })
}

async fn decision_control(
    State(state): State<AppState>,
    CsrfForm(ctx, form): CsrfForm<ControlInput>,
) -> Result<Response, AppError> {
    state
        .app()
        .decision_control(&ctx.actor(), form.decision()?, form.version()?, form.control()?, form.term()?, form.note())
        .await?;
    Ok(redirect_with_flash(&ctx, "/review/decisions", "flash-saved"))
}
