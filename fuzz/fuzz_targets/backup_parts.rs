//! The backup archive reader on well-formed zips with fuzzed contents: the input is split at
//! 0xFF bytes into the manifest's text and then parts, each `name NUL content`, written into a
//! fresh zip (so every checksum of the zip itself is right, and the mutations reach the
//! manifest's JSON, the table rows and the files rather than dying at the zip's CRC check).
#![no_main]
use libfuzzer_sys::fuzz_target;
use std::io::{Cursor, Write};

#[path = "read_archive.rs"]
mod read_archive;

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
    if let Some(bytes) = archive(data) {
        read_archive::read_whole(&bytes);
    }
});
