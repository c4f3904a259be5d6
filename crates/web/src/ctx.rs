//! Who is asking, in which language: the extractors every handler starts from.

use crate::AppState;
use crate::auth::{FLASH_COOKIE, SESSION_COOKIE, cookie, is_secure, secret_hash};
use crate::error::AppError;
use crate::i18n::Tr;
use accord_domain::directory::{Action, UserAccount, authorize};
use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use serde::Deserialize;
use serde::de::DeserializeOwned;

/// A flash message shown once on the next page: a kind (`ok`, `warn`) and a message key.
#[derive(Debug, Clone)]
pub struct Flash {
    pub kind: String,
    pub key: String,
}

impl Flash {
    fn from_cookie(value: &str) -> Option<Flash> {
        let (kind, key) = value.split_once('.')?;
        let safe = |s: &str| s.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
        (safe(kind) && safe(key)).then(|| Flash { kind: kind.to_string(), key: key.to_string() })
    }
}

/// A signed-in user on a page. Without a session, pages redirect to the sign-in form.
pub struct Ctx {
    pub tr: Tr,
    pub user: UserAccount,
    pub csrf: String,
    pub flash: Option<Flash>,
    pub secure: bool,
    pub htmx: bool,
    pub session_hash: String,
}

impl Ctx {
    /// Asks the domain's one permission rule; a refusal is a 403.
    pub fn require(&self, action: Action) -> Result<(), AppError> {
        Ok(authorize(&self.user.role, action)?)
    }
    pub fn can(&self, action: Action) -> bool {
        authorize(&self.user.role, action).is_ok()
    }
    /// The signed-in user as the application layer's acting user.
    pub fn actor(&self) -> accord_app::Actor {
        accord_app::Actor::user(self.user.clone())
    }
}

impl FromRequestParts<AppState> for Ctx {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let tr = parts.extensions.get::<Tr>().copied().unwrap_or_default();
        let next = parts.uri.path_and_query().map_or("/", |pq| pq.as_str()).to_string();
        let token = cookie(&parts.headers, SESSION_COOKIE).ok_or(AppError::SignInRequired { next: next.clone() })?;
        let session_hash = secret_hash(token);
        let session = state.store().session_user(&session_hash).await?.ok_or(AppError::SignInRequired { next })?;
        Ok(Ctx {
            tr,
            user: session.user,
            csrf: session.csrf_token,
            flash: cookie(&parts.headers, FLASH_COOKIE).and_then(Flash::from_cookie),
            secure: is_secure(&parts.headers),
            htmx: parts.headers.contains_key("hx-request"),
            session_hash,
        })
    }
}

/// An API client, signed in by `Authorization: Bearer <token>`.
pub struct ApiUser {
    pub user: UserAccount,
}

impl ApiUser {
    pub fn require(&self, action: Action) -> Result<(), AppError> {
        Ok(authorize(&self.user.role, action)?)
    }
    pub fn actor(&self) -> accord_app::Actor {
        accord_app::Actor::user(self.user.clone())
    }
}

impl FromRequestParts<AppState> for ApiUser {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let token = parts
            .headers
            .get(axum::http::header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .ok_or(AppError::Unauthorized)?;
        let user = state.store().token_user(&secret_hash(token)).await?.ok_or(AppError::Unauthorized)?;
        Ok(ApiUser { user })
    }
}

#[derive(Deserialize)]
struct CsrfField {
    #[serde(rename = "_csrf", default)]
    csrf: String,
}

/// A form posted by a signed-in user, accepted only with the session's CSRF token (the
/// hidden `_csrf` field, or the `X-CSRF-Token` header that htmx sends).
pub struct CsrfForm<T>(pub Ctx, pub T);

impl<T: DeserializeOwned> FromRequest<AppState> for CsrfForm<T> {
    type Rejection = AppError;

    async fn from_request(request: Request, state: &AppState) -> Result<Self, Self::Rejection> {
        let (mut parts, body) = request.into_parts();
        let ctx = Ctx::from_request_parts(&mut parts, state).await?;
        let header_token = parts.headers.get("x-csrf-token").and_then(|v| v.to_str().ok()).map(str::to_string);
        let bytes = Bytes::from_request(Request::from_parts(parts, body), state)
            .await
            .map_err(|_| AppError::BadRequest("error-bad-form"))?;
        let field: CsrfField =
            serde_urlencoded::from_bytes(&bytes).map_err(|_| AppError::BadRequest("error-bad-form"))?;
        let given = header_token.unwrap_or(field.csrf);
        if !constant_time_eq(given.as_bytes(), ctx.csrf.as_bytes()) {
            return Err(AppError::Csrf);
        }
        let form: T = serde_urlencoded::from_bytes(&bytes).map_err(|_| AppError::BadRequest("error-bad-form"))?;
        Ok(CsrfForm(ctx, form))
    }
}

pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && !a.is_empty() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// The language of a request, for pages open to everyone (sign-in).
pub struct Lang(pub Tr);

impl<S: Send + Sync> FromRequestParts<S> for Lang {
    type Rejection = std::convert::Infallible;
    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        Ok(Lang(parts.extensions.get::<Tr>().copied().unwrap_or_default()))
    }
}
