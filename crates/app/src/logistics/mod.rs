//! Logistics' use cases: the network (nodes, legs, products, chains, parks, localisation cases,
//! planning rates) imported whole or edited item by item, chains measured as plan indicators;
//! and the reads every door makes (Pareto routes, a chain's landed cost with its what-ifs,
//! localisation).
//!
//! Every read loads the stored items, rebuilds the document and lets the domain validate it (a
//! few hundred items: well under a millisecond next to the query), so a figure is always
//! computed from what is stored now. Every write validates the whole network as it would be
//! after the change, and writes only if the network is still as it was validated (else a 409).
//!
//! | use case | who |
//! |---|---|
//! | [`App::network_import`] | coordinators and administrators |
//! | [`App::network_node_save`], [`App::network_leg_save`], [`App::network_item_delete`] | coordinators and administrators |
//! | [`App::chain_indicator_link`], [`App::chain_indicator_unlink`], [`App::chain_indicators_record`] | coordinators and administrators |
//!
//! [`App::network_import`]: crate::App::network_import
//! [`App::network_node_save`]: crate::App::network_node_save
//! [`App::network_leg_save`]: crate::App::network_leg_save
//! [`App::network_item_delete`]: crate::App::network_item_delete
//! [`App::chain_indicator_link`]: crate::App::chain_indicator_link
//! [`App::chain_indicator_unlink`]: crate::App::chain_indicator_unlink
//! [`App::chain_indicators_record`]: crate::App::chain_indicators_record

mod chains;
mod indicators;
mod items;
mod network;
mod routes;

pub use chains::{
    ChainAnswer, ChainSummary, LocalisationAnswer, LocalisationQuery, Variant, chain_answer, chain_list, localisations,
};
pub use indicators::{LinkInput, LinkableIndicator, MeasuredLink, RecordInput, RecordOutcome, RecordedFigure, figure};
pub use items::{LegSave, NodeSave, network_field};
pub use network::{NetworkFormat, NetworkImportReport, export, items_of, json_problem, reference_document};
pub use routes::{
    ExclusionView, LegView, NodeRef, RouteAnswer, RouteRequest, RouteView, RoutesQuery, find_routes, parse_currency,
};

use crate::{Error, Result, Rule};
use accord_domain::logistics::{Chain, FirstOf};
use accord_domain::trade::RateTable;
use accord_formats::logistics::{JsonProblem, LogisticsData, LogisticsDocument, RatesSection};
use accord_store::{LogisticsRecords, Store, WriteTx};
use std::sync::Arc;

/// The annual rate at which the goods' value is financed while in transit, when a route
/// query does not say (the Bank of Russia key rate in 2025, rounded).
pub const DEFAULT_FINANCING_PERCENT: i64 = 21;

/// Every stored item, as a document and validated.
pub struct Loaded {
    pub records: LogisticsRecords,
    pub doc: LogisticsDocument,
    pub data: LogisticsData,
    pub official: Arc<RateTable>,
}

impl Loaded {
    /// The official rates first, the planning rates where the table has none.
    pub fn fx(&self) -> FirstOf<'_> {
        FirstOf(&*self.official, &self.data.rates)
    }

    pub fn chain(&self, key: &str) -> Result<&Chain> {
        self.data.chains.iter().find(|c| c.key == key).ok_or(Error::NotFound { entity: "chain" })
    }
}

/// The stored items as a logistics document.
pub fn document_of(records: &LogisticsRecords) -> Result<LogisticsDocument> {
    Ok(LogisticsDocument {
        nodes: records.nodes()?,
        legs: records.legs()?,
        products: records.products()?,
        chains: records.chains()?,
        parks: records.parks()?,
        localisations: records.localisations()?,
        rates: records.rates()?.map(|r| RatesSection { base: r.base, rates: r.rates }),
    })
}

/// Problems of a document as one line each, at most `limit` of them (English, for logs and
/// details that complete a translated message).
pub fn problem_lines(problems: &[JsonProblem], limit: usize) -> String {
    let mut lines: Vec<String> = problems.iter().take(limit).map(ToString::to_string).collect();
    if problems.len() > limit {
        lines.push(format!("… {} more", problems.len() - limit));
    }
    lines.join("; ")
}

/// Every stored item, validated; the official rates beside them.
pub async fn load(store: &Store) -> Result<Loaded> {
    let records = store.logistics_records().await?;
    let doc = document_of(&records)?;
    let data = doc.clone().validate().map_err(|p| {
        Error::Refused(
            Rule::state("logistics_stored_invalid", "logistics-stored-invalid").arg("detail", problem_lines(&p, 5)),
        )
    })?;
    let official = store.rate_table().await?;
    Ok(Loaded { records, doc, data, official })
}

/// A logistics rule refused what was asked (an unknown node, a product with no route, a chain
/// that cannot be costed in the currency asked): the domain's key as a Fluent id and the
/// domain's words-free detail naming the item.
pub(crate) fn refused(key: &str, detail: impl ToString) -> Error {
    let detail = detail.to_string();
    Error::Refused(Rule::input("logistics", crate::error::fluent_id(key)).arg("detail", &detail).detail(detail))
}

/// The item versions a validation was made on.
fn versions(records: &LogisticsRecords) -> Vec<(accord_store::LogisticsKind, &str, i64)> {
    records.items.iter().map(|i| (i.kind, i.key.as_str(), i.version)).collect()
}

/// Refuses the write if any item changed since `loaded` was read: the whole was validated on
/// what was loaded, so a change meanwhile (a node deleted, a leg edited) could make it invalid.
pub(crate) async fn ensure_unchanged(store: &Store, w: &mut WriteTx<'_>, loaded: &LogisticsRecords) -> Result<()> {
    let now = store.logistics_records_in(w).await?;
    if versions(&now) == versions(loaded) {
        Ok(())
    } else {
        // The network has no version of its own; the items that changed have theirs.
        Err(Error::Stale { entity: "logistics network", current: 0 })
    }
}
