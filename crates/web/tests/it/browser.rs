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
        let _ = self.client.clone().close().await;
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

    /// The text of an element; retried while htmx swaps the element out under us.
    async fn text(&self, css: &str) -> String {
        let mut last = None;
        for _ in 0..20 {
            let element = self.client.wait().for_element(Locator::Css(css)).await.expect(css);
            match element.text().await {
                Ok(text) => return text,
                Err(e) => last = Some(e),
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("{css}: {last:?}");
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
        self.fill("#password", &accord_demo::demo_password(login)).await;
        self.click("#sign-in").await;
        self.client.wait().for_element(Locator::Css("#sign-out")).await.expect("signed in");
    }

    async fn sign_out(&self) {
        self.click("#sign-out").await;
        self.client.wait().for_element(Locator::Css("#sign-in")).await.expect("signed out");
    }
}

impl Drop for Browser {
    /// A failed journey still takes chromedriver (and the browser it started) down with it.
    fn drop(&mut self) {
        let _ = self.driver.kill();
        let _ = self.driver.wait();
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
    executor_reports_progress_and_uploads_a_file(&browser, &app).await;
    coordinator_filters_the_measures_and_downloads_them(&browser, &app).await;
    khabarovsk_imports_its_statistics_and_explains_a_mirror_gap(&browser, &app).await;
    coordinator_searches_routes(&browser, &app).await;
    coordinator_returns_a_report_and_the_executor_fixes_it(&browser, &app).await;
    technician_closes_a_work_order(&browser, &app).await;

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

async fn open_measure(browser: &Browser, app: &TestApp, number: &str) -> String {
    let plan = app.store.plan_by_code("KHV-MOG-2025").await.expect("plan");
    let measures = app.store.measures_of_plan(plan.id).await.expect("measures");
    let id = measures.iter().find(|m| m.data.number.to_string() == number).map(|m| m.id.to_string()).expect("measure");
    browser.client.goto(&app.url(&format!("/plan/measures/{id}"))).await.expect("goto");
    id
}

async fn executor_reports_progress_and_uploads_a_file(browser: &Browser, app: &TestApp) {
    browser.sign_in(app, "exec.maz").await;
    let id = open_measure(browser, app, "5.1.2.").await;
    browser.fill("#p-percent", "85").await;
    browser.fill("#p-reason", "смонтировано оборудование").await;
    browser.click("#save-progress").await;
    assert!(browser.text(".flash").await.contains("Изменения сохранены"));
    assert_eq!(browser.text("#measure-percent").await, "85%");
    let report = std::env::temp_dir().join(format!("accord-report-{}.pdf", std::process::id()));
    std::fs::write(&report, b"%PDF-1.4\n% acceptance report of the service area\n").expect("write file");
    let input = browser.client.find(Locator::Css("#upload")).await.expect("file input");
    input.send_keys(&report.display().to_string()).await.expect("choose file");
    browser.click("#upload-button").await;
    let files = browser.text("#attachments table").await;
    assert!(files.contains("accord-report-"), "the uploaded file is listed: {files}");
    browser.screenshot("measure-executor").await;
    let stored = app.store.attachments_of(id.parse().expect("id")).await.expect("attachments");
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0].uploaded_by.as_deref(), Some("exec.maz"));
    let _ = std::fs::remove_file(&report);
    // No edit button for an executor: reporting only.
    assert!(browser.client.find(Locator::Css("#edit")).await.is_err());
    browser.sign_out().await;
}

async fn coordinator_filters_the_measures_and_downloads_them(browser: &Browser, app: &TestApp) {
    browser.sign_in(app, "coord.by").await;
    browser.client.goto(&app.url("/plan")).await.expect("goto");
    assert!(browser.text("#plan-progress").await.ends_with('%'));
    browser.screenshot("plan-overview").await;
    browser.client.goto(&app.url("/plan/measures")).await.expect("goto");
    browser
        .client
        .find(Locator::Css("#dimension option[value=culture]"))
        .await
        .expect("option")
        .click()
        .await
        .expect("select");
    let mut table = String::new();
    for _ in 0..50 {
        table = browser.text("#measures tbody").await;
        if table.contains("8.1.") && !table.contains("5.1.") {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(table.contains("8.1.") && !table.contains("5.1."), "filtered: {table}");
    browser.screenshot("measures-culture").await;
    // The download link carries the filter; fetch it with the browser's session.
    browser.client.goto(browser.client.current_url().await.expect("url").as_str()).await.expect("reload");
    let href = browser
        .client
        .find(Locator::Css("#export-xlsx"))
        .await
        .expect("export link")
        .attr("href")
        .await
        .expect("href")
        .expect("an href");
    assert!(href.contains("dimension=culture"), "{href}");
    let session = browser.client.get_named_cookie("accord_session").await.expect("session cookie");
    let bytes = reqwest::Client::new()
        .get(app.url(&href))
        .header("cookie", format!("accord_session={}", session.value()))
        .send()
        .await
        .expect("download")
        .bytes()
        .await
        .expect("body");
    let table = accord_formats::read_xlsx(&bytes).expect("a plan table");
    let measures = table.rows.iter().filter(|r| matches!(r, accord_formats::PlanRow::Measure(_))).count();
    assert_eq!(measures, 7, "section 8 only");
    browser.sign_out().await;
}

/// Khabarovsk's coordinator loads the territory's statistics (a bad file first: nothing stored,
/// the row named), sees them on the trade page, then explains a gap between the two sides'
/// figures on the mirror page.
async fn khabarovsk_imports_its_statistics_and_explains_a_mirror_gap(browser: &Browser, app: &TestApp) {
    browser.sign_in(app, "coord.khv").await;
    let sources_before = app.store.trade_sources().await.expect("sources").len();
    let file = std::env::temp_dir().join(format!("accord-khv-{}.csv", std::process::id()));
    let header = "period,flow,reporter,partner,code,value,currency,net_mass_kg,qty,qty_unit\n";
    let good = "2020-01,export,RU-KHA,BY-MA,0303 67 000 0,41000.00,USD,20000,,\n";
    std::fs::write(&file, format!("{header}{good}2020-02,export,RU-KHA,BY-MA,0303 67 000 0,4l000,USD,,,\n"))
        .expect("write file");
    let path = file.display().to_string();
    let upload = |dry_run: bool| {
        let path = path.clone();
        async move {
            browser.client.goto(&app.url("/trade/import")).await.expect("goto");
            let input = browser.client.find(Locator::Css("#trade-file")).await.expect("file input");
            input.send_keys(&path).await.expect("choose file");
            browser.fill("input[name=source]", "Хабаровскстат").await;
            if dry_run {
                browser.click("#trade-dry-run").await;
            }
            browser.click("#trade-import-submit").await;
        }
    };
    upload(false).await;
    let problems = browser.text("#import-problems").await;
    assert!(
        problems.contains("Строка 3, столбец «value»: «4l000» — не число"),
        "the bad row and column are named, in Russian: {problems}"
    );
    assert_eq!(app.store.trade_sources().await.expect("sources").len(), sources_before, "nothing stored");
    std::fs::write(&file, format!("{header}{good}")).expect("write file");
    upload(true).await;
    assert!(browser.text("#import-result").await.contains("Ничего не изменено"), "a dry run stores nothing");
    upload(false).await;
    let result = browser.text("#import-result").await;
    assert!(!result.contains("Ничего не изменено"), "{result}");
    assert!(browser.text("#sources").await.contains("Хабаровскстат"));
    let _ = std::fs::remove_file(&file);
    browser.client.goto(&app.url("/trade?from=2020Q1&to=2020Q1")).await.expect("goto");
    let overview = browser.text("main").await;
    assert!(overview.contains("41") && overview.contains("Хабаровский край"), "{overview}");
    browser.screenshot("trade-overview").await;

    browser
        .client
        .goto(&app.url("/trade/mirror?exporter=RU-KHA&importer=BY-MA&from=2025-07&to=2025-07"))
        .await
        .expect("goto");
    browser.click("#mirror tbody tr:first-child details summary").await;
    browser
        .client
        .find(Locator::Css("#mirror tbody tr:first-child form.verdict option[value=explained]"))
        .await
        .expect("option")
        .click()
        .await
        .expect("select");
    browser
        .fill("#mirror tbody tr:first-child form.verdict input[name=comment]", "CIF/FOB и дата пересечения границы")
        .await;
    browser.click("#mirror tbody tr:first-child form.verdict button").await;
    let row = browser.text("#mirror tbody tr:first-child").await;
    assert!(row.contains("объяснено") && row.contains("CIF/FOB"), "the verdict shows on the same filtered page: {row}");
    browser.screenshot("trade-mirror").await;
    let verdicts = app.store.mirror_verdicts().await.expect("verdicts");
    assert!(verdicts.iter().any(|v| v.comment.as_deref() == Some("CIF/FOB и дата пересечения границы")));
    browser.sign_out().await;
}

/// Khabarovsk's coordinator looks for routes for frozen lingonberries to Minsk by typing the
/// cities' names, sees the Pareto routes, then learns why fresh blueberries have none.
async fn coordinator_searches_routes(browser: &Browser, app: &TestApp) {
    browser.sign_in(app, "coord.khv").await;
    browser.client.goto(&app.url("/logistics")).await.expect("goto");
    browser.click("a[href='/logistics/routes']").await;
    browser.fill("#f-from", "Хабаровск").await;
    browser.fill("#f-to", "Минск").await;
    browser.fill("#f-product", "lingonberry-frozen").await;
    browser.click("#routes-search").await;
    let table = browser.text("#routes tbody").await;
    assert!(table.contains("KHV → MSQ"), "the direct reefer train: {table}");
    let rows = browser.client.find_all(Locator::Css("#routes tr.route")).await.expect("rows");
    assert!(rows.len() >= 2, "several Pareto routes");
    browser.screenshot("logistics-routes").await;
    browser.fill("#f-product", "blueberry-fresh").await;
    browser.click("#routes-search").await;
    let why = browser.text("#no-route").await;
    assert!(why.contains("срок годности"), "the page says why: {why}");
    browser.sign_out().await;
}

/// A coordinator returns a MAZ report with a comment; the executor fixes and resubmits it.
async fn coordinator_returns_a_report_and_the_executor_fixes_it(browser: &Browser, app: &TestApp) {
    let maz = app.store.organisation_by_code("MAZ").await.expect("MAZ");
    let plan = app.store.plan_list().await.expect("plans").remove(0);
    let measure = app
        .store
        .measures_of_plan(plan.id)
        .await
        .expect("measures")
        .into_iter()
        .find(|m| !m.data.status.is_closed() && m.data.involves(maz.id))
        .expect("a MAZ measure");
    let form = app.url(&format!("/review/2026Q4/report/{}/{}", measure.id, maz.id));

    browser.sign_in(app, "exec.maz").await;
    browser.client.goto(&form).await.expect("goto");
    browser.fill("#f-percent", "30").await;
    browser.fill("#f-done", "Поставлены три самосвала").await;
    browser.click("#submit-report").await;
    assert!(browser.text(".flash").await.contains("Изменения сохранены"));
    assert_eq!(browser.text("#report-state").await, "представлен");
    browser.sign_out().await;

    browser.sign_in(app, "coord.by").await;
    browser.client.goto(&form).await.expect("goto");
    // A return without a comment is refused on the same page, saying why.
    browser.click("#return-report").await;
    assert!(browser.text("#report-error").await.contains("замечания"));
    browser.fill("#f-comment", "Приложите акт приёмки").await;
    browser.click("#return-report").await;
    // The flash is on the page the redirect leads to: the old page is gone by then.
    assert!(browser.text(".flash").await.contains("Изменения сохранены"));
    assert_eq!(browser.text("#report-state").await, "возвращён");
    browser.screenshot("review-returned").await;
    browser.sign_out().await;

    browser.sign_in(app, "exec.maz").await;
    browser.client.goto(&form).await.expect("goto");
    assert!(browser.text("#return-comment").await.contains("Приложите акт приёмки"));
    browser.fill("#f-percent", "35").await;
    browser.fill("#f-done", "Поставлены три самосвала, акт приложен").await;
    browser.click("#submit-report").await;
    assert!(browser.text(".flash").await.contains("Изменения сохранены"));
    assert_eq!(browser.text("#report-state").await, "представлен");
    browser.sign_out().await;

    let stored = app
        .store
        .review_report("2026Q4".parse().expect("quarter"), maz.id, measure.id)
        .await
        .expect("report")
        .expect("stored");
    assert_eq!(stored.content.percent, 35);
    assert_eq!(stored.history.len(), 3, "submitted, returned, submitted again");
    assert_eq!(stored.history[1].comment.as_deref(), Some("Приложите акт приёмки"));
}
/// The service centre's technician takes a repair order from open to closed: starts it, adds
/// a line of work, finishes it, and closes it with the customer's sign-off (after a confirm).
async fn technician_closes_a_work_order(browser: &Browser, app: &TestApp) {
    use accord_domain::fleet::work_order::{WorkOrder, WorkOrderKind};
    let snap = app.store.fleet_snapshot().await.expect("snapshot");
    let machine = snap.machines[0].machine.id;
    let opened = chrono::NaiveDate::from_ymd_opt(2024, 12, 30).and_then(|d| d.and_hms_opt(8, 0, 0)).expect("time");
    let order = WorkOrder::new(
        accord_domain::WorkOrderId(uuid::Uuid::now_v7()),
        machine,
        WorkOrderKind::Repair,
        opened,
        Default::default(),
    );
    app.store
        .fleet_work_orders_create(accord_store::Author::SYSTEM, std::slice::from_ref(&order), None)
        .await
        .expect("order");

    browser.sign_in(app, accord_demo::fleet::TECHNICIAN).await;
    // After a form posts, the page reloads: wait for the status to say so.
    let status_becomes = |want: &'static str| async move {
        for _ in 0..100 {
            if let Ok(el) = browser.client.find(Locator::Css("#order-status")).await
                && let Ok(text) = el.text().await
                && text.contains(want)
            {
                return;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("the order's status never became {want}");
    };
    browser.client.goto(&app.url(&format!("/fleet/workorders/{}", order.id))).await.expect("goto");
    browser.click("#action-start").await;
    status_becomes("в работе").await;
    browser.fill("#f-operation", "Замена стартера").await;
    browser.fill("#f-hours", "2,5").await;
    browser.click("form[action$='/work'] button[type=submit]").await;
    for _ in 0..100 {
        if browser.text("#order-work").await.contains("Замена стартера") {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(browser.text("#order-work").await.contains("Замена стартера"));
    browser.click("#action-finish").await;
    status_becomes("выполнен").await;
    browser.fill("#f-by", "Иванов И. И.").await;
    browser.click("#action-sign_off").await;
    // The sign-off asks for confirmation first.
    let _ = browser.client.accept_alert().await;
    status_becomes("закрыт").await;
    let stored = app.store.fleet_work_order(order.id).await.expect("order");
    assert_eq!(stored.order.status, accord_domain::fleet::work_order::WorkOrderStatus::Closed);
    assert_eq!(stored.order.sign_off.map(|s| s.by), Some("Иванов И. И.".to_string()));
    browser.screenshot("fleet-order-closed").await;
    browser.sign_out().await;
}
