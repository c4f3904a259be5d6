//! Organisations: government bodies, enterprises, universities… each on one side.

use crate::validation::{Checker, Invalid, Reason, Validated};
use crate::{OrganisationId, Side};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum OrgKind {
    GovernmentBody,
    Enterprise,
    University,
    School,
    PublicAssociation,
    Other,
}

impl OrgKind {
    pub const ALL: [OrgKind; 6] = [
        OrgKind::GovernmentBody,
        OrgKind::Enterprise,
        OrgKind::University,
        OrgKind::School,
        OrgKind::PublicAssociation,
        OrgKind::Other,
    ];

    pub fn code(self) -> &'static str {
        match self {
            OrgKind::GovernmentBody => "government-body",
            OrgKind::Enterprise => "enterprise",
            OrgKind::University => "university",
            OrgKind::School => "school",
            OrgKind::PublicAssociation => "public-association",
            OrgKind::Other => "other",
        }
    }
}

impl FromStr for OrgKind {
    type Err = Invalid;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        OrgKind::ALL
            .into_iter()
            .find(|k| k.code() == s.trim())
            .ok_or_else(|| Invalid::one("kind", Reason::UnknownValue))
    }
}

/// A short, stable, human-typed code such as `MAZ` or `KHV-GOV`: 2-32 characters of
/// Latin capitals, digits and `-`, starting with a letter.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct OrgCode(String);

impl OrgCode {
    pub fn parse(raw: &str) -> Validated<Self> {
        let code = raw.trim().to_ascii_uppercase();
        if code.is_empty() {
            return Err(Invalid::one("code", Reason::Required));
        }
        let valid = (2..=32).contains(&code.len())
            && code.starts_with(|c: char| c.is_ascii_uppercase())
            && code.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '-');
        if valid { Ok(OrgCode(code)) } else { Err(Invalid::one("code", Reason::InvalidCode)) }
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for OrgCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}
impl From<OrgCode> for String {
    fn from(c: OrgCode) -> String {
        c.0
    }
}
impl TryFrom<String> for OrgCode {
    type Error = Invalid;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        OrgCode::parse(&s)
    }
}

/// The editable content of an organisation, already validated.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrganisationData {
    pub side: Side,
    pub code: OrgCode,
    pub kind: OrgKind,
    pub name_full_ru: String,
    pub name_short_ru: String,
    pub name_full_en: Option<String>,
    pub name_short_en: Option<String>,
    pub address: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub website: Option<String>,
}

impl OrganisationData {
    /// The short name in the reader's language, falling back to Russian.
    pub fn short_name(&self, english: bool) -> &str {
        match (&self.name_short_en, english) {
            (Some(en), true) => en,
            _ => &self.name_short_ru,
        }
    }
    pub fn full_name(&self, english: bool) -> &str {
        match (&self.name_full_en, english) {
            (Some(en), true) => en,
            _ => &self.name_full_ru,
        }
    }
    /// The text the search column holds (folded by the store).
    pub fn search_text(&self) -> String {
        crate::text::fold_all([
            self.code.as_str(),
            &self.name_full_ru,
            &self.name_short_ru,
            self.name_full_en.as_deref().unwrap_or(""),
            self.name_short_en.as_deref().unwrap_or(""),
        ])
    }
}

/// The key two spellings of one organisation's name share: case, quotes («», "", „“),
/// punctuation, "ё" and legal-form prefixes (ОАО, ООО, АО, ЗАО, ПАО, УП, ГУ, ФГБОУ ВО…) are
/// ignored, so "ОАО «Минский тракторный завод»" and "минский тракторный завод" match.
pub fn name_key(name: &str) -> String {
    const LEGAL_FORMS: [&str; 22] = [
        "оао",
        "ооо",
        "зао",
        "пао",
        "ао",
        "одо",
        "уп",
        "руп",
        "гу",
        "гуп",
        "муп",
        "кгуп",
        "фгуп",
        "фгбоу",
        "во",
        "чуп",
        "ип",
        "сзао",
        "ojsc",
        "llc",
        "jsc",
        "cjsc",
    ];
    let folded = crate::text::fold(name);
    let cleaned: String = folded.chars().map(|c| if c.is_alphanumeric() { c } else { ' ' }).collect();
    let words: Vec<&str> = cleaned.split_whitespace().collect();
    let start = words.iter().take_while(|w| LEGAL_FORMS.contains(w)).count();
    words[start..].join(" ")
}

/// A stored organisation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Organisation {
    pub id: OrganisationId,
    pub version: i64,
    #[serde(flatten)]
    pub data: OrganisationData,
}

/// What a form or an API call submits; every field a raw string until validated.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct OrganisationForm {
    pub side: String,
    pub code: String,
    pub kind: String,
    pub name_full_ru: String,
    pub name_short_ru: String,
    pub name_full_en: Option<String>,
    pub name_short_en: Option<String>,
    pub address: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub website: Option<String>,
}

impl OrganisationForm {
    pub fn validate(&self) -> Validated<OrganisationData> {
        let mut c = Checker::default();
        let side = match self.side.parse::<Side>() {
            Ok(side) => Some(side),
            Err(_) => {
                let reason = if self.side.trim().is_empty() { Reason::Required } else { Reason::UnknownValue };
                c.fail("side", reason);
                None
            }
        };
        let code =
            OrgCode::parse(&self.code).map_err(|e| e.0.into_iter().for_each(|fe| c.fail(fe.field, fe.reason))).ok();
        let kind = match self.kind.parse::<OrgKind>() {
            Ok(kind) => Some(kind),
            Err(_) => {
                let reason = if self.kind.trim().is_empty() { Reason::Required } else { Reason::UnknownValue };
                c.fail("kind", reason);
                None
            }
        };
        let name_full_ru = c.required("name_full_ru", &self.name_full_ru, 500);
        let name_short_ru = c.required("name_short_ru", &self.name_short_ru, 120);
        let name_full_en = c.optional("name_full_en", self.name_full_en.as_deref(), 500);
        let name_short_en = c.optional("name_short_en", self.name_short_en.as_deref(), 120);
        let address = c.optional("address", self.address.as_deref(), 500);
        let phone = c.optional_phone("phone", self.phone.as_deref());
        let email = c.optional_email("email", self.email.as_deref());
        let website = c.optional_url("website", self.website.as_deref());
        match (side, code, kind) {
            (Some(side), Some(code), Some(kind)) => c.finish(OrganisationData {
                side,
                code,
                kind,
                name_full_ru,
                name_short_ru,
                name_full_en,
                name_short_en,
                address,
                phone,
                email,
                website,
            }),
            _ => Err(c.finish(()).err().unwrap_or_default()),
        }
    }
}

impl From<&OrganisationData> for OrganisationForm {
    fn from(d: &OrganisationData) -> Self {
        OrganisationForm {
            side: d.side.code().to_string(),
            code: d.code.to_string(),
            kind: d.kind.code().to_string(),
            name_full_ru: d.name_full_ru.clone(),
            name_short_ru: d.name_short_ru.clone(),
            name_full_en: d.name_full_en.clone(),
            name_short_en: d.name_short_en.clone(),
            address: d.address.clone(),
            phone: d.phone.clone(),
            email: d.email.clone(),
            website: d.website.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form() -> OrganisationForm {
        OrganisationForm {
            side: "BY".into(),
            code: "maz".into(),
            kind: "enterprise".into(),
            name_full_ru: "ОАО «Минский автомобильный завод»".into(),
            name_short_ru: " МАЗ ".into(),
            email: Some("info@maz.by".into()),
            ..Default::default()
        }
    }

    #[test]
    fn valid_form_is_normalised() {
        let data = form().validate().expect("valid");
        assert_eq!(data.code.as_str(), "MAZ");
        assert_eq!(data.name_short_ru, "МАЗ");
        assert_eq!(data.kind, OrgKind::Enterprise);
        assert_eq!(data.short_name(true), "МАЗ");
        assert!(data.search_text().contains("маз"));
        assert_eq!(OrganisationForm::from(&data).validate(), Ok(data));
    }

    #[test]
    fn every_bad_field_is_named() {
        let bad = OrganisationForm {
            side: "RU".into(),
            code: "1-bad code".into(),
            kind: "".into(),
            name_full_ru: "".into(),
            ..form()
        };
        let err = bad.validate().unwrap_err();
        assert_eq!(err.reason_for("side"), Some(Reason::UnknownValue));
        assert_eq!(err.reason_for("code"), Some(Reason::InvalidCode));
        assert_eq!(err.reason_for("kind"), Some(Reason::Required));
        assert_eq!(err.reason_for("name_full_ru"), Some(Reason::Required));
        assert_eq!(err.reason_for("name_short_ru"), None);
    }

    #[test]
    fn name_keys_ignore_quotes_case_and_legal_form() {
        assert_eq!(name_key("ОАО «Минский тракторный завод»"), "минский тракторный завод");
        assert_eq!(name_key("  минский  Тракторный завод "), "минский тракторный завод");
        assert_eq!(
            name_key("ФГБОУ ВО \"Тихоокеанский государственный университет\""),
            "тихоокеанский государственный университет"
        );
        assert_eq!(name_key("Могилёвский облисполком"), name_key("Могилевский облисполком"));
        assert_eq!(name_key("АО"), "");
    }

    #[test]
    fn codes() {
        assert!(OrgCode::parse("KHV-GOV").is_ok());
        assert!(OrgCode::parse("X").is_err());
        assert!(OrgCode::parse("МАЗ").is_err());
        assert!(OrgCode::parse("9AB").is_err());
    }
}
