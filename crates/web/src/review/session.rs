//! The review session: the agenda on screen, attendance, the minutes and their two keys, the
//! decisions taken (and the measure created to carry one out).

use super::decisions::{DecisionRow, decision_rows};
use super::meeting::AgendaRow;
use super::meeting::{agenda_rows, attendance_code};
use super::{local_text, parse_quarter, period_or_default, plan_period, saved, state_label};
use crate::AppState;
use crate::ctx::{CsrfForm, Ctx};
use crate::error::AppError;
use crate::layout::{Chrome, render};
use accord_app::review::decisions::NewDecision;
use accord_app::review::input::SessionInput;
use accord_domain::Side;
use accord_domain::directory::Action;
use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::response::Response;
use axum::routing::get;
use std::collections::BTreeMap;

pub fn routes() -> Router<AppState> {
    Router::new().route("/review/{quarter}/session", get(session_page).post(session_action))
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
    /// The versions the page's forms carry: the meeting's, the minutes' (0: none yet).
    meeting_version: i64,
    minutes_version: i64,
}

async fn session_page(State(state): State<AppState>, ctx: Ctx, Path(raw): Path<String>) -> Result<Response, AppError> {
    ctx.require(Action::Read)?;
    let store = state.store();
    let (_, quarter) = parse_quarter(store, &raw).await?;
    let (meeting, meeting_version) = store.review_meeting_row(quarter).await?.ok_or(AppError::NotFound)?;
    let (_, plan_period) = plan_period(store).await?;
    let (period, _) = period_or_default(&state, &plan_period, quarter).await?;
    let agenda = match store.review_agenda(meeting.id).await? {
        Some(a) => agenda_rows(&state, &ctx, &a.items).await?,
        None => Vec::new(),
    };
    let mut participants = Vec::new();
    for p in &meeting.participants {
        let name = store.person(p.person).await.map(|r| r.person.data.full_name_ru).unwrap_or_default();
        participants.push((p.person.to_string(), name, ctx.tr.side(p.side), attendance_code(p.attendance).to_string()));
    }
    let found = store.review_minutes_row(meeting.id).await?;
    let minutes_version = found.as_ref().map_or(0, |(_, v)| *v);
    let minutes = found.map(|(m, _)| m);
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
        meeting_version,
        minutes_version,
    })
}

/// The session's buttons: attendance (the meeting's version); the minutes, a decision and
/// approval (the minutes' version); a measure from a decision (the decision's version).
async fn session_action(
    State(state): State<AppState>,
    Path(raw): Path<String>,
    CsrfForm(ctx, form): CsrfForm<SessionInput>,
) -> Result<Response, AppError> {
    let (_, quarter) = parse_quarter(state.store(), &raw).await?;
    let (app, actor) = (state.app(), ctx.actor());
    let version = form.version()?;
    match form.action.as_str() {
        "attendance" => {
            app.meeting_attendance(&actor, quarter, version, &form.attendance()?).await?;
        }
        "minutes" => {
            app.minutes_edit(&actor, quarter, version, &ctx.tr.t("review-minutes-heading"), form.text()).await?;
        }
        "decision" => {
            let decision = NewDecision {
                item: form.item().to_string(),
                text: form.text().to_string(),
                executors: app.executors_resolve(&form.executors()).await?,
                term: form.term()?,
            };
            app.decision_record(&actor, quarter, version, decision).await?;
        }
        "create-measure" => {
            let id = form.item().parse().map_err(|_| {
                accord_domain::validation::Invalid::one("item", accord_domain::validation::Reason::UnknownValue)
            })?;
            app.decision_create_measure(&actor, id, version, form.number()).await?;
        }
        "approve" => {
            app.minutes_approve(&actor, quarter, version).await?;
        }
        _ => return Err(AppError::BadRequest("error-bad-form")),
    }
    Ok(saved(&ctx, &format!("/review/{quarter}/session")))
}
