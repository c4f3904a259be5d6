//! Chains: the list with each chain's landed cost, and one chain's waterfall and what-ifs with
//! the plan indicators it measures.

use super::view::{CURRENCIES, chrome, day_range, days, key_text, money, name, parse_currency};
use crate::AppState;
use crate::ctx::Ctx;
use crate::error::AppError;
use crate::i18n::Tr;
use crate::layout::Chrome;
use crate::layout::render;
use accord_app::logistics::{ChainAnswer, chain_answer, chain_list, load};
use accord_domain::directory::Action;
use accord_domain::trade::Money;
use accord_report::trade_charts::{StepKind, WaterfallStep, waterfall_with};
use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use axum::routing::get;
use serde::Deserialize;

#[derive(Deserialize, Default)]
struct CurrencyQuery {
    currency: Option<String>,
}

struct ChainRow {
    key: String,
    name: String,
    product: String,
    intermediaries: usize,
    total: String,
    per_unit: String,
    days: String,
    error: Option<String>,
}

#[derive(Template)]
#[template(path = "logistics/chains.html")]
struct ChainsPage {
    chrome: Chrome,
    rows: Vec<ChainRow>,
    currency: String,
}

async fn chains_page(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<CurrencyQuery>,
) -> Result<Response, AppError> {
    ctx.require(Action::Read)?;
    let tr = &ctx.tr;
    let currency = parse_currency(q.currency.as_deref())?;
    let loaded = load(state.store()).await?;
    let rows = chain_list(&loaded, currency)
        .into_iter()
        .map(|c| ChainRow {
            name: name(tr, &c.name_ru, &c.name_en).to_string(),
            product: c.product,
            intermediaries: c.intermediaries,
            total: c.total.map(|m| money(tr, m)).unwrap_or_default(),
            per_unit: c.total_per_unit.map(|m| money(tr, m)).unwrap_or_default(),
            days: c.days.map(|d| days(tr, d.typical)).unwrap_or_default(),
            error: c.error,
            key: c.key,
        })
        .collect();
    render(&ChainsPage {
        chrome: chrome(&ctx, &state, "logistics-chains"),
        rows,
        currency: currency.map(|c| c.code().to_string()).unwrap_or_default(),
    })
}

struct CostRow {
    label: String,
    amount: String,
    per_unit: String,
}

struct VariantColumn {
    title: String,
    total: String,
    per_unit: String,
    shelf_price: String,
    days: String,
    diff_total: String,
    diff_per_unit: String,
    diff_days: String,
    cheaper: bool,
}

#[derive(Template)]
#[template(path = "logistics/chain.html")]
struct ChainPage {
    chrome: Chrome,
    key: String,
    currency: String,
    currencies: Vec<&'static str>,
    product: String,
    route: String,
    intermediaries: Vec<String>,
    waterfall: String,
    lines: Vec<CostRow>,
    total: String,
    total_per_unit: String,
    ex_vat: String,
    shelf_price: String,
    days: String,
    shelf_left: String,
    base: VariantColumn,
    variants: Vec<VariantColumn>,
    indicators: Vec<super::indicator_pages::LinkRow>,
}

fn line_label(tr: &Tr, key: &str, detail: &Option<String>) -> String {
    match detail {
        Some(d) => format!("{}: {d}", key_text(tr, key)),
        None => key_text(tr, key),
    }
}

fn signed(tr: &Tr, m: Money) -> String {
    let text = money(tr, m);
    if m.minor > 0 { format!("+{text}") } else { text }
}

async fn chain_page(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(key): Path<String>,
    Query(q): Query<CurrencyQuery>,
) -> Result<Response, AppError> {
    ctx.require(Action::Read)?;
    let tr = &ctx.tr;
    let currency = parse_currency(q.currency.as_deref())?;
    let loaded = load(state.store()).await?;
    let answer: ChainAnswer = chain_answer(&loaded, &key, currency)?;
    let chain = loaded.chain(&key)?;
    let lc = &answer.cost;
    let mut steps: Vec<WaterfallStep> = Vec::new();
    // One bar per kind of cost (legs and margins summed), then the total.
    let mut seen: Vec<&str> = Vec::new();
    for line in &lc.lines {
        if seen.contains(&line.key) {
            continue;
        }
        seen.push(line.key);
        let amount = lc.sum_of(line.key);
        steps.push(WaterfallStep {
            label: key_text(tr, line.key),
            amount: amount.minor as f64 / 100.0,
            kind: if steps.is_empty() { StepKind::Start } else { StepKind::Step },
        });
    }
    steps.push(WaterfallStep { label: tr.t("logistics-total"), amount: 0.0, kind: StepKind::Total });
    let options = crate::trade::chart_options(tr);
    let waterfall = waterfall_with(&tr.t("logistics-chart-waterfall"), &steps, lc.currency.code(), &options);
    let column = |title: String,
                  c: &accord_domain::logistics::LandedCost,
                  diff: Option<&accord_domain::logistics::WhatIf>| VariantColumn {
        title,
        total: money(tr, c.total),
        per_unit: money(tr, c.total_per_unit),
        shelf_price: money(tr, c.shelf_price_per_unit),
        days: days(tr, c.days.typical),
        diff_total: diff.map(|d| signed(tr, d.total_diff)).unwrap_or_default(),
        diff_per_unit: diff.map(|d| signed(tr, d.per_unit_diff)).unwrap_or_default(),
        diff_days: diff.map(|d| days(tr, d.days_diff)).unwrap_or_default(),
        cheaper: diff.is_some_and(|d| d.total_diff.minor < 0),
    };
    let base = column(tr.t("logistics-whatif-today"), lc, None);
    let variants = answer
        .variants
        .iter()
        .map(|v| {
            let title = match &v.detail {
                Some(d) => format!("{}: {d}", tr.t(&v.key)),
                None => tr.t(&v.key),
            };
            column(title, &v.cost, Some(&v.diff))
        })
        .collect();
    let net = &loaded.data.network;
    let route = lc.nodes.iter().map(|n| net.node(*n).code.to_string()).collect::<Vec<_>>().join(" → ");
    let links = state.app().chain_measured_links(&loaded).await?;
    let links: Vec<_> = links.into_iter().filter(|m| m.link.chain == key).collect();
    let indicators = super::indicator_pages::link_rows(tr, &links, &loaded);
    let title = name(tr, &answer.name_ru, &answer.name_en).to_string();
    let mut chrome = chrome(&ctx, &state, "logistics-chains").crumb("logistics-chains", "/logistics/chains");
    chrome.title = title.clone();
    let page = ChainPage {
        chrome: chrome.crumb_text(title),
        key: answer.key.clone(),
        currency: lc.currency.code().to_string(),
        currencies: CURRENCIES.to_vec(),
        product: loaded
            .data
            .products
            .iter()
            .find(|p| p.key == chain.product)
            .map(|p| format!("{} ({})", name(tr, &p.name_ru, &p.name_en), p.code))
            .unwrap_or_else(|| chain.product.clone()),
        route,
        intermediaries: chain
            .intermediaries
            .iter()
            .map(|i| format!("{} — {}", key_text(tr, i.role.key()), i.name))
            .collect(),
        waterfall,
        lines: lc
            .lines
            .iter()
            .map(|l| CostRow {
                label: line_label(tr, l.key, &l.detail),
                amount: money(tr, l.amount),
                per_unit: money(tr, l.per_unit),
            })
            .collect(),
        total: money(tr, lc.total),
        total_per_unit: money(tr, lc.total_per_unit),
        ex_vat: money(tr, lc.ex_vat),
        shelf_price: money(tr, lc.shelf_price_per_unit),
        days: day_range(tr, lc.days),
        shelf_left: lc.shelf_left.map(|d| days(tr, d)).unwrap_or_else(|| "—".into()),
        base,
        variants,
        indicators,
    };
    render(&page)
}

pub(super) fn routes() -> Router<AppState> {
    Router::new().route("/logistics/chains", get(chains_page)).route("/logistics/chains/{key}", get(chain_page))
}
