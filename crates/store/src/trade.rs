//! Trade: sources and the files imported from them, records aggregated per key, exchange
//! rates, product groups (with their links to plan measures) and mirror verdicts.
//!
//! An import replaces its source's records for exactly the periods the file covers, in one
//! transaction, so a corrected file for a month takes the place of the first one and the
//! other months stay; importing the file its source last received changes nothing.

use crate::directory::new_uuid;
use crate::{Author, Result, Store, StoreError, WriteTx, corrupt, parse_time};
use accord_domain::audit::Change;
use accord_domain::trade::{
    AggregateKey, AggregatedRecord, CommodityCode, Currency, Flow, MirrorStatus, Money, Period, ProductGroup, QtyUnit,
    Quantity, Rate, RateTable, Source, Territory,
};
use accord_domain::validation::{Invalid, Reason};
use accord_domain::{MeasureId, Side};
use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;
use serde::Serialize;
use sqlx::Row;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::str::FromStr;
use std::sync::Arc;

/// The file behind an import, as the import log keeps it.
#[derive(Debug, Clone)]
pub struct TradeFile {
    pub file_name: String,
    /// `comtrade`, `template-csv`, `template-xlsx`, `demo`.
    pub format: String,
    pub sha256: String,
    pub rows_read: u64,
}

/// What an import did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct TradeImportOutcome {
    /// The source's last import was this same file: nothing was written.
    pub unchanged: bool,
    /// Earlier records of the file's periods that were replaced.
    pub replaced: u64,
    pub inserted: u64,
    pub periods: usize,
}

/// A source with its imports, as the sources page lists it.
#[derive(Debug, Clone, Serialize)]
pub struct TradeSourceInfo {
    pub id: String,
    pub side: Side,
    pub name: String,
    pub records: i64,
    pub imports: Vec<TradeImportInfo>,
}

#[derive(Debug, Clone, Serialize)]
pub struct TradeImportInfo {
    pub id: String,
    pub file_name: String,
    pub format: String,
    pub sha256: String,
    pub rows_read: i64,
    pub records: i64,
    pub first_period: Option<String>,
    pub last_period: Option<String>,
    pub imported_at: DateTime<Utc>,
    pub imported_by: Option<String>,
}

/// Every stored record, with the side whose statistics reported it.
#[derive(Debug, Default)]
pub struct TradeData {
    pub records: Vec<AggregatedRecord>,
    /// Parallel to `records`: the reporting source's side.
    pub sides: Vec<Side>,
}

/// What a rates import did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct RatesOutcome {
    pub inserted: u64,
    pub unchanged: u64,
}

/// A product group as stored.
#[derive(Debug, Clone, Serialize)]
pub struct StoredGroup {
    pub id: String,
    pub version: i64,
    pub group: ProductGroup,
    pub measures: Vec<MeasureId>,
}

/// The key of a mirror verdict: one exporter/importer pair, one bucket, optionally one code.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct MirrorKey {
    pub exporter: Territory,
    pub importer: Territory,
    /// A bucket as text: `2025-03`, `2025Q1` or `2025`.
    pub bucket: String,
    /// Digits of the code, or empty for the bucket's total.
    pub code: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct MirrorVerdict {
    pub key: MirrorKey,
    pub status: MirrorStatus,
    pub comment: Option<String>,
    pub version: i64,
    pub updated_at: DateTime<Utc>,
    pub updated_by: Option<String>,
}

/// Rates per multi-row INSERT: 6 values each stays far under both backends' parameter limits.
const INSERT_ROWS: usize = 400;

fn bad<E: std::fmt::Display>(what: &'static str) -> impl FnOnce(E) -> StoreError {
    move |e| StoreError::Corrupt(format!("{what}: {e}"))
}

/// One aggregated record as a line of a chunk's body (its period is the chunk's):
/// reporter, partner, flow, code, currency, unit, value in minor units, mass and quantity in
/// thousandths (empty when absent), and the three declaration counts, tab-separated.
fn encode_line(out: &mut String, r: &AggregatedRecord) {
    use std::fmt::Write;
    let k = &r.key;
    let optional = |q: Option<Quantity>| q.map(|q| q.milli.to_string()).unwrap_or_default();
    let _ = writeln!(
        out,
        "{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}",
        k.reporter,
        k.partner,
        k.flow.code(),
        k.code,
        k.currency.code(),
        k.unit.map(|u| u.as_str().to_string()).unwrap_or_default(),
        r.value.minor,
        optional(r.net_mass_kg),
        optional(r.supplementary_qty),
        r.declarations,
        r.declarations_with_mass,
        r.declarations_with_qty
    );
}

fn decode_line(period: Period, line: &str) -> Result<AggregatedRecord> {
    let broken = || StoreError::Corrupt(format!("trade record {line:?}"));
    let cells: Vec<&str> = line.split('\t').collect();
    let [reporter, partner, flow, code, currency, unit, value, mass, qty, d, dm, dq] = cells[..] else {
        return Err(broken());
    };
    let currency = Currency::parse(currency).map_err(|_| broken())?;
    let optional = |text: &str| -> Result<Option<Quantity>> {
        if text.is_empty() {
            Ok(None)
        } else {
            text.parse().map(|m| Some(Quantity::from_milli(m))).map_err(|_| broken())
        }
    };
    Ok(AggregatedRecord {
        key: AggregateKey {
            period,
            reporter: Territory::parse(reporter).map_err(|_| broken())?,
            partner: Territory::parse(partner).map_err(|_| broken())?,
            flow: Flow::from_str(flow).map_err(|_| broken())?,
            code: CommodityCode::parse(code).map_err(|_| broken())?,
            currency,
            unit: if unit.is_empty() { None } else { Some(QtyUnit::parse(unit).map_err(|_| broken())?) },
        },
        value: Money::new(value.parse().map_err(|_| broken())?, currency),
        net_mass_kg: optional(mass)?,
        supplementary_qty: optional(qty)?,
        declarations: d.parse().map_err(|_| broken())?,
        declarations_with_mass: dm.parse().map_err(|_| broken())?,
        declarations_with_qty: dq.parse().map_err(|_| broken())?,
    })
}

impl Store {
    /// Stores an import's aggregated records for `source`, replacing what the source had
    /// for the same periods. All or nothing, audited as one entry.
    pub async fn trade_import(
        &self,
        author: Author<'_>,
        source: &Source,
        file: &TradeFile,
        records: &[AggregatedRecord],
    ) -> Result<TradeImportOutcome> {
        let mut w = self.begin_write(author).await?;
        let outcome = self.trade_import_in(&mut w, source, file, records).await?;
        w.commit().await?;
        Ok(outcome)
    }

    /// [`Store::trade_import`] inside the caller's transaction.
    pub async fn trade_import_in(
        &self,
        w: &mut WriteTx<'_>,
        source: &Source,
        file: &TradeFile,
        records: &[AggregatedRecord],
    ) -> Result<TradeImportOutcome> {
        let name = source.name.trim();
        if name.is_empty() {
            return Err(Invalid::one("source", Reason::Required).into());
        }
        let existing: Option<(String,)> = sqlx::query_as("SELECT id FROM trade_sources WHERE side = $1 AND name = $2")
            .bind(source.side.code())
            .bind(name)
            .fetch_optional(&mut *w.tx)
            .await?;
        let source_id = match existing {
            Some((id,)) => {
                let last: Option<(String,)> = sqlx::query_as(
                    "SELECT sha256 FROM trade_imports WHERE source_id = $1 ORDER BY imported_at DESC, id DESC LIMIT 1",
                )
                .bind(&id)
                .fetch_optional(&mut *w.tx)
                .await?;
                if last.is_some_and(|(sha,)| sha == file.sha256) {
                    return Ok(TradeImportOutcome { unchanged: true, ..Default::default() });
                }
                id
            }
            None => {
                let id = new_uuid().to_string();
                sqlx::query(
                    "INSERT INTO trade_sources (id, origin, side, name, created_at) VALUES ($1, $2, $3, $4, $5)",
                )
                .bind(&id)
                .bind(self.origin().code())
                .bind(source.side.code())
                .bind(name)
                .bind(w.now_text())
                .execute(&mut *w.tx)
                .await?;
                let after = serde_json::json!({ "side": source.side.code(), "name": name });
                w.audit(Change::create("trade_source", &id, &after)).await?;
                id
            }
        };
        let mut by_period: BTreeMap<Period, Vec<&AggregatedRecord>> = BTreeMap::new();
        for record in records {
            by_period.entry(record.key.period).or_default().push(record);
        }
        let periods: BTreeSet<Period> = by_period.keys().copied().collect();
        let mut replaced = 0u64;
        let packed: Vec<i64> = periods.iter().map(|p| i64::from(p.packed())).collect();
        for chunk in packed.chunks(200) {
            let list: Vec<String> = (0..chunk.len()).map(|i| format!("${}", i + 2)).collect();
            let select = format!(
                "SELECT CAST(COALESCE(SUM(records), 0) AS BIGINT) FROM trade_chunks WHERE source_id = $1 AND period IN ({})",
                list.join(", ")
            );
            let (n,): (i64,) = chunk
                .iter()
                .fold(sqlx::query_as(&select).bind(&source_id), |q, p| q.bind(*p))
                .fetch_one(&mut *w.tx)
                .await?;
            replaced += u64::try_from(n).unwrap_or(0);
            let delete = format!("DELETE FROM trade_chunks WHERE source_id = $1 AND period IN ({})", list.join(", "));
            chunk.iter().fold(sqlx::query(&delete).bind(&source_id), |q, p| q.bind(*p)).execute(&mut *w.tx).await?;
        }
        let import_id = new_uuid().to_string();
        sqlx::query(
            "INSERT INTO trade_imports (id, source_id, file_name, format, sha256, rows_read, records, first_period, last_period, imported_at, imported_by) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
        )
        .bind(&import_id)
        .bind(&source_id)
        .bind(&file.file_name)
        .bind(&file.format)
        .bind(&file.sha256)
        .bind(i64::try_from(file.rows_read).unwrap_or(i64::MAX))
        .bind(records.len() as i64)
        .bind(periods.first().map(ToString::to_string))
        .bind(periods.last().map(ToString::to_string))
        .bind(w.now_text())
        .bind(w.author_login())
        .execute(&mut *w.tx)
        .await?;
        for (period, lines) in &by_period {
            let mut body = String::with_capacity(lines.len() * 80);
            for record in lines {
                encode_line(&mut body, record);
            }
            sqlx::query(
                "INSERT INTO trade_chunks (source_id, import_id, period, records, body) VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(&source_id)
            .bind(&import_id)
            .bind(i64::from(period.packed()))
            .bind(lines.len() as i64)
            .bind(body)
            .execute(&mut *w.tx)
            .await?;
        }
        let after = serde_json::json!({
            "source_id": source_id,
            "file_name": file.file_name,
            "format": file.format,
            "sha256": file.sha256,
            "rows_read": file.rows_read,
            "records": records.len(),
            "replaced": replaced,
            "periods": periods.iter().map(ToString::to_string).collect::<Vec<_>>(),
        });
        w.audit(Change::create("trade_import", &import_id, &after)).await?;
        Ok(TradeImportOutcome { unchanged: false, replaced, inserted: records.len() as u64, periods: periods.len() })
    }

    /// Every stored record, kept in memory until the next write (see `cache`).
    pub async fn trade_data(&self) -> Result<Arc<TradeData>> {
        self.cached_trade().await
    }

    pub(crate) async fn trade_data_from_db(&self) -> Result<TradeData> {
        use futures_util::TryStreamExt;
        let mut stream = sqlx::query(
            "SELECT c.period, c.body, s.side FROM trade_chunks c JOIN trade_sources s ON s.id = c.source_id ORDER BY c.period",
        )
        .fetch(&self.pool);
        let mut data = TradeData::default();
        while let Some(row) = stream.try_next().await? {
            let period: i64 = row.try_get("period")?;
            let period = u16::try_from(period)
                .ok()
                .and_then(Period::from_packed)
                .ok_or_else(|| StoreError::Corrupt(format!("trade period {period}")))?;
            let side: String = row.try_get("side")?;
            let side: Side = side.parse().map_err(bad("trade source side"))?;
            let body: String = row.try_get("body")?;
            for line in body.lines().filter(|l| !l.is_empty()) {
                data.records.push(decode_line(period, line)?);
                data.sides.push(side);
            }
        }
        Ok(data)
    }

    /// Every source with its imports, newest first.
    pub async fn trade_sources(&self) -> Result<Vec<TradeSourceInfo>> {
        let sources = sqlx::query(
            "SELECT s.id, s.side, s.name, (SELECT CAST(COALESCE(SUM(c.records), 0) AS BIGINT) FROM trade_chunks c WHERE c.source_id = s.id) AS records \
             FROM trade_sources s ORDER BY s.side, s.name",
        )
        .fetch_all(&self.pool)
        .await?;
        let imports = sqlx::query(
            "SELECT id, source_id, file_name, format, sha256, rows_read, records, first_period, last_period, imported_at, imported_by \
             FROM trade_imports ORDER BY imported_at DESC, id DESC",
        )
        .fetch_all(&self.pool)
        .await?;
        let mut by_source: HashMap<String, Vec<TradeImportInfo>> = HashMap::new();
        for row in &imports {
            let source: String = row.try_get("source_id")?;
            by_source.entry(source).or_default().push(TradeImportInfo {
                id: row.try_get("id")?,
                file_name: row.try_get("file_name")?,
                format: row.try_get("format")?,
                sha256: row.try_get("sha256")?,
                rows_read: row.try_get("rows_read")?,
                records: row.try_get("records")?,
                first_period: row.try_get("first_period")?,
                last_period: row.try_get("last_period")?,
                imported_at: parse_time(&row.try_get::<String, _>("imported_at")?)?,
                imported_by: row.try_get("imported_by")?,
            });
        }
        sources
            .iter()
            .map(|row| {
                let id: String = row.try_get("id")?;
                let side: String = row.try_get("side")?;
                Ok(TradeSourceInfo {
                    side: side.parse().map_err(bad("trade source side"))?,
                    name: row.try_get("name")?,
                    records: row.try_get("records")?,
                    imports: by_source.remove(&id).unwrap_or_default(),
                    id,
                })
            })
            .collect()
    }

    // -----------------------------------------------------------------------------------------
    // Exchange rates

    /// Stores official rates. A rate already stored with the same value is left as it is; one
    /// stored with a different value stops the whole import, naming it.
    pub async fn rates_import(&self, author: Author<'_>, file_name: &str, rates: &[Rate]) -> Result<RatesOutcome> {
        let mut w = self.begin_write(author).await?;
        let outcome = self.rates_import_in(&mut w, file_name, rates).await?;
        w.commit().await?;
        Ok(outcome)
    }

    /// [`Store::rates_import`] inside the caller's transaction (several files in one).
    pub async fn rates_import_in(&self, w: &mut WriteTx<'_>, file_name: &str, rates: &[Rate]) -> Result<RatesOutcome> {
        let (Some(first), Some(last)) = (rates.iter().map(|r| r.date).min(), rates.iter().map(|r| r.date).max()) else {
            return Ok(RatesOutcome::default());
        };
        let stored: Vec<(String, String, String, i64, String)> = sqlx::query_as(
            "SELECT base, currency, on_date, units, value FROM exchange_rates WHERE on_date >= $1 AND on_date <= $2",
        )
        .bind(first.to_string())
        .bind(last.to_string())
        .fetch_all(&mut *w.tx)
        .await?;
        let stored: HashMap<(String, String, String), (i64, String)> =
            stored.into_iter().map(|(b, c, d, u, v)| ((b, c, d), (u, v))).collect();
        let mut outcome = RatesOutcome::default();
        let mut fresh = Vec::new();
        for rate in rates {
            let key = (rate.base.code().to_string(), rate.currency.code().to_string(), rate.date.to_string());
            match stored.get(&key) {
                Some((units, value)) => {
                    let same = Decimal::from_str(value).is_ok_and(|v| {
                        // Compare prices per unit: a bank may change the scale of a currency.
                        Decimal::from(*units) != Decimal::ZERO
                            && v / Decimal::from(*units) == rate.value / Decimal::from(rate.units.max(1))
                    });
                    if !same {
                        return Err(StoreError::RateConflict {
                            detail: format!(
                                "in {}: stored {value} per {units}, {} per {} in {file_name}",
                                key.0, rate.value, rate.units
                            ),
                            date: key.2,
                            currency: key.1,
                        });
                    }
                    outcome.unchanged += 1;
                }
                None => fresh.push(rate),
            }
        }
        for chunk in fresh.chunks(INSERT_ROWS) {
            let rows: Vec<String> = (0..chunk.len())
                .map(|r| {
                    let cells: Vec<String> = (1..=6).map(|c| format!("${}", r * 6 + c)).collect();
                    format!("({})", cells.join(", "))
                })
                .collect();
            let sql = format!(
                "INSERT INTO exchange_rates (base, currency, on_date, units, value, file_name) VALUES {}",
                rows.join(", ")
            );
            let mut query = sqlx::query(&sql);
            for rate in chunk {
                query = query
                    .bind(rate.base.code())
                    .bind(rate.currency.code())
                    .bind(rate.date.to_string())
                    .bind(i64::from(rate.units))
                    .bind(rate.value.to_string())
                    .bind(file_name.to_string());
            }
            query.execute(&mut *w.tx).await?;
        }
        outcome.inserted = fresh.len() as u64;
        if outcome.inserted > 0 {
            let after = serde_json::json!({
                "file_name": file_name,
                "inserted": outcome.inserted,
                "unchanged": outcome.unchanged,
                "from": first.to_string(),
                "to": last.to_string(),
            });
            w.audit(Change::create("exchange_rates", file_name, &after)).await?;
        }
        Ok(outcome)
    }

    /// Every stored rate as a table, kept until the next write.
    pub async fn rate_table(&self) -> Result<Arc<RateTable>> {
        self.cached_rates().await
    }

    pub(crate) async fn rates_from_db(&self) -> Result<RateTable> {
        let rows: Vec<(String, String, String, i64, String)> =
            sqlx::query_as("SELECT base, currency, on_date, units, value FROM exchange_rates ORDER BY on_date")
                .fetch_all(&self.pool)
                .await?;
        let mut table = RateTable::new();
        for (base, currency, date, units, value) in rows {
            let rate = Rate {
                date: NaiveDate::from_str(&date).map_err(bad("rate date"))?,
                base: Currency::parse(&base).map_err(bad("rate base"))?,
                currency: Currency::parse(&currency).map_err(bad("rate currency"))?,
                units: u32::try_from(units).map_err(bad("rate units"))?,
                value: Decimal::from_str(&value).map_err(bad("rate value"))?,
            };
            table.insert(rate).map_err(bad("rate"))?;
        }
        Ok(table)
    }

    /// How many rates are stored per bank (quoting currency), with the first and last date.
    pub async fn rates_coverage(&self) -> Result<Vec<(Currency, i64, NaiveDate, NaiveDate)>> {
        let rows: Vec<(String, i64, String, String)> = sqlx::query_as(
            "SELECT base, COUNT(*), MIN(on_date), MAX(on_date) FROM exchange_rates GROUP BY base ORDER BY base",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter()
            .map(|(base, n, first, last)| {
                Ok((
                    Currency::parse(&base).map_err(bad("rate base"))?,
                    n,
                    NaiveDate::from_str(&first).map_err(bad("rate date"))?,
                    NaiveDate::from_str(&last).map_err(bad("rate date"))?,
                ))
            })
            .collect()
    }

    // -----------------------------------------------------------------------------------------
    // Product groups

    pub async fn product_groups(&self) -> Result<Arc<Vec<StoredGroup>>> {
        self.cached_groups().await
    }

    pub(crate) async fn groups_from_db(&self) -> Result<Vec<StoredGroup>> {
        let rows = sqlx::query(
            "SELECT id, key, name_ru, name_en, prefixes, exported_by, targets, version FROM product_groups ORDER BY position, key",
        )
        .fetch_all(&self.pool)
        .await?;
        let links: Vec<(String, String)> =
            sqlx::query_as("SELECT group_id, measure_id FROM product_group_measures ORDER BY measure_id")
                .fetch_all(&self.pool)
                .await?;
        let mut measures: HashMap<String, Vec<MeasureId>> = HashMap::new();
        for (group, measure) in links {
            measures.entry(group).or_default().push(measure.parse().map_err(bad("group measure"))?);
        }
        rows.iter()
            .map(|row| {
                let id: String = row.try_get("id")?;
                let prefixes: String = row.try_get("prefixes")?;
                let prefixes: Vec<String> = serde_json::from_str(&prefixes).map_err(bad("group prefixes"))?;
                let prefixes = prefixes
                    .iter()
                    .map(|p| CommodityCode::parse(p).map_err(bad("group prefix")))
                    .collect::<Result<Vec<_>>>()?;
                let exported_by: Option<String> = row.try_get("exported_by")?;
                let exported_by = exported_by.map(|s| s.parse::<Side>().map_err(bad("group side"))).transpose()?;
                let name_en: Option<String> = row.try_get("name_en")?;
                let key: String = row.try_get("key")?;
                let name_ru: String = row.try_get("name_ru")?;
                let mut group =
                    ProductGroup::new(&key, &name_ru, name_en.as_deref().unwrap_or(""), prefixes, exported_by)
                        .map_err(bad("product group"))?;
                let targets: String = row.try_get("targets")?;
                let targets: BTreeMap<i32, Money> = serde_json::from_str(&targets).map_err(bad("group targets"))?;
                group.targets = targets;
                Ok(StoredGroup {
                    version: row.try_get("version")?,
                    measures: measures.remove(&id).unwrap_or_default(),
                    id,
                    group,
                })
            })
            .collect()
    }

    /// Creates a group (`expected_version` `None`), or replaces the one with the same key if
    /// `expected_version` is its version.
    pub async fn product_group_save(
        &self,
        author: Author<'_>,
        group: &ProductGroup,
        expected_version: Option<i64>,
    ) -> Result<StoredGroup> {
        let mut w = self.begin_write(author).await?;
        let stored = self.product_group_save_in(&mut w, group, expected_version).await?;
        w.commit().await?;
        let measures = self.product_groups().await?.iter().find(|g| g.id == stored.id).map(|g| g.measures.clone());
        Ok(StoredGroup { measures: measures.unwrap_or_default(), ..stored })
    }

    /// [`Store::product_group_save`] inside the caller's transaction; the group comes back
    /// without its measure links (read them after the commit).
    pub async fn product_group_save_in(
        &self,
        w: &mut WriteTx<'_>,
        group: &ProductGroup,
        expected_version: Option<i64>,
    ) -> Result<StoredGroup> {
        let prefixes: Vec<String> = group.prefixes.iter().map(ToString::to_string).collect();
        let prefixes = serde_json::to_string(&prefixes).map_err(bad("group prefixes"))?;
        let targets = serde_json::to_string(&group.targets).map_err(bad("group targets"))?;
        let name_en = Some(group.name_en.as_str()).filter(|n| !n.is_empty());
        let existing: Option<(String, i64, String)> =
            sqlx::query_as("SELECT id, version, name_ru FROM product_groups WHERE key = $1")
                .bind(&group.key)
                .fetch_optional(&mut *w.tx)
                .await?;
        let after = serde_json::json!({
            "key": group.key, "name_ru": group.name_ru, "name_en": name_en, "prefixes": prefixes,
            "exported_by": group.exported_by.map(Side::code), "targets": targets,
        });
        let (id, version) = match existing {
            Some((id, version, _)) => {
                // A save that did not read the group (no version) does not overwrite it.
                if expected_version != Some(version) {
                    return Err(StoreError::Conflict { entity: "product_group", current: version });
                }
                sqlx::query(
                    "UPDATE product_groups SET name_ru = $1, name_en = $2, prefixes = $3, exported_by = $4, targets = $5, \
                     version = version + 1, updated_at = $6 WHERE id = $7",
                )
                .bind(&group.name_ru)
                .bind(name_en)
                .bind(&prefixes)
                .bind(group.exported_by.map(Side::code))
                .bind(&targets)
                .bind(w.now_text())
                .bind(&id)
                .execute(&mut *w.tx)
                .await?;
                w.audit(Change::update("product_group", &id, &serde_json::json!({ "version": version }), &after))
                    .await?;
                (id, version + 1)
            }
            None => {
                let id = new_uuid().to_string();
                let (position,): (i64,) = sqlx::query_as("SELECT COALESCE(MAX(position), 0) + 1 FROM product_groups")
                    .fetch_one(&mut *w.tx)
                    .await?;
                sqlx::query(
                    "INSERT INTO product_groups (id, origin, key, name_ru, name_en, prefixes, exported_by, targets, position, version, created_at, updated_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 1, $10, $10)",
                )
                .bind(&id)
                .bind(self.origin().code())
                .bind(&group.key)
                .bind(&group.name_ru)
                .bind(name_en)
                .bind(&prefixes)
                .bind(group.exported_by.map(Side::code))
                .bind(&targets)
                .bind(position)
                .bind(w.now_text())
                .execute(&mut *w.tx)
                .await?;
                w.audit(Change::create("product_group", &id, &after)).await?;
                (id, 1)
            }
        };
        Ok(StoredGroup { id, version, group: group.clone(), measures: Vec::new() })
    }

    pub async fn product_group_delete(&self, author: Author<'_>, id: &str, expected_version: i64) -> Result<()> {
        let mut w = self.begin_write(author).await?;
        self.product_group_delete_in(&mut w, id, expected_version).await?;
        w.commit().await
    }

    /// [`Store::product_group_delete`] inside the caller's transaction.
    pub async fn product_group_delete_in(&self, w: &mut WriteTx<'_>, id: &str, expected_version: i64) -> Result<()> {
        let current: Option<(i64, String)> = sqlx::query_as("SELECT version, key FROM product_groups WHERE id = $1")
            .bind(id)
            .fetch_optional(&mut *w.tx)
            .await?;
        let Some((version, key)) = current else { return Err(StoreError::NotFound { entity: "product_group" }) };
        if version != expected_version {
            return Err(StoreError::Conflict { entity: "product_group", current: version });
        }
        sqlx::query("DELETE FROM product_group_measures WHERE group_id = $1").bind(id).execute(&mut *w.tx).await?;
        sqlx::query("DELETE FROM product_groups WHERE id = $1").bind(id).execute(&mut *w.tx).await?;
        w.audit(Change::delete("product_group", id, &serde_json::json!({ "key": key }))).await
    }

    /// Sets which plan measures a group stands behind ("supplies of MTZ tractors" ↔ 8701).
    pub async fn product_group_link(&self, author: Author<'_>, id: &str, measures: &[MeasureId]) -> Result<()> {
        let mut w = self.begin_write(author).await?;
        self.product_group_link_in(&mut w, id, measures).await?;
        w.commit().await
    }

    /// [`Store::product_group_link`] inside the caller's transaction.
    pub async fn product_group_link_in(&self, w: &mut WriteTx<'_>, id: &str, measures: &[MeasureId]) -> Result<()> {
        let exists: Option<(String,)> =
            sqlx::query_as("SELECT id FROM product_groups WHERE id = $1").bind(id).fetch_optional(&mut *w.tx).await?;
        if exists.is_none() {
            return Err(StoreError::NotFound { entity: "product_group" });
        }
        let before: Vec<(String,)> =
            sqlx::query_as("SELECT measure_id FROM product_group_measures WHERE group_id = $1 ORDER BY measure_id")
                .bind(id)
                .fetch_all(&mut *w.tx)
                .await?;
        let before: Vec<String> = before.into_iter().map(|(m,)| m).collect();
        let mut after: Vec<String> = measures.iter().map(ToString::to_string).collect();
        after.sort();
        after.dedup();
        if before == after {
            return Ok(());
        }
        sqlx::query("DELETE FROM product_group_measures WHERE group_id = $1").bind(id).execute(&mut *w.tx).await?;
        for measure in &after {
            sqlx::query("INSERT INTO product_group_measures (group_id, measure_id) VALUES ($1, $2)")
                .bind(id)
                .bind(measure)
                .execute(&mut *w.tx)
                .await
                .map_err(|e| match &e {
                    sqlx::Error::Database(db) if db.is_foreign_key_violation() => {
                        StoreError::Invalid(Invalid::one("measures", Reason::NotFound))
                    }
                    _ => StoreError::Database(e),
                })?;
        }
        w.audit(Change::update(
            "product_group_measures",
            id,
            &serde_json::json!({ "measures": before }),
            &serde_json::json!({ "measures": after }),
        ))
        .await
    }

    // -----------------------------------------------------------------------------------------
    // Mirror verdicts

    pub async fn mirror_verdicts(&self) -> Result<Vec<MirrorVerdict>> {
        let rows = sqlx::query(
            "SELECT exporter, importer, bucket, code, status, comment, version, updated_at, updated_by FROM mirror_statuses",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| {
                let exporter: String = row.try_get("exporter")?;
                let importer: String = row.try_get("importer")?;
                let status: String = row.try_get("status")?;
                Ok(MirrorVerdict {
                    key: MirrorKey {
                        exporter: Territory::parse(&exporter).map_err(bad("mirror exporter"))?,
                        importer: Territory::parse(&importer).map_err(bad("mirror importer"))?,
                        bucket: row.try_get("bucket")?,
                        code: row.try_get("code")?,
                    },
                    status: MirrorStatus::parse(&status).ok_or_else(|| corrupt("mirror status")(&status))?,
                    comment: row.try_get("comment")?,
                    version: row.try_get("version")?,
                    updated_at: parse_time(&row.try_get::<String, _>("updated_at")?)?,
                    updated_by: row.try_get("updated_by")?,
                })
            })
            .collect()
    }

    /// Records a coordinator's verdict on a mirror pair. `expected_version` is `None` for the
    /// first verdict on the pair and the version read otherwise.
    pub async fn mirror_verdict_set(
        &self,
        author: Author<'_>,
        key: &MirrorKey,
        expected_version: Option<i64>,
        status: MirrorStatus,
        comment: Option<&str>,
    ) -> Result<MirrorVerdict> {
        let mut w = self.begin_write(author).await?;
        let verdict = self.mirror_verdict_set_in(&mut w, key, expected_version, status, comment).await?;
        w.commit().await?;
        Ok(verdict)
    }

    /// [`Store::mirror_verdict_set`] inside the caller's transaction.
    pub async fn mirror_verdict_set_in(
        &self,
        w: &mut WriteTx<'_>,
        key: &MirrorKey,
        expected_version: Option<i64>,
        status: MirrorStatus,
        comment: Option<&str>,
    ) -> Result<MirrorVerdict> {
        let comment = comment.map(str::trim).filter(|c| !c.is_empty());
        if status != MirrorStatus::Open && status != MirrorStatus::Accepted && comment.is_none() {
            return Err(Invalid::one("comment", Reason::Required).into());
        }
        let login = w.author_login();
        let current: Option<(i64, String, Option<String>)> = sqlx::query_as(
            "SELECT version, status, comment FROM mirror_statuses WHERE exporter = $1 AND importer = $2 AND bucket = $3 AND code = $4",
        )
        .bind(key.exporter.as_str())
        .bind(key.importer.as_str())
        .bind(&key.bucket)
        .bind(&key.code)
        .fetch_optional(&mut *w.tx)
        .await?;
        let entity_id = format!("{}>{}:{}:{}", key.exporter, key.importer, key.bucket, key.code);
        let after = serde_json::json!({ "status": status.code(), "comment": comment });
        let version = match (current, expected_version) {
            (Some((version, _, _)), expected) if expected != Some(version) => {
                return Err(StoreError::Conflict { entity: "mirror_status", current: version });
            }
            (None, Some(_)) => return Err(StoreError::Conflict { entity: "mirror_status", current: 0 }),
            (Some((version, old_status, old_comment)), _) => {
                sqlx::query(
                    "UPDATE mirror_statuses SET status = $1, comment = $2, version = version + 1, updated_at = $3, updated_by = $4 \
                     WHERE exporter = $5 AND importer = $6 AND bucket = $7 AND code = $8",
                )
                .bind(status.code())
                .bind(comment)
                .bind(w.now_text())
                .bind(login.as_deref())
                .bind(key.exporter.as_str())
                .bind(key.importer.as_str())
                .bind(&key.bucket)
                .bind(&key.code)
                .execute(&mut *w.tx)
                .await?;
                let before = serde_json::json!({ "status": old_status, "comment": old_comment });
                w.audit(Change::update("mirror_status", &entity_id, &before, &after)).await?;
                version + 1
            }
            (None, None) => {
                sqlx::query(
                    "INSERT INTO mirror_statuses (exporter, importer, bucket, code, status, comment, version, updated_at, updated_by) \
                     VALUES ($1, $2, $3, $4, $5, $6, 1, $7, $8)",
                )
                .bind(key.exporter.as_str())
                .bind(key.importer.as_str())
                .bind(&key.bucket)
                .bind(&key.code)
                .bind(status.code())
                .bind(comment)
                .bind(w.now_text())
                .bind(login.as_deref())
                .execute(&mut *w.tx)
                .await?;
                w.audit(Change::create("mirror_status", &entity_id, &after)).await?;
                1
            }
        };
        Ok(MirrorVerdict {
            key: key.clone(),
            status,
            comment: comment.map(str::to_string),
            version,
            updated_at: w.now,
            updated_by: login,
        })
    }
}
