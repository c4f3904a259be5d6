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

/// The largest file a user may attach.
pub const MAX_ATTACHMENT_BYTES: usize = 10 * 1024 * 1024;
/// Request body limit of the upload routes: the file plus the form around it.
pub const UPLOAD_BODY_LIMIT: usize = MAX_ATTACHMENT_BYTES + 1024 * 1024;

/// Routes that receive files; the app gives them a body limit of their own.
pub fn upload_routes() -> Router<AppState> {
    Router::new()
        .route("/plan/measures/{id}/attachments", post(upload))
        .route("/plan/import", post(super::pages::import))
        .layer(DefaultBodyLimit::max(UPLOAD_BODY_LIMIT))
}

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/plan/attachments/{id}", get(download))
        .route("/plan/attachments/{id}/delete", post(delete))
        .route("/plan/measures/{id}/links", post(link))
        .route("/plan/measures/{id}/links/{other}/delete", post(unlink))
}

/// The content type of an allowed file, from its extension, checked against its first bytes.
pub fn allowed_type(file_name: &str, bytes: &[u8]) -> Result<&'static str, Invalid> {
    let extension = file_name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase()).unwrap_or_default();
    let zip = bytes.starts_with(b"PK\x03\x04");
    let ole = bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]);
    let (content_type, looks_right) = match extension.as_str() {
        "pdf" => ("application/pdf", bytes.starts_with(b"%PDF")),
        "png" => ("image/png", bytes.starts_with(b"\x89PNG")),
        "jpg" | "jpeg" => ("image/jpeg", bytes.starts_with(&[0xFF, 0xD8, 0xFF])),
        "docx" => ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", zip),
        "xlsx" => ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", zip),
        "pptx" => ("application/vnd.openxmlformats-officedocument.presentationml.presentation", zip),
        "odt" => ("application/vnd.oasis.opendocument.text", zip),
        "ods" => ("application/vnd.oasis.opendocument.spreadsheet", zip),
        "doc" => ("application/msword", ole),
        "xls" => ("application/vnd.ms-excel", ole),
        "txt" | "csv" => ("text/plain; charset=utf-8", std::str::from_utf8(bytes).is_ok()),
        _ => return Err(Invalid::one("file", Reason::UnknownValue)),
    };
    if bytes.is_empty() {
        return Err(Invalid::one("file", Reason::Required));
    }
    if bytes.len() > MAX_ATTACHMENT_BYTES {
        return Err(Invalid::one("file", Reason::TooLong));
    }
    if !looks_right {
        return Err(Invalid::one("file", Reason::UnknownValue));
    }
    Ok(content_type)
}

/// A file name safe to keep and to send back: no folders, no control characters.
fn clean_name(raw: &str) -> String {
    let base = raw.rsplit(['/', '\\']).next().unwrap_or(raw);
    let cleaned: String = base.chars().filter(|c| !c.is_control() && *c != '"').take(200).collect();
    if cleaned.trim().is_empty() { "file".into() } else { cleaned.trim().to_string() }
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
    let Upload { name, bytes, content_type } = read_upload(&ctx, &mut multipart).await?;
    state.store().attachment_add(ctx.author(), id, &name, content_type, &bytes).await?;
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
    let attachment = state.store().attachment(&id).await?;
    let measure = state.store().measure(attachment.measure_id).await?;
    ctx.require(Action::EditMeasure { executors: &measure.data.executors })?;
    state.store().attachment_delete(ctx.author(), &id).await?;
    Ok(redirect_with_flash(&ctx, &format!("/plan/measures/{}#attachments", measure.id), "flash-deleted"))
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
    let measure = state.store().measure(id).await?;
    ctx.require(Action::EditMeasure { executors: &measure.data.executors })?;
    let number = input
        .number
        .trim()
        .parse::<accord_domain::plan::MeasureNumber>()
        .map_err(|_| Invalid::one("link", Reason::UnknownValue))?;
    let others = state.store().measures_of_plan(measure.plan_id).await?;
    let other =
        others.iter().find(|m| m.data.number == number).ok_or_else(|| Invalid::one("link", Reason::NotFound))?;
    state.store().measure_link(ctx.author(), id, other.id).await?;
    Ok(redirect_with_flash(&ctx, &format!("/plan/measures/{id}#links"), "flash-saved"))
}

async fn unlink(
    State(state): State<AppState>,
    Path((id, other)): Path<(MeasureId, MeasureId)>,
    CsrfForm(ctx, _): CsrfForm<Empty>,
) -> Result<Response, AppError> {
    let measure = state.store().measure(id).await?;
    ctx.require(Action::EditMeasure { executors: &measure.data.executors })?;
    state.store().measure_unlink(ctx.author(), id, other).await?;
    Ok(redirect_with_flash(&ctx, &format!("/plan/measures/{id}#links"), "flash-deleted"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_known_types_that_look_like_themselves() {
        assert_eq!(allowed_type("отчёт.PDF", b"%PDF-1.7 ..."), Ok("application/pdf"));
        assert!(allowed_type("report.pdf", b"MZ\x90\x00").is_err(), "an executable renamed to .pdf");
        assert!(allowed_type("script.exe", b"MZ").is_err());
        assert!(allowed_type("notes.txt", &[0xff, 0xfe, 0x00]).is_err(), "not UTF-8 text");
        assert!(allowed_type("empty.txt", b"").is_err());
        assert_eq!(
            allowed_type("plan.xlsx", b"PK\x03\x04rest"),
            Ok("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        );
        let big = vec![b'a'; MAX_ATTACHMENT_BYTES + 1];
        assert_eq!(allowed_type("big.txt", &big), Err(Invalid::one("file", Reason::TooLong)));
    }

    #[test]
    fn names_lose_folders_and_quotes() {
        assert_eq!(clean_name("C:\\Users\\x\\Протокол \"1\".pdf"), "Протокол 1.pdf");
        assert_eq!(clean_name("../../etc/passwd"), "passwd");
        assert_eq!(clean_name("   "), "file");
    }
}
