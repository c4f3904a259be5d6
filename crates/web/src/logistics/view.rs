//! How the logistics pages write money, days, names and the domain's keys in the reader's
//! language, shared by every logistics page.

use crate::AppState;
use crate::ctx::Ctx;
use crate::error::AppError;
use crate::i18n::Tr;
use crate::layout::Chrome;
use accord_domain::logistics::{DayRange, Days, Leg, Months, NodeKind, TempRange};
use accord_domain::trade::{Currency, Money};

pub(super) fn chrome(ctx: &Ctx, state: &AppState, title_key: &str) -> Chrome {
    Chrome::new(ctx, state.is_demo(), "logistics", ctx.tr.t(title_key)).crumb("logistics-title", "/logistics")
}

pub(super) fn money(tr: &Tr, m: Money) -> String {
    format!("{} {}", tr.minor_units(m.minor), m.currency.code())
}

pub(super) fn days(tr: &Tr, d: Days) -> String {
    tr.decimal(d.to_decimal())
}

pub(super) fn day_range(tr: &Tr, r: DayRange) -> String {
    format!("{}–{}–{}", days(tr, r.min), days(tr, r.typical), days(tr, r.max))
}

pub(super) fn name<'a>(tr: &Tr, ru: &'a str, en: &'a str) -> &'a str {
    if tr.is_en() && !en.trim().is_empty() { en } else { ru }
}

/// A domain key (`logistics.mode.sea`) translated.
pub(super) fn key_text(tr: &Tr, key: &str) -> String {
    tr.t(&key.replace('.', "-"))
}

pub(super) fn parse_currency(text: Option<&str>) -> Result<Option<Currency>, AppError> {
    Ok(accord_app::logistics::parse_currency(text)?)
}

pub(super) fn leg_cost(tr: &Tr, leg: &Leg) -> String {
    let mut parts = Vec::new();
    if let Some(c) = leg.cost_per_container {
        parts.push(format!("{} / {}", money(tr, c), tr.t("logistics-per-container")));
    }
    if let Some(c) = leg.cost_per_tonne {
        parts.push(format!("{} / {}", money(tr, c), tr.t("logistics-per-tonne")));
    }
    parts.join("; ")
}

pub(super) fn months_text(m: &Option<Months>) -> String {
    m.as_ref()
        .and_then(|m| serde_json::to_value(m).ok())
        .and_then(|v| v.as_array().cloned())
        .map(|list| list.iter().map(|x| x.to_string()).collect::<Vec<_>>().join(", "))
        .unwrap_or_default()
}

pub(super) fn temp_text(r: &Option<TempRange>) -> String {
    r.map(|r| format!("{}…{} °C", r.min_c, r.max_c)).unwrap_or_default()
}

pub(super) fn key_text_id(key: &str) -> String {
    key.replace('.', "-")
}

pub(super) const KINDS: [NodeKind; 7] = [
    NodeKind::City,
    NodeKind::RailTerminal,
    NodeKind::SeaPort,
    NodeKind::BorderPoint,
    NodeKind::InspectionPoint,
    NodeKind::Warehouse,
    NodeKind::IndustrialPark,
];

pub(super) const CURRENCIES: [&str; 3] = ["USD", "RUB", "BYN"];
