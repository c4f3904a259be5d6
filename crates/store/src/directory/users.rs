//! User accounts: reads, and their writes (each also as `…_in`, inside the caller's
//! transaction). The password hash comes from the application layer (argon2id) and never
//! reaches the audit log.

use super::{check_version, lost_race, new_uuid};
use crate::{Author, Result, Store, StoreError, WriteTx, corrupt, unique_violation};
use accord_domain::audit::Change;
use accord_domain::directory::{Locale, Login, Role, RoleKind, UserAccount};
use accord_domain::{OrganisationId, Side, UserId};
use serde::Serialize;
use sqlx::Row;
use sqlx::any::AnyRow;

const USER_COLUMNS: &str = "id, login, display_name, role, side, organisation_id, locale, disabled, version";

pub(crate) fn user_from_row_pub(row: &AnyRow) -> Result<UserAccount> {
    user_from_row(row)
}

fn user_from_row(row: &AnyRow) -> Result<UserAccount> {
    let id: String = row.try_get("id")?;
    let login: String = row.try_get("login")?;
    let role: String = row.try_get("role")?;
    let side: Option<String> = row.try_get("side")?;
    let organisation: Option<String> = row.try_get("organisation_id")?;
    let locale: String = row.try_get("locale")?;
    let disabled: i64 = row.try_get("disabled")?;
    let side: Option<Side> = side.map(|s| s.parse()).transpose().map_err(corrupt("user side"))?;
    let organisation: Option<OrganisationId> =
        organisation.map(|o| o.parse()).transpose().map_err(corrupt("user organisation"))?;
    let kind: RoleKind = role.parse().map_err(corrupt("user role"))?;
    // The stored side of an executor is its organisation's side (checked when written).
    let role = Role::from_parts(kind, side, organisation.zip(side)).map_err(corrupt("user role"))?;
    Ok(UserAccount {
        id: id.parse().map_err(corrupt("user id"))?,
        login: Login::parse(&login).map_err(corrupt("user login"))?,
        display_name: row.try_get("display_name")?,
        role,
        locale: Locale::parse(&locale).unwrap_or_default(),
        disabled: disabled != 0,
        version: row.try_get("version")?,
    })
}

/// A user to create. The password hash comes from the application layer (argon2id).
#[derive(Debug, Clone)]
pub struct NewUser {
    pub login: Login,
    pub display_name: String,
    pub password_hash: String,
    pub role: Role,
    pub locale: Locale,
}

/// The administrable fields of a user.
#[derive(Debug, Clone)]
pub struct UserUpdate {
    pub display_name: String,
    pub role: Role,
    pub locale: Locale,
    pub disabled: bool,
}

impl UserUpdate {
    /// The account's administrable fields as they stand, to change one of them.
    pub fn of(user: &UserAccount) -> UserUpdate {
        UserUpdate {
            display_name: user.display_name.clone(),
            role: user.role,
            locale: user.locale,
            disabled: user.disabled,
        }
    }
}

/// What the audit log shows of a user (never the password hash).
#[derive(Serialize)]
struct AuditedUser<'a> {
    login: &'a Login,
    display_name: &'a str,
    #[serde(flatten)]
    role: &'a Role,
    locale: Locale,
    disabled: bool,
}

impl<'a> From<&'a UserAccount> for AuditedUser<'a> {
    fn from(u: &'a UserAccount) -> Self {
        AuditedUser {
            login: &u.login,
            display_name: &u.display_name,
            role: &u.role,
            locale: u.locale,
            disabled: u.disabled,
        }
    }
}

impl Store {
    pub async fn user_create(&self, author: Author<'_>, user: &NewUser) -> Result<UserAccount> {
        let mut w = self.begin_write(author).await?;
        let account = self.user_create_in(&mut w, user).await?;
        w.commit().await?;
        Ok(account)
    }

    /// Creates a user in the caller's transaction (a taken login is a field error).
    pub async fn user_create_in(&self, w: &mut WriteTx<'_>, user: &NewUser) -> Result<UserAccount> {
        let id = UserId(new_uuid());
        let now = w.now_text();
        sqlx::query(
            "INSERT INTO users (id, origin, login, display_name, password_hash, role, side, organisation_id, locale, disabled, version, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 0, 1, $10, $10)",
        )
        .bind(id.to_string())
        .bind(self.origin.code())
        .bind(user.login.as_str())
        .bind(user.display_name.trim())
        .bind(&user.password_hash)
        .bind(user.role.kind().code())
        .bind(user.role.side().map(Side::code))
        .bind(user.role.organisation().map(|o| o.to_string()))
        .bind(user.locale.code())
        .bind(now)
        .execute(&mut *w.tx)
        .await
        .map_err(|e| unique_violation(e, &[("login", "login")]))?;
        let account = UserAccount {
            id,
            login: user.login.clone(),
            display_name: user.display_name.trim().to_string(),
            role: user.role,
            locale: user.locale,
            disabled: false,
            version: 1,
        };
        w.audit(Change::create("user", id, &AuditedUser::from(&account))).await?;
        Ok(account)
    }

    pub async fn user_by_login(&self, login: &str) -> Result<UserAccount> {
        let row = sqlx::query(&format!("SELECT {USER_COLUMNS} FROM users WHERE login = $1"))
            .bind(login.trim().to_ascii_lowercase())
            .fetch_optional(&self.pool)
            .await?
            .ok_or(StoreError::NotFound { entity: "user" })?;
        user_from_row(&row)
    }

    pub async fn user(&self, id: UserId) -> Result<UserAccount> {
        let row = sqlx::query(&format!("SELECT {USER_COLUMNS} FROM users WHERE id = $1"))
            .bind(id.to_string())
            .fetch_optional(&self.pool)
            .await?
            .ok_or(StoreError::NotFound { entity: "user" })?;
        user_from_row(&row)
    }

    /// The account and its password hash, for signing in.
    pub async fn user_credentials(&self, login: &str) -> Result<Option<(UserAccount, String)>> {
        let row = sqlx::query(&format!("SELECT {USER_COLUMNS}, password_hash FROM users WHERE login = $1"))
            .bind(login.trim().to_ascii_lowercase())
            .fetch_optional(&self.pool)
            .await?;
        row.map(|row| Ok((user_from_row(&row)?, row.try_get("password_hash")?))).transpose()
    }

    pub async fn user_list(&self) -> Result<Vec<UserAccount>> {
        let rows =
            sqlx::query(&format!("SELECT {USER_COLUMNS} FROM users ORDER BY login")).fetch_all(&self.pool).await?;
        rows.iter().map(user_from_row).collect()
    }

    pub async fn user_update(
        &self,
        author: Author<'_>,
        id: UserId,
        expected_version: i64,
        update: &UserUpdate,
    ) -> Result<UserAccount> {
        let mut w = self.begin_write(author).await?;
        let after = self.user_update_in(&mut w, id, expected_version, update, None).await?;
        w.commit().await?;
        Ok(after)
    }

    /// Changes a user in the caller's transaction if they are still at `expected_version`:
    /// name, role, language, disabled, and the password hash when one is given, in one row
    /// write and one audit entry. Disabling or a new password ends the user's sessions; a new password also revokes the
    /// user's API tokens.
    pub async fn user_update_in(
        &self,
        w: &mut WriteTx<'_>,
        id: UserId,
        expected_version: i64,
        update: &UserUpdate,
        password_hash: Option<&str>,
    ) -> Result<UserAccount> {
        let before = self.locked_user(w, id, expected_version).await?;
        let done = sqlx::query(
            "UPDATE users SET display_name = $1, role = $2, side = $3, organisation_id = $4, locale = $5, disabled = $6, \
             password_hash = COALESCE($7, password_hash), version = version + 1, updated_at = $8 WHERE id = $9 AND version = $10",
        )
        .bind(update.display_name.trim())
        .bind(update.role.kind().code())
        .bind(update.role.side().map(Side::code))
        .bind(update.role.organisation().map(|o| o.to_string()))
        .bind(update.locale.code())
        .bind(i64::from(update.disabled))
        .bind(password_hash)
        .bind(w.now_text())
        .bind(id.to_string())
        .bind(expected_version)
        .execute(&mut *w.tx)
        .await?;
        if done.rows_affected() == 0 {
            return Err(lost_race(w, "users", "user", &id.to_string()).await);
        }
        if update.disabled || password_hash.is_some() {
            end_sessions(w, id).await?;
        }
        let after = UserAccount {
            display_name: update.display_name.trim().to_string(),
            role: update.role,
            locale: update.locale,
            disabled: update.disabled,
            version: expected_version + 1,
            ..before.clone()
        };
        let reason = password_hash.map(|_| "password changed".to_string());
        w.audit(
            Change::update("user", id, &AuditedUser::from(&before), &AuditedUser::from(&after)).with_reason(reason),
        )
        .await?;
        if password_hash.is_some() {
            revoke_tokens(w, id).await?;
        }
        Ok(after)
    }

    /// Sets a new password hash and ends the user's sessions everywhere.
    pub async fn user_set_password(&self, author: Author<'_>, login: &Login, password_hash: &str) -> Result<()> {
        let user = self.user_by_login(login.as_str()).await?;
        let mut w = self.begin_write(author).await?;
        self.user_set_password_in(&mut w, user.id, user.version, password_hash).await?;
        w.commit().await
    }

    /// Sets a new password hash in the caller's transaction if the user is still at
    /// `expected_version`; ends the user's sessions.
    pub async fn user_set_password_in(
        &self,
        w: &mut WriteTx<'_>,
        id: UserId,
        expected_version: i64,
        password_hash: &str,
    ) -> Result<UserAccount> {
        let current = self.locked_user(w, id, expected_version).await?;
        self.user_update_in(w, id, expected_version, &UserUpdate::of(&current), Some(password_hash)).await
    }

    /// A user's own language, in the caller's transaction: part of the account, so versioned
    /// and audited like any change of it.
    pub async fn user_set_locale_in(
        &self,
        w: &mut WriteTx<'_>,
        id: UserId,
        expected_version: i64,
        locale: Locale,
    ) -> Result<UserAccount> {
        let current = self.locked_user(w, id, expected_version).await?;
        let update = UserUpdate { locale, ..UserUpdate::of(&current) };
        self.user_update_in(w, id, expected_version, &update, None).await
    }

    async fn locked_user(&self, w: &mut WriteTx<'_>, id: UserId, expected_version: i64) -> Result<UserAccount> {
        let row = sqlx::query(&format!("SELECT {USER_COLUMNS} FROM users WHERE id = $1"))
            .bind(id.to_string())
            .fetch_optional(&mut *w.tx)
            .await?
            .ok_or(StoreError::NotFound { entity: "user" })?;
        let current = user_from_row(&row)?;
        check_version("user", current.version, expected_version)?;
        Ok(current)
    }
}

/// Revokes every live API token of a user (a new password: whoever held a token with the old
/// one loses it too), each with its audit entry like a revocation by hand.
async fn revoke_tokens(w: &mut WriteTx<'_>, user: UserId) -> Result<()> {
    let ids: Vec<String> = sqlx::query_scalar("SELECT id FROM api_tokens WHERE user_id = $1 AND revoked_at IS NULL")
        .bind(user.to_string())
        .fetch_all(&mut *w.tx)
        .await?;
    if ids.is_empty() {
        return Ok(());
    }
    sqlx::query("UPDATE api_tokens SET revoked_at = $1 WHERE user_id = $2 AND revoked_at IS NULL")
        .bind(w.now_text())
        .bind(user.to_string())
        .execute(&mut *w.tx)
        .await?;
    let before = serde_json::json!({ "user_id": user });
    for id in ids {
        w.audit(Change::delete("api_token", &id, &before).with_reason(Some("password changed".to_string()))).await?;
    }
    Ok(())
}

async fn end_sessions(w: &mut WriteTx<'_>, user: UserId) -> Result<()> {
    sqlx::query("DELETE FROM sessions WHERE user_id = $1").bind(user.to_string()).execute(&mut *w.tx).await?;
    Ok(())
}
