//! Translations (Fluent files in `locales/{ru,en}/<module>.ftl`) and per-language formatting of
//! numbers and dates.
//!
//! A crate of its own because three doors need it: the web pages, the documents the report
//! crate sets, and the command line's messages. Keys follow one scheme: `<module>-<what>`
//! (`plan-…`, `review-…`, `fleet-…`), with the shared words (`error-…`, `field-…`, `err-…`,
//! `nav-…`) in `common.ftl`.

use accord_domain::directory::Locale;
use accord_domain::validation::Reason;
use accord_formats::trade::Skipped;
use accord_formats::{Problem, Reason as ProblemReason};
use chrono::{DateTime, Utc};
use fluent_templates::fluent_bundle::FluentValue;
use fluent_templates::{LanguageIdentifier, Loader, langid};
use std::borrow::{Borrow, Cow};
use std::collections::HashMap;

fluent_templates::static_loader! {
    static LOCALES = {
        locales: "../../locales",
        fallback_language: "ru",
        // Bidi isolation marks would end up inside HTML attributes and CSV cells.
        customise: |bundle| bundle.set_use_isolating(false),
    };
}

static RU: LanguageIdentifier = langid!("ru");
static EN: LanguageIdentifier = langid!("en");

/// A small `Copy` value however many references deep a template hands it over.
pub trait Plain<T> {
    fn plain(&self) -> T;
}

macro_rules! plain {
    ($($t:ty),*) => {$(
        impl Plain<$t> for $t {
            fn plain(&self) -> $t {
                *self
            }
        }
        impl Plain<$t> for &$t {
            fn plain(&self) -> $t {
                **self
            }
        }
        impl Plain<$t> for &&$t {
            fn plain(&self) -> $t {
                ***self
            }
        }
    )*};
}

plain!(accord_domain::plan::Status, chrono::NaiveDate, accord_domain::Side, rust_decimal::Decimal);

/// The translator of one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Tr {
    pub locale: Locale,
}

impl Tr {
    pub fn new(locale: Locale) -> Self {
        Tr { locale }
    }

    fn id(&self) -> &'static LanguageIdentifier {
        match self.locale {
            Locale::Ru => &RU,
            Locale::En => &EN,
        }
    }

    pub fn code(&self) -> &'static str {
        self.locale.code()
    }

    pub fn is_en(&self) -> bool {
        self.locale == Locale::En
    }

    /// A name kept in both languages: the English one for an English reader when there is one.
    pub fn either(&self, ru: &str, en: Option<&str>) -> String {
        match en.map(str::trim) {
            Some(en) if self.is_en() && !en.is_empty() => en.to_string(),
            _ => ru.to_string(),
        }
    }

    /// The message for `key`; the key itself if it is missing (a test keeps that from shipping).
    pub fn t(&self, key: &str) -> String {
        LOCALES.try_lookup(self.id(), key).unwrap_or_else(|| key.to_string())
    }

    /// The message for `key` with named arguments.
    pub fn ta(&self, key: &str, args: &[(&'static str, String)]) -> String {
        let map: HashMap<Cow<'static, str>, FluentValue> =
            args.iter().map(|(k, v)| (Cow::Borrowed(*k), FluentValue::from(v.clone()))).collect();
        LOCALES.try_lookup_with_args(self.id(), key, &map).unwrap_or_else(|| key.to_string())
    }

    /// The message for `key` with arguments named at run time (a file problem's).
    fn t_owned(&self, key: &str, args: &[(String, String)]) -> String {
        let map: HashMap<Cow<'static, str>, FluentValue> =
            args.iter().map(|(k, v)| (Cow::Owned(k.clone()), FluentValue::from(v.clone()))).collect();
        LOCALES.try_lookup_with_args(self.id(), key, &map).unwrap_or_else(|| key.to_string())
    }

    /// Why a file's row or the file was refused: «12x — не число».
    pub fn problem_reason(&self, reason: &ProblemReason) -> String {
        self.t_owned(&reason.key, &reason.args)
    }

    /// A file's problem with where it is, as one sentence: «Лист «Sheet1», строка 12, столбец
    /// «value»: …» / "Sheet 'Sheet1', row 12, column 'value': …". The sheet is left out for
    /// files without sheets (CSV, XML, JSON), the row when it is 0 (the whole file), the
    /// column when none is named.
    pub fn problem(&self, problem: &Problem) -> String {
        let mut place = Vec::new();
        if let Some(sheet) = problem.sheet_name() {
            place.push(self.ta("problem-where-sheet", &[("sheet", sheet.to_string())]));
        }
        if problem.row > 0 {
            place.push(self.ta("problem-where-row", &[("row", self.int(i64::from(problem.row)))]));
        }
        if !problem.column.trim().is_empty() {
            place.push(self.ta("problem-where-column", &[("column", problem.column.trim().to_string())]));
        }
        let reason = self.problem_reason(&problem.reason);
        if place.is_empty() {
            return capitalise(&reason);
        }
        capitalise(&self.ta("problem-where", &[("where", place.join(", ")), ("reason", reason)]))
    }

    /// A row a file reader left out on purpose (a Comtrade world total, a re-export).
    pub fn skipped(&self, skipped: &Skipped) -> String {
        self.ta(
            "problem-skipped-row",
            &[("row", self.int(i64::from(skipped.row))), ("reason", self.problem_reason(&skipped.reason))],
        )
    }

    /// The message for `key` with a count, for plural forms.
    pub fn tn(&self, key: &str, count: impl Borrow<i64>) -> String {
        let count = *count.borrow();
        let mut map: HashMap<Cow<'static, str>, FluentValue> = HashMap::new();
        map.insert(Cow::Borrowed("count"), FluentValue::from(count));
        map.insert(Cow::Borrowed("formatted"), FluentValue::from(self.int(count)));
        LOCALES.try_lookup_with_args(self.id(), key, &map).unwrap_or_else(|| key.to_string())
    }

    /// "Page 2 of 5".
    pub fn page_of(&self, page: impl Borrow<i64>, pages: impl Borrow<i64>) -> String {
        self.ta("page-of", &[("page", self.int(*page.borrow())), ("pages", self.int(*pages.borrow()))])
    }

    pub fn side(&self, side: impl Plain<accord_domain::Side>) -> String {
        self.t(&format!("side-{}", side.plain().code()))
    }

    pub fn kind(&self, kind: impl Borrow<accord_domain::directory::OrgKind>) -> String {
        self.t(&format!("kind-{}", kind.borrow().code()))
    }

    /// The label of an audit operation.
    pub fn op(&self, operation: impl Borrow<accord_domain::audit::Operation>) -> String {
        self.t(&format!("op-{}", operation.borrow().code()))
    }

    pub fn status(&self, status: impl Plain<accord_domain::plan::Status>) -> String {
        self.t(&format!("status-{}", status.plain().code()))
    }

    pub fn amendment_status(&self, status: impl Borrow<accord_domain::plan::version::AmendmentStatus>) -> String {
        self.t(&format!("amendment-{}", status.borrow().code()))
    }

    pub fn statuses(&self) -> [accord_domain::plan::Status; 5] {
        accord_domain::plan::Status::ALL
    }

    /// A calendar date (no time zone involved): `30.06.2026` or `30 Jun 2026`.
    pub fn day(&self, day: impl Plain<chrono::NaiveDate>) -> String {
        match self.locale {
            Locale::Ru => day.plain().format("%d.%m.%Y").to_string(),
            Locale::En => day.plain().format("%-d %b %Y").to_string(),
        }
    }

    pub fn reason(&self, reason: Reason) -> String {
        self.t(&format!("err-{}", reason.code()))
    }

    /// The label of a form field, e.g. `field-name_short_ru`.
    pub fn field(&self, field: &str) -> String {
        self.t(&format!("field-{field}"))
    }

    /// An integer with grouped thousands: `1 234 567` in Russian, `1,234,567` in English.
    pub fn int(&self, value: impl Borrow<i64>) -> String {
        let value = *value.borrow();
        let digits = value.unsigned_abs().to_string();
        let separator = match self.locale {
            Locale::Ru => '\u{a0}',
            Locale::En => ',',
        };
        let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
        if value < 0 {
            out.push('-');
        }
        for (i, c) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i) % 3 == 0 {
                out.push(separator);
            }
            out.push(c);
        }
        out
    }

    /// A decimal as typed and stored (no trailing zeros), with the reader's decimal mark:
    /// `51,8` in Russian, `51.8` in English.
    pub fn decimal(&self, value: impl Plain<rust_decimal::Decimal>) -> String {
        let text = value.plain().normalize().to_string();
        match self.locale {
            Locale::Ru => text.replace('.', ","),
            Locale::En => text,
        }
    }

    /// A percentage rounded to `places`, as readers of this language write it: `+12,5 %` in
    /// Russian, `+12.5%` in English; a dash when there is none.
    pub fn percent(&self, value: Option<rust_decimal::Decimal>, places: u32, signed: bool) -> String {
        let Some(value) = value else { return "—".to_string() };
        let rounded = value.round_dp(places);
        let mut text = format!("{:.*}", places as usize, rounded.abs());
        if self.locale == Locale::Ru {
            text = text.replace('.', ",");
        }
        let sign = if rounded.is_sign_negative() && !rounded.is_zero() {
            "-"
        } else if signed && !rounded.is_zero() {
            "+"
        } else {
            ""
        };
        match self.locale {
            Locale::Ru => format!("{sign}{text}\u{a0}%"),
            Locale::En => format!("{sign}{text}%"),
        }
    }

    /// A decimal given as minor units (kopecks, cents) with two decimals: `1 234 567,89`.
    pub fn minor_units(&self, minor: i64) -> String {
        let whole = self.int(minor / 100);
        let cents = (minor % 100).unsigned_abs();
        let whole = if minor < 0 && minor / 100 == 0 { format!("-{whole}") } else { whole };
        let point = match self.locale {
            Locale::Ru => ',',
            Locale::En => '.',
        };
        format!("{whole}{point}{cents:02}")
    }

    /// A date as readers of this language write it: `27.11.2026` or `27 Nov 2026`.
    pub fn date(&self, at: impl Borrow<DateTime<Utc>>, tz: impl Borrow<chrono_tz::Tz>) -> String {
        let local = at.borrow().with_timezone(tz.borrow());
        match self.locale {
            Locale::Ru => local.format("%d.%m.%Y").to_string(),
            Locale::En => local.format("%-d %b %Y").to_string(),
        }
    }

    /// A date and time, or a dash when there is none.
    pub fn datetime_opt(&self, at: &Option<DateTime<Utc>>, tz: impl Borrow<chrono_tz::Tz>) -> String {
        at.as_ref().map_or_else(|| "—".to_string(), |at| self.datetime(at, tz))
    }

    pub fn datetime(&self, at: impl Borrow<DateTime<Utc>>, tz: impl Borrow<chrono_tz::Tz>) -> String {
        let local = at.borrow().with_timezone(tz.borrow());
        match self.locale {
            Locale::Ru => local.format("%d.%m.%Y %H:%M %Z").to_string(),
            Locale::En => local.format("%-d %b %Y %H:%M %Z").to_string(),
        }
    }
}

/// The text with its first letter in upper case.
pub fn capitalise(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// Message ids of one Fluent file, for the test that both languages have the same keys.
pub fn message_ids(ftl: &str) -> Vec<String> {
    ftl.lines()
        .filter(|l| l.starts_with(|c: char| c.is_ascii_lowercase()))
        .filter_map(|l| l.split_once('=').map(|(id, _)| id.trim().to_string()))
        .collect()
}

#[cfg(test)]
mod tests;
