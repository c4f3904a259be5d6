//! accord's trade template as CSV: the whole-file reader, the streaming reader into an
//! aggregator, and the import entry point (format sniffing, fingerprint, aggregation).
#![no_main]
use accord_domain::trade::Aggregator;
use accord_formats::trade::{TemplateCsvReader, TradeFormat, read_template_csv, read_trade_bytes};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = read_template_csv(data);
    if let Ok(mut reader) = TemplateCsvReader::new(data) {
        let mut aggregator = Aggregator::new();
        let _ = reader.read_into(&mut aggregator, |_| {});
    }
    let _ = read_trade_bytes("trade.csv", data, TradeFormat::Auto);
});
