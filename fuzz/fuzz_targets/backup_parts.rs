//! The backup archive reader on well-formed zips with fuzzed contents: the input is split at
//! 0xFF bytes into the manifest's text and then parts, each `name NUL content`, written into a
//! fresh zip (so every checksum of the zip itself is right, and the mutations reach the
//! manifest's JSON, the table rows and the files rather than dying at the zip's CRC check).
#![no_main]
use accord_formats::backup::ArchiveReader;
use libfuzzer_sys::fuzz_target;
use std::io::{Cursor, Write};

fn archive(data: &[u8]) -> Option<Vec<u8>> {
    let mut pieces = data.split(|b| *b == 0xFF);
    let manifest = pieces.next()?;
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    zip.start_file("manifest.json", options).ok()?;
    zip.write_all(manifest).ok()?;
    for piece in pieces {
        let at = piece.iter().position(|b| *b == 0)?;
        let name = std::str::from_utf8(&piece[..at]).ok()?;
        zip.start_file(name, options).ok()?;
        zip.write_all(&piece[at + 1..]).ok()?;
    }
    Some(zip.finish().ok()?.into_inner())
}

fuzz_target!(|data: &[u8]| {
    let Some(bytes) = archive(data) else { return };
    let Ok(mut reader) = ArchiveReader::open(Cursor::new(bytes)) else { return };
    let _ = reader.verify();
    for table in reader.manifest.tables.clone() {
        let Ok(mut rows) = reader.rows(&table) else { continue };
        while let Ok(batch) = rows.next_batch::<serde_json::Value>(64) {
            if batch.is_empty() {
                break;
            }
        }
    }
    for file in reader.manifest.files.clone() {
        let _ = reader.file(&file);
    }
});
