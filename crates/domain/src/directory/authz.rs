//! Who may do what: the one place where permissions are decided.
//!
//! Every web page and API handler asks [`authorize`] before it acts; later modules add
//! their actions here, so the rules stay readable side by side.

use super::user::Role;
use crate::{OrganisationId, Side};

/// Something a user wants to do, with what it touches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
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
    /// Read the audit log and verify its chain.
    ReadAudit,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("forbidden: this role may not do that")]
pub struct Forbidden;

pub fn authorize(role: &Role, action: Action) -> Result<(), Forbidden> {
    let allowed = match (role, action) {
        (Role::Admin, _) => true,
        (_, Action::Read) => true,
        (Role::Coordinator { side }, Action::ManageOrganisations { side: target })
        | (Role::Coordinator { side }, Action::EditOrganisation { side: target, .. })
        | (Role::Coordinator { side }, Action::ManagePeople { side: target, .. }) => *side == target,
        (Role::Coordinator { .. }, Action::ReadAudit) => true,
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
}
