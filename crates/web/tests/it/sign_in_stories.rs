//! Signing in under attack, over HTTP on both backends: failed sign-ins slow the login they
//! are for and not its neighbours behind the same address (a 429 says when to come back, on
//! the page and the API), the address comes from `X-Forwarded-For` only behind a trusted
//! proxy, a redirect after signing in stays on this site, the demo accounts need a demo
//! server, and API tokens expire and end with a password change.

use crate::app::{TestApp, csrf_in};
use accord_store::testing::TestBackend;
use accord_web::ServeOptions;
use serde_json::{Value, json};
use std::time::Instant;

crate::on_both_backends!(
    a_burst_for_one_login_leaves_the_others_alone,
    redirects_after_sign_in_stay_on_this_site,
    api_tokens_expire_and_die_with_the_password,
);

/// Signs in with a `next` target; the raw response.
async fn login_to(app: &TestApp, login: &str, password: &str, next: &str) -> reqwest::Response {
    let client = app.client();
    let csrf = app.csrf(&client, "/login").await;
    client
        .post(app.url("/login"))
        .form(&[("login", login), ("password", password), ("_csrf", &csrf), ("next", next)])
        .send()
        .await
        .expect("post login")
}

fn retry_after(response: &reqwest::Response) -> u64 {
    response.headers()["retry-after"].to_str().expect("ascii").parse().expect("seconds")
}

async fn a_burst_for_one_login_leaves_the_others_alone(app: &TestApp) {
    let client = app.client();
    let started = Instant::now();
    let mut statuses = Vec::new();
    for _ in 0..50 {
        let response = app.post_login(&client, "exec.maz", "wrong-password").await;
        statuses.push(response.status().as_u16());
        if response.status() == 429 {
            let wait = retry_after(&response);
            assert!((1..=60).contains(&wait), "{wait}");
            assert!(response.text().await.expect("body").contains("Повторите через"));
        }
    }
    let took = started.elapsed();
    assert_eq!(statuses.iter().filter(|s| **s == 401).count(), 5, "{statuses:?}");
    assert_eq!(statuses.iter().filter(|s| **s == 429).count(), 45, "{statuses:?}");
    // The right password of another login from the same address: in at once.
    let started = Instant::now();
    assert_eq!(app.post_login(&app.client(), "coord.khv", "coord.khv-demo").await.status(), 303);
    eprintln!("50 wrong passwords for exec.maz in {took:?}; then coord.khv signed in in {:?}", started.elapsed());
    // exec.maz itself waits, even with its right password.
    assert_eq!(app.post_login(&app.client(), "exec.maz", "exec.maz-demo").await.status(), 429);

    // The password change of a token holder is throttled the same way, per user.
    let token = app.token("coord.by").await;
    let http = reqwest::Client::new();
    let change = |current: &'static str| {
        http.post(app.url("/api/v1/me/password"))
            .bearer_auth(&token)
            .json(&json!({"current": current, "new_password": "new-password-1"}))
            .send()
    };
    for _ in 0..5 {
        assert_eq!(change("nope").await.expect("post").status(), 422);
    }
    let throttled = change("coord.by-demo").await.expect("post");
    assert_eq!(throttled.status(), 429);
    assert!(retry_after(&throttled) >= 1);
    let body: Value = throttled.json().await.expect("json");
    assert_eq!(body["error"]["code"], "too_many_attempts");
}

async fn redirects_after_sign_in_stay_on_this_site(app: &TestApp) {
    for (next, expected) in [
        ("/plan", "/plan"),
        ("/%09/evil.example", "/"),
        ("//evil.example", "/"),
        ("/\\evil.example", "/"),
        ("https://evil.example/", "/"),
        ("/%0d%0aSet-Cookie:%20a=b", "/"),
        ("/\r\nSet-Cookie: a=b", "/"),
    ] {
        let response = login_to(app, "observer", "observer-demo", next).await;
        assert_eq!(response.status(), 303, "{next:?}");
        assert_eq!(response.headers()["location"], expected, "{next:?}");
    }
    // The form carries only a clean target.
    let page = app.page(&app.client(), "/login?next=%2F%0D%0A%2F%2Fevil.example").await;
    assert!(page.contains(r#"name="next" value="/""#), "the form keeps no dirty target");
}

async fn api_tokens_expire_and_die_with_the_password(app: &TestApp) {
    let http = reqwest::Client::new();
    let token = app.token("exec.fish").await;
    let made = http
        .post(app.url("/api/v1/me/tokens"))
        .bearer_auth(&token)
        .json(&json!({"label": "script", "expires": "30d"}))
        .send()
        .await
        .expect("post");
    assert_eq!(made.status(), 201);
    let made: Value = made.json().await.expect("json");
    let expires = made["expires_at"].as_str().expect("an expiry").to_string();
    let new_token = made["token"].as_str().expect("token").to_string();
    let listed: Value = app.api_json(&new_token, "/api/v1/me/tokens").await;
    let row = listed.as_array().expect("list").iter().find(|t| t["id"] == made["id"]).expect("listed").clone();
    assert_eq!(row["expires_at"], expires.as_str());
    let refused = http
        .post(app.url("/api/v1/me/tokens"))
        .bearer_auth(&token)
        .json(&json!({"expires": "forever and a day"}))
        .send()
        .await
        .expect("post");
    assert_eq!(refused.status(), 422);
    let body: Value = refused.json().await.expect("json");
    assert_eq!(
        (body["error"]["code"].as_str(), body["error"]["field"].as_str()),
        (Some("token_expiry"), Some("expires"))
    );

    // A token past its expiry is refused (401) and shown as expired on the account page.
    let user = app.store.user_by_login("exec.fish").await.expect("user");
    let old = accord_web::auth::new_secret();
    let mut w = app.store.begin_write(accord_store::Author::SYSTEM).await.expect("write");
    let past = Some(chrono::Utc::now() - chrono::Duration::seconds(5));
    app.store
        .token_create_in(&mut w, user.id, Some("old-one"), &accord_web::auth::secret_hash(&old), past)
        .await
        .expect("token");
    w.commit().await.expect("commit");
    assert_eq!(http.get(app.url("/api/v1/me")).bearer_auth(&old).send().await.expect("get").status(), 401);
    let client = app.sign_in("exec.fish").await;
    let page = app.page(&client, "/account").await;
    assert!(page.contains("old-one") && page.contains("истёк"), "the expired token is listed as such");
    assert!(page.contains(r#"name="expires""#), "the form asks for a lifetime");
    // A token made on the page with a lifetime shows it.
    let csrf = csrf_in(&page);
    let made = client
        .post(app.url("/account/tokens"))
        .form(&[("_csrf", csrf.as_str()), ("label", "from-the-page"), ("expires", "90d")])
        .send()
        .await
        .expect("post");
    assert_eq!(made.status(), 200);
    let tokens = app.store.token_list(user.id).await.expect("list");
    let from_page = tokens.iter().find(|t| t.label.as_deref() == Some("from-the-page")).expect("made");
    assert!(from_page.expires_at.is_some_and(|at| at > chrono::Utc::now() + chrono::Duration::days(89)));

    // A new password set by an administrator ends every token of the user.
    let admin = app.token("admin").await;
    let mut body = app.api_json(&admin, "/api/v1/users/exec.fish").await;
    body["password"] = json!("a-brand-new-password");
    let changed =
        http.put(app.url("/api/v1/users/exec.fish")).bearer_auth(&admin).json(&body).send().await.expect("put");
    assert_eq!(changed.status(), 200, "{}", changed.text().await.unwrap_or_default());
    for secret in [&token, &new_token] {
        assert_eq!(http.get(app.url("/api/v1/me")).bearer_auth(secret).send().await.expect("get").status(), 401);
    }
    assert!(app.store.token_list(user.id).await.expect("list").is_empty());
}

/// A server started without `--demo` on the demo's store: the published passwords are
/// refused with a message saying why, and `/login` does not advertise them.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn demo_accounts_are_refused_without_demo_mode() {
    let Some(app) = TestApp::spawn_with(TestBackend::Sqlite, None, ServeOptions::default()).await else { return };
    let page = app.page(&app.client(), "/login").await;
    assert!(!page.contains("admin-demo"), "no demo hint");
    let response = app.post_login(&app.client(), "admin", "admin-demo").await;
    assert_eq!(response.status(), 403);
    assert!(response.text().await.expect("body").contains("accord serve --demo"));
    app.stop().await;
    let Some(demo) = TestApp::spawn(TestBackend::Sqlite).await else { return };
    assert!(demo.page(&demo.client(), "/login").await.contains("admin-demo"), "the hint in demo mode");
    demo.stop().await;
}

/// Behind a trusted proxy the throttle sees the client's address from `X-Forwarded-For`;
/// without `--trust-proxy` the header is ignored (else a client could pick its own address).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_client_address_comes_from_a_trusted_proxy_only() {
    for trust_proxy in [true, false] {
        let options = ServeOptions { demo: true, trust_proxy };
        let Some(app) = TestApp::spawn_with(TestBackend::Sqlite, None, options).await else { return };
        let attempt = |login: String, from: &'static str| {
            let app = &app;
            async move {
                let client = app.client();
                let csrf = app.csrf(&client, "/login").await;
                client
                    .post(app.url("/login"))
                    .header("x-forwarded-for", format!("198.51.100.77, {from}"))
                    .form(&[("login", login.as_str()), ("password", "wrong-password"), ("_csrf", &csrf)])
                    .send()
                    .await
                    .expect("post")
                    .status()
                    .as_u16()
            }
        };
        // A spray of made-up logins fills one address's bucket.
        for i in 0..55 {
            attempt(format!("nobody{i}"), "203.0.113.1").await;
        }
        // A login that failed from there waits; from another client it is only checked.
        assert_eq!(attempt("nobody0".into(), "203.0.113.1").await, 429);
        let elsewhere = attempt("nobody1".into(), "203.0.113.2").await;
        assert_eq!(elsewhere, if trust_proxy { 401 } else { 429 }, "trust_proxy {trust_proxy}");
        app.stop().await;
    }
}
