//! The plan table from CSV (UTF-8 or Windows-1251, `;` or `,`).
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = accord_formats::read_csv(data);
});
