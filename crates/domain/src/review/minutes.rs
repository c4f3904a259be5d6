//! The minutes of a meeting and their two-key approval.
//!
//! Minutes bind both sides, so each side's coordinator approves them: two keys, held by two
//! different people from different sides. Once both have approved, the minutes are locked and
//! their content hash (SHA-256 of a canonical serialisation) goes into the audit chain, so any
//! later change to the stored text is detectable.

use super::Actor;
use super::decision::DecisionRecord;
use crate::directory::Role;
use crate::{MeetingId, PersonId, Side, UserId};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// A numbered item of the minutes ("3.2").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MinutesItem {
    pub number: String,
    pub heading: String,
    pub text: String,
}

/// What the minutes say: everything the hash covers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MinutesContent {
    pub meeting: MeetingId,
    pub date: NaiveDate,
    pub attendees: Vec<PersonId>,
    pub items: Vec<MinutesItem>,
    pub decisions: Vec<DecisionRecord>,
}

impl MinutesContent {
    /// The canonical serialisation: compact JSON with fields in declaration order and lists in
    /// their given order (no maps, so no key-order ambiguity). Keep field order stable: it is
    /// part of every stored hash.
    pub fn canonical_json(&self) -> String {
        // Only strings, dates, ids and numbers: serialisation cannot fail.
        serde_json::to_string(self).unwrap_or_default()
    }

    /// Lowercase hex SHA-256 of [`Self::canonical_json`].
    pub fn content_hash(&self) -> String {
        let digest = Sha256::digest(self.canonical_json().as_bytes());
        digest.iter().map(|b| format!("{b:02x}")).collect()
    }
}

/// One side's key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Approval {
    pub user: UserId,
    pub side: Side,
    pub at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Minutes {
    pub content: MinutesContent,
    pub approvals: Vec<Approval>,
    /// Set when both keys are in: the content is locked and this is its hash.
    pub locked_hash: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MinutesError {
    #[error("the minutes are approved and locked")]
    Locked,
    #[error("only a coordinator may approve minutes")]
    NotCoordinator,
    #[error("this person has already approved: the second key must be someone else")]
    SamePerson,
    #[error("side {0} has already approved: the second key must come from the other side")]
    SameSide(Side),
}

impl Minutes {
    pub fn new(content: MinutesContent) -> Minutes {
        Minutes { content, approvals: Vec::new(), locked_hash: None }
    }

    pub fn is_locked(&self) -> bool {
        self.locked_hash.is_some()
    }

    /// Replaces the content; any approval given so far is withdrawn (it was for other words).
    pub fn edit(&mut self, content: MinutesContent) -> Result<(), MinutesError> {
        if self.is_locked() {
            return Err(MinutesError::Locked);
        }
        self.content = content;
        self.approvals.clear();
        Ok(())
    }

    /// Adds a coordinator's key. Returns the content hash when this was the second key.
    pub fn approve(&mut self, actor: &Actor, at: DateTime<Utc>) -> Result<Option<String>, MinutesError> {
        if self.is_locked() {
            return Err(MinutesError::Locked);
        }
        let Role::Coordinator { side } = actor.role else {
            return Err(MinutesError::NotCoordinator);
        };
        if self.approvals.iter().any(|a| a.user == actor.user) {
            return Err(MinutesError::SamePerson);
        }
        if self.approvals.iter().any(|a| a.side == side) {
            return Err(MinutesError::SameSide(side));
        }
        self.approvals.push(Approval { user: actor.user, side, at });
        if Side::ALL.iter().all(|s| self.approvals.iter().any(|a| a.side == *s)) {
            let hash = self.content.content_hash();
            self.locked_hash = Some(hash.clone());
            return Ok(Some(hash));
        }
        Ok(None)
    }

    /// Whether the content still matches the hash recorded at approval.
    pub fn verify(&self) -> bool {
        self.locked_hash.as_deref().is_some_and(|h| h == self.content.content_hash())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::directory::Role;
    use crate::review::tests_support::{coordinator, d, executor, user, utc};

    fn content() -> MinutesContent {
        MinutesContent {
            meeting: MeetingId::new_at(1, [0; 10]),
            date: d(2025, 5, 12),
            attendees: vec![PersonId::new_at(1, [0; 10])],
            items: vec![MinutesItem {
                number: "1".into(),
                heading: "О ходе выполнения".into(),
                text: "Принять к сведению".into(),
            }],
            decisions: Vec::new(),
        }
    }

    #[test]
    fn two_keys_from_two_sides() {
        let at = utc(2025, 5, 13, 6, 0);
        let mut m = Minutes::new(content());
        assert_eq!(m.approve(&executor(5, Side::By, 1), at), Err(MinutesError::NotCoordinator));
        assert_eq!(m.approve(&Actor { user: user(9), role: Role::Admin }, at), Err(MinutesError::NotCoordinator));
        assert_eq!(m.approve(&coordinator(1, Side::By), at), Ok(None));
        assert_eq!(m.approve(&coordinator(1, Side::By), at), Err(MinutesError::SamePerson));
        assert_eq!(
            m.approve(&Actor { user: user(1), role: Role::Coordinator { side: Side::Khv } }, at),
            Err(MinutesError::SamePerson),
            "one person cannot hold both keys even with a role on each side"
        );
        assert_eq!(m.approve(&coordinator(2, Side::By), at), Err(MinutesError::SameSide(Side::By)));
        let hash = m.approve(&coordinator(3, Side::Khv), at).expect("second key").expect("locked");
        assert_eq!(hash.len(), 64);
        assert!(m.is_locked() && m.verify());
        assert_eq!(m.edit(content()), Err(MinutesError::Locked));
        assert_eq!(m.approve(&coordinator(4, Side::Khv), at), Err(MinutesError::Locked));
        m.content.items[0].text.push('!');
        assert!(!m.verify(), "a changed stored text no longer matches");
    }

    #[test]
    fn editing_withdraws_approvals_and_the_hash_is_stable() {
        let mut m = Minutes::new(content());
        m.approve(&coordinator(1, Side::By), utc(2025, 5, 13, 6, 0)).expect("key");
        let mut changed = content();
        changed.items[0].text = "Иначе".into();
        m.edit(changed.clone()).expect("edit");
        assert!(m.approvals.is_empty());
        assert_eq!(content().content_hash(), content().content_hash());
        assert_ne!(content().content_hash(), changed.content_hash());
        assert!(content().canonical_json().starts_with("{\"meeting\":"));
    }
}
