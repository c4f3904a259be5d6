//! Translations (Fluent files in `locales/`) and per-language formatting of numbers and dates.

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
mod tests {
    use super::*;
    use chrono::TimeZone;
    use std::collections::BTreeSet;

    const RU_FTL: &str = include_str!("../../../locales/ru/main.ftl");
    const EN_FTL: &str = include_str!("../../../locales/en/main.ftl");

    #[test]
    fn both_languages_have_exactly_the_same_keys() {
        let ru: BTreeSet<String> = message_ids(RU_FTL).into_iter().collect();
        let en: BTreeSet<String> = message_ids(EN_FTL).into_iter().collect();
        let only_ru: Vec<_> = ru.difference(&en).collect();
        let only_en: Vec<_> = en.difference(&ru).collect();
        assert!(only_ru.is_empty() && only_en.is_empty(), "only in ru: {only_ru:?}; only in en: {only_en:?}");
        assert!(ru.len() > 50);
    }

    #[test]
    fn every_key_a_template_uses_exists() {
        let ru: BTreeSet<String> = message_ids(RU_FTL).into_iter().collect();
        let mut missing = Vec::new();
        for (name, text) in crate::templates_for_tests() {
            for part in text.split(".t(\"").skip(1) {
                if let Some(key) = part.split('"').next()
                    && !ru.contains(key)
                {
                    missing.push(format!("{name}: {key}"));
                }
            }
        }
        assert!(missing.is_empty(), "keys missing from the locales: {missing:?}");
    }

    #[test]
    fn every_reason_has_a_message() {
        use accord_domain::validation::Reason::*;
        for reason in [
            Required,
            TooLong,
            TooShort,
            InvalidEmail,
            InvalidPhone,
            InvalidUrl,
            InvalidCode,
            InvalidLogin,
            UnknownValue,
            NotUnique,
            NotFound,
            RoleNeedsSide,
            RoleNeedsOrganisation,
            OrganisationOnOtherSide,
        ] {
            for tr in [Tr::new(Locale::Ru), Tr::new(Locale::En)] {
                assert_ne!(tr.reason(reason), format!("err-{}", reason.code()));
            }
        }
    }

    /// Every `"problem-…"` string literal in the readers (formats) and the import code (web).
    fn problem_keys_in_code() -> BTreeSet<String> {
        fn walk(dir: &std::path::Path, keys: &mut BTreeSet<String>) {
            for entry in std::fs::read_dir(dir).expect("source folder").flatten() {
                let path = entry.path();
                if path.is_dir() {
                    walk(&path, keys);
                } else if path.extension().is_some_and(|e| e == "rs") {
                    let text = std::fs::read_to_string(&path).expect("source file");
                    for part in text.split("\"problem-").skip(1) {
                        let id: String = part
                            .chars()
                            .take_while(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '-')
                            .collect();
                        if !id.is_empty() && part[id.len()..].starts_with('"') {
                            keys.insert(format!("problem-{id}"));
                        }
                    }
                }
            }
        }
        let crates = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let mut keys = BTreeSet::new();
        walk(&crates.join("formats/src"), &mut keys);
        walk(&crates.join("web/src"), &mut keys);
        keys
    }

    #[test]
    fn every_problem_key_has_a_message_and_every_message_a_use() {
        let in_code = problem_keys_in_code();
        assert!(in_code.len() > 50, "the scan finds the readers' keys: {in_code:?}");
        let ru: BTreeSet<String> = message_ids(RU_FTL).into_iter().filter(|k| k.starts_with("problem-")).collect();
        let missing: Vec<_> = in_code.difference(&ru).collect();
        let unused: Vec<_> = ru.difference(&in_code).collect();
        assert!(missing.is_empty(), "problem keys without a message: {missing:?}");
        assert!(unused.is_empty(), "problem messages no code reports: {unused:?}");
    }

    #[test]
    fn problem_messages_take_the_same_arguments_in_both_languages() {
        let args = |ftl: &str| -> std::collections::BTreeMap<String, BTreeSet<String>> {
            ftl.lines()
                .filter(|l| l.starts_with("problem-"))
                .filter_map(|l| l.split_once('='))
                .map(|(id, text)| {
                    let names = text.split("{ $").skip(1).filter_map(|p| p.split(' ').next()).map(str::to_string);
                    (id.trim().to_string(), names.collect())
                })
                .collect()
        };
        assert_eq!(args(RU_FTL), args(EN_FTL));
    }

    fn problem(sheet: &str, row: u32, column: &str, reason: ProblemReason) -> Problem {
        Problem { sheet: sheet.into(), row, column: column.into(), reason }
    }

    #[test]
    fn a_problem_reads_in_the_readers_language_with_where_it_is() {
        let ru = Tr::new(Locale::Ru);
        let en = Tr::new(Locale::En);
        let not_amount = ProblemReason::new("problem-trade-value-not-amount").arg("value", "12x");
        let in_sheet = problem("Sheet1", 12, "value", not_amount.clone());
        assert_eq!(
            ru.problem(&in_sheet),
            "Лист «Sheet1», строка 12, столбец «value»: «12x» — не сумма: нужно неотрицательное число"
        );
        assert_eq!(
            en.problem(&in_sheet),
            "Sheet 'Sheet1', row 12, column 'value': \"12x\" is not an amount: write a non-negative number"
        );
        let in_csv = problem("csv", 1234, "value", not_amount);
        assert_eq!(
            ru.problem(&in_csv),
            "Строка 1\u{a0}234, столбец «value»: «12x» — не сумма: нужно неотрицательное число"
        );
        assert_eq!(
            en.problem(&in_csv),
            "Row 1,234, column 'value': \"12x\" is not an amount: write a non-negative number"
        );
        let whole_file = problem("csv", 0, "", ProblemReason::new("problem-file-empty"));
        assert_eq!(ru.problem(&whole_file), "Файл пуст: в первой строке должны быть заголовки столбцов");
        assert_eq!(en.problem(&whole_file), "The file is empty: the first row must hold the column headers");
        let sheet_only = problem("План", 0, "", ProblemReason::new("problem-plan-no-period"));
        assert!(
            ru.problem(&sheet_only).starts_with("Лист «План»: в заголовке плана не указан период"),
            "{}",
            ru.problem(&sheet_only)
        );
        let skipped = Skipped { row: 7, reason: ProblemReason::new("problem-comtrade-skip-world").arg("value", "W00") };
        assert_eq!(ru.skipped(&skipped), "Строка 7 пропущена: партнёр W00 — «Мир», то есть сводный итог");
        assert_eq!(en.skipped(&skipped), "Row 7 left out: partner W00 is World, an aggregate");
        assert_eq!(ru.tn("import-file-problems", 3), "В файле 3 ошибки, ничего не загружено.");
        assert_eq!(en.tn("import-file-problems", 1), "1 problem in the file; nothing was imported.");
    }

    #[test]
    fn numbers_and_dates_per_language() {
        let ru = Tr::new(Locale::Ru);
        let en = Tr::new(Locale::En);
        assert_eq!(ru.minor_units(123_456_789), "1\u{a0}234\u{a0}567,89");
        assert_eq!(en.minor_units(123_456_789), "1,234,567.89");
        assert_eq!(ru.minor_units(-5), "-0,05");
        assert_eq!(ru.int(-1000), "-1\u{a0}000");
        assert_eq!(en.int(999), "999");
        let d = |s: &str| s.parse::<rust_decimal::Decimal>().ok();
        assert_eq!(ru.percent(d("194.46"), 1, true), "+194,5\u{a0}%");
        assert_eq!(en.percent(d("-10.54"), 1, true), "-10.5%");
        assert_eq!(ru.percent(d("-0.01"), 1, true), "0,0\u{a0}%", "no sign on a rounded zero");
        assert_eq!(en.percent(d("112.4"), 0, false), "112%");
        assert_eq!(ru.percent(None, 1, true), "—");
        assert_eq!(ru.decimal(rust_decimal::Decimal::new(5180, 2)), "51,8");
        assert_eq!(en.decimal(rust_decimal::Decimal::new(5180, 2)), "51.8");
        let at = Utc.with_ymd_and_hms(2026, 11, 27, 20, 30, 0).single().expect("valid");
        assert_eq!(ru.date(at, chrono_tz::Europe::Minsk), "27.11.2026");
        assert_eq!(ru.date(at, chrono_tz::Asia::Vladivostok), "28.11.2026");
        assert_eq!(en.date(at, chrono_tz::Europe::Minsk), "27 Nov 2026");
    }

    #[test]
    fn russian_is_the_default_and_plurals_work() {
        assert_eq!(Tr::default().t("app-name"), Tr::new(Locale::Ru).t("app-name"));
        let ru = Tr::new(Locale::Ru);
        assert_eq!(ru.tn("list-total", 1), "Всего: 1 запись");
        assert_eq!(ru.tn("list-total", 3), "Всего: 3 записи");
        assert_eq!(ru.tn("list-total", 11), "Всего: 11 записей");
        assert_eq!(Tr::new(Locale::En).tn("list-total", 1), "1 record in all");
    }
}
