use super::*;
use crate::trade::rate::Rate;
use chrono::{Datelike, NaiveDate};
use std::str::FromStr;

const BY: Territory = Territory::BY_MA;
const RU: Territory = Territory::RU_KHA;

fn dec(s: &str) -> Decimal {
    Decimal::from_str(s).expect(s)
}
fn q(year: i32, n: u8) -> Quarter {
    Quarter::new(year, n).expect("quarter")
}
fn usd(units: i64) -> Money {
    Money::new(units * 100, Currency::Usd)
}
use crate::trade::test_record as rec;

fn options<'a>(rates: &'a RateTable, groups: &'a [ProductGroup], from: Quarter, to: Quarter) -> SummaryOptions<'a> {
    SummaryOptions {
        scope: Scope::REGIONS,
        reported_by: ReportedBy::First,
        range: PeriodRange::quarters(from, to),
        granularity: Granularity::Quarter,
        by: None,
        currency: Currency::Usd,
        basis: RateBasis::MonthlyAverage,
        rates,
        groups,
        top: 3,
        top_level: CodeLevel::Heading,
        only_group: None,
    }
}

#[test]
fn exports_and_imports_from_the_first_territory() {
    let rates = RateTable::new();
    let records = vec![
        rec("2025-01", Flow::Export, BY, RU, "8701201013", usd(700)),
        rec("2025-01", Flow::Import, BY, RU, "0303", usd(200)),
        // The same goods in Khabarovsk's statistics: ignored when Belarus's are asked for.
        rec("2025-01", Flow::Import, RU, BY, "8701201013", usd(720)),
        rec("2025-01", Flow::Export, RU, BY, "0303", usd(190)),
        // Another pair of territories and a country-level record: never in this scope.
        rec("2025-01", Flow::Export, BY, Territory::parse("RU-PRI").expect("t"), "8701", usd(1)),
        rec("2025-01", Flow::Export, Territory::BY, Territory::RU, "8701", usd(5000)),
    ];
    let o = options(&rates, &[], q(2025, 1), q(2025, 1));
    let s = summarise(&records, &o).expect("summary");
    assert_eq!(
        s.total,
        Figures { exports: dec("700.00"), imports: dec("200.00"), turnover: dec("900.00"), balance: dec("500.00") }
    );
    let s = summarise(&records, &SummaryOptions { reported_by: ReportedBy::Second, ..o }).expect("summary");
    assert_eq!(s.total.exports, dec("720.00"), "Khabarovsk's imports from Mogilev are Mogilev's exports");
    assert_eq!(s.total.imports, dec("190.00"));
    assert_eq!(s.total.balance, dec("530.00"));
    let s = summarise(&records, &SummaryOptions { scope: Scope::COUNTRIES, ..o }).expect("summary");
    assert_eq!(s.total.exports, dec("5000.00"), "country figures only from country records");
}

#[test]
fn quarters_changes_and_incomplete_months() {
    let rates = RateTable::new();
    let mut records = Vec::new();
    // 2024Q1 complete: exports 100 a month, imports 50 in January only.
    for m in ["2024-01", "2024-02", "2024-03"] {
        records.push(rec(m, Flow::Export, BY, RU, "8701", usd(100)));
    }
    records.push(rec("2024-01", Flow::Import, BY, RU, "0303", usd(50)));
    // 2024Q4: one quarterly record.
    records.push(rec("2024Q4", Flow::Export, BY, RU, "8704", usd(200)));
    // 2025Q1: January and February only.
    records.push(rec("2025-01", Flow::Export, BY, RU, "8701", usd(150)));
    records.push(rec("2025-02", Flow::Export, BY, RU, "8701", usd(150)));
    records.push(rec("2025-02", Flow::Import, BY, RU, "0303", usd(100)));
    // 2025Q2: complete, flat.
    for m in ["2025-04", "2025-05", "2025-06"] {
        records.push(rec(m, Flow::Export, BY, RU, "8701", usd(100)));
    }
    let s = summarise(&records, &options(&rates, &[], q(2025, 1), q(2025, 2))).expect("summary");
    assert_eq!(s.buckets.len(), 2);
    let q1 = &s.buckets[0];
    assert_eq!(q1.bucket, Bucket::Quarter(q(2025, 1)));
    assert_eq!((q1.months_with_data, q1.months_in_bucket, q1.incomplete), (2, 3, true));
    assert_eq!(q1.figures.exports, dec("300.00"));
    let prev = q1.vs_previous.expect("2024Q4 has data");
    assert_eq!(prev.against, Bucket::Quarter(q(2024, 4)));
    assert!(!prev.against_incomplete, "a quarterly record covers its quarter");
    assert_eq!(prev.exports, Change { absolute: dec("100.00"), percent: Some(dec("50.00")) });
    assert_eq!(prev.imports, Change { absolute: dec("100.00"), percent: None }, "nothing imported before");
    let yoy = q1.vs_year_earlier.expect("2024Q1 has data");
    assert_eq!(yoy.exports, Change { absolute: dec("0.00"), percent: Some(dec("0.00")) });
    assert_eq!(yoy.imports, Change { absolute: dec("50.00"), percent: Some(dec("100.00")) });
    // Balance 200 now against 250 a year before; turnover 400 against 350.
    assert_eq!(yoy.turnover.percent, Some(dec("14.29")));
    assert_eq!(yoy.balance, Change { absolute: dec("-50.00"), percent: Some(dec("-20.00")) });
    let q2 = &s.buckets[1];
    assert!(!q2.incomplete);
    assert_eq!(q2.vs_previous.map(|c| c.against_incomplete), Some(true));
    assert_eq!(q2.vs_previous.map(|c| c.exports.percent), Some(Some(dec("0.00"))));
    assert_eq!(q2.vs_year_earlier, None, "no data for 2024Q2");
    assert!(s.incomplete);
    // The totals of the range only: the 2024 records are for comparison.
    assert_eq!(s.total.exports, dec("600.00"));

    // By year the same range is one incomplete year.
    let by_year = summarise(
        &records,
        &SummaryOptions { granularity: Granularity::Year, ..options(&rates, &[], q(2025, 1), q(2025, 2)) },
    )
    .expect("summary");
    assert_eq!(by_year.buckets.len(), 1);
    assert_eq!((by_year.buckets[0].months_with_data, by_year.buckets[0].months_in_bucket), (5, 12));
    let vs = by_year.buckets[0].vs_previous.expect("2024");
    assert_eq!(vs.against, Bucket::Year(2024));
    assert!(vs.against_incomplete, "2024 has data for six months");
}

#[test]
fn months_leave_quarterly_records_unattributed() {
    let rates = RateTable::new();
    let records = vec![
        rec("2025-01", Flow::Export, BY, RU, "8701", usd(10)),
        rec("2025Q1", Flow::Export, BY, RU, "8701", usd(90)),
        rec("2025-03", Flow::Import, BY, RU, "0303", usd(5)),
    ];
    let o = SummaryOptions { granularity: Granularity::Month, ..options(&rates, &[], q(2025, 1), q(2025, 1)) };
    let s = summarise(&records, &o).expect("summary");
    assert_eq!(s.total.exports, dec("100.00"));
    assert_eq!(s.unattributed.exports, dec("90.00"));
    assert_eq!(s.buckets.iter().map(|b| b.bucket.to_string()).collect::<Vec<_>>(), ["2025-01", "2025-03"]);
    // The quarterly record covers February too.
    assert!(s.buckets.iter().all(|b| !b.incomplete));
    let sum = sum_figures(s.buckets.iter().map(|b| &b.figures).chain([&s.unattributed]));
    assert_eq!(sum, s.total);
}

#[test]
fn converted_at_the_period_rate() {
    let mut rates = RateTable::new();
    for (date, value) in [("2025-01-10", "100"), ("2025-01-20", "102"), ("2025-02-20", "95")] {
        let date = NaiveDate::parse_from_str(date, "%Y-%m-%d").expect("date");
        rates
            .insert(Rate { date, base: Currency::Rub, currency: Currency::Usd, units: 1, value: dec(value) })
            .expect("rate");
    }
    let records = vec![
        // 101,000 RUB at the January mean of 101 = 1000 USD; 9,500 RUB at 95 = 100 USD.
        rec("2025-01", Flow::Export, BY, RU, "8701", Money::new(10_100_000, Currency::Rub)),
        rec("2025-02", Flow::Export, BY, RU, "8701", Money::new(950_000, Currency::Rub)),
        rec("2025-02", Flow::Import, BY, RU, "0303", usd(3)),
    ];
    let o = options(&rates, &[], q(2025, 1), q(2025, 1));
    let s = summarise(&records, &o).expect("summary");
    assert_eq!(s.total.exports, dec("1100.00"));
    assert_eq!(s.total.imports, dec("3.00"));
    // In roubles: USD at the February mean of 95.
    let s = summarise(&records, &SummaryOptions { currency: Currency::Rub, ..o }).expect("summary");
    assert_eq!(s.total.exports, dec("110500.00"));
    assert_eq!(s.total.imports, dec("285.00"));
    // On-date: the rate in force on the period's last day (20 January's for January).
    let s = summarise(&records, &SummaryOptions { basis: RateBasis::OnDate, ..o }).expect("summary");
    // 101000 / 102 = 990.196... -> 990.20; 9500 / 95 = 100.
    assert_eq!(s.total.exports, dec("1090.20"));
    // A month without rates is an error naming what is missing.
    let late = vec![rec("2025-03", Flow::Export, BY, RU, "8701", Money::new(1, Currency::Rub))];
    let err = summarise(&late, &o).unwrap_err().to_string();
    assert!(err.contains("USD") && err.contains("2025-03-01") && err.contains("2025-03-31"), "{err}");
}

#[test]
fn missing_rates_for_comparisons_only_warn() {
    let rates = RateTable::new();
    let records = vec![
        rec("2024-12", Flow::Export, BY, RU, "8701", Money::new(1, Currency::Rub)),
        rec("2025-01", Flow::Export, BY, RU, "8701", usd(1)),
    ];
    let o = SummaryOptions { granularity: Granularity::Month, ..options(&rates, &[], q(2025, 1), q(2025, 1)) };
    let s = summarise(&records, &o).expect("summary");
    assert_eq!(s.buckets[0].vs_previous, None);
    assert_eq!(s.warnings.len(), 1);
    assert!(s.warnings[0].starts_with("2024-12"), "{:?}", s.warnings);
}

#[test]
fn top_products_groups_shares_and_targets() {
    let rates = RateTable::new();
    let code = |c: &str| CommodityCode::parse(c).expect(c);
    let groups = vec![
        ProductGroup::new(
            "machinery",
            "Белорусская техника",
            "Belarusian machinery",
            [code("84"), code("87")],
            Some(Side::By),
        )
        .expect("group")
        .with_target(2025, usd(2000))
        .with_target(2026, Money::new(1, Currency::Rub)),
        ProductGroup::new("seafood", "Морепродукты", "Seafood", [code("03")], None).expect("group"),
        ProductGroup::new("berries", "Ягоды", "Berries", [code("0810")], None)
            .expect("group")
            .with_target(2025, usd(10)),
    ];
    let records = vec![
        rec("2025-01", Flow::Export, BY, RU, "8701201013", usd(600)),
        rec("2025-02", Flow::Export, BY, RU, "8701909000", usd(400)),
        rec("2025-02", Flow::Export, BY, RU, "8704", usd(300)),
        rec("2025-03", Flow::Export, BY, RU, "0402", usd(200)),
        rec("2025-03", Flow::Import, BY, RU, "0303", usd(150)),
        rec("2025-03", Flow::Import, BY, RU, "0306", usd(50)),
        // Machinery from Russia is not "Belarusian machinery".
        rec("2025-03", Flow::Import, BY, RU, "8429", usd(100)),
    ];
    let o = SummaryOptions { by: Some(GroupBy::Group), ..options(&rates, &groups, q(2025, 1), q(2025, 1)) };
    let s = summarise(&records, &o).expect("summary");
    let top: Vec<(String, Decimal, Option<Decimal>)> =
        s.top_exports.iter().map(|p| (p.code.to_string(), p.value, p.share_percent)).collect();
    assert_eq!(
        top,
        vec![
            ("8701".to_string(), dec("1000.00"), Some(dec("66.67"))),
            ("8704".to_string(), dec("300.00"), Some(dec("20.00"))),
            ("0402".to_string(), dec("200.00"), Some(dec("13.33"))),
        ]
    );
    assert_eq!(s.top_imports.iter().map(|p| p.code.to_string()).collect::<Vec<_>>(), ["0303", "8429", "0306"]);

    let by_key = |k: Option<&str>| s.groups.iter().find(|g| g.group.as_deref() == k).expect("group");
    let machinery = by_key(Some("machinery"));
    assert_eq!(machinery.figures.exports, dec("1300.00"));
    assert_eq!(machinery.figures.imports, dec("0.00"));
    assert_eq!(machinery.share_of_exports, Some(dec("86.67")));
    assert_eq!(machinery.targets[0].achieved, Some(dec("1300.00")));
    assert_eq!(machinery.targets[0].percent, Some(dec("65.00")));
    assert_eq!(machinery.targets[1].achieved, None, "target in another currency");
    let seafood = by_key(Some("seafood"));
    assert_eq!((seafood.figures.imports, seafood.share_of_imports), (dec("200.00"), Some(dec("66.67"))));
    let berries = by_key(Some("berries"));
    assert_eq!(berries.figures, Figures::default(), "listed for its target");
    assert_eq!(berries.targets[0].percent, Some(dec("0.00")));
    let other = by_key(None);
    assert_eq!((other.figures.exports, other.figures.imports), (dec("200.00"), dec("100.00")));
    // Shares add up to 100% of each flow.
    let shares: Decimal = s.groups.iter().filter_map(|g| g.share_of_imports).sum();
    assert_eq!(shares, dec("100.00"));
    // Rows by group: "other" last.
    assert_eq!(s.rows.last().map(|r| r.key.clone()), Some(GroupKey::Group(None)));
    assert_eq!(sum_figures(s.rows.iter().map(|r| &r.figures)), s.total);

    // One group's own figures, as a measure linked to it shows them: the machinery the group
    // takes, per quarter, with its targets; Russian machinery and other goods left out.
    let only = summarise(&records, &SummaryOptions { by: None, only_group: Some(0), ..o }).expect("summary");
    assert_eq!(only.total.exports, dec("1300.00"));
    assert_eq!(only.total.imports, dec("0.00"));
    assert_eq!(only.buckets.len(), 1);
    assert_eq!(only.buckets[0].figures.exports, dec("1300.00"));
    assert!(!only.buckets[0].incomplete, "March has other goods: the quarter is complete without machinery in it");
    let two = summarise(
        &[records.clone(), vec![rec("2025-04", Flow::Export, BY, RU, "0402", usd(5))]].concat(),
        &SummaryOptions { by: None, only_group: Some(0), ..options(&rates, &groups, q(2025, 1), q(2025, 2)) },
    )
    .expect("summary");
    assert_eq!(two.buckets.len(), 2, "a quarter without the group's goods is a zero, not a gap");
    assert_eq!(two.buckets[1].figures, Figures::default());
    assert_eq!(two.buckets[1].months_with_data, 1);
    let machinery = only.groups.iter().find(|g| g.group.as_deref() == Some("machinery")).expect("group");
    assert_eq!(machinery.targets[0].percent, Some(dec("65.00")));
    assert!(only.groups.iter().all(|g| g.group.as_deref() != Some("seafood")), "other groups have no data");
    let seafood = summarise(&records, &SummaryOptions { only_group: Some(1), ..o }).expect("summary");
    assert_eq!((seafood.total.exports, seafood.total.imports), (dec("0.00"), dec("200.00")));
}

/// A small deterministic generator (xorshift) for property checks without extra crates.
struct Gen(u64);

impl Gen {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len() as u64) as usize]
    }
}

fn random_records(g: &mut Gen, n: usize) -> Vec<AggregatedRecord> {
    let territories = [BY, RU, Territory::BY, Territory::RU, Territory::parse("RU-PRI").expect("t")];
    let codes = ["8701201013", "8701909000", "8704", "0402", "040110", "0303", "03", "8429520000", "0810"];
    let currencies = [Currency::Usd, Currency::Rub, Currency::Byn];
    (0..n)
        .map(|_| {
            let year = 2024 + g.below(2) as i32;
            let period = if g.below(5) == 0 {
                format!("{year}Q{}", 1 + g.below(4))
            } else {
                format!("{year}-{:02}", 1 + g.below(12))
            };
            let flow = if g.below(2) == 0 { Flow::Export } else { Flow::Import };
            let currency = g.pick(&currencies);
            let value = Money::new(g.below(10_000_000) as i64, currency);
            rec(&period, flow, g.pick(&territories), g.pick(&territories), g.pick(&codes), value)
        })
        .collect()
}

fn random_rates(g: &mut Gen) -> RateTable {
    let mut rates = RateTable::new();
    let mut day = NaiveDate::from_ymd_opt(2023, 12, 1).expect("date");
    while day.year() < 2026 {
        for (base, currency, units, lo) in [
            (Currency::Rub, Currency::Usd, 1, 60),
            (Currency::Rub, Currency::Byn, 1, 25),
            (Currency::Byn, Currency::Usd, 1, 2),
        ] {
            let value = Decimal::new(lo * 10_000 + g.below(100_000) as i64, 4);
            rates.insert(Rate { date: day, base, currency, units, value }).expect("rate");
        }
        day += chrono::Duration::days(1 + g.below(3) as i64);
    }
    rates
}

#[test]
fn totals_by_every_grouping_add_up_to_the_grand_total() {
    let code = |c: &str| CommodityCode::parse(c).expect(c);
    let groups = vec![
        ProductGroup::new("machinery", "Техника", "Machinery", [code("84"), code("87")], Some(Side::By)).expect("g"),
        ProductGroup::new("tractors", "Тракторы", "Tractors", [code("8701")], None).expect("g"),
        ProductGroup::new("food", "Еда", "Food", [code("03"), code("04"), code("0810")], None).expect("g"),
    ];
    for seed in 1..=12u64 {
        let mut g = Gen(0x2545_F491_4F6C_DD1D ^ seed.wrapping_mul(0x9E37_79B9_7F4A_7C15));
        let rates = random_rates(&mut g);
        let records = random_records(&mut g, 400);
        for scope in [Scope::REGIONS, Scope::COUNTRIES] {
            for reported_by in [ReportedBy::First, ReportedBy::Second] {
                for granularity in [Granularity::Month, Granularity::Quarter, Granularity::Year] {
                    for currency in [Currency::Usd, Currency::Rub, Currency::Byn] {
                        let mut grand: Option<Figures> = None;
                        for by in [GroupBy::Quarter, GroupBy::Group, GroupBy::Hs2, GroupBy::Hs4, GroupBy::Hs6] {
                            let o = SummaryOptions {
                                scope,
                                reported_by,
                                range: PeriodRange::quarters(q(2024, 2 + (seed % 2) as u8), q(2025, 3)),
                                granularity,
                                by: Some(by),
                                currency,
                                basis: if seed % 2 == 0 { RateBasis::OnDate } else { RateBasis::MonthlyAverage },
                                rates: &rates,
                                groups: &groups,
                                top: 100,
                                top_level: CodeLevel::Subheading,
                                only_group: None,
                            };
                            let s = summarise(&records, &o).expect("summary");
                            let context =
                                format!("seed {seed} {scope} {reported_by:?} {granularity:?} {currency} {by:?}");
                            assert_eq!(sum_figures(s.rows.iter().map(|r| &r.figures)), s.total, "{context}");
                            let buckets = sum_figures(s.buckets.iter().map(|b| &b.figures).chain([&s.unattributed]));
                            assert_eq!(buckets, s.total, "{context}");
                            let groups_sum = sum_figures(s.groups.iter().map(|g| &g.figures));
                            assert_eq!(groups_sum, s.total, "{context}");
                            let top_x: Decimal = s.top_exports.iter().map(|p| p.value).sum();
                            let top_m: Decimal = s.top_imports.iter().map(|p| p.value).sum();
                            assert_eq!((top_x, top_m), (s.total.exports, s.total.imports), "{context}");
                            assert_eq!(s.total.turnover, s.total.exports + s.total.imports);
                            assert_eq!(s.total.balance, s.total.exports - s.total.imports);
                            match grand {
                                None => grand = Some(s.total),
                                Some(t) => assert_eq!(t, s.total, "{context}: grouping changed the total"),
                            }
                        }
                        assert!(grand.is_some_and(|t| !t.turnover.is_zero()) || scope == Scope::COUNTRIES);
                    }
                }
            }
        }
    }
}
