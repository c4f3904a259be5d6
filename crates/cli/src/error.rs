//! The one place where a refusal becomes a message and an exit code: 2 for what the person can
//! fix by asking differently (bad input, an unknown name, a file with problems, a rule about
//! the input), 1 for the rest (not allowed, changed meanwhile, a rule about the present state,
//! something broken).

use accord_domain::directory::Locale;
use accord_i18n::Tr;
use accord_store::StoreError;

/// An error for the user: a message and the exit code.
pub struct CliError {
    pub code: u8,
    pub message: String,
}

impl CliError {
    pub fn input(message: impl Into<String>) -> Self {
        CliError { code: 2, message: message.into() }
    }
    pub fn other(message: impl Into<String>) -> Self {
        CliError { code: 1, message: message.into() }
    }

    /// A use case's refusal in the reader's language (`--lang`); a file's problems one per line.
    pub fn from_app(e: accord_app::Error, tr: &Tr) -> Self {
        use accord_app::Error;
        let code = if e.is_input_problem() { 2 } else { 1 };
        let message = match &e {
            Error::Invalid(invalid) => {
                let parts: Vec<String> =
                    invalid.0.iter().map(|f| format!("{}: {}", f.field, tr.reason(f.reason))).collect();
                format!("invalid input: {}", parts.join("; "))
            }
            Error::InvalidFile(problems) => {
                let lines: Vec<String> = problems.iter().map(|p| tr.problem(p)).collect();
                format!("{}\n{}", lines.join("\n"), tr.tn("import-file-problems", problems.len() as i64))
            }
            Error::NotFound { entity } => format!("{entity} not found"),
            Error::Forbidden(rule) | Error::Refused(rule) => {
                let text = tr.ta(&rule.key, &rule.args);
                if text == rule.key { rule.to_string() } else { text }
            }
            Error::Stale { .. } => tr.ta("error-conflict", &[]),
            Error::TooManyAttempts { retry_after_secs } => {
                tr.ta("error-too-many-attempts", &[("seconds", retry_after_secs.to_string())])
            }
            Error::Internal(detail) => detail.clone(),
        };
        CliError { code, message }
    }
}

/// Reads a file that is read whole (plan tables, fleet, network and rate files), refusing one
/// larger than `accord_formats::limits::FILE_BYTES` before reading it, in the reader's language.
pub fn read_whole(file: &std::path::Path, tr: &Tr) -> Result<Vec<u8>, CliError> {
    match accord_formats::limits::read_file(file) {
        Ok(Ok(bytes)) => Ok(bytes),
        Ok(Err(problem)) => Err(CliError::from_app(accord_app::Error::InvalidFile(vec![problem]), tr)),
        Err(e) => Err(CliError::input(format!("cannot read {}: {e}", file.display()))),
    }
}

impl From<accord_app::Error> for CliError {
    fn from(e: accord_app::Error) -> Self {
        CliError::from_app(e, &Tr::new(Locale::En))
    }
}

/// A benchmark that could not run: a bad argument exits 2, anything else 1; a refusal or a store
/// error is worded as everywhere else.
impl From<accord_bench::BenchError> for CliError {
    fn from(e: accord_bench::BenchError) -> Self {
        use accord_bench::BenchError;
        match e {
            BenchError::Input(message) => CliError::input(message),
            BenchError::Failed(message) => CliError::other(message),
            BenchError::App(e) => e.into(),
            BenchError::Store(e) => e.into(),
        }
    }
}

impl From<StoreError> for CliError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::UnsupportedUrl(_) => CliError::input(e.to_string()),
            other => accord_app::Error::from(other).into(),
        }
    }
}
