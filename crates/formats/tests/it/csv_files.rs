//! CSV as Excel and people write it: BOM or not, semicolons or commas, quoted fields.

use accord_formats::read_csv;

use crate::support::{measure, measures, sections, strings};

#[test]
fn semicolons_with_bom_crlf_and_multi_line_cells() {
    let text = "\u{feff}ПЛАН совместных мероприятий;;;;;;\r\n;;;;;;\r\n\
        № п/п;Наименование мероприятия;Срок исполнения;Исполнители с белорусской стороны;Исполнители с российской стороны;Ожидаемый результат;Примечание\r\n\
        ;1. Экономика;;;;;\r\n\
        1.;\"Бизнес-миссия\r\nв г. Хабаровск\";I квартал 2025 г.;\"ОАО «Белшина, Бобруйск»,\r\nМинпром\";Минэкономразвития края;;по согласованию\r\n\
        2.1;Мониторинг;ежегодно;\"ОАО \"\"Могилевлифтмаш\"\"\";;;\r\n";
    let table = read_csv(text.as_bytes()).unwrap_or_else(|p| panic!("problems: {p:#?}"));
    assert_eq!(table.sheet, "csv");
    assert_eq!(table.title_lines, strings(&["ПЛАН совместных мероприятий"]));
    assert_eq!(sections(&table)[0].number.as_deref(), Some("1."));
    assert_eq!(sections(&table)[0].title, "Экономика");
    let first = measure(&table, "1.");
    assert_eq!(first.row, 5);
    assert_eq!(first.title, "Бизнес-миссия\nв г. Хабаровск");
    assert_eq!(first.executors_by, strings(&["ОАО «Белшина, Бобруйск»", "Минпром"]));
    assert_eq!(first.executors_khv, strings(&["Минэкономразвития края"]));
    assert_eq!(first.note.as_deref(), Some("по согласованию"));
    let second = measure(&table, "2.1.");
    assert_eq!(second.executors_by, strings(&["ОАО \"Могилевлифтмаш\""]));
    assert!(second.executors_khv.is_empty());
}

#[test]
fn commas_and_quotes_without_bom() {
    let text = "No.,Measure,Term,Executors,Note\n\
        1,\"Trade fair, Minsk\",2025,\"Ministry of Economy, \"\"BelCCI, Minsk branch\"\"\",\n\
        2,Forum,2026,Government,\"yearly, in May\"\n";
    let table = read_csv(text.as_bytes()).unwrap_or_else(|p| panic!("problems: {p:#?}"));
    assert_eq!(measures(&table).len(), 2);
    let fair = measure(&table, "1.");
    assert_eq!(fair.title, "Trade fair, Minsk");
    assert_eq!(fair.executors, strings(&["Ministry of Economy", "\"BelCCI, Minsk branch\""]));
    assert_eq!(measure(&table, "2.").note.as_deref(), Some("yearly, in May"));
}

/// Russian Excel saves "CSV (разделители — запятые)" in Windows-1251 with semicolons.
#[test]
fn windows_1251_from_russian_excel() {
    let text = "№ п/п;Мероприятие;Срок;Исполнители\r\n1.;Встреча делегаций;2025 г.;Облисполком, край\r\n";
    let bytes: Vec<u8> = text.chars().map(cp1251).collect();
    let table = read_csv(&bytes).unwrap_or_else(|p| panic!("problems: {p:#?}"));
    let only = measure(&table, "1.");
    assert_eq!(only.title, "Встреча делегаций");
    assert_eq!(only.executors, strings(&["Облисполком", "край"]));
}

fn cp1251(c: char) -> u8 {
    match c {
        'А'..='я' => u8::try_from(u32::from(c) - 0x0410 + 0xC0).expect("Cyrillic letter"),
        'ё' => 0xB8,
        'Ё' => 0xA8,
        '№' => 0xB9,
        c if c.is_ascii() => u8::try_from(u32::from(c)).expect("ASCII"),
        other => panic!("not in the test's Windows-1251 subset: {other}"),
    }
}
