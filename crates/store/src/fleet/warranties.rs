//! Warranties on a machine or a part of it, and the flags they put on work order lines.

use super::machines::require_machine;
use super::parts::require_part;
use super::{date, kind_code, kind_of, refused};
use crate::{Author, Result, Store, WriteTx, corrupt};
use accord_domain::audit::Change;
use accord_domain::fleet::parts::PartNumber;
use accord_domain::fleet::work_order::{MeterLimit, Warranty, WarrantyScope, WorkOrder, flag_warranty};
use accord_domain::{MachineId, WarrantyId};
use serde::Serialize;
use std::str::FromStr;

/// A warranty as the machine's page lists it.
#[derive(Debug, Clone, Serialize)]
pub struct WarrantyRow {
    pub warranty: Warranty,
    pub note: String,
}

type WarrantyDbRow = (String, Option<String>, String, Option<String>, Option<i64>, Option<i64>, String);

async fn warranty_rows(conn: &mut sqlx::AnyConnection, machine: MachineId) -> Result<Vec<WarrantyRow>> {
    let rows: Vec<WarrantyDbRow> = sqlx::query_as(
        "SELECT id, part, from_date, until_date, meter_kind, meter_up_to, note FROM fleet_warranties WHERE machine_id = $1 ORDER BY from_date DESC, id",
    )
    .bind(machine.to_string())
    .fetch_all(&mut *conn)
    .await?;
    rows.into_iter()
        .map(|(id, part, from, until, kind, up_to, note)| {
            let meter_limit = match (kind, up_to) {
                (Some(k), Some(up_to)) => Some(MeterLimit { kind: kind_of(k)?, up_to }),
                _ => None,
            };
            Ok(WarrantyRow {
                warranty: Warranty {
                    id: WarrantyId::from_str(&id).map_err(corrupt("warranty id"))?,
                    machine,
                    scope: match part {
                        Some(p) => WarrantyScope::Part(PartNumber::parse(&p).map_err(corrupt("part"))?),
                        None => WarrantyScope::Machine,
                    },
                    from: date(&from)?,
                    until: until.as_deref().map(date).transpose()?,
                    meter_limit,
                },
                note,
            })
        })
        .collect()
}

/// Flags the order's lines a warranty of its machine covers (the domain's `flag_warranty`).
pub(super) async fn flag_in(w: &mut WriteTx<'_>, order: &mut WorkOrder) -> Result<()> {
    let warranties: Vec<Warranty> =
        warranty_rows(&mut w.tx, order.machine).await?.into_iter().map(|r| r.warranty).collect();
    flag_warranty(order, &warranties);
    Ok(())
}

impl Store {
    /// Records a warranty on a machine or a part of it: the last day not before the first,
    /// a meter limit above zero on a meter the machine has, a part in the catalogue. Work and
    /// part lines are flagged against it when an order is opened or changed.
    pub async fn fleet_warranty_add(&self, author: Author<'_>, warranty: &Warranty, note: &str) -> Result<()> {
        let mut w = self.begin_write(author).await?;
        self.fleet_warranty_add_in(&mut w, warranty, note).await?;
        w.commit().await
    }

    /// [`Store::fleet_warranty_add`] inside the caller's transaction.
    pub async fn fleet_warranty_add_in(&self, w: &mut WriteTx<'_>, warranty: &Warranty, note: &str) -> Result<()> {
        let machine = warranty.machine;
        if let Some(until) = warranty.until
            && until < warranty.from
        {
            return Err(refused(
                "fleet.error.warranty_dates",
                "until",
                machine,
                until,
                format!("warranty of machine {machine}: last day {until} before the first {}", warranty.from),
            ));
        }
        require_machine(w, machine).await?;
        if let Some(limit) = warranty.meter_limit {
            if limit.up_to <= 0 {
                return Err(refused(
                    "fleet.error.warranty_meter",
                    "up_to",
                    machine,
                    limit.up_to,
                    format!("warranty of machine {machine}: meter limit {} is not above zero", limit.up_to),
                ));
            }
            let meter: Option<(i64,)> =
                sqlx::query_as("SELECT kind FROM fleet_meters WHERE machine_id = $1 AND kind = $2")
                    .bind(machine.to_string())
                    .bind(kind_code(limit.kind))
                    .fetch_optional(&mut *w.tx)
                    .await?;
            if meter.is_none() {
                return Err(refused(
                    "fleet.error.no_meter",
                    "meter",
                    machine,
                    limit.kind.key(),
                    format!("machine {machine} has no meter {}", limit.kind.key()),
                ));
            }
        }
        let part = match &warranty.scope {
            WarrantyScope::Machine => None,
            WarrantyScope::Part(p) => {
                require_part(w, p, "part", machine).await?;
                Some(p.as_str().to_string())
            }
        };
        let now = w.now_text();
        sqlx::query(
            "INSERT INTO fleet_warranties (id, machine_id, part, from_date, until_date, meter_kind, meter_up_to, note, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(warranty.id.to_string())
        .bind(machine.to_string())
        .bind(part)
        .bind(warranty.from.to_string())
        .bind(warranty.until.map(|d| d.to_string()))
        .bind(warranty.meter_limit.map(|l| kind_code(l.kind)))
        .bind(warranty.meter_limit.map(|l| l.up_to))
        .bind(note.trim())
        .bind(now)
        .execute(&mut *w.tx)
        .await?;
        w.audit(Change::create("fleet_warranty", warranty.id, warranty)).await?;
        Ok(())
    }

    /// A machine's warranties, latest start first.
    pub async fn fleet_warranties(&self, machine: MachineId) -> Result<Vec<WarrantyRow>> {
        let mut conn = self.pool.acquire().await?;
        warranty_rows(&mut conn, machine).await
    }
}
