//! Signing in and out. A session is bookkeeping, not a record: it is not audited (see
//! `accord_store`'s session module for why). The throttle of failed attempts and the cookies
//! are HTTP's and stay in `web`.

use super::secrets::{decoy_hash, new_secret, secret_hash, verify_password};
use crate::{App, Result};
use accord_domain::directory::UserAccount;

/// An open session: its secret (the cookie's value, kept only as a hash) and its user.
#[derive(Debug, Clone)]
pub struct SignedIn {
    pub token: String,
    pub user: UserAccount,
}

impl App {
    /// Opens a session of `ttl` for a login and its password. `None` when they do not match or
    /// the account is disabled, without saying which (and in the same time either way).
    pub async fn sign_in(&self, login: &str, password: &str, ttl: chrono::Duration) -> Result<Option<SignedIn>> {
        let credentials = self.store.user_credentials(login).await?;
        let (user, hash) = match credentials {
            Some((user, hash)) if !user.disabled => (Some(user), hash),
            _ => (None, decoy_hash().to_string()),
        };
        let verified = verify_password(password.to_string(), hash).await;
        let Some(user) = user.filter(|_| verified) else { return Ok(None) };
        let token = new_secret();
        self.store.session_create(user.id, &secret_hash(&token), &new_secret(), ttl).await?;
        Ok(Some(SignedIn { token, user }))
    }

    /// Ends the session whose secret hashes to `session_hash` (the signed-in user's own).
    pub async fn sign_out(&self, session_hash: &str) -> Result<()> {
        Ok(self.store.session_delete(session_hash).await?)
    }
}
