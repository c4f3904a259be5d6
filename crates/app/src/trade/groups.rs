//! Product groups ("supplies of MTZ tractors" ↔ 8701): their code prefixes, yearly targets and
//! the plan measures they stand behind. A group is an editable record with a version: a save
//! of an existing group names the version it was read at, else it is refused.

use crate::{Actor, App, Error, Result};
use accord_domain::directory::{Action, authorize};
use accord_domain::trade::{CommodityCode, Currency, GroupError, Money, ProductGroup};
use accord_domain::validation::{Invalid, Reason};
use accord_domain::{MeasureId, Side};
use accord_store::StoredGroup;
use serde::Deserialize;
use std::collections::BTreeMap;

/// A product group as the API's JSON and the groups form give it.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct GroupInput {
    /// The group's key (`tractors`); a path's key takes its place.
    pub key: Option<String>,
    #[serde(default)]
    pub name_ru: String,
    #[serde(default)]
    pub name_en: String,
    /// Code prefixes, e.g. ["8701", "0401 20"].
    #[serde(default)]
    pub prefixes: Vec<String>,
    /// BY or KHV when only that side's exports belong in the group.
    pub exported_by: Option<String>,
    /// Yearly targets in USD, e.g. {"2025": "25000000"}.
    #[serde(default)]
    pub targets: BTreeMap<i32, String>,
    /// The plan measures the group stands behind, by id or by number (`1.2.`); absent keeps
    /// the links as they are.
    pub measures: Option<Vec<String>>,
    /// The version read; required when the group exists.
    #[serde(default, deserialize_with = "super::optional_version")]
    pub version: Option<i64>,
}

impl GroupInput {
    /// The domain's group, every field checked.
    pub fn group(&self, key: &str) -> Result<ProductGroup> {
        let prefixes = self
            .prefixes
            .iter()
            .filter(|p| !p.trim().is_empty())
            .map(|p| CommodityCode::parse(p).map_err(|_| Invalid::one("prefixes", Reason::InvalidCode)))
            .collect::<Result<Vec<_>, _>>()?;
        let exported_by = match self.exported_by.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            Some(side) => Some(side.parse::<Side>().map_err(|_| Invalid::one("exported_by", Reason::UnknownValue))?),
            None => None,
        };
        let mut group =
            ProductGroup::new(key, &self.name_ru, &self.name_en, prefixes, exported_by).map_err(|e| match e {
                GroupError::NoPrefixes(_) => Invalid::one("prefixes", Reason::Required),
                _ => Invalid::one("name_ru", Reason::Required),
            })?;
        for (year, amount) in &self.targets {
            let amount = amount.trim().replace([' ', '\u{a0}'], "").replace(',', ".");
            if amount.is_empty() {
                continue;
            }
            let money =
                Money::parse(&amount, Currency::Usd).map_err(|_| Invalid::one("targets", Reason::UnknownValue))?;
            group = group.with_target(*year, money);
        }
        Ok(group)
    }
}

impl App {
    /// Measures named by id or by number in the plan (the first plan, where the groups'
    /// measures live).
    async fn group_measures(&self, refs: &[String]) -> Result<Vec<MeasureId>> {
        let refs: Vec<&str> = refs.iter().map(|r| r.trim()).filter(|r| !r.is_empty()).collect();
        if refs.is_empty() {
            return Ok(Vec::new());
        }
        let plan = self.plan_resolve(None).await.map_err(|e| match e {
            Error::NotFound { .. } => Invalid::one("measures", Reason::NotFound).into(),
            other => other,
        })?;
        let measures = self.store.measures_of_plan(plan.id).await?;
        refs.into_iter()
            .map(|r| {
                let found = match r.parse::<MeasureId>() {
                    Ok(id) => measures.iter().find(|m| m.id == id),
                    Err(_) => {
                        let number = if r.ends_with('.') { r.to_string() } else { format!("{r}.") };
                        measures.iter().find(|m| m.data.number.to_string() == number)
                    }
                };
                found.map(|m| m.id).ok_or_else(|| Invalid::one("measures", Reason::NotFound).into())
            })
            .collect()
    }

    /// Creates a group, or changes the one with the same key at the version read, with its
    /// measure links: one transaction.
    pub async fn product_group_save(&self, actor: &Actor, key: &str, input: &GroupInput) -> Result<StoredGroup> {
        authorize(&actor.role(), Action::ManageTradeReference)?;
        let key = key.trim().to_ascii_lowercase();
        if key.is_empty() {
            return Err(Invalid::one("key", Reason::Required).into());
        }
        let group = input.group(&key)?;
        let measures = match &input.measures {
            Some(refs) => Some(self.group_measures(refs).await?),
            None => None,
        };
        let existing = self.store.product_groups().await?.iter().find(|g| g.group.key == key).cloned();
        match (&existing, input.version) {
            (Some(_), None) => return Err(Invalid::one("version", Reason::Required).into()),
            (None, Some(_)) => return Err(Error::Stale { entity: "product_group", current: 0 }),
            _ => {}
        }
        let mut w = self.store.begin_write(actor.author()).await?;
        let stored = self.store.product_group_save_in(&mut w, &group, input.version).await?;
        if let Some(measures) = &measures {
            self.store.product_group_link_in(&mut w, &stored.id, measures).await?;
        }
        w.commit().await?;
        let groups = self.store.product_groups().await?;
        Ok(groups.iter().find(|g| g.id == stored.id).cloned().unwrap_or(stored))
    }

    /// Deletes a group (and its links) at the version read.
    pub async fn product_group_delete(&self, actor: &Actor, key: &str, version: Option<i64>) -> Result<()> {
        authorize(&actor.role(), Action::ManageTradeReference)?;
        let version = version.ok_or_else(|| Invalid::one("version", Reason::Required))?;
        let groups = self.store.product_groups().await?;
        let group = groups.iter().find(|g| g.group.key == key.trim()).ok_or(Error::not_found("product_group"))?;
        let mut w = self.store.begin_write(actor.author()).await?;
        self.store.product_group_delete_in(&mut w, &group.id, version).await?;
        w.commit().await?;
        Ok(())
    }
}
