//! User accounts: list, create, edit role, language, password, disable.

use crate::AppState;
use crate::ctx::{CsrfForm, Ctx};
use crate::error::AppError;
use crate::layout::{Chrome, FormErrors, redirect_with_flash, render, render_status, role_label};
use accord_domain::directory::{Organisation, RoleKind, UserAccount};
use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::response::Response;
use axum::routing::get;

/// What the user form submits: the use case's own input.
pub(crate) use accord_app::account::UserInput as UserForm;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/admin/users", get(list).post(create))
        .route("/admin/users/new", get(new_form))
        .route("/admin/users/{login}", get(edit_form).post(update))
}

/// A user as the list shows it.
struct UserRow {
    account: UserAccount,
    role: String,
    organisation: Option<String>,
}

#[derive(Template)]
#[template(path = "admin/users.html")]
struct ListPage {
    chrome: Chrome,
    users: Vec<UserRow>,
}

async fn list(State(state): State<AppState>, ctx: Ctx) -> Result<Response, AppError> {
    let users = state.app().user_list(&ctx.actor()).await?;
    let organisations = state.store().organisation_all().await?;
    let users = users
        .into_iter()
        .map(|account| UserRow {
            role: role_label(&ctx.tr, &account),
            organisation: account
                .role
                .organisation()
                .and_then(|id| organisations.iter().find(|o| o.id == id))
                .map(|o| o.data.short_name(ctx.tr.is_en()).to_string()),
            account,
        })
        .collect();
    let chrome =
        Chrome::new(&ctx, state.is_demo(), "admin", ctx.tr.t("users-title")).crumb_text(ctx.tr.t("users-title"));
    render(&ListPage { chrome, users })
}

#[derive(Template)]
#[template(path = "admin/user_form.html")]
struct FormPage {
    chrome: Chrome,
    form: UserForm,
    errors: FormErrors,
    editing: bool,
    organisations: Vec<Organisation>,
    roles: Vec<(String, String)>,
}

impl FormPage {
    async fn new(
        state: &AppState,
        ctx: &Ctx,
        form: UserForm,
        errors: FormErrors,
        editing: bool,
    ) -> Result<Self, AppError> {
        let title = ctx.tr.t(if editing { "user-edit-title" } else { "user-new-title" });
        Ok(FormPage {
            chrome: Chrome::new(ctx, state.is_demo(), "admin", title.clone())
                .crumb("users-title", "/admin/users")
                .crumb_text(title),
            form,
            errors,
            editing,
            organisations: state.store().organisation_all().await?,
            roles: RoleKind::ALL
                .iter()
                .map(|r| (r.code().to_string(), ctx.tr.t(&format!("role-{}", r.code()))))
                .collect(),
        })
    }
    fn opt<'a>(&self, value: &'a Option<String>) -> &'a str {
        value.as_deref().unwrap_or("")
    }
}

async fn new_form(State(state): State<AppState>, ctx: Ctx) -> Result<Response, AppError> {
    ctx.require(accord_domain::directory::Action::ManageUsers)?;
    let form = UserForm { role: "observer".into(), ..Default::default() };
    render(&FormPage::new(&state, &ctx, form, FormErrors::default(), false).await?)
}

async fn create(State(state): State<AppState>, CsrfForm(ctx, form): CsrfForm<UserForm>) -> Result<Response, AppError> {
    match state.app().user_create(&ctx.actor(), &form).await {
        Ok(_) => Ok(redirect_with_flash(&ctx, "/admin/users", "flash-saved")),
        Err(error) => {
            let (status, errors) = FormErrors::from_app_error(&ctx.tr, error.into())?;
            let form = UserForm { password: None, ..form };
            render_status(status, &FormPage::new(&state, &ctx, form, errors, false).await?)
        }
    }
}

async fn edit_form(State(state): State<AppState>, ctx: Ctx, Path(login): Path<String>) -> Result<Response, AppError> {
    let form = state.app().user_input_of(&ctx.actor(), &login).await?;
    render(&FormPage::new(&state, &ctx, form, FormErrors::default(), true).await?)
}

async fn update(
    State(state): State<AppState>,
    Path(login): Path<String>,
    CsrfForm(ctx, form): CsrfForm<UserForm>,
) -> Result<Response, AppError> {
    match state.app().user_change(&ctx.actor(), &login, &form).await {
        Ok(_) => Ok(redirect_with_flash(&ctx, "/admin/users", "flash-saved")),
        Err(error) => {
            let (status, errors) = FormErrors::from_app_error(&ctx.tr, error.into())?;
            let form = UserForm { password: None, login: login.clone(), ..form };
            render_status(status, &FormPage::new(&state, &ctx, form, errors, true).await?)
        }
    }
}
