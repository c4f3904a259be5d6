//! Official exchange rates: stored once per currency and day; a different value for a stored
//! day stops the import.

use super::*;

/// What a rates import did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct RatesOutcome {
    pub inserted: u64,
    pub unchanged: u64,
}

/// Rates per multi-row INSERT: 6 values each stays far under both backends' parameter limits.
const INSERT_ROWS: usize = 400;

impl Store {
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
}
