//! Chains as plan indicators: links between an indicator and a chain's figure, the figures a
//! chain gives now, recording them as a quarter's actuals, and the agenda's logistics section.
//! The rules are in `accord_domain::logistics::indicator`; this module gathers what they need.

use super::{Loaded, cost_of, load};
use crate::error::AppError;
use accord_domain::logistics::{ChainFigure, ChainIndicatorLink, ChainMetric, LinkError};
use accord_domain::plan::{Indicator, Measure};
use accord_domain::trade::Currency;
use accord_domain::{IndicatorId, MeasureId, Quarter};
use accord_store::{Author, RecordedFigures, Store};
use rust_decimal::Decimal;
use serde::Serialize;
use std::collections::HashMap;

/// A linked indicator with what its chain gives now and what was last recorded.
#[derive(Debug, Clone, Serialize)]
pub struct MeasuredLink {
    pub link: ChainIndicatorLink,
    pub measure: MeasureId,
    pub measure_number: String,
    pub indicator_name_ru: String,
    pub indicator_name_en: Option<String>,
    pub unit: String,
    /// The chain's figure now; `None` when the chain cannot be evaluated (see `problem`).
    pub current: Option<Decimal>,
    /// Why the figure cannot be computed: the Fluent id and its detail.
    pub problem: Option<(String, String)>,
    /// The latest recorded actual and its quarter.
    pub recorded: Option<(Quarter, Decimal)>,
}

/// An indicator a link can be made to.
#[derive(Debug, Clone, Serialize)]
pub struct LinkableIndicator {
    pub id: IndicatorId,
    pub measure_number: String,
    pub name_ru: String,
    pub name_en: Option<String>,
    pub unit: String,
}

/// The plan's indicators with their measures, by id.
struct PlanIndicators {
    indicators: HashMap<IndicatorId, (Indicator, Measure)>,
}

impl PlanIndicators {
    async fn load(store: &Store) -> Result<PlanIndicators, AppError> {
        let plan = crate::plan::resolve_plan(store, None).await?;
        let measures: HashMap<MeasureId, Measure> =
            store.measures_of_plan(plan.id).await?.into_iter().map(|m| (m.id, m)).collect();
        let mut indicators = HashMap::new();
        for (measure, list) in store.indicators_of_plan(plan.id).await? {
            let Some(m) = measures.get(&measure) else { continue };
            for i in list {
                indicators.insert(i.id, (i, m.clone()));
            }
        }
        Ok(PlanIndicators { indicators })
    }

    fn get(&self, id: IndicatorId) -> Result<&(Indicator, Measure), AppError> {
        self.indicators.get(&id).ok_or(AppError::NotFound)
    }
}

/// The figure a link gives from the chains as stored now.
pub fn figure(loaded: &Loaded, link: &ChainIndicatorLink) -> Result<Decimal, AppError> {
    let chain = loaded
        .data
        .chains
        .iter()
        .find(|c| c.key == link.chain)
        .ok_or_else(|| link_error(&LinkError::UnknownChain(link.chain.clone())))?;
    let cost = if link.metric.needs_cost() { Some(cost_of(loaded, &link.chain_to_evaluate(chain))?) } else { None };
    link.metric
        .value(chain, cost.as_ref())
        .ok_or_else(|| AppError::Internal(format!("chain {}: no {} figure", link.chain, link.metric.code())))
}

fn link_error(e: &LinkError) -> AppError {
    AppError::logistics(e.key(), e.detail())
}

/// Every link with its indicator, its chain's figure now and the latest recorded actual.
pub async fn measured_links(store: &Store, loaded: &Loaded) -> Result<Vec<MeasuredLink>, AppError> {
    measured_links_of(store, loaded, &PlanIndicators::load(store).await?).await
}

async fn measured_links_of(
    store: &Store,
    loaded: &Loaded,
    plan: &PlanIndicators,
) -> Result<Vec<MeasuredLink>, AppError> {
    let mut out = Vec::new();
    for link in store.logistics_indicator_links().await? {
        let Ok((indicator, measure)) = plan.get(link.indicator) else { continue };
        let (current, problem) = match figure(loaded, &link) {
            Ok(v) => (Some(v), None),
            Err(AppError::Logistics { key, detail }) => (None, Some((key, detail))),
            Err(e) => return Err(e),
        };
        let recorded = indicator.actuals.iter().max_by_key(|a| a.quarter).map(|a| (a.quarter, a.value));
        out.push(MeasuredLink {
            link,
            measure: measure.id,
            measure_number: measure.data.number.to_string(),
            indicator_name_ru: indicator.data.name_ru.clone(),
            indicator_name_en: indicator.data.name_en.clone(),
            unit: indicator.data.unit.clone(),
            current,
            problem,
            recorded,
        });
    }
    out.sort_by(|a, b| a.measure_number.cmp(&b.measure_number).then(a.indicator_name_ru.cmp(&b.indicator_name_ru)));
    Ok(out)
}

/// The plan's numeric indicators, for the link form.
pub async fn linkable_indicators(store: &Store) -> Result<Vec<LinkableIndicator>, AppError> {
    let plan = PlanIndicators::load(store).await?;
    let mut out: Vec<LinkableIndicator> = plan
        .indicators
        .values()
        .filter(|(i, _)| i.data.value_kind != accord_domain::plan::indicator::ValueKind::YesNo)
        .map(|(i, m)| LinkableIndicator {
            id: i.id,
            measure_number: m.data.number.to_string(),
            name_ru: i.data.name_ru.clone(),
            name_en: i.data.name_en.clone(),
            unit: i.data.unit.clone(),
        })
        .collect();
    out.sort_by(|a, b| a.measure_number.cmp(&b.measure_number).then(a.name_ru.cmp(&b.name_ru)));
    Ok(out)
}

/// What a link form or request gives.
#[derive(Debug, Clone)]
pub struct LinkRequest {
    pub indicator: String,
    pub chain: String,
    pub metric: String,
    pub currency: Option<String>,
}

/// Links an indicator to a chain's figure, after the domain's checks.
pub async fn link(store: &Store, author: Author<'_>, request: &LinkRequest) -> Result<ChainIndicatorLink, AppError> {
    let invalid = |field: &'static str| {
        AppError::Invalid(accord_domain::validation::Invalid::one(
            field,
            accord_domain::validation::Reason::UnknownValue,
        ))
    };
    let id: IndicatorId = request.indicator.trim().parse().map_err(|_| invalid("indicator"))?;
    let metric = ChainMetric::parse(&request.metric)
        .ok_or_else(|| link_error(&LinkError::UnknownMetric(request.metric.clone())))?;
    let currency = match request.currency.as_deref().map(str::trim).filter(|c| !c.is_empty()) {
        Some(c) => c.parse::<Currency>().map_err(|_| invalid("currency"))?,
        None => Currency::Rub,
    };
    let indicator = store.indicator(id).await?;
    let loaded = load(store).await?;
    let link = ChainIndicatorLink::new(&indicator, &request.chain, metric, currency, &loaded.data.chains)
        .map_err(|e| link_error(&e))?;
    // A link whose chain cannot be evaluated would fail every quarter: refuse it now.
    figure(&loaded, &link)?;
    store.logistics_link_indicator(author, &link).await?;
    Ok(link)
}

/// One figure of a recorded quarter.
#[derive(Debug, Clone, Serialize)]
pub struct RecordedFigure {
    pub indicator: IndicatorId,
    pub measure_number: String,
    pub indicator_name_ru: String,
    pub indicator_name_en: Option<String>,
    pub chain: String,
    pub metric: ChainMetric,
    pub value: Decimal,
    /// What the quarter held before.
    pub previous: Option<Decimal>,
}

#[derive(Debug, Clone, Serialize)]
pub struct RecordOutcome {
    pub quarter: Quarter,
    pub dry_run: bool,
    pub figures: Vec<RecordedFigure>,
    pub written: usize,
    pub unchanged: usize,
}

/// Computes every linked figure and, unless `dry_run`, writes them as `quarter`'s actuals in
/// one transaction. Any figure that cannot be computed refuses the whole quarter, naming the
/// indicator and the chain.
pub async fn record_quarter(
    store: &Store,
    author: Author<'_>,
    quarter: Quarter,
    dry_run: bool,
) -> Result<RecordOutcome, AppError> {
    if let Some(period) = store.review_period(quarter).await? {
        period.ensure_editable()?;
    }
    let loaded = load(store).await?;
    let plan = PlanIndicators::load(store).await?;
    let links = measured_links_of(store, &loaded, &plan).await?;
    let mut figures = Vec::with_capacity(links.len());
    for m in &links {
        let value = match (&m.current, &m.problem) {
            (Some(v), _) => *v,
            (None, Some((key, detail))) => {
                return Err(AppError::Logistics {
                    key: key.clone(),
                    detail: format!("{} {} ({}): {detail}", m.measure_number, m.indicator_name_ru, m.link.chain),
                });
            }
            (None, None) => return Err(AppError::Internal(format!("no figure for {}", m.link.indicator))),
        };
        let (indicator, _) = plan.get(m.link.indicator)?;
        figures.push(RecordedFigure {
            indicator: m.link.indicator,
            measure_number: m.measure_number.clone(),
            indicator_name_ru: m.indicator_name_ru.clone(),
            indicator_name_en: m.indicator_name_en.clone(),
            chain: m.link.chain.clone(),
            metric: m.link.metric,
            value,
            previous: indicator.actuals.iter().find(|a| a.quarter == quarter).map(|a| a.value),
        });
    }
    let RecordedFigures { written, unchanged } = if dry_run {
        let unchanged = figures.iter().filter(|f| f.previous == Some(f.value)).count();
        RecordedFigures { written: figures.len() - unchanged, unchanged }
    } else {
        let values: Vec<(IndicatorId, Decimal)> = figures.iter().map(|f| (f.indicator, f.value)).collect();
        store.logistics_record_figures(author, quarter, &values).await?
    };
    Ok(RecordOutcome { quarter, dry_run, figures, written, unchanged })
}

/// The agenda's logistics section for `quarter`: each linked indicator's actual in the quarter
/// and the one before.
pub async fn agenda_figures(store: &Store, quarter: Quarter) -> Result<Vec<ChainFigure>, AppError> {
    let links = store.logistics_indicator_links().await?;
    if links.is_empty() {
        return Ok(Vec::new());
    }
    let plan = PlanIndicators::load(store).await?;
    let indicators: Vec<&Indicator> = plan.indicators.values().map(|(i, _)| i).collect();
    Ok(ChainFigure::of_quarter(&links, &indicators, quarter))
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
    if !store.logistics_indicator_links().await?.is_empty() {
        return Ok(0);
    }
    let plan = crate::plan::resolve_plan(store, None).await?;
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
        let data = form.validate().map_err(AppError::Invalid)?;
        let indicator = store.indicator_create(Author::SYSTEM, measure.id, &data).await?;
        let request = LinkRequest {
            indicator: indicator.id.to_string(),
            chain: "pollock-today".into(),
            metric: metric.into(),
            currency: Some("RUB".into()),
        };
        link(store, Author::SYSTEM, &request).await?;
        linked.push(request);
    }
    record_quarter(store, Author::SYSTEM, q2, false).await?;
    for request in &mut linked {
        request.chain = "pollock-direct".into();
        link(store, Author::SYSTEM, request).await?;
    }
    record_quarter(store, Author::SYSTEM, q3, false).await?;
    Ok(linked.len())
}
