//! The one refusal type of the application layer.
//!
//! Every use case returns [`Error`]: invalid input naming the field (or, for a file, the sheet,
//! row and column), not found, forbidden, stale (someone saved first), or refused by a rule
//! with a stable code. `web` turns it into an HTTP status and a translated message in one
//! place (`web::error`); `cli` into an exit code in one place (`cli::error`). Nothing else
//! decides a status by looking at a code string.

use accord_domain::validation::Invalid;
use accord_formats::Problem;
use accord_store::StoreError;
use std::fmt;

/// Why a use case did not happen. Nothing was written.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Input that does not validate: every field with its reason.
    #[error(transparent)]
    Invalid(#[from] Invalid),
    /// A file that does not read: every problem with its sheet, row and column.
    #[error("{}", problems_text(.0))]
    InvalidFile(Vec<Problem>),
    #[error("{entity} not found")]
    NotFound { entity: &'static str },
    /// The actor's role may not do this (or not to this record).
    #[error("forbidden: {}", .0.code)]
    Forbidden(Rule),
    /// The record changed since the version the actor saw.
    #[error("{entity} was changed by someone else (now at version {current}); reload and try again")]
    Stale { entity: &'static str, current: i64 },
    /// A rule of the domain refused the change.
    #[error("{0}")]
    Refused(Rule),
    /// Too many failed attempts lately (signing in, one's own password): try again after
    /// `retry_after_secs` seconds. Nothing was checked.
    #[error("too many failed attempts; try again in {retry_after_secs} s")]
    TooManyAttempts { retry_after_secs: u64 },
    /// Something broke that the actor cannot fix (the database, stored data).
    #[error("internal error: {0}")]
    Internal(String),
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Whether a rule's refusal is about the record's present state (try later, or differently:
/// HTTP 409, exit 1) or about what was asked (change the input: HTTP 422, exit 2).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RuleKind {
    State,
    Input,
}

/// A refusal by a rule: a stable code for API clients, the Fluent id of its message with the
/// message's arguments, the field it concerns (if one), and an English detail for logs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rule {
    pub code: &'static str,
    pub kind: RuleKind,
    pub key: String,
    pub args: Vec<(&'static str, String)>,
    pub field: Option<&'static str>,
    pub detail: String,
}

impl Rule {
    /// A refusal of the record's present state, e.g. `plan_signed`, message `plan-rule-signed`.
    pub fn state(code: &'static str, key: impl Into<String>) -> Rule {
        Rule { code, kind: RuleKind::State, key: key.into(), args: Vec::new(), field: None, detail: code.to_string() }
    }

    /// A refusal of the input, e.g. `comment_required`.
    pub fn input(code: &'static str, key: impl Into<String>) -> Rule {
        Rule { code, kind: RuleKind::Input, ..Rule::state(code, key) }
    }

    pub fn arg(mut self, name: &'static str, value: impl ToString) -> Rule {
        self.args.push((name, value.to_string()));
        self
    }

    pub fn field(mut self, field: &'static str) -> Rule {
        self.field = Some(field);
        self
    }

    pub fn detail(mut self, detail: impl ToString) -> Rule {
        self.detail = detail.to_string();
        self
    }
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.detail == self.code { f.write_str(self.code) } else { write!(f, "{}: {}", self.code, self.detail) }
    }
}

fn problems_text(problems: &[Problem]) -> String {
    problems.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n")
}

impl Error {
    /// The plain refusal of a role: `error-forbidden`.
    pub fn forbidden() -> Error {
        Error::Forbidden(Rule::state("forbidden", "error-forbidden"))
    }

    pub fn not_found(entity: &'static str) -> Error {
        Error::NotFound { entity }
    }

    pub fn internal(what: impl fmt::Display) -> Error {
        Error::Internal(what.to_string())
    }

    /// True for what the person who asked can fix by asking differently (bad input, an unknown
    /// name, a rule about the input): the CLI exits with 2 for these.
    pub fn is_input_problem(&self) -> bool {
        match self {
            Error::Invalid(_) | Error::InvalidFile(_) | Error::NotFound { .. } => true,
            Error::Refused(rule) => rule.kind == RuleKind::Input,
            Error::Forbidden(_) | Error::Stale { .. } | Error::TooManyAttempts { .. } | Error::Internal(_) => false,
        }
    }
}

impl From<accord_domain::directory::Forbidden> for Error {
    fn from(_: accord_domain::directory::Forbidden) -> Self {
        Error::forbidden()
    }
}

/// The Fluent id of a domain error key: `fleet.error.meter_backwards` → `fleet-error-meter_backwards`
/// (Fluent ids cannot hold dots).
pub fn fluent_id(key: &str) -> String {
    key.replace('.', "-")
}

impl From<StoreError> for Error {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound { entity } => Error::NotFound { entity },
            StoreError::Conflict { entity, current } => Error::Stale { entity, current },
            StoreError::Invalid(invalid) => Error::Invalid(invalid),
            StoreError::InUse { entity, by } => Error::Refused(
                Rule::state("in_use", "error-in-use").arg("by", by).detail(format!("{entity} is still used by {by}")),
            ),
            StoreError::Refused { key, field, subject, value, message } => Error::Refused(
                Rule::input("refused", fluent_id(key))
                    .arg("subject", subject)
                    .arg("value", value)
                    .field(field)
                    .detail(message),
            ),
            StoreError::RateConflict { date, currency, detail } => Error::Refused(
                Rule::state("rate_conflict", "error-rate-conflict")
                    .arg("date", date)
                    .arg("currency", currency)
                    .detail(detail),
            ),
            StoreError::Review(refusal) => review_refusal(refusal),
            StoreError::AmendmentPending { .. } => {
                Error::Refused(Rule::state("amendment_pending", "plan-rule-amendment-pending"))
            }
            e @ (StoreError::Database(_)
            | StoreError::UnsupportedUrl(_)
            | StoreError::Migration { .. }
            | StoreError::Corrupt(_)) => Error::Internal(e.to_string()),
        }
    }
}

/// The review rules' refusals, by their stable codes: who may not (403), what the period or
/// record's state does not allow now (409), what is missing (404), what the input breaks (422).
pub(crate) fn review_refusal(refusal: accord_store::ReviewRefusal) -> Error {
    let code = refusal.code();
    let rule = |kind: RuleKind| Rule {
        code,
        kind,
        key: format!("review-error-{code}"),
        args: vec![("detail", refusal.to_string())],
        field: None,
        detail: refusal.to_string(),
    };
    match code {
        "report_forbidden" | "not_coordinator" => Error::Forbidden(rule(RuleKind::State)),
        "period_closed" | "period_transition" | "report_transition" | "minutes_locked" | "second_key" => {
            Error::Refused(rule(RuleKind::State))
        }
        "no_period" => Error::NotFound { entity: "reporting period" },
        "no_meeting" => Error::NotFound { entity: "meeting" },
        _ => Error::Refused(rule(RuleKind::Input)),
    }
}

macro_rules! from_review_error {
    ($($t:ty),*) => {$(
        impl From<$t> for Error {
            fn from(e: $t) -> Self {
                review_refusal(e.into())
            }
        }
    )*};
}
from_review_error!(
    accord_domain::review::PeriodError,
    accord_domain::review::ReportError,
    accord_domain::review::MeetingError,
    accord_domain::review::AgendaError,
    accord_domain::review::DecisionError,
    accord_domain::review::MinutesError,
    accord_store::ReviewRefusal
);

impl From<accord_domain::review::ScheduleError> for Error {
    fn from(e: accord_domain::review::ScheduleError) -> Self {
        accord_domain::review::MeetingError::from(e).into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use accord_domain::validation::Reason;

    #[test]
    fn input_problems_are_told_apart_from_the_rest() {
        assert!(Error::Invalid(Invalid::one("title_ru", Reason::Required)).is_input_problem());
        assert!(Error::not_found("measure").is_input_problem());
        assert!(Error::Refused(Rule::input("comment_required", "x")).is_input_problem());
        assert!(!Error::Refused(Rule::state("period_closed", "x")).is_input_problem());
        assert!(!Error::forbidden().is_input_problem());
        assert!(!Error::Stale { entity: "measure", current: 3 }.is_input_problem());
    }

    #[test]
    fn store_refusals_keep_their_meaning() {
        let stale: Error = StoreError::Conflict { entity: "measure", current: 4 }.into();
        assert!(matches!(stale, Error::Stale { entity: "measure", current: 4 }));
        let in_use: Error = StoreError::InUse { entity: "measure", by: "sub-measures" }.into();
        let Error::Refused(rule) = in_use else { panic!("a rule") };
        assert_eq!((rule.code, rule.kind), ("in_use", RuleKind::State));
        let closed: Error = accord_domain::review::PeriodError::NotCoordinator.into();
        assert!(matches!(closed, Error::Forbidden(ref r) if r.code == "not_coordinator"));
    }
}
