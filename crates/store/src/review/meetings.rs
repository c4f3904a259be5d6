//! Meetings and their agendas.

use super::{expect_version, parse_body, refused, text_of, version_in};
use crate::directory::new_uuid;
use crate::{Author, Result, Store, StoreError, WriteTx};
use accord_domain::audit::Change;
use accord_domain::quarter::Quarter;
use accord_domain::review::{Agenda, AgendaItem, Meeting};
use accord_domain::{AgendaItemId, MeetingId};

impl Store {
    pub async fn review_meetings(&self) -> Result<Vec<Meeting>> {
        let rows: Vec<(String,)> =
            sqlx::query_as("SELECT body FROM review_meetings ORDER BY start_utc").fetch_all(&self.pool).await?;
        rows.iter().map(|(b,)| parse_body("meeting", b)).collect()
    }

    pub async fn review_meeting_of(&self, quarter: Quarter) -> Result<Option<Meeting>> {
        Ok(self.review_meeting_row(quarter).await?.map(|(m, _)| m))
    }

    /// The quarter's meeting with its version.
    pub async fn review_meeting_row(&self, quarter: Quarter) -> Result<Option<(Meeting, i64)>> {
        let row: Option<(String, i64)> = sqlx::query_as("SELECT body, version FROM review_meetings WHERE quarter = $1")
            .bind(quarter.to_string())
            .fetch_optional(&self.pool)
            .await?;
        row.map(|(b, v)| Ok((parse_body("meeting", &b)?, v))).transpose()
    }

    pub async fn review_meeting(&self, id: MeetingId) -> Result<Meeting> {
        let row: Option<(String,)> = sqlx::query_as("SELECT body FROM review_meetings WHERE id = $1")
            .bind(id.to_string())
            .fetch_optional(&self.pool)
            .await?;
        let (body,) = row.ok_or(StoreError::NotFound { entity: "meeting" })?;
        parse_body("meeting", &body)
    }

    /// A new meeting id.
    pub fn review_new_meeting_id(&self) -> MeetingId {
        MeetingId(new_uuid())
    }

    /// Creates or replaces the quarter's meeting (the demo loader's way; the doors go through
    /// `accord_app`). Refused once the quarter's period is closed.
    pub async fn review_meeting_save(&self, author: Author<'_>, meeting: &Meeting) -> Result<()> {
        let mut w = self.begin_write(author).await?;
        let current =
            version_in(&mut w, "SELECT version FROM review_meetings WHERE id = $1", &[meeting.id.to_string()]).await?;
        self.review_meeting_write_in(&mut w, meeting, current).await?;
        w.commit().await
    }

    /// Writes the quarter's meeting: a new one (`expected` is `None`: the quarter has none yet)
    /// or the one at version `expected`; stale otherwise, refused once the period is closed.
    /// Returns the new version.
    pub async fn review_meeting_write_in(
        &self,
        w: &mut WriteTx<'_>,
        meeting: &Meeting,
        expected: Option<i64>,
    ) -> Result<i64> {
        let period = Self::period_in(w, meeting.quarter).await?;
        period.ensure_editable().map_err(refused)?;
        let existing: Option<(String, i64, String)> =
            sqlx::query_as("SELECT id, version, body FROM review_meetings WHERE quarter = $1")
                .bind(meeting.quarter.to_string())
                .fetch_optional(&mut *w.tx)
                .await?;
        let body = text_of(meeting)?;
        match (existing, expected) {
            (None, None) => {
                sqlx::query(
                    "INSERT INTO review_meetings (id, origin, quarter, start_utc, duration_minutes, body, version) \
                     VALUES ($1, $2, $3, $4, $5, $6, 1)",
                )
                .bind(meeting.id.to_string())
                .bind(self.origin.code())
                .bind(meeting.quarter.to_string())
                .bind(accord_domain::audit::timestamp_text(meeting.start))
                .bind(i64::from(meeting.duration_minutes))
                .bind(&body)
                .execute(&mut *w.tx)
                .await
                .map_err(|e| match e {
                    sqlx::Error::Database(db) if db.is_unique_violation() => {
                        StoreError::Conflict { entity: "meeting", current: 1 }
                    }
                    other => other.into(),
                })?;
                w.audit(Change::create("review_meeting", meeting.id, meeting)).await?;
                Ok(1)
            }
            (Some((id, version, before)), Some(expected)) if version == expected && id == meeting.id.to_string() => {
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
                w.audit(Change::update("review_meeting", meeting.id, &before, meeting)).await?;
                Ok(version + 1)
            }
            (existing, _) => {
                Err(StoreError::Conflict { entity: "meeting", current: existing.map_or(0, |(_, v, _)| v) })
            }
        }
    }

    /// A meeting's agenda, in order.
    pub async fn review_agenda(&self, meeting: MeetingId) -> Result<Option<Agenda>> {
        Ok(self.review_agenda_row(meeting).await?.0)
    }

    /// A meeting's agenda with the version of the list (0: no agenda yet).
    pub async fn review_agenda_row(&self, meeting: MeetingId) -> Result<(Option<Agenda>, i64)> {
        let version: Option<(i64,)> = sqlx::query_as("SELECT agenda_version FROM review_meetings WHERE id = $1")
            .bind(meeting.to_string())
            .fetch_optional(&self.pool)
            .await?;
        let rows: Vec<(String,)> =
            sqlx::query_as("SELECT body FROM review_agenda_items WHERE meeting_id = $1 ORDER BY position")
                .bind(meeting.to_string())
                .fetch_all(&self.pool)
                .await?;
        let version = version.map_or(0, |(v,)| v);
        if rows.is_empty() {
            return Ok((None, version));
        }
        let items: Vec<AgendaItem> = rows.iter().map(|(b,)| parse_body("agenda item", b)).collect::<Result<_>>()?;
        Ok((Some(Agenda { meeting, items }), version))
    }

    /// Replaces a meeting's agenda (the demo loader's way; the doors go through `accord_app`).
    pub async fn review_agenda_save(&self, author: Author<'_>, quarter: Quarter, agenda: &Agenda) -> Result<()> {
        let mut w = self.begin_write(author).await?;
        let current = version_in(
            &mut w,
            "SELECT agenda_version FROM review_meetings WHERE id = $1",
            &[agenda.meeting.to_string()],
        )
        .await?;
        self.review_agenda_write_in(&mut w, quarter, agenda, current.unwrap_or(0)).await?;
        w.commit().await
    }

    /// Replaces a meeting's agenda with `agenda` (generated, or edited: added, removed, moved)
    /// if the list is still at `expected` (the version the editor saw; 0 for none), else
    /// stale; refused once the period is closed. Returns the new version.
    pub async fn review_agenda_write_in(
        &self,
        w: &mut WriteTx<'_>,
        quarter: Quarter,
        agenda: &Agenda,
        expected: i64,
    ) -> Result<i64> {
        let period = Self::period_in(w, quarter).await?;
        period.ensure_editable().map_err(refused)?;
        let current =
            version_in(w, "SELECT agenda_version FROM review_meetings WHERE id = $1", &[agenda.meeting.to_string()])
                .await?;
        if current.is_none() {
            return Err(StoreError::NotFound { entity: "meeting" });
        }
        expect_version("agenda", current, expected)?;
        sqlx::query("UPDATE review_meetings SET agenda_version = agenda_version + 1 WHERE id = $1")
            .bind(agenda.meeting.to_string())
            .execute(&mut *w.tx)
            .await?;
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
        Ok(expected + 1)
    }

    /// A new agenda item id.
    pub fn review_new_agenda_item_id(&self) -> AgendaItemId {
        AgendaItemId(new_uuid())
    }
}
