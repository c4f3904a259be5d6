//! Maintenance regimes: every model's regime on one page (`/fleet/regimes`), an edit form per
//! regime (`/fleet/regimes/{id}`) for those who manage the fleet, and the same over the API
//! (`GET /api/v1/fleet/regimes`, `PUT /api/v1/fleet/regimes/{id}`).
//!
//! The domain checks every revision ([`Regime::revised`]); its refusals come back as 422 naming
//! the form field (`base_km`, `to2_every`, `to2_replaces`, `spring_day`, …), nothing saved.
//! Regimes carry no version in the store, so the last save wins; the audit log keeps each
//! earlier state.

use super::Scope;
use crate::AppState;
use crate::ctx::{ApiUser, CsrfForm, Ctx};
use crate::error::{AppError, fluent_id};
use crate::i18n::Tr;
use crate::layout::{Chrome, FormErrors, redirect_with_flash, render, render_status};
use accord_domain::RegimeId;
use accord_domain::directory::Action;
use accord_domain::fleet::meter::MeterKind;
use accord_domain::fleet::parts::PartNumber;
use accord_domain::fleet::regime::{
    ContentError, CycleService, Interval, Operation, PartNeed, Regime, RegimeError, Seasonal, ServiceContent,
    ServiceKind,
};
use accord_domain::validation::Reason;
use accord_store::{FleetSnapshot, StoreError};
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post, put};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::str::FromStr;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/fleet/regimes", get(regimes_page))
        .route("/fleet/regimes/{id}", get(edit_page).post(edit_form))
        .route("/fleet/regimes/{id}/services/{kind}/remove", post(remove_form))
        .route("/fleet/regimes/{id}/services/{kind}/content", post(content_form))
        .route("/api/v1/fleet/regimes", get(regimes_api))
        .route("/api/v1/fleet/regimes/{id}", get(regime_api).put(update_api))
        .route("/api/v1/fleet/regimes/{id}/services/{kind}", put(content_api))
}

const CYCLE_KINDS: [ServiceKind; 3] = [ServiceKind::To1, ServiceKind::To2, ServiceKind::To3];
const SEASONAL_KINDS: [ServiceKind; 2] = [ServiceKind::Spring, ServiceKind::Autumn];

/// A service kind as forms, URLs and the API name it.
pub fn kind_code(kind: ServiceKind) -> &'static str {
    match kind {
        ServiceKind::To1 => "to1",
        ServiceKind::To2 => "to2",
        ServiceKind::To3 => "to3",
        ServiceKind::Spring => "spring",
        ServiceKind::Autumn => "autumn",
    }
}

fn kind_from(code: &str) -> Option<ServiceKind> {
    CYCLE_KINDS.into_iter().chain(SEASONAL_KINDS).find(|k| kind_code(*k) == code.trim())
}

/// Which input of a service a field name points at.
#[derive(Clone, Copy)]
enum Part {
    On,
    Replaces,
    Every,
    Month,
    Day,
    Window,
    Operations,
    Parts,
}

/// The form field (and API field) of a service's input: `to2_every`, `spring_day`, …
fn field(kind: ServiceKind, part: Part) -> &'static str {
    use ServiceKind::*;
    match (kind, part) {
        (To1, Part::On) => "to1_on",
        (To2, Part::On) => "to2_on",
        (To3, Part::On) => "to3_on",
        (Spring, Part::On) => "spring_on",
        (Autumn, Part::On) => "autumn_on",
        (To1, Part::Operations) => "to1_operations",
        (To2, Part::Operations) => "to2_operations",
        (To3, Part::Operations) => "to3_operations",
        (Spring, Part::Operations) => "spring_operations",
        (Autumn, Part::Operations) => "autumn_operations",
        (To1, Part::Parts) => "to1_parts",
        (To2, Part::Parts) => "to2_parts",
        (To3, Part::Parts) => "to3_parts",
        (Spring, Part::Parts) => "spring_parts",
        (Autumn, Part::Parts) => "autumn_parts",
        (To1, Part::Replaces) => "to1_replaces",
        (To2, Part::Replaces) => "to2_replaces",
        (To3, Part::Replaces) => "to3_replaces",
        (To1, _) => "to1_every",
        (To2, _) => "to2_every",
        (To3, _) => "to3_every",
        (Spring | Autumn, Part::Replaces | Part::Every) => field(kind, Part::On),
        (Spring, Part::Month) => "spring_month",
        (Spring, Part::Day) => "spring_day",
        (Spring, Part::Window) => "spring_window",
        (Autumn, Part::Month) => "autumn_month",
        (Autumn, Part::Day) => "autumn_day",
        (Autumn, Part::Window) => "autumn_window",
    }
}

const BASE_FIELDS: [(&str, Option<MeterKind>); 4] = [
    ("base_km", Some(MeterKind::Odometer)),
    ("base_hours", Some(MeterKind::EngineHours)),
    ("base_fuel", Some(MeterKind::Fuel)),
    ("base_days", None),
];

/// The form field a domain refusal belongs beside.
fn refusal_field(e: &RegimeError) -> &'static str {
    match e {
        RegimeError::NoBaseInterval { .. } | RegimeError::ZeroInterval { .. } => "base_km",
        RegimeError::Empty { .. } | RegimeError::NoLowestService { .. } | RegimeError::CycleTooLong { .. } => "cycle",
        RegimeError::BadEvery { kind, .. } => field(*kind, Part::Every),
        RegimeError::BadSeasonDay { kind, .. } => field(*kind, Part::Day),
        RegimeError::DuplicateKind { kind, .. } => field(*kind, Part::On),
        RegimeError::NestsItself { kind, .. }
        | RegimeError::TwoLowestServices { kind, .. }
        | RegimeError::ReplacesAbsent { kind, .. }
        | RegimeError::ReplacedTwice { kind, .. }
        | RegimeError::NestingLoop { kind, .. } => field(*kind, Part::Replaces),
    }
}

fn service_name(tr: Option<&Tr>, kind: ServiceKind) -> String {
    tr.map_or_else(|| kind_code(kind).to_string(), |tr| tr.t(&fluent_id(kind.key())))
}

/// A domain refusal as the 422 the pages and the API show: the regime's model as subject,
/// the service, multiple or day concerned as value (service names in the reader's language
/// on pages, as codes over the API).
fn refusal(tr: Option<&Tr>, subject: &str, e: &RegimeError) -> AppError {
    let value = match e {
        RegimeError::BadEvery { every, .. } => every.to_string(),
        RegimeError::BadSeasonDay { month, day, .. } => format!("{day:02}.{month:02}"),
        RegimeError::ReplacesAbsent { kind, replaces, .. } | RegimeError::ReplacedTwice { kind, replaces, .. } => {
            format!("{} → {}", service_name(tr, *kind), service_name(tr, *replaces))
        }
        other => other.service().map(|k| service_name(tr, k)).unwrap_or_default(),
    };
    AppError::Store(StoreError::Refused {
        key: e.key(),
        field: refusal_field(e),
        subject: subject.to_string(),
        value,
        message: e.to_string(),
    })
}

/// An interval as the API gives and takes it; any part may be absent.
#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct IntervalBody {
    pub km: Option<u32>,
    pub engine_hours: Option<u32>,
    pub fuel: Option<u32>,
    pub days: Option<u32>,
}

impl From<Interval> for IntervalBody {
    fn from(i: Interval) -> Self {
        IntervalBody {
            km: i.meters[MeterKind::Odometer.index()],
            engine_hours: i.meters[MeterKind::EngineHours.index()],
            fuel: i.meters[MeterKind::Fuel.index()],
            days: i.days,
        }
    }
}

impl From<IntervalBody> for Interval {
    fn from(b: IntervalBody) -> Self {
        let mut i = Interval { meters: [None; 3], days: b.days };
        i.meters[MeterKind::Odometer.index()] = b.km;
        i.meters[MeterKind::EngineHours.index()] = b.engine_hours;
        i.meters[MeterKind::Fuel.index()] = b.fuel;
        i
    }
}

/// A cycle level as the API lists it: what it replaces, and its resulting interval.
#[derive(Debug, Serialize)]
pub struct LevelItem {
    pub kind: ServiceKind,
    pub replaces: Option<ServiceKind>,
    pub every: u16,
    pub interval: IntervalBody,
}

/// A regime as the API lists it.
#[derive(Debug, Serialize)]
pub struct RegimeItem {
    pub id: RegimeId,
    pub model: accord_domain::ModelId,
    pub brand: String,
    pub model_name: String,
    pub engine: Option<String>,
    pub base: IntervalBody,
    pub cycle: Vec<LevelItem>,
    pub seasonal: Vec<Seasonal>,
    /// Each service's operations (code, standard hours) and parts (number, quantity).
    pub content: Vec<ServiceContent>,
}

fn engine_name(r: &Regime) -> Option<String> {
    r.engine().map(|e| e.model.clone())
}

/// "МАЗ-5440 (ЯМЗ-536)": how refusals and titles name a regime.
fn regime_name(snap: &FleetSnapshot, r: &Regime) -> String {
    let model = snap.models.get(&r.model()).map(|m| m.designation.clone()).unwrap_or_default();
    match engine_name(r) {
        Some(e) => format!("{model} ({e})"),
        None => model,
    }
}

fn regime_item(snap: &FleetSnapshot, r: &Regime) -> RegimeItem {
    let model = snap.models.get(&r.model());
    RegimeItem {
        id: r.id(),
        model: r.model(),
        brand: model.map(|m| accord_store::brand_code(&m.brand)).unwrap_or_default(),
        model_name: model.map(|m| m.designation.clone()).unwrap_or_default(),
        engine: engine_name(r),
        base: r.base().into(),
        cycle: r
            .cycle_services()
            .into_iter()
            .enumerate()
            .map(|(level, s)| LevelItem {
                kind: s.kind,
                replaces: s.replaces,
                every: s.every,
                interval: r.level_interval(level).unwrap_or_default().into(),
            })
            .collect(),
        seasonal: r.seasonal().to_vec(),
        content: r.contents().to_vec(),
    }
}

/// Regimes in catalogue order: brand, model, engine.
fn sorted_regimes(snap: &FleetSnapshot) -> Vec<&Regime> {
    let mut list: Vec<&Regime> = snap.regimes.iter().collect();
    let key = |r: &Regime| {
        let m = snap.models.get(&r.model());
        (m.map(|m| accord_store::brand_code(&m.brand)), m.map(|m| m.designation.clone()), engine_name(r))
    };
    list.sort_by_cached_key(|r| key(r));
    list
}

fn find_regime<'a>(snap: &'a FleetSnapshot, id: &str) -> Result<&'a Regime, AppError> {
    let id = RegimeId::from_str(id.trim()).map_err(|_| AppError::NotFound)?;
    snap.regimes.iter().find(|r| r.id() == id).ok_or(AppError::NotFound)
}

/// What an edit states: the interval, the cycle by what each service replaces, the seasons,
/// and (over the API) optionally every service's content.
struct Revision {
    base: Interval,
    cycle: Vec<CycleService>,
    seasonal: Vec<Seasonal>,
    /// `None` keeps the content of the services kept; a list replaces all of it.
    content: Option<Vec<ServiceContent>>,
}

/// Checks a revision in the domain and saves it (one audited transaction).
async fn save(
    state: &AppState,
    author: accord_store::Author<'_>,
    tr: Option<&Tr>,
    snap: &FleetSnapshot,
    regime: &Regime,
    revision: Revision,
) -> Result<Regime, AppError> {
    let mut revised = regime
        .revised(revision.base, &revision.cycle, revision.seasonal)
        .map_err(|e| refusal(tr, &regime_name(snap, regime), &e))?;
    if let Some(contents) = revision.content {
        let refused = |e: ContentError| content_refusal(&regime_name(snap, regime), &e);
        for kind in revised.contents().iter().map(|c| c.kind).collect::<Vec<_>>() {
            revised =
                revised.with_content(ServiceContent { kind, operations: vec![], parts: vec![] }).map_err(refused)?;
        }
        for content in contents {
            revised = revised.with_content(content).map_err(refused)?;
        }
    }
    let version = snap.regime(regime.id()).map_or(1, |(_, v)| v);
    state.store().fleet_regime_update(author, &revised, version).await?;
    Ok(revised)
}

// ------------------------------------------------------------------------------- pages

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

fn brand_label(tr: &Tr, code: &str) -> String {
    match code {
        "maz" | "belaz" | "mtz" | "amkodor" | "gomselmash" => tr.t(&format!("fleet-brand-{code}")),
        other => other.to_string(),
    }
}

fn seasonal_day(tr: &Tr, s: &Seasonal) -> (String, String) {
    (format!("{:02}.{:02}", s.day, s.month), tr.ta("fleet-regime-window", &[("days", s.window_days.to_string())]))
}

async fn regimes_page(State(state): State<AppState>, ctx: Ctx) -> Result<Response, AppError> {
    ctx.require(Action::Read)?;
    let store = state.store();
    let scope = Scope::of(store, &ctx.user).await?;
    let snap = store.fleet_snapshot().await?;
    let tr = &ctx.tr;
    let rows = sorted_regimes(&snap)
        .into_iter()
        .map(|r| {
            let item = regime_item(&snap, r);
            RegimeLine {
                id: r.id().to_string(),
                brand: brand_label(tr, &item.brand),
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
                                &[("every", s.every.to_string()), ("service", service_name(Some(tr), below))],
                            ),
                            None => tr.t("fleet-regime-lowest"),
                        };
                        let interval = interval_text(tr, r.level_interval(level).unwrap_or_default());
                        (service_name(Some(tr), s.kind), replaces, interval)
                    })
                    .collect(),
                seasonal: r
                    .seasonal()
                    .iter()
                    .map(|s| {
                        let (day, window) = seasonal_day(tr, s);
                        (service_name(Some(tr), s.kind), day, window)
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
                        (service_name(Some(tr), c.kind), summary)
                    })
                    .collect(),
                machines: snap
                    .machines
                    .iter()
                    .filter(|m| {
                        m.machine.model == r.model() && snap.regime_of(&m.machine).map(Regime::id) == Some(r.id())
                    })
                    .count(),
            }
        })
        .collect();
    let page = RegimesPage {
        chrome: Chrome::new(&ctx, state.is_demo(), "fleet", tr.t("fleet-regimes-title")).crumb("fleet-title", "/fleet"),
        rows,
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
        let c = kind_code(s.kind);
        v.insert(format!("{c}_on"), "1".into());
        v.insert(format!("{c}_replaces"), s.replaces.map(kind_code).unwrap_or_default().into());
        v.insert(format!("{c}_every"), s.every.to_string());
    }
    for content in r.contents() {
        let c = kind_code(content.kind);
        let operations: Vec<String> =
            content.operations.iter().map(|o| format!("{}; {}", o.code, o.standard_hours.normalize())).collect();
        let parts: Vec<String> = content.parts.iter().map(|p| format!("{}; {}", p.part, p.qty)).collect();
        v.insert(format!("{c}_operations"), operations.join("\n"));
        v.insert(format!("{c}_parts"), parts.join("\n"));
    }
    for s in r.seasonal() {
        let c = kind_code(s.kind);
        v.insert(format!("{c}_on"), "1".into());
        v.insert(format!("{c}_month"), s.month.to_string());
        v.insert(format!("{c}_day"), s.day.to_string());
        v.insert(format!("{c}_window"), s.window_days.to_string());
    }
    v
}

async fn edit_page(State(state): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> Result<Response, AppError> {
    let snap = state.store().fleet_snapshot().await?;
    let regime = find_regime(&snap, &id)?;
    let values = form_values(regime);
    edit_page_with(&state, &ctx, &snap, regime, values, FormErrors::default(), StatusCode::OK).await
}

async fn edit_page_with(
    state: &AppState,
    ctx: &Ctx,
    snap: &FleetSnapshot,
    regime: &Regime,
    values: HashMap<String, String>,
    errors: FormErrors,
    status: StatusCode,
) -> Result<Response, AppError> {
    Scope::of(state.store(), &ctx.user).await?.require_manage()?;
    let tr = &ctx.tr;
    let on = |k: ServiceKind| values.get(field(k, Part::On)).is_some_and(|v| !v.is_empty());
    let row = |k: ServiceKind| ServiceRow {
        code: kind_code(k),
        label: service_name(Some(tr), k),
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
        present: all.clone().filter(|k| on(*k)).map(row).collect(),
        absent: all.filter(|k| !on(*k)).map(row).collect(),
        lower: CYCLE_KINDS.into_iter().map(|k| (kind_code(k), service_name(Some(tr), k))).collect(),
        values,
        errors,
    };
    render_status(status, &page)
}

/// Reads the form: a number per input, empty for none; a non-number is refused naming its
/// field. Everything else (which combination makes a regime) is the domain's to judge.
fn parse_form(values: &HashMap<String, String>) -> Result<Revision, AppError> {
    fn number<T: FromStr>(values: &HashMap<String, String>, name: &'static str) -> Result<Option<T>, AppError> {
        let text: String = values
            .get(name)
            .map(|v| v.chars().filter(|c| !c.is_whitespace() && *c != '\u{a0}').collect())
            .unwrap_or_default();
        if text.is_empty() {
            return Ok(None);
        }
        text.parse().map(Some).map_err(|_| super::invalid(name, Reason::UnknownValue))
    }
    let required = |name: &'static str, v: Option<u16>| v.ok_or_else(|| super::invalid(name, Reason::Required));
    let mut base = Interval::default();
    for (name, kind) in BASE_FIELDS {
        let value = number::<u32>(values, name)?;
        match kind {
            Some(k) => base.meters[k.index()] = value,
            None => base.days = value,
        }
    }
    let on = |k: ServiceKind| values.get(field(k, Part::On)).is_some_and(|v| !v.is_empty());
    let mut cycle = Vec::new();
    for k in CYCLE_KINDS.into_iter().filter(|k| on(*k)) {
        let name = field(k, Part::Replaces);
        let replaces = match values.get(name).map(|v| v.trim()).unwrap_or_default() {
            "" => None,
            code => Some(kind_from(code).ok_or_else(|| super::invalid(name, Reason::UnknownValue))?),
        };
        let every = match replaces {
            None => number::<u16>(values, field(k, Part::Every))?.unwrap_or(1),
            Some(_) => required(field(k, Part::Every), number(values, field(k, Part::Every))?)?,
        };
        cycle.push(CycleService { kind: k, replaces, every });
    }
    let mut seasonal = Vec::new();
    for k in SEASONAL_KINDS.into_iter().filter(|k| on(*k)) {
        let month = number::<u8>(values, field(k, Part::Month))?
            .ok_or_else(|| super::invalid(field(k, Part::Month), Reason::Required))?;
        let day = number::<u8>(values, field(k, Part::Day))?
            .ok_or_else(|| super::invalid(field(k, Part::Day), Reason::Required))?;
        let window_days = number::<u16>(values, field(k, Part::Window))?.unwrap_or(0);
        seasonal.push(Seasonal { kind: k, month, day, window_days });
    }
    Ok(Revision { base, cycle, seasonal, content: None })
}

/// A refusal beside its field, and above the form naming the regime.
fn form_errors(tr: &Tr, error: AppError) -> Result<(StatusCode, FormErrors), AppError> {
    match error {
        AppError::Store(StoreError::Refused { key, field, subject, value, .. }) => {
            let reason = tr.ta(&fluent_id(key), &[("subject", subject.clone()), ("value", value)]);
            let general = tr.ta("fleet-regime-refused", &[("regime", subject), ("reason", reason.clone())]);
            Ok((StatusCode::UNPROCESSABLE_ENTITY, FormErrors::with(vec![(field, reason)], Some(general))))
        }
        other => FormErrors::from_app_error(tr, other),
    }
}

async fn edit_form(
    State(state): State<AppState>,
    Path(id): Path<String>,
    CsrfForm(ctx, form): CsrfForm<HashMap<String, String>>,
) -> Result<Response, AppError> {
    let store = state.store();
    Scope::of(store, &ctx.user).await?.require_manage()?;
    let snap = store.fleet_snapshot().await?;
    let regime = find_regime(&snap, &id)?;
    let result = match parse_form(&form) {
        Ok(revision) => save(&state, ctx.author(), Some(&ctx.tr), &snap, regime, revision).await.map(|_| ()),
        Err(e) => Err(e),
    };
    match result {
        Ok(()) => Ok(redirect_with_flash(&ctx, &format!("/fleet/regimes#r-{}", regime.id()), "fleet-regime-saved")),
        Err(error) => {
            let (status, errors) = form_errors(&ctx.tr, error)?;
            edit_page_with(&state, &ctx, &snap, regime, form, errors, status).await
        }
    }
}

/// Removes one service from the stored regime (the form asks for confirmation first).
async fn remove_form(
    State(state): State<AppState>,
    Path((id, kind)): Path<(String, String)>,
    CsrfForm(ctx, _form): CsrfForm<HashMap<String, String>>,
) -> Result<Response, AppError> {
    let store = state.store();
    Scope::of(store, &ctx.user).await?.require_manage()?;
    let snap = store.fleet_snapshot().await?;
    let regime = find_regime(&snap, &id)?;
    let kind = kind_from(&kind).ok_or(AppError::NotFound)?;
    let revision = Revision {
        base: regime.base(),
        cycle: regime.cycle_services().into_iter().filter(|s| s.kind != kind).collect(),
        seasonal: regime.seasonal().iter().copied().filter(|s| s.kind != kind).collect(),
        content: None,
    };
    match save(&state, ctx.author(), Some(&ctx.tr), &snap, regime, revision).await {
        Ok(_) => Ok(redirect_with_flash(&ctx, &format!("/fleet/regimes/{}", regime.id()), "fleet-regime-saved")),
        Err(error) => {
            let (status, errors) = form_errors(&ctx.tr, error)?;
            edit_page_with(&state, &ctx, &snap, regime, form_values(regime), errors, status).await
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
) -> Result<ServiceContent, (&'static str, String)> {
    let text = |part| values.get(field(kind, part)).map(String::as_str).unwrap_or_default();
    let mut operations = Vec::new();
    for (i, line) in text(Part::Operations).lines().enumerate().filter(|(_, l)| !l.trim().is_empty()) {
        let line_no = (i + 1).to_string();
        let (code, hours) = split_line(line);
        let hours = hours
            .map(|h| h.replace(',', ".").replace([' ', '\u{a0}'], ""))
            .and_then(|h| h.parse::<rust_decimal::Decimal>().ok())
            .ok_or_else(|| (field(kind, Part::Operations), tr.ta("fleet-regime-line-hours", &[("line", line_no)])))?;
        operations.push(Operation { code: code.to_string(), standard_hours: hours });
    }
    let mut parts = Vec::new();
    for (i, line) in text(Part::Parts).lines().enumerate().filter(|(_, l)| !l.trim().is_empty()) {
        let line_no = (i + 1).to_string();
        let (number, qty) = split_line(line);
        let part = PartNumber::parse(number).map_err(|_| {
            (
                field(kind, Part::Parts),
                tr.ta("fleet-regime-line-part", &[("line", line_no.clone()), ("value", number.into())]),
            )
        })?;
        let qty = match qty {
            None => 1,
            Some(q) => q
                .parse::<u32>()
                .map_err(|_| (field(kind, Part::Parts), tr.ta("fleet-regime-line-qty", &[("line", line_no)])))?,
        };
        parts.push(PartNeed { part, qty });
    }
    Ok(ServiceContent { kind, operations, parts })
}

/// A content refusal as the 422 the page and the API show, naming the regime, the list and
/// the value.
fn content_refusal(subject: &str, e: &ContentError) -> AppError {
    AppError::Store(StoreError::Refused {
        key: e.key(),
        field: e.field(),
        subject: subject.to_string(),
        value: e.value(),
        message: e.to_string(),
    })
}

/// Checks a service's content in the domain and saves the regime (the store checks that every
/// part is in the catalogue).
async fn save_content(
    state: &AppState,
    author: accord_store::Author<'_>,
    snap: &FleetSnapshot,
    regime: &Regime,
    content: ServiceContent,
) -> Result<Regime, AppError> {
    let revised = regime.with_content(content).map_err(|e| content_refusal(&regime_name(snap, regime), &e))?;
    let version = snap.regime(regime.id()).map_or(1, |(_, v)| v);
    state.store().fleet_regime_update(author, &revised, version).await?;
    Ok(revised)
}

async fn content_form(
    State(state): State<AppState>,
    Path((id, kind)): Path<(String, String)>,
    CsrfForm(ctx, form): CsrfForm<HashMap<String, String>>,
) -> Result<Response, AppError> {
    let store = state.store();
    Scope::of(store, &ctx.user).await?.require_manage()?;
    let snap = store.fleet_snapshot().await?;
    let regime = find_regime(&snap, &id)?;
    let kind = kind_from(&kind).ok_or(AppError::NotFound)?;
    let tr = &ctx.tr;
    let refused = match parse_content(tr, kind, &form) {
        Err((name, message)) => Some((name, message)),
        Ok(content) => match save_content(&state, ctx.author(), &snap, regime, content).await {
            Ok(_) => None,
            Err(AppError::Store(StoreError::Refused { key, field: list, subject, value, .. })) => {
                let part = if list == "parts" { Part::Parts } else { Part::Operations };
                Some((field(kind, part), tr.ta(&fluent_id(key), &[("subject", subject), ("value", value)])))
            }
            Err(other) => return Err(other),
        },
    };
    let Some((name, message)) = refused else {
        let to = format!("/fleet/regimes/{}#content-{}", regime.id(), kind_code(kind));
        return Ok(redirect_with_flash(&ctx, &to, "fleet-regime-content-saved"));
    };
    let general = tr.ta("fleet-regime-refused", &[("regime", regime_name(&snap, regime)), ("reason", message.clone())]);
    let mut values = form_values(regime);
    for part in [Part::Operations, Part::Parts] {
        let name = field(kind, part);
        values.insert(name.to_string(), form.get(name).cloned().unwrap_or_default());
    }
    let errors = FormErrors::with(vec![(name, message)], Some(general));
    edit_page_with(&state, &ctx, &snap, regime, values, errors, StatusCode::UNPROCESSABLE_ENTITY).await
}

// --------------------------------------------------------------------------------- API

async fn regimes_api(State(state): State<AppState>, api: ApiUser) -> Result<Json<Vec<RegimeItem>>, AppError> {
    api.require(Action::Read)?;
    let snap = state.store().fleet_snapshot().await?;
    Ok(Json(sorted_regimes(&snap).into_iter().map(|r| regime_item(&snap, r)).collect()))
}

async fn regime_api(
    State(state): State<AppState>,
    api: ApiUser,
    Path(id): Path<String>,
) -> Result<Json<RegimeItem>, AppError> {
    api.require(Action::Read)?;
    let snap = state.store().fleet_snapshot().await?;
    Ok(Json(regime_item(&snap, find_regime(&snap, &id)?)))
}

/// A revision over the API: the whole regime (interval, cycle stated by what each service
/// replaces, seasonal services).
#[derive(Debug, Deserialize)]
struct RegimeBody {
    #[serde(default)]
    base: IntervalBody,
    #[serde(default)]
    cycle: Vec<CycleService>,
    #[serde(default)]
    seasonal: Vec<Seasonal>,
    /// Every service's operations and parts; left out, the content of the services kept stays.
    content: Option<Vec<ServiceContent>>,
}

async fn update_api(
    State(state): State<AppState>,
    api: ApiUser,
    Path(id): Path<String>,
    Json(body): Json<RegimeBody>,
) -> Result<Json<RegimeItem>, AppError> {
    let store = state.store();
    Scope::of(store, &api.user).await?.require_manage()?;
    let snap = store.fleet_snapshot().await?;
    let regime = find_regime(&snap, &id)?;
    let author = accord_store::Author::user(api.user.login.as_str());
    let revision =
        Revision { base: body.base.into(), cycle: body.cycle, seasonal: body.seasonal, content: body.content };
    let revised = save(&state, author, None, &snap, regime, revision).await?;
    Ok(Json(regime_item(&snap, &revised)))
}

/// A service's operations and parts over the API; both lists replace the stored ones.
#[derive(Debug, Deserialize)]
struct ContentBody {
    #[serde(default)]
    operations: Vec<Operation>,
    #[serde(default)]
    parts: Vec<PartNeed>,
}

async fn content_api(
    State(state): State<AppState>,
    api: ApiUser,
    Path((id, kind)): Path<(String, String)>,
    Json(body): Json<ContentBody>,
) -> Result<Json<RegimeItem>, AppError> {
    let store = state.store();
    Scope::of(store, &api.user).await?.require_manage()?;
    let snap = store.fleet_snapshot().await?;
    let regime = find_regime(&snap, &id)?;
    let kind = kind_from(&kind).ok_or(AppError::NotFound)?;
    let author = accord_store::Author::user(api.user.login.as_str());
    let content = ServiceContent { kind, operations: body.operations, parts: body.parts };
    let revised = save_content(&state, author, &snap, regime, content).await?;
    Ok(Json(regime_item(&snap, &revised)))
}
