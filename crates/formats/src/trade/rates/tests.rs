use super::*;
use accord_domain::trade::{Money, RateBasis, RateTable};

const CBR_SAMPLE: &str = include_str!("../../../tests/fixtures/cbr_xml_daily_2023-09-27.utf8.xml");
const NBRB_2024: &str = include_str!("../../../tests/fixtures/nbrb_exrates_rates_2024-06-29.json");
const NBRB_2020: &str = include_str!("../../../tests/fixtures/nbrb_exrates_rates_2020-02-27_old_cur_ids.json");

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").expect(s)
}
fn dec(s: &str) -> Decimal {
    Decimal::from_str(s).expect(s)
}
/// Problems as `sheet '…', row …, column '…': key(args)`.
fn reasons(result: Result<RateFile, Vec<Problem>>) -> Vec<String> {
    result.expect_err("problems").iter().map(ToString::to_string).collect()
}

fn keys(result: Result<RateFile, Vec<Problem>>) -> Vec<String> {
    result.expect_err("problems").into_iter().map(|p| p.reason.key).collect()
}

/// The sample as the bank really serves it: declared and encoded as Windows-1251.
fn cbr_in_1251(xml: &str) -> Vec<u8> {
    let declared = format!("<?xml version=\"1.0\" encoding=\"windows-1251\"?>\n{xml}");
    let (bytes, _, unmappable) = encoding_rs::WINDOWS_1251.encode(&declared);
    assert!(!unmappable);
    bytes.into_owned()
}

#[test]
fn bank_of_russia_sample_as_stored() {
    let file = read_rates(CBR_SAMPLE.as_bytes()).expect("reads");
    assert_eq!(file.source, RateSource::BankOfRussia);
    let found: Vec<(Currency, u32, Decimal)> = file.rates.iter().map(|r| (r.currency, r.units, r.value)).collect();
    assert_eq!(
        found,
        vec![
            (Currency::Byn, 1, dec("29.4819")),
            (Currency::Usd, 1, dec("96.2378")),
            (Currency::Cny, 1, dec("13.1504"))
        ]
    );
    assert!(file.rates.iter().all(|r| r.date == d("2023-09-27") && r.base == Currency::Rub));
    assert_eq!(file.skipped, vec!["KRW".to_string()]);
}

#[test]
fn bank_of_russia_as_served_in_windows_1251() {
    let bytes = cbr_in_1251(CBR_SAMPLE);
    assert!(std::str::from_utf8(&bytes).is_err(), "really Windows-1251");
    let file = read_rates(&bytes).expect("reads");
    assert_eq!(file, read_rates(CBR_SAMPLE.as_bytes()).expect("reads"));
    // And the rates convert: 962,378 RUB is 10,000 USD on that day.
    let mut table = RateTable::new();
    table.extend(file.rates).expect("rates");
    let usd = table.convert(Money::new(96_237_800, Currency::Rub), Currency::Usd, d("2023-09-27"), RateBasis::OnDate);
    assert_eq!(usd, Ok(Money::new(1_000_000, Currency::Usd)));
}

#[test]
fn vunit_rate_is_checked_against_value_per_nominal() {
    let newer = r#"<?xml version="1.0" encoding="UTF-8"?>
<ValCurs Date="14.03.2025" name="Foreign Currency Market">
<Valute ID="R01235"><NumCode>840</NumCode><CharCode>USD</CharCode><Nominal>1</Nominal><Name>Доллар США</Name><Value>87,1992</Value><VunitRate>87,1992</VunitRate></Valute>
<Valute ID="R01375"><NumCode>156</NumCode><CharCode>CNY</CharCode><Nominal>10</Nominal><Name>Юань</Name><Value>119,8785</Value><VunitRate>11,98785</VunitRate></Valute>
</ValCurs>"#;
    let file = read_rates(newer.as_bytes()).expect("reads");
    assert_eq!(file.rates[1].per_unit(), dec("11.98785"));
    assert_eq!(file.rates[0].date, d("2025-03-14"));
    let wrong = newer.replace("<VunitRate>11,98785</VunitRate>", "<VunitRate>12,98785</VunitRate>");
    assert_eq!(
        reasons(read_rates(wrong.as_bytes())),
        [
            r#"sheet 'xml', row 4, column 'VunitRate': problem-rates-vunit-mismatch(vunit="12.98785", value="119.8785", nominal="10")"#
        ]
    );
}

#[test]
fn broken_bank_of_russia_files() {
    // Windows-1251 bytes without the declaration that says so.
    let (undeclared, _, _) = encoding_rs::WINDOWS_1251.encode(CBR_SAMPLE);
    assert_eq!(
        reasons(read_rates(&undeclared)),
        [r#"sheet 'xml', row 0, column '': problem-text-invalid-undeclared(encoding="UTF-8")"#]
    );
    // Declared UTF-8, actually Windows-1251.
    let mislabelled = cbr_in_1251(CBR_SAMPLE);
    let mislabelled = String::from_utf8_lossy(&mislabelled).replace("windows-1251", "utf-8");
    let mut bytes = cbr_in_1251(CBR_SAMPLE);
    bytes.splice(
        ..mislabelled.find('\n').unwrap_or(0),
        mislabelled.as_bytes()[..mislabelled.find('\n').unwrap_or(0)].to_vec(),
    );
    assert_eq!(
        reasons(read_rates(&bytes)),
        [r#"sheet 'xml', row 0, column '': problem-text-invalid(encoding="UTF-8")"#]
    );
    // Truncated in the middle of a Valute.
    let cut = &CBR_SAMPLE[..CBR_SAMPLE.find("<Value>96").expect("usd")];
    let p = reasons(read_rates(cut.as_bytes()));
    assert_eq!(p.len(), 1, "{p:?}");
    assert!(p[0].ends_with("column 'ValCurs/Valute': problem-xml-truncated"), "{p:?}");
    // A value that is not a number, and a nominal that is not a count.
    let bad = CBR_SAMPLE
        .replace("<Value>96,2378</Value>", "<Value>96,23,78</Value>")
        .replace("<Nominal>1000</Nominal>", "<Nominal>тысяча</Nominal>");
    assert_eq!(
        reasons(read_rates(bad.as_bytes())),
        [
            r#"sheet 'xml', row 9, column 'Value': problem-number-not-positive(value="96,23,78")"#,
            r#"sheet 'xml', row 23, column 'Nominal': problem-number-not-positive-whole(value="тысяча")"#,
        ]
    );
    // The same currency twice in one file.
    let twice = CBR_SAMPLE.replace("<CharCode>CNY</CharCode>", "<CharCode>USD</CharCode>");
    assert_eq!(
        reasons(read_rates(twice.as_bytes())),
        [r#"sheet 'xml', row 16, column 'CharCode': problem-rates-duplicate(currency="USD", date="2023-09-27")"#]
    );
    // No date, a bad date, not XML at all.
    let undated = CBR_SAMPLE.replace(" Date=\"27.09.2023\"", "");
    assert_eq!(
        reasons(read_rates(undated.as_bytes())),
        ["sheet 'xml', row 1, column 'ValCurs/@Date': problem-rates-no-date"]
    );
    let misdated = CBR_SAMPLE.replace("27.09.2023", "2023-09-27");
    assert!(
        reasons(read_rates(misdated.as_bytes()))[0]
            .ends_with(r#"problem-rates-date-invalid(value="2023-09-27", example="27.09.2023")"#)
    );
    assert_eq!(keys(read_rates(b"<html><body>503</body></html>")), ["problem-rates-not-cbr"]);
    assert_eq!(keys(read_rates(b"Date;USD\n")), ["problem-rates-unknown-file"]);
    let mismatched = CBR_SAMPLE.replace("</Nominal>\n<Name>Доллар", "</Nominal2>\n<Name>Доллар");
    assert_eq!(keys(read_rates(mismatched.as_bytes())), ["problem-xml-malformed"]);
}

#[test]
fn national_bank_of_belarus_samples() {
    let file = read_rates(NBRB_2024.as_bytes()).expect("reads");
    assert_eq!(file.source, RateSource::NationalBankOfBelarus);
    let found: Vec<(Currency, u32, Decimal)> = file.rates.iter().map(|r| (r.currency, r.units, r.value)).collect();
    assert_eq!(found, vec![(Currency::Usd, 1, dec("3.1624")), (Currency::Eur, 1, dec("3.3821"))]);
    assert!(file.rates.iter().all(|r| r.date == d("2024-06-29") && r.base == Currency::Byn));
    assert_eq!(file.skipped, vec!["VND".to_string()]);

    // Older ids (USD 145, not 431): matched by abbreviation all the same.
    let old = read_rates(NBRB_2020.as_bytes()).expect("reads");
    let found: Vec<(Currency, u32, Decimal)> = old.rates.iter().map(|r| (r.currency, r.units, r.value)).collect();
    assert_eq!(
        found,
        vec![(Currency::Usd, 1, dec("2.2378")), (Currency::Rub, 100, dec("3.4137")), (Currency::Eur, 1, dec("2.4334"))]
    );
    // 100 RUB cost 3.4137 BYN: 10,000 RUB is 341.37 BYN.
    let mut table = RateTable::new();
    table.extend(old.rates).expect("rates");
    let byn = table.convert(Money::new(1_000_000, Currency::Rub), Currency::Byn, d("2020-02-27"), RateBasis::OnDate);
    assert_eq!(byn, Ok(Money::new(34_137, Currency::Byn)));

    // One object (exrates/rates/431) is a file of one rate.
    let single = r#"{"Cur_ID":431,"Date":"2024-06-29T00:00:00","Cur_Abbreviation":"USD","Cur_Scale":1,"Cur_Name":"Доллар США","Cur_OfficialRate":3.1624}"#;
    assert_eq!(read_rates(single.as_bytes()).map(|f| f.rates.len()), Ok(1));
}

#[test]
fn broken_national_bank_files() {
    let truncated = &NBRB_2024[..NBRB_2024.len() - 20];
    let p = reasons(read_rates(truncated.as_bytes()));
    assert_eq!(keys(read_rates(truncated.as_bytes())), ["problem-json-truncated"], "{p:?}");
    let text_rate = NBRB_2024.replace("3.1624", "\"3.1624\"").replace("3.3821", "null");
    assert_eq!(
        reasons(read_rates(text_rate.as_bytes())),
        [
            r#"sheet 'json', row 1, column 'Cur_OfficialRate': problem-number-not-positive(value="\"3.1624\"")"#,
            "sheet 'json', row 3, column 'Cur_OfficialRate': problem-rates-rate-missing",
        ]
    );
    let twice = NBRB_2024.replace("\"VND\"", "\"USD\"");
    assert_eq!(
        reasons(read_rates(twice.as_bytes())),
        [
            r#"sheet 'json', row 2, column 'Cur_Abbreviation': problem-rates-duplicate(currency="USD", date="2024-06-29")"#
        ]
    );
    let no_code = NBRB_2024.replace("\"Cur_Abbreviation\":\"EUR\",", "");
    assert_eq!(
        reasons(read_rates(no_code.as_bytes())),
        ["sheet 'json', row 3, column 'Cur_Abbreviation': problem-rates-no-currency-code"]
    );
    let bad_date = NBRB_2024
        .replace("2024-06-29T00:00:00\",\"Cur_Abbreviation\":\"USD", "29.06.2024\",\"Cur_Abbreviation\":\"USD");
    assert!(
        reasons(read_rates(bad_date.as_bytes()))[0]
            .starts_with("sheet 'json', row 1, column 'Date': problem-rates-date-invalid(value=\"29.06.2024\"")
    );
    let zero_scale = NBRB_2024.replace("\"Cur_Scale\":100000", "\"Cur_Scale\":0");
    assert_eq!(
        reasons(read_rates(zero_scale.as_bytes())),
        [r#"sheet 'json', row 2, column 'Cur_Scale': problem-number-not-positive-whole(value="0")"#]
    );
    let not_json = reasons(read_rates(b"[1, 2"));
    assert!(not_json[0].starts_with("sheet 'json', row 1, column '': problem-rates-not-nbrb(detail="), "{not_json:?}");
    // Binary floats never enter: a rate with more digits than a double holds stays exact.
    let precise = NBRB_2024.replace("3.1624", "3.16240000000000000001");
    assert_eq!(read_rates(precise.as_bytes()).map(|f| f.rates[0].value), Ok(dec("3.16240000000000000001")));
}
