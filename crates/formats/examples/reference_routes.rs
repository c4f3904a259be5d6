//! Times the route search on the reference network and prints the Pareto routes.
//!
//! `cargo run --release -p accord-formats --example reference_routes -- [FROM TO PRODUCT DATE]`
//! (defaults: Khabarovsk, Minsk, lingonberry-frozen, 2026-03-01).

use accord_domain::logistics::{RouteQuery, SearchGraph, find_product, search_routes};
use accord_domain::trade::Currency;
use chrono::NaiveDate;
use rust_decimal::Decimal;
use std::time::Instant;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let arg = |i: usize, default: &str| args.get(i).cloned().unwrap_or_else(|| default.to_string());
    let data = accord_formats::logistics::reference().map_err(|p| format!("{p:?}"))?;
    let product = find_product(&data.products, &arg(2, "lingonberry-frozen"))?;
    let query = RouteQuery {
        from: data.network.find(&arg(0, "Khabarovsk"))?,
        to: data.network.find(&arg(1, "Minsk"))?,
        date: NaiveDate::parse_from_str(&arg(3, "2026-03-01"), "%Y-%m-%d")?,
        max_legs: Some(12),
        containers: 1,
        currency: Currency::Rub,
        financing_percent: Decimal::from(21),
    };
    let result = search_routes(&data.network, product, &query, &data.rates)?;
    for r in &result.routes {
        let path: Vec<String> = r.legs.iter().map(|l| data.network.leg(*l).label()).collect();
        println!(
            "{} | {} days | shelf left {:?} | {}",
            r.cost,
            r.days.typical,
            r.shelf_left.map(|d| d.to_string()),
            path.join(", ")
        );
    }
    println!("excluded: {:?}", result.excluded);
    let runs = 2000;
    let mut times = Vec::with_capacity(runs);
    for _ in 0..runs {
        let t = Instant::now();
        let g = SearchGraph::prepare(&data.network, product, &query, &data.rates)?;
        let r = g.search(&data.network, product, &query)?;
        times.push(t.elapsed());
        std::hint::black_box(r);
    }
    times.sort();
    println!(
        "reference network ({} nodes, {} legs), prepare + search: median {:?}, p99 {:?}",
        data.network.nodes().len(),
        data.network.legs().len(),
        times[runs / 2],
        times[runs * 99 / 100]
    );
    Ok(())
}
