//! Pareto routes between two nodes for a product on a date: every route no other beats on
//! both cost and time, and why the others were left out.

use super::{DEFAULT_FINANCING_PERCENT, Loaded, refused};
use crate::{Error, Result};
use accord_domain::logistics::{
    DayRange, Days, ExcludedBy, Exclusion, Mode, NodeId, RouteQuery, find_product, search_routes,
};
use accord_domain::trade::{Currency, Money};
use accord_domain::validation::{Invalid, Reason};
use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::Serialize;

/// A route query as pages, the API and the CLI take it: nodes by code or name, a product by
/// key, commodity code prefix or name.
#[derive(Debug, Clone)]
pub struct RouteRequest {
    pub from: String,
    pub to: String,
    pub product: String,
    pub date: NaiveDate,
    pub max_legs: Option<u32>,
    pub currency: Currency,
    pub containers: u32,
}

fn bad_field(field: &'static str) -> Error {
    Invalid::one(field, Reason::UnknownValue).into()
}

/// A currency as a query or a flag names it (USD, RUB, BYN); `None` when not given.
pub fn parse_currency(text: Option<&str>) -> Result<Option<Currency>> {
    match text.map(str::trim).filter(|t| !t.is_empty()) {
        None => Ok(None),
        Some(t) => Currency::parse(t).map(Some).map_err(|_| bad_field("currency")),
    }
}

/// A route query as query parameters: `from`, `to` (node code or name), `product` (key, code
/// prefix or name), `date` (YYYY-MM-DD, default today), `max_legs`, `currency` (default RUB).
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
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
    pub fn request(&self) -> Result<Option<RouteRequest>> {
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

#[derive(Debug, Clone, Serialize)]
pub struct NodeRef {
    pub code: String,
    pub name_ru: String,
    pub name_en: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct LegView {
    pub from: String,
    pub to: String,
    pub mode: Mode,
    pub distance_km: u32,
    pub days: DayRange,
    pub reefer: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct RouteView {
    pub legs: Vec<LegView>,
    pub nodes: Vec<String>,
    pub cost: Money,
    pub days: DayRange,
    pub shelf_used: Days,
    pub shelf_left: Option<Days>,
    pub distance_km: u64,
}

/// Why routes were left out, with how many.
#[derive(Debug, Clone, Serialize)]
pub struct ExclusionView {
    pub reason: ExcludedBy,
    /// The Fluent id of the reason.
    pub key: String,
    pub count: u32,
}

#[derive(Debug, Clone, Serialize)]
pub struct RouteAnswer {
    pub product: String,
    pub product_name_ru: String,
    pub product_name_en: String,
    pub from: NodeRef,
    pub to: NodeRef,
    pub date: NaiveDate,
    pub currency: Currency,
    pub max_legs: Option<u32>,
    pub routes: Vec<RouteView>,
    pub excluded: Vec<ExclusionView>,
    pub labels: usize,
}

pub(crate) fn node_ref(loaded: &Loaded, id: NodeId) -> NodeRef {
    let n = loaded.data.network.node(id);
    NodeRef { code: n.code.to_string(), name_ru: n.name_ru.clone(), name_en: n.name_en.clone() }
}

/// Every Pareto-optimal route, or a refusal naming the unknown node or product.
pub fn find_routes(loaded: &Loaded, request: &RouteRequest) -> Result<RouteAnswer> {
    let net = &loaded.data.network;
    let from = net.find(&request.from).map_err(|e| refused("logistics.unknown-node", e.detail()))?;
    let to = net.find(&request.to).map_err(|e| refused("logistics.unknown-node", e.detail()))?;
    let product = find_product(&loaded.data.products, &request.product).map_err(|e| refused(e.key(), e.detail()))?;
    let query = RouteQuery {
        from,
        to,
        date: request.date,
        max_legs: request.max_legs,
        containers: request.containers.max(1),
        currency: request.currency,
        financing_percent: Decimal::from(DEFAULT_FINANCING_PERCENT),
    };
    let fx = loaded.fx();
    let found = search_routes(net, product, &query, &fx).map_err(|e| refused(e.key(), e.detail()))?;
    let routes = found
        .routes
        .iter()
        .map(|r| {
            let legs: Vec<LegView> = r
                .legs
                .iter()
                .map(|l| {
                    let leg = net.leg(*l);
                    LegView {
                        from: leg.from.to_string(),
                        to: leg.to.to_string(),
                        mode: leg.mode,
                        distance_km: leg.distance_km,
                        days: leg.transit_days,
                        reefer: leg.reefer.is_some(),
                    }
                })
                .collect();
            RouteView {
                distance_km: legs.iter().map(|l| u64::from(l.distance_km)).sum(),
                legs,
                nodes: r.nodes.iter().map(|n| net.node(*n).code.to_string()).collect(),
                cost: r.cost,
                days: r.days,
                shelf_used: r.shelf_used,
                shelf_left: r.shelf_left,
            }
        })
        .collect();
    Ok(RouteAnswer {
        product: product.key.clone(),
        product_name_ru: product.name_ru.clone(),
        product_name_en: product.name_en.clone(),
        from: node_ref(loaded, from),
        to: node_ref(loaded, to),
        date: request.date,
        currency: request.currency,
        max_legs: request.max_legs,
        routes,
        excluded: found
            .excluded
            .iter()
            .map(|Exclusion { reason, count }| ExclusionView {
                reason: *reason,
                key: reason.key().replace('.', "-"),
                count: *count,
            })
            .collect(),
        labels: found.labels,
    })
}
