//! PDF documents set with Typst, as a library: a document is a Typst template that reads its
//! figures from a virtual `data.json` and its charts from virtual SVG files, so no data is
//! ever pasted into markup (nothing to escape, nothing to inject). Fonts are compiled in (see
//! `fonts/README.md`): a server without fonts renders the same pages as a developer's laptop.
//!
//! Typst's own incremental cache (comemo) keeps layout results between runs in the same
//! process, which is what makes a second rendering of a similar document fast; call
//! [`evict_cache`] after a large document to bound the memory it keeps.

use std::collections::HashMap;
use std::sync::LazyLock;
use typst::diag::{FileError, FileResult, Severity, SourceDiagnostic};
use typst::foundations::{Bytes, Datetime, Duration};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World};
use typst_layout::PagedDocument;

/// The fonts every document may use, in the order Typst falls back through them.
const FONT_FILES: [&[u8]; 5] = [
    include_bytes!("../fonts/LiberationSerif-Regular.ttf"),
    include_bytes!("../fonts/LiberationSerif-Bold.ttf"),
    include_bytes!("../fonts/LiberationSerif-Italic.ttf"),
    include_bytes!("../fonts/DejaVuSans.ttf"),
    include_bytes!("../fonts/DejaVuSans-Bold.ttf"),
];

/// Loaded once per process: parsing the font files and building the library take longer
/// than laying out a short document.
struct Shared {
    library: LazyHash<Library>,
    book: LazyHash<FontBook>,
    fonts: Vec<Font>,
}

static SHARED: LazyLock<Shared> = LazyLock::new(|| {
    let fonts: Vec<Font> = FONT_FILES.iter().flat_map(|data| Font::iter(Bytes::new(*data))).collect();
    Shared { library: LazyHash::new(Library::default()), book: LazyHash::new(FontBook::from_fonts(&fonts)), fonts }
});

/// The family names of the embedded fonts, for templates: body text and chart text.
pub const SERIF: &str = "Liberation Serif";
pub const SANS: &str = "DejaVu Sans";

#[derive(Debug, thiserror::Error)]
pub enum PdfError {
    /// The template or its data is wrong: a programming error, reported with Typst's messages.
    #[error("the document could not be set: {0}")]
    Template(String),
    #[error("the PDF could not be written: {0}")]
    Export(String),
    #[error("a document file name is not valid: {0}")]
    Path(String),
}

/// A document to set: its Typst source and the virtual files it reads.
pub struct Document<'a> {
    /// The template, as Typst markup.
    pub source: &'a str,
    /// Files the template opens by name: `data.json`, `chart-1.svg`, ...
    pub files: Vec<(String, Vec<u8>)>,
    /// The date the document is dated (Typst's `datetime.today()`), given rather than read
    /// from the clock so that documents are reproducible.
    pub today: chrono::NaiveDate,
}

struct DocumentWorld {
    main: Source,
    files: HashMap<FileId, Bytes>,
    today: chrono::NaiveDate,
}

fn file_id(name: &str) -> Result<FileId, PdfError> {
    let path = VirtualPath::new(name).map_err(|e| PdfError::Path(format!("{name}: {e:?}")))?;
    Ok(RootedPath::new(VirtualRoot::Project, path).intern())
}

impl World for DocumentWorld {
    fn library(&self) -> &LazyHash<Library> {
        &SHARED.library
    }

    fn book(&self) -> &LazyHash<FontBook> {
        &SHARED.book
    }

    fn main(&self) -> FileId {
        self.main.id()
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        if id == self.main.id() {
            return Ok(self.main.clone());
        }
        let bytes = self.file(id)?;
        let text = std::str::from_utf8(&bytes).map_err(|_| FileError::InvalidUtf8)?;
        Ok(Source::new(id, text.to_string()))
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        if id == self.main.id() {
            return Ok(Bytes::from_string(self.main.text().to_string()));
        }
        self.files.get(&id).cloned().ok_or_else(|| FileError::NotFound(id.get().vpath().get_without_slash().into()))
    }

    fn font(&self, index: usize) -> Option<Font> {
        SHARED.fonts.get(index).cloned()
    }

    fn today(&self, _offset: Option<Duration>) -> Option<Datetime> {
        use chrono::Datelike;
        Datetime::from_ymd(
            self.today.year(),
            u8::try_from(self.today.month()).ok()?,
            u8::try_from(self.today.day()).ok()?,
        )
    }
}

fn messages(diagnostics: &[SourceDiagnostic]) -> String {
    diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .map(|d| {
            let hints: Vec<&str> = d.hints.iter().map(|h| h.v.as_str()).collect();
            if hints.is_empty() { d.message.to_string() } else { format!("{} ({})", d.message, hints.join("; ")) }
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// Sets the document and writes it as PDF.
pub fn render(document: Document<'_>) -> Result<Vec<u8>, PdfError> {
    let main_id = file_id("main.typ")?;
    let mut files = HashMap::with_capacity(document.files.len());
    for (name, bytes) in document.files {
        files.insert(file_id(&name)?, Bytes::new(bytes));
    }
    let world = DocumentWorld { main: Source::new(main_id, document.source.to_string()), files, today: document.today };
    let compiled = typst::compile::<PagedDocument>(&world);
    let paged = compiled.output.map_err(|errors| PdfError::Template(messages(&errors)))?;
    // Untagged: Debian's poppler (22.x) reports a syntax error on Typst 0.15's structure tree,
    // and the tags triple the file's size; the documents are tables and charts read on paper.
    typst_pdf::pdf(&paged, &typst_pdf::PdfOptions { tagged: false, ..Default::default() })
        .map_err(|errors| PdfError::Export(messages(&errors)))
}

/// Drops layout results older than `max_age` compilations from Typst's process-wide cache.
pub fn evict_cache(max_age: usize) {
    typst::comemo::evict(max_age);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day() -> chrono::NaiveDate {
        chrono::NaiveDate::from_ymd_opt(2025, 5, 12).expect("date")
    }

    #[test]
    fn sets_cyrillic_text_from_json_data_with_an_svg_chart() {
        let source = r#"
#set text(font: "Liberation Serif", lang: "ru")
#let data = json("data.json")
= #data.title
Сумма: #data.amount ₽
#image("chart.svg", width: 5cm)
"#;
        let svg = r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 50"><rect width="100" height="50" fill="#0072B2"/><text x="5" y="30" font-family="sans-serif">Экспорт</text></svg>"##;
        let pdf = render(Document {
            source,
            files: vec![
                (
                    "data.json".into(),
                    r#"{"title": "Справка к видеоконференции", "amount": "1 234,50"}"#.as_bytes().to_vec(),
                ),
                ("chart.svg".into(), svg.as_bytes().to_vec()),
            ],
            today: day(),
        })
        .expect("pdf");
        assert!(pdf.starts_with(b"%PDF-"), "a PDF file");
        // Fonts are embedded (subset) rather than referenced.
        let text = String::from_utf8_lossy(&pdf);
        assert!(text.contains("FontFile2") || text.contains("FontFile3"), "fonts embedded");
    }

    #[test]
    fn a_template_error_names_the_problem() {
        let error = render(Document { source: "#json(\"missing.json\")", files: Vec::new(), today: day() })
            .expect_err("missing file");
        assert!(error.to_string().contains("missing.json"), "{error}");
    }
}
