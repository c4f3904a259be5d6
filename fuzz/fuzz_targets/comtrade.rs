//! UN Comtrade CSV (current and legacy layouts), alone and through the import entry point.
#![no_main]
use accord_formats::trade::{TradeFormat, read_comtrade, read_trade_bytes};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = read_comtrade(data);
    let _ = read_trade_bytes("comtrade.csv", data, TradeFormat::Comtrade);
});
