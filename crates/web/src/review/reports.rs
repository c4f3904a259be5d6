//! The report form: one organisation's report on one measure for a quarter, its workflow
//! (save, submit; return, accept), its history and its evidence.

use super::{parse_quarter, period_or_default, plan_period, saved, state_label};
use crate::AppState;
use crate::ctx::{CsrfForm, Ctx};
use crate::error::AppError;
use crate::layout::{Chrome, render};
use accord_app::Actor;
use accord_app::review::VersionedReport;
use accord_app::review::input::ReportInput;
use accord_domain::directory::Action;
use accord_domain::plan::Status;
use accord_domain::quarter::Quarter;
use accord_domain::review::{ReportChange, ReportContent, ReportState};
use accord_domain::{MeasureId, OrganisationId};
use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::response::Response;
use axum::routing::get;
use std::collections::BTreeMap;

pub fn routes() -> Router<AppState> {
    Router::new().route("/review/{quarter}/report/{measure}/{organisation}", get(report_form).post(report_action))
}

pub struct ActualRow {
    pub indicator: String,
    pub name: String,
    pub unit: String,
    pub value: String,
    pub previous: String,
    pub delta: String,
}

#[derive(Template)]
#[template(path = "review/report.html")]
struct ReportPage {
    chrome: Chrome,
    quarter: String,
    action: String,
    measure_title: String,
    organisation: String,
    state: String,
    state_code: String,
    /// The report's version (0: not started), carried by its forms.
    version: i64,
    content: ReportContent,
    statuses: Vec<(String, String, bool)>,
    actuals: Vec<ActualRow>,
    previous_quarter: Option<String>,
    percent_delta: Option<i16>,
    return_comment: Option<String>,
    history: Vec<(String, String, String, String)>,
    can_edit: bool,
    can_review: bool,
    error: Option<String>,
    /// Evidence files: id, name, size in KB, who and when.
    evidence: Vec<(String, String, i64, String)>,
    /// The executor may attach or remove evidence now (a saved draft or a returned report).
    can_attach: bool,
}

async fn report_page(
    state: &AppState,
    ctx: &Ctx,
    raw: &str,
    measure: MeasureId,
    organisation: OrganisationId,
    error: Option<String>,
) -> Result<Response, AppError> {
    let store = state.store();
    let (_, quarter) = parse_quarter(store, raw).await?;
    let measure_row = store.measure(measure).await?;
    let executor =
        measure_row.data.executors.iter().find(|e| e.organisation == organisation).ok_or(AppError::NotFound)?;
    let org = store.organisation(organisation).await?;
    let found = state.app().report_get(quarter, organisation, measure).await?;
    let version = found.as_ref().map_or(0, |r| r.version);
    let report = found.map(|r| r.report);
    let previous = store.review_previous_report(quarter, organisation, measure).await?;
    // A report not started yet shows last quarter's content: what saving the draft will keep.
    let content = match (&report, &previous) {
        (Some(r), _) => r.content.clone(),
        (None, Some(p)) => ReportContent { attachments: Vec::new(), ..p.content.clone() },
        (None, None) => ReportContent::default(),
    };
    let change = previous.as_ref().map(|p| ReportChange::between(&p.content, &content));
    let indicators = store.indicators_of(measure).await?;
    let actuals = indicators
        .iter()
        .map(|i| {
            let value = content.actuals.iter().find(|a| a.indicator == i.id).map(|a| a.value);
            let line = change.as_ref().and_then(|c| c.actuals.iter().find(|a| a.indicator == i.id));
            ActualRow {
                indicator: i.id.to_string(),
                name: i.data.name_ru.clone(),
                unit: i.data.unit.clone(),
                value: value.map(|v| v.to_string()).unwrap_or_default(),
                previous: line.and_then(|l| l.previous).map(|v| v.to_string()).unwrap_or_default(),
                delta: line.and_then(|l| l.delta).map(|v| v.to_string()).unwrap_or_default(),
            }
        })
        .collect();
    let report_state = report.as_ref().map(|r| r.state);
    let (_, plan_period) = plan_period(store).await?;
    let (period, _) = period_or_default(state, &plan_period, quarter).await?;
    let editable = period.ensure_editable().is_ok();
    let can_edit =
        editable && ctx.can(Action::FileReport { organisation }) && report_state.is_none_or(|s| s.is_editable());
    let can_review = editable
        && ctx.can(Action::ReviewReports { side: executor.side })
        && report_state == Some(ReportState::Submitted);
    let users: BTreeMap<_, _> = store.user_list().await?.into_iter().map(|u| (u.id, u.display_name)).collect();
    let history = report
        .as_ref()
        .map(|r| {
            r.history
                .iter()
                .map(|e| {
                    (
                        ctx.tr.datetime(e.at, crate::layout::user_tz(&ctx.user)),
                        state_label(ctx, e.to.label_key()),
                        users.get(&e.by).cloned().unwrap_or_else(|| "—".into()),
                        e.comment.clone().unwrap_or_default(),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    let evidence = store
        .review_evidence_of(quarter, organisation, measure)
        .await?
        .into_iter()
        .map(|e| {
            let by = e.uploaded_by.clone().unwrap_or_else(|| "—".into());
            let when = ctx.tr.datetime(e.uploaded_at, crate::layout::user_tz(&ctx.user));
            (e.id, e.file_name, (e.size + 1023) / 1024, format!("{by}, {when}"))
        })
        .collect();
    let can_attach = can_edit && report.is_some();
    let statuses =
        Status::ALL.iter().map(|s| (s.code().to_string(), ctx.tr.status(*s), *s == content.status)).collect();
    let title = ctx.tr.ta(
        "review-report-title",
        &[("quarter", quarter.to_string()), ("number", measure_row.data.number.to_string())],
    );
    let chrome = Chrome::new(ctx, state.is_demo(), "review", title)
        .crumb("review-title", "/review")
        .crumb_text(quarter.to_string());
    render(&ReportPage {
        chrome,
        quarter: quarter.to_string(),
        action: format!("/review/{quarter}/report/{measure}/{organisation}"),
        measure_title: format!("{} {}", measure_row.data.number, measure_row.data.title(ctx.tr.is_en())),
        organisation: org.data.short_name(ctx.tr.is_en()).to_string(),
        state: report_state
            .map(|s| state_label(ctx, s.label_key()))
            .unwrap_or_else(|| ctx.tr.t("review-report-missing")),
        state_code: report_state.map(|s| format!("{s:?}").to_lowercase()).unwrap_or_else(|| "missing".into()),
        version,
        content,
        statuses,
        actuals,
        previous_quarter: previous.as_ref().map(|p| p.quarter.to_string()),
        percent_delta: change.map(|c| c.percent_delta),
        return_comment: report.as_ref().and_then(|r| r.return_comment.clone()),
        history,
        can_edit,
        can_review,
        error,
        evidence,
        can_attach,
    })
}

async fn report_form(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((raw, measure, organisation)): Path<(String, MeasureId, OrganisationId)>,
) -> Result<Response, AppError> {
    ctx.require(Action::Read)?;
    report_page(&state, &ctx, &raw, measure, organisation, None).await
}

/// Performs the step the input asks for (`save`, `submit`, `return`, `accept`), for the page
/// and the API alike.
pub(super) async fn report_act(
    state: &AppState,
    actor: &Actor,
    quarter: Quarter,
    organisation: OrganisationId,
    measure: MeasureId,
    input: &ReportInput,
) -> Result<VersionedReport, AppError> {
    let app = state.app();
    let version = input.version()?;
    Ok(match input.action.trim() {
        "save" => app.report_save(actor, quarter, organisation, measure, version, input.content()?).await?,
        "submit" => app.report_submit(actor, quarter, organisation, measure, version, input.content()?).await?,
        "return" => app.report_return(actor, quarter, organisation, measure, version, input.comment()).await?,
        "accept" => app.report_accept(actor, quarter, organisation, measure, version).await?,
        _ => return Err(AppError::BadRequest("error-bad-form")),
    })
}

async fn report_action(
    State(state): State<AppState>,
    Path((raw, measure, organisation)): Path<(String, MeasureId, OrganisationId)>,
    CsrfForm(ctx, form): CsrfForm<ReportInput>,
) -> Result<Response, AppError> {
    let (_, quarter) = parse_quarter(state.store(), &raw).await?;
    match report_act(&state, &ctx.actor(), quarter, organisation, measure, &form).await {
        Ok(_) => Ok(saved(&ctx, &format!("/review/{quarter}/report/{measure}/{organisation}"))),
        Err(e) => {
            // A refusal the reader can act on is shown on the form, with its status.
            let info = e.info();
            if info.status.is_server_error() || info.status == axum::http::StatusCode::FORBIDDEN {
                return Err(e);
            }
            let message = ctx.tr.ta(&info.key, &info.args);
            let mut response = report_page(&state, &ctx, &raw, measure, organisation, Some(message)).await?;
            *response.status_mut() = info.status;
            Ok(response)
        }
    }
}
