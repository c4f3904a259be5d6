//! Maintenance regimes over HTTP, on both backends: the list, a refused edit that changes
//! nothing, a good edit that changes a machine's next service in the due list, observers
//! refused; a service's operations and parts edited, refused line by line, and used by the
//! next preventive work order. Every change names the version it was made on: the forms carry
//! it, the API refuses a change without it (422) or on a version changed since (409).

use crate::app::{TestApp, csrf_in};
use crate::on_both_backends;
use serde_json::{Value, json};

on_both_backends!(
    fleet_regimes_are_listed_edited_and_refused,
    fleet_service_content_is_edited_and_used,
    fleet_machine_status_and_factors_are_edited,
);

async fn get_json(http: &reqwest::Client, app: &TestApp, token: &str, path: &str) -> Value {
    let response = http.get(app.url(path)).bearer_auth(token).send().await.expect("get");
    assert_eq!(response.status(), 200, "{path}");
    response.json().await.expect("json")
}

/// The regime of the model of a due list row's machine.
async fn model_regime(http: &reqwest::Client, app: &TestApp, token: &str, row: &Value) -> Value {
    let regimes = get_json(http, app, token, "/api/v1/fleet/regimes").await;
    let regimes = regimes.as_array().expect("regimes");
    regimes.iter().find(|r| r["model"] == row["machine"]["model"]).expect("the model's regime").clone()
}

/// The version a page's forms carry (`<input type="hidden" name="version" value="…">`).
fn version_in(html: &str) -> String {
    html.split("name=\"version\" value=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("a version field on the page")
        .to_string()
}

/// A regime as the API shows it, without its version (which every save moves on).
fn unversioned(regime: &Value) -> Value {
    let mut regime = regime.clone();
    regime.as_object_mut().expect("an object").remove("version");
    regime
}

/// The next service of a machine in the admin's due list.
async fn next_service(http: &reqwest::Client, app: &TestApp, token: &str, machine: &str) -> String {
    let due = get_json(http, app, token, "/api/v1/fleet/due").await;
    let row =
        due.as_array().expect("rows").iter().find(|r| r["machine"]["id"] == machine).expect("machine in due list");
    row["service"].as_str().expect("service").to_string()
}

async fn fleet_regimes_are_listed_edited_and_refused(app: &TestApp) {
    let http = reqwest::Client::new();
    let admin = app.token("admin").await;

    // A machine whose next service is a cycle service, and its model's regime.
    let due = get_json(&http, app, &admin, "/api/v1/fleet/due").await;
    let row = due
        .as_array()
        .expect("rows")
        .iter()
        .find(|r| ["to1", "to2", "to3"].contains(&r["service"].as_str().unwrap_or_default()))
        .expect("a machine with a cycle service due");
    let machine = row["machine"]["id"].as_str().expect("id").to_string();
    let was = row["service"].as_str().expect("service").to_string();
    let regime = model_regime(&http, app, &admin, row).await;
    let id = regime["id"].as_str().expect("id").to_string();
    assert!(regime["cycle"].as_array().is_some_and(|c| !c.is_empty()), "{regime}");

    // The list page, linked from the fleet menu, shows the model with its cycle.
    let coordinator = app.sign_in("coord.khv").await;
    let html = coordinator.get(app.url("/fleet/regimes")).send().await.expect("page").text().await.expect("html");
    assert!(html.contains("href=\"/fleet/regimes\""), "in the fleet menu");
    assert!(html.contains(&format!("id=\"r-{id}\"")), "the regime's row");
    assert!(html.contains(regime["model_name"].as_str().expect("model")));
    assert!(html.contains(&format!("href=\"/fleet/regimes/{id}\"")), "an edit link for a manager");

    // A refused edit through the form: a service that replaces itself. 422, the refusal
    // beside the field, nothing saved.
    let edit = coordinator.get(app.url(&format!("/fleet/regimes/{id}"))).send().await.expect("edit");
    assert_eq!(edit.status(), 200);
    let html = edit.text().await.expect("html");
    assert!(html.contains("data-confirm="), "removing a service asks first");
    assert!(html.contains("<label for=\"f-base_km\""), "labelled inputs");
    let csrf = csrf_in(&html);
    assert_eq!(version_in(&html), regime["version"].to_string(), "the forms carry the regime's version");
    let base = &regime["base"];
    let text = |v: &Value| v.as_u64().map(|n| n.to_string()).unwrap_or_default();
    let mut form = vec![
        ("_csrf".to_string(), csrf.clone()),
        ("version".to_string(), regime["version"].to_string()),
        ("base_km".to_string(), text(&base["km"])),
        ("base_hours".to_string(), text(&base["engine_hours"])),
        ("base_fuel".to_string(), text(&base["fuel"])),
        ("base_days".to_string(), text(&base["days"])),
    ];
    let selfish = [("to1_on", "1"), ("to1_replaces", ""), ("to2_on", "1"), ("to2_replaces", "to2"), ("to2_every", "4")];
    let mut bad = form.clone();
    bad.extend(selfish.iter().map(|(k, v)| (k.to_string(), v.to_string())));
    let refused = coordinator.post(app.url(&format!("/fleet/regimes/{id}"))).form(&bad).send().await.expect("post");
    assert_eq!(refused.status(), 422);
    let html = refused.text().await.expect("html");
    assert!(html.contains("id=\"e-to2_replaces\""), "the refusal beside the field");
    assert!(html.contains("не может заменять само себя"), "the domain's reason in Russian");
    let after = get_json(&http, app, &admin, &format!("/api/v1/fleet/regimes/{id}")).await;
    assert_eq!(after, regime, "nothing saved");

    // Refused over the API: no interval at all, 422 naming the field.
    let cycle = regime["cycle"].as_array().expect("cycle");
    let body = json!({
        "base": {},
        "cycle": cycle.iter().map(|l| json!({"kind": l["kind"], "replaces": l["replaces"], "every": l["every"]})).collect::<Vec<_>>(),
        "seasonal": regime["seasonal"],
        "version": regime["version"],
    });
    let refused = http
        .put(app.url(&format!("/api/v1/fleet/regimes/{id}")))
        .bearer_auth(&admin)
        .json(&body)
        .send()
        .await
        .expect("put");
    assert_eq!(refused.status(), 422);
    let err: Value = refused.json().await.expect("json");
    assert_eq!(err["error"]["field"], "base_km", "{err}");
    assert_eq!(get_json(&http, app, &admin, &format!("/api/v1/fleet/regimes/{id}")).await, regime);

    // Removing the lowest service while a higher one replaces it is refused too.
    if cycle.len() > 1 {
        let lowest = cycle[0]["kind"].as_str().expect("kind");
        let refused = coordinator
            .post(app.url(&format!("/fleet/regimes/{id}/services/{lowest}/remove")))
            .form(&[("_csrf", csrf.as_str()), ("version", regime["version"].to_string().as_str())])
            .send()
            .await
            .expect("post");
        assert_eq!(refused.status(), 422);
        assert_eq!(get_json(&http, app, &admin, &format!("/api/v1/fleet/regimes/{id}")).await, regime);
    }

    // A good edit: one service only, another than the one due, no seasonal services. The
    // machine's next service in the due list becomes that one.
    let only = if was == "to1" { "to3" } else { "to1" };
    form.extend([(format!("{only}_on"), "1".to_string()), (format!("{only}_replaces"), String::new())]);
    let saved = coordinator.post(app.url(&format!("/fleet/regimes/{id}"))).form(&form).send().await.expect("post");
    assert_eq!(saved.status(), 303);
    let stored = get_json(&http, app, &admin, &format!("/api/v1/fleet/regimes/{id}")).await;
    assert_eq!(stored["cycle"].as_array().map(Vec::len), Some(1), "{stored}");
    assert_eq!(stored["cycle"][0]["kind"], only);
    assert_eq!(stored["seasonal"], json!([]));
    assert_eq!(next_service(&http, app, &admin, &machine).await, only, "the due list follows the regime");
    let audit = app.store.audit_history("fleet_regime", &id).await.expect("audit");
    assert!(audit.iter().any(|e| e.actor.as_deref() == Some("coord.khv")), "the edit is audited");
    assert_eq!(stored["version"].as_i64(), regime["version"].as_i64().map(|v| v + 1), "the save moved the version on");
    // The same form again (the page as it was, before that save) is stale: 409, nothing saved.
    let stale = coordinator.post(app.url(&format!("/fleet/regimes/{id}"))).form(&form).send().await.expect("post");
    assert_eq!(stale.status(), 409, "a save on a version changed since");
    assert_eq!(get_json(&http, app, &admin, &format!("/api/v1/fleet/regimes/{id}")).await, stored, "nothing saved");

    // A removed service's operations and parts go with it.
    assert!(stored["content"].as_array().expect("content").iter().all(|c| c["kind"] == only), "{stored}");

    // The API puts the original back, content included; the due list returns to the service
    // it had. Without a version the API refuses the change, naming the field.
    let mut body = json!({
        "base": regime["base"],
        "cycle": cycle.iter().map(|l| json!({"kind": l["kind"], "replaces": l["replaces"], "every": l["every"]})).collect::<Vec<_>>(),
        "seasonal": regime["seasonal"],
        "content": regime["content"],
    });
    let unversioned_put =
        http.put(app.url(&format!("/api/v1/fleet/regimes/{id}"))).bearer_auth(&admin).json(&body).send().await;
    let unversioned_put = unversioned_put.expect("put");
    assert_eq!(unversioned_put.status(), 422);
    assert_eq!(unversioned_put.json::<Value>().await.expect("json")["error"]["field"], "version");
    body["version"] = stored["version"].clone();
    let put = http
        .put(app.url(&format!("/api/v1/fleet/regimes/{id}")))
        .bearer_auth(&admin)
        .json(&body)
        .send()
        .await
        .expect("put");
    assert_eq!(put.status(), 200);
    let restored = get_json(&http, app, &admin, &format!("/api/v1/fleet/regimes/{id}")).await;
    assert_eq!(unversioned(&restored), unversioned(&regime));
    assert_eq!(next_service(&http, app, &admin, &machine).await, was);

    // Observers read the regimes but may not change them.
    let observer = app.token("observer").await;
    assert!(get_json(&http, app, &observer, "/api/v1/fleet/regimes").await.as_array().is_some_and(|r| !r.is_empty()));
    let forbidden = http
        .put(app.url(&format!("/api/v1/fleet/regimes/{id}")))
        .bearer_auth(&observer)
        .json(&body)
        .send()
        .await
        .expect("put");
    assert_eq!(forbidden.status(), 403);
    let client = app.sign_in("observer").await;
    let html = client.get(app.url("/fleet/regimes")).send().await.expect("page").text().await.expect("html");
    assert!(html.contains(&format!("id=\"r-{id}\"")) && !html.contains(&format!("href=\"/fleet/regimes/{id}\"")));
    assert_eq!(client.get(app.url(&format!("/fleet/regimes/{id}"))).send().await.expect("edit").status(), 403);
    let observer_page = client.get(app.url("/fleet")).send().await.expect("fleet").text().await.expect("html");
    let observer_csrf = csrf_in(&observer_page);
    let posted = client
        .post(app.url(&format!("/fleet/regimes/{id}")))
        .form(&[("_csrf", observer_csrf.as_str()), ("to1_on", "1")])
        .send()
        .await
        .expect("post");
    assert_eq!(posted.status(), 403);
    assert_eq!(get_json(&http, app, &admin, &format!("/api/v1/fleet/regimes/{id}")).await, restored, "unchanged");
}

async fn fleet_service_content_is_edited_and_used(app: &TestApp) {
    let http = reqwest::Client::new();
    let admin = app.token("admin").await;
    let due = get_json(&http, app, &admin, "/api/v1/fleet/due").await;
    let row =
        due.as_array().expect("rows").iter().find(|r| r["service"] == "to1").expect("a machine with ТО-1 due").clone();
    let machine = row["machine"]["id"].as_str().expect("id").to_string();
    let regime = model_regime(&http, app, &admin, &row).await;
    let id = regime["id"].as_str().expect("id").to_string();
    let stock = get_json(&http, app, &admin, "/api/v1/fleet/stock").await;
    let part = stock.as_array().and_then(|s| s.first()).and_then(|s| s["part"].as_str()).expect("a part").to_string();

    // Through the form: a line without hours is refused beside the list, naming the line;
    // what was typed stays; nothing saved.
    let coordinator = app.sign_in("coord.khv").await;
    let html = coordinator
        .get(app.url(&format!("/fleet/regimes/{id}")))
        .send()
        .await
        .expect("edit")
        .text()
        .await
        .expect("html");
    assert!(
        html.contains("id=\"content-to1-form\"") && html.contains("<label for=\"f-to1_operations\""),
        "a labelled list"
    );
    let csrf = csrf_in(&html);
    let version = version_in(&html);
    let path = format!("/fleet/regimes/{id}/services/to1/content");
    let post = |operations: &str, parts: &str| {
        let form = [
            ("_csrf", csrf.clone()),
            ("version", version.clone()),
            ("to1_operations", operations.to_string()),
            ("to1_parts", parts.to_string()),
        ];
        coordinator.post(app.url(&path)).form(&form).send()
    };
    let refused = post("замена-масла-двигателя; 1,5\nрегулировка-клапанов", "").await.expect("post");
    assert_eq!(refused.status(), 422);
    let html = refused.text().await.expect("html");
    assert!(html.contains("id=\"e-to1_operations\""), "beside the list");
    assert!(html.contains("Строка 2"), "names the line");
    assert!(html.contains("регулировка-клапанов"), "keeps what was typed");
    let unknown = post("замена-масла-двигателя; 1,5", "НЕТ-ТАКОЙ-999; 2").await.expect("post");
    assert_eq!(unknown.status(), 422);
    let html = unknown.text().await.expect("html");
    assert!(html.contains("id=\"e-to1_parts\"") && html.contains("НЕТ-ТАКОЙ-999"), "the unknown part named");
    let twice = post("мойка; 0,5\nмойка; 1", "").await.expect("post");
    assert_eq!(twice.status(), 422);
    assert!(twice.text().await.expect("html").contains("мойка"), "the repeated operation named");
    assert_eq!(get_json(&http, app, &admin, &format!("/api/v1/fleet/regimes/{id}")).await, regime, "nothing saved");

    // A good save: 303, the API shows it, the audit has it.
    let saved =
        post("замена-масла-двигателя; 1,5\n\nрегулировка-клапанов; 2", &format!("{part}; 2")).await.expect("post");
    assert_eq!(saved.status(), 303);
    let stored = get_json(&http, app, &admin, &format!("/api/v1/fleet/regimes/{id}")).await;
    let to1 = stored["content"].as_array().expect("content").iter().find(|c| c["kind"] == "to1").expect("ТО-1").clone();
    assert_eq!(to1["operations"][0]["code"], "замена-масла-двигателя");
    assert_eq!(to1["operations"][1]["standard_hours"], json!("2"), "the empty line skipped");
    assert_eq!(to1["parts"], json!([{ "part": part, "qty": 2 }]));
    let audit = app.store.audit_history("fleet_regime", &id).await.expect("audit");
    assert!(audit.iter().any(|e| e.actor.as_deref() == Some("coord.khv")));
    let list = coordinator.get(app.url("/fleet/regimes")).send().await.expect("list").text().await.expect("html");
    assert!(list.contains("операций: 2 (3,5 н-ч), запчастей: 1"), "the list sums the content up");

    // The next preventive order for a machine of that model carries the operations.
    let opened = http
        .post(app.url("/api/v1/fleet/due/orders"))
        .bearer_auth(&admin)
        .json(&json!({ "machines": [machine] }))
        .send()
        .await
        .expect("post");
    assert!(opened.status().is_success(), "{}", opened.status());
    let orders = get_json(&http, app, &admin, &format!("/api/v1/fleet/workorders?machine={machine}&open=true")).await;
    let order_id = orders["items"][0]["id"].as_str().expect("order").to_string();
    let order = get_json(&http, app, &admin, &format!("/api/v1/fleet/workorders/{order_id}")).await;
    let operations: Vec<&str> =
        order["order"]["work"].as_array().expect("work lines").iter().filter_map(|w| w["operation"].as_str()).collect();
    assert_eq!(operations, ["замена-масла-двигателя", "регулировка-клапанов"], "{order}");

    // Over the API: a zero quantity is a 422 naming the list; an empty content clears it. Each
    // names the version it was made on.
    let version = get_json(&http, app, &admin, &format!("/api/v1/fleet/regimes/{id}")).await["version"].clone();
    let put = |mut body: Value| {
        body["version"] = version.clone();
        http.put(app.url(&format!("/api/v1/fleet/regimes/{id}/services/to1"))).bearer_auth(&admin).json(&body).send()
    };
    let refused = put(json!({ "operations": [], "parts": [{ "part": part, "qty": 0 }] })).await.expect("put");
    assert_eq!(refused.status(), 422);
    let err: Value = refused.json().await.expect("json");
    assert_eq!(err["error"]["field"], "parts", "{err}");
    let absent = http
        .put(app.url(&format!("/api/v1/fleet/regimes/{id}/services/autumn")))
        .bearer_auth(&admin)
        .json(&json!({ "version": version }))
        .send()
        .await
        .expect("put");
    let has_autumn = regime["seasonal"].as_array().is_some_and(|s| s.iter().any(|x| x["kind"] == "autumn"));
    assert_eq!(absent.status(), if has_autumn { 200 } else { 422 });
    let now = get_json(&http, app, &admin, &format!("/api/v1/fleet/regimes/{id}")).await["version"].clone();
    let cleared = http
        .put(app.url(&format!("/api/v1/fleet/regimes/{id}/services/to1")))
        .bearer_auth(&admin)
        .json(&json!({ "version": now }))
        .send()
        .await
        .expect("put");
    assert_eq!(cleared.status(), 200);
    let after = get_json(&http, app, &admin, &format!("/api/v1/fleet/regimes/{id}")).await;
    assert!(after["content"].as_array().expect("content").iter().all(|c| c["kind"] != "to1"), "{after}");
    let observer = app.token("observer").await;
    let forbidden = http
        .put(app.url(&format!("/api/v1/fleet/regimes/{id}/services/to1")))
        .bearer_auth(&observer)
        .json(&json!({}))
        .send()
        .await
        .expect("put");
    assert_eq!(forbidden.status(), 403);
}

/// The service centre changes a machine's correction factors (its due meters follow), its
/// status (decommissioned: off the due list) over the API and the machine page's form; a
/// stale version is a 409 and a change without one a 422 naming `version` (they were
/// last-write-wins), a factor off the scale and an in-service machine without a commissioning
/// date are refused naming the field; an owner's mechanic may not change it.
async fn fleet_machine_status_and_factors_are_edited(app: &TestApp) {
    let http = reqwest::Client::new();
    let admin = app.token("admin").await;
    let due = get_json(&http, app, &admin, "/api/v1/fleet/due").await;
    let row = due
        .as_array()
        .expect("rows")
        .iter()
        .find(|r| r["due_meters"].as_array().is_some_and(|m| m.iter().any(|v| v.as_i64().is_some_and(|v| v > 0))))
        .expect("a machine due by a meter")
        .clone();
    let id = row["machine"]["id"].as_str().expect("id").to_string();
    let machine = get_json(&http, app, &admin, &format!("/api/v1/fleet/machines/{id}")).await;
    let version = machine["machine"]["version"].as_i64().expect("version");
    let factors = machine["machine"]["factors"].clone();
    let put =
        |body: Value| http.put(app.url(&format!("/api/v1/fleet/machines/{id}"))).bearer_auth(&admin).json(&body).send();

    // Without the version it was made on, a change is refused naming the field.
    let unversioned = put(json!({ "climate": 800 })).await.expect("put");
    assert_eq!(unversioned.status(), 422);
    assert_eq!(unversioned.json::<Value>().await.expect("json")["error"]["field"], "version");

    // A factor off the scale: 422 naming the field, nothing saved.
    let refused = put(json!({ "climate": 700, "version": version })).await.expect("put");
    assert_eq!(refused.status(), 422);
    let err: Value = refused.json().await.expect("json");
    assert_eq!(err["error"]["field"], "climate", "{err}");

    // Harsher conditions shorten the interval: the meter reading the service falls due at drops.
    let harsher = if factors["operating"] == 600 { 700 } else { 600 };
    let saved = put(json!({ "operating": harsher, "climate": 800, "version": version })).await.expect("put");
    assert_eq!(saved.status(), 200);
    let saved: Value = saved.json().await.expect("json");
    assert_eq!(saved["machine"]["factors"], json!({ "operating": harsher, "climate": 800 }));
    let after = get_json(&http, app, &admin, "/api/v1/fleet/due").await;
    let now =
        after.as_array().expect("rows").iter().find(|r| r["machine"]["id"] == id.as_str()).expect("still due").clone();
    let sum = |r: &Value| r["due_meters"].as_array().map_or(0, |m| m.iter().filter_map(Value::as_i64).sum::<i64>());
    assert!(sum(&now) < sum(&row), "due earlier: {now} vs {row}");
    let stale = put(json!({ "operating": 1000, "version": version })).await.expect("put");
    assert_eq!(stale.status(), 409, "a change made by someone else since");

    // An owner's mechanic may not change the register.
    let owner = app.token("owner.road").await;
    let forbidden = http
        .put(app.url(&format!("/api/v1/fleet/machines/{id}")))
        .bearer_auth(&owner)
        .json(&json!({ "status": "in_repair" }))
        .send()
        .await
        .expect("put");
    assert!([403, 404].contains(&forbidden.status().as_u16()), "{}", forbidden.status());

    // The page's form: in service without a commissioning date is refused beside the field;
    // decommissioned takes the machine off the due list.
    let coordinator = app.sign_in("coord.khv").await;
    let page = coordinator
        .get(app.url(&format!("/fleet/machines/{id}")))
        .send()
        .await
        .expect("page")
        .text()
        .await
        .expect("html");
    assert!(page.contains("id=\"machine-edit-form\"") && page.contains("<label for=\"f-climate\""));
    let csrf = csrf_in(&page);
    let version = version_in(&page);
    assert_eq!(version, saved["machine"]["version"].to_string(), "the form carries the entry's version");
    let form = |status: &str, commissioned: &str| {
        vec![
            ("_csrf", csrf.clone()),
            ("version", version.clone()),
            ("status", status.to_string()),
            ("district", "Хабаровск".to_string()),
            ("commissioned_on", commissioned.to_string()),
            ("operating", "1000".to_string()),
            ("climate", "900".to_string()),
        ]
    };
    let refused = coordinator
        .post(app.url(&format!("/fleet/machines/{id}/edit")))
        .form(&form("in_service", ""))
        .send()
        .await
        .expect("post");
    assert_eq!(refused.status(), 422);
    let html = refused.text().await.expect("html");
    assert!(html.contains("id=\"e-commissioned_on\""), "beside the field");
    let commissioned = machine["machine"]["commissioned_on"].as_str().unwrap_or("2023-01-01").to_string();
    let saved = coordinator
        .post(app.url(&format!("/fleet/machines/{id}/edit")))
        .form(&form("decommissioned", &commissioned))
        .send()
        .await
        .expect("post");
    assert_eq!(saved.status(), 303);
    let after = get_json(&http, app, &admin, "/api/v1/fleet/due").await;
    assert!(after.as_array().expect("rows").iter().all(|r| r["machine"]["id"] != id.as_str()), "off the due list");
    let audit = app.store.audit_history("fleet_machine", &id).await.expect("audit");
    assert!(audit.iter().any(|e| e.actor.as_deref() == Some("coord.khv")), "audited");
}
