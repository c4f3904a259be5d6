//! The instance as a whole: backing it up and restoring it, loading the demonstration data.

mod backup;
mod seed;

pub use backup::{BackupReport, RestoreReport};
pub use seed::Seeder;

/// The instance fact that marks a store holding the demonstration data (the UI says so and
/// offers the demo accounts).
pub const DEMO_META_KEY: &str = "demo";
