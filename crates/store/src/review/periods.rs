//! Reporting periods and the plan snapshots taken at their reviews.

use super::{ReviewRefusal, expect_version, name_of, parse_body, refused, text_of, version_in};
use crate::{Author, Result, Store, WriteTx, corrupt};
use accord_domain::PlanId;
use accord_domain::audit::Change;
use accord_domain::quarter::Quarter;
use accord_domain::review::{Actor, PeriodReopened, PeriodState, PlanPeriod, PlanSnapshot, ReportingPeriod};
use chrono::NaiveDate;

use super::PeriodStep;

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
        Ok(self.review_period_row(quarter).await?.map(|(p, _)| p))
    }

    /// The period of `quarter` with its version, when it has been opened.
    pub async fn review_period_row(&self, quarter: Quarter) -> Result<Option<(ReportingPeriod, i64)>> {
        let row: Option<(String, i64)> = sqlx::query_as("SELECT body, version FROM review_periods WHERE quarter = $1")
            .bind(quarter.to_string())
            .fetch_optional(&self.pool)
            .await?;
        row.map(|(b, v)| Ok((parse_body("review period", &b)?, v))).transpose()
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
        let mut w = self.begin_write(author).await?;
        let (period, _) = self.review_period_ensure_in(&mut w, plan, plan_period, quarter, meeting_date).await?;
        w.commit().await?;
        Ok(period)
    }

    /// [`Store::review_period_ensure`] in the caller's transaction: the period as it stands in
    /// it, with its version (1 when created here).
    pub async fn review_period_ensure_in(
        &self,
        w: &mut WriteTx<'_>,
        plan: PlanId,
        plan_period: PlanPeriod,
        quarter: Quarter,
        meeting_date: Option<NaiveDate>,
    ) -> Result<(ReportingPeriod, i64)> {
        plan_period.check(quarter).map_err(refused)?;
        if let Some(found) = Self::period_row_in(w, quarter).await? {
            return Ok(found);
        }
        let period = ReportingPeriod::new(
            plan_period,
            quarter,
            meeting_date.unwrap_or_else(|| super::default_meeting_date(quarter)),
            None,
        )
        .map_err(refused)?;
        // Another process may have opened it meanwhile: then it stands as that one opened it.
        let inserted = sqlx::query(
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
        if inserted.rows_affected() == 0 {
            return Self::period_row_in(w, quarter).await?.ok_or_else(|| refused(ReviewRefusal::NoPeriod(quarter)));
        }
        w.audit(Change::create("review_period", quarter, &period)).await?;
        Ok((period, 1))
    }

    async fn period_row_in(w: &mut WriteTx<'_>, quarter: Quarter) -> Result<Option<(ReportingPeriod, i64)>> {
        let row: Option<(String, i64)> = sqlx::query_as("SELECT body, version FROM review_periods WHERE quarter = $1")
            .bind(quarter.to_string())
            .fetch_optional(&mut *w.tx)
            .await?;
        row.map(|(b, v)| Ok((parse_body("review period", &b)?, v))).transpose()
    }

    /// The period as it stands in the write transaction (what every change re-checks).
    pub(crate) async fn period_in(w: &mut WriteTx<'_>, quarter: Quarter) -> Result<ReportingPeriod> {
        Ok(Self::period_row_in(w, quarter).await?.ok_or_else(|| refused(ReviewRefusal::NoPeriod(quarter)))?.0)
    }

    /// Writes a period changed from `before` (read at `version`), stale when it changed since.
    /// Returns the new version.
    pub async fn review_period_write_in(
        &self,
        w: &mut WriteTx<'_>,
        before: &ReportingPeriod,
        version: i64,
        after: &ReportingPeriod,
        reason: Option<String>,
    ) -> Result<i64> {
        let current =
            version_in(w, "SELECT version FROM review_periods WHERE quarter = $1", &[after.quarter.to_string()])
                .await?;
        if current.is_none() {
            return Err(refused(ReviewRefusal::NoPeriod(after.quarter)));
        }
        expect_version("reporting period", current, version)?;
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
        w.audit(Change::update("review_period", after.quarter, before, after).with_reason(reason)).await?;
        Ok(version + 1)
    }

    /// Records a reopening in the audit log (entity `review_period_reopened`, with its reason).
    pub async fn review_period_reopened_in(&self, w: &mut WriteTx<'_>, event: &PeriodReopened) -> Result<()> {
        w.audit(Change::create("review_period_reopened", event.quarter, event).with_reason(Some(event.reason.clone())))
            .await
    }

    /// Moves a period (the demo loader's way; the doors go through `accord_app`): to review
    /// or closed (with the plan's snapshot), or reopened by a coordinator with a reason.
    pub async fn review_period_step(
        &self,
        author: Author<'_>,
        actor: &Actor,
        quarter: Quarter,
        step: PeriodStep,
    ) -> Result<ReportingPeriod> {
        let plan = self.review_period_plan(quarter).await?;
        let mut w = self.begin_write(author).await?;
        let (before, version) =
            Self::period_row_in(&mut w, quarter).await?.ok_or_else(|| refused(ReviewRefusal::NoPeriod(quarter)))?;
        let mut after = before.clone();
        let mut reason = None;
        match &step {
            PeriodStep::StartReview => after.start_review().map_err(refused)?,
            PeriodStep::Close => {
                if after.state == PeriodState::Open {
                    after.start_review().map_err(refused)?;
                }
                after.close().map_err(refused)?
            }
            PeriodStep::Reopen { reason: text } => {
                let event = after.reopen(actor, text, w.now).map_err(refused)?;
                reason = Some(event.reason.clone());
                self.review_period_reopened_in(&mut w, &event).await?;
            }
        }
        if !matches!(step, PeriodStep::Reopen { .. }) {
            let snapshot = self.review_snapshot_of(plan, quarter, w.now).await?;
            self.review_snapshot_write_in(&mut w, &snapshot).await?;
        }
        self.review_period_write_in(&mut w, &before, version, &after, reason).await?;
        w.commit().await?;
        Ok(after)
    }

    /// The plan as it stands, as a snapshot for `quarter` taken at `at`.
    pub async fn review_snapshot_of(
        &self,
        plan: PlanId,
        quarter: Quarter,
        at: chrono::DateTime<chrono::Utc>,
    ) -> Result<PlanSnapshot> {
        let measures = self.measures_of_plan(plan).await?;
        let indicators: Vec<_> = self.indicators_of_plan(plan).await?.into_values().flatten().collect();
        Ok(PlanSnapshot::take(quarter, at, &measures, &indicators))
    }

    /// Keeps `snapshot` as the record of its quarter's review (replacing an earlier one).
    pub async fn review_snapshot_write_in(&self, w: &mut WriteTx<'_>, snapshot: &PlanSnapshot) -> Result<()> {
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
}
