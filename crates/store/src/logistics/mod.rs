//! Logistics: nodes, legs, products, chains, parks, localisation cases and planning rates, one
//! row per item with the domain value as JSON (see migration 0010 for why).
//!
//! The store does not judge whether the items make a valid whole (legs between known nodes,
//! chains over existing legs): the caller validates the whole with the domain before it writes,
//! and every write here is one transaction with its audit entries. An import replaces whole
//! kinds (the sections the file has) and writes only what differs, so importing the same file
//! again changes nothing and leaves no audit entry.

use crate::directory::new_uuid;
use crate::{Author, Result, Store, StoreError, WriteTx, corrupt};
use accord_domain::audit::Change;
use accord_domain::logistics::{
    Chain, ChainIndicatorLink, ChainMetric, FixedRate, Leg, LocalisationCase, Node, Park, Product,
};
use accord_domain::trade::Currency;
use accord_domain::validation::{Invalid, Reason};
use accord_domain::{IndicatorId, Quarter};
use rust_decimal::Decimal;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sqlx::Row;
use std::collections::BTreeMap;

mod indicators;

pub use indicators::RecordedFigures;

/// What kind of logistics item a row holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum LogisticsKind {
    Node,
    Leg,
    Product,
    Chain,
    Park,
    Localisation,
    Rates,
}

impl LogisticsKind {
    pub const ALL: [LogisticsKind; 7] = [
        LogisticsKind::Node,
        LogisticsKind::Leg,
        LogisticsKind::Product,
        LogisticsKind::Chain,
        LogisticsKind::Park,
        LogisticsKind::Localisation,
        LogisticsKind::Rates,
    ];

    pub fn code(self) -> &'static str {
        match self {
            LogisticsKind::Node => "node",
            LogisticsKind::Leg => "leg",
            LogisticsKind::Product => "product",
            LogisticsKind::Chain => "chain",
            LogisticsKind::Park => "park",
            LogisticsKind::Localisation => "localisation",
            LogisticsKind::Rates => "rates",
        }
    }

    pub fn parse(code: &str) -> Option<LogisticsKind> {
        LogisticsKind::ALL.into_iter().find(|k| k.code() == code)
    }

    /// The audit log's entity name.
    fn entity(self) -> &'static str {
        match self {
            LogisticsKind::Node => "logistics_node",
            LogisticsKind::Leg => "logistics_leg",
            LogisticsKind::Product => "logistics_product",
            LogisticsKind::Chain => "logistics_chain",
            LogisticsKind::Park => "logistics_park",
            LogisticsKind::Localisation => "logistics_localisation",
            LogisticsKind::Rates => "logistics_rates",
        }
    }
}

/// The key the single planning-rates item is kept under.
pub const RATES_KEY: &str = "rates";

/// Planning rates against one base currency (the same shape as the logistics file's `rates`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanningRates {
    pub base: Currency,
    pub rates: Vec<FixedRate>,
}

/// One item to write: its kind, key and value.
#[derive(Debug, Clone, PartialEq)]
pub struct LogisticsItem {
    pub kind: LogisticsKind,
    pub key: String,
    pub body: Value,
}

impl LogisticsItem {
    pub fn new<T: Serialize>(kind: LogisticsKind, key: impl Into<String>, value: &T) -> Result<LogisticsItem> {
        let body = serde_json::to_value(value).map_err(corrupt("logistics item"))?;
        Ok(LogisticsItem { kind, key: key.into(), body })
    }
}

/// An item as stored, with its version for optimistic edits.
#[derive(Debug, Clone, Serialize)]
pub struct StoredLogisticsItem {
    pub kind: LogisticsKind,
    pub key: String,
    pub version: i64,
    pub body: Value,
}

/// Every stored logistics item, in the order they were imported or created.
#[derive(Debug, Clone, Default, Serialize)]
pub struct LogisticsRecords {
    pub items: Vec<StoredLogisticsItem>,
}

impl LogisticsRecords {
    pub fn of(&self, kind: LogisticsKind) -> impl Iterator<Item = &StoredLogisticsItem> {
        self.items.iter().filter(move |i| i.kind == kind)
    }

    pub fn get(&self, kind: LogisticsKind, key: &str) -> Option<&StoredLogisticsItem> {
        self.items.iter().find(|i| i.kind == kind && i.key == key)
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    fn typed<T: DeserializeOwned>(&self, kind: LogisticsKind) -> Result<Vec<T>> {
        self.of(kind)
            .map(|i| {
                serde_json::from_value(i.body.clone())
                    .map_err(|e| StoreError::Corrupt(format!("logistics {} {}: {e}", kind.code(), i.key)))
            })
            .collect()
    }

    pub fn nodes(&self) -> Result<Vec<Node>> {
        self.typed(LogisticsKind::Node)
    }
    pub fn legs(&self) -> Result<Vec<Leg>> {
        self.typed(LogisticsKind::Leg)
    }
    pub fn products(&self) -> Result<Vec<Product>> {
        self.typed(LogisticsKind::Product)
    }
    pub fn chains(&self) -> Result<Vec<Chain>> {
        self.typed(LogisticsKind::Chain)
    }
    pub fn parks(&self) -> Result<Vec<Park>> {
        self.typed(LogisticsKind::Park)
    }
    pub fn localisations(&self) -> Result<Vec<LocalisationCase>> {
        self.typed(LogisticsKind::Localisation)
    }
    pub fn rates(&self) -> Result<Option<PlanningRates>> {
        Ok(self.typed(LogisticsKind::Rates)?.into_iter().next())
    }
}

/// The file behind an import, as the import log keeps it.
#[derive(Debug, Clone)]
pub struct LogisticsFile {
    pub file_name: String,
    /// `json` or `xlsx`.
    pub format: String,
    pub sha256: String,
}

/// What an import changed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct LogisticsImportOutcome {
    pub inserted: u64,
    pub updated: u64,
    pub deleted: u64,
    pub unchanged: u64,
}

impl LogisticsImportOutcome {
    pub fn changed(&self) -> bool {
        self.inserted + self.updated + self.deleted > 0
    }
}

const RECORDS_SQL: &str = "SELECT kind, key, version, body FROM logistics_items ORDER BY position, kind, key";

fn records_of(rows: Vec<sqlx::any::AnyRow>) -> Result<LogisticsRecords> {
    let mut items = Vec::with_capacity(rows.len());
    for row in rows {
        let kind: String = row.try_get("kind")?;
        let kind = LogisticsKind::parse(&kind).ok_or_else(|| StoreError::Corrupt(format!("logistics kind {kind}")))?;
        let body: String = row.try_get("body")?;
        items.push(StoredLogisticsItem {
            kind,
            key: row.try_get("key")?,
            version: row.try_get("version")?,
            body: serde_json::from_str(&body).map_err(corrupt("logistics item body"))?,
        });
    }
    Ok(LogisticsRecords { items })
}

fn text(body: &Value) -> String {
    // serde_json's map keeps keys sorted, so equal values give equal text.
    body.to_string()
}

impl Store {
    /// Every stored logistics item.
    pub async fn logistics_records(&self) -> Result<LogisticsRecords> {
        records_of(sqlx::query(RECORDS_SQL).fetch_all(&self.pool).await?)
    }

    /// The stored items as the caller's transaction sees them: a use case that validated the
    /// whole network on what it loaded compares this with it before it writes.
    pub async fn logistics_records_in(&self, w: &mut WriteTx<'_>) -> Result<LogisticsRecords> {
        records_of(sqlx::query(RECORDS_SQL).fetch_all(&mut *w.tx).await?)
    }

    /// Replaces every item of the `kinds` given by `items` (which must all be of those kinds),
    /// writing only what differs; all in one transaction. Importing the same items again
    /// changes nothing and writes no audit entry.
    pub async fn logistics_replace(
        &self,
        author: Author<'_>,
        kinds: &[LogisticsKind],
        items: &[LogisticsItem],
        file: &LogisticsFile,
    ) -> Result<LogisticsImportOutcome> {
        let mut w = self.begin_write(author).await?;
        let outcome = self.logistics_replace_in(&mut w, kinds, items, file).await?;
        w.commit().await?;
        Ok(outcome)
    }

    /// [`Store::logistics_replace`] inside the caller's transaction.
    pub async fn logistics_replace_in(
        &self,
        w: &mut WriteTx<'_>,
        kinds: &[LogisticsKind],
        items: &[LogisticsItem],
        file: &LogisticsFile,
    ) -> Result<LogisticsImportOutcome> {
        let login = w.author_login();
        let mut seen = std::collections::HashSet::new();
        for item in items {
            if !kinds.contains(&item.kind) {
                return Err(Invalid::one("kind", Reason::UnknownValue).into());
            }
            if !seen.insert((item.kind, item.key.as_str())) {
                return Err(StoreError::Invalid(Invalid::one(item.kind.code(), Reason::NotUnique)));
            }
        }
        let rows: Vec<(String, String, String, i64, i64)> =
            sqlx::query_as("SELECT kind, key, body, version, position FROM logistics_items")
                .fetch_all(&mut *w.tx)
                .await?;
        let mut current: BTreeMap<(String, String), (String, i64, i64)> =
            rows.into_iter().map(|(k, key, body, v, p)| ((k, key), (body, v, p))).collect();
        let mut outcome = LogisticsImportOutcome::default();
        let now = w.now_text();
        for (position, item) in items.iter().enumerate() {
            let body = text(&item.body);
            let id = (item.kind.code().to_string(), item.key.clone());
            match current.remove(&id) {
                Some((old, _, old_position)) => {
                    let same_body = serde_json::from_str::<Value>(&old).ok().as_ref() == Some(&item.body);
                    if same_body && old_position == position as i64 {
                        outcome.unchanged += 1;
                        continue;
                    }
                    sqlx::query(
                        "UPDATE logistics_items SET body = $1, position = $2, version = version + 1, updated_at = $3, updated_by = $4 \
                         WHERE kind = $5 AND key = $6",
                    )
                    .bind(&body)
                    .bind(position as i64)
                    .bind(&now)
                    .bind(login.as_deref())
                    .bind(item.kind.code())
                    .bind(&item.key)
                    .execute(&mut *w.tx)
                    .await?;
                    if same_body {
                        // Only its place in the list moved: counted, not worth an audit entry of its own.
                        outcome.unchanged += 1;
                    } else {
                        let before: Value = serde_json::from_str(&old).map_err(corrupt("logistics item body"))?;
                        w.audit(Change::update(item.kind.entity(), &item.key, &before, &item.body)).await?;
                        outcome.updated += 1;
                    }
                }
                None => {
                    sqlx::query(
                        "INSERT INTO logistics_items (kind, key, origin, position, body, version, updated_at, updated_by) \
                         VALUES ($1, $2, $3, $4, $5, 1, $6, $7)",
                    )
                    .bind(item.kind.code())
                    .bind(&item.key)
                    .bind(self.origin().code())
                    .bind(position as i64)
                    .bind(&body)
                    .bind(&now)
                    .bind(login.as_deref())
                    .execute(&mut *w.tx)
                    .await?;
                    w.audit(Change::create(item.kind.entity(), &item.key, &item.body)).await?;
                    outcome.inserted += 1;
                }
            }
        }
        for ((kind, key), (old, _, _)) in current {
            let Some(kind) = LogisticsKind::parse(&kind) else { continue };
            if !kinds.contains(&kind) {
                continue;
            }
            sqlx::query("DELETE FROM logistics_items WHERE kind = $1 AND key = $2")
                .bind(kind.code())
                .bind(&key)
                .execute(&mut *w.tx)
                .await?;
            let before: Value = serde_json::from_str(&old).map_err(corrupt("logistics item body"))?;
            w.audit(Change::delete(kind.entity(), &key, &before)).await?;
            outcome.deleted += 1;
        }
        if outcome.changed() {
            let id = new_uuid().to_string();
            sqlx::query(
                "INSERT INTO logistics_imports (id, file_name, format, sha256, inserted, updated, deleted, imported_at, imported_by) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
            )
            .bind(&id)
            .bind(&file.file_name)
            .bind(&file.format)
            .bind(&file.sha256)
            .bind(outcome.inserted as i64)
            .bind(outcome.updated as i64)
            .bind(outcome.deleted as i64)
            .bind(&now)
            .bind(login.as_deref())
            .execute(&mut *w.tx)
            .await?;
            let after = serde_json::json!({
                "file_name": file.file_name, "format": file.format, "sha256": file.sha256,
                "inserted": outcome.inserted, "updated": outcome.updated, "deleted": outcome.deleted,
            });
            w.audit(Change::create("logistics_import", &id, &after)).await?;
        }
        Ok(outcome)
    }

    /// Creates an item (`expected_version` `None`) or changes the one stored under
    /// `previous_key` at `expected_version` (its key may change: a renamed node code).
    /// Returns the new version.
    pub async fn logistics_save(
        &self,
        author: Author<'_>,
        previous_key: Option<&str>,
        expected_version: Option<i64>,
        item: &LogisticsItem,
    ) -> Result<i64> {
        let mut w = self.begin_write(author).await?;
        let version = self.logistics_save_in(&mut w, previous_key, expected_version, item).await?;
        w.commit().await?;
        Ok(version)
    }

    /// [`Store::logistics_save`] inside the caller's transaction.
    pub async fn logistics_save_in(
        &self,
        w: &mut WriteTx<'_>,
        previous_key: Option<&str>,
        expected_version: Option<i64>,
        item: &LogisticsItem,
    ) -> Result<i64> {
        if item.key.trim().is_empty() {
            return Err(Invalid::one("key", Reason::Required).into());
        }
        let login = w.author_login();
        let kind = item.kind.code();
        let entity = item.kind.entity();
        let body = text(&item.body);
        let now = w.now_text();
        let clash: Option<(i64,)> = sqlx::query_as("SELECT version FROM logistics_items WHERE kind = $1 AND key = $2")
            .bind(kind)
            .bind(&item.key)
            .fetch_optional(&mut *w.tx)
            .await?;
        let version = match (previous_key, expected_version) {
            (Some(previous), Some(expected)) => {
                let current: Option<(String, i64)> =
                    sqlx::query_as("SELECT body, version FROM logistics_items WHERE kind = $1 AND key = $2")
                        .bind(kind)
                        .bind(previous)
                        .fetch_optional(&mut *w.tx)
                        .await?;
                let Some((old, version)) = current else { return Err(StoreError::NotFound { entity }) };
                if version != expected {
                    return Err(StoreError::Conflict { entity, current: version });
                }
                if previous != item.key && clash.is_some() {
                    return Err(Invalid::one("key", Reason::NotUnique).into());
                }
                sqlx::query(
                    "UPDATE logistics_items SET key = $1, body = $2, version = version + 1, updated_at = $3, updated_by = $4 \
                     WHERE kind = $5 AND key = $6",
                )
                .bind(&item.key)
                .bind(&body)
                .bind(&now)
                .bind(login.as_deref())
                .bind(kind)
                .bind(previous)
                .execute(&mut *w.tx)
                .await?;
                let before: Value = serde_json::from_str(&old).map_err(corrupt("logistics item body"))?;
                w.audit(Change::update(entity, &item.key, &before, &item.body)).await?;
                version + 1
            }
            (None, None) => {
                if clash.is_some() {
                    return Err(Invalid::one("key", Reason::NotUnique).into());
                }
                let (position,): (i64,) =
                    sqlx::query_as("SELECT CAST(COALESCE(MAX(position), -1) + 1 AS BIGINT) FROM logistics_items")
                        .fetch_one(&mut *w.tx)
                        .await?;
                sqlx::query(
                    "INSERT INTO logistics_items (kind, key, origin, position, body, version, updated_at, updated_by) \
                     VALUES ($1, $2, $3, $4, $5, 1, $6, $7)",
                )
                .bind(kind)
                .bind(&item.key)
                .bind(self.origin().code())
                .bind(position)
                .bind(&body)
                .bind(&now)
                .bind(login.as_deref())
                .execute(&mut *w.tx)
                .await?;
                w.audit(Change::create(entity, &item.key, &item.body)).await?;
                1
            }
            (Some(_), None) => return Err(Invalid::one("version", Reason::Required).into()),
            (None, Some(_)) => return Err(Invalid::one("version", Reason::UnknownValue).into()),
        };
        Ok(version)
    }

    /// Deletes one item at the version read.
    pub async fn logistics_delete(
        &self,
        author: Author<'_>,
        kind: LogisticsKind,
        key: &str,
        expected_version: i64,
    ) -> Result<()> {
        let mut w = self.begin_write(author).await?;
        self.logistics_delete_in(&mut w, kind, key, expected_version).await?;
        w.commit().await
    }

    /// [`Store::logistics_delete`] inside the caller's transaction.
    pub async fn logistics_delete_in(
        &self,
        w: &mut WriteTx<'_>,
        kind: LogisticsKind,
        key: &str,
        expected_version: i64,
    ) -> Result<()> {
        let entity = kind.entity();
        let current: Option<(String, i64)> =
            sqlx::query_as("SELECT body, version FROM logistics_items WHERE kind = $1 AND key = $2")
                .bind(kind.code())
                .bind(key)
                .fetch_optional(&mut *w.tx)
                .await?;
        let Some((old, version)) = current else { return Err(StoreError::NotFound { entity }) };
        if version != expected_version {
            return Err(StoreError::Conflict { entity, current: version });
        }
        sqlx::query("DELETE FROM logistics_items WHERE kind = $1 AND key = $2")
            .bind(kind.code())
            .bind(key)
            .execute(&mut *w.tx)
            .await?;
        let before: Value = serde_json::from_str(&old).map_err(corrupt("logistics item body"))?;
        w.audit(Change::delete(entity, key, &before)).await
    }
}
