//! Chains as plan indicators: an indicator of a logistics measure ("number of intermediaries in
//! the fish chain", "landed cost of pollock in Mogilev, RUB/kg") takes its quarterly actuals
//! from a supply chain instead of from a report.
//!
//! A link names the indicator, the chain and the figure ([`ChainMetric`]). Recording a quarter
//! computes each linked figure from the chain as stored at that moment and writes it as the
//! indicator's actual for the quarter, so the plan's charts, the briefing pack and the agenda
//! see the chain's history like any other indicator's. The chain is evaluated on its own
//! shipment date (its rates, season and VAT): the chain describes a shipment, and following a
//! later quarter means updating the chain.

use super::chain::{Chain, LandedCost};
use crate::IndicatorId;
use crate::plan::Indicator;
use crate::plan::indicator::ValueKind;
use crate::quarter::Quarter;
use crate::trade::Currency;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// Which figure of a chain an indicator carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ChainMetric {
    /// Exporters, wholesalers, distributors, retailers between producer and buyer.
    Intermediaries,
    /// Landed cost per unit of the product, VAT included.
    LandedCostPerUnit,
    /// Shelf price per unit at the chain's retail margin, VAT included.
    ShelfPricePerUnit,
    /// Typical days from producer to buyer, transit and dwell.
    TransitDays,
}

impl ChainMetric {
    pub const ALL: [ChainMetric; 4] = [
        ChainMetric::Intermediaries,
        ChainMetric::LandedCostPerUnit,
        ChainMetric::ShelfPricePerUnit,
        ChainMetric::TransitDays,
    ];

    pub fn code(self) -> &'static str {
        match self {
            ChainMetric::Intermediaries => "intermediaries",
            ChainMetric::LandedCostPerUnit => "landed-cost-per-unit",
            ChainMetric::ShelfPricePerUnit => "shelf-price-per-unit",
            ChainMetric::TransitDays => "transit-days",
        }
    }

    pub fn parse(code: &str) -> Option<ChainMetric> {
        ChainMetric::ALL.into_iter().find(|m| m.code() == code.trim())
    }

    /// The stable key the adapters translate.
    pub fn label_key(self) -> &'static str {
        match self {
            ChainMetric::Intermediaries => "logistics.metric.intermediaries",
            ChainMetric::LandedCostPerUnit => "logistics.metric.landed-cost-per-unit",
            ChainMetric::ShelfPricePerUnit => "logistics.metric.shelf-price-per-unit",
            ChainMetric::TransitDays => "logistics.metric.transit-days",
        }
    }

    /// Whether the figure is an amount of money (and so depends on the link's currency).
    pub fn is_money(self) -> bool {
        matches!(self, ChainMetric::LandedCostPerUnit | ChainMetric::ShelfPricePerUnit)
    }

    /// Whether the chain's landed cost must be computed to know the figure.
    pub fn needs_cost(self) -> bool {
        self != ChainMetric::Intermediaries
    }

    /// The figure of `chain`, given its landed cost (in the link's currency) when
    /// [`ChainMetric::needs_cost`].
    pub fn value(self, chain: &Chain, cost: Option<&LandedCost>) -> Option<Decimal> {
        match self {
            ChainMetric::Intermediaries => Some(Decimal::from(chain.intermediaries.len())),
            ChainMetric::LandedCostPerUnit => cost.map(|c| c.total_per_unit.to_decimal()),
            ChainMetric::ShelfPricePerUnit => cost.map(|c| c.shelf_price_per_unit.to_decimal()),
            ChainMetric::TransitDays => cost.map(|c| c.days.typical.to_decimal()),
        }
    }
}

/// An indicator whose actuals come from a chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChainIndicatorLink {
    pub indicator: IndicatorId,
    /// The chain's key.
    pub chain: String,
    pub metric: ChainMetric,
    /// The currency of a money figure (ignored for the others).
    pub currency: Currency,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LinkError {
    #[error("there is no chain {0:?}")]
    UnknownChain(String),
    #[error("indicator {0} is a yes/no indicator: a chain's figure is a number")]
    YesNoIndicator(IndicatorId),
    #[error(
        "unknown chain figure {0:?}: expected intermediaries, landed-cost-per-unit, shelf-price-per-unit or transit-days"
    )]
    UnknownMetric(String),
}

impl LinkError {
    /// What the refusal is about, without words (see `NetworkError::detail`).
    pub fn detail(&self) -> String {
        match self {
            LinkError::UnknownChain(chain) => chain.clone(),
            LinkError::YesNoIndicator(indicator) => indicator.to_string(),
            LinkError::UnknownMetric(metric) => format!("«{metric}»"),
        }
    }

    pub fn key(&self) -> &'static str {
        match self {
            LinkError::UnknownChain(_) => "logistics.link.unknown-chain",
            LinkError::YesNoIndicator(_) => "logistics.link.yes-no",
            LinkError::UnknownMetric(_) => "logistics.link.unknown-metric",
        }
    }
}

impl ChainIndicatorLink {
    /// A link, checked against the indicator and the chains there are.
    pub fn new(
        indicator: &Indicator,
        chain: &str,
        metric: ChainMetric,
        currency: Currency,
        chains: &[Chain],
    ) -> Result<ChainIndicatorLink, LinkError> {
        let chain = chain.trim();
        if !chains.iter().any(|c| c.key == chain) {
            return Err(LinkError::UnknownChain(chain.to_string()));
        }
        if indicator.data.value_kind == ValueKind::YesNo {
            return Err(LinkError::YesNoIndicator(indicator.id));
        }
        Ok(ChainIndicatorLink { indicator: indicator.id, chain: chain.to_string(), metric, currency })
    }

    /// The chain to evaluate for this link: the stored one, with the breakdown in the link's
    /// currency when the figure is money.
    pub fn chain_to_evaluate(&self, chain: &Chain) -> Chain {
        if self.metric.is_money() { Chain { currency: self.currency, ..chain.clone() } } else { chain.clone() }
    }
}

/// How a linked indicator moved between two quarters, for the agenda.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChainFigure {
    pub indicator: IndicatorId,
    pub name_ru: String,
    pub name_en: Option<String>,
    pub unit: String,
    pub chain: String,
    pub metric: ChainMetric,
    pub quarter: Quarter,
    pub value: Option<Decimal>,
    pub previous: Option<Decimal>,
}

impl ChainFigure {
    /// The linked indicators' actuals in `quarter` and the quarter before.
    pub fn of_quarter(links: &[ChainIndicatorLink], indicators: &[&Indicator], quarter: Quarter) -> Vec<ChainFigure> {
        let actual = |i: &Indicator, q: Quarter| i.actuals.iter().find(|a| a.quarter == q).map(|a| a.value);
        links
            .iter()
            .filter_map(|link| {
                let indicator = indicators.iter().find(|i| i.id == link.indicator)?;
                let value = actual(indicator, quarter);
                let previous = actual(indicator, quarter.prev());
                (value.is_some() || previous.is_some()).then(|| ChainFigure {
                    indicator: indicator.id,
                    name_ru: indicator.data.name_ru.clone(),
                    name_en: indicator.data.name_en.clone(),
                    unit: indicator.data.unit.clone(),
                    chain: link.chain.clone(),
                    metric: link.metric,
                    quarter,
                    value,
                    previous,
                })
            })
            .collect()
    }

    /// `value − previous`, when both are known.
    pub fn change(&self) -> Option<Decimal> {
        Some(self.value? - self.previous?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::MeasureId;
    use crate::plan::indicator::{Accumulation, Actual, Direction, IndicatorData};

    fn indicator(kind: ValueKind, actuals: Vec<Actual>) -> Indicator {
        Indicator {
            id: IndicatorId(uuid::Uuid::from_u128(7)),
            measure_id: MeasureId(uuid::Uuid::from_u128(1)),
            version: 1,
            data: IndicatorData {
                name_ru: "Число посредников в рыбной цепочке".into(),
                name_en: Some("Intermediaries in the fish chain".into()),
                unit: "ед.".into(),
                direction: Direction::Decrease,
                accumulation: Accumulation::Cumulative,
                value_kind: kind,
                baseline: None,
                baseline_date: None,
                target: None,
                yearly_targets: Vec::new(),
            },
            actuals,
        }
    }

    fn chain(key: &str, intermediaries: usize) -> Chain {
        use super::super::chain::{Intermediary, Margin, Role};
        use crate::trade::Money;
        Chain {
            key: key.into(),
            name_ru: key.into(),
            name_en: key.into(),
            product: "pollock-frozen".into(),
            units: Decimal::from(1000),
            containers: 1,
            ex_works_per_unit: Money::new(10_000, Currency::Rub),
            packing_per_unit: None,
            route: Vec::new(),
            intermediaries: (0..intermediaries)
                .map(|i| Intermediary {
                    role: Role::Wholesaler,
                    name: format!("W{i}"),
                    margin: Margin::Percent(Decimal::from(10)),
                })
                .collect(),
            insurance_percent: Decimal::ZERO,
            financing_percent: Decimal::ZERO,
            spoilage_percent_per_day: Decimal::ZERO,
            retail_margin_percent: Decimal::ZERO,
            currency: Currency::Rub,
            date: chrono::NaiveDate::from_ymd_opt(2026, 3, 1).unwrap_or_default(),
            source: String::new(),
        }
    }

    fn q(year: i32, n: u8) -> Quarter {
        Quarter::new(year, n).unwrap_or_else(|| panic!("quarter {year}Q{n}"))
    }

    #[test]
    fn metric_codes_round_trip_and_unknown_ones_are_refused() {
        for m in ChainMetric::ALL {
            assert_eq!(ChainMetric::parse(m.code()), Some(m));
        }
        assert_eq!(ChainMetric::parse("cost"), None);
        assert!(ChainMetric::LandedCostPerUnit.is_money());
        assert!(!ChainMetric::TransitDays.is_money());
        assert!(!ChainMetric::Intermediaries.needs_cost());
    }

    #[test]
    fn intermediaries_are_counted_without_a_landed_cost() {
        let c = chain("pollock-today", 5);
        assert_eq!(ChainMetric::Intermediaries.value(&c, None), Some(Decimal::from(5)));
        assert_eq!(ChainMetric::LandedCostPerUnit.value(&c, None), None);
    }

    #[test]
    fn a_link_needs_a_known_chain_and_a_numeric_indicator() {
        let chains = [chain("pollock-today", 5)];
        let numeric = indicator(ValueKind::Quantity, Vec::new());
        let link =
            ChainIndicatorLink::new(&numeric, " pollock-today ", ChainMetric::Intermediaries, Currency::Rub, &chains)
                .expect("valid link");
        assert_eq!(link.chain, "pollock-today");
        assert_eq!(
            ChainIndicatorLink::new(&numeric, "crab", ChainMetric::Intermediaries, Currency::Rub, &chains),
            Err(LinkError::UnknownChain("crab".into()))
        );
        let yes_no = indicator(ValueKind::YesNo, Vec::new());
        assert_eq!(
            ChainIndicatorLink::new(&yes_no, "pollock-today", ChainMetric::Intermediaries, Currency::Rub, &chains),
            Err(LinkError::YesNoIndicator(yes_no.id))
        );
    }

    #[test]
    fn money_links_evaluate_the_chain_in_their_currency() {
        let c = chain("pollock-today", 5);
        let numeric = indicator(ValueKind::Quantity, Vec::new());
        let cost = ChainIndicatorLink::new(
            &numeric,
            "pollock-today",
            ChainMetric::LandedCostPerUnit,
            Currency::Byn,
            std::slice::from_ref(&c),
        )
        .expect("valid link");
        assert_eq!(cost.chain_to_evaluate(&c).currency, Currency::Byn);
        let count = ChainIndicatorLink { metric: ChainMetric::Intermediaries, ..cost.clone() }.chain_to_evaluate(&c);
        assert_eq!(count.currency, Currency::Rub);
    }

    #[test]
    fn the_agenda_figure_shows_the_quarter_and_the_one_before() {
        let i = indicator(
            ValueKind::Quantity,
            vec![
                Actual { quarter: q(2026, 2), value: Decimal::from(5) },
                Actual { quarter: q(2026, 3), value: Decimal::from(1) },
            ],
        );
        let link = ChainIndicatorLink {
            indicator: i.id,
            chain: "pollock-direct".into(),
            metric: ChainMetric::Intermediaries,
            currency: Currency::Rub,
        };
        let figures = ChainFigure::of_quarter(std::slice::from_ref(&link), &[&i], q(2026, 3));
        assert_eq!(figures.len(), 1);
        assert_eq!(figures[0].value, Some(Decimal::from(1)));
        assert_eq!(figures[0].previous, Some(Decimal::from(5)));
        assert_eq!(figures[0].change(), Some(Decimal::from(-4)));
        // A quarter with neither value has nothing to say.
        assert!(ChainFigure::of_quarter(&[link], &[&i], q(2025, 1)).is_empty());
    }
}
