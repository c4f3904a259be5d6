//! Hostile files over HTTP (the file limits), on both backends: a long line and a deep JSON are refused (422)
//! naming the row and the limit, and fleet problems come translated, never as raw keys.

use crate::app::TestApp;
use crate::on_both_backends;
use serde_json::Value;

on_both_backends!(a_long_line_and_a_deep_json_are_refused_naming_the_limit,);

async fn a_long_line_and_a_deep_json_are_refused_naming_the_limit(app: &TestApp) {
    let http = reqwest::Client::new();
    let admin = app.token("admin").await;
    let mut long = b"period;flow;reporter;partner;code;value;currency\n".to_vec();
    long.extend(std::iter::repeat_n(b'x', 3 * 1024 * 1024));
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

    let deep = String::from_utf8([b"[".repeat(5_000), b"]".repeat(5_000)].concat()).expect("ascii");
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
