//! Imports of trade statistics and customs data (accord's template as CSV or XLSX, UN Comtrade
//! CSV) and of the two central banks' exchange rates.
//!
//! Who may import is decided before a byte of the file is read: an observer's upload never
//! reaches a parser. Once read, the rule is asked again with what the file holds: the side whose
//! statistics it is (a coordinator imports only its own side's), and every record's reporting
//! territory (a coordinator's file may not carry the other side's figures under its own name).

use crate::{Actor, App, Error, Result, Rule};
use accord_domain::Side;
use accord_domain::directory::{Action, authorize};
use accord_domain::trade::{Aggregator, Source};
use accord_domain::validation::{Invalid, Reason as FieldReason};
use accord_formats::trade::{
    RateSource, Skipped, TradeFormat, TradeRead, TradeReadError, read_rates, read_trade_bytes, read_trade_file,
};
use accord_formats::{Problem, Reason};
use accord_store::{RatesOutcome, TradeFile, TradeImportOutcome};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// What an import is asked to do beyond the file itself: the API's query, the upload form's
/// fields and the command's flags.
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TradeImportOptions {
    /// The file's name, for the import log and the format (`.xlsx`).
    pub name: Option<String>,
    /// `auto` (default), `comtrade` or `template`.
    pub format: Option<String>,
    /// The source's name (e.g. "Могилевоблстат"); by default the file's name without extension.
    pub source: Option<String>,
    /// Whose statistics these are, `BY` or `KHV`; by default the side of every reporter in the file.
    pub side: Option<String>,
    pub dry_run: Option<bool>,
}

/// The options checked, before anything is read.
struct Checked {
    format: TradeFormat,
    side: Option<Side>,
    source: Option<String>,
    dry_run: bool,
}

impl TradeImportOptions {
    fn check(&self) -> Result<Checked> {
        let text = |v: &Option<String>| v.as_deref().map(str::trim).filter(|v| !v.is_empty()).map(str::to_string);
        let format = match text(&self.format) {
            Some(f) => TradeFormat::parse(&f).ok_or_else(|| Invalid::one("format", FieldReason::UnknownValue))?,
            None => TradeFormat::Auto,
        };
        let side = match text(&self.side) {
            Some(s) => Some(s.parse::<Side>().map_err(|_| Invalid::one("side", FieldReason::UnknownValue))?),
            None => None,
        };
        Ok(Checked { format, side, source: text(&self.source), dry_run: self.dry_run.unwrap_or(false) })
    }
}

/// What an import found and did.
#[derive(Debug, Clone, Serialize)]
pub struct ImportSummary {
    pub side: Side,
    pub source: String,
    pub format: &'static str,
    pub rows_read: u64,
    pub records: usize,
    pub first_period: Option<String>,
    pub last_period: Option<String>,
    /// Rows left out on purpose, with why (the doors translate them).
    #[serde(skip)]
    pub skipped: Vec<Skipped>,
    #[serde(skip)]
    pub more_skipped: u64,
    /// `None` for a dry run.
    pub outcome: Option<TradeImportOutcome>,
}

/// Whose statistics a file holds: as given, or the one side every reporter in it belongs to.
pub fn file_side(aggregator: &Aggregator, given: Option<Side>) -> Result<Side> {
    if let Some(side) = given {
        return Ok(side);
    }
    let sides: BTreeSet<Option<Side>> = aggregator.iter().map(|r| r.key.reporter.side()).collect();
    match (sides.len(), sides.first()) {
        (1, Some(Some(side))) => Ok(*side),
        _ => Err(Error::Refused(Rule::input("trade_side_needed", "trade-side-needed").field("side"))),
    }
}

/// The problem that stands for the ones a reader counted but did not keep.
pub const MORE_PROBLEMS: &str = "problem-trade-more-problems";

/// A file that does not read, as the one refusal type: every problem kept, then how many more.
pub(crate) fn read_refusal(e: TradeReadError) -> Error {
    match e {
        TradeReadError::Problems { mut problems, more } => {
            if more > 0 {
                problems.push(Problem {
                    sheet: String::new(),
                    row: 0,
                    column: String::new(),
                    reason: Reason::new("problem-trade-more-problems").arg("count", more),
                });
            }
            Error::InvalidFile(problems)
        }
        TradeReadError::Io { reason, .. } => Error::InvalidFile(vec![Problem {
            sheet: String::new(),
            row: 0,
            column: String::new(),
            reason: Reason::new("problem-file-unreadable").arg("detail", reason),
        }]),
    }
}

/// May the actor import statistics at all (of the side given, or of either side)? Asked before
/// the file is read.
fn may_import(actor: &Actor, side: Option<Side>) -> Result<()> {
    let role = actor.role();
    let allowed = match side {
        Some(side) => authorize(&role, Action::ImportTrade { side }).is_ok(),
        None => [Side::By, Side::Khv].into_iter().any(|side| authorize(&role, Action::ImportTrade { side }).is_ok()),
    };
    if allowed { Ok(()) } else { Err(Error::forbidden()) }
}

impl App {
    /// Imports a trade file held in memory (an upload, an API body).
    pub async fn trade_import(
        &self,
        actor: &Actor,
        file_name: &str,
        bytes: Vec<u8>,
        options: &TradeImportOptions,
    ) -> Result<ImportSummary> {
        let checked = options.check()?;
        may_import(actor, checked.side)?;
        let name = file_name.to_string();
        let format = checked.format;
        let read = tokio::task::spawn_blocking(move || read_trade_bytes(&name, &bytes, format))
            .await
            .map_err(Error::internal)?
            .map_err(read_refusal)?;
        self.trade_store_read(actor, file_name, read, &checked).await
    }

    /// Imports a trade file from disk (the command line): a large template CSV is read by two
    /// threads; `progress` gets the bytes read so far and the file's size.
    pub async fn trade_import_file(
        &self,
        actor: &Actor,
        path: &Path,
        options: &TradeImportOptions,
        progress: impl FnMut(u64, u64) + Send + 'static,
    ) -> Result<ImportSummary> {
        let checked = options.check()?;
        may_import(actor, checked.side)?;
        let owned: PathBuf = path.to_path_buf();
        let format = checked.format;
        let read = tokio::task::spawn_blocking(move || read_trade_file(&owned, format, progress))
            .await
            .map_err(Error::internal)?
            .map_err(read_refusal)?;
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        self.trade_store_read(actor, &name, read, &checked).await
    }

    /// Asks the rule again with what the file holds, then stores it in one transaction (or,
    /// for a dry run, only reports).
    async fn trade_store_read(
        &self,
        actor: &Actor,
        file_name: &str,
        read: TradeRead,
        checked: &Checked,
    ) -> Result<ImportSummary> {
        let side = file_side(&read.aggregator, checked.side)?;
        authorize(&actor.role(), Action::ImportTrade { side })?;
        // Row by row: a record reported by a territory of the other side is that side's
        // statistics, whatever source it is filed under.
        let reporters: BTreeSet<_> = read.aggregator.iter().map(|r| r.key.reporter).collect();
        for reporter in reporters {
            if let Some(other) = reporter.side().filter(|s| *s != side)
                && authorize(&actor.role(), Action::ImportTrade { side: other }).is_err()
            {
                return Err(Error::Forbidden(
                    Rule::state("trade_row_other_side", "trade-rule-row-other-side")
                        .arg("reporter", reporter)
                        .detail(format!("the file has records reported by {reporter}, of the other side")),
                ));
            }
        }
        let records = read.aggregator.into_sorted();
        let stem = Path::new(file_name).file_stem().map(|s| s.to_string_lossy().into_owned());
        let source_name = checked.source.clone().or(stem).unwrap_or_else(|| file_name.to_string());
        let periods: BTreeSet<_> = records.iter().map(|r| r.key.period).collect();
        let mut summary = ImportSummary {
            side,
            source: source_name.clone(),
            format: read.format,
            rows_read: read.rows_read,
            records: records.len(),
            first_period: periods.first().map(ToString::to_string),
            last_period: periods.last().map(ToString::to_string),
            skipped: read.skipped,
            more_skipped: read.more_skipped,
            outcome: None,
        };
        if checked.dry_run {
            return Ok(summary);
        }
        let source = Source { side, name: source_name, file_name: file_name.to_string() };
        let file = TradeFile {
            file_name: file_name.to_string(),
            format: read.format.to_string(),
            sha256: read.fingerprint,
            rows_read: read.rows_read,
        };
        let mut w = self.store.begin_write(actor.author()).await?;
        let outcome = self.store.trade_import_in(&mut w, &source, &file, &records).await?;
        w.commit().await?;
        summary.outcome = Some(outcome);
        Ok(summary)
    }
}

/// One rate file of an import.
#[derive(Debug, Clone, Serialize)]
pub struct RatesFileOutcome {
    pub file_name: String,
    /// The bank whose file it is.
    #[serde(skip)]
    pub source: Option<RateSource>,
    pub rates: usize,
    /// Currencies in the file that accord does not use.
    pub skipped: Vec<String>,
    /// `None` for a dry run.
    pub outcome: Option<RatesOutcome>,
}

impl App {
    /// Imports official exchange rates (Bank of Russia XML, National Bank of Belarus JSON), all
    /// files in one transaction. Rates are facts, not edits: a rate already stored with the same
    /// value is left alone, one with a different value refuses the whole import. With several
    /// files, each problem names its file.
    pub async fn rates_import(
        &self,
        actor: &Actor,
        files: &[(String, Vec<u8>)],
        dry_run: bool,
    ) -> Result<Vec<RatesFileOutcome>> {
        authorize(&actor.role(), Action::ManageTradeReference)?;
        let mut read = Vec::with_capacity(files.len());
        let mut problems = Vec::new();
        for (name, bytes) in files {
            match read_rates(bytes) {
                Ok(file) => read.push((name, file)),
                Err(found) => problems.extend(found.into_iter().map(|mut p| {
                    if files.len() > 1 {
                        p.sheet = name.clone();
                    }
                    p
                })),
            }
        }
        if !problems.is_empty() {
            return Err(Error::InvalidFile(problems));
        }
        let mut out: Vec<RatesFileOutcome> = read
            .iter()
            .map(|(name, file)| RatesFileOutcome {
                file_name: (*name).clone(),
                source: Some(file.source),
                rates: file.rates.len(),
                skipped: file.skipped.clone(),
                outcome: None,
            })
            .collect();
        if dry_run {
            return Ok(out);
        }
        let mut w = self.store.begin_write(actor.author()).await?;
        for ((name, file), result) in read.iter().zip(&mut out) {
            result.outcome = Some(self.store.rates_import_in(&mut w, name, &file.rates).await?);
        }
        w.commit().await?;
        Ok(out)
    }
}
