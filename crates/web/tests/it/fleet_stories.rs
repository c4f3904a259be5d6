//! Fleet over HTTP, on both backends: the machine page, the due list, figures against the
//! domain's, owners seeing only their machines, refusals naming the field, the work order PDF.

use crate::app::{TestApp, csrf_in};
use crate::on_both_backends;
use accord_demo::fleet::{DemoConfig, DemoFleet};
use accord_domain::fleet::kpi::{DateRange, GroupBy, GroupKey, aggregate};
use chrono::NaiveDate;
use serde_json::{Value, json};

on_both_backends!(
    fleet_pages_due_list_and_figures,
    fleet_owners_see_only_their_machines_and_bad_input_is_named,
    fleet_readings_entered_and_voided_by_hand,
    fleet_warranties_flag_order_lines,
    fleet_reservations_and_shipments_on_the_parts_page,
    fleet_assemblies_move_between_machines_with_their_hours,
);

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("date")
}

async fn fleet_pages_due_list_and_figures(app: &TestApp) {
    let http = reqwest::Client::new();
    let admin = app.token("admin").await;
    let get = |path: &str| http.get(app.url(path)).bearer_auth(&admin).send();

    let machines: Value =
        get("/api/v1/fleet/machines?per_page=5&sort=year").await.expect("get").json().await.expect("json");
    assert_eq!(machines["total"], 300, "the standard demo fleet");
    let id = machines["items"][0]["id"].as_str().expect("id").to_string();

    // The machine page: meters with usage per day, next service, orders, figures.
    let client = app.sign_in("coord.khv").await;
    let page = client.get(app.url(&format!("/fleet/machines/{id}"))).send().await.expect("page");
    assert_eq!(page.status(), 200);
    let html = page.text().await.expect("html");
    assert!(html.contains("id=\"meters\"") && html.contains("Моточасы"), "meters shown");
    assert!(html.contains("id=\"next-service\""));
    let data: Value = get(&format!("/api/v1/fleet/machines/{id}")).await.expect("get").json().await.expect("json");
    assert!(data["meters"].as_array().is_some_and(|m| !m.is_empty()));

    // The due list: overdue first.
    let due: Value = get("/api/v1/fleet/due").await.expect("get").json().await.expect("json");
    let rows = due.as_array().expect("rows");
    assert!(!rows.is_empty());
    let first_not_overdue = rows.iter().position(|r| r["overdue"] == false).unwrap_or(rows.len());
    assert!(rows[first_not_overdue..].iter().all(|r| r["overdue"] == false), "overdue first");
    let html = client.get(app.url("/fleet/due")).send().await.expect("due").text().await.expect("html");
    assert!(html.contains("id=\"due\""));

    // One click: preventive orders for two machines of the due list, through the form.
    let csrf = csrf_in(&html);
    let chosen: Vec<String> =
        rows.iter().take(2).map(|r| r["machine"]["id"].as_str().expect("id").to_string()).collect();
    let mut form: Vec<(&str, &str)> = vec![("_csrf", csrf.as_str())];
    for c in &chosen {
        form.push(("machine", c.as_str()));
    }
    let done = client.post(app.url("/fleet/due")).form(&form).send().await.expect("post");
    assert_eq!(done.status(), 303);
    let open: Value = get(&format!("/api/v1/fleet/workorders?open=true&machine={}", chosen[0]))
        .await
        .expect("get")
        .json()
        .await
        .expect("json");
    assert!(
        open["items"].as_array().is_some_and(|o| o.iter().any(|o| o["kind"] == "preventive" && o["status"] == "open"))
    );

    // Figures over HTTP equal the domain's own figures of the same demo fleet.
    let kpi: Value =
        get("/api/v1/fleet/kpi?from=2024-01-01&to=2024-12-31&by=brand").await.expect("get").json().await.expect("json");
    let fleet = DemoFleet::generate(DemoConfig::standard());
    let histories: Vec<_> = fleet.machines.iter().map(|m| m.history()).collect();
    let want = aggregate(&histories, DateRange::new(day(2024, 1, 1), day(2025, 1, 1)).expect("range"), GroupBy::Brand);
    let rows = kpi["rows"].as_array().expect("rows");
    assert_eq!(rows.len(), want.len());
    for w in &want {
        let GroupKey::Brand(b) = &w.key else { panic!("brand rows") };
        let got = rows.iter().find(|r| r["key"]["brand"] == json!(b)).expect("brand row");
        assert_eq!(got["sums"]["days_ready"], json!(w.sums.days_ready));
        let ktg = got["kpi"]["ktg"].as_f64().expect("ktg");
        assert!((ktg - w.kpi.ktg.expect("ktg")).abs() < 1e-12, "{ktg} vs {:?}", w.kpi.ktg);
    }
    let html = client
        .get(app.url("/fleet/kpi?from=2024-01-01&to=2024-12-31&by=model"))
        .send()
        .await
        .expect("kpi")
        .text()
        .await
        .expect("html");
    assert!(html.contains("id=\"formulas\"") && html.contains("<svg"), "formulas and a chart");

    // The parts page with suggested orders; the quarter's figures for the review.
    assert_eq!(client.get(app.url("/fleet/parts")).send().await.expect("parts").status(), 200);
    let q: Value = get("/api/v1/fleet/quarters/2024Q4").await.expect("get").json().await.expect("json");
    assert!(q["ktg"].as_f64().is_some_and(|k| k > 0.0 && k <= 1.0), "{q}");

    // The printable work order: a PDF whose text names the order and the machine.
    let order = &open["items"][0];
    let pdf = client
        .get(app.url(&format!("/fleet/workorders/{}/pdf", order["id"].as_str().expect("id"))))
        .send()
        .await
        .expect("pdf");
    assert_eq!(pdf.status(), 200);
    let bytes = pdf.bytes().await.expect("bytes");
    assert!(bytes.starts_with(b"%PDF-"));
    match pdf_text(&bytes) {
        Some(text) => {
            assert!(text.contains(&format!("№ {}", order["number"])), "order number in: {text}");
            let m: Value =
                get(&format!("/api/v1/fleet/machines/{}", chosen[0])).await.expect("get").json().await.expect("json");
            let model = m["machine"]["model_name"].as_str().expect("model");
            assert!(text.contains(model), "machine model {model} in: {text}");
        }
        None => {
            if accord_store::testing::require_all_tests() {
                panic!("pdftotext (poppler-utils) is required with ACCORD_REQUIRE_ALL_TESTS=1");
            }
            eprintln!("skipped: work order PDF text check (install poppler-utils for pdftotext)");
        }
    }
}

/// The text of a PDF by `pdftotext`, or `None` when the tool is absent.
fn pdf_text(bytes: &[u8]) -> Option<String> {
    let dir = tempfile::tempdir().ok()?;
    let path = dir.path().join("order.pdf");
    std::fs::write(&path, bytes).ok()?;
    let out = std::process::Command::new("pdftotext").arg(&path).arg("-").output().ok()?;
    out.status.success().then(|| String::from_utf8_lossy(&out.stdout).into_owned())
}

async fn fleet_owners_see_only_their_machines_and_bad_input_is_named(app: &TestApp) {
    let http = reqwest::Client::new();
    let owner = app.token(accord_demo::fleet::OWNER_USER).await;
    let admin = app.token("admin").await;
    let all: Value = http
        .get(app.url("/api/v1/fleet/machines?per_page=200"))
        .bearer_auth(&admin)
        .send()
        .await
        .expect("get")
        .json()
        .await
        .expect("json");
    let own: Value = http
        .get(app.url("/api/v1/fleet/machines?per_page=200"))
        .bearer_auth(&owner)
        .send()
        .await
        .expect("get")
        .json()
        .await
        .expect("json");
    let own_items = own["items"].as_array().expect("items");
    assert!(!own_items.is_empty() && own["total"].as_i64() < all["total"].as_i64(), "owners see a part of the fleet");
    let owner_id = own_items[0]["owner"].clone();
    assert!(own_items.iter().all(|m| m["owner"] == owner_id), "only their own machines");
    // Another owner's machine: not found for them, and not in their due list or figures.
    let other = all["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|m| m["owner"] != owner_id)
        .expect("another owner's machine");
    let other_id = other["id"].as_str().expect("id");
    let status = http
        .get(app.url(&format!("/api/v1/fleet/machines/{other_id}")))
        .bearer_auth(&owner)
        .send()
        .await
        .expect("get")
        .status();
    assert_eq!(status, 404);
    let client = app.sign_in(accord_demo::fleet::OWNER_USER).await;
    assert_eq!(client.get(app.url(&format!("/fleet/machines/{other_id}"))).send().await.expect("page").status(), 404);
    let due: Value = http
        .get(app.url("/api/v1/fleet/due"))
        .bearer_auth(&owner)
        .send()
        .await
        .expect("get")
        .json()
        .await
        .expect("json");
    assert!(due.as_array().expect("rows").iter().all(|r| r["machine"]["owner"] == owner_id));
    // Owners do not edit work orders or see the parts store.
    let preventive = http
        .post(app.url("/api/v1/fleet/due/orders"))
        .bearer_auth(&owner)
        .json(&json!({ "machines": [own_items[0]["id"]] }))
        .send()
        .await
        .expect("post");
    assert_eq!(preventive.status(), 403);
    assert_eq!(client.get(app.url("/fleet/parts")).send().await.expect("parts").status(), 403);

    // Bad input: 4xx naming the field.
    let bad_range = http
        .get(app.url("/api/v1/fleet/kpi?from=2024-12-31&to=2024-01-01"))
        .bearer_auth(&admin)
        .send()
        .await
        .expect("get");
    assert_eq!(bad_range.status(), 422);
    let body: Value = bad_range.json().await.expect("json");
    assert_eq!(body["error"]["field"], "to", "{body}");
    let bad_by: Value = http
        .get(app.url("/api/v1/fleet/kpi?by=colour"))
        .bearer_auth(&admin)
        .send()
        .await
        .expect("get")
        .json()
        .await
        .expect("json");
    assert_eq!(bad_by["error"]["field"], "by");
    let machine = own_items[0]["id"].as_str().expect("id");
    let backwards = http
        .post(app.url("/api/v1/fleet/readings"))
        .bearer_auth(&admin)
        .json(&json!({ "machine": machine, "meter": "engine_hours", "date": "2024-12-30", "value": 1 }))
        .send()
        .await
        .expect("post");
    assert_eq!(backwards.status(), 422);
    let body: Value = backwards.json().await.expect("json");
    assert_eq!(body["error"]["field"], "value", "{body}");
    assert!(body["error"]["message"].as_str().is_some_and(|m| m.contains('1')), "{body}");
    let bad_meter = http
        .post(app.url("/api/v1/fleet/readings"))
        .bearer_auth(&admin)
        .json(&json!({ "machine": machine, "meter": "speedo", "date": "2024-12-30", "value": 1 }))
        .send()
        .await
        .expect("post");
    assert_eq!(bad_meter.status(), 422);
    assert_eq!(bad_meter.json::<Value>().await.expect("json")["error"]["field"], "meter");

    // Imports over the API: a VIN taken by another machine is refused naming it; dry run writes nothing.
    let taken_vin = all["items"].as_array().expect("items").iter().find_map(|m| m["vin"].as_str()).expect("a VIN");
    let csv = format!(
        "brand;model;vin;year;owner;district;status;commissioned_on\nМАЗ;МАЗ-5440;{taken_vin};2024;KHV-FLEET-02;Хабаровск;in_service;2024-05-01\n"
    );
    let refused = http
        .post(app.url("/api/v1/fleet/imports/fleet?dry_run=true"))
        .bearer_auth(&admin)
        .body(csv.clone())
        .send()
        .await
        .expect("post");
    let status = refused.status();
    let body: Value = refused.json().await.expect("json");
    assert_eq!(status, 422, "{body}");
    assert!(body.to_string().contains(taken_vin), "{body}");
    // An observer's upload is refused before the file is read: what it sends does not matter.
    let observer = app.token("observer").await;
    let refused = http
        .post(app.url("/api/v1/fleet/imports/meters"))
        .bearer_auth(&observer)
        .body(vec![0xff_u8, 0xfe, 0x00, 0x01])
        .send()
        .await
        .expect("post");
    assert_eq!(refused.status(), 403);
}

/// The reading form and the void form on a machine's page, and the void route of the API.
async fn fleet_readings_entered_and_voided_by_hand(app: &TestApp) {
    let http = reqwest::Client::new();
    let admin = app.token("admin").await;
    let machines: Value = http
        .get(app.url("/api/v1/fleet/machines?per_page=20&sort=year&dir=desc"))
        .bearer_auth(&admin)
        .send()
        .await
        .expect("get")
        .json()
        .await
        .expect("json");
    let list = |id: String, limit: u32| {
        let url = app.url(&format!("/api/v1/fleet/machines/{id}/readings?limit={limit}"));
        let http = http.clone();
        let admin = admin.clone();
        async move { http.get(url).bearer_auth(&admin).send().await.expect("get").json::<Value>().await.expect("json") }
    };
    // A machine with engine hours read: its latest valid reading.
    let mut found = None;
    for m in machines["items"].as_array().expect("items") {
        let id = m["id"].as_str().expect("id").to_string();
        let rows = list(id.clone(), 1000).await;
        let last = rows
            .as_array()
            .expect("rows")
            .iter()
            .find(|r| r["kind"] == "engine_hours" && r["voided"].is_null())
            .cloned();
        if let Some(last) = last {
            found = Some((m.clone(), id, rows.clone(), last));
            break;
        }
    }
    let (machine, id, before, last) = found.expect("a machine with engine-hours readings");
    let readings = |limit: u32| list(id.clone(), limit);
    let (last_value, last_date) = (last["value"].as_i64().expect("value"), last["date"].as_str().expect("date"));

    // The form is on the page, labelled, with the meter, date and value fields.
    let client = app.sign_in("coord.khv").await;
    let page_url = app.url(&format!("/fleet/machines/{id}"));
    let html = client.get(&page_url).send().await.expect("page").text().await.expect("html");
    for needle in ["id=\"reading-form\"", "for=\"f-meter\"", "for=\"f-date\"", "for=\"f-value\"", "data-confirm="] {
        assert!(html.contains(needle), "{needle} on the machine page");
    }
    let csrf = csrf_in(&html);

    // A reading lower than the last one: refused on the page, naming machine, field and value.
    let lower = (last_value - 5).to_string();
    let refused = client
        .post(app.url(&format!("/fleet/machines/{id}/readings")))
        .form(&[("_csrf", csrf.as_str()), ("meter", "engine_hours"), ("date", last_date), ("value", lower.as_str())])
        .send()
        .await
        .expect("post");
    assert_eq!(refused.status(), 422);
    let html = refused.text().await.expect("html");
    let model = machine["model_name"].as_str().expect("model");
    let error = html.split("id=\"form-error\">").nth(1).and_then(|t| t.split("</p>").next()).expect("form error");
    assert!(error.contains(model), "machine named: {error}");
    assert!(error.contains("Показание"), "field named: {error}");
    assert!(error.contains(&lower), "value named: {error}");
    assert!(html.contains("id=\"e-value\""), "the message beside the value field");
    assert!(html.contains(&format!("value=\"{lower}\"")), "the form keeps what was typed");
    assert_eq!(readings(1000).await.as_array().map(Vec::len), before.as_array().map(Vec::len), "nothing written");

    // A bad date: named too.
    let bad = client
        .post(app.url(&format!("/fleet/machines/{id}/readings")))
        .form(&[("_csrf", csrf.as_str()), ("meter", "engine_hours"), ("date", "31.02.2025"), ("value", "1")])
        .send()
        .await
        .expect("post");
    assert_eq!(bad.status(), 422);
    assert!(bad.text().await.expect("html").contains("id=\"e-date\""));

    // A proper reading: stored, listed first, and the meter moves on.
    let higher = last_value + 40;
    let next_day = (NaiveDate::parse_from_str(last_date, "%Y-%m-%d").expect("date") + chrono::Days::new(1)).to_string();
    let added = client
        .post(app.url(&format!("/fleet/machines/{id}/readings")))
        .form(&[
            ("_csrf", csrf.as_str()),
            ("meter", "engine_hours"),
            ("date", next_day.as_str()),
            ("value", higher.to_string().as_str()),
        ])
        .send()
        .await
        .expect("post");
    assert_eq!(added.status(), 303);
    let after = readings(5).await;
    let new = after.as_array().expect("rows").iter().find(|r| r["value"] == higher).expect("the new reading").clone();
    let new_id = new["id"].as_str().expect("id").to_string();
    let data: Value = http
        .get(app.url(&format!("/api/v1/fleet/machines/{id}")))
        .bearer_auth(&admin)
        .send()
        .await
        .expect("get")
        .json()
        .await
        .expect("json");
    let hours =
        data["meters"].as_array().expect("meters").iter().find(|m| m["kind"] == "engine_hours").expect("hours").clone();
    assert_eq!(hours["read_on"], json!(next_day));

    // Voiding from the page: without a note "other" is refused, with a reason it is voided.
    let html = client.get(&page_url).send().await.expect("page").text().await.expect("html");
    assert!(html.contains(&format!("id=\"void-{new_id}\"")), "a void button per reading");
    let void_url = app.url(&format!("/fleet/machines/{id}/readings/{new_id}/void"));
    let refused = client
        .post(&void_url)
        .form(&[("_csrf", csrf.as_str()), ("reason", "other"), ("note", " ")])
        .send()
        .await
        .expect("post");
    assert_eq!(refused.status(), 422);
    let voided = client
        .post(&void_url)
        .form(&[("_csrf", csrf.as_str()), ("reason", "mistyped"), ("note", "")])
        .send()
        .await
        .expect("post");
    assert_eq!(voided.status(), 303);
    let rows = readings(5).await;
    let row = rows.as_array().expect("rows").iter().find(|r| r["id"] == json!(new_id)).expect("still listed");
    assert_eq!(row["voided"], json!("mistyped"), "kept with its reason");
    let data: Value = http
        .get(app.url(&format!("/api/v1/fleet/machines/{id}")))
        .bearer_auth(&admin)
        .send()
        .await
        .expect("get")
        .json()
        .await
        .expect("json");
    let hours =
        data["meters"].as_array().expect("meters").iter().find(|m| m["kind"] == "engine_hours").expect("hours").clone();
    assert_eq!(hours["value"], last["cumulative"], "the meter is back at the last valid reading");

    // The API: voiding twice is refused naming the reading; an owner may not void.
    let twice = http
        .post(app.url(&format!("/api/v1/fleet/readings/{new_id}/void")))
        .bearer_auth(&admin)
        .json(&json!({ "reason": "duplicate" }))
        .send()
        .await
        .expect("post");
    assert_eq!(twice.status(), 422);
    let body: Value = twice.json().await.expect("json");
    assert_eq!(body["error"]["field"], "reading", "{body}");
    let other_id = last["id"].as_str().expect("id");
    let owner = app.token(accord_demo::fleet::OWNER_USER).await;
    let forbidden = http
        .post(app.url(&format!("/api/v1/fleet/readings/{other_id}/void")))
        .bearer_auth(&owner)
        .json(&json!({ "reason": "duplicate" }))
        .send()
        .await
        .expect("post");
    assert_eq!(forbidden.status(), 403);
    let voided: Value = http
        .post(app.url(&format!("/api/v1/fleet/readings/{other_id}/void")))
        .bearer_auth(&admin)
        .json(&json!({ "reason": "other", "note": "счётчик сбоил" }))
        .send()
        .await
        .expect("post")
        .json()
        .await
        .expect("json");
    let row = voided.as_array().expect("rows").iter().find(|r| r["id"] == json!(other_id)).expect("listed");
    assert_eq!(row["voided"], json!({ "other": "счётчик сбоил" }));
}

/// Warranties recorded over the API and on the machine's page flag the lines of repair orders:
/// a machine warranty every line, a part warranty the lines of that part.
async fn fleet_warranties_flag_order_lines(app: &TestApp) {
    let http = reqwest::Client::new();
    let admin = app.token("admin").await;
    let get = |path: String| {
        let (http, admin, url) = (http.clone(), admin.clone(), app.url(&path));
        async move { http.get(url).bearer_auth(&admin).send().await.expect("get").json::<Value>().await.expect("json") }
    };
    let post = |path: String, body: Value| {
        let (http, admin, url) = (http.clone(), admin.clone(), app.url(&path));
        async move { http.post(url).bearer_auth(&admin).json(&body).send().await.expect("post") }
    };
    let machines = get("/api/v1/fleet/machines?per_page=50".into()).await;
    let ident = |m: &Value| m["vin"].as_str().or(m["serial"].as_str()).map(str::to_string);
    let with_vin: Vec<Value> =
        machines["items"].as_array().expect("items").iter().filter(|m| ident(m).is_some()).take(2).cloned().collect();
    let (a, b) = (&with_vin[0], &with_vin[1]);
    let (a_id, b_id) = (a["id"].as_str().expect("id"), b["id"].as_str().expect("id"));
    let stock = get("/api/v1/fleet/stock".into()).await;
    let row =
        stock.as_array().expect("rows").iter().find(|r| r["qty"].as_i64() >= Some(2)).expect("a stocked part").clone();
    let part = row["part"].as_str().expect("part").to_string();

    // Refusals name the field.
    let reversed = post(
        format!("/api/v1/fleet/machines/{b_id}/warranties"),
        json!({ "from": "2025-01-01", "until": "2024-01-01" }),
    )
    .await;
    assert_eq!(reversed.status(), 422);
    assert_eq!(reversed.json::<Value>().await.expect("json")["error"]["field"], "until");
    let unknown = post(
        format!("/api/v1/fleet/machines/{b_id}/warranties"),
        json!({ "part": "NO-SUCH-PART-1", "from": "2020-01-01", "until": "2100-01-01" }),
    )
    .await;
    assert_eq!(unknown.status(), 422);
    assert_eq!(unknown.json::<Value>().await.expect("json")["error"]["field"], "part");
    // B: the whole machine, by date and by a meter limit far ahead.
    let created = post(
        format!("/api/v1/fleet/machines/{b_id}/warranties"),
        json!({ "from": "2000-01-01", "until": "2100-12-31", "note": "гарантия завода" }),
    )
    .await;
    assert_eq!(created.status(), 201);

    // A: one part, through the page's form; without any limit it is refused beside the field.
    let client = app.sign_in("coord.khv").await;
    let html =
        client.get(app.url(&format!("/fleet/machines/{a_id}"))).send().await.expect("page").text().await.expect("html");
    assert!(html.contains("id=\"warranty-form\""));
    let csrf = csrf_in(&html);
    let url = app.url(&format!("/fleet/machines/{a_id}/warranties"));
    let refused = client
        .post(&url)
        .form(&[
            ("_csrf", csrf.as_str()),
            ("part", part.as_str()),
            ("from", "2000-01-01"),
            ("until", ""),
            ("up_to", ""),
        ])
        .send()
        .await
        .expect("post");
    assert_eq!(refused.status(), 422);
    assert!(refused.text().await.expect("html").contains("id=\"e-until\""));
    let done = client
        .post(&url)
        .form(&[("_csrf", csrf.as_str()), ("part", part.as_str()), ("from", "2000-01-01"), ("until", "2100-12-31")])
        .send()
        .await
        .expect("post");
    assert_eq!(done.status(), 303);
    let listed = get(format!("/api/v1/fleet/machines/{a_id}/warranties")).await;
    assert_eq!(listed.as_array().map(Vec::len), Some(1));
    assert_eq!(listed[0]["warranty"]["scope"], json!({ "part": part }));
    let html =
        client.get(app.url(&format!("/fleet/machines/{a_id}"))).send().await.expect("page").text().await.expect("html");
    assert!(html.contains("id=\"warranty-list\"") && html.contains(&part), "listed on the page");

    // Two repair orders; the lines are flagged as the orders are opened and changed.
    let csv = format!(
        "machine;kind;opened_at;operation;hours\n{};repair;2024-11-20 08:00;Диагностика;1\n{};repair;2024-11-20 09:00;Замена насоса;2\n",
        ident(a).expect("ident"),
        ident(b).expect("ident")
    );
    let imported = http
        .post(app.url("/api/v1/fleet/imports/workorders"))
        .bearer_auth(&admin)
        .body(csv)
        .send()
        .await
        .expect("post");
    assert_eq!(imported.status(), 201, "{}", imported.text().await.unwrap_or_default());
    let order_of = |machine: &str| {
        let machine = machine.to_string();
        async move {
            let list = get(format!("/api/v1/fleet/workorders?machine={machine}&open=true&per_page=100")).await;
            list["items"].as_array().expect("items").iter().find(|o| o["kind"] == "repair").expect("repair order")["id"]
                .as_str()
                .expect("id")
                .to_string()
        }
    };
    let (a_order, b_order) = (order_of(a_id).await, order_of(b_id).await);
    let b_stored = get(format!("/api/v1/fleet/workorders/{b_order}")).await;
    assert!(b_stored["order"]["work"][0]["warranty"].is_string(), "machine warranty covers the work: {b_stored}");
    let a_stored = get(format!("/api/v1/fleet/workorders/{a_order}")).await;
    assert!(a_stored["order"]["work"][0]["warranty"].is_null(), "a part warranty does not cover other work");
    let issued = post(
        format!("/api/v1/fleet/workorders/{a_order}/parts"),
        // The order's version it is issued against (a part issue changes the order).
        json!({ "warehouse": row["warehouse"], "bin": row["bin"], "part": part, "qty": 1, "version": a_stored["version"] }),
    )
    .await;
    assert_eq!(issued.status(), 200);
    let issued: Value = issued.json().await.expect("json");
    let line =
        issued["order"]["parts"].as_array().expect("parts").iter().find(|p| p["part"] == json!(part)).expect("line");
    assert!(line["warranty"].is_string(), "the part under warranty is flagged: {issued}");
    assert!(issued["order"]["work"][0]["warranty"].is_null());

    // The order page and the printable order show the flag.
    let html = client
        .get(app.url(&format!("/fleet/workorders/{a_order}")))
        .send()
        .await
        .expect("page")
        .text()
        .await
        .expect("html");
    let parts_table = html.split("id=\"order-parts\"").nth(1).expect("parts table");
    assert!(parts_table.split("</table>").next().is_some_and(|t| t.contains('✓')), "flag on the order page");
    let pdf = client.get(app.url(&format!("/fleet/workorders/{b_order}/pdf"))).send().await.expect("pdf");
    let bytes = pdf.bytes().await.expect("bytes");
    match pdf_text(&bytes) {
        Some(text) => assert!(text.contains("Замена насоса") && text.contains("да"), "warranty flag in: {text}"),
        None => {
            if accord_store::testing::require_all_tests() {
                panic!("pdftotext (poppler-utils) is required with ACCORD_REQUIRE_ALL_TESTS=1");
            }
        }
    }
}

/// Preventive orders reserve their parts (shown on the parts page); a shipment in transit is
/// recorded on the parts page and received there after a confirmation.
async fn fleet_reservations_and_shipments_on_the_parts_page(app: &TestApp) {
    let http = reqwest::Client::new();
    let admin = app.token("admin").await;
    let get = |path: String| {
        let (http, admin, url) = (http.clone(), admin.clone(), app.url(&path));
        async move { http.get(url).bearer_auth(&admin).send().await.expect("get").json::<Value>().await.expect("json") }
    };
    // A preventive order from the due list holds the oil and filters its service needs.
    let due = get("/api/v1/fleet/due".into()).await;
    let machine = due[0]["machine"]["id"].as_str().expect("id").to_string();
    let created: Value = http
        .post(app.url("/api/v1/fleet/due/orders"))
        .bearer_auth(&admin)
        .json(&json!({ "machines": [machine] }))
        .send()
        .await
        .expect("post")
        .json()
        .await
        .expect("json");
    let number = created["numbers"][0].clone();
    let orders = get(format!("/api/v1/fleet/workorders?machine={machine}&open=true")).await;
    let order = orders["items"].as_array().expect("items").iter().find(|o| o["number"] == number).expect("order");
    let held = get(format!("/api/v1/fleet/workorders/{}/reservations", order["id"].as_str().expect("id"))).await;
    let held = held.as_array().expect("rows");
    assert!(!held.is_empty(), "the service's parts in stock are reserved");
    let stock = get("/api/v1/fleet/stock".into()).await;
    let part = held[0]["part"].as_str().expect("part");
    let reserved: i64 = stock
        .as_array()
        .expect("rows")
        .iter()
        .filter(|s| s["part"] == json!(part))
        .map(|s| s["reserved"].as_i64().expect("reserved"))
        .sum();
    assert!(reserved >= held[0]["qty"].as_i64().expect("qty"), "shown as reserved in the stock");

    let client = app.sign_in("coord.khv").await;
    let html = client.get(app.url("/fleet/parts")).send().await.expect("page").text().await.expect("html");
    assert!(html.contains("id=\"shipment-form\"") && html.contains("В резерве"));
    let csrf = csrf_in(&html);
    let row = &stock[0];
    let (warehouse, stocked_part) = (row["warehouse"].as_str().expect("wh"), row["part"].as_str().expect("part"));
    let form = |expected: &'static str| {
        vec![
            ("_csrf", csrf.clone()),
            ("reference", "СМГС 77001".to_string()),
            ("warehouse", warehouse.to_string()),
            ("bin", "T-01".to_string()),
            ("part", stocked_part.to_string()),
            ("qty", "12".to_string()),
            ("shipped_on", "2024-12-20".to_string()),
            ("expected_on", expected.to_string()),
        ]
    };
    let refused = client.post(app.url("/fleet/parts/shipments")).form(&form("2024-12-01")).send().await.expect("post");
    assert_eq!(refused.status(), 422);
    let html = refused.text().await.expect("html");
    assert!(html.contains("id=\"e-expected_on\"") && html.contains(stocked_part), "named beside the field");
    let done = client.post(app.url("/fleet/parts/shipments")).form(&form("2025-01-15")).send().await.expect("post");
    assert_eq!(done.status(), 303);
    let shipments = get("/api/v1/fleet/shipments".into()).await;
    let shipment = shipments.as_array().expect("rows").iter().find(|s| s["reference"] == "СМГС 77001").expect("listed");
    assert!(shipment["received_on"].is_null());
    let id = shipment["id"].as_str().expect("id").to_string();
    let in_transit = |stock: &Value| {
        stock.as_array().expect("rows").iter().find(|s| s["part"] == json!(stocked_part) && s["bin"] == "T-01").cloned()
    };
    let row = in_transit(&get("/api/v1/fleet/stock".into()).await).expect("a row for the bin");
    assert_eq!((row["qty"].as_i64(), row["in_transit"].as_i64()), (Some(0), Some(12)));
    let html = client.get(app.url("/fleet/parts")).send().await.expect("page").text().await.expect("html");
    assert!(html.contains(&format!("id=\"receive-{id}\"")) && html.contains("data-confirm"));
    // An owner may not receive; the service centre receives it from the page.
    let owner = app.token(accord_demo::fleet::OWNER_USER).await;
    let forbidden = http
        .post(app.url(&format!("/api/v1/fleet/shipments/{id}/receive")))
        .bearer_auth(&owner)
        .send()
        .await
        .expect("post");
    assert_eq!(forbidden.status(), 403);
    let received = client
        .post(app.url(&format!("/fleet/parts/shipments/{id}/receive")))
        .form(&[("_csrf", csrf.as_str())])
        .send()
        .await
        .expect("post");
    assert_eq!(received.status(), 303);
    let row = in_transit(&get("/api/v1/fleet/stock".into()).await).expect("a row for the bin");
    assert_eq!((row["qty"].as_i64(), row["in_transit"].as_i64()), (Some(12), Some(0)));
    let again = http
        .post(app.url(&format!("/api/v1/fleet/shipments/{id}/receive")))
        .bearer_auth(&admin)
        .send()
        .await
        .expect("post");
    assert_eq!(again.status(), 422);
    assert_eq!(again.json::<Value>().await.expect("json")["error"]["field"], "shipment");
}

/// An engine moves from one machine through the exchange pool to another and carries its
/// hours; both machines' pages show the move.
async fn fleet_assemblies_move_between_machines_with_their_hours(app: &TestApp) {
    let http = reqwest::Client::new();
    let admin = app.token("admin").await;
    let get = |path: String| {
        let (http, admin, url) = (http.clone(), admin.clone(), app.url(&path));
        async move { http.get(url).bearer_auth(&admin).send().await.expect("get").json::<Value>().await.expect("json") }
    };
    let post = |path: String, body: Value| {
        let (http, admin, url) = (http.clone(), admin.clone(), app.url(&path));
        async move { http.post(url).bearer_auth(&admin).json(&body).send().await.expect("post") }
    };
    // Two machines with engine hours read.
    let machines = get("/api/v1/fleet/machines?per_page=40".into()).await;
    let mut chosen = Vec::new();
    for m in machines["items"].as_array().expect("items") {
        let id = m["id"].as_str().expect("id").to_string();
        let rows = get(format!("/api/v1/fleet/machines/{id}/readings?limit=200")).await;
        if let Some(last) = rows
            .as_array()
            .expect("rows")
            .iter()
            .find(|r| r["kind"] == "engine_hours" && r["voided"].is_null())
            .cloned()
        {
            chosen.push((id, last));
        }
        if chosen.len() == 2 {
            break;
        }
    }
    let [(a, _), (b, b_last)] = <[(String, Value); 2]>::try_from(chosen).expect("two machines with engine hours");
    let created = post(
        "/api/v1/fleet/assemblies".into(),
        json!({ "kind": "engine", "serial": "YMZ238-0001", "meter": "engine_hours", "usage_before": 1000, "machine": a, "date": "2024-12-30" }),
    )
    .await;
    assert_eq!(created.status(), 201);
    let engine: Value = created.json().await.expect("json");
    let engine_id = engine["id"].as_str().expect("id").to_string();
    let taken = post(
        "/api/v1/fleet/assemblies".into(),
        json!({ "kind": "engine", "serial": "YMZ238-0001", "meter": "engine_hours" }),
    )
    .await;
    assert_eq!(taken.status(), 422, "the serial is taken");

    // Off machine A into the pool, from A's page (confirmed), then onto B from B's page.
    let client = app.sign_in("coord.khv").await;
    let html =
        client.get(app.url(&format!("/fleet/machines/{a}"))).send().await.expect("page").text().await.expect("html");
    assert!(html.contains("YMZ238-0001") && html.contains(&format!("id=\"remove-{engine_id}\"")));
    let csrf = csrf_in(&html);
    let removed = client
        .post(app.url(&format!("/fleet/machines/{a}/assemblies/{engine_id}/remove")))
        .form(&[("_csrf", csrf.as_str()), ("date", "2024-12-31")])
        .send()
        .await
        .expect("post");
    assert_eq!(removed.status(), 303);
    let fitted = client
        .post(app.url(&format!("/fleet/machines/{b}/assemblies")))
        .form(&[
            ("_csrf", csrf.as_str()),
            ("action", "install"),
            ("assembly", engine_id.as_str()),
            ("date", "2024-12-31"),
        ])
        .send()
        .await
        .expect("post");
    assert_eq!(fitted.status(), 303);
    // B works 50 hours: the engine's usage grows by them.
    let next = (NaiveDate::parse_from_str(b_last["date"].as_str().expect("date"), "%Y-%m-%d").expect("date")
        + chrono::Days::new(1))
    .to_string();
    let read = post(
        "/api/v1/fleet/readings".into(),
        json!({ "machine": b, "meter": "engine_hours", "date": next, "value": b_last["value"].as_i64().expect("v") + 50 }),
    )
    .await;
    assert_eq!(read.status(), 201);
    let pool = get("/api/v1/fleet/assemblies".into()).await;
    let row = pool.as_array().expect("rows").iter().find(|r| r["assembly"]["id"] == json!(engine_id)).expect("row");
    assert_eq!(row["installed"]["machine"], json!(b));
    assert_eq!(row["usage"], 1050, "its hours went with it: {row}");
    // A second engine cannot go into B.
    let second = post(
        "/api/v1/fleet/assemblies".into(),
        json!({ "kind": "engine", "serial": "YMZ238-0002", "meter": "engine_hours", "machine": b, "date": "2025-01-02" }),
    )
    .await;
    assert_eq!(second.status(), 422);
    // Both pages show the history.
    let a_page =
        client.get(app.url(&format!("/fleet/machines/{a}"))).send().await.expect("page").text().await.expect("html");
    let a_hist = a_page.split("id=\"assembly-history\"").nth(1).expect("history");
    assert!(a_hist.contains("снят") && a_hist.contains("установлен") && a_hist.contains("YMZ238-0001"));
    let b_page =
        client.get(app.url(&format!("/fleet/machines/{b}"))).send().await.expect("page").text().await.expect("html");
    let b_hist = b_page.split("id=\"assembly-history\"").nth(1).expect("history");
    assert!(b_hist.contains("установлен") && b_hist.contains("YMZ238-0001"));
    let history = get(format!("/api/v1/fleet/machines/{b}/assemblies")).await;
    assert_eq!(history["installed"].as_array().map(Vec::len), Some(1));
}
