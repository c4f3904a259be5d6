//! Shared ground of the JSON API: the body extractor, the error shape, health, the current
//! user, and the OpenAPI document generated from the handlers.

use crate::admin::AdminApiDoc;
use crate::ctx::ApiUser;
use crate::directory::DirectoryApiDoc;
use crate::error::AppError;
use crate::{AppState, VERSION};
use accord_app::account::{LocaleInput, PasswordChange, TokenInput};
use accord_domain::audit::timestamp_text;
use accord_domain::directory::UserAccount;
use axum::Router;
use axum::extract::Path;
use axum::extract::{FromRequest, Request, State};
use axum::http::StatusCode;
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
    paths(healthz, openapi_json, me, update_me, change_my_password, my_tokens, create_my_token, revoke_my_token),
    components(schemas(ErrorBody, ErrorDetail, Health, Me, LocaleInput, PasswordChange, TokenDto, NewToken, TokenInput)),
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
    doc.merge(crate::plan::PlanApiDoc::openapi());
    doc.merge(crate::trade::TradeApiDoc::openapi());
    doc.merge(crate::logistics::LogisticsApiDoc::openapi());
    doc.merge(crate::review::ReviewApiDoc::openapi());
    doc.merge(crate::fleet::FleetApiDoc::openapi());
    doc.merge(crate::fleet::RegimesApiDoc::openapi());
    doc.info.version = VERSION.to_string();
    doc
}

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/healthz", get(healthz))
        .route("/api/v1/openapi.json", get(openapi_json))
        .route("/api/v1/me", get(me).put(update_me))
        .route("/api/v1/me/password", axum::routing::post(change_my_password))
        .route("/api/v1/me/tokens", get(my_tokens).post(create_my_token))
        .route("/api/v1/me/tokens/{id}", axum::routing::delete(revoke_my_token))
        .route("/api/v1/{*rest}", axum::routing::any(|| async { AppError::NotFound }))
}

#[utoipa::path(get, path = "/api/v1/openapi.json", tag = "system",
    responses((status = 200, description = "this document (OpenAPI 3.1)", body = Object)))]
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
    Json(me_of(api.user))
}

fn me_of(u: UserAccount) -> Me {
    Me {
        login: u.login.to_string(),
        display_name: u.display_name,
        role: u.role.kind().code().to_string(),
        side: u.role.side().map(|s| s.code().to_string()),
        organisation_id: u.role.organisation().map(|o| o.to_string()),
        locale: u.locale.code().to_string(),
    }
}

#[utoipa::path(put, path = "/api/v1/me", tag = "system", request_body = LocaleInput,
    responses((status = 200, body = Me), (status = 422, body = ErrorBody)), security(("bearer" = [])))]
async fn update_me(
    State(state): State<AppState>,
    api: ApiUser,
    Json(input): Json<LocaleInput>,
) -> Result<Json<Me>, AppError> {
    Ok(Json(me_of(state.app().own_locale_change(&api.actor(), &input).await?)))
}

#[utoipa::path(post, path = "/api/v1/me/password", tag = "system", request_body = PasswordChange,
    responses((status = 204), (status = 422, body = ErrorBody), (status = 429, body = ErrorBody)), security(("bearer" = [])))]
async fn change_my_password(
    State(state): State<AppState>,
    api: ApiUser,
    Json(input): Json<PasswordChange>,
) -> Result<StatusCode, AppError> {
    state.app().own_password_change(&api.actor(), &input).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Serialize, ToSchema)]
pub struct TokenDto {
    pub id: String,
    pub label: Option<String>,
    pub created_at: String,
    pub last_used_at: Option<String>,
    /// When the token stops working; absent: when revoked.
    pub expires_at: Option<String>,
}

#[utoipa::path(get, path = "/api/v1/me/tokens", tag = "system", responses((status = 200, body = [TokenDto])), security(("bearer" = [])))]
async fn my_tokens(State(state): State<AppState>, api: ApiUser) -> Result<Json<Vec<TokenDto>>, AppError> {
    let tokens = state.store().token_list(api.user.id).await?;
    Ok(Json(
        tokens
            .into_iter()
            .map(|t| TokenDto {
                id: t.id,
                label: t.label,
                created_at: timestamp_text(t.created_at),
                last_used_at: t.last_used_at.map(timestamp_text),
                expires_at: t.expires_at.map(timestamp_text),
            })
            .collect(),
    ))
}

#[derive(Serialize, ToSchema)]
pub struct NewToken {
    /// Shown once; only its hash is kept.
    pub token: String,
    pub id: String,
    /// When the token stops working; absent: when revoked.
    pub expires_at: Option<String>,
}

#[utoipa::path(post, path = "/api/v1/me/tokens", tag = "system", request_body = TokenInput,
    responses((status = 201, body = NewToken)), security(("bearer" = [])))]
async fn create_my_token(
    State(state): State<AppState>,
    api: ApiUser,
    Json(input): Json<TokenInput>,
) -> Result<(StatusCode, Json<NewToken>), AppError> {
    let token = state.app().token_create(&api.actor(), None, &input).await?;
    let expires_at = token.expires_at.map(timestamp_text);
    Ok((StatusCode::CREATED, Json(NewToken { token: token.secret, id: token.id, expires_at })))
}

#[utoipa::path(delete, path = "/api/v1/me/tokens/{id}", tag = "system", params(("id" = String, Path)),
    responses((status = 204), (status = 404, body = ErrorBody)), security(("bearer" = [])))]
async fn revoke_my_token(
    State(state): State<AppState>,
    api: ApiUser,
    Path(id): Path<String>,
) -> Result<StatusCode, AppError> {
    state.app().token_revoke(&api.actor(), None, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}
