//! The measure page, its forms (create, edit, progress, delete) and its indicators.

use super::ExecutorRef;
use super::pages::{Names, section_name, today};
use crate::AppState;
use crate::ctx::{CsrfForm, Ctx};
use crate::directory::parse_version;
use crate::error::AppError;
use crate::layout::{Chrome, FormErrors, redirect_with_flash, render, render_status};
use accord_app::plan::{Deleted, Edited};
use accord_domain::audit::AuditEntry;
use accord_domain::directory::{Action, Organisation};
use accord_domain::plan::indicator::IndicatorForm;
use accord_domain::plan::summary::summarise;
use accord_domain::plan::{Indicator, Measure, MeasureForm, Section};
use accord_domain::{IndicatorId, MeasureId, Quarter, Side};
use accord_report::charts::actuals_vs_target;
use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::response::Response;
use axum::routing::{get, post};
use chrono::Datelike;
use rust_decimal::prelude::ToPrimitive;
use serde::Deserialize;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/plan/measures", post(create))
        .route("/plan/measures/new", get(new_form))
        .route("/plan/measures/{id}", get(show).post(update))
        .route("/plan/measures/{id}/edit", get(edit_form))
        .route("/plan/measures/{id}/progress", post(report_progress))
        .route("/plan/measures/{id}/delete", get(confirm_delete).post(delete))
        .route("/plan/measures/{id}/indicators", post(add_indicator))
        .route("/plan/indicators/{id}/actual", post(set_actual))
}

// ---------------------------------------------------------------------------------------------
// Measure page

struct IndicatorView {
    indicator: Indicator,
    chart: String,
    reached: String,
    achievement: String,
}

#[derive(Template)]
#[template(path = "plan/measure.html")]
struct ShowPage {
    chrome: Chrome,
    /// Decisions of the review meetings linked to this measure.
    decisions: Vec<crate::review::DecisionRow>,
    measure: Measure,
    section: String,
    by: String,
    khv: String,
    percent: f64,
    overdue: bool,
    next_due: Option<chrono::NaiveDate>,
    indicators: Vec<IndicatorView>,
    history: Vec<AuditEntry>,
    can_edit: bool,
    can_report: bool,
    current_quarter: String,
    tz: chrono_tz::Tz,
    progress_error: Option<String>,
    attachments: Vec<accord_store::Attachment>,
    links: Vec<(MeasureId, String, String)>,
    pending: usize,
    trade: Vec<crate::trade::MeasureTrade>,
}

async fn show_page(
    state: &AppState,
    ctx: &Ctx,
    id: MeasureId,
    progress_error: Option<String>,
) -> Result<ShowPage, AppError> {
    ctx.require(Action::Read)?;
    let en = ctx.tr.is_en();
    let measure = state.store().measure(id).await?;
    let plan = state.store().plan(measure.plan_id).await?;
    let all = state.store().measures_of_plan(plan.id).await?;
    let today = today(ctx);
    let summary = summarise(&plan, &all, today, &state.store().review_handed_in().await?);
    let sections = state.store().sections().await?;
    let (names, _) = Names::load(state, en).await?;
    let current_quarter = Quarter::of_month(today.year(), today.month()).map(|q| q.to_string()).unwrap_or_default();
    let indicators = state
        .store()
        .indicators_of(id)
        .await?
        .into_iter()
        .map(|indicator| {
            let points: Vec<(String, f64)> =
                indicator.actuals.iter().map(|a| (a.quarter.to_string(), a.value.to_f64().unwrap_or(0.0))).collect();
            let d = &indicator.data;
            let chart = actuals_vs_target(
                &d.name_ru,
                &points,
                d.target.and_then(|t| t.to_f64()),
                d.baseline.and_then(|b| b.to_f64()),
            );
            let reached =
                Quarter::of_month(today.year(), today.month()).and_then(|until| d.reached(&indicator.actuals, until));
            IndicatorView {
                reached: reached.map_or_else(|| "—".into(), |r| ctx.tr.decimal(r)),
                achievement: d
                    .achievement(reached)
                    .map_or_else(|| "—".into(), |a| format!("{}%", ctx.tr.int(a.round() as i64))),
                chart,
                indicator,
            }
        })
        .collect();
    let title = format!("{} {}", measure.data.number, measure.data.title(en));
    let linked = state.store().measure_links(id).await?;
    let links = all
        .iter()
        .filter(|m| linked.contains(&m.id))
        .map(|m| (m.id, m.data.number.to_string(), m.data.title(en).to_string()))
        .collect();
    let pending = state
        .store()
        .amendments(measure.plan_id, Some(id))
        .await?
        .iter()
        .filter(|a| a.status == accord_domain::plan::version::AmendmentStatus::Pending)
        .count();
    let trade = crate::trade::measure_trade(state.store(), &ctx.tr, &plan, id).await?;
    let decisions = crate::review::measure_decision_rows(state, ctx, id).await?;
    Ok(ShowPage {
        pending,
        trade,
        decisions,
        attachments: state.store().attachments_of(id).await?,
        links,
        section: section_name(&sections, &measure.data.section, en),
        by: names.of(&measure, Side::By),
        khv: names.of(&measure, Side::Khv),
        percent: summary.percent.get(&id).copied().unwrap_or(0.0),
        overdue: summary.overdue.contains(&id),
        next_due: measure.data.term.next_due(today, plan.period_start, plan.period_end),
        indicators,
        history: if ctx.can(Action::ReadAudit)
            || ctx.can(Action::ReportOnMeasure { executors: &measure.data.executors })
        {
            state.store().audit_history("measure", &id.to_string()).await?
        } else {
            Vec::new()
        },
        can_edit: ctx.can(Action::EditMeasure { executors: &measure.data.executors }),
        can_report: ctx.can(Action::ReportOnMeasure { executors: &measure.data.executors }),
        current_quarter,
        tz: crate::layout::user_tz(&ctx.user),
        chrome: Chrome::new(ctx, state.is_demo(), "plan", title.clone())
            .crumb("nav-plan", "/plan")
            .crumb("measures-title", "/plan/measures")
            .crumb_text(measure.data.number.to_string()),
        progress_error,
        measure,
    })
}

async fn show(State(state): State<AppState>, ctx: Ctx, Path(id): Path<MeasureId>) -> Result<Response, AppError> {
    render(&show_page(&state, &ctx, id, None).await?)
}

#[derive(Deserialize)]
struct ProgressInput {
    version: String,
    status: Option<String>,
    percent: Option<String>,
    reason: Option<String>,
}

async fn report_progress(
    State(state): State<AppState>,
    Path(id): Path<MeasureId>,
    CsrfForm(ctx, input): CsrfForm<ProgressInput>,
) -> Result<Response, AppError> {
    let version = parse_version(&input.version)?;
    let reported = state
        .app()
        .measure_report_progress(
            &ctx.actor(),
            id,
            version,
            input.status.as_deref(),
            input.percent.as_deref(),
            input.reason,
        )
        .await;
    match reported.map_err(AppError::from) {
        Ok(_) => Ok(redirect_with_flash(&ctx, &format!("/plan/measures/{id}"), "flash-saved")),
        Err(error) => {
            let (status, errors) = FormErrors::from_app_error(&ctx.tr, error)?;
            let message = errors.general.clone().unwrap_or_else(|| ctx.tr.t("error-validation"));
            render_status(status, &show_page(&state, &ctx, id, Some(message)).await?)
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Forms

#[derive(Template)]
#[template(path = "plan/measure_form.html")]
struct FormPage {
    chrome: Chrome,
    form: MeasureForm,
    executors_by: String,
    executors_khv: String,
    errors: FormErrors,
    id: Option<MeasureId>,
    version: i64,
    sections: Vec<Section>,
    organisations: Vec<Organisation>,
}

impl FormPage {
    #[allow(clippy::too_many_arguments)]
    async fn new(
        state: &AppState,
        ctx: &Ctx,
        form: MeasureForm,
        executors: (String, String),
        errors: FormErrors,
        existing: Option<(MeasureId, i64)>,
    ) -> Result<Self, AppError> {
        let title = ctx.tr.t(if existing.is_some() { "measure-edit-title" } else { "measure-new-title" });
        Ok(FormPage {
            chrome: Chrome::new(ctx, state.is_demo(), "plan", title.clone())
                .crumb("nav-plan", "/plan")
                .crumb("measures-title", "/plan/measures")
                .crumb_text(title),
            form,
            executors_by: executors.0,
            executors_khv: executors.1,
            errors,
            id: existing.map(|(id, _)| id),
            version: existing.map_or(0, |(_, v)| v),
            sections: state.store().sections().await?,
            organisations: state.store().organisation_all().await?,
        })
    }
    fn opt<'a>(&self, value: &'a Option<String>) -> &'a str {
        value.as_deref().unwrap_or("")
    }
}

/// The measure form as posted: the measure's fields plus executors as codes per side.
#[derive(Deserialize, Default)]
struct MeasureInput {
    #[serde(default)]
    version: String,
    reason: Option<String>,
    #[serde(default)]
    executors_by: String,
    #[serde(default)]
    executors_khv: String,
    #[serde(flatten)]
    form: MeasureForm,
}

fn executor_refs(by: &str, khv: &str) -> Vec<ExecutorRef> {
    let mut refs = Vec::new();
    for list in [by, khv] {
        for (i, code) in list.split([',', ';', '\n']).map(str::trim).filter(|c| !c.is_empty()).enumerate() {
            refs.push(ExecutorRef { organisation: code.to_string(), lead: i == 0 });
        }
    }
    refs
}

async fn new_form(State(state): State<AppState>, ctx: Ctx) -> Result<Response, AppError> {
    ctx.require(Action::CreateMeasure)?;
    let form = MeasureForm { status: Some("not-started".into()), ..Default::default() };
    render(&FormPage::new(&state, &ctx, form, Default::default(), FormErrors::default(), None).await?)
}

async fn create(
    State(state): State<AppState>,
    CsrfForm(ctx, input): CsrfForm<MeasureInput>,
) -> Result<Response, AppError> {
    let app = state.app();
    let plan = app.plan_resolve(None).await?;
    let result = async {
        let executors = app.executors_resolve(&executor_refs(&input.executors_by, &input.executors_khv)).await?;
        app.measure_create(&ctx.actor(), &plan, &input.form, executors).await
    }
    .await;
    match result.map_err(AppError::from) {
        Ok(m) => Ok(redirect_with_flash(&ctx, &format!("/plan/measures/{}", m.id), "flash-saved")),
        Err(error) => {
            let (status, errors) = FormErrors::from_app_error(&ctx.tr, error)?;
            let page = FormPage::new(&state, &ctx, input.form, (input.executors_by, input.executors_khv), errors, None)
                .await?;
            render_status(status, &page)
        }
    }
}

async fn edit_form(State(state): State<AppState>, ctx: Ctx, Path(id): Path<MeasureId>) -> Result<Response, AppError> {
    let m = state.store().measure(id).await?;
    ctx.require(Action::EditMeasure { executors: &m.data.executors })?;
    let (names, _) = Names::load(&state, false).await?;
    let form = MeasureForm::of(&m.data);
    let executors = (names.codes(&m, Side::By), names.codes(&m, Side::Khv));
    render(&FormPage::new(&state, &ctx, form, executors, FormErrors::default(), Some((id, m.version))).await?)
}

async fn update(
    State(state): State<AppState>,
    Path(id): Path<MeasureId>,
    CsrfForm(ctx, input): CsrfForm<MeasureInput>,
) -> Result<Response, AppError> {
    let version = parse_version(&input.version)?;
    let app = state.app();
    let result = async {
        let executors = app.executors_resolve(&executor_refs(&input.executors_by, &input.executors_khv)).await?;
        app.measure_change(&ctx.actor(), id, version, &input.form, executors, input.reason.clone()).await
    }
    .await;
    match result.map_err(AppError::from) {
        Ok(edited) => {
            let flash = match edited {
                Edited::Applied(_) => "flash-saved",
                Edited::Proposed(_) => "flash-amendment-proposed",
            };
            Ok(redirect_with_flash(&ctx, &format!("/plan/measures/{}", edited.measure_id()), flash))
        }
        Err(error) => {
            let (status, errors) = FormErrors::from_app_error(&ctx.tr, error)?;
            let page = FormPage::new(
                &state,
                &ctx,
                input.form,
                (input.executors_by, input.executors_khv),
                errors,
                Some((id, version)),
            )
            .await?;
            render_status(status, &page)
        }
    }
}

async fn confirm_delete(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<MeasureId>,
) -> Result<Response, AppError> {
    let m = state.store().measure(id).await?;
    ctx.require(Action::EditMeasure { executors: &m.data.executors })?;
    render(&confirm_page(&state, &ctx, &m, None))
}

fn confirm_page(state: &AppState, ctx: &Ctx, m: &Measure, error: Option<String>) -> crate::directory::ConfirmDelete {
    let title = ctx.tr.t("confirm-delete-title");
    crate::directory::ConfirmDelete {
        chrome: Chrome::new(ctx, state.is_demo(), "plan", title.clone())
            .crumb("measures-title", "/plan/measures")
            .crumb_text(title),
        what: format!("{} {}", m.data.number, m.data.title(ctx.tr.is_en())),
        action: format!("/plan/measures/{}/delete", m.id),
        cancel: format!("/plan/measures/{}", m.id),
        version: m.version,
        error,
    }
}

#[derive(Deserialize)]
struct DeleteInput {
    #[serde(default)]
    version: String,
    reason: Option<String>,
}

async fn delete(
    State(state): State<AppState>,
    Path(id): Path<MeasureId>,
    CsrfForm(ctx, input): CsrfForm<DeleteInput>,
) -> Result<Response, AppError> {
    let version = parse_version(&input.version)?;
    match state.app().measure_delete(&ctx.actor(), id, version, input.reason).await.map_err(AppError::from) {
        Ok(Deleted::Done) => Ok(redirect_with_flash(&ctx, "/plan/measures", "flash-deleted")),
        Ok(Deleted::Proposed(_)) => {
            Ok(redirect_with_flash(&ctx, &format!("/plan/measures/{id}"), "flash-amendment-proposed"))
        }
        Err(error) => {
            let (status, errors) = FormErrors::from_app_error(&ctx.tr, error)?;
            let m = state.store().measure(id).await?;
            render_status(status, &confirm_page(&state, &ctx, &m, errors.general))
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Indicators

async fn add_indicator(
    State(state): State<AppState>,
    Path(id): Path<MeasureId>,
    CsrfForm(ctx, form): CsrfForm<IndicatorForm>,
) -> Result<Response, AppError> {
    match state.app().indicator_create(&ctx.actor(), id, &form).await {
        Ok(_) => Ok(redirect_with_flash(&ctx, &format!("/plan/measures/{id}#indicators"), "flash-saved")),
        Err(accord_app::Error::Invalid(invalid)) => invalid_on_measure_page(&state, &ctx, id, &invalid).await,
        Err(other) => Err(other.into()),
    }
}

/// The measure page again, with what was wrong in a form on it named above the page.
async fn invalid_on_measure_page(
    state: &AppState,
    ctx: &Ctx,
    id: MeasureId,
    invalid: &accord_domain::validation::Invalid,
) -> Result<Response, AppError> {
    let message = invalid
        .0
        .iter()
        .map(|e| format!("{}: {}", ctx.tr.field(e.field), ctx.tr.reason(e.reason)))
        .collect::<Vec<_>>()
        .join("; ");
    render_status(axum::http::StatusCode::UNPROCESSABLE_ENTITY, &show_page(state, ctx, id, Some(message)).await?)
}

#[derive(Deserialize)]
struct ActualInput {
    #[serde(default)]
    version: String,
    quarter: String,
    #[serde(default)]
    value: String,
}

async fn set_actual(
    State(state): State<AppState>,
    Path(id): Path<IndicatorId>,
    CsrfForm(ctx, input): CsrfForm<ActualInput>,
) -> Result<Response, AppError> {
    let measure_id = state.store().indicator(id).await?.measure_id;
    let version = parse_version(&input.version)?;
    match state.app().indicator_actual_set(&ctx.actor(), id, version, &input.quarter, &input.value).await {
        Ok(_) => Ok(redirect_with_flash(&ctx, &format!("/plan/measures/{measure_id}#indicators"), "flash-saved")),
        Err(accord_app::Error::Invalid(invalid)) => invalid_on_measure_page(&state, &ctx, measure_id, &invalid).await,
        Err(other) => Err(other.into()),
    }
}
