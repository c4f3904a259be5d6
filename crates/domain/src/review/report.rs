//! Reports: what one executor organisation says about one measure it is responsible for, for
//! one quarter, and the workflow that turns it into figures the plan counts.
//!
//! Draft → Submitted → Returned (with a coordinator's comment) → Submitted … → Accepted.
//! The executor of the organisation edits drafts and returned reports and submits them; a
//! coordinator of the organisation's side returns or accepts them. Only accepted figures count
//! ([`accepted_figures`]): a submitted figure is a claim, not yet a fact.

use super::Actor;
use super::period::{PeriodError, ReportingPeriod};
use crate::directory::Role;
use crate::plan::Status;
use crate::quarter::Quarter;
use crate::{AttachmentId, IndicatorId, MeasureId, OrganisationId, ReportId, Side, UserId};
use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ReportState {
    Draft,
    Submitted,
    Returned,
    Accepted,
}

impl ReportState {
    /// Stable key the web layer translates, e.g. `review.report.state.returned`.
    pub fn label_key(self) -> &'static str {
        match self {
            ReportState::Draft => "review.report.state.draft",
            ReportState::Submitted => "review.report.state.submitted",
            ReportState::Returned => "review.report.state.returned",
            ReportState::Accepted => "review.report.state.accepted",
        }
    }
    /// Whether the executor may still change the content.
    pub fn is_editable(self) -> bool {
        matches!(self, ReportState::Draft | ReportState::Returned)
    }
    /// Whether the executor has handed it in (submitted or accepted).
    pub fn is_handed_in(self) -> bool {
        matches!(self, ReportState::Submitted | ReportState::Accepted)
    }
}

/// An indicator's actual value for the report's quarter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct IndicatorActual {
    pub indicator: IndicatorId,
    pub value: Decimal,
}

/// What the executor writes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportContent {
    pub status: Status,
    /// 0..=100; checked by [`Report::edit`].
    pub percent: u8,
    pub actuals: Vec<IndicatorActual>,
    /// What was done this quarter.
    pub done: String,
    /// Problems met.
    pub problems: String,
    /// Help needed from the other side or the coordinators.
    pub help_needed: String,
    pub attachments: Vec<AttachmentId>,
}

impl Default for ReportContent {
    fn default() -> Self {
        ReportContent {
            status: Status::NotStarted,
            percent: 0,
            actuals: Vec::new(),
            done: String::new(),
            problems: String::new(),
            help_needed: String::new(),
            attachments: Vec::new(),
        }
    }
}

/// One step of the workflow, kept on the report and written to the audit log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportEvent {
    pub from: ReportState,
    pub to: ReportState,
    pub by: UserId,
    pub at: DateTime<Utc>,
    /// The coordinator's comment when returning.
    pub comment: Option<String>,
}

/// A report on one measure by one organisation for one quarter.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Report {
    pub id: ReportId,
    pub quarter: Quarter,
    pub organisation: OrganisationId,
    /// The organisation's side: its coordinator reviews the report.
    pub side: Side,
    pub measure: MeasureId,
    pub state: ReportState,
    pub content: ReportContent,
    /// The latest coordinator comment on a returned report (kept after resubmission).
    pub return_comment: Option<String>,
    pub history: Vec<ReportEvent>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReportError {
    #[error("organisation {organisation} is not responsible for measure {measure}")]
    NotResponsible { measure: MeasureId, organisation: OrganisationId },
    #[error("the report is for {report}, the period is {period}")]
    WrongPeriod { report: Quarter, period: Quarter },
    #[error(transparent)]
    Period(#[from] PeriodError),
    #[error("this role may not {action} a report of organisation {organisation}")]
    Forbidden { action: &'static str, organisation: OrganisationId },
    #[error("a {state:?} report cannot be {action}")]
    InvalidTransition { state: ReportState, action: &'static str },
    #[error("returning a report needs a comment")]
    CommentRequired,
    #[error("percent done must be 0..=100, got {0}")]
    PercentOutOfRange(u8),
    #[error("indicator {0} appears twice")]
    DuplicateIndicator(IndicatorId),
    #[error("a previous report on measure {measure} by {organisation} cannot prefill another one")]
    PrefillMismatch { measure: MeasureId, organisation: OrganisationId },
}

impl Report {
    /// A new empty draft. `responsible_for` is the set of measures `organisation` answers for.
    #[allow(clippy::too_many_arguments)]
    pub fn new_draft(
        id: ReportId,
        period: &ReportingPeriod,
        organisation: OrganisationId,
        side: Side,
        measure: MeasureId,
        responsible_for: &BTreeSet<MeasureId>,
        actor: &Actor,
    ) -> Result<Report, ReportError> {
        period.ensure_editable()?;
        if !responsible_for.contains(&measure) {
            return Err(ReportError::NotResponsible { measure, organisation });
        }
        let report = Report {
            id,
            quarter: period.quarter,
            organisation,
            side,
            measure,
            state: ReportState::Draft,
            content: ReportContent::default(),
            return_comment: None,
            history: Vec::new(),
        };
        report.ensure_executor(actor, "create")?;
        Ok(report)
    }

    /// A new draft for `period` prefilled from last quarter's report (content copied, attachments
    /// left behind: they belong to the quarter they were filed for). Compare with
    /// [`ReportChange::between`] to show what changed.
    pub fn prefill(
        id: ReportId,
        period: &ReportingPeriod,
        previous: &Report,
        responsible_for: &BTreeSet<MeasureId>,
        actor: &Actor,
    ) -> Result<Report, ReportError> {
        if previous.quarter >= period.quarter {
            return Err(ReportError::PrefillMismatch {
                measure: previous.measure,
                organisation: previous.organisation,
            });
        }
        let mut report = Report::new_draft(
            id,
            period,
            previous.organisation,
            previous.side,
            previous.measure,
            responsible_for,
            actor,
        )?;
        report.content = ReportContent { attachments: Vec::new(), ..previous.content.clone() };
        Ok(report)
    }

    /// The report `organisation` starts on `measure` for `period`: prefilled from `previous`
    /// (its latest report on the measure) when there is one, else empty. Refused unless the
    /// organisation executes the measure (an open one) and `actor` is that organisation's
    /// executor.
    pub fn start(
        id: ReportId,
        period: &ReportingPeriod,
        measure: &crate::plan::Measure,
        organisation: OrganisationId,
        previous: Option<&Report>,
        actor: &Actor,
    ) -> Result<Report, ReportError> {
        let responsible: BTreeSet<MeasureId> = super::Responsibility::from_measures(std::slice::from_ref(measure))
            .into_iter()
            .find(|r| r.organisation == organisation)
            .map(|r| r.measures)
            .unwrap_or_default();
        // The side of an organisation that does not execute the measure never matters: the
        // draft is refused as not responsible.
        let side = measure.data.executors.iter().find(|e| e.organisation == organisation).map_or(Side::By, |e| e.side);
        match previous.filter(|p| p.organisation == organisation && p.measure == measure.id) {
            Some(previous) => Report::prefill(id, period, previous, &responsible, actor),
            None => Report::new_draft(id, period, organisation, side, measure.id, &responsible, actor),
        }
    }

    /// Replaces the content of a draft or returned report.
    pub fn edit(&mut self, period: &ReportingPeriod, actor: &Actor, content: ReportContent) -> Result<(), ReportError> {
        self.check_period(period)?;
        self.ensure_executor(actor, "edit")?;
        if !self.state.is_editable() {
            return Err(ReportError::InvalidTransition { state: self.state, action: "edited" });
        }
        if content.percent > 100 {
            return Err(ReportError::PercentOutOfRange(content.percent));
        }
        let mut seen = BTreeSet::new();
        for a in &content.actuals {
            if !seen.insert(a.indicator) {
                return Err(ReportError::DuplicateIndicator(a.indicator));
            }
        }
        let percent = if content.status == Status::Done { 100 } else { content.percent };
        self.content = ReportContent { percent, ..content };
        Ok(())
    }

    /// Whether `actor` may attach evidence to this report or remove it now: the organisation's
    /// executor, while the report is a draft or returned and its period is not closed (evidence
    /// of a submitted report is what the coordinator reviews, so it stays as submitted).
    pub fn ensure_evidence_editable(&self, period: &ReportingPeriod, actor: &Actor) -> Result<(), ReportError> {
        self.check_period(period)?;
        self.ensure_executor(actor, "attach evidence to")?;
        if !self.state.is_editable() {
            return Err(ReportError::InvalidTransition { state: self.state, action: "given new evidence" });
        }
        Ok(())
    }

    /// Draft or Returned → Submitted, by the organisation's executor. Late submissions are taken.
    pub fn submit(&mut self, period: &ReportingPeriod, actor: &Actor, at: DateTime<Utc>) -> Result<(), ReportError> {
        self.check_period(period)?;
        self.ensure_executor(actor, "submit")?;
        if !self.state.is_editable() {
            return Err(ReportError::InvalidTransition { state: self.state, action: "submitted" });
        }
        self.go(ReportState::Submitted, actor, at, None);
        Ok(())
    }

    /// Submitted → Returned, by a coordinator of the report's side, with a comment.
    pub fn return_to_executor(
        &mut self,
        period: &ReportingPeriod,
        actor: &Actor,
        comment: &str,
        at: DateTime<Utc>,
    ) -> Result<(), ReportError> {
        self.check_period(period)?;
        self.ensure_coordinator(actor, "return")?;
        let comment = comment.trim();
        if comment.is_empty() {
            return Err(ReportError::CommentRequired);
        }
        if self.state != ReportState::Submitted {
            return Err(ReportError::InvalidTransition { state: self.state, action: "returned" });
        }
        self.return_comment = Some(comment.to_string());
        self.go(ReportState::Returned, actor, at, Some(comment.to_string()));
        Ok(())
    }

    /// Submitted → Accepted, by a coordinator of the report's side.
    pub fn accept(&mut self, period: &ReportingPeriod, actor: &Actor, at: DateTime<Utc>) -> Result<(), ReportError> {
        self.check_period(period)?;
        self.ensure_coordinator(actor, "accept")?;
        if self.state != ReportState::Submitted {
            return Err(ReportError::InvalidTransition { state: self.state, action: "accepted" });
        }
        self.go(ReportState::Accepted, actor, at, None);
        Ok(())
    }

    fn go(&mut self, to: ReportState, actor: &Actor, at: DateTime<Utc>, comment: Option<String>) {
        self.history.push(ReportEvent { from: self.state, to, by: actor.user, at, comment });
        self.state = to;
    }

    fn check_period(&self, period: &ReportingPeriod) -> Result<(), ReportError> {
        if period.quarter != self.quarter {
            return Err(ReportError::WrongPeriod { report: self.quarter, period: period.quarter });
        }
        period.ensure_editable()?;
        Ok(())
    }

    fn ensure_executor(&self, actor: &Actor, action: &'static str) -> Result<(), ReportError> {
        match actor.role {
            Role::Executor { organisation, .. } if organisation == self.organisation => Ok(()),
            _ => Err(ReportError::Forbidden { action, organisation: self.organisation }),
        }
    }

    fn ensure_coordinator(&self, actor: &Actor, action: &'static str) -> Result<(), ReportError> {
        match actor.role {
            Role::Coordinator { side } if side == self.side => Ok(()),
            _ => Err(ReportError::Forbidden { action, organisation: self.organisation }),
        }
    }
}

/// What changed since last quarter's report: shown beside a prefilled or submitted report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportChange {
    /// Current minus previous percent (negative when it went back).
    pub percent_delta: i16,
    pub status_changed: bool,
    /// Every indicator in either report, in id order.
    pub actuals: Vec<ActualChange>,
}

/// One indicator's value last quarter and now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActualChange {
    pub indicator: IndicatorId,
    pub previous: Option<Decimal>,
    pub current: Option<Decimal>,
    /// current − previous, when both are known.
    pub delta: Option<Decimal>,
}

impl ReportChange {
    pub fn between(previous: &ReportContent, current: &ReportContent) -> ReportChange {
        let before: BTreeMap<IndicatorId, Decimal> = previous.actuals.iter().map(|a| (a.indicator, a.value)).collect();
        let after: BTreeMap<IndicatorId, Decimal> = current.actuals.iter().map(|a| (a.indicator, a.value)).collect();
        let ids: BTreeSet<IndicatorId> = before.keys().chain(after.keys()).copied().collect();
        let actuals = ids
            .into_iter()
            .map(|id| {
                let (b, a) = (before.get(&id).copied(), after.get(&id).copied());
                let delta = match (b, a) {
                    (Some(b), Some(a)) => Some(a - b),
                    _ => None,
                };
                ActualChange { indicator: id, previous: b, current: a, delta }
            })
            .collect();
        ReportChange {
            percent_delta: i16::from(current.percent) - i16::from(previous.percent),
            status_changed: previous.status != current.status,
            actuals,
        }
    }
}

/// An accepted report's figures: what counts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AcceptedFigure {
    pub report: ReportId,
    pub quarter: Quarter,
    pub measure: MeasureId,
    pub organisation: OrganisationId,
    pub status: Status,
    pub percent: u8,
    pub actuals: Vec<IndicatorActual>,
}

/// A report whose figures do not count yet, and why (its state).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnacceptedReport {
    pub report: ReportId,
    pub quarter: Quarter,
    pub measure: MeasureId,
    pub organisation: OrganisationId,
    pub state: ReportState,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Figures {
    pub accepted: Vec<AcceptedFigure>,
    /// Marked so pages can show "not yet accepted" rather than hiding the report.
    pub unaccepted: Vec<UnacceptedReport>,
}

/// Splits reports into the figures that count (accepted) and those that do not yet.
pub fn accepted_figures(reports: &[Report]) -> Figures {
    let mut figures = Figures::default();
    for r in reports {
        if r.state == ReportState::Accepted {
            figures.accepted.push(AcceptedFigure {
                report: r.id,
                quarter: r.quarter,
                measure: r.measure,
                organisation: r.organisation,
                status: r.content.status,
                percent: r.content.percent,
                actuals: r.content.actuals.clone(),
            });
        } else {
            figures.unaccepted.push(UnacceptedReport {
                report: r.id,
                quarter: r.quarter,
                measure: r.measure,
                organisation: r.organisation,
                state: r.state,
            });
        }
    }
    figures
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::review::period::PlanPeriod;
    use crate::review::tests_support::{coordinator, d, executor, org, q, utc};

    fn period(quarter: &str) -> ReportingPeriod {
        let plan = PlanPeriod::new(q("2025Q1"), q("2027Q4")).expect("plan");
        let quarter = q(quarter);
        ReportingPeriod::new(plan, quarter, quarter.last_day() + chrono::TimeDelta::days(20), None).expect("period")
    }
    fn measure(n: u64) -> MeasureId {
        MeasureId::new_at(n, [5; 10])
    }
    fn indicator(n: u64) -> IndicatorId {
        IndicatorId::new_at(n, [6; 10])
    }
    fn responsible() -> BTreeSet<MeasureId> {
        [measure(1), measure(2)].into_iter().collect()
    }
    fn draft(p: &ReportingPeriod) -> Report {
        Report::new_draft(
            ReportId::new_at(1, [0; 10]),
            p,
            org(1),
            Side::By,
            measure(1),
            &responsible(),
            &executor(10, Side::By, 1),
        )
        .expect("draft")
    }
    fn content(percent: u8, actual: i64) -> ReportContent {
        ReportContent {
            status: Status::InProgress,
            percent,
            actuals: vec![IndicatorActual { indicator: indicator(1), value: Decimal::from(actual) }],
            done: "done".into(),
            ..ReportContent::default()
        }
    }

    #[test]
    fn a_report_for_a_measure_of_another_organisation_is_refused() {
        let p = period("2025Q2");
        let err = Report::new_draft(
            ReportId::new_at(1, [0; 10]),
            &p,
            org(1),
            Side::By,
            measure(9),
            &responsible(),
            &executor(10, Side::By, 1),
        )
        .unwrap_err();
        assert_eq!(err, ReportError::NotResponsible { measure: measure(9), organisation: org(1) });
        let other_org = Report::new_draft(
            ReportId::new_at(1, [0; 10]),
            &p,
            org(1),
            Side::By,
            measure(1),
            &responsible(),
            &executor(10, Side::By, 2),
        );
        assert!(matches!(other_org, Err(ReportError::Forbidden { .. })));
    }

    #[test]
    fn a_report_starts_from_the_measure_and_last_quarters_report() {
        use crate::plan::{Executor, Measure, MeasureForm};
        let executors = vec![
            Executor { organisation: org(1), side: Side::By, lead: true },
            Executor { organisation: org(2), side: Side::Khv, lead: true },
        ];
        let data = MeasureForm {
            number: "1.".into(),
            section: "trade".into(),
            title_ru: "Поставки".into(),
            term: "2025 г.".into(),
            ..Default::default()
        }
        .validate(executors)
        .expect("valid");
        let m = Measure { id: measure(1), plan_id: crate::PlanId::new_at(1, [0; 10]), version: 1, data };
        let id = ReportId::new_at(7, [0; 10]);
        let fresh = Report::start(id, &period("2025Q2"), &m, org(2), None, &executor(20, Side::Khv, 2)).expect("draft");
        assert_eq!((fresh.side, fresh.state, fresh.content.percent), (Side::Khv, ReportState::Draft, 0));
        let mut last = draft(&period("2025Q1"));
        last.edit(&period("2025Q1"), &executor(10, Side::By, 1), content(40, 3)).expect("edit");
        let next = Report::start(id, &period("2025Q2"), &m, org(1), Some(&last), &executor(10, Side::By, 1));
        assert_eq!(next.expect("prefilled").content.percent, 40, "last quarter's content");
        let stranger = Report::start(id, &period("2025Q2"), &m, org(3), None, &executor(30, Side::By, 3));
        assert!(matches!(stranger, Err(ReportError::NotResponsible { .. })));
        let coordinator = Report::start(id, &period("2025Q2"), &m, org(1), None, &coordinator(5, Side::By));
        assert!(matches!(coordinator, Err(ReportError::Forbidden { .. })));
    }

    #[test]
    fn the_whole_workflow_with_roles() {
        let p = period("2025Q2");
        let exec = executor(10, Side::By, 1);
        let coord = coordinator(20, Side::By);
        let at = utc(2025, 7, 1, 9, 0);
        let mut r = draft(&p);
        r.edit(&p, &exec, content(40, 3)).expect("edit");
        assert!(matches!(r.accept(&p, &coord, at), Err(ReportError::InvalidTransition { .. })));
        assert!(matches!(r.submit(&p, &coord, at), Err(ReportError::Forbidden { action: "submit", .. })));
        r.submit(&p, &exec, at).expect("submit");
        assert!(matches!(r.edit(&p, &exec, content(50, 3)), Err(ReportError::InvalidTransition { .. })));
        assert!(matches!(r.return_to_executor(&p, &exec, "no", at), Err(ReportError::Forbidden { .. })));
        assert!(
            matches!(
                r.return_to_executor(&p, &coordinator(21, Side::Khv), "no", at),
                Err(ReportError::Forbidden { .. })
            ),
            "the other side's coordinator does not review this organisation"
        );
        assert_eq!(r.return_to_executor(&p, &coord, "   ", at), Err(ReportError::CommentRequired));
        r.return_to_executor(&p, &coord, "attach the act", at).expect("return");
        assert_eq!((r.state, r.return_comment.as_deref()), (ReportState::Returned, Some("attach the act")));
        r.edit(&p, &exec, content(45, 4)).expect("edit returned");
        r.submit(&p, &exec, at).expect("resubmit");
        r.accept(&p, &coord, at).expect("accept");
        assert_eq!(r.state.label_key(), "review.report.state.accepted");
        assert_eq!(r.history.len(), 4);
        assert_eq!(r.history[1].comment.as_deref(), Some("attach the act"));
        assert!(matches!(r.submit(&p, &exec, at), Err(ReportError::InvalidTransition { .. })));
    }

    #[test]
    fn evidence_changes_with_the_report_and_locks_with_the_period() {
        let mut p = period("2025Q2");
        let exec = executor(10, Side::By, 1);
        let coord = coordinator(20, Side::By);
        let at = utc(2025, 7, 1, 9, 0);
        let mut r = draft(&p);
        r.ensure_evidence_editable(&p, &exec).expect("a draft takes evidence");
        assert!(matches!(r.ensure_evidence_editable(&p, &coord), Err(ReportError::Forbidden { .. })));
        assert!(
            matches!(r.ensure_evidence_editable(&p, &executor(11, Side::By, 2)), Err(ReportError::Forbidden { .. })),
            "another organisation's executor"
        );
        r.submit(&p, &exec, at).expect("submit");
        assert!(matches!(r.ensure_evidence_editable(&p, &exec), Err(ReportError::InvalidTransition { .. })));
        r.return_to_executor(&p, &coord, "attach the act", at).expect("return");
        r.ensure_evidence_editable(&p, &exec).expect("a returned report takes evidence again");
        p.start_review().expect("review");
        p.close().expect("close");
        assert_eq!(
            r.ensure_evidence_editable(&p, &exec),
            Err(ReportError::Period(PeriodError::Closed { quarter: q("2025Q2") }))
        );
    }

    #[test]
    fn content_is_checked_and_closed_periods_refuse() {
        let mut p = period("2025Q2");
        let exec = executor(10, Side::By, 1);
        let mut r = draft(&p);
        assert_eq!(r.edit(&p, &exec, content(101, 1)), Err(ReportError::PercentOutOfRange(101)));
        let mut twice = content(10, 1);
        twice.actuals.push(twice.actuals[0]);
        assert_eq!(r.edit(&p, &exec, twice), Err(ReportError::DuplicateIndicator(indicator(1))));
        r.edit(&p, &exec, ReportContent { status: Status::Done, percent: 70, ..content(70, 1) }).expect("edit");
        assert_eq!(r.content.percent, 100, "done means 100%");
        assert!(matches!(r.edit(&period("2025Q3"), &exec, content(1, 1)), Err(ReportError::WrongPeriod { .. })));
        p.start_review().expect("review");
        p.close().expect("close");
        assert_eq!(
            r.submit(&p, &exec, utc(2025, 7, 1, 9, 0)),
            Err(ReportError::Period(PeriodError::Closed { quarter: q("2025Q2") }))
        );
    }

    #[test]
    fn only_accepted_figures_count() {
        let p = period("2025Q2");
        let (exec, coord, at) = (executor(10, Side::By, 1), coordinator(20, Side::By), utc(2025, 7, 1, 9, 0));
        let mut accepted = draft(&p);
        accepted.edit(&p, &exec, content(60, 5)).expect("edit");
        accepted.submit(&p, &exec, at).expect("submit");
        accepted.accept(&p, &coord, at).expect("accept");
        let mut submitted = draft(&p);
        submitted.id = ReportId::new_at(2, [0; 10]);
        submitted.edit(&p, &exec, content(90, 9)).expect("edit");
        submitted.submit(&p, &exec, at).expect("submit");
        let figures = accepted_figures(&[accepted.clone(), submitted.clone()]);
        assert_eq!(figures.accepted.len(), 1);
        assert_eq!((figures.accepted[0].report, figures.accepted[0].percent), (accepted.id, 60));
        assert_eq!(figures.unaccepted.len(), 1);
        assert_eq!((figures.unaccepted[0].report, figures.unaccepted[0].state), (submitted.id, ReportState::Submitted));
    }

    #[test]
    fn prefill_copies_last_quarter_and_computes_the_change() {
        let (p2, p3) = (period("2025Q2"), period("2025Q3"));
        let exec = executor(10, Side::By, 1);
        let mut last = draft(&p2);
        let mut c = content(40, 3);
        c.attachments.push(AttachmentId::new_at(1, [0; 10]));
        last.edit(&p2, &exec, c).expect("edit");
        let mut next =
            Report::prefill(ReportId::new_at(3, [0; 10]), &p3, &last, &responsible(), &exec).expect("prefill");
        assert_eq!((next.quarter, next.state, next.content.percent), (q("2025Q3"), ReportState::Draft, 40));
        assert!(next.content.attachments.is_empty());
        let mut c = content(55, 7);
        c.actuals.push(IndicatorActual { indicator: indicator(2), value: Decimal::from(1) });
        c.status = Status::Done;
        next.edit(&p3, &exec, c).expect("edit");
        let change = ReportChange::between(&last.content, &next.content);
        assert_eq!(change.percent_delta, 60, "done means 100%, from 40");
        assert!(change.status_changed);
        assert_eq!(
            change.actuals[0],
            ActualChange {
                indicator: indicator(1),
                previous: Some(Decimal::from(3)),
                current: Some(Decimal::from(7)),
                delta: Some(Decimal::from(4))
            }
        );
        assert_eq!(
            change.actuals[1],
            ActualChange { indicator: indicator(2), previous: None, current: Some(Decimal::from(1)), delta: None }
        );
        let back = ReportChange::between(&next.content, &last.content);
        assert_eq!(back.percent_delta, -60);
        assert!(matches!(
            Report::prefill(ReportId::new_at(4, [0; 10]), &p2, &next, &responsible(), &exec),
            Err(ReportError::PrefillMismatch { .. })
        ));
        let _ = d(2025, 1, 1);
    }
}
