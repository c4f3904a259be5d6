//! The inputs of the review's actions as pages post them (form fields) and API clients send
//! them (JSON), one type per form, shared by both doors. Values arrive as text from a form and
//! as text or numbers from JSON; [`Text`] takes either.

use accord_domain::plan::Status;
use accord_domain::plan::indicator::parse_decimal;
use accord_domain::review::{Attendance, ControlStatus, IndicatorActual, ReportContent};
use accord_domain::validation::{Invalid, Reason};
use accord_domain::{AgendaItemId, PersonId};
use chrono::{NaiveDate, NaiveDateTime};
use serde::Deserialize;
use std::collections::BTreeMap;

/// A value given as text (a form) or as a number or flag (JSON), kept as its text.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Text(pub String);

impl Text {
    pub fn as_str(&self) -> &str {
        self.0.trim()
    }
}

impl<'de> Deserialize<'de> for Text {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl serde::de::Visitor<'_> for Visitor {
            type Value = Text;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("text or a number")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Text, E> {
                Ok(Text(v.to_string()))
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Text, E> {
                Ok(Text(v.to_string()))
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Text, E> {
                Ok(Text(v.to_string()))
            }
            fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<Text, E> {
                Ok(Text(v.to_string()))
            }
            fn visit_bool<E: serde::de::Error>(self, v: bool) -> Result<Text, E> {
                Ok(Text(v.to_string()))
            }
            fn visit_unit<E: serde::de::Error>(self) -> Result<Text, E> {
                Ok(Text::default())
            }
            fn visit_none<E: serde::de::Error>(self) -> Result<Text, E> {
                Ok(Text::default())
            }
        }
        deserializer.deserialize_any(Visitor)
    }
}

/// The version the writer saw, required on every write of a versioned record (0: it saw none
/// yet): a missing one is refused naming the field `version`.
pub fn version(value: &Option<Text>) -> Result<i64, Invalid> {
    match value.as_ref().map(Text::as_str).filter(|v| !v.is_empty()) {
        None => Err(Invalid::one("version", Reason::Required)),
        Some(raw) => {
            raw.parse().ok().filter(|v: &i64| *v >= 0).ok_or_else(|| Invalid::one("version", Reason::UnknownValue))
        }
    }
}

/// An optional day, `YYYY-MM-DD`, naming `field` when it does not read.
pub fn day(field: &'static str, value: &Option<Text>) -> Result<Option<NaiveDate>, Invalid> {
    match value.as_ref().map(Text::as_str).filter(|v| !v.is_empty()) {
        None => Ok(None),
        Some(raw) => {
            NaiveDate::parse_from_str(raw, "%Y-%m-%d").map(Some).map_err(|_| Invalid::one(field, Reason::UnknownValue))
        }
    }
}

fn text(value: &Option<Text>) -> &str {
    value.as_ref().map_or("", Text::as_str)
}

/// A period's transition: `action` is `open`, `start-review`, `close`, `reopen` (with a
/// `reason`) or `reschedule` (with `meeting_date`, an optional `deadline` and the `version`).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct PeriodInput {
    #[serde(default)]
    pub action: String,
    #[serde(default)]
    pub reason: Option<Text>,
    #[serde(default)]
    pub meeting_date: Option<Text>,
    #[serde(default)]
    pub deadline: Option<Text>,
    #[serde(default)]
    pub version: Option<Text>,
}

impl PeriodInput {
    pub fn reason(&self) -> &str {
        text(&self.reason)
    }
    pub fn meeting_date(&self) -> Result<NaiveDate, Invalid> {
        day("meeting_date", &self.meeting_date)?.ok_or_else(|| Invalid::one("meeting_date", Reason::Required))
    }
    pub fn deadline(&self) -> Result<Option<NaiveDate>, Invalid> {
        day("deadline", &self.deadline)
    }
}

/// A step of a report's workflow: `action` is `save` or `submit` (with the content: `status`,
/// `percent`, `done`, `problems`, `help_needed` and `actual_<indicator id>` values), `return`
/// (with a `comment`) or `accept`; always with the report's `version` (0 for a report not
/// started yet).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ReportInput {
    #[serde(default)]
    pub action: String,
    #[serde(default)]
    pub version: Option<Text>,
    #[serde(default)]
    pub status: Option<Text>,
    #[serde(default)]
    pub percent: Option<Text>,
    #[serde(default)]
    pub done: Option<Text>,
    #[serde(default)]
    pub problems: Option<Text>,
    #[serde(default)]
    pub help_needed: Option<Text>,
    #[serde(default)]
    pub comment: Option<Text>,
    /// The indicator values, `actual_<indicator id>` (and, from a form, its other fields).
    #[serde(flatten)]
    pub rest: BTreeMap<String, Text>,
}

impl ReportInput {
    pub fn version(&self) -> Result<i64, Invalid> {
        version(&self.version)
    }

    pub fn comment(&self) -> &str {
        text(&self.comment)
    }

    /// The content the input describes; a field that does not read is named.
    pub fn content(&self) -> Result<ReportContent, Invalid> {
        let status = Status::ALL
            .into_iter()
            .find(|s| s.code() == text(&self.status))
            .ok_or_else(|| Invalid::one("status", Reason::UnknownValue))?;
        let percent: u8 = match text(&self.percent) {
            "" => 0,
            p => p.parse().ok().filter(|p| *p <= 100).ok_or_else(|| Invalid::one("percent", Reason::UnknownValue))?,
        };
        let mut actuals = Vec::new();
        for (key, value) in &self.rest {
            let Some(id) = key.strip_prefix("actual_") else { continue };
            if value.as_str().is_empty() {
                continue;
            }
            let indicator = id.parse().map_err(|_| Invalid::one("actuals", Reason::UnknownValue))?;
            let value = parse_decimal(value.as_str()).ok_or_else(|| Invalid::one("actuals", Reason::UnknownValue))?;
            actuals.push(IndicatorActual { indicator, value });
        }
        Ok(ReportContent {
            status,
            percent,
            actuals,
            done: text(&self.done).to_string(),
            problems: text(&self.problems).to_string(),
            help_needed: text(&self.help_needed).to_string(),
            attachments: Vec::new(),
        })
    }
}

/// The meeting page's forms: `schedule` (`start` in Minsk time, `YYYY-MM-DDTHH:MM`, and
/// `duration` in minutes, with the meeting's `version`), and the agenda's `generate-agenda`,
/// `add-item` (`side`, `title`, `note`), `move-item` (`item`, `position`) and `remove-item`
/// (`item`), with the agenda's `version`.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct MeetingInput {
    #[serde(default)]
    pub action: String,
    #[serde(default)]
    pub version: Option<Text>,
    #[serde(default)]
    pub start: Option<Text>,
    #[serde(default)]
    pub duration: Option<Text>,
    #[serde(default)]
    pub item: Option<Text>,
    #[serde(default)]
    pub position: Option<Text>,
    #[serde(default)]
    pub side: Option<Text>,
    #[serde(default)]
    pub title: Option<Text>,
    #[serde(default)]
    pub note: Option<Text>,
}

impl MeetingInput {
    pub fn version(&self) -> Result<i64, Invalid> {
        version(&self.version)
    }
    /// The start as read on a Minsk clock.
    pub fn start(&self) -> Result<NaiveDateTime, Invalid> {
        NaiveDateTime::parse_from_str(text(&self.start), "%Y-%m-%dT%H:%M")
            .map_err(|_| Invalid::one("start", Reason::UnknownValue))
    }
    pub fn duration(&self) -> Result<u32, Invalid> {
        text(&self.duration).parse().map_err(|_| Invalid::one("duration", Reason::UnknownValue))
    }
    pub fn item(&self) -> Result<AgendaItemId, Invalid> {
        text(&self.item).parse().map_err(|_| Invalid::one("item", Reason::UnknownValue))
    }
    pub fn position(&self) -> Result<usize, Invalid> {
        text(&self.position).parse().map_err(|_| Invalid::one("position", Reason::UnknownValue))
    }
    pub fn side(&self) -> Result<accord_domain::Side, Invalid> {
        text(&self.side).parse().map_err(|_| Invalid::one("side", Reason::UnknownValue))
    }
    pub fn title(&self) -> &str {
        text(&self.title)
    }
    pub fn note(&self) -> Option<String> {
        Some(text(&self.note).to_string()).filter(|n| !n.is_empty())
    }
}

/// The review session's forms: `attendance` (`att_<person id>` = present, absent, excused or
/// invited; the meeting's `version`), `minutes` (`text`), `decision` (`item` such as 1.2,
/// `text`, `executors` as organisation codes separated by commas, `term`) and `approve`, with
/// the minutes' `version`; `create-measure` (`item`: the decision's id, `number`), with the
/// decision's `version`.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct SessionInput {
    #[serde(default)]
    pub action: String,
    #[serde(default)]
    pub version: Option<Text>,
    #[serde(default)]
    pub text: Option<Text>,
    #[serde(default)]
    pub item: Option<Text>,
    #[serde(default)]
    pub term: Option<Text>,
    #[serde(default)]
    pub number: Option<Text>,
    #[serde(default)]
    pub executors: Option<Text>,
    #[serde(flatten)]
    pub rest: BTreeMap<String, Text>,
}

impl SessionInput {
    pub fn version(&self) -> Result<i64, Invalid> {
        version(&self.version)
    }
    pub fn text(&self) -> &str {
        text(&self.text)
    }
    pub fn item(&self) -> &str {
        text(&self.item)
    }
    pub fn number(&self) -> &str {
        text(&self.number)
    }
    pub fn term(&self) -> Result<Option<NaiveDate>, Invalid> {
        day("term", &self.term)
    }
    /// The executors' organisation codes, as the plan names them.
    pub fn executors(&self) -> Vec<crate::plan::ExecutorRef> {
        text(&self.executors)
            .split(',')
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .map(|c| crate::plan::ExecutorRef { organisation: c.to_string(), lead: false })
            .collect()
    }
    /// The attendance marked for each person (`att_<person id>`).
    pub fn attendance(&self) -> Result<Vec<(PersonId, Attendance)>, Invalid> {
        let mut out = Vec::new();
        for (key, value) in &self.rest {
            let Some(id) = key.strip_prefix("att_") else { continue };
            let person = id.parse().map_err(|_| Invalid::one("attendance", Reason::UnknownValue))?;
            let attendance = match value.as_str() {
                "present" => Attendance::Present,
                "absent" => Attendance::Absent,
                "excused" => Attendance::Excused,
                _ => Attendance::Invited,
            };
            out.push((person, attendance));
        }
        Ok(out)
    }
}

/// A decision's control status as forms name it.
pub fn control_code(c: ControlStatus) -> &'static str {
    match c {
        ControlStatus::OnControl => "on-control",
        ControlStatus::Done => "done",
        ControlStatus::RemovedFromControl => "removed-from-control",
        ControlStatus::Postponed => "postponed",
    }
}

/// Every control status, in the order the register offers them.
pub const CONTROLS: [ControlStatus; 4] =
    [ControlStatus::OnControl, ControlStatus::Postponed, ControlStatus::Done, ControlStatus::RemovedFromControl];

/// The register's control form: the `decision`'s id, its new `control` status, a `term` (for
/// a postponement), a `note`, and the decision's `version`.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ControlInput {
    #[serde(default)]
    pub decision: Option<Text>,
    #[serde(default)]
    pub control: Option<Text>,
    #[serde(default)]
    pub term: Option<Text>,
    #[serde(default)]
    pub note: Option<Text>,
    #[serde(default)]
    pub version: Option<Text>,
}

impl ControlInput {
    pub fn version(&self) -> Result<i64, Invalid> {
        version(&self.version)
    }
    pub fn decision(&self) -> Result<accord_domain::DecisionId, Invalid> {
        text(&self.decision).parse().map_err(|_| Invalid::one("decision", Reason::UnknownValue))
    }
    pub fn control(&self) -> Result<ControlStatus, Invalid> {
        CONTROLS
            .into_iter()
            .find(|c| control_code(*c) == text(&self.control))
            .ok_or_else(|| Invalid::one("control", Reason::UnknownValue))
    }
    pub fn term(&self) -> Result<Option<NaiveDate>, Invalid> {
        day("term", &self.term)
    }
    pub fn note(&self) -> &str {
        text(&self.note)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_form_and_json_give_the_same_report() {
        let indicator = accord_domain::IndicatorId::new_at(1, [1; 10]);
        let form = format!(
            "action=submit&version=3&status=in-progress&percent=40&done=%D0%93%D0%BE%D1%82%D0%BE%D0%B2%D0%BE&actual_{indicator}=7%2C5&_csrf=x"
        );
        let from_form: ReportInput = serde_urlencoded::from_str(&form).expect("form");
        let json = serde_json::json!({
            "action": "submit", "version": 3, "status": "in-progress", "percent": 40, "done": "Готово",
            format!("actual_{indicator}"): "7,5"
        });
        let from_json: ReportInput = serde_json::from_value(json).expect("json");
        for input in [&from_form, &from_json] {
            assert_eq!(input.version(), Ok(3));
            let content = input.content().expect("content");
            assert_eq!((content.percent, content.done.as_str()), (40, "Готово"));
            assert_eq!(content.actuals, vec![IndicatorActual { indicator, value: rust_decimal::Decimal::new(75, 1) }]);
        }
    }

    #[test]
    fn a_write_without_its_version_names_the_field() {
        let input: ReportInput = serde_json::from_value(serde_json::json!({"action": "accept"})).expect("json");
        assert_eq!(input.version(), Err(Invalid::one("version", Reason::Required)));
        let input: ReportInput = serde_json::from_value(serde_json::json!({"version": "x"})).expect("json");
        assert_eq!(input.version(), Err(Invalid::one("version", Reason::UnknownValue)));
        let bad = ReportInput { status: Some(Text("finished".into())), ..Default::default() };
        assert_eq!(bad.content(), Err(Invalid::one("status", Reason::UnknownValue)));
    }
}
