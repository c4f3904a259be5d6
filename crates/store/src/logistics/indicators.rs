//! Chains as plan indicators: which indicator follows which chain's figure, and the quarter's
//! figures recorded as the indicators' actual values.

use super::*;

/// A quarter's recorded chain figures: what was written and what already stood.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RecordedFigures {
    pub written: usize,
    pub unchanged: usize,
}

impl Store {
    /// Every indicator linked to a chain, in indicator order.
    pub async fn logistics_indicator_links(&self) -> Result<Vec<ChainIndicatorLink>> {
        let rows: Vec<(String, String, String, String)> = sqlx::query_as(
            "SELECT indicator_id, chain_key, metric, currency FROM logistics_indicator_links ORDER BY indicator_id",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter()
            .map(|(indicator, chain, metric, currency)| {
                Ok(ChainIndicatorLink {
                    indicator: indicator.parse().map_err(corrupt("indicator id"))?,
                    chain,
                    metric: ChainMetric::parse(&metric)
                        .ok_or_else(|| StoreError::Corrupt(format!("chain figure {metric:?}")))?,
                    currency: currency.parse().map_err(corrupt("currency"))?,
                })
            })
            .collect()
    }

    /// Links an indicator to a chain (replacing its earlier link). The caller builds the link
    /// with [`ChainIndicatorLink::new`], which checks the chain and the indicator.
    pub async fn logistics_link_indicator(&self, author: Author<'_>, link: &ChainIndicatorLink) -> Result<()> {
        let mut w = self.begin_write(author).await?;
        self.logistics_link_indicator_in(&mut w, link).await?;
        w.commit().await
    }

    /// [`Store::logistics_link_indicator`] inside the caller's transaction.
    pub async fn logistics_link_indicator_in(&self, w: &mut WriteTx<'_>, link: &ChainIndicatorLink) -> Result<()> {
        let before = self.logistics_indicator_links().await?.into_iter().find(|l| l.indicator == link.indicator);
        if before.as_ref() == Some(link) {
            return Ok(());
        }
        let now = w.now_text();
        sqlx::query(
            "INSERT INTO logistics_indicator_links (indicator_id, chain_key, metric, currency, updated_at) \
             VALUES ($1, $2, $3, $4, $5) \
             ON CONFLICT (indicator_id) DO UPDATE SET chain_key = $2, metric = $3, currency = $4, updated_at = $5",
        )
        .bind(link.indicator.to_string())
        .bind(&link.chain)
        .bind(link.metric.code())
        .bind(link.currency.code())
        .bind(&now)
        .execute(&mut *w.tx)
        .await
        .map_err(|e| match &e {
            sqlx::Error::Database(db) if db.is_foreign_key_violation() => StoreError::NotFound { entity: "indicator" },
            _ => StoreError::Database(e),
        })?;
        let entity = link.indicator.to_string();
        let change = match &before {
            Some(b) => Change::update("indicator_chain_link", &entity, b, link),
            None => Change::create("indicator_chain_link", &entity, link),
        };
        w.audit(change).await
    }

    /// Removes an indicator's link; its recorded actuals stay.
    pub async fn logistics_unlink_indicator(&self, author: Author<'_>, indicator: IndicatorId) -> Result<()> {
        let mut w = self.begin_write(author).await?;
        self.logistics_unlink_indicator_in(&mut w, indicator).await?;
        w.commit().await
    }

    /// [`Store::logistics_unlink_indicator`] inside the caller's transaction.
    pub async fn logistics_unlink_indicator_in(&self, w: &mut WriteTx<'_>, indicator: IndicatorId) -> Result<()> {
        let Some(before) = self.logistics_indicator_links().await?.into_iter().find(|l| l.indicator == indicator)
        else {
            return Err(StoreError::NotFound { entity: "indicator_chain_link" });
        };
        sqlx::query("DELETE FROM logistics_indicator_links WHERE indicator_id = $1")
            .bind(indicator.to_string())
            .execute(&mut *w.tx)
            .await?;
        w.audit(Change::delete("indicator_chain_link", indicator.to_string(), &before)).await
    }

    /// Writes the chain figures of `quarter` as the linked indicators' actuals, all in one
    /// transaction. Refused for a closed reporting period. A figure equal to the one stored is
    /// left alone (recording twice changes nothing and leaves no audit entry).
    pub async fn logistics_record_figures(
        &self,
        author: Author<'_>,
        quarter: Quarter,
        figures: &[(IndicatorId, Decimal)],
    ) -> Result<RecordedFigures> {
        let mut w = self.begin_write(author).await?;
        let outcome = self.logistics_record_figures_in(&mut w, quarter, figures).await?;
        w.commit().await?;
        Ok(outcome)
    }

    /// [`Store::logistics_record_figures`] inside the caller's transaction.
    pub async fn logistics_record_figures_in(
        &self,
        w: &mut WriteTx<'_>,
        quarter: Quarter,
        figures: &[(IndicatorId, Decimal)],
    ) -> Result<RecordedFigures> {
        if let Some(period) = self.review_period(quarter).await? {
            period.ensure_editable().map_err(|e| StoreError::Review(e.into()))?;
        }
        let mut stored = Vec::with_capacity(figures.len());
        for (indicator, value) in figures {
            let current = self.indicator(*indicator).await?;
            let previous = current.actuals.iter().find(|a| a.quarter == quarter).map(|a| a.value);
            stored.push((*indicator, previous, *value));
        }
        let mut outcome = RecordedFigures::default();
        for (indicator, previous, value) in stored {
            if previous == Some(value) {
                outcome.unchanged += 1;
                continue;
            }
            crate::plan::write_actual(w, indicator, quarter, previous, Some(value)).await?;
            outcome.written += 1;
        }
        Ok(outcome)
    }
}
