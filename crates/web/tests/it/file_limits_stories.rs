//! Hostile files over HTTP (the file limits), on both backends: a long line, a deep JSON and the declared-range
//! bomb are refused (422) naming the row or sheet and the limit, and fleet problems come translated, never as raw keys.

use crate::app::{TestApp, csrf_in};
use crate::on_both_backends;
use accord_formats::hostile;
use serde_json::Value;

on_both_backends!(
    a_long_line_and_a_deep_json_are_refused_naming_the_limit,
    the_declared_range_bomb_is_refused_at_every_door,
);

async fn a_long_line_and_a_deep_json_are_refused_naming_the_limit(app: &TestApp) {
    let http = reqwest::Client::new();
    let admin = app.token("admin").await;
    let long = hostile::long_line("period;flow;reporter;partner;code;value;currency", 3 * 1024 * 1024);
    let refused = http
        .post(app.url("/api/v1/trade/imports?name=long.csv&source=Могилевоблстат&lang=en"))
        .bearer_auth(&admin)
        .body(long)
        .send()
        .await
        .expect("post");
    assert_eq!(refused.status(), 422);
    let refused: Value = refused.json().await.expect("json");
    let problem = refused["error"]["problems"][0].as_str().unwrap_or_default().to_string();
    assert!(problem.starts_with("Row 2: the row is") && problem.contains("at most 1048576"), "{refused}");
    let detail = &refused["error"]["details"][0];
    assert_eq!(
        (detail["key"].as_str(), detail["args"]["limit"].as_str()),
        (Some("problem-csv-too-large"), Some("line_bytes"))
    );

    let deep = hostile::deep_json(5_000);
    let refused =
        http.put(app.url("/api/v1/logistics/network")).bearer_auth(&admin).body(deep).send().await.expect("put");
    assert_eq!(refused.status(), 422);
    let text = refused.text().await.expect("body");
    assert!(text.contains("допустимо не более 64"), "named in Russian: {text}");
    assert!(!text.contains("recursion limit"), "not serde's English: {text}");

    let meters = "machine;meter;date;value\nX1;odometer;2026-01-05;20x4\n";
    let refused = http
        .post(app.url("/api/v1/fleet/imports/meters?lang=en"))
        .bearer_auth(&admin)
        .body(meters)
        .send()
        .await
        .expect("post");
    assert_eq!(refused.status(), 422);
    let text = refused.text().await.expect("body");
    assert!(text.contains("not a whole number"), "{text}");
    assert!(!text.contains("\"problem-fleet-invalid(") && !text.contains("problem-file-empty\""), "{text}");
}

/// The 5 KB workbook that declares every cell of a sheet (it used to abort the server) is refused
/// naming the limit through each door that reads a workbook, and the server keeps serving.
async fn the_declared_range_bomb_is_refused_at_every_door(app: &TestApp) {
    let http = reqwest::Client::new();
    let admin = app.token("admin").await;
    let bomb = hostile::declared_range_bomb();
    for (method, path) in [
        (reqwest::Method::POST, "/api/v1/trade/imports?name=bomb.xlsx&source=Могилевоблстат&lang=en"),
        (reqwest::Method::PUT, "/api/v1/logistics/network?lang=en"),
        (reqwest::Method::POST, "/api/v1/fleet/imports/fleet?file_name=bomb.xlsx&lang=en"),
    ] {
        let refused =
            http.request(method, app.url(path)).bearer_auth(&admin).body(bomb.clone()).send().await.expect("send");
        assert_eq!(refused.status(), 422, "{path}");
        // The network's refusals list problems with their JSON paths; the others, as text with
        // details beside: both carry the key and the translated sentence.
        let body = refused.text().await.expect("body");
        assert!(body.contains("\"problem-xlsx-too-large\""), "{path}: {body}");
        assert!(body.contains("the sheet reaches column number 16384, at most column 702"), "{path}: {body}");
    }

    let client = app.sign_in("coord.by").await;
    let csrf = csrf_in(&app.page(&client, "/plan/import").await);
    let form = reqwest::multipart::Form::new()
        .text("_csrf", csrf)
        .text("plan", "KHV-MOG-2025")
        .text("dry_run", "1")
        .part("file", reqwest::multipart::Part::bytes(bomb).file_name("plan.xlsx"));
    let refused = client.post(app.url("/plan/import?lang=en")).multipart(form).send().await.expect("post");
    assert_eq!(refused.status(), 422);
    let html = refused.text().await.expect("body");
    assert!(html.contains("the sheet reaches column number 16384"), "{html}");

    // Past the page's body limit (10 MiB and the form) the limit layer answers before any handler: a page
    // that says why, not an empty 413. The request declares 12 MiB and sends none of it: a client
    // still sending when the server answers may lose the answer to the closed connection.
    let html = {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let url = app.url("/");
        let address = url.trim_start_matches("http://").trim_end_matches('/');
        let mut stream = tokio::net::TcpStream::connect(address).await.expect("connect");
        let head = format!(
            "POST /plan/import?lang=en HTTP/1.1\r\nHost: {address}\r\nContent-Type: multipart/form-data; boundary=x\r\n\
             Content-Length: {}\r\nConnection: close\r\n\r\n",
            12 * 1024 * 1024
        );
        stream.write_all(head.as_bytes()).await.expect("send");
        let mut answer = Vec::new();
        stream.read_to_end(&mut answer).await.expect("answer");
        String::from_utf8_lossy(&answer).to_string()
    };
    assert!(html.starts_with("HTTP/1.1 413"), "{html}");
    assert!(
        html.contains("larger than this form accepts: plan tables, attachments and evidence up to 10 MiB"),
        "{html}"
    );

    let health = http.get(app.url("/healthz")).send().await.expect("healthz");
    assert_eq!(health.status(), 200, "still serving");
}
