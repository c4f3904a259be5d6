//! What the rest of the web crate reads of chain-measured plan indicators (the review's agenda),
//! and the demo's indicators.

use crate::error::AppError;
use accord_domain::Quarter;
use accord_domain::logistics::ChainFigure;
use accord_store::Store;

/// The agenda's logistics section for `quarter`: each linked indicator's actual in the quarter
/// and the one before.
pub async fn agenda_figures(store: &Store, quarter: Quarter) -> Result<Vec<ChainFigure>, AppError> {
    Ok(accord_app::App::new(store.clone()).chain_agenda_figures(quarter).await?)
}
