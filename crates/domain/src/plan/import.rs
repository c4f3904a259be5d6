//! What an imported plan table does to the plan: which rows create measures, which change
//! them at once, which wait for the other side as amendments, and which are refused.
//!
//! The same rules as a form or the API (who may edit which measure, the second key on a
//! signed plan) decide each row; a refused row refuses the whole import, naming the row, so an
//! import is all or nothing. Rows are matched to measures by number.

use super::version::{ChangeRoute, route_change};
use super::{Measure, MeasureData};
use crate::directory::{Action, Role, authorize};
use crate::{MeasureId, Side};
use std::collections::HashMap;

/// Incoming rows sorted against the plan as it stands, before any rule is asked.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SortedRows {
    pub created: Vec<MeasureData>,
    /// The measure as it stands and the row's text for it.
    pub changed: Vec<(Measure, MeasureData)>,
    pub unchanged: usize,
}

/// Sorts rows by number: new numbers, changed measures, identical ones.
pub fn sort_rows(existing: &[Measure], incoming: &[MeasureData]) -> SortedRows {
    let by_number: HashMap<String, &Measure> = existing.iter().map(|m| (m.data.number.to_string(), m)).collect();
    let mut sorted = SortedRows::default();
    for data in incoming {
        match by_number.get(&data.number.to_string()) {
            None => sorted.created.push(data.clone()),
            Some(current) if current.data == *data => sorted.unchanged += 1,
            Some(current) => sorted.changed.push(((*current).clone(), data.clone())),
        }
    }
    sorted
}

/// What an import will do, row by row.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ImportDecision {
    pub created: Vec<MeasureData>,
    /// Changed at once (the plan is not signed, or only unsigned fields change).
    pub changed: Vec<(Measure, MeasureData)>,
    /// Changes of the signed text that wait for the other side's coordinator.
    pub proposed: Vec<(Measure, MeasureData, Side)>,
    /// Rows whose very change already waits as an amendment (a repeated import).
    pub already_proposed: Vec<MeasureId>,
    pub unchanged: usize,
}

/// Why one row of an import was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RowRefusal {
    /// The row creates or changes a measure the importer's side or organisation does not
    /// take part in (before or after the change).
    NotYours,
    /// The row changes the signed text, which only a side's coordinator may propose.
    NeedsCoordinator,
    /// Another change of the measure already waits for the other side's decision.
    ProposalWaiting,
}

/// Decides an import of `incoming` rows by `role` into a plan holding `existing` measures,
/// `signed` or not, with `pending` amendments (the text each proposes, by measure). Returns
/// the decision, or every refused row (its index in `incoming`) with the reason.
pub fn decide_import(
    role: &Role,
    signed: bool,
    existing: &[Measure],
    pending: &HashMap<MeasureId, MeasureData>,
    incoming: &[MeasureData],
) -> Result<ImportDecision, Vec<(usize, RowRefusal)>> {
    let by_number: HashMap<String, &Measure> = existing.iter().map(|m| (m.data.number.to_string(), m)).collect();
    let may_edit = |data: &MeasureData| authorize(role, Action::EditMeasure { executors: &data.executors }).is_ok();
    let mut decision = ImportDecision::default();
    let mut refused = Vec::new();
    for (index, data) in incoming.iter().enumerate() {
        let Some(current) = by_number.get(&data.number.to_string()) else {
            if authorize(role, Action::CreateMeasure).is_ok() && may_edit(data) {
                decision.created.push(data.clone());
            } else {
                refused.push((index, RowRefusal::NotYours));
            }
            continue;
        };
        if current.data == *data {
            decision.unchanged += 1;
            continue;
        }
        if !may_edit(&current.data) || !may_edit(data) {
            refused.push((index, RowRefusal::NotYours));
            continue;
        }
        match route_change(role, signed, &current.data, data) {
            ChangeRoute::Apply => decision.changed.push(((*current).clone(), data.clone())),
            ChangeRoute::NeedsCoordinator => refused.push((index, RowRefusal::NeedsCoordinator)),
            ChangeRoute::Amendment { proposer } => match pending.get(&current.id) {
                Some(waiting) if waiting == data => decision.already_proposed.push(current.id),
                Some(_) => refused.push((index, RowRefusal::ProposalWaiting)),
                None => decision.proposed.push(((*current).clone(), data.clone(), proposer)),
            },
        }
    }
    if refused.is_empty() { Ok(decision) } else { Err(refused) }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::OrganisationId;
    use crate::plan::{Executor, MeasureForm};

    fn org(n: u64) -> OrganisationId {
        OrganisationId::new_at(n, [n as u8; 10])
    }

    fn data(number: &str, title: &str, executors: &[(u64, Side)]) -> MeasureData {
        let executors =
            executors.iter().map(|(o, s)| Executor { organisation: org(*o), side: *s, lead: false }).collect();
        MeasureForm {
            number: number.into(),
            section: "trade".into(),
            title_ru: title.into(),
            term: "2026 г.".into(),
            ..Default::default()
        }
        .validate(executors)
        .expect("valid")
    }

    fn measure(n: u64, d: MeasureData) -> Measure {
        Measure { id: MeasureId::new_at(n, [0; 10]), plan_id: crate::PlanId::new_at(1, [0; 10]), version: 1, data: d }
    }

    const BY: Side = Side::By;
    const KHV: Side = Side::Khv;

    #[test]
    fn rows_sort_into_new_changed_and_identical() {
        let existing = [measure(1, data("1.", "А", &[])), measure(2, data("2.", "Б", &[]))];
        let incoming = [data("1.", "А", &[]), data("2.", "Б2", &[]), data("3.", "В", &[])];
        let sorted = sort_rows(&existing, &incoming);
        assert_eq!(sorted.unchanged, 1);
        assert_eq!(sorted.changed.len(), 1);
        assert_eq!(sorted.created.len(), 1);
    }

    #[test]
    fn on_a_signed_plan_a_coordinators_import_proposes_and_leaves_the_measures_alone() {
        let joint = measure(1, data("1.", "Поставки", &[(1, BY), (2, KHV)]));
        let khv_only = measure(2, data("2.", "Рыба", &[(2, KHV)]));
        let existing = [joint.clone(), khv_only.clone()];
        let by = Role::Coordinator { side: BY };
        let retitled = data("1.", "Поставки техники", &[(1, BY), (2, KHV)]);

        let decision = decide_import(&by, true, &existing, &HashMap::new(), &[retitled.clone(), khv_only.data.clone()])
            .expect("allowed");
        assert!(decision.changed.is_empty(), "nothing changes before the other side accepts");
        assert_eq!(decision.proposed.len(), 1);
        assert_eq!(decision.proposed[0].2, BY);
        assert_eq!(decision.unchanged, 1);

        // The same file again: the waiting proposal is recognised, nothing new is proposed.
        let pending = HashMap::from([(joint.id, retitled.clone())]);
        let again = decide_import(&by, true, &existing, &pending, &[retitled]).expect("allowed");
        assert_eq!(again.already_proposed, vec![joint.id]);
        assert!(again.proposed.is_empty());
        // A different change while one waits is refused.
        let other = data("1.", "Иное", &[(1, BY), (2, KHV)]);
        assert_eq!(
            decide_import(&by, true, &existing, &pending, &[other]),
            Err(vec![(0, RowRefusal::ProposalWaiting)])
        );
    }

    #[test]
    fn a_row_of_the_other_sides_measure_refuses_the_whole_import() {
        let khv_only = measure(2, data("2.", "Рыба", &[(2, KHV)]));
        let by = Role::Coordinator { side: BY };
        let changed = data("2.", "Рыба и ягоды", &[(2, KHV)]);
        for signed in [false, true] {
            assert_eq!(
                decide_import(
                    &by,
                    signed,
                    std::slice::from_ref(&khv_only),
                    &HashMap::new(),
                    std::slice::from_ref(&changed)
                ),
                Err(vec![(0, RowRefusal::NotYours)])
            );
        }
        // Nor may a row hand a measure over to the other side only, or create one for it.
        let joint = measure(1, data("1.", "Поставки", &[(1, BY), (2, KHV)]));
        let handed_over = data("1.", "Поставки", &[(2, KHV)]);
        let new_for_khv = data("3.", "Новое", &[(2, KHV)]);
        assert_eq!(
            decide_import(&by, false, &[joint], &HashMap::new(), &[handed_over, new_for_khv]),
            Err(vec![(0, RowRefusal::NotYours), (1, RowRefusal::NotYours)])
        );
    }

    #[test]
    fn an_administrator_changes_an_unsigned_plan_but_not_a_signed_text() {
        let joint = measure(1, data("1.", "Поставки", &[(1, BY), (2, KHV)]));
        let retitled = data("1.", "Поставки техники", &[(1, BY), (2, KHV)]);
        let unsigned = decide_import(
            &Role::Admin,
            false,
            std::slice::from_ref(&joint),
            &HashMap::new(),
            std::slice::from_ref(&retitled),
        )
        .expect("allowed");
        assert_eq!(unsigned.changed.len(), 1);
        assert_eq!(
            decide_import(&Role::Admin, true, &[joint], &HashMap::new(), &[retitled]),
            Err(vec![(0, RowRefusal::NeedsCoordinator)])
        );
    }

    #[test]
    fn executors_and_observers_import_nothing() {
        let executor = Role::Executor { side: BY, organisation: org(1) };
        let observer = Role::Observer { side: None };
        for role in [executor, observer] {
            assert_eq!(
                decide_import(&role, false, &[], &HashMap::new(), &[data("1.", "А", &[(1, BY)])]),
                Err(vec![(0, RowRefusal::NotYours)])
            );
        }
    }
}
