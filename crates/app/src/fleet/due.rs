//! The due list: each machine's next service, overdue first, of the machines a reader sees.

use super::machines::{MachineItem, item};
use crate::{Actor, App, Result};
use accord_domain::fleet::regime::ServiceKind;
use chrono::NaiveDate;
use serde::Serialize;

/// A row of the due list.
#[derive(Debug, Clone, Serialize)]
pub struct DueRow {
    pub machine: MachineItem,
    pub service: ServiceKind,
    pub overdue: bool,
    pub due_date: Option<NaiveDate>,
    pub forecast: Option<NaiveDate>,
    pub due_meters: [Option<i64>; 3],
}

impl App {
    /// The due list as of the fleet's today, of the machines `actor` sees.
    pub async fn fleet_due(&self, actor: &Actor) -> Result<(NaiveDate, Vec<DueRow>)> {
        let today = self.fleet_today().await?;
        Ok((today, self.fleet_due_on(actor, today).await?))
    }

    /// The due list as of `today`, of the machines `actor` sees.
    pub async fn fleet_due_on(&self, actor: &Actor, today: NaiveDate) -> Result<Vec<DueRow>> {
        let scope = self.fleet_scope(actor).await?;
        let snap = self.store.fleet_snapshot().await?;
        let owners = self.fleet_owner_names().await?;
        Ok(snap
            .due_list(today, |m| scope.sees(m))
            .into_iter()
            .filter_map(|d| {
                let m = snap.machine(d.machine)?;
                Some(DueRow {
                    machine: item(m, &snap, &owners),
                    service: d.kind,
                    overdue: d.overdue,
                    due_date: d.due_date,
                    forecast: d.forecast,
                    due_meters: d.due_meters.0,
                })
            })
            .collect())
    }
}
