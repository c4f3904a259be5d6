//! The plan at a glance: progress by section and by side, counts by status, what is overdue
//! and what falls due this quarter. Computed from the measures, never stored.

use super::agreement::{Measure, Plan};
use super::measure::{HandedIn, Status, is_overdue};
use super::progress::{ProgressItem, overall, roll_up};
use crate::quarter::Quarter;
use crate::{MeasureId, Side};
use chrono::{Datelike, NaiveDate};
use std::collections::BTreeMap;

#[derive(Debug, Clone, PartialEq)]
pub struct PlanSummary {
    pub total: usize,
    /// Weighted roll-up of the whole plan, 0..=100.
    pub progress: f64,
    pub by_status: Vec<(Status, usize)>,
    /// (section code, measures, progress).
    pub by_section: Vec<(String, usize, f64)>,
    /// (side, measures it takes part in, their mean progress).
    pub by_side: Vec<(Side, usize, f64)>,
    pub overdue: Vec<MeasureId>,
    pub due_this_quarter: Vec<MeasureId>,
    pub unparsed_terms: Vec<MeasureId>,
    /// Effective percent of every measure (children rolled up into parents).
    pub percent: BTreeMap<MeasureId, f64>,
    /// Per section, in first-appearance order: measures by status (in `Status::ALL` order)
    /// and how many are overdue; the briefing pack's summary table.
    pub status_by_section: Vec<SectionStatus>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SectionStatus {
    pub section: String,
    pub by_status: [usize; 5],
    pub overdue: usize,
}

impl SectionStatus {
    pub fn count(&self, status: Status) -> usize {
        Status::ALL.iter().position(|s| *s == status).map_or(0, |i| self.by_status[i])
    }
    pub fn total(&self) -> usize {
        self.by_status.iter().sum()
    }
}

pub fn summarise(plan: &Plan, measures: &[Measure], today: NaiveDate, handed_in: &HandedIn) -> PlanSummary {
    let items: Vec<ProgressItem> = measures
        .iter()
        .map(|m| ProgressItem {
            number: m.data.number.clone(),
            status: m.data.status,
            percent: m.data.percent,
            weight: m.data.weight,
        })
        .collect();
    let rolled = roll_up(&items);
    let percent: BTreeMap<MeasureId, f64> =
        measures.iter().filter_map(|m| rolled.get(&m.data.number).map(|p| (m.id, *p))).collect();
    let top_level = |m: &Measure| m.data.number.parent().is_none_or(|p| !measures.iter().any(|o| o.data.number == p));

    let by_status = Status::ALL.iter().map(|s| (*s, measures.iter().filter(|m| m.data.status == *s).count())).collect();

    let mut sections: Vec<String> = Vec::new();
    for m in measures {
        if !sections.contains(&m.data.section) {
            sections.push(m.data.section.clone());
        }
    }
    let mean = |list: &[&Measure]| -> f64 {
        let values: Vec<f64> = list.iter().filter_map(|m| percent.get(&m.id).copied()).collect();
        if values.is_empty() { 0.0 } else { values.iter().sum::<f64>() / values.len() as f64 }
    };
    let by_section = sections
        .into_iter()
        .map(|code| {
            let tops: Vec<&Measure> = measures.iter().filter(|m| m.data.section == code && top_level(m)).collect();
            let count = measures.iter().filter(|m| m.data.section == code).count();
            (code, count, mean(&tops))
        })
        .collect();
    let by_side = Side::ALL
        .iter()
        .map(|side| {
            let involved: Vec<&Measure> =
                measures.iter().filter(|m| m.data.executors.iter().any(|e| e.side == *side)).collect();
            (*side, involved.len(), mean(&involved))
        })
        .collect();

    let quarter = Quarter::of_month(today.year(), today.month());
    let quarter_end = quarter.map(Quarter::last_day);
    let overdue = measures
        .iter()
        .filter(|m| is_overdue(m.id, m.data.status, &m.data.term, today, plan.period_start, plan.period_end, handed_in))
        .map(|m| m.id)
        .collect();
    let due_this_quarter = measures
        .iter()
        .filter(|m| !m.data.status.is_closed())
        .filter(|m| {
            let next = m.data.term.next_due(today, plan.period_start, plan.period_end);
            matches!((next, quarter_end), (Some(due), Some(end)) if due <= end)
        })
        .map(|m| m.id)
        .collect();
    let unparsed_terms = measures.iter().filter(|m| m.data.term.needs_review()).map(|m| m.id).collect();
    let mut status_by_section: Vec<SectionStatus> = Vec::new();
    for m in measures {
        let index = match status_by_section.iter().position(|s| s.section == m.data.section) {
            Some(i) => i,
            None => {
                status_by_section.push(SectionStatus {
                    section: m.data.section.clone(),
                    by_status: [0; 5],
                    overdue: 0,
                });
                status_by_section.len() - 1
            }
        };
        let entry = &mut status_by_section[index];
        if let Some(i) = Status::ALL.iter().position(|s| *s == m.data.status) {
            entry.by_status[i] += 1;
        }
        if is_overdue(m.id, m.data.status, &m.data.term, today, plan.period_start, plan.period_end, handed_in) {
            entry.overdue += 1;
        }
    }
    PlanSummary {
        status_by_section,
        total: measures.len(),
        progress: overall(&items, &rolled),
        by_status,
        by_section,
        by_side,
        overdue,
        due_this_quarter,
        unparsed_terms,
        percent,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::{Executor, MeasureForm};
    use crate::{AgreementId, OrganisationId, PlanId};

    fn plan() -> Plan {
        Plan {
            id: PlanId::new_at(1, [0; 10]),
            agreement_id: AgreementId::new_at(1, [0; 10]),
            code: "P".into(),
            title_ru: "План".into(),
            title_en: None,
            period_start: NaiveDate::from_ymd_opt(2025, 1, 1).expect("date"),
            period_end: NaiveDate::from_ymd_opt(2027, 12, 31).expect("date"),
            signed_version: None,
            version: 1,
        }
    }

    fn m(n: u64, number: &str, section: &str, term: &str, status: &str, percent: &str, side: Option<Side>) -> Measure {
        let executors = side
            .map(|side| vec![Executor { organisation: OrganisationId::new_at(n, [1; 10]), side, lead: true }])
            .unwrap_or_default();
        let data = MeasureForm {
            number: number.into(),
            section: section.into(),
            title_ru: "Мероприятие".into(),
            term: term.into(),
            status: Some(status.into()),
            percent: Some(percent.into()),
            ..Default::default()
        }
        .validate(executors)
        .expect("valid");
        Measure { id: MeasureId::new_at(n, [2; 10]), plan_id: plan().id, version: 1, data }
    }

    #[test]
    fn figures_add_up() {
        let measures = vec![
            m(1, "1.", "trade", "2025-2027 гг.", "in-progress", "0", Some(Side::By)),
            m(2, "1.1.", "trade", "II квартал 2026 г.", "in-progress", "50", Some(Side::By)),
            m(3, "1.2.", "trade", "IV квартал 2026 г.", "done", "0", Some(Side::Khv)),
            m(4, "2.", "culture", "май 2025", "done", "0", Some(Side::Khv)),
            m(5, "3.", "youth", "когда получится", "not-started", "0", None),
        ];
        let today = NaiveDate::from_ymd_opt(2026, 11, 27).expect("date");
        let s = summarise(&plan(), &measures, today, &HandedIn::new());
        assert_eq!(s.total, 5);
        assert_eq!(s.by_status.iter().map(|(_, n)| n).sum::<usize>(), 5);
        assert_eq!(s.overdue, vec![measures[1].id], "1.1. ended in June 2026 and is still open");
        assert!(s.due_this_quarter.is_empty(), "done and past measures are not due this quarter");
        assert_eq!(s.unparsed_terms, vec![measures[4].id]);
        assert!((s.percent[&measures[0].id] - 75.0).abs() < 1e-9, "1. rolls up 50 and 100");
        let trade = s.by_section.iter().find(|(c, ..)| c == "trade").expect("trade");
        assert_eq!((trade.1, (trade.2 - 75.0).abs() < 1e-9), (3, true));
        assert!((s.progress - (75.0 + 100.0 + 0.0) / 3.0).abs() < 1e-9);
        let by = s.by_side.iter().find(|(side, ..)| *side == Side::By).expect("BY");
        assert_eq!(by.1, 2);
        let sections: Vec<&str> = s.status_by_section.iter().map(|c| c.section.as_str()).collect();
        assert_eq!(sections, ["trade", "culture", "youth"], "first-appearance order");
        let trade = &s.status_by_section[0];
        assert_eq!(
            (trade.count(Status::InProgress), trade.count(Status::Done), trade.overdue, trade.total()),
            (2, 1, 1, 3)
        );
        assert_eq!(s.status_by_section.iter().map(SectionStatus::total).sum::<usize>(), s.total);
    }

    #[test]
    fn due_this_quarter_includes_recurring_terms() {
        let measures = vec![
            m(1, "1.", "trade", "ежеквартально", "in-progress", "10", None),
            m(2, "2.", "trade", "2027 г.", "in-progress", "10", None),
        ];
        let today = NaiveDate::from_ymd_opt(2026, 11, 27).expect("date");
        let s = summarise(&plan(), &measures, today, &HandedIn::new());
        // Due this quarter (2026Q4's report); overdue as 2026Q3's report is missing.
        assert_eq!(s.overdue, vec![measures[0].id]);
        let q3 = Quarter::new(2026, 3).expect("quarter");
        let s = summarise(&plan(), &measures, today, &HandedIn::from([(measures[0].id, q3)]));
        assert!(s.overdue.is_empty(), "2026Q3 reported");
        assert_eq!(s.due_this_quarter, vec![measures[0].id]);
    }
}
