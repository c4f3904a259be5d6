//! Sides, organisations, people, users and roles; who may do what.

pub mod authz;
pub mod organisation;
pub mod person;
pub mod sign_in;
pub mod user;

pub use authz::{Action, Forbidden, authorize};
pub use organisation::{OrgCode, OrgKind, Organisation, OrganisationData, OrganisationForm, name_key};
pub use person::{Person, PersonData, PersonForm};
pub use user::{Locale, Login, Role, RoleKind, UserAccount};
