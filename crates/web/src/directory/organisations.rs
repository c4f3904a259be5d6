//! Organisation pages: list (search, filter, sort, pages), details, create, edit, delete.

use super::query::OrgQuery;
use crate::AppState;
use crate::ctx::{CsrfForm, Ctx};
use crate::error::AppError;
use crate::layout::{Chrome, FormErrors, ListLinks, redirect_with_flash, render, render_status};
use accord_app::directory::{DeleteInput, OrganisationInput};
use accord_domain::audit::AuditEntry;
use accord_domain::directory::{Action, OrgKind, Organisation, OrganisationForm};
use accord_domain::{OrganisationId, Side};
use accord_store::{Paging, PersonFilter, PersonRow};
use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use axum::routing::get;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/directory/organisations", get(list).post(create))
        .route("/directory/organisations/new", get(new_form))
        .route("/directory/organisations/{id}", get(show).post(update))
        .route("/directory/organisations/{id}/edit", get(edit_form))
        .route("/directory/organisations/{id}/delete", get(confirm_delete).post(delete))
}

#[derive(Template)]
#[template(path = "directory/organisations.html")]
struct ListPage {
    chrome: Chrome,
    review: Vec<String>,
    items: Vec<Organisation>,
    links: ListLinks,
    q: String,
    side: String,
    kind: String,
    kinds: Vec<(String, String)>,
    can_create: bool,
}

#[derive(Template)]
#[template(path = "directory/_organisations_table.html")]
struct ListPartial {
    chrome: Chrome,
    review: Vec<String>,
    items: Vec<Organisation>,
    links: ListLinks,
}

fn kinds(ctx: &Ctx) -> Vec<(String, String)> {
    OrgKind::ALL.iter().map(|k| (k.code().to_string(), ctx.tr.t(&format!("kind-{}", k.code())))).collect()
}

async fn list(State(state): State<AppState>, ctx: Ctx, Query(query): Query<OrgQuery>) -> Result<Response, AppError> {
    ctx.require(Action::Read)?;
    let filter = query.filter();
    let page = state.store().organisation_list(&filter, Paging::new(query.page, query.per_page)).await?;
    let mut filters = Vec::new();
    for (key, value) in [("q", &query.q), ("side", &query.side), ("kind", &query.kind)] {
        if let Some(v) = value.as_ref().filter(|v| !v.is_empty()) {
            filters.push((key.to_string(), v.clone()));
        }
    }
    let links = ListLinks {
        base: "/directory/organisations".into(),
        filters,
        sort: query.sort.clone().unwrap_or_else(|| "name".into()),
        descending: filter.descending,
        page: page.page,
        pages: page.pages(),
        total: page.total,
    };
    let chrome = Chrome::new(&ctx, state.is_demo(), "directory", ctx.tr.t("organisations-title"))
        .crumb_text(ctx.tr.t("organisations-title"));
    let review = state.store().organisations_for_review().await?;
    if ctx.htmx {
        return render(&ListPartial { chrome, review, items: page.items, links });
    }
    let can_create = Side::ALL.iter().any(|side| ctx.can(Action::ManageOrganisations { side: *side }));
    render(&ListPage {
        review,
        kinds: kinds(&ctx),
        chrome,
        items: page.items,
        links,
        q: query.q.unwrap_or_default(),
        side: query.side.unwrap_or_default(),
        kind: query.kind.unwrap_or_default(),
        can_create,
    })
}

#[derive(Template)]
#[template(path = "directory/organisation.html")]
struct ShowPage {
    chrome: Chrome,
    org: Organisation,
    people: Vec<PersonRow>,
    history: Vec<AuditEntry>,
    can_edit: bool,
    can_delete: bool,
    can_add_people: bool,
    tz: chrono_tz::Tz,
}

async fn show(State(state): State<AppState>, ctx: Ctx, Path(id): Path<OrganisationId>) -> Result<Response, AppError> {
    ctx.require(Action::Read)?;
    let org = state.store().organisation(id).await?;
    let filter = PersonFilter { organisation: Some(id), ..Default::default() };
    let people = state.store().person_list(&filter, Paging::new(Some(1), Some(200))).await?.items;
    let history = if ctx.can(Action::ReadAudit) {
        state.app().audit_history(&ctx.actor(), "organisation", &id.to_string()).await?
    } else {
        Vec::new()
    };
    let side = org.data.side;
    let chrome = Chrome::new(&ctx, state.is_demo(), "directory", org.data.short_name(ctx.tr.is_en()).to_string())
        .crumb("organisations-title", "/directory/organisations")
        .crumb_text(org.data.short_name(ctx.tr.is_en()).to_string());
    render(&ShowPage {
        can_edit: ctx.can(Action::EditOrganisation { side, organisation: id }),
        can_delete: ctx.can(Action::ManageOrganisations { side }),
        can_add_people: ctx.can(Action::ManagePeople { side, organisation: id }),
        tz: crate::layout::user_tz(&ctx.user),
        chrome,
        org,
        people,
        history,
    })
}

#[derive(Template)]
#[template(path = "directory/organisation_form.html")]
struct FormPage {
    chrome: Chrome,
    form: OrganisationForm,
    errors: FormErrors,
    /// `None` when creating.
    id: Option<OrganisationId>,
    version: i64,
    kinds: Vec<(String, String)>,
    sides: Vec<(String, String)>,
}

impl FormPage {
    fn new(
        state: &AppState,
        ctx: &Ctx,
        form: OrganisationForm,
        errors: FormErrors,
        existing: Option<(OrganisationId, i64)>,
    ) -> Self {
        let title = match existing {
            Some(_) => ctx.tr.t("organisation-edit-title"),
            None => ctx.tr.t("organisation-new-title"),
        };
        let sides = Side::ALL
            .iter()
            .filter(|side| existing.is_some() || ctx.can(Action::ManageOrganisations { side: **side }))
            .map(|s| (s.code().to_string(), ctx.tr.t(&format!("side-{}", s.code()))))
            .collect();
        FormPage {
            chrome: Chrome::new(ctx, state.is_demo(), "directory", title.clone())
                .crumb("organisations-title", "/directory/organisations")
                .crumb_text(title),
            form,
            errors,
            id: existing.map(|(id, _)| id),
            version: existing.map_or(0, |(_, v)| v),
            kinds: kinds(ctx),
            sides,
        }
    }
    fn opt<'a>(&self, value: &'a Option<String>) -> &'a str {
        value.as_deref().unwrap_or("")
    }
}

async fn new_form(State(state): State<AppState>, ctx: Ctx) -> Result<Response, AppError> {
    let side = ctx.user.role.side().filter(|s| ctx.can(Action::ManageOrganisations { side: *s }));
    if !Side::ALL.iter().any(|s| ctx.can(Action::ManageOrganisations { side: *s })) {
        return Err(AppError::Forbidden);
    }
    let form = OrganisationForm { side: side.map(|s| s.code().to_string()).unwrap_or_default(), ..Default::default() };
    render(&FormPage::new(&state, &ctx, form, FormErrors::default(), None))
}

async fn create(
    State(state): State<AppState>,
    CsrfForm(ctx, input): CsrfForm<OrganisationInput>,
) -> Result<Response, AppError> {
    match state.app().organisation_create(&ctx.actor(), &input).await {
        Ok(org) => Ok(redirect_with_flash(&ctx, &format!("/directory/organisations/{}", org.id), "flash-saved")),
        Err(error) => {
            let (status, errors) = FormErrors::from_app_error(&ctx.tr, error.into())?;
            render_status(status, &FormPage::new(&state, &ctx, input.form(), errors, None))
        }
    }
}

async fn edit_form(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<OrganisationId>,
) -> Result<Response, AppError> {
    let org = state.store().organisation(id).await?;
    ctx.require(Action::EditOrganisation { side: org.data.side, organisation: id })?;
    render(&FormPage::new(
        &state,
        &ctx,
        OrganisationForm::from(&org.data),
        FormErrors::default(),
        Some((id, org.version)),
    ))
}

async fn update(
    State(state): State<AppState>,
    Path(id): Path<OrganisationId>,
    CsrfForm(ctx, input): CsrfForm<OrganisationInput>,
) -> Result<Response, AppError> {
    match state.app().organisation_change(&ctx.actor(), id, &input).await {
        Ok(org) => Ok(redirect_with_flash(&ctx, &format!("/directory/organisations/{}", org.id), "flash-saved")),
        Err(error) => {
            let (status, errors) = FormErrors::from_app_error(&ctx.tr, error.into())?;
            let existing = Some((id, input.version.unwrap_or_default()));
            render_status(status, &FormPage::new(&state, &ctx, input.form(), errors, existing))
        }
    }
}

#[derive(Template)]
#[template(path = "directory/confirm_delete.html")]
pub struct ConfirmDelete {
    pub chrome: Chrome,
    pub what: String,
    pub action: String,
    pub cancel: String,
    pub version: i64,
    pub error: Option<String>,
}

async fn confirm_delete(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<OrganisationId>,
) -> Result<Response, AppError> {
    let org = state.store().organisation(id).await?;
    ctx.require(Action::ManageOrganisations { side: org.data.side })?;
    let title = ctx.tr.t("confirm-delete-title");
    render(&ConfirmDelete {
        chrome: Chrome::new(&ctx, state.is_demo(), "directory", title.clone())
            .crumb("organisations-title", "/directory/organisations")
            .crumb_text(title),
        what: org.data.full_name(ctx.tr.is_en()).to_string(),
        action: format!("/directory/organisations/{id}/delete"),
        cancel: format!("/directory/organisations/{id}"),
        version: org.version,
        error: None,
    })
}

async fn delete(
    State(state): State<AppState>,
    Path(id): Path<OrganisationId>,
    CsrfForm(ctx, input): CsrfForm<DeleteInput>,
) -> Result<Response, AppError> {
    match state.app().organisation_delete(&ctx.actor(), id, &input).await {
        Ok(()) => Ok(redirect_with_flash(&ctx, "/directory/organisations", "flash-deleted")),
        Err(error) => {
            let (status, errors) = FormErrors::from_app_error(&ctx.tr, error.into())?;
            let org = state.store().organisation(id).await?;
            let title = ctx.tr.t("confirm-delete-title");
            render_status(
                status,
                &ConfirmDelete {
                    chrome: Chrome::new(&ctx, state.is_demo(), "directory", title.clone())
                        .crumb("organisations-title", "/directory/organisations")
                        .crumb_text(title),
                    what: org.data.full_name(ctx.tr.is_en()).to_string(),
                    action: format!("/directory/organisations/{id}/delete"),
                    cancel: format!("/directory/organisations/{id}"),
                    version: org.version,
                    error: errors.general,
                },
            )
        }
    }
}
