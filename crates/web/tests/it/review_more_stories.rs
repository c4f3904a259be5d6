//! The quarterly review's later additions over HTTP, on both backends: the service centre's
//! figures on the agenda, the session screen and in the briefing pack; the decisions listed on
//! the measure they concern; evidence files on reports; moving agenda items down; the pack's
//! decisions register limited to the quarter.

use crate::app::TestApp;
use accord_demo::fleet::DemoConfig;
use accord_domain::Quarter;
use accord_store::testing::TestBackend;
use rust_decimal::Decimal;

/// A small demo fleet whose history runs from July 2024 to July 2025, so the plan's first two
/// quarters have measured figures and the third does not.
fn fleet_into_the_plan() -> DemoConfig {
    DemoConfig {
        machines: 30,
        parts: 100,
        start: chrono::NaiveDate::from_ymd_opt(2024, 7, 1).expect("date"),
        days: 366,
        ..DemoConfig::standard()
    }
}

/// A share as the agenda writes it in Russian: percent with one decimal, no trailing zero.
fn share_ru(share: f64) -> String {
    let d = Decimal::from_f64_retain(share * 100.0).expect("share").round_dp(1).normalize();
    format!("{}\u{a0}%", d.to_string().replace('.', ","))
}

/// The version a session form carries, as the page puts it there: the decision's for
/// `create-measure`, the 2026Q3 minutes' for the others.
async fn session_version(app: &TestApp, fields: &[(&'static str, String)]) -> i64 {
    let field = |name: &str| fields.iter().find(|(n, _)| *n == name).map(|(_, v)| v.clone()).unwrap_or_default();
    if field("action") == "create-measure" {
        let id = field("item").parse().expect("a decision id");
        return app.store.review_decision_row(id).await.expect("decision").1;
    }
    let q3 = "2026Q3".parse::<Quarter>().expect("quarter");
    let meeting = app.store.review_meeting_of(q3).await.expect("meeting").expect("the demo's open meeting");
    app.store.review_minutes_row(meeting.id).await.expect("minutes").map_or(0, |(_, v)| v)
}

async fn service_centre_figures_on_the_agenda_and_in_the_pack(backend: TestBackend) {
    let Some(app) = TestApp::spawn_with_fleet(backend, Some(fleet_into_the_plan())).await else { return };
    let q = |s: &str| s.parse::<Quarter>().expect("quarter");
    let now = app.store.fleet_quarter_figures(q("2025Q2")).await.expect("figures");
    let before = app.store.fleet_quarter_figures(q("2025Q1")).await.expect("figures");
    let ktg = now.ktg.expect("a measured КТГ");
    let client = app.sign_in("coord.by").await;

    // The demo generated the 2025Q2 agenda after the fleet was loaded: its service-centre item
    // carries the quarter's figures with the quarter before.
    let meeting = app.page(&client, "/review/2025Q2/meeting").await;
    assert!(meeting.contains("Сервисный центр"), "the agenda item");
    let ktg_line = format!(
        "Коэффициент технической готовности (КТГ): {} (предыдущий квартал: {};",
        share_ru(ktg),
        share_ru(before.ktg.expect("КТГ before"))
    );
    assert!(meeting.contains(&ktg_line), "{ktg_line} on the meeting page");
    assert!(meeting.contains(&format!("Машин на учёте: {} (предыдущий квартал: {}", now.machines, before.machines)));
    assert!(meeting.contains(&format!("Открытых заказ-нарядов на конец квартала: {}", now.open_work_orders)));
    let session = app.page(&client, "/review/2025Q2/session").await;
    assert!(session.contains(&ktg_line), "the session screen shows the same item");

    // A quarter past the fleet's data (as of 2 July 2025) has no service-centre item.
    let later = app.page(&client, "/review/2025Q3/meeting").await;
    assert!(later.contains("id=\"agenda\""));
    assert!(!later.contains("Коэффициент технической готовности (КТГ)"), "no extrapolated figures");

    // The briefing pack: a section with the figures as the service centre's indicators.
    let get = |path: &str| {
        let client = client.clone();
        let url = app.url(path);
        async move { client.get(url).send().await.expect("get") }
    };
    let html = get("/briefing/download?quarter=2025Q2&format=html").await.text().await.expect("html");
    assert!(html.contains("<h2>Сервисный центр</h2>") || html.contains(">Сервисный центр</h2>"), "the section");
    assert!(html.contains("Коэффициент технической готовности (КТГ)"));
    assert!(html.contains(&share_ru(ktg)), "КТГ {} in the pack", share_ru(ktg));
    let pdf = get("/briefing/download?quarter=2025Q2&format=pdf").await.bytes().await.expect("pdf");
    if let Some(text) = accord_report::testing::pdf_text(&pdf) {
        let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(flat.contains("Сервисный центр"), "the section heading in the PDF");
        assert!(flat.contains("Коэффициент технической готовности (КТГ)"));
        assert!(flat.contains(&share_ru(ktg).replace('\u{a0}', " ")), "КТГ in the PDF");
    }
    let xlsx = get("/briefing/download?quarter=2025Q2&format=xlsx").await.bytes().await.expect("xlsx");
    let book =
        calamine::open_workbook_from_rs::<calamine::Xlsx<_>, _>(std::io::Cursor::new(xlsx.to_vec())).expect("workbook");
    use calamine::Reader;
    assert!(book.sheet_names().iter().any(|s| s == "Сервисный центр"), "a sheet of its own");
    let later = get("/briefing/download?quarter=2025Q3&format=html").await.text().await.expect("html");
    assert!(!later.contains("Коэффициент технической готовности (КТГ)"));
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn service_centre_figures_sqlite() {
    service_centre_figures_on_the_agenda_and_in_the_pack(TestBackend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn service_centre_figures_postgres() {
    service_centre_figures_on_the_agenda_and_in_the_pack(TestBackend::Postgres).await;
}

/// A decision that creates a measure is listed on that measure's page with its protocol
/// reference, term and control status, linking to its row in the register.
async fn decisions_listed_on_their_measure(backend: TestBackend) {
    let Some(app) = TestApp::spawn(backend).await else { return };
    let by = app.sign_in("coord.by").await;
    let path = "/review/2026Q3/session";
    let post = |fields: Vec<(&'static str, String)>| {
        let client = by.clone();
        let app = &app;
        async move {
            let csrf = app.csrf(&client, path).await;
            let version = session_version(app, &fields).await;
            let mut form = fields;
            form.push(("_csrf", csrf));
            form.push(("version", version.to_string()));
            client.post(app.url(path)).form(&form).send().await.expect("post")
        }
    };
    let text = "Организовать выставку сельхозтехники в Хабаровске";
    let decision = vec![
        ("action", "decision".into()),
        ("item", "4.2".into()),
        ("text", text.into()),
        ("executors", "MOG-FER, KHV-ECON".into()),
        ("term", "2027-06-30".into()),
    ];
    assert_eq!(post(decision).await.status(), 303);
    let id = app
        .store
        .review_decisions()
        .await
        .expect("register")
        .into_iter()
        .find(|d| d.record.text == text)
        .expect("recorded")
        .record
        .id;
    // A number the plan already has is refused, and the page says which field and why.
    let taken = vec![("action", "create-measure".into()), ("item", id.to_string()), ("number", "9.1.".into())];
    let refused = post(taken).await;
    assert_eq!(refused.status(), 422);
    let body = refused.text().await.expect("body");
    assert!(body.contains("такое значение уже занято"), "the reason, not only 'check the fields': {body}");
    let create = vec![("action", "create-measure".into()), ("item", id.to_string()), ("number", "99.1.".into())];
    let created = post(create).await;
    let status = created.status();
    assert_eq!(status, 303, "{}", created.text().await.unwrap_or_default());
    let measure = app.store.review_decision(id).await.expect("decision").measure.expect("linked measure");

    let page = app.page(&by, &format!("/plan/measures/{measure}")).await;
    assert!(page.contains("id=\"review-decisions\""), "the section");
    assert!(page.contains(&format!("href=\"/review/decisions#decision-{id}\"")), "links to the register row");
    assert!(page.contains("п. 4.2 протокола от"), "the protocol reference");
    assert!(page.contains("30.06.2027") && page.contains("на контроле"), "term and control status");
    let register = app.page(&by, "/review/decisions").await;
    assert!(register.contains(&format!("id=\"decision-{id}\"")), "the anchor exists");

    // The API lists the same decisions for the measure, and refuses a malformed id.
    let token = app.token("observer").await;
    let api = |query: String| {
        let url = app.url(&format!("/api/v1/review/decisions{query}"));
        let token = token.clone();
        async move { reqwest::Client::new().get(url).bearer_auth(token).send().await.expect("api") }
    };
    let listed: serde_json::Value = api(format!("?measure={measure}")).await.json().await.expect("json");
    let listed = listed.as_array().expect("a list");
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0]["record"]["id"], id.to_string());
    assert_eq!(api("?measure=nonsense".into()).await.status(), 400);

    // A measure no decision points at has no such section.
    let plan = app.store.plan_list().await.expect("plans").remove(0);
    let other = app.store.measures_of_plan(plan.id).await.expect("measures").into_iter().find(|m| m.id != measure);
    let other = other.expect("another measure");
    assert!(!app.page(&by, &format!("/plan/measures/{}", other.id)).await.contains("id=\"review-decisions\""));
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn decisions_on_measure_sqlite() {
    decisions_listed_on_their_measure(TestBackend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn decisions_on_measure_postgres() {
    decisions_listed_on_their_measure(TestBackend::Postgres).await;
}

/// The executor attaches evidence to a draft report (type and size checked), the coordinator
/// sees and downloads it while reviewing; a submitted report and a closed period take no
/// changes to it, and only the organisation's executor may touch it.
async fn report_evidence_follows_the_report_and_the_period(backend: TestBackend) {
    let Some(app) = TestApp::spawn(backend).await else { return };
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
    let report = format!("/review/2026Q4/report/{}/{}", measure.id, maz.id);
    let http = reqwest::Client::new();
    let report_api = format!("/api/v1/review/2026Q4/reports/{}/{}", measure.id, maz.id);
    // A report step names the report's version (0: none yet), read here as a client would.
    let api = |login: &'static str, path: String, mut body: serde_json::Value| {
        let app = &app;
        let http = http.clone();
        let is_report = path == report_api;
        let (maz, measure) = (maz.id, measure.id);
        async move {
            if is_report {
                let found = app.store.review_report_row("2026Q4".parse().expect("q"), maz, measure).await;
                body["version"] = serde_json::json!(found.expect("report").map_or(0, |(_, v)| v));
            }
            let token = app.token(login).await;
            http.post(app.url(&path)).bearer_auth(token).json(&body).send().await.expect("api")
        }
    };
    let exec = app.sign_in("exec.maz").await;
    let upload = |client: &reqwest::Client, name: &'static str, bytes: Vec<u8>| {
        let client = client.clone();
        let app = &app;
        let report = report.clone();
        async move {
            let csrf = app.csrf(&client, &report).await;
            let form = reqwest::multipart::Form::new()
                .text("_csrf", csrf)
                .part("file", reqwest::multipart::Part::bytes(bytes).file_name(name));
            client.post(app.url(&format!("{report}/files"))).multipart(form).send().await.expect("upload")
        }
    };

    // No report yet: nothing to attach to.
    let pdf = b"%PDF-1.4 act of acceptance".to_vec();
    assert_eq!(upload(&exec, "акт.pdf", pdf.clone()).await.status(), 404);
    let draft =
        serde_json::json!({"action": "save", "status": "in-progress", "percent": "40", "done": "Поставлено 3 машины"});
    assert_eq!(api("exec.maz", report_api.clone(), draft).await.status(), 200);
    assert_eq!(upload(&exec, "акт.pdf", pdf.clone()).await.status(), 303);
    assert_eq!(upload(&exec, "tool.exe", b"MZ\x90\x00".to_vec()).await.status(), 422, "not an allowed type");
    let big = vec![b'a'; accord_web::plan::attachments::MAX_ATTACHMENT_BYTES + 1];
    assert_eq!(upload(&exec, "big.txt", big).await.status(), 422, "over the size limit");
    let fish = app.sign_in("exec.fish").await;
    assert_eq!(upload(&fish, "чужой.pdf", pdf.clone()).await.status(), 403, "another organisation's executor");
    let coordinator = app.sign_in("coord.by").await;
    assert_eq!(upload(&coordinator, "акт2.pdf", pdf.clone()).await.status(), 403, "a coordinator does not file");

    let files = app.store.review_evidence_of("2026Q4".parse().expect("q"), maz.id, measure.id).await.expect("files");
    assert_eq!(files.len(), 1, "refused uploads leave nothing");
    let file = &files[0];
    assert_eq!((file.file_name.as_str(), file.size), ("акт.pdf", pdf.len() as i64));
    assert_eq!(app.store.audit_history("review_evidence", &file.id).await.expect("audit").len(), 1);
    let page = app.page(&exec, &report).await;
    assert!(page.contains(&format!("href=\"/review/files/{}\"", file.id)) && page.contains("id=\"evidence-form\""));

    // Submitted: the coordinator reviews it with the file listed, and downloads it.
    let submit = serde_json::json!({"action": "submit", "status": "in-progress", "percent": "40", "done": "Поставлено 3 машины"});
    assert_eq!(api("exec.maz", report_api.clone(), submit).await.status(), 200);
    let review = app.page(&coordinator, &report).await;
    assert!(review.contains("id=\"return-form\""), "the coordinator's review");
    assert!(review.contains(&format!("href=\"/review/files/{}\"", file.id)) && review.contains("акт.pdf"));
    assert!(!review.contains("id=\"evidence-form\"") && !review.contains("/delete\""), "nothing to change here");
    let download = coordinator.get(app.url(&format!("/review/files/{}", file.id))).send().await.expect("download");
    assert_eq!(download.status(), 200);
    assert_eq!(download.headers()["content-type"], "application/pdf");
    assert_eq!(download.bytes().await.expect("bytes").to_vec(), pdf);
    assert_eq!(upload(&exec, "после.pdf", pdf.clone()).await.status(), 409, "a submitted report keeps its evidence");

    // Returned: the executor may change the evidence again; removing asks for confirmation.
    let back = serde_json::json!({"action": "return", "comment": "Приложите подписанный акт"});
    assert_eq!(api("coord.by", report_api.clone(), back).await.status(), 200);
    assert!(app.page(&exec, &report).await.contains("data-confirm="));
    assert_eq!(upload(&exec, "акт-подписан.pdf", b"%PDF-1.4 signed".to_vec()).await.status(), 303);
    let resubmit =
        serde_json::json!({"action": "submit", "status": "in-progress", "percent": "45", "done": "Подписан акт"});
    assert_eq!(api("exec.maz", report_api.clone(), resubmit).await.status(), 200);
    assert_eq!(api("coord.by", report_api.clone(), serde_json::json!({"action": "accept"})).await.status(), 200);

    // Closed: locked with the period.
    let _ = api("coord.by", "/api/v1/review/2026Q4/period".into(), serde_json::json!({"action": "start-review"})).await;
    let closed = api("coord.by", "/api/v1/review/2026Q4/period".into(), serde_json::json!({"action": "close"})).await;
    assert_eq!(closed.status(), 200);
    let delete = |client: &reqwest::Client| {
        let client = client.clone();
        let app = &app;
        let report = report.clone();
        let id = file.id.clone();
        async move {
            let csrf = app.csrf(&client, &report).await;
            client
                .post(app.url(&format!("/review/files/{id}/delete")))
                .form(&[("_csrf", csrf)])
                .send()
                .await
                .expect("delete")
        }
    };
    assert_eq!(delete(&exec).await.status(), 409, "the period is closed");
    assert_eq!(upload(&exec, "поздно.pdf", pdf.clone()).await.status(), 409);
    let kept = app.store.review_evidence_of("2026Q4".parse().expect("q"), maz.id, measure.id).await.expect("files");
    assert_eq!(kept.len(), 2);
    let observer = app.sign_in("observer").await;
    assert_eq!(app.page(&observer, &report).await.matches("href=\"/review/files/").count(), 2, "still listed");
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn report_evidence_sqlite() {
    report_evidence_follows_the_report_and_the_period(TestBackend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn report_evidence_postgres() {
    report_evidence_follows_the_report_and_the_period(TestBackend::Postgres).await;
}

/// The lines of the pack's decisions register (from its heading to the next section) that
/// start a row: "п. 1.1 протокола от".
fn register_rows(pdf_text: &str) -> Vec<String> {
    let start = pdf_text.find("Реестр решений").expect("the register's heading");
    let rest = &pdf_text[start..];
    let end = rest.find("Взаимная торговля").unwrap_or(rest.len());
    rest[..end].lines().filter(|l| l.trim_start().starts_with("п. ")).map(|l| l.trim().to_string()).collect()
}

/// Agenda items move down as well as up, with labelled buttons; the pack's decisions register
/// holds the quarter's own decisions and the earlier ones still on control, nothing later.
async fn agenda_moves_down_and_the_pack_register_is_the_quarters(backend: TestBackend) {
    let Some(app) = TestApp::spawn(backend).await else { return };
    let by = app.sign_in("coord.by").await;
    let q3 = "2026Q3".parse::<Quarter>().expect("quarter");
    let meeting = app.store.review_meeting_of(q3).await.expect("meeting").expect("the demo's open meeting");
    let order = |agenda: accord_domain::review::Agenda| agenda.items.iter().map(|i| i.id).collect::<Vec<_>>();
    let before = order(app.store.review_agenda(meeting.id).await.expect("agenda").expect("agenda"));
    assert!(before.len() >= 3);
    let page = app.page(&by, "/review/2026Q3/meeting").await;
    assert_eq!(page.matches("aria-label=\"Опустить пункт ниже\"").count(), before.len(), "one per item");
    assert_eq!(
        page.matches(
            "class=\"secondary move-down\" aria-label=\"Опустить пункт ниже\" title=\"Опустить пункт ниже\" disabled"
        )
        .count(),
        1,
        "the last cannot go lower"
    );
    // Each form carries the version its page showed: the agenda's, or the minutes'.
    let post = |path: &'static str, fields: Vec<(&'static str, String)>| {
        let client = by.clone();
        let app = &app;
        async move {
            let csrf = app.csrf(&client, path).await;
            let version = if path.ends_with("/meeting") {
                app.store.review_agenda_row(meeting.id).await.expect("agenda").1
            } else {
                session_version(app, &fields).await
            };
            let mut form = fields;
            form.push(("_csrf", csrf));
            form.push(("version", version.to_string()));
            client.post(app.url(path)).form(&form).send().await.expect("post")
        }
    };
    let down = vec![("action", "move-item".into()), ("item", before[0].to_string()), ("position", "1".into())];
    assert_eq!(post("/review/2026Q3/meeting", down).await.status(), 303);
    let after = order(app.store.review_agenda(meeting.id).await.expect("agenda").expect("agenda"));
    assert_eq!((after[0], after[1]), (before[1], before[0]), "the first item went one down");
    assert_eq!(after[2..], before[2..]);
    let past_end =
        vec![("action", "move-item".into()), ("item", before[0].to_string()), ("position", before.len().to_string())];
    assert!(post("/review/2026Q3/meeting", past_end).await.status().is_client_error(), "nowhere below the last");

    // The 2026Q2 pack: the two decisions of its own meeting; the earlier meetings' were done
    // or removed from control by then (the demo closes them at the next meeting).
    let pdf = |quarter: &'static str| {
        let client = by.clone();
        let app = &app;
        async move {
            let bytes = client
                .get(app.url(&format!("/briefing/download?quarter={quarter}&format=pdf")))
                .send()
                .await
                .expect("pack")
                .bytes()
                .await
                .expect("bytes");
            accord_report::testing::pdf_text(&bytes)
        }
    };
    let Some(q2) = pdf("2026Q2").await else { return app.stop().await };
    let q2_meeting = app.store.review_meeting_of("2026Q2".parse().expect("q")).await.expect("m").expect("m");
    let rows = register_rows(&q2);
    assert_eq!(rows.len(), 2, "{rows:?}");
    let register = app.store.review_decisions().await.expect("register");
    for d in register.iter().filter(|d| d.record.meeting == q2_meeting.id) {
        let date = d.record.reference.minutes_date.format("%d.%m.%Y").to_string();
        assert!(q2.contains(&date), "the minutes' date {date}");
    }
    assert!(register.len() > 2, "the whole register is longer than the quarter's");

    // A decision taken at the 2026Q3 session: in that quarter's pack with Q2's two still on
    // control (one postponed), never in Q2's.
    let decision = vec![
        ("action", "decision".into()),
        ("item", "4.2".into()),
        ("text", "Согласовать график поставок".into()),
        ("executors", "MOG-FER, KHV-ECON".into()),
        ("term", "2027-03-31".into()),
    ];
    assert_eq!(post("/review/2026Q3/session", decision).await.status(), 303);
    assert_eq!(register_rows(&pdf("2026Q2").await.expect("text")).len(), 2, "a later meeting's decision stays out");
    let q3_rows = register_rows(&pdf("2026Q3").await.expect("text"));
    assert_eq!(q3_rows.len(), 3, "{q3_rows:?}");
    assert!(q3_rows.iter().any(|r| r.starts_with("п. 4.2 протокола")));
    assert_eq!(q3_rows.iter().filter(|r| r.starts_with("п. 1.")).count(), 2);
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn agenda_and_pack_register_sqlite() {
    agenda_moves_down_and_the_pack_register_is_the_quarters(TestBackend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn agenda_and_pack_register_postgres() {
    agenda_moves_down_and_the_pack_register_is_the_quarters(TestBackend::Postgres).await;
}
