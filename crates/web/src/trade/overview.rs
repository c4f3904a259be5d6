//! The trade overview: each scope's figures as each side reports them, with the trend and the
//! turnover by product group as charts.

use super::Summariser;
use super::view::{
    amount, bucket_label, chart_options, flow_series, group_label, percent_text, share_text, territory_name,
};
use crate::AppState;
use crate::ctx::Ctx;
use crate::error::AppError;
use crate::layout::{Chrome, render};
use accord_app::trade::{ScopeSummary, SummaryQuery, SummaryRequest};
use accord_domain::directory::Action;
use accord_domain::trade::{Bucket, GroupBy, GroupKey, PeriodRange, YearMonth};
use accord_report::trade_charts::{Point, Series, stacked_bars_with, trend_lines_with};
use accord_store::StoredGroup;
use askama::Template;
use axum::Router;
use axum::extract::{Query, State};
use axum::response::Response;
use axum::routing::get;
use rust_decimal::prelude::ToPrimitive;

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

async fn overview(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(query): Query<SummaryQuery>,
) -> Result<Response, AppError> {
    ctx.require(Action::Read)?;
    let tr = &ctx.tr;
    let store = state.store();
    let request = query.request(store).await?;
    let summariser = Summariser::load(store).await?;
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
            let series = flow_series(tr, &sum.buckets);
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
    summariser: &Summariser,
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

pub(super) fn routes() -> Router<AppState> {
    Router::new().route("/trade", get(overview))
}
