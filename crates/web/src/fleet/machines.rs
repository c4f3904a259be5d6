//! The machines table (`/fleet`) and a machine's page (`/fleet/machines/{id}`) with its forms
//! (the forms' handlers are in `machine_forms`).

use super::lines::{
    Choice, KpiLine, MachineLine, OrderLine, WarrantyLine, brand_name, day, hours, k, kpi_line, machine_line,
    meter_code, order_line, void_label, warranty_line,
};
use crate::AppState;
use crate::ctx::Ctx;
use crate::error::AppError;
use crate::layout::{Chrome, FormErrors, ListLinks, render, render_status};
use accord_app::fleet::{MachineChange, MachineQuery, VOID_REASONS, status_code};
use accord_domain::MachineId;
use accord_domain::directory::Action;
use accord_domain::fleet::assembly::AssemblyEventKind;
use accord_domain::fleet::machine::MachineStatus;
use accord_domain::fleet::meter::MeterKind;
use accord_domain::fleet::regime::CorrectionFactors;
use accord_report::trade_charts::{Series, trend_lines};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use chrono::Datelike;
use std::collections::HashMap;
use std::str::FromStr;

#[derive(Template)]
#[template(path = "fleet/machines.html")]
struct MachinesPage {
    chrome: Chrome,
    rows: Vec<MachineLine>,
    links: ListLinks,
    brands: Vec<(String, String)>,
    models: Vec<(String, String)>,
    owners: Vec<(String, String)>,
    districts: Vec<String>,
    statuses: Vec<(String, String)>,
    query: MachineQuery,
}

impl MachinesPage {
    fn selected(&self, field: &str, value: &str) -> bool {
        let v = match field {
            "brand" => &self.query.brand,
            "model" => &self.query.model,
            "owner" => &self.query.owner,
            "district" => &self.query.district,
            _ => &self.query.status,
        };
        v.as_deref() == Some(value)
    }
}

fn sorted_unique<T: Ord + Clone>(mut list: Vec<T>) -> Vec<T> {
    list.sort();
    list.dedup();
    list
}

pub(super) async fn machines_page(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<MachineQuery>,
) -> Result<Response, AppError> {
    ctx.require(Action::Read)?;
    let app = state.app();
    let actor = ctx.actor();
    let list = app.fleet_machines(&actor, &q).await?;
    let scope = app.fleet_scope(&actor).await?;
    let snap = state.store().fleet_snapshot().await?;
    let owners = app.fleet_owner_names().await?;
    let tr = &ctx.tr;
    // The filters offer what the reader sees.
    let visible: Vec<_> = snap.machines.iter().filter(|m| scope.sees(&m.machine)).collect();
    let brands = sorted_unique(visible.iter().map(|m| accord_store::brand_code(&m.machine.brand)).collect());
    let mut models: Vec<(String, String)> =
        visible.iter().map(|m| (m.machine.model.to_string(), m.model_name.clone())).collect();
    models.sort_by(|a, b| a.1.cmp(&b.1));
    models.dedup();
    let mut owner_list: Vec<(String, String)> = visible
        .iter()
        .map(|m| (m.machine.owner.to_string(), owners.get(&m.machine.owner).cloned().unwrap_or_default()))
        .collect();
    owner_list.sort_by(|a, b| a.1.cmp(&b.1));
    owner_list.dedup();
    let districts = sorted_unique(visible.iter().map(|m| m.machine.district.0.clone()).collect());
    let filters: Vec<(String, String)> = [
        ("brand", &q.brand),
        ("model", &q.model),
        ("owner", &q.owner),
        ("district", &q.district),
        ("status", &q.status),
    ]
    .into_iter()
    .filter_map(|(k, v)| v.as_ref().filter(|v| !v.is_empty()).map(|v| (k.to_string(), v.clone())))
    .collect();
    let page = MachinesPage {
        chrome: Chrome::new(&ctx, state.is_demo(), "fleet", tr.t("fleet-title")),
        rows: list.items.iter().map(|m| machine_line(tr, m)).collect(),
        links: ListLinks {
            base: "/fleet".into(),
            filters,
            sort: q.sort.clone().unwrap_or_else(|| "brand".into()),
            descending: q.dir.as_deref() == Some("desc"),
            page: list.page,
            pages: ((list.total + list.per_page - 1) / list.per_page).max(1),
            total: list.total,
        },
        brands: brands.into_iter().map(|b| (b.clone(), brand_name(tr, &b))).collect(),
        models,
        owners: owner_list,
        districts,
        statuses: MachineStatus::ALL.into_iter().map(|s| (status_code(s), k(tr, s.key()))).collect(),
        query: q,
    };
    render(&page)
}

pub struct MeterLine {
    pub kind: String,
    pub value: String,
    pub per_day: String,
    pub read_on: String,
}

/// A reading as listed on a machine's page, with its void form.
pub struct ReadingLine {
    pub id: String,
    pub kind: String,
    pub date: String,
    pub value: String,
    pub cumulative: String,
    pub voided: Option<String>,
}

/// What the reading form last held (kept after a refusal).
#[derive(Debug, Default, Clone)]
pub struct ReadingForm {
    pub meter: String,
    pub date: String,
    pub value: String,
}

/// What the warranty form last held (kept after a refusal).
#[derive(Debug, Default, Clone)]
pub struct WarrantyForm {
    pub part: String,
    pub from: String,
    pub until: String,
    pub limit_meter: String,
    pub up_to: String,
    pub note: String,
}

/// What the register entry's form last held (kept after a refusal).
#[derive(Debug, Default, Clone)]
pub struct MachineEditForm {
    pub status: String,
    pub district: String,
    pub commissioned_on: String,
    pub operating: String,
    pub climate: String,
    pub version: String,
}

impl From<&MachineChange> for MachineEditForm {
    fn from(c: &MachineChange) -> Self {
        let text = |v: &Option<String>| v.clone().unwrap_or_default();
        MachineEditForm {
            status: text(&c.status),
            district: text(&c.district),
            commissioned_on: text(&c.commissioned_on),
            operating: text(&c.operating),
            climate: text(&c.climate),
            version: text(&c.version),
        }
    }
}

/// The forms of a machine's page as last submitted.
#[derive(Debug, Default, Clone)]
pub struct MachineForms {
    pub reading: ReadingForm,
    pub warranty: WarrantyForm,
    pub edit: Option<MachineEditForm>,
}

/// Readings listed on a machine's page (the API gives them all).
const PAGE_READINGS: i64 = 30;

#[derive(Template)]
#[template(path = "fleet/machine.html")]
struct MachinePage {
    chrome: Chrome,
    id: String,
    m: MachineLine,
    commissioned: String,
    meters: Vec<MeterLine>,
    next_service: Option<(String, String, String, bool)>,
    orders: Vec<OrderLine>,
    kpi: Option<KpiLine>,
    chart: String,
    can_manage: bool,
    /// The machine's meters: (code, label).
    meter_kinds: Vec<(String, String)>,
    readings: Vec<ReadingLine>,
    void_reasons: Vec<(String, String)>,
    form: ReadingForm,
    warranty_form: WarrantyForm,
    edit: MachineEditForm,
    statuses: Vec<(String, String)>,
    /// The operating category and the climate, each a select of permille values.
    factor_choices: Vec<Choice>,
    /// The intervals' factors in force, as "0,8 × 0,9".
    factors: String,
    warranties: Vec<WarrantyLine>,
    /// Fitted now: (id, kind, serial, usage with unit, since).
    fitted: Vec<(String, String, String, String, String)>,
    /// On the shelf of the pool: (id, label).
    shelf: Vec<(String, String)>,
    /// Installs and removals here: (date, event, kind, serial, machine meter).
    assembly_history: Vec<(String, String, String, String, String)>,
    errors: FormErrors,
}

pub(super) async fn machine_page(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let id = MachineId::from_str(&id).map_err(|_| AppError::NotFound)?;
    machine_page_with(&state, &ctx, id, MachineForms::default(), FormErrors::default(), StatusCode::OK).await
}

/// The machine's page, with its forms as last submitted and their errors.
pub(super) async fn machine_page_with(
    state: &AppState,
    ctx: &Ctx,
    id: MachineId,
    forms: MachineForms,
    errors: FormErrors,
    status: StatusCode,
) -> Result<Response, AppError> {
    let app = state.app();
    let actor = ctx.actor();
    let data = app.fleet_machine(&actor, id).await?;
    let scope = app.fleet_scope(&actor).await?;
    let stored = app.fleet_machine_entry(&actor, id).await?;
    let tr = &ctx.tr;
    let today = data.today;
    let names = HashMap::from([(id, data.name.clone())]);
    let line = machine_line(tr, &data.machine);
    let labels: Vec<String> = data
        .usage
        .first()
        .map(|(_, pts)| pts.iter().map(|(d, _)| format!("{:02}.{}", d.month(), d.year())).collect())
        .unwrap_or_default();
    let series: Vec<Series> = data
        .usage
        .iter()
        .map(|(kind, pts)| {
            let base = pts.first().map_or(0, |p| p.1);
            Series::new(k(tr, kind.key()), pts.iter().map(|p| (p.1 - base) as f64))
        })
        .collect();
    let chart =
        if series.is_empty() { String::new() } else { trend_lines(&tr.t("fleet-usage-chart"), &labels, &series, "") };
    let readings = app.fleet_readings(&actor, id, PAGE_READINGS).await?;
    let mut kinds: Vec<MeterKind> = data.meters.iter().map(|m| m.kind).chain(readings.iter().map(|r| r.kind)).collect();
    kinds.sort();
    kinds.dedup();
    let MachineForms { reading: form, warranty: warranty_form, edit } = forms;
    let edit = edit.unwrap_or_else(|| MachineEditForm::from(&MachineChange::of(&stored)));
    let permille = |v: u16| tr.decimal(rust_decimal::Decimal::new(i64::from(v), 3).normalize());
    let factors =
        format!("{} × {}", permille(stored.machine.factors.operating), permille(stored.machine.factors.climate));
    let form = ReadingForm { date: if form.date.is_empty() { today.to_string() } else { form.date }, ..form };
    let warranty_form = WarrantyForm {
        from: if warranty_form.from.is_empty() { today.to_string() } else { warranty_form.from },
        ..warranty_form
    };
    let warranties = app.fleet_warranties(&actor, id).await?;
    let (installed, history) = app.fleet_machine_assemblies(&actor, id).await?;
    // The shelf of the exchange pool is offered to those who fit assemblies (who see the pool).
    let pool = if scope.manage { app.fleet_assemblies(&actor).await? } else { Vec::new() };
    let usage = |a: &accord_store::AssemblyRow| format!("{} {}", tr.int(a.usage), k(tr, a.assembly.meter.unit_key()));
    let fitted = installed
        .iter()
        .filter_map(|a| {
            let at = a.installed?;
            Some((
                a.assembly.id.to_string(),
                k(tr, a.assembly.kind.key()),
                a.assembly.serial.to_string(),
                usage(a),
                tr.day(at.since),
            ))
        })
        .collect();
    let shelf = pool
        .iter()
        .filter(|a| a.installed.is_none() && kinds.contains(&a.assembly.meter))
        .map(|a| {
            (
                a.assembly.id.to_string(),
                format!("{} {} ({})", k(tr, a.assembly.kind.key()), a.assembly.serial, usage(a)),
            )
        })
        .collect();
    let assembly_history = history
        .iter()
        .map(|e| {
            let event = match e.event {
                AssemblyEventKind::Installed => tr.t("fleet-assembly-installed"),
                AssemblyEventKind::Removed => tr.t("fleet-assembly-removed"),
            };
            (tr.day(e.date), event, k(tr, e.kind.key()), e.serial.clone(), tr.int(e.machine_meter))
        })
        .collect();
    let page = MachinePage {
        chrome: Chrome::new(ctx, state.is_demo(), "fleet", format!("{} {}", line.model, line.ident))
            .crumb("fleet-title", "/fleet")
            .crumb_text(line.ident.clone()),
        id: id.to_string(),
        commissioned: day(tr, data.machine.commissioned_on),
        meters: data
            .meters
            .iter()
            .map(|mv| MeterLine {
                kind: k(tr, mv.kind.key()),
                value: format!("{} {}", tr.int(mv.value), k(tr, mv.kind.unit_key())),
                per_day: hours(tr, Some(mv.per_day)),
                read_on: tr.day(mv.read_on),
            })
            .collect(),
        next_service: data
            .next_service
            .as_ref()
            .map(|d| (k(tr, d.kind.key()), day(tr, d.due_date), day(tr, d.forecast), d.overdue)),
        orders: data.work_orders.iter().map(|o| order_line(tr, o, &names)).collect(),
        kpi: data.kpi.as_ref().map(|r| kpi_line(tr, tr.t("fleet-last-year"), r.sums.machines, &r.kpi)),
        chart,
        can_manage: scope.manage,
        meter_kinds: kinds.iter().map(|kd| (meter_code(*kd), k(tr, kd.key()))).collect(),
        readings: readings
            .iter()
            .map(|r| ReadingLine {
                id: r.id.to_string(),
                kind: k(tr, r.kind.key()),
                date: tr.day(r.date),
                value: tr.int(r.value),
                cumulative: tr.int(r.cumulative),
                voided: r.voided.as_ref().map(|v| void_label(tr, v)),
            })
            .collect(),
        void_reasons: VOID_REASONS.iter().map(|r| (r.to_string(), tr.t(&format!("fleet-void-reason-{r}")))).collect(),
        form,
        warranty_form,
        edit: edit.clone(),
        statuses: MachineStatus::ALL.into_iter().map(|s| (status_code(s), k(tr, s.key()))).collect(),
        factor_choices: [
            ("operating", &CorrectionFactors::OPERATING[..], edit.operating.clone()),
            ("climate", &CorrectionFactors::CLIMATE[..], edit.climate.clone()),
        ]
        .into_iter()
        .map(|(name, values, current)| Choice {
            name,
            label: tr.t(&format!("fleet-field-{name}")),
            options: values
                .iter()
                .map(|v| (v.to_string(), tr.ta(&format!("fleet-{name}-{v}"), &[("factor", permille(*v))])))
                .collect(),
            current,
        })
        .collect(),
        factors,
        warranties: warranties.iter().map(|w| warranty_line(tr, w)).collect(),
        fitted,
        shelf,
        assembly_history,
        errors,
        m: line,
    };
    render_status(status, &page)
}
