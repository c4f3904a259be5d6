//! The agenda of a meeting: a list of typed items, generated from data and then edited by
//! the coordinators (reordered, added, removed).
//!
//! Items carry data, not text: the web page and the PDF render each [`AgendaItemKind`] their
//! own way from the same value, and titles come from [`AgendaItemKind::label_key`]. Only items a
//! side adds by hand carry their own words.

use super::decision::{ControlStatus, Decision, ProtocolRef};
use crate::logistics::ChainFigure;
use crate::plan::Measure;
use crate::quarter::Quarter;
use crate::{AgendaItemId, DecisionId, MeasureId, MeetingId, Side};
use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// One decision as the agenda shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DecisionLine {
    pub decision: DecisionId,
    pub reference: ProtocolRef,
    pub text: String,
    pub control: ControlStatus,
    pub term: Option<NaiveDate>,
    pub overdue: bool,
    /// Taken at the last meeting (shown even if already done), rather than carried from earlier.
    pub from_last_meeting: bool,
}

/// Progress of one dimension (plan section).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DimensionProgress {
    pub dimension: String,
    pub measures: usize,
    /// 0..=100.
    pub percent: f64,
}

/// A named figure for the trade and service-centre sections.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeyFigure {
    /// Stable key the renderer translates, e.g. `review.agenda.trade.turnover`.
    pub key: String,
    pub value: Decimal,
    /// Unit code ("USD", "pcs"), when there is one.
    pub unit: Option<String>,
    /// The same figure a year (or a review) earlier, for the change.
    pub previous: Option<Decimal>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum AgendaItemKind {
    /// Decisions of the last meeting and every earlier one still on control.
    Decisions {
        lines: Vec<DecisionLine>,
    },
    OverdueMeasures {
        measures: Vec<MeasureId>,
    },
    DueNextQuarter {
        quarter: Quarter,
        measures: Vec<MeasureId>,
    },
    ProgressByDimension {
        rows: Vec<DimensionProgress>,
    },
    Trade {
        figures: Vec<KeyFigure>,
    },
    ServiceCentre {
        figures: Vec<KeyFigure>,
    },
    /// Indicators that logistics chains measure (intermediaries, landed cost), with their change.
    Logistics {
        figures: Vec<ChainFigure>,
    },
    /// An item a side adds by hand.
    SideItem {
        side: Side,
        title: String,
        note: Option<String>,
    },
}

impl AgendaItemKind {
    pub fn label_key(&self) -> &'static str {
        match self {
            AgendaItemKind::Decisions { .. } => "review.agenda.item.decisions",
            AgendaItemKind::OverdueMeasures { .. } => "review.agenda.item.overdue-measures",
            AgendaItemKind::DueNextQuarter { .. } => "review.agenda.item.due-next-quarter",
            AgendaItemKind::ProgressByDimension { .. } => "review.agenda.item.progress-by-dimension",
            AgendaItemKind::Trade { .. } => "review.agenda.item.trade",
            AgendaItemKind::ServiceCentre { .. } => "review.agenda.item.service-centre",
            AgendaItemKind::Logistics { .. } => "review.agenda.item.logistics",
            AgendaItemKind::SideItem { .. } => "review.agenda.item.side-item",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AgendaItem {
    pub id: AgendaItemId,
    pub kind: AgendaItemKind,
}

/// A meeting's agenda, in order; item numbers are positions (1-based) when rendered.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Agenda {
    pub meeting: MeetingId,
    pub items: Vec<AgendaItem>,
}

/// What the generated agenda is made from; the caller gathers it from the store.
#[derive(Debug, Clone, Default)]
pub struct AgendaInput {
    pub today: Option<NaiveDate>,
    /// The last meeting, whose decisions are all shown.
    pub last_meeting: Option<MeetingId>,
    /// The decisions register (any meetings).
    pub decisions: Vec<Decision>,
    pub overdue_measures: Vec<MeasureId>,
    /// The quarter after the one under review, and what falls due in it.
    pub next_quarter: Option<(Quarter, Vec<MeasureId>)>,
    pub progress: Vec<DimensionProgress>,
    pub trade: Option<Vec<KeyFigure>>,
    pub service_centre: Option<Vec<KeyFigure>>,
    /// The chain-measured indicators of the quarter; left out when empty.
    pub logistics: Vec<ChainFigure>,
    pub side_items: Vec<(Side, String, Option<String>)>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AgendaError {
    #[error("agenda item {0} does not exist")]
    UnknownItem(AgendaItemId),
    #[error("position {position} is past the end of an agenda of {len} items")]
    BadPosition { position: usize, len: usize },
    #[error("an agenda item needs a title")]
    TitleRequired,
}

/// Open measures with a due date inside `quarter` (for [`AgendaInput::next_quarter`]).
pub fn measures_due_in(
    measures: &[Measure],
    quarter: Quarter,
    plan_start: NaiveDate,
    plan_end: NaiveDate,
) -> Vec<MeasureId> {
    let (first, last) = (quarter.first_day(), quarter.last_day());
    measures
        .iter()
        .filter(|m| !m.data.status.is_closed())
        .filter(|m| m.data.term.due_dates(plan_start, plan_end).iter().any(|d| (first..=last).contains(d)))
        .map(|m| m.id)
        .collect()
}

impl Agenda {
    /// The standard agenda: decisions, overdue measures, measures due next quarter, progress by
    /// dimension, trade, service centre and logistics chains (when given), then the items the sides added.
    /// Empty sections are left out (except decisions and progress, which every review hears).
    /// `new_id` supplies item ids (the domain has no randomness).
    pub fn generate(meeting: MeetingId, input: AgendaInput, mut new_id: impl FnMut() -> AgendaItemId) -> Agenda {
        let mut kinds = Vec::new();
        let mut lines: Vec<DecisionLine> = input
            .decisions
            .iter()
            .filter(|d| d.control.is_on_control() || Some(d.record.meeting) == input.last_meeting)
            .map(|d| DecisionLine {
                decision: d.record.id,
                reference: d.record.reference.clone(),
                text: d.record.text.clone(),
                control: d.control,
                term: d.term,
                overdue: input.today.is_some_and(|t| d.is_overdue(t)),
                from_last_meeting: Some(d.record.meeting) == input.last_meeting,
            })
            .collect();
        lines.sort_by(|a, b| a.reference.cmp(&b.reference));
        kinds.push(AgendaItemKind::Decisions { lines });
        if !input.overdue_measures.is_empty() {
            kinds.push(AgendaItemKind::OverdueMeasures { measures: input.overdue_measures });
        }
        if let Some((quarter, measures)) = input.next_quarter
            && !measures.is_empty()
        {
            kinds.push(AgendaItemKind::DueNextQuarter { quarter, measures });
        }
        kinds.push(AgendaItemKind::ProgressByDimension { rows: input.progress });
        if let Some(figures) = input.trade {
            kinds.push(AgendaItemKind::Trade { figures });
        }
        if let Some(figures) = input.service_centre {
            kinds.push(AgendaItemKind::ServiceCentre { figures });
        }
        if !input.logistics.is_empty() {
            kinds.push(AgendaItemKind::Logistics { figures: input.logistics });
        }
        for (side, title, note) in input.side_items {
            if !title.trim().is_empty() {
                kinds.push(AgendaItemKind::SideItem { side, title: title.trim().to_string(), note });
            }
        }
        Agenda { meeting, items: kinds.into_iter().map(|kind| AgendaItem { id: new_id(), kind }).collect() }
    }

    fn position(&self, id: AgendaItemId) -> Result<usize, AgendaError> {
        self.items.iter().position(|i| i.id == id).ok_or(AgendaError::UnknownItem(id))
    }

    /// Moves an item to `to` (0-based position after the move).
    pub fn move_item(&mut self, id: AgendaItemId, to: usize) -> Result<(), AgendaError> {
        let from = self.position(id)?;
        if to >= self.items.len() {
            return Err(AgendaError::BadPosition { position: to, len: self.items.len() });
        }
        let item = self.items.remove(from);
        self.items.insert(to, item);
        Ok(())
    }

    /// Adds an item at `at` (0-based), or at the end.
    pub fn add(&mut self, item: AgendaItem, at: Option<usize>) -> Result<(), AgendaError> {
        if let AgendaItemKind::SideItem { title, .. } = &item.kind
            && title.trim().is_empty()
        {
            return Err(AgendaError::TitleRequired);
        }
        let at = at.unwrap_or(self.items.len());
        if at > self.items.len() {
            return Err(AgendaError::BadPosition { position: at, len: self.items.len() });
        }
        self.items.insert(at, item);
        Ok(())
    }

    pub fn remove(&mut self, id: AgendaItemId) -> Result<AgendaItem, AgendaError> {
        let at = self.position(id)?;
        Ok(self.items.remove(at))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::review::decision::DecisionRecord;
    use crate::review::tests_support::{coordinator, d, q, utc};

    fn decision(n: u64, meeting: u64, item: &str, term: NaiveDate) -> Decision {
        Decision::new(DecisionRecord {
            id: DecisionId::new_at(n, [0; 10]),
            meeting: MeetingId::new_at(meeting, [0; 10]),
            reference: ProtocolRef::parse(item, d(2025, 1, 1)).expect("ref"),
            text: format!("decision {n}"),
            executors: Vec::new(),
            term: Some(term),
        })
        .expect("decision")
    }

    fn ids() -> impl FnMut() -> AgendaItemId {
        let mut n = 0;
        move || {
            n += 1;
            AgendaItemId::new_at(n, [0; 10])
        }
    }

    #[test]
    fn generated_from_data() {
        let c = coordinator(1, Side::By);
        let at = utc(2025, 6, 1, 6, 0);
        let mut old_done = decision(1, 1, "1.1", d(2025, 3, 1));
        old_done.set_control(&c, ControlStatus::Done, None, None, at).expect("done");
        let old_open = decision(2, 1, "1.2", d(2025, 3, 1));
        let mut last_done = decision(3, 2, "2.1", d(2025, 9, 1));
        last_done.set_control(&c, ControlStatus::Done, None, None, at).expect("done");
        let last_open = decision(4, 2, "2.2", d(2025, 9, 1));
        let m = MeasureId::new_at(1, [0; 10]);
        let input = AgendaInput {
            today: Some(d(2025, 7, 1)),
            last_meeting: Some(MeetingId::new_at(2, [0; 10])),
            decisions: vec![last_open, old_done, last_done, old_open],
            overdue_measures: vec![m],
            next_quarter: Some((q("2025Q3"), Vec::new())),
            progress: vec![DimensionProgress { dimension: "trade".into(), measures: 3, percent: 40.0 }],
            trade: Some(vec![KeyFigure {
                key: "review.agenda.trade.turnover".into(),
                value: Decimal::from(10),
                unit: Some("USD".into()),
                previous: None,
            }]),
            service_centre: None,
            logistics: vec![ChainFigure {
                indicator: crate::IndicatorId::new_at(9, [0; 10]),
                name_ru: "Число посредников в рыбной цепочке".into(),
                name_en: None,
                unit: "ед.".into(),
                chain: "pollock-direct".into(),
                metric: crate::logistics::ChainMetric::Intermediaries,
                quarter: q("2025Q2"),
                value: Some(Decimal::from(1)),
                previous: Some(Decimal::from(5)),
            }],
            side_items: vec![(Side::Khv, "Визит делегации".into(), None), (Side::By, "  ".into(), None)],
        };
        let agenda = Agenda::generate(MeetingId::new_at(3, [0; 10]), input, ids());
        let keys: Vec<&str> = agenda.items.iter().map(|i| i.kind.label_key()).collect();
        assert_eq!(
            keys,
            vec![
                "review.agenda.item.decisions",
                "review.agenda.item.overdue-measures",
                "review.agenda.item.progress-by-dimension",
                "review.agenda.item.trade",
                "review.agenda.item.logistics",
                "review.agenda.item.side-item"
            ]
        );
        let AgendaItemKind::Decisions { lines } = &agenda.items[0].kind else { panic!("decisions first") };
        let shown: Vec<(String, bool, bool)> =
            lines.iter().map(|l| (l.reference.parts().item, l.from_last_meeting, l.overdue)).collect();
        assert_eq!(
            shown,
            vec![("1.2".into(), false, true), ("2.1".into(), true, false), ("2.2".into(), true, false)],
            "an earlier decision that is done leaves the agenda; the last meeting's stay"
        );
    }

    #[test]
    fn editable() {
        let mut agenda = Agenda::generate(MeetingId::new_at(3, [0; 10]), AgendaInput::default(), ids());
        assert_eq!(agenda.items.len(), 2);
        let side_item = |n: u64, title: &str| AgendaItem {
            id: AgendaItemId::new_at(100 + n, [0; 10]),
            kind: AgendaItemKind::SideItem { side: Side::By, title: title.into(), note: None },
        };
        agenda.add(side_item(1, "A"), Some(0)).expect("add");
        agenda.add(side_item(2, "B"), None).expect("add");
        assert_eq!(agenda.add(side_item(3, " "), None), Err(AgendaError::TitleRequired));
        assert!(matches!(agenda.add(side_item(4, "C"), Some(9)), Err(AgendaError::BadPosition { .. })));
        agenda.move_item(AgendaItemId::new_at(102, [0; 10]), 0).expect("move");
        assert_eq!(agenda.items[0].id, AgendaItemId::new_at(102, [0; 10]));
        assert_eq!(agenda.items[1].id, AgendaItemId::new_at(101, [0; 10]));
        agenda.remove(AgendaItemId::new_at(101, [0; 10])).expect("remove");
        assert_eq!(agenda.items.len(), 3);
        assert!(matches!(agenda.remove(AgendaItemId::new_at(101, [0; 10])), Err(AgendaError::UnknownItem(_))));
        assert!(agenda.move_item(AgendaItemId::new_at(102, [0; 10]), 3).is_err());
        let json = serde_json::to_string(&agenda).expect("json");
        assert!(json.contains("\"kind\":\"side-item\""));
    }
}
