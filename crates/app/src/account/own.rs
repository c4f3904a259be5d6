//! What every user changes of their own account: the password and the language.

use super::own_account;
use super::secrets::{MIN_PASSWORD_CHARS, hash_password, verify_password};
use super::sessions::login_key;
use crate::{Actor, App, Error, Result, Rule};
use accord_domain::directory::{Action, Locale, UserAccount, authorize};
use accord_domain::validation::{Invalid, Reason};
use serde::Deserialize;

/// A new password for one's own account, with the current one.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct PasswordChange {
    pub current: String,
    pub new_password: String,
}

/// One's own language: `ru` or `en` (a form's field may be called `lang`).
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct LocaleInput {
    /// ru or en.
    #[serde(alias = "lang")]
    pub locale: String,
}

impl App {
    /// Changes the actor's own password; every session of theirs ends with it and every API
    /// token of theirs is revoked. Wrong current passwords count against the login like failed
    /// sign-ins (a stolen token cannot guess the password faster than the sign-in form).
    pub async fn own_password_change(&self, actor: &Actor, input: &PasswordChange) -> Result<()> {
        let account = own_account(actor)?;
        authorize(&actor.role(), Action::ManageAccount { own: true })?;
        let key = login_key(account.login.as_str());
        self.guard.admit(&key, None)?;
        let (current, hash) =
            self.store.user_credentials(account.login.as_str()).await?.ok_or(Error::not_found("user"))?;
        if !verify_password(input.current.clone(), hash).await {
            return Err(Error::Refused(
                Rule::input("password_current_wrong", "password-current-wrong").field("current"),
            ));
        }
        self.guard.succeeded(&key, None);
        if input.new_password.chars().count() < MIN_PASSWORD_CHARS {
            return Err(Invalid::one("new_password", Reason::TooShort).into());
        }
        let hash = hash_password(input.new_password.clone()).await?;
        let mut w = self.store.begin_write(actor.author()).await?;
        self.store.user_set_password_in(&mut w, current.id, current.version, &hash).await?;
        w.commit().await?;
        Ok(())
    }

    /// Sets the actor's own language (remembered for their next sign-in on any device).
    pub async fn own_locale_change(&self, actor: &Actor, input: &LocaleInput) -> Result<UserAccount> {
        let account = own_account(actor)?;
        authorize(&actor.role(), Action::ManageAccount { own: true })?;
        let locale = Locale::parse(&input.locale).ok_or_else(|| Invalid::one("locale", Reason::UnknownValue))?;
        let current = self.store.user(account.id).await?;
        if current.locale == locale {
            return Ok(current);
        }
        let mut w = self.store.begin_write(actor.author()).await?;
        let changed = self.store.user_set_locale_in(&mut w, current.id, current.version, locale).await?;
        w.commit().await?;
        Ok(changed)
    }
}
