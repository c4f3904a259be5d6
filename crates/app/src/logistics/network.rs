//! The network as a file, in and out: a JSON document (`accord-logistics/1`) or an XLSX
//! workbook (nodes, legs, products).
//!
//! An import is all or nothing: the file is read, its sections take the place of the stored
//! ones (sections it does not have are kept), the result is validated as a whole by the domain,
//! and only then written, only what differs. So a file that names a leg of an unknown node, or
//! removes a leg a chain still uses, is refused with every problem named, and importing the
//! same file twice changes nothing the second time. An import replaces whole sections: it is
//! the network as its author means it, so it does not compare item versions (last import
//! wins); it is refused only if the stored network changed while it was being checked.

use super::{document_of, ensure_unchanged, problem_lines};
use crate::{Actor, App, Error, Result};
use accord_domain::directory::{Action, authorize};
use accord_formats::logistics::{
    JsonProblem, LogisticsDocument, path_to_row, read_json, read_xlsx, write_json, write_xlsx,
};
use accord_formats::{Problem, Reason};
use accord_store::{
    LogisticsFile, LogisticsImportOutcome, LogisticsItem, LogisticsKind, PlanningRates, RATES_KEY, Store,
};
use serde::Serialize;

/// The formats a network file comes in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum NetworkFormat {
    Json,
    Xlsx,
}

impl NetworkFormat {
    /// XLSX is a ZIP archive, and so is a file named `.xlsx` (a damaged one is then refused
    /// as an unreadable workbook, not as "not JSON"); anything else is read as JSON.
    pub fn detect(file_name: &str, bytes: &[u8]) -> NetworkFormat {
        let named = file_name.to_ascii_lowercase();
        if bytes.starts_with(b"PK\x03\x04") || named.ends_with(".xlsx") || named.ends_with(".xlsm") {
            NetworkFormat::Xlsx
        } else {
            NetworkFormat::Json
        }
    }

    pub fn parse(text: &str) -> Option<NetworkFormat> {
        match text.trim().to_ascii_lowercase().as_str() {
            "json" => Some(NetworkFormat::Json),
            "xlsx" => Some(NetworkFormat::Xlsx),
            _ => None,
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            NetworkFormat::Json => "json",
            NetworkFormat::Xlsx => "xlsx",
        }
    }
}

/// What an import found and did.
#[derive(Debug, Clone, Serialize)]
pub struct NetworkImportReport {
    pub format: NetworkFormat,
    /// The kinds the file replaces (`node`, `leg`, ...).
    pub sections: Vec<LogisticsKind>,
    pub nodes: usize,
    pub legs: usize,
    pub products: usize,
    pub chains: usize,
    pub dry_run: bool,
    /// What was written; `None` on a dry run.
    pub outcome: Option<LogisticsImportOutcome>,
}

/// A message id and its detail as a file problem's reason. The domain's rules keep their own
/// ids (`logistics-network-negative-time`), shared with the forms, so they are not `problem-…`.
fn rule_reason(key: &str, args: &[(&str, String)]) -> Reason {
    Reason {
        key: crate::error::fluent_id(key),
        args: args.iter().map(|(k, v)| ((*k).to_string(), v.clone())).collect(),
    }
}

/// A problem of a logistics document where a person finds it: the sheet and row of a
/// workbook, or the JSON path (`legs[3]`, in `column`, on the pseudo sheet `json`).
pub fn json_problem(p: &JsonProblem, format: NetworkFormat) -> Problem {
    let reason = match (&p.keyed, &p.explained) {
        (Some(reason), _) => reason.clone(),
        (None, Some((key, detail))) => rule_reason(key, &[("detail", detail.clone())]),
        // The parser's own words: the file's shape is wrong.
        (None, None) if p.path.is_empty() => Reason::new("problem-logistics-document-invalid").arg("detail", &p.reason),
        (None, None) => Reason::new("problem-logistics-item-invalid").arg("detail", &p.reason),
    };
    match (format, path_to_row(&p.path)) {
        (NetworkFormat::Xlsx, Some((sheet, row))) => {
            Problem { sheet: sheet.to_string(), row, column: String::new(), reason }
        }
        _ => Problem { sheet: "json".to_string(), row: 0, column: p.path.clone(), reason },
    }
}

fn item<T: Serialize>(kind: LogisticsKind, key: String, value: &T) -> Result<LogisticsItem> {
    Ok(LogisticsItem::new(kind, key, value)?)
}

/// The items of a document's `kinds`, keyed as the store keeps them.
pub fn items_of(doc: &LogisticsDocument, kinds: &[LogisticsKind]) -> Result<Vec<LogisticsItem>> {
    let mut out = Vec::new();
    for kind in kinds {
        match kind {
            LogisticsKind::Node => {
                for n in &doc.nodes {
                    out.push(item(*kind, n.code.to_string(), n)?);
                }
            }
            LogisticsKind::Leg => {
                for l in &doc.legs {
                    out.push(item(*kind, l.label(), l)?);
                }
            }
            LogisticsKind::Product => {
                for p in &doc.products {
                    out.push(item(*kind, p.key.clone(), p)?);
                }
            }
            LogisticsKind::Chain => {
                for c in &doc.chains {
                    out.push(item(*kind, c.key.clone(), c)?);
                }
            }
            LogisticsKind::Park => {
                for p in &doc.parks {
                    out.push(item(*kind, p.key.clone(), p)?);
                }
            }
            LogisticsKind::Localisation => {
                for l in &doc.localisations {
                    out.push(item(*kind, l.key.clone(), l)?);
                }
            }
            LogisticsKind::Rates => {
                if let Some(r) = &doc.rates {
                    let rates = PlanningRates { base: r.base, rates: r.rates.clone() };
                    out.push(item(*kind, RATES_KEY.to_string(), &rates)?);
                }
            }
        }
    }
    Ok(out)
}

/// The kinds a document has items of.
fn sections_of(doc: &LogisticsDocument) -> Vec<LogisticsKind> {
    let has = [
        (LogisticsKind::Node, !doc.nodes.is_empty()),
        (LogisticsKind::Leg, !doc.legs.is_empty()),
        (LogisticsKind::Product, !doc.products.is_empty()),
        (LogisticsKind::Chain, !doc.chains.is_empty()),
        (LogisticsKind::Park, !doc.parks.is_empty()),
        (LogisticsKind::Localisation, !doc.localisations.is_empty()),
        (LogisticsKind::Rates, doc.rates.is_some()),
    ];
    has.into_iter().filter(|(_, h)| *h).map(|(k, _)| k).collect()
}

/// The stored document with the file's sections in place of the stored ones.
fn merged(stored: LogisticsDocument, file: &LogisticsDocument, sections: &[LogisticsKind]) -> LogisticsDocument {
    let pick = |kind: LogisticsKind| sections.contains(&kind);
    LogisticsDocument {
        nodes: if pick(LogisticsKind::Node) { file.nodes.clone() } else { stored.nodes },
        legs: if pick(LogisticsKind::Leg) { file.legs.clone() } else { stored.legs },
        products: if pick(LogisticsKind::Product) { file.products.clone() } else { stored.products },
        chains: if pick(LogisticsKind::Chain) { file.chains.clone() } else { stored.chains },
        parks: if pick(LogisticsKind::Park) { file.parks.clone() } else { stored.parks },
        localisations: if pick(LogisticsKind::Localisation) {
            file.localisations.clone()
        } else {
            stored.localisations
        },
        rates: if pick(LogisticsKind::Rates) { file.rates.clone() } else { stored.rates },
    }
}

/// Two items of a kind under one key (a leg given twice) would be one row: refused by name.
fn duplicates(doc: &LogisticsDocument) -> Vec<Problem> {
    let at = |reason: Reason| Problem { sheet: "json".into(), row: 0, column: String::new(), reason };
    let mut seen = std::collections::HashSet::new();
    let mut out = Vec::new();
    for (i, leg) in doc.legs.iter().enumerate() {
        if !seen.insert(leg.label()) {
            out.push(at(rule_reason(
                "logistics-import-duplicate-leg",
                &[("path", format!("legs[{i}]")), ("detail", leg.label())],
            )));
        }
    }
    let mut keys = |section: &str, list: Vec<&str>| {
        let mut seen = std::collections::HashSet::new();
        for (i, key) in list.into_iter().enumerate() {
            if !seen.insert(key.to_string()) {
                out.push(at(rule_reason(
                    "logistics-import-duplicate-key",
                    &[("path", format!("{section}[{i}]")), ("detail", key.to_string())],
                )));
            }
        }
    };
    keys("chains", doc.chains.iter().map(|c| c.key.as_str()).collect());
    keys("parks", doc.parks.iter().map(|p| p.key.as_str()).collect());
    keys("localisations", doc.localisations.iter().map(|l| l.key.as_str()).collect());
    out
}

impl App {
    /// Reads a network file (JSON or XLSX), validates it against what is stored, and (unless
    /// `dry_run`) writes what differs, in one transaction. Asked of the importer before the
    /// file is read.
    pub async fn network_import(
        &self,
        actor: &Actor,
        file_name: &str,
        bytes: &[u8],
        dry_run: bool,
    ) -> Result<NetworkImportReport> {
        authorize(&actor.role(), Action::ManageLogistics)?;
        let format = NetworkFormat::detect(file_name, bytes);
        let doc = match format {
            NetworkFormat::Json => {
                read_json(bytes).map_err(|p| Error::InvalidFile(p.iter().map(|p| json_problem(p, format)).collect()))?
            }
            NetworkFormat::Xlsx => read_xlsx(bytes).map_err(Error::InvalidFile)?.0,
        };
        let sections = sections_of(&doc);
        if sections.is_empty() {
            return Err(Error::InvalidFile(vec![Problem {
                sheet: format.code().into(),
                row: 0,
                column: String::new(),
                reason: rule_reason("logistics-import-no-sections", &[]),
            }]));
        }
        let dups = duplicates(&doc);
        if !dups.is_empty() {
            return Err(Error::InvalidFile(dups));
        }
        let records = self.store.logistics_records().await?;
        let whole = merged(document_of(&records)?, &doc, &sections);
        if let Err(problems) = whole.clone().validate() {
            return Err(Error::InvalidFile(problems.iter().map(|p| json_problem(p, format)).collect()));
        }
        let mut report = NetworkImportReport {
            format,
            sections: sections.clone(),
            nodes: doc.nodes.len(),
            legs: doc.legs.len(),
            products: doc.products.len(),
            chains: doc.chains.len(),
            dry_run,
            outcome: None,
        };
        if dry_run {
            return Ok(report);
        }
        let items = items_of(&whole, &sections)?;
        let file = LogisticsFile {
            file_name: file_name.to_string(),
            format: format.code().to_string(),
            sha256: sha256_hex(bytes),
        };
        let mut w = self.store.begin_write(actor.author()).await?;
        ensure_unchanged(&self.store, &mut w, &records).await?;
        let outcome = self.store.logistics_replace_in(&mut w, &sections, &items, &file).await?;
        w.commit().await?;
        report.outcome = Some(outcome);
        Ok(report)
    }
}

fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

/// The stored document as a file: every section in JSON, the network and products in XLSX.
pub async fn export(store: &Store, format: NetworkFormat) -> Result<Vec<u8>> {
    let doc = document_of(&store.logistics_records().await?)?;
    match format {
        NetworkFormat::Json => {
            write_json(&doc).map(String::into_bytes).map_err(|e| Error::internal(format!("logistics JSON: {e}")))
        }
        NetworkFormat::Xlsx => write_xlsx(&doc).map_err(|e| Error::internal(format!("logistics XLSX: {e}"))),
    }
}

/// The reference network, products, chains, parks and rates shipped with accord, as one document.
pub fn reference_document() -> Result<LogisticsDocument> {
    let mut doc = LogisticsDocument::default();
    for text in accord_formats::logistics::reference_documents() {
        let part = read_json(text.as_bytes())
            .map_err(|p| Error::internal(format!("reference logistics data: {}", problem_lines(&p, 3))))?;
        doc = doc.merge(part);
    }
    Ok(doc)
}
