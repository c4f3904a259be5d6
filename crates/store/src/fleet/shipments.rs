//! Parts in transit from a supplier: counted as in transit until received, once.

use super::parts::{receive, require_part};
use super::{date, refused};
use crate::directory::new_uuid;
use crate::{Author, Result, Store, StoreError, WriteTx, corrupt};
use accord_domain::OrganisationId;
use accord_domain::WarehouseId;
use accord_domain::audit::Change;
use accord_domain::fleet::parts::PartNumber;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::str::FromStr;

/// A shipment's id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ShipmentId(pub uuid::Uuid);

impl std::fmt::Display for ShipmentId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

/// A shipment to record as in transit.
#[derive(Debug, Clone)]
pub struct NewShipment {
    pub supplier: Option<OrganisationId>,
    /// The supplier's document (waybill, invoice).
    pub reference: String,
    pub warehouse: WarehouseId,
    pub bin: String,
    pub part: PartNumber,
    pub qty: u32,
    pub shipped_on: NaiveDate,
    pub expected_on: NaiveDate,
}

/// A shipment as listed.
#[derive(Debug, Clone, Serialize)]
pub struct ShipmentRow {
    pub id: ShipmentId,
    pub supplier: Option<OrganisationId>,
    pub reference: String,
    pub warehouse: WarehouseId,
    pub warehouse_name: String,
    pub bin: String,
    pub part: String,
    pub qty: i64,
    pub shipped_on: NaiveDate,
    pub expected_on: NaiveDate,
    pub received_on: Option<NaiveDate>,
}

impl Store {
    /// Records a shipment from a supplier on its way to a bin: counted as in transit (on the
    /// parts page and by the suggested order list) until it is received.
    pub async fn fleet_shipment_add(&self, author: Author<'_>, s: &NewShipment) -> Result<ShipmentId> {
        let mut w = self.begin_write(author).await?;
        let out = self.fleet_shipment_add_in(&mut w, s).await?;
        w.commit().await?;
        Ok(out)
    }

    /// [`Store::fleet_shipment_add`] inside the caller's transaction.
    pub async fn fleet_shipment_add_in(&self, w: &mut WriteTx<'_>, s: &NewShipment) -> Result<ShipmentId> {
        if s.qty == 0 {
            return Err(refused("fleet.error.qty_zero", "qty", &s.part, s.qty, "quantity must be positive"));
        }
        if s.expected_on < s.shipped_on {
            return Err(refused(
                "fleet.error.shipment_dates",
                "expected_on",
                &s.part,
                s.expected_on,
                format!("part {}: expected {} before shipped {}", s.part, s.expected_on, s.shipped_on),
            ));
        }
        require_part(w, &s.part, "part", &s.part).await?;
        let warehouse: Option<(String,)> = sqlx::query_as("SELECT id FROM fleet_warehouses WHERE id = $1")
            .bind(s.warehouse.to_string())
            .fetch_optional(&mut *w.tx)
            .await?;
        if warehouse.is_none() {
            return Err(refused(
                "fleet.error.unknown_warehouse",
                "warehouse",
                &s.part,
                s.warehouse,
                "no such warehouse",
            ));
        }
        let id = ShipmentId(new_uuid());
        let now = w.now_text();
        sqlx::query(
            "INSERT INTO fleet_shipments (id, supplier_id, reference, warehouse_id, bin, part, qty, shipped_on, expected_on, received_on, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, NULL, $10)",
        )
        .bind(id.0.to_string())
        .bind(s.supplier.map(|o| o.to_string()))
        .bind(s.reference.trim())
        .bind(s.warehouse.to_string())
        .bind(s.bin.trim())
        .bind(s.part.as_str())
        .bind(i64::from(s.qty))
        .bind(s.shipped_on.to_string())
        .bind(s.expected_on.to_string())
        .bind(now)
        .execute(&mut *w.tx)
        .await?;
        sqlx::query(
            "INSERT INTO fleet_stock (warehouse_id, bin, part, qty, in_transit) VALUES ($1, $2, $3, 0, $4) \
             ON CONFLICT (warehouse_id, bin, part) DO UPDATE SET in_transit = fleet_stock.in_transit + $4",
        )
        .bind(s.warehouse.to_string())
        .bind(s.bin.trim())
        .bind(s.part.as_str())
        .bind(i64::from(s.qty))
        .execute(&mut *w.tx)
        .await?;
        let after = serde_json::json!({
            "supplier": s.supplier, "reference": s.reference, "warehouse": s.warehouse, "bin": s.bin,
            "part": s.part, "qty": s.qty, "shipped_on": s.shipped_on, "expected_on": s.expected_on,
        });
        w.audit(Change::create("fleet_shipment", id.0, &after)).await?;
        Ok(id)
    }

    /// Receives a shipment in transit: it leaves the in-transit count and becomes a receipt
    /// movement into its bin. A shipment is received once.
    pub async fn fleet_shipment_receive(&self, author: Author<'_>, id: ShipmentId, on: NaiveDate) -> Result<()> {
        let mut w = self.begin_write(author).await?;
        self.fleet_shipment_receive_in(&mut w, id, on).await?;
        w.commit().await
    }

    /// [`Store::fleet_shipment_receive`] inside the caller's transaction.
    pub async fn fleet_shipment_receive_in(&self, w: &mut WriteTx<'_>, id: ShipmentId, on: NaiveDate) -> Result<()> {
        let row: Option<(String, String, String, i64, Option<String>)> =
            sqlx::query_as("SELECT warehouse_id, bin, part, qty, received_on FROM fleet_shipments WHERE id = $1")
                .bind(id.0.to_string())
                .fetch_optional(&mut *w.tx)
                .await?;
        let (warehouse, bin, part, qty, received) = row.ok_or(StoreError::NotFound { entity: "shipment" })?;
        let part = PartNumber::parse(&part).map_err(corrupt("part"))?;
        if let Some(on) = received {
            return Err(refused(
                "fleet.error.shipment_received",
                "shipment",
                &part,
                &on,
                format!("shipment of {part} was received on {on}"),
            ));
        }
        // The condition makes a second, concurrent receipt of the same shipment a no-op.
        let done = sqlx::query("UPDATE fleet_shipments SET received_on = $1 WHERE id = $2 AND received_on IS NULL")
            .bind(on.to_string())
            .bind(id.0.to_string())
            .execute(&mut *w.tx)
            .await?;
        if done.rows_affected() == 0 {
            return Err(refused("fleet.error.shipment_received", "shipment", &part, on, "already received"));
        }
        let warehouse = WarehouseId::from_str(&warehouse).map_err(corrupt("warehouse id"))?;
        sqlx::query(
            "UPDATE fleet_stock SET in_transit = in_transit - $1 WHERE warehouse_id = $2 AND bin = $3 AND part = $4",
        )
        .bind(qty)
        .bind(warehouse.to_string())
        .bind(&bin)
        .bind(part.as_str())
        .execute(&mut *w.tx)
        .await?;
        receive(w, warehouse, &bin, &part, qty, on).await?;
        w.audit(Change::update(
            "fleet_shipment",
            id.0,
            &serde_json::json!({ "received_on": null }),
            &serde_json::json!({ "received_on": on }),
        ))
        .await?;
        Ok(())
    }

    /// Shipments, those in transit first (by expected day), then the latest received.
    pub async fn fleet_shipments(&self, limit: i64) -> Result<Vec<ShipmentRow>> {
        type Row =
            (String, Option<String>, String, String, String, String, String, i64, String, String, Option<String>);
        let rows: Vec<Row> = sqlx::query_as(&format!(
            "SELECT s.id, s.supplier_id, s.reference, s.warehouse_id, w.name, s.bin, s.part, s.qty, s.shipped_on, s.expected_on, s.received_on \
             FROM fleet_shipments s JOIN fleet_warehouses w ON w.id = s.warehouse_id \
             ORDER BY CASE WHEN s.received_on IS NULL THEN 0 ELSE 1 END, s.expected_on, s.id LIMIT {}",
            limit.clamp(1, 1000)
        ))
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter()
            .map(|(id, supplier, reference, wid, wname, bin, part, qty, shipped, expected, received)| {
                Ok(ShipmentRow {
                    id: ShipmentId(uuid::Uuid::from_str(&id).map_err(corrupt("shipment id"))?),
                    supplier: supplier.as_deref().map(OrganisationId::from_str).transpose().map_err(corrupt("org"))?,
                    reference,
                    warehouse: WarehouseId::from_str(&wid).map_err(corrupt("warehouse id"))?,
                    warehouse_name: wname,
                    bin,
                    part,
                    qty,
                    shipped_on: date(&shipped)?,
                    expected_on: date(&expected)?,
                    received_on: received.as_deref().map(date).transpose()?,
                })
            })
            .collect()
    }
}
