//! accord's reports: small SVG charts, the same in pages and documents, and PDF documents set
//! with Typst. Hand-written SVG keeps charts light, crisp at any size and free of fonts the
//! server lacks; the PDFs carry their own fonts.

pub mod briefing;
pub mod charts;
pub mod pdf;
pub mod testing;
pub mod trade_charts;
