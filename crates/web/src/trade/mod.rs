//! Trade in both directions: imports of customs and statistics files and of exchange rates,
//! summaries with charts, mirror reconciliation, product groups. Pages under `/trade`, the
//! API under `/api/v1/trade`. Every change is a use case of `accord_app::trade`; the figures are
//! read from there too.

mod api;
mod groups;
mod imports;
mod measure;
mod mirror;
mod overview;
mod view;

pub use accord_app::trade::{MirrorQuery, ScopeSummary, Summariser, SummaryQuery, SummaryRequest};
pub use api::TradeApiDoc;
pub use measure::{MeasureTrade, measure_trade};
pub(crate) use view::chart_options;

use crate::AppState;
use crate::i18n::Tr;
use accord_app::trade::ImportSummary;
use axum::Router;

/// Trade files sent to the API or uploaded: the size up to which a file is read in one part.
pub const UPLOAD_LIMIT: usize = accord_formats::trade::SPLIT_AT as usize;

pub fn routes() -> Router<AppState> {
    Router::new()
        .merge(overview::routes())
        .merge(mirror::routes())
        .merge(groups::routes())
        .merge(imports::routes())
        .merge(api::routes())
}

/// The routes that take trade and rate files (a larger body limit than the rest).
pub fn upload_routes() -> Router<AppState> {
    imports::upload_routes().merge(api::upload_routes())
}

/// The rows an import left out, one line each in the reader's language, and how many more.
pub(crate) fn import_notes(tr: &Tr, summary: &ImportSummary) -> Vec<String> {
    let mut notes: Vec<String> = summary.skipped.iter().map(|s| tr.skipped(s)).collect();
    if summary.more_skipped > 0 {
        notes.push(
            tr.ta("import-more-skipped", &[("count", tr.int(i64::try_from(summary.more_skipped).unwrap_or(i64::MAX)))]),
        );
    }
    notes
}
