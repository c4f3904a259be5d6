//! The service centre's fleet: machines, meters, warranties, the exchange pool of assemblies,
//! the due list and preventive orders, work orders, parts and shipments, maintenance regimes,
//! the fleet file imports, and the reads that only some roles may make.
//!
//! Who may do what is `accord_domain::directory::authorize`:
//! - **see a machine** (`ViewMachine`): its owner's users, the service centre's staff,
//!   coordinators, observers and admins. A machine a reader may not see is *not found* (404),
//!   so owners do not learn of other owners' machines;
//! - **see the whole fleet** (`ViewWholeFleet`: stock, the exchange pool, the quarter's
//!   figures): all of the above but owners;
//! - **manage the fleet** (`ManageFleet`: register, readings, warranties, assemblies, shipments,
//!   regimes, file imports) and **edit work orders** (`EditWorkOrder`: preventive orders, steps,
//!   work lines, part issues): the service centre's executors, coordinators and admins.
//!
//! A write is refused (403) before anything is loaded or read (a file import before the file
//! is parsed); whoever may write sees the whole fleet, so a write never reveals a machine.
//!
//! Versions: a machine's register entry, a regime and a work order carry a version the writer
//! names; a write at another version is stale (409) and writes nothing. Readings, warranties,
//! assemblies and shipments are not edited in place: a reading is voided once (a second void
//! is refused by the domain), an assembly moves by events checked against where it is in the
//! same transaction, a shipment is received once.
//!
//! | file | use cases |
//! |---|---|
//! | `machines` | [`App::machine_change`]; the machines table and a machine's page |
//! | `meters` | [`App::reading_add`], [`App::reading_void`] |
//! | `warranties` | [`App::warranty_add`] |
//! | `assemblies` | [`App::assembly_add`], [`App::assembly_move`] |
//! | `orders` | [`App::preventive_orders_create`], [`App::work_order_act`], [`App::work_order_add_work`] |
//! | `parts` | [`App::part_issue`], [`App::shipment_add`], [`App::shipment_receive`] |
//! | `regimes` | [`App::regime_change`], [`App::regime_content_change`], [`App::regime_service_remove`] |
//! | `import` | [`App::fleet_import`] |
//! | `kpi`, `due` | the readiness figures and the due list, as each reader may see them |

mod assemblies;
mod due;
pub mod import;
pub mod input;
mod kpi;
mod machines;
mod meters;
mod orders;
mod parts;
mod regimes;
mod warranties;

pub use assemblies::{AssemblyInput, AssemblyMoveInput};
pub use due::DueRow;
pub use import::{ImportKind, ImportSummary};
pub use kpi::{KpiQuery, parse_by};
pub use machines::{MachineChange, MachineData, MachineItem, MachineList, MachineQuery, MeterView, status_code};
pub use meters::{ReadingInput, VOID_REASONS, VoidInput};
pub use orders::{PreventiveInput, WorkLineInput, WorkOrderStep, actions_from};
pub use parts::{PartIssueInput, ShipmentInput, ShipmentReceipt};
pub use regimes::{
    CYCLE_KINDS, IntervalBody, RegimeInput, SEASONAL_KINDS, ServiceContentInput, ServiceInput, regime_name,
    service_code, service_field, service_from_code,
};
pub use warranties::WarrantyInput;

use crate::{Actor, App, Error, Result};
use accord_domain::directory::{Action, Role, authorize};
use accord_domain::fleet::machine::Machine;
use accord_domain::{MachineId, OrganisationId};
use accord_store::{FleetSnapshot, StoredMachine};
use chrono::NaiveDate;
use std::str::FromStr;
use std::sync::Arc;

/// The instance fact naming the service-centre organisation.
pub const SERVICE_CENTRE_META: &str = "fleet.service_centre";
/// The instance fact fixing "today" of the fleet (the demo's history ends on a fixed day;
/// without it the demo would look two years overdue). Absent: the real date.
pub const AS_OF_META: &str = "fleet.as_of";

/// What an actor may see and do in the fleet, decided once per request by `authorize`.
#[derive(Debug, Clone, Copy)]
pub struct FleetScope {
    role: Role,
    pub service_centre: Option<OrganisationId>,
    /// Sees every machine, the stock and the exchange pool.
    pub whole: bool,
    /// Opens, moves and fills in work orders.
    pub edit_orders: bool,
    /// Registers and changes machines, enters readings, receives parts, edits regimes.
    pub manage: bool,
}

impl FleetScope {
    pub fn of(role: Role, service_centre: Option<OrganisationId>) -> FleetScope {
        let sc = service_centre;
        FleetScope {
            role,
            service_centre,
            whole: authorize(&role, Action::ViewWholeFleet { service_centre: sc }).is_ok(),
            edit_orders: authorize(&role, Action::EditWorkOrder { service_centre: sc }).is_ok(),
            manage: authorize(&role, Action::ManageFleet { service_centre: sc }).is_ok(),
        }
    }

    /// Whether the actor may see this machine.
    pub fn sees(&self, m: &Machine) -> bool {
        self.whole
            || authorize(&self.role, Action::ViewMachine { owner: m.owner, service_centre: self.service_centre })
                .is_ok()
    }

    /// The owners whose machines (and orders) the actor sees; `None`: all.
    pub fn owners(&self) -> Option<Vec<OrganisationId>> {
        if self.whole { None } else { Some(self.role.organisation().into_iter().collect()) }
    }

    /// A machine the actor may see, or not found (never forbidden: an owner does not learn
    /// that another owner's machine exists).
    pub fn machine<'a>(&self, snap: &'a FleetSnapshot, id: MachineId) -> Result<&'a StoredMachine> {
        snap.machine(id).filter(|m| self.sees(&m.machine)).ok_or(Error::NotFound { entity: "machine" })
    }

    pub(crate) fn require_manage(&self) -> Result<()> {
        if self.manage { Ok(()) } else { Err(Error::forbidden()) }
    }

    pub(crate) fn require_edit_orders(&self) -> Result<()> {
        if self.edit_orders { Ok(()) } else { Err(Error::forbidden()) }
    }

    pub(crate) fn require_whole(&self) -> Result<()> {
        if self.whole { Ok(()) } else { Err(Error::forbidden()) }
    }
}

impl App {
    /// The service centre's organisation, as the instance records it.
    pub async fn fleet_service_centre(&self) -> Result<Option<OrganisationId>> {
        Ok(self.store.meta(SERVICE_CENTRE_META).await?.and_then(|v| OrganisationId::from_str(&v).ok()))
    }

    /// The fleet's "today": the `fleet.as_of` fact, or the real date.
    pub async fn fleet_today(&self) -> Result<NaiveDate> {
        let fixed = self.store.meta(AS_OF_META).await?.and_then(|v| NaiveDate::from_str(&v).ok());
        Ok(fixed.unwrap_or_else(|| chrono::Utc::now().date_naive()))
    }

    /// What `actor` may see and do in the fleet (pages ask it what to show).
    pub async fn fleet_scope(&self, actor: &Actor) -> Result<FleetScope> {
        Ok(FleetScope::of(actor.role(), self.fleet_service_centre().await?))
    }

    /// The snapshot with a machine `actor` may see (else not found), and the actor's scope.
    pub async fn fleet_visible_machine(
        &self,
        actor: &Actor,
        id: MachineId,
    ) -> Result<(Arc<FleetSnapshot>, FleetScope)> {
        let scope = self.fleet_scope(actor).await?;
        let snap = self.store.fleet_snapshot().await?;
        scope.machine(&snap, id)?;
        Ok((snap, scope))
    }

    /// The scope of an actor who manages the fleet; forbidden for anyone else.
    pub(crate) async fn fleet_manager(&self, actor: &Actor) -> Result<FleetScope> {
        let scope = self.fleet_scope(actor).await?;
        scope.require_manage()?;
        Ok(scope)
    }

    /// The scope of an actor who edits work orders; forbidden for anyone else.
    pub(crate) async fn fleet_technician(&self, actor: &Actor) -> Result<FleetScope> {
        let scope = self.fleet_scope(actor).await?;
        scope.require_edit_orders()?;
        Ok(scope)
    }

    /// The scope of an actor who sees the whole fleet; forbidden for owners.
    pub(crate) async fn fleet_whole(&self, actor: &Actor) -> Result<FleetScope> {
        let scope = self.fleet_scope(actor).await?;
        scope.require_whole()?;
        Ok(scope)
    }
}

/// A machine as people name it: model and VIN (or serial number).
pub fn machine_name(m: &StoredMachine) -> String {
    let ident =
        m.machine.vin.as_ref().map(|v| v.to_string()).or_else(|| m.machine.serial.as_ref().map(|s| s.to_string()));
    format!("{} {}", m.model_name, ident.unwrap_or_default()).trim().to_string()
}
