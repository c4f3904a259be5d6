//! Plan versions (freezing and signing) and the list of plan sections.

use crate::{Actor, App, Result};
use accord_domain::directory::{Action, authorize};
use accord_domain::plan::{Plan, Section};
use chrono::NaiveDate;

impl App {
    /// Freezes the plan as it stands into its next version, signed when `signed_on` is given.
    /// An administrator's act: signing records what the two sides signed on paper.
    pub async fn plan_version_freeze(
        &self,
        actor: &Actor,
        plan: &Plan,
        label: Option<&str>,
        signed_on: Option<NaiveDate>,
    ) -> Result<i64> {
        authorize(&actor.role(), Action::ManagePlan)?;
        let label = label.map(str::trim).filter(|s| !s.is_empty());
        Ok(self.store.plan_freeze_version(actor.author(), plan.id, label, signed_on).await?)
    }

    /// Adds a plan section or renames one (by code).
    pub async fn sections_save(&self, actor: &Actor, section: &Section) -> Result<()> {
        authorize(&actor.role(), Action::ManagePlan)?;
        Ok(self.store.section_save(actor.author(), section).await?)
    }
}
