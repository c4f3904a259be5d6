//! Writes the seeds the fixtures do not provide: workbooks for every XLSX reader, a small
//! logistics document, and a backup archive. Everything is written by accord's own writers
//! (or, for the fleet workbooks, which accord only reads, by the same XLSX writer).

use std::collections::HashSet;
use std::io::Cursor;
use std::path::{Path, PathBuf};

use accord_domain::trade::Lang;
use accord_formats::backup::{ArchiveWriter, Source};
use accord_formats::logistics::{self, LogisticsDocument};
use sha2::{Digest, Sha256};

fn seeds() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../seeds")
}

fn write(target: &str, name: &str, bytes: &[u8]) {
    let dir = seeds().join(target);
    std::fs::create_dir_all(&dir).expect("seed folder");
    std::fs::write(dir.join(name), bytes).expect("seed file");
    println!("{target}/{name}: {} bytes", bytes.len());
}

/// A one-sheet workbook of text cells (numbers that look like numbers are written as numbers).
fn workbook(sheet: &str, rows: &[&[&str]]) -> Vec<u8> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let ws = book.add_worksheet();
    ws.set_name(sheet).expect("sheet name");
    for (r, row) in rows.iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            let (r, c) = (r as u32, c as u16);
            match cell.parse::<f64>() {
                Ok(n) if !cell.is_empty() => ws.write_number(r, c, n).map(|_| ()),
                _ => ws.write_string(r, c, *cell).map(|_| ()),
            }
            .expect("cell");
        }
    }
    book.save_to_buffer().expect("workbook")
}

fn csv_rows(text: &str) -> Vec<Vec<&str>> {
    text.lines().map(|l| l.split(';').collect()).collect()
}

fn as_slices<'a>(rows: &'a [Vec<&'a str>]) -> Vec<&'a [&'a str]> {
    rows.iter().map(Vec::as_slice).collect()
}

const FLEET: &str = "Марка;Модель;VIN;Заводской номер;Год выпуска;Владелец;Район;Статус;Ввод в эксплуатацию;Пробег;Моточасы\n\
МАЗ;МАЗ-5440;Y3M544000R0000001;;2023;KHV-VODO;Хабаровск;в эксплуатации;01.03.2023;12000;\n\
Беларус;Беларус-82.1;;SN-82-0001;2021;KHV-AGRO;Бикинский;в ремонте;2021-06-15;;3400\n";
const METERS: &str =
    "machine;meter;date;value\nSN-1;моточасы;2024-05-01;1 200\nY3M544000R0000001;odometer;01.06.2024;15000\n";
const WORK_ORDERS: &str = "machine;kind;opened_at;started_at;finished_at;signed_by;operation;hours\n\
SN-1;ремонт;2024-05-01 08:00;2024-05-01 09:00;2024-05-02 17:00;Иванов И. И.;замена масла;2,5\n\
SN-2;maintenance;2024-05-03;;;;;\n";
const TRADE: &str = "Период;Направление;Отчитывающаяся территория;Территория-партнёр;Код ТН ВЭД;Стоимость;Валюта;Масса нетто, кг;Количество в доп. ед.;Доп. единица измерения\n\
2025-01;экспорт;BY-MA;RU-KHA;0202 30 900 9;96346,79;USD;19705;;\n\
2025-01;экспорт;BY-MA;RU-KHA;4011 20 900 0;65212,93;USD;14606;252;шт\n\
2025-02;импорт;BY-MA;RU-KHA;0303 67 000 0;1200;RUB;500;;\n";

fn small_network() -> (LogisticsDocument, Vec<u8>) {
    let [network, products, _] = logistics::reference_documents();
    let mut doc = logistics::read_json(network.as_bytes()).expect("reference network");
    doc.nodes.truncate(5);
    let codes: HashSet<String> = doc.nodes.iter().map(|n| n.code.to_string()).collect();
    doc.legs.retain(|l| codes.contains(&l.from.to_string()) && codes.contains(&l.to.to_string()));
    doc.legs.truncate(4);
    let products = logistics::read_json(products.as_bytes()).expect("reference products");
    doc.products = products.products.into_iter().take(2).collect();
    let mut value = serde_json::to_value(&doc).expect("network as JSON");
    if let Some(object) = value.as_object_mut() {
        object.insert("format".into(), logistics::FORMAT.into());
        for empty in ["chains", "parks", "localisations", "rates"] {
            if object.get(empty).is_some_and(|v| v.is_null() || v.as_array().is_some_and(Vec::is_empty)) {
                object.remove(empty);
            }
        }
    }
    (doc, serde_json::to_vec_pretty(&value).expect("JSON"))
}

fn backup() -> Vec<u8> {
    let mut writer = ArchiveWriter::new(Cursor::new(Vec::new()));
    writer.table("organisations", &["id".to_string(), "code".to_string(), "version".to_string()]).expect("table");
    writer.row(&serde_json::json!(["a", "MAZ", 1])).expect("row");
    writer.row(&serde_json::json!(["b", null, 2])).expect("row");
    writer.table("empty", &["id".to_string()]).expect("table");
    let hello = b"hello";
    let sha: String = Sha256::digest(hello).iter().map(|b| format!("{b:02x}")).collect();
    writer.file(&sha, hello).expect("file");
    let source = Source {
        created_at: "2026-12-07T12:00:00Z".into(),
        backend: "sqlite".into(),
        origin: "BY".into(),
        schema_version: 17,
        audit_seq: 42,
        accord_version: "0.1.0".into(),
    };
    writer.finish(source).expect("finish").0.into_inner()
}

fn main() {
    for (target, text) in [("fleet", FLEET), ("meters", METERS), ("work_orders", WORK_ORDERS)] {
        let rows = csv_rows(text);
        write(target, "seed.xlsx", &workbook("Лист1", &as_slices(&rows)));
        write(target, "seed.csv", text.as_bytes());
    }
    let trade = csv_rows(TRADE);
    write("trade_template_xlsx", "rows.xlsx", &workbook("Данные", &as_slices(&trade)));
    write(
        "trade_template_xlsx",
        "template-ru.xlsx",
        &accord_formats::trade::write_template_xlsx(Lang::Ru).expect("ru"),
    );
    write(
        "trade_template_xlsx",
        "template-en.xlsx",
        &accord_formats::trade::write_template_xlsx(Lang::En).expect("en"),
    );
    write("trade_template_csv", "rows.csv", TRADE.as_bytes());
    let (doc, json) = small_network();
    write("network_json", "small-network.json", &json);
    write("network_xlsx", "small-network.xlsx", &logistics::write_xlsx(&doc).expect("network workbook"));
    write("backup", "small.zip", &backup());
}
