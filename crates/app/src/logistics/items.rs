//! One node or leg edited, added or deleted (the network's forms). Each change is checked
//! against the whole network as it would be after it (legs between known nodes, every node
//! reached, chains over existing legs), and written at the version the editor read.

use super::{Loaded, ensure_unchanged, load};
use crate::{Actor, App, Error, Result, Rule};
use accord_domain::directory::{Action, authorize};
use accord_domain::logistics::{Leg, Network, NetworkError, Node};
use accord_domain::validation::{Invalid, Reason};
use accord_store::{LogisticsItem, LogisticsKind};

/// A node as its form gives it: new (`previous` empty, with the leg that reaches it) or an
/// edit of the node stored under `previous` at `version`.
#[derive(Debug, Clone)]
pub struct NodeSave {
    pub previous: Option<String>,
    pub version: Option<i64>,
    pub node: Node,
    /// A new node's arriving leg (the network has no unreachable nodes).
    pub arriving: Option<Leg>,
}

/// A leg as its form gives it: new (`previous` empty) or an edit of the leg stored under
/// `previous` (its label) at `version`.
#[derive(Debug, Clone)]
pub struct LegSave {
    pub previous: Option<String>,
    pub version: Option<i64>,
    pub leg: Leg,
}

/// Which form field a network problem is about, for a node or a leg form.
pub fn network_field(e: &NetworkError) -> &'static str {
    match e {
        NetworkError::DuplicateNode(_) => "code",
        NetworkError::DuplicateName { .. } => "name_ru",
        NetworkError::EmptyField { field, .. } | NetworkError::NodeNegative { field, .. } => match *field {
            "handling_per_container" => "handling",
            "storage_per_container_day" => "storage",
            f => f,
        },
        NetworkError::BadTimeZone { .. } => "time_zone",
        NetworkError::NodeRangeOrder { .. } => "dwell",
        NetworkError::UnknownNode { .. } | NetworkError::SelfLoop { .. } => "to",
        NetworkError::NegativeTime { .. } | NetworkError::RangeOrder { .. } => "days_typical",
        NetworkError::NegativeCost { field, .. } => match *field {
            "cost_per_tonne" => "tonne",
            _ => "container",
        },
        NetworkError::NoCost { .. } => "container",
        NetworkError::ReeferWithoutRange { .. } | NetworkError::BadTempRange { .. } => "reefer_max",
        NetworkError::NeverOpen { .. } => "months_open",
        _ => "",
    }
}

/// Every problem of the network with `nodes` and `legs` in place of the stored ones (and of the
/// chains and parks over it), as (the field it concerns if `concerns` says it is the edited
/// item's, Fluent id, words-free detail).
fn problems_of(
    loaded: &Loaded,
    nodes: Vec<Node>,
    legs: Vec<Leg>,
    concerns: impl Fn(&NetworkError) -> bool,
) -> Vec<(Option<&'static str>, String, String)> {
    let id = crate::error::fluent_id;
    let mut out: Vec<_> = Network::validate(&nodes, &legs)
        .iter()
        .map(|e| {
            let field = Some(network_field(e)).filter(|f| concerns(e) && !f.is_empty());
            (field, id(e.key()), e.detail())
        })
        .collect();
    if out.is_empty() {
        let mut doc = loaded.doc.clone();
        doc.nodes = nodes;
        doc.legs = legs;
        if let Err(problems) = doc.validate() {
            out.extend(problems.iter().map(|p| match &p.explained {
                Some((key, detail)) => (None, id(key), detail.clone()),
                None => (None, "logistics-stored-invalid".to_string(), p.to_string()),
            }));
        }
    }
    out
}

/// A change the network refuses: the problem of the edited item first (naming its field),
/// else the first problem it causes elsewhere.
fn refuse_change(problems: &[(Option<&'static str>, String, String)]) -> Result<()> {
    let Some((field, key, detail)) = problems.iter().find(|(f, ..)| f.is_some()).or(problems.first()) else {
        return Ok(());
    };
    let mut rule = Rule::input("logistics_network_invalid", key.clone()).arg("detail", detail).detail(detail);
    if let Some(field) = field {
        rule = rule.field(field);
    }
    Err(Error::Refused(rule))
}

/// A deletion the network refuses: it would break what is left (a leg of a deleted node, a node
/// no leg reaches, a chain over a deleted leg), named by the items.
fn refuse_deletion(problems: &[(Option<&'static str>, String, String)]) -> Result<()> {
    if problems.is_empty() {
        return Ok(());
    }
    let detail = problems.iter().take(5).map(|(_, _, d)| d.as_str()).collect::<Vec<_>>().join("; ");
    Err(Error::Refused(
        Rule::state("logistics_delete_refused", "logistics-delete-refused").arg("detail", &detail).detail(detail),
    ))
}

fn edit_version(previous: &Option<String>, version: Option<i64>) -> Result<Option<i64>> {
    match (previous, version) {
        (Some(_), None) => Err(Invalid::one("version", Reason::Required).into()),
        (None, _) => Ok(None),
        (Some(_), v) => Ok(v),
    }
}

impl App {
    /// Adds a node with the leg that reaches it, or changes a node (its code stays: it is the
    /// node's key in legs and chains). Returns the node's new version.
    pub async fn network_node_save(&self, actor: &Actor, save: &NodeSave) -> Result<i64> {
        authorize(&actor.role(), Action::ManageLogistics)?;
        let previous = save.previous.as_deref().map(str::trim).filter(|p| !p.is_empty()).map(str::to_string);
        let version = edit_version(&previous, save.version)?;
        let node = &save.node;
        if previous.as_deref().is_some_and(|p| p != node.code.as_str()) {
            return Err(Error::Refused(Rule::input("logistics_rename", "logistics-error-rename").field("code")));
        }
        let arriving = match (&previous, &save.arriving) {
            (None, None) => return Err(Invalid::one("arrive_from", Reason::Required).into()),
            (None, Some(leg)) => Some(leg),
            (Some(_), _) => None,
        };
        let loaded = load(&self.store).await?;
        let mut nodes = loaded.doc.nodes.clone();
        let mut legs = loaded.doc.legs.clone();
        match &previous {
            None => nodes.push(node.clone()),
            Some(previous) => {
                let slot = nodes.iter_mut().find(|n| n.code.as_str() == previous).ok_or(Error::not_found("node"))?;
                *slot = node.clone();
            }
        }
        if let Some(leg) = arriving {
            legs.push(leg.clone());
        }
        let code = node.code.clone();
        let arriving_index = arriving.map(|_| legs.len() - 1);
        let concerns =
            |e: &NetworkError| e.node() == Some(&code) || (arriving_index.is_some() && e.leg_index() == arriving_index);
        refuse_change(&problems_of(&loaded, nodes, legs, concerns))?;
        let item = LogisticsItem::new(LogisticsKind::Node, node.code.to_string(), node)?;
        let mut w = self.store.begin_write(actor.author()).await?;
        ensure_unchanged(&self.store, &mut w, &loaded.records).await?;
        let saved = self.store.logistics_save_in(&mut w, previous.as_deref(), version, &item).await?;
        if let Some(leg) = arriving {
            let leg = LogisticsItem::new(LogisticsKind::Leg, leg.label(), leg)?;
            self.store.logistics_save_in(&mut w, None, None, &leg).await?;
        }
        w.commit().await?;
        Ok(saved)
    }

    /// Adds a leg, or changes the one stored under `previous` (its ends and mode may change).
    /// Returns the leg's new version.
    pub async fn network_leg_save(&self, actor: &Actor, save: &LegSave) -> Result<i64> {
        authorize(&actor.role(), Action::ManageLogistics)?;
        let previous = save.previous.as_deref().map(str::trim).filter(|p| !p.is_empty()).map(str::to_string);
        let version = edit_version(&previous, save.version)?;
        let leg = &save.leg;
        let loaded = load(&self.store).await?;
        let mut legs = loaded.doc.legs.clone();
        let label = leg.label();
        if legs.iter().any(|l| l.label() == label && Some(l.label()) != previous) {
            return Err(Invalid::one("mode", Reason::NotUnique).into());
        }
        match &previous {
            None => legs.push(leg.clone()),
            Some(previous) => {
                let slot = legs.iter_mut().find(|l| l.label() == *previous).ok_or(Error::not_found("leg"))?;
                *slot = leg.clone();
            }
        }
        let index = legs.iter().position(|l| l.label() == label);
        let concerns = |e: &NetworkError| index.is_some() && e.leg_index() == index;
        refuse_change(&problems_of(&loaded, loaded.doc.nodes.clone(), legs, concerns))?;
        let item = LogisticsItem::new(LogisticsKind::Leg, label, leg)?;
        let mut w = self.store.begin_write(actor.author()).await?;
        ensure_unchanged(&self.store, &mut w, &loaded.records).await?;
        let saved = self.store.logistics_save_in(&mut w, previous.as_deref(), version, &item).await?;
        w.commit().await?;
        Ok(saved)
    }

    /// Deletes a node or a leg at the version read, unless what is left would break.
    pub async fn network_item_delete(
        &self,
        actor: &Actor,
        kind: LogisticsKind,
        key: &str,
        version: Option<i64>,
    ) -> Result<()> {
        authorize(&actor.role(), Action::ManageLogistics)?;
        let version = version.ok_or_else(|| Invalid::one("version", Reason::Required))?;
        let loaded = load(&self.store).await?;
        let (mut nodes, mut legs) = (loaded.doc.nodes.clone(), loaded.doc.legs.clone());
        match kind {
            LogisticsKind::Node => nodes.retain(|n| n.code.as_str() != key),
            LogisticsKind::Leg => legs.retain(|l| l.label() != key),
            _ => return Err(Invalid::one("kind", Reason::UnknownValue).into()),
        }
        refuse_deletion(&problems_of(&loaded, nodes, legs, |_| false))?;
        let mut w = self.store.begin_write(actor.author()).await?;
        ensure_unchanged(&self.store, &mut w, &loaded.records).await?;
        self.store.logistics_delete_in(&mut w, kind, key, version).await?;
        w.commit().await?;
        Ok(())
    }
}
