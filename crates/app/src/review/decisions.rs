//! The decisions register: decisions recorded in the minutes, their control status, and the
//! measure created to carry one out.

use super::{authorize_review, check_version};
use crate::plan::measure_create_checked;
use crate::{Actor, App, Error, Result};
use accord_domain::directory::Action;
use accord_domain::plan::{Executor, Measure, MeasureForm};
use accord_domain::quarter::Quarter;
use accord_domain::review::{ControlStatus, Decision, DecisionRecord, Minutes, MinutesContent, ProtocolRef, schedule};
use accord_domain::validation::{Invalid, Reason};
use accord_domain::{DecisionId, Side};
use chrono::NaiveDate;

/// A decision as the session records it.
#[derive(Debug, Clone)]
pub struct NewDecision {
    /// The item of the minutes, e.g. `1.2`.
    pub item: String,
    pub text: String,
    pub executors: Vec<Executor>,
    pub term: Option<NaiveDate>,
}

impl App {
    /// Records a decision in the quarter's minutes (at the minutes' `version`, 0 for none yet);
    /// it joins the register on control. A coordinator, while the minutes are not locked.
    pub async fn decision_record(
        &self,
        actor: &Actor,
        quarter: Quarter,
        version: i64,
        new: NewDecision,
    ) -> Result<Decision> {
        authorize_review(actor, Action::ManageReview)?;
        let meeting = self.store.review_meeting_of(quarter).await?.ok_or(Error::NotFound { entity: "meeting" })?;
        let found = self.store.review_minutes_row(meeting.id).await?;
        check_version("minutes", found.as_ref().map_or(0, |(_, v)| *v), version)?;
        let mut content = found.as_ref().map(|(m, _)| m.content.clone()).unwrap_or_else(|| MinutesContent {
            meeting: meeting.id,
            date: schedule::local(Side::By, meeting.start).date(),
            attendees: Vec::new(),
            items: Vec::new(),
            decisions: Vec::new(),
        });
        let reference = ProtocolRef::parse(new.item.trim(), content.date)
            .map_err(|_| Invalid::one("item", Reason::UnknownValue))?;
        let record = DecisionRecord {
            id: self.store.review_new_decision_id(),
            meeting: meeting.id,
            reference,
            text: new.text.trim().to_string(),
            executors: new.executors,
            term: new.term,
        };
        let decision = Decision::new(record.clone())?;
        content.decisions.push(record);
        let minutes = match found {
            Some((mut m, _)) => {
                m.edit(content)?;
                m
            }
            None => Minutes::new(content),
        };
        let mut w = self.store.begin_write(actor.author()).await?;
        self.store.review_decision_write_in(&mut w, &decision, 0).await?;
        self.store.review_minutes_write_in(&mut w, &minutes, version).await?;
        w.commit().await?;
        Ok(decision)
    }

    /// Changes a decision's control status (done, removed, postponed to a later `term`): a
    /// coordinator, at the decision's `version`.
    pub async fn decision_control(
        &self,
        actor: &Actor,
        id: DecisionId,
        version: i64,
        to: ControlStatus,
        term: Option<NaiveDate>,
        note: &str,
    ) -> Result<Decision> {
        authorize_review(actor, Action::ManageReview)?;
        let (mut decision, current) = self.store.review_decision_row(id).await?;
        check_version("decision", current, version)?;
        let mut w = self.store.begin_write(actor.author()).await?;
        decision.set_control(&actor.review_actor(), to, term, Some(note), w.now())?;
        self.store.review_decision_write_in(&mut w, &decision, version).await?;
        w.commit().await?;
        Ok(decision)
    }

    /// Creates the plan measure that carries a decision out, numbered `number`, executed by the
    /// decision's executors, and links the two, in one transaction. The plan's rules of adding
    /// a measure hold (a coordinator adds only what its side takes part in); linking is a
    /// coordinator's act at the decision's `version`.
    pub async fn decision_create_measure(
        &self,
        actor: &Actor,
        id: DecisionId,
        version: i64,
        number: &str,
    ) -> Result<Measure> {
        authorize_review(actor, Action::ManageReview)?;
        let (mut decision, current) = self.store.review_decision_row(id).await?;
        check_version("decision", current, version)?;
        let (plan, _) = self.review_plan().await?;
        let form = MeasureForm {
            number: number.trim().to_string(),
            section: "trade".into(),
            title_ru: decision.record.text.clone(),
            term: decision.term.map(|t| t.format("%d.%m.%Y").to_string()).unwrap_or_else(|| "2027".into()),
            ..Default::default()
        };
        let data = measure_create_checked(actor, &form, decision.record.executors.clone())?;
        let mut w = self.store.begin_write(actor.author()).await?;
        let measure = self.store.measure_create_in(&mut w, &plan, &data).await?;
        decision.link_measure(&actor.review_actor(), measure.id)?;
        self.store.review_decision_write_in(&mut w, &decision, version).await?;
        w.commit().await?;
        Ok(measure)
    }
}
