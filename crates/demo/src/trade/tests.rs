use super::*;
use accord_domain::trade::{
    AggregatedRecord, CodeLevel, Granularity, MirrorOptions, ReportedBy, Scope, SummaryOptions, classify, reconcile,
    summarise,
};
use accord_formats::trade::{read_rates, read_template_csv};
use std::collections::BTreeSet;

fn aggregated(records: &[TradeRecord]) -> Vec<AggregatedRecord> {
    records.iter().map(AggregatedRecord::of).collect()
}

fn ym(year: i32, m: u32) -> YearMonth {
    YearMonth::new(year, m).expect("month")
}

/// Turnover of a scope in USD as one side reports it, from `from` to `to`.
fn turnover(demo: &DemoTrade, table: &RateTable, scope: Scope, by: ReportedBy, from: YearMonth, to: YearMonth) -> f64 {
    let side = match by {
        ReportedBy::First => scope.first.side(),
        ReportedBy::Second => scope.second.side(),
    };
    let records = aggregated(demo.records(side.expect("side")));
    let options = SummaryOptions {
        scope,
        reported_by: by,
        range: PeriodRange { from, to },
        granularity: Granularity::Year,
        by: None,
        currency: Currency::Usd,
        basis: RateBasis::MonthlyAverage,
        rates: table,
        groups: &demo.groups,
        top: 5,
        top_level: CodeLevel::Heading,
        only_group: None,
    };
    let summary = summarise(&records, &options).expect("summary");
    summary.total.turnover.to_string().parse::<f64>().expect("number")
}

const BELARUS_KHV: Scope = Scope { first: Territory::BY, second: Territory::RU_KHA };

#[test]
fn the_same_every_time() {
    let (a, b) = (demo_trade(), demo_trade());
    assert_eq!(a, b);
    assert_eq!(a.sources.len(), 2);
    assert_eq!(a.sources[0].0, Source { side: Side::By, name: SOURCE_BY.into(), file_name: SOURCE_FILE.into() });
    assert_eq!(a.sources[1].0.side, Side::Khv);
}

#[test]
fn both_sources_report_every_scope_each_month() {
    let demo = demo_trade();
    let scopes = [
        (Side::By, Territory::BY_MA, Territory::RU_KHA),
        (Side::By, Territory::BY, Territory::RU_KHA),
        (Side::By, Territory::BY, Territory::RU),
        (Side::Khv, Territory::RU_KHA, Territory::BY_MA),
        (Side::Khv, Territory::RU_KHA, Territory::BY),
        (Side::Khv, Territory::RU, Territory::BY),
    ];
    let small_flow = |side: Side| match side {
        Side::By => Some(Flow::Import),
        Side::Khv => Some(Flow::Export),
    };
    for (side, reporter, partner) in scopes {
        let records = demo.records(side);
        for flow in Flow::ALL {
            let months: BTreeSet<Period> = records
                .iter()
                .filter(|r| r.reporter == reporter && r.partner == partner && r.flow == flow)
                .map(|r| r.period)
                .collect();
            // Goods from the krai are a few consignments a month, Mogilev Oblast's fewer:
            // some months have none.
            let to_belarus = Some(flow) == small_flow(side) && ![reporter, partner].contains(&Territory::RU);
            let mogilev = [reporter, partner].contains(&Territory::BY_MA);
            let wanted = match (to_belarus, mogilev) {
                (false, _) => MONTHS as usize,
                (true, false) => MONTHS as usize * 9 / 10,
                (true, true) => MONTHS as usize * 3 / 5,
            };
            assert!(months.len() >= wanted, "{side} {reporter}->{partner} {flow}: {} months with data", months.len());
        }
        assert!(records.iter().all(|r| r.reporter.side() == Some(side)), "a source reports its own side");
    }
    // One record per key.
    for (_, records) in &demo.sources {
        let keys: BTreeSet<_> = records.iter().map(|r| (r.period, r.reporter, r.partner, r.flow, r.code)).collect();
        assert_eq!(keys.len(), records.len());
    }
}

#[test]
fn published_orders_of_magnitude() {
    let demo = demo_trade();
    let table = demo.rate_table();
    let t2021 = turnover(&demo, &table, BELARUS_KHV, ReportedBy::First, ym(2021, 1), ym(2021, 12));
    assert!((15e6..=22e6).contains(&t2021), "Belarus-Khabarovsk 2021: {t2021}");
    let t2024 = turnover(&demo, &table, BELARUS_KHV, ReportedBy::First, ym(2024, 1), ym(2024, 11));
    assert!((40e6..=56e6).contains(&t2024), "Belarus-Khabarovsk Jan-Nov 2024: {t2024}");
    // The same by a plain sum: Belarus's records are all in USD.
    let plain: i64 = demo
        .records(Side::By)
        .iter()
        .filter(|r| r.reporter == Territory::BY && r.partner == Territory::RU_KHA && r.period.year() == 2021)
        .map(|r| {
            assert_eq!(r.value.currency, Currency::Usd);
            r.value.minor
        })
        .sum();
    assert!((plain as f64 / 100.0 - t2021).abs() < 0.5, "{plain} vs {t2021}");
    // Mostly Belarusian exports.
    let exports: i64 = demo
        .records(Side::By)
        .iter()
        .filter(|r| r.reporter == Territory::BY && r.partner == Territory::RU_KHA && r.flow == Flow::Export)
        .map(|r| r.value.minor)
        .sum();
    let all: i64 = demo
        .records(Side::By)
        .iter()
        .filter(|r| r.reporter == Territory::BY && r.partner == Territory::RU_KHA)
        .map(|r| r.value.minor)
        .sum();
    assert!(exports as f64 > 0.85 * all as f64);
    // The two countries trade in billions.
    let countries = Scope::COUNTRIES;
    for year in 2021..=2025 {
        let t = turnover(&demo, &table, countries, ReportedBy::First, ym(year, 1), ym(year, 12));
        assert!((20e9..=60e9).contains(&t), "BY-RU {year}: {t}");
    }
}

#[test]
fn mogilev_is_a_fifth_of_belarus() {
    let demo = demo_trade();
    let table = demo.rate_table();
    for year in 2021..=2026 {
        let to = if year == 2026 { 9 } else { 12 };
        for by in [ReportedBy::First, ReportedBy::Second] {
            let regions = turnover(&demo, &table, Scope::REGIONS, by, ym(year, 1), ym(year, to));
            let belarus = turnover(&demo, &table, BELARUS_KHV, by, ym(year, 1), ym(year, to));
            let share = regions / belarus;
            assert!((0.15..=0.30).contains(&share), "{year} {by:?}: {share}");
        }
    }
    // Region never above its country, code by code (USD records).
    for (_, records) in &demo.sources {
        let country: BTreeMap<_, i64> = records
            .iter()
            .filter(|r| r.reporter == Territory::BY || r.partner == Territory::BY)
            .map(|r| ((r.period, r.flow, r.code, r.reporter == Territory::BY), r.value.minor))
            .collect();
        for r in records.iter().filter(|r| r.value.currency == Currency::Usd) {
            let is_mogilev = [r.reporter, r.partner].contains(&Territory::BY_MA);
            if is_mogilev {
                let whole = country.get(&(r.period, r.flow, r.code, r.reporter == Territory::BY_MA));
                assert!(whole.is_some_and(|w| *w >= r.value.minor), "{r:?}");
            }
        }
    }
}

#[test]
fn mirror_gaps_stay_within_ten_percent_a_quarter() {
    let demo = demo_trade();
    let table = demo.rate_table();
    let all: Vec<AggregatedRecord> = demo.sources.iter().flat_map(|(_, r)| aggregated(r)).collect();
    let pairs = [
        (Territory::BY, Territory::RU_KHA),
        (Territory::RU_KHA, Territory::BY),
        (Territory::BY_MA, Territory::RU_KHA),
        (Territory::RU_KHA, Territory::BY_MA),
        (Territory::BY, Territory::RU),
        (Territory::RU, Territory::BY),
    ];
    for (exporter, importer) in pairs {
        let options = MirrorOptions {
            exporter,
            importer,
            range: demo_range(),
            granularity: Granularity::Quarter,
            level: None,
            currency: Currency::Usd,
            basis: RateBasis::MonthlyAverage,
            rates: &table,
        };
        let report = reconcile(&all, &options).expect("reconcile");
        assert!(report.rows.len() >= 20, "{exporter}->{importer}: {} quarters", report.rows.len());
        let mut positive = 0;
        for row in &report.rows {
            let gap = row.gap_percent.expect("both sides report every quarter");
            assert!(gap.abs() <= Decimal::TEN, "{exporter}->{importer} {}: {gap} %", row.bucket);
            if gap > Decimal::ZERO {
                positive += 1;
            }
        }
        assert!(positive * 4 >= report.rows.len() * 3, "importers' CIF values mostly above exporters' FOB: {positive}");
    }
    // By code and month the gaps are wider, and some months are reported a month late.
    let options = MirrorOptions {
        exporter: Territory::BY,
        importer: Territory::RU_KHA,
        range: demo_range(),
        granularity: Granularity::Month,
        level: Some(CodeLevel::National10),
        currency: Currency::Usd,
        basis: RateBasis::MonthlyAverage,
        rates: &table,
    };
    let report = reconcile(&all, &options).expect("reconcile");
    assert!(report.rows.iter().any(|r| r.exported.is_some() && r.imported.is_none()));
    // A classification difference: heavy trucks declared as medium ones in 2024Q3.
    let quarterly = MirrorOptions { granularity: Granularity::Quarter, ..options };
    let by_code = reconcile(&all, &quarterly).expect("reconcile");
    let row = |code: &str| {
        by_code
            .rows
            .iter()
            .find(|r| r.bucket.to_string() == "2024Q3" && r.code.map(|c| c.to_string()).as_deref() == Some(code))
            .copied()
            .expect(code)
    };
    let heavy = row("8704239108");
    assert!(heavy.exported.is_some() && heavy.imported.is_none(), "{heavy:?}");
    let medium = row("8704229108");
    assert!(medium.gap_percent.is_some_and(|g| g > Decimal::from(50)), "{medium:?}");
}

#[test]
fn rates_cover_every_weekday() {
    let demo = demo_trade();
    let series: BTreeSet<(Currency, Currency, u32)> =
        demo.rates.iter().map(|r| (r.base, r.currency, r.units)).collect();
    let expected: BTreeSet<(Currency, Currency, u32)> = [
        (Currency::Rub, Currency::Usd, 1),
        (Currency::Rub, Currency::Eur, 1),
        (Currency::Rub, Currency::Byn, 1),
        (Currency::Rub, Currency::Cny, 1),
        (Currency::Byn, Currency::Usd, 1),
        (Currency::Byn, Currency::Eur, 1),
        (Currency::Byn, Currency::Rub, 100),
        (Currency::Byn, Currency::Cny, 10),
    ]
    .into();
    assert_eq!(series, expected);
    let mut weekdays = Vec::new();
    let mut day = NaiveDate::from_ymd_opt(2021, 1, 1).expect("day");
    while day <= NaiveDate::from_ymd_opt(2026, 9, 30).expect("day") {
        if !matches!(day.weekday(), Weekday::Sat | Weekday::Sun) {
            weekdays.push(day);
        }
        day = day.succ_opt().expect("day");
    }
    for (base, currency, _) in &expected {
        let dates: Vec<NaiveDate> =
            demo.rates.iter().filter(|r| r.base == *base && r.currency == *currency).map(|r| r.date).collect();
        assert_eq!(dates, weekdays, "{currency} in {base}");
    }
    assert!(demo.rates.iter().all(|r| r.value.scale() == 4 && r.value > Decimal::ZERO));
    // The paths officials remember.
    let table = demo.rate_table();
    let usd_rub = |date: &str| {
        let d = NaiveDate::parse_from_str(date, "%Y-%m-%d").expect("date");
        table.quote_on(Currency::Rub, Currency::Usd, d).expect("quote").value.to_string().parse::<f64>().expect("f")
    };
    assert!((70.0..78.0).contains(&usd_rub("2021-06-15")));
    assert!(usd_rub("2022-03-11") > 110.0);
    assert!((48.0..65.0).contains(&usd_rub("2022-07-01")));
    assert!((85.0..105.0).contains(&usd_rub("2024-03-15")));
    assert!((75.0..86.0).contains(&usd_rub("2025-07-15")));
    let usd_byn = |date: &str| {
        let d = NaiveDate::parse_from_str(date, "%Y-%m-%d").expect("date");
        table.quote_on(Currency::Byn, Currency::Usd, d).expect("quote").value.to_string().parse::<f64>().expect("f")
    };
    assert!((2.4..2.7).contains(&usd_byn("2021-06-15")));
    assert!((3.1..3.4).contains(&usd_byn("2024-03-15")));
    // The banks' crosses agree to a fraction of a percent.
    let d = NaiveDate::from_ymd_opt(2024, 3, 15).expect("day");
    let cbr = table.conversion_on(Currency::Byn, Currency::Rub, d).expect("nbrb").factor();
    let nbrb = table.conversion_on(Currency::Rub, Currency::Byn, d).expect("cbr").factor();
    let product = (cbr * nbrb).to_string().parse::<f64>().expect("f");
    assert!((product - 1.0).abs() < 0.005, "{product}");
}

#[test]
fn codes_are_real_and_in_their_groups() {
    let demo = demo_trade();
    let hs = accord_formats::trade::nomenclature();
    for line in LINES {
        let code = CommodityCode::parse(line.code).expect(line.code);
        assert_eq!(code.len(), 10, "{}", line.code);
        assert!(hs.contains(code.subheading().expect("6 digits")), "{} not in the HS", line.code);
        let from = if line.dir == Dir::FromBelarus { Side::By } else { Side::Khv };
        let group = classify(&demo.groups, code, Some(from)).map(|g| demo.groups[g].key.as_str());
        assert_eq!(group, line.group, "{}", line.code);
    }
    for line in COUNTRY_LINES {
        let code = CommodityCode::parse(line.code).expect(line.code);
        assert_eq!(code.len(), 4);
        assert!(hs.contains(code), "{}", line.code);
    }
    for (code, ..) in EVENTS {
        assert!(LINES.iter().any(|l| l.code == *code), "{code}");
    }
    // Every record's code is one of the tables'.
    let known: BTreeSet<CommodityCode> =
        LINES.iter().map(|l| l.code).chain(COUNTRY_LINES.iter().map(|l| l.code)).map(code_of).collect();
    for (_, records) in &demo.sources {
        assert!(records.iter().all(|r| known.contains(&r.code)));
    }
    // Vehicles in pieces, timber in cubic metres.
    let by = demo.records(Side::By);
    let unit_of = |prefix: &str| {
        by.iter()
            .find(|r| r.reporter == Territory::BY_MA && starts_with(r.code, prefix))
            .and_then(|r| r.supplementary_unit)
    };
    assert_eq!(unit_of("8428").map(|u| u.to_string()).as_deref(), Some("шт"));
    assert_eq!(unit_of("4011").map(|u| u.to_string()).as_deref(), Some("шт"));
    assert_eq!(unit_of("4407").map(|u| u.to_string()).as_deref(), Some("м3"));
    assert_eq!(unit_of("0406"), None);
    assert!(by.iter().all(|r| r.net_mass_kg.is_some_and(|m| m.milli > 0)));
}

#[test]
fn groups_and_targets() {
    let demo = demo_trade();
    let keys: Vec<&str> = demo.groups.iter().map(|g| g.key.as_str()).collect();
    assert_eq!(keys, ["machinery", "dairy", "meat", "metal", "tyres", "seafood", "berries", "timber"]);
    for g in &demo.groups {
        let years: Vec<i32> = g.targets.keys().copied().collect();
        assert_eq!(years, [2025, 2026, 2027], "{}", g.key);
        let t: Vec<i64> = g.targets.values().map(|m| m.minor).collect();
        assert!(t[0] > 0 && t[0] < t[1] && t[1] < t[2], "{}: {t:?}", g.key);
        assert!(g.targets.values().all(|m| m.currency == Currency::Usd));
    }
}

#[test]
fn some_lines_in_roubles_and_months_without_trade() {
    let demo = demo_trade();
    let table = demo.rate_table();
    let byn: Vec<&TradeRecord> = demo.records(Side::By).iter().filter(|r| r.value.currency == Currency::Byn).collect();
    assert!(!byn.is_empty() && byn.iter().all(|r| starts_with(r.code, "9403") && r.reporter == Territory::BY_MA));
    let rub: Vec<&TradeRecord> = demo.records(Side::Khv).iter().filter(|r| r.value.currency == Currency::Rub).collect();
    assert!(!rub.is_empty() && rub.iter().all(|r| starts_with(r.code, "0403") && r.partner == Territory::BY_MA));
    for r in byn.iter().chain(&rub) {
        let usd = table.convert(r.value, Currency::Usd, r.period.last_month().last_day(), RateBasis::OnDate);
        assert!(usd.is_ok(), "{r:?}");
    }
    // Fresh berries only in season; BelAZ dump trucks not every month.
    let khv = demo.records(Side::Khv);
    let berry_months: BTreeSet<u32> =
        khv.iter().filter(|r| starts_with(r.code, "0810")).map(|r| r.period.first_month().month()).collect();
    assert!(berry_months.iter().all(|m| (7..=11).contains(m)), "{berry_months:?}");
    let dumpers =
        demo.records(Side::By).iter().filter(|r| r.reporter == Territory::BY && starts_with(r.code, "870410")).count();
    assert!(dumpers > 10 && dumpers < 60, "{dumpers}");
}

// -----------------------------------------------------------------------------------------
// Example files in examples/trade/.

fn examples_dir() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/trade")
}

const SAMPLE_FROM: (i32, u32) = (2025, 1);
const SAMPLE_TO: (i32, u32) = (2025, 12);
const RATES_DAY: (i32, u32, u32) = (2025, 6, 30);

/// The template sample: Mogilev Oblast's trade with Khabarovsk Krai in 2025
/// as the Belarusian statistics give it.
fn sample_records(demo: &DemoTrade) -> Vec<TradeRecord> {
    let (from, to) = (ym(SAMPLE_FROM.0, SAMPLE_FROM.1), ym(SAMPLE_TO.0, SAMPLE_TO.1));
    demo.records(Side::By)
        .iter()
        .filter(|r| r.reporter == Territory::BY_MA && r.partner == Territory::RU_KHA)
        .filter(|r| r.period.first_month() >= from && r.period.last_month() <= to)
        .copied()
        .collect()
}

/// As a Russian-language spreadsheet saves it: the template's Russian header (UTF-8 with a
/// BOM, semicolons), flows in Russian, decimal commas.
fn sample_csv(records: &[TradeRecord]) -> Vec<u8> {
    let mut out = Vec::new();
    accord_formats::trade::write_template_csv(&mut out, accord_domain::trade::Lang::Ru).expect("header");
    for r in records {
        let flow = match r.flow {
            Flow::Export => "экспорт",
            Flow::Import => "импорт",
        };
        let decimal = |s: String| s.replace('.', ",");
        let fields = [
            r.period.to_string(),
            flow.to_string(),
            r.reporter.to_string(),
            r.partner.to_string(),
            r.code.spaced().to_string(),
            decimal(r.value.amount_text()),
            r.value.currency.to_string(),
            r.net_mass_kg.map(|q| decimal(q.to_string())).unwrap_or_default(),
            r.supplementary_qty.map(|q| decimal(q.to_string())).unwrap_or_default(),
            r.supplementary_unit.map(|u| u.to_string()).unwrap_or_default(),
        ];
        out.extend_from_slice(fields.join(";").as_bytes());
        out.push(b'\n');
    }
    out
}

fn rates_of_day(demo: &DemoTrade, base: Currency) -> Vec<Rate> {
    let day = NaiveDate::from_ymd_opt(RATES_DAY.0, RATES_DAY.1, RATES_DAY.2).expect("day");
    demo.rates.iter().filter(|r| r.date == day && r.base == base).copied().collect()
}

fn cbr_file(demo: &DemoTrade) -> Vec<u8> {
    // The bank lists currencies by code: BYN, CNY, EUR, USD.
    let mut rates = rates_of_day(demo, Currency::Rub);
    rates.sort_by_key(|r| r.currency.code());
    accord_formats::trade::write_cbr_xml_daily(&rates).expect("xml")
}

fn nbrb_file(demo: &DemoTrade) -> Vec<u8> {
    // The bank lists currencies by its ids: USD 431, EUR 451, RUB 456, CNY 462.
    let order = [Currency::Usd, Currency::Eur, Currency::Rub, Currency::Cny];
    let mut rates = rates_of_day(demo, Currency::Byn);
    rates.sort_by_key(|r| order.iter().position(|c| *c == r.currency));
    accord_formats::trade::write_nbrb_json(&rates).expect("json")
}

const SAMPLE_CSV: &str = "template-sample.csv";
const CBR_XML: &str = "cbr-XML_daily-2025-06-30.xml";
const NBRB_JSON: &str = "nbrb-rates-2025-06-30.json";

/// Rewrites the example files: `cargo test -p accord-web --lib demo_trade -- --ignored`.
#[test]
#[ignore]
fn write_example_files() {
    let demo = demo_trade();
    let dir = examples_dir();
    std::fs::create_dir_all(&dir).expect("folder");
    std::fs::write(dir.join(SAMPLE_CSV), sample_csv(&sample_records(&demo))).expect("csv");
    std::fs::write(dir.join(CBR_XML), cbr_file(&demo)).expect("xml");
    std::fs::write(dir.join(NBRB_JSON), nbrb_file(&demo)).expect("json");
}

#[test]
fn example_files_are_the_demo_and_read() {
    let demo = demo_trade();
    let dir = examples_dir();
    let read = |name: &str| std::fs::read(dir.join(name)).unwrap_or_else(|e| panic!("{name}: {e}"));

    let csv = read(SAMPLE_CSV);
    assert!(csv.starts_with(b"\xEF\xBB\xBF\xD0\x9F"), "UTF-8 with a BOM, Russian header");
    let records = read_template_csv(&csv).expect("the template reader reads the sample");
    let wanted = sample_records(&demo);
    assert!((150..=260).contains(&wanted.len()), "{}", wanted.len());
    assert_eq!(records, wanted);
    assert_eq!(csv, sample_csv(&wanted), "regenerate with write_example_files");

    let xml = read(CBR_XML);
    assert!(xml.starts_with(b"<?xml version=\"1.0\" encoding=\"windows-1251\"?>"));
    assert!(std::str::from_utf8(&xml).is_err(), "Windows-1251, as the bank serves it");
    let file = read_rates(&xml).expect("the rate reader reads the Bank of Russia file");
    let mut wanted = rates_of_day(&demo, Currency::Rub);
    wanted.sort_by_key(|r| r.currency.code());
    let norm =
        |rates: &[Rate]| -> Vec<Rate> { rates.iter().map(|r| Rate { value: r.value.normalize(), ..*r }).collect() };
    assert_eq!(norm(&file.rates), norm(&wanted));
    assert_eq!(xml, cbr_file(&demo), "regenerate with write_example_files");

    let json = read(NBRB_JSON);
    let file = read_rates(&json).expect("the rate reader reads the National Bank file");
    let mut found = norm(&file.rates);
    found.sort_by_key(|r| r.currency);
    let mut wanted = norm(&rates_of_day(&demo, Currency::Byn));
    wanted.sort_by_key(|r| r.currency);
    assert_eq!(found, wanted);
    assert_eq!(json, nbrb_file(&demo), "regenerate with write_example_files");
}

/// The figures as generated: `cargo test -p accord-web --lib demo_trade::tests::print_figures -- --ignored --nocapture`.
#[test]
#[ignore]
fn print_figures() {
    let demo = demo_trade();
    let table = demo.rate_table();
    let scopes = [("BY-MA<->RU-KHA", Scope::REGIONS), ("BY<->RU-KHA", BELARUS_KHV), ("BY<->RU", Scope::COUNTRIES)];
    for (name, scope) in scopes {
        for by in [ReportedBy::First, ReportedBy::Second] {
            let records = aggregated(demo.records(if by == ReportedBy::First { Side::By } else { Side::Khv }));
            let options = SummaryOptions {
                scope,
                reported_by: by,
                range: demo_range(),
                granularity: Granularity::Year,
                by: None,
                currency: Currency::Usd,
                basis: RateBasis::MonthlyAverage,
                rates: &table,
                groups: &demo.groups,
                top: 5,
                top_level: CodeLevel::Heading,
                only_group: None,
            };
            let s = summarise(&records, &options).expect("summary");
            for b in &s.buckets {
                println!(
                    "{name} {by:?} {}: exports {} imports {} turnover {}",
                    b.bucket, b.figures.exports, b.figures.imports, b.figures.turnover
                );
            }
        }
    }
    let all: Vec<AggregatedRecord> = demo.sources.iter().flat_map(|(_, r)| aggregated(r)).collect();
    for (exporter, importer) in [
        (Territory::BY, Territory::RU_KHA),
        (Territory::RU_KHA, Territory::BY),
        (Territory::BY_MA, Territory::RU_KHA),
        (Territory::RU_KHA, Territory::BY_MA),
        (Territory::BY, Territory::RU),
        (Territory::RU, Territory::BY),
    ] {
        let options = MirrorOptions {
            exporter,
            importer,
            range: demo_range(),
            granularity: Granularity::Quarter,
            level: None,
            currency: Currency::Usd,
            basis: RateBasis::MonthlyAverage,
            rates: &table,
        };
        let gaps: Vec<Decimal> =
            reconcile(&all, &options).expect("mirror").rows.iter().filter_map(|r| r.gap_percent).collect();
        let (min, max) = (gaps.iter().min(), gaps.iter().max());
        println!("mirror {exporter}->{importer}: {} quarters, gap {min:?} .. {max:?} %", gaps.len());
    }
    let t = turnover(&demo, &table, BELARUS_KHV, ReportedBy::First, ym(2024, 1), ym(2024, 11));
    println!("BY<->RU-KHA Jan-Nov 2024: {t}");
    for g in &demo.groups {
        println!("{} {:?}", g.key, g.targets.iter().map(|(y, m)| format!("{y}: {m}")).collect::<Vec<_>>());
    }
    println!(
        "records: BY {}, KHV {}; rates {}",
        demo.records(Side::By).len(),
        demo.records(Side::Khv).len(),
        demo.rates.len()
    );
}
