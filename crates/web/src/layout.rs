//! What every page's layout needs (header, navigation, breadcrumbs, flash, language switch),
//! and the helpers that render templates and redirect with a flash message.

use crate::auth::{FLASH_COOKIE, set_cookie};
use crate::ctx::{Ctx, Flash};
use crate::error::AppError;
use crate::i18n::Tr;
use accord_domain::directory::{Action, UserAccount, authorize};
use accord_domain::validation::Invalid;
use accord_store::SessionUser;
use askama::Template;
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};

/// One breadcrumb: a label and, except for the last, a link.
pub struct Crumb {
    pub label: String,
    pub href: Option<String>,
}

/// The frame around every page.
pub struct Chrome {
    pub tr: Tr,
    pub user: Option<UserAccount>,
    pub csrf: String,
    pub flash: Option<Flash>,
    /// The active module in the navigation.
    pub nav: &'static str,
    pub title: String,
    pub crumbs: Vec<Crumb>,
    pub demo: bool,
}

impl Chrome {
    pub fn new(ctx: &Ctx, demo: bool, nav: &'static str, title: String) -> Self {
        Chrome {
            tr: ctx.tr,
            user: Some(ctx.user.clone()),
            csrf: ctx.csrf.clone(),
            flash: ctx.flash.clone(),
            nav,
            title,
            crumbs: Vec::new(),
            demo,
        }
    }

    pub fn public(tr: Tr, demo: bool, title: String) -> Self {
        Chrome { tr, user: None, csrf: String::new(), flash: None, nav: "", title, crumbs: Vec::new(), demo }
    }

    /// Adds a breadcrumb; the key is translated.
    pub fn crumb(mut self, key: &str, href: &str) -> Self {
        self.crumbs.push(Crumb { label: self.tr.t(key), href: Some(href.to_string()) });
        self
    }

    pub fn crumb_text(mut self, label: String) -> Self {
        self.crumbs.push(Crumb { label, href: None });
        self
    }

    pub fn can_admin(&self) -> bool {
        self.user.as_ref().is_some_and(|u| authorize(&u.role, Action::ManageUsers).is_ok())
    }

    pub fn can_audit(&self) -> bool {
        self.user.as_ref().is_some_and(|u| authorize(&u.role, Action::ReadAudit).is_ok())
    }

    /// What an audit entry changed, field by field (for the history tables).
    pub fn changes(&self, entry: &accord_domain::audit::AuditEntry) -> Vec<accord_domain::audit::FieldChange> {
        accord_domain::audit::field_changes(entry.before.as_deref(), entry.after.as_deref())
    }

    /// The signed-in user's role, translated, with its scope.
    pub fn role_label(&self) -> String {
        self.user.as_ref().map(|u| role_label(&self.tr, u)).unwrap_or_default()
    }
}

pub fn role_label(tr: &Tr, user: &UserAccount) -> String {
    let role = tr.t(&format!("role-{}", user.role.kind().code()));
    match user.role.side() {
        Some(side) => format!("{role} · {}", tr.t(&format!("side-{}", side.code()))),
        None => role,
    }
}

/// The time zone a user reads times in: their side's, else Minsk (UTC+3, as Moscow).
pub fn user_tz(user: &UserAccount) -> chrono_tz::Tz {
    match user.role.side() {
        Some(accord_domain::Side::Khv) => chrono_tz::Asia::Vladivostok,
        _ => chrono_tz::Europe::Minsk,
    }
}

pub fn render(template: &impl Template) -> Result<Response, AppError> {
    let html = template.render().map_err(|e| AppError::Internal(format!("template: {e}")))?;
    Ok(Html(html).into_response())
}

pub fn render_status(status: StatusCode, template: &impl Template) -> Result<Response, AppError> {
    let mut response = render(template)?;
    *response.status_mut() = status;
    Ok(response)
}

/// Redirects after a successful POST, showing `key` once on the next page.
pub fn redirect_with_flash(ctx: &Ctx, to: &str, key: &str) -> Response {
    let mut response = Redirect::to(to).into_response();
    crate::middleware::append_cookie(
        &mut response,
        &set_cookie(FLASH_COOKIE, &format!("ok.{key}"), Some(60), true, ctx.secure),
    );
    response
}

/// Translated field errors of a form, for the template.
#[derive(Default)]
pub struct FormErrors {
    messages: Vec<(&'static str, String)>,
    pub general: Option<String>,
}

impl FormErrors {
    pub fn from_invalid(tr: &Tr, invalid: &Invalid) -> Self {
        FormErrors { messages: invalid.0.iter().map(|e| (e.field, tr.reason(e.reason))).collect(), general: None }
    }
    /// Messages already translated, each beside its field, and one above the form.
    pub fn with(messages: Vec<(&'static str, String)>, general: Option<String>) -> Self {
        FormErrors { messages, general }
    }
    pub fn general(message: String) -> Self {
        FormErrors { messages: Vec::new(), general: Some(message) }
    }
    pub fn get(&self, field: &str) -> Option<&str> {
        self.messages.iter().find(|(f, _)| *f == field).map(|(_, m)| m.as_str())
    }
    pub fn is_empty(&self) -> bool {
        self.messages.is_empty() && self.general.is_none()
    }
    /// For a form re-rendered after an error: validation errors go beside their fields,
    /// conflicts and the like above the form. Anything else stays an error page.
    pub fn from_app_error(tr: &Tr, error: AppError) -> Result<(StatusCode, FormErrors), AppError> {
        let info = error.info();
        match error {
            AppError::Invalid(ref invalid)
            | AppError::Store(accord_store::StoreError::Invalid(ref invalid))
            | AppError::App(accord_app::Error::Invalid(ref invalid)) => {
                Ok((info.status, FormErrors::from_invalid(tr, invalid)))
            }
            AppError::App(accord_app::Error::Stale { .. } | accord_app::Error::Refused(_)) => {
                Ok((info.status, FormErrors::general(tr.ta(&info.key, &info.args))))
            }
            AppError::Store(accord_store::StoreError::Conflict { .. })
            | AppError::Store(accord_store::StoreError::InUse { .. }) => {
                Ok((info.status, FormErrors::general(tr.ta(&info.key, &info.args))))
            }
            other => Err(other),
        }
    }
}

#[derive(Template)]
#[template(path = "error.html")]
pub struct ErrorPage {
    pub chrome: Chrome,
    pub status: u16,
    pub message: String,
}

impl ErrorPage {
    pub fn new(tr: Tr, session: Option<SessionUser>, demo: bool, status: u16, title: String, message: String) -> Self {
        let mut chrome = Chrome::public(tr, demo, title);
        if let Some(session) = session {
            chrome.user = Some(session.user);
            chrome.csrf = session.csrf_token;
        }
        ErrorPage { chrome, status, message }
    }

    pub fn render_html(&self) -> Response {
        match self.render() {
            Ok(html) => ([(header::CONTENT_TYPE, "text/html; charset=utf-8")], html).into_response(),
            Err(_) => (StatusCode::INTERNAL_SERVER_ERROR, self.message.clone()).into_response(),
        }
    }
}

/// Links of a paginated, sortable list: keeps the filters, changes page or sort.
pub struct ListLinks {
    pub base: String,
    /// Filters as query pairs, without page and sort.
    pub filters: Vec<(String, String)>,
    pub sort: String,
    pub descending: bool,
    pub page: i64,
    pub pages: i64,
    pub total: i64,
}

impl ListLinks {
    fn href(&self, page: i64, sort: &str, descending: bool) -> String {
        let mut pairs = self.filters.clone();
        pairs.push(("sort".into(), sort.to_string()));
        if descending {
            pairs.push(("dir".into(), "desc".into()));
        }
        if page > 1 {
            pairs.push(("page".into(), page.to_string()));
        }
        format!("{}?{}", self.base, serde_urlencoded::to_string(&pairs).unwrap_or_default())
    }
    pub fn page_href(&self, page: i64) -> String {
        self.href(page, &self.sort, self.descending)
    }
    /// Clicking the active column flips its direction; another column sorts ascending.
    pub fn sort_href(&self, column: &str) -> String {
        let descending = column == self.sort && !self.descending;
        self.href(1, column, descending)
    }
    /// `ascending`, `descending` or `none`, for `aria-sort`.
    pub fn aria_sort(&self, column: &str) -> &'static str {
        match (column == self.sort, self.descending) {
            (false, _) => "none",
            (true, false) => "ascending",
            (true, true) => "descending",
        }
    }
    pub fn has_prev(&self) -> bool {
        self.page > 1
    }
    pub fn has_next(&self) -> bool {
        self.page < self.pages
    }
}
