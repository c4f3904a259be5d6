//! Money: exact amounts in integer minor units with their currency.
//!
//! Trade values add up over millions of declarations and must reconcile to the kopeck with
//! published tables, so amounts are integers (cents, kopecks) and arithmetic on rates goes
//! through `rust_decimal`. Binary floating point never holds an amount.
//!
//! Why `i64` minor units and not `i128`: `i64::MAX` kopecks is about 9.2 * 10^16 roubles. Russia's
//! entire foreign trade is of the order of 6 * 10^13 roubles a year and Belarus's of 10^11 BYN,
//! so even the sum of every declaration of both countries over a century stays three orders
//! of magnitude below the limit. Sums still use checked arithmetic, so a corrupt file with
//! absurd values yields an error, never a wrapped total.

use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// The currencies accord's statistics and rate files use. Every one has two decimal places.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub enum Currency {
    Usd,
    Eur,
    Rub,
    Byn,
    Cny,
    Kzt,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown currency {0:?}: expected one of USD, EUR, RUB, BYN, CNY, KZT")]
pub struct UnknownCurrency(pub String);

impl Currency {
    pub const ALL: [Currency; 6] =
        [Currency::Usd, Currency::Eur, Currency::Rub, Currency::Byn, Currency::Cny, Currency::Kzt];

    /// The ISO 4217 letter code.
    pub fn code(self) -> &'static str {
        match self {
            Currency::Usd => "USD",
            Currency::Eur => "EUR",
            Currency::Rub => "RUB",
            Currency::Byn => "BYN",
            Currency::Cny => "CNY",
            Currency::Kzt => "KZT",
        }
    }

    /// The ISO 4217 numeric code.
    pub fn numeric(self) -> u16 {
        match self {
            Currency::Usd => 840,
            Currency::Eur => 978,
            Currency::Rub => 643,
            Currency::Byn => 933,
            Currency::Cny => 156,
            Currency::Kzt => 398,
        }
    }

    /// Decimal places of the minor unit (kopecks, cents).
    pub fn minor_digits(self) -> u32 {
        2
    }

    /// Parses an ISO letter code in any case, or a numeric code. "RUR" and 810, the codes of the
    /// rouble before 1998 that Russian statistics still print, mean RUB. The Belarusian rouble
    /// before 2016 (BYR, 974) is not BYN: it was redenominated 10,000 to 1, so it is refused.
    pub fn parse(input: &str) -> Result<Currency, UnknownCurrency> {
        Self::parse_bytes(input.trim().as_bytes()).ok_or_else(|| UnknownCurrency(input.to_string()))
    }

    /// [`Currency::parse`] on bytes without allocating; `None` when unknown.
    pub fn parse_bytes(input: &[u8]) -> Option<Currency> {
        let upper = match input {
            [a, b, c] => [a.to_ascii_uppercase(), b.to_ascii_uppercase(), c.to_ascii_uppercase()],
            _ => return None,
        };
        match &upper {
            b"USD" | b"840" => Some(Currency::Usd),
            b"EUR" | b"978" => Some(Currency::Eur),
            b"RUB" | b"643" | b"RUR" | b"810" => Some(Currency::Rub),
            b"BYN" | b"933" => Some(Currency::Byn),
            b"CNY" | b"156" => Some(Currency::Cny),
            b"KZT" | b"398" => Some(Currency::Kzt),
            _ => None,
        }
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl FromStr for Currency {
    type Err = UnknownCurrency;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Currency::parse(s)
    }
}

impl TryFrom<String> for Currency {
    type Error = UnknownCurrency;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Currency::parse(&s)
    }
}

impl From<Currency> for String {
    fn from(c: Currency) -> String {
        c.code().to_string()
    }
}

/// An exact amount: integer minor units of a currency.
///
/// Serialised as `{"amount": "1234.56", "currency": "USD"}`: the amount as a decimal string, so
/// no JSON client reads it through a float.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "MoneyRepr", into = "MoneyRepr")]
pub struct Money {
    /// Cents, kopecks: the amount times 10^minor_digits.
    pub minor: i64,
    pub currency: Currency,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MoneyError {
    #[error("cannot combine {0} with {1}: convert one of them first")]
    CurrencyMismatch(Currency, Currency),
    #[error("amount out of range for {0}")]
    Overflow(Currency),
    #[error("{amount} {currency} has more decimal places than the currency's minor unit")]
    TooPrecise { amount: Decimal, currency: Currency },
    #[error("not an amount: {0:?}")]
    NotAnAmount(String),
}

impl Money {
    pub fn new(minor: i64, currency: Currency) -> Money {
        Money { minor, currency }
    }

    pub fn zero(currency: Currency) -> Money {
        Money { minor: 0, currency }
    }

    pub fn is_zero(self) -> bool {
        self.minor == 0
    }

    /// The amount in major units, exactly ("1234.56" for 123456 kopecks).
    pub fn to_decimal(self) -> Decimal {
        Decimal::new(self.minor, self.currency.minor_digits())
    }

    /// An exact amount; refuses one with more decimal places than the minor unit rather than
    /// rounding it silently.
    pub fn from_decimal(amount: Decimal, currency: Currency) -> Result<Money, MoneyError> {
        let scaled = amount.normalize();
        if scaled.scale() > currency.minor_digits() {
            return Err(MoneyError::TooPrecise { amount, currency });
        }
        Self::from_decimal_rounded(amount, currency)
    }

    /// Rounds half to even ("banker's rounding") to the minor unit: the rounding of conversions,
    /// unbiased over many amounts.
    pub fn from_decimal_rounded(amount: Decimal, currency: Currency) -> Result<Money, MoneyError> {
        let digits = currency.minor_digits();
        let rounded = amount.round_dp_with_strategy(digits, RoundingStrategy::MidpointNearestEven);
        let minor = rounded
            .checked_mul(Decimal::from(10i64.pow(digits)))
            .and_then(|m| i64::try_from(m).ok())
            .ok_or(MoneyError::Overflow(currency))?;
        Ok(Money { minor, currency })
    }

    /// Parses "1234.56" (a decimal point; no thousands separators) exactly.
    pub fn parse(amount: &str, currency: Currency) -> Result<Money, MoneyError> {
        let value = Decimal::from_str(amount.trim()).map_err(|_| MoneyError::NotAnAmount(amount.to_string()))?;
        Self::from_decimal(value, currency)
    }

    pub fn checked_add(self, other: Money) -> Result<Money, MoneyError> {
        if self.currency != other.currency {
            return Err(MoneyError::CurrencyMismatch(self.currency, other.currency));
        }
        let minor = self.minor.checked_add(other.minor).ok_or(MoneyError::Overflow(self.currency))?;
        Ok(Money { minor, currency: self.currency })
    }

    pub fn checked_sub(self, other: Money) -> Result<Money, MoneyError> {
        if self.currency != other.currency {
            return Err(MoneyError::CurrencyMismatch(self.currency, other.currency));
        }
        let minor = self.minor.checked_sub(other.minor).ok_or(MoneyError::Overflow(self.currency))?;
        Ok(Money { minor, currency: self.currency })
    }

    /// The amount as text with all minor digits and no currency: "1234.50", "-0.05".
    pub fn amount_text(self) -> String {
        let digits = self.currency.minor_digits();
        let unit = 10u64.pow(digits);
        let abs = self.minor.unsigned_abs();
        let sign = if self.minor < 0 { "-" } else { "" };
        format!("{sign}{}.{:0width$}", abs / unit, abs % unit, width = digits as usize)
    }
}

impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.amount_text(), self.currency)
    }
}

#[derive(Serialize, Deserialize)]
struct MoneyRepr {
    amount: String,
    currency: Currency,
}

impl From<Money> for MoneyRepr {
    fn from(m: Money) -> Self {
        MoneyRepr { amount: m.amount_text(), currency: m.currency }
    }
}

impl TryFrom<MoneyRepr> for Money {
    type Error = MoneyError;
    fn try_from(r: MoneyRepr) -> Result<Self, Self::Error> {
        Money::parse(&r.amount, r.currency)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dec(s: &str) -> Decimal {
        Decimal::from_str(s).expect(s)
    }

    #[test]
    fn currencies_parse_in_any_case_and_by_number() {
        assert_eq!(Currency::parse("usd"), Ok(Currency::Usd));
        assert_eq!(Currency::parse(" Byn "), Ok(Currency::Byn));
        assert_eq!(Currency::parse("RUR"), Ok(Currency::Rub));
        assert_eq!(Currency::parse("643"), Ok(Currency::Rub));
        assert_eq!(Currency::parse("933"), Ok(Currency::Byn));
        assert!(Currency::parse("BYR").is_err(), "the pre-2016 Belarusian rouble is a different unit");
        assert!(Currency::parse("US").is_err());
        assert!(Currency::parse("").is_err());
        for c in Currency::ALL {
            assert_eq!(Currency::parse(c.code()), Ok(c));
            assert_eq!(Currency::parse(&c.numeric().to_string()), Ok(c));
        }
    }

    #[test]
    fn exact_decimal_round_trip() {
        let m = Money::from_decimal(dec("1234.56"), Currency::Rub).expect("exact");
        assert_eq!(m.minor, 123456);
        assert_eq!(m.to_decimal(), dec("1234.56"));
        assert_eq!(Money::from_decimal(dec("1234.5600"), Currency::Rub).map(|m| m.minor), Ok(123456));
        assert!(matches!(Money::from_decimal(dec("0.001"), Currency::Usd), Err(MoneyError::TooPrecise { .. })));
        assert_eq!(Money::new(-5, Currency::Usd).amount_text(), "-0.05");
        assert_eq!(Money::new(123450, Currency::Usd).to_string(), "1234.50 USD");
    }

    #[test]
    fn rounding_is_half_even() {
        let round = |s: &str| Money::from_decimal_rounded(dec(s), Currency::Usd).map(|m| m.minor);
        assert_eq!(round("0.125"), Ok(12));
        assert_eq!(round("0.135"), Ok(14));
        assert_eq!(round("0.1251"), Ok(13));
        assert_eq!(round("-0.125"), Ok(-12));
        assert_eq!(round("452684213646.747"), Ok(45268421364675));
    }

    #[test]
    fn arithmetic_is_checked() {
        let a = Money::new(100, Currency::Usd);
        let b = Money::new(250, Currency::Usd);
        assert_eq!(a.checked_add(b), Ok(Money::new(350, Currency::Usd)));
        assert_eq!(a.checked_sub(b), Ok(Money::new(-150, Currency::Usd)));
        assert_eq!(
            a.checked_add(Money::new(1, Currency::Rub)),
            Err(MoneyError::CurrencyMismatch(Currency::Usd, Currency::Rub))
        );
        assert_eq!(Money::new(i64::MAX, Currency::Usd).checked_add(a), Err(MoneyError::Overflow(Currency::Usd)));
        assert_eq!(Money::new(i64::MIN, Currency::Usd).checked_sub(a), Err(MoneyError::Overflow(Currency::Usd)));
        assert!(Money::from_decimal_rounded(Decimal::MAX, Currency::Usd).is_err());
    }

    #[test]
    fn serialised_with_a_decimal_string() {
        let m = Money::new(123456, Currency::Byn);
        let json = serde_json::to_string(&m).expect("serialise");
        assert_eq!(json, r#"{"amount":"1234.56","currency":"BYN"}"#);
        assert_eq!(serde_json::from_str::<Money>(&json).expect("parse"), m);
        assert!(serde_json::from_str::<Money>(r#"{"amount":"1.234","currency":"BYN"}"#).is_err());
        assert!(serde_json::from_str::<Money>(r#"{"amount":"abc","currency":"BYN"}"#).is_err());
    }
}
