//! Measures of the plan: status, percent done, what "overdue" means, and the form they are
//! entered through.

use super::number::MeasureNumber;
use super::term::{Schedule, Term};
use crate::quarter::Quarter;
use crate::validation::{Checker, Reason, Validated};
use crate::{MeasureId, OrganisationId, Side};
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use std::collections::HashSet;
use std::str::FromStr;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    #[default]
    NotStarted,
    InProgress,
    Done,
    Postponed,
    Cancelled,
}

impl Status {
    pub const ALL: [Status; 5] =
        [Status::NotStarted, Status::InProgress, Status::Done, Status::Postponed, Status::Cancelled];

    pub fn code(self) -> &'static str {
        match self {
            Status::NotStarted => "not-started",
            Status::InProgress => "in-progress",
            Status::Done => "done",
            Status::Postponed => "postponed",
            Status::Cancelled => "cancelled",
        }
    }

    /// Finished one way or another: never overdue.
    pub fn is_closed(self) -> bool {
        matches!(self, Status::Done | Status::Cancelled)
    }
}

impl FromStr for Status {
    type Err = crate::validation::Invalid;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Status::ALL
            .into_iter()
            .find(|st| st.code() == s.trim())
            .ok_or_else(|| crate::validation::Invalid::one("status", Reason::UnknownValue))
    }
}

/// The reports handed in (submitted or accepted), as (measure, quarter): what a recurring
/// measure's "overdue" depends on.
pub type HandedIn = HashSet<(MeasureId, Quarter)>;

/// The one definition of "overdue" (README, "What overdue means"), used by the plan's
/// overview, its table and filter, the agenda and the briefing pack. Derived, never stored: a
/// measure not closed (done, cancelled) is overdue on `today`
/// - with a dated term, once its last day has passed;
/// - with a recurring term ("ежеквартально", "ежегодно", "ежемесячно"), when the last of its
///   periods that has ended has no report handed in (`handed_in`) for the quarter that period
///   ended in; a period that has not ended yet makes nothing overdue;
/// - never with a term that has no deadline ("постоянно", "по мере необходимости", "по
///   отдельному плану") or one not understood.
pub fn is_overdue(
    measure: MeasureId,
    status: Status,
    term: &Term,
    today: NaiveDate,
    plan_start: NaiveDate,
    plan_end: NaiveDate,
    handed_in: &HandedIn,
) -> bool {
    if status.is_closed() {
        return false;
    }
    match term.schedule {
        Schedule::Recurring { .. } => term
            .due_dates(plan_start, plan_end)
            .into_iter()
            .rfind(|due| *due < today)
            .and_then(|due| Quarter::of_month(due.year(), due.month()))
            .is_some_and(|quarter| !handed_in.contains(&(measure, quarter))),
        _ => term.final_due(plan_start, plan_end).is_some_and(|due| due < today),
    }
}

/// One executor of a measure: an organisation on a side, lead or co-executor.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Executor {
    pub organisation: OrganisationId,
    pub side: Side,
    pub lead: bool,
}

/// The validated content of a measure.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MeasureData {
    pub number: MeasureNumber,
    pub section: String,
    pub title_ru: String,
    pub title_en: Option<String>,
    pub description: Option<String>,
    pub expected_result: Option<String>,
    pub term: Term,
    pub status: Status,
    /// 0..=100 as entered; a measure with children shows its children's roll-up instead.
    pub percent: u8,
    /// Weight in its parent's roll-up; 1 when not given.
    pub weight: u32,
    pub executors: Vec<Executor>,
    pub tags: Vec<String>,
    pub note: Option<String>,
}

impl MeasureData {
    pub fn title(&self, english: bool) -> &str {
        match (&self.title_en, english) {
            (Some(en), true) => en,
            _ => &self.title_ru,
        }
    }
    pub fn executors_of(&self, side: Side) -> impl Iterator<Item = &Executor> {
        self.executors.iter().filter(move |e| e.side == side)
    }
    pub fn involves(&self, organisation: OrganisationId) -> bool {
        self.executors.iter().any(|e| e.organisation == organisation)
    }
    /// This measure with the fields a plan table carries (title, dimension, term, executors,
    /// expected result, note) taken from `table`; progress, tags, translations and weight stay,
    /// so re-importing the official table never wipes what was reported since.
    pub fn with_table_fields(&self, table: &MeasureData) -> MeasureData {
        MeasureData {
            section: table.section.clone(),
            title_ru: table.title_ru.clone(),
            term: table.term.clone(),
            executors: table.executors.clone(),
            expected_result: table.expected_result.clone(),
            note: table.note.clone(),
            ..self.clone()
        }
    }

    pub fn search_text(&self) -> String {
        crate::text::fold_all([
            self.number.to_string().as_str(),
            &self.title_ru,
            self.title_en.as_deref().unwrap_or(""),
            self.description.as_deref().unwrap_or(""),
            self.expected_result.as_deref().unwrap_or(""),
            &self.tags.join(" "),
        ])
    }
}

/// What a form or an API call submits for a measure.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct MeasureForm {
    pub number: String,
    pub section: String,
    pub title_ru: String,
    pub title_en: Option<String>,
    pub description: Option<String>,
    pub expected_result: Option<String>,
    pub term: String,
    pub status: Option<String>,
    pub percent: Option<String>,
    pub weight: Option<String>,
    /// Tags separated by commas.
    pub tags: Option<String>,
    pub note: Option<String>,
}

impl MeasureForm {
    /// The form as it shows a stored measure (to edit it, or to propose a change of it).
    pub fn of(d: &MeasureData) -> MeasureForm {
        MeasureForm {
            number: d.number.to_string(),
            section: d.section.clone(),
            title_ru: d.title_ru.clone(),
            title_en: d.title_en.clone(),
            description: d.description.clone(),
            expected_result: d.expected_result.clone(),
            term: d.term.raw.clone(),
            status: Some(d.status.code().into()),
            percent: Some(d.percent.to_string()),
            weight: Some(d.weight.to_string()),
            tags: Some(d.tags.join(", ")),
            note: d.note.clone(),
        }
    }

    /// Validates everything but the executors, which the caller resolves against the directory.
    pub fn validate(&self, executors: Vec<Executor>) -> Validated<MeasureData> {
        let mut c = Checker::default();
        let number = match self.number.trim() {
            "" => {
                c.fail("number", Reason::Required);
                None
            }
            raw => match raw.parse::<MeasureNumber>() {
                Ok(n) => Some(n),
                Err(_) => {
                    c.fail("number", Reason::InvalidCode);
                    None
                }
            },
        };
        let section = c.required("section", &self.section, 100);
        let title_ru = c.required("title_ru", &self.title_ru, 2000);
        let title_en = c.optional("title_en", self.title_en.as_deref(), 2000);
        let description = c.optional("description", self.description.as_deref(), 10_000);
        let expected_result = c.optional("expected_result", self.expected_result.as_deref(), 4000);
        let term_raw = c.required("term", &self.term, 200);
        let status = match self.status.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            None => Status::NotStarted,
            Some(raw) => raw.parse().unwrap_or_else(|_| {
                c.fail("status", Reason::UnknownValue);
                Status::NotStarted
            }),
        };
        let percent = parse_bounded(&mut c, "percent", self.percent.as_deref(), 0, 100, 0);
        let weight = parse_bounded(&mut c, "weight", self.weight.as_deref(), 1, 1000, 1);
        let tags = parse_tags(self.tags.as_deref());
        let note = c.optional("note", self.note.as_deref(), 4000);
        let percent = if status == Status::Done { 100 } else { percent };
        match number {
            Some(number) => c.finish(MeasureData {
                number,
                section,
                title_ru,
                title_en,
                description,
                expected_result,
                term: Term::parse(&term_raw),
                status,
                percent: u8::try_from(percent).unwrap_or(100),
                weight,
                executors,
                tags,
                note,
            }),
            None => Err(c.finish(()).err().unwrap_or_default()),
        }
    }
}

fn parse_bounded(c: &mut Checker, field: &'static str, raw: Option<&str>, min: u32, max: u32, default: u32) -> u32 {
    match raw.map(str::trim).filter(|s| !s.is_empty()) {
        None => default,
        Some(raw) => match raw.trim_end_matches('%').trim().parse::<u32>() {
            Ok(v) if (min..=max).contains(&v) => v,
            _ => {
                c.fail(field, Reason::UnknownValue);
                default
            }
        },
    }
}

/// Tags: comma-separated, trimmed, lowercased, unique, in the order given.
pub fn parse_tags(raw: Option<&str>) -> Vec<String> {
    let mut tags: Vec<String> = Vec::new();
    for tag in raw.unwrap_or("").split([',', ';', '\n']) {
        let tag = tag.trim().to_lowercase();
        if !tag.is_empty() && !tags.contains(&tag) {
            tags.push(tag);
        }
    }
    tags
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("valid date")
    }

    #[test]
    fn overdue_is_derived_from_term_status_and_today() {
        let (start, end) = (d(2025, 1, 1), d(2027, 12, 31));
        let id = MeasureId::new_at(1, [0; 10]);
        let none = HandedIn::new();
        let overdue = |status, term: &str, today| is_overdue(id, status, &Term::parse(term), today, start, end, &none);
        let term = "II квартал 2026 г.";
        assert!(!overdue(Status::InProgress, term, d(2026, 6, 30)));
        assert!(overdue(Status::InProgress, term, d(2026, 7, 1)));
        assert!(overdue(Status::NotStarted, term, d(2026, 11, 27)));
        assert!(!overdue(Status::Done, term, d(2026, 11, 27)));
        assert!(!overdue(Status::Cancelled, term, d(2026, 11, 27)));
        for open_ended in ["постоянно", "по мере необходимости", "по отдельному плану", "когда-нибудь"]
        {
            assert!(!overdue(Status::InProgress, open_ended, d(2030, 1, 1)), "{open_ended}");
        }
    }

    #[test]
    fn a_recurring_measure_is_overdue_when_the_last_ended_period_went_unreported() {
        let (start, end) = (d(2025, 1, 1), d(2027, 12, 31));
        let id = MeasureId::new_at(1, [0; 10]);
        let quarterly = Term::parse("ежеквартально");
        let q = |y, n| Quarter::new(y, n).expect("quarter");
        let overdue =
            |today, handed_in: &HandedIn| is_overdue(id, Status::InProgress, &quarterly, today, start, end, handed_in);
        // 27 Nov 2026: the last quarter that ended is 2026Q3.
        let mut reported = HandedIn::new();
        assert!(overdue(d(2026, 11, 27), &reported), "no report for 2026Q3");
        reported.insert((id, q(2026, 2)));
        assert!(overdue(d(2026, 11, 27), &reported), "an earlier quarter's report does not count");
        reported.insert((id, q(2026, 3)));
        assert!(!overdue(d(2026, 11, 27), &reported), "2026Q3 handed in");
        // On 30 Sep 2026 the third quarter has not ended: its report is not owed yet.
        assert!(overdue(d(2026, 9, 30), &HandedIn::new()), "2026Q2 owed");
        assert!(!overdue(d(2026, 9, 30), &HashSet::from([(id, q(2026, 2))])));
        // Before the first period ends nothing is owed; another measure's report is not its.
        assert!(!overdue(d(2025, 3, 31), &HandedIn::new()));
        assert!(overdue(d(2025, 4, 1), &HashSet::from([(MeasureId::new_at(2, [0; 10]), q(2025, 1))])));
        // A yearly measure owes the fourth quarter's report of each year.
        let yearly = Term::parse("ежегодно");
        let y = |today, h: &HandedIn| is_overdue(id, Status::InProgress, &yearly, today, start, end, h);
        assert!(!y(d(2025, 12, 31), &HandedIn::new()));
        assert!(y(d(2026, 1, 1), &HandedIn::new()));
        assert!(!y(d(2026, 11, 27), &HashSet::from([(id, q(2025, 4))])));
    }

    #[test]
    fn a_table_import_keeps_what_was_reported() {
        let reported = MeasureForm {
            number: "1.".into(),
            section: "trade".into(),
            title_ru: "Старое".into(),
            title_en: Some("Old".into()),
            term: "2025 г.".into(),
            status: Some("in-progress".into()),
            percent: Some("40".into()),
            tags: Some("x".into()),
            ..Default::default()
        }
        .validate(Vec::new())
        .expect("valid");
        let table = MeasureForm {
            number: "1.".into(),
            section: "industry".into(),
            title_ru: "Новое".into(),
            term: "2026 г.".into(),
            ..Default::default()
        }
        .validate(Vec::new())
        .expect("valid");
        let merged = reported.with_table_fields(&table);
        assert_eq!(
            (merged.title_ru.as_str(), merged.section.as_str(), merged.term.raw.as_str()),
            ("Новое", "industry", "2026 г.")
        );
        assert_eq!(
            (merged.status, merged.percent, merged.tags.clone(), merged.title_en.clone()),
            (Status::InProgress, 40, vec!["x".to_string()], Some("Old".into()))
        );
    }

    #[test]
    fn a_stored_measure_shown_in_its_form_validates_back_to_itself() {
        let data = MeasureForm {
            number: "4.4".into(),
            section: "logistics".into(),
            title_ru: "Рефрижераторные отправки".into(),
            title_en: Some("Reefer shipments".into()),
            description: Some("Хабаровск — Могилёв".into()),
            term: "I квартал 2026 г.".into(),
            status: Some("in-progress".into()),
            percent: Some("35".into()),
            weight: Some("2".into()),
            tags: Some("рыба, logistics".into()),
            note: Some("через Владивосток".into()),
            ..Default::default()
        }
        .validate(Vec::new())
        .expect("valid");
        let again = MeasureForm::of(&data).validate(Vec::new()).expect("still valid");
        assert_eq!(again, data);
    }

    #[test]
    fn form_validation() {
        let form = MeasureForm {
            number: "2.1".into(),
            section: "trade".into(),
            title_ru: "Организовать поставки".into(),
            term: "IV квартал 2025 г.".into(),
            status: Some("done".into()),
            percent: Some("40".into()),
            tags: Some("Молодёжь, youth, молодёжь".into()),
            ..Default::default()
        };
        let data = form.validate(Vec::new()).expect("valid");
        assert_eq!(data.number.to_string(), "2.1.");
        assert_eq!(data.percent, 100, "done means 100%");
        assert_eq!(data.tags, ["молодёжь", "youth"]);
        assert!(!data.term.needs_review());

        let bad = MeasureForm { number: "x".into(), percent: Some("140".into()), status: Some("lost".into()), ..form };
        let err = bad.validate(Vec::new()).unwrap_err();
        assert_eq!(err.reason_for("number"), Some(Reason::InvalidCode));
        assert_eq!(err.reason_for("percent"), Some(Reason::UnknownValue));
        assert_eq!(err.reason_for("status"), Some(Reason::UnknownValue));
    }
}
