//! `accord logistics routes|chain|indicators|record`, `accord import network` and
//! `accord export network`.

use crate::commands::CliError;
use accord_app::logistics::{
    ExclusionView, Loaded, NetworkFormat, RecordInput, RouteRequest, chain_answer, export, find_routes, load,
};
use accord_app::{Actor, App};
use accord_domain::trade::Currency;
use accord_i18n::Tr;
use accord_store::Store;
use chrono::NaiveDate;
use std::path::Path;

fn currency(text: Option<&str>) -> Result<Option<Currency>, CliError> {
    text.map(|c| Currency::parse(c).map_err(|_| CliError::input(format!("--currency: {c:?} is not USD, RUB or BYN"))))
        .transpose()
}

async fn loaded(store: &Store) -> Result<Loaded, CliError> {
    let loaded = load(store).await?;
    if loaded.records.is_empty() {
        return Err(CliError::input(
            "no logistics data in this store: run `accord demo` or `accord import network FILE` first",
        ));
    }
    Ok(loaded)
}

#[allow(clippy::too_many_arguments)]
pub async fn routes(
    store: &Store,
    from: String,
    to: String,
    product: String,
    date: Option<String>,
    max_legs: Option<u32>,
    currency_code: Option<String>,
    json: bool,
) -> Result<(), CliError> {
    let date = match date {
        Some(d) => NaiveDate::parse_from_str(d.trim(), "%Y-%m-%d")
            .map_err(|_| CliError::input(format!("--date: {d:?} is not a date like 2026-03-01")))?,
        None => chrono::Utc::now().date_naive(),
    };
    let currency = currency(currency_code.as_deref())?.unwrap_or(Currency::Rub);
    let loaded = loaded(store).await?;
    let request = RouteRequest { from, to, product, date, max_legs, currency, containers: 1 };
    let answer = find_routes(&loaded, &request)?;
    if json {
        let text = serde_json::to_string_pretty(&answer).map_err(|e| CliError::other(e.to_string()))?;
        println!("{text}");
        return Ok(());
    }
    println!(
        "{} ({}): {} {} → {} {}, {}",
        answer.product_name_en,
        answer.product,
        answer.from.code,
        answer.from.name_en,
        answer.to.code,
        answer.to.name_en,
        answer.date
    );
    if answer.routes.is_empty() {
        println!("no feasible route:");
        for x in &answer.excluded {
            println!("  - {}", x.reason_text());
        }
        return Ok(());
    }
    println!("{:>3}  {:>16}  {:>6}  {:>10}  route", "#", format!("cost, {}", currency.code()), "days", "shelf left");
    for (i, r) in answer.routes.iter().enumerate() {
        let legs: Vec<String> = r.legs.iter().map(|l| format!("{}→{} {}", l.from, l.to, l.mode)).collect();
        println!(
            "{:>3}  {:>16}  {:>6}  {:>10}  {}",
            i + 1,
            r.cost.to_decimal().to_string(),
            r.days.typical.to_decimal().normalize().to_string(),
            r.shelf_left.map(|d| d.to_decimal().normalize().to_string()).unwrap_or_else(|| "-".into()),
            legs.join(", ")
        );
    }
    if !answer.excluded.is_empty() {
        let list: Vec<String> = answer.excluded.iter().map(|x| x.reason_text()).collect();
        println!("excluded: {}", list.join("; "));
    }
    Ok(())
}

trait ReasonText {
    fn reason_text(&self) -> String;
}

impl ReasonText for ExclusionView {
    fn reason_text(&self) -> String {
        let tr = Tr::new(accord_domain::directory::Locale::En);
        tr.ta(&self.key, &[("count", self.count.to_string())])
    }
}

pub async fn chain(store: &Store, key: &str, currency_code: Option<String>, json: bool) -> Result<(), CliError> {
    let loaded = loaded(store).await?;
    let currency = currency(currency_code.as_deref())?;
    let answer = chain_answer(&loaded, key, currency).map_err(|e| match e {
        accord_app::Error::NotFound { .. } => {
            let keys: Vec<&str> = loaded.data.chains.iter().map(|c| c.key.as_str()).collect();
            CliError::input(format!("no chain {key:?}; chains: {}", keys.join(", ")))
        }
        other => other.into(),
    })?;
    if json {
        let text = serde_json::to_string_pretty(&answer).map_err(|e| CliError::other(e.to_string()))?;
        println!("{text}");
        return Ok(());
    }
    let lc = &answer.cost;
    let tr = Tr::new(accord_domain::directory::Locale::En);
    println!("{} ({}), {} intermediaries, {}", answer.name_en, answer.key, answer.intermediaries, lc.currency.code());
    for line in &lc.lines {
        let label = tr.t(&line.key.replace('.', "-"));
        let label = match &line.detail {
            Some(d) => format!("{label}: {d}"),
            None => label,
        };
        println!(
            "  {label:<48} {:>18} {:>14}/unit",
            line.amount.to_decimal().to_string(),
            line.per_unit.to_decimal().to_string()
        );
    }
    println!(
        "  {:<48} {:>18} {:>14}/unit",
        "total",
        lc.total.to_decimal().to_string(),
        lc.total_per_unit.to_decimal().to_string()
    );
    println!("what if:");
    for v in &answer.variants {
        let title = tr.t(&v.key);
        let title = match &v.detail {
            Some(d) => format!("{title}: {d}"),
            None => title,
        };
        println!(
            "  {title:<60} total {:>18} ({:+}), days {}",
            v.cost.total.to_decimal().to_string(),
            v.diff.total_diff.to_decimal(),
            v.cost.days.typical.to_decimal().normalize()
        );
    }
    Ok(())
}

/// A logistics file's problem in the reader's language: a workbook's sheet and row, or the
/// JSON path as written.
fn problem_line(tr: &Tr, p: &accord_formats::Problem) -> String {
    if p.sheet == "json" && !p.column.is_empty() {
        return tr.ta("problem-where", &[("where", p.column.clone()), ("reason", tr.problem_reason(&p.reason))]);
    }
    tr.problem(p)
}

/// `accord import network FILE`: as the acting user, all or nothing.
pub async fn import_network(app: &App, actor: &Actor, tr: &Tr, file: &Path, dry_run: bool) -> Result<(), CliError> {
    let bytes = crate::error::read_whole(file, tr)?;
    let name = file.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let report = match app.network_import(actor, &name, &bytes, dry_run).await {
        Ok(report) => report,
        Err(accord_app::Error::InvalidFile(problems)) => {
            for p in &problems {
                eprintln!("{}: {}", file.display(), problem_line(tr, p));
            }
            return Err(CliError::input(format!(
                "{} problem(s) in {}; nothing was imported",
                problems.len(),
                file.display()
            )));
        }
        Err(e) => return Err(CliError::from_app(e, tr)),
    };
    let sections: Vec<&str> = report.sections.iter().map(|k| k.code()).collect();
    println!(
        "{} ({}): {} nodes, {} legs, {} products, {} chains; sections {}",
        file.display(),
        report.format.code(),
        report.nodes,
        report.legs,
        report.products,
        report.chains,
        sections.join(", ")
    );
    match report.outcome {
        None => println!("dry run: the file is valid; nothing was written"),
        Some(o) if !o.changed() => println!("unchanged: the store already holds this data"),
        Some(o) => {
            println!("{} added, {} changed, {} deleted, {} unchanged", o.inserted, o.updated, o.deleted, o.unchanged)
        }
    }
    Ok(())
}

pub async fn export_network(store: &Store, format: &str, out: &Path) -> Result<(), CliError> {
    let format = NetworkFormat::parse(format).ok_or_else(|| CliError::input("--format: json or xlsx"))?;
    let bytes = export(store, format).await?;
    std::fs::write(out, &bytes).map_err(|e| CliError::other(format!("{}: {e}", out.display())))?;
    println!("wrote {} ({} bytes)", out.display(), bytes.len());
    Ok(())
}

fn print_json(value: Result<String, serde_json::Error>) -> Result<(), CliError> {
    println!("{}", value.map_err(|e| CliError::other(e.to_string()))?);
    Ok(())
}

/// `accord logistics indicators`: the chain-measured indicators, their figure now and the last
/// recorded one.
pub async fn indicators(app: &App, tr: &Tr, json: bool) -> Result<(), CliError> {
    let loaded = loaded(app.store()).await?;
    let links = app.chain_measured_links(&loaded).await?;
    if json {
        return print_json(serde_json::to_string_pretty(&links));
    }
    if links.is_empty() {
        println!("{}", tr.t("list-empty"));
        return Ok(());
    }
    for m in &links {
        let now = match (&m.current, &m.problem) {
            (Some(v), _) => tr.decimal(*v),
            (None, Some((key, detail))) => tr.ta(key, &[("detail", detail.clone())]),
            (None, None) => "—".into(),
        };
        let recorded = m.recorded.map(|(q, v)| format!("{} ({q})", tr.decimal(v))).unwrap_or_else(|| "—".into());
        println!(
            "{} {} [{}, {}]: {} {now}; {} {recorded}",
            m.measure_number,
            m.indicator_name_ru,
            m.link.chain,
            tr.t(&m.link.metric.label_key().replace('.', "-")),
            tr.t("logistics-indicator-now"),
            tr.t("logistics-indicator-recorded"),
        );
    }
    Ok(())
}

/// `accord logistics record --quarter Q`: writes the chains' figures as the quarter's actuals,
/// as the acting user.
pub async fn record(
    app: &App,
    actor: &Actor,
    tr: &Tr,
    quarter: &str,
    dry_run: bool,
    json: bool,
) -> Result<(), CliError> {
    loaded(app.store()).await?;
    let input = RecordInput { quarter: quarter.to_string(), dry_run };
    let outcome = app.chain_indicators_record(actor, &input).await.map_err(|e| {
        // The refusal's message may not name the quarter (a closed period): the command does.
        let refused = CliError::from_app(e, tr);
        CliError { message: format!("{}: {}", quarter.trim(), refused.message), ..refused }
    })?;
    if json {
        return print_json(serde_json::to_string_pretty(&outcome));
    }
    for f in &outcome.figures {
        let before = f.previous.map(|p| tr.decimal(p)).unwrap_or_else(|| "—".into());
        println!("{} {} [{}]: {before} → {}", f.measure_number, f.indicator_name_ru, f.chain, tr.decimal(f.value));
    }
    let verb = if dry_run { "would write" } else { "written" };
    println!("{}: {} {verb}, {} unchanged", outcome.quarter, outcome.written, outcome.unchanged);
    Ok(())
}
