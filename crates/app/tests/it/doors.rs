//! Doors only adapt: the sources of the doors (pages and API, the CLI), of the demo loader and
//! of the benchmarks hold no store write. Every change of state goes through a use case of this crate, so a
//! store write there would be a rule skipped; the store's writes all take an `Author` or run
//! in a `WriteTx`, which is what this test looks for.

use std::path::{Path, PathBuf};

/// What a store write needs and a door has no business making.
const WRITE_MARKS: &[&str] = &["Author::", "begin_write(", ".set_meta(", "_bulk_insert(", "WriteTx"];

fn sources(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            sources(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

#[test]
fn the_doors_and_the_demo_write_only_through_use_cases() {
    let crates = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut files = Vec::new();
    for door in ["web/src", "cli/src", "demo/src", "bench/src"] {
        sources(&crates.join(door), &mut files);
    }
    assert!(files.len() > 20, "the doors' sources are found ({} files)", files.len());
    let mut found = Vec::new();
    for file in &files {
        let text = std::fs::read_to_string(file).expect("a source file");
        for (n, line) in text.lines().enumerate() {
            let code = line.split("//").next().unwrap_or_default();
            if let Some(mark) = WRITE_MARKS.iter().find(|m| code.contains(*m)) {
                found.push(format!("{}:{}: {mark}", file.display(), n + 1));
            }
        }
    }
    assert!(found.is_empty(), "store writes outside the application layer:\n{}", found.join("\n"));
}
