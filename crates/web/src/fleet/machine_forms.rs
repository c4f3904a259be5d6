//! The forms of a machine's page: its register entry, a reading, a void, a warranty, an
//! assembly fitted or removed. Each calls one use case; a refusal shows the page again with the
//! form as submitted and the reason beside the field (422, or 409 when someone saved first).

use super::lines::machine_form_errors;
use super::machines::{MachineEditForm, MachineForms, ReadingForm, WarrantyForm, machine_page_with};
use crate::AppState;
use crate::ctx::{CsrfForm, Ctx};
use crate::error::AppError;
use crate::layout::redirect_with_flash;
use accord_app::fleet::{
    AssemblyInput, AssemblyMoveInput, MachineChange, ReadingInput, VoidInput, WarrantyInput, machine_name,
};
use accord_domain::{AssemblyId, MachineId, MeterReadingId};
use axum::extract::{Path, State};
use axum::response::Response;
use serde::Deserialize;
use std::str::FromStr;

/// The machine a form on its page is about, and its name for refusals (not found when the
/// reader may not see it).
async fn machine_of(state: &AppState, ctx: &Ctx, id: &str) -> Result<(MachineId, String), AppError> {
    let id = MachineId::from_str(id).map_err(|_| AppError::NotFound)?;
    let stored = state.app().fleet_machine_entry(&ctx.actor(), id).await?;
    Ok((id, machine_name(&stored)))
}

/// Status, district, commissioning date and correction factors changed on the machine's page.
pub(super) async fn machine_edit_form(
    State(state): State<AppState>,
    Path(id): Path<String>,
    CsrfForm(ctx, change): CsrfForm<MachineChange>,
) -> Result<Response, AppError> {
    let (id, name) = machine_of(&state, &ctx, &id).await?;
    match state.app().machine_change(&ctx.actor(), id, &change).await {
        Ok(_) => Ok(redirect_with_flash(&ctx, &format!("/fleet/machines/{id}#machine-edit"), "fleet-machine-saved")),
        Err(error) => {
            let field = |f: &str| match f {
                "status" => "status",
                "district" => "district",
                "operating" => "operating",
                "climate" => "climate",
                "version" => "version",
                _ => "commissioned_on",
            };
            let (status, errors) = machine_form_errors(&ctx.tr, &name, field, error.into())?;
            let forms = MachineForms { edit: Some(MachineEditForm::from(&change)), ..Default::default() };
            machine_page_with(&state, &ctx, id, forms, errors, status).await
        }
    }
}

/// A reading entered by hand on the machine's page.
pub(super) async fn reading_form(
    State(state): State<AppState>,
    Path(id): Path<String>,
    CsrfForm(ctx, input): CsrfForm<ReadingInput>,
) -> Result<Response, AppError> {
    let (id, name) = machine_of(&state, &ctx, &id).await?;
    let input = ReadingInput { machine: id.to_string(), ..input };
    match state.app().reading_add(&ctx.actor(), &input).await {
        Ok(_) => Ok(redirect_with_flash(&ctx, &format!("/fleet/machines/{id}#readings"), "fleet-reading-added")),
        Err(error) => {
            let field = |f: &str| match f {
                "date" => "date",
                "kind" | "meter" => "meter",
                _ => "value",
            };
            let (status, errors) = machine_form_errors(&ctx.tr, &name, field, error.into())?;
            let reading = ReadingForm { meter: input.meter, date: input.date, value: input.value.unwrap_or_default() };
            machine_page_with(&state, &ctx, id, MachineForms { reading, ..Default::default() }, errors, status).await
        }
    }
}

/// Voids a reading of this machine (the form asks for confirmation first).
pub(super) async fn void_form(
    State(state): State<AppState>,
    Path((id, reading)): Path<(String, String)>,
    CsrfForm(ctx, input): CsrfForm<VoidInput>,
) -> Result<Response, AppError> {
    let (id, name) = machine_of(&state, &ctx, &id).await?;
    let reading = MeterReadingId::from_str(reading.trim()).map_err(|_| AppError::NotFound)?;
    match state.app().reading_void(&ctx.actor(), reading, Some(id), &input).await {
        Ok(_) => Ok(redirect_with_flash(&ctx, &format!("/fleet/machines/{id}#readings"), "fleet-reading-voided")),
        Err(accord_app::Error::NotFound { .. }) => Err(AppError::NotFound),
        Err(error) => {
            let (status, errors) = machine_form_errors(&ctx.tr, &name, |_| "reading", error.into())?;
            machine_page_with(&state, &ctx, id, MachineForms::default(), errors, status).await
        }
    }
}

/// A warranty recorded from the machine's page.
pub(super) async fn warranty_form(
    State(state): State<AppState>,
    Path(id): Path<String>,
    CsrfForm(ctx, input): CsrfForm<WarrantyInput>,
) -> Result<Response, AppError> {
    let (id, name) = machine_of(&state, &ctx, &id).await?;
    match state.app().warranty_add(&ctx.actor(), id, &input).await {
        Ok(_) => Ok(redirect_with_flash(&ctx, &format!("/fleet/machines/{id}#warranties"), "fleet-warranty-added")),
        Err(error) => {
            let field = |f: &str| match f {
                "until" => "until",
                "up_to" => "up_to",
                "meter" => "limit_meter",
                "part" => "part",
                "note" => "note",
                _ => "from",
            };
            let (status, errors) = machine_form_errors(&ctx.tr, &name, field, error.into())?;
            let warranty = WarrantyForm {
                part: input.part,
                from: input.from,
                until: input.until.unwrap_or_default(),
                limit_meter: input.meter,
                up_to: input.up_to.unwrap_or_default(),
                note: input.note,
            };
            machine_page_with(&state, &ctx, id, MachineForms { warranty, ..Default::default() }, errors, status).await
        }
    }
}

/// The two assembly forms of the page: `install` fits `assembly` from the pool, `register` a
/// new one (kind, serial, meter, usage before), both to this machine on `date`.
#[derive(Deserialize)]
pub(super) struct FitForm {
    #[serde(default)]
    action: String,
    #[serde(default)]
    assembly: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    serial: String,
    #[serde(default)]
    meter: String,
    #[serde(default)]
    usage_before: String,
    #[serde(default)]
    date: String,
}

/// Fits an assembly to the machine: one from the exchange pool, or a new one.
pub(super) async fn assembly_form(
    State(state): State<AppState>,
    Path(id): Path<String>,
    CsrfForm(ctx, form): CsrfForm<FitForm>,
) -> Result<Response, AppError> {
    let (id, name) = machine_of(&state, &ctx, &id).await?;
    let (app, actor) = (state.app(), ctx.actor());
    let result = if form.action == "register" {
        let input = AssemblyInput {
            kind: form.kind,
            serial: form.serial,
            meter: form.meter,
            usage_before: Some(form.usage_before),
            machine: Some(id.to_string()),
            date: Some(form.date),
        };
        app.assembly_add(&actor, &input).await.map(|_| ())
    } else {
        match AssemblyId::from_str(form.assembly.trim()) {
            Ok(assembly) => {
                let input = AssemblyMoveInput {
                    machine: Some(id.to_string()),
                    install_on: Some(form.date),
                    ..Default::default()
                };
                app.assembly_move(&actor, assembly, &input).await.map(|_| ())
            }
            Err(_) => {
                Err(accord_domain::validation::Invalid::one("assembly", accord_domain::validation::Reason::Required)
                    .into())
            }
        }
    };
    match result {
        Ok(()) => Ok(redirect_with_flash(&ctx, &format!("/fleet/machines/{id}#assemblies"), "fleet-assembly-moved")),
        Err(error) => {
            let (status, errors) = machine_form_errors(&ctx.tr, &name, |_| "assembly", error.into())?;
            machine_page_with(&state, &ctx, id, MachineForms::default(), errors, status).await
        }
    }
}

#[derive(Deserialize)]
pub(super) struct RemoveForm {
    #[serde(default)]
    date: String,
}

/// Takes an assembly off this machine into the exchange pool (after a confirmation); refused
/// when it is no longer on this machine.
pub(super) async fn assembly_remove_form(
    State(state): State<AppState>,
    Path((id, assembly)): Path<(String, String)>,
    CsrfForm(ctx, form): CsrfForm<RemoveForm>,
) -> Result<Response, AppError> {
    let (id, name) = machine_of(&state, &ctx, &id).await?;
    let assembly = AssemblyId::from_str(assembly.trim()).map_err(|_| AppError::NotFound)?;
    let input = AssemblyMoveInput { remove_on: Some(form.date), from: Some(id.to_string()), ..Default::default() };
    match state.app().assembly_move(&ctx.actor(), assembly, &input).await {
        Ok(_) => Ok(redirect_with_flash(&ctx, &format!("/fleet/machines/{id}#assemblies"), "fleet-assembly-moved")),
        Err(error) => {
            let (status, errors) = machine_form_errors(&ctx.tr, &name, |_| "assembly", error.into())?;
            machine_page_with(&state, &ctx, id, MachineForms::default(), errors, status).await
        }
    }
}
