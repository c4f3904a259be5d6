//! Trade over HTTP, on both backends: imports through the API, summaries, mirror verdicts,
//! product groups, permissions, pages.

use crate::app::{TestApp, csrf_in};
use crate::on_both_backends;
use serde_json::{Value, json};

on_both_backends!(
    trade_import_summary_and_mirror_over_http,
    measure_page_shows_the_trade_behind_it,
    an_observers_file_is_never_read_and_edits_need_the_version_read,
);

const TEMPLATE: &str = "period,flow,reporter,partner,code,value,currency,net_mass_kg,qty,qty_unit
2020-01,export,BY-MA,RU-KHA,8701 91 100 0,1000000.00,USD,50000,10,шт
2020-02,export,BY-MA,RU-KHA,8701 91 100 0,500000.00,USD,25000,5,шт
2020-02,export,BY-MA,RU-KHA,0405 10 110 0,20000.50,USD,4000,,
2020-03,import,BY-MA,RU-KHA,0303 89 900 0,3000.00,USD,1000,,
";

const MIRROR: &str = "period,flow,reporter,partner,code,value,currency,net_mass_kg,qty,qty_unit
2020-01,import,RU-KHA,BY-MA,8701 91 100 0,1030000.00,USD,50000,10,шт
2020-02,import,RU-KHA,BY-MA,8701 91 100 0,520000.00,USD,25000,5,шт
2020-03,export,RU-KHA,BY-MA,0303 89 900 0,3000.00,USD,1000,,
";

async fn trade_import_summary_and_mirror_over_http(app: &TestApp) {
    let http = reqwest::Client::new();
    let admin = app.token("admin").await;
    let khv = app.token("coord.khv").await;
    let observer = app.token("observer").await;
    let post = |token: &str, query: &str, body: &'static str| {
        http.post(app.url(&format!("/api/v1/trade/imports?{query}"))).bearer_auth(token).body(body).send()
    };
    // A Khabarovsk coordinator may not import Belarusian statistics; an observer nothing.
    assert_eq!(post(&khv, "name=by.csv&source=Могилевоблстат", TEMPLATE).await.expect("post").status(), 403);
    assert_eq!(post(&observer, "name=khv.csv", MIRROR).await.expect("post").status(), 403);
    let done = post(&admin, "name=by.csv&source=Могилевоблстат", TEMPLATE).await.expect("post");
    assert_eq!(done.status(), 201);
    let done: Value = done.json().await.expect("json");
    assert_eq!((done["side"].as_str(), done["records"].as_u64()), (Some("BY"), Some(4)));
    let again: Value =
        post(&admin, "name=by.csv&source=Могилевоблстат", TEMPLATE).await.expect("post").json().await.expect("json");
    assert_eq!(again["outcome"]["unchanged"], true, "the same file twice changes nothing");
    assert_eq!(post(&khv, "name=khv.csv&source=Хабаровскстат", MIRROR).await.expect("post").status(), 201);

    // A bad row stops the whole file and names its line and column.
    let bad = "period,flow,reporter,partner,code,value,currency\n2020-04,export,BY-MA,RU-KHA,8701,12x,USD\n";
    let refused = http
        .post(app.url("/api/v1/trade/imports?name=bad.csv&source=Могилевоблстат"))
        .bearer_auth(&admin)
        .body(bad)
        .send()
        .await
        .expect("post");
    assert_eq!(refused.status(), 422);
    let refused: Value = refused.json().await.expect("json");
    let problem = refused["error"]["problems"][0].as_str().expect("problem").to_string();
    assert_eq!(problem, "Строка 2, столбец «value»: «12x» — не число", "Russian unless asked otherwise");
    assert_eq!(refused["error"]["message"], "В файле 1 ошибка, ничего не загружено.");
    let detail = &refused["error"]["details"][0];
    assert_eq!((detail["row"].as_u64(), detail["column"].as_str()), (Some(2), Some("value")));
    assert_eq!(
        (detail["key"].as_str(), detail["args"]["value"].as_str()),
        (Some("problem-number-invalid"), Some("12x"))
    );
    // The same file for a reader of English.
    let refused_en: Value = http
        .post(app.url("/api/v1/trade/imports?name=bad.csv&source=Могилевоблстат&lang=en"))
        .bearer_auth(&admin)
        .body(bad)
        .send()
        .await
        .expect("post")
        .json()
        .await
        .expect("json");
    assert_eq!(refused_en["error"]["problems"][0], "Row 2, column 'value': \"12x\" is not a number");
    assert_eq!(refused_en["error"]["message"], "1 problem in the file; nothing was imported.");
    assert_eq!(refused_en["error"]["details"][0]["key"], "problem-number-invalid", "the same key in any language");

    let summary: Value = http
        .get(app.url("/api/v1/trade/summary?from=2020Q1&to=2020Q1"))
        .bearer_auth(&observer)
        .send()
        .await
        .expect("get")
        .json()
        .await
        .expect("json");
    let items = summary["items"].as_array().expect("items");
    let belarusian = items.iter().find(|i| i["reported_by"] == "BY").expect("BY figures");
    assert_eq!(belarusian["summary"]["total"]["exports"], "1520000.50");
    assert_eq!(belarusian["summary"]["total"]["imports"], "3000.00");
    assert_eq!(belarusian["summary"]["total"]["turnover"], "1523000.50");
    let mirror_side = items.iter().find(|i| i["reported_by"] == "KHV").expect("KHV figures");
    assert_eq!(mirror_side["summary"]["total"]["exports"], "1550000.00", "seen from Mogilev: Khabarovsk's imports");

    let mirror: Value = http
        .get(app.url("/api/v1/trade/mirror?from=2020Q1&to=2020Q1&granularity=month"))
        .bearer_auth(&observer)
        .send()
        .await
        .expect("get")
        .json()
        .await
        .expect("json");
    let january = mirror["report"]["rows"].as_array().expect("rows").iter().find(|r| r["bucket"]["month"] == "2020-01");
    let january = january.expect("January");
    assert_eq!(january["gap"], "30000.00");
    assert_eq!(january["gap_percent"], "3");
    let verdict = http
        .put(app.url("/api/v1/trade/mirror"))
        .bearer_auth(&khv)
        .json(&json!({"exporter": "BY-MA", "importer": "RU-KHA", "bucket": "2020-01", "status": "explained", "comment": "CIF/FOB"}))
        .send()
        .await
        .expect("put");
    assert_eq!(verdict.status(), 200);
    let observer_verdict = http
        .put(app.url("/api/v1/trade/mirror"))
        .bearer_auth(&observer)
        .json(&json!({"exporter": "BY-MA", "importer": "RU-KHA", "bucket": "2020-01", "status": "accepted", "version": 1}))
        .send()
        .await
        .expect("put");
    assert_eq!(observer_verdict.status(), 403);

    let group = http
        .post(app.url("/api/v1/trade/groups"))
        .bearer_auth(&admin)
        .json(&json!({"key": "test-tractors", "name_ru": "Техника", "prefixes": ["8701 91"], "exported_by": "BY", "targets": {"2020": "5000000"}}))
        .send()
        .await
        .expect("post");
    assert_eq!(group.status(), 201);
    let by_group: Value = http
        .get(app.url("/api/v1/trade/summary?from=2020Q1&to=2020Q1&by=group"))
        .bearer_auth(&observer)
        .send()
        .await
        .expect("get")
        .json()
        .await
        .expect("json");
    let by = by_group["items"].as_array().expect("items").iter().find(|i| i["reported_by"] == "BY").expect("BY");
    let machinery = by["summary"]["groups"].as_array().expect("groups").iter().find(|g| g["group"] == "test-tractors");
    assert_eq!(machinery.expect("test-tractors")["figures"]["exports"], "1500000.00");

    // The pages show the figures, in Russian by default.
    let client = app.sign_in("admin").await;
    let page = app.page(&client, "/trade?from=2020Q1&to=2020Q1").await;
    assert!(page.contains("Могилёвская область") && page.contains("<svg"), "overview with charts");
    let mirror_page = app.page(&client, "/trade/mirror?from=2020Q1&to=2020Q1&granularity=month").await;
    assert!(mirror_page.contains("объяснено") && mirror_page.contains("CIF/FOB"), "the verdict shows");
    let import_page = app.page(&client, "/trade/import").await;
    assert!(import_page.contains("Могилевоблстат") && import_page.contains("Хабаровскстат"));
    let csrf = csrf_in(&import_page);
    let form = reqwest::multipart::Form::new()
        .text("_csrf", csrf)
        .text("kind", "trade")
        .text("dry_run", "on")
        .part("file", reqwest::multipart::Part::bytes(TEMPLATE.as_bytes()).file_name("by.csv"));
    let dry = client.post(app.url("/trade/import")).multipart(form).send().await.expect("upload");
    assert_eq!(dry.status(), 200);
    assert!(dry.text().await.expect("body").contains("Ничего не изменено"));
    let template = client.get(app.url("/trade/template.xlsx")).send().await.expect("template");
    assert_eq!(template.status(), 200);
    assert!(template.bytes().await.expect("bytes").starts_with(b"PK"));
}

/// The demo links "fish and seafood" to measure 3.1.: its page shows the group's quarterly
/// figures as both sides report them, the same figures the summary API gives.
async fn measure_page_shows_the_trade_behind_it(app: &TestApp) {
    let fish = crate::plan_stories::measure_id(app, "3.1.").await;
    let client = app.sign_in("coord.by").await;
    let page = app.page(&client, &format!("/plan/measures/{fish}")).await;
    assert!(page.contains("id=\"trade-seafood\"") && page.contains("Рыба и морепродукты"), "linked group shown");
    let observer = app.token("observer").await;
    let summary: Value = reqwest::Client::new()
        .get(app.url("/api/v1/trade/summary?from=2025Q3&to=2025Q3&by=group"))
        .bearer_auth(&observer)
        .send()
        .await
        .expect("get")
        .json()
        .await
        .expect("json");
    let imports_of = |side: &str| -> String {
        let item = summary["items"]
            .as_array()
            .expect("items")
            .iter()
            .find(|i| i["scope"] == "BY-MA↔RU-KHA" && i["reported_by"] == side)
            .expect("scope");
        let group = item["summary"]["groups"].as_array().expect("groups").iter().find(|g| g["group"] == "seafood");
        let value: f64 =
            group.expect("seafood")["figures"]["imports"].as_str().expect("imports").parse().expect("number");
        // The page writes whole dollars with a no-break space between thousands.
        let whole = value.round() as i64;
        format!("{}\u{a0}{:03}", whole / 1000, whole % 1000)
    };
    let (by_side, khv_side) = (imports_of("BY"), imports_of("KHV"));
    assert_ne!(by_side, khv_side, "the two sides' statistics differ a little");
    let row = page.split("<td>2025Q3").nth(1).and_then(|rest| rest.split("</tr>").next()).expect("2025Q3 row");
    assert!(row.contains(&by_side) && row.contains(&khv_side), "{row} has {by_side} and {khv_side}");
    // A measure with no linked group has no trade section.
    let youth = crate::plan_stories::measure_id(app, "7.1.").await;
    assert!(!app.page(&client, &format!("/plan/measures/{youth}")).await.contains("id=\"trade\""));
}

/// The trade doors go through the use cases: an observer's upload is refused before the file
/// is read (403 whatever the file), and a record already stored changes only with the version
/// read (422 naming `version` without it, 409 with a stale one), on the API as on the pages.
async fn an_observers_file_is_never_read_and_edits_need_the_version_read(app: &TestApp) {
    let http = reqwest::Client::new();
    let observer = app.token("observer").await;
    let admin = app.token("admin").await;
    let broken = "period,flow\n2020-13,sideways\n\u{0}";
    let refused = http
        .post(app.url("/api/v1/trade/imports?name=broken.csv"))
        .bearer_auth(&observer)
        .body(broken)
        .send()
        .await
        .expect("post");
    assert_eq!(refused.status(), 403, "forbidden, not a problem of the file");
    let refused: Value = refused.json().await.expect("json");
    assert_eq!(refused["error"]["code"], "forbidden");
    let read = http
        .post(app.url("/api/v1/trade/imports?name=broken.csv"))
        .bearer_auth(&admin)
        .body(broken)
        .send()
        .await
        .expect("post");
    assert_eq!(read.status(), 422, "the same file from one who may import is read and refused");
    let reader = app.sign_in("observer").await;
    let csrf = csrf_in(&app.page(&reader, "/trade/import").await);
    let upload = reqwest::multipart::Form::new()
        .text("_csrf", csrf)
        .part("file", reqwest::multipart::Part::bytes(broken.as_bytes().to_vec()).file_name("broken.csv"));
    assert_eq!(client_post(&reader, app, "/trade/import", upload).await, 403, "the page too");

    // Product groups: created without a version, changed only with the one read.
    let group = json!({"key": "versioned", "name_ru": "Тракторы", "prefixes": ["8701"]});
    let created =
        http.post(app.url("/api/v1/trade/groups")).bearer_auth(&admin).json(&group).send().await.expect("post");
    assert_eq!(created.status(), 201);
    let put = |body: Value| http.put(app.url("/api/v1/trade/groups/versioned")).bearer_auth(&admin).json(&body).send();
    let blind = put(json!({"name_ru": "Трактора", "prefixes": ["8701"]})).await.expect("put");
    assert_eq!(blind.status(), 422);
    assert_eq!(blind.json::<Value>().await.expect("json")["error"]["field"], "version");
    assert_eq!(
        put(json!({"name_ru": "Трактора", "prefixes": ["8701"], "version": 1})).await.expect("put").status(),
        200
    );
    assert_eq!(
        put(json!({"name_ru": "Тракторы МТЗ", "prefixes": ["8701"], "version": 1})).await.expect("put").status(),
        409
    );
    let delete = |query: &str| {
        http.delete(app.url(&format!("/api/v1/trade/groups/versioned{query}"))).bearer_auth(&admin).send()
    };
    let no_version = delete("").await.expect("delete");
    assert_eq!(no_version.status(), 422);
    assert_eq!(no_version.json::<Value>().await.expect("json")["error"]["field"], "version");

    // The page opens a group for editing with its version, and saves it.
    let coordinator = app.sign_in("coord.khv").await;
    let page = app.page(&coordinator, "/trade/groups?edit=versioned").await;
    assert!(page.contains("name=\"version\" value=\"2\"") && page.contains("value=\"Трактора\""), "prefilled");
    let csrf = csrf_in(&page);
    let fields = |version: &str| {
        vec![
            ("_csrf", csrf.clone()),
            ("key", "versioned".to_string()),
            ("name_ru", "Трактора и комбайны".to_string()),
            ("prefixes", "8701, 8433".to_string()),
            ("version", version.to_string()),
        ]
    };
    let saved = coordinator.post(app.url("/trade/groups")).form(&fields("2")).send().await.expect("post");
    assert_eq!(saved.status(), 303);
    let stale = coordinator.post(app.url("/trade/groups")).form(&fields("2")).send().await.expect("post");
    assert_eq!(stale.status(), 409, "saving again on the version read before is stale");
    assert_eq!(delete("?version=3").await.expect("delete").status(), 204);

    // A judged mirror pair: the second verdict needs the version read.
    let khv = app.token("coord.khv").await;
    let verdict = |body: Value| http.put(app.url("/api/v1/trade/mirror")).bearer_auth(&khv).json(&body).send();
    let pair = json!({"exporter": "BY-MA", "importer": "RU-KHA", "bucket": "2019-07", "status": "explained", "comment": "CIF/FOB"});
    assert_eq!(verdict(pair.clone()).await.expect("put").status(), 200);
    let again = verdict(pair).await.expect("put");
    assert_eq!(again.status(), 422);
    assert_eq!(again.json::<Value>().await.expect("json")["error"]["field"], "version");
}

async fn client_post(client: &reqwest::Client, app: &TestApp, path: &str, form: reqwest::multipart::Form) -> u16 {
    client.post(app.url(path)).multipart(form).send().await.expect("post").status().as_u16()
}
