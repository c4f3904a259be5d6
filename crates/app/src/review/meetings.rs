//! The quarter's meeting: its time (as the Belarusian side's clock reads it; both sides see
//! their own), its length and who attended.

use super::{authorize_review, check_version};
use crate::{Actor, App, Error, Result};
use accord_domain::directory::Action;
use accord_domain::quarter::Quarter;
use accord_domain::review::{Attendance, HolidayCalendar, Meeting, ScheduleWarning, schedule};
use accord_domain::{PersonId, Side};
use chrono::NaiveDateTime;

impl App {
    /// Schedules the quarter's meeting, or moves it: a coordinator, at the meeting's `version`
    /// (0 when there is none yet). A time outside either side's working hours or on a day off
    /// is allowed, with warnings.
    pub async fn meeting_schedule(
        &self,
        actor: &Actor,
        quarter: Quarter,
        version: i64,
        start_in_minsk: NaiveDateTime,
        duration_minutes: u32,
    ) -> Result<(Meeting, Vec<ScheduleWarning>)> {
        authorize_review(actor, Action::ManageReview)?;
        let (plan, plan_period) = self.review_plan().await?;
        plan_period.check(quarter)?;
        let start = schedule::from_local(Side::By, start_in_minsk)?;
        let calendar = HolidayCalendar::builtin();
        let existing = self.store.review_meeting_row(quarter).await?;
        check_version("meeting", existing.as_ref().map_or(0, |(_, v)| *v), version)?;
        let (meeting, warnings) = match existing {
            Some((mut m, _)) => {
                let warnings = m.reschedule(start, duration_minutes, &calendar)?;
                (m, warnings)
            }
            None => Meeting::new(self.store.review_new_meeting_id(), quarter, start, duration_minutes, &calendar)?,
        };
        let mut w = self.store.begin_write(actor.author()).await?;
        self.store.review_period_ensure_in(&mut w, plan.id, plan_period, quarter, None).await?;
        self.store.review_meeting_write_in(&mut w, &meeting, (version > 0).then_some(version)).await?;
        w.commit().await?;
        Ok((meeting, warnings))
    }

    /// Marks who attended the quarter's meeting: a coordinator, at the meeting's `version`.
    /// People not listed keep their mark.
    pub async fn meeting_attendance(
        &self,
        actor: &Actor,
        quarter: Quarter,
        version: i64,
        marks: &[(PersonId, Attendance)],
    ) -> Result<Meeting> {
        authorize_review(actor, Action::ManageReview)?;
        let (mut meeting, current) =
            self.store.review_meeting_row(quarter).await?.ok_or(Error::NotFound { entity: "meeting" })?;
        check_version("meeting", current, version)?;
        for (person, attendance) in marks {
            if meeting.participants.iter().any(|p| p.person == *person) {
                meeting.mark_attendance(*person, *attendance)?;
            }
        }
        let mut w = self.store.begin_write(actor.author()).await?;
        self.store.review_meeting_write_in(&mut w, &meeting, Some(version)).await?;
        w.commit().await?;
        Ok(meeting)
    }
}
