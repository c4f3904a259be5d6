//! The logistics document as JSON, read and then validated as a whole (the domain's rules on
//! the network, products, chains, parks and rates run on whatever the reader accepted).
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(doc) = accord_formats::logistics::read_json(data) {
        let _ = doc.validate();
    }
});
