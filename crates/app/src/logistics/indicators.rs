//! Chains as plan indicators: links between an indicator and a chain's figure, the figures a
//! chain gives now, recording them as a quarter's actuals, and the agenda's logistics section.
//! The rules are in `accord_domain::logistics::indicator`; this module gathers what they need.
//!
//! A link is a pointer set whole (this indicator follows that chain's figure), not a record
//! edited field by field: linking again replaces it (the audit log keeps the one before), so a
//! link carries no version. Recording a quarter writes each figure only if it differs from the
//! quarter's actual, in one transaction, and only while the network is as it was costed.

use super::chains::cost_of;
use super::{Loaded, ensure_unchanged, load, refused};
use crate::{Actor, App, Error, Result, Rule};
use accord_domain::directory::{Action, authorize};
use accord_domain::logistics::{ChainFigure, ChainIndicatorLink, ChainMetric, LinkError};
use accord_domain::plan::indicator::ValueKind;
use accord_domain::plan::{Indicator, Measure};
use accord_domain::trade::Currency;
use accord_domain::validation::{Invalid, Reason};
use accord_domain::{IndicatorId, MeasureId, Quarter};
use accord_store::RecordedFigures;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
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
    async fn load(app: &App) -> Result<PlanIndicators> {
        let plan = app.plan_resolve(None).await?;
        let measures: HashMap<MeasureId, Measure> =
            app.store.measures_of_plan(plan.id).await?.into_iter().map(|m| (m.id, m)).collect();
        let mut indicators = HashMap::new();
        for (measure, list) in app.store.indicators_of_plan(plan.id).await? {
            let Some(m) = measures.get(&measure) else { continue };
            for i in list {
                indicators.insert(i.id, (i, m.clone()));
            }
        }
        Ok(PlanIndicators { indicators })
    }

    fn get(&self, id: IndicatorId) -> Result<&(Indicator, Measure)> {
        self.indicators.get(&id).ok_or(Error::NotFound { entity: "indicator" })
    }
}

fn link_error(e: &LinkError) -> Error {
    refused(e.key(), e.detail())
}

/// The figure a link gives from the chains as stored now, or why it cannot (the domain's key
/// as a Fluent id, and its detail).
fn figure_or_problem(loaded: &Loaded, link: &ChainIndicatorLink) -> Result<Decimal, (String, String)> {
    let problem = |key: &str, detail: String| (crate::error::fluent_id(key), detail);
    let chain = loaded.data.chains.iter().find(|c| c.key == link.chain).ok_or_else(|| {
        let e = LinkError::UnknownChain(link.chain.clone());
        problem(e.key(), e.detail())
    })?;
    let cost = if link.metric.needs_cost() {
        let evaluated = link.chain_to_evaluate(chain);
        Some(cost_of(loaded, &evaluated).map_err(|e| match e {
            Error::Refused(rule) => {
                let detail = rule.args.iter().find(|(k, _)| *k == "detail").map(|(_, v)| v.clone());
                (rule.key, detail.unwrap_or(rule.detail))
            }
            other => problem("logistics.stored-invalid", other.to_string()),
        })?)
    } else {
        None
    };
    link.metric.value(chain, cost.as_ref()).ok_or_else(|| {
        problem("logistics.stored-invalid", format!("chain {}: no {} figure", link.chain, link.metric.code()))
    })
}

/// The figure a link gives from the chains as stored now.
pub fn figure(loaded: &Loaded, link: &ChainIndicatorLink) -> Result<Decimal> {
    figure_or_problem(loaded, link)
        .map_err(|(key, detail)| Error::Refused(Rule::input("logistics", key).arg("detail", &detail).detail(detail)))
}

async fn measured_links_of(app: &App, loaded: &Loaded, plan: &PlanIndicators) -> Result<Vec<MeasuredLink>> {
    let mut out = Vec::new();
    for link in app.store.logistics_indicator_links().await? {
        let Ok((indicator, measure)) = plan.get(link.indicator) else { continue };
        let (current, problem) = match figure_or_problem(loaded, &link) {
            Ok(v) => (Some(v), None),
            Err(problem) => (None, Some(problem)),
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

/// What a link form or request gives.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct LinkInput {
    /// The plan indicator's id.
    #[serde(default)]
    pub indicator: String,
    /// The chain's key.
    #[serde(default)]
    pub chain: String,
    /// `intermediaries`, `landed-cost-per-unit`, ...
    #[serde(default)]
    pub metric: String,
    /// For a money figure: USD, RUB (default) or BYN.
    #[serde(default)]
    pub currency: Option<String>,
}

/// What a record form or request gives.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct RecordInput {
    /// The quarter, e.g. 2026Q3.
    #[serde(default)]
    pub quarter: String,
    #[serde(default)]
    pub dry_run: bool,
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

fn parse_indicator(text: &str) -> Result<IndicatorId> {
    text.trim().parse().map_err(|_| Invalid::one("indicator", Reason::UnknownValue).into())
}

impl App {
    /// Every link with its indicator, its chain's figure now and the latest recorded actual.
    pub async fn chain_measured_links(&self, loaded: &Loaded) -> Result<Vec<MeasuredLink>> {
        measured_links_of(self, loaded, &PlanIndicators::load(self).await?).await
    }

    /// The plan's numeric indicators, for the link form.
    pub async fn chain_linkable_indicators(&self) -> Result<Vec<LinkableIndicator>> {
        let plan = PlanIndicators::load(self).await?;
        let mut out: Vec<LinkableIndicator> = plan
            .indicators
            .values()
            .filter(|(i, _)| i.data.value_kind != ValueKind::YesNo)
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

    /// The agenda's logistics section for `quarter`: each linked indicator's actual in the
    /// quarter and the one before.
    pub async fn chain_agenda_figures(&self, quarter: Quarter) -> Result<Vec<ChainFigure>> {
        let links = self.store.logistics_indicator_links().await?;
        if links.is_empty() {
            return Ok(Vec::new());
        }
        let plan = PlanIndicators::load(self).await?;
        let indicators: Vec<&Indicator> = plan.indicators.values().map(|(i, _)| i).collect();
        Ok(ChainFigure::of_quarter(&links, &indicators, quarter))
    }

    /// Links an indicator to a chain's figure (replacing its earlier link), after the domain's
    /// checks and once the figure is known to compute.
    pub async fn chain_indicator_link(&self, actor: &Actor, input: &LinkInput) -> Result<ChainIndicatorLink> {
        authorize(&actor.role(), Action::ManageLogistics)?;
        let id = parse_indicator(&input.indicator)?;
        let metric = ChainMetric::parse(&input.metric)
            .ok_or_else(|| link_error(&LinkError::UnknownMetric(input.metric.clone())))?;
        let currency = match input.currency.as_deref().map(str::trim).filter(|c| !c.is_empty()) {
            Some(c) => c.parse::<Currency>().map_err(|_| Invalid::one("currency", Reason::UnknownValue))?,
            None => Currency::Rub,
        };
        let indicator = self.store.indicator(id).await?;
        let loaded = load(&self.store).await?;
        let link = ChainIndicatorLink::new(&indicator, input.chain.trim(), metric, currency, &loaded.data.chains)
            .map_err(|e| link_error(&e))?;
        // A link whose chain cannot be evaluated would fail every quarter: refuse it now.
        figure(&loaded, &link)?;
        let mut w = self.store.begin_write(actor.author()).await?;
        ensure_unchanged(&self.store, &mut w, &loaded.records).await?;
        self.store.logistics_link_indicator_in(&mut w, &link).await?;
        w.commit().await?;
        Ok(link)
    }

    /// Removes an indicator's link; its recorded actuals stay.
    pub async fn chain_indicator_unlink(&self, actor: &Actor, indicator: &str) -> Result<()> {
        authorize(&actor.role(), Action::ManageLogistics)?;
        let id = parse_indicator(indicator).map_err(|_| Error::not_found("indicator_chain_link"))?;
        let mut w = self.store.begin_write(actor.author()).await?;
        self.store.logistics_unlink_indicator_in(&mut w, id).await?;
        w.commit().await?;
        Ok(())
    }

    /// Computes every linked figure and, unless `dry_run`, writes them as the quarter's actuals
    /// in one transaction. Any figure that cannot be computed refuses the whole quarter, naming
    /// the indicator and the chain; so does a closed reporting period.
    pub async fn chain_indicators_record(&self, actor: &Actor, input: &RecordInput) -> Result<RecordOutcome> {
        authorize(&actor.role(), Action::ManageLogistics)?;
        let quarter = plan_quarter(self, &input.quarter).await?;
        if let Some(period) = self.store.review_period(quarter).await? {
            period.ensure_editable()?;
        }
        let loaded = load(&self.store).await?;
        let plan = PlanIndicators::load(self).await?;
        let links = measured_links_of(self, &loaded, &plan).await?;
        let mut figures = Vec::with_capacity(links.len());
        for m in &links {
            let value = match (&m.current, &m.problem) {
                (Some(v), _) => *v,
                (None, Some((key, detail))) => {
                    // The quarter asked is fine; a chain as stored cannot give its figure now.
                    let detail = format!("{} {} ({}): {detail}", m.measure_number, m.indicator_name_ru, m.link.chain);
                    return Err(Error::Refused(
                        Rule::state("logistics_figure_unavailable", key.clone()).arg("detail", &detail).detail(detail),
                    ));
                }
                (None, None) => return Err(Error::internal(format!("no figure for {}", m.link.indicator))),
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
        let RecordedFigures { written, unchanged } = if input.dry_run {
            let unchanged = figures.iter().filter(|f| f.previous == Some(f.value)).count();
            RecordedFigures { written: figures.len() - unchanged, unchanged }
        } else {
            let values: Vec<(IndicatorId, Decimal)> = figures.iter().map(|f| (f.indicator, f.value)).collect();
            let mut w = self.store.begin_write(actor.author()).await?;
            ensure_unchanged(&self.store, &mut w, &loaded.records).await?;
            let recorded = self.store.logistics_record_figures_in(&mut w, quarter, &values).await?;
            w.commit().await?;
            recorded
        };
        Ok(RecordOutcome { quarter, dry_run: input.dry_run, figures, written, unchanged })
    }
}

/// A quarter ("2026Q3") of the plan's period: a malformed one or one outside the plan is a
/// refusal naming it and the plan's range.
async fn plan_quarter(app: &App, raw: &str) -> Result<Quarter> {
    let plan = app.plan_resolve(None).await?;
    let period = app.store.review_plan_period(plan.id).await?;
    Ok(period.parse_quarter(raw.trim())?)
}
