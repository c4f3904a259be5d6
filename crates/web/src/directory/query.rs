//! The list queries of organisations and people, shared by the pages and the API.

use accord_domain::directory::OrgKind;
use accord_domain::{OrganisationId, Side};
use accord_store::{OrgFilter, OrgSort, PersonFilter, PersonSort};
use serde::Deserialize;

/// Search, filters, sort and page of the organisation list.
#[derive(Deserialize, Default, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct OrgQuery {
    pub q: Option<String>,
    pub side: Option<String>,
    pub kind: Option<String>,
    pub sort: Option<String>,
    pub dir: Option<String>,
    pub page: Option<i64>,
    pub per_page: Option<i64>,
}

impl OrgQuery {
    pub fn filter(&self) -> OrgFilter {
        OrgFilter {
            query: self.q.clone().filter(|q| !q.trim().is_empty()),
            side: self.side.as_deref().and_then(|s| s.parse::<Side>().ok()),
            kind: self.kind.as_deref().and_then(|k| k.parse::<OrgKind>().ok()),
            sort: self.sort.as_deref().and_then(OrgSort::parse).unwrap_or_default(),
            descending: self.dir.as_deref() == Some("desc"),
        }
    }
}

/// Search, filters, sort and page of the list of people.
#[derive(Deserialize, Default, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PersonQuery {
    pub q: Option<String>,
    pub side: Option<String>,
    pub organisation_id: Option<String>,
    pub sort: Option<String>,
    pub dir: Option<String>,
    pub page: Option<i64>,
    pub per_page: Option<i64>,
}

impl PersonQuery {
    pub fn filter(&self) -> PersonFilter {
        PersonFilter {
            query: self.q.clone().filter(|q| !q.trim().is_empty()),
            side: self.side.as_deref().and_then(|s| s.parse::<Side>().ok()),
            organisation: self.organisation_id.as_deref().and_then(|o| o.parse::<OrganisationId>().ok()),
            sort: self.sort.as_deref().and_then(PersonSort::parse).unwrap_or_default(),
            descending: self.dir.as_deref() == Some("desc"),
        }
    }
}
