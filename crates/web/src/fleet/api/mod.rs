//! The fleet JSON API under `/api/v1/fleet`, mirroring the pages: each write deserialises the
//! use case's own input type from the body and calls it. Bad input is a 4xx whose body names
//! the field (`{"error": {"code", "message", "field"}}`); a write without the version of what
//! it changes is a 422 naming `version`, one on a version changed since a 409.

mod machines;
mod orders;
mod parts;

use crate::AppState;
use crate::error::AppError;
use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};

#[derive(utoipa::OpenApi)]
#[openapi(
    paths(
        machines::machines,
        machines::machine,
        machines::update_machine,
        machines::add_reading,
        machines::readings,
        machines::void_reading,
        machines::warranties,
        machines::add_warranty,
        machines::assemblies,
        machines::add_assembly,
        machines::move_assembly,
        machines::machine_assemblies,
        orders::due,
        orders::create_preventive,
        orders::orders,
        orders::order,
        orders::order_action,
        orders::issue_part,
        orders::reservations,
        orders::kpi,
        orders::quarter,
        parts::suggested,
        parts::stock,
        parts::shipments,
        parts::add_shipment,
        parts::receive_shipment,
        parts::import
    ),
    components(schemas(
        machines::MachineAssemblies,
        orders::Numbers,
        orders::OrderList,
        orders::KpiAnswer,
        parts::Created,
        accord_app::fleet::MachineChange,
        accord_app::fleet::ReadingInput,
        accord_app::fleet::VoidInput,
        accord_app::fleet::WarrantyInput,
        accord_app::fleet::AssemblyInput,
        accord_app::fleet::AssemblyMoveInput,
        accord_app::fleet::PreventiveInput,
        accord_app::fleet::WorkOrderStep,
        accord_app::fleet::PartIssueInput,
        accord_app::fleet::ShipmentInput,
        accord_app::fleet::ShipmentReceipt
    ))
)]
pub struct FleetApiDoc;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/fleet/machines", get(machines::machines))
        .route("/api/v1/fleet/machines/{id}", get(machines::machine).put(machines::update_machine))
        .route("/api/v1/fleet/readings", post(machines::add_reading))
        .route("/api/v1/fleet/machines/{id}/readings", get(machines::readings))
        .route("/api/v1/fleet/readings/{id}/void", post(machines::void_reading))
        .route("/api/v1/fleet/machines/{id}/warranties", get(machines::warranties).post(machines::add_warranty))
        .route("/api/v1/fleet/assemblies", get(machines::assemblies).post(machines::add_assembly))
        .route("/api/v1/fleet/assemblies/{id}/move", post(machines::move_assembly))
        .route("/api/v1/fleet/machines/{id}/assemblies", get(machines::machine_assemblies))
        .route("/api/v1/fleet/due", get(orders::due))
        .route("/api/v1/fleet/due/orders", post(orders::create_preventive))
        .route("/api/v1/fleet/workorders", get(orders::orders))
        .route("/api/v1/fleet/workorders/{id}", get(orders::order))
        .route("/api/v1/fleet/workorders/{id}/actions", post(orders::order_action))
        .route("/api/v1/fleet/workorders/{id}/parts", post(orders::issue_part))
        .route("/api/v1/fleet/workorders/{id}/reservations", get(orders::reservations))
        .route("/api/v1/fleet/kpi", get(orders::kpi))
        .route("/api/v1/fleet/quarters/{quarter}", get(orders::quarter))
        .route("/api/v1/fleet/parts/orders", get(parts::suggested))
        .route("/api/v1/fleet/stock", get(parts::stock))
        .route("/api/v1/fleet/shipments", get(parts::shipments).post(parts::add_shipment))
        .route("/api/v1/fleet/shipments/{id}/receive", post(parts::receive_shipment))
}

/// File imports: the body is the file, `?dry_run=true` only checks it.
pub fn upload_routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/fleet/imports/{kind}", post(parts::import))
        .layer(DefaultBodyLimit::max(parts::IMPORT_LIMIT))
}

fn bad(field: &'static str) -> AppError {
    accord_domain::validation::Invalid::one(field, accord_domain::validation::Reason::UnknownValue).into()
}
