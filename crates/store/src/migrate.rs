//! Embedded migrations, applied in order, each in its own transaction.
//!
//! A migration is one SQL file: shared by both backends when the SQL is portable, or one
//! file per backend where the dialects differ.

use crate::{Backend, Result, Store, StoreError};
use accord_domain::audit::timestamp_text;
use chrono::Utc;

struct Migration {
    version: i64,
    name: &'static str,
    sqlite: &'static str,
    postgres: &'static str,
}

macro_rules! common {
    ($version:expr, $name:literal) => {
        Migration {
            version: $version,
            name: $name,
            sqlite: include_str!(concat!("../migrations/common/", $name, ".sql")),
            postgres: include_str!(concat!("../migrations/common/", $name, ".sql")),
        }
    };
}

macro_rules! per_backend {
    ($version:expr, $name:literal) => {
        Migration {
            version: $version,
            name: $name,
            sqlite: include_str!(concat!("../migrations/sqlite/", $name, ".sql")),
            postgres: include_str!(concat!("../migrations/postgres/", $name, ".sql")),
        }
    };
}

const MIGRATIONS: &[Migration] = &[
    common!(1, "0001_directory"),
    per_backend!(2, "0002_audit_append_only"),
    common!(3, "0003_plan"),
    common!(4, "0004_organisation_review"),
    common!(5, "0005_attachments"),
    common!(6, "0006_versions"),
    common!(7, "0007_measure_indexes"),
    common!(8, "0008_measure_children"),
    common!(9, "0009_trade"),
    common!(10, "0010_logistics"),
    common!(12, "0012_review"),
    common!(11, "0011_fleet"),
    common!(13, "0013_fleet_more"),
    common!(14, "0014_review_more"),
    common!(15, "0015_logistics_indicators"),
    common!(16, "0016_fleet_touches"),
    common!(17, "0017_amendment_kinds"),
    common!(18, "0018_review_versions"),
    common!(19, "0019_fleet_regime_versions"),
    common!(20, "0020_token_expiry"),
    per_backend!(21, "0021_work_order_closed_at"),
];

/// A migration that `migrate` applied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppliedMigration {
    pub version: i64,
    pub name: &'static str,
}

impl Store {
    /// Applies every pending migration and returns those it applied, in order.
    pub async fn migrate(&self) -> Result<Vec<AppliedMigration>> {
        let _guard = self.write_lock.lock().await;
        sqlx::query(
            "CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)",
        )
        .execute(&self.pool)
        .await?;
        let applied: Vec<(i64,)> =
            sqlx::query_as("SELECT version FROM schema_migrations").fetch_all(&self.pool).await?;
        let mut done = Vec::new();
        for migration in MIGRATIONS {
            if applied.iter().any(|(v,)| *v == migration.version) {
                continue;
            }
            let sql = match self.backend {
                Backend::Sqlite => migration.sqlite,
                Backend::Postgres => migration.postgres,
            };
            let fail = |source| StoreError::Migration { version: migration.version, name: migration.name, source };
            let mut tx = self.pool.begin().await.map_err(fail)?;
            sqlx::raw_sql(sql).execute(&mut *tx).await.map_err(fail)?;
            sqlx::query("INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)")
                .bind(migration.version)
                .bind(migration.name)
                .bind(timestamp_text(Utc::now()))
                .execute(&mut *tx)
                .await
                .map_err(fail)?;
            tx.commit().await.map_err(fail)?;
            done.push(AppliedMigration { version: migration.version, name: migration.name });
        }
        Ok(done)
    }
}
