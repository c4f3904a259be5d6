//! The stock ledger: quantities per part, warehouse and bin, changed only by movements
//! (receipt, issue to a work order, transfer, write-off), with reservations for work orders.
//!
//! Stock never goes negative, and reserved stock is kept for the order it is reserved for: an
//! issue, transfer or write-off may take at most what is on hand minus what other orders have
//! reserved. A refusal names part, warehouse, the quantity requested and the quantity available.
//! Every accepted movement is kept in the history, in order.

use crate::fleet::parts::PartNumber;
use crate::{WarehouseId, WorkOrderId};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// A bin (storage place) inside a warehouse, e.g. "A-03-2".
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct BinCode(pub String);

/// A warehouse and a bin in it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Location {
    pub warehouse: WarehouseId,
    pub bin: BinCode,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WriteOffReason {
    Damaged,
    Expired,
    Lost,
    StockCount,
}

/// What a movement does.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MovementKind {
    Receipt { to: Location },
    Issue { from: Location, order: WorkOrderId },
    Transfer { from: Location, to: Location },
    WriteOff { from: Location, reason: WriteOffReason },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Movement {
    pub date: NaiveDate,
    pub part: PartNumber,
    pub qty: u32,
    pub kind: MovementKind,
}

/// Stock held for a work order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reservation {
    pub order: WorkOrderId,
    pub part: PartNumber,
    pub warehouse: WarehouseId,
    pub qty: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StockError {
    #[error("part {part} in warehouse {warehouse}: {requested} requested, {available} available")]
    Insufficient { part: PartNumber, warehouse: WarehouseId, bin: Option<BinCode>, requested: u64, available: u64 },
    #[error("part {part}: a movement of zero")]
    ZeroQuantity { part: PartNumber },
    #[error("part {part}: transfer to the bin it comes from")]
    SameLocation { part: PartNumber },
}

impl StockError {
    pub fn key(&self) -> &'static str {
        match self {
            StockError::Insufficient { .. } => "fleet.error.stock_insufficient",
            StockError::ZeroQuantity { .. } => "fleet.error.stock_zero_quantity",
            StockError::SameLocation { .. } => "fleet.error.stock_same_location",
        }
    }
}

type BinKey = (PartNumber, WarehouseId, BinCode);

/// Stock per part, warehouse and bin, reservations, and the movement history.
#[derive(Debug, Clone, Default)]
pub struct StockLedger {
    on_hand: HashMap<BinKey, u64>,
    reservations: Vec<Reservation>,
    history: Vec<Movement>,
}

impl StockLedger {
    /// On hand in one bin.
    pub fn in_bin(&self, part: &PartNumber, location: &Location) -> u64 {
        self.on_hand.get(&(part.clone(), location.warehouse, location.bin.clone())).copied().unwrap_or(0)
    }

    /// On hand in a warehouse, all bins.
    pub fn on_hand(&self, part: &PartNumber, warehouse: WarehouseId) -> u64 {
        self.on_hand.iter().filter(|((p, w, _), _)| p == part && *w == warehouse).map(|(_, q)| q).sum()
    }

    /// Reserved in a warehouse, optionally leaving out one order's reservations.
    fn reserved_except(&self, part: &PartNumber, warehouse: WarehouseId, except: Option<WorkOrderId>) -> u64 {
        self.reservations
            .iter()
            .filter(|r| &r.part == part && r.warehouse == warehouse && Some(r.order) != except)
            .map(|r| r.qty)
            .sum()
    }

    pub fn reserved(&self, part: &PartNumber, warehouse: WarehouseId) -> u64 {
        self.reserved_except(part, warehouse, None)
    }

    /// On hand minus reserved.
    pub fn available(&self, part: &PartNumber, warehouse: WarehouseId) -> u64 {
        self.on_hand(part, warehouse).saturating_sub(self.reserved(part, warehouse))
    }

    pub fn reservations(&self) -> &[Reservation] {
        &self.reservations
    }

    pub fn history(&self) -> &[Movement] {
        &self.history
    }

    /// Holds `qty` of a part in a warehouse for a work order, if that much is available.
    pub fn reserve(
        &mut self,
        order: WorkOrderId,
        part: &PartNumber,
        warehouse: WarehouseId,
        qty: u32,
    ) -> Result<(), StockError> {
        if qty == 0 {
            return Err(StockError::ZeroQuantity { part: part.clone() });
        }
        let available = self.available(part, warehouse);
        if u64::from(qty) > available {
            return Err(StockError::Insufficient {
                part: part.clone(),
                warehouse,
                bin: None,
                requested: u64::from(qty),
                available,
            });
        }
        match self.reservations.iter_mut().find(|r| r.order == order && &r.part == part && r.warehouse == warehouse) {
            Some(r) => r.qty += u64::from(qty),
            None => self.reservations.push(Reservation { order, part: part.clone(), warehouse, qty: u64::from(qty) }),
        }
        Ok(())
    }

    /// Drops an order's reservation of a part in a warehouse (the order is cancelled or closed).
    pub fn release(&mut self, order: WorkOrderId, part: &PartNumber, warehouse: WarehouseId) {
        self.reservations.retain(|r| !(r.order == order && &r.part == part && r.warehouse == warehouse));
    }

    /// Checks and books a movement. An issue to an order uses that order's reservation first.
    pub fn apply(&mut self, m: Movement) -> Result<(), StockError> {
        if m.qty == 0 {
            return Err(StockError::ZeroQuantity { part: m.part });
        }
        let qty = u64::from(m.qty);
        match &m.kind {
            MovementKind::Receipt { to } => {
                *self.on_hand.entry((m.part.clone(), to.warehouse, to.bin.clone())).or_insert(0) += qty;
            }
            MovementKind::Issue { from, order } => {
                self.take(&m.part, from, qty, Some(*order))?;
                if let Some(r) = self
                    .reservations
                    .iter_mut()
                    .find(|r| r.order == *order && r.part == m.part && r.warehouse == from.warehouse)
                {
                    r.qty = r.qty.saturating_sub(qty);
                }
                self.reservations.retain(|r| r.qty > 0);
            }
            MovementKind::Transfer { from, to } => {
                if from == to {
                    return Err(StockError::SameLocation { part: m.part });
                }
                self.take(&m.part, from, qty, None)?;
                *self.on_hand.entry((m.part.clone(), to.warehouse, to.bin.clone())).or_insert(0) += qty;
            }
            MovementKind::WriteOff { from, .. } => self.take(&m.part, from, qty, None)?,
        }
        self.history.push(m);
        Ok(())
    }

    /// Takes `qty` from a bin: it must be in the bin, and within what is not reserved for other
    /// orders in the warehouse.
    fn take(
        &mut self,
        part: &PartNumber,
        from: &Location,
        qty: u64,
        for_order: Option<WorkOrderId>,
    ) -> Result<(), StockError> {
        let in_bin = self.in_bin(part, from);
        let free =
            self.on_hand(part, from.warehouse).saturating_sub(self.reserved_except(part, from.warehouse, for_order));
        let available = in_bin.min(free);
        if qty > available {
            return Err(StockError::Insufficient {
                part: part.clone(),
                warehouse: from.warehouse,
                bin: Some(from.bin.clone()),
                requested: qty,
                available,
            });
        }
        let key = (part.clone(), from.warehouse, from.bin.clone());
        if let Some(q) = self.on_hand.get_mut(&key) {
            *q -= qty;
            if *q == 0 {
                self.on_hand.remove(&key);
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fleet::machine::tests::d;
    use crate::fleet::parts::tests::pn;

    fn loc(w: u64, bin: &str) -> Location {
        Location { warehouse: WarehouseId::new_at(w, [0; 10]), bin: BinCode(bin.into()) }
    }

    fn mv(part: &str, qty: u32, kind: MovementKind) -> Movement {
        Movement { date: d(2024, 3, 1), part: pn(part), qty, kind }
    }

    #[test]
    fn stock_never_goes_negative() {
        let mut s = StockLedger::default();
        let order = WorkOrderId::new_at(1, [0; 10]);
        let a = loc(1, "A-01");
        s.apply(mv("F1", 10, MovementKind::Receipt { to: a.clone() })).expect("receipt");
        s.apply(mv("F1", 4, MovementKind::Issue { from: a.clone(), order })).expect("issue");
        assert_eq!(s.on_hand(&pn("F1"), a.warehouse), 6);
        let err = s.apply(mv("F1", 7, MovementKind::Issue { from: a.clone(), order })).unwrap_err();
        assert_eq!(
            err,
            StockError::Insufficient {
                part: pn("F1"),
                warehouse: a.warehouse,
                bin: Some(a.bin.clone()),
                requested: 7,
                available: 6
            }
        );
        assert!(matches!(
            s.apply(mv("F1", 0, MovementKind::Receipt { to: a.clone() })),
            Err(StockError::ZeroQuantity { .. })
        ));
        assert_eq!(s.history().len(), 2);
    }

    #[test]
    fn transfers_move_between_bins_and_warehouses() {
        let mut s = StockLedger::default();
        let (a, b, c) = (loc(1, "A-01"), loc(1, "B-02"), loc(2, "C-01"));
        s.apply(mv("F1", 10, MovementKind::Receipt { to: a.clone() })).expect("receipt");
        s.apply(mv("F1", 3, MovementKind::Transfer { from: a.clone(), to: b.clone() })).expect("bin to bin");
        s.apply(mv("F1", 2, MovementKind::Transfer { from: b.clone(), to: c.clone() })).expect("to warehouse 2");
        assert_eq!((s.in_bin(&pn("F1"), &a), s.in_bin(&pn("F1"), &b), s.in_bin(&pn("F1"), &c)), (7, 1, 2));
        assert_eq!(s.on_hand(&pn("F1"), a.warehouse), 8);
        // Bin B holds 1 although the warehouse holds 8.
        assert!(matches!(
            s.apply(mv("F1", 2, MovementKind::WriteOff { from: b.clone(), reason: WriteOffReason::Damaged })),
            Err(StockError::Insufficient { requested: 2, available: 1, .. })
        ));
        assert!(matches!(
            s.apply(mv("F1", 1, MovementKind::Transfer { from: a.clone(), to: a.clone() })),
            Err(StockError::SameLocation { .. })
        ));
    }

    #[test]
    fn reservations_hold_stock_for_their_order() {
        let mut s = StockLedger::default();
        let a = loc(1, "A-01");
        let (o1, o2) = (WorkOrderId::new_at(1, [0; 10]), WorkOrderId::new_at(2, [0; 10]));
        s.apply(mv("F1", 5, MovementKind::Receipt { to: a.clone() })).expect("receipt");
        s.reserve(o1, &pn("F1"), a.warehouse, 4).expect("reserve");
        assert_eq!(s.available(&pn("F1"), a.warehouse), 1);
        assert!(matches!(s.reserve(o2, &pn("F1"), a.warehouse, 2), Err(StockError::Insufficient { available: 1, .. })));
        // Another order cannot take the reserved units...
        assert!(matches!(
            s.apply(mv("F1", 2, MovementKind::Issue { from: a.clone(), order: o2 })),
            Err(StockError::Insufficient { requested: 2, available: 1, .. })
        ));
        // ...the order they are held for can, and its reservation shrinks.
        s.apply(mv("F1", 3, MovementKind::Issue { from: a.clone(), order: o1 })).expect("issue");
        assert_eq!(s.reserved(&pn("F1"), a.warehouse), 1);
        s.release(o1, &pn("F1"), a.warehouse);
        assert_eq!(s.available(&pn("F1"), a.warehouse), 2);
    }
}
