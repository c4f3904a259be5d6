//! Plan pages: overview, measures table and tree, export; the measure page and its forms are in
//! `measure`, the import in `import`.

use super::resolve_plan;
use crate::AppState;
use crate::ctx::Ctx;
use crate::error::AppError;
use crate::layout::{Chrome, ListLinks, render};
use accord_app::plan::template_xlsx;
use accord_domain::directory::{Action, Organisation};
use accord_domain::plan::summary::{PlanSummary, summarise};
use accord_domain::plan::{Measure, Plan, Section, Status};
use accord_domain::{MeasureId, OrganisationId, Quarter, Side};
use accord_report::charts::{Bar, percent_bars};
use accord_store::Paging;
use askama::Template;
use axum::Router;
use axum::extract::{Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use chrono::{Datelike, Utc};
use serde::Deserialize;
use std::collections::HashMap;

pub use super::query::MeasureQuery;
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/plan", get(overview))
        .route("/plan/measures", get(list))
        .route("/plan/measures/export", get(export))
        .route("/plan/tree", get(tree))
        .route("/plan/template.xlsx", get(template))
}

/// Today in the user's side's time zone: what "overdue" is measured against.
pub(super) fn today(ctx: &Ctx) -> chrono::NaiveDate {
    Utc::now().with_timezone(&crate::layout::user_tz(&ctx.user)).date_naive()
}

/// Names of the directory's organisations, by id, in the reader's language.
pub(super) struct Names {
    short: HashMap<OrganisationId, String>,
    code: HashMap<OrganisationId, String>,
}

impl Names {
    pub(super) async fn load(state: &AppState, english: bool) -> Result<(Names, Vec<Organisation>), AppError> {
        let orgs = state.store().organisation_all().await?;
        let names = Names {
            short: orgs.iter().map(|o| (o.id, o.data.short_name(english).to_string())).collect(),
            code: orgs.iter().map(|o| (o.id, o.data.code.to_string())).collect(),
        };
        Ok((names, orgs))
    }
    pub(super) fn of(&self, measure: &Measure, side: Side) -> String {
        let mut list: Vec<_> = measure.data.executors_of(side).collect();
        list.sort_by_key(|e| !e.lead);
        list.iter().filter_map(|e| self.short.get(&e.organisation).cloned()).collect::<Vec<_>>().join(", ")
    }
    pub(super) fn codes(&self, measure: &Measure, side: Side) -> String {
        let mut list: Vec<_> = measure.data.executors_of(side).collect();
        list.sort_by_key(|e| !e.lead);
        list.iter().filter_map(|e| self.code.get(&e.organisation).cloned()).collect::<Vec<_>>().join(", ")
    }
}

pub(super) fn section_name(sections: &[Section], code: &str, english: bool) -> String {
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
    let summary = summarise(&plan, &measures, today(&ctx), &state.store().review_handed_in().await?);
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
    let handed_in = state.store().review_handed_in().await?;
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
                m.id,
                m.data.status,
                &m.data.term,
                today,
                plan.period_start,
                plan.period_end,
                &handed_in,
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
    let file = state.app().plan_export(&plan, &measures, format.format.as_deref().unwrap_or("xlsx")).await?;
    Ok(download(file.bytes, file.content_type, &file.file_name))
}

pub(super) fn download(bytes: Vec<u8>, content_type: &'static str, file_name: &str) -> Response {
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
    let summary = summarise(&plan, &measures, today, &state.store().review_handed_in().await?);
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
