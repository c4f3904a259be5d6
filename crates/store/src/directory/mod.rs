//! The directory: organisations and people of both sides, and user accounts.
//!
//! Every write exists twice: `x(author, …)` opens, writes and commits its own transaction;
//! `x_in(&mut WriteTx, …)` writes inside the caller's (the application layer's use cases),
//! so that everything one action changes commits together or not at all. Each checks the
//! version the caller loaded (`StoreError::Conflict` when someone saved first).

mod organisations;
mod people;
mod users;

pub use organisations::{OrgFilter, OrgSort};
pub use people::{PersonFilter, PersonRow, PersonSort};
pub(crate) use users::user_from_row_pub;
pub use users::{NewUser, UserUpdate};

use crate::{Result, Store, StoreError, WriteTx};
use serde::Serialize;
use uuid::Uuid;

pub(crate) fn new_uuid() -> Uuid {
    Uuid::now_v7()
}

fn check_version(entity: &'static str, current: i64, expected: i64) -> Result<()> {
    if current == expected { Ok(()) } else { Err(StoreError::Conflict { entity, current }) }
}

/// The refusal when a write `… WHERE id = $1 AND version = $n` touched no row: another process
/// saved the record between this transaction's read of it and its write (on PostgreSQL both
/// may read the same version; the row lock makes the second writer see the first's change).
async fn lost_race(w: &mut WriteTx<'_>, table: &str, entity: &'static str, id: &str) -> StoreError {
    let current: Result<Option<(i64,)>, sqlx::Error> =
        sqlx::query_as(&format!("SELECT version FROM {table} WHERE id = $1")).bind(id).fetch_optional(&mut *w.tx).await;
    match current {
        Ok(Some((current,))) => StoreError::Conflict { entity, current },
        Ok(None) => StoreError::NotFound { entity },
        Err(e) => e.into(),
    }
}

/// Head counts of the directory, for the home page.
#[derive(Debug, Clone, Default, Serialize)]
pub struct DirectoryCounts {
    pub organisations_by: i64,
    pub organisations_khv: i64,
    pub people: i64,
    pub users: i64,
}

impl Store {
    pub async fn directory_counts(&self) -> Result<DirectoryCounts> {
        let sides: Vec<(String, i64)> =
            sqlx::query_as("SELECT side, COUNT(*) FROM organisations GROUP BY side").fetch_all(&self.pool).await?;
        let (people,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM people").fetch_one(&self.pool).await?;
        let (users,): (i64,) =
            sqlx::query_as("SELECT COUNT(*) FROM users WHERE disabled = 0").fetch_one(&self.pool).await?;
        let count = |code: &str| sides.iter().find(|(s, _)| s == code).map_or(0, |(_, n)| *n);
        Ok(DirectoryCounts { organisations_by: count("BY"), organisations_khv: count("KHV"), people, users })
    }
}
