//! The regimes list (`/fleet/regimes`) and a regime's edit page with its three forms: the whole
//! regime, one service's content, the removal of one service (confirmed first). Every form
//! carries the regime's version.

use super::{find_regime, regime_item, service_kind, sorted_regimes};
use crate::AppState;
use crate::ctx::{CsrfForm, Ctx};
use crate::error::{AppError, fluent_id};
use crate::i18n::Tr;
use crate::layout::{Chrome, FormErrors, redirect_with_flash, render, render_status};
use accord_app::fleet::{
    CYCLE_KINDS, RegimeInput, SEASONAL_KINDS, ServiceContentInput, ServiceInput, regime_name, service_code,
    service_field, service_from_code,
};
use accord_domain::directory::Action;
use accord_domain::fleet::meter::MeterKind;
use accord_domain::fleet::parts::PartNumber;
use accord_domain::fleet::regime::{CycleService, Interval, Operation, PartNeed, Regime, Seasonal, ServiceKind};
use accord_domain::validation::{Invalid, Reason};
use accord_store::FleetSnapshot;
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use std::collections::HashMap;
use std::str::FromStr;

const BASE_FIELDS: [(&str, Option<MeterKind>); 4] = [
    ("base_km", Some(MeterKind::Odometer)),
    ("base_hours", Some(MeterKind::EngineHours)),
    ("base_fuel", Some(MeterKind::Fuel)),
    ("base_days", None),
];

fn service_name(tr: &Tr, kind: ServiceKind) -> String {
    tr.t(&fluent_id(kind.key()))
}

fn interval_text(tr: &Tr, i: Interval) -> String {
    let mut parts: Vec<String> = MeterKind::ALL
        .into_iter()
        .filter_map(|k| {
            i.meters[k.index()].map(|v| format!("{} {}", tr.int(i64::from(v)), tr.t(&fluent_id(k.unit_key()))))
        })
        .collect();
    if let Some(d) = i.days {
        parts.push(format!("{} {}", tr.int(i64::from(d)), tr.t("fleet-regime-days-unit")));
    }
    if parts.is_empty() { "—".to_string() } else { parts.join(" / ") }
}

/// A regime as its row on the list shows it.
pub struct RegimeLine {
    pub id: String,
    pub brand: String,
    pub model: String,
    pub engine: String,
    /// Each cycle level: service, what it replaces, interval.
    pub cycle: Vec<(String, String, String)>,
    /// Each seasonal service: service, day, window.
    pub seasonal: Vec<(String, String, String)>,
    /// Each service with content: service, its operations with their hours and its parts.
    pub content: Vec<(String, String)>,
    pub machines: usize,
}

#[derive(Template)]
#[template(path = "fleet/regimes.html")]
struct RegimesPage {
    chrome: Chrome,
    rows: Vec<RegimeLine>,
    can_manage: bool,
}

fn seasonal_day(tr: &Tr, s: &Seasonal) -> (String, String) {
    (format!("{:02}.{:02}", s.day, s.month), tr.ta("fleet-regime-window", &[("days", s.window_days.to_string())]))
}

fn regime_line(tr: &Tr, snap: &FleetSnapshot, r: &Regime) -> RegimeLine {
    let item = regime_item(snap, r, 0);
    RegimeLine {
        id: r.id().to_string(),
        brand: super::super::lines::brand_name(tr, &item.brand),
        model: item.model_name.clone(),
        engine: item.engine.clone().unwrap_or_else(|| "—".to_string()),
        cycle: r
            .cycle_services()
            .iter()
            .enumerate()
            .map(|(level, s)| {
                let replaces = match s.replaces {
                    Some(below) => tr.ta(
                        "fleet-regime-replaces-every",
                        &[("every", s.every.to_string()), ("service", service_name(tr, below))],
                    ),
                    None => tr.t("fleet-regime-lowest"),
                };
                let interval = interval_text(tr, r.level_interval(level).unwrap_or_default());
                (service_name(tr, s.kind), replaces, interval)
            })
            .collect(),
        seasonal: r
            .seasonal()
            .iter()
            .map(|s| {
                let (day, window) = seasonal_day(tr, s);
                (service_name(tr, s.kind), day, window)
            })
            .collect(),
        content: r
            .contents()
            .iter()
            .map(|c| {
                let hours: rust_decimal::Decimal = c.operations.iter().map(|o| o.standard_hours).sum();
                let summary = tr.ta(
                    "fleet-regime-content-summary",
                    &[
                        ("operations", c.operations.len().to_string()),
                        ("hours", tr.decimal(hours)),
                        ("parts", c.parts.len().to_string()),
                    ],
                );
                (service_name(tr, c.kind), summary)
            })
            .collect(),
        machines: snap
            .machines
            .iter()
            .filter(|m| m.machine.model == r.model() && snap.regime_of(&m.machine).map(Regime::id) == Some(r.id()))
            .count(),
    }
}

pub(super) async fn regimes_page(State(state): State<AppState>, ctx: Ctx) -> Result<Response, AppError> {
    ctx.require(Action::Read)?;
    let scope = state.app().fleet_scope(&ctx.actor()).await?;
    let snap = state.store().fleet_snapshot().await?;
    let tr = &ctx.tr;
    let page = RegimesPage {
        chrome: Chrome::new(&ctx, state.is_demo(), "fleet", tr.t("fleet-regimes-title")).crumb("fleet-title", "/fleet"),
        rows: sorted_regimes(&snap).into_iter().map(|r| regime_line(tr, &snap, r)).collect(),
        can_manage: scope.manage,
    };
    render(&page)
}

/// One service's inputs on the edit form.
pub struct ServiceRow {
    pub code: &'static str,
    pub label: String,
    pub seasonal: bool,
}

#[derive(Template)]
#[template(path = "fleet/regime_edit.html")]
struct RegimeEditPage {
    chrome: Chrome,
    id: String,
    /// The regime's version: every form of the page names it.
    version: i64,
    present: Vec<ServiceRow>,
    absent: Vec<ServiceRow>,
    /// Cycle services a service may replace: (code, label).
    lower: Vec<(&'static str, String)>,
    values: HashMap<String, String>,
    errors: FormErrors,
}

impl RegimeEditPage {
    fn v(&self, code: &str, part: &str) -> String {
        let name = if code.is_empty() { part.to_string() } else { format!("{code}_{part}") };
        self.values.get(&name).cloned().unwrap_or_default()
    }
    fn err(&self, code: &str, part: &str) -> Option<String> {
        let name = if code.is_empty() { part.to_string() } else { format!("{code}_{part}") };
        self.errors.get(&name).map(str::to_string)
    }
}

/// The form's values as the stored regime gives them.
fn form_values(r: &Regime) -> HashMap<String, String> {
    let mut v = HashMap::new();
    let base = r.base();
    for (name, kind) in BASE_FIELDS {
        let value = match kind {
            Some(k) => base.meters[k.index()],
            None => base.days,
        };
        v.insert(name.to_string(), value.map(|x| x.to_string()).unwrap_or_default());
    }
    for s in r.cycle_services() {
        let c = service_code(s.kind);
        v.insert(format!("{c}_on"), "1".into());
        v.insert(format!("{c}_replaces"), s.replaces.map(service_code).unwrap_or_default().into());
        v.insert(format!("{c}_every"), s.every.to_string());
    }
    for content in r.contents() {
        let c = service_code(content.kind);
        let operations: Vec<String> =
            content.operations.iter().map(|o| format!("{}; {}", o.code, o.standard_hours.normalize())).collect();
        let parts: Vec<String> = content.parts.iter().map(|p| format!("{}; {}", p.part, p.qty)).collect();
        v.insert(format!("{c}_operations"), operations.join("\n"));
        v.insert(format!("{c}_parts"), parts.join("\n"));
    }
    for s in r.seasonal() {
        let c = service_code(s.kind);
        v.insert(format!("{c}_on"), "1".into());
        v.insert(format!("{c}_month"), s.month.to_string());
        v.insert(format!("{c}_day"), s.day.to_string());
        v.insert(format!("{c}_window"), s.window_days.to_string());
    }
    v
}

pub(super) async fn edit_page(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let snap = state.store().fleet_snapshot().await?;
    let (regime, version) = find_regime(&snap, &id)?;
    let values = form_values(regime);
    edit_page_with(&state, &ctx, &snap, (regime, version), values, FormErrors::default(), StatusCode::OK).await
}

async fn edit_page_with(
    state: &AppState,
    ctx: &Ctx,
    snap: &FleetSnapshot,
    (regime, version): (&Regime, i64),
    values: HashMap<String, String>,
    errors: FormErrors,
    status: StatusCode,
) -> Result<Response, AppError> {
    if !state.app().fleet_scope(&ctx.actor()).await?.manage {
        return Err(AppError::Forbidden);
    }
    let tr = &ctx.tr;
    let on = |k: ServiceKind| values.get(service_field(k, ServiceInput::On)).is_some_and(|v| !v.is_empty());
    let row = |k: ServiceKind| ServiceRow {
        code: service_code(k),
        label: service_name(tr, k),
        seasonal: SEASONAL_KINDS.contains(&k),
    };
    let all = CYCLE_KINDS.into_iter().chain(SEASONAL_KINDS);
    let page = RegimeEditPage {
        chrome: Chrome::new(
            ctx,
            state.is_demo(),
            "fleet",
            format!("{} · {}", tr.t("fleet-regime"), regime_name(snap, regime)),
        )
        .crumb("fleet-regimes-title", "/fleet/regimes"),
        id: regime.id().to_string(),
        version,
        present: all.clone().filter(|k| on(*k)).map(row).collect(),
        absent: all.filter(|k| !on(*k)).map(row).collect(),
        lower: CYCLE_KINDS.into_iter().map(|k| (service_code(k), service_name(tr, k))).collect(),
        values,
        errors,
    };
    render_status(status, &page)
}

/// Reads the form: a number per input, empty for none; a non-number is refused naming its
/// field. Everything else (which combination makes a regime) is the domain's to judge.
fn parse_form(values: &HashMap<String, String>) -> Result<RegimeInput, Invalid> {
    fn number<T: FromStr>(values: &HashMap<String, String>, name: &'static str) -> Result<Option<T>, Invalid> {
        let text: String = values
            .get(name)
            .map(|v| v.chars().filter(|c| !c.is_whitespace() && *c != '\u{a0}').collect())
            .unwrap_or_default();
        if text.is_empty() {
            return Ok(None);
        }
        text.parse().map(Some).map_err(|_| Invalid::one(name, Reason::UnknownValue))
    }
    let field = service_field;
    let required = |name: &'static str, v: Option<u16>| v.ok_or_else(|| Invalid::one(name, Reason::Required));
    let mut base = Interval::default();
    for (name, kind) in BASE_FIELDS {
        let value = number::<u32>(values, name)?;
        match kind {
            Some(k) => base.meters[k.index()] = value,
            None => base.days = value,
        }
    }
    let on = |k: ServiceKind| values.get(field(k, ServiceInput::On)).is_some_and(|v| !v.is_empty());
    let mut cycle = Vec::new();
    for k in CYCLE_KINDS.into_iter().filter(|k| on(*k)) {
        let name = field(k, ServiceInput::Replaces);
        let replaces = match values.get(name).map(|v| v.trim()).unwrap_or_default() {
            "" => None,
            code => Some(service_from_code(code).ok_or_else(|| Invalid::one(name, Reason::UnknownValue))?),
        };
        let every_field = field(k, ServiceInput::Every);
        let every = match replaces {
            None => number::<u16>(values, every_field)?.unwrap_or(1),
            Some(_) => required(every_field, number(values, every_field)?)?,
        };
        cycle.push(CycleService { kind: k, replaces, every });
    }
    let mut seasonal = Vec::new();
    for k in SEASONAL_KINDS.into_iter().filter(|k| on(*k)) {
        let month = number::<u8>(values, field(k, ServiceInput::Month))?
            .ok_or_else(|| Invalid::one(field(k, ServiceInput::Month), Reason::Required))?;
        let day = number::<u8>(values, field(k, ServiceInput::Day))?
            .ok_or_else(|| Invalid::one(field(k, ServiceInput::Day), Reason::Required))?;
        let window_days = number::<u16>(values, field(k, ServiceInput::Window))?.unwrap_or(0);
        seasonal.push(Seasonal { kind: k, month, day, window_days });
    }
    Ok(RegimeInput { base: base.into(), cycle, seasonal, content: None, version: values.get("version").cloned() })
}

/// A refusal's value with the services named in the reader's language (the use case names
/// them by their codes, as the API shows them).
fn services_named(tr: &Tr, value: &str) -> String {
    value
        .split(' ')
        .map(|word| service_from_code(word).map_or_else(|| word.to_string(), |k| service_name(tr, k)))
        .collect::<Vec<_>>()
        .join(" ")
}

/// A refusal beside its field, and above the form naming the regime.
fn form_errors(tr: &Tr, error: accord_app::Error) -> Result<(StatusCode, FormErrors), AppError> {
    match error {
        accord_app::Error::Refused(rule) if rule.field.is_some() => {
            let arg =
                |name: &str| rule.args.iter().find(|(n, _)| *n == name).map(|(_, v)| v.clone()).unwrap_or_default();
            let (subject, value) = (arg("subject"), services_named(tr, &arg("value")));
            let reason = tr.ta(&rule.key, &[("subject", subject.clone()), ("value", value)]);
            let general = tr.ta("fleet-regime-refused", &[("regime", subject), ("reason", reason.clone())]);
            let field = rule.field.unwrap_or_default();
            Ok((StatusCode::UNPROCESSABLE_ENTITY, FormErrors::with(vec![(field, reason)], Some(general))))
        }
        other => FormErrors::from_app_error(tr, other.into()),
    }
}

pub(super) async fn edit_form(
    State(state): State<AppState>,
    Path(id): Path<String>,
    CsrfForm(ctx, form): CsrfForm<HashMap<String, String>>,
) -> Result<Response, AppError> {
    let snap = state.store().fleet_snapshot().await?;
    let (regime, version) = find_regime(&snap, &id)?;
    let result = match parse_form(&form) {
        Ok(input) => state.app().regime_change(&ctx.actor(), regime.id(), &input).await.map(|_| ()),
        Err(e) => Err(e.into()),
    };
    match result {
        Ok(()) => Ok(redirect_with_flash(&ctx, &format!("/fleet/regimes#r-{}", regime.id()), "fleet-regime-saved")),
        Err(error) => {
            let (status, errors) = form_errors(&ctx.tr, error)?;
            edit_page_with(&state, &ctx, &snap, (regime, version), form, errors, status).await
        }
    }
}

/// Removes one service from the stored regime (the form asks for confirmation first).
pub(super) async fn remove_form(
    State(state): State<AppState>,
    Path((id, kind)): Path<(String, String)>,
    CsrfForm(ctx, form): CsrfForm<HashMap<String, String>>,
) -> Result<Response, AppError> {
    let snap = state.store().fleet_snapshot().await?;
    let (regime, version) = find_regime(&snap, &id)?;
    let kind = service_kind(&kind)?;
    let seen = form.get("version").cloned();
    match state.app().regime_service_remove(&ctx.actor(), regime.id(), kind, &seen).await {
        Ok(_) => Ok(redirect_with_flash(&ctx, &format!("/fleet/regimes/{}", regime.id()), "fleet-regime-saved")),
        Err(error) => {
            let (status, errors) = form_errors(&ctx.tr, error)?;
            edit_page_with(&state, &ctx, &snap, (regime, version), form_values(regime), errors, status).await
        }
    }
}

/// A line of a content list: `code; value` (a tab also separates).
fn split_line(line: &str) -> (&str, Option<&str>) {
    match line.split_once([';', '\t']) {
        Some((a, b)) => (a.trim(), Some(b.trim()).filter(|b| !b.is_empty())),
        None => (line.trim(), None),
    }
}

/// Reads a service's content from the form's two lists, one item a line: `code; standard hours`
/// (a comma or a point before the decimals) and `part number; quantity` (1 when left out).
/// A line that does not read is refused beside its list, naming the line.
fn parse_content(
    tr: &Tr,
    kind: ServiceKind,
    values: &HashMap<String, String>,
) -> Result<ServiceContentInput, (&'static str, String)> {
    let text = |part| values.get(service_field(kind, part)).map(String::as_str).unwrap_or_default();
    let operations_field = service_field(kind, ServiceInput::Operations);
    let parts_field = service_field(kind, ServiceInput::Parts);
    let mut operations = Vec::new();
    for (i, line) in text(ServiceInput::Operations).lines().enumerate().filter(|(_, l)| !l.trim().is_empty()) {
        let line_no = (i + 1).to_string();
        let (code, hours) = split_line(line);
        let hours = hours
            .map(|h| h.replace(',', ".").replace([' ', '\u{a0}'], ""))
            .and_then(|h| h.parse::<rust_decimal::Decimal>().ok())
            .ok_or_else(|| (operations_field, tr.ta("fleet-regime-line-hours", &[("line", line_no)])))?;
        operations.push(Operation { code: code.to_string(), standard_hours: hours });
    }
    let mut parts = Vec::new();
    for (i, line) in text(ServiceInput::Parts).lines().enumerate().filter(|(_, l)| !l.trim().is_empty()) {
        let line_no = (i + 1).to_string();
        let (number, qty) = split_line(line);
        let part = PartNumber::parse(number).map_err(|_| {
            (parts_field, tr.ta("fleet-regime-line-part", &[("line", line_no.clone()), ("value", number.into())]))
        })?;
        let qty = match qty {
            None => 1,
            Some(q) => {
                q.parse::<u32>().map_err(|_| (parts_field, tr.ta("fleet-regime-line-qty", &[("line", line_no)])))?
            }
        };
        parts.push(PartNeed { part, qty });
    }
    Ok(ServiceContentInput { operations, parts, version: values.get("version").cloned() })
}

pub(super) async fn content_form(
    State(state): State<AppState>,
    Path((id, kind)): Path<(String, String)>,
    CsrfForm(ctx, form): CsrfForm<HashMap<String, String>>,
) -> Result<Response, AppError> {
    let snap = state.store().fleet_snapshot().await?;
    let (regime, version) = find_regime(&snap, &id)?;
    let kind = service_kind(&kind)?;
    let tr = &ctx.tr;
    let refused = match parse_content(tr, kind, &form) {
        Err((name, message)) => Some((name, message)),
        Ok(content) => match state.app().regime_content_change(&ctx.actor(), regime.id(), kind, &content).await {
            Ok(_) => None,
            Err(accord_app::Error::Refused(rule)) if rule.field.is_some() => {
                let part = if rule.field == Some("parts") { ServiceInput::Parts } else { ServiceInput::Operations };
                Some((service_field(kind, part), tr.ta(&rule.key, &rule.args)))
            }
            Err(other) => {
                let (status, errors) = form_errors(tr, other)?;
                return edit_page_with(&state, &ctx, &snap, (regime, version), form_values(regime), errors, status)
                    .await;
            }
        },
    };
    let Some((name, message)) = refused else {
        let to = format!("/fleet/regimes/{}#content-{}", regime.id(), service_code(kind));
        return Ok(redirect_with_flash(&ctx, &to, "fleet-regime-content-saved"));
    };
    let general = tr.ta("fleet-regime-refused", &[("regime", regime_name(&snap, regime)), ("reason", message.clone())]);
    let mut values = form_values(regime);
    for part in [ServiceInput::Operations, ServiceInput::Parts] {
        let name = service_field(kind, part);
        values.insert(name.to_string(), form.get(name).cloned().unwrap_or_default());
    }
    let errors = FormErrors::with(vec![(name, message)], Some(general));
    edit_page_with(&state, &ctx, &snap, (regime, version), values, errors, StatusCode::UNPROCESSABLE_ENTITY).await
}
