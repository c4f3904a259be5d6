//! The quarterly briefing pack over HTTP, on both backends: the page, the three formats, the
//! figures inside them, the reader's language, and a refused quarter.

use crate::app::TestApp;
use crate::on_both_backends;
use serde_json::Value;

on_both_backends!(briefing_pack_in_three_formats,);

async fn briefing_pack_in_three_formats(app: &TestApp) {
    let client = app.sign_in("coord.by").await;
    let page = app.page(&client, "/briefing").await;
    assert!(page.contains("id=\"pack-form\"") && page.contains(">2025Q3<"), "the form offers the plan's quarters");
    let get = |url: String| {
        let client = client.clone();
        async move { client.get(url).send().await.expect("get") }
    };

    let html = get(app.url("/briefing/download?quarter=2025Q3&format=html")).await;
    assert_eq!(html.status(), 200);
    let html = html.text().await.expect("html");
    assert!(html.contains("Сводные показатели") && html.contains("III квартал 2025 г."), "Russian by default");
    let plan = app.store.plan_by_code("KHV-MOG-2025").await.expect("plan");
    let measures = app.store.measures_of_plan(plan.id).await.expect("measures").len();
    assert!(html.contains(&format!("мероприятий — {measures}")), "the plan's measure count");
    // The quarter's review: its meeting in both local times, accepted reports, the decisions.
    let review =
        app.store.review_pack_data("2025Q3".parse().expect("quarter"), chrono_today()).await.expect("review data");
    let meeting = review.meeting.as_ref().expect("the demo holds a meeting for 2025Q3");
    let khabarovsk = accord_domain::review::schedule::local(accord_domain::Side::Khv, meeting.start);
    assert!(html.contains(&format!("{} по хабаровскому", khabarovsk.format("%H:%M"))), "meeting time in Khabarovsk");
    assert!(html.contains("Реестр решений"));
    for decision in &review.decisions {
        assert!(html.contains(&decision.record.reference.format(accord_domain::directory::Locale::Ru)));
    }
    let accepted = review.measures.iter().flat_map(|m| &m.accepted).next().expect("an accepted report");
    assert!(html.contains(&accepted.content.done), "the accepted report's narrative");
    // The quarter's trade, the same figure the summary API gives (whole dollars, grouped).
    let observer = app.token("observer").await;
    let summary: Value = reqwest::Client::new()
        .get(app.url("/api/v1/trade/summary?from=2025Q3&to=2025Q3"))
        .bearer_auth(&observer)
        .send()
        .await
        .expect("summary")
        .json()
        .await
        .expect("json");
    let exports: f64 = summary["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|i| i["scope"] == "BY-MA↔RU-KHA" && i["reported_by"] == "BY")
        .and_then(|i| i["summary"]["total"]["exports"].as_str())
        .expect("exports")
        .parse()
        .expect("number");
    let whole = exports.round() as i64;
    let grouped = if whole >= 1_000_000 {
        format!("{}\u{a0}{:03}\u{a0}{:03}", whole / 1_000_000, whole / 1000 % 1000, whole % 1000)
    } else {
        format!("{}\u{a0}{:03}", whole / 1000, whole % 1000)
    };
    assert!(html.contains(&grouped), "trade exports {grouped} in the pack");

    let pdf = get(app.url("/briefing/download?quarter=2025Q3&format=pdf")).await;
    assert_eq!(pdf.status(), 200);
    assert_eq!(pdf.headers()["content-type"], "application/pdf");
    let pdf = pdf.bytes().await.expect("pdf");
    assert!(pdf.starts_with(b"%PDF-"));
    if let Some(text) = accord_report::testing::pdf_text(&pdf) {
        for heading in ["СПРАВОЧНЫЕ МАТЕРИАЛЫ", "Сводные показатели", "Ход выполнения по разделам", "Взаимная торговля"]
        {
            assert!(text.contains(heading), "{heading} in the PDF");
        }
        assert!(text.contains(&format!("мероприятий — {measures}")));
    }

    let xlsx = get(app.url("/briefing/download?quarter=2025Q3&format=xlsx")).await;
    assert_eq!(xlsx.status(), 200);
    assert!(xlsx.bytes().await.expect("xlsx").starts_with(b"PK"));

    for bad in ["2025Q5", "2024Q4", ""] {
        let refused = get(app.url(&format!("/briefing/download?quarter={bad}&format=pdf"))).await;
        assert_eq!(refused.status(), 400, "quarter {bad:?}");
    }
    assert_eq!(get(app.url("/briefing/download?quarter=2025Q3&format=doc")).await.status(), 400);

    // An English reader gets the English pack.
    let english = app.sign_in("observer").await;
    let html = english
        .get(app.url("/briefing/download?quarter=2025Q3&format=html"))
        .send()
        .await
        .expect("get")
        .text()
        .await
        .expect("html");
    assert!(html.contains("Briefing pack") && html.contains("<p class=\"period\">Q3 2025</p>"));
    assert!(html.contains("Summary") && !html.contains("Сводные показатели"));
}

fn chrono_today() -> chrono::NaiveDate {
    chrono::Utc::now().date_naive()
}
