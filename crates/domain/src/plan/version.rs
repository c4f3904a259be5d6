//! Plan versions and amendments. The signed text is version 1; later versions freeze the plan
//! again. Once a version is signed, a change to what both sides signed (a measure's title,
//! term or executors) needs the other side's coordinator too: it waits as an amendment.

use super::measure::MeasureData;
use crate::Side;
use crate::audit::{FieldChange, field_changes};
use crate::directory::Role;
use serde::{Deserialize, Serialize};

/// How a measure differs between two versions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum MeasureDiff {
    Added { number: String, title: String },
    Removed { number: String, title: String },
    Changed { number: String, title: String, fields: Vec<FieldChange> },
}

impl MeasureDiff {
    pub fn number(&self) -> &str {
        match self {
            MeasureDiff::Added { number, .. }
            | MeasureDiff::Removed { number, .. }
            | MeasureDiff::Changed { number, .. } => number,
        }
    }
}

/// The fields two versions are compared on (progress is reporting, not the plan's text).
fn comparable(m: &MeasureData) -> String {
    serde_json::json!({
        "section": m.section,
        "title_ru": m.title_ru,
        "title_en": m.title_en,
        "description": m.description,
        "expected_result": m.expected_result,
        "term": m.term.raw,
        "executors": m.executors,
        "tags": m.tags,
        "weight": m.weight,
        "note": m.note,
    })
    .to_string()
}

/// Measures added, removed and changed (field by field) from `old` to `new`, by number.
pub fn diff(old: &[MeasureData], new: &[MeasureData]) -> Vec<MeasureDiff> {
    let mut out = Vec::new();
    for m in new {
        match old.iter().find(|o| o.number == m.number) {
            None => out.push(MeasureDiff::Added { number: m.number.to_string(), title: m.title_ru.clone() }),
            Some(o) => {
                let fields = field_changes(Some(&comparable(o)), Some(&comparable(m)));
                if !fields.is_empty() {
                    out.push(MeasureDiff::Changed { number: m.number.to_string(), title: m.title_ru.clone(), fields });
                }
            }
        }
    }
    for o in old {
        if !new.iter().any(|m| m.number == o.number) {
            out.push(MeasureDiff::Removed { number: o.number.to_string(), title: o.title_ru.clone() });
        }
    }
    out.sort_by(|a, b| {
        let key = |d: &MeasureDiff| d.number().parse::<super::MeasureNumber>().ok();
        key(a).cmp(&key(b))
    });
    out
}

/// Whether a change touches what both sides signed: title, term or executors.
pub fn touches_signed_text(before: &MeasureData, after: &MeasureData) -> bool {
    before.title_ru != after.title_ru || before.term.raw != after.term.raw || before.executors != after.executors
}

/// What an amendment proposes: a new text of the measure, or its removal from the plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AmendmentKind {
    #[default]
    Change,
    Delete,
}

impl AmendmentKind {
    pub fn code(self) -> &'static str {
        match self {
            AmendmentKind::Change => "change",
            AmendmentKind::Delete => "delete",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "change" => Some(AmendmentKind::Change),
            "delete" => Some(AmendmentKind::Delete),
            _ => None,
        }
    }
}

/// Where a change to a measure goes, given who asks and whether the plan is signed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChangeRoute {
    /// Applied at once: the plan is not signed, or the change leaves the signed text alone.
    Apply,
    /// Waits as an amendment for the other side's coordinator.
    Amendment { proposer: Side },
    /// Refused: only a side's coordinator proposes changes to what both sides signed (an
    /// administrator has no side, and the plan belongs to the two sides).
    NeedsCoordinator,
}

/// Routes a change from `before` to `after` made by `role` (who may edit the measure at all is
/// `directory::authorize`'s question, asked before this one). Whatever the door (form, API,
/// import, review session), a change of the signed text becomes an amendment.
pub fn route_change(role: &Role, plan_signed: bool, before: &MeasureData, after: &MeasureData) -> ChangeRoute {
    if !plan_signed || !touches_signed_text(before, after) {
        return ChangeRoute::Apply;
    }
    second_key_route(role)
}

/// Routes the deletion of a measure: removing a measure of a signed plan changes what both
/// sides signed, so it waits for the other side like any change of the signed text.
pub fn route_deletion(role: &Role, plan_signed: bool) -> ChangeRoute {
    if !plan_signed {
        return ChangeRoute::Apply;
    }
    second_key_route(role)
}

fn second_key_route(role: &Role) -> ChangeRoute {
    match role {
        Role::Coordinator { side } => ChangeRoute::Amendment { proposer: *side },
        _ => ChangeRoute::NeedsCoordinator,
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AmendmentStatus {
    Pending,
    Accepted,
    Rejected,
}

impl AmendmentStatus {
    pub fn code(self) -> &'static str {
        match self {
            AmendmentStatus::Pending => "pending",
            AmendmentStatus::Accepted => "accepted",
            AmendmentStatus::Rejected => "rejected",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "pending" => Some(AmendmentStatus::Pending),
            "accepted" => Some(AmendmentStatus::Accepted),
            "rejected" => Some(AmendmentStatus::Rejected),
            _ => None,
        }
    }
}

/// Who may accept or reject an amendment proposed from `proposed_by_side`: the other side's
/// coordinator only. The proposer's own side never holds the second key, and neither does an
/// administrator: the plan belongs to the two sides.
pub fn may_decide(role: &Role, proposed_by_side: Option<Side>) -> bool {
    match role {
        Role::Coordinator { side } => proposed_by_side.is_some_and(|p| p != *side),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::OrganisationId;
    use crate::plan::{Executor, MeasureForm};

    fn m(number: &str, title: &str, term: &str, percent: &str) -> MeasureData {
        MeasureForm {
            number: number.into(),
            section: "trade".into(),
            title_ru: title.into(),
            term: term.into(),
            percent: Some(percent.into()),
            ..Default::default()
        }
        .validate(Vec::new())
        .expect("valid")
    }

    #[test]
    fn diff_lists_added_removed_and_changed_fields() {
        let old = vec![m("1.", "А", "2025 г.", "0"), m("2.", "Б", "2025 г.", "0"), m("10.", "В", "2026 г.", "0")];
        let new = vec![m("1.", "А", "2025 г.", "90"), m("2.", "Б2", "2026 г.", "0"), m("3.", "Г", "2027 г.", "0")];
        let d = diff(&old, &new);
        let summary: Vec<(&str, &str)> = d
            .iter()
            .map(|x| match x {
                MeasureDiff::Added { number, .. } => (number.as_str(), "added"),
                MeasureDiff::Removed { number, .. } => (number.as_str(), "removed"),
                MeasureDiff::Changed { number, .. } => (number.as_str(), "changed"),
            })
            .collect();
        assert_eq!(summary, [("2.", "changed"), ("3.", "added"), ("10.", "removed")], "progress alone is no change");
        let MeasureDiff::Changed { fields, .. } = &d[0] else { panic!("changed") };
        let names: Vec<&str> = fields.iter().map(|f| f.field.as_str()).collect();
        assert_eq!(names, ["term", "title_ru"]);
    }

    #[test]
    fn only_title_term_and_executors_need_the_second_key() {
        let base = m("1.", "А", "2025 г.", "0");
        let mut progress = base.clone();
        progress.percent = 50;
        progress.note = Some("x".into());
        assert!(!touches_signed_text(&base, &progress));
        let mut retitled = base.clone();
        retitled.title_ru = "Б".into();
        assert!(touches_signed_text(&base, &retitled));
        let mut moved = base.clone();
        moved.executors.push(Executor { organisation: OrganisationId::new_at(1, [0; 10]), side: Side::By, lead: true });
        assert!(touches_signed_text(&base, &moved));
    }

    #[test]
    fn the_other_side_decides() {
        assert!(may_decide(&Role::Coordinator { side: Side::Khv }, Some(Side::By)));
        assert!(!may_decide(&Role::Coordinator { side: Side::By }, Some(Side::By)));
        assert!(!may_decide(&Role::Admin, Some(Side::By)), "an administrator holds no side's key");
        assert!(!may_decide(&Role::Coordinator { side: Side::Khv }, None));
        assert!(!may_decide(&Role::Observer { side: Some(Side::Khv) }, Some(Side::By)));
    }

    #[test]
    fn signed_text_changes_wait_for_the_other_side_whoever_asks() {
        let base = m("1.", "А", "2025 г.", "0");
        let mut retitled = base.clone();
        retitled.title_ru = "Б".into();
        let mut progressed = base.clone();
        progressed.percent = 40;
        let by = Role::Coordinator { side: Side::By };
        assert_eq!(route_change(&by, false, &base, &retitled), ChangeRoute::Apply, "not signed yet");
        assert_eq!(route_change(&by, true, &base, &progressed), ChangeRoute::Apply, "progress is no signed text");
        assert_eq!(route_change(&by, true, &base, &retitled), ChangeRoute::Amendment { proposer: Side::By });
        assert_eq!(route_change(&Role::Admin, true, &base, &retitled), ChangeRoute::NeedsCoordinator);
        assert_eq!(route_change(&Role::Admin, true, &base, &progressed), ChangeRoute::Apply);
        assert_eq!(route_deletion(&by, true), ChangeRoute::Amendment { proposer: Side::By });
        assert_eq!(route_deletion(&Role::Admin, true), ChangeRoute::NeedsCoordinator);
        assert_eq!(route_deletion(&Role::Admin, false), ChangeRoute::Apply);
    }
}
