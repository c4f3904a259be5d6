//! The localisation page: each case's saving split by cost line, year one with and without
//! the park's preferences, and the horizon (NPV, simple and discounted payback, year-by-year
//! cash flows) for the years, discount rate, useful life and recovery years the reader types.
//! Every figure's basis (before VAT, currency, date of rates, where each chain ends) is stated
//! beside it.

use super::view::{chrome, key_text, money, name};
use crate::AppState;
use crate::ctx::Ctx;
use crate::error::AppError;
use crate::i18n::Tr;
use crate::layout::{Chrome, render_status};
use accord_app::logistics::{LocalisationAnswer, LocalisationQuery, load, localisations};
use accord_domain::directory::Action;
use accord_domain::logistics::{Horizon, HorizonFigures, Scenario};
use askama::Template;
use axum::Router;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;

/// A horizon input as typed, with its error.
struct Field {
    name: &'static str,
    label: String,
    value: String,
    placeholder: String,
    error: Option<String>,
}

struct SplitRow {
    label: String,
    finished: String,
    kit: String,
    saving: String,
    share: String,
    subtotal: bool,
}

struct FlowRow {
    year: u32,
    terms: String,
    with: [String; 3],
    without: [String; 3],
}

struct Card {
    key: String,
    name: String,
    volume: String,
    finished: String,
    kit: String,
    basis: String,
    preferences: String,
    split: Vec<SplitRow>,
    saving: String,
    whole: String,
    year_one: Vec<(String, String, String)>,
    horizon_title: String,
    horizon: Vec<(String, String, String)>,
    flows: Vec<FlowRow>,
}

#[derive(Template)]
#[template(path = "logistics/localisation.html")]
struct LocalisationPage {
    chrome: Chrome,
    fields: Vec<Field>,
    error: Option<String>,
    method: String,
    cards: Vec<Card>,
}

/// A decimal amount with two decimals, grouped as the reader writes numbers.
fn amount(tr: &Tr, d: Decimal) -> String {
    tr.minor_units((d.round_dp(2) * Decimal::ONE_HUNDRED).to_i64().unwrap_or(0))
}

fn optional(tr: &Tr, d: Option<Decimal>, f: impl Fn(Decimal) -> String) -> String {
    d.map(f).unwrap_or_else(|| tr.t("logistics-never"))
}

fn horizon_rows(tr: &Tr, w: &HorizonFigures, wo: &HorizonFigures) -> Vec<(String, String, String)> {
    // Paybacks with two decimals, as the API gives them.
    let years = |d: Option<Decimal>| optional(tr, d, |d| amount(tr, d));
    vec![
        (tr.t("logistics-loc-npv"), amount(tr, w.npv), amount(tr, wo.npv)),
        (tr.t("logistics-loc-total-cash"), amount(tr, w.total_cash_flow), amount(tr, wo.total_cash_flow)),
        (tr.t("logistics-loc-payback"), years(w.simple_payback_years), years(wo.simple_payback_years)),
        (
            tr.t("logistics-loc-payback-discounted"),
            years(w.discounted_payback_years),
            years(wo.discounted_payback_years),
        ),
    ]
}

fn year_one_rows(tr: &Tr, w: &Scenario, wo: &Scenario, recovery: u32) -> Vec<(String, String, String)> {
    let (w, wo) = (&w.first_year, &wo.first_year);
    let units = |d: Option<Decimal>| optional(tr, d, |d| tr.decimal(d.round_dp(0)));
    let row = |label: String, x: String, y: String| (label, x, y);
    vec![
        row(tr.t("logistics-loc-saving"), amount(tr, w.saving_per_unit), amount(tr, wo.saving_per_unit)),
        row(tr.t("logistics-loc-assembly"), amount(tr, w.assembly_per_unit), amount(tr, wo.assembly_per_unit)),
        row(tr.t("logistics-loc-margin"), amount(tr, w.margin_per_unit), amount(tr, wo.margin_per_unit)),
        row(tr.t("logistics-loc-fixed"), amount(tr, w.fixed_per_year), amount(tr, wo.fixed_per_year)),
        row(tr.t("logistics-loc-gain-before"), amount(tr, w.gain_before_tax), amount(tr, wo.gain_before_tax)),
        row(
            tr.t("logistics-loc-depreciation"),
            amount(tr, w.depreciation_per_year),
            amount(tr, wo.depreciation_per_year),
        ),
        row(tr.t("logistics-loc-profit-tax"), amount(tr, w.profit_tax), amount(tr, wo.profit_tax)),
        row(tr.t("logistics-loc-gain-after"), amount(tr, w.gain_after_tax), amount(tr, wo.gain_after_tax)),
        row(tr.t("logistics-loc-break-even"), units(w.break_even_volume), units(wo.break_even_volume)),
        row(
            tr.ta("logistics-loc-break-even-setup", &[("years", recovery.to_string())]),
            units(w.break_even_with_setup),
            units(wo.break_even_with_setup),
        ),
    ]
}

fn card(tr: &Tr, a: &LocalisationAnswer) -> Card {
    let r = &a.result;
    let (w, wo) = (&r.with_preferences, &r.without_preferences);
    let share = |d: Option<Decimal>| tr.percent(d, 1, false);
    let mut split: Vec<SplitRow> = r
        .saving
        .components
        .iter()
        .map(|c| SplitRow {
            label: key_text(tr, c.key),
            finished: amount(tr, c.finished_per_unit),
            kit: amount(tr, c.kit_per_unit),
            saving: amount(tr, c.saving_per_unit),
            share: share(c.share_percent),
            subtotal: false,
        })
        .collect();
    split.extend(r.saving.groups.iter().map(|g| SplitRow {
        label: key_text(tr, g.group.key()),
        finished: String::new(),
        kit: String::new(),
        saving: amount(tr, g.saving_per_unit),
        share: share(g.share_percent),
        subtotal: true,
    }));
    let place = |n: &Option<accord_app::logistics::NodeRef>| {
        n.as_ref().map(|n| format!("{} ({})", name(tr, &n.name_ru, &n.name_en), n.code)).unwrap_or_default()
    };
    let triple = |f: &accord_domain::logistics::YearFlow| {
        [amount(tr, f.cash_flow), amount(tr, f.discounted), amount(tr, f.cumulative_discounted)]
    };
    let flows = w
        .horizon
        .flows
        .iter()
        .zip(&wo.horizon.flows)
        .map(|(x, y)| FlowRow {
            year: x.year,
            terms: tr.t(match (x.year, x.preferential) {
                (0, _) => "logistics-loc-terms-setup",
                (_, true) => "logistics-loc-terms-pref",
                _ => "logistics-loc-terms-std",
            }),
            with: triple(x),
            without: triple(y),
        })
        .collect();
    let h = &r.horizon;
    Card {
        key: a.key.clone(),
        name: name(tr, &a.name_ru, &a.name_en).to_string(),
        volume: tr.decimal(a.annual_volume),
        finished: money(tr, a.finished.ex_vat_per_unit),
        kit: money(tr, a.kit.ex_vat_per_unit),
        basis: tr.ta(
            "logistics-loc-basis",
            &[
                ("currency", r.currency.code().to_string()),
                ("date", tr.day(r.date)),
                ("finished", place(&a.finished_lands_at)),
                ("kit", place(&a.kit_lands_at)),
            ],
        ),
        preferences: tr.ta("logistics-loc-preferences", &[("years", r.preference_years.to_string())]),
        split,
        saving: amount(tr, r.saving.saving_per_unit),
        whole: tr.percent(Some(Decimal::ONE_HUNDRED), 1, false),
        year_one: year_one_rows(tr, w, wo, r.setup_recovery_years.get()),
        horizon_title: tr.ta(
            "logistics-loc-horizon",
            &[("years", h.years.get().to_string()), ("rate", tr.decimal(h.discount_percent.get()))],
        ),
        horizon: horizon_rows(tr, &w.horizon, &wo.horizon),
        flows,
    }
}

fn fields(tr: &Tr, q: &LocalisationQuery, errors: &[(&'static str, String)]) -> Vec<Field> {
    let d = Horizon::default();
    let typed = [&q.years, &q.discount_percent, &q.useful_life_years, &q.recovery_years];
    let placeholders = [
        d.years.get().to_string(),
        tr.decimal(d.discount_percent.get()),
        d.useful_life_years.get().to_string(),
        tr.t("logistics-loc-recovery-default"),
    ];
    Horizon::FIELDS
        .iter()
        .zip(typed)
        .zip(placeholders)
        .map(|((field, value), placeholder)| Field {
            name: field,
            label: tr.t(&format!("logistics-loc-input-{}", field.replace('_', "-"))),
            value: value.clone().unwrap_or_default(),
            placeholder,
            error: errors.iter().find(|(f, _)| f == field).map(|(_, e)| e.clone()),
        })
        .collect()
}

async fn localisation_page(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(query): Query<LocalisationQuery>,
) -> Result<Response, AppError> {
    ctx.require(Action::Read)?;
    let tr = &ctx.tr;
    let mut errors: Vec<(&'static str, String)> = Vec::new();
    let mut cards = Vec::new();
    let mut shown = Horizon::default();
    match query.horizon() {
        Ok(horizon) => {
            shown = horizon;
            let loaded = load(state.store()).await?;
            cards = localisations(&loaded, &horizon)?.iter().map(|a| card(tr, a)).collect();
        }
        Err(accord_app::Error::Invalid(invalid)) => {
            errors = invalid.0.iter().map(|e| (e.field, tr.reason(e.reason))).collect();
        }
        Err(e) => return Err(e.into()),
    }
    let error = (!errors.is_empty())
        .then(|| errors.iter().map(|(f, reason)| format!("{}: {reason}", tr.field(f))).collect::<Vec<_>>().join("; "));
    let method = tr.ta(
        "logistics-loc-method",
        &[
            ("years", shown.years.get().to_string()),
            ("rate", tr.decimal(shown.discount_percent.get())),
            ("life", shown.useful_life_years.get().to_string()),
        ],
    );
    let status = if error.is_some() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    let page = LocalisationPage {
        chrome: chrome(&ctx, &state, "logistics-localisation"),
        fields: fields(tr, &query, &errors),
        error,
        method,
        cards,
    };
    render_status(status, &page)
}

pub(super) fn routes() -> Router<AppState> {
    Router::new().route("/logistics/localisation", get(localisation_page))
}
