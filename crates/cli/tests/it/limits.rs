//! Hostile files through the command line: refused by the limits, exit 2, the message naming
//! the row and the limit, in the language asked for.

use super::{Data, stderr};
use accord_formats::hostile;

#[test]
fn a_long_line_and_a_deep_json_are_refused_naming_row_and_limit() {
    let data = Data::new();
    assert!(data.accord(&["migrate"]).status.success());
    // 3 MiB without a line break after a header line: past the 1 MiB record limit.
    let long = hostile::long_line("period;flow;reporter;partner;code;value;currency", 3 * 1024 * 1024);
    let csv = data.0.path().join("long.csv");
    std::fs::write(&csv, &long).expect("write");
    for kind in ["trade", "plan", "fleet"] {
        let out = data.accord(&["--lang", "en", "import", kind, csv.to_str().expect("path")]);
        assert_eq!(out.status.code(), Some(2), "{kind}: {}", stderr(&out));
        let text = stderr(&out);
        assert!(text.contains("Row 2") && text.contains("at most 1048576"), "{kind}: {text}");
    }
    let ru = data.accord(&["import", "trade", csv.to_str().expect("path")]);
    assert!(stderr(&ru).contains("Строка 2") && stderr(&ru).contains("допустимо не более 1048576"), "{}", stderr(&ru));
    let deep = data.0.path().join("deep.json");
    std::fs::write(&deep, hostile::deep_json(10_000)).expect("write");
    let out = data.accord(&["--lang", "en", "import", "network", deep.to_str().expect("path")]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("65 deep, at most 64"), "{}", stderr(&out));
}

/// The 5 KB workbook that declares every cell of a sheet used to abort every import (exit 134);
/// each import that reads a workbook now refuses it naming the sheet and the limit.
#[test]
fn the_declared_range_bomb_is_refused_by_every_workbook_import() {
    let data = Data::new();
    assert!(data.accord(&["migrate"]).status.success());
    let bomb = data.0.path().join("bomb.xlsx");
    std::fs::write(&bomb, hostile::declared_range_bomb()).expect("write");
    for kind in ["plan", "trade", "network", "fleet", "meters", "workorders"] {
        let out = data.accord(&["--lang", "en", "import", kind, bomb.to_str().expect("path")]);
        assert_eq!(out.status.code(), Some(2), "{kind}: {}", stderr(&out));
        let text = stderr(&out);
        assert!(text.contains("the sheet reaches column number 16384, at most column 702"), "{kind}: {text}");
    }
}

#[test]
fn fleet_problems_and_damaged_text_are_translated_never_raw_keys() {
    let data = Data::new();
    assert!(data.accord(&["demo"]).status.success());
    let file = data.0.path().join("meters.csv");
    std::fs::write(&file, "machine;meter;date;value\nX1;odometer;2026-01-05;20x4\n").expect("write");
    for (lang, words) in [("en", "not a whole number"), ("ru", "Строка 2")] {
        let out = data.accord(&["--lang", lang, "import", "meters", file.to_str().expect("path")]);
        assert_eq!(out.status.code(), Some(2));
        let text = stderr(&out);
        assert!(text.contains(words) && !text.contains("problem-"), "{lang}: {text}");
    }
    let bad = data.0.path().join("bad.csv");
    std::fs::write(&bad, b"a;b\n\xD0\xBF\xD1;x\n").expect("write");
    let out = data.accord(&["--lang", "en", "import", "plan", bad.to_str().expect("path")]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("Row 2: the text is UTF-8 but has a byte that is not (0xD1)"), "{}", stderr(&out));
}
