//! Trade in both directions: imports of customs and statistics files and of exchange rates,
//! summaries with charts, mirror reconciliation, product groups. Pages under `/trade`, the
//! API under `/api/v1/trade`. Every change is a use case of `accord_app::trade`; the figures are
//! read from there too.

mod api;
mod groups;
mod imports;
mod measure;
mod mirror;
mod overview;
mod view;

pub use accord_app::trade::{MirrorQuery, ScopeSummary, SummaryQuery, SummaryRequest};
pub use measure::{MeasureTrade, measure_trade};
pub(crate) use view::chart_options;

use crate::AppState;
use crate::error::AppError;
use crate::i18n::Tr;
use accord_app::trade::ImportSummary;
use accord_domain::trade::{Currency, Granularity, PeriodRange, RateBasis, ReportedBy, Scope, Territory};
use accord_store::{Author, Store, TradeFile};
use axum::Router;

/// Trade files sent to the API or uploaded: the size up to which a file is read in one part.
pub const UPLOAD_LIMIT: usize = accord_formats::trade::SPLIT_AT as usize;

pub fn routes() -> Router<AppState> {
    Router::new()
        .merge(overview::routes())
        .merge(mirror::routes())
        .merge(groups::routes())
        .merge(imports::routes())
        .merge(api::routes())
}

/// The routes that take trade and rate files (a larger body limit than the rest).
pub fn upload_routes() -> Router<AppState> {
    imports::upload_routes().merge(api::upload_routes())
}

/// The summaries as the web crate's handlers and documents read them (refusals as [`AppError`]);
/// the figures are `accord_app::trade`'s.
pub struct Summariser(accord_app::trade::Summariser);

impl Summariser {
    pub async fn load(store: &Store) -> Result<Summariser, AppError> {
        Ok(Summariser(accord_app::trade::Summariser::load(store).await?))
    }

    /// One scope's figures as one side reports them; `None` when that side reports nothing.
    pub fn one(
        &self,
        request: &SummaryRequest,
        scope: Scope,
        reported_by: ReportedBy,
    ) -> Result<Option<ScopeSummary>, AppError> {
        Ok(self.0.one(request, scope, reported_by)?)
    }

    /// One product group's own figures in a scope, as one side reports them.
    pub fn of_group(
        &self,
        request: &SummaryRequest,
        scope: Scope,
        reported_by: ReportedBy,
        group_key: &str,
    ) -> Result<Option<ScopeSummary>, AppError> {
        Ok(self.0.of_group(request, scope, reported_by, group_key)?)
    }

    /// Every scope that has data in the range, for each side that reports it.
    pub fn all(&self, request: &SummaryRequest) -> Result<Vec<ScopeSummary>, AppError> {
        Ok(self.0.all(request)?)
    }
}

/// The rows an import left out, one line each in the reader's language, and how many more.
pub(crate) fn import_notes(tr: &Tr, summary: &ImportSummary) -> Vec<String> {
    let mut notes: Vec<String> = summary.skipped.iter().map(|s| tr.skipped(s)).collect();
    if summary.more_skipped > 0 {
        notes.push(
            tr.ta("import-more-skipped", &[("count", tr.int(i64::try_from(summary.more_skipped).unwrap_or(i64::MAX)))]),
        );
    }
    notes
}

/// Loads the demo trade (both sides' statistics 2021-2026), its exchange rates and product
/// groups; what is already there stays as it is. Returns the records stored.
pub async fn load_demo(store: &Store) -> Result<usize, AppError> {
    let demo = crate::demo_trade::demo_trade();
    let mut stored = 0;
    for (source, records) in &demo.sources {
        let mut aggregator = accord_domain::trade::Aggregator::new();
        for record in records {
            aggregator.add(record).map_err(|e| AppError::Internal(e.to_string()))?;
        }
        let aggregated = aggregator.into_sorted();
        let file = TradeFile {
            file_name: source.file_name.clone(),
            format: "demo".into(),
            // Stands for the generator's output, which is the same on every run.
            sha256: format!("demo-{}", source.side.code()),
            rows_read: records.len() as u64,
        };
        store.trade_import(Author::SYSTEM, source, &file, &aggregated).await?;
        stored += aggregated.len();
    }
    store.rates_import(Author::SYSTEM, "demo-rates", &demo.rates).await?;
    let existing = store.product_groups().await?;
    for group in &demo.groups {
        if !existing.iter().any(|g| g.group.key == group.key) {
            store.product_group_save(Author::SYSTEM, group, None).await?;
        }
    }
    link_demo_groups(store).await?;
    demo_turnover_indicator(store).await?;
    Ok(stored)
}

/// Measure 1.'s indicator, "turnover of Belarus with the Khabarovsk Territory over the last four
/// quarters", from the demo trade itself (Belarusian statistics): the 2024 figure as the
/// baseline, a quarter of growth by 2027 as the target, and each complete quarter since 2025
/// as an actual. Added once; a user's own indicators stay.
async fn demo_turnover_indicator(store: &Store) -> Result<(), AppError> {
    const NAME: &str = "Товарооборот Беларуси с Хабаровским краем за четыре квартала";
    let Ok(plan) = crate::plan::resolve_plan(store, None).await else { return Ok(()) };
    let measures = store.measures_of_plan(plan.id).await?;
    let Some(measure) = measures.iter().find(|m| m.data.number.to_string() == "1.") else { return Ok(()) };
    if store.indicators_of(measure.id).await?.iter().any(|i| i.data.name_ru == NAME) {
        return Ok(());
    }
    let (Some(first), Some(last)) = (accord_domain::Quarter::new(2024, 1), accord_domain::Quarter::new(2027, 4)) else {
        return Ok(());
    };
    let request = SummaryRequest {
        range: PeriodRange::quarters(first, last),
        granularity: Granularity::Quarter,
        by: None,
        currency: Currency::Usd,
        basis: RateBasis::MonthlyAverage,
    };
    let scope = Scope { first: Territory::BY, second: Territory::RU_KHA };
    let Some(by) = Summariser::load(store).await?.one(&request, scope, ReportedBy::First)? else { return Ok(()) };
    let complete: Vec<(accord_domain::Quarter, rust_decimal::Decimal)> = by
        .summary
        .buckets
        .iter()
        .filter(|b| !b.incomplete)
        .filter_map(|b| match b.bucket {
            accord_domain::trade::Bucket::Quarter(q) => Some((q, b.figures.turnover)),
            _ => None,
        })
        .collect();
    let million = rust_decimal::Decimal::from(1_000_000);
    let four_ending = |end: accord_domain::Quarter| -> Option<rust_decimal::Decimal> {
        let mut sum = rust_decimal::Decimal::ZERO;
        let mut q = end;
        for _ in 0..4 {
            sum += complete.iter().find(|(c, _)| *c == q)?.1;
            q = q.prev();
        }
        Some((sum / million).round_dp(1))
    };
    let (Some(end_2024), Some(from_2025)) =
        (accord_domain::Quarter::new(2024, 4), accord_domain::Quarter::new(2025, 1))
    else {
        return Ok(());
    };
    let Some(baseline) = four_ending(end_2024) else { return Ok(()) };
    let target = (baseline * rust_decimal::Decimal::new(125, 2)).round();
    let form = accord_domain::plan::indicator::IndicatorForm {
        name_ru: NAME.into(),
        name_en: Some("Trade of Belarus with the Khabarovsk Territory over four quarters".into()),
        unit: "млн долл. США".into(),
        direction: "increase".into(),
        accumulation: "cumulative".into(),
        value_kind: "quantity".into(),
        baseline: Some(baseline.to_string()),
        baseline_date: Some("2024-12-31".into()),
        target: Some(target.to_string()),
        yearly_targets: None,
    };
    let data = form.validate()?;
    let indicator = store.indicator_create(Author::SYSTEM, measure.id, &data).await?;
    for (quarter, _) in complete.iter().filter(|(q, _)| *q >= from_2025) {
        if let Some(value) = four_ending(*quarter) {
            store.indicator_set_actual(Author::SYSTEM, indicator.id, *quarter, Some(value)).await?;
        }
    }
    Ok(())
}

/// Links the demo groups to the demo plan's measures they stand behind, where a group has no
/// links yet (a user's own links stay).
async fn link_demo_groups(store: &Store) -> Result<(), AppError> {
    let Ok(plan) = crate::plan::resolve_plan(store, None).await else { return Ok(()) };
    let measures = store.measures_of_plan(plan.id).await?;
    let groups = store.product_groups().await?;
    for (key, numbers) in crate::demo_trade::GROUP_MEASURES {
        let Some(group) = groups.iter().find(|g| g.group.key == *key && g.measures.is_empty()) else { continue };
        let ids: Vec<accord_domain::MeasureId> = numbers
            .iter()
            .filter_map(|n| measures.iter().find(|m| m.data.number.to_string() == *n).map(|m| m.id))
            .collect();
        if !ids.is_empty() {
            store.product_group_link(Author::SYSTEM, &group.id, &ids).await?;
        }
    }
    Ok(())
}
