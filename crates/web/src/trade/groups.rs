//! Product groups: the list with each group's prefixes, targets and measures, and the form that
//! adds a group or changes one (opened from its row, carrying the version it was read at).

use super::view::amount;
use crate::AppState;
use crate::ctx::{CsrfForm, Ctx};
use crate::error::AppError;
use crate::layout::{Chrome, FormErrors, redirect_with_flash, render, render_status};
use accord_app::trade::GroupInput;
use accord_domain::directory::Action;
use accord_store::StoredGroup;
use askama::Template;
use axum::Router;
use axum::extract::{Query, State};
use axum::response::Response;
use axum::routing::get;
use serde::Deserialize;

struct GroupView {
    key: String,
    name_ru: String,
    name_en: String,
    prefixes: String,
    exported_by: String,
    targets: Vec<(i32, String)>,
    measures: Vec<(String, String)>,
    edit_href: String,
}

/// The groups form: a new group, or one opened for editing with its version.
#[derive(Debug, Clone, Default, Deserialize)]
pub(super) struct GroupForm {
    #[serde(default)]
    key: String,
    #[serde(default)]
    name_ru: String,
    #[serde(default)]
    name_en: String,
    #[serde(default)]
    prefixes: String,
    #[serde(default)]
    exported_by: String,
    #[serde(default)]
    target_2025: String,
    #[serde(default)]
    target_2026: String,
    #[serde(default)]
    target_2027: String,
    /// Measure numbers, comma-separated ("1.2., 3.1.").
    #[serde(default)]
    measures: String,
    #[serde(default)]
    version: String,
}

impl GroupForm {
    fn of(g: &StoredGroup, numbers: Vec<String>) -> GroupForm {
        let target = |year: i32| g.group.targets.get(&year).map(|m| m.to_decimal().to_string()).unwrap_or_default();
        GroupForm {
            key: g.group.key.clone(),
            name_ru: g.group.name_ru.clone(),
            name_en: g.group.name_en.clone(),
            prefixes: g.group.prefixes.iter().map(|p| p.to_string()).collect::<Vec<_>>().join(", "),
            exported_by: g.group.exported_by.map(|s| s.code().to_string()).unwrap_or_default(),
            target_2025: target(2025),
            target_2026: target(2026),
            target_2027: target(2027),
            measures: numbers.join(", "),
            version: g.version.to_string(),
        }
    }

    fn target(&self, year: i32) -> &str {
        match year {
            2025 => &self.target_2025,
            2026 => &self.target_2026,
            _ => &self.target_2027,
        }
    }

    /// The use case's input: the form's lists split, its measure numbers as they are.
    fn input(&self) -> GroupInput {
        let split = |text: &str, by: &[char]| -> Vec<String> {
            text.split(by).map(str::trim).filter(|s| !s.is_empty()).map(str::to_string).collect()
        };
        GroupInput {
            key: Some(self.key.clone()),
            name_ru: self.name_ru.clone(),
            name_en: self.name_en.clone(),
            prefixes: split(&self.prefixes, &[',', ';', '\n']),
            exported_by: Some(self.exported_by.clone()),
            targets: [2025, 2026, 2027].into_iter().map(|y| (y, self.target(y).to_string())).collect(),
            measures: Some(split(&self.measures, &[',', ';', ' '])),
            version: self.version.trim().parse().ok(),
        }
    }
}

#[derive(Template)]
#[template(path = "trade/groups.html")]
struct GroupsPage {
    chrome: Chrome,
    groups: Vec<GroupView>,
    can_manage: bool,
    form: GroupForm,
    errors: FormErrors,
}

async fn groups_view(state: &AppState, ctx: &Ctx, form: GroupForm, errors: FormErrors) -> Result<GroupsPage, AppError> {
    let tr = &ctx.tr;
    let groups = state.store().product_groups().await?;
    let plan = crate::plan::resolve_plan(state.store(), None).await.ok();
    let measures = match &plan {
        Some(plan) => state.store().measures_of_plan(plan.id).await?,
        None => Vec::new(),
    };
    Ok(GroupsPage {
        chrome: Chrome::new(ctx, state.is_demo(), "trade", tr.t("groups-title"))
            .crumb("trade-title", "/trade")
            .crumb_text(tr.t("groups-title")),
        groups: groups
            .iter()
            .map(|g| GroupView {
                key: g.group.key.clone(),
                name_ru: g.group.name_ru.clone(),
                name_en: g.group.name_en.clone(),
                prefixes: g.group.prefixes.iter().map(|p| p.to_string()).collect::<Vec<_>>().join(", "),
                exported_by: g.group.exported_by.map(|s| tr.side(s)).unwrap_or_default(),
                targets: g.group.targets.iter().map(|(y, m)| (*y, amount(tr, m.to_decimal()))).collect(),
                measures: g
                    .measures
                    .iter()
                    .filter_map(|id| measures.iter().find(|m| m.id == *id))
                    .map(|m| (m.id.to_string(), format!("{} {}", m.data.number, m.data.title(tr.is_en()))))
                    .collect(),
                edit_href: format!("/trade/groups?edit={}#group-form", crate::error::urlencode(&g.group.key)),
            })
            .collect(),
        can_manage: ctx.can(Action::ManageTradeReference),
        form,
        errors,
    })
}

#[derive(Deserialize)]
pub(super) struct GroupsQuery {
    edit: Option<String>,
}

async fn groups_page(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<GroupsQuery>,
) -> Result<Response, AppError> {
    ctx.require(Action::Read)?;
    let form = match q.edit.as_deref().map(str::trim).filter(|k| !k.is_empty()) {
        Some(key) => {
            let groups = state.store().product_groups().await?;
            let group = groups.iter().find(|g| g.group.key == key).ok_or(AppError::NotFound)?;
            let plan = crate::plan::resolve_plan(state.store(), None).await.ok();
            let numbers = match &plan {
                Some(plan) => {
                    let measures = state.store().measures_of_plan(plan.id).await?;
                    group
                        .measures
                        .iter()
                        .filter_map(|id| measures.iter().find(|m| m.id == *id))
                        .map(|m| m.data.number.to_string())
                        .collect()
                }
                None => Vec::new(),
            };
            GroupForm::of(group, numbers)
        }
        None => GroupForm::default(),
    };
    render(&groups_view(&state, &ctx, form, FormErrors::default()).await?)
}

async fn save_group_form(
    State(state): State<AppState>,
    CsrfForm(ctx, form): CsrfForm<GroupForm>,
) -> Result<Response, AppError> {
    match state.app().product_group_save(&ctx.actor(), &form.key, &form.input()).await {
        Ok(_) => Ok(redirect_with_flash(&ctx, "/trade/groups", "flash-saved")),
        Err(error) => {
            let (status, errors) = FormErrors::from_app_error(&ctx.tr, error.into())?;
            render_status(status, &groups_view(&state, &ctx, form, errors).await?)
        }
    }
}

pub(super) fn routes() -> Router<AppState> {
    Router::new().route("/trade/groups", get(groups_page).post(save_group_form))
}
