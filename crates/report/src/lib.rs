//! accord's reports. For now: small SVG charts, the same in pages and (later) documents.
//! Hand-written SVG keeps them light, crisp at any size and free of fonts the server lacks.

pub mod charts;
pub mod trade_charts;
