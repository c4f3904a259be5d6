//! Benchmarks that start the real server (this binary, `serve`) in a temporary folder and
//! print figures; they never pass or fail on them.
//!
//! - `accord bench http`: demonstration data; start-up time, page and API latency, memory.
//! - `accord bench plan`: a generated plan (`demo --scale N`); the measures table (HTML and
//!   JSON) under concurrent load with wrk (or a built-in generator), the server's memory, and
//!   the time to import the plan's XLSX, beside the plan module's targets.

use crate::commands::CliError;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

struct Server {
    child: Child,
    base: String,
}

fn exe() -> Result<PathBuf, CliError> {
    std::env::current_exe().map_err(|e| CliError::other(format!("cannot find the accord binary: {e}")))
}

fn command(data: &Path, database: Option<&str>) -> Result<Command, CliError> {
    let mut cmd = Command::new(exe()?);
    cmd.arg("--data").arg(data).arg("-q");
    if let Some(url) = database {
        cmd.arg("--database").arg(url);
    }
    cmd.env_remove("RUST_LOG");
    Ok(cmd)
}

async fn run_to_end(mut cmd: Command) -> Result<String, CliError> {
    let out = cmd.output().await.map_err(|e| CliError::other(format!("cannot run accord: {e}")))?;
    if !out.status.success() {
        return Err(CliError::other(format!("accord failed: {}", String::from_utf8_lossy(&out.stderr).trim())));
    }
    Ok(String::from_utf8_lossy(&out.stdout).to_string())
}

/// Starts `accord serve` on a free port; returns when /healthz answers, with the time taken.
async fn start(data: &Path, database: Option<&str>) -> Result<(Server, Duration), CliError> {
    let started = Instant::now();
    let mut cmd = command(data, database)?;
    cmd.args(["serve", "--addr", "127.0.0.1:0"]).stdout(Stdio::piped()).stderr(Stdio::null()).kill_on_drop(true);
    let mut child = cmd.spawn().map_err(|e| CliError::other(format!("cannot start the server: {e}")))?;
    let stdout = child.stdout.take().ok_or_else(|| CliError::other("no server stdout"))?;
    let mut lines = BufReader::new(stdout).lines();
    let base = loop {
        let line = lines
            .next_line()
            .await
            .map_err(|e| CliError::other(e.to_string()))?
            .ok_or_else(|| CliError::other("the server exited before listening"))?;
        if let Some(rest) = line.strip_prefix("accord listening on ") {
            break rest.split_whitespace().next().unwrap_or_default().to_string();
        }
    };
    // Drain the rest of stdout so the server never blocks on a full pipe.
    tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
    let client = reqwest::Client::new();
    loop {
        if let Ok(r) = client.get(format!("{base}/healthz")).send().await
            && r.status().is_success()
        {
            break;
        }
        if started.elapsed() > Duration::from_secs(30) {
            return Err(CliError::other("the server did not become healthy within 30 s"));
        }
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    Ok((Server { child, base }, started.elapsed()))
}

fn rss_mib(pid: Option<u32>) -> Option<f64> {
    let status = std::fs::read_to_string(format!("/proc/{}/status", pid?)).ok()?;
    let kb: f64 = status.lines().find(|l| l.starts_with("VmRSS:"))?.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

struct Stats {
    median: Duration,
    p95: Duration,
    p99: Duration,
    per_second: f64,
}

async fn measure(n: usize, request: impl Fn() -> reqwest::RequestBuilder) -> Result<Stats, CliError> {
    for _ in 0..n.min(200) {
        request().send().await.map_err(|e| CliError::other(e.to_string()))?.bytes().await.ok();
    }
    let mut times = Vec::with_capacity(n);
    let all = Instant::now();
    for _ in 0..n {
        let t = Instant::now();
        let response = request().send().await.map_err(|e| CliError::other(e.to_string()))?;
        if !response.status().is_success() {
            return Err(CliError::other(format!("unexpected status {}", response.status())));
        }
        response.bytes().await.map_err(|e| CliError::other(e.to_string()))?;
        times.push(t.elapsed());
    }
    let total = all.elapsed();
    times.sort();
    let at = |q: f64| times[((times.len() as f64 * q) as usize).min(times.len() - 1)];
    Ok(Stats { median: at(0.5), p95: at(0.95), p99: at(0.99), per_second: n as f64 / total.as_secs_f64() })
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}

pub async fn http(requests: usize, postgres: Option<String>) -> Result<(), CliError> {
    let requests = requests.max(10);
    let data = std::env::temp_dir().join(format!("accord-bench-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&data);
    std::fs::create_dir_all(&data).map_err(|e| CliError::other(e.to_string()))?;
    let database = postgres.as_deref();

    let t = Instant::now();
    let mut demo = command(&data, database)?;
    demo.arg("demo").arg("--force");
    run_to_end(demo).await?;
    let init = t.elapsed();
    let mut token_cmd = command(&data, database)?;
    token_cmd.args(["user", "token", "admin", "--label", "bench"]);
    let token = run_to_end(token_cmd).await?.trim().to_string();

    let (mut server, startup) = start(&data, database).await?;
    let pid = server.child.id();
    tokio::time::sleep(Duration::from_millis(500)).await;
    let rss_idle = rss_mib(pid);

    let client = reqwest::Client::builder().cookie_store(true).build().map_err(|e| CliError::other(e.to_string()))?;
    let base = server.base.clone();
    let login_page = client.get(format!("{base}/login")).send().await.map_err(|e| CliError::other(e.to_string()))?;
    let html = login_page.text().await.map_err(|e| CliError::other(e.to_string()))?;
    let csrf = html
        .split("name=\"_csrf\" value=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .ok_or_else(|| CliError::other("no CSRF token on the sign-in page"))?
        .to_string();
    let signed_in = client
        .post(format!("{base}/login"))
        .form(&[
            ("login", "admin"),
            ("password", &accord_demo::demo_password("admin")),
            ("_csrf", &csrf),
            ("next", "/"),
        ])
        .send()
        .await
        .map_err(|e| CliError::other(e.to_string()))?;
    if !signed_in.status().is_success() {
        return Err(CliError::other(format!("sign-in failed: {}", signed_in.status())));
    }

    let page = measure(requests, || client.get(format!("{base}/directory/organisations"))).await?;
    let api_client = reqwest::Client::new();
    let api =
        measure(requests, || api_client.get(format!("{base}/api/v1/organisations?per_page=100")).bearer_auth(&token))
            .await?;
    let health = measure(requests, || api_client.get(format!("{base}/healthz"))).await?;
    let rss_loaded = rss_mib(pid);

    if let Some(pid) = pid {
        let _ = Command::new("kill").arg("-TERM").arg(pid.to_string()).status().await;
    }
    let _ = tokio::time::timeout(Duration::from_secs(10), server.child.wait()).await;
    let _ = std::fs::remove_dir_all(&data);

    let backend = if postgres.is_some() { "PostgreSQL" } else { "SQLite" };
    println!("accord bench http — {backend}, demo data, {requests} sequential requests per route, keep-alive client");
    println!("machine: {} logical CPUs", std::thread::available_parallelism().map_or(0, |n| n.get()));
    println!("first run (migrate + load demo data): {}", ms(init));
    println!("start-up until /healthz answers:       {}   (target < 300 ms)", ms(startup));
    let mib = |v: Option<f64>| v.map_or("n/a".to_string(), |v| format!("{v:.1} MiB"));
    println!("resident memory idle after start:      {}   (target < 40 MB)", mib(rss_idle));
    println!("resident memory after the runs:        {}", mib(rss_loaded));
    println!("{:<44} {:>10} {:>10} {:>10} {:>10}", "route", "median", "p95", "p99", "req/s");
    for (name, s) in [
        ("GET /directory/organisations (page)", &page),
        ("GET /api/v1/organisations?per_page=100", &api),
        ("GET /healthz", &health),
    ] {
        println!("{:<44} {:>10} {:>10} {:>10} {:>10.0}", name, ms(s.median), ms(s.p95), ms(s.p99), s.per_second);
    }
    println!("targets: median < 5 ms for the organisation page and its API");
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// `accord bench plan`: the plan module's speed targets on a generated plan.

/// What `accord bench plan` was asked to do.
pub struct PlanOptions {
    pub measures: usize,
    pub postgres: Option<String>,
    pub postgres_fresh: Option<String>,
    pub duration: u64,
    pub connections: usize,
}

const WRK: &str = "/usr/bin/wrk";
const HTML_ROUTE: &str = "/plan/measures?dimension=trade&sort=term&per_page=100";
const JSON_ROUTE: &str = "/api/v1/measures?dimension=trade&sort=term&per_page=100";

/// Runs an accord command to its end; returns its standard output and the wall time.
async fn timed(cmd: Command) -> Result<(String, Duration), CliError> {
    let t = Instant::now();
    let out = run_to_end(cmd).await?;
    Ok((out, t.elapsed()))
}

/// The figures of one load run.
struct Load {
    generator: String,
    requests: u64,
    per_second: f64,
    p50: Duration,
    p99: Duration,
    errors: u64,
}

/// Reads "2.25ms", "850.00us", "1.02s", "1.5m" as wrk prints them.
fn wrk_duration(text: &str) -> Option<Duration> {
    let split = text.find(|c: char| c.is_ascii_alphabetic())?;
    let (number, unit) = text.split_at(split);
    let value: f64 = number.parse().ok()?;
    let seconds = match unit {
        "us" => value / 1e6,
        "ms" => value / 1e3,
        "s" => value,
        "m" => value * 60.0,
        "h" => value * 3600.0,
        _ => return None,
    };
    Some(Duration::from_secs_f64(seconds))
}

/// Picks requests/s, p50, p99, the request count and the errors out of `wrk --latency`'s report.
fn parse_wrk(report: &str) -> Option<Load> {
    let mut load = Load {
        generator: "wrk".into(),
        requests: 0,
        per_second: 0.0,
        p50: Duration::ZERO,
        p99: Duration::ZERO,
        errors: 0,
    };
    let (mut p50, mut p99, mut rate) = (None, None, None);
    for line in report.lines().map(str::trim) {
        let words: Vec<&str> = line.split_whitespace().collect();
        match words.as_slice() {
            ["50%", value] => p50 = wrk_duration(value),
            ["99%", value] => p99 = wrk_duration(value),
            ["Requests/sec:", value] => rate = value.parse::<f64>().ok(),
            [count, "requests", "in", ..] => load.requests = count.parse().unwrap_or(0),
            ["Non-2xx", "or", "3xx", "responses:", count] => load.errors += count.parse::<u64>().unwrap_or(0),
            ["Socket", "errors:", rest @ ..] => {
                load.errors += rest.iter().filter_map(|w| w.trim_end_matches(',').parse::<u64>().ok()).sum::<u64>();
            }
            _ => {}
        }
    }
    load.p50 = p50?;
    load.p99 = p99?;
    load.per_second = rate?;
    Some(load)
}

async fn run_wrk(url: &str, header: &str, seconds: u64, connections: usize) -> Result<Load, CliError> {
    let threads = connections.clamp(1, 2);
    let out = Command::new(WRK)
        .arg(format!("-t{threads}"))
        .arg(format!("-c{connections}"))
        .arg(format!("-d{seconds}s"))
        .arg("--latency")
        .arg("-H")
        .arg(header)
        .arg(url)
        .output()
        .await
        .map_err(|e| CliError::other(format!("cannot run {WRK}: {e}")))?;
    let report = String::from_utf8_lossy(&out.stdout).to_string();
    if !out.status.success() {
        return Err(CliError::other(format!("wrk failed: {} {}", report, String::from_utf8_lossy(&out.stderr))));
    }
    let mut load = parse_wrk(&report).ok_or_else(|| CliError::other(format!("cannot read wrk's report:\n{report}")))?;
    load.generator = format!("wrk ({threads} threads, {connections} connections)");
    Ok(load)
}

/// The fallback when wrk is absent: `connections` tasks sending requests back to back on
/// keep-alive connections for `seconds`; every latency is kept and sorted.
async fn run_builtin(url: &str, header: (&str, &str), seconds: u64, connections: usize) -> Result<Load, CliError> {
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let started = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..connections {
        let client =
            reqwest::Client::builder().pool_max_idle_per_host(1).build().map_err(|e| CliError::other(e.to_string()))?;
        let (url, name, value) = (url.to_string(), header.0.to_string(), header.1.to_string());
        tasks.push(tokio::spawn(async move {
            let (mut times, mut errors) = (Vec::new(), 0u64);
            while Instant::now() < deadline {
                let t = Instant::now();
                match client.get(&url).header(&name, &value).send().await {
                    Ok(r) if r.status().is_success() => {
                        if r.bytes().await.is_err() {
                            errors += 1;
                        }
                    }
                    _ => errors += 1,
                }
                times.push(t.elapsed());
            }
            (times, errors)
        }));
    }
    let (mut times, mut errors) = (Vec::new(), 0);
    for task in tasks {
        let (t, e) = task.await.map_err(|e| CliError::other(e.to_string()))?;
        times.extend(t);
        errors += e;
    }
    let elapsed = started.elapsed();
    if times.is_empty() {
        return Err(CliError::other("the load generator sent no request"));
    }
    times.sort();
    let at = |q: f64| times[((times.len() as f64 * q) as usize).min(times.len() - 1)];
    Ok(Load {
        generator: format!("built-in ({connections} concurrent reqwest clients; wrk not found at {WRK})"),
        requests: times.len() as u64,
        per_second: times.len() as f64 / elapsed.as_secs_f64(),
        p50: at(0.5),
        p99: at(0.99),
        errors,
    })
}

async fn load(base: &str, route: &str, header: (&str, &str), options: &PlanOptions) -> Result<Load, CliError> {
    let url = format!("{base}{route}");
    // Warm up: caches, the connection pool, SQLite's page cache.
    let client = reqwest::Client::new();
    for _ in 0..50 {
        client.get(&url).header(header.0, header.1).send().await.map_err(|e| CliError::other(e.to_string()))?;
    }
    let connections = options.connections.max(1);
    if Path::new(WRK).exists() {
        run_wrk(&url, &format!("{}: {}", header.0, header.1), options.duration.max(1), connections).await
    } else {
        run_builtin(&url, header, options.duration.max(1), connections).await
    }
}

/// Resident and peak resident memory (VmRSS, VmHWM) in MiB.
fn memory_mib(pid: Option<u32>) -> (Option<f64>, Option<f64>) {
    let Some(status) = pid.and_then(|pid| std::fs::read_to_string(format!("/proc/{pid}/status")).ok()) else {
        return (None, None);
    };
    let field = |name: &str| -> Option<f64> {
        let kb: f64 = status.lines().find(|l| l.starts_with(name))?.split_whitespace().nth(1)?.parse().ok()?;
        Some(kb / 1024.0)
    };
    (field("VmRSS:"), field("VmHWM:"))
}

/// Signs in through the form, as a browser does; returns the `Cookie` header value.
async fn session_cookie(base: &str) -> Result<String, CliError> {
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .map_err(|e| CliError::other(e.to_string()))?;
    let mut jar: Vec<(String, String)> = Vec::new();
    let keep = |jar: &mut Vec<(String, String)>, response: &reqwest::Response| {
        for value in response.headers().get_all(reqwest::header::SET_COOKIE) {
            let Some((name, rest)) = value.to_str().unwrap_or_default().split_once('=') else { continue };
            let value = rest.split(';').next().unwrap_or_default().to_string();
            jar.retain(|(n, _)| n != name);
            if !value.is_empty() {
                jar.push((name.to_string(), value));
            }
        }
    };
    let page = client.get(format!("{base}/login")).send().await.map_err(|e| CliError::other(e.to_string()))?;
    keep(&mut jar, &page);
    let cookie = |jar: &[(String, String)]| jar.iter().map(|(n, v)| format!("{n}={v}")).collect::<Vec<_>>().join("; ");
    let pre = cookie(&jar);
    let html = page.text().await.map_err(|e| CliError::other(e.to_string()))?;
    let csrf = html
        .split("name=\"_csrf\" value=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .ok_or_else(|| CliError::other("no CSRF token on the sign-in page"))?
        .to_string();
    let signed_in = client
        .post(format!("{base}/login"))
        .header(reqwest::header::COOKIE, pre)
        .form(&[
            ("login", "admin"),
            ("password", &accord_demo::demo_password("admin")),
            ("_csrf", &csrf),
            ("next", "/"),
        ])
        .send()
        .await
        .map_err(|e| CliError::other(e.to_string()))?;
    keep(&mut jar, &signed_in);
    if !jar.iter().any(|(n, _)| n == accord_web::auth::SESSION_COOKIE) {
        return Err(CliError::other(format!("sign-in failed: {} without a session cookie", signed_in.status())));
    }
    Ok(cookie(&jar))
}

/// Checks that a route answers 200 with a full page of trade measures; returns the body size.
async fn check_route(base: &str, route: &str, header: (&str, &str), json: bool) -> Result<usize, CliError> {
    let response = reqwest::Client::new()
        .get(format!("{base}{route}"))
        .header(header.0, header.1)
        .send()
        .await
        .map_err(|e| CliError::other(e.to_string()))?;
    let status = response.status();
    let body = response.text().await.map_err(|e| CliError::other(e.to_string()))?;
    if !status.is_success() {
        return Err(CliError::other(format!("GET {route}: {status}")));
    }
    if json {
        let value: serde_json::Value =
            serde_json::from_str(&body).map_err(|e| CliError::other(format!("GET {route}: not JSON: {e}")))?;
        let items = value["items"].as_array().map_or(0, Vec::len);
        let total = value["total"].as_u64().unwrap_or(0);
        if items == 0 || items as u64 != total.min(100) {
            return Err(CliError::other(format!("GET {route}: {items} items of {total}, expected a page of 100")));
        }
    } else if !body.contains("<table") {
        return Err(CliError::other(format!("GET {route}: no table in the page (signed out?)")));
    }
    Ok(body.len())
}

/// "N word" pairs of the generator's summary line ("scale: 10000 measures, 8571 indicators, …").
fn scale_figure(stdout: &str, label: &str) -> Option<u64> {
    let line = stdout.lines().find(|l| l.starts_with("scale:"))?;
    line.trim_start_matches("scale:")
        .split([',', ';'])
        .map(str::trim)
        .find_map(|part| part.strip_suffix(label).and_then(|n| n.trim().parse().ok()))
}

/// How many measures the demo plan holds, as the API counts them.
async fn measure_total(base: &str, bearer: &str) -> Result<u64, CliError> {
    let url = format!("{base}/api/v1/measures?plan={}&per_page=1", accord_demo::scale::PLAN_CODE);
    let response = reqwest::Client::new()
        .get(url)
        .header("Authorization", bearer)
        .send()
        .await
        .map_err(|e| CliError::other(e.to_string()))?;
    let value: serde_json::Value = response.json().await.map_err(|e| CliError::other(e.to_string()))?;
    value["total"].as_u64().ok_or_else(|| CliError::other("GET /api/v1/measures: no total"))
}

/// The counts of an import's one-line report ("… 0 created, 0 updated, 10056 unchanged; …").
fn import_summary(stdout: &str) -> String {
    let line = stdout.lines().find(|l| l.starts_with("imported")).unwrap_or(stdout.trim());
    line.split_once(": ").map_or(line, |(_, rest)| rest).split(';').next().unwrap_or_default().trim().to_string()
}

fn temp_dir(label: &str) -> Result<PathBuf, CliError> {
    let dir = std::env::temp_dir().join(format!("accord-bench-{label}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).map_err(|e| CliError::other(format!("cannot create {}: {e}", dir.display())))?;
    Ok(dir)
}

async fn stop(mut server: Server) {
    if let Some(pid) = server.child.id() {
        let _ = Command::new("kill").arg("-TERM").arg(pid.to_string()).status().await;
    }
    let _ = tokio::time::timeout(Duration::from_secs(10), server.child.wait()).await;
}

pub async fn plan(options: PlanOptions) -> Result<(), CliError> {
    let plan_code = accord_demo::scale::PLAN_CODE;
    let data = temp_dir("plan")?;
    let database = options.postgres.as_deref();
    let backend = if database.is_some() { "PostgreSQL" } else { "SQLite" };
    let n = options.measures;
    let load_start = load_average();
    eprintln!("bench plan ({backend}): generating {n} measures…");

    // 1. The generated plan. No --force: a PostgreSQL database must be empty.
    let mut demo = command(&data, database)?;
    demo.args(["demo", "--scale", &n.to_string()]);
    let (generated, generate_time) = timed(demo).await.map_err(|e| {
        if database.is_some() {
            CliError::other(format!("{} (the --postgres database must be empty)", e.message))
        } else {
            e
        }
    })?;
    let values = scale_figure(&generated, "indicator values").unwrap_or(0);
    let indicators = scale_figure(&generated, "indicators").unwrap_or(0);
    let updated = scale_figure(&generated, "measures updated once").unwrap_or(0);
    let phases = generated.lines().find(|l| l.starts_with("scale:")).and_then(|l| l.split_once("; ")).map(|(_, p)| p);
    let mut token_cmd = command(&data, database)?;
    token_cmd.args(["user", "token", "admin", "--label", "bench-plan"]);
    let token = run_to_end(token_cmd).await?.trim().to_string();

    // 2. The server under load.
    eprintln!("bench plan: starting the server and loading it for {} s per route…", options.duration);
    let (server, startup) = start(&data, database).await?;
    let pid = server.child.id();
    let base = server.base.clone();
    let cookie = session_cookie(&base).await?;
    let bearer = format!("Bearer {token}");
    let html_bytes = check_route(&base, HTML_ROUTE, ("Cookie", &cookie), false).await?;
    let json_bytes = check_route(&base, JSON_ROUTE, ("Authorization", &bearer), true).await?;
    let plan_measures = measure_total(&base, &bearer).await?;
    let (rss_before, _) = memory_mib(pid);
    let html = load(&base, HTML_ROUTE, ("Cookie", &cookie), &options).await?;
    let json = load(&base, JSON_ROUTE, ("Authorization", &bearer), &options).await?;
    let (rss, hwm) = memory_mib(pid);
    stop(server).await;

    // 3. Export, then import into the same store (every row unchanged) and into a fresh one.
    eprintln!("bench plan: export and import…");
    let file = data.join("plan.xlsx");
    let file_arg = file.to_string_lossy().to_string();
    let mut export = command(&data, database)?;
    export.args(["export", "plan", "--format", "xlsx", "--plan", plan_code, "--out", &file_arg]);
    let (_, export_time) = timed(export).await?;
    let file_size = std::fs::metadata(&file).map_or(0, |m| m.len());
    let mut import = command(&data, database)?;
    import.args(["import", "plan", &file_arg, "--plan", plan_code]);
    let (same_out, same_time) = timed(import).await?;

    let fresh = temp_dir("plan-fresh")?;
    let (fresh_database, fresh_label) = match (&options.postgres, &options.postgres_fresh) {
        (Some(_), Some(url)) => (Some(url.as_str()), "fresh PostgreSQL store"),
        (Some(_), None) => (None, "fresh SQLite store (no --postgres-fresh given)"),
        (None, _) => (None, "fresh SQLite store"),
    };
    let mut fresh_demo = command(&fresh, fresh_database)?;
    fresh_demo.arg("demo");
    run_to_end(fresh_demo).await.map_err(|e| {
        if fresh_database.is_some() {
            CliError::other(format!("{} (the --postgres-fresh database must be empty)", e.message))
        } else {
            e
        }
    })?;
    let mut import = command(&fresh, fresh_database)?;
    import.args(["import", "plan", &file_arg, "--plan", plan_code]);
    let (fresh_out, fresh_time) = timed(import).await?;
    let db_size = std::fs::metadata(data.join("accord.db")).ok().map(|m| m.len());
    let _ = std::fs::remove_dir_all(&data);
    let _ = std::fs::remove_dir_all(&fresh);

    // 4. The figures.
    let secs = |d: Duration| format!("{:.2} s", d.as_secs_f64());
    let millis = |d: Duration| format!("{:.2} ms", d.as_secs_f64() * 1000.0);
    let mib = |v: Option<f64>| v.map_or("n/a".to_string(), |v| format!("{v:.1} MiB"));
    println!("accord bench plan — {backend}");
    println!(
        "data: {plan_measures} measures in {plan_code} ({} demo + {n} generated); {indicators} generated indicators \
         with {values} quarterly values; {updated} measures updated once (audit history){}",
        plan_measures.saturating_sub(n as u64),
        db_size.map_or(String::new(), |b| format!("; SQLite file {:.1} MB", b as f64 / 1e6))
    );
    println!(
        "machine: {} logical CPUs; load: {}, {} s per route, on the same machine as the server; \
         load average {} at start, {} at end",
        available_cpus(),
        html.generator,
        options.duration,
        load_start,
        load_average()
    );
    println!();
    println!("{:<40} {:>10}   {}", format!("generate (demo --scale {n})"), secs(generate_time), phases.unwrap_or(""));
    println!("{:<40} {:>10}", "server start-up", millis(startup));
    println!();
    println!("{:<40} {:>12} {:>12}   target", "measures table, trade, by term", "HTML", "JSON");
    let pair = |name: &str, h: String, j: String, target: &str| println!("{name:<40} {h:>12} {j:>12}   {target}");
    pair("  response bytes", html_bytes.to_string(), json_bytes.to_string(), "");
    pair(
        "  requests (errors)",
        format!("{} ({})", html.requests, html.errors),
        format!("{} ({})", json.requests, json.errors),
        "",
    );
    pair("  requests/s", format!("{:.0}", html.per_second), format!("{:.0}", json.per_second), "> 3000");
    pair("  latency p50", millis(html.p50), millis(json.p50), "");
    pair("  latency p99", millis(html.p99), millis(json.p99), "< 20 ms");
    println!();
    println!("{:<40} {:>12}   target", "server memory", "");
    println!("{:<40} {:>12}", "  VmRSS before the load", mib(rss_before));
    println!("{:<40} {:>12}   < 60 MB (57.2 MiB)", "  VmRSS after the load", mib(rss));
    println!("{:<40} {:>12}   < 60 MB (57.2 MiB)", "  VmHWM (peak)", mib(hwm));
    println!();
    println!("{:<40} {:>12}   {:<8} what it did", format!("XLSX ({:.1} MB)", file_size as f64 / 1e6), "time", "target");
    println!("{:<40} {:>12}", "  export", secs(export_time));
    let fresh_name = format!("  import into a {fresh_label}");
    for (name, time, out) in
        [("  import into the same store", same_time, &same_out), (fresh_name.as_str(), fresh_time, &fresh_out)]
    {
        println!("{name:<40} {:>12}   {:<8} {}", secs(time), "< 3 s", import_summary(out));
    }
    println!("(an import's time is the whole `accord import plan` command: start, read and check the file, write)");
    if let Some(url) = &options.postgres {
        println!("the benchmark data stays in {}; drop that database when done", redact(url));
    }
    Ok(())
}

/// The 1-minute load average: other work on the machine skews every figure.
fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|l| l.split_whitespace().next().map(str::to_string))
        .unwrap_or_else(|| "n/a".into())
}

fn available_cpus() -> usize {
    std::thread::available_parallelism().map_or(0, |n| n.get())
}

/// A database URL without its password.
fn redact(url: &str) -> String {
    match (url.find("://"), url.find('@')) {
        (Some(scheme), Some(at)) if scheme < at => {
            let user = &url[scheme + 3..at];
            let user = user.split(':').next().unwrap_or_default();
            format!("{}{user}:***{}", &url[..scheme + 3], &url[at..])
        }
        _ => url.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_wrk_reports() {
        let report = "Running 10s test @ http://127.0.0.1:1/x\n  2 threads and 8 connections\n  Thread Stats   Avg      Stdev     Max   +/- Stdev\n    Latency     2.47ms    1.20ms  20.01ms   80.00%\n    Req/Sec     1.63k   123.45     1.90k    70.00%\n  Latency Distribution\n     50%  850.00us\n     75%    2.90ms\n     90%    3.80ms\n     99%    1.02s\n  32456 requests in 10.00s, 123.45MB read\n  Non-2xx or 3xx responses: 12\nRequests/sec:   3245.60\nTransfer/sec:     12.34MB\n";
        let load = parse_wrk(report).expect("parsed");
        assert_eq!(load.requests, 32456);
        assert_eq!(load.errors, 12);
        assert!((load.per_second - 3245.6).abs() < 1e-9);
        assert_eq!(load.p50, Duration::from_micros(850));
        assert_eq!(load.p99, Duration::from_millis(1020));
    }

    #[test]
    fn reads_the_generator_and_import_lines() {
        let out = "demo data loaded: 1\nscale: 10000 measures, 8571 indicators, 51234 indicator values, 900 measures updated once; measures 1.00 s\n";
        assert_eq!(scale_figure(out, "indicator values"), Some(51234));
        assert_eq!(scale_figure(out, "indicators"), Some(8571));
        assert_eq!(scale_figure(out, "measures updated once"), Some(900));
        let import =
            "imported plan KHV-MOG-2025: 0 created, 0 updated, 10056 unchanged; 0 organisations created for review\n";
        assert_eq!(import_summary(import), "0 created, 0 updated, 10056 unchanged");
        assert_eq!(redact("postgres://accord:secret@127.0.0.1/db"), "postgres://accord:***@127.0.0.1/db");
    }
}
