//! Pareto-optimal routes on (cost, transit time) for a product on a date.
//!
//! The search is exact multi-criteria label setting: a label is a partial route from the
//! origin (its cost, days, shelf life used and number of legs); a label at a node is dropped
//! when another label at the same node is no worse on every one of these, because any
//! continuation of it is then no better than the same continuation of the other. What is left
//! at the destination, filtered to the points no other point beats on both cost and days, is
//! the full Pareto set: the same set of (cost, days) points as enumerating every simple path
//! (the property test in `routes/tests.rs` checks this on random networks).
//!
//! Why the extra criteria in the dominance test: shelf life is a limit, so a cheaper and
//! faster partial route that has used more shelf life (it sat in a warm store) does not make a
//! slower one useless; the same for the number of legs when `max_legs` is set. When the limit on
//! legs cannot bind (it is at least the number of nodes less one, the most a simple path has),
//! legs are left out of the test, which keeps fewer labels.
//!
//! Speed: figures are integers (cost in minor units of the query currency after one conversion
//! per leg, time and shelf life in tenths of a day); labels live in one arena with a parent
//! index and a per-node linked list, so extending a label allocates nothing but its slot. Labels
//! are expanded best first by cost plus a lower bound of the cost still to go (exact shortest
//! distances to the destination on each criterion, from a reverse Dijkstra), and a label whose
//! bounds are already beaten by a route found, or whose shelf life or legs cannot reach the
//! destination within the limits, is cut early. The bounds never overestimate, so the cuts are
//! exact.
//!
//! What the cost criterion holds: the route-dependent part of the landed cost: leg tariffs,
//! handling at every node the cargo touches (loading at the origin, transshipment, unloading at
//! the destination), storage while dwelling, and financing of the goods' value for the days in
//! transit at the query's annual rate. Parts that do not depend on the route (ex-works price,
//! margins) cannot change which routes are Pareto-optimal. Dwell counts at the origin and at
//! every node passed, not at the destination (from there the goods are the buyer's).

use super::fx::{Fx, FxError};
use super::network::{LegId, Network, NodeId};
use super::product::{Product, Regime};
use super::units::{DayRange, Days};
use crate::trade::{Currency, Money};
use chrono::{Datelike, NaiveDate};
use rust_decimal::{Decimal, RoundingStrategy};
use serde::Serialize;
use std::cmp::Reverse;
use std::collections::BinaryHeap;

#[cfg(test)]
mod tests;

/// What to search for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RouteQuery {
    pub from: NodeId,
    pub to: NodeId,
    /// The shipment date: its month decides which seasonal legs are open, and the rates used.
    pub date: NaiveDate,
    /// At most this many legs; `None`: no limit.
    pub max_legs: Option<u32>,
    /// Containers in the shipment (tariffs per tonne use the product's mass per container).
    pub containers: u32,
    /// The currency of the cost criterion.
    pub currency: Currency,
    /// Annual cost of the capital tied up in the goods in transit, in percent (21 for 21%); 0
    /// ignores it.
    pub financing_percent: Decimal,
}

/// Why legs or partial routes were left out. Stable keys for the page that explains it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ExcludedBy {
    /// Legs closed in the shipment's month (the Northern Sea Route outside July-November).
    SeasonClosed,
    /// Legs without a reefer, for a product that needs one.
    NoReefer,
    /// Partial routes that would use up the shelf-life budget before arrival.
    ShelfLife,
    /// Partial routes that would need more legs than allowed.
    MaxLegs,
    /// The destination cannot be reached from the origin even ignoring the rules above.
    NotConnected,
}

impl ExcludedBy {
    pub fn key(self) -> &'static str {
        match self {
            ExcludedBy::SeasonClosed => "logistics.route.excluded.season-closed",
            ExcludedBy::NoReefer => "logistics.route.excluded.no-reefer",
            ExcludedBy::ShelfLife => "logistics.route.excluded.shelf-life",
            ExcludedBy::MaxLegs => "logistics.route.excluded.max-legs",
            ExcludedBy::NotConnected => "logistics.route.excluded.not-connected",
        }
    }
}

/// How many legs (season, reefer) or partial routes (shelf life, legs) a rule excluded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Exclusion {
    pub reason: ExcludedBy,
    pub count: u32,
}

/// One Pareto-optimal route.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Route {
    pub legs: Vec<LegId>,
    /// The nodes along it, origin first.
    pub nodes: Vec<NodeId>,
    /// The cost criterion (see the module notes) for the whole shipment.
    pub cost: Money,
    /// Transit plus dwell; `typical` is the time criterion, `min` and `max` for display.
    pub days: DayRange,
    /// Shelf life used, in days at the product's regime.
    pub shelf_used: Days,
    /// Shelf life left on arrival; `None` for goods without a shelf life.
    pub shelf_left: Option<Days>,
}

/// The result: routes by increasing cost (so by decreasing days), and what was excluded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RouteSearch {
    pub routes: Vec<Route>,
    /// Only rules that excluded something, in the order of [`ExcludedBy`].
    pub excluded: Vec<Exclusion>,
    /// Labels created: a measure of the work done.
    pub labels: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RouteError {
    #[error("the origin and the destination are the same node")]
    SameNode,
    #[error("node {0:?} is not in this network")]
    NoSuchNode(NodeId),
    #[error("a shipment needs at least one container")]
    NoContainers,
    #[error(transparent)]
    Product(#[from] super::product::ProductError),
    #[error(transparent)]
    Fx(#[from] FxError),
    #[error("the cost of leg #{0} overflows")]
    Overflow(usize),
}

impl RouteError {
    /// What the refusal is about, without words (see `NetworkError::detail`).
    pub fn detail(&self) -> String {
        match self {
            RouteError::SameNode | RouteError::NoContainers => String::new(),
            RouteError::NoSuchNode(node) => node.0.to_string(),
            RouteError::Product(e) => e.detail(),
            RouteError::Fx(e) => e.detail(),
            RouteError::Overflow(leg) => format!("#{}", leg + 1),
        }
    }

    pub fn key(&self) -> &'static str {
        match self {
            RouteError::SameNode => "logistics.route.same-node",
            RouteError::NoSuchNode(_) => "logistics.route.no-such-node",
            RouteError::NoContainers => "logistics.route.no-containers",
            RouteError::Product(e) => e.key(),
            RouteError::Fx(e) => e.key(),
            RouteError::Overflow(_) => "logistics.route.overflow",
        }
    }
}

/// Searches every Pareto-optimal route. Validates the product first (a perishable product
/// without a regime is an error, not an unconstrained search).
pub fn search_routes(
    net: &Network,
    product: &Product,
    query: &RouteQuery,
    fx: &dyn Fx,
) -> Result<RouteSearch, RouteError> {
    if let Some(e) = product.validate().into_iter().next() {
        return Err(e.into());
    }
    let graph = SearchGraph::prepare(net, product, query, fx)?;
    graph.search(net, product, query)
}

/// A leg after the query's exclusions, as integers.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Edge {
    pub to: u32,
    pub leg: u32,
    pub cost: i64,
    pub days: u32,
    pub shelf: u32,
}

/// What the cargo costs at a node: handling always; dwell, storage and its financing when it
/// waits there (not at the destination).
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct NodeWeights {
    pub handling: i64,
    pub dwell_cost: i64,
    pub dwell_days: u32,
    pub dwell_shelf: u32,
}

/// The network reduced to one query's integers: feasible legs only, in a compact adjacency
/// list, and the node weights. Prepared once per product, date and shipment; searched per
/// origin and destination.
#[derive(Debug, Clone)]
pub struct SearchGraph {
    pub(crate) start: Vec<u32>,
    pub(crate) edges: Vec<Edge>,
    pub(crate) nodes: Vec<NodeWeights>,
    /// Shelf life the journey may use, in tenths of a day (`u32::MAX`: no limit).
    pub(crate) budget: u32,
    pub(crate) excluded_season: u32,
    pub(crate) excluded_reefer: u32,
    /// Every leg's ends, feasible or not, to tell "not connected" from "excluded".
    all_edges: Vec<(u32, u32)>,
    currency: Currency,
}

fn round_minor(amount: Decimal, index: usize) -> Result<i64, RouteError> {
    let r = amount.round_dp_with_strategy(2, RoundingStrategy::MidpointNearestEven);
    r.checked_mul(Decimal::ONE_HUNDRED).and_then(|m| i64::try_from(m).ok()).ok_or(RouteError::Overflow(index))
}

fn tenths(d: Days) -> u32 {
    u32::try_from(d.tenths()).unwrap_or(0)
}

impl SearchGraph {
    /// Converts every feasible leg into integers for the query's product, date and shipment.
    pub fn prepare(
        net: &Network,
        product: &Product,
        query: &RouteQuery,
        fx: &dyn Fx,
    ) -> Result<SearchGraph, RouteError> {
        if query.containers == 0 {
            return Err(RouteError::NoContainers);
        }
        let currency = query.currency;
        let regime = product.regime_or_ambient();
        let month = query.date.month();
        let containers = Decimal::from(query.containers);
        let units = product.units_per_container * containers;
        let tonnes = product.tonnes(units);
        // Financing per tenth of a day: value × percent / 100 / 3650, rounded once to minor units.
        let value = fx.convert_money(product.value_per_unit, currency, query.date)? * units;
        let carry = round_minor(value * query.financing_percent / Decimal::from(365_000), usize::MAX)?;
        let mut factors: Vec<(Currency, Decimal)> = Vec::new();
        let mut factor = |c: Currency| -> Result<Decimal, RouteError> {
            if let Some((_, f)) = factors.iter().find(|(k, _)| *k == c) {
                return Ok(*f);
            }
            let f = fx.factor(c, currency, query.date)?;
            factors.push((c, f));
            Ok(f)
        };
        let n = net.nodes().len();
        let mut nodes = vec![NodeWeights::default(); n];
        for (i, node) in net.nodes().iter().enumerate() {
            let dwell = node.dwell_for(&product.cargo).typical;
            let dwell_days = tenths(dwell);
            let mut handling = Decimal::ZERO;
            if let Some(h) = node.handling_per_container {
                handling += h.to_decimal() * factor(h.currency)? * containers;
            }
            let mut storage = Decimal::ZERO;
            if let Some(s) = node.storage_per_container_day {
                storage += s.to_decimal() * factor(s.currency)? * containers * dwell.to_decimal();
            }
            let held = Regime::held_by(node.cold_storage);
            nodes[i] = NodeWeights {
                handling: round_minor(handling, i)?,
                dwell_cost: round_minor(storage, i)?.saturating_add(carry.saturating_mul(i64::from(dwell_days))),
                dwell_days,
                dwell_shelf: dwell_days.saturating_mul(regime.consumption_factor(held)),
            };
        }
        let mut start = vec![0u32; n + 1];
        let mut kept: Vec<(u32, Edge)> = Vec::with_capacity(net.legs().len());
        let (mut excluded_season, mut excluded_reefer) = (0u32, 0u32);
        let mut all_edges = Vec::with_capacity(net.legs().len());
        for (i, leg) in net.legs().iter().enumerate() {
            let (f, t) = net.ends(LegId(i as u32));
            all_edges.push((f.0, t.0));
            if !leg.is_open_in(month) {
                excluded_season += 1;
                continue;
            }
            if regime.needs_reefer() && leg.reefer.is_none() {
                excluded_reefer += 1;
                continue;
            }
            let mut cost = Decimal::ZERO;
            if let Some(c) = leg.cost_per_container {
                cost += c.to_decimal() * factor(c.currency)? * containers;
            }
            if let Some(c) = leg.cost_per_tonne {
                cost += c.to_decimal() * factor(c.currency)? * tonnes;
            }
            let days = tenths(leg.transit_days.typical);
            let cost = round_minor(cost, i)?.saturating_add(carry.saturating_mul(i64::from(days)));
            let shelf = days.saturating_mul(regime.consumption_factor(Regime::held_by(leg.reefer)));
            start[f.index() + 1] += 1;
            kept.push((f.0, Edge { to: t.0, leg: i as u32, cost, days, shelf }));
        }
        for i in 0..n {
            start[i + 1] += start[i];
        }
        let mut fill = start.clone();
        let mut edges = vec![Edge { to: 0, leg: 0, cost: 0, days: 0, shelf: 0 }; kept.len()];
        for (f, e) in kept {
            edges[fill[f as usize] as usize] = e;
            fill[f as usize] += 1;
        }
        let budget = match (regime.needs_reefer(), product.shelf_life) {
            (_, Some(s)) => tenths(s.journey_budget()),
            (false, None) => u32::MAX,
            (true, None) => 0,
        };
        Ok(SearchGraph { start, edges, nodes, budget, excluded_season, excluded_reefer, all_edges, currency })
    }

    /// Builds a graph from integers directly (synthetic benchmarks and tests).
    #[cfg(test)]
    pub(crate) fn from_parts(n: usize, list: Vec<(u32, Edge)>, nodes: Vec<NodeWeights>, budget: u32) -> SearchGraph {
        let mut start = vec![0u32; n + 1];
        for (f, _) in &list {
            start[*f as usize + 1] += 1;
        }
        for i in 0..n {
            start[i + 1] += start[i];
        }
        let mut fill = start.clone();
        let mut edges = vec![Edge { to: 0, leg: 0, cost: 0, days: 0, shelf: 0 }; list.len()];
        let all_edges = list.iter().map(|(f, e)| (*f, e.to)).collect();
        for (f, e) in list {
            edges[fill[f as usize] as usize] = e;
            fill[f as usize] += 1;
        }
        SearchGraph {
            start,
            edges,
            nodes,
            budget,
            excluded_season: 0,
            excluded_reefer: 0,
            all_edges,
            currency: Currency::Rub,
        }
    }

    /// The prepared integers, for an outside reference implementation (the Python benchmark)
    /// to search exactly the same problem.
    pub fn integer_view(&self, target: u32) -> IntegerGraph {
        let mut edges = Vec::with_capacity(self.edges.len());
        for v in 0..self.nodes.len() as u32 {
            for e in self.out(v) {
                edges.push((v, e.to, e.cost, e.days, e.shelf));
            }
        }
        let nodes = (0..self.nodes.len() as u32).map(|v| self.arrive(v, target)).collect();
        IntegerGraph { budget: self.budget, nodes, edges }
    }

    pub(crate) fn out(&self, v: u32) -> &[Edge] {
        &self.edges[self.start[v as usize] as usize..self.start[v as usize + 1] as usize]
    }

    pub fn node_count(&self) -> usize {
        self.nodes.len()
    }

    /// Legs left after the query's exclusions.
    pub fn edge_count(&self) -> usize {
        self.edges.len()
    }

    /// The costs of arriving at `v`: handling, plus dwell unless `v` is the destination.
    fn arrive(&self, v: u32, target: u32) -> (i64, u32, u32) {
        let w = &self.nodes[v as usize];
        if v == target {
            (w.handling, 0, 0)
        } else {
            (w.handling.saturating_add(w.dwell_cost), w.dwell_days, w.dwell_shelf)
        }
    }

    /// Runs the search and turns the result into routes with the network's legs.
    pub fn search(&self, net: &Network, product: &Product, query: &RouteQuery) -> Result<RouteSearch, RouteError> {
        let n = self.nodes.len();
        for id in [query.from, query.to] {
            if id.index() >= n {
                return Err(RouteError::NoSuchNode(id));
            }
        }
        let found = self.pareto(query.from.0, query.to.0, query.max_legs)?;
        let routes = found
            .points
            .iter()
            .map(|p| {
                let legs: Vec<LegId> = p.legs.iter().map(|l| LegId(*l)).collect();
                let mut nodes = vec![query.from];
                let mut days = net.node(query.from).dwell_for(&product.cargo);
                for (k, l) in legs.iter().enumerate() {
                    let (_, t) = net.ends(*l);
                    nodes.push(t);
                    days = days.saturating_add(net.leg(*l).transit_days);
                    if k + 1 < legs.len() {
                        days = days.saturating_add(net.node(t).dwell_for(&product.cargo));
                    }
                }
                let shelf_used = Days::from_tenths(i32::try_from(p.shelf).unwrap_or(i32::MAX));
                let shelf_left =
                    product.shelf_life.map(|s| Days::from_tenths(s.days.tenths().saturating_sub(shelf_used.tenths())));
                Route { legs, nodes, cost: Money::new(p.cost, self.currency), days, shelf_used, shelf_left }
            })
            .collect();
        let mut excluded = Vec::new();
        for (reason, count) in [
            (ExcludedBy::SeasonClosed, self.excluded_season),
            (ExcludedBy::NoReefer, self.excluded_reefer),
            (ExcludedBy::ShelfLife, found.cut_shelf),
            (ExcludedBy::MaxLegs, found.cut_legs),
            (ExcludedBy::NotConnected, u32::from(found.points.is_empty() && !self.connected(query.from.0, query.to.0))),
        ] {
            if count > 0 {
                excluded.push(Exclusion { reason, count });
            }
        }
        Ok(RouteSearch { routes, excluded, labels: found.labels })
    }

    /// Whether `to` is reachable from `from` over all legs, excluded ones included.
    fn connected(&self, from: u32, to: u32) -> bool {
        let n = self.nodes.len();
        let mut adj: Vec<Vec<u32>> = vec![Vec::new(); n];
        for (f, t) in &self.all_edges {
            adj[*f as usize].push(*t);
        }
        let mut seen = vec![false; n];
        let mut stack = vec![from];
        seen[from as usize] = true;
        while let Some(v) = stack.pop() {
            if v == to {
                return true;
            }
            for &w in &adj[v as usize] {
                if !seen[w as usize] {
                    seen[w as usize] = true;
                    stack.push(w);
                }
            }
        }
        false
    }

    /// Exact lower bounds from every node to `target` on each criterion (cost, days, shelf
    /// life, legs), by Dijkstra over the reversed feasible legs. `u64::MAX`: cannot reach.
    fn bounds(&self, target: u32) -> [Vec<u64>; 4] {
        let n = self.nodes.len();
        let mut rstart = vec![0u32; n + 1];
        for e in &self.edges {
            rstart[e.to as usize + 1] += 1;
        }
        for i in 0..n {
            rstart[i + 1] += rstart[i];
        }
        // Reversed edges: (origin, index into edges).
        let mut rev = vec![(0u32, 0u32); self.edges.len()];
        let mut fill = rstart.clone();
        for v in 0..n {
            for k in self.start[v]..self.start[v + 1] {
                let e = &self.edges[k as usize];
                rev[fill[e.to as usize] as usize] = (v as u32, k);
                fill[e.to as usize] += 1;
            }
        }
        let weight = |criterion: usize, e: &Edge| -> u64 {
            let (c, d, s) = self.arrive(e.to, target);
            match criterion {
                0 => (e.cost.saturating_add(c)).max(0) as u64,
                1 => u64::from(e.days) + u64::from(d),
                2 => u64::from(e.shelf) + u64::from(s),
                _ => 1,
            }
        };
        let mut heap: BinaryHeap<Reverse<(u64, u32)>> = BinaryHeap::new();
        std::array::from_fn(|criterion| {
            let mut dist = vec![u64::MAX; n];
            dist[target as usize] = 0;
            heap.clear();
            heap.push(Reverse((0, target)));
            while let Some(Reverse((d, v))) = heap.pop() {
                if d > dist[v as usize] {
                    continue;
                }
                for &(u, k) in &rev[rstart[v as usize] as usize..rstart[v as usize + 1] as usize] {
                    let nd = d.saturating_add(weight(criterion, &self.edges[k as usize]));
                    if nd < dist[u as usize] {
                        dist[u as usize] = nd;
                        heap.push(Reverse((nd, u)));
                    }
                }
            }
            dist
        })
    }

    /// The label-setting search proper, on integers.
    pub(crate) fn pareto(&self, source: u32, target: u32, max_legs: Option<u32>) -> Result<Found, RouteError> {
        if source == target {
            return Err(RouteError::SameNode);
        }
        let n = self.nodes.len();
        let max_legs = max_legs.map_or(u32::MAX, |m| m.min(u32::from(u16::MAX)));
        let use_legs = (max_legs as usize) < n.saturating_sub(1);
        let [h_cost, h_days, h_shelf, h_legs] = self.bounds(target);
        let mut found = Found::default();
        if h_cost[source as usize] == u64::MAX {
            return Ok(found);
        }
        let budget = u64::from(self.budget);
        let mut labels: Vec<Label> = Vec::with_capacity(1024);
        let mut head = vec![NONE; n];
        let mut heap: BinaryHeap<Reverse<(i64, u32, u32)>> = BinaryHeap::new();
        // The Pareto front at the target: (cost, days, label) by increasing cost, decreasing days.
        let mut front: Vec<(i64, u32, u32)> = Vec::new();
        let beaten = |front: &[(i64, u32, u32)], cost: i64, days: u32| -> bool {
            let k = front.partition_point(|p| p.0 <= cost);
            k > 0 && front[k - 1].1 <= days
        };

        let (c0, d0, s0) = self.arrive(source, target);
        if u64::from(s0) + h_shelf[source as usize] > budget {
            found.cut_shelf += 1;
            return Ok(found);
        }
        labels.push(Label {
            cost: c0,
            days: d0,
            shelf: s0,
            legs: 0,
            node: source,
            parent: NONE,
            leg: NONE,
            next: NONE,
            alive: true,
        });
        head[source as usize] = 0;
        heap.push(Reverse((
            c0.saturating_add(h_cost[source as usize] as i64),
            d0.saturating_add(h_days[source as usize] as u32),
            0,
        )));

        while let Some(Reverse((f_cost, f_days, idx))) = heap.pop() {
            let l = labels[idx as usize];
            if !l.alive || beaten(&front, f_cost, f_days) {
                continue;
            }
            if l.node == target {
                let k = front.partition_point(|p| p.0 < l.cost);
                front.insert(k, (l.cost, l.days, idx));
                // Points after it with more (or as many) days are now beaten.
                let j = k + 1;
                while j < front.len() && front[j].1 >= l.days {
                    front.remove(j);
                }
                continue;
            }
            for e in self.out(l.node) {
                let v = e.to as usize;
                if h_cost[v] == u64::MAX {
                    continue;
                }
                let (ac, ad, ash) = self.arrive(e.to, target);
                let legs = l.legs + 1;
                if u64::from(legs) + h_legs[v] > u64::from(max_legs) {
                    found.cut_legs += 1;
                    continue;
                }
                let shelf = l.shelf.saturating_add(e.shelf).saturating_add(ash);
                if u64::from(shelf) + h_shelf[v] > budget {
                    found.cut_shelf += 1;
                    continue;
                }
                let cost = l.cost.saturating_add(e.cost).saturating_add(ac);
                let days = l.days.saturating_add(e.days).saturating_add(ad);
                let f_cost = cost.saturating_add(h_cost[v].min(i64::MAX as u64) as i64);
                let f_days = days.saturating_add(h_days[v].min(u64::from(u32::MAX)) as u32);
                if beaten(&front, f_cost, f_days) {
                    continue;
                }
                // Dominance at the node; unlink the labels the new one dominates.
                let mut dominated = false;
                let mut prev = NONE;
                let mut cur = head[v];
                while cur != NONE {
                    let o = labels[cur as usize];
                    if o.cost <= cost && o.days <= days && o.shelf <= shelf && (!use_legs || o.legs <= legs) {
                        dominated = true;
                        break;
                    }
                    if cost <= o.cost && days <= o.days && shelf <= o.shelf && (!use_legs || legs <= o.legs) {
                        labels[cur as usize].alive = false;
                        if prev == NONE {
                            head[v] = o.next;
                        } else {
                            labels[prev as usize].next = o.next;
                        }
                    } else {
                        prev = cur;
                    }
                    cur = o.next;
                }
                if dominated {
                    continue;
                }
                let new = labels.len() as u32;
                labels.push(Label {
                    cost,
                    days,
                    shelf,
                    legs,
                    node: e.to,
                    parent: idx,
                    leg: e.leg,
                    next: head[v],
                    alive: true,
                });
                head[v] = new;
                heap.push(Reverse((f_cost, f_days, new)));
            }
        }
        found.labels = labels.len();
        found.points = front
            .iter()
            .map(|&(cost, days, idx)| {
                let mut legs = Vec::new();
                let mut cur = idx;
                while cur != NONE && labels[cur as usize].leg != NONE {
                    legs.push(labels[cur as usize].leg);
                    cur = labels[cur as usize].parent;
                }
                legs.reverse();
                Point { cost, days, shelf: labels[idx as usize].shelf, legs }
            })
            .collect();
        Ok(found)
    }
}

/// A prepared search as plain integers: per node the cost, days and shelf life of arriving at it
/// (handling, and dwell unless it is the destination); per leg its origin, destination, cost,
/// days and shelf life; the shelf-life budget. Days and shelf life in tenths of a day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct IntegerGraph {
    pub budget: u32,
    pub nodes: Vec<(i64, u32, u32)>,
    pub edges: Vec<(u32, u32, i64, u32, u32)>,
}

const NONE: u32 = u32::MAX;

#[derive(Debug, Clone, Copy)]
struct Label {
    cost: i64,
    days: u32,
    shelf: u32,
    legs: u32,
    node: u32,
    parent: u32,
    leg: u32,
    /// The next label at the same node (linked list of the node's live labels).
    next: u32,
    alive: bool,
}

/// A route found, in integers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Point {
    pub cost: i64,
    pub days: u32,
    pub shelf: u32,
    pub legs: Vec<u32>,
}

#[derive(Debug, Clone, Default)]
pub(crate) struct Found {
    pub points: Vec<Point>,
    pub labels: usize,
    pub cut_shelf: u32,
    pub cut_legs: u32,
}
