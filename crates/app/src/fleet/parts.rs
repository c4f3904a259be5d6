//! Parts: issued from a bin to a work order (at the order's version), shipments in transit
//! recorded and received, and the parts store's reads (stock, movements, suggested orders,
//! shipments) for those who see the whole fleet.
//!
//! The parts catalogue itself is not edited by anyone: it is saved whole from the suppliers'
//! catalogues (the demo, a bulk load), so the last save wins there by design.

use super::input::{day, given, invalid, loose, number, opt_day, version};
use crate::{Actor, App, Result};
use accord_domain::fleet::parts::PartNumber;
use accord_domain::fleet::replenish::SupplierOrder;
use accord_domain::validation::Reason;
use accord_domain::{OrganisationId, WarehouseId, WorkOrderId};
use accord_store::{
    MovementRow, NewShipment, PartIssue, PartRecord, ShipmentId, ShipmentRow, StockRow, StoredWorkOrder,
};
use serde::Deserialize;
use std::str::FromStr;

/// Parts issued to a work order, as the order page's form and
/// `POST /api/v1/fleet/workorders/{id}/parts` send them.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct PartIssueInput {
    #[serde(default)]
    pub warehouse: String,
    #[serde(default)]
    pub bin: String,
    #[serde(default)]
    pub part: String,
    #[serde(default, deserialize_with = "loose")]
    #[schema(value_type = u32)]
    pub qty: Option<String>,
    /// The order's version the issue was made on.
    #[serde(default, deserialize_with = "loose")]
    #[schema(value_type = i64)]
    pub version: Option<String>,
}

/// A shipment in transit, as the parts page's form and `POST /api/v1/fleet/shipments` send it.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct ShipmentInput {
    /// The supplier's organisation id (optional).
    #[serde(default)]
    pub supplier: Option<String>,
    /// The supplier's document (waybill, invoice).
    #[serde(default)]
    pub reference: String,
    #[serde(default)]
    pub warehouse: String,
    #[serde(default)]
    pub bin: String,
    #[serde(default)]
    pub part: String,
    #[serde(default, deserialize_with = "loose")]
    #[schema(value_type = u32)]
    pub qty: Option<String>,
    #[serde(default)]
    pub shipped_on: String,
    #[serde(default)]
    pub expected_on: String,
}

/// The receipt of a shipment: the day it arrived (default the fleet's today).
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct ShipmentReceipt {
    #[serde(default)]
    pub on: Option<String>,
}

fn warehouse(text: &str) -> Result<WarehouseId> {
    if text.trim().is_empty() {
        return Err(invalid("warehouse", Reason::Required).into());
    }
    Ok(WarehouseId::from_str(text.trim()).map_err(|_| invalid("warehouse", Reason::UnknownValue))?)
}

fn part(text: &str) -> Result<PartNumber> {
    if text.trim().is_empty() {
        return Err(invalid("part", Reason::Required).into());
    }
    Ok(PartNumber::parse(text).map_err(|_| invalid("part", Reason::UnknownValue))?)
}

impl ShipmentInput {
    fn parse(&self) -> Result<NewShipment> {
        let supplier = given(&self.supplier)
            .map(|s| OrganisationId::from_str(s).map_err(|_| invalid("supplier", Reason::UnknownValue)))
            .transpose()?;
        let warehouse = warehouse(&self.warehouse)?;
        if self.bin.trim().is_empty() {
            return Err(invalid("bin", Reason::Required).into());
        }
        Ok(NewShipment {
            supplier,
            reference: self.reference.trim().to_string(),
            warehouse,
            bin: self.bin.trim().to_string(),
            part: part(&self.part)?,
            qty: number(&self.qty, "qty")?,
            shipped_on: day(&self.shipped_on, "shipped_on")?,
            expected_on: day(&self.expected_on, "expected_on")?,
        })
    }
}

impl App {
    /// Issues parts from a bin to a work order at the order's version: refused when the bin
    /// holds less than asked beyond what other orders hold (two technicians taking the last
    /// one: exactly one gets it). The service centre's technicians, coordinators and admins.
    pub async fn part_issue(
        &self,
        actor: &Actor,
        order: WorkOrderId,
        input: &PartIssueInput,
    ) -> Result<StoredWorkOrder> {
        self.fleet_technician(actor).await?;
        let expected = version(&input.version)?;
        let warehouse = warehouse(&input.warehouse)?;
        let part = part(&input.part)?;
        let qty: u32 = number(&input.qty, "qty")?;
        let on = self.fleet_today().await?;
        let issue =
            PartIssue { order, expected: Some(expected), warehouse, bin: input.bin.trim(), part: &part, qty, on };
        let mut w = self.store.begin_write(actor.author()).await?;
        let stored = self.store.fleet_issue_part_in(&mut w, &issue).await?;
        w.commit().await?;
        Ok(stored)
    }

    /// Records a shipment on its way to a bin: counted as in transit until it is received.
    /// The service centre's staff, coordinators and admins.
    pub async fn shipment_add(&self, actor: &Actor, input: &ShipmentInput) -> Result<ShipmentId> {
        self.fleet_manager(actor).await?;
        let shipment = input.parse()?;
        let mut w = self.store.begin_write(actor.author()).await?;
        let id = self.store.fleet_shipment_add_in(&mut w, &shipment).await?;
        w.commit().await?;
        Ok(id)
    }

    /// Receives a shipment into its bin, once (a second receipt is refused).
    pub async fn shipment_receive(&self, actor: &Actor, id: ShipmentId, input: &ShipmentReceipt) -> Result<()> {
        self.fleet_manager(actor).await?;
        let on = match opt_day(&input.on, "on")? {
            Some(on) => on,
            None => self.fleet_today().await?,
        };
        let mut w = self.store.begin_write(actor.author()).await?;
        self.store.fleet_shipment_receive_in(&mut w, id, on).await?;
        w.commit().await.map_err(Into::into)
    }

    /// Stock per warehouse, bin and part: on hand, reserved for orders, in transit.
    pub async fn fleet_stock(&self, actor: &Actor) -> Result<Vec<StockRow>> {
        self.fleet_whole(actor).await?;
        Ok(self.store.fleet_stock().await?)
    }

    /// The latest stock movements, of one part or all.
    pub async fn fleet_movements(&self, actor: &Actor, part: Option<&str>, limit: i64) -> Result<Vec<MovementRow>> {
        self.fleet_whole(actor).await?;
        Ok(self.store.fleet_movements(part, limit).await?)
    }

    /// The suggested order list per supplier, as of the fleet's today.
    pub async fn fleet_suggested_orders(&self, actor: &Actor) -> Result<Vec<SupplierOrder>> {
        self.fleet_whole(actor).await?;
        let today = self.fleet_today().await?;
        Ok(self.store.fleet_suggested_orders(today).await?)
    }

    /// The parts catalogue.
    pub async fn fleet_parts(&self, actor: &Actor) -> Result<Vec<PartRecord>> {
        self.fleet_whole(actor).await?;
        Ok(self.store.fleet_parts().await?)
    }

    /// Shipments, those in transit first.
    pub async fn fleet_shipments(&self, actor: &Actor, limit: i64) -> Result<Vec<ShipmentRow>> {
        self.fleet_whole(actor).await?;
        Ok(self.store.fleet_shipments(limit).await?)
    }
}
