//! Files the reader must refuse, with every problem reported at once.

use accord_formats::{Problem, Reason, read_csv, read_xlsx};
use rust_xlsxwriter::Workbook;

use crate::support::{row, save};

fn problem(row: u32, column: &str, reason: Reason) -> Problem {
    Problem { sheet: "План".to_string(), row, column: column.to_string(), reason }
}

#[test]
fn bad_rows_are_all_reported_with_sheet_row_and_column() {
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.set_name("План").expect("name");
    row(sheet, 0, &["№ п/п", "Наименование мероприятия", "Срок исполнения", "Исполнители", "Примечание"]);
    row(sheet, 1, &["1.", "", "2025 г.", "Минэкономики"]);
    row(sheet, 2, &["x", "Мероприятие с испорченным номером", "2025 г.", "Минэкономики"]);
    row(sheet, 3, &["2.", "Второе мероприятие", "2026 г.", "Минэкономики"]);
    row(sheet, 4, &["2", "Повтор номера", "2026 г.", "Минэкономики"]);
    row(sheet, 5, &["", "Мероприятие без номера", "2027 г.", "Минэкономики"]);
    row(sheet, 6, &["3.", "Последнее мероприятие", "2027 г.", "Минэкономики"]);
    row(sheet, 7, &["4a", "Строка таблицы с номером и наименованием сразу под последним мероприятием"]);
    row(sheet, 9, &["Исполнитель: Иванов И.И.", "", "", "тел. 8-0222-00-00-00"]);

    let problems = read_xlsx(&save(workbook)).expect_err("the file has bad rows");
    assert_eq!(
        problems,
        vec![
            problem(2, "Наименование мероприятия", Reason::new("problem-plan-title-empty").arg("number", "1.")),
            problem(3, "№ п/п", Reason::new("problem-plan-number-invalid").arg("value", "x")),
            problem(5, "№ п/п", Reason::new("problem-plan-number-repeated").arg("number", "2.").arg("first", 4)),
            problem(6, "№ п/п", Reason::new("problem-plan-number-missing")),
            problem(8, "№ п/п", Reason::new("problem-plan-number-invalid").arg("value", "4a")),
        ]
    );
    assert_eq!(
        problems[1].to_string(),
        r#"sheet 'План', row 3, column '№ п/п': problem-plan-number-invalid(value="x")"#
    );
}

#[test]
fn no_header_lists_the_missing_columns_on_the_first_sheet() {
    let mut workbook = Workbook::new();
    let notes = workbook.add_worksheet();
    notes.set_name("Пояснения").expect("name");
    row(notes, 0, &["Пояснительная записка"]);
    let data = workbook.add_worksheet();
    data.set_name("Данные").expect("name");
    row(data, 0, &["Наименование мероприятия", "Срок"]);
    row(data, 1, &["Что-то", "2025"]);

    let problems = read_xlsx(&save(workbook)).expect_err("no header");
    assert_eq!(problems.len(), 1);
    let only = &problems[0];
    assert_eq!((only.sheet.as_str(), only.row, only.column.as_str()), ("Пояснения", 0, ""));
    assert_eq!(
        only.reason,
        Reason::new("problem-plan-no-header").arg("columns", "«№ п/п», «Ответственные исполнители»")
    );
}

#[test]
fn an_empty_sheet_misses_every_required_column() {
    let mut workbook = Workbook::new();
    workbook.add_worksheet();
    let problems = read_xlsx(&save(workbook)).expect_err("no header");
    assert_eq!(problems.len(), 1);
    for name in ["№ п/п", "Наименование мероприятия", "Срок исполнения", "Ответственные исполнители"]
    {
        assert!(problems[0].reason.get("columns").is_some_and(|c| c.contains(&format!("«{name}»"))), "{}", problems[0]);
    }
}

#[test]
fn one_side_column_alone_is_not_enough() {
    let csv = "№ п/п;Мероприятие;Срок;Исполнители с белорусской стороны\n1.;Встреча;2025;Минэкономики\n";
    let problems = read_csv(csv.as_bytes()).expect_err("no Russian side and no shared column");
    assert_eq!(problems[0].sheet, "csv");
    assert_eq!(problems[0].reason.get("columns"), Some("«Ответственные исполнители»"), "{}", problems[0]);
}

#[test]
fn bytes_that_are_not_a_workbook_are_one_problem() {
    let problems = read_xlsx(b"not a zip file").expect_err("garbage");
    assert_eq!(problems.len(), 1);
    assert_eq!(problems[0].reason.key, "problem-xlsx-unreadable", "{}", problems[0]);
}
