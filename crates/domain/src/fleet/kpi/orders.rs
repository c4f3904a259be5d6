//! What a work order puts in its machine's history: while it is not closed, an [`OpenOrder`]
//! whose downtime runs on; once closed, a downtime span and, for a repair, a failure.

use super::{DayState, Failure, OpenOrder, StateSpan, downtime_days};
use crate::fleet::work_order::{WorkOrder, WorkOrderKind, WorkOrderStatus};
use chrono::NaiveDateTime;

/// The state of an order's downtime days.
pub fn order_state(o: &WorkOrder) -> DayState {
    match o.kind {
        WorkOrderKind::Preventive | WorkOrderKind::Inspection => DayState::Maintenance,
        _ => DayState::Repair,
    }
}

/// Whether the order is a repair after a failure (counted in MTBF and MTTR).
pub fn is_failure(o: &WorkOrder) -> bool {
    matches!(o.kind, WorkOrderKind::Repair | WorkOrderKind::Warranty)
}

/// When the order stopped the machine: its downtime start; a repair not started yet stopped it
/// when it was opened (the machine broke down and waits).
fn down_from(o: &WorkOrder) -> Option<NaiveDateTime> {
    o.downtime_start.or_else(|| is_failure(o).then_some(o.opened_at))
}

/// When the machine was back: the downtime's end, else the order's completion.
fn down_to(o: &WorkOrder) -> Option<NaiveDateTime> {
    o.downtime_end.or(o.finished_at)
}

/// The order as the figures count it while it is not closed (`None` once closed).
pub fn open_order(o: &WorkOrder) -> Option<OpenOrder> {
    (o.status != WorkOrderStatus::Closed).then(|| OpenOrder {
        order: o.id,
        opened: o.opened_at.date(),
        state: order_state(o),
        down_from: down_from(o),
        down_to: down_to(o),
        failure: is_failure(o),
    })
}

/// A closed order's downtime span and failure (for a repair).
pub fn closed_marks(o: &WorkOrder) -> (Option<StateSpan>, Option<Failure>) {
    let end = down_to(o).unwrap_or(o.opened_at);
    let span = down_from(o).and_then(|start| {
        let (from, to) = downtime_days(start, end.max(start));
        (from < to).then_some(StateSpan { from, to, state: order_state(o) })
    });
    let failure = is_failure(o).then(|| {
        let hours = down_from(o).map_or(0.0, |s| (end - s).num_minutes() as f64 / 60.0);
        Failure { date: o.opened_at.date(), repair_hours: hours.max(0.0) }
    });
    (span, failure)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fleet::meter::MeterSnapshot;
    use crate::fleet::work_order::{Action, SignOff};
    use crate::{MachineId, WorkOrderId};
    use chrono::NaiveDate;

    fn at(day: u32, hour: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(2025, 3, day).and_then(|d| d.and_hms_opt(hour, 0, 0)).expect("time")
    }

    fn repair() -> WorkOrder {
        let id = WorkOrderId::new_at(1, [0; 10]);
        WorkOrder::new(id, MachineId::new_at(1, [0; 10]), WorkOrderKind::Repair, at(3, 8), MeterSnapshot::EMPTY)
    }

    #[test]
    fn an_order_counts_from_its_start_whatever_its_sign_off() {
        let mut o = repair();
        // Opened, not started: the machine is down since it was opened.
        let open = open_order(&o).expect("open");
        assert_eq!((open.down_from, open.down_to, open.failure), (Some(at(3, 8)), None, true));
        // Until midnight before 6 March: 16 hours of the 3rd, then the 4th and the 5th: 64 hours.
        assert_eq!(open.repair_hours(at(6, 0)), 64.0);
        o.downtime_start = Some(at(3, 8));
        o.apply(Action::Start, at(3, 9)).expect("start");
        o.apply(Action::Finish, at(5, 17)).expect("finish");
        // Done, not signed off: still counted, to its completion (2 days 9 hours).
        let done = open_order(&o).expect("not closed");
        assert_eq!(done.down_to, Some(at(5, 17)));
        assert_eq!(done.repair_hours(at(31, 0)), 57.0);
        o.apply(Action::SignOff { by: "Иванов".into() }, at(5, 18)).expect("sign off");
        o.apply(Action::Close, at(6, 9)).expect("close");
        assert_eq!(o.sign_off, Some(SignOff { by: "Иванов".into(), at: at(5, 18) }));
        assert_eq!(o.closed_at, Some(at(6, 9)));
        assert_eq!(open_order(&o), None);
        let (span, failure) = closed_marks(&o);
        // 3, 4 and 5 March not ready.
        assert_eq!(span.map(|s| (s.from, s.to)), Some((at(3, 0).date(), at(6, 0).date())));
        assert_eq!(failure.map(|f| f.repair_hours), Some(57.0));
    }

    #[test]
    fn downtime_ending_at_midnight_leaves_that_day_ready() {
        assert_eq!(downtime_days(at(3, 8), at(5, 0)), (at(3, 0).date(), at(5, 0).date()));
        assert_eq!(downtime_days(at(3, 8), at(5, 1)), (at(3, 0).date(), at(6, 0).date()));
        assert_eq!(downtime_days(at(3, 8), at(3, 9)), (at(3, 0).date(), at(4, 0).date()));
    }
}
