//! `accord bench logistics`: the Pareto route search on a synthetic grid and on the reference
//! network, with the prepared graphs written for the Python reference if asked.

use crate::measure::median;
use crate::{BenchError, Result};
use accord_app::logistics::problem_lines;
use accord_domain::logistics::{
    CargoClass, Days, FixedRates, GridSpec, Product, Regime, RouteQuery, SearchGraph, ShelfLife, Unit, find_product,
    grid_network,
};
use accord_domain::trade::{CommodityCode, Currency, Money};
use chrono::NaiveDate;
use rust_decimal::Decimal;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// What `accord bench logistics` was asked to do.
pub struct LogisticsOptions {
    /// About this many nodes: the grid is the nearest square.
    pub nodes: u32,
    /// Reported only: the grid generator makes about 6 legs a node.
    pub legs_per_node: u32,
    /// Runs of the search whose median is reported.
    pub runs: usize,
    /// Where to write the prepared grid as JSON for `bench/logistics/pareto_reference.py`.
    pub dump: Option<PathBuf>,
    /// Where to write the reference network's prepared graph for the same script.
    pub dump_reference: Option<PathBuf>,
}

/// The benchmark's product: chilled berries with a 40-day journey budget, so the shelf-life
/// limit takes part in the search.
fn bench_product() -> Result<Product> {
    Ok(Product {
        key: "bench-chilled".into(),
        code: CommodityCode::parse("0810").map_err(BenchError::other)?,
        name_ru: "Ягоды".into(),
        name_en: "Berries".into(),
        unit: Unit::Kg,
        value_per_unit: Money::new(50_000, Currency::Rub),
        mass_per_unit_kg: Decimal::ONE,
        units_per_container: Decimal::from(20_000),
        regime: Some(Regime::Chilled),
        shelf_life: Some(ShelfLife { days: Days::whole(45), min_left_on_arrival: Days::whole(5) }),
        cargo: vec![CargoClass::Reefer, CargoClass::Plant],
        reduced_vat_food: true,
        source: String::new(),
    })
}

fn dump_graph(path: &Path, graph: &SearchGraph, query: &RouteQuery) -> Result<()> {
    let doc =
        serde_json::json!({ "source": query.from.0, "target": query.to.0, "graph": graph.integer_view(query.to.0) });
    std::fs::write(path, doc.to_string()).map_err(|e| BenchError::failed(format!("{}: {e}", path.display())))?;
    println!(
        "wrote the prepared graph to {} (python3 bench/logistics/pareto_reference.py {})",
        path.display(),
        path.display()
    );
    Ok(())
}

/// `accord bench logistics`: the search is CPU work, so it runs on a blocking thread.
pub async fn logistics(options: LogisticsOptions) -> Result<()> {
    tokio::task::spawn_blocking(move || run(&options)).await.map_err(BenchError::other)?
}

fn run(options: &LogisticsOptions) -> Result<()> {
    let LogisticsOptions { nodes, legs_per_node, runs, .. } = *options;
    let side = (f64::from(nodes.max(4))).sqrt().round() as u32;
    if legs_per_node != 6 {
        eprintln!(
            "note: the grid generator links each node to its 4 neighbours by 1-2 modes both ways (about 6 legs a node); --legs-per-node {legs_per_node} is reported, not generated"
        );
    }
    let t = Instant::now();
    let net = grid_network(GridSpec { width: side, height: side, seed: 42 }).map_err(BenchError::other)?;
    println!(
        "synthetic grid {side}x{side}: {} nodes, {} legs ({:.1} a node), built in {:.0?}",
        net.nodes().len(),
        net.legs().len(),
        net.legs().len() as f64 / net.nodes().len() as f64,
        t.elapsed()
    );
    let product = bench_product()?;
    let corner = side * 2 / 5;
    let query = RouteQuery {
        from: net.find("G0").map_err(BenchError::other)?,
        to: net.find(&format!("G{}", corner * side + corner)).map_err(BenchError::other)?,
        date: NaiveDate::from_ymd_opt(2026, 3, 1).ok_or_else(|| BenchError::failed("date"))?,
        max_legs: None,
        containers: 1,
        currency: Currency::Rub,
        financing_percent: Decimal::from(21),
    };
    let fx = FixedRates::new(Currency::Rub, &[]).map_err(BenchError::other)?;
    if let Some(path) = &options.dump {
        let graph = SearchGraph::prepare(&net, &product, &query, &fx).map_err(BenchError::other)?;
        dump_graph(path, &graph, &query)?;
    }
    let mut prepare = Vec::with_capacity(runs);
    let mut search = Vec::with_capacity(runs);
    let mut last = None;
    for _ in 0..runs.max(1) {
        let t = Instant::now();
        let graph = SearchGraph::prepare(&net, &product, &query, &fx).map_err(BenchError::other)?;
        prepare.push(t.elapsed());
        let t = Instant::now();
        last = Some(graph.search(&net, &product, &query).map_err(BenchError::other)?);
        search.push(t.elapsed());
    }
    let total: Vec<Duration> = prepare.iter().zip(&search).map(|(a, b)| *a + *b).collect();
    let (p_med, p_min) = median(prepare);
    let (s_med, s_min) = median(search);
    let (t_med, _) = median(total);
    if let Some(r) = &last {
        println!("Pareto routes: {}, labels: {}, shelf-life budget 40 days", r.routes.len(), r.labels);
    }
    println!("  prepare (legs converted, exclusions): median {p_med:.2?}, min {p_min:.2?}");
    println!("  search (bounds + labels):            median {s_med:.2?}, min {s_min:.2?}");
    println!("  full search, median of {runs}:            {t_med:.2?}   (target < 100 ms)");

    let data = accord_formats::logistics::reference().map_err(|p| BenchError::failed(problem_lines(&p, 3)))?;
    let berries = find_product(&data.products, "lingonberry-frozen").map_err(BenchError::other)?;
    let query = RouteQuery {
        from: data.network.find("KHV").map_err(BenchError::other)?,
        to: data.network.find("MSQ").map_err(BenchError::other)?,
        date: NaiveDate::from_ymd_opt(2026, 3, 1).ok_or_else(|| BenchError::failed("date"))?,
        max_legs: None,
        containers: 1,
        currency: Currency::Rub,
        financing_percent: Decimal::from(21),
    };
    if let Some(path) = &options.dump_reference {
        let graph = SearchGraph::prepare(&data.network, berries, &query, &data.rates).map_err(BenchError::other)?;
        dump_graph(path, &graph, &query)?;
    }
    let reference_runs = 2000;
    let mut times = Vec::with_capacity(reference_runs);
    let mut routes = 0;
    for _ in 0..reference_runs {
        let t = Instant::now();
        let graph = SearchGraph::prepare(&data.network, berries, &query, &data.rates).map_err(BenchError::other)?;
        let r = graph.search(&data.network, berries, &query).map_err(BenchError::other)?;
        times.push(t.elapsed());
        routes = r.routes.len();
    }
    let (med, min) = median(times);
    println!(
        "reference network ({} nodes, {} legs), frozen lingonberries Khabarovsk → Minsk: {routes} Pareto routes, median {med:.1?}, min {min:.1?} over {reference_runs} runs (target < 1 ms)",
        data.network.nodes().len(),
        data.network.legs().len()
    );
    Ok(())
}
