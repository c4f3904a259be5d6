//! The parts catalogue, stock per bin, reservations for work orders, issues to orders (the
//! stock condition in the UPDATE is the rule), movements and the suggested order list.

use super::orders::{order_in, update_order};
use super::warranties::flag_in;
use super::{StoredWorkOrder, date, json, refused, unjson};
use crate::directory::new_uuid;
use crate::{Author, Result, Store, WriteTx, corrupt};
use accord_domain::OrganisationId;
use accord_domain::audit::Change;
use accord_domain::fleet::parts::PartNumber;
use accord_domain::fleet::replenish::{
    PartSupply, Stats, SupplierOrder, planned_demand, suggest_orders, z_for_service_level,
};
use accord_domain::fleet::work_order::PartLine;
use accord_domain::trade::{Currency, Money};
use accord_domain::{WarehouseId, WorkOrderId};
use chrono::{Days, NaiveDate};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::str::FromStr;

/// A part of the catalogue.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct PartRecord {
    pub number: PartNumber,
    pub brand: String,
    pub name: String,
    pub supplier: Option<OrganisationId>,
    pub price: Money,
    pub pack: u32,
    pub lead_days: u32,
    pub superseded_by: Option<PartNumber>,
    pub equivalents: Vec<PartNumber>,
}

/// Stock of a part in a bin.
#[derive(Debug, Clone, Serialize)]
pub struct StockRow {
    pub warehouse: WarehouseId,
    pub warehouse_name: String,
    pub bin: String,
    pub part: String,
    pub qty: i64,
    /// Held for work orders (an issue to another order may take at most `qty - reserved`).
    pub reserved: i64,
    pub in_transit: i64,
}

/// A stock movement.
#[derive(Debug, Clone, Serialize)]
pub struct MovementRow {
    pub warehouse: String,
    pub bin: String,
    pub part: String,
    pub delta: i64,
    pub kind: String,
    pub work_order: Option<String>,
    pub on_date: NaiveDate,
    pub by: Option<String>,
}

/// Stock held for a work order.
#[derive(Debug, Clone, Serialize)]
pub struct ReservationRow {
    pub work_order: WorkOrderId,
    pub warehouse: WarehouseId,
    pub bin: String,
    pub part: String,
    pub qty: i64,
}

/// Parts to issue from a bin to a work order.
#[derive(Debug, Clone, Copy)]
pub struct PartIssue<'a> {
    pub order: WorkOrderId,
    /// The order's version the issuer saw; `None` takes it as it is.
    pub expected: Option<i64>,
    pub warehouse: WarehouseId,
    pub bin: &'a str,
    pub part: &'a PartNumber,
    pub qty: u32,
    pub on: NaiveDate,
}

pub(super) async fn insert_parts(w: &mut WriteTx<'_>, parts: &[PartRecord]) -> Result<()> {
    for p in parts {
        sqlx::query(
            "INSERT INTO fleet_parts (number, brand, name, supplier_id, price_minor, currency, pack, lead_days, superseded_by, equivalents) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT (number) DO UPDATE SET brand = $2, name = $3, supplier_id = $4, \
             price_minor = $5, currency = $6, pack = $7, lead_days = $8, superseded_by = $9, equivalents = $10",
        )
        .bind(p.number.as_str())
        .bind(&p.brand)
        .bind(&p.name)
        .bind(p.supplier.map(|s| s.to_string()))
        .bind(p.price.minor)
        .bind(p.price.currency.code())
        .bind(i64::from(p.pack))
        .bind(i64::from(p.lead_days))
        .bind(p.superseded_by.as_ref().map(|s| s.as_str().to_string()))
        .bind(json(&p.equivalents)?)
        .execute(&mut *w.tx)
        .await?;
    }
    Ok(())
}

pub(super) async fn receive(
    w: &mut WriteTx<'_>,
    warehouse: WarehouseId,
    bin: &str,
    part: &PartNumber,
    qty: i64,
    on: NaiveDate,
) -> Result<()> {
    if qty <= 0 {
        return Err(refused("fleet.error.qty_zero", "qty", part, qty, "quantity must be positive"));
    }
    sqlx::query(
        "INSERT INTO fleet_stock (warehouse_id, bin, part, qty, in_transit) VALUES ($1, $2, $3, $4, 0) \
         ON CONFLICT (warehouse_id, bin, part) DO UPDATE SET qty = fleet_stock.qty + $4",
    )
    .bind(warehouse.to_string())
    .bind(bin)
    .bind(part.as_str())
    .bind(qty)
    .execute(&mut *w.tx)
    .await?;
    movement(w, warehouse, bin, part, qty, "receipt", None, on).await
}

#[allow(clippy::too_many_arguments)]
async fn movement(
    w: &mut WriteTx<'_>,
    warehouse: WarehouseId,
    bin: &str,
    part: &PartNumber,
    delta: i64,
    kind: &str,
    order: Option<WorkOrderId>,
    on: NaiveDate,
) -> Result<()> {
    let id = new_uuid().to_string();
    let now = w.now_text();
    let by = w.author_login();
    sqlx::query(
        "INSERT INTO fleet_stock_movements (id, warehouse_id, bin, part, delta, kind, work_order_id, on_date, created_at, created_by) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(&id)
    .bind(warehouse.to_string())
    .bind(bin)
    .bind(part.as_str())
    .bind(delta)
    .bind(kind)
    .bind(order.map(|o| o.to_string()))
    .bind(on.to_string())
    .bind(now)
    .bind(by)
    .execute(&mut *w.tx)
    .await?;
    let after = serde_json::json!({ "warehouse": warehouse, "bin": bin, "part": part, "delta": delta, "kind": kind, "order": order, "on": on });
    w.audit(Change::create("fleet_stock_movement", id, &after)).await
}

/// Refuses a part number the catalogue does not hold, as `field` of `subject`.
pub(super) async fn require_part(
    w: &mut WriteTx<'_>,
    part: &PartNumber,
    field: &'static str,
    subject: impl ToString,
) -> Result<()> {
    let row: Option<(String,)> = sqlx::query_as("SELECT number FROM fleet_parts WHERE number = $1")
        .bind(part.as_str())
        .fetch_optional(&mut *w.tx)
        .await?;
    match row {
        Some(_) => Ok(()),
        None => Err(refused("fleet.error.unknown_part", field, subject, part, "no such part in the catalogue")),
    }
}

/// Reserves for an order what it needs of each part, from the bins' free stock (on hand less
/// what is reserved), as much as there is: a service is planned whether or not its parts are in.
pub(super) async fn reserve(w: &mut WriteTx<'_>, order: WorkOrderId, needs: &[(PartNumber, u32)]) -> Result<()> {
    for (part, qty) in needs {
        let mut wanted = i64::from(*qty);
        let bins: Vec<(String, String, i64)> = sqlx::query_as(
            "SELECT warehouse_id, bin, qty - reserved FROM fleet_stock WHERE part = $1 AND qty - reserved > 0 ORDER BY warehouse_id, bin",
        )
        .bind(part.as_str())
        .fetch_all(&mut *w.tx)
        .await?;
        for (warehouse, bin, free) in bins {
            if wanted == 0 {
                break;
            }
            let take = wanted.min(free);
            // The condition re-checks the free stock under the row lock.
            let done = sqlx::query(
                "UPDATE fleet_stock SET reserved = reserved + $1 WHERE warehouse_id = $2 AND bin = $3 AND part = $4 AND qty - reserved >= $1",
            )
            .bind(take)
            .bind(&warehouse)
            .bind(&bin)
            .bind(part.as_str())
            .execute(&mut *w.tx)
            .await?;
            if done.rows_affected() == 0 {
                continue;
            }
            let id = new_uuid().to_string();
            let now = w.now_text();
            sqlx::query(
                "INSERT INTO fleet_reservations (id, work_order_id, warehouse_id, bin, part, qty, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(&id)
            .bind(order.to_string())
            .bind(&warehouse)
            .bind(&bin)
            .bind(part.as_str())
            .bind(take)
            .bind(now)
            .execute(&mut *w.tx)
            .await?;
            let after =
                serde_json::json!({ "order": order, "warehouse": warehouse, "bin": bin, "part": part, "qty": take });
            w.audit(Change::create("fleet_reservation", id, &after)).await?;
            wanted -= take;
        }
    }
    Ok(())
}

/// Releases an order's reservations: all of them (`None`), or up to `qty` of one part, those
/// in the given bin first (an issue takes what was held for it).
pub(super) async fn release(
    w: &mut WriteTx<'_>,
    order: WorkOrderId,
    only: Option<(&PartNumber, i64, WarehouseId, &str)>,
) -> Result<()> {
    let mut rows: Vec<(String, String, String, String, i64)> = sqlx::query_as(
        "SELECT id, warehouse_id, bin, part, qty FROM fleet_reservations WHERE work_order_id = $1 AND ($2 = '' OR part = $2) ORDER BY created_at, id",
    )
    .bind(order.to_string())
    .bind(only.map(|o| o.0.as_str().to_string()).unwrap_or_default())
    .fetch_all(&mut *w.tx)
    .await?;
    let mut left = only.map_or(i64::MAX, |o| o.1);
    if let Some((_, _, warehouse, bin)) = only {
        let here = |r: &(String, String, String, String, i64)| r.1 == warehouse.to_string() && r.2 == bin;
        rows.sort_by_key(|r| !here(r));
    }
    for (id, warehouse, bin, part, qty) in rows {
        if left == 0 {
            break;
        }
        let take = qty.min(left);
        sqlx::query(
            "UPDATE fleet_stock SET reserved = reserved - $1 WHERE warehouse_id = $2 AND bin = $3 AND part = $4",
        )
        .bind(take)
        .bind(&warehouse)
        .bind(&bin)
        .bind(&part)
        .execute(&mut *w.tx)
        .await?;
        if take == qty {
            sqlx::query("DELETE FROM fleet_reservations WHERE id = $1").bind(&id).execute(&mut *w.tx).await?;
        } else {
            sqlx::query("UPDATE fleet_reservations SET qty = qty - $1 WHERE id = $2")
                .bind(take)
                .bind(&id)
                .execute(&mut *w.tx)
                .await?;
        }
        w.audit(Change::update(
            "fleet_reservation",
            &id,
            &serde_json::json!({ "qty": qty }),
            &serde_json::json!({ "qty": qty - take }),
        ))
        .await?;
        left -= take;
    }
    Ok(())
}

impl Store {
    /// Reservations of work orders (of one order, or all), by part.
    pub async fn fleet_reservations(&self, order: Option<WorkOrderId>) -> Result<Vec<ReservationRow>> {
        let rows: Vec<(String, String, String, String, i64)> = sqlx::query_as(
            "SELECT work_order_id, warehouse_id, bin, part, qty FROM fleet_reservations WHERE ($1 = '' OR work_order_id = $1) ORDER BY part, created_at, id",
        )
        .bind(order.map(|o| o.to_string()).unwrap_or_default())
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter()
            .map(|(o, wh, bin, part, qty)| {
                Ok(ReservationRow {
                    work_order: WorkOrderId::from_str(&o).map_err(corrupt("work order id"))?,
                    warehouse: WarehouseId::from_str(&wh).map_err(corrupt("warehouse id"))?,
                    bin,
                    part,
                    qty,
                })
            })
            .collect()
    }

    /// Issues `qty` of a part from a bin to a work order: refused inside the same transaction
    /// when the bin holds less (two technicians taking the last one: exactly one gets it). The
    /// part line is added to the order at the catalogue price.
    #[allow(clippy::too_many_arguments)]
    pub async fn fleet_issue_part(
        &self,
        author: Author<'_>,
        order: WorkOrderId,
        warehouse: WarehouseId,
        bin: &str,
        part: &PartNumber,
        qty: u32,
        on: NaiveDate,
    ) -> Result<StoredWorkOrder> {
        let mut w = self.begin_write(author).await?;
        let issue = PartIssue { order, expected: None, warehouse, bin, part, qty, on };
        let stored = self.fleet_issue_part_in(&mut w, &issue).await?;
        w.commit().await?;
        Ok(stored)
    }

    /// [`Store::fleet_issue_part`] inside the caller's transaction, at the order's version the
    /// actor saw (`expected`).
    pub async fn fleet_issue_part_in(&self, w: &mut WriteTx<'_>, issue: &PartIssue<'_>) -> Result<StoredWorkOrder> {
        let PartIssue { order, expected, warehouse, bin, part, qty, on } = *issue;
        let (number, before, version) = order_in(w, order, expected).await?;
        if qty == 0 {
            return Err(refused("fleet.error.qty_zero", "qty", part, qty, "quantity must be positive"));
        }
        let price: Option<(i64, String)> =
            sqlx::query_as("SELECT price_minor, currency FROM fleet_parts WHERE number = $1")
                .bind(part.as_str())
                .fetch_optional(&mut *w.tx)
                .await?;
        let (price_minor, currency) =
            price.ok_or_else(|| refused("fleet.error.unknown_part", "part", part, part, "no such part"))?;
        // What this order has reserved of the part is released first (it is what the issue
        // takes); the rest of the bin's reservations belong to other orders and stay.
        release(w, order, Some((part, i64::from(qty), warehouse, bin))).await?;
        // The condition in the UPDATE is the rule: rows affected 0 means not enough free in the
        // bin, whatever else committed meanwhile (the CHECK on qty backs it up).
        let done = sqlx::query(
            "UPDATE fleet_stock SET qty = qty - $1 WHERE warehouse_id = $2 AND bin = $3 AND part = $4 AND qty - reserved >= $1",
        )
        .bind(i64::from(qty))
        .bind(warehouse.to_string())
        .bind(bin)
        .bind(part.as_str())
        .execute(&mut *w.tx)
        .await?;
        if done.rows_affected() == 0 {
            let have: Option<(i64,)> = sqlx::query_as(
                "SELECT qty - reserved FROM fleet_stock WHERE warehouse_id = $1 AND bin = $2 AND part = $3",
            )
            .bind(warehouse.to_string())
            .bind(bin)
            .bind(part.as_str())
            .fetch_optional(&mut *w.tx)
            .await?;
            let have = have.map_or(0, |(q,)| q.max(0));
            return Err(refused(
                "fleet.error.stock_short",
                "qty",
                part,
                qty,
                format!("part {part}: {qty} asked, {have} in bin {bin}"),
            ));
        }
        movement(w, warehouse, bin, part, -i64::from(qty), "issue", Some(order), on).await?;
        let mut o = before.clone();
        let currency = Currency::parse(&currency).map_err(corrupt("currency"))?;
        o.add_part(PartLine { part: part.clone(), qty, unit_price: Money::new(price_minor, currency), warranty: None })
            .map_err(|e| refused(e.key(), "part", o.machine, part, &e))?;
        flag_in(w, &mut o).await?;
        update_order(w, &o, version).await?;
        w.audit(Change::update("fleet_work_order", order, &before, &o)).await?;
        Ok(StoredWorkOrder { number, order: o, version: version + 1 })
    }

    /// Saves parts of the catalogue (replacing those with the same number).
    pub async fn fleet_parts_save(&self, author: Author<'_>, parts: &[PartRecord]) -> Result<()> {
        let mut w = self.begin_write(author).await?;
        insert_parts(&mut w, parts).await?;
        w.audit(Change::create("fleet_parts", parts.len(), &serde_json::json!({ "parts": parts.len() }))).await?;
        w.commit().await
    }

    pub async fn fleet_parts(&self) -> Result<Vec<PartRecord>> {
        type PartRow = (String, String, String, Option<String>, i64, String, i64, i64, Option<String>, String);
        let rows: Vec<PartRow> =
            sqlx::query_as(
                "SELECT number, brand, name, supplier_id, price_minor, currency, pack, lead_days, superseded_by, equivalents FROM fleet_parts ORDER BY number",
            )
            .fetch_all(&self.pool)
            .await?;
        rows.into_iter()
            .map(|(number, brand, name, supplier, price, currency, pack, lead, sup, eq)| {
                Ok(PartRecord {
                    number: PartNumber::parse(&number).map_err(corrupt("part"))?,
                    brand,
                    name,
                    supplier: supplier.as_deref().map(OrganisationId::from_str).transpose().map_err(corrupt("org"))?,
                    price: Money::new(price, Currency::parse(&currency).map_err(corrupt("currency"))?),
                    pack: pack as u32,
                    lead_days: lead as u32,
                    superseded_by: sup.as_deref().map(PartNumber::parse).transpose().map_err(corrupt("part"))?,
                    equivalents: unjson("equivalents", &eq)?,
                })
            })
            .collect()
    }

    /// Creates a warehouse (or returns the one of that name).
    pub async fn fleet_warehouse(&self, author: Author<'_>, name: &str) -> Result<WarehouseId> {
        let mut w = self.begin_write(author).await?;
        let row: Option<(String,)> = sqlx::query_as("SELECT id FROM fleet_warehouses WHERE name = $1")
            .bind(name)
            .fetch_optional(&mut *w.tx)
            .await?;
        if let Some((id,)) = row {
            return WarehouseId::from_str(&id).map_err(corrupt("warehouse id"));
        }
        let id = WarehouseId(new_uuid());
        sqlx::query("INSERT INTO fleet_warehouses (id, name) VALUES ($1, $2)")
            .bind(id.to_string())
            .bind(name)
            .execute(&mut *w.tx)
            .await?;
        w.audit(Change::create("fleet_warehouse", id, &serde_json::json!({ "name": name }))).await?;
        w.commit().await?;
        Ok(id)
    }

    /// Receives parts into a bin.
    pub async fn fleet_stock_receive(
        &self,
        author: Author<'_>,
        warehouse: WarehouseId,
        bin: &str,
        part: &PartNumber,
        qty: u32,
        on: NaiveDate,
    ) -> Result<()> {
        let mut w = self.begin_write(author).await?;
        receive(&mut w, warehouse, bin, part, i64::from(qty), on).await?;
        w.commit().await
    }

    /// Receives many lines in one transaction (demo, a delivery note).
    pub async fn fleet_stock_receive_many(
        &self,
        author: Author<'_>,
        warehouse: WarehouseId,
        lines: &[(String, PartNumber, u32)],
        on: NaiveDate,
    ) -> Result<()> {
        let mut w = self.begin_write(author).await?;
        for (bin, part, qty) in lines {
            receive(&mut w, warehouse, bin, part, i64::from(*qty), on).await?;
        }
        w.commit().await
    }

    pub async fn fleet_stock(&self) -> Result<Vec<StockRow>> {
        let rows: Vec<(String, String, String, String, i64, i64, i64)> = sqlx::query_as(
            "SELECT s.warehouse_id, w.name, s.bin, s.part, s.qty, s.reserved, s.in_transit FROM fleet_stock s JOIN fleet_warehouses w ON w.id = s.warehouse_id ORDER BY w.name, s.part, s.bin",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter()
            .map(|(wid, name, bin, part, qty, reserved, in_transit)| {
                Ok(StockRow {
                    warehouse: WarehouseId::from_str(&wid).map_err(corrupt("warehouse id"))?,
                    warehouse_name: name,
                    bin,
                    part,
                    qty,
                    reserved,
                    in_transit,
                })
            })
            .collect()
    }

    /// The latest movements, of one part or all.
    pub async fn fleet_movements(&self, part: Option<&str>, limit: i64) -> Result<Vec<MovementRow>> {
        type Row = (String, String, String, i64, String, Option<String>, String, Option<String>);
        let rows: Vec<Row> = sqlx::query_as(
            &format!(
                "SELECT w.name, m.bin, m.part, m.delta, m.kind, m.work_order_id, m.on_date, m.created_by FROM fleet_stock_movements m \
                 JOIN fleet_warehouses w ON w.id = m.warehouse_id WHERE ($1 = '' OR m.part = $1) ORDER BY m.on_date DESC, m.created_at DESC, m.id DESC LIMIT {}",
                limit.clamp(1, 1000)
            ),
        )
        .bind(part.unwrap_or(""))
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter()
            .map(|(warehouse, bin, part, delta, kind, order, on, by)| {
                Ok(MovementRow { warehouse, bin, part, delta, kind, work_order: order, on_date: date(&on)?, by })
            })
            .collect()
    }

    /// The suggested order list per supplier: reorder point `d·L + SS` plus what the due list
    /// plans within the lead time, safety stock `z·sqrt(L·σd² + d²·σL²)` at a 95 % service
    /// level; daily demand from the issues of the last 365 days.
    pub async fn fleet_suggested_orders(&self, today: NaiveDate) -> Result<Vec<SupplierOrder>> {
        let parts = self.fleet_parts().await?;
        let since = today.checked_sub_days(Days::new(365)).unwrap_or(today);
        let issues: Vec<(String, String, i64)> = sqlx::query_as(
            "SELECT part, on_date, CAST(SUM(-delta) AS BIGINT) FROM fleet_stock_movements WHERE kind = 'issue' AND on_date >= $1 GROUP BY part, on_date",
        )
        .bind(since.to_string())
        .fetch_all(&self.pool)
        .await?;
        let mut daily: HashMap<String, Vec<f64>> = HashMap::new();
        for (part, _, qty) in issues {
            daily.entry(part).or_default().push(qty as f64);
        }
        let stock: Vec<(String, i64, i64, i64)> = sqlx::query_as(
            "SELECT part, CAST(SUM(qty) AS BIGINT), CAST(SUM(reserved) AS BIGINT), CAST(SUM(in_transit) AS BIGINT) FROM fleet_stock GROUP BY part",
        )
        .fetch_all(&self.pool)
        .await?;
        let stock: HashMap<String, (i64, i64, i64)> = stock.into_iter().map(|(p, q, r, t)| (p, (q, r, t))).collect();
        let snap = self.fleet_snapshot().await?;
        let due = snap.due_list(today, |_| true);
        let z = z_for_service_level(0.95);
        let mut supplies = Vec::new();
        for p in &parts {
            let Some(supplier) = p.supplier else { continue };
            let until = today.checked_add_days(Days::new(u64::from(p.lead_days))).unwrap_or(today);
            let planned = planned_demand(&due, &snap.regimes, until);
            let mut samples = daily.get(p.number.as_str()).cloned().unwrap_or_default();
            samples.resize(365, 0.0);
            let (on_hand, reserved, in_transit) = stock.get(p.number.as_str()).copied().unwrap_or((0, 0, 0));
            supplies.push(PartSupply {
                part: p.number.clone(),
                supplier,
                on_hand: on_hand.max(0) as u64,
                reserved: reserved.max(0) as u64,
                in_transit: in_transit.max(0) as u64,
                planned: planned.get(&p.number).copied().unwrap_or(0),
                demand: Stats::of(samples).unwrap_or(Stats::exact(0.0)),
                lead: Stats { mean: f64::from(p.lead_days), sd: f64::from(p.lead_days) * 0.2 },
                z,
                review_days: 30,
                min_order: 1,
                pack: p.pack.max(1),
            });
        }
        Ok(suggest_orders(&supplies))
    }
}
