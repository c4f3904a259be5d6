//! Browser journeys in Debian's headless Chromium, driven over WebDriver (chromedriver).
//! Skipped with one line when Chromium is absent, unless ACCORD_REQUIRE_ALL_TESTS=1.

use crate::app::TestApp;
use accord_store::testing::{TestBackend, skip_or_fail};
use fantoccini::{Client, ClientBuilder, Locator};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
const CHROMIUM: &str = "/usr/lib/chromium/chromium";

struct Browser {
    client: Client,
    driver: Child,
    profile: std::path::PathBuf,
}

impl Browser {
    async fn start() -> Option<Browser> {
        if !std::path::Path::new(CHROMEDRIVER).exists() || !std::path::Path::new(CHROMIUM).exists() {
            skip_or_fail("Chromium browser tests", "apt-get install chromium chromium-driver");
            return None;
        }
        let port = std::net::TcpListener::bind("127.0.0.1:0").expect("free port").local_addr().expect("addr").port();
        let driver = Command::new(CHROMEDRIVER)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start chromedriver");
        let profile = std::env::temp_dir().join(format!("accord-chromium-{}", uuid_like()));
        let mut caps = serde_json::Map::new();
        caps.insert(
            "goog:chromeOptions".into(),
            serde_json::json!({
                "binary": CHROMIUM,
                "args": ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                         "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-dev-shm-usage",
                         "--window-size=1280,900", format!("--user-data-dir={}", profile.display())]
            }),
        );
        let url = format!("http://127.0.0.1:{port}");
        let mut last_error = String::new();
        for _ in 0..100 {
            match ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
                .capabilities(caps.clone())
                .connect(&url)
                .await
            {
                Ok(client) => return Some(Browser { client, driver, profile }),
                Err(e) => last_error = e.to_string(),
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("could not start a Chromium session: {last_error}");
    }

    async fn stop(mut self) {
        let _ = self.client.close().await;
        let _ = self.driver.kill();
        let _ = self.driver.wait();
        let _ = std::fs::remove_dir_all(&self.profile);
    }

    /// Saves a screenshot when ACCORD_SCREENSHOTS names a folder (for looking at the UI).
    async fn screenshot(&self, name: &str) {
        if let Ok(dir) = std::env::var("ACCORD_SCREENSHOTS")
            && let Ok(png) = self.client.screenshot().await
        {
            let _ = std::fs::write(std::path::Path::new(&dir).join(format!("{name}.png")), png);
        }
    }

    async fn text(&self, css: &str) -> String {
        self.client.wait().for_element(Locator::Css(css)).await.expect(css).text().await.expect("text")
    }

    async fn fill(&self, css: &str, value: &str) {
        let field = self.client.find(Locator::Css(css)).await.expect(css);
        field.clear().await.expect("clear");
        field.send_keys(value).await.expect("type");
    }

    async fn click(&self, css: &str) {
        self.client.wait().for_element(Locator::Css(css)).await.expect(css).click().await.expect("click");
    }

    async fn sign_in(&self, app: &TestApp, login: &str) {
        self.client.goto(&app.url("/login")).await.expect("goto");
        self.fill("#login", login).await;
        self.fill("#password", &accord_web::demo::demo_password(login)).await;
        self.click("#sign-in").await;
        self.client.wait().for_element(Locator::Css("#sign-out")).await.expect("signed in");
    }

    async fn sign_out(&self) {
        self.click("#sign-out").await;
        self.client.wait().for_element(Locator::Css("#sign-in")).await.expect("signed out");
    }
}

fn uuid_like() -> String {
    format!(
        "{}-{}",
        std::process::id(),
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos())
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn journeys_in_chromium() {
    let Some(browser) = Browser::start().await else { return };
    let app = TestApp::spawn(TestBackend::Sqlite).await.expect("SQLite is always there");

    every_role_signs_in_and_sees_its_menu(&browser, &app).await;
    language_switch(&browser, &app).await;
    create_organisation_after_a_validation_error(&browser, &app).await;
    search_as_you_type(&browser, &app).await;

    browser.stop().await;
    app.stop().await;
}

async fn every_role_signs_in_and_sees_its_menu(browser: &Browser, app: &TestApp) {
    for (login, sees_admin) in [
        ("admin", true),
        ("coord.by", true),
        ("coord.khv", true),
        ("exec.maz", false),
        ("exec.fish", false),
        ("observer", false),
    ] {
        browser.sign_in(app, login).await;
        let menu = browser.text("nav.modules").await;
        assert!(menu.contains("Справочник") || menu.contains("Directory"), "{login}: {menu}");
        let has_admin = menu.contains("Администрирование") || menu.contains("Administration");
        assert_eq!(has_admin, sees_admin, "{login} sees the administration menu: {menu}");
        browser.screenshot(&format!("home-{login}")).await;
        browser.sign_out().await;
    }
    // A wrong password keeps the visitor on the form with a message (the observer left English on).
    browser.client.goto(&app.url("/login?lang=ru")).await.expect("goto");
    browser.fill("#login", "admin").await;
    browser.fill("#password", "wrong").await;
    browser.click("#sign-in").await;
    assert!(browser.text("#sign-in-error").await.contains("Неверный логин или пароль"));
}

async fn language_switch(browser: &Browser, app: &TestApp) {
    browser.sign_in(app, "coord.khv").await;
    assert!(browser.text("nav.modules").await.contains("Главная"));
    browser.click("button[name=lang][value=en]").await;
    browser
        .client
        .wait()
        .for_element(Locator::XPath("//nav[contains(@class,'modules')]//a[text()='Home']"))
        .await
        .expect("English menu");
    browser.screenshot("home-en").await;
    // The choice survives signing out and in again.
    browser.sign_out().await;
    browser.sign_in(app, "coord.khv").await;
    assert!(browser.text("nav.modules").await.contains("Home"));
    browser.click("button[name=lang][value=ru]").await;
    browser
        .client
        .wait()
        .for_element(Locator::XPath("//nav[contains(@class,'modules')]//a[text()='Главная']"))
        .await
        .expect("Russian menu");
    browser.sign_out().await;
}

async fn create_organisation_after_a_validation_error(browser: &Browser, app: &TestApp) {
    browser.sign_in(app, "coord.by").await;
    browser.client.goto(&app.url("/directory/organisations")).await.expect("goto");
    browser.click("#new-organisation").await;
    browser.fill("#f-code", "MOGILEVLIFT").await;
    browser
        .client
        .find(Locator::Css("#f-kind option[value=enterprise]"))
        .await
        .expect("kind")
        .click()
        .await
        .expect("select");
    browser.fill("#f-name_full_ru", "ОАО «Могилёвлифтмаш»").await;
    browser.fill("#f-name_short_ru", "Могилёвлифтмаш").await;
    browser.fill("#f-email", "info-at-lift").await;
    browser.click("#save").await;
    assert!(browser.text("#form-error").await.contains("Проверьте выделенные поля"));
    assert!(browser.text("#e-email").await.contains("неверный адрес"));
    browser.screenshot("organisation-invalid").await;
    browser.fill("#f-email", "info@liftmach.by").await;
    browser.click("#save").await;
    assert!(browser.text(".flash").await.contains("Изменения сохранены"));
    assert!(browser.text("h1").await.contains("Могилёвлифтмаш"));
    browser.screenshot("organisation-saved").await;
    let saved = app.store.organisation_by_code("MOGILEVLIFT").await.expect("saved");
    assert_eq!(saved.data.email.as_deref(), Some("info@liftmach.by"));
    assert_eq!(saved.data.side, accord_domain::Side::By, "a coordinator's own side is preselected");
}

async fn search_as_you_type(browser: &Browser, app: &TestApp) {
    browser.client.goto(&app.url("/directory/organisations")).await.expect("goto");
    browser.fill("#q", "мтз").await;
    // htmx replaces the table without a page load; wait until only MTZ is left.
    let mut rows = 0;
    for _ in 0..50 {
        let table = browser.text("#organisations tbody").await;
        rows = table.lines().filter(|l| !l.trim().is_empty()).count();
        if table.contains("MTZ") && !table.contains("BELAZ") {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let table = browser.text("#organisations tbody").await;
    assert!(table.contains("MTZ") && !table.contains("BELAZ"), "search result: {table} ({rows} lines)");
    assert!(browser.client.current_url().await.expect("url").as_str().contains("q="), "the URL keeps the search");
    browser.screenshot("organisations-search").await;
    browser.sign_out().await;
}
