//! Evidence on quarterly reports: the executor attaches files (acts, photos, protocols) to a
//! draft or returned report; everyone who may read the report downloads them; the coordinator
//! reviewing it sees them listed on the same page. Adding and removing are use cases of
//! `accord_app::review`.

use super::parse_quarter;
use crate::AppState;
use crate::ctx::{CsrfForm, Ctx};
use crate::error::AppError;
use crate::layout::redirect_with_flash;
use crate::plan::attachments::{UPLOAD_BODY_LIMIT, Upload, read_upload};
use accord_domain::directory::Action;
use accord_domain::{MeasureId, OrganisationId};
use axum::Router;
use axum::extract::{DefaultBodyLimit, Multipart, Path, State};
use axum::response::Response;
use axum::routing::{get, post};
use serde::Deserialize;

/// The upload route; the app gives it the attachments' body limit.
pub fn upload_routes() -> Router<AppState> {
    Router::new()
        .route("/review/{quarter}/report/{measure}/{organisation}/files", post(upload))
        .layer(DefaultBodyLimit::max(UPLOAD_BODY_LIMIT))
}

pub fn routes() -> Router<AppState> {
    Router::new().route("/review/files/{id}", get(download)).route("/review/files/{id}/delete", post(delete))
}

fn report_url(quarter: impl std::fmt::Display, measure: MeasureId, organisation: OrganisationId) -> String {
    format!("/review/{quarter}/report/{measure}/{organisation}#evidence")
}

async fn upload(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((raw, measure, organisation)): Path<(String, MeasureId, OrganisationId)>,
    mut multipart: Multipart,
) -> Result<Response, AppError> {
    // Asked before the file is read, and again by the use case.
    state.app().evidence_may_add(&ctx.actor(), organisation)?;
    let (_, quarter) = parse_quarter(state.store(), &raw).await?;
    let Upload { name, bytes, .. } = read_upload(&ctx, &mut multipart).await?;
    state.app().evidence_add(&ctx.actor(), quarter, organisation, measure, &name, &bytes).await?;
    Ok(redirect_with_flash(&ctx, &report_url(quarter, measure, organisation), "flash-saved"))
}

async fn download(State(state): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> Result<Response, AppError> {
    ctx.require(Action::Read)?;
    let evidence = state.store().review_evidence(&id).await?;
    let bytes = state.store().review_evidence_bytes(&evidence).await?;
    Ok(crate::plan::attachments::stored_file(&evidence.file_name, &evidence.content_type, bytes))
}

#[derive(Deserialize)]
struct Empty {}

async fn delete(
    State(state): State<AppState>,
    Path(id): Path<String>,
    CsrfForm(ctx, _): CsrfForm<Empty>,
) -> Result<Response, AppError> {
    let evidence = state.app().evidence_delete(&ctx.actor(), &id).await?;
    Ok(redirect_with_flash(
        &ctx,
        &report_url(evidence.quarter, evidence.measure, evidence.organisation),
        "flash-deleted",
    ))
}
