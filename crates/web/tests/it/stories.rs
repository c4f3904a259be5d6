//! User stories over HTTP, each on both backends.

use crate::app::{TestApp, csrf_in};
use crate::on_both_backends;
use serde_json::{Value, json};

on_both_backends!(
    sign_in_and_out,
    failed_sign_ins_are_slowed_down,
    forms_without_the_csrf_token_are_refused,
    each_role_is_allowed_and_refused_its_actions,
    stale_versions_are_conflicts_not_overwrites,
    audit_chain_verifies_and_names_tampering,
    russian_search_ignores_case,
    validation_names_the_field_in_the_users_language,
    language_switch_is_remembered_per_user,
    unknown_routes_and_missing_tokens,
    deletion_is_confirmed_refused_while_in_use_and_audited,
    organisation_pages_list_sort_and_page,
    api_tokens_from_the_account_page,
);

async fn sign_in_and_out(app: &TestApp) {
    let client = app.client();
    // A page without a session sends the visitor to the sign-in form, keeping the target.
    let response = client.get(app.url("/directory/organisations?side=BY")).send().await.expect("get");
    assert_eq!(response.status(), 303);
    assert_eq!(response.headers()["location"], "/login?next=%2Fdirectory%2Forganisations%3Fside%3DBY");

    let wrong = app.post_login(&client, "admin", "not-the-password").await;
    assert_eq!(wrong.status(), 401);
    assert!(wrong.text().await.expect("body").contains("Неверный логин или пароль"));

    let ok = app.post_login(&client, "admin", "admin-demo").await;
    assert_eq!(ok.status(), 303);
    let cookie = ok
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().expect("ascii").to_string())
        .find(|c| c.starts_with("accord_session="))
        .expect("session cookie");
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"), "{cookie}");
    assert!(!cookie.contains("Secure"), "plain HTTP on loopback: no Secure flag");
    let home = app.page(&client, "/").await;
    assert!(home.contains("Администратор accord"), "the header names the user");
    assert!(home.contains("Демонстрационные данные"), "demo data is marked");

    let csrf = csrf_in(&home);
    let out = client.post(app.url("/logout")).form(&[("_csrf", csrf.as_str())]).send().await.expect("logout");
    assert_eq!(out.status(), 303);
    let after = client.get(app.url("/")).send().await.expect("get");
    assert_eq!(after.status(), 303, "the session really ended");

    // Behind a TLS-terminating proxy the cookie is Secure.
    let tls = app.client();
    let csrf = app.csrf(&tls, "/login").await;
    let response = tls
        .post(app.url("/login"))
        .header("x-forwarded-proto", "https")
        .form(&[("login", "observer"), ("password", "observer-demo"), ("_csrf", csrf.as_str())])
        .send()
        .await
        .expect("login");
    let cookie = response
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().expect("ascii"))
        .collect::<Vec<_>>()
        .join("\n");
    assert!(cookie.contains("accord_session=") && cookie.contains("Secure"), "{cookie}");
}

async fn failed_sign_ins_are_slowed_down(app: &TestApp) {
    let client = app.client();
    let mut statuses = Vec::new();
    for _ in 0..7 {
        statuses.push(app.post_login(&client, "coord.by", "wrong-password").await.status().as_u16());
    }
    assert_eq!(&statuses[..5], &[401; 5]);
    assert_eq!(statuses[6], 429, "{statuses:?}");
    // Even the right password waits until the cool-down has passed.
    let response = app.post_login(&client, "coord.by", "coord.by-demo").await;
    assert_eq!(response.status(), 429);
    let wait: u64 = response.headers()["retry-after"].to_str().expect("ascii").parse().expect("seconds");
    assert!((1..=60).contains(&wait), "Retry-After {wait}");
    assert!(response.text().await.expect("body").contains("Слишком много неудачных попыток"));
}

async fn forms_without_the_csrf_token_are_refused(app: &TestApp) {
    let client = app.sign_in("admin").await;
    let form =
        [("side", "BY"), ("code", "CSRF-TEST"), ("kind", "enterprise"), ("name_full_ru", "x"), ("name_short_ru", "x")];
    let missing = client.post(app.url("/directory/organisations")).form(&form).send().await.expect("post");
    assert_eq!(missing.status(), 403);
    assert!(missing.text().await.expect("body").contains("Форма устарела"));
    let mut wrong = form.to_vec();
    wrong.push(("_csrf", "forged-token-forged-token-forged-token-xx"));
    let response = client.post(app.url("/directory/organisations")).form(&wrong).send().await.expect("post");
    assert_eq!(response.status(), 403);
    assert!(app.store.organisation_by_code("CSRF-TEST").await.is_err(), "nothing was created");
    // The sign-in form itself is protected too (double-submit cookie).
    let fresh = app.client();
    let response = fresh
        .post(app.url("/login"))
        .form(&[("login", "admin"), ("password", "admin-demo"), ("_csrf", "x")])
        .send()
        .await
        .expect("post");
    assert_eq!(response.status(), 403);
}

fn org_body(side: &str, code: &str) -> Value {
    json!({ "side": side, "code": code, "kind": "enterprise", "name_full_ru": format!("Предприятие {code}"), "name_short_ru": code })
}

async fn each_role_is_allowed_and_refused_its_actions(app: &TestApp) {
    let http = reqwest::Client::new();
    let post = |token: String, body: Value| {
        let http = http.clone();
        let url = app.url("/api/v1/organisations");
        async move { http.post(url).bearer_auth(token).json(&body).send().await.expect("post").status().as_u16() }
    };
    let coord_by = app.token("coord.by").await;
    let coord_khv = app.token("coord.khv").await;
    let exec_maz = app.token("exec.maz").await;
    let observer = app.token("observer").await;
    let admin = app.token("admin").await;

    assert_eq!(post(coord_by.clone(), org_body("BY", "BY-NEW")).await, 201);
    assert_eq!(post(coord_by.clone(), org_body("KHV", "KHV-NOPE")).await, 403);
    assert_eq!(post(coord_khv.clone(), org_body("KHV", "KHV-NEW")).await, 201);
    assert_eq!(post(exec_maz.clone(), org_body("BY", "EXEC-NOPE")).await, 403);
    assert_eq!(post(observer.clone(), org_body("BY", "OBS-NOPE")).await, 403);
    assert_eq!(post(admin.clone(), org_body("KHV", "ADMIN-NEW")).await, 201);

    // The executor edits its own organisation, not another one.
    let maz = app.store.organisation_by_code("MAZ").await.expect("MAZ");
    let belaz = app.store.organisation_by_code("BELAZ").await.expect("BELAZ");
    let mut body = serde_json::to_value(accord_domain::directory::OrganisationForm::from(&maz.data)).expect("json");
    body["phone"] = json!("+375 17 217-22-22");
    body["version"] = json!(maz.version);
    let put = |token: &str, id: String, body: &Value| {
        http.put(app.url(&format!("/api/v1/organisations/{id}"))).bearer_auth(token).json(body).send()
    };
    assert_eq!(put(&exec_maz, maz.id.to_string(), &body).await.expect("put").status(), 200);
    let mut belaz_body =
        serde_json::to_value(accord_domain::directory::OrganisationForm::from(&belaz.data)).expect("json");
    belaz_body["version"] = json!(belaz.version);
    assert_eq!(put(&exec_maz, belaz.id.to_string(), &belaz_body).await.expect("put").status(), 403);
    // ...and cannot move it to the other side, which only coordinators of both sides may do.
    body["side"] = json!("KHV");
    body["version"] = json!(maz.version + 1);
    assert_eq!(put(&exec_maz, maz.id.to_string(), &body).await.expect("put").status(), 403);

    // The same rules hold on the pages.
    let observer_web = app.sign_in("observer").await;
    let forbidden = observer_web.get(app.url("/directory/organisations/new")).send().await.expect("get");
    assert_eq!(forbidden.status(), 403);
    assert!(forbidden.text().await.expect("body").contains("Your role may not do that"), "the observer reads English");
    let users_page = observer_web.get(app.url("/admin/users")).send().await.expect("get");
    assert_eq!(users_page.status(), 403);
    let exec_web = app.sign_in("exec.maz").await;
    assert_eq!(exec_web.get(app.url("/admin/users")).send().await.expect("get").status(), 403);
    assert_eq!(
        exec_web.get(app.url(&format!("/directory/organisations/{}/edit", maz.id))).send().await.expect("get").status(),
        200
    );
    assert_eq!(
        exec_web
            .get(app.url(&format!("/directory/organisations/{}/edit", belaz.id)))
            .send()
            .await
            .expect("get")
            .status(),
        403
    );
    let admin_web = app.sign_in("admin").await;
    assert!(app.page(&admin_web, "/admin/users").await.contains("exec.maz"));
    // Users API: admin only.
    let users = http.get(app.url("/api/v1/users")).bearer_auth(&coord_by).send().await.expect("get");
    assert_eq!(users.status(), 403);
    let body: Value = users.json().await.expect("json");
    assert_eq!(body["error"]["code"], "forbidden");
    let created = http
        .post(app.url("/api/v1/users"))
        .bearer_auth(&admin)
        .json(&json!({"login": "new.exec", "display_name": "Новый исполнитель", "password": "long-enough", "role": "executor", "organisation": "KHV-FISH"}))
        .send()
        .await
        .expect("post");
    assert_eq!(created.status(), 201);
    let created: Value = created.json().await.expect("json");
    assert_eq!((created["role"].as_str(), created["side"].as_str()), (Some("executor"), Some("KHV")));
}

async fn stale_versions_are_conflicts_not_overwrites(app: &TestApp) {
    let token = app.token("admin").await;
    let http = reqwest::Client::new();
    let mtz = app.store.organisation_by_code("MTZ").await.expect("MTZ");
    let url = app.url(&format!("/api/v1/organisations/{}", mtz.id));
    let mut body = serde_json::to_value(accord_domain::directory::OrganisationForm::from(&mtz.data)).expect("json");
    body["version"] = json!(mtz.version);
    body["address"] = json!("Минск, ул. Долгобродская, 29");
    assert_eq!(http.put(&url).bearer_auth(&token).json(&body).send().await.expect("put").status(), 200);
    body["address"] = json!("перезапись");
    let conflict = http.put(&url).bearer_auth(&token).json(&body).send().await.expect("put");
    assert_eq!(conflict.status(), 409);
    let error: Value = conflict.json().await.expect("json");
    assert_eq!(error["error"]["code"], "conflict");
    assert!(error["error"]["message"].as_str().expect("message").contains("версия 2"));
    let now = app.store.organisation(mtz.id).await.expect("read");
    assert_eq!(now.data.address.as_deref(), Some("Минск, ул. Долгобродская, 29"));

    // The edit form with a stale version says so above the form and keeps what was typed.
    let client = app.sign_in("admin").await;
    let csrf = app.csrf(&client, &format!("/directory/organisations/{}/edit", mtz.id)).await;
    let mut form: Vec<(String, String)> = serde_json::from_value::<std::collections::BTreeMap<String, Value>>(
        serde_json::to_value(accord_domain::directory::OrganisationForm::from(&mtz.data)).expect("json"),
    )
    .expect("map")
    .into_iter()
    .filter_map(|(k, v)| v.as_str().map(|s| (k, s.to_string())))
    .collect();
    form.push(("version".into(), "1".into()));
    form.push(("_csrf".into(), csrf));
    form.retain(|(k, _)| k != "address");
    form.push(("address".into(), "из устаревшей формы".into()));
    let response =
        client.post(app.url(&format!("/directory/organisations/{}", mtz.id))).form(&form).send().await.expect("post");
    assert_eq!(response.status(), 409);
    let html = response.text().await.expect("body");
    assert!(html.contains("Запись уже изменил кто-то другой"), "conflict explained");
}

async fn audit_chain_verifies_and_names_tampering(app: &TestApp) {
    let token = app.token("admin").await;
    let http = reqwest::Client::new();
    let verify = || async {
        http.get(app.url("/api/v1/audit/verify"))
            .bearer_auth(&token)
            .send()
            .await
            .expect("get")
            .json::<Value>()
            .await
            .expect("json")
    };
    let report = verify().await;
    assert_eq!(report["ok"], true);
    assert!(report["checked"].as_u64().expect("count") > 30, "demo data is audited");
    app.store.testing_tamper_audit_reason(7, "forged").await.expect("tamper");
    let report = verify().await;
    assert_eq!((report["ok"].as_bool(), report["first_broken_seq"].as_i64()), (Some(false), Some(7)));
    let client = app.sign_in("coord.khv").await;
    let page = app.page(&client, "/admin/audit/verify").await;
    assert!(page.contains("Цепочка нарушена") && page.contains("#7"), "the page names the entry");
    // Executors do not read the log.
    let exec = app.sign_in("exec.fish").await;
    assert_eq!(exec.get(app.url("/admin/audit")).send().await.expect("get").status(), 403);
}

async fn russian_search_ignores_case(app: &TestApp) {
    let token = app.token("observer").await;
    let http = reqwest::Client::new();
    let codes = |q: &'static str| {
        let http = http.clone();
        let token = token.clone();
        let url = app.url("/api/v1/organisations");
        async move {
            let body: Value = http
                .get(url)
                .query(&[("q", q)])
                .bearer_auth(token)
                .send()
                .await
                .expect("get")
                .json()
                .await
                .expect("json");
            body["items"]
                .as_array()
                .expect("items")
                .iter()
                .map(|o| o["code"].as_str().expect("code").to_string())
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(codes("мтз").await, ["MTZ"]);
    assert_eq!(codes("МОГИЛЁВСКИЙ облисполком").await, ["MOG-OIK"]);
    assert!(codes("могилевский").await.contains(&"MOG-MEAT".to_string()), "ё and е match");
    let client = app.sign_in("observer").await;
    let page = app.page(&client, "/directory/organisations?q=%D0%BC%D1%82%D0%B7").await;
    assert!(page.contains("Minsk Tractor Works"), "the observer reads English names");
    let people = app.page(&client, "/directory/people?q=%D0%B8%D1%81%D0%B0%D1%87%D0%B5%D0%BD%D0%BA%D0%BE").await;
    assert!(people.contains("Anatoly Isachenko"));
}

async fn validation_names_the_field_in_the_users_language(app: &TestApp) {
    let token = app.token("admin").await;
    let http = reqwest::Client::new();
    let mut body = org_body("BY", "BAD-EMAIL");
    body["email"] = json!("not-an-email");
    let response =
        http.post(app.url("/api/v1/organisations")).bearer_auth(&token).json(&body).send().await.expect("post");
    assert_eq!(response.status(), 422);
    let error: Value = response.json().await.expect("json");
    assert_eq!(error["error"]["code"], "validation");
    assert_eq!(error["error"]["field"], "email");
    assert_eq!(error["error"]["message"], "Электронная почта: неверный адрес электронной почты");
    let response =
        http.post(app.url("/api/v1/organisations?lang=en")).bearer_auth(&token).json(&body).send().await.expect("post");
    let error: Value = response.json().await.expect("json");
    assert_eq!(error["error"]["message"], "E-mail: not a valid e-mail address");
    // Not JSON at all.
    let response = http
        .post(app.url("/api/v1/organisations"))
        .bearer_auth(&token)
        .body("{")
        .header("content-type", "application/json")
        .send()
        .await
        .expect("post");
    assert_eq!(response.status(), 400);
    assert!(app.store.organisation_by_code("BAD-EMAIL").await.is_err(), "nothing half-saved");
}

async fn language_switch_is_remembered_per_user(app: &TestApp) {
    let client = app.sign_in("coord.by").await;
    assert!(app.page(&client, "/").await.contains("Главная"));
    assert!(app.page(&client, "/?lang=en").await.contains("Home"));
    let csrf = app.csrf(&client, "/").await;
    let response =
        client.post(app.url("/lang")).form(&[("lang", "en"), ("_csrf", csrf.as_str())]).send().await.expect("post");
    assert_eq!(response.status(), 303);
    assert_eq!(app.store.user_by_login("coord.by").await.expect("user").locale.code(), "en");
    // A new device: after sign-in the user's saved language applies.
    let other = app.sign_in("coord.by").await;
    let page = app.page(&other, "/directory/organisations").await;
    assert!(page.contains("<html lang=\"en\">") && page.contains("Organisations"));
    // Dates and numbers follow the language.
    let ru = app.sign_in("admin").await;
    let page = app.page(&ru, "/admin/audit").await;
    let today = chrono::Utc::now().with_timezone(&chrono_tz::Europe::Minsk).format("%d.%m.%Y").to_string();
    assert!(page.contains(&today), "Russian dates: {today}");
}

async fn unknown_routes_and_missing_tokens(app: &TestApp) {
    let client = app.sign_in("admin").await;
    let response = client.get(app.url("/no/such/page")).send().await.expect("get");
    assert_eq!(response.status(), 404);
    let html = response.text().await.expect("body");
    assert!(html.contains("Страница не найдена") && html.contains("Справочник"), "404 in the layout with navigation");
    let http = reqwest::Client::new();
    let response = http.get(app.url("/api/v1/organisations")).send().await.expect("get");
    assert_eq!(response.status(), 401);
    assert_eq!(response.headers()["www-authenticate"], "Bearer");
    let body: Value = response.json().await.expect("json");
    assert_eq!(body["error"]["code"], "unauthorized");
    let response = http.get(app.url("/api/v1/nothing-here")).send().await.expect("get");
    assert_eq!(response.status(), 404);
    assert_eq!(response.json::<Value>().await.expect("json")["error"]["code"], "not_found");
    let health: Value = http.get(app.url("/healthz")).send().await.expect("get").json().await.expect("json");
    assert_eq!(health["status"], "ok");
    assert_eq!(health["database"], app.store.backend().name());
    let openapi: Value =
        http.get(app.url("/api/v1/openapi.json")).send().await.expect("get").json().await.expect("json");
    assert!(openapi["openapi"].as_str().expect("version").starts_with("3."));
    for path in [
        "/api/v1/organisations",
        "/api/v1/organisations/{id}",
        "/api/v1/people",
        "/api/v1/users",
        "/api/v1/audit/verify",
        "/healthz",
    ] {
        assert!(openapi["paths"][path].is_object(), "OpenAPI documents {path}");
    }
    let response = http.get(app.url("/healthz")).send().await.expect("get");
    let headers = response.headers();
    assert!(headers["content-security-policy"].to_str().expect("csp").contains("frame-ancestors 'none'"));
    assert!(!headers["content-security-policy"].to_str().expect("csp").contains("unsafe-inline"));
    assert_eq!(headers["x-content-type-options"], "nosniff");
    assert_eq!(headers["referrer-policy"], "same-origin");
    // Oversized bodies are refused before they reach a handler.
    let big = "x".repeat(3 * 1024 * 1024);
    let response = http
        .post(app.url("/api/v1/organisations"))
        .bearer_auth(app.token("admin").await)
        .body(big)
        .header("content-type", "application/json")
        .send()
        .await;
    // The server answers 413 as soon as it sees the length; the client may still be sending
    // and see the connection closed instead. Either way nothing got through.
    match response {
        Ok(response) => assert!(response.status() == 413 || response.status() == 400, "{}", response.status()),
        Err(e) => assert!(e.is_request() || e.is_body() || e.is_connect(), "{e}"),
    }
}

async fn deletion_is_confirmed_refused_while_in_use_and_audited(app: &TestApp) {
    let client = app.sign_in("coord.khv").await;
    let fish = app.store.organisation_by_code("KHV-FISH").await.expect("org");
    let confirm = app.page(&client, &format!("/directory/organisations/{}/delete", fish.id)).await;
    assert!(confirm.contains("Подтвердите удаление") && confirm.contains("Амурская рыбопромышленная"));
    let csrf = csrf_in(&confirm);
    let response = client
        .post(app.url(&format!("/directory/organisations/{}/delete", fish.id)))
        .form(&[("_csrf", csrf.as_str()), ("version", "1"), ("reason", "test")])
        .send()
        .await
        .expect("post");
    assert_eq!(response.status(), 409, "people and an executor still belong to it");
    assert!(response.text().await.expect("body").contains("используется"));

    // An organisation nobody refers to goes, and its history stays readable.
    let token = app.token("coord.khv").await;
    let http = reqwest::Client::new();
    let created: Value = http
        .post(app.url("/api/v1/organisations"))
        .bearer_auth(&token)
        .json(&org_body("KHV", "TEMP-ORG"))
        .send()
        .await
        .expect("post")
        .json()
        .await
        .expect("json");
    let id = created["id"].as_str().expect("id").to_string();
    let response = http
        .delete(app.url(&format!("/api/v1/organisations/{id}?version=1&reason=duplicate")))
        .bearer_auth(&token)
        .send()
        .await
        .expect("delete");
    assert_eq!(response.status(), 204);
    assert_eq!(
        http.get(app.url(&format!("/api/v1/organisations/{id}")))
            .bearer_auth(&token)
            .send()
            .await
            .expect("get")
            .status(),
        404
    );
    let history: Value = http
        .get(app.url(&format!("/api/v1/audit/organisation/{id}")))
        .bearer_auth(&token)
        .send()
        .await
        .expect("get")
        .json()
        .await
        .expect("json");
    let ops: Vec<&str> =
        history.as_array().expect("entries").iter().map(|e| e["operation"].as_str().expect("op")).collect();
    assert_eq!(ops, ["create", "delete"]);
    assert_eq!(history[1]["reason"], "duplicate");
    assert_eq!(history[1]["before"]["code"], "TEMP-ORG");
    assert_eq!(history[1]["actor"], "coord.khv");
}

async fn organisation_pages_list_sort_and_page(app: &TestApp) {
    let client = app.sign_in("admin").await;
    let page = app.page(&client, "/directory/organisations?sort=code&per_page=5").await;
    // The demo's directory organisations plus the fleet's owners, suppliers and service centre.
    let total = app.store.organisation_all().await.expect("organisations").len();
    let pages = total.div_ceil(5);
    assert!(page.contains(&format!("Страница 1 из {pages}")), "{total} demo organisations in pages of 5");
    let first = page.find("<code>BABUSHKINA</code>").expect("BABUSHKINA on page 1");
    let second = page.find("<code>BELAZ</code>").expect("BELAZ on page 1");
    assert!(first < second, "sorted by code");
    let desc = app.page(&client, "/directory/organisations?sort=code&dir=desc&per_page=5").await;
    assert!(desc.contains("<code>PNU</code>") && !desc.contains("<code>BABUSHKINA</code>"));
    let khv = app.page(&client, "/directory/organisations?side=KHV&kind=university").await;
    assert!(khv.contains("<code>PNU</code>") && !khv.contains("<code>BRU</code>"));
    // htmx asks for the table alone.
    let partial = client
        .get(app.url("/directory/organisations?q=maz"))
        .header("hx-request", "true")
        .send()
        .await
        .expect("get")
        .text()
        .await
        .expect("body");
    assert!(partial.contains("<code>MAZ</code>") && !partial.contains("<html"), "a partial, not a page");
}

async fn api_tokens_from_the_account_page(app: &TestApp) {
    let client = app.sign_in("exec.maz").await;
    let csrf = app.csrf(&client, "/account").await;
    let page = client
        .post(app.url("/account/tokens"))
        .form(&[("label", "1C"), ("_csrf", csrf.as_str())])
        .send()
        .await
        .expect("post")
        .text()
        .await
        .expect("body");
    let token =
        page.split("id=\"new-token\">").nth(1).and_then(|r| r.split('<').next()).expect("token shown once").to_string();
    let me: Value = reqwest::Client::new()
        .get(app.url("/api/v1/me"))
        .bearer_auth(&token)
        .send()
        .await
        .expect("get")
        .json()
        .await
        .expect("json");
    assert_eq!(me["login"], "exec.maz");
    assert_eq!(me["role"], "executor");
    assert!(!app.page(&client, "/account").await.contains(&token), "shown only once");

    // The same through the API: tokens, language, password.
    let http = reqwest::Client::new();
    let created = http
        .post(app.url("/api/v1/me/tokens"))
        .bearer_auth(&token)
        .json(&json!({"label": "script"}))
        .send()
        .await
        .expect("post");
    assert_eq!(created.status(), 201);
    let second = created.json::<Value>().await.expect("json")["token"].as_str().expect("token").to_string();
    let listed: Value = http
        .get(app.url("/api/v1/me/tokens"))
        .bearer_auth(&second)
        .send()
        .await
        .expect("get")
        .json()
        .await
        .expect("json");
    let labels: Vec<&str> = listed.as_array().expect("list").iter().filter_map(|t| t["label"].as_str()).collect();
    assert_eq!(labels, ["1C", "script"]);
    let first_id = listed[0]["id"].as_str().expect("id");
    let revoked = http
        .delete(app.url(&format!("/api/v1/me/tokens/{first_id}")))
        .bearer_auth(&second)
        .send()
        .await
        .expect("delete");
    assert_eq!(revoked.status(), 204);
    assert_eq!(http.get(app.url("/api/v1/me")).bearer_auth(&token).send().await.expect("get").status(), 401, "revoked");
    let me: Value = http
        .put(app.url("/api/v1/me"))
        .bearer_auth(&second)
        .json(&json!({"locale": "en"}))
        .send()
        .await
        .expect("put")
        .json()
        .await
        .expect("json");
    assert_eq!(me["locale"], "en");
    let wrong = http
        .post(app.url("/api/v1/me/password"))
        .bearer_auth(&second)
        .json(&json!({"current": "nope", "new_password": "new-password-1"}))
        .send()
        .await
        .expect("post");
    assert_eq!(wrong.status(), 422);
    let changed = http
        .post(app.url("/api/v1/me/password"))
        .bearer_auth(&second)
        .json(&json!({"current": "exec.maz-demo", "new_password": "new-password-1"}))
        .send()
        .await
        .expect("post");
    assert_eq!(changed.status(), 204);
    assert_eq!(
        client.get(app.url("/")).send().await.expect("get").status(),
        303,
        "a new password ends the web sessions"
    );
    assert_eq!(app.post_login(&app.client(), "exec.maz", "new-password-1").await.status(), 303);
    let after = http.get(app.url("/api/v1/me")).bearer_auth(&second).send().await.expect("get");
    assert_eq!(after.status(), 401, "a new password revokes the API tokens, the one used too");
}
