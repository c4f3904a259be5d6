//! Loading demonstration data: the use case `DemoLoad`.
//!
//! The demo (crate `accord-demo`) loads what a user could do through those users' own use
//! cases: organisations, people, users, the network import, plan versions, indicators,
//! amendments, product groups. What no user-facing use case writes is history: a plan with its
//! signed agreement as it stood before accord, four quarters of reviews with their past dates,
//! a fleet's two years of readings and work orders, generated trade statistics, a warehouse's
//! opening stock, the instance's facts. That goes through a [`Seeder`], which only the
//! instance's administrators (and the operator at the shell) obtain, and each of whose writes
//! is one transaction, audited as the one who loads.

use crate::{Actor, App, Result};
use accord_domain::directory::{Action, authorize};
use accord_domain::fleet::parts::PartNumber;
use accord_domain::plan::indicator::{Actual, IndicatorData};
use accord_domain::plan::{MeasureData, NewPlan, Plan};
use accord_domain::review::{Actor as ReviewActor, Agenda, Decision, Meeting, MinutesContent};
use accord_domain::trade::{AggregatedRecord, Rate, Source};
use accord_domain::{MeasureId, MeetingId, OrganisationId, PlanId, Quarter, WarehouseId};
use accord_store::{
    BulkOutcome, FleetBulk, ImportCounts, NewAgreement, PeriodStep, ReportStep, Store, TradeFile, TradeImportOutcome,
};
use chrono::NaiveDate;

/// The writes of a demo load; see the module's documentation.
pub struct Seeder<'a> {
    store: &'a Store,
    actor: &'a Actor,
}

impl App {
    /// The use case `DemoLoad`: the seeder for history, for administrators and the operator.
    pub fn seeder<'a>(&'a self, actor: &'a Actor) -> Result<Seeder<'a>> {
        authorize(&actor.role(), Action::ManageInstance)?;
        Ok(Seeder { store: &self.store, actor })
    }
}

impl Seeder<'_> {
    /// A plan with the agreement it implements, as signed before accord.
    pub async fn plan(&self, agreement: &NewAgreement, plan: &NewPlan) -> Result<Plan> {
        Ok(self.store.plan_create(self.actor.author(), agreement, plan).await?)
    }

    /// A plan's measures as they stood when it was signed (or a generated plan's, at scale).
    pub async fn measures(&self, plan: PlanId, measures: &[MeasureData]) -> Result<ImportCounts> {
        Ok(self.store.measures_import(self.actor.author(), plan, measures).await?)
    }

    /// Later history of a plan's measures recorded in the name of `login` (a coordinator's
    /// progress reports, at scale).
    pub async fn measures_by(&self, login: &str, plan: PlanId, measures: &[MeasureData]) -> Result<ImportCounts> {
        Ok(self.store.measures_import(accord_store::Author::user(login), plan, measures).await?)
    }

    /// Indicators with their quarterly actuals, many at once (a generated plan at scale).
    /// Returns the indicators and values written.
    pub async fn indicators(&self, rows: &[(MeasureId, IndicatorData, Vec<Actual>)]) -> Result<(usize, usize)> {
        Ok(self.store.indicators_bulk_insert(rows).await?)
    }

    /// A measure added after the signed version, before accord kept the plan.
    pub async fn measure(&self, plan: PlanId, measure: &MeasureData) -> Result<MeasureId> {
        Ok(self.store.measure_create(self.actor.author(), plan, measure).await?.id)
    }

    /// A past reporting period with the day its meeting was held.
    pub async fn review_period(&self, plan: PlanId, quarter: Quarter, meeting_date: NaiveDate) -> Result<()> {
        self.store.review_period_ensure(self.actor.author(), plan, quarter, Some(meeting_date)).await?;
        Ok(())
    }

    /// A past report's steps, taken by the executor or coordinator `by`.
    pub async fn review_report(
        &self,
        by: &ReviewActor,
        quarter: Quarter,
        organisation: OrganisationId,
        measure: MeasureId,
        steps: &[ReportStep],
    ) -> Result<()> {
        self.store.review_report_act(self.actor.author(), by, quarter, organisation, measure, steps).await?;
        Ok(())
    }

    /// A past meeting and its agenda.
    pub async fn review_meeting(&self, meeting: &Meeting, agenda: &Agenda) -> Result<()> {
        self.store.review_meeting_save(self.actor.author(), meeting).await?;
        self.store.review_agenda_save(self.actor.author(), meeting.quarter, agenda).await?;
        Ok(())
    }

    /// A past meeting's minutes, approved by both coordinators.
    pub async fn review_minutes(
        &self,
        content: &MinutesContent,
        meeting: MeetingId,
        coordinators: [&ReviewActor; 2],
    ) -> Result<()> {
        self.store.review_minutes_edit(self.actor.author(), content).await?;
        for coordinator in coordinators {
            self.store.review_minutes_approve(self.actor.author(), coordinator, meeting).await?;
        }
        Ok(())
    }

    /// A decision of a past meeting, with its control as it stands.
    pub async fn review_decision(&self, decision: &Decision) -> Result<()> {
        Ok(self.store.review_decision_save(self.actor.author(), decision).await?)
    }

    /// A past period's step (its closing), taken by a coordinator.
    pub async fn review_period_step(&self, by: &ReviewActor, quarter: Quarter, step: PeriodStep) -> Result<()> {
        self.store.review_period_step(self.actor.author(), by, quarter, step).await?;
        Ok(())
    }

    /// Generated trade statistics of one source.
    pub async fn trade(
        &self,
        source: &Source,
        file: &TradeFile,
        records: &[AggregatedRecord],
    ) -> Result<TradeImportOutcome> {
        Ok(self.store.trade_import(self.actor.author(), source, file, records).await?)
    }

    /// Generated exchange rates.
    pub async fn rates(&self, name: &str, rates: &[Rate]) -> Result<()> {
        self.store.rates_import(self.actor.author(), name, rates).await?;
        Ok(())
    }

    /// A fleet with its whole history, in one transaction.
    pub async fn fleet(&self, bulk: &FleetBulk<'_>) -> Result<BulkOutcome> {
        Ok(self.store.fleet_bulk_load(self.actor.author(), bulk).await?)
    }

    /// A warehouse with its opening stock: (bin, part, quantity) received on `on`.
    pub async fn warehouse(
        &self,
        name: &str,
        stock: &[(String, PartNumber, u32)],
        on: NaiveDate,
    ) -> Result<WarehouseId> {
        let warehouse = self.store.fleet_warehouse(self.actor.author(), name).await?;
        self.store.fleet_stock_receive_many(self.actor.author(), warehouse, stock, on).await?;
        Ok(warehouse)
    }

    /// One of the instance's facts (the service centre, the fleet's "today", the demo mark).
    pub async fn fact(&self, key: &str, value: &str) -> Result<()> {
        Ok(self.store.set_meta(key, value).await?)
    }
}
