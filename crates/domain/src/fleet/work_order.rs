//! Work orders (заказ-наряд): what was done to a machine, by whom, with which parts, how long
//! it stood, and the customer's sign-off; and warranty coverage flagged on its lines.
//!
//! Status machine:
//!
//! ```text
//! Open ──Start──► InProgress ──Wait(reason)──► Waiting(reason)
//!                   ▲   │  ◄──────Resume──────────┘
//!                   │   └──Finish──► Done ──SignOff──► Done (signed) ──Close──► Closed
//!                   └────Reopen───────┘
//! ```
//!
//! `Waiting(Parts)` is "waiting for parts"; waiting for a technician or for the customer are the
//! same state with another reason, so downtime can be told apart by reason. Closing needs the
//! customer's sign-off. Times are UTC (`NaiveDateTime`); none may end before it starts, and a
//! refusal names the field.

use crate::fleet::meter::{MeterKind, MeterSnapshot};
use crate::fleet::parts::PartNumber;
use crate::fleet::regime::ServiceKind;
use crate::trade::{Money, MoneyError};
use crate::{MachineId, OrganisationId, PersonId, WarrantyId, WorkOrderId};
use chrono::{NaiveDate, NaiveDateTime};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WorkOrderKind {
    Preventive,
    Repair,
    Assembly,
    Warranty,
    Inspection,
}

impl WorkOrderKind {
    pub fn key(self) -> &'static str {
        match self {
            WorkOrderKind::Preventive => "fleet.work_order.kind.preventive",
            WorkOrderKind::Repair => "fleet.work_order.kind.repair",
            WorkOrderKind::Assembly => "fleet.work_order.kind.assembly",
            WorkOrderKind::Warranty => "fleet.work_order.kind.warranty",
            WorkOrderKind::Inspection => "fleet.work_order.kind.inspection",
        }
    }

    /// Whether warranty can cover the work: repairs and warranty claims, not scheduled service,
    /// inspection or assembly.
    pub fn warranty_applies(self) -> bool {
        matches!(self, WorkOrderKind::Repair | WorkOrderKind::Warranty)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WaitingReason {
    Parts,
    Technician,
    Customer,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WorkOrderStatus {
    Open,
    InProgress,
    Waiting(WaitingReason),
    Done,
    Closed,
}

impl WorkOrderStatus {
    pub fn key(self) -> &'static str {
        match self {
            WorkOrderStatus::Open => "fleet.work_order.status.open",
            WorkOrderStatus::InProgress => "fleet.work_order.status.in_progress",
            WorkOrderStatus::Waiting(WaitingReason::Parts) => "fleet.work_order.status.waiting_for_parts",
            WorkOrderStatus::Waiting(WaitingReason::Technician) => "fleet.work_order.status.waiting_for_technician",
            WorkOrderStatus::Waiting(WaitingReason::Customer) => "fleet.work_order.status.waiting_for_customer",
            WorkOrderStatus::Done => "fleet.work_order.status.done",
            WorkOrderStatus::Closed => "fleet.work_order.status.closed",
        }
    }
}

/// The customer's acceptance of the work.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignOff {
    /// The customer's representative, as they signed.
    pub by: String,
    pub at: NaiveDateTime,
}

/// A step of the status machine.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    Start,
    Wait(WaitingReason),
    Resume,
    Finish,
    Reopen,
    SignOff { by: String },
    Close,
}

impl Action {
    pub fn key(&self) -> &'static str {
        match self {
            Action::Start => "fleet.work_order.action.start",
            Action::Wait(_) => "fleet.work_order.action.wait",
            Action::Resume => "fleet.work_order.action.resume",
            Action::Finish => "fleet.work_order.action.finish",
            Action::Reopen => "fleet.work_order.action.reopen",
            Action::SignOff { .. } => "fleet.work_order.action.sign_off",
            Action::Close => "fleet.work_order.action.close",
        }
    }
}

/// A line of work.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkLine {
    /// Operation code (see [`crate::fleet::regime::Operation`]).
    pub operation: String,
    pub standard_hours: Decimal,
    pub actual_hours: Option<Decimal>,
    pub technician: Option<PersonId>,
    /// The part or assembly worked on, if any: lets a part warranty cover the labour.
    pub part: Option<PartNumber>,
    /// Set by [`flag_warranty`].
    pub warranty: Option<WarrantyId>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PartLine {
    pub part: PartNumber,
    pub qty: u32,
    pub unit_price: Money,
    /// Set by [`flag_warranty`].
    pub warranty: Option<WarrantyId>,
}

/// Work bought from outside (a machine shop, a tyre service).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutsideService {
    pub supplier: OrganisationId,
    pub description: String,
    pub cost: Money,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct WaitPeriod {
    pub reason: WaitingReason,
    pub from: NaiveDateTime,
    pub to: Option<NaiveDateTime>,
}

/// A work order. Build with [`WorkOrder::new`], change status with [`WorkOrder::apply`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkOrder {
    pub id: WorkOrderId,
    pub machine: MachineId,
    pub kind: WorkOrderKind,
    pub status: WorkOrderStatus,
    /// The service done, for preventive orders.
    pub service: Option<ServiceKind>,
    pub opened_at: NaiveDateTime,
    pub started_at: Option<NaiveDateTime>,
    pub finished_at: Option<NaiveDateTime>,
    /// When the machine stopped working (may be before the order was opened: a breakdown) and
    /// when it was back in operation.
    pub downtime_start: Option<NaiveDateTime>,
    pub downtime_end: Option<NaiveDateTime>,
    /// The machine's meters at intake.
    pub meters: MeterSnapshot,
    pub work: Vec<WorkLine>,
    pub parts: Vec<PartLine>,
    pub outside: Vec<OutsideService>,
    pub waits: Vec<WaitPeriod>,
    pub sign_off: Option<SignOff>,
    /// When it was closed (orders closed before this was kept: the sign-off's time).
    #[serde(default)]
    pub closed_at: Option<NaiveDateTime>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WorkOrderError {
    #[error("work order {order} (machine {machine}): {field} {end} is before {start}")]
    EndsBeforeStart {
        order: WorkOrderId,
        machine: MachineId,
        field: &'static str,
        start: NaiveDateTime,
        end: NaiveDateTime,
    },
    #[error("work order {order} (machine {machine}): cannot {} while {}", action, from.key())]
    InvalidTransition { order: WorkOrderId, machine: MachineId, from: WorkOrderStatus, action: &'static str },
    #[error("work order {order} (machine {machine}) needs the customer's sign-off before it is closed")]
    SignOffRequired { order: WorkOrderId, machine: MachineId },
    #[error("work order {order} (machine {machine}) is closed and cannot change")]
    Closed { order: WorkOrderId, machine: MachineId },
    #[error("work order {order} (machine {machine}): {field} {value} is negative")]
    Negative { order: WorkOrderId, machine: MachineId, field: &'static str, value: Decimal },
    #[error("work order {order} (machine {machine}): the customer's name on the sign-off is empty")]
    SignOffNameMissing { order: WorkOrderId, machine: MachineId },
}

impl WorkOrderError {
    pub fn key(&self) -> &'static str {
        match self {
            WorkOrderError::EndsBeforeStart { .. } => "fleet.error.ends_before_start",
            WorkOrderError::InvalidTransition { .. } => "fleet.error.invalid_transition",
            WorkOrderError::SignOffRequired { .. } => "fleet.error.sign_off_required",
            WorkOrderError::Closed { .. } => "fleet.error.work_order_closed",
            WorkOrderError::Negative { .. } => "fleet.error.negative_hours",
            WorkOrderError::SignOffNameMissing { .. } => "fleet.error.sign_off_name_missing",
        }
    }
}

/// What a work order costs and how much of it warranty covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderCost {
    pub labour: Money,
    pub parts: Money,
    pub outside: Money,
    pub total: Money,
    /// The part of `total` on warranty-flagged lines.
    pub under_warranty: Money,
}

impl WorkOrder {
    pub fn new(
        id: WorkOrderId,
        machine: MachineId,
        kind: WorkOrderKind,
        opened_at: NaiveDateTime,
        meters: MeterSnapshot,
    ) -> WorkOrder {
        WorkOrder {
            id,
            machine,
            kind,
            status: WorkOrderStatus::Open,
            service: None,
            opened_at,
            started_at: None,
            finished_at: None,
            downtime_start: None,
            downtime_end: None,
            meters,
            work: Vec::new(),
            parts: Vec::new(),
            outside: Vec::new(),
            waits: Vec::new(),
            sign_off: None,
            closed_at: None,
        }
    }

    fn ends_before(&self, field: &'static str, start: NaiveDateTime, end: NaiveDateTime) -> Result<(), WorkOrderError> {
        if end < start {
            return Err(WorkOrderError::EndsBeforeStart { order: self.id, machine: self.machine, field, start, end });
        }
        Ok(())
    }

    /// Moves the order on; `at` is when it happened.
    pub fn apply(&mut self, action: Action, at: NaiveDateTime) -> Result<(), WorkOrderError> {
        use WorkOrderStatus as S;
        let invalid = |o: &WorkOrder, a: &Action| WorkOrderError::InvalidTransition {
            order: o.id,
            machine: o.machine,
            from: o.status,
            action: a.key(),
        };
        match (&action, self.status) {
            (_, S::Closed) => return Err(WorkOrderError::Closed { order: self.id, machine: self.machine }),
            (Action::Start, S::Open) => {
                self.ends_before("started_at", self.opened_at, at)?;
                self.started_at = Some(at);
                self.status = S::InProgress;
            }
            (Action::Wait(reason), S::InProgress) => {
                if let Some(start) = self.started_at {
                    self.ends_before("waiting_from", start, at)?;
                }
                self.waits.push(WaitPeriod { reason: *reason, from: at, to: None });
                self.status = S::Waiting(*reason);
            }
            (Action::Resume, S::Waiting(_)) => {
                if let Some(w) = self.waits.last() {
                    self.ends_before("waiting_until", w.from, at)?;
                }
                if let Some(w) = self.waits.last_mut() {
                    w.to = Some(at);
                }
                self.status = S::InProgress;
            }
            (Action::Finish, S::InProgress) => {
                let start = self.started_at.unwrap_or(self.opened_at);
                self.ends_before("finished_at", start, at)?;
                self.finished_at = Some(at);
                self.status = S::Done;
            }
            (Action::Reopen, S::Done) => {
                self.finished_at = None;
                self.sign_off = None;
                self.status = S::InProgress;
            }
            (Action::SignOff { by }, S::Done) => {
                if by.trim().is_empty() {
                    return Err(WorkOrderError::SignOffNameMissing { order: self.id, machine: self.machine });
                }
                if let Some(fin) = self.finished_at {
                    self.ends_before("signed_at", fin, at)?;
                }
                self.sign_off = Some(SignOff { by: by.trim().to_string(), at });
            }
            (Action::Close, S::Done) => {
                if self.sign_off.is_none() {
                    return Err(WorkOrderError::SignOffRequired { order: self.id, machine: self.machine });
                }
                self.status = S::Closed;
                self.closed_at = Some(at);
            }
            _ => return Err(invalid(self, &action)),
        }
        Ok(())
    }

    /// Sets the machine's downtime for this order; refuses an end before the start.
    pub fn set_downtime(&mut self, start: NaiveDateTime, end: Option<NaiveDateTime>) -> Result<(), WorkOrderError> {
        if self.status == WorkOrderStatus::Closed {
            return Err(WorkOrderError::Closed { order: self.id, machine: self.machine });
        }
        if let Some(end) = end {
            self.ends_before("downtime_end", start, end)?;
        }
        self.downtime_start = Some(start);
        self.downtime_end = end;
        Ok(())
    }

    pub fn add_work(&mut self, line: WorkLine) -> Result<(), WorkOrderError> {
        if self.status == WorkOrderStatus::Closed {
            return Err(WorkOrderError::Closed { order: self.id, machine: self.machine });
        }
        for (field, v) in [("standard_hours", Some(line.standard_hours)), ("actual_hours", line.actual_hours)] {
            if let Some(value) = v
                && value.is_sign_negative()
                && !value.is_zero()
            {
                return Err(WorkOrderError::Negative { order: self.id, machine: self.machine, field, value });
            }
        }
        self.work.push(line);
        Ok(())
    }

    pub fn add_part(&mut self, line: PartLine) -> Result<(), WorkOrderError> {
        if self.status == WorkOrderStatus::Closed {
            return Err(WorkOrderError::Closed { order: self.id, machine: self.machine });
        }
        self.parts.push(line);
        Ok(())
    }

    /// Checks every time pair of an order as loaded or imported: started after opened,
    /// finished after started, downtime end after its start, every wait ending after it began.
    pub fn validate(&self) -> Result<(), WorkOrderError> {
        if let Some(s) = self.started_at {
            self.ends_before("started_at", self.opened_at, s)?;
        }
        if let (Some(s), Some(f)) = (self.started_at, self.finished_at) {
            self.ends_before("finished_at", s, f)?;
        }
        if let (Some(s), Some(e)) = (self.downtime_start, self.downtime_end) {
            self.ends_before("downtime_end", s, e)?;
        }
        for w in &self.waits {
            if let Some(to) = w.to {
                self.ends_before("waiting_until", w.from, to)?;
            }
        }
        if self.status == WorkOrderStatus::Closed && self.sign_off.is_none() {
            return Err(WorkOrderError::SignOffRequired { order: self.id, machine: self.machine });
        }
        Ok(())
    }

    /// Hours the order waited for each reason (open waits up to `now`), as [parts, technician,
    /// customer].
    pub fn waiting_hours(&self, now: NaiveDateTime) -> [f64; 3] {
        let mut out = [0.0; 3];
        for w in &self.waits {
            let end = w.to.unwrap_or(now);
            let h = (end - w.from).num_minutes().max(0) as f64 / 60.0;
            out[w.reason as usize] += h;
        }
        out
    }

    /// Cost at a labour rate per hour: actual hours (standard hours where no actual is entered)
    /// times the rate, parts at their prices, outside services; and the warranty share.
    /// Every amount must be in the rate's currency.
    pub fn cost(&self, labour_rate: Money) -> Result<OrderCost, MoneyError> {
        let cur = labour_rate.currency;
        let rate = labour_rate.to_decimal();
        let (mut labour, mut parts, mut outside, mut warranty) =
            (Money::zero(cur), Money::zero(cur), Money::zero(cur), Money::zero(cur));
        for w in &self.work {
            let hours = w.actual_hours.unwrap_or(w.standard_hours);
            let amount = hours.checked_mul(rate).ok_or(MoneyError::Overflow(cur))?;
            let m = Money::from_decimal_rounded(amount, cur)?;
            labour = labour.checked_add(m)?;
            if w.warranty.is_some() {
                warranty = warranty.checked_add(m)?;
            }
        }
        for p in &self.parts {
            let minor = p.unit_price.minor.checked_mul(i64::from(p.qty)).ok_or(MoneyError::Overflow(cur))?;
            let m = Money::new(minor, p.unit_price.currency);
            parts = parts.checked_add(m)?;
            if p.warranty.is_some() {
                warranty = warranty.checked_add(m)?;
            }
        }
        for o in &self.outside {
            outside = outside.checked_add(o.cost)?;
        }
        let total = labour.checked_add(parts)?.checked_add(outside)?;
        Ok(OrderCost { labour, parts, outside, total, under_warranty: warranty })
    }
}

/// What a warranty covers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WarrantyScope {
    /// The whole machine (maker's or the assembling centre's warranty).
    Machine,
    /// One part number fitted to the machine.
    Part(PartNumber),
}

/// A meter limit of a warranty: covered while the machine's cumulative value of `kind` is at
/// most `up_to` (the store computes it as the value at fitting plus the warranty's distance).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct MeterLimit {
    pub kind: MeterKind,
    pub up_to: i64,
}

/// A warranty on a machine or a part of it, limited by date and/or meter (whichever ends first).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Warranty {
    pub id: WarrantyId,
    pub machine: MachineId,
    pub scope: WarrantyScope,
    pub from: NaiveDate,
    /// Last day covered.
    pub until: Option<NaiveDate>,
    pub meter_limit: Option<MeterLimit>,
}

impl Warranty {
    /// Covered on `date` at `meters`: within the dates and, if limited by a meter, that meter's
    /// value known and within the limit (an order without the reading is not covered).
    pub fn covers(&self, date: NaiveDate, meters: &MeterSnapshot) -> bool {
        let in_dates = date >= self.from && self.until.is_none_or(|u| date <= u);
        let in_meter = self.meter_limit.is_none_or(|l| meters.get(l.kind).is_some_and(|v| v <= l.up_to));
        in_dates && in_meter
    }
}

/// Flags the lines of a repair or warranty order that a warranty covers, on the day the order
/// was opened and the meters at intake: a machine warranty covers every line, a part warranty
/// the part lines of that part and the work lines on it. Clears earlier flags first; returns
/// how many lines are flagged. Preventive, inspection and assembly orders are never covered.
pub fn flag_warranty(order: &mut WorkOrder, warranties: &[Warranty]) -> usize {
    for w in &mut order.work {
        w.warranty = None;
    }
    for p in &mut order.parts {
        p.warranty = None;
    }
    if !order.kind.warranty_applies() {
        return 0;
    }
    let date = order.opened_at.date();
    let active: Vec<&Warranty> =
        warranties.iter().filter(|w| w.machine == order.machine && w.covers(date, &order.meters)).collect();
    let machine_wide = active.iter().find(|w| w.scope == WarrantyScope::Machine).map(|w| w.id);
    let for_part = |part: &PartNumber| {
        machine_wide
            .or_else(|| active.iter().find(|w| matches!(&w.scope, WarrantyScope::Part(p) if p == part)).map(|w| w.id))
    };
    let mut flagged = 0;
    for w in &mut order.work {
        w.warranty = match &w.part {
            Some(p) => for_part(p),
            None => machine_wide,
        };
        flagged += usize::from(w.warranty.is_some());
    }
    for p in &mut order.parts {
        p.warranty = for_part(&p.part);
        flagged += usize::from(p.warranty.is_some());
    }
    flagged
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fleet::machine::tests::d;
    use crate::fleet::parts::tests::pn;
    use crate::trade::Currency;

    fn at(day: u32, h: u32) -> NaiveDateTime {
        d(2024, 3, day).and_hms_opt(h, 0, 0).expect("valid time")
    }

    fn order(kind: WorkOrderKind) -> WorkOrder {
        WorkOrder::new(
            WorkOrderId::new_at(1, [0; 10]),
            MachineId::new_at(1, [0; 10]),
            kind,
            at(1, 8),
            MeterSnapshot::EMPTY.with(MeterKind::Odometer, 50_000),
        )
    }

    fn dec(s: &str) -> Decimal {
        s.parse().expect("decimal")
    }

    #[test]
    fn status_machine_runs_its_course() {
        let mut o = order(WorkOrderKind::Repair);
        o.apply(Action::Start, at(1, 9)).expect("start");
        o.apply(Action::Wait(WaitingReason::Parts), at(1, 12)).expect("wait");
        assert_eq!(o.status.key(), "fleet.work_order.status.waiting_for_parts");
        o.apply(Action::Resume, at(3, 12)).expect("resume");
        o.apply(Action::Finish, at(3, 17)).expect("finish");
        assert_eq!(
            o.apply(Action::Close, at(3, 18)),
            Err(WorkOrderError::SignOffRequired { order: o.id, machine: o.machine })
        );
        assert!(matches!(
            o.apply(Action::SignOff { by: "  ".into() }, at(3, 18)),
            Err(WorkOrderError::SignOffNameMissing { .. })
        ));
        o.apply(Action::SignOff { by: "Иванов И. И.".into() }, at(3, 18)).expect("sign");
        o.apply(Action::Close, at(3, 18)).expect("close");
        assert_eq!(o.status, WorkOrderStatus::Closed);
        assert_eq!(o.waiting_hours(at(9, 0)), [48.0, 0.0, 0.0]);
        assert!(matches!(o.apply(Action::Reopen, at(4, 1)), Err(WorkOrderError::Closed { .. })));
        assert!(o.validate().is_ok());
    }

    #[test]
    fn invalid_transitions_and_times_are_refused() {
        let mut o = order(WorkOrderKind::Repair);
        assert_eq!(
            o.apply(Action::Finish, at(1, 9)),
            Err(WorkOrderError::InvalidTransition {
                order: o.id,
                machine: o.machine,
                from: WorkOrderStatus::Open,
                action: "fleet.work_order.action.finish"
            })
        );
        o.apply(Action::Start, at(2, 9)).expect("start");
        assert_eq!(
            o.apply(Action::Finish, at(2, 8)),
            Err(WorkOrderError::EndsBeforeStart {
                order: o.id,
                machine: o.machine,
                field: "finished_at",
                start: at(2, 9),
                end: at(2, 8)
            })
        );
        assert!(matches!(
            o.set_downtime(at(2, 0), Some(at(1, 0))),
            Err(WorkOrderError::EndsBeforeStart { field: "downtime_end", .. })
        ));
        o.set_downtime(at(1, 0), None).expect("open downtime");
        assert!(matches!(o.apply(Action::Resume, at(2, 10)), Err(WorkOrderError::InvalidTransition { .. })));
        let mut imported = order(WorkOrderKind::Repair);
        imported.started_at = Some(at(5, 0));
        imported.finished_at = Some(at(4, 0));
        assert!(matches!(imported.validate(), Err(WorkOrderError::EndsBeforeStart { field: "finished_at", .. })));
        let line = WorkLine {
            operation: "x".into(),
            standard_hours: dec("-1"),
            actual_hours: None,
            technician: None,
            part: None,
            warranty: None,
        };
        assert!(matches!(o.add_work(line), Err(WorkOrderError::Negative { field: "standard_hours", .. })));
    }

    fn warranty(n: u64, scope: WarrantyScope, until: Option<NaiveDate>, limit: Option<i64>) -> Warranty {
        Warranty {
            id: WarrantyId::new_at(n, [0; 10]),
            machine: MachineId::new_at(1, [0; 10]),
            scope,
            from: d(2023, 1, 1),
            until,
            meter_limit: limit.map(|up_to| MeterLimit { kind: MeterKind::Odometer, up_to }),
        }
    }

    fn lines(o: &mut WorkOrder) {
        let rub = |minor| Money::new(minor, Currency::Rub);
        o.add_work(WorkLine {
            operation: "replace-pump".into(),
            standard_hours: dec("2.5"),
            actual_hours: Some(dec("3")),
            technician: None,
            part: Some(pn("PUMP-1")),
            warranty: None,
        })
        .expect("work");
        o.add_work(WorkLine {
            operation: "diagnostics".into(),
            standard_hours: dec("1"),
            actual_hours: None,
            technician: None,
            part: None,
            warranty: None,
        })
        .expect("work");
        o.add_part(PartLine { part: pn("PUMP-1"), qty: 1, unit_price: rub(4_500_000), warranty: None }).expect("part");
        o.add_part(PartLine { part: pn("GASKET"), qty: 2, unit_price: rub(30_000), warranty: None }).expect("part");
    }

    #[test]
    fn warranty_flags_lines_by_date_and_meter() {
        let mut o = order(WorkOrderKind::Repair);
        lines(&mut o);
        // A part warranty on the pump until 2025, up to 100,000 km: the pump and its labour.
        let pump = warranty(1, WarrantyScope::Part(pn("PUMP-1")), Some(d(2025, 1, 1)), Some(100_000));
        assert_eq!(flag_warranty(&mut o, std::slice::from_ref(&pump)), 2);
        assert_eq!(o.work[0].warranty, Some(pump.id));
        assert_eq!(o.work[1].warranty, None);
        assert_eq!(o.parts[1].warranty, None);
        // Past the meter limit (50,000 km at intake > 40,000): nothing.
        let short = warranty(2, WarrantyScope::Part(pn("PUMP-1")), None, Some(40_000));
        assert_eq!(flag_warranty(&mut o, &[short]), 0);
        // Past the date: nothing.
        let old = warranty(3, WarrantyScope::Machine, Some(d(2024, 2, 29)), None);
        assert_eq!(flag_warranty(&mut o, &[old]), 0);
        // A machine warranty in force covers all four lines.
        let machine = warranty(4, WarrantyScope::Machine, Some(d(2024, 3, 1)), None);
        assert_eq!(flag_warranty(&mut o, &[machine]), 4);
        // A preventive order is never covered.
        let mut service = order(WorkOrderKind::Preventive);
        lines(&mut service);
        assert_eq!(flag_warranty(&mut service, &[warranty(5, WarrantyScope::Machine, None, None)]), 0);
    }

    #[test]
    fn cost_and_warranty_share() {
        let mut o = order(WorkOrderKind::Repair);
        lines(&mut o);
        o.outside.push(OutsideService {
            supplier: OrganisationId::new_at(3, [0; 10]),
            description: "balancing".into(),
            cost: Money::new(200_000, Currency::Rub),
        });
        let pump = warranty(1, WarrantyScope::Part(pn("PUMP-1")), None, None);
        flag_warranty(&mut o, &[pump]);
        let c = o.cost(Money::new(250_000, Currency::Rub)).expect("cost");
        // Labour (3 + 1) h × 2,500 = 10,000; parts 45,000 + 2 × 300 = 45,600; outside 2,000.
        assert_eq!(c.labour.minor, 1_000_000);
        assert_eq!(c.parts.minor, 4_560_000);
        assert_eq!(c.total.minor, 5_760_000);
        // Warranty: pump labour 3 × 2,500 = 7,500 + pump 45,000.
        assert_eq!(c.under_warranty.minor, 5_250_000);
    }
}
