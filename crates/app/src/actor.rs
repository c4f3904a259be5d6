//! Who acts: a signed-in user (page, API), a named user at the shell (`--as LOGIN`), or the
//! instance's operator (a command without `--as`).

use accord_domain::directory::{Role, UserAccount};
use accord_domain::{OrganisationId, Side, UserId};
use accord_store::Author;

/// The acting user of a use case: identity, role, side and organisation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    kind: Kind,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Kind {
    User(Box<UserAccount>),
    /// The person running the instance from its shell, without `--as`: an administrator's
    /// rights and no side. Audited as the system.
    Operator,
}

impl Actor {
    /// A signed-in (or `--as`) user.
    pub fn user(account: UserAccount) -> Actor {
        Actor { kind: Kind::User(Box::new(account)) }
    }

    /// The instance's operator: what a command without `--as` acts as. It has an
    /// administrator's rights, which never include a change to a signed plan's text.
    pub fn operator() -> Actor {
        Actor { kind: Kind::Operator }
    }

    pub fn role(&self) -> Role {
        match &self.kind {
            Kind::User(user) => user.role,
            Kind::Operator => Role::Admin,
        }
    }

    pub fn side(&self) -> Option<Side> {
        self.role().side()
    }

    pub fn organisation(&self) -> Option<OrganisationId> {
        self.role().organisation()
    }

    /// The account behind the actor; `None` for the operator.
    pub fn account(&self) -> Option<&UserAccount> {
        match &self.kind {
            Kind::User(user) => Some(user),
            Kind::Operator => None,
        }
    }

    pub fn user_id(&self) -> Option<UserId> {
        self.account().map(|a| a.id)
    }

    /// The login shown in the audit log; `None` for the operator (shown as the system).
    pub fn login(&self) -> Option<&str> {
        self.account().map(|a| a.login.as_str())
    }

    pub fn is_operator(&self) -> bool {
        matches!(self.kind, Kind::Operator)
    }

    pub(crate) fn author(&self) -> Author<'_> {
        match self.login() {
            Some(login) => Author::user(login),
            None => Author::SYSTEM,
        }
    }

    /// The actor as the review rules know it (they tell two people apart for the two keys).
    /// The operator carries the nil id: the review's acts are the sides' own, and an
    /// administrator may not perform them anyway.
    pub(crate) fn review_actor(&self) -> accord_domain::review::Actor {
        accord_domain::review::Actor { user: self.user_id().unwrap_or(UserId(uuid::Uuid::nil())), role: self.role() }
    }
}
