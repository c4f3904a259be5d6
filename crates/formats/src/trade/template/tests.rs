use super::*;
use accord_domain::trade::{AggregatedRecord, Lang, YearMonth};
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};

fn read(text: &str) -> Result<Vec<TradeRecord>, Vec<Problem>> {
    read_template_csv(text.as_bytes())
}

fn one(text: &str) -> TradeRecord {
    let records = read(text).unwrap_or_else(|p| panic!("{p:?}"));
    assert_eq!(records.len(), 1);
    records[0]
}

fn problems(text: &str) -> Vec<String> {
    read(text).expect_err("problems").iter().map(ToString::to_string).collect()
}

const HEADER: &str = "period,flow,reporter,partner,code,value,currency,net_mass_kg,qty,qty_unit\n";

#[test]
fn reads_a_plain_row() {
    let r = one(&format!("{HEADER}2025-03,export,BY-MA,RU-KHA,8701 20 101 3,125000.50,USD,8450.5,2,шт\n"));
    assert_eq!(r.period, Period::Month(YearMonth::new(2025, 3).expect("m")));
    assert_eq!(r.flow, Flow::Export);
    assert_eq!((r.reporter, r.partner), (Territory::BY_MA, Territory::RU_KHA));
    assert_eq!(r.code.to_string(), "8701201013");
    assert_eq!(r.value, Money::new(12_500_050, Currency::Usd));
    assert_eq!(r.net_mass_kg, Some(Quantity::from_milli(8_450_500)));
    assert_eq!(r.supplementary_qty, Some(Quantity::from_milli(2_000)));
    assert_eq!(r.supplementary_unit.map(|u| u.to_string()).as_deref(), Some("шт"));
}

#[test]
fn reads_russian_excel_csv() {
    // What Excel on a Russian system writes: BOM, semicolons, decimal commas, quotes where
    // needed, Russian headers in another order, an extra notes column, blank lines.
    let text = "\u{feff}Направление;Период;Отчитывающаяся территория;Территория-партнёр;Код ТН ВЭД;Валюта;Стоимость;Масса нетто, кг;Примечание\n\
                Экспорт;I квартал 2025;by-ma;ru-kha;0401;BYN;\"1 234 567,89\";100,5;\"молоко; сливки\"\n\
                ;;;;;;;;\n\
                импорт;2025Q2;BY-MA;RU-KHA;0303 89;RUB;99;;\n";
    let records = read(text).expect("reads");
    assert_eq!(records.len(), 2);
    assert_eq!(records[0].flow, Flow::Export);
    assert_eq!(records[0].period.to_string(), "2025Q1");
    assert_eq!(records[0].value, Money::new(123_456_789, Currency::Byn));
    assert_eq!(records[0].net_mass_kg, Some(Quantity::from_milli(100_500)));
    assert_eq!(records[0].supplementary_qty, None);
    assert_eq!(records[1].flow, Flow::Import);
    assert_eq!(records[1].value, Money::new(9_900, Currency::Rub));
    assert_eq!(records[1].code.to_string(), "030389");
}

#[test]
fn reads_windows_1251() {
    let text = "Период;Направление;Отчитывающаяся территория;Территория-партнёр;Код ТН ВЭД;Стоимость;Валюта;Количество;Ед. изм.\n\
                2025-01;экспорт;BY-MA;RU-KHA;8701;10;USD;3;шт\n";
    let (bytes, _, unmappable) = encoding_rs::WINDOWS_1251.encode(text);
    assert!(!unmappable);
    assert!(std::str::from_utf8(&bytes).is_err(), "really not UTF-8");
    let records = read_template_csv(&bytes).expect("reads");
    assert_eq!(records[0].flow, Flow::Export);
    assert_eq!(records[0].supplementary_unit.map(|u| u.to_string()).as_deref(), Some("шт"));
}

#[test]
fn every_problem_names_line_and_column() {
    let text = format!(
        "{HEADER}\
         2025-03,export,BY-MA,RU-KHA,8701,1.234,USD,,,\n\
         2025-03,export,BY-MA,RU-KHA,870,1,USD,,,\n\
         2025-13,export,BY-MA,RU-KHA,8701,1,USD,,,\n\
         2025-03,exports,BY-MA,RU-KHA,8701,1,USD,,,\n\
         2025-03,export,BY-MA,BY-MA,8701,1,USD,,,\n\
         2025-03,export,BY-MA,RU-KHA,8701,1,XYZ,,,\n\
         2025-03,export,BY-MA,RU-KHA,8701,1,USD,,5,\n\
         2025-03,export,BY-MA,RU-KHA,8701,-1,USD,,,\n\
         2025-03,export,BY-MA,RU-KHA,8701,abc,USD,,,\n\
         2025-03,export,BY-MA,RU-KHA,8701,\"1,234.5\",USD,,,\n\
         2025-03,export,Mogilev,RU-KHA,8701,1,USD,,,\n\
         2025-03,export,BY-MA,RU-KHA,8701,1,USD,1e3,,\n\
         2025-03,export,BY-MA,RU-KHA\n\
         2025-03,export,BY-MA,RU-KHA,8701,1,USD,,,\n"
    );
    let found = problems(&text);
    let expected = [
        r#"sheet 'csv', row 2, column 'value': problem-number-too-precise(value="1.234", places="2")"#,
        r#"sheet 'csv', row 3, column 'code': problem-trade-code-odd-length(value="870", digits="3")"#,
        r#"sheet 'csv', row 4, column 'period': problem-trade-period-invalid(value="2025-13")"#,
        r#"sheet 'csv', row 5, column 'flow': problem-trade-flow-invalid(value="exports")"#,
        r#"sheet 'csv', row 6, column 'partner': problem-trade-partner-is-reporter(territory="BY-MA")"#,
        r#"sheet 'csv', row 7, column 'currency': problem-trade-currency-invalid(value="XYZ")"#,
        r#"sheet 'csv', row 8, column 'qty_unit': problem-trade-unit-missing"#,
        r#"sheet 'csv', row 9, column 'value': problem-number-negative(value="-1")"#,
        r#"sheet 'csv', row 10, column 'value': problem-number-invalid(value="abc")"#,
        r#"sheet 'csv', row 11, column 'value': problem-number-two-separators(value="1,234.5")"#,
        r#"sheet 'csv', row 12, column 'reporter': problem-trade-territory-invalid(value="Mogilev")"#,
        r#"sheet 'csv', row 13, column 'net_mass_kg': problem-number-exponent(value="1e3")"#,
        r#"sheet 'csv', row 14, column 'code': problem-value-empty"#,
    ];
    assert_eq!(found, expected);
}

#[test]
fn header_problems() {
    let p = problems("period;flow;value\n2025-01;export;1\n");
    assert_eq!(
        p,
        [
            r#"sheet 'csv', row 1, column '': problem-template-columns-missing(columns="reporter, partner, code, currency")"#
        ]
    );
    assert_eq!(problems(""), ["sheet 'csv', row 0, column '': problem-file-empty"]);
    assert_eq!(problems("\n\n"), ["sheet 'csv', row 0, column '': problem-file-empty"]);
    // A header alone is a valid, empty file.
    assert_eq!(read(HEADER), Ok(Vec::new()));
}

#[test]
fn the_iterator_keeps_going_after_a_bad_row() {
    let text =
        format!("{HEADER}2025-03,export,BY-MA,RU-KHA,8701,x,USD,,,\n2025-04,import,BY-MA,RU-KHA,0401,5,USD,,,\n");
    let reader = TemplateCsvReader::new(text.as_bytes()).expect("header");
    assert_eq!(reader.headers().len(), 10);
    let items: Vec<_> = reader.collect();
    assert_eq!(items.len(), 2);
    assert!(items[0].is_err());
    assert_eq!(items[1].as_ref().map(|r| r.flow), Ok(Flow::Import));
}

#[test]
fn malformed_quoting_is_one_problem_naming_the_line() {
    // An unclosed quote swallows the rest of the file into one field; the row then lacks
    // its other columns.
    let text =
        format!("{HEADER}2025-03,export,BY-MA,RU-KHA,8701,1,USD,,,\n2025-03,export,\"BY-MA,RU-KHA,8701,1,USD,,,\n");
    let p = problems(&text);
    assert_eq!(p.len(), 1);
    assert!(p[0].starts_with("sheet 'csv', row 3, column 'reporter'"), "{p:?}");
}

#[test]
fn generator_round_trips_through_the_reader() {
    let mut bytes = Vec::new();
    generate_template_csv(10_000, 7, &mut bytes).expect("generate");
    let expected: Vec<TradeRecord> = generate_template_records(10_000, 7).collect();
    assert_eq!(expected.len(), 10_000);
    let read = read_template_csv(&bytes).expect("reads back");
    assert_eq!(read, expected);
    // The generator's promise: both flows, monthly 2021-2026, many regions and codes.
    let months: std::collections::BTreeSet<_> = expected.iter().map(|r| r.period).collect();
    assert_eq!(months.len(), 72);
    assert!(expected.iter().any(|r| r.flow == Flow::Import) && expected.iter().any(|r| r.flow == Flow::Export));
    let regions: std::collections::BTreeSet<_> = expected.iter().flat_map(|r| [r.reporter, r.partner]).collect();
    assert!(regions.len() >= 30, "{}", regions.len());
    let codes: std::collections::BTreeSet<_> = expected.iter().map(|r| r.code).collect();
    assert!(codes.len() > 1000, "{}", codes.len());
    assert!(expected.iter().all(|r| r.code.len() == 10));

    // Same seed, same bytes; another seed, other rows.
    let mut again = Vec::new();
    generate_template_csv(10_000, 7, &mut again).expect("generate");
    assert_eq!(bytes, again);
    let other: Vec<TradeRecord> = generate_template_records(100, 8).collect();
    assert_ne!(other[..], expected[..100]);
}

#[test]
fn read_into_aggregates_like_adding_each_record() {
    let mut bytes = Vec::new();
    generate_template_csv(20_000, 3, &mut bytes).expect("generate");
    let mut direct = Aggregator::new();
    for r in generate_template_records(20_000, 3) {
        direct.add(&r).expect("add");
    }
    let mut reader = TemplateCsvReader::new(bytes.as_slice()).expect("header");
    let mut aggregated = Aggregator::new();
    let mut progress = Vec::new();
    let report = reader.read_into(&mut aggregated, |p| progress.push(p));
    assert_eq!(report, ReadReport { rows: 20_000, problems: Vec::new(), more_problems: 0 });
    assert_eq!(progress.last(), Some(&Progress { rows: 20_000, bytes: bytes.len() as u64 }));
    assert!(aggregated.len() < 20_000, "several declarations per key");
    let total: u32 = aggregated.iter().map(|l: AggregatedRecord| l.declarations).sum();
    assert_eq!(total, 20_000);
    assert_eq!(aggregated.into_sorted(), direct.into_sorted());
}

#[test]
fn read_into_reports_problems_and_caps_them() {
    let mut text = HEADER.to_string();
    for _ in 0..(MAX_PROBLEMS + 5) {
        text.push_str("2025-03,export,BY-MA,RU-KHA,8701,oops,USD,,,\n");
    }
    text.push_str("2025-03,export,BY-MA,RU-KHA,8701,1,USD,,,\n");
    let mut reader = TemplateCsvReader::new(text.as_bytes()).expect("header");
    let mut agg = Aggregator::new();
    let report = reader.read_into(&mut agg, |_| {});
    assert_eq!(report.rows, MAX_PROBLEMS as u64 + 6);
    assert_eq!(report.problems.len(), MAX_PROBLEMS);
    assert_eq!(report.more_problems, 5);
    assert_eq!(agg.records(), 1, "good rows are still counted; the caller stores nothing");
}

#[test]
fn blank_templates_read_back_as_empty() {
    for lang in [Lang::Ru, Lang::En] {
        let mut csv_bytes = Vec::new();
        write_template_csv(&mut csv_bytes, lang).expect("csv");
        assert_eq!(read_template_csv(&csv_bytes), Ok(Vec::new()), "{lang:?}");
        let xlsx = write_template_xlsx(lang).expect("xlsx");
        assert_eq!(read_template_xlsx(&xlsx), Ok(Vec::new()), "{lang:?}");
    }
    let mut ru = Vec::new();
    write_template_csv(&mut ru, Lang::Ru).expect("csv");
    assert!(ru.starts_with("\u{feff}Период;Направление;".as_bytes()));
}

#[test]
fn records_written_as_csv_read_back() {
    let records: Vec<TradeRecord> = generate_template_records(500, 11).collect();
    let mut bytes = Vec::new();
    write_template_records_csv(&mut bytes, &records).expect("write");
    assert_eq!(read_template_csv(&bytes), Ok(records));
}

#[test]
fn xlsx_numbers_dates_and_problems() {
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.set_name("Данные").expect("name");
    sheet.write_string(0, 0, "Таблица к отчёту").expect("title");
    let date = Format::new().set_num_format("yyyy-mm");
    for (col, column) in TemplateColumn::ALL.iter().enumerate() {
        sheet.write_string(2, col as u16, column.header(Lang::Ru)).expect("header");
    }
    // Row 4: typed by hand, Excel-style: a month that became a date, numbers as numbers.
    let march = ExcelDateTime::from_ymd(2025, 3, 1).expect("date");
    sheet.write_datetime_with_format(3, 0, &march, &date).expect("date");
    sheet.write_string(3, 1, "экспорт").expect("flow");
    sheet.write_string(3, 2, "BY-MA").expect("reporter");
    sheet.write_string(3, 3, "RU-KHA").expect("partner");
    sheet.write_number(3, 4, 8701201013.0).expect("code");
    sheet.write_number(3, 5, 1234.56).expect("value");
    sheet.write_string(3, 6, "USD").expect("currency");
    sheet.write_number(3, 7, 0.1).expect("mass");
    // Row 5: a code that lost its leading zero to a number cell.
    sheet.write_string(4, 0, "2025-04").expect("period");
    sheet.write_string(4, 1, "импорт").expect("flow");
    sheet.write_string(4, 2, "BY-MA").expect("reporter");
    sheet.write_string(4, 3, "RU-KHA").expect("partner");
    sheet.write_number(4, 4, 401.0).expect("code");
    sheet.write_number(4, 5, 10.0).expect("value");
    sheet.write_string(4, 6, "RUB").expect("currency");
    let bytes = workbook.save_to_buffer().expect("save");
    let problems = read_template_xlsx(&bytes).expect_err("the lost zero");
    assert_eq!(problems.len(), 1);
    assert_eq!(
        problems[0].to_string(),
        r#"sheet 'Данные', row 5, column 'Код ТН ВЭД': problem-trade-code-odd-length(value="401", digits="3")"#
    );

    sheet_without_row_5(&bytes);
}

/// The same workbook minus the bad row reads to exact values.
fn sheet_without_row_5(_original: &[u8]) {
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    for (col, column) in TemplateColumn::ALL.iter().enumerate() {
        sheet.write_string(0, col as u16, column.key()).expect("header");
    }
    let march = ExcelDateTime::from_ymd(2025, 3, 1).expect("date");
    sheet.write_datetime_with_format(1, 0, &march, &Format::new().set_num_format("dd.mm.yyyy")).expect("date");
    sheet.write_string(1, 1, "export").expect("flow");
    sheet.write_string(1, 2, "BY-MA").expect("reporter");
    sheet.write_string(1, 3, "RU-KHA").expect("partner");
    sheet.write_number(1, 4, 8701201013.0).expect("code");
    sheet.write_number(1, 5, 1234.56).expect("value");
    sheet.write_string(1, 6, "USD").expect("currency");
    sheet.write_number(1, 7, 0.1).expect("mass");
    sheet.write_number(1, 8, 3.0).expect("qty");
    sheet.write_string(1, 9, "pcs").expect("unit");
    let bytes = workbook.save_to_buffer().expect("save");
    let records = read_template_xlsx(&bytes).expect("reads");
    assert_eq!(records.len(), 1);
    let r = records[0];
    assert_eq!(r.period.to_string(), "2025-03");
    assert_eq!(r.value, Money::new(123_456, Currency::Usd), "1234.56 as a double is still 123456 cents");
    assert_eq!(r.net_mass_kg, Some(Quantity::from_milli(100)));
    assert_eq!(r.code.to_string(), "8701201013");
    assert_eq!(r.supplementary_unit.map(|u| u.to_string()).as_deref(), Some("шт"));
}

#[test]
fn xlsx_without_a_header_says_so() {
    let mut workbook = Workbook::new();
    workbook.add_worksheet().write_string(0, 0, "period").expect("cell");
    let bytes = workbook.save_to_buffer().expect("save");
    let p = read_template_xlsx(&bytes).expect_err("no header");
    assert_eq!(p[0].reason.key, "problem-template-columns-missing", "{p:?}");
    assert!(p[0].reason.get("columns").is_some_and(|c| c.starts_with("flow, reporter")), "{p:?}");
    let p = read_template_xlsx(b"not a zip").expect_err("not xlsx");
    assert_eq!(p[0].reason.key, "problem-xlsx-unreadable", "{p:?}");
    assert!(p[0].reason.get("detail").is_some_and(|d| !d.is_empty()), "the library's words kept as detail: {p:?}");
}

/// Throughput of the streaming reader, single-threaded, on generated rows. A benchmark, not a
/// test: run with `cargo test -p accord-formats --release -- --ignored --nocapture`.
#[test]
#[ignore]
fn bench_template_csv_reader() {
    let rows = 1_000_000;
    let mut bytes = Vec::with_capacity(rows * 90);
    generate_template_csv(rows as u64, 42, &mut bytes).expect("generate");
    for run in 1..=3 {
        let started = std::time::Instant::now();
        let mut reader = TemplateCsvReader::new(bytes.as_slice()).expect("header");
        let mut agg = Aggregator::with_capacity(300_000);
        let report = reader.read_into(&mut agg, |_| {});
        let elapsed = started.elapsed().as_secs_f64();
        assert!(report.problems.is_empty());
        println!(
            "run {run}: {} rows, {:.1} MB ({:.0} bytes/row) read and aggregated into {} keys in {:.3} s: {:.2} M rows/s, {:.0} MB/s",
            report.rows,
            bytes.len() as f64 / 1e6,
            bytes.len() as f64 / rows as f64,
            agg.len(),
            elapsed,
            rows as f64 / elapsed / 1e6,
            bytes.len() as f64 / elapsed / 1e6
        );
        let started = std::time::Instant::now();
        let reader = TemplateCsvReader::new(bytes.as_slice()).expect("header");
        let parsed = reader.filter(Result::is_ok).count();
        let elapsed = started.elapsed().as_secs_f64();
        println!(
            "run {run}: iterator without aggregation: {parsed} rows in {elapsed:.3} s: {:.2} M rows/s",
            rows as f64 / elapsed / 1e6
        );
    }
    // Rows of about 120 bytes, as statistics offices' files with a text column come: the same
    // rows with a note the reader skips.
    let mut wide = Vec::with_capacity(rows * 125);
    for (i, line) in bytes.split(|b| *b == b'\n').filter(|l| !l.is_empty()).enumerate() {
        wide.extend_from_slice(line);
        wide.extend_from_slice(if i == 0 { b",note" } else { b",\"declared at Mogilev customs, post 3, lot 1\"" });
        wide.push(b'\n');
    }
    for run in 1..=2 {
        let started = std::time::Instant::now();
        let mut reader = TemplateCsvReader::new(wide.as_slice()).expect("header");
        let mut agg = Aggregator::with_capacity(300_000);
        let report = reader.read_into(&mut agg, |_| {});
        let elapsed = started.elapsed().as_secs_f64();
        assert!(report.problems.is_empty() && report.rows == rows as u64);
        println!(
            "run {run}: {:.0} bytes/row: {:.2} M rows/s, {:.0} MB/s",
            wide.len() as f64 / rows as f64,
            rows as f64 / elapsed / 1e6,
            wide.len() as f64 / elapsed / 1e6
        );
    }
    let records: Vec<TradeRecord> = generate_template_records(rows as u64, 42).collect();
    for run in 1..=3 {
        let started = std::time::Instant::now();
        let mut agg = Aggregator::with_capacity(300_000);
        for r in &records {
            agg.add(r).expect("add");
        }
        let elapsed = started.elapsed().as_secs_f64();
        println!(
            "run {run}: aggregation alone: {} keys in {elapsed:.3} s: {:.2} M rows/s",
            agg.len(),
            rows as f64 / elapsed / 1e6
        );
    }
}

#[test]
fn records_csv_escapes_text_columns_only() {
    let fields: [String; 10] =
        ["2025-03", "=cmd", "BY", "@RU", "0401", "-12.50", "BYN", "-1.000", "+2", "kg"].map(str::to_string);
    let written: Vec<String> =
        super::write::escaped_fields(&fields).map(|c| String::from_utf8_lossy(&c).into_owned()).collect();
    assert_eq!(written, ["2025-03", "'=cmd", "BY", "'@RU", "0401", "-12.50", "BYN", "-1.000", "+2", "kg"]);
}
