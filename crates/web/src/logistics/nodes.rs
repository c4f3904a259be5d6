//! A node's form: open, save (a new node with the leg that reaches it, or a change at the
//! version read) and delete. The rules are the use cases' (`accord_app::logistics`).

use super::forms::{NodeFormData, form_errors};
use super::view::{KINDS, chrome, key_text, name};
use crate::AppState;
use crate::ctx::{CsrfForm, Ctx};
use crate::error::AppError;
use crate::layout::Chrome;
use crate::layout::{FormErrors, redirect_with_flash, render_status};
use accord_app::logistics::NodeSave;
use accord_domain::directory::Action;
use accord_domain::logistics::{Mode, Node};
use accord_store::LogisticsKind;
use askama::Template;
use axum::Router;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use serde::Deserialize;

#[derive(Template)]
#[template(path = "logistics/node.html")]
struct NodePage {
    chrome: Chrome,
    form: NodeFormData,
    errors: FormErrors,
    kinds: Vec<(String, String)>,
    modes: Vec<(String, String)>,
    nodes: Vec<(String, String)>,
    is_new: bool,
    can_manage: bool,
}

#[derive(Deserialize)]
pub(super) struct KeyQuery {
    pub(super) code: Option<String>,
    pub(super) key: Option<String>,
}

async fn node_form(State(state): State<AppState>, ctx: Ctx, Query(q): Query<KeyQuery>) -> Result<Response, AppError> {
    ctx.require(Action::Read)?;
    let records = state.store().logistics_records().await?;
    let (form, is_new) = match q.code.as_deref().filter(|c| !c.is_empty()) {
        Some(code) => {
            let item = records.get(LogisticsKind::Node, code).ok_or(AppError::NotFound)?;
            let node: Node = serde_json::from_value(item.body.clone())
                .map_err(|e| AppError::Internal(format!("stored node {code}: {e}")))?;
            (NodeFormData::of(&node, item.version), false)
        }
        None => {
            ctx.require(Action::ManageLogistics)?;
            (
                NodeFormData {
                    kind: "city".into(),
                    time_zone: "Europe/Minsk".into(),
                    country: "BY".into(),
                    arrive_mode: "rail-container".into(),
                    arrive_currency: "RUB".into(),
                    ..Default::default()
                },
                true,
            )
        }
    };
    node_page(&ctx, &state, form, FormErrors::default(), is_new, StatusCode::OK).await
}

async fn node_page(
    ctx: &Ctx,
    state: &AppState,
    form: NodeFormData,
    errors: FormErrors,
    is_new: bool,
    status: StatusCode,
) -> Result<Response, AppError> {
    let tr = &ctx.tr;
    let nodes = state
        .store()
        .logistics_records()
        .await?
        .nodes()?
        .into_iter()
        .map(|n| (n.code.to_string(), format!("{} — {}", n.code, name(tr, &n.name_ru, &n.name_en))))
        .collect();
    let title =
        if is_new { tr.t("logistics-node-new") } else { format!("{} {}", tr.t("logistics-node"), form.previous) };
    let mut chrome = chrome(ctx, state, "logistics-node");
    chrome.title = title.clone();
    let page = NodePage {
        chrome: chrome.crumb_text(title),
        form,
        errors,
        kinds: KINDS
            .iter()
            .map(|k| {
                let code =
                    serde_json::to_value(k).ok().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default();
                (code, key_text(tr, k.key()))
            })
            .collect(),
        modes: Mode::ALL.iter().map(|m| (m.name().to_string(), key_text(tr, m.key()))).collect(),
        nodes,
        is_new,
        can_manage: ctx.can(Action::ManageLogistics),
    };
    render_status(status, &page)
}

async fn node_save(
    State(state): State<AppState>,
    CsrfForm(ctx, form): CsrfForm<NodeFormData>,
) -> Result<Response, AppError> {
    // The form's fields are read here, before the use case: who may send them is asked first
    // (the use case's own rule, asked again there) so that a refusal is a 403, not field errors.
    ctx.require(Action::ManageLogistics)?;
    let tr = ctx.tr;
    let previous = Some(form.previous.trim().to_string()).filter(|p| !p.is_empty());
    let is_new = previous.is_none();
    let mut fields = Vec::new();
    let node = form.node(&tr).map_err(|f| fields.extend(f)).ok();
    // A new node needs the leg that reaches it (the network has no unreachable nodes).
    let arriving = if is_new { form.arriving_leg(&tr).map_err(|f| fields.extend(f)).ok() } else { None };
    let node = match node {
        Some(n) if fields.is_empty() => n,
        _ => {
            let errors = FormErrors::with(fields, None);
            return node_page(&ctx, &state, form, errors, is_new, StatusCode::UNPROCESSABLE_ENTITY).await;
        }
    };
    let save = NodeSave { previous, version: form.version.trim().parse().ok(), node, arriving };
    match state.app().network_node_save(&ctx.actor(), &save).await {
        Ok(_) => Ok(redirect_with_flash(&ctx, "/logistics", "logistics-saved")),
        Err(e) => {
            let (status, errors) = form_errors(&tr, e)?;
            node_page(&ctx, &state, form, errors, is_new, status).await
        }
    }
}

/// The delete button of a node's or a leg's form.
#[derive(Deserialize)]
pub(super) struct DeleteForm {
    pub(super) key: String,
    #[serde(default)]
    version: String,
}

impl DeleteForm {
    pub(super) fn version(&self) -> Option<i64> {
        self.version.trim().parse().ok()
    }
}

async fn node_delete(
    State(state): State<AppState>,
    CsrfForm(ctx, form): CsrfForm<DeleteForm>,
) -> Result<Response, AppError> {
    state.app().network_item_delete(&ctx.actor(), LogisticsKind::Node, &form.key, form.version()).await?;
    Ok(redirect_with_flash(&ctx, "/logistics", "logistics-deleted"))
}

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/logistics/nodes/edit", get(node_form))
        .route("/logistics/nodes/save", post(node_save))
        .route("/logistics/nodes/delete", post(node_delete))
}
