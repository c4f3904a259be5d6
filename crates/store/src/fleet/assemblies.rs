//! The exchange pool: engines, gearboxes, axles and tyres moving between machines and the
//! shelf, each install and removal carrying the machine's meter so the usage goes with it.

use super::machines::require_machine;
use super::{code, json};
use super::{date, kind_code, refused, unjson};
use crate::directory::new_uuid;
use crate::{Author, Result, Store, StoreError, WriteTx, corrupt};
use accord_domain::audit::Change;
use accord_domain::fleet::assembly::{Assembly, AssemblyEvent, AssemblyEventKind, ExchangePool};
use accord_domain::{AssemblyId, MachineId};
use chrono::NaiveDate;
use serde::Serialize;
use std::str::FromStr;

/// An assembly as listed: where it is and the usage it carries.
#[derive(Debug, Clone, Serialize)]
pub struct AssemblyRow {
    pub assembly: Assembly,
    /// Installed on (since, meter at installation); `None`: on the shelf of the pool.
    pub installed: Option<accord_domain::fleet::assembly::Installation>,
    /// Usage before our records, over past installations and the current one to date.
    pub usage: i64,
}

/// An install or a removal as a machine's page lists it.
#[derive(Debug, Clone, Serialize)]
pub struct AssemblyEventRow {
    pub assembly: AssemblyId,
    pub serial: String,
    pub kind: accord_domain::fleet::assembly::AssemblyKind,
    pub machine: MachineId,
    pub event: AssemblyEventKind,
    pub date: NaiveDate,
    pub machine_meter: i64,
}

/// The exchange pool as stored: every assembly, its events applied in order.
async fn pool_in(conn: &mut sqlx::AnyConnection) -> Result<ExchangePool> {
    let mut pool = ExchangePool::default();
    let bodies: Vec<(String,)> = sqlx::query_as("SELECT body FROM fleet_assemblies").fetch_all(&mut *conn).await?;
    for (b,) in bodies {
        pool.add(unjson("assembly", &b)?).map_err(corrupt("assembly"))?;
    }
    let events: Vec<(String, String, String, String, i64)> = sqlx::query_as(
        "SELECT assembly_id, machine_id, kind, on_date, machine_meter FROM fleet_assembly_events ORDER BY seq",
    )
    .fetch_all(&mut *conn)
    .await?;
    for (a, m, kind, on, meter) in events {
        pool.apply(AssemblyEvent {
            assembly: AssemblyId::from_str(&a).map_err(corrupt("assembly id"))?,
            machine: MachineId::from_str(&m).map_err(corrupt("machine id"))?,
            date: date(&on)?,
            kind: unjson("assembly event", &format!("\"{kind}\""))?,
            machine_meter: meter,
        })
        .map_err(corrupt("assembly event"))?;
    }
    Ok(pool)
}

/// The machine's current cumulative value of the assembly's meter (its latest reading).
async fn machine_meter(w: &mut WriteTx<'_>, machine: MachineId, a: &Assembly) -> Result<i64> {
    let row: Option<(i64,)> = sqlx::query_as("SELECT value FROM fleet_meter_now WHERE machine_id = $1 AND kind = $2")
        .bind(machine.to_string())
        .bind(kind_code(a.meter))
        .fetch_optional(&mut *w.tx)
        .await?;
    row.map(|(v,)| v).ok_or_else(|| {
        refused(
            "fleet.error.no_meter",
            "machine",
            machine,
            a.meter.key(),
            format!("machine {machine} has no reading of {} to carry the usage of {}", a.meter.key(), a.serial),
        )
    })
}

/// Applies an install or removal to the pool (the domain's rules) and stores it.
async fn assembly_event(
    w: &mut WriteTx<'_>,
    pool: &mut ExchangePool,
    a: &Assembly,
    machine: MachineId,
    date: NaiveDate,
    kind: AssemblyEventKind,
) -> Result<()> {
    require_machine(w, machine).await?;
    let meter = machine_meter(w, machine, a).await?;
    let event = AssemblyEvent { assembly: a.id, machine, date, kind, machine_meter: meter };
    pool.apply(event).map_err(|e| refused(e.key(), "date", machine, &a.serial, &e))?;
    let (seq,): (i64,) =
        sqlx::query_as("SELECT COALESCE(MAX(seq), 0) + 1 FROM fleet_assembly_events").fetch_one(&mut *w.tx).await?;
    let id = new_uuid().to_string();
    let now = w.now_text();
    sqlx::query(
        "INSERT INTO fleet_assembly_events (id, assembly_id, machine_id, kind, on_date, machine_meter, seq, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(&id)
    .bind(a.id.to_string())
    .bind(machine.to_string())
    .bind(code(&kind))
    .bind(date.to_string())
    .bind(meter)
    .bind(seq)
    .bind(now)
    .execute(&mut *w.tx)
    .await?;
    w.audit(Change::create("fleet_assembly_event", id, &event)).await
}

impl Store {
    /// Registers an assembly in the exchange pool (its serial not taken by another), fitted
    /// to `install_on` on the given day if given.
    pub async fn fleet_assembly_add(
        &self,
        author: Author<'_>,
        assembly: &Assembly,
        install_on: Option<(MachineId, NaiveDate)>,
    ) -> Result<()> {
        let mut w = self.begin_write(author).await?;
        self.fleet_assembly_add_in(&mut w, assembly, install_on).await?;
        w.commit().await
    }

    /// [`Store::fleet_assembly_add`] inside the caller's transaction.
    pub async fn fleet_assembly_add_in(
        &self,
        w: &mut WriteTx<'_>,
        assembly: &Assembly,
        install_on: Option<(MachineId, NaiveDate)>,
    ) -> Result<()> {
        let mut pool = pool_in(&mut w.tx).await?;
        pool.add(assembly.clone()).map_err(|e| refused(e.key(), "serial", assembly.id, &assembly.serial, &e))?;
        let now = w.now_text();
        sqlx::query("INSERT INTO fleet_assemblies (id, kind, serial, body, created_at) VALUES ($1, $2, $3, $4, $5)")
            .bind(assembly.id.to_string())
            .bind(code(&assembly.kind))
            .bind(assembly.serial.as_str())
            .bind(json(assembly)?)
            .bind(now)
            .execute(&mut *w.tx)
            .await?;
        w.audit(Change::create("fleet_assembly", assembly.id, assembly)).await?;
        if let Some((machine, date)) = install_on {
            assembly_event(w, &mut pool, assembly, machine, date, AssemblyEventKind::Installed).await?;
        }
        Ok(())
    }

    /// Moves an assembly: removed from the machine it is on into the pool (`remove_on`), and/or
    /// fitted to `install_on` from the pool, in one transaction. Each event carries the
    /// machine's current cumulative value of the assembly's meter, so the usage goes with it.
    pub async fn fleet_assembly_move(
        &self,
        author: Author<'_>,
        assembly: AssemblyId,
        remove_on: Option<NaiveDate>,
        install_on: Option<(MachineId, NaiveDate)>,
    ) -> Result<AssemblyRow> {
        let mut w = self.begin_write(author).await?;
        let row = self.fleet_assembly_move_in(&mut w, assembly, None, remove_on, install_on).await?;
        w.commit().await?;
        Ok(row)
    }

    /// [`Store::fleet_assembly_move`] inside the caller's transaction. A removal `from` a
    /// machine is refused when the assembly is no longer on it: the pool as this transaction
    /// sees it decides, not the page the remover looked at.
    pub async fn fleet_assembly_move_in(
        &self,
        w: &mut WriteTx<'_>,
        assembly: AssemblyId,
        from: Option<MachineId>,
        remove_on: Option<NaiveDate>,
        install_on: Option<(MachineId, NaiveDate)>,
    ) -> Result<AssemblyRow> {
        let mut pool = pool_in(&mut w.tx).await?;
        let body: Option<(String,)> = sqlx::query_as("SELECT body FROM fleet_assemblies WHERE id = $1")
            .bind(assembly.to_string())
            .fetch_optional(&mut *w.tx)
            .await?;
        let a: Assembly = unjson("assembly", &body.ok_or(StoreError::NotFound { entity: "assembly" })?.0)?;
        if let Some(date) = remove_on {
            let at = pool.location(assembly).map_err(|e| refused(e.key(), "assembly", assembly, &a.serial, &e))?;
            let Some(at) = at else {
                return Err(refused(
                    "fleet.error.assembly_not_installed",
                    "assembly",
                    assembly,
                    &a.serial,
                    format!("assembly {} is on the shelf", a.serial),
                ));
            };
            if let Some(from) = from.filter(|from| *from != at.machine) {
                return Err(refused(
                    "fleet.error.assembly_not_installed",
                    "assembly",
                    from,
                    &a.serial,
                    format!("assembly {} is not on machine {from} (it is on {})", a.serial, at.machine),
                ));
            }
            assembly_event(w, &mut pool, &a, at.machine, date, AssemblyEventKind::Removed).await?;
        }
        if let Some((machine, date)) = install_on {
            assembly_event(w, &mut pool, &a, machine, date, AssemblyEventKind::Installed).await?;
        }
        let installed = pool.location(assembly).map_err(|e| refused(e.key(), "assembly", assembly, &a.serial, &e))?;
        let current = match installed {
            Some(at) => Some(machine_meter(w, at.machine, &a).await?),
            None => None,
        };
        let usage = pool.usage(assembly, current).map_err(|e| refused(e.key(), "assembly", assembly, &a.serial, &e))?;
        Ok(AssemblyRow { assembly: a, installed, usage })
    }

    /// Every assembly with where it is and its usage (installed ones to their machine's
    /// current meter value).
    pub async fn fleet_assemblies(&self) -> Result<Vec<AssemblyRow>> {
        let mut conn = self.pool.acquire().await?;
        let pool = pool_in(&mut conn).await?;
        let snap = self.fleet_snapshot().await?;
        let bodies: Vec<(String,)> =
            sqlx::query_as("SELECT body FROM fleet_assemblies ORDER BY kind, serial").fetch_all(&mut *conn).await?;
        bodies
            .iter()
            .map(|(b,)| {
                let a: Assembly = unjson("assembly", b)?;
                let installed = pool.location(a.id).map_err(corrupt("assembly"))?;
                let current = installed.and_then(|at| snap.meters.get(&at.machine)?.get(a.meter)).map(|s| s.value);
                let usage = pool.usage(a.id, current).map_err(corrupt("assembly"))?;
                Ok(AssemblyRow { assembly: a, installed, usage })
            })
            .collect()
    }

    /// Installs and removals on a machine, latest first.
    pub async fn fleet_assembly_history(&self, machine: MachineId) -> Result<Vec<AssemblyEventRow>> {
        let rows: Vec<(String, String, String, String, String, i64)> = sqlx::query_as(
            "SELECT e.assembly_id, a.serial, a.kind, e.kind, e.on_date, e.machine_meter FROM fleet_assembly_events e \
             JOIN fleet_assemblies a ON a.id = e.assembly_id WHERE e.machine_id = $1 ORDER BY e.on_date DESC, e.seq DESC",
        )
        .bind(machine.to_string())
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter()
            .map(|(id, serial, kind, event, on, meter)| {
                Ok(AssemblyEventRow {
                    assembly: AssemblyId::from_str(&id).map_err(corrupt("assembly id"))?,
                    serial,
                    kind: unjson("assembly kind", &format!("\"{kind}\""))?,
                    machine,
                    event: unjson("assembly event", &format!("\"{event}\""))?,
                    date: date(&on)?,
                    machine_meter: meter,
                })
            })
            .collect()
    }
}
