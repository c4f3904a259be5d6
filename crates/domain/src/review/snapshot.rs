//! Snapshots: the plan as it stood at a review, kept so later reviews can say what moved.
//!
//! A snapshot is plain serialisable data (the store keeps it as JSON beside the meeting), so
//! it stays readable after the plan has changed or measures were removed.

use crate::plan::{Indicator, Measure, Status, Term};
use crate::quarter::Quarter;
use crate::{IndicatorId, MeasureId};
use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// One measure in a snapshot.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MeasureSnapshot {
    pub measure: MeasureId,
    /// The measure's number as written ("2.1.").
    pub number: String,
    /// The dimension (plan section code).
    pub dimension: String,
    pub status: Status,
    pub percent: u8,
    /// Each indicator's value reached by the end of the snapshot's quarter, by indicator id.
    pub actuals: Vec<(IndicatorId, Decimal)>,
    pub term: Term,
}

/// The plan at one review.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanSnapshot {
    pub quarter: Quarter,
    pub taken_at: DateTime<Utc>,
    pub measures: Vec<MeasureSnapshot>,
}

impl PlanSnapshot {
    /// Takes a snapshot of `measures` (with their `indicators`' actuals up to `quarter`).
    pub fn take(quarter: Quarter, taken_at: DateTime<Utc>, measures: &[Measure], indicators: &[Indicator]) -> Self {
        let measures = measures
            .iter()
            .map(|m| {
                let mut actuals: Vec<(IndicatorId, Decimal)> = indicators
                    .iter()
                    .filter(|i| i.measure_id == m.id)
                    .filter_map(|i| i.data.reached(&i.actuals, quarter).map(|v| (i.id, v)))
                    .collect();
                actuals.sort_by_key(|(id, _)| *id);
                MeasureSnapshot {
                    measure: m.id,
                    number: m.data.number.to_string(),
                    dimension: m.data.section.clone(),
                    status: m.data.status,
                    percent: m.data.percent,
                    actuals,
                    term: m.data.term.clone(),
                }
            })
            .collect();
        PlanSnapshot { quarter, taken_at, measures }
    }

    pub fn counts(&self) -> SnapshotCounts {
        let by_status =
            Status::ALL.iter().map(|s| (*s, self.measures.iter().filter(|m| m.status == *s).count())).collect();
        let mut by_dimension: BTreeMap<String, usize> = BTreeMap::new();
        for m in &self.measures {
            *by_dimension.entry(m.dimension.clone()).or_default() += 1;
        }
        SnapshotCounts { total: self.measures.len(), by_status, by_dimension: by_dimension.into_iter().collect() }
    }
}

/// Counts of one snapshot.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SnapshotCounts {
    pub total: usize,
    /// Every status, in [`Status::ALL`] order, zeros included.
    pub by_status: Vec<(Status, usize)>,
    /// Dimension code → measures, in code order.
    pub by_dimension: Vec<(String, usize)>,
}

/// How one measure moved between two snapshots; `None` fields did not change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MeasureMove {
    pub measure: MeasureId,
    pub number: String,
    pub status: Option<(Status, Status)>,
    pub percent: Option<(u8, u8)>,
    /// Indicators whose value changed, appeared or disappeared: (id, before, after).
    pub actuals: Vec<(IndicatorId, Option<Decimal>, Option<Decimal>)>,
}

/// What changed from `before` to `after`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SnapshotComparison {
    pub before_quarter: Quarter,
    pub after_quarter: Quarter,
    pub moved: Vec<MeasureMove>,
    pub added: Vec<MeasureId>,
    pub removed: Vec<MeasureId>,
    pub before: SnapshotCounts,
    pub after: SnapshotCounts,
}

impl SnapshotComparison {
    /// Compares any two snapshots (usually an earlier and a later one).
    pub fn compare(before: &PlanSnapshot, after: &PlanSnapshot) -> SnapshotComparison {
        let old: BTreeMap<MeasureId, &MeasureSnapshot> = before.measures.iter().map(|m| (m.measure, m)).collect();
        let new: BTreeMap<MeasureId, &MeasureSnapshot> = after.measures.iter().map(|m| (m.measure, m)).collect();
        let mut moved = Vec::new();
        for m in &after.measures {
            let Some(o) = old.get(&m.measure) else { continue };
            let a: BTreeMap<IndicatorId, Decimal> = o.actuals.iter().copied().collect();
            let b: BTreeMap<IndicatorId, Decimal> = m.actuals.iter().copied().collect();
            let ids: BTreeSet<IndicatorId> = a.keys().chain(b.keys()).copied().collect();
            let actuals: Vec<(IndicatorId, Option<Decimal>, Option<Decimal>)> = ids
                .into_iter()
                .map(|id| (id, a.get(&id).copied(), b.get(&id).copied()))
                .filter(|(_, x, y)| x != y)
                .collect();
            let status = (o.status != m.status).then_some((o.status, m.status));
            let percent = (o.percent != m.percent).then_some((o.percent, m.percent));
            if status.is_some() || percent.is_some() || !actuals.is_empty() {
                moved.push(MeasureMove { measure: m.measure, number: m.number.clone(), status, percent, actuals });
            }
        }
        SnapshotComparison {
            before_quarter: before.quarter,
            after_quarter: after.quarter,
            moved,
            added: after.measures.iter().map(|m| m.measure).filter(|id| !old.contains_key(id)).collect(),
            removed: before.measures.iter().map(|m| m.measure).filter(|id| !new.contains_key(id)).collect(),
            before: before.counts(),
            after: after.counts(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::review::tests_support::{q, utc};

    fn ms(n: u64, dimension: &str, status: Status, percent: u8, actual: Option<i64>) -> MeasureSnapshot {
        MeasureSnapshot {
            measure: MeasureId::new_at(n, [1; 10]),
            number: format!("{n}."),
            dimension: dimension.into(),
            status,
            percent,
            actuals: actual.map(|v| vec![(IndicatorId::new_at(n, [2; 10]), Decimal::from(v))]).unwrap_or_default(),
            term: Term::parse("2026 г."),
        }
    }

    #[test]
    fn comparison_finds_moves_additions_and_removals() {
        let before = PlanSnapshot {
            quarter: q("2025Q2"),
            taken_at: utc(2025, 7, 15, 6, 0),
            measures: vec![
                ms(1, "trade", Status::InProgress, 40, Some(3)),
                ms(2, "trade", Status::NotStarted, 0, None),
                ms(3, "culture", Status::InProgress, 10, Some(1)),
                ms(4, "youth", Status::InProgress, 50, None),
            ],
        };
        let after = PlanSnapshot {
            quarter: q("2025Q3"),
            taken_at: utc(2025, 10, 15, 6, 0),
            measures: vec![
                ms(1, "trade", Status::InProgress, 60, Some(3)),
                ms(2, "trade", Status::InProgress, 0, None),
                ms(3, "culture", Status::InProgress, 10, Some(2)),
                ms(5, "culture", Status::NotStarted, 0, None),
            ],
        };
        let cmp = SnapshotComparison::compare(&before, &after);
        assert_eq!(cmp.moved.len(), 3);
        assert_eq!((cmp.moved[0].percent, cmp.moved[0].status), (Some((40, 60)), None));
        assert_eq!(cmp.moved[1].status, Some((Status::NotStarted, Status::InProgress)));
        assert_eq!(cmp.moved[2].actuals[0].1, Some(Decimal::from(1)));
        assert_eq!(cmp.moved[2].actuals[0].2, Some(Decimal::from(2)));
        assert_eq!(cmp.added, vec![MeasureId::new_at(5, [1; 10])]);
        assert_eq!(cmp.removed, vec![MeasureId::new_at(4, [1; 10])]);
        assert_eq!(cmp.before.by_dimension, vec![("culture".into(), 1), ("trade".into(), 2), ("youth".into(), 1)]);
        assert_eq!(cmp.after.by_dimension, vec![("culture".into(), 2), ("trade".into(), 2)]);
        let in_progress = |c: &SnapshotCounts| c.by_status.iter().find(|(s, _)| *s == Status::InProgress).map(|x| x.1);
        assert_eq!((in_progress(&cmp.before), in_progress(&cmp.after)), (Some(3), Some(3)));
        assert_eq!(cmp.before.by_status.iter().map(|x| x.1).sum::<usize>(), 4);
        let same = SnapshotComparison::compare(&after, &after);
        assert!(same.moved.is_empty() && same.added.is_empty() && same.removed.is_empty());
    }

    #[test]
    fn snapshot_round_trips_through_json() {
        let s = PlanSnapshot {
            quarter: q("2025Q2"),
            taken_at: utc(2025, 7, 15, 6, 0),
            measures: vec![ms(1, "trade", Status::Done, 100, Some(7))],
        };
        let json = serde_json::to_string(&s).expect("json");
        assert_eq!(serde_json::from_str::<PlanSnapshot>(&json).expect("back"), s);
    }

    #[test]
    fn take_uses_actuals_reached_by_the_quarter() {
        use crate::PlanId;
        use crate::plan::indicator::{Accumulation, Actual, Direction, IndicatorData, ValueKind};
        use crate::plan::{Executor, MeasureForm};
        let data = MeasureForm {
            number: "1.".into(),
            section: "trade".into(),
            title_ru: "Мероприятие".into(),
            term: "2026 г.".into(),
            percent: Some("30".into()),
            status: Some("in-progress".into()),
            ..Default::default()
        }
        .validate(Vec::<Executor>::new())
        .expect("valid");
        let measure =
            Measure { id: MeasureId::new_at(1, [1; 10]), plan_id: PlanId::new_at(1, [0; 10]), version: 1, data };
        let indicator = Indicator {
            id: IndicatorId::new_at(1, [2; 10]),
            measure_id: measure.id,
            version: 1,
            data: IndicatorData {
                name_ru: "Поставки".into(),
                name_en: None,
                unit: "шт".into(),
                direction: Direction::Increase,
                accumulation: Accumulation::PerPeriod,
                value_kind: ValueKind::Quantity,
                baseline: None,
                baseline_date: None,
                target: None,
                yearly_targets: Vec::new(),
            },
            actuals: vec![
                Actual { quarter: q("2025Q1"), value: Decimal::from(2) },
                Actual { quarter: q("2025Q2"), value: Decimal::from(3) },
                Actual { quarter: q("2025Q3"), value: Decimal::from(10) },
            ],
        };
        let s = PlanSnapshot::take(q("2025Q2"), utc(2025, 7, 15, 6, 0), &[measure], &[indicator]);
        assert_eq!(s.measures[0].actuals, vec![(IndicatorId::new_at(1, [2; 10]), Decimal::from(5))]);
        assert_eq!((s.measures[0].percent, s.measures[0].number.as_str()), (30, "1."));
    }
}
