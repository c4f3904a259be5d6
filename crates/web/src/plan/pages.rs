//! Plan pages: overview, measures table and tree, measure page, forms, import, export.

use super::transfer::{ImportError, ImportOptions, export_file, import_plan, read_table, template_xlsx};
use super::{
    ExecutorRef, MeasureChange, create_measure, delete_measure, resolve_executors, resolve_plan, update_measure,
};
use crate::AppState;
use crate::ctx::{CsrfForm, Ctx, constant_time_eq};
use crate::directory::parse_version;
use crate::error::AppError;
use crate::layout::{Chrome, FormErrors, ListLinks, redirect_with_flash, render, render_status};
use accord_domain::audit::AuditEntry;
use accord_domain::directory::{Action, Organisation};
use accord_domain::plan::indicator::{IndicatorForm, parse_decimal};
use accord_domain::plan::summary::{PlanSummary, summarise};
use accord_domain::plan::{Indicator, Measure, MeasureForm, Plan, Section, Status};
use accord_domain::{IndicatorId, MeasureId, OrganisationId, Quarter, Side};
use accord_report::charts::{Bar, actuals_vs_target, percent_bars};
use accord_store::{MeasureFilter, MeasureSort, Paging};
use askama::Template;
use axum::Router;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use chrono::{Datelike, Utc};
use rust_decimal::prelude::ToPrimitive;
use serde::Deserialize;
use std::collections::HashMap;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/plan", get(overview))
        .route("/plan/measures", get(list).post(create))
        .route("/plan/measures/export", get(export))
        .route("/plan/measures/new", get(new_form))
        .route("/plan/tree", get(tree))
        .route("/plan/measures/{id}", get(show).post(update))
        .route("/plan/measures/{id}/edit", get(edit_form))
        .route("/plan/measures/{id}/progress", post(report_progress))
        .route("/plan/measures/{id}/delete", get(confirm_delete).post(delete))
        .route("/plan/measures/{id}/indicators", post(add_indicator))
        .route("/plan/indicators/{id}/actual", post(set_actual))
        .route("/plan/import", get(import_form))
        .route("/plan/template.xlsx", get(template))
}

/// Today in the user's side's time zone: what "overdue" is measured against.
fn today(ctx: &Ctx) -> chrono::NaiveDate {
    Utc::now().with_timezone(&crate::layout::user_tz(&ctx.user)).date_naive()
}

/// Names of the directory's organisations, by id, in the reader's language.
struct Names {
    short: HashMap<OrganisationId, String>,
    code: HashMap<OrganisationId, String>,
}

impl Names {
    async fn load(state: &AppState, english: bool) -> Result<(Names, Vec<Organisation>), AppError> {
        let orgs = state.store().organisation_all().await?;
        let names = Names {
            short: orgs.iter().map(|o| (o.id, o.data.short_name(english).to_string())).collect(),
            code: orgs.iter().map(|o| (o.id, o.data.code.to_string())).collect(),
        };
        Ok((names, orgs))
    }
    fn of(&self, measure: &Measure, side: Side) -> String {
        let mut list: Vec<_> = measure.data.executors_of(side).collect();
        list.sort_by_key(|e| !e.lead);
        list.iter().filter_map(|e| self.short.get(&e.organisation).cloned()).collect::<Vec<_>>().join(", ")
    }
    fn codes(&self, measure: &Measure, side: Side) -> String {
        let mut list: Vec<_> = measure.data.executors_of(side).collect();
        list.sort_by_key(|e| !e.lead);
        list.iter().filter_map(|e| self.code.get(&e.organisation).cloned()).collect::<Vec<_>>().join(", ")
    }
}

fn section_name(sections: &[Section], code: &str, english: bool) -> String {
    sections.iter().find(|s| s.code == code).map_or_else(|| code.to_string(), |s| s.name(english).to_string())
}

// ---------------------------------------------------------------------------------------------
// Overview

/// A measure as a short list shows it.
struct Line {
    id: MeasureId,
    number: String,
    title: String,
    term: String,
    status: Status,
    percent: f64,
}

#[derive(Template)]
#[template(path = "plan/overview.html")]
struct OverviewPage {
    chrome: Chrome,
    plan: Plan,
    summary: PlanSummary,
    sections_chart: String,
    sides_chart: String,
    overdue: Vec<Line>,
    due: Vec<Line>,
    youth_and_memory: Vec<Line>,
    unparsed: Vec<Line>,
    can_create: bool,
}

#[derive(Deserialize, Default)]
struct PlanQuery {
    plan: Option<String>,
}

async fn overview(State(state): State<AppState>, ctx: Ctx, Query(q): Query<PlanQuery>) -> Result<Response, AppError> {
    ctx.require(Action::Read)?;
    let en = ctx.tr.is_en();
    let plan = match resolve_plan(state.store(), q.plan.as_deref()).await {
        Ok(plan) => plan,
        Err(AppError::NotFound) => return render(&NoPlanPage::new(&state, &ctx)),
        Err(e) => return Err(e),
    };
    let measures = state.store().measures_of_plan(plan.id).await?;
    let sections = state.store().sections().await?;
    let summary = summarise(&plan, &measures, today(&ctx));
    let tr = ctx.tr;
    let pct = |p: f64| format!("{}%", tr.int(p.round() as i64));
    let sections_chart = percent_bars(
        &tr.t("plan-progress-by-section"),
        &summary
            .by_section
            .iter()
            .map(|(code, count, p)| Bar {
                label: format!("{} ({count})", section_name(&sections, code, en)),
                percent: *p,
                caption: pct(*p),
            })
            .collect::<Vec<_>>(),
    );
    let sides_chart = percent_bars(
        &tr.t("plan-progress-by-side"),
        &summary
            .by_side
            .iter()
            .map(|(side, count, p)| Bar {
                label: format!("{} ({count})", tr.side(side)),
                percent: *p,
                caption: pct(*p),
            })
            .collect::<Vec<_>>(),
    );
    let line = |m: &Measure| Line {
        id: m.id,
        number: m.data.number.to_string(),
        title: m.data.title(en).to_string(),
        term: m.data.term.raw.clone(),
        status: m.data.status,
        percent: summary.percent.get(&m.id).copied().unwrap_or(0.0),
    };
    let pick = |ids: &[MeasureId]| measures.iter().filter(|m| ids.contains(&m.id)).map(line).collect::<Vec<_>>();
    let youth_and_memory = measures
        .iter()
        .filter(|m| {
            matches!(m.data.section.as_str(), "youth" | "culture")
                || m.data.tags.iter().any(|t| t.contains("молод") || t.contains("памят") || t.contains("побед"))
        })
        .map(line)
        .collect();
    let chrome = Chrome::new(&ctx, state.is_demo(), "plan", plan.title(en).to_string()).crumb_text(tr.t("nav-plan"));
    render(&OverviewPage {
        overdue: pick(&summary.overdue),
        due: pick(&summary.due_this_quarter),
        unparsed: pick(&summary.unparsed_terms),
        youth_and_memory,
        sections_chart,
        sides_chart,
        can_create: ctx.can(Action::CreateMeasure),
        chrome,
        plan,
        summary,
    })
}

#[derive(Template)]
#[template(path = "plan/no_plan.html")]
struct NoPlanPage {
    chrome: Chrome,
    can_import: bool,
}

impl NoPlanPage {
    fn new(state: &AppState, ctx: &Ctx) -> Self {
        NoPlanPage {
            chrome: Chrome::new(ctx, state.is_demo(), "plan", ctx.tr.t("nav-plan")).crumb_text(ctx.tr.t("nav-plan")),
            can_import: ctx.can(Action::CreateMeasure),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Measures table

#[derive(Deserialize, Default, Clone, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MeasureQuery {
    /// Plan code; the first plan when absent.
    pub plan: Option<String>,
    /// Full-text search (Russian case-insensitive, executors' names included).
    pub q: Option<String>,
    /// Section code: trade, industry, agriculture, science, youth, culture, social, other.
    pub dimension: Option<String>,
    /// BY or KHV: measures that side takes part in.
    pub side: Option<String>,
    /// Organisation code of an executor.
    pub executor: Option<String>,
    pub status: Option<String>,
    pub tag: Option<String>,
    /// A quarter such as 2026Q3: measures due within it.
    pub due: Option<String>,
    /// 1 or true: only overdue measures.
    pub overdue: Option<String>,
    /// number, term or status.
    pub sort: Option<String>,
    /// asc or desc.
    pub dir: Option<String>,
    pub page: Option<i64>,
    pub per_page: Option<i64>,
}

impl MeasureQuery {
    pub async fn filter(&self, state: &AppState, today: chrono::NaiveDate) -> Result<MeasureFilter, AppError> {
        let executor = match self.executor.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            Some(code) => Some(
                state
                    .store()
                    .organisation_by_code(code)
                    .await
                    .map(|o| o.id)
                    .unwrap_or(OrganisationId(uuid::Uuid::nil())),
            ),
            None => None,
        };
        let clean = |v: &Option<String>| v.clone().map(|s| s.trim().to_string()).filter(|s| !s.is_empty());
        Ok(MeasureFilter {
            query: clean(&self.q),
            section: clean(&self.dimension),
            side: self.side.as_deref().and_then(|s| s.parse().ok()),
            executor,
            status: self.status.as_deref().and_then(|s| s.parse().ok()),
            tag: clean(&self.tag),
            due: self.due.as_deref().and_then(|s| s.parse::<Quarter>().ok()),
            overdue: matches!(self.overdue.as_deref(), Some("1" | "true" | "on")),
            today: Some(today),
            sort: self.sort.as_deref().and_then(MeasureSort::parse).unwrap_or_default(),
            descending: self.dir.as_deref() == Some("desc"),
        })
    }

    fn pairs(&self) -> Vec<(String, String)> {
        [
            ("plan", &self.plan),
            ("q", &self.q),
            ("dimension", &self.dimension),
            ("side", &self.side),
            ("executor", &self.executor),
            ("status", &self.status),
            ("tag", &self.tag),
            ("due", &self.due),
            ("overdue", &self.overdue),
        ]
        .into_iter()
        .filter_map(|(k, v)| v.as_ref().filter(|v| !v.is_empty()).map(|v| (k.to_string(), v.clone())))
        .collect()
    }

    fn get<'a>(&self, value: &'a Option<String>) -> &'a str {
        value.as_deref().unwrap_or("")
    }
}

/// A row of the measures table.
struct Row {
    measure: Measure,
    /// Percent done, rolled up from sub-measures; `None` when cancelled.
    progress: Option<f64>,
    section: String,
    by: String,
    khv: String,
    overdue: bool,
}

#[derive(Template)]
#[template(path = "plan/measures.html")]
struct ListPage {
    chrome: Chrome,
    rows: Vec<Row>,
    links: ListLinks,
    query: MeasureQuery,
    sections: Vec<Section>,
    organisations: Vec<Organisation>,
    tags: Vec<(String, i64)>,
    quarters: Vec<String>,
    export_query: String,
    can_create: bool,
}

#[derive(Template)]
#[template(path = "plan/_measures_table.html")]
struct ListPartial {
    chrome: Chrome,
    rows: Vec<Row>,
    links: ListLinks,
}

async fn list(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(query): Query<MeasureQuery>,
) -> Result<Response, AppError> {
    ctx.require(Action::Read)?;
    let en = ctx.tr.is_en();
    let plan = resolve_plan(state.store(), query.plan.as_deref()).await?;
    let today = today(&ctx);
    let filter = query.filter(&state, today).await?;
    let page = state.store().measure_list(plan.id, &filter, Paging::new(query.page, query.per_page)).await?;
    let sections = state.store().sections().await?;
    let (names, organisations) = Names::load(&state, en).await?;
    let (total, pages, page_number) = (page.total, page.pages(), page.page);
    let ids: Vec<MeasureId> = page.items.iter().map(|m| m.id).collect();
    let progress = state.store().measure_progress(plan.id, &ids).await?;
    let rows = page
        .items
        .into_iter()
        .zip(progress)
        .map(|(m, progress)| Row {
            progress,
            section: section_name(&sections, &m.data.section, en),
            by: names.of(&m, Side::By),
            khv: names.of(&m, Side::Khv),
            overdue: accord_domain::plan::is_overdue(
                m.data.status,
                &m.data.term,
                today,
                plan.period_start,
                plan.period_end,
            ),
            measure: m,
        })
        .collect();
    let links = ListLinks {
        base: "/plan/measures".into(),
        filters: query.pairs(),
        sort: filter.sort.code().into(),
        descending: filter.descending,
        page: page_number,
        pages,
        total,
    };
    let chrome = Chrome::new(&ctx, state.is_demo(), "plan", ctx.tr.t("measures-title"))
        .crumb("nav-plan", "/plan")
        .crumb_text(ctx.tr.t("measures-title"));
    if ctx.htmx {
        return render(&ListPartial { chrome, rows, links });
    }
    let mut quarters = Vec::new();
    let mut q = Quarter::of_month(plan.period_start.year(), plan.period_start.month());
    while let Some(quarter) = q.filter(|q| q.year() <= plan.period_end.year()) {
        quarters.push(quarter.to_string());
        q = Some(quarter.next());
    }
    render(&ListPage {
        export_query: serde_urlencoded::to_string(query.pairs()).unwrap_or_default(),
        tags: state.store().measure_tags(plan.id).await?,
        can_create: ctx.can(Action::CreateMeasure),
        chrome,
        rows,
        links,
        query,
        sections,
        organisations,
        quarters,
    })
}

#[derive(Deserialize)]
struct ExportFormat {
    format: Option<String>,
}

async fn export(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(format): Query<ExportFormat>,
    Query(query): Query<MeasureQuery>,
) -> Result<Response, AppError> {
    ctx.require(Action::Read)?;
    let plan = resolve_plan(state.store(), query.plan.as_deref()).await?;
    let filter = query.filter(&state, today(&ctx)).await?;
    // An export holds every measure the filter selects, not one page of them.
    let all = Paging { page: 1, per_page: 1_000_000 };
    let measures = state.store().measure_list(plan.id, &filter, all).await?.items;
    let file = export_file(state.store(), &plan, &measures, format.format.as_deref().unwrap_or("xlsx")).await?;
    Ok(download(file.bytes, file.content_type, &file.file_name))
}

fn download(bytes: Vec<u8>, content_type: &'static str, file_name: &str) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type.to_string()),
            (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{file_name}\"")),
        ],
        bytes,
    )
        .into_response()
}

async fn template(ctx: Ctx) -> Result<Response, AppError> {
    ctx.require(Action::Read)?;
    Ok(download(
        template_xlsx()?,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "plan-template.xlsx",
    ))
}

// ---------------------------------------------------------------------------------------------
// Tree

struct TreeLine {
    id: MeasureId,
    number: String,
    depth: usize,
    title: String,
    status: Status,
    percent: f64,
    overdue: bool,
}

#[derive(Template)]
#[template(path = "plan/tree.html")]
struct TreePage {
    chrome: Chrome,
    groups: Vec<(String, Vec<TreeLine>)>,
}

async fn tree(State(state): State<AppState>, ctx: Ctx, Query(q): Query<PlanQuery>) -> Result<Response, AppError> {
    ctx.require(Action::Read)?;
    let en = ctx.tr.is_en();
    let plan = resolve_plan(state.store(), q.plan.as_deref()).await?;
    let measures = state.store().measures_of_plan(plan.id).await?;
    let today = today(&ctx);
    let summary = summarise(&plan, &measures, today);
    let sections = state.store().sections().await?;
    let groups = sections
        .iter()
        .filter_map(|s| {
            let lines: Vec<TreeLine> = measures
                .iter()
                .filter(|m| m.data.section == s.code)
                .map(|m| TreeLine {
                    id: m.id,
                    number: m.data.number.to_string(),
                    depth: m.data.number.depth(),
                    title: m.data.title(en).to_string(),
                    status: m.data.status,
                    percent: summary.percent.get(&m.id).copied().unwrap_or(0.0),
                    overdue: summary.overdue.contains(&m.id),
                })
                .collect();
            (!lines.is_empty()).then(|| (s.name(en).to_string(), lines))
        })
        .collect();
    let chrome = Chrome::new(&ctx, state.is_demo(), "plan", ctx.tr.t("plan-tree"))
        .crumb("nav-plan", "/plan")
        .crumb_text(ctx.tr.t("plan-tree"));
    render(&TreePage { chrome, groups })
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
    let summary = summarise(&plan, &all, today);
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
    let change = MeasureChange::Progress { status: input.status, percent: input.percent };
    match update_measure(state.store(), &ctx.user, id, version, change, input.reason).await {
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
    let plan = resolve_plan(state.store(), None).await?;
    let result = async {
        let executors =
            resolve_executors(state.store(), &executor_refs(&input.executors_by, &input.executors_khv)).await?;
        create_measure(state.store(), &ctx.user, &plan, &input.form, executors).await
    }
    .await;
    match result {
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
    let d = &m.data;
    let form = MeasureForm {
        number: d.number.to_string(),
        section: d.section.clone(),
        title_ru: d.title_ru.clone(),
        title_en: d.title_en.clone(),
        description: d.description.clone(),
        expected_result: d.expected_result.clone(),
        term: d.term.raw.clone(),
        status: Some(d.status.code().into()),
        percent: Some(d.percent.to_string()),
        weight: Some(d.weight.to_string()),
        tags: Some(d.tags.join(", ")),
        note: d.note.clone(),
    };
    let executors = (names.codes(&m, Side::By), names.codes(&m, Side::Khv));
    render(&FormPage::new(&state, &ctx, form, executors, FormErrors::default(), Some((id, m.version))).await?)
}

async fn update(
    State(state): State<AppState>,
    Path(id): Path<MeasureId>,
    CsrfForm(ctx, input): CsrfForm<MeasureInput>,
) -> Result<Response, AppError> {
    let version = parse_version(&input.version)?;
    let result = async {
        let executors =
            resolve_executors(state.store(), &executor_refs(&input.executors_by, &input.executors_khv)).await?;
        let change = MeasureChange::Full { form: Box::new(input.form.clone()), executors };
        update_measure(state.store(), &ctx.user, id, version, change, input.reason.clone()).await
    }
    .await;
    match result {
        Ok(edited) => {
            let flash = match edited {
                super::Edited::Applied(_) => "flash-saved",
                super::Edited::Proposed(_) => "flash-amendment-proposed",
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
    match delete_measure(state.store(), &ctx.user, id, version, input.reason).await {
        Ok(()) => Ok(redirect_with_flash(&ctx, "/plan/measures", "flash-deleted")),
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
    let m = state.store().measure(id).await?;
    ctx.require(Action::EditMeasure { executors: &m.data.executors })?;
    match form.validate() {
        Ok(data) => {
            state.store().indicator_create(ctx.author(), id, &data).await?;
            Ok(redirect_with_flash(&ctx, &format!("/plan/measures/{id}#indicators"), "flash-saved"))
        }
        Err(invalid) => invalid_on_measure_page(&state, &ctx, id, &invalid).await,
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
    quarter: String,
    #[serde(default)]
    value: String,
}

/// Records an indicator's actual for a quarter; reporters of the measure may do it.
pub async fn set_indicator_actual(
    state: &AppState,
    user: &accord_domain::directory::UserAccount,
    id: IndicatorId,
    quarter: &str,
    value: &str,
) -> Result<Indicator, AppError> {
    let indicator = state.store().indicator(id).await?;
    let m = state.store().measure(indicator.measure_id).await?;
    accord_domain::directory::authorize(&user.role, Action::ReportOnMeasure { executors: &m.data.executors })?;
    let quarter: Quarter = quarter.parse().map_err(|_| {
        accord_domain::validation::Invalid::one("quarter", accord_domain::validation::Reason::UnknownValue)
    })?;
    let value = match value.trim() {
        "" => None,
        raw => Some(parse_decimal(raw).ok_or_else(|| {
            accord_domain::validation::Invalid::one("value", accord_domain::validation::Reason::UnknownValue)
        })?),
    };
    state.store().indicator_set_actual(accord_store::Author::user(user.login.as_str()), id, quarter, value).await?;
    Ok(state.store().indicator(id).await?)
}

async fn set_actual(
    State(state): State<AppState>,
    Path(id): Path<IndicatorId>,
    CsrfForm(ctx, input): CsrfForm<ActualInput>,
) -> Result<Response, AppError> {
    let measure_id = state.store().indicator(id).await?.measure_id;
    match set_indicator_actual(&state, &ctx.user, id, &input.quarter, &input.value).await {
        Ok(_) => Ok(redirect_with_flash(&ctx, &format!("/plan/measures/{measure_id}#indicators"), "flash-saved")),
        Err(AppError::Invalid(invalid)) => invalid_on_measure_page(&state, &ctx, measure_id, &invalid).await,
        Err(other) => Err(other),
    }
}

// ---------------------------------------------------------------------------------------------
// Import

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
                let bytes = field.bytes().await.map_err(|_| AppError::BadRequest("error-bad-form"))?;
                file = Some((file_name, bytes.to_vec()));
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
    let outcome = match read_table(&file_name, &bytes) {
        Ok(table) => import_plan(state.store(), ctx.author(), &table, &options).await,
        Err(e) => Err(e),
    };
    match outcome {
        Ok(report) => {
            let key = if report.dry_run { "import-dry-run-ok" } else { "import-done" };
            let message = ctx.tr.ta(
                key,
                &[
                    ("measures", report.measures.to_string()),
                    ("created", report.counts.created.to_string()),
                    ("updated", report.counts.updated.to_string()),
                    ("unchanged", report.counts.unchanged.to_string()),
                    ("orgs", report.created_organisations.len().to_string()),
                    ("plan", report.plan_code.clone()),
                ],
            );
            render(&import_page(&state, &ctx, Vec::new(), Some(message)).await?)
        }
        Err(ImportError::Problems(problems)) => {
            let lines = problems.iter().map(|p| ctx.tr.problem(p)).collect();
            render_status(axum::http::StatusCode::UNPROCESSABLE_ENTITY, &import_page(&state, &ctx, lines, None).await?)
        }
        Err(ImportError::App(e)) => Err(e),
    }
}
