//! The plan import page: upload, check, import.

use crate::AppState;
use crate::ctx::{Ctx, constant_time_eq};
use crate::error::AppError;
use crate::layout::{Chrome, render, render_status};
use accord_app::plan::{ImportOptions, ImportReport};
use accord_domain::directory::Action;
use accord_domain::plan::Plan;
use askama::Template;
use axum::Router;
use axum::extract::{Multipart, State};
use axum::http::HeaderMap;
use axum::response::Response;
use axum::routing::get;

pub fn routes() -> Router<AppState> {
    Router::new().route("/plan/import", get(import_form))
}

#[derive(Template)]
#[template(path = "plan/import.html")]
struct ImportPage {
    chrome: Chrome,
    problems: Vec<String>,
    result: Option<String>,
    plans: Vec<Plan>,
}

async fn import_page(
    state: &AppState,
    ctx: &Ctx,
    problems: Vec<String>,
    result: Option<String>,
) -> Result<ImportPage, AppError> {
    Ok(ImportPage {
        chrome: Chrome::new(ctx, state.is_demo(), "plan", ctx.tr.t("import-title"))
            .crumb("nav-plan", "/plan")
            .crumb_text(ctx.tr.t("import-title")),
        problems,
        result,
        plans: state.store().plan_list().await?,
    })
}

async fn import_form(State(state): State<AppState>, ctx: Ctx) -> Result<Response, AppError> {
    ctx.require(Action::CreateMeasure)?;
    render(&import_page(&state, &ctx, Vec::new(), None).await?)
}

pub(super) async fn import(
    State(state): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    mut multipart: Multipart,
) -> Result<Response, AppError> {
    ctx.require(Action::CreateMeasure)?;
    let mut csrf = String::new();
    let mut file: Option<(String, Vec<u8>)> = None;
    let mut options = ImportOptions::default();
    while let Some(field) = multipart.next_field().await.map_err(|_| AppError::BadRequest("error-bad-form"))? {
        let name = field.name().unwrap_or_default().to_string();
        match name.as_str() {
            "file" => {
                let file_name = field.file_name().unwrap_or("plan.xlsx").to_string();
                file = Some((file_name, crate::upload::field(field, crate::upload::reserve(&headers)).await?));
            }
            other => {
                let value = field.text().await.map_err(|_| AppError::BadRequest("error-bad-form"))?;
                match other {
                    "_csrf" => csrf = value,
                    "dry_run" => options.dry_run = value == "on" || value == "1",
                    "create_orgs" => options.create_orgs = value == "on" || value == "1",
                    "plan" => options.plan_code = Some(value).filter(|v| !v.trim().is_empty()),
                    _ => {}
                }
            }
        }
    }
    if !constant_time_eq(csrf.as_bytes(), ctx.csrf.as_bytes()) {
        return Err(AppError::Csrf);
    }
    let Some((file_name, bytes)) = file.filter(|(_, b)| !b.is_empty()) else {
        let page = import_page(&state, &ctx, vec![ctx.tr.t("import-no-file")], None).await?;
        return render_status(axum::http::StatusCode::UNPROCESSABLE_ENTITY, &page);
    };
    match state.app().plan_import(&ctx.actor(), &file_name, &bytes, &options).await {
        Ok(report) => {
            let message = import_message(&ctx.tr, &report);
            render(&import_page(&state, &ctx, Vec::new(), Some(message)).await?)
        }
        Err(accord_app::Error::InvalidFile(problems)) => {
            let lines = problems.iter().map(|p| ctx.tr.problem(p)).collect();
            render_status(axum::http::StatusCode::UNPROCESSABLE_ENTITY, &import_page(&state, &ctx, lines, None).await?)
        }
        Err(e) => Err(e.into()),
    }
}

/// What an import did, in the reader's language, with the measures awaiting the other side.
pub fn import_message(tr: &crate::i18n::Tr, report: &ImportReport) -> String {
    let key = if report.dry_run { "import-dry-run-ok" } else { "import-done" };
    let mut message = tr.ta(
        key,
        &[
            ("measures", report.measures.to_string()),
            ("created", report.created.to_string()),
            ("updated", report.changed.to_string()),
            ("unchanged", report.unchanged.to_string()),
            ("awaiting", report.awaiting_approval.len().to_string()),
            ("orgs", report.created_organisations.len().to_string()),
            ("plan", report.plan_code.clone()),
        ],
    );
    if !report.awaiting_approval.is_empty() {
        message.push(' ');
        message.push_str(&tr.ta("import-awaiting", &[("numbers", report.awaiting_approval.join(", "))]));
    }
    message
}
