//! Creating, changing, reporting on and deleting measures.

use crate::{Actor, App, Error, Result, Rule};
use accord_domain::MeasureId;
use accord_domain::directory::{Action, authorize};
use accord_domain::plan::version::{AmendmentKind, ChangeRoute, route_change, route_deletion};
use accord_domain::plan::{Executor, Measure, MeasureData, MeasureForm, Plan, Status};
use accord_domain::validation::{Invalid, Reason};
use accord_store::{Amendment, Proposal};

/// What became of an edit: applied at once, or waiting for the other side's coordinator.
#[derive(Debug)]
pub enum Edited {
    Applied(Box<Measure>),
    Proposed(Box<Amendment>),
}

impl Edited {
    pub fn measure_id(&self) -> MeasureId {
        match self {
            Edited::Applied(m) => m.id,
            Edited::Proposed(a) => a.measure_id,
        }
    }
}

/// What became of a deletion: done, or waiting for the other side's coordinator.
#[derive(Debug)]
pub enum Deleted {
    Done,
    Proposed(Box<Amendment>),
}

/// The rules of adding a measure, whatever adds it (the form, the API, a decision of the review
/// session): a coordinator (or an administrator), only for what its side takes part in.
pub(crate) fn measure_create_checked(
    actor: &Actor,
    form: &MeasureForm,
    executors: Vec<Executor>,
) -> Result<MeasureData> {
    authorize(&actor.role(), Action::CreateMeasure)?;
    let data = form.validate(executors)?;
    authorize(&actor.role(), Action::EditMeasure { executors: &data.executors })?;
    Ok(data)
}

/// The refusal of a change to the signed text by someone without a side's key.
pub(crate) fn needs_coordinator() -> Error {
    Error::Forbidden(Rule::state("plan_signed_needs_coordinator", "plan-rule-signed-needs-coordinator"))
}

impl App {
    /// Adds a measure to a plan: a coordinator, only for what its side takes part in.
    pub async fn measure_create(
        &self,
        actor: &Actor,
        plan: &Plan,
        form: &MeasureForm,
        executors: Vec<Executor>,
    ) -> Result<Measure> {
        let data = measure_create_checked(actor, form, executors)?;
        Ok(self.store.measure_create(actor.author(), plan.id, &data).await?)
    }

    /// Changes what a measure says (a coordinator of a taking-part side, or an administrator).
    /// On a signed plan a change of the signed text waits for the other side.
    pub async fn measure_change(
        &self,
        actor: &Actor,
        id: MeasureId,
        version: i64,
        form: &MeasureForm,
        executors: Vec<Executor>,
        reason: Option<String>,
    ) -> Result<Edited> {
        let current = self.store.measure(id).await?;
        authorize(&actor.role(), Action::EditMeasure { executors: &current.data.executors })?;
        let data = form.validate(executors)?;
        authorize(&actor.role(), Action::EditMeasure { executors: &data.executors })?;
        self.apply_or_propose(actor, &current, version, data, reason).await
    }

    /// Reports a measure's status and percent done (its executors, and its side's coordinator).
    pub async fn measure_report_progress(
        &self,
        actor: &Actor,
        id: MeasureId,
        version: i64,
        status: Option<&str>,
        percent: Option<&str>,
        reason: Option<String>,
    ) -> Result<Edited> {
        let current = self.store.measure(id).await?;
        authorize(&actor.role(), Action::ReportOnMeasure { executors: &current.data.executors })?;
        let data = progress_applied(&current.data, status, percent)?;
        self.apply_or_propose(actor, &current, version, data, reason).await
    }

    async fn apply_or_propose(
        &self,
        actor: &Actor,
        current: &Measure,
        version: i64,
        data: MeasureData,
        reason: Option<String>,
    ) -> Result<Edited> {
        let plan = self.store.plan(current.plan_id).await?;
        let route = route_change(&actor.role(), plan.signed_version.is_some(), &current.data, &data);
        let mut w = self.store.begin_write(actor.author()).await?;
        let edited = match route {
            ChangeRoute::Apply => Edited::Applied(Box::new(
                self.store.measure_update_in(&mut w, current.id, version, &data, reason).await?,
            )),
            ChangeRoute::Amendment { proposer } => {
                let proposal = Proposal {
                    proposer_side: proposer,
                    measure: current.id,
                    base_version: version,
                    kind: AmendmentKind::Change,
                    proposed: &data,
                    reason,
                };
                Edited::Proposed(Box::new(self.store.amendment_propose_in(&mut w, proposal).await?))
            }
            ChangeRoute::NeedsCoordinator => return Err(needs_coordinator()),
        };
        w.commit().await?;
        Ok(edited)
    }

    /// Deletes a measure (refused while it has sub-measures). On a signed plan the deletion
    /// waits for the other side's coordinator like any change of the signed text.
    pub async fn measure_delete(
        &self,
        actor: &Actor,
        id: MeasureId,
        version: i64,
        reason: Option<String>,
    ) -> Result<Deleted> {
        let current = self.store.measure(id).await?;
        authorize(&actor.role(), Action::EditMeasure { executors: &current.data.executors })?;
        let plan = self.store.plan(current.plan_id).await?;
        let mut w = self.store.begin_write(actor.author()).await?;
        let deleted = match route_deletion(&actor.role(), plan.signed_version.is_some()) {
            ChangeRoute::Apply => {
                self.store.measure_delete_in(&mut w, id, version, reason).await?;
                Deleted::Done
            }
            ChangeRoute::Amendment { proposer } => {
                let proposal = Proposal {
                    proposer_side: proposer,
                    measure: id,
                    base_version: version,
                    kind: AmendmentKind::Delete,
                    proposed: &current.data,
                    reason,
                };
                Deleted::Proposed(Box::new(self.store.amendment_propose_in(&mut w, proposal).await?))
            }
            ChangeRoute::NeedsCoordinator => return Err(needs_coordinator()),
        };
        w.commit().await?;
        Ok(deleted)
    }
}

/// The measure with a reported status and percent done; "done" means 100 %.
pub(crate) fn progress_applied(
    current: &MeasureData,
    status: Option<&str>,
    percent: Option<&str>,
) -> Result<MeasureData, Invalid> {
    let mut data = current.clone();
    if let Some(raw) = status.map(str::trim).filter(|s| !s.is_empty()) {
        data.status = raw.parse::<Status>()?;
    }
    if let Some(raw) = percent.map(str::trim).filter(|s| !s.is_empty()) {
        let value: u8 = raw
            .trim_end_matches('%')
            .trim()
            .parse()
            .ok()
            .filter(|v| *v <= 100)
            .ok_or_else(|| Invalid::one("percent", Reason::UnknownValue))?;
        data.percent = value;
    }
    if data.status == Status::Done {
        data.percent = 100;
    }
    Ok(data)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reporting_changes_only_status_and_percent() {
        let data = MeasureForm {
            number: "1.".into(),
            section: "trade".into(),
            title_ru: "Поставки".into(),
            term: "2025 г.".into(),
            ..Default::default()
        }
        .validate(Vec::new())
        .expect("valid");
        let reported = progress_applied(&data, Some("in-progress"), Some("45%")).expect("valid");
        assert_eq!((reported.status, reported.percent), (Status::InProgress, 45));
        assert_eq!(reported.title_ru, data.title_ru);
        assert_eq!(progress_applied(&data, Some("done"), None).expect("valid").percent, 100);
        assert!(progress_applied(&data, None, Some("101")).is_err());
        assert!(progress_applied(&data, Some("finished"), None).is_err());
    }
}
