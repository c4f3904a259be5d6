//! National Bank of Belarus `exrates/rates` JSON (the reader picks JSON by the first character).
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = accord_formats::trade::read_rates(data);
});
