//! Accounts: users (an administrator's), signing in and out, one's own password, language and
//! API tokens, and the audit log's reads.
//!
//! Passwords are hashed here (argon2id, on a blocking thread) and secrets made here, so that
//! every door (the sign-in form, the API, `accord user …`) gets the same rules: a password of
//! at least [`MIN_PASSWORD_CHARS`], a disabled account signs in nowhere, a change of role,
//! name and password is one write or none. Failed sign-ins (and wrong current passwords) are
//! throttled here per login and per client address, and at most [`HASHING_AT_ONCE`] password
//! hashes run at once. What stays in `web` is HTTP's own: cookies, CSRF, the client's address.

mod audit;
mod own;
mod secrets;
mod sessions;
mod tokens;
mod users;

pub use own::{LocaleInput, PasswordChange};
pub use secrets::{
    HASHING_AT_ONCE, MIN_PASSWORD_CHARS, decoy_hash, hash_password, hashing_peak, new_secret, secret_hash,
    verify_password,
};
pub use sessions::{SignInGuard, SignedIn};
pub use tokens::{NewToken, TokenInput};
pub use users::UserInput;

use crate::{Actor, Error, Result, Rule};
use accord_domain::directory::UserAccount;

/// The acting user's own account; the operator has none.
fn own_account(actor: &Actor) -> Result<&UserAccount> {
    actor.account().ok_or_else(|| Error::Forbidden(Rule::state("no_account", "account-rule-no-account")))
}
