//! The routes page: Pareto routes between two nodes for a product, with cost against days
//! drawn, and why routes were left out when there are none.

use super::view::{chrome, days, key_text_id, money, name};
use crate::AppState;
use crate::ctx::Ctx;
use crate::error::AppError;
use crate::i18n::Tr;
use crate::layout::Chrome;
use crate::layout::render_status;
use accord_app::logistics::{RouteAnswer, RoutesQuery, find_routes, load};
use accord_domain::directory::Action;
use askama::Template;
use axum::Router;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use rust_decimal::prelude::ToPrimitive;

struct RouteRow {
    number: usize,
    path: String,
    legs: Vec<String>,
    cost: String,
    days: String,
    shelf_left: String,
    distance: String,
}

#[derive(Template)]
#[template(path = "logistics/routes.html")]
struct RoutesPage {
    chrome: Chrome,
    query: RoutesQuery,
    date: String,
    nodes: Vec<(String, String)>,
    products: Vec<(String, String)>,
    answer: Option<RouteAnswer>,
    rows: Vec<RouteRow>,
    reasons: Vec<String>,
    scatter: String,
    error: Option<String>,
}

fn route_rows(tr: &Tr, answer: &RouteAnswer) -> Vec<RouteRow> {
    answer
        .routes
        .iter()
        .enumerate()
        .map(|(i, r)| RouteRow {
            number: i + 1,
            path: r.nodes.join(" → "),
            legs: r
                .legs
                .iter()
                .map(|l| {
                    format!(
                        "{}→{} {} ({} {})",
                        l.from,
                        l.to,
                        tr.t(&key_text_id(l.mode.key())),
                        days(tr, l.days.typical),
                        tr.t("logistics-days-short")
                    )
                })
                .collect(),
            cost: money(tr, r.cost),
            days: days(tr, r.days.typical),
            shelf_left: r.shelf_left.map(|d| days(tr, d)).unwrap_or_else(|| "—".into()),
            distance: tr.int(i64::try_from(r.distance_km).unwrap_or(i64::MAX)),
        })
        .collect()
}

/// Cost against days of the Pareto routes: each point a route, its number beside it.
fn scatter(tr: &Tr, answer: &RouteAnswer) -> String {
    if answer.routes.len() < 2 {
        return String::new();
    }
    let (w, h, left, bottom, top, right) = (640.0, 260.0, 70.0, 36.0, 16.0, 20.0);
    let xs: Vec<f64> = answer.routes.iter().map(|r| r.days.typical.to_decimal().to_f64().unwrap_or(0.0)).collect();
    let ys: Vec<f64> = answer.routes.iter().map(|r| r.cost.minor as f64 / 100.0).collect();
    let span = |v: &[f64]| {
        let lo = v.iter().copied().fold(f64::INFINITY, f64::min);
        let hi = v.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let pad = ((hi - lo) * 0.1).max(1.0);
        (lo - pad, hi + pad)
    };
    let ((x0, x1), (y0, y1)) = (span(&xs), span(&ys));
    let px = |x: f64| left + (x - x0) / (x1 - x0) * (w - left - right);
    let py = |y: f64| h - bottom - (y - y0) / (y1 - y0) * (h - bottom - top);
    let mut svg = format!(
        r#"<svg class="chart" viewBox="0 0 {w} {h}" role="img" aria-label="{title}" xmlns="http://www.w3.org/2000/svg"><title>{title}</title>"#,
        title = tr.t("logistics-chart-pareto")
    );
    svg.push_str(&format!(
        r#"<line x1="{left}" y1="{yb}" x2="{xr}" y2="{yb}" stroke="currentColor" stroke-opacity="0.4"/><line x1="{left}" y1="{top}" x2="{left}" y2="{yb}" stroke="currentColor" stroke-opacity="0.4"/>"#,
        yb = h - bottom,
        xr = w - right
    ));
    svg.push_str(&format!(
        r#"<text x="{}" y="{}" font-size="12" text-anchor="middle" fill="currentColor">{}</text>"#,
        (left + w - right) / 2.0,
        h - 6.0,
        tr.t("logistics-days")
    ));
    svg.push_str(&format!(
        r#"<text x="4" y="{}" font-size="11" fill="currentColor">{} {}</text><text x="4" y="{}" font-size="11" fill="currentColor">{} {}</text>"#,
        top + 4.0,
        tr.int(y1.round() as i64),
        answer.currency.code(),
        h - bottom,
        tr.int(y0.round() as i64),
        answer.currency.code()
    ));
    let mut path = String::new();
    for (i, (x, y)) in xs.iter().zip(&ys).enumerate() {
        let (cx, cy) = (px(*x), py(*y));
        path.push_str(&format!("{}{cx:.1},{cy:.1}", if i == 0 { "M" } else { " L" }));
        svg.push_str(&format!(
            r#"<circle cx="{cx:.1}" cy="{cy:.1}" r="5" fill="currentColor"><title>{} · {} {} · {}</title></circle><text x="{:.1}" y="{:.1}" font-size="11" fill="currentColor">{}</text>"#,
            i + 1,
            days(tr, answer.routes[i].days.typical),
            tr.t("logistics-days-short"),
            money(tr, answer.routes[i].cost),
            cx + 7.0,
            cy - 7.0,
            i + 1
        ));
    }
    svg.push_str(&format!(
        r#"<path d="{path}" fill="none" stroke="currentColor" stroke-dasharray="4 3" stroke-opacity="0.5"/></svg>"#
    ));
    svg
}

async fn routes_page(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(query): Query<RoutesQuery>,
) -> Result<Response, AppError> {
    ctx.require(Action::Read)?;
    let tr = &ctx.tr;
    let loaded = load(state.store()).await?;
    let mut error = None;
    let mut answer = None;
    match query.request() {
        Ok(Some(request)) => match find_routes(&loaded, &request) {
            Ok(a) => answer = Some(a),
            Err(accord_app::Error::Refused(rule)) => error = Some(tr.ta(&rule.key, &rule.args)),
            Err(e) => return Err(e.into()),
        },
        Ok(None) => {}
        Err(accord_app::Error::Invalid(invalid)) => {
            error = Some(
                invalid
                    .0
                    .iter()
                    .map(|e| format!("{}: {}", tr.field(e.field), tr.reason(e.reason)))
                    .collect::<Vec<_>>()
                    .join("; "),
            )
        }
        Err(e) => return Err(e.into()),
    }
    let rows = answer.as_ref().map(|a| route_rows(tr, a)).unwrap_or_default();
    let reasons = answer
        .as_ref()
        .map(|a| a.excluded.iter().map(|x| tr.ta(&x.key, &[("count", x.count.to_string())])).collect())
        .unwrap_or_default();
    let chart = answer.as_ref().map(|a| scatter(tr, a)).unwrap_or_default();
    let status = if error.is_some() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    let date = query
        .date
        .clone()
        .filter(|d| !d.trim().is_empty())
        .unwrap_or_else(|| chrono::Utc::now().date_naive().to_string());
    let page = RoutesPage {
        chrome: chrome(&ctx, &state, "logistics-routes"),
        nodes: loaded
            .data
            .network
            .nodes()
            .iter()
            .map(|n| (n.code.to_string(), format!("{} — {}", name(tr, &n.name_ru, &n.name_en), n.code)))
            .collect(),
        products: loaded
            .data
            .products
            .iter()
            .map(|p| (p.key.clone(), format!("{} ({})", name(tr, &p.name_ru, &p.name_en), p.code)))
            .collect(),
        query,
        date,
        answer,
        rows,
        reasons,
        scatter: chart,
        error,
    };
    render_status(status, &page)
}

pub(super) fn routes() -> Router<AppState> {
    Router::new().route("/logistics/routes", get(routes_page))
}
