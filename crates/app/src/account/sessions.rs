//! Signing in and out. A session is bookkeeping, not a record: it is not audited (see
//! `accord_store`'s session module for why). Failed attempts are throttled here, per login and
//! per client address (the rule is `accord_domain::directory::sign_in`; its state lives in the
//! memory of the process that holds the [`App`], i.e. the server). The cookies are HTTP's and
//! stay in `web`.

use super::secrets::{decoy_hash, new_secret, secret_hash, verify_password};
use crate::{App, Error, Result, Rule};
use accord_domain::directory::UserAccount;
use accord_domain::directory::sign_in::{SignInThrottle, is_demo_credential};
use std::sync::Mutex;
use std::time::Instant;

/// An open session: its secret (the cookie's value, kept only as a hash) and its user.
#[derive(Debug, Clone)]
pub struct SignedIn {
    pub token: String,
    pub user: UserAccount,
}

/// The throttle's state under one lock, and the origin of its clock.
#[derive(Debug)]
pub struct SignInGuard {
    throttle: Mutex<SignInThrottle>,
    origin: Instant,
}

impl Default for SignInGuard {
    fn default() -> Self {
        SignInGuard { throttle: Mutex::new(SignInThrottle::default()), origin: Instant::now() }
    }
}

impl SignInGuard {
    /// Checks and counts an attempt in one step (one lock): a burst cannot get more attempts,
    /// or run more password checks, than the rule lets through.
    pub(crate) fn admit(&self, login: &str, address: Option<&str>) -> Result<()> {
        let now = self.origin.elapsed();
        let mut throttle = self.throttle.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        throttle.admit(login, address, now).map_err(|wait| Error::TooManyAttempts { retry_after_secs: wait.seconds })
    }

    pub(crate) fn succeeded(&self, login: &str, address: Option<&str>) {
        let now = self.origin.elapsed();
        let mut throttle = self.throttle.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        throttle.succeeded(login, address, now);
    }
}

/// The throttle's key of a login: as typed, trimmed and lower-cased (logins are).
pub(crate) fn login_key(login: &str) -> String {
    login.trim().to_ascii_lowercase()
}

impl App {
    /// Opens a session of `ttl` for a login and its password (see [`App::sign_in_from`]), the
    /// client's address unknown.
    pub async fn sign_in(&self, login: &str, password: &str, ttl: chrono::Duration) -> Result<Option<SignedIn>> {
        self.sign_in_from(login, password, None, ttl).await
    }

    /// Opens a session of `ttl` for a login and its password, from a client `address`. `None`
    /// when they do not match or the account is disabled, without saying which (and in the
    /// same time either way). Refused with [`Error::TooManyAttempts`] when the login (or, for a
    /// login that has failed lately, the address) has failed too often lately; refused as
    /// forbidden for a demo account's published password unless the server runs the demo.
    pub async fn sign_in_from(
        &self,
        login: &str,
        password: &str,
        address: Option<&str>,
        ttl: chrono::Duration,
    ) -> Result<Option<SignedIn>> {
        if !self.demo_accounts && is_demo_credential(login, password) {
            return Err(Error::Forbidden(Rule::state("demo_account", "sign-in-demo-refused")));
        }
        let key = login_key(login);
        self.guard.admit(&key, address)?;
        let credentials = self.store.user_credentials(login).await?;
        let (user, hash) = match credentials {
            Some((user, hash)) if !user.disabled => (Some(user), hash),
            _ => (None, decoy_hash().to_string()),
        };
        let verified = verify_password(password.to_string(), hash).await;
        let Some(user) = user.filter(|_| verified) else { return Ok(None) };
        self.guard.succeeded(&key, address);
        let token = new_secret();
        self.store.session_create(user.id, &secret_hash(&token), &new_secret(), ttl).await?;
        Ok(Some(SignedIn { token, user }))
    }

    /// Ends the session whose secret hashes to `session_hash` (the signed-in user's own).
    pub async fn sign_out(&self, session_hash: &str) -> Result<()> {
        Ok(self.store.session_delete(session_hash).await?)
    }
}
