//! Reports and their workflow, and who is late with theirs.

use super::{ReportStep, expect_version, name_of, parse_body, refused, text_of, version_in};
use crate::directory::new_uuid;
use crate::{Author, Result, Store, StoreError, WriteTx};
use accord_domain::audit::Change;
use accord_domain::quarter::Quarter;
use accord_domain::review::{Actor, OverdueOrganisation, Report, ReportState, Responsibility, overdue};
use accord_domain::{MeasureId, OrganisationId, ReportId};
use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;

/// A report with its version and when it last changed, for lists.
#[derive(Debug, Clone, Serialize)]
pub struct StoredReport {
    pub report: Report,
    pub version: i64,
    pub updated_at: DateTime<Utc>,
}

const BY_KEY: &str = "WHERE quarter = $1 AND organisation_id = $2 AND measure_id = $3";

fn key(quarter: Quarter, organisation: OrganisationId, measure: MeasureId) -> [String; 3] {
    [quarter.to_string(), organisation.to_string(), measure.to_string()]
}

impl Store {
    /// The reports handed in (submitted or accepted), as (measure, quarter), over every quarter:
    /// what a recurring measure's "overdue" is decided by.
    pub async fn review_handed_in(&self) -> Result<accord_domain::plan::HandedIn> {
        let handed_in = [name_of(&ReportState::Submitted), name_of(&ReportState::Accepted)];
        let rows: Vec<(String, String)> =
            sqlx::query_as("SELECT DISTINCT measure_id, quarter FROM review_reports WHERE state IN ($1, $2)")
                .bind(&handed_in[0])
                .bind(&handed_in[1])
                .fetch_all(&self.pool)
                .await?;
        rows.into_iter()
            .map(|(measure, quarter)| {
                let measure = measure.parse().map_err(|_| StoreError::Corrupt(format!("report measure {measure}")))?;
                let quarter = quarter.parse().map_err(|_| StoreError::Corrupt(format!("report quarter {quarter}")))?;
                Ok((measure, quarter))
            })
            .collect()
    }

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
        Ok(self.review_report_row(quarter, organisation, measure).await?.map(|(r, _)| r))
    }

    /// [`Store::review_report`] with the report's version.
    pub async fn review_report_row(
        &self,
        quarter: Quarter,
        organisation: OrganisationId,
        measure: MeasureId,
    ) -> Result<Option<(Report, i64)>> {
        let [q, o, m] = key(quarter, organisation, measure);
        let row: Option<(String, i64)> = sqlx::query_as(&format!("SELECT body, version FROM review_reports {BY_KEY}"))
            .bind(q)
            .bind(o)
            .bind(m)
            .fetch_optional(&self.pool)
            .await?;
        row.map(|(b, v)| Ok((parse_body("report", &b)?, v))).transpose()
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

    /// A new report id.
    pub fn review_new_report_id(&self) -> ReportId {
        ReportId(new_uuid())
    }

    /// Writes `after`, a new report (`before` is `None`: none may exist yet) or one changed
    /// from `before` read at its version; stale when the report changed (or appeared) since,
    /// refused when its period was closed meanwhile. Returns the new version.
    pub async fn review_report_write_in(
        &self,
        w: &mut WriteTx<'_>,
        before: Option<(&Report, i64)>,
        after: &Report,
    ) -> Result<i64> {
        let period = Self::period_in(w, after.quarter).await?;
        period.ensure_editable().map_err(refused)?;
        let current = version_in(
            w,
            &format!("SELECT version FROM review_reports {BY_KEY}"),
            &key(after.quarter, after.organisation, after.measure),
        )
        .await?;
        expect_version("report", current, before.map_or(0, |(_, v)| v))?;
        let body = text_of(after)?;
        match before {
            None => {
                sqlx::query(
                    "INSERT INTO review_reports (id, origin, quarter, organisation_id, measure_id, side, state, body, version, updated_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 1, $9)",
                )
                .bind(after.id.to_string())
                .bind(self.origin.code())
                .bind(after.quarter.to_string())
                .bind(after.organisation.to_string())
                .bind(after.measure.to_string())
                .bind(after.side.code())
                .bind(name_of(&after.state))
                .bind(&body)
                .bind(w.now_text())
                .execute(&mut *w.tx)
                .await
                .map_err(|e| match e {
                    // Another process created it between the check and the insert.
                    sqlx::Error::Database(db) if db.is_unique_violation() => {
                        StoreError::Conflict { entity: "report", current: 1 }
                    }
                    other => other.into(),
                })?;
                w.audit(Change::create("review_report", after.id, after)).await?;
                Ok(1)
            }
            Some((before, version)) => {
                sqlx::query(
                    "UPDATE review_reports SET state = $1, body = $2, version = version + 1, updated_at = $3 WHERE id = $4",
                )
                .bind(name_of(&after.state))
                .bind(&body)
                .bind(w.now_text())
                .bind(after.id.to_string())
                .execute(&mut *w.tx)
                .await?;
                let comment = after.history.last().and_then(|e| e.comment.clone());
                w.audit(Change::update("review_report", after.id, before, after).with_reason(comment)).await?;
                Ok(version + 1)
            }
        }
    }

    /// Applies workflow steps to one organisation's report on one measure, creating the draft
    /// (prefilled from the previous quarter's report) when there is none, all in one
    /// transaction. The demo loader's way: it files for organisations without accounts. The
    /// doors go through `accord_app`, one use case per step.
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
        let found = self.review_report_row(quarter, organisation, measure).await?;
        let period =
            self.review_period(quarter).await?.ok_or_else(|| refused(super::ReviewRefusal::NoPeriod(quarter)))?;
        let mut report = match &found {
            Some((r, _)) => r.clone(),
            None => Report::start(
                self.review_new_report_id(),
                &period,
                &measure_row,
                organisation,
                previous.as_ref(),
                actor,
            )
            .map_err(refused)?,
        };
        let mut w = self.begin_write(author).await?;
        for step in steps {
            match step {
                ReportStep::Edit(content) => report.edit(&period, actor, content.clone()),
                ReportStep::Submit => report.submit(&period, actor, w.now),
                ReportStep::Return { comment } => report.return_to_executor(&period, actor, comment, w.now),
                ReportStep::Accept => report.accept(&period, actor, w.now),
            }
            .map_err(refused)?;
        }
        self.review_report_write_in(&mut w, found.as_ref().map(|(r, v)| (r, *v)), &report).await?;
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
}
