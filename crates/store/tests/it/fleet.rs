//! Fleet store stories: register, meters, stock under concurrency, imports, figures.

use accord_domain::OrganisationId;
use accord_domain::fleet::demo::{DemoConfig, DemoFleet};
use accord_domain::fleet::kpi::{DateRange, GroupBy, aggregate};
use accord_domain::fleet::machine::{Arrival, District, Machine, MachineStatus, SerialNumber, Vin};
use accord_domain::fleet::meter::MeterKind;
use accord_domain::fleet::parts::PartNumber;
use accord_domain::fleet::regime::CorrectionFactors;
use accord_domain::fleet::work_order::{Action, WorkOrder, WorkOrderKind};
use accord_domain::quarter::Quarter;
use accord_domain::{MachineId, WorkOrderId};
use accord_store::{Author, FleetBulk, FleetFile, NewMachine, NewReading, Store, StoreError, demo_bulk};
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
}
