//! The directory's JSON API.

use super::organisations::ListQuery as OrgQuery;
use super::people::ListQuery as PersonQuery;
use super::{
    create_organisation, create_person, delete_organisation, delete_person, update_organisation, update_person,
};
use crate::AppState;
use crate::api::{ErrorBody, Json};
use crate::ctx::ApiUser;
use crate::error::AppError;
use accord_domain::directory::{Action, Organisation, OrganisationForm, PersonForm};
use accord_domain::{OrganisationId, PersonId};
use accord_store::{Paging, PersonRow};
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::routing::get;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, OpenApi, ToSchema};

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
    components(schemas(OrganisationDto, OrganisationList, OrganisationBody, PersonDto, PersonList, PersonBody))
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

/// What creating or updating an organisation sends. `version` is required to update.
#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
pub struct OrganisationBody {
    pub side: String,
    pub code: String,
    pub kind: String,
    pub name_full_ru: String,
    pub name_short_ru: String,
    pub name_full_en: Option<String>,
    pub name_short_en: Option<String>,
    pub address: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub website: Option<String>,
    pub version: Option<i64>,
    /// Why the change is made; kept in the audit log.
    pub reason: Option<String>,
}

impl OrganisationBody {
    fn form(&self) -> OrganisationForm {
        OrganisationForm {
            side: self.side.clone(),
            code: self.code.clone(),
            kind: self.kind.clone(),
            name_full_ru: self.name_full_ru.clone(),
            name_short_ru: self.name_short_ru.clone(),
            name_full_en: self.name_full_en.clone(),
            name_short_en: self.name_short_en.clone(),
            address: self.address.clone(),
            phone: self.phone.clone(),
            email: self.email.clone(),
            website: self.website.clone(),
        }
    }
}

fn required_version(version: Option<i64>) -> Result<i64, AppError> {
    version.ok_or_else(|| {
        accord_domain::validation::Invalid::one("version", accord_domain::validation::Reason::Required).into()
    })
}

#[derive(Deserialize, IntoParams)]
pub struct DeleteParams {
    /// The version the client last saw.
    pub version: i64,
    pub reason: Option<String>,
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

#[utoipa::path(post, path = "/api/v1/organisations", tag = "directory", request_body = OrganisationBody,
    responses((status = 201, body = OrganisationDto), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)), security(("bearer" = [])))]
async fn create_organisation_api(
    State(state): State<AppState>,
    api: ApiUser,
    Json(body): Json<OrganisationBody>,
) -> Result<(StatusCode, Json<OrganisationDto>), AppError> {
    let org = create_organisation(state.store(), &api.user, &body.form()).await?;
    Ok((StatusCode::CREATED, Json(org.into())))
}

#[utoipa::path(put, path = "/api/v1/organisations/{id}", tag = "directory", params(("id" = String, Path)), request_body = OrganisationBody,
    responses((status = 200, body = OrganisationDto), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)), security(("bearer" = [])))]
async fn update_organisation_api(
    State(state): State<AppState>,
    api: ApiUser,
    Path(id): Path<OrganisationId>,
    Json(body): Json<OrganisationBody>,
) -> Result<Json<OrganisationDto>, AppError> {
    let version = required_version(body.version)?;
    let org = update_organisation(state.store(), &api.user, id, version, &body.form(), body.reason.clone()).await?;
    Ok(Json(org.into()))
}

#[utoipa::path(delete, path = "/api/v1/organisations/{id}", tag = "directory", params(("id" = String, Path), DeleteParams),
    responses((status = 204), (status = 409, body = ErrorBody)), security(("bearer" = [])))]
async fn delete_organisation_api(
    State(state): State<AppState>,
    api: ApiUser,
    Path(id): Path<OrganisationId>,
    Query(params): Query<DeleteParams>,
) -> Result<StatusCode, AppError> {
    delete_organisation(state.store(), &api.user, id, params.version, params.reason).await?;
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

#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
pub struct PersonBody {
    pub organisation_id: String,
    pub full_name_ru: String,
    pub full_name_en: Option<String>,
    pub position_ru: Option<String>,
    pub position_en: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub version: Option<i64>,
    pub reason: Option<String>,
}

impl PersonBody {
    fn form(&self) -> PersonForm {
        PersonForm {
            organisation_id: self.organisation_id.clone(),
            full_name_ru: self.full_name_ru.clone(),
            full_name_en: self.full_name_en.clone(),
            position_ru: self.position_ru.clone(),
            position_en: self.position_en.clone(),
            email: self.email.clone(),
            phone: self.phone.clone(),
        }
    }
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

#[utoipa::path(post, path = "/api/v1/people", tag = "directory", request_body = PersonBody,
    responses((status = 201, body = PersonDto), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)), security(("bearer" = [])))]
async fn create_person_api(
    State(state): State<AppState>,
    api: ApiUser,
    Json(body): Json<PersonBody>,
) -> Result<(StatusCode, Json<PersonDto>), AppError> {
    let row = create_person(state.store(), &api.user, &body.form()).await?;
    Ok((StatusCode::CREATED, Json(row.into())))
}

#[utoipa::path(put, path = "/api/v1/people/{id}", tag = "directory", params(("id" = String, Path)), request_body = PersonBody,
    responses((status = 200, body = PersonDto), (status = 409, body = ErrorBody)), security(("bearer" = [])))]
async fn update_person_api(
    State(state): State<AppState>,
    api: ApiUser,
    Path(id): Path<PersonId>,
    Json(body): Json<PersonBody>,
) -> Result<Json<PersonDto>, AppError> {
    let version = required_version(body.version)?;
    let row = update_person(state.store(), &api.user, id, version, &body.form(), body.reason.clone()).await?;
    Ok(Json(row.into()))
}

#[utoipa::path(delete, path = "/api/v1/people/{id}", tag = "directory", params(("id" = String, Path), DeleteParams),
    responses((status = 204), (status = 409, body = ErrorBody)), security(("bearer" = [])))]
async fn delete_person_api(
    State(state): State<AppState>,
    api: ApiUser,
    Path(id): Path<PersonId>,
    Query(params): Query<DeleteParams>,
) -> Result<StatusCode, AppError> {
    delete_person(state.store(), &api.user, id, params.version, params.reason).await?;
    Ok(StatusCode::NO_CONTENT)
}
