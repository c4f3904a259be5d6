//! Helpers for tests that must break what the product protects (the audit log's
//! append-only rule) to show that verification notices. Not for product code.

use crate::{Backend, Result, Store};

impl Store {
    /// Rewrites one audit entry's reason behind the triggers' back, as an attacker with
    /// direct database access could.
    #[doc(hidden)]
    pub async fn testing_tamper_audit_reason(&self, seq: i64, reason: &str) -> Result<()> {
        let mut tx = self.pool.begin().await?;
        let (disable, enable) = match self.backend {
            Backend::Sqlite => ("DROP TRIGGER audit_log_no_update", None),
            Backend::Postgres => (
                "ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update",
                Some("ALTER TABLE audit_log ENABLE TRIGGER audit_log_no_update"),
            ),
        };
        sqlx::query(disable).execute(&mut *tx).await?;
        sqlx::query("UPDATE audit_log SET reason = $1 WHERE seq = $2").bind(reason).bind(seq).execute(&mut *tx).await?;
        if let Some(enable) = enable {
            sqlx::query(enable).execute(&mut *tx).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// The same database seen by a second process: its own caches and its own write lock,
    /// as a CLI import next to a running server, or a second server on PostgreSQL, has.
    #[doc(hidden)]
    pub fn testing_another_process(&self) -> Store {
        Store {
            cache: std::sync::Arc::new(crate::cache::Caches::new()),
            write_lock: std::sync::Arc::new(tokio::sync::Mutex::new(())),
            ..self.clone()
        }
    }

    /// Tries an ordinary UPDATE of the audit log; the database must refuse it.
    #[doc(hidden)]
    pub async fn testing_try_edit_audit(&self, seq: i64) -> Result<()> {
        sqlx::query("UPDATE audit_log SET reason = 'x' WHERE seq = $1").bind(seq).execute(&self.pool).await?;
        Ok(())
    }
}

/// The backends a store test runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TestBackend {
    Sqlite,
    Postgres,
}

/// A fresh, empty, migrated store for one test: a temporary SQLite file, or a new
/// PostgreSQL database on the server named by `ACCORD_TEST_POSTGRES_URL`.
pub struct TestStore {
    pub store: Store,
    pub url: String,
    temp_dir: Option<std::path::PathBuf>,
    postgres: Option<(String, String)>,
}

/// Whether absent test tools must fail the run instead of being skipped.
pub fn require_all_tests() -> bool {
    std::env::var("ACCORD_REQUIRE_ALL_TESTS").is_ok_and(|v| v == "1")
}

/// Says once per test process that a tool is missing, or fails when it must be present.
pub fn skip_or_fail(what: &str, how_to_enable: &str) {
    static SAID: std::sync::Mutex<Vec<String>> = std::sync::Mutex::new(Vec::new());
    assert!(!require_all_tests(), "{what} is required (ACCORD_REQUIRE_ALL_TESTS=1) but not available: {how_to_enable}");
    let mut said = SAID.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    if !said.iter().any(|s| s == what) {
        eprintln!("skipped: {what} ({how_to_enable})");
        said.push(what.to_string());
    }
}

impl TestStore {
    /// `None` when the backend is not available here (and that is allowed).
    pub async fn new(backend: TestBackend) -> Option<TestStore> {
        match backend {
            TestBackend::Sqlite => {
                let dir = std::env::temp_dir().join(format!("accord-test-{}", uuid::Uuid::now_v7()));
                std::fs::create_dir_all(&dir).expect("temporary directory");
                let url = format!("sqlite://{}", dir.join("accord.db").display());
                let store = Store::open(&url, accord_domain::Side::By)
                    .await
                    .expect("open SQLite")
                    .with_files_dir(dir.join("files"));
                store.migrate().await.expect("migrate SQLite");
                Some(TestStore { store, url, temp_dir: Some(dir), postgres: None })
            }
            TestBackend::Postgres => {
                let Ok(admin_url) = std::env::var("ACCORD_TEST_POSTGRES_URL") else {
                    skip_or_fail("PostgreSQL", "set ACCORD_TEST_POSTGRES_URL to run these tests on PostgreSQL");
                    return None;
                };
                let name = format!("accord_test_{}", uuid::Uuid::now_v7().simple());
                let admin = Store::open(&admin_url, accord_domain::Side::By).await.expect("connect to PostgreSQL");
                sqlx::query(&format!("CREATE DATABASE {name}"))
                    .execute(&admin.pool)
                    .await
                    .expect("create test database");
                admin.close().await;
                let url = with_database(&admin_url, &name);
                let files = std::env::temp_dir().join(format!("accord-test-files-{}", uuid::Uuid::now_v7()));
                let store = Store::open(&url, accord_domain::Side::By)
                    .await
                    .expect("open PostgreSQL")
                    .with_files_dir(files.clone());
                store.migrate().await.expect("migrate PostgreSQL");
                Some(TestStore { store, url, temp_dir: Some(files), postgres: Some((admin_url, name)) })
            }
        }
    }

    /// Removes the database. Skipped when a test fails, so its data stays to look at.
    pub async fn cleanup(self) {
        self.store.close().await;
        if let Some(dir) = self.temp_dir {
            let _ = std::fs::remove_dir_all(dir);
        }
        if let Some((admin_url, name)) = self.postgres
            && let Ok(admin) = Store::open(&admin_url, accord_domain::Side::By).await
        {
            let _ = sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).execute(&admin.pool).await;
            admin.close().await;
        }
    }
}

/// The same server URL with another database name.
fn with_database(url: &str, database: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((base, query)) => (base, Some(query)),
        None => (url, None),
    };
    let authority_end = base.find("://").map_or(0, |i| i + 3);
    let server = match base[authority_end..].find('/') {
        Some(slash) => &base[..authority_end + slash],
        None => base,
    };
    match query {
        Some(query) => format!("{server}/{database}?{query}"),
        None => format!("{server}/{database}"),
    }
}

impl Store {
    /// Makes measures look as if written before their rows kept executors and tags as JSON.
    #[doc(hidden)]
    pub async fn testing_forget_measure_children(&self) -> Result<()> {
        sqlx::query("UPDATE measures SET children = NULL").execute(&self.pool).await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn replaces_the_database_name() {
        assert_eq!(
            super::with_database("postgres://u:p@127.0.0.1:5432/postgres?sslmode=disable", "t1"),
            "postgres://u:p@127.0.0.1:5432/t1?sslmode=disable"
        );
        assert_eq!(super::with_database("postgres://localhost", "t2"), "postgres://localhost/t2");
    }
}
