//! Starts the real application on port 0 against a fresh store with the demo data.

use accord_store::Store;
use accord_store::testing::{TestBackend, TestStore};
use accord_web::{AppState, ServeOptions};
use reqwest::Client;
use tokio::sync::oneshot;

pub struct TestApp {
    pub base: String,
    pub store: Store,
    test_store: Option<TestStore>,
    stop: Option<oneshot::Sender<()>>,
    server: Option<tokio::task::JoinHandle<()>>,
}

impl TestApp {
    /// `None` when the backend is not available (and that is allowed).
    pub async fn spawn(backend: TestBackend) -> Option<TestApp> {
        Self::spawn_with_fleet(backend, None).await
    }

    /// With the demo fleet generated from `fleet` (loaded before the rest of the demo, so the
    /// demo's own standard fleet is skipped and the review's agendas see this one).
    pub async fn spawn_with_fleet(
        backend: TestBackend,
        fleet: Option<accord_demo::fleet::DemoConfig>,
    ) -> Option<TestApp> {
        Self::spawn_with(backend, fleet, ServeOptions { demo: true, trust_proxy: false }).await
    }

    /// With the server's options (`--demo`, `--trust-proxy`) as given.
    pub async fn spawn_with(
        backend: TestBackend,
        fleet: Option<accord_demo::fleet::DemoConfig>,
        options: ServeOptions,
    ) -> Option<TestApp> {
        let test_store = TestStore::new(backend).await?;
        let store = test_store.store.clone();
        // The rest of the demo then goes into a store that is not empty: forced.
        let preloaded = fleet.is_some();
        if let Some(config) = fleet {
            accord_demo::fleet::load_config(&store, config).await.expect("demo fleet");
        }
        accord_demo::load(&store, preloaded).await.expect("demo data");
        let state = AppState::new(store.clone(), options).await.expect("state");
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let base = format!("http://{}", listener.local_addr().expect("address"));
        let (stop, stopped) = oneshot::channel::<()>();
        let server = tokio::spawn(async move {
            accord_web::serve(listener, state, async {
                let _ = stopped.await;
            })
            .await
            .expect("server");
        });
        Some(TestApp { base, store, test_store: Some(test_store), stop: Some(stop), server: Some(server) })
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// A browser-like client that keeps cookies and does not follow redirects.
    pub fn client(&self) -> Client {
        Client::builder().cookie_store(true).redirect(reqwest::redirect::Policy::none()).build().expect("client")
    }

    /// Signs in through the form; the client then carries the session cookie.
    pub async fn sign_in(&self, login: &str) -> Client {
        let client = self.client();
        let response = self.post_login(&client, login, &accord_demo::demo_password(login)).await;
        assert_eq!(response.status(), 303, "sign-in of {login} should redirect");
        client
    }

    pub async fn post_login(&self, client: &Client, login: &str, password: &str) -> reqwest::Response {
        let csrf = self.csrf(client, "/login").await;
        client
            .post(self.url("/login"))
            .form(&[("login", login), ("password", password), ("_csrf", &csrf), ("next", "/")])
            .send()
            .await
            .expect("post login")
    }

    /// The CSRF token of the form on a page.
    pub async fn csrf(&self, client: &Client, path: &str) -> String {
        let html = self.page(client, path).await;
        csrf_in(&html)
    }

    pub async fn page(&self, client: &Client, path: &str) -> String {
        client.get(self.url(path)).send().await.expect("get").text().await.expect("body")
    }

    /// GET an API path with a bearer token; the body as JSON.
    pub async fn api_json(&self, token: &str, path: &str) -> serde_json::Value {
        let response = self.client().get(self.url(path)).bearer_auth(token).send().await.expect("get");
        response.json().await.expect("json")
    }

    /// A new API token for a demo user.
    pub async fn token(&self, login: &str) -> String {
        let user = self.store.user_by_login(login).await.expect("user");
        let token = accord_web::auth::new_secret();
        self.store
            .token_create(accord_store::Author::SYSTEM, user.id, Some("test"), &accord_web::auth::secret_hash(&token))
            .await
            .expect("token");
        token
    }

    pub async fn stop(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(server) = self.server.take() {
            let _ = server.await;
        }
        if let Some(store) = self.test_store.take() {
            store.cleanup().await;
        }
    }
}

pub fn csrf_in(html: &str) -> String {
    html.split("name=\"_csrf\" value=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("a _csrf field on the page")
        .to_string()
}

/// Declares one test per backend around an async story `fn(&TestApp)`.
#[macro_export]
macro_rules! on_both_backends {
    ($($story:ident),* $(,)?) => {
        mod sqlite {$(
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $story() {
                let Some(app) = $crate::app::TestApp::spawn(accord_store::testing::TestBackend::Sqlite).await else { return };
                super::$story(&app).await;
                app.stop().await;
            }
        )*}
        mod postgres {$(
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $story() {
                let Some(app) = $crate::app::TestApp::spawn(accord_store::testing::TestBackend::Postgres).await else { return };
                super::$story(&app).await;
                app.stop().await;
            }
        )*}
    };
}
