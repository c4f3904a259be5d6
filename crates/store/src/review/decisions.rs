//! The decisions register.

use super::{expect_version, name_of, parse_body, text_of, version_in};
use crate::directory::new_uuid;
use crate::{Author, Result, Store, StoreError, WriteTx};
use accord_domain::audit::Change;
use accord_domain::review::Decision;
use accord_domain::{DecisionId, MeasureId};

impl Store {
    /// The register, in protocol order (minutes date, then item).
    pub async fn review_decisions(&self) -> Result<Vec<Decision>> {
        Ok(self.review_decision_rows().await?.into_iter().map(|(d, _)| d).collect())
    }

    /// The register with each decision's version, in protocol order.
    pub async fn review_decision_rows(&self) -> Result<Vec<(Decision, i64)>> {
        let rows: Vec<(String, i64)> =
            sqlx::query_as("SELECT body, version FROM review_decisions").fetch_all(&self.pool).await?;
        let mut out: Vec<(Decision, i64)> =
            rows.iter().map(|(b, v)| Ok((parse_body("decision", b)?, *v))).collect::<Result<_>>()?;
        out.sort_by(|(a, _), (b, _)| a.record.reference.cmp(&b.record.reference));
        Ok(out)
    }

    pub async fn review_decision(&self, id: DecisionId) -> Result<Decision> {
        Ok(self.review_decision_row(id).await?.0)
    }

    /// A decision with its version.
    pub async fn review_decision_row(&self, id: DecisionId) -> Result<(Decision, i64)> {
        let row: Option<(String, i64)> = sqlx::query_as("SELECT body, version FROM review_decisions WHERE id = $1")
            .bind(id.to_string())
            .fetch_optional(&self.pool)
            .await?;
        let (body, version) = row.ok_or(StoreError::NotFound { entity: "decision" })?;
        Ok((parse_body("decision", &body)?, version))
    }

    /// Decisions linked to a measure (the measure's side of the two-way link).
    pub async fn review_decisions_of_measure(&self, measure: MeasureId) -> Result<Vec<Decision>> {
        let rows: Vec<(String,)> = sqlx::query_as("SELECT body FROM review_decisions WHERE measure_id = $1")
            .bind(measure.to_string())
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(|(b,)| parse_body("decision", b)).collect()
    }

    /// A new decision id.
    pub fn review_new_decision_id(&self) -> DecisionId {
        DecisionId(new_uuid())
    }

    /// Saves a changed decision (the demo loader's way; the doors go through `accord_app`).
    pub async fn review_decision_save(&self, author: Author<'_>, decision: &Decision) -> Result<()> {
        let mut w = self.begin_write(author).await?;
        let current =
            version_in(&mut w, "SELECT version FROM review_decisions WHERE id = $1", &[decision.record.id.to_string()])
                .await?;
        self.review_decision_write_in(&mut w, decision, current.unwrap_or(0)).await?;
        w.commit().await
    }

    /// Records a new decision (`expected` 0: none with its id may exist) or writes one changed
    /// since version `expected` (its control status, its link to a measure); stale otherwise.
    /// Returns the new version.
    pub async fn review_decision_write_in(
        &self,
        w: &mut WriteTx<'_>,
        decision: &Decision,
        expected: i64,
    ) -> Result<i64> {
        let id = decision.record.id;
        let existing: Option<(String, i64)> =
            sqlx::query_as("SELECT body, version FROM review_decisions WHERE id = $1")
                .bind(id.to_string())
                .fetch_optional(&mut *w.tx)
                .await?;
        expect_version("decision", existing.as_ref().map(|(_, v)| *v), expected)?;
        let body = text_of(decision)?;
        let reference = decision.record.reference.format(accord_domain::directory::Locale::Ru);
        match existing {
            None => {
                sqlx::query(
                    "INSERT INTO review_decisions (id, origin, meeting_id, reference, control, measure_id, body, version) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, 1)",
                )
                .bind(id.to_string())
                .bind(self.origin.code())
                .bind(decision.record.meeting.to_string())
                .bind(&reference)
                .bind(name_of(&decision.control))
                .bind(decision.measure.map(|m| m.to_string()))
                .bind(&body)
                .execute(&mut *w.tx)
                .await?;
                w.audit(Change::create("review_decision", id, decision)).await?;
                Ok(1)
            }
            Some((before, version)) => {
                let before: Decision = parse_body("decision", &before)?;
                sqlx::query(
                    "UPDATE review_decisions SET control = $1, measure_id = $2, body = $3, version = version + 1 WHERE id = $4",
                )
                .bind(name_of(&decision.control))
                .bind(decision.measure.map(|m| m.to_string()))
                .bind(&body)
                .bind(id.to_string())
                .execute(&mut *w.tx)
                .await?;
                let note = decision.history.last().and_then(|c| c.note.clone());
                w.audit(Change::update("review_decision", id, &before, decision).with_reason(note)).await?;
                Ok(version + 1)
            }
        }
    }
}
