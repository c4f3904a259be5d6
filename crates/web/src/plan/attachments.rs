//! Files attached to measures (reports, protocols, photos) and links between measures.
//! Uploads have their own, larger body limit; everything else keeps the small one.

use crate::AppState;
use crate::ctx::{CsrfForm, Ctx, constant_time_eq};
use crate::error::AppError;
use crate::layout::redirect_with_flash;
use accord_domain::MeasureId;
use accord_domain::directory::Action;
use accord_domain::validation::{Invalid, Reason};
use axum::Router;
use axum::extract::{DefaultBodyLimit, Multipart, Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde::Deserialize;

pub use accord_app::plan::files::{MAX_ATTACHMENT_BYTES, allowed_type, clean_name};
/// Request body limit of the upload routes: the file plus the form around it.
pub const UPLOAD_BODY_LIMIT: usize = MAX_ATTACHMENT_BYTES + 1024 * 1024;

/// Routes that receive files; the app gives them a body limit of their own.
pub fn upload_routes() -> Router<AppState> {
    Router::new()
        .route("/plan/measures/{id}/attachments", post(upload))
        .route("/plan/import", post(super::import::import))
        .layer(DefaultBodyLimit::max(UPLOAD_BODY_LIMIT))
}

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/plan/attachments/{id}", get(download))
        .route("/plan/attachments/{id}/delete", post(delete))
        .route("/plan/measures/{id}/links", post(link))
        .route("/plan/measures/{id}/links/{other}/delete", post(unlink))
}

/// A file sent with an upload form: its clean name, its bytes and the type it was found to be.
pub struct Upload {
    pub name: String,
    pub bytes: Vec<u8>,
    pub content_type: &'static str,
}

/// Reads an upload form (`_csrf` and `file`): the CSRF token must match, a file must be there
/// and be of an allowed type and size.
pub async fn read_upload(ctx: &Ctx, multipart: &mut Multipart) -> Result<Upload, AppError> {
    let mut csrf = String::new();
    let mut file: Option<(String, Vec<u8>)> = None;
    while let Some(field) = multipart.next_field().await.map_err(|_| AppError::BadRequest("error-bad-form"))? {
        match field.name().unwrap_or_default() {
            "_csrf" => csrf = field.text().await.map_err(|_| AppError::BadRequest("error-bad-form"))?,
            "file" => {
                let name = clean_name(field.file_name().unwrap_or("file"));
                let bytes = field.bytes().await.map_err(|_| AppError::BadRequest("error-bad-form"))?;
                file = Some((name, bytes.to_vec()));
            }
            _ => {}
        }
    }
    if !constant_time_eq(csrf.as_bytes(), ctx.csrf.as_bytes()) {
        return Err(AppError::Csrf);
    }
    let (name, bytes) = file.ok_or_else(|| Invalid::one("file", Reason::Required))?;
    let content_type = allowed_type(&name, &bytes)?;
    Ok(Upload { name, bytes, content_type })
}

async fn upload(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<MeasureId>,
    mut multipart: Multipart,
) -> Result<Response, AppError> {
    let measure = state.store().measure(id).await?;
    ctx.require(Action::ReportOnMeasure { executors: &measure.data.executors })?;
    let Upload { name, bytes, .. } = read_upload(&ctx, &mut multipart).await?;
    state.app().attachment_add(&ctx.actor(), id, &name, &bytes).await?;
    Ok(redirect_with_flash(&ctx, &format!("/plan/measures/{id}#attachments"), "flash-saved"))
}

async fn download(State(state): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> Result<Response, AppError> {
    ctx.require(Action::Read)?;
    let attachment = state.store().attachment(&id).await?;
    let bytes = state.store().attachment_bytes(&attachment).await?;
    Ok(stored_file(&attachment.file_name, &attachment.content_type, bytes))
}

/// A stored file as a download: its name made safe for the header, and sandboxed so that it is
/// never run as a page of ours.
pub fn stored_file(file_name: &str, content_type: &str, bytes: Vec<u8>) -> Response {
    let disposition =
        format!("attachment; filename=\"{}\"", file_name.replace(|c: char| !c.is_ascii() || c == '"', "_"));
    (
        [
            (header::CONTENT_TYPE, content_type.to_string()),
            (header::CONTENT_DISPOSITION, disposition),
            (header::CONTENT_SECURITY_POLICY, "sandbox; default-src 'none'".to_string()),
        ],
        bytes,
    )
        .into_response()
}

#[derive(Deserialize)]
struct Empty {}

async fn delete(
    State(state): State<AppState>,
    Path(id): Path<String>,
    CsrfForm(ctx, _): CsrfForm<Empty>,
) -> Result<Response, AppError> {
    let measure = state.app().attachment_delete(&ctx.actor(), &id).await?;
    Ok(redirect_with_flash(&ctx, &format!("/plan/measures/{measure}#attachments"), "flash-deleted"))
}

#[derive(Deserialize)]
struct LinkInput {
    number: String,
}

async fn link(
    State(state): State<AppState>,
    Path(id): Path<MeasureId>,
    CsrfForm(ctx, input): CsrfForm<LinkInput>,
) -> Result<Response, AppError> {
    state.app().measure_link(&ctx.actor(), id, &input.number).await?;
    Ok(redirect_with_flash(&ctx, &format!("/plan/measures/{id}#links"), "flash-saved"))
}

async fn unlink(
    State(state): State<AppState>,
    Path((id, other)): Path<(MeasureId, MeasureId)>,
    CsrfForm(ctx, _): CsrfForm<Empty>,
) -> Result<Response, AppError> {
    state.app().measure_unlink(&ctx.actor(), id, other).await?;
    Ok(redirect_with_flash(&ctx, &format!("/plan/measures/{id}#links"), "flash-deleted"))
}
