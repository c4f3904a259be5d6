//! Readiness figures (КТГ, КВ, MTBF, MTTR, on-time services, costs) of the machines a reader
//! sees, and the service centre's figures of a quarter for those who see the whole fleet.

use super::input::{given, invalid};
use crate::{Actor, App, Error, Result, Rule};
use accord_domain::fleet::kpi::{DateRange, GroupBy};
use accord_domain::quarter::Quarter;
use accord_domain::validation::Reason;
use accord_store::{KpiTable, QuarterFigures};
use chrono::{Days, NaiveDate};
use serde::Deserialize;

/// The figures' settings: `from`, `to` (dates, `to` included; default the last 365 days up to
/// the last day the fleet has data for), `by` machine|model|brand|owner|fleet (default model).
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct KpiQuery {
    pub from: Option<String>,
    pub to: Option<String>,
    pub by: Option<String>,
}

/// A grouping by its name.
pub fn parse_by(text: Option<&str>) -> Result<GroupBy> {
    Ok(match text.map(str::trim).unwrap_or("model") {
        "" | "model" => GroupBy::Model,
        "machine" => GroupBy::Machine,
        "brand" => GroupBy::Brand,
        "owner" => GroupBy::Owner,
        "fleet" => GroupBy::Fleet,
        _ => return Err(invalid("by", Reason::UnknownValue).into()),
    })
}

/// A period the domain refuses (reversed, empty), naming the field.
pub(crate) fn range_refused(e: &accord_domain::fleet::kpi::RangeError, first: NaiveDate, last: NaiveDate) -> Error {
    Error::Refused(
        Rule::input("refused", crate::error::fluent_id(e.key()))
            .arg("subject", format!("{first}..{last}"))
            .arg("value", first)
            .field(e.field())
            .detail(e),
    )
}

impl KpiQuery {
    /// The period and grouping asked for; an open end is `default_last`.
    pub fn resolve(&self, default_last: NaiveDate) -> Result<(DateRange, GroupBy)> {
        let date = |v: &Option<String>, field: &'static str| -> Result<Option<NaiveDate>> {
            match given(v) {
                Some(t) => Ok(Some(
                    NaiveDate::parse_from_str(t, "%Y-%m-%d").map_err(|_| invalid(field, Reason::UnknownValue))?,
                )),
                None => Ok(None),
            }
        };
        let last = date(&self.to, "to")?.unwrap_or(default_last);
        let first = date(&self.from, "from")?.unwrap_or_else(|| last.checked_sub_days(Days::new(364)).unwrap_or(last));
        let range = DateRange::inclusive(first, last).map_err(|e| range_refused(&e, first, last))?;
        Ok((range, parse_by(self.by.as_deref())?))
    }
}

impl App {
    /// The readiness figures over `range` grouped `by`, of the machines `actor` sees, with the
    /// total of those machines.
    pub async fn fleet_kpi(&self, actor: &Actor, range: DateRange, by: GroupBy) -> Result<KpiTable> {
        let scope = self.fleet_scope(actor).await?;
        Ok(self.store.fleet_kpi(range, by, |m| scope.sees(m)).await?)
    }

    /// The figures a query asks for; without dates, the year up to the fleet's last day of data
    /// (or up to yesterday when nothing is recorded yet).
    pub async fn fleet_kpi_query(&self, actor: &Actor, q: &KpiQuery) -> Result<(DateRange, GroupBy, KpiTable)> {
        let today = self.fleet_today().await?;
        let yesterday = today.pred_opt().unwrap_or(today);
        let last = self.store.fleet_data_end().await?.map_or(yesterday, |end| end.min(yesterday));
        let (range, by) = q.resolve(last)?;
        Ok((range, by, self.fleet_kpi(actor, range, by).await?))
    }

    /// The service centre's figures of a quarter over the whole fleet (those who see it).
    pub async fn fleet_quarter_figures(&self, actor: &Actor, quarter: Quarter) -> Result<QuarterFigures> {
        self.fleet_whole(actor).await?;
        Ok(self.store.fleet_quarter_figures(quarter).await?)
    }
}
