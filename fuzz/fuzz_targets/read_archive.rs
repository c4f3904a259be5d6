//! What both backup targets do with an archive that opens: everything `accord restore` reads.

use accord_formats::backup::ArchiveReader;
use std::io::Cursor;

/// Opens `bytes` as an archive, verifies it and reads every table's rows and every file. A
/// restore reads nothing from an archive that fails to verify; this reads the parts either
/// way, since a reader must not panic on what it was not asked to verify.
pub fn read_whole(bytes: &[u8]) {
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
}
