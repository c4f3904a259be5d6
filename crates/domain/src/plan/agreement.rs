//! The agreement, its action plans and the plan's sections (dimensions of cooperation).

use crate::validation::{Checker, Reason, Validated};
use crate::{AgreementId, IndicatorId, MeasureId, PlanId, Side};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::indicator::{Actual, IndicatorData};
use super::measure::MeasureData;

/// Who signed for a side, and as what.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Signatory {
    pub side: Side,
    pub name: String,
    pub post: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Agreement {
    pub id: AgreementId,
    pub code: String,
    pub title_ru: String,
    pub title_en: Option<String>,
    pub signed_on: Option<NaiveDate>,
    pub signatories: Vec<Signatory>,
}

/// An action plan: its period bounds every term and every due date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Plan {
    pub id: PlanId,
    pub agreement_id: AgreementId,
    pub code: String,
    pub title_ru: String,
    pub title_en: Option<String>,
    pub period_start: NaiveDate,
    pub period_end: NaiveDate,
    /// The version whose text both sides signed, once they have.
    pub signed_version: Option<i64>,
    pub version: i64,
}

impl Plan {
    pub fn title(&self, english: bool) -> &str {
        match (&self.title_en, english) {
            (Some(en), true) => en,
            _ => &self.title_ru,
        }
    }
}

/// A dimension of cooperation: a section of the plan. The list is data an admin edits.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Section {
    pub code: String,
    pub name_ru: String,
    pub name_en: String,
    pub position: i64,
}

impl Section {
    pub fn name(&self, english: bool) -> &str {
        if english { &self.name_en } else { &self.name_ru }
    }
}

/// A stored measure.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Measure {
    pub id: MeasureId,
    pub plan_id: PlanId,
    pub version: i64,
    #[serde(flatten)]
    pub data: MeasureData,
}

/// A stored indicator with the actuals reported so far.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Indicator {
    pub id: IndicatorId,
    pub measure_id: MeasureId,
    pub version: i64,
    #[serde(flatten)]
    pub data: IndicatorData,
    pub actuals: Vec<Actual>,
}

/// What creating a plan (with its agreement) needs.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct PlanForm {
    pub code: String,
    pub title_ru: String,
    pub title_en: Option<String>,
    pub period_start: String,
    pub period_end: String,
}

/// A validated new plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewPlan {
    pub code: String,
    pub title_ru: String,
    pub title_en: Option<String>,
    pub period_start: NaiveDate,
    pub period_end: NaiveDate,
}

impl PlanForm {
    pub fn validate(&self) -> Validated<NewPlan> {
        let mut c = Checker::default();
        let code = c.required("code", &self.code, 40).to_ascii_uppercase();
        if !code.is_empty() && !code.chars().all(|ch| ch.is_ascii_alphanumeric() || ch == '-') {
            c.fail("code", Reason::InvalidCode);
        }
        let title_ru = c.required("title_ru", &self.title_ru, 1000);
        let title_en = c.optional("title_en", self.title_en.as_deref(), 1000);
        let mut date = |field: &'static str, raw: &str| match NaiveDate::parse_from_str(raw.trim(), "%Y-%m-%d") {
            Ok(d) => Some(d),
            Err(_) => {
                c.fail(field, if raw.trim().is_empty() { Reason::Required } else { Reason::UnknownValue });
                None
            }
        };
        let start = date("period_start", &self.period_start);
        let end = date("period_end", &self.period_end);
        match (start, end) {
            (Some(period_start), Some(period_end)) if period_start <= period_end => {
                c.finish(NewPlan { code, title_ru, title_en, period_start, period_end })
            }
            (Some(_), Some(_)) => {
                c.fail("period_end", Reason::UnknownValue);
                Err(c.finish(()).err().unwrap_or_default())
            }
            _ => Err(c.finish(()).err().unwrap_or_default()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plan_form() {
        let form = PlanForm {
            code: "khv-2025".into(),
            title_ru: "План".into(),
            period_start: "2025-01-01".into(),
            period_end: "2027-12-31".into(),
            ..Default::default()
        };
        assert_eq!(form.validate().map(|p| p.code), Ok("KHV-2025".into()));
        let reversed = PlanForm { period_start: "2028-01-01".into(), ..form };
        assert_eq!(reversed.validate().unwrap_err().reason_for("period_end"), Some(Reason::UnknownValue));
    }
}
