//! Maintenance regimes over HTTP, on both backends: the list, a refused edit that changes
//! nothing, a good edit that changes a machine's next service in the due list, observers
//! refused.

use crate::app::{TestApp, csrf_in};
use crate::on_both_backends;
use serde_json::{Value, json};

on_both_backends!(fleet_regimes_are_listed_edited_and_refused,);

async fn get_json(http: &reqwest::Client, app: &TestApp, token: &str, path: &str) -> Value {
    let response = http.get(app.url(path)).bearer_auth(token).send().await.expect("get");
    assert_eq!(response.status(), 200, "{path}");
    response.json().await.expect("json")
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
    let regimes = get_json(&http, app, &admin, "/api/v1/fleet/regimes").await;
    let regime = regimes
        .as_array()
        .expect("regimes")
        .iter()
        .find(|r| r["model"] == row["machine"]["model"])
        .expect("the model's regime")
        .clone();
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
    let base = &regime["base"];
    let text = |v: &Value| v.as_u64().map(|n| n.to_string()).unwrap_or_default();
    let mut form = vec![
        ("_csrf".to_string(), csrf.clone()),
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
            .form(&[("_csrf", csrf.as_str())])
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

    // The API puts the original back; the due list returns to the service it had.
    let body = json!({
        "base": regime["base"],
        "cycle": cycle.iter().map(|l| json!({"kind": l["kind"], "replaces": l["replaces"], "every": l["every"]})).collect::<Vec<_>>(),
        "seasonal": regime["seasonal"],
    });
    let put = http
        .put(app.url(&format!("/api/v1/fleet/regimes/{id}")))
        .bearer_auth(&admin)
        .json(&body)
        .send()
        .await
        .expect("put");
    assert_eq!(put.status(), 200);
    assert_eq!(get_json(&http, app, &admin, &format!("/api/v1/fleet/regimes/{id}")).await, regime);
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
    assert_eq!(get_json(&http, app, &admin, &format!("/api/v1/fleet/regimes/{id}")).await, regime, "unchanged");
}
