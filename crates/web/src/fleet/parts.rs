//! The parts page (`/fleet/parts`): stock, reservations, movements, the suggested order list,
//! and shipments in transit, recorded and received there.

use crate::AppState;
use crate::ctx::{CsrfForm, Ctx};
use crate::error::AppError;
use crate::layout::{Chrome, FormErrors, redirect_with_flash, render_status};
use accord_app::fleet::{ShipmentInput, ShipmentReceipt};
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use std::collections::HashMap;
use std::str::FromStr;

pub struct StockLine {
    pub warehouse: String,
    pub bin: String,
    pub part: String,
    pub qty: i64,
    pub reserved: i64,
    pub in_transit: i64,
}

pub struct SuggestLine {
    pub supplier: String,
    pub part: String,
    pub qty: u64,
    pub position: i64,
    pub reorder_point: u64,
    pub safety_stock: u64,
}

pub struct ShipmentLine {
    pub id: String,
    pub supplier: String,
    pub reference: String,
    pub warehouse: String,
    pub bin: String,
    pub part: String,
    pub qty: i64,
    pub shipped: String,
    pub expected: String,
    pub received: Option<String>,
    pub late: bool,
}

/// What the shipment form last held (kept after a refusal).
#[derive(Debug, Default, Clone)]
pub struct ShipmentForm {
    pub supplier: String,
    pub reference: String,
    pub warehouse: String,
    pub bin: String,
    pub part: String,
    pub qty: String,
    pub shipped_on: String,
    pub expected_on: String,
}

impl From<ShipmentInput> for ShipmentForm {
    fn from(s: ShipmentInput) -> Self {
        ShipmentForm {
            supplier: s.supplier.unwrap_or_default(),
            reference: s.reference,
            warehouse: s.warehouse,
            bin: s.bin,
            part: s.part,
            qty: s.qty.unwrap_or_default(),
            shipped_on: s.shipped_on,
            expected_on: s.expected_on,
        }
    }
}

#[derive(Template)]
#[template(path = "fleet/parts.html")]
struct PartsPage {
    chrome: Chrome,
    stock: Vec<StockLine>,
    movements: Vec<(String, String, String, i64, String, String)>,
    suggested: Vec<SuggestLine>,
    parts: usize,
    shipments: Vec<ShipmentLine>,
    warehouses: Vec<(String, String)>,
    suppliers: Vec<(String, String)>,
    can_manage: bool,
    form: ShipmentForm,
    errors: FormErrors,
}

pub(super) async fn parts_page(State(state): State<AppState>, ctx: Ctx) -> Result<Response, AppError> {
    parts_page_with(&state, &ctx, ShipmentForm::default(), FormErrors::default(), StatusCode::OK).await
}

async fn parts_page_with(
    state: &AppState,
    ctx: &Ctx,
    form: ShipmentForm,
    errors: FormErrors,
    status: StatusCode,
) -> Result<Response, AppError> {
    let (app, actor) = (state.app(), ctx.actor());
    let tr = &ctx.tr;
    // Owners do not see the parts store: the first read refuses them.
    let stock = app.fleet_stock(&actor).await?;
    let scope = app.fleet_scope(&actor).await?;
    let today = app.fleet_today().await?;
    let owners = app.fleet_owner_names().await?;
    let movements = app.fleet_movements(&actor, None, 50).await?;
    let suggested = app.fleet_suggested_orders(&actor).await?;
    let catalogue = app.fleet_parts(&actor).await?;
    let parts = catalogue.len();
    let shipments = app.fleet_shipments(&actor, 200).await?;
    let name = |o: &accord_domain::OrganisationId| owners.get(o).cloned().unwrap_or_else(|| o.to_string());
    let mut suppliers: Vec<(String, String)> =
        catalogue.iter().filter_map(|p| p.supplier).map(|o| (o.to_string(), name(&o))).collect();
    suppliers.sort_by(|a, b| a.1.cmp(&b.1));
    suppliers.dedup();
    let mut warehouses: Vec<(String, String)> =
        stock.iter().map(|s| (s.warehouse.to_string(), s.warehouse_name.clone())).collect();
    warehouses.sort_by(|a, b| a.1.cmp(&b.1));
    warehouses.dedup();
    let form = ShipmentForm {
        shipped_on: if form.shipped_on.is_empty() { today.to_string() } else { form.shipped_on },
        ..form
    };
    let page = PartsPage {
        chrome: Chrome::new(ctx, state.is_demo(), "fleet", tr.t("fleet-parts-title")).crumb("fleet-title", "/fleet"),
        stock: stock
            .into_iter()
            .take(300)
            .map(|s| StockLine {
                warehouse: s.warehouse_name,
                bin: s.bin,
                part: s.part,
                qty: s.qty,
                reserved: s.reserved,
                in_transit: s.in_transit,
            })
            .collect(),
        movements: movements
            .into_iter()
            .map(|m| (tr.day(m.on_date), m.warehouse, m.part, m.delta, m.kind, m.by.unwrap_or_default()))
            .collect(),
        suggested: suggested
            .iter()
            .flat_map(|o| {
                let supplier = name(&o.supplier);
                o.lines.iter().map(move |l| SuggestLine {
                    supplier: supplier.clone(),
                    part: l.part.to_string(),
                    qty: l.qty,
                    position: l.position,
                    reorder_point: l.reorder_point,
                    safety_stock: l.safety_stock,
                })
            })
            .collect(),
        parts,
        shipments: shipments
            .iter()
            .map(|s| ShipmentLine {
                id: s.id.to_string(),
                supplier: s.supplier.map(|o| name(&o)).unwrap_or_default(),
                reference: s.reference.clone(),
                warehouse: s.warehouse_name.clone(),
                bin: s.bin.clone(),
                part: s.part.clone(),
                qty: s.qty,
                shipped: tr.day(s.shipped_on),
                expected: tr.day(s.expected_on),
                received: s.received_on.map(|d| tr.day(d)),
                late: s.received_on.is_none() && s.expected_on < today,
            })
            .collect(),
        warehouses,
        suppliers,
        can_manage: scope.manage,
        form,
        errors,
    };
    render_status(status, &page)
}

/// Records a shipment in transit from the parts page; a refusal names the part beside the
/// field.
pub(super) async fn shipment_form(
    State(state): State<AppState>,
    CsrfForm(ctx, input): CsrfForm<ShipmentInput>,
) -> Result<Response, AppError> {
    match state.app().shipment_add(&ctx.actor(), &input).await {
        Ok(_) => Ok(redirect_with_flash(&ctx, "/fleet/parts#shipments", "fleet-shipment-added")),
        Err(error) => {
            let field = |f: &str| match f {
                "expected_on" => "expected_on",
                "shipped_on" => "shipped_on",
                "warehouse" => "warehouse",
                "supplier" => "supplier",
                "bin" => "bin",
                "qty" => "qty",
                _ => "part",
            };
            let (status, errors) = match error {
                accord_app::Error::Refused(rule) if rule.field.is_some() => {
                    let message = ctx.tr.ta(&rule.key, &rule.args);
                    let at = field(rule.field.unwrap_or_default());
                    (StatusCode::UNPROCESSABLE_ENTITY, FormErrors::with(vec![(at, message.clone())], Some(message)))
                }
                accord_app::Error::Invalid(invalid) => {
                    let messages = invalid.0.iter().map(|e| (field(e.field), ctx.tr.reason(e.reason))).collect();
                    (StatusCode::UNPROCESSABLE_ENTITY, FormErrors::with(messages, None))
                }
                other => FormErrors::from_app_error(&ctx.tr, other.into())?,
            };
            parts_page_with(&state, &ctx, input.into(), errors, status).await
        }
    }
}

/// Receives a shipment (after a confirmation): it becomes a receipt into its bin.
pub(super) async fn receive_form(
    State(state): State<AppState>,
    Path(id): Path<String>,
    CsrfForm(ctx, _form): CsrfForm<HashMap<String, String>>,
) -> Result<Response, AppError> {
    let id = accord_store::ShipmentId(uuid::Uuid::from_str(id.trim()).map_err(|_| AppError::NotFound)?);
    state.app().shipment_receive(&ctx.actor(), id, &ShipmentReceipt::default()).await?;
    Ok(redirect_with_flash(&ctx, "/fleet/parts#shipments", "fleet-shipment-received"))
}
