use super::*;
use chrono::TimeZone;
use std::collections::BTreeSet;

/// Every message file of one language, concatenated (one file per module).
fn ftl(lang: &str) -> String {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../locales").join(lang);
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("locales folder")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "ftl"))
        .collect();
    files.sort();
    files.iter().map(|p| std::fs::read_to_string(p).expect("ftl file") + "\n").collect()
}

/// Every source and template file of the crates that show text to people.
fn sources() -> Vec<(String, String)> {
    fn walk(dir: &std::path::Path, out: &mut Vec<(String, String)>) {
        let Ok(entries) = std::fs::read_dir(dir) else { return };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                walk(&path, out);
            } else if let Ok(text) = std::fs::read_to_string(&path) {
                out.push((path.display().to_string(), text));
            }
        }
    }
    let crates = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut out = Vec::new();
    for dir in ["web/templates", "web/src", "app/src", "cli/src", "formats/src", "i18n/src", "report/src"] {
        walk(&crates.join(dir), &mut out);
    }
    out
}

#[test]
fn both_languages_have_exactly_the_same_keys() {
    let ru: BTreeSet<String> = message_ids(&ftl("ru")).into_iter().collect();
    let en: BTreeSet<String> = message_ids(&ftl("en")).into_iter().collect();
    let only_ru: Vec<_> = ru.difference(&en).collect();
    let only_en: Vec<_> = en.difference(&ru).collect();
    assert!(only_ru.is_empty() && only_en.is_empty(), "only in ru: {only_ru:?}; only in en: {only_en:?}");
    assert!(ru.len() > 50);
}

#[test]
fn every_key_a_template_uses_exists() {
    let ru: BTreeSet<String> = message_ids(&ftl("ru")).into_iter().collect();
    let mut missing = Vec::new();
    for (name, text) in sources() {
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
        TooLarge,
        OutOfRange,
        NotANumber,
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
            } else if path.extension().is_some_and(|e| e == "rs") && !path.ends_with("i18n/src/tests.rs") {
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
    // Every crate's sources: a key made anywhere reaches a person through some door.
    let crates = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut keys = BTreeSet::new();
    for entry in std::fs::read_dir(&crates).expect("crates folder").flatten() {
        let src = entry.path().join("src");
        if src.is_dir() {
            walk(&src, &mut keys);
        }
    }
    keys
}

/// Keys whose message chooses its words by an argument the code sets from a closed list (which
/// limit, which kind of value): every value the code passes must have its own words, in both
/// languages, not the catch-all variant.
#[test]
fn every_argument_a_problem_chooses_by_has_its_words() {
    let render = |tr: &Tr, key: &str, arg: &str, value: &str| {
        let reason = ProblemReason::new(key).arg(arg, value).arg("value", "7").arg("max", "5");
        tr.problem_reason(&reason)
    };
    let cases: [(&str, &str, &[&str]); 4] = [
        ("problem-xlsx-too-large", "limit", &["columns", "cells", "parts", "shared_strings"]),
        ("problem-csv-too-large", "limit", &["fields", "cells"]),
        ("problem-json-too-large", "limit", &["depth"]),
        (
            "problem-fleet-invalid",
            "expected",
            &[
                "vin", "serial", "year", "status", "arrival", "date", "whole", "meter", "kind", "datetime", "hours",
                "service",
            ],
        ),
    ];
    for tr in [Tr::new(Locale::Ru), Tr::new(Locale::En)] {
        for (key, arg, values) in cases {
            let fallback = render(&tr, key, arg, "no-such-value");
            assert!(!fallback.contains(key) && !fallback.contains('{'), "{key}: {fallback}");
            for value in values {
                let text = render(&tr, key, arg, value);
                assert_ne!(text, fallback, "{key} has no words of its own for {arg} = {value}");
            }
        }
    }
    // The values the fleet reader passes are the ones listed above.
    let fleet =
        std::fs::read_to_string(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../formats/src/fleet/mod.rs"))
            .expect("fleet reader");
    for part in fleet.split("l.parse(").skip(1) {
        if let Some(expected) = part.split('"').nth(1) {
            assert!(cases[3].2.contains(&expected), "problem-fleet-invalid: no words for expected = {expected}");
        }
    }
}

#[test]
fn every_problem_key_has_a_message_and_every_message_a_use() {
    let in_code = problem_keys_in_code();
    assert!(in_code.len() > 50, "the scan finds the readers' keys: {in_code:?}");
    let ru: BTreeSet<String> = message_ids(&ftl("ru")).into_iter().filter(|k| k.starts_with("problem-")).collect();
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
    assert_eq!(args(&ftl("ru")), args(&ftl("en")));
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
    assert_eq!(en.problem(&in_csv), "Row 1,234, column 'value': \"12x\" is not an amount: write a non-negative number");
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
