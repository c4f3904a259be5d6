//! Trade in both directions: imports of customs and statistics files and of exchange rates,
//! summaries with charts, mirror reconciliation, product groups. Pages under `/trade`, the
//! API under `/api/v1/trade`.

mod api;
mod measure;
mod pages;
pub use measure::{MeasureTrade, measure_trade};
pub(crate) use pages::chart_options;
pub use pages::{MirrorQuery, SummaryQuery};
pub mod transfer;

use crate::AppState;
use crate::error::AppError;
use accord_domain::Side;
use accord_domain::trade::{
    CodeLevel, Currency, Granularity, GroupBy, PeriodRange, ProductGroup, RateBasis, ReportedBy, Scope, Source,
    Summary, SummaryOptions, Territory, summarise,
};
use accord_store::{Author, Store, TradeData, TradeFile, TradeImportOutcome};
use axum::Router;
use serde::Serialize;
use transfer::TradeRead;

pub use api::UPLOAD_LIMIT;

pub fn routes() -> Router<AppState> {
    pages::routes().merge(api::routes())
}

/// The routes that take trade and rate files (a larger body limit than the rest).
pub fn upload_routes() -> Router<AppState> {
    api::upload_routes()
}

/// What an import was asked to do beyond the file itself.
#[derive(Debug, Clone, Default)]
pub struct ImportRequest {
    /// The source's name (e.g. "Могилевоблстат"); by default the file's name without extension.
    pub source: Option<String>,
    /// Whose statistics these are; by default the side of every reporter in the file.
    pub side: Option<Side>,
    pub dry_run: bool,
}

/// What an import found and did.
#[derive(Debug, Clone, Serialize)]
pub struct ImportSummary {
    pub side: Side,
    pub source: String,
    pub format: &'static str,
    pub rows_read: u64,
    pub records: usize,
    pub first_period: Option<String>,
    pub last_period: Option<String>,
    /// Rows left out on purpose, with why; translated where shown (see [`ImportSummary::notes`]).
    #[serde(skip)]
    pub skipped: Vec<accord_formats::trade::Skipped>,
    #[serde(skip)]
    pub more_skipped: u64,
    /// `None` for a dry run.
    pub outcome: Option<TradeImportOutcome>,
}

impl ImportSummary {
    /// The rows left out, one line each in the reader's language, and how many more there were.
    pub fn notes(&self, tr: &crate::i18n::Tr) -> Vec<String> {
        let mut notes: Vec<String> = self.skipped.iter().map(|s| tr.skipped(s)).collect();
        if self.more_skipped > 0 {
            notes.push(
                tr.ta(
                    "import-more-skipped",
                    &[("count", tr.int(i64::try_from(self.more_skipped).unwrap_or(i64::MAX)))],
                ),
            );
        }
        notes
    }
}

/// Whose statistics a file holds: as given, or the one side every reporter in it belongs to.
pub fn file_side(aggregator: &accord_domain::trade::Aggregator, given: Option<Side>) -> Result<Side, AppError> {
    if let Some(side) = given {
        return Ok(side);
    }
    let sides: std::collections::BTreeSet<Option<Side>> = aggregator.iter().map(|r| r.key.reporter.side()).collect();
    match (sides.len(), sides.first()) {
        (1, Some(Some(side))) => Ok(*side),
        _ => Err(AppError::BadRequest("trade-side-needed")),
    }
}

/// Stores a file's aggregated records under its source, or only reports on a dry run.
pub async fn import_read(
    store: &Store,
    author: Author<'_>,
    file_name: &str,
    read: TradeRead,
    request: &ImportRequest,
) -> Result<ImportSummary, AppError> {
    let side = file_side(&read.aggregator, request.side)?;
    let records = read.aggregator.into_sorted();
    let stem = std::path::Path::new(file_name).file_stem().map(|s| s.to_string_lossy().into_owned());
    let source_name = request
        .source
        .clone()
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .or(stem)
        .unwrap_or_else(|| file_name.to_string());
    let periods: std::collections::BTreeSet<_> = records.iter().map(|r| r.key.period).collect();
    let mut summary = ImportSummary {
        side,
        source: source_name.clone(),
        format: read.format,
        rows_read: read.rows_read,
        records: records.len(),
        first_period: periods.first().map(ToString::to_string),
        last_period: periods.last().map(ToString::to_string),
        skipped: read.skipped,
        more_skipped: read.more_skipped,
        outcome: None,
    };
    if request.dry_run {
        return Ok(summary);
    }
    let source = Source { side, name: source_name, file_name: file_name.to_string() };
    let file = TradeFile {
        file_name: file_name.to_string(),
        format: read.format.to_string(),
        sha256: read.fingerprint,
        rows_read: read.rows_read,
    };
    summary.outcome = Some(store.trade_import(author, &source, &file, &records).await?);
    Ok(summary)
}

/// The scopes a summary can be about, most specific first: the two regions of the
/// agreement, Belarus and the Khabarovsk Territory, and the two countries.
pub const SCOPES: [Scope; 3] =
    [Scope::REGIONS, Scope { first: Territory::BY, second: Territory::RU_KHA }, Scope::COUNTRIES];

/// A summary's settings as pages, the API and the CLI take them.
#[derive(Debug, Clone, Copy)]
pub struct SummaryRequest {
    pub range: PeriodRange,
    pub granularity: Granularity,
    pub by: Option<GroupBy>,
    pub currency: Currency,
    pub basis: RateBasis,
}

/// One scope's figures, as reported by each side that reports it.
#[derive(Debug, Clone, Serialize)]
pub struct ScopeSummary {
    /// e.g. "BY-MA↔RU-KHA".
    pub scope: String,
    pub first: Territory,
    pub second: Territory,
    /// Whose statistics: the first territory's side reports from its point of view, the
    /// second's as the mirror.
    pub reported_by: Side,
    pub summary: Summary,
}

/// What every summary reads, loaded once for however many summaries a page needs.
pub struct Summariser {
    data: std::sync::Arc<TradeData>,
    rates: std::sync::Arc<accord_domain::trade::RateTable>,
    groups: Vec<ProductGroup>,
}

impl Summariser {
    pub async fn load(store: &Store) -> Result<Summariser, AppError> {
        Ok(Summariser {
            data: store.trade_data().await?,
            rates: store.rate_table().await?,
            groups: store.product_groups().await?.iter().map(|g| g.group.clone()).collect(),
        })
    }

    /// One scope's figures as one side reports them; `None` when that side reports nothing
    /// of the scope in the range.
    pub fn one(
        &self,
        request: &SummaryRequest,
        scope: Scope,
        reported_by: ReportedBy,
    ) -> Result<Option<ScopeSummary>, AppError> {
        self.restricted(request, scope, reported_by, None)
    }

    /// One product group's own figures in a scope, as one side reports them; `None` when the
    /// group is unknown or that side reports nothing of the scope in the range.
    pub fn of_group(
        &self,
        request: &SummaryRequest,
        scope: Scope,
        reported_by: ReportedBy,
        group_key: &str,
    ) -> Result<Option<ScopeSummary>, AppError> {
        let Some(index) = self.groups.iter().position(|g| g.key == group_key) else { return Ok(None) };
        self.restricted(request, scope, reported_by, Some(index))
    }

    fn restricted(
        &self,
        request: &SummaryRequest,
        scope: Scope,
        reported_by: ReportedBy,
        only_group: Option<usize>,
    ) -> Result<Option<ScopeSummary>, AppError> {
        let has_data = self.data.records.iter().any(|r| {
            request.range.contains(r.key.period)
                && scope.orient(r.key.reporter, r.key.partner, r.key.flow, reported_by).is_some()
        });
        if !has_data {
            return Ok(None);
        }
        let options = SummaryOptions {
            scope,
            reported_by,
            range: request.range,
            granularity: request.granularity,
            by: request.by,
            currency: request.currency,
            basis: request.basis,
            rates: &self.rates,
            groups: &self.groups,
            top: 10,
            top_level: CodeLevel::Heading,
            only_group,
        };
        let summary = summarise(&self.data.records, &options).map_err(summary_error)?;
        let reporter = match reported_by {
            ReportedBy::First => scope.first,
            ReportedBy::Second => scope.second,
        };
        Ok(Some(ScopeSummary {
            scope: format!("{}↔{}", scope.first, scope.second),
            first: scope.first,
            second: scope.second,
            reported_by: reporter.side().unwrap_or(Side::By),
            summary,
        }))
    }

    /// Every scope that has data in the range, for each side that reports it.
    pub fn all(&self, request: &SummaryRequest) -> Result<Vec<ScopeSummary>, AppError> {
        let mut out = Vec::new();
        for scope in SCOPES {
            for reported_by in [ReportedBy::First, ReportedBy::Second] {
                out.extend(self.one(request, scope, reported_by)?);
            }
        }
        Ok(out)
    }
}

/// Summaries of every scope that has data in the range, for each side that reports it.
pub async fn summaries(store: &Store, request: &SummaryRequest) -> Result<Vec<ScopeSummary>, AppError> {
    Summariser::load(store).await?.all(request)
}

/// A summary's or reconciliation's error: a missing rate is the user's to fix.
pub(crate) fn summary_error(e: accord_domain::trade::SummaryError) -> AppError {
    match e {
        accord_domain::trade::SummaryError::Rate(rate) => AppError::MissingRate(rate.to_string()),
        other => AppError::Internal(other.to_string()),
    }
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
