//! The instance as a whole: backing it up and restoring it.

mod backup;

pub use backup::{BackupReport, RestoreReport};

/// The instance fact that marks a store holding the demonstration data (the UI says so and
/// offers the demo accounts).
pub const DEMO_META_KEY: &str = "demo";
