//! The plan's sections (dimensions of cooperation): data an admin edits.

use crate::{Author, Result, Store, StoreError};
use accord_domain::audit::Change;
use accord_domain::plan::Section;
use accord_domain::validation::{Invalid, Reason};

impl Store {
    /// Adds a section or renames an existing one (by code); audited.
    pub async fn section_save(&self, author: Author<'_>, section: &Section) -> Result<()> {
        let code = section.code.trim();
        let valid_code =
            !code.is_empty() && code.len() <= 40 && code.chars().all(|c| c.is_ascii_lowercase() || c == '-');
        if !valid_code {
            return Err(StoreError::Invalid(Invalid::one("code", Reason::InvalidCode)));
        }
        if section.name_ru.trim().is_empty() {
            return Err(StoreError::Invalid(Invalid::one("name_ru", Reason::Required)));
        }
        if section.name_en.trim().is_empty() {
            return Err(StoreError::Invalid(Invalid::one("name_en", Reason::Required)));
        }
        let before = self.sections().await?.into_iter().find(|s| s.code == code);
        let mut w = self.begin_write(author).await?;
        sqlx::query(
            "INSERT INTO plan_sections (code, name_ru, name_en, position) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (code) DO UPDATE SET name_ru = $2, name_en = $3, position = $4",
        )
        .bind(code)
        .bind(section.name_ru.trim())
        .bind(section.name_en.trim())
        .bind(section.position)
        .execute(&mut *w.tx)
        .await?;
        let after = Section { code: code.to_string(), ..section.clone() };
        let change = match before {
            Some(before) => Change::update("plan_section", code, &before, &after),
            None => Change::create("plan_section", code, &after),
        };
        w.audit(change).await?;
        w.commit().await
    }
}
