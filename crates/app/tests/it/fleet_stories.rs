//! The fleet's rules at every door: a change made on a stale version of a machine (once last
//! write wins) is refused, a work order is signed off and closed in one transaction or not at
//! all, a file import is refused before the file is read, and an owner sees only its machines.

use crate::on_both_backends;
use crate::support::{Who, World};
use accord_app::fleet::{ImportKind, MachineChange, MachineQuery, WorkOrderStep};
use accord_app::{Actor, App, Error};
use accord_domain::fleet::work_order::WorkOrderStatus;
use accord_domain::validation::Reason;

on_both_backends!(
    a_stale_machine_edit_is_refused_and_writes_nothing,
    sign_off_and_close_happen_together_or_not_at_all,
    an_import_is_refused_before_the_file_is_read,
    an_owner_sees_only_its_machines,
);

fn invalid_field(result: Result<impl std::fmt::Debug, Error>) -> (&'static str, Reason) {
    match result {
        Err(Error::Invalid(invalid)) => (invalid.0[0].field, invalid.0[0].reason),
        other => panic!("expected invalid input, got {other:?}"),
    }
}

/// Two people open the same machine; the second save, made on the version both saw, is a 409
/// (it used to overwrite the first silently), and a change that names no version is refused.
async fn a_stale_machine_edit_is_refused_and_writes_nothing(app: App) {
    let world = World::new(app, false).await;
    let fleet = world.fleet_setup().await;
    let m = fleet.fresh_machine(&world).await;
    let (coordinator, technician) = (world.actor(Who::CoordinatorKhv), fleet.technician());
    let seen = Some(m.version.to_string());
    let first = MachineChange { district: Some("Бикин".into()), version: seen.clone(), ..Default::default() };
    let saved = world.app.machine_change(&coordinator, m.machine.id, &first).await.expect("first save");
    assert_eq!((saved.machine.district.0.as_str(), saved.version), ("Бикин", m.version + 1));

    let second = MachineChange { status: Some("in_repair".into()), version: seen, ..Default::default() };
    let stale = world.app.machine_change(&technician, m.machine.id, &second).await.expect_err("stale");
    assert!(matches!(stale, Error::Stale { entity: "machine", current } if current == m.version + 1), "{stale:?}");
    let unversioned = MachineChange { status: Some("in_repair".into()), ..Default::default() };
    let refused = world.app.machine_change(&technician, m.machine.id, &unversioned).await;
    assert_eq!(invalid_field(refused), ("version", Reason::Required));

    let now = world.app.fleet_machine_entry(&coordinator, m.machine.id).await.expect("machine");
    assert_eq!((now.machine.district.0.as_str(), now.version), ("Бикин", m.version + 1), "the first save stands");
    assert_eq!(now.machine.status, m.machine.status, "nothing of the stale save written");
    let history = world.store().audit_history("fleet_machine", &m.machine.id.to_string()).await.expect("audit");
    assert_eq!(history.iter().filter(|e| e.actor.as_deref() == Some("tech.sc")).count(), 0, "no audit entry");
}

/// The sign-off closes the order in the same transaction: a refused sign-off leaves the order
/// done and unsigned, a good one leaves it closed, signed and marked on its machine's history,
/// with no moment in between (before, the page signed off and closed in two transactions).
async fn sign_off_and_close_happen_together_or_not_at_all(app: App) {
    let world = World::new(app, false).await;
    let fleet = world.fleet_setup().await;
    let technician = fleet.technician();
    let order = fleet.fresh_order(&world).await;
    let (id, machine) = (order.order.id, order.order.machine);
    let step = |action: &str, version: i64| WorkOrderStep {
        action: action.into(),
        version: Some(version.to_string()),
        ..Default::default()
    };
    let started = world.app.work_order_act(&technician, id, &step("start", order.version)).await.expect("start");
    let done = world.app.work_order_act(&technician, id, &step("finish", started.version)).await.expect("finish");
    assert_eq!(done.order.status, WorkOrderStatus::Done);
    let failures = |h: &accord_store::FleetHistories| h.by_machine.get(&machine).map_or(0, |h| h.failures.len());
    let before = failures(&world.store().fleet_histories().await.expect("histories"));
    let sign_off = |by: &str, version: i64| WorkOrderStep {
        by: Some(by.into()),
        close: Some("1".into()),
        ..step("sign_off", version)
    };

    // On a version changed since (the finish came after the page was read): nothing at all.
    let stale = world.app.work_order_act(&technician, id, &sign_off("Иванов И. И.", started.version)).await;
    assert!(matches!(stale, Err(Error::Stale { entity: "work order", .. })), "{stale:?}");
    // Without the customer's name: nothing at all either.
    let unnamed = world.app.work_order_act(&technician, id, &sign_off(" ", done.version)).await;
    assert_eq!(invalid_field(unnamed), ("by", Reason::Required));
    let unchanged = world.store().fleet_work_order(id).await.expect("order");
    assert_eq!((unchanged.order.status, unchanged.order.sign_off.is_none()), (WorkOrderStatus::Done, true));
    assert_eq!(unchanged.version, done.version, "not signed off without being closed");

    let closed =
        world.app.work_order_act(&technician, id, &sign_off("Иванов И. И.", done.version)).await.expect("sign");
    assert_eq!(closed.order.status, WorkOrderStatus::Closed);
    assert_eq!(closed.order.sign_off.as_ref().map(|s| s.by.as_str()), Some("Иванов И. И."));
    assert_eq!(closed.version, done.version + 2, "the sign-off and the close, one after the other");
    let stored = world.store().fleet_work_order(id).await.expect("order");
    assert_eq!((stored.order.status, stored.version), (WorkOrderStatus::Closed, closed.version));
    assert_eq!(failures(&world.store().fleet_histories().await.expect("histories")), before + 1, "the repair noted");
    assert!(world.store().fleet_cache_matches_db().await.expect("compare"), "the cache follows the write");
    // Closing alone is refused for any other step, so a close never happens without a sign-off.
    let bad = WorkOrderStep { close: Some("true".into()), ..step("start", closed.version) };
    assert_eq!(invalid_field(world.app.work_order_act(&technician, id, &bad).await), ("close", Reason::UnknownValue));
}

/// An observer's (or an owner's) upload is refused before the file is read: bytes that are no
/// file at all give them "forbidden", while the same bytes from the service centre are read and
/// refused as a file. Nothing is written either way.
async fn an_import_is_refused_before_the_file_is_read(app: App) {
    let world = World::new(app, false).await;
    let fleet = world.fleet_setup().await;
    let garbage = b"\xff\xfe\x00PK\x03\x04 not a spreadsheet nor a CSV".to_vec();
    let head = world.store().audit_list(&Default::default(), accord_store::Paging::new(Some(1), Some(1))).await;
    let head = head.expect("audit").total;
    for who in [Who::Observer, Who::ExecutorOfRecord, Who::ExecutorOther] {
        let result = world.app.fleet_import(&world.actor(who), ImportKind::Meters, "x.csv", &garbage, false).await;
        assert!(matches!(result, Err(Error::Forbidden(_))), "{who:?}: {result:?}");
        assert!(matches!(world.app.fleet_import_check(&world.actor(who)).await, Err(Error::Forbidden(_))));
    }
    let read = world.app.fleet_import(&fleet.technician(), ImportKind::Meters, "x.csv", &garbage, false).await;
    assert!(matches!(read, Err(Error::InvalidFile(ref problems)) if !problems.is_empty()), "{read:?}");
    let after = world.store().audit_list(&Default::default(), accord_store::Paging::new(Some(1), Some(1))).await;
    assert_eq!(after.expect("audit").total, head, "nothing written");

    // The same file twice: stored once.
    let m = fleet.fresh_machine(&world).await;
    let vin = m.machine.vin.as_ref().map(ToString::to_string).expect("vin");
    let file = format!("machine;meter;date;value\n{vin};engine_hours;{};5200\n", fleet.today);
    let technician = fleet.technician();
    let import = |dry_run| world.app.fleet_import(&technician, ImportKind::Meters, "m.csv", file.as_bytes(), dry_run);
    let dry = import(true).await.expect("dry run").outcome.expect("outcome");
    assert_eq!((dry.unchanged, dry.inserted), (false, 1));
    assert_eq!(world.store().fleet_readings(m.machine.id, 10).await.expect("readings").len(), 1, "dry: nothing");
    assert_eq!(import(false).await.expect("import").outcome.map(|o| o.inserted), Some(1));
    assert!(import(false).await.expect("again").outcome.is_some_and(|o| o.unchanged));
    assert_eq!(world.store().fleet_readings(m.machine.id, 10).await.expect("readings").len(), 2);
}

/// An owner's executor sees its own machines (page, due list, figures, orders) and no other
/// owner's: another's machine is not found; the parts store is not theirs to read.
async fn an_owner_sees_only_its_machines(app: App) {
    let world = World::new(app, false).await;
    let fleet = world.fleet_setup().await;
    let m = fleet.fresh_machine(&world).await;
    let (maz, belaz) = (world.actor(Who::ExecutorOfRecord), world.actor(Who::ExecutorOther));
    let query = MachineQuery::default();
    let all = world.app.fleet_machines(&Actor::operator(), &query).await.expect("machines").total;
    assert_eq!(world.app.fleet_machines(&maz, &query).await.expect("machines").total, all, "MAZ owns them all");
    assert_eq!(world.app.fleet_machines(&belaz, &query).await.expect("machines").total, 0);
    assert!(world.app.fleet_machine(&maz, m.machine.id).await.is_ok());
    let hidden = world.app.fleet_machine(&belaz, m.machine.id).await;
    assert!(matches!(hidden, Err(Error::NotFound { entity: "machine" })), "{hidden:?}");
    assert!(matches!(world.app.fleet_readings(&belaz, m.machine.id, 5).await, Err(Error::NotFound { .. })));
    assert!(!world.app.fleet_due(&maz).await.expect("due").1.is_empty());
    assert!(world.app.fleet_due(&belaz).await.expect("due").1.is_empty());
    let order = fleet.fresh_order(&world).await;
    assert!(world.app.fleet_work_order(&maz, order.order.id).await.is_ok());
    assert!(matches!(world.app.fleet_work_order(&belaz, order.order.id).await, Err(Error::NotFound { .. })));
    for who in [Who::ExecutorOfRecord, Who::ExecutorOther] {
        assert!(matches!(world.app.fleet_stock(&world.actor(who)).await, Err(Error::Forbidden(_))), "{who:?}");
    }
    for actor in [world.actor(Who::Observer), world.actor(Who::CoordinatorBy), fleet.technician()] {
        assert!(world.app.fleet_stock(&actor).await.is_ok());
        assert!(world.app.fleet_machine(&actor, m.machine.id).await.is_ok());
    }
}
