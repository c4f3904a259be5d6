//! accord's interchange files.
//!
//! Everything that turns bytes from outside (spreadsheets, CSV, XML, JSON) into domain-shaped data, or
//! domain-shaped data into files for people, lives here so that no other crate needs to know
//! a file format. Readers never panic on a file: they return every problem they found, with
//! the sheet, row and column a person can look up.

pub mod backup;
pub mod csv_cell;
pub mod encoding;
pub mod fleet;
pub mod hostile;
pub mod limits;
pub mod logistics;
pub mod plan_table;
pub mod problem;
pub mod review;
pub mod trade;
pub mod xlsx;

pub use csv_cell::{escape_text_cell, unescape_text_cell};
pub use plan_table::{
    ExportMeasure, ExportSection, ExportTable, FormatError, MeasureRow, PlanRow, PlanTable, SectionRow, read_csv,
    read_xlsx, split_executors, write_csv, write_xlsx,
};
pub use problem::{Problem, Reason};
