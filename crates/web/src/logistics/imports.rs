//! The network's import page (a JSON or XLSX file, all or nothing) and its exports.

use super::view::chrome;
use crate::AppState;
use crate::ctx::{Ctx, constant_time_eq};
use crate::error::AppError;
use crate::layout::{Chrome, render, render_status};
use accord_app::logistics::{NetworkFormat, NetworkImportReport, export};
use accord_domain::directory::Action;
use askama::Template;
use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::extract::{Multipart, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};

#[derive(Template)]
#[template(path = "logistics/import.html")]
struct ImportPage {
    chrome: Chrome,
    report: Option<NetworkImportReport>,
    problems: Vec<String>,
}

async fn import_form(State(state): State<AppState>, ctx: Ctx) -> Result<Response, AppError> {
    ctx.require(Action::ManageLogistics)?;
    render(&ImportPage { chrome: chrome(&ctx, &state, "logistics-import"), report: None, problems: Vec::new() })
}

/// The import form's upload: a JSON or XLSX file, and the dry-run box.
async fn import_upload(
    State(state): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    mut multipart: Multipart,
) -> Result<Response, AppError> {
    let (mut csrf, mut file_name, mut bytes, mut dry_run) = (String::new(), String::new(), Vec::new(), false);
    while let Some(field) = multipart.next_field().await.map_err(|_| AppError::BadRequest("error-bad-form"))? {
        match field.name().unwrap_or_default() {
            "_csrf" => csrf = field.text().await.map_err(|_| AppError::BadRequest("error-bad-form"))?,
            "dry_run" => dry_run = true,
            "file" => {
                file_name = field.file_name().unwrap_or("network").to_string();
                bytes = crate::upload::field(field, crate::upload::reserve(&headers)).await?;
            }
            _ => {}
        }
    }
    if !constant_time_eq(csrf.as_bytes(), ctx.csrf.as_bytes()) {
        return Err(AppError::Csrf);
    }
    if bytes.is_empty() {
        return Err(AppError::BadRequest("logistics-import-empty"));
    }
    let chrome = chrome(&ctx, &state, "logistics-import");
    match state.app().network_import(&ctx.actor(), &file_name, &bytes, dry_run).await {
        Ok(report) => render(&ImportPage { chrome, report: Some(report), problems: Vec::new() }),
        Err(accord_app::Error::InvalidFile(problems)) => render_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &ImportPage {
                chrome,
                report: None,
                problems: problems.iter().map(|p| super::problem_line(&ctx.tr, p)).collect(),
            },
        ),
        Err(e) => Err(e.into()),
    }
}

async fn download(
    state: &AppState,
    format: NetworkFormat,
    content_type: &'static str,
    file: &'static str,
) -> Result<Response, AppError> {
    let body = export(state.store(), format).await?;
    let disposition = format!("attachment; filename=\"{file}\"");
    Ok(([(header::CONTENT_TYPE, content_type.to_string()), (header::CONTENT_DISPOSITION, disposition)], body)
        .into_response())
}

async fn export_json(State(state): State<AppState>, ctx: Ctx) -> Result<Response, AppError> {
    ctx.require(Action::Read)?;
    download(&state, NetworkFormat::Json, "application/json", "logistics.json").await
}

async fn export_xlsx(State(state): State<AppState>, ctx: Ctx) -> Result<Response, AppError> {
    ctx.require(Action::Read)?;
    let xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
    download(&state, NetworkFormat::Xlsx, xlsx, "logistics-network.xlsx").await
}

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/logistics/import", get(import_form))
        .route("/logistics/export.json", get(export_json))
        .route("/logistics/export.xlsx", get(export_xlsx))
}

/// The upload, with the network files' body limit.
pub(super) fn upload_routes() -> Router<AppState> {
    Router::new().route("/logistics/import", post(import_upload)).layer(DefaultBodyLimit::max(super::UPLOAD_LIMIT))
}
