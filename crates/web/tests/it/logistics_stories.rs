//! Logistics over HTTP, on both backends: the routes page with Pareto routes and the reasons
//! when there are none, a chain's waterfall and what-ifs, the JSON API, imports that are all or
//! nothing, and who may edit.

use crate::app::{TestApp, csrf_in};
use crate::on_both_backends;
use serde_json::Value;

on_both_backends!(
    routes_chains_and_api_over_http,
    editing_the_network_is_checked_and_permitted,
    node_and_leg_forms_need_the_version_and_keep_the_network_whole,
    chains_measure_plan_indicators_and_the_agenda_shows_their_change,
);

fn count(html: &str, needle: &str) -> usize {
    html.matches(needle).count()
}

async fn routes_chains_and_api_over_http(app: &TestApp) {
    let coordinator = app.sign_in("coord.khv").await;
    // Nodes by their Russian or English name in any case, the product by its key.
    let page = app
        .page(&coordinator, "/logistics/routes?from=%D0%A5%D0%B0%D0%B1%D0%B0%D1%80%D0%BE%D0%B2%D1%81%D0%BA&to=minsk&product=lingonberry-frozen&date=2026-03-01")
        .await;
    assert!(count(&page, "<tr class=\"route\">") >= 2, "several Pareto routes for frozen lingonberries: {page}");
    assert!(page.contains("KHV → MSQ"), "the direct reefer train is one of them");
    assert!(page.contains("<svg"), "cost against days is drawn");
    assert!(!page.contains("id=\"no-route\""));

    let fresh =
        app.page(&coordinator, "/logistics/routes?from=KHV&to=MSQ&product=blueberry-fresh&date=2026-03-01").await;
    assert!(fresh.contains("id=\"no-route\""), "fresh blueberries have no feasible route");
    assert!(fresh.contains("исчерпавшие срок годности"), "and the page says the shelf life is why: {fresh}");
    assert!(fresh.contains("без рефрижератора"), "and that legs without a reefer were left out");

    let refused = coordinator
        .get(app.url("/logistics/routes?from=Atlantis&to=MSQ&product=lingonberry-frozen"))
        .send()
        .await
        .expect("get");
    assert_eq!(refused.status(), 422);
    assert!(refused.text().await.expect("body").contains("Atlantis"), "the unknown node is named");

    let chain = app.page(&coordinator, "/logistics/chains/pollock-today?currency=USD").await;
    assert!(chain.contains("id=\"waterfall\"") && chain.contains("<svg"), "the landed cost as a waterfall");
    assert!(chain.contains("Без всех посредников"), "what-if without intermediaries side by side");
    assert!(chain.contains("id=\"cost-lines\"") && chain.contains("USD"));
    assert!(chain.contains("id=\"chain-indicators\""), "the plan indicators the chain measures have a place");
    let rub = app.page(&coordinator, "/logistics/chains/pollock-today?currency=RUB").await;
    assert!(rub.contains("RUB") && rub != chain);
    for path in [
        "/logistics",
        "/logistics/chains",
        "/logistics/localisation",
        "/logistics/legs/edit?key=KHV%E2%86%92MSQ%20rail-reefer",
    ] {
        let response = coordinator.get(app.url(path)).send().await.expect("get");
        assert_eq!(response.status(), 200, "{path}");
    }
    localisation_page_states_its_basis(app, &coordinator).await;

    let http = reqwest::Client::new();
    let observer = app.token("observer").await;
    let get = |path: &str| {
        let request = http.get(app.url(path)).bearer_auth(&observer);
        async move { request.send().await.expect("get").json::<Value>().await.expect("json") }
    };
    let routes = get("/api/v1/logistics/routes?from=KHV&to=MSQ&product=lingonberry-frozen&date=2026-03-01").await;
    let list = routes["routes"].as_array().expect("routes");
    assert!(list.len() >= 2);
    // A Pareto front sorted by cost: each next route dearer and faster.
    for pair in list.windows(2) {
        let cost = |r: &Value| r["cost"]["amount"].as_str().expect("cost").parse::<f64>().expect("number");
        let days = |r: &Value| r["days"]["typical"].as_f64().expect("days");
        assert!(cost(&pair[1]) > cost(&pair[0]) && days(&pair[1]) < days(&pair[0]), "{pair:?}");
    }
    let none = get("/api/v1/logistics/routes?from=KHV&to=MSQ&product=blueberry-fresh&date=2026-03-01").await;
    assert_eq!(none["routes"].as_array().map(Vec::len), Some(0));
    assert!(none["excluded"].as_array().expect("reasons").iter().any(|x| x["reason"] == "shelf-life"));

    let chain = get("/api/v1/logistics/chains/pollock-today").await;
    let total = |v: &Value| v["total"]["amount"].as_str().expect("total").parse::<f64>().expect("number");
    let direct =
        chain["variants"].as_array().expect("variants").iter().find(|v| v["kind"] == "without-all").expect("direct");
    assert!(total(&direct["cost"]) < total(&chain["cost"]), "removing intermediaries lowers the landed cost");
    assert_eq!(chain["intermediaries"], 5);
    let chains = get("/api/v1/logistics/chains?currency=BYN").await;
    assert!(chains["items"].as_array().expect("items").iter().all(|c| c["currency"] == "BYN" && c["error"].is_null()));
    let loc = get("/api/v1/logistics/localisation").await;
    assert_eq!(loc["items"].as_array().map(Vec::len), Some(2), "MTZ and MAZ kits");
    localisation_api_has_the_split_and_the_horizon(app, &observer).await;
    let network = get("/api/v1/logistics/network").await;
    assert_eq!(network["format"], "accord-logistics/1");
    assert_eq!(network["nodes"].as_array().map(Vec::len), Some(16));
}

async fn editing_the_network_is_checked_and_permitted(app: &TestApp) {
    let http = reqwest::Client::new();
    let observer = app.token("observer").await;
    let admin = app.token("admin").await;
    let network = http.get(app.url("/api/v1/logistics/network")).bearer_auth(&observer).send().await.expect("get");
    let original = network.text().await.expect("body");

    // An observer reads but may not replace the network, through the API or the forms.
    let put = |token: &str, query: &str, body: String| {
        http.put(app.url(&format!("/api/v1/logistics/network{query}"))).bearer_auth(token).body(body).send()
    };
    assert_eq!(put(&observer, "", original.clone()).await.expect("put").status(), 403);
    let reader = app.sign_in("observer").await;
    let form = app.page(&reader, "/logistics/legs/edit?key=KHV%E2%86%92MSQ%20rail-reefer").await;
    assert!(!form.contains("type=\"submit\">Сохранить"), "no save button for an observer");
    let csrf = csrf_in(&form);
    let posted = reader
        .post(app.url("/logistics/legs/save"))
        .form(&[("_csrf", csrf.as_str()), ("previous", "KHV→MSQ rail-reefer"), ("version", "1")])
        .send()
        .await
        .expect("post");
    assert_eq!(posted.status(), 403);

    // A bad leg (negative transit time) refuses the whole file and names the leg; nothing changes.
    let mut doc: Value = serde_json::from_str(&original).expect("json");
    doc["legs"][0]["transit_days"]["min"] = Value::from(-3);
    let refused = put(&admin, "", doc.to_string()).await.expect("put");
    assert_eq!(refused.status(), 422);
    let message =
        refused.json::<Value>().await.expect("json")["error"]["message"].as_str().unwrap_or_default().to_string();
    assert!(message.contains("legs[0]") && message.contains("Отрицательный срок в пути"), "in Russian: {message}");
    assert!(!message.contains("negative transit time"), "no English inside the Russian message: {message}");
    let after = http.get(app.url("/api/v1/logistics/network")).bearer_auth(&observer).send().await.expect("get");
    assert_eq!(after.text().await.expect("body"), original, "nothing was written");

    // The same document again is a no-op; a dry run of a change writes nothing.
    let same: Value = put(&admin, "", original.clone()).await.expect("put").json().await.expect("json");
    assert_eq!(same["outcome"]["inserted"], 0);
    assert_eq!(same["outcome"]["updated"], 0);
    let mut cheaper: Value = serde_json::from_str(&original).expect("json");
    cheaper["legs"][0]["distance_km"] = Value::from(8000);
    let dry: Value = put(&admin, "?dry_run=true", cheaper.to_string()).await.expect("put").json().await.expect("json");
    assert!(dry["outcome"].is_null());
    let done: Value = put(&admin, "", cheaper.to_string()).await.expect("put").json().await.expect("json");
    assert_eq!(done["outcome"]["updated"], 1, "{done}");

    // A coordinator edits a leg through the form: a bad field is named, a good edit saved and audited.
    let coordinator = app.sign_in("coord.by").await;
    let form = app.page(&coordinator, "/logistics/legs/edit?key=KHV%E2%86%92MSQ%20rail-reefer").await;
    assert!(form.contains("type=\"submit\">Сохранить"), "a coordinator gets the save button");
    let csrf = csrf_in(&form);
    let version =
        form.split("name=\"version\" value=\"").nth(1).and_then(|r| r.split('"').next()).expect("version").to_string();
    let fields = |days_typical: &str| {
        vec![
            ("_csrf", csrf.clone()),
            ("previous", "KHV→MSQ rail-reefer".to_string()),
            ("version", version.clone()),
            ("from", "KHV".into()),
            ("to", "MSQ".into()),
            ("mode", "rail-reefer".into()),
            ("distance_km", "9000".into()),
            ("days_min", "13".into()),
            ("days_typical", days_typical.into()),
            ("days_max", "20".into()),
            ("container", "700000".into()),
            ("container_currency", "RUB".into()),
            ("reefer_min", "-25".into()),
            ("reefer_max", "25".into()),
        ]
    };
    let bad = coordinator.post(app.url("/logistics/legs/save")).form(&fields("12")).send().await.expect("post");
    assert_eq!(bad.status(), 422);
    assert!(bad.text().await.expect("body").contains("aria-invalid=\"true\""), "the field with the problem is marked");
    let good = coordinator.post(app.url("/logistics/legs/save")).form(&fields("15")).send().await.expect("post");
    assert_eq!(good.status(), 303);
    let legs = app.store.logistics_records().await.expect("records");
    let leg = legs.get(accord_store::LogisticsKind::Leg, "KHV→MSQ rail-reefer").expect("leg");
    assert_eq!(leg.body["cost_per_container"]["amount"], "700000.00");
    let audit = app
        .store
        .audit_list(
            &accord_store::AuditFilter { entity: Some("logistics_leg".into()), ..Default::default() },
            accord_store::Paging::default(),
        )
        .await
        .expect("audit");
    assert!(audit.items.iter().any(|e| e.actor.as_deref() == Some("coord.by")), "the edit is in the audit log");
}

async fn chains_measure_plan_indicators_and_the_agenda_shows_their_change(app: &TestApp) {
    let http = reqwest::Client::new();
    let observer = app.token("observer").await;
    let admin = app.token("admin").await;

    // The demo's fish chain indicators on measure 4.4: recorded in 2026Q2 from the chain with
    // five intermediaries, in 2026Q3 from the direct one.
    let links = app.api_json(&observer, "/api/v1/logistics/indicators").await;
    let links = links.as_array().expect("links").clone();
    assert_eq!(links.len(), 2, "{links:?}");
    let count = links.iter().find(|l| l["link"]["metric"] == "intermediaries").expect("intermediaries link");
    assert_eq!(count["link"]["chain"], "pollock-direct");
    assert_eq!(count["current"], "1");
    assert_eq!(count["recorded"], serde_json::json!(["2026Q3", "1"]));
    let cost = links.iter().find(|l| l["link"]["metric"] == "landed-cost-per-unit").expect("cost link");
    let direct_cost: f64 = cost["current"].as_str().expect("cost").parse().expect("number");
    let chain = app.api_json(&observer, "/api/v1/logistics/chains/pollock-direct?currency=RUB").await;
    let per_unit: f64 = chain["cost"]["total_per_unit"]["amount"].as_str().expect("per unit").parse().expect("number");
    assert!(
        (direct_cost - per_unit).abs() < 0.005,
        "the indicator is the chain's landed cost per kg: {direct_cost} vs {per_unit}"
    );

    // The Q3 agenda shows the change from Q2: five intermediaries down to one.
    let coordinator = app.sign_in("coord.by").await;
    let meeting = app.page(&coordinator, "/review/2026Q3/meeting").await;
    assert!(meeting.contains("Логистические цепочки: показатели плана"), "the agenda has the logistics section");
    assert!(
        meeting.contains("Число посредников в рыбной цепочке (минтай): 1 ед. (в 2026Q2: 5; изменение -4)"),
        "and the change of the fish chain's intermediaries: {meeting}"
    );

    // The pages: the list with the record and link forms, the chain with its indicators.
    let page = app.page(&coordinator, "/logistics/indicators").await;
    assert!(page.contains("id=\"chain-indicators\"") && page.contains("/logistics/chains/pollock-direct"));
    assert!(page.contains("action=\"/logistics/indicators/record\""), "a coordinator may record a quarter");
    let chain_page = app.page(&coordinator, "/logistics/chains/pollock-direct").await;
    assert!(chain_page.contains("Число посредников в рыбной цепочке (минтай)"), "the chain lists what it measures");

    // Recording: an observer may not; a closed quarter is refused; a dry run writes nothing;
    // recording the same quarter twice is a no-op.
    let record = |token: &str, body: Value| {
        http.post(app.url("/api/v1/logistics/indicators/record")).bearer_auth(token).json(&body).send()
    };
    assert_eq!(record(&observer, serde_json::json!({"quarter": "2026Q3"})).await.expect("post").status(), 403);
    let closed = record(&admin, serde_json::json!({"quarter": "2026Q2"})).await.expect("post");
    assert_eq!(closed.status(), 409, "{:?}", closed.text().await);
    let bad = record(&admin, serde_json::json!({"quarter": "2026Q5"})).await.expect("post");
    assert_eq!(bad.status(), 422);
    let dry: Value = record(&admin, serde_json::json!({"quarter": "2026Q4", "dry_run": true}))
        .await
        .expect("post")
        .json()
        .await
        .expect("json");
    assert_eq!((dry["written"].as_u64(), dry["unchanged"].as_u64()), (Some(2), Some(0)), "{dry}");
    let audit_before = app.store.audit_verify().await.expect("verify").checked;
    let again: Value =
        record(&admin, serde_json::json!({"quarter": "2026Q3"})).await.expect("post").json().await.expect("json");
    assert_eq!((again["written"].as_u64(), again["unchanged"].as_u64()), (Some(0), Some(2)), "{again}");
    assert_eq!(app.store.audit_verify().await.expect("verify").checked, audit_before, "nothing written");

    // Linking: a yes/no indicator and an unknown chain are refused naming them; the form links
    // and the unlink keeps the recorded values.
    let plan_indicators = app.store.logistics_indicator_links().await.expect("links");
    let indicator = plan_indicators[0].indicator.to_string();
    let link = |body: Value| http.post(app.url("/api/v1/logistics/indicators")).bearer_auth(&admin).json(&body).send();
    let unknown = link(serde_json::json!({"indicator": indicator, "chain": "atlantis", "metric": "intermediaries"}))
        .await
        .expect("post");
    assert_eq!(unknown.status(), 422);
    assert!(unknown.text().await.expect("body").contains("atlantis"), "the unknown chain is named");
    let metric = link(serde_json::json!({"indicator": indicator, "chain": "crab-today", "metric": "speed"}))
        .await
        .expect("post");
    assert_eq!(metric.status(), 422);
    let csrf = csrf_in(&page);
    let posted = coordinator
        .post(app.url("/logistics/indicators/link"))
        .form(&[
            ("_csrf", csrf.as_str()),
            ("indicator", indicator.as_str()),
            ("chain", "crab-today"),
            ("metric", "intermediaries"),
            ("currency", "RUB"),
        ])
        .send()
        .await
        .expect("post");
    assert_eq!(posted.status(), 303);
    let relinked = app.store.logistics_indicator_links().await.expect("links");
    assert!(relinked.iter().any(|l| l.indicator.to_string() == indicator && l.chain == "crab-today"));
    let unlinked = http
        .delete(app.url(&format!("/api/v1/logistics/indicators/{indicator}")))
        .bearer_auth(&admin)
        .send()
        .await
        .expect("delete");
    assert_eq!(unlinked.status(), 204);
    assert_eq!(app.store.logistics_indicator_links().await.expect("links").len(), 1);
    let id: accord_domain::IndicatorId = indicator.parse().expect("id");
    assert!(!app.store.indicator(id).await.expect("indicator").actuals.is_empty(), "recorded values stay");
}

/// The node and leg forms go through the use cases: a delete without the version read is a
/// 422 naming `version`, a delete that would leave a node unreachable a 409, and a stale save
/// a 409 on the form.
async fn node_and_leg_forms_need_the_version_and_keep_the_network_whole(app: &TestApp) {
    let coordinator = app.sign_in("coord.khv").await;
    let form = app.page(&coordinator, "/logistics/legs/edit?key=KHV%E2%86%92MSQ%20rail-reefer").await;
    let csrf = csrf_in(&form);
    let post = |path: &str, fields: Vec<(&str, &str)>| coordinator.post(app.url(path)).form(&fields).send();
    let blind =
        post("/logistics/legs/delete", vec![("_csrf", &csrf), ("key", "KHV→MSQ rail-reefer")]).await.expect("post");
    assert_eq!(blind.status(), 422, "no version read");
    // Every node still reached and every chain still routed, or the deletion is refused.
    let records = app.store.logistics_records().await.expect("records");
    let node = records.of(accord_store::LogisticsKind::Node).next().expect("a node").clone();
    let version = node.version.to_string();
    let refused = post("/logistics/nodes/delete", vec![("_csrf", &csrf), ("key", &node.key), ("version", &version)])
        .await
        .expect("post");
    assert_eq!(refused.status(), 409, "legs and chains still use the node");
    assert!(refused.text().await.expect("body").contains("Удаление нарушит сеть"), "and the page says why");
    assert!(
        app.store
            .logistics_records()
            .await
            .expect("records")
            .get(accord_store::LogisticsKind::Node, &node.key)
            .is_some()
    );
}

/// The localisation page: the saving split, year one, the horizon with two-decimal paybacks,
/// where each chain ends and the basis; the horizon's inputs kept and refused by name.
async fn localisation_page_states_its_basis(app: &TestApp, coordinator: &reqwest::Client) {
    let page = app.page(coordinator, "/logistics/localisation").await;
    assert!(page.contains("Точка безубыточности") && page.contains("Окупаемость"));
    assert!(page.contains("id=\"saving-mtz-khabarovsk\"") && page.contains("id=\"flows-maz-khabarovsk\""));
    // MTZ at the demo's official BYN rate of 1 March 2026 (the trade module's, 25.61… RUB): ex-works
    // 563,495.72 of a 899,354.97 saving (62.7 %), the dealer's margin 261,596.54 (29.1 %),
    // transport 50,500 + handling 9,241.18 + storage 312.50 = 60,053.68 (6.7 %): the shares.
    assert!(page.contains("563\u{a0}495,72") && page.contains("899\u{a0}354,97"), "the split in kopecks");
    assert!(page.contains("62,7\u{a0}%") && page.contains("29,1\u{a0}%"), "each component's share");
    assert!(page.contains("Хабаровск (KHV)") && page.contains("ТОР «Хабаровск» (KHV-PARK)"), "where each chain ends");
    assert!(page.contains("без НДС") && page.contains("01.03.2026"), "the basis: before VAT, the rates' date");
    assert!(page.contains("НК РФ ст. 259"), "the depreciation method named");
    // Margin 899,354.97 − 156,840 = 742,514.97; gain 600 × that − 12,600,000 = 432,908,982, no
    // profit tax; payback 150,000,000 / 432,908,982 = 0.346 → 0,35; discounted: year 1
    // 432,908,982 / 1.12 = 386,525,876.79, 150,000,000 / that = 0.388 → 0,39 (two decimals).
    assert!(page.contains(">0,35<") && page.contains(">0,39<"), "simple and discounted payback");
    // Break-even 12,600,000 / 742,514.97 = 16.97 → 17; with the set-up over the 5 preference
    // years (12,600,000 + 30,000,000) / 742,514.97 = 57.4 → 58, the figure.
    assert!(page.contains("срок, лет: 5") && page.contains(">58<") && page.contains(">17<"));
    // Over 10 years instead: (12,600,000 + 15,000,000) / 742,514.97 = 37.2 → 38.
    let ten = app.page(coordinator, "/logistics/localisation?years=3&recovery_years=10").await;
    assert!(
        ten.contains("value=\"3\"") && ten.contains("Горизонт, лет: 3") && ten.contains(">38<"),
        "inputs kept and used"
    );

    let refused = coordinator
        .get(app.url("/logistics/localisation?years=0&discount_percent=abc&useful_life_years=12"))
        .send()
        .await
        .expect("get");
    assert_eq!(refused.status(), 422);
    let html = refused.text().await.expect("body");
    assert!(html.contains("Горизонт: вне допустимого диапазона"), "the field named in Russian: {html}");
    assert!(html.contains("Ставка дисконтирования: нужно число"));
    assert!(html.contains("value=\"abc\"") && html.contains("value=\"12\""), "what was typed is kept");
    assert!(html.contains("aria-invalid=\"true\""));
    let english = app.page(coordinator, "/logistics/localisation?lang=en&discount_percent=150").await;
    assert!(english.contains("Discount rate: outside the allowed range"), "and in English: {english}");
    let english = app.page(coordinator, "/logistics/localisation?lang=en").await;
    assert!(english.contains("Where the saving per unit comes from") && english.contains("Discounted payback"));
    assert!(english.contains("Khabarovsk (KHV)") && english.contains("before VAT"));
    app.page(coordinator, "/logistics/localisation?lang=ru").await;
}

/// The API gives the split, year one and the horizon of both scenarios, with the inputs.
async fn localisation_api_has_the_split_and_the_horizon(app: &TestApp, token: &str) {
    let loc = app.api_json(token, "/api/v1/logistics/localisation").await;
    let mtz = loc["items"].as_array().expect("items").iter().find(|i| i["key"] == "mtz-khabarovsk").expect("mtz");
    let r = &mtz["result"];
    assert_eq!(mtz["finished_lands_at"]["code"], "KHV");
    assert_eq!(mtz["kit_lands_at"]["code"], "KHV-PARK");
    assert_eq!((r["currency"].as_str(), r["date"].as_str()), (Some("RUB"), Some("2026-03-01")));
    assert_eq!(r["horizon"]["years"], 10);
    assert_eq!(r["horizon"]["discount_percent"], "12");
    assert_eq!(r["preference_years"], 5);
    assert_eq!(r["saving"]["saving_per_unit"], "899354.97");
    let cents = |v: &Value| (v.as_str().expect("decimal").parse::<f64>().expect("number") * 100.0).round() as i64;
    let components = r["saving"]["components"].as_array().expect("components");
    assert_eq!(components.iter().map(|c| cents(&c["saving_per_unit"])).sum::<i64>(), 89_935_497, "to the kopeck");
    let margin = components.iter().find(|c| c["key"] == "logistics.cost.margin").expect("dealer");
    assert_eq!(
        (margin["saving_per_unit"].as_str(), margin["group"].as_str()),
        (Some("261596.54"), Some("intermediaries"))
    );
    let w = &r["with_preferences"];
    assert_eq!((w["break_even_volume"].as_str(), w["break_even_with_setup"].as_str()), (Some("17"), Some("58")));
    assert_eq!(w["horizon"]["simple_payback_years"], "0.35");
    assert_eq!(w["horizon"]["discounted_payback_years"], "0.39");
    let flows = w["horizon"]["flows"].as_array().expect("flows");
    let discounted: i64 = flows.iter().map(|f| cents(&f["discounted"])).sum();
    assert_eq!(cents(&w["horizon"]["npv"]), discounted, "the NPV is the sum of the years shown");
    assert_eq!(flows.len(), 11, "year 0 and ten years");
    assert_eq!((flows[5]["preferential"].as_bool(), flows[6]["preferential"].as_bool()), (Some(true), Some(false)));
    // Without: margin 722,354.97, gain 417,272,982, tax 25 % of (that − 15,000,000 depreciation)
    // = 100,568,245.50, cash flow 316,704,736.50, discounted 282,772,086.16; 150,000,000 / that
    // = 0.530 → 0.53.
    assert_eq!(r["without_preferences"]["profit_tax"], "100568245.50");
    assert_eq!(r["without_preferences"]["horizon"]["discounted_payback_years"], "0.53");

    let short = app.api_json(token, "/api/v1/logistics/localisation?years=3&discount_percent=10,5").await;
    let h = &short["items"][0]["result"]["horizon"];
    assert_eq!((h["years"].as_u64(), h["discount_percent"].as_str()), (Some(3), Some("10.5")));
    assert_eq!(short["items"][0]["result"]["with_preferences"]["horizon"]["flows"].as_array().map(Vec::len), Some(4));
    let refused = reqwest::Client::new()
        .get(app.url("/api/v1/logistics/localisation?useful_life_years=31"))
        .bearer_auth(token)
        .send()
        .await
        .expect("get");
    assert_eq!(refused.status(), 422);
    let err: Value = refused.json().await.expect("json");
    assert_eq!(err["error"]["field"], "useful_life_years", "{err}");
}
