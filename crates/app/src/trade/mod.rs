//! Trade's use cases: imports of trade statistics and customs data, exchange rates, product
//! groups with their targets and measure links, verdicts on mirror pairs; and the summaries
//! and reconciliations every door reads.
//!
//! | use case | who |
//! |---|---|
//! | [`App::trade_import`], [`App::trade_import_file`] | a coordinator, for its own side's statistics; an administrator |
//! | [`App::rates_import`] | coordinators and administrators |
//! | [`App::product_group_save`], [`App::product_group_delete`] | coordinators and administrators |
//! | [`App::mirror_verdict_set`] | coordinators and administrators |
//!
//! [`App::trade_import`]: crate::App::trade_import
//! [`App::trade_import_file`]: crate::App::trade_import_file
//! [`App::rates_import`]: crate::App::rates_import
//! [`App::product_group_save`]: crate::App::product_group_save
//! [`App::product_group_delete`]: crate::App::product_group_delete
//! [`App::mirror_verdict_set`]: crate::App::mirror_verdict_set

mod groups;
mod imports;
mod mirror;
mod summary;

pub use groups::GroupInput;
pub use imports::{ImportSummary, MORE_PROBLEMS, RatesFileOutcome, TradeImportOptions, file_side};
pub use mirror::VerdictInput;
pub use summary::{MirrorQuery, SCOPES, ScopeSummary, Summariser, SummaryQuery, SummaryRequest, summaries};

use serde::Deserialize;

/// A record's version as a form (text, empty for none) or JSON (a number, or absent) gives it.
pub(crate) fn optional_version<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Given {
        Number(i64),
        Text(String),
    }
    match Option::<Given>::deserialize(d)? {
        None => Ok(None),
        Some(Given::Number(n)) => Ok(Some(n)),
        Some(Given::Text(t)) if t.trim().is_empty() => Ok(None),
        Some(Given::Text(t)) => t.trim().parse().map(Some).map_err(serde::de::Error::custom),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Deserialize)]
    struct Versioned {
        #[serde(default, deserialize_with = "optional_version")]
        version: Option<i64>,
    }

    #[test]
    fn a_version_reads_from_a_form_or_json() {
        let form = |text: &str| serde_urlencoded_like(text);
        assert_eq!(form("3"), Some(3));
        assert_eq!(form(""), None);
        let json = |text: &str| serde_json::from_str::<Versioned>(text).expect("json").version;
        assert_eq!(json(r#"{"version": 4}"#), Some(4));
        assert_eq!(json(r#"{"version": "5"}"#), Some(5));
        assert_eq!(json(r#"{}"#), None);
        assert_eq!(json(r#"{"version": null}"#), None);
        assert!(serde_json::from_str::<Versioned>(r#"{"version": "x"}"#).is_err());
    }

    /// A form's field is text: the same as a JSON string.
    fn serde_urlencoded_like(text: &str) -> Option<i64> {
        serde_json::from_value::<Versioned>(serde_json::json!({ "version": text })).expect("form").version
    }
}
