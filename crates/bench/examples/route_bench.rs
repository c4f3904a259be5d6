//! Times the Pareto route search on a synthetic grid.
//!
//! `cargo run --release -p accord-bench --example route_bench -- [WIDTH HEIGHT SEED] [--dump FILE]`
//!
//! Default: a 100 × 100 grid (10,000 nodes, about 59,400 legs), a chilled product with a
//! 40-day shelf-life budget, from the corner node to node (40, 40). `--dump` writes the prepared
//! integer graph as JSON for `bench/logistics/pareto_reference.py`.

use accord_domain::logistics::{
    CargoClass, GridSpec, Product, Regime, RouteQuery, SearchGraph, ShelfLife, Unit, grid_network, search_routes,
};
use accord_domain::logistics::{Days, FixedRates};
use accord_domain::trade::{CommodityCode, Currency, Money};
use chrono::NaiveDate;
use rust_decimal::Decimal;
use std::time::Instant;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let dump = args.iter().position(|a| a == "--dump").and_then(|i| args.get(i + 1)).cloned();
    let nums: Vec<u64> = args.iter().take_while(|a| *a != "--dump").filter_map(|a| a.parse().ok()).collect();
    let (w, h, seed) =
        (*nums.first().unwrap_or(&100) as u32, *nums.get(1).unwrap_or(&100) as u32, *nums.get(2).unwrap_or(&42));
    let budget_days: i32 = std::env::var("BENCH_SHELF_DAYS").ok().and_then(|v| v.parse().ok()).unwrap_or(40);
    let t0 = Instant::now();
    let net = grid_network(GridSpec { width: w, height: h, seed })?;
    println!(
        "grid {w}x{h} seed {seed}: {} nodes, {} legs, built in {:?}",
        net.nodes().len(),
        net.legs().len(),
        t0.elapsed()
    );
    let product = Product {
        key: "bench-chilled".into(),
        code: CommodityCode::parse("0810")?,
        name_ru: "Ягоды".into(),
        name_en: "Berries".into(),
        unit: Unit::Kg,
        value_per_unit: Money::new(50_000, Currency::Rub),
        mass_per_unit_kg: Decimal::ONE,
        units_per_container: Decimal::from(20_000),
        regime: Some(Regime::Chilled),
        shelf_life: Some(ShelfLife { days: Days::whole(budget_days + 5), min_left_on_arrival: Days::whole(5) }),
        cargo: vec![CargoClass::Reefer, CargoClass::Plant],
        reduced_vat_food: true,
        source: String::new(),
    };
    let to = (w.min(h) * 2 / 5) * w + w.min(h) * 2 / 5;
    let query = RouteQuery {
        from: net.find("G0")?,
        to: net.find(&format!("G{to}"))?,
        date: NaiveDate::from_ymd_opt(2026, 3, 1).ok_or("date")?,
        max_legs: None,
        containers: 1,
        currency: Currency::Rub,
        financing_percent: Decimal::from(21),
    };
    let fx = FixedRates::new(Currency::Rub, &[])?;
    let graph = SearchGraph::prepare(&net, &product, &query, &fx)?;
    println!("feasible legs after exclusions: {}", graph.edge_count());
    if let Some(path) = dump {
        std::fs::write(
            &path,
            serde_json::to_string(&serde_json::json!({
                "source": query.from.0, "target": query.to.0, "graph": graph.integer_view(query.to.0),
            }))?,
        )?;
        println!("wrote {path}");
    }
    let runs = 15;
    let mut prepare = Vec::new();
    let mut search = Vec::new();
    let mut last = None;
    for _ in 0..runs {
        let t = Instant::now();
        let g = SearchGraph::prepare(&net, &product, &query, &fx)?;
        prepare.push(t.elapsed());
        let t = Instant::now();
        last = Some(g.search(&net, &product, &query)?);
        search.push(t.elapsed());
    }
    prepare.sort();
    search.sort();
    let t = Instant::now();
    let full = search_routes(&net, &product, &query, &fx)?;
    let once = t.elapsed();
    if let Some(r) = last {
        println!("Pareto routes: {}, labels: {}, excluded: {:?}", r.routes.len(), r.labels, r.excluded);
        if let (Some(a), Some(b)) = (r.routes.first(), r.routes.last()) {
            println!(
                "cheapest: {} in {} days, {} legs; fastest: {} in {} days",
                a.cost,
                a.days.typical,
                a.legs.len(),
                b.cost,
                b.days.typical
            );
        }
    }
    println!("prepare (convert legs, exclusions): median {:?}, min {:?}", prepare[runs / 2], prepare[0]);
    println!("search (bounds + labels):           median {:?}, min {:?}", search[runs / 2], search[0]);
    println!("search_routes end to end, once:     {once:?} ({} routes)", full.routes.len());
    Ok(())
}
