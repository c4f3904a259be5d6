//! The register: a machine's change (status, district, commissioning date, interval factors) at
//! the version its changer saw, the machines table and a machine's page as each reader may see
//! them.

use super::input::{given, invalid, loose, opt_day, version};
use super::{FleetScope, machine_name};
use crate::{Actor, App, Error, Result};
use accord_domain::fleet::kpi::{DateRange, KpiRow};
use accord_domain::fleet::machine::{District, Machine, MachineStatus};
use accord_domain::fleet::meter::MeterKind;
use accord_domain::fleet::regime::{CorrectionFactors, DueService};
use accord_domain::validation::Reason;
use accord_domain::{MachineId, ModelId, OrganisationId};
use accord_store::{FleetSnapshot, Paging, StoredMachine, WorkOrderFilter, WorkOrderRow};
use chrono::{Days, NaiveDate};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// What the service centre changes of a machine's register entry, from the machine page's form
/// or `PUT /api/v1/fleet/machines/{id}`. A field left out (or blank) stays as it is, except
/// `commissioned_on`, which a blank clears. `version` is the entry's version the changer saw;
/// without it the change is refused.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct MachineChange {
    /// in_service, in_repair, stored, decommissioned, …
    #[serde(default, deserialize_with = "loose")]
    pub status: Option<String>,
    #[serde(default, deserialize_with = "loose")]
    pub district: Option<String>,
    /// `YYYY-MM-DD`; an empty string clears it.
    #[serde(default, deserialize_with = "loose")]
    pub commissioned_on: Option<String>,
    /// Permille: 1000, 900, 800, 700 or 600 (categories I to V).
    #[serde(default, deserialize_with = "loose")]
    #[schema(value_type = Option<u16>)]
    pub operating: Option<String>,
    /// Permille: 1000, 900 or 800.
    #[serde(default, deserialize_with = "loose")]
    #[schema(value_type = Option<u16>)]
    pub climate: Option<String>,
    /// The register entry's version the change was made on.
    #[serde(default, deserialize_with = "loose")]
    #[schema(value_type = i64)]
    pub version: Option<String>,
}

impl MachineChange {
    /// The form as the stored entry fills it.
    pub fn of(m: &StoredMachine) -> MachineChange {
        MachineChange {
            status: Some(status_code(m.machine.status)),
            district: Some(m.machine.district.0.clone()),
            commissioned_on: Some(m.machine.commissioned_on.map(|d| d.to_string()).unwrap_or_default()),
            operating: Some(m.machine.factors.operating.to_string()),
            climate: Some(m.machine.factors.climate.to_string()),
            version: Some(m.version.to_string()),
        }
    }

    /// The machine as this change states it, or the field that does not read.
    pub fn applied_to(&self, stored: &Machine) -> Result<Machine, accord_domain::validation::Invalid> {
        let mut m = stored.clone();
        if let Some(status) = given(&self.status) {
            m.status = MachineStatus::ALL
                .into_iter()
                .find(|s| status_code(*s) == status)
                .ok_or_else(|| invalid("status", Reason::UnknownValue))?;
        }
        if let Some(district) = given(&self.district) {
            m.district = District(district.to_string());
        }
        if self.commissioned_on.is_some() {
            m.commissioned_on = opt_day(&self.commissioned_on, "commissioned_on")?;
        }
        let factor = |value: &Option<String>, field: &'static str, current: u16| match given(value) {
            None => Ok(current),
            Some(t) => t.parse::<u16>().map_err(|_| invalid(field, Reason::UnknownValue)),
        };
        let operating = factor(&self.operating, "operating", m.factors.operating)?;
        let climate = factor(&self.climate, "climate", m.factors.climate)?;
        m.factors = CorrectionFactors::standard(operating, climate).ok_or_else(|| {
            let field = if CorrectionFactors::OPERATING.contains(&operating) { "climate" } else { "operating" };
            invalid(field, Reason::UnknownValue)
        })?;
        Ok(m)
    }
}

impl App {
    /// Changes a machine's register entry at the version the changer saw (a later change makes
    /// this one stale: 409, nothing written). Decommissioning takes the machine off the books
    /// on the fleet's today. The service centre's staff, coordinators and admins.
    pub async fn machine_change(&self, actor: &Actor, id: MachineId, change: &MachineChange) -> Result<StoredMachine> {
        let scope = self.fleet_manager(actor).await?;
        let version = version(&change.version)?;
        let snap = self.store.fleet_snapshot().await?;
        let stored = scope.machine(&snap, id)?;
        let machine = change.applied_to(&stored.machine)?;
        let today = self.fleet_today().await?;
        let mut w = self.store.begin_write(actor.author()).await?;
        self.store.fleet_machine_update_in(&mut w, &machine, version, today).await?;
        w.commit().await?;
        let snap = self.store.fleet_snapshot().await?;
        snap.machine(id).cloned().ok_or(Error::NotFound { entity: "machine" })
    }

    /// The machines `actor` sees, filtered, sorted and paged.
    pub async fn fleet_machines(&self, actor: &Actor, q: &MachineQuery) -> Result<MachineList> {
        let scope = self.fleet_scope(actor).await?;
        let snap = self.store.fleet_snapshot().await?;
        let owners = self.fleet_owner_names().await?;
        machine_list(&snap, &scope, &owners, q)
    }

    /// A machine's register entry, if `actor` may see it.
    pub async fn fleet_machine_entry(&self, actor: &Actor, id: MachineId) -> Result<StoredMachine> {
        let (snap, scope) = self.fleet_visible_machine(actor, id).await?;
        Ok(scope.machine(&snap, id)?.clone())
    }

    /// Everything a machine's page shows, if `actor` may see the machine.
    pub async fn fleet_machine(&self, actor: &Actor, id: MachineId) -> Result<MachineData> {
        let (snap, scope) = self.fleet_visible_machine(actor, id).await?;
        let m = scope.machine(&snap, id)?;
        let today = self.fleet_today().await?;
        let owners = self.fleet_owner_names().await?;
        let now = snap.meters.get(&id).copied().unwrap_or_default();
        let meters = MeterKind::ALL
            .into_iter()
            .filter_map(|k| {
                now.get(k).map(|s| MeterView { kind: k, value: s.value, read_on: s.read_on, per_day: s.per_day })
            })
            .collect();
        let next_service = snap.due_list(today, |x| x.id == id).into_iter().next();
        let filter = WorkOrderFilter { machine: Some(id), ..Default::default() };
        let work_orders = self.store.fleet_work_orders(&filter, Paging { page: 1, per_page: 20 }).await?.items;
        let year_ago = today.checked_sub_days(Days::new(365)).unwrap_or(today);
        let history = self.store.fleet_history(id).await?;
        let kpi = DateRange::new(year_ago, today)
            .ok()
            .and_then(|range| accord_store::machine_kpi(&snap, id, &history, range));
        let usage = [(MeterKind::Odometer, &history.odometer), (MeterKind::EngineHours, &history.engine_hours)]
            .into_iter()
            .filter(|(_, s)| !s.is_empty())
            .map(|(k, s)| (k, monthly(s, year_ago, today)))
            .collect();
        Ok(MachineData {
            name: machine_name(m),
            machine: item(m, &snap, &owners),
            meters,
            next_service,
            work_orders,
            kpi,
            usage,
            today,
        })
    }

    /// Organisations' short names by id, for the owner columns.
    pub async fn fleet_owner_names(&self) -> Result<HashMap<OrganisationId, String>> {
        Ok(self.store.organisation_all().await?.into_iter().map(|o| (o.id, o.data.name_short_ru.clone())).collect())
    }
}

/// Filters, sort and page of the machines table: `brand` (maz, belaz, …), `model` (id),
/// `owner` (organisation id), `district`, `status` (in_service, …), `sort` (brand, model,
/// owner, district, status, year), `dir` (asc|desc), `page`, `per_page`.
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
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
    pub factors: CorrectionFactors,
    /// The register entry's version, for a change that must not overwrite another.
    pub version: i64,
}

/// A page of the machines table.
#[derive(Debug, Clone, Serialize)]
pub struct MachineList {
    pub items: Vec<MachineItem>,
    pub total: i64,
    pub page: i64,
    pub per_page: i64,
}

/// A status as forms and the API name it: `in_service`, `decommissioned`, …
pub fn status_code(s: MachineStatus) -> String {
    s.key().trim_start_matches("fleet.status.").to_string()
}

pub(crate) fn item(m: &StoredMachine, snap: &FleetSnapshot, owners: &HashMap<OrganisationId, String>) -> MachineItem {
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

fn machine_list(
    snap: &FleetSnapshot,
    scope: &FleetScope,
    owners: &HashMap<OrganisationId, String>,
    q: &MachineQuery,
) -> Result<MachineList> {
    let status = match given(&q.status) {
        Some(s) => Some(
            MachineStatus::ALL
                .into_iter()
                .find(|x| status_code(*x) == s)
                .ok_or_else(|| invalid("status", Reason::UnknownValue))?,
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
    match given(&q.sort).unwrap_or("brand") {
        "brand" => rows.sort_by(|a, b| a.brand.cmp(&b.brand).then(a.model_name.cmp(&b.model_name))),
        "model" => rows.sort_by(|a, b| a.model_name.cmp(&b.model_name)),
        "owner" => rows.sort_by(|a, b| a.owner_name.cmp(&b.owner_name)),
        "district" => rows.sort_by(|a, b| a.district.cmp(&b.district)),
        "status" => rows.sort_by_key(|a| status_code(a.status)),
        "year" => rows.sort_by_key(|a| a.year),
        _ => return Err(invalid("sort", Reason::UnknownValue).into()),
    }
    if given(&q.dir) == Some("desc") {
        rows.reverse();
    }
    let paging = Paging::new(q.page, q.per_page);
    let total = rows.len() as i64;
    let start = usize::try_from(paging.offset().min(total)).unwrap_or(0);
    let items = rows.into_iter().skip(start).take(usize::try_from(paging.per_page).unwrap_or(0)).collect();
    Ok(MachineList { items, total, page: paging.page, per_page: paging.per_page })
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
    /// Model and VIN (or serial number), as refusals name the machine.
    pub name: String,
    pub meters: Vec<MeterView>,
    pub next_service: Option<DueService>,
    pub work_orders: Vec<WorkOrderRow>,
    /// Figures of the last 365 days up to today.
    pub kpi: Option<KpiRow>,
    /// Cumulative value per month end over the last year, per meter (for the usage chart).
    pub usage: Vec<(MeterKind, Vec<(NaiveDate, i64)>)>,
    pub today: NaiveDate,
}

/// The last checkpoint of each month in `[from, to]`.
fn monthly(series: &[(NaiveDate, i64)], from: NaiveDate, to: NaiveDate) -> Vec<(NaiveDate, i64)> {
    use chrono::Datelike;
    let mut out: Vec<(NaiveDate, i64)> = Vec::new();
    for &(d, v) in series.iter().filter(|(d, _)| *d >= from && *d <= to) {
        match out.last_mut() {
            Some(last) if (last.0.year(), last.0.month()) == (d.year(), d.month()) => *last = (d, v),
            _ => out.push((d, v)),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_change_names_the_field_that_does_not_read() {
        let json = |text: &str| serde_json::from_str::<MachineChange>(text).expect("json");
        let form = |text: &str| serde_urlencoded::from_str::<MachineChange>(text).expect("form");
        let api = json(r#"{"operating": 700, "climate": 800, "version": 3}"#);
        let page = form("operating=700&climate=800&version=3&status=&district=");
        for change in [api, page] {
            assert_eq!(change.version.as_deref(), Some("3"));
            assert_eq!(change.operating.as_deref(), Some("700"));
        }
        let err = |c: MachineChange| c.applied_to(&sample()).expect_err("refused").0[0].field;
        assert_eq!(err(json(r#"{"climate": 700}"#)), "climate");
        assert_eq!(err(json(r#"{"operating": 650}"#)), "operating");
        assert_eq!(err(json(r#"{"status": "lost"}"#)), "status");
        assert_eq!(err(json(r#"{"commissioned_on": "1.1.2024"}"#)), "commissioned_on");
        // Left out: kept; blank date: cleared.
        let kept = json("{}").applied_to(&sample()).expect("valid");
        assert_eq!(kept, sample());
        let cleared = json(r#"{"commissioned_on": ""}"#).applied_to(&sample()).expect("valid");
        assert_eq!(cleared.commissioned_on, None);
    }

    fn sample() -> Machine {
        use accord_domain::fleet::machine::{Arrival, Brand};
        Machine {
            id: MachineId(uuid::Uuid::nil()),
            model: ModelId(uuid::Uuid::nil()),
            brand: Brand::Maz,
            modification: None,
            engine: None,
            vin: None,
            serial: None,
            year: 2024,
            owner: OrganisationId(uuid::Uuid::nil()),
            district: District("Хабаровск".into()),
            status: MachineStatus::InService,
            arrival: Arrival::ImportedComplete,
            commissioned_on: NaiveDate::from_ymd_opt(2024, 3, 1),
            factors: CorrectionFactors::NEUTRAL,
        }
    }
}
