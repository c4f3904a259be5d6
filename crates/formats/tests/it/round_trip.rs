//! What the writers produce, the readers read back to the same plan.

use accord_formats::{
    ExportMeasure, ExportSection, ExportTable, PlanTable, Problem, read_csv, read_xlsx, split_executors, write_csv,
    write_xlsx,
};

use crate::support::{strings, to_export};

type Reader = fn(&[u8]) -> Result<PlanTable, Vec<Problem>>;

fn measure(number: &str, title: &str, by: &[&str], khv: &[&str]) -> ExportMeasure {
    ExportMeasure {
        number: number.to_string(),
        title: title.to_string(),
        term: "IV квартал 2025 г.".to_string(),
        executors_by: strings(by),
        executors_khv: strings(khv),
        expected_result: None,
        note: None,
    }
}

fn sample() -> ExportTable {
    let mut first = measure(
        "1.",
        "Организация бизнес-миссии\nв г. Хабаровск",
        &["ОАО «Минский автомобильный завод» — управляющая компания холдинга «БЕЛАВТОМАЗ»", "Могилевский облисполком"],
        &["Министерство экономического развития Хабаровского края"],
    );
    first.expected_result = Some("Подписаны контракты\nна поставку техники".to_string());
    first.note = Some("по согласованию".to_string());
    let mut nested = measure("1.1.1.", "Сверка статистики", &[], &["Хабаровская таможня", "ООО \"Порт, Ванино\""]);
    nested.term = String::new();
    ExportTable {
        title_lines: strings(&[
            "ПЛАН",
            "мероприятий по развитию сотрудничества между Могилевской областью Республики Беларусь",
            "и Хабаровским краем Российской Федерации на 2025–2027 годы",
        ]),
        sections: vec![
            ExportSection {
                number: Some("I.".to_string()),
                title: "Торгово-экономическое сотрудничество".to_string(),
                measures: vec![first, measure("1.1.", "Ярмарка", &["БелТПП"], &["ТПП края"]), nested],
            },
            ExportSection {
                number: Some("2.".to_string()),
                title: "Наука".to_string(),
                measures: vec![measure("2.", "Конференция", &["НАН Беларуси"], &["ДВО РАН"])],
            },
            ExportSection { number: None, title: "Культура".to_string(), measures: vec![] },
            ExportSection {
                number: None,
                title: "Молодёжь".to_string(),
                measures: vec![measure("3.", "Форум", &["БРСМ"], &[])],
            },
            // A new section with no measures yet at the end must survive too.
            ExportSection { number: Some("5.".to_string()), title: "Спорт".to_string(), measures: vec![] },
        ],
    }
}

#[test]
fn xlsx_round_trip_gives_back_the_same_plan() {
    let table = sample();
    let bytes = write_xlsx(&table).expect("write");
    let read = read_xlsx(&bytes).unwrap_or_else(|p| panic!("problems: {p:#?}"));
    assert_eq!(read.sheet, "План");
    assert_eq!(to_export(&read), table);
}

#[test]
fn csv_round_trip_gives_back_the_same_plan() {
    let table = sample();
    let bytes = write_csv(&table).expect("write");
    assert!(bytes.starts_with(b"\xEF\xBB\xBF"), "UTF-8 BOM for Excel");
    let text = String::from_utf8(bytes[3..].to_vec()).expect("UTF-8");
    assert!(text.contains(
        "№ п/п;Наименование мероприятия;Срок исполнения;Исполнители с белорусской стороны;\
         Исполнители с российской стороны;Ожидаемый результат;Примечание\r\n"
    ));
    assert!(text.contains("\r\n;I. Торгово-экономическое сотрудничество;;;;;\r\n"), "{text}");
    let read = read_csv(&bytes).unwrap_or_else(|p| panic!("problems: {p:#?}"));
    assert_eq!(to_export(&read), table);
}

#[test]
fn measures_before_any_section_and_no_title_block_round_trip() {
    let table = ExportTable {
        title_lines: vec![],
        sections: vec![
            ExportSection {
                number: None,
                title: String::new(),
                measures: vec![measure("1.", "Без раздела", &["A"], &["B"])],
            },
            ExportSection {
                number: Some("II.".to_string()),
                title: "Раздел".to_string(),
                measures: vec![measure("2.", "В разделе", &["C"], &["D"])],
            },
        ],
    };
    for (name, bytes, read) in [
        ("xlsx", write_xlsx(&table).expect("write"), read_xlsx as Reader),
        ("csv", write_csv(&table).expect("write"), read_csv as Reader),
    ] {
        let back = read(&bytes).unwrap_or_else(|p| panic!("{name}: {p:#?}"));
        assert_eq!(to_export(&back), table, "{name}");
    }
}

/// A small deterministic generator (xorshift), so the property-style test needs no new crate.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        usize::try_from(self.next() % n as u64).expect("small")
    }
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

const WORDS: [&str; 12] = [
    "Министерство",
    "облисполком",
    "«Завод, №1»",
    "края",
    "ООО \"Восток, Запад\"",
    "ТПП",
    "Могилёв",
    "Хабаровск",
    "ОАО «БЕЛАЗ» — управляющая компания холдинга «БЕЛАЗ-ХОЛДИНГ»",
    "\"Ё\"",
    "2025",
    "г.",
];

fn phrase(rng: &mut Rng, lines: bool) -> String {
    let n = 1 + rng.below(4);
    let mut out = String::new();
    for i in 0..n {
        if i > 0 {
            out.push(if lines && rng.below(3) == 0 { '\n' } else { ' ' });
        }
        out.push_str(rng.pick(&WORDS));
    }
    out
}

fn optional(rng: &mut Rng) -> Option<String> {
    (rng.below(2) == 0).then(|| phrase(rng, true))
}

fn random_table(rng: &mut Rng) -> ExportTable {
    let mut next = 1;
    let sections = (0..1 + rng.below(4))
        .map(|s| ExportSection {
            number: (rng.below(3) > 0).then(|| format!("{}.", s + 1)),
            title: format!("Направление {}", phrase(rng, false)),
            measures: (0..rng.below(4))
                .map(|_| {
                    let number = if next > 1 && rng.below(3) == 0 {
                        format!("{}.{}.", next - 1, 1 + rng.below(9))
                    } else {
                        format!("{next}.")
                    };
                    next += 1;
                    ExportMeasure {
                        number,
                        title: phrase(rng, true),
                        term: if rng.below(4) == 0 { String::new() } else { phrase(rng, false) },
                        executors_by: (0..rng.below(3)).map(|_| phrase(rng, false)).collect(),
                        executors_khv: (0..rng.below(3)).map(|_| phrase(rng, false)).collect(),
                        expected_result: optional(rng),
                        note: optional(rng),
                    }
                })
                .collect(),
        })
        .collect();
    ExportTable { title_lines: (0..rng.below(3)).map(|_| phrase(rng, false)).collect(), sections }
}

#[test]
fn random_plans_round_trip_through_both_formats() {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    for case in 0..60 {
        let mut table = random_table(&mut rng);
        // Numbers must be unique for the reader to accept the plan.
        let mut seen = std::collections::HashSet::new();
        for section in &mut table.sections {
            section.measures.retain(|m| seen.insert(m.number.clone()));
        }
        let xlsx = read_xlsx(&write_xlsx(&table).expect("write")).unwrap_or_else(|p| panic!("case {case}: {p:#?}"));
        assert_eq!(to_export(&xlsx), table, "case {case} (xlsx)");
        let csv = read_csv(&write_csv(&table).expect("write")).unwrap_or_else(|p| panic!("case {case}: {p:#?}"));
        assert_eq!(to_export(&csv), table, "case {case} (csv)");
    }
}

#[test]
fn executor_names_survive_joining_and_splitting() {
    let names = strings(&["ОАО «Завод, 1»", "ООО \"Порт, Ванино\"", "КГУП „Хабаровские авиалинии, 2“", "Минпром"]);
    assert_eq!(split_executors(&names.join(",\n")), names);
}

#[test]
fn formula_like_text_is_written_as_text_and_reads_back_as_typed() {
    // (A comma outside quotes separates executors on import, so the name has none.)
    let hostile = "=HYPERLINK(\"http://x\")";
    let mut first = measure("1.", "+7 визит", &[hostile, "Могилевский облисполком"], &["@партнёр"]);
    first.note = Some("'=уже с апострофом".to_string());
    first.expected_result = Some("- пункт списка".to_string());
    let table = ExportTable {
        title_lines: strings(&["=1+1"]),
        sections: vec![ExportSection {
            number: None,
            title: "-Раздел".to_string(),
            measures: vec![first, measure("2.", "Обычное", &["БелТПП"], &[])],
        }],
    };
    let bytes = write_csv(&table).expect("write");
    let text = String::from_utf8(bytes[3..].to_vec()).expect("UTF-8");
    // Every cell the writer produced starts with a character no spreadsheet reads as a formula.
    let mut reader =
        csv::ReaderBuilder::new().has_headers(false).flexible(true).delimiter(b';').from_reader(text.as_bytes());
    let mut cells = 0;
    for record in reader.records() {
        for cell in record.expect("record").iter() {
            cells += 1;
            assert!(!cell.starts_with(['=', '+', '-', '@', '\t', '\r']), "unescaped cell {cell:?} in\n{text}");
        }
    }
    assert!(cells > 20);
    assert!(text.contains("\"'=HYPERLINK(\"\"http://x\"\"),\nМогилевский облисполком\""), "{text}");
    assert!(text.contains("'=1+1;"), "{text}");
    assert!(text.contains(";'-Раздел;"), "{text}");
    assert!(text.contains("1.;'+7 визит;"), "{text}");
    assert!(text.contains(";'@партнёр;"), "{text}");
    assert!(text.contains(";''=уже с апострофом"), "{text}");
    // Our own export re-imports to what was typed, without the added apostrophes.
    let read = read_csv(&bytes).unwrap_or_else(|p| panic!("problems: {p:#?}"));
    assert_eq!(to_export(&read), table);
}
