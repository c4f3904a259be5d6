//! How the fleet pages show things: rows of tables in the reader's language, and the one way a
//! refused form on a machine's page is told (naming the machine, the field and the value).

use crate::error::{AppError, fluent_id};
use crate::i18n::Tr;
use crate::layout::FormErrors;
use accord_app::fleet::MachineItem;
use accord_domain::MachineId;
use accord_domain::fleet::kpi::{GroupKey, Kpi};
use accord_domain::fleet::meter::VoidReason;
use accord_store::{FleetSnapshot, WarrantyRow, WorkOrderRow};
use axum::http::StatusCode;
use chrono::NaiveDate;
use rust_decimal::Decimal;
use std::collections::HashMap;

/// A domain key (`fleet.status.in_service`) in the reader's language.
pub fn k(tr: &Tr, key: &str) -> String {
    tr.t(&fluent_id(key))
}

pub fn brand_name(tr: &Tr, code: &str) -> String {
    match code {
        "maz" | "belaz" | "mtz" | "amkodor" | "gomselmash" => tr.t(&format!("fleet-brand-{code}")),
        other => other.to_string(),
    }
}

pub fn day(tr: &Tr, d: Option<NaiveDate>) -> String {
    d.map_or_else(|| "—".to_string(), |d| tr.day(d))
}

pub fn share(tr: &Tr, v: Option<f64>) -> String {
    v.map_or_else(
        || "—".to_string(),
        |v| tr.percent(Decimal::from_f64_retain(v * 100.0).map(|d| d.round_dp(1)), 1, false),
    )
}

pub fn hours(tr: &Tr, v: Option<f64>) -> String {
    v.map_or_else(|| "—".to_string(), |v| tr.decimal(Decimal::from_f64_retain(v).unwrap_or_default().round_dp(1)))
}

/// A machine row as shown.
pub struct MachineLine {
    pub id: String,
    pub brand: String,
    pub model: String,
    pub ident: String,
    pub year: u16,
    pub owner: String,
    pub district: String,
    pub status: String,
    pub open_orders: u32,
}

pub fn machine_line(tr: &Tr, m: &MachineItem) -> MachineLine {
    MachineLine {
        id: m.id.to_string(),
        brand: brand_name(tr, &m.brand),
        model: m.model_name.clone(),
        ident: m.vin.clone().or_else(|| m.serial.clone()).unwrap_or_default(),
        year: m.year,
        owner: m.owner_name.clone(),
        district: m.district.clone(),
        status: k(tr, m.status.key()),
        open_orders: m.open_orders,
    }
}

pub struct OrderLine {
    pub id: String,
    pub number: i64,
    pub machine: String,
    pub machine_id: String,
    pub kind: String,
    pub status: String,
    pub opened: String,
    pub finished: String,
}

pub fn order_line(tr: &Tr, o: &WorkOrderRow, names: &HashMap<MachineId, String>) -> OrderLine {
    OrderLine {
        id: o.id.to_string(),
        number: o.number,
        machine: names.get(&o.machine).cloned().unwrap_or_else(|| o.machine.to_string()),
        machine_id: o.machine.to_string(),
        kind: k(tr, o.kind.key()),
        status: k(tr, o.status.key()),
        opened: tr.day(o.opened_at.date()),
        finished: day(tr, o.finished_at.map(|t| t.date())),
    }
}

/// Every machine's name (model and VIN or serial number) by id.
pub fn machine_names(snap: &FleetSnapshot) -> HashMap<MachineId, String> {
    snap.machines.iter().map(|m| (m.machine.id, accord_app::fleet::machine_name(m))).collect()
}

/// Figures as shown in a table row.
pub struct KpiLine {
    pub name: String,
    pub machines: u32,
    pub ktg: String,
    pub kv: String,
    pub mtbf: String,
    pub mttr: String,
    pub availability: String,
    pub on_time: String,
    pub cost_km: String,
    pub cost_hour: String,
}

pub fn kpi_line(tr: &Tr, name: String, machines: u32, f: &Kpi) -> KpiLine {
    KpiLine {
        name,
        machines,
        ktg: share(tr, f.ktg),
        kv: share(tr, f.kv),
        mtbf: hours(tr, f.mtbf),
        mttr: hours(tr, f.mttr),
        availability: share(tr, f.availability),
        on_time: share(tr, f.preventive_on_time),
        cost_km: f.cost_per_km.map_or_else(|| "—".into(), |d| tr.decimal(d)),
        cost_hour: f.cost_per_engine_hour.map_or_else(|| "—".into(), |d| tr.decimal(d)),
    }
}

/// A group of the figures by its name.
pub fn group_name(
    tr: &Tr,
    key: &GroupKey,
    snap: &FleetSnapshot,
    owners: &HashMap<accord_domain::OrganisationId, String>,
) -> String {
    match key {
        GroupKey::Fleet => tr.t("fleet-whole"),
        GroupKey::Machine(id) => snap.machine(*id).map_or_else(|| id.to_string(), accord_app::fleet::machine_name),
        GroupKey::Model(id) => snap.models.get(id).map_or_else(|| id.to_string(), |m| m.designation.clone()),
        GroupKey::Brand(b) => brand_name(tr, &accord_store::brand_code(b)),
        GroupKey::Owner(o) => owners.get(o).cloned().unwrap_or_else(|| o.to_string()),
    }
}

pub struct WarrantyLine {
    pub scope: String,
    pub from: String,
    pub until: String,
    pub limit: String,
    pub note: String,
}

pub fn warranty_line(tr: &Tr, row: &WarrantyRow) -> WarrantyLine {
    use accord_domain::fleet::work_order::WarrantyScope;
    let w = &row.warranty;
    WarrantyLine {
        scope: match &w.scope {
            WarrantyScope::Machine => tr.t("fleet-warranty-whole"),
            WarrantyScope::Part(p) => format!("{}: {p}", tr.t("fleet-part")),
        },
        from: tr.day(w.from),
        until: day(tr, w.until),
        limit: w.meter_limit.map_or_else(
            || "—".to_string(),
            |l| format!("{} {} ({})", tr.int(l.up_to), k(tr, l.kind.unit_key()), k(tr, l.kind.key())),
        ),
        note: row.note.clone(),
    }
}

pub fn void_label(tr: &Tr, reason: &VoidReason) -> String {
    match reason {
        VoidReason::Mistyped => tr.t("fleet-void-reason-mistyped"),
        VoidReason::WrongMachine => tr.t("fleet-void-reason-wrong_machine"),
        VoidReason::MeterFault => tr.t("fleet-void-reason-meter_fault"),
        VoidReason::Duplicate => tr.t("fleet-void-reason-duplicate"),
        VoidReason::Other(text) => text.clone(),
    }
}

/// A meter as forms name it: `odometer`, `engine_hours`, `fuel`.
pub fn meter_code(kind: accord_domain::fleet::meter::MeterKind) -> String {
    kind.key().trim_start_matches("fleet.meter.").to_string()
}

/// A select of a form: its field, label, (value, label) options and the value chosen.
pub struct Choice {
    pub name: &'static str,
    pub label: String,
    pub options: Vec<(String, String)>,
    pub current: String,
}

/// The value a rule's refusal names.
fn rule_value(rule: &accord_app::Rule) -> String {
    rule.args.iter().find(|(name, _)| *name == "value").map(|(_, v)| v.clone()).unwrap_or_default()
}

/// A refusal of a form on a machine's page, shown above the form and beside the field: a
/// domain rule names the machine (by model and VIN, not its id), the field and the value; a
/// field that does not read is marked beside it. `form_field` maps the use case's field names
/// to the form's.
pub fn machine_form_errors(
    tr: &Tr,
    machine: &str,
    form_field: impl Fn(&str) -> &'static str,
    error: AppError,
) -> Result<(StatusCode, FormErrors), AppError> {
    let status = error.info().status;
    match error {
        AppError::App(accord_app::Error::Refused(rule)) if rule.field.is_some() => {
            let value = rule_value(&rule);
            let reason = tr.ta(&rule.key, &[("subject", machine.to_string()), ("value", value.clone())]);
            let at = form_field(rule.field.unwrap_or_default());
            let general = tr.ta(
                "fleet-form-refused",
                &[
                    ("machine", machine.to_string()),
                    ("field", tr.t(&format!("fleet-field-{at}"))),
                    ("value", value),
                    ("reason", reason.clone()),
                ],
            );
            Ok((status, FormErrors::with(vec![(at, reason)], Some(general))))
        }
        AppError::App(accord_app::Error::Invalid(invalid)) => {
            let messages = invalid.0.iter().map(|e| (form_field(e.field), tr.reason(e.reason))).collect();
            Ok((status, FormErrors::with(messages, None)))
        }
        other => FormErrors::from_app_error(tr, other),
    }
}
