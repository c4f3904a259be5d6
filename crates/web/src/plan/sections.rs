//! The list of plan sections (dimensions), which an admin keeps.

use crate::AppState;
use crate::ctx::{CsrfForm, Ctx};
use crate::error::AppError;
use crate::layout::{Chrome, FormErrors, redirect_with_flash, render, render_status};
use accord_domain::directory::Action;
use accord_domain::plan::Section;
use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::response::Response;
use axum::routing::get;
use serde::Deserialize;

pub fn routes() -> Router<AppState> {
    Router::new().route("/plan/sections", get(list).post(save))
}

#[derive(Template)]
#[template(path = "plan/sections.html")]
struct SectionsPage {
    chrome: Chrome,
    sections: Vec<Section>,
    can_manage: bool,
    errors: FormErrors,
}

async fn page(state: &AppState, ctx: &Ctx, errors: FormErrors) -> Result<SectionsPage, AppError> {
    Ok(SectionsPage {
        chrome: Chrome::new(ctx, state.is_demo(), "plan", ctx.tr.t("sections-title"))
            .crumb("nav-plan", "/plan")
            .crumb_text(ctx.tr.t("sections-title")),
        sections: state.store().sections().await?,
        can_manage: ctx.can(Action::ManagePlan),
        errors,
    })
}

async fn list(State(state): State<AppState>, ctx: Ctx) -> Result<Response, AppError> {
    ctx.require(Action::Read)?;
    render(&page(&state, &ctx, FormErrors::default()).await?)
}

#[derive(Deserialize)]
struct SectionInput {
    #[serde(default)]
    code: String,
    #[serde(default)]
    name_ru: String,
    #[serde(default)]
    name_en: String,
    #[serde(default)]
    position: String,
}

async fn save(
    State(state): State<AppState>,
    CsrfForm(ctx, input): CsrfForm<SectionInput>,
) -> Result<Response, AppError> {
    let section = Section {
        code: input.code.trim().to_lowercase(),
        name_ru: input.name_ru,
        name_en: input.name_en,
        position: input.position.trim().parse().unwrap_or(100),
    };
    match state.app().sections_save(&ctx.actor(), &section).await.map_err(AppError::from) {
        Ok(()) => Ok(redirect_with_flash(&ctx, "/plan/sections", "flash-saved")),
        Err(error) => {
            let (status, errors) = FormErrors::from_app_error(&ctx.tr, error)?;
            render_status(status, &page(&state, &ctx, errors).await?)
        }
    }
}
