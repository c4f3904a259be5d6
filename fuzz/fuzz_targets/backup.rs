//! The backup archive reader: manifest, checksums of every part, then every table's rows and
//! every file, as `accord restore` reads them.
#![no_main]
use accord_formats::backup::ArchiveReader;
use libfuzzer_sys::fuzz_target;
use std::io::Cursor;

fuzz_target!(|data: &[u8]| {
    let Ok(mut reader) = ArchiveReader::open(Cursor::new(data)) else { return };
    // A restore verifies first and reads nothing from an archive that fails; read the parts
    // either way, since a reader must not panic on what it was not asked to verify.
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
