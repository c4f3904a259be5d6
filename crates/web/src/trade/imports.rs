//! The import page: trade statistics and customs files, central bank rate files, the sources
//! imported so far, and the template to fill in.

use crate::AppState;
use crate::ctx::{Ctx, constant_time_eq};
use crate::error::AppError;
use crate::layout::{Chrome, render, render_status};
use accord_app::trade::TradeImportOptions;
use accord_domain::Side;
use accord_domain::directory::Action;
use askama::Template;
use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::extract::{Multipart, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};

struct SourceLine {
    side: String,
    name: String,
    records: i64,
    imports: Vec<(String, String, String, String)>,
}

#[derive(Template)]
#[template(path = "trade/import.html")]
struct ImportPage {
    chrome: Chrome,
    problems: Vec<String>,
    result: Option<String>,
    notes: Vec<String>,
    sources: Vec<SourceLine>,
    rates: Vec<(String, String, String, String)>,
    can_import: bool,
    can_rates: bool,
}

async fn import_view(
    state: &AppState,
    ctx: &Ctx,
    problems: Vec<String>,
    result: Option<String>,
    notes: Vec<String>,
) -> Result<ImportPage, AppError> {
    let tr = &ctx.tr;
    let sources = state
        .store()
        .trade_sources()
        .await?
        .into_iter()
        .map(|s| SourceLine {
            side: tr.side(s.side),
            name: s.name,
            records: s.records,
            imports: s
                .imports
                .iter()
                .take(5)
                .map(|i| {
                    (
                        i.file_name.clone(),
                        format!(
                            "{} – {}",
                            i.first_period.clone().unwrap_or_default(),
                            i.last_period.clone().unwrap_or_default()
                        ),
                        tr.int(i.rows_read),
                        tr.datetime(i.imported_at, crate::layout::user_tz(&ctx.user)),
                    )
                })
                .collect(),
        })
        .collect();
    let rates = state
        .store()
        .rates_coverage()
        .await?
        .into_iter()
        .map(|(base, n, first, last)| (base.code().to_string(), tr.int(n), tr.day(first), tr.day(last)))
        .collect();
    Ok(ImportPage {
        chrome: Chrome::new(ctx, state.is_demo(), "trade", tr.t("trade-import-title"))
            .crumb("trade-title", "/trade")
            .crumb_text(tr.t("trade-import-title")),
        problems,
        result,
        notes,
        sources,
        rates,
        can_import: ctx.can(Action::ImportTrade { side: Side::By }) || ctx.can(Action::ImportTrade { side: Side::Khv }),
        can_rates: ctx.can(Action::ManageTradeReference),
    })
}

async fn import_form(State(state): State<AppState>, ctx: Ctx) -> Result<Response, AppError> {
    ctx.require(Action::Read)?;
    render(&import_view(&state, &ctx, Vec::new(), None, Vec::new()).await?)
}

/// The upload form: a trade file or a rate file, with its options. Whether the user may import
/// is the use case's to say, before it reads the file.
async fn import_upload(
    State(state): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    mut multipart: Multipart,
) -> Result<Response, AppError> {
    ctx.require(Action::Read)?;
    let mut csrf = String::new();
    let mut file: Option<(String, Vec<u8>)> = None;
    let mut kind = String::from("trade");
    let mut options = TradeImportOptions::default();
    while let Some(field) = multipart.next_field().await.map_err(|_| AppError::BadRequest("error-bad-form"))? {
        let name = field.name().unwrap_or_default().to_string();
        if name == "file" {
            let file_name = field.file_name().unwrap_or("trade.csv").to_string();
            file = Some((file_name, crate::upload::field(field, crate::upload::reserve(&headers)).await?));
            continue;
        }
        let value = field.text().await.map_err(|_| AppError::BadRequest("error-bad-form"))?;
        match name.as_str() {
            "_csrf" => csrf = value,
            "kind" => kind = value,
            "source" => options.source = Some(value),
            "side" => options.side = Some(value),
            "format" => options.format = Some(value),
            "dry_run" => options.dry_run = Some(value == "on" || value == "1"),
            _ => {}
        }
    }
    if !constant_time_eq(csrf.as_bytes(), ctx.csrf.as_bytes()) {
        return Err(AppError::Csrf);
    }
    let tr = &ctx.tr;
    let Some((file_name, bytes)) = file.filter(|(_, b)| !b.is_empty()) else {
        let page = import_view(&state, &ctx, vec![tr.t("import-no-file")], None, Vec::new()).await?;
        return render_status(StatusCode::UNPROCESSABLE_ENTITY, &page);
    };
    let actor = ctx.actor();
    let (message, notes) = if kind == "rates" {
        let files = [(file_name, bytes)];
        match state.app().rates_import(&actor, &files, false).await {
            Ok(outcomes) => {
                let (inserted, unchanged) = outcomes
                    .iter()
                    .filter_map(|o| o.outcome.as_ref())
                    .fold((0, 0), |(i, u), o| (i + o.inserted, u + o.unchanged));
                let message = tr
                    .ta("rates-imported", &[("inserted", inserted.to_string()), ("unchanged", unchanged.to_string())]);
                let notes = outcomes
                    .iter()
                    .flat_map(|o| &o.skipped)
                    .map(|c| tr.ta("rates-currency-left-out", &[("currency", c.clone())]))
                    .collect();
                (message, notes)
            }
            Err(e) => return refused_upload(&state, &ctx, e).await,
        }
    } else {
        match state.app().trade_import(&actor, &file_name, bytes, &options).await {
            Ok(summary) => {
                let key = match &summary.outcome {
                    None => "trade-import-dry-run",
                    Some(o) if o.unchanged => "trade-import-unchanged",
                    Some(_) => "trade-import-done",
                };
                let message = tr.ta(
                    key,
                    &[
                        ("rows", summary.rows_read.to_string()),
                        ("records", summary.records.to_string()),
                        ("source", summary.source.clone()),
                        ("side", tr.side(summary.side)),
                        ("from", summary.first_period.clone().unwrap_or_default()),
                        ("to", summary.last_period.clone().unwrap_or_default()),
                        ("replaced", summary.outcome.as_ref().map_or(0, |o| o.replaced).to_string()),
                    ],
                );
                (message, super::import_notes(tr, &summary))
            }
            Err(e) => return refused_upload(&state, &ctx, e).await,
        }
    };
    render(&import_view(&state, &ctx, Vec::new(), Some(message), notes).await?)
}

/// A refused upload: a file's problems and what the user can fix stay on the import page (422);
/// anything else (forbidden, broken) is an error page.
async fn refused_upload(state: &AppState, ctx: &Ctx, error: accord_app::Error) -> Result<Response, AppError> {
    let tr = &ctx.tr;
    let lines = match &error {
        accord_app::Error::InvalidFile(problems) => problems.iter().map(|p| tr.problem(p)).collect(),
        accord_app::Error::Invalid(invalid) => {
            invalid.0.iter().map(|e| format!("{}: {}", tr.field(e.field), tr.reason(e.reason))).collect()
        }
        accord_app::Error::Refused(rule) if rule.kind == accord_app::RuleKind::Input => {
            vec![tr.ta(&rule.key, &rule.args)]
        }
        _ => return Err(error.into()),
    };
    render_status(StatusCode::UNPROCESSABLE_ENTITY, &import_view(state, ctx, lines, None, Vec::new()).await?)
}

async fn template_csv(ctx: Ctx) -> Result<Response, AppError> {
    ctx.require(Action::Read)?;
    let lang = if ctx.tr.is_en() { accord_domain::trade::Lang::En } else { accord_domain::trade::Lang::Ru };
    let mut out = Vec::new();
    accord_formats::trade::write_template_csv(&mut out, lang).map_err(|e| AppError::Internal(e.to_string()))?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (header::CONTENT_DISPOSITION, "attachment; filename=\"accord-trade-template.csv\""),
        ],
        out,
    )
        .into_response())
}

async fn template_xlsx(ctx: Ctx) -> Result<Response, AppError> {
    ctx.require(Action::Read)?;
    let lang = if ctx.tr.is_en() { accord_domain::trade::Lang::En } else { accord_domain::trade::Lang::Ru };
    let bytes = accord_formats::trade::write_template_xlsx(lang).map_err(|e| AppError::Internal(e.to_string()))?;
    Ok((
        [
            (header::CONTENT_TYPE, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
            (header::CONTENT_DISPOSITION, "attachment; filename=\"accord-trade-template.xlsx\""),
        ],
        bytes,
    )
        .into_response())
}

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/trade/import", get(import_form))
        .route("/trade/template.csv", get(template_csv))
        .route("/trade/template.xlsx", get(template_xlsx))
}

/// The upload, with the trade files' body limit.
pub(super) fn upload_routes() -> Router<AppState> {
    Router::new().route("/trade/import", post(import_upload)).layer(DefaultBodyLimit::max(super::UPLOAD_LIMIT))
}
