//! The backup archive reader: manifest, checksums of every part, then every table's rows and
//! every file, as `accord restore` reads them.
#![no_main]
use libfuzzer_sys::fuzz_target;

#[path = "read_archive.rs"]
mod read_archive;

fuzz_target!(|data: &[u8]| read_archive::read_whole(data));
