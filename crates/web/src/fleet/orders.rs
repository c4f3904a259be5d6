//! The due list (`/fleet/due`, with its one-click preventive orders), the work orders list and an
//! order's page with its steps, work lines and part issues, and the printable order.

use super::lines::{MachineLine, OrderLine, day, k, machine_line, machine_names, order_line};
use crate::AppState;
use crate::ctx::{CsrfForm, Ctx};
use crate::error::AppError;
use crate::i18n::Tr;
use crate::layout::{Chrome, ListLinks, redirect_with_flash, render};
use accord_app::fleet::{DueRow, PartIssueInput, PreventiveInput, WorkLineInput, WorkOrderStep, actions_from};
use accord_domain::WorkOrderId;
use accord_domain::directory::Action;
use accord_domain::fleet::work_order::WorkOrderStatus;
use accord_domain::trade::{Currency, Money};
use accord_store::Paging;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use std::str::FromStr;

pub struct DueLine {
    pub machine: MachineLine,
    pub service: String,
    pub due: String,
    pub forecast: String,
    pub overdue: bool,
}

#[derive(Template)]
#[template(path = "fleet/due.html")]
struct DuePage {
    chrome: Chrome,
    rows: Vec<DueLine>,
    can_create: bool,
    today: String,
}

fn due_line(tr: &Tr, d: &DueRow) -> DueLine {
    DueLine {
        machine: machine_line(tr, &d.machine),
        service: k(tr, d.service.key()),
        due: day(tr, d.due_date),
        forecast: day(tr, d.forecast),
        overdue: d.overdue,
    }
}

pub(super) async fn due_page(State(state): State<AppState>, ctx: Ctx) -> Result<Response, AppError> {
    ctx.require(Action::Read)?;
    let (app, actor) = (state.app(), ctx.actor());
    let (today, rows) = app.fleet_due(&actor).await?;
    let scope = app.fleet_scope(&actor).await?;
    let tr = &ctx.tr;
    render(&DuePage {
        chrome: Chrome::new(&ctx, state.is_demo(), "fleet", tr.t("fleet-due-title")).crumb("fleet-title", "/fleet"),
        rows: rows.iter().map(|d| due_line(tr, d)).collect(),
        can_create: scope.edit_orders,
        today: tr.day(today),
    })
}

/// The due list's form: the machines ticked (`machine` repeated).
pub(super) async fn create_preventive(
    State(state): State<AppState>,
    CsrfForm(ctx, form): CsrfForm<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let machines = form.into_iter().filter(|(k, _)| k == "machine").map(|(_, v)| v).collect();
    state.app().preventive_orders_create(&ctx.actor(), &PreventiveInput { machines }).await?;
    Ok(redirect_with_flash(&ctx, "/fleet/workorders?open=1", "fleet-preventive-created"))
}

#[derive(Debug, Default, Deserialize)]
pub(super) struct OrdersQuery {
    open: Option<String>,
    page: Option<i64>,
}

#[derive(Template)]
#[template(path = "fleet/orders.html")]
struct OrdersPage {
    chrome: Chrome,
    rows: Vec<OrderLine>,
    links: ListLinks,
    open_only: bool,
}

pub(super) async fn orders_page(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<OrdersQuery>,
) -> Result<Response, AppError> {
    ctx.require(Action::Read)?;
    let open_only = q.open.as_deref().is_some_and(|v| !v.is_empty() && v != "0");
    let page = state.app().fleet_work_orders(&ctx.actor(), None, open_only, Paging::new(q.page, Some(50))).await?;
    let names = machine_names(&*state.store().fleet_snapshot().await?);
    let tr = &ctx.tr;
    render(&OrdersPage {
        chrome: Chrome::new(&ctx, state.is_demo(), "fleet", tr.t("fleet-orders-title")).crumb("fleet-title", "/fleet"),
        rows: page.items.iter().map(|o| order_line(tr, o, &names)).collect(),
        links: ListLinks {
            base: "/fleet/workorders".into(),
            filters: if open_only { vec![("open".into(), "1".into())] } else { Vec::new() },
            sort: "number".into(),
            descending: true,
            page: page.page,
            pages: page.pages(),
            total: page.total,
        },
        open_only,
    })
}

pub struct WorkView {
    pub operation: String,
    pub hours: String,
    pub warranty: bool,
}

pub struct PartView {
    pub part: String,
    pub qty: u32,
    pub price: String,
    pub warranty: bool,
}

#[derive(Template)]
#[template(path = "fleet/order.html")]
struct OrderPage {
    chrome: Chrome,
    id: String,
    /// The order's version: every form of the page names it.
    version: i64,
    machine: String,
    machine_id: String,
    kind: String,
    status: String,
    service: String,
    opened: String,
    started: String,
    finished: String,
    signed: String,
    work: Vec<WorkView>,
    parts: Vec<PartView>,
    total: String,
    actions: Vec<(String, String)>,
    can_edit: bool,
    warehouses: Vec<(String, String, String, i64)>,
}

fn order_id(id: &str) -> Result<WorkOrderId, AppError> {
    WorkOrderId::from_str(id).map_err(|_| AppError::NotFound)
}

pub(super) async fn order_page(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let (app, actor) = (state.app(), ctx.actor());
    let stored = app.fleet_work_order(&actor, order_id(&id)?).await?;
    let scope = app.fleet_scope(&actor).await?;
    let tr = &ctx.tr;
    let o = &stored.order;
    let names = machine_names(&*state.store().fleet_snapshot().await?);
    let at = |t: Option<chrono::NaiveDateTime>| {
        t.map_or_else(|| "—".to_string(), |t| format!("{} {}", tr.day(t.date()), t.format("%H:%M")))
    };
    let cost = o.cost(Money::new(accord_store::LABOUR_RATE_KOPECKS, Currency::Rub));
    let stock = if scope.edit_orders { app.fleet_stock(&actor).await? } else { Vec::new() };
    render(&OrderPage {
        chrome: Chrome::new(&ctx, state.is_demo(), "fleet", format!("{} № {}", tr.t("fleet-order"), stored.number))
            .crumb("fleet-orders-title", "/fleet/workorders")
            .crumb_text(format!("№ {}", stored.number)),
        id: o.id.to_string(),
        version: stored.version,
        machine: names.get(&o.machine).cloned().unwrap_or_default(),
        machine_id: o.machine.to_string(),
        kind: k(tr, o.kind.key()),
        status: k(tr, o.status.key()),
        service: o.service.map(|s| k(tr, s.key())).unwrap_or_default(),
        opened: at(Some(o.opened_at)),
        started: at(o.started_at),
        finished: at(o.finished_at),
        signed: o.sign_off.as_ref().map(|s| format!("{}, {}", s.by, at(Some(s.at)))).unwrap_or_default(),
        work: o
            .work
            .iter()
            .map(|w| WorkView {
                operation: w.operation.clone(),
                hours: tr.decimal(w.actual_hours.unwrap_or(w.standard_hours)),
                warranty: w.warranty.is_some(),
            })
            .collect(),
        parts: o
            .parts
            .iter()
            .map(|p| PartView {
                part: p.part.to_string(),
                qty: p.qty,
                price: tr.minor_units(p.unit_price.minor),
                warranty: p.warranty.is_some(),
            })
            .collect(),
        total: cost.map(|c| tr.minor_units(c.total.minor)).unwrap_or_default(),
        actions: if scope.edit_orders {
            actions_from(o.status).iter().map(|a| (a.to_string(), tr.t(&format!("fleet-action-{a}")))).collect()
        } else {
            Vec::new()
        },
        can_edit: scope.edit_orders && o.status != WorkOrderStatus::Closed,
        warehouses: stock
            .into_iter()
            .filter(|s| s.qty > 0)
            .map(|s| (s.warehouse.to_string(), s.warehouse_name, format!("{} · {}", s.part, s.bin), s.qty))
            .take(500)
            .collect(),
    })
}

/// A step of the order from its page's buttons; the sign-off button also closes the order, in
/// the same transaction.
pub(super) async fn order_action_form(
    State(state): State<AppState>,
    Path(id): Path<String>,
    CsrfForm(ctx, step): CsrfForm<WorkOrderStep>,
) -> Result<Response, AppError> {
    // The page's steps happen now; only the API states another time.
    let step = WorkOrderStep { at: None, ..step };
    state.app().work_order_act(&ctx.actor(), order_id(&id)?, &step).await?;
    Ok(redirect_with_flash(&ctx, &format!("/fleet/workorders/{id}"), "fleet-order-updated"))
}

pub(super) async fn order_work_form(
    State(state): State<AppState>,
    Path(id): Path<String>,
    CsrfForm(ctx, input): CsrfForm<WorkLineInput>,
) -> Result<Response, AppError> {
    state.app().work_order_add_work(&ctx.actor(), order_id(&id)?, &input).await?;
    Ok(redirect_with_flash(&ctx, &format!("/fleet/workorders/{id}"), "fleet-order-updated"))
}

pub(super) async fn order_issue_form(
    State(state): State<AppState>,
    Path(id): Path<String>,
    CsrfForm(ctx, input): CsrfForm<PartIssueInput>,
) -> Result<Response, AppError> {
    state.app().part_issue(&ctx.actor(), order_id(&id)?, &input).await?;
    Ok(redirect_with_flash(&ctx, &format!("/fleet/workorders/{id}"), "fleet-order-updated"))
}

pub(super) async fn order_pdf(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let stored = state.app().fleet_work_order(&ctx.actor(), order_id(&id)?).await?;
    let pdf = super::pdf::work_order_pdf(state.store(), &stored).await?;
    Ok((
        [
            (header::CONTENT_TYPE, "application/pdf".to_string()),
            (header::CONTENT_DISPOSITION, format!("inline; filename=\"work-order-{}.pdf\"", stored.number)),
        ],
        pdf,
    )
        .into_response())
}
