//! Verdicts on mirror pairs: a coordinator records whether the gap between what one side says
//! it exported and the other says it imported is open, explained or accepted.

use crate::{Actor, App, Result};
use accord_domain::directory::{Action, authorize};
use accord_domain::trade::{MirrorStatus, Territory};
use accord_domain::validation::{Invalid, Reason};
use accord_store::{MirrorKey, MirrorVerdict};
use serde::Deserialize;

/// A verdict as the API's JSON and the mirror page's form give it.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct VerdictInput {
    /// The exporting territory, e.g. BY-MA.
    pub exporter: String,
    /// The importing territory, e.g. RU-KHA.
    pub importer: String,
    /// The bucket as text: `2025-03`, `2025Q1` or `2025`.
    pub bucket: String,
    /// The commodity code (spaces allowed), or empty for the bucket's total.
    #[serde(default)]
    pub code: String,
    /// `open`, `explained` or `accepted`.
    pub status: String,
    #[serde(default)]
    pub comment: Option<String>,
    /// The version read; absent only for the first verdict on the pair.
    #[serde(default, deserialize_with = "super::optional_version")]
    pub version: Option<i64>,
}

impl App {
    /// Records a verdict: a coordinator of either side (or an administrator). A verdict already
    /// recorded changes only at the version read.
    pub async fn mirror_verdict_set(&self, actor: &Actor, input: &VerdictInput) -> Result<MirrorVerdict> {
        authorize(&actor.role(), Action::ReconcileTrade)?;
        let territory = |field: &'static str, text: &str| {
            Territory::parse(text.trim()).map_err(|_| Invalid::one(field, Reason::UnknownValue))
        };
        let key = MirrorKey {
            exporter: territory("exporter", &input.exporter)?,
            importer: territory("importer", &input.importer)?,
            bucket: input.bucket.trim().to_string(),
            code: input.code.replace(' ', ""),
        };
        let status = MirrorStatus::parse(&input.status).ok_or_else(|| Invalid::one("status", Reason::UnknownValue))?;
        let exists = self.store.mirror_verdicts().await?.iter().any(|v| v.key == key);
        if exists && input.version.is_none() {
            return Err(Invalid::one("version", Reason::Required).into());
        }
        let mut w = self.store.begin_write(actor.author()).await?;
        let verdict =
            self.store.mirror_verdict_set_in(&mut w, &key, input.version, status, input.comment.as_deref()).await?;
        w.commit().await?;
        Ok(verdict)
    }
}
