//! Logistics' rows of the matrix, on the reference network. Every attempt acts on something made
//! fresh for it: a leg's distance not stored yet, a new depot with the leg that reaches it, a
//! second leg to a new depot, a new indicator of the joint measure.

use super::{A, F, Outcome, Row, outcome};
use crate::support::{Who, World, leg, node};
use accord_app::UseCase;
use accord_app::logistics::{LegSave, LinkInput, NetworkFormat, NodeSave, RecordInput, export};
use accord_domain::plan::indicator::IndicatorForm;
use accord_store::LogisticsKind;
use std::sync::atomic::{AtomicU32, Ordering};

/// Columns: admin, coordinator BY, coordinator KHV, executor of MAZ, executor of BelAZ, observer.
pub fn expected(use_case: UseCase) -> Row {
    match use_case {
        // The network and its chains are shared reference data: either coordinator, and an admin.
        UseCase::NetworkImport
        | UseCase::NetworkItemSave
        | UseCase::NetworkItemDelete
        | UseCase::ChainIndicatorLink
        | UseCase::ChainIndicatorUnlink
        | UseCase::ChainIndicatorsRecord => [A, A, A, F, F, F],
        other => panic!("{other:?} is not a logistics use case"),
    }
}

static NEXT: AtomicU32 = AtomicU32::new(1);

fn next() -> u32 {
    NEXT.fetch_add(1, Ordering::Relaxed)
}

/// A new depot reached from Khabarovsk, saved by an administrator.
pub async fn fresh_depot(world: &World, code: &str) {
    let save = NodeSave {
        previous: None,
        version: None,
        node: node(code),
        arriving: Some(leg("KHV", code, "rail-container", 1)),
    };
    world.app.network_node_save(&world.actor(Who::Admin), &save).await.expect("depot");
}

fn indicator_form(n: u32) -> IndicatorForm {
    IndicatorForm {
        name_ru: format!("Посредников в цепочке {n}"),
        unit: "ед.".into(),
        direction: "decrease".into(),
        accumulation: "cumulative".into(),
        value_kind: "quantity".into(),
        ..Default::default()
    }
}

fn link_input(indicator: &accord_domain::plan::Indicator) -> LinkInput {
    LinkInput {
        indicator: indicator.id.to_string(),
        chain: "pollock-today".into(),
        metric: "intermediaries".into(),
        currency: None,
    }
}

pub async fn attempt(world: &World, use_case: UseCase, who: Who) -> Outcome {
    let app = &world.app;
    let actor = world.actor(who);
    let admin = world.actor(Who::Admin);
    let n = next();
    match use_case {
        UseCase::NetworkImport => {
            let stored = export(world.store(), NetworkFormat::Json).await.expect("export");
            let mut doc: serde_json::Value = serde_json::from_slice(&stored).expect("json");
            doc["legs"][0]["distance_km"] = serde_json::Value::from(9000 + n);
            let bytes = doc.to_string().into_bytes();
            outcome(use_case, who, app.network_import(&actor, "network.json", &bytes, false).await)
        }
        UseCase::NetworkItemSave => {
            let code = format!("D{n}");
            let save = NodeSave {
                previous: None,
                version: None,
                node: node(&code),
                arriving: Some(leg("KHV", &code, "rail-container", 1)),
            };
            outcome(use_case, who, app.network_node_save(&actor, &save).await)
        }
        UseCase::NetworkItemDelete => {
            let code = format!("D{n}");
            fresh_depot(world, &code).await;
            let second = LegSave { previous: None, version: None, leg: leg("KHV", &code, "road", 2) };
            let version = app.network_leg_save(&admin, &second).await.expect("second leg");
            let label = second.leg.label();
            outcome(use_case, who, app.network_item_delete(&actor, LogisticsKind::Leg, &label, Some(version)).await)
        }
        UseCase::ChainIndicatorLink => {
            let indicator = app.indicator_create(&admin, world.joint.id, &indicator_form(n)).await.expect("indicator");
            outcome(use_case, who, app.chain_indicator_link(&actor, &link_input(&indicator)).await)
        }
        UseCase::ChainIndicatorUnlink => {
            let indicator = app.indicator_create(&admin, world.joint.id, &indicator_form(n)).await.expect("indicator");
            app.chain_indicator_link(&admin, &link_input(&indicator)).await.expect("linked");
            outcome(use_case, who, app.chain_indicator_unlink(&actor, &indicator.id.to_string()).await)
        }
        UseCase::ChainIndicatorsRecord => {
            let indicator = app.indicator_create(&admin, world.joint.id, &indicator_form(n)).await.expect("indicator");
            app.chain_indicator_link(&admin, &link_input(&indicator)).await.expect("linked");
            let input = RecordInput { quarter: "2026Q1".into(), dry_run: false };
            outcome(use_case, who, app.chain_indicators_record(&actor, &input).await)
        }
        other => panic!("{other:?} is not a logistics use case"),
    }
}
