//! The measures list's query, shared by the table page and `GET /api/v1/measures`: the same
//! parameters, parsed once into the store's filter.

use crate::AppState;
use crate::error::AppError;
use accord_domain::{OrganisationId, Quarter};
use accord_store::{MeasureFilter, MeasureSort};
use serde::Deserialize;

#[derive(Deserialize, Default, Clone, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MeasureQuery {
    /// Plan code; the first plan when absent.
    pub plan: Option<String>,
    /// Full-text search (Russian case-insensitive, executors' names included).
    pub q: Option<String>,
    /// Section code: trade, industry, agriculture, science, youth, culture, social, other.
    pub dimension: Option<String>,
    /// BY or KHV: measures that side takes part in.
    pub side: Option<String>,
    /// Organisation code of an executor.
    pub executor: Option<String>,
    pub status: Option<String>,
    pub tag: Option<String>,
    /// A quarter such as 2026Q3: measures due within it.
    pub due: Option<String>,
    /// 1 or true: only overdue measures.
    pub overdue: Option<String>,
    /// number, term or status.
    pub sort: Option<String>,
    /// asc or desc.
    pub dir: Option<String>,
    pub page: Option<i64>,
    pub per_page: Option<i64>,
}

impl MeasureQuery {
    pub async fn filter(&self, state: &AppState, today: chrono::NaiveDate) -> Result<MeasureFilter, AppError> {
        let executor = match self.executor.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            Some(code) => Some(
                state
                    .store()
                    .organisation_by_code(code)
                    .await
                    .map(|o| o.id)
                    .unwrap_or(OrganisationId(uuid::Uuid::nil())),
            ),
            None => None,
        };
        let clean = |v: &Option<String>| v.clone().map(|s| s.trim().to_string()).filter(|s| !s.is_empty());
        Ok(MeasureFilter {
            query: clean(&self.q),
            section: clean(&self.dimension),
            side: self.side.as_deref().and_then(|s| s.parse().ok()),
            executor,
            status: self.status.as_deref().and_then(|s| s.parse().ok()),
            tag: clean(&self.tag),
            due: self.due.as_deref().and_then(|s| s.parse::<Quarter>().ok()),
            overdue: matches!(self.overdue.as_deref(), Some("1" | "true" | "on")),
            today: Some(today),
            sort: self.sort.as_deref().and_then(MeasureSort::parse).unwrap_or_default(),
            descending: self.dir.as_deref() == Some("desc"),
        })
    }

    pub(super) fn pairs(&self) -> Vec<(String, String)> {
        [
            ("plan", &self.plan),
            ("q", &self.q),
            ("dimension", &self.dimension),
            ("side", &self.side),
            ("executor", &self.executor),
            ("status", &self.status),
            ("tag", &self.tag),
            ("due", &self.due),
            ("overdue", &self.overdue),
        ]
        .into_iter()
        .filter_map(|(k, v)| v.as_ref().filter(|v| !v.is_empty()).map(|v| (k.to_string(), v.clone())))
        .collect()
    }

    pub(super) fn get<'a>(&self, value: &'a Option<String>) -> &'a str {
        value.as_deref().unwrap_or("")
    }
}
