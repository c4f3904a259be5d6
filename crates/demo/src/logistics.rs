//! The demo's logistics: the reference network, products, chains, parks and rates shipped
//! with accord, and chain indicators on the demo plan. Loaded through the use cases as the
//! instance's operator; loading again adds nothing.

use accord_app::Error as AppError;
use accord_app::logistics::{LinkInput, RecordInput, reference_document};
use accord_app::{Actor, App};
use accord_domain::Quarter;
use accord_store::{LogisticsImportOutcome, Store};

/// Loads the reference network, products, chains, parks and rates (the demo) through the
/// network import as the operator; loading them again changes nothing.
pub async fn load_reference(store: &Store) -> Result<LogisticsImportOutcome, AppError> {
    let app = App::new(store.clone());
    let document = reference_document()?;
    let bytes = accord_formats::logistics::write_json(&document)
        .map_err(|e| AppError::internal(format!("reference logistics data: {e}")))?;
    let report = app.network_import(&Actor::operator(), "reference.json", bytes.as_bytes(), false).await?;
    Ok(report.outcome.unwrap_or_default())
}

/// The demo's chain indicators on measure 4.4 (refrigerated fish to Belarus): the number of
/// intermediaries and the landed cost per kilogram of pollock in Mogilev. 2026 Q2 is recorded
/// from the chain as it was (`pollock-today`, five intermediaries), then the indicators follow
/// the chain without intermediaries (`pollock-direct`) and 2026 Q3 is recorded from it, so the
/// Q3 agenda shows what cutting the intermediaries changed. Every value is computed from the
/// reference chains; returns how many indicators were linked (none when the store already has
/// chain links: loading the demo again adds nothing).
pub async fn load_demo(store: &Store) -> Result<usize, AppError> {
    use accord_domain::plan::indicator::IndicatorForm;
    let app = App::new(store.clone());
    let operator = Actor::operator();
    if !store.logistics_indicator_links().await?.is_empty() {
        return Ok(0);
    }
    let plan = accord_app::App::new(store.clone()).plan_resolve(None).await?;
    let Some(measure) =
        store.measures_of_plan(plan.id).await?.into_iter().find(|m| m.data.number.to_string() == "4.4.")
    else {
        return Ok(0);
    };
    let (Some(q2), Some(q3)) = (Quarter::new(2026, 2), Quarter::new(2026, 3)) else { return Ok(0) };
    let demo = [
        (
            "Число посредников в рыбной цепочке (минтай)",
            "Intermediaries in the fish chain (pollock)",
            "ед.",
            "intermediaries",
            "2",
        ),
        (
            "Себестоимость минтая в Могилёве с доставкой",
            "Landed cost of pollock in Mogilev",
            "руб./кг",
            "landed-cost-per-unit",
            "",
        ),
    ];
    let mut linked = Vec::new();
    for (name_ru, name_en, unit, metric, target) in demo {
        let form = IndicatorForm {
            name_ru: name_ru.into(),
            name_en: Some(name_en.into()),
            unit: unit.into(),
            direction: "decrease".into(),
            accumulation: "cumulative".into(),
            value_kind: "quantity".into(),
            target: (!target.is_empty()).then(|| target.to_string()),
            ..Default::default()
        };
        let indicator = app.indicator_create(&operator, measure.id, &form).await?;
        let input = LinkInput {
            indicator: indicator.id.to_string(),
            chain: "pollock-today".into(),
            metric: metric.into(),
            currency: Some("RUB".into()),
        };
        app.chain_indicator_link(&operator, &input).await?;
        linked.push(input);
    }
    app.chain_indicators_record(&operator, &RecordInput { quarter: q2.to_string(), dry_run: false }).await?;
    for input in &mut linked {
        input.chain = "pollock-direct".into();
        app.chain_indicator_link(&operator, input).await?;
    }
    app.chain_indicators_record(&operator, &RecordInput { quarter: q3.to_string(), dry_run: false }).await?;
    Ok(linked.len())
}
