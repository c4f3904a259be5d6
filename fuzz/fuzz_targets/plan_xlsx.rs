//! The plan table from a workbook (the plan import page, `accord import plan`).
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = accord_formats::read_xlsx(data);
});
