//! Creating, changing and deleting organisations.

use super::{DeleteInput, reason_of, required_version};
use crate::{Actor, App, Error, Result};
use accord_domain::directory::{Action, Organisation, OrganisationForm, authorize};
use accord_domain::{OrganisationId, Side};
use serde::{Deserialize, Serialize};

/// What the organisation form or the API sends: the organisation's fields, the version the
/// change was made on (required to change one) and why (kept in the audit log).
#[derive(Debug, Clone, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct OrganisationInput {
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
    /// The version the change was made on; required to change an organisation.
    pub version: Option<i64>,
    /// Why the change is made; kept in the audit log.
    pub reason: Option<String>,
}

impl OrganisationInput {
    /// The organisation's fields as the domain validates them.
    pub fn form(&self) -> OrganisationForm {
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

    /// The input that would save `org` unchanged (a form's starting point).
    pub fn of(org: &Organisation) -> OrganisationInput {
        let f = OrganisationForm::from(&org.data);
        OrganisationInput {
            side: f.side,
            code: f.code,
            kind: f.kind,
            name_full_ru: f.name_full_ru,
            name_short_ru: f.name_short_ru,
            name_full_en: f.name_full_en,
            name_short_en: f.name_short_en,
            address: f.address,
            phone: f.phone,
            email: f.email,
            website: f.website,
            version: Some(org.version),
            reason: None,
        }
    }
}

impl App {
    /// Adds an organisation to a side: that side's coordinator, or an administrator.
    pub async fn organisation_create(&self, actor: &Actor, input: &OrganisationInput) -> Result<Organisation> {
        // Who manages no side's organisations is refused before their input is looked at.
        if !Side::ALL.iter().any(|side| authorize(&actor.role(), Action::ManageOrganisations { side: *side }).is_ok()) {
            return Err(Error::forbidden());
        }
        let data = input.form().validate()?;
        authorize(&actor.role(), Action::ManageOrganisations { side: data.side })?;
        let mut w = self.store.begin_write(actor.author()).await?;
        let org = self.store.organisation_create_in(&mut w, &data, false).await?;
        w.commit().await?;
        Ok(org)
    }

    /// Changes an organisation's details: its side's coordinator, its own executors, or an
    /// administrator. Its code and side identify it: only who manages the organisations of
    /// both the old and the new side changes them.
    pub async fn organisation_change(
        &self,
        actor: &Actor,
        id: OrganisationId,
        input: &OrganisationInput,
    ) -> Result<Organisation> {
        let current = self.store.organisation(id).await?;
        authorize(&actor.role(), Action::EditOrganisation { side: current.data.side, organisation: id })?;
        let version = required_version(input.version)?;
        let data = input.form().validate()?;
        if data.side != current.data.side || data.code != current.data.code {
            authorize(&actor.role(), Action::ManageOrganisations { side: current.data.side })?;
            authorize(&actor.role(), Action::ManageOrganisations { side: data.side })?;
        }
        let reason = reason_of(input.reason.as_deref());
        let mut w = self.store.begin_write(actor.author()).await?;
        let org = self.store.organisation_update_in(&mut w, id, version, &data, reason).await?;
        w.commit().await?;
        Ok(org)
    }

    /// Deletes an organisation nothing refers to: its side's coordinator, or an administrator.
    pub async fn organisation_delete(&self, actor: &Actor, id: OrganisationId, input: &DeleteInput) -> Result<()> {
        let current = self.store.organisation(id).await?;
        authorize(&actor.role(), Action::ManageOrganisations { side: current.data.side })?;
        let version = required_version(input.version)?;
        let mut w = self.store.begin_write(actor.author()).await?;
        self.store.organisation_delete_in(&mut w, id, version, reason_of(input.reason.as_deref())).await?;
        w.commit().await?;
        Ok(())
    }
}
