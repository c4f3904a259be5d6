//! Evidence on reports: files the organisation's executor attaches to a draft or returned
//! report (acts, photos, protocols) for the coordinator who reviews it. The file rules are the
//! measure attachments'.

use super::authorize_review;
use crate::plan::files::{allowed_type, clean_name};
use crate::{Actor, App, Result};
use accord_domain::directory::Action;
use accord_domain::quarter::Quarter;
use accord_domain::{MeasureId, OrganisationId};
use accord_store::ReportEvidence;

impl App {
    /// Whether `actor` may attach evidence to the organisation's reports at all: asked by the
    /// doors before they read an uploaded file, and again by [`App::evidence_add`].
    pub fn evidence_may_add(&self, actor: &Actor, organisation: OrganisationId) -> Result<()> {
        authorize_review(actor, Action::FileReport { organisation })
    }

    /// Attaches a file to the organisation's report on the measure: its executor, while the
    /// report is a draft or returned and its period open. The type is checked against the
    /// file's first bytes.
    #[allow(clippy::too_many_arguments, reason = "the report's key and the file")]
    pub async fn evidence_add(
        &self,
        actor: &Actor,
        quarter: Quarter,
        organisation: OrganisationId,
        measure: MeasureId,
        name: &str,
        bytes: &[u8],
    ) -> Result<ReportEvidence> {
        self.evidence_may_add(actor, organisation)?;
        let name = clean_name(name);
        let content_type = allowed_type(&name, bytes)?;
        Ok(self
            .store
            .review_evidence_add(
                actor.author(),
                &actor.review_actor(),
                quarter,
                organisation,
                measure,
                &name,
                content_type,
                bytes,
            )
            .await?)
    }

    /// Removes an evidence file while its report may still change: its organisation's executor.
    pub async fn evidence_delete(&self, actor: &Actor, id: &str) -> Result<ReportEvidence> {
        let evidence = self.store.review_evidence(id).await?;
        authorize_review(actor, Action::FileReport { organisation: evidence.organisation })?;
        Ok(self.store.review_evidence_delete(actor.author(), &actor.review_actor(), id).await?)
    }
}
