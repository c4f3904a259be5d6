//! The commodity nomenclature shipped inside the binary: the HS with English names (public
//! domain) and Russian names for every chapter and the headings that matter to the agreement.
//! See `data/hs/README.md` for the sources.

use std::sync::OnceLock;

use accord_domain::trade::{CommodityCode, Nomenclature, NomenclatureRow};
use serde::Deserialize;

const HS: &str = include_str!("../../data/hs/harmonized-system.csv");
const SECTIONS: &str = include_str!("../../data/hs/sections.csv");
const NAMES_RU: &str = include_str!("../../data/hs/names_ru.csv");

/// An HS section: a Roman numeral and its name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HsSection {
    pub number: String,
    pub name_en: String,
}

#[derive(Deserialize)]
struct HsRow {
    section: String,
    hscode: String,
    description: String,
}

#[derive(Deserialize)]
struct RuRow {
    code: String,
    name_ru: String,
}

fn rows() -> Vec<NomenclatureRow> {
    let mut rows = Vec::with_capacity(7_100);
    // The embedded files are fixed at build time and checked by the tests below; a row that
    // does not read (the TOTAL line, for one) is simply not a code.
    let mut hs = csv::Reader::from_reader(HS.as_bytes());
    for row in hs.deserialize::<HsRow>().flatten() {
        let Ok(code) = CommodityCode::parse(&row.hscode) else { continue };
        let section = (code.len() == 2 && row.section.chars().all(|c| "IVXL".contains(c))).then_some(row.section);
        rows.push(NomenclatureRow { code, name_en: Some(row.description), name_ru: None, section });
    }
    let mut ru = csv::Reader::from_reader(NAMES_RU.as_bytes());
    for row in ru.deserialize::<RuRow>().flatten() {
        let Ok(code) = CommodityCode::parse(&row.code) else { continue };
        rows.push(NomenclatureRow { code, name_en: None, name_ru: Some(row.name_ru), section: None });
    }
    rows
}

/// Builds the shipped nomenclature afresh (a few milliseconds); [`nomenclature`] shares one.
pub fn load_nomenclature() -> Nomenclature {
    // The shipped files name no code twice in one language (a test checks it), so building
    // cannot fail; an empty tree would show up at once in every page.
    Nomenclature::from_rows(rows()).unwrap_or_default()
}

/// The shipped nomenclature, built once per process.
pub fn nomenclature() -> &'static Nomenclature {
    static TREE: OnceLock<Nomenclature> = OnceLock::new();
    TREE.get_or_init(load_nomenclature)
}

/// The 21 HS sections in order.
pub fn hs_sections() -> Vec<HsSection> {
    let text = SECTIONS.trim_start_matches('\u{feff}');
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    reader
        .records()
        .flatten()
        .filter_map(|r| Some(HsSection { number: r.get(0)?.to_string(), name_en: r.get(1)?.to_string() }))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use accord_domain::trade::{CodeLevel, Lang};

    fn code(c: &str) -> CommodityCode {
        CommodityCode::parse(c).expect(c)
    }

    #[test]
    fn shipped_files_build_without_conflicts() {
        assert!(Nomenclature::from_rows(rows()).is_ok());
        let n = load_nomenclature();
        let rows_at = |l: CodeLevel| rows().iter().filter(|r| r.code.level() == l).count();
        assert_eq!(rows_at(CodeLevel::Heading), 1229 + 59, "HS headings plus the Russian-named ones");
        assert_eq!(n.chapters().count(), 98, "01-97 with the reserved 77, and Comtrade's 99");
        assert_eq!(n.len(), 97 + 1 + 1229 + 5613);
    }

    #[test]
    fn every_chapter_has_a_russian_name() {
        let n = nomenclature();
        for chapter in 1..=97u64 {
            let c = CommodityCode::from_digits(chapter, 2).expect("chapter");
            let entry = n.get(c).unwrap_or_else(|| panic!("chapter {c}"));
            assert!(entry.name_ru.is_some(), "chapter {c}");
            if chapter != 77 {
                assert!(entry.name_en.is_some(), "chapter {c}");
                assert!(entry.section.is_some(), "chapter {c}");
            }
        }
        assert_eq!(n.section(code("8701201013")), Some("XVII"));
    }

    #[test]
    fn headings_of_the_agreement_are_named_in_russian() {
        let n = nomenclature();
        let headings = ["8701", "8702", "8704", "8705", "8708", "0306", "0307", "0810", "0811", "7306", "8429", "8433"]
            .into_iter()
            .chain(["8474", "4011", "9403", "3920", "1905"])
            .map(str::to_string)
            .chain((201..=210).map(|h| format!("{h:04}")))
            .chain((302..=305).map(|h| format!("{h:04}")))
            .chain((401..=406).map(|h| format!("{h:04}")))
            .chain((7208..=7229).map(|h| h.to_string()));
        for h in headings {
            let name = n.name(code(&h), Lang::Ru).expect("named");
            assert_eq!((name.of, name.lang), (code(&h), Lang::Ru), "{h}");
        }
        assert_eq!(
            n.name(code("8701"), Lang::Ru).map(|n| n.text),
            Some("Тракторы (кроме тракторов товарной позиции 8709)")
        );
        assert_eq!(
            n.name(code("8701"), Lang::En).map(|n| n.text),
            Some("Tractors; (other than tractors of heading no 8709)")
        );
    }

    #[test]
    fn national_codes_fall_back_to_the_hs() {
        let n = nomenclature();
        let name = n.name(code("8701 21 101 0"), Lang::En).expect("named");
        assert_eq!(name.of, code("870121"));
        // No Russian name for the subheading: the Russian fallback is its English name, which is
        // more precise than the heading's Russian name.
        let ru = n.name(code("8701 21 101 0"), Lang::Ru).expect("named");
        assert_eq!((ru.of, ru.lang), (code("870121"), Lang::En));
        assert_eq!(n.parent(code("8701211010")), Some(code("870121")));
        assert!(n.check(code("8701211010")).is_ok());
        assert!(n.check(code("8799")).is_err());
        // The shipped HS is the 2022 edition: the 2017 subheading 8701 20 was split into
        // 8701 21-29, so older codes are reported as unknown at the subheading.
        let old = n.check(code("8701 20 101 3")).unwrap_err();
        assert_eq!(old.missing, code("870120"));
        assert_eq!(n.name(code("8701 20 101 3"), Lang::Ru).map(|n| n.of), Some(code("8701")));
    }

    #[test]
    fn sections() {
        let s = hs_sections();
        assert_eq!(s.len(), 21);
        assert_eq!(s[0].number, "I");
        assert_eq!(s[16].number, "XVII");
    }
}
