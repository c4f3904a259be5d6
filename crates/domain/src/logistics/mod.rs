//! Logistics between the two sides: the transport network, products and their cold chain,
//! supply chains with their landed cost, what-if comparisons, localisation of assembly in an
//! industrial park, and the Pareto search of routes.
//!
//! The seed of the module: "to ensure the liquidity of these products at such a far distance,
//! we need to simplify logistics chains, i.e. eliminate intermediaries and localize production
//! in the Far East". So every figure here is computed from data (network, products, chains,
//! parks) that ships as reference data and can be edited; nothing is hard-coded but the rules.
//!
//! Pure: files are read by `formats::logistics`, rates come through the [`fx::Fx`] trait, and
//! labels are stable keys (`logistics.cost.transport`) that the web layer translates.

pub mod chain;
pub mod fx;
pub mod indicator;
pub mod localisation;
pub mod network;
pub mod product;
pub mod routes;
pub mod synthetic;
pub mod units;

pub use chain::{
    Chain, ChainError, ChainLeg, CostLine, Intermediary, LandedCost, LineDiff, Margin, Role, VatRule, WhatIf,
    chain_legs, compare, landed_cost, resolve_route,
};
pub use fx::{FirstOf, FixedRate, FixedRateError, FixedRates, Fx, FxError};
pub use indicator::{ChainFigure, ChainIndicatorLink, ChainMetric, LinkError};
pub use localisation::{
    Horizon, HorizonFigures, Localisation, LocalisationCase, LocalisationError, LocalisationFigures,
    LocalisationResult, Park, RatePercent, SavingComponent, SavingGroup, SavingSplit, SavingSubtotal, Scenario, Terms,
    YearFlow, Years, evaluate_localisation, evaluate_scenarios, localise, split_saving,
};
pub use network::{
    BadNodeCode, CargoClass, Dwell, Leg, LegId, LegRef, LookupError, Mode, Network, NetworkError, Node, NodeCode,
    NodeId, NodeKind,
};
pub use product::{Product, ProductError, Regime, ShelfLife, Unit, find_product, validate_products};
pub use routes::{
    ExcludedBy, Exclusion, IntegerGraph, Route, RouteError, RouteQuery, RouteSearch, SearchGraph, search_routes,
};
pub use synthetic::{GridSpec, SplitMix, grid, grid_network};
pub use units::{DayRange, Days, DaysError, Months, TempRange};
