//! The directory: organisations and people of both sides. Pages and API share the rules
//! below, so a browser and an API client are allowed and refused exactly alike.

mod api;
mod organisations;
mod people;

pub use api::ApiDoc as DirectoryApiDoc;
pub use organisations::ConfirmDelete;

use crate::AppState;
use crate::error::AppError;
use accord_domain::directory::{Action, Organisation, OrganisationForm, PersonForm, UserAccount, authorize};
use accord_domain::{OrganisationId, PersonId};
use accord_store::{Author, PersonRow, Store};
use axum::Router;

pub fn routes() -> Router<AppState> {
    Router::new().merge(organisations::routes()).merge(people::routes()).merge(api::routes())
}

fn author(user: &UserAccount) -> Author<'_> {
    Author::user(user.login.as_str())
}

pub async fn create_organisation(
    store: &Store,
    user: &UserAccount,
    form: &OrganisationForm,
) -> Result<Organisation, AppError> {
    let data = form.validate()?;
    authorize(&user.role, Action::ManageOrganisations { side: data.side })?;
    Ok(store.organisation_create(author(user), &data).await?)
}

pub async fn update_organisation(
    store: &Store,
    user: &UserAccount,
    id: OrganisationId,
    version: i64,
    form: &OrganisationForm,
    reason: Option<String>,
) -> Result<Organisation, AppError> {
    let current = store.organisation(id).await?;
    authorize(&user.role, Action::EditOrganisation { side: current.data.side, organisation: id })?;
    let data = form.validate()?;
    // Its code and side identify an organisation: only who manages the sides changes them.
    if data.side != current.data.side || data.code != current.data.code {
        authorize(&user.role, Action::ManageOrganisations { side: current.data.side })?;
        authorize(&user.role, Action::ManageOrganisations { side: data.side })?;
    }
    Ok(store.organisation_update(author(user), id, version, &data, reason).await?)
}

pub async fn delete_organisation(
    store: &Store,
    user: &UserAccount,
    id: OrganisationId,
    version: i64,
    reason: Option<String>,
) -> Result<(), AppError> {
    let current = store.organisation(id).await?;
    authorize(&user.role, Action::ManageOrganisations { side: current.data.side })?;
    Ok(store.organisation_delete(author(user), id, version, reason).await?)
}

async fn people_action(store: &Store, organisation: OrganisationId) -> Result<Action<'static>, AppError> {
    let side = store.organisation_side(organisation).await?.ok_or_else(|| {
        AppError::Invalid(accord_domain::validation::Invalid::one(
            "organisation_id",
            accord_domain::validation::Reason::NotFound,
        ))
    })?;
    Ok(Action::ManagePeople { side, organisation })
}

pub async fn create_person(store: &Store, user: &UserAccount, form: &PersonForm) -> Result<PersonRow, AppError> {
    let data = form.validate()?;
    authorize(&user.role, people_action(store, data.organisation_id).await?)?;
    Ok(store.person_create(author(user), &data).await?)
}

pub async fn update_person(
    store: &Store,
    user: &UserAccount,
    id: PersonId,
    version: i64,
    form: &PersonForm,
    reason: Option<String>,
) -> Result<PersonRow, AppError> {
    let current = store.person(id).await?;
    authorize(&user.role, people_action(store, current.person.data.organisation_id).await?)?;
    let data = form.validate()?;
    if data.organisation_id != current.person.data.organisation_id {
        authorize(&user.role, people_action(store, data.organisation_id).await?)?;
    }
    Ok(store.person_update(author(user), id, version, &data, reason).await?)
}

pub async fn delete_person(
    store: &Store,
    user: &UserAccount,
    id: PersonId,
    version: i64,
    reason: Option<String>,
) -> Result<(), AppError> {
    let current = store.person(id).await?;
    authorize(&user.role, people_action(store, current.person.data.organisation_id).await?)?;
    Ok(store.person_delete(author(user), id, version, reason).await?)
}

/// Parses a version field of a form; a missing or garbled one is a bad request.
pub fn parse_version(raw: &str) -> Result<i64, AppError> {
    raw.trim().parse().map_err(|_| AppError::BadRequest("error-bad-form"))
}
