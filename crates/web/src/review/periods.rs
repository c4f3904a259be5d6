//! Reporting periods: the list of the plan's quarters with who is late, a quarter's reports,
//! the period's transitions, and the outbox of reminders.

use super::{organisation_names, parse_quarter, period_or_default, plan_period, saved, state_label, today};
use crate::AppState;
use crate::ctx::{CsrfForm, Ctx};
use crate::error::AppError;
use crate::layout::{Chrome, render};
use accord_app::review::input::PeriodInput;
use accord_domain::directory::{Action, Role};
use accord_domain::quarter::Quarter;
use accord_domain::review::{ReportState, ReportingPeriod};
use accord_domain::{MeasureId, OrganisationId};
use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::response::Response;
use axum::routing::get;
use std::collections::BTreeMap;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/review", get(index))
        .route("/review/outbox", get(outbox))
        .route("/review/{quarter}", get(quarter_page).post(period_action))
}

pub struct PeriodRow {
    pub quarter: String,
    pub state: String,
    pub state_code: String,
    pub meeting: String,
    pub deadline: String,
    pub overdue: usize,
    pub stored: bool,
}

pub struct OverdueRow {
    pub quarter: String,
    pub organisation: String,
    pub side: String,
    pub days_late: i64,
    pub measures: Vec<(String, String)>,
}

#[derive(Template)]
#[template(path = "review/index.html")]
struct IndexPage {
    chrome: Chrome,
    periods: Vec<PeriodRow>,
    overdue: Vec<OverdueRow>,
    can_manage: bool,
}

async fn overdue_rows(
    state: &AppState,
    ctx: &Ctx,
    quarter: Quarter,
    names: &BTreeMap<OrganisationId, String>,
) -> Result<Vec<OverdueRow>, AppError> {
    let store = state.store();
    let plan = store.review_period_plan(quarter).await?;
    let numbers: BTreeMap<MeasureId, String> =
        store.measures_of_plan(plan).await?.into_iter().map(|m| (m.id, m.data.number.to_string())).collect();
    Ok(store
        .review_overdue(quarter, today())
        .await?
        .into_iter()
        .map(|o| OverdueRow {
            quarter: quarter.to_string(),
            organisation: names.get(&o.organisation).cloned().unwrap_or_default(),
            side: ctx.tr.side(o.side),
            days_late: o.days_late,
            measures: o
                .measures
                .iter()
                .map(|(m, reason)| (numbers.get(m).cloned().unwrap_or_default(), state_label(ctx, reason.label_key())))
                .collect(),
        })
        .collect())
}

async fn index(State(state): State<AppState>, ctx: Ctx) -> Result<Response, AppError> {
    ctx.require(Action::Read)?;
    let store = state.store();
    let (_, plan) = plan_period(store).await?;
    let names = organisation_names(store, ctx.tr.is_en()).await?;
    let mut periods = Vec::new();
    let mut overdue = Vec::new();
    for quarter in plan.quarters() {
        let (p, version) = period_or_default(&state, &plan, quarter).await?;
        let stored = version > 0;
        let late = if stored { overdue_rows(&state, &ctx, quarter, &names).await? } else { Vec::new() };
        periods.push(PeriodRow {
            quarter: quarter.to_string(),
            state: if stored { state_label(&ctx, p.state.label_key()) } else { ctx.tr.t("review-period-not-opened") },
            state_code: if stored { format!("{:?}", p.state).to_lowercase() } else { "none".into() },
            meeting: ctx.tr.day(p.meeting_date),
            deadline: ctx.tr.day(p.submission_deadline),
            overdue: late.len(),
            stored,
        });
        // Coordinators see who is late; executors see only their own organisation.
        let mine = |row: &OverdueRow| match ctx.user.role {
            Role::Executor { organisation, .. } => names.get(&organisation) == Some(&row.organisation),
            _ => true,
        };
        overdue.extend(late.into_iter().filter(mine));
    }
    let chrome = Chrome::new(&ctx, state.is_demo(), "review", ctx.tr.t("review-title"));
    render(&IndexPage { chrome, periods, overdue, can_manage: ctx.can(Action::ManageReview) })
}

pub struct ReportRow {
    pub number: String,
    pub title: String,
    pub organisation: String,
    pub href: String,
    pub state: String,
    pub state_code: String,
    pub percent: String,
    pub accepted: bool,
    pub mine: bool,
}

#[derive(Template)]
#[template(path = "review/quarter.html")]
struct QuarterPage {
    chrome: Chrome,
    quarter: String,
    period: ReportingPeriod,
    stored: bool,
    /// The period's version, for its reschedule form.
    version: i64,
    state: String,
    rows: Vec<ReportRow>,
    overdue: Vec<OverdueRow>,
    can_manage: bool,
    accepted_count: usize,
    average_accepted: String,
}

async fn quarter_page(State(state): State<AppState>, ctx: Ctx, Path(raw): Path<String>) -> Result<Response, AppError> {
    ctx.require(Action::Read)?;
    let store = state.store();
    let (plan, quarter) = parse_quarter(store, &raw).await?;
    let (_, plan_period) = plan_period(store).await?;
    let (period, version) = period_or_default(&state, &plan_period, quarter).await?;
    let stored = version > 0;
    let names = organisation_names(store, ctx.tr.is_en()).await?;
    let reports: BTreeMap<(MeasureId, OrganisationId), accord_domain::review::Report> = store
        .review_reports(quarter)
        .await?
        .into_iter()
        .map(|r| ((r.report.measure, r.report.organisation), r.report))
        .collect();
    let mut rows = Vec::new();
    for m in store.measures_of_plan(plan.id).await? {
        if m.data.status.is_closed() {
            continue;
        }
        for e in &m.data.executors {
            let report = reports.get(&(m.id, e.organisation));
            let (state_text, code, percent, accepted) = match report {
                Some(r) => (
                    state_label(&ctx, r.state.label_key()),
                    format!("{:?}", r.state).to_lowercase(),
                    format!("{} %", r.content.percent),
                    r.state == ReportState::Accepted,
                ),
                None => (ctx.tr.t("review-report-missing"), "missing".into(), "—".into(), false),
            };
            rows.push(ReportRow {
                number: m.data.number.to_string(),
                title: m.data.title(ctx.tr.is_en()).to_string(),
                organisation: names.get(&e.organisation).cloned().unwrap_or_default(),
                href: format!("/review/{quarter}/report/{}/{}", m.id, e.organisation),
                state: state_text,
                state_code: code,
                percent,
                accepted,
                mine: ctx.user.role.organisation() == Some(e.organisation),
            });
        }
    }
    let figures = accord_domain::review::accepted_figures(&reports.values().cloned().collect::<Vec<_>>());
    let accepted_count = figures.accepted.len();
    let average_accepted = if accepted_count == 0 {
        "—".into()
    } else {
        let sum: u32 = figures.accepted.iter().map(|f| u32::from(f.percent)).sum();
        format!("{} %", sum / accepted_count as u32)
    };
    let overdue = if stored { overdue_rows(&state, &ctx, quarter, &names).await? } else { Vec::new() };
    let chrome = Chrome::new(
        &ctx,
        state.is_demo(),
        "review",
        ctx.tr.ta("review-quarter-title", &[("quarter", quarter.to_string())]),
    )
    .crumb("review-title", "/review");
    render(&QuarterPage {
        state: if stored { state_label(&ctx, period.state.label_key()) } else { ctx.tr.t("review-period-not-opened") },
        chrome,
        quarter: quarter.to_string(),
        period,
        stored,
        version,
        rows,
        overdue,
        can_manage: ctx.can(Action::ManageReview),
        accepted_count,
        average_accepted,
    })
}

/// The period form's buttons: open, start the review, close, reopen (with a reason), move the
/// meeting (with its date, a deadline and the period's version).
async fn period_action(
    State(state): State<AppState>,
    Path(raw): Path<String>,
    CsrfForm(ctx, form): CsrfForm<PeriodInput>,
) -> Result<Response, AppError> {
    let (_, quarter) = parse_quarter(state.store(), &raw).await?;
    period_act(&state, &ctx.actor(), quarter, &form).await?;
    Ok(saved(&ctx, &format!("/review/{quarter}")))
}

/// Performs a period action for the page and the API alike.
pub(super) async fn period_act(
    state: &AppState,
    actor: &accord_app::Actor,
    quarter: Quarter,
    input: &PeriodInput,
) -> Result<ReportingPeriod, AppError> {
    let app = state.app();
    Ok(match input.action.trim() {
        "open" => app.period_open(actor, quarter).await?,
        "start-review" => app.period_start_review(actor, quarter).await?,
        "close" => app.period_close(actor, quarter).await?,
        "reopen" => app.period_reopen(actor, quarter, input.reason()).await?,
        "reschedule" => {
            let version = accord_app::review::input::version(&input.version)?;
            app.period_reschedule(actor, quarter, version, input.meeting_date()?, input.deadline()?).await?
        }
        _ => return Err(AppError::BadRequest("error-bad-form")),
    })
}

#[derive(Template)]
#[template(path = "review/outbox.html")]
struct OutboxPage {
    chrome: Chrome,
    files: Vec<(String, String)>,
}

async fn outbox(State(state): State<AppState>, ctx: Ctx) -> Result<Response, AppError> {
    ctx.require(Action::ManageReview)?;
    let mut files = Vec::new();
    if let Some(dir) = accord_app::review::reminders::outbox_dir(state.store())
        && let Ok(entries) = std::fs::read_dir(&dir)
    {
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            if name.ends_with(".eml") {
                let text = std::fs::read_to_string(entry.path()).unwrap_or_default();
                let subject = text.lines().find_map(|l| l.strip_prefix("To: ")).unwrap_or_default().to_string();
                files.push((name, subject));
            }
        }
    }
    files.sort();
    let chrome =
        Chrome::new(&ctx, state.is_demo(), "review", ctx.tr.t("review-outbox-title")).crumb("review-title", "/review");
    render(&OutboxPage { chrome, files })
}
