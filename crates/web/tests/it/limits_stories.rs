//! Hostile numbers and text through the API and the pages, on both backends: huge page
//! numbers, absurd meter readings, and formula-like names in the CSV export.

use crate::app::TestApp;
use crate::on_both_backends;
use serde_json::{Value, json};

on_both_backends!(
    huge_page_numbers_give_empty_pages_not_errors,
    absurd_meter_readings_are_refused_naming_the_field,
    formula_like_names_are_exported_as_text,
);

async fn huge_page_numbers_give_empty_pages_not_errors(app: &TestApp) {
    let token = app.token("admin").await;
    let http = reqwest::Client::new();
    for list in [
        "/api/v1/organisations",
        "/api/v1/people",
        "/api/v1/audit",
        "/api/v1/fleet/workorders",
        "/api/v1/measures",
        "/api/v1/fleet/machines",
    ] {
        for page in ["9223372036854775807", "1000000001", "0", "-9223372036854775808"] {
            let url = app.url(&format!("{list}?page={page}&per_page=9223372036854775807"));
            let response = http.get(url).bearer_auth(&token).send().await.expect("get");
            assert_eq!(response.status(), 200, "{list}?page={page}");
            let body: Value = response.json().await.expect("json");
            let items = body["items"].as_array().unwrap_or_else(|| panic!("{list}: {body}"));
            if page.len() > 3 && !page.starts_with('-') {
                assert!(items.is_empty(), "{list}?page={page} lies past the end");
            } else {
                assert!(!items.is_empty(), "{list}?page={page} is the first page");
            }
        }
    }
    let client = app.sign_in("admin").await;
    for page in [
        "/directory/organisations",
        "/directory/people",
        "/admin/audit",
        "/fleet/workorders",
        "/plan/measures",
        "/fleet",
    ] {
        let response = client.get(app.url(&format!("{page}?page=9223372036854775807"))).send().await.expect("get");
        assert_eq!(response.status(), 200, "{page}");
    }
}

async fn absurd_meter_readings_are_refused_naming_the_field(app: &TestApp) {
    let admin = app.token("admin").await;
    let http = reqwest::Client::new();
    let machines = app.api_json(&admin, "/api/v1/fleet/machines?per_page=1").await;
    let machine = machines["items"][0]["id"].as_str().expect("a machine").to_string();
    for (value, reason) in [
        (json!(i64::MAX), "больше"),
        (json!("9223372036854775807"), "больше"),
        (json!(1_000_001), "больше"),
        (json!("99999999999999999999999"), ""),
    ] {
        let response = http
            .post(app.url("/api/v1/fleet/readings"))
            .bearer_auth(&admin)
            .json(&json!({ "machine": machine, "meter": "engine_hours", "date": "2030-01-01", "value": value }))
            .send()
            .await
            .expect("post");
        assert_eq!(response.status(), 422, "{value}");
        let body: Value = response.json().await.expect("json");
        assert_eq!(body["error"]["field"], "value", "{value}: {body}");
        assert!(body["error"]["message"].as_str().is_some_and(|m| m.contains(reason)), "{value}: {body}");
    }
}

async fn formula_like_names_are_exported_as_text(app: &TestApp) {
    // An executor renames its own organisation to a spreadsheet formula.
    let hostile = "=HYPERLINK(\"http://evil.example\",\"МАЗ\")";
    let exec = app.token("exec.maz").await;
    let maz = app.store.organisation_by_code("MAZ").await.expect("MAZ");
    let mut body = serde_json::to_value(accord_domain::directory::OrganisationForm::from(&maz.data)).expect("json");
    body["name_short_ru"] = json!(hostile);
    body["version"] = json!(maz.version);
    let renamed = reqwest::Client::new()
        .put(app.url(&format!("/api/v1/organisations/{}", maz.id)))
        .bearer_auth(&exec)
        .json(&body)
        .send()
        .await
        .expect("put");
    assert_eq!(renamed.status(), 200, "{}", renamed.text().await.unwrap_or_default());

    let client = app.sign_in("admin").await;
    let response = client.get(app.url("/plan/measures/export?format=csv")).send().await.expect("csv");
    assert_eq!(response.status(), 200);
    let bytes = response.bytes().await.expect("body");
    let text = String::from_utf8_lossy(&bytes);
    assert!(text.contains("\"'=HYPERLINK(\"\"http://evil.example\"\""), "the name is escaped:\n{text}");
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(b';')
        .from_reader(bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes));
    for record in reader.records() {
        for cell in record.expect("record").iter() {
            assert!(!cell.starts_with(['=', '+', '-', '@', '\t', '\r']), "unescaped cell {cell:?}");
        }
    }
    // Our own export reads back with the name as typed.
    let table = accord_formats::read_csv(&bytes).expect("a readable plan table");
    let names: Vec<&String> = table
        .rows
        .iter()
        .flat_map(|r| match r {
            accord_formats::PlanRow::Measure(m) => m.executors_by.iter().collect::<Vec<_>>(),
            accord_formats::PlanRow::Section(_) => Vec::new(),
        })
        .collect();
    assert!(names.iter().any(|n| n.starts_with("=HYPERLINK(\"http://evil.example\"")), "{names:?}");
}
