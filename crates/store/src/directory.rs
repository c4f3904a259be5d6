//! Organisations, people and users.

use crate::{Author, Page, Paging, Result, Store, StoreError, WriteTx, corrupt, unique_violation};
use accord_domain::audit::Change;
use accord_domain::directory::{
    Locale, Login, OrgCode, OrgKind, Organisation, OrganisationData, Person, PersonData, Role, RoleKind, UserAccount,
};
use accord_domain::text::like_pattern;
use accord_domain::validation::{Invalid, Reason};
use accord_domain::{OrganisationId, PersonId, Side, UserId};
use serde::Serialize;
use sqlx::Row;
use sqlx::any::AnyRow;
use uuid::Uuid;

pub(crate) fn new_uuid() -> Uuid {
    Uuid::now_v7()
}

// ---------------------------------------------------------------------------------------------
// Organisations

const ORG_COLUMNS: &str = "id, version, side, code, kind, name_full_ru, name_short_ru, name_full_en, name_short_en, address, phone, email, website";

fn org_from_row(row: &AnyRow) -> Result<Organisation> {
    let id: String = row.try_get("id")?;
    let side: String = row.try_get("side")?;
    let code: String = row.try_get("code")?;
    let kind: String = row.try_get("kind")?;
    Ok(Organisation {
        id: id.parse().map_err(corrupt("organisation id"))?,
        version: row.try_get("version")?,
        data: OrganisationData {
            side: side.parse().map_err(corrupt("organisation side"))?,
            code: OrgCode::parse(&code).map_err(corrupt("organisation code"))?,
            kind: kind.parse::<OrgKind>().map_err(corrupt("organisation kind"))?,
            name_full_ru: row.try_get("name_full_ru")?,
            name_short_ru: row.try_get("name_short_ru")?,
            name_full_en: row.try_get("name_full_en")?,
            name_short_en: row.try_get("name_short_en")?,
            address: row.try_get("address")?,
            phone: row.try_get("phone")?,
            email: row.try_get("email")?,
            website: row.try_get("website")?,
        },
    })
}

/// Sort orders of the organisation list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum OrgSort {
    #[default]
    Name,
    Code,
    Side,
    Kind,
}

impl OrgSort {
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "name" => Some(OrgSort::Name),
            "code" => Some(OrgSort::Code),
            "side" => Some(OrgSort::Side),
            "kind" => Some(OrgSort::Kind),
            _ => None,
        }
    }
    fn column(self) -> &'static str {
        match self {
            OrgSort::Name => "name_short_ru",
            OrgSort::Code => "code",
            OrgSort::Side => "side",
            OrgSort::Kind => "kind",
        }
    }
}

#[derive(Debug, Clone, Default)]
pub struct OrgFilter {
    pub query: Option<String>,
    pub side: Option<Side>,
    pub kind: Option<OrgKind>,
    pub sort: OrgSort,
    pub descending: bool,
}

fn bind_org<'q>(
    query: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>,
    data: &'q OrganisationData,
) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>> {
    query
        .bind(data.side.code())
        .bind(data.code.as_str())
        .bind(data.kind.code())
        .bind(&data.name_full_ru)
        .bind(&data.name_short_ru)
        .bind(&data.name_full_en)
        .bind(&data.name_short_en)
        .bind(&data.address)
        .bind(&data.phone)
        .bind(&data.email)
        .bind(&data.website)
        .bind(data.search_text())
}

impl Store {
    pub async fn organisation_create(&self, author: Author<'_>, data: &OrganisationData) -> Result<Organisation> {
        let mut w = self.begin_write(author).await?;
        let org = self.organisation_create_in(&mut w, data, false).await?;
        w.commit().await?;
        Ok(org)
    }

    /// Creates an organisation in the caller's transaction; `needs_review` marks one an import
    /// created for a coordinator's look.
    pub async fn organisation_create_in(
        &self,
        w: &mut WriteTx<'_>,
        data: &OrganisationData,
        needs_review: bool,
    ) -> Result<Organisation> {
        let org = Organisation { id: self.new_organisation_id(), version: 1, data: data.clone() };
        self.organisation_insert_in(w, &org, needs_review).await?;
        Ok(org)
    }

    /// A fresh organisation id, for a caller that must know it before the write (an import
    /// maps its rows onto organisations it is about to create).
    pub fn new_organisation_id(&self) -> OrganisationId {
        OrganisationId(new_uuid())
    }

    /// Inserts `org` (at version 1) in the caller's transaction.
    pub async fn organisation_insert_in(
        &self,
        w: &mut WriteTx<'_>,
        org: &Organisation,
        needs_review: bool,
    ) -> Result<()> {
        let data = &org.data;
        let now = w.now_text();
        let query = sqlx::query(
            "INSERT INTO organisations (side, code, kind, name_full_ru, name_short_ru, name_full_en, name_short_en, address, phone, email, website, search, \
             id, origin, version, created_at, updated_at, needs_review) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, 1, $15, $15, $16)",
        );
        bind_org(query, data)
            .bind(org.id.to_string())
            .bind(self.origin.code())
            .bind(now)
            .bind(i64::from(needs_review))
            .execute(&mut *w.tx)
            .await
            .map_err(|e| unique_violation(e, &[("code", "code")]))?;
        w.audit(Change::create("organisation", org.id, org)).await?;
        Ok(())
    }

    pub async fn organisation(&self, id: OrganisationId) -> Result<Organisation> {
        let row = sqlx::query(&format!("SELECT {ORG_COLUMNS} FROM organisations WHERE id = $1"))
            .bind(id.to_string())
            .fetch_optional(&self.pool)
            .await?
            .ok_or(StoreError::NotFound { entity: "organisation" })?;
        org_from_row(&row)
    }

    pub async fn organisation_by_code(&self, code: &str) -> Result<Organisation> {
        let code = code.trim().to_ascii_uppercase();
        let all = self.cached_organisations().await?;
        all.iter()
            .find(|o| o.data.code.as_str() == code)
            .cloned()
            .ok_or(StoreError::NotFound { entity: "organisation" })
    }

    pub async fn organisation_list(&self, filter: &OrgFilter, paging: Paging) -> Result<Page<Organisation>> {
        let condition =
            "($1 IS NULL OR search LIKE $1 ESCAPE '\\') AND ($2 IS NULL OR side = $2) AND ($3 IS NULL OR kind = $3)";
        let pattern = filter.query.as_deref().filter(|q| !q.trim().is_empty()).map(like_pattern);
        let side = filter.side.map(Side::code);
        let kind = filter.kind.map(OrgKind::code);
        let (total,): (i64,) = sqlx::query_as(&format!("SELECT COUNT(*) FROM organisations WHERE {condition}"))
            .bind(&pattern)
            .bind(side)
            .bind(kind)
            .fetch_one(&self.pool)
            .await?;
        let direction = if filter.descending { "DESC" } else { "ASC" };
        let rows = sqlx::query(&format!(
            "SELECT {ORG_COLUMNS} FROM organisations WHERE {condition} ORDER BY {} {direction}, code LIMIT $4 OFFSET $5",
            filter.sort.column()
        ))
        .bind(&pattern)
        .bind(side)
        .bind(kind)
        .bind(paging.per_page)
        .bind(paging.offset())
        .fetch_all(&self.pool)
        .await?;
        let items = rows.iter().map(org_from_row).collect::<Result<_>>()?;
        Ok(Page { items, total, page: paging.page, per_page: paging.per_page })
    }

    /// Every organisation, ordered by side and short Russian name (for selects).
    pub async fn organisation_all(&self) -> Result<Vec<Organisation>> {
        Ok(self.cached_organisations().await?.as_ref().clone())
    }

    pub(crate) async fn organisations_from_db(&self) -> Result<Vec<Organisation>> {
        let rows = sqlx::query(&format!("SELECT {ORG_COLUMNS} FROM organisations ORDER BY side, name_short_ru"))
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(org_from_row).collect()
    }

    /// Updates an organisation if it is still at `expected_version`.
    pub async fn organisation_update(
        &self,
        author: Author<'_>,
        id: OrganisationId,
        expected_version: i64,
        data: &OrganisationData,
        reason: Option<String>,
    ) -> Result<Organisation> {
        let mut w = self.begin_write(author).await?;
        let before = self.locked_org(&mut w, id, expected_version).await?;
        let now = w.now_text();
        let query = sqlx::query(
            "UPDATE organisations SET side = $1, code = $2, kind = $3, name_full_ru = $4, name_short_ru = $5, name_full_en = $6, \
             name_short_en = $7, address = $8, phone = $9, email = $10, website = $11, search = $12, \
             version = version + 1, updated_at = $13 WHERE id = $14 AND version = $15",
        );
        bind_org(query, data)
            .bind(now)
            .bind(id.to_string())
            .bind(expected_version)
            .execute(&mut *w.tx)
            .await
            .map_err(|e| unique_violation(e, &[("code", "code")]))?;
        let after = Organisation { id, version: expected_version + 1, data: data.clone() };
        w.audit(Change::update("organisation", id, &before, &after).with_reason(reason)).await?;
        w.commit().await?;
        Ok(after)
    }

    pub async fn organisation_delete(
        &self,
        author: Author<'_>,
        id: OrganisationId,
        expected_version: i64,
        reason: Option<String>,
    ) -> Result<()> {
        let mut w = self.begin_write(author).await?;
        let before = self.locked_org(&mut w, id, expected_version).await?;
        let (people,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM people WHERE organisation_id = $1")
            .bind(id.to_string())
            .fetch_one(&mut *w.tx)
            .await?;
        if people > 0 {
            return Err(StoreError::InUse { entity: "organisation", by: "people" });
        }
        let (users,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM users WHERE organisation_id = $1")
            .bind(id.to_string())
            .fetch_one(&mut *w.tx)
            .await?;
        if users > 0 {
            return Err(StoreError::InUse { entity: "organisation", by: "users" });
        }
        sqlx::query("DELETE FROM organisations WHERE id = $1").bind(id.to_string()).execute(&mut *w.tx).await?;
        w.audit(Change::delete("organisation", id, &before).with_reason(reason)).await?;
        w.commit().await
    }

    async fn locked_org(&self, w: &mut WriteTx<'_>, id: OrganisationId, expected_version: i64) -> Result<Organisation> {
        let row = sqlx::query(&format!("SELECT {ORG_COLUMNS} FROM organisations WHERE id = $1"))
            .bind(id.to_string())
            .fetch_optional(&mut *w.tx)
            .await?
            .ok_or(StoreError::NotFound { entity: "organisation" })?;
        let current = org_from_row(&row)?;
        check_version("organisation", current.version, expected_version)?;
        Ok(current)
    }
}

fn check_version(entity: &'static str, current: i64, expected: i64) -> Result<()> {
    if current == expected { Ok(()) } else { Err(StoreError::Conflict { entity, current }) }
}

// ---------------------------------------------------------------------------------------------
// People

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
        self.organisation_side_in(&mut w, data.organisation_id).await?;
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
        w.commit().await?;
        self.person(id).await
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
        let before = self.locked_person(&mut w, id, expected_version).await?;
        self.organisation_side_in(&mut w, data.organisation_id).await?;
        let now = w.now_text();
        sqlx::query(
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
        let after = Person { id, version: expected_version + 1, data: data.clone() };
        w.audit(Change::update("person", id, &before, &after).with_reason(reason)).await?;
        w.commit().await?;
        self.person(id).await
    }

    pub async fn person_delete(
        &self,
        author: Author<'_>,
        id: PersonId,
        expected_version: i64,
        reason: Option<String>,
    ) -> Result<()> {
        let mut w = self.begin_write(author).await?;
        let before = self.locked_person(&mut w, id, expected_version).await?;
        sqlx::query("DELETE FROM people WHERE id = $1").bind(id.to_string()).execute(&mut *w.tx).await?;
        w.audit(Change::delete("person", id, &before).with_reason(reason)).await?;
        w.commit().await
    }
}

// ---------------------------------------------------------------------------------------------
// Users

const USER_COLUMNS: &str = "id, login, display_name, role, side, organisation_id, locale, disabled, version";

pub(crate) fn user_from_row_pub(row: &AnyRow) -> Result<UserAccount> {
    user_from_row(row)
}

fn user_from_row(row: &AnyRow) -> Result<UserAccount> {
    let id: String = row.try_get("id")?;
    let login: String = row.try_get("login")?;
    let role: String = row.try_get("role")?;
    let side: Option<String> = row.try_get("side")?;
    let organisation: Option<String> = row.try_get("organisation_id")?;
    let locale: String = row.try_get("locale")?;
    let disabled: i64 = row.try_get("disabled")?;
    let side: Option<Side> = side.map(|s| s.parse()).transpose().map_err(corrupt("user side"))?;
    let organisation: Option<OrganisationId> =
        organisation.map(|o| o.parse()).transpose().map_err(corrupt("user organisation"))?;
    let kind: RoleKind = role.parse().map_err(corrupt("user role"))?;
    // The stored side of an executor is its organisation's side (checked when written).
    let role = Role::from_parts(kind, side, organisation.zip(side)).map_err(corrupt("user role"))?;
    Ok(UserAccount {
        id: id.parse().map_err(corrupt("user id"))?,
        login: Login::parse(&login).map_err(corrupt("user login"))?,
        display_name: row.try_get("display_name")?,
        role,
        locale: Locale::parse(&locale).unwrap_or_default(),
        disabled: disabled != 0,
        version: row.try_get("version")?,
    })
}

/// A user to create. The password hash comes from the web layer (argon2id).
#[derive(Debug, Clone)]
pub struct NewUser {
    pub login: Login,
    pub display_name: String,
    pub password_hash: String,
    pub role: Role,
    pub locale: Locale,
}

/// The administrable fields of a user.
#[derive(Debug, Clone)]
pub struct UserUpdate {
    pub display_name: String,
    pub role: Role,
    pub locale: Locale,
    pub disabled: bool,
}

/// What the audit log shows of a user (never the password hash).
#[derive(Serialize)]
struct AuditedUser<'a> {
    login: &'a Login,
    display_name: &'a str,
    #[serde(flatten)]
    role: &'a Role,
    locale: Locale,
    disabled: bool,
}

impl<'a> From<&'a UserAccount> for AuditedUser<'a> {
    fn from(u: &'a UserAccount) -> Self {
        AuditedUser {
            login: &u.login,
            display_name: &u.display_name,
            role: &u.role,
            locale: u.locale,
            disabled: u.disabled,
        }
    }
}

impl Store {
    /// The side of an organisation, for building an executor's role.
    pub async fn organisation_side(&self, id: OrganisationId) -> Result<Option<Side>> {
        let side: Option<(String,)> = sqlx::query_as("SELECT side FROM organisations WHERE id = $1")
            .bind(id.to_string())
            .fetch_optional(&self.pool)
            .await?;
        side.map(|(s,)| s.parse().map_err(corrupt("organisation side"))).transpose()
    }

    pub async fn user_create(&self, author: Author<'_>, user: &NewUser) -> Result<UserAccount> {
        let mut w = self.begin_write(author).await?;
        let id = UserId(new_uuid());
        let now = w.now_text();
        sqlx::query(
            "INSERT INTO users (id, origin, login, display_name, password_hash, role, side, organisation_id, locale, disabled, version, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 0, 1, $10, $10)",
        )
        .bind(id.to_string())
        .bind(self.origin.code())
        .bind(user.login.as_str())
        .bind(user.display_name.trim())
        .bind(&user.password_hash)
        .bind(user.role.kind().code())
        .bind(user.role.side().map(Side::code))
        .bind(user.role.organisation().map(|o| o.to_string()))
        .bind(user.locale.code())
        .bind(now)
        .execute(&mut *w.tx)
        .await
        .map_err(|e| unique_violation(e, &[("login", "login")]))?;
        let account = UserAccount {
            id,
            login: user.login.clone(),
            display_name: user.display_name.trim().to_string(),
            role: user.role,
            locale: user.locale,
            disabled: false,
            version: 1,
        };
        w.audit(Change::create("user", id, &AuditedUser::from(&account))).await?;
        w.commit().await?;
        Ok(account)
    }

    pub async fn user_by_login(&self, login: &str) -> Result<UserAccount> {
        let row = sqlx::query(&format!("SELECT {USER_COLUMNS} FROM users WHERE login = $1"))
            .bind(login.trim().to_ascii_lowercase())
            .fetch_optional(&self.pool)
            .await?
            .ok_or(StoreError::NotFound { entity: "user" })?;
        user_from_row(&row)
    }

    pub async fn user(&self, id: UserId) -> Result<UserAccount> {
        let row = sqlx::query(&format!("SELECT {USER_COLUMNS} FROM users WHERE id = $1"))
            .bind(id.to_string())
            .fetch_optional(&self.pool)
            .await?
            .ok_or(StoreError::NotFound { entity: "user" })?;
        user_from_row(&row)
    }

    /// The account and its password hash, for signing in.
    pub async fn user_credentials(&self, login: &str) -> Result<Option<(UserAccount, String)>> {
        let row = sqlx::query(&format!("SELECT {USER_COLUMNS}, password_hash FROM users WHERE login = $1"))
            .bind(login.trim().to_ascii_lowercase())
            .fetch_optional(&self.pool)
            .await?;
        row.map(|row| Ok((user_from_row(&row)?, row.try_get("password_hash")?))).transpose()
    }

    pub async fn user_list(&self) -> Result<Vec<UserAccount>> {
        let rows =
            sqlx::query(&format!("SELECT {USER_COLUMNS} FROM users ORDER BY login")).fetch_all(&self.pool).await?;
        rows.iter().map(user_from_row).collect()
    }

    pub async fn user_update(
        &self,
        author: Author<'_>,
        id: UserId,
        expected_version: i64,
        update: &UserUpdate,
    ) -> Result<UserAccount> {
        let mut w = self.begin_write(author).await?;
        let row = sqlx::query(&format!("SELECT {USER_COLUMNS} FROM users WHERE id = $1"))
            .bind(id.to_string())
            .fetch_optional(&mut *w.tx)
            .await?
            .ok_or(StoreError::NotFound { entity: "user" })?;
        let before = user_from_row(&row)?;
        check_version("user", before.version, expected_version)?;
        sqlx::query(
            "UPDATE users SET display_name = $1, role = $2, side = $3, organisation_id = $4, locale = $5, disabled = $6, \
             version = version + 1, updated_at = $7 WHERE id = $8",
        )
        .bind(update.display_name.trim())
        .bind(update.role.kind().code())
        .bind(update.role.side().map(Side::code))
        .bind(update.role.organisation().map(|o| o.to_string()))
        .bind(update.locale.code())
        .bind(i64::from(update.disabled))
        .bind(w.now_text())
        .bind(id.to_string())
        .execute(&mut *w.tx)
        .await?;
        if update.disabled {
            end_sessions(&mut w, id).await?;
        }
        let after = UserAccount {
            display_name: update.display_name.trim().to_string(),
            role: update.role,
            locale: update.locale,
            disabled: update.disabled,
            version: expected_version + 1,
            ..before.clone()
        };
        w.audit(Change::update("user", id, &AuditedUser::from(&before), &AuditedUser::from(&after))).await?;
        w.commit().await?;
        Ok(after)
    }

    /// Sets a new password hash and ends the user's sessions everywhere.
    pub async fn user_set_password(&self, author: Author<'_>, login: &Login, password_hash: &str) -> Result<()> {
        let user = self.user_by_login(login.as_str()).await?;
        let mut w = self.begin_write(author).await?;
        sqlx::query("UPDATE users SET password_hash = $1, version = version + 1, updated_at = $2 WHERE id = $3")
            .bind(password_hash)
            .bind(w.now_text())
            .bind(user.id.to_string())
            .execute(&mut *w.tx)
            .await?;
        end_sessions(&mut w, user.id).await?;
        let change = Change::update("user", user.id, &AuditedUser::from(&user), &AuditedUser::from(&user))
            .with_reason(Some("password changed".into()));
        w.audit(change).await?;
        w.commit().await
    }

    /// A user's own language choice: a preference, not business data, so not audited.
    pub async fn user_set_locale(&self, id: UserId, locale: Locale) -> Result<()> {
        sqlx::query("UPDATE users SET locale = $1 WHERE id = $2")
            .bind(locale.code())
            .bind(id.to_string())
            .execute(&self.pool)
            .await?;
        Ok(())
    }
}

async fn end_sessions(w: &mut WriteTx<'_>, user: UserId) -> Result<()> {
    sqlx::query("DELETE FROM sessions WHERE user_id = $1").bind(user.to_string()).execute(&mut *w.tx).await?;
    Ok(())
}

/// Head counts of the directory, for the home page.
#[derive(Debug, Clone, Default, Serialize)]
pub struct DirectoryCounts {
    pub organisations_by: i64,
    pub organisations_khv: i64,
    pub people: i64,
    pub users: i64,
}

impl Store {
    pub async fn directory_counts(&self) -> Result<DirectoryCounts> {
        let sides: Vec<(String, i64)> =
            sqlx::query_as("SELECT side, COUNT(*) FROM organisations GROUP BY side").fetch_all(&self.pool).await?;
        let (people,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM people").fetch_one(&self.pool).await?;
        let (users,): (i64,) =
            sqlx::query_as("SELECT COUNT(*) FROM users WHERE disabled = 0").fetch_one(&self.pool).await?;
        let count = |code: &str| sides.iter().find(|(s, _)| s == code).map_or(0, |(_, n)| *n);
        Ok(DirectoryCounts { organisations_by: count("BY"), organisations_khv: count("KHV"), people, users })
    }
}

impl Store {
    /// Marks an organisation (e.g. created by an import) as waiting for a coordinator's look.
    pub async fn organisation_mark_for_review(&self, id: OrganisationId, needs_review: bool) -> Result<()> {
        sqlx::query("UPDATE organisations SET needs_review = $1 WHERE id = $2")
            .bind(i64::from(needs_review))
            .bind(id.to_string())
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Codes of the organisations waiting for review.
    pub async fn organisations_for_review(&self) -> Result<Vec<String>> {
        let rows: Vec<(String,)> =
            sqlx::query_as("SELECT code FROM organisations WHERE needs_review = 1 ORDER BY code")
                .fetch_all(&self.pool)
                .await?;
        Ok(rows.into_iter().map(|(c,)| c).collect())
    }
}
