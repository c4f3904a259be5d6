//! Review: reporting periods, reports and their workflow, snapshots, meetings, agendas, the
//! decisions register and the minutes.
//!
//! Records are kept as the domain's JSON in `body`, with the columns lists filter on beside
//! it. The application layer (`accord_app::review`) loads a record with its version, asks the
//! domain, and writes through the `…_in` methods here inside its one transaction; each of them
//! writes only if the record is still at the version loaded (else `StoreError::Conflict`) and
//! re-checks, in the transaction, what a concurrent writer could have changed (a period closed
//! meanwhile). The few methods that open their own transaction (`review_report_act`,
//! `review_meeting_save`, …) serve the demo loader, which acts for people without accounts.

mod decisions;
mod evidence;
mod meetings;
mod minutes;
mod pack;
mod periods;
mod reports;

pub use evidence::ReportEvidence;
pub use pack::{PackCounts, PackMeasure, PackReport, ReviewPackData};
pub use reports::StoredReport;

use crate::{Result, StoreError, WriteTx, corrupt};
use accord_domain::quarter::Quarter;
use accord_domain::review::{
    AgendaError, DecisionError, MeetingError, MinutesError, PeriodError, ReportContent, ReportError,
};
use chrono::{NaiveDate, TimeDelta};
use serde::Serialize;
use serde::de::DeserializeOwned;

/// A change the review rules refused; nothing was written.
#[derive(Debug, thiserror::Error)]
pub enum ReviewRefusal {
    #[error(transparent)]
    Period(#[from] PeriodError),
    #[error(transparent)]
    Report(#[from] ReportError),
    #[error(transparent)]
    Meeting(#[from] MeetingError),
    #[error(transparent)]
    Agenda(#[from] AgendaError),
    #[error(transparent)]
    Decision(#[from] DecisionError),
    #[error(transparent)]
    Minutes(#[from] MinutesError),
    #[error("no reporting period for {0}")]
    NoPeriod(Quarter),
    #[error("no meeting for {0}")]
    NoMeeting(Quarter),
}

impl ReviewRefusal {
    /// A stable code for the API and the key of its translated message (`review-error-<code>`).
    pub fn code(&self) -> &'static str {
        match self {
            ReviewRefusal::Period(PeriodError::Malformed(_)) => "malformed_quarter",
            ReviewRefusal::Period(PeriodError::OutsidePlan { .. }) => "outside_plan",
            ReviewRefusal::Period(PeriodError::Closed { .. })
            | ReviewRefusal::Report(ReportError::Period(PeriodError::Closed { .. })) => "period_closed",
            ReviewRefusal::Period(PeriodError::NotCoordinator) => "not_coordinator",
            ReviewRefusal::Period(PeriodError::ReasonRequired) => "reason_required",
            ReviewRefusal::Period(PeriodError::DeadlineAfterMeeting { .. }) => "deadline_after_meeting",
            ReviewRefusal::Period(_) => "period_transition",
            ReviewRefusal::Report(ReportError::NotResponsible { .. }) => "not_responsible",
            ReviewRefusal::Report(ReportError::Forbidden { .. }) => "report_forbidden",
            ReviewRefusal::Report(ReportError::CommentRequired) => "comment_required",
            ReviewRefusal::Report(ReportError::PercentOutOfRange(_)) => "percent_range",
            ReviewRefusal::Report(ReportError::InvalidTransition { .. }) => "report_transition",
            ReviewRefusal::Report(_) => "report_invalid",
            ReviewRefusal::Meeting(_) => "meeting_invalid",
            ReviewRefusal::Agenda(AgendaError::TitleRequired) => "title_required",
            ReviewRefusal::Agenda(_) => "agenda_invalid",
            ReviewRefusal::Decision(DecisionError::TextRequired) => "text_required",
            ReviewRefusal::Decision(DecisionError::NotCoordinator)
            | ReviewRefusal::Minutes(MinutesError::NotCoordinator) => "not_coordinator",
            ReviewRefusal::Decision(_) => "decision_invalid",
            ReviewRefusal::Minutes(MinutesError::Locked) => "minutes_locked",
            ReviewRefusal::Minutes(MinutesError::SamePerson | MinutesError::SameSide(_)) => "second_key",
            ReviewRefusal::NoPeriod(_) => "no_period",
            ReviewRefusal::NoMeeting(_) => "no_meeting",
        }
    }
}

pub(crate) fn refused(e: impl Into<ReviewRefusal>) -> StoreError {
    StoreError::Review(e.into())
}

/// A step of a report's workflow, as a form or the API asks for it.
#[derive(Debug, Clone)]
pub enum ReportStep {
    Edit(ReportContent),
    Submit,
    Return { comment: String },
    Accept,
}

/// A period transition.
#[derive(Debug, Clone)]
pub enum PeriodStep {
    StartReview,
    Close,
    Reopen { reason: String },
}

pub(crate) fn text_of<T: Serialize>(value: &T) -> Result<String> {
    serde_json::to_string(value).map_err(|e| StoreError::Corrupt(format!("serialising: {e}")))
}

/// A serde enum's name ("in-review").
pub(crate) fn name_of<T: Serialize>(value: &T) -> String {
    serde_json::to_value(value).ok().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default()
}

pub(crate) fn parse_body<T: DeserializeOwned>(what: &str, body: &str) -> Result<T> {
    serde_json::from_str(body).map_err(corrupt(what))
}

/// The default meeting date of a quarter: the 22nd day after it ends (reports are due ten days before).
pub fn default_meeting_date(quarter: Quarter) -> NaiveDate {
    quarter.last_day() + TimeDelta::days(22)
}

/// Reads a record's version in the write transaction and compares it with the one the caller
/// loaded: `None` when there is no such row.
pub(crate) async fn version_in(w: &mut WriteTx<'_>, sql: &str, key: &[String]) -> Result<Option<i64>> {
    let mut query = sqlx::query_as::<_, (i64,)>(sql);
    for k in key {
        query = query.bind(k.clone());
    }
    Ok(query.fetch_optional(&mut *w.tx).await?.map(|(v,)| v))
}

/// Refuses unless `current` (0: no row) is the version the caller loaded.
pub(crate) fn expect_version(entity: &'static str, current: Option<i64>, expected: i64) -> Result<()> {
    let current = current.unwrap_or(0);
    if current == expected { Ok(()) } else { Err(StoreError::Conflict { entity, current }) }
}
