//! Layers around every handler: the request's language, rendering of errors, panics.

use crate::AppState;
use crate::auth::{FLASH_COOKIE, LANG_COOKIE, cookie, is_secure, set_cookie};
use crate::error::{AppError, ErrorInfo};
use crate::i18n::Tr;
use crate::layout::ErrorPage;
use accord_domain::directory::Locale;
use axum::Json;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::any::Any;

/// The language of a request: `?lang=` (remembered in a cookie), else the cookie, else
/// Russian. Signing in and the header's switch set the cookie from the user's preference.
pub async fn request_language(mut request: Request, next: Next) -> Response {
    let from_query = request
        .uri()
        .query()
        .and_then(|q| serde_urlencoded::from_str::<Vec<(String, String)>>(q).ok())
        .and_then(|pairs| pairs.into_iter().find(|(k, _)| k == "lang").map(|(_, v)| v))
        .and_then(|v| Locale::parse(&v));
    let from_cookie = cookie(request.headers(), LANG_COOKIE).and_then(Locale::parse);
    let had_flash = cookie(request.headers(), FLASH_COOKIE).is_some();
    let secure = is_secure(request.headers());
    let locale = from_query.or(from_cookie).unwrap_or_default();
    request.extensions_mut().insert(Tr::new(locale));
    let mut response = next.run(request).await;
    if let Some(locale) = from_query {
        append_cookie(&mut response, &set_cookie(LANG_COOKIE, locale.code(), Some(365 * 86_400), false, secure));
    }
    let is_page = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    if had_flash && is_page && response.status().is_success() {
        append_cookie(&mut response, &set_cookie(FLASH_COOKIE, "", Some(0), true, secure));
    }
    response
}

pub fn append_cookie(response: &mut Response, value: &str) {
    if let Ok(value) = HeaderValue::from_str(value) {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
}

/// Turns an [`ErrorInfo`] left by a handler into translated JSON on the API, or a page in
/// the layout everywhere else.
pub async fn render_errors(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let tr = request.extensions().get::<Tr>().copied().unwrap_or_default();
    let path = request.uri().path().to_string();
    let session = cookie(request.headers(), crate::auth::SESSION_COOKIE).map(crate::auth::secret_hash);
    let response = next.run(request).await;
    let info = match response.extensions().get::<ErrorInfo>() {
        Some(info) => info.clone(),
        // A body past a route's limit is refused by the limit layer (or axum's extractors) before
        // any handler: a bare 413 that a user would see as an empty page.
        None if response.status() == StatusCode::PAYLOAD_TOO_LARGE => {
            ErrorInfo::new(StatusCode::PAYLOAD_TOO_LARGE, "too_large", "error-upload-too-large")
        }
        None => return response,
    };
    // A refused field is named with its reason, on a page as in the API: a page that fell back
    // to this one has no highlighted fields to point at.
    let problems: Vec<String> = info.problems.iter().map(|p| tr.problem(p)).collect();
    let message = match info.fields.first() {
        Some((field, key)) => format!("{}: {}", tr.field(field), tr.t(key)),
        None if !problems.is_empty() => {
            format!("{}\n{}", tr.tn("import-file-problems", problems.len() as i64), problems.join("\n"))
        }
        None => tr.ta(&info.key, &info.args),
    };
    if path.starts_with("/api/") || path == "/healthz" {
        let fields: serde_json::Map<String, serde_json::Value> =
            info.fields.iter().map(|(f, key)| ((*f).to_string(), tr.t(key).into())).collect();
        let body = serde_json::json!({
            "error": {
                "code": info.code,
                "message": message,
                "field": info.field,
                "fields": fields,
                "problems": info.problems.iter().zip(&problems).map(|(p, text)| serde_json::json!({
                    "sheet": p.sheet_name(), "row": p.row, "column": p.column, "key": p.reason.key, "message": text,
                })).collect::<Vec<_>>(),
            }
        });
        let mut out = (info.status, Json(body)).into_response();
        if info.status == axum::http::StatusCode::UNAUTHORIZED {
            out.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        if let Some(seconds) = info.retry_after {
            out.headers_mut().insert(header::RETRY_AFTER, seconds.into());
        }
        return out;
    }
    let user = match session {
        Some(hash) => state.store().session_user(&hash).await.ok().flatten(),
        None => None,
    };
    let page = ErrorPage::new(
        tr,
        user,
        state.is_demo(),
        info.status.as_u16(),
        tr.t(&format!("error-title-{}", title_key(info.status.as_u16()))),
        message,
    );
    let mut out = (info.status, page.render_html()).into_response();
    if let Some(seconds) = info.retry_after {
        out.headers_mut().insert(header::RETRY_AFTER, seconds.into());
    }
    out
}

fn title_key(status: u16) -> &'static str {
    match status {
        403 => "forbidden",
        404 => "not-found",
        409 => "conflict",
        422 | 413 | 400 => "bad-input",
        429 => "slow-down",
        _ => "internal",
    }
}

/// A panic in a handler becomes a 500 (rendered by [`render_errors`]); the server goes on.
pub fn panic_response(panic: Box<dyn Any + Send + 'static>) -> Response {
    let detail = panic
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| panic.downcast_ref::<&str>().map(|s| (*s).to_string()))
        .unwrap_or_else(|| "unknown panic".to_string());
    AppError::Internal(format!("handler panicked: {detail}")).into_response()
}

#[cfg(test)]
mod tests {
    use crate::{AppState, with_layers};
    use accord_store::testing::{TestBackend, TestStore};
    use axum::Router;
    use axum::body::Body;
    use axum::http::Request;
    use axum::routing::get;
    use tower::ServiceExt;

    async fn boom() -> &'static str {
        panic!("a bug in a handler")
    }

    #[tokio::test]
    async fn a_panicking_handler_becomes_a_500_page_and_the_app_keeps_serving() {
        let Some(test) = TestStore::new(TestBackend::Sqlite).await else { return };
        let state = AppState::new(test.store.clone(), crate::ServeOptions::default()).await.expect("state");
        let routes =
            Router::new().route("/boom", get(boom)).route("/fine", get(|| async { "fine" })).with_state(state.clone());
        let app = with_layers(routes, state);
        let response =
            app.clone().oneshot(Request::get("/boom").body(Body::empty()).expect("request")).await.expect("response");
        assert_eq!(response.status(), 500);
        let body = axum::body::to_bytes(response.into_body(), 1 << 20).await.expect("body");
        let html = String::from_utf8_lossy(&body);
        assert!(html.contains("Внутренняя ошибка") && html.contains("<html"), "a page in the layout");
        assert!(!html.contains("a bug in a handler"), "no internals leak to the user");
        let response =
            app.oneshot(Request::get("/fine").body(Body::empty()).expect("request")).await.expect("response");
        assert_eq!(response.status(), 200);
        test.cleanup().await;
    }
}
