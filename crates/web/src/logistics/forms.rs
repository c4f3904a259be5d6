//! The node and leg forms' fields, read into the domain's node and leg with every field's
//! problem in the reader's language (the use cases then check the whole network).

use super::view::months_text;
use crate::error::AppError;
use crate::i18n::Tr;
use crate::layout::FormErrors;
use accord_domain::logistics::{DayRange, Days, Dwell, Leg, Mode, Months, Node, NodeCode, NodeKind, TempRange};
use accord_domain::trade::{Currency, Money};
use axum::http::StatusCode;
use rust_decimal::Decimal;
use serde::Deserialize;
use std::str::FromStr;

#[derive(Debug, Clone, Default, Deserialize)]
pub(super) struct NodeFormData {
    #[serde(default)]
    pub(super) previous: String,
    #[serde(default)]
    pub(super) version: String,
    #[serde(default)]
    pub(super) code: String,
    #[serde(default)]
    pub(super) name_ru: String,
    #[serde(default)]
    pub(super) name_en: String,
    #[serde(default)]
    pub(super) kind: String,
    #[serde(default)]
    pub(super) country: String,
    #[serde(default)]
    pub(super) time_zone: String,
    #[serde(default)]
    pub(super) handling: String,
    #[serde(default)]
    pub(super) handling_currency: String,
    #[serde(default)]
    pub(super) storage: String,
    #[serde(default)]
    pub(super) storage_currency: String,
    #[serde(default)]
    pub(super) cold_min: String,
    #[serde(default)]
    pub(super) cold_max: String,
    #[serde(default)]
    pub(super) dwell: String,
    #[serde(default)]
    pub(super) source: String,
    /// A new node: the leg that reaches it.
    #[serde(default)]
    pub(super) arrive_from: String,
    #[serde(default)]
    pub(super) arrive_mode: String,
    #[serde(default)]
    pub(super) arrive_km: String,
    #[serde(default)]
    pub(super) arrive_days: String,
    #[serde(default)]
    pub(super) arrive_cost: String,
    #[serde(default)]
    pub(super) arrive_currency: String,
}

fn money_field(
    amount: &str,
    currency: &str,
    field: &'static str,
    errors: &mut Vec<(&'static str, String)>,
    tr: &Tr,
) -> Option<Money> {
    let amount = amount.trim();
    if amount.is_empty() {
        return None;
    }
    let parsed = Decimal::from_str(&amount.replace(',', ".").replace([' ', '\u{a0}'], ""))
        .ok()
        .zip(Currency::parse(currency.trim()).ok())
        .and_then(|(a, c)| Money::from_decimal(a, c).ok());
    if parsed.is_none() {
        errors.push((field, tr.t("logistics-error-money")));
    }
    parsed
}

fn number_field<T: FromStr>(
    text: &str,
    field: &'static str,
    errors: &mut Vec<(&'static str, String)>,
    tr: &Tr,
) -> Option<T> {
    let t = text.trim();
    if t.is_empty() {
        return None;
    }
    let parsed = t.replace(',', ".").parse().ok();
    if parsed.is_none() {
        errors.push((field, tr.t("logistics-error-number")));
    }
    parsed
}

fn days_field(text: &str, field: &'static str, errors: &mut Vec<(&'static str, String)>, tr: &Tr) -> Days {
    match Days::parse(&text.trim().replace(',', ".")) {
        Ok(d) => d,
        Err(_) => {
            errors.push((field, tr.t("logistics-error-number")));
            Days::ZERO
        }
    }
}

impl NodeFormData {
    pub(super) fn of(node: &Node, version: i64) -> NodeFormData {
        NodeFormData {
            previous: node.code.to_string(),
            version: version.to_string(),
            code: node.code.to_string(),
            name_ru: node.name_ru.clone(),
            name_en: node.name_en.clone(),
            kind: serde_json::to_value(node.kind).ok().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default(),
            country: node.country.clone(),
            time_zone: node.time_zone.clone(),
            handling: node.handling_per_container.map(|m| m.to_decimal().to_string()).unwrap_or_default(),
            handling_currency: node.handling_per_container.map(|m| m.currency.code().to_string()).unwrap_or_default(),
            storage: node.storage_per_container_day.map(|m| m.to_decimal().to_string()).unwrap_or_default(),
            storage_currency: node.storage_per_container_day.map(|m| m.currency.code().to_string()).unwrap_or_default(),
            cold_min: node.cold_storage.map(|r| r.min_c.to_string()).unwrap_or_default(),
            cold_max: node.cold_storage.map(|r| r.max_c.to_string()).unwrap_or_default(),
            dwell: serde_json::to_string(&node.dwell).unwrap_or_default(),
            source: node.source.clone(),
            ..Default::default()
        }
    }

    /// The leg that reaches a new node (reefer modes hold -25…+25 °C until edited).
    pub(super) fn arriving_leg(&self, tr: &Tr) -> Result<Leg, Vec<(&'static str, String)>> {
        let mut errors = Vec::new();
        let from = NodeCode::parse(&self.arrive_from)
            .map_err(|_| errors.push(("arrive_from", tr.t("logistics-error-code"))))
            .ok();
        let mode = Mode::ALL.into_iter().find(|m| m.name() == self.arrive_mode.trim());
        if mode.is_none() {
            errors.push(("arrive_mode", tr.t("err-unknown-value")));
        }
        if self.arrive_km.trim().is_empty() {
            errors.push(("arrive_km", tr.t("err-required")));
        }
        let km: Option<u32> = number_field(&self.arrive_km, "arrive_km", &mut errors, tr);
        let d = days_field(&self.arrive_days, "arrive_days", &mut errors, tr);
        if self.arrive_cost.trim().is_empty() {
            errors.push(("arrive_cost", tr.t("err-required")));
        }
        let cost = money_field(&self.arrive_cost, &self.arrive_currency, "arrive_cost", &mut errors, tr);
        let to = NodeCode::parse(&self.code).ok();
        let (Some(from), Some(to), Some(mode), Some(distance_km), true) = (from, to, mode, km, errors.is_empty())
        else {
            return Err(errors);
        };
        Ok(Leg {
            from,
            to,
            mode,
            distance_km,
            transit_days: DayRange { min: d, typical: d, max: d },
            cost_per_container: cost,
            cost_per_tonne: None,
            reefer: mode.is_reefer().then_some(TempRange { min_c: -25, max_c: 25 }),
            months_open: None,
            capacity_per_week: None,
            source: String::new(),
        })
    }

    /// The node the form describes, or every field's problem.
    pub(super) fn node(&self, tr: &Tr) -> Result<Node, Vec<(&'static str, String)>> {
        let mut errors = Vec::new();
        let code = NodeCode::parse(&self.code).map_err(|_| errors.push(("code", tr.t("logistics-error-code")))).ok();
        let kind: Option<NodeKind> = serde_json::from_value(serde_json::Value::String(self.kind.clone()))
            .map_err(|_| errors.push(("kind", tr.t("err-unknown-value"))))
            .ok();
        let handling = money_field(&self.handling, &self.handling_currency, "handling", &mut errors, tr);
        let storage = money_field(&self.storage, &self.storage_currency, "storage", &mut errors, tr);
        let min: Option<i16> = number_field(&self.cold_min, "cold_min", &mut errors, tr);
        let max: Option<i16> = number_field(&self.cold_max, "cold_max", &mut errors, tr);
        let cold = match (min, max) {
            (Some(min_c), Some(max_c)) => Some(TempRange { min_c, max_c }),
            (None, None) => None,
            _ => {
                errors.push(("cold_max", tr.t("logistics-error-range")));
                None
            }
        };
        let dwell: Vec<Dwell> = if self.dwell.trim().is_empty() {
            Vec::new()
        } else {
            serde_json::from_str(&self.dwell).unwrap_or_else(|e| {
                errors.push(("dwell", format!("{}: {e}", tr.t("logistics-error-json"))));
                Vec::new()
            })
        };
        match (code, kind, errors.is_empty()) {
            (Some(code), Some(kind), true) => Ok(Node {
                code,
                name_ru: self.name_ru.trim().to_string(),
                name_en: self.name_en.trim().to_string(),
                kind,
                country: self.country.trim().to_ascii_uppercase(),
                time_zone: self.time_zone.trim().to_string(),
                dwell,
                handling_per_container: handling,
                storage_per_container_day: storage,
                cold_storage: cold,
                source: self.source.trim().to_string(),
            }),
            _ => Err(errors),
        }
    }
}

#[derive(Debug, Clone, Default, Deserialize)]
pub(super) struct LegFormData {
    #[serde(default)]
    pub(super) previous: String,
    #[serde(default)]
    pub(super) version: String,
    #[serde(default)]
    pub(super) from: String,
    #[serde(default)]
    pub(super) to: String,
    #[serde(default)]
    pub(super) mode: String,
    #[serde(default)]
    pub(super) distance_km: String,
    #[serde(default)]
    pub(super) days_min: String,
    #[serde(default)]
    pub(super) days_typical: String,
    #[serde(default)]
    pub(super) days_max: String,
    #[serde(default)]
    pub(super) container: String,
    #[serde(default)]
    pub(super) container_currency: String,
    #[serde(default)]
    pub(super) tonne: String,
    #[serde(default)]
    pub(super) tonne_currency: String,
    #[serde(default)]
    pub(super) reefer_min: String,
    #[serde(default)]
    pub(super) reefer_max: String,
    #[serde(default)]
    pub(super) months_open: String,
    #[serde(default)]
    pub(super) capacity_per_week: String,
    #[serde(default)]
    pub(super) source: String,
}

impl LegFormData {
    pub(super) fn of(leg: &Leg, version: i64) -> LegFormData {
        LegFormData {
            previous: leg.label(),
            version: version.to_string(),
            from: leg.from.to_string(),
            to: leg.to.to_string(),
            mode: leg.mode.name().to_string(),
            distance_km: leg.distance_km.to_string(),
            days_min: leg.transit_days.min.to_decimal().normalize().to_string(),
            days_typical: leg.transit_days.typical.to_decimal().normalize().to_string(),
            days_max: leg.transit_days.max.to_decimal().normalize().to_string(),
            container: leg.cost_per_container.map(|m| m.to_decimal().to_string()).unwrap_or_default(),
            container_currency: leg.cost_per_container.map(|m| m.currency.code().to_string()).unwrap_or_default(),
            tonne: leg.cost_per_tonne.map(|m| m.to_decimal().to_string()).unwrap_or_default(),
            tonne_currency: leg.cost_per_tonne.map(|m| m.currency.code().to_string()).unwrap_or_default(),
            reefer_min: leg.reefer.map(|r| r.min_c.to_string()).unwrap_or_default(),
            reefer_max: leg.reefer.map(|r| r.max_c.to_string()).unwrap_or_default(),
            months_open: months_text(&leg.months_open),
            capacity_per_week: leg.capacity_per_week.map(|c| c.to_string()).unwrap_or_default(),
            source: leg.source.clone(),
        }
    }

    pub(super) fn leg(&self, tr: &Tr) -> Result<Leg, Vec<(&'static str, String)>> {
        let mut errors = Vec::new();
        let from = NodeCode::parse(&self.from).map_err(|_| errors.push(("from", tr.t("logistics-error-code")))).ok();
        let to = NodeCode::parse(&self.to).map_err(|_| errors.push(("to", tr.t("logistics-error-code")))).ok();
        let mode = Mode::ALL.into_iter().find(|m| m.name() == self.mode.trim());
        if mode.is_none() {
            errors.push(("mode", tr.t("err-unknown-value")));
        }
        let distance: Option<u32> = number_field(&self.distance_km, "distance_km", &mut errors, tr);
        if distance.is_none() && self.distance_km.trim().is_empty() {
            errors.push(("distance_km", tr.t("err-required")));
        }
        let transit = DayRange {
            min: days_field(&self.days_min, "days_min", &mut errors, tr),
            typical: days_field(&self.days_typical, "days_typical", &mut errors, tr),
            max: days_field(&self.days_max, "days_max", &mut errors, tr),
        };
        let container = money_field(&self.container, &self.container_currency, "container", &mut errors, tr);
        let tonne = money_field(&self.tonne, &self.tonne_currency, "tonne", &mut errors, tr);
        let min: Option<i16> = number_field(&self.reefer_min, "reefer_min", &mut errors, tr);
        let max: Option<i16> = number_field(&self.reefer_max, "reefer_max", &mut errors, tr);
        let reefer = match (min, max) {
            (Some(min_c), Some(max_c)) => Some(TempRange { min_c, max_c }),
            (None, None) => None,
            _ => {
                errors.push(("reefer_max", tr.t("logistics-error-range")));
                None
            }
        };
        let months = if self.months_open.trim().is_empty() {
            None
        } else {
            let list: Result<Vec<u32>, _> =
                self.months_open.split([',', ' ', ';']).filter(|s| !s.is_empty()).map(str::parse::<u32>).collect();
            match list.ok().and_then(|l| serde_json::from_value::<Months>(serde_json::json!(l)).ok()) {
                Some(m) => Some(m),
                None => {
                    errors.push(("months_open", tr.t("logistics-error-months")));
                    None
                }
            }
        };
        let capacity: Option<u32> = number_field(&self.capacity_per_week, "capacity_per_week", &mut errors, tr);
        match (from, to, mode, distance, errors.is_empty()) {
            (Some(from), Some(to), Some(mode), Some(distance_km), true) => Ok(Leg {
                from,
                to,
                mode,
                distance_km,
                transit_days: transit,
                cost_per_container: container,
                cost_per_tonne: tonne,
                reefer,
                months_open: months,
                capacity_per_week: capacity,
                source: self.source.trim().to_string(),
            }),
            _ => Err(errors),
        }
    }
}

/// A refusal of a node's or a leg's form as the form shows it: a rule about one field beside
/// that field, other rules and conflicts above the form; anything else is an error page.
pub(super) fn form_errors(tr: &Tr, error: accord_app::Error) -> Result<(StatusCode, FormErrors), AppError> {
    if let accord_app::Error::Refused(rule) = &error
        && let Some(field) = rule.field
    {
        let status = crate::error::AppError::App(accord_app::Error::Refused(rule.clone())).info().status;
        return Ok((status, FormErrors::with(vec![(field, tr.ta(&rule.key, &rule.args))], None)));
    }
    FormErrors::from_app_error(tr, error.into())
}
