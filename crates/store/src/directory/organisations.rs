//! Organisations: the list, one organisation, and their writes (each also as `…_in`, inside
//! the caller's transaction).

use super::{check_version, lost_race, new_uuid};
use crate::{Author, Page, Paging, Result, Store, StoreError, WriteTx, corrupt, unique_violation};
use accord_domain::audit::Change;
use accord_domain::directory::{OrgCode, OrgKind, Organisation, OrganisationData};
use accord_domain::text::like_pattern;
use accord_domain::{OrganisationId, Side};
use sqlx::Row;
use sqlx::any::AnyRow;

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
        let after = self.organisation_update_in(&mut w, id, expected_version, data, reason).await?;
        w.commit().await?;
        Ok(after)
    }

    /// Updates an organisation in the caller's transaction if it is still at
    /// `expected_version`. A saved organisation has been looked at: an import's "to review"
    /// mark goes with the save.
    pub async fn organisation_update_in(
        &self,
        w: &mut WriteTx<'_>,
        id: OrganisationId,
        expected_version: i64,
        data: &OrganisationData,
        reason: Option<String>,
    ) -> Result<Organisation> {
        let before = self.locked_org(w, id, expected_version).await?;
        let now = w.now_text();
        let query = sqlx::query(
            "UPDATE organisations SET side = $1, code = $2, kind = $3, name_full_ru = $4, name_short_ru = $5, name_full_en = $6, \
             name_short_en = $7, address = $8, phone = $9, email = $10, website = $11, search = $12, \
             version = version + 1, updated_at = $13, needs_review = 0 WHERE id = $14 AND version = $15",
        );
        let done = bind_org(query, data)
            .bind(now)
            .bind(id.to_string())
            .bind(expected_version)
            .execute(&mut *w.tx)
            .await
            .map_err(|e| unique_violation(e, &[("code", "code")]))?;
        if done.rows_affected() == 0 {
            return Err(lost_race(w, "organisations", "organisation", &id.to_string()).await);
        }
        let after = Organisation { id, version: expected_version + 1, data: data.clone() };
        w.audit(Change::update("organisation", id, &before, &after).with_reason(reason)).await?;
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
        self.organisation_delete_in(&mut w, id, expected_version, reason).await?;
        w.commit().await
    }

    /// Deletes an organisation in the caller's transaction if it is still at
    /// `expected_version` and nothing refers to it (people, users, measures, reports).
    pub async fn organisation_delete_in(
        &self,
        w: &mut WriteTx<'_>,
        id: OrganisationId,
        expected_version: i64,
        reason: Option<String>,
    ) -> Result<()> {
        let before = self.locked_org(w, id, expected_version).await?;
        for (table, by) in
            [("people", "people"), ("users", "users"), ("measure_executors", "measures"), ("review_reports", "reports")]
        {
            let (count,): (i64,) = sqlx::query_as(&format!("SELECT COUNT(*) FROM {table} WHERE organisation_id = $1"))
                .bind(id.to_string())
                .fetch_one(&mut *w.tx)
                .await?;
            if count > 0 {
                return Err(StoreError::InUse { entity: "organisation", by });
            }
        }
        let done = sqlx::query("DELETE FROM organisations WHERE id = $1 AND version = $2")
            .bind(id.to_string())
            .bind(expected_version)
            .execute(&mut *w.tx)
            .await?;
        if done.rows_affected() == 0 {
            return Err(lost_race(w, "organisations", "organisation", &id.to_string()).await);
        }
        w.audit(Change::delete("organisation", id, &before).with_reason(reason)).await?;
        Ok(())
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

impl Store {
    /// Codes of the organisations waiting for review (created by an import, not saved since).
    pub async fn organisations_for_review(&self) -> Result<Vec<String>> {
        let rows: Vec<(String,)> =
            sqlx::query_as("SELECT code FROM organisations WHERE needs_review = 1 ORDER BY code")
                .fetch_all(&self.pool)
                .await?;
        Ok(rows.into_iter().map(|(c,)| c).collect())
    }

    /// The side of an organisation, for building an executor's role.
    pub async fn organisation_side(&self, id: OrganisationId) -> Result<Option<Side>> {
        let side: Option<(String,)> = sqlx::query_as("SELECT side FROM organisations WHERE id = $1")
            .bind(id.to_string())
            .fetch_optional(&self.pool)
            .await?;
        side.map(|(s,)| s.parse().map_err(corrupt("organisation side"))).transpose()
    }
}
