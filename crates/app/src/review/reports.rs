//! Reports and their workflow: the organisation's executor saves and submits, a coordinator of
//! the organisation's side returns (with a comment) or accepts. Each step is one use case at
//! the report's version (0 for a report not started yet, which the step starts: prefilled from
//! last quarter's report).

use super::{authorize_review, check_version};
use crate::{Actor, App, Error, Result};
use accord_domain::directory::Action;
use accord_domain::quarter::Quarter;
use accord_domain::review::{Report, ReportContent, ReportError, ReportingPeriod};
use accord_domain::{MeasureId, OrganisationId};
use chrono::{DateTime, Utc};
use serde::Serialize;

/// A report with the version its next writer must name.
#[derive(Debug, Clone, Serialize)]
pub struct VersionedReport {
    #[serde(flatten)]
    pub report: Report,
    pub version: i64,
}

/// Who a step asks for: the organisation's executor, or its side's coordinator.
#[derive(Clone, Copy)]
enum By {
    Executor,
    Coordinator,
}

type Step<'a> = Box<
    dyn FnOnce(&mut Report, &ReportingPeriod, &accord_domain::review::Actor, DateTime<Utc>) -> Result<(), ReportError>
        + Send
        + 'a,
>;

impl App {
    /// The report of `organisation` on `measure` for `quarter` with its version (0: none yet).
    pub async fn report_get(
        &self,
        quarter: Quarter,
        organisation: OrganisationId,
        measure: MeasureId,
    ) -> Result<Option<VersionedReport>> {
        Ok(self
            .store
            .review_report_row(quarter, organisation, measure)
            .await?
            .map(|(report, version)| VersionedReport { report, version }))
    }

    /// Saves a draft (or a returned report): the organisation's executor.
    #[allow(clippy::too_many_arguments, reason = "the report's key, its version and the content")]
    pub async fn report_save(
        &self,
        actor: &Actor,
        quarter: Quarter,
        organisation: OrganisationId,
        measure: MeasureId,
        version: i64,
        content: ReportContent,
    ) -> Result<VersionedReport> {
        let step: Step<'_> = Box::new(move |r, p, a, _| r.edit(p, a, content));
        self.report_step(actor, quarter, organisation, measure, version, By::Executor, step).await
    }

    /// Saves the content and hands the report in: the organisation's executor.
    #[allow(clippy::too_many_arguments, reason = "the report's key, its version and the content")]
    pub async fn report_submit(
        &self,
        actor: &Actor,
        quarter: Quarter,
        organisation: OrganisationId,
        measure: MeasureId,
        version: i64,
        content: ReportContent,
    ) -> Result<VersionedReport> {
        let step: Step<'_> = Box::new(move |r, p, a, at| {
            r.edit(p, a, content)?;
            r.submit(p, a, at)
        });
        self.report_step(actor, quarter, organisation, measure, version, By::Executor, step).await
    }

    /// Returns a submitted report to its executor with a comment: the side's coordinator.
    #[allow(clippy::too_many_arguments, reason = "the report's key, its version and the comment")]
    pub async fn report_return(
        &self,
        actor: &Actor,
        quarter: Quarter,
        organisation: OrganisationId,
        measure: MeasureId,
        version: i64,
        comment: &str,
    ) -> Result<VersionedReport> {
        let step: Step<'_> = Box::new(move |r, p, a, at| r.return_to_executor(p, a, comment, at));
        self.report_step(actor, quarter, organisation, measure, version, By::Coordinator, step).await
    }

    /// Accepts a submitted report (its figures count from now on): the side's coordinator.
    pub async fn report_accept(
        &self,
        actor: &Actor,
        quarter: Quarter,
        organisation: OrganisationId,
        measure: MeasureId,
        version: i64,
    ) -> Result<VersionedReport> {
        let step: Step<'_> = Box::new(|r, p, a, at| r.accept(p, a, at));
        self.report_step(actor, quarter, organisation, measure, version, By::Coordinator, step).await
    }

    #[allow(clippy::too_many_arguments, reason = "one private body for the four steps")]
    async fn report_step(
        &self,
        actor: &Actor,
        quarter: Quarter,
        organisation: OrganisationId,
        measure: MeasureId,
        version: i64,
        by: By,
        step: Step<'_>,
    ) -> Result<VersionedReport> {
        let measure = self.store.measure(measure).await?;
        match by {
            By::Executor => authorize_review(actor, Action::FileReport { organisation })?,
            By::Coordinator => {
                let side = measure
                    .data
                    .executors
                    .iter()
                    .find(|e| e.organisation == organisation)
                    .map(|e| e.side)
                    .ok_or(Error::NotFound { entity: "report" })?;
                authorize_review(actor, Action::ReviewReports { side })?;
            }
        }
        let (plan, plan_period) = self.review_plan().await?;
        plan_period.check(quarter)?;
        let found = self.store.review_report_row(quarter, organisation, measure.id).await?;
        check_version("report", found.as_ref().map_or(0, |(_, v)| *v), version)?;
        let previous = match found {
            Some(_) => None,
            None => self.store.review_previous_report(quarter, organisation, measure.id).await?,
        };
        let who = actor.review_actor();
        let mut w = self.store.begin_write(actor.author()).await?;
        let (period, _) = self.store.review_period_ensure_in(&mut w, plan.id, plan_period, quarter, None).await?;
        let mut report = match &found {
            Some((r, _)) => r.clone(),
            None => Report::start(
                self.store.review_new_report_id(),
                &period,
                &measure,
                organisation,
                previous.as_ref(),
                &who,
            )?,
        };
        step(&mut report, &period, &who, w.now())?;
        let version = self.store.review_report_write_in(&mut w, found.as_ref().map(|(r, v)| (r, *v)), &report).await?;
        w.commit().await?;
        Ok(VersionedReport { report, version })
    }
}
