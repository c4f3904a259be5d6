//! Major assemblies (engine, gearbox, axle, tyre) and the exchange pool they move through.
//!
//! An overhauled engine from the pool goes into whichever machine needs one, and its hours go
//! with it: an assembly's usage is what it had when it came under our records plus, for each
//! time it was installed, the growth of the machine's meter between installation and removal
//! (or the current reading while it is still installed). Install and remove events carry the
//! machine's cumulative meter value at that moment, as read by the mechanic.

use crate::fleet::machine::SerialNumber;
use crate::fleet::meter::MeterKind;
use crate::{AssemblyId, MachineId};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AssemblyKind {
    Engine,
    Gearbox,
    Axle,
    Tyre,
}

impl AssemblyKind {
    pub fn key(self) -> &'static str {
        match self {
            AssemblyKind::Engine => "fleet.assembly.engine",
            AssemblyKind::Gearbox => "fleet.assembly.gearbox",
            AssemblyKind::Axle => "fleet.assembly.axle",
            AssemblyKind::Tyre => "fleet.assembly.tyre",
        }
    }

    /// How many of this kind one machine can carry at once, when limited (one engine, one
    /// gearbox; axles and tyres are as many as the machine has).
    pub fn max_per_machine(self) -> Option<usize> {
        match self {
            AssemblyKind::Engine | AssemblyKind::Gearbox => Some(1),
            AssemblyKind::Axle | AssemblyKind::Tyre => None,
        }
    }
}

/// An assembly with its own serial number.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Assembly {
    pub id: AssemblyId,
    pub kind: AssemblyKind,
    pub serial: SerialNumber,
    /// The machine meter its usage is counted on: engine hours for engines and gearboxes, km for
    /// truck axles and tyres (engine hours on a tractor).
    pub meter: MeterKind,
    /// Usage before it came under our records (from its passport), in the unit of `meter`.
    pub usage_before: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AssemblyEventKind {
    Installed,
    Removed,
}

/// An assembly installed on or removed from a machine.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct AssemblyEvent {
    pub assembly: AssemblyId,
    pub machine: MachineId,
    pub date: NaiveDate,
    pub kind: AssemblyEventKind,
    /// The machine's cumulative value of the assembly's meter at the event.
    pub machine_meter: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AssemblyError {
    #[error("assembly {assembly} is not in the pool")]
    Unknown { assembly: AssemblyId },
    #[error("assembly {assembly} is already in the pool")]
    Duplicate { assembly: AssemblyId },
    #[error("serial number {serial} of assembly {assembly} already belongs to assembly {other}")]
    SerialTaken { assembly: AssemblyId, serial: SerialNumber, other: AssemblyId },
    #[error("assembly {assembly} cannot go into machine {machine}: it is installed on machine {installed_on}")]
    AlreadyInstalled { assembly: AssemblyId, machine: MachineId, installed_on: MachineId },
    #[error("assembly {assembly} cannot be removed from machine {machine}: it is not installed there")]
    NotInstalled { assembly: AssemblyId, machine: MachineId },
    #[error("machine {machine} already carries a {kind:?} ({other}); remove it first")]
    SlotTaken { machine: MachineId, kind: AssemblyKind, other: AssemblyId },
    #[error("assembly {assembly} on machine {machine}: meter {value} at removal is below {at_install} at installation")]
    MeterBackwards { assembly: AssemblyId, machine: MachineId, value: i64, at_install: i64 },
    #[error("assembly {assembly}: event of {date} is before its last event of {last}")]
    OutOfOrder { assembly: AssemblyId, date: NaiveDate, last: NaiveDate },
}

impl AssemblyError {
    pub fn key(&self) -> &'static str {
        match self {
            AssemblyError::Unknown { .. } => "fleet.error.assembly_unknown",
            AssemblyError::Duplicate { .. } => "fleet.error.assembly_duplicate",
            AssemblyError::SerialTaken { .. } => "fleet.error.assembly_serial_taken",
            AssemblyError::AlreadyInstalled { .. } => "fleet.error.assembly_already_installed",
            AssemblyError::NotInstalled { .. } => "fleet.error.assembly_not_installed",
            AssemblyError::SlotTaken { .. } => "fleet.error.assembly_slot_taken",
            AssemblyError::MeterBackwards { .. } => "fleet.error.assembly_meter_backwards",
            AssemblyError::OutOfOrder { .. } => "fleet.error.assembly_out_of_order",
        }
    }
}

/// Where an assembly is fitted now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Installation {
    pub machine: MachineId,
    pub since: NaiveDate,
    pub meter_at_install: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Entry {
    assembly: Assembly,
    /// Usage before and over finished installations.
    usage_done: i64,
    installed: Option<Installation>,
    last_event: Option<NaiveDate>,
}

/// Every assembly, where it is and the usage it has accumulated. Events are applied in date
/// order per assembly.
#[derive(Debug, Clone, Default)]
pub struct ExchangePool {
    entries: HashMap<AssemblyId, Entry>,
    serials: HashMap<SerialNumber, AssemblyId>,
}

impl ExchangePool {
    /// Registers an assembly (not installed anywhere).
    pub fn add(&mut self, assembly: Assembly) -> Result<(), AssemblyError> {
        if self.entries.contains_key(&assembly.id) {
            return Err(AssemblyError::Duplicate { assembly: assembly.id });
        }
        if let Some(&other) = self.serials.get(&assembly.serial) {
            return Err(AssemblyError::SerialTaken { assembly: assembly.id, serial: assembly.serial, other });
        }
        self.serials.insert(assembly.serial.clone(), assembly.id);
        let usage_done = assembly.usage_before;
        self.entries.insert(assembly.id, Entry { assembly, usage_done, installed: None, last_event: None });
        Ok(())
    }

    /// Applies one install or remove event.
    pub fn apply(&mut self, event: AssemblyEvent) -> Result<(), AssemblyError> {
        let AssemblyEvent { assembly, machine, date, kind, machine_meter } = event;
        let entry = self.entries.get(&assembly).ok_or(AssemblyError::Unknown { assembly })?;
        if let Some(last) = entry.last_event
            && date < last
        {
            return Err(AssemblyError::OutOfOrder { assembly, date, last });
        }
        match kind {
            AssemblyEventKind::Installed => {
                if let Some(at) = entry.installed {
                    return Err(AssemblyError::AlreadyInstalled { assembly, machine, installed_on: at.machine });
                }
                let k = entry.assembly.kind;
                if k.max_per_machine()
                    .is_some_and(|max| self.installed_on(machine).filter(|a| a.kind == k).count() >= max)
                    && let Some(other) = self.installed_on(machine).find(|a| a.kind == k)
                {
                    return Err(AssemblyError::SlotTaken { machine, kind: k, other: other.id });
                }
                let entry = self.entries.get_mut(&assembly).ok_or(AssemblyError::Unknown { assembly })?;
                entry.installed = Some(Installation { machine, since: date, meter_at_install: machine_meter });
                entry.last_event = Some(date);
            }
            AssemblyEventKind::Removed => {
                let at = match entry.installed {
                    Some(at) if at.machine == machine => at,
                    _ => return Err(AssemblyError::NotInstalled { assembly, machine }),
                };
                if machine_meter < at.meter_at_install {
                    return Err(AssemblyError::MeterBackwards {
                        assembly,
                        machine,
                        value: machine_meter,
                        at_install: at.meter_at_install,
                    });
                }
                let entry = self.entries.get_mut(&assembly).ok_or(AssemblyError::Unknown { assembly })?;
                entry.usage_done += machine_meter - at.meter_at_install;
                entry.installed = None;
                entry.last_event = Some(date);
            }
        }
        Ok(())
    }

    /// The assembly's usage: before our records, plus finished installations, plus, while
    /// installed, `current_machine_meter − meter at installation` (pass the machine's current
    /// cumulative value of the assembly's meter; `None` counts nothing for the current stay).
    pub fn usage(&self, assembly: AssemblyId, current_machine_meter: Option<i64>) -> Result<i64, AssemblyError> {
        let e = self.entries.get(&assembly).ok_or(AssemblyError::Unknown { assembly })?;
        let current = match (e.installed, current_machine_meter) {
            (Some(at), Some(now)) => (now - at.meter_at_install).max(0),
            _ => 0,
        };
        Ok(e.usage_done + current)
    }

    /// Where the assembly is installed, `None` when in the pool (on the shelf).
    pub fn location(&self, assembly: AssemblyId) -> Result<Option<Installation>, AssemblyError> {
        self.entries.get(&assembly).map(|e| e.installed).ok_or(AssemblyError::Unknown { assembly })
    }

    /// The assemblies installed on a machine.
    pub fn installed_on(&self, machine: MachineId) -> impl Iterator<Item = &Assembly> {
        self.entries.values().filter(move |e| e.installed.is_some_and(|i| i.machine == machine)).map(|e| &e.assembly)
    }

    /// The assemblies on the shelf, ready to exchange.
    pub fn on_shelf(&self) -> impl Iterator<Item = &Assembly> {
        self.entries.values().filter(|e| e.installed.is_none()).map(|e| &e.assembly)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fleet::machine::tests::d;

    fn engine(n: u64, serial: &str, before: i64) -> Assembly {
        Assembly {
            id: AssemblyId::new_at(n, [0; 10]),
            kind: AssemblyKind::Engine,
            serial: SerialNumber::parse(serial).expect("serial"),
            meter: MeterKind::EngineHours,
            usage_before: before,
        }
    }

    fn ev(a: &Assembly, m: u64, date: NaiveDate, kind: AssemblyEventKind, meter: i64) -> AssemblyEvent {
        AssemblyEvent { assembly: a.id, machine: MachineId::new_at(m, [0; 10]), date, kind, machine_meter: meter }
    }

    #[test]
    fn hours_travel_with_the_assembly() {
        use AssemblyEventKind::*;
        let mut pool = ExchangePool::default();
        let e = engine(1, "536-0001", 300);
        pool.add(e.clone()).expect("add");
        // On machine 1 from 1,000 to 1,800 h: 800 h.
        pool.apply(ev(&e, 1, d(2024, 1, 1), Installed, 1_000)).expect("install");
        assert_eq!(pool.usage(e.id, Some(1_500)), Ok(800));
        pool.apply(ev(&e, 1, d(2024, 6, 1), Removed, 1_800)).expect("remove");
        assert_eq!(pool.usage(e.id, None), Ok(1_100));
        // Overhauled and fitted to machine 2 at its 4,200 h; now at 4,450.
        pool.apply(ev(&e, 2, d(2024, 7, 1), Installed, 4_200)).expect("install 2");
        assert_eq!(pool.usage(e.id, Some(4_450)), Ok(1_350));
        assert_eq!(pool.installed_on(MachineId::new_at(2, [0; 10])).count(), 1);
        assert_eq!(pool.location(e.id).expect("known").map(|i| i.since), Some(d(2024, 7, 1)));
    }

    #[test]
    fn bad_events_are_refused() {
        use AssemblyEventKind::*;
        let mut pool = ExchangePool::default();
        let a = engine(1, "A1", 0);
        let b = engine(2, "B2", 0);
        pool.add(a.clone()).expect("a");
        pool.add(b.clone()).expect("b");
        assert!(matches!(pool.add(engine(3, "A1", 0)), Err(AssemblyError::SerialTaken { .. })));
        assert!(matches!(pool.add(a.clone()), Err(AssemblyError::Duplicate { .. })));
        pool.apply(ev(&a, 1, d(2024, 1, 1), Installed, 100)).expect("install");
        assert!(matches!(
            pool.apply(ev(&a, 2, d(2024, 1, 2), Installed, 100)),
            Err(AssemblyError::AlreadyInstalled { .. })
        ));
        // Machine 1 already has an engine.
        assert!(matches!(pool.apply(ev(&b, 1, d(2024, 1, 2), Installed, 100)), Err(AssemblyError::SlotTaken { .. })));
        assert!(matches!(pool.apply(ev(&a, 2, d(2024, 1, 3), Removed, 100)), Err(AssemblyError::NotInstalled { .. })));
        assert_eq!(
            pool.apply(ev(&a, 1, d(2024, 1, 3), Removed, 90)),
            Err(AssemblyError::MeterBackwards {
                assembly: a.id,
                machine: MachineId::new_at(1, [0; 10]),
                value: 90,
                at_install: 100
            })
        );
        assert!(matches!(pool.apply(ev(&a, 1, d(2023, 1, 3), Removed, 190)), Err(AssemblyError::OutOfOrder { .. })));
        let ghost = engine(9, "G", 0);
        assert!(matches!(pool.apply(ev(&ghost, 1, d(2024, 1, 3), Removed, 1)), Err(AssemblyError::Unknown { .. })));
        assert_eq!(pool.on_shelf().count(), 1);
    }
}
