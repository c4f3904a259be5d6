//! Fleet files: the machine register, meter readings and work orders, as CSV (UTF-8 or
//! Windows-1251, `;` or `,` separated) or XLSX (first sheet). Each file is a header row and
//! one record per line; headers may be Russian or English (see the README's templates).
//!
//! Readers check the shape of every cell (a VIN's check rules, dates, numbers, known words)
//! and return every problem with its sheet, line and column; they never look anything up.
//! Which machine a VIN names, and whether a reading goes backwards, is decided later by the
//! store with the domain's rules.

use crate::{Problem, Reason};
use accord_domain::fleet::machine::{Arrival, Brand, MachineStatus, SerialNumber, Vin};
use accord_domain::fleet::meter::MeterKind;
use accord_domain::fleet::regime::ServiceKind;
use accord_domain::fleet::work_order::WorkOrderKind;
use calamine::{Data, Reader};
use chrono::{Datelike, NaiveDate, NaiveDateTime};

/// A table read from a file: its sheet name ("csv" for CSV) and its rows of text cells.
struct Grid {
    sheet: String,
    rows: Vec<Vec<String>>,
}

fn problem(sheet: &str, row: u32, column: &str, reason: Reason) -> Problem {
    Problem { sheet: sheet.to_string(), row, column: column.to_string(), reason }
}

fn grid(bytes: &[u8]) -> Result<Grid, Vec<Problem>> {
    if bytes.starts_with(b"PK") {
        let mut book = crate::xlsx::open(bytes).map_err(|p| vec![p])?;
        let Some(sheet) = book.sheet_names().first().cloned() else {
            return Err(vec![problem("", 0, "", Reason::new("problem-xlsx-no-sheets"))]);
        };
        let range = book
            .worksheet_range(&sheet)
            .map_err(|e| vec![problem(&sheet, 0, "", Reason::new("problem-sheet-unreadable").arg("detail", e))])?;
        let rows = range
            .rows()
            .map(|r| {
                r.iter()
                    .map(|c| match c {
                        Data::Empty => String::new(),
                        Data::String(s) => s.clone(),
                        Data::Float(f) if f.fract() == 0.0 => format!("{f:.0}"),
                        Data::Float(f) => f.to_string(),
                        Data::Int(i) => i.to_string(),
                        Data::Bool(b) => b.to_string(),
                        Data::DateTime(d) => {
                            let (y, mo, day, h, mi, _, _) = d.to_ymd_hms_milli();
                            if h == 0 && mi == 0 {
                                format!("{y:04}-{mo:02}-{day:02}")
                            } else {
                                format!("{y:04}-{mo:02}-{day:02} {h:02}:{mi:02}")
                            }
                        }
                        Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
                        Data::Error(e) => format!("#{e:?}"),
                    })
                    .collect()
            })
            .collect();
        return Ok(Grid { sheet, rows });
    }
    use crate::limits::{CSV_LIMITS, LimitedCsv, count_cells};
    crate::limits::check_file_size("csv", bytes.len() as u64).map_err(|p| vec![p])?;
    let text = crate::encoding::decode(bytes).map_err(|p| vec![p])?;
    // The first line, at most a record's length of it, says the delimiter.
    let head = &text.as_bytes()[..text.len().min(CSV_LIMITS.line_bytes as usize)];
    let first = head.split(|b| *b == b'\n').next().unwrap_or_default();
    let delimiter =
        [b';', b',', b'\t'].into_iter().max_by_key(|d| first.iter().filter(|b| *b == d).count()).unwrap_or(b';');
    let mut builder = csv::ReaderBuilder::new();
    builder.delimiter(delimiter).has_headers(false).flexible(true);
    let mut reader = LimitedCsv::new(&mut builder, text.as_bytes(), CSV_LIMITS);
    let mut record = csv::ByteRecord::new();
    let mut rows = Vec::new();
    let mut cells = 0;
    let fail = |fault: crate::limits::CsvFault| vec![fault.problem("problem-csv-unreadable")];
    while reader.read(&mut record).map_err(fail)? {
        count_cells(&mut cells, record.len(), reader.position().line(), &CSV_LIMITS).map_err(fail)?;
        // The text is UTF-8 and the delimiters ASCII, so every field is UTF-8 too.
        rows.push(record.iter().map(|c| String::from_utf8_lossy(c).trim().to_string()).collect());
    }
    Ok(Grid { sheet: "csv".into(), rows })
}

/// A column of a template: its key and the header spellings accepted.
struct Column {
    key: &'static str,
    names: &'static [&'static str],
    required: bool,
}

/// The header row of a grid mapped to the template's columns.
struct Header {
    index: Vec<Option<usize>>,
    names: Vec<String>,
}

fn fold(s: &str) -> String {
    s.trim().to_lowercase().replace('ё', "е").replace([' ', '_', '-'], "")
}

fn header(grid: &Grid, columns: &[Column]) -> Result<Header, Vec<Problem>> {
    let Some(first) = grid.rows.first() else {
        return Err(vec![problem(&grid.sheet, 1, "", Reason::new("problem-file-empty"))]);
    };
    let folded: Vec<String> = first.iter().map(|h| fold(h)).collect();
    let mut index = Vec::new();
    let mut names = Vec::new();
    let mut problems = Vec::new();
    for c in columns {
        let found = folded.iter().position(|h| c.names.iter().any(|n| fold(n) == *h));
        if found.is_none() && c.required {
            problems.push(problem(
                &grid.sheet,
                1,
                c.names[0],
                Reason::new("problem-fleet-column-missing").arg("column", c.names[0]),
            ));
        }
        names.push(found.map_or_else(|| c.names[0].to_string(), |i| first[i].trim().to_string()));
        index.push(found);
    }
    if problems.is_empty() { Ok(Header { index, names }) } else { Err(problems) }
}

/// One data line: its number in the file (1-based, the header is line 1) and cell access.
struct Line<'a> {
    sheet: &'a str,
    number: u32,
    cells: &'a [String],
    header: &'a Header,
    problems: &'a mut Vec<Problem>,
}

impl Line<'_> {
    fn text(&self, col: usize) -> &str {
        self.header.index[col].and_then(|i| self.cells.get(i)).map_or("", |s| s.trim())
    }
    fn opt(&self, col: usize) -> Option<String> {
        let t = self.text(col);
        (!t.is_empty()).then(|| t.to_string())
    }
    fn bad(&mut self, col: usize, reason: Reason) {
        let column = self.header.names[col].clone();
        self.problems.push(problem(self.sheet, self.number, &column, reason));
    }
    fn required(&mut self, col: usize) -> Option<String> {
        let v = self.opt(col);
        if v.is_none() {
            self.bad(col, Reason::new("problem-value-empty"));
        }
        v
    }
    /// `expected` names what the cell should hold (vin, serial, year, status, arrival, date,
    /// whole, meter, kind, datetime, hours): the message selects its wording by it.
    fn parse<T>(&mut self, col: usize, expected: &str, f: impl Fn(&str) -> Option<T>) -> Option<T> {
        let text = self.opt(col)?;
        let v = f(&text);
        if v.is_none() {
            self.bad(col, Reason::new("problem-fleet-invalid").arg("value", &text).arg("expected", expected));
        }
        v
    }
}

fn parse_date(t: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(t, "%Y-%m-%d").or_else(|_| NaiveDate::parse_from_str(t, "%d.%m.%Y")).ok()
}

fn parse_datetime(t: &str) -> Option<NaiveDateTime> {
    for f in ["%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%d.%m.%Y %H:%M"] {
        if let Ok(v) = NaiveDateTime::parse_from_str(t, f) {
            return Some(v);
        }
    }
    parse_date(t).and_then(|d| d.and_hms_opt(8, 0, 0))
}

fn parse_int(t: &str) -> Option<i64> {
    t.replace([' ', '\u{a0}'], "").parse().ok()
}

fn data_lines(grid: &Grid) -> impl Iterator<Item = (u32, &Vec<String>)> {
    grid.rows
        .iter()
        .enumerate()
        .skip(1)
        .filter(|(_, r)| r.iter().any(|c| !c.trim().is_empty()))
        .map(|(i, r)| (i as u32 + 1, r))
}

/// Where a record came from, for messages: sheet and line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct At {
    pub sheet: String,
    pub line: u32,
}

/// A machine of the register file.
#[derive(Debug, Clone, PartialEq)]
pub struct MachineLine {
    pub at: At,
    pub brand: Brand,
    /// The model's designation as in the catalogue ("МАЗ-5440").
    pub model: String,
    pub modification: Option<String>,
    pub engine: Option<String>,
    pub vin: Option<Vin>,
    pub serial: Option<SerialNumber>,
    pub year: u16,
    /// The owner organisation's code in the directory.
    pub owner: String,
    pub district: String,
    pub status: MachineStatus,
    pub arrival: Arrival,
    pub commissioned_on: Option<NaiveDate>,
    pub odometer: Option<i64>,
    pub engine_hours: Option<i64>,
    /// The day a decommissioned machine was written off (off the books from that day).
    pub decommissioned_on: Option<NaiveDate>,
}

/// The register template's columns, in template order.
pub const FLEET_COLUMNS: [&str; 15] = [
    "brand",
    "model",
    "modification",
    "engine",
    "vin",
    "serial",
    "year",
    "owner",
    "district",
    "status",
    "arrival",
    "commissioned_on",
    "odometer",
    "engine_hours",
    "decommissioned_on",
];

fn status(t: &str) -> Option<MachineStatus> {
    Some(match fold(t).as_str() {
        "inservice" | "вэксплуатации" | "вработе" => MachineStatus::InService,
        "inrepair" | "времонте" => MachineStatus::InRepair,
        "waitingforparts" | "ожидаетзапчасти" => MachineStatus::WaitingForParts,
        "beingassembled" | "насборке" => MachineStatus::BeingAssembled,
        "decommissioned" | "списана" | "списан" => MachineStatus::Decommissioned,
        _ => return None,
    })
}

fn arrival(t: &str) -> Option<Arrival> {
    Some(match fold(t).as_str() {
        "importedcomplete" | "вкомплекте" | "готовая" => Arrival::ImportedComplete,
        "assembledfromkit" | "изкомплекта" | "сборка" => Arrival::AssembledFromKit,
        _ => return None,
    })
}

/// Reads the machine register template.
pub fn read_fleet(bytes: &[u8]) -> Result<Vec<MachineLine>, Vec<Problem>> {
    const C: [Column; 15] = [
        Column { key: "brand", names: &["brand", "марка"], required: true },
        Column { key: "model", names: &["model", "модель"], required: true },
        Column { key: "modification", names: &["modification", "модификация"], required: false },
        Column { key: "engine", names: &["engine", "двигатель"], required: false },
        Column { key: "vin", names: &["vin"], required: false },
        Column {
            key: "serial", names: &["serial", "заводской номер", "серийный номер"], required: false
        },
        Column { key: "year", names: &["year", "год выпуска", "год"], required: true },
        Column { key: "owner", names: &["owner", "владелец"], required: true },
        Column { key: "district", names: &["district", "район"], required: true },
        Column { key: "status", names: &["status", "статус"], required: true },
        Column { key: "arrival", names: &["arrival", "поставка"], required: false },
        Column {
            key: "commissioned_on", names: &["commissioned_on", "ввод в эксплуатацию"], required: false
        },
        Column { key: "odometer", names: &["odometer", "пробег"], required: false },
        Column { key: "engine_hours", names: &["engine_hours", "моточасы"], required: false },
        Column {
            key: "decommissioned_on", names: &["decommissioned_on", "дата списания", "списана"], required: false
        },
    ];
    debug_assert!(C.iter().zip(FLEET_COLUMNS).all(|(c, k)| c.key == k));
    let g = grid(bytes)?;
    let h = header(&g, &C)?;
    let mut problems = Vec::new();
    let mut out = Vec::new();
    for (number, cells) in data_lines(&g) {
        let mut l = Line { sheet: &g.sheet, number, cells, header: &h, problems: &mut problems };
        let brand = l.required(0).and_then(|b| Brand::parse(&b));
        let model = l.required(1);
        let vin = l.parse(4, "vin", |t| Vin::parse(t).ok());
        let serial = l.parse(5, "serial", |t| SerialNumber::parse(t).ok());
        let year = l.required(6).and_then(|_| l.parse(6, "year", |t| t.parse::<u16>().ok()));
        let owner = l.required(7);
        let district = l.required(8);
        let st = l.required(9).and_then(|_| l.parse(9, "status", status));
        let arr = if l.opt(10).is_some() { l.parse(10, "arrival", arrival) } else { Some(Arrival::ImportedComplete) };
        let commissioned_on = l.parse(11, "date", parse_date);
        let odometer = l.parse(12, "whole", parse_int);
        let engine_hours = l.parse(13, "whole", parse_int);
        let decommissioned_on = l.parse(14, "date", parse_date);
        if decommissioned_on.is_some() && st.is_some_and(|s| s != MachineStatus::Decommissioned) {
            l.bad(14, Reason::new("problem-fleet-decommissioned-date-status"));
        }
        if let (Some(on), Some(off)) = (commissioned_on, decommissioned_on)
            && off < on
        {
            l.bad(14, Reason::new("problem-fleet-decommissioned-before-commissioned"));
        }
        if vin.is_none() && serial.is_none() && l.opt(4).is_none() && l.opt(5).is_none() {
            l.bad(4, Reason::new("problem-fleet-vin-or-serial"));
        }
        if let (Some(brand), Some(model), Some(year), Some(owner), Some(district), Some(status), Some(arrival)) =
            (brand, model, year, owner, district, st, arr)
        {
            out.push(MachineLine {
                at: At { sheet: g.sheet.clone(), line: number },
                brand,
                model,
                modification: l.opt(2),
                engine: l.opt(3),
                vin,
                serial,
                year,
                owner,
                district,
                status,
                arrival,
                commissioned_on,
                odometer,
                engine_hours,
                decommissioned_on,
            });
        }
    }
    if problems.is_empty() { Ok(out) } else { Err(problems) }
}

/// A reading of the meters file.
#[derive(Debug, Clone, PartialEq)]
pub struct ReadingLine {
    pub at: At,
    /// A VIN or serial number.
    pub machine: String,
    pub kind: MeterKind,
    pub date: NaiveDate,
    pub value: i64,
}

pub fn meter_kind(t: &str) -> Option<MeterKind> {
    Some(match fold(t).as_str() {
        "odometer" | "km" | "одометр" | "пробег" => MeterKind::Odometer,
        "enginehours" | "hours" | "моточасы" => MeterKind::EngineHours,
        "fuel" | "топливо" => MeterKind::Fuel,
        _ => return None,
    })
}

/// Reads the meters template.
pub fn read_meters(bytes: &[u8]) -> Result<Vec<ReadingLine>, Vec<Problem>> {
    const C: [Column; 4] = [
        Column { key: "machine", names: &["machine", "машина", "vin"], required: true },
        Column { key: "meter", names: &["meter", "счетчик", "счётчик"], required: true },
        Column { key: "date", names: &["date", "дата"], required: true },
        Column { key: "value", names: &["value", "показание"], required: true },
    ];
    let g = grid(bytes)?;
    let h = header(&g, &C)?;
    let mut problems = Vec::new();
    let mut out = Vec::new();
    for (number, cells) in data_lines(&g) {
        let mut l = Line { sheet: &g.sheet, number, cells, header: &h, problems: &mut problems };
        let machine = l.required(0);
        let kind = l.required(1).and_then(|_| l.parse(1, "meter", meter_kind));
        let date = l.required(2).and_then(|_| l.parse(2, "date", parse_date));
        let value = l.required(3).and_then(|_| l.parse(3, "whole", parse_int));
        if let (Some(machine), Some(kind), Some(date), Some(value)) = (machine, kind, date, value) {
            out.push(ReadingLine { at: At { sheet: g.sheet.clone(), line: number }, machine, kind, date, value });
        }
    }
    if problems.is_empty() { Ok(out) } else { Err(problems) }
}

/// A work order of the work orders file.
#[derive(Debug, Clone, PartialEq)]
pub struct WorkOrderLine {
    pub at: At,
    pub machine: String,
    pub kind: WorkOrderKind,
    pub opened_at: NaiveDateTime,
    pub started_at: Option<NaiveDateTime>,
    pub finished_at: Option<NaiveDateTime>,
    /// The customer's representative who signed the order off (then it is closed).
    pub signed_by: Option<String>,
    pub operation: Option<String>,
    pub hours: Option<rust_decimal::Decimal>,
    /// The preventive service done (ТО-1, ТО-2, ТО-3, СО).
    pub service: Option<ServiceKind>,
}

pub fn work_order_kind(t: &str) -> Option<WorkOrderKind> {
    Some(match fold(t).as_str() {
        "preventive" | "то" | "плановое" => WorkOrderKind::Preventive,
        "repair" | "ремонт" => WorkOrderKind::Repair,
        "assembly" | "сборка" => WorkOrderKind::Assembly,
        "warranty" | "гарантия" | "гарантийный" => WorkOrderKind::Warranty,
        "inspection" | "осмотр" | "диагностика" => WorkOrderKind::Inspection,
        _ => return None,
    })
}

/// A service by its name: ТО-1, ТО-2, ТО-3, or a seasonal service: "СО весна" / "СО осень",
/// or plain "СО", which is the one before the coming season (spring's when done from March to
/// August, autumn's otherwise), by the month the order was opened (`month`).
pub fn service_kind(t: &str, month: Option<u32>) -> Option<ServiceKind> {
    let f = fold(t).replace('.', "");
    Some(match f.as_str() {
        "то1" | "to1" => ServiceKind::To1,
        "то2" | "to2" => ServiceKind::To2,
        "то3" | "to3" => ServiceKind::To3,
        "совесна" | "совесеннее" | "spring" => ServiceKind::Spring,
        "соосень" | "соосеннее" | "autumn" => ServiceKind::Autumn,
        "со" | "seasonal" | "сезонное" => match month? {
            3..=8 => ServiceKind::Spring,
            _ => ServiceKind::Autumn,
        },
        _ => return None,
    })
}

/// Reads the work orders template.
pub fn read_work_orders(bytes: &[u8]) -> Result<Vec<WorkOrderLine>, Vec<Problem>> {
    const C: [Column; 9] = [
        Column { key: "machine", names: &["machine", "машина", "vin"], required: true },
        Column { key: "kind", names: &["kind", "вид"], required: true },
        Column { key: "opened_at", names: &["opened_at", "открыт"], required: true },
        Column { key: "started_at", names: &["started_at", "начат"], required: false },
        Column { key: "finished_at", names: &["finished_at", "окончен"], required: false },
        Column { key: "signed_by", names: &["signed_by", "подписал"], required: false },
        Column { key: "operation", names: &["operation", "операция"], required: false },
        Column { key: "hours", names: &["hours", "часы"], required: false },
        Column { key: "service", names: &["service", "вид то", "то"], required: false },
    ];
    let g = grid(bytes)?;
    let h = header(&g, &C)?;
    let mut problems = Vec::new();
    let mut out = Vec::new();
    const WHEN: &str = "datetime";
    for (number, cells) in data_lines(&g) {
        let mut l = Line { sheet: &g.sheet, number, cells, header: &h, problems: &mut problems };
        let machine = l.required(0);
        let kind = l.required(1).and_then(|_| l.parse(1, "kind", work_order_kind));
        let opened_at = l.required(2).and_then(|_| l.parse(2, WHEN, parse_datetime));
        let started_at = l.parse(3, WHEN, parse_datetime);
        let finished_at = l.parse(4, WHEN, parse_datetime);
        let hours = l.parse(7, "hours", |t| t.replace(',', ".").parse::<rust_decimal::Decimal>().ok());
        let month = opened_at.map(|t| t.month());
        let service = l.parse(8, "service", |t| service_kind(t, month));
        if service.is_some() && kind.is_some_and(|k| k != WorkOrderKind::Preventive) {
            l.bad(8, Reason::new("problem-fleet-service-not-preventive"));
        }
        if let (Some(machine), Some(kind), Some(opened_at)) = (machine, kind, opened_at) {
            out.push(WorkOrderLine {
                at: At { sheet: g.sheet.clone(), line: number },
                machine,
                kind,
                opened_at,
                started_at,
                finished_at,
                signed_by: l.opt(5),
                operation: l.opt(6),
                hours,
                service,
            });
        }
    }
    if problems.is_empty() { Ok(out) } else { Err(problems) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_register_with_russian_headers_and_names_bad_cells() {
        let csv = "Марка;Модель;VIN;Заводской номер;Год выпуска;Владелец;Район;Статус;Ввод в эксплуатацию;Пробег\n\
                   МАЗ;МАЗ-5440;Y3M544000R0000001;;2023;KHV-VODO;Хабаровск;в эксплуатации;01.03.2023;12000\n";
        let rows = read_fleet(csv.as_bytes()).expect("valid");
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].brand, Brand::Maz);
        assert_eq!(rows[0].commissioned_on, NaiveDate::from_ymd_opt(2023, 3, 1));
        assert_eq!(rows[0].odometer, Some(12000));

        let bad = "brand,model,vin,serial,year,owner,district,status\nMAZ,MAZ-5440,,,20x3,KHV,Хабаровск,flying\n";
        let problems = read_fleet(bad.as_bytes()).expect_err("invalid");
        let cols: Vec<(&str, u32)> = problems.iter().map(|p| (p.column.as_str(), p.row)).collect();
        assert!(cols.contains(&("year", 2)), "{problems:?}");
        assert!(cols.contains(&("status", 2)), "{problems:?}");
        assert!(cols.contains(&("vin", 2)), "{problems:?}");
    }

    #[test]
    fn reads_meters_and_work_orders() {
        let m = "machine;meter;date;value\nSN-1;моточасы;2024-05-01;1 200\n";
        let r = read_meters(m.as_bytes()).expect("meters");
        assert_eq!((r[0].kind, r[0].value), (MeterKind::EngineHours, 1200));
        let missing = read_meters(b"machine;date;value\n").expect_err("no meter column");
        assert_eq!(missing[0].column, "meter");
        let w = "machine;kind;opened_at;started_at;finished_at\nSN-1;ремонт;2024-05-01 08:00;2024-05-01 09:00;2024-04-30 17:00\n";
        let o = read_work_orders(w.as_bytes()).expect("orders");
        assert_eq!(o[0].kind, WorkOrderKind::Repair);
        assert!(o[0].finished_at < o[0].started_at, "the order's own rule is the domain's, not the reader's");
        let w = "машина;вид;открыт;окончен;вид ТО\nSN-1;ТО;2025-04-02 08:00;2025-04-02 16:00;ТО-2\n\
                 SN-1;ТО;2025-10-02 08:00;;СО\nSN-1;ТО;2025-04-09 08:00;;со\nSN-1;ремонт;2025-04-09 08:00;;ТО-1\n";
        let problems = read_work_orders(w.as_bytes()).expect_err("a service on a repair");
        assert_eq!((problems[0].row, problems[0].column.as_str()), (5, "вид ТО"));
        let o = read_work_orders(w.rsplit_once("SN-1;ремонт").map_or(w, |(a, _)| a).as_bytes()).expect("orders");
        let services: Vec<_> = o.iter().map(|r| r.service).collect();
        assert_eq!(services, [Some(ServiceKind::To2), Some(ServiceKind::Autumn), Some(ServiceKind::Spring)]);
        let bad = read_work_orders("machine;kind;opened_at;service\nSN-1;то;2025-04-02;ТО-9\n".as_bytes());
        assert_eq!(bad.expect_err("unknown service")[0].column, "service");
    }
}
