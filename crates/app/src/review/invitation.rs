//! The quarter's meeting as an iCalendar invitation (`accord meeting ics`, the meeting page's
//! download): both local times in the description, participants as attendees.

use crate::review::reminders::mail_from;
use crate::{App, Error, Result};
use accord_domain::Side;
use accord_domain::directory::Locale;
use accord_domain::quarter::Quarter;
use accord_i18n::Tr;
use chrono::Utc;
use std::collections::BTreeMap;

/// A time as one side reads it: "22.04.2025 10:00".
pub fn local_text(side: Side, at: chrono::DateTime<Utc>) -> String {
    accord_domain::review::schedule::local(side, at).format("%d.%m.%Y %H:%M").to_string()
}

impl App {
    /// The meeting of `quarter` as an iCalendar file (in Russian, the sides' working language).
    pub async fn meeting_ics(&self, quarter: Quarter) -> Result<String> {
        use accord_formats::review::ics::{CalAddress, CalRole, Invitation, write_invitation};
        let meeting = self.store.review_meeting_of(quarter).await?.ok_or(Error::NotFound { entity: "meeting" })?;
        let tr = Tr::new(Locale::Ru);
        let mut names = BTreeMap::new();
        for p in &meeting.participants {
            if let Ok(row) = self.store.person(p.person).await {
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
        write_invitation(&invitation).map_err(Error::internal)
    }
}
