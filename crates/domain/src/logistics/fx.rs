//! Currency conversion for logistics figures.
//!
//! Leg tariffs come in roubles, Belarusian roubles or dollars, and a landed cost is shown in
//! any of USD, RUB, BYN. Conversion goes through the small [`Fx`] trait so the same code works
//! with the trade module's official [`RateTable`] when rates are loaded, and with the
//! logistics module's own [`FixedRates`] (a short list of rates shipped with reference data)
//! otherwise. A missing rate is an error naming the currency and the date, never a silent 1:1.

use crate::trade::{Currency, Money, RateTable};
use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FxError {
    #[error("no rate to convert {from} into {to} on {date}")]
    MissingRate { from: Currency, to: Currency, date: NaiveDate },
    #[error("converting {amount} {from} into {to} overflows")]
    Overflow { amount: Decimal, from: Currency, to: Currency },
}

impl FxError {
    /// What the refusal is about, without words (see `NetworkError::detail`).
    pub fn detail(&self) -> String {
        match self {
            FxError::MissingRate { from, to, date } => format!("{from} → {to}, {date}"),
            FxError::Overflow { amount, from, to } => format!("{amount} {from} → {to}"),
        }
    }

    pub fn key(&self) -> &'static str {
        match self {
            FxError::MissingRate { .. } => "logistics.fx.missing-rate",
            FxError::Overflow { .. } => "logistics.fx.overflow",
        }
    }
}

/// Units of `to` per unit of `from` on a date.
pub trait Fx {
    fn factor(&self, from: Currency, to: Currency, date: NaiveDate) -> Result<Decimal, FxError>;

    /// An exact amount converted (not rounded: rounding happens once, on the final figure).
    fn convert_exact(
        &self,
        amount: Decimal,
        from: Currency,
        to: Currency,
        date: NaiveDate,
    ) -> Result<Decimal, FxError> {
        if from == to {
            return Ok(amount);
        }
        let f = self.factor(from, to, date)?;
        amount.checked_mul(f).ok_or(FxError::Overflow { amount, from, to })
    }

    fn convert_money(&self, amount: Money, to: Currency, date: NaiveDate) -> Result<Decimal, FxError> {
        self.convert_exact(amount.to_decimal(), amount.currency, to, date)
    }
}

/// The trade module's official rates: the rate in force on the date (with its look-back of a
/// fortnight over weekends and holidays).
impl Fx for RateTable {
    fn factor(&self, from: Currency, to: Currency, date: NaiveDate) -> Result<Decimal, FxError> {
        if from == to {
            return Ok(Decimal::ONE);
        }
        self.conversion_on(from, to, date).map(|c| c.factor()).map_err(|_| FxError::MissingRate { from, to, date })
    }
}

/// One rate of [`FixedRates`]: `value` units of the base buy one unit of `currency`, from `date`
/// until a later rate of the same currency.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FixedRate {
    pub currency: Currency,
    pub from: NaiveDate,
    pub value: Decimal,
    #[serde(default)]
    pub source: String,
}

/// A short table of rates against one base currency, each in force from its date until the
/// next: planning figures ("78 RUB per USD for 2026"), not a bank's daily series.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FixedRates {
    base: Currency,
    rates: BTreeMap<Currency, BTreeMap<NaiveDate, Decimal>>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FixedRateError {
    #[error("rate of {currency} from {from}: not positive")]
    NotPositive { currency: Currency, from: NaiveDate },
    #[error("rate of {currency} from {from}: given twice")]
    Duplicate { currency: Currency, from: NaiveDate },
    #[error("rate of {0} against itself")]
    SelfQuote(Currency),
}

impl FixedRates {
    pub fn new(base: Currency, rates: &[FixedRate]) -> Result<FixedRates, FixedRateError> {
        let mut table: BTreeMap<Currency, BTreeMap<NaiveDate, Decimal>> = BTreeMap::new();
        for r in rates {
            if r.currency == base {
                return Err(FixedRateError::SelfQuote(base));
            }
            if r.value <= Decimal::ZERO {
                return Err(FixedRateError::NotPositive { currency: r.currency, from: r.from });
            }
            if table.entry(r.currency).or_default().insert(r.from, r.value).is_some() {
                return Err(FixedRateError::Duplicate { currency: r.currency, from: r.from });
            }
        }
        Ok(FixedRates { base, rates: table })
    }

    pub fn base(&self) -> Currency {
        self.base
    }

    /// The rates as a list, for writing back.
    pub fn to_list(&self) -> Vec<FixedRate> {
        let per = |(c, series): (&Currency, &BTreeMap<NaiveDate, Decimal>)| {
            series
                .iter()
                .map(|(d, v)| FixedRate { currency: *c, from: *d, value: *v, source: String::new() })
                .collect::<Vec<_>>()
        };
        self.rates.iter().flat_map(per).collect()
    }

    /// Base units per unit of `currency` on `date`.
    fn in_base(&self, currency: Currency, date: NaiveDate, other: Currency) -> Result<Decimal, FxError> {
        if currency == self.base {
            return Ok(Decimal::ONE);
        }
        let missing = FxError::MissingRate { from: currency, to: other, date };
        self.rates.get(&currency).and_then(|s| s.range(..=date).next_back()).map(|(_, v)| *v).ok_or(missing)
    }
}

impl Fx for FixedRates {
    fn factor(&self, from: Currency, to: Currency, date: NaiveDate) -> Result<Decimal, FxError> {
        if from == to {
            return Ok(Decimal::ONE);
        }
        let a = self.in_base(from, date, to)?;
        let b = self.in_base(to, date, from)?;
        a.checked_div(b).ok_or(FxError::Overflow { amount: a, from, to })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").expect(s)
    }

    fn rates() -> FixedRates {
        let r = |c, from: &str, v: &str| FixedRate {
            currency: c,
            from: d(from),
            value: Decimal::from_str(v).expect(v),
            source: String::new(),
        };
        FixedRates::new(
            Currency::Rub,
            &[
                r(Currency::Usd, "2025-01-01", "100"),
                r(Currency::Usd, "2026-01-01", "80"),
                r(Currency::Byn, "2026-01-01", "25"),
            ],
        )
        .expect("valid")
    }

    #[test]
    fn converts_through_the_base_with_the_rate_in_force() {
        let fx = rates();
        assert_eq!(fx.factor(Currency::Usd, Currency::Rub, d("2025-06-01")), Ok(Decimal::from(100)));
        assert_eq!(fx.factor(Currency::Usd, Currency::Rub, d("2026-03-01")), Ok(Decimal::from(80)));
        assert_eq!(fx.factor(Currency::Usd, Currency::Byn, d("2026-03-01")), Ok(Decimal::from(80) / Decimal::from(25)));
        assert_eq!(
            fx.convert_exact(Decimal::from(50), Currency::Rub, Currency::Usd, d("2026-03-01")),
            Ok(Decimal::new(625, 3))
        );
    }

    #[test]
    fn a_missing_rate_names_currency_and_date() {
        let fx = rates();
        let err = fx.factor(Currency::Byn, Currency::Rub, d("2025-06-01")).expect_err("no BYN rate in 2025");
        assert_eq!(err.to_string(), "no rate to convert BYN into RUB on 2025-06-01");
        assert!(fx.factor(Currency::Cny, Currency::Usd, d("2026-06-01")).is_err());
        assert!(RateTable::new().factor(Currency::Usd, Currency::Rub, d("2026-01-01")).is_err());
        assert!(
            FixedRates::new(
                Currency::Rub,
                &[FixedRate {
                    currency: Currency::Usd,
                    from: d("2026-01-01"),
                    value: Decimal::ZERO,
                    source: String::new()
                }]
            )
            .is_err()
        );
    }
}

/// Rates from a first source where it has them, else from a second: the trade module's
/// official table first, the logistics planning rates when the table lacks a currency or date.
pub struct FirstOf<'a>(pub &'a dyn Fx, pub &'a dyn Fx);

impl Fx for FirstOf<'_> {
    fn factor(&self, from: Currency, to: Currency, date: NaiveDate) -> Result<Decimal, FxError> {
        self.0.factor(from, to, date).or_else(|_| self.1.factor(from, to, date))
    }
}

#[cfg(test)]
mod first_of_tests {
    use super::*;

    #[test]
    fn the_second_source_answers_only_what_the_first_lacks() {
        let day = NaiveDate::from_ymd_opt(2026, 3, 1).expect("date");
        let rate = |currency, value: i64| FixedRate {
            currency,
            from: day,
            value: Decimal::from(value),
            source: String::new(),
        };
        let official = FixedRates::new(Currency::Rub, &[rate(Currency::Usd, 80)]).expect("official");
        let planning =
            FixedRates::new(Currency::Rub, &[rate(Currency::Usd, 100), rate(Currency::Byn, 30)]).expect("planning");
        let both = FirstOf(&official, &planning);
        assert_eq!(both.factor(Currency::Usd, Currency::Rub, day), Ok(Decimal::from(80)));
        assert_eq!(both.factor(Currency::Byn, Currency::Rub, day), Ok(Decimal::from(30)));
        let none = FixedRates::new(Currency::Rub, &[]).expect("empty");
        assert!(matches!(
            FirstOf(&none, &none).factor(Currency::Byn, Currency::Rub, day),
            Err(FxError::MissingRate { from: Currency::Byn, .. })
        ));
    }
}
