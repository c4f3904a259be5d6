//! Supply chains and their landed cost: producer → intermediaries → buyer over a route.
//!
//! The landed cost of a shipment is built up in a fixed order, which is also the order of the
//! waterfall chart:
//!
//! 1. ex-works price of the goods (`logistics.cost.ex-works`) and packing (`…packing`);
//! 2. transport, one line per leg (`…transport`, detail `FROM→TO mode`), per container and/or
//!    per tonne;
//! 3. handling at every node the cargo touches (`…handling`) and storage while it dwells
//!    (`…dwell`, at the origin and on the way, not at the destination);
//! 4. cargo insurance on the goods' value (`…insurance`);
//! 5. financing of the goods' value for the days in transit, annual rate × days / 365
//!    (`…financing`);
//! 6. expected spoilage, a share of the goods' value per day in transit (`…spoilage`);
//! 7. each intermediary's margin in chain order (`…margin`, detail: its name): a percentage
//!    marks up everything before it, including earlier margins, as each one buys from the
//!    previous; or a fee per unit or per shipment;
//! 8. VAT at the destination (`…vat`) on everything above: Russia 20% until 2025 and 22% from
//!    1 January 2026, 10% for listed foods; Belarus 20%. No customs duty: both sides are in the
//!    EAEU customs union. VAT is shown because it is in the shelf price; a VAT payer recovers it.
//!
//! Amounts are converted into the chain's currency at the chain's date and summed exactly as
//! decimals; each line is rounded half to even to the minor unit once, and the total is the sum
//! of the rounded lines, so the chart adds up to the kopeck.

use super::fx::{Fx, FxError};
use super::network::{LegId, Mode, Network, NodeCode, NodeId};
use super::product::{Product, ProductError};
use super::routes::Route;
use super::units::{DayRange, Days};
use crate::trade::{Currency, Money};
use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Role {
    Exporter,
    Importer,
    Wholesaler,
    Distributor,
    Retailer,
    Broker,
}

impl Role {
    pub fn key(self) -> &'static str {
        match self {
            Role::Exporter => "logistics.role.exporter",
            Role::Importer => "logistics.role.importer",
            Role::Wholesaler => "logistics.role.wholesaler",
            Role::Distributor => "logistics.role.distributor",
            Role::Retailer => "logistics.role.retailer",
            Role::Broker => "logistics.role.broker",
        }
    }
}

/// An intermediary's take: a markup in percent of what it paid, or a fee.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Margin {
    Percent(Decimal),
    FeePerUnit(Money),
    FeePerShipment(Money),
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Intermediary {
    pub role: Role,
    pub name: String,
    pub margin: Margin,
}

/// One leg of a chain's route, by its ends and mode.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChainLeg {
    pub from: NodeCode,
    pub to: NodeCode,
    pub mode: Mode,
}

impl ChainLeg {
    pub fn label(&self) -> String {
        format!("{}→{} {}", self.from, self.to, self.mode)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Chain {
    pub key: String,
    pub name_ru: String,
    pub name_en: String,
    /// The product's key.
    pub product: String,
    /// Units of the product in one shipment.
    pub units: Decimal,
    pub containers: u32,
    pub ex_works_per_unit: Money,
    #[serde(default)]
    pub packing_per_unit: Option<Money>,
    pub route: Vec<ChainLeg>,
    #[serde(default)]
    pub intermediaries: Vec<Intermediary>,
    /// Cargo insurance, percent of the goods' value.
    #[serde(default)]
    pub insurance_percent: Decimal,
    /// Cost of capital, percent a year.
    #[serde(default)]
    pub financing_percent: Decimal,
    /// Expected loss, percent of the goods' value per day in transit.
    #[serde(default)]
    pub spoilage_percent_per_day: Decimal,
    /// The retailer's markup over the landed cost before VAT, percent: for the shelf price.
    #[serde(default)]
    pub retail_margin_percent: Decimal,
    /// The currency of the breakdown.
    pub currency: Currency,
    /// The shipment date: rates, season, VAT rate.
    pub date: NaiveDate,
    #[serde(default)]
    pub source: String,
}

impl Chain {
    /// The same chain without the intermediary at `index`.
    pub fn without_intermediary(&self, index: usize) -> Result<Chain, ChainError> {
        let mut c = self.clone();
        if index >= c.intermediaries.len() {
            return Err(ChainError::NoSuchIntermediary { chain: self.key.clone(), index });
        }
        c.intermediaries.remove(index);
        Ok(c)
    }

    /// The same chain with the intermediary at `index` replaced.
    pub fn with_intermediary(&self, index: usize, new: Intermediary) -> Result<Chain, ChainError> {
        let mut c = self.clone();
        let slot =
            c.intermediaries.get_mut(index).ok_or(ChainError::NoSuchIntermediary { chain: self.key.clone(), index })?;
        *slot = new;
        Ok(c)
    }

    /// The same chain over another route (e.g. one from the route search).
    pub fn with_route(&self, route: Vec<ChainLeg>) -> Chain {
        Chain { route, ..self.clone() }
    }

    /// The same chain with another shipment size.
    pub fn with_volume(&self, units: Decimal, containers: u32) -> Chain {
        Chain { units, containers, ..self.clone() }
    }
}

/// A route from the search as chain legs.
pub fn chain_legs(net: &Network, route: &Route) -> Vec<ChainLeg> {
    route
        .legs
        .iter()
        .map(|l| {
            let leg = net.leg(*l);
            ChainLeg { from: leg.from.clone(), to: leg.to.clone(), mode: leg.mode }
        })
        .collect()
}

/// The VAT that applies at a destination.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum VatRule {
    RussiaStandard,
    RussiaReducedFood,
    Belarus,
}

impl VatRule {
    /// The rule for a destination country (ISO alpha-2); `None` for a country without one.
    pub fn for_country(country: &str, reduced_food: bool) -> Option<VatRule> {
        match (country.trim().to_ascii_uppercase().as_str(), reduced_food) {
            ("RU", true) => Some(VatRule::RussiaReducedFood),
            ("RU", false) => Some(VatRule::RussiaStandard),
            ("BY", _) => Some(VatRule::Belarus),
            _ => None,
        }
    }

    /// The rate in percent on a date: Russia's standard rate rose from 20% to 22% on 1 January
    /// 2026 (Federal Law 425-FZ of 28.11.2025).
    pub fn percent(self, date: NaiveDate) -> Decimal {
        match self {
            VatRule::RussiaStandard if date.year() >= 2026 => Decimal::from(22),
            VatRule::RussiaStandard => Decimal::from(20),
            VatRule::RussiaReducedFood => Decimal::from(10),
            VatRule::Belarus => Decimal::from(20),
        }
    }
}

/// One line of the breakdown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CostLine {
    /// Stable key: `logistics.cost.transport`.
    pub key: &'static str,
    /// What the line is about, not translated: a leg `KHV→MOW rail-reefer`, an intermediary's name.
    pub detail: Option<String>,
    pub amount: Money,
    pub per_unit: Money,
}

/// A chain's landed cost: ordered lines for the waterfall, and totals.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LandedCost {
    pub chain: String,
    pub currency: Currency,
    pub units: Decimal,
    pub legs: Vec<LegId>,
    pub nodes: Vec<NodeId>,
    /// Transit and dwell.
    pub days: DayRange,
    pub shelf_left: Option<Days>,
    pub lines: Vec<CostLine>,
    /// Everything before VAT.
    pub ex_vat: Money,
    pub vat_rule: VatRule,
    pub vat_percent: Decimal,
    pub total: Money,
    pub total_per_unit: Money,
    pub ex_vat_per_unit: Money,
    /// `ex_vat_per_unit × (1 + retail margin) × (1 + VAT)`.
    pub shelf_price_per_unit: Money,
}

impl LandedCost {
    /// The sum of the lines with a key.
    pub fn sum_of(&self, key: &str) -> Money {
        let minor = self.lines.iter().filter(|l| l.key == key).map(|l| l.amount.minor).sum();
        Money::new(minor, self.currency)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ChainError {
    #[error("chain {chain}: no product {product}")]
    UnknownProduct { chain: String, product: String },
    #[error("chain {chain}: {source}")]
    Product { chain: String, source: ProductError },
    #[error("chain {chain}: the route is empty")]
    EmptyRoute { chain: String },
    #[error("chain {chain}: the network has no leg {leg}")]
    UnknownLeg { chain: String, leg: String },
    #[error("chain {chain}: leg {leg} does not start where the previous leg ends")]
    BrokenRoute { chain: String, leg: String },
    #[error("chain {chain}: leg {leg} is closed in month {month}")]
    SeasonClosed { chain: String, leg: String, month: u32 },
    #[error("chain {chain}: leg {leg} has no reefer and the product needs one")]
    NoReefer { chain: String, leg: String },
    #[error("chain {chain}: the route uses {used} days of shelf life, the journey may use {budget}")]
    ShelfLifeExhausted { chain: String, used: Days, budget: Days },
    #[error("chain {chain}: {field} must be positive")]
    NotPositive { chain: String, field: &'static str },
    #[error("chain {chain}: {field} is negative")]
    Negative { chain: String, field: &'static str },
    #[error("chain {chain}: no VAT rule for the destination country {country:?}")]
    NoVatRule { chain: String, country: String },
    #[error("chain {chain}: no intermediary #{index}")]
    NoSuchIntermediary { chain: String, index: usize },
    #[error("chain {chain}: {source}")]
    Fx { chain: String, source: FxError },
    #[error("chain {chain}: an amount overflows")]
    Overflow { chain: String },
    #[error("cannot compare a landed cost in {0} with one in {1}")]
    CurrencyMismatch(Currency, Currency),
}

impl ChainError {
    /// What the refusal is about, without words (see `NetworkError::detail`).
    pub fn detail(&self) -> String {
        match self {
            ChainError::UnknownProduct { chain, product } => format!("{chain}: {product}"),
            ChainError::Product { chain, source } => format!("{chain}: {}", source.detail()),
            ChainError::EmptyRoute { chain } | ChainError::Overflow { chain } => chain.clone(),
            ChainError::UnknownLeg { chain, leg }
            | ChainError::BrokenRoute { chain, leg }
            | ChainError::NoReefer { chain, leg } => format!("{chain}: {leg}"),
            ChainError::SeasonClosed { chain, leg, month } => format!("{chain}: {leg}, {month}"),
            ChainError::ShelfLifeExhausted { chain, used, budget } => format!("{chain}: {used} > {budget}"),
            ChainError::NotPositive { chain, field } | ChainError::Negative { chain, field } => {
                format!("{chain}: {field}")
            }
            ChainError::NoVatRule { chain, country } => format!("{chain}: {country}"),
            ChainError::NoSuchIntermediary { chain, index } => format!("{chain}: #{}", index + 1),
            ChainError::Fx { chain, source } => format!("{chain}: {}", source.detail()),
            ChainError::CurrencyMismatch(a, b) => format!("{a} ≠ {b}"),
        }
    }

    pub fn key(&self) -> &'static str {
        match self {
            ChainError::UnknownProduct { .. } => "logistics.chain.unknown-product",
            ChainError::Product { source, .. } => source.key(),
            ChainError::EmptyRoute { .. } => "logistics.chain.empty-route",
            ChainError::UnknownLeg { .. } => "logistics.chain.unknown-leg",
            ChainError::BrokenRoute { .. } => "logistics.chain.broken-route",
            ChainError::SeasonClosed { .. } => "logistics.chain.season-closed",
            ChainError::NoReefer { .. } => "logistics.chain.no-reefer",
            ChainError::ShelfLifeExhausted { .. } => "logistics.chain.shelf-life-exhausted",
            ChainError::NotPositive { .. } => "logistics.chain.not-positive",
            ChainError::Negative { .. } => "logistics.chain.negative",
            ChainError::NoVatRule { .. } => "logistics.chain.no-vat-rule",
            ChainError::NoSuchIntermediary { .. } => "logistics.chain.no-such-intermediary",
            ChainError::Fx { source, .. } => source.key(),
            ChainError::Overflow { .. } => "logistics.chain.overflow",
            ChainError::CurrencyMismatch(..) => "logistics.chain.currency-mismatch",
        }
    }
}

/// The legs of a chain's route in the network, checked to connect and to suit the product on
/// the chain's date.
pub fn resolve_route(chain: &Chain, net: &Network, product: &Product) -> Result<Vec<LegId>, ChainError> {
    let c = || chain.key.clone();
    if chain.route.is_empty() {
        return Err(ChainError::EmptyRoute { chain: c() });
    }
    let regime = product.regime_or_ambient();
    let month = chain.date.month();
    let mut legs = Vec::with_capacity(chain.route.len());
    for (i, step) in chain.route.iter().enumerate() {
        if i > 0 && chain.route[i - 1].to != step.from {
            return Err(ChainError::BrokenRoute { chain: c(), leg: step.label() });
        }
        let id = net
            .find_leg(&step.from, &step.to, step.mode)
            .ok_or(ChainError::UnknownLeg { chain: c(), leg: step.label() })?;
        let leg = net.leg(id);
        if !leg.is_open_in(month) {
            return Err(ChainError::SeasonClosed { chain: c(), leg: step.label(), month });
        }
        if regime.needs_reefer() && leg.reefer.is_none() {
            return Err(ChainError::NoReefer { chain: c(), leg: step.label() });
        }
        legs.push(id);
    }
    Ok(legs)
}

fn round(amount: Decimal, currency: Currency, chain: &str) -> Result<Money, ChainError> {
    Money::from_decimal_rounded(amount, currency).map_err(|_| ChainError::Overflow { chain: chain.to_string() })
}

/// The landed cost of a chain. Errors name the chain and the item: an unknown product or leg,
/// a leg closed in season or without a reefer, a shelf life used up, a missing rate.
pub fn landed_cost(chain: &Chain, net: &Network, products: &[Product], fx: &dyn Fx) -> Result<LandedCost, ChainError> {
    let key = chain.key.as_str();
    let c = || chain.key.clone();
    let product = products
        .iter()
        .find(|p| p.key == chain.product)
        .ok_or_else(|| ChainError::UnknownProduct { chain: c(), product: chain.product.clone() })?;
    if let Some(e) = product.validate().into_iter().next() {
        return Err(ChainError::Product { chain: c(), source: e });
    }
    if chain.units <= Decimal::ZERO {
        return Err(ChainError::NotPositive { chain: c(), field: "units" });
    }
    if chain.containers == 0 {
        return Err(ChainError::NotPositive { chain: c(), field: "containers" });
    }
    for (field, v) in [
        ("ex_works_per_unit", chain.ex_works_per_unit.to_decimal()),
        ("packing_per_unit", chain.packing_per_unit.map_or(Decimal::ZERO, Money::to_decimal)),
        ("insurance_percent", chain.insurance_percent),
        ("financing_percent", chain.financing_percent),
        ("spoilage_percent_per_day", chain.spoilage_percent_per_day),
        ("retail_margin_percent", chain.retail_margin_percent),
    ] {
        if v < Decimal::ZERO {
            return Err(ChainError::Negative { chain: c(), field });
        }
    }
    let legs = resolve_route(chain, net, product)?;
    let cur = chain.currency;
    let date = chain.date;
    let conv = |m: Money| fx.convert_money(m, cur, date).map_err(|source| ChainError::Fx { chain: c(), source });
    let units = chain.units;
    let containers = Decimal::from(chain.containers);
    let tonnes = product.tonnes(units);
    let regime = product.regime_or_ambient();

    // Nodes along the route, their dwell (origin and on the way) and shelf life used.
    let origin = net.ends(legs[0]).0;
    let mut nodes = vec![origin];
    let mut days = DayRange::ZERO;
    let mut shelf_used: i64 = 0;
    let hold = |range| i64::from(regime.consumption_factor(super::product::Regime::held_by(range)));
    let mut dwell_lines: Vec<(NodeId, DayRange)> = Vec::new();
    for id in &legs {
        let (from, to) = net.ends(*id);
        let dwell = net.node(from).dwell_for(&product.cargo);
        days = days.saturating_add(dwell).saturating_add(net.leg(*id).transit_days);
        shelf_used += i64::from(dwell.typical.tenths()) * hold(net.node(from).cold_storage);
        shelf_used += i64::from(net.leg(*id).transit_days.typical.tenths()) * hold(net.leg(*id).reefer);
        dwell_lines.push((from, dwell));
        nodes.push(to);
    }
    let shelf_used = Days::from_tenths(i32::try_from(shelf_used).unwrap_or(i32::MAX));
    if let Some(s) = product.shelf_life
        && shelf_used > s.journey_budget()
    {
        return Err(ChainError::ShelfLifeExhausted { chain: c(), used: shelf_used, budget: s.journey_budget() });
    }
    let shelf_left = product.shelf_life.map(|s| Days::from_tenths(s.days.tenths() - shelf_used.tenths()));
    let transit_days = days.typical.to_decimal();

    // Exact amounts first, in order.
    let mut exact: Vec<(&'static str, Option<String>, Decimal)> = Vec::new();
    let goods = conv(chain.ex_works_per_unit)? * units;
    let packing = match chain.packing_per_unit {
        Some(p) => conv(p)? * units,
        None => Decimal::ZERO,
    };
    exact.push(("logistics.cost.ex-works", None, goods));
    exact.push(("logistics.cost.packing", None, packing));
    for id in &legs {
        let leg = net.leg(*id);
        let mut t = Decimal::ZERO;
        if let Some(m) = leg.cost_per_container {
            t += conv(m)? * containers;
        }
        if let Some(m) = leg.cost_per_tonne {
            t += conv(m)? * tonnes;
        }
        exact.push(("logistics.cost.transport", Some(leg.label()), t));
    }
    let mut handling = Decimal::ZERO;
    for n in &nodes {
        if let Some(h) = net.node(*n).handling_per_container {
            handling += conv(h)? * containers;
        }
    }
    exact.push(("logistics.cost.handling", None, handling));
    let mut dwell_cost = Decimal::ZERO;
    for (n, d) in &dwell_lines {
        if let Some(s) = net.node(*n).storage_per_container_day {
            dwell_cost += conv(s)? * containers * d.typical.to_decimal();
        }
    }
    exact.push(("logistics.cost.dwell", None, dwell_cost));
    let value = goods + packing;
    let hundred = Decimal::ONE_HUNDRED;
    exact.push(("logistics.cost.insurance", None, value * chain.insurance_percent / hundred));
    exact.push((
        "logistics.cost.financing",
        None,
        value * chain.financing_percent / hundred * transit_days / Decimal::from(365),
    ));
    exact.push(("logistics.cost.spoilage", None, value * chain.spoilage_percent_per_day / hundred * transit_days));
    let mut running: Decimal = exact.iter().map(|l| l.2).sum();
    for m in &chain.intermediaries {
        let amount = match m.margin {
            Margin::Percent(p) => running * p / hundred,
            Margin::FeePerUnit(f) => conv(f)? * units,
            Margin::FeePerShipment(f) => conv(f)?,
        };
        running += amount;
        exact.push(("logistics.cost.margin", Some(m.name.clone()), amount));
    }
    let dest = net.node(*nodes.last().unwrap_or(&origin));
    let vat_rule = VatRule::for_country(&dest.country, product.reduced_vat_food)
        .ok_or_else(|| ChainError::NoVatRule { chain: c(), country: dest.country.clone() })?;
    let vat_percent = vat_rule.percent(date);

    // Round each line once; totals are sums of rounded lines.
    let mut lines = Vec::with_capacity(exact.len() + 1);
    let mut ex_vat = Money::zero(cur);
    for (k, detail, amount) in exact {
        let money = round(amount, cur, key)?;
        ex_vat = ex_vat.checked_add(money).map_err(|_| ChainError::Overflow { chain: c() })?;
        lines.push(CostLine { key: k, detail, amount: money, per_unit: round(amount / units, cur, key)? });
    }
    let vat_exact = ex_vat.to_decimal() * vat_percent / hundred;
    let vat = round(vat_exact, cur, key)?;
    lines.push(CostLine {
        key: "logistics.cost.vat",
        detail: None,
        amount: vat,
        per_unit: round(vat_exact / units, cur, key)?,
    });
    let total = ex_vat.checked_add(vat).map_err(|_| ChainError::Overflow { chain: c() })?;
    let ex_vat_unit = ex_vat.to_decimal() / units;
    let shelf = ex_vat_unit * (hundred + chain.retail_margin_percent) / hundred * (hundred + vat_percent) / hundred;
    Ok(LandedCost {
        chain: chain.key.clone(),
        currency: cur,
        units,
        legs,
        nodes,
        days,
        shelf_left,
        lines,
        ex_vat,
        vat_rule,
        vat_percent,
        total,
        total_per_unit: round(total.to_decimal() / units, cur, key)?,
        ex_vat_per_unit: round(ex_vat_unit, cur, key)?,
        shelf_price_per_unit: round(shelf, cur, key)?,
    })
}

/// One key of the breakdown in both chains.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LineDiff {
    pub key: &'static str,
    pub base: Money,
    pub variant: Money,
    pub diff: Money,
}

/// A variant of a chain side by side with the current one: variant minus base.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WhatIf {
    pub lines: Vec<LineDiff>,
    pub total_diff: Money,
    pub per_unit_diff: Money,
    pub shelf_price_diff: Money,
    /// Typical days, variant minus base.
    pub days_diff: Days,
}

/// Compares two landed costs in the same currency (per key: legs and intermediaries differ).
pub fn compare(base: &LandedCost, variant: &LandedCost) -> Result<WhatIf, ChainError> {
    if base.currency != variant.currency {
        return Err(ChainError::CurrencyMismatch(base.currency, variant.currency));
    }
    let cur = base.currency;
    let mut keys: Vec<&'static str> = Vec::new();
    for l in base.lines.iter().chain(&variant.lines) {
        if !keys.contains(&l.key) {
            keys.push(l.key);
        }
    }
    let lines = keys
        .into_iter()
        .map(|k| {
            let (b, v) = (base.sum_of(k), variant.sum_of(k));
            LineDiff { key: k, base: b, variant: v, diff: Money::new(v.minor - b.minor, cur) }
        })
        .collect();
    let d = |a: Money, b: Money| Money::new(b.minor - a.minor, cur);
    Ok(WhatIf {
        lines,
        total_diff: d(base.total, variant.total),
        per_unit_diff: d(base.total_per_unit, variant.total_per_unit),
        shelf_price_diff: d(base.shelf_price_per_unit, variant.shelf_price_per_unit),
        days_diff: Days::from_tenths(variant.days.typical.tenths() - base.days.typical.tenths()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::logistics::fx::{FixedRate, FixedRates};
    use crate::logistics::network::{CargoClass, Dwell, Leg, Node, NodeKind};
    use crate::logistics::product::tests::pollock;
    use crate::logistics::units::TempRange;
    use std::str::FromStr;

    fn dec(s: &str) -> Decimal {
        Decimal::from_str(s).expect(s)
    }
    fn rub(s: &str) -> Money {
        Money::parse(s, Currency::Rub).expect(s)
    }
    fn code(s: &str) -> NodeCode {
        NodeCode::parse(s).expect(s)
    }
    fn date(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").expect(s)
    }

    fn node(c: &str, country: &str, handling: &str) -> Node {
        Node {
            code: code(c),
            name_ru: format!("{c} ru"),
            name_en: format!("{c} en"),
            kind: NodeKind::RailTerminal,
            country: country.into(),
            time_zone: "Europe/Moscow".into(),
            dwell: vec![],
            handling_per_container: Some(rub(handling)),
            storage_per_container_day: None,
            cold_storage: Some(TempRange::new(-25, 25)),
            source: String::new(),
        }
    }

    fn leg(from: &str, to: &str, cost: Money, days: i32, reefer: bool) -> Leg {
        Leg {
            from: code(from),
            to: code(to),
            mode: if reefer { Mode::RailReefer } else { Mode::RailContainer },
            distance_km: 1000,
            transit_days: DayRange::exactly(Days::whole(days)),
            cost_per_container: Some(cost),
            cost_per_tonne: None,
            reefer: reefer.then_some(TempRange::new(-25, 25)),
            months_open: None,
            capacity_per_week: None,
            source: String::new(),
        }
    }

    /// KHV → MOW → MOG: reefer rail, the last leg priced in BYN.
    fn network() -> Network {
        let mut khv = node("KHV", "RU", "10000");
        khv.dwell =
            vec![Dwell { cargo: CargoClass::Fish, days: DayRange::exactly(Days::whole(5)), source: String::new() }];
        khv.storage_per_container_day = Some(rub("1000"));
        let legs = vec![
            leg("KHV", "MOW", rub("300000"), 13, true),
            leg("MOW", "MOG", Money::parse("2000", Currency::Byn).expect("byn"), 2, true),
            leg("MOG", "KHV", rub("1"), 1, false),
        ];
        Network::new(vec![khv, node("MOW", "RU", "5000"), node("MOG", "BY", "0")], legs).expect("valid")
    }

    fn fx() -> FixedRates {
        FixedRates::new(
            Currency::Rub,
            &[FixedRate { currency: Currency::Byn, from: date("2026-01-01"), value: dec("25"), source: String::new() }],
        )
        .expect("rates")
    }

    fn chain() -> Chain {
        Chain {
            key: "pollock-today".into(),
            name_ru: "Минтай".into(),
            name_en: "Pollock".into(),
            product: "pollock-frozen".into(),
            units: dec("26000"),
            containers: 1,
            ex_works_per_unit: rub("200"),
            packing_per_unit: Some(rub("5")),
            route: vec![
                ChainLeg { from: code("KHV"), to: code("MOW"), mode: Mode::RailReefer },
                ChainLeg { from: code("MOW"), to: code("MOG"), mode: Mode::RailReefer },
            ],
            intermediaries: vec![
                Intermediary { role: Role::Exporter, name: "A".into(), margin: Margin::Percent(dec("10")) },
                Intermediary {
                    role: Role::Wholesaler,
                    name: "B".into(),
                    margin: Margin::FeePerShipment(rub("100000")),
                },
            ],
            insurance_percent: dec("0.3"),
            financing_percent: dec("20"),
            spoilage_percent_per_day: dec("0.01"),
            retail_margin_percent: dec("25"),
            currency: Currency::Rub,
            date: date("2026-03-01"),
            source: String::new(),
        }
    }

    #[test]
    fn landed_cost_by_hand() {
        let lc = landed_cost(&chain(), &network(), &[pollock()], &fx()).expect("landed cost");
        // goods 26000 × 200 = 5,200,000; packing 130,000; value 5,330,000.
        // transport 300,000 + 2,000 BYN × 25 = 50,000; handling 10,000 + 5,000 + 0; dwell 5 days × 1,000.
        // days: 5 dwell + 13 + 2 = 20 (no dwell at MOW: none given, none at the destination).
        // insurance 0.3% = 15,990; financing 20% × 20/365 = 58,410.96 (5,330,000 × 0.2 × 20 / 365
        // = 58,410.958…); spoilage 0.01% × 20 = 10,660.
        // before margins: 5,200,000 + 130,000 + 350,000 + 15,000 + 5,000 + 15,990 + 58,410.958904… + 10,660
        // = 5,785,060.958904…; A 10% = 578,506.0958904…; B 100,000.
        // ex VAT (sum of rounded lines): 5,785,060.96 + 578,506.10 + 100,000 = 6,463,567.06.
        // Belarus VAT 20% = 1,292,713.412 → 1,292,713.41; total 7,756,280.47.
        let amounts: Vec<(&str, String)> = lc.lines.iter().map(|l| (l.key, l.amount.amount_text())).collect();
        assert_eq!(
            amounts,
            vec![
                ("logistics.cost.ex-works", "5200000.00".to_string()),
                ("logistics.cost.packing", "130000.00".to_string()),
                ("logistics.cost.transport", "300000.00".to_string()),
                ("logistics.cost.transport", "50000.00".to_string()),
                ("logistics.cost.handling", "15000.00".to_string()),
                ("logistics.cost.dwell", "5000.00".to_string()),
                ("logistics.cost.insurance", "15990.00".to_string()),
                ("logistics.cost.financing", "58410.96".to_string()),
                ("logistics.cost.spoilage", "10660.00".to_string()),
                ("logistics.cost.margin", "578506.10".to_string()),
                ("logistics.cost.margin", "100000.00".to_string()),
                ("logistics.cost.vat", "1292713.41".to_string()),
            ]
        );
        assert_eq!(lc.days.typical, Days::whole(20));
        assert_eq!(lc.ex_vat, rub("6463567.06"));
        assert_eq!(lc.total, rub("7756280.47"));
        assert_eq!(lc.vat_rule, VatRule::Belarus);
        assert_eq!(lc.total_per_unit, rub("298.32")); // 7,756,280.47 / 26,000 = 298.3184…
        // shelf: 6,463,567.06 / 26,000 = 248.5987… × 1.25 × 1.20 = 372.898…
        assert_eq!(lc.shelf_price_per_unit, rub("372.90"));
        assert_eq!(lc.shelf_left, Some(Days::whole(280)));
        assert_eq!(lc.lines.iter().map(|l| l.amount.minor).sum::<i64>(), lc.total.minor);
    }

    #[test]
    fn removing_an_intermediary_lowers_cost_and_shelf_price() {
        let base = chain();
        let lean = base.without_intermediary(0).expect("exists");
        let (net, products, fx) = (network(), [pollock()], fx());
        let a = landed_cost(&base, &net, &products, &fx).expect("base");
        let b = landed_cost(&lean, &net, &products, &fx).expect("lean");
        let w = compare(&a, &b).expect("same currency");
        // Without A's 578,506.10 margin: ex VAT lower by that, VAT by 20% of it.
        assert_eq!(w.total_diff, rub("-694207.32"));
        assert!(w.shelf_price_diff.minor < 0);
        assert_eq!(w.days_diff, Days::ZERO);
        let margin = w.lines.iter().find(|l| l.key == "logistics.cost.margin").expect("margin line");
        assert_eq!(margin.diff, rub("-578506.10"));
        assert!(base.without_intermediary(5).is_err());
        let replaced = base
            .with_intermediary(
                1,
                Intermediary { role: Role::Distributor, name: "C".into(), margin: Margin::FeePerUnit(rub("1")) },
            )
            .expect("exists");
        let c = landed_cost(&replaced, &net, &products, &fx).expect("replaced");
        assert_eq!(c.sum_of("logistics.cost.margin"), rub("604506.10"));
    }

    #[test]
    fn bad_chains_are_errors_naming_the_item() {
        let (net, products) = (network(), [pollock()]);
        let mut c = chain();
        c.route[1].mode = Mode::Road;
        assert_eq!(
            landed_cost(&c, &net, &products, &fx()).map(|_| ()).map_err(|e| e.to_string()),
            Err("chain pollock-today: the network has no leg MOW→MOG road".to_string())
        );
        let mut c = chain();
        c.route = vec![ChainLeg { from: code("MOG"), to: code("KHV"), mode: Mode::RailContainer }];
        assert!(matches!(landed_cost(&c, &net, &products, &fx()), Err(ChainError::NoReefer { .. })));
        let mut c = chain();
        c.date = date("2025-12-01");
        let err = landed_cost(&c, &net, &products, &fx()).expect_err("no BYN rate in 2025");
        assert_eq!(err.to_string(), "chain pollock-today: no rate to convert BYN into RUB on 2025-12-01");
        let mut p = pollock();
        p.regime = None;
        assert!(matches!(landed_cost(&chain(), &net, &[p], &fx()), Err(ChainError::Product { .. })));
        let mut p = pollock();
        p.shelf_life =
            Some(crate::logistics::ShelfLife { days: Days::whole(30), min_left_on_arrival: Days::whole(15) });
        assert!(matches!(landed_cost(&chain(), &net, &[p], &fx()), Err(ChainError::ShelfLifeExhausted { .. })));
    }

    #[test]
    fn russian_vat_rose_in_2026() {
        assert_eq!(VatRule::RussiaStandard.percent(date("2025-12-31")), dec("20"));
        assert_eq!(VatRule::RussiaStandard.percent(date("2026-01-01")), dec("22"));
        assert_eq!(VatRule::for_country("ru", true), Some(VatRule::RussiaReducedFood));
        assert_eq!(VatRule::for_country("KZ", false), None);
    }
}
