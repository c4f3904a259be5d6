//! Logistics' rules at every door: the network is valid as a whole after every change, an
//! edited item changes only at the version read, and a refusal writes nothing.

use crate::on_both_backends;
use crate::support::{Who, World, leg, node};
use accord_app::logistics::{LegSave, NetworkFormat, NodeSave, RecordInput, export};
use accord_app::{App, Error, RuleKind};
use accord_store::LogisticsKind;

on_both_backends!(
    a_network_edit_is_checked_whole_and_written_at_the_version_read,
    a_deletion_that_would_break_the_network_is_refused,
    an_import_is_refused_whole_naming_every_problem,
    recording_a_quarter_outside_the_plan_is_refused,
);

async fn a_network_edit_is_checked_whole_and_written_at_the_version_read(app: App) {
    let world = World::new(app, false).await;
    world.load_logistics().await;
    let by = world.actor(Who::CoordinatorBy);
    // A new depot needs the leg that reaches it.
    let alone = NodeSave { previous: None, version: None, node: node("DEP"), arriving: None };
    assert!(matches!(world.app.network_node_save(&by, &alone).await, Err(Error::Invalid(_))));
    let save = NodeSave { arriving: Some(leg("KHV", "DEP", "rail-container", 1)), ..alone };
    assert_eq!(world.app.network_node_save(&by, &save).await.expect("depot"), 1);

    // A leg with a negative transit time: refused, naming the field of the form.
    let bad = LegSave { previous: None, version: None, leg: leg("DEP", "KHV", "road", -2) };
    let Err(Error::Refused(rule)) = world.app.network_leg_save(&by, &bad).await else { panic!("refused") };
    assert_eq!(
        (rule.kind, rule.field, rule.key.as_str()),
        (RuleKind::Input, Some("days_typical"), "logistics-network-negative-time")
    );

    // An edit needs the version read; a stale one is refused and the leg keeps its value.
    let label = "KHV→DEP rail-container";
    let blind = LegSave { previous: Some(label.into()), version: None, leg: leg("KHV", "DEP", "rail-container", 2) };
    let refused = world.app.network_leg_save(&by, &blind).await;
    assert!(
        matches!(refused, Err(Error::Invalid(ref i)) if i.first().map(|e| e.field) == Some("version")),
        "{refused:?}"
    );
    let edit = LegSave { version: Some(1), ..blind };
    assert_eq!(world.app.network_leg_save(&by, &edit).await.expect("edited"), 2);
    let khv = world.actor(Who::CoordinatorKhv);
    let stale = LegSave { leg: leg("KHV", "DEP", "rail-container", 5), ..edit.clone() };
    assert!(matches!(world.app.network_leg_save(&khv, &stale).await, Err(Error::Stale { current: 2, .. })));
    let records = world.store().logistics_records().await.expect("records");
    let stored = records.get(LogisticsKind::Leg, label).expect("leg");
    assert_eq!((stored.version, stored.body["transit_days"]["typical"].as_f64()), (2, Some(2.0)));

    // A node's code is its key in legs and chains: it is not renamed.
    let renamed = NodeSave { previous: Some("DEP".into()), version: Some(1), node: node("DEP2"), arriving: None };
    let Err(Error::Refused(rule)) = world.app.network_node_save(&by, &renamed).await else { panic!("refused") };
    assert_eq!(rule.field, Some("code"));
    let observer = world.app.network_leg_save(&world.actor(Who::Observer), &edit).await;
    assert!(matches!(observer, Err(Error::Forbidden(_))));
}

async fn a_deletion_that_would_break_the_network_is_refused(app: App) {
    let world = World::new(app, false).await;
    world.load_logistics().await;
    let admin = world.actor(Who::Admin);
    let save = NodeSave {
        previous: None,
        version: None,
        node: node("DEP"),
        arriving: Some(leg("KHV", "DEP", "rail-container", 1)),
    };
    world.app.network_node_save(&admin, &save).await.expect("depot");
    let before = world.store().audit_verify().await.expect("audit").checked;
    // Without its only arriving leg the depot would be unreachable: a refusal of the network's state.
    let refused = world.app.network_item_delete(&admin, LogisticsKind::Leg, "KHV→DEP rail-container", Some(1)).await;
    let Err(Error::Refused(rule)) = refused else { panic!("refused: {refused:?}") };
    assert_eq!((rule.kind, rule.code), (RuleKind::State, "logistics_delete_refused"));
    assert!(rule.args.iter().any(|(_, v)| v.contains("DEP")), "names the depot: {rule:?}");
    // The depot itself is still the end of a leg.
    assert!(matches!(
        world.app.network_item_delete(&admin, LogisticsKind::Node, "DEP", Some(1)).await,
        Err(Error::Refused(_))
    ));
    assert!(matches!(
        world.app.network_item_delete(&admin, LogisticsKind::Node, "DEP", None).await,
        Err(Error::Invalid(_))
    ));
    assert_eq!(world.store().audit_verify().await.expect("audit").checked, before, "nothing was written");
}

async fn an_import_is_refused_whole_naming_every_problem(app: App) {
    let world = World::new(app, false).await;
    world.load_logistics().await;
    let stored = export(world.store(), NetworkFormat::Json).await.expect("export");
    let mut doc: serde_json::Value = serde_json::from_slice(&stored).expect("json");
    doc["legs"][0]["transit_days"]["min"] = serde_json::Value::from(-3);
    doc["legs"][1]["to"] = serde_json::Value::from("ATLANTIS");
    let observer = world.app.network_import(&world.actor(Who::Observer), "n.json", b"not json", false).await;
    assert!(matches!(observer, Err(Error::Forbidden(_))), "refused before the file is read: {observer:?}");
    let coordinator = world.actor(Who::CoordinatorKhv);
    let refused = world.app.network_import(&coordinator, "n.json", doc.to_string().as_bytes(), false).await;
    let Err(Error::InvalidFile(problems)) = refused else { panic!("refused: {refused:?}") };
    assert!(
        problems.iter().any(|p| p.column == "legs[0]" && p.reason.key == "logistics-network-negative-time"),
        "{problems:?}"
    );
    assert!(problems.iter().any(|p| p.column == "legs[1]"), "every problem is named: {problems:?}");
    assert_eq!(export(world.store(), NetworkFormat::Json).await.expect("export"), stored, "nothing was written");
    let same = world.app.network_import(&coordinator, "n.json", &stored, false).await.expect("same file");
    assert!(same.outcome.is_some_and(|o| !o.changed()), "the same network again changes nothing");
}

async fn recording_a_quarter_outside_the_plan_is_refused(app: App) {
    let world = World::new(app, false).await;
    world.load_logistics().await;
    let admin = world.actor(Who::Admin);
    let outside =
        world.app.chain_indicators_record(&admin, &RecordInput { quarter: "2030Q1".into(), dry_run: false }).await;
    assert!(matches!(outside, Err(ref e) if e.is_input_problem()), "{outside:?}");
    let observer = world
        .app
        .chain_indicators_record(&world.actor(Who::Observer), &RecordInput { quarter: "2026Q1".into(), dry_run: true })
        .await;
    assert!(matches!(observer, Err(Error::Forbidden(_))));
}
