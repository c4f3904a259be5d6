//! Part numbers, interchangeable equivalents and supersession chains.
//!
//! A filter for a MAZ with a YaMZ engine has a YaMZ number, a MAZ catalogue number and a
//! Mann or Fleetguard number; they are *equivalents* (any can be fitted). Makers also replace
//! numbers over time: the old number is *superseded* by a new one, which may be superseded in
//! turn; stock and orders should use the current number. A supersession chain that loops back
//! on itself is a data error, refused when entered and reported when met.

use serde::{Deserialize, Serialize};
use std::collections::{HashMap, HashSet};
use std::fmt;

/// A part number as printed in a catalogue: trimmed, upper-cased, inner spaces removed; 1 to 40
/// characters of letters, digits and `- . /`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct PartNumber(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PartError {
    #[error("part number {value:?} is empty or longer than 40 characters")]
    BadLength { value: String },
    #[error("part number {value:?} contains {ch:?}")]
    BadCharacter { value: String, ch: char },
    #[error("part {part} cannot supersede itself")]
    SelfSupersession { part: PartNumber },
    #[error("part {old} is already superseded by {by}")]
    AlreadySuperseded { old: PartNumber, by: PartNumber },
    #[error("supersession chain loops: {}", chain.iter().map(|p| p.as_str()).collect::<Vec<_>>().join(" -> "))]
    Cycle { chain: Vec<PartNumber> },
}

impl PartError {
    pub fn key(&self) -> &'static str {
        match self {
            PartError::BadLength { .. } => "fleet.error.part_number_length",
            PartError::BadCharacter { .. } => "fleet.error.part_number_character",
            PartError::SelfSupersession { .. } => "fleet.error.part_self_supersession",
            PartError::AlreadySuperseded { .. } => "fleet.error.part_already_superseded",
            PartError::Cycle { .. } => "fleet.error.part_supersession_cycle",
        }
    }
}

impl PartNumber {
    pub fn parse(input: &str) -> Result<PartNumber, PartError> {
        let v: String = input.chars().filter(|c| !c.is_whitespace()).flat_map(char::to_uppercase).collect();
        let len = v.chars().count();
        if len == 0 || len > 40 {
            return Err(PartError::BadLength { value: input.trim().to_string() });
        }
        if let Some(ch) = v.chars().find(|c| !(c.is_alphanumeric() || matches!(c, '-' | '.' | '/'))) {
            return Err(PartError::BadCharacter { value: v, ch });
        }
        Ok(PartNumber(v))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for PartNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for PartNumber {
    type Error = PartError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        PartNumber::parse(&s)
    }
}

impl From<PartNumber> for String {
    fn from(p: PartNumber) -> String {
        p.0
    }
}

/// Supersessions and equivalence groups of part numbers.
#[derive(Debug, Clone, Default)]
pub struct PartCatalogue {
    superseded_by: HashMap<PartNumber, PartNumber>,
    /// Group index of each part that has equivalents.
    group_of: HashMap<PartNumber, usize>,
    groups: Vec<Vec<PartNumber>>,
}

impl PartCatalogue {
    /// Records that `old` is replaced by `new`. Refuses a number superseding itself, a second
    /// successor for `old`, and a link that would close a loop (naming the loop).
    pub fn supersede(&mut self, old: PartNumber, new: PartNumber) -> Result<(), PartError> {
        if old == new {
            return Err(PartError::SelfSupersession { part: old });
        }
        if let Some(by) = self.superseded_by.get(&old) {
            return Err(PartError::AlreadySuperseded { old, by: by.clone() });
        }
        let mut chain = vec![old.clone(), new.clone()];
        let mut at = &new;
        while let Some(next) = self.superseded_by.get(at) {
            chain.push(next.clone());
            if *next == old {
                return Err(PartError::Cycle { chain });
            }
            at = next;
        }
        self.superseded_by.insert(old, new);
        Ok(())
    }

    /// The chain from `part` to its current number, `part` first.
    pub fn chain(&self, part: &PartNumber) -> Result<Vec<PartNumber>, PartError> {
        let mut chain = vec![part.clone()];
        let mut seen: HashSet<&PartNumber> = HashSet::from([part]);
        let mut at = part;
        while let Some(next) = self.superseded_by.get(at) {
            chain.push(next.clone());
            if !seen.insert(next) {
                return Err(PartError::Cycle { chain });
            }
            at = next;
        }
        Ok(chain)
    }

    /// The current number of a part: the end of its supersession chain (itself if never
    /// superseded).
    pub fn current(&self, part: &PartNumber) -> Result<PartNumber, PartError> {
        let mut chain = self.chain(part)?;
        Ok(chain.pop().unwrap_or_else(|| part.clone()))
    }

    /// Records that `a` and `b` are interchangeable (merging their groups).
    pub fn add_equivalent(&mut self, a: PartNumber, b: PartNumber) {
        if a == b {
            return;
        }
        match (self.group_of.get(&a).copied(), self.group_of.get(&b).copied()) {
            (Some(ga), Some(gb)) if ga == gb => {}
            (Some(ga), Some(gb)) => {
                let moved = std::mem::take(&mut self.groups[gb]);
                for p in &moved {
                    self.group_of.insert(p.clone(), ga);
                }
                self.groups[ga].extend(moved);
            }
            (Some(g), None) => {
                self.group_of.insert(b.clone(), g);
                self.groups[g].push(b);
            }
            (None, Some(g)) => {
                self.group_of.insert(a.clone(), g);
                self.groups[g].push(a);
            }
            (None, None) => {
                let g = self.groups.len();
                self.group_of.insert(a.clone(), g);
                self.group_of.insert(b.clone(), g);
                self.groups.push(vec![a, b]);
            }
        }
    }

    /// The numbers interchangeable with `part` (not including it), in entry order.
    pub fn equivalents(&self, part: &PartNumber) -> impl Iterator<Item = &PartNumber> {
        let group = self.group_of.get(part).map(|&g| self.groups[g].as_slice()).unwrap_or(&[]);
        group.iter().filter(move |p| *p != part)
    }

    /// Whether `a` can be fitted where `b` is asked for: the same current number, or current
    /// numbers that are equivalents (or the numbers themselves are).
    pub fn interchangeable(&self, a: &PartNumber, b: &PartNumber) -> Result<bool, PartError> {
        let (ca, cb) = (self.current(a)?, self.current(b)?);
        let same_group = |x: &PartNumber, y: &PartNumber| {
            x == y || self.group_of.get(x).is_some_and(|g| self.group_of.get(y) == Some(g))
        };
        Ok(same_group(&ca, &cb) || same_group(a, b))
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub(crate) fn pn(s: &str) -> PartNumber {
        PartNumber::parse(s).expect("valid part number")
    }

    #[test]
    fn part_numbers_normalise() {
        assert_eq!(pn(" 240-1117030 a ").as_str(), "240-1117030A");
        assert!(matches!(PartNumber::parse(""), Err(PartError::BadLength { .. })));
        assert!(matches!(PartNumber::parse("W962*"), Err(PartError::BadCharacter { ch: '*', .. })));
    }

    #[test]
    fn supersession_resolves_and_refuses_loops() {
        let mut c = PartCatalogue::default();
        c.supersede(pn("A"), pn("B")).expect("a->b");
        c.supersede(pn("B"), pn("C")).expect("b->c");
        assert_eq!(c.current(&pn("A")), Ok(pn("C")));
        assert_eq!(c.current(&pn("Z")), Ok(pn("Z")));
        assert_eq!(c.chain(&pn("A")), Ok(vec![pn("A"), pn("B"), pn("C")]));
        assert_eq!(
            c.supersede(pn("C"), pn("A")),
            Err(PartError::Cycle { chain: vec![pn("C"), pn("A"), pn("B"), pn("C")] })
        );
        assert_eq!(c.supersede(pn("A"), pn("D")), Err(PartError::AlreadySuperseded { old: pn("A"), by: pn("B") }));
        assert_eq!(c.supersede(pn("D"), pn("D")), Err(PartError::SelfSupersession { part: pn("D") }));
        // A loop that slipped in through loaded data is reported, not followed for ever.
        c.superseded_by.insert(pn("C"), pn("B"));
        assert!(matches!(c.current(&pn("A")), Err(PartError::Cycle { .. })));
    }

    #[test]
    fn equivalents_merge_groups() {
        let mut c = PartCatalogue::default();
        c.add_equivalent(pn("840.1012075"), pn("W962"));
        c.add_equivalent(pn("LF3349"), pn("P550162"));
        c.add_equivalent(pn("W962"), pn("LF3349"));
        let eq: Vec<_> = c.equivalents(&pn("P550162")).cloned().collect();
        assert_eq!(eq, vec![pn("840.1012075"), pn("W962"), pn("LF3349")]);
        assert_eq!(c.equivalents(&pn("NONE")).count(), 0);
        c.supersede(pn("OLD-1"), pn("840.1012075")).expect("supersede");
        assert_eq!(c.interchangeable(&pn("OLD-1"), &pn("LF3349")), Ok(true));
        assert_eq!(c.interchangeable(&pn("OLD-1"), &pn("X")), Ok(false));
    }
}
