//! Loads the demo trade, its exchange rates and product groups, links the groups to the plan's
//! measures and derives measure 1.'s turnover indicator from the trade itself.

use accord_app::trade::GroupInput;
use accord_app::trade::SummaryRequest;
use accord_app::{Actor, App, Error};
use accord_domain::trade::{Currency, Granularity, PeriodRange, RateBasis, ReportedBy, Scope, Territory};
use accord_store::{Store, TradeFile};

/// Loads the demo trade (both sides' statistics 2021-2026), its exchange rates and product
/// groups; what is already there stays as it is. Returns the records stored.
pub async fn load(store: &Store) -> Result<usize, Error> {
    let app = App::new(store.clone());
    let operator = Actor::operator();
    let seeder = app.seeder(&operator)?;
    let demo = super::demo_trade();
    let mut stored = 0;
    for (source, records) in &demo.sources {
        let mut aggregator = accord_domain::trade::Aggregator::new();
        for record in records {
            aggregator.add(record).map_err(Error::internal)?;
        }
        let aggregated = aggregator.into_sorted();
        let file = TradeFile {
            file_name: source.file_name.clone(),
            format: "demo".into(),
            // Stands for the generator's output, which is the same on every run.
            sha256: format!("demo-{}", source.side.code()),
            rows_read: records.len() as u64,
        };
        seeder.trade(source, &file, &aggregated).await?;
        stored += aggregated.len();
    }
    seeder.rates("demo-rates", &demo.rates).await?;
    let existing = store.product_groups().await?;
    let has_plan = app.plan_resolve(None).await.is_ok();
    for group in &demo.groups {
        if existing.iter().any(|g| g.group.key == group.key) {
            continue;
        }
        let measures = super::GROUP_MEASURES
            .iter()
            .find(|(key, _)| *key == group.key)
            .filter(|_| has_plan)
            .map(|(_, numbers)| numbers.iter().map(|n| (*n).to_string()).collect());
        let input = GroupInput {
            key: Some(group.key.clone()),
            name_ru: group.name_ru.clone(),
            name_en: group.name_en.clone(),
            prefixes: group.prefixes.iter().map(ToString::to_string).collect(),
            exported_by: group.exported_by.map(|side| side.code().to_string()),
            targets: group.targets.iter().map(|(year, money)| (*year, money.to_decimal().to_string())).collect(),
            measures,
            version: None,
        };
        app.product_group_save(&operator, &group.key, &input).await?;
    }
    demo_turnover_indicator(&app, &operator).await?;
    Ok(stored)
}

/// Measure 1.'s indicator, "turnover of Belarus with the Khabarovsk Territory over the last four
/// quarters", from the demo trade itself (Belarusian statistics): the 2024 figure as the
/// baseline, a quarter of growth by 2027 as the target, and each complete quarter since 2025
/// as an actual. Added once; a user's own indicators stay.
async fn demo_turnover_indicator(app: &App, operator: &Actor) -> Result<(), Error> {
    let store = app.store();
    const NAME: &str = "Товарооборот Беларуси с Хабаровским краем за четыре квартала";
    let Ok(plan) = App::new(store.clone()).plan_resolve(None).await else { return Ok(()) };
    let measures = store.measures_of_plan(plan.id).await?;
    let Some(measure) = measures.iter().find(|m| m.data.number.to_string() == "1.") else { return Ok(()) };
    if store.indicators_of(measure.id).await?.iter().any(|i| i.data.name_ru == NAME) {
        return Ok(());
    }
    let (Some(first), Some(last)) = (accord_domain::Quarter::new(2024, 1), accord_domain::Quarter::new(2027, 4)) else {
        return Ok(());
    };
    let request = SummaryRequest {
        range: PeriodRange::quarters(first, last),
        granularity: Granularity::Quarter,
        by: None,
        currency: Currency::Usd,
        basis: RateBasis::MonthlyAverage,
    };
    let scope = Scope { first: Territory::BY, second: Territory::RU_KHA };
    let Some(by) = accord_app::trade::Summariser::load(store).await?.one(&request, scope, ReportedBy::First)? else {
        return Ok(());
    };
    let complete: Vec<(accord_domain::Quarter, rust_decimal::Decimal)> = by
        .summary
        .buckets
        .iter()
        .filter(|b| !b.incomplete)
        .filter_map(|b| match b.bucket {
            accord_domain::trade::Bucket::Quarter(q) => Some((q, b.figures.turnover)),
            _ => None,
        })
        .collect();
    let million = rust_decimal::Decimal::from(1_000_000);
    let four_ending = |end: accord_domain::Quarter| -> Option<rust_decimal::Decimal> {
        let mut sum = rust_decimal::Decimal::ZERO;
        let mut q = end;
        for _ in 0..4 {
            sum += complete.iter().find(|(c, _)| *c == q)?.1;
            q = q.prev();
        }
        Some((sum / million).round_dp(1))
    };
    let (Some(end_2024), Some(from_2025)) =
        (accord_domain::Quarter::new(2024, 4), accord_domain::Quarter::new(2025, 1))
    else {
        return Ok(());
    };
    let Some(baseline) = four_ending(end_2024) else { return Ok(()) };
    let target = (baseline * rust_decimal::Decimal::new(125, 2)).round();
    let form = accord_domain::plan::indicator::IndicatorForm {
        name_ru: NAME.into(),
        name_en: Some("Trade of Belarus with the Khabarovsk Territory over four quarters".into()),
        unit: "млн долл. США".into(),
        direction: "increase".into(),
        accumulation: "cumulative".into(),
        value_kind: "quantity".into(),
        baseline: Some(baseline.to_string()),
        baseline_date: Some("2024-12-31".into()),
        target: Some(target.to_string()),
        yearly_targets: None,
    };
    let mut indicator = app.indicator_create(operator, measure.id, &form).await?;
    for (quarter, _) in complete.iter().filter(|(q, _)| *q >= from_2025) {
        if let Some(value) = four_ending(*quarter) {
            indicator = app
                .indicator_actual_set(
                    operator,
                    indicator.id,
                    indicator.version,
                    &quarter.to_string(),
                    &value.to_string(),
                )
                .await?;
        }
    }
    Ok(())
}
