//! Review: reporting periods, reports and their workflow, snapshots, meetings, agendas, the
//! decisions register and the minutes.
//!
//! Every change loads the current state inside its write transaction, asks the domain
//! (`accord_domain::review`) and only then writes, with its audit entries, in the same
//! transaction: a refused change (a closed period, a report of a measure the organisation does
//! not execute, a second key from the same side) writes nothing. Records are kept as the
//! domain's JSON in `body`, with the columns lists filter on beside it.

use crate::directory::new_uuid;
use crate::{Author, Result, Store, StoreError, WriteTx, corrupt};
use accord_domain::audit::Change;
use accord_domain::plan::{Executor, Measure};
use accord_domain::quarter::Quarter;
use accord_domain::review::{
    Actor, Agenda, AgendaError, AgendaItem, Decision, DecisionError, Meeting, MeetingError, Minutes, MinutesContent,
    MinutesError, OverdueOrganisation, PeriodError, PlanPeriod, PlanSnapshot, ReportContent, ReportError,
    ReportingPeriod, Responsibility, SnapshotCounts, overdue,
};
use accord_domain::review::{Report, ReportState};
use accord_domain::{AgendaItemId, DecisionId, MeasureId, MeetingId, OrganisationId, PlanId, ReportId};
use chrono::{DateTime, NaiveDate, TimeDelta, Utc};
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::collections::BTreeSet;

/// A change the review rules refused; nothing was written.
#[derive(Debug, thiserror::Error)]
pub enum ReviewRefusal {
    #[error(transparent)]
    Period(#[from] PeriodError),
    #[error(transparent)]
    Report(#[from] ReportError),
    #[error(transparent)]
    Meeting(#[from] MeetingError),
    #[error(transparent)]
    Agenda(#[from] AgendaError),
    #[error(transparent)]
    Decision(#[from] DecisionError),
    #[error(transparent)]
    Minutes(#[from] MinutesError),
    #[error("no reporting period for {0}")]
    NoPeriod(Quarter),
    #[error("no meeting for {0}")]
    NoMeeting(Quarter),
}

impl ReviewRefusal {
    /// A stable code for the API and the key of its translated message (`review-error-<code>`).
    pub fn code(&self) -> &'static str {
        match self {
            ReviewRefusal::Period(PeriodError::Malformed(_)) => "malformed_quarter",
            ReviewRefusal::Period(PeriodError::OutsidePlan { .. }) => "outside_plan",
            ReviewRefusal::Period(PeriodError::Closed { .. })
            | ReviewRefusal::Report(ReportError::Period(PeriodError::Closed { .. })) => "period_closed",
            ReviewRefusal::Period(PeriodError::NotCoordinator) => "not_coordinator",
            ReviewRefusal::Period(PeriodError::ReasonRequired) => "reason_required",
            ReviewRefusal::Period(PeriodError::DeadlineAfterMeeting { .. }) => "deadline_after_meeting",
            ReviewRefusal::Period(_) => "period_transition",
            ReviewRefusal::Report(ReportError::NotResponsible { .. }) => "not_responsible",
            ReviewRefusal::Report(ReportError::Forbidden { .. }) => "report_forbidden",
            ReviewRefusal::Report(ReportError::CommentRequired) => "comment_required",
            ReviewRefusal::Report(ReportError::PercentOutOfRange(_)) => "percent_range",
            ReviewRefusal::Report(ReportError::InvalidTransition { .. }) => "report_transition",
            ReviewRefusal::Report(_) => "report_invalid",
            ReviewRefusal::Meeting(_) => "meeting_invalid",
            ReviewRefusal::Agenda(AgendaError::TitleRequired) => "title_required",
            ReviewRefusal::Agenda(_) => "agenda_invalid",
            ReviewRefusal::Decision(DecisionError::TextRequired) => "text_required",
            ReviewRefusal::Decision(DecisionError::NotCoordinator)
            | ReviewRefusal::Minutes(MinutesError::NotCoordinator) => "not_coordinator",
            ReviewRefusal::Decision(_) => "decision_invalid",
            ReviewRefusal::Minutes(MinutesError::Locked) => "minutes_locked",
            ReviewRefusal::Minutes(MinutesError::SamePerson | MinutesError::SameSide(_)) => "second_key",
            ReviewRefusal::NoPeriod(_) => "no_period",
            ReviewRefusal::NoMeeting(_) => "no_meeting",
        }
    }
}

pub(crate) fn refused(e: impl Into<ReviewRefusal>) -> StoreError {
    StoreError::Review(e.into())
}

/// A step of a report's workflow, as a form or the API asks for it.
#[derive(Debug, Clone)]
pub enum ReportStep {
    Edit(ReportContent),
    Submit,
    Return { comment: String },
    Accept,
}

/// A period transition.
#[derive(Debug, Clone)]
pub enum PeriodStep {
    StartReview,
    Close,
    Reopen { reason: String },
}

/// A report with the measure it is on, for lists.
#[derive(Debug, Clone, Serialize)]
pub struct StoredReport {
    pub report: Report,
    pub version: i64,
    pub updated_at: DateTime<Utc>,
}

/// Everything the briefing pack of one quarter needs, gathered in one call
/// ([`Store::review_pack_data`]). Plain domain types, serialisable as the pack's `data.json`.
#[derive(Debug, Clone, Serialize)]
pub struct ReviewPackData {
    pub period: ReportingPeriod,
    /// The quarter's meeting: time (UTC; show with `review::schedule::local`), participants.
    pub meeting: Option<Meeting>,
    /// One row per measure of the plan, in plan order.
    pub measures: Vec<PackMeasure>,
    /// Measures by status and dimension at this quarter's review.
    pub counts: PackCounts,
    /// The same for the previous quarter, when it lies within the plan.
    pub previous: Option<PackCounts>,
    /// The same for the same quarter a year before, when it lies within the plan.
    pub year_ago: Option<PackCounts>,
    /// Organisations that have not handed in every report by the deadline, with the reason per measure.
    pub overdue: Vec<OverdueOrganisation>,
    /// The register as the quarter's pack shows it ([`accord_domain::review::register_for_quarter`]).
    pub decisions: Vec<Decision>,
    pub agenda: Option<Agenda>,
}

/// A measure in the pack: its executors and what the accepted reports say (only accepted
/// figures count; the states of the others are listed so the pack can say "not yet accepted").
#[derive(Debug, Clone, Serialize)]
pub struct PackMeasure {
    pub measure: MeasureId,
    pub number: String,
    pub title_ru: String,
    pub title_en: Option<String>,
    pub dimension: String,
    pub executors: Vec<Executor>,
    pub accepted: Vec<PackReport>,
    pub unaccepted: Vec<(OrganisationId, ReportState)>,
}

#[derive(Debug, Clone, Serialize)]
pub struct PackReport {
    pub organisation: OrganisationId,
    pub content: ReportContent,
}

/// Counts of one quarter and where they come from.
#[derive(Debug, Clone, Serialize)]
pub struct PackCounts {
    pub quarter: Quarter,
    /// True when read from the snapshot taken at that quarter's review; false when computed
    /// from the plan as it stands (no review has been held yet).
    pub from_snapshot: bool,
    pub counts: SnapshotCounts,
}

fn text_of<T: Serialize>(value: &T) -> Result<String> {
    serde_json::to_string(value).map_err(|e| StoreError::Corrupt(format!("serialising: {e}")))
}

/// A serde enum's name ("in-review").
fn name_of<T: Serialize>(value: &T) -> String {
    serde_json::to_value(value).ok().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default()
}

pub(crate) fn parse_body<T: DeserializeOwned>(what: &str, body: &str) -> Result<T> {
    serde_json::from_str(body).map_err(corrupt(what))
}

/// The default meeting date of a quarter: the 22nd day after it ends (reports are due ten days before).
pub fn default_meeting_date(quarter: Quarter) -> NaiveDate {
    quarter.last_day() + TimeDelta::days(22)
}

impl Store {
    /// The quarters the plan covers.
    pub async fn review_plan_period(&self, plan: PlanId) -> Result<PlanPeriod> {
        let plan = self.plan(plan).await?;
        PlanPeriod::of_dates(plan.period_start, plan.period_end).map_err(refused)
    }

    /// Every period created so far, in quarter order.
    pub async fn review_periods(&self) -> Result<Vec<ReportingPeriod>> {
        let rows: Vec<(String,)> =
            sqlx::query_as("SELECT body FROM review_periods ORDER BY quarter").fetch_all(&self.pool).await?;
        rows.iter().map(|(b,)| parse_body("review period", b)).collect()
    }

    pub async fn review_period(&self, quarter: Quarter) -> Result<Option<ReportingPeriod>> {
        let row: Option<(String,)> = sqlx::query_as("SELECT body FROM review_periods WHERE quarter = $1")
            .bind(quarter.to_string())
            .fetch_optional(&self.pool)
            .await?;
        row.map(|(b,)| parse_body("review period", &b)).transpose()
    }

    /// The period of `quarter`, created (open, meeting on `meeting_date` or the default) when it
    /// does not exist yet. Refuses quarters outside the plan.
    pub async fn review_period_ensure(
        &self,
        author: Author<'_>,
        plan: PlanId,
        quarter: Quarter,
        meeting_date: Option<NaiveDate>,
    ) -> Result<ReportingPeriod> {
        let plan_period = self.review_plan_period(plan).await?;
        plan_period.check(quarter).map_err(refused)?;
        if let Some(p) = self.review_period(quarter).await? {
            return Ok(p);
        }
        let period = ReportingPeriod::new(
            plan_period,
            quarter,
            meeting_date.unwrap_or_else(|| default_meeting_date(quarter)),
            None,
        )
        .map_err(refused)?;
        let mut w = self.begin_write(author).await?;
        sqlx::query(
            "INSERT INTO review_periods (quarter, plan_id, state, meeting_date, deadline, body, version, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, 1, $7) ON CONFLICT (quarter) DO NOTHING",
        )
        .bind(quarter.to_string())
        .bind(plan.to_string())
        .bind(name_of(&period.state))
        .bind(period.meeting_date.to_string())
        .bind(period.submission_deadline.to_string())
        .bind(text_of(&period)?)
        .bind(w.now_text())
        .execute(&mut *w.tx)
        .await?;
        w.audit(Change::create("review_period", quarter, &period)).await?;
        w.commit().await?;
        Ok(period)
    }

    pub(crate) async fn period_in(w: &mut WriteTx<'_>, quarter: Quarter) -> Result<(ReportingPeriod, PlanId)> {
        let row: Option<(String, String)> =
            sqlx::query_as("SELECT body, plan_id FROM review_periods WHERE quarter = $1")
                .bind(quarter.to_string())
                .fetch_optional(&mut *w.tx)
                .await?;
        let (body, plan) = row.ok_or_else(|| refused(ReviewRefusal::NoPeriod(quarter)))?;
        Ok((parse_body("review period", &body)?, plan.parse().map_err(corrupt("plan id"))?))
    }

    async fn period_write(
        w: &mut WriteTx<'_>,
        before: &ReportingPeriod,
        after: &ReportingPeriod,
        reason: Option<String>,
    ) -> Result<()> {
        sqlx::query(
            "UPDATE review_periods SET state = $1, meeting_date = $2, deadline = $3, body = $4, \
             version = version + 1, updated_at = $5 WHERE quarter = $6",
        )
        .bind(name_of(&after.state))
        .bind(after.meeting_date.to_string())
        .bind(after.submission_deadline.to_string())
        .bind(text_of(after)?)
        .bind(w.now_text())
        .bind(after.quarter.to_string())
        .execute(&mut *w.tx)
        .await?;
        w.audit(Change::update("review_period", after.quarter, before, after).with_reason(reason)).await
    }

    /// Moves a period: to review (a snapshot of the plan is taken), closed (the snapshot is
    /// retaken: the record of what was reviewed), or reopened by a coordinator with a reason
    /// (the reason goes to the audit log).
    pub async fn review_period_step(
        &self,
        author: Author<'_>,
        actor: &Actor,
        quarter: Quarter,
        step: PeriodStep,
    ) -> Result<ReportingPeriod> {
        let mut w = self.begin_write(author).await?;
        let (before, plan) = Self::period_in(&mut w, quarter).await?;
        let mut after = before.clone();
        let mut reason = None;
        match &step {
            PeriodStep::StartReview => after.start_review().map_err(refused)?,
            PeriodStep::Close => {
                if after.state == accord_domain::review::PeriodState::Open {
                    after.start_review().map_err(refused)?;
                }
                after.close().map_err(refused)?
            }
            PeriodStep::Reopen { reason: text } => {
                let event = after.reopen(actor, text, w.now).map_err(refused)?;
                reason = Some(event.reason.clone());
                w.audit(Change::create("review_period_reopened", quarter, &event).with_reason(reason.clone())).await?;
            }
        }
        if !matches!(step, PeriodStep::Reopen { .. }) {
            let measures = self.measures_of_plan(plan).await?;
            let indicators: Vec<_> = self.indicators_of_plan(plan).await?.into_values().flatten().collect();
            let snapshot = PlanSnapshot::take(quarter, w.now, &measures, &indicators);
            Self::snapshot_write(&mut w, &snapshot).await?;
        }
        Self::period_write(&mut w, &before, &after, reason).await?;
        w.commit().await?;
        Ok(after)
    }

    /// Moves the meeting date of an editable period (and its deadline: given, or the default).
    pub async fn review_period_reschedule(
        &self,
        author: Author<'_>,
        quarter: Quarter,
        meeting_date: NaiveDate,
        deadline: Option<NaiveDate>,
    ) -> Result<ReportingPeriod> {
        let mut w = self.begin_write(author).await?;
        let (before, _) = Self::period_in(&mut w, quarter).await?;
        let mut after = before.clone();
        after.reschedule(meeting_date, deadline).map_err(refused)?;
        Self::period_write(&mut w, &before, &after, None).await?;
        w.commit().await?;
        Ok(after)
    }

    async fn snapshot_write(w: &mut WriteTx<'_>, snapshot: &PlanSnapshot) -> Result<()> {
        let q = snapshot.quarter.to_string();
        sqlx::query("DELETE FROM review_snapshots WHERE quarter = $1").bind(&q).execute(&mut *w.tx).await?;
        sqlx::query("INSERT INTO review_snapshots (quarter, taken_at, body) VALUES ($1, $2, $3)")
            .bind(&q)
            .bind(w.now_text())
            .bind(text_of(snapshot)?)
            .execute(&mut *w.tx)
            .await?;
        w.audit(Change::create("review_snapshot", &q, &snapshot.counts())).await
    }

    /// The plan as it stood at the quarter's review, if one was held.
    pub async fn review_snapshot(&self, quarter: Quarter) -> Result<Option<PlanSnapshot>> {
        let row: Option<(String,)> = sqlx::query_as("SELECT body FROM review_snapshots WHERE quarter = $1")
            .bind(quarter.to_string())
            .fetch_optional(&self.pool)
            .await?;
        row.map(|(b,)| parse_body("snapshot", &b)).transpose()
    }

    /// The quarters that have a snapshot.
    pub async fn review_snapshot_quarters(&self) -> Result<Vec<Quarter>> {
        let rows: Vec<(String,)> =
            sqlx::query_as("SELECT quarter FROM review_snapshots ORDER BY quarter").fetch_all(&self.pool).await?;
        rows.iter().map(|(q,)| q.parse().map_err(corrupt("snapshot quarter"))).collect()
    }

    // -----------------------------------------------------------------------------------------
    // Reports

    /// Every report of a quarter.
    pub async fn review_reports(&self, quarter: Quarter) -> Result<Vec<StoredReport>> {
        let rows: Vec<(String, i64, String)> = sqlx::query_as(
            "SELECT body, version, updated_at FROM review_reports WHERE quarter = $1 ORDER BY measure_id, organisation_id",
        )
        .bind(quarter.to_string())
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|(b, v, u)| {
                Ok(StoredReport { report: parse_body("report", b)?, version: *v, updated_at: crate::parse_time(u)? })
            })
            .collect()
    }

    /// One organisation's report on one measure for a quarter.
    pub async fn review_report(
        &self,
        quarter: Quarter,
        organisation: OrganisationId,
        measure: MeasureId,
    ) -> Result<Option<Report>> {
        let row: Option<(String,)> = sqlx::query_as(
            "SELECT body FROM review_reports WHERE quarter = $1 AND organisation_id = $2 AND measure_id = $3",
        )
        .bind(quarter.to_string())
        .bind(organisation.to_string())
        .bind(measure.to_string())
        .fetch_optional(&self.pool)
        .await?;
        row.map(|(b,)| parse_body("report", &b)).transpose()
    }

    /// The latest report before `quarter` on the same measure by the same organisation (what a
    /// new report is prefilled from).
    pub async fn review_previous_report(
        &self,
        quarter: Quarter,
        organisation: OrganisationId,
        measure: MeasureId,
    ) -> Result<Option<Report>> {
        let row: Option<(String,)> = sqlx::query_as(
            "SELECT body FROM review_reports WHERE quarter < $1 AND organisation_id = $2 AND measure_id = $3 \
             ORDER BY quarter DESC LIMIT 1",
        )
        .bind(quarter.to_string())
        .bind(organisation.to_string())
        .bind(measure.to_string())
        .fetch_optional(&self.pool)
        .await?;
        row.map(|(b,)| parse_body("report", &b)).transpose()
    }

    /// Applies workflow steps to one organisation's report on one measure, creating the draft
    /// (prefilled from the previous quarter's report) when there is none. All steps or none.
    pub async fn review_report_act(
        &self,
        author: Author<'_>,
        actor: &Actor,
        quarter: Quarter,
        organisation: OrganisationId,
        measure: MeasureId,
        steps: &[ReportStep],
    ) -> Result<Report> {
        let previous = self.review_previous_report(quarter, organisation, measure).await?;
        let measure_row = self.measure(measure).await?;
        let mut w = self.begin_write(author).await?;
        let (period, _) = Self::period_in(&mut w, quarter).await?;
        period.ensure_editable().map_err(refused)?;
        let existing: Option<(String,)> = sqlx::query_as(
            "SELECT body FROM review_reports WHERE quarter = $1 AND organisation_id = $2 AND measure_id = $3",
        )
        .bind(quarter.to_string())
        .bind(organisation.to_string())
        .bind(measure.to_string())
        .fetch_optional(&mut *w.tx)
        .await?;
        let before: Option<Report> = existing.map(|(b,)| parse_body("report", &b)).transpose()?;
        let mut report = match &before {
            Some(r) => r.clone(),
            None => {
                let responsible: BTreeSet<MeasureId> =
                    Responsibility::from_measures(std::slice::from_ref(&measure_row))
                        .into_iter()
                        .find(|r| r.organisation == organisation)
                        .map(|r| r.measures)
                        .unwrap_or_default();
                let side = measure_row
                    .data
                    .executors
                    .iter()
                    .find(|e| e.organisation == organisation)
                    .map(|e| e.side)
                    .unwrap_or(self.origin);
                let id = ReportId(new_uuid());
                match &previous {
                    Some(prev) => Report::prefill(id, &period, prev, &responsible, actor),
                    None => Report::new_draft(id, &period, organisation, side, measure, &responsible, actor),
                }
                .map_err(refused)?
            }
        };
        for step in steps {
            match step {
                ReportStep::Edit(content) => report.edit(&period, actor, content.clone()),
                ReportStep::Submit => report.submit(&period, actor, w.now),
                ReportStep::Return { comment } => report.return_to_executor(&period, actor, comment, w.now),
                ReportStep::Accept => report.accept(&period, actor, w.now),
            }
            .map_err(refused)?;
        }
        let body = text_of(&report)?;
        match &before {
            None => {
                sqlx::query(
                    "INSERT INTO review_reports (id, origin, quarter, organisation_id, measure_id, side, state, body, version, updated_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 1, $9)",
                )
                .bind(report.id.to_string())
                .bind(self.origin.code())
                .bind(quarter.to_string())
                .bind(organisation.to_string())
                .bind(measure.to_string())
                .bind(report.side.code())
                .bind(name_of(&report.state))
                .bind(&body)
                .bind(w.now_text())
                .execute(&mut *w.tx)
                .await?;
                w.audit(Change::create("review_report", report.id, &report)).await?;
            }
            Some(before) => {
                sqlx::query(
                    "UPDATE review_reports SET state = $1, body = $2, version = version + 1, updated_at = $3 WHERE id = $4",
                )
                .bind(name_of(&report.state))
                .bind(&body)
                .bind(w.now_text())
                .bind(report.id.to_string())
                .execute(&mut *w.tx)
                .await?;
                let comment = report.history.last().and_then(|e| e.comment.clone());
                w.audit(Change::update("review_report", report.id, before, &report).with_reason(comment)).await?;
            }
        }
        w.commit().await?;
        Ok(report)
    }

    /// Who has not handed in every report of the quarter by its deadline, as of `today`.
    pub async fn review_overdue(&self, quarter: Quarter, today: NaiveDate) -> Result<Vec<OverdueOrganisation>> {
        let Some(period) = self.review_period(quarter).await? else { return Ok(Vec::new()) };
        let plan = self.review_period_plan(quarter).await?;
        let measures = self.measures_of_plan(plan).await?;
        let reports: Vec<Report> = self.review_reports(quarter).await?.into_iter().map(|r| r.report).collect();
        Ok(overdue(&period, &Responsibility::from_measures(&measures), &reports, today))
    }

    /// The plan a period belongs to.
    pub async fn review_period_plan(&self, quarter: Quarter) -> Result<PlanId> {
        let row: Option<(String,)> = sqlx::query_as("SELECT plan_id FROM review_periods WHERE quarter = $1")
            .bind(quarter.to_string())
            .fetch_optional(&self.pool)
            .await?;
        let (plan,) = row.ok_or_else(|| refused(ReviewRefusal::NoPeriod(quarter)))?;
        plan.parse().map_err(corrupt("plan id"))
    }

    // -----------------------------------------------------------------------------------------
    // Meetings and agendas

    pub async fn review_meetings(&self) -> Result<Vec<Meeting>> {
        let rows: Vec<(String,)> =
            sqlx::query_as("SELECT body FROM review_meetings ORDER BY start_utc").fetch_all(&self.pool).await?;
        rows.iter().map(|(b,)| parse_body("meeting", b)).collect()
    }

    pub async fn review_meeting_of(&self, quarter: Quarter) -> Result<Option<Meeting>> {
        let row: Option<(String,)> = sqlx::query_as("SELECT body FROM review_meetings WHERE quarter = $1")
            .bind(quarter.to_string())
            .fetch_optional(&self.pool)
            .await?;
        row.map(|(b,)| parse_body("meeting", &b)).transpose()
    }

    pub async fn review_meeting(&self, id: MeetingId) -> Result<Meeting> {
        let row: Option<(String,)> = sqlx::query_as("SELECT body FROM review_meetings WHERE id = $1")
            .bind(id.to_string())
            .fetch_optional(&self.pool)
            .await?;
        let (body,) = row.ok_or(StoreError::NotFound { entity: "meeting" })?;
        parse_body("meeting", &body)
    }

    /// Creates or replaces the quarter's meeting (time, participants, attendance). Refused once
    /// the quarter's period is closed.
    pub async fn review_meeting_save(&self, author: Author<'_>, meeting: &Meeting) -> Result<()> {
        let mut w = self.begin_write(author).await?;
        let (period, _) = Self::period_in(&mut w, meeting.quarter).await?;
        period.ensure_editable().map_err(refused)?;
        Self::meeting_write(&mut w, self.origin, meeting).await?;
        w.commit().await
    }

    async fn meeting_write(w: &mut WriteTx<'_>, origin: accord_domain::Side, meeting: &Meeting) -> Result<()> {
        let existing: Option<(String,)> = sqlx::query_as("SELECT body FROM review_meetings WHERE id = $1")
            .bind(meeting.id.to_string())
            .fetch_optional(&mut *w.tx)
            .await?;
        let body = text_of(meeting)?;
        match existing {
            None => {
                sqlx::query(
                    "INSERT INTO review_meetings (id, origin, quarter, start_utc, duration_minutes, body, version) \
                     VALUES ($1, $2, $3, $4, $5, $6, 1)",
                )
                .bind(meeting.id.to_string())
                .bind(origin.code())
                .bind(meeting.quarter.to_string())
                .bind(accord_domain::audit::timestamp_text(meeting.start))
                .bind(i64::from(meeting.duration_minutes))
                .bind(&body)
                .execute(&mut *w.tx)
                .await
                .map_err(|e| crate::unique_violation(e, &[("quarter", "quarter")]))?;
                w.audit(Change::create("review_meeting", meeting.id, meeting)).await
            }
            Some((before,)) => {
                let before: Meeting = parse_body("meeting", &before)?;
                sqlx::query(
                    "UPDATE review_meetings SET start_utc = $1, duration_minutes = $2, body = $3, version = version + 1 WHERE id = $4",
                )
                .bind(accord_domain::audit::timestamp_text(meeting.start))
                .bind(i64::from(meeting.duration_minutes))
                .bind(&body)
                .bind(meeting.id.to_string())
                .execute(&mut *w.tx)
                .await?;
                w.audit(Change::update("review_meeting", meeting.id, &before, meeting)).await
            }
        }
    }

    /// A meeting's agenda, in order.
    pub async fn review_agenda(&self, meeting: MeetingId) -> Result<Option<Agenda>> {
        let rows: Vec<(String,)> =
            sqlx::query_as("SELECT body FROM review_agenda_items WHERE meeting_id = $1 ORDER BY position")
                .bind(meeting.to_string())
                .fetch_all(&self.pool)
                .await?;
        if rows.is_empty() {
            return Ok(None);
        }
        let items: Vec<AgendaItem> = rows.iter().map(|(b,)| parse_body("agenda item", b)).collect::<Result<_>>()?;
        Ok(Some(Agenda { meeting, items }))
    }

    /// Replaces a meeting's agenda with `agenda` (generated, or edited: added, removed, moved).
    pub async fn review_agenda_save(&self, author: Author<'_>, quarter: Quarter, agenda: &Agenda) -> Result<()> {
        let mut w = self.begin_write(author).await?;
        let (period, _) = Self::period_in(&mut w, quarter).await?;
        period.ensure_editable().map_err(refused)?;
        let before: Vec<(String,)> =
            sqlx::query_as("SELECT id FROM review_agenda_items WHERE meeting_id = $1 ORDER BY position")
                .bind(agenda.meeting.to_string())
                .fetch_all(&mut *w.tx)
                .await?;
        sqlx::query("DELETE FROM review_agenda_items WHERE meeting_id = $1")
            .bind(agenda.meeting.to_string())
            .execute(&mut *w.tx)
            .await?;
        for (position, item) in agenda.items.iter().enumerate() {
            sqlx::query(
                "INSERT INTO review_agenda_items (id, meeting_id, position, kind, body) VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(item.id.to_string())
            .bind(agenda.meeting.to_string())
            .bind(position as i64)
            .bind(item.kind.label_key())
            .bind(text_of(item)?)
            .execute(&mut *w.tx)
            .await?;
        }
        let ids: Vec<String> = agenda.items.iter().map(|i| i.id.to_string()).collect();
        let before: Vec<String> = before.into_iter().map(|(id,)| id).collect();
        w.audit(Change::update("review_agenda", agenda.meeting, &before, &ids)).await?;
        w.commit().await
    }

    /// A new agenda item id.
    pub fn review_new_agenda_item_id(&self) -> AgendaItemId {
        AgendaItemId(new_uuid())
    }

    // -----------------------------------------------------------------------------------------
    // Decisions

    /// The register, in protocol order (minutes date, then item).
    pub async fn review_decisions(&self) -> Result<Vec<Decision>> {
        let rows: Vec<(String,)> = sqlx::query_as("SELECT body FROM review_decisions").fetch_all(&self.pool).await?;
        let mut out: Vec<Decision> = rows.iter().map(|(b,)| parse_body("decision", b)).collect::<Result<_>>()?;
        out.sort_by(|a, b| a.record.reference.cmp(&b.record.reference));
        Ok(out)
    }

    pub async fn review_decision(&self, id: DecisionId) -> Result<Decision> {
        let row: Option<(String,)> = sqlx::query_as("SELECT body FROM review_decisions WHERE id = $1")
            .bind(id.to_string())
            .fetch_optional(&self.pool)
            .await?;
        let (body,) = row.ok_or(StoreError::NotFound { entity: "decision" })?;
        parse_body("decision", &body)
    }

    /// Decisions linked to a measure (the measure's side of the two-way link).
    pub async fn review_decisions_of_measure(&self, measure: MeasureId) -> Result<Vec<Decision>> {
        let rows: Vec<(String,)> = sqlx::query_as("SELECT body FROM review_decisions WHERE measure_id = $1")
            .bind(measure.to_string())
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(|(b,)| parse_body("decision", b)).collect()
    }

    /// Records a new decision or saves a changed one (control status, link to a measure).
    pub async fn review_decision_save(&self, author: Author<'_>, decision: &Decision) -> Result<()> {
        let mut w = self.begin_write(author).await?;
        Self::decision_write(&mut w, self.origin, decision).await?;
        w.commit().await
    }

    async fn decision_write(w: &mut WriteTx<'_>, origin: accord_domain::Side, decision: &Decision) -> Result<()> {
        let id = decision.record.id;
        let existing: Option<(String,)> = sqlx::query_as("SELECT body FROM review_decisions WHERE id = $1")
            .bind(id.to_string())
            .fetch_optional(&mut *w.tx)
            .await?;
        let body = text_of(decision)?;
        let reference = decision.record.reference.format(accord_domain::directory::Locale::Ru);
        match existing {
            None => {
                sqlx::query(
                    "INSERT INTO review_decisions (id, origin, meeting_id, reference, control, measure_id, body, version) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, 1)",
                )
                .bind(id.to_string())
                .bind(origin.code())
                .bind(decision.record.meeting.to_string())
                .bind(&reference)
                .bind(name_of(&decision.control))
                .bind(decision.measure.map(|m| m.to_string()))
                .bind(&body)
                .execute(&mut *w.tx)
                .await?;
                w.audit(Change::create("review_decision", id, decision)).await
            }
            Some((before,)) => {
                let before: Decision = parse_body("decision", &before)?;
                sqlx::query(
                    "UPDATE review_decisions SET control = $1, measure_id = $2, body = $3, version = version + 1 WHERE id = $4",
                )
                .bind(name_of(&decision.control))
                .bind(decision.measure.map(|m| m.to_string()))
                .bind(&body)
                .bind(id.to_string())
                .execute(&mut *w.tx)
                .await?;
                let note = decision.history.last().and_then(|c| c.note.clone());
                w.audit(Change::update("review_decision", id, &before, decision).with_reason(note)).await
            }
        }
    }

    /// Creates a plan measure carrying a decision out and links the two, in one transaction.
    pub async fn review_decision_create_measure(
        &self,
        author: Author<'_>,
        actor: &Actor,
        decision: DecisionId,
        plan: PlanId,
        data: &accord_domain::plan::MeasureData,
    ) -> Result<Measure> {
        let mut current = self.review_decision(decision).await?;
        // Checked before anything is written: only a coordinator links decisions.
        let mut probe = current.clone();
        probe.link_measure(actor, MeasureId(uuid::Uuid::nil())).map_err(refused)?;
        let measure = self.measure_create(author, plan, data).await?;
        current.link_measure(actor, measure.id).map_err(refused)?;
        self.review_decision_save(author, &current).await?;
        Ok(measure)
    }

    // -----------------------------------------------------------------------------------------
    // Minutes

    pub async fn review_minutes(&self, meeting: MeetingId) -> Result<Option<Minutes>> {
        let row: Option<(String,)> = sqlx::query_as("SELECT body FROM review_minutes WHERE meeting_id = $1")
            .bind(meeting.to_string())
            .fetch_optional(&self.pool)
            .await?;
        row.map(|(b,)| parse_body("minutes", &b)).transpose()
    }

    /// Writes the minutes' content (withdrawing approvals given so far); the decisions they
    /// record join the register (new ones on control; recorded ones keep their status).
    pub async fn review_minutes_edit(&self, author: Author<'_>, content: &MinutesContent) -> Result<Minutes> {
        let mut w = self.begin_write(author).await?;
        let row: Option<(String,)> = sqlx::query_as("SELECT body FROM review_minutes WHERE meeting_id = $1")
            .bind(content.meeting.to_string())
            .fetch_optional(&mut *w.tx)
            .await?;
        let before: Option<Minutes> = row.map(|(b,)| parse_body("minutes", &b)).transpose()?;
        let minutes = match &before {
            Some(m) => {
                let mut m = m.clone();
                m.edit(content.clone()).map_err(refused)?;
                m
            }
            None => Minutes::new(content.clone()),
        };
        for record in &content.decisions {
            let exists: Option<(String,)> = sqlx::query_as("SELECT id FROM review_decisions WHERE id = $1")
                .bind(record.id.to_string())
                .fetch_optional(&mut *w.tx)
                .await?;
            if exists.is_none() {
                let decision = Decision::new(record.clone()).map_err(refused)?;
                Self::decision_write(&mut w, self.origin, &decision).await?;
            }
        }
        Self::minutes_write(&mut w, before.as_ref(), &minutes).await?;
        w.commit().await?;
        Ok(minutes)
    }

    async fn minutes_write(w: &mut WriteTx<'_>, before: Option<&Minutes>, minutes: &Minutes) -> Result<()> {
        let meeting = minutes.content.meeting;
        let body = text_of(minutes)?;
        match before {
            None => {
                sqlx::query(
                    "INSERT INTO review_minutes (meeting_id, locked_hash, body, version) VALUES ($1, $2, $3, 1)",
                )
                .bind(meeting.to_string())
                .bind(minutes.locked_hash.clone())
                .bind(&body)
                .execute(&mut *w.tx)
                .await?;
                w.audit(Change::create("review_minutes", meeting, minutes)).await
            }
            Some(before) => {
                sqlx::query(
                    "UPDATE review_minutes SET locked_hash = $1, body = $2, version = version + 1 WHERE meeting_id = $3",
                )
                .bind(minutes.locked_hash.clone())
                .bind(&body)
                .bind(meeting.to_string())
                .execute(&mut *w.tx)
                .await?;
                w.audit(Change::update("review_minutes", meeting, before, minutes)).await
            }
        }
    }

    /// A coordinator's key on the minutes. The second key (the other side's) locks them and
    /// writes their content hash into the audit chain (entity `review_minutes_lock`).
    pub async fn review_minutes_approve(
        &self,
        author: Author<'_>,
        actor: &Actor,
        meeting: MeetingId,
    ) -> Result<Minutes> {
        let mut w = self.begin_write(author).await?;
        let row: Option<(String,)> = sqlx::query_as("SELECT body FROM review_minutes WHERE meeting_id = $1")
            .bind(meeting.to_string())
            .fetch_optional(&mut *w.tx)
            .await?;
        let (body,) = row.ok_or(StoreError::NotFound { entity: "minutes" })?;
        let before: Minutes = parse_body("minutes", &body)?;
        let mut after = before.clone();
        let hash = after.approve(actor, w.now).map_err(refused)?;
        Self::minutes_write(&mut w, Some(&before), &after).await?;
        if let Some(hash) = hash {
            #[derive(Serialize)]
            struct Lock<'a> {
                meeting: MeetingId,
                content_hash: &'a str,
            }
            w.audit(Change::create("review_minutes_lock", meeting, &Lock { meeting, content_hash: &hash })).await?;
        }
        w.commit().await?;
        Ok(after)
    }

    // -----------------------------------------------------------------------------------------
    // The briefing pack

    /// What the quarter's briefing pack shows, as of `today` (for overdue reports): the period,
    /// its meeting, per-measure accepted reports, counts by status and dimension for this
    /// quarter, the previous one and the same quarter a year before (from the snapshots taken
    /// at those reviews, else computed from the plan as it stands), overdue organisations, the
    /// decisions register and the agenda.
    pub async fn review_pack_data(&self, quarter: Quarter, today: NaiveDate) -> Result<ReviewPackData> {
        let period = self.review_period(quarter).await?.ok_or_else(|| refused(ReviewRefusal::NoPeriod(quarter)))?;
        let plan = self.review_period_plan(quarter).await?;
        let plan_period = self.review_plan_period(plan).await?;
        let measures = self.measures_of_plan(plan).await?;
        let indicators: Vec<_> = self.indicators_of_plan(plan).await?.into_values().flatten().collect();
        let reports: Vec<Report> = self.review_reports(quarter).await?.into_iter().map(|r| r.report).collect();
        let rows = measures
            .iter()
            .map(|m| {
                let of_measure = reports.iter().filter(|r| r.measure == m.id);
                let (accepted, unaccepted): (Vec<&Report>, Vec<&Report>) =
                    of_measure.partition(|r| r.state == ReportState::Accepted);
                PackMeasure {
                    measure: m.id,
                    number: m.data.number.to_string(),
                    title_ru: m.data.title_ru.clone(),
                    title_en: m.data.title_en.clone(),
                    dimension: m.data.section.clone(),
                    executors: m.data.executors.clone(),
                    accepted: accepted
                        .into_iter()
                        .map(|r| PackReport { organisation: r.organisation, content: r.content.clone() })
                        .collect(),
                    unaccepted: unaccepted.into_iter().map(|r| (r.organisation, r.state)).collect(),
                }
            })
            .collect();
        let counts_of = |q: Quarter, snapshot: Option<PlanSnapshot>| match snapshot {
            Some(s) => PackCounts { quarter: q, from_snapshot: true, counts: s.counts() },
            None => PackCounts {
                quarter: q,
                from_snapshot: false,
                counts: PlanSnapshot::take(q, Utc::now(), &measures, &indicators).counts(),
            },
        };
        let counts = counts_of(quarter, self.review_snapshot(quarter).await?);
        let previous_q = quarter.prev();
        let previous = if plan_period.contains(previous_q) {
            Some(counts_of(previous_q, self.review_snapshot(previous_q).await?))
        } else {
            None
        };
        let year_ago_q = Quarter::new(quarter.year() - 1, quarter.number());
        let year_ago = match year_ago_q.filter(|q| plan_period.contains(*q)) {
            Some(q) => Some(counts_of(q, self.review_snapshot(q).await?)),
            None => None,
        };
        let overdue = overdue(&period, &Responsibility::from_measures(&measures), &reports, today);
        let meeting = self.review_meeting_of(quarter).await?;
        let agenda = match &meeting {
            Some(m) => self.review_agenda(m.id).await?,
            None => None,
        };
        // The register as it stood at the end of the quarter's meeting (now, before it is held).
        let now = Utc::now();
        let as_of = meeting.as_ref().map_or(now, |m| (m.start + m.length()).min(now));
        let meeting_quarters: std::collections::HashMap<MeetingId, Quarter> =
            self.review_meetings().await?.into_iter().map(|m| (m.id, m.quarter)).collect();
        let decisions = accord_domain::review::register_for_quarter(
            &self.review_decisions().await?,
            quarter,
            |m| meeting_quarters.get(&m).copied(),
            as_of,
        );
        Ok(ReviewPackData { period, meeting, measures: rows, counts, previous, year_ago, overdue, decisions, agenda })
    }
}
