//! People who work in organisations: signatories, contact persons, executors.

use crate::validation::{Checker, Reason, Validated};
use crate::{OrganisationId, PersonId};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonData {
    pub organisation_id: OrganisationId,
    pub full_name_ru: String,
    pub full_name_en: Option<String>,
    pub position_ru: Option<String>,
    pub position_en: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
}

impl PersonData {
    pub fn search_text(&self) -> String {
        crate::text::fold_all([
            self.full_name_ru.as_str(),
            self.full_name_en.as_deref().unwrap_or(""),
            self.position_ru.as_deref().unwrap_or(""),
            self.position_en.as_deref().unwrap_or(""),
        ])
    }
    pub fn name(&self, english: bool) -> &str {
        match (&self.full_name_en, english) {
            (Some(en), true) => en,
            _ => &self.full_name_ru,
        }
    }
    pub fn position(&self, english: bool) -> Option<&str> {
        match (&self.position_en, english) {
            (Some(en), true) => Some(en),
            _ => self.position_ru.as_deref(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Person {
    pub id: PersonId,
    pub version: i64,
    #[serde(flatten)]
    pub data: PersonData,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct PersonForm {
    pub organisation_id: String,
    pub full_name_ru: String,
    pub full_name_en: Option<String>,
    pub position_ru: Option<String>,
    pub position_en: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
}

impl PersonForm {
    pub fn validate(&self) -> Validated<PersonData> {
        let mut c = Checker::default();
        let organisation_id = match self.organisation_id.trim() {
            "" => {
                c.fail("organisation_id", Reason::Required);
                None
            }
            raw => match raw.parse::<OrganisationId>() {
                Ok(id) => Some(id),
                Err(_) => {
                    c.fail("organisation_id", Reason::NotFound);
                    None
                }
            },
        };
        let full_name_ru = c.required("full_name_ru", &self.full_name_ru, 200);
        let full_name_en = c.optional("full_name_en", self.full_name_en.as_deref(), 200);
        let position_ru = c.optional("position_ru", self.position_ru.as_deref(), 300);
        let position_en = c.optional("position_en", self.position_en.as_deref(), 300);
        let email = c.optional_email("email", self.email.as_deref());
        let phone = c.optional_phone("phone", self.phone.as_deref());
        match organisation_id {
            Some(organisation_id) => c.finish(PersonData {
                organisation_id,
                full_name_ru,
                full_name_en,
                position_ru,
                position_en,
                email,
                phone,
            }),
            None => Err(c.finish(()).err().unwrap_or_default()),
        }
    }
}

impl From<&PersonData> for PersonForm {
    fn from(d: &PersonData) -> Self {
        PersonForm {
            organisation_id: d.organisation_id.to_string(),
            full_name_ru: d.full_name_ru.clone(),
            full_name_en: d.full_name_en.clone(),
            position_ru: d.position_ru.clone(),
            position_en: d.position_en.clone(),
            email: d.email.clone(),
            phone: d.phone.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validates_and_round_trips() {
        let org = OrganisationId::new_at(1, [1; 10]);
        let form = PersonForm {
            organisation_id: org.to_string(),
            full_name_ru: "Исаченко Анатолий Николаевич".into(),
            position_ru: Some("Председатель".into()),
            ..Default::default()
        };
        let data = form.validate().expect("valid");
        assert_eq!(data.organisation_id, org);
        assert_eq!(data.name(true), "Исаченко Анатолий Николаевич");
        assert_eq!(PersonForm::from(&data).validate(), Ok(data));
    }

    #[test]
    fn names_missing_fields() {
        let err = PersonForm { organisation_id: "x".into(), ..Default::default() }.validate().unwrap_err();
        assert_eq!(err.reason_for("organisation_id"), Some(Reason::NotFound));
        assert_eq!(err.reason_for("full_name_ru"), Some(Reason::Required));
    }
}
