//! The append-only, hash-chained change log.
//!
//! Each entry stores the hash of the one before it, so any edit or removal of a past entry
//! breaks the chain at a place [`verify_chain`] names. Each entry also carries the state after
//! the change, enough to replay it on another instance.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// The `prev_hash` of the first entry.
pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Operation {
    Create,
    Update,
    Delete,
}

impl Operation {
    pub fn code(self) -> &'static str {
        match self {
            Operation::Create => "create",
            Operation::Update => "update",
            Operation::Delete => "delete",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "create" => Some(Operation::Create),
            "update" => Some(Operation::Update),
            "delete" => Some(Operation::Delete),
            _ => None,
        }
    }
}

/// A change about to be logged: what the store knows before it appends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub entity: &'static str,
    pub entity_id: String,
    pub operation: Operation,
    /// JSON of the state before (none for a creation).
    pub before: Option<String>,
    /// JSON of the state after (none for a deletion).
    pub after: Option<String>,
    pub reason: Option<String>,
}

impl Change {
    pub fn create<T: Serialize>(entity: &'static str, id: impl ToString, after: &T) -> Self {
        Change {
            entity,
            entity_id: id.to_string(),
            operation: Operation::Create,
            before: None,
            after: Some(to_json(after)),
            reason: None,
        }
    }
    pub fn update<T: Serialize>(entity: &'static str, id: impl ToString, before: &T, after: &T) -> Self {
        Change {
            entity,
            entity_id: id.to_string(),
            operation: Operation::Update,
            before: Some(to_json(before)),
            after: Some(to_json(after)),
            reason: None,
        }
    }
    pub fn delete<T: Serialize>(entity: &'static str, id: impl ToString, before: &T) -> Self {
        Change {
            entity,
            entity_id: id.to_string(),
            operation: Operation::Delete,
            before: Some(to_json(before)),
            after: None,
            reason: None,
        }
    }
    pub fn with_reason(mut self, reason: Option<String>) -> Self {
        self.reason = reason.filter(|r| !r.trim().is_empty());
        self
    }
}

fn to_json<T: Serialize>(value: &T) -> String {
    // Domain types serialise infallibly (no maps with non-string keys); an error here is a bug.
    serde_json::to_string(value).unwrap_or_else(|e| format!("{{\"serialisation_error\":\"{e}\"}}"))
}

/// One logged entry, as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEntry {
    pub seq: i64,
    pub at: DateTime<Utc>,
    /// Login of the user who made the change; `None` for the system (demo load, migrations).
    pub actor: Option<String>,
    pub entity: String,
    pub entity_id: String,
    pub operation: Operation,
    pub before: Option<String>,
    pub after: Option<String>,
    pub reason: Option<String>,
    pub prev_hash: String,
    pub hash: String,
}

/// The fixed textual form of a timestamp, used in the hash and in storage.
pub fn timestamp_text(at: DateTime<Utc>) -> String {
    at.format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string()
}

/// The hash of an entry's content chained onto `prev_hash` (hex SHA-256).
#[allow(clippy::too_many_arguments)]
pub fn entry_hash(
    prev_hash: &str,
    seq: i64,
    at: DateTime<Utc>,
    actor: Option<&str>,
    entity: &str,
    entity_id: &str,
    operation: Operation,
    before: Option<&str>,
    after: Option<&str>,
    reason: Option<&str>,
) -> String {
    // A JSON array is an unambiguous encoding: no field can bleed into the next.
    let canonical = serde_json::json!([
        prev_hash,
        seq,
        timestamp_text(at),
        actor,
        entity,
        entity_id,
        operation.code(),
        before,
        after,
        reason
    ])
    .to_string();
    hex(&Sha256::digest(canonical.as_bytes()))
}

impl AuditEntry {
    pub fn computed_hash(&self) -> String {
        entry_hash(
            &self.prev_hash,
            self.seq,
            self.at,
            self.actor.as_deref(),
            &self.entity,
            &self.entity_id,
            self.operation,
            self.before.as_deref(),
            self.after.as_deref(),
            self.reason.as_deref(),
        )
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// One field that a change altered, as text (JSON values, strings unquoted).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldChange {
    pub field: String,
    pub before: String,
    pub after: String,
}

fn show(value: Option<&serde_json::Value>) -> String {
    match value {
        None | Some(serde_json::Value::Null) => String::new(),
        Some(serde_json::Value::String(s)) => s.clone(),
        Some(other) => other.to_string(),
    }
}

/// What a logged change did, field by field: the top-level keys whose values differ between
/// the before and after states (nested values compare whole). Versions are left out.
pub fn field_changes(before: Option<&str>, after: Option<&str>) -> Vec<FieldChange> {
    let parse = |s: Option<&str>| -> serde_json::Map<String, serde_json::Value> {
        s.and_then(|s| serde_json::from_str::<serde_json::Value>(s).ok())
            .and_then(|v| v.as_object().cloned())
            .unwrap_or_default()
    };
    let (old, new) = (parse(before), parse(after));
    let mut keys: Vec<&String> = old.keys().chain(new.keys()).collect();
    keys.sort();
    keys.dedup();
    keys.into_iter()
        .filter(|k| k.as_str() != "version")
        .filter(|k| old.get(*k) != new.get(*k))
        .map(|k| FieldChange { field: k.clone(), before: show(old.get(k)), after: show(new.get(k)) })
        .collect()
}

/// Where and how the chain is broken.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
pub enum ChainBreak {
    #[error("entry {seq}: its content does not match its hash (edited after it was written)")]
    ContentAltered { seq: i64 },
    #[error("entry {seq}: it does not point to the entry before it (an entry was removed or reordered)")]
    LinkBroken { seq: i64 },
}

impl ChainBreak {
    pub fn seq(&self) -> i64 {
        match self {
            ChainBreak::ContentAltered { seq } | ChainBreak::LinkBroken { seq } => *seq,
        }
    }
}

/// Checks entries in sequence order, carrying the previous hash between calls so the store
/// can stream a long log in pages.
#[derive(Debug, Clone)]
pub struct ChainVerifier {
    expected_prev: String,
    pub checked: u64,
}

impl Default for ChainVerifier {
    fn default() -> Self {
        ChainVerifier { expected_prev: GENESIS_HASH.to_string(), checked: 0 }
    }
}

impl ChainVerifier {
    pub fn check(&mut self, entry: &AuditEntry) -> Result<(), ChainBreak> {
        if entry.prev_hash != self.expected_prev {
            return Err(ChainBreak::LinkBroken { seq: entry.seq });
        }
        if entry.computed_hash() != entry.hash {
            return Err(ChainBreak::ContentAltered { seq: entry.seq });
        }
        self.expected_prev.clone_from(&entry.hash);
        self.checked += 1;
        Ok(())
    }
}

/// Verifies a whole chain held in memory.
pub fn verify_chain<'a>(entries: impl IntoIterator<Item = &'a AuditEntry>) -> Result<u64, ChainBreak> {
    let mut verifier = ChainVerifier::default();
    for entry in entries {
        verifier.check(entry)?;
    }
    Ok(verifier.checked)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn chain(n: i64) -> Vec<AuditEntry> {
        let mut prev = GENESIS_HASH.to_string();
        (1..=n)
            .map(|seq| {
                let at = Utc.with_ymd_and_hms(2026, 11, 27, 10, 0, 0).single().expect("valid")
                    + chrono::Duration::seconds(seq);
                let after = Some(format!("{{\"n\":{seq}}}"));
                let hash = entry_hash(
                    &prev,
                    seq,
                    at,
                    Some("admin"),
                    "organisation",
                    "x",
                    Operation::Update,
                    None,
                    after.as_deref(),
                    None,
                );
                let entry = AuditEntry {
                    seq,
                    at,
                    actor: Some("admin".into()),
                    entity: "organisation".into(),
                    entity_id: "x".into(),
                    operation: Operation::Update,
                    before: None,
                    after,
                    reason: None,
                    prev_hash: prev.clone(),
                    hash: hash.clone(),
                };
                prev = hash;
                entry
            })
            .collect()
    }

    #[test]
    fn intact_chain_verifies() {
        assert_eq!(verify_chain(&chain(5)), Ok(5));
        assert_eq!(verify_chain(&[]), Ok(0));
    }

    #[test]
    fn edited_entry_is_named() {
        let mut entries = chain(5);
        entries[2].after = Some("{\"n\":99}".into());
        assert_eq!(verify_chain(&entries), Err(ChainBreak::ContentAltered { seq: 3 }));
    }

    #[test]
    fn removed_entry_is_named() {
        let mut entries = chain(5);
        entries.remove(1);
        assert_eq!(verify_chain(&entries), Err(ChainBreak::LinkBroken { seq: 3 }));
    }

    #[test]
    fn rehashed_edit_still_breaks_the_next_link() {
        let mut entries = chain(4);
        entries[1].reason = Some("forged".into());
        entries[1].hash = entries[1].computed_hash();
        assert_eq!(verify_chain(&entries), Err(ChainBreak::LinkBroken { seq: 3 }));
    }

    #[test]
    fn changes_are_listed_field_by_field() {
        let before = r#"{"title":"Старое","percent":40,"version":3,"tags":["a"]}"#;
        let after = r#"{"title":"Новое","percent":40,"version":4,"tags":["a","b"],"note":"x"}"#;
        let changes = field_changes(Some(before), Some(after));
        let fields: Vec<&str> = changes.iter().map(|c| c.field.as_str()).collect();
        assert_eq!(fields, ["note", "tags", "title"]);
        assert_eq!(changes[2], FieldChange { field: "title".into(), before: "Старое".into(), after: "Новое".into() });
        assert_eq!(changes[0].before, "");
        assert_eq!(field_changes(None, Some(r#"{"a":1}"#)).len(), 1, "a creation lists every field");
        assert!(field_changes(Some("not json"), None).is_empty());
    }

    #[test]
    fn change_constructors_fill_before_and_after() {
        let c = Change::delete("person", 7, &serde_json::json!({"a": 1})).with_reason(Some("  ".into()));
        assert_eq!(c.before.as_deref(), Some("{\"a\":1}"));
        assert_eq!(c.after, None);
        assert_eq!(c.reason, None);
    }
}
