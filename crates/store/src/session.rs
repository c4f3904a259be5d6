//! Server-side sign-in sessions and API tokens. Only hashes of the secrets are stored; the
//! application layer makes the secrets and hashes them.
//!
//! Sessions are bookkeeping, not records: creating and ending one writes no audit entry. The
//! audit log is the change log that read caches are keyed on (and that the two sides' instances
//! will exchange); a sign-in moving its head would throw away every cached plan snapshot, and a
//! session means nothing on the other side's instance. API tokens are audited (who got API
//! access, when), their "last used" time is not.

use crate::cache::{CachedSession, CachedToken};
use crate::directory::new_uuid;
use crate::{Author, Result, Store, StoreError, WriteTx, parse_time};
use accord_domain::UserId;
use accord_domain::audit::timestamp_text;
use accord_domain::directory::UserAccount;
use chrono::{DateTime, Duration, Utc};
use serde::Serialize;
use sqlx::Row;

/// A signed-in user and the CSRF token of their session.
#[derive(Debug, Clone)]
pub struct SessionUser {
    pub user: UserAccount,
    pub csrf_token: String,
}

/// An API token as listed (never the secret).
#[derive(Debug, Clone, Serialize)]
pub struct TokenInfo {
    pub id: String,
    pub label: Option<String>,
    pub created_at: DateTime<Utc>,
    pub last_used_at: Option<DateTime<Utc>>,
    /// When the token stops working; `None`: when revoked.
    pub expires_at: Option<DateTime<Utc>>,
}

impl TokenInfo {
    /// Whether the token had expired at `now` (it is refused, but still listed until revoked).
    pub fn is_expired(&self, now: &DateTime<Utc>) -> bool {
        self.expires_at.is_some_and(|at| at <= *now)
    }
}

impl Store {
    pub async fn session_create(&self, user: UserId, token_hash: &str, csrf_token: &str, ttl: Duration) -> Result<()> {
        let now = Utc::now();
        sqlx::query("INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)")
            .bind(token_hash)
            .bind(user.to_string())
            .bind(csrf_token)
            .bind(timestamp_text(now))
            .bind(timestamp_text(now + ttl))
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// The user of a live session; `None` when it expired, ended or its user is disabled.
    pub async fn session_user(&self, token_hash: &str) -> Result<Option<SessionUser>> {
        let head = self.head().await?;
        if let Some((_, cached)) = self.cache.sessions.get(token_hash, head)
            && cached.expires_at > Utc::now()
        {
            return Ok(Some(cached.session));
        }
        let row = sqlx::query(
            "SELECT u.id, u.login, u.display_name, u.role, u.side, u.organisation_id, u.locale, u.disabled, u.version, s.csrf_token, \
             s.expires_at FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = $1 AND s.expires_at > $2 AND u.disabled = 0",
        )
        .bind(token_hash)
        .bind(timestamp_text(Utc::now()))
        .fetch_optional(&self.pool)
        .await?;
        let Some(row) = row else { return Ok(None) };
        let session =
            SessionUser { user: crate::directory::user_from_row_pub(&row)?, csrf_token: row.try_get("csrf_token")? };
        let expires_at = parse_time(&row.try_get::<String, _>("expires_at")?)?;
        let read_at = std::time::Instant::now();
        self.cache.sessions.keep(token_hash, head, read_at, CachedSession { expires_at, session: session.clone() });
        Ok(Some(session))
    }

    pub async fn session_delete(&self, token_hash: &str) -> Result<()> {
        self.cache.sessions.forget(token_hash);
        sqlx::query("DELETE FROM sessions WHERE token_hash = $1").bind(token_hash).execute(&self.pool).await?;
        Ok(())
    }

    /// Removes expired sessions; returns how many.
    pub async fn session_purge_expired(&self) -> Result<u64> {
        let done = sqlx::query("DELETE FROM sessions WHERE expires_at <= $1")
            .bind(timestamp_text(Utc::now()))
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected())
    }

    /// Stores a new API token's hash for a user; audited (who got API access, when).
    pub async fn token_create(
        &self,
        author: Author<'_>,
        user: UserId,
        label: Option<&str>,
        token_hash: &str,
    ) -> Result<String> {
        let mut w = self.begin_write(author).await?;
        let id = self.token_create_in(&mut w, user, label, token_hash, None).await?;
        w.commit().await?;
        Ok(id)
    }

    /// Stores a new API token's hash in the caller's transaction, with the moment it expires
    /// (`None`: when revoked); returns the token's id.
    pub async fn token_create_in(
        &self,
        w: &mut WriteTx<'_>,
        user: UserId,
        label: Option<&str>,
        token_hash: &str,
        expires_at: Option<DateTime<Utc>>,
    ) -> Result<String> {
        let id = new_uuid().to_string();
        let expires = expires_at.map(timestamp_text);
        sqlx::query(
            "INSERT INTO api_tokens (id, user_id, label, token_hash, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(&id)
        .bind(user.to_string())
        .bind(label)
        .bind(token_hash)
        .bind(w.now_text())
        .bind(&expires)
        .execute(&mut *w.tx)
        .await?;
        let after = serde_json::json!({ "user_id": user, "label": label, "expires_at": expires });
        w.audit(accord_domain::audit::Change::create("api_token", &id, &after)).await?;
        Ok(id)
    }

    /// The user a live token belongs to (not revoked, not expired, its user not disabled);
    /// notes when the token was last used.
    pub async fn token_user(&self, token_hash: &str) -> Result<Option<UserAccount>> {
        let head = self.head().await?;
        let now = Utc::now();
        let (read_at, mut token, mut changed) = match self.cache.tokens.get(token_hash, head) {
            Some((read_at, token)) => (read_at, token, false),
            None => {
                let row = sqlx::query(
                    "SELECT u.id, u.login, u.display_name, u.role, u.side, u.organisation_id, u.locale, u.disabled, u.version, t.id AS token_id, \
                     t.last_used_at, t.expires_at FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND u.disabled = 0",
                )
                .bind(token_hash)
                .fetch_optional(&self.pool)
                .await?;
                let Some(row) = row else { return Ok(None) };
                let last_used: Option<String> = row.try_get("last_used_at")?;
                let expires: Option<String> = row.try_get("expires_at")?;
                let token = CachedToken {
                    token_id: row.try_get("token_id")?,
                    last_used_at: last_used.as_deref().map(parse_time).transpose()?,
                    expires_at: expires.as_deref().map(parse_time).transpose()?,
                    user: crate::directory::user_from_row_pub(&row)?,
                };
                (std::time::Instant::now(), token, true)
            }
        };
        if token.expires_at.is_some_and(|at| at <= now) {
            return Ok(None);
        }
        // "Last used" to the minute is enough; writing on every request would queue every API
        // call behind SQLite's single writer.
        if token.last_used_at.is_none_or(|at| now - at > Duration::seconds(60)) {
            sqlx::query("UPDATE api_tokens SET last_used_at = $1 WHERE id = $2")
                .bind(timestamp_text(now))
                .bind(&token.token_id)
                .execute(&self.pool)
                .await?;
            token.last_used_at = Some(now);
            changed = true;
        }
        let user = token.user.clone();
        if changed {
            self.cache.tokens.keep(token_hash, head, read_at, token);
        }
        Ok(Some(user))
    }

    pub async fn token_list(&self, user: UserId) -> Result<Vec<TokenInfo>> {
        let rows = sqlx::query(
            "SELECT id, label, created_at, last_used_at, expires_at FROM api_tokens WHERE user_id = $1 AND revoked_at IS NULL ORDER BY created_at",
        )
        .bind(user.to_string())
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| {
                let last: Option<String> = row.try_get("last_used_at")?;
                let expires: Option<String> = row.try_get("expires_at")?;
                Ok(TokenInfo {
                    id: row.try_get("id")?,
                    label: row.try_get("label")?,
                    created_at: parse_time(&row.try_get::<String, _>("created_at")?)?,
                    last_used_at: last.as_deref().map(parse_time).transpose()?,
                    expires_at: expires.as_deref().map(parse_time).transpose()?,
                })
            })
            .collect()
    }

    pub async fn token_revoke(&self, author: Author<'_>, user: UserId, token_id: &str) -> Result<()> {
        let mut w = self.begin_write(author).await?;
        self.token_revoke_in(&mut w, user, token_id).await?;
        w.commit().await
    }

    /// Revokes a live token of `user` in the caller's transaction (another user's token, or
    /// one already revoked, is not found).
    pub async fn token_revoke_in(&self, w: &mut WriteTx<'_>, user: UserId, token_id: &str) -> Result<()> {
        let done =
            sqlx::query("UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND user_id = $3 AND revoked_at IS NULL")
                .bind(w.now_text())
                .bind(token_id)
                .bind(user.to_string())
                .execute(&mut *w.tx)
                .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound { entity: "api_token" });
        }
        let before = serde_json::json!({ "user_id": user });
        w.audit(accord_domain::audit::Change::delete("api_token", token_id, &before)).await?;
        Ok(())
    }
}
