//! accord's trade template as a workbook, alone and through the import entry point.
#![no_main]
use accord_formats::trade::{TradeFormat, read_template_xlsx, read_trade_bytes};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if read_template_xlsx(data).is_ok() {
        let _ = read_trade_bytes("trade.xlsx", data, TradeFormat::Template);
    }
});
