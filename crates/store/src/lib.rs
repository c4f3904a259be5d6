//! accord's storage: one SQL text per query for both SQLite (the embedded default) and
//! PostgreSQL (multi-user deployments).
//!
//! Queries are written once in portable SQL with `$1`-style placeholders (which SQLite
//! understands too) and run through sqlx's `Any` driver. Where the dialects really differ
//! (triggers), the migration has one file per backend. Every write that belongs together is
//! one transaction that also appends its audit entries.

mod audit;
mod backup;
mod cache;
mod directory;
mod files;
mod fleet;
mod logistics;
mod migrate;
mod plan;
mod review;
mod sections;
mod session;
#[doc(hidden)]
pub mod testing;
mod trade;
mod versions;

pub use audit::{AuditFilter, VerifyReport};
pub use backup::{Cell, Restore, SnapshotInfo};
pub use cache::RECHECK as CACHE_RECHECK;
pub use directory::{DirectoryCounts, NewUser, OrgFilter, OrgSort, PersonFilter, PersonRow, PersonSort, UserUpdate};
pub use files::Attachment;
pub use fleet::{
    AssemblyEventRow, AssemblyRow, BulkMachine, BulkOutcome, DueState, FleetBulk, FleetFile, FleetHistories,
    FleetImportOutcome, FleetSnapshot, HistoryData, KpiTable, LABOUR_RATE_KOPECKS, MovementRow, NewMachine, NewReading,
    NewShipment, PartIssue, PartRecord, QuarterFigures, ReadingRow, ReservationRow, ShipmentId, ShipmentRow, StockRow,
    StoredMachine, StoredWorkOrder, USAGE_WINDOW_DAYS, WarrantyRow, WorkOrderFilter, WorkOrderRow, brand_code,
    machine_kpi, refused, status_code,
};
pub use logistics::{
    LogisticsFile, LogisticsImportOutcome, LogisticsItem, LogisticsKind, LogisticsRecords, PlanningRates, RATES_KEY,
    RecordedFigures, StoredLogisticsItem,
};
pub use migrate::AppliedMigration;
pub use plan::{ImportCounts, MeasureFilter, MeasureSort, NewAgreement};
pub use review::{
    PackCounts, PackMeasure, PackReport, PeriodStep, ReportEvidence, ReportStep, ReviewPackData, ReviewRefusal,
    StoredReport, default_meeting_date,
};
pub use session::{SessionUser, TokenInfo};
pub use trade::{
    MirrorKey, MirrorVerdict, RatesOutcome, StoredGroup, TradeData, TradeFile, TradeImportInfo, TradeImportOutcome,
    TradeSourceInfo,
};
pub use versions::{Amendment, PlanVersion, Proposal};

use accord_domain::Side;
use accord_domain::audit::{Change, timestamp_text};
use accord_domain::validation::{Invalid, Reason};
use chrono::{DateTime, Utc};
use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{AnyPool, Executor};
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{Mutex, MutexGuard};

/// Which database a store runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn name(self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    #[error("{entity} not found")]
    NotFound { entity: &'static str },
    #[error("{entity} was changed by someone else (now at version {current}); reload and try again")]
    Conflict { entity: &'static str, current: i64 },
    #[error("{entity} is still referenced by {by} and cannot be deleted")]
    InUse { entity: &'static str, by: &'static str },
    #[error(transparent)]
    Invalid(#[from] Invalid),
    #[error("unsupported database URL {0:?}: use sqlite://PATH or postgres://…")]
    UnsupportedUrl(String),
    #[error("migration {version} ({name}) failed: {source}")]
    Migration { version: i64, name: &'static str, source: sqlx::Error },
    /// A fleet rule refused the change: `key` is the domain's error key (`fleet.error.vin_taken`),
    /// `subject` the machine, order or part, `field` and `value` what was refused.
    #[error("{message}")]
    Refused { key: &'static str, field: &'static str, subject: String, value: String, message: String },
    #[error("stored data is not valid: {0}")]
    Corrupt(String),
    /// `detail` says in which currency, as stored and as given, and in which file.
    #[error("the rate of {currency} on {date} differs from the one stored ({detail}); nothing was imported")]
    RateConflict { date: String, currency: String, detail: String },
    /// A proposal to change a signed measure already waits for the other side (its id, when known).
    #[error("a change of this measure already awaits the other side's decision")]
    AmendmentPending { amendment: String },
    /// The review rules refused a change (a closed period, a second key of the same side...).
    #[error(transparent)]
    Review(#[from] review::ReviewRefusal),
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// Who makes a change, for the audit log.
#[derive(Debug, Clone, Copy)]
pub struct Author<'a> {
    /// The login; `None` for the system itself (demo load).
    pub login: Option<&'a str>,
}

impl Author<'static> {
    pub const SYSTEM: Author<'static> = Author { login: None };
}

impl<'a> Author<'a> {
    pub fn user(login: &'a str) -> Self {
        Author { login: Some(login) }
    }
}

/// A handle on the database. Cheap to clone.
#[derive(Clone)]
pub struct Store {
    pool: AnyPool,
    backend: Backend,
    origin: Side,
    /// Where uploaded files are kept (`DIR/files`); `None` when files are not configured.
    files_dir: Option<std::path::PathBuf>,
    /// What most pages read, kept until the next write (see `cache`).
    cache: Arc<cache::Caches>,
    /// Serialises writers inside this process: SQLite allows one writer at a time and a
    /// deferred transaction that upgrades to a writer can fail instead of waiting.
    write_lock: Arc<Mutex<()>>,
}

/// A write transaction holding the process-wide write lock until it commits or drops.
///
/// The application layer opens one per use case ([`Store::begin_write`]) and passes it to the
/// store's `…_in` methods, so that everything one action changes commits together or not at
/// all. While holding it, call only methods that take it: a method that opens its own write
/// transaction would wait for this one's lock forever. Reads through the pool see the state
/// before this transaction.
pub struct WriteTx<'s> {
    pub(crate) tx: sqlx::Transaction<'static, sqlx::Any>,
    pub(crate) now: DateTime<Utc>,
    author: Author<'s>,
    origin: Side,
    pending: Vec<Change>,
    backend: Backend,
    /// Fleet machines whose cached rows this write changes (see `cache`).
    fleet_touched: cache::FleetTouch,
    cache: &'s cache::Caches,
    _guard: MutexGuard<'s, ()>,
}

impl WriteTx<'_> {
    /// Queues an audit entry; the queue is written, chained, just before the commit.
    pub async fn audit(&mut self, change: Change) -> Result<()> {
        self.pending.push(change);
        Ok(())
    }
    /// Marks a fleet machine's cached rows (register entry, meters now, open orders, history)
    /// as changed by this write.
    pub fn touch_machine(&mut self, machine: accord_domain::MachineId) {
        self.fleet_touched.machine(machine);
    }
    /// Marks the whole fleet's cached rows (catalog, bulk loads) as changed by this write.
    pub fn touch_fleet(&mut self) {
        self.fleet_touched = cache::FleetTouch::Everything;
    }
    /// The placeholder of the `n`-th parameter (from 1) of a statement whose parameters appear
    /// in order, each once. SQLite gets an anonymous `?`: sqlx looks each numbered one up by
    /// name, which is quadratic in the number of parameters of a multi-row INSERT.
    pub fn param(&self, n: usize) -> String {
        match self.backend {
            Backend::Sqlite => "?".to_string(),
            Backend::Postgres => format!("${n}"),
        }
    }
    pub async fn commit(mut self) -> Result<()> {
        let pending = std::mem::take(&mut self.pending);
        let head = audit::append_all(&mut self.tx, self.author, self.origin, self.now, pending).await?;
        if let Some(head) = head {
            cache::record_fleet_touches(&mut self.tx, head, &self.fleet_touched).await?;
        }
        self.tx.commit().await?;
        if let Some(head) = head {
            self.cache.note_head(head);
        }
        Ok(())
    }
    /// The time of this transaction, the same for every row and audit entry it writes.
    pub fn now(&self) -> DateTime<Utc> {
        self.now
    }
    pub fn now_text(&self) -> String {
        timestamp_text(self.now)
    }
    pub fn author_login(&self) -> Option<String> {
        self.author.login.map(str::to_string)
    }
    pub fn origin_code(&self) -> &'static str {
        self.origin.code()
    }
}

impl Store {
    /// Opens (and for SQLite creates) the database at `url`: `sqlite://PATH` or `postgres://…`.
    pub async fn open(url: &str, origin: Side) -> Result<Store> {
        sqlx::any::install_default_drivers();
        let backend = if url.starts_with("sqlite:") {
            Backend::Sqlite
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Backend::Postgres
        } else {
            return Err(StoreError::UnsupportedUrl(url.to_string()));
        };
        let url = match backend {
            Backend::Sqlite if !url.contains('?') => format!("{url}?mode=rwc"),
            _ => url.to_string(),
        };
        let options = AnyConnectOptions::from_str(&url)?;
        let pool = match backend {
            Backend::Sqlite => {
                AnyPoolOptions::new()
                    // Writers are serialised anyway; a few readers keep memory (a page cache each) low.
                    .max_connections(4)
                    .after_connect(|conn, _meta| {
                        Box::pin(async move {
                            conn.execute(
                                "PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 10000; PRAGMA synchronous = NORMAL;",
                            )
                            .await?;
                            Ok(())
                        })
                    })
                    .connect_with(options)
                    .await?
            }
            Backend::Postgres => {
                AnyPoolOptions::new()
                    .max_connections(16)
                    .acquire_timeout(Duration::from_secs(10))
                    .connect_with(options)
                    .await?
            }
        };
        if backend == Backend::Sqlite {
            // WAL is a property of the file: set once, kept by every later connection.
            sqlx::query("PRAGMA journal_mode = WAL").execute(&pool).await?;
        }
        Ok(Store {
            pool,
            backend,
            origin,
            files_dir: None,
            cache: Arc::new(cache::Caches::new()),
            write_lock: Arc::new(Mutex::new(())),
        })
    }

    /// Keeps uploaded files in `dir` (created when first needed).
    pub fn with_files_dir(mut self, dir: std::path::PathBuf) -> Store {
        self.files_dir = Some(dir);
        self
    }

    /// Where uploaded files are kept, when configured (its parent is the data folder).
    pub fn files_dir(&self) -> Option<&std::path::Path> {
        self.files_dir.as_deref()
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    pub fn origin(&self) -> Side {
        self.origin
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }

    /// Answers whether the database responds.
    pub async fn ping(&self) -> Result<()> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    /// Opens a write transaction for `author` (see [`WriteTx`]).
    pub async fn begin_write<'s>(&'s self, author: Author<'s>) -> Result<WriteTx<'s>> {
        let guard = self.write_lock.lock().await;
        // SQLite: take the write lock at BEGIN. A deferred transaction that reads first and then
        // writes gets SQLITE_BUSY at once (no busy wait) while another connection, e.g. one
        // whose failed transaction's rollback is still queued, holds the write lock.
        let tx = match self.backend {
            Backend::Sqlite => self.pool.begin_with("BEGIN IMMEDIATE").await?,
            Backend::Postgres => self.pool.begin().await?,
        };
        Ok(WriteTx {
            tx,
            now: Utc::now(),
            author,
            origin: self.origin,
            pending: Vec::new(),
            backend: self.backend,
            fleet_touched: cache::FleetTouch::default(),
            cache: &self.cache,
            _guard: guard,
        })
    }

    /// True when no organisation and no user exists yet.
    pub async fn is_empty(&self) -> Result<bool> {
        let (orgs,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM organisations").fetch_one(&self.pool).await?;
        let (users,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM users").fetch_one(&self.pool).await?;
        Ok(orgs == 0 && users == 0)
    }
}

/// One page of a list.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub total: i64,
    pub page: i64,
    pub per_page: i64,
}

impl<T> Page<T> {
    pub fn pages(&self) -> i64 {
        let per_page = self.per_page.max(1);
        (self.total.max(0).saturating_add(per_page - 1) / per_page).max(1)
    }
}

/// Page number and size, clamped to sane bounds.
#[derive(Debug, Clone, Copy)]
pub struct Paging {
    pub page: i64,
    pub per_page: i64,
}

impl Default for Paging {
    fn default() -> Self {
        Paging { page: 1, per_page: 25 }
    }
}

impl Paging {
    /// The highest page number asked for: a larger one (`page=9223372036854775807`) is read as
    /// this, which lies past the end of any list and so gives an empty page, never an overflow.
    pub const MAX_PAGE: i64 = 1_000_000_000;

    /// 25 a page unless asked otherwise, at most 200.
    pub fn new(page: Option<i64>, per_page: Option<i64>) -> Self {
        Self::within(page, per_page, 25, 200)
    }

    /// Page `page` (from 1, at most [`Self::MAX_PAGE`]) of `per_page` rows (`default_per_page`
    /// when not given, from 1 to `max_per_page`).
    pub fn within(page: Option<i64>, per_page: Option<i64>, default_per_page: i64, max_per_page: i64) -> Self {
        Paging {
            page: page.unwrap_or(1).clamp(1, Self::MAX_PAGE),
            per_page: per_page.unwrap_or(default_per_page).clamp(1, max_per_page.max(1)),
        }
    }

    /// The rows before this page: never negative and never overflowing, whatever the fields
    /// hold (they are public, so a caller may have set them without [`Self::new`]).
    pub fn offset(self) -> i64 {
        (self.page.clamp(1, Self::MAX_PAGE) - 1).saturating_mul(self.per_page.max(0))
    }
}

/// Maps a unique-constraint violation on one of `columns` to a field error.
pub(crate) fn unique_violation(err: sqlx::Error, columns: &[(&str, &'static str)]) -> StoreError {
    if let sqlx::Error::Database(db) = &err
        && db.is_unique_violation()
    {
        let message = db.message().to_string();
        let constraint = db.constraint().unwrap_or_default().to_string();
        for (column, field) in columns {
            if message.contains(column) || constraint.contains(column) {
                return StoreError::Invalid(Invalid::one(field, Reason::NotUnique));
            }
        }
    }
    StoreError::Database(err)
}

pub(crate) fn parse_time(text: &str) -> Result<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(text)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| StoreError::Corrupt(format!("timestamp {text:?}: {e}")))
}

pub(crate) fn corrupt<E: std::fmt::Display>(what: &str) -> impl FnOnce(E) -> StoreError + '_ {
    move |e| StoreError::Corrupt(format!("{what}: {e}"))
}

impl Store {
    /// A fact about this instance, e.g. `demo`.
    pub async fn meta(&self, key: &str) -> Result<Option<String>> {
        let value: Option<(String,)> = sqlx::query_as("SELECT value FROM instance_meta WHERE key = $1")
            .bind(key)
            .fetch_optional(&self.pool)
            .await?;
        Ok(value.map(|(v,)| v))
    }

    pub async fn set_meta(&self, key: &str, value: &str) -> Result<()> {
        let _guard = self.write_lock.lock().await;
        sqlx::query(
            "INSERT INTO instance_meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = $2",
        )
        .bind(key)
        .bind(value)
        .execute(&self.pool)
        .await?;
        Ok(())
    }
}

#[cfg(test)]
mod paging_tests {
    use super::Paging;

    #[test]
    fn huge_and_negative_pages_are_clamped() {
        let huge = Paging::new(Some(i64::MAX), Some(i64::MAX));
        assert_eq!((huge.page, huge.per_page), (Paging::MAX_PAGE, 200));
        assert_eq!(huge.offset(), (Paging::MAX_PAGE - 1) * 200);
        let low = Paging::new(Some(i64::MIN), Some(-5));
        assert_eq!((low.page, low.per_page, low.offset()), (1, 1, 0));
        assert_eq!(Paging::new(Some(3), Some(10)).offset(), 20);
        assert_eq!(Paging::within(None, None, 50, 500).per_page, 50);
        assert_eq!(Paging::within(Some(2), Some(10_000), 50, 500).per_page, 500);
        // Fields set by hand cannot overflow the offset either.
        assert_eq!(Paging { page: i64::MAX, per_page: i64::MAX }.offset(), i64::MAX);
        assert_eq!(Paging { page: i64::MIN, per_page: 10 }.offset(), 0);
        assert!(Paging { page: 2, per_page: -3 }.offset() >= 0);
    }

    #[test]
    fn page_count_never_overflows() {
        let page = super::Page::<()> { items: vec![], total: i64::MAX, page: 1, per_page: 200 };
        assert!(page.pages() > 1);
        let page = super::Page::<()> { items: vec![], total: 0, page: 1, per_page: 0 };
        assert_eq!(page.pages(), 1);
    }
}
