//! Synthetic multimodal networks for benchmarks and tests: a grid of nodes where every pair of
//! neighbours is linked both ways by one or two modes, with figures in the proportions of the
//! reference network (road reefer dear and fast, rail reefer cheaper and slower, sea cheapest
//! and slowest), randomised so that Pareto sets are non-trivial. Deterministic: the same seed
//! gives the same network, with a splitmix64 generator (no dependency).

use super::network::{CargoClass, Dwell, Leg, Mode, Network, NetworkError, Node, NodeCode, NodeKind};
use super::units::{DayRange, Days, Months, TempRange};
use crate::trade::{Currency, Money};

/// splitmix64: small, fast, good enough for test data.
#[derive(Debug, Clone)]
pub struct SplitMix(u64);

impl SplitMix {
    pub fn new(seed: u64) -> SplitMix {
        SplitMix(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (n > 0; modulo bias is irrelevant here).
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n.max(1)
    }

    /// Uniform in `lo..=hi`.
    pub fn between(&mut self, lo: i64, hi: i64) -> i64 {
        lo + self.below((hi - lo + 1).max(1) as u64) as i64
    }
}

/// The shape of a synthetic grid.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GridSpec {
    pub width: u32,
    pub height: u32,
    pub seed: u64,
}

/// A synthetic mode: (mode, RUB per km per container, km per day, reefer range).
type ModeFigures = (Mode, i64, i64, Option<(i16, i16)>);

const MODES: [ModeFigures; 5] = [
    (Mode::RailReefer, 40, 600, Some((-25, 25))),
    (Mode::RoadReefer, 95, 800, Some((-25, 25))),
    (Mode::Sea, 18, 400, Some((-25, 25))),
    (Mode::RailContainer, 30, 650, None),
    (Mode::Road, 80, 850, None),
];

fn code(i: u32) -> NodeCode {
    NodeCode::generated(format!("G{i}"))
}

/// Nodes and legs of a `width × height` grid. Every neighbouring pair (right and down) gets
/// one or two modes (half the pairs each), each in both directions, so a 100 × 100 grid has
/// about 59,400 legs. One node in eight is a terminal with a 0.5-2 day dwell for reefer
/// cargo; one leg in twenty is open only July to November.
pub fn grid(spec: GridSpec) -> (Vec<Node>, Vec<Leg>) {
    let mut rng = SplitMix::new(spec.seed);
    let (w, h) = (spec.width.max(1), spec.height.max(1));
    let n = w * h;
    let nodes = (0..n)
        .map(|i| {
            let terminal = rng.below(8) == 0;
            let dwell = if terminal {
                let t = rng.between(5, 20) as i32;
                vec![Dwell {
                    cargo: CargoClass::Reefer,
                    days: DayRange::new(Days::from_tenths(t / 2), Days::from_tenths(t), Days::from_tenths(t * 2)),
                    source: String::new(),
                }]
            } else {
                Vec::new()
            };
            Node {
                code: code(i),
                name_ru: format!("Узел {i}"),
                name_en: format!("Node {i}"),
                kind: if terminal { NodeKind::RailTerminal } else { NodeKind::City },
                country: "RU".into(),
                time_zone: "UTC".into(),
                dwell,
                handling_per_container: Some(Money::new(rng.between(0, 5000) * 100, Currency::Rub)),
                storage_per_container_day: terminal.then(|| Money::new(150_000, Currency::Rub)),
                cold_storage: terminal.then_some(TempRange::new(-25, 25)),
                source: String::new(),
            }
        })
        .collect();
    let mut legs = Vec::new();
    for y in 0..h {
        for x in 0..w {
            let a = y * w + x;
            let mut pairs = Vec::with_capacity(2);
            if x + 1 < w {
                pairs.push(a + 1);
            }
            if y + 1 < h {
                pairs.push(a + w);
            }
            for b in pairs {
                let km = rng.between(100, 600);
                let count = 1 + rng.below(2) as usize;
                let first = rng.below(MODES.len() as u64) as usize;
                for k in 0..count {
                    let (mode, per_km, km_day, reefer) = MODES[(first + k * 2) % MODES.len()];
                    let seasonal = rng.below(20) == 0;
                    for (from, to) in [(a, b), (b, a)] {
                        // ±30% on cost and time, independently: trade-offs between legs.
                        let cost = km * per_km * rng.between(70, 130) / 100;
                        let tenths = ((km * 10 * rng.between(70, 130)) / (km_day * 100)).max(1) as i32;
                        legs.push(Leg {
                            from: code(from),
                            to: code(to),
                            mode,
                            distance_km: km as u32,
                            transit_days: DayRange::new(
                                Days::from_tenths(tenths * 8 / 10),
                                Days::from_tenths(tenths),
                                Days::from_tenths(tenths * 15 / 10),
                            ),
                            cost_per_container: Some(Money::new(cost * 100, Currency::Rub)),
                            cost_per_tonne: None,
                            reefer: reefer.map(|(lo, hi)| TempRange::new(lo, hi)),
                            months_open: if seasonal { Months::from_list(&[7, 8, 9, 10, 11]) } else { None },
                            capacity_per_week: None,
                            source: String::new(),
                        });
                    }
                }
            }
        }
    }
    (nodes, legs)
}

/// [`grid`] as a validated network.
pub fn grid_network(spec: GridSpec) -> Result<Network, NetworkError> {
    let (nodes, legs) = grid(spec);
    Network::new(nodes, legs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_network() {
        let spec = GridSpec { width: 6, height: 5, seed: 7 };
        let (n1, l1) = grid(spec);
        let (n2, l2) = grid(spec);
        assert_eq!((n1.len(), l1.len()), (n2.len(), l2.len()));
        assert_eq!(l1, l2);
        assert_eq!(n1, n2);
        let net = grid_network(spec).expect("valid");
        assert_eq!(net.nodes().len(), 30);
        // 49 neighbouring pairs × 1-2 modes × 2 directions.
        assert!((98..=196).contains(&net.legs().len()), "{}", net.legs().len());
        assert_ne!(grid(GridSpec { seed: 8, ..spec }).1, l1);
    }
}
