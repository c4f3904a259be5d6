//! The quarterly review's use cases: reporting periods, reports and their workflow, evidence,
//! meetings and their agenda, decisions, minutes and their two keys, reminders; and what the
//! review reads for its doors (the invitation, the briefing pack, the key figures).
//!
//! The review is the sides' own act: its coordinators and executors file, review, schedule and
//! approve; an administrator (and the operator at the shell, who has an administrator's
//! rights) reads it and sends the reminders, nothing else. Each use case authorises with
//! `accord_domain::directory::authorize`, loads the record with its version, asks the review
//! rules (`accord_domain::review`), and writes in one transaction, in which the store checks
//! the version again and that the period is still open. A reporting period is opened (created)
//! by the first change that needs it, in that change's transaction.
//!
//! | file | use cases |
//! |---|---|
//! | `periods` | open, start the review, close, reopen, reschedule |
//! | `reports` | save, submit, return, accept a report |
//! | `evidence` | add, remove a report's evidence file |
//! | `meetings` | schedule the meeting, mark attendance |
//! | `agenda` | generate the agenda, add, move, remove an item |
//! | `decisions` | record a decision, change its control status, create a measure from it |
//! | `minutes` | edit the minutes, approve them (two keys lock them) |
//! | [`reminders`] | send the reminders (to the outbox, or back to the door to mail them) |
//! | [`invitation`], [`pack`], [`figures`] | the meeting's invitation, the briefing pack, the key figures (reads) |

mod agenda;
pub mod decisions;
mod evidence;
pub mod figures;
pub mod input;
pub mod invitation;
mod meetings;
mod minutes;
pub mod pack;
mod periods;
pub mod reminders;
mod reports;

pub use agenda::VersionedAgenda;
pub use decisions::NewDecision;
pub use minutes::VersionedMinutes;
pub use reports::VersionedReport;

use crate::{Actor, App, Error, Result, Rule};
use accord_domain::directory::{Action, authorize};
use accord_domain::plan::Plan;
use accord_domain::quarter::Quarter;
use accord_domain::review::{PlanPeriod, ReportingPeriod};
use accord_store::{ReviewRefusal, StoreError};

impl App {
    /// The plan under review (the first one) and the quarters it covers.
    pub async fn review_plan(&self) -> Result<(Plan, PlanPeriod)> {
        let plan = self.plan_resolve(None).await?;
        let period = self.store.review_plan_period(plan.id).await?;
        Ok((plan, period))
    }

    /// Parses a quarter ("2025Q3") and checks the plan covers it: a malformed or outside one is
    /// a refusal naming the quarter and the plan's range.
    pub async fn review_quarter(&self, raw: &str) -> Result<(Plan, Quarter)> {
        let (plan, period) = self.review_plan().await?;
        let quarter =
            period.parse_quarter(raw.trim()).map_err(|e| Error::from(StoreError::Review(ReviewRefusal::Period(e))))?;
        Ok((plan, quarter))
    }

    /// The stored period of a quarter with its version, or the one it would be when opened
    /// (version 0: not stored).
    pub async fn review_period_or_default(
        &self,
        plan: &PlanPeriod,
        quarter: Quarter,
    ) -> Result<(ReportingPeriod, i64)> {
        if let Some(found) = self.store.review_period_row(quarter).await? {
            return Ok(found);
        }
        let period = ReportingPeriod::new(*plan, quarter, accord_store::default_meeting_date(quarter), None)
            .map_err(|e| Error::from(StoreError::Review(ReviewRefusal::Period(e))))?;
        Ok((period, 0))
    }
}

/// Authorises one of the review's acts. The operator is told to name the person acting: the
/// review is the sides' own, so a command without `--as` may not take part in it.
pub(crate) fn authorize_review(actor: &Actor, action: Action<'_>) -> Result<()> {
    if actor.is_operator() {
        return Err(Error::Forbidden(Rule::state("review_needs_person", "review-rule-needs-person")));
    }
    Ok(authorize(&actor.role(), action)?)
}

/// The version a writer says it saw: the record must still be there at it (0: none yet).
pub(crate) fn check_version(entity: &'static str, current: i64, seen: i64) -> Result<()> {
    if current == seen { Ok(()) } else { Err(Error::Stale { entity, current }) }
}
