//! Bank of Russia `XML_daily` rates (the reader picks XML by the first character).
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = accord_formats::trade::read_rates(data);
});
