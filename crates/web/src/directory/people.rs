//! Pages for the people of the organisations: list, details, create, edit, delete.

use super::organisations::ConfirmDelete;
use super::query::PersonQuery;
use crate::AppState;
use crate::ctx::{CsrfForm, Ctx};
use crate::error::AppError;
use crate::layout::{Chrome, FormErrors, ListLinks, redirect_with_flash, render, render_status};
use accord_app::directory::{DeleteInput, PersonInput};
use accord_domain::PersonId;
use accord_domain::audit::AuditEntry;
use accord_domain::directory::{Action, Organisation, PersonForm};
use accord_store::{Paging, PersonRow};
use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use axum::routing::get;
use serde::Deserialize;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/directory/people", get(list).post(create))
        .route("/directory/people/new", get(new_form))
        .route("/directory/people/{id}", get(show).post(update))
        .route("/directory/people/{id}/edit", get(edit_form))
        .route("/directory/people/{id}/delete", get(confirm_delete).post(delete))
}

#[derive(Template)]
#[template(path = "directory/people.html")]
struct ListPage {
    chrome: Chrome,
    items: Vec<PersonRow>,
    links: ListLinks,
    q: String,
    side: String,
}

#[derive(Template)]
#[template(path = "directory/_people_table.html")]
struct ListPartial {
    chrome: Chrome,
    items: Vec<PersonRow>,
    links: ListLinks,
}

async fn list(State(state): State<AppState>, ctx: Ctx, Query(query): Query<PersonQuery>) -> Result<Response, AppError> {
    ctx.require(Action::Read)?;
    let filter = query.filter();
    let page = state.store().person_list(&filter, Paging::new(query.page, query.per_page)).await?;
    let mut filters = Vec::new();
    for (key, value) in [("q", &query.q), ("side", &query.side), ("organisation_id", &query.organisation_id)] {
        if let Some(v) = value.as_ref().filter(|v| !v.is_empty()) {
            filters.push((key.to_string(), v.clone()));
        }
    }
    let links = ListLinks {
        base: "/directory/people".into(),
        filters,
        sort: query.sort.clone().unwrap_or_else(|| "name".into()),
        descending: filter.descending,
        page: page.page,
        pages: page.pages(),
        total: page.total,
    };
    let chrome =
        Chrome::new(&ctx, state.is_demo(), "directory", ctx.tr.t("people-title")).crumb_text(ctx.tr.t("people-title"));
    if ctx.htmx {
        return render(&ListPartial { chrome, items: page.items, links });
    }
    render(&ListPage {
        chrome,
        items: page.items,
        links,
        q: query.q.unwrap_or_default(),
        side: query.side.unwrap_or_default(),
    })
}

#[derive(Template)]
#[template(path = "directory/person.html")]
struct ShowPage {
    chrome: Chrome,
    row: PersonRow,
    history: Vec<AuditEntry>,
    can_edit: bool,
    tz: chrono_tz::Tz,
}

async fn show(State(state): State<AppState>, ctx: Ctx, Path(id): Path<PersonId>) -> Result<Response, AppError> {
    ctx.require(Action::Read)?;
    let row = state.store().person(id).await?;
    let history = if ctx.can(Action::ReadAudit) {
        state.app().audit_history(&ctx.actor(), "person", &id.to_string()).await?
    } else {
        Vec::new()
    };
    let name = row.person.data.name(ctx.tr.is_en()).to_string();
    let chrome = Chrome::new(&ctx, state.is_demo(), "directory", name.clone())
        .crumb("people-title", "/directory/people")
        .crumb_text(name);
    render(&ShowPage {
        can_edit: ctx.can(Action::ManagePeople { side: row.side, organisation: row.person.data.organisation_id }),
        tz: crate::layout::user_tz(&ctx.user),
        chrome,
        row,
        history,
    })
}

#[derive(Template)]
#[template(path = "directory/person_form.html")]
struct FormPage {
    chrome: Chrome,
    form: PersonForm,
    errors: FormErrors,
    id: Option<PersonId>,
    version: i64,
    organisations: Vec<Organisation>,
}

impl FormPage {
    async fn new(
        state: &AppState,
        ctx: &Ctx,
        form: PersonForm,
        errors: FormErrors,
        existing: Option<(PersonId, i64)>,
    ) -> Result<Self, AppError> {
        let title = match existing {
            Some(_) => ctx.tr.t("person-edit-title"),
            None => ctx.tr.t("person-new-title"),
        };
        // Only the organisations this user may add people to.
        let organisations = state
            .store()
            .organisation_all()
            .await?
            .into_iter()
            .filter(|o| ctx.can(Action::ManagePeople { side: o.data.side, organisation: o.id }))
            .collect();
        Ok(FormPage {
            chrome: Chrome::new(ctx, state.is_demo(), "directory", title.clone())
                .crumb("people-title", "/directory/people")
                .crumb_text(title),
            form,
            errors,
            id: existing.map(|(id, _)| id),
            version: existing.map_or(0, |(_, v)| v),
            organisations,
        })
    }
    fn opt<'a>(&self, value: &'a Option<String>) -> &'a str {
        value.as_deref().unwrap_or("")
    }
}

#[derive(Deserialize, Default)]
struct NewQuery {
    organisation_id: Option<String>,
}

async fn new_form(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(query): Query<NewQuery>,
) -> Result<Response, AppError> {
    let form = PersonForm {
        organisation_id: query
            .organisation_id
            .or_else(|| ctx.user.role.organisation().map(|o| o.to_string()))
            .unwrap_or_default(),
        ..Default::default()
    };
    let page = FormPage::new(&state, &ctx, form, FormErrors::default(), None).await?;
    if page.organisations.is_empty() {
        return Err(AppError::Forbidden);
    }
    render(&page)
}

async fn create(
    State(state): State<AppState>,
    CsrfForm(ctx, input): CsrfForm<PersonInput>,
) -> Result<Response, AppError> {
    match state.app().person_create(&ctx.actor(), &input).await {
        Ok(row) => Ok(redirect_with_flash(&ctx, &format!("/directory/people/{}", row.person.id), "flash-saved")),
        Err(error) => {
            let (status, errors) = FormErrors::from_app_error(&ctx.tr, error.into())?;
            render_status(status, &FormPage::new(&state, &ctx, input.form(), errors, None).await?)
        }
    }
}

async fn edit_form(State(state): State<AppState>, ctx: Ctx, Path(id): Path<PersonId>) -> Result<Response, AppError> {
    let row = state.store().person(id).await?;
    ctx.require(Action::ManagePeople { side: row.side, organisation: row.person.data.organisation_id })?;
    let form = PersonForm::from(&row.person.data);
    render(&FormPage::new(&state, &ctx, form, FormErrors::default(), Some((id, row.person.version))).await?)
}

async fn update(
    State(state): State<AppState>,
    Path(id): Path<PersonId>,
    CsrfForm(ctx, input): CsrfForm<PersonInput>,
) -> Result<Response, AppError> {
    match state.app().person_change(&ctx.actor(), id, &input).await {
        Ok(row) => Ok(redirect_with_flash(&ctx, &format!("/directory/people/{}", row.person.id), "flash-saved")),
        Err(error) => {
            let (status, errors) = FormErrors::from_app_error(&ctx.tr, error.into())?;
            let existing = Some((id, input.version.unwrap_or_default()));
            render_status(status, &FormPage::new(&state, &ctx, input.form(), errors, existing).await?)
        }
    }
}

fn confirm_page(state: &AppState, ctx: &Ctx, row: &PersonRow, error: Option<String>) -> ConfirmDelete {
    let title = ctx.tr.t("confirm-delete-title");
    let id = row.person.id;
    ConfirmDelete {
        chrome: Chrome::new(ctx, state.is_demo(), "directory", title.clone())
            .crumb("people-title", "/directory/people")
            .crumb_text(title),
        what: row.person.data.name(ctx.tr.is_en()).to_string(),
        action: format!("/directory/people/{id}/delete"),
        cancel: format!("/directory/people/{id}"),
        version: row.person.version,
        error,
    }
}

async fn confirm_delete(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<PersonId>,
) -> Result<Response, AppError> {
    let row = state.store().person(id).await?;
    ctx.require(Action::ManagePeople { side: row.side, organisation: row.person.data.organisation_id })?;
    render(&confirm_page(&state, &ctx, &row, None))
}

async fn delete(
    State(state): State<AppState>,
    Path(id): Path<PersonId>,
    CsrfForm(ctx, input): CsrfForm<DeleteInput>,
) -> Result<Response, AppError> {
    match state.app().person_delete(&ctx.actor(), id, &input).await {
        Ok(()) => Ok(redirect_with_flash(&ctx, "/directory/people", "flash-deleted")),
        Err(error) => {
            let (status, errors) = FormErrors::from_app_error(&ctx.tr, error.into())?;
            let row = state.store().person(id).await?;
            render_status(status, &confirm_page(&state, &ctx, &row, errors.general))
        }
    }
}
