//! Translations and formatting live in `accord-i18n`, shared with the command line and the
//! documents; pages reach them here.

pub use accord_i18n::*;
