//! Inputs the fuzzers (`fuzz/`) found, kept in `tests/fuzz_regressions/<target>-<n>.bin`: each
//! goes through the same reader as its fuzz target and must be refused cleanly (an `Err`, never
//! a panic, an abort or an allocation the file asked for), and in bounded time: a reader that
//! spends minutes on a small file is a failure too.

use std::io::{Cursor, Write};
use std::path::Path;

use accord_formats::backup::ArchiveReader;
use accord_formats::trade::{TradeFormat, read_comtrade, read_rates, read_template_csv, read_trade_bytes};
use accord_formats::{fleet, logistics};

/// The archive the `backup_parts` target builds from its input: the manifest, then
/// `0xFF name NUL content` per part, stored in a well-formed zip.
fn archive(data: &[u8]) -> Vec<u8> {
    let mut pieces = data.split(|b| *b == 0xFF);
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    zip.start_file("manifest.json", options).expect("manifest");
    zip.write_all(pieces.next().unwrap_or_default()).expect("manifest");
    for piece in pieces {
        let at = piece.iter().position(|b| *b == 0).expect("a part's name ends with NUL");
        zip.start_file(std::str::from_utf8(&piece[..at]).expect("name"), options).expect("part");
        zip.write_all(&piece[at + 1..]).expect("part");
    }
    zip.finish().expect("zip").into_inner()
}

/// Reads an archive as `accord restore` does; false when anything was refused.
fn restore(bytes: Vec<u8>) -> bool {
    let Ok(mut reader) = ArchiveReader::open(Cursor::new(bytes)) else { return false };
    let mut sound = reader.verify().is_ok();
    for table in reader.manifest.tables.clone() {
        let Ok(mut rows) = reader.rows(&table) else {
            sound = false;
            continue;
        };
        loop {
            match rows.next_batch::<serde_json::Value>(64) {
                Ok(batch) if batch.is_empty() => break,
                Ok(_) => {}
                Err(_) => {
                    sound = false;
                    break;
                }
            }
        }
    }
    for file in reader.manifest.files.clone() {
        sound &= reader.file(&file).is_ok();
    }
    sound
}

/// Whether the target's reader accepted the input (it must not panic either way).
fn accepted(target: &str, data: &[u8]) -> bool {
    match target {
        "plan_xlsx" => accord_formats::read_xlsx(data).is_ok(),
        "plan_csv" => accord_formats::read_csv(data).is_ok(),
        "trade_template_csv" => {
            read_template_csv(data).is_ok() & read_trade_bytes("trade.csv", data, TradeFormat::Auto).is_ok()
        }
        "trade_template_xlsx" => read_trade_bytes("trade.xlsx", data, TradeFormat::Template).is_ok(),
        "comtrade" => read_comtrade(data).is_ok() & read_trade_bytes("c.csv", data, TradeFormat::Comtrade).is_ok(),
        "rates_cbr_xml" | "rates_nbrb_json" => read_rates(data).is_ok(),
        "network_json" => logistics::read_json(data).is_ok_and(|doc| doc.validate().is_ok()),
        "network_xlsx" => logistics::read_xlsx(data).is_ok_and(|(doc, _)| doc.validate().is_ok()),
        "fleet" => fleet::read_fleet(data).is_ok(),
        "meters" => fleet::read_meters(data).is_ok(),
        "work_orders" => fleet::read_work_orders(data).is_ok(),
        "backup" => restore(data.to_vec()),
        "backup_parts" => restore(archive(data)),
        other => panic!("no reader for fuzz target {other}"),
    }
}

#[test]
fn every_input_the_fuzzers_found_is_refused_cleanly() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz_regressions");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .expect("the regressions folder")
        .map(|e| e.expect("an entry").file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".bin"))
        .collect();
    names.sort();
    assert!(!names.is_empty(), "no regression inputs in {}", dir.display());
    for name in names {
        let target = name.rsplit_once('-').map_or(name.as_str(), |(t, _)| t);
        let data = std::fs::read(dir.join(&name)).expect("the input");
        let started = std::time::Instant::now();
        assert!(!accepted(target, &data), "{name}: accepted, expected a refusal");
        // Generous for a debug build on a loaded machine; before its fix plan_xlsx-2 took hours.
        let took = started.elapsed();
        assert!(took < std::time::Duration::from_secs(60), "{name}: read in {took:?}");
    }
}
