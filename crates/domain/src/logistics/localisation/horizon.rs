//! The localisation case over a horizon of years: the cash flow of each year, its net present
//! value, and simple and discounted payback.
//!
//! - Year 0 is the set-up cost, paid once: `CF₀ = −set-up`.
//! - Years 1..=N are the operating gain of the year under that year's terms (the park's
//!   preferential terms for years 1..=`preference_years`, the standard terms after), less the
//!   profit tax on `gain − tax depreciation` when that is positive. No loss is carried forward
//!   (conservative: a loss year lowers no later year's tax).
//! - Tax depreciation is straight-line (Tax Code of the Russian Federation, art. 259 and
//!   259.1, «линейный метод»): `set-up / useful life` a year for the first `useful life`
//!   years of the horizon. Nothing is added at the horizon's end for what is left undepreciated
//!   or for the line's residual value (conservative).
//! - `NPV = Σ CF_t / (1 + r)^t`, t = 0..=N. Every year's cash flow and discounted cash flow is
//!   rounded to the kopeck once; cumulative figures and the NPV are sums of the rounded years,
//!   so the year-by-year table adds up to the NPV shown.
//! - Payback (simple on `CF_t`, discounted on `CF_t / (1 + r)^t`): the first year in which the
//!   cumulative figure turns non-negative, interpolated within the year
//!   (`t − 1 + deficit at the end of t − 1 / flow of t`), two decimals; none when it does not
//!   happen within the horizon.
//!
//! Inputs are types that cannot hold a nonsense value: [`Years`] is 1..=30, [`RatePercent`]
//! 0..=100. The defaults and why (also in the README):
//! - horizon 10 years: the useful life of the line (below) and twice the park's preference
//!   period, so the years after the preferences weigh in;
//! - discount rate 12 % a year in roubles: a long-term rate for a ten-year project, about the
//!   Bank of Russia's estimate of the neutral key rate (around 8 %) plus about 4 points of
//!   project risk. The chains finance goods in transit at 21 %, a short-term rate of 2025-26,
//!   which would overstate the cost of capital of a ten-year project; the rate is an input;
//! - useful life 10 years: the boundary of depreciation groups 5 and 6 (7-10 and 10-15 years)
//!   of the classification of fixed assets (Government Decree No. 1 of 1 January 2002), where
//!   most assembly-line equipment falls;
//! - set-up recovery for the break-even volume: the park's preference period (5 years in the
//!   data: recover the line while the preferences last), or the horizon when the park has none.

use crate::validation::{FieldError, Invalid, Reason};
use rust_decimal::Decimal;
use serde::Serialize;
use std::str::FromStr;

/// A number of whole years, 1..=30: longer horizons say nothing about a project of this kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct Years(u32);

impl Years {
    pub const MAX: u32 = 30;

    pub fn new(n: u32) -> Option<Years> {
        (1..=Self::MAX).contains(&n).then_some(Years(n))
    }

    pub fn get(self) -> u32 {
        self.0
    }
}

/// A rate in percent a year, 0..=100.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct RatePercent(Decimal);

impl RatePercent {
    pub fn new(percent: Decimal) -> Option<RatePercent> {
        (percent >= Decimal::ZERO && percent <= Decimal::ONE_HUNDRED).then_some(RatePercent(percent))
    }

    pub fn get(self) -> Decimal {
        self.0
    }
}

/// What the horizon figures are computed over (see the module notes for the defaults).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Horizon {
    pub years: Years,
    pub discount_percent: RatePercent,
    pub useful_life_years: Years,
    /// Over how many years the set-up is recovered in the break-even volume; `None`: the
    /// park's preference period, or the horizon when the park has none.
    pub recovery_years: Option<Years>,
}

impl Default for Horizon {
    fn default() -> Self {
        Horizon {
            years: Years(10),
            discount_percent: RatePercent(Decimal::from(12)),
            useful_life_years: Years(10),
            recovery_years: None,
        }
    }
}

impl Horizon {
    /// The field names, which are also the query parameters of the page and the API.
    pub const FIELDS: [&'static str; 4] = ["years", "discount_percent", "useful_life_years", "recovery_years"];

    /// From text as a form or a query gives it (a decimal comma is accepted); empty means the
    /// default. Every bad field is named, in form order.
    pub fn parse(
        years: Option<&str>,
        discount_percent: Option<&str>,
        useful_life_years: Option<&str>,
        recovery_years: Option<&str>,
    ) -> Result<Horizon, Invalid> {
        let mut errors = Vec::new();
        let default = Horizon::default();
        let years = parse_years("years", years, &mut errors).unwrap_or(default.years);
        let discount = parse_rate("discount_percent", discount_percent, &mut errors);
        let life = parse_years("useful_life_years", useful_life_years, &mut errors);
        let recovery_years = parse_years("recovery_years", recovery_years, &mut errors);
        if !errors.is_empty() {
            return Err(Invalid(errors));
        }
        Ok(Horizon {
            years,
            discount_percent: discount.unwrap_or(default.discount_percent),
            useful_life_years: life.unwrap_or(default.useful_life_years),
            recovery_years,
        })
    }
}

fn filled(v: Option<&str>) -> Option<&str> {
    v.map(str::trim).filter(|v| !v.is_empty())
}

fn parse_years(field: &'static str, v: Option<&str>, errors: &mut Vec<FieldError>) -> Option<Years> {
    let parsed = filled(v)?.parse::<u32>();
    let reason = match parsed.map(Years::new) {
        Ok(Some(y)) => return Some(y),
        Ok(None) => Reason::OutOfRange,
        // A negative number is out of range, not a non-number.
        Err(_) if filled(v).is_some_and(|t| t.starts_with('-') && t[1..].parse::<u32>().is_ok()) => Reason::OutOfRange,
        Err(_) => Reason::NotANumber,
    };
    errors.push(FieldError { field, reason });
    None
}

fn parse_rate(field: &'static str, v: Option<&str>, errors: &mut Vec<FieldError>) -> Option<RatePercent> {
    let parsed = Decimal::from_str(&filled(v)?.replace(',', "."));
    let reason = match parsed.map(RatePercent::new) {
        Ok(Some(r)) => return Some(r),
        Ok(None) => Reason::OutOfRange,
        Err(_) => Reason::NotANumber,
    };
    errors.push(FieldError { field, reason });
    None
}

/// One year of the horizon, money rounded to the kopeck.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct YearFlow {
    /// 0 is the set-up.
    pub year: u32,
    /// The park's preferential terms apply this year.
    pub preferential: bool,
    /// Volume × margin − fixed costs.
    pub gain_before_tax: Decimal,
    pub depreciation: Decimal,
    pub profit_tax: Decimal,
    /// −set-up in year 0; gain − tax after.
    pub cash_flow: Decimal,
    /// `cash_flow / (1 + r)^year`.
    pub discounted: Decimal,
    pub cumulative: Decimal,
    pub cumulative_discounted: Decimal,
}

/// The horizon figures of one scenario (with the park's preferences or without).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HorizonFigures {
    pub flows: Vec<YearFlow>,
    /// The sum of the cash flows, undiscounted (year 0 included).
    pub total_cash_flow: Decimal,
    pub npv: Decimal,
    pub simple_payback_years: Option<Decimal>,
    pub discounted_payback_years: Option<Decimal>,
}

/// One year's operating figures, exact, as the caller computes them for that year's terms
/// and depreciation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct OperatingYear {
    pub preferential: bool,
    pub gain_before_tax: Decimal,
    pub depreciation: Decimal,
    pub profit_tax: Decimal,
    pub gain_after_tax: Decimal,
}

pub(super) fn r2(d: Decimal) -> Decimal {
    d.round_dp_with_strategy(2, rust_decimal::RoundingStrategy::MidpointNearestEven)
}

/// Straight-line tax depreciation in year `t` (1-based) of a cost over a useful life.
pub(super) fn depreciation(setup: Decimal, life: Years, t: u32) -> Decimal {
    if t <= life.get() { setup / Decimal::from(life.get()) } else { Decimal::ZERO }
}

/// The first point at which a cumulative series turns non-negative, interpolated within the
/// year; `cumulative[0]` is the end of year 0.
fn payback(flows: &[Decimal], cumulative: &[Decimal]) -> Option<Decimal> {
    if cumulative.first().is_some_and(|c| *c >= Decimal::ZERO) {
        return Some(Decimal::ZERO);
    }
    (1..cumulative.len()).find(|t| cumulative[*t] >= Decimal::ZERO).map(|t| {
        let deficit = -cumulative[t - 1];
        r2(Decimal::from(t as u32 - 1) + deficit / flows[t])
    })
}

/// The cash flows over the horizon from the set-up and each year's operating figures
/// (`year(t)` for t = 1..=N).
pub(super) fn horizon_figures(
    setup: Decimal,
    horizon: &Horizon,
    mut year: impl FnMut(u32) -> OperatingYear,
) -> HorizonFigures {
    let rate = Decimal::ONE + horizon.discount_percent.get() / Decimal::ONE_HUNDRED;
    let mut factor = Decimal::ONE;
    let start = r2(-setup);
    let mut flows = vec![YearFlow {
        year: 0,
        preferential: false,
        gain_before_tax: Decimal::ZERO,
        depreciation: Decimal::ZERO,
        profit_tax: Decimal::ZERO,
        cash_flow: start,
        discounted: start,
        cumulative: start,
        cumulative_discounted: start,
    }];
    let (mut cumulative, mut cumulative_discounted) = (start, start);
    for t in 1..=horizon.years.get() {
        let y = year(t);
        factor *= rate;
        let cash_flow = r2(y.gain_after_tax);
        let discounted = r2(y.gain_after_tax / factor);
        cumulative += cash_flow;
        cumulative_discounted += discounted;
        flows.push(YearFlow {
            year: t,
            preferential: y.preferential,
            gain_before_tax: r2(y.gain_before_tax),
            depreciation: r2(y.depreciation),
            profit_tax: r2(y.profit_tax),
            cash_flow,
            discounted,
            cumulative,
            cumulative_discounted,
        });
    }
    let pick = |f: fn(&YearFlow) -> Decimal| flows.iter().map(f).collect::<Vec<_>>();
    let simple = payback(&pick(|f| f.cash_flow), &pick(|f| f.cumulative));
    let discounted = payback(&pick(|f| f.discounted), &pick(|f| f.cumulative_discounted));
    HorizonFigures {
        total_cash_flow: cumulative,
        npv: cumulative_discounted,
        simple_payback_years: simple,
        discounted_payback_years: discounted,
        flows,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dec(s: &str) -> Decimal {
        Decimal::from_str(s).expect(s)
    }

    fn flat(gain: &str) -> OperatingYear {
        OperatingYear {
            preferential: false,
            gain_before_tax: dec(gain),
            depreciation: Decimal::ZERO,
            profit_tax: Decimal::ZERO,
            gain_after_tax: dec(gain),
        }
    }

    fn three_years_at_ten() -> Horizon {
        Horizon {
            years: Years(3),
            discount_percent: RatePercent(dec("10")),
            useful_life_years: Years(4),
            recovery_years: None,
        }
    }

    #[test]
    fn npv_and_paybacks_by_hand() {
        // Set-up 200, then 100 a year for 3 years at 10 %:
        // 100 / 1.1 = 90.909… → 90.91; 100 / 1.21 = 82.644… → 82.64; 100 / 1.331 = 75.131… → 75.13;
        // NPV = −200 + 90.91 + 82.64 + 75.13 = 48.68.
        // Simple: cumulative −200, −100, 0 → paid back at the end of year 2: 1 + 100 / 100 = 2.00.
        // Discounted: −200, −109.09, −26.45, +48.68 → 2 + 26.45 / 75.13 = 2.3520… → 2.35.
        let f = horizon_figures(dec("200"), &three_years_at_ten(), |_| flat("100"));
        let discounted: Vec<Decimal> = f.flows.iter().map(|y| y.discounted).collect();
        assert_eq!(discounted, vec![dec("-200"), dec("90.91"), dec("82.64"), dec("75.13")]);
        assert_eq!(f.npv, dec("48.68"));
        assert_eq!(f.total_cash_flow, dec("100"));
        assert_eq!(f.simple_payback_years, Some(dec("2.00")));
        assert_eq!(f.discounted_payback_years, Some(dec("2.35")));
        assert_eq!(f.flows[2].cumulative_discounted, dec("-26.45"));
    }

    #[test]
    fn no_payback_within_the_horizon_is_none() {
        // One year of 100 against 200: cumulative −100 at the end; never paid back.
        let h = Horizon { years: Years(1), ..three_years_at_ten() };
        let f = horizon_figures(dec("200"), &h, |_| flat("100"));
        assert_eq!(f.simple_payback_years, None);
        assert_eq!(f.discounted_payback_years, None);
        assert_eq!(f.npv, dec("-109.09"));
        // Nothing to recover: paid back at once.
        let f = horizon_figures(Decimal::ZERO, &h, |_| flat("100"));
        assert_eq!(f.simple_payback_years, Some(Decimal::ZERO));
    }

    #[test]
    fn straight_line_depreciation_stops_after_the_useful_life() {
        // 200 over 4 years: 50 in years 1..=4, nothing in year 5.
        assert_eq!(depreciation(dec("200"), Years(4), 1), dec("50"));
        assert_eq!(depreciation(dec("200"), Years(4), 4), dec("50"));
        assert_eq!(depreciation(dec("200"), Years(4), 5), Decimal::ZERO);
    }

    #[test]
    fn inputs_are_checked_and_named() {
        assert_eq!(Horizon::parse(None, None, None, None), Ok(Horizon::default()));
        assert_eq!(Horizon::parse(Some(" "), Some(""), None, None), Ok(Horizon::default()));
        let h = Horizon::parse(Some("3"), Some("10,5"), Some("4"), Some("5")).expect("valid");
        assert_eq!((h.years.get(), h.discount_percent.get(), h.useful_life_years.get()), (3, dec("10.5"), 4));
        assert_eq!(h.recovery_years.map(Years::get), Some(5));
        let bad = Horizon::parse(Some("0"), Some("101"), Some("ten"), Some("31")).expect_err("all four bad");
        assert_eq!(
            bad.to_string(),
            "invalid input: years: out-of-range; discount_percent: out-of-range; \
             useful_life_years: not-a-number; recovery_years: out-of-range"
        );
        assert_eq!(
            Horizon::parse(None, Some("-1"), None, None).map_err(|e| e.to_string()),
            Err("invalid input: discount_percent: out-of-range".to_string())
        );
        assert!(Years::new(30).is_some() && Years::new(31).is_none() && Years::new(0).is_none());
        assert!(RatePercent::new(Decimal::ZERO).is_some() && RatePercent::new(dec("100.01")).is_none());
    }
}
