//! Who may do what: the one place where permissions are decided.
//!
//! Every web page and API handler asks [`authorize`] before it acts; later modules add
//! their actions here, so the rules stay readable side by side.

use super::user::Role;
use crate::plan::Executor;
use crate::{OrganisationId, Side};

/// Something a user wants to do, with what it touches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action<'a> {
    /// Read the directory and other shared data.
    Read,
    /// Create or delete an organisation on a side.
    ManageOrganisations { side: Side },
    /// Edit one organisation's details.
    EditOrganisation { side: Side, organisation: OrganisationId },
    /// Create, edit or delete the people of one organisation.
    ManagePeople { side: Side, organisation: OrganisationId },
    /// Create users, change their roles, disable them.
    ManageUsers,
    /// Change an account's password, language or API tokens: every user their own (`own`),
    /// an administrator anyone's.
    ManageAccount { own: bool },
    /// Read the audit log and verify its chain.
    ReadAudit,
    /// Back the instance up or restore it: an administrator's (or the operator's) act.
    ManageInstance,
    /// Add a measure to a plan, import a plan, edit the list of plan sections' measures.
    CreateMeasure,
    /// Change what a measure says (title, term, executors...) or delete it.
    EditMeasure { executors: &'a [Executor] },
    /// Report on a measure: status, percent done, indicator actuals, attachments.
    ReportOnMeasure { executors: &'a [Executor] },
    /// Freeze and sign plan versions, edit the list of plan sections.
    ManagePlan,
    /// Import one side's trade statistics or customs data.
    ImportTrade { side: Side },
    /// Import exchange rates; define product groups, their targets and their links to measures.
    ManageTradeReference,
    /// Set the reconciliation status of a mirror pair (both sides' figures of one flow).
    ReconcileTrade,
    /// Edit the logistics network, products, chains and localisation cases, or import them.
    ManageLogistics,
    /// Write and submit one organisation's quarterly reports (its executor only).
    FileReport { organisation: OrganisationId },
    /// Return or accept the reports of one side's organisations (that side's coordinator).
    ReviewReports { side: Side },
    /// Close, reopen and schedule reporting periods; plan meetings, agendas, decisions and
    /// minutes (a coordinator of either side).
    ManageReview,
    /// Put one side's key on a meeting's minutes (that side's coordinator).
    ApproveMinutes { side: Side },
    /// Remind the organisations late with their quarterly reports (an administrator, e.g. the
    /// operator's scheduled run, or a coordinator): it changes nothing of the review itself.
    SendReminders,
    /// See one machine of the fleet (its page, meters, work orders, figures): its owner's
    /// users, the service centre's staff, coordinators, observers and admins.
    ViewMachine { owner: OrganisationId, service_centre: Option<OrganisationId> },
    /// See every machine of the fleet (the due list, the parts store, figures of all owners).
    ViewWholeFleet { service_centre: Option<OrganisationId> },
    /// Register machines, import files, enter readings, receive parts: the service centre's
    /// staff, coordinators and admins.
    ManageFleet { service_centre: Option<OrganisationId> },
    /// Open and move work orders, add work and part lines, issue parts: the service centre's
    /// technicians (executors of its organisation), coordinators and admins.
    EditWorkOrder { service_centre: Option<OrganisationId> },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("forbidden: this role may not do that")]
pub struct Forbidden;

pub fn authorize(role: &Role, action: Action<'_>) -> Result<(), Forbidden> {
    let allowed = match (role, action) {
        // The review workflow is the coordinators' and executors' own act (the domain's `Actor`
        // rules): an administrator reads it but files, reviews and approves nothing.
        (
            Role::Admin,
            Action::FileReport { .. }
            | Action::ReviewReports { .. }
            | Action::ManageReview
            | Action::ApproveMinutes { .. },
        ) => false,
        (Role::Admin, _) => true,
        (_, Action::Read) => true,
        (_, Action::ManageAccount { own }) => own,
        (Role::Coordinator { side }, Action::ManageOrganisations { side: target })
        | (Role::Coordinator { side }, Action::EditOrganisation { side: target, .. })
        | (Role::Coordinator { side }, Action::ManagePeople { side: target, .. }) => *side == target,
        (Role::Coordinator { .. }, Action::ReadAudit) => true,
        (Role::Coordinator { .. }, Action::CreateMeasure) => true,
        (Role::Coordinator { side }, Action::ImportTrade { side: target }) => *side == target,
        (Role::Coordinator { .. }, Action::ManageTradeReference | Action::ReconcileTrade) => true,
        // The network and chains are shared reference data of both sides: either coordinator edits them.
        (Role::Coordinator { .. }, Action::ManageLogistics) => true,
        (Role::Coordinator { side }, Action::ReviewReports { side: target })
        | (Role::Coordinator { side }, Action::ApproveMinutes { side: target }) => *side == target,
        (Role::Coordinator { .. }, Action::ManageReview | Action::SendReminders) => true,
        (Role::Executor { organisation, .. }, Action::FileReport { organisation: target }) => *organisation == target,
        // A coordinator answers for the measures its side takes part in (and unassigned ones).
        (Role::Coordinator { side }, Action::EditMeasure { executors })
        | (Role::Coordinator { side }, Action::ReportOnMeasure { executors }) => {
            executors.is_empty() || executors.iter().any(|e| e.side == *side)
        }
        (Role::Executor { organisation, .. }, Action::ReportOnMeasure { executors }) => {
            executors.iter().any(|e| e.organisation == *organisation)
        }
        (
            Role::Coordinator { .. } | Role::Observer { .. },
            Action::ViewMachine { .. } | Action::ViewWholeFleet { .. },
        ) => true,
        (Role::Coordinator { .. }, Action::ManageFleet { .. } | Action::EditWorkOrder { .. }) => true,
        (Role::Executor { organisation, .. }, Action::ViewMachine { owner, service_centre }) => {
            *organisation == owner || service_centre == Some(*organisation)
        }
        (Role::Executor { organisation, .. }, Action::ViewWholeFleet { service_centre })
        | (Role::Executor { organisation, .. }, Action::ManageFleet { service_centre })
        | (Role::Executor { organisation, .. }, Action::EditWorkOrder { service_centre }) => {
            service_centre == Some(*organisation)
        }
        (Role::Executor { organisation, .. }, Action::EditOrganisation { organisation: target, .. })
        | (Role::Executor { organisation, .. }, Action::ManagePeople { organisation: target, .. }) => {
            *organisation == target
        }
        _ => false,
    };
    if allowed { Ok(()) } else { Err(Forbidden) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn review_follows_the_domain_actor_rules() {
        let maz = OrganisationId::new_at(1, [1; 10]);
        let fish = OrganisationId::new_at(2, [2; 10]);
        let by = Role::Coordinator { side: Side::By };
        let khv = Role::Coordinator { side: Side::Khv };
        let executor_maz = Role::Executor { side: Side::By, organisation: maz };
        let observer = Role::Observer { side: Some(Side::By) };
        assert_eq!(authorize(&executor_maz, Action::FileReport { organisation: maz }), Ok(()));
        assert_eq!(authorize(&executor_maz, Action::FileReport { organisation: fish }), Err(Forbidden));
        assert_eq!(authorize(&by, Action::FileReport { organisation: maz }), Err(Forbidden));
        assert_eq!(authorize(&by, Action::ReviewReports { side: Side::By }), Ok(()));
        assert_eq!(authorize(&by, Action::ReviewReports { side: Side::Khv }), Err(Forbidden));
        assert_eq!(authorize(&khv, Action::ApproveMinutes { side: Side::Khv }), Ok(()));
        assert_eq!(authorize(&khv, Action::ApproveMinutes { side: Side::By }), Err(Forbidden));
        assert_eq!(authorize(&khv, Action::ManageReview), Ok(()));
        assert_eq!(authorize(&executor_maz, Action::ManageReview), Err(Forbidden));
        assert_eq!(authorize(&executor_maz, Action::ReviewReports { side: Side::By }), Err(Forbidden));
        for role in [Role::Admin, observer] {
            assert_eq!(authorize(&role, Action::FileReport { organisation: maz }), Err(Forbidden));
            assert_eq!(authorize(&role, Action::ReviewReports { side: Side::By }), Err(Forbidden));
            assert_eq!(authorize(&role, Action::ManageReview), Err(Forbidden));
            assert_eq!(authorize(&role, Action::ApproveMinutes { side: Side::By }), Err(Forbidden));
            assert_eq!(authorize(&role, Action::Read), Ok(()), "the review is readable");
        }
        for role in [Role::Admin, by, khv] {
            assert_eq!(authorize(&role, Action::SendReminders), Ok(()), "{role:?} sends the reminders");
        }
        for role in [executor_maz, observer] {
            assert_eq!(authorize(&role, Action::SendReminders), Err(Forbidden));
        }
    }

    #[test]
    fn trade_imports_stay_on_the_coordinators_side() {
        let by = Role::Coordinator { side: Side::By };
        assert!(authorize(&by, Action::ImportTrade { side: Side::By }).is_ok());
        assert!(authorize(&by, Action::ImportTrade { side: Side::Khv }).is_err());
        assert!(authorize(&by, Action::ReconcileTrade).is_ok());
        assert!(authorize(&Role::Admin, Action::ImportTrade { side: Side::Khv }).is_ok());
        let observer = Role::Observer { side: None };
        assert!(authorize(&observer, Action::ManageTradeReference).is_err());
        assert!(authorize(&observer, Action::ReconcileTrade).is_err());
    }

    #[test]
    fn logistics_is_edited_by_admins_and_coordinators_only() {
        let maz = OrganisationId::new_at(1, [1; 10]);
        assert_eq!(authorize(&Role::Admin, Action::ManageLogistics), Ok(()));
        assert_eq!(authorize(&Role::Coordinator { side: Side::By }, Action::ManageLogistics), Ok(()));
        assert_eq!(authorize(&Role::Coordinator { side: Side::Khv }, Action::ManageLogistics), Ok(()));
        assert_eq!(
            authorize(&Role::Executor { side: Side::By, organisation: maz }, Action::ManageLogistics),
            Err(Forbidden)
        );
        assert_eq!(authorize(&Role::Observer { side: None }, Action::ManageLogistics), Err(Forbidden));
        assert_eq!(authorize(&Role::Observer { side: Some(Side::Khv) }, Action::Read), Ok(()));
    }

    #[test]
    fn machine_owners_see_their_machines_and_the_service_centre_edits_orders() {
        let farm = OrganisationId::new_at(1, [1; 10]);
        let mine = OrganisationId::new_at(2, [2; 10]);
        let centre = OrganisationId::new_at(3, [3; 10]);
        let sc = Some(centre);
        let farmer = Role::Executor { side: Side::Khv, organisation: farm };
        let technician = Role::Executor { side: Side::Khv, organisation: centre };
        let coordinator = Role::Coordinator { side: Side::Khv };
        let observer = Role::Observer { side: None };
        let farm_machine = Action::ViewMachine { owner: farm, service_centre: sc };
        let mine_machine = Action::ViewMachine { owner: mine, service_centre: sc };

        assert_eq!(authorize(&farmer, farm_machine), Ok(()));
        assert_eq!(authorize(&farmer, mine_machine), Err(Forbidden));
        assert_eq!(authorize(&farmer, Action::ViewWholeFleet { service_centre: sc }), Err(Forbidden));
        assert_eq!(authorize(&farmer, Action::EditWorkOrder { service_centre: sc }), Err(Forbidden));
        for role in [technician, coordinator, Role::Admin] {
            assert_eq!(authorize(&role, mine_machine), Ok(()));
            assert_eq!(authorize(&role, Action::ViewWholeFleet { service_centre: sc }), Ok(()));
            assert_eq!(authorize(&role, Action::EditWorkOrder { service_centre: sc }), Ok(()));
            assert_eq!(authorize(&role, Action::ManageFleet { service_centre: sc }), Ok(()));
        }
        assert_eq!(authorize(&observer, mine_machine), Ok(()));
        assert_eq!(authorize(&observer, Action::EditWorkOrder { service_centre: sc }), Err(Forbidden));
        // Without a service centre configured, no executor edits orders.
        assert_eq!(authorize(&technician, Action::EditWorkOrder { service_centre: None }), Err(Forbidden));
    }

    #[test]
    fn each_role_gets_exactly_its_scope() {
        let maz = OrganisationId::new_at(1, [1; 10]);
        let fish = OrganisationId::new_at(2, [2; 10]);
        let coordinator_by = Role::Coordinator { side: Side::By };
        let executor_maz = Role::Executor { side: Side::By, organisation: maz };
        let observer = Role::Observer { side: Some(Side::Khv) };

        let manage_by = Action::ManageOrganisations { side: Side::By };
        let manage_khv = Action::ManageOrganisations { side: Side::Khv };
        let edit_maz = Action::EditOrganisation { side: Side::By, organisation: maz };
        let people_fish = Action::ManagePeople { side: Side::Khv, organisation: fish };

        for action in [manage_by, manage_khv, edit_maz, people_fish, Action::ManageUsers, Action::ReadAudit] {
            assert_eq!(authorize(&Role::Admin, action), Ok(()));
        }
        assert_eq!(authorize(&coordinator_by, manage_by), Ok(()));
        assert_eq!(authorize(&coordinator_by, manage_khv), Err(Forbidden));
        assert_eq!(authorize(&coordinator_by, edit_maz), Ok(()));
        assert_eq!(authorize(&coordinator_by, people_fish), Err(Forbidden));
        assert_eq!(authorize(&coordinator_by, Action::ManageUsers), Err(Forbidden));
        assert_eq!(authorize(&coordinator_by, Action::ReadAudit), Ok(()));

        assert_eq!(authorize(&executor_maz, edit_maz), Ok(()));
        assert_eq!(authorize(&executor_maz, manage_by), Err(Forbidden));
        assert_eq!(authorize(&executor_maz, people_fish), Err(Forbidden));
        assert_eq!(authorize(&executor_maz, Action::ReadAudit), Err(Forbidden));

        for action in [manage_by, edit_maz, people_fish, Action::ManageUsers, Action::ReadAudit] {
            assert_eq!(authorize(&observer, action), Err(Forbidden));
        }
        for role in [Role::Admin, coordinator_by, executor_maz, observer] {
            assert_eq!(authorize(&role, Action::Read), Ok(()));
        }
    }

    #[test]
    fn everyone_keeps_their_own_account_and_only_admins_anyone_elses() {
        let maz = OrganisationId::new_at(1, [1; 10]);
        let roles = [
            Role::Coordinator { side: Side::By },
            Role::Executor { side: Side::By, organisation: maz },
            Role::Observer { side: None },
        ];
        for role in roles {
            assert_eq!(authorize(&role, Action::ManageAccount { own: true }), Ok(()));
            assert_eq!(authorize(&role, Action::ManageAccount { own: false }), Err(Forbidden));
            assert_eq!(authorize(&role, Action::ManageUsers), Err(Forbidden));
        }
        assert_eq!(authorize(&Role::Admin, Action::ManageAccount { own: false }), Ok(()));
        assert_eq!(authorize(&Role::Admin, Action::ManageAccount { own: true }), Ok(()));
    }

    #[test]
    fn measures_belong_to_the_sides_and_organisations_that_execute_them() {
        let maz = OrganisationId::new_at(1, [1; 10]);
        let fish = OrganisationId::new_at(2, [2; 10]);
        let joint = [
            Executor { organisation: maz, side: Side::By, lead: true },
            Executor { organisation: fish, side: Side::Khv, lead: false },
        ];
        let khv_only = [Executor { organisation: fish, side: Side::Khv, lead: true }];
        let coordinator_by = Role::Coordinator { side: Side::By };
        let executor_maz = Role::Executor { side: Side::By, organisation: maz };
        let observer = Role::Observer { side: None };

        assert_eq!(authorize(&coordinator_by, Action::EditMeasure { executors: &joint }), Ok(()));
        assert_eq!(authorize(&coordinator_by, Action::EditMeasure { executors: &khv_only }), Err(Forbidden));
        assert_eq!(authorize(&coordinator_by, Action::EditMeasure { executors: &[] }), Ok(()));
        assert_eq!(authorize(&coordinator_by, Action::CreateMeasure), Ok(()));
        assert_eq!(authorize(&executor_maz, Action::ReportOnMeasure { executors: &joint }), Ok(()));
        assert_eq!(authorize(&executor_maz, Action::ReportOnMeasure { executors: &khv_only }), Err(Forbidden));
        assert_eq!(authorize(&executor_maz, Action::EditMeasure { executors: &joint }), Err(Forbidden));
        assert_eq!(authorize(&executor_maz, Action::CreateMeasure), Err(Forbidden));
        assert_eq!(authorize(&observer, Action::ReportOnMeasure { executors: &joint }), Err(Forbidden));
        assert_eq!(authorize(&Role::Admin, Action::EditMeasure { executors: &khv_only }), Ok(()));
    }
}
