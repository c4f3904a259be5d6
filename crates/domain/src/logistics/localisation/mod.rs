//! Localisation: deliver a finished product, or deliver a kit and assemble it in an
//! industrial park near the buyer (MTZ tractors and MAZ trucks assembled in Khabarovsk).
//!
//! Basis of every figure: amounts before VAT (a business buyer and the assembler recover VAT,
//! so it is no cost to either), in the case's currency at the case's date (rates as the chains
//! use them). The finished goods' chain ends where the buyer takes them (the Khabarovsk rail
//! terminal `KHV` in the data), the kits' chain at the park (`KHV-PARK`), so the kit pays the
//! last road leg to the park and the finished goods do not.
//!
//! One operating year under one set of terms (the park's preferential terms or the standard
//! ones), at the planned volume:
//! - saving per unit = landed cost of a finished unit − landed cost of a kit, split by cost
//!   line in [`split`]: most of it is the kit's lower ex-works price and the dealer's margin
//!   that only the finished-goods chain pays, not transport;
//! - assembly per unit = wages × (1 + insurance contributions rate) + other assembly costs;
//! - margin per unit = saving − assembly;
//! - fixed per year = other fixed costs + land lease + property value × property tax rate;
//! - gain before tax = volume × margin − fixed;
//! - profit tax = (gain − tax depreciation of the set-up) × profit tax rate when positive;
//!   gain after tax = gain before tax − profit tax;
//! - operating break-even volume = fixed / margin, rounded up: below it the year loses money;
//! - break-even with set-up recovery = (fixed + set-up / recovery years) / margin, rounded up:
//!   the volume that also earns the set-up back, spread evenly and undiscounted over the
//!   recovery years (the park's preference period by default), before tax; none for either
//!   when the margin is not positive.
//!
//! Over a horizon of years ([`horizon`]): the preferences apply for the park's
//! `preference_years` and the standard terms after; year-by-year cash flows, NPV, and simple
//! and discounted payback. The case is evaluated twice, with the park's preferences and
//! without them (standard terms every year), and the difference is what the park is worth.
//! The year-one figures of the scenario with preferences are under preferential terms.

pub mod horizon;
pub mod split;

pub use horizon::{Horizon, HorizonFigures, RatePercent, YearFlow, Years};
pub use split::{SavingComponent, SavingGroup, SavingSplit, SavingSubtotal, split_saving};

use super::chain::LandedCost;
use super::fx::{Fx, FxError};
use super::network::NodeCode;
use crate::trade::{Currency, Money};
use chrono::NaiveDate;
use horizon::{OperatingYear, depreciation, horizon_figures, r2};
use rust_decimal::Decimal;
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

/// A localisation case as data: two chains (finished goods landed where the buyer takes them,
/// kits landed at the park) and the assembly figures.
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
    /// Tax depreciation of the set-up in the year, deducted from the profit tax base.
    pub depreciation_per_year: Decimal,
    /// Over how many years the break-even with set-up recovery earns the set-up back.
    pub setup_recovery_years: Years,
}

/// The figures, rounded to two decimals (money in the case's currency).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct LocalisationFigures {
    pub saving_per_unit: Decimal,
    pub assembly_per_unit: Decimal,
    pub margin_per_unit: Decimal,
    pub fixed_per_year: Decimal,
    pub gain_before_tax: Decimal,
    pub depreciation_per_year: Decimal,
    pub profit_tax: Decimal,
    pub gain_after_tax: Decimal,
    /// Operating: fixed / margin, rounded up.
    pub break_even_volume: Option<Decimal>,
    /// (fixed + set-up / recovery years) / margin, rounded up.
    pub break_even_with_setup: Option<Decimal>,
    pub setup_recovery_years: Years,
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

/// One year's figures, exact (the caller rounds what it shows).
#[derive(Debug, Clone, Copy)]
struct Exact {
    saving: Decimal,
    assembly: Decimal,
    margin: Decimal,
    fixed: Decimal,
    before: Decimal,
    tax: Decimal,
    after: Decimal,
}

fn check(case: &str, x: &Localisation) -> Result<(), LocalisationError> {
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
        ("depreciation_per_year", x.depreciation_per_year),
    ] {
        if v < Decimal::ZERO {
            return Err(LocalisationError::Negative { case: case.to_string(), field });
        }
    }
    Ok(())
}

fn exact(x: &Localisation) -> Exact {
    let hundred = Decimal::ONE_HUNDRED;
    let saving = x.finished_per_unit - x.kit_per_unit;
    let assembly = x.wages_per_unit * (hundred + x.insurance_percent) / hundred + x.other_per_unit;
    let margin = saving - assembly;
    let fixed = x.other_fixed_per_year + x.land_lease_per_year + x.property_value * x.property_tax_percent / hundred;
    let before = x.annual_volume * margin - fixed;
    let base = before - x.depreciation_per_year;
    let tax = if base > Decimal::ZERO { base * x.profit_tax_percent / hundred } else { Decimal::ZERO };
    Exact { saving, assembly, margin, fixed, before, tax, after: before - tax }
}

/// The comparison on plain figures for one year (see the module notes for the formulas).
pub fn evaluate_localisation(case: &str, x: &Localisation) -> Result<LocalisationFigures, LocalisationError> {
    check(case, x)?;
    let e = exact(x);
    let positive = e.margin > Decimal::ZERO;
    let recovery = Decimal::from(x.setup_recovery_years.get());
    Ok(LocalisationFigures {
        saving_per_unit: r2(e.saving),
        assembly_per_unit: r2(e.assembly),
        margin_per_unit: r2(e.margin),
        fixed_per_year: r2(e.fixed),
        gain_before_tax: r2(e.before),
        depreciation_per_year: r2(x.depreciation_per_year),
        profit_tax: r2(e.tax),
        gain_after_tax: r2(e.after),
        break_even_volume: positive.then(|| (e.fixed / e.margin).ceil()),
        break_even_with_setup: positive.then(|| ((e.fixed + x.setup_cost / recovery) / e.margin).ceil()),
        setup_recovery_years: x.setup_recovery_years,
    })
}

/// One scenario: its first year and its horizon.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Scenario {
    /// Year one's figures (under preferential terms in the scenario with preferences).
    #[serde(flatten)]
    pub first_year: LocalisationFigures,
    pub horizon: HorizonFigures,
}

/// Both scenarios of a case on plain figures: `preferential` terms for `preference_years`
/// then `standard`, against `standard` throughout. The two inputs differ only in the terms.
pub fn evaluate_scenarios(
    case: &str,
    preferential: &Localisation,
    standard: &Localisation,
    preference_years: u32,
    horizon: &Horizon,
) -> Result<(Scenario, Scenario), LocalisationError> {
    let life = horizon.useful_life_years;
    let scenario = |years_preferred: u32| -> Result<Scenario, LocalisationError> {
        let in_year = |t: u32| {
            let terms = if t <= years_preferred { preferential } else { standard };
            Localisation { depreciation_per_year: depreciation(terms.setup_cost, life, t), ..*terms }
        };
        let first = in_year(1);
        let first_year = evaluate_localisation(case, &first)?;
        check(case, standard)?;
        let flows = horizon_figures(first.setup_cost, horizon, |t| {
            let x = in_year(t);
            let e = exact(&x);
            OperatingYear {
                preferential: t <= years_preferred,
                gain_before_tax: e.before,
                depreciation: x.depreciation_per_year,
                profit_tax: e.tax,
                gain_after_tax: e.after,
            }
        });
        Ok(Scenario { first_year, horizon: flows })
    };
    Ok((scenario(preference_years)?, scenario(0)?))
}

/// A case evaluated with the park's preferences and without them, over a horizon.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LocalisationResult {
    pub case: String,
    pub park: String,
    /// Every amount is in this currency, before VAT, at the rates of `date`.
    pub currency: Currency,
    pub date: NaiveDate,
    /// How long the park's preferences last (the scenario with preferences uses the standard
    /// terms after).
    pub preference_years: u32,
    pub horizon: Horizon,
    /// The recovery years the break-even with set-up used (the horizon's, or the default).
    pub setup_recovery_years: Years,
    pub saving: SavingSplit,
    pub with_preferences: Scenario,
    pub without_preferences: Scenario,
}

/// Evaluates a case from the landed costs of its two chains (per unit, before VAT: VAT is
/// recovered by a business buyer) and its park, over `horizon`.
pub fn localise(
    case: &LocalisationCase,
    parks: &[Park],
    finished: &LandedCost,
    kit: &LandedCost,
    fx: &dyn Fx,
    horizon: &Horizon,
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
    // The set-up is recovered while the preferences last unless the reader says otherwise.
    let recovery = horizon.recovery_years.or_else(|| Years::new(park.preference_years)).unwrap_or(horizon.years);
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
        depreciation_per_year: Decimal::ZERO,
        setup_recovery_years: recovery,
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
    // Each line key per unit, exact, in the case's currency; VAT is not a cost (recovered).
    let per_unit = |lc: &LandedCost| -> Result<Vec<(&'static str, Decimal)>, LocalisationError> {
        lc.lines
            .iter()
            .filter(|l| l.key != "logistics.cost.vat")
            .map(|l| Ok((l.key, conv(l.amount)? / lc.units)))
            .collect()
    };
    let saving = split_saving(&per_unit(finished)?, &per_unit(kit)?, r2(base.finished_per_unit - base.kit_per_unit));
    let (with_preferences, without_preferences) = evaluate_scenarios(
        &case.key,
        &with(&park.preferential)?,
        &with(&park.standard)?,
        park.preference_years,
        horizon,
    )?;
    Ok(LocalisationResult {
        case: case.key.clone(),
        park: park.key.clone(),
        currency: case.currency,
        date: case.date,
        preference_years: park.preference_years,
        horizon: *horizon,
        setup_recovery_years: recovery,
        saving,
        with_preferences,
        without_preferences,
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
            depreciation_per_year: dec("0"),
            setup_recovery_years: Years::new(5).expect("1..=30"),
        }
    }

    #[test]
    fn with_park_preferences_by_hand() {
        // saving 30; assembly 10 × 1.076 + 4 = 14.76; margin 15.24; fixed 2000 + 1000 + 0 = 3000;
        // break-even 3000 / 15.24 = 196.85 → 197; gain 15,240 − 3,000 = 12,240, no profit tax;
        // with the set-up of 50,000 spread over 5 years: (3,000 + 10,000) / 15.24 = 853.02 → 854.
        let f = evaluate_localisation("t", &inputs()).expect("valid");
        assert_eq!(f.saving_per_unit, dec("30"));
        assert_eq!(f.assembly_per_unit, dec("14.76"));
        assert_eq!(f.margin_per_unit, dec("15.24"));
        assert_eq!(f.fixed_per_year, dec("3000"));
        assert_eq!(f.break_even_volume, Some(dec("197")));
        assert_eq!(f.gain_after_tax, dec("12240"));
        assert_eq!(f.break_even_with_setup, Some(dec("854")));
    }

    #[test]
    fn without_preferences_by_hand() {
        // insurance 30%: assembly 17, margin 13; property tax 2.2% of 100,000 = 2,200, fixed 5,200;
        // break-even 400; gain 13,000 − 5,200 = 7,800, after 25% tax 5,850;
        // with set-up recovery (5,200 + 10,000) / 13 = 1,169.2 → 1,170.
        // Tax depreciation of 5,000 (50,000 over 10 years) lowers the tax base to 2,800:
        // tax 700, after tax 7,100.
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
        assert_eq!(f.break_even_with_setup, Some(dec("1170")));
        let depreciated = Localisation { depreciation_per_year: dec("5000"), ..x };
        let f = evaluate_localisation("t", &depreciated).expect("valid");
        assert_eq!((f.profit_tax, f.gain_after_tax), (dec("700"), dec("7100")));
    }

    /// Finished 100, kit 70, assembly 10 + 4 (no contributions): margin 16; 10 units a year:
    /// 160 − fixed 60 = 100 a year before tax; set-up 200, depreciated over 4 years (50 a year).
    fn tiny(profit_tax: &str) -> Localisation {
        Localisation {
            finished_per_unit: dec("100"),
            kit_per_unit: dec("70"),
            wages_per_unit: dec("10"),
            other_per_unit: dec("4"),
            annual_volume: dec("10"),
            setup_cost: dec("200"),
            property_value: dec("0"),
            other_fixed_per_year: dec("60"),
            land_lease_per_year: dec("0"),
            profit_tax_percent: dec(profit_tax),
            property_tax_percent: dec("0"),
            insurance_percent: dec("0"),
            depreciation_per_year: dec("0"),
            setup_recovery_years: Years::new(5).expect("1..=30"),
        }
    }

    #[test]
    fn preferences_for_two_years_then_standard_by_hand() {
        let horizon = Horizon::parse(Some("3"), Some("10"), Some("4"), None).expect("valid");
        let (with, without) = evaluate_scenarios("t", &tiny("0"), &tiny("20"), 2, &horizon).expect("valid");
        // With preferences: years 1-2 no profit tax, cash flow 100; year 3 standard: tax 20 % of
        // (100 − 50 depreciation) = 10, cash flow 90. Discounted at 10 %: 100 / 1.1 = 90.91,
        // 100 / 1.21 = 82.64, 90 / 1.331 = 67.618… → 67.62; NPV −200 + 90.91 + 82.64 + 67.62 = 41.17.
        // Simple payback: −200, −100, 0 → 2.00; discounted: −200, −109.09, −26.45, +41.17
        // → 2 + 26.45 / 67.62 = 2.391… → 2.39.
        let flows: Vec<(bool, Decimal, Decimal)> =
            with.horizon.flows.iter().map(|y| (y.preferential, y.profit_tax, y.cash_flow)).collect();
        assert_eq!(
            flows,
            vec![
                (false, dec("0"), dec("-200")),
                (true, dec("0"), dec("100")),
                (true, dec("0"), dec("100")),
                (false, dec("10"), dec("90")),
            ]
        );
        assert_eq!(with.horizon.npv, dec("41.17"));
        assert_eq!(with.horizon.simple_payback_years, Some(dec("2.00")));
        assert_eq!(with.horizon.discounted_payback_years, Some(dec("2.39")));
        // Year one under preferences: break-even 60 / 16 = 3.75 → 4; with the set-up over
        // 5 years (60 + 40) / 16 = 6.25 → 7.
        assert_eq!(with.first_year.break_even_volume, Some(dec("4")));
        assert_eq!(with.first_year.break_even_with_setup, Some(dec("7")));
        assert_eq!(with.first_year.depreciation_per_year, dec("50"));
        // Without: 90 every year: 81.818… → 81.82, 74.380… → 74.38, 67.62; NPV 23.82;
        // simple −200, −110, −20, +70 → 2 + 20 / 90 = 2.22; discounted −200, −118.18, −43.80,
        // +23.82 → 2 + 43.80 / 67.62 = 2.647… → 2.65.
        assert_eq!(without.first_year.gain_after_tax, dec("90"));
        assert_eq!(without.horizon.npv, dec("23.82"));
        assert_eq!(without.horizon.simple_payback_years, Some(dec("2.22")));
        assert_eq!(without.horizon.discounted_payback_years, Some(dec("2.65")));
        assert!(without.horizon.flows.iter().all(|y| !y.preferential));
        // Preferences longer than the horizon apply every year: 100, 100, 100 → NPV 48.68.
        let (longer, _) = evaluate_scenarios("t", &tiny("0"), &tiny("20"), 5, &horizon).expect("valid");
        assert_eq!(longer.horizon.npv, dec("48.68"));
    }

    #[test]
    fn no_margin_means_no_break_even_and_negatives_are_refused() {
        let x = Localisation { kit_per_unit: dec("90"), ..inputs() };
        let f = evaluate_localisation("t", &x).expect("valid");
        assert_eq!(f.margin_per_unit, dec("-4.76"));
        assert_eq!(f.break_even_volume, None);
        assert_eq!(f.break_even_with_setup, None);
        assert_eq!(f.gain_after_tax, dec("-7760"));
        let bad = Localisation { setup_cost: dec("-1"), ..inputs() };
        assert_eq!(
            evaluate_localisation("mtz", &bad).map_err(|e| e.to_string()),
            Err("localisation mtz: setup_cost is negative".to_string())
        );
    }
}
