//! The quarterly review over HTTP, on both backends: the report workflow with its permissions,
//! closing and reopening a period, snapshot comparison, the meeting invitation, two-key
//! minutes, and the briefing pack's data.

use crate::app::TestApp;
use crate::on_both_backends;
use accord_domain::Quarter;
use serde_json::{Value, json};

on_both_backends!(
    report_workflow_and_period_lock_over_http,
    two_concurrent_saves_of_one_report_one_wins,
    snapshots_compare_and_meeting_invitation,
    minutes_need_both_sides_then_lock_into_the_audit_chain,
    briefing_pack_gathers_the_quarter,
);

/// A measure MAZ executes and one it does not.
async fn maz_measures(app: &TestApp) -> (String, String, String) {
    let maz = app.store.organisation_by_code("MAZ").await.expect("MAZ");
    let plan = app.store.plan_list().await.expect("plans").remove(0);
    let measures = app.store.measures_of_plan(plan.id).await.expect("measures");
    let open = |m: &&accord_domain::plan::Measure| !m.data.status.is_closed();
    let mine = measures.iter().filter(open).find(|m| m.data.involves(maz.id)).expect("a MAZ measure");
    let other = measures.iter().filter(open).find(|m| !m.data.involves(maz.id)).expect("a measure without MAZ");
    (maz.id.to_string(), mine.id.to_string(), other.id.to_string())
}

async fn report_workflow_and_period_lock_over_http(app: &TestApp) {
    let http = reqwest::Client::new();
    let (maz, measure, other) = maz_measures(app).await;
    let [exec, fish, by, khv, admin, observer] =
        ["exec.maz", "exec.fish", "coord.by", "coord.khv", "admin", "observer"];
    let mut tokens = std::collections::HashMap::new();
    for login in [exec, fish, by, khv, admin, observer] {
        tokens.insert(login, app.token(login).await);
    }
    // Every write names the version of the report it was made on (0: none yet); the story
    // reads the current one from the store unless a body gives its own.
    let version_of = |quarter: &str, measure: &str| {
        let (q, o, m) = (quarter.parse().expect("q"), maz.parse().expect("id"), measure.parse().expect("id"));
        async move { app.store.review_report_row(q, o, m).await.expect("report").map_or(0, |(_, v)| v) }
    };
    let act = |login: &str, quarter: &str, measure: &str, mut body: Value| {
        let request = http.post(app.url(&format!("/api/v1/review/{quarter}/reports/{measure}/{maz}")));
        let request = request.bearer_auth(&tokens[login]);
        let version = version_of(quarter, measure);
        async move {
            if body.get("version").is_none() {
                body["version"] = json!(version.await);
            }
            request.json(&body).send().await
        }
    };
    let submit = json!({"action": "submit", "status": "in-progress", "percent": "40", "done": "Поставлено 3 машины"});

    // A write without the version it was made on is refused, naming the field.
    let unversioned = http
        .post(app.url(&format!("/api/v1/review/2026Q4/reports/{measure}/{maz}")))
        .bearer_auth(&tokens[exec])
        .json(&submit)
        .send()
        .await
        .expect("post");
    assert_eq!(unversioned.status(), 422);
    assert_eq!(unversioned.json::<Value>().await.expect("json")["error"]["field"], "version");

    // Only MAZ's executor files MAZ's report; nobody files one for a measure MAZ does not execute.
    assert_eq!(act(fish, "2026Q4", &measure, submit.clone()).await.expect("post").status(), 403);
    assert_eq!(act(by, "2026Q4", &measure, submit.clone()).await.expect("post").status(), 403);
    let refused = act(exec, "2026Q4", &other, submit.clone()).await.expect("post");
    assert_eq!(refused.status(), 422);
    assert_eq!(refused.json::<Value>().await.expect("json")["error"]["code"], "not_responsible");
    let filed = act(exec, "2026Q4", &measure, submit.clone()).await.expect("post");
    assert_eq!(filed.status(), 200);
    let filed: Value = filed.json().await.expect("json");
    assert_eq!((filed["state"].as_str(), filed["version"].as_i64()), (Some("submitted"), Some(1)));
    // A step on the report as it was before (version 0: "none yet") is stale.
    let stale = act(by, "2026Q4", &measure, json!({"action": "accept", "version": 0})).await.expect("post");
    assert_eq!(stale.status(), 409);
    assert_eq!(stale.json::<Value>().await.expect("json")["error"]["code"], "conflict");

    // Returning needs the organisation's side's coordinator and a comment.
    assert_eq!(
        act(khv, "2026Q4", &measure, json!({"action": "return", "comment": "x"})).await.expect("post").status(),
        403
    );
    assert_eq!(act(admin, "2026Q4", &measure, json!({"action": "accept"})).await.expect("post").status(), 403);
    assert_eq!(act(observer, "2026Q4", &measure, json!({"action": "accept"})).await.expect("post").status(), 403);
    let no_comment = act(by, "2026Q4", &measure, json!({"action": "return", "comment": "  "})).await.expect("post");
    assert_eq!(no_comment.status(), 422);
    assert_eq!(no_comment.json::<Value>().await.expect("json")["error"]["code"], "comment_required");
    let returned: Value = act(by, "2026Q4", &measure, json!({"action": "return", "comment": "Приложите акт"}))
        .await
        .expect("post")
        .json()
        .await
        .expect("json");
    assert_eq!(
        (returned["state"].as_str(), returned["return_comment"].as_str()),
        (Some("returned"), Some("Приложите акт"))
    );

    // Not accepted yet: the figures do not count.
    let quarter: Value = http
        .get(app.url("/api/v1/review/2026Q4"))
        .bearer_auth(&tokens[observer])
        .send()
        .await
        .expect("get")
        .json()
        .await
        .expect("json");
    assert_eq!(quarter["figures"]["accepted"].as_array().map(Vec::len), Some(0));
    assert_eq!(quarter["figures"]["unaccepted"][0]["state"], "returned");

    let fixed = json!({"action": "submit", "status": "in-progress", "percent": "45", "done": "Акт приложен"});
    assert_eq!(act(exec, "2026Q4", &measure, fixed).await.expect("post").status(), 200);
    let accepted: Value =
        act(by, "2026Q4", &measure, json!({"action": "accept"})).await.expect("post").json().await.expect("json");
    assert_eq!(accepted["state"], "accepted");
    assert_eq!(accepted["content"]["percent"], 45);
    assert_eq!(accepted["history"].as_array().map(Vec::len), Some(4), "submit, return, submit, accept");
    let quarter: Value = http
        .get(app.url("/api/v1/review/2026Q4"))
        .bearer_auth(&tokens[observer])
        .send()
        .await
        .expect("get")
        .json()
        .await
        .expect("json");
    assert_eq!(quarter["figures"]["accepted"][0]["percent"], 45);

    // Closing locks; reopening needs a coordinator and a reason, and the reason is audited.
    let period = |login: &str, body: Value| {
        http.post(app.url("/api/v1/review/2026Q4/period")).bearer_auth(&tokens[login]).json(&body).send()
    };
    assert_eq!(period(exec, json!({"action": "close"})).await.expect("post").status(), 403);
    let closed: Value = period(by, json!({"action": "close"})).await.expect("post").json().await.expect("json");
    assert_eq!(closed["state"], "closed");
    let audit_size = || async {
        app.store
            .audit_list(&accord_store::AuditFilter::default(), accord_store::Paging::new(Some(1), Some(1)))
            .await
            .expect("audit")
            .total
    };
    let before = audit_size().await;
    let locked = act(exec, "2026Q4", &measure, json!({"action": "save", "status": "done"})).await.expect("post");
    assert_eq!(locked.status(), 409);
    assert_eq!(locked.json::<Value>().await.expect("json")["error"]["code"], "period_closed");
    assert_eq!(audit_size().await, before, "a refused change writes nothing");
    let report = app
        .store
        .review_report("2026Q4".parse().expect("q"), maz.parse().expect("id"), measure.parse().expect("id"))
        .await
        .expect("report")
        .expect("stored");
    assert_eq!(report.content.percent, 45, "the closed period's report is as accepted");
    let no_reason = period(khv, json!({"action": "reopen", "reason": " "})).await.expect("post");
    assert_eq!(no_reason.status(), 422);
    let reopened: Value = period(khv, json!({"action": "reopen", "reason": "Ошибка в 1.1"}))
        .await
        .expect("post")
        .json()
        .await
        .expect("json");
    assert_eq!(reopened["state"], "in-review");
    let history = app.store.audit_history("review_period_reopened", "2026Q4").await.expect("audit");
    assert_eq!(history.len(), 1);
    assert_eq!(history[0].reason.as_deref(), Some("Ошибка в 1.1"));
    assert_eq!(history[0].actor.as_deref(), Some("coord.khv"));

    // Quarters: malformed or outside the plan.
    for (raw, code) in [("2025Q5", "malformed_quarter"), ("2028Q1", "outside_plan")] {
        let r = http
            .get(app.url(&format!("/api/v1/review/{raw}")))
            .bearer_auth(&tokens[observer])
            .send()
            .await
            .expect("get");
        assert_eq!(r.status(), 422, "{raw}");
        assert_eq!(r.json::<Value>().await.expect("json")["error"]["code"], code);
    }

    // The page shows the state and marks what is not accepted.
    let coordinator = app.sign_in("coord.by").await;
    let html = app.page(&coordinator, "/review/2026Q3").await;
    assert!(html.contains("data-state=\"returned\""), "the demo's returned report is listed");
    assert!(html.contains("class=\"unaccepted\""));
    assert!(html.contains("id=\"overdue\""), "missing demo reports are overdue");
    let index = app.page(&coordinator, "/review").await;
    assert!(index.contains("id=\"period-2025Q1\" data-state=\"closed\""));
}

/// Two people save the same report at once, both on the version they loaded: one save is
/// taken, the other is told the report changed (409) instead of silently overwriting it.
async fn two_concurrent_saves_of_one_report_one_wins(app: &TestApp) {
    let http = reqwest::Client::new();
    let (maz, measure, _) = maz_measures(app).await;
    let token = app.token("exec.maz").await;
    let url = app.url(&format!("/api/v1/review/2026Q4/reports/{measure}/{maz}"));
    let save = |done: &str, version: i64| {
        let body =
            json!({"action": "save", "version": version, "status": "in-progress", "percent": "20", "done": done});
        http.post(&url).bearer_auth(&token).json(&body).send()
    };
    let first: Value = save("Черновик", 0).await.expect("post").json().await.expect("json");
    let version = first["version"].as_i64().expect("a version");
    let (a, b) = tokio::join!(save("Сохранил первый", version), save("Сохранил второй", version));
    let (a, b) = (a.expect("post"), b.expect("post"));
    let mut statuses = [a.status().as_u16(), b.status().as_u16()];
    statuses.sort_unstable();
    assert_eq!(statuses, [200, 409], "one save wins, the other is stale");
    let winner = if a.status() == 200 { "Сохранил первый" } else { "Сохранил второй" };
    let (report, stored) = app
        .store
        .review_report_row("2026Q4".parse().expect("q"), maz.parse().expect("id"), measure.parse().expect("id"))
        .await
        .expect("report")
        .expect("stored");
    assert_eq!((report.content.done.as_str(), stored), (winner, version + 1), "the winner's text, one version on");
}

fn unfold(text: &str) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    for raw in text.split("\r\n") {
        if let Some(rest) = raw.strip_prefix(' ') {
            if let Some(last) = lines.last_mut() {
                last.push_str(rest);
            }
        } else if !raw.is_empty() {
            lines.push(raw.to_string());
        }
    }
    lines
}

async fn snapshots_compare_and_meeting_invitation(app: &TestApp) {
    let http = reqwest::Client::new();
    let token = app.token("observer").await;
    let comparison: Value = http
        .get(app.url("/api/v1/review/compare?from=2025Q2&to=2025Q3"))
        .bearer_auth(&token)
        .send()
        .await
        .expect("get")
        .json()
        .await
        .expect("json");
    assert_eq!(
        (comparison["before_quarter"].as_str(), comparison["after_quarter"].as_str()),
        (Some("2025Q2"), Some("2025Q3"))
    );
    assert!(comparison["after"]["total"].as_u64().is_some_and(|n| n > 0));
    let client = app.sign_in("coord.khv").await;
    let page = app.page(&client, "/review/compare?from=2025Q2&to=2025Q3").await;
    assert!(page.contains("2025Q2 → 2025Q3"));

    // The meeting page shows both local times (Minsk 7 hours behind Khabarovsk).
    let meeting =
        app.store.review_meeting_of(Quarter::new(2026, 3).expect("q")).await.expect("meeting").expect("demo meeting");
    let html = app.page(&client, "/review/2026Q3/meeting").await;
    let minsk = accord_domain::review::schedule::local(accord_domain::Side::By, meeting.start);
    let khv = accord_domain::review::schedule::local(accord_domain::Side::Khv, meeting.start);
    assert_eq!((khv - minsk).num_hours(), 7);
    assert!(html.contains(&minsk.format("%d.%m.%Y %H:%M").to_string()));
    assert!(html.contains(&khv.format("%d.%m.%Y %H:%M").to_string()));
    assert!(html.contains("id=\"agenda\""));

    let response = client.get(app.url("/review/2026Q3/meeting.ics")).send().await.expect("ics");
    assert_eq!(response.status(), 200);
    assert!(response.headers()["content-type"].to_str().unwrap_or("").starts_with("text/calendar"));
    let ics = response.text().await.expect("body");
    let lines = unfold(&ics);
    assert_eq!(lines.first().map(String::as_str), Some("BEGIN:VCALENDAR"));
    assert_eq!(lines.last().map(String::as_str), Some("END:VCALENDAR"));
    let event = lines.iter().position(|l| l == "BEGIN:VEVENT").expect("VEVENT");
    let dtstart = lines[event..].iter().find(|l| l.starts_with("DTSTART")).expect("DTSTART");
    assert!(
        dtstart.contains(&minsk.format("%Y%m%dT%H%M%S").to_string())
            || dtstart.contains(&meeting.start.format("%Y%m%dT%H%M%SZ").to_string()),
        "{dtstart}"
    );
    assert!(lines.iter().any(|l| l.starts_with("SUMMARY:") && l.contains("2026Q3")));
    assert!(ics.split("\r\n").all(|l| l.len() <= 75), "lines are folded at 75 octets");

    // Outside working hours is allowed with a warning.
    let csrf = app.csrf(&client, "/review/2026Q3/meeting").await;
    let q3 = Quarter::new(2026, 3).expect("q");
    let (_, version) = app.store.review_meeting_row(q3).await.expect("meeting").expect("demo meeting");
    let schedule = |version: i64| {
        let form = [
            ("_csrf", csrf.clone()),
            ("action", "schedule".into()),
            ("start", "2026-10-21T17:00".into()),
            ("duration", "120".into()),
            ("version", version.to_string()),
        ];
        client.post(app.url("/review/2026Q3/meeting")).form(&form).send()
    };
    let moved = schedule(version).await.expect("post");
    assert_eq!(moved.status(), 303);
    // The form carries the meeting's version: a second save on the same version is stale.
    assert_eq!(schedule(version).await.expect("post").status(), 409);
    let html = app.page(&client, "/review/2026Q3/meeting").await;
    assert!(html.contains("role=\"alert\">⚠"), "a warning for Khabarovsk's night");
}

async fn minutes_need_both_sides_then_lock_into_the_audit_chain(app: &TestApp) {
    let by = app.sign_in("coord.by").await;
    let khv = app.sign_in("coord.khv").await;
    let exec = app.sign_in("exec.maz").await;
    let path = "/review/2026Q3/session";
    let meeting =
        app.store.review_meeting_of(Quarter::new(2026, 3).expect("q")).await.expect("meeting").expect("meeting");
    // Each form carries the version of the minutes it was made on, as the page does.
    let post = |client: &reqwest::Client, fields: Vec<(&'static str, String)>| {
        let client = client.clone();
        async move {
            let csrf = app.csrf(&client, path).await;
            let version = app.store.review_minutes_row(meeting.id).await.expect("minutes").map_or(0, |(_, v)| v);
            let mut form = fields;
            form.push(("_csrf", csrf));
            form.push(("version", version.to_string()));
            client.post(app.url(path)).form(&form).send().await.expect("post")
        }
    };
    assert_eq!(
        post(&by, vec![("action", "minutes".into()), ("text", "Заслушали координаторов.".into())]).await.status(),
        303
    );
    let decision = vec![
        ("action", "decision".into()),
        ("item", "1.1".into()),
        ("text", "Провести бизнес-миссию в Хабаровск".into()),
        ("executors", "MOG-FER, KHV-ECON".into()),
        ("term", "2027-03-31".into()),
    ];
    assert_eq!(post(&by, decision).await.status(), 303);
    assert_eq!(post(&exec, vec![("action", "approve".into())]).await.status(), 403);
    assert_eq!(post(&by, vec![("action", "approve".into())]).await.status(), 303);
    assert_eq!(post(&by, vec![("action", "approve".into())]).await.status(), 409, "one key per side");
    assert_eq!(post(&khv, vec![("action", "approve".into())]).await.status(), 303);
    assert_eq!(post(&by, vec![("action", "minutes".into()), ("text", "Правка".into())]).await.status(), 409);

    let minutes = app.store.review_minutes(meeting.id).await.expect("minutes").expect("stored");
    assert!(minutes.verify());
    let lock = app.store.audit_history("review_minutes_lock", &meeting.id.to_string()).await.expect("audit");
    assert_eq!(lock.len(), 1);
    let hash = minutes.locked_hash.clone().expect("hash");
    assert!(lock[0].after.as_deref().is_some_and(|a| a.contains(&hash)));
    assert!(app.store.audit_verify().await.expect("verify").first_break.is_none());

    // The decision is in the register, on control, with its protocol reference.
    let html = app.page(&khv, "/review/decisions?control=on-control").await;
    assert!(html.contains("Провести бизнес-миссию в Хабаровск"));
    assert!(html.contains("п. 1.1 протокола от"));
    let done_only = app.page(&khv, "/review/decisions?control=done").await;
    assert!(!done_only.contains("Провести бизнес-миссию в Хабаровск"));
}

async fn briefing_pack_gathers_the_quarter(app: &TestApp) {
    let q = |s: &str| s.parse::<Quarter>().expect("quarter");
    let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 20).expect("date");
    let pack = app.store.review_pack_data(q("2026Q2"), today).await.expect("pack");
    assert_eq!(pack.period.state, accord_domain::review::PeriodState::Closed);
    assert!(pack.meeting.as_ref().is_some_and(|m| m.participants.len() >= 2));
    assert!(pack.counts.from_snapshot, "a closed quarter is read from its snapshot");
    assert_eq!(pack.previous.as_ref().map(|p| p.quarter), Some(q("2026Q1")));
    assert_eq!(pack.year_ago.as_ref().map(|p| (p.quarter, p.from_snapshot)), Some((q("2025Q2"), true)));
    assert!(pack.measures.iter().any(|m| !m.accepted.is_empty()));
    assert!(
        pack.decisions.iter().any(|d| d
            .record
            .reference
            .format(accord_domain::directory::Locale::Ru)
            .contains("протокола от"))
    );
    assert!(pack.agenda.is_some());
    assert!(pack.overdue.is_empty(), "every report of a past quarter was accepted");

    let open = app.store.review_pack_data(q("2026Q3"), today).await.expect("pack");
    assert!(!open.overdue.is_empty(), "missing reports of the open quarter are overdue");
    assert!(
        open.measures
            .iter()
            .any(|m| m.unaccepted.iter().any(|(_, s)| *s == accord_domain::review::ReportState::Returned))
    );
    let first = app.store.review_pack_data(q("2025Q1"), today).await.expect("pack");
    assert!(first.previous.is_none() && first.year_ago.is_none(), "nothing before the plan");
}
