//! The home page: where the agreement stands, at a glance.

use crate::AppState;
use crate::ctx::Ctx;
use crate::error::AppError;
use crate::layout::{Chrome, render};
use accord_store::DirectoryCounts;
use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::response::Response;
use axum::routing::get;

pub fn routes() -> Router<AppState> {
    Router::new().route("/", get(home))
}

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    chrome: Chrome,
    counts: DirectoryCounts,
}

async fn home(State(state): State<AppState>, ctx: Ctx) -> Result<Response, AppError> {
    let counts = state.store().directory_counts().await?;
    let chrome = Chrome::new(&ctx, state.is_demo(), "home", ctx.tr.t("home-title"));
    render(&HomePage { chrome, counts })
}
