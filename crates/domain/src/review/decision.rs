//! The decisions register: what a meeting decided, who carries it out and by when, and whether
//! it is still on control.
//!
//! A decision is cited by its protocol reference ("п. 3.2 протокола от 12.05.2025"). What the
//! minutes recorded ([`DecisionRecord`]) never changes after approval; its control status does,
//! and a decision is carried on every later agenda until it leaves control (done or removed).

use super::Actor;
use crate::directory::{Locale, Role};
use crate::plan::Executor;
use crate::{DecisionId, MeasureId, MeetingId, UserId};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use std::fmt;

/// Where a decision stands in the minutes: item numbers (3.2) and the minutes' date.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct ProtocolRef {
    /// Non-empty, each at least 1: [3, 2] is item 3.2.
    item: Vec<u32>,
    pub minutes_date: NaiveDate,
}

/// The reference split into the parts a template or PDF places itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProtocolRefParts {
    /// "3.2".
    pub item: String,
    /// "12.05.2025" (the same in Russian and English documents of the agreement).
    pub date: String,
}

impl ProtocolRef {
    pub fn new(item: Vec<u32>, minutes_date: NaiveDate) -> Result<Self, DecisionError> {
        if item.is_empty() || item.contains(&0) {
            return Err(DecisionError::InvalidItemNumber(item));
        }
        Ok(ProtocolRef { item, minutes_date })
    }

    /// Parses "3.2" or "3.2." for the minutes of `minutes_date`.
    pub fn parse(item: &str, minutes_date: NaiveDate) -> Result<Self, DecisionError> {
        let numbers: Result<Vec<u32>, _> =
            item.trim().trim_end_matches('.').split('.').map(|p| p.trim().parse()).collect();
        match numbers {
            Ok(numbers) => Self::new(numbers, minutes_date),
            Err(_) => Err(DecisionError::InvalidItemNumber(Vec::new())),
        }
    }

    pub fn item(&self) -> &[u32] {
        &self.item
    }

    pub fn parts(&self) -> ProtocolRefParts {
        let item: Vec<String> = self.item.iter().map(u32::to_string).collect();
        ProtocolRefParts { item: item.join("."), date: self.minutes_date.format("%d.%m.%Y").to_string() }
    }

    /// "п. 3.2 протокола от 12.05.2025" or "item 3.2 of the minutes of 12.05.2025".
    pub fn format(&self, locale: Locale) -> String {
        let ProtocolRefParts { item, date } = self.parts();
        match locale {
            Locale::Ru => format!("п. {item} протокола от {date}"),
            Locale::En => format!("item {item} of the minutes of {date}"),
        }
    }
}

impl fmt::Display for ProtocolRef {
    /// The Russian form, the agreement's working language.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.format(Locale::Ru))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ControlStatus {
    OnControl,
    Done,
    RemovedFromControl,
    /// Still on control, with a later term.
    Postponed,
}

impl ControlStatus {
    pub fn label_key(self) -> &'static str {
        match self {
            ControlStatus::OnControl => "review.decision.control.on-control",
            ControlStatus::Done => "review.decision.control.done",
            ControlStatus::RemovedFromControl => "review.decision.control.removed",
            ControlStatus::Postponed => "review.decision.control.postponed",
        }
    }
    /// Still followed: carried on the next agenda.
    pub fn is_on_control(self) -> bool {
        matches!(self, ControlStatus::OnControl | ControlStatus::Postponed)
    }
    /// OnControl and Postponed may go anywhere (Postponed again with a later term);
    /// Done and RemovedFromControl are final.
    pub fn can_become(self, to: ControlStatus) -> bool {
        self.is_on_control() && (to != ControlStatus::OnControl || self == ControlStatus::Postponed)
    }
}

/// What the minutes recorded: fixed once the minutes are approved.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DecisionRecord {
    pub id: DecisionId,
    pub meeting: MeetingId,
    pub reference: ProtocolRef,
    pub text: String,
    /// Executors on either side.
    pub executors: Vec<Executor>,
    pub term: Option<NaiveDate>,
}

/// A control status change, for the audit log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ControlChange {
    pub from: ControlStatus,
    pub to: ControlStatus,
    pub by: UserId,
    pub at: DateTime<Utc>,
    pub new_term: Option<NaiveDate>,
    pub note: Option<String>,
}

/// A decision in the register.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Decision {
    pub record: DecisionRecord,
    pub control: ControlStatus,
    /// The current term (the recorded one, or the latest postponement).
    pub term: Option<NaiveDate>,
    /// The measure created to carry the decision out, linked once it exists.
    pub measure: Option<MeasureId>,
    pub history: Vec<ControlChange>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecisionError {
    #[error("invalid item number {0:?}: expected e.g. 3.2")]
    InvalidItemNumber(Vec<u32>),
    #[error("a decision needs its text")]
    TextRequired,
    #[error("only a coordinator may change a decision's control status")]
    NotCoordinator,
    #[error("a decision cannot go from {from:?} to {to:?}")]
    InvalidTransition { from: ControlStatus, to: ControlStatus },
    #[error("postponing needs a new term later than {current:?}")]
    PostponeNeedsLaterTerm { current: Option<NaiveDate> },
}

impl Decision {
    /// A new decision, on control.
    pub fn new(record: DecisionRecord) -> Result<Decision, DecisionError> {
        if record.text.trim().is_empty() {
            return Err(DecisionError::TextRequired);
        }
        let term = record.term;
        Ok(Decision { record, control: ControlStatus::OnControl, term, measure: None, history: Vec::new() })
    }

    /// Links the measure created to carry the decision out (a coordinator's act).
    pub fn link_measure(&mut self, actor: &Actor, measure: MeasureId) -> Result<(), DecisionError> {
        if !matches!(actor.role, Role::Coordinator { .. }) {
            return Err(DecisionError::NotCoordinator);
        }
        self.measure = Some(measure);
        Ok(())
    }

    /// Changes the control status; postponing needs a later `new_term`.
    pub fn set_control(
        &mut self,
        actor: &Actor,
        to: ControlStatus,
        new_term: Option<NaiveDate>,
        note: Option<&str>,
        at: DateTime<Utc>,
    ) -> Result<&ControlChange, DecisionError> {
        if !matches!(actor.role, Role::Coordinator { .. }) {
            return Err(DecisionError::NotCoordinator);
        }
        if !self.control.can_become(to) {
            return Err(DecisionError::InvalidTransition { from: self.control, to });
        }
        if to == ControlStatus::Postponed {
            match (new_term, self.term) {
                (Some(new), Some(old)) if new > old => {}
                (Some(_), None) => {}
                _ => return Err(DecisionError::PostponeNeedsLaterTerm { current: self.term }),
            }
            self.term = new_term;
        }
        let note = note.map(str::trim).filter(|n| !n.is_empty()).map(str::to_string);
        let change = ControlChange { from: self.control, to, by: actor.user, at, new_term, note };
        self.control = to;
        self.history.push(change);
        Ok(&self.history[self.history.len() - 1])
    }

    /// Open and its term passed.
    pub fn is_overdue(&self, today: NaiveDate) -> bool {
        self.control.is_on_control() && self.term.is_some_and(|t| t < today)
    }
}

impl Decision {
    /// The control status as it stood at `at`: the recorded changes made up to then applied
    /// to the "on control" every decision starts with.
    pub fn control_at(&self, at: DateTime<Utc>) -> ControlStatus {
        self.history.iter().rfind(|c| c.at <= at).map_or(ControlStatus::OnControl, |c| c.to)
    }
}

/// The decisions register as a quarter's briefing pack shows it: every decision taken at the
/// quarter's own meeting, and those of earlier meetings still on control at `as_of` (the end
/// of the quarter's meeting, or now when it has not been held); decisions of later meetings,
/// and earlier ones done or removed by then, are left out. `meeting_quarter` says which
/// quarter a meeting reviewed. In protocol order (minutes date, then item).
pub fn register_for_quarter(
    decisions: &[Decision],
    quarter: crate::quarter::Quarter,
    meeting_quarter: impl Fn(MeetingId) -> Option<crate::quarter::Quarter>,
    as_of: DateTime<Utc>,
) -> Vec<Decision> {
    let mut out: Vec<Decision> = decisions
        .iter()
        .filter(|d| match meeting_quarter(d.record.meeting) {
            Some(q) if q == quarter => true,
            Some(q) if q < quarter => d.control_at(as_of).is_on_control(),
            _ => false,
        })
        .cloned()
        .collect();
    out.sort_by(|a, b| {
        let (a, b) = (&a.record.reference, &b.record.reference);
        a.minutes_date.cmp(&b.minutes_date).then_with(|| a.cmp(b))
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Side;
    use crate::review::tests_support::{coordinator, d, executor, utc};

    pub(crate) fn decision(n: u64, item: &str, term: Option<NaiveDate>) -> Decision {
        Decision::new(DecisionRecord {
            id: DecisionId::new_at(n, [0; 10]),
            meeting: MeetingId::new_at(1, [0; 10]),
            reference: ProtocolRef::parse(item, d(2025, 5, 12)).expect("ref"),
            text: "Подготовить предложения".into(),
            executors: Vec::new(),
            term,
        })
        .expect("decision")
    }

    #[test]
    fn a_quarters_register_holds_its_meeting_and_what_was_still_on_control() {
        let q = |s: &str| s.parse::<crate::quarter::Quarter>().expect("quarter");
        let c = coordinator(1, Side::By);
        let at_meeting = |n: u64, meeting: u64, item: &str, minutes: NaiveDate| {
            Decision::new(DecisionRecord {
                id: DecisionId::new_at(n, [0; 10]),
                meeting: MeetingId::new_at(meeting, [0; 10]),
                reference: ProtocolRef::parse(item, minutes).expect("ref"),
                text: format!("decision {n}"),
                executors: Vec::new(),
                term: Some(d(2026, 12, 31)),
            })
            .expect("decision")
        };
        // Meetings 1, 2, 3 reviewed 2025Q1, Q2, Q3.
        let quarter_of = |m: MeetingId| {
            [(1, "2025Q1"), (2, "2025Q2"), (3, "2025Q3")]
                .into_iter()
                .find(|(n, _)| MeetingId::new_at(*n, [0; 10]) == m)
                .map(|(_, s)| q(s))
        };
        let open_from_q1 = at_meeting(1, 1, "1.1", d(2025, 4, 20));
        let mut done_before_q2 = at_meeting(2, 1, "1.2", d(2025, 4, 20));
        done_before_q2.set_control(&c, ControlStatus::Done, None, None, utc(2025, 7, 1, 6, 0)).expect("done");
        let mut done_after_q2 = at_meeting(3, 1, "1.3", d(2025, 4, 20));
        done_after_q2.set_control(&c, ControlStatus::Done, None, None, utc(2025, 9, 1, 6, 0)).expect("done");
        let mut of_q2_done = at_meeting(4, 2, "1.1", d(2025, 7, 21));
        of_q2_done.set_control(&c, ControlStatus::Done, None, None, utc(2025, 7, 25, 6, 0)).expect("done");
        let of_q3 = at_meeting(5, 3, "1.1", d(2025, 10, 20));
        let all = [of_q3, done_after_q2.clone(), of_q2_done, open_from_q1, done_before_q2];
        let q2_meeting_end = utc(2025, 7, 21, 10, 0);
        let ids = |list: Vec<Decision>| list.iter().map(|d| d.record.id).collect::<Vec<_>>();
        let id = |n: u64| DecisionId::new_at(n, [0; 10]);
        assert_eq!(
            ids(register_for_quarter(&all, q("2025Q2"), quarter_of, q2_meeting_end)),
            vec![id(1), id(3), id(4)],
            "Q1's open ones as they stood at the Q2 meeting, all of Q2's own, nothing of Q3"
        );
        assert_eq!(done_after_q2.control_at(q2_meeting_end), ControlStatus::OnControl);
        assert_eq!(done_after_q2.control_at(utc(2025, 9, 2, 0, 0)), ControlStatus::Done);
        assert_eq!(
            ids(register_for_quarter(&all, q("2025Q1"), quarter_of, utc(2025, 4, 20, 10, 0))),
            vec![id(1), id(2), id(3)]
        );
    }

    #[test]
    fn linking_a_measure() {
        let mut dec = decision(1, "1.1", None);
        let m = MeasureId::new_at(1, [0; 10]);
        assert_eq!(dec.link_measure(&executor(2, Side::By, 1), m), Err(DecisionError::NotCoordinator));
        dec.link_measure(&coordinator(1, Side::By), m).expect("link");
        assert_eq!(dec.measure, Some(m));
    }

    #[test]
    fn protocol_references_in_both_languages() {
        let r = ProtocolRef::parse("3.2.", d(2025, 5, 12)).expect("ref");
        assert_eq!(r.parts(), ProtocolRefParts { item: "3.2".into(), date: "12.05.2025".into() });
        assert_eq!(r.format(Locale::Ru), "п. 3.2 протокола от 12.05.2025");
        assert_eq!(r.format(Locale::En), "item 3.2 of the minutes of 12.05.2025");
        assert_eq!(r.to_string(), "п. 3.2 протокола от 12.05.2025");
        assert!(ProtocolRef::parse("3.0", d(2025, 5, 12)).is_err());
        assert!(ProtocolRef::parse("x", d(2025, 5, 12)).is_err());
        assert!(ProtocolRef::new(Vec::new(), d(2025, 5, 12)).is_err());
        assert!(
            ProtocolRef::parse("2.10", d(2025, 5, 12)).expect("ref")
                > ProtocolRef::parse("2.9", d(2025, 5, 12)).expect("ref")
        );
    }

    #[test]
    fn control_status_transitions() {
        let at = utc(2025, 8, 1, 6, 0);
        let c = coordinator(1, Side::Khv);
        let mut dec = decision(1, "1.1", Some(d(2025, 9, 1)));
        assert!(dec.is_overdue(d(2025, 9, 2)));
        assert_eq!(
            dec.set_control(&executor(2, Side::By, 1), ControlStatus::Done, None, None, at),
            Err(DecisionError::NotCoordinator)
        );
        assert_eq!(
            dec.set_control(&c, ControlStatus::Postponed, Some(d(2025, 8, 1)), None, at),
            Err(DecisionError::PostponeNeedsLaterTerm { current: Some(d(2025, 9, 1)) })
        );
        assert!(matches!(
            dec.set_control(&c, ControlStatus::OnControl, None, None, at),
            Err(DecisionError::InvalidTransition { .. })
        ));
        dec.set_control(&c, ControlStatus::Postponed, Some(d(2025, 12, 1)), Some("funding"), at).expect("postpone");
        assert_eq!((dec.term, dec.control.is_on_control()), (Some(d(2025, 12, 1)), true));
        assert!(!dec.is_overdue(d(2025, 9, 2)));
        dec.set_control(&c, ControlStatus::Done, None, None, at).expect("done");
        assert!(!dec.control.is_on_control());
        assert_eq!(
            dec.set_control(&c, ControlStatus::OnControl, None, None, at),
            Err(DecisionError::InvalidTransition { from: ControlStatus::Done, to: ControlStatus::OnControl })
        );
        assert_eq!(dec.history.len(), 2);
        assert_eq!(dec.history[0].note.as_deref(), Some("funding"));
        assert_eq!(ControlStatus::RemovedFromControl.label_key(), "review.decision.control.removed");
        let mut empty = decision(2, "1.2", None).record;
        empty.text = " ".into();
        assert_eq!(Decision::new(empty), Err(DecisionError::TextRequired));
    }
}
