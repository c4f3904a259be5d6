//! Logistics pages: the network with its node and leg forms, routes, chains, localisation,
//! import and export.

use super::transfer::{NetworkFormat, export, import_bytes};
use super::{
    ChainAnswer, Loaded, RouteAnswer, RouteRequest, chain_answer, chain_list, find_routes, load, localisations,
};
use crate::AppState;
use crate::ctx::{CsrfForm, Ctx, constant_time_eq};
use crate::error::AppError;
use crate::i18n::Tr;
use crate::layout::{Chrome, FormErrors, redirect_with_flash, render, render_status};
use accord_domain::directory::Action;
use accord_domain::logistics::{
    DayRange, Days, Dwell, Leg, Mode, Months, Network, NetworkError, Node, NodeCode, NodeKind, TempRange,
};
use accord_domain::trade::{Currency, Money};
use accord_report::trade_charts::{StepKind, WaterfallStep, waterfall_with};
use accord_store::{LogisticsItem, LogisticsKind};
use askama::Template;
use axum::Router;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use chrono::NaiveDate;
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use serde::Deserialize;
use std::str::FromStr;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/logistics", get(overview))
        .route("/logistics/nodes/edit", get(node_form))
        .route("/logistics/nodes/save", post(node_save))
        .route("/logistics/nodes/delete", post(node_delete))
        .route("/logistics/legs/edit", get(leg_form))
        .route("/logistics/legs/save", post(leg_save))
        .route("/logistics/legs/delete", post(leg_delete))
        .route("/logistics/routes", get(routes_page))
        .route("/logistics/chains", get(chains_page))
        .route("/logistics/chains/{key}", get(chain_page))
        .route("/logistics/localisation", get(localisation_page))
        .route("/logistics/import", get(import_form))
        .route("/logistics/export.json", get(export_json))
        .route("/logistics/export.xlsx", get(export_xlsx))
}

fn chrome(ctx: &Ctx, state: &AppState, title_key: &str) -> Chrome {
    Chrome::new(ctx, state.is_demo(), "logistics", ctx.tr.t(title_key)).crumb("logistics-title", "/logistics")
}

pub(super) fn money(tr: &Tr, m: Money) -> String {
    format!("{} {}", tr.minor_units(m.minor), m.currency.code())
}

fn days(tr: &Tr, d: Days) -> String {
    tr.decimal(d.to_decimal())
}

fn day_range(tr: &Tr, r: DayRange) -> String {
    format!("{}–{}–{}", days(tr, r.min), days(tr, r.typical), days(tr, r.max))
}

fn name<'a>(tr: &Tr, ru: &'a str, en: &'a str) -> &'a str {
    if tr.is_en() && !en.trim().is_empty() { en } else { ru }
}

/// A domain key (`logistics.mode.sea`) translated.
fn key_text(tr: &Tr, key: &str) -> String {
    tr.t(&key.replace('.', "-"))
}

pub(super) fn parse_currency(text: Option<&str>) -> Result<Option<Currency>, AppError> {
    match text.map(str::trim).filter(|t| !t.is_empty()) {
        None => Ok(None),
        Some(t) => Currency::parse(t).map(Some).map_err(|_| bad_field("currency")),
    }
}

fn bad_field(field: &'static str) -> AppError {
    accord_domain::validation::Invalid::one(field, accord_domain::validation::Reason::UnknownValue).into()
}

// ---------------------------------------------------------------------------------------------
// Overview: the network

#[derive(Debug, Clone, Default, Deserialize)]
pub struct NetworkQuery {
    pub q: Option<String>,
    pub kind: Option<String>,
    pub country: Option<String>,
    pub mode: Option<String>,
    pub reefer: Option<String>,
    pub sort: Option<String>,
    pub legs_sort: Option<String>,
    pub page: Option<usize>,
}

struct NodeRow {
    code: String,
    name: String,
    kind: String,
    country: String,
    time_zone: String,
    handling: String,
    legs_out: usize,
    edit_href: String,
}

struct LegRow {
    label: String,
    from: String,
    to: String,
    mode: String,
    distance: String,
    days: String,
    cost: String,
    reefer: String,
    season: String,
    edit_href: String,
}

#[derive(Template)]
#[template(path = "logistics/overview.html")]
struct OverviewPage {
    chrome: Chrome,
    query: NetworkQuery,
    nodes: Vec<NodeRow>,
    legs: Vec<LegRow>,
    kinds: Vec<(String, String)>,
    modes: Vec<(String, String)>,
    countries: Vec<String>,
    node_total: usize,
    leg_total: usize,
    leg_shown: usize,
    page: usize,
    pages: usize,
    can_manage: bool,
    stored_empty: bool,
}

impl OverviewPage {
    fn href(&self, page: usize, sort: Option<&str>, legs_sort: Option<&str>) -> String {
        let q = &self.query;
        let pairs = [
            ("q", q.q.clone()),
            ("kind", q.kind.clone()),
            ("country", q.country.clone()),
            ("mode", q.mode.clone()),
            ("reefer", q.reefer.clone()),
            ("sort", sort.map(str::to_string).or_else(|| q.sort.clone())),
            ("legs_sort", legs_sort.map(str::to_string).or_else(|| q.legs_sort.clone())),
            ("page", (page > 1).then(|| page.to_string())),
        ];
        let list: Vec<(&str, String)> =
            pairs.into_iter().filter_map(|(k, v)| v.filter(|v| !v.is_empty()).map(|v| (k, v))).collect();
        format!("/logistics?{}", serde_urlencoded::to_string(list).unwrap_or_default())
    }
    fn page_href(&self, page: usize) -> String {
        self.href(page, None, None)
    }
    fn sort_href(&self, column: &str) -> String {
        let current = self.query.sort.as_deref().unwrap_or("code");
        let next = if current == column { format!("-{column}") } else { column.to_string() };
        self.href(1, Some(&next), None)
    }
    fn legs_sort_href(&self, column: &str) -> String {
        let current = self.query.legs_sort.as_deref().unwrap_or("from");
        let next = if current == column { format!("-{column}") } else { column.to_string() };
        self.href(1, None, Some(&next))
    }
    fn aria(&self, current: Option<&str>, default: &str, column: &str) -> &'static str {
        let current = current.unwrap_or(default);
        if current == column {
            "ascending"
        } else if current.strip_prefix('-') == Some(column) {
            "descending"
        } else {
            "none"
        }
    }
    fn aria_sort(&self, column: &str) -> &'static str {
        self.aria(self.query.sort.as_deref(), "code", column)
    }
    fn aria_legs_sort(&self, column: &str) -> &'static str {
        self.aria(self.query.legs_sort.as_deref(), "from", column)
    }
    fn selected(&self, value: &Option<String>, option: &str) -> bool {
        value.as_deref() == Some(option)
    }
}

const LEGS_PER_PAGE: usize = 50;

fn leg_cost(tr: &Tr, leg: &Leg) -> String {
    let mut parts = Vec::new();
    if let Some(c) = leg.cost_per_container {
        parts.push(format!("{} / {}", money(tr, c), tr.t("logistics-per-container")));
    }
    if let Some(c) = leg.cost_per_tonne {
        parts.push(format!("{} / {}", money(tr, c), tr.t("logistics-per-tonne")));
    }
    parts.join("; ")
}

fn months_text(m: &Option<Months>) -> String {
    m.as_ref()
        .and_then(|m| serde_json::to_value(m).ok())
        .and_then(|v| v.as_array().cloned())
        .map(|list| list.iter().map(|x| x.to_string()).collect::<Vec<_>>().join(", "))
        .unwrap_or_default()
}

fn temp_text(r: &Option<TempRange>) -> String {
    r.map(|r| format!("{}…{} °C", r.min_c, r.max_c)).unwrap_or_default()
}

async fn overview(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(query): Query<NetworkQuery>,
) -> Result<Response, AppError> {
    ctx.require(Action::Read)?;
    let tr = &ctx.tr;
    let loaded = load(state.store()).await?;
    let net = &loaded.data.network;
    let q = query.q.as_deref().map(accord_domain::text::fold).unwrap_or_default();
    let pick = |v: &Option<String>| v.as_deref().map(str::trim).filter(|v| !v.is_empty()).map(str::to_string);
    let (kind, country, mode, reefer) =
        (pick(&query.kind), pick(&query.country), pick(&query.mode), pick(&query.reefer));
    let kind_code = |k: NodeKind| serde_json::to_value(k).ok().and_then(|v| v.as_str().map(str::to_string));
    let mut nodes: Vec<&Node> = net
        .nodes()
        .iter()
        .filter(|n| {
            q.is_empty()
                || [n.code.as_str(), &n.name_ru, &n.name_en].iter().any(|s| accord_domain::text::fold(s).contains(&q))
        })
        .filter(|n| kind.is_none() || kind_code(n.kind) == kind)
        .filter(|n| country.as_deref().is_none_or(|c| n.country.eq_ignore_ascii_case(c)))
        .collect();
    let sort = query.sort.clone().unwrap_or_else(|| "code".into());
    let (desc, column) = match sort.strip_prefix('-') {
        Some(c) => (true, c.to_string()),
        None => (false, sort.clone()),
    };
    nodes.sort_by(|a, b| {
        let o = match column.as_str() {
            "name" => name(tr, &a.name_ru, &a.name_en).cmp(name(tr, &b.name_ru, &b.name_en)),
            "kind" => tr.t(&key_text_id(a.kind.key())).cmp(&tr.t(&key_text_id(b.kind.key()))),
            "country" => a.country.cmp(&b.country),
            _ => a.code.cmp(&b.code),
        };
        if desc { o.reverse() } else { o }
    });
    let node_rows = nodes
        .iter()
        .map(|n| NodeRow {
            code: n.code.to_string(),
            name: name(tr, &n.name_ru, &n.name_en).to_string(),
            kind: key_text(tr, n.kind.key()),
            country: n.country.clone(),
            time_zone: n.time_zone.clone(),
            handling: n.handling_per_container.map(|m| money(tr, m)).unwrap_or_default(),
            legs_out: net.by_code(&n.code).map_or(0, |id| net.legs_from(id).len()),
            edit_href: format!("/logistics/nodes/edit?code={}", crate::error::urlencode(n.code.as_str())),
        })
        .collect();
    let mut legs: Vec<&Leg> = net
        .legs()
        .iter()
        .filter(|l| {
            q.is_empty() || [l.from.as_str(), l.to.as_str()].iter().any(|s| accord_domain::text::fold(s).contains(&q))
        })
        .filter(|l| mode.as_deref().is_none_or(|m| l.mode.name() == m))
        .filter(|l| match reefer.as_deref() {
            Some("yes") => l.reefer.is_some(),
            Some("no") => l.reefer.is_none(),
            _ => true,
        })
        .collect();
    let legs_sort = query.legs_sort.clone().unwrap_or_else(|| "from".into());
    let (ldesc, lcolumn) = match legs_sort.strip_prefix('-') {
        Some(c) => (true, c.to_string()),
        None => (false, legs_sort.clone()),
    };
    legs.sort_by(|a, b| {
        let o = match lcolumn.as_str() {
            "to" => (&a.to, &a.from).cmp(&(&b.to, &b.from)),
            "mode" => a.mode.cmp(&b.mode),
            "distance" => a.distance_km.cmp(&b.distance_km),
            "days" => a.transit_days.typical.cmp(&b.transit_days.typical),
            _ => (&a.from, &a.to, a.mode).cmp(&(&b.from, &b.to, b.mode)),
        };
        if ldesc { o.reverse() } else { o }
    });
    let leg_shown = legs.len();
    let pages = leg_shown.div_ceil(LEGS_PER_PAGE).max(1);
    let page = query.page.unwrap_or(1).clamp(1, pages);
    let leg_rows = legs
        .iter()
        .skip((page - 1) * LEGS_PER_PAGE)
        .take(LEGS_PER_PAGE)
        .map(|l| LegRow {
            label: l.label(),
            from: l.from.to_string(),
            to: l.to.to_string(),
            mode: key_text(tr, l.mode.key()),
            distance: tr.int(i64::from(l.distance_km)),
            days: day_range(tr, l.transit_days),
            cost: leg_cost(tr, l),
            reefer: temp_text(&l.reefer),
            season: months_text(&l.months_open),
            edit_href: format!("/logistics/legs/edit?key={}", crate::error::urlencode(&l.label())),
        })
        .collect();
    let mut countries: Vec<String> = net.nodes().iter().map(|n| n.country.clone()).collect();
    countries.sort();
    countries.dedup();
    let page_view = OverviewPage {
        chrome: Chrome::new(&ctx, state.is_demo(), "logistics", tr.t("logistics-title")),
        query,
        nodes: node_rows,
        legs: leg_rows,
        kinds: KINDS.iter().map(|k| (kind_code(*k).unwrap_or_default(), key_text(tr, k.key()))).collect(),
        modes: Mode::ALL.iter().map(|m| (m.name().to_string(), key_text(tr, m.key()))).collect(),
        countries,
        node_total: net.nodes().len(),
        leg_total: net.legs().len(),
        leg_shown,
        page,
        pages,
        can_manage: ctx.can(Action::ManageLogistics),
        stored_empty: loaded.records.is_empty(),
    };
    render(&page_view)
}

fn key_text_id(key: &str) -> String {
    key.replace('.', "-")
}

const KINDS: [NodeKind; 7] = [
    NodeKind::City,
    NodeKind::RailTerminal,
    NodeKind::SeaPort,
    NodeKind::BorderPoint,
    NodeKind::InspectionPoint,
    NodeKind::Warehouse,
    NodeKind::IndustrialPark,
];

// ---------------------------------------------------------------------------------------------
// Node and leg forms

#[derive(Debug, Clone, Default, Deserialize)]
struct NodeFormData {
    #[serde(default)]
    previous: String,
    #[serde(default)]
    version: String,
    #[serde(default)]
    code: String,
    #[serde(default)]
    name_ru: String,
    #[serde(default)]
    name_en: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    country: String,
    #[serde(default)]
    time_zone: String,
    #[serde(default)]
    handling: String,
    #[serde(default)]
    handling_currency: String,
    #[serde(default)]
    storage: String,
    #[serde(default)]
    storage_currency: String,
    #[serde(default)]
    cold_min: String,
    #[serde(default)]
    cold_max: String,
    #[serde(default)]
    dwell: String,
    #[serde(default)]
    source: String,
    /// A new node: the leg that reaches it.
    #[serde(default)]
    arrive_from: String,
    #[serde(default)]
    arrive_mode: String,
    #[serde(default)]
    arrive_km: String,
    #[serde(default)]
    arrive_days: String,
    #[serde(default)]
    arrive_cost: String,
    #[serde(default)]
    arrive_currency: String,
}

#[derive(Template)]
#[template(path = "logistics/node.html")]
struct NodePage {
    chrome: Chrome,
    form: NodeFormData,
    errors: FormErrors,
    kinds: Vec<(String, String)>,
    modes: Vec<(String, String)>,
    nodes: Vec<(String, String)>,
    is_new: bool,
    can_manage: bool,
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
    fn of(node: &Node, version: i64) -> NodeFormData {
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
    fn arriving_leg(&self, tr: &Tr) -> Result<Leg, Vec<(&'static str, String)>> {
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
    fn node(&self, tr: &Tr) -> Result<Node, Vec<(&'static str, String)>> {
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

#[derive(Deserialize)]
struct KeyQuery {
    code: Option<String>,
    key: Option<String>,
}

async fn node_form(State(state): State<AppState>, ctx: Ctx, Query(q): Query<KeyQuery>) -> Result<Response, AppError> {
    ctx.require(Action::Read)?;
    let records = state.store().logistics_records().await?;
    let (form, is_new) = match q.code.as_deref().filter(|c| !c.is_empty()) {
        Some(code) => {
            let item = records.get(LogisticsKind::Node, code).ok_or(AppError::NotFound)?;
            let node: Node = serde_json::from_value(item.body.clone())
                .map_err(|e| AppError::Internal(format!("stored node {code}: {e}")))?;
            (NodeFormData::of(&node, item.version), false)
        }
        None => {
            ctx.require(Action::ManageLogistics)?;
            (
                NodeFormData {
                    kind: "city".into(),
                    time_zone: "Europe/Minsk".into(),
                    country: "BY".into(),
                    arrive_mode: "rail-container".into(),
                    arrive_currency: "RUB".into(),
                    ..Default::default()
                },
                true,
            )
        }
    };
    node_page(&ctx, &state, form, FormErrors::default(), is_new, StatusCode::OK).await
}

async fn node_page(
    ctx: &Ctx,
    state: &AppState,
    form: NodeFormData,
    errors: FormErrors,
    is_new: bool,
    status: StatusCode,
) -> Result<Response, AppError> {
    let tr = &ctx.tr;
    let nodes = state
        .store()
        .logistics_records()
        .await?
        .nodes()?
        .into_iter()
        .map(|n| (n.code.to_string(), format!("{} — {}", n.code, name(tr, &n.name_ru, &n.name_en))))
        .collect();
    let title =
        if is_new { tr.t("logistics-node-new") } else { format!("{} {}", tr.t("logistics-node"), form.previous) };
    let mut chrome = chrome(ctx, state, "logistics-node");
    chrome.title = title.clone();
    let page = NodePage {
        chrome: chrome.crumb_text(title),
        form,
        errors,
        kinds: KINDS
            .iter()
            .map(|k| {
                let code =
                    serde_json::to_value(k).ok().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default();
                (code, key_text(tr, k.key()))
            })
            .collect(),
        modes: Mode::ALL.iter().map(|m| (m.name().to_string(), key_text(tr, m.key()))).collect(),
        nodes,
        is_new,
        can_manage: ctx.can(Action::ManageLogistics),
    };
    render_status(status, &page)
}

/// Which form field a network problem is about, for a node or a leg form.
fn network_field(e: &NetworkError) -> &'static str {
    match e {
        NetworkError::DuplicateNode(_) => "code",
        NetworkError::DuplicateName { .. } => "name_ru",
        NetworkError::EmptyField { field, .. } | NetworkError::NodeNegative { field, .. } => match *field {
            "handling_per_container" => "handling",
            "storage_per_container_day" => "storage",
            f => f,
        },
        NetworkError::BadTimeZone { .. } => "time_zone",
        NetworkError::NodeRangeOrder { .. } => "dwell",
        NetworkError::UnknownNode { .. } | NetworkError::SelfLoop { .. } => "to",
        NetworkError::NegativeTime { .. } | NetworkError::RangeOrder { .. } => "days_typical",
        NetworkError::NegativeCost { field, .. } => match *field {
            "cost_per_tonne" => "tonne",
            _ => "container",
        },
        NetworkError::NoCost { .. } => "container",
        NetworkError::ReeferWithoutRange { .. } | NetworkError::BadTempRange { .. } => "reefer_max",
        NetworkError::NeverOpen { .. } => "months_open",
        _ => "",
    }
}

/// Validates the network with one node or leg replaced: the problems of the whole network
/// (errors of other items the change causes, like a leg left without its node) and of chains.
fn check_whole(
    tr: &Tr,
    loaded: &Loaded,
    nodes: Vec<Node>,
    legs: Vec<Leg>,
    concerns: impl Fn(&NetworkError) -> bool,
) -> Result<(), FormErrors> {
    let mut fields: Vec<(&'static str, String)> = Vec::new();
    let mut general: Vec<String> = Vec::new();
    for e in Network::validate(&nodes, &legs) {
        let text = tr.ta(&e.key().replace('.', "-"), &[("detail", e.detail())]);
        let field = network_field(&e);
        if concerns(&e) && !field.is_empty() {
            fields.push((field, text));
        } else {
            general.push(text);
        }
    }
    if fields.is_empty() && general.is_empty() {
        let mut doc = loaded.doc.clone();
        doc.nodes = nodes;
        doc.legs = legs;
        if let Err(problems) = doc.validate() {
            general.push(super::problem_lines_in(tr, &problems, 5));
        }
    }
    if fields.is_empty() && general.is_empty() {
        Ok(())
    } else {
        Err(FormErrors::with(fields, (!general.is_empty()).then(|| general.join("; "))))
    }
}

fn version_of(text: &str) -> Option<i64> {
    text.trim().parse().ok()
}

async fn node_save(
    State(state): State<AppState>,
    CsrfForm(ctx, form): CsrfForm<NodeFormData>,
) -> Result<Response, AppError> {
    ctx.require(Action::ManageLogistics)?;
    let tr = ctx.tr;
    let is_new = form.previous.trim().is_empty();
    let mut fields = Vec::new();
    let node = form.node(&tr).map_err(|f| fields.extend(f)).ok();
    // A node's code is its key in legs and chains: it is given once, when the node is created.
    if !is_new && form.code.trim().to_ascii_uppercase() != form.previous.trim() {
        fields.push(("code", tr.t("logistics-error-rename")));
    }
    // A new node needs the leg that reaches it (the network has no unreachable nodes).
    let arriving = if is_new { form.arriving_leg(&tr).map_err(|f| fields.extend(f)).ok() } else { None };
    let node = match node {
        Some(n) if fields.is_empty() => n,
        _ => {
            let errors = FormErrors::with(fields, None);
            return node_page(&ctx, &state, form, errors, is_new, StatusCode::UNPROCESSABLE_ENTITY).await;
        }
    };
    let loaded = load(state.store()).await?;
    let mut nodes = loaded.doc.nodes.clone();
    let mut legs = loaded.doc.legs.clone();
    let previous = form.previous.trim().to_string();
    if is_new {
        nodes.push(node.clone());
    } else {
        let slot = nodes.iter_mut().find(|n| n.code.as_str() == previous).ok_or(AppError::NotFound)?;
        *slot = node.clone();
    }
    if let Some(leg) = &arriving {
        legs.push(leg.clone());
    }
    let code = node.code.clone();
    let arriving_index = arriving.as_ref().map(|_| legs.len() - 1);
    let concerns =
        |e: &NetworkError| e.node() == Some(&code) || (arriving_index.is_some() && e.leg_index() == arriving_index);
    if let Err(errors) = check_whole(&tr, &loaded, nodes.clone(), legs.clone(), concerns) {
        return node_page(&ctx, &state, form, errors, is_new, StatusCode::UNPROCESSABLE_ENTITY).await;
    }
    let saved = if is_new {
        // The node and its leg in one transaction: nothing else differs, so only the two are written.
        let mut whole = loaded.doc.clone();
        whole.nodes = nodes;
        whole.legs = legs;
        let kinds = [LogisticsKind::Node, LogisticsKind::Leg];
        let items = super::transfer::items_of(&whole, &kinds)?;
        let file =
            accord_store::LogisticsFile { file_name: "form".into(), format: "form".into(), sha256: String::new() };
        state.store().logistics_replace(ctx.author(), &kinds, &items, &file).await.map(|_| 1)
    } else {
        let item = LogisticsItem::new(LogisticsKind::Node, node.code.to_string(), &node)?;
        state.store().logistics_save(ctx.author(), Some(&previous), version_of(&form.version), &item).await
    };
    match saved {
        Ok(_) => Ok(redirect_with_flash(&ctx, "/logistics", "logistics-saved")),
        Err(e) => match FormErrors::from_app_error(&tr, e.into()) {
            Ok((status, errors)) => node_page(&ctx, &state, form, errors, is_new, status).await,
            Err(e) => Err(e),
        },
    }
}

#[derive(Deserialize)]
struct DeleteForm {
    key: String,
    version: i64,
}

async fn node_delete(
    State(state): State<AppState>,
    CsrfForm(ctx, form): CsrfForm<DeleteForm>,
) -> Result<Response, AppError> {
    ctx.require(Action::ManageLogistics)?;
    let loaded = load(state.store()).await?;
    let mut nodes = loaded.doc.nodes.clone();
    nodes.retain(|n| n.code.as_str() != form.key);
    let legs = loaded.doc.legs.clone();
    if let Err(errors) = check_whole(&ctx.tr, &loaded, nodes, legs, |_| false) {
        return Err(AppError::logistics("logistics.delete-refused", errors.general.unwrap_or_default()));
    }
    state.store().logistics_delete(ctx.author(), LogisticsKind::Node, &form.key, form.version).await?;
    Ok(redirect_with_flash(&ctx, "/logistics", "logistics-deleted"))
}

#[derive(Debug, Clone, Default, Deserialize)]
struct LegFormData {
    #[serde(default)]
    previous: String,
    #[serde(default)]
    version: String,
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
    #[serde(default)]
    mode: String,
    #[serde(default)]
    distance_km: String,
    #[serde(default)]
    days_min: String,
    #[serde(default)]
    days_typical: String,
    #[serde(default)]
    days_max: String,
    #[serde(default)]
    container: String,
    #[serde(default)]
    container_currency: String,
    #[serde(default)]
    tonne: String,
    #[serde(default)]
    tonne_currency: String,
    #[serde(default)]
    reefer_min: String,
    #[serde(default)]
    reefer_max: String,
    #[serde(default)]
    months_open: String,
    #[serde(default)]
    capacity_per_week: String,
    #[serde(default)]
    source: String,
}

impl LegFormData {
    fn of(leg: &Leg, version: i64) -> LegFormData {
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

    fn leg(&self, tr: &Tr) -> Result<Leg, Vec<(&'static str, String)>> {
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

#[derive(Template)]
#[template(path = "logistics/leg.html")]
struct LegPage {
    chrome: Chrome,
    form: LegFormData,
    errors: FormErrors,
    modes: Vec<(String, String)>,
    nodes: Vec<(String, String)>,
    is_new: bool,
    can_manage: bool,
}

async fn leg_form(State(state): State<AppState>, ctx: Ctx, Query(q): Query<KeyQuery>) -> Result<Response, AppError> {
    ctx.require(Action::Read)?;
    let records = state.store().logistics_records().await?;
    let (form, is_new) = match q.key.as_deref().filter(|c| !c.is_empty()) {
        Some(key) => {
            let item = records.get(LogisticsKind::Leg, key).ok_or(AppError::NotFound)?;
            let leg: Leg = serde_json::from_value(item.body.clone())
                .map_err(|e| AppError::Internal(format!("stored leg {key}: {e}")))?;
            (LegFormData::of(&leg, item.version), false)
        }
        None => {
            ctx.require(Action::ManageLogistics)?;
            (
                LegFormData { mode: "rail-container".into(), container_currency: "RUB".into(), ..Default::default() },
                true,
            )
        }
    };
    leg_page(&ctx, &state, form, FormErrors::default(), is_new, StatusCode::OK).await
}

async fn leg_page(
    ctx: &Ctx,
    state: &AppState,
    form: LegFormData,
    errors: FormErrors,
    is_new: bool,
    status: StatusCode,
) -> Result<Response, AppError> {
    let tr = &ctx.tr;
    let records = state.store().logistics_records().await?;
    let nodes = records
        .nodes()?
        .into_iter()
        .map(|n| (n.code.to_string(), format!("{} — {}", n.code, name(tr, &n.name_ru, &n.name_en))))
        .collect();
    let title = if is_new { tr.t("logistics-leg-new") } else { format!("{} {}", tr.t("logistics-leg"), form.previous) };
    let mut chrome = chrome(ctx, state, "logistics-leg");
    chrome.title = title.clone();
    let page = LegPage {
        chrome: chrome.crumb_text(title),
        form,
        errors,
        modes: Mode::ALL.iter().map(|m| (m.name().to_string(), key_text(tr, m.key()))).collect(),
        nodes,
        is_new,
        can_manage: ctx.can(Action::ManageLogistics),
    };
    render_status(status, &page)
}

async fn leg_save(
    State(state): State<AppState>,
    CsrfForm(ctx, form): CsrfForm<LegFormData>,
) -> Result<Response, AppError> {
    ctx.require(Action::ManageLogistics)?;
    let tr = ctx.tr;
    let is_new = form.previous.trim().is_empty();
    let leg = match form.leg(&tr) {
        Ok(l) => l,
        Err(fields) => {
            return leg_page(
                &ctx,
                &state,
                form,
                FormErrors::with(fields, None),
                is_new,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await;
        }
    };
    let loaded = load(state.store()).await?;
    let mut legs = loaded.doc.legs.clone();
    let previous = form.previous.trim().to_string();
    let label = leg.label();
    if legs.iter().any(|l| l.label() == label && l.label() != previous) {
        let errors = FormErrors::with(vec![("mode", tr.t("err-not-unique"))], None);
        return leg_page(&ctx, &state, form, errors, is_new, StatusCode::UNPROCESSABLE_ENTITY).await;
    }
    if is_new {
        legs.push(leg.clone());
    } else {
        let slot = legs.iter_mut().find(|l| l.label() == previous).ok_or(AppError::NotFound)?;
        *slot = leg.clone();
    }
    let index = legs.iter().position(|l| l.label() == label);
    let result =
        check_whole(&tr, &loaded, loaded.doc.nodes.clone(), legs, |e| e.leg_index() == index && index.is_some());
    if let Err(errors) = result {
        return leg_page(&ctx, &state, form, errors, is_new, StatusCode::UNPROCESSABLE_ENTITY).await;
    }
    let item = LogisticsItem::new(LogisticsKind::Leg, label, &leg)?;
    let saved = if is_new {
        state.store().logistics_save(ctx.author(), None, None, &item).await
    } else {
        state.store().logistics_save(ctx.author(), Some(&previous), version_of(&form.version), &item).await
    };
    match saved {
        Ok(_) => Ok(redirect_with_flash(&ctx, "/logistics", "logistics-saved")),
        Err(e) => match FormErrors::from_app_error(&tr, e.into()) {
            Ok((status, errors)) => leg_page(&ctx, &state, form, errors, is_new, status).await,
            Err(e) => Err(e),
        },
    }
}

async fn leg_delete(
    State(state): State<AppState>,
    CsrfForm(ctx, form): CsrfForm<DeleteForm>,
) -> Result<Response, AppError> {
    ctx.require(Action::ManageLogistics)?;
    let loaded = load(state.store()).await?;
    let mut legs = loaded.doc.legs.clone();
    legs.retain(|l| l.label() != form.key);
    if let Err(errors) = check_whole(&ctx.tr, &loaded, loaded.doc.nodes.clone(), legs, |_| false) {
        return Err(AppError::logistics("logistics.delete-refused", errors.general.unwrap_or_default()));
    }
    state.store().logistics_delete(ctx.author(), LogisticsKind::Leg, &form.key, form.version).await?;
    Ok(redirect_with_flash(&ctx, "/logistics", "logistics-deleted"))
}

// ---------------------------------------------------------------------------------------------
// Routes

/// A route query as query parameters: `from`, `to` (node code or name), `product` (key, code
/// prefix or name), `date` (YYYY-MM-DD, default today), `max_legs`, `currency` (default RUB).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct RoutesQuery {
    pub from: Option<String>,
    pub to: Option<String>,
    pub product: Option<String>,
    pub date: Option<String>,
    pub max_legs: Option<String>,
    pub currency: Option<String>,
}

impl RoutesQuery {
    /// The request, or `None` when the form is not filled in yet.
    pub fn request(&self) -> Result<Option<RouteRequest>, AppError> {
        let text = |v: &Option<String>| v.as_deref().map(str::trim).filter(|v| !v.is_empty()).map(str::to_string);
        let (Some(from), Some(to), Some(product)) = (text(&self.from), text(&self.to), text(&self.product)) else {
            return Ok(None);
        };
        let date = match text(&self.date) {
            Some(d) => NaiveDate::parse_from_str(&d, "%Y-%m-%d").map_err(|_| bad_field("date"))?,
            None => chrono::Utc::now().date_naive(),
        };
        let max_legs = match text(&self.max_legs) {
            Some(n) => Some(n.parse::<u32>().ok().filter(|n| *n > 0).ok_or_else(|| bad_field("max_legs"))?),
            None => None,
        };
        let currency = parse_currency(self.currency.as_deref())?.unwrap_or(Currency::Rub);
        Ok(Some(RouteRequest { from, to, product, date, max_legs, currency, containers: 1 }))
    }
}

struct RouteRow {
    number: usize,
    path: String,
    legs: Vec<String>,
    cost: String,
    days: String,
    shelf_left: String,
    distance: String,
}

#[derive(Template)]
#[template(path = "logistics/routes.html")]
struct RoutesPage {
    chrome: Chrome,
    query: RoutesQuery,
    date: String,
    nodes: Vec<(String, String)>,
    products: Vec<(String, String)>,
    answer: Option<RouteAnswer>,
    rows: Vec<RouteRow>,
    reasons: Vec<String>,
    scatter: String,
    error: Option<String>,
}

fn route_rows(tr: &Tr, answer: &RouteAnswer) -> Vec<RouteRow> {
    answer
        .routes
        .iter()
        .enumerate()
        .map(|(i, r)| RouteRow {
            number: i + 1,
            path: r.nodes.join(" → "),
            legs: r
                .legs
                .iter()
                .map(|l| {
                    format!(
                        "{}→{} {} ({} {})",
                        l.from,
                        l.to,
                        tr.t(&key_text_id(l.mode.key())),
                        days(tr, l.days.typical),
                        tr.t("logistics-days-short")
                    )
                })
                .collect(),
            cost: money(tr, r.cost),
            days: days(tr, r.days.typical),
            shelf_left: r.shelf_left.map(|d| days(tr, d)).unwrap_or_else(|| "—".into()),
            distance: tr.int(i64::try_from(r.distance_km).unwrap_or(i64::MAX)),
        })
        .collect()
}

/// Cost against days of the Pareto routes: each point a route, its number beside it.
fn scatter(tr: &Tr, answer: &RouteAnswer) -> String {
    if answer.routes.len() < 2 {
        return String::new();
    }
    let (w, h, left, bottom, top, right) = (640.0, 260.0, 70.0, 36.0, 16.0, 20.0);
    let xs: Vec<f64> = answer.routes.iter().map(|r| r.days.typical.to_decimal().to_f64().unwrap_or(0.0)).collect();
    let ys: Vec<f64> = answer.routes.iter().map(|r| r.cost.minor as f64 / 100.0).collect();
    let span = |v: &[f64]| {
        let lo = v.iter().copied().fold(f64::INFINITY, f64::min);
        let hi = v.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let pad = ((hi - lo) * 0.1).max(1.0);
        (lo - pad, hi + pad)
    };
    let ((x0, x1), (y0, y1)) = (span(&xs), span(&ys));
    let px = |x: f64| left + (x - x0) / (x1 - x0) * (w - left - right);
    let py = |y: f64| h - bottom - (y - y0) / (y1 - y0) * (h - bottom - top);
    let mut svg = format!(
        r#"<svg class="chart" viewBox="0 0 {w} {h}" role="img" aria-label="{title}" xmlns="http://www.w3.org/2000/svg"><title>{title}</title>"#,
        title = tr.t("logistics-chart-pareto")
    );
    svg.push_str(&format!(
        r#"<line x1="{left}" y1="{yb}" x2="{xr}" y2="{yb}" stroke="currentColor" stroke-opacity="0.4"/><line x1="{left}" y1="{top}" x2="{left}" y2="{yb}" stroke="currentColor" stroke-opacity="0.4"/>"#,
        yb = h - bottom,
        xr = w - right
    ));
    svg.push_str(&format!(
        r#"<text x="{}" y="{}" font-size="12" text-anchor="middle" fill="currentColor">{}</text>"#,
        (left + w - right) / 2.0,
        h - 6.0,
        tr.t("logistics-days")
    ));
    svg.push_str(&format!(
        r#"<text x="4" y="{}" font-size="11" fill="currentColor">{} {}</text><text x="4" y="{}" font-size="11" fill="currentColor">{} {}</text>"#,
        top + 4.0,
        tr.int(y1.round() as i64),
        answer.currency.code(),
        h - bottom,
        tr.int(y0.round() as i64),
        answer.currency.code()
    ));
    let mut path = String::new();
    for (i, (x, y)) in xs.iter().zip(&ys).enumerate() {
        let (cx, cy) = (px(*x), py(*y));
        path.push_str(&format!("{}{cx:.1},{cy:.1}", if i == 0 { "M" } else { " L" }));
        svg.push_str(&format!(
            r#"<circle cx="{cx:.1}" cy="{cy:.1}" r="5" fill="currentColor"><title>{} · {} {} · {}</title></circle><text x="{:.1}" y="{:.1}" font-size="11" fill="currentColor">{}</text>"#,
            i + 1,
            days(tr, answer.routes[i].days.typical),
            tr.t("logistics-days-short"),
            money(tr, answer.routes[i].cost),
            cx + 7.0,
            cy - 7.0,
            i + 1
        ));
    }
    svg.push_str(&format!(
        r#"<path d="{path}" fill="none" stroke="currentColor" stroke-dasharray="4 3" stroke-opacity="0.5"/></svg>"#
    ));
    svg
}

async fn routes_page(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(query): Query<RoutesQuery>,
) -> Result<Response, AppError> {
    ctx.require(Action::Read)?;
    let tr = &ctx.tr;
    let loaded = load(state.store()).await?;
    let mut error = None;
    let mut answer = None;
    match query.request() {
        Ok(Some(request)) => match find_routes(&loaded, &request) {
            Ok(a) => answer = Some(a),
            Err(AppError::Logistics { key, detail }) => error = Some(format!("{}: {detail}", tr.t(&key))),
            Err(e) => return Err(e),
        },
        Ok(None) => {}
        Err(AppError::Invalid(invalid)) => {
            error = Some(
                invalid
                    .0
                    .iter()
                    .map(|e| format!("{}: {}", tr.field(e.field), tr.reason(e.reason)))
                    .collect::<Vec<_>>()
                    .join("; "),
            )
        }
        Err(e) => return Err(e),
    }
    let rows = answer.as_ref().map(|a| route_rows(tr, a)).unwrap_or_default();
    let reasons = answer
        .as_ref()
        .map(|a| a.excluded.iter().map(|x| tr.ta(&x.key, &[("count", x.count.to_string())])).collect())
        .unwrap_or_default();
    let chart = answer.as_ref().map(|a| scatter(tr, a)).unwrap_or_default();
    let status = if error.is_some() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    let date = query
        .date
        .clone()
        .filter(|d| !d.trim().is_empty())
        .unwrap_or_else(|| chrono::Utc::now().date_naive().to_string());
    let page = RoutesPage {
        chrome: chrome(&ctx, &state, "logistics-routes"),
        nodes: loaded
            .data
            .network
            .nodes()
            .iter()
            .map(|n| (n.code.to_string(), format!("{} — {}", name(tr, &n.name_ru, &n.name_en), n.code)))
            .collect(),
        products: loaded
            .data
            .products
            .iter()
            .map(|p| (p.key.clone(), format!("{} ({})", name(tr, &p.name_ru, &p.name_en), p.code)))
            .collect(),
        query,
        date,
        answer,
        rows,
        reasons,
        scatter: chart,
        error,
    };
    render_status(status, &page)
}

// ---------------------------------------------------------------------------------------------
// Chains

#[derive(Deserialize, Default)]
struct CurrencyQuery {
    currency: Option<String>,
}

struct ChainRow {
    key: String,
    name: String,
    product: String,
    intermediaries: usize,
    total: String,
    per_unit: String,
    days: String,
    error: Option<String>,
}

#[derive(Template)]
#[template(path = "logistics/chains.html")]
struct ChainsPage {
    chrome: Chrome,
    rows: Vec<ChainRow>,
    currency: String,
}

const CURRENCIES: [&str; 3] = ["USD", "RUB", "BYN"];

async fn chains_page(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<CurrencyQuery>,
) -> Result<Response, AppError> {
    ctx.require(Action::Read)?;
    let tr = &ctx.tr;
    let currency = parse_currency(q.currency.as_deref())?;
    let loaded = load(state.store()).await?;
    let rows = chain_list(&loaded, currency)
        .into_iter()
        .map(|c| ChainRow {
            name: name(tr, &c.name_ru, &c.name_en).to_string(),
            product: c.product,
            intermediaries: c.intermediaries,
            total: c.total.map(|m| money(tr, m)).unwrap_or_default(),
            per_unit: c.total_per_unit.map(|m| money(tr, m)).unwrap_or_default(),
            days: c.days.map(|d| days(tr, d.typical)).unwrap_or_default(),
            error: c.error,
            key: c.key,
        })
        .collect();
    render(&ChainsPage {
        chrome: chrome(&ctx, &state, "logistics-chains"),
        rows,
        currency: currency.map(|c| c.code().to_string()).unwrap_or_default(),
    })
}

struct CostRow {
    label: String,
    amount: String,
    per_unit: String,
}

struct VariantColumn {
    title: String,
    total: String,
    per_unit: String,
    shelf_price: String,
    days: String,
    diff_total: String,
    diff_per_unit: String,
    diff_days: String,
    cheaper: bool,
}

#[derive(Template)]
#[template(path = "logistics/chain.html")]
struct ChainPage {
    chrome: Chrome,
    key: String,
    currency: String,
    currencies: Vec<&'static str>,
    product: String,
    route: String,
    intermediaries: Vec<String>,
    waterfall: String,
    lines: Vec<CostRow>,
    total: String,
    total_per_unit: String,
    ex_vat: String,
    shelf_price: String,
    days: String,
    shelf_left: String,
    base: VariantColumn,
    variants: Vec<VariantColumn>,
    indicators: Vec<super::indicator_pages::LinkRow>,
}

fn line_label(tr: &Tr, key: &str, detail: &Option<String>) -> String {
    match detail {
        Some(d) => format!("{}: {d}", key_text(tr, key)),
        None => key_text(tr, key),
    }
}

fn signed(tr: &Tr, m: Money) -> String {
    let text = money(tr, m);
    if m.minor > 0 { format!("+{text}") } else { text }
}

async fn chain_page(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(key): Path<String>,
    Query(q): Query<CurrencyQuery>,
) -> Result<Response, AppError> {
    ctx.require(Action::Read)?;
    let tr = &ctx.tr;
    let currency = parse_currency(q.currency.as_deref())?;
    let loaded = load(state.store()).await?;
    let answer: ChainAnswer = chain_answer(&loaded, &key, currency)?;
    let chain = loaded.chain(&key)?;
    let lc = &answer.cost;
    let mut steps: Vec<WaterfallStep> = Vec::new();
    // One bar per kind of cost (legs and margins summed), then the total.
    let mut seen: Vec<&str> = Vec::new();
    for line in &lc.lines {
        if seen.contains(&line.key) {
            continue;
        }
        seen.push(line.key);
        let amount = lc.sum_of(line.key);
        steps.push(WaterfallStep {
            label: key_text(tr, line.key),
            amount: amount.minor as f64 / 100.0,
            kind: if steps.is_empty() { StepKind::Start } else { StepKind::Step },
        });
    }
    steps.push(WaterfallStep { label: tr.t("logistics-total"), amount: 0.0, kind: StepKind::Total });
    let options = crate::trade::chart_options(tr);
    let waterfall = waterfall_with(&tr.t("logistics-chart-waterfall"), &steps, lc.currency.code(), &options);
    let column = |title: String,
                  c: &accord_domain::logistics::LandedCost,
                  diff: Option<&accord_domain::logistics::WhatIf>| VariantColumn {
        title,
        total: money(tr, c.total),
        per_unit: money(tr, c.total_per_unit),
        shelf_price: money(tr, c.shelf_price_per_unit),
        days: days(tr, c.days.typical),
        diff_total: diff.map(|d| signed(tr, d.total_diff)).unwrap_or_default(),
        diff_per_unit: diff.map(|d| signed(tr, d.per_unit_diff)).unwrap_or_default(),
        diff_days: diff.map(|d| days(tr, d.days_diff)).unwrap_or_default(),
        cheaper: diff.is_some_and(|d| d.total_diff.minor < 0),
    };
    let base = column(tr.t("logistics-whatif-today"), lc, None);
    let variants = answer
        .variants
        .iter()
        .map(|v| {
            let title = match &v.detail {
                Some(d) => format!("{}: {d}", tr.t(&v.key)),
                None => tr.t(&v.key),
            };
            column(title, &v.cost, Some(&v.diff))
        })
        .collect();
    let net = &loaded.data.network;
    let route = lc.nodes.iter().map(|n| net.node(*n).code.to_string()).collect::<Vec<_>>().join(" → ");
    let links = super::indicators::measured_links(state.store(), &loaded).await?;
    let links: Vec<_> = links.into_iter().filter(|m| m.link.chain == key).collect();
    let indicators = super::indicator_pages::link_rows(tr, &links, &loaded);
    let title = name(tr, &answer.name_ru, &answer.name_en).to_string();
    let mut chrome = chrome(&ctx, &state, "logistics-chains").crumb("logistics-chains", "/logistics/chains");
    chrome.title = title.clone();
    let page = ChainPage {
        chrome: chrome.crumb_text(title),
        key: answer.key.clone(),
        currency: lc.currency.code().to_string(),
        currencies: CURRENCIES.to_vec(),
        product: loaded
            .data
            .products
            .iter()
            .find(|p| p.key == chain.product)
            .map(|p| format!("{} ({})", name(tr, &p.name_ru, &p.name_en), p.code))
            .unwrap_or_else(|| chain.product.clone()),
        route,
        intermediaries: chain
            .intermediaries
            .iter()
            .map(|i| format!("{} — {}", key_text(tr, i.role.key()), i.name))
            .collect(),
        waterfall,
        lines: lc
            .lines
            .iter()
            .map(|l| CostRow {
                label: line_label(tr, l.key, &l.detail),
                amount: money(tr, l.amount),
                per_unit: money(tr, l.per_unit),
            })
            .collect(),
        total: money(tr, lc.total),
        total_per_unit: money(tr, lc.total_per_unit),
        ex_vat: money(tr, lc.ex_vat),
        shelf_price: money(tr, lc.shelf_price_per_unit),
        days: day_range(tr, lc.days),
        shelf_left: lc.shelf_left.map(|d| days(tr, d)).unwrap_or_else(|| "—".into()),
        base,
        variants,
        indicators,
    };
    render(&page)
}

// ---------------------------------------------------------------------------------------------
// Localisation

struct LocalisationCard {
    name: String,
    volume: String,
    finished: String,
    kit: String,
    currency: String,
    rows: Vec<(String, String, String)>,
}

#[derive(Template)]
#[template(path = "logistics/localisation.html")]
struct LocalisationPage {
    chrome: Chrome,
    cards: Vec<LocalisationCard>,
}

async fn localisation_page(State(state): State<AppState>, ctx: Ctx) -> Result<Response, AppError> {
    ctx.require(Action::Read)?;
    let tr = &ctx.tr;
    let loaded = load(state.store()).await?;
    let amount = |d: Decimal| tr.minor_units((d.round_dp(2) * Decimal::ONE_HUNDRED).to_i64().unwrap_or(0));
    let opt = |d: Option<Decimal>, f: &dyn Fn(Decimal) -> String| d.map(f).unwrap_or_else(|| tr.t("logistics-never"));
    let cards = localisations(&loaded)?
        .into_iter()
        .map(|a| {
            let (w, wo) = (&a.result.with_preferences, &a.result.without_preferences);
            let row = |key: &str, x: String, y: String| (tr.t(key), x, y);
            LocalisationCard {
                name: name(tr, &a.name_ru, &a.name_en).to_string(),
                volume: tr.decimal(a.annual_volume),
                finished: money(tr, a.finished.ex_vat_per_unit),
                kit: money(tr, a.kit.ex_vat_per_unit),
                currency: a.result.currency.code().to_string(),
                rows: vec![
                    row("logistics-loc-saving", amount(w.saving_per_unit), amount(wo.saving_per_unit)),
                    row("logistics-loc-assembly", amount(w.assembly_per_unit), amount(wo.assembly_per_unit)),
                    row("logistics-loc-margin", amount(w.margin_per_unit), amount(wo.margin_per_unit)),
                    row("logistics-loc-fixed", amount(w.fixed_per_year), amount(wo.fixed_per_year)),
                    row("logistics-loc-gain-before", amount(w.gain_before_tax), amount(wo.gain_before_tax)),
                    row("logistics-loc-gain-after", amount(w.gain_after_tax), amount(wo.gain_after_tax)),
                    row(
                        "logistics-loc-break-even",
                        opt(w.break_even_volume, &|d| tr.decimal(d.round_dp(0))),
                        opt(wo.break_even_volume, &|d| tr.decimal(d.round_dp(0))),
                    ),
                    row(
                        "logistics-loc-payback",
                        opt(w.payback_years, &|d| tr.decimal(d.round_dp(1))),
                        opt(wo.payback_years, &|d| tr.decimal(d.round_dp(1))),
                    ),
                ],
            }
        })
        .collect();
    render(&LocalisationPage { chrome: chrome(&ctx, &state, "logistics-localisation"), cards })
}

// ---------------------------------------------------------------------------------------------
// Import and export

#[derive(Template)]
#[template(path = "logistics/import.html")]
struct ImportPage {
    chrome: Chrome,
    report: Option<super::ImportReport>,
    problems: Vec<String>,
}

async fn import_form(State(state): State<AppState>, ctx: Ctx) -> Result<Response, AppError> {
    ctx.require(Action::ManageLogistics)?;
    render(&ImportPage { chrome: chrome(&ctx, &state, "logistics-import"), report: None, problems: Vec::new() })
}

/// The import form's upload: a JSON or XLSX file, and the dry-run box.
pub(super) async fn import_upload(
    State(state): State<AppState>,
    ctx: Ctx,
    mut multipart: Multipart,
) -> Result<Response, AppError> {
    ctx.require(Action::ManageLogistics)?;
    let (mut csrf, mut file_name, mut bytes, mut dry_run) = (String::new(), String::new(), Vec::new(), false);
    while let Some(field) = multipart.next_field().await.map_err(|_| AppError::BadRequest("error-bad-form"))? {
        match field.name().unwrap_or_default() {
            "_csrf" => csrf = field.text().await.map_err(|_| AppError::BadRequest("error-bad-form"))?,
            "dry_run" => dry_run = true,
            "file" => {
                file_name = field.file_name().unwrap_or("network").to_string();
                bytes = field.bytes().await.map_err(|_| AppError::BadRequest("error-bad-form"))?.to_vec();
            }
            _ => {}
        }
    }
    if !constant_time_eq(csrf.as_bytes(), ctx.csrf.as_bytes()) {
        return Err(AppError::Csrf);
    }
    if bytes.is_empty() {
        return Err(AppError::BadRequest("logistics-import-empty"));
    }
    let chrome = chrome(&ctx, &state, "logistics-import");
    match import_bytes(state.store(), &ctx.tr, ctx.author(), &file_name, &bytes, dry_run).await {
        Ok(report) => render(&ImportPage { chrome, report: Some(report), problems: Vec::new() }),
        Err(AppError::Logistics { detail, .. }) => render_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &ImportPage { chrome, report: None, problems: detail.lines().map(str::to_string).collect() },
        ),
        Err(e) => Err(e),
    }
}

async fn export_json(State(state): State<AppState>, ctx: Ctx) -> Result<Response, AppError> {
    ctx.require(Action::Read)?;
    let body = export(state.store(), NetworkFormat::Json).await?;
    Ok((
        [
            (header::CONTENT_TYPE, "application/json"),
            (header::CONTENT_DISPOSITION, "attachment; filename=\"logistics.json\""),
        ],
        body,
    )
        .into_response())
}

async fn export_xlsx(State(state): State<AppState>, ctx: Ctx) -> Result<Response, AppError> {
    ctx.require(Action::Read)?;
    let body = export(state.store(), NetworkFormat::Xlsx).await?;
    Ok((
        [
            (header::CONTENT_TYPE, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
            (header::CONTENT_DISPOSITION, "attachment; filename=\"logistics-network.xlsx\""),
        ],
        body,
    )
        .into_response())
}
