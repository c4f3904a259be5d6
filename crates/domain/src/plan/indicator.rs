//! Indicators of a measure: what is counted, toward what target, and how far it has got.
//! Values are exact decimals; progress is computed from them, never typed in.

use crate::quarter::Quarter;
use crate::validation::{Checker, Reason, Validated};
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use serde::{Deserialize, Serialize};
use std::str::FromStr;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Direction {
    /// More is better (exports, events held).
    Increase,
    /// Less is better (delivery days, intermediaries).
    Decrease,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Accumulation {
    /// Each quarter's actual is the running total so far (the latest one counts).
    Cumulative,
    /// Each quarter's actual is that quarter alone (they add up).
    PerPeriod,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ValueKind {
    Quantity,
    /// 1 = yes, 0 = no.
    YesNo,
}

macro_rules! code_enum {
    ($ty:ty, $field:literal, $($variant:path => $code:literal),+) => {
        impl $ty {
            pub fn code(self) -> &'static str {
                match self { $($variant => $code),+ }
            }
        }
        impl FromStr for $ty {
            type Err = crate::validation::Invalid;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                match s.trim() {
                    $($code => Ok($variant),)+
                    _ => Err(crate::validation::Invalid::one($field, Reason::UnknownValue)),
                }
            }
        }
    };
}

code_enum!(Direction, "direction", Direction::Increase => "increase", Direction::Decrease => "decrease");
code_enum!(Accumulation, "accumulation", Accumulation::Cumulative => "cumulative", Accumulation::PerPeriod => "per-period");
code_enum!(ValueKind, "value_kind", ValueKind::Quantity => "quantity", ValueKind::YesNo => "yes-no");

/// The definition of an indicator.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IndicatorData {
    pub name_ru: String,
    pub name_en: Option<String>,
    pub unit: String,
    pub direction: Direction,
    pub accumulation: Accumulation,
    pub value_kind: ValueKind,
    pub baseline: Option<Decimal>,
    pub baseline_date: Option<chrono::NaiveDate>,
    /// Target for the whole plan period.
    pub target: Option<Decimal>,
    /// Targets per calendar year.
    pub yearly_targets: Vec<(i32, Decimal)>,
}

/// An actual value reported for a quarter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Actual {
    pub quarter: Quarter,
    pub value: Decimal,
}

impl IndicatorData {
    /// The value reached by the end of `until` (inclusive): the latest for a cumulative
    /// indicator, the sum for a per-period one.
    pub fn reached(&self, actuals: &[Actual], until: Quarter) -> Option<Decimal> {
        let mut known: Vec<&Actual> = actuals.iter().filter(|a| a.quarter <= until).collect();
        known.sort_by_key(|a| a.quarter);
        match self.accumulation {
            Accumulation::Cumulative => known.last().map(|a| a.value),
            Accumulation::PerPeriod => (!known.is_empty()).then(|| known.iter().map(|a| a.value).sum()),
        }
    }

    /// How far toward the plan target, 0..=100, given what was reached.
    pub fn achievement(&self, reached: Option<Decimal>) -> Option<f64> {
        let reached = reached?;
        let target = self.target?;
        if self.value_kind == ValueKind::YesNo {
            return Some(if reached >= Decimal::ONE { 100.0 } else { 0.0 });
        }
        let baseline = match self.accumulation {
            Accumulation::Cumulative => self.baseline.unwrap_or_default(),
            // Per-period actuals are counted from zero toward the total target.
            Accumulation::PerPeriod => Decimal::ZERO,
        };
        let (done, needed) = match self.direction {
            Direction::Increase => (reached - baseline, target - baseline),
            Direction::Decrease => (baseline - reached, baseline - target),
        };
        if needed <= Decimal::ZERO {
            return Some(if done >= needed { 100.0 } else { 0.0 });
        }
        let share = (done / needed).to_f64()?;
        Some((share * 100.0).clamp(0.0, 100.0))
    }
}

/// What a form submits for an indicator.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct IndicatorForm {
    pub name_ru: String,
    pub name_en: Option<String>,
    pub unit: String,
    pub direction: String,
    pub accumulation: String,
    pub value_kind: String,
    pub baseline: Option<String>,
    pub baseline_date: Option<String>,
    pub target: Option<String>,
    /// "2025: 10, 2026: 20".
    pub yearly_targets: Option<String>,
}

/// Reads a decimal as people type it: "1 234,5" or "1234.5".
pub fn parse_decimal(raw: &str) -> Option<Decimal> {
    let cleaned: String = raw.trim().chars().filter(|c| !c.is_whitespace() && *c != '\u{a0}').collect();
    Decimal::from_str(&cleaned.replace(',', ".")).ok()
}

impl IndicatorForm {
    pub fn validate(&self) -> Validated<IndicatorData> {
        let mut c = Checker::default();
        let name_ru = c.required("name_ru", &self.name_ru, 500);
        let name_en = c.optional("name_en", self.name_en.as_deref(), 500);
        let unit = c.required("unit", &self.unit, 50);
        let mut pick = |field: &'static str, raw: &str| -> Option<()> {
            if raw.trim().is_empty() {
                c.fail(field, Reason::Required);
                None
            } else {
                Some(())
            }
        };
        let _ = (
            pick("direction", &self.direction),
            pick("accumulation", &self.accumulation),
            pick("value_kind", &self.value_kind),
        );
        let direction = self.direction.parse::<Direction>();
        let accumulation = self.accumulation.parse::<Accumulation>();
        let value_kind = self.value_kind.parse::<ValueKind>();
        for (field, ok) in [
            ("direction", direction.is_ok()),
            ("accumulation", accumulation.is_ok()),
            ("value_kind", value_kind.is_ok()),
        ] {
            if !ok && !c.has(field) {
                c.fail(field, Reason::UnknownValue);
            }
        }
        let decimal = |c: &mut Checker, field: &'static str, raw: Option<&str>| -> Option<Decimal> {
            let raw = raw.map(str::trim).filter(|s| !s.is_empty())?;
            let value = parse_decimal(raw);
            if value.is_none() {
                c.fail(field, Reason::UnknownValue);
            }
            value
        };
        let baseline = decimal(&mut c, "baseline", self.baseline.as_deref());
        let target = decimal(&mut c, "target", self.target.as_deref());
        let baseline_date = match self.baseline_date.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            None => None,
            Some(raw) => match chrono::NaiveDate::parse_from_str(raw, "%Y-%m-%d") {
                Ok(d) => Some(d),
                Err(_) => {
                    c.fail("baseline_date", Reason::UnknownValue);
                    None
                }
            },
        };
        let mut yearly_targets = Vec::new();
        for part in
            self.yearly_targets.as_deref().unwrap_or("").split([';', '\n']).map(str::trim).filter(|p| !p.is_empty())
        {
            let parsed =
                part.split_once(':').and_then(|(y, v)| Some((y.trim().parse::<i32>().ok()?, parse_decimal(v)?)));
            match parsed {
                Some(pair) => yearly_targets.push(pair),
                None => {
                    c.fail("yearly_targets", Reason::UnknownValue);
                    break;
                }
            }
        }
        match (direction, accumulation, value_kind) {
            (Ok(direction), Ok(accumulation), Ok(value_kind)) => c.finish(IndicatorData {
                name_ru,
                name_en,
                unit,
                direction,
                accumulation,
                value_kind,
                baseline,
                baseline_date,
                target,
                yearly_targets,
            }),
            _ => Err(c.finish(()).err().unwrap_or_default()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dec(s: &str) -> Decimal {
        parse_decimal(s).expect("decimal")
    }

    fn q(y: i32, n: u8) -> Quarter {
        Quarter::new(y, n).expect("quarter")
    }

    fn indicator(direction: Direction, accumulation: Accumulation) -> IndicatorData {
        IndicatorData {
            name_ru: "Объём".into(),
            name_en: None,
            unit: "млн USD".into(),
            direction,
            accumulation,
            value_kind: ValueKind::Quantity,
            baseline: Some(dec("100")),
            baseline_date: None,
            target: Some(dec("150")),
            yearly_targets: vec![],
        }
    }

    #[test]
    fn cumulative_takes_the_latest_per_period_adds_up() {
        let actuals = [
            Actual { quarter: q(2025, 2), value: dec("110") },
            Actual { quarter: q(2025, 1), value: dec("105") },
            Actual { quarter: q(2025, 3), value: dec("125") },
        ];
        let cumulative = indicator(Direction::Increase, Accumulation::Cumulative);
        assert_eq!(cumulative.reached(&actuals, q(2025, 2)), Some(dec("110")));
        assert_eq!(cumulative.achievement(cumulative.reached(&actuals, q(2025, 3))), Some(50.0));
        let per_period = indicator(Direction::Increase, Accumulation::PerPeriod);
        assert_eq!(per_period.reached(&actuals, q(2026, 1)), Some(dec("340")));
        assert_eq!(per_period.achievement(Some(dec("75"))), Some(50.0), "counted from zero toward 150");
        assert_eq!(cumulative.reached(&actuals, q(2024, 4)), None);
    }

    #[test]
    fn less_is_better_and_yes_no() {
        let mut days = indicator(Direction::Decrease, Accumulation::Cumulative);
        days.baseline = Some(dec("45"));
        days.target = Some(dec("30"));
        assert_eq!(days.achievement(Some(dec("40"))), Some(100.0 / 3.0));
        assert_eq!(days.achievement(Some(dec("25"))), Some(100.0), "beyond the target is capped");
        assert_eq!(days.achievement(Some(dec("50"))), Some(0.0));
        let mut opened = indicator(Direction::Increase, Accumulation::Cumulative);
        opened.value_kind = ValueKind::YesNo;
        opened.target = Some(Decimal::ONE);
        assert_eq!(opened.achievement(Some(Decimal::ZERO)), Some(0.0));
        assert_eq!(opened.achievement(Some(Decimal::ONE)), Some(100.0));
    }

    #[test]
    fn form_reads_russian_decimals_and_yearly_targets() {
        let form = IndicatorForm {
            name_ru: "Товарооборот".into(),
            unit: "млн USD".into(),
            direction: "increase".into(),
            accumulation: "cumulative".into(),
            value_kind: "quantity".into(),
            baseline: Some("1 234,5".into()),
            target: Some("1500".into()),
            yearly_targets: Some("2025: 1300; 2026: 1 400,5".into()),
            ..Default::default()
        };
        let data = form.validate().expect("valid");
        assert_eq!(data.baseline, Some(dec("1234.5")));
        assert_eq!(data.yearly_targets, vec![(2025, dec("1300")), (2026, dec("1400.5"))]);
        let bad = IndicatorForm { direction: "up".into(), target: Some("many".into()), ..form };
        let err = bad.validate().unwrap_err();
        assert_eq!(err.reason_for("direction"), Some(Reason::UnknownValue));
        assert_eq!(err.reason_for("target"), Some(Reason::UnknownValue));
    }
}
