//! The minutes of the quarter's meeting: drafted by a coordinator (an edit withdraws the keys
//! given so far), approved by one coordinator of each side, two different people; the second
//! key locks them and writes their content hash into the audit chain.

use super::{authorize_review, check_version};
use crate::{Actor, App, Error, Result};
use accord_domain::Side;
use accord_domain::directory::Action;
use accord_domain::quarter::Quarter;
use accord_domain::review::{Attendance, Minutes, MinutesContent, MinutesItem, schedule};

/// Minutes with the version their next writer must name.
#[derive(Debug, Clone)]
pub struct VersionedMinutes {
    pub minutes: Minutes,
    pub version: i64,
}

impl App {
    /// Writes the minutes' text (one item under `heading`), listing those marked present: a
    /// coordinator, at the minutes' `version` (0 for none yet), while they are not locked.
    pub async fn minutes_edit(
        &self,
        actor: &Actor,
        quarter: Quarter,
        version: i64,
        heading: &str,
        text: &str,
    ) -> Result<VersionedMinutes> {
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
        content.attendees =
            meeting.participants.iter().filter(|p| p.attendance == Attendance::Present).map(|p| p.person).collect();
        content.items =
            vec![MinutesItem { number: "1".into(), heading: heading.to_string(), text: text.trim().to_string() }];
        let minutes = match found {
            Some((mut m, _)) => {
                m.edit(content)?;
                m
            }
            None => Minutes::new(content),
        };
        let mut w = self.store.begin_write(actor.author()).await?;
        let version = self.store.review_minutes_write_in(&mut w, &minutes, version).await?;
        w.commit().await?;
        Ok(VersionedMinutes { minutes, version })
    }

    /// Puts the actor's side's key on the minutes as they stand at `version`: that side's
    /// coordinator. The second key (the other side's, another person) locks them.
    pub async fn minutes_approve(&self, actor: &Actor, quarter: Quarter, version: i64) -> Result<VersionedMinutes> {
        // Without a side (an administrator, an observer of both) nobody holds a key; the
        // operator is told to name the person.
        let side = actor.side().unwrap_or(Side::By);
        authorize_review(actor, Action::ApproveMinutes { side })?;
        if actor.side().is_none() {
            return Err(Error::forbidden());
        }
        let meeting = self.store.review_meeting_of(quarter).await?.ok_or(Error::NotFound { entity: "meeting" })?;
        let (mut minutes, current) =
            self.store.review_minutes_row(meeting.id).await?.ok_or(Error::NotFound { entity: "minutes" })?;
        check_version("minutes", current, version)?;
        let mut w = self.store.begin_write(actor.author()).await?;
        minutes.approve(&actor.review_actor(), w.now())?;
        let version = self.store.review_minutes_write_in(&mut w, &minutes, version).await?;
        w.commit().await?;
        Ok(VersionedMinutes { minutes, version })
    }
}
