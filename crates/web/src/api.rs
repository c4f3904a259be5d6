//! Shared ground of the JSON API: the body extractor, the error shape, health, the current
//! user, and the OpenAPI document generated from the handlers.

use crate::admin::AdminApiDoc;
use crate::ctx::ApiUser;
use crate::directory::DirectoryApiDoc;
use crate::error::AppError;
use crate::{AppState, VERSION};
use axum::Router;
use axum::extract::{FromRequest, Request, State};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde::Serialize;
use serde::de::DeserializeOwned;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi, ToSchema};

/// JSON in and out; a body that is not JSON of the expected shape is a 400 in our error form.
pub struct Json<T>(pub T);

impl<T: DeserializeOwned> FromRequest<AppState> for Json<T> {
    type Rejection = AppError;
    async fn from_request(request: Request, state: &AppState) -> Result<Self, Self::Rejection> {
        axum::Json::<T>::from_request(request, state)
            .await
            .map(|axum::Json(v)| Json(v))
            .map_err(|_| AppError::BadRequest("error-bad-json"))
    }
}

impl<T: Serialize> IntoResponse for Json<T> {
    fn into_response(self) -> Response {
        axum::Json(self.0).into_response()
    }
}

/// Every API error: `{"error": {"code": "...", "message": "...", "field": "..."}}`.
#[derive(Serialize, ToSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Serialize, ToSchema)]
pub struct ErrorDetail {
    /// Stable: validation, conflict, in_use, not_found, forbidden, unauthorized, csrf, bad_request, internal.
    pub code: String,
    /// In the request's language (`?lang=en` for English).
    pub message: String,
    /// The first invalid field, for validation errors.
    pub field: Option<String>,
}

#[derive(OpenApi)]
#[openapi(
    info(title = "accord API", description = "The JSON API of accord. Authenticate with `Authorization: Bearer <token>` (`accord user token LOGIN`)."),
    paths(healthz, me),
    components(schemas(ErrorBody, ErrorDetail, Health, Me)),
    modifiers(&BearerAuth)
)]
struct BaseDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

pub fn openapi() -> utoipa::openapi::OpenApi {
    let mut doc = BaseDoc::openapi();
    doc.merge(DirectoryApiDoc::openapi());
    doc.merge(AdminApiDoc::openapi());
    doc.info.version = VERSION.to_string();
    doc
}

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/healthz", get(healthz))
        .route("/api/v1/openapi.json", get(openapi_json))
        .route("/api/v1/me", get(me))
        .route("/api/v1/{*rest}", axum::routing::any(|| async { AppError::NotFound }))
}

async fn openapi_json() -> Response {
    axum::Json(openapi()).into_response()
}

#[derive(Serialize, ToSchema)]
pub struct Health {
    pub status: String,
    /// sqlite or postgres.
    pub database: String,
    pub version: String,
}

#[utoipa::path(get, path = "/healthz", tag = "system", responses((status = 200, body = Health), (status = 503, body = Health)))]
async fn healthz(State(state): State<AppState>) -> Response {
    let database = state.store().backend().name().to_string();
    match state.store().ping().await {
        Ok(()) => axum::Json(Health { status: "ok".into(), database, version: VERSION.into() }).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "health check failed");
            (
                axum::http::StatusCode::SERVICE_UNAVAILABLE,
                axum::Json(Health { status: "unavailable".into(), database, version: VERSION.into() }),
            )
                .into_response()
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct Me {
    pub login: String,
    pub display_name: String,
    pub role: String,
    pub side: Option<String>,
    pub organisation_id: Option<String>,
    pub locale: String,
}

#[utoipa::path(get, path = "/api/v1/me", tag = "system", responses((status = 200, body = Me), (status = 401, body = ErrorBody)), security(("bearer" = [])))]
async fn me(api: ApiUser) -> Json<Me> {
    let u = api.user;
    Json(Me {
        login: u.login.to_string(),
        display_name: u.display_name,
        role: u.role.kind().code().to_string(),
        side: u.role.side().map(|s| s.code().to_string()),
        organisation_id: u.role.organisation().map(|o| o.to_string()),
        locale: u.locale.code().to_string(),
    })
}
