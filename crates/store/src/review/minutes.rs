//! The minutes of a meeting: drafts, the two keys and the lock.

use super::{expect_version, parse_body, refused, text_of};
use crate::{Author, Result, Store, StoreError, WriteTx};
use accord_domain::MeetingId;
use accord_domain::audit::Change;
use accord_domain::review::{Actor, Decision, Minutes, MinutesContent};
use serde::Serialize;

impl Store {
    pub async fn review_minutes(&self, meeting: MeetingId) -> Result<Option<Minutes>> {
        Ok(self.review_minutes_row(meeting).await?.map(|(m, _)| m))
    }

    /// A meeting's minutes with their version.
    pub async fn review_minutes_row(&self, meeting: MeetingId) -> Result<Option<(Minutes, i64)>> {
        let row: Option<(String, i64)> =
            sqlx::query_as("SELECT body, version FROM review_minutes WHERE meeting_id = $1")
                .bind(meeting.to_string())
                .fetch_optional(&self.pool)
                .await?;
        row.map(|(b, v)| Ok((parse_body("minutes", &b)?, v))).transpose()
    }

    async fn minutes_row_in(w: &mut WriteTx<'_>, meeting: MeetingId) -> Result<Option<(Minutes, i64)>> {
        let row: Option<(String, i64)> =
            sqlx::query_as("SELECT body, version FROM review_minutes WHERE meeting_id = $1")
                .bind(meeting.to_string())
                .fetch_optional(&mut *w.tx)
                .await?;
        row.map(|(b, v)| Ok((parse_body("minutes", &b)?, v))).transpose()
    }

    /// Writes the minutes: new ones (`expected` 0) or those at version `expected`, stale
    /// otherwise. When `minutes` carry the lock (the second key), the content hash goes into
    /// the audit chain too (entity `review_minutes_lock`). Returns the new version.
    pub async fn review_minutes_write_in(&self, w: &mut WriteTx<'_>, minutes: &Minutes, expected: i64) -> Result<i64> {
        let meeting = minutes.content.meeting;
        let before = Self::minutes_row_in(w, meeting).await?;
        expect_version("minutes", before.as_ref().map(|(_, v)| *v), expected)?;
        let body = text_of(minutes)?;
        let version = match before {
            None => {
                sqlx::query(
                    "INSERT INTO review_minutes (meeting_id, locked_hash, body, version) VALUES ($1, $2, $3, 1)",
                )
                .bind(meeting.to_string())
                .bind(minutes.locked_hash.clone())
                .bind(&body)
                .execute(&mut *w.tx)
                .await?;
                w.audit(Change::create("review_minutes", meeting, minutes)).await?;
                1
            }
            Some((before, version)) => {
                sqlx::query(
                    "UPDATE review_minutes SET locked_hash = $1, body = $2, version = version + 1 WHERE meeting_id = $3",
                )
                .bind(minutes.locked_hash.clone())
                .bind(&body)
                .bind(meeting.to_string())
                .execute(&mut *w.tx)
                .await?;
                w.audit(Change::update("review_minutes", meeting, &before, minutes)).await?;
                if before.locked_hash.is_none()
                    && let Some(hash) = &minutes.locked_hash
                {
                    #[derive(Serialize)]
                    struct Lock<'a> {
                        meeting: MeetingId,
                        content_hash: &'a str,
                    }
                    w.audit(Change::create("review_minutes_lock", meeting, &Lock { meeting, content_hash: hash }))
                        .await?;
                }
                version + 1
            }
        };
        Ok(version)
    }

    /// Writes the minutes' content, withdrawing approvals given so far; the decisions they
    /// record join the register (new ones on control). The demo loader's way; the doors go
    /// through `accord_app`.
    pub async fn review_minutes_edit(&self, author: Author<'_>, content: &MinutesContent) -> Result<Minutes> {
        let mut w = self.begin_write(author).await?;
        let before = Self::minutes_row_in(&mut w, content.meeting).await?;
        let minutes = match &before {
            Some((m, _)) => {
                let mut m = m.clone();
                m.edit(content.clone()).map_err(refused)?;
                m
            }
            None => Minutes::new(content.clone()),
        };
        for record in &content.decisions {
            let exists: Option<(String,)> = sqlx::query_as("SELECT id FROM review_decisions WHERE id = $1")
                .bind(record.id.to_string())
                .fetch_optional(&mut *w.tx)
                .await?;
            if exists.is_none() {
                let decision = Decision::new(record.clone()).map_err(refused)?;
                self.review_decision_write_in(&mut w, &decision, 0).await?;
            }
        }
        self.review_minutes_write_in(&mut w, &minutes, before.map_or(0, |(_, v)| v)).await?;
        w.commit().await?;
        Ok(minutes)
    }

    /// A coordinator's key on the minutes (the demo loader's way; the doors go through
    /// `accord_app`). The second key locks them.
    pub async fn review_minutes_approve(
        &self,
        author: Author<'_>,
        actor: &Actor,
        meeting: MeetingId,
    ) -> Result<Minutes> {
        let mut w = self.begin_write(author).await?;
        let (before, version) =
            Self::minutes_row_in(&mut w, meeting).await?.ok_or(StoreError::NotFound { entity: "minutes" })?;
        let mut after = before;
        after.approve(actor, w.now).map_err(refused)?;
        self.review_minutes_write_in(&mut w, &after, version).await?;
        w.commit().await?;
        Ok(after)
    }
}
