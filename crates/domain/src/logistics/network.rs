//! The transport network: nodes (cities, terminals, ports, border and inspection points,
//! warehouses, industrial parks) and directed legs between them by one mode each.
//!
//! A network is built once from data and validated as a whole ([`Network::new`]), because
//! most mistakes in a hand-edited network are about relations: a leg to a node that does not
//! exist, a node no leg arrives at, a cycle of free legs that would let a search loop. Every
//! error names the item (node code, or leg with its index, ends and mode) so a person can fix
//! the file. A valid network keeps a compact adjacency list (legs sorted by origin) for the
//! route search and a folded-name index for lookups in Russian or English.

use super::units::{DayRange, Months, TempRange};
use crate::text::fold;
use crate::trade::Money;
use foldhash::HashMap;
use serde::{Deserialize, Serialize};
use std::fmt;

/// A node's short code: 2-16 characters, Latin capitals, digits and `-` (`KHV`, `MOG-RAIL`).
/// Codes are what files and URLs use; parsing is case-insensitive and stores capitals.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct NodeCode(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("node code {0:?}: expected 2-16 Latin letters, digits or '-'")]
pub struct BadNodeCode(pub String);

impl NodeCode {
    pub fn parse(text: &str) -> Result<NodeCode, BadNodeCode> {
        let t = text.trim();
        let ok = (2..=16).contains(&t.len()) && t.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-');
        if ok { Ok(NodeCode(t.to_ascii_uppercase())) } else { Err(BadNodeCode(text.to_string())) }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// For generated codes known to be valid (`G123`); checked in debug builds.
    pub(crate) fn generated(code: String) -> NodeCode {
        debug_assert!(NodeCode::parse(&code).is_ok(), "{code}");
        NodeCode(code)
    }
}

impl fmt::Display for NodeCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for NodeCode {
    type Error = BadNodeCode;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        NodeCode::parse(&s)
    }
}

impl From<NodeCode> for String {
    fn from(c: NodeCode) -> String {
        c.0
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum NodeKind {
    City,
    RailTerminal,
    SeaPort,
    BorderPoint,
    InspectionPoint,
    Warehouse,
    IndustrialPark,
}

impl NodeKind {
    /// Stable key for translations: `logistics.node.sea-port`.
    pub fn key(self) -> &'static str {
        match self {
            NodeKind::City => "logistics.node.city",
            NodeKind::RailTerminal => "logistics.node.rail-terminal",
            NodeKind::SeaPort => "logistics.node.sea-port",
            NodeKind::BorderPoint => "logistics.node.border-point",
            NodeKind::InspectionPoint => "logistics.node.inspection-point",
            NodeKind::Warehouse => "logistics.node.warehouse",
            NodeKind::IndustrialPark => "logistics.node.industrial-park",
        }
    }
}

/// What kind of cargo a dwell time applies to. A product belongs to several classes (frozen
/// pollock is `reefer`, `fish` and `animal-product`); `any` applies to every cargo.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum CargoClass {
    Any,
    Reefer,
    Fish,
    AnimalProduct,
    Plant,
    Machinery,
}

/// How long cargo of a class waits at a node: port queues for fish reefers, veterinary or
/// phytosanitary inspection, transshipment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Dwell {
    pub cargo: CargoClass,
    pub days: DayRange,
    #[serde(default)]
    pub source: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Node {
    pub code: NodeCode,
    pub name_ru: String,
    pub name_en: String,
    pub kind: NodeKind,
    /// ISO 3166 alpha-2 country ("BY", "RU"): decides VAT at a destination.
    pub country: String,
    /// IANA time zone name ("Europe/Minsk", "Asia/Vladivostok"), for display of local times.
    pub time_zone: String,
    #[serde(default)]
    pub dwell: Vec<Dwell>,
    /// Loading, unloading or transshipment of one container here.
    #[serde(default)]
    pub handling_per_container: Option<Money>,
    /// Storage while cargo dwells here, per container and day (reefer plug-in, cold store).
    #[serde(default)]
    pub storage_per_container_day: Option<Money>,
    /// The range a cold store or reefer plugs hold here; `None`: cargo waits at ambient.
    #[serde(default)]
    pub cold_storage: Option<TempRange>,
    #[serde(default)]
    pub source: String,
}

impl Node {
    /// The dwell for a product of these cargo classes: the longest matching entry (waits for
    /// several reasons run at once: inspection happens while the box waits for a train).
    pub fn dwell_for(&self, classes: &[CargoClass]) -> DayRange {
        let matching = self.dwell.iter().filter(|d| d.cargo == CargoClass::Any || classes.contains(&d.cargo));
        matching.fold(DayRange::ZERO, |acc, d| DayRange {
            min: acc.min.max(d.days.min),
            typical: acc.typical.max(d.days.typical),
            max: acc.max.max(d.days.max),
        })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Mode {
    RailContainer,
    RailReefer,
    Road,
    RoadReefer,
    Sea,
    SeaNorthernRoute,
}

impl Mode {
    pub const ALL: [Mode; 6] =
        [Mode::RailContainer, Mode::RailReefer, Mode::Road, Mode::RoadReefer, Mode::Sea, Mode::SeaNorthernRoute];

    /// The name used in files: `rail-reefer`.
    pub fn name(self) -> &'static str {
        match self {
            Mode::RailContainer => "rail-container",
            Mode::RailReefer => "rail-reefer",
            Mode::Road => "road",
            Mode::RoadReefer => "road-reefer",
            Mode::Sea => "sea",
            Mode::SeaNorthernRoute => "sea-northern-route",
        }
    }

    /// Stable key for translations: `logistics.mode.rail-reefer`.
    pub fn key(self) -> &'static str {
        match self {
            Mode::RailContainer => "logistics.mode.rail-container",
            Mode::RailReefer => "logistics.mode.rail-reefer",
            Mode::Road => "logistics.mode.road",
            Mode::RoadReefer => "logistics.mode.road-reefer",
            Mode::Sea => "logistics.mode.sea",
            Mode::SeaNorthernRoute => "logistics.mode.sea-northern-route",
        }
    }

    /// Modes that are reefer by definition and must state the range they hold.
    pub fn is_reefer(self) -> bool {
        matches!(self, Mode::RailReefer | Mode::RoadReefer)
    }
}

impl fmt::Display for Mode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A directed leg by one mode. Costs: per container, per tonne, or both (then added: a tariff
/// per box plus a surcharge by weight). Amounts may be in any currency; the route search and
/// the landed cost convert them at the shipment date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Leg {
    pub from: NodeCode,
    pub to: NodeCode,
    pub mode: Mode,
    pub distance_km: u32,
    pub transit_days: DayRange,
    #[serde(default)]
    pub cost_per_container: Option<Money>,
    #[serde(default)]
    pub cost_per_tonne: Option<Money>,
    /// The range a reefer on this leg holds; `None`: no temperature control.
    #[serde(default)]
    pub reefer: Option<TempRange>,
    /// The months the leg runs; `None`: all year.
    #[serde(default)]
    pub months_open: Option<Months>,
    /// Containers a week, where known.
    #[serde(default)]
    pub capacity_per_week: Option<u32>,
    /// Where the figures come from.
    #[serde(default)]
    pub source: String,
}

impl Leg {
    /// `MOG→KHV rail-container`: how errors and logs name a leg.
    pub fn label(&self) -> String {
        format!("{}→{} {}", self.from, self.to, self.mode)
    }

    /// Whether the leg's costs are zero (both absent counts as zero).
    fn is_free(&self) -> bool {
        self.cost_per_container.is_none_or(|m| m.is_zero()) && self.cost_per_tonne.is_none_or(|m| m.is_zero())
    }

    pub fn is_open_in(&self, month: u32) -> bool {
        self.months_open.is_none_or(|m| m.contains(month))
    }
}

/// A node's position in its network.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct NodeId(pub u32);

/// A leg's position in its network.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct LegId(pub u32);

impl NodeId {
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

impl LegId {
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

/// A leg as errors name it: its index in the input and `FROM→TO mode`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LegRef {
    pub index: usize,
    pub label: String,
}

impl fmt::Display for LegRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "leg #{} {}", self.index + 1, self.label)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NetworkError {
    #[error("node {0}: the code is used twice")]
    DuplicateNode(NodeCode),
    #[error("node {node}: the name {name:?} is also the name or code of node {other}")]
    DuplicateName { node: NodeCode, name: String, other: NodeCode },
    #[error("node {node}: {field} is empty")]
    EmptyField { node: NodeCode, field: &'static str },
    #[error("node {node}: {zone:?} is not a time zone name like Europe/Minsk")]
    BadTimeZone { node: NodeCode, zone: String },
    #[error("node {node}: {field} is negative")]
    NodeNegative { node: NodeCode, field: &'static str },
    #[error("node {node}: dwell days for {cargo:?} are not in order min <= typical <= max")]
    NodeRangeOrder { node: NodeCode, cargo: CargoClass },
    #[error("node {0}: no leg arrives at it")]
    Unreached(NodeCode),
    #[error("{leg}: unknown node {node}")]
    UnknownNode { leg: LegRef, node: NodeCode },
    #[error("{leg}: starts and ends at the same node")]
    SelfLoop { leg: LegRef },
    #[error("{leg}: negative transit time")]
    NegativeTime { leg: LegRef },
    #[error("{leg}: transit days are not in order min <= typical <= max")]
    RangeOrder { leg: LegRef },
    #[error("{leg}: negative {field}")]
    NegativeCost { leg: LegRef, field: &'static str },
    #[error("{leg}: no cost per container or per tonne")]
    NoCost { leg: LegRef },
    #[error("{leg}: a reefer mode without the temperature range it holds")]
    ReeferWithoutRange { leg: LegRef },
    #[error("{leg}: temperature range {range} is upside down")]
    BadTempRange { leg: LegRef, range: TempRange },
    #[error("{leg}: open in no month")]
    NeverOpen { leg: LegRef },
    #[error("a cycle of zero-cost legs through {}", .nodes.iter().map(|n| n.as_str()).collect::<Vec<_>>().join(" → "))]
    ZeroCostCycle { nodes: Vec<NodeCode> },
    #[error("the network has more than {} nodes or legs", u32::MAX)]
    TooLarge,
}

impl NetworkError {
    /// Stable key for translations: `logistics.network.unknown-node`.
    /// What the refusal is about, without words: the node, the leg, the field or value. The
    /// adapters put it after the translated message of [`NetworkError::key`].
    pub fn detail(&self) -> String {
        match self {
            NetworkError::DuplicateNode(node) | NetworkError::Unreached(node) => node.to_string(),
            NetworkError::DuplicateName { node, name, other } => format!("{node}, «{name}» = {other}"),
            NetworkError::EmptyField { node, field } | NetworkError::NodeNegative { node, field } => {
                format!("{node}: {field}")
            }
            NetworkError::BadTimeZone { node, zone } => format!("{node}: «{zone}»"),
            NetworkError::NodeRangeOrder { node, cargo } => format!("{node}: {}", serde_code(cargo)),
            NetworkError::UnknownNode { leg, node } => format!("{}: {node}", leg.label),
            NetworkError::SelfLoop { leg }
            | NetworkError::NegativeTime { leg }
            | NetworkError::RangeOrder { leg }
            | NetworkError::NoCost { leg }
            | NetworkError::ReeferWithoutRange { leg }
            | NetworkError::NeverOpen { leg } => leg.label.clone(),
            NetworkError::NegativeCost { leg, field } => format!("{}: {field}", leg.label),
            NetworkError::BadTempRange { leg, range } => format!("{}: {range}", leg.label),
            NetworkError::ZeroCostCycle { nodes } => nodes.iter().map(|n| n.as_str()).collect::<Vec<_>>().join(" → "),
            NetworkError::TooLarge => u32::MAX.to_string(),
        }
    }

    pub fn key(&self) -> &'static str {
        match self {
            NetworkError::DuplicateNode(_) => "logistics.network.duplicate-node",
            NetworkError::DuplicateName { .. } => "logistics.network.duplicate-name",
            NetworkError::EmptyField { .. } => "logistics.network.empty-field",
            NetworkError::BadTimeZone { .. } => "logistics.network.bad-time-zone",
            NetworkError::NodeNegative { .. } => "logistics.network.node-negative",
            NetworkError::NodeRangeOrder { .. } => "logistics.network.node-range-order",
            NetworkError::Unreached(_) => "logistics.network.unreached",
            NetworkError::UnknownNode { .. } => "logistics.network.unknown-node",
            NetworkError::SelfLoop { .. } => "logistics.network.self-loop",
            NetworkError::NegativeTime { .. } => "logistics.network.negative-time",
            NetworkError::RangeOrder { .. } => "logistics.network.range-order",
            NetworkError::NegativeCost { .. } => "logistics.network.negative-cost",
            NetworkError::NoCost { .. } => "logistics.network.no-cost",
            NetworkError::ReeferWithoutRange { .. } => "logistics.network.reefer-without-range",
            NetworkError::BadTempRange { .. } => "logistics.network.bad-temp-range",
            NetworkError::NeverOpen { .. } => "logistics.network.never-open",
            NetworkError::ZeroCostCycle { .. } => "logistics.network.zero-cost-cycle",
            NetworkError::TooLarge => "logistics.network.too-large",
        }
    }

    /// The index of the leg the error is about, for readers that map it back to a file row.
    pub fn leg_index(&self) -> Option<usize> {
        match self {
            NetworkError::UnknownNode { leg, .. }
            | NetworkError::SelfLoop { leg }
            | NetworkError::NegativeTime { leg }
            | NetworkError::RangeOrder { leg }
            | NetworkError::NegativeCost { leg, .. }
            | NetworkError::NoCost { leg }
            | NetworkError::ReeferWithoutRange { leg }
            | NetworkError::BadTempRange { leg, .. }
            | NetworkError::NeverOpen { leg } => Some(leg.index),
            _ => None,
        }
    }

    /// The node the error is about, if it is about one node.
    pub fn node(&self) -> Option<&NodeCode> {
        match self {
            NetworkError::DuplicateNode(n) | NetworkError::Unreached(n) => Some(n),
            NetworkError::DuplicateName { node, .. }
            | NetworkError::EmptyField { node, .. }
            | NetworkError::BadTimeZone { node, .. }
            | NetworkError::NodeNegative { node, .. }
            | NetworkError::NodeRangeOrder { node, .. } => Some(node),
            _ => None,
        }
    }
}

/// Why a node query found no single node.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LookupError {
    #[error("no node with the code or name {0:?}")]
    NotFound(String),
}

impl LookupError {
    /// The name that was looked for.
    pub fn detail(&self) -> String {
        match self {
            LookupError::NotFound(name) => format!("«{name}»"),
        }
    }
}

/// A validated network with its adjacency list and name index.
#[derive(Debug, Clone)]
pub struct Network {
    nodes: Vec<Node>,
    legs: Vec<Leg>,
    /// Folded code, Russian and English name → node.
    index: HashMap<String, NodeId>,
    /// Per leg: origin and destination ids.
    ends: Vec<(NodeId, NodeId)>,
    /// `out[out_start[n]..out_start[n + 1]]` are the legs leaving node `n`.
    out_start: Vec<u32>,
    out: Vec<LegId>,
}

fn is_time_zone(zone: &str) -> bool {
    zone == "UTC"
        || (zone.contains('/')
            && !zone.starts_with('/')
            && !zone.ends_with('/')
            && zone.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'/' | b'_' | b'-' | b'+')))
}

impl Network {
    /// Validates and indexes; the first problem found is the error. Use [`Network::validate`]
    /// to list every problem at once.
    pub fn new(nodes: Vec<Node>, legs: Vec<Leg>) -> Result<Network, NetworkError> {
        if let Some(first) = Self::validate(&nodes, &legs).into_iter().next() {
            return Err(first);
        }
        Ok(Self::build(nodes, legs))
    }

    /// Every problem in the input, in the order nodes then legs then whole-network checks.
    pub fn validate(nodes: &[Node], legs: &[Leg]) -> Vec<NetworkError> {
        let mut errors = Vec::new();
        if u32::try_from(nodes.len()).is_err() || u32::try_from(legs.len()).is_err() {
            return vec![NetworkError::TooLarge];
        }
        let mut codes: HashMap<&NodeCode, usize> = HashMap::default();
        let mut names: HashMap<String, &NodeCode> = HashMap::default();
        for (i, node) in nodes.iter().enumerate() {
            if codes.insert(&node.code, i).is_some() {
                errors.push(NetworkError::DuplicateNode(node.code.clone()));
                continue;
            }
            let code = &node.code;
            for (field, value) in [("name_ru", &node.name_ru), ("name_en", &node.name_en), ("country", &node.country)] {
                if value.trim().is_empty() {
                    errors.push(NetworkError::EmptyField { node: code.clone(), field });
                }
            }
            if !is_time_zone(&node.time_zone) {
                errors.push(NetworkError::BadTimeZone { node: code.clone(), zone: node.time_zone.clone() });
            }
            for (field, money) in [
                ("handling_per_container", node.handling_per_container),
                ("storage_per_container_day", node.storage_per_container_day),
            ] {
                if money.is_some_and(|m| m.minor < 0) {
                    errors.push(NetworkError::NodeNegative { node: code.clone(), field });
                }
            }
            for d in &node.dwell {
                if d.days.is_negative() {
                    errors.push(NetworkError::NodeNegative { node: code.clone(), field: "dwell" });
                } else if !d.days.is_ordered() {
                    errors.push(NetworkError::NodeRangeOrder { node: code.clone(), cargo: d.cargo });
                }
            }
            let mut own: Vec<String> = vec![fold(code.as_str())];
            for name in [&node.name_ru, &node.name_en] {
                let f = fold(name.trim());
                if !f.is_empty() && !own.contains(&f) {
                    own.push(f);
                }
            }
            for key in own {
                if let Some(other) = names.get(&key) {
                    errors.push(NetworkError::DuplicateName { node: code.clone(), name: key, other: (*other).clone() });
                } else {
                    names.insert(key, code);
                }
            }
        }
        let mut reached = vec![false; nodes.len()];
        let mut free_edges: Vec<(usize, usize)> = Vec::new();
        for (index, leg) in legs.iter().enumerate() {
            let r = || LegRef { index, label: leg.label() };
            let from = codes.get(&leg.from).copied();
            let to = codes.get(&leg.to).copied();
            for (code, id) in [(&leg.from, from), (&leg.to, to)] {
                if id.is_none() {
                    errors.push(NetworkError::UnknownNode { leg: r(), node: code.clone() });
                }
            }
            if leg.from == leg.to {
                errors.push(NetworkError::SelfLoop { leg: r() });
            }
            if leg.transit_days.is_negative() {
                errors.push(NetworkError::NegativeTime { leg: r() });
            } else if !leg.transit_days.is_ordered() {
                errors.push(NetworkError::RangeOrder { leg: r() });
            }
            match (leg.cost_per_container, leg.cost_per_tonne) {
                (None, None) => errors.push(NetworkError::NoCost { leg: r() }),
                (c, t) => {
                    if c.is_some_and(|m| m.minor < 0) {
                        errors.push(NetworkError::NegativeCost { leg: r(), field: "cost_per_container" });
                    }
                    if t.is_some_and(|m| m.minor < 0) {
                        errors.push(NetworkError::NegativeCost { leg: r(), field: "cost_per_tonne" });
                    }
                }
            }
            match leg.reefer {
                None if leg.mode.is_reefer() => errors.push(NetworkError::ReeferWithoutRange { leg: r() }),
                Some(range) if range.min_c > range.max_c => errors.push(NetworkError::BadTempRange { leg: r(), range }),
                _ => {}
            }
            if leg.months_open.is_some_and(Months::is_empty) {
                errors.push(NetworkError::NeverOpen { leg: r() });
            }
            if let (Some(f), Some(t)) = (from, to) {
                reached[t] = true;
                if leg.is_free() && f != t {
                    free_edges.push((f, t));
                }
            }
        }
        for (i, node) in nodes.iter().enumerate() {
            if !reached[i] && codes.get(&node.code) == Some(&i) {
                errors.push(NetworkError::Unreached(node.code.clone()));
            }
        }
        if let Some(cycle) = find_cycle(nodes.len(), &free_edges) {
            errors.push(NetworkError::ZeroCostCycle {
                nodes: cycle.into_iter().map(|i| nodes[i].code.clone()).collect(),
            });
        }
        errors
    }

    fn build(nodes: Vec<Node>, legs: Vec<Leg>) -> Network {
        let mut index: HashMap<String, NodeId> = HashMap::default();
        for (i, node) in nodes.iter().enumerate() {
            let id = NodeId(i as u32);
            for key in [fold(node.code.as_str()), fold(node.name_ru.trim()), fold(node.name_en.trim())] {
                index.entry(key).or_insert(id);
            }
        }
        let by_code: HashMap<&NodeCode, NodeId> =
            nodes.iter().enumerate().map(|(i, n)| (&n.code, NodeId(i as u32))).collect();
        let ends: Vec<(NodeId, NodeId)> = legs
            .iter()
            .map(|l| {
                (by_code.get(&l.from).copied().unwrap_or(NodeId(0)), by_code.get(&l.to).copied().unwrap_or(NodeId(0)))
            })
            .collect();
        let mut out_start = vec![0u32; nodes.len() + 1];
        for (f, _) in &ends {
            out_start[f.index() + 1] += 1;
        }
        for i in 0..nodes.len() {
            out_start[i + 1] += out_start[i];
        }
        let mut fill = out_start.clone();
        let mut out = vec![LegId(0); legs.len()];
        for (l, (f, _)) in ends.iter().enumerate() {
            out[fill[f.index()] as usize] = LegId(l as u32);
            fill[f.index()] += 1;
        }
        Network { nodes, legs, index, ends, out_start, out }
    }

    pub fn nodes(&self) -> &[Node] {
        &self.nodes
    }

    pub fn legs(&self) -> &[Leg] {
        &self.legs
    }

    pub fn node(&self, id: NodeId) -> &Node {
        &self.nodes[id.index()]
    }

    pub fn leg(&self, id: LegId) -> &Leg {
        &self.legs[id.index()]
    }

    /// Origin and destination of a leg.
    pub fn ends(&self, id: LegId) -> (NodeId, NodeId) {
        self.ends[id.index()]
    }

    /// The legs leaving a node.
    pub fn legs_from(&self, id: NodeId) -> &[LegId] {
        let (a, b) = (self.out_start[id.index()] as usize, self.out_start[id.index() + 1] as usize);
        &self.out[a..b]
    }

    /// A node by its code or its Russian or English name, in any case, with ё read as е:
    /// `KHV`, `Khabarovsk`, `хабаровск`.
    pub fn find(&self, query: &str) -> Result<NodeId, LookupError> {
        self.index.get(&fold(query.trim())).copied().ok_or_else(|| LookupError::NotFound(query.to_string()))
    }

    /// A node by its exact code.
    pub fn by_code(&self, code: &NodeCode) -> Option<NodeId> {
        self.find(code.as_str()).ok().filter(|id| &self.node(*id).code == code)
    }

    /// The leg `from → to` by `mode`, if the network has one.
    pub fn find_leg(&self, from: &NodeCode, to: &NodeCode, mode: Mode) -> Option<LegId> {
        let f = self.by_code(from)?;
        self.legs_from(f).iter().copied().find(|l| {
            let leg = self.leg(*l);
            &leg.to == to && leg.mode == mode
        })
    }

    /// Gives the nodes and legs back, e.g. to edit and validate again.
    pub fn into_parts(self) -> (Vec<Node>, Vec<Leg>) {
        (self.nodes, self.legs)
    }
}

/// A directed cycle in the graph of `edges`, as the nodes along it, if there is one.
fn find_cycle(n: usize, edges: &[(usize, usize)]) -> Option<Vec<usize>> {
    if edges.is_empty() {
        return None;
    }
    let mut adj: Vec<Vec<usize>> = vec![Vec::new(); n];
    for &(f, t) in edges {
        adj[f].push(t);
    }
    // Iterative depth-first search: 0 unvisited, 1 on the stack, 2 done.
    let mut state = vec![0u8; n];
    let mut parent = vec![usize::MAX; n];
    for start in 0..n {
        if state[start] != 0 {
            continue;
        }
        let mut stack: Vec<(usize, usize)> = vec![(start, 0)];
        state[start] = 1;
        while let Some(&mut (v, ref mut next)) = stack.last_mut() {
            if let Some(&w) = adj[v].get(*next) {
                *next += 1;
                match state[w] {
                    0 => {
                        state[w] = 1;
                        parent[w] = v;
                        stack.push((w, 0));
                    }
                    1 => {
                        let mut cycle = vec![w];
                        let mut u = v;
                        while u != w && u != usize::MAX {
                            cycle.push(u);
                            u = parent[u];
                        }
                        cycle[1..].reverse();
                        cycle.push(w);
                        return Some(cycle);
                    }
                    _ => {}
                }
            } else {
                state[v] = 2;
                stack.pop();
            }
        }
    }
    None
}

/// A value's serde name (`fish`, `deep-frozen`): how files spell it, the same in every language.
pub(crate) fn serde_code<T: Serialize>(value: &T) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(s)) => s,
        Ok(other) => other.to_string(),
        Err(_) => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::logistics::units::Days;
    use crate::trade::Currency;

    pub(crate) fn node(code: &str, ru: &str, en: &str) -> Node {
        Node {
            code: NodeCode::parse(code).expect(code),
            name_ru: ru.into(),
            name_en: en.into(),
            kind: NodeKind::City,
            country: "RU".into(),
            time_zone: "Europe/Moscow".into(),
            dwell: vec![],
            handling_per_container: None,
            storage_per_container_day: None,
            cold_storage: None,
            source: String::new(),
        }
    }

    fn leg(from: &str, to: &str, rub: i64, days: i32) -> Leg {
        Leg {
            from: NodeCode::parse(from).expect(from),
            to: NodeCode::parse(to).expect(to),
            mode: Mode::RailContainer,
            distance_km: 100,
            transit_days: DayRange::exactly(Days::whole(days)),
            cost_per_container: Some(Money::new(rub * 100, Currency::Rub)),
            cost_per_tonne: None,
            reefer: None,
            months_open: None,
            capacity_per_week: None,
            source: String::new(),
        }
    }

    fn three() -> Vec<Node> {
        vec![node("KHV", "Хабаровск", "Khabarovsk"), node("MOW", "Москва", "Moscow"), node("MOG", "Могилёв", "Mogilev")]
    }

    #[test]
    fn codes_are_short_capitals() {
        assert_eq!(NodeCode::parse(" khv ").map(|c| c.to_string()), Ok("KHV".into()));
        assert!(NodeCode::parse("K").is_err());
        assert!(NodeCode::parse("ХАБ").is_err());
        assert!(NodeCode::parse("A B").is_err());
    }

    #[test]
    fn lookup_by_code_or_name_any_case_with_yo() {
        let net =
            Network::new(three(), vec![leg("KHV", "MOW", 1, 1), leg("MOW", "MOG", 1, 1), leg("MOG", "KHV", 1, 1)])
                .expect("valid");
        let khv = net.find("KHV").expect("code");
        assert_eq!(net.find("khabarovsk"), Ok(khv));
        assert_eq!(net.find("ХАБАРОВСК"), Ok(khv));
        assert_eq!(net.find("могилев"), net.find("Могилёв"));
        assert_eq!(net.find("mog"), net.find("Mogilev"));
        assert!(matches!(net.find("Paris"), Err(LookupError::NotFound(_))));
        assert_eq!(net.legs_from(khv).len(), 1);
        assert!(net.find_leg(&net.node(khv).code, &NodeCode::parse("MOW").expect("c"), Mode::RailContainer).is_some());
    }

    #[test]
    fn errors_name_the_item() {
        let mut bad = leg("KHV", "MOW", -5, 1);
        bad.transit_days.min = Days::whole(-1);
        let errors = Network::validate(&three(), &[bad, leg("MOW", "XXX", 1, 1), leg("MOW", "MOG", 1, 1)]);
        let text: Vec<String> = errors.iter().map(|e| e.to_string()).collect();
        assert!(text.contains(&"leg #1 KHV→MOW rail-container: negative transit time".to_string()), "{text:?}");
        assert!(text.contains(&"leg #1 KHV→MOW rail-container: negative cost_per_container".to_string()), "{text:?}");
        assert!(text.contains(&"leg #2 MOW→XXX rail-container: unknown node XXX".to_string()), "{text:?}");
        assert!(text.contains(&"node KHV: no leg arrives at it".to_string()), "{text:?}");
        assert_eq!(errors.iter().find_map(NetworkError::leg_index), Some(0));
        assert!(matches!(Network::new(three(), vec![]), Err(NetworkError::Unreached(_))));
    }

    #[test]
    fn duplicates_and_zero_cost_cycles_are_refused() {
        let mut nodes = three();
        nodes.push(node("KHV", "Другой", "Other"));
        nodes.push(node("NOV", "Москва", "Novosibirsk"));
        let errors = Network::validate(&nodes, &[]);
        assert!(errors.contains(&NetworkError::DuplicateNode(NodeCode::parse("KHV").expect("c"))));
        assert!(errors.iter().any(|e| matches!(e, NetworkError::DuplicateName { name, .. } if name == "москва")));

        let legs =
            vec![leg("KHV", "MOW", 0, 1), leg("MOW", "MOG", 0, 0), leg("MOG", "KHV", 0, 3), leg("MOG", "MOW", 5, 1)];
        let err = Network::new(three(), legs).expect_err("cycle");
        assert_eq!(err.to_string(), "a cycle of zero-cost legs through KHV → MOW → MOG → KHV");
        assert_eq!(err.key(), "logistics.network.zero-cost-cycle");
    }

    #[test]
    fn dwell_takes_the_longest_matching_wait() {
        let mut n = node("VVO", "Владивосток", "Vladivostok");
        let r = |a, b, c| DayRange::new(Days::whole(a), Days::whole(b), Days::whole(c));
        n.dwell = vec![
            Dwell { cargo: CargoClass::Any, days: r(1, 1, 2), source: String::new() },
            Dwell { cargo: CargoClass::Fish, days: r(5, 6, 8), source: String::new() },
            Dwell { cargo: CargoClass::AnimalProduct, days: r(1, 2, 3), source: String::new() },
        ];
        assert_eq!(n.dwell_for(&[CargoClass::Fish, CargoClass::AnimalProduct]), r(5, 6, 8));
        assert_eq!(n.dwell_for(&[CargoClass::Machinery]), r(1, 1, 2));
    }
}
