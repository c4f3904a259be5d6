//! Workbook layouts real plans use besides the shared fixture.

use accord_formats::{PlanRow, read_xlsx};
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};

use crate::support::{measure, measures, merged, number, row, save, sections, strings, text};

/// A first sheet that is not the plan, a title block with a multi-line merged cell, a two-row
/// header with per-side executors under a merged caption, a row numbering the columns,
/// numbers typed as floats, nested numbers, a term typed as a date, a term merged down over
/// two measures, an executor merged over both sides, a Roman section number in the "№"
/// column, and signatures under the table.
fn two_row_header_workbook() -> Vec<u8> {
    let mut workbook = Workbook::new();
    let approval = workbook.add_worksheet();
    approval.set_name("Лист согласования").expect("name");
    // A near-miss table on the first sheet: it has "№" but no plan columns.
    row(approval, 0, &["№", "Должность", "Подпись"]);
    row(approval, 1, &["1", "Заместитель председателя", ""]);

    let sheet = workbook.add_worksheet();
    sheet.set_name("План").expect("name");
    merged(sheet, (0, 0), (0, 6), "ПЛАН");
    merged(sheet, (1, 1), (0, 6), "совместных мероприятий\n  на 2025–2027 годы ");
    merged(sheet, (3, 4), (0, 0), "№\nп/п");
    merged(sheet, (3, 4), (1, 1), "Наименование мероприятия");
    merged(sheet, (3, 4), (2, 2), "Срок\nисполнения");
    merged(sheet, (3, 3), (3, 4), "Ответственные исполнители");
    text(sheet, 4, 3, "с белорусской стороны");
    text(sheet, 4, 4, "с российской стороны");
    merged(sheet, (3, 4), (5, 5), "Ожидаемый результат");
    merged(sheet, (3, 4), (6, 6), "Примечание");
    for col in 0..7u16 {
        number(sheet, 5, col, f64::from(col + 1));
    }
    merged(sheet, (6, 6), (0, 6), "1. Торгово-экономическое сотрудничество");
    number(sheet, 7, 0, 1.0);
    text(sheet, 7, 1, "  Организация бизнес-миссии \n  предприятий Могилевской области  ");
    text(sheet, 7, 2, "I квартал 2025 г.");
    text(
        sheet,
        7,
        3,
        "ОАО «Минский автомобильный завод» — управляющая компания холдинга «БЕЛАВТОМАЗ», Могилевский облисполком",
    );
    text(sheet, 7, 4, "Министерство экономического развития\nХабаровского края");
    text(sheet, 7, 5, "Подписаны контракты;\nоткрыт торговый дом");
    number(sheet, 8, 0, 2.1);
    text(sheet, 8, 1, "Мониторинг поставок");
    let date = ExcelDateTime::from_ymd(2025, 6, 30).expect("date");
    sheet.write_datetime_with_format(8, 2, &date, &Format::new().set_num_format("dd.mm.yyyy")).expect("date");
    text(sheet, 8, 3, "ООО «Завод «Кристалл», ЛТД»");
    row(sheet, 9, &["2.1.1.", "Сверка данных таможенной статистики", "ежеквартально"]);
    merged(sheet, (9, 9), (3, 4), "совместная рабочая группа");
    merged(sheet, (10, 10), (0, 6), "Раздел II. Наука");
    row(sheet, 11, &["3", "Совместные исследования", "", "НАН Беларуси", "ДВО РАН"]);
    merged(sheet, (11, 12), (2, 2), "2025–2027 гг.");
    row(sheet, 12, &["4.", "Стажировки молодых учёных", "", "БГУ", "ТОГУ"]);
    row(sheet, 13, &["III", "Культура"]);
    row(sheet, 14, &["5.", "Дни культуры", "2026 г.", "Минкультуры", "Минкультуры края", "", "по согласованию"]);
    row(sheet, 17, &["Председатель Могилевского облисполкома", "", "", "А.Ф. Исаченко"]);
    row(sheet, 18, &["Губернатор Хабаровского края", "", "", "Д.В. Демешин"]);
    row(sheet, 20, &["* Сроки могут уточняться, по согласованию сторон."]);
    save(workbook)
}

#[test]
fn two_row_header_with_per_side_executors_on_a_second_sheet() {
    let table = read_xlsx(&two_row_header_workbook()).unwrap_or_else(|p| panic!("problems: {p:#?}"));
    assert_eq!(table.sheet, "План");
    assert_eq!(table.title_lines, strings(&["ПЛАН", "совместных мероприятий", "на 2025–2027 годы"]));

    let found: Vec<_> = sections(&table).iter().map(|s| (s.row, s.number.clone(), s.title.clone())).collect();
    assert_eq!(
        found,
        vec![
            (7, Some("1.".to_string()), "Торгово-экономическое сотрудничество".to_string()),
            (11, Some("II.".to_string()), "Наука".to_string()),
            (14, Some("III.".to_string()), "Культура".to_string()),
        ]
    );
    let numbers: Vec<_> = measures(&table).iter().map(|m| (m.row, m.number.as_str())).collect();
    assert_eq!(numbers, vec![(8, "1."), (9, "2.1."), (10, "2.1.1."), (12, "3."), (13, "4."), (15, "5.")]);
    // Nothing after the last measure: signatures and footnotes are not part of the table.
    assert!(matches!(table.rows.last(), Some(PlanRow::Measure(m)) if m.number == "5."));

    let first = measure(&table, "1.");
    assert_eq!(first.title, "Организация бизнес-миссии\nпредприятий Могилевской области");
    assert_eq!(first.term, "I квартал 2025 г.");
    assert!(first.executors.is_empty());
    assert_eq!(
        first.executors_by,
        strings(&[
            "ОАО «Минский автомобильный завод» — управляющая компания холдинга «БЕЛАВТОМАЗ»",
            "Могилевский облисполком"
        ])
    );
    assert_eq!(first.executors_khv, strings(&["Министерство экономического развития", "Хабаровского края"]));
    assert_eq!(first.expected_result.as_deref(), Some("Подписаны контракты;\nоткрыт торговый дом"));
    assert_eq!(first.note, None);

    let nested = measure(&table, "2.1.");
    assert_eq!(nested.term, "30.06.2025");
    assert_eq!(nested.executors_by, strings(&["ООО «Завод «Кристалл», ЛТД»"]));
    assert!(nested.executors_khv.is_empty());

    let joint = measure(&table, "2.1.1.");
    assert_eq!(joint.executors_by, strings(&["совместная рабочая группа"]));
    assert_eq!(joint.executors_khv, strings(&["совместная рабочая группа"]));

    assert_eq!(measure(&table, "3.").term, "2025–2027 гг.");
    assert_eq!(measure(&table, "4.").term, "2025–2027 гг.");
    assert_eq!(measure(&table, "5.").note.as_deref(), Some("по согласованию"));
}

#[test]
fn english_headers_with_side_columns_and_plain_sections() {
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    row(sheet, 0, &["Action plan 2025-2027"]);
    row(sheet, 2, &["No.", "Action", "Deadline", "Belarusian side", "Russian side", "Expected result", "Notes"]);
    row(sheet, 3, &["Trade"]);
    row(sheet, 4, &["1", "Trade mission", "Q1 2025", "Ministry of Economy", "Ministry of Economic Development"]);
    row(sheet, 5, &["2", "Fair", "2026", "BelCCI", "Khabarovsk CCI", "Contracts", "if funded"]);
    let table = read_xlsx(&save(workbook)).unwrap_or_else(|p| panic!("problems: {p:#?}"));

    assert_eq!(table.title_lines, strings(&["Action plan 2025-2027"]));
    let found: Vec<_> = sections(&table).iter().map(|s| (s.number.clone(), s.title.clone())).collect();
    assert_eq!(found, vec![(None, "Trade".to_string())]);
    let fair = measure(&table, "2.");
    assert_eq!(fair.term, "2026");
    assert_eq!(fair.executors_by, strings(&["BelCCI"]));
    assert_eq!(fair.executors_khv, strings(&["Khabarovsk CCI"]));
    assert_eq!(fair.expected_result.as_deref(), Some("Contracts"));
    assert_eq!(fair.note.as_deref(), Some("if funded"));
}

#[test]
fn english_headers_with_one_shared_executors_column() {
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    row(sheet, 0, &["#", "Title", "Due", "Executors", "Comment"]);
    row(sheet, 1, &["1.", "Joint conference", "2025", "Ministry; Government of the Territory"]);
    let table = read_xlsx(&save(workbook)).unwrap_or_else(|p| panic!("problems: {p:#?}"));
    assert!(table.title_lines.is_empty());
    let only = measure(&table, "1.");
    assert_eq!(only.executors, strings(&["Ministry", "Government of the Territory"]));
    assert!(only.executors_by.is_empty());
}

#[test]
fn a_visible_sheet_wins_over_a_hidden_copy() {
    let mut workbook = Workbook::new();
    let old = workbook.add_worksheet();
    old.set_name("Старая редакция").expect("name");
    row(old, 0, &["№ п/п", "Мероприятие", "Срок", "Исполнители"]);
    row(old, 1, &["1.", "Старое мероприятие", "2024", "кто-то"]);
    old.set_hidden(true);
    let current = workbook.add_worksheet();
    current.set_name("Действующая").expect("name");
    current.set_active(true);
    row(current, 0, &["№ п/п", "Мероприятие", "Срок", "Исполнители"]);
    row(current, 1, &["1.", "Новое мероприятие", "2025", "кто-то"]);
    let table = read_xlsx(&save(workbook)).unwrap_or_else(|p| panic!("problems: {p:#?}"));
    assert_eq!(table.sheet, "Действующая");
    assert_eq!(measure(&table, "1.").title, "Новое мероприятие");
}

#[test]
fn a_measure_spread_over_rows_under_a_merged_number_is_one_measure() {
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    row(sheet, 0, &["№ п/п", "Наименование мероприятия", "Срок исполнения", "Исполнители", "Примечание"]);
    merged(sheet, (1, 2), (0, 0), "1.");
    merged(sheet, (1, 2), (1, 1), "Обмен делегациями");
    merged(sheet, (1, 2), (2, 2), "2025 г.");
    text(sheet, 1, 3, "Облисполком");
    text(sheet, 2, 3, "Правительство края");
    text(sheet, 2, 4, "ежегодно");
    row(sheet, 3, &["2.", "Следующее", "2026 г.", "Минспорт"]);
    let table = read_xlsx(&save(workbook)).unwrap_or_else(|p| panic!("problems: {p:#?}"));
    assert_eq!(measures(&table).len(), 2);
    let first = measure(&table, "1.");
    assert_eq!(first.title, "Обмен делегациями");
    assert_eq!(first.term, "2025 г.");
    assert_eq!(first.executors, strings(&["Облисполком", "Правительство края"]));
    assert_eq!(first.note.as_deref(), Some("ежегодно"));
}
