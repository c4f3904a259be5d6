//! Overdue reports: which organisations have not handed in a report on every measure they are
//! responsible for by the period's deadline, and the reminder messages `accord remind` sends.
//!
//! Missing, draft and returned reports are all "not handed in"; a submitted report is handed
//! in even before it is accepted. No mail is sent here: a [`Reminder`] is the message's model
//! (recipient, subject key, measures) and the adapter renders and sends it.

use super::period::ReportingPeriod;
use super::report::{Report, ReportState};
use crate::plan::Measure;
use crate::quarter::Quarter;
use crate::{MeasureId, OrganisationId, Side};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// The measures one organisation must report on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Responsibility {
    pub organisation: OrganisationId,
    pub side: Side,
    pub measures: BTreeSet<MeasureId>,
}

impl Responsibility {
    /// Every executor organisation of the measures with the measures it appears on, in
    /// organisation order. Closed measures (done, cancelled) need no more reports and are left out.
    pub fn from_measures(measures: &[Measure]) -> Vec<Responsibility> {
        let mut by_org: BTreeMap<OrganisationId, Responsibility> = BTreeMap::new();
        for m in measures.iter().filter(|m| !m.data.status.is_closed()) {
            for e in &m.data.executors {
                by_org
                    .entry(e.organisation)
                    .or_insert_with(|| Responsibility {
                        organisation: e.organisation,
                        side: e.side,
                        measures: BTreeSet::new(),
                    })
                    .measures
                    .insert(m.id);
            }
        }
        by_org.into_values().collect()
    }
}

/// Why a measure counts as not handed in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum OverdueReason {
    /// No report at all.
    Missing,
    /// Started but not submitted.
    Draft,
    /// Returned by a coordinator and not resubmitted.
    Returned,
}

impl OverdueReason {
    pub fn label_key(self) -> &'static str {
        match self {
            OverdueReason::Missing => "review.overdue.reason.missing",
            OverdueReason::Draft => "review.overdue.reason.draft",
            OverdueReason::Returned => "review.overdue.reason.returned",
        }
    }
}

/// One organisation that is late, with the measures it has not reported on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OverdueOrganisation {
    pub organisation: OrganisationId,
    pub side: Side,
    pub quarter: Quarter,
    pub deadline: NaiveDate,
    /// Days past the deadline on the date asked about (at least 1).
    pub days_late: i64,
    pub measures: Vec<(MeasureId, OverdueReason)>,
}

/// Organisations that have not handed in every report of `period` by its deadline, as of `today`.
/// Empty until the deadline has passed. Reports of other quarters are ignored. It lists who
/// still owes reports: one handed in late no longer appears (its history shows it was late).
pub fn overdue(
    period: &ReportingPeriod,
    responsibilities: &[Responsibility],
    reports: &[Report],
    today: NaiveDate,
) -> Vec<OverdueOrganisation> {
    if !period.is_past_deadline(today) {
        return Vec::new();
    }
    let state_of: BTreeMap<(OrganisationId, MeasureId), ReportState> = reports
        .iter()
        .filter(|r| r.quarter == period.quarter)
        .map(|r| ((r.organisation, r.measure), r.state))
        .collect();
    responsibilities
        .iter()
        .filter_map(|resp| {
            let measures: Vec<(MeasureId, OverdueReason)> = resp
                .measures
                .iter()
                .filter_map(|m| match state_of.get(&(resp.organisation, *m)) {
                    None => Some((*m, OverdueReason::Missing)),
                    Some(ReportState::Draft) => Some((*m, OverdueReason::Draft)),
                    Some(ReportState::Returned) => Some((*m, OverdueReason::Returned)),
                    Some(ReportState::Submitted | ReportState::Accepted) => None,
                })
                .collect();
            (!measures.is_empty()).then(|| OverdueOrganisation {
                organisation: resp.organisation,
                side: resp.side,
                quarter: period.quarter,
                deadline: period.submission_deadline,
                days_late: (today - period.submission_deadline).num_days(),
                measures,
            })
        })
        .collect()
}

/// A reminder to one organisation; the adapter finds its people's addresses and renders
/// `subject_key` (with `quarter` and `deadline` as arguments) in each recipient's language.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reminder {
    pub recipient: OrganisationId,
    pub side: Side,
    pub subject_key: &'static str,
    pub quarter: Quarter,
    pub deadline: NaiveDate,
    pub days_late: i64,
    pub measures: Vec<MeasureId>,
}

/// Subject of a reminder about reports past their deadline.
pub const REMINDER_SUBJECT_KEY: &str = "review.remind.subject.overdue";

/// One reminder per late organisation.
pub fn reminders(overdue: &[OverdueOrganisation]) -> Vec<Reminder> {
    overdue
        .iter()
        .map(|o| Reminder {
            recipient: o.organisation,
            side: o.side,
            subject_key: REMINDER_SUBJECT_KEY,
            quarter: o.quarter,
            deadline: o.deadline,
            days_late: o.days_late,
            measures: o.measures.iter().map(|(m, _)| *m).collect(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::PlanId;
    use crate::ReportId;
    use crate::plan::{Executor, MeasureForm};
    use crate::review::period::PlanPeriod;
    use crate::review::report::ReportContent;
    use crate::review::tests_support::{d, org, q};

    fn m(n: u64) -> MeasureId {
        MeasureId::new_at(n, [5; 10])
    }

    fn report(organisation: u64, measure: u64, state: ReportState) -> Report {
        Report {
            id: ReportId::new_at(organisation * 100 + measure, [0; 10]),
            quarter: q("2025Q2"),
            organisation: org(organisation),
            side: Side::By,
            measure: m(measure),
            state,
            content: ReportContent::default(),
            return_comment: None,
            history: Vec::new(),
        }
    }

    #[test]
    fn responsibilities_come_from_the_executors_of_open_measures() {
        let measure = |n: u64, status: &str, orgs: &[(u64, Side)]| Measure {
            id: m(n),
            plan_id: PlanId::new_at(1, [0; 10]),
            version: 1,
            data: MeasureForm {
                number: format!("{n}."),
                section: "trade".into(),
                title_ru: "Мероприятие".into(),
                term: "2025 г.".into(),
                status: Some(status.into()),
                ..Default::default()
            }
            .validate(
                orgs.iter().map(|(o, side)| Executor { organisation: org(*o), side: *side, lead: true }).collect(),
            )
            .expect("valid"),
        };
        let resp = Responsibility::from_measures(&[
            measure(1, "in-progress", &[(1, Side::By), (2, Side::Khv)]),
            measure(2, "not-started", &[(1, Side::By)]),
            measure(3, "done", &[(2, Side::Khv)]),
        ]);
        assert_eq!(resp.len(), 2);
        let one = resp.iter().find(|r| r.organisation == org(1)).expect("org 1");
        assert_eq!(one.measures, [m(1), m(2)].into_iter().collect());
        let two = resp.iter().find(|r| r.organisation == org(2)).expect("org 2");
        assert_eq!((two.side, two.measures.len()), (Side::Khv, 1), "done measure 3 needs no report");
    }

    #[test]
    fn late_organisations_after_the_deadline() {
        let plan = PlanPeriod::new(q("2025Q1"), q("2027Q4")).expect("plan");
        let period = ReportingPeriod::new(plan, q("2025Q2"), d(2025, 7, 15), None).expect("period");
        let resp = vec![
            Responsibility { organisation: org(1), side: Side::By, measures: [m(1), m(2), m(3)].into_iter().collect() },
            Responsibility { organisation: org(2), side: Side::Khv, measures: [m(1)].into_iter().collect() },
        ];
        let mut other_quarter = report(1, 3, ReportState::Submitted);
        other_quarter.quarter = q("2025Q1");
        let reports = vec![
            report(1, 1, ReportState::Draft),
            report(1, 2, ReportState::Returned),
            other_quarter,
            report(2, 1, ReportState::Submitted),
        ];
        assert!(overdue(&period, &resp, &reports, d(2025, 7, 5)).is_empty(), "deadline day itself is not late");
        let late = overdue(&period, &resp, &reports, d(2025, 7, 8));
        assert_eq!(late.len(), 1);
        assert_eq!(late[0].organisation, org(1));
        assert_eq!(late[0].days_late, 3);
        assert_eq!(
            late[0].measures,
            vec![(m(1), OverdueReason::Draft), (m(2), OverdueReason::Returned), (m(3), OverdueReason::Missing)]
        );
        let rem = reminders(&late);
        assert_eq!(rem[0].subject_key, "review.remind.subject.overdue");
        assert_eq!((rem[0].recipient, rem[0].measures.len(), rem[0].deadline), (org(1), 3, d(2025, 7, 5)));
    }
}
