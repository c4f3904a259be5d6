//! `accord bench http`, and what the HTTP benchmarks share: `accord` run as a child process
//! (a command to its end, or the server until stopped) and a small client that signs in
//! through the form as a browser does.

use crate::measure::{available_cpus, mib, millis, percentile, rss_mib, temp_dir};
use crate::{BenchError, Result};
use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

/// `accord serve`, running as a child process.
pub(crate) struct Server {
    pub child: Child,
    /// `http://127.0.0.1:PORT`
    pub base: String,
}

/// `accord --data DATA -q [--database URL]`, ready for a command's arguments.
pub(crate) fn command(accord: &Path, data: &Path, database: Option<&str>) -> Command {
    let mut cmd = Command::new(accord);
    cmd.arg("--data").arg(data).arg("-q");
    if let Some(url) = database {
        cmd.arg("--database").arg(url);
    }
    cmd.env_remove("RUST_LOG");
    cmd
}

/// Runs an accord command to its end; its standard output, or its standard error as the error.
pub(crate) async fn run_to_end(mut cmd: Command) -> Result<String> {
    let out = cmd.output().await.map_err(|e| BenchError::failed(format!("cannot run accord: {e}")))?;
    if !out.status.success() {
        return Err(BenchError::failed(format!("accord failed: {}", String::from_utf8_lossy(&out.stderr).trim())));
    }
    Ok(String::from_utf8_lossy(&out.stdout).to_string())
}

/// Starts `accord serve` on a free port; returns when /healthz answers, with the time taken.
pub(crate) async fn start(accord: &Path, data: &Path, database: Option<&str>) -> Result<(Server, Duration)> {
    let started = Instant::now();
    let mut cmd = command(accord, data, database);
    cmd.args(["serve", "--demo", "--addr", "127.0.0.1:0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .kill_on_drop(true);
    let mut child = cmd.spawn().map_err(|e| BenchError::failed(format!("cannot start the server: {e}")))?;
    let stdout = child.stdout.take().ok_or_else(|| BenchError::failed("no server stdout"))?;
    let mut lines = BufReader::new(stdout).lines();
    let base = loop {
        let line = lines
            .next_line()
            .await
            .map_err(BenchError::other)?
            .ok_or_else(|| BenchError::failed("the server exited before listening"))?;
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
            return Err(BenchError::failed("the server did not become healthy within 30 s"));
        }
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    Ok((Server { child, base }, started.elapsed()))
}

/// Stops the server as an operator would (SIGTERM) and waits up to 10 s for it to end.
pub(crate) async fn stop(mut server: Server) {
    if let Some(pid) = server.child.id() {
        let _ = Command::new("kill").arg("-TERM").arg(pid.to_string()).status().await;
    }
    let _ = tokio::time::timeout(Duration::from_secs(10), server.child.wait()).await;
}

/// The CSRF token of the sign-in page's form.
pub(crate) fn csrf_token(html: &str) -> Result<String> {
    html.split("name=\"_csrf\" value=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .map(str::to_string)
        .ok_or_else(|| BenchError::failed("no CSRF token on the sign-in page"))
}

/// Signs in as a demo user through the form, as a browser does; returns the
/// `Cookie` header value (for load generators that take a header, not a cookie store).
pub(crate) async fn session_cookie(base: &str, login: &str) -> Result<String> {
    let client =
        reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().map_err(BenchError::other)?;
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
    let page = client.get(format!("{base}/login")).send().await.map_err(BenchError::other)?;
    keep(&mut jar, &page);
    let cookie = |jar: &[(String, String)]| jar.iter().map(|(n, v)| format!("{n}={v}")).collect::<Vec<_>>().join("; ");
    let pre = cookie(&jar);
    let html = page.text().await.map_err(BenchError::other)?;
    let csrf = csrf_token(&html)?;
    let signed_in = client
        .post(format!("{base}/login"))
        .header(reqwest::header::COOKIE, pre)
        .form(&[("login", login), ("password", &accord_demo::demo_password(login)), ("_csrf", &csrf), ("next", "/")])
        .send()
        .await
        .map_err(BenchError::other)?;
    keep(&mut jar, &signed_in);
    if !jar.iter().any(|(n, _)| n == accord_web::auth::SESSION_COOKIE) {
        return Err(BenchError::failed(format!("sign-in failed: {} without a session cookie", signed_in.status())));
    }
    Ok(cookie(&jar))
}

/// Latency and throughput of sequential requests.
struct Stats {
    median: Duration,
    p95: Duration,
    p99: Duration,
    per_second: f64,
}

/// Sends `n` requests one after the other (after up to 200 to warm up); every answer must be
/// a success and is read to its end.
async fn measure(n: usize, request: impl Fn() -> reqwest::RequestBuilder) -> Result<Stats> {
    for _ in 0..n.min(200) {
        request().send().await.map_err(BenchError::other)?.bytes().await.ok();
    }
    let mut times = Vec::with_capacity(n);
    let all = Instant::now();
    for _ in 0..n {
        let t = Instant::now();
        let response = request().send().await.map_err(BenchError::other)?;
        if !response.status().is_success() {
            return Err(BenchError::failed(format!("unexpected status {}", response.status())));
        }
        response.bytes().await.map_err(BenchError::other)?;
        times.push(t.elapsed());
    }
    let total = all.elapsed();
    times.sort();
    Ok(Stats {
        median: percentile(&times, 0.5),
        p95: percentile(&times, 0.95),
        p99: percentile(&times, 0.99),
        per_second: n as f64 / total.as_secs_f64(),
    })
}

/// `accord bench http`: the demo data in a temporary folder (or the given PostgreSQL
/// database), the server started from `accord`, `requests` sequential requests per route.
pub async fn http(accord: &Path, requests: usize, postgres: Option<&str>) -> Result<()> {
    let requests = requests.max(10);
    let data = temp_dir("http")?;
    let database = postgres;

    let t = Instant::now();
    let mut demo = command(accord, &data, database);
    demo.arg("demo").arg("--force");
    run_to_end(demo).await?;
    let init = t.elapsed();
    let mut token_cmd = command(accord, &data, database);
    token_cmd.args(["user", "token", "admin", "--label", "bench"]);
    let token = run_to_end(token_cmd).await?.trim().to_string();

    let (server, startup) = start(accord, &data, database).await?;
    let pid = server.child.id();
    tokio::time::sleep(Duration::from_millis(500)).await;
    let rss_idle = rss_mib(pid);

    let client = reqwest::Client::builder().cookie_store(true).build().map_err(BenchError::other)?;
    let base = server.base.clone();
    let login_page = client.get(format!("{base}/login")).send().await.map_err(BenchError::other)?;
    let html = login_page.text().await.map_err(BenchError::other)?;
    let csrf = csrf_token(&html)?;
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
        .map_err(BenchError::other)?;
    if !signed_in.status().is_success() {
        return Err(BenchError::failed(format!("sign-in failed: {}", signed_in.status())));
    }

    let page = measure(requests, || client.get(format!("{base}/directory/organisations"))).await?;
    let api_client = reqwest::Client::new();
    let api =
        measure(requests, || api_client.get(format!("{base}/api/v1/organisations?per_page=100")).bearer_auth(&token))
            .await?;
    let health = measure(requests, || api_client.get(format!("{base}/healthz"))).await?;
    let rss_loaded = rss_mib(pid);

    stop(server).await;
    let _ = std::fs::remove_dir_all(&data);

    let ms = |d: Duration| millis(d, 2);
    let backend = if postgres.is_some() { "PostgreSQL" } else { "SQLite" };
    println!("accord bench http — {backend}, demo data, {requests} sequential requests per route, keep-alive client");
    println!("machine: {} logical CPUs", available_cpus());
    println!("first run (migrate + load demo data): {}", ms(init));
    println!("start-up until /healthz answers:       {}   (target < 300 ms)", ms(startup));
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_csrf_token_of_the_sign_in_form() {
        let html = r#"<form><input type="hidden" name="_csrf" value="abc123"><input name="login"></form>"#;
        assert_eq!(csrf_token(html).ok().as_deref(), Some("abc123"));
        assert!(matches!(csrf_token("<form></form>"), Err(BenchError::Failed(_))));
    }
}
