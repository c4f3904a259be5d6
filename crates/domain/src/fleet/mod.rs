//! The multi-brand service centre: the fleet register (machines, models, assemblies), meters,
//! maintenance regimes and the due list, work orders with warranty, spare parts (stock,
//! equivalents, supersession, replenishment), readiness figures, and a demo fleet.
//!
//! Pure: no I/O and no clock ("today" is always a parameter). The store keeps the records, the
//! web and CLI layers show them; every label here is a stable key (`fleet.status.in_repair`)
//! that the web layer translates, and every error is an enum naming the machine, field and
//! value it refuses.
//!
//! Where to start:
//! - register: [`machine::Machine`], [`machine::Register::register`] (VIN/serial uniqueness);
//! - assemblies: [`assembly::ExchangePool`] (`apply` install/remove, `usage`);
//! - meters: [`meter::MeterSeries`] (`add`, `void`, `replace`, `usage_per_day`, `state`),
//!   [`meter::forecast_reach`];
//! - regimes: [`regime::Regime::new`], [`regime::next_service`], [`regime::due_list`];
//! - work orders: [`work_order::WorkOrder::apply`], [`work_order::flag_warranty`];
//! - parts: [`parts::PartCatalogue`], [`stock::StockLedger`], [`replenish::suggest_orders`];
//! - figures: [`kpi::aggregate`] over [`kpi::MachineHistory`];

pub mod assembly;
pub mod kpi;
pub mod machine;
pub mod meter;
pub mod parts;
pub mod regime;
pub mod replenish;
pub mod stock;
pub mod work_order;
