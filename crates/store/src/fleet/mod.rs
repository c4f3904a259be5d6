//! Fleet: the service centre's machines, meters and readings, regimes, work orders, parts and
//! stock.
//!
//! Every rule is the domain's (`accord_domain::fleet`): the store loads what a rule needs,
//! asks it, and writes the outcome with its audit entries. Hot reads (the machines table, the
//! due list, the readiness figures) are computed in the domain from a [`FleetSnapshot`] of
//! compact rows (one per machine, one per meter, one history per machine), kept until the next
//! write (see `cache`). Readings and work orders are read per machine, never all at once.
//!
//! Each write comes twice: `fleet_x(author, …)` opens its own transaction, and
//! `fleet_x_in(&mut WriteTx, …)` writes inside the application layer's transaction, so that one
//! use case is one transaction. Every helper that writes a machine's cached rows marks it
//! (`WriteTx::touch_machine`, or `touch_fleet` for the catalogue and bulk loads) in the same
//! transaction, which keeps the fleet cache right (see `cache` and `fleet_touches`).
//!
//! | file | what |
//! |---|---|
//! | `snapshot` | the cached snapshot and histories, read whole or refreshed machine by machine |
//! | `kpi` | readiness figures and the quarter's figures |
//! | `machines` | the register: new machines, changes of a machine, file bookkeeping of imports |
//! | `meters` | readings, voids, meter replacements |
//! | `assemblies` | the exchange pool: assemblies fitted and removed |
//! | `warranties` | warranties and the flags they put on order lines |
//! | `orders` | work orders: opened, moved on, closed, and their marks on the machine |
//! | `parts` | the parts catalogue, stock, reservations, issues, suggested orders |
//! | `shipments` | parts in transit |
//! | `regimes` | models and their maintenance regimes |
//! | `bulk` | the demo or benchmark fleet in one transaction |

mod assemblies;
mod bulk;
mod imports;
mod kpi;
mod machines;
mod meters;
mod orders;
mod parts;
mod regimes;
mod shipments;
mod snapshot;
mod warranties;

pub use assemblies::{AssemblyEventRow, AssemblyRow};
pub use bulk::{BulkMachine, BulkOutcome, FleetBulk};
pub use imports::{FleetFile, FleetImportOutcome};
pub use kpi::{KpiTable, QuarterFigures, machine_kpi};
pub use machines::NewMachine;
pub use meters::{NewReading, ReadingRow};
pub use orders::{StoredWorkOrder, WorkOrderFilter, WorkOrderRow, status_code};
pub use parts::{MovementRow, PartIssue, PartRecord, ReservationRow, StockRow};
pub use shipments::{NewShipment, ShipmentId, ShipmentRow};
pub use snapshot::{DueState, FleetHistories, FleetSnapshot, HistoryData, StoredMachine};
pub use warranties::WarrantyRow;

use crate::{Result, StoreError, WriteTx, corrupt};
use accord_domain::fleet::meter::MeterKind;
use chrono::{NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};

/// Days over which usage per day is averaged for forecasts.
pub const USAGE_WINDOW_DAYS: u32 = 90;

/// Labour rate of the service centre, kopecks per hour (2,500 ₽), for work order costs.
pub const LABOUR_RATE_KOPECKS: i64 = 250_000;

/// The stored statuses of an order not closed, as an SQL list: an IN list over the
/// (status, machine_id) index finds the few open orders among hundreds of thousands closed,
/// where `status <> 'closed'` reads them all.
const OPEN_STATUSES: &str = "'open', 'in_progress', 'waiting:parts', 'waiting:technician', 'waiting:customer', 'done'";

/// Rows per multi-row INSERT (7 values a reading: far under both backends' limits).
const INSERT_ROWS: usize = 1000;

/// Ids per `IN (…)` list when re-reading touched machines.
const ID_LIST: usize = 500;

/// A refusal by a fleet rule, naming the machine (or order, part), the field and the value.
pub fn refused(
    key: &'static str,
    field: &'static str,
    subject: impl ToString,
    value: impl ToString,
    message: impl ToString,
) -> StoreError {
    StoreError::Refused {
        key,
        field,
        subject: subject.to_string(),
        value: value.to_string(),
        message: message.to_string(),
    }
}

pub fn kind_code(kind: MeterKind) -> i64 {
    kind.index() as i64
}

fn kind_of(code: i64) -> Result<MeterKind> {
    MeterKind::ALL
        .into_iter()
        .find(|k| kind_code(*k) == code)
        .ok_or_else(|| StoreError::Corrupt(format!("meter kind {code}")))
}

fn date(text: &str) -> Result<NaiveDate> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").map_err(corrupt("date"))
}

fn datetime_text(at: NaiveDateTime) -> String {
    at.format("%Y-%m-%dT%H:%M:%S").to_string()
}

fn json<T: Serialize>(value: &T) -> Result<String> {
    serde_json::to_string(value).map_err(corrupt("json"))
}

fn unjson<T: for<'de> Deserialize<'de>>(what: &'static str, text: &str) -> Result<T> {
    serde_json::from_str(text).map_err(corrupt(what))
}

/// The stable text of an enum that serialises to a plain string (status, kind).
fn code<T: Serialize>(value: &T) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(s)) => s,
        Ok(other) => other.to_string(),
        Err(_) => String::new(),
    }
}

/// A brand as the machines table stores it: `maz`, … or the name of another maker.
pub fn brand_code(brand: &accord_domain::fleet::machine::Brand) -> String {
    code(brand)
}

/// One value of a multi-row INSERT.
enum Bind {
    T(String),
    O(Option<String>),
    I(i64),
    F(f64),
}

async fn insert_many(w: &mut WriteTx<'_>, table: &str, columns: &str, rows: &[Vec<Bind>]) -> Result<()> {
    let Some(width) = rows.first().map(Vec::len) else { return Ok(()) };
    let per = (INSERT_ROWS * 7 / width.max(1)).clamp(1, INSERT_ROWS);
    for chunk in rows.chunks(per) {
        let mut sql = format!("INSERT INTO {table} ({columns}) VALUES ");
        for r in 0..chunk.len() {
            if r > 0 {
                sql.push_str(", ");
            }
            sql.push('(');
            for c in 0..width {
                if c > 0 {
                    sql.push_str(", ");
                }
                sql.push_str(&w.param(r * width + c + 1));
            }
            sql.push(')');
        }
        let mut q = sqlx::query(&sql);
        for row in chunk {
            for b in row {
                q = match b {
                    Bind::T(s) => q.bind(s.as_str()),
                    Bind::O(s) => q.bind(s.as_deref()),
                    Bind::I(i) => q.bind(*i),
                    Bind::F(f) => q.bind(*f),
                };
            }
        }
        q.execute(&mut *w.tx).await?;
    }
    Ok(())
}
