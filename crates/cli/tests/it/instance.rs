//! `accord backup` and `accord restore` at the shell.

use crate::{Data, stderr, stdout};

#[test]
fn a_backup_restores_into_an_empty_folder_and_only_there() {
    let source = Data::new();
    assert!(source.accord(&["demo"]).status.success());
    // Commands merge SQLite's write-ahead log before they exit: the file alone is complete.
    let wal = source.0.path().join("accord.db-wal");
    assert!(!wal.exists() || std::fs::metadata(&wal).map(|m| m.len()).unwrap_or(0) == 0, "the WAL is merged");

    let archive = source.0.path().join("copy.backup");
    let archive = archive.to_str().expect("utf-8 path");
    let observer = source.accord(&["backup", "--out", archive, "--as", "observer"]);
    assert_eq!(observer.status.code(), Some(1), "only an administrator or the operator: {}", stderr(&observer));
    let backup = source.accord(&["backup", "--out", archive]);
    assert!(backup.status.success(), "{}", stderr(&backup));
    assert!(stdout(&backup).contains("backup written to"), "{}", stdout(&backup));

    let target = Data::new();
    let restored = target.accord(&["restore", archive]);
    assert!(restored.status.success(), "{}", stderr(&restored));
    assert!(stdout(&restored).contains("audit chain intact"), "{}", stdout(&restored));
    let verify = target.accord(&["audit", "verify"]);
    assert!(verify.status.success(), "{}", stderr(&verify));
    let users = target.accord(&["user", "list"]);
    assert!(stdout(&users).contains("coord.khv"), "the accounts came back: {}", stdout(&users));

    let again = target.accord(&["restore", archive]);
    assert_eq!(again.status.code(), Some(2), "a store with data is not overwritten: {}", stderr(&again));
    let forced = target.accord(&["restore", archive, "--force"]);
    assert!(forced.status.success(), "{}", stderr(&forced));
    let kept = std::fs::read_dir(target.0.path())
        .expect("data folder")
        .flatten()
        .any(|e| e.file_name().to_string_lossy().starts_with("before-restore-"));
    assert!(kept, "the replaced data is kept aside, not deleted");

    let garbage = target.0.path().join("garbage.backup");
    std::fs::write(&garbage, b"not an archive").expect("write");
    let fresh = Data::new();
    let refused = fresh.accord(&["restore", garbage.to_str().expect("path")]);
    assert_eq!(refused.status.code(), Some(2), "{}", stderr(&refused));
}
