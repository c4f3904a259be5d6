//! The audit log: every change, newest first, and a check of its hash chain.

use super::AuditQuery;
use crate::AppState;
use crate::ctx::Ctx;
use crate::error::AppError;
use crate::layout::{Chrome, ListLinks, render};
use accord_domain::audit::AuditEntry;
use accord_store::{Paging, VerifyReport};
use askama::Template;
use axum::Router;
use axum::extract::{Query, State};
use axum::response::Response;
use axum::routing::get;

pub fn routes() -> Router<AppState> {
    Router::new().route("/admin/audit", get(list)).route("/admin/audit/verify", get(verify))
}

#[derive(Template)]
#[template(path = "admin/audit.html")]
struct AuditPage {
    chrome: Chrome,
    history: Vec<AuditEntry>,
    links: ListLinks,
    query: AuditQuery,
    report: Option<VerifyReport>,
    tz: chrono_tz::Tz,
}

impl AuditPage {
    fn opt<'a>(&self, value: &'a Option<String>) -> &'a str {
        value.as_deref().unwrap_or("")
    }
}

async fn page(
    state: &AppState,
    ctx: &Ctx,
    query: AuditQuery,
    report: Option<VerifyReport>,
) -> Result<Response, AppError> {
    let paging = Paging::new(query.page, query.per_page.or(Some(50)));
    let page = state.app().audit_list(&ctx.actor(), &query.filter(), paging).await?;
    let filters = [("entity", &query.entity), ("entity_id", &query.entity_id), ("actor", &query.actor)]
        .into_iter()
        .filter_map(|(k, v)| v.as_ref().filter(|v| !v.is_empty()).map(|v| (k.to_string(), v.clone())))
        .collect();
    let links = ListLinks {
        base: "/admin/audit".into(),
        filters,
        sort: "seq".into(),
        descending: true,
        page: page.page,
        pages: page.pages(),
        total: page.total,
    };
    let chrome =
        Chrome::new(ctx, state.is_demo(), "admin", ctx.tr.t("audit-title")).crumb_text(ctx.tr.t("audit-title"));
    render(&AuditPage { chrome, history: page.items, links, query, report, tz: crate::layout::user_tz(&ctx.user) })
}

async fn list(State(state): State<AppState>, ctx: Ctx, Query(query): Query<AuditQuery>) -> Result<Response, AppError> {
    page(&state, &ctx, query, None).await
}

async fn verify(State(state): State<AppState>, ctx: Ctx) -> Result<Response, AppError> {
    let report = state.app().audit_verify(&ctx.actor()).await?;
    page(&state, &ctx, AuditQuery::default(), Some(report)).await
}
