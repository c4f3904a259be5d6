//! The figures the review shows beside the plan: trade in both directions, the service
//! centre's readiness, the indicators the logistics chains measure, progress by dimension;
//! gathered for the agenda and the briefing pack, and written as each language writes them.
//!
//! These read other modules' data (nothing here changes it): the trade summaries are the trade
//! module's, with the settings the trade pages use for a quarter in dollars; the fleet's facts
//! are the fleet module's.

use crate::{App, Result};
use accord_domain::logistics::ChainFigure;
use accord_domain::plan::{Measure, Plan, is_overdue};
use accord_domain::quarter::Quarter;
use accord_domain::review::agenda::measures_due_in;
use accord_domain::review::{Agenda, AgendaInput, DimensionProgress, KeyFigure, Meeting};
use accord_domain::trade::{Currency, Granularity, PeriodRange, RateBasis, ReportedBy, Scope};
use accord_i18n::Tr;
use accord_store::{QuarterFigures, Store};
use chrono::NaiveDate;
use rust_decimal::Decimal;
use std::collections::BTreeMap;

/// The service centre's figures of the quarter as the agenda and the briefing pack show them:
/// machines on the books, КТГ, КВ, MTBF, MTTR, the share of preventive services done on time
/// and the work orders open at the quarter's end, each with the quarter before for the change.
/// `None` when the fleet has nothing to say for the quarter: no machine on its books then, or
/// the quarter ends after the fleet's data does (its as-of date): past it every machine reads
/// as ready and idle, figures that would be extrapolated rather than measured.
pub async fn service_centre_figures(store: &Store, quarter: Quarter) -> Result<Option<Vec<KeyFigure>>> {
    if quarter.last_day() > App::new(store.clone()).fleet_today().await? {
        return Ok(None);
    }
    let now = store.fleet_quarter_figures(quarter).await?;
    let before = store.fleet_quarter_figures(quarter.prev()).await?;
    Ok(service_centre_key_figures(&now, &before))
}

/// [`service_centre_figures`] from the two quarters' figures (a share as a percentage with one
/// decimal, hours with one decimal; a figure the quarter cannot give is left out).
pub fn service_centre_key_figures(now: &QuarterFigures, before: &QuarterFigures) -> Option<Vec<KeyFigure>> {
    if now.machines == 0 {
        return None;
    }
    let had_machines = before.machines > 0;
    let share = |v: Option<f64>| v.and_then(|v| Decimal::from_f64_retain(v * 100.0)).map(|d| d.round_dp(1));
    let hours = |v: Option<f64>| v.and_then(Decimal::from_f64_retain).map(|d| d.round_dp(1));
    let mut out = vec![KeyFigure {
        key: "review-sc-machines".into(),
        value: Decimal::from(now.machines),
        unit: None,
        previous: had_machines.then(|| Decimal::from(before.machines)),
    }];
    let measured = [
        ("review-sc-ktg", share(now.ktg), share(before.ktg), Some("%")),
        ("review-sc-kv", share(now.kv), share(before.kv), Some("%")),
        ("review-sc-mtbf", hours(now.mtbf), hours(before.mtbf), None),
        ("review-sc-mttr", hours(now.mttr), hours(before.mttr), None),
        ("review-sc-on-time", share(now.on_time), share(before.on_time), Some("%")),
    ];
    for (key, value, previous, unit) in measured {
        if let Some(value) = value {
            out.push(KeyFigure {
                key: key.into(),
                value,
                unit: unit.map(str::to_string),
                previous: previous.filter(|_| had_machines),
            });
        }
    }
    out.push(KeyFigure {
        key: "review-sc-open-orders".into(),
        value: Decimal::from(now.open_work_orders),
        unit: None,
        previous: had_machines.then(|| Decimal::from(before.open_work_orders)),
    });
    Some(out)
}

/// One scope's trade as one side reports it.
pub use crate::trade::ScopeSummary as ScopeTrade;

/// The trade summaries the review reads: the trade module's own, for quarters in dollars at
/// monthly average rates, as the trade pages show a quarter.
pub struct TradeFigures(crate::trade::Summariser);

impl TradeFigures {
    pub async fn load(store: &Store) -> Result<TradeFigures> {
        Ok(TradeFigures(crate::trade::Summariser::load(store).await?))
    }

    /// One scope's quarters `from`…`to` in dollars, as one side reports them; `None` when that
    /// side reports nothing of the scope then.
    pub fn quarters(
        &self,
        from: Quarter,
        to: Quarter,
        scope: Scope,
        reported_by: ReportedBy,
    ) -> Result<Option<ScopeTrade>> {
        let request = crate::trade::SummaryRequest {
            range: PeriodRange::quarters(from, to),
            granularity: Granularity::Quarter,
            by: None,
            currency: Currency::Usd,
            basis: RateBasis::MonthlyAverage,
        };
        self.0.one(&request, scope, reported_by)
    }

    /// Every scope with data in the quarter, for each side that reports it.
    pub fn all(&self, quarter: Quarter) -> Result<Vec<ScopeTrade>> {
        let mut out = Vec::new();
        for scope in crate::trade::SCOPES {
            for reported_by in [ReportedBy::First, ReportedBy::Second] {
                out.extend(self.quarters(quarter, quarter, scope, reported_by)?);
            }
        }
        Ok(out)
    }
}

/// Exports and imports of the quarter as Belarusian statistics report them (USD), with the
/// quarter before; `None` when the trade module has no figures for it.
pub async fn trade_key_figures(store: &Store, quarter: Quarter) -> Result<Option<Vec<KeyFigure>>> {
    let trade = TradeFigures::load(store).await?;
    let Ok(Some(summary)) = trade.quarters(quarter.prev(), quarter, Scope::REGIONS, ReportedBy::First) else {
        return Ok(None);
    };
    let buckets = &summary.summary.buckets;
    let (Some(current), previous) = (buckets.last(), buckets.len().checked_sub(2).and_then(|i| buckets.get(i))) else {
        return Ok(None);
    };
    let figure = |key: &str, now: Decimal, before: Option<Decimal>| KeyFigure {
        key: key.to_string(),
        value: now.round_dp(0),
        unit: Some("USD".into()),
        previous: before.map(|b| b.round_dp(0)),
    };
    Ok(Some(vec![
        figure("review-trade-exports", current.figures.exports, previous.map(|p| p.figures.exports)),
        figure("review-trade-imports", current.figures.imports, previous.map(|p| p.figures.imports)),
    ]))
}

/// The indicators the logistics chains measure, with their actual in the quarter and the
/// quarter before.
pub async fn logistics_figures(store: &Store, plan: &Plan, quarter: Quarter) -> Result<Vec<ChainFigure>> {
    let links = store.logistics_indicator_links().await?;
    if links.is_empty() {
        return Ok(Vec::new());
    }
    let indicators: Vec<_> = store.indicators_of_plan(plan.id).await?.into_values().flatten().collect();
    let refs: Vec<&_> = indicators.iter().collect();
    Ok(ChainFigure::of_quarter(&links, &refs, quarter))
}

/// Average percent done per dimension (section) of the plan.
pub fn progress_by_dimension(measures: &[Measure]) -> Vec<DimensionProgress> {
    let mut by: BTreeMap<String, (usize, u32)> = BTreeMap::new();
    for m in measures {
        let e = by.entry(m.data.section.clone()).or_default();
        e.0 += 1;
        e.1 += u32::from(m.data.percent);
    }
    by.into_iter()
        .map(|(dimension, (n, sum))| DimensionProgress {
            dimension,
            measures: n,
            percent: if n == 0 { 0.0 } else { f64::from(sum) / n as f64 },
        })
        .collect()
}

/// The day a quarter's agenda and pack count overdue measures on: the day after the quarter
/// (what fell due by its last day and is not done), or `today` while the quarter still runs.
pub(crate) fn overdue_on(quarter: Quarter, today: NaiveDate) -> NaiveDate {
    quarter.last_day().succ_opt().map_or(today, |after| after.min(today))
}

impl App {
    /// The agenda the data suggests for a meeting: decisions of the last meeting and those still
    /// on control, overdue measures, measures due next quarter, progress by dimension, trade in
    /// both directions, the service centre's figures and the chain-measured indicators when
    /// their modules have figures for the quarter. Not stored: see `agenda_generate`.
    pub async fn review_agenda_draft(&self, plan: &Plan, meeting: &Meeting, today: NaiveDate) -> Result<Agenda> {
        let store = &self.store;
        let measures = store.measures_of_plan(plan.id).await?;
        let meetings = store.review_meetings().await?;
        let last_meeting = meetings.iter().filter(|m| m.start < meeting.start).map(|m| m.id).next_back();
        let quarter = meeting.quarter;
        let handed_in = store.review_handed_in().await?;
        let on = overdue_on(quarter, today);
        let overdue_measures: Vec<_> = measures
            .iter()
            .filter(|m| {
                let (start, end) = (plan.period_start, plan.period_end);
                is_overdue(m.id, m.data.status, &m.data.term, on, start, end, &handed_in)
            })
            .map(|m| m.id)
            .collect();
        let next = quarter.next();
        let input = AgendaInput {
            today: Some(today),
            last_meeting,
            decisions: store.review_decisions().await?,
            overdue_measures,
            next_quarter: Some((next, measures_due_in(&measures, next, plan.period_start, plan.period_end))),
            progress: progress_by_dimension(&measures),
            trade: trade_key_figures(store, quarter).await?,
            service_centre: service_centre_figures(store, quarter).await?,
            logistics: logistics_figures(store, plan, quarter).await?,
            side_items: Vec::new(),
        };
        Ok(Agenda::generate(meeting.id, input, || store.review_new_agenda_item_id()))
    }
}

/// A key figure's value as the reader writes it: grouped thousands, the reader's decimal
/// mark, the unit ("91,2 %", "1 234 567 USD").
pub fn figure_value(tr: &Tr, value: Decimal, unit: Option<&str>) -> String {
    use rust_decimal::prelude::ToPrimitive;
    let whole = value.trunc();
    let mut text = match whole.to_i64() {
        Some(i) if value.fract().is_zero() => tr.int(i),
        Some(i) => {
            let fraction = tr.decimal(value.fract().abs());
            let sign = if value.is_sign_negative() && i == 0 { "-" } else { "" };
            format!("{sign}{}{}", tr.int(i), fraction.trim_start_matches('0'))
        }
        None => tr.decimal(value),
    };
    match unit {
        Some("%") if tr.is_en() => text.push('%'),
        Some(u) => {
            text.push('\u{a0}');
            text.push_str(u);
        }
        None => {}
    }
    text
}

/// The change of a key figure since the figure before: signed, in percentage points for a
/// share; a dash when there is no figure before.
pub fn figure_change(tr: &Tr, figure: &KeyFigure) -> String {
    let Some(previous) = figure.previous else { return "—".to_string() };
    let delta = figure.value - previous;
    let unit = match figure.unit.as_deref() {
        Some("%") => Some(tr.t("review-sc-points")),
        other => other.map(str::to_string),
    };
    let text = figure_value(tr, delta, None);
    let sign = if delta.is_sign_positive() && !delta.is_zero() { "+" } else { "" };
    match unit {
        Some(u) => format!("{sign}{text}\u{a0}{u}"),
        None => format!("{sign}{text}"),
    }
}

/// One figure as an agenda line: "КТГ: 91,2 % (за предыдущий квартал: 89,5 %; +1,7 п. п.)".
pub fn figure_line(tr: &Tr, figure: &KeyFigure) -> String {
    let value = figure_value(tr, figure.value, figure.unit.as_deref());
    match figure.previous {
        Some(previous) => tr.ta(
            "review-figure-line",
            &[
                ("name", tr.t(&figure.key)),
                ("value", value),
                ("previous", figure_value(tr, previous, figure.unit.as_deref())),
                ("change", figure_change(tr, figure)),
            ],
        ),
        None => format!("{}: {value}", tr.t(&figure.key)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use accord_domain::directory::Locale;

    fn figures(machines: u32, ktg: Option<f64>, open: u64) -> QuarterFigures {
        QuarterFigures {
            quarter: "2025Q2".into(),
            machines,
            ktg,
            kv: Some(0.6),
            mtbf: Some(703.54),
            mttr: None,
            on_time: Some(0.8),
            open_work_orders: open,
            data_end: None,
        }
    }

    #[test]
    fn service_centre_figures_need_machines_and_leave_out_what_the_quarter_cannot_give() {
        assert_eq!(service_centre_key_figures(&figures(0, None, 0), &figures(10, Some(0.9), 1)), None);
        let got = service_centre_key_figures(&figures(30, Some(0.9028), 14), &figures(0, None, 0)).expect("figures");
        let keys: Vec<&str> = got.iter().map(|f| f.key.as_str()).collect();
        assert_eq!(
            keys,
            [
                "review-sc-machines",
                "review-sc-ktg",
                "review-sc-kv",
                "review-sc-mtbf",
                "review-sc-on-time",
                "review-sc-open-orders"
            ],
            "no MTTR without repairs"
        );
        assert_eq!(got[1].value, Decimal::new(903, 1), "a share as a percentage, one decimal");
        assert_eq!(got[3].value, Decimal::new(7035, 1), "hours, one decimal");
        assert!(got.iter().all(|f| f.previous.is_none()), "no fleet the quarter before: no change");
    }

    #[test]
    fn figures_read_as_each_language_writes_them() {
        let ru = Tr::new(Locale::Ru);
        let en = Tr::new(Locale::En);
        assert_eq!(figure_value(&ru, Decimal::new(12345675, 1), Some("%")), "1\u{a0}234\u{a0}567,5\u{a0}%");
        assert_eq!(figure_value(&en, Decimal::new(12345675, 1), Some("%")), "1,234,567.5%");
        assert_eq!(figure_value(&ru, Decimal::new(-5, 1), None), "-0,5");
        assert_eq!(figure_value(&en, Decimal::from(1500), Some("USD")), "1,500\u{a0}USD");
        let ktg = KeyFigure {
            key: "review-sc-ktg".into(),
            value: Decimal::new(903, 1),
            unit: Some("%".into()),
            previous: Some(Decimal::new(895, 1)),
        };
        assert_eq!(figure_change(&ru, &ktg), "+0,8\u{a0}п. п.");
        assert_eq!(figure_line(&en, &ktg), "Technical readiness (KTG): 90.3% (previous quarter: 89.5%; +0.8\u{a0}pp)");
        let fewer = KeyFigure {
            key: "review-sc-open-orders".into(),
            value: Decimal::from(3),
            unit: None,
            previous: Some(Decimal::from(5)),
        };
        assert_eq!(figure_change(&ru, &fewer), "-2");
        assert_eq!(figure_change(&ru, &KeyFigure { previous: None, ..fewer }), "—");
    }
}
