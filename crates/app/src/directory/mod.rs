//! The directory's use cases: organisations and people of both sides.
//!
//! Each side keeps its own: a coordinator creates, changes and deletes the organisations of
//! their side and their people; an executor changes their own organisation's details and
//! people; an administrator everything. Moving an organisation to the other side (or recoding
//! it), or a person to an organisation of the other side, needs the rights of both. Every
//! change is made at the version the actor saw (`Error::Stale` otherwise) and the doors refuse
//! a change without one.

mod organisations;
mod people;

pub use organisations::OrganisationInput;
pub use people::PersonInput;

use accord_domain::validation::{Invalid, Reason};
use serde::Deserialize;

/// What deleting a record sends: the version the actor saw, and why (kept in the audit log).
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema, utoipa::IntoParams)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub struct DeleteInput {
    /// The version the client last saw (required).
    pub version: Option<i64>,
    /// Why; kept in the audit log.
    pub reason: Option<String>,
}

/// A change's version: required, named `version` when missing.
pub(crate) fn required_version(version: Option<i64>) -> Result<i64, Invalid> {
    version.ok_or_else(|| Invalid::one("version", Reason::Required))
}

/// A reason as the audit log keeps it: trimmed, none when blank.
pub(crate) fn reason_of(reason: Option<&str>) -> Option<String> {
    reason.map(str::trim).filter(|r| !r.is_empty()).map(str::to_string)
}
