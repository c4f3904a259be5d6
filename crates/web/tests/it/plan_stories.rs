//! The action plan over HTTP, on both backends: overview, table, permissions, API, import.

use crate::app::{TestApp, csrf_in};
use crate::on_both_backends;
use serde_json::{Value, json};

on_both_backends!(
    overview_table_filters_and_export,
    who_may_edit_and_report_on_measures,
    measures_api_filters_locks_and_indicators,
    import_through_the_web,
    signed_plans_change_with_both_keys,
);

pub(crate) async fn measure_id(app: &TestApp, number: &str) -> String {
    let plan = app.store.plan_by_code("KHV-MOG-2025").await.expect("demo plan");
    let measures = app.store.measures_of_plan(plan.id).await.expect("measures");
    measures.iter().find(|m| m.data.number.to_string() == number).map(|m| m.id.to_string()).expect("measure")
}

async fn overview_table_filters_and_export(app: &TestApp) {
    let client = app.sign_in("admin").await;
    let overview = app.page(&client, "/plan").await;
    assert!(overview.contains("id=\"plan-progress\"") && overview.contains("<svg"), "progress figure and charts");
    assert!(overview.contains("Молодёжь и историческая память"));
    let youth = app.page(&client, "/plan/measures?dimension=youth").await;
    assert!(youth.contains(">7.1.<") && !youth.contains(">3.1.<"));
    let fish = app.page(&client, "/plan/measures?q=%D0%A0%D0%AB%D0%91%D0%90").await;
    assert!(fish.contains(">3.1.<"), "Russian search ignores case");
    let by_executor = app.page(&client, "/plan/measures?executor=BELAZ").await;
    assert!(by_executor.contains(">5.1.3.<") && !by_executor.contains(">2.1.<"));
    let overdue = app.page(&client, "/plan/measures?overdue=1&per_page=200").await;
    assert!(overdue.contains("class=\"overdue\""));
    assert!(!overdue.contains(">7.2.<"), "done measures are never overdue");
    let tree = app.page(&client, "/plan/tree").await;
    assert!(tree.contains("depth-3"), "nested numbers are indented");

    // The XLSX download holds exactly the filtered measures, in the official layout.
    let response =
        client.get(app.url("/plan/measures/export?format=xlsx&dimension=culture")).send().await.expect("export");
    assert_eq!(response.status(), 200);
    assert!(response.headers()["content-disposition"].to_str().expect("header").contains(".xlsx"));
    let bytes = response.bytes().await.expect("body");
    let table = accord_formats::read_xlsx(&bytes).expect("a readable plan table");
    let numbers: Vec<String> = table
        .rows
        .iter()
        .filter_map(|r| match r {
            accord_formats::PlanRow::Measure(m) => Some(m.number.clone()),
            accord_formats::PlanRow::Section(_) => None,
        })
        .collect();
    assert_eq!(numbers, ["8.", "8.1.", "8.2.", "8.3.", "8.4.", "8.5.", "8.6."]);
    let csv =
        client.get(app.url("/plan/measures/export?format=csv")).send().await.expect("csv").bytes().await.expect("body");
    assert!(csv.starts_with("\u{feff}".as_bytes()), "Excel reads UTF-8 with a BOM");
    let template = client.get(app.url("/plan/template.xlsx")).send().await.expect("template");
    assert_eq!(template.status(), 200);

    // Dimensions are data an admin keeps.
    let csrf = app.csrf(&client, "/plan/sections").await;
    let saved = client
        .post(app.url("/plan/sections"))
        .form(&[
            ("_csrf", csrf.as_str()),
            ("code", "sport"),
            ("name_ru", "Спорт"),
            ("name_en", "Sport"),
            ("position", "9"),
        ])
        .send()
        .await
        .expect("post");
    assert_eq!(saved.status(), 303);
    assert!(app.store.sections().await.expect("sections").iter().any(|s| s.code == "sport"));
    let bad = client
        .post(app.url("/plan/sections"))
        .form(&[("_csrf", csrf.as_str()), ("code", "Спорт!"), ("name_ru", "x"), ("name_en", "x")])
        .send()
        .await
        .expect("post");
    assert_eq!(bad.status(), 422);
    let coordinator = app.sign_in("coord.by").await;
    let csrf = app.csrf(&coordinator, "/plan/sections").await;
    let refused = coordinator
        .post(app.url("/plan/sections"))
        .form(&[("_csrf", csrf.as_str()), ("code", "x"), ("name_ru", "x"), ("name_en", "x")])
        .send()
        .await
        .expect("post");
    assert_eq!(refused.status(), 403);
}

async fn who_may_edit_and_report_on_measures(app: &TestApp) {
    let service = measure_id(app, "5.1.2.").await; // MAZ, MTZ / KHV-PARK
    let fish = measure_id(app, "3.1.").await; // MOG-AGRO / KHV-FISH, KHV-SEAFOOD
    let report = |client: reqwest::Client, id: String, status: &'static str, percent: &'static str| async move {
        let page = app.page(&client, &format!("/plan/measures/{id}")).await;
        let csrf = csrf_in(&page);
        let version =
            page.split("name=\"version\" value=\"").nth(1).and_then(|r| r.split('"').next()).unwrap_or("1").to_string();
        client
            .post(app.url(&format!("/plan/measures/{id}/progress")))
            .form(&[("_csrf", csrf.as_str()), ("version", version.as_str()), ("status", status), ("percent", percent)])
            .send()
            .await
            .expect("post")
            .status()
            .as_u16()
    };
    let maz = app.sign_in("exec.maz").await;
    assert_eq!(report(maz.clone(), service.clone(), "in-progress", "75").await, 303, "MAZ executes 5.1.2.");
    let stored = app.store.measure(service.parse().expect("id")).await.expect("read");
    assert_eq!(stored.data.percent, 75);
    let history = app.store.audit_history("measure", &service).await.expect("history");
    assert_eq!(history.last().and_then(|e| e.actor.clone()).as_deref(), Some("exec.maz"));
    // Not its measure: no progress form, and a forged post is refused.
    let fish_page = app.page(&maz, &format!("/plan/measures/{fish}")).await;
    assert!(!fish_page.contains("id=\"progress-form\""));
    let csrf = app.csrf(&maz, "/plan").await;
    let forged = maz
        .post(app.url(&format!("/plan/measures/{fish}/progress")))
        .form(&[("_csrf", csrf.as_str()), ("version", "1"), ("status", "done")])
        .send()
        .await
        .expect("post");
    assert_eq!(forged.status(), 403);
    // Executors report; they do not rewrite the measure.
    assert_eq!(maz.get(app.url(&format!("/plan/measures/{service}/edit"))).send().await.expect("get").status(), 403);
    let observer = app.sign_in("observer").await;
    assert_eq!(report(observer, service.clone(), "done", "").await, 403);
    let fish_exec = app.sign_in("exec.fish").await;
    assert_eq!(report(fish_exec, fish.clone(), "done", "").await, 303);
    assert_eq!(app.store.measure(fish.parse().expect("id")).await.expect("read").data.percent, 100, "done means 100%");

    // Coordinators edit the measures their side takes part in.
    let khv = app.token("coord.khv").await;
    let by = app.token("coord.by").await;
    let http = reqwest::Client::new();
    let created = http
        .post(app.url("/api/v1/measures"))
        .bearer_auth(&khv)
        .json(&json!({"number": "11.", "dimension": "other", "title_ru": "Краевое мероприятие", "term": "2026 г.", "executors": [{"organisation": "KHV-GOV", "lead": true}]}))
        .send()
        .await
        .expect("post");
    assert_eq!(created.status(), 201);
    let created: Value = created.json().await.expect("json");
    let id = created["id"].as_str().expect("id");
    let patch = |token: String, body: Value| {
        let http = http.clone();
        let url = app.url(&format!("/api/v1/measures/{id}"));
        async move { http.patch(url).bearer_auth(token).json(&body).send().await.expect("patch").status().as_u16() }
    };
    assert_eq!(patch(by.clone(), json!({"version": 1, "title_ru": "Чужое"})).await, 403, "BY does not take part");
    assert_eq!(
        patch(khv.clone(), json!({"version": 1, "title_ru": "Краевое мероприятие (уточнено)"})).await,
        202,
        "the plan is signed: a new title waits for the other side"
    );
    assert_eq!(patch(khv.clone(), json!({"version": 1, "percent": 10})).await, 200, "progress needs no second key");
    let by_only = http
        .post(app.url("/api/v1/measures"))
        .bearer_auth(&by)
        .json(&json!({"number": "12.", "dimension": "other", "title_ru": "Только KHV", "term": "2026 г.", "executors": [{"organisation": "KHV-GOV"}]}))
        .send()
        .await
        .expect("post");
    assert_eq!(by_only.status(), 403, "a coordinator cannot create a measure its side is not part of");
}

async fn measures_api_filters_locks_and_indicators(app: &TestApp) {
    let admin = app.token("admin").await;
    let http = reqwest::Client::new();
    let get = |url: String| {
        let http = http.clone();
        let admin = admin.clone();
        async move {
            http.get(app.url(&url)).bearer_auth(admin).send().await.expect("get").json::<Value>().await.expect("json")
        }
    };
    let trade = get("/api/v1/measures?dimension=trade&sort=term&per_page=1000".into()).await;
    assert_eq!(trade["per_page"], 500, "per_page is capped at 500");
    let items = trade["items"].as_array().expect("items");
    assert_eq!(trade["total"].as_i64(), Some(items.len() as i64));
    assert!(items.iter().all(|m| m["dimension"] == "trade"));
    assert_eq!(items[0]["number"], "1.2.", "the earliest due date first (III квартал 2025, ties by number)");
    assert_eq!(items[1]["number"], "3.2.");
    let tagged = get("/api/v1/measures?tag=%D0%BB%D0%BE%D0%B3%D0%B8%D1%81%D1%82%D0%B8%D0%BA%D0%B0".into()).await;
    assert_eq!(tagged["total"], 5, "the five logistics measures");
    let due = get("/api/v1/measures?due=2025Q4&status=in-progress".into()).await;
    assert!(due["items"].as_array().expect("items").iter().all(|m| m["status"] == "in-progress"));
    let khv = get("/api/v1/measures?side=KHV&q=%D0%BB%D0%B8%D1%84%D1%82".into()).await;
    assert_eq!(khv["items"][0]["number"], "5.5.");
    assert_eq!(khv["items"][0]["schedule"]["kind"], "separate-plan");
    // A parent's progress is its children's, weighted; its own `percent` is left as typed.
    let all = get("/api/v1/measures?per_page=500".into()).await;
    let all = all["items"].as_array().expect("items");
    let parent = all.iter().find(|m| m["number"] == "5.1.").expect("5.1.");
    let children: Vec<&Value> = all
        .iter()
        .filter(|m| m["number"].as_str().is_some_and(|n| n.starts_with("5.1.") && n.matches('.').count() == 3))
        .filter(|m| m["status"] != "cancelled")
        .collect();
    assert!(!children.is_empty(), "5.1. has sub-measures");
    let weight = |m: &Value| m["weight"].as_f64().expect("weight");
    let expected = children.iter().map(|m| m["progress"].as_f64().expect("progress") * weight(m)).sum::<f64>()
        / children.iter().map(|m| weight(m)).sum::<f64>();
    let progress = parent["progress"].as_f64().expect("parent progress");
    assert!((progress - expected).abs() < 0.1, "5.1. shows {progress}, its children average {expected}");

    let id = measure_id(app, "4.2.").await;
    let one = get(format!("/api/v1/measures/{id}")).await;
    let version = one["version"].as_i64().expect("version");
    let url = app.url(&format!("/api/v1/measures/{id}"));
    let ok = http
        .patch(&url)
        .bearer_auth(&admin)
        .json(&json!({"version": version, "percent": 80}))
        .send()
        .await
        .expect("patch");
    assert_eq!(ok.status(), 200);
    let stale = http
        .patch(&url)
        .bearer_auth(&admin)
        .json(&json!({"version": version, "percent": 90}))
        .send()
        .await
        .expect("patch");
    assert_eq!(stale.status(), 409);
    let bad = http
        .patch(&url)
        .bearer_auth(&admin)
        .json(&json!({"version": version + 1, "term": ""}))
        .send()
        .await
        .expect("patch");
    assert_eq!(bad.status(), 422);
    assert_eq!(bad.json::<Value>().await.expect("json")["error"]["field"], "term");
    let parent = measure_id(app, "5.1.").await;
    let parent_version = get(format!("/api/v1/measures/{parent}")).await["version"].as_i64().expect("version");
    let delete = |token: String| {
        let url = app.url(&format!("/api/v1/measures/{parent}?version={parent_version}"));
        let http = http.clone();
        async move { http.delete(url).bearer_auth(token).send().await.expect("delete") }
    };
    let refused = delete(app.token("coord.by").await).await;
    assert_eq!(refused.status(), 409, "sub-measures keep their parent (nor is their removal proposed)");
    let by_admin = delete(admin.clone()).await;
    assert_eq!(by_admin.status(), 403, "on a signed plan removal is a side's proposal, not an admin's act");

    // Indicators: actuals reported by an executor of the measure.
    let indicators = get(format!("/api/v1/measures/{id}/indicators")).await;
    let indicator = indicators[0]["id"].as_str().expect("indicator").to_string();
    assert_eq!(indicators[0]["actuals"].as_array().expect("actuals").len(), 7, "2025Q1..2026Q3");
    let maz = app.token("exec.maz").await;
    let version = indicators[0]["version"].as_i64().expect("version");
    let put = |token: String, quarter: &'static str, body: Value| {
        let http = http.clone();
        let url = app.url(&format!("/api/v1/indicators/{indicator}/actuals/{quarter}"));
        async move { http.put(url).bearer_auth(token).json(&body).send().await.expect("put") }
    };
    let fish = app.token("exec.fish").await;
    let value = |v: &str| json!({"version": version, "value": v});
    assert_eq!(put(fish, "2026Q4", value("31")).await.status(), 403, "4.2. is not exec.fish's");
    let mog_ind = put(maz.clone(), "2026Q4", value("31")).await;
    assert_eq!(mog_ind.status(), 403, "MAZ does not execute 4.2. either");
    let unversioned = put(admin.clone(), "2026Q4", json!({"value": "31"})).await;
    assert_eq!(unversioned.status(), 422, "a write names the version it saw");
    assert_eq!(unversioned.json::<Value>().await.expect("json")["error"]["field"], "version");
    let recorded = put(admin.clone(), "2026Q4", value("31,5")).await;
    assert_eq!(recorded.status(), 200);
    let recorded: Value = recorded.json().await.expect("json");
    assert_eq!(
        recorded["actuals"].as_array().expect("actuals").last().map(|a| a["value"].clone()),
        Some(json!("31.5"))
    );
    assert_eq!(recorded["version"].as_i64(), Some(version + 1), "a figure moves the indicator's version");
    assert_eq!(put(admin.clone(), "2026Q4", value("32")).await.status(), 409, "entered on what was seen");
    let next = json!({"version": version + 1, "value": "1"});
    assert_eq!(put(admin.clone(), "2026Q5", next).await.status(), 422);
}

async fn import_through_the_web(app: &TestApp) {
    let csv = "\u{feff}ПЛАН мероприятий на 2025-2027 годы;;;;;;\n\
               № п/п;Наименование мероприятия;Срок исполнения;Исполнители с белорусской стороны;Исполнители с российской стороны;Ожидаемый результат;Примечание\n\
               ;1. Торгово-экономическое сотрудничество;;;;;\n\
               1.1.;Поставки техники;IV квартал 2025 г.;ОАО «Минский тракторный завод»;Неизвестное министерство;;\n";
    let send_as = |login: &'static str, path: &'static str, dry_run: bool, create: bool| async move {
        let client = app.sign_in(login).await;
        let csrf = csrf_in(&app.page(&client, "/plan/import").await);
        let mut form = reqwest::multipart::Form::new()
            .text("_csrf", csrf)
            .text("plan", "KHV-MOG-2025")
            .part("file", reqwest::multipart::Part::bytes(csv.as_bytes().to_vec()).file_name("plan.csv"));
        if dry_run {
            form = form.text("dry_run", "1");
        }
        if create {
            form = form.text("create_orgs", "1");
        }
        client.post(app.url(path)).multipart(form).send().await.expect("post")
    };
    let refused = send_as("coord.by", "/plan/import", true, false).await;
    assert_eq!(refused.status(), 422);
    let html = refused.text().await.expect("body");
    assert!(
        html.contains(
            "Строка 4, столбец «Исполнители с российской стороны»: исполнитель «Неизвестное министерство» не найден \
             в справочнике организаций"
        ),
        "a Russian reader reads the problem in Russian: {html}"
    );
    // The same file for a reader of English (the language switch in the header sets ?lang=).
    let english = send_as("coord.by", "/plan/import?lang=en", true, false).await;
    assert_eq!(english.status(), 422);
    let html = english.text().await.expect("body");
    let problems = &html[html.find("id=\"import-problems\"").expect("problems")..];
    assert!(
        problems.contains("Row 4, column ") && problems.contains("is not in the directory of organisations"),
        "{html}"
    );
    assert!(!problems.contains("Строка 4"), "no Russian left: {problems}");
    // The Belarusian coordinator may not create the Khabarovsk side's organisation.
    let other_side = send_as("coord.by", "/plan/import?lang=ru", true, true).await;
    assert_eq!(other_side.status(), 422);
    let html = other_side.text().await.expect("body");
    assert!(html.contains("организации другой стороны создаёт её координатор"), "{html}");

    // The Khabarovsk coordinator may: on the signed plan the changed executors of 1.1. wait for
    // the Belarusian side's approval, apart from the rows changed at once.
    let before = app.store.measure(measure_id(app, "1.1.").await.parse().expect("id")).await.expect("1.1.");
    let checked = send_as("coord.khv", "/plan/import?lang=ru", true, true).await.text().await.expect("body");
    assert!(checked.contains("id=\"import-result\""), "a dry run with --create-orgs passes: {checked}");
    assert!(checked.contains("на согласование второй стороне 1"), "{checked}");
    assert!(app.store.organisations_for_review().await.expect("review").is_empty(), "a dry run changes nothing");
    let done = send_as("coord.khv", "/plan/import", false, true).await.text().await.expect("body");
    assert!(done.contains("id=\"import-result\""));
    assert!(done.contains("ожидают согласования второй стороны 1") && done.contains("1.1."), "{done}");
    assert_eq!(app.store.organisations_for_review().await.expect("review").len(), 1, "created and marked for review");
    let after = app.store.measure(before.id).await.expect("1.1.");
    assert_eq!(after, before, "the signed measure waits for the second key");
    let client = app.sign_in("coord.khv").await;
    let orgs = app.page(&client, "/directory/organisations?side=KHV&per_page=100").await;
    assert!(orgs.contains("Неизвестное министерство") && orgs.contains(">проверить<"), "the directory flags it");
    let again = send_as("coord.khv", "/plan/import", false, true).await.text().await.expect("body");
    assert!(again.contains("изменено 0") && again.contains("ожидают согласования второй стороны 1"), "{again}");
    assert_eq!(app.store.organisations_for_review().await.expect("review").len(), 1, "importing twice adds nothing");
}

async fn signed_plans_change_with_both_keys(app: &TestApp) {
    let http = reqwest::Client::new();
    let by = app.token("coord.by").await;
    let khv = app.token("coord.khv").await;
    let admin = app.token("admin").await;
    let id = measure_id(app, "5.2.").await;
    let url = app.url(&format!("/api/v1/measures/{id}"));
    let version = app.store.measure(id.parse().expect("id")).await.expect("read").version;

    // The signed text and what was added after it.
    let client = app.sign_in("observer").await;
    let diff = app.page(&client, "/plan/diff?from=1&to=current").await;
    assert!(diff.contains("10.4.") && diff.contains("added"), "a measure added after signing shows");
    let versions = app.page(&client, "/plan/versions").await;
    assert!(versions.contains("signed") || versions.contains("подписана"));

    // A coordinator's retitling waits; the measure is unchanged meanwhile.
    let proposed = http
        .patch(&url)
        .bearer_auth(&by)
        .json(&json!({"version": version, "title_ru": "Сервис техники МАЗ, БЕЛАЗ, МТЗ в крае"}))
        .send()
        .await
        .expect("patch");
    assert_eq!(proposed.status(), 202);
    let amendment: Value = proposed.json().await.expect("json");
    assert_eq!(amendment["status"], "pending");
    let amendment_id = amendment["id"].as_str().expect("id").to_string();
    assert_ne!(
        app.store.measure(id.parse().expect("id")).await.expect("read").data.title_ru,
        "Сервис техники МАЗ, БЕЛАЗ, МТЗ в крае"
    );
    let decide = |token: String, amendment: String, accept: bool| {
        let http = http.clone();
        let url = app.url(&format!("/api/v1/amendments/{amendment}/decision"));
        async move {
            http.post(url)
                .bearer_auth(token)
                .json(&json!({"accept": accept}))
                .send()
                .await
                .expect("post")
                .status()
                .as_u16()
        }
    };
    assert_eq!(decide(by.clone(), amendment_id.clone(), true).await, 403, "the proposer's side holds only one key");
    assert_eq!(decide(admin.clone(), amendment_id.clone(), true).await, 403, "an administrator holds no side's key");
    assert_eq!(decide(khv.clone(), amendment_id.clone(), true).await, 200);
    let after = app.store.measure(id.parse().expect("id")).await.expect("read");
    assert_eq!(after.data.title_ru, "Сервис техники МАЗ, БЕЛАЗ, МТЗ в крае");
    assert_eq!(decide(khv.clone(), amendment_id, false).await, 409, "decided once");

    // The demo's pending amendment came from Khabarovsk: Mogilev decides it.
    let list: Value =
        http.get(app.url("/api/v1/amendments")).bearer_auth(&by).send().await.expect("get").json().await.expect("json");
    let pending =
        list.as_array().expect("list").iter().find(|a| a["status"] == "pending").expect("a pending amendment");
    assert_eq!(pending["number"], "4.4.");
    let pending_id = pending["id"].as_str().expect("id").to_string();
    assert_eq!(decide(khv.clone(), pending_id.clone(), false).await, 403);
    // A stale amendment cannot be accepted: the measure moved on since it was proposed.
    let reefer = measure_id(app, "4.4.").await;
    let current = app.store.measure(reefer.parse().expect("id")).await.expect("read").version;
    let moved = http
        .patch(app.url(&format!("/api/v1/measures/{reefer}")))
        .bearer_auth(&admin)
        .json(&json!({"version": current, "note": "уточнено"}))
        .send()
        .await
        .expect("patch");
    assert_eq!(moved.status(), 200, "an admin's edit applies at once");
    assert_eq!(decide(by.clone(), pending_id.clone(), true).await, 409);
    assert_eq!(decide(by.clone(), pending_id, false).await, 200, "but it can still be rejected");
    let page = app.page(&app.sign_in("coord.by").await, "/plan/amendments").await;
    assert!(page.contains("amendment-rejected") && page.contains("amendment-accepted"));

    // Deleting a joint measure of the signed plan is a proposal too: 202, still there.
    let joint = measure_id(app, "1.1.").await;
    let version = app.store.measure(joint.parse().expect("id")).await.expect("read").version;
    let deleted = http
        .delete(app.url(&format!("/api/v1/measures/{joint}?version={version}&reason=объединено с 1.2.")))
        .bearer_auth(&by)
        .send()
        .await
        .expect("delete");
    assert_eq!(deleted.status(), 202);
    let amendment: Value = deleted.json().await.expect("json");
    assert_eq!((amendment["kind"].as_str(), amendment["status"].as_str()), (Some("delete"), Some("pending")));
    assert!(app.store.measure(joint.parse().expect("id")).await.is_ok(), "kept until Khabarovsk agrees");
    let again = http
        .delete(app.url(&format!("/api/v1/measures/{joint}?version={version}")))
        .bearer_auth(&by)
        .send()
        .await
        .expect("delete");
    assert_eq!(again.status(), 409, "one proposal per version");
    let id = amendment["id"].as_str().expect("id").to_string();
    assert_eq!(decide(khv.clone(), id, true).await, 200);
    assert!(app.store.measure(joint.parse().expect("id")).await.is_err(), "removed with both keys");
}
