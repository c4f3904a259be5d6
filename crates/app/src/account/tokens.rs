//! API tokens: a user makes and revokes their own; an administrator (or the operator at the
//! shell, `accord user token LOGIN`) anyone's. A token may expire (`expires`); a change of the
//! owner's password revokes every token of theirs (`accord_store`'s users module).

use super::own_account;
use super::secrets::{new_secret, secret_hash};
use crate::{Actor, App, Error, Result, Rule};
use accord_domain::directory::sign_in::{MAX_TOKEN_DAYS, token_lifetime};
use accord_domain::directory::{Action, UserAccount, authorize};
use accord_domain::validation::{Invalid, Reason};
use serde::Deserialize;

/// What asking for a token sends.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct TokenInput {
    /// What the token is for (e.g. the program that uses it); up to 100 characters.
    pub label: Option<String>,
    /// How long the token lives: `90d` (days), `12h`, `2w`; empty or absent: until revoked.
    /// At most 3650 days.
    pub expires: Option<String>,
}

/// A token just made: its id, its secret, shown this once (only its hash is kept), and when
/// it expires (if it does).
#[derive(Debug, Clone)]
pub struct NewToken {
    pub id: String,
    pub secret: String,
    pub expires_at: Option<chrono::DateTime<chrono::Utc>>,
}

impl App {
    /// Makes an API token for `owner` (a login; `None`: the actor's own account).
    pub async fn token_create(&self, actor: &Actor, owner: Option<&str>, input: &TokenInput) -> Result<NewToken> {
        let owner = self.token_owner(actor, owner).await?;
        let label = input.label.as_deref().map(str::trim).filter(|l| !l.is_empty());
        if label.is_some_and(|l| l.chars().count() > 100) {
            return Err(Invalid::one("label", Reason::TooLong).into());
        }
        let lifetime = token_lifetime(input.expires.as_deref().unwrap_or_default()).map_err(|_| {
            Error::Refused(
                Rule::input("token_expiry", "token-expiry-invalid").arg("max", MAX_TOKEN_DAYS).field("expires"),
            )
        })?;
        if owner.disabled {
            return Err(Error::Refused(
                Rule::input("user_disabled", "account-rule-user-disabled").arg("login", &owner.login),
            ));
        }
        let secret = new_secret();
        let expires_at = lifetime.map(|l| chrono::Utc::now() + l);
        let mut w = self.store.begin_write(actor.author()).await?;
        let id = self.store.token_create_in(&mut w, owner.id, label, &secret_hash(&secret), expires_at).await?;
        w.commit().await?;
        Ok(NewToken { id, secret, expires_at })
    }

    /// Revokes a token of `owner` (a login; `None`: the actor's own account).
    pub async fn token_revoke(&self, actor: &Actor, owner: Option<&str>, token_id: &str) -> Result<()> {
        let owner = self.token_owner(actor, owner).await?;
        let mut w = self.store.begin_write(actor.author()).await?;
        self.store.token_revoke_in(&mut w, owner.id, token_id).await?;
        w.commit().await?;
        Ok(())
    }

    /// The account whose tokens are meant, once the actor may touch them: their own, or, for
    /// an administrator, anyone's. Permission comes before the lookup, so a refusal does not
    /// tell which logins exist.
    async fn token_owner(&self, actor: &Actor, owner: Option<&str>) -> Result<UserAccount> {
        let own = match (owner, actor.login()) {
            (None, _) => true,
            (Some(login), Some(mine)) => login.trim().eq_ignore_ascii_case(mine),
            (Some(_), None) => false,
        };
        authorize(&actor.role(), Action::ManageAccount { own })?;
        match owner {
            None => Ok(self.store.user(own_account(actor)?.id).await?),
            Some(login) => Ok(self.store.user_by_login(login).await?),
        }
    }
}
