//! accord's benchmarks. Each one prints figures (times, rates, memory) beside the target the
//! project set for them; none passes or fails on a figure. A benchmark returns an error only
//! when it could not run (a bad argument, a store that already holds data, a server that did
//! not start). The `accord bench …` commands parse their flags and call these functions; the
//! library crates carry no benchmark code.
//!
//! - [`http`]: starts the real server (`accord serve`, a child process) on the demonstration
//!   data in a temporary folder; start-up time until `/healthz` answers, median/p95/p99 latency
//!   and requests/s of an HTML page, its JSON API and `/healthz`, resident memory idle and after
//!   the runs.
//! - [`plan`]: a generated plan (`accord demo --scale N`); the measures table (HTML and JSON)
//!   under concurrent load with wrk (or a built-in load generator when wrk is absent), the
//!   server's resident and peak memory, and the time of the plan's XLSX export and of its
//!   import into the same store and into a fresh one.
//! - [`briefing`]: the quarterly briefing pack (PDF) on the demo data, cold and warm (median),
//!   then with N generated measures added to the plan.
//! - [`fleet`]: the scale fleet (10,000 machines: ~5 M readings, ~500k work orders) bulk-loaded
//!   into SQLite (and PostgreSQL); the due list, a machine page's data and the year's readiness
//!   figures by model, each first read, warm and after a reading is added.
//! - [`trade`]: a generated template CSV imported with `accord import trade` in a child process
//!   (time, rows/s, peak memory: the command's own), the same file again, then trade summaries
//!   of several quarter ranges.
//! - [`logistics`]: the Pareto route search (prepare + search, median and minimum) on a
//!   synthetic grid with a shelf-life limit, and on the reference network; it can write both
//!   prepared graphs as JSON for `bench/logistics/pareto_reference.py`.
//! - [`hostile`]: the declared-range workbook, a one-line CSV of tens of megabytes and a JSON
//!   nested 100,000 deep through every import of the command line, the API and the plan
//!   import page; each answer's time and peak memory.
//! - [`recovery`]: imports of every kind killed part-way (none may leave a state between before
//!   and after), and backups taken under writes (each must restore and verify).
//!
//! The benchmarks that start `accord` as child processes (http, plan, trade) are given the
//! path of that binary: the CLI passes its own.

pub mod briefing;
pub mod fleet;
pub mod hostile;
pub mod http;
pub mod logistics;
pub mod measure;
pub mod plan;
pub mod recovery;
pub mod trade;

/// Why a benchmark could not run (it never fails on a figure).
#[derive(Debug, thiserror::Error)]
pub enum BenchError {
    /// A bad argument, or a target the person must change (e.g. a database that is not empty).
    #[error("{0}")]
    Input(String),
    /// Anything else that stopped the benchmark: a child process, the server, a file.
    #[error("{0}")]
    Failed(String),
    /// A use case refused; kept whole so that the CLI words it as it words every refusal.
    #[error(transparent)]
    App(#[from] accord_app::Error),
    /// The store failed (e.g. an unsupported database URL).
    #[error(transparent)]
    Store(#[from] accord_store::StoreError),
}

impl BenchError {
    pub(crate) fn failed(message: impl Into<String>) -> Self {
        BenchError::Failed(message.into())
    }

    /// `Failed` with any error's text, for `map_err`.
    pub(crate) fn other(e: impl std::fmt::Display) -> Self {
        BenchError::Failed(e.to_string())
    }
}

pub type Result<T, E = BenchError> = std::result::Result<T, E>;
