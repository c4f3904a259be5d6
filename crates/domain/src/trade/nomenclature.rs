//! The commodity nomenclature as a tree: names of chapters, headings and subheadings (and any
//! national codes the caller knows), each with its parent.
//!
//! The rows come from the caller (the `formats` crate ships the HS with English names and
//! Russian names for the chapters and headings that matter to the agreement). Parents are not
//! taken from the rows but derived: the parent of a code is its longest proper prefix present
//! in the tree, so a national 10-digit code hangs under its subheading even when the 8-digit
//! level in between is unknown.

use super::code::{CodeLevel, CommodityCode};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A display language for names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    Ru,
    En,
}

/// One named code as given to [`Nomenclature::from_rows`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NomenclatureRow {
    pub code: CommodityCode,
    pub name_en: Option<String>,
    pub name_ru: Option<String>,
    /// The HS section (Roman numeral "XVII"), known for chapters.
    pub section: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    pub code: CommodityCode,
    pub name_en: Option<String>,
    pub name_ru: Option<String>,
    pub section: Option<String>,
    pub parent: Option<CommodityCode>,
}

impl Entry {
    pub fn level(&self) -> CodeLevel {
        self.code.level()
    }
    fn name_in(&self, lang: Lang) -> Option<&str> {
        match lang {
            Lang::Ru => self.name_ru.as_deref(),
            Lang::En => self.name_en.as_deref(),
        }
    }
}

/// A name found for a code: the text, and where it came from when not the code itself or not
/// the language asked for, so a page can say "(name of 8701 20)" or mark English text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Name<'a> {
    pub text: &'a str,
    /// The code whose name this is: the code asked about or its nearest named ancestor.
    pub of: CommodityCode,
    pub lang: Lang,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NomenclatureError {
    #[error("code {0} is listed twice with different {1} names")]
    ConflictingNames(CommodityCode, &'static str),
}

/// Why a code is not in the nomenclature.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("commodity code {code} is not in the nomenclature: {missing} is unknown")]
pub struct UnknownCode {
    pub code: CommodityCode,
    /// The shortest prefix of the code that is missing ("99" for "9999999999").
    pub missing: CommodityCode,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Nomenclature {
    entries: BTreeMap<CommodityCode, Entry>,
}

impl Nomenclature {
    /// Builds the tree. Rows for the same code merge (English names from one file, Russian
    /// from another); the same code with two different names in one language is an error.
    pub fn from_rows(rows: impl IntoIterator<Item = NomenclatureRow>) -> Result<Nomenclature, NomenclatureError> {
        let mut entries: BTreeMap<CommodityCode, Entry> = BTreeMap::new();
        for row in rows {
            let entry = entries.entry(row.code).or_insert_with(|| Entry {
                code: row.code,
                name_en: None,
                name_ru: None,
                section: None,
                parent: None,
            });
            merge_name(&mut entry.name_en, row.name_en, row.code, "English")?;
            merge_name(&mut entry.name_ru, row.name_ru, row.code, "Russian")?;
            merge_name(&mut entry.section, row.section, row.code, "section")?;
        }
        let codes: Vec<CommodityCode> = entries.keys().copied().collect();
        for code in codes {
            let parent = nearest_ancestor(&entries, code);
            if let Some(entry) = entries.get_mut(&code) {
                entry.parent = parent;
            }
        }
        Ok(Nomenclature { entries })
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    pub fn get(&self, code: CommodityCode) -> Option<&Entry> {
        self.entries.get(&code)
    }

    pub fn contains(&self, code: CommodityCode) -> bool {
        self.entries.contains_key(&code)
    }

    /// The nearest ancestor present in the tree (for a code not in the tree, too).
    pub fn parent(&self, code: CommodityCode) -> Option<CommodityCode> {
        nearest_ancestor(&self.entries, code)
    }

    /// The codes directly under `code`, in order.
    pub fn children(&self, code: CommodityCode) -> Vec<CommodityCode> {
        self.entries
            .range(code..)
            .skip(1)
            .take_while(|(c, _)| c.starts_with(code))
            .filter(|(_, e)| e.parent == Some(code))
            .map(|(c, _)| *c)
            .collect()
    }

    /// The chapters, in order.
    pub fn chapters(&self) -> impl Iterator<Item = &Entry> {
        self.entries.values().filter(|e| e.code.level() == CodeLevel::Chapter)
    }

    /// The most specific name for a code: the code's own name in `lang`, else its English
    /// name, else the same for the nearest named ancestor.
    pub fn name(&self, code: CommodityCode, lang: Lang) -> Option<Name<'_>> {
        let mut at = Some(code);
        while let Some(c) = at {
            if let Some(entry) = self.entries.get(&c) {
                for l in [lang, Lang::En] {
                    if let Some(text) = entry.name_in(l) {
                        return Some(Name { text, of: c, lang: l });
                    }
                }
            }
            at = c.parent();
        }
        None
    }

    /// The section of the code's chapter ("XVII" for any code under 87).
    pub fn section(&self, code: CommodityCode) -> Option<&str> {
        self.entries.get(&code.chapter()).and_then(|e| e.section.as_deref())
    }

    /// Whether the HS part of a code is known: its chapter, heading and subheading as far as
    /// the code goes. National digits (7-10) are not checked: accord ships only the HS levels.
    pub fn check(&self, code: CommodityCode) -> Result<(), UnknownCode> {
        for level in [CodeLevel::Chapter, CodeLevel::Heading, CodeLevel::Subheading] {
            if let Some(prefix) = code.prefix(level.digits())
                && !self.entries.contains_key(&prefix)
            {
                return Err(UnknownCode { code, missing: prefix });
            }
        }
        Ok(())
    }
}

fn merge_name(
    slot: &mut Option<String>,
    new: Option<String>,
    code: CommodityCode,
    what: &'static str,
) -> Result<(), NomenclatureError> {
    let Some(new) = new.map(|n| n.trim().to_string()).filter(|n| !n.is_empty()) else { return Ok(()) };
    match slot {
        Some(old) if *old != new => Err(NomenclatureError::ConflictingNames(code, what)),
        Some(_) => Ok(()),
        None => {
            *slot = Some(new);
            Ok(())
        }
    }
}

fn nearest_ancestor(entries: &BTreeMap<CommodityCode, Entry>, code: CommodityCode) -> Option<CommodityCode> {
    let mut at = code.parent();
    while let Some(c) = at {
        if entries.contains_key(&c) {
            return Some(c);
        }
        at = c.parent();
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(c: &str) -> CommodityCode {
        CommodityCode::parse(c).expect(c)
    }
    fn row(c: &str, en: Option<&str>, ru: Option<&str>) -> NomenclatureRow {
        NomenclatureRow { code: code(c), name_en: en.map(Into::into), name_ru: ru.map(Into::into), section: None }
    }

    fn tree() -> Nomenclature {
        Nomenclature::from_rows([
            NomenclatureRow {
                section: Some("XVII".into()),
                ..row("87", Some("Vehicles"), Some("Средства наземного транспорта"))
            },
            row("8701", Some("Tractors"), Some("Тракторы")),
            row("870120", Some("Road tractors for semi-trailers"), None),
            row("8701201013", None, Some("Седельные тягачи экологического класса 4 или выше")),
            row("8702", Some("Buses"), None),
            row("87", None, Some("Средства наземного транспорта")),
        ])
        .expect("tree")
    }

    #[test]
    fn parents_are_the_nearest_present_prefix() {
        let t = tree();
        assert_eq!(t.len(), 5);
        assert_eq!(t.get(code("8701201013")).and_then(|e| e.parent), Some(code("870120")));
        assert_eq!(t.get(code("870120")).and_then(|e| e.parent), Some(code("8701")));
        assert_eq!(t.get(code("87")).and_then(|e| e.parent), None);
        assert_eq!(t.parent(code("8701909000")), Some(code("8701")), "unknown code: nearest known ancestor");
        assert_eq!(t.children(code("87")), vec![code("8701"), code("8702")]);
        assert_eq!(t.children(code("8701")), vec![code("870120")]);
        assert_eq!(t.chapters().count(), 1);
        assert_eq!(t.section(code("8701201013")), Some("XVII"));
        assert_eq!(t.get(code("87")).map(Entry::level), Some(CodeLevel::Chapter));
    }

    #[test]
    fn names_fall_back_to_english_then_to_ancestors() {
        let t = tree();
        let name = |c: &str, lang| t.name(code(c), lang).map(|n| (n.text, n.of.to_string(), n.lang));
        assert_eq!(name("8701", Lang::Ru), Some(("Тракторы", "8701".into(), Lang::Ru)));
        assert_eq!(name("8701", Lang::En), Some(("Tractors", "8701".into(), Lang::En)));
        assert_eq!(name("870120", Lang::Ru), Some(("Road tractors for semi-trailers", "870120".into(), Lang::En)));
        assert_eq!(
            name("8701201013", Lang::En),
            Some(("Road tractors for semi-trailers", "870120".into(), Lang::En)),
            "no English name: the nearest ancestor's"
        );
        assert_eq!(name("8701201013", Lang::Ru).map(|n| n.2), Some(Lang::Ru));
        assert_eq!(name("8701909000", Lang::Ru), Some(("Тракторы", "8701".into(), Lang::Ru)));
        assert_eq!(name("0401", Lang::Ru), None);
    }

    #[test]
    fn conflicting_names_are_refused() {
        let err = Nomenclature::from_rows([row("87", Some("Vehicles"), None), row("87", Some("Cars"), None)]);
        assert_eq!(err, Err(NomenclatureError::ConflictingNames(code("87"), "English")));
    }

    #[test]
    fn check_names_the_missing_level() {
        let t = tree();
        assert_eq!(t.check(code("8701201013")), Ok(()));
        assert_eq!(t.check(code("8701909000")), Err(UnknownCode { code: code("8701909000"), missing: code("870190") }));
        assert_eq!(t.check(code("0401")), Err(UnknownCode { code: code("0401"), missing: code("04") }));
        assert!(t.check(code("8703")).unwrap_err().to_string().contains("8703"));
    }
}
