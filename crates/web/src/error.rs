//! One error type for every handler. A handler returns it; [`crate::respond::render_errors`]
//! turns it into a translated JSON body on the API or a full page in the layout.

use accord_domain::directory::Forbidden;
use accord_domain::validation::Invalid;
use accord_store::StoreError;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// A use case's refusal: the one type every door translates (see `app_info`).
    #[error(transparent)]
    App(#[from] accord_app::Error),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Invalid(#[from] Invalid),
    #[error("forbidden")]
    Forbidden,
    #[error("not signed in")]
    Unauthorized,
    #[error("sign-in required")]
    SignInRequired { next: String },
    #[error("CSRF token missing or wrong")]
    Csrf,
    #[error("not found")]
    NotFound,
    #[error("bad request: {0}")]
    BadRequest(&'static str),
    #[error("internal error: {0}")]
    Internal(String),
}

/// Review rules' refusals reach handlers as store errors, whether the store or the handler asked.
macro_rules! review_refusal {
    ($($t:ty),*) => {$(
        impl From<$t> for AppError {
            fn from(e: $t) -> Self {
                AppError::Store(StoreError::Review(e.into()))
            }
        }
    )*};
}
review_refusal!(
    accord_domain::review::PeriodError,
    accord_domain::review::ReportError,
    accord_domain::review::MeetingError,
    accord_domain::review::AgendaError,
    accord_domain::review::DecisionError,
    accord_domain::review::MinutesError,
    accord_store::ReviewRefusal
);

impl From<accord_domain::review::ScheduleError> for AppError {
    fn from(e: accord_domain::review::ScheduleError) -> Self {
        accord_domain::review::MeetingError::from(e).into()
    }
}

impl From<Forbidden> for AppError {
    fn from(_: Forbidden) -> Self {
        AppError::Forbidden
    }
}

/// What the error renderer needs to know, carried as a response extension.
#[derive(Debug, Clone)]
pub struct ErrorInfo {
    pub status: StatusCode,
    /// Stable code for API clients, e.g. `conflict`, `validation`.
    pub code: &'static str,
    /// Translation key of the message.
    pub key: String,
    /// Arguments of the message.
    pub args: Vec<(&'static str, String)>,
    /// The invalid field, for validation errors.
    pub field: Option<&'static str>,
    /// Every invalid field with its reason key, for validation errors.
    pub fields: Vec<(&'static str, String)>,
    /// Every problem of a refused file, with its sheet, row and column.
    pub problems: Vec<accord_formats::Problem>,
    /// Seconds before trying again (a 429's `Retry-After`).
    pub retry_after: Option<u64>,
}

impl ErrorInfo {
    pub(crate) fn new(status: StatusCode, code: &'static str, key: &str) -> Self {
        ErrorInfo {
            status,
            code,
            key: key.to_string(),
            args: Vec::new(),
            field: None,
            fields: Vec::new(),
            problems: Vec::new(),
            retry_after: None,
        }
    }

    fn invalid(invalid: &Invalid) -> Self {
        let mut info = ErrorInfo::new(StatusCode::UNPROCESSABLE_ENTITY, "validation", "error-validation");
        info.field = invalid.first().map(|e| e.field);
        info.fields = invalid.0.iter().map(|e| (e.field, format!("err-{}", e.reason.code()))).collect();
        info
    }
}

/// The status, stable code and message of a use case's refusal: the one place that decides them.
fn app_info(error: &accord_app::Error) -> ErrorInfo {
    use accord_app::{Error, RuleKind};
    let rule_info = |status: StatusCode, rule: &accord_app::Rule| {
        let mut info = ErrorInfo::new(status, rule.code, &rule.key);
        info.args = rule.args.clone();
        info.field = rule.field;
        info
    };
    match error {
        Error::Invalid(invalid) => ErrorInfo::invalid(invalid),
        Error::InvalidFile(problems) => {
            let mut info = ErrorInfo::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid_file", "error-invalid-file");
            info.problems = problems.clone();
            info
        }
        Error::NotFound { .. } => ErrorInfo::new(StatusCode::NOT_FOUND, "not_found", "error-not-found"),
        Error::Forbidden(rule) => rule_info(StatusCode::FORBIDDEN, rule),
        Error::Stale { current, .. } => {
            let mut info = ErrorInfo::new(StatusCode::CONFLICT, "conflict", "error-conflict");
            info.args.push(("version", current.to_string()));
            info
        }
        Error::Refused(rule) => match rule.kind {
            RuleKind::State => rule_info(StatusCode::CONFLICT, rule),
            RuleKind::Input => rule_info(StatusCode::UNPROCESSABLE_ENTITY, rule),
        },
        Error::TooManyAttempts { retry_after_secs } => too_many(*retry_after_secs),
        Error::Internal(_) => ErrorInfo::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", "error-internal"),
    }
}

/// 429 with the seconds to wait (also sent as `Retry-After`).
fn too_many(seconds: u64) -> ErrorInfo {
    let mut info = ErrorInfo::new(StatusCode::TOO_MANY_REQUESTS, "too_many_attempts", "error-too-many-attempts");
    info.args.push(("seconds", seconds.to_string()));
    info.retry_after = Some(seconds);
    info
}

impl AppError {
    pub fn info(&self) -> ErrorInfo {
        match self {
            AppError::App(error) => app_info(error),
            AppError::Store(StoreError::NotFound { .. }) | AppError::NotFound => {
                ErrorInfo::new(StatusCode::NOT_FOUND, "not_found", "error-not-found")
            }
            AppError::Store(StoreError::Conflict { current, .. }) => {
                let mut info = ErrorInfo::new(StatusCode::CONFLICT, "conflict", "error-conflict");
                info.args.push(("version", current.to_string()));
                info
            }
            AppError::Store(StoreError::InUse { by, .. }) => {
                let mut info = ErrorInfo::new(StatusCode::CONFLICT, "in_use", "error-in-use");
                info.args.push(("by", (*by).to_string()));
                info
            }
            AppError::Store(StoreError::Invalid(invalid)) | AppError::Invalid(invalid) => ErrorInfo::invalid(invalid),
            AppError::Store(StoreError::RateConflict { date, currency, .. }) => {
                let mut info = ErrorInfo::new(StatusCode::CONFLICT, "rate_conflict", "error-rate-conflict");
                info.args.push(("date", date.clone()));
                info.args.push(("currency", currency.clone()));
                info
            }
            AppError::Store(StoreError::Review(refusal)) => {
                let code = refusal.code();
                let status = match code {
                    "report_forbidden" | "not_coordinator" => StatusCode::FORBIDDEN,
                    "period_closed" | "period_transition" | "report_transition" | "minutes_locked" | "second_key" => {
                        StatusCode::CONFLICT
                    }
                    "no_period" | "no_meeting" => StatusCode::NOT_FOUND,
                    _ => StatusCode::UNPROCESSABLE_ENTITY,
                };
                let mut info = ErrorInfo::new(status, code, &format!("review-error-{code}"));
                info.args.push(("detail", refusal.to_string()));
                info
            }
            AppError::Store(StoreError::Refused { key, field, subject, value, .. }) => {
                let mut info = ErrorInfo::new(StatusCode::UNPROCESSABLE_ENTITY, "refused", &fluent_id(key));
                info.args.push(("subject", subject.clone()));
                info.args.push(("value", value.clone()));
                // The message names machine and value (from the args); `field` says where.
                info.field = Some(field);
                info
            }
            AppError::Forbidden => ErrorInfo::new(StatusCode::FORBIDDEN, "forbidden", "error-forbidden"),
            AppError::Unauthorized => ErrorInfo::new(StatusCode::UNAUTHORIZED, "unauthorized", "error-unauthorized"),
            AppError::SignInRequired { .. } => {
                ErrorInfo::new(StatusCode::UNAUTHORIZED, "unauthorized", "error-unauthorized")
            }
            AppError::Csrf => ErrorInfo::new(StatusCode::FORBIDDEN, "csrf", "error-csrf"),
            AppError::BadRequest(key) => ErrorInfo::new(StatusCode::BAD_REQUEST, "bad_request", key),
            AppError::Store(_) | AppError::Internal(_) => {
                ErrorInfo::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", "error-internal")
            }
        }
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        if let AppError::SignInRequired { next } = &self {
            let target = format!("/login?next={}", urlencode(next));
            return Redirect::to(&target).into_response();
        }
        let info = self.info();
        if info.status.is_server_error() {
            tracing::error!(error = %self, "request failed");
        }
        let mut response = (info.status, self.to_string()).into_response();
        if let Some(seconds) = info.retry_after {
            response.headers_mut().insert(axum::http::header::RETRY_AFTER, seconds.into());
        }
        response.extensions_mut().insert(info);
        response
    }
}

/// Percent-encodes a query value.
pub fn urlencode(value: &str) -> String {
    serde_urlencoded::to_string([("v", value)]).map(|s| s[2..].to_string()).unwrap_or_default()
}

/// The Fluent id of a domain error key: `fleet.error.meter_backwards` → `fleet-error-meter_backwards`
/// (Fluent ids cannot hold dots).
pub fn fluent_id(key: &str) -> String {
    key.replace('.', "-")
}
