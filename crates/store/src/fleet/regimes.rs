//! Models and their maintenance regimes: the catalogue saved whole (demo, bulk loads), and a
//! regime revised at the version its editor saw.

use super::parts::require_part;
use super::{brand_code, code, json, refused, unjson};
use crate::{Author, Result, Store, StoreError, WriteTx};
use accord_domain::audit::Change;
use accord_domain::fleet::machine::Model;
use accord_domain::fleet::parts::PartNumber;
use accord_domain::fleet::regime::Regime;
use std::collections::HashSet;

pub(super) async fn save_catalog(w: &mut WriteTx<'_>, models: &[Model], regimes: &[Regime]) -> Result<()> {
    w.touch_fleet();
    for m in models {
        sqlx::query(
            "INSERT INTO fleet_models (id, brand, designation, kind, body) VALUES ($1, $2, $3, $4, $5) \
             ON CONFLICT (id) DO UPDATE SET brand = $2, designation = $3, kind = $4, body = $5",
        )
        .bind(m.id.to_string())
        .bind(brand_code(&m.brand))
        .bind(&m.designation)
        .bind(code(&m.kind))
        .bind(json(m)?)
        .execute(&mut *w.tx)
        .await?;
        w.audit(Change::create("fleet_model", m.id, m)).await?;
    }
    for r in regimes {
        sqlx::query(
            "INSERT INTO fleet_regimes (id, model_id, body) VALUES ($1, $2, $3) \
             ON CONFLICT (id) DO UPDATE SET model_id = $2, body = $3, version = fleet_regimes.version + 1",
        )
        .bind(r.id().to_string())
        .bind(r.model().to_string())
        .bind(json(r)?)
        .execute(&mut *w.tx)
        .await?;
        w.audit(Change::create("fleet_regime", r.id(), r)).await?;
    }
    Ok(())
}

impl Store {
    /// Saves models and their regimes (replacing stored ones with the same id).
    pub async fn fleet_catalog_save(&self, author: Author<'_>, models: &[Model], regimes: &[Regime]) -> Result<()> {
        let mut w = self.begin_write(author).await?;
        save_catalog(&mut w, models, regimes).await?;
        w.commit().await
    }

    /// Replaces a stored regime by its revision, in one transaction with its audit entry
    /// (before and after), if the regime is still at `version` (else nothing is written: 409).
    /// The revision keeps the regime's id, model and engine.
    pub async fn fleet_regime_update(&self, author: Author<'_>, regime: &Regime, version: i64) -> Result<()> {
        let mut w = self.begin_write(author).await?;
        self.fleet_regime_update_in(&mut w, regime, version).await?;
        w.commit().await
    }

    /// [`Store::fleet_regime_update`] inside the caller's transaction.
    pub async fn fleet_regime_update_in(&self, w: &mut WriteTx<'_>, regime: &Regime, version: i64) -> Result<()> {
        let row: Option<(String, i64)> = sqlx::query_as("SELECT body, version FROM fleet_regimes WHERE id = $1")
            .bind(regime.id().to_string())
            .fetch_optional(&mut *w.tx)
            .await?;
        let (body, current) = row.ok_or(StoreError::NotFound { entity: "regime" })?;
        if current != version {
            return Err(StoreError::Conflict { entity: "regime", current });
        }
        let before: Regime = unjson("regime", &body)?;
        if before.model() != regime.model() || before.engine() != regime.engine() {
            return Err(refused(
                "fleet.error.regime_model_changed",
                "model",
                regime.id(),
                regime.model(),
                "a regime stays with its model and engine",
            ));
        }
        let parts: HashSet<&PartNumber> =
            regime.contents().iter().flat_map(|c| c.parts.iter().map(|n| &n.part)).collect();
        for part in parts {
            require_part(w, part, "parts", regime.id()).await?;
        }
        w.touch_fleet();
        let done =
            sqlx::query("UPDATE fleet_regimes SET body = $1, version = version + 1 WHERE id = $2 AND version = $3")
                .bind(json(regime)?)
                .bind(regime.id().to_string())
                .bind(version)
                .execute(&mut *w.tx)
                .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::Conflict { entity: "regime", current });
        }
        w.audit(Change::update("fleet_regime", regime.id(), &before, regime)).await?;
        Ok(())
    }
}
