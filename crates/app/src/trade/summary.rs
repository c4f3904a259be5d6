//! The trade figures every door reads: summaries of a scope as each side reports it, and the
//! mirror reconciliation of one flow as both sides report it. Reads open to every signed-in
//! role; the figures themselves are computed by the domain (`accord_domain::trade`).

use crate::{Error, Result, Rule};
use accord_domain::Side;
use accord_domain::quarter::Quarter;
use accord_domain::trade::{
    CodeLevel, Currency, Granularity, GroupBy, MirrorOptions, MirrorReport, PeriodRange, ProductGroup, RateBasis,
    ReportedBy, Scope, Summary, SummaryOptions, Territory, YearMonth, reconcile, summarise,
};
use accord_domain::validation::{Invalid, Reason};
use accord_store::{MirrorVerdict, Store, TradeData};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use std::sync::Arc;

/// The scopes a summary can be about, most specific first: the two regions of the
/// agreement, Belarus and the Khabarovsk Territory, and the two countries.
pub const SCOPES: [Scope; 3] =
    [Scope::REGIONS, Scope { first: Territory::BY, second: Territory::RU_KHA }, Scope::COUNTRIES];

/// Parses a lower-case enum value the way serde names it (`quarter`, `monthly-average`).
fn enum_value<T: DeserializeOwned>(text: &str) -> Option<T> {
    serde_json::from_value(serde_json::Value::String(text.trim().to_ascii_lowercase())).ok()
}

fn bad_field(field: &'static str) -> Error {
    Invalid::one(field, Reason::UnknownValue).into()
}

fn month_bound(text: &str, end: bool) -> Option<YearMonth> {
    let text = text.trim();
    if let Ok(q) = text.parse::<Quarter>() {
        return Some(YearMonth::of_quarter(q)[if end { 2 } else { 0 }]);
    }
    if let Ok(year) = text.parse::<i32>() {
        return YearMonth::new(year, if end { 12 } else { 1 });
    }
    YearMonth::parse_iso_bytes(text.as_bytes())
}

/// A summary's settings as query parameters, CLI flags or JSON: `from`/`to` quarters (2025Q1)
/// or months (2025-03), `granularity` month|quarter|year, `by` quarter|group|hs2|hs4|hs6,
/// `currency` USD|RUB|BYN, `basis` monthly-average|on-date.
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SummaryQuery {
    pub from: Option<String>,
    pub to: Option<String>,
    pub granularity: Option<String>,
    pub by: Option<String>,
    pub currency: Option<String>,
    pub basis: Option<String>,
}

/// A summary's settings, checked.
#[derive(Debug, Clone, Copy)]
pub struct SummaryRequest {
    pub range: PeriodRange,
    pub granularity: Granularity,
    pub by: Option<GroupBy>,
    pub currency: Currency,
    pub basis: RateBasis,
}

impl SummaryQuery {
    /// The request, with defaults: the last four quarters that have data, by quarter, in USD
    /// at monthly average rates.
    pub async fn request(&self, store: &Store) -> Result<SummaryRequest> {
        let data = store.trade_data().await?;
        let latest = data.records.iter().map(|r| r.key.period.last_month()).max();
        let to = match (self.to.as_deref().filter(|t| !t.trim().is_empty()), latest) {
            (Some(text), _) => month_bound(text, true).ok_or_else(|| bad_field("to"))?,
            (None, Some(latest)) => YearMonth::of_quarter(latest.quarter())[2],
            // No data yet: the plan's first year.
            (None, None) => month_bound("2025Q4", true).ok_or_else(|| bad_field("to"))?,
        };
        let from = match self.from.as_deref().filter(|t| !t.trim().is_empty()) {
            Some(text) => month_bound(text, false).ok_or_else(|| bad_field("from"))?,
            None => {
                let mut q = to.quarter();
                for _ in 0..3 {
                    q = q.prev();
                }
                YearMonth::of_quarter(q)[0]
            }
        };
        if from > to {
            return Err(bad_field("from"));
        }
        let pick =
            |value: &Option<String>| value.as_deref().map(str::trim).filter(|v| !v.is_empty()).map(str::to_string);
        let granularity = match pick(&self.granularity) {
            Some(g) => enum_value::<Granularity>(&g).ok_or_else(|| bad_field("granularity"))?,
            None => Granularity::Quarter,
        };
        let by = match pick(&self.by) {
            Some(b) => Some(enum_value::<GroupBy>(&b).ok_or_else(|| bad_field("by"))?),
            None => None,
        };
        let currency = match pick(&self.currency) {
            Some(c) => Currency::parse(&c).map_err(|_| bad_field("currency"))?,
            None => Currency::Usd,
        };
        let basis = match pick(&self.basis) {
            Some(b) => enum_value::<RateBasis>(&b).ok_or_else(|| bad_field("basis"))?,
            None => RateBasis::MonthlyAverage,
        };
        Ok(SummaryRequest { range: PeriodRange { from, to }, granularity, by, currency, basis })
    }
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

/// A summary's or reconciliation's refusal: a missing rate is the user's to fix (load the
/// rates, or ask in another currency), so it is about the input.
pub(crate) fn summary_error(e: accord_domain::trade::SummaryError) -> Error {
    match e {
        accord_domain::trade::SummaryError::Rate(rate) => Error::Refused(
            Rule::input("missing_rate", "error-missing-rate").arg("detail", &rate).detail(format!("no rate: {rate}")),
        ),
        other => Error::internal(other),
    }
}

/// What every summary reads, loaded once for however many summaries a page needs.
pub struct Summariser {
    data: Arc<TradeData>,
    rates: Arc<accord_domain::trade::RateTable>,
    groups: Vec<ProductGroup>,
}

impl Summariser {
    pub async fn load(store: &Store) -> Result<Summariser> {
        Ok(Summariser {
            data: store.trade_data().await?,
            rates: store.rate_table().await?,
            groups: store.product_groups().await?.iter().map(|g| g.group.clone()).collect(),
        })
    }

    /// One scope's figures as one side reports them; `None` when that side reports nothing
    /// of the scope in the range.
    pub fn one(&self, request: &SummaryRequest, scope: Scope, reported_by: ReportedBy) -> Result<Option<ScopeSummary>> {
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
    ) -> Result<Option<ScopeSummary>> {
        let Some(index) = self.groups.iter().position(|g| g.key == group_key) else { return Ok(None) };
        self.restricted(request, scope, reported_by, Some(index))
    }

    fn restricted(
        &self,
        request: &SummaryRequest,
        scope: Scope,
        reported_by: ReportedBy,
        only_group: Option<usize>,
    ) -> Result<Option<ScopeSummary>> {
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
    pub fn all(&self, request: &SummaryRequest) -> Result<Vec<ScopeSummary>> {
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
pub async fn summaries(store: &Store, request: &SummaryRequest) -> Result<Vec<ScopeSummary>> {
    Summariser::load(store).await?.all(request)
}

/// A mirror reconciliation's settings: `exporter`/`importer` territories (default BY-MA and
/// RU-KHA), the same range settings as a summary, and `level` hs2|hs4|hs6 for a breakdown.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct MirrorQuery {
    pub exporter: Option<String>,
    pub importer: Option<String>,
    #[serde(flatten)]
    pub range: SummaryQuery,
    pub level: Option<String>,
}

impl MirrorQuery {
    /// The reconciliation and the verdicts recorded on its pair.
    pub async fn report(&self, store: &Store) -> Result<(MirrorReport, Vec<MirrorVerdict>)> {
        let territory = |text: &Option<String>, default: Territory, field| match text.as_deref().map(str::trim) {
            Some(t) if !t.is_empty() => Territory::parse(t).map_err(|_| bad_field(field)),
            _ => Ok(default),
        };
        let exporter = territory(&self.exporter, Territory::BY_MA, "exporter")?;
        let importer = territory(&self.importer, Territory::RU_KHA, "importer")?;
        let request = self.range.request(store).await?;
        let level = match self.level.as_deref().map(str::trim).filter(|l| !l.is_empty()) {
            Some("hs2") => Some(CodeLevel::Chapter),
            Some("hs4") => Some(CodeLevel::Heading),
            Some("hs6") => Some(CodeLevel::Subheading),
            Some(_) => return Err(bad_field("level")),
            None => None,
        };
        let data = store.trade_data().await?;
        let rates = store.rate_table().await?;
        let options = MirrorOptions {
            exporter,
            importer,
            range: request.range,
            granularity: request.granularity,
            level,
            currency: request.currency,
            basis: request.basis,
            rates: &rates,
        };
        let report = reconcile(&data.records, &options).map_err(summary_error)?;
        let verdicts = store
            .mirror_verdicts()
            .await?
            .into_iter()
            .filter(|v| v.key.exporter == exporter && v.key.importer == importer)
            .collect();
        Ok((report, verdicts))
    }
}
