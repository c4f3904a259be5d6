//! The quarterly review: reporting periods, reports and their workflow, overdue reports and
//! reminders, plan snapshots, meeting scheduling across two time zones, meetings and their
//! agenda, the decisions register and the minutes.
//!
//! Pure rules, like the rest of the crate: "now" and "today" are parameters, and every change
//! is a function from the current state and an [`Actor`] to a new state or a typed error. The
//! store persists the results and writes the returned events to the audit log; the web layer
//! translates the `label_key()`s (stable keys such as `review.report.state.returned`).
//!
//! | module | what it decides |
//! |---|---|
//! | [`period`] | which quarters can be reported on; deadline; Open → InReview → Closed; reopening |
//! | [`report`] | who may edit, submit, return and accept a report; which figures count; prefill |
//! | [`overdue`] | who has not submitted by the deadline; the reminder messages `accord remind` sends |
//! | [`snapshot`] | the plan as it stood at a review, and what moved between two reviews |
//! | [`schedule`] | time zones, working hours and holidays of both sides; meeting slots |
//! | [`holidays`] | the holiday table of Belarus and Russia, 2025–2027 |
//! | [`meeting`] | a meeting: time, participants, attendance |
//! | [`agenda`] | the agenda as a list of typed items, generated from data and editable |
//! | [`decision`] | decisions, their protocol references and control status |
//! | [`minutes`] | the minutes: two-key approval, lock and content hash |
//!
//! How the adapters use it (store, web, CLI, PDF):
//!
//! - Periods: [`PlanPeriod::of_dates`] from the plan's dates, then [`ReportingPeriod::new`] per
//!   quarter; `start_review`, `close`, and `reopen` (its [`PeriodReopened`] goes to the audit
//!   log). Everything that changes a period's reports calls [`ReportingPeriod::ensure_editable`].
//! - Reports: [`Responsibility::from_measures`] gives each organisation's measures;
//!   [`Report::new_draft`] or [`Report::prefill`], then `edit`, `submit`, `return_to_executor`,
//!   `accept`, each with the period and the [`Actor`]. Each step pushes a [`ReportEvent`] onto
//!   `history`: persist the report and log the event. Pages show [`ReportChange::between`] last
//!   quarter's content and this one, and count only [`accepted_figures`].
//! - `accord remind`: [`overdue`] with today's date, then [`reminders`]; render `subject_key`
//!   per recipient's locale and send.
//! - At each review: [`PlanSnapshot::take`], stored as JSON; [`SnapshotComparison::compare`]
//!   between any two.
//! - Scheduling: [`next_meeting`] after the last one, or [`propose_slots`] over a range;
//!   [`Meeting::new`] and `reschedule` return [`ScheduleWarning`]s to show, never refuse. Show
//!   times with [`schedule::local`] per side. The ICS file is `accord_formats::review::ics`.
//! - Agenda: gather an [`AgendaInput`] (decisions register, overdue measures from
//!   `plan::summary`, [`measures_due_in`] the next quarter, progress by section, optional
//!   trade and service-centre figures, the sides' items) and call [`Agenda::generate`]; then
//!   `add`, `move_item`, `remove`. Render each [`AgendaItemKind`] by its `label_key`.
//! - Decisions: [`Decision::new`] from a [`DecisionRecord`]; `set_control`, `link_measure`;
//!   cite with [`ProtocolRef::format`] or place [`ProtocolRef::parts`] in a template.
//! - Minutes: [`Minutes::new`], `edit` (withdraws approvals), `approve` twice (one coordinator
//!   per side, two different users); the second key returns the content hash for the audit
//!   chain; [`Minutes::verify`] checks stored minutes against it.

pub mod agenda;
pub mod decision;
pub mod holidays;
pub mod meeting;
pub mod minutes;
pub mod overdue;
pub mod period;
pub mod report;
pub mod schedule;
pub mod snapshot;

pub use agenda::{
    Agenda, AgendaError, AgendaInput, AgendaItem, AgendaItemKind, DecisionLine, DimensionProgress, KeyFigure,
};
pub use decision::{
    ControlChange, ControlStatus, Decision, DecisionError, DecisionRecord, ProtocolRef, ProtocolRefParts,
    register_for_quarter,
};
pub use holidays::{DayKind, HolidayCalendar, SpecialDay};
pub use meeting::{Attendance, Meeting, MeetingError, MeetingFormat, Participant, ParticipantRole};
pub use minutes::{Approval, Minutes, MinutesContent, MinutesError, MinutesItem};
pub use overdue::{
    OverdueOrganisation, OverdueReason, REMINDER_SUBJECT_KEY, Reminder, Responsibility, overdue, reminders,
};
pub use period::{DEFAULT_DEADLINE_DAYS, PeriodError, PeriodReopened, PeriodState, PlanPeriod, ReportingPeriod};
pub use report::{
    AcceptedFigure, ActualChange, Figures, IndicatorActual, Report, ReportChange, ReportContent, ReportError,
    ReportEvent, ReportState, UnacceptedReport, accepted_figures,
};
pub use schedule::{ScheduleError, ScheduleWarning, Slot, WorkingHours, next_meeting, propose_slots};
pub use snapshot::{MeasureMove, MeasureSnapshot, PlanSnapshot, SnapshotComparison, SnapshotCounts};

use crate::UserId;
use crate::directory::Role;
use serde::{Deserialize, Serialize};

/// Who is acting: the user (so two-key approval can tell people apart) and their role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Actor {
    pub user: UserId,
    pub role: Role,
}

#[cfg(test)]
pub(crate) mod tests_support {
    use super::Actor;
    use crate::directory::Role;
    use crate::{OrganisationId, Quarter, Side, UserId};
    use chrono::{DateTime, NaiveDate, TimeZone, Utc};

    pub fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("valid date")
    }
    pub fn utc(y: i32, m: u32, day: u32, h: u32, min: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, m, day, h, min, 0).single().expect("valid time")
    }
    pub fn q(s: &str) -> Quarter {
        s.parse().expect("quarter")
    }
    pub fn org(n: u64) -> OrganisationId {
        OrganisationId::new_at(n, [3; 10])
    }
    pub fn user(n: u64) -> UserId {
        UserId::new_at(n, [4; 10])
    }
    pub fn coordinator(n: u64, side: Side) -> Actor {
        Actor { user: user(n), role: Role::Coordinator { side } }
    }
    pub fn executor(n: u64, side: Side, organisation: u64) -> Actor {
        Actor { user: user(n), role: Role::Executor { side, organisation: org(organisation) } }
    }
}
