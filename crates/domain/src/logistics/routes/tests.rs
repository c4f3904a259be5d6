//! The search against brute force on random networks, and on small hand-made cases.

use super::*;

/// A small deterministic generator (xorshift) for property checks without extra crates.
struct Gen(u64);

impl Gen {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// Every simple path from `s` to `t` with at most `max_legs` legs within the shelf budget,
/// reduced to its Pareto set of (cost, days).
fn brute_force(g: &SearchGraph, s: u32, t: u32, max_legs: u32) -> Vec<(i64, u32)> {
    fn walk(
        g: &SearchGraph,
        v: u32,
        t: u32,
        left: u32,
        acc: (i64, u32, u32),
        on_path: &mut Vec<bool>,
        out: &mut Vec<(i64, u32)>,
    ) {
        if v == t {
            out.push((acc.0, acc.1));
            return;
        }
        if left == 0 {
            return;
        }
        for e in g.out(v) {
            if on_path[e.to as usize] {
                continue;
            }
            let (c, d, s) = g.arrive(e.to, t);
            let next = (acc.0 + e.cost + c, acc.1 + e.days + d, acc.2 + e.shelf + s);
            if next.2 > g.budget {
                continue;
            }
            on_path[e.to as usize] = true;
            walk(g, e.to, t, left - 1, next, on_path, out);
            on_path[e.to as usize] = false;
        }
    }
    let mut all = Vec::new();
    let mut on_path = vec![false; g.node_count()];
    on_path[s as usize] = true;
    let start = g.arrive(s, t);
    if start.2 <= g.budget {
        walk(g, s, t, max_legs, start, &mut on_path, &mut all);
    }
    pareto_points(all)
}

fn pareto_points(mut all: Vec<(i64, u32)>) -> Vec<(i64, u32)> {
    all.sort();
    all.dedup();
    let mut front: Vec<(i64, u32)> = Vec::new();
    for p in all {
        if front.last().is_none_or(|l| p.1 < l.1) {
            front.push(p);
        }
    }
    front
}

fn random_graph(g: &mut Gen) -> SearchGraph {
    let n = 3 + g.below(6) as usize;
    let m = n + g.below(3 * n as u64) as usize;
    let mut list = Vec::new();
    for k in 0..m {
        let from = g.below(n as u64) as u32;
        let mut to = g.below(n as u64) as u32;
        if to == from {
            to = (to + 1) % n as u32;
        }
        // Small ranges so that ties and equal points are common.
        // Shelf life independent of days (a warm leg can be fast), so that it matters.
        let days = 1 + g.below(6) as u32;
        let shelf = g.below(12) as u32;
        list.push((from, Edge { to, leg: k as u32, cost: g.below(8) as i64 + 1, days, shelf }));
    }
    let nodes = (0..n)
        .map(|_| {
            let dwell = g.below(3) as u32;
            NodeWeights {
                handling: g.below(3) as i64,
                dwell_cost: g.below(2) as i64,
                dwell_days: dwell,
                dwell_shelf: dwell * 2,
            }
        })
        .collect();
    let budget = if g.below(3) == 0 { u32::MAX } else { 3 + g.below(30) as u32 };
    SearchGraph::from_parts(n, list, nodes, budget)
}

#[test]
fn pareto_search_equals_brute_force_on_random_networks() {
    let mut checked_nonempty = 0;
    for seed in 1..=5000u64 {
        let mut g = Gen(0x2545_F491_4F6C_DD1D ^ seed.wrapping_mul(0x9E37_79B9_7F4A_7C15));
        let graph = random_graph(&mut g);
        let n = graph.node_count() as u32;
        let s = g.below(u64::from(n)) as u32;
        let t = (s + 1 + g.below(u64::from(n - 1)) as u32) % n;
        let max_legs = 1 + g.below(u64::from(n)) as u32;
        let limit = if g.below(2) == 0 { Some(max_legs) } else { None };
        let found = graph.pareto(s, t, limit).expect("search");
        let got: Vec<(i64, u32)> = found.points.iter().map(|p| (p.cost, p.days)).collect();
        let expected = brute_force(&graph, s, t, limit.unwrap_or(n));
        assert_eq!(got, expected, "seed {seed}: s={s} t={t} limit={limit:?}");
        // Each route's legs are a real path from s to t with the reported figures.
        for p in &found.points {
            let mut v = s;
            let acc = graph.arrive(s, t);
            let mut acc = (acc.0, acc.1, acc.2);
            for leg in &p.legs {
                let e = graph.out(v).iter().find(|e| e.leg == *leg).expect("leg leaves v");
                let (c, d, sh) = graph.arrive(e.to, t);
                acc = (acc.0 + e.cost + c, acc.1 + e.days + d, acc.2 + e.shelf + sh);
                v = e.to;
            }
            assert_eq!((v, acc.0, acc.1, acc.2), (t, p.cost, p.days, p.shelf), "seed {seed}");
            assert!(limit.is_none_or(|m| p.legs.len() as u32 <= m));
            assert!(p.shelf <= graph.budget);
        }
        if !expected.is_empty() {
            checked_nonempty += 1;
        }
    }
    assert!(checked_nonempty > 1000, "too few cases with routes: {checked_nonempty}");
}

#[test]
fn a_route_over_budget_is_cut_and_counted() {
    let w = NodeWeights::default();
    let e = |to, leg, cost, days| Edge { to, leg, cost, days, shelf: days };
    // 0 → 1 → 2 cheap and slow (10 days), 0 → 2 dear and fast (3 days).
    let list = vec![(0, e(1, 0, 1, 5)), (1, e(2, 1, 1, 5)), (0, e(2, 2, 10, 3))];
    let g = SearchGraph::from_parts(3, list.clone(), vec![w; 3], u32::MAX);
    let found = g.pareto(0, 2, None).expect("search");
    assert_eq!(found.points.iter().map(|p| (p.cost, p.days)).collect::<Vec<_>>(), vec![(2, 10), (10, 3)]);
    assert_eq!(found.points[0].legs, vec![0, 1]);
    let tight = SearchGraph::from_parts(3, list.clone(), vec![w; 3], 8);
    let found = tight.pareto(0, 2, None).expect("search");
    assert_eq!(found.points.iter().map(|p| (p.cost, p.days)).collect::<Vec<_>>(), vec![(10, 3)]);
    assert!(found.cut_shelf > 0);
    let one_leg = g.pareto(0, 2, Some(1)).expect("search");
    assert_eq!(one_leg.points.len(), 1);
    assert!(one_leg.cut_legs > 0);
    assert!(matches!(g.pareto(1, 1, None), Err(RouteError::SameNode)));
    assert!(g.pareto(2, 0, None).expect("search").points.is_empty());
}

#[test]
fn a_partial_route_with_fewer_legs_survives_a_cheaper_longer_one() {
    // s=0 reaches v=1 directly (B: cost 10, 5 days, 1 leg) or over 2 and 3 (A: cost 3, 3 days,
    // 3 legs). From v the destination 4 is one dear leg away or two cheap legs over 5. With at
    // most 4 legs, A can only take the dear leg and B the cheap pair: both are Pareto-optimal,
    // though A beats B at v on cost and days.
    let e = |to, leg, cost, days| Edge { to, leg, cost, days, shelf: 0 };
    let list = vec![
        (0, e(1, 0, 10, 5)),
        (0, e(2, 1, 1, 1)),
        (2, e(3, 2, 1, 1)),
        (3, e(1, 3, 1, 1)),
        (1, e(4, 4, 100, 1)),
        (1, e(5, 5, 1, 1)),
        (5, e(4, 6, 1, 1)),
    ];
    let g = SearchGraph::from_parts(6, list, vec![NodeWeights::default(); 6], u32::MAX);
    let found = g.pareto(0, 4, Some(4)).expect("search");
    assert_eq!(found.points.iter().map(|p| (p.cost, p.days)).collect::<Vec<_>>(), vec![(12, 7), (103, 4)]);
    assert_eq!(brute_force(&g, 0, 4, 4), vec![(12, 7), (103, 4)]);
    // Without the limit A goes on over the cheap pair too.
    let free: Vec<(i64, u32)> = g.pareto(0, 4, None).expect("search").points.iter().map(|p| (p.cost, p.days)).collect();
    assert_eq!(free, vec![(5, 5), (103, 4)]);
    assert_eq!(brute_force(&g, 0, 4, 6), free);
}
