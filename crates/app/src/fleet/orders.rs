//! Work orders: preventive orders opened from the due list, an order moved through its steps
//! (sign-off and close in one transaction), work lines added, and the reads of orders as each
//! reader may see them. Part issues are in `parts`.
//!
//! An order carries a version: a step, a work line or a part issue names the version its
//! technician saw, and one made on an order changed since is stale (409), nothing written.

use super::input::{flag, given, invalid, loose, version};
use crate::{Actor, App, Error, Result};
use accord_domain::fleet::work_order::{Action, WaitingReason, WorkLine, WorkOrderStatus};
use accord_domain::validation::Reason;
use accord_domain::{MachineId, WorkOrderId};
use accord_store::{Page, Paging, ReservationRow, StoredWorkOrder, WorkOrderFilter, WorkOrderRow};
use chrono::NaiveDateTime;
use rust_decimal::Decimal;
use serde::Deserialize;
use std::str::FromStr;

/// The machines whose next service gets a preventive order, as the due list's form (the
/// `machine` boxes ticked) and `POST /api/v1/fleet/due/orders` send them.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct PreventiveInput {
    pub machines: Vec<String>,
}

/// A step of a work order, as the order page's buttons and
/// `POST /api/v1/fleet/workorders/{id}/actions` send it.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct WorkOrderStep {
    /// start, wait_parts, wait_technician, wait_customer, resume, finish, reopen, sign_off or
    /// close.
    #[serde(default)]
    pub action: String,
    /// Who signs off for the customer (with `sign_off`).
    #[serde(default)]
    pub by: Option<String>,
    /// With `sign_off`: close the order in the same step (the page's sign-off does).
    #[serde(default, deserialize_with = "loose")]
    #[schema(value_type = Option<bool>)]
    pub close: Option<String>,
    /// When it happened, `YYYY-MM-DDTHH:MM:SS` (default now).
    #[serde(default)]
    pub at: Option<String>,
    /// The order's version the step was taken on.
    #[serde(default, deserialize_with = "loose")]
    #[schema(value_type = i64)]
    pub version: Option<String>,
}

/// A line of work, as the order page's form sends it.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct WorkLineInput {
    #[serde(default)]
    pub operation: String,
    /// Hours spent (a comma or a point before the decimals).
    #[serde(default, deserialize_with = "loose")]
    #[schema(value_type = String)]
    pub hours: Option<String>,
    #[serde(default, deserialize_with = "loose")]
    #[schema(value_type = i64)]
    pub version: Option<String>,
}

/// A step by its name; `sign_off` needs who signs.
fn order_action(name: &str, by: Option<&str>) -> Result<Action> {
    Ok(match name.trim() {
        "start" => Action::Start,
        "wait_parts" => Action::Wait(WaitingReason::Parts),
        "wait_technician" => Action::Wait(WaitingReason::Technician),
        "wait_customer" => Action::Wait(WaitingReason::Customer),
        "resume" => Action::Resume,
        "finish" => Action::Finish,
        "reopen" => Action::Reopen,
        "sign_off" => {
            let by = by.map(str::trim).filter(|b| !b.is_empty()).ok_or_else(|| invalid("by", Reason::Required))?;
            Action::SignOff { by: by.to_string() }
        }
        "close" => Action::Close,
        "" => return Err(invalid("action", Reason::Required).into()),
        _ => return Err(invalid("action", Reason::UnknownValue).into()),
    })
}

/// The steps that make sense from a status, for buttons.
pub fn actions_from(status: WorkOrderStatus) -> &'static [&'static str] {
    match status {
        WorkOrderStatus::Open => &["start"],
        WorkOrderStatus::InProgress => &["wait_parts", "wait_technician", "wait_customer", "finish"],
        WorkOrderStatus::Waiting(_) => &["resume"],
        WorkOrderStatus::Done => &["sign_off", "reopen"],
        WorkOrderStatus::Closed => &[],
    }
}

impl App {
    /// Opens a preventive order for each machine given whose next service is due, with its
    /// service's operations and the parts it needs held in stock; returns the orders' numbers.
    /// The service centre's technicians, coordinators and admins.
    pub async fn preventive_orders_create(&self, actor: &Actor, input: &PreventiveInput) -> Result<Vec<i64>> {
        self.fleet_technician(actor).await?;
        let machines: Vec<MachineId> = input
            .machines
            .iter()
            .map(|m| MachineId::from_str(m.trim()).map_err(|_| invalid("machines", Reason::UnknownValue)))
            .collect::<Result<_, _>>()?;
        if machines.is_empty() {
            return Err(invalid("machines", Reason::Required).into());
        }
        let today = self.fleet_today().await?;
        let at = today.and_hms_opt(8, 0, 0).unwrap_or_default();
        let mut w = self.store.begin_write(actor.author()).await?;
        let numbers = self.store.fleet_create_preventive_in(&mut w, &machines, today, at).await?;
        w.commit().await?;
        Ok(numbers)
    }

    /// Moves an order on by one step of the domain's status machine, at the version the
    /// technician saw. A sign-off with `close` closes the order in the same transaction: both
    /// or neither. The service centre's technicians, coordinators and admins.
    pub async fn work_order_act(
        &self,
        actor: &Actor,
        id: WorkOrderId,
        step: &WorkOrderStep,
    ) -> Result<StoredWorkOrder> {
        self.fleet_technician(actor).await?;
        let version = version(&step.version)?;
        let action = order_action(&step.action, step.by.as_deref())?;
        let close = flag(&step.close);
        if close && !matches!(action, Action::SignOff { .. }) {
            return Err(invalid("close", Reason::UnknownValue).into());
        }
        let current = self.store.fleet_work_order(id).await?;
        let at = match given(&step.at) {
            Some(a) => NaiveDateTime::parse_from_str(a, "%Y-%m-%dT%H:%M:%S")
                .map_err(|_| invalid("at", Reason::UnknownValue))?,
            None => chrono::Utc::now().naive_utc().max(current.order.opened_at),
        };
        let mut w = self.store.begin_write(actor.author()).await?;
        let mut stored = self.store.fleet_work_order_apply_in(&mut w, id, Some(version), action, at).await?;
        if close {
            stored = self.store.fleet_work_order_apply_in(&mut w, id, Some(stored.version), Action::Close, at).await?;
        }
        w.commit().await?;
        Ok(stored)
    }

    /// Adds a line of work to an order, at the version the technician saw.
    pub async fn work_order_add_work(
        &self,
        actor: &Actor,
        id: WorkOrderId,
        input: &WorkLineInput,
    ) -> Result<StoredWorkOrder> {
        self.fleet_technician(actor).await?;
        let version = version(&input.version)?;
        let operation = input.operation.trim();
        if operation.is_empty() {
            return Err(invalid("operation", Reason::Required).into());
        }
        let hours_text = given(&input.hours).ok_or_else(|| invalid("hours", Reason::Required))?;
        let hours = Decimal::from_str(&super::input::digits(hours_text).replace(',', "."))
            .map_err(|_| invalid("hours", Reason::UnknownValue))?;
        let line = WorkLine {
            operation: operation.to_string(),
            standard_hours: hours,
            actual_hours: Some(hours),
            technician: None,
            part: None,
            warranty: None,
        };
        let mut w = self.store.begin_write(actor.author()).await?;
        let stored = self.store.fleet_work_order_add_work_in(&mut w, id, Some(version), line).await?;
        w.commit().await?;
        Ok(stored)
    }

    /// Work orders `actor` sees (of one machine, or all), latest first.
    pub async fn fleet_work_orders(
        &self,
        actor: &Actor,
        machine: Option<MachineId>,
        open_only: bool,
        paging: Paging,
    ) -> Result<Page<WorkOrderRow>> {
        let scope = self.fleet_scope(actor).await?;
        if let Some(m) = machine {
            scope.machine(&*self.store.fleet_snapshot().await?, m)?;
        }
        let filter = WorkOrderFilter { machine, open_only, owners: scope.owners() };
        Ok(self.store.fleet_work_orders(&filter, paging).await?)
    }

    /// A work order, if `actor` sees its machine (else not found).
    pub async fn fleet_work_order(&self, actor: &Actor, id: WorkOrderId) -> Result<StoredWorkOrder> {
        let order = self.store.fleet_work_order(id).await?;
        self.fleet_visible_machine(actor, order.order.machine).await.map_err(|e| match e {
            Error::NotFound { .. } => Error::NotFound { entity: "work order" },
            other => other,
        })?;
        Ok(order)
    }

    /// What a work order holds in stock, if `actor` sees it.
    pub async fn fleet_reservations(&self, actor: &Actor, id: WorkOrderId) -> Result<Vec<ReservationRow>> {
        let order = self.fleet_work_order(actor, id).await?;
        Ok(self.store.fleet_reservations(Some(order.order.id)).await?)
    }
}
