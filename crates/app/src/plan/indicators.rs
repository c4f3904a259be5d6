//! A measure's indicators and their quarterly actuals.

use crate::{Actor, App, Result};
use accord_domain::directory::{Action, authorize};
use accord_domain::plan::Indicator;
use accord_domain::plan::indicator::{IndicatorForm, parse_decimal};
use accord_domain::validation::{Invalid, Reason};
use accord_domain::{IndicatorId, MeasureId, Quarter};

impl App {
    /// Adds an indicator to a measure: those who may change the measure.
    pub async fn indicator_create(&self, actor: &Actor, measure: MeasureId, form: &IndicatorForm) -> Result<Indicator> {
        let m = self.store.measure(measure).await?;
        authorize(&actor.role(), Action::EditMeasure { executors: &m.data.executors })?;
        let data = form.validate()?;
        Ok(self.store.indicator_create(actor.author(), measure, &data).await?)
    }

    /// Records (an empty value removes) a quarter's actual: those who report on the measure,
    /// on the indicator as they saw it (`version`), else stale.
    pub async fn indicator_actual_set(
        &self,
        actor: &Actor,
        id: IndicatorId,
        version: i64,
        quarter: &str,
        value: &str,
    ) -> Result<Indicator> {
        let indicator = self.store.indicator(id).await?;
        let m = self.store.measure(indicator.measure_id).await?;
        authorize(&actor.role(), Action::ReportOnMeasure { executors: &m.data.executors })?;
        let quarter: Quarter = quarter.parse().map_err(|_| Invalid::one("quarter", Reason::UnknownValue))?;
        let value = match value.trim() {
            "" => None,
            raw => Some(parse_decimal(raw).ok_or_else(|| Invalid::one("value", Reason::UnknownValue))?),
        };
        let mut w = self.store.begin_write(actor.author()).await?;
        self.store.indicator_set_actual_in(&mut w, &indicator, version, quarter, value).await?;
        w.commit().await?;
        Ok(self.store.indicator(id).await?)
    }
}
