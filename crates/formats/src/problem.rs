//! What is wrong with a file, where, and why: as data, never as text in one language.
//!
//! Readers report a [`Problem`] (sheet, row, column) with a [`Reason`]: the id of a Fluent
//! message (`problem-…`, in `locales/{ru,en}/main.ftl`) and its named arguments. The web and
//! CLI layers translate it into the reader's language; this crate knows no language. Keys are
//! written out in full where a problem is made (`Reason::new("problem-trade-value-not-amount")`)
//! so that grepping a message id finds the code that reports it, and a test in the web crate
//! checks that every key used in the code has a message in both languages.
//!
//! Domain errors that reach a problem (commodity codes, units, aggregation) are mapped to
//! reasons here, so that the domain stays free of message ids.

use std::fmt;

use accord_domain::trade::{AggregateError, CodeError, NotAUnit};
use serde::{Deserialize, Serialize};

/// Why a row or a file was refused (or a row left out): a Fluent message id starting with
/// `problem-` and its arguments, values as found in the file (or computed: counts, codes).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reason {
    pub key: String,
    pub args: Vec<(String, String)>,
}

impl Reason {
    pub fn new(key: &str) -> Reason {
        debug_assert!(key.starts_with("problem-"), "problem message ids start with problem-: {key}");
        Reason { key: key.to_string(), args: Vec::new() }
    }

    /// Adds a named argument: `{ $name }` in the message.
    pub fn arg(mut self, name: &str, value: impl fmt::Display) -> Reason {
        self.args.push((name.to_string(), value.to_string()));
        self
    }

    /// The value of an argument, if given.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.args.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }
}

/// For logs and test messages only: `problem-key(name="value", …)`. People see the translation.
impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.key)?;
        if !self.args.is_empty() {
            let args: Vec<String> = self.args.iter().map(|(n, v)| format!("{n}={v:?}")).collect();
            write!(f, "({})", args.join(", "))?;
        }
        Ok(())
    }
}

/// Where a problem is: 1-based row number as a spreadsheet shows it (0 when the problem is
/// about the file or sheet as a whole), and the column's header text as found in the file
/// ("" when the problem is not about one column). CSV, XML and JSON files carry the pseudo
/// sheet names `csv`, `xml` and `json` (see [`Problem::sheet_name`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Problem {
    pub sheet: String,
    pub row: u32,
    pub column: String,
    pub reason: Reason,
}

/// Sheet names of files that have no sheets.
const PSEUDO_SHEETS: [&str; 4] = ["csv", "xml", "json", "xlsx"];

impl Problem {
    /// The workbook sheet to name to a person: `None` for files without sheets (CSV, XML, JSON)
    /// and when the problem is about the whole workbook.
    pub fn sheet_name(&self) -> Option<&str> {
        let sheet = self.sheet.trim();
        (!sheet.is_empty() && !PSEUDO_SHEETS.iter().any(|p| p.eq_ignore_ascii_case(sheet))).then_some(sheet)
    }
}

/// For logs and test messages only; people see `Tr::problem` in the web crate.
impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "sheet '{}', row {}, column '{}': {}", self.sheet, self.row, self.column, self.reason)
    }
}

impl From<&CodeError> for Reason {
    fn from(e: &CodeError) -> Reason {
        match e {
            CodeError::Empty => Reason::new("problem-value-empty"),
            CodeError::NotDigit { input, found } => {
                Reason::new("problem-trade-code-not-digits").arg("value", input.trim()).arg("char", found)
            }
            CodeError::Length { input, digits } if digits % 2 == 1 => {
                Reason::new("problem-trade-code-odd-length").arg("value", input.trim()).arg("digits", digits)
            }
            CodeError::Length { input, digits } => {
                Reason::new("problem-trade-code-length").arg("value", input.trim()).arg("digits", digits)
            }
        }
    }
}

impl From<&NotAUnit> for Reason {
    fn from(e: &NotAUnit) -> Reason {
        match e {
            NotAUnit::Empty => Reason::new("problem-value-empty"),
            NotAUnit::TooLong(text) => Reason::new("problem-trade-unit-too-long").arg("value", text.trim()),
        }
    }
}

impl From<&AggregateError> for Reason {
    fn from(e: &AggregateError) -> Reason {
        match e {
            AggregateError::Overflow { key } => Reason::new("problem-trade-sum-overflow")
                .arg("period", key.period)
                .arg("reporter", key.reporter)
                .arg("flow", key.flow)
                .arg("partner", key.partner)
                .arg("code", key.code)
                .arg("currency", key.currency),
            AggregateError::TooManyUnits => Reason::new("problem-trade-too-many-units"),
            AggregateError::BadKey => Reason::new("problem-trade-bad-key"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use accord_domain::trade::{CommodityCode, QtyUnit};

    #[test]
    fn reasons_keep_their_arguments_in_order() {
        let r = Reason::new("problem-trade-value-not-amount").arg("value", "12x");
        assert_eq!(r.key, "problem-trade-value-not-amount");
        assert_eq!(r.get("value"), Some("12x"));
        assert_eq!(r.get("other"), None);
        assert_eq!(r.to_string(), "problem-trade-value-not-amount(value=\"12x\")");
    }

    #[test]
    fn domain_errors_map_to_keys_with_the_values_found() {
        let odd = CommodityCode::parse("870").expect_err("three digits");
        let odd = Reason::from(&odd);
        assert_eq!(
            (odd.key.as_str(), odd.get("value"), odd.get("digits")),
            ("problem-trade-code-odd-length", Some("870"), Some("3"))
        );
        let long = Reason::from(&CommodityCode::parse("87012010100000").expect_err("14 digits"));
        assert_eq!((long.key.as_str(), long.get("digits")), ("problem-trade-code-length", Some("14")));
        let letters = Reason::from(&CommodityCode::parse("87a1").expect_err("a letter"));
        assert_eq!((letters.key.as_str(), letters.get("char")), ("problem-trade-code-not-digits", Some("a")));
        assert_eq!(Reason::from(&CommodityCode::parse(" ").expect_err("empty")).key, "problem-value-empty");
        let unit = Reason::from(&QtyUnit::parse("a very long unit name").expect_err("too long"));
        assert_eq!(unit.key, "problem-trade-unit-too-long");
    }

    #[test]
    fn files_without_sheets_name_none() {
        let at = |sheet: &str| Problem {
            sheet: sheet.into(),
            row: 1,
            column: String::new(),
            reason: Reason::new("problem-value-empty"),
        };
        assert_eq!(at("csv").sheet_name(), None);
        assert_eq!(at("CSV").sheet_name(), None);
        assert_eq!(at("").sheet_name(), None);
        assert_eq!(at("xml").sheet_name(), None);
        assert_eq!(at("Лист1").sheet_name(), Some("Лист1"));
    }
}
