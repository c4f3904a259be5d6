//! Warranties on a machine or a part of it; the lines of the machine's work orders they cover
//! are flagged as orders are opened and changed.

use super::input::{given, invalid, loose, opt_day, opt_number};
use super::meters::meter_kind;
use crate::{Actor, App, Result};
use accord_domain::fleet::parts::PartNumber;
use accord_domain::fleet::work_order::{MeterLimit, Warranty, WarrantyScope};
use accord_domain::validation::Reason;
use accord_domain::{MachineId, WarrantyId};
use accord_store::WarrantyRow;
use serde::Deserialize;

/// A warranty as the machine page's form and `POST /api/v1/fleet/machines/{id}/warranties` send
/// it: `part` empty for the whole machine, `from` the first day covered, `until` the last, and
/// a meter limit (`meter`, `up_to`, cumulative); at least one of the two limits.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct WarrantyInput {
    /// A part number; absent or empty: the whole machine.
    #[serde(default)]
    pub part: String,
    #[serde(default)]
    pub from: String,
    #[serde(default)]
    pub until: Option<String>,
    /// odometer, engine_hours or fuel, with `up_to` (the form's field is `limit_meter`).
    #[serde(default, alias = "limit_meter")]
    pub meter: String,
    #[serde(default, deserialize_with = "loose")]
    #[schema(value_type = Option<i64>)]
    pub up_to: Option<String>,
    #[serde(default)]
    pub note: String,
}

impl WarrantyInput {
    fn warranty(&self, machine: MachineId) -> Result<Warranty> {
        let scope = match self.part.trim() {
            "" => WarrantyScope::Machine,
            p => WarrantyScope::Part(PartNumber::parse(p).map_err(|_| invalid("part", Reason::UnknownValue))?),
        };
        let from = super::input::day(&self.from, "from")?;
        let until = opt_day(&self.until, "until")?;
        let meter_limit = match (opt_number::<i64>(&self.up_to, "up_to")?, given(&Some(self.meter.clone()))) {
            (None, _) => None,
            (Some(_), None) => return Err(invalid("meter", Reason::Required).into()),
            (Some(up_to), Some(kind)) => Some(MeterLimit { kind: meter_kind(kind, "meter")?, up_to }),
        };
        if until.is_none() && meter_limit.is_none() {
            return Err(invalid("until", Reason::Required).into());
        }
        Ok(Warranty { id: WarrantyId(uuid::Uuid::now_v7()), machine, scope, from, until, meter_limit })
    }
}

impl App {
    /// Records a warranty on a machine or a part of it (its last day not before its first, a
    /// meter limit above zero on a meter the machine has, a part in the catalogue). The service
    /// centre's staff, coordinators and admins.
    pub async fn warranty_add(&self, actor: &Actor, machine: MachineId, input: &WarrantyInput) -> Result<Warranty> {
        let scope = self.fleet_manager(actor).await?;
        scope.machine(&*self.store.fleet_snapshot().await?, machine)?;
        let warranty = input.warranty(machine)?;
        let mut w = self.store.begin_write(actor.author()).await?;
        self.store.fleet_warranty_add_in(&mut w, &warranty, &input.note).await?;
        w.commit().await?;
        Ok(warranty)
    }

    /// A machine's warranties, if `actor` sees it.
    pub async fn fleet_warranties(&self, actor: &Actor, machine: MachineId) -> Result<Vec<WarrantyRow>> {
        self.fleet_visible_machine(actor, machine).await?;
        Ok(self.store.fleet_warranties(machine).await?)
    }
}
