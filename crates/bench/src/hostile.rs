//! `accord bench hostile`: the files that used to stop the service, sent through every door
//! that reads them, each answer timed with the peak memory it cost.
//!
//! - The declared-range bomb (a 5 KB workbook declaring every cell of a sheet), a CSV of one
//!   endless line (by default 60 MiB, just under the size a file read whole may have, so that
//!   the line limit, not the size limit, has to stop it) and a JSON nested 100,000 deep.
//! - The command line: `accord import KIND FILE` for every import kind, a child process each;
//!   its peak is the kernel's (`ru_maxrss` from `wait4`), so it is exact however short the run.
//! - The server: the same files through the API (trade, network, fleet) and the plan import
//!   page, one request each; the server's peak (VmHWM) is reset before each request
//!   (`/proc/PID/clear_refs`), so each figure is that request's own peak, baseline included;
//!   the column "request" is that peak less the server's resident memory just before.
//!
//! Every answer must be a refusal (exit 2, HTTP 422, or 413 where a route's size limit comes
//! first); the table says what each one was. The
//! project's targets: under 1 s and under 100 MB for each.

use crate::http::{command, run_to_end, session_cookie, start, stop};
use crate::measure::{memory_mib, secs, temp_dir};
use crate::{BenchError, Result};
use accord_formats::hostile;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// One answer of a door to one file.
struct Answer {
    door: String,
    file: &'static str,
    answer: String,
    time: Duration,
    peak_mib: Option<f64>,
    /// The server's resident memory before the request (its peak less this is the request's own).
    before_mib: Option<f64>,
    message: String,
}

fn print(answers: &[Answer]) {
    println!(
        "{:<38} {:<10} {:>7} {:>8} {:>9} {:>9}  message",
        "door", "file", "answer", "seconds", "peak MiB", "request"
    );
    for a in answers {
        let message: String = a.message.lines().next().unwrap_or_default().chars().take(90).collect();
        let peak = a.peak_mib.map_or("n/a".to_string(), |p| format!("{p:.1}"));
        let own = match (a.peak_mib, a.before_mib) {
            (Some(peak), Some(before)) => format!("+{:.1}", peak - before),
            _ => "-".to_string(),
        };
        println!("{:<38} {:<10} {:>7} {:>8} {:>9} {:>9}  {message}", a.door, a.file, a.answer, secs(a.time), peak, own);
    }
    let worst_time = answers.iter().map(|a| a.time).max().unwrap_or_default();
    let worst_peak = answers.iter().filter_map(|a| a.peak_mib).fold(0.0, f64::max);
    let worst_request = answers.iter().filter_map(|a| Some(a.peak_mib? - a.before_mib?)).fold(0.0, f64::max);
    let refused = answers.iter().filter(|a| ["exit 2", "422", "413", "closed"].contains(&a.answer.as_str())).count();
    println!(
        "{refused} of {} refused (exit 2, 422, or 413/closed past a route's size limit); slowest {}, highest peak {worst_peak:.1} MiB (a request's own at most {worst_request:.1} MiB)   target < 1 s, < 100 MB",
        answers.len(),
        secs(worst_time)
    );
}

/// The hostile files, written into `dir`: (name, path).
fn write_files(dir: &Path, long_mib: usize) -> Result<Vec<(&'static str, PathBuf)>> {
    let files = [
        ("bomb.xlsx", hostile::declared_range_bomb()),
        // The trade template's header, so that every reader gets past its header to the line.
        ("long.csv", hostile::long_line("period;flow;reporter;partner;code;value;currency", long_mib * 1024 * 1024)),
        ("deep.json", hostile::deep_json(100_000)),
    ];
    files
        .into_iter()
        .map(|(name, bytes)| {
            let path = dir.join(name);
            std::fs::write(&path, bytes).map_err(BenchError::other)?;
            Ok((name, path))
        })
        .collect()
}

/// What the command line's imports are given: each kind with the files its readers take.
const CLI_CASES: &[(&str, &[&str])] = &[
    ("plan", &["bomb.xlsx", "long.csv"]),
    ("trade", &["bomb.xlsx", "long.csv"]),
    ("network", &["bomb.xlsx", "deep.json"]),
    ("fleet", &["bomb.xlsx", "long.csv"]),
    ("meters", &["bomb.xlsx", "long.csv"]),
    ("workorders", &["bomb.xlsx", "long.csv"]),
    ("rates", &["deep.json"]),
];

/// Runs `accord … import KIND FILE` to its end: exit code, time, peak memory, standard error.
fn run_import(accord: &Path, data: &Path, database: Option<&str>, kind: &str, file: &Path) -> Result<Answer> {
    // On PostgreSQL nothing else makes the data folder.
    std::fs::create_dir_all(data).map_err(BenchError::other)?;
    let errors = data.join("import.stderr");
    let mut cmd = std::process::Command::new(accord);
    cmd.arg("--data").arg(data).args(["-q", "--lang", "en"]);
    if let Some(url) = database {
        cmd.arg("--database").arg(url);
    }
    cmd.args(["import", kind]).arg(file).env_remove("RUST_LOG");
    cmd.stdout(std::process::Stdio::null()).stderr(std::fs::File::create(&errors).map_err(BenchError::other)?);
    let started = Instant::now();
    let child = cmd.spawn().map_err(|e| BenchError::failed(format!("cannot run accord: {e}")))?;
    let (code, peak_kib) = wait_with_peak(child.id())?;
    let time = started.elapsed();
    Ok(Answer {
        door: format!("accord import {kind}"),
        file: "",
        answer: code.map_or("killed".to_string(), |c| format!("exit {c}")),
        time,
        peak_mib: Some(peak_kib as f64 / 1024.0),
        before_mib: None,
        message: std::fs::read_to_string(&errors).unwrap_or_default(),
    })
}

/// Waits for the child `pid` to end; its exit code (None when a signal ended it) and the peak
/// resident memory the kernel recorded for it, in KiB.
fn wait_with_peak(pid: u32) -> Result<(Option<i32>, i64)> {
    let pid = libc::pid_t::try_from(pid).map_err(BenchError::other)?;
    let mut status: libc::c_int = 0;
    // SAFETY: `rusage` is plain data the kernel fills; wait4 reaps our own child, which
    // `std::process::Child` never waits for afterwards (it is dropped without `wait`).
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let reaped = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    if reaped != pid {
        return Err(BenchError::failed(format!("wait4: {}", std::io::Error::last_os_error())));
    }
    let code = libc::WIFEXITED(status).then(|| libc::WEXITSTATUS(status));
    Ok((code, usage.ru_maxrss))
}

/// Resets the peak resident memory (VmHWM) of `pid` to what it holds now.
fn reset_peak(pid: Option<u32>) {
    if let Some(pid) = pid {
        let _ = std::fs::write(format!("/proc/{pid}/clear_refs"), "5");
    }
}

/// `accord bench hostile`.
pub async fn hostile(accord: &Path, long_mib: usize, database: Option<&str>) -> Result<()> {
    let base_dir = temp_dir("hostile")?;
    let data = base_dir.join("data");
    let backend = if database.is_some() { "PostgreSQL" } else { "SQLite" };
    println!("accord bench hostile — {backend}, the demo data, a {long_mib} MiB line");
    let mut demo = command(accord, &data, database);
    demo.args(["demo", "--force"]);
    run_to_end(demo).await?;
    let files = write_files(&base_dir, long_mib)?;
    let path_of = |name: &str| files.iter().find(|(n, _)| *n == name).map(|(_, p)| p.clone());

    let mut answers = Vec::new();
    for (kind, names) in CLI_CASES {
        for name in *names {
            let file = path_of(name).ok_or_else(|| BenchError::failed(format!("no {name}")))?;
            let (accord, data, database, kind) =
                (accord.to_path_buf(), data.clone(), database.map(str::to_string), kind.to_string());
            let mut answer =
                tokio::task::spawn_blocking(move || run_import(&accord, &data, database.as_deref(), &kind, &file))
                    .await
                    .map_err(BenchError::other)??;
            answer.file = name;
            answers.push(answer);
        }
    }

    let mut token_cmd = command(accord, &data, database);
    token_cmd.args(["user", "token", "admin", "--label", "bench-hostile"]);
    let token = run_to_end(token_cmd).await?.trim().to_string();
    let (server, _) = start(accord, &data, database).await?;
    let pid = server.child.id();
    let base = server.base.clone();
    let client = reqwest::Client::new();
    // (method, route, query with FILE for the file's name, files)
    let api_cases: &[(reqwest::Method, &str, &str, &[&'static str])] = &[
        (reqwest::Method::POST, "/api/v1/trade/imports", "source=bench&name=FILE", &["bomb.xlsx", "long.csv"]),
        (reqwest::Method::PUT, "/api/v1/logistics/network", "dry_run=true", &["bomb.xlsx", "deep.json"]),
        (reqwest::Method::POST, "/api/v1/fleet/imports/fleet", "file_name=FILE", &["bomb.xlsx", "long.csv"]),
        (reqwest::Method::POST, "/api/v1/fleet/imports/meters", "file_name=FILE", &["bomb.xlsx", "long.csv"]),
        (reqwest::Method::POST, "/api/v1/fleet/imports/workorders", "file_name=FILE", &["bomb.xlsx", "long.csv"]),
    ];
    for (method, route, query, names) in api_cases {
        for name in *names {
            let url = format!("{base}{route}?lang=en&{}", query.replace("FILE", name));
            let file = path_of(name).ok_or_else(|| BenchError::failed(format!("no {name}")))?;
            let bytes = std::fs::read(&file).map_err(BenchError::other)?;
            reset_peak(pid);
            let before_mib = memory_mib(pid).0;
            let started = Instant::now();
            let response = client
                .request(method.clone(), url)
                .bearer_auth(&token)
                .body(bytes)
                .send()
                .await
                .map_err(BenchError::other)?;
            let status = response.status().as_u16();
            let body = response.text().await.unwrap_or_default();
            let time = started.elapsed();
            answers.push(Answer {
                door: format!("{method} {route}"),
                file: name,
                answer: status.to_string(),
                time,
                peak_mib: memory_mib(pid).1,
                before_mib,
                message: api_problem(&body),
            });
        }
    }
    let cookie = session_cookie(&base, "coord.by").await?;
    for name in ["bomb.xlsx", "long.csv"] {
        let file = path_of(name).ok_or_else(|| BenchError::failed(format!("no {name}")))?;
        let page = client
            .get(format!("{base}/plan/import"))
            .header(reqwest::header::COOKIE, &cookie)
            .send()
            .await
            .map_err(BenchError::other)?;
        let csrf = crate::http::csrf_token(&page.text().await.map_err(BenchError::other)?)?;
        let bytes = std::fs::read(&file).map_err(BenchError::other)?;
        let form = reqwest::multipart::Form::new()
            .text("_csrf", csrf)
            .text("plan", "KHV-MOG-2025")
            .text("dry_run", "1")
            .part("file", reqwest::multipart::Part::bytes(bytes).file_name(name));
        reset_peak(pid);
        let before_mib = memory_mib(pid).0;
        let started = Instant::now();
        let sent = client
            .post(format!("{base}/plan/import?lang=en"))
            .header(reqwest::header::COOKIE, &cookie)
            .multipart(form)
            .send()
            .await;
        // A body past the form's limit is answered (413) and the connection closed before the
        // client has sent it all: the client may see only the closed connection.
        let (answer, message) = match sent {
            Ok(response) => {
                let status = response.status().as_u16().to_string();
                (status, page_problem(&response.text().await.unwrap_or_default()))
            }
            Err(e) => ("closed".to_string(), format!("the server closed the upload: {e}")),
        };
        answers.push(Answer {
            door: "POST /plan/import (page)".to_string(),
            file: name,
            answer,
            time: started.elapsed(),
            peak_mib: memory_mib(pid).1,
            before_mib,
            message,
        });
    }
    stop(server).await;
    print(&answers);
    let _ = std::fs::remove_dir_all(&base_dir);
    Ok(())
}

/// The first problem of an API refusal, or its message.
fn api_problem(body: &str) -> String {
    let json: serde_json::Value = serde_json::from_str(body).unwrap_or_default();
    let error = &json["error"];
    let first = &error["problems"][0];
    first.as_str().or(first["message"].as_str()).or(error["message"].as_str()).unwrap_or(body).to_string()
}

/// The text of the import page's problem list (its first item), tags removed.
fn page_problem(html: &str) -> String {
    let Some(start) = html.find("id=\"import-problems\"") else { return String::new() };
    let rest = &html[start..];
    let item = rest.split("<li").nth(1).unwrap_or_default();
    let mut text = String::new();
    let mut in_tag = true;
    for c in item.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            _ if !in_tag => text.push(c),
            _ => {}
        }
        if text.len() > 200 {
            break;
        }
    }
    text.trim().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn problems_are_read_from_the_api_and_the_page() {
        let body = r#"{"error":{"code":"invalid_file","message":"The file","problems":["Sheet «План»: too wide"]}}"#;
        assert_eq!(api_problem(body), "Sheet «План»: too wide");
        let html = r#"<ul id="import-problems"><li class="x">Row 2: <b>long</b></li></ul>"#;
        assert_eq!(page_problem(html), "Row 2: long");
    }
}
