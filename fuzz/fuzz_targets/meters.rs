//! The fleet's meter readings file, CSV (UTF-8 or Windows-1251) or XLSX (first sheet).
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = accord_formats::fleet::read_meters(data);
});
