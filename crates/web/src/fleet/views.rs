//! What the fleet pages and the API both show, computed once from the store's snapshot and
//! the domain's rules; pages format it, the API serialises it.

use super::Scope;
use crate::error::AppError;
use accord_domain::OrganisationId;
use accord_domain::fleet::kpi::{DateRange, GroupBy, KpiRow};
use accord_domain::fleet::machine::MachineStatus;
use accord_domain::fleet::meter::MeterKind;
use accord_domain::fleet::regime::{DueService, ServiceKind};
use accord_domain::validation::{Invalid, Reason};
use accord_domain::{MachineId, ModelId};
use accord_store::{FleetSnapshot, Paging, Store, StoredMachine, WorkOrderFilter, WorkOrderRow};
use chrono::{Days, NaiveDate};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// Filters, sort and page of the machines table: `brand` (maz, belaz, …), `model` (id),
/// `owner` (organisation id), `district`, `status` (in_service, …), `sort` (brand, model,
/// owner, district, status, year), `dir` (asc|desc), `page`, `per_page`.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct MachineQuery {
    pub brand: Option<String>,
    pub model: Option<String>,
    pub owner: Option<String>,
    pub district: Option<String>,
    pub status: Option<String>,
    pub sort: Option<String>,
    pub dir: Option<String>,
    pub page: Option<i64>,
    pub per_page: Option<i64>,
}

fn given(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|v| !v.is_empty())
}

/// A row of the machines table.
#[derive(Debug, Clone, Serialize)]
pub struct MachineItem {
    pub id: MachineId,
    pub brand: String,
    pub model: ModelId,
    pub model_name: String,
    pub modification: Option<String>,
    pub vin: Option<String>,
    pub serial: Option<String>,
    pub year: u16,
    pub owner: OrganisationId,
    pub owner_name: String,
    pub district: String,
    pub status: MachineStatus,
    pub commissioned_on: Option<NaiveDate>,
    pub open_orders: u32,
    /// The service interval factors (operating category, climate), permille.
    pub factors: accord_domain::fleet::regime::CorrectionFactors,
    /// The register entry's version, for a change that must not overwrite another.
    pub version: i64,
}

pub fn status_code(s: MachineStatus) -> String {
    s.key().trim_start_matches("fleet.status.").to_string()
}

pub async fn owner_names(store: &Store) -> Result<HashMap<OrganisationId, String>, AppError> {
    Ok(store.organisation_all().await?.into_iter().map(|o| (o.id, o.data.name_short_ru.clone())).collect())
}

pub fn item(m: &StoredMachine, snap: &FleetSnapshot, owners: &HashMap<OrganisationId, String>) -> MachineItem {
    MachineItem {
        id: m.machine.id,
        brand: accord_store::brand_code(&m.machine.brand),
        model: m.machine.model,
        model_name: m.model_name.clone(),
        modification: m.machine.modification.clone(),
        vin: m.machine.vin.as_ref().map(ToString::to_string),
        serial: m.machine.serial.as_ref().map(ToString::to_string),
        year: m.machine.year,
        owner: m.machine.owner,
        owner_name: owners.get(&m.machine.owner).cloned().unwrap_or_else(|| m.machine.owner.to_string()),
        district: m.machine.district.0.clone(),
        status: m.machine.status,
        commissioned_on: m.machine.commissioned_on,
        factors: m.machine.factors,
        version: m.version,
        open_orders: snap.open_orders.get(&m.machine.id).copied().unwrap_or(0),
    }
}

/// The machines the user sees, filtered, sorted and paged.
pub fn machine_list(
    snap: &FleetSnapshot,
    scope: &Scope,
    owners: &HashMap<OrganisationId, String>,
    q: &MachineQuery,
) -> Result<(Vec<MachineItem>, i64, Paging), AppError> {
    let status = match given(&q.status) {
        Some(s) => Some(
            MachineStatus::ALL
                .into_iter()
                .find(|x| status_code(*x) == s)
                .ok_or_else(|| Invalid::one("status", Reason::UnknownValue))?,
        ),
        None => None,
    };
    let mut rows: Vec<MachineItem> = snap
        .machines
        .iter()
        .filter(|m| scope.sees(&m.machine))
        .filter(|m| given(&q.brand).is_none_or(|b| accord_store::brand_code(&m.machine.brand) == b))
        .filter(|m| given(&q.model).is_none_or(|x| m.machine.model.to_string() == x))
        .filter(|m| given(&q.owner).is_none_or(|x| m.machine.owner.to_string() == x))
        .filter(|m| given(&q.district).is_none_or(|x| m.machine.district.0 == x))
        .filter(|m| status.is_none_or(|s| m.machine.status == s))
        .map(|m| item(m, snap, owners))
        .collect();
    let sort = given(&q.sort).unwrap_or("brand");
    match sort {
        "brand" => rows.sort_by(|a, b| a.brand.cmp(&b.brand).then(a.model_name.cmp(&b.model_name))),
        "model" => rows.sort_by(|a, b| a.model_name.cmp(&b.model_name)),
        "owner" => rows.sort_by(|a, b| a.owner_name.cmp(&b.owner_name)),
        "district" => rows.sort_by(|a, b| a.district.cmp(&b.district)),
        "status" => rows.sort_by_key(|a| status_code(a.status)),
        "year" => rows.sort_by_key(|a| a.year),
        _ => return Err(Invalid::one("sort", Reason::UnknownValue).into()),
    }
    if given(&q.dir) == Some("desc") {
        rows.reverse();
    }
    let paging = Paging::new(q.page, q.per_page);
    let total = rows.len() as i64;
    let start = ((paging.page - 1) * paging.per_page).min(total) as usize;
    let page = rows.into_iter().skip(start).take(paging.per_page as usize).collect();
    Ok((page, total, paging))
}

/// One meter of a machine now.
#[derive(Debug, Clone, Serialize)]
pub struct MeterView {
    pub kind: MeterKind,
    pub value: i64,
    pub read_on: NaiveDate,
    /// Average use per day over the last 90 days.
    pub per_day: f64,
}

/// Everything a machine's page shows.
#[derive(Debug, Clone, Serialize)]
pub struct MachineData {
    pub machine: MachineItem,
    pub meters: Vec<MeterView>,
    pub next_service: Option<DueService>,
    pub work_orders: Vec<WorkOrderRow>,
    /// Figures of the last 365 days up to today.
    pub kpi: Option<KpiRow>,
    /// Cumulative value per month end over the last year, per meter (for the usage chart).
    pub usage: Vec<(MeterKind, Vec<(NaiveDate, i64)>)>,
    pub today: NaiveDate,
}

pub async fn machine_data(
    store: &Store,
    scope: &Scope,
    id: MachineId,
    today: NaiveDate,
) -> Result<MachineData, AppError> {
    let snap = store.fleet_snapshot().await?;
    let m = scope.require_machine(&snap, id)?;
    let owners = owner_names(store).await?;
    let now = snap.meters.get(&id).copied().unwrap_or_default();
    let meters = MeterKind::ALL
        .into_iter()
        .filter_map(|k| {
            now.get(k).map(|s| MeterView { kind: k, value: s.value, read_on: s.read_on, per_day: s.per_day })
        })
        .collect();
    let next_service = snap.due_list(today, |x| x.id == id).into_iter().next();
    let filter = WorkOrderFilter { machine: Some(id), ..Default::default() };
    let work_orders = store.fleet_work_orders(&filter, Paging { page: 1, per_page: 20 }).await?.items;
    let year_ago = today.checked_sub_days(Days::new(365)).unwrap_or(today);
    let history = store.fleet_history(id).await?;
    let kpi =
        DateRange::new(year_ago, today).ok().and_then(|range| accord_store::machine_kpi(&snap, id, &history, range));
    let usage = [(MeterKind::Odometer, &history.odometer), (MeterKind::EngineHours, &history.engine_hours)]
        .into_iter()
        .filter(|(_, s)| !s.is_empty())
        .map(|(k, s)| (k, monthly(s, year_ago, today)))
        .collect();
    Ok(MachineData { machine: item(m, &snap, &owners), meters, next_service, work_orders, kpi, usage, today })
}

/// The last checkpoint of each month in `[from, to]`.
fn monthly(series: &[(NaiveDate, i64)], from: NaiveDate, to: NaiveDate) -> Vec<(NaiveDate, i64)> {
    let mut out: Vec<(NaiveDate, i64)> = Vec::new();
    for &(d, v) in series.iter().filter(|(d, _)| *d >= from && *d <= to) {
        use chrono::Datelike;
        match out.last_mut() {
            Some(last) if (last.0.year(), last.0.month()) == (d.year(), d.month()) => *last = (d, v),
            _ => out.push((d, v)),
        }
    }
    out
}

/// A row of the due list.
#[derive(Debug, Clone, Serialize)]
pub struct DueRow {
    pub machine: MachineItem,
    pub service: ServiceKind,
    pub overdue: bool,
    pub due_date: Option<NaiveDate>,
    pub forecast: Option<NaiveDate>,
    pub due_meters: [Option<i64>; 3],
}

pub async fn due_rows(store: &Store, scope: &Scope, today: NaiveDate) -> Result<Vec<DueRow>, AppError> {
    let snap = store.fleet_snapshot().await?;
    let owners = owner_names(store).await?;
    Ok(snap
        .due_list(today, |m| scope.sees(m))
        .into_iter()
        .filter_map(|d| {
            let m = snap.machine(d.machine)?;
            Some(DueRow {
                machine: item(m, &snap, &owners),
                service: d.kind,
                overdue: d.overdue,
                due_date: d.due_date,
                forecast: d.forecast,
                due_meters: d.due_meters.0,
            })
        })
        .collect())
}

/// The figures' settings: `from`, `to` (dates, `to` included; default the last 365 days up
/// to today), `by` machine|model|brand|owner (default model).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct KpiQuery {
    pub from: Option<String>,
    pub to: Option<String>,
    pub by: Option<String>,
}

pub fn parse_by(text: Option<&str>) -> Result<GroupBy, AppError> {
    Ok(match text.map(str::trim).unwrap_or("model") {
        "" | "model" => GroupBy::Model,
        "machine" => GroupBy::Machine,
        "brand" => GroupBy::Brand,
        "owner" => GroupBy::Owner,
        "fleet" => GroupBy::Fleet,
        _ => return Err(Invalid::one("by", Reason::UnknownValue).into()),
    })
}

impl KpiQuery {
    pub fn resolve(&self, today: NaiveDate) -> Result<(DateRange, GroupBy), AppError> {
        let date = |v: &Option<String>, field: &'static str| -> Result<Option<NaiveDate>, AppError> {
            match given(v) {
                Some(t) => NaiveDate::parse_from_str(t, "%Y-%m-%d")
                    .map(Some)
                    .map_err(|_| Invalid::one(field, Reason::UnknownValue).into()),
                None => Ok(None),
            }
        };
        let last = date(&self.to, "to")?.unwrap_or_else(|| today.pred_opt().unwrap_or(today));
        let first = date(&self.from, "from")?.unwrap_or_else(|| last.checked_sub_days(Days::new(364)).unwrap_or(last));
        let range = DateRange::inclusive(first, last).map_err(|e| {
            AppError::from(accord_store::refused(e.key(), e.field(), format!("{first}..{last}"), first, &e))
        })?;
        Ok((range, parse_by(self.by.as_deref())?))
    }
}
