//! Meter readings entered by hand (the machine page's form, `POST /api/v1/fleet/readings`) and
//! voided with a reason. A file of readings is an import (see `import`).

use super::input::{day, given, invalid, loose, number};
use crate::{Actor, App, Result};
use accord_domain::fleet::meter::{MeterKind, VoidReason};
use accord_domain::validation::Reason;
use accord_domain::{MachineId, MeterReadingId};
use accord_store::{FleetImportOutcome, NewReading, ReadingRow};
use serde::Deserialize;
use std::str::FromStr;

/// A reading as the machine page's form and the API send it.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct ReadingInput {
    /// The machine's id (the page takes it from its address).
    #[serde(default)]
    pub machine: String,
    /// odometer, engine_hours or fuel.
    #[serde(default)]
    pub meter: String,
    /// `YYYY-MM-DD`.
    #[serde(default)]
    pub date: String,
    /// The meter's value (spaces between thousands allowed in a form).
    #[serde(default, deserialize_with = "loose")]
    #[schema(value_type = i64)]
    pub value: Option<String>,
}

impl ReadingInput {
    fn parse(&self) -> Result<(MachineId, MeterKind, chrono::NaiveDate, i64)> {
        let machine = MachineId::from_str(self.machine.trim()).map_err(|_| invalid("machine", Reason::UnknownValue))?;
        let kind = meter_kind(&self.meter, "meter")?;
        let date = day(&self.date, "date")?;
        let value: i64 = number(&self.value, "value")?;
        if value > kind.max_value() {
            return Err(invalid("value", Reason::TooLarge).into());
        }
        Ok((machine, kind, date, value))
    }
}

/// A meter named as files, forms and the API name it.
pub(crate) fn meter_kind(text: &str, field: &'static str) -> Result<MeterKind> {
    if text.trim().is_empty() {
        return Err(invalid(field, Reason::Required).into());
    }
    Ok(accord_formats::fleet::meter_kind(text).ok_or_else(|| invalid(field, Reason::UnknownValue))?)
}

/// Why a reading is voided, as the void form and the API send it.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct VoidInput {
    /// mistyped, wrong_machine, meter_fault, duplicate or other (with `note`).
    #[serde(default)]
    pub reason: String,
    #[serde(default)]
    pub note: Option<String>,
}

/// The reasons a reading may be voided for, as forms and the API name them.
pub const VOID_REASONS: [&str; 5] = ["mistyped", "wrong_machine", "meter_fault", "duplicate", "other"];

impl VoidInput {
    /// The reason; `other` needs a note (free text).
    pub fn reason(&self) -> Result<VoidReason> {
        let note = given(&self.note);
        Ok(match self.reason.trim() {
            "mistyped" => VoidReason::Mistyped,
            "wrong_machine" => VoidReason::WrongMachine,
            "meter_fault" => VoidReason::MeterFault,
            "duplicate" => VoidReason::Duplicate,
            "other" => VoidReason::Other(note.ok_or_else(|| invalid("note", Reason::Required))?.to_string()),
            "" => return Err(invalid("reason", Reason::Required).into()),
            _ => return Err(invalid("reason", Reason::UnknownValue).into()),
        })
    }
}

impl App {
    /// Adds a reading by hand: never lower than the last valid one of the same meter (the
    /// domain's rule, refused naming the value). The service centre's staff, coordinators
    /// and admins.
    pub async fn reading_add(&self, actor: &Actor, input: &ReadingInput) -> Result<FleetImportOutcome> {
        let scope = self.fleet_manager(actor).await?;
        let (machine, kind, date, value) = input.parse()?;
        let snap = self.store.fleet_snapshot().await?;
        if scope.machine(&snap, machine).is_err() {
            return Err(invalid("machine", Reason::UnknownValue).into());
        }
        let reading = NewReading { machine, kind, date, value };
        let mut w = self.store.begin_write(actor.author()).await?;
        let inserted = self.store.fleet_readings_add_in(&mut w, &[reading], None).await?;
        w.commit().await?;
        Ok(FleetImportOutcome { unchanged: false, inserted })
    }

    /// Voids a reading, keeping it with the reason; the meter's state is recomputed without it.
    /// With `on`, a reading of another machine is not found (the machine page voids its own).
    /// Returns the reading's machine.
    pub async fn reading_void(
        &self,
        actor: &Actor,
        reading: MeterReadingId,
        on: Option<MachineId>,
        input: &VoidInput,
    ) -> Result<MachineId> {
        self.fleet_manager(actor).await?;
        let reason = input.reason()?;
        let mut w = self.store.begin_write(actor.author()).await?;
        let machine = self.store.fleet_reading_void_in(&mut w, reading, reason, on).await?;
        w.commit().await?;
        Ok(machine)
    }

    /// A machine's readings, latest first (voided ones with their reason), if `actor` sees it.
    pub async fn fleet_readings(&self, actor: &Actor, machine: MachineId, limit: i64) -> Result<Vec<ReadingRow>> {
        self.fleet_visible_machine(actor, machine).await?;
        Ok(self.store.fleet_readings(machine, limit).await?)
    }
}
