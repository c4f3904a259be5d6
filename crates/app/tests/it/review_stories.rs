//! The review's rules at every door: versions compared on every write, one transaction per
//! action (a refusal writes nothing), a decision's measure under the plan's rules, and the
//! review as the sides' own act.

use crate::on_both_backends;
use crate::support::{Who, World, executors, measure_form};
use accord_app::review::NewDecision;
use accord_app::review::reminders::Delivery;
use accord_app::{Actor, App, Error};
use accord_domain::plan::Status;
use accord_domain::review::{ControlStatus, PeriodState, ReportContent, ReportState};

on_both_backends!(
    two_concurrent_saves_of_one_report_give_one_success_and_one_stale,
    a_report_step_on_an_old_version_is_stale,
    a_refused_report_writes_nothing_not_even_its_period,
    a_decision_created_measure_for_the_other_side_only_is_refused,
    a_decision_created_measure_and_its_link_are_one_transaction,
    meetings_agenda_decisions_and_minutes_are_written_only_on_the_version_seen,
    the_second_key_locks_the_minutes,
    the_operator_sends_reminders_but_takes_no_part_in_the_review,
    a_quarterly_measure_is_overdue_until_its_report_is_handed_in,
);

fn content(done: &str, percent: u8) -> ReportContent {
    ReportContent { status: Status::InProgress, percent, done: done.into(), ..ReportContent::default() }
}

async fn two_concurrent_saves_of_one_report_give_one_success_and_one_stale(app: App) {
    let world = World::new(app, true).await;
    let exec = world.actor(Who::ExecutorOfRecord);
    let (quarter, maz, measure) = (world.report_quarter(), world.maz.id, world.joint.id);
    let draft = world.app.report_save(&exec, quarter, maz, measure, 0, content("Черновик", 10)).await.expect("draft");
    assert_eq!(draft.version, 1);
    let (a, b) = tokio::join!(
        world.app.report_save(&exec, quarter, maz, measure, 1, content("Первый", 20)),
        world.app.report_save(&exec, quarter, maz, measure, 1, content("Второй", 30)),
    );
    let (winner, loser) = match (a, b) {
        (Ok(w), Err(l)) | (Err(l), Ok(w)) => (w, l),
        other => panic!("one save wins and one is stale, got {other:?}"),
    };
    assert!(matches!(loser, Error::Stale { entity: "report", current: 2 }), "{loser:?}");
    let (stored, version) = world.store().review_report_row(quarter, maz, measure).await.expect("row").expect("stored");
    assert_eq!((stored.content, version), (winner.report.content, 2), "the winner's content, nothing lost silently");
}

async fn a_report_step_on_an_old_version_is_stale(app: App) {
    let world = World::new(app, true).await;
    let (exec, by) = (world.actor(Who::ExecutorOfRecord), world.actor(Who::CoordinatorBy));
    let (quarter, maz, measure) = (world.report_quarter(), world.maz.id, world.joint.id);
    let app = &world.app;
    // A report not started yet is version 0; once started, 0 is stale.
    app.report_submit(&exec, quarter, maz, measure, 0, content("Готово", 50)).await.expect("submitted");
    let again = app.report_save(&exec, quarter, maz, measure, 0, content("Поверх", 60)).await;
    assert!(matches!(again, Err(Error::Stale { current: 1, .. })), "{again:?}");
    let before = world.audit_size().await;
    let stale = app.report_accept(&by, quarter, maz, measure, 0).await;
    assert!(matches!(stale, Err(Error::Stale { .. })), "{stale:?}");
    assert_eq!(world.audit_size().await, before, "nothing written");
    let accepted = app.report_accept(&by, quarter, maz, measure, 1).await.expect("accepted");
    assert_eq!((accepted.report.state, accepted.version), (ReportState::Accepted, 2));
}

async fn a_refused_report_writes_nothing_not_even_its_period(app: App) {
    let world = World::new(app, true).await;
    let exec = world.actor(Who::ExecutorOfRecord);
    let quarter = world.report_quarter();
    let before = world.audit_size().await;
    // MAZ does not execute the fishery's measure: the step that would open the period is refused.
    let refused = world.app.report_save(&exec, quarter, world.maz.id, world.khv_only.id, 0, content("x", 5)).await;
    let Err(Error::Refused(rule)) = refused else { panic!("refused, got {refused:?}") };
    assert_eq!(rule.code, "not_responsible");
    assert_eq!(world.audit_size().await, before, "nothing written");
    assert!(world.store().review_period(quarter).await.expect("period").is_none(), "the period stays unopened");
    // Another organisation's executor is refused before anything is read.
    let other = world.actor(Who::ExecutorOther);
    let forbidden = world.app.report_save(&other, quarter, world.maz.id, world.joint.id, 0, content("x", 5)).await;
    assert!(matches!(forbidden, Err(Error::Forbidden(_))), "{forbidden:?}");
    // A closed period refuses every step; its reports stay as they were.
    let by = world.actor(Who::CoordinatorBy);
    world
        .app
        .report_save(&exec, quarter, world.maz.id, world.joint.id, 0, content("Черновик", 10))
        .await
        .expect("draft");
    world.app.period_close(&by, quarter).await.expect("closed");
    let before = world.audit_size().await;
    let locked = world.app.report_submit(&exec, quarter, world.maz.id, world.joint.id, 1, content("Поздно", 90)).await;
    let Err(Error::Refused(rule)) = locked else { panic!("refused, got {locked:?}") };
    assert_eq!(rule.code, "period_closed");
    assert_eq!(world.audit_size().await, before);
    // Reopening needs a reason, and goes to the audit log with it.
    let no_reason = world.app.period_reopen(&by, quarter, "  ").await;
    assert!(matches!(no_reason, Err(Error::Refused(ref r)) if r.code == "reason_required"), "{no_reason:?}");
    let reopened = world.app.period_reopen(&by, quarter, "Ошибка в отчёте").await.expect("reopened");
    assert_eq!(reopened.state, PeriodState::InReview);
    let history = world.store().audit_history("review_period_reopened", &quarter.to_string()).await.expect("audit");
    assert_eq!(history.len(), 1);
    assert_eq!(history[0].reason.as_deref(), Some("Ошибка в отчёте"));
}

/// A decision recorded at the world's meeting, executed by `executors`.
async fn decision(
    world: &World,
    item: &str,
    text: &str,
    executors: Vec<accord_domain::plan::Executor>,
) -> (accord_domain::DecisionId, i64) {
    let meeting = world.review_meeting().await;
    let by = world.actor(Who::CoordinatorBy);
    let version = world.store().review_minutes_row(meeting.id).await.expect("minutes").map_or(0, |(_, v)| v);
    let new = NewDecision { item: item.into(), text: text.into(), executors, term: None };
    let d = world.app.decision_record(&by, meeting.quarter, version, new).await.expect("recorded");
    let (_, version) = world.store().review_decision_row(d.record.id).await.expect("stored");
    (d.record.id, version)
}

async fn a_decision_created_measure_for_the_other_side_only_is_refused(app: App) {
    let world = World::new(app, true).await;
    let (id, version) = decision(&world, "1.1", "Поставить рыбу в Могилёв", executors(&[&world.fish])).await;
    let measures = world.store().measures_of_plan(world.plan.id).await.expect("measures").len();
    let before = world.audit_size().await;
    let by = world.actor(Who::CoordinatorBy);
    let refused = world.app.decision_create_measure(&by, id, version, "10.").await;
    assert!(matches!(refused, Err(Error::Forbidden(_))), "the Belarusian side does not take part: {refused:?}");
    assert_eq!(world.audit_size().await, before, "nothing written");
    assert_eq!(world.store().measures_of_plan(world.plan.id).await.expect("measures").len(), measures);
    let (unlinked, still) = world.store().review_decision_row(id).await.expect("decision");
    assert_eq!((unlinked.measure, still), (None, version), "the decision is as it was");
    // The side that executes it may.
    let khv = world.actor(Who::CoordinatorKhv);
    let measure = world.app.decision_create_measure(&khv, id, version, "10.").await.expect("created");
    assert_eq!(measure.data.executors, executors(&[&world.fish]));
    assert_eq!(world.store().review_decision(id).await.expect("decision").measure, Some(measure.id));
}

async fn a_decision_created_measure_and_its_link_are_one_transaction(app: App) {
    let world = World::new(app, true).await;
    let (id, version) = decision(&world, "1.2", "Совместная выставка", executors(&[&world.maz, &world.fish])).await;
    let by = world.actor(Who::CoordinatorBy);
    let measures = world.store().measures_of_plan(world.plan.id).await.expect("measures").len();
    let before = world.audit_size().await;
    // A number the plan already has: the measure is refused, and the decision stays unlinked.
    let taken = world.app.decision_create_measure(&by, id, version, "1.").await;
    assert!(matches!(taken, Err(Error::Invalid(ref i)) if i.first().is_some_and(|f| f.field == "number")), "{taken:?}");
    // A stale decision: neither the measure nor the link is written.
    let stale = world.app.decision_create_measure(&by, id, version + 1, "11.").await;
    assert!(matches!(stale, Err(Error::Stale { entity: "decision", .. })), "{stale:?}");
    assert_eq!(world.audit_size().await, before, "nothing written");
    assert_eq!(world.store().measures_of_plan(world.plan.id).await.expect("measures").len(), measures);
    let measure = world.app.decision_create_measure(&by, id, version, "11.").await.expect("created");
    let (linked, now) = world.store().review_decision_row(id).await.expect("decision");
    assert_eq!((linked.measure, now), (Some(measure.id), version + 1));
    // An administrator may add measures but takes no part in the review session.
    let (other, v) = decision(&world, "1.3", "Ещё одно решение", executors(&[&world.maz])).await;
    let admin = world.actor(Who::Admin);
    assert!(matches!(world.app.decision_create_measure(&admin, other, v, "12.").await, Err(Error::Forbidden(_))));
}

async fn meetings_agenda_decisions_and_minutes_are_written_only_on_the_version_seen(app: App) {
    let world = World::new(app, true).await;
    let (by, khv) = (world.actor(Who::CoordinatorBy), world.actor(Who::CoordinatorKhv));
    let app = &world.app;
    let meeting = world.review_meeting().await;
    let quarter = meeting.quarter;
    let start = chrono::NaiveDate::from_ymd_opt(2026, 10, 23).and_then(|d| d.and_hms_opt(9, 0, 0)).expect("time");
    let stale = |result: Result<(), Error>, what: &str| {
        assert!(matches!(result, Err(Error::Stale { .. })), "{what}: {result:?}");
    };
    // The meeting: version 1 as scheduled; a second "new meeting" (version 0) is stale.
    stale(app.meeting_schedule(&khv, quarter, 0, start, 90).await.map(|_| ()), "a second first schedule");
    app.meeting_schedule(&khv, quarter, 1, start, 90).await.expect("moved");
    stale(app.meeting_schedule(&by, quarter, 1, start, 60).await.map(|_| ()), "a move on the old version");
    stale(app.meeting_attendance(&by, quarter, 1, &[]).await.map(|_| ()), "attendance on the old version");
    // The agenda: the whole list carries one version.
    let today = chrono::NaiveDate::from_ymd_opt(2026, 10, 20).expect("date");
    let generated = app.agenda_generate(&by, quarter, 0, today).await.expect("generated");
    assert_eq!(generated.version, 1);
    let first = generated.agenda.items[0].id;
    app.agenda_item_move(&khv, quarter, 1, first, 1).await.expect("moved down");
    stale(app.agenda_item_remove(&by, quarter, 1, first).await.map(|_| ()), "a removal on the list before the move");
    let (agenda, version) = world.store().review_agenda_row(meeting.id).await.expect("agenda");
    assert_eq!((agenda.expect("agenda").items[1].id, version), (first, 2), "the move stands");
    // Decisions and minutes.
    let (id, version) = decision(&world, "1.1", "Подготовить справку", Vec::new()).await;
    app.decision_control(&khv, id, version, ControlStatus::Done, None, "готово").await.expect("done");
    let twice = app.decision_control(&by, id, version, ControlStatus::RemovedFromControl, None, "").await;
    stale(twice.map(|_| ()), "a second status change on the same version");
    let minutes = world.store().review_minutes_row(meeting.id).await.expect("minutes").expect("recorded").1;
    app.minutes_edit(&by, quarter, minutes, "Ход выполнения", "Заслушали").await.expect("edited");
    stale(app.minutes_edit(&khv, quarter, minutes, "Ход", "Поверх").await.map(|_| ()), "an edit on the old minutes");
    stale(app.minutes_approve(&khv, quarter, minutes).await.map(|_| ()), "a key on words the approver did not read");
}

async fn the_second_key_locks_the_minutes(app: App) {
    let world = World::new(app, true).await;
    let (by, khv) = (world.actor(Who::CoordinatorBy), world.actor(Who::CoordinatorKhv));
    let meeting = world.review_meeting().await;
    let quarter = meeting.quarter;
    let app = &world.app;
    let v = app.minutes_edit(&by, quarter, 0, "Ход выполнения", "Заслушали").await.expect("minutes").version;
    let v = app.minutes_approve(&by, quarter, v).await.expect("first key").version;
    let same_side = app.minutes_approve(&by, quarter, v).await;
    assert!(matches!(same_side, Err(Error::Refused(ref r)) if r.code == "second_key"), "{same_side:?}");
    let executor = app.minutes_approve(&world.actor(Who::ExecutorOfRecord), quarter, v).await;
    assert!(matches!(executor, Err(Error::Forbidden(_))), "{executor:?}");
    let locked = app.minutes_approve(&khv, quarter, v).await.expect("second key");
    let hash = locked.minutes.locked_hash.clone().expect("locked");
    assert!(locked.minutes.verify());
    let lock = world.store().audit_history("review_minutes_lock", &meeting.id.to_string()).await.expect("audit");
    assert!(lock.len() == 1 && lock[0].after.as_deref().is_some_and(|a| a.contains(&hash)));
    let edit = app.minutes_edit(&by, quarter, locked.version, "Ход", "Правка").await;
    assert!(matches!(edit, Err(Error::Refused(ref r)) if r.code == "minutes_locked"), "{edit:?}");
    let record = NewDecision { item: "1.9".into(), text: "Поздно".into(), executors: Vec::new(), term: None };
    let late = app.decision_record(&by, quarter, locked.version, record).await;
    assert!(matches!(late, Err(Error::Refused(ref r)) if r.code == "minutes_locked"), "{late:?}");
}

async fn the_operator_sends_reminders_but_takes_no_part_in_the_review(app: App) {
    let world = World::new(app, true).await;
    let operator = Actor::operator();
    let quarter = world.report_quarter();
    let refused = world.app.period_open(&operator, quarter).await;
    let Err(Error::Forbidden(rule)) = refused else { panic!("refused, got {refused:?}") };
    assert_eq!(rule.key, "review-rule-needs-person", "the refusal says to name the person acting");
    let by = world.actor(Who::CoordinatorBy);
    world.app.period_open(&by, quarter).await.expect("opened");
    // After the deadline, MAZ and the fishery owe their reports on the joint measure.
    let today = chrono::NaiveDate::from_ymd_opt(2027, 3, 1).expect("date");
    let sent = world.app.reminders_send(&operator, quarter, today, Delivery::ToCaller).await.expect("reminders");
    let mut late: Vec<&str> = sent.messages.iter().map(|m| m.organisation.as_str()).collect();
    late.sort_unstable();
    assert_eq!(late, ["KHV-FISH", "MAZ"]);
    assert!(sent.written.is_empty(), "the caller mails them");
    let dir = tempfile::tempdir().expect("folder");
    let written =
        world.app.reminders_send(&operator, quarter, today, Delivery::Outbox(dir.path())).await.expect("outbox");
    assert_eq!(written.written.len(), 2);
    let observer = world.actor(Who::Observer);
    assert!(matches!(
        world.app.reminders_send(&observer, quarter, today, Delivery::ToCaller).await,
        Err(Error::Forbidden(_))
    ));
}

/// Issue 16: a quarterly measure is overdue once a quarter has ended without its report handed
/// in, no longer once it is, and again when the next quarter ends unreported (it used to wait
/// for the plan's end, 31.12.2027).
async fn a_quarterly_measure_is_overdue_until_its_report_is_handed_in(app: App) {
    use accord_domain::plan::MeasureForm;
    use accord_store::{Author, MeasureFilter, Paging};
    let world = World::new(app, false).await;
    let form = MeasureForm {
        term: "ежеквартально".into(), ..measure_form("4.", "Ярмарка продукции")
    };
    let data = form.validate(executors(&[&world.maz])).expect("valid");
    let measure = world.store().measure_create(Author::SYSTEM, world.plan.id, &data).await.expect("measure");
    let overdue_on = |day: chrono::NaiveDate| {
        let store = world.store().clone();
        let plan = world.plan.id;
        async move {
            let filter = MeasureFilter { overdue: true, today: Some(day), ..Default::default() };
            let page = store.measure_list(plan, &filter, Paging::default()).await.expect("list");
            page.items.iter().any(|m| m.id == measure.id)
        }
    };
    let day = |y, m, d| chrono::NaiveDate::from_ymd_opt(y, m, d).expect("date");
    assert!(!overdue_on(day(2025, 3, 31)).await, "its first quarter has not ended");
    assert!(overdue_on(day(2027, 1, 15)).await, "2026Q4 ended and nothing was handed in");
    let exec = world.actor(Who::ExecutorOfRecord);
    let quarter = world.report_quarter();
    assert_eq!(quarter.to_string(), "2026Q4");
    world
        .app
        .report_submit(&exec, quarter, world.maz.id, measure.id, 0, content("Ярмарка проведена", 25))
        .await
        .expect("submitted");
    assert!(!overdue_on(day(2027, 1, 15)).await, "2026Q4's report is handed in");
    assert!(overdue_on(day(2027, 4, 2)).await, "2027Q1 ended unreported");
}
