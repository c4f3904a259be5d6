//! People of the organisations: the list, one person, and their writes (each also as
//! `…_in`, inside the caller's transaction).

use super::{check_version, lost_race, new_uuid};
use crate::{Author, Page, Paging, Result, Store, StoreError, WriteTx, corrupt};
use accord_domain::audit::Change;
use accord_domain::directory::{Person, PersonData};
use accord_domain::text::like_pattern;
use accord_domain::validation::{Invalid, Reason};
use accord_domain::{OrganisationId, PersonId, Side};
use serde::Serialize;
use sqlx::Row;
use sqlx::any::AnyRow;

const PERSON_COLUMNS: &str = "p.id, p.version, p.organisation_id, p.full_name_ru, p.full_name_en, p.position_ru, p.position_en, p.email, p.phone, \
     o.code AS org_code, o.name_short_ru AS org_name_ru, o.name_short_en AS org_name_en, o.side AS org_side";

/// A person with the organisation they belong to, as lists show them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PersonRow {
    #[serde(flatten)]
    pub person: Person,
    pub organisation_code: String,
    pub organisation_name_ru: String,
    pub organisation_name_en: Option<String>,
    pub side: Side,
}

impl PersonRow {
    pub fn organisation_name(&self, english: bool) -> &str {
        match (&self.organisation_name_en, english) {
            (Some(en), true) => en,
            _ => &self.organisation_name_ru,
        }
    }
}

fn person_from_row(row: &AnyRow) -> Result<PersonRow> {
    let id: String = row.try_get("id")?;
    let org: String = row.try_get("organisation_id")?;
    let side: String = row.try_get("org_side")?;
    Ok(PersonRow {
        person: Person {
            id: id.parse().map_err(corrupt("person id"))?,
            version: row.try_get("version")?,
            data: PersonData {
                organisation_id: org.parse().map_err(corrupt("person organisation"))?,
                full_name_ru: row.try_get("full_name_ru")?,
                full_name_en: row.try_get("full_name_en")?,
                position_ru: row.try_get("position_ru")?,
                position_en: row.try_get("position_en")?,
                email: row.try_get("email")?,
                phone: row.try_get("phone")?,
            },
        },
        organisation_code: row.try_get("org_code")?,
        organisation_name_ru: row.try_get("org_name_ru")?,
        organisation_name_en: row.try_get("org_name_en")?,
        side: side.parse().map_err(corrupt("person side"))?,
    })
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PersonSort {
    #[default]
    Name,
    Organisation,
}

impl PersonSort {
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "name" => Some(PersonSort::Name),
            "organisation" => Some(PersonSort::Organisation),
            _ => None,
        }
    }
    fn column(self) -> &'static str {
        match self {
            PersonSort::Name => "p.full_name_ru",
            PersonSort::Organisation => "o.name_short_ru",
        }
    }
}

#[derive(Debug, Clone, Default)]
pub struct PersonFilter {
    pub query: Option<String>,
    pub side: Option<Side>,
    pub organisation: Option<OrganisationId>,
    pub sort: PersonSort,
    pub descending: bool,
}

impl Store {
    async fn organisation_side_in(&self, w: &mut WriteTx<'_>, id: OrganisationId) -> Result<Side> {
        let side: Option<(String,)> = sqlx::query_as("SELECT side FROM organisations WHERE id = $1")
            .bind(id.to_string())
            .fetch_optional(&mut *w.tx)
            .await?;
        let (side,) = side.ok_or_else(|| StoreError::Invalid(Invalid::one("organisation_id", Reason::NotFound)))?;
        side.parse().map_err(corrupt("organisation side"))
    }

    pub async fn person_create(&self, author: Author<'_>, data: &PersonData) -> Result<PersonRow> {
        let mut w = self.begin_write(author).await?;
        let person = self.person_create_in(&mut w, data).await?;
        w.commit().await?;
        self.person(person.id).await
    }

    /// Adds a person to an existing organisation in the caller's transaction.
    pub async fn person_create_in(&self, w: &mut WriteTx<'_>, data: &PersonData) -> Result<Person> {
        self.organisation_side_in(w, data.organisation_id).await?;
        let id = PersonId(new_uuid());
        let now = w.now_text();
        sqlx::query(
            "INSERT INTO people (id, origin, organisation_id, full_name_ru, full_name_en, position_ru, position_en, email, phone, search, version, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 1, $11, $11)",
        )
        .bind(id.to_string())
        .bind(self.origin.code())
        .bind(data.organisation_id.to_string())
        .bind(&data.full_name_ru)
        .bind(&data.full_name_en)
        .bind(&data.position_ru)
        .bind(&data.position_en)
        .bind(&data.email)
        .bind(&data.phone)
        .bind(data.search_text())
        .bind(now)
        .execute(&mut *w.tx)
        .await?;
        let person = Person { id, version: 1, data: data.clone() };
        w.audit(Change::create("person", id, &person)).await?;
        Ok(person)
    }

    pub async fn person(&self, id: PersonId) -> Result<PersonRow> {
        let row = sqlx::query(&format!(
            "SELECT {PERSON_COLUMNS} FROM people p JOIN organisations o ON o.id = p.organisation_id WHERE p.id = $1"
        ))
        .bind(id.to_string())
        .fetch_optional(&self.pool)
        .await?
        .ok_or(StoreError::NotFound { entity: "person" })?;
        person_from_row(&row)
    }

    pub async fn person_list(&self, filter: &PersonFilter, paging: Paging) -> Result<Page<PersonRow>> {
        let condition = "($1 IS NULL OR p.search LIKE $1 ESCAPE '\\') AND ($2 IS NULL OR o.side = $2) AND ($3 IS NULL OR p.organisation_id = $3)";
        let pattern = filter.query.as_deref().filter(|q| !q.trim().is_empty()).map(like_pattern);
        let side = filter.side.map(Side::code);
        let org = filter.organisation.map(|o| o.to_string());
        let (total,): (i64,) = sqlx::query_as(&format!(
            "SELECT COUNT(*) FROM people p JOIN organisations o ON o.id = p.organisation_id WHERE {condition}"
        ))
        .bind(&pattern)
        .bind(side)
        .bind(&org)
        .fetch_one(&self.pool)
        .await?;
        let direction = if filter.descending { "DESC" } else { "ASC" };
        let rows = sqlx::query(&format!(
            "SELECT {PERSON_COLUMNS} FROM people p JOIN organisations o ON o.id = p.organisation_id WHERE {condition} \
             ORDER BY {} {direction}, p.id LIMIT $4 OFFSET $5",
            filter.sort.column()
        ))
        .bind(&pattern)
        .bind(side)
        .bind(&org)
        .bind(paging.per_page)
        .bind(paging.offset())
        .fetch_all(&self.pool)
        .await?;
        let items = rows.iter().map(person_from_row).collect::<Result<_>>()?;
        Ok(Page { items, total, page: paging.page, per_page: paging.per_page })
    }

    async fn locked_person(&self, w: &mut WriteTx<'_>, id: PersonId, expected_version: i64) -> Result<Person> {
        let row = sqlx::query(&format!(
            "SELECT {PERSON_COLUMNS} FROM people p JOIN organisations o ON o.id = p.organisation_id WHERE p.id = $1"
        ))
        .bind(id.to_string())
        .fetch_optional(&mut *w.tx)
        .await?
        .ok_or(StoreError::NotFound { entity: "person" })?;
        let current = person_from_row(&row)?.person;
        check_version("person", current.version, expected_version)?;
        Ok(current)
    }

    pub async fn person_update(
        &self,
        author: Author<'_>,
        id: PersonId,
        expected_version: i64,
        data: &PersonData,
        reason: Option<String>,
    ) -> Result<PersonRow> {
        let mut w = self.begin_write(author).await?;
        self.person_update_in(&mut w, id, expected_version, data, reason).await?;
        w.commit().await?;
        self.person(id).await
    }

    /// Updates a person in the caller's transaction if they are still at `expected_version`.
    pub async fn person_update_in(
        &self,
        w: &mut WriteTx<'_>,
        id: PersonId,
        expected_version: i64,
        data: &PersonData,
        reason: Option<String>,
    ) -> Result<Person> {
        let before = self.locked_person(w, id, expected_version).await?;
        self.organisation_side_in(w, data.organisation_id).await?;
        let now = w.now_text();
        let done = sqlx::query(
            "UPDATE people SET organisation_id = $1, full_name_ru = $2, full_name_en = $3, position_ru = $4, position_en = $5, \
             email = $6, phone = $7, search = $8, version = version + 1, updated_at = $9 WHERE id = $10 AND version = $11",
        )
        .bind(data.organisation_id.to_string())
        .bind(&data.full_name_ru)
        .bind(&data.full_name_en)
        .bind(&data.position_ru)
        .bind(&data.position_en)
        .bind(&data.email)
        .bind(&data.phone)
        .bind(data.search_text())
        .bind(now)
        .bind(id.to_string())
        .bind(expected_version)
        .execute(&mut *w.tx)
        .await?;
        if done.rows_affected() == 0 {
            return Err(lost_race(w, "people", "person", &id.to_string()).await);
        }
        let after = Person { id, version: expected_version + 1, data: data.clone() };
        w.audit(Change::update("person", id, &before, &after).with_reason(reason)).await?;
        Ok(after)
    }

    pub async fn person_delete(
        &self,
        author: Author<'_>,
        id: PersonId,
        expected_version: i64,
        reason: Option<String>,
    ) -> Result<()> {
        let mut w = self.begin_write(author).await?;
        self.person_delete_in(&mut w, id, expected_version, reason).await?;
        w.commit().await
    }

    /// Deletes a person in the caller's transaction if they are still at `expected_version`.
    pub async fn person_delete_in(
        &self,
        w: &mut WriteTx<'_>,
        id: PersonId,
        expected_version: i64,
        reason: Option<String>,
    ) -> Result<()> {
        let before = self.locked_person(w, id, expected_version).await?;
        let done = sqlx::query("DELETE FROM people WHERE id = $1 AND version = $2")
            .bind(id.to_string())
            .bind(expected_version)
            .execute(&mut *w.tx)
            .await?;
        if done.rows_affected() == 0 {
            return Err(lost_race(w, "people", "person", &id.to_string()).await);
        }
        w.audit(Change::delete("person", id, &before).with_reason(reason)).await?;
        Ok(())
    }
}
