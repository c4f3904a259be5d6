//! The directory's JSON API.
//!
//! Writes take the same inputs as the forms (`accord_app::directory`), with the version the
//! client saw; a write without one is refused with 422 naming `version`, a stale one is 409.

use super::query::{OrgQuery, PersonQuery};
use crate::AppState;
use crate::api::{ErrorBody, Json};
use crate::ctx::ApiUser;
use crate::error::AppError;
use accord_app::directory::{DeleteInput, OrganisationInput, PersonInput};
use accord_domain::directory::{Action, Organisation};
use accord_domain::{OrganisationId, PersonId};
use accord_store::{Paging, PersonRow};
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::routing::get;
use serde::Serialize;
use utoipa::{OpenApi, ToSchema};

#[derive(OpenApi)]
#[openapi(
    paths(
        list_organisations,
        get_organisation,
        create_organisation_api,
        update_organisation_api,
        delete_organisation_api,
        list_people,
        get_person,
        create_person_api,
        update_person_api,
        delete_person_api
    ),
    components(schemas(OrganisationDto, OrganisationList, OrganisationInput, PersonDto, PersonList, PersonInput))
)]
pub struct ApiDoc;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/organisations", get(list_organisations).post(create_organisation_api))
        .route(
            "/api/v1/organisations/{id}",
            get(get_organisation).put(update_organisation_api).delete(delete_organisation_api),
        )
        .route("/api/v1/people", get(list_people).post(create_person_api))
        .route("/api/v1/people/{id}", get(get_person).put(update_person_api).delete(delete_person_api))
}

/// An organisation as the API shows it.
#[derive(Serialize, ToSchema)]
pub struct OrganisationDto {
    pub id: String,
    pub version: i64,
    /// BY or KHV.
    pub side: String,
    pub code: String,
    /// government-body, enterprise, university, school, public-association, other.
    pub kind: String,
    pub name_full_ru: String,
    pub name_short_ru: String,
    pub name_full_en: Option<String>,
    pub name_short_en: Option<String>,
    pub address: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub website: Option<String>,
}

impl From<Organisation> for OrganisationDto {
    fn from(o: Organisation) -> Self {
        let d = o.data;
        OrganisationDto {
            id: o.id.to_string(),
            version: o.version,
            side: d.side.code().to_string(),
            code: d.code.to_string(),
            kind: d.kind.code().to_string(),
            name_full_ru: d.name_full_ru,
            name_short_ru: d.name_short_ru,
            name_full_en: d.name_full_en,
            name_short_en: d.name_short_en,
            address: d.address,
            phone: d.phone,
            email: d.email,
            website: d.website,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct OrganisationList {
    pub items: Vec<OrganisationDto>,
    pub total: i64,
    pub page: i64,
    pub per_page: i64,
}

#[utoipa::path(get, path = "/api/v1/organisations", tag = "directory", params(OrgQuery),
    responses((status = 200, body = OrganisationList), (status = 401, body = ErrorBody)), security(("bearer" = [])))]
async fn list_organisations(
    State(state): State<AppState>,
    api: ApiUser,
    Query(query): Query<OrgQuery>,
) -> Result<Json<OrganisationList>, AppError> {
    api.require(Action::Read)?;
    let page = state.store().organisation_list(&query.filter(), Paging::new(query.page, query.per_page)).await?;
    Ok(Json(OrganisationList {
        items: page.items.into_iter().map(OrganisationDto::from).collect(),
        total: page.total,
        page: page.page,
        per_page: page.per_page,
    }))
}

#[utoipa::path(get, path = "/api/v1/organisations/{id}", tag = "directory", params(("id" = String, Path)),
    responses((status = 200, body = OrganisationDto), (status = 404, body = ErrorBody)), security(("bearer" = [])))]
async fn get_organisation(
    State(state): State<AppState>,
    api: ApiUser,
    Path(id): Path<OrganisationId>,
) -> Result<Json<OrganisationDto>, AppError> {
    api.require(Action::Read)?;
    Ok(Json(state.store().organisation(id).await?.into()))
}

#[utoipa::path(post, path = "/api/v1/organisations", tag = "directory", request_body = OrganisationInput,
    responses((status = 201, body = OrganisationDto), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)), security(("bearer" = [])))]
async fn create_organisation_api(
    State(state): State<AppState>,
    api: ApiUser,
    Json(input): Json<OrganisationInput>,
) -> Result<(StatusCode, Json<OrganisationDto>), AppError> {
    let org = state.app().organisation_create(&api.actor(), &input).await?;
    Ok((StatusCode::CREATED, Json(org.into())))
}

#[utoipa::path(put, path = "/api/v1/organisations/{id}", tag = "directory", params(("id" = String, Path)), request_body = OrganisationInput,
    responses((status = 200, body = OrganisationDto), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)), security(("bearer" = [])))]
async fn update_organisation_api(
    State(state): State<AppState>,
    api: ApiUser,
    Path(id): Path<OrganisationId>,
    Json(input): Json<OrganisationInput>,
) -> Result<Json<OrganisationDto>, AppError> {
    let org = state.app().organisation_change(&api.actor(), id, &input).await?;
    Ok(Json(org.into()))
}

#[utoipa::path(delete, path = "/api/v1/organisations/{id}", tag = "directory", params(("id" = String, Path), DeleteInput),
    responses((status = 204), (status = 409, body = ErrorBody)), security(("bearer" = [])))]
async fn delete_organisation_api(
    State(state): State<AppState>,
    api: ApiUser,
    Path(id): Path<OrganisationId>,
    Query(input): Query<DeleteInput>,
) -> Result<StatusCode, AppError> {
    state.app().organisation_delete(&api.actor(), id, &input).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A person as the API shows them.
#[derive(Serialize, ToSchema)]
pub struct PersonDto {
    pub id: String,
    pub version: i64,
    pub organisation_id: String,
    pub organisation_code: String,
    pub side: String,
    pub full_name_ru: String,
    pub full_name_en: Option<String>,
    pub position_ru: Option<String>,
    pub position_en: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
}

impl From<PersonRow> for PersonDto {
    fn from(row: PersonRow) -> Self {
        let d = row.person.data;
        PersonDto {
            id: row.person.id.to_string(),
            version: row.person.version,
            organisation_id: d.organisation_id.to_string(),
            organisation_code: row.organisation_code,
            side: row.side.code().to_string(),
            full_name_ru: d.full_name_ru,
            full_name_en: d.full_name_en,
            position_ru: d.position_ru,
            position_en: d.position_en,
            email: d.email,
            phone: d.phone,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct PersonList {
    pub items: Vec<PersonDto>,
    pub total: i64,
    pub page: i64,
    pub per_page: i64,
}

#[utoipa::path(get, path = "/api/v1/people", tag = "directory", params(PersonQuery),
    responses((status = 200, body = PersonList)), security(("bearer" = [])))]
async fn list_people(
    State(state): State<AppState>,
    api: ApiUser,
    Query(query): Query<PersonQuery>,
) -> Result<Json<PersonList>, AppError> {
    api.require(Action::Read)?;
    let page = state.store().person_list(&query.filter(), Paging::new(query.page, query.per_page)).await?;
    Ok(Json(PersonList {
        items: page.items.into_iter().map(PersonDto::from).collect(),
        total: page.total,
        page: page.page,
        per_page: page.per_page,
    }))
}

#[utoipa::path(get, path = "/api/v1/people/{id}", tag = "directory", params(("id" = String, Path)),
    responses((status = 200, body = PersonDto), (status = 404, body = ErrorBody)), security(("bearer" = [])))]
async fn get_person(
    State(state): State<AppState>,
    api: ApiUser,
    Path(id): Path<PersonId>,
) -> Result<Json<PersonDto>, AppError> {
    api.require(Action::Read)?;
    Ok(Json(state.store().person(id).await?.into()))
}

#[utoipa::path(post, path = "/api/v1/people", tag = "directory", request_body = PersonInput,
    responses((status = 201, body = PersonDto), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)), security(("bearer" = [])))]
async fn create_person_api(
    State(state): State<AppState>,
    api: ApiUser,
    Json(input): Json<PersonInput>,
) -> Result<(StatusCode, Json<PersonDto>), AppError> {
    let row = state.app().person_create(&api.actor(), &input).await?;
    Ok((StatusCode::CREATED, Json(row.into())))
}

#[utoipa::path(put, path = "/api/v1/people/{id}", tag = "directory", params(("id" = String, Path)), request_body = PersonInput,
    responses((status = 200, body = PersonDto), (status = 409, body = ErrorBody)), security(("bearer" = [])))]
async fn update_person_api(
    State(state): State<AppState>,
    api: ApiUser,
    Path(id): Path<PersonId>,
    Json(input): Json<PersonInput>,
) -> Result<Json<PersonDto>, AppError> {
    let row = state.app().person_change(&api.actor(), id, &input).await?;
    Ok(Json(row.into()))
}

#[utoipa::path(delete, path = "/api/v1/people/{id}", tag = "directory", params(("id" = String, Path), DeleteInput),
    responses((status = 204), (status = 409, body = ErrorBody)), security(("bearer" = [])))]
async fn delete_person_api(
    State(state): State<AppState>,
    api: ApiUser,
    Path(id): Path<PersonId>,
    Query(input): Query<DeleteInput>,
) -> Result<StatusCode, AppError> {
    state.app().person_delete(&api.actor(), id, &input).await?;
    Ok(StatusCode::NO_CONTENT)
}
