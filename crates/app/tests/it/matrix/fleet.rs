//! The fleet's rows of the matrix. Every attempt acts on a fresh record: a machine owned by
//! MAZ (registered with an hour meter read far past its first service), an open repair order
//! on such a machine, a new shelf assembly, shipment or model with its regime.
//!
//! Columns for fleet records: admin; coordinator BY; coordinator KHV; an executor of the
//! machine's owner (MAZ: the owner's mechanic, who sees the machine but does not manage the
//! fleet); an executor of another organisation (BelAZ, who does not even see it); an observer.
//! The service centre's own technician is no column: `the_technician_does_every_fleet_use_case`
//! runs every fleet use case as that technician.

use super::{A, F, Outcome, Row};
use crate::support::{FleetWorld, Who, World};
use accord_app::fleet::{
    AssemblyInput, AssemblyMoveInput, ImportKind, MachineChange, PartIssueInput, PreventiveInput, ReadingInput,
    RegimeInput, ServiceContentInput, ShipmentInput, ShipmentReceipt, VoidInput, WarrantyInput, WorkLineInput,
    WorkOrderStep,
};
use accord_app::{Actor, UseCase};
use accord_domain::fleet::regime::{Operation, ServiceContent};
use accord_store::Author;

/// Columns: admin, coordinator BY, coordinator KHV, executor of MAZ (the owner), executor of
/// BelAZ, observer. Managing the fleet and editing work orders are the service centre's (its
/// executors), either side's coordinators' and an admin's; an owner only watches its machines.
pub fn expected(use_case: UseCase) -> Row {
    match use_case {
        // A meters file about a fresh machine: the service centre's staff, coordinators, admin.
        UseCase::FleetImport => [A, A, A, F, F, F],
        // The register entry (district) at its version.
        UseCase::MachineChange => [A, A, A, F, F, F],
        // A reading by hand; a void of the machine's reading.
        UseCase::ReadingAdd => [A, A, A, F, F, F],
        UseCase::ReadingVoid => [A, A, A, F, F, F],
        UseCase::WarrantyAdd => [A, A, A, F, F, F],
        // A new assembly fitted to the machine; a shelf assembly fitted to it.
        UseCase::AssemblyAdd => [A, A, A, F, F, F],
        UseCase::AssemblyMove => [A, A, A, F, F, F],
        // Work orders: the service centre's technicians, coordinators and an admin.
        UseCase::PreventiveOrdersCreate => [A, A, A, F, F, F],
        UseCase::WorkOrderAct => [A, A, A, F, F, F],
        UseCase::WorkOrderAddWork => [A, A, A, F, F, F],
        UseCase::PartIssue => [A, A, A, F, F, F],
        // Parts in transit: recorded and received by those who manage the fleet.
        UseCase::ShipmentAdd => [A, A, A, F, F, F],
        UseCase::ShipmentReceive => [A, A, A, F, F, F],
        // A model's regime: revised, one service's content, one service removed.
        UseCase::RegimeChange => [A, A, A, F, F, F],
        UseCase::RegimeContentChange => [A, A, A, F, F, F],
        UseCase::RegimeServiceRemove => [A, A, A, F, F, F],
        other => panic!("{other:?} is not a fleet use case"),
    }
}

pub async fn attempt(world: &World, use_case: UseCase, who: Who) -> Outcome {
    let fleet = world.fleet().await;
    attempt_as(world, &fleet, use_case, &world.actor(who), &format!("{who:?}")).await
}

/// Tries `use_case` as `actor` on fresh records; an allowed attempt is checked to have done
/// what it says (a scenario that writes nothing would make its row meaningless).
pub async fn attempt_as(world: &World, fleet: &FleetWorld, use_case: UseCase, actor: &Actor, who: &str) -> Outcome {
    let app = &world.app;
    let store = world.store();
    let today = fleet.today.to_string();
    let seen = |v: i64| Some(v.to_string());
    let judged = |result: Result<(), accord_app::Error>| match result {
        Ok(()) => A,
        Err(accord_app::Error::Forbidden(_)) => F,
        Err(other) => panic!("{use_case:?} as {who}: the scenario failed with {other:?}"),
    };
    match use_case {
        UseCase::FleetImport => {
            let m = fleet.fresh_machine(world).await;
            let vin = m.machine.vin.as_ref().map(ToString::to_string).expect("a VIN");
            let file = format!("machine;meter;date;value\n{vin};engine_hours;{today};6000\n");
            let result = app.fleet_import(actor, ImportKind::Meters, "meters.csv", file.as_bytes(), false).await;
            judged(result.map(|s| assert_eq!(s.outcome.map(|o| o.inserted), Some(1), "one reading stored")))
        }
        UseCase::MachineChange => {
            let m = fleet.fresh_machine(world).await;
            let change =
                MachineChange { district: Some("Бикин".into()), version: seen(m.version), ..Default::default() };
            let result = app.machine_change(actor, m.machine.id, &change).await;
            judged(result.map(|s| assert_eq!(s.machine.district.0, "Бикин")))
        }
        UseCase::ReadingAdd => {
            let m = fleet.fresh_machine(world).await;
            let input = ReadingInput {
                machine: m.machine.id.to_string(),
                meter: "engine_hours".into(),
                date: today,
                value: Some("5 100".into()),
            };
            judged(app.reading_add(actor, &input).await.map(|o| assert_eq!(o.inserted, 1)))
        }
        UseCase::ReadingVoid => {
            let m = fleet.fresh_machine(world).await;
            let reading = store.fleet_readings(m.machine.id, 1).await.expect("readings")[0].id;
            let input = VoidInput { reason: "mistyped".into(), note: None };
            judged(app.reading_void(actor, reading, Some(m.machine.id), &input).await.map(|_| ()))
        }
        UseCase::WarrantyAdd => {
            let m = fleet.fresh_machine(world).await;
            let input = WarrantyInput { from: today, until: Some("2100-01-01".into()), ..Default::default() };
            judged(app.warranty_add(actor, m.machine.id, &input).await.map(|_| ()))
        }
        UseCase::AssemblyAdd => {
            let m = fleet.fresh_machine(world).await;
            let input = AssemblyInput {
                kind: "engine".into(),
                serial: fleet.fresh_serial(),
                meter: "engine_hours".into(),
                usage_before: Some("100".into()),
                machine: Some(m.machine.id.to_string()),
                date: Some(today),
            };
            judged(app.assembly_add(actor, &input).await.map(|_| ()))
        }
        UseCase::AssemblyMove => {
            let m = fleet.fresh_machine(world).await;
            let shelf = AssemblyInput {
                kind: "gearbox".into(),
                serial: fleet.fresh_serial(),
                meter: "engine_hours".into(),
                ..Default::default()
            };
            let assembly = app.assembly_add(&Actor::operator(), &shelf).await.expect("on the shelf");
            let input = AssemblyMoveInput {
                machine: Some(m.machine.id.to_string()),
                install_on: Some(today),
                ..Default::default()
            };
            let result = app.assembly_move(actor, assembly.id, &input).await;
            judged(result.map(|row| assert_eq!(row.installed.map(|i| i.machine), Some(m.machine.id))))
        }
        UseCase::PreventiveOrdersCreate => {
            let m = fleet.fresh_machine(world).await;
            let input = PreventiveInput { machines: vec![m.machine.id.to_string()] };
            judged(app.preventive_orders_create(actor, &input).await.map(|n| assert_eq!(n.len(), 1, "one order")))
        }
        UseCase::WorkOrderAct => {
            let o = fleet.fresh_order(world).await;
            let step = WorkOrderStep { action: "start".into(), version: seen(o.version), ..Default::default() };
            judged(app.work_order_act(actor, o.order.id, &step).await.map(|_| ()))
        }
        UseCase::WorkOrderAddWork => {
            let o = fleet.fresh_order(world).await;
            let line =
                WorkLineInput {
                    operation: "диагностика".into(), hours: Some("1,5".into()), version: seen(o.version)
                };
            judged(app.work_order_add_work(actor, o.order.id, &line).await.map(|s| assert_eq!(s.order.work.len(), 1)))
        }
        UseCase::PartIssue => {
            let o = fleet.fresh_order(world).await;
            store
                .fleet_stock_receive(Author::SYSTEM, fleet.warehouse, "M-01", &fleet.part, 1, fleet.today)
                .await
                .expect("stock");
            let input = PartIssueInput {
                warehouse: fleet.warehouse.to_string(),
                bin: "M-01".into(),
                part: fleet.part.to_string(),
                qty: Some("1".into()),
                version: seen(o.version),
            };
            judged(app.part_issue(actor, o.order.id, &input).await.map(|s| assert_eq!(s.order.parts.len(), 1)))
        }
        UseCase::ShipmentAdd => judged(app.shipment_add(actor, &shipment(fleet)).await.map(|_| ())),
        UseCase::ShipmentReceive => {
            let id = app.shipment_add(&Actor::operator(), &shipment(fleet)).await.expect("in transit");
            judged(app.shipment_receive(actor, id, &ShipmentReceipt::default()).await)
        }
        UseCase::RegimeChange => {
            let r = fleet.fresh_regime(world).await;
            let input = RegimeInput {
                base: r.base().into(),
                cycle: r.cycle_services(),
                seasonal: Vec::new(),
                content: None,
                version: seen(1),
            };
            judged(app.regime_change(actor, r.id(), &input).await.map(|(_, v)| assert_eq!(v, 2)))
        }
        UseCase::RegimeContentChange => {
            let r = fleet.fresh_regime(world).await;
            let kind = r.cycle_services()[0].kind;
            let operation = Operation { code: "мойка".into(), standard_hours: rust_decimal::Decimal::ONE };
            let input = ServiceContentInput { operations: vec![operation], parts: Vec::new(), version: seen(1) };
            let result = app.regime_content_change(actor, r.id(), kind, &input).await;
            judged(
                result.map(|(r, _)| assert!(r.content(kind).is_some_and(|c: &ServiceContent| c.operations.len() == 1))),
            )
        }
        UseCase::RegimeServiceRemove => {
            let r = fleet.fresh_regime(world).await;
            let cycle = r.cycle_services();
            let kind = r
                .seasonal()
                .first()
                .map(|s| s.kind)
                .or_else(|| cycle.last().filter(|_| cycle.len() > 1).map(|s| s.kind))
                .expect("a service that may go");
            judged(app.regime_service_remove(actor, r.id(), kind, &seen(1)).await.map(|_| ()))
        }
        other => panic!("{other:?} is not a fleet use case"),
    }
}

fn shipment(fleet: &FleetWorld) -> ShipmentInput {
    ShipmentInput {
        reference: "СМГС 1".into(),
        warehouse: fleet.warehouse.to_string(),
        bin: "T-01".into(),
        part: fleet.part.to_string(),
        qty: Some("5".into()),
        shipped_on: fleet.today.to_string(),
        expected_on: fleet.today.to_string(),
        ..Default::default()
    }
}

/// The service centre's technician may do every fleet use case (the column the six roles do
/// not have).
pub async fn the_technician_does_every_fleet_use_case(world: &World) {
    let fleet = world.fleet().await;
    let technician = fleet.technician();
    for use_case in UseCase::ALL.iter().copied().filter(|u| u.module() == "fleet") {
        assert_eq!(attempt_as(world, &fleet, use_case, &technician, "the technician").await, A, "{use_case:?}");
    }
}
