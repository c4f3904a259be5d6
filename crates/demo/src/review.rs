//! Demo review history, deterministic: periods 2025Q1…2026Q3 of the demo plan; the past six
//! reviewed and closed with their meetings (one every three months from 22 April 2025, the
//! first slot fitting both sides), decisions ("п. 1.1 протокола от …") and minutes approved
//! by both coordinators; 2026Q3 open with its meeting proposed three months after the last,
//! some reports accepted, one submitted, one returned, the rest missing (overdue).

use accord_app::Error as AppError;
use accord_domain::directory::Role;
use accord_domain::plan::{Measure, Status};
use accord_domain::review::{
    Actor, Attendance, ControlStatus, Decision, DecisionRecord, Meeting, MinutesContent, MinutesItem, Participant,
    ParticipantRole, ProtocolRef, ReportContent, WorkingHours, next_meeting,
};
use accord_domain::{DecisionId, MeetingId, OrganisationId, PersonId, Quarter, Side, UserId};
use accord_store::{PeriodStep, ReportStep, Store};
use chrono::{DateTime, TimeDelta, TimeZone, Utc};

fn executor(organisation: OrganisationId, side: Side) -> Actor {
    // Demo executors act without an account of their own; the audit log shows the system.
    Actor { user: UserId::new_at(0, [9; 10]), role: Role::Executor { side, organisation } }
}

fn content(measure: &Measure, step: usize, organisation_code: &str) -> ReportContent {
    // Under 100 (a done measure closes), growing by five points a quarter.
    let percent = (usize::from(measure.data.percent.saturating_sub(30)) + (step % 12) * 5).min(95) as u8;
    ReportContent {
        status: if percent == 0 { Status::NotStarted } else { Status::InProgress },
        percent,
        actuals: Vec::new(),
        done: format!("{organisation_code}: работа по мероприятию {} продолжается (этап {step}).", measure.data.number),
        problems: if step.is_multiple_of(3) {
            "Задержка согласования сроков поставки.".into()
        } else {
            String::new()
        },
        help_needed: String::new(),
        attachments: Vec::new(),
    }
}

/// Loads the demo review unless a period exists already. Returns the periods created.
pub async fn load(store: &Store) -> Result<usize, AppError> {
    if !store.review_periods().await?.is_empty() {
        return Ok(0);
    }
    let Ok(plan) = accord_app::App::new(store.clone()).plan_resolve(None).await else { return Ok(0) };
    let coordinator = |login: &'static str, side: Side| async move {
        let user = store.user_by_login(login).await?;
        Ok::<Actor, AppError>(Actor { user: user.id, role: Role::Coordinator { side } })
    };
    let (coord_by, coord_khv) = (coordinator("coord.by", Side::By).await?, coordinator("coord.khv", Side::Khv).await?);
    let coord_of = |side: Side| if side == Side::By { coord_by } else { coord_khv };
    let measures: Vec<Measure> = store
        .measures_of_plan(plan.id)
        .await?
        .into_iter()
        .filter(|m| !m.data.status.is_closed() && !m.data.executors.is_empty())
        .collect();
    let orgs = store.organisation_all().await?;
    let code_of =
        |id: OrganisationId| orgs.iter().find(|o| o.id == id).map(|o| o.data.code.to_string()).unwrap_or_default();
    let mut participants = Vec::new();
    for (code, side, role) in [
        ("MOG-OIK", Side::By, ParticipantRole::Chair),
        ("MOG-FER", Side::By, ParticipantRole::Coordinator),
        ("KHV-GOV", Side::Khv, ParticipantRole::Chair),
        ("KHV-ECON", Side::Khv, ParticipantRole::Coordinator),
    ] {
        let Ok(org) = store.organisation_by_code(code).await else { continue };
        let people = store
            .person_list(
                &accord_store::PersonFilter { organisation: Some(org.id), ..Default::default() },
                accord_store::Paging::default(),
            )
            .await?;
        if let Some(p) = people.items.first() {
            participants.push(Participant {
                person: p.person.id,
                side,
                role,
                attendance: Attendance::Invited,
                email: p.person.data.email.clone().or_else(|| org.data.email.clone()),
            });
        }
    }
    let calendar = accord_domain::review::HolidayCalendar::builtin();
    let app = accord_app::App::new(store.clone());
    let operator = accord_app::Actor::operator();
    let seeder = app.seeder(&operator)?;
    let first = Quarter::new(2025, 1).ok_or_else(|| AppError::internal("demo quarter"))?;
    let open = Quarter::new(2026, 3).ok_or_else(|| AppError::internal("demo quarter"))?;
    let mut start: DateTime<Utc> =
        Utc.with_ymd_and_hms(2025, 4, 22, 7, 0, 0).single().ok_or_else(|| AppError::Internal("demo time".into()))?;
    let mut quarter = first;
    let mut created = 0;
    let mut n: u64 = 0;
    let mut id = || {
        n += 1;
        n
    };
    loop {
        let meeting_date = accord_domain::review::schedule::local(Side::By, start).date();
        seeder.review_period(plan.id, quarter, meeting_date).await?;
        created += 1;
        let step = created * 2;
        let is_open = quarter == open;
        // Reports: every executor organisation of every reported measure, except (in the open
        // quarter) the ones left missing to show overdue submissions.
        for (mi, measure) in measures.iter().enumerate() {
            for (ei, e) in measure.data.executors.iter().enumerate() {
                let code = code_of(e.organisation);
                let exec = executor(e.organisation, e.side);
                let edit = ReportStep::Edit(content(measure, step + mi, &code));
                let (organisation, measure_id) = (e.organisation, measure.id);
                let seeder = &seeder;
                let at = |steps: Vec<ReportStep>, who: Actor| async move {
                    seeder.review_report(&who, quarter, organisation, measure_id, &steps).await
                };
                if !is_open {
                    at(vec![edit, ReportStep::Submit], exec).await?;
                    at(vec![ReportStep::Accept], coord_of(e.side)).await?;
                    continue;
                }
                match (mi, ei) {
                    (0 | 1, _) => {
                        at(vec![edit, ReportStep::Submit], exec).await?;
                        at(vec![ReportStep::Accept], coord_of(e.side)).await?;
                    }
                    (2, 0) => {
                        at(vec![edit, ReportStep::Submit], exec).await?;
                        let comment = ReportStep::Return {
                            comment: "Уточните процент выполнения и приложите акт.".into(),
                        };
                        at(vec![comment], coord_of(e.side)).await?;
                    }
                    (3, _) => {
                        at(vec![edit, ReportStep::Submit], exec).await?;
                    }
                    (4, 0) => {
                        at(vec![edit], exec).await?;
                    }
                    _ => {}
                }
            }
        }
        // The meeting, with both sides' chairs and coordinators.
        let meeting_id = MeetingId::new_at(start.timestamp_millis().unsigned_abs(), [7; 10]);
        let (mut meeting, _) = Meeting::new(meeting_id, quarter, start, 120, &calendar)?;
        meeting.participants = participants.clone();
        if !is_open {
            for p in &mut meeting.participants {
                p.attendance = Attendance::Present;
            }
        }
        let agenda = app.review_agenda_draft(&plan, &meeting, meeting_date).await?;
        seeder.review_meeting(&meeting, &agenda).await?;
        if is_open {
            break;
        }
        // Minutes with two decisions, approved by both coordinators.
        let mut decisions = Vec::new();
        let fer = store.organisation_by_code("MOG-FER").await.ok();
        let econ = store.organisation_by_code("KHV-ECON").await.ok();
        let executors: Vec<accord_domain::plan::Executor> = [(fer, Side::By), (econ, Side::Khv)]
            .into_iter()
            .filter_map(|(o, side)| o.map(|o| accord_domain::plan::Executor { organisation: o.id, side, lead: true }))
            .collect();
        let texts = [
            format!("Подготовить сводный отчёт о выполнении плана за {quarter} и направить сторонам."),
            "Проработать вопрос поставок техники МАЗ и МТЗ для предприятий края.".to_string(),
        ];
        let next_date = meeting_date + TimeDelta::days(91);
        for (i, text) in texts.iter().enumerate() {
            let reference = ProtocolRef::new(vec![1, i as u32 + 1], meeting_date)?;
            decisions.push(DecisionRecord {
                id: DecisionId::new_at(id() + start.timestamp_millis().unsigned_abs(), [8; 10]),
                meeting: meeting.id,
                reference,
                text: text.clone(),
                executors: executors.clone(),
                term: Some(next_date),
            });
        }
        let content = MinutesContent {
            meeting: meeting.id,
            date: meeting_date,
            attendees: meeting.participants.iter().map(|p| p.person).collect::<Vec<PersonId>>(),
            items: vec![MinutesItem {
                number: "1".into(),
                heading: "О ходе выполнения Плана мероприятий".into(),
                text: format!("Заслушаны координаторы сторон о выполнении плана за {quarter}."),
            }],
            decisions: decisions.clone(),
        };
        seeder.review_minutes(&content, meeting.id, [&coord_by, &coord_khv]).await?;
        // Earlier decisions: the first done, the second of all but the last meeting removed
        // from control; the last meeting's stay on control.
        let next_start = next_meeting(start, TimeDelta::minutes(120), WorkingHours::default(), &calendar)?.start;
        if quarter.next() != open {
            for (i, record) in decisions.iter().enumerate() {
                let mut d = store.review_decision(record.id).await?;
                let to = if i == 0 { ControlStatus::Done } else { ControlStatus::RemovedFromControl };
                d.set_control(&coord_by, to, None, Some("Выполнено к следующему заседанию"), next_start)?;
                seeder.review_decision(&d).await?;
            }
        } else if let Some(record) = decisions.get(1) {
            let mut d: Decision = store.review_decision(record.id).await?;
            d.set_control(
                &coord_khv,
                ControlStatus::Postponed,
                Some(next_date + TimeDelta::days(90)),
                None,
                next_start,
            )?;
            seeder.review_decision(&d).await?;
        }
        seeder.review_period_step(&coord_by, quarter, PeriodStep::Close).await?;
        start = next_start;
        quarter = quarter.next();
    }
    Ok(created)
}
