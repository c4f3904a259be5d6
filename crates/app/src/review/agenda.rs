//! The meeting's agenda: generated from the data, then edited (items added by the sides,
//! moved, removed). The agenda is one ordered list: moving one item moves the others, so every
//! change names the version of the whole list it was made on (0: no agenda yet).

use super::{authorize_review, check_version};
use crate::{Actor, App, Error, Result};
use accord_domain::directory::Action;
use accord_domain::quarter::Quarter;
use accord_domain::review::{Agenda, AgendaError, AgendaItem, AgendaItemKind, Meeting};
use accord_domain::{AgendaItemId, Side};
use chrono::NaiveDate;

/// An agenda with the version its next editor must name.
#[derive(Debug, Clone)]
pub struct VersionedAgenda {
    pub agenda: Agenda,
    pub version: i64,
}

impl App {
    /// Replaces the quarter's agenda with the one the data suggests as of `today`: a coordinator.
    pub async fn agenda_generate(
        &self,
        actor: &Actor,
        quarter: Quarter,
        version: i64,
        today: NaiveDate,
    ) -> Result<VersionedAgenda> {
        authorize_review(actor, Action::ManageReview)?;
        let (plan, _) = self.review_plan().await?;
        let meeting = self.agenda_meeting(quarter).await?;
        let draft = self.review_agenda_draft(&plan, &meeting, today).await?;
        self.agenda_change(actor, &meeting, version, |agenda| {
            *agenda = draft;
            Ok(())
        })
        .await
    }

    /// Adds a side's item at the end: a coordinator.
    pub async fn agenda_item_add(
        &self,
        actor: &Actor,
        quarter: Quarter,
        version: i64,
        side: Side,
        title: &str,
        note: Option<String>,
    ) -> Result<VersionedAgenda> {
        authorize_review(actor, Action::ManageReview)?;
        let meeting = self.agenda_meeting(quarter).await?;
        if title.trim().is_empty() {
            return Err(AgendaError::TitleRequired.into());
        }
        let kind = AgendaItemKind::SideItem { side, title: title.trim().to_string(), note };
        let item = AgendaItem { id: self.store.review_new_agenda_item_id(), kind };
        self.agenda_change(actor, &meeting, version, |agenda| agenda.add(item, None)).await
    }

    /// Moves an item to `position` (0-based, after the move): a coordinator.
    pub async fn agenda_item_move(
        &self,
        actor: &Actor,
        quarter: Quarter,
        version: i64,
        item: AgendaItemId,
        position: usize,
    ) -> Result<VersionedAgenda> {
        authorize_review(actor, Action::ManageReview)?;
        let meeting = self.agenda_meeting(quarter).await?;
        self.agenda_change(actor, &meeting, version, |agenda| agenda.move_item(item, position)).await
    }

    /// Removes an item: a coordinator.
    pub async fn agenda_item_remove(
        &self,
        actor: &Actor,
        quarter: Quarter,
        version: i64,
        item: AgendaItemId,
    ) -> Result<VersionedAgenda> {
        authorize_review(actor, Action::ManageReview)?;
        let meeting = self.agenda_meeting(quarter).await?;
        self.agenda_change(actor, &meeting, version, |agenda| agenda.remove(item).map(|_| ())).await
    }

    async fn agenda_meeting(&self, quarter: Quarter) -> Result<Meeting> {
        self.store.review_meeting_of(quarter).await?.ok_or(Error::NotFound { entity: "meeting" })
    }

    async fn agenda_change(
        &self,
        actor: &Actor,
        meeting: &Meeting,
        version: i64,
        change: impl FnOnce(&mut Agenda) -> Result<(), AgendaError>,
    ) -> Result<VersionedAgenda> {
        let (agenda, current) = self.store.review_agenda_row(meeting.id).await?;
        check_version("agenda", current, version)?;
        let mut agenda = agenda.unwrap_or(Agenda { meeting: meeting.id, items: Vec::new() });
        change(&mut agenda)?;
        let mut w = self.store.begin_write(actor.author()).await?;
        let version = self.store.review_agenda_write_in(&mut w, meeting.quarter, &agenda, version).await?;
        w.commit().await?;
        Ok(VersionedAgenda { agenda, version })
    }
}
