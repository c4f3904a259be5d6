//! The commands: each opens the store, calls the domain through the store and web crates,
//! and reports in one readable line per error.

use crate::{
    AuditCommand, BenchCommand, Cli, Command, ExportCommand, FleetCommand, ImportCommand, LogisticsCommand,
    ReportCommand, TradeCommand, UserCommand,
};
use accord_app::{Actor, App};
use accord_domain::Side;
use accord_domain::directory::Locale;
use accord_i18n::Tr;
use accord_store::{Store, StoreError};
use accord_web::AppState;
use std::io::Read;

pub use crate::error::CliError;

/// Who a command acts as: the user named by `--as LOGIN` (audited as that user, under that
/// user's rules), or else the instance's operator (an administrator's rights: never a change to
/// a signed plan's text, which needs a side's coordinator).
pub async fn acting(cli: &Cli, app: &App) -> Result<Actor, CliError> {
    let Some(login) = cli.acting.as_deref() else { return Ok(Actor::operator()) };
    let user = match app.store().user_by_login(login).await {
        Ok(user) => user,
        Err(StoreError::NotFound { .. }) => return Err(CliError::input(format!("--as: no user {login:?}"))),
        Err(e) => return Err(e.into()),
    };
    if user.disabled {
        return Err(CliError::input(format!("--as: user {login} is disabled")));
    }
    Ok(Actor::user(user))
}

/// The translator for what the commands say about files: `--lang` / `ACCORD_LANG`, Russian
/// unless English is asked for.
pub fn translator(cli: &Cli) -> Tr {
    Tr::new(Locale::parse(&cli.lang).unwrap_or_default())
}

pub async fn open_store(cli: &Cli) -> Result<Store, CliError> {
    let origin: Side =
        cli.origin.parse().map_err(|e: accord_domain::side::UnknownSide| CliError::input(format!("--origin: {e}")))?;
    let url = match &cli.database {
        Some(url) => url.clone(),
        None => {
            std::fs::create_dir_all(cli.data.join("files"))
                .map_err(|e| CliError::other(format!("cannot create data folder {}: {e}", cli.data.display())))?;
            format!("sqlite://{}", cli.data.join("accord.db").display())
        }
    };
    let store = Store::open(&url, origin).await.map_err(|e| match e {
        StoreError::UnsupportedUrl(_) => CliError::input(format!("--database: {e}")),
        other => CliError::other(format!("cannot open the database: {other}")),
    })?;
    Ok(store.with_files_dir(cli.data.join("files")))
}

async fn migrate(store: &Store, quiet: bool) -> Result<(), CliError> {
    let applied = store.migrate().await.map_err(|e| CliError::other(e.to_string()))?;
    if !quiet {
        for m in &applied {
            eprintln!("applied migration {:04} {}", m.version, m.name);
        }
    }
    Ok(())
}

fn read_password() -> Result<String, CliError> {
    let mut input = String::new();
    std::io::stdin()
        .read_to_string(&mut input)
        .map_err(|e| CliError::input(format!("cannot read the password from stdin: {e}")))?;
    let password = input.trim_end_matches(['\n', '\r']).to_string();
    if password.is_empty() {
        return Err(CliError::input("password: standard input was empty"));
    }
    Ok(password)
}

/// `accord bench …`: the benchmarks live in `accord-bench`; the command only hands over its
/// flags (and this binary, which the HTTP and trade benchmarks start as child processes).
async fn run_bench(bench: &BenchCommand, cli: &Cli) -> Result<(), CliError> {
    let accord = || std::env::current_exe().map_err(|e| CliError::other(format!("cannot find the accord binary: {e}")));
    match bench {
        BenchCommand::Http { requests, postgres } => {
            accord_bench::http::http(&accord()?, *requests, postgres.as_deref()).await?
        }
        BenchCommand::Plan { measures, postgres, postgres_fresh, duration, connections } => {
            let options = accord_bench::plan::PlanOptions {
                measures: *measures,
                postgres: postgres.clone(),
                postgres_fresh: postgres_fresh.clone(),
                duration: *duration,
                connections: *connections,
            };
            accord_bench::plan::plan(&accord()?, options).await?
        }
        BenchCommand::Briefing { measures, runs } => accord_bench::briefing::briefing(*measures, *runs).await?,
        BenchCommand::Fleet { machines } => accord_bench::fleet::fleet(*machines, cli.database.as_deref()).await?,
        BenchCommand::Trade { rows, file } => accord_bench::trade::trade(&accord()?, *rows, file.clone()).await?,
        BenchCommand::Crash { trials, postgres } => {
            accord_bench::recovery::crash(&accord()?, *trials, postgres.as_deref()).await?
        }
        BenchCommand::Backup { backups, postgres } => {
            accord_bench::recovery::backups(&accord()?, *backups, postgres.as_deref()).await?
        }
        BenchCommand::Hostile { megabytes, postgres } => {
            accord_bench::hostile::hostile(&accord()?, *megabytes, postgres.as_deref()).await?
        }
        BenchCommand::Logistics { nodes, legs_per_node, runs, dump, dump_reference } => {
            let options = accord_bench::logistics::LogisticsOptions {
                nodes: *nodes,
                legs_per_node: *legs_per_node,
                runs: *runs,
                dump: dump.clone(),
                dump_reference: dump_reference.clone(),
            };
            accord_bench::logistics::logistics(options).await?
        }
    }
    Ok(())
}

pub async fn run(cli: Cli) -> Result<(), CliError> {
    match &cli.command {
        Command::Bench(bench) => return run_bench(bench, &cli).await,
        Command::Trade(TradeCommand::Generate { rows, out, seed }) => {
            return Ok(accord_bench::trade::generate(*rows, out, *seed)?);
        }
        Command::Migrate => {
            let store = open_store(&cli).await?;
            let applied = store.migrate().await.map_err(|e| CliError::other(e.to_string()))?;
            if applied.is_empty() {
                println!("no pending migrations");
            }
            for m in applied {
                println!("applied {:04} {}", m.version, m.name);
            }
            return Ok(());
        }
        _ => {}
    }
    let store = open_store(&cli).await?;
    migrate(&store, cli.quiet).await?;
    let tr = translator(&cli);
    let result = match cli.command {
        Command::Serve { addr, demo, trust_proxy } => serve(store.clone(), &addr, demo, trust_proxy).await,
        Command::Demo { force, scale } => {
            let started = std::time::Instant::now();
            let summary = accord_demo::load(&store, force).await.map_err(|e| match e {
                accord_demo::DemoError::NotEmpty | accord_demo::DemoError::RealAccounts { .. } => {
                    CliError::input(e.to_string())
                }
                accord_demo::DemoError::App(app) => app.into(),
            })?;
            println!(
                "demo data loaded: {} organisations, {} people, {} users, {} plan measures, {} trade records, \
                 {} logistics items, {} review periods, {} machines",
                summary.organisations,
                summary.people,
                summary.users,
                summary.measures,
                summary.trade_records,
                summary.logistics_items,
                summary.review_periods,
                summary.machines
            );
            if let Some(n) = scale {
                // One progress line per phase on stderr; one summary line that `bench plan` reads.
                use accord_demo::scale::{ScaleError, generate};
                let phase = |what: &str| eprintln!("[{:>6.1} s] {what}", started.elapsed().as_secs_f64());
                let s = generate(&store, n, &phase).await.map_err(|e| match e {
                    ScaleError::AlreadyGenerated => CliError::input(e.to_string()),
                    ScaleError::App(app) => app.into(),
                })?;
                println!(
                    "scale: {} measures, {} indicators, {} indicator values, {} measures updated once; \
                     measures {:.2} s, indicators {:.2} s, history {:.2} s, total {:.2} s",
                    s.measures,
                    s.indicators,
                    s.values,
                    s.updated,
                    s.measures_time.as_secs_f64(),
                    s.indicators_time.as_secs_f64(),
                    s.history_time.as_secs_f64(),
                    started.elapsed().as_secs_f64()
                );
            }
            print_demo_logins();
            Ok(())
        }
        Command::User(ref command) => {
            let app = App::new(store.clone());
            let actor = acting(&cli, &app).await?;
            user(&app, &actor, command).await
        }
        Command::Report(ReportCommand::Quarterly { quarter, format, out }) => {
            crate::report::quarterly(&App::new(store.clone()), tr, &quarter, &format, &out).await
        }
        Command::Audit(AuditCommand::Verify) => {
            let app = App::new(store.clone());
            let report = app.audit_verify(&acting(&cli, &app).await?).await?;
            match report.first_break {
                None => {
                    println!("audit chain intact: {} entries checked", report.checked);
                    Ok(())
                }
                Some(broken) => Err(CliError::other(format!(
                    "audit chain broken at entry {}: {broken} ({} entries before it are intact)",
                    broken.seq(),
                    report.checked
                ))),
            }
        }
        Command::Import(ImportCommand::Plan { ref file, dry_run, ref plan, create_orgs }) => {
            let app = App::new(store.clone());
            let actor = acting(&cli, &app).await?;
            let options = accord_app::plan::ImportOptions { dry_run, plan_code: plan.clone(), create_orgs };
            import_plan(&app, &actor, &tr, file, options).await
        }
        Command::Export(ExportCommand::Plan { format, out, plan }) => {
            let app = App::new(store.clone());
            let plan = app.plan_resolve(plan.as_deref()).await.map_err(|e| match e {
                accord_app::Error::NotFound { .. } => CliError::input("no such plan (import one first)"),
                other => other.into(),
            })?;
            let measures = store.measures_of_plan(plan.id).await?;
            let file = app.plan_export(&plan, &measures, &format).await?;
            std::fs::write(&out, &file.bytes)
                .map_err(|e| CliError::other(format!("cannot write {}: {e}", out.display())))?;
            println!("exported {} measures of plan {} to {}", measures.len(), plan.code, out.display());
            Ok(())
        }
        Command::Import(ImportCommand::Trade { ref file, ref format, ref source, ref side, dry_run }) => {
            let app = App::new(store.clone());
            let actor = acting(&cli, &app).await?;
            let (source, side) = (source.clone(), side.as_deref());
            crate::trade::import_trade(&app, &actor, &tr, file, format, source, side, dry_run, cli.quiet).await
        }
        Command::Import(ImportCommand::Fleet { ref file, dry_run }) => {
            let app = App::new(store.clone());
            let actor = acting(&cli, &app).await?;
            crate::fleet::import(&app, &actor, &tr, accord_app::fleet::ImportKind::Fleet, file, dry_run).await
        }
        Command::Import(ImportCommand::Meters { ref file, dry_run }) => {
            let app = App::new(store.clone());
            let actor = acting(&cli, &app).await?;
            crate::fleet::import(&app, &actor, &tr, accord_app::fleet::ImportKind::Meters, file, dry_run).await
        }
        Command::Import(ImportCommand::Workorders { ref file, dry_run }) => {
            let app = App::new(store.clone());
            let actor = acting(&cli, &app).await?;
            crate::fleet::import(&app, &actor, &tr, accord_app::fleet::ImportKind::WorkOrders, file, dry_run).await
        }
        Command::Fleet(FleetCommand::Kpi { ref from, ref to, ref by, json }) => {
            let app = App::new(store.clone());
            let actor = acting(&cli, &app).await?;
            crate::fleet::kpi(&app, &actor, from, to, by.as_deref(), json).await
        }
        Command::Fleet(FleetCommand::Due { ref today, json }) => {
            let app = App::new(store.clone());
            let actor = acting(&cli, &app).await?;
            crate::fleet::due(&app, &actor, today.as_deref(), json).await
        }
        Command::Import(ImportCommand::Rates { ref files, dry_run }) => {
            let app = App::new(store.clone());
            let actor = acting(&cli, &app).await?;
            crate::trade::import_rates(&app, &actor, &tr, files, dry_run).await
        }
        Command::Trade(TradeCommand::Summary { from, to, by, granularity, currency, basis, json }) => {
            let query = accord_app::trade::SummaryQuery {
                from,
                to,
                granularity: Some(granularity),
                by,
                currency: Some(currency),
                basis: Some(basis),
            };
            crate::trade::summary(&store, &query, json).await
        }
        Command::Import(ImportCommand::Network { ref file, dry_run }) => {
            let app = App::new(store.clone());
            let actor = acting(&cli, &app).await?;
            crate::logistics::import_network(&app, &actor, &tr, file, dry_run).await
        }
        Command::Export(ExportCommand::Network { format, out }) => {
            crate::logistics::export_network(&store, &format, &out).await
        }
        Command::Logistics(LogisticsCommand::Routes { from, to, product, date, max_legs, currency, json }) => {
            crate::logistics::routes(&store, from, to, product, date, max_legs, currency, json).await
        }
        Command::Logistics(LogisticsCommand::Chain { key, currency, json }) => {
            crate::logistics::chain(&store, &key, currency, json).await
        }
        Command::Logistics(LogisticsCommand::Indicators { json }) => {
            crate::logistics::indicators(&App::new(store.clone()), &tr, json).await
        }
        Command::Logistics(LogisticsCommand::Record { ref quarter, dry_run, json }) => {
            let app = App::new(store.clone());
            let actor = acting(&cli, &app).await?;
            crate::logistics::record(&app, &actor, &tr, quarter, dry_run, json).await
        }
        Command::Remind { ref quarter, ref smtp, ref today } => {
            let app = App::new(store.clone());
            let actor = acting(&cli, &app).await?;
            crate::review::remind(&app, &actor, quarter, smtp.as_deref(), today.as_deref()).await
        }
        Command::Meeting(crate::MeetingCommand::Ics { ref quarter, ref out }) => {
            crate::review::meeting_ics(&App::new(store.clone()), quarter, out).await
        }
        Command::Review(crate::ReviewCommand::Close { ref quarter }) => {
            let app = App::new(store.clone());
            let actor = acting(&cli, &app).await?;
            crate::review::close(&app, &actor, quarter).await
        }
        Command::Review(crate::ReviewCommand::Reopen { ref quarter, ref reason }) => {
            let app = App::new(store.clone());
            let actor = acting(&cli, &app).await?;
            crate::review::reopen(&app, &actor, quarter, reason).await
        }
        Command::Backup { ref out } => crate::instance::backup(&cli, &store, out).await,
        Command::Restore { ref file, force } => {
            return crate::instance::restore(&cli, store, file, force).await;
        }
        Command::Migrate | Command::Bench(_) | Command::Trade(TradeCommand::Generate { .. }) => Ok(()),
    };
    // The database file alone then holds everything this command committed (a copy of
    // accord.db taken afterwards misses nothing).
    if let Err(e) = store.checkpoint().await {
        tracing::warn!(error = %e, "could not merge the write-ahead log");
    }
    result
}

async fn import_plan(
    app: &App,
    actor: &Actor,
    tr: &Tr,
    file: &std::path::Path,
    options: accord_app::plan::ImportOptions,
) -> Result<(), CliError> {
    let bytes = crate::error::read_whole(file, tr)?;
    let name = file.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default();
    let report = match app.plan_import(actor, &name, &bytes, &options).await {
        Ok(report) => report,
        Err(accord_app::Error::InvalidFile(problems)) => {
            for p in &problems {
                eprintln!("{}", tr.problem(p));
            }
            let count = problems.len();
            return Err(CliError::input(format!("{count} problem(s) in {}; nothing was imported", file.display())));
        }
        Err(e) => return Err(CliError::from_app(e, tr)),
    };
    let awaiting = if report.awaiting_approval.is_empty() {
        String::new()
    } else {
        format!("; awaiting the other side's approval: {}", report.awaiting_approval.join(", "))
    };
    if report.dry_run {
        println!(
            "dry run: {} measures checked against {}: {} to create, {} to change, {} unchanged, {} to await approval; \
             {} new organisations; nothing was changed{awaiting}",
            report.measures,
            report.plan_code,
            report.created,
            report.changed,
            report.unchanged,
            report.awaiting_approval.len(),
            report.created_organisations.len()
        );
    } else {
        println!(
            "imported plan {}: {} created, {} updated, {} unchanged, {} awaiting approval; {} organisations created for review{awaiting}",
            report.plan_code,
            report.created,
            report.changed,
            report.unchanged,
            report.awaiting_approval.len(),
            report.created_organisations.len()
        );
    }
    Ok(())
}

fn print_demo_logins() {
    println!("demo logins (login / password / role):");
    for login in accord_demo::demo_logins() {
        println!("  {:<10} {:<16} {}", login.login, login.password, login.role);
    }
}

/// The `user` commands: the account use cases, as the operator (or `--as` an administrator).
async fn user(app: &App, actor: &Actor, command: &UserCommand) -> Result<(), CliError> {
    match command {
        UserCommand::Add { login, name, role, side, org, locale, password_stdin: _ } => {
            let password = read_password()?;
            let input = accord_app::account::UserInput {
                login: login.clone(),
                display_name: name.clone(),
                password: Some(password),
                role: role.clone(),
                side: side.clone(),
                organisation: org.clone(),
                locale: locale.clone(),
                ..Default::default()
            };
            let user = app.user_create(actor, &input).await?;
            println!("created user {} ({})", user.login, user.role.kind().code());
            Ok(())
        }
        UserCommand::List => {
            for u in app.user_list(actor).await? {
                println!(
                    "{:<20} {:<12} {:<4} {:<3} {:<8} {}",
                    u.login,
                    u.role.kind().code(),
                    u.role.side().map_or("-", Side::code),
                    u.locale.code(),
                    if u.disabled { "disabled" } else { "active" },
                    u.display_name
                );
            }
            Ok(())
        }
        UserCommand::Passwd { login, password_stdin: _ } => {
            let password = read_password()?;
            let user = app.user_password_set(actor, login, &password).await?;
            println!("password changed for {}; their sessions have ended", user.login);
            Ok(())
        }
        UserCommand::Token { login, label, expires } => {
            let input = accord_app::account::TokenInput { label: label.clone(), expires: expires.clone() };
            let token = app.token_create(actor, Some(login), &input).await?;
            println!("{}", token.secret);
            if let Some(at) = token.expires_at {
                eprintln!("expires {}", at.format("%Y-%m-%d %H:%M UTC"));
            }
            Ok(())
        }
        UserCommand::Disable { login } => {
            let user = app.user_disable(actor, login).await?;
            println!("disabled {}", user.login);
            Ok(())
        }
    }
}

async fn serve(store: Store, addr: &str, demo: bool, trust_proxy: bool) -> Result<(), CliError> {
    let started = std::time::Instant::now();
    if demo && store.is_empty().await? {
        accord_demo::load(&store, false).await.map_err(|e| CliError::other(e.to_string()))?;
        eprintln!("loaded the demonstration data");
    }
    let options = accord_web::ServeOptions { demo, trust_proxy };
    let state = AppState::new(store.clone(), options).await.map_err(|e| CliError::other(format!("server: {e}")))?;
    if demo && !state.is_demo() {
        eprintln!("this store does not hold the demo data: --demo ignored, the demo accounts stay refused");
    }
    let listener =
        tokio::net::TcpListener::bind(addr).await.map_err(|e| CliError::input(format!("--addr {addr}: {e}")))?;
    let local = listener.local_addr().map_err(|e| CliError::other(e.to_string()))?;
    println!("accord listening on http://{local} ({} database)", store.backend().name());
    if state.is_demo() {
        print_demo_logins();
    }
    tracing::info!(elapsed_ms = started.elapsed().as_millis() as u64, "ready");
    let purger = {
        let store = store.clone();
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(std::time::Duration::from_secs(3600));
            loop {
                tick.tick().await;
                if let Err(e) = store.session_purge_expired().await {
                    tracing::warn!(error = %e, "could not purge expired sessions");
                }
            }
        })
    };
    accord_web::serve(listener, state, shutdown_signal()).await.map_err(|e| CliError::other(format!("server: {e}")))?;
    purger.abort();
    store.checkpoint().await?;
    store.close().await;
    eprintln!("accord stopped");
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    eprintln!("shutting down: finishing requests in flight");
}
