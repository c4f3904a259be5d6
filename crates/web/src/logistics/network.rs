//! The network overview: nodes and legs with filters, sorting and pages of legs.

use super::view::{KINDS, day_range, key_text, key_text_id, leg_cost, money, months_text, name, temp_text};
use crate::AppState;
use crate::ctx::Ctx;
use crate::error::AppError;
use crate::layout::{Chrome, render};
use accord_app::logistics::load;
use accord_domain::directory::Action;
use accord_domain::logistics::{Leg, Mode, Node, NodeKind};
use askama::Template;
use axum::Router;
use axum::extract::{Query, State};
use axum::response::Response;
use axum::routing::get;
use serde::Deserialize;

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

pub(super) fn routes() -> Router<AppState> {
    Router::new().route("/logistics", get(overview))
}
