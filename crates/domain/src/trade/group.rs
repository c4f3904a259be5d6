//! Product groups the users define ("Belarusian machinery", "Far-East seafood", "wild berries"):
//! sets of code prefixes, optionally one direction of trade, with yearly targets.
//!
//! Groups may overlap ("machinery" 84-87 and "tractors" 8701). So that shares add up to 100%
//! and totals by group add up to the grand total, a record belongs to exactly one group: the
//! one with the longest prefix matching its code, the earlier group on a tie; records no group
//! takes are "other".

use super::code::CommodityCode;
use super::money::Money;
use crate::side::Side;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProductGroup {
    /// A short stable key for URLs and files ("machinery").
    pub key: String,
    pub name_ru: String,
    pub name_en: String,
    /// Sorted, without duplicates and without a prefix that a shorter one already covers.
    pub prefixes: Vec<CommodityCode>,
    /// When set, only goods shipped from this side count: "Belarusian machinery" is exports
    /// from Belarus to Russia, not Russian machinery sold to Belarus.
    pub exported_by: Option<Side>,
    /// Target value per calendar year.
    pub targets: BTreeMap<i32, Money>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GroupError {
    #[error("a product group needs a key and a name")]
    MissingName,
    #[error("product group {0:?} has no code prefixes")]
    NoPrefixes(String),
}

impl ProductGroup {
    pub fn new(
        key: &str,
        name_ru: &str,
        name_en: &str,
        prefixes: impl IntoIterator<Item = CommodityCode>,
        exported_by: Option<Side>,
    ) -> Result<ProductGroup, GroupError> {
        let (key, name_ru, name_en) = (key.trim(), name_ru.trim(), name_en.trim());
        if key.is_empty() || (name_ru.is_empty() && name_en.is_empty()) {
            return Err(GroupError::MissingName);
        }
        let mut all: Vec<CommodityCode> = prefixes.into_iter().collect();
        all.sort();
        all.dedup();
        // Sorted order puts a prefix right before the codes it covers.
        let mut kept: Vec<CommodityCode> = Vec::with_capacity(all.len());
        for code in all {
            if !kept.iter().any(|p| code.starts_with(*p)) {
                kept.push(code);
            }
        }
        if kept.is_empty() {
            return Err(GroupError::NoPrefixes(key.to_string()));
        }
        Ok(ProductGroup {
            key: key.to_string(),
            name_ru: name_ru.to_string(),
            name_en: name_en.to_string(),
            prefixes: kept,
            exported_by,
            targets: BTreeMap::new(),
        })
    }

    pub fn with_target(mut self, year: i32, target: Money) -> ProductGroup {
        self.targets.insert(year, target);
        self
    }

    /// Whether a code falls under one of the group's prefixes (whatever the direction).
    pub fn contains(&self, code: CommodityCode) -> bool {
        self.match_len(code).is_some()
    }

    /// The length of the longest prefix matching the code.
    pub fn match_len(&self, code: CommodityCode) -> Option<u8> {
        self.prefixes.iter().filter(|p| code.starts_with(**p)).map(|p| p.len()).max()
    }

    /// Whether goods of `code` shipped from `from` (when known) belong here.
    pub fn takes(&self, code: CommodityCode, from: Option<Side>) -> bool {
        self.direction_allows(from) && self.contains(code)
    }

    fn direction_allows(&self, from: Option<Side>) -> bool {
        match (self.exported_by, from) {
            (None, _) => true,
            (Some(wanted), Some(from)) => wanted == from,
            (Some(_), None) => false,
        }
    }
}

/// The index of the group a record belongs to: the longest matching prefix wins, then the
/// earlier group. `from` is the side the goods were shipped from, if known.
pub fn classify(groups: &[ProductGroup], code: CommodityCode, from: Option<Side>) -> Option<usize> {
    let mut best: Option<(usize, u8)> = None;
    for (i, g) in groups.iter().enumerate() {
        if !g.direction_allows(from) {
            continue;
        }
        if let Some(len) = g.match_len(code)
            && best.is_none_or(|(_, l)| len > l)
        {
            best = Some((i, len));
        }
    }
    best.map(|(i, _)| i)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::trade::money::Currency;

    fn codes(list: &[&str]) -> Vec<CommodityCode> {
        list.iter().map(|c| CommodityCode::parse(c).expect(c)).collect()
    }
    fn code(c: &str) -> CommodityCode {
        CommodityCode::parse(c).expect(c)
    }

    #[test]
    fn prefixes_are_normalised() {
        let g = ProductGroup::new("m", "Техника", "Machinery", codes(&["8701", "87", "8429", "870120", "8429"]), None)
            .expect("group");
        assert_eq!(g.prefixes, codes(&["8429", "87"]));
        assert!(g.contains(code("8701201013")));
        assert!(g.contains(code("842952")));
        assert!(!g.contains(code("8430")));
        assert!(!g.contains(code("84")), "a chapter is wider than the group's heading");
        assert_eq!(g.match_len(code("8701201013")), Some(2));
    }

    #[test]
    fn empty_groups_are_refused() {
        assert_eq!(ProductGroup::new("x", "Икс", "", Vec::new(), None), Err(GroupError::NoPrefixes("x".into())));
        assert_eq!(ProductGroup::new(" ", "Икс", "X", codes(&["01"]), None), Err(GroupError::MissingName));
    }

    #[test]
    fn longest_prefix_then_order_decides() {
        let machinery = ProductGroup::new("m", "Техника", "Machinery", codes(&["84", "87"]), Some(Side::By))
            .expect("g")
            .with_target(2025, Money::new(100_000_000, Currency::Usd));
        let tractors = ProductGroup::new("t", "Тракторы", "Tractors", codes(&["8701"]), None).expect("g");
        let vehicles = ProductGroup::new("v", "Транспорт", "Vehicles", codes(&["87"]), None).expect("g");
        let groups = vec![machinery, tractors, vehicles];
        assert_eq!(classify(&groups, code("8701201013"), Some(Side::By)), Some(1));
        assert_eq!(classify(&groups, code("8704"), Some(Side::By)), Some(0), "tie on 87: the earlier group");
        assert_eq!(classify(&groups, code("8704"), Some(Side::Khv)), Some(2), "machinery is Belarusian only");
        assert_eq!(classify(&groups, code("8429"), Some(Side::Khv)), None);
        assert_eq!(classify(&groups, code("8429"), None), None, "direction unknown: a directed group declines");
        assert_eq!(classify(&groups, code("0401"), Some(Side::By)), None);
        assert!(groups[0].takes(code("8429"), Some(Side::By)));
        assert!(!groups[0].takes(code("8429"), Some(Side::Khv)));
        assert_eq!(groups[0].targets.get(&2025).map(|m| m.minor), Some(100_000_000));
    }
}
