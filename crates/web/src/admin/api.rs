//! The administration API: users and the audit log. The same use cases as the pages decide
//! who may (users: administrators; the log: administrators and coordinators).

use super::AuditQuery;
use crate::AppState;
use crate::api::{ErrorBody, Json};
use crate::ctx::ApiUser;
use crate::error::AppError;
use accord_app::account::UserInput;
use accord_domain::audit::AuditEntry;
use accord_domain::directory::UserAccount;
use accord_store::Paging;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::routing::get;
use serde::Serialize;
use utoipa::{OpenApi, ToSchema};

#[derive(OpenApi)]
#[openapi(
    paths(list_users, get_user, create_user_api, update_user_api, list_audit, verify_audit, entity_history),
    components(schemas(UserDto, UserInput, AuditEntryDto, AuditList, VerifyDto))
)]
pub struct ApiDoc;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/users", get(list_users).post(create_user_api))
        .route("/api/v1/users/{login}", get(get_user).put(update_user_api))
        .route("/api/v1/audit", get(list_audit))
        .route("/api/v1/audit/verify", get(verify_audit))
        .route("/api/v1/audit/{entity}/{id}", get(entity_history))
}

#[derive(Serialize, ToSchema)]
pub struct UserDto {
    pub login: String,
    pub display_name: String,
    pub role: String,
    pub side: Option<String>,
    pub organisation_id: Option<String>,
    pub locale: String,
    pub disabled: bool,
    pub version: i64,
}

impl From<UserAccount> for UserDto {
    fn from(u: UserAccount) -> Self {
        UserDto {
            login: u.login.to_string(),
            display_name: u.display_name,
            role: u.role.kind().code().to_string(),
            side: u.role.side().map(|s| s.code().to_string()),
            organisation_id: u.role.organisation().map(|o| o.to_string()),
            locale: u.locale.code().to_string(),
            disabled: u.disabled,
            version: u.version,
        }
    }
}

#[utoipa::path(get, path = "/api/v1/users", tag = "admin", responses((status = 200, body = [UserDto]), (status = 403, body = ErrorBody)), security(("bearer" = [])))]
async fn list_users(State(state): State<AppState>, api: ApiUser) -> Result<Json<Vec<UserDto>>, AppError> {
    Ok(Json(state.app().user_list(&api.actor()).await?.into_iter().map(UserDto::from).collect()))
}

#[utoipa::path(get, path = "/api/v1/users/{login}", tag = "admin", params(("login" = String, Path)), responses((status = 200, body = UserInput)), security(("bearer" = [])))]
async fn get_user(
    State(state): State<AppState>,
    api: ApiUser,
    Path(login): Path<String>,
) -> Result<Json<UserInput>, AppError> {
    Ok(Json(state.app().user_input_of(&api.actor(), &login).await?))
}

#[utoipa::path(post, path = "/api/v1/users", tag = "admin", request_body = UserInput,
    responses((status = 201, body = UserDto), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)), security(("bearer" = [])))]
async fn create_user_api(
    State(state): State<AppState>,
    api: ApiUser,
    Json(input): Json<UserInput>,
) -> Result<(StatusCode, Json<UserDto>), AppError> {
    let user = state.app().user_create(&api.actor(), &input).await?;
    Ok((StatusCode::CREATED, Json(user.into())))
}

#[utoipa::path(put, path = "/api/v1/users/{login}", tag = "admin", params(("login" = String, Path)), request_body = UserInput,
    responses((status = 200, body = UserDto), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)), security(("bearer" = [])))]
async fn update_user_api(
    State(state): State<AppState>,
    api: ApiUser,
    Path(login): Path<String>,
    Json(input): Json<UserInput>,
) -> Result<Json<UserDto>, AppError> {
    Ok(Json(state.app().user_change(&api.actor(), &login, &input).await?.into()))
}

#[derive(Serialize, ToSchema)]
pub struct AuditEntryDto {
    pub seq: i64,
    pub at: String,
    pub actor: Option<String>,
    pub entity: String,
    pub entity_id: String,
    /// create, update or delete.
    pub operation: String,
    /// The state before, as JSON.
    #[schema(value_type = Option<Object>)]
    pub before: Option<serde_json::Value>,
    #[schema(value_type = Option<Object>)]
    pub after: Option<serde_json::Value>,
    pub reason: Option<String>,
    pub prev_hash: String,
    pub hash: String,
}

impl From<AuditEntry> for AuditEntryDto {
    fn from(e: AuditEntry) -> Self {
        let json = |s: Option<String>| s.and_then(|s| serde_json::from_str(&s).ok());
        AuditEntryDto {
            seq: e.seq,
            at: accord_domain::audit::timestamp_text(e.at),
            actor: e.actor,
            entity: e.entity,
            entity_id: e.entity_id,
            operation: e.operation.code().to_string(),
            before: json(e.before),
            after: json(e.after),
            reason: e.reason,
            prev_hash: e.prev_hash,
            hash: e.hash,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct AuditList {
    pub items: Vec<AuditEntryDto>,
    pub total: i64,
    pub page: i64,
    pub per_page: i64,
}

#[derive(Serialize, ToSchema)]
pub struct VerifyDto {
    pub ok: bool,
    pub checked: u64,
    /// The first entry whose content or link is broken.
    pub first_broken_seq: Option<i64>,
    pub problem: Option<String>,
}

#[utoipa::path(get, path = "/api/v1/audit", tag = "admin", params(("entity" = Option<String>, Query), ("entity_id" = Option<String>, Query), ("actor" = Option<String>, Query), ("page" = Option<i64>, Query), ("per_page" = Option<i64>, Query)),
    responses((status = 200, body = AuditList)), security(("bearer" = [])))]
async fn list_audit(
    State(state): State<AppState>,
    api: ApiUser,
    Query(query): Query<AuditQuery>,
) -> Result<Json<AuditList>, AppError> {
    let page = state.app().audit_list(&api.actor(), &query.filter(), Paging::new(query.page, query.per_page)).await?;
    Ok(Json(AuditList {
        items: page.items.into_iter().map(AuditEntryDto::from).collect(),
        total: page.total,
        page: page.page,
        per_page: page.per_page,
    }))
}

#[utoipa::path(get, path = "/api/v1/audit/verify", tag = "admin", responses((status = 200, body = VerifyDto)), security(("bearer" = [])))]
async fn verify_audit(State(state): State<AppState>, api: ApiUser) -> Result<Json<VerifyDto>, AppError> {
    let report = state.app().audit_verify(&api.actor()).await?;
    Ok(Json(VerifyDto {
        ok: report.first_break.is_none(),
        checked: report.checked,
        first_broken_seq: report.first_break.as_ref().map(|b| b.seq()),
        problem: report.first_break.map(|b| b.to_string()),
    }))
}

#[utoipa::path(get, path = "/api/v1/audit/{entity}/{id}", tag = "admin", params(("entity" = String, Path), ("id" = String, Path)),
    responses((status = 200, body = [AuditEntryDto])), security(("bearer" = [])))]
async fn entity_history(
    State(state): State<AppState>,
    api: ApiUser,
    Path((entity, id)): Path<(String, String)>,
) -> Result<Json<Vec<AuditEntryDto>>, AppError> {
    let history = state.app().audit_history(&api.actor(), &entity, &id).await?;
    Ok(Json(history.into_iter().map(AuditEntryDto::from).collect()))
}
