//! The exchange pool: assemblies (engines, gearboxes, axles, tyres) registered, fitted to a
//! machine and removed into the pool, each move carrying the machine's meter so the usage goes
//! with the assembly.
//!
//! Assemblies carry no version: what an assembly is (kind, serial, meter) is never edited, and
//! a move is an event checked in its transaction against where the assembly is now (the domain
//! refuses fitting a fitted one or removing one on the shelf; a removal from the machine page
//! names the machine, and is refused when the assembly has moved on meanwhile).

use super::input::{day, given, invalid, loose, opt_day, opt_number};
use super::meters::meter_kind;
use crate::{Actor, App, Result};
use accord_domain::fleet::assembly::{Assembly, AssemblyKind};
use accord_domain::fleet::machine::SerialNumber;
use accord_domain::validation::Reason;
use accord_domain::{AssemblyId, MachineId};
use accord_store::{AssemblyEventRow, AssemblyRow};
use serde::Deserialize;
use std::str::FromStr;

/// A new assembly, as `POST /api/v1/fleet/assemblies` and the machine page's form send it:
/// kind, serial, the machine meter its usage is counted on, its usage before our records, and
/// optionally the machine it is fitted to on `date` (else it goes on the shelf).
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct AssemblyInput {
    /// engine, gearbox, axle or tyre.
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub serial: String,
    /// odometer, engine_hours or fuel.
    #[serde(default)]
    pub meter: String,
    #[serde(default, deserialize_with = "loose")]
    #[schema(value_type = Option<i64>)]
    pub usage_before: Option<String>,
    pub machine: Option<String>,
    pub date: Option<String>,
}

impl AssemblyInput {
    fn parse(&self) -> Result<(Assembly, Option<(MachineId, chrono::NaiveDate)>)> {
        let kind = match self.kind.trim() {
            "engine" => AssemblyKind::Engine,
            "gearbox" => AssemblyKind::Gearbox,
            "axle" => AssemblyKind::Axle,
            "tyre" => AssemblyKind::Tyre,
            "" => return Err(invalid("kind", Reason::Required).into()),
            _ => return Err(invalid("kind", Reason::UnknownValue).into()),
        };
        let serial = SerialNumber::parse(&self.serial).map_err(|_| {
            invalid("serial", if self.serial.trim().is_empty() { Reason::Required } else { Reason::UnknownValue })
        })?;
        let meter = meter_kind(&self.meter, "meter")?;
        let usage_before = opt_number::<i64>(&self.usage_before, "usage_before")?.unwrap_or(0);
        if usage_before < 0 {
            return Err(invalid("usage_before", Reason::UnknownValue).into());
        }
        let install = match given(&self.machine) {
            Some(m) => Some((
                MachineId::from_str(m).map_err(|_| invalid("machine", Reason::UnknownValue))?,
                day(self.date.as_deref().unwrap_or_default(), "date")?,
            )),
            None => None,
        };
        let assembly = Assembly { id: AssemblyId(uuid::Uuid::now_v7()), kind, serial, meter, usage_before };
        Ok((assembly, install))
    }
}

/// A move of an assembly, as `POST /api/v1/fleet/assemblies/{id}/move` sends it: removed from
/// the machine it is on (`from`, if given, must be that machine) into the pool on `remove_on`,
/// and/or then fitted to `machine` on `install_on`.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct AssemblyMoveInput {
    pub remove_on: Option<String>,
    /// The machine the remover saw the assembly on.
    pub from: Option<String>,
    pub machine: Option<String>,
    pub install_on: Option<String>,
}

impl AssemblyMoveInput {
    #[allow(clippy::type_complexity, reason = "the parts of one move, named where they are used")]
    fn parse(&self) -> Result<(Option<MachineId>, Option<chrono::NaiveDate>, Option<(MachineId, chrono::NaiveDate)>)> {
        let machine = |text: &str, field| MachineId::from_str(text).map_err(|_| invalid(field, Reason::UnknownValue));
        let from = given(&self.from).map(|m| machine(m, "from")).transpose()?;
        let remove_on = opt_day(&self.remove_on, "remove_on")?;
        let install = match given(&self.machine) {
            Some(m) => {
                Some((machine(m, "machine")?, day(self.install_on.as_deref().unwrap_or_default(), "install_on")?))
            }
            None => None,
        };
        if remove_on.is_none() && install.is_none() {
            return Err(invalid("remove_on", Reason::Required).into());
        }
        Ok((from, remove_on, install))
    }
}

impl App {
    /// Registers an assembly in the exchange pool (its serial not taken by another), fitted to
    /// a machine if one is given. The service centre's staff, coordinators and admins.
    pub async fn assembly_add(&self, actor: &Actor, input: &AssemblyInput) -> Result<Assembly> {
        let scope = self.fleet_manager(actor).await?;
        let (assembly, install) = input.parse()?;
        if let Some((machine, _)) = install {
            scope.machine(&*self.store.fleet_snapshot().await?, machine)?;
        }
        let mut w = self.store.begin_write(actor.author()).await?;
        self.store.fleet_assembly_add_in(&mut w, &assembly, install).await?;
        w.commit().await?;
        Ok(assembly)
    }

    /// Moves an assembly off its machine into the pool and/or onto a machine, in one
    /// transaction. The service centre's staff, coordinators and admins.
    pub async fn assembly_move(&self, actor: &Actor, id: AssemblyId, input: &AssemblyMoveInput) -> Result<AssemblyRow> {
        self.fleet_manager(actor).await?;
        let (from, remove_on, install) = input.parse()?;
        let mut w = self.store.begin_write(actor.author()).await?;
        let row = self.store.fleet_assembly_move_in(&mut w, id, from, remove_on, install).await?;
        w.commit().await?;
        Ok(row)
    }

    /// The exchange pool: every assembly, where it is and the usage it carries (those who see
    /// the whole fleet).
    pub async fn fleet_assemblies(&self, actor: &Actor) -> Result<Vec<AssemblyRow>> {
        self.fleet_whole(actor).await?;
        Ok(self.store.fleet_assemblies().await?)
    }

    /// The assemblies fitted to a machine and its installs and removals, if `actor` sees it.
    pub async fn fleet_machine_assemblies(
        &self,
        actor: &Actor,
        machine: MachineId,
    ) -> Result<(Vec<AssemblyRow>, Vec<AssemblyEventRow>)> {
        self.fleet_visible_machine(actor, machine).await?;
        let installed = self
            .store
            .fleet_assemblies()
            .await?
            .into_iter()
            .filter(|a| a.installed.is_some_and(|i| i.machine == machine))
            .collect();
        Ok((installed, self.store.fleet_assembly_history(machine).await?))
    }
}
