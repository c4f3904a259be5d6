//! Field-level validation errors shared by every module.
//!
//! A reason is a stable code; adapters translate it (`err-<code>` in the Fluent files) and
//! name the field, so a user sees which field is wrong and why, in their language.

use serde::Serialize;
use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Reason {
    Required,
    TooLong,
    TooShort,
    InvalidEmail,
    InvalidPhone,
    InvalidUrl,
    InvalidCode,
    InvalidLogin,
    UnknownValue,
    NotUnique,
    NotFound,
    RoleNeedsSide,
    RoleNeedsOrganisation,
    OrganisationOnOtherSide,
    /// A number above the largest value that makes sense for the field.
    TooLarge,
    /// A number outside the field's stated range (the form states it beside the field).
    OutOfRange,
    /// Text where a number is expected.
    NotANumber,
}

impl Reason {
    pub fn code(self) -> &'static str {
        match self {
            Reason::Required => "required",
            Reason::TooLong => "too-long",
            Reason::TooShort => "too-short",
            Reason::InvalidEmail => "invalid-email",
            Reason::InvalidPhone => "invalid-phone",
            Reason::InvalidUrl => "invalid-url",
            Reason::InvalidCode => "invalid-code",
            Reason::InvalidLogin => "invalid-login",
            Reason::UnknownValue => "unknown-value",
            Reason::NotUnique => "not-unique",
            Reason::NotFound => "not-found",
            Reason::RoleNeedsSide => "role-needs-side",
            Reason::RoleNeedsOrganisation => "role-needs-organisation",
            Reason::OrganisationOnOtherSide => "organisation-on-other-side",
            Reason::TooLarge => "too-large",
            Reason::OutOfRange => "out-of-range",
            Reason::NotANumber => "not-a-number",
        }
    }
}

/// One field that failed validation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldError {
    pub field: &'static str,
    pub reason: Reason,
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.field, self.reason.code())
    }
}

/// All the field errors of one input, in form order.
#[derive(Debug, Clone, PartialEq, Eq, Default, thiserror::Error)]
pub struct Invalid(pub Vec<FieldError>);

impl fmt::Display for Invalid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let parts: Vec<String> = self.0.iter().map(ToString::to_string).collect();
        write!(f, "invalid input: {}", parts.join("; "))
    }
}

impl Invalid {
    pub fn one(field: &'static str, reason: Reason) -> Self {
        Invalid(vec![FieldError { field, reason }])
    }
    pub fn first(&self) -> Option<&FieldError> {
        self.0.first()
    }
    pub fn reason_for(&self, field: &str) -> Option<Reason> {
        self.0.iter().find(|e| e.field == field).map(|e| e.reason)
    }
}

pub type Validated<T> = Result<T, Invalid>;

/// Collects errors while an input is checked field by field.
#[derive(Default)]
pub struct Checker {
    errors: Vec<FieldError>,
}

impl Checker {
    pub fn has(&self, field: &str) -> bool {
        self.errors.iter().any(|e| e.field == field)
    }

    pub fn fail(&mut self, field: &'static str, reason: Reason) {
        self.errors.push(FieldError { field, reason });
    }

    /// A required text: trimmed, not empty, at most `max` characters.
    pub fn required(&mut self, field: &'static str, value: &str, max: usize) -> String {
        let v = value.trim();
        if v.is_empty() {
            self.fail(field, Reason::Required);
        } else if v.chars().count() > max {
            self.fail(field, Reason::TooLong);
        }
        v.to_string()
    }

    /// An optional text: trimmed; empty becomes `None`.
    pub fn optional(&mut self, field: &'static str, value: Option<&str>, max: usize) -> Option<String> {
        let v = value.map(str::trim).filter(|v| !v.is_empty())?;
        if v.chars().count() > max {
            self.fail(field, Reason::TooLong);
        }
        Some(v.to_string())
    }

    pub fn optional_email(&mut self, field: &'static str, value: Option<&str>) -> Option<String> {
        let v = self.optional(field, value, 254)?;
        if !is_plausible_email(&v) {
            self.fail(field, Reason::InvalidEmail);
        }
        Some(v)
    }

    pub fn optional_phone(&mut self, field: &'static str, value: Option<&str>) -> Option<String> {
        let v = self.optional(field, value, 40)?;
        let digits = v.chars().filter(char::is_ascii_digit).count();
        let allowed = v.chars().all(|c| c.is_ascii_digit() || " +-()".contains(c));
        if !allowed || !(5..=15).contains(&digits) {
            self.fail(field, Reason::InvalidPhone);
        }
        Some(v)
    }

    pub fn optional_url(&mut self, field: &'static str, value: Option<&str>) -> Option<String> {
        let v = self.optional(field, value, 300)?;
        let rest = v.strip_prefix("https://").or_else(|| v.strip_prefix("http://"));
        match rest {
            Some(host) if host.contains('.') && !host.contains(char::is_whitespace) => {}
            _ => self.fail(field, Reason::InvalidUrl),
        }
        Some(v)
    }

    pub fn finish<T>(self, value: T) -> Validated<T> {
        if self.errors.is_empty() { Ok(value) } else { Err(Invalid(self.errors)) }
    }
}

fn is_plausible_email(v: &str) -> bool {
    let Some((local, domain)) = v.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !v.contains(char::is_whitespace)
        && !domain.contains('@')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checker_collects_errors_in_order() {
        let mut c = Checker::default();
        let name = c.required("name", "  ", 10);
        let email = c.optional_email("email", Some("no-at-sign"));
        let phone = c.optional_phone("phone", Some("+375 (222) 12-34-56"));
        let site = c.optional_url("website", Some("ftp://x.by"));
        assert_eq!(name, "");
        assert_eq!(email.as_deref(), Some("no-at-sign"));
        assert!(phone.is_some());
        assert!(site.is_some());
        let err = c.finish(()).unwrap_err();
        assert_eq!(err.reason_for("name"), Some(Reason::Required));
        assert_eq!(err.reason_for("email"), Some(Reason::InvalidEmail));
        assert_eq!(err.reason_for("phone"), None);
        assert_eq!(err.reason_for("website"), Some(Reason::InvalidUrl));
        assert_eq!(err.first().map(|e| e.field), Some("name"));
    }

    #[test]
    fn too_long_counts_characters_not_bytes() {
        let mut c = Checker::default();
        c.required("name", "Могилёв", 7);
        assert!(c.finish(()).is_ok());
        let mut c = Checker::default();
        c.required("name", "Могилёвский", 7);
        assert_eq!(c.finish(()).unwrap_err().reason_for("name"), Some(Reason::TooLong));
    }

    #[test]
    fn empty_optional_is_none() {
        let mut c = Checker::default();
        assert_eq!(c.optional("x", Some("  "), 5), None);
        assert_eq!(c.optional_email("e", None), None);
        assert!(c.finish(()).is_ok());
    }
}
