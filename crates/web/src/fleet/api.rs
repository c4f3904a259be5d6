//! The fleet JSON API under `/api/v1/fleet`, mirroring the pages. Bad input is a 4xx whose
//! body names the field (`{"error": {"code", "message", "field"}}`).

use super::pages::{MachineEditForm, machine_edited};
use super::views::{self, DueRow, KpiQuery, MachineData, MachineItem, MachineQuery};
use super::{ImportError, ImportKind, ImportSummary, Scope, import_file, order_action, today};
use crate::AppState;
use crate::ctx::ApiUser;
use crate::error::AppError;
use accord_domain::fleet::kpi::KpiRow;
use accord_domain::fleet::meter::MeterKind;
use accord_domain::quarter::Quarter;
use accord_domain::validation::{Invalid, Reason};
use accord_domain::{MachineId, WorkOrderId};
use accord_store::{
    Author, FleetImportOutcome, NewReading, Paging, QuarterFigures, StoredWorkOrder, WorkOrderFilter, WorkOrderRow,
};
use axum::Json;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::str::FromStr;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/fleet/machines", get(machines))
        .route("/api/v1/fleet/machines/{id}", get(machine).put(update_machine))
        .route("/api/v1/fleet/readings", post(add_reading))
        .route("/api/v1/fleet/machines/{id}/readings", get(readings))
        .route("/api/v1/fleet/readings/{id}/void", post(void_reading))
        .route("/api/v1/fleet/machines/{id}/warranties", get(warranties).post(add_warranty))
        .route("/api/v1/fleet/due", get(due))
        .route("/api/v1/fleet/due/orders", post(create_preventive))
        .route("/api/v1/fleet/workorders", get(orders))
        .route("/api/v1/fleet/workorders/{id}", get(order))
        .route("/api/v1/fleet/workorders/{id}/actions", post(order_action_api))
        .route("/api/v1/fleet/workorders/{id}/parts", post(issue_part))
        .route("/api/v1/fleet/kpi", get(kpi))
        .route("/api/v1/fleet/quarters/{quarter}", get(quarter))
        .route("/api/v1/fleet/parts/orders", get(suggested))
        .route("/api/v1/fleet/stock", get(stock))
        .route("/api/v1/fleet/assemblies", get(assemblies).post(add_assembly))
        .route("/api/v1/fleet/assemblies/{id}/move", post(move_assembly))
        .route("/api/v1/fleet/machines/{id}/assemblies", get(machine_assemblies))
        .route("/api/v1/fleet/shipments", get(shipments).post(add_shipment))
        .route("/api/v1/fleet/shipments/{id}/receive", post(receive_shipment))
        .route("/api/v1/fleet/workorders/{id}/reservations", get(reservations))
}

/// File imports: the body is the file, `?dry_run=true` only checks it.
pub fn upload_routes() -> Router<AppState> {
    Router::new().route("/api/v1/fleet/imports/{kind}", post(import)).layer(DefaultBodyLimit::max(64 * 1024 * 1024))
}

fn bad(field: &'static str) -> AppError {
    Invalid::one(field, Reason::UnknownValue).into()
}

#[derive(Serialize)]
struct MachineList {
    items: Vec<MachineItem>,
    total: i64,
    page: i64,
    per_page: i64,
}

async fn machines(
    State(state): State<AppState>,
    api: ApiUser,
    Query(q): Query<MachineQuery>,
) -> Result<Json<MachineList>, AppError> {
    let store = state.store();
    let scope = Scope::of(store, &api.user).await?;
    let snap = store.fleet_snapshot().await?;
    let owners = views::owner_names(store).await?;
    let (items, total, paging) = views::machine_list(&snap, &scope, &owners, &q)?;
    Ok(Json(MachineList { items, total, page: paging.page, per_page: paging.per_page }))
}

async fn machine(
    State(state): State<AppState>,
    api: ApiUser,
    Path(id): Path<String>,
) -> Result<Json<MachineData>, AppError> {
    let store = state.store();
    let id = MachineId::from_str(&id).map_err(|_| AppError::NotFound)?;
    let scope = Scope::of(store, &api.user).await?;
    Ok(Json(views::machine_data(store, &scope, id, today(store).await?).await?))
}

/// What a machine's register entry may change over the API; a field left out stays.
#[derive(Deserialize)]
struct MachineBody {
    status: Option<String>,
    district: Option<String>,
    /// `YYYY-MM-DD`; an empty string clears it.
    commissioned_on: Option<String>,
    /// Permille: 1000, 900, 800, 700 or 600 (categories I to V).
    operating: Option<u16>,
    /// Permille: 1000, 900 or 800.
    climate: Option<u16>,
    /// The version read; a later change makes this one a 409.
    version: Option<i64>,
}

async fn update_machine(
    State(state): State<AppState>,
    api: ApiUser,
    Path(id): Path<String>,
    Json(body): Json<MachineBody>,
) -> Result<Json<MachineData>, AppError> {
    let store = state.store();
    let id = MachineId::from_str(&id).map_err(|_| AppError::NotFound)?;
    let scope = Scope::of(store, &api.user).await?;
    let snap = store.fleet_snapshot().await?;
    let stored = scope.require_machine(&snap, id)?;
    scope.require_manage()?;
    let current = MachineEditForm::of(stored);
    let form = MachineEditForm {
        status: body.status.unwrap_or(current.status),
        district: body.district.unwrap_or(current.district),
        commissioned_on: body.commissioned_on.unwrap_or(current.commissioned_on),
        operating: body.operating.map_or(current.operating, |v| v.to_string()),
        climate: body.climate.map_or(current.climate, |v| v.to_string()),
        version: body.version.map(|v| v.to_string()).unwrap_or_default(),
    };
    let (machine, version) = machine_edited(stored, &form)?;
    let author = accord_store::Author::user(api.user.login.as_str());
    let today = today(store).await?;
    store.fleet_machine_update(author, &machine, version.unwrap_or(stored.version), today).await?;
    Ok(Json(views::machine_data(store, &scope, id, today).await?))
}

#[derive(Deserialize)]
struct ReadingBody {
    machine: String,
    /// odometer, engine_hours or fuel.
    meter: String,
    date: String,
    value: i64,
}

async fn add_reading(
    State(state): State<AppState>,
    api: ApiUser,
    Json(body): Json<ReadingBody>,
) -> Result<Response, AppError> {
    let store = state.store();
    let scope = Scope::of(store, &api.user).await?;
    scope.require_manage()?;
    let machine = MachineId::from_str(body.machine.trim()).map_err(|_| bad("machine"))?;
    let snap = store.fleet_snapshot().await?;
    scope.require_machine(&snap, machine).map_err(|_| bad("machine"))?;
    let kind: MeterKind = accord_formats::fleet::meter_kind(&body.meter).ok_or_else(|| bad("meter"))?;
    let date = NaiveDate::from_str(body.date.trim()).map_err(|_| bad("date"))?;
    let author = Author::user(api.user.login.as_str());
    let outcome =
        store.fleet_readings_add(author, &[NewReading { machine, kind, date, value: body.value }], None).await?;
    Ok((StatusCode::CREATED, Json(outcome)).into_response())
}

#[derive(Deserialize, Default)]
struct ReadingsQuery {
    limit: Option<i64>,
}

/// A machine's readings, latest first (voided ones included, with their reason).
async fn readings(
    State(state): State<AppState>,
    api: ApiUser,
    Path(id): Path<String>,
    Query(q): Query<ReadingsQuery>,
) -> Result<Json<Vec<accord_store::ReadingRow>>, AppError> {
    let store = state.store();
    let (id, _) = visible_machine(store, &api, &id).await?;
    Ok(Json(store.fleet_readings(id, q.limit.unwrap_or(100).clamp(1, 10_000)).await?))
}

/// The machine `id` names, if the user sees it (else 404), with the user's fleet scope.
async fn visible_machine(store: &accord_store::Store, api: &ApiUser, id: &str) -> Result<(MachineId, Scope), AppError> {
    let id = MachineId::from_str(id).map_err(|_| AppError::NotFound)?;
    let scope = Scope::of(store, &api.user).await?;
    scope.require_machine(&*store.fleet_snapshot().await?, id)?;
    Ok((id, scope))
}

#[derive(Deserialize)]
struct VoidBody {
    /// mistyped, wrong_machine, meter_fault, duplicate or other (with `note`).
    reason: String,
    note: Option<String>,
}

/// Voids a reading, keeping it with the reason; the meter's state is recomputed without it.
async fn void_reading(
    State(state): State<AppState>,
    api: ApiUser,
    Path(id): Path<String>,
    Json(body): Json<VoidBody>,
) -> Result<Json<Vec<accord_store::ReadingRow>>, AppError> {
    let store = state.store();
    let reading = accord_domain::MeterReadingId::from_str(id.trim()).map_err(|_| AppError::NotFound)?;
    let scope = Scope::of(store, &api.user).await?;
    scope.require_manage()?;
    let machine = store.fleet_reading_machine(reading).await?;
    scope.require_machine(&*store.fleet_snapshot().await?, machine)?;
    let reason = super::void_reason(&body.reason, body.note.as_deref())?;
    store.fleet_reading_void(Author::user(api.user.login.as_str()), reading, reason).await?;
    Ok(Json(store.fleet_readings(machine, 100).await?))
}

/// A machine's warranties.
async fn warranties(
    State(state): State<AppState>,
    api: ApiUser,
    Path(id): Path<String>,
) -> Result<Json<Vec<accord_store::WarrantyRow>>, AppError> {
    let store = state.store();
    let (id, _) = visible_machine(store, &api, &id).await?;
    Ok(Json(store.fleet_warranties(id).await?))
}

#[derive(Deserialize)]
struct WarrantyBody {
    /// A part number; absent or empty: the whole machine.
    #[serde(default)]
    part: String,
    from: String,
    #[serde(default)]
    until: String,
    /// odometer, engine_hours or fuel, with `up_to`.
    #[serde(default)]
    meter: String,
    up_to: Option<i64>,
    #[serde(default)]
    note: String,
}

/// Records a warranty on a machine or a part of it.
async fn add_warranty(
    State(state): State<AppState>,
    api: ApiUser,
    Path(id): Path<String>,
    Json(body): Json<WarrantyBody>,
) -> Result<Response, AppError> {
    let store = state.store();
    let (id, scope) = visible_machine(store, &api, &id).await?;
    scope.require_manage()?;
    let up_to = body.up_to.map(|v| v.to_string()).unwrap_or_default();
    let warranty = super::parse_warranty(id, &body.part, &body.from, &body.until, &body.meter, &up_to)?;
    store.fleet_warranty_add(Author::user(api.user.login.as_str()), &warranty, &body.note).await?;
    Ok((StatusCode::CREATED, Json(warranty)).into_response())
}

async fn due(State(state): State<AppState>, api: ApiUser) -> Result<Json<Vec<DueRow>>, AppError> {
    let store = state.store();
    let scope = Scope::of(store, &api.user).await?;
    Ok(Json(views::due_rows(store, &scope, today(store).await?).await?))
}

#[derive(Deserialize)]
struct PreventiveBody {
    machines: Vec<String>,
}

#[derive(Serialize)]
struct Numbers {
    numbers: Vec<i64>,
}

async fn create_preventive(
    State(state): State<AppState>,
    api: ApiUser,
    Json(body): Json<PreventiveBody>,
) -> Result<Response, AppError> {
    let store = state.store();
    let scope = Scope::of(store, &api.user).await?;
    scope.require_edit()?;
    let machines: Vec<MachineId> = body
        .machines
        .iter()
        .map(|m| MachineId::from_str(m.trim()).map_err(|_| bad("machines")))
        .collect::<Result<_, _>>()?;
    if machines.is_empty() {
        return Err(Invalid::one("machines", Reason::Required).into());
    }
    let today = today(store).await?;
    let at = today.and_hms_opt(8, 0, 0).unwrap_or_default();
    let numbers = store.fleet_create_preventive(Author::user(api.user.login.as_str()), &machines, today, at).await?;
    Ok((StatusCode::CREATED, Json(Numbers { numbers })).into_response())
}

#[derive(Deserialize, Default)]
struct OrdersQuery {
    machine: Option<String>,
    open: Option<bool>,
    page: Option<i64>,
    per_page: Option<i64>,
}

#[derive(Serialize)]
struct OrderList {
    items: Vec<WorkOrderRow>,
    total: i64,
}

async fn orders(
    State(state): State<AppState>,
    api: ApiUser,
    Query(q): Query<OrdersQuery>,
) -> Result<Json<OrderList>, AppError> {
    let store = state.store();
    let scope = Scope::of(store, &api.user).await?;
    let machine = q
        .machine
        .as_deref()
        .filter(|m| !m.is_empty())
        .map(|m| MachineId::from_str(m).map_err(|_| bad("machine")))
        .transpose()?;
    let filter = WorkOrderFilter { machine, open_only: q.open.unwrap_or(false), owners: scope.owners() };
    let page = store.fleet_work_orders(&filter, Paging::new(q.page, q.per_page)).await?;
    Ok(Json(OrderList { items: page.items, total: page.total }))
}

async fn load(state: &AppState, api: &ApiUser, id: &str) -> Result<(Scope, StoredWorkOrder), AppError> {
    let store = state.store();
    let id = WorkOrderId::from_str(id).map_err(|_| AppError::NotFound)?;
    let scope = Scope::of(store, &api.user).await?;
    let order = store.fleet_work_order(id).await?;
    scope.require_machine(&*store.fleet_snapshot().await?, order.order.machine)?;
    Ok((scope, order))
}

async fn order(
    State(state): State<AppState>,
    api: ApiUser,
    Path(id): Path<String>,
) -> Result<Json<StoredWorkOrder>, AppError> {
    Ok(Json(load(&state, &api, &id).await?.1))
}

#[derive(Deserialize)]
struct ActionBody {
    action: String,
    by: Option<String>,
    /// When it happened (default now), `YYYY-MM-DDTHH:MM:SS`.
    at: Option<String>,
}

async fn order_action_api(
    State(state): State<AppState>,
    api: ApiUser,
    Path(id): Path<String>,
    Json(body): Json<ActionBody>,
) -> Result<Json<StoredWorkOrder>, AppError> {
    let (scope, stored) = load(&state, &api, &id).await?;
    scope.require_edit()?;
    let action = order_action(&body.action, body.by.as_deref())?;
    let at = match body.at.as_deref().filter(|a| !a.is_empty()) {
        Some(a) => chrono::NaiveDateTime::parse_from_str(a, "%Y-%m-%dT%H:%M:%S").map_err(|_| bad("at"))?,
        None => chrono::Utc::now().naive_utc().max(stored.order.opened_at),
    };
    let author = Author::user(api.user.login.as_str());
    Ok(Json(state.store().fleet_work_order_apply(author, stored.order.id, action, at).await?))
}

#[derive(Deserialize)]
struct IssueBody {
    warehouse: String,
    bin: String,
    part: String,
    qty: u32,
}

async fn issue_part(
    State(state): State<AppState>,
    api: ApiUser,
    Path(id): Path<String>,
    Json(body): Json<IssueBody>,
) -> Result<Json<StoredWorkOrder>, AppError> {
    let (scope, stored) = load(&state, &api, &id).await?;
    scope.require_edit()?;
    let author = Author::user(api.user.login.as_str());
    super::pages::issue(&state, &author, stored.order.id, &body.warehouse, &body.bin, &body.part, &body.qty.to_string())
        .await
        .map(Json)
}

#[derive(Serialize)]
struct KpiAnswer {
    from: NaiveDate,
    /// Exclusive.
    to: NaiveDate,
    rows: Vec<KpiRow>,
    total: Option<KpiRow>,
}

async fn kpi(
    State(state): State<AppState>,
    api: ApiUser,
    Query(q): Query<KpiQuery>,
) -> Result<Json<KpiAnswer>, AppError> {
    let store = state.store();
    let scope = Scope::of(store, &api.user).await?;
    let (range, by) = q.resolve(today(store).await?)?;
    let table = store.fleet_kpi(range, by, |m| scope.sees(m)).await?;
    Ok(Json(KpiAnswer { from: table.range_from, to: table.range_to, rows: table.rows, total: table.total }))
}

async fn quarter(
    State(state): State<AppState>,
    api: ApiUser,
    Path(q): Path<String>,
) -> Result<Json<QuarterFigures>, AppError> {
    let store = state.store();
    let scope = Scope::of(store, &api.user).await?;
    scope.require_whole()?;
    let q = Quarter::from_str(q.trim()).map_err(|_| bad("quarter"))?;
    Ok(Json(store.fleet_quarter_figures(q).await?))
}

async fn suggested(
    State(state): State<AppState>,
    api: ApiUser,
) -> Result<Json<Vec<accord_domain::fleet::replenish::SupplierOrder>>, AppError> {
    let store = state.store();
    let scope = Scope::of(store, &api.user).await?;
    scope.require_whole()?;
    Ok(Json(store.fleet_suggested_orders(today(store).await?).await?))
}

/// The exchange pool: every assembly, where it is and the usage it carries.
async fn assemblies(
    State(state): State<AppState>,
    api: ApiUser,
) -> Result<Json<Vec<accord_store::AssemblyRow>>, AppError> {
    let store = state.store();
    let scope = Scope::of(store, &api.user).await?;
    scope.require_whole()?;
    Ok(Json(store.fleet_assemblies().await?))
}

#[derive(Deserialize)]
struct AssemblyBody {
    kind: String,
    serial: String,
    meter: String,
    #[serde(default)]
    usage_before: i64,
    /// Fitted to this machine on `date` (else it goes on the shelf).
    machine: Option<String>,
    date: Option<String>,
}

/// Registers an assembly in the exchange pool.
async fn add_assembly(
    State(state): State<AppState>,
    api: ApiUser,
    Json(body): Json<AssemblyBody>,
) -> Result<Response, AppError> {
    let store = state.store();
    let scope = Scope::of(store, &api.user).await?;
    scope.require_manage()?;
    let a = super::parse_assembly(&body.kind, &body.serial, &body.meter, &body.usage_before.to_string())?;
    let install = match body.machine.as_deref().filter(|m| !m.trim().is_empty()) {
        Some(m) => {
            let machine = MachineId::from_str(m.trim()).map_err(|_| bad("machine"))?;
            Some((machine, super::parse_day(body.date.as_deref().unwrap_or(""), "date")?))
        }
        None => None,
    };
    store.fleet_assembly_add(Author::user(api.user.login.as_str()), &a, install).await?;
    Ok((StatusCode::CREATED, Json(a)).into_response())
}

#[derive(Deserialize)]
struct MoveBody {
    /// Removed from the machine it is on, into the pool, on this day.
    remove_on: Option<String>,
    /// Then fitted to this machine on `install_on`.
    machine: Option<String>,
    install_on: Option<String>,
}

/// Moves an assembly: off its machine into the pool and/or onto another machine.
async fn move_assembly(
    State(state): State<AppState>,
    api: ApiUser,
    Path(id): Path<String>,
    Json(body): Json<MoveBody>,
) -> Result<Json<accord_store::AssemblyRow>, AppError> {
    let store = state.store();
    let scope = Scope::of(store, &api.user).await?;
    scope.require_manage()?;
    let id = accord_domain::AssemblyId::from_str(id.trim()).map_err(|_| AppError::NotFound)?;
    let remove_on = match body.remove_on.as_deref().filter(|d| !d.trim().is_empty()) {
        Some(d) => Some(super::parse_day(d, "remove_on")?),
        None => None,
    };
    let install = match body.machine.as_deref().filter(|m| !m.trim().is_empty()) {
        Some(m) => Some((
            MachineId::from_str(m.trim()).map_err(|_| bad("machine"))?,
            super::parse_day(body.install_on.as_deref().unwrap_or(""), "install_on")?,
        )),
        None => None,
    };
    if remove_on.is_none() && install.is_none() {
        return Err(Invalid::one("remove_on", Reason::Required).into());
    }
    Ok(Json(store.fleet_assembly_move(Author::user(api.user.login.as_str()), id, remove_on, install).await?))
}

#[derive(Serialize)]
struct MachineAssemblies {
    installed: Vec<accord_store::AssemblyRow>,
    history: Vec<accord_store::AssemblyEventRow>,
}

/// The assemblies on a machine and their installs and removals there.
async fn machine_assemblies(
    State(state): State<AppState>,
    api: ApiUser,
    Path(id): Path<String>,
) -> Result<Json<MachineAssemblies>, AppError> {
    let store = state.store();
    let (id, _) = visible_machine(store, &api, &id).await?;
    let installed =
        store.fleet_assemblies().await?.into_iter().filter(|a| a.installed.is_some_and(|i| i.machine == id)).collect();
    Ok(Json(MachineAssemblies { installed, history: store.fleet_assembly_history(id).await? }))
}

/// Stock per warehouse, bin and part: on hand, reserved for work orders, in transit.
async fn stock(State(state): State<AppState>, api: ApiUser) -> Result<Json<Vec<accord_store::StockRow>>, AppError> {
    let store = state.store();
    let scope = Scope::of(store, &api.user).await?;
    scope.require_whole()?;
    Ok(Json(store.fleet_stock().await?))
}

/// Shipments, those in transit first.
async fn shipments(
    State(state): State<AppState>,
    api: ApiUser,
) -> Result<Json<Vec<accord_store::ShipmentRow>>, AppError> {
    let store = state.store();
    let scope = Scope::of(store, &api.user).await?;
    scope.require_whole()?;
    Ok(Json(store.fleet_shipments(1000).await?))
}

#[derive(Deserialize)]
struct ShipmentBody {
    supplier: Option<String>,
    #[serde(default)]
    reference: String,
    warehouse: String,
    bin: String,
    part: String,
    qty: u32,
    shipped_on: String,
    expected_on: String,
}

#[derive(Serialize)]
struct Created {
    id: String,
}

/// Records a shipment in transit.
async fn add_shipment(
    State(state): State<AppState>,
    api: ApiUser,
    Json(body): Json<ShipmentBody>,
) -> Result<Response, AppError> {
    let store = state.store();
    let scope = Scope::of(store, &api.user).await?;
    scope.require_manage()?;
    let form = super::pages::ShipmentForm {
        supplier: body.supplier.unwrap_or_default(),
        reference: body.reference,
        warehouse: body.warehouse,
        bin: body.bin,
        part: body.part,
        qty: body.qty.to_string(),
        shipped_on: body.shipped_on,
        expected_on: body.expected_on,
    };
    let shipment = super::pages::parse_shipment(&form)?;
    let id = store.fleet_shipment_add(Author::user(api.user.login.as_str()), &shipment).await?;
    Ok((StatusCode::CREATED, Json(Created { id: id.to_string() })).into_response())
}

#[derive(Deserialize, Default)]
struct ReceiveBody {
    /// The day received (default the fleet's today).
    on: Option<String>,
}

/// Receives a shipment: a receipt movement into its bin.
async fn receive_shipment(
    State(state): State<AppState>,
    api: ApiUser,
    Path(id): Path<String>,
    body: Option<Json<ReceiveBody>>,
) -> Result<Json<Vec<accord_store::StockRow>>, AppError> {
    let store = state.store();
    let scope = Scope::of(store, &api.user).await?;
    scope.require_manage()?;
    let id = accord_store::ShipmentId(uuid::Uuid::from_str(id.trim()).map_err(|_| AppError::NotFound)?);
    let on = match body.and_then(|b| b.0.on).filter(|o| !o.trim().is_empty()) {
        Some(t) => NaiveDate::from_str(t.trim()).map_err(|_| bad("on"))?,
        None => today(store).await?,
    };
    store.fleet_shipment_receive(Author::user(api.user.login.as_str()), id, on).await?;
    Ok(Json(store.fleet_stock().await?))
}

/// What a work order holds in stock.
async fn reservations(
    State(state): State<AppState>,
    api: ApiUser,
    Path(id): Path<String>,
) -> Result<Json<Vec<accord_store::ReservationRow>>, AppError> {
    let (_, stored) = load(&state, &api, &id).await?;
    Ok(Json(state.store().fleet_reservations(Some(stored.order.id)).await?))
}

#[derive(Deserialize, Default)]
struct ImportQuery {
    #[serde(default)]
    dry_run: bool,
    file_name: Option<String>,
}

#[derive(Serialize)]
struct ImportAnswer {
    #[serde(flatten)]
    summary: ImportSummary,
}

#[derive(Serialize)]
struct ProblemsAnswer {
    error: ProblemsBody,
}

#[derive(Serialize)]
struct ProblemsBody {
    code: &'static str,
    message: String,
    problems: Vec<accord_formats::Problem>,
}

async fn import(
    State(state): State<AppState>,
    api: ApiUser,
    Path(kind): Path<String>,
    Query(q): Query<ImportQuery>,
    body: Bytes,
) -> Result<Response, AppError> {
    let store = state.store();
    let scope = Scope::of(store, &api.user).await?;
    scope.require_manage()?;
    let kind = match kind.as_str() {
        "fleet" => ImportKind::Fleet,
        "meters" => ImportKind::Meters,
        "workorders" => ImportKind::WorkOrders,
        _ => return Err(AppError::NotFound),
    };
    let name = q.file_name.unwrap_or_else(|| format!("{}.csv", kind.what()));
    match import_file(store, Author::user(api.user.login.as_str()), kind, &name, &body, q.dry_run).await {
        Ok(summary) => {
            let status = match &summary.outcome {
                Some(FleetImportOutcome { unchanged: false, .. }) if !summary.dry_run => StatusCode::CREATED,
                _ => StatusCode::OK,
            };
            Ok((status, Json(ImportAnswer { summary })).into_response())
        }
        Err(ImportError::Problems(problems)) => {
            let message = problems.iter().take(20).map(ToString::to_string).collect::<Vec<_>>().join("; ");
            Ok((
                StatusCode::UNPROCESSABLE_ENTITY,
                Json(ProblemsAnswer { error: ProblemsBody { code: "file_problems", message, problems } }),
            )
                .into_response())
        }
        Err(ImportError::App(e)) => Err(e),
    }
}
