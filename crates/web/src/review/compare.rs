//! Snapshot comparison: the plan as it stood at two reviews, and what moved between them.

use crate::AppState;
use crate::ctx::Ctx;
use crate::error::AppError;
use crate::layout::{Chrome, render};
use accord_domain::directory::Action;
use accord_domain::plan::Status;
use accord_domain::quarter::Quarter;
use accord_domain::review::SnapshotComparison;
use askama::Template;
use axum::Router;
use axum::extract::{Query, State};
use axum::response::Response;
use axum::routing::get;
use serde::Deserialize;

pub fn routes() -> Router<AppState> {
    Router::new().route("/review/compare", get(compare))
}

#[derive(Deserialize)]
struct CompareQuery {
    from: Option<String>,
    to: Option<String>,
}

pub struct MoveRow {
    pub number: String,
    pub status: String,
    pub percent: String,
}

#[derive(Template)]
#[template(path = "review/compare.html")]
struct ComparePage {
    chrome: Chrome,
    quarters: Vec<String>,
    from: String,
    to: String,
    comparison: Option<SnapshotComparison>,
    moves: Vec<MoveRow>,
    counts: Vec<(String, usize, usize)>,
}

async fn compare(State(state): State<AppState>, ctx: Ctx, Query(q): Query<CompareQuery>) -> Result<Response, AppError> {
    ctx.require(Action::Read)?;
    let store = state.store();
    let quarters = store.review_snapshot_quarters().await?;
    let pick = |raw: &Option<String>, default: Option<&Quarter>| -> Result<Option<Quarter>, AppError> {
        match raw.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            Some(text) => Ok(Some(text.parse::<Quarter>().map_err(|_| {
                accord_domain::validation::Invalid::one("from", accord_domain::validation::Reason::UnknownValue)
            })?)),
            None => Ok(default.copied()),
        }
    };
    let from = pick(&q.from, quarters.len().checked_sub(2).and_then(|i| quarters.get(i)))?;
    let to = pick(&q.to, quarters.last())?;
    let mut comparison = None;
    if let (Some(f), Some(t)) = (from, to) {
        let (a, b) = (store.review_snapshot(f).await?, store.review_snapshot(t).await?);
        if let (Some(a), Some(b)) = (a, b) {
            comparison = Some(SnapshotComparison::compare(&a, &b));
        }
    }
    let moves = comparison
        .as_ref()
        .map(|c| {
            c.moved
                .iter()
                .map(|m| MoveRow {
                    number: m.number.clone(),
                    status: m
                        .status
                        .map(|(a, b)| format!("{} → {}", ctx.tr.status(a), ctx.tr.status(b)))
                        .unwrap_or_default(),
                    percent: m.percent.map(|(a, b)| format!("{a} % → {b} %")).unwrap_or_default(),
                })
                .collect()
        })
        .unwrap_or_default();
    let counts = comparison
        .as_ref()
        .map(|c| {
            Status::ALL
                .iter()
                .map(|s| {
                    let of = |list: &Vec<(Status, usize)>| list.iter().find(|(x, _)| x == s).map_or(0, |(_, n)| *n);
                    (ctx.tr.status(*s), of(&c.before.by_status), of(&c.after.by_status))
                })
                .collect()
        })
        .unwrap_or_default();
    let chrome =
        Chrome::new(&ctx, state.is_demo(), "review", ctx.tr.t("review-compare-title")).crumb("review-title", "/review");
    render(&ComparePage {
        chrome,
        quarters: quarters.iter().map(ToString::to_string).collect(),
        from: from.map(|q| q.to_string()).unwrap_or_default(),
        to: to.map(|q| q.to_string()).unwrap_or_default(),
        comparison,
        moves,
        counts,
    })
}
