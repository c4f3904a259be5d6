//! Helpers for tests in any crate that checks a document: the text of a PDF as a reader's
//! tools extract it.

/// The text of a PDF through poppler's `pdftotext -layout`; `None` (with one line saying so)
/// where poppler is not installed and the run does not require it (ACCORD_REQUIRE_ALL_TESTS=1
/// turns the absence into a panic, as `.ci/run` sets it).
pub fn pdf_text(pdf: &[u8]) -> Option<String> {
    let dir = match tempfile_dir() {
        Some(dir) => dir,
        None => return skip_or_fail(),
    };
    let file = dir.join("document.pdf");
    std::fs::write(&file, pdf).ok()?;
    let output = std::process::Command::new("pdftotext").arg("-layout").arg(&file).arg("-").output();
    let _ = std::fs::remove_dir_all(&dir);
    match output {
        Ok(out) if out.status.success() => Some(String::from_utf8_lossy(&out.stdout).into_owned()),
        _ => skip_or_fail(),
    }
}

fn tempfile_dir() -> Option<std::path::PathBuf> {
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let dir = std::env::temp_dir().join(format!("accord-pdf-{}-{n}", std::process::id()));
    std::fs::create_dir_all(&dir).ok()?;
    Some(dir)
}

fn skip_or_fail() -> Option<String> {
    if std::env::var("ACCORD_REQUIRE_ALL_TESTS").as_deref() == Ok("1") {
        panic!("pdftotext is required: apt-get install poppler-utils");
    }
    println!("skipped: PDF text checks (apt-get install poppler-utils)");
    None
}
