//! Pages of chain-measured indicators: the list with each chain's figure now and the last
//! recorded one, the link form, unlinking, and recording a quarter.

use crate::AppState;
use crate::ctx::{CsrfForm, Ctx};
use crate::error::AppError;
use crate::i18n::Tr;
use crate::layout::{Chrome, redirect_with_flash, render};
use accord_app::logistics::{LinkInput, Loaded, MeasuredLink, RecordInput, load};
use accord_domain::directory::Action;
use accord_domain::logistics::ChainMetric;
use accord_domain::trade::Currency;
use askama::Template;
use axum::Router;
use axum::extract::{Query, State};
use axum::response::Response;
use axum::routing::{get, post};
use serde::Deserialize;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/logistics/indicators", get(indicators_page))
        .route("/logistics/indicators/link", post(link_form))
        .route("/logistics/indicators/unlink", post(unlink_form))
        .route("/logistics/indicators/record", post(record_form))
}

/// A linked indicator as a table row.
pub struct LinkRow {
    pub indicator: String,
    pub measure: String,
    pub measure_href: String,
    pub name: String,
    pub chain: String,
    pub chain_name: String,
    pub metric: String,
    pub current: String,
    pub problem: Option<String>,
    pub recorded: String,
}

pub fn metric_label(tr: &Tr, metric: ChainMetric, currency: Currency) -> String {
    let label = tr.t(&metric.label_key().replace('.', "-"));
    if metric.is_money() { format!("{label}, {}", currency.code()) } else { label }
}

/// Rows for the links, in the reader's language.
pub fn link_rows(tr: &Tr, links: &[MeasuredLink], loaded: &Loaded) -> Vec<LinkRow> {
    links
        .iter()
        .map(|m| {
            let chain_name = loaded
                .data
                .chains
                .iter()
                .find(|c| c.key == m.link.chain)
                .map(|c| if tr.is_en() { c.name_en.clone() } else { c.name_ru.clone() })
                .unwrap_or_else(|| m.link.chain.clone());
            let name = tr.either(&m.indicator_name_ru, m.indicator_name_en.as_deref());
            LinkRow {
                indicator: m.link.indicator.to_string(),
                measure: m.measure_number.trim_end_matches('.').to_string(),
                measure_href: format!("/plan/measures/{}", m.measure),
                name: format!("{name}, {}", m.unit),
                chain: m.link.chain.clone(),
                chain_name,
                metric: metric_label(tr, m.link.metric, m.link.currency),
                current: m.current.map(|v| tr.decimal(v)).unwrap_or_else(|| "—".into()),
                problem: m.problem.as_ref().map(|(key, detail)| tr.ta(key, &[("detail", detail.clone())])),
                recorded: m.recorded.map(|(q, v)| format!("{} ({q})", tr.decimal(v))).unwrap_or_else(|| "—".into()),
            }
        })
        .collect()
}

#[derive(Template)]
#[template(path = "logistics/indicators.html")]
struct IndicatorsPage {
    chrome: Chrome,
    rows: Vec<LinkRow>,
    can_manage: bool,
    indicators: Vec<(String, String)>,
    chains: Vec<(String, String)>,
    metrics: Vec<(String, String)>,
    currencies: Vec<&'static str>,
    chosen_chain: String,
    quarters: Vec<String>,
    default_quarter: String,
}

#[derive(Deserialize)]
struct PageQuery {
    chain: Option<String>,
}

async fn indicators_page(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<PageQuery>,
) -> Result<Response, AppError> {
    ctx.require(Action::Read)?;
    let tr = &ctx.tr;
    let store = state.store();
    let loaded = load(store).await?;
    let links = state.app().chain_measured_links(&loaded).await?;
    let indicators = state
        .app()
        .chain_linkable_indicators()
        .await?
        .into_iter()
        .map(|i| {
            let name = tr.either(&i.name_ru, i.name_en.as_deref());
            (i.id.to_string(), format!("{} — {name}, {}", i.measure_number.trim_end_matches('.'), i.unit))
        })
        .collect();
    let chains = loaded
        .data
        .chains
        .iter()
        .map(|c| (c.key.clone(), if tr.is_en() { c.name_en.clone() } else { c.name_ru.clone() }))
        .collect();
    let plan = state.app().plan_resolve(None).await?;
    let period = store.review_plan_period(plan.id).await?;
    let quarters: Vec<String> = period.quarters().iter().map(ToString::to_string).collect();
    let today = chrono::Utc::now().date_naive();
    let current = accord_domain::Quarter::of_month(chrono::Datelike::year(&today), chrono::Datelike::month(&today))
        .map(|q| q.to_string())
        .filter(|q| quarters.contains(q))
        .or_else(|| quarters.last().cloned())
        .unwrap_or_default();
    let chrome = Chrome::new(&ctx, state.is_demo(), "logistics", tr.t("logistics-indicators"))
        .crumb("logistics-title", "/logistics")
        .crumb_text(tr.t("logistics-indicators"));
    render(&IndicatorsPage {
        rows: link_rows(tr, &links, &loaded),
        can_manage: ctx.can(Action::ManageLogistics),
        indicators,
        chains,
        metrics: ChainMetric::ALL
            .iter()
            .map(|m| (m.code().to_string(), tr.t(&m.label_key().replace('.', "-"))))
            .collect(),
        currencies: Currency::ALL.iter().map(|c| c.code()).collect(),
        chosen_chain: q.chain.unwrap_or_default(),
        quarters,
        default_quarter: current,
        chrome,
    })
}

async fn link_form(
    State(state): State<AppState>,
    CsrfForm(ctx, form): CsrfForm<LinkInput>,
) -> Result<Response, AppError> {
    state.app().chain_indicator_link(&ctx.actor(), &form).await?;
    Ok(redirect_with_flash(&ctx, "/logistics/indicators", "logistics-linked"))
}

#[derive(Deserialize)]
struct UnlinkForm {
    indicator: String,
}

async fn unlink_form(
    State(state): State<AppState>,
    CsrfForm(ctx, form): CsrfForm<UnlinkForm>,
) -> Result<Response, AppError> {
    state.app().chain_indicator_unlink(&ctx.actor(), &form.indicator).await?;
    Ok(redirect_with_flash(&ctx, "/logistics/indicators", "logistics-unlinked"))
}

async fn record_form(
    State(state): State<AppState>,
    CsrfForm(ctx, form): CsrfForm<RecordInput>,
) -> Result<Response, AppError> {
    state.app().chain_indicators_record(&ctx.actor(), &form).await?;
    Ok(redirect_with_flash(&ctx, "/logistics/indicators", "logistics-recorded"))
}
