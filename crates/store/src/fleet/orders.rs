//! Work orders: opened (by hand, from the due list, from a file), moved through the domain's
//! status machine at the version the actor saw, and on close their marks on the machine
//! (downtime, failure, service done, cost, the regime's cycle step).

use super::OPEN_STATUSES;
use super::machines::require_machine;
use super::parts::{release, reserve};
use super::warranties::flag_in;
use super::{
    Bind, DueState, FleetFile, FleetImportOutcome, HistoryData, LABOUR_RATE_KOPECKS, code, datetime_text, insert_many,
    json, refused, unjson,
};
use crate::directory::new_uuid;
use crate::{Author, Result, Store, StoreError, WriteTx, corrupt};
use accord_domain::OrganisationId;
use accord_domain::audit::Change;
use accord_domain::fleet::kpi::{CostEntry, ServiceDone, closed_marks, open_order};
use accord_domain::fleet::machine::Machine;
use accord_domain::fleet::parts::PartNumber;
use accord_domain::fleet::regime::{CycleMark, MeterReadings, Regime, due_point, regime_for};
use accord_domain::fleet::work_order::{Action, WorkLine, WorkOrder, WorkOrderKind, WorkOrderStatus};
use accord_domain::trade::{Currency, Money};
use accord_domain::{MachineId, WorkOrderId};
use chrono::{NaiveDate, NaiveDateTime};
use serde::Serialize;
use std::collections::HashSet;
use std::str::FromStr;

/// A work order as stored.
#[derive(Debug, Clone, Serialize)]
pub struct StoredWorkOrder {
    pub number: i64,
    pub order: WorkOrder,
    pub version: i64,
}

/// A row of the work orders list.
#[derive(Debug, Clone, Serialize)]
pub struct WorkOrderRow {
    pub id: WorkOrderId,
    pub number: i64,
    pub machine: MachineId,
    pub kind: WorkOrderKind,
    pub status: WorkOrderStatus,
    pub opened_at: NaiveDateTime,
    pub finished_at: Option<NaiveDateTime>,
}

/// Filter of the work orders list.
#[derive(Debug, Clone, Default)]
pub struct WorkOrderFilter {
    pub machine: Option<MachineId>,
    /// Only orders not closed.
    pub open_only: bool,
    /// Only machines of these owners (`None`: all).
    pub owners: Option<Vec<OrganisationId>>,
}

fn status_json(status: &str) -> String {
    // Waiting statuses are stored as `waiting:parts`.
    match status.split_once(':') {
        Some((s, reason)) => format!("{{\"{s}\":\"{reason}\"}}"),
        None => format!("\"{status}\""),
    }
}

/// A status as stored: `open`, `in_progress`, `waiting:parts`, `done`, `closed`.
pub fn status_code(status: WorkOrderStatus) -> String {
    match serde_json::to_value(status) {
        Ok(serde_json::Value::String(s)) => s,
        Ok(serde_json::Value::Object(map)) => {
            map.iter().next().map(|(k, v)| format!("{k}:{}", v.as_str().unwrap_or_default())).unwrap_or_default()
        }
        _ => String::new(),
    }
}

/// Opens work orders (checked by the domain, lines flagged against the machines'
/// warranties), numbered on from the last; returns the numbers.
async fn create_orders(w: &mut WriteTx<'_>, orders: &[WorkOrder]) -> Result<Vec<i64>> {
    let (mut next,): (i64,) =
        sqlx::query_as("SELECT COALESCE(MAX(number), 0) + 1 FROM fleet_work_orders").fetch_one(&mut *w.tx).await?;
    let mut numbers = Vec::new();
    for o in orders {
        o.validate().map_err(|e| refused(e.key(), "finished_at", o.machine, &e, &e))?;
        require_machine(w, o.machine).await?;
        let mut o = o.clone();
        flag_in(w, &mut o).await?;
        insert_order(w, next, &o).await?;
        w.audit(Change::create("fleet_work_order", o.id, &o)).await?;
        note_order(w, None, &o).await?;
        numbers.push(next);
        next += 1;
    }
    Ok(numbers)
}

pub(super) const ORDER_COLUMNS: &str =
    "id, number, machine_id, kind, status, opened_at, finished_at, closed_at, body, version";

pub(super) fn order_binds(number: i64, o: &WorkOrder) -> Result<Vec<Bind>> {
    Ok(vec![
        Bind::T(o.id.to_string()),
        Bind::I(number),
        Bind::T(o.machine.to_string()),
        Bind::T(code(&o.kind)),
        Bind::T(status_code(o.status)),
        Bind::T(datetime_text(o.opened_at)),
        Bind::O(o.finished_at.map(datetime_text)),
        Bind::O(o.closed_at.map(datetime_text)),
        Bind::T(json(o)?),
        Bind::I(1),
    ])
}

async fn insert_order(w: &mut WriteTx<'_>, number: i64, o: &WorkOrder) -> Result<()> {
    w.touch_machine(o.machine);
    let row = order_binds(number, o)?;
    insert_many(w, "fleet_work_orders", ORDER_COLUMNS, &[row]).await
}

/// An order as `w` sees it: number, order, version; stale when not at `expected` (if given).
pub(super) async fn order_in(
    w: &mut WriteTx<'_>,
    id: WorkOrderId,
    expected: Option<i64>,
) -> Result<(i64, WorkOrder, i64)> {
    let row: Option<(i64, String, i64)> =
        sqlx::query_as("SELECT number, body, version FROM fleet_work_orders WHERE id = $1")
            .bind(id.to_string())
            .fetch_optional(&mut *w.tx)
            .await?;
    let (number, body, version) = row.ok_or(StoreError::NotFound { entity: "work order" })?;
    if expected.is_some_and(|e| e != version) {
        return Err(StoreError::Conflict { entity: "work order", current: version });
    }
    Ok((number, unjson("work order", &body)?, version))
}

pub(super) async fn update_order(w: &mut WriteTx<'_>, o: &WorkOrder, version: i64) -> Result<()> {
    o.validate().map_err(|e| refused(e.key(), "finished_at", o.machine, &e, &e))?;
    w.touch_machine(o.machine);
    let done = sqlx::query(
        "UPDATE fleet_work_orders SET status = $1, finished_at = $2, closed_at = $3, body = $4, version = version + 1 \
         WHERE id = $5 AND version = $6",
    )
    .bind(status_code(o.status))
    .bind(o.finished_at.map(datetime_text))
    .bind(o.closed_at.map(datetime_text))
    .bind(json(o)?)
    .bind(o.id.to_string())
    .bind(version)
    .execute(&mut *w.tx)
    .await?;
    if done.rows_affected() == 0 {
        return Err(StoreError::Conflict { entity: "work order", current: version });
    }
    Ok(())
}

/// An order's marks on its machine, after it was created or changed (`before`: as it was).
/// While it is not closed it stands in the history as an open order, whose downtime the
/// figures count from its start to its completion or on to the range's end; when it is closed
/// it leaves its downtime span, a failure (repairs), the service done (preventive, with the
/// due point the regime set and the cycle step it completes) and its cost net of warranty.
async fn note_order(w: &mut WriteTx<'_>, before: Option<&WorkOrder>, o: &WorkOrder) -> Result<()> {
    w.touch_machine(o.machine);
    let row: Option<(String, String, String)> = sqlx::query_as(
        "SELECT m.body, m.due_state, COALESCE(h.body, '') FROM fleet_machines m LEFT JOIN fleet_histories h ON h.machine_id = m.id WHERE m.id = $1",
    )
    .bind(o.machine.to_string())
    .fetch_optional(&mut *w.tx)
    .await?;
    let Some((machine, due, hist)) = row else { return Ok(()) };
    let mut due: DueState = unjson("due state", &due)?;
    let mut history: HistoryData = if hist.is_empty() { HistoryData::default() } else { unjson("history", &hist)? };
    history.open_orders.retain(|open| open.order != o.id);
    history.open_orders.extend(open_order(o));
    let closing = o.status == WorkOrderStatus::Closed && before.is_none_or(|b| b.status != WorkOrderStatus::Closed);
    if closing {
        let machine: Machine = unjson("machine", &machine)?;
        note_closed(w, o, &machine, &mut due, &mut history).await?;
        sqlx::query("UPDATE fleet_machines SET due_state = $1 WHERE id = $2")
            .bind(json(&due)?)
            .bind(o.machine.to_string())
            .execute(&mut *w.tx)
            .await?;
    }
    sqlx::query("UPDATE fleet_histories SET body = $1 WHERE machine_id = $2")
        .bind(json(&history)?)
        .bind(o.machine.to_string())
        .execute(&mut *w.tx)
        .await?;
    Ok(())
}

/// A closed order's lasting marks (see [`note_order`]).
async fn note_closed(
    w: &mut WriteTx<'_>,
    o: &WorkOrder,
    machine: &Machine,
    due: &mut DueState,
    history: &mut HistoryData,
) -> Result<()> {
    let end = o.finished_at.or(o.downtime_end).unwrap_or(o.opened_at);
    let (span, failure) = closed_marks(o);
    if let Some(span) = span {
        let at = history.states.partition_point(|s| s.from <= span.from);
        history.states.insert(at, span);
    }
    if let Some(failure) = failure {
        let at = history.failures.partition_point(|f| f.date <= failure.date);
        history.failures.insert(at, failure);
    }
    if o.kind == WorkOrderKind::Preventive {
        let regimes: Vec<(String,)> = sqlx::query_as("SELECT body FROM fleet_regimes WHERE model_id = $1")
            .bind(machine.model.to_string())
            .fetch_all(&mut *w.tx)
            .await?;
        let regimes = regimes.iter().map(|(b,)| unjson::<Regime>("regime", b)).collect::<Result<Vec<_>>>()?;
        let regime = regime_for(&regimes, machine.model, machine.engine.as_ref());
        if let Some((regime, input)) = regime.and_then(|r| Some((r, due.input(machine, r, Default::default())?))) {
            let readings: MeterReadings<'_> = [&history.odometer, &history.engine_hours, &[]];
            // On time against the regime's due point, not the day the order was opened.
            if let Some(point) = due_point(&input, o.service, readings) {
                let service = ServiceDone { due: point, done: Some(end.date()) };
                let at = history.services.partition_point(|s| s.due <= point);
                history.services.insert(at, service);
            }
            if let Some(kind) = o.service {
                if regime.seasonal().iter().any(|s| s.kind == kind) {
                    due.last_seasonal.retain(|(k, _)| *k != kind);
                    due.last_seasonal.push((kind, end.date()));
                } else if let Some(step) = regime.step_after(due.last_cycle.map_or(0, |c| c.step), kind) {
                    // An order that did not record the meters at intake (a file's) takes them
                    // from the readings, so the next service is counted from the right base.
                    let mut meters = o.meters;
                    for (i, series) in readings.iter().enumerate() {
                        if meters.0[i].is_none() {
                            meters.0[i] = value_on(series, o.opened_at.date());
                        }
                    }
                    due.last_cycle = Some(CycleMark { step, date: end.date(), meters });
                }
            }
        }
    }
    if let Ok(cost) = o.cost(Money::new(LABOUR_RATE_KOPECKS, Currency::Rub)) {
        let entry = CostEntry { date: end.date(), minor: cost.total.minor - cost.under_warranty.minor };
        let at = history.costs.partition_point(|c| c.date <= entry.date);
        history.costs.insert(at, entry);
    }
    Ok(())
}

/// The last reading on or before `day` (the meter at the start of that day).
fn value_on(series: &[(NaiveDate, i64)], day: NaiveDate) -> Option<i64> {
    let i = series.partition_point(|(d, _)| *d <= day);
    i.checked_sub(1).and_then(|j| series.get(j)).map(|(_, v)| *v)
}

impl Store {
    /// Opens work orders (checked by the domain: times in order), all or none.
    pub async fn fleet_work_orders_create(
        &self,
        author: Author<'_>,
        orders: &[WorkOrder],
        file: Option<&FleetFile>,
    ) -> Result<(FleetImportOutcome, Vec<i64>)> {
        let Some(mut w) = self.fleet_import_begin(author, file).await? else {
            return Ok((FleetImportOutcome { unchanged: true, inserted: 0 }, Vec::new()));
        };
        let numbers = self.fleet_work_orders_create_in(&mut w, orders).await?;
        self.fleet_import_end(w, file).await?;
        Ok((FleetImportOutcome { unchanged: false, inserted: orders.len() as u64 }, numbers))
    }

    /// [`Store::fleet_work_orders_create`] inside the caller's transaction; returns the new
    /// orders' numbers.
    pub async fn fleet_work_orders_create_in(&self, w: &mut WriteTx<'_>, orders: &[WorkOrder]) -> Result<Vec<i64>> {
        create_orders(w, orders).await
    }

    /// Opens a preventive work order for each machine whose next service is due by
    /// `horizon`, with the service's operations as work lines. Returns the order numbers.
    pub async fn fleet_create_preventive(
        &self,
        author: Author<'_>,
        machines: &[MachineId],
        today: NaiveDate,
        at: NaiveDateTime,
    ) -> Result<Vec<i64>> {
        let mut w = self.begin_write(author).await?;
        let numbers = self.fleet_create_preventive_in(&mut w, machines, today, at).await?;
        w.commit().await?;
        Ok(numbers)
    }

    /// [`Store::fleet_create_preventive`] inside the caller's transaction. The due list comes
    /// from the cached snapshot (a pool read), the orders and reservations go in `w`.
    pub async fn fleet_create_preventive_in(
        &self,
        w: &mut WriteTx<'_>,
        machines: &[MachineId],
        today: NaiveDate,
        at: NaiveDateTime,
    ) -> Result<Vec<i64>> {
        let snap = self.fleet_snapshot().await?;
        let wanted: HashSet<MachineId> = machines.iter().copied().collect();
        let due = snap.due_list(today, |m| wanted.contains(&m.id));
        let mut orders = Vec::new();
        for d in due {
            let Some(m) = snap.machine(d.machine) else { continue };
            let meters = snap.meters.get(&d.machine).copied().unwrap_or_default().snapshot();
            let mut o = WorkOrder::new(WorkOrderId(new_uuid()), d.machine, WorkOrderKind::Preventive, at, meters);
            o.service = Some(d.kind);
            if let Some(content) = snap.regime_of(&m.machine).and_then(|r| r.content(d.kind)) {
                for op in &content.operations {
                    let line = WorkLine {
                        operation: op.code.clone(),
                        standard_hours: op.standard_hours,
                        actual_hours: None,
                        technician: None,
                        part: None,
                        warranty: None,
                    };
                    o.add_work(line).map_err(|e| refused(e.key(), "work", d.machine, &op.code, &e))?;
                }
            }
            let needs: Vec<(PartNumber, u32)> = snap
                .regime_of(&m.machine)
                .and_then(|r| r.content(d.kind))
                .map(|c| c.parts.iter().map(|p| (p.part.clone(), p.qty)).collect())
                .unwrap_or_default();
            orders.push((o, needs));
        }
        let list: Vec<WorkOrder> = orders.iter().map(|(o, _)| o.clone()).collect();
        let numbers = create_orders(w, &list).await?;
        for (o, needs) in &orders {
            reserve(w, o.id, needs).await?;
        }
        Ok(numbers)
    }

    pub async fn fleet_work_order(&self, id: WorkOrderId) -> Result<StoredWorkOrder> {
        let row: Option<(i64, String, i64)> =
            sqlx::query_as("SELECT number, body, version FROM fleet_work_orders WHERE id = $1")
                .bind(id.to_string())
                .fetch_optional(&self.pool)
                .await?;
        let (number, body, version) = row.ok_or(StoreError::NotFound { entity: "work order" })?;
        Ok(StoredWorkOrder { number, order: unjson("work order", &body)?, version })
    }

    /// Work orders, latest first.
    pub async fn fleet_work_orders(
        &self,
        filter: &WorkOrderFilter,
        paging: crate::Paging,
    ) -> Result<crate::Page<WorkOrderRow>> {
        let mut wh = vec!["1 = 1".to_string()];
        let mut binds: Vec<String> = Vec::new();
        if let Some(m) = filter.machine {
            binds.push(m.to_string());
            wh.push(format!("w.machine_id = ${}", binds.len()));
        }
        if filter.open_only {
            wh.push(format!("w.status IN ({OPEN_STATUSES})"));
        }
        if let Some(owners) = &filter.owners {
            if owners.is_empty() {
                wh.push("1 = 0".into());
            } else {
                let mut marks = Vec::new();
                for o in owners {
                    binds.push(o.to_string());
                    marks.push(format!("${}", binds.len()));
                }
                wh.push(format!("m.owner_id IN ({})", marks.join(", ")));
            }
        }
        let from =
            format!("FROM fleet_work_orders w JOIN fleet_machines m ON m.id = w.machine_id WHERE {}", wh.join(" AND "));
        let count_sql = format!("SELECT COUNT(*) {from}");
        let mut count = sqlx::query_as::<_, (i64,)>(&count_sql);
        for b in &binds {
            count = count.bind(b);
        }
        let (total,) = count.fetch_one(&self.pool).await?;
        let sql = format!(
            "SELECT w.id, w.number, w.machine_id, w.kind, w.status, w.opened_at, w.finished_at {from} ORDER BY w.number DESC LIMIT {} OFFSET {}",
            paging.per_page,
            paging.offset()
        );
        let mut q = sqlx::query_as::<_, (String, i64, String, String, String, String, Option<String>)>(&sql);
        for b in &binds {
            q = q.bind(b);
        }
        let rows = q.fetch_all(&self.pool).await?;
        let parse_at = |t: &str| NaiveDateTime::parse_from_str(t, "%Y-%m-%dT%H:%M:%S").map_err(corrupt("time"));
        let items = rows
            .into_iter()
            .map(|(id, number, machine, kind, status, opened, finished)| {
                Ok(WorkOrderRow {
                    id: WorkOrderId::from_str(&id).map_err(corrupt("id"))?,
                    number,
                    machine: MachineId::from_str(&machine).map_err(corrupt("id"))?,
                    kind: unjson("kind", &format!("\"{kind}\""))?,
                    status: unjson("status", &status_json(&status))?,
                    opened_at: parse_at(&opened)?,
                    finished_at: finished.as_deref().map(parse_at).transpose()?,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(crate::Page { items, total, page: paging.page, per_page: paging.per_page })
    }

    /// Moves a work order on (the domain's status machine); on close, the machine's history
    /// (downtime, failure, service, cost) and, for a preventive order, its cycle mark follow.
    pub async fn fleet_work_order_apply(
        &self,
        author: Author<'_>,
        id: WorkOrderId,
        action: Action,
        at: NaiveDateTime,
    ) -> Result<StoredWorkOrder> {
        let mut w = self.begin_write(author).await?;
        let order = self.fleet_work_order_apply_in(&mut w, id, None, action, at).await?;
        w.commit().await?;
        Ok(order)
    }

    /// [`Store::fleet_work_order_apply`] inside the caller's transaction, at the version the
    /// actor saw (`expected`; `None` takes the order as it is in `w`).
    pub async fn fleet_work_order_apply_in(
        &self,
        w: &mut WriteTx<'_>,
        id: WorkOrderId,
        expected: Option<i64>,
        action: Action,
        at: NaiveDateTime,
    ) -> Result<StoredWorkOrder> {
        change_order(w, id, expected, |o| {
            let was = o.downtime_start;
            o.apply(action.clone(), at).map_err(|e| refused(e.key(), "status", o.machine, action.key(), &e))?;
            if matches!(action, Action::Start) && was.is_none() {
                o.downtime_start = Some(o.opened_at);
            }
            if matches!(action, Action::Finish) && o.downtime_end.is_none() {
                o.downtime_end = Some(at);
            }
            Ok(())
        })
        .await
    }

    /// Adds a work line to an order.
    pub async fn fleet_work_order_add_work(
        &self,
        author: Author<'_>,
        id: WorkOrderId,
        line: WorkLine,
    ) -> Result<StoredWorkOrder> {
        let mut w = self.begin_write(author).await?;
        let order = self.fleet_work_order_add_work_in(&mut w, id, None, line).await?;
        w.commit().await?;
        Ok(order)
    }

    /// [`Store::fleet_work_order_add_work`] inside the caller's transaction, at the version the
    /// actor saw (`expected`).
    pub async fn fleet_work_order_add_work_in(
        &self,
        w: &mut WriteTx<'_>,
        id: WorkOrderId,
        expected: Option<i64>,
        line: WorkLine,
    ) -> Result<StoredWorkOrder> {
        change_order(w, id, expected, |o| {
            o.add_work(line.clone()).map_err(|e| refused(e.key(), "operation", o.machine, &line.operation, &e))
        })
        .await
    }
}

/// Loads an order in `w` (at `expected`, if given), changes it, flags its lines against the
/// machine's warranties and stores it at the next version; a close also writes the order's
/// marks on its machine and gives back what it held in stock.
async fn change_order(
    w: &mut WriteTx<'_>,
    id: WorkOrderId,
    expected: Option<i64>,
    change: impl FnOnce(&mut WorkOrder) -> Result<()>,
) -> Result<StoredWorkOrder> {
    let (number, before, version) = order_in(w, id, expected).await?;
    let mut order = before.clone();
    change(&mut order)?;
    flag_in(w, &mut order).await?;
    update_order(w, &order, version).await?;
    w.audit(Change::update("fleet_work_order", id, &before, &order)).await?;
    note_order(w, Some(&before), &order).await?;
    if order.status == WorkOrderStatus::Closed && before.status != WorkOrderStatus::Closed {
        // A closed order needs nothing more: its reservations go back to free stock.
        release(w, id, None).await?;
    }
    Ok(StoredWorkOrder { number, order, version: version + 1 })
}
