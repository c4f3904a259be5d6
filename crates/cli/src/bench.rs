//! `accord bench http`: starts the real server (this binary, `serve`) on demonstration data
//! in a temporary folder and measures what the foundation promises: start-up time, page and
//! API latency, and resident memory. It prints figures; it never passes or fails on them.

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
            ("password", &accord_web::demo::demo_password("admin")),
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
