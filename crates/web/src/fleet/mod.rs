//! The service centre's fleet: machines, the due list, work orders (with a printable PDF),
//! parts and stock, readiness figures, maintenance regimes. Pages under `/fleet`, the API under
//! `/api/v1/fleet`.
//!
//! The handlers only adapt: every change is a use case of `accord_app::fleet`, every read a
//! role may not make (another owner's machine, the parts store) goes through the app's reads,
//! which decide who sees what (see `accord_app::fleet`). The service centre is the organisation
//! recorded in the instance's `fleet.service_centre` fact (the demo sets it).
//!
//! | file | pages and routes |
//! |---|---|
//! | `machines` | `/fleet`, `/fleet/machines/{id}` |
//! | `machine_forms` | the machine page's forms: register entry, readings, voids, warranties, assemblies |
//! | `orders` | `/fleet/due`, `/fleet/workorders`, an order's page, its steps and its PDF |
//! | `parts` | `/fleet/parts`: stock, suggested orders, shipments |
//! | `kpi` | `/fleet/kpi` |
//! | `regimes` | `/fleet/regimes` and `/api/v1/fleet/regimes` |
//! | `api` | the rest of `/api/v1/fleet`, file imports included |

mod api;
mod kpi;
mod lines;
mod machine_forms;
mod machines;
mod orders;
mod parts;
pub mod pdf;
mod regimes;

pub use accord_app::fleet::{AS_OF_META, SERVICE_CENTRE_META};
pub use api::FleetApiDoc;
pub(crate) use regimes::RegimesApiDoc;

use crate::AppState;
use crate::error::AppError;
use accord_domain::OrganisationId;
use accord_store::Store;
use axum::Router;
use axum::routing::{get, post};
use chrono::NaiveDate;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/fleet", get(machines::machines_page))
        .route("/fleet/machines/{id}", get(machines::machine_page))
        .route("/fleet/machines/{id}/readings", post(machine_forms::reading_form))
        .route("/fleet/machines/{id}/edit", post(machine_forms::machine_edit_form))
        .route("/fleet/machines/{id}/readings/{reading}/void", post(machine_forms::void_form))
        .route("/fleet/machines/{id}/warranties", post(machine_forms::warranty_form))
        .route("/fleet/machines/{id}/assemblies", post(machine_forms::assembly_form))
        .route("/fleet/machines/{id}/assemblies/{assembly}/remove", post(machine_forms::assembly_remove_form))
        .route("/fleet/due", get(orders::due_page).post(orders::create_preventive))
        .route("/fleet/workorders", get(orders::orders_page))
        .route("/fleet/workorders/{id}", get(orders::order_page))
        .route("/fleet/workorders/{id}/action", post(orders::order_action_form))
        .route("/fleet/workorders/{id}/work", post(orders::order_work_form))
        .route("/fleet/workorders/{id}/issue", post(orders::order_issue_form))
        .route("/fleet/workorders/{id}/pdf", get(orders::order_pdf))
        .route("/fleet/parts", get(parts::parts_page))
        .route("/fleet/parts/shipments", post(parts::shipment_form))
        .route("/fleet/parts/shipments/{id}/receive", post(parts::receive_form))
        .route("/fleet/kpi", get(kpi::kpi_page))
        .merge(api::routes())
        .merge(regimes::routes())
}

pub fn upload_routes() -> Router<AppState> {
    api::upload_routes()
}

/// The service centre's organisation (for the review's agenda and the briefing pack).
pub async fn service_centre(store: &Store) -> Result<Option<OrganisationId>, AppError> {
    Ok(accord_app::App::new(store.clone()).fleet_service_centre().await?)
}

/// The fleet's "today": the `fleet.as_of` fact, or the real date.
pub async fn today(store: &Store) -> Result<NaiveDate, AppError> {
    Ok(accord_app::App::new(store.clone()).fleet_today().await?)
}
