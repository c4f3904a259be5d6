//! The logistics document: network, products, chains, parks, localisation cases and planning
//! rates as JSON (`"format": "accord-logistics/1"`), and the reference data shipped with accord.
//!
//! Every section is optional, so the network, the products and the chains can live in
//! separate files and be merged ([`LogisticsDocument::merge`]); the reference data is three
//! such files embedded in the binary. Reading is in two steps, each reporting every problem it
//! finds with a JSON path (`legs[12]`) and the item's name (`KHV→MOW rail-reefer`, a node
//! code, a product key): [`read_json`] checks the shape of each item on its own, so one bad leg
//! does not hide the others; [`LogisticsDocument::validate`] checks the whole (the network's
//! relations, products, chains' products and legs, parks).

use accord_domain::logistics::{
    Chain, FixedRate, FixedRates, Leg, LocalisationCase, Network, Node, Park, Product, resolve_route, validate_products,
};
use accord_domain::trade::Currency;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::fmt;

use crate::Reason;

/// A document that does not parse, with where: the line and column serde stopped at.
pub fn json_syntax(e: &serde_json::Error) -> Reason {
    let key = if e.is_eof() { "problem-json-ends-early" } else { "problem-json-syntax" };
    Reason::new(key).arg("line", e.line()).arg("column", e.column())
}

#[cfg(test)]
mod tests;
mod xlsx;
pub use xlsx::{SHEET_NAMES, path_to_row, read_xlsx, write_xlsx};

/// The format marker written into every document.
pub const FORMAT: &str = "accord-logistics/1";

const REFERENCE_NETWORK: &str = include_str!("../../data/logistics/reference-network.json");
const REFERENCE_PRODUCTS: &str = include_str!("../../data/logistics/reference-products.json");
const REFERENCE_CHAINS: &str = include_str!("../../data/logistics/reference-chains.json");

/// Planning rates against one base currency.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RatesSection {
    pub base: Currency,
    pub rates: Vec<FixedRate>,
}

/// A logistics document as read, before the whole is validated.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct LogisticsDocument {
    pub nodes: Vec<Node>,
    pub legs: Vec<Leg>,
    pub products: Vec<Product>,
    pub chains: Vec<Chain>,
    pub parks: Vec<Park>,
    pub localisations: Vec<LocalisationCase>,
    pub rates: Option<RatesSection>,
}

/// Validated logistics data, ready for the domain's computations.
#[derive(Debug, Clone)]
pub struct LogisticsData {
    pub network: Network,
    pub products: Vec<Product>,
    pub chains: Vec<Chain>,
    pub parks: Vec<Park>,
    pub localisations: Vec<LocalisationCase>,
    /// The document's planning rates (an empty table in RUB when it has none).
    pub rates: FixedRates,
}

/// One problem in a document: where (a JSON path), which item, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JsonProblem {
    /// `legs[12]`, `nodes[3]`, `chains[0]`, or `` for the document as a whole.
    pub path: String,
    /// The item's name: a node code, `FROM→TO mode`, a product or chain key.
    pub item: Option<String>,
    pub reason: String,
    /// For a rule the domain refused: its stable key (`logistics.network.negative-time`) and
    /// the words-free detail that completes the translated message. `None` for a file that
    /// does not parse (the reason is the parser's).
    pub explained: Option<(&'static str, String)>,
    /// The problem as a translatable reason (`problem-json-…`, `problem-logistics-…`) when the
    /// file's shape is wrong in a way we can name; `reason` stays the English for logs.
    pub keyed: Option<Reason>,
}

impl fmt::Display for JsonProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.item {
            Some(item) => write!(f, "{} ({item}): {}", self.path, self.reason),
            None if self.path.is_empty() => f.write_str(&self.reason),
            None => write!(f, "{}: {}", self.path, self.reason),
        }
    }
}

fn problem(path: String, item: Option<String>, reason: impl Into<String>) -> JsonProblem {
    let reason = reason.into();
    let keyed = serde_reason(&reason);
    JsonProblem { path, item, reason, explained: None, keyed }
}

/// A problem with its translatable reason.
fn keyed(path: String, reason: Reason) -> JsonProblem {
    JsonProblem { path, item: None, reason: reason.to_string(), explained: None, keyed: Some(reason) }
}

/// serde's own wording of an item it could not read, as a reason with the names it gives:
/// a missing or unknown field, an unknown variant, a value of the wrong type. `None` for other
/// texts (a domain type's own parse error), which are shown as they are.
pub fn serde_reason(text: &str) -> Option<Reason> {
    let quoted =
        |rest: &str| rest.strip_prefix('`')?.split_once('`').map(|(name, after)| (name.to_string(), after.to_string()));
    let expected = |after: &str| after.split_once("expected ").map_or(String::new(), |(_, e)| e.to_string());
    if let Some(rest) = text.strip_prefix("missing field ") {
        let (field, _) = quoted(rest)?;
        return Some(Reason::new("problem-json-field-missing").arg("field", field));
    }
    if let Some(rest) = text.strip_prefix("unknown field ") {
        let (field, after) = quoted(rest)?;
        return Some(Reason::new("problem-json-field-unknown").arg("field", field).arg("expected", expected(&after)));
    }
    if let Some(rest) = text.strip_prefix("unknown variant ") {
        let (value, after) = quoted(rest)?;
        return Some(Reason::new("problem-json-value-unknown").arg("value", value).arg("expected", expected(&after)));
    }
    let rest = text.strip_prefix("invalid type: ").or_else(|| text.strip_prefix("invalid value: "))?;
    let (found, expected) = rest.split_once(", expected ")?;
    Some(Reason::new("problem-json-type-invalid").arg("found", found).arg("expected", expected))
}

/// A problem a domain rule found: the English reason for logs, the key and detail to translate.
fn explained(
    path: String,
    item: Option<String>,
    reason: impl Into<String>,
    key: &'static str,
    detail: String,
) -> JsonProblem {
    JsonProblem { path, item, reason: reason.into(), explained: Some((key, detail)), keyed: None }
}

/// How a raw item names itself, before it is parsed: its code or key, or a leg's ends and mode.
fn item_name(section: &str, v: &Value) -> Option<String> {
    let s = |k: &str| v.get(k).and_then(Value::as_str).map(str::to_string);
    match section {
        "nodes" => s("code"),
        "legs" => Some(format!("{}→{} {}", s("from")?, s("to")?, s("mode").unwrap_or_default())),
        "rates" => s("currency"),
        _ => s("key"),
    }
}

fn section<T: DeserializeOwned>(doc: &Value, name: &str, problems: &mut Vec<JsonProblem>) -> Vec<T> {
    let Some(v) = doc.get(name) else { return Vec::new() };
    let Some(items) = v.as_array() else {
        problems.push(keyed(name.to_string(), Reason::new("problem-logistics-not-list")));
        return Vec::new();
    };
    let mut out = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        match T::deserialize(item) {
            Ok(x) => out.push(x),
            Err(e) => problems.push(problem(format!("{name}[{i}]"), item_name(name, item), e.to_string())),
        }
    }
    out
}

/// Reads a document; every item that does not parse is a problem with its path.
pub fn read_json(bytes: &[u8]) -> Result<LogisticsDocument, Vec<JsonProblem>> {
    let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    crate::limits::check_json(body, &crate::limits::JSON_LIMITS)
        .map_err(|reason| vec![keyed(String::new(), reason)])?;
    let doc: Value = serde_json::from_slice(body).map_err(|e| vec![keyed(String::new(), json_syntax(&e))])?;
    let Some(object) = doc.as_object() else {
        return Err(vec![keyed(String::new(), Reason::new("problem-logistics-not-object"))]);
    };
    let mut problems = Vec::new();
    match object.get("format").and_then(Value::as_str) {
        Some(FORMAT) | None => {}
        Some(other) => problems.push(keyed(
            "format".into(),
            Reason::new("problem-logistics-format-unknown").arg("value", other).arg("expected", FORMAT),
        )),
    }
    const KNOWN: [&str; 9] =
        ["format", "note", "nodes", "legs", "products", "chains", "parks", "localisations", "rates"];
    for key in object.keys() {
        if !KNOWN.contains(&key.as_str()) {
            problems.push(keyed(key.clone(), Reason::new("problem-logistics-section-unknown")));
        }
    }
    let rates = match object.get("rates") {
        None => None,
        Some(v) => {
            let base = v.get("base").map(|b| Currency::deserialize(b).map_err(|e| e.to_string()));
            let list = section::<FixedRate>(v, "rates", &mut problems);
            match base {
                Some(Ok(base)) => Some(RatesSection { base, rates: list }),
                Some(Err(e)) => {
                    problems.push(problem("rates.base".into(), None, e));
                    None
                }
                None => {
                    problems.push(keyed(
                        "rates.base".into(),
                        Reason::new("problem-json-field-missing").arg("field", "base"),
                    ));
                    None
                }
            }
        }
    };
    let result = LogisticsDocument {
        nodes: section(&doc, "nodes", &mut problems),
        legs: section(&doc, "legs", &mut problems),
        products: section(&doc, "products", &mut problems),
        chains: section(&doc, "chains", &mut problems),
        parks: section(&doc, "parks", &mut problems),
        localisations: section(&doc, "localisations", &mut problems),
        rates,
    };
    for p in &mut problems {
        if let Some(rest) = p.path.strip_prefix("rates[") {
            p.path = format!("rates.rates[{rest}");
        }
    }
    if problems.is_empty() { Ok(result) } else { Err(problems) }
}

/// Writes a document as pretty JSON with the format marker (sections that are empty are left out).
pub fn write_json(doc: &LogisticsDocument) -> Result<String, serde_json::Error> {
    let mut v = serde_json::to_value(doc)?;
    if let Some(o) = v.as_object_mut() {
        o.retain(|_, x| !(x.is_null() || x.as_array().is_some_and(Vec::is_empty)));
        let mut out = serde_json::Map::new();
        out.insert("format".into(), Value::String(FORMAT.into()));
        out.extend(std::mem::take(o));
        v = Value::Object(out);
    }
    serde_json::to_string_pretty(&v)
}

impl LogisticsDocument {
    /// Appends another document's sections (the later rates section wins if both have one).
    pub fn merge(mut self, other: LogisticsDocument) -> LogisticsDocument {
        self.nodes.extend(other.nodes);
        self.legs.extend(other.legs);
        self.products.extend(other.products);
        self.chains.extend(other.chains);
        self.parks.extend(other.parks);
        self.localisations.extend(other.localisations);
        self.rates = other.rates.or(self.rates);
        self
    }

    /// Validates the whole: every problem, with the path of the item it is about.
    pub fn validate(self) -> Result<LogisticsData, Vec<JsonProblem>> {
        let mut problems = Vec::new();
        for e in Network::validate(&self.nodes, &self.legs) {
            let (path, item) = if let Some(i) = e.leg_index() {
                (format!("legs[{i}]"), self.legs.get(i).map(Leg::label))
            } else if let Some(code) = e.node() {
                let i = self.nodes.iter().rposition(|n| &n.code == code);
                (i.map_or("nodes".to_string(), |i| format!("nodes[{i}]")), Some(code.to_string()))
            } else {
                (String::new(), None)
            };
            problems.push(explained(path, item, e.to_string(), e.key(), e.detail()));
        }
        for e in validate_products(&self.products) {
            let key = match &e {
                accord_domain::logistics::ProductError::NoRegime(k)
                | accord_domain::logistics::ProductError::NoShelfLife(k, _)
                | accord_domain::logistics::ProductError::BudgetExceeded(k)
                | accord_domain::logistics::ProductError::Duplicate(k)
                | accord_domain::logistics::ProductError::BadKey(k) => Some(k.clone()),
                accord_domain::logistics::ProductError::NotPositive { product, .. } => Some(product.clone()),
                _ => None,
            };
            let i = key.as_ref().and_then(|k| self.products.iter().rposition(|p| &p.key == k));
            let path = i.map_or("products".to_string(), |i| format!("products[{i}]"));
            problems.push(explained(path, key, e.to_string(), e.key(), e.detail()));
        }
        let rates = match &self.rates {
            Some(r) => FixedRates::new(r.base, &r.rates)
                .map_err(|e| problems.push(problem("rates".into(), None, e.to_string())))
                .ok(),
            None => FixedRates::new(Currency::Rub, &[]).ok(),
        };
        if !problems.is_empty() {
            return Err(problems);
        }
        let network = match Network::new(self.nodes, self.legs) {
            Ok(n) => n,
            Err(e) => return Err(vec![explained(String::new(), None, e.to_string(), e.key(), e.detail())]),
        };
        for (i, c) in self.chains.iter().enumerate() {
            let path = format!("chains[{i}]");
            match self.products.iter().find(|p| p.key == c.product) {
                None => problems.push(explained(
                    path,
                    Some(c.key.clone()),
                    format!("no product {}", c.product),
                    "logistics.chain.unknown-product",
                    format!("{}: {}", c.key, c.product),
                )),
                Some(p) => {
                    if let Err(e) = resolve_route(c, &network, p) {
                        problems.push(explained(path, Some(c.key.clone()), e.to_string(), e.key(), e.detail()));
                    }
                }
            }
        }
        for (i, p) in self.parks.iter().enumerate() {
            if network.by_code(&p.node).is_none() {
                problems.push(explained(
                    format!("parks[{i}]"),
                    Some(p.key.clone()),
                    format!("no node {}", p.node),
                    "logistics.unknown-node",
                    format!("{}: {}", p.key, p.node),
                ));
            }
        }
        for (i, l) in self.localisations.iter().enumerate() {
            let path = || format!("localisations[{i}]");
            if !self.parks.iter().any(|p| p.key == l.park) {
                problems.push(explained(
                    path(),
                    Some(l.key.clone()),
                    format!("no park {}", l.park),
                    "logistics.localisation.unknown-park",
                    format!("{}: {}", l.key, l.park),
                ));
            }
            for chain in [&l.finished_chain, &l.kit_chain] {
                if !self.chains.iter().any(|c| &c.key == chain) {
                    problems.push(explained(
                        path(),
                        Some(l.key.clone()),
                        format!("no chain {chain}"),
                        "logistics.localisation.missing-chain",
                        format!("{}: {chain}", l.key),
                    ));
                }
            }
        }
        match (rates, problems.is_empty()) {
            (Some(rates), true) => Ok(LogisticsData {
                network,
                products: self.products,
                chains: self.chains,
                parks: self.parks,
                localisations: self.localisations,
                rates,
            }),
            _ => Err(problems),
        }
    }
}

/// Reads several documents and validates them as one.
pub fn read_all(files: &[&[u8]]) -> Result<LogisticsData, Vec<JsonProblem>> {
    let mut doc = LogisticsDocument::default();
    let mut problems = Vec::new();
    for bytes in files {
        match read_json(bytes) {
            Ok(d) => doc = doc.merge(d),
            Err(p) => problems.extend(p),
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    doc.validate()
}

/// The reference documents embedded in the binary: network, products, chains (with parks,
/// localisation cases and planning rates).
pub fn reference_documents() -> [&'static str; 3] {
    [REFERENCE_NETWORK, REFERENCE_PRODUCTS, REFERENCE_CHAINS]
}

/// The reference data, validated.
pub fn reference() -> Result<LogisticsData, Vec<JsonProblem>> {
    let [a, b, c] = reference_documents();
    read_all(&[a.as_bytes(), b.as_bytes(), c.as_bytes()])
}
