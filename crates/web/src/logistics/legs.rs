//! A leg's form: open, save (new, or a change at the version read) and delete.

use super::forms::{LegFormData, form_errors};
use super::nodes::{DeleteForm, KeyQuery};
use super::view::{chrome, key_text, name};
use crate::AppState;
use crate::ctx::{CsrfForm, Ctx};
use crate::error::AppError;
use crate::layout::Chrome;
use crate::layout::{FormErrors, redirect_with_flash, render_status};
use accord_app::logistics::LegSave;
use accord_domain::directory::Action;
use accord_domain::logistics::{Leg, Mode};
use accord_store::LogisticsKind;
use askama::Template;
use axum::Router;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};

#[derive(Template)]
#[template(path = "logistics/leg.html")]
struct LegPage {
    chrome: Chrome,
    form: LegFormData,
    errors: FormErrors,
    modes: Vec<(String, String)>,
    nodes: Vec<(String, String)>,
    is_new: bool,
    can_manage: bool,
}

async fn leg_form(State(state): State<AppState>, ctx: Ctx, Query(q): Query<KeyQuery>) -> Result<Response, AppError> {
    ctx.require(Action::Read)?;
    let records = state.store().logistics_records().await?;
    let (form, is_new) = match q.key.as_deref().filter(|c| !c.is_empty()) {
        Some(key) => {
            let item = records.get(LogisticsKind::Leg, key).ok_or(AppError::NotFound)?;
            let leg: Leg = serde_json::from_value(item.body.clone())
                .map_err(|e| AppError::Internal(format!("stored leg {key}: {e}")))?;
            (LegFormData::of(&leg, item.version), false)
        }
        None => {
            ctx.require(Action::ManageLogistics)?;
            (
                LegFormData { mode: "rail-container".into(), container_currency: "RUB".into(), ..Default::default() },
                true,
            )
        }
    };
    leg_page(&ctx, &state, form, FormErrors::default(), is_new, StatusCode::OK).await
}

async fn leg_page(
    ctx: &Ctx,
    state: &AppState,
    form: LegFormData,
    errors: FormErrors,
    is_new: bool,
    status: StatusCode,
) -> Result<Response, AppError> {
    let tr = &ctx.tr;
    let records = state.store().logistics_records().await?;
    let nodes = records
        .nodes()?
        .into_iter()
        .map(|n| (n.code.to_string(), format!("{} — {}", n.code, name(tr, &n.name_ru, &n.name_en))))
        .collect();
    let title = if is_new { tr.t("logistics-leg-new") } else { format!("{} {}", tr.t("logistics-leg"), form.previous) };
    let mut chrome = chrome(ctx, state, "logistics-leg");
    chrome.title = title.clone();
    let page = LegPage {
        chrome: chrome.crumb_text(title),
        form,
        errors,
        modes: Mode::ALL.iter().map(|m| (m.name().to_string(), key_text(tr, m.key()))).collect(),
        nodes,
        is_new,
        can_manage: ctx.can(Action::ManageLogistics),
    };
    render_status(status, &page)
}

async fn leg_save(
    State(state): State<AppState>,
    CsrfForm(ctx, form): CsrfForm<LegFormData>,
) -> Result<Response, AppError> {
    // The form's fields are read here, before the use case: who may send them is asked first
    // (the use case's own rule, asked again there) so that a refusal is a 403, not field errors.
    ctx.require(Action::ManageLogistics)?;
    let tr = ctx.tr;
    let previous = Some(form.previous.trim().to_string()).filter(|p| !p.is_empty());
    let is_new = previous.is_none();
    let leg = match form.leg(&tr) {
        Ok(l) => l,
        Err(fields) => {
            let errors = FormErrors::with(fields, None);
            return leg_page(&ctx, &state, form, errors, is_new, StatusCode::UNPROCESSABLE_ENTITY).await;
        }
    };
    let save = LegSave { previous, version: form.version.trim().parse().ok(), leg };
    match state.app().network_leg_save(&ctx.actor(), &save).await {
        Ok(_) => Ok(redirect_with_flash(&ctx, "/logistics", "logistics-saved")),
        Err(e) => {
            let (status, errors) = form_errors(&tr, e)?;
            leg_page(&ctx, &state, form, errors, is_new, status).await
        }
    }
}

async fn leg_delete(
    State(state): State<AppState>,
    CsrfForm(ctx, form): CsrfForm<DeleteForm>,
) -> Result<Response, AppError> {
    state.app().network_item_delete(&ctx.actor(), LogisticsKind::Leg, &form.key, form.version()).await?;
    Ok(redirect_with_flash(&ctx, "/logistics", "logistics-deleted"))
}

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/logistics/legs/edit", get(leg_form))
        .route("/logistics/legs/save", post(leg_save))
        .route("/logistics/legs/delete", post(leg_delete))
}
