//! Review pages: periods, a quarter's reports, the report form and its workflow, snapshot
//! comparison, the meeting with its agenda, the review session, the decisions register and
//! the outbox of reminders.

use super::{actor, fluent_id, local_text, organisation_names, parse_quarter, period_or_default, plan_period};
use crate::AppState;
use crate::ctx::{CsrfForm, Ctx};
use crate::error::AppError;
use crate::layout::{Chrome, render};
use accord_domain::directory::{Action, Role};
use accord_domain::plan::Status;
use accord_domain::quarter::Quarter;
use accord_domain::review::{
    AgendaItem, AgendaItemKind, Attendance, ControlStatus, DecisionRecord, IndicatorActual, MinutesContent,
    MinutesItem, ProtocolRef, ReportChange, ReportContent, ReportState, ReportingPeriod, SnapshotComparison,
    WorkingHours, propose_slots, schedule,
};
use accord_domain::{DecisionId, MeasureId, OrganisationId, Side};
use accord_store::{PeriodStep, ReportStep};
use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use chrono::{NaiveDate, NaiveDateTime, TimeDelta, Utc};
use serde::Deserialize;
use std::collections::BTreeMap;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/review", get(index))
        .route("/review/compare", get(compare))
        .route("/review/decisions", get(decisions).post(decision_control))
        .route("/review/outbox", get(outbox))
        .route("/review/{quarter}", get(quarter_page).post(period_action))
        .route("/review/{quarter}/report/{measure}/{organisation}", get(report_form).post(report_action))
        .route("/review/{quarter}/meeting", get(meeting_page).post(meeting_action))
        .route("/review/{quarter}/meeting.ics", get(meeting_ics))
        .route("/review/{quarter}/session", get(session_page).post(session_action))
}

fn today() -> NaiveDate {
    Utc::now().date_naive()
}

fn state_label(ctx: &Ctx, key: &str) -> String {
    ctx.tr.t(&fluent_id(key))
}

// ---------------------------------------------------------------------------------------------
// Periods

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
        let (p, stored) = period_or_default(store, &plan, quarter).await?;
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
    let (period, stored) = period_or_default(store, &plan_period, quarter).await?;
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
        rows,
        overdue,
        can_manage: ctx.can(Action::ManageReview),
        accepted_count,
        average_accepted,
    })
}

#[derive(Deserialize)]
struct PeriodForm {
    action: String,
    #[serde(default)]
    reason: String,
}

async fn period_action(
    State(state): State<AppState>,
    Path(raw): Path<String>,
    CsrfForm(ctx, form): CsrfForm<PeriodForm>,
) -> Result<Response, AppError> {
    ctx.require(Action::ManageReview)?;
    let store = state.store();
    let (plan, quarter) = parse_quarter(store, &raw).await?;
    store.review_period_ensure(ctx.author(), plan.id, quarter, None).await?;
    let step = match form.action.as_str() {
        "open" => None,
        "start-review" => Some(PeriodStep::StartReview),
        "close" => Some(PeriodStep::Close),
        "reopen" => Some(PeriodStep::Reopen { reason: form.reason }),
        _ => return Err(AppError::BadRequest("error-bad-form")),
    };
    if let Some(step) = step {
        store.review_period_step(ctx.author(), &actor(&ctx.user), quarter, step).await?;
    }
    Ok(crate::layout::redirect_with_flash(&ctx, &format!("/review/{quarter}"), "flash-saved"))
}

// ---------------------------------------------------------------------------------------------
// Reports

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
    let report = store.review_report(quarter, organisation, measure).await?;
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
    let (period, _) = period_or_default(store, &plan_period, quarter).await?;
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

/// The report form's fields; `actual_<indicator id>` fields carry the indicator values.
#[derive(Debug, Default, Deserialize)]
pub struct ReportForm {
    pub action: String,
    #[serde(default)]
    pub status: String,
    #[serde(default)]
    pub percent: String,
    #[serde(default)]
    pub done: String,
    #[serde(default)]
    pub problems: String,
    #[serde(default)]
    pub help_needed: String,
    #[serde(default)]
    pub comment: String,
    #[serde(flatten)]
    pub rest: BTreeMap<String, String>,
}

impl ReportForm {
    /// The content the form describes; a field that does not parse is named.
    pub fn content(&self) -> Result<ReportContent, AppError> {
        use accord_domain::validation::{Invalid, Reason};
        let status = Status::ALL
            .into_iter()
            .find(|s| s.code() == self.status.trim())
            .ok_or_else(|| Invalid::one("status", Reason::UnknownValue))?;
        let percent: u8 = match self.percent.trim() {
            "" => 0,
            p => p.parse().ok().filter(|p| *p <= 100).ok_or_else(|| Invalid::one("percent", Reason::UnknownValue))?,
        };
        let mut actuals = Vec::new();
        for (key, value) in &self.rest {
            let Some(id) = key.strip_prefix("actual_") else { continue };
            if value.trim().is_empty() {
                continue;
            }
            let indicator = id.parse().map_err(|_| Invalid::one("actuals", Reason::UnknownValue))?;
            let value = accord_domain::plan::indicator::parse_decimal(value)
                .ok_or_else(|| Invalid::one("actuals", Reason::UnknownValue))?;
            actuals.push(IndicatorActual { indicator, value });
        }
        Ok(ReportContent {
            status,
            percent,
            actuals,
            done: self.done.trim().to_string(),
            problems: self.problems.trim().to_string(),
            help_needed: self.help_needed.trim().to_string(),
            attachments: Vec::new(),
        })
    }

    /// The workflow steps the pressed button asks for.
    pub fn steps(&self) -> Result<Vec<ReportStep>, AppError> {
        Ok(match self.action.as_str() {
            "save" => vec![ReportStep::Edit(self.content()?)],
            "submit" => vec![ReportStep::Edit(self.content()?), ReportStep::Submit],
            "return" => vec![ReportStep::Return { comment: self.comment.clone() }],
            "accept" => vec![ReportStep::Accept],
            _ => return Err(AppError::BadRequest("error-bad-form")),
        })
    }
}

async fn report_action(
    State(state): State<AppState>,
    Path((raw, measure, organisation)): Path<(String, MeasureId, OrganisationId)>,
    CsrfForm(ctx, form): CsrfForm<ReportForm>,
) -> Result<Response, AppError> {
    let store = state.store();
    let (plan, quarter) = parse_quarter(store, &raw).await?;
    let measure_row = store.measure(measure).await?;
    let side = measure_row.data.executors.iter().find(|e| e.organisation == organisation).map(|e| e.side);
    match form.action.as_str() {
        "return" | "accept" => ctx.require(Action::ReviewReports { side: side.ok_or(AppError::NotFound)? })?,
        _ => ctx.require(Action::FileReport { organisation })?,
    }
    let result = async {
        let steps = form.steps()?;
        store.review_period_ensure(ctx.author(), plan.id, quarter, None).await?;
        store.review_report_act(ctx.author(), &actor(&ctx.user), quarter, organisation, measure, &steps).await?;
        Ok::<(), AppError>(())
    }
    .await;
    match result {
        Ok(()) => Ok(crate::layout::redirect_with_flash(
            &ctx,
            &format!("/review/{quarter}/report/{measure}/{organisation}"),
            "flash-saved",
        )),
        Err(e) => {
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

// ---------------------------------------------------------------------------------------------
// Snapshot comparison

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

// ---------------------------------------------------------------------------------------------
// Meeting and agenda

pub struct AgendaRow {
    pub id: String,
    pub title: String,
    pub lines: Vec<String>,
}

pub struct SlotRow {
    pub value: String,
    pub minsk: String,
    pub khabarovsk: String,
}

#[derive(Template)]
#[template(path = "review/meeting.html")]
struct MeetingPage {
    chrome: Chrome,
    quarter: String,
    has_meeting: bool,
    minsk: String,
    khabarovsk: String,
    duration: u32,
    participants: Vec<(String, String, String, String)>,
    warnings: Vec<String>,
    slots: Vec<SlotRow>,
    agenda: Vec<AgendaRow>,
    can_manage: bool,
    editable: bool,
}

/// Each agenda item as a heading and its lines, in the reader's language.
async fn agenda_rows(state: &AppState, ctx: &Ctx, items: &[AgendaItem]) -> Result<Vec<AgendaRow>, AppError> {
    let store = state.store();
    let (plan, _) = plan_period(store).await?;
    let numbers: BTreeMap<MeasureId, String> = store
        .measures_of_plan(plan.id)
        .await?
        .into_iter()
        .map(|m| (m.id, format!("{} {}", m.data.number, m.data.title(ctx.tr.is_en()))))
        .collect();
    let sections: BTreeMap<String, String> = store
        .sections()
        .await?
        .into_iter()
        .map(|s| {
            let name = if ctx.tr.is_en() { s.name_en.clone() } else { s.name_ru.clone() };
            (s.code.clone(), name)
        })
        .collect();
    let measure_lines = |ids: &[MeasureId]| ids.iter().filter_map(|m| numbers.get(m).cloned()).collect::<Vec<_>>();
    Ok(items
        .iter()
        .map(|item| {
            let mut title = ctx.tr.t(&fluent_id(item.kind.label_key()));
            let lines = match &item.kind {
                AgendaItemKind::Decisions { lines } => lines
                    .iter()
                    .map(|l| {
                        format!(
                            "{} — {} [{}]{}",
                            l.reference.format(ctx.tr.locale),
                            l.text,
                            ctx.tr.t(&fluent_id(l.control.label_key())),
                            if l.overdue { format!(" ⚠ {}", ctx.tr.t("review-overdue")) } else { String::new() }
                        )
                    })
                    .collect(),
                AgendaItemKind::OverdueMeasures { measures } => measure_lines(measures),
                AgendaItemKind::DueNextQuarter { quarter, measures } => {
                    title = format!("{title} ({quarter})");
                    measure_lines(measures)
                }
                AgendaItemKind::ProgressByDimension { rows } => rows
                    .iter()
                    .map(|r| {
                        format!(
                            "{}: {:.0} % ({})",
                            sections.get(&r.dimension).cloned().unwrap_or_else(|| r.dimension.clone()),
                            r.percent,
                            r.measures
                        )
                    })
                    .collect(),
                AgendaItemKind::Trade { figures } | AgendaItemKind::ServiceCentre { figures } => {
                    figures.iter().map(|f| super::figure_line(&ctx.tr, f)).collect()
                }
                AgendaItemKind::Logistics { figures } => figures
                    .iter()
                    .map(|f| {
                        let name = ctx.tr.either(&f.name_ru, f.name_en.as_deref());
                        let shown = |v: Option<rust_decimal::Decimal>| {
                            v.map(|v| ctx.tr.decimal(v)).unwrap_or_else(|| "—".into())
                        };
                        let mut args = vec![("name", name), ("value", shown(f.value)), ("unit", f.unit.clone())];
                        match f.change() {
                            Some(change) => {
                                let sign = if change > rust_decimal::Decimal::ZERO { "+" } else { "" };
                                args.push(("before_quarter", f.quarter.prev().to_string()));
                                args.push(("before", shown(f.previous)));
                                args.push(("change", format!("{sign}{}", ctx.tr.decimal(change))));
                                ctx.tr.ta("review-agenda-logistics-change", &args)
                            }
                            None => ctx.tr.ta("review-agenda-logistics-value", &args),
                        }
                    })
                    .collect(),
                AgendaItemKind::SideItem { side, title: t, note } => {
                    title = format!("{t} ({})", ctx.tr.side(*side));
                    note.iter().cloned().collect()
                }
            };
            AgendaRow { id: item.id.to_string(), title, lines }
        })
        .collect())
}

async fn meeting_page(State(state): State<AppState>, ctx: Ctx, Path(raw): Path<String>) -> Result<Response, AppError> {
    ctx.require(Action::Read)?;
    let store = state.store();
    let (_, quarter) = parse_quarter(store, &raw).await?;
    let (_, plan_period) = plan_period(store).await?;
    let (period, _) = period_or_default(store, &plan_period, quarter).await?;
    let meeting = store.review_meeting_of(quarter).await?;
    let calendar = super::calendar();
    let mut warnings = Vec::new();
    let mut participants = Vec::new();
    let mut agenda = Vec::new();
    if let Some(m) = &meeting {
        for w in schedule::check(m.start, m.length(), WorkingHours::default(), &calendar) {
            warnings.push(warning_text(&ctx, &w));
        }
        for p in &m.participants {
            let name = store.person(p.person).await.map(|r| r.person.data.full_name_ru).unwrap_or_default();
            participants.push((
                name,
                ctx.tr.side(p.side),
                ctx.tr.t(&fluent_id(p.role.label_key())),
                ctx.tr.t(&format!("review-attendance-{}", attendance_code(p.attendance))),
            ));
        }
        if let Some(a) = store.review_agenda(m.id).await? {
            agenda = agenda_rows(&state, &ctx, &a.items).await?;
        }
    }
    let from = period.meeting_date - TimeDelta::days(3);
    let slots = propose_slots(
        from,
        from + TimeDelta::days(10),
        TimeDelta::minutes(120),
        TimeDelta::hours(1),
        WorkingHours::default(),
        &calendar,
    )
    .unwrap_or_default()
    .into_iter()
    .take(12)
    .map(|s| SlotRow {
        value: schedule::local(Side::By, s.start).format("%Y-%m-%dT%H:%M").to_string(),
        minsk: local_text(Side::By, s.start),
        khabarovsk: local_text(Side::Khv, s.start),
    })
    .collect();
    let chrome = Chrome::new(
        &ctx,
        state.is_demo(),
        "review",
        ctx.tr.ta("review-meeting-title", &[("quarter", quarter.to_string())]),
    )
    .crumb("review-title", "/review")
    .crumb_text(quarter.to_string());
    render(&MeetingPage {
        chrome,
        quarter: quarter.to_string(),
        has_meeting: meeting.is_some(),
        minsk: meeting.as_ref().map(|m| local_text(Side::By, m.start)).unwrap_or_default(),
        khabarovsk: meeting.as_ref().map(|m| local_text(Side::Khv, m.start)).unwrap_or_default(),
        duration: meeting.as_ref().map_or(120, |m| m.duration_minutes),
        participants,
        warnings,
        slots,
        agenda,
        can_manage: ctx.can(Action::ManageReview),
        editable: period.ensure_editable().is_ok(),
    })
}

fn attendance_code(a: Attendance) -> &'static str {
    match a {
        Attendance::Invited => "invited",
        Attendance::Present => "present",
        Attendance::Absent => "absent",
        Attendance::Excused => "excused",
    }
}

fn warning_text(ctx: &Ctx, w: &accord_domain::review::ScheduleWarning) -> String {
    use accord_domain::review::ScheduleWarning as W;
    let side = match w {
        W::OutsideWorkingHours { side, .. } | W::NotWorkingDay { side, .. } | W::HolidaysUnknown { side, .. } => *side,
    };
    let detail = match w {
        W::OutsideWorkingHours { local_start, local_end, .. } => {
            format!("{}–{}", local_start.format("%d.%m %H:%M"), local_end.format("%H:%M"))
        }
        W::NotWorkingDay { date, holiday, .. } => {
            format!("{} {}", ctx.tr.day(*date), holiday.clone().unwrap_or_default())
        }
        W::HolidaysUnknown { year, .. } => year.to_string(),
    };
    format!("{} ({}): {}", ctx.tr.t(&fluent_id(w.label_key())), ctx.tr.side(side), detail)
}

#[derive(Deserialize)]
struct MeetingForm {
    action: String,
    #[serde(default)]
    start: String,
    #[serde(default)]
    duration: String,
    #[serde(default)]
    item: String,
    #[serde(default)]
    position: String,
    #[serde(default)]
    side: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    note: String,
}

async fn meeting_action(
    State(state): State<AppState>,
    Path(raw): Path<String>,
    CsrfForm(ctx, form): CsrfForm<MeetingForm>,
) -> Result<Response, AppError> {
    use accord_domain::validation::{Invalid, Reason};
    ctx.require(Action::ManageReview)?;
    let store = state.store();
    let (plan, quarter) = parse_quarter(store, &raw).await?;
    store.review_period_ensure(ctx.author(), plan.id, quarter, None).await?;
    let calendar = super::calendar();
    let existing = store.review_meeting_of(quarter).await?;
    match form.action.as_str() {
        "schedule" => {
            let local = NaiveDateTime::parse_from_str(form.start.trim(), "%Y-%m-%dT%H:%M")
                .map_err(|_| Invalid::one("start", Reason::UnknownValue))?;
            let start = schedule::from_local(Side::By, local)?;
            let duration: u32 =
                form.duration.trim().parse().map_err(|_| Invalid::one("duration", Reason::UnknownValue))?;
            let meeting = match existing {
                Some(mut m) => {
                    m.reschedule(start, duration, &calendar)?;
                    m
                }
                None => {
                    let id = accord_domain::MeetingId(uuid::Uuid::now_v7());
                    accord_domain::review::Meeting::new(id, quarter, start, duration, &calendar)?.0
                }
            };
            store.review_meeting_save(ctx.author(), &meeting).await?;
        }
        "generate-agenda" => {
            let meeting = existing.ok_or(AppError::NotFound)?;
            let agenda = super::generate_agenda(store, &plan, &meeting, today()).await?;
            store.review_agenda_save(ctx.author(), quarter, &agenda).await?;
        }
        "add-item" | "remove-item" | "move-item" => {
            let meeting = existing.ok_or(AppError::NotFound)?;
            let mut agenda = store
                .review_agenda(meeting.id)
                .await?
                .unwrap_or(accord_domain::review::Agenda { meeting: meeting.id, items: Vec::new() });
            match form.action.as_str() {
                "add-item" => {
                    let side: Side = form.side.parse().map_err(|_| Invalid::one("side", Reason::UnknownValue))?;
                    if form.title.trim().is_empty() {
                        return Err(accord_domain::review::AgendaError::TitleRequired.into());
                    }
                    let kind = AgendaItemKind::SideItem {
                        side,
                        title: form.title.trim().to_string(),
                        note: Some(form.note.trim().to_string()).filter(|n| !n.is_empty()),
                    };
                    agenda.add(AgendaItem { id: store.review_new_agenda_item_id(), kind }, None)?;
                }
                "remove-item" => {
                    let id = form.item.parse().map_err(|_| Invalid::one("item", Reason::UnknownValue))?;
                    agenda.remove(id)?;
                }
                _ => {
                    let id = form.item.parse().map_err(|_| Invalid::one("item", Reason::UnknownValue))?;
                    let to: usize =
                        form.position.parse().map_err(|_| Invalid::one("position", Reason::UnknownValue))?;
                    agenda.move_item(id, to)?;
                }
            }
            store.review_agenda_save(ctx.author(), quarter, &agenda).await?;
        }
        _ => return Err(AppError::BadRequest("error-bad-form")),
    }
    Ok(crate::layout::redirect_with_flash(&ctx, &format!("/review/{quarter}/meeting"), "flash-saved"))
}

async fn meeting_ics(State(state): State<AppState>, ctx: Ctx, Path(raw): Path<String>) -> Result<Response, AppError> {
    ctx.require(Action::Read)?;
    let (_, quarter) = parse_quarter(state.store(), &raw).await?;
    let text = super::meeting_ics(state.store(), quarter).await?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/calendar; charset=utf-8".to_string()),
            (header::CONTENT_DISPOSITION, format!("attachment; filename=\"accord-{quarter}.ics\"")),
        ],
        text,
    )
        .into_response())
}

// ---------------------------------------------------------------------------------------------
// The review session

pub struct DecisionRow {
    pub id: String,
    pub reference: String,
    pub text: String,
    pub executors: String,
    pub term: String,
    pub control: String,
    pub control_code: String,
    pub overdue: bool,
    pub measure: Option<String>,
}

#[derive(Template)]
#[template(path = "review/session.html")]
struct SessionPage {
    chrome: Chrome,
    quarter: String,
    period_state: String,
    minsk: String,
    khabarovsk: String,
    agenda: Vec<AgendaRow>,
    participants: Vec<(String, String, String, String)>,
    minutes_text: String,
    approvals: Vec<String>,
    locked: Option<String>,
    decisions: Vec<DecisionRow>,
    can_manage: bool,
    can_approve: bool,
    next_item: String,
}

async fn decision_rows(
    state: &AppState,
    ctx: &Ctx,
    filter: impl Fn(&accord_domain::review::Decision) -> bool,
) -> Result<Vec<DecisionRow>, AppError> {
    let names = organisation_names(state.store(), ctx.tr.is_en()).await?;
    Ok(state
        .store()
        .review_decisions()
        .await?
        .into_iter()
        .filter(|d| filter(d))
        .map(|d| decision_row(ctx, &names, d))
        .collect())
}

/// The decisions linked to a measure (for its page), by protocol reference.
pub async fn measure_decision_rows(
    state: &AppState,
    ctx: &Ctx,
    measure: MeasureId,
) -> Result<Vec<DecisionRow>, AppError> {
    let mut decisions = state.store().review_decisions_of_measure(measure).await?;
    if decisions.is_empty() {
        return Ok(Vec::new());
    }
    decisions.sort_by(|a, b| a.record.reference.cmp(&b.record.reference));
    let names = organisation_names(state.store(), ctx.tr.is_en()).await?;
    Ok(decisions.into_iter().map(|d| decision_row(ctx, &names, d)).collect())
}

fn decision_row(
    ctx: &Ctx,
    names: &BTreeMap<OrganisationId, String>,
    d: accord_domain::review::Decision,
) -> DecisionRow {
    DecisionRow {
        id: d.record.id.to_string(),
        reference: d.record.reference.format(ctx.tr.locale),
        text: d.record.text.clone(),
        executors: d
            .record
            .executors
            .iter()
            .map(|e| format!("{} ({})", names.get(&e.organisation).cloned().unwrap_or_default(), e.side.code()))
            .collect::<Vec<_>>()
            .join(", "),
        term: d.term.map(|t| ctx.tr.day(t)).unwrap_or_default(),
        control: ctx.tr.t(&fluent_id(d.control.label_key())),
        control_code: name_of_control(d.control).into(),
        overdue: d.is_overdue(today()),
        measure: d.measure.map(|m| m.to_string()),
    }
}

fn name_of_control(c: ControlStatus) -> &'static str {
    match c {
        ControlStatus::OnControl => "on-control",
        ControlStatus::Done => "done",
        ControlStatus::RemovedFromControl => "removed-from-control",
        ControlStatus::Postponed => "postponed",
    }
}

async fn session_page(State(state): State<AppState>, ctx: Ctx, Path(raw): Path<String>) -> Result<Response, AppError> {
    ctx.require(Action::Read)?;
    let store = state.store();
    let (_, quarter) = parse_quarter(store, &raw).await?;
    let meeting = store.review_meeting_of(quarter).await?.ok_or(AppError::NotFound)?;
    let (_, plan_period) = plan_period(store).await?;
    let (period, _) = period_or_default(store, &plan_period, quarter).await?;
    let agenda = match store.review_agenda(meeting.id).await? {
        Some(a) => agenda_rows(&state, &ctx, &a.items).await?,
        None => Vec::new(),
    };
    let mut participants = Vec::new();
    for p in &meeting.participants {
        let name = store.person(p.person).await.map(|r| r.person.data.full_name_ru).unwrap_or_default();
        participants.push((p.person.to_string(), name, ctx.tr.side(p.side), attendance_code(p.attendance).to_string()));
    }
    let minutes = store.review_minutes(meeting.id).await?;
    let users: BTreeMap<_, _> = store.user_list().await?.into_iter().map(|u| (u.id, u.display_name)).collect();
    let approvals = minutes
        .as_ref()
        .map(|m| {
            m.approvals
                .iter()
                .map(|a| format!("{} ({})", users.get(&a.user).cloned().unwrap_or_default(), ctx.tr.side(a.side)))
                .collect()
        })
        .unwrap_or_default();
    let meeting_id = meeting.id;
    let decisions = decision_rows(&state, &ctx, |d| d.record.meeting == meeting_id).await?;
    let next_item = format!("1.{}", decisions.len() + 1);
    let side = ctx.user.role.side();
    let chrome = Chrome::new(
        &ctx,
        state.is_demo(),
        "review",
        ctx.tr.ta("review-session-title", &[("quarter", quarter.to_string())]),
    )
    .crumb("review-title", "/review")
    .crumb_text(quarter.to_string());
    render(&SessionPage {
        chrome,
        quarter: quarter.to_string(),
        period_state: state_label(&ctx, period.state.label_key()),
        minsk: local_text(Side::By, meeting.start),
        khabarovsk: local_text(Side::Khv, meeting.start),
        agenda,
        participants,
        minutes_text: minutes
            .as_ref()
            .map(|m| m.content.items.iter().map(|i| i.text.clone()).collect::<Vec<_>>().join("\n\n"))
            .unwrap_or_default(),
        approvals,
        locked: minutes.as_ref().and_then(|m| m.locked_hash.clone()),
        decisions,
        can_manage: ctx.can(Action::ManageReview) && minutes.as_ref().is_none_or(|m| !m.is_locked()),
        can_approve: side.is_some_and(|s| ctx.can(Action::ApproveMinutes { side: s }))
            && minutes.as_ref().is_some_and(|m| !m.is_locked()),
        next_item,
    })
}

#[derive(Deserialize)]
struct SessionForm {
    action: String,
    #[serde(default)]
    text: String,
    #[serde(default)]
    item: String,
    #[serde(default)]
    term: String,
    #[serde(flatten)]
    rest: BTreeMap<String, String>,
}

async fn session_action(
    State(state): State<AppState>,
    Path(raw): Path<String>,
    CsrfForm(ctx, form): CsrfForm<SessionForm>,
) -> Result<Response, AppError> {
    use accord_domain::validation::{Invalid, Reason};
    let store = state.store();
    let (plan, quarter) = parse_quarter(store, &raw).await?;
    let mut meeting = store.review_meeting_of(quarter).await?.ok_or(AppError::NotFound)?;
    let existing = store.review_minutes(meeting.id).await?;
    let content_now = existing.as_ref().map(|m| m.content.clone()).unwrap_or_else(|| MinutesContent {
        meeting: meeting.id,
        date: schedule::local(Side::By, meeting.start).date(),
        attendees: Vec::new(),
        items: Vec::new(),
        decisions: Vec::new(),
    });
    match form.action.as_str() {
        "attendance" => {
            ctx.require(Action::ManageReview)?;
            for p in &mut meeting.participants {
                let value = form.rest.get(&format!("att_{}", p.person)).map(String::as_str).unwrap_or("");
                p.attendance = match value {
                    "present" => Attendance::Present,
                    "absent" => Attendance::Absent,
                    "excused" => Attendance::Excused,
                    _ => Attendance::Invited,
                };
            }
            store.review_meeting_save(ctx.author(), &meeting).await?;
        }
        "minutes" => {
            ctx.require(Action::ManageReview)?;
            let mut content = content_now;
            content.attendees =
                meeting.participants.iter().filter(|p| p.attendance == Attendance::Present).map(|p| p.person).collect();
            content.items = vec![MinutesItem {
                number: "1".into(),
                heading: ctx.tr.t("review-minutes-heading"),
                text: form.text.trim().to_string(),
            }];
            store.review_minutes_edit(ctx.author(), &content).await?;
        }
        "decision" => {
            ctx.require(Action::ManageReview)?;
            let reference = ProtocolRef::parse(form.item.trim(), content_now.date)
                .map_err(|_| Invalid::one("item", Reason::UnknownValue))?;
            let term = match form.term.trim() {
                "" => None,
                t => Some(
                    NaiveDate::parse_from_str(t, "%Y-%m-%d").map_err(|_| Invalid::one("term", Reason::UnknownValue))?,
                ),
            };
            let mut executors = Vec::new();
            for code in form.rest.get("executors").map(String::as_str).unwrap_or("").split(',') {
                let code = code.trim();
                if code.is_empty() {
                    continue;
                }
                let org = store
                    .organisation_by_code(code)
                    .await
                    .map_err(|_| Invalid::one("executors", Reason::UnknownValue))?;
                executors.push(accord_domain::plan::Executor {
                    organisation: org.id,
                    side: org.data.side,
                    lead: false,
                });
            }
            let record = DecisionRecord {
                id: DecisionId(uuid::Uuid::now_v7()),
                meeting: meeting.id,
                reference,
                text: form.text.trim().to_string(),
                executors,
                term,
            };
            accord_domain::review::Decision::new(record.clone())?;
            let mut content = content_now;
            content.decisions.push(record);
            store.review_minutes_edit(ctx.author(), &content).await?;
        }
        "create-measure" => {
            ctx.require(Action::CreateMeasure)?;
            let id: DecisionId = form.item.parse().map_err(|_| Invalid::one("item", Reason::UnknownValue))?;
            let decision = store.review_decision(id).await?;
            let number = form.rest.get("number").cloned().unwrap_or_default();
            let measure_form = accord_domain::plan::MeasureForm {
                number,
                section: "trade".into(),
                title_ru: decision.record.text.clone(),
                term: decision.term.map(|t| t.format("%d.%m.%Y").to_string()).unwrap_or_else(|| "2027".into()),
                ..Default::default()
            };
            let data = measure_form.validate(decision.record.executors.clone())?;
            store.review_decision_create_measure(ctx.author(), &actor(&ctx.user), id, plan.id, &data).await?;
        }
        "approve" => {
            let side = ctx.user.role.side().ok_or(AppError::Forbidden)?;
            ctx.require(Action::ApproveMinutes { side })?;
            store.review_minutes_approve(ctx.author(), &actor(&ctx.user), meeting.id).await?;
        }
        _ => return Err(AppError::BadRequest("error-bad-form")),
    }
    Ok(crate::layout::redirect_with_flash(&ctx, &format!("/review/{quarter}/session"), "flash-saved"))
}

// ---------------------------------------------------------------------------------------------
// Decisions register

#[derive(Deserialize)]
struct DecisionsQuery {
    control: Option<String>,
}

#[derive(Template)]
#[template(path = "review/decisions.html")]
struct DecisionsPage {
    chrome: Chrome,
    rows: Vec<DecisionRow>,
    filter: String,
    filters: Vec<(String, String)>,
    can_manage: bool,
}

async fn decisions(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<DecisionsQuery>,
) -> Result<Response, AppError> {
    ctx.require(Action::Read)?;
    let filter = q.control.unwrap_or_default();
    let rows = decision_rows(&state, &ctx, |d| filter.is_empty() || name_of_control(d.control) == filter).await?;
    let filters =
        [ControlStatus::OnControl, ControlStatus::Postponed, ControlStatus::Done, ControlStatus::RemovedFromControl]
            .iter()
            .map(|c| (name_of_control(*c).to_string(), ctx.tr.t(&fluent_id(c.label_key()))))
            .collect();
    let chrome = Chrome::new(&ctx, state.is_demo(), "review", ctx.tr.t("review-decisions-title"))
        .crumb("review-title", "/review");
    render(&DecisionsPage { chrome, rows, filter, filters, can_manage: ctx.can(Action::ManageReview) })
}

#[derive(Deserialize)]
struct ControlForm {
    decision: String,
    control: String,
    #[serde(default)]
    term: String,
    #[serde(default)]
    note: String,
}

async fn decision_control(
    State(state): State<AppState>,
    CsrfForm(ctx, form): CsrfForm<ControlForm>,
) -> Result<Response, AppError> {
    use accord_domain::validation::{Invalid, Reason};
    ctx.require(Action::ManageReview)?;
    let store = state.store();
    let id: DecisionId = form.decision.parse().map_err(|_| Invalid::one("decision", Reason::UnknownValue))?;
    let to =
        [ControlStatus::OnControl, ControlStatus::Postponed, ControlStatus::Done, ControlStatus::RemovedFromControl]
            .into_iter()
            .find(|c| name_of_control(*c) == form.control)
            .ok_or_else(|| Invalid::one("control", Reason::UnknownValue))?;
    let term = match form.term.trim() {
        "" => None,
        t => Some(NaiveDate::parse_from_str(t, "%Y-%m-%d").map_err(|_| Invalid::one("term", Reason::UnknownValue))?),
    };
    let mut decision = store.review_decision(id).await?;
    decision.set_control(&actor(&ctx.user), to, term, Some(form.note.as_str()), Utc::now())?;
    store.review_decision_save(ctx.author(), &decision).await?;
    Ok(crate::layout::redirect_with_flash(&ctx, "/review/decisions", "flash-saved"))
}

// ---------------------------------------------------------------------------------------------
// Outbox

#[derive(Template)]
#[template(path = "review/outbox.html")]
struct OutboxPage {
    chrome: Chrome,
    files: Vec<(String, String)>,
}

async fn outbox(State(state): State<AppState>, ctx: Ctx) -> Result<Response, AppError> {
    ctx.require(Action::ManageReview)?;
    let mut files = Vec::new();
    if let Some(dir) = super::outbox_dir(state.store())
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
