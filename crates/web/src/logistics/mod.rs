//! Logistics: the network and its routes, chains with their landed cost and what-ifs,
//! localisation. Pages under `/logistics`, the API under `/api/v1/logistics`.
//!
//! Every request reads the stored items, rebuilds the document and lets the domain validate
//! it (a few hundred items: well under a millisecond of work next to the query), so a figure is
//! always computed from what is stored now. Rates: the trade module's official table where it
//! has the rate, the logistics planning rates otherwise.

mod api;
mod indicator_pages;
pub mod indicators;
mod pages;
pub mod transfer;

use crate::AppState;
use crate::error::AppError;
use accord_domain::logistics::{
    Chain, DayRange, Days, ExcludedBy, Exclusion, FirstOf, LandedCost, LocalisationResult, Mode, NodeId, RouteQuery,
    WhatIf, chain_legs, compare, find_product, landed_cost, localise, search_routes,
};
use accord_domain::trade::{Currency, Money, RateTable};
use accord_formats::logistics::{LogisticsData, LogisticsDocument};
use accord_store::{LogisticsRecords, Store};
use axum::Router;
use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::Serialize;
use std::sync::Arc;

pub use api::UPLOAD_LIMIT;
pub use transfer::{ImportReport, import_bytes, load_reference};

pub fn routes() -> Router<AppState> {
    pages::routes().merge(indicator_pages::routes()).merge(api::routes())
}

/// Routes that take whole network files (a larger body limit than the rest).
pub fn upload_routes() -> Router<AppState> {
    api::upload_routes()
}

/// The annual rate at which the goods' value is financed while in transit, when a route
/// query does not say (the Bank of Russia key rate in 2025, rounded).
pub const DEFAULT_FINANCING_PERCENT: i64 = 21;

/// Every stored item, as a document and validated.
pub struct Loaded {
    pub records: LogisticsRecords,
    pub doc: LogisticsDocument,
    pub data: LogisticsData,
    pub official: Arc<RateTable>,
}

impl Loaded {
    /// The official rates first, the planning rates where the table has none.
    pub fn fx(&self) -> FirstOf<'_> {
        FirstOf(&*self.official, &self.data.rates)
    }

    pub fn chain(&self, key: &str) -> Result<&Chain, AppError> {
        self.data.chains.iter().find(|c| c.key == key).ok_or(AppError::NotFound)
    }
}

/// The stored items as a logistics document.
pub fn document_of(records: &LogisticsRecords) -> Result<LogisticsDocument, AppError> {
    Ok(LogisticsDocument {
        nodes: records.nodes()?,
        legs: records.legs()?,
        products: records.products()?,
        chains: records.chains()?,
        parks: records.parks()?,
        localisations: records.localisations()?,
        rates: records.rates()?.map(|r| accord_formats::logistics::RatesSection { base: r.base, rates: r.rates }),
    })
}

/// Problems of a document as one line each, at most `limit` of them.
pub fn problem_lines(problems: &[accord_formats::logistics::JsonProblem], limit: usize) -> String {
    let mut lines: Vec<String> = problems.iter().take(limit).map(ToString::to_string).collect();
    if problems.len() > limit {
        lines.push(format!("… {} more", problems.len() - limit));
    }
    lines.join("; ")
}

/// A problem of a document in the reader's language: where (a JSON path, or a sheet and row of
/// a workbook), then the translated rule with its detail; a file that does not parse keeps the
/// parser's words.
pub fn problem_text(
    tr: &crate::i18n::Tr,
    p: &accord_formats::logistics::JsonProblem,
    row: Option<(&str, u32)>,
) -> String {
    let reason = match &p.explained {
        Some((key, detail)) => tr.ta(&key.replace('.', "-"), &[("detail", detail.clone())]),
        None => p.reason.clone(),
    };
    match row {
        Some((sheet, row)) => {
            let place = [
                tr.ta("problem-where-sheet", &[("sheet", sheet.to_string())]),
                tr.ta("problem-where-row", &[("row", row.to_string())]),
            ];
            crate::i18n::capitalise(&tr.ta("problem-where", &[("where", place.join(", ")), ("reason", reason)]))
        }
        // A JSON path is quoted as written: it names the item in the file.
        None if !p.path.is_empty() => tr.ta("problem-where", &[("where", p.path.clone()), ("reason", reason)]),
        None => crate::i18n::capitalise(&reason),
    }
}

/// Problems of a document in the reader's language, at most `limit` of them.
pub fn problem_lines_in(
    tr: &crate::i18n::Tr,
    problems: &[accord_formats::logistics::JsonProblem],
    limit: usize,
) -> String {
    let mut lines: Vec<String> = problems.iter().take(limit).map(|p| problem_text(tr, p, None)).collect();
    if problems.len() > limit {
        lines.push(tr.ta("logistics-more-problems", &[("count", (problems.len() - limit).to_string())]));
    }
    lines.join("; ")
}

pub async fn load(store: &Store) -> Result<Loaded, AppError> {
    let records = store.logistics_records().await?;
    let doc = document_of(&records)?;
    let data =
        doc.clone().validate().map_err(|p| AppError::logistics("logistics.stored-invalid", problem_lines(&p, 5)))?;
    let official = store.rate_table().await?;
    Ok(Loaded { records, doc, data, official })
}

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

fn node_ref(loaded: &Loaded, id: NodeId) -> NodeRef {
    let n = loaded.data.network.node(id);
    NodeRef { code: n.code.to_string(), name_ru: n.name_ru.clone(), name_en: n.name_en.clone() }
}

/// Every Pareto-optimal route, or a refusal naming the unknown node or product.
pub fn find_routes(loaded: &Loaded, request: &RouteRequest) -> Result<RouteAnswer, AppError> {
    let net = &loaded.data.network;
    let from = net.find(&request.from).map_err(|e| AppError::logistics("logistics.unknown-node", e.detail()))?;
    let to = net.find(&request.to).map_err(|e| AppError::logistics("logistics.unknown-node", e.detail()))?;
    let product =
        find_product(&loaded.data.products, &request.product).map_err(|e| AppError::logistics(e.key(), e.detail()))?;
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
    let found = search_routes(net, product, &query, &fx).map_err(|e| AppError::logistics(e.key(), e.detail()))?;
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

/// A what-if: what changed, its landed cost, and the difference to the chain as it is.
#[derive(Debug, Clone, Serialize)]
pub struct Variant {
    /// `without-all`, `without-1` (the first intermediary), `route`, `volume`.
    pub kind: String,
    /// The Fluent id of the variant's title.
    pub key: String,
    /// What it is about: an intermediary's name, a route, a volume.
    pub detail: Option<String>,
    pub cost: LandedCost,
    pub diff: WhatIf,
}

#[derive(Debug, Clone, Serialize)]
pub struct ChainAnswer {
    pub key: String,
    pub name_ru: String,
    pub name_en: String,
    pub product: String,
    pub intermediaries: usize,
    pub cost: LandedCost,
    pub variants: Vec<Variant>,
}

fn cost_of(loaded: &Loaded, chain: &Chain) -> Result<LandedCost, AppError> {
    landed_cost(chain, &loaded.data.network, &loaded.data.products, &loaded.fx())
        .map_err(|e| AppError::logistics(e.key(), e.detail()))
}

/// A chain's landed cost in `currency` (its own when `None`), with what-ifs: without every
/// intermediary, without each one, over the cheapest feasible route, and at twice the volume.
pub fn chain_answer(loaded: &Loaded, key: &str, currency: Option<Currency>) -> Result<ChainAnswer, AppError> {
    let mut chain = loaded.chain(key)?.clone();
    if let Some(c) = currency {
        chain.currency = c;
    }
    let base = cost_of(loaded, &chain)?;
    let mut variants = Vec::new();
    let mut add = |kind: String, key: &str, detail: Option<String>, variant: &Chain| -> Result<(), AppError> {
        let cost = cost_of(loaded, variant)?;
        let diff = compare(&base, &cost).map_err(|e| AppError::logistics(e.key(), e.detail()))?;
        variants.push(Variant { kind, key: key.to_string(), detail, cost, diff });
        Ok(())
    };
    if chain.intermediaries.len() > 1 {
        let direct = Chain { intermediaries: Vec::new(), ..chain.clone() };
        add("without-all".into(), "logistics-whatif-without-all", None, &direct)?;
    }
    for (i, who) in chain.intermediaries.iter().enumerate() {
        let variant = chain.without_intermediary(i).map_err(|e| AppError::logistics(e.key(), e.detail()))?;
        add(format!("without-{}", i + 1), "logistics-whatif-without", Some(who.name.clone()), &variant)?;
    }
    if let (Some(first), Some(last)) = (chain.route.first(), chain.route.last())
        && let Some(product) = loaded.data.products.iter().find(|p| p.key == chain.product)
    {
        let net = &loaded.data.network;
        if let (Some(from), Some(to)) = (net.by_code(&first.from), net.by_code(&last.to)) {
            let query = RouteQuery {
                from,
                to,
                date: chain.date,
                max_legs: None,
                containers: chain.containers.max(1),
                currency: chain.currency,
                financing_percent: chain.financing_percent,
            };
            if let Ok(found) = search_routes(net, product, &query, &loaded.fx())
                && let Some(cheapest) = found.routes.first()
            {
                let legs = chain_legs(net, cheapest);
                if legs != chain.route {
                    let label = legs.iter().map(|l| l.label()).collect::<Vec<_>>().join(", ");
                    add("route".into(), "logistics-whatif-route", Some(label), &chain.with_route(legs))?;
                }
            }
        }
    }
    let doubled = chain.with_volume(chain.units * Decimal::TWO, chain.containers.saturating_mul(2));
    add("volume".into(), "logistics-whatif-volume", Some(doubled.units.normalize().to_string()), &doubled)?;
    Ok(ChainAnswer {
        key: chain.key.clone(),
        name_ru: chain.name_ru.clone(),
        name_en: chain.name_en.clone(),
        product: chain.product.clone(),
        intermediaries: chain.intermediaries.len(),
        cost: base,
        variants,
    })
}

/// One line of the chains list.
#[derive(Debug, Clone, Serialize)]
pub struct ChainSummary {
    pub key: String,
    pub name_ru: String,
    pub name_en: String,
    pub product: String,
    pub intermediaries: usize,
    pub currency: Currency,
    pub total: Option<Money>,
    pub total_per_unit: Option<Money>,
    pub days: Option<DayRange>,
    /// Why the landed cost could not be computed.
    pub error: Option<String>,
}

pub fn chain_list(loaded: &Loaded, currency: Option<Currency>) -> Vec<ChainSummary> {
    loaded
        .data
        .chains
        .iter()
        .map(|c| {
            let mut chain = c.clone();
            if let Some(cur) = currency {
                chain.currency = cur;
            }
            let cost = cost_of(loaded, &chain);
            let (total, per_unit, days, error) = match cost {
                Ok(lc) => (Some(lc.total), Some(lc.total_per_unit), Some(lc.days), None),
                Err(e) => (None, None, None, Some(e.to_string())),
            };
            ChainSummary {
                key: c.key.clone(),
                name_ru: c.name_ru.clone(),
                name_en: c.name_en.clone(),
                product: c.product.clone(),
                intermediaries: c.intermediaries.len(),
                currency: chain.currency,
                total,
                total_per_unit: per_unit,
                days,
                error,
            }
        })
        .collect()
}

#[derive(Debug, Clone, Serialize)]
pub struct LocalisationAnswer {
    pub key: String,
    pub name_ru: String,
    pub name_en: String,
    pub finished_chain: String,
    pub kit_chain: String,
    pub annual_volume: Decimal,
    pub finished: LandedCost,
    pub kit: LandedCost,
    pub result: LocalisationResult,
}

pub fn localisations(loaded: &Loaded) -> Result<Vec<LocalisationAnswer>, AppError> {
    let mut out = Vec::new();
    for case in &loaded.data.localisations {
        let mut finished = loaded.chain(&case.finished_chain)?.clone();
        let mut kit = loaded.chain(&case.kit_chain)?.clone();
        finished.currency = case.currency;
        kit.currency = case.currency;
        let finished = cost_of(loaded, &finished)?;
        let kit = cost_of(loaded, &kit)?;
        let result = localise(case, &loaded.data.parks, &finished, &kit, &loaded.fx())
            .map_err(|e| AppError::logistics(e.key(), e.detail()))?;
        out.push(LocalisationAnswer {
            key: case.key.clone(),
            name_ru: case.name_ru.clone(),
            name_en: case.name_en.clone(),
            finished_chain: case.finished_chain.clone(),
            kit_chain: case.kit_chain.clone(),
            annual_volume: case.annual_volume,
            finished,
            kit,
            result,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::problem_text;
    use crate::i18n::Tr;
    use accord_domain::directory::Locale;
    use accord_formats::logistics::LogisticsDocument;

    #[test]
    fn a_refused_rule_reads_in_the_readers_language_with_its_place() {
        let nodes = serde_json::from_value(serde_json::json!([
            {"code": "KHV", "name_ru": "Хабаровск", "name_en": "Khabarovsk", "kind": "city", "country": "RU", "time_zone": "Asia/Vladivostok"},
            {"code": "MSQ", "name_ru": "Минск", "name_en": "Minsk", "kind": "city", "country": "BY", "time_zone": "Europe/Minsk"}
        ]))
        .expect("nodes");
        let legs = serde_json::from_value(serde_json::json!([
            {"from": "KHV", "to": "MSQ", "mode": "rail-container", "distance_km": 9000,
             "transit_days": {"min": -3, "typical": 14, "max": 20},
             "cost_per_container": {"amount": "500000.00", "currency": "RUB"}},
            {"from": "MSQ", "to": "KHV", "mode": "rail-container", "distance_km": 9000,
             "transit_days": {"min": 12, "typical": 14, "max": 20},
             "cost_per_container": {"amount": "500000.00", "currency": "RUB"}}
        ]))
        .expect("legs");
        let doc = LogisticsDocument { nodes, legs, ..Default::default() };
        let Err(problems) = doc.validate() else { panic!("a negative transit time is refused") };
        let negative = problems.iter().find(|p| p.path == "legs[0]").expect("the leg is named");
        let ru = problem_text(&Tr::new(Locale::Ru), negative, Some(("legs", 2)));
        assert_eq!(ru, "Лист «legs», строка 2: Отрицательный срок в пути: KHV→MSQ rail-container");
        let en = problem_text(&Tr::new(Locale::En), negative, None);
        assert!(en.starts_with("legs[0]: ") && en.contains("KHV→MSQ rail-container"), "{en}");
        assert!(!en.contains("Отрицательный"), "{en}");
    }
}
