use super::*;

const PLUS_HEADER: &str = include_str!("../../../tests/fixtures/comtrade_plus_v1_header.csv");
const LEGACY_SAMPLE: &str = include_str!("../../../tests/fixtures/comtrade_legacy_bulk.csv");

/// A Comtrade Plus row with the 47 columns of the real header, from a few named values.
fn plus_row(values: &[(&str, &str)]) -> String {
    let defaults: &[(&str, &str)] = &[
        ("typeCode", "C"),
        ("freqCode", "M"),
        ("refPeriodId", "20240301"),
        ("refYear", "2024"),
        ("refMonth", "3"),
        ("period", "202403"),
        ("reporterCode", "112"),
        ("reporterISO", "BLR"),
        ("reporterDesc", "Belarus"),
        ("flowCode", "X"),
        ("flowDesc", "Export"),
        ("partnerCode", "643"),
        ("partnerISO", "RUS"),
        ("partnerDesc", "Russian Federation"),
        ("partner2Code", "0"),
        ("partner2ISO", "W00"),
        ("partner2Desc", "World"),
        ("classificationCode", "H6"),
        ("classificationSearchCode", "HS"),
        ("isOriginalClassification", "True"),
        ("cmdCode", "870192"),
        ("cmdDesc", "\"Tractors; n.e.c. in heading no 8701, of an engine power exceeding 18kW\""),
        ("aggrLevel", "6"),
        ("isLeaf", "True"),
        ("customsCode", "C00"),
        ("customsDesc", "TOTAL CPC"),
        ("mosCode", "0"),
        ("motCode", "0"),
        ("motDesc", "TOTAL MOT"),
        ("qtyUnitCode", "5"),
        ("qtyUnitAbbr", "u"),
        ("qty", "12"),
        ("netWgt", "54000.5"),
        ("primaryValue", "452684.747"),
    ];
    PLUS_HEADER
        .trim()
        .split(',')
        .map(|column| {
            values
                .iter()
                .chain(defaults)
                .find(|(name, _)| *name == column)
                .map_or(String::new(), |(_, v)| v.to_string())
        })
        .collect::<Vec<_>>()
        .join(",")
}

fn plus_file(rows: &[String]) -> String {
    let mut text = PLUS_HEADER.trim().to_string();
    for row in rows {
        text.push('\n');
        text.push_str(row);
    }
    text.push('\n');
    text
}

#[test]
fn the_shared_header_is_the_current_layout() {
    assert_eq!(PLUS_HEADER.trim().split(',').count(), 47);
    let reader = ComtradeReader::new(PLUS_HEADER.as_bytes()).expect("header");
    assert_eq!(reader.layout(), ComtradeLayout::Plus);
    let file = read_comtrade(PLUS_HEADER.as_bytes()).expect("empty file");
    assert!(file.records.is_empty() && file.skipped.is_empty());
}

#[test]
fn reads_a_current_row() {
    let file = read_comtrade(plus_file(&[plus_row(&[])]).as_bytes()).expect("reads");
    assert_eq!(file.layout, ComtradeLayout::Plus);
    let r = file.records[0];
    assert_eq!(r.period.to_string(), "2024-03");
    assert_eq!(r.flow, Flow::Export);
    assert_eq!((r.reporter, r.partner), (Territory::BY, Territory::RU));
    assert_eq!(r.code.to_string(), "870192");
    // 452684.747 USD rounds half to even to the cent.
    assert_eq!(r.value, Money::new(45_268_475, Currency::Usd));
    assert_eq!(r.net_mass_kg, Some(Quantity::from_milli(54_000_500)));
    assert_eq!(r.supplementary_qty, Some(Quantity::from_milli(12_000)));
    assert_eq!(r.supplementary_unit.map(|u| u.to_string()).as_deref(), Some("шт"));
}

#[test]
fn aggregates_and_breakdowns_are_skipped_with_a_note() {
    let rows = [
        plus_row(&[("cmdCode", "TOTAL")]),
        plus_row(&[("partnerISO", "W00")]),
        plus_row(&[("partnerISO", "_X")]),
        plus_row(&[("flowCode", "RX")]),
        plus_row(&[("motCode", "2100")]),
        plus_row(&[("customsCode", "C01")]),
        plus_row(&[("partner2Code", "156")]),
        plus_row(&[("flowCode", "M"), ("qtyUnitAbbr", "N/A"), ("qty", "0"), ("netWgt", "")]),
    ];
    let file = read_comtrade(plus_file(&rows).as_bytes()).expect("reads");
    assert_eq!(file.records.len(), 1);
    let m = file.records[0];
    assert_eq!(m.flow, Flow::Import);
    assert_eq!((m.net_mass_kg, m.supplementary_qty, m.supplementary_unit), (None, None, None));
    let notes: Vec<(u32, String)> = file.skipped.iter().map(|s| (s.row, s.reason.to_string())).collect();
    let expected = [
        (2, "problem-comtrade-skip-total"),
        (3, r#"problem-comtrade-skip-world(value="W00")"#),
        (4, r#"problem-comtrade-skip-partner(value="_X")"#),
        (5, r#"problem-comtrade-skip-flow(flow="RX")"#),
        (6, r#"problem-comtrade-skip-breakdown(column="motCode", value="2100")"#),
        (7, r#"problem-comtrade-skip-breakdown(column="customsCode", value="C01")"#),
        (8, r#"problem-comtrade-skip-breakdown(column="partner2Code", value="156")"#),
    ];
    assert_eq!(notes, expected.map(|(row, reason)| (row, reason.to_string())));
}

#[test]
fn problems_name_line_and_column() {
    let rows = [
        plus_row(&[("freqCode", "A"), ("period", "2022"), ("refMonth", "52")]),
        plus_row(&[("cmdCode", "401")]),
        plus_row(&[("primaryValue", "n/a")]),
        plus_row(&[("primaryValue", "-5")]),
        plus_row(&[("classificationSearchCode", "SITC")]),
        plus_row(&[("netWgt", "heavy")]),
        plus_row(&[("primaryValue", "4.5268421364675E+5")]),
    ];
    let problems: Vec<String> =
        read_comtrade(plus_file(&rows).as_bytes()).expect_err("problems").iter().map(ToString::to_string).collect();
    assert_eq!(
        problems,
        [
            "sheet 'csv', row 2, column 'freqCode': problem-comtrade-annual",
            r#"sheet 'csv', row 3, column 'cmdCode': problem-trade-code-odd-length(value="401", digits="3")"#,
            r#"sheet 'csv', row 4, column 'primaryValue': problem-trade-value-not-amount(value="n/a")"#,
            r#"sheet 'csv', row 5, column 'primaryValue': problem-trade-value-not-amount(value="-5")"#,
            r#"sheet 'csv', row 6, column 'classificationSearchCode': problem-comtrade-not-hs(value="SITC")"#,
            r#"sheet 'csv', row 7, column 'netWgt': problem-number-not-non-negative(value="heavy")"#,
        ],
        "the exponent form in the last row is accepted"
    );
}

#[test]
fn legacy_sample_is_recognised_and_refused_for_what_it_is() {
    let reader = ComtradeReader::new(LEGACY_SAMPLE.as_bytes()).expect("header");
    assert_eq!(reader.layout(), ComtradeLayout::Legacy);
    // The shared sample is an annual SITC total: not HS, so a problem, not silently nothing.
    let problems = read_comtrade(LEGACY_SAMPLE.as_bytes()).expect_err("SITC");
    assert_eq!(
        problems[0].to_string(),
        r#"sheet 'csv', row 2, column 'Classification': problem-comtrade-not-hs(value="S3")"#
    );
}

#[test]
fn legacy_monthly_hs_rows() {
    let header = LEGACY_SAMPLE.lines().next().expect("header");
    let text = format!(
        "{header}\n\
         H5,2021,202103,March 2021,4,1,2,Export,112,Belarus,BLR,643,Russian Federation,RUS,040210,Milk,8,Weight in kilograms,1500,1500.25,3000.5,0\n\
         H5,2021,202103,March 2021,4,1,1,Import,112,Belarus,BLR,643,Russian Federation,RUS,0303,Fish,1,No Quantity,,,777,0\n\
         H5,2021,202103,March 2021,4,1,4,Re-Export,112,Belarus,BLR,643,Russian Federation,RUS,0303,Fish,1,No Quantity,,,1,0\n\
         H5,2021,2021,2021,4,1,1,Import,112,Belarus,BLR,643,Russian Federation,RUS,0303,Fish,1,No Quantity,,,1,0\n"
    );
    let problems = read_comtrade(text.as_bytes()).expect_err("the annual row");
    assert_eq!(problems.len(), 1);
    assert_eq!(problems[0].row, 5);
    assert_eq!(problems[0].column, "Period");

    let text = text.lines().take(4).collect::<Vec<_>>().join("\n");
    let file = read_comtrade(text.as_bytes()).expect("reads");
    assert_eq!(file.layout, ComtradeLayout::Legacy);
    assert_eq!(file.records.len(), 2);
    let milk = file.records[0];
    assert_eq!(milk.period.to_string(), "2021-03");
    assert_eq!(milk.value, Money::new(300_050, Currency::Usd));
    assert_eq!(milk.net_mass_kg, Some(Quantity::from_milli(1_500_250)));
    assert_eq!(milk.supplementary_unit.map(|u| u.to_string()).as_deref(), Some("кг"));
    assert_eq!(file.records[1].supplementary_qty, None, "No Quantity");
    assert_eq!(file.skipped.len(), 1);
    assert_eq!(file.skipped[0].reason, Reason::new("problem-comtrade-skip-flow").arg("flow", "Re-Export"));
}

#[test]
fn not_comtrade_at_all() {
    let p = read_comtrade(b"period,flow,reporter\n2025-01,export,BY\n").expect_err("template, not comtrade");
    assert_eq!(p[0].reason.key, "problem-comtrade-not-comtrade", "{p:?}");
    let p = read_comtrade(b"").expect_err("empty");
    assert_eq!(p[0].reason.key, "problem-file-empty", "{p:?}");
    let header_only = "flowCode,cmdCode,primaryValue\n";
    let p = read_comtrade(header_only.as_bytes()).expect_err("missing columns");
    assert_eq!(
        p[0].reason,
        Reason::new("problem-comtrade-columns-missing").arg("columns", "period, reporterISO, partnerISO")
    );
}
