//! The action plan's use cases: measures, amendments (the second key on a signed plan),
//! indicators and their actuals, versions, sections, files and links, and the plan table's
//! import and exports.
//!
//! The two-key rule holds at every door because every door comes here: a change by one side
//! to the signed text of a measure (title, term, executors) or its deletion becomes an
//! amendment that the other side's coordinator accepts or rejects, whether it comes from the
//! form, the API, an imported workbook or the review session.

mod amendments;
mod export;
pub mod files;
pub mod import;
mod indicators;
mod measures;
mod table;
mod versions;

pub use export::{ExportFile, template_xlsx};
pub use import::{ImportOptions, ImportReport};
pub(crate) use measures::measure_create_checked;
pub use measures::{Deleted, Edited};

use crate::{App, Error, Result};
use accord_domain::plan::{Executor, Plan};
use accord_domain::validation::{Invalid, Reason};
use accord_store::StoreError;

/// An executor as a form or API names it: an organisation code, and whether it leads.
#[derive(Debug, Clone, serde::Deserialize, serde::Serialize, utoipa::ToSchema)]
pub struct ExecutorRef {
    /// Organisation code from the directory, e.g. MAZ.
    pub organisation: String,
    #[serde(default)]
    pub lead: bool,
}

impl App {
    /// The plan a request is about: the one with `code`, else the first one.
    pub async fn plan_resolve(&self, code: Option<&str>) -> Result<Plan> {
        match code.map(str::trim).filter(|c| !c.is_empty()) {
            Some(code) => Ok(self.store.plan_by_code(code).await?),
            None => self.store.plan_list().await?.into_iter().next().ok_or(Error::NotFound { entity: "plan" }),
        }
    }

    /// Resolves organisation codes to executors (their side comes from the directory).
    pub async fn executors_resolve(&self, refs: &[ExecutorRef]) -> Result<Vec<Executor>> {
        let mut executors: Vec<Executor> = Vec::new();
        for r in refs {
            let code = r.organisation.trim();
            if code.is_empty() {
                continue;
            }
            let org = match self.store.organisation_by_code(code).await {
                Ok(org) => org,
                Err(StoreError::NotFound { .. }) => return Err(Invalid::one("executors", Reason::NotFound).into()),
                Err(e) => return Err(e.into()),
            };
            if let Some(existing) = executors.iter_mut().find(|e| e.organisation == org.id) {
                existing.lead |= r.lead;
            } else {
                executors.push(Executor { organisation: org.id, side: org.data.side, lead: r.lead });
            }
        }
        Ok(executors)
    }
}
