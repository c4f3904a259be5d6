//! Logistics items on both backends: save, load, edit with versions, imports that write only
//! what differs and are refused whole.

use super::{ADMIN, run};
use accord_store::{AuditFilter, LogisticsFile, LogisticsItem, LogisticsKind, Paging, Store, StoreError};
use serde_json::{Value, json};

macro_rules! on_both_backends_here {
    ($($story:ident),* $(,)?) => {
        mod sqlite {$(
            #[tokio::test]
            async fn $story() {
                super::run(accord_store::testing::TestBackend::Sqlite, super::$story).await;
            }
        )*}
        mod postgres {$(
            #[tokio::test]
            async fn $story() {
                super::run(accord_store::testing::TestBackend::Postgres, super::$story).await;
            }
        )*}
    };
}

on_both_backends_here!(
    logistics_items_are_saved_edited_and_deleted_with_versions,
    logistics_imports_write_only_what_differs,
    chain_figures_are_recorded_as_indicator_actuals,
);

fn node(code: &str, name: &str) -> Value {
    json!({
        "code": code, "name_ru": name, "name_en": name, "kind": "city", "country": "RU",
        "time_zone": "Asia/Vladivostok",
        "handling_per_container": { "amount": "1500.00", "currency": "RUB" }
    })
}

fn leg(from: &str, to: &str, cost: &str) -> Value {
    json!({
        "from": from, "to": to, "mode": "rail-container", "distance_km": 100,
        "transit_days": { "min": 1, "typical": 2, "max": 3 },
        "cost_per_container": { "amount": cost, "currency": "RUB" }
    })
}

fn item(kind: LogisticsKind, key: &str, body: Value) -> LogisticsItem {
    LogisticsItem { kind, key: key.into(), body }
}

fn file(name: &str) -> LogisticsFile {
    LogisticsFile { file_name: name.into(), format: "json".into(), sha256: String::new() }
}

fn network(cost: &str) -> Vec<LogisticsItem> {
    vec![
        item(LogisticsKind::Node, "KHV", node("KHV", "Хабаровск")),
        item(LogisticsKind::Node, "MSQ", node("MSQ", "Минск")),
        item(LogisticsKind::Leg, "KHV→MSQ rail-container", leg("KHV", "MSQ", cost)),
        item(LogisticsKind::Leg, "MSQ→KHV rail-container", leg("MSQ", "KHV", cost)),
    ]
}

const NETWORK: [LogisticsKind; 2] = [LogisticsKind::Node, LogisticsKind::Leg];

async fn audit_count(store: &Store) -> i64 {
    store.audit_list(&AuditFilter::default(), Paging::new(Some(1), Some(1))).await.expect("audit").total
}

async fn logistics_items_are_saved_edited_and_deleted_with_versions(store: Store) {
    let outcome =
        store.logistics_replace(ADMIN, &NETWORK, &network("100000.00"), &file("a.json")).await.expect("import");
    assert_eq!(outcome.inserted, 4);
    let records = store.logistics_records().await.expect("records");
    let nodes = records.nodes().expect("typed nodes");
    assert_eq!(nodes.iter().map(|n| n.code.as_str()).collect::<Vec<_>>(), ["KHV", "MSQ"], "in the file's order");
    assert_eq!(records.legs().expect("typed legs").len(), 2);

    // An edit at the version read moves the version; a stale one is a conflict and changes nothing.
    let edited = item(LogisticsKind::Leg, "KHV→MSQ rail-container", leg("KHV", "MSQ", "90000.00"));
    let v = store.logistics_save(ADMIN, Some("KHV→MSQ rail-container"), Some(1), &edited).await.expect("edit");
    assert_eq!(v, 2);
    let stale = item(LogisticsKind::Leg, "KHV→MSQ rail-container", leg("KHV", "MSQ", "1.00"));
    let conflict = store.logistics_save(ADMIN, Some("KHV→MSQ rail-container"), Some(1), &stale).await;
    assert!(matches!(conflict, Err(StoreError::Conflict { current: 2, .. })), "{conflict:?}");
    let records = store.logistics_records().await.expect("records");
    let stored = records.get(LogisticsKind::Leg, "KHV→MSQ rail-container").expect("leg");
    assert_eq!((stored.version, stored.body["cost_per_container"]["amount"].as_str()), (2, Some("90000.00")));

    // A new item under a key that exists is refused; so is a key change onto another item.
    let twin = item(LogisticsKind::Node, "KHV", node("KHV", "Другой"));
    assert!(matches!(store.logistics_save(ADMIN, None, None, &twin).await, Err(StoreError::Invalid(_))));
    let onto = item(LogisticsKind::Node, "MSQ", node("MSQ", "Хабаровск"));
    assert!(matches!(store.logistics_save(ADMIN, Some("KHV"), Some(1), &onto).await, Err(StoreError::Invalid(_))));
    let added = item(LogisticsKind::Product, "pollock", json!({"key": "pollock"}));
    assert_eq!(store.logistics_save(ADMIN, None, None, &added).await.expect("create"), 1);

    assert!(matches!(
        store.logistics_delete(ADMIN, LogisticsKind::Product, "pollock", 7).await,
        Err(StoreError::Conflict { current: 1, .. })
    ));
    store.logistics_delete(ADMIN, LogisticsKind::Product, "pollock", 1).await.expect("delete");
    assert!(store.logistics_records().await.expect("records").get(LogisticsKind::Product, "pollock").is_none());
    let history = store.audit_history("logistics_leg", "KHV→MSQ rail-container").await.expect("history");
    assert_eq!(history.len(), 2, "created by the import, changed by the edit");
    assert_eq!(store.audit_verify().await.expect("verify").first_break, None);
}

async fn logistics_imports_write_only_what_differs(store: Store) {
    store.logistics_replace(ADMIN, &NETWORK, &network("100000.00"), &file("a.json")).await.expect("first");
    let product = item(LogisticsKind::Product, "pollock", json!({"key": "pollock"}));
    store.logistics_save(ADMIN, None, None, &product).await.expect("product");
    let head = audit_count(&store).await;

    let again = store.logistics_replace(ADMIN, &NETWORK, &network("100000.00"), &file("a.json")).await.expect("again");
    assert!(!again.changed(), "{again:?}");
    assert_eq!(again.unchanged, 4);
    assert_eq!(audit_count(&store).await, head, "a repeated import leaves no audit entry");

    // Two items under one key: the whole import is refused and nothing changes.
    let mut twice = network("1.00");
    twice.push(item(LogisticsKind::Node, "KHV", node("KHV", "Дубль")));
    assert!(matches!(
        store.logistics_replace(ADMIN, &NETWORK, &twice, &file("bad.json")).await,
        Err(StoreError::Invalid(_))
    ));
    // An item of a kind the import does not replace is refused too.
    assert!(store.logistics_replace(ADMIN, &[LogisticsKind::Node], &network("1.00"), &file("bad.json")).await.is_err());
    let records = store.logistics_records().await.expect("records");
    let leg = records.get(LogisticsKind::Leg, "KHV→MSQ rail-container").expect("leg");
    assert_eq!(leg.body["cost_per_container"]["amount"], "100000.00");
    assert_eq!(audit_count(&store).await, head);

    // A changed file: one leg changed, one gone; nodes kept; other kinds untouched.
    let mut changed = network("120000.00");
    changed.truncate(3);
    let outcome = store.logistics_replace(ADMIN, &NETWORK, &changed, &file("b.json")).await.expect("changed");
    assert_eq!((outcome.inserted, outcome.updated, outcome.deleted, outcome.unchanged), (0, 1, 1, 2));
    let records = store.logistics_records().await.expect("records");
    assert_eq!(records.of(LogisticsKind::Leg).count(), 1);
    assert!(records.get(LogisticsKind::Product, "pollock").is_some(), "kinds not in the file stay");
    assert_eq!(records.get(LogisticsKind::Leg, "KHV→MSQ rail-container").map(|l| l.version), Some(2));
}

async fn chain_figures_are_recorded_as_indicator_actuals(store: Store) {
    use accord_domain::logistics::{ChainIndicatorLink, ChainMetric};
    use accord_domain::plan::indicator::IndicatorForm;
    use accord_domain::review::Actor;
    use accord_domain::trade::Currency;
    use accord_domain::{Quarter, Side, UserId};
    use accord_store::PeriodStep;
    use rust_decimal::Decimal;

    let (plan, maz, _) = super::plan_with_orgs(&store).await;
    let lead = accord_domain::plan::Executor { organisation: maz, side: Side::By, lead: true };
    let data = super::measure("4.4.", "industry", "Рыбная логистика", "2025-2027 гг.", "in-progress", vec![lead], "");
    let m = store.measure_create(ADMIN, plan.id, &data).await.expect("measure");
    let form = IndicatorForm {
        name_ru: "Число посредников в рыбной цепочке".into(),
        unit: "ед.".into(),
        direction: "decrease".into(),
        accumulation: "cumulative".into(),
        value_kind: "quantity".into(),
        ..Default::default()
    };
    let indicator = store.indicator_create(ADMIN, m.id, &form.validate().expect("indicator")).await.expect("create");
    let link = ChainIndicatorLink {
        indicator: indicator.id,
        chain: "pollock-today".into(),
        metric: ChainMetric::Intermediaries,
        currency: Currency::Rub,
    };
    store.logistics_link_indicator(ADMIN, &link).await.expect("link");
    let before = audit_count(&store).await;
    store.logistics_link_indicator(ADMIN, &link).await.expect("same link again");
    assert_eq!(audit_count(&store).await, before, "linking the same way twice writes nothing");
    let moved = ChainIndicatorLink { chain: "pollock-direct".into(), ..link.clone() };
    store.logistics_link_indicator(ADMIN, &moved).await.expect("relink");
    assert_eq!(store.logistics_indicator_links().await.expect("links"), vec![moved.clone()], "one link per indicator");

    let q2 = Quarter::new(2026, 2).expect("quarter");
    let five = (indicator.id, Decimal::from(5));
    let outcome = store.logistics_record_figures(ADMIN, q2, &[five]).await.expect("record");
    assert_eq!((outcome.written, outcome.unchanged), (1, 0));
    let again = store.logistics_record_figures(ADMIN, q2, &[five]).await.expect("record again");
    assert_eq!((again.written, again.unchanged), (0, 1), "the same figure twice is a no-op");
    let stored = store.indicator(indicator.id).await.expect("indicator");
    assert_eq!(stored.actuals.iter().map(|a| (a.quarter, a.value)).collect::<Vec<_>>(), vec![(q2, Decimal::from(5))]);

    // All or nothing: one unknown indicator refuses the whole quarter.
    let stranger = accord_domain::IndicatorId::new_at(1, [3; 10]);
    let refused =
        store.logistics_record_figures(ADMIN, q2, &[(indicator.id, Decimal::ONE), (stranger, Decimal::ONE)]).await;
    assert!(matches!(refused, Err(StoreError::NotFound { entity: "indicator" })), "{refused:?}");
    assert_eq!(store.indicator(indicator.id).await.expect("indicator").actuals[0].value, Decimal::from(5));

    // A closed period's figures do not change.
    let coordinator = Actor {
        user: UserId::new_at(0, [1; 10]),
        role: accord_domain::directory::Role::Coordinator { side: Side::By },
    };
    store.review_period_ensure(ADMIN, plan.id, q2, None).await.expect("period");
    store.review_period_step(ADMIN, &coordinator, q2, PeriodStep::StartReview).await.expect("to review");
    store.review_period_step(ADMIN, &coordinator, q2, PeriodStep::Close).await.expect("close");
    let closed = store.logistics_record_figures(ADMIN, q2, &[(indicator.id, Decimal::ONE)]).await;
    assert!(matches!(closed, Err(StoreError::Review(_))), "{closed:?}");
    assert_eq!(store.indicator(indicator.id).await.expect("indicator").actuals[0].value, Decimal::from(5));

    store.logistics_unlink_indicator(ADMIN, indicator.id).await.expect("unlink");
    assert!(store.logistics_indicator_links().await.expect("links").is_empty());
    assert!(matches!(store.logistics_unlink_indicator(ADMIN, indicator.id).await, Err(StoreError::NotFound { .. })));
    let history = store.audit_history("indicator_chain_link", &indicator.id.to_string()).await.expect("history");
    assert_eq!(history.len(), 3, "linked, moved, unlinked");
    assert_eq!(store.audit_verify().await.expect("verify").first_break, None);
}
