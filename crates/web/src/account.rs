//! Signing in and out, the language switch, and a user's own account (password, API tokens).
//! The use cases (`accord_app::account`) check passwords and write; this module keeps what is
//! HTTP's: the sign-in form's CSRF cookie, the throttle of failed sign-ins, the cookies.

use crate::AppState;
use crate::auth::{
    LANG_COOKIE, PRE_SESSION_COOKIE, SESSION_COOKIE, SESSION_TTL_HOURS, client_address, cookie, is_secure, new_secret,
    safe_redirect, set_cookie,
};
use crate::ctx::{CsrfForm, Ctx, Lang, constant_time_eq};
use crate::error::AppError;
use crate::layout::{Chrome, FormErrors, redirect_with_flash, render, render_status, role_label};
use crate::middleware::append_cookie;
use accord_app::account::{LocaleInput, PasswordChange, TokenInput};
use accord_store::TokenInfo;
use askama::Template;
use axum::extract::{ConnectInfo, Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use serde::Deserialize;
use std::net::SocketAddr;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/login", get(login_form).post(login))
        .route("/logout", post(logout))
        .route("/lang", post(switch_language))
        .route("/account", get(account))
        .route("/account/password", post(change_password))
        .route("/account/tokens", post(create_token))
        .route("/account/tokens/{id}/revoke", post(revoke_token))
}

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    chrome: Chrome,
    csrf: String,
    login: String,
    next: String,
    error: Option<String>,
}

#[derive(Deserialize, Default)]
struct NextQuery {
    next: Option<String>,
}

fn safe_next(next: Option<&str>) -> String {
    safe_redirect(next)
}

async fn login_form(
    State(state): State<AppState>,
    Lang(tr): Lang,
    headers: HeaderMap,
    Query(query): Query<NextQuery>,
) -> Result<Response, AppError> {
    let (csrf, fresh) = match cookie(&headers, PRE_SESSION_COOKIE) {
        Some(token) if token.len() >= 32 => (token.to_string(), false),
        _ => (new_secret(), true),
    };
    let page = LoginPage {
        chrome: Chrome::public(tr, state.is_demo(), tr.t("sign-in-title")),
        csrf: csrf.clone(),
        login: String::new(),
        next: safe_next(query.next.as_deref()),
        error: None,
    };
    let mut response = render(&page)?;
    if fresh {
        append_cookie(&mut response, &set_cookie(PRE_SESSION_COOKIE, &csrf, None, true, is_secure(&headers)));
    }
    Ok(response)
}

#[derive(Deserialize)]
struct LoginInput {
    #[serde(default)]
    login: String,
    #[serde(default)]
    password: String,
    #[serde(rename = "_csrf", default)]
    csrf: String,
    next: Option<String>,
}

async fn login(
    State(state): State<AppState>,
    Lang(tr): Lang,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Form(input): Form<LoginInput>,
) -> Result<Response, AppError> {
    // Double-submit check: the form's token must equal the pre-session cookie.
    let expected = cookie(&headers, PRE_SESSION_COOKIE).unwrap_or_default();
    if !constant_time_eq(input.csrf.as_bytes(), expected.as_bytes()) {
        return Err(AppError::Csrf);
    }
    let login = input.login.trim().to_ascii_lowercase();
    let address = client_address(&headers, peer.ip(), state.trusts_proxy()).to_string();
    let retry = |error: String| LoginPage {
        chrome: Chrome::public(tr, state.is_demo(), tr.t("sign-in-title")),
        csrf: input.csrf.clone(),
        login: login.clone(),
        next: safe_next(input.next.as_deref()),
        error: Some(error),
    };
    let ttl = chrono::Duration::hours(SESSION_TTL_HOURS);
    let signed = match state.app().sign_in_from(&login, &input.password, Some(&address), ttl).await {
        Ok(Some(signed)) => signed,
        Ok(None) => {
            tracing::info!(login = %login, address = %address, "failed sign-in");
            return render_status(StatusCode::UNAUTHORIZED, &retry(tr.t("sign-in-failed")));
        }
        Err(accord_app::Error::TooManyAttempts { retry_after_secs }) => {
            tracing::info!(login = %login, address = %address, "sign-in throttled");
            let message = tr.ta("error-too-many-attempts", &[("seconds", retry_after_secs.to_string())]);
            let mut response = render_status(StatusCode::TOO_MANY_REQUESTS, &retry(message))?;
            response.headers_mut().insert(axum::http::header::RETRY_AFTER, retry_after_secs.into());
            return Ok(response);
        }
        Err(accord_app::Error::Forbidden(rule)) => {
            return render_status(StatusCode::FORBIDDEN, &retry(tr.ta(&rule.key, &rule.args)));
        }
        Err(other) => return Err(other.into()),
    };
    let secure = is_secure(&headers);
    let mut response = Redirect::to(&safe_next(input.next.as_deref())).into_response();
    let session = set_cookie(SESSION_COOKIE, &signed.token, Some(SESSION_TTL_HOURS * 3600), true, secure);
    append_cookie(&mut response, &session);
    let lang = set_cookie(LANG_COOKIE, signed.user.locale.code(), Some(365 * 86_400), false, secure);
    append_cookie(&mut response, &lang);
    append_cookie(&mut response, &set_cookie(PRE_SESSION_COOKIE, "", Some(0), true, secure));
    Ok(response)
}

#[derive(Deserialize)]
struct Empty {}

async fn logout(State(state): State<AppState>, CsrfForm(ctx, _): CsrfForm<Empty>) -> Result<Response, AppError> {
    state.app().sign_out(&ctx.session_hash).await?;
    let mut response = Redirect::to("/login").into_response();
    append_cookie(&mut response, &set_cookie(SESSION_COOKIE, "", Some(0), true, ctx.secure));
    Ok(response)
}

async fn switch_language(
    State(state): State<AppState>,
    headers: HeaderMap,
    CsrfForm(ctx, input): CsrfForm<LocaleInput>,
) -> Result<Response, AppError> {
    let locale = state.app().own_locale_change(&ctx.actor(), &input).await?.locale;
    // Back to the page the switch was pressed on, when it is ours.
    let back = headers
        .get(axum::http::header::REFERER)
        .and_then(|v| v.to_str().ok())
        .and_then(|r| r.find("://").map(|i| &r[i + 3..]))
        .and_then(|r| r.find('/').map(|i| r[i..].to_string()));
    let mut response = Redirect::to(&safe_next(back.as_deref())).into_response();
    append_cookie(&mut response, &set_cookie(LANG_COOKIE, locale.code(), Some(365 * 86_400), false, ctx.secure));
    Ok(response)
}

#[derive(Template)]
#[template(path = "account.html")]
struct AccountPage {
    chrome: Chrome,
    role: String,
    tokens: Vec<TokenInfo>,
    new_token: Option<String>,
    password_errors: FormErrors,
    tz: chrono_tz::Tz,
    now: chrono::DateTime<chrono::Utc>,
}

async fn account_page(
    state: &AppState,
    ctx: &Ctx,
    new_token: Option<String>,
    password_errors: FormErrors,
) -> Result<AccountPage, AppError> {
    let chrome =
        Chrome::new(ctx, state.is_demo(), "account", ctx.tr.t("account-title")).crumb_text(ctx.tr.t("account-title"));
    Ok(AccountPage {
        role: role_label(&ctx.tr, &ctx.user),
        tokens: state.store().token_list(ctx.user.id).await?,
        new_token,
        password_errors,
        tz: crate::layout::user_tz(&ctx.user),
        now: chrono::Utc::now(),
        chrome,
    })
}

async fn account(State(state): State<AppState>, ctx: Ctx) -> Result<Response, AppError> {
    render(&account_page(&state, &ctx, None, FormErrors::default()).await?)
}

async fn change_password(
    State(state): State<AppState>,
    CsrfForm(ctx, input): CsrfForm<PasswordChange>,
) -> Result<Response, AppError> {
    if let Err(error) = state.app().own_password_change(&ctx.actor(), &input).await {
        let (status, errors) = FormErrors::from_app_error(&ctx.tr, error.into())?;
        // The page shows one message above the form.
        let message = errors.general.clone().or_else(|| errors.get("new_password").map(str::to_string));
        let page = account_page(&state, &ctx, None, FormErrors::general(message.unwrap_or_default())).await?;
        return render_status(status, &page);
    }
    // Every session ended with the change, this one too: sign in again with the new password.
    let mut response = Redirect::to("/login").into_response();
    append_cookie(&mut response, &set_cookie(SESSION_COOKIE, "", Some(0), true, ctx.secure));
    Ok(response)
}

async fn create_token(
    State(state): State<AppState>,
    CsrfForm(ctx, input): CsrfForm<TokenInput>,
) -> Result<Response, AppError> {
    let token = state.app().token_create(&ctx.actor(), None, &input).await?;
    render(&account_page(&state, &ctx, Some(token.secret), FormErrors::default()).await?)
}

async fn revoke_token(
    State(state): State<AppState>,
    Path(id): Path<String>,
    CsrfForm(ctx, _): CsrfForm<Empty>,
) -> Result<Response, AppError> {
    state.app().token_revoke(&ctx.actor(), None, &id).await?;
    Ok(redirect_with_flash(&ctx, "/account", "flash-token-revoked"))
}
