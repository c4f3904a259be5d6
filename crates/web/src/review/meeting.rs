//! The quarter's meeting: both local times, times that suit both sides, the participants,
//! the invitation file, and the agenda with its editing.

use super::{fluent_id, local_text, parse_quarter, period_or_default, plan_period, saved, today};
use crate::AppState;
use crate::ctx::{CsrfForm, Ctx};
use crate::error::AppError;
use crate::layout::{Chrome, render};
use accord_app::review::figures::figure_line;
use accord_app::review::input::MeetingInput;
use accord_domain::directory::Action;
use accord_domain::review::{
    AgendaItem, AgendaItemKind, Attendance, HolidayCalendar, WorkingHours, propose_slots, schedule,
};
use accord_domain::{MeasureId, Side};
use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use chrono::TimeDelta;
use std::collections::BTreeMap;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/review/{quarter}/meeting", get(meeting_page).post(meeting_action))
        .route("/review/{quarter}/meeting.ics", get(meeting_ics))
}

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
    /// The versions the page's forms carry: the meeting's, the agenda's (0: none yet).
    meeting_version: i64,
    agenda_version: i64,
}

/// Each agenda item as a heading and its lines, in the reader's language.
pub(super) async fn agenda_rows(state: &AppState, ctx: &Ctx, items: &[AgendaItem]) -> Result<Vec<AgendaRow>, AppError> {
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
                    figures.iter().map(|f| figure_line(&ctx.tr, f)).collect()
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
    let (period, _) = period_or_default(&state, &plan_period, quarter).await?;
    let found = store.review_meeting_row(quarter).await?;
    let meeting_version = found.as_ref().map_or(0, |(_, v)| *v);
    let meeting = found.map(|(m, _)| m);
    let calendar = HolidayCalendar::builtin();
    let mut agenda_version = 0;
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
        let (found, version) = store.review_agenda_row(m.id).await?;
        agenda_version = version;
        if let Some(a) = found {
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
        meeting_version,
        agenda_version,
    })
}

pub(super) fn attendance_code(a: Attendance) -> &'static str {
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

/// The meeting page's buttons: schedule (the meeting's version) and the agenda's generate, add,
/// move and remove (the agenda's version).
async fn meeting_action(
    State(state): State<AppState>,
    Path(raw): Path<String>,
    CsrfForm(ctx, form): CsrfForm<MeetingInput>,
) -> Result<Response, AppError> {
    let (_, quarter) = parse_quarter(state.store(), &raw).await?;
    let (app, actor) = (state.app(), ctx.actor());
    let version = form.version()?;
    match form.action.as_str() {
        "schedule" => {
            app.meeting_schedule(&actor, quarter, version, form.start()?, form.duration()?).await?;
        }
        "generate-agenda" => {
            app.agenda_generate(&actor, quarter, version, today()).await?;
        }
        "add-item" => {
            app.agenda_item_add(&actor, quarter, version, form.side()?, form.title(), form.note()).await?;
        }
        "move-item" => {
            app.agenda_item_move(&actor, quarter, version, form.item()?, form.position()?).await?;
        }
        "remove-item" => {
            app.agenda_item_remove(&actor, quarter, version, form.item()?).await?;
        }
        _ => return Err(AppError::BadRequest("error-bad-form")),
    }
    Ok(saved(&ctx, &format!("/review/{quarter}/meeting")))
}

async fn meeting_ics(State(state): State<AppState>, ctx: Ctx, Path(raw): Path<String>) -> Result<Response, AppError> {
    ctx.require(Action::Read)?;
    let (_, quarter) = parse_quarter(state.store(), &raw).await?;
    let text = state.app().meeting_ics(quarter).await?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/calendar; charset=utf-8".to_string()),
            (header::CONTENT_DISPOSITION, format!("attachment; filename=\"accord-{quarter}.ics\"")),
        ],
        text,
    )
        .into_response())
}
