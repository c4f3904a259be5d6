//! Fleet pages: machines, a machine, the due list, work orders, parts, figures.

use super::views::{self, DueRow, KpiQuery, MachineItem, MachineQuery};
use super::{Scope, actions_from, order_action, today};
use crate::AppState;
use crate::ctx::{CsrfForm, Ctx};
use crate::error::{AppError, fluent_id};
use crate::i18n::Tr;
use crate::layout::{Chrome, FormErrors, ListLinks, redirect_with_flash, render, render_status};
use accord_domain::directory::Action;
use accord_domain::fleet::kpi::{GroupBy, GroupKey, Kpi, KpiRow};
use accord_domain::fleet::machine::MachineStatus;
use accord_domain::fleet::parts::PartNumber;
use accord_domain::fleet::regime::CorrectionFactors;
use accord_domain::fleet::work_order::WorkLine;
use accord_domain::validation::Reason;
use accord_domain::{MachineId, WarehouseId, WorkOrderId};
use accord_report::trade_charts::{Series, trend_lines};
use accord_store::{NewReading, Paging, WorkOrderFilter, WorkOrderRow};
use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use chrono::{Datelike, Days, NaiveDate};
use rust_decimal::Decimal;
use serde::Deserialize;
use std::collections::HashMap;
use std::str::FromStr;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/fleet", get(machines_page))
        .route("/fleet/machines/{id}", get(machine_page))
        .route("/fleet/machines/{id}/readings", post(reading_form))
        .route("/fleet/machines/{id}/edit", post(machine_edit_form))
        .route("/fleet/machines/{id}/readings/{reading}/void", post(void_form))
        .route("/fleet/machines/{id}/warranties", post(warranty_form))
        .route("/fleet/machines/{id}/assemblies", post(assembly_form))
        .route("/fleet/machines/{id}/assemblies/{assembly}/remove", post(assembly_remove_form))
        .route("/fleet/due", get(due_page).post(create_preventive))
        .route("/fleet/workorders", get(orders_page))
        .route("/fleet/workorders/{id}", get(order_page))
        .route("/fleet/workorders/{id}/action", post(order_action_form))
        .route("/fleet/workorders/{id}/work", post(order_work_form))
        .route("/fleet/workorders/{id}/issue", post(order_issue_form))
        .route("/fleet/workorders/{id}/pdf", get(order_pdf))
        .route("/fleet/parts", get(parts_page))
        .route("/fleet/parts/shipments", post(shipment_form))
        .route("/fleet/parts/shipments/{id}/receive", post(receive_form))
        .route("/fleet/kpi", get(kpi_page))
}

fn k(tr: &Tr, key: &str) -> String {
    tr.t(&fluent_id(key))
}

fn brand_name(tr: &Tr, code: &str) -> String {
    match code {
        "maz" | "belaz" | "mtz" | "amkodor" | "gomselmash" => tr.t(&format!("fleet-brand-{code}")),
        other => other.to_string(),
    }
}

fn day(tr: &Tr, d: Option<NaiveDate>) -> String {
    d.map_or_else(|| "—".to_string(), |d| tr.day(d))
}

fn share(tr: &Tr, v: Option<f64>) -> String {
    v.map_or_else(
        || "—".to_string(),
        |v| tr.percent(Decimal::from_f64_retain(v * 100.0).map(|d| d.round_dp(1)), 1, false),
    )
}

fn hours(tr: &Tr, v: Option<f64>) -> String {
    v.map_or_else(|| "—".to_string(), |v| tr.decimal(Decimal::from_f64_retain(v).unwrap_or_default().round_dp(1)))
}

/// A machine row as shown.
pub struct MachineLine {
    pub id: String,
    pub brand: String,
    pub model: String,
    pub ident: String,
    pub year: u16,
    pub owner: String,
    pub district: String,
    pub status: String,
    pub open_orders: u32,
}

fn machine_line(tr: &Tr, m: &MachineItem) -> MachineLine {
    MachineLine {
        id: m.id.to_string(),
        brand: brand_name(tr, &m.brand),
        model: m.model_name.clone(),
        ident: m.vin.clone().or_else(|| m.serial.clone()).unwrap_or_default(),
        year: m.year,
        owner: m.owner_name.clone(),
        district: m.district.clone(),
        status: k(tr, m.status.key()),
        open_orders: m.open_orders,
    }
}

#[derive(Template)]
#[template(path = "fleet/machines.html")]
struct MachinesPage {
    chrome: Chrome,
    rows: Vec<MachineLine>,
    links: ListLinks,
    brands: Vec<(String, String)>,
    models: Vec<(String, String)>,
    owners: Vec<(String, String)>,
    districts: Vec<String>,
    statuses: Vec<(String, String)>,
    query: MachineQuery,
}

impl MachinesPage {
    fn selected(&self, field: &str, value: &str) -> bool {
        let v = match field {
            "brand" => &self.query.brand,
            "model" => &self.query.model,
            "owner" => &self.query.owner,
            "district" => &self.query.district,
            _ => &self.query.status,
        };
        v.as_deref() == Some(value)
    }
}

async fn machines_page(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<MachineQuery>,
) -> Result<Response, AppError> {
    ctx.require(Action::Read)?;
    let store = state.store();
    let scope = Scope::of(store, &ctx.user).await?;
    let snap = store.fleet_snapshot().await?;
    let owners = views::owner_names(store).await?;
    let (items, total, paging) = views::machine_list(&snap, &scope, &owners, &q)?;
    let tr = &ctx.tr;
    let visible: Vec<_> = snap.machines.iter().filter(|m| scope.sees(&m.machine)).collect();
    let mut brands: Vec<String> = visible.iter().map(|m| accord_store::brand_code(&m.machine.brand)).collect();
    brands.sort();
    brands.dedup();
    let mut models: Vec<(String, String)> =
        visible.iter().map(|m| (m.machine.model.to_string(), m.model_name.clone())).collect();
    models.sort_by(|a, b| a.1.cmp(&b.1));
    models.dedup();
    let mut owner_list: Vec<(String, String)> = visible
        .iter()
        .map(|m| (m.machine.owner.to_string(), owners.get(&m.machine.owner).cloned().unwrap_or_default()))
        .collect();
    owner_list.sort_by(|a, b| a.1.cmp(&b.1));
    owner_list.dedup();
    let mut districts: Vec<String> = visible.iter().map(|m| m.machine.district.0.clone()).collect();
    districts.sort();
    districts.dedup();
    let filters: Vec<(String, String)> = [
        ("brand", &q.brand),
        ("model", &q.model),
        ("owner", &q.owner),
        ("district", &q.district),
        ("status", &q.status),
    ]
    .into_iter()
    .filter_map(|(k, v)| v.as_ref().filter(|v| !v.is_empty()).map(|v| (k.to_string(), v.clone())))
    .collect();
    let page = MachinesPage {
        chrome: Chrome::new(&ctx, state.is_demo(), "fleet", tr.t("fleet-title")),
        rows: items.iter().map(|m| machine_line(tr, m)).collect(),
        links: ListLinks {
            base: "/fleet".into(),
            filters,
            sort: q.sort.clone().unwrap_or_else(|| "brand".into()),
            descending: q.dir.as_deref() == Some("desc"),
            page: paging.page,
            pages: ((total + paging.per_page - 1) / paging.per_page).max(1),
            total,
        },
        brands: brands.into_iter().map(|b| (b.clone(), brand_name(tr, &b))).collect(),
        models,
        owners: owner_list,
        districts,
        statuses: MachineStatus::ALL.into_iter().map(|s| (views::status_code(s), k(tr, s.key()))).collect(),
        query: q,
    };
    render(&page)
}

pub struct OrderLine {
    pub id: String,
    pub number: i64,
    pub machine: String,
    pub machine_id: String,
    pub kind: String,
    pub status: String,
    pub opened: String,
    pub finished: String,
}

fn order_line(tr: &Tr, o: &WorkOrderRow, names: &HashMap<MachineId, String>) -> OrderLine {
    OrderLine {
        id: o.id.to_string(),
        number: o.number,
        machine: names.get(&o.machine).cloned().unwrap_or_else(|| o.machine.to_string()),
        machine_id: o.machine.to_string(),
        kind: k(tr, o.kind.key()),
        status: k(tr, o.status.key()),
        opened: tr.day(o.opened_at.date()),
        finished: day(tr, o.finished_at.map(|t| t.date())),
    }
}

fn machine_names(snap: &accord_store::FleetSnapshot) -> HashMap<MachineId, String> {
    snap.machines
        .iter()
        .map(|m| {
            let ident = m
                .machine
                .vin
                .as_ref()
                .map(|v| v.to_string())
                .or_else(|| m.machine.serial.as_ref().map(|s| s.to_string()));
            (m.machine.id, format!("{} {}", m.model_name, ident.unwrap_or_default()))
        })
        .collect()
}

/// Figures as shown in a table row.
pub struct KpiLine {
    pub name: String,
    pub machines: u32,
    pub ktg: String,
    pub kv: String,
    pub mtbf: String,
    pub mttr: String,
    pub availability: String,
    pub on_time: String,
    pub cost_km: String,
    pub cost_hour: String,
}

fn kpi_line(tr: &Tr, name: String, machines: u32, f: &Kpi) -> KpiLine {
    KpiLine {
        name,
        machines,
        ktg: share(tr, f.ktg),
        kv: share(tr, f.kv),
        mtbf: hours(tr, f.mtbf),
        mttr: hours(tr, f.mttr),
        availability: share(tr, f.availability),
        on_time: share(tr, f.preventive_on_time),
        cost_km: f.cost_per_km.map_or_else(|| "—".into(), |d| tr.decimal(d)),
        cost_hour: f.cost_per_engine_hour.map_or_else(|| "—".into(), |d| tr.decimal(d)),
    }
}

pub struct MeterLine {
    pub kind: String,
    pub value: String,
    pub per_day: String,
    pub read_on: String,
}

/// A reading as listed on a machine's page, with its void form.
pub struct ReadingLine {
    pub id: String,
    pub kind: String,
    pub date: String,
    pub value: String,
    pub cumulative: String,
    pub voided: Option<String>,
}

/// What the reading form last held (kept after a refusal).
#[derive(Debug, Default, Clone, Deserialize)]
pub struct ReadingForm {
    #[serde(default)]
    pub meter: String,
    #[serde(default)]
    pub date: String,
    #[serde(default)]
    pub value: String,
}

/// What the warranty form last held (kept after a refusal).
#[derive(Debug, Default, Clone, Deserialize)]
pub struct WarrantyForm {
    #[serde(default)]
    pub part: String,
    #[serde(default)]
    pub from: String,
    #[serde(default)]
    pub until: String,
    #[serde(default)]
    pub limit_meter: String,
    #[serde(default)]
    pub up_to: String,
    #[serde(default)]
    pub note: String,
}

/// The forms of a machine's page as last submitted.
#[derive(Debug, Default, Clone)]
pub struct MachineForms {
    pub reading: ReadingForm,
    pub warranty: WarrantyForm,
    pub edit: Option<MachineEditForm>,
}

/// What the service centre changes of a machine's register entry: its status, district,
/// commissioning date and the correction factors of its maintenance intervals (permille).
#[derive(Debug, Default, Clone, Deserialize)]
pub struct MachineEditForm {
    #[serde(default)]
    pub status: String,
    #[serde(default)]
    pub district: String,
    #[serde(default)]
    pub commissioned_on: String,
    #[serde(default)]
    pub operating: String,
    #[serde(default)]
    pub climate: String,
    #[serde(default)]
    pub version: String,
}

impl MachineEditForm {
    pub fn of(m: &accord_store::StoredMachine) -> MachineEditForm {
        MachineEditForm {
            status: views::status_code(m.machine.status),
            district: m.machine.district.0.clone(),
            commissioned_on: m.machine.commissioned_on.map(|d| d.to_string()).unwrap_or_default(),
            operating: m.machine.factors.operating.to_string(),
            climate: m.machine.factors.climate.to_string(),
            version: m.version.to_string(),
        }
    }
}

pub struct WarrantyLine {
    pub scope: String,
    pub from: String,
    pub until: String,
    pub limit: String,
    pub note: String,
}

#[derive(Template)]
#[template(path = "fleet/machine.html")]
struct MachinePage {
    chrome: Chrome,
    id: String,
    m: MachineLine,
    commissioned: String,
    meters: Vec<MeterLine>,
    next_service: Option<(String, String, String, bool)>,
    orders: Vec<OrderLine>,
    kpi: Option<KpiLine>,
    chart: String,
    can_manage: bool,
    /// The machine's meters: (code, label).
    meter_kinds: Vec<(String, String)>,
    readings: Vec<ReadingLine>,
    void_reasons: Vec<(String, String)>,
    form: ReadingForm,
    warranty_form: WarrantyForm,
    edit: MachineEditForm,
    statuses: Vec<(String, String)>,
    /// The operating category and the climate, each a select of permille values.
    factor_choices: Vec<Choice>,
    /// The intervals' factors in force, as "0,8 × 0,9".
    factors: String,
    warranties: Vec<WarrantyLine>,
    /// Fitted now: (id, kind, serial, usage with unit, since).
    fitted: Vec<(String, String, String, String, String)>,
    /// On the shelf of the pool: (id, label).
    shelf: Vec<(String, String)>,
    /// Installs and removals here: (date, event, kind, serial, machine meter).
    assembly_history: Vec<(String, String, String, String, String)>,
    errors: FormErrors,
}

/// Readings listed on a machine's page (the API gives them all).
const PAGE_READINGS: i64 = 30;

pub fn meter_code(kind: accord_domain::fleet::meter::MeterKind) -> String {
    kind.key().trim_start_matches("fleet.meter.").to_string()
}

async fn machine_page(State(state): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> Result<Response, AppError> {
    let id = MachineId::from_str(&id).map_err(|_| AppError::NotFound)?;
    machine_page_with(&state, &ctx, id, MachineForms::default(), FormErrors::default(), StatusCode::OK).await
}

async fn machine_page_with(
    state: &AppState,
    ctx: &Ctx,
    id: MachineId,
    forms: MachineForms,
    errors: FormErrors,
    status: StatusCode,
) -> Result<Response, AppError> {
    let store = state.store();
    let scope = Scope::of(store, &ctx.user).await?;
    let today = today(store).await?;
    let data = views::machine_data(store, &scope, id, today).await?;
    let tr = &ctx.tr;
    let names = HashMap::from([(id, format!("{} {}", data.machine.model_name, machine_ident(&data.machine)))]);
    let line = machine_line(tr, &data.machine);
    let labels: Vec<String> = data
        .usage
        .first()
        .map(|(_, pts)| pts.iter().map(|(d, _)| format!("{:02}.{}", d.month(), d.year())).collect())
        .unwrap_or_default();
    let series: Vec<Series> = data
        .usage
        .iter()
        .map(|(kind, pts)| {
            let base = pts.first().map_or(0, |p| p.1);
            Series::new(k(tr, kind.key()), pts.iter().map(|p| (p.1 - base) as f64))
        })
        .collect();
    let chart =
        if series.is_empty() { String::new() } else { trend_lines(&tr.t("fleet-usage-chart"), &labels, &series, "") };
    let readings = store.fleet_readings(id, PAGE_READINGS).await?;
    let mut kinds: Vec<accord_domain::fleet::meter::MeterKind> =
        data.meters.iter().map(|m| m.kind).chain(readings.iter().map(|r| r.kind)).collect();
    kinds.sort();
    kinds.dedup();
    let MachineForms { reading: form, warranty: warranty_form, edit } = forms;
    let snap = store.fleet_snapshot().await?;
    let stored = snap.machine(id).ok_or(AppError::NotFound)?;
    let edit = edit.unwrap_or_else(|| MachineEditForm::of(stored));
    let permille = |v: u16| tr.decimal(rust_decimal::Decimal::new(i64::from(v), 3).normalize());
    let factors =
        format!("{} × {}", permille(stored.machine.factors.operating), permille(stored.machine.factors.climate));
    let form = ReadingForm { date: if form.date.is_empty() { today.to_string() } else { form.date }, ..form };
    let warranty_form = WarrantyForm {
        from: if warranty_form.from.is_empty() { today.to_string() } else { warranty_form.from },
        ..warranty_form
    };
    let warranties = store.fleet_warranties(id).await?;
    let pool = store.fleet_assemblies().await?;
    let usage = |a: &accord_store::AssemblyRow| format!("{} {}", tr.int(a.usage), k(tr, a.assembly.meter.unit_key()));
    let fitted = pool
        .iter()
        .filter_map(|a| {
            let at = a.installed.filter(|i| i.machine == id)?;
            Some((
                a.assembly.id.to_string(),
                k(tr, a.assembly.kind.key()),
                a.assembly.serial.to_string(),
                usage(a),
                tr.day(at.since),
            ))
        })
        .collect();
    let shelf = pool
        .iter()
        .filter(|a| a.installed.is_none() && kinds.contains(&a.assembly.meter))
        .map(|a| {
            (
                a.assembly.id.to_string(),
                format!("{} {} ({})", k(tr, a.assembly.kind.key()), a.assembly.serial, usage(a)),
            )
        })
        .collect();
    let assembly_history = store
        .fleet_assembly_history(id)
        .await?
        .iter()
        .map(|e| {
            let event = match e.event {
                accord_domain::fleet::assembly::AssemblyEventKind::Installed => tr.t("fleet-assembly-installed"),
                accord_domain::fleet::assembly::AssemblyEventKind::Removed => tr.t("fleet-assembly-removed"),
            };
            (tr.day(e.date), event, k(tr, e.kind.key()), e.serial.clone(), tr.int(e.machine_meter))
        })
        .collect();
    let page = MachinePage {
        chrome: Chrome::new(ctx, state.is_demo(), "fleet", format!("{} {}", line.model, line.ident))
            .crumb("fleet-title", "/fleet")
            .crumb_text(line.ident.clone()),
        id: id.to_string(),
        commissioned: day(tr, data.machine.commissioned_on),
        meters: data
            .meters
            .iter()
            .map(|mv| MeterLine {
                kind: k(tr, mv.kind.key()),
                value: format!("{} {}", tr.int(mv.value), k(tr, mv.kind.unit_key())),
                per_day: hours(tr, Some(mv.per_day)),
                read_on: tr.day(mv.read_on),
            })
            .collect(),
        next_service: data
            .next_service
            .as_ref()
            .map(|d| (k(tr, d.kind.key()), day(tr, d.due_date), day(tr, d.forecast), d.overdue)),
        orders: data.work_orders.iter().map(|o| order_line(tr, o, &names)).collect(),
        kpi: data.kpi.as_ref().map(|r| kpi_line(tr, tr.t("fleet-last-year"), r.sums.machines, &r.kpi)),
        chart,
        can_manage: scope.manage,
        meter_kinds: kinds.iter().map(|kd| (meter_code(*kd), k(tr, kd.key()))).collect(),
        readings: readings
            .iter()
            .map(|r| ReadingLine {
                id: r.id.to_string(),
                kind: k(tr, r.kind.key()),
                date: tr.day(r.date),
                value: tr.int(r.value),
                cumulative: tr.int(r.cumulative),
                voided: r.voided.as_ref().map(|v| void_label(tr, v)),
            })
            .collect(),
        void_reasons: super::VOID_REASONS
            .iter()
            .map(|r| (r.to_string(), tr.t(&format!("fleet-void-reason-{r}"))))
            .collect(),
        form,
        warranty_form,
        edit: edit.clone(),
        statuses: MachineStatus::ALL.into_iter().map(|s| (views::status_code(s), k(tr, s.key()))).collect(),
        factor_choices: [
            ("operating", &CorrectionFactors::OPERATING[..], edit.operating.clone()),
            ("climate", &CorrectionFactors::CLIMATE[..], edit.climate.clone()),
        ]
        .into_iter()
        .map(|(name, values, current)| Choice {
            name,
            label: tr.t(&format!("fleet-field-{name}")),
            options: values
                .iter()
                .map(|v| (v.to_string(), tr.ta(&format!("fleet-{name}-{v}"), &[("factor", permille(*v))])))
                .collect(),
            current,
        })
        .collect(),
        factors,
        warranties: warranties.iter().map(|w| warranty_line(tr, w)).collect(),
        fitted,
        shelf,
        assembly_history,
        errors,
        m: line,
    };
    render_status(status, &page)
}

/// What a manager's form on a machine's page starts from: the machine's id, its name for
/// refusals and the snapshot it was found in; refused when the user may not see the machine
/// or manage the fleet.
async fn managed_machine(
    store: &accord_store::Store,
    ctx: &Ctx,
    id: &str,
) -> Result<(MachineId, String, std::sync::Arc<accord_store::FleetSnapshot>), AppError> {
    let id = MachineId::from_str(id).map_err(|_| AppError::NotFound)?;
    let scope = Scope::of(store, &ctx.user).await?;
    let snap = store.fleet_snapshot().await?;
    let name = stored_name(scope.require_machine(&snap, id)?);
    scope.require_manage()?;
    Ok((id, name, snap))
}

/// A machine as people name it: model and VIN (or serial number).
fn stored_name(m: &accord_store::StoredMachine) -> String {
    let ident =
        m.machine.vin.as_ref().map(|v| v.to_string()).or_else(|| m.machine.serial.as_ref().map(|s| s.to_string()));
    format!("{} {}", m.model_name, ident.unwrap_or_default())
}

fn warranty_line(tr: &Tr, row: &accord_store::WarrantyRow) -> WarrantyLine {
    use accord_domain::fleet::work_order::WarrantyScope;
    let w = &row.warranty;
    WarrantyLine {
        scope: match &w.scope {
            WarrantyScope::Machine => tr.t("fleet-warranty-whole"),
            WarrantyScope::Part(p) => format!("{}: {p}", tr.t("fleet-part")),
        },
        from: tr.day(w.from),
        until: day(tr, w.until),
        limit: w.meter_limit.map_or_else(
            || "—".to_string(),
            |l| format!("{} {} ({})", tr.int(l.up_to), k(tr, l.kind.unit_key()), k(tr, l.kind.key())),
        ),
        note: row.note.clone(),
    }
}

/// A select of a form: its field, label, (value, label) options and the value chosen.
pub struct Choice {
    pub name: &'static str,
    pub label: String,
    pub options: Vec<(String, String)>,
    pub current: String,
}

/// The machine as the edit form states it, or the field that does not read.
pub fn machine_edited(
    stored: &accord_store::StoredMachine,
    form: &MachineEditForm,
) -> Result<(accord_domain::fleet::machine::Machine, Option<i64>), AppError> {
    let mut m = stored.machine.clone();
    if !form.status.trim().is_empty() {
        m.status = MachineStatus::ALL
            .into_iter()
            .find(|s| views::status_code(*s) == form.status.trim())
            .ok_or_else(|| super::invalid("status", Reason::UnknownValue))?;
    }
    let district = form.district.trim();
    if !district.is_empty() {
        m.district = accord_domain::fleet::machine::District(district.to_string());
    }
    m.commissioned_on = match form.commissioned_on.trim() {
        "" => None,
        text => Some(super::parse_day(text, "commissioned_on")?),
    };
    let factor = |text: &str, field: &'static str, current: u16| -> Result<u16, AppError> {
        match text.trim() {
            "" => Ok(current),
            t => t.parse().map_err(|_| super::invalid(field, Reason::UnknownValue)),
        }
    };
    let operating = factor(&form.operating, "operating", m.factors.operating)?;
    let climate = factor(&form.climate, "climate", m.factors.climate)?;
    m.factors = CorrectionFactors::standard(operating, climate).ok_or_else(|| {
        let field = if CorrectionFactors::OPERATING.contains(&operating) { "climate" } else { "operating" };
        super::invalid(field, Reason::UnknownValue)
    })?;
    let version = match form.version.trim() {
        "" => None,
        v => Some(v.parse::<i64>().map_err(|_| super::invalid("version", Reason::UnknownValue))?),
    };
    Ok((m, version))
}

/// Status, district, commissioning date and correction factors changed on the machine's page.
async fn machine_edit_form(
    State(state): State<AppState>,
    Path(id): Path<String>,
    CsrfForm(ctx, form): CsrfForm<MachineEditForm>,
) -> Result<Response, AppError> {
    let store = state.store();
    let (id, name, snap) = managed_machine(store, &ctx, &id).await?;
    let stored = snap.machine(id).ok_or(AppError::NotFound)?;
    let today = today(store).await?;
    let result = match machine_edited(stored, &form) {
        Ok((machine, version)) => store
            .fleet_machine_update(ctx.author(), &machine, version.unwrap_or(stored.version), today)
            .await
            .map(|_| ())
            .map_err(AppError::from),
        Err(e) => Err(e),
    };
    match result {
        Ok(()) => Ok(redirect_with_flash(&ctx, &format!("/fleet/machines/{id}#machine-edit"), "fleet-machine-saved")),
        Err(error) => {
            let field = |f: &str| match f {
                "status" => "status",
                "district" => "district",
                "operating" => "operating",
                "climate" => "climate",
                _ => "commissioned_on",
            };
            let (status, errors) = machine_form_errors(&ctx.tr, &name, field, error)?;
            let forms = MachineForms { edit: Some(form), ..Default::default() };
            machine_page_with(&state, &ctx, id, forms, errors, status).await
        }
    }
}

/// A warranty recorded from the machine's page.
async fn warranty_form(
    State(state): State<AppState>,
    Path(id): Path<String>,
    CsrfForm(ctx, form): CsrfForm<WarrantyForm>,
) -> Result<Response, AppError> {
    let store = state.store();
    let (id, name, _) = managed_machine(store, &ctx, &id).await?;
    let result = match super::parse_warranty(id, &form.part, &form.from, &form.until, &form.limit_meter, &form.up_to) {
        Ok(w) => store.fleet_warranty_add(ctx.author(), &w, &form.note).await.map_err(AppError::from),
        Err(e) => Err(e),
    };
    match result {
        Ok(()) => Ok(redirect_with_flash(&ctx, &format!("/fleet/machines/{id}#warranties"), "fleet-warranty-added")),
        Err(error) => {
            let field = |f: &str| match f {
                "until" => "until",
                "up_to" => "up_to",
                "meter" => "limit_meter",
                "part" => "part",
                _ => "from",
            };
            let (status, errors) = machine_form_errors(&ctx.tr, &name, field, error)?;
            let forms = MachineForms { warranty: form, ..Default::default() };
            machine_page_with(&state, &ctx, id, forms, errors, status).await
        }
    }
}

#[derive(Deserialize)]
struct AssemblyForm {
    /// `install`: fit `assembly` from the pool; `register`: a new one (kind, serial, meter,
    /// usage before), fitted here.
    #[serde(default)]
    action: String,
    #[serde(default)]
    assembly: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    serial: String,
    #[serde(default)]
    meter: String,
    #[serde(default)]
    usage_before: String,
    #[serde(default)]
    date: String,
}

/// Fits an assembly to the machine: one from the exchange pool, or a new one.
async fn assembly_form(
    State(state): State<AppState>,
    Path(id): Path<String>,
    CsrfForm(ctx, form): CsrfForm<AssemblyForm>,
) -> Result<Response, AppError> {
    let store = state.store();
    let (id, name, _) = managed_machine(store, &ctx, &id).await?;
    let result = async {
        let date = super::parse_day(&form.date, "date")?;
        if form.action == "register" {
            let a = super::parse_assembly(&form.kind, &form.serial, &form.meter, &form.usage_before)?;
            store.fleet_assembly_add(ctx.author(), &a, Some((id, date))).await?;
        } else {
            let assembly = accord_domain::AssemblyId::from_str(form.assembly.trim())
                .map_err(|_| super::invalid("assembly", accord_domain::validation::Reason::Required))?;
            store.fleet_assembly_move(ctx.author(), assembly, None, Some((id, date))).await?;
        }
        Ok::<(), AppError>(())
    }
    .await;
    match result {
        Ok(()) => Ok(redirect_with_flash(&ctx, &format!("/fleet/machines/{id}#assemblies"), "fleet-assembly-moved")),
        Err(error) => {
            let (status, errors) = machine_form_errors(&ctx.tr, &name, |_| "assembly", error)?;
            machine_page_with(&state, &ctx, id, MachineForms::default(), errors, status).await
        }
    }
}

#[derive(Deserialize)]
struct RemoveForm {
    #[serde(default)]
    date: String,
}

/// Takes an assembly off the machine into the exchange pool (after a confirmation).
async fn assembly_remove_form(
    State(state): State<AppState>,
    Path((id, assembly)): Path<(String, String)>,
    CsrfForm(ctx, form): CsrfForm<RemoveForm>,
) -> Result<Response, AppError> {
    let store = state.store();
    let (id, name, _) = managed_machine(store, &ctx, &id).await?;
    let assembly = accord_domain::AssemblyId::from_str(assembly.trim()).map_err(|_| AppError::NotFound)?;
    let result = async {
        let date = super::parse_day(&form.date, "date")?;
        let on = store.fleet_assemblies().await?.into_iter().find(|a| a.assembly.id == assembly);
        if on.and_then(|a| a.installed).is_none_or(|i| i.machine != id) {
            return Err(AppError::NotFound);
        }
        store.fleet_assembly_move(ctx.author(), assembly, Some(date), None).await?;
        Ok(())
    }
    .await;
    match result {
        Ok(()) => Ok(redirect_with_flash(&ctx, &format!("/fleet/machines/{id}#assemblies"), "fleet-assembly-moved")),
        Err(error) => {
            let (status, errors) = machine_form_errors(&ctx.tr, &name, |_| "assembly", error)?;
            machine_page_with(&state, &ctx, id, MachineForms::default(), errors, status).await
        }
    }
}

fn machine_ident(m: &MachineItem) -> String {
    m.vin.clone().or_else(|| m.serial.clone()).unwrap_or_default()
}

fn void_label(tr: &Tr, reason: &accord_domain::fleet::meter::VoidReason) -> String {
    use accord_domain::fleet::meter::VoidReason;
    match reason {
        VoidReason::Mistyped => tr.t("fleet-void-reason-mistyped"),
        VoidReason::WrongMachine => tr.t("fleet-void-reason-wrong_machine"),
        VoidReason::MeterFault => tr.t("fleet-void-reason-meter_fault"),
        VoidReason::Duplicate => tr.t("fleet-void-reason-duplicate"),
        VoidReason::Other(text) => text.clone(),
    }
}

/// A refusal of a form on a machine's page, shown above the form and beside the field: it
/// names the machine (by model and VIN, not its id), the field and the value.
fn machine_form_errors(
    tr: &Tr,
    machine: &str,
    form_field: impl Fn(&str) -> &'static str,
    error: AppError,
) -> Result<(StatusCode, FormErrors), AppError> {
    match error {
        AppError::Store(accord_store::StoreError::Refused { key, field, value, .. }) => {
            let reason = tr.ta(&fluent_id(key), &[("subject", machine.to_string()), ("value", value.clone())]);
            let at = form_field(field);
            let general = tr.ta(
                "fleet-form-refused",
                &[
                    ("machine", machine.to_string()),
                    ("field", tr.t(&format!("fleet-field-{at}"))),
                    ("value", value),
                    ("reason", reason.clone()),
                ],
            );
            Ok((StatusCode::UNPROCESSABLE_ENTITY, FormErrors::with(vec![(at, reason)], Some(general))))
        }
        other => FormErrors::from_app_error(tr, other),
    }
}

/// A reading entered by hand on the machine's page.
async fn reading_form(
    State(state): State<AppState>,
    Path(id): Path<String>,
    CsrfForm(ctx, form): CsrfForm<ReadingForm>,
) -> Result<Response, AppError> {
    use accord_domain::validation::Reason;
    let store = state.store();
    let (id, name, _) = managed_machine(store, &ctx, &id).await?;
    let parsed = (|| -> Result<NewReading, AppError> {
        let kind = accord_formats::fleet::meter_kind(&form.meter)
            .ok_or_else(|| super::invalid("meter", Reason::UnknownValue))?;
        let date = NaiveDate::parse_from_str(form.date.trim(), "%Y-%m-%d")
            .map_err(|_| super::invalid("date", Reason::UnknownValue))?;
        let text: String = form.value.chars().filter(|c| !c.is_whitespace() && *c != '\u{a0}').collect();
        if text.is_empty() {
            return Err(super::invalid("value", Reason::Required));
        }
        let value: i64 = text.parse().map_err(|_| super::invalid("value", Reason::UnknownValue))?;
        Ok(NewReading { machine: id, kind, date, value })
    })();
    let result = match parsed {
        Ok(reading) => store.fleet_readings_add(ctx.author(), &[reading], None).await.map_err(AppError::from),
        Err(e) => Err(e),
    };
    match result {
        Ok(_) => Ok(redirect_with_flash(&ctx, &format!("/fleet/machines/{id}#readings"), "fleet-reading-added")),
        Err(error) => {
            let field = |f: &str| match f {
                "date" => "date",
                "kind" | "meter" => "meter",
                _ => "value",
            };
            let (status, errors) = machine_form_errors(&ctx.tr, &name, field, error)?;
            let forms = MachineForms { reading: form, ..Default::default() };
            machine_page_with(&state, &ctx, id, forms, errors, status).await
        }
    }
}

#[derive(Deserialize)]
struct VoidForm {
    #[serde(default)]
    reason: String,
    #[serde(default)]
    note: String,
}

/// Voids a reading from the machine's page (the form asks for confirmation first).
async fn void_form(
    State(state): State<AppState>,
    Path((id, reading)): Path<(String, String)>,
    CsrfForm(ctx, form): CsrfForm<VoidForm>,
) -> Result<Response, AppError> {
    let store = state.store();
    let (id, name, _) = managed_machine(store, &ctx, &id).await?;
    let reading = accord_domain::MeterReadingId::from_str(reading.trim()).map_err(|_| AppError::NotFound)?;
    if store.fleet_reading_machine(reading).await? != id {
        return Err(AppError::NotFound);
    }
    let result = match super::void_reason(&form.reason, Some(&form.note)) {
        Ok(reason) => store.fleet_reading_void(ctx.author(), reading, reason).await.map_err(AppError::from),
        Err(e) => Err(e),
    };
    match result {
        Ok(()) => Ok(redirect_with_flash(&ctx, &format!("/fleet/machines/{id}#readings"), "fleet-reading-voided")),
        Err(error) => {
            let (status, errors) = machine_form_errors(&ctx.tr, &name, |_| "reading", error)?;
            machine_page_with(&state, &ctx, id, MachineForms::default(), errors, status).await
        }
    }
}

pub struct DueLine {
    pub machine: MachineLine,
    pub service: String,
    pub due: String,
    pub forecast: String,
    pub overdue: bool,
}

#[derive(Template)]
#[template(path = "fleet/due.html")]
struct DuePage {
    chrome: Chrome,
    rows: Vec<DueLine>,
    can_create: bool,
    today: String,
}

fn due_line(tr: &Tr, d: &DueRow) -> DueLine {
    DueLine {
        machine: machine_line(tr, &d.machine),
        service: k(tr, d.service.key()),
        due: day(tr, d.due_date),
        forecast: day(tr, d.forecast),
        overdue: d.overdue,
    }
}

async fn due_page(State(state): State<AppState>, ctx: Ctx) -> Result<Response, AppError> {
    ctx.require(Action::Read)?;
    let store = state.store();
    let scope = Scope::of(store, &ctx.user).await?;
    let today = today(store).await?;
    let rows = views::due_rows(store, &scope, today).await?;
    let tr = &ctx.tr;
    render(&DuePage {
        chrome: Chrome::new(&ctx, state.is_demo(), "fleet", tr.t("fleet-due-title")).crumb("fleet-title", "/fleet"),
        rows: rows.iter().map(|d| due_line(tr, d)).collect(),
        can_create: scope.edit_orders,
        today: tr.day(today),
    })
}

/// The due list's form: the machines ticked (`machine` repeated).
async fn create_preventive(
    State(state): State<AppState>,
    CsrfForm(ctx, form): CsrfForm<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let store = state.store();
    let scope = Scope::of(store, &ctx.user).await?;
    scope.require_edit()?;
    let machines: Vec<MachineId> = form
        .iter()
        .filter(|(k, _)| k == "machine")
        .map(|(_, v)| {
            MachineId::from_str(v)
                .map_err(|_| super::invalid("machine", accord_domain::validation::Reason::UnknownValue))
        })
        .collect::<Result<_, _>>()?;
    if machines.is_empty() {
        return Err(super::invalid("machine", accord_domain::validation::Reason::Required));
    }
    let today = today(store).await?;
    let at = today.and_hms_opt(8, 0, 0).unwrap_or_default();
    store.fleet_create_preventive(ctx.author(), &machines, today, at).await?;
    Ok(redirect_with_flash(&ctx, "/fleet/workorders?open=1", "fleet-preventive-created"))
}

#[derive(Debug, Default, Deserialize)]
struct OrdersQuery {
    open: Option<String>,
    page: Option<i64>,
}

#[derive(Template)]
#[template(path = "fleet/orders.html")]
struct OrdersPage {
    chrome: Chrome,
    rows: Vec<OrderLine>,
    links: ListLinks,
    open_only: bool,
}

async fn orders_page(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<OrdersQuery>,
) -> Result<Response, AppError> {
    ctx.require(Action::Read)?;
    let store = state.store();
    let scope = Scope::of(store, &ctx.user).await?;
    let open_only = q.open.as_deref().is_some_and(|v| !v.is_empty() && v != "0");
    let filter = WorkOrderFilter { machine: None, open_only, owners: scope.owners() };
    let page = store.fleet_work_orders(&filter, Paging::new(q.page, Some(50))).await?;
    let snap = store.fleet_snapshot().await?;
    let names = machine_names(&snap);
    let tr = &ctx.tr;
    render(&OrdersPage {
        chrome: Chrome::new(&ctx, state.is_demo(), "fleet", tr.t("fleet-orders-title")).crumb("fleet-title", "/fleet"),
        rows: page.items.iter().map(|o| order_line(tr, o, &names)).collect(),
        links: ListLinks {
            base: "/fleet/workorders".into(),
            filters: if open_only { vec![("open".into(), "1".into())] } else { Vec::new() },
            sort: "number".into(),
            descending: true,
            page: page.page,
            pages: page.pages(),
            total: page.total,
        },
        open_only,
    })
}

pub struct WorkView {
    pub operation: String,
    pub hours: String,
    pub warranty: bool,
}

pub struct PartView {
    pub part: String,
    pub qty: u32,
    pub price: String,
    pub warranty: bool,
}

#[derive(Template)]
#[template(path = "fleet/order.html")]
struct OrderPage {
    chrome: Chrome,
    id: String,
    machine: String,
    machine_id: String,
    kind: String,
    status: String,
    service: String,
    opened: String,
    started: String,
    finished: String,
    signed: String,
    work: Vec<WorkView>,
    parts: Vec<PartView>,
    total: String,
    actions: Vec<(String, String)>,
    can_edit: bool,
    warehouses: Vec<(String, String, String, i64)>,
}

async fn load_order(state: &AppState, ctx: &Ctx, id: &str) -> Result<(Scope, accord_store::StoredWorkOrder), AppError> {
    let store = state.store();
    let id = WorkOrderId::from_str(id).map_err(|_| AppError::NotFound)?;
    let scope = Scope::of(store, &ctx.user).await?;
    let order = store.fleet_work_order(id).await?;
    let snap = store.fleet_snapshot().await?;
    scope.require_machine(&snap, order.order.machine)?;
    Ok((scope, order))
}

async fn order_page(State(state): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> Result<Response, AppError> {
    let (scope, stored) = load_order(&state, &ctx, &id).await?;
    let tr = &ctx.tr;
    let o = &stored.order;
    let snap = state.store().fleet_snapshot().await?;
    let names = machine_names(&snap);
    let at = |t: Option<chrono::NaiveDateTime>| {
        t.map_or_else(|| "—".to_string(), |t| format!("{} {}", tr.day(t.date()), t.format("%H:%M")))
    };
    let cost = o
        .cost(accord_domain::trade::Money::new(accord_store::LABOUR_RATE_KOPECKS, accord_domain::trade::Currency::Rub));
    let stock = if scope.edit_orders { state.store().fleet_stock().await? } else { Vec::new() };
    render(&OrderPage {
        chrome: Chrome::new(&ctx, state.is_demo(), "fleet", format!("{} № {}", tr.t("fleet-order"), stored.number))
            .crumb("fleet-orders-title", "/fleet/workorders")
            .crumb_text(format!("№ {}", stored.number)),
        id: o.id.to_string(),
        machine: names.get(&o.machine).cloned().unwrap_or_default(),
        machine_id: o.machine.to_string(),
        kind: k(tr, o.kind.key()),
        status: k(tr, o.status.key()),
        service: o.service.map(|s| k(tr, s.key())).unwrap_or_default(),
        opened: at(Some(o.opened_at)),
        started: at(o.started_at),
        finished: at(o.finished_at),
        signed: o.sign_off.as_ref().map(|s| format!("{}, {}", s.by, at(Some(s.at)))).unwrap_or_default(),
        work: o
            .work
            .iter()
            .map(|w| WorkView {
                operation: w.operation.clone(),
                hours: tr.decimal(w.actual_hours.unwrap_or(w.standard_hours)),
                warranty: w.warranty.is_some(),
            })
            .collect(),
        parts: o
            .parts
            .iter()
            .map(|p| PartView {
                part: p.part.to_string(),
                qty: p.qty,
                price: tr.minor_units(p.unit_price.minor),
                warranty: p.warranty.is_some(),
            })
            .collect(),
        total: cost.map(|c| tr.minor_units(c.total.minor)).unwrap_or_default(),
        actions: if scope.edit_orders {
            actions_from(o.status).iter().map(|a| (a.to_string(), tr.t(&format!("fleet-action-{a}")))).collect()
        } else {
            Vec::new()
        },
        can_edit: scope.edit_orders && o.status != accord_domain::fleet::work_order::WorkOrderStatus::Closed,
        warehouses: stock
            .into_iter()
            .filter(|s| s.qty > 0)
            .map(|s| (s.warehouse.to_string(), s.warehouse_name, format!("{} · {}", s.part, s.bin), s.qty))
            .take(500)
            .collect(),
    })
}

#[derive(Deserialize)]
struct ActionForm {
    action: String,
    #[serde(default)]
    by: String,
}

async fn order_action_form(
    State(state): State<AppState>,
    Path(id): Path<String>,
    CsrfForm(ctx, form): CsrfForm<ActionForm>,
) -> Result<Response, AppError> {
    let (scope, stored) = load_order(&state, &ctx, &id).await?;
    scope.require_edit()?;
    let store = state.store();
    let now = chrono::Utc::now().naive_utc().max(stored.order.opened_at);
    let action = order_action(&form.action, Some(&form.by))?;
    store.fleet_work_order_apply(ctx.author(), stored.order.id, action.clone(), now).await?;
    // Signing off closes the order in the same step: the customer's signature is the end.
    if matches!(action, accord_domain::fleet::work_order::Action::SignOff { .. }) {
        store
            .fleet_work_order_apply(ctx.author(), stored.order.id, accord_domain::fleet::work_order::Action::Close, now)
            .await?;
    }
    Ok(redirect_with_flash(&ctx, &format!("/fleet/workorders/{id}"), "fleet-order-updated"))
}

#[derive(Deserialize)]
struct WorkForm {
    operation: String,
    hours: String,
}

async fn order_work_form(
    State(state): State<AppState>,
    Path(id): Path<String>,
    CsrfForm(ctx, form): CsrfForm<WorkForm>,
) -> Result<Response, AppError> {
    let (scope, stored) = load_order(&state, &ctx, &id).await?;
    scope.require_edit()?;
    let operation = form.operation.trim();
    if operation.is_empty() {
        return Err(super::invalid("operation", accord_domain::validation::Reason::Required));
    }
    let hours = Decimal::from_str(&form.hours.trim().replace(',', "."))
        .map_err(|_| super::invalid("hours", accord_domain::validation::Reason::UnknownValue))?;
    let line = WorkLine {
        operation: operation.to_string(),
        standard_hours: hours,
        actual_hours: Some(hours),
        technician: None,
        part: None,
        warranty: None,
    };
    state.store().fleet_work_order_add_work(ctx.author(), stored.order.id, line).await?;
    Ok(redirect_with_flash(&ctx, &format!("/fleet/workorders/{id}"), "fleet-order-updated"))
}

#[derive(Deserialize)]
struct IssueForm {
    warehouse: String,
    bin: String,
    part: String,
    qty: String,
}

async fn order_issue_form(
    State(state): State<AppState>,
    Path(id): Path<String>,
    CsrfForm(ctx, form): CsrfForm<IssueForm>,
) -> Result<Response, AppError> {
    let (scope, stored) = load_order(&state, &ctx, &id).await?;
    scope.require_edit()?;
    issue(&state, &ctx.author(), stored.order.id, &form.warehouse, &form.bin, &form.part, &form.qty).await?;
    Ok(redirect_with_flash(&ctx, &format!("/fleet/workorders/{id}"), "fleet-order-updated"))
}

/// Issues a part to an order from form or API text, naming the field on bad input.
pub async fn issue(
    state: &AppState,
    author: &accord_store::Author<'_>,
    order: WorkOrderId,
    warehouse: &str,
    bin: &str,
    part: &str,
    qty: &str,
) -> Result<accord_store::StoredWorkOrder, AppError> {
    use accord_domain::validation::Reason;
    let warehouse =
        WarehouseId::from_str(warehouse.trim()).map_err(|_| super::invalid("warehouse", Reason::UnknownValue))?;
    let part = PartNumber::parse(part).map_err(|_| super::invalid("part", Reason::UnknownValue))?;
    let qty: u32 = qty.trim().parse().map_err(|_| super::invalid("qty", Reason::UnknownValue))?;
    let today = today(state.store()).await?;
    Ok(state.store().fleet_issue_part(*author, order, warehouse, bin.trim(), &part, qty, today).await?)
}

async fn order_pdf(State(state): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> Result<Response, AppError> {
    let (_, stored) = load_order(&state, &ctx, &id).await?;
    let pdf = super::pdf::work_order_pdf(state.store(), &stored).await?;
    Ok((
        [
            (header::CONTENT_TYPE, "application/pdf".to_string()),
            (header::CONTENT_DISPOSITION, format!("inline; filename=\"work-order-{}.pdf\"", stored.number)),
        ],
        pdf,
    )
        .into_response())
}

pub struct StockLine {
    pub warehouse: String,
    pub bin: String,
    pub part: String,
    pub qty: i64,
    pub reserved: i64,
    pub in_transit: i64,
}

pub struct SuggestLine {
    pub supplier: String,
    pub part: String,
    pub qty: u64,
    pub position: i64,
    pub reorder_point: u64,
    pub safety_stock: u64,
}

#[derive(Template)]
#[template(path = "fleet/parts.html")]
struct PartsPage {
    chrome: Chrome,
    stock: Vec<StockLine>,
    movements: Vec<(String, String, String, i64, String, String)>,
    suggested: Vec<SuggestLine>,
    parts: usize,
    shipments: Vec<ShipmentLine>,
    warehouses: Vec<(String, String)>,
    suppliers: Vec<(String, String)>,
    can_manage: bool,
    form: ShipmentForm,
    errors: FormErrors,
}

pub struct ShipmentLine {
    pub id: String,
    pub supplier: String,
    pub reference: String,
    pub warehouse: String,
    pub bin: String,
    pub part: String,
    pub qty: i64,
    pub shipped: String,
    pub expected: String,
    pub received: Option<String>,
    pub late: bool,
}

/// What the shipment form last held (kept after a refusal).
#[derive(Debug, Default, Clone, Deserialize)]
pub struct ShipmentForm {
    #[serde(default)]
    pub supplier: String,
    #[serde(default)]
    pub reference: String,
    #[serde(default)]
    pub warehouse: String,
    #[serde(default)]
    pub bin: String,
    #[serde(default)]
    pub part: String,
    #[serde(default)]
    pub qty: String,
    #[serde(default)]
    pub shipped_on: String,
    #[serde(default)]
    pub expected_on: String,
}

async fn parts_page(State(state): State<AppState>, ctx: Ctx) -> Result<Response, AppError> {
    parts_page_with(&state, &ctx, ShipmentForm::default(), FormErrors::default(), StatusCode::OK).await
}

async fn parts_page_with(
    state: &AppState,
    ctx: &Ctx,
    form: ShipmentForm,
    errors: FormErrors,
    status: StatusCode,
) -> Result<Response, AppError> {
    let store = state.store();
    let scope = Scope::of(store, &ctx.user).await?;
    scope.require_whole()?;
    let tr = &ctx.tr;
    let today = today(store).await?;
    let owners = views::owner_names(store).await?;
    let stock = store.fleet_stock().await?;
    let movements = store.fleet_movements(None, 50).await?;
    let suggested = store.fleet_suggested_orders(today).await?;
    let catalogue = store.fleet_parts().await?;
    let parts = catalogue.len();
    let shipments = store.fleet_shipments(200).await?;
    let mut suppliers: Vec<(String, String)> = catalogue
        .iter()
        .filter_map(|p| p.supplier)
        .map(|o| (o.to_string(), owners.get(&o).cloned().unwrap_or_else(|| o.to_string())))
        .collect();
    suppliers.sort_by(|a, b| a.1.cmp(&b.1));
    suppliers.dedup();
    let mut warehouses: Vec<(String, String)> =
        stock.iter().map(|s| (s.warehouse.to_string(), s.warehouse_name.clone())).collect();
    warehouses.sort_by(|a, b| a.1.cmp(&b.1));
    warehouses.dedup();
    let form = ShipmentForm {
        shipped_on: if form.shipped_on.is_empty() { today.to_string() } else { form.shipped_on },
        ..form
    };
    render_status(
        status,
        &PartsPage {
            chrome: Chrome::new(ctx, state.is_demo(), "fleet", tr.t("fleet-parts-title"))
                .crumb("fleet-title", "/fleet"),
            stock: stock
                .into_iter()
                .take(300)
                .map(|s| StockLine {
                    warehouse: s.warehouse_name,
                    bin: s.bin,
                    part: s.part,
                    qty: s.qty,
                    reserved: s.reserved,
                    in_transit: s.in_transit,
                })
                .collect(),
            movements: movements
                .into_iter()
                .map(|m| (tr.day(m.on_date), m.warehouse, m.part, m.delta, m.kind, m.by.unwrap_or_default()))
                .collect(),
            suggested: suggested
                .iter()
                .flat_map(|o| {
                    let supplier = owners.get(&o.supplier).cloned().unwrap_or_else(|| o.supplier.to_string());
                    o.lines.iter().map(move |l| SuggestLine {
                        supplier: supplier.clone(),
                        part: l.part.to_string(),
                        qty: l.qty,
                        position: l.position,
                        reorder_point: l.reorder_point,
                        safety_stock: l.safety_stock,
                    })
                })
                .collect(),
            parts,
            shipments: shipments
                .iter()
                .map(|s| ShipmentLine {
                    id: s.id.to_string(),
                    supplier: s
                        .supplier
                        .map(|o| owners.get(&o).cloned().unwrap_or_else(|| o.to_string()))
                        .unwrap_or_default(),
                    reference: s.reference.clone(),
                    warehouse: s.warehouse_name.clone(),
                    bin: s.bin.clone(),
                    part: s.part.clone(),
                    qty: s.qty,
                    shipped: tr.day(s.shipped_on),
                    expected: tr.day(s.expected_on),
                    received: s.received_on.map(|d| tr.day(d)),
                    late: s.received_on.is_none() && s.expected_on < today,
                })
                .collect(),
            warehouses,
            suppliers,
            can_manage: scope.manage,
            form,
            errors,
        },
    )
}

/// A shipment from form or API text, naming the field on bad input.
pub fn parse_shipment(form: &ShipmentForm) -> Result<accord_store::NewShipment, AppError> {
    use accord_domain::validation::Reason;
    let day = |text: &str, field: &'static str| {
        NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d").map_err(|_| {
            super::invalid(field, if text.trim().is_empty() { Reason::Required } else { Reason::UnknownValue })
        })
    };
    let supplier = match form.supplier.trim() {
        "" => None,
        s => Some(
            accord_domain::OrganisationId::from_str(s).map_err(|_| super::invalid("supplier", Reason::UnknownValue))?,
        ),
    };
    let warehouse =
        WarehouseId::from_str(form.warehouse.trim()).map_err(|_| super::invalid("warehouse", Reason::UnknownValue))?;
    if form.bin.trim().is_empty() {
        return Err(super::invalid("bin", Reason::Required));
    }
    let part = PartNumber::parse(&form.part).map_err(|_| super::invalid("part", Reason::UnknownValue))?;
    let qty: u32 = form.qty.trim().parse().map_err(|_| super::invalid("qty", Reason::UnknownValue))?;
    Ok(accord_store::NewShipment {
        supplier,
        reference: form.reference.trim().to_string(),
        warehouse,
        bin: form.bin.trim().to_string(),
        part,
        qty,
        shipped_on: day(&form.shipped_on, "shipped_on")?,
        expected_on: day(&form.expected_on, "expected_on")?,
    })
}

/// Records a shipment in transit from the parts page.
async fn shipment_form(
    State(state): State<AppState>,
    CsrfForm(ctx, form): CsrfForm<ShipmentForm>,
) -> Result<Response, AppError> {
    let store = state.store();
    let scope = Scope::of(store, &ctx.user).await?;
    scope.require_manage()?;
    let result = match parse_shipment(&form) {
        Ok(s) => store.fleet_shipment_add(ctx.author(), &s).await.map(|_| ()).map_err(AppError::from),
        Err(e) => Err(e),
    };
    match result {
        Ok(()) => Ok(redirect_with_flash(&ctx, "/fleet/parts#shipments", "fleet-shipment-added")),
        Err(error) => {
            let (status, errors) = match error {
                AppError::Store(accord_store::StoreError::Refused { key, field, subject, value, .. }) => {
                    let message = ctx.tr.ta(&fluent_id(key), &[("subject", subject), ("value", value)]);
                    let at = match field {
                        "expected_on" => "expected_on",
                        "warehouse" => "warehouse",
                        "qty" => "qty",
                        _ => "part",
                    };
                    (StatusCode::UNPROCESSABLE_ENTITY, FormErrors::with(vec![(at, message.clone())], Some(message)))
                }
                other => FormErrors::from_app_error(&ctx.tr, other)?,
            };
            parts_page_with(&state, &ctx, form, errors, status).await
        }
    }
}

/// Receives a shipment (after a confirmation): it becomes a receipt into its bin.
async fn receive_form(
    State(state): State<AppState>,
    Path(id): Path<String>,
    CsrfForm(ctx, _form): CsrfForm<HashMap<String, String>>,
) -> Result<Response, AppError> {
    let store = state.store();
    let scope = Scope::of(store, &ctx.user).await?;
    scope.require_manage()?;
    let id = accord_store::ShipmentId(uuid::Uuid::from_str(id.trim()).map_err(|_| AppError::NotFound)?);
    let today = today(store).await?;
    store.fleet_shipment_receive(ctx.author(), id, today).await?;
    Ok(redirect_with_flash(&ctx, "/fleet/parts#shipments", "fleet-shipment-received"))
}

#[derive(Template)]
#[template(path = "fleet/kpi.html")]
struct KpiPage {
    chrome: Chrome,
    from: String,
    to: String,
    by: String,
    rows: Vec<KpiLine>,
    total: Option<KpiLine>,
    chart: String,
}

pub fn group_name(
    tr: &Tr,
    key: &GroupKey,
    snap: &accord_store::FleetSnapshot,
    owners: &HashMap<accord_domain::OrganisationId, String>,
) -> String {
    match key {
        GroupKey::Fleet => tr.t("fleet-whole"),
        GroupKey::Machine(id) => machine_names(snap).get(id).cloned().unwrap_or_else(|| id.to_string()),
        GroupKey::Model(id) => snap.models.get(id).map_or_else(|| id.to_string(), |m| m.designation.clone()),
        GroupKey::Brand(b) => brand_name(tr, &accord_store::brand_code(b)),
        GroupKey::Owner(o) => owners.get(o).cloned().unwrap_or_else(|| o.to_string()),
    }
}

async fn kpi_page(State(state): State<AppState>, ctx: Ctx, Query(q): Query<KpiQuery>) -> Result<Response, AppError> {
    ctx.require(Action::Read)?;
    let store = state.store();
    let scope = Scope::of(store, &ctx.user).await?;
    let today = today(store).await?;
    let (range, by) = q.resolve(today)?;
    let table = store.fleet_kpi(range, by, |m| scope.sees(m)).await?;
    let snap = store.fleet_snapshot().await?;
    let owners = views::owner_names(store).await?;
    let tr = &ctx.tr;
    // КТГ by quarter over the range, one line per group (at most six groups drawn).
    let mut quarters = Vec::new();
    let mut start = range.from();
    while start < range.to() {
        let q = accord_domain::quarter::Quarter::of_month(start.year(), start.month());
        let Some(q) = q else { break };
        let end = q.last_day().succ_opt().unwrap_or(range.to()).min(range.to());
        quarters.push((q, start, end));
        start = end;
    }
    let mut series = Vec::new();
    if by != GroupBy::Machine {
        let mut per_group: HashMap<GroupKey, Vec<f64>> = HashMap::new();
        for (_, from, to) in &quarters {
            if let Ok(r) = accord_domain::fleet::kpi::DateRange::new(*from, *to) {
                let t = store.fleet_kpi(r, by, |m| scope.sees(m)).await?;
                for row in &table.rows {
                    let v = t.rows.iter().find(|x| x.key == row.key).and_then(|x| x.kpi.ktg).unwrap_or(0.0) * 100.0;
                    per_group.entry(row.key.clone()).or_default().push(v);
                }
            }
        }
        for row in table.rows.iter().take(6) {
            series.push(Series::new(
                group_name(tr, &row.key, &snap, &owners),
                per_group.remove(&row.key).unwrap_or_default(),
            ));
        }
    }
    let labels: Vec<String> = quarters.iter().map(|(q, _, _)| format!("{} {}", q.roman(), q.year())).collect();
    let chart = if series.is_empty() || labels.is_empty() {
        String::new()
    } else {
        trend_lines(&tr.t("fleet-kpi-chart"), &labels, &series, "%")
    };
    let line = |r: &KpiRow| kpi_line(tr, group_name(tr, &r.key, &snap, &owners), r.sums.machines, &r.kpi);
    render(&KpiPage {
        chrome: Chrome::new(&ctx, state.is_demo(), "fleet", tr.t("fleet-kpi-title")).crumb("fleet-title", "/fleet"),
        from: range.from().to_string(),
        to: range.to().checked_sub_days(Days::new(1)).unwrap_or(range.to()).to_string(),
        by: q.by.clone().unwrap_or_else(|| "model".into()),
        rows: table.rows.iter().map(line).collect(),
        total: table.total.as_ref().map(line),
        chart,
    })
}
