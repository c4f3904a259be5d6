//! The printable work order (заказ-наряд) as a PDF in Russian, set by Typst. Data goes in
//! as a virtual `data.json`; the markup never contains it.

use crate::error::AppError;
use accord_domain::fleet::work_order::{WaitingReason, WorkOrderKind, WorkOrderStatus};
use accord_domain::trade::{Currency, Money};
use accord_store::{Store, StoredWorkOrder};
use serde::Serialize;

const TEMPLATE: &str = r#"
#set page(paper: "a4", margin: 2cm)
#set text(font: "Liberation Serif", lang: "ru", size: 11pt)
#let d = json("data.json")
#align(center)[#text(size: 15pt, weight: "bold")[Заказ-наряд № #d.number]]
#align(center)[#d.centre]
#v(0.5em)
#table(columns: (auto, 1fr), stroke: none,
  [*Машина:*], [#d.machine],
  [*Владелец:*], [#d.owner],
  [*Вид работ:*], [#d.kind],
  [*Статус:*], [#d.status],
  [*Открыт:*], [#d.opened],
  [*Начат:*], [#d.started],
  [*Окончен:*], [#d.finished],
)
== Работы
#table(columns: (1fr, auto, auto), [*Операция*], [*Часы*], [*Гарантия*],
  ..d.work.map(w => (w.operation, w.hours, w.warranty)).flatten())
== Запасные части
#table(columns: (1fr, auto, auto, auto), [*Номер*], [*Кол-во*], [*Цена, ₽*], [*Гарантия*],
  ..d.parts.map(p => (p.part, p.qty, p.price, p.warranty)).flatten())
#v(0.5em)
*Итого:* #d.total ₽ (в т. ч. по гарантии #d.warranty ₽)
#v(2em)
#table(columns: (1fr, 1fr), stroke: none,
  [Исполнитель: ____________________], [Заказчик: #d.signed],
)
"#;

#[derive(Serialize)]
struct Line {
    operation: String,
    hours: String,
    warranty: String,
}

#[derive(Serialize)]
struct PartLine {
    part: String,
    qty: String,
    price: String,
    warranty: String,
}

#[derive(Serialize)]
struct Data {
    number: String,
    centre: String,
    machine: String,
    owner: String,
    kind: String,
    status: String,
    opened: String,
    started: String,
    finished: String,
    work: Vec<Line>,
    parts: Vec<PartLine>,
    total: String,
    warranty: String,
    signed: String,
}

fn rub(minor: i64) -> String {
    let sign = if minor < 0 { "-" } else { "" };
    let m = minor.unsigned_abs();
    let whole = (m / 100).to_string();
    let mut grouped = String::new();
    for (i, c) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i).is_multiple_of(3) {
            grouped.push('\u{a0}');
        }
        grouped.push(c);
    }
    format!("{sign}{grouped},{:02}", m % 100)
}

fn kind_ru(k: WorkOrderKind) -> &'static str {
    match k {
        WorkOrderKind::Preventive => "техническое обслуживание",
        WorkOrderKind::Repair => "ремонт",
        WorkOrderKind::Assembly => "сборка",
        WorkOrderKind::Warranty => "гарантийный ремонт",
        WorkOrderKind::Inspection => "диагностика",
    }
}

fn status_ru(s: WorkOrderStatus) -> &'static str {
    match s {
        WorkOrderStatus::Open => "открыт",
        WorkOrderStatus::InProgress => "в работе",
        WorkOrderStatus::Waiting(WaitingReason::Parts) => "ожидает запчасти",
        WorkOrderStatus::Waiting(WaitingReason::Technician) => "ожидает исполнителя",
        WorkOrderStatus::Waiting(WaitingReason::Customer) => "ожидает заказчика",
        WorkOrderStatus::Done => "выполнен",
        WorkOrderStatus::Closed => "закрыт",
    }
}

/// The PDF of a work order.
pub async fn work_order_pdf(store: &Store, stored: &StoredWorkOrder) -> Result<Vec<u8>, AppError> {
    let o = &stored.order;
    let snap = store.fleet_snapshot().await?;
    let orgs = store.organisation_all().await?;
    let name = |id| orgs.iter().find(|x| x.id == id).map(|x| x.data.name_short_ru.clone()).unwrap_or_default();
    let (machine, owner) = match snap.machine(o.machine) {
        Some(m) => {
            let ident = m
                .machine
                .vin
                .as_ref()
                .map(|v| format!("VIN {v}"))
                .or_else(|| m.machine.serial.as_ref().map(|s| format!("зав. № {s}")));
            (format!("{} {}", m.model_name, ident.unwrap_or_default()), name(m.machine.owner))
        }
        None => (o.machine.to_string(), String::new()),
    };
    let centre = match super::service_centre(store).await? {
        Some(id) => name(id),
        None => String::new(),
    };
    let at = |t: Option<chrono::NaiveDateTime>| {
        t.map_or_else(|| "—".to_string(), |t| t.format("%d.%m.%Y %H:%M").to_string())
    };
    let cost = o
        .cost(Money::new(accord_store::LABOUR_RATE_KOPECKS, Currency::Rub))
        .map_err(|e| AppError::Internal(format!("work order cost: {e}")))?;
    let yes = |w: bool| if w { "да" } else { "" }.to_string();
    let data = Data {
        number: stored.number.to_string(),
        centre,
        machine,
        owner,
        kind: kind_ru(o.kind).to_string(),
        status: status_ru(o.status).to_string(),
        opened: at(Some(o.opened_at)),
        started: at(o.started_at),
        finished: at(o.finished_at),
        work: o
            .work
            .iter()
            .map(|w| Line {
                operation: w.operation.clone(),
                hours: w.actual_hours.unwrap_or(w.standard_hours).to_string().replace('.', ","),
                warranty: yes(w.warranty.is_some()),
            })
            .collect(),
        parts: o
            .parts
            .iter()
            .map(|p| PartLine {
                part: p.part.to_string(),
                qty: p.qty.to_string(),
                price: rub(p.unit_price.minor),
                warranty: yes(p.warranty.is_some()),
            })
            .collect(),
        total: rub(cost.total.minor),
        warranty: rub(cost.under_warranty.minor),
        signed: o
            .sign_off
            .as_ref()
            .map(|s| format!("{}, {}", s.by, s.at.format("%d.%m.%Y")))
            .unwrap_or_else(|| "____________________".into()),
    };
    let json = serde_json::to_vec(&data).map_err(|e| AppError::Internal(format!("work order data: {e}")))?;
    let today = o.finished_at.unwrap_or(o.opened_at).date();
    let document = accord_report::pdf::Document { source: TEMPLATE, files: vec![("data.json".into(), json)], today };
    tokio::task::spawn_blocking(move || accord_report::pdf::render(document))
        .await
        .map_err(|e| AppError::Internal(format!("pdf task: {e}")))?
        .map_err(|e| AppError::Internal(format!("pdf: {e}")))
}
