//! The review's rows of the matrix. The record is a report of MAZ (Belarusian side) on a fresh
//! measure executed jointly by MAZ and the fishery (Khabarovsk side); the meeting is the world's
//! 2026Q3 meeting, whose minutes are never locked (each approval attempt starts from minutes
//! without keys); each period use case has quarters of its own, brought back to the state the
//! attempt needs before each attempt.

use super::{A, F, Outcome, Row, outcome};
use crate::support::{Who, World};
use accord_app::review::NewDecision;
use accord_app::review::reminders::Delivery;
use accord_app::{Actor, UseCase};
use accord_domain::Quarter;
use accord_domain::plan::Measure;
use accord_domain::review::{Attendance, ControlStatus, Decision, PeriodState, ReportContent};
use accord_domain::{Side, plan::Status};
use std::sync::atomic::{AtomicU32, Ordering};

/// Columns: admin, coordinator BY, coordinator KHV, executor of MAZ, executor of BelAZ, observer.
pub fn expected(use_case: UseCase) -> Row {
    match use_case {
        // The periods, the meeting, its agenda, minutes and decisions: either side's coordinator;
        // an administrator reads the review but takes no part in it.
        UseCase::PeriodOpen
        | UseCase::PeriodStartReview
        | UseCase::PeriodClose
        | UseCase::PeriodReopen
        | UseCase::PeriodReschedule
        | UseCase::MeetingSchedule
        | UseCase::MeetingAttendance
        | UseCase::AgendaGenerate
        | UseCase::AgendaItemAdd
        | UseCase::AgendaItemMove
        | UseCase::AgendaItemRemove
        | UseCase::DecisionRecord
        | UseCase::DecisionControl
        | UseCase::MinutesEdit => [F, A, A, F, F, F],
        // MAZ's report and its evidence: MAZ's executor only.
        UseCase::ReportSave | UseCase::ReportSubmit | UseCase::EvidenceAdd | UseCase::EvidenceDelete => {
            [F, F, F, A, F, F]
        }
        // Returning or accepting MAZ's report: the coordinator of MAZ's side.
        UseCase::ReportReturn | UseCase::ReportAccept => [F, A, F, F, F, F],
        // A measure from a decision both sides execute: either coordinator (the plan's rule).
        UseCase::DecisionCreateMeasure => [F, A, A, F, F, F],
        // Each side's key: its coordinator.
        UseCase::MinutesApprove => [F, A, A, F, F, F],
        // Reminders change nothing of the review: the administrator's scheduled run, coordinators.
        UseCase::RemindersSend => [A, A, A, F, F, F],
        other => panic!("{other:?} is not a review use case"),
    }
}

static NEXT_NUMBER: AtomicU32 = AtomicU32::new(300);

fn next_number() -> String {
    format!("{}.", NEXT_NUMBER.fetch_add(1, Ordering::Relaxed))
}

fn q(text: &str) -> Quarter {
    text.parse().expect("quarter")
}

fn content(done: &str) -> ReportContent {
    ReportContent { status: Status::InProgress, percent: 30, done: done.into(), ..ReportContent::default() }
}

/// A fresh joint measure with MAZ's report on it in the report quarter: none yet, saved as a
/// draft, or submitted. Returns the measure and the report's version.
async fn fresh_report(world: &World, stage: usize) -> (Measure, i64) {
    let m = world.review_joint_measure(&next_number()).await;
    let exec = world.actor(Who::ExecutorOfRecord);
    let (quarter, maz) = (world.report_quarter(), world.maz.id);
    let mut version = 0;
    if stage >= 1 {
        version =
            world.app.report_save(&exec, quarter, maz, m.id, 0, content("Черновик")).await.expect("draft").version;
    }
    if stage >= 2 {
        version = world
            .app
            .report_submit(&exec, quarter, maz, m.id, version, content("Готово"))
            .await
            .expect("submitted")
            .version;
    }
    (m, version)
}

/// The period of `quarter` brought to `state` by the Belarusian coordinator.
async fn period_in_state(world: &World, quarter: Quarter, state: PeriodState) {
    let by = world.actor(Who::CoordinatorBy);
    let app = &world.app;
    let now = app.store().review_period(quarter).await.expect("period").map(|p| p.state);
    match (now, state) {
        (Some(s), wanted) if s == wanted => {}
        (_, PeriodState::Closed) => {
            app.period_close(&by, quarter).await.expect("closed");
        }
        (Some(PeriodState::Closed), PeriodState::InReview) => {
            app.period_reopen(&by, quarter, "для проверки прав").await.expect("reopened");
        }
        (_, PeriodState::InReview) => {
            app.period_start_review(&by, quarter).await.expect("in review");
        }
        (_, PeriodState::Open) => {
            app.period_open(&by, quarter).await.expect("open");
        }
    }
}

/// The first of `quarters` whose period is still open (or not opened).
async fn an_open_quarter(world: &World, quarters: &[&str]) -> Quarter {
    for text in quarters {
        let quarter = q(text);
        let state = world.store().review_period(quarter).await.expect("period").map(|p| p.state);
        if state.is_none_or(|s| s == PeriodState::Open) {
            return quarter;
        }
    }
    panic!("no open quarter left among {quarters:?}");
}

/// A decision recorded at the world's meeting by the Belarusian coordinator, executed by MAZ
/// and the fishery; with its version.
async fn fresh_decision(world: &World, text: &str) -> (Decision, i64) {
    let meeting = world.review_meeting().await;
    let by = world.actor(Who::CoordinatorBy);
    let decision = NewDecision {
        item: format!("2.{}", NEXT_NUMBER.fetch_add(1, Ordering::Relaxed)),
        text: text.into(),
        executors: crate::support::executors(&[&world.maz, &world.fish]),
        term: None,
    };
    let version = minutes_version(world, &meeting).await;
    let d = world.app.decision_record(&by, meeting.quarter, version, decision).await.expect("decision");
    let (d, version) = world.store().review_decision_row(d.record.id).await.expect("stored");
    (d, version)
}

async fn minutes_version(world: &World, meeting: &accord_domain::review::Meeting) -> i64 {
    world.store().review_minutes_row(meeting.id).await.expect("minutes").map_or(0, |(_, v)| v)
}

async fn meeting_version(world: &World, quarter: Quarter) -> i64 {
    world.store().review_meeting_row(quarter).await.expect("meeting").map_or(0, |(_, v)| v)
}

async fn agenda_version(world: &World, meeting: &accord_domain::review::Meeting) -> i64 {
    world.store().review_agenda_row(meeting.id).await.expect("agenda").1
}

pub async fn attempt(world: &World, use_case: UseCase, who: Who) -> Outcome {
    let app = &world.app;
    let actor: Actor = world.actor(who);
    let by = world.actor(Who::CoordinatorBy);
    let exec = world.actor(Who::ExecutorOfRecord);
    let (report_q, maz) = (world.report_quarter(), world.maz.id);
    match use_case {
        UseCase::PeriodOpen => outcome(use_case, who, app.period_open(&actor, q("2025Q4")).await),
        UseCase::PeriodStartReview => {
            let quarter = an_open_quarter(world, &["2027Q1", "2027Q2", "2027Q3", "2027Q4"]).await;
            outcome(use_case, who, app.period_start_review(&actor, quarter).await)
        }
        UseCase::PeriodClose => {
            period_in_state(world, q("2026Q1"), PeriodState::InReview).await;
            outcome(use_case, who, app.period_close(&actor, q("2026Q1")).await)
        }
        UseCase::PeriodReopen => {
            period_in_state(world, q("2026Q2"), PeriodState::Closed).await;
            outcome(use_case, who, app.period_reopen(&actor, q("2026Q2"), "исправить отчёт").await)
        }
        UseCase::PeriodReschedule => {
            let quarter = q("2025Q3");
            let version = world.store().review_period_row(quarter).await.expect("period").map_or(0, |(_, v)| v);
            let date = chrono::NaiveDate::from_ymd_opt(2025, 10, 28).expect("date");
            outcome(use_case, who, app.period_reschedule(&actor, quarter, version, date, None).await)
        }
        UseCase::ReportSave => {
            let (m, version) = fresh_report(world, 0).await;
            outcome(use_case, who, app.report_save(&actor, report_q, maz, m.id, version, content("Сохранено")).await)
        }
        UseCase::ReportSubmit => {
            let (m, version) = fresh_report(world, 1).await;
            outcome(use_case, who, app.report_submit(&actor, report_q, maz, m.id, version, content("Сдано")).await)
        }
        UseCase::ReportReturn => {
            let (m, version) = fresh_report(world, 2).await;
            outcome(use_case, who, app.report_return(&actor, report_q, maz, m.id, version, "Приложите акт").await)
        }
        UseCase::ReportAccept => {
            let (m, version) = fresh_report(world, 2).await;
            outcome(use_case, who, app.report_accept(&actor, report_q, maz, m.id, version).await)
        }
        UseCase::EvidenceAdd => {
            let (m, _) = fresh_report(world, 1).await;
            outcome(use_case, who, app.evidence_add(&actor, report_q, maz, m.id, "акт.pdf", b"%PDF-1.7 act").await)
        }
        UseCase::EvidenceDelete => {
            let (m, _) = fresh_report(world, 1).await;
            let file = app.evidence_add(&exec, report_q, maz, m.id, "акт.pdf", b"%PDF-1.7 act").await.expect("file");
            outcome(use_case, who, app.evidence_delete(&actor, &file.id).await)
        }
        UseCase::MeetingSchedule => {
            let meeting = world.review_meeting().await;
            let version = meeting_version(world, meeting.quarter).await;
            let start = chrono::NaiveDate::from_ymd_opt(2026, 10, 23).and_then(|d| d.and_hms_opt(9, 0, 0));
            let start = start.expect("time");
            outcome(use_case, who, app.meeting_schedule(&actor, meeting.quarter, version, start, 90).await)
        }
        UseCase::MeetingAttendance => {
            let meeting = world.review_meeting().await;
            let version = meeting_version(world, meeting.quarter).await;
            let marks: Vec<_> = meeting.participants.iter().map(|p| (p.person, Attendance::Present)).collect();
            outcome(use_case, who, app.meeting_attendance(&actor, meeting.quarter, version, &marks).await)
        }
        UseCase::AgendaGenerate => {
            let meeting = world.review_meeting().await;
            let version = agenda_version(world, &meeting).await;
            let today = chrono::NaiveDate::from_ymd_opt(2026, 10, 20).expect("date");
            outcome(use_case, who, app.agenda_generate(&actor, meeting.quarter, version, today).await)
        }
        UseCase::AgendaItemAdd => {
            let meeting = world.review_meeting().await;
            let version = agenda_version(world, &meeting).await;
            outcome(use_case, who, app.agenda_item_add(&actor, meeting.quarter, version, Side::Khv, "Рыба", None).await)
        }
        UseCase::AgendaItemMove | UseCase::AgendaItemRemove => {
            let meeting = world.review_meeting().await;
            let version = agenda_version(world, &meeting).await;
            let added = app
                .agenda_item_add(&by, meeting.quarter, version, Side::By, "Пункт для перестановки", None)
                .await
                .expect("an item");
            let item = added.agenda.items.last().expect("the item").id;
            let result = if use_case == UseCase::AgendaItemMove {
                app.agenda_item_move(&actor, meeting.quarter, added.version, item, 0).await
            } else {
                app.agenda_item_remove(&actor, meeting.quarter, added.version, item).await
            };
            outcome(use_case, who, result)
        }
        UseCase::DecisionRecord => {
            let meeting = world.review_meeting().await;
            let version = minutes_version(world, &meeting).await;
            let decision = NewDecision {
                item: format!("3.{}", NEXT_NUMBER.fetch_add(1, Ordering::Relaxed)),
                text: "Провести совместную выставку".into(),
                executors: Vec::new(),
                term: None,
            };
            outcome(use_case, who, app.decision_record(&actor, meeting.quarter, version, decision).await)
        }
        UseCase::DecisionControl => {
            let (d, version) = fresh_decision(world, "Подготовить справку").await;
            let result =
                app.decision_control(&actor, d.record.id, version, ControlStatus::Done, None, "выполнено").await;
            outcome(use_case, who, result)
        }
        UseCase::DecisionCreateMeasure => {
            let (d, version) = fresh_decision(world, "Организовать поставки техники").await;
            outcome(use_case, who, app.decision_create_measure(&actor, d.record.id, version, &next_number()).await)
        }
        UseCase::MinutesEdit => {
            let meeting = world.review_meeting().await;
            let version = minutes_version(world, &meeting).await;
            outcome(
                use_case,
                who,
                app.minutes_edit(&actor, meeting.quarter, version, "Ход выполнения", "Заслушали").await,
            )
        }
        UseCase::MinutesApprove => {
            // Minutes without keys: an edit withdraws those given by earlier attempts.
            let meeting = world.review_meeting().await;
            let version = minutes_version(world, &meeting).await;
            let edited =
                app.minutes_edit(&by, meeting.quarter, version, "Ход выполнения", "Текст").await.expect("minutes");
            outcome(use_case, who, app.minutes_approve(&actor, meeting.quarter, edited.version).await)
        }
        UseCase::RemindersSend => {
            app.period_open(&by, report_q).await.expect("the period is open");
            let today = chrono::NaiveDate::from_ymd_opt(2027, 3, 1).expect("date");
            outcome(use_case, who, app.reminders_send(&actor, report_q, today, Delivery::ToCaller).await)
        }
        other => panic!("{other:?} is not a review use case"),
    }
}
