//! The quarterly review: reporting periods and the report workflow, overdue reminders (the
//! outbox), snapshots and their comparison, the meeting (both local times, slots, the
//! invitation file), the agenda, the review session, the decisions register and the two-key
//! minutes. Pages under `/review`, the API under `/api/v1/review`. The rules are the domain's
//! (`accord_domain::review`); this module gathers their inputs and shows their results.

mod api;
pub mod demo;
mod evidence;
mod pages;

pub use pages::{DecisionRow, measure_decision_rows};

use crate::AppState;
use crate::error::AppError;
use crate::i18n::Tr;
use accord_domain::directory::{Locale, UserAccount};
use accord_domain::plan::{Measure, Plan};
use accord_domain::quarter::Quarter;
use accord_domain::review::agenda::measures_due_in;
use accord_domain::review::{
    Actor, Agenda, AgendaInput, DimensionProgress, HolidayCalendar, KeyFigure, Meeting, PlanPeriod, ReportingPeriod,
    reminders,
};
use accord_domain::{MeetingId, OrganisationId, Side};
use accord_store::{ReviewRefusal, Store, StoreError};
use axum::Router;
use chrono::{NaiveDate, Utc};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

pub fn routes() -> Router<AppState> {
    pages::routes().merge(api::routes()).merge(evidence::routes())
}

/// Routes that receive files (evidence on reports); the app gives them the upload body limit.
pub fn upload_routes() -> Router<AppState> {
    evidence::upload_routes()
}

/// A domain label key (`review.report.state.returned`) as a Fluent id (`review-report-state-returned`).
pub fn fluent_id(key: &str) -> String {
    key.replace('.', "-")
}

/// The signed-in user as the review rules see them.
pub fn actor(user: &UserAccount) -> Actor {
    Actor { user: user.id, role: user.role }
}

/// The plan under review and the quarters it covers.
pub async fn plan_period(store: &Store) -> Result<(Plan, PlanPeriod), AppError> {
    let plan = crate::plan::resolve_plan(store, None).await?;
    let period = store.review_plan_period(plan.id).await?;
    Ok((plan, period))
}

/// Parses a quarter ("2025Q3") and checks the plan covers it: a malformed or outside one is a
/// refusal naming the quarter and the plan's range.
pub async fn parse_quarter(store: &Store, raw: &str) -> Result<(Plan, Quarter), AppError> {
    let (plan, period) = plan_period(store).await?;
    let quarter = period.parse_quarter(raw.trim()).map_err(|e| StoreError::Review(ReviewRefusal::Period(e)))?;
    Ok((plan, quarter))
}

/// The stored period of a quarter, or the one it would be when opened (not stored).
pub async fn period_or_default(
    store: &Store,
    plan: &PlanPeriod,
    quarter: Quarter,
) -> Result<(ReportingPeriod, bool), AppError> {
    if let Some(p) = store.review_period(quarter).await? {
        return Ok((p, true));
    }
    let p = ReportingPeriod::new(*plan, quarter, accord_store::default_meeting_date(quarter), None)
        .map_err(|e| StoreError::Review(ReviewRefusal::Period(e)))?;
    Ok((p, false))
}

/// Names of organisations by id, in the reader's language.
pub async fn organisation_names(store: &Store, english: bool) -> Result<BTreeMap<OrganisationId, String>, AppError> {
    Ok(store
        .organisation_all()
        .await?
        .into_iter()
        .map(|o| {
            let name = o.data.short_name(english).to_string();
            (o.id, name)
        })
        .collect())
}

/// The agenda a meeting's data suggests: decisions of the last meeting and those still on
/// control, overdue measures, measures due next quarter, progress by dimension, and trade in
/// both directions when the trade module has figures for the quarter, and the indicators
/// that logistics chains measure with their change.
pub async fn generate_agenda(
    store: &Store,
    plan: &Plan,
    meeting: &Meeting,
    today: NaiveDate,
) -> Result<Agenda, AppError> {
    let measures = store.measures_of_plan(plan.id).await?;
    let meetings = store.review_meetings().await?;
    let last_meeting = meetings.iter().filter(|m| m.start < meeting.start).map(|m| m.id).next_back();
    let quarter = meeting.quarter;
    let overdue_measures: Vec<_> = measures
        .iter()
        .filter(|m| !m.data.status.is_closed())
        .filter(|m| {
            m.data.term.due_dates(plan.period_start, plan.period_end).iter().any(|d| *d <= quarter.last_day())
                && m.data.percent < 100
        })
        .map(|m| m.id)
        .collect();
    let next = quarter.next();
    let input = AgendaInput {
        today: Some(today),
        last_meeting,
        decisions: store.review_decisions().await?,
        overdue_measures,
        next_quarter: Some((next, measures_due_in(&measures, next, plan.period_start, plan.period_end))),
        progress: progress_by_dimension(&measures),
        trade: trade_figures(store, quarter).await?,
        service_centre: service_centre_figures(store, quarter).await?,
        logistics: crate::logistics::indicators::agenda_figures(store, quarter).await?,
        side_items: Vec::new(),
    };
    Ok(Agenda::generate(meeting.id, input, || store.review_new_agenda_item_id()))
}

/// Average percent done per dimension (section) of the plan.
pub fn progress_by_dimension(measures: &[Measure]) -> Vec<DimensionProgress> {
    let mut by: BTreeMap<String, (usize, u32)> = BTreeMap::new();
    for m in measures {
        let e = by.entry(m.data.section.clone()).or_default();
        e.0 += 1;
        e.1 += u32::from(m.data.percent);
    }
    by.into_iter()
        .map(|(dimension, (n, sum))| DimensionProgress {
            dimension,
            measures: n,
            percent: if n == 0 { 0.0 } else { f64::from(sum) / n as f64 },
        })
        .collect()
}

/// Exports and imports of the quarter as Belarusian statistics report them (USD), with the
/// quarter before; `None` when the trade module has no figures for it.
async fn trade_figures(store: &Store, quarter: Quarter) -> Result<Option<Vec<KeyFigure>>, AppError> {
    use accord_domain::trade::{Currency, Granularity, PeriodRange, RateBasis, ReportedBy, Scope};
    let request = crate::trade::SummaryRequest {
        range: PeriodRange::quarters(quarter.prev(), quarter),
        granularity: Granularity::Quarter,
        by: None,
        currency: Currency::Usd,
        basis: RateBasis::MonthlyAverage,
    };
    let summariser = crate::trade::Summariser::load(store).await?;
    let Ok(Some(summary)) = summariser.one(&request, Scope::REGIONS, ReportedBy::First) else { return Ok(None) };
    let buckets = &summary.summary.buckets;
    let (Some(current), previous) = (buckets.last(), buckets.len().checked_sub(2).and_then(|i| buckets.get(i))) else {
        return Ok(None);
    };
    let figure = |key: &str, now: rust_decimal::Decimal, before: Option<rust_decimal::Decimal>| KeyFigure {
        key: key.to_string(),
        value: now.round_dp(0),
        unit: Some("USD".into()),
        previous: before.map(|b| b.round_dp(0)),
    };
    Ok(Some(vec![
        figure("review-trade-exports", current.figures.exports, previous.map(|p| p.figures.exports)),
        figure("review-trade-imports", current.figures.imports, previous.map(|p| p.figures.imports)),
    ]))
}

/// The service centre's figures of the quarter as the agenda and the briefing pack show them:
/// machines on the books, КТГ, КВ, MTBF, MTTR, the share of preventive services done on time
/// and the work orders open at the quarter's end, each with the quarter before for the change.
/// `None` when the fleet has nothing to say for the quarter: no machine on its books then, or
/// the quarter ends after the fleet's data does (its as-of date): past it every machine reads
/// as ready and idle, figures that would be extrapolated rather than measured.
pub async fn service_centre_figures(store: &Store, quarter: Quarter) -> Result<Option<Vec<KeyFigure>>, AppError> {
    if quarter.last_day() > crate::fleet::today(store).await? {
        return Ok(None);
    }
    let now = store.fleet_quarter_figures(quarter).await?;
    let before = store.fleet_quarter_figures(quarter.prev()).await?;
    Ok(service_centre_key_figures(&now, &before))
}

/// [`service_centre_figures`] from the two quarters' figures (a share as a percentage with one
/// decimal, hours with one decimal; a figure the quarter cannot give is left out).
pub fn service_centre_key_figures(
    now: &accord_store::QuarterFigures,
    before: &accord_store::QuarterFigures,
) -> Option<Vec<KeyFigure>> {
    use rust_decimal::Decimal;
    if now.machines == 0 {
        return None;
    }
    let had_machines = before.machines > 0;
    let share = |v: Option<f64>| v.and_then(|v| Decimal::from_f64_retain(v * 100.0)).map(|d| d.round_dp(1));
    let hours = |v: Option<f64>| v.and_then(Decimal::from_f64_retain).map(|d| d.round_dp(1));
    let mut out = vec![KeyFigure {
        key: "review-sc-machines".into(),
        value: Decimal::from(now.machines),
        unit: None,
        previous: had_machines.then(|| Decimal::from(before.machines)),
    }];
    let measured = [
        ("review-sc-ktg", share(now.ktg), share(before.ktg), Some("%")),
        ("review-sc-kv", share(now.kv), share(before.kv), Some("%")),
        ("review-sc-mtbf", hours(now.mtbf), hours(before.mtbf), None),
        ("review-sc-mttr", hours(now.mttr), hours(before.mttr), None),
        ("review-sc-on-time", share(now.on_time), share(before.on_time), Some("%")),
    ];
    for (key, value, previous, unit) in measured {
        if let Some(value) = value {
            out.push(KeyFigure {
                key: key.into(),
                value,
                unit: unit.map(str::to_string),
                previous: previous.filter(|_| had_machines),
            });
        }
    }
    out.push(KeyFigure {
        key: "review-sc-open-orders".into(),
        value: Decimal::from(now.open_work_orders),
        unit: None,
        previous: had_machines.then(|| Decimal::from(before.open_work_orders)),
    });
    Some(out)
}

/// A key figure's value as the reader writes it: grouped thousands, the reader's decimal
/// mark, the unit ("91,2 %", "1 234 567 USD").
pub fn figure_value(tr: &Tr, value: rust_decimal::Decimal, unit: Option<&str>) -> String {
    use rust_decimal::prelude::ToPrimitive;
    let whole = value.trunc();
    let mut text = match whole.to_i64() {
        Some(i) if value.fract().is_zero() => tr.int(i),
        Some(i) => {
            let fraction = tr.decimal(value.fract().abs());
            let sign = if value.is_sign_negative() && i == 0 { "-" } else { "" };
            format!("{sign}{}{}", tr.int(i), fraction.trim_start_matches('0'))
        }
        None => tr.decimal(value),
    };
    match unit {
        Some("%") if tr.is_en() => text.push('%'),
        Some(u) => {
            text.push('\u{a0}');
            text.push_str(u);
        }
        None => {}
    }
    text
}

/// The change of a key figure since the figure before: signed, in percentage points for a
/// share; a dash when there is no figure before.
pub fn figure_change(tr: &Tr, figure: &KeyFigure) -> String {
    let Some(previous) = figure.previous else { return "—".to_string() };
    let delta = figure.value - previous;
    let unit = match figure.unit.as_deref() {
        Some("%") => Some(tr.t("review-sc-points")),
        other => other.map(str::to_string),
    };
    let text = figure_value(tr, delta, None);
    let sign = if delta.is_sign_positive() && !delta.is_zero() { "+" } else { "" };
    match unit {
        Some(u) => format!("{sign}{text}\u{a0}{u}"),
        None => format!("{sign}{text}"),
    }
}

/// One figure as an agenda line: "КТГ: 91,2 % (за предыдущий квартал: 89,5 %; +1,7 п. п.)".
pub fn figure_line(tr: &Tr, figure: &KeyFigure) -> String {
    let value = figure_value(tr, figure.value, figure.unit.as_deref());
    match figure.previous {
        Some(previous) => tr.ta(
            "review-figure-line",
            &[
                ("name", tr.t(&figure.key)),
                ("value", value),
                ("previous", figure_value(tr, previous, figure.unit.as_deref())),
                ("change", figure_change(tr, figure)),
            ],
        ),
        None => format!("{}: {value}", tr.t(&figure.key)),
    }
}

/// One reminder, rendered: the file name in the outbox and the message.
#[derive(Debug, Clone, serde::Serialize)]
pub struct OutboxMessage {
    pub organisation: String,
    pub to: Vec<String>,
    pub subject: String,
    pub body: String,
}

impl OutboxMessage {
    /// The message as an RFC 5322 file (UTF-8, quoted-printable-free: 8bit body).
    pub fn eml(&self, from: &str, date: chrono::DateTime<Utc>) -> String {
        let subject = encoded_word(&self.subject);
        let to = if self.to.is_empty() { "undisclosed-recipients:;".to_string() } else { self.to.join(", ") };
        format!(
            "From: {from}\r\nTo: {to}\r\nSubject: {subject}\r\nDate: {}\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n{}\r\n",
            date.to_rfc2822(),
            self.body.replace('\n', "\r\n")
        )
    }
}

/// A header value with non-ASCII text as an RFC 2047 encoded word.
fn encoded_word(text: &str) -> String {
    if text.is_ascii() {
        return text.to_string();
    }
    use base64::Engine;
    format!("=?utf-8?B?{}?=", base64::engine::general_purpose::STANDARD.encode(text.as_bytes()))
}

/// Who has not handed in every report of `quarter` by the deadline, as messages to each late
/// organisation's people (in Russian: both sides' working language).
pub async fn remind(store: &Store, quarter: Quarter, today: NaiveDate) -> Result<Vec<OutboxMessage>, AppError> {
    let tr = Tr::new(Locale::Ru);
    let late = store.review_overdue(quarter, today).await?;
    let plan = store.review_period_plan(quarter).await?;
    let measures: BTreeMap<_, _> = store.measures_of_plan(plan).await?.into_iter().map(|m| (m.id, m)).collect();
    let mut out = Vec::new();
    for reminder in reminders(&late) {
        let org = store.organisation(reminder.recipient).await?;
        let people = store
            .person_list(
                &accord_store::PersonFilter { organisation: Some(org.id), ..Default::default() },
                accord_store::Paging::new(Some(1), Some(200)),
            )
            .await?;
        let mut to: Vec<String> = people.items.iter().filter_map(|p| p.person.data.email.clone()).collect();
        // Nobody with an address: the organisation's own office address.
        if to.is_empty() {
            to.extend(org.data.email.clone());
        }
        let subject = tr.ta(
            &fluent_id(reminder.subject_key),
            &[("quarter", reminder.quarter.to_string()), ("deadline", tr.day(reminder.deadline))],
        );
        let mut body = tr.ta(
            "review-remind-body",
            &[
                ("organisation", org.data.short_name(false).to_string()),
                ("quarter", reminder.quarter.to_string()),
                ("deadline", tr.day(reminder.deadline)),
                ("days", reminder.days_late.to_string()),
            ],
        );
        body.push('\n');
        for m in &reminder.measures {
            if let Some(measure) = measures.get(m) {
                body.push_str(&format!("\n  {} {}", measure.data.number, measure.data.title_ru));
            }
        }
        out.push(OutboxMessage { organisation: org.data.code.to_string(), to, subject, body });
    }
    Ok(out)
}

/// The sender of reminders and organiser of invitations: `ACCORD_MAIL_FROM`, by default an
/// address under the reserved `.invalid` domain (replies go nowhere until one is configured).
pub fn mail_from() -> String {
    std::env::var("ACCORD_MAIL_FROM").ok().filter(|v| v.contains('@')).unwrap_or_else(|| "review@accord.invalid".into())
}

/// Where reminders wait when no mail server is configured: `DATA/outbox` beside `DATA/files`.
pub fn outbox_dir(store: &Store) -> Option<PathBuf> {
    store.files_dir().and_then(Path::parent).map(|d| d.join("outbox"))
}

/// Writes one `.eml` file per message into `dir`, named by quarter and organisation (a later
/// run for the same quarter replaces the file). Returns the paths written.
pub fn write_outbox(dir: &Path, quarter: Quarter, messages: &[OutboxMessage]) -> std::io::Result<Vec<PathBuf>> {
    std::fs::create_dir_all(dir)?;
    let now = Utc::now();
    let mut written = Vec::new();
    for m in messages {
        let safe: String =
            m.organisation.chars().map(|c| if c.is_ascii_alphanumeric() || c == '-' { c } else { '_' }).collect();
        let path = dir.join(format!("{quarter}-{safe}.eml"));
        std::fs::write(&path, m.eml(&mail_from(), now))?;
        written.push(path);
    }
    Ok(written)
}

/// The meeting of `quarter` as an iCalendar invitation.
pub async fn meeting_ics(store: &Store, quarter: Quarter) -> Result<String, AppError> {
    use accord_formats::review::ics::{CalAddress, CalRole, Invitation, write_invitation};
    let meeting = store.review_meeting_of(quarter).await?.ok_or(AppError::NotFound)?;
    let tr = Tr::new(Locale::Ru);
    let mut names = BTreeMap::new();
    for p in &meeting.participants {
        if let Ok(row) = store.person(p.person).await {
            names.insert(p.person, row.person.data.full_name_ru.clone());
        }
    }
    let summary = tr.ta("review-ics-summary", &[("quarter", quarter.to_string())]);
    let description = tr.ta(
        "review-ics-description",
        &[("minsk", local_text(Side::By, meeting.start)), ("khabarovsk", local_text(Side::Khv, meeting.start))],
    );
    let organizer = CalAddress { email: mail_from(), name: Some("accord".into()), role: CalRole::Chair };
    let invitation = Invitation::for_meeting(
        &meeting,
        Utc::now(),
        summary,
        description,
        Some(tr.t("review-videoconference")),
        organizer,
        |id| names.get(&id).cloned(),
    );
    write_invitation(&invitation).map_err(|e| AppError::Internal(e.to_string()))
}

/// A time as one side reads it: "22.04.2025 10:00".
pub fn local_text(side: Side, at: chrono::DateTime<Utc>) -> String {
    accord_domain::review::schedule::local(side, at).format("%d.%m.%Y %H:%M").to_string()
}

/// The holiday table of both sides.
pub fn calendar() -> HolidayCalendar {
    HolidayCalendar::builtin()
}

/// The meeting before `meeting` (by start), for "last meeting's decisions".
pub async fn previous_meeting(store: &Store, meeting: MeetingId) -> Result<Option<Meeting>, AppError> {
    let all = store.review_meetings().await?;
    let Some(i) = all.iter().position(|m| m.id == meeting) else { return Ok(None) };
    Ok(i.checked_sub(1).and_then(|p| all.get(p)).cloned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use accord_store::QuarterFigures;
    use rust_decimal::Decimal;

    fn figures(machines: u32, ktg: Option<f64>, open: u64) -> QuarterFigures {
        QuarterFigures {
            quarter: "2025Q2".into(),
            machines,
            ktg,
            kv: Some(0.6),
            mtbf: Some(703.54),
            mttr: None,
            on_time: Some(0.8),
            open_work_orders: open,
        }
    }

    #[test]
    fn service_centre_figures_need_machines_and_leave_out_what_the_quarter_cannot_give() {
        assert_eq!(service_centre_key_figures(&figures(0, None, 0), &figures(10, Some(0.9), 1)), None);
        let got = service_centre_key_figures(&figures(30, Some(0.9028), 14), &figures(0, None, 0)).expect("figures");
        let keys: Vec<&str> = got.iter().map(|f| f.key.as_str()).collect();
        assert_eq!(
            keys,
            [
                "review-sc-machines",
                "review-sc-ktg",
                "review-sc-kv",
                "review-sc-mtbf",
                "review-sc-on-time",
                "review-sc-open-orders"
            ],
            "no MTTR without repairs"
        );
        assert_eq!(got[1].value, Decimal::new(903, 1), "a share as a percentage, one decimal");
        assert_eq!(got[3].value, Decimal::new(7035, 1), "hours, one decimal");
        assert!(got.iter().all(|f| f.previous.is_none()), "no fleet the quarter before: no change");
    }

    #[test]
    fn figures_read_as_each_language_writes_them() {
        let ru = Tr::new(Locale::Ru);
        let en = Tr::new(Locale::En);
        assert_eq!(figure_value(&ru, Decimal::new(12345675, 1), Some("%")), "1\u{a0}234\u{a0}567,5\u{a0}%");
        assert_eq!(figure_value(&en, Decimal::new(12345675, 1), Some("%")), "1,234,567.5%");
        assert_eq!(figure_value(&ru, Decimal::new(-5, 1), None), "-0,5");
        assert_eq!(figure_value(&en, Decimal::from(1500), Some("USD")), "1,500\u{a0}USD");
        let ktg = KeyFigure {
            key: "review-sc-ktg".into(),
            value: Decimal::new(903, 1),
            unit: Some("%".into()),
            previous: Some(Decimal::new(895, 1)),
        };
        assert_eq!(figure_change(&ru, &ktg), "+0,8\u{a0}п. п.");
        assert_eq!(figure_line(&en, &ktg), "Technical readiness (KTG): 90.3% (previous quarter: 89.5%; +0.8\u{a0}pp)");
        let fewer = KeyFigure {
            key: "review-sc-open-orders".into(),
            value: Decimal::from(3),
            unit: None,
            previous: Some(Decimal::from(5)),
        };
        assert_eq!(figure_change(&ru, &fewer), "-2");
        assert_eq!(figure_change(&ru, &KeyFigure { previous: None, ..fewer }), "—");
    }
}
