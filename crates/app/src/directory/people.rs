//! Adding, changing and deleting the people of the organisations.

use super::{DeleteInput, reason_of, required_version};
use crate::{Actor, App, Error, Result};
use accord_domain::directory::{Action, PersonForm, authorize};
use accord_domain::validation::{Invalid, Reason};
use accord_domain::{OrganisationId, PersonId, Side};
use accord_store::PersonRow;
use serde::{Deserialize, Serialize};

/// What the person form or the API sends: the person's fields, the version the change was
/// made on (required to change one) and why (kept in the audit log).
#[derive(Debug, Clone, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct PersonInput {
    /// The id of the organisation they work in.
    pub organisation_id: String,
    pub full_name_ru: String,
    pub full_name_en: Option<String>,
    pub position_ru: Option<String>,
    pub position_en: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    /// The version the change was made on; required to change a person.
    pub version: Option<i64>,
    /// Why the change is made; kept in the audit log.
    pub reason: Option<String>,
}

impl PersonInput {
    /// The person's fields as the domain validates them.
    pub fn form(&self) -> PersonForm {
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

impl App {
    /// Who may manage the people of `organisation`: its side's coordinator, its executors, an
    /// administrator. An organisation that does not exist is a field error.
    async fn authorize_people(&self, actor: &Actor, organisation: OrganisationId) -> Result<()> {
        let side = self
            .store
            .organisation_side(organisation)
            .await?
            .ok_or_else(|| Invalid::one("organisation_id", Reason::NotFound))?;
        Ok(authorize(&actor.role(), Action::ManagePeople { side, organisation })?)
    }

    /// Whether the actor manages anybody's people at all (an observer does not), asked before
    /// their input is looked at.
    fn may_manage_some_people(actor: &Actor) -> bool {
        // An executor manages their own organisation's people; for the other roles the
        // organisation does not matter, only the side.
        let organisation = actor.organisation().unwrap_or(OrganisationId(uuid::Uuid::nil()));
        Side::ALL
            .iter()
            .any(|side| authorize(&actor.role(), Action::ManagePeople { side: *side, organisation }).is_ok())
    }

    /// Adds a person to an organisation.
    pub async fn person_create(&self, actor: &Actor, input: &PersonInput) -> Result<PersonRow> {
        if !Self::may_manage_some_people(actor) {
            return Err(Error::forbidden());
        }
        let data = input.form().validate()?;
        self.authorize_people(actor, data.organisation_id).await?;
        let mut w = self.store.begin_write(actor.author()).await?;
        let person = self.store.person_create_in(&mut w, &data).await?;
        w.commit().await?;
        Ok(self.store.person(person.id).await?)
    }

    /// Changes a person; moving them to another organisation needs the rights on both.
    pub async fn person_change(&self, actor: &Actor, id: PersonId, input: &PersonInput) -> Result<PersonRow> {
        let current = self.store.person(id).await?;
        self.authorize_people(actor, current.person.data.organisation_id).await?;
        let version = required_version(input.version)?;
        let data = input.form().validate()?;
        if data.organisation_id != current.person.data.organisation_id {
            self.authorize_people(actor, data.organisation_id).await?;
        }
        let reason = reason_of(input.reason.as_deref());
        let mut w = self.store.begin_write(actor.author()).await?;
        self.store.person_update_in(&mut w, id, version, &data, reason).await?;
        w.commit().await?;
        Ok(self.store.person(id).await?)
    }

    /// Deletes a person.
    pub async fn person_delete(&self, actor: &Actor, id: PersonId, input: &DeleteInput) -> Result<()> {
        let current = self.store.person(id).await?;
        self.authorize_people(actor, current.person.data.organisation_id).await?;
        let version = required_version(input.version)?;
        let mut w = self.store.begin_write(actor.author()).await?;
        self.store.person_delete_in(&mut w, id, version, reason_of(input.reason.as_deref())).await?;
        w.commit().await?;
        Ok(())
    }
}
