//! Official exchange rates and conversion between currencies.
//!
//! Rates come from two central banks: the Bank of Russia quotes currencies in roubles, the
//! National Bank of Belarus in Belarusian roubles. Each quote is the price of `units` units of
//! a currency in the bank's own ("quoting") currency, e.g. 71.3666 RUB for 1000 KRW.
//!
//! Conversion rules, in order (the first that applies decides the bank):
//! 1. the same currency: the amount itself;
//! 2. the source currency is a quoting currency and its bank quotes the target: that quote
//!    (RUB -> USD uses the Bank of Russia, BYN -> RUB the National Bank's direct RUB quote);
//! 3. the target currency is a quoting currency and its bank quotes the source: that quote;
//! 4. otherwise a cross-rate through the first quoting currency, RUB then BYN, that quotes
//!    both (USD -> EUR through the Bank of Russia's USD and EUR quotes).
//!
//! So a value from Belarusian statistics in BYN is always converted by the Belarusian bank and
//! one from Russian statistics in RUB by the Russian bank: each side's figures at its own
//! official rates, never mixed with the other bank's.
//!
//! Arithmetic: every rate is kept as an exact fraction (a price per `units`, or the sum of a
//! month's prices over their count), the conversion is one multiplication and one division,
//! and the result is rounded half to even to the minor unit once, at the very end.

use super::money::{Currency, Money, MoneyError};
use super::record::{Period, YearMonth};
use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;

/// How far back [`RateBasis::OnDate`] looks for the last published rate. Banks publish no rate
/// on weekends and holidays; the longest such span is the Russian New Year holidays, when the
/// rate set on 30 or 31 December stays in force until about 11 January (12 days). Two weeks
/// covers that with a margin, while a longer gap means rate files are missing and is an error.
pub const MAX_LOOKBACK_DAYS: i64 = 14;

/// One official quote: `value` units of `base` buy `units` units of `currency` on `date`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Rate {
    /// The day from which the rate is in force (the date in the bank's file).
    pub date: NaiveDate,
    /// The quoting currency: RUB for the Bank of Russia, BYN for the National Bank of Belarus.
    pub base: Currency,
    pub currency: Currency,
    /// How many units of `currency` the value is for (`Nominal`, `Cur_Scale`): 1, 10, 100, ...
    pub units: u32,
    /// The price of `units` units of `currency`, in `base`.
    pub value: Decimal,
}

impl Rate {
    /// The price of one unit. Exact whenever `units` is a power of ten, as banks publish them.
    pub fn per_unit(&self) -> Decimal {
        self.value / Decimal::from(self.units.max(1))
    }
}

/// Which rate converts a period's values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum RateBasis {
    /// The rate in force on a date: the quote dated that day, or else the latest quote before
    /// it no more than [`MAX_LOOKBACK_DAYS`] earlier. For a period, the date is its last day.
    OnDate,
    /// The arithmetic mean of the quotes dated within the period (a month, or a quarter's
    /// three months): each published quote counts once, however many days it stayed in force.
    /// Cross-rates divide two such means.
    MonthlyAverage,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RateError {
    #[error("no rate of {currency} in {base} in force on {date} (none published from {searched_from} to {date})")]
    MissingOnDate { base: Currency, currency: Currency, date: NaiveDate, searched_from: NaiveDate },
    #[error("no rate of {currency} in {base} published between {from} and {to}")]
    MissingInPeriod { base: Currency, currency: Currency, from: NaiveDate, to: NaiveDate },
    #[error("no rates to convert {from} to {to}: load the Bank of Russia's or the National Bank of Belarus's rates")]
    NoPath { from: Currency, to: Currency },
    #[error("two different rates of {currency} in {base} for {date}: {existing} and {new}")]
    Conflict { base: Currency, currency: Currency, date: NaiveDate, existing: Decimal, new: Decimal },
    #[error("rate of {currency} in {base} for {date} is not positive")]
    NotPositive { base: Currency, currency: Currency, date: NaiveDate },
    #[error("a currency cannot be quoted in itself ({0})")]
    SelfQuote(Currency),
    #[error("conversion of {amount} overflows")]
    Overflow { amount: Money },
    #[error(transparent)]
    Money(#[from] MoneyError),
}

/// A price as an exact fraction: `num / den` units of the quoting currency per unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Price {
    num: Decimal,
    den: Decimal,
}

impl Price {
    const ONE: Price = Price { num: Decimal::ONE, den: Decimal::ONE };
}

/// How one currency converts into another for one date or period: a fraction applied to
/// amounts. Computing it once per period and currency keeps a summary of many records cheap.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Conversion {
    pub from: Currency,
    pub to: Currency,
    num: Decimal,
    den: Decimal,
}

impl Conversion {
    pub fn identity(currency: Currency) -> Conversion {
        Conversion { from: currency, to: currency, num: Decimal::ONE, den: Decimal::ONE }
    }

    /// Target units per source unit, as a decimal (rounded to 28 significant digits; for
    /// display only: [`Conversion::apply`] uses the exact fraction).
    pub fn factor(&self) -> Decimal {
        self.num.checked_div(self.den).unwrap_or_default()
    }

    /// The exact converted amount, before rounding to the minor unit.
    pub fn apply_exact(&self, amount: Money) -> Result<Decimal, RateError> {
        if amount.currency != self.from {
            return Err(MoneyError::CurrencyMismatch(amount.currency, self.from).into());
        }
        if self.from == self.to {
            return Ok(amount.to_decimal());
        }
        amount
            .to_decimal()
            .checked_mul(self.num)
            .and_then(|n| n.checked_div(self.den))
            .ok_or(RateError::Overflow { amount })
    }

    /// The converted amount, rounded half to even to the target's minor unit.
    pub fn apply(&self, amount: Money) -> Result<Money, RateError> {
        if self.from == self.to && amount.currency == self.from {
            return Ok(amount);
        }
        let exact = self.apply_exact(amount)?;
        Ok(Money::from_decimal_rounded(exact, self.to)?)
    }
}

/// The rates known to accord, by quoting bank and currency, in date order.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RateTable {
    quotes: BTreeMap<(Currency, Currency), BTreeMap<NaiveDate, Rate>>,
}

/// A date or a period to convert for.
#[derive(Debug, Clone, Copy)]
enum When {
    Date(NaiveDate),
    Range(NaiveDate, NaiveDate),
}

impl RateTable {
    pub fn new() -> RateTable {
        RateTable::default()
    }

    /// Adds a quote. The same quote twice is accepted (files overlap); a different price for
    /// the same bank, currency and date is a conflict, since one of the files is wrong.
    pub fn insert(&mut self, rate: Rate) -> Result<(), RateError> {
        if rate.base == rate.currency {
            return Err(RateError::SelfQuote(rate.base));
        }
        if rate.value <= Decimal::ZERO || rate.units == 0 {
            return Err(RateError::NotPositive { base: rate.base, currency: rate.currency, date: rate.date });
        }
        let series = self.quotes.entry((rate.base, rate.currency)).or_default();
        if let Some(existing) = series.get(&rate.date) {
            if existing.per_unit() != rate.per_unit() {
                return Err(RateError::Conflict {
                    base: rate.base,
                    currency: rate.currency,
                    date: rate.date,
                    existing: existing.per_unit(),
                    new: rate.per_unit(),
                });
            }
            return Ok(());
        }
        series.insert(rate.date, rate);
        Ok(())
    }

    pub fn extend(&mut self, rates: impl IntoIterator<Item = Rate>) -> Result<(), RateError> {
        rates.into_iter().try_for_each(|r| self.insert(r))
    }

    pub fn len(&self) -> usize {
        self.quotes.values().map(BTreeMap::len).sum()
    }

    pub fn is_empty(&self) -> bool {
        self.quotes.is_empty()
    }

    /// The quoting currencies present (RUB when Bank of Russia rates are loaded, BYN for the
    /// National Bank of Belarus).
    pub fn bases(&self) -> Vec<Currency> {
        let mut bases: Vec<Currency> = self.quotes.keys().map(|(b, _)| *b).collect();
        bases.dedup();
        bases
    }

    /// The quote in force on `date` under [`RateBasis::OnDate`]'s rule.
    pub fn quote_on(&self, base: Currency, currency: Currency, date: NaiveDate) -> Result<&Rate, RateError> {
        let searched_from = date - chrono::Duration::days(MAX_LOOKBACK_DAYS);
        self.quotes
            .get(&(base, currency))
            .and_then(|series| series.range(searched_from..=date).next_back())
            .map(|(_, r)| r)
            .ok_or(RateError::MissingOnDate { base, currency, date, searched_from })
    }

    /// The mean per-unit price of the quotes dated from `from` to `to` inclusive.
    pub fn average(
        &self,
        base: Currency,
        currency: Currency,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Decimal, RateError> {
        let p = self.average_price(base, currency, from, to)?;
        p.num.checked_div(p.den).ok_or(RateError::MissingInPeriod { base, currency, from, to })
    }

    fn average_price(
        &self,
        base: Currency,
        currency: Currency,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Price, RateError> {
        let missing = RateError::MissingInPeriod { base, currency, from, to };
        let Some(series) = self.quotes.get(&(base, currency)) else { return Err(missing) };
        let quotes: Vec<&Rate> = series.range(from..=to).map(|(_, r)| r).collect();
        let Some(first) = quotes.first() else { return Err(missing) };
        let count = Decimal::from(quotes.len());
        // With one nominal throughout (the usual case) the mean is an exact fraction; banks
        // rarely change a nominal mid-month, and then per-unit prices (exact for powers of ten)
        // are averaged instead.
        if quotes.iter().all(|q| q.units == first.units) {
            let sum = quotes.iter().try_fold(Decimal::ZERO, |acc, q| acc.checked_add(q.value));
            let den = Decimal::from(first.units).checked_mul(count);
            sum.zip(den).map(|(num, den)| Price { num, den }).ok_or(missing)
        } else {
            let sum = quotes.iter().try_fold(Decimal::ZERO, |acc, q| acc.checked_add(q.per_unit()));
            sum.map(|num| Price { num, den: count }).ok_or(missing)
        }
    }

    fn price(&self, base: Currency, currency: Currency, when: When) -> Result<Price, RateError> {
        if base == currency {
            return Ok(Price::ONE);
        }
        match when {
            When::Date(date) => {
                let q = self.quote_on(base, currency, date)?;
                Ok(Price { num: q.value, den: Decimal::from(q.units) })
            }
            When::Range(from, to) => self.average_price(base, currency, from, to),
        }
    }

    fn has_quotes(&self, base: Currency) -> bool {
        self.quotes.keys().any(|(b, _)| *b == base)
    }

    fn quotes_currency(&self, base: Currency, currency: Currency) -> bool {
        base == currency || self.quotes.contains_key(&(base, currency))
    }

    /// The bank (quoting currency) that converts `from` into `to`, by the rules at the top.
    fn bank_for(&self, from: Currency, to: Currency) -> Option<Currency> {
        if self.quotes_currency(from, to) {
            return Some(from);
        }
        if self.quotes_currency(to, from) {
            return Some(to);
        }
        [Currency::Rub, Currency::Byn]
            .into_iter()
            .find(|b| self.has_quotes(*b) && self.quotes_currency(*b, from) && self.quotes_currency(*b, to))
    }

    fn conversion_when(&self, from: Currency, to: Currency, when: When) -> Result<Conversion, RateError> {
        if from == to {
            return Ok(Conversion::identity(from));
        }
        let bank = self.bank_for(from, to).ok_or(RateError::NoPath { from, to })?;
        // amount[from] * price(from) = amount[bank]; amount[bank] / price(to) = amount[to].
        let pf = self.price(bank, from, when)?;
        let pt = self.price(bank, to, when)?;
        let overflow = || RateError::Overflow { amount: Money::zero(from) };
        let num = pf.num.checked_mul(pt.den).ok_or_else(overflow)?;
        let den = pf.den.checked_mul(pt.num).ok_or_else(overflow)?;
        Ok(Conversion { from, to, num, den })
    }

    /// The conversion from one currency into another in force on a date.
    pub fn conversion_on(&self, from: Currency, to: Currency, date: NaiveDate) -> Result<Conversion, RateError> {
        self.conversion_when(from, to, When::Date(date))
    }

    /// The conversion for a period under a basis: the rate on its last day, or the mean of the
    /// quotes within it.
    pub fn conversion_for(
        &self,
        from: Currency,
        to: Currency,
        period: Period,
        basis: RateBasis,
    ) -> Result<Conversion, RateError> {
        let (first, last) = (period.first_month().first_day(), period.last_month().last_day());
        let when = match basis {
            RateBasis::OnDate => When::Date(last),
            RateBasis::MonthlyAverage => When::Range(first, last),
        };
        self.conversion_when(from, to, when)
    }

    /// Converts an amount for a date: under `OnDate` at the rate in force that day, under
    /// `MonthlyAverage` at the mean of the date's calendar month.
    pub fn convert(&self, amount: Money, to: Currency, date: NaiveDate, basis: RateBasis) -> Result<Money, RateError> {
        let conversion = match basis {
            RateBasis::OnDate => self.conversion_on(amount.currency, to, date)?,
            RateBasis::MonthlyAverage => {
                let month =
                    YearMonth::new(date.year(), date.month()).ok_or(RateError::NoPath { from: amount.currency, to })?;
                self.conversion_for(amount.currency, to, Period::Month(month), basis)?
            }
        };
        conversion.apply(amount)
    }
}

impl fmt::Display for RateBasis {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            RateBasis::OnDate => "on-date",
            RateBasis::MonthlyAverage => "monthly-average",
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").expect(s)
    }
    fn dec(s: &str) -> Decimal {
        Decimal::from_str(s).expect(s)
    }
    fn rate(date: &str, base: Currency, currency: Currency, units: u32, value: &str) -> Rate {
        Rate { date: d(date), base, currency, units, value: dec(value) }
    }
    fn money(amount: &str, c: Currency) -> Money {
        Money::parse(amount, c).expect(amount)
    }
    use Currency::{Byn, Eur, Rub, Usd};

    /// Bank of Russia 27.09.2023 (the shared sample) and National Bank of Belarus quotes.
    fn table() -> RateTable {
        let mut t = RateTable::new();
        t.extend([
            rate("2023-09-27", Rub, Usd, 1, "96.2378"),
            rate("2023-09-27", Rub, Byn, 1, "29.4819"),
            rate("2023-09-27", Rub, Eur, 1, "101.6143"),
            rate("2023-09-27", Byn, Usd, 1, "3.2649"),
            rate("2023-09-27", Byn, Rub, 100, "3.3920"),
        ])
        .expect("consistent");
        t
    }

    #[test]
    fn per_unit_divides_by_the_nominal() {
        assert_eq!(rate("2023-09-27", Rub, Usd, 1, "96.2378").per_unit(), dec("96.2378"));
        // 71.3666 RUB per 1000 KRW in the sample; per 100 RUB at the National Bank.
        assert_eq!(rate("2020-02-27", Byn, Rub, 100, "3.4137").per_unit(), dec("0.034137"));
    }

    #[test]
    fn direct_conversions_by_the_source_currency_bank() {
        let t = table();
        let day = d("2023-09-27");
        // 1,000,000 RUB / 96.2378 = 10390.9274...
        assert_eq!(t.convert(money("1000000", Rub), Usd, day, RateBasis::OnDate), Ok(money("10390.93", Usd)));
        // 1000 USD * 96.2378 = 96237.80 RUB exactly.
        assert_eq!(t.convert(money("1000", Usd), Rub, day, RateBasis::OnDate), Ok(money("96237.80", Rub)));
        // BYN -> RUB uses the National Bank's direct quote: 1000 / 3.3920 * 100 = 29481.132...
        assert_eq!(t.convert(money("1000", Byn), Rub, day, RateBasis::OnDate), Ok(money("29481.13", Rub)));
        // RUB -> BYN uses the Bank of Russia's quote: 100000 / 29.4819 = 3391.9116...
        assert_eq!(t.convert(money("100000", Rub), Byn, day, RateBasis::OnDate), Ok(money("3391.91", Byn)));
        // BYN -> USD at the National Bank: 3264.90 / 3.2649 = 1000 exactly.
        assert_eq!(t.convert(money("3264.90", Byn), Usd, day, RateBasis::OnDate), Ok(money("1000.00", Usd)));
    }

    #[test]
    fn cross_rate_through_roubles() {
        let t = table();
        // EUR -> USD: 1000 * 101.6143 / 96.2378 = 1055.866...
        let c = t.conversion_on(Eur, Usd, d("2023-09-27")).expect("cross");
        assert_eq!(c.apply(money("1000", Eur)), Ok(money("1055.87", Usd)));
        // Exact fraction: no rounding until the end.
        assert_eq!(c.apply_exact(money("962378", Eur)).map(|v| v.normalize()), Ok(dec("1016143")));
    }

    #[test]
    fn half_even_only_at_the_end() {
        let mut t = RateTable::new();
        t.insert(rate("2025-01-10", Rub, Usd, 1, "2")).expect("insert");
        let day = d("2025-01-10");
        assert_eq!(t.convert(money("0.25", Rub), Usd, day, RateBasis::OnDate), Ok(money("0.12", Usd)));
        assert_eq!(t.convert(money("0.75", Rub), Usd, day, RateBasis::OnDate), Ok(money("0.38", Usd)));
        // 1/3 USD per RUB would lose a cent if the rate were rounded first: 1 RUB at 3 RUB/USD
        // is 0.333..., times 3 must come back to 1.00 in one conversion of 3 RUB.
        t.insert(rate("2025-01-10", Rub, Eur, 1, "3")).expect("insert");
        assert_eq!(t.convert(money("3", Rub), Eur, day, RateBasis::OnDate), Ok(money("1.00", Eur)));
        // USD -> EUR through 2 and 3: 0.03 USD * 2 / 3 = 0.02 exactly.
        assert_eq!(t.convert(money("0.03", Usd), Eur, day, RateBasis::OnDate), Ok(money("0.02", Eur)));
    }

    #[test]
    fn on_date_looks_back_over_weekends_within_the_limit() {
        let mut t = RateTable::new();
        t.extend([rate("2025-03-07", Rub, Usd, 1, "89.0"), rate("2025-03-11", Rub, Usd, 1, "88.0")]).expect("ok");
        let usd = |date: &str| t.quote_on(Rub, Usd, d(date)).map(|r| r.value);
        assert_eq!(usd("2025-03-07"), Ok(dec("89.0")));
        assert_eq!(usd("2025-03-09"), Ok(dec("89.0")), "Sunday takes Friday's rate");
        assert_eq!(usd("2025-03-10"), Ok(dec("89.0")));
        assert_eq!(usd("2025-03-11"), Ok(dec("88.0")));
        assert_eq!(usd("2025-03-25"), Ok(dec("88.0")), "14 days after the last quote");
        assert_eq!(
            usd("2025-03-26"),
            Err(RateError::MissingOnDate {
                base: Rub,
                currency: Usd,
                date: d("2025-03-26"),
                searched_from: d("2025-03-12")
            })
        );
        assert!(usd("2025-03-06").is_err(), "never a rate from the future");
        let message = t.convert(money("1", Usd), Rub, d("2025-04-30"), RateBasis::OnDate).unwrap_err().to_string();
        assert!(message.contains("USD") && message.contains("2025-04-30"), "{message}");
    }

    #[test]
    fn monthly_average_is_the_mean_of_published_quotes() {
        let mut t = RateTable::new();
        t.extend([
            rate("2025-02-28", Rub, Usd, 1, "80"),
            rate("2025-03-03", Rub, Usd, 1, "90"),
            rate("2025-03-14", Rub, Usd, 1, "91"),
            rate("2025-03-31", Rub, Usd, 1, "93"),
            rate("2025-04-01", Rub, Usd, 1, "100"),
        ])
        .expect("ok");
        // (90 + 91 + 93) / 3 = 91.333...; 1000 USD = 91333.333... RUB.
        let march = d("2025-03-20");
        assert_eq!(t.convert(money("1000", Usd), Rub, march, RateBasis::MonthlyAverage), Ok(money("91333.33", Rub)));
        // And back: 274000 RUB / (274/3) = 3000 USD exactly, which a rounded mean would miss.
        assert_eq!(t.convert(money("274000", Rub), Usd, march, RateBasis::MonthlyAverage), Ok(money("3000.00", Usd)));
        assert_eq!(t.average(Rub, Usd, d("2025-03-01"), d("2025-03-31")).map(|v| v.round_dp(4)), Ok(dec("91.3333")));
        // A quarter averages all quotes dated within it.
        let q1 = Period::Quarter(crate::Quarter::new(2025, 1).expect("q"));
        let c = t.conversion_for(Usd, Rub, q1, RateBasis::MonthlyAverage).expect("q1");
        assert_eq!(c.apply(money("1", Usd)), Ok(money("88.50", Rub)));
        // OnDate for a period is its last day.
        let c = t.conversion_for(Usd, Rub, q1, RateBasis::OnDate).expect("q1");
        assert_eq!(c.apply(money("1", Usd)), Ok(money("93.00", Rub)));
        let empty = t.convert(money("1", Usd), Rub, d("2025-05-15"), RateBasis::MonthlyAverage);
        assert_eq!(
            empty,
            Err(RateError::MissingInPeriod { base: Rub, currency: Usd, from: d("2025-05-01"), to: d("2025-05-31") })
        );
    }

    #[test]
    fn monthly_average_with_a_changed_nominal() {
        let mut t = RateTable::new();
        t.extend([rate("2025-03-03", Byn, Rub, 100, "3.50"), rate("2025-03-04", Byn, Rub, 1000, "36.00")]).expect("ok");
        // (0.035 + 0.036) / 2 = 0.0355 BYN per RUB.
        assert_eq!(t.average(Byn, Rub, d("2025-03-01"), d("2025-03-31")), Ok(dec("0.0355")));
    }

    #[test]
    fn conflicts_and_nonsense_are_refused() {
        let mut t = table();
        assert_eq!(t.insert(rate("2023-09-27", Rub, Usd, 1, "96.2378")), Ok(()), "same quote twice");
        assert_eq!(t.insert(rate("2023-09-27", Rub, Usd, 10, "962.378")), Ok(()), "same price per unit");
        assert!(matches!(t.insert(rate("2023-09-27", Rub, Usd, 1, "96.3")), Err(RateError::Conflict { .. })));
        assert!(matches!(t.insert(rate("2023-09-28", Rub, Usd, 1, "0")), Err(RateError::NotPositive { .. })));
        assert!(matches!(t.insert(rate("2023-09-28", Rub, Usd, 0, "1")), Err(RateError::NotPositive { .. })));
        assert_eq!(t.insert(rate("2023-09-28", Rub, Rub, 1, "1")), Err(RateError::SelfQuote(Rub)));
        assert_eq!(t.len(), 5);
        assert_eq!(t.bases(), vec![Rub, Byn]);
    }

    #[test]
    fn no_path_without_rates() {
        let t = RateTable::new();
        assert_eq!(
            t.convert(money("1", Usd), Rub, d("2025-01-01"), RateBasis::OnDate),
            Err(RateError::NoPath { from: Usd, to: Rub })
        );
        assert_eq!(t.convert(money("1", Usd), Usd, d("2025-01-01"), RateBasis::OnDate), Ok(money("1", Usd)));
    }

    #[test]
    fn source_bank_wins_when_both_quote() {
        // The two banks disagree slightly on the cross; the source currency's bank decides.
        let t = table();
        let day = d("2023-09-27");
        let by_nbrb = t.conversion_on(Byn, Rub, day).expect("nbrb").factor();
        let by_cbr = t.conversion_on(Rub, Byn, day).expect("cbr").factor();
        assert_eq!(by_nbrb.round_dp(4), dec("29.4811"));
        assert_eq!(by_cbr.round_dp(8), (Decimal::ONE / dec("29.4819")).round_dp(8));
    }
}
