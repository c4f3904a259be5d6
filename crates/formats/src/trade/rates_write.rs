//! Writing exchange-rate files in the two central banks' own layouts, so that rates accord
//! holds (or invents, for the demonstration) can be handed to anything that reads the banks'
//! files, [`super::read_rates`] included:
//! - Bank of Russia `XML_daily`: one line, declared and encoded as Windows-1251, decimal comma,
//!   `Value` for `Nominal` units and `VunitRate` for one unit, as the bank serves it since 2025;
//! - National Bank of Belarus `exrates/rates?periodicity=0` JSON: an array with an object per
//!   currency, `Cur_OfficialRate` for `Cur_Scale` units, one object per line.
//!
//! Only the currencies accord knows can be written; each gets the bank's identifier and name.

use accord_domain::trade::{Currency, Rate};
use chrono::NaiveDate;
use rust_decimal::Decimal;

/// Why a set of rates cannot be written as one bank's daily file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RateWriteError {
    #[error("no rates to write")]
    Empty,
    #[error("{currency} on {date} is quoted in {base}: a {bank} file holds rates in {expected}")]
    WrongBase { currency: Currency, date: NaiveDate, base: Currency, expected: Currency, bank: &'static str },
    #[error("{currency} is dated {found}: one daily file holds the rates of one day ({date})")]
    MixedDates { currency: Currency, found: NaiveDate, date: NaiveDate },
    #[error("{currency} appears twice")]
    Duplicate { currency: Currency },
    #[error("{bank} does not quote {currency}")]
    NotQuoted { currency: Currency, bank: &'static str },
}

/// The Bank of Russia's identifier, numeric code and name of a currency (singular for one
/// unit, plural for a nominal of 10 and more, as the bank writes them).
fn cbr_valute(currency: Currency, units: u32) -> Option<(&'static str, &'static str)> {
    let one = units == 1;
    Some(match currency {
        Currency::Usd => ("R01235", if one { "Доллар США" } else { "Долларов США" }),
        Currency::Eur => ("R01239", "Евро"),
        Currency::Cny => ("R01375", if one { "Китайский юань" } else { "Китайских юаней" }),
        Currency::Byn => ("R01090B", if one { "Белорусский рубль" } else { "Белорусских рублей" }),
        Currency::Kzt => ("R01335", if one { "Казахстанский тенге" } else { "Казахстанских тенге" }),
        Currency::Rub => return None,
    })
}

/// The National Bank of Belarus's `Cur_ID` (current ones, as of 2021 onwards) and name.
fn nbrb_currency(currency: Currency, units: u32) -> Option<(u32, &'static str)> {
    let one = units == 1;
    Some(match currency {
        Currency::Usd => (431, if one { "Доллар США" } else { "Долларов США" }),
        Currency::Eur => (451, "Евро"),
        Currency::Rub => (456, if one { "Российский рубль" } else { "Российских рублей" }),
        Currency::Cny => (462, if one { "Китайский юань" } else { "Китайских юаней" }),
        Currency::Kzt => (459, if one { "Казахстанский тенге" } else { "Казахстанских тенге" }),
        Currency::Byn => return None,
    })
}

/// Checks that the rates are one bank's, of one day, each currency once; returns the day.
fn one_day(rates: &[Rate], base: Currency, bank: &'static str) -> Result<NaiveDate, RateWriteError> {
    let date = rates.first().ok_or(RateWriteError::Empty)?.date;
    for (i, r) in rates.iter().enumerate() {
        if r.base != base {
            return Err(RateWriteError::WrongBase {
                currency: r.currency,
                date: r.date,
                base: r.base,
                expected: base,
                bank,
            });
        }
        if r.date != date {
            return Err(RateWriteError::MixedDates { currency: r.currency, found: r.date, date });
        }
        if rates[..i].iter().any(|earlier| earlier.currency == r.currency) {
            return Err(RateWriteError::Duplicate { currency: r.currency });
        }
    }
    Ok(date)
}

/// A decimal with at least `min_scale` places, written with a decimal comma.
fn comma(value: Decimal, min_scale: u32) -> String {
    let mut v = value.normalize();
    if v.scale() < min_scale {
        v.rescale(min_scale);
    }
    v.to_string().replace('.', ",")
}

/// The Bank of Russia's `XML_daily` for one day: the rates must all be quoted in RUB and dated
/// that day (the `ValCurs/@Date`). Currencies appear in the order given. `Value` is written with
/// four decimals, `VunitRate` as `Value / Nominal` exactly.
pub fn write_cbr_xml_daily(rates: &[Rate]) -> Result<Vec<u8>, RateWriteError> {
    const BANK: &str = "the Bank of Russia";
    let date = one_day(rates, Currency::Rub, BANK)?;
    let mut xml = format!(
        "<?xml version=\"1.0\" encoding=\"windows-1251\"?><ValCurs Date=\"{}\" name=\"Foreign Currency Market\">",
        date.format("%d.%m.%Y")
    );
    for r in rates {
        let (id, name) =
            cbr_valute(r.currency, r.units).ok_or(RateWriteError::NotQuoted { currency: r.currency, bank: BANK })?;
        xml.push_str(&format!(
            "<Valute ID=\"{id}\"><NumCode>{:03}</NumCode><CharCode>{}</CharCode><Nominal>{}</Nominal><Name>{name}</Name>\
             <Value>{}</Value><VunitRate>{}</VunitRate></Valute>",
            r.currency.numeric(),
            r.currency.code(),
            r.units,
            comma(r.value, 4),
            comma(r.per_unit(), 0),
        ));
    }
    xml.push_str("</ValCurs>");
    // Every character written is ASCII or Cyrillic from the names above: all in Windows-1251.
    let (bytes, _, _) = encoding_rs::WINDOWS_1251.encode(&xml);
    Ok(bytes.into_owned())
}

/// The National Bank of Belarus's `exrates/rates` JSON for one day: the rates must all be
/// quoted in BYN and dated that day. `Cur_OfficialRate` is written as a JSON number with the
/// digits of the rate (trailing zeros dropped, as the bank's API does).
pub fn write_nbrb_json(rates: &[Rate]) -> Result<Vec<u8>, RateWriteError> {
    const BANK: &str = "the National Bank of Belarus";
    let date = one_day(rates, Currency::Byn, BANK)?;
    let mut lines = Vec::with_capacity(rates.len());
    for r in rates {
        let (id, name) =
            nbrb_currency(r.currency, r.units).ok_or(RateWriteError::NotQuoted { currency: r.currency, bank: BANK })?;
        lines.push(format!(
            "{{\"Cur_ID\":{id},\"Date\":\"{}T00:00:00\",\"Cur_Abbreviation\":\"{}\",\"Cur_Scale\":{},\"Cur_Name\":\"{name}\",\"Cur_OfficialRate\":{}}}",
            date.format("%Y-%m-%d"),
            r.currency.code(),
            r.units,
            r.value.normalize(),
        ));
    }
    Ok(format!("[{}]\n", lines.join(",\n")).into_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::trade::{RateSource, read_rates};
    use std::str::FromStr;

    fn rate(date: &str, base: Currency, currency: Currency, units: u32, value: &str) -> Rate {
        Rate {
            date: NaiveDate::parse_from_str(date, "%Y-%m-%d").expect(date),
            base,
            currency,
            units,
            value: Decimal::from_str(value).expect(value),
        }
    }

    #[test]
    fn bank_of_russia_file_reads_back_in_windows_1251() {
        let rates = vec![
            rate("2025-06-30", Currency::Rub, Currency::Usd, 1, "78.5118"),
            rate("2025-06-30", Currency::Rub, Currency::Eur, 1, "92.1"),
            rate("2025-06-30", Currency::Rub, Currency::Kzt, 100, "15.1234"),
        ];
        let bytes = write_cbr_xml_daily(&rates).expect("writes");
        assert!(std::str::from_utf8(&bytes).is_err(), "Windows-1251, not UTF-8");
        assert!(bytes.starts_with(b"<?xml version=\"1.0\" encoding=\"windows-1251\"?><ValCurs Date=\"30.06.2025\""));
        let text = encoding_rs::WINDOWS_1251.decode(&bytes).0.into_owned();
        assert!(text.contains("<Value>92,1000</Value><VunitRate>92,1</VunitRate>"), "{text}");
        assert!(text.contains("<Nominal>100</Nominal><Name>Казахстанских тенге</Name>"), "{text}");
        assert!(text.contains("<VunitRate>0,151234</VunitRate>"), "{text}");
        let file = read_rates(&bytes).expect("reads back");
        assert_eq!(file.source, RateSource::BankOfRussia);
        assert_eq!(file.rates.len(), 3);
        for (read, written) in file.rates.iter().zip(&rates) {
            assert_eq!(
                (read.date, read.base, read.currency, read.units),
                (written.date, Currency::Rub, written.currency, written.units)
            );
            assert_eq!(read.value, written.value.normalize());
        }
    }

    #[test]
    fn national_bank_file_reads_back() {
        let rates = vec![
            rate("2025-06-30", Currency::Byn, Currency::Usd, 1, "3.0512"),
            rate("2025-06-30", Currency::Byn, Currency::Cny, 10, "4.2500"),
            rate("2025-06-30", Currency::Byn, Currency::Rub, 100, "3.8871"),
        ];
        let bytes = write_nbrb_json(&rates).expect("writes");
        let text = String::from_utf8(bytes.clone()).expect("UTF-8");
        assert!(text.contains("\"Cur_ID\":462,\"Date\":\"2025-06-30T00:00:00\",\"Cur_Abbreviation\":\"CNY\",\"Cur_Scale\":10,\"Cur_Name\":\"Китайских юаней\",\"Cur_OfficialRate\":4.25}"), "{text}");
        let file = read_rates(&bytes).expect("reads back");
        assert_eq!(file.source, RateSource::NationalBankOfBelarus);
        let found: Vec<(Currency, u32, Decimal)> = file.rates.iter().map(|r| (r.currency, r.units, r.value)).collect();
        let wanted: Vec<(Currency, u32, Decimal)> =
            rates.iter().map(|r| (r.currency, r.units, r.value.normalize())).collect();
        assert_eq!(found, wanted);
    }

    #[test]
    fn one_bank_one_day_each_currency_once() {
        let usd = rate("2025-06-30", Currency::Rub, Currency::Usd, 1, "78.5");
        assert_eq!(write_cbr_xml_daily(&[]), Err(RateWriteError::Empty));
        assert!(matches!(write_nbrb_json(&[usd]), Err(RateWriteError::WrongBase { .. })));
        let next_day = rate("2025-07-01", Currency::Rub, Currency::Eur, 1, "92");
        assert!(matches!(write_cbr_xml_daily(&[usd, next_day]), Err(RateWriteError::MixedDates { .. })));
        assert_eq!(write_cbr_xml_daily(&[usd, usd]), Err(RateWriteError::Duplicate { currency: Currency::Usd }));
        let rub = rate("2025-06-30", Currency::Rub, Currency::Rub, 1, "1");
        assert!(matches!(write_cbr_xml_daily(&[rub]), Err(RateWriteError::NotQuoted { .. })));
    }
}
