//! `accord bench plan`: the plan module's speed targets on a generated plan (`accord demo
//! --scale N`): the measures table (HTML and JSON) under concurrent load with wrk, or a built-in
//! load generator when wrk is absent; the server's memory; the plan's XLSX export and import.

use crate::http::{command, run_to_end, session_cookie, start, stop};
use crate::measure::{available_cpus, load_average, memory_mib, mib, millis, percentile, secs, temp_dir};
use crate::{BenchError, Result};
use std::path::Path;
use std::time::{Duration, Instant};
use tokio::process::Command;

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
async fn timed(cmd: Command) -> Result<(String, Duration)> {
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

async fn run_wrk(url: &str, header: &str, seconds: u64, connections: usize) -> Result<Load> {
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
        .map_err(|e| BenchError::failed(format!("cannot run {WRK}: {e}")))?;
    let report = String::from_utf8_lossy(&out.stdout).to_string();
    if !out.status.success() {
        return Err(BenchError::failed(format!("wrk failed: {} {}", report, String::from_utf8_lossy(&out.stderr))));
    }
    let mut load =
        parse_wrk(&report).ok_or_else(|| BenchError::failed(format!("cannot read wrk's report:\n{report}")))?;
    load.generator = format!("wrk ({threads} threads, {connections} connections)");
    Ok(load)
}

/// The fallback when wrk is absent: `connections` tasks sending requests back to back on
/// keep-alive connections for `seconds`; every latency is kept and sorted.
async fn run_builtin(url: &str, header: (&str, &str), seconds: u64, connections: usize) -> Result<Load> {
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let started = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..connections {
        let client = reqwest::Client::builder().pool_max_idle_per_host(1).build().map_err(BenchError::other)?;
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
        let (t, e) = task.await.map_err(BenchError::other)?;
        times.extend(t);
        errors += e;
    }
    let elapsed = started.elapsed();
    if times.is_empty() {
        return Err(BenchError::failed("the load generator sent no request"));
    }
    times.sort();
    Ok(Load {
        generator: format!("built-in ({connections} concurrent reqwest clients; wrk not found at {WRK})"),
        requests: times.len() as u64,
        per_second: times.len() as f64 / elapsed.as_secs_f64(),
        p50: percentile(&times, 0.5),
        p99: percentile(&times, 0.99),
        errors,
    })
}

async fn load(base: &str, route: &str, header: (&str, &str), options: &PlanOptions) -> Result<Load> {
    let url = format!("{base}{route}");
    // Warm up: caches, the connection pool, SQLite's page cache.
    let client = reqwest::Client::new();
    for _ in 0..50 {
        client.get(&url).header(header.0, header.1).send().await.map_err(BenchError::other)?;
    }
    let connections = options.connections.max(1);
    if Path::new(WRK).exists() {
        run_wrk(&url, &format!("{}: {}", header.0, header.1), options.duration.max(1), connections).await
    } else {
        run_builtin(&url, header, options.duration.max(1), connections).await
    }
}

/// Checks that a route answers 200 with a full page of trade measures; returns the body size.
async fn check_route(base: &str, route: &str, header: (&str, &str), json: bool) -> Result<usize> {
    let response = reqwest::Client::new()
        .get(format!("{base}{route}"))
        .header(header.0, header.1)
        .send()
        .await
        .map_err(BenchError::other)?;
    let status = response.status();
    let body = response.text().await.map_err(BenchError::other)?;
    if !status.is_success() {
        return Err(BenchError::failed(format!("GET {route}: {status}")));
    }
    if json {
        let value: serde_json::Value =
            serde_json::from_str(&body).map_err(|e| BenchError::failed(format!("GET {route}: not JSON: {e}")))?;
        let items = value["items"].as_array().map_or(0, Vec::len);
        let total = value["total"].as_u64().unwrap_or(0);
        if items == 0 || items as u64 != total.min(100) {
            return Err(BenchError::failed(format!("GET {route}: {items} items of {total}, expected a page of 100")));
        }
    } else if !body.contains("<table") {
        return Err(BenchError::failed(format!("GET {route}: no table in the page (signed out?)")));
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
async fn measure_total(base: &str, bearer: &str) -> Result<u64> {
    let url = format!("{base}/api/v1/measures?plan={}&per_page=1", accord_demo::scale::PLAN_CODE);
    let response =
        reqwest::Client::new().get(url).header("Authorization", bearer).send().await.map_err(BenchError::other)?;
    let value: serde_json::Value = response.json().await.map_err(BenchError::other)?;
    value["total"].as_u64().ok_or_else(|| BenchError::failed("GET /api/v1/measures: no total"))
}

/// The counts of an import's one-line report ("… 0 created, 0 updated, 10056 unchanged; …").
fn import_summary(stdout: &str) -> String {
    let line = stdout.lines().find(|l| l.starts_with("imported")).unwrap_or(stdout.trim());
    line.split_once(": ").map_or(line, |(_, rest)| rest).split(';').next().unwrap_or_default().trim().to_string()
}

/// `accord bench plan`: every step runs `accord` (that binary) as a child process on a
/// temporary folder, or on the given PostgreSQL databases, which must be empty.
pub async fn plan(accord: &Path, options: PlanOptions) -> Result<()> {
    let plan_code = accord_demo::scale::PLAN_CODE;
    let data = temp_dir("plan")?;
    let database = options.postgres.as_deref();
    let backend = if database.is_some() { "PostgreSQL" } else { "SQLite" };
    let n = options.measures;
    let load_start = load_average();
    eprintln!("bench plan ({backend}): generating {n} measures…");

    // 1. The generated plan. No --force: a PostgreSQL database must be empty.
    let mut demo = command(accord, &data, database);
    demo.args(["demo", "--scale", &n.to_string()]);
    let (generated, generate_time) = timed(demo).await.map_err(|e| {
        if database.is_some() { BenchError::failed(format!("{e} (the --postgres database must be empty)")) } else { e }
    })?;
    let values = scale_figure(&generated, "indicator values").unwrap_or(0);
    let indicators = scale_figure(&generated, "indicators").unwrap_or(0);
    let updated = scale_figure(&generated, "measures updated once").unwrap_or(0);
    let phases = generated.lines().find(|l| l.starts_with("scale:")).and_then(|l| l.split_once("; ")).map(|(_, p)| p);
    let mut token_cmd = command(accord, &data, database);
    token_cmd.args(["user", "token", "admin", "--label", "bench-plan"]);
    let token = run_to_end(token_cmd).await?.trim().to_string();

    // 2. The server under load.
    eprintln!("bench plan: starting the server and loading it for {} s per route…", options.duration);
    let (server, startup) = start(accord, &data, database).await?;
    let pid = server.child.id();
    let base = server.base.clone();
    let cookie = session_cookie(&base, "admin").await?;
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
    let mut export = command(accord, &data, database);
    export.args(["export", "plan", "--format", "xlsx", "--plan", plan_code, "--out", &file_arg]);
    let (_, export_time) = timed(export).await?;
    let file_size = std::fs::metadata(&file).map_or(0, |m| m.len());
    let mut import = command(accord, &data, database);
    import.args(["import", "plan", &file_arg, "--plan", plan_code]);
    let (same_out, same_time) = timed(import).await?;

    let fresh = temp_dir("plan-fresh")?;
    let (fresh_database, fresh_label) = match (&options.postgres, &options.postgres_fresh) {
        (Some(_), Some(url)) => (Some(url.as_str()), "fresh PostgreSQL store"),
        (Some(_), None) => (None, "fresh SQLite store (no --postgres-fresh given)"),
        (None, _) => (None, "fresh SQLite store"),
    };
    let mut fresh_demo = command(accord, &fresh, fresh_database);
    fresh_demo.arg("demo");
    run_to_end(fresh_demo).await.map_err(|e| {
        if fresh_database.is_some() {
            BenchError::failed(format!("{e} (the --postgres-fresh database must be empty)"))
        } else {
            e
        }
    })?;
    let mut import = command(accord, &fresh, fresh_database);
    import.args(["import", "plan", &file_arg, "--plan", plan_code]);
    let (fresh_out, fresh_time) = timed(import).await?;
    let db_size = std::fs::metadata(data.join("accord.db")).ok().map(|m| m.len());
    let _ = std::fs::remove_dir_all(&data);
    let _ = std::fs::remove_dir_all(&fresh);

    // 4. The figures.
    let ms = |d: Duration| millis(d, 2);
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
    println!("{:<40} {:>10}", "server start-up", ms(startup));
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
    pair("  latency p50", ms(html.p50), ms(json.p50), "");
    pair("  latency p99", ms(html.p99), ms(json.p99), "< 20 ms");
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
