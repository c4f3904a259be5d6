//! Fleet store stories: register, meters, stock under concurrency, imports, figures.

use accord_demo::fleet::demo_bulk;
use accord_demo::fleet::{DemoConfig, DemoFleet};
use accord_domain::OrganisationId;
use accord_domain::fleet::kpi::{DateRange, GroupBy, aggregate};
use accord_domain::fleet::machine::{Arrival, District, Machine, MachineStatus, SerialNumber, Vin};
use accord_domain::fleet::meter::MeterKind;
use accord_domain::fleet::parts::PartNumber;
use accord_domain::fleet::regime::CorrectionFactors;
use accord_domain::fleet::work_order::{Action, WorkOrder, WorkOrderKind};
use accord_domain::quarter::Quarter;
use accord_domain::{MachineId, WorkOrderId};
use accord_store::{Author, FleetBulk, FleetFile, NewMachine, NewReading, Store, StoreError};
use chrono::NaiveDate;

const ADMIN: Author<'static> = Author { login: Some("admin") };

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("date")
}

fn small_demo() -> DemoFleet {
    DemoFleet::generate(DemoConfig { machines: 12, owners: 3, parts: 30, ..DemoConfig::standard() })
}

/// Loads a small demo fleet, owners as generated.
async fn load_small(store: &Store) -> DemoFleet {
    let fleet = small_demo();
    let (parts, machines) = demo_bulk(&fleet, |o| o, |s| s);
    let bulk = FleetBulk { models: &fleet.catalog.models, regimes: &fleet.catalog.regimes, machines, parts: &parts };
    let outcome = store.fleet_bulk_load(Author::SYSTEM, &bulk).await.expect("bulk load");
    assert_eq!(outcome.machines, 12);
    assert!(outcome.readings > 1000, "{outcome:?}");
    fleet
}

fn new_machine(fleet: &DemoFleet, vin: &str, serial: &str) -> NewMachine {
    let model = &fleet.catalog.models[0];
    NewMachine {
        machine: Machine {
            id: MachineId(uuid::Uuid::now_v7()),
            model: model.id,
            brand: model.brand.clone(),
            modification: None,
            engine: None,
            vin: Some(Vin::parse(vin).expect("vin")),
            serial: Some(SerialNumber::parse(serial).expect("serial")),
            year: 2024,
            owner: OrganisationId(uuid::Uuid::now_v7()),
            district: District("Хабаровск".into()),
            status: MachineStatus::InService,
            arrival: Arrival::ImportedComplete,
            commissioned_on: Some(day(2024, 3, 1)),
            factors: CorrectionFactors::NEUTRAL,
        },
        meters: vec![(MeterKind::Odometer, 0), (MeterKind::EngineHours, 0)],
        decommissioned_on: None,
    }
}

fn refused_key(e: StoreError) -> (&'static str, &'static str, String) {
    match e {
        StoreError::Refused { key, field, value, .. } => (key, field, value),
        other => panic!("expected a refusal, got {other:?}"),
    }
}

pub async fn fleet_register_and_meters_refuse_bad_input(store: Store) {
    let fleet = load_small(&store).await;
    let today = day(2025, 1, 10);
    let first = new_machine(&fleet, "Y3M544000R0000001", "SN-1");
    let outcome = store.fleet_register(ADMIN, std::slice::from_ref(&first), None, today).await.expect("register");
    assert_eq!(outcome.inserted, 1);
    let before = store.fleet_snapshot().await.expect("snapshot").machines.len();
    // Same VIN on another machine: refused naming the field and the value, nothing written.
    let second = new_machine(&fleet, "Y3M544000R0000001", "SN-2");
    let third = new_machine(&fleet, "Y3M544000R0000003", "SN-3");
    let err = store.fleet_register(ADMIN, &[third, second], None, today).await.expect_err("taken VIN");
    let (key, field, value) = refused_key(err);
    assert_eq!((key, field, value.as_str()), ("fleet.error.vin_taken", "vin", "Y3M544000R0000001"));
    assert_eq!(store.fleet_snapshot().await.expect("snapshot").machines.len(), before, "nothing half-written");

    let id = first.machine.id;
    let reading = |d: NaiveDate, value: i64| NewReading { machine: id, kind: MeterKind::Odometer, date: d, value };
    store.fleet_readings_add(ADMIN, &[reading(day(2024, 6, 1), 10_000)], None).await.expect("first reading");
    let err = store
        .fleet_readings_add(ADMIN, &[reading(day(2024, 6, 5), 12_000), reading(day(2024, 7, 1), 9_000)], None)
        .await
        .expect_err("backwards");
    let (key, field, value) = refused_key(err);
    assert_eq!((key, field, value.as_str()), ("fleet.error.meter_backwards", "value", "9000"));
    assert_eq!(store.fleet_readings(id, 100).await.expect("readings").len(), 1, "all or nothing");
    let now = store.fleet_snapshot().await.expect("snapshot").meters[&id].get(MeterKind::Odometer).expect("state");
    assert_eq!(now.value, 10_000);

    // A replaced meter starts a new series: a low reading is accepted and continues the sum.
    store.fleet_meter_replace(ADMIN, id, MeterKind::Odometer, day(2024, 7, 1), Some(10_500), 0).await.expect("replace");
    store.fleet_readings_add(ADMIN, &[reading(day(2024, 8, 1), 400)], None).await.expect("after replacement");
    let rows = store.fleet_readings(id, 10).await.expect("readings");
    assert_eq!((rows[0].value, rows[0].cumulative), (400, 10_900));
    // Voided readings stay, flagged.
    store.fleet_reading_void(ADMIN, rows[0].id, accord_domain::fleet::meter::VoidReason::Mistyped).await.expect("void");
    assert!(store.fleet_readings(id, 10).await.expect("readings")[0].voided.is_some());
    assert_cache_fresh(&store, "the story").await;
}

pub async fn fleet_stock_never_negative_under_two_concurrent_issues(store: Store) {
    let fleet = load_small(&store).await;
    let machine = fleet.machines[0].machine.id;
    let at = day(2025, 1, 9).and_hms_opt(9, 0, 0).expect("time");
    let orders: Vec<WorkOrder> = (0..2)
        .map(|_| {
            WorkOrder::new(WorkOrderId(uuid::Uuid::now_v7()), machine, WorkOrderKind::Repair, at, Default::default())
        })
        .collect();
    store.fleet_work_orders_create(ADMIN, &orders, None).await.expect("orders");
    let warehouse = store.fleet_warehouse(ADMIN, "Центральный склад").await.expect("warehouse");
    let part: PartNumber = fleet.catalog.parts[3].number.clone();
    store.fleet_stock_receive(ADMIN, warehouse, "A-01", &part, 1, day(2025, 1, 2)).await.expect("receive");
    let (a, b) = (store.clone(), store.clone());
    let (pa, pb) = (part.clone(), part.clone());
    let (oa, ob) = (orders[0].id, orders[1].id);
    let ta =
        tokio::spawn(async move { a.fleet_issue_part(ADMIN, oa, warehouse, "A-01", &pa, 1, day(2025, 1, 9)).await });
    let tb =
        tokio::spawn(async move { b.fleet_issue_part(ADMIN, ob, warehouse, "A-01", &pb, 1, day(2025, 1, 9)).await });
    let results = [ta.await.expect("task a"), tb.await.expect("task b")];
    assert_eq!(results.iter().filter(|r| r.is_ok()).count(), 1, "exactly one issue of the last part succeeds");
    let err = results.into_iter().find_map(Result::err).expect("one refusal");
    assert_eq!(refused_key(err).0, "fleet.error.stock_short");
    let stock = store.fleet_stock().await.expect("stock");
    assert_eq!(stock.iter().find(|s| s.part == part.as_str()).map(|s| s.qty), Some(0));
    let movements = store.fleet_movements(Some(part.as_str()), 10).await.expect("movements");
    assert_eq!(movements.iter().map(|m| m.delta).collect::<Vec<_>>(), vec![-1, 1]);
}

pub async fn fleet_imports_are_idempotent_and_all_or_nothing(store: Store) {
    let fleet = load_small(&store).await;
    let file =
        FleetFile { what: "fleet", file_name: "park.csv".into(), sha256: "abc".into(), rows_read: 1, dry_run: true };
    let today = day(2025, 1, 10);
    let m = new_machine(&fleet, "Y3M544000R0000009", "SN-9");
    let machines = store.fleet_snapshot().await.expect("snapshot").machines.len();
    let dry = store.fleet_register(ADMIN, std::slice::from_ref(&m), Some(&file), today).await.expect("dry run");
    assert_eq!(dry.inserted, 1, "a dry run reports what it would write");
    assert_eq!(store.fleet_snapshot().await.expect("snapshot").machines.len(), machines, "and writes nothing");
    let file = FleetFile { dry_run: false, ..file };
    let first = store.fleet_register(ADMIN, std::slice::from_ref(&m), Some(&file), today).await.expect("import");
    assert!(!first.unchanged);
    let again = store.fleet_register(ADMIN, std::slice::from_ref(&m), Some(&file), today).await.expect("again");
    assert!(again.unchanged);
    // A work order ending before it starts: refused, and no order of the batch is stored.
    let at = day(2025, 1, 9).and_hms_opt(9, 0, 0).expect("time");
    let good =
        WorkOrder::new(WorkOrderId(uuid::Uuid::now_v7()), m.machine.id, WorkOrderKind::Repair, at, Default::default());
    let mut bad = good.clone();
    bad.id = WorkOrderId(uuid::Uuid::now_v7());
    bad.started_at = Some(at);
    bad.finished_at = Some(day(2025, 1, 1).and_hms_opt(9, 0, 0).expect("time"));
    let err = store.fleet_work_orders_create(ADMIN, &[good, bad], None).await.expect_err("ends before start");
    assert!(refused_key(err).0.starts_with("fleet.error."));
    let filter = accord_store::WorkOrderFilter { machine: Some(m.machine.id), ..Default::default() };
    assert_eq!(store.fleet_work_orders(&filter, accord_store::Paging::default()).await.expect("list").total, 0);
    assert_cache_fresh(&store, "the story").await;
}

pub async fn fleet_figures_match_the_domain(store: Store) {
    let fleet = load_small(&store).await;
    let today = fleet.config.today();
    let range = DateRange::new(day(2024, 1, 1), day(2025, 1, 1)).expect("range");
    let table = store.fleet_kpi(range, GroupBy::Model, |_| true).await.expect("kpi");
    let histories: Vec<_> = fleet.machines.iter().map(|m| m.history()).collect();
    let expected = aggregate(&histories, range, GroupBy::Model);
    assert_eq!(table.rows.len(), expected.len());
    for (got, want) in table.rows.iter().zip(&expected) {
        assert_eq!(got.key, want.key);
        assert_eq!(got.sums.days_ready, want.sums.days_ready);
        assert_eq!(got.kpi.ktg, want.kpi.ktg);
    }
    // The due list computed from the stored rows is the domain's own.
    let snap = store.fleet_snapshot().await.expect("snapshot");
    let due = snap.due_list(today, |_| true);
    let nows: Vec<_> = fleet.machines.iter().map(|m| m.meter_now(today, accord_store::USAGE_WINDOW_DAYS)).collect();
    let inputs: Vec<_> = fleet
        .machines
        .iter()
        .zip(&nows)
        .filter(|(m, _)| m.off_books.is_none())
        .filter_map(|(m, now)| m.due_input(&fleet.catalog.regimes, *now))
        .collect();
    let want = accord_domain::fleet::regime::due_list(&inputs, today);
    assert_eq!(
        due.iter().map(|d| (d.machine, d.kind)).collect::<Vec<_>>(),
        want.iter().map(|d| (d.machine, d.kind)).collect::<Vec<_>>()
    );
    assert!(due.first().is_some_and(|d| d.overdue) || due.iter().all(|d| !d.overdue));

    // One-click preventive orders for the first two machines of the due list.
    let chosen: Vec<MachineId> = due.iter().take(2).map(|d| d.machine).collect();
    let numbers = store
        .fleet_create_preventive(ADMIN, &chosen, today, today.and_hms_opt(8, 0, 0).expect("time"))
        .await
        .expect("preventive");
    assert_eq!(numbers.len(), chosen.len());
    let figures = store.fleet_quarter_figures(Quarter::new(2024, 4).expect("quarter")).await.expect("quarter");
    let q4 = DateRange::inclusive(day(2024, 10, 1), day(2024, 12, 31)).expect("range");
    let fleet_q4 = aggregate(&histories, q4, GroupBy::Fleet);
    assert_eq!(figures.ktg, fleet_q4[0].kpi.ktg);
    assert_eq!(figures.mtbf, fleet_q4[0].kpi.mtbf);

    // Closing an order moves it through the status machine and is audited.
    let open = store
        .fleet_work_orders(
            &accord_store::WorkOrderFilter { open_only: true, ..Default::default() },
            accord_store::Paging::default(),
        )
        .await
        .expect("open");
    let id = open.items[0].id;
    let at = today.and_hms_opt(10, 0, 0).expect("time");
    store.fleet_work_order_apply(ADMIN, id, Action::Start, at).await.expect("start");
    store.fleet_work_order_apply(ADMIN, id, Action::Finish, at).await.expect("finish");
    store.fleet_work_order_apply(ADMIN, id, Action::SignOff { by: "Иванов".into() }, at).await.expect("sign");
    let closed = store.fleet_work_order_apply(ADMIN, id, Action::Close, at).await.expect("close");
    assert_eq!(closed.order.status, accord_domain::fleet::work_order::WorkOrderStatus::Closed);
    let err = store.fleet_work_order_apply(ADMIN, id, Action::Start, at).await.expect_err("closed is final");
    assert!(refused_key(err).0.starts_with("fleet.error."));
    assert_cache_fresh(&store, "the story").await;
}

/// A preventive order from the due list reserves its service's parts; reserved stock is kept
/// from other orders (two concurrent issues of the last free part: one succeeds), released on
/// issue and on close. A shipment in transit counts in the suggested order list until it is
/// received, once, as a receipt.
pub async fn fleet_preventive_orders_reserve_parts_and_shipments_arrive(store: Store) {
    let fleet = load_small(&store).await;
    let today = fleet.config.today();
    let snap = store.fleet_snapshot().await.expect("snapshot");
    let due = snap.due_list(today, |_| true);
    let (service, needs) = due
        .iter()
        .find_map(|d| {
            let m = snap.machine(d.machine)?;
            let content = snap.regime_of(&m.machine)?.content(d.kind)?;
            (!content.parts.is_empty()).then(|| (*d, content.parts.clone()))
        })
        .expect("a due service that needs parts");
    let machine = service.machine;
    let warehouse = store.fleet_warehouse(ADMIN, "Центральный склад").await.expect("warehouse");
    // Exactly what the service needs of each part, and one more of the first part.
    let mut lines: Vec<(String, PartNumber, u32)> =
        needs.iter().map(|n| ("A-01".to_string(), n.part.clone(), n.qty)).collect();
    lines.push(("A-01".into(), needs[0].part.clone(), 1));
    store.fleet_stock_receive_many(ADMIN, warehouse, &lines, today).await.expect("receive");
    let at = today.and_hms_opt(8, 0, 0).expect("time");
    let numbers = store.fleet_create_preventive(ADMIN, &[machine], today, at).await.expect("preventive");
    assert_eq!(numbers.len(), 1);
    let open = store
        .fleet_work_orders(
            &accord_store::WorkOrderFilter { machine: Some(machine), open_only: true, owners: None },
            accord_store::Paging { page: 1, per_page: 50 },
        )
        .await
        .expect("orders");
    let preventive = open.items.iter().find(|o| o.number == numbers[0]).expect("the new order").id;
    let held = store.fleet_reservations(Some(preventive)).await.expect("reservations");
    let held_of = |part: &PartNumber| held.iter().filter(|r| r.part == part.as_str()).map(|r| r.qty).sum::<i64>();
    for n in &needs {
        assert_eq!(held_of(&n.part), i64::from(n.qty), "{} reserved", n.part);
    }
    let first = needs[0].part.clone();
    let stock_of = |rows: &[accord_store::StockRow], part: &PartNumber| {
        rows.iter().find(|s| s.part == part.as_str()).map(|s| (s.qty, s.reserved)).expect("stock row")
    };
    let need = i64::from(needs[0].qty);
    assert_eq!(stock_of(&store.fleet_stock().await.expect("stock"), &first), (need + 1, need));

    // Two repair orders reach for the one free unit at once: exactly one gets it.
    let repairs: Vec<WorkOrder> = (0..2)
        .map(|_| {
            WorkOrder::new(WorkOrderId(uuid::Uuid::now_v7()), machine, WorkOrderKind::Repair, at, Default::default())
        })
        .collect();
    store.fleet_work_orders_create(ADMIN, &repairs, None).await.expect("repairs");
    let (a, b) = (store.clone(), store.clone());
    let (pa, pb) = (first.clone(), first.clone());
    let (oa, ob) = (repairs[0].id, repairs[1].id);
    let ta = tokio::spawn(async move { a.fleet_issue_part(ADMIN, oa, warehouse, "A-01", &pa, 1, today).await });
    let tb = tokio::spawn(async move { b.fleet_issue_part(ADMIN, ob, warehouse, "A-01", &pb, 1, today).await });
    let results = [ta.await.expect("task a"), tb.await.expect("task b")];
    assert_eq!(results.iter().filter(|r| r.is_ok()).count(), 1, "one issue of the last free unit succeeds");
    let err = results.into_iter().find_map(Result::err).expect("one refusal");
    assert_eq!(refused_key(err).0, "fleet.error.stock_short", "the reserved units are not for another order");
    assert_eq!(stock_of(&store.fleet_stock().await.expect("stock"), &first), (need, need));

    // The preventive order takes one of its own: the reservation shrinks with the issue.
    store.fleet_issue_part(ADMIN, preventive, warehouse, "A-01", &first, 1, today).await.expect("own issue");
    assert_eq!(stock_of(&store.fleet_stock().await.expect("stock"), &first), (need - 1, need - 1));
    // Closing the order gives back what it did not take.
    for action in [Action::Start, Action::Finish, Action::SignOff { by: "Петров".into() }, Action::Close] {
        store.fleet_work_order_apply(ADMIN, preventive, action, at).await.expect("move on");
    }
    assert!(store.fleet_reservations(Some(preventive)).await.expect("reservations").is_empty());
    assert!(store.fleet_stock().await.expect("stock").iter().all(|s| s.reserved == 0), "nothing held any more");

    // A shipment in transit: refused with dates reversed; counted until received, once.
    let before = store.fleet_suggested_orders(today).await.expect("suggested");
    let line = before.iter().flat_map(|o| o.lines.iter()).next().expect("a suggested line").clone();
    let shipment = |expected_on: NaiveDate| accord_store::NewShipment {
        supplier: None,
        reference: "СМГС 123456".into(),
        warehouse,
        bin: "B-02".into(),
        part: line.part.clone(),
        qty: 1000,
        shipped_on: today,
        expected_on,
    };
    let err = store.fleet_shipment_add(ADMIN, &shipment(day(2020, 1, 1))).await.expect_err("reversed dates");
    assert_eq!(refused_key(err).1, "expected_on");
    let id = store.fleet_shipment_add(ADMIN, &shipment(today + chrono::Days::new(21))).await.expect("shipment");
    let after = store.fleet_suggested_orders(today).await.expect("suggested");
    let now = after.iter().flat_map(|o| o.lines.iter()).find(|l| l.part == line.part);
    assert!(now.is_none_or(|l| l.position == line.position + 1000), "in transit counts: {now:?}");
    let row =
        store.fleet_stock().await.expect("stock").into_iter().find(|s| s.part == line.part.as_str() && s.bin == "B-02");
    assert_eq!(row.map(|r| (r.qty, r.in_transit)), Some((0, 1000)));
    assert!(store.fleet_shipments(10).await.expect("shipments")[0].received_on.is_none());
    store.fleet_shipment_receive(ADMIN, id, today).await.expect("receive");
    let row =
        store.fleet_stock().await.expect("stock").into_iter().find(|s| s.part == line.part.as_str() && s.bin == "B-02");
    assert_eq!(row.map(|r| (r.qty, r.in_transit)), Some((1000, 0)));
    let err = store.fleet_shipment_receive(ADMIN, id, today).await.expect_err("twice");
    assert_eq!(refused_key(err).0, "fleet.error.shipment_received");
    let movements = store.fleet_movements(Some(line.part.as_str()), 5).await.expect("movements");
    assert_eq!((movements[0].delta, movements[0].kind.as_str()), (1000, "receipt"));
    assert_cache_fresh(&store, "the story").await;
}

pub async fn fleet_regime_revisions_are_audited_and_stay_with_their_model(store: Store) {
    use accord_domain::fleet::regime::{Interval, Regime};
    let fleet = load_small(&store).await;
    let regime = fleet.catalog.regimes[0].clone();
    // Half the base interval: stored, read back, and audited with before and after.
    let base = Interval {
        meters: regime.base().meters.map(|m| m.map(|v| (v / 2).max(1))),
        days: regime.base().days.map(|d| (d / 2).max(1)),
    };
    let revised = regime.revised(base, &regime.cycle_services(), regime.seasonal().to_vec()).expect("valid");
    store.fleet_regime_update(ADMIN, &revised, 1).await.expect("update");
    let snap = store.fleet_snapshot().await.expect("snapshot");
    let stored = snap.regimes.iter().find(|r| r.id() == regime.id()).expect("stored");
    assert_eq!(stored, &revised);
    assert_ne!(stored.base(), regime.base());
    let history = store.audit_history("fleet_regime", &regime.id().to_string()).await.expect("history");
    assert!(history.iter().any(|e| e.actor.as_deref() == Some("admin")), "the update is audited: {history:?}");
    assert_eq!(snap.regime(regime.id()).map(|(_, v)| v), Some(2), "the revision is version 2");
    // A save made on version 1 (someone else's edit came first) is stale and writes nothing.
    let stale = store.fleet_regime_update(ADMIN, &regime, 1).await.expect_err("stale");
    assert!(matches!(stale, StoreError::Conflict { entity: "regime", current: 2 }), "{stale:?}");

    // A regime moved to another model is refused; one that does not exist is not found.
    let other_model = fleet.catalog.models.iter().find(|m| m.id != regime.model()).expect("another model").id;
    let moved = Regime::new(
        regime.id(),
        other_model,
        regime.engine().cloned(),
        regime.base(),
        regime.cycle().to_vec(),
        regime.seasonal().to_vec(),
        vec![],
    )
    .expect("valid");
    let (key, field, _) = refused_key(store.fleet_regime_update(ADMIN, &moved, 2).await.expect_err("moved"));
    assert_eq!((key, field), ("fleet.error.regime_model_changed", "model"));
    let ghost = Regime::new(
        accord_domain::RegimeId(uuid::Uuid::now_v7()),
        regime.model(),
        regime.engine().cloned(),
        regime.base(),
        regime.cycle().to_vec(),
        vec![],
        vec![],
    )
    .expect("valid");
    assert!(matches!(store.fleet_regime_update(ADMIN, &ghost, 1).await, Err(StoreError::NotFound { .. })));
    let snap = store.fleet_snapshot().await.expect("snapshot");
    assert_eq!(snap.regimes.iter().find(|r| r.id() == regime.id()), Some(&revised), "nothing changed by refusals");
}

/// Asserts that the cached fleet equals a fresh read of the database.
async fn assert_cache_fresh(store: &Store, after: &str) {
    assert!(
        store.fleet_cache_matches_db().await.expect("compare"),
        "cached fleet differs from the database after {after}"
    );
}

/// After a write the cached fleet re-reads only the machines the write touched: a write
/// outside the fleet keeps the very same snapshot, and after every kind of fleet write, here
/// or in another process, the refreshed copy equals a fresh read of everything.
pub async fn fleet_cache_follows_writes_here_and_elsewhere(store: Store) {
    let fleet = load_small(&store).await;
    let today = fleet.config.today();
    let (snapshot, histories) =
        (store.fleet_snapshot().await.expect("snapshot"), store.fleet_histories().await.expect("histories"));
    store.organisation_create(ADMIN, &super::org("AMKODOR", "BY", "Амкодор")).await.expect("organisation");
    assert!(std::sync::Arc::ptr_eq(&snapshot, &store.fleet_snapshot().await.expect("snapshot")), "not read again");
    assert!(std::sync::Arc::ptr_eq(&histories, &store.fleet_histories().await.expect("histories")));

    // A preventive order opened and closed: open orders, then the due state and history.
    let machine = snapshot.due_list(today, |_| true)[0].machine;
    let numbers = store
        .fleet_create_preventive(ADMIN, &[machine], today, today.and_hms_opt(8, 0, 0).expect("time"))
        .await
        .expect("preventive");
    assert_eq!(numbers.len(), 1);
    assert_eq!(store.fleet_snapshot().await.expect("snapshot").open_orders.get(&machine), Some(&1));
    assert_cache_fresh(&store, "opening an order").await;
    let filter = accord_store::WorkOrderFilter { machine: Some(machine), open_only: true, ..Default::default() };
    let id = store.fleet_work_orders(&filter, accord_store::Paging::default()).await.expect("open").items[0].id;
    let at = today.and_hms_opt(10, 0, 0).expect("time");
    for action in [Action::Start, Action::Finish, Action::SignOff { by: "Иванов".into() }, Action::Close] {
        store.fleet_work_order_apply(ADMIN, id, action, at).await.expect("order step");
        assert_cache_fresh(&store, "an order step").await;
    }
    let services = |h: &accord_store::FleetHistories| h.by_machine[&machine].services.len();
    assert_eq!(services(&store.fleet_histories().await.expect("histories")), services(&histories) + 1);
    assert_eq!(store.fleet_snapshot().await.expect("snapshot").open_orders.get(&machine), None);

    // Readings, a void, a meter replacement, a new machine, a status change, a regime edit.
    let with_meter =
        |kind: MeterKind, not: MachineId| {
            fleet.machines.iter().map(|m| m.machine.id).find(|id| {
                *id != machine && *id != not && snapshot.meters.get(id).and_then(|now| now.get(kind)).is_some()
            })
        };
    let other = with_meter(MeterKind::Odometer, machine).expect("a machine with an odometer");
    let last = snapshot.meters[&other].get(MeterKind::Odometer).expect("odometer");
    let reading = NewReading { machine: other, kind: MeterKind::Odometer, date: today, value: last.value + 120 };
    store.fleet_readings_add(ADMIN, &[reading], None).await.expect("reading");
    assert_eq!(
        store.fleet_snapshot().await.expect("snapshot").meters[&other].get(MeterKind::Odometer).expect("now").value,
        last.value + 120
    );
    assert_cache_fresh(&store, "a reading").await;
    let latest = store.fleet_readings(other, 1).await.expect("readings")[0].id;
    store.fleet_reading_void(ADMIN, latest, accord_domain::fleet::meter::VoidReason::Mistyped).await.expect("void");
    assert_cache_fresh(&store, "a void").await;
    store.fleet_meter_replace(ADMIN, other, MeterKind::Odometer, today, None, 0).await.expect("replace");
    assert_cache_fresh(&store, "a meter replacement").await;
    let new = new_machine(&fleet, "Y3M544000R0000077", "SN-77");
    store.fleet_register(ADMIN, std::slice::from_ref(&new), None, today).await.expect("register");
    let snap = store.fleet_snapshot().await.expect("snapshot");
    assert_eq!(snap.machines.len(), snapshot.machines.len() + 1);
    assert_eq!(snap.machine(new.machine.id).map(|m| m.machine.id), Some(new.machine.id), "indexed");
    assert_cache_fresh(&store, "registering a machine").await;
    let mut changed = new.machine.clone();
    changed.status = accord_domain::fleet::machine::MachineStatus::InRepair;
    let stored = store.fleet_machine_update(ADMIN, &changed, 1, today).await.expect("status");
    assert_eq!(stored.version, 2);
    let stale = store.fleet_machine_update(ADMIN, &changed, 1, today).await.expect_err("stale version");
    assert!(matches!(stale, StoreError::Conflict { current: 2, .. }), "{stale:?}");
    assert_cache_fresh(&store, "a status change").await;
    changed.status = accord_domain::fleet::machine::MachineStatus::Decommissioned;
    // Every change names the version it was made on (there is no last-write-wins any more).
    let stored = store.fleet_machine_update(ADMIN, &changed, 2, today).await.expect("decommissioned");
    assert_eq!(stored.off_books, Some(today), "taken off the books");
    assert_eq!(
        store.fleet_snapshot().await.expect("snapshot").machine(changed.id).and_then(|m| m.off_books),
        Some(today)
    );
    assert_cache_fresh(&store, "decommissioning").await;
    changed.status = accord_domain::fleet::machine::MachineStatus::InService;
    let stored = store.fleet_machine_update(ADMIN, &changed, 3, today).await.expect("back in service");
    assert_eq!(stored.off_books, None);
    assert_cache_fresh(&store, "a status change").await;
    let (regime, version) = snapshot.regime(snapshot.regimes[0].id()).expect("a regime");
    store.fleet_regime_update(ADMIN, regime, version).await.expect("regime");
    assert_cache_fresh(&store, "a regime edit").await;

    // Another process's reading shows once the head is looked at again.
    let elsewhere = store.testing_another_process();
    let third = with_meter(MeterKind::EngineHours, other).expect("a machine with an hour meter");
    let before =
        store.fleet_snapshot().await.expect("snapshot").meters[&third].get(MeterKind::EngineHours).expect("hours");
    let reading = NewReading { machine: third, kind: MeterKind::EngineHours, date: today, value: before.value + 8 };
    elsewhere.fleet_readings_add(ADMIN, &[reading], None).await.expect("reading elsewhere");
    tokio::time::sleep(accord_store::CACHE_RECHECK + std::time::Duration::from_millis(50)).await;
    let now =
        store.fleet_snapshot().await.expect("snapshot").meters[&third].get(MeterKind::EngineHours).expect("hours");
    assert_eq!(now.value, before.value + 8);
    assert_cache_fresh(&store, "a reading in another process").await;
}

/// Issue 16, F1: a range's engine hours and kilometres come from every reading, none thinned
/// away. One machine read daily from 1 January to 1 April 2025: 12 h and 300 km a day from 1 to
/// 15 January, 6 h and 150 km a day after. By hand, January (from the reading of 1 January to
/// that of 1 February): 15 × 12 + 16 × 6 = 276 h and 15 × 300 + 16 × 150 = 6,900 km; February:
/// 28 × 6 = 168 h and 28 × 150 = 4,200 km; 10 to 20 January: 6 × 12 + 5 × 6 = 102 h.
pub async fn fleet_range_figures_read_every_reading(store: Store) {
    let fleet = load_small(&store).await;
    let machine = new_machine(&fleet, "Y3M544000R0000009", "SN-F1");
    let id = machine.machine.id;
    store.fleet_register(ADMIN, &[machine], None, day(2025, 1, 1)).await.expect("register");
    let mut readings = Vec::new();
    let (mut hours, mut km) = (0, 0);
    for offset in 0..91 {
        let date = day(2025, 1, 1) + chrono::Days::new(offset);
        readings.push(NewReading { machine: id, kind: MeterKind::EngineHours, date, value: hours });
        readings.push(NewReading { machine: id, kind: MeterKind::Odometer, date, value: km });
        let (h, k) = if offset < 15 { (12, 300) } else { (6, 150) };
        hours += h;
        km += k;
    }
    store.fleet_readings_add(ADMIN, &readings, None).await.expect("readings");
    let figures = |first: NaiveDate, last: NaiveDate| {
        let store = store.clone();
        async move {
            let range = DateRange::inclusive(first, last).expect("range");
            let table = store.fleet_kpi(range, GroupBy::Machine, |m| m.id == id).await.expect("kpi");
            let row = table.rows.first().expect("the machine's row");
            (row.sums.engine_hours, row.sums.km)
        }
    };
    assert_eq!(figures(day(2025, 1, 1), day(2025, 1, 31)).await, (276, 6_900), "January");
    assert_eq!(figures(day(2025, 2, 1), day(2025, 2, 28)).await, (168, 4_200), "February");
    assert_eq!(figures(day(2025, 1, 10), day(2025, 1, 20)).await.0, 102, "10 to 20 January");
}
