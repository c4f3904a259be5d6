//! Logistics files in and out, shared by the web UI, the API and the CLI.
//!
//! An import is all or nothing: the file is read (JSON document or XLSX workbook), its sections
//! take the place of the stored ones (sections it does not have are kept), the result is
//! validated as a whole by the domain, and only then written, only what differs. So a file
//! that names a leg of an unknown node, or removes a leg a chain still uses, is refused with
//! every problem named, and importing the same file twice changes nothing the second time.

use super::{document_of, problem_lines};
use crate::error::AppError;
use accord_formats::logistics::{LogisticsDocument, path_to_row, read_json, read_xlsx, write_json, write_xlsx};
use accord_store::{
    Author, LogisticsFile, LogisticsImportOutcome, LogisticsItem, LogisticsKind, PlanningRates, RATES_KEY, Store,
};
use serde::Serialize;
use sha2::{Digest, Sha256};

/// The formats a network file comes in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum NetworkFormat {
    Json,
    Xlsx,
}

impl NetworkFormat {
    /// XLSX is a ZIP archive; anything else is read as JSON.
    pub fn detect(bytes: &[u8]) -> NetworkFormat {
        if bytes.starts_with(b"PK\x03\x04") { NetworkFormat::Xlsx } else { NetworkFormat::Json }
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
pub struct ImportReport {
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

fn item<T: Serialize>(kind: LogisticsKind, key: String, value: &T) -> Result<LogisticsItem, AppError> {
    Ok(LogisticsItem::new(kind, key, value)?)
}

/// The items of a document's `kinds`, keyed as the store keeps them.
pub fn items_of(doc: &LogisticsDocument, kinds: &[LogisticsKind]) -> Result<Vec<LogisticsItem>, AppError> {
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
fn duplicates(tr: &crate::i18n::Tr, doc: &LogisticsDocument) -> Vec<String> {
    let mut seen = std::collections::HashSet::new();
    let mut out = Vec::new();
    for (i, leg) in doc.legs.iter().enumerate() {
        if !seen.insert(leg.label()) {
            out.push(
                tr.ta("logistics-import-duplicate-leg", &[("path", format!("legs[{i}]")), ("detail", leg.label())]),
            );
        }
    }
    let mut keys = |section: &str, list: Vec<&str>| {
        let mut seen = std::collections::HashSet::new();
        for (i, key) in list.into_iter().enumerate() {
            if !seen.insert(key.to_string()) {
                out.push(tr.ta(
                    "logistics-import-duplicate-key",
                    &[("path", format!("{section}[{i}]")), ("detail", key.to_string())],
                ));
            }
        }
    };
    keys("chains", doc.chains.iter().map(|c| c.key.as_str()).collect());
    keys("parks", doc.parks.iter().map(|p| p.key.as_str()).collect());
    keys("localisations", doc.localisations.iter().map(|l| l.key.as_str()).collect());
    out
}

/// A refused file: every problem on its own line.
fn refused(lines: Vec<String>) -> AppError {
    AppError::logistics("logistics.import-refused", lines.join("\n"))
}

/// Reads, validates against what is stored, and (unless `dry_run`) writes a network file.
pub async fn import_bytes(
    store: &Store,
    tr: &crate::i18n::Tr,
    author: Author<'_>,
    file_name: &str,
    bytes: &[u8],
    dry_run: bool,
) -> Result<ImportReport, AppError> {
    let format = NetworkFormat::detect(bytes);
    let doc = match format {
        NetworkFormat::Json => {
            read_json(bytes).map_err(|p| refused(p.iter().map(|p| super::problem_text(tr, p, None)).collect()))?
        }
        NetworkFormat::Xlsx => read_xlsx(bytes).map_err(|p| refused(p.iter().map(|p| tr.problem(p)).collect()))?.0,
    };
    let sections = sections_of(&doc);
    if sections.is_empty() {
        return Err(refused(vec![tr.t("logistics-import-no-sections")]));
    }
    let dups = duplicates(tr, &doc);
    if !dups.is_empty() {
        return Err(refused(dups));
    }
    let stored = document_of(&store.logistics_records().await?)?;
    let whole = merged(stored, &doc, &sections);
    if let Err(problems) = whole.clone().validate() {
        let lines = problems
            .iter()
            .map(|p| match (format, path_to_row(&p.path)) {
                (NetworkFormat::Xlsx, Some((sheet, row))) => super::problem_text(tr, p, Some((sheet, row))),
                _ => super::problem_text(tr, p, None),
            })
            .collect();
        return Err(refused(lines));
    }
    let mut report = ImportReport {
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
        sha256: format!("{:x}", Sha256::digest(bytes)),
    };
    report.outcome = Some(store.logistics_replace(author, &sections, &items, &file).await?);
    Ok(report)
}

/// Loads the reference network, products, chains, parks and rates shipped with accord
/// (the demo); loading them again changes nothing.
pub async fn load_reference(store: &Store, author: Author<'_>) -> Result<LogisticsImportOutcome, AppError> {
    let mut doc = LogisticsDocument::default();
    for text in accord_formats::logistics::reference_documents() {
        let part = read_json(text.as_bytes())
            .map_err(|p| AppError::Internal(format!("reference logistics data: {}", problem_lines(&p, 3))))?;
        doc = doc.merge(part);
    }
    let sections = LogisticsKind::ALL.to_vec();
    let items = items_of(&doc, &sections)?;
    let file = LogisticsFile { file_name: "reference".into(), format: "json".into(), sha256: String::new() };
    Ok(store.logistics_replace(author, &sections, &items, &file).await?)
}

/// The stored document as a file: every section in JSON, the network and products in XLSX.
pub async fn export(store: &Store, format: NetworkFormat) -> Result<Vec<u8>, AppError> {
    let doc = document_of(&store.logistics_records().await?)?;
    match format {
        NetworkFormat::Json => {
            write_json(&doc).map(String::into_bytes).map_err(|e| AppError::Internal(format!("logistics JSON: {e}")))
        }
        NetworkFormat::Xlsx => write_xlsx(&doc).map_err(|e| AppError::Internal(format!("logistics XLSX: {e}"))),
    }
}
