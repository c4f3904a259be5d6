//! The directory's and the accounts' rules over HTTP, on both backends: a refused change of a
//! user writes nothing, every API write names the version it was made on, and the reads of
//! the log and the users are refused to the roles that may not make them.

use crate::app::{TestApp, csrf_in};
use crate::on_both_backends;
use serde_json::{Value, json};

on_both_backends!(
    a_role_change_with_a_short_password_writes_nothing,
    api_writes_without_a_version_are_refused_naming_it,
    the_log_and_the_users_are_read_only_by_who_may,
);

async fn user_json(app: &TestApp, token: &str, login: &str) -> Value {
    app.api_json(token, &format!("/api/v1/users/{login}")).await
}

async fn a_role_change_with_a_short_password_writes_nothing(app: &TestApp) {
    let admin = app.token("admin").await;
    let http = reqwest::Client::new();
    let before = user_json(app, &admin, "exec.maz").await;
    let head = app.store.audit_verify().await.expect("verify").checked;
    let mut body = before.clone();
    body["role"] = json!("observer");
    body["organisation"] = Value::Null;
    body["password"] = json!("short");
    let response =
        http.put(app.url("/api/v1/users/exec.maz")).bearer_auth(&admin).json(&body).send().await.expect("put");
    assert_eq!(response.status(), 422);
    let error: Value = response.json().await.expect("json");
    assert_eq!(error["error"]["field"], "password");
    // Before, the role was saved and only then the password refused.
    assert_eq!(user_json(app, &admin, "exec.maz").await, before, "the role did not change");
    assert_eq!(app.store.audit_verify().await.expect("verify").checked, head, "nothing written");

    // The same through the page: the form comes back with 422 and nothing changed.
    let client = app.sign_in("admin").await;
    let csrf = csrf_in(&app.page(&client, "/admin/users/exec.maz").await);
    let version = before["version"].as_i64().expect("version").to_string();
    let form = [
        ("_csrf", csrf.as_str()),
        ("login", "exec.maz"),
        ("display_name", "Исполнитель МАЗ"),
        ("role", "observer"),
        ("password", "short"),
        ("version", version.as_str()),
    ];
    let response = client.post(app.url("/admin/users/exec.maz")).form(&form).send().await.expect("post");
    assert_eq!(response.status(), 422);
    assert_eq!(user_json(app, &admin, "exec.maz").await, before, "the role did not change");
    assert_eq!(app.store.audit_verify().await.expect("verify").checked, head, "nothing written");

    // With a password long enough, both change at once; the old version is then a conflict.
    body["password"] = json!("long-enough-now");
    let response =
        http.put(app.url("/api/v1/users/exec.maz")).bearer_auth(&admin).json(&body).send().await.expect("put");
    assert_eq!(response.status(), 200);
    let after: Value = response.json().await.expect("json");
    assert_eq!(
        (after["role"].as_str(), after["version"].as_i64()),
        (Some("observer"), before["version"].as_i64().map(|v| v + 1))
    );
    assert_eq!(app.store.audit_verify().await.expect("verify").checked, head + 1, "one entry for both");
    let again = http.put(app.url("/api/v1/users/exec.maz")).bearer_auth(&admin).json(&body).send().await.expect("put");
    assert_eq!(again.status(), 409);
    assert_eq!(app.post_login(&app.client(), "exec.maz", "long-enough-now").await.status(), 303);
}

async fn api_writes_without_a_version_are_refused_naming_it(app: &TestApp) {
    let token = app.token("coord.by").await;
    let admin = app.token("admin").await;
    let http = reqwest::Client::new();
    let maz = app.store.organisation_by_code("MAZ").await.expect("MAZ");
    let people = app.api_json(&token, &format!("/api/v1/people?organisation_id={}", maz.id)).await;
    let person = people["items"][0].clone();
    let person_id = person["id"].as_str().expect("a person of MAZ").to_string();
    let org_body = json!({"side": "BY", "code": "MAZ", "kind": "enterprise", "name_full_ru": maz.data.name_full_ru, "name_short_ru": maz.data.name_short_ru});
    let person_body = json!({"organisation_id": maz.id.to_string(), "full_name_ru": person["full_name_ru"]});
    let user_body =
        json!({"login": "exec.maz", "display_name": "Исполнитель", "role": "executor", "organisation": "MAZ"});
    let cases = [
        (
            http.put(app.url(&format!("/api/v1/organisations/{}", maz.id))).bearer_auth(&token).json(&org_body),
            "PUT organisation",
        ),
        (http.delete(app.url(&format!("/api/v1/organisations/{}", maz.id))).bearer_auth(&token), "DELETE organisation"),
        (
            http.put(app.url(&format!("/api/v1/people/{person_id}"))).bearer_auth(&token).json(&person_body),
            "PUT person",
        ),
        (http.delete(app.url(&format!("/api/v1/people/{person_id}"))).bearer_auth(&token), "DELETE person"),
        (http.put(app.url("/api/v1/users/exec.maz")).bearer_auth(&admin).json(&user_body), "PUT user"),
    ];
    let head = app.store.audit_verify().await.expect("verify").checked;
    for (request, what) in cases {
        let response = request.send().await.expect("request");
        assert_eq!(response.status(), 422, "{what}");
        let error: Value = response.json().await.expect("json");
        assert_eq!(error["error"]["field"], "version", "{what}: {error}");
    }
    assert_eq!(app.store.audit_verify().await.expect("verify").checked, head, "nothing written");
    // A stale version is a conflict.
    let mut stale = person_body.clone();
    stale["version"] = json!(person["version"].as_i64().expect("version") - 1);
    let response = http
        .put(app.url(&format!("/api/v1/people/{person_id}")))
        .bearer_auth(&token)
        .json(&stale)
        .send()
        .await
        .expect("put");
    assert_eq!(response.status(), 409);
    // The other side's people are not the Belarusian coordinator's to add, through either door.
    let fish = app.store.organisation_by_code("KHV-FISH").await.expect("fish");
    let body = json!({"organisation_id": fish.id.to_string(), "full_name_ru": "Чужой"});
    let response = http.post(app.url("/api/v1/people")).bearer_auth(&token).json(&body).send().await.expect("post");
    assert_eq!(response.status(), 403);
    let client = app.sign_in("coord.by").await;
    let csrf = csrf_in(&app.page(&client, "/directory/people/new").await);
    let form = [("_csrf", csrf.as_str()), ("organisation_id", &fish.id.to_string()), ("full_name_ru", "Чужой")];
    let response = client.post(app.url("/directory/people")).form(&form).send().await.expect("post");
    assert_eq!(response.status(), 403);
}

async fn the_log_and_the_users_are_read_only_by_who_may(app: &TestApp) {
    let http = reqwest::Client::new();
    let status = |token: String, path: &'static str| {
        let request = http.get(app.url(path)).bearer_auth(token);
        async move { request.send().await.expect("get").status().as_u16() }
    };
    for (login, audit, users) in
        [("admin", 200, 200), ("coord.khv", 200, 403), ("exec.maz", 403, 403), ("observer", 403, 403)]
    {
        let token = app.token(login).await;
        assert_eq!(status(token.clone(), "/api/v1/audit").await, audit, "{login} reads the log");
        assert_eq!(status(token.clone(), "/api/v1/audit/verify").await, audit, "{login} verifies the log");
        assert_eq!(status(token.clone(), "/api/v1/users").await, users, "{login} lists users");
        assert_eq!(status(token, "/api/v1/users/admin").await, users, "{login} reads a user");
    }
    let observer = app.sign_in("observer").await;
    assert_eq!(observer.get(app.url("/admin/audit")).send().await.expect("get").status(), 403);
    assert_eq!(observer.get(app.url("/admin/users/admin")).send().await.expect("get").status(), 403);
}
