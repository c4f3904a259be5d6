//! Localisation: deliver a finished product, or deliver a kit and assemble it in an
//! industrial park near the buyer (MTZ tractors and MAZ trucks assembled in Khabarovsk).
//!
//! The comparison, per year at a planned volume, all in one currency:
//! - saving per unit = landed cost of a finished unit − landed cost of a kit (a kit packs
//!   denser, so freight per unit is lower, and the kit is cheaper at the plant);
//! - assembly per unit = wages × (1 + insurance contributions rate) + other assembly costs;
//! - margin per unit = saving − assembly;
//! - fixed per year = other fixed costs + land lease + property value × property tax rate;
//! - gain per year = volume × margin − fixed, taxed at the profit tax rate when positive;
//! - break-even annual volume = fixed / margin (rounded up to a whole unit): below it
//!   localisation loses money every year; none when the margin is not positive;
//! - payback = set-up cost / gain after tax (years, two decimals); none when there is no gain.
//!
//! A park's preferences (reduced profit tax, property tax, insurance contributions, land lease)
//! are data per park, next to the standard rates, so the same case is evaluated twice: with
//! the park's preferences and without, and the difference is what the park is worth.

use super::chain::LandedCost;
use super::fx::{Fx, FxError};
use super::network::NodeCode;
use crate::trade::{Currency, Money};
use chrono::NaiveDate;
use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Serialize};

/// Tax rates and lease terms, in percent and money a year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Terms {
    pub profit_tax_percent: Decimal,
    pub property_tax_percent: Decimal,
    /// Social insurance contributions on wages.
    pub insurance_percent: Decimal,
    pub land_lease_per_year: Money,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Park {
    pub key: String,
    pub name_ru: String,
    pub name_en: String,
    /// The network node where the park is.
    pub node: NodeCode,
    /// The resident's terms.
    pub preferential: Terms,
    /// The same figures for a company outside the park.
    pub standard: Terms,
    /// How long the preferences last, in years.
    #[serde(default)]
    pub preference_years: u32,
    #[serde(default)]
    pub source: String,
}

/// A localisation case as data: two chains (finished and kit, landed at the park) and the
/// assembly figures.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LocalisationCase {
    pub key: String,
    pub name_ru: String,
    pub name_en: String,
    pub park: String,
    /// The chain delivering one finished unit per chain unit.
    pub finished_chain: String,
    /// The chain delivering one kit per chain unit.
    pub kit_chain: String,
    pub annual_volume: Decimal,
    pub assembly_wages_per_unit: Money,
    pub assembly_other_per_unit: Money,
    pub setup_cost: Money,
    /// Buildings and equipment subject to property tax.
    pub property_value: Money,
    #[serde(default)]
    pub other_fixed_per_year: Option<Money>,
    pub currency: Currency,
    pub date: NaiveDate,
    #[serde(default)]
    pub source: String,
}

/// The inputs of the comparison as plain decimals in one currency.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Localisation {
    pub finished_per_unit: Decimal,
    pub kit_per_unit: Decimal,
    pub wages_per_unit: Decimal,
    pub other_per_unit: Decimal,
    pub annual_volume: Decimal,
    pub setup_cost: Decimal,
    pub property_value: Decimal,
    pub other_fixed_per_year: Decimal,
    pub land_lease_per_year: Decimal,
    pub profit_tax_percent: Decimal,
    pub property_tax_percent: Decimal,
    pub insurance_percent: Decimal,
}

/// The figures, rounded to two decimals (money in the case's currency).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct LocalisationFigures {
    pub saving_per_unit: Decimal,
    pub assembly_per_unit: Decimal,
    pub margin_per_unit: Decimal,
    pub fixed_per_year: Decimal,
    pub gain_before_tax: Decimal,
    pub gain_after_tax: Decimal,
    pub break_even_volume: Option<Decimal>,
    pub payback_years: Option<Decimal>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LocalisationError {
    #[error("localisation {case}: {field} is negative")]
    Negative { case: String, field: &'static str },
    #[error("localisation {case}: no park {park}")]
    UnknownPark { case: String, park: String },
    #[error("localisation {case}: the chain {chain} was not computed")]
    MissingChain { case: String, chain: String },
    #[error("localisation {case}: {source}")]
    Fx { case: String, source: FxError },
}

impl LocalisationError {
    /// What the refusal is about, without words (see `NetworkError::detail`).
    pub fn detail(&self) -> String {
        match self {
            LocalisationError::Negative { case, field } => format!("{case}: {field}"),
            LocalisationError::UnknownPark { case, park } => format!("{case}: {park}"),
            LocalisationError::MissingChain { case, chain } => format!("{case}: {chain}"),
            LocalisationError::Fx { case, source } => format!("{case}: {}", source.detail()),
        }
    }

    pub fn key(&self) -> &'static str {
        match self {
            LocalisationError::Negative { .. } => "logistics.localisation.negative",
            LocalisationError::UnknownPark { .. } => "logistics.localisation.unknown-park",
            LocalisationError::MissingChain { .. } => "logistics.localisation.missing-chain",
            LocalisationError::Fx { source, .. } => source.key(),
        }
    }
}

fn r2(d: Decimal) -> Decimal {
    d.round_dp_with_strategy(2, RoundingStrategy::MidpointNearestEven)
}

/// The comparison on plain figures (see the module notes for the formulas).
pub fn evaluate_localisation(case: &str, x: &Localisation) -> Result<LocalisationFigures, LocalisationError> {
    for (field, v) in [
        ("finished_per_unit", x.finished_per_unit),
        ("kit_per_unit", x.kit_per_unit),
        ("wages_per_unit", x.wages_per_unit),
        ("other_per_unit", x.other_per_unit),
        ("annual_volume", x.annual_volume),
        ("setup_cost", x.setup_cost),
        ("property_value", x.property_value),
        ("other_fixed_per_year", x.other_fixed_per_year),
        ("land_lease_per_year", x.land_lease_per_year),
        ("profit_tax_percent", x.profit_tax_percent),
        ("property_tax_percent", x.property_tax_percent),
        ("insurance_percent", x.insurance_percent),
    ] {
        if v < Decimal::ZERO {
            return Err(LocalisationError::Negative { case: case.to_string(), field });
        }
    }
    let hundred = Decimal::ONE_HUNDRED;
    let saving = x.finished_per_unit - x.kit_per_unit;
    let assembly = x.wages_per_unit * (hundred + x.insurance_percent) / hundred + x.other_per_unit;
    let margin = saving - assembly;
    let fixed = x.other_fixed_per_year + x.land_lease_per_year + x.property_value * x.property_tax_percent / hundred;
    let before = x.annual_volume * margin - fixed;
    let after = if before > Decimal::ZERO { before * (hundred - x.profit_tax_percent) / hundred } else { before };
    let break_even = (margin > Decimal::ZERO).then(|| (fixed / margin).ceil());
    let payback = (after > Decimal::ZERO).then(|| r2(x.setup_cost / after));
    Ok(LocalisationFigures {
        saving_per_unit: r2(saving),
        assembly_per_unit: r2(assembly),
        margin_per_unit: r2(margin),
        fixed_per_year: r2(fixed),
        gain_before_tax: r2(before),
        gain_after_tax: r2(after),
        break_even_volume: break_even,
        payback_years: payback,
    })
}

/// A case evaluated with the park's preferences and without them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LocalisationResult {
    pub case: String,
    pub park: String,
    pub currency: Currency,
    pub with_preferences: LocalisationFigures,
    pub without_preferences: LocalisationFigures,
}

/// Evaluates a case from the landed costs of its two chains (per unit, before VAT: VAT is
/// recovered by a business buyer) and its park.
pub fn localise(
    case: &LocalisationCase,
    parks: &[Park],
    finished: &LandedCost,
    kit: &LandedCost,
    fx: &dyn Fx,
) -> Result<LocalisationResult, LocalisationError> {
    let name = || case.key.clone();
    let park = parks
        .iter()
        .find(|p| p.key == case.park)
        .ok_or_else(|| LocalisationError::UnknownPark { case: name(), park: case.park.clone() })?;
    for (chain, lc) in [(&case.finished_chain, finished), (&case.kit_chain, kit)] {
        if &lc.chain != chain {
            return Err(LocalisationError::MissingChain { case: name(), chain: chain.clone() });
        }
    }
    let conv = |m: Money| {
        fx.convert_money(m, case.currency, case.date).map_err(|source| LocalisationError::Fx { case: name(), source })
    };
    let base = Localisation {
        finished_per_unit: conv(finished.ex_vat_per_unit)?,
        kit_per_unit: conv(kit.ex_vat_per_unit)?,
        wages_per_unit: conv(case.assembly_wages_per_unit)?,
        other_per_unit: conv(case.assembly_other_per_unit)?,
        annual_volume: case.annual_volume,
        setup_cost: conv(case.setup_cost)?,
        property_value: conv(case.property_value)?,
        other_fixed_per_year: match case.other_fixed_per_year {
            Some(m) => conv(m)?,
            None => Decimal::ZERO,
        },
        land_lease_per_year: Decimal::ZERO,
        profit_tax_percent: Decimal::ZERO,
        property_tax_percent: Decimal::ZERO,
        insurance_percent: Decimal::ZERO,
    };
    let with = |t: &Terms| -> Result<Localisation, LocalisationError> {
        Ok(Localisation {
            land_lease_per_year: conv(t.land_lease_per_year)?,
            profit_tax_percent: t.profit_tax_percent,
            property_tax_percent: t.property_tax_percent,
            insurance_percent: t.insurance_percent,
            ..base
        })
    };
    Ok(LocalisationResult {
        case: case.key.clone(),
        park: park.key.clone(),
        currency: case.currency,
        with_preferences: evaluate_localisation(&case.key, &with(&park.preferential)?)?,
        without_preferences: evaluate_localisation(&case.key, &with(&park.standard)?)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn dec(s: &str) -> Decimal {
        Decimal::from_str(s).expect(s)
    }

    fn inputs() -> Localisation {
        Localisation {
            finished_per_unit: dec("100"),
            kit_per_unit: dec("70"),
            wages_per_unit: dec("10"),
            other_per_unit: dec("4"),
            annual_volume: dec("1000"),
            setup_cost: dec("50000"),
            property_value: dec("100000"),
            other_fixed_per_year: dec("2000"),
            land_lease_per_year: dec("1000"),
            profit_tax_percent: dec("0"),
            property_tax_percent: dec("0"),
            insurance_percent: dec("7.6"),
        }
    }

    #[test]
    fn with_park_preferences_by_hand() {
        // saving 30; assembly 10 × 1.076 + 4 = 14.76; margin 15.24; fixed 2000 + 1000 + 0 = 3000;
        // break-even 3000 / 15.24 = 196.85 → 197; gain 15,240 − 3,000 = 12,240, no profit tax;
        // payback 50,000 / 12,240 = 4.085 → 4.08.
        let f = evaluate_localisation("t", &inputs()).expect("valid");
        assert_eq!(f.saving_per_unit, dec("30"));
        assert_eq!(f.assembly_per_unit, dec("14.76"));
        assert_eq!(f.margin_per_unit, dec("15.24"));
        assert_eq!(f.fixed_per_year, dec("3000"));
        assert_eq!(f.break_even_volume, Some(dec("197")));
        assert_eq!(f.gain_after_tax, dec("12240"));
        assert_eq!(f.payback_years, Some(dec("4.08")));
    }

    #[test]
    fn without_preferences_by_hand() {
        // insurance 30%: assembly 17, margin 13; property tax 2.2% of 100,000 = 2,200, fixed 5,200;
        // break-even 400; gain 13,000 − 5,200 = 7,800, after 25% tax 5,850; payback 8.547 → 8.55.
        let x = Localisation {
            insurance_percent: dec("30"),
            property_tax_percent: dec("2.2"),
            profit_tax_percent: dec("25"),
            ..inputs()
        };
        let f = evaluate_localisation("t", &x).expect("valid");
        assert_eq!(f.margin_per_unit, dec("13"));
        assert_eq!(f.fixed_per_year, dec("5200"));
        assert_eq!(f.break_even_volume, Some(dec("400")));
        assert_eq!(f.gain_after_tax, dec("5850"));
        assert_eq!(f.payback_years, Some(dec("8.55")));
    }

    #[test]
    fn no_margin_means_no_break_even_and_negatives_are_refused() {
        let x = Localisation { kit_per_unit: dec("90"), ..inputs() };
        let f = evaluate_localisation("t", &x).expect("valid");
        assert_eq!(f.margin_per_unit, dec("-4.76"));
        assert_eq!(f.break_even_volume, None);
        assert_eq!(f.payback_years, None);
        assert_eq!(f.gain_after_tax, dec("-7760"));
        let bad = Localisation { setup_cost: dec("-1"), ..inputs() };
        assert_eq!(
            evaluate_localisation("mtz", &bad).map_err(|e| e.to_string()),
            Err("localisation mtz: setup_cost is negative".to_string())
        );
    }
}
