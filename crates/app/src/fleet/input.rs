//! Reading what a form or a JSON body says: every input type of the fleet is one serde struct
//! that a page deserialises from its form and the API from its JSON body. Forms send text and
//! JSON sends numbers and booleans, so the fields that may be either are read as text
//! ([`loose`]) and parsed here, each naming its field when it does not read.

use accord_domain::validation::{Invalid, Reason};
use chrono::NaiveDate;
use serde::Deserializer;
use std::str::FromStr;

/// Deserialises a string, a number, a boolean or null as optional text, so one field reads a
/// form's `"12"` and a JSON body's `12` alike.
pub fn loose<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<String>, D::Error> {
    struct Visitor;
    impl<'de> serde::de::Visitor<'de> for Visitor {
        type Value = Option<String>;
        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("text, a number or a boolean")
        }
        fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Self::Value, E> {
            Ok(Some(v.to_string()))
        }
        fn visit_string<E: serde::de::Error>(self, v: String) -> Result<Self::Value, E> {
            Ok(Some(v))
        }
        fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Self::Value, E> {
            Ok(Some(v.to_string()))
        }
        fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Self::Value, E> {
            Ok(Some(v.to_string()))
        }
        fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<Self::Value, E> {
            Ok(Some(v.to_string()))
        }
        fn visit_bool<E: serde::de::Error>(self, v: bool) -> Result<Self::Value, E> {
            Ok(Some(v.to_string()))
        }
        fn visit_none<E: serde::de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_unit<E: serde::de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
            d.deserialize_any(Visitor)
        }
    }
    deserializer.deserialize_any(Visitor)
}

pub fn invalid(field: &'static str, reason: Reason) -> Invalid {
    Invalid::one(field, reason)
}

/// The text given, trimmed; `None` when absent or blank.
pub fn given(value: &Option<String>) -> Option<&str> {
    value.as_deref().map(str::trim).filter(|v| !v.is_empty())
}

/// The text of a number as people type it: spaces (also non-breaking) between the thousands
/// dropped.
pub fn digits(text: &str) -> String {
    text.chars().filter(|c| !c.is_whitespace() && *c != '\u{a0}').collect()
}

/// A required number.
pub fn number<T: FromStr>(value: &Option<String>, field: &'static str) -> Result<T, Invalid> {
    let text = given(value).ok_or_else(|| invalid(field, Reason::Required))?;
    digits(text).parse().map_err(|_| invalid(field, Reason::UnknownValue))
}

/// An optional number.
pub fn opt_number<T: FromStr>(value: &Option<String>, field: &'static str) -> Result<Option<T>, Invalid> {
    match given(value) {
        None => Ok(None),
        Some(text) => digits(text).parse().map(Some).map_err(|_| invalid(field, Reason::UnknownValue)),
    }
}

/// A required day, `YYYY-MM-DD`.
pub fn day(text: &str, field: &'static str) -> Result<NaiveDate, Invalid> {
    let text = text.trim();
    if text.is_empty() {
        return Err(invalid(field, Reason::Required));
    }
    NaiveDate::parse_from_str(text, "%Y-%m-%d").map_err(|_| invalid(field, Reason::UnknownValue))
}

/// An optional day, `YYYY-MM-DD`.
pub fn opt_day(value: &Option<String>, field: &'static str) -> Result<Option<NaiveDate>, Invalid> {
    given(value).map(|t| day(t, field)).transpose()
}

/// The version of the record the writer saw: required on every change (a write without it
/// would silently overwrite whatever was saved since).
pub fn version(value: &Option<String>) -> Result<i64, Invalid> {
    number(value, "version")
}

/// A flag as a form (`1`, `on`) or JSON (`true`) sends it.
pub fn flag(value: &Option<String>) -> bool {
    matches!(given(value).map(str::to_lowercase).as_deref(), Some("1" | "true" | "on" | "yes"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(serde::Deserialize)]
    struct Body {
        #[serde(default, deserialize_with = "loose")]
        value: Option<String>,
    }

    #[test]
    fn forms_and_json_read_alike() {
        let form: Body = serde_urlencoded::from_str("value=12").expect("form");
        let json: Body = serde_json::from_str(r#"{"value": 12}"#).expect("json");
        assert_eq!((form.value.as_deref(), json.value.as_deref()), (Some("12"), Some("12")));
        let absent: Body = serde_json::from_str("{}").expect("json");
        let null: Body = serde_json::from_str(r#"{"value": null}"#).expect("json");
        assert_eq!((absent.value, null.value), (None, None));
        let yes: Body = serde_json::from_str(r#"{"value": true}"#).expect("json");
        assert!(flag(&yes.value));
    }

    #[test]
    fn numbers_and_days_name_their_field() {
        assert_eq!(number::<i64>(&Some("12 345".into()), "value"), Ok(12_345));
        assert_eq!(number::<i64>(&None, "value"), Err(invalid("value", Reason::Required)));
        assert_eq!(number::<u32>(&Some("-1".into()), "qty"), Err(invalid("qty", Reason::UnknownValue)));
        assert_eq!(version(&Some(" ".into())), Err(invalid("version", Reason::Required)));
        assert_eq!(day("31.02.2025", "date"), Err(invalid("date", Reason::UnknownValue)));
        assert_eq!(opt_day(&Some(String::new()), "until"), Ok(None));
    }
}
