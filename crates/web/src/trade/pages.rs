//! Trade pages: the overview with charts, mirror reconciliation, product groups, imports.

use super::transfer::{TradeFormat, TradeRead, TradeReadError, read_trade_bytes};
use super::{ImportRequest, ImportSummary, ScopeSummary, SummaryRequest, import_read};
use crate::AppState;
use crate::ctx::{CsrfForm, Ctx, constant_time_eq};
use crate::error::AppError;
use crate::layout::{Chrome, FormErrors, redirect_with_flash, render, render_status};
use accord_domain::Side;
use accord_domain::directory::{Action, UserAccount, authorize};
use accord_domain::quarter::Quarter;
use accord_domain::trade::{
    Bucket, CodeLevel, Currency, Granularity, GroupBy, GroupKey, MirrorOptions, MirrorReport, MirrorStatus,
    PeriodRange, RateBasis, Territory, YearMonth, reconcile,
};
use accord_report::trade_charts::{
    ChartOptions, GapRow, NumberFormat, Point, Series, mirror_gap_with, stacked_bars_with, trend_lines_with,
};
use accord_store::{MirrorKey, MirrorVerdict, Store, StoredGroup};
use askama::Template;
use axum::Router;
use axum::extract::{Multipart, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use serde::Deserialize;
use serde::de::DeserializeOwned;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/trade", get(overview))
        .route("/trade/mirror", get(mirror_page).post(set_verdict))
        .route("/trade/groups", get(groups_page).post(save_group_form))
        .route("/trade/import", get(import_form))
        .route("/trade/template.csv", get(template_csv))
        .route("/trade/template.xlsx", get(template_xlsx))
}

/// Parses a lower-case enum value the way serde names it (`quarter`, `monthly-average`).
fn enum_value<T: DeserializeOwned>(text: &str) -> Option<T> {
    serde_json::from_value(serde_json::Value::String(text.trim().to_ascii_lowercase())).ok()
}

/// A summary's settings as query parameters: `from`/`to` quarters (2025Q1) or months
/// (2025-03), `granularity` month|quarter|year, `by` quarter|group|hs2|hs4|hs6, `currency`
/// USD|RUB|BYN, `basis` monthly-average|on-date.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct SummaryQuery {
    pub from: Option<String>,
    pub to: Option<String>,
    pub granularity: Option<String>,
    pub by: Option<String>,
    pub currency: Option<String>,
    pub basis: Option<String>,
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

fn bad_field(field: &'static str) -> AppError {
    accord_domain::validation::Invalid::one(field, accord_domain::validation::Reason::UnknownValue).into()
}

impl SummaryQuery {
    /// The request, with defaults: the last four quarters that have data, by quarter, in USD
    /// at monthly average rates.
    pub async fn request(&self, store: &Store) -> Result<SummaryRequest, AppError> {
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
    pub async fn report(&self, store: &Store) -> Result<(MirrorReport, Vec<MirrorVerdict>), AppError> {
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
        let report = reconcile(&data.records, &options).map_err(super::summary_error)?;
        let verdicts = store
            .mirror_verdicts()
            .await?
            .into_iter()
            .filter(|v| v.key.exporter == exporter && v.key.importer == importer)
            .collect();
        Ok((report, verdicts))
    }
}

// ---------------------------------------------------------------------------------------------
// Overview

/// Figures of one scope as the page prints them.
struct ScopeCard {
    title: String,
    reported_by: String,
    exports: String,
    imports: String,
    turnover: String,
    balance: String,
    incomplete: bool,
    rows: Vec<BucketLine>,
    trend: String,
    groups: Vec<GroupLine>,
    top_exports: Vec<ProductLine>,
    top_imports: Vec<ProductLine>,
}

struct BucketLine {
    bucket: String,
    exports: String,
    imports: String,
    turnover: String,
    balance: String,
    vs_previous: String,
    vs_year: String,
    incomplete: bool,
}

struct GroupLine {
    name: String,
    turnover: String,
    share: String,
    targets: String,
}

struct ProductLine {
    code: String,
    name: String,
    value: String,
    share: String,
}

#[derive(Template)]
#[template(path = "trade/overview.html")]
struct OverviewPage {
    chrome: Chrome,
    query: SummaryQuery,
    from: String,
    to: String,
    currency: String,
    cards: Vec<ScopeCard>,
    stacked: String,
    has_data: bool,
}

pub(super) fn amount(tr: &crate::i18n::Tr, value: Decimal) -> String {
    tr.int(value.round().to_i64().unwrap_or(0))
}

pub(super) fn percent_text(tr: &crate::i18n::Tr, value: Option<Decimal>) -> String {
    tr.percent(value, 1, true)
}

/// How the charts write numbers and mark incomplete periods, in the reader's language.
pub fn chart_options(tr: &crate::i18n::Tr) -> ChartOptions {
    ChartOptions {
        numbers: NumberFormat {
            decimal: if tr.is_en() { '.' } else { ',' },
            suffixes: ["num-thousand", "num-million", "num-billion", "num-trillion"].map(|key| tr.t(key)),
        },
        incomplete_note: Some(tr.t("trade-incomplete")),
    }
}

/// A share of a whole, unsigned.
fn share_text(tr: &crate::i18n::Tr, value: Option<Decimal>) -> String {
    tr.percent(value, 1, false)
}

fn territory_name(tr: &crate::i18n::Tr, territory: Territory) -> String {
    tr.t(&format!("territory-{}", territory.as_str().to_ascii_lowercase()))
}

fn bucket_label(bucket: &Bucket) -> String {
    bucket.to_string()
}

async fn overview(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(query): Query<SummaryQuery>,
) -> Result<Response, AppError> {
    ctx.require(Action::Read)?;
    let tr = &ctx.tr;
    let store = state.store();
    let request = query.request(store).await?;
    let summariser = super::Summariser::load(store).await?;
    let all = summariser.all(&request)?;
    let groups = store.product_groups().await?;
    let nomenclature = accord_formats::trade::nomenclature();
    let lang = if tr.is_en() { accord_domain::trade::Lang::En } else { accord_domain::trade::Lang::Ru };
    let group_name = |key: &Option<String>| group_label(tr, &groups, key.as_deref());
    let charts = chart_options(tr);
    let cards = all
        .iter()
        .map(|s: &ScopeSummary| {
            let sum = &s.summary;
            let labels: Vec<String> = sum.buckets.iter().map(|b| bucket_label(&b.bucket)).collect();
            let point = |v: Decimal, incomplete| Point { value: v.to_f64().unwrap_or(0.0), incomplete };
            let series = vec![
                Series {
                    name: tr.t("trade-exports"),
                    points: sum.buckets.iter().map(|b| point(b.figures.exports, b.incomplete)).collect(),
                },
                Series {
                    name: tr.t("trade-imports"),
                    points: sum.buckets.iter().map(|b| point(b.figures.imports, b.incomplete)).collect(),
                },
            ];
            ScopeCard {
                title: format!("{} → {}", territory_name(tr, s.first), territory_name(tr, s.second)),
                reported_by: tr.ta("trade-reported-by", &[("side", tr.side(s.reported_by))]),
                exports: amount(tr, sum.total.exports),
                imports: amount(tr, sum.total.imports),
                turnover: amount(tr, sum.total.turnover),
                balance: amount(tr, sum.total.balance),
                incomplete: sum.incomplete,
                rows: sum
                    .buckets
                    .iter()
                    .map(|b| BucketLine {
                        bucket: bucket_label(&b.bucket),
                        exports: amount(tr, b.figures.exports),
                        imports: amount(tr, b.figures.imports),
                        turnover: amount(tr, b.figures.turnover),
                        balance: amount(tr, b.figures.balance),
                        vs_previous: percent_text(tr, b.vs_previous.and_then(|c| c.turnover.percent)),
                        vs_year: percent_text(tr, b.vs_year_earlier.and_then(|c| c.turnover.percent)),
                        incomplete: b.incomplete,
                    })
                    .collect(),
                trend: trend_lines_with(&tr.t("trade-chart-trend"), &labels, &series, sum.currency.code(), &charts),
                groups: sum
                    .groups
                    .iter()
                    .map(|g| GroupLine {
                        name: group_name(&g.group),
                        turnover: amount(tr, g.figures.turnover),
                        share: share_text(tr, g.share_of_exports),
                        targets: g
                            .targets
                            .iter()
                            .map(|t| format!("{}: {}", t.year, tr.percent(t.percent, 0, false)))
                            .collect::<Vec<_>>()
                            .join(", "),
                    })
                    .collect(),
                top_exports: products(tr, nomenclature, lang, &sum.top_exports),
                top_imports: products(tr, nomenclature, lang, &sum.top_imports),
            }
        })
        .collect();
    let stacked = stacked_by_group(&summariser, tr, &request, all.first(), &groups)?;
    let chrome = Chrome::new(&ctx, state.is_demo(), "trade", tr.t("trade-title")).crumb_text(tr.t("trade-title"));
    render(&OverviewPage {
        chrome,
        from: request.range.from.quarter().to_string(),
        to: request.range.to.quarter().to_string(),
        currency: request.currency.code().to_string(),
        has_data: !all.is_empty(),
        query,
        cards,
        stacked,
    })
}

/// A product group's name in the reader's language; "other goods" for records no group takes.
pub(super) fn group_label(tr: &crate::i18n::Tr, groups: &[StoredGroup], key: Option<&str>) -> String {
    let Some(key) = key else { return tr.t("trade-group-other") };
    match groups.iter().find(|g| g.group.key == key) {
        Some(g) if tr.is_en() && !g.group.name_en.is_empty() => g.group.name_en.clone(),
        Some(g) => g.group.name_ru.clone(),
        None => key.to_string(),
    }
}

fn products(
    tr: &crate::i18n::Tr,
    nomenclature: &accord_domain::trade::Nomenclature,
    lang: accord_domain::trade::Lang,
    list: &[accord_domain::trade::ProductFigure],
) -> Vec<ProductLine> {
    list.iter()
        .map(|p| ProductLine {
            code: p.code.spaced().to_string(),
            name: nomenclature.name(p.code, lang).map(|n| n.text.to_string()).unwrap_or_default(),
            value: amount(tr, p.value),
            share: share_text(tr, p.share_percent),
        })
        .collect()
}

/// Turnover of the first scope by product group, one column per bucket.
fn stacked_by_group(
    summariser: &super::Summariser,
    tr: &crate::i18n::Tr,
    request: &SummaryRequest,
    first: Option<&ScopeSummary>,
    groups: &[StoredGroup],
) -> Result<String, AppError> {
    let Some(first) = first else { return Ok(String::new()) };
    let scope = accord_domain::trade::Scope { first: first.first, second: first.second };
    let mut labels = Vec::new();
    let mut columns: Vec<Vec<(Option<String>, f64)>> = Vec::new();
    for bucket in &first.summary.buckets {
        let (from, to) = match bucket.bucket {
            Bucket::Month(m) => (m, m),
            Bucket::Quarter(q) => (YearMonth::of_quarter(q)[0], YearMonth::of_quarter(q)[2]),
            Bucket::Year(y) => {
                (YearMonth::new(y, 1).unwrap_or(request.range.from), YearMonth::new(y, 12).unwrap_or(request.range.to))
            }
        };
        let one = SummaryRequest { range: PeriodRange { from, to }, by: Some(GroupBy::Group), ..*request };
        let Some(summary) = summariser.one(&one, scope, first.summary.reported_by)? else { continue };
        labels.push(bucket_label(&bucket.bucket));
        columns.push(
            summary
                .summary
                .rows
                .iter()
                .filter_map(|row| match &row.key {
                    GroupKey::Group(key) => Some((key.clone(), row.figures.turnover.to_f64().unwrap_or(0.0))),
                    _ => None,
                })
                .collect(),
        );
    }
    let mut keys: Vec<Option<String>> = groups.iter().map(|g| Some(g.group.key.clone())).collect();
    keys.push(None);
    let stacks: Vec<Series> = keys
        .iter()
        .filter(|key| columns.iter().any(|c| c.iter().any(|(k, v)| k == *key && *v > 0.0)))
        .map(|key| Series {
            name: group_label(tr, groups, key.as_deref()),
            points: columns
                .iter()
                .map(|c| Point { value: c.iter().find(|(k, _)| k == key).map_or(0.0, |(_, v)| *v), incomplete: false })
                .collect(),
        })
        .collect();
    Ok(stacked_bars_with(
        &tr.t("trade-chart-groups"),
        &labels,
        &stacks,
        first.summary.currency.code(),
        &chart_options(tr),
    ))
}

// ---------------------------------------------------------------------------------------------
// Mirror reconciliation

struct MirrorLine {
    bucket: String,
    code: String,
    exported: String,
    imported: String,
    gap: String,
    gap_percent: String,
    status: String,
    status_label: String,
    comment: String,
    version: String,
}

#[derive(Template)]
#[template(path = "trade/mirror.html")]
struct MirrorPage {
    chrome: Chrome,
    query: MirrorQuery,
    exporter: String,
    importer: String,
    lines: Vec<MirrorLine>,
    chart: String,
    statuses: Vec<(String, String)>,
    can_reconcile: bool,
    errors: FormErrors,
    /// This page with its filters, where a verdict form returns to.
    back: String,
}

async fn mirror_view(
    state: &AppState,
    ctx: &Ctx,
    query: MirrorQuery,
    errors: FormErrors,
) -> Result<MirrorPage, AppError> {
    let tr = &ctx.tr;
    let (report, verdicts) = query.report(state.store()).await?;
    let exporter = report.exporter;
    let importer = report.importer;
    let lines = report
        .rows
        .iter()
        .map(|row| {
            let bucket = bucket_label(&row.bucket);
            let code = row.code.map(|c| c.to_string()).unwrap_or_default();
            let verdict = verdicts.iter().find(|v| v.key.bucket == bucket && v.key.code == code);
            let status = verdict.map_or(MirrorStatus::Open, |v| v.status);
            MirrorLine {
                code: row.code.map(|c| c.spaced().to_string()).unwrap_or_default(),
                exported: row.exported.map_or_else(|| "—".into(), |v| amount(tr, v)),
                imported: row.imported.map_or_else(|| "—".into(), |v| amount(tr, v)),
                gap: row.gap.map_or_else(|| "—".into(), |v| amount(tr, v)),
                gap_percent: percent_text(tr, row.gap_percent),
                status: status.code().to_string(),
                status_label: tr.t(&format!("mirror-status-{}", status.code())),
                comment: verdict.and_then(|v| v.comment.clone()).unwrap_or_default(),
                version: verdict.map(|v| v.version.to_string()).unwrap_or_default(),
                bucket,
            }
        })
        .collect();
    let gap_rows: Vec<GapRow> = report
        .rows
        .iter()
        .filter(|r| r.code.is_none())
        .map(|r| GapRow {
            label: bucket_label(&r.bucket),
            exported: r.exported.and_then(|v| v.to_f64()).unwrap_or(0.0),
            imported: r.imported.and_then(|v| v.to_f64()).unwrap_or(0.0),
        })
        .collect();
    let chart = mirror_gap_with(
        &tr.t("trade-chart-mirror"),
        &gap_rows,
        &tr.ta("mirror-exporter-figure", &[("territory", territory_name(tr, exporter))]),
        &tr.ta("mirror-importer-figure", &[("territory", territory_name(tr, importer))]),
        &chart_options(tr),
    );
    let filters = [
        ("from", &query.range.from),
        ("to", &query.range.to),
        ("granularity", &query.range.granularity),
        ("currency", &query.range.currency),
        ("basis", &query.range.basis),
        ("level", &query.level),
    ];
    let mut back = format!("/trade/mirror?exporter={exporter}&importer={importer}");
    for (name, value) in filters {
        if let Some(value) =
            value.as_deref().filter(|v| !v.is_empty() && v.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'))
        {
            back.push_str(&format!("&{name}={value}"));
        }
    }
    Ok(MirrorPage {
        back,
        chrome: Chrome::new(ctx, state.is_demo(), "trade", tr.t("mirror-title"))
            .crumb("trade-title", "/trade")
            .crumb_text(tr.t("mirror-title")),
        exporter: exporter.to_string(),
        importer: importer.to_string(),
        statuses: MirrorStatus::ALL
            .iter()
            .map(|s| (s.code().to_string(), tr.t(&format!("mirror-status-{}", s.code()))))
            .collect(),
        can_reconcile: ctx.can(Action::ReconcileTrade),
        query,
        lines,
        chart,
        errors,
    })
}

async fn mirror_page(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(query): Query<MirrorQuery>,
) -> Result<Response, AppError> {
    ctx.require(Action::Read)?;
    render(&mirror_view(&state, &ctx, query, FormErrors::default()).await?)
}

#[derive(Deserialize)]
struct VerdictInput {
    exporter: String,
    importer: String,
    bucket: String,
    #[serde(default)]
    code: String,
    status: String,
    #[serde(default)]
    comment: String,
    #[serde(default)]
    version: String,
    #[serde(default)]
    back: String,
}

async fn set_verdict(
    State(state): State<AppState>,
    CsrfForm(ctx, input): CsrfForm<VerdictInput>,
) -> Result<Response, AppError> {
    ctx.require(Action::ReconcileTrade)?;
    let key = MirrorKey {
        exporter: Territory::parse(&input.exporter).map_err(|_| bad_field("exporter"))?,
        importer: Territory::parse(&input.importer).map_err(|_| bad_field("importer"))?,
        bucket: input.bucket.trim().to_string(),
        code: input.code.replace(' ', ""),
    };
    let status = MirrorStatus::parse(&input.status).ok_or_else(|| bad_field("status"))?;
    let version = input.version.trim().parse::<i64>().ok();
    let back = if input.back.starts_with("/trade/mirror") { input.back.clone() } else { "/trade/mirror".to_string() };
    match state.store().mirror_verdict_set(ctx.author(), &key, version, status, Some(input.comment.as_str())).await {
        Ok(_) => Ok(redirect_with_flash(&ctx, &back, "flash-saved")),
        Err(error) => {
            let (status, errors) = FormErrors::from_app_error(&ctx.tr, error.into())?;
            let query =
                MirrorQuery { exporter: Some(input.exporter), importer: Some(input.importer), ..Default::default() };
            render_status(status, &mirror_view(&state, &ctx, query, errors).await?)
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Product groups

struct GroupView {
    key: String,
    name_ru: String,
    name_en: String,
    prefixes: String,
    exported_by: String,
    targets: Vec<(i32, String)>,
    measures: Vec<(String, String)>,
}

#[derive(Template)]
#[template(path = "trade/groups.html")]
struct GroupsPage {
    chrome: Chrome,
    groups: Vec<GroupView>,
    years: Vec<i32>,
    can_manage: bool,
    errors: FormErrors,
}

async fn groups_view(state: &AppState, ctx: &Ctx, errors: FormErrors) -> Result<GroupsPage, AppError> {
    let tr = &ctx.tr;
    let groups = state.store().product_groups().await?;
    let plan = crate::plan::resolve_plan(state.store(), None).await.ok();
    let measures = match &plan {
        Some(plan) => state.store().measures_of_plan(plan.id).await?,
        None => Vec::new(),
    };
    Ok(GroupsPage {
        chrome: Chrome::new(ctx, state.is_demo(), "trade", tr.t("groups-title"))
            .crumb("trade-title", "/trade")
            .crumb_text(tr.t("groups-title")),
        groups: groups
            .iter()
            .map(|g| GroupView {
                key: g.group.key.clone(),
                name_ru: g.group.name_ru.clone(),
                name_en: g.group.name_en.clone(),
                prefixes: g.group.prefixes.iter().map(|p| p.to_string()).collect::<Vec<_>>().join(", "),
                exported_by: g.group.exported_by.map(|s| tr.side(s)).unwrap_or_default(),
                targets: g.group.targets.iter().map(|(y, m)| (*y, amount(tr, m.to_decimal()))).collect(),
                measures: g
                    .measures
                    .iter()
                    .filter_map(|id| measures.iter().find(|m| m.id == *id))
                    .map(|m| (m.id.to_string(), format!("{} {}", m.data.number, m.data.title(tr.is_en()))))
                    .collect(),
            })
            .collect(),
        years: (2025..=2027).collect(),
        can_manage: ctx.can(Action::ManageTradeReference),
        errors,
    })
}

async fn groups_page(State(state): State<AppState>, ctx: Ctx) -> Result<Response, AppError> {
    ctx.require(Action::Read)?;
    render(&groups_view(&state, &ctx, FormErrors::default()).await?)
}

/// Saves a group from a form or the API, with its measure links.
pub(super) async fn save_group(
    store: &Store,
    user: &UserAccount,
    key: &str,
    body: &super::api::GroupBody,
) -> Result<StoredGroup, AppError> {
    let key = key.trim().to_ascii_lowercase();
    let group = body.group(&key)?;
    let author = accord_store::Author::user(user.login.as_str());
    let stored = store.product_group_save(author, &group, body.version).await?;
    if let Some(measures) = &body.measures {
        store.product_group_link(author, &stored.id, measures).await?;
    }
    let groups = store.product_groups().await?;
    Ok(groups.iter().find(|g| g.id == stored.id).cloned().unwrap_or(stored))
}

#[derive(Deserialize)]
struct GroupInput {
    #[serde(default)]
    key: String,
    #[serde(default)]
    name_ru: String,
    #[serde(default)]
    name_en: String,
    #[serde(default)]
    prefixes: String,
    #[serde(default)]
    exported_by: String,
    #[serde(default)]
    target_2025: String,
    #[serde(default)]
    target_2026: String,
    #[serde(default)]
    target_2027: String,
    /// Measure numbers, comma-separated ("1.2., 3.1.").
    #[serde(default)]
    measures: String,
    #[serde(default)]
    version: String,
}

async fn save_group_form(
    State(state): State<AppState>,
    CsrfForm(ctx, input): CsrfForm<GroupInput>,
) -> Result<Response, AppError> {
    ctx.require(Action::ManageTradeReference)?;
    let plan = crate::plan::resolve_plan(state.store(), None).await.ok();
    let mut measure_ids = Vec::new();
    let numbers: Vec<String> =
        input.measures.split([',', ';', ' ']).map(str::trim).filter(|n| !n.is_empty()).map(str::to_string).collect();
    if let (Some(plan), false) = (&plan, numbers.is_empty()) {
        let all = state.store().measures_of_plan(plan.id).await?;
        for number in &numbers {
            let wanted = if number.ends_with('.') { number.clone() } else { format!("{number}.") };
            match all.iter().find(|m| m.data.number.to_string() == wanted) {
                Some(m) => measure_ids.push(m.id),
                None => {
                    let errors = FormErrors::from_invalid(
                        &ctx.tr,
                        &accord_domain::validation::Invalid::one(
                            "measures",
                            accord_domain::validation::Reason::NotFound,
                        ),
                    );
                    return render_status(StatusCode::UNPROCESSABLE_ENTITY, &groups_view(&state, &ctx, errors).await?);
                }
            }
        }
    }
    let body = super::api::GroupBody {
        key: Some(input.key.clone()),
        name_ru: input.name_ru,
        name_en: input.name_en,
        prefixes: input.prefixes.split([',', ';', '\n']).map(str::to_string).collect(),
        exported_by: Some(input.exported_by),
        targets: [(2025, input.target_2025), (2026, input.target_2026), (2027, input.target_2027)]
            .into_iter()
            .collect(),
        measures: Some(measure_ids),
        version: input.version.trim().parse().ok(),
    };
    if input.key.trim().is_empty() {
        let errors = FormErrors::from_invalid(
            &ctx.tr,
            &accord_domain::validation::Invalid::one("key", accord_domain::validation::Reason::Required),
        );
        return render_status(StatusCode::UNPROCESSABLE_ENTITY, &groups_view(&state, &ctx, errors).await?);
    }
    match save_group(state.store(), &ctx.user, &input.key, &body).await {
        Ok(_) => Ok(redirect_with_flash(&ctx, "/trade/groups", "flash-saved")),
        Err(error) => {
            let (status, errors) = FormErrors::from_app_error(&ctx.tr, error)?;
            render_status(status, &groups_view(&state, &ctx, errors).await?)
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Imports

struct SourceLine {
    side: String,
    name: String,
    records: i64,
    imports: Vec<(String, String, String, String)>,
}

#[derive(Template)]
#[template(path = "trade/import.html")]
struct ImportPage {
    chrome: Chrome,
    problems: Vec<String>,
    result: Option<String>,
    notes: Vec<String>,
    sources: Vec<SourceLine>,
    rates: Vec<(String, String, String, String)>,
    can_import: bool,
    can_rates: bool,
}

async fn import_view(
    state: &AppState,
    ctx: &Ctx,
    problems: Vec<String>,
    result: Option<String>,
    notes: Vec<String>,
) -> Result<ImportPage, AppError> {
    let tr = &ctx.tr;
    let sources = state
        .store()
        .trade_sources()
        .await?
        .into_iter()
        .map(|s| SourceLine {
            side: tr.side(s.side),
            name: s.name,
            records: s.records,
            imports: s
                .imports
                .iter()
                .take(5)
                .map(|i| {
                    (
                        i.file_name.clone(),
                        format!(
                            "{} – {}",
                            i.first_period.clone().unwrap_or_default(),
                            i.last_period.clone().unwrap_or_default()
                        ),
                        tr.int(i.rows_read),
                        tr.datetime(i.imported_at, crate::layout::user_tz(&ctx.user)),
                    )
                })
                .collect(),
        })
        .collect();
    let rates = state
        .store()
        .rates_coverage()
        .await?
        .into_iter()
        .map(|(base, n, first, last)| (base.code().to_string(), tr.int(n), tr.day(first), tr.day(last)))
        .collect();
    Ok(ImportPage {
        chrome: Chrome::new(ctx, state.is_demo(), "trade", tr.t("trade-import-title"))
            .crumb("trade-title", "/trade")
            .crumb_text(tr.t("trade-import-title")),
        problems,
        result,
        notes,
        sources,
        rates,
        can_import: ctx.can(Action::ImportTrade { side: Side::By }) || ctx.can(Action::ImportTrade { side: Side::Khv }),
        can_rates: ctx.can(Action::ManageTradeReference),
    })
}

async fn import_form(State(state): State<AppState>, ctx: Ctx) -> Result<Response, AppError> {
    ctx.require(Action::Read)?;
    render(&import_view(&state, &ctx, Vec::new(), None, Vec::new()).await?)
}

/// Imports a read file after checking that the user may import that side's statistics.
pub(super) async fn authorised_import(
    state: &AppState,
    user: &UserAccount,
    file_name: &str,
    read: TradeRead,
    request: &ImportRequest,
) -> Result<ImportSummary, AppError> {
    let side = super::file_side(&read.aggregator, request.side)?;
    authorize(&user.role, Action::ImportTrade { side })?;
    let author = accord_store::Author::user(user.login.as_str());
    let request = ImportRequest { side: Some(side), ..request.clone() };
    import_read(state.store(), author, file_name, read, &request).await
}

pub(super) async fn import_upload(
    State(state): State<AppState>,
    ctx: Ctx,
    mut multipart: Multipart,
) -> Result<Response, AppError> {
    ctx.require(Action::Read)?;
    let mut csrf = String::new();
    let mut file: Option<(String, Vec<u8>)> = None;
    let mut kind = String::from("trade");
    let mut request = ImportRequest::default();
    let mut format = TradeFormat::Auto;
    while let Some(field) = multipart.next_field().await.map_err(|_| AppError::BadRequest("error-bad-form"))? {
        let name = field.name().unwrap_or_default().to_string();
        if name == "file" {
            let file_name = field.file_name().unwrap_or("trade.csv").to_string();
            let bytes = field.bytes().await.map_err(|_| AppError::BadRequest("error-bad-form"))?;
            file = Some((file_name, bytes.to_vec()));
            continue;
        }
        let value = field.text().await.map_err(|_| AppError::BadRequest("error-bad-form"))?;
        match name.as_str() {
            "_csrf" => csrf = value,
            "kind" => kind = value,
            "source" => request.source = Some(value).filter(|v| !v.trim().is_empty()),
            "side" => request.side = value.parse::<Side>().ok(),
            "format" => format = TradeFormat::parse(&value).unwrap_or(TradeFormat::Auto),
            "dry_run" => request.dry_run = value == "on" || value == "1",
            _ => {}
        }
    }
    if !constant_time_eq(csrf.as_bytes(), ctx.csrf.as_bytes()) {
        return Err(AppError::Csrf);
    }
    let tr = &ctx.tr;
    let Some((file_name, bytes)) = file.filter(|(_, b)| !b.is_empty()) else {
        let page = import_view(&state, &ctx, vec![tr.t("import-no-file")], None, Vec::new()).await?;
        return render_status(StatusCode::UNPROCESSABLE_ENTITY, &page);
    };
    if kind == "rates" {
        ctx.require(Action::ManageTradeReference)?;
        return match accord_formats::trade::read_rates(&bytes) {
            Ok(rates) => {
                let outcome = state.store().rates_import(ctx.author(), &file_name, &rates.rates).await?;
                let message = tr.ta(
                    "rates-imported",
                    &[("inserted", outcome.inserted.to_string()), ("unchanged", outcome.unchanged.to_string())],
                );
                render(&import_view(&state, &ctx, Vec::new(), Some(message), rates.skipped).await?)
            }
            Err(problems) => {
                let lines = problems.iter().map(ToString::to_string).collect();
                render_status(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    &import_view(&state, &ctx, lines, None, Vec::new()).await?,
                )
            }
        };
    }
    let name_for_read = file_name.clone();
    let read = tokio::task::spawn_blocking(move || read_trade_bytes(&name_for_read, &bytes, format))
        .await
        .map_err(|e| AppError::Internal(e.to_string()))?;
    let read = match read {
        Ok(read) => read,
        Err(TradeReadError::Problems { problems, more }) => {
            let mut lines: Vec<String> = problems.iter().map(ToString::to_string).collect();
            if more > 0 {
                lines.push(tr.ta("import-more-problems", &[("count", more.to_string())]));
            }
            return render_status(
                StatusCode::UNPROCESSABLE_ENTITY,
                &import_view(&state, &ctx, lines, None, Vec::new()).await?,
            );
        }
        Err(e) => return Err(AppError::Internal(e.to_string())),
    };
    let summary = authorised_import(&state, &ctx.user, &file_name, read, &request).await?;
    let key = match &summary.outcome {
        None => "trade-import-dry-run",
        Some(o) if o.unchanged => "trade-import-unchanged",
        Some(_) => "trade-import-done",
    };
    let message = tr.ta(
        key,
        &[
            ("rows", summary.rows_read.to_string()),
            ("records", summary.records.to_string()),
            ("source", summary.source.clone()),
            ("side", tr.side(summary.side)),
            ("from", summary.first_period.clone().unwrap_or_default()),
            ("to", summary.last_period.clone().unwrap_or_default()),
            ("replaced", summary.outcome.as_ref().map_or(0, |o| o.replaced).to_string()),
        ],
    );
    render(&import_view(&state, &ctx, Vec::new(), Some(message), summary.notes).await?)
}

async fn template_csv(ctx: Ctx) -> Result<Response, AppError> {
    ctx.require(Action::Read)?;
    let lang = if ctx.tr.is_en() { accord_domain::trade::Lang::En } else { accord_domain::trade::Lang::Ru };
    let mut out = Vec::new();
    accord_formats::trade::write_template_csv(&mut out, lang).map_err(|e| AppError::Internal(e.to_string()))?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (header::CONTENT_DISPOSITION, "attachment; filename=\"accord-trade-template.csv\""),
        ],
        out,
    )
        .into_response())
}

async fn template_xlsx(ctx: Ctx) -> Result<Response, AppError> {
    ctx.require(Action::Read)?;
    let lang = if ctx.tr.is_en() { accord_domain::trade::Lang::En } else { accord_domain::trade::Lang::Ru };
    let bytes = accord_formats::trade::write_template_xlsx(lang).map_err(|e| AppError::Internal(e.to_string()))?;
    Ok((
        [
            (header::CONTENT_TYPE, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
            (header::CONTENT_DISPOSITION, "attachment; filename=\"accord-trade-template.xlsx\""),
        ],
        bytes,
    )
        .into_response())
}
