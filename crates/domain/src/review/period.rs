//! Reporting periods: the quarters of the plan period, each with a review meeting date, a
//! submission deadline and a state (Open → InReview → Closed).
//!
//! A closed period is the record of what was reviewed, so it refuses every change; reopening
//! it is a deliberate act of a coordinator with a written reason, and returns an event the store
//! writes to the audit log.

use super::Actor;
use crate::Side;
use crate::directory::Role;
use crate::quarter::Quarter;
use chrono::{DateTime, Datelike, NaiveDate, TimeDelta, Utc};
use serde::{Deserialize, Serialize};

/// Days between the submission deadline and the meeting when none is given.
pub const DEFAULT_DEADLINE_DAYS: i64 = 10;

/// The quarters a plan covers, first and last inclusive (e.g. 2025Q1…2027Q4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanPeriod {
    first: Quarter,
    last: Quarter,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PeriodError {
    #[error("not a quarter: {0:?} (expected e.g. 2025Q3)")]
    Malformed(String),
    #[error("quarter {quarter} is outside the plan period {first}…{last}")]
    OutsidePlan { quarter: Quarter, first: Quarter, last: Quarter },
    #[error("the plan period is empty: {first} is after {last}")]
    EmptyPlanPeriod { first: Quarter, last: Quarter },
    #[error("the submission deadline {deadline} is after the meeting date {meeting}")]
    DeadlineAfterMeeting { deadline: NaiveDate, meeting: NaiveDate },
    #[error("period {quarter} is closed: changes are refused until a coordinator reopens it")]
    Closed { quarter: Quarter },
    #[error("period {quarter} cannot go from {from:?} to {to:?}")]
    InvalidTransition { quarter: Quarter, from: PeriodState, to: PeriodState },
    #[error("only a coordinator may reopen a period")]
    NotCoordinator,
    #[error("reopening a period needs a reason")]
    ReasonRequired,
}

impl PlanPeriod {
    pub fn new(first: Quarter, last: Quarter) -> Result<Self, PeriodError> {
        if first > last {
            return Err(PeriodError::EmptyPlanPeriod { first, last });
        }
        Ok(PlanPeriod { first, last })
    }

    /// The quarters containing a plan's start and end dates.
    pub fn of_dates(start: NaiveDate, end: NaiveDate) -> Result<Self, PeriodError> {
        let q =
            |d: NaiveDate| Quarter::of_month(d.year(), d.month()).ok_or_else(|| PeriodError::Malformed(d.to_string()));
        Self::new(q(start)?, q(end)?)
    }

    pub fn first(self) -> Quarter {
        self.first
    }
    pub fn last(self) -> Quarter {
        self.last
    }

    pub fn contains(self, quarter: Quarter) -> bool {
        (self.first..=self.last).contains(&quarter)
    }

    /// Every quarter of the period, in order.
    pub fn quarters(self) -> Vec<Quarter> {
        let mut out = vec![self.first];
        let mut q = self.first;
        while q < self.last {
            q = q.next();
            out.push(q);
        }
        out
    }

    /// The quarter if it lies within the period.
    pub fn check(self, quarter: Quarter) -> Result<Quarter, PeriodError> {
        if self.contains(quarter) {
            Ok(quarter)
        } else {
            Err(PeriodError::OutsidePlan { quarter, first: self.first, last: self.last })
        }
    }

    /// Parses "2025Q3" (or any form [`Quarter`] reads) and checks it lies within the period.
    pub fn parse_quarter(self, raw: &str) -> Result<Quarter, PeriodError> {
        let quarter = raw.parse::<Quarter>().map_err(|_| PeriodError::Malformed(raw.to_string()))?;
        self.check(quarter)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum PeriodState {
    /// Executors write and submit reports.
    Open,
    /// The coordinators review what was submitted; late reports are still taken.
    InReview,
    /// Locked: the record of the review.
    Closed,
}

impl PeriodState {
    /// Stable key the web layer translates, e.g. `review.period.state.in-review`.
    pub fn label_key(self) -> &'static str {
        match self {
            PeriodState::Open => "review.period.state.open",
            PeriodState::InReview => "review.period.state.in-review",
            PeriodState::Closed => "review.period.state.closed",
        }
    }
}

/// One quarter's reporting period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportingPeriod {
    pub quarter: Quarter,
    pub meeting_date: NaiveDate,
    pub submission_deadline: NaiveDate,
    pub state: PeriodState,
}

/// A closed period was reopened: what the audit log records.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PeriodReopened {
    pub quarter: Quarter,
    pub by: crate::UserId,
    pub side: Side,
    pub reason: String,
    pub at: DateTime<Utc>,
}

impl ReportingPeriod {
    /// A new open period; the deadline defaults to [`DEFAULT_DEADLINE_DAYS`] before the meeting.
    pub fn new(
        plan: PlanPeriod,
        quarter: Quarter,
        meeting_date: NaiveDate,
        deadline: Option<NaiveDate>,
    ) -> Result<Self, PeriodError> {
        let quarter = plan.check(quarter)?;
        let submission_deadline = resolve_deadline(meeting_date, deadline)?;
        Ok(ReportingPeriod { quarter, meeting_date, submission_deadline, state: PeriodState::Open })
    }

    /// Refuses if the period is closed; every change to the period or its reports asks first.
    pub fn ensure_editable(&self) -> Result<(), PeriodError> {
        if self.state == PeriodState::Closed { Err(PeriodError::Closed { quarter: self.quarter }) } else { Ok(()) }
    }

    /// Moves the meeting (and the deadline: the given one, or the default before the new date).
    pub fn reschedule(&mut self, meeting_date: NaiveDate, deadline: Option<NaiveDate>) -> Result<(), PeriodError> {
        self.ensure_editable()?;
        self.submission_deadline = resolve_deadline(meeting_date, deadline)?;
        self.meeting_date = meeting_date;
        Ok(())
    }

    /// Open → InReview.
    pub fn start_review(&mut self) -> Result<(), PeriodError> {
        self.step(PeriodState::Open, PeriodState::InReview)
    }

    /// InReview → Closed.
    pub fn close(&mut self) -> Result<(), PeriodError> {
        self.step(PeriodState::InReview, PeriodState::Closed)
    }

    /// Closed → InReview, by a coordinator with a reason. The returned event goes to the audit log.
    pub fn reopen(&mut self, actor: &Actor, reason: &str, at: DateTime<Utc>) -> Result<PeriodReopened, PeriodError> {
        let Role::Coordinator { side } = actor.role else {
            return Err(PeriodError::NotCoordinator);
        };
        let reason = reason.trim();
        if reason.is_empty() {
            return Err(PeriodError::ReasonRequired);
        }
        if self.state != PeriodState::Closed {
            return Err(PeriodError::InvalidTransition {
                quarter: self.quarter,
                from: self.state,
                to: PeriodState::InReview,
            });
        }
        self.state = PeriodState::InReview;
        Ok(PeriodReopened { quarter: self.quarter, by: actor.user, side, reason: reason.to_string(), at })
    }

    /// Whether a report not yet submitted is late on `today`.
    pub fn is_past_deadline(&self, today: NaiveDate) -> bool {
        today > self.submission_deadline
    }

    fn step(&mut self, from: PeriodState, to: PeriodState) -> Result<(), PeriodError> {
        if self.state == PeriodState::Closed {
            return Err(PeriodError::Closed { quarter: self.quarter });
        }
        if self.state != from {
            return Err(PeriodError::InvalidTransition { quarter: self.quarter, from: self.state, to });
        }
        self.state = to;
        Ok(())
    }
}

fn resolve_deadline(meeting: NaiveDate, deadline: Option<NaiveDate>) -> Result<NaiveDate, PeriodError> {
    let deadline = deadline.unwrap_or(meeting - TimeDelta::days(DEFAULT_DEADLINE_DAYS));
    if deadline > meeting {
        return Err(PeriodError::DeadlineAfterMeeting { deadline, meeting });
    }
    Ok(deadline)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::review::tests_support::{coordinator, d, executor, q, utc};

    fn plan() -> PlanPeriod {
        PlanPeriod::of_dates(d(2025, 1, 1), d(2027, 12, 31)).expect("plan period")
    }

    #[test]
    fn plan_period_has_twelve_quarters() {
        let quarters = plan().quarters();
        assert_eq!(quarters.len(), 12);
        assert_eq!(quarters[0].to_string(), "2025Q1");
        assert_eq!(quarters[11].to_string(), "2027Q4");
        assert!(PlanPeriod::new(q("2026Q1"), q("2025Q1")).is_err());
    }

    #[test]
    fn rejects_quarters_outside_the_plan_and_malformed_ones() {
        assert_eq!(plan().parse_quarter("2026Q2"), Ok(q("2026Q2")));
        assert_eq!(plan().parse_quarter("2025Q5"), Err(PeriodError::Malformed("2025Q5".into())));
        assert_eq!(
            plan().parse_quarter("2028Q1"),
            Err(PeriodError::OutsidePlan { quarter: q("2028Q1"), first: q("2025Q1"), last: q("2027Q4") })
        );
        assert!(matches!(plan().parse_quarter("2024Q4"), Err(PeriodError::OutsidePlan { .. })));
        assert!(ReportingPeriod::new(plan(), q("2028Q1"), d(2028, 4, 20), None).is_err());
    }

    #[test]
    fn deadline_defaults_to_ten_days_before_the_meeting() {
        let p = ReportingPeriod::new(plan(), q("2025Q2"), d(2025, 7, 15), None).expect("period");
        assert_eq!(p.submission_deadline, d(2025, 7, 5));
        assert!(!p.is_past_deadline(d(2025, 7, 5)));
        assert!(p.is_past_deadline(d(2025, 7, 6)));
        let custom = ReportingPeriod::new(plan(), q("2025Q2"), d(2025, 7, 15), Some(d(2025, 7, 1))).expect("period");
        assert_eq!(custom.submission_deadline, d(2025, 7, 1));
        assert!(matches!(
            ReportingPeriod::new(plan(), q("2025Q2"), d(2025, 7, 15), Some(d(2025, 7, 16))),
            Err(PeriodError::DeadlineAfterMeeting { .. })
        ));
    }

    #[test]
    fn workflow_and_locking() {
        let mut p = ReportingPeriod::new(plan(), q("2025Q2"), d(2025, 7, 15), None).expect("period");
        assert!(matches!(p.close(), Err(PeriodError::InvalidTransition { .. })), "open cannot close directly");
        p.start_review().expect("review");
        p.close().expect("close");
        assert_eq!(p.reschedule(d(2025, 7, 20), None), Err(PeriodError::Closed { quarter: q("2025Q2") }));
        assert_eq!(p.start_review(), Err(PeriodError::Closed { quarter: q("2025Q2") }));
        assert_eq!(p.ensure_editable(), Err(PeriodError::Closed { quarter: q("2025Q2") }));
        assert_eq!(p.state.label_key(), "review.period.state.closed");
    }

    #[test]
    fn reopening_needs_a_coordinator_and_a_reason() {
        let mut p = ReportingPeriod::new(plan(), q("2025Q2"), d(2025, 7, 15), None).expect("period");
        let at = utc(2025, 8, 1, 10, 0);
        assert!(matches!(p.reopen(&coordinator(1, Side::By), "fix", at), Err(PeriodError::InvalidTransition { .. })));
        p.start_review().expect("review");
        p.close().expect("close");
        assert_eq!(p.reopen(&executor(2, Side::By, 1), "fix", at), Err(PeriodError::NotCoordinator));
        assert_eq!(p.reopen(&coordinator(1, Side::By), "  ", at), Err(PeriodError::ReasonRequired));
        let event = p.reopen(&coordinator(1, Side::Khv), " wrong figure in 2.1 ", at).expect("reopened");
        assert_eq!(event.reason, "wrong figure in 2.1");
        assert_eq!(event.side, Side::Khv);
        assert_eq!(p.state, PeriodState::InReview);
        p.reschedule(d(2025, 7, 20), None).expect("editable again");
    }
}
