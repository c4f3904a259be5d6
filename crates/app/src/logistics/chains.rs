//! Chains and their landed cost with what-ifs (without intermediaries, over the cheapest
//! route, at twice the volume), and the localisation cases built on them over a horizon the
//! reader chooses (years, discount rate, useful life, set-up recovery years).

use super::routes::{NodeRef, node_ref};
use super::{Loaded, refused};
use crate::Result;
use accord_domain::logistics::{
    Chain, DayRange, Horizon, LandedCost, LocalisationResult, RouteQuery, WhatIf, chain_legs, compare, landed_cost,
    localise, search_routes,
};
use accord_domain::trade::{Currency, Money};
use rust_decimal::Decimal;
use serde::Serialize;

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

pub(crate) fn cost_of(loaded: &Loaded, chain: &Chain) -> Result<LandedCost> {
    landed_cost(chain, &loaded.data.network, &loaded.data.products, &loaded.fx())
        .map_err(|e| refused(e.key(), e.detail()))
}

/// A chain's landed cost in `currency` (its own when `None`), with what-ifs: without every
/// intermediary, without each one, over the cheapest feasible route, and at twice the volume.
pub fn chain_answer(loaded: &Loaded, key: &str, currency: Option<Currency>) -> Result<ChainAnswer> {
    let mut chain = loaded.chain(key)?.clone();
    if let Some(c) = currency {
        chain.currency = c;
    }
    let base = cost_of(loaded, &chain)?;
    let mut variants = Vec::new();
    let mut add = |kind: String, key: &str, detail: Option<String>, variant: &Chain| -> Result<()> {
        let cost = cost_of(loaded, variant)?;
        let diff = compare(&base, &cost).map_err(|e| refused(e.key(), e.detail()))?;
        variants.push(Variant { kind, key: key.to_string(), detail, cost, diff });
        Ok(())
    };
    if chain.intermediaries.len() > 1 {
        let direct = Chain { intermediaries: Vec::new(), ..chain.clone() };
        add("without-all".into(), "logistics-whatif-without-all", None, &direct)?;
    }
    for (i, who) in chain.intermediaries.iter().enumerate() {
        let variant = chain.without_intermediary(i).map_err(|e| refused(e.key(), e.detail()))?;
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

/// The horizon as query parameters of the page and the API, as typed (so a form can show
/// them again): `years` (1-30, default 10), `discount_percent` (0-100, default 12),
/// `useful_life_years` (1-30, default 10), `recovery_years` (1-30, default the park's
/// preference period).
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LocalisationQuery {
    pub years: Option<String>,
    pub discount_percent: Option<String>,
    pub useful_life_years: Option<String>,
    pub recovery_years: Option<String>,
}

impl LocalisationQuery {
    /// The horizon, or every bad field named.
    pub fn horizon(&self) -> Result<Horizon> {
        Ok(Horizon::parse(
            self.years.as_deref(),
            self.discount_percent.as_deref(),
            self.useful_life_years.as_deref(),
            self.recovery_years.as_deref(),
        )?)
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct LocalisationAnswer {
    pub key: String,
    pub name_ru: String,
    pub name_en: String,
    pub finished_chain: String,
    pub kit_chain: String,
    pub annual_volume: Decimal,
    /// Where each chain ends: the finished goods at the rail terminal where the buyer takes
    /// them, the kits at the park.
    pub finished_lands_at: Option<NodeRef>,
    pub kit_lands_at: Option<NodeRef>,
    pub finished: LandedCost,
    pub kit: LandedCost,
    pub result: LocalisationResult,
}

pub fn localisations(loaded: &Loaded, horizon: &Horizon) -> Result<Vec<LocalisationAnswer>> {
    let mut out = Vec::new();
    for case in &loaded.data.localisations {
        let mut finished = loaded.chain(&case.finished_chain)?.clone();
        let mut kit = loaded.chain(&case.kit_chain)?.clone();
        finished.currency = case.currency;
        kit.currency = case.currency;
        let finished = cost_of(loaded, &finished)?;
        let kit = cost_of(loaded, &kit)?;
        let result = localise(case, &loaded.data.parks, &finished, &kit, &loaded.fx(), horizon)
            .map_err(|e| refused(e.key(), e.detail()))?;
        out.push(LocalisationAnswer {
            key: case.key.clone(),
            name_ru: case.name_ru.clone(),
            name_en: case.name_en.clone(),
            finished_chain: case.finished_chain.clone(),
            kit_chain: case.kit_chain.clone(),
            annual_volume: case.annual_volume,
            finished_lands_at: finished.nodes.last().map(|n| node_ref(loaded, *n)),
            kit_lands_at: kit.nodes.last().map(|n| node_ref(loaded, *n)),
            finished,
            kit,
            result,
        });
    }
    Ok(out)
}
