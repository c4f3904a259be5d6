//! The generated fleet as the store's bulk load: its parts and machines with their whole
//! history, owners and suppliers mapped to the directory's organisations.

use accord_domain::OrganisationId;
use accord_domain::fleet::meter::{MeterKind, MeterSnapshot};
use accord_store::{BulkMachine, DueState, HistoryData, PartRecord, brand_code};

/// The demo (or benchmark) fleet as a bulk load, owners and suppliers mapped to the
/// organisations that stand for them in the directory (`owner`, `supplier`).
pub fn demo_bulk<'a>(
    fleet: &'a super::generate::DemoFleet,
    owner: impl Fn(OrganisationId) -> OrganisationId,
    supplier: impl Fn(OrganisationId) -> OrganisationId,
) -> (Vec<PartRecord>, Vec<BulkMachine<'a>>) {
    let parts = fleet
        .catalog
        .parts
        .iter()
        .map(|p| PartRecord {
            number: p.number.clone(),
            brand: brand_code(&p.brand),
            name: String::new(),
            supplier: Some(supplier(p.supplier)),
            price: p.price,
            pack: p.pack,
            lead_days: 21,
            superseded_by: None,
            equivalents: fleet.catalog.catalogue.equivalents(&p.number).filter(|e| **e != p.number).cloned().collect(),
        })
        .collect();
    let machines = fleet
        .machines
        .iter()
        .map(|d| {
            let mut machine = d.machine.clone();
            machine.owner = owner(machine.owner);
            let kinds: Vec<MeterKind> = d.meters.iter().map(|m| m.kind).collect();
            BulkMachine {
                machine,
                off_books: d.off_books,
                meters: &d.meters,
                work_orders: &d.work_orders,
                history: HistoryData {
                    states: d.states.clone(),
                    open_orders: Vec::new(),
                    failures: d.failures.clone(),
                    services: d.services.clone(),
                    costs: d.costs.clone(),
                    odometer: d.odometer.clone(),
                    engine_hours: d.engine_hours.clone(),
                },
                due: DueState {
                    meters_at_commissioning: MeterSnapshot::zero(&kinds),
                    last_cycle: d.last_cycle,
                    last_seasonal: d.last_seasonal.clone(),
                },
            }
        })
        .collect();
    (parts, machines)
}
