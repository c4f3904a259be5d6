//! The shared example plan: one executors column for both sides, Roman section numbers.

use std::path::PathBuf;

use accord_formats::{PlanRow, read_xlsx};

use crate::support::{measure, measures, sections, strings};

#[test]
fn shared_fixture_reads_title_sections_measures_executors_and_notes() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/fixtures/plans/example-plan-one-executor-column.xlsx");
    let Ok(bytes) = std::fs::read(&path) else {
        println!("skipped: fixture {} not found", path.display());
        return;
    };
    let table = read_xlsx(&bytes).expect("the fixture reads without problems");

    assert_eq!(table.sheet, "Лист1");
    assert_eq!(
        table.title_lines,
        strings(&["ПЛАН", "совместных мероприятий по развитию сотрудничества на 2025–2027 годы"])
    );
    let found: Vec<_> = sections(&table).iter().map(|s| (s.row, s.number.as_deref(), s.title.as_str())).collect();
    assert_eq!(found, vec![(5, Some("I."), "Экономика и торговля"), (9, Some("II."), "Гуманитарное сотрудничество")]);
    let numbers: Vec<_> = measures(&table).iter().map(|m| (m.row, m.number.as_str())).collect();
    assert_eq!(numbers, vec![(6, "1."), (7, "2."), (8, "3."), (10, "4."), (11, "5."), (12, "6.")]);
    // Sections and measures come in file order.
    assert!(matches!(table.rows[0], PlanRow::Section(_)));
    assert!(matches!(table.rows[4], PlanRow::Section(_)));

    let first = measure(&table, "1.");
    assert_eq!(first.title, "Подготовка перечня продукции для взаимных поставок");
    assert_eq!(first.term, "I квартал 2025 г.");
    assert_eq!(
        first.executors,
        strings(&["Министерство экономики", "Министерство экономического развития Хабаровского края"])
    );
    assert!(first.executors_by.is_empty() && first.executors_khv.is_empty());
    assert_eq!(first.note, None);
    assert_eq!(first.expected_result, None);

    let second = measure(&table, "2.");
    assert_eq!(second.term, "2 квартал 2026 года");
    assert_eq!(second.executors, strings(&["Торгово-промышленная палата", "АНО «Центр поддержки экспорта»"]));
    assert_eq!(second.note.as_deref(), Some("по согласованию"));

    assert_eq!(measure(&table, "4.").executors, strings(&["ОО «БРСМ»", "Комитет по делам молодежи края"]));
    assert_eq!(measure(&table, "5.").note.as_deref(), Some("к 80-летию Победы"));
    assert_eq!(measure(&table, "6.").executors, strings(&["все исполнители"]));
}
