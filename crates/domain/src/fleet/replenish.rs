//! Replenishment: safety stock, reorder point and the suggested order list per supplier.
//!
//! Parts come about 9,000 km from Belarus, by rail in 2 to 4 weeks, so the lead time varies
//! as much as demand does; the safety stock covers both:
//!
//! - safety stock `SS = z · sqrt(L · σd² + d² · σL²)`, with `d`, `σd` the mean and standard
//!   deviation of daily demand, `L`, `σL` those of the lead time in days, and `z` the normal
//!   quantile of the wanted service level (1.645 for 95 %);
//! - reorder point `ROP = d · L + SS`, plus the parts the due list plans to use within the lead
//!   time (services are known in advance, so they are not left to the statistics);
//! - stock position = on hand + in transit − reserved; order when the position is at or below
//!   the reorder point, enough to bring it to the reorder point plus the demand over the review
//!   period, rounded up to the pack size and at least the minimum order.
//!
//! Statistics are `f64`; quantities are integers.

use crate::OrganisationId;
use crate::RegimeId;
use crate::fleet::parts::PartNumber;
use crate::fleet::regime::{DueService, Regime};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// Mean and sample standard deviation.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Stats {
    pub mean: f64,
    pub sd: f64,
}

impl Stats {
    /// Mean and sample standard deviation (n − 1) of the samples; sd 0 for one sample, `None`
    /// for none.
    pub fn of(samples: impl IntoIterator<Item = f64>) -> Option<Stats> {
        let (mut n, mut mean, mut m2) = (0u64, 0.0f64, 0.0f64);
        for x in samples {
            n += 1;
            let delta = x - mean;
            mean += delta / n as f64;
            m2 += delta * (x - mean);
        }
        match n {
            0 => None,
            1 => Some(Stats { mean, sd: 0.0 }),
            _ => Some(Stats { mean, sd: (m2 / (n - 1) as f64).sqrt() }),
        }
    }

    /// A fixed value without spread.
    pub fn exact(mean: f64) -> Stats {
        Stats { mean, sd: 0.0 }
    }
}

/// `SS = z · sqrt(L · σd² + d² · σL²)`: daily demand `demand` (d, σd), lead time `lead` in days
/// (L, σL).
pub fn safety_stock(z: f64, demand: Stats, lead: Stats) -> f64 {
    z * (lead.mean * demand.sd * demand.sd + demand.mean * demand.mean * lead.sd * lead.sd).sqrt()
}

/// `ROP = d · L + SS` (without planned demand).
pub fn reorder_point(z: f64, demand: Stats, lead: Stats) -> f64 {
    demand.mean * lead.mean + safety_stock(z, demand, lead)
}

/// The standard normal quantile for a service level in (0.5, 1) (Abramowitz and Stegun
/// 26.2.23, error below 0.00045): 0.95 gives 1.645. 0 at or below 0.5; levels above 0.9999 count as 0.9999.
pub fn z_for_service_level(level: f64) -> f64 {
    if level.is_nan() || level <= 0.5 {
        return 0.0;
    }
    let p = level.min(0.9999);
    let t = (-2.0 * (1.0 - p).ln()).sqrt();
    let (c0, c1, c2) = (2.515517, 0.802853, 0.010328);
    let (d1, d2, d3) = (1.432788, 0.189269, 0.001308);
    let z = t - (c0 + c1 * t + c2 * t * t) / (1.0 + d1 * t + d2 * t * t + d3 * t * t * t);
    z.max(0.0)
}

/// Parts the due list will use: for every due service forecast on or before `until` (overdue
/// ones included), the parts its regime lists for that service. Services whose regime is not in
/// `regimes`, or which cannot be forecast, plan nothing.
pub fn planned_demand(due: &[DueService], regimes: &[Regime], until: NaiveDate) -> HashMap<PartNumber, u64> {
    let by_id: HashMap<RegimeId, &Regime> = regimes.iter().map(|r| (r.id(), r)).collect();
    let mut out: HashMap<PartNumber, u64> = HashMap::new();
    for s in due {
        if s.forecast.is_none_or(|f| f > until) {
            continue;
        }
        let Some(content) = by_id.get(&s.regime).and_then(|r| r.content(s.kind)) else { continue };
        for need in &content.parts {
            *out.entry(need.part.clone()).or_insert(0) += u64::from(need.qty);
        }
    }
    out
}

/// One part's replenishment input.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PartSupply {
    pub part: PartNumber,
    pub supplier: OrganisationId,
    pub on_hand: u64,
    pub reserved: u64,
    pub in_transit: u64,
    /// Planned by the due list within the lead time (see [`planned_demand`]).
    pub planned: u64,
    /// Daily demand, zero days included.
    pub demand: Stats,
    /// Lead time in days.
    pub lead: Stats,
    /// Normal quantile of the service level (see [`z_for_service_level`]).
    pub z: f64,
    /// Days between two orders to the supplier (a monthly wagon: 30).
    pub review_days: u32,
    pub min_order: u32,
    /// Orders are whole packs; 1 when sold singly.
    pub pack: u32,
}

/// A suggested order line and why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OrderLine {
    pub part: PartNumber,
    pub qty: u64,
    /// On hand + in transit − reserved.
    pub position: i64,
    /// `ceil(d · L + SS) + planned`.
    pub reorder_point: u64,
    /// `ceil(SS)`.
    pub safety_stock: u64,
}

/// The suggested order to one supplier.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SupplierOrder {
    pub supplier: OrganisationId,
    /// By part number.
    pub lines: Vec<OrderLine>,
}

/// The order line for one part, or `None` when its position is above the reorder point.
pub fn order_line(s: &PartSupply) -> Option<OrderLine> {
    let ss = safety_stock(s.z, s.demand, s.lead).max(0.0);
    let rop = (s.demand.mean * s.lead.mean + ss).max(0.0).ceil() as u64 + s.planned;
    let position = s.on_hand as i64 + s.in_transit as i64 - s.reserved as i64;
    if position > rop as i64 {
        return None;
    }
    let review = (s.demand.mean.max(0.0) * f64::from(s.review_days)).ceil() as i64;
    let need = (rop as i64 + review - position).max(1) as u64;
    let pack = u64::from(s.pack.max(1));
    let qty = need.div_ceil(pack) * pack;
    let qty = qty.max(u64::from(s.min_order).div_ceil(pack) * pack);
    Some(OrderLine { part: s.part.clone(), qty, position, reorder_point: rop, safety_stock: ss.ceil() as u64 })
}

/// Suggested orders grouped by supplier (ordered by supplier id), lines by part number.
pub fn suggest_orders(supplies: &[PartSupply]) -> Vec<SupplierOrder> {
    let mut by_supplier: HashMap<OrganisationId, Vec<OrderLine>> = HashMap::new();
    for s in supplies {
        if let Some(line) = order_line(s) {
            by_supplier.entry(s.supplier).or_default().push(line);
        }
    }
    let mut out: Vec<SupplierOrder> = by_supplier
        .into_iter()
        .map(|(supplier, mut lines)| {
            lines.sort_by(|a, b| a.part.cmp(&b.part));
            SupplierOrder { supplier, lines }
        })
        .collect();
    out.sort_by_key(|o| o.supplier);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fleet::machine::tests::d;
    use crate::fleet::parts::tests::pn;
    use crate::fleet::regime::{CycleLevel, Interval, PartNeed, ServiceContent, ServiceKind};
    use crate::{MachineId, ModelId};

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-3
    }

    #[test]
    fn statistics_of_samples() {
        let demand = Stats::of([1.0, 2.0, 3.0, 2.0, 2.0]).expect("stats");
        // Mean 2; squared deviations 1+0+1+0+0 = 2 over n-1 = 4: variance 0.5.
        assert!(close(demand.mean, 2.0) && close(demand.sd, 0.5f64.sqrt()));
        let lead = Stats::of([14.0, 21.0, 28.0]).expect("stats");
        assert!(close(lead.mean, 21.0) && close(lead.sd, 7.0));
        assert_eq!(Stats::of(std::iter::empty()), None);
        assert_eq!(Stats::of([5.0]), Some(Stats { mean: 5.0, sd: 0.0 }));
    }

    #[test]
    fn safety_stock_and_reorder_point_by_hand() {
        let demand = Stats { mean: 2.0, sd: 0.5f64.sqrt() };
        let lead = Stats { mean: 21.0, sd: 7.0 };
        // SS = 2 · sqrt(21 · 0.5 + 4 · 49) = 2 · sqrt(206.5) = 28.7402.
        assert!(close(safety_stock(2.0, demand, lead), 28.7402));
        // ROP = 2 · 21 + 28.7402.
        assert!(close(reorder_point(2.0, demand, lead), 70.7402));
        // Without spread the safety stock is zero.
        assert_eq!(safety_stock(1.645, Stats::exact(2.0), Stats::exact(21.0)), 0.0);
        assert!((z_for_service_level(0.95) - 1.645).abs() < 0.001);
        assert!((z_for_service_level(0.99) - 2.326).abs() < 0.001);
        assert_eq!(z_for_service_level(0.3), 0.0);
    }

    #[test]
    fn order_lines_by_supplier() {
        let supplier_a = OrganisationId::new_at(1, [0; 10]);
        let supplier_b = OrganisationId::new_at(2, [0; 10]);
        let base = PartSupply {
            part: pn("F1"),
            supplier: supplier_a,
            on_hand: 60,
            reserved: 5,
            in_transit: 10,
            planned: 4,
            demand: Stats { mean: 2.0, sd: 0.5f64.sqrt() },
            lead: Stats { mean: 21.0, sd: 7.0 },
            z: 2.0,
            review_days: 30,
            min_order: 10,
            pack: 12,
        };
        // ROP = ceil(70.74) + 4 planned = 75; position = 60 + 10 − 5 = 65 ≤ 75: order
        // 75 + 60 (30 days × 2) − 65 = 70, rounded up to 6 packs of 12 = 72.
        let line = order_line(&base).expect("order");
        assert_eq!((line.reorder_point, line.safety_stock, line.position, line.qty), (75, 29, 65, 72));
        // Enough stock: no line.
        assert_eq!(order_line(&PartSupply { on_hand: 80, ..base.clone() }), None);
        let orders = suggest_orders(&[
            PartSupply { part: pn("Z9"), ..base.clone() },
            PartSupply { supplier: supplier_b, ..base.clone() },
            base.clone(),
            PartSupply { part: pn("Q"), on_hand: 1_000, ..base.clone() },
        ]);
        assert_eq!(orders.len(), 2);
        assert_eq!(orders[0].supplier, supplier_a);
        assert_eq!(orders[0].lines.iter().map(|l| l.part.as_str()).collect::<Vec<_>>(), vec!["F1", "Z9"]);
        assert_eq!(orders[1].lines.len(), 1);
    }

    #[test]
    fn planned_demand_from_due_list() {
        let regime = Regime::new(
            RegimeId::new_at(1, [0; 10]),
            ModelId::new_at(1, [0; 10]),
            None,
            Interval::km(10_000),
            vec![CycleLevel { kind: ServiceKind::To1, every: 1 }],
            vec![],
            vec![ServiceContent {
                kind: ServiceKind::To1,
                operations: vec![],
                parts: vec![PartNeed { part: pn("OIL"), qty: 28 }, PartNeed { part: pn("F1"), qty: 1 }],
            }],
        )
        .expect("regime");
        let due = |day: Option<NaiveDate>| DueService {
            machine: MachineId::new_at(1, [0; 10]),
            regime: regime.id(),
            kind: ServiceKind::To1,
            step: Some(1),
            due_meters: Default::default(),
            due_date: None,
            forecast: day,
            trigger: None,
            overdue: false,
        };
        let list = [due(Some(d(2024, 5, 1))), due(Some(d(2024, 5, 20))), due(Some(d(2024, 7, 1))), due(None)];
        let planned = planned_demand(&list, std::slice::from_ref(&regime), d(2024, 6, 1));
        assert_eq!(planned.get(&pn("OIL")), Some(&56));
        assert_eq!(planned.get(&pn("F1")), Some(&2));
    }
}
