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

mod groups;
mod mirror;
mod rates;

pub use groups::StoredGroup;
pub use mirror::{MirrorKey, MirrorVerdict};
pub use rates::RatesOutcome;

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
}
