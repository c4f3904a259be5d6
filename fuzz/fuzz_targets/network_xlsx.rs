//! The logistics document as a workbook, read and then validated as a whole.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok((doc, _sheets)) = accord_formats::logistics::read_xlsx(data) {
        let _ = doc.validate();
    }
});
