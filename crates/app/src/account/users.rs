//! User accounts, an administrator's (`Action::ManageUsers`): the list, creating, changing
//! (name, role, language, disabled, password: all checked first, then one write), a new
//! password and disabling from the shell.

use super::secrets::{MIN_PASSWORD_CHARS, hash_password};
use crate::{Actor, App, Error, Result, Rule};
use accord_domain::Side;
use accord_domain::directory::{Action, Locale, Login, Role, RoleKind, UserAccount, authorize};
use accord_domain::validation::{FieldError, Invalid, Reason};
use accord_store::{NewUser, StoreError, UserUpdate};
use serde::{Deserialize, Serialize};

/// What the user form or the users API submits (and what reading one user gives back).
#[derive(Debug, Clone, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct UserInput {
    pub login: String,
    pub display_name: String,
    /// Required when creating; when changing, a new password (empty: unchanged).
    pub password: Option<String>,
    /// admin, coordinator, executor or observer.
    pub role: String,
    /// BY or KHV; required for a coordinator.
    pub side: Option<String>,
    /// The organisation's code; required for an executor.
    pub organisation: Option<String>,
    /// ru or en.
    pub locale: Option<String>,
    /// "on"/"true" disables the account.
    pub disabled: Option<String>,
    /// The version the change was made on; required to change a user.
    pub version: Option<i64>,
}

impl UserInput {
    fn is_disabled(&self) -> bool {
        matches!(self.disabled.as_deref().map(str::trim), Some("on" | "true" | "1"))
    }
}

/// Field errors gathered over several checks, so that one answer names every bad field.
#[derive(Default)]
struct Fields(Vec<FieldError>);

impl Fields {
    fn take<T>(&mut self, checked: Result<T, Invalid>) -> Option<T> {
        match checked {
            Ok(value) => Some(value),
            Err(invalid) => {
                self.0.extend(invalid.0);
                None
            }
        }
    }
    fn done(self) -> Result<()> {
        if self.0.is_empty() { Ok(()) } else { Err(Invalid(self.0).into()) }
    }
}

fn display_name_of(input: &UserInput) -> Result<String, Invalid> {
    let name = input.display_name.trim();
    if name.is_empty() {
        return Err(Invalid::one("display_name", Reason::Required));
    }
    if name.chars().count() > 200 {
        return Err(Invalid::one("display_name", Reason::TooLong));
    }
    Ok(name.to_string())
}

fn locale_of(input: &UserInput) -> Result<Locale, Invalid> {
    match input.locale.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(Locale::Ru),
        Some(raw) => Locale::parse(raw).ok_or_else(|| Invalid::one("locale", Reason::UnknownValue)),
    }
}

fn password_of(password: &str) -> Result<String, Invalid> {
    if password.chars().count() < MIN_PASSWORD_CHARS {
        return Err(Invalid::one("password", Reason::TooShort));
    }
    Ok(password.to_string())
}

/// The refusal of an administrator's change that would lock themselves out.
fn self_lockout() -> Error {
    Error::Refused(Rule::input("self_lockout", "error-self-lockout"))
}

impl App {
    /// Every account, by login.
    pub async fn user_list(&self, actor: &Actor) -> Result<Vec<UserAccount>> {
        authorize(&actor.role(), Action::ManageUsers)?;
        Ok(self.store.user_list().await?)
    }

    /// One account as its form shows it (no password).
    pub async fn user_input_of(&self, actor: &Actor, login: &str) -> Result<UserInput> {
        authorize(&actor.role(), Action::ManageUsers)?;
        let user = self.store.user_by_login(login).await?;
        let organisation = match user.role.organisation() {
            Some(id) => Some(self.store.organisation(id).await?.data.code.to_string()),
            None => None,
        };
        Ok(UserInput {
            login: user.login.to_string(),
            display_name: user.display_name.clone(),
            password: None,
            role: user.role.kind().code().to_string(),
            side: user.role.side().map(|s| s.code().to_string()),
            organisation,
            locale: Some(user.locale.code().to_string()),
            disabled: user.disabled.then(|| "on".to_string()),
            version: Some(user.version),
        })
    }

    /// The role a form names: kind, side, and an executor's organisation by code.
    pub async fn role_resolve(&self, kind: &str, side: Option<&str>, organisation: Option<&str>) -> Result<Role> {
        let kind: RoleKind = kind.parse()?;
        let side = match side.map(str::trim).filter(|s| !s.is_empty()) {
            Some(s) => Some(s.parse::<Side>().map_err(|_| Invalid::one("side", Reason::UnknownValue))?),
            None => None,
        };
        let organisation = match organisation.map(str::trim).filter(|s| !s.is_empty()) {
            Some(code) if kind == RoleKind::Executor => match self.store.organisation_by_code(code).await {
                Ok(org) => Some((org.id, org.data.side)),
                Err(StoreError::NotFound { .. }) => return Err(Invalid::one("organisation", Reason::NotFound).into()),
                Err(other) => return Err(other.into()),
            },
            _ => None,
        };
        Ok(Role::from_parts(kind, side, organisation)?)
    }

    /// The role of an input, its field errors kept with the others'.
    async fn role_checked(&self, input: &UserInput, fields: &mut Fields) -> Result<Option<Role>> {
        match self.role_resolve(&input.role, input.side.as_deref(), input.organisation.as_deref()).await {
            Ok(role) => Ok(Some(role)),
            Err(Error::Invalid(invalid)) => Ok(fields.take::<Role>(Err(invalid))),
            Err(other) => Err(other),
        }
    }

    /// Creates an account with its first password.
    pub async fn user_create(&self, actor: &Actor, input: &UserInput) -> Result<UserAccount> {
        authorize(&actor.role(), Action::ManageUsers)?;
        let mut fields = Fields::default();
        let login = fields.take(Login::parse(&input.login));
        let display_name = fields.take(display_name_of(input));
        let password = fields.take(password_of(input.password.as_deref().unwrap_or_default()));
        let role = self.role_checked(input, &mut fields).await?;
        let locale = fields.take(locale_of(input));
        fields.done()?;
        let (Some(login), Some(display_name), Some(password), Some(role), Some(locale)) =
            (login, display_name, password, role, locale)
        else {
            return Err(Error::internal("a checked user input lost a field"));
        };
        let password_hash = hash_password(password).await?;
        let mut w = self.store.begin_write(actor.author()).await?;
        let user =
            self.store.user_create_in(&mut w, &NewUser { login, display_name, password_hash, role, locale }).await?;
        w.commit().await?;
        Ok(user)
    }

    /// Changes an account: name, role, language, disabled and (when given) the password.
    /// Everything is checked before anything is written, and it is written at the version
    /// the change was made on, in one transaction: a refused password leaves the role as it
    /// was. An administrator may not disable themselves or change their own role.
    pub async fn user_change(&self, actor: &Actor, login: &str, input: &UserInput) -> Result<UserAccount> {
        authorize(&actor.role(), Action::ManageUsers)?;
        let current = self.store.user_by_login(login).await?;
        let mut fields = Fields::default();
        let version = fields.take(input.version.ok_or_else(|| Invalid::one("version", Reason::Required)));
        let display_name = fields.take(display_name_of(input));
        let role = self.role_checked(input, &mut fields).await?;
        let locale = fields.take(locale_of(input));
        let password = match input.password.as_deref().filter(|p| !p.is_empty()) {
            Some(p) => fields.take(password_of(p)).map(Some),
            None => Some(None),
        };
        fields.done()?;
        let (Some(version), Some(display_name), Some(role), Some(locale), Some(password)) =
            (version, display_name, role, locale, password)
        else {
            return Err(Error::internal("a checked user input lost a field"));
        };
        let update = UserUpdate { display_name, role, locale, disabled: input.is_disabled() };
        if actor.user_id() == Some(current.id) && (update.disabled || update.role != current.role) {
            return Err(self_lockout());
        }
        let password_hash = match password {
            Some(p) => Some(hash_password(p).await?),
            None => None,
        };
        let mut w = self.store.begin_write(actor.author()).await?;
        let changed = self.store.user_update_in(&mut w, current.id, version, &update, password_hash.as_deref()).await?;
        w.commit().await?;
        Ok(changed)
    }

    /// Sets a new password for an account (`accord user passwd`); its sessions end.
    pub async fn user_password_set(&self, actor: &Actor, login: &str, password: &str) -> Result<UserAccount> {
        authorize(&actor.role(), Action::ManageUsers)?;
        let current = self.store.user_by_login(login).await?;
        let hash = hash_password(password_of(password)?).await?;
        let mut w = self.store.begin_write(actor.author()).await?;
        let changed = self.store.user_set_password_in(&mut w, current.id, current.version, &hash).await?;
        w.commit().await?;
        Ok(changed)
    }

    /// Disables an account (`accord user disable`): its sessions and tokens stop working.
    pub async fn user_disable(&self, actor: &Actor, login: &str) -> Result<UserAccount> {
        authorize(&actor.role(), Action::ManageUsers)?;
        let current = self.store.user_by_login(login).await?;
        if actor.user_id() == Some(current.id) {
            return Err(self_lockout());
        }
        let update = UserUpdate { disabled: true, ..UserUpdate::of(&current) };
        let mut w = self.store.begin_write(actor.author()).await?;
        let changed = self.store.user_update_in(&mut w, current.id, current.version, &update, None).await?;
        w.commit().await?;
        Ok(changed)
    }
}
