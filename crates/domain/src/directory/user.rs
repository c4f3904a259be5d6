//! User accounts and their roles.

use crate::validation::{Invalid, Reason, Validated};
use crate::{OrganisationId, Side, UserId};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// A sign-in name: 3-64 characters of lowercase Latin letters, digits, `.`, `_`, `-`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Login(String);

impl Login {
    pub fn parse(raw: &str) -> Validated<Self> {
        let login = raw.trim().to_ascii_lowercase();
        if login.is_empty() {
            return Err(Invalid::one("login", Reason::Required));
        }
        let ok = (3..=64).contains(&login.len())
            && login.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "._-".contains(c));
        if ok { Ok(Login(login)) } else { Err(Invalid::one("login", Reason::InvalidLogin)) }
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Login {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}
impl From<Login> for String {
    fn from(l: Login) -> String {
        l.0
    }
}
impl TryFrom<String> for Login {
    type Error = Invalid;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Login::parse(&s)
    }
}

/// The language a user reads accord in. Russian is the default.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Locale {
    #[default]
    Ru,
    En,
}

impl Locale {
    pub const ALL: [Locale; 2] = [Locale::Ru, Locale::En];
    pub fn code(self) -> &'static str {
        match self {
            Locale::Ru => "ru",
            Locale::En => "en",
        }
    }
    /// Reads "ru", "en", "en-GB", "ru_RU"…; anything else is `None`.
    pub fn parse(raw: &str) -> Option<Locale> {
        let lang = raw.trim().get(..2)?.to_ascii_lowercase();
        match lang.as_str() {
            "ru" => Some(Locale::Ru),
            "en" => Some(Locale::En),
            _ => None,
        }
    }
}

/// The kind of role, without its scope; what a form's select offers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RoleKind {
    Admin,
    Coordinator,
    Executor,
    Observer,
}

impl RoleKind {
    pub const ALL: [RoleKind; 4] = [RoleKind::Admin, RoleKind::Coordinator, RoleKind::Executor, RoleKind::Observer];
    pub fn code(self) -> &'static str {
        match self {
            RoleKind::Admin => "admin",
            RoleKind::Coordinator => "coordinator",
            RoleKind::Executor => "executor",
            RoleKind::Observer => "observer",
        }
    }
}

impl FromStr for RoleKind {
    type Err = Invalid;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        RoleKind::ALL
            .into_iter()
            .find(|k| k.code() == s.trim().to_ascii_lowercase())
            .ok_or_else(|| Invalid::one("role", Reason::UnknownValue))
    }
}

/// What a user may do, with its scope. A coordinator always has a side and an executor
/// always has an organisation: the type does not allow otherwise.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "role", rename_all = "lowercase")]
pub enum Role {
    /// Everything, including user management.
    Admin,
    /// Manages one side's organisations, measures and reports; approves.
    Coordinator { side: Side },
    /// Edits what one organisation is responsible for.
    Executor { side: Side, organisation: OrganisationId },
    /// Reads everything, changes nothing. May belong to a side.
    Observer { side: Option<Side> },
}

impl Role {
    pub fn kind(&self) -> RoleKind {
        match self {
            Role::Admin => RoleKind::Admin,
            Role::Coordinator { .. } => RoleKind::Coordinator,
            Role::Executor { .. } => RoleKind::Executor,
            Role::Observer { .. } => RoleKind::Observer,
        }
    }

    pub fn side(&self) -> Option<Side> {
        match *self {
            Role::Admin => None,
            Role::Coordinator { side } | Role::Executor { side, .. } => Some(side),
            Role::Observer { side } => side,
        }
    }

    pub fn organisation(&self) -> Option<OrganisationId> {
        match *self {
            Role::Executor { organisation, .. } => Some(organisation),
            _ => None,
        }
    }

    /// Builds a role from its stored or submitted parts. `organisation_side` is the side of
    /// `organisation`, looked up by the caller; an executor's organisation must be on its side.
    pub fn from_parts(
        kind: RoleKind,
        side: Option<Side>,
        organisation: Option<(OrganisationId, Side)>,
    ) -> Validated<Role> {
        match kind {
            RoleKind::Admin => Ok(Role::Admin),
            RoleKind::Observer => Ok(Role::Observer { side }),
            RoleKind::Coordinator => {
                side.map(|side| Role::Coordinator { side }).ok_or_else(|| Invalid::one("side", Reason::RoleNeedsSide))
            }
            RoleKind::Executor => {
                let Some((organisation, org_side)) = organisation else {
                    return Err(Invalid::one("organisation", Reason::RoleNeedsOrganisation));
                };
                match side {
                    Some(side) if side != org_side => {
                        Err(Invalid::one("organisation", Reason::OrganisationOnOtherSide))
                    }
                    _ => Ok(Role::Executor { side: org_side, organisation }),
                }
            }
        }
    }
}

/// A user account as the rest of the system sees it (never with its password hash).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserAccount {
    pub id: UserId,
    pub login: Login,
    pub display_name: String,
    pub role: Role,
    pub locale: Locale,
    pub disabled: bool,
    pub version: i64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn logins() {
        assert_eq!(Login::parse(" Admin.BY ").map(|l| l.to_string()), Ok("admin.by".into()));
        assert!(Login::parse("ab").is_err());
        assert!(Login::parse("имя").is_err());
        assert!(Login::parse("a b c").is_err());
    }

    #[test]
    fn roles_need_their_scope() {
        let org = OrganisationId::new_at(5, [0; 10]);
        assert_eq!(
            Role::from_parts(RoleKind::Coordinator, None, None),
            Err(Invalid::one("side", Reason::RoleNeedsSide))
        );
        assert_eq!(
            Role::from_parts(RoleKind::Executor, Some(Side::By), None),
            Err(Invalid::one("organisation", Reason::RoleNeedsOrganisation))
        );
        assert_eq!(
            Role::from_parts(RoleKind::Executor, Some(Side::By), Some((org, Side::Khv))),
            Err(Invalid::one("organisation", Reason::OrganisationOnOtherSide))
        );
        let executor = Role::from_parts(RoleKind::Executor, None, Some((org, Side::Khv))).expect("valid");
        assert_eq!(executor.side(), Some(Side::Khv));
        assert_eq!(executor.organisation(), Some(org));
        assert_eq!(Role::from_parts(RoleKind::Admin, Some(Side::By), None), Ok(Role::Admin));
    }

    #[test]
    fn locales() {
        assert_eq!(Locale::parse("en-GB"), Some(Locale::En));
        assert_eq!(Locale::parse("ru_RU"), Some(Locale::Ru));
        assert_eq!(Locale::parse("de"), None);
        assert_eq!(Locale::parse("e"), None);
        assert_eq!(Locale::default(), Locale::Ru);
    }
}
