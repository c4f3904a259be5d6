//! accord's domain: the types, rules and figures of an interregional cooperation agreement.
//!
//! Pure Rust without I/O: no database, no files, no clock ("now" is always a parameter).
//! Storage, web, reports and the CLI are adapters around this crate.

pub mod audit;
pub mod directory;
pub mod fleet;
pub mod ids;
pub mod logistics;
pub mod plan;
pub mod quarter;
pub mod review;
pub mod side;
pub mod text;
pub mod trade;
pub mod validation;

pub use ids::*;
pub use quarter::Quarter;
pub use side::Side;
pub use validation::{FieldError, Reason, Validated};
