//! Integration tests for accord-formats: plan tables read from and written to XLSX and CSV.
//!
//! Test workbooks are built here with rust_xlsxwriter, so every layout a test relies on is
//! visible in the test itself; the one binary fixture is shared with the rest of the project.

mod csv_files;
mod fixture;
mod fuzz_regressions;
mod layouts;
mod problems;
mod round_trip;
mod support;
