//! The register of every action that changes state, whatever door it comes through.
//!
//! Each variant is one use case of this crate (a function in the module of the same name).
//! Two tests keep the register honest: the permission matrix (`tests/it/matrix`) runs every
//! variant as each role and fails for a variant it does not cover, and the web crate's route
//! walk fails for a write route that does not name its variant here.

/// Declares the register once: the enum, `ALL` in order, and each variant's module.
macro_rules! register {
    ($($module:literal => [$($case:ident),* $(,)?]),* $(,)?) => {
        /// One write use case.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum UseCase {
            $($($case,)*)*
        }

        impl UseCase {
            /// Every use case, in register order.
            pub const ALL: &'static [UseCase] = &[$($(UseCase::$case,)*)*];

            /// The module the use case belongs to, as named in every crate.
            pub fn module(self) -> &'static str {
                match self {
                    $($(UseCase::$case)|* => $module,)*
                }
            }
        }
    };
}

register! {
    "directory" => [
        OrganisationCreate, OrganisationChange, OrganisationDelete, PersonCreate, PersonChange, PersonDelete,
    ],
    "account" => [
        UserCreate, UserChange, UserPasswordSet, UserDisable, SignIn, SignOut, OwnPasswordChange, OwnLocaleChange,
        TokenCreate, TokenRevoke,
    ],
    "plan" => [
        PlanImport, MeasureCreate, MeasureChange, MeasureReportProgress, MeasureDelete, AmendmentDecide,
        IndicatorCreate, IndicatorActualSet, PlanVersionFreeze, SectionsSave, AttachmentAdd, AttachmentDelete,
        MeasureLink, MeasureUnlink,
    ],
    "review" => [
        PeriodOpen, PeriodStartReview, PeriodClose, PeriodReopen, PeriodReschedule, ReportSave, ReportSubmit,
        ReportReturn, ReportAccept, EvidenceAdd, EvidenceDelete, MeetingSchedule, MeetingAttendance, AgendaGenerate,
        AgendaItemAdd, AgendaItemMove, AgendaItemRemove, DecisionRecord, DecisionControl, DecisionCreateMeasure,
        MinutesEdit, MinutesApprove, RemindersSend,
    ],
    "trade" => [TradeImport, RatesImport, ProductGroupSave, ProductGroupDelete, MirrorVerdictSet],
    "logistics" => [
        NetworkImport, NetworkItemSave, NetworkItemDelete, ChainIndicatorLink, ChainIndicatorUnlink,
        ChainIndicatorsRecord,
    ],
    "fleet" => [
        FleetImport, MachineChange, ReadingAdd, ReadingVoid, WarrantyAdd, AssemblyAdd, AssemblyMove,
        PreventiveOrdersCreate, WorkOrderAct, WorkOrderAddWork, PartIssue, ShipmentAdd, ShipmentReceive,
        RegimeChange, RegimeContentChange, RegimeServiceRemove,
    ],
    "instance" => [DemoLoad],
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_register_lists_each_use_case_once() {
        let mut seen = std::collections::BTreeSet::new();
        for u in UseCase::ALL {
            assert!(seen.insert(*u), "{u:?} listed twice");
        }
        assert_eq!(UseCase::MeasureChange.module(), "plan");
        assert!(UseCase::ALL.len() > 50);
    }
}
