//! Product groups (sets of commodity codes) and their links to plan measures.

use super::*;

/// A product group as stored.
#[derive(Debug, Clone, Serialize)]
pub struct StoredGroup {
    pub id: String,
    pub version: i64,
    pub group: ProductGroup,
    pub measures: Vec<MeasureId>,
}

impl Store {
    pub async fn product_groups(&self) -> Result<Arc<Vec<StoredGroup>>> {
        self.cached_groups().await
    }

    pub(crate) async fn groups_from_db(&self) -> Result<Vec<StoredGroup>> {
        let rows = sqlx::query(
            "SELECT id, key, name_ru, name_en, prefixes, exported_by, targets, version FROM product_groups ORDER BY position, key",
        )
        .fetch_all(&self.pool)
        .await?;
        let links: Vec<(String, String)> =
            sqlx::query_as("SELECT group_id, measure_id FROM product_group_measures ORDER BY measure_id")
                .fetch_all(&self.pool)
                .await?;
        let mut measures: HashMap<String, Vec<MeasureId>> = HashMap::new();
        for (group, measure) in links {
            measures.entry(group).or_default().push(measure.parse().map_err(bad("group measure"))?);
        }
        rows.iter()
            .map(|row| {
                let id: String = row.try_get("id")?;
                let prefixes: String = row.try_get("prefixes")?;
                let prefixes: Vec<String> = serde_json::from_str(&prefixes).map_err(bad("group prefixes"))?;
                let prefixes = prefixes
                    .iter()
                    .map(|p| CommodityCode::parse(p).map_err(bad("group prefix")))
                    .collect::<Result<Vec<_>>>()?;
                let exported_by: Option<String> = row.try_get("exported_by")?;
                let exported_by = exported_by.map(|s| s.parse::<Side>().map_err(bad("group side"))).transpose()?;
                let name_en: Option<String> = row.try_get("name_en")?;
                let key: String = row.try_get("key")?;
                let name_ru: String = row.try_get("name_ru")?;
                let mut group =
                    ProductGroup::new(&key, &name_ru, name_en.as_deref().unwrap_or(""), prefixes, exported_by)
                        .map_err(bad("product group"))?;
                let targets: String = row.try_get("targets")?;
                let targets: BTreeMap<i32, Money> = serde_json::from_str(&targets).map_err(bad("group targets"))?;
                group.targets = targets;
                Ok(StoredGroup {
                    version: row.try_get("version")?,
                    measures: measures.remove(&id).unwrap_or_default(),
                    id,
                    group,
                })
            })
            .collect()
    }

    /// Creates a group (`expected_version` `None`), or replaces the one with the same key if
    /// `expected_version` is its version.
    pub async fn product_group_save(
        &self,
        author: Author<'_>,
        group: &ProductGroup,
        expected_version: Option<i64>,
    ) -> Result<StoredGroup> {
        let mut w = self.begin_write(author).await?;
        let stored = self.product_group_save_in(&mut w, group, expected_version).await?;
        w.commit().await?;
        let measures = self.product_groups().await?.iter().find(|g| g.id == stored.id).map(|g| g.measures.clone());
        Ok(StoredGroup { measures: measures.unwrap_or_default(), ..stored })
    }

    /// [`Store::product_group_save`] inside the caller's transaction; the group comes back
    /// without its measure links (read them after the commit).
    pub async fn product_group_save_in(
        &self,
        w: &mut WriteTx<'_>,
        group: &ProductGroup,
        expected_version: Option<i64>,
    ) -> Result<StoredGroup> {
        let prefixes: Vec<String> = group.prefixes.iter().map(ToString::to_string).collect();
        let prefixes = serde_json::to_string(&prefixes).map_err(bad("group prefixes"))?;
        let targets = serde_json::to_string(&group.targets).map_err(bad("group targets"))?;
        let name_en = Some(group.name_en.as_str()).filter(|n| !n.is_empty());
        let existing: Option<(String, i64, String)> =
            sqlx::query_as("SELECT id, version, name_ru FROM product_groups WHERE key = $1")
                .bind(&group.key)
                .fetch_optional(&mut *w.tx)
                .await?;
        let after = serde_json::json!({
            "key": group.key, "name_ru": group.name_ru, "name_en": name_en, "prefixes": prefixes,
            "exported_by": group.exported_by.map(Side::code), "targets": targets,
        });
        let (id, version) = match existing {
            Some((id, version, _)) => {
                // A save that did not read the group (no version) does not overwrite it.
                if expected_version != Some(version) {
                    return Err(StoreError::Conflict { entity: "product_group", current: version });
                }
                sqlx::query(
                    "UPDATE product_groups SET name_ru = $1, name_en = $2, prefixes = $3, exported_by = $4, targets = $5, \
                     version = version + 1, updated_at = $6 WHERE id = $7",
                )
                .bind(&group.name_ru)
                .bind(name_en)
                .bind(&prefixes)
                .bind(group.exported_by.map(Side::code))
                .bind(&targets)
                .bind(w.now_text())
                .bind(&id)
                .execute(&mut *w.tx)
                .await?;
                w.audit(Change::update("product_group", &id, &serde_json::json!({ "version": version }), &after))
                    .await?;
                (id, version + 1)
            }
            None => {
                let id = new_uuid().to_string();
                let (position,): (i64,) = sqlx::query_as("SELECT COALESCE(MAX(position), 0) + 1 FROM product_groups")
                    .fetch_one(&mut *w.tx)
                    .await?;
                sqlx::query(
                    "INSERT INTO product_groups (id, origin, key, name_ru, name_en, prefixes, exported_by, targets, position, version, created_at, updated_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 1, $10, $10)",
                )
                .bind(&id)
                .bind(self.origin().code())
                .bind(&group.key)
                .bind(&group.name_ru)
                .bind(name_en)
                .bind(&prefixes)
                .bind(group.exported_by.map(Side::code))
                .bind(&targets)
                .bind(position)
                .bind(w.now_text())
                .execute(&mut *w.tx)
                .await?;
                w.audit(Change::create("product_group", &id, &after)).await?;
                (id, 1)
            }
        };
        Ok(StoredGroup { id, version, group: group.clone(), measures: Vec::new() })
    }

    pub async fn product_group_delete(&self, author: Author<'_>, id: &str, expected_version: i64) -> Result<()> {
        let mut w = self.begin_write(author).await?;
        self.product_group_delete_in(&mut w, id, expected_version).await?;
        w.commit().await
    }

    /// [`Store::product_group_delete`] inside the caller's transaction.
    pub async fn product_group_delete_in(&self, w: &mut WriteTx<'_>, id: &str, expected_version: i64) -> Result<()> {
        let current: Option<(i64, String)> = sqlx::query_as("SELECT version, key FROM product_groups WHERE id = $1")
            .bind(id)
            .fetch_optional(&mut *w.tx)
            .await?;
        let Some((version, key)) = current else { return Err(StoreError::NotFound { entity: "product_group" }) };
        if version != expected_version {
            return Err(StoreError::Conflict { entity: "product_group", current: version });
        }
        sqlx::query("DELETE FROM product_group_measures WHERE group_id = $1").bind(id).execute(&mut *w.tx).await?;
        sqlx::query("DELETE FROM product_groups WHERE id = $1").bind(id).execute(&mut *w.tx).await?;
        w.audit(Change::delete("product_group", id, &serde_json::json!({ "key": key }))).await
    }

    /// Sets which plan measures a group stands behind ("supplies of MTZ tractors" ↔ 8701).
    pub async fn product_group_link(&self, author: Author<'_>, id: &str, measures: &[MeasureId]) -> Result<()> {
        let mut w = self.begin_write(author).await?;
        self.product_group_link_in(&mut w, id, measures).await?;
        w.commit().await
    }

    /// [`Store::product_group_link`] inside the caller's transaction.
    pub async fn product_group_link_in(&self, w: &mut WriteTx<'_>, id: &str, measures: &[MeasureId]) -> Result<()> {
        let exists: Option<(String,)> =
            sqlx::query_as("SELECT id FROM product_groups WHERE id = $1").bind(id).fetch_optional(&mut *w.tx).await?;
        if exists.is_none() {
            return Err(StoreError::NotFound { entity: "product_group" });
        }
        let before: Vec<(String,)> =
            sqlx::query_as("SELECT measure_id FROM product_group_measures WHERE group_id = $1 ORDER BY measure_id")
                .bind(id)
                .fetch_all(&mut *w.tx)
                .await?;
        let before: Vec<String> = before.into_iter().map(|(m,)| m).collect();
        let mut after: Vec<String> = measures.iter().map(ToString::to_string).collect();
        after.sort();
        after.dedup();
        if before == after {
            return Ok(());
        }
        sqlx::query("DELETE FROM product_group_measures WHERE group_id = $1").bind(id).execute(&mut *w.tx).await?;
        for measure in &after {
            sqlx::query("INSERT INTO product_group_measures (group_id, measure_id) VALUES ($1, $2)")
                .bind(id)
                .bind(measure)
                .execute(&mut *w.tx)
                .await
                .map_err(|e| match &e {
                    sqlx::Error::Database(db) if db.is_foreign_key_violation() => {
                        StoreError::Invalid(Invalid::one("measures", Reason::NotFound))
                    }
                    _ => StoreError::Database(e),
                })?;
        }
        w.audit(Change::update(
            "product_group_measures",
            id,
            &serde_json::json!({ "measures": before }),
            &serde_json::json!({ "measures": after }),
        ))
        .await
    }
}
