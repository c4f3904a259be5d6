//! User accounts: list, create, edit role, language, disable.

use crate::AppState;
use crate::account::MIN_PASSWORD_CHARS;
use crate::auth::hash_password;
use crate::ctx::{CsrfForm, Ctx};
use crate::error::AppError;
use crate::layout::{Chrome, FormErrors, redirect_with_flash, render, render_status, role_label};
use accord_domain::Side;
use accord_domain::directory::{Action, Locale, Login, Organisation, Role, RoleKind, UserAccount, authorize};
use accord_domain::validation::{Invalid, Reason};
use accord_store::{Author, NewUser, Store, StoreError, UserUpdate};
use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::response::Response;
use axum::routing::get;
use serde::{Deserialize, Serialize};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/admin/users", get(list).post(create))
        .route("/admin/users/new", get(new_form))
        .route("/admin/users/{login}", get(edit_form).post(update))
}

/// What a user form or API call submits.
#[derive(Debug, Clone, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct UserForm {
    pub login: String,
    pub display_name: String,
    /// Only when creating (or to set a new one).
    pub password: Option<String>,
    /// admin, coordinator, executor or observer.
    pub role: String,
    /// BY or KHV; required for a coordinator.
    pub side: Option<String>,
    /// The organisation's code; required for an executor.
    pub organisation: Option<String>,
    /// ru or en.
    pub locale: Option<String>,
    /// "on"/"true" disables the account.
    pub disabled: Option<String>,
    pub version: Option<i64>,
}

impl UserForm {
    fn is_disabled(&self) -> bool {
        matches!(self.disabled.as_deref(), Some("on" | "true" | "1"))
    }
}

/// Resolves the role of a form: kind, side, and the executor's organisation by code.
pub async fn resolve_role(
    store: &Store,
    kind: &str,
    side: Option<&str>,
    organisation: Option<&str>,
) -> Result<Role, AppError> {
    let kind: RoleKind = kind.parse()?;
    let side = match side.map(str::trim).filter(|s| !s.is_empty()) {
        Some(s) => Some(s.parse::<Side>().map_err(|_| Invalid::one("side", Reason::UnknownValue))?),
        None => None,
    };
    let organisation = match organisation.map(str::trim).filter(|s| !s.is_empty()) {
        Some(code) if kind == RoleKind::Executor => match store.organisation_by_code(code).await {
            Ok(org) => Some((org.id, org.data.side)),
            Err(StoreError::NotFound { .. }) => return Err(Invalid::one("organisation", Reason::NotFound).into()),
            Err(other) => return Err(other.into()),
        },
        _ => None,
    };
    Ok(Role::from_parts(kind, side, organisation)?)
}

fn locale_of(form: &UserForm) -> Result<Locale, AppError> {
    match form.locale.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(Locale::Ru),
        Some(raw) => Locale::parse(raw).ok_or_else(|| Invalid::one("locale", Reason::UnknownValue).into()),
    }
}

fn display_name_of(form: &UserForm) -> Result<String, AppError> {
    let name = form.display_name.trim();
    if name.is_empty() {
        return Err(Invalid::one("display_name", Reason::Required).into());
    }
    if name.chars().count() > 200 {
        return Err(Invalid::one("display_name", Reason::TooLong).into());
    }
    Ok(name.to_string())
}

/// Creates a user; `actor` is `None` for the command line (the system).
pub async fn create_user(store: &Store, actor: Option<&UserAccount>, form: &UserForm) -> Result<UserAccount, AppError> {
    if let Some(actor) = actor {
        authorize(&actor.role, Action::ManageUsers)?;
    }
    let login = Login::parse(&form.login)?;
    let display_name = display_name_of(form)?;
    let password = form.password.clone().unwrap_or_default();
    if password.chars().count() < MIN_PASSWORD_CHARS {
        return Err(Invalid::one("password", Reason::TooShort).into());
    }
    let role = resolve_role(store, &form.role, form.side.as_deref(), form.organisation.as_deref()).await?;
    let locale = locale_of(form)?;
    let password_hash = hash_password(password).await?;
    let author = actor.map_or(Author::SYSTEM, |a| Author::user(a.login.as_str()));
    Ok(store.user_create(author, &NewUser { login, display_name, password_hash, role, locale }).await?)
}

pub async fn update_user(
    store: &Store,
    actor: &UserAccount,
    login: &str,
    form: &UserForm,
) -> Result<UserAccount, AppError> {
    authorize(&actor.role, Action::ManageUsers)?;
    let current = store.user_by_login(login).await?;
    let version = form.version.ok_or(Invalid::one("version", Reason::Required))?;
    let update = UserUpdate {
        display_name: display_name_of(form)?,
        role: resolve_role(store, &form.role, form.side.as_deref(), form.organisation.as_deref()).await?,
        locale: locale_of(form)?,
        disabled: form.is_disabled(),
    };
    if current.id == actor.id && (update.disabled || update.role != current.role) {
        // An admin cannot lock themselves out by accident.
        return Err(AppError::BadRequest("error-self-lockout"));
    }
    let updated = store.user_update(Author::user(actor.login.as_str()), current.id, version, &update).await?;
    if let Some(password) = form.password.as_deref().filter(|p| !p.is_empty()) {
        if password.chars().count() < MIN_PASSWORD_CHARS {
            return Err(Invalid::one("password", Reason::TooShort).into());
        }
        let hash = hash_password(password.to_string()).await?;
        store.user_set_password(Author::user(actor.login.as_str()), &updated.login, &hash).await?;
    }
    Ok(store.user_by_login(login).await?)
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
    ctx.require(Action::ManageUsers)?;
    let organisations = state.store().organisation_all().await?;
    let users = state
        .store()
        .user_list()
        .await?
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
    ctx.require(Action::ManageUsers)?;
    let form = UserForm { role: "observer".into(), ..Default::default() };
    render(&FormPage::new(&state, &ctx, form, FormErrors::default(), false).await?)
}

async fn create(State(state): State<AppState>, CsrfForm(ctx, form): CsrfForm<UserForm>) -> Result<Response, AppError> {
    match create_user(state.store(), Some(&ctx.user), &form).await {
        Ok(_) => Ok(redirect_with_flash(&ctx, "/admin/users", "flash-saved")),
        Err(error) => {
            let (status, errors) = FormErrors::from_app_error(&ctx.tr, error)?;
            let form = UserForm { password: None, ..form };
            render_status(status, &FormPage::new(&state, &ctx, form, errors, false).await?)
        }
    }
}

async fn form_of(store: &Store, user: &UserAccount) -> Result<UserForm, AppError> {
    let organisation = match user.role.organisation() {
        Some(id) => Some(store.organisation(id).await?.data.code.to_string()),
        None => None,
    };
    Ok(UserForm {
        login: user.login.to_string(),
        display_name: user.display_name.clone(),
        password: None,
        role: user.role.kind().code().to_string(),
        side: user.role.side().map(|s| s.code().to_string()),
        organisation,
        locale: Some(user.locale.code().to_string()),
        disabled: user.disabled.then(|| "on".to_string()),
        version: Some(user.version),
    })
}

pub async fn user_form(store: &Store, login: &str) -> Result<UserForm, AppError> {
    let user = store.user_by_login(login).await?;
    form_of(store, &user).await
}

async fn edit_form(State(state): State<AppState>, ctx: Ctx, Path(login): Path<String>) -> Result<Response, AppError> {
    ctx.require(Action::ManageUsers)?;
    let form = user_form(state.store(), &login).await?;
    render(&FormPage::new(&state, &ctx, form, FormErrors::default(), true).await?)
}

async fn update(
    State(state): State<AppState>,
    Path(login): Path<String>,
    CsrfForm(ctx, form): CsrfForm<UserForm>,
) -> Result<Response, AppError> {
    match update_user(state.store(), &ctx.user, &login, &form).await {
        Ok(_) => Ok(redirect_with_flash(&ctx, "/admin/users", "flash-saved")),
        Err(error) => {
            let (status, errors) = match error {
                AppError::BadRequest(key) => (axum::http::StatusCode::BAD_REQUEST, FormErrors::general(ctx.tr.t(key))),
                other => FormErrors::from_app_error(&ctx.tr, other)?,
            };
            let form = UserForm { password: None, login: login.clone(), ..form };
            render_status(status, &FormPage::new(&state, &ctx, form, errors, true).await?)
        }
    }
}
