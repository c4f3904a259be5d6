//! `accord`: the one binary. Wires the store, the web server and the commands together;
//! holds no business logic of its own.

mod commands;
mod error;
mod fleet;
mod instance;
mod logistics;
mod report;
mod review;
mod trade;

use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(name = "accord", version, about = "Runs an interregional cooperation agreement from signature to results")]
pub struct Cli {
    /// Data folder: the SQLite file (accord.db) and uploaded files (files/).
    #[arg(long, global = true, env = "ACCORD_DATA", default_value = "./accord-data")]
    pub data: PathBuf,
    /// Database URL: postgres://USER:PASS@HOST/DB (multi-user) or sqlite://PATH. Default: SQLite in --data.
    #[arg(long, global = true, env = "ACCORD_DATABASE_URL")]
    pub database: Option<String>,
    /// The side this instance belongs to (BY or KHV); recorded as the origin of every record.
    #[arg(long, global = true, env = "ACCORD_ORIGIN", default_value = "BY")]
    pub origin: String,
    /// Less output (warnings and errors only).
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    pub quiet: bool,
    /// More output (debug logging).
    #[arg(short, long, global = true)]
    pub verbose: bool,
    /// Act as this user (a login): commands that change data obey that user's rules and are
    /// audited as that user. Without it a command acts as the instance's operator, with an
    /// administrator's rights (which never change a signed plan's text).
    #[arg(long = "as", global = true, env = "ACCORD_AS", value_name = "LOGIN")]
    pub acting: Option<String>,
    /// Language of reports and of the problems found in imported files: ru (default) or en.
    #[arg(long, global = true, env = "ACCORD_LANG", default_value = "ru", value_parser = ["ru", "en"])]
    pub lang: String,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand)]
pub enum Command {
    /// Migrate the store, then serve the web UI and JSON API until Ctrl-C or SIGTERM.
    Serve {
        /// Address to listen on (port 0 picks a free port).
        #[arg(long, env = "ACCORD_ADDR", default_value = "127.0.0.1:8080")]
        addr: String,
        /// Run the demo: load the demonstration data first if the store is empty, accept the
        /// demo accounts' published passwords (only on a store that holds the demo) and print them.
        #[arg(long)]
        demo: bool,
        /// A reverse proxy in front sets X-Forwarded-For: throttle sign-ins by the address it
        /// names, not the proxy's.
        #[arg(long, env = "ACCORD_TRUST_PROXY")]
        trust_proxy: bool,
    },
    /// Apply pending migrations and print what was applied.
    Migrate,
    /// A consistent copy of the whole instance (every table as of one moment, and the uploaded
    /// files) in one archive with a manifest and checksums; safe while the server writes.
    Backup {
        /// The archive to write (written under a temporary name, renamed when complete).
        #[arg(long)]
        out: PathBuf,
    },
    /// Restore a backup into an empty data folder or database, then verify the audit chain.
    Restore {
        /// The archive `accord backup` wrote.
        file: PathBuf,
        /// For a SQLite data folder that holds data: keep that data aside (renamed), then restore.
        #[arg(long)]
        force: bool,
    },
    /// Manage user accounts.
    #[command(subcommand)]
    User(UserCommand),
    /// Load the demonstration data into an empty store.
    Demo {
        /// Add the demo data to a store that already holds data (only what is missing; never the
        /// demo accounts to a store with accounts of its own).
        #[arg(long)]
        force: bool,
        /// Then add N generated measures (with indicators, quarterly actuals and some history)
        /// to the demo plan, for benchmarks: N = 10000 gives about 50,000 indicator values.
        #[arg(long, value_name = "N")]
        scale: Option<usize>,
    },
    /// The audit log.
    #[command(subcommand)]
    Audit(AuditCommand),
    /// Read a plan from a file into the store.
    #[command(subcommand)]
    Import(ImportCommand),
    /// Write a plan out to a file.
    #[command(subcommand)]
    Export(ExportCommand),
    /// Trade figures: summaries, and a generator of template files for benchmarks.
    #[command(subcommand)]
    Trade(TradeCommand),
    /// Logistics: Pareto routes between two nodes, a chain's landed cost with its what-ifs.
    #[command(subcommand)]
    Logistics(LogisticsCommand),
    /// Benchmarks that print figures (never pass/fail).
    #[command(subcommand)]
    Bench(BenchCommand),
    /// Documents: the quarterly briefing pack.
    #[command(subcommand)]
    Report(ReportCommand),
    /// The service centre's fleet: readiness figures and the due list.
    #[command(subcommand)]
    Fleet(FleetCommand),
    /// List the organisations that have not handed in every report of a quarter by its
    /// deadline and remind them: one .eml per organisation in DATA/outbox, or by plain SMTP.
    Remind {
        /// The quarter, e.g. 2026Q3.
        #[arg(long)]
        quarter: String,
        /// Send through this server (smtp://host:port, no TLS) instead of writing the outbox.
        #[arg(long, value_name = "URL")]
        smtp: Option<String>,
        /// The day the deadline is judged against (default: today), YYYY-MM-DD.
        #[arg(long)]
        today: Option<String>,
    },
    /// The review meeting.
    #[command(subcommand)]
    Meeting(MeetingCommand),
    /// Reporting periods: close (locks) and reopen (a coordinator with a reason).
    #[command(subcommand)]
    Review(ReviewCommand),
}

#[derive(Subcommand)]
pub enum FleetCommand {
    /// Readiness figures (КТГ, КВ, MTBF, MTTR, on-time services) over [--from, --to).
    Kpi {
        /// First day of the period (YYYY-MM-DD).
        #[arg(long)]
        from: String,
        /// First day AFTER the period (YYYY-MM-DD): 2024-01-01..2025-01-01 is the year 2024.
        #[arg(long)]
        to: String,
        /// machine, model, brand or owner (default model).
        #[arg(long)]
        by: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// The due list of preventive services, overdue first.
    Due {
        /// The day the list is drawn up for (YYYY-MM-DD; default the fleet's today).
        #[arg(long)]
        today: Option<String>,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand)]
pub enum MeetingCommand {
    /// Write the quarter's meeting as an iCalendar invitation.
    Ics {
        #[arg(long)]
        quarter: String,
        #[arg(long)]
        out: PathBuf,
    },
}

#[derive(Subcommand)]
pub enum ReviewCommand {
    /// Close a quarter's period (a snapshot of the plan is kept); its reports are then locked.
    Close {
        #[arg(long)]
        quarter: String,
    },
    /// Reopen a closed period: a coordinator's act (`--as LOGIN`) with a reason, audited.
    Reopen {
        #[arg(long)]
        quarter: String,
        #[arg(long)]
        reason: String,
    },
}

#[derive(Subcommand)]
pub enum ReportCommand {
    /// The briefing pack for a quarter's videoconference, in the language of --lang.
    Quarterly {
        /// The quarter, e.g. 2025Q3 (one of the plan's).
        #[arg(long)]
        quarter: String,
        #[arg(long, default_value = "pdf", value_parser = ["pdf", "xlsx", "html"])]
        format: String,
        /// Where to write the file.
        #[arg(long)]
        out: PathBuf,
    },
}

#[derive(Subcommand)]
pub enum LogisticsCommand {
    /// Every Pareto-optimal route (landed cost, days) for a product, or why there is none.
    Routes {
        /// Origin: a node code or its Russian or English name, any case.
        #[arg(long)]
        from: String,
        /// Destination: a node code or name.
        #[arg(long)]
        to: String,
        /// A product key, a TN VED code prefix (0303) or a name.
        #[arg(long)]
        product: String,
        /// Shipping date, YYYY-MM-DD (default today): seasonal legs depend on it.
        #[arg(long)]
        date: Option<String>,
        /// At most this many legs.
        #[arg(long)]
        max_legs: Option<u32>,
        #[arg(long, value_parser = ["USD", "RUB", "BYN"])]
        currency: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// A chain's landed cost, line by line, and its what-ifs.
    Chain {
        key: String,
        #[arg(long, value_parser = ["USD", "RUB", "BYN"])]
        currency: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// The plan indicators chains measure: each chain's figure now and the last recorded one.
    Indicators {
        #[arg(long)]
        json: bool,
    },
    /// Records every chain-measured indicator's figure as its actual for a quarter (all or
    /// nothing; refused for a closed quarter).
    Record {
        /// The quarter, e.g. 2026Q3.
        #[arg(long)]
        quarter: String,
        /// Compute and show the figures, write nothing.
        #[arg(long)]
        dry_run: bool,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand)]
pub enum UserCommand {
    /// Create a user; the password is read from standard input.
    Add {
        #[arg(long)]
        login: String,
        #[arg(long)]
        name: String,
        /// admin, coordinator, executor or observer.
        #[arg(long)]
        role: String,
        /// BY or KHV (required for a coordinator).
        #[arg(long)]
        side: Option<String>,
        /// Organisation code (required for an executor).
        #[arg(long)]
        org: Option<String>,
        /// Interface language: ru (default) or en.
        #[arg(long)]
        locale: Option<String>,
        /// Read the password from standard input (the only way to give one).
        #[arg(long, required = true)]
        password_stdin: bool,
    },
    /// List users.
    List,
    /// Set a new password (read from standard input); ends the user's sessions.
    Passwd {
        login: String,
        #[arg(long, required = true)]
        password_stdin: bool,
    },
    /// Print a new API token for the user (only the token, once; only its hash is kept).
    Token {
        login: String,
        #[arg(long)]
        label: Option<String>,
        /// How long the token lives, e.g. 90d, 12h, 2w (at most 3650 days); without it, until
        /// revoked (or until the user's password changes).
        #[arg(long, value_name = "LIFETIME")]
        expires: Option<String>,
    },
    /// Disable a user: sign-in, sessions and tokens stop working.
    Disable { login: String },
}

#[derive(Subcommand)]
pub enum ImportCommand {
    /// Import an action plan from .xlsx or .csv laid out as government plans are.
    Plan {
        /// The plan file (.xlsx or .csv).
        file: PathBuf,
        /// Check everything and report every problem, but change nothing.
        #[arg(long)]
        dry_run: bool,
        /// Import into this existing plan; without it the file's title block creates the plan.
        #[arg(long)]
        plan: Option<String>,
        /// Create organisations the directory does not know, on their column's side, marked for review.
        #[arg(long)]
        create_orgs: bool,
    },
    /// Import trade records: UN Comtrade CSV (current or legacy layout) or accord's template
    /// (CSV or XLSX). All or nothing; the source's records for the file's periods are replaced.
    Trade {
        file: PathBuf,
        #[arg(long, value_parser = ["auto", "comtrade", "template"], default_value = "auto")]
        format: String,
        /// The source's name, e.g. "Могилевоблстат" (default: the file name without extension).
        #[arg(long)]
        source: Option<String>,
        /// Whose statistics these are, BY or KHV (default: the side of the file's reporters).
        #[arg(long)]
        side: Option<String>,
        /// Read and check everything, print what would be stored, change nothing.
        #[arg(long)]
        dry_run: bool,
    },
    /// Import machines into the fleet register (CSV or XLSX template; see README "Fleet").
    /// All or nothing; the same file again changes nothing.
    Fleet {
        file: PathBuf,
        #[arg(long)]
        dry_run: bool,
    },
    /// Import meter readings (CSV or XLSX: machine, meter, date, value).
    Meters {
        file: PathBuf,
        #[arg(long)]
        dry_run: bool,
    },
    /// Import work orders (CSV or XLSX: machine, kind, opened_at, started_at, finished_at, …).
    Workorders {
        file: PathBuf,
        #[arg(long)]
        dry_run: bool,
    },
    /// Import official exchange rates: Bank of Russia XML_daily or National Bank of Belarus
    /// exrates/rates JSON (detected from the content).
    Rates {
        #[arg(required = true)]
        files: Vec<PathBuf>,
        #[arg(long)]
        dry_run: bool,
    },
    /// A logistics file (JSON accord-logistics/1, or XLSX with sheets nodes, legs, products):
    /// its sections replace the stored ones, all or nothing.
    Network {
        file: PathBuf,
        #[arg(long)]
        dry_run: bool,
    },
}

#[derive(Subcommand)]
pub enum TradeCommand {
    /// Print exports, imports, turnover and balance for every scope with data in the range.
    Summary {
        /// First quarter (2025Q1), month (2025-01) or year.
        #[arg(long)]
        from: Option<String>,
        /// Last quarter, month or year.
        #[arg(long)]
        to: Option<String>,
        /// A breakdown besides the periods.
        #[arg(long, value_parser = ["quarter", "group", "hs2", "hs4", "hs6"])]
        by: Option<String>,
        #[arg(long, value_parser = ["month", "quarter", "year"], default_value = "quarter")]
        granularity: String,
        #[arg(long, value_parser = ["USD", "RUB", "BYN"], default_value = "USD")]
        currency: String,
        /// Which rate converts a period: the month's average or the rate on its last day.
        #[arg(long, value_parser = ["monthly-average", "on-date"], default_value = "monthly-average")]
        basis: String,
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Write a template CSV of N generated rows (monthly records 2021-2026), for benchmarks.
    Generate {
        #[arg(long, default_value_t = 1_000_000)]
        rows: u64,
        #[arg(long)]
        out: PathBuf,
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
}

#[derive(Subcommand)]
pub enum ExportCommand {
    /// The logistics data: every section as JSON, or nodes, legs and products as XLSX.
    Network {
        #[arg(long, value_parser = ["json", "xlsx"], default_value = "json")]
        format: String,
        #[arg(long)]
        out: PathBuf,
    },
    /// Export the action plan in the official table layout (xlsx, csv) or as JSON.
    Plan {
        #[arg(long, value_parser = ["xlsx", "csv", "json"], default_value = "xlsx")]
        format: String,
        /// Where to write the file.
        #[arg(long)]
        out: PathBuf,
        /// Which plan (default: the first).
        #[arg(long)]
        plan: Option<String>,
    },
}

#[derive(Subcommand)]
pub enum AuditCommand {
    /// Check the hash chain and name the first broken entry.
    Verify,
}

#[derive(Subcommand)]
pub enum BenchCommand {
    /// Start the real server on demo data and measure start-up, page and API latency, memory.
    Http {
        /// Requests per measured route.
        #[arg(long, default_value_t = 2000)]
        requests: usize,
        /// Run against PostgreSQL at this URL instead of a temporary SQLite file.
        #[arg(long)]
        postgres: Option<String>,
    },
    /// Generate a big plan (`demo --scale`), load the measures table (HTML and JSON) with wrk
    /// or a built-in load generator, read the server's memory, and time the XLSX import.
    Plan {
        /// Generated measures beyond the 56 of the demo plan.
        #[arg(long, default_value_t = 10_000)]
        measures: usize,
        /// Run against PostgreSQL at this URL instead of a temporary SQLite file. The database
        /// must be EMPTY (e.g. `createdb -O accord accord_bench`); the benchmark leaves its data
        /// there. Use `?sslmode=disable` on loopback.
        #[arg(long, value_name = "URL")]
        postgres: Option<String>,
        /// With --postgres: a second EMPTY database for the import into a fresh store. Without
        /// it that step runs on a temporary SQLite store (and says so).
        #[arg(long, value_name = "URL", requires = "postgres")]
        postgres_fresh: Option<String>,
        /// Seconds of load per route.
        #[arg(long, default_value_t = 10)]
        duration: u64,
        /// Concurrent connections (clients).
        #[arg(long, default_value_t = 8)]
        connections: usize,
    },
    /// Time the quarterly briefing pack (PDF) on the demo data, cold and warm, then with N
    /// generated measures added to the plan.
    Briefing {
        #[arg(long, default_value_t = 10_000)]
        measures: usize,
        /// Warm runs whose median is printed.
        #[arg(long, default_value_t = 5)]
        runs: usize,
    },
    /// Generate the scale fleet (10,000 machines: ~5 M readings, ~500k work orders) into a
    /// temporary SQLite store (and PostgreSQL with --database) and time the due list, a
    /// machine page's data and the year's figures by model.
    Fleet {
        #[arg(long, default_value_t = 10_000)]
        machines: usize,
    },
    /// Kill imports of every kind part-way (SIGKILL at a random moment) on stores restored from
    /// the demo, and count states that are neither before nor after the import.
    Crash {
        /// Killed imports per kind.
        #[arg(long, default_value_t = 20)]
        trials: usize,
        /// Run on PostgreSQL: a database URL psql can create databases from (one per trial).
        #[arg(long)]
        postgres: Option<String>,
    },
    /// Take backups while a writer adds records, restore each into an empty SQLite folder and
    /// count the ones that do not restore and verify.
    Backup {
        #[arg(long, default_value_t = 20)]
        backups: usize,
        /// Back up a PostgreSQL instance at this URL (an EMPTY database: the demo is loaded there).
        #[arg(long)]
        postgres: Option<String>,
    },
    /// Send the files that used to stop the service (the declared-range workbook, a line of
    /// tens of megabytes, a JSON nested 100,000 deep) through every import of the command line,
    /// the API and the plan import page; print each answer's time and peak memory.
    Hostile {
        /// MiB of the one-line CSV (60: just under the size of a file read whole).
        #[arg(long, default_value_t = 60)]
        megabytes: usize,
        /// Run on PostgreSQL at this URL (an EMPTY database: the demo is loaded there).
        #[arg(long)]
        postgres: Option<String>,
    },
    /// Times the Pareto route search on a synthetic grid (with a shelf-life limit) and on the
    /// reference network.
    Logistics {
        #[arg(long, default_value_t = 10_000)]
        nodes: u32,
        #[arg(long, default_value_t = 6)]
        legs_per_node: u32,
        /// Runs of the search whose median is reported.
        #[arg(long, default_value_t = 15)]
        runs: usize,
        /// Writes the prepared grid as JSON for bench/logistics/pareto_reference.py.
        #[arg(long)]
        dump: Option<PathBuf>,
        /// Writes the reference network's prepared graph (frozen lingonberries Khabarovsk →
        /// Minsk) as JSON for the same script.
        #[arg(long)]
        dump_reference: Option<PathBuf>,
    },
    /// Generate a template CSV of N rows, import it with `accord import trade` (time, rows/s,
    /// peak memory), then time trade summaries of several quarter ranges.
    Trade {
        #[arg(long, default_value_t = 10_000_000)]
        rows: u64,
        /// Keep the generated file here (default: a temporary folder, removed afterwards).
        #[arg(long)]
        file: Option<PathBuf>,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let level = if cli.quiet {
        "warn"
    } else if cli.verbose {
        "debug"
    } else {
        "info"
    };
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(format!("{level},sqlx=warn,tower_http=warn")));
    tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr).init();

    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::from(1);
        }
    };
    match runtime.block_on(commands::run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {}", e.message);
            ExitCode::from(e.code)
        }
    }
}
