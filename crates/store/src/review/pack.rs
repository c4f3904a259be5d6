//! What the quarter's briefing pack gathers from the review, in one read.

use super::{ReviewRefusal, refused};
use crate::{Result, Store};
use accord_domain::plan::Executor;
use accord_domain::quarter::Quarter;
use accord_domain::review::{
    Agenda, Decision, Meeting, OverdueOrganisation, PlanSnapshot, Report, ReportContent, ReportState, ReportingPeriod,
    Responsibility, SnapshotCounts, overdue,
};
use accord_domain::{MeasureId, MeetingId, OrganisationId};
use chrono::{NaiveDate, Utc};
use serde::Serialize;

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

impl Store {
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
