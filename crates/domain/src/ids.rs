//! Typed identifiers over UUID v7.
//!
//! Time-ordered UUIDs keep indexes compact, and global ids let two instances (one per side)
//! later merge their changes instead of renumbering them.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;
use uuid::Uuid;

macro_rules! typed_id {
    ($($(#[$meta:meta])* $name:ident),* $(,)?) => {$(
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub Uuid);

        impl $name {
            /// A new id whose first bits are the given Unix time in milliseconds.
            pub fn new_at(unix_millis: u64, random: [u8; 10]) -> Self {
                Self(uuid::Builder::from_unix_timestamp_millis(unix_millis, &random).into_uuid())
            }
            pub fn as_uuid(&self) -> Uuid {
                self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }

        impl FromStr for $name {
            type Err = uuid::Error;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Uuid::parse_str(s).map(Self)
            }
        }
    )*};
}

typed_id!(
    /// An organisation on either side.
    OrganisationId,
    /// A person working in an organisation.
    PersonId,
    /// A user account that can sign in.
    UserId,
    /// An entry of the audit log.
    AuditEntryId,
    /// An agreement between the sides.
    AgreementId,
    /// An action plan of an agreement.
    PlanId,
    /// A measure of a plan.
    MeasureId,
    /// An indicator of a measure.
    IndicatorId,
    /// A quarterly report of one organisation on one measure.
    ReportId,
    /// An attachment (a stored file) referred to by a report.
    AttachmentId,
    /// A review meeting of the sides.
    MeetingId,
    /// A decision recorded in the minutes of a meeting.
    DecisionId,
    /// An item of a meeting's agenda.
    AgendaItemId,
    /// A machine of the fleet register (a truck, tractor, loader, harvester…).
    MachineId,
    /// A machine model (МАЗ-5440, МТЗ-82.1…) of the fleet register.
    ModelId,
    /// A major assembly (engine, gearbox, axle, tyre) that can move between machines.
    AssemblyId,
    /// One meter reading of a machine.
    MeterReadingId,
    /// A maintenance regime of a model (and engine variant).
    RegimeId,
    /// A work order (заказ-наряд) of the service centre.
    WorkOrderId,
    /// A warranty covering a machine or a part.
    WarrantyId,
    /// A spare-parts warehouse.
    WarehouseId,
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_time_ordered_and_round_trip() {
        let early = OrganisationId::new_at(1_000, [9; 10]);
        let late = OrganisationId::new_at(2_000, [0; 10]);
        assert!(early < late);
        assert_eq!(early.0.get_version_num(), 7);
        let parsed: OrganisationId = early.to_string().parse().expect("round trip");
        assert_eq!(parsed, early);
        assert!("not-a-uuid".parse::<OrganisationId>().is_err());
    }
}
