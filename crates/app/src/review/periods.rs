//! Reporting periods: opened, moved to review, closed (each keeps the plan's snapshot),
//! reopened by a coordinator with a reason, rescheduled.

use super::authorize_review;
use crate::{Actor, App, Result};
use accord_domain::directory::Action;
use accord_domain::quarter::Quarter;
use accord_domain::review::{PeriodState, ReportingPeriod};
use chrono::NaiveDate;

/// How a period moves.
enum Step<'a> {
    StartReview,
    Close,
    Reopen(&'a str),
    Reschedule { version: i64, meeting_date: NaiveDate, deadline: Option<NaiveDate> },
}

impl App {
    /// Opens the quarter's period (its meeting on the default date): a coordinator's act.
    /// Opening an open period changes nothing.
    pub async fn period_open(&self, actor: &Actor, quarter: Quarter) -> Result<ReportingPeriod> {
        authorize_review(actor, Action::ManageReview)?;
        let (plan, plan_period) = self.review_plan().await?;
        let mut w = self.store.begin_write(actor.author()).await?;
        let (period, _) = self.store.review_period_ensure_in(&mut w, plan.id, plan_period, quarter, None).await?;
        w.commit().await?;
        Ok(period)
    }

    /// Open → in review; the plan as it stands is kept as the quarter's snapshot.
    pub async fn period_start_review(&self, actor: &Actor, quarter: Quarter) -> Result<ReportingPeriod> {
        self.period_step(actor, quarter, Step::StartReview).await
    }

    /// Closes the period (through review, when still open): its reports lock, and the
    /// snapshot is retaken as the record of what was reviewed.
    pub async fn period_close(&self, actor: &Actor, quarter: Quarter) -> Result<ReportingPeriod> {
        self.period_step(actor, quarter, Step::Close).await
    }

    /// Reopens a closed period for review: a coordinator, with a reason kept in the audit log.
    pub async fn period_reopen(&self, actor: &Actor, quarter: Quarter, reason: &str) -> Result<ReportingPeriod> {
        self.period_step(actor, quarter, Step::Reopen(reason)).await
    }

    /// Moves the meeting date of an open period (and its deadline: given, or the default
    /// before the new date), at the period's `version` (0 for a period not opened yet).
    pub async fn period_reschedule(
        &self,
        actor: &Actor,
        quarter: Quarter,
        version: i64,
        meeting_date: NaiveDate,
        deadline: Option<NaiveDate>,
    ) -> Result<ReportingPeriod> {
        self.period_step(actor, quarter, Step::Reschedule { version, meeting_date, deadline }).await
    }

    async fn period_step(&self, actor: &Actor, quarter: Quarter, step: Step<'_>) -> Result<ReportingPeriod> {
        authorize_review(actor, Action::ManageReview)?;
        let (plan, plan_period) = self.review_plan().await?;
        let opened = self.store.review_period_row(quarter).await?.is_some();
        let mut w = self.store.begin_write(actor.author()).await?;
        let (before, current) = self.store.review_period_ensure_in(&mut w, plan.id, plan_period, quarter, None).await?;
        let mut after = before.clone();
        let mut reason = None;
        let mut version = current;
        let snapshot = matches!(step, Step::StartReview | Step::Close);
        match step {
            Step::StartReview => after.start_review()?,
            Step::Close => {
                if after.state == PeriodState::Open {
                    after.start_review()?;
                }
                after.close()?;
            }
            Step::Reopen(text) => {
                let event = after.reopen(&actor.review_actor(), text, w.now())?;
                reason = Some(event.reason.clone());
                self.store.review_period_reopened_in(&mut w, &event).await?;
            }
            Step::Reschedule { version: seen, meeting_date, deadline } => {
                // A period opened by this very change is the one its writer saw as "none yet".
                version = if seen == 0 && !opened { current } else { seen };
                after.reschedule(meeting_date, deadline)?;
            }
        }
        if snapshot {
            let snapshot = self.store.review_snapshot_of(plan.id, quarter, w.now()).await?;
            self.store.review_snapshot_write_in(&mut w, &snapshot).await?;
        }
        self.store.review_period_write_in(&mut w, &before, version, &after, reason).await?;
        w.commit().await?;
        Ok(after)
    }
}
