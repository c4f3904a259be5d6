//! The instance as a whole: backing it up and restoring it.

mod backup;

pub use backup::{BackupReport, RestoreReport};
