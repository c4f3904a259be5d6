//! Files attached to measures (reports, protocols, photos) and links between measures.

use crate::{Actor, App, Result};
use accord_domain::MeasureId;
use accord_domain::directory::{Action, authorize};
use accord_domain::plan::MeasureNumber;
use accord_domain::validation::{Invalid, Reason};
use accord_store::Attachment;

/// The largest file a user may attach.
pub const MAX_ATTACHMENT_BYTES: usize = 10 * 1024 * 1024;

/// The content type of an allowed file, from its extension, checked against its first bytes.
pub fn allowed_type(file_name: &str, bytes: &[u8]) -> Result<&'static str, Invalid> {
    let extension = file_name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase()).unwrap_or_default();
    let zip = bytes.starts_with(b"PK\x03\x04");
    let ole = bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]);
    let (content_type, looks_right) = match extension.as_str() {
        "pdf" => ("application/pdf", bytes.starts_with(b"%PDF")),
        "png" => ("image/png", bytes.starts_with(b"\x89PNG")),
        "jpg" | "jpeg" => ("image/jpeg", bytes.starts_with(&[0xFF, 0xD8, 0xFF])),
        "docx" => ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", zip),
        "xlsx" => ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", zip),
        "pptx" => ("application/vnd.openxmlformats-officedocument.presentationml.presentation", zip),
        "odt" => ("application/vnd.oasis.opendocument.text", zip),
        "ods" => ("application/vnd.oasis.opendocument.spreadsheet", zip),
        "doc" => ("application/msword", ole),
        "xls" => ("application/vnd.ms-excel", ole),
        "txt" | "csv" => ("text/plain; charset=utf-8", std::str::from_utf8(bytes).is_ok()),
        _ => return Err(Invalid::one("file", Reason::UnknownValue)),
    };
    if bytes.is_empty() {
        return Err(Invalid::one("file", Reason::Required));
    }
    if bytes.len() > MAX_ATTACHMENT_BYTES {
        return Err(Invalid::one("file", Reason::TooLong));
    }
    if !looks_right {
        return Err(Invalid::one("file", Reason::UnknownValue));
    }
    Ok(content_type)
}

/// A file name safe to keep and to send back: no folders, no control characters.
pub fn clean_name(raw: &str) -> String {
    let base = raw.rsplit(['/', '\\']).next().unwrap_or(raw);
    let cleaned: String = base.chars().filter(|c| !c.is_control() && *c != '"').take(200).collect();
    if cleaned.trim().is_empty() { "file".into() } else { cleaned.trim().to_string() }
}

impl App {
    /// Attaches a file to a measure: those who report on it. The file's type is checked
    /// against its first bytes.
    pub async fn attachment_add(
        &self,
        actor: &Actor,
        measure: MeasureId,
        name: &str,
        bytes: &[u8],
    ) -> Result<Attachment> {
        let m = self.store.measure(measure).await?;
        authorize(&actor.role(), Action::ReportOnMeasure { executors: &m.data.executors })?;
        let name = clean_name(name);
        let content_type = allowed_type(&name, bytes)?;
        Ok(self.store.attachment_add(actor.author(), measure, &name, content_type, bytes).await?)
    }

    /// Removes an attachment: those who may change its measure. Returns the measure.
    pub async fn attachment_delete(&self, actor: &Actor, id: &str) -> Result<MeasureId> {
        let attachment = self.store.attachment(id).await?;
        let m = self.store.measure(attachment.measure_id).await?;
        authorize(&actor.role(), Action::EditMeasure { executors: &m.data.executors })?;
        self.store.attachment_delete(actor.author(), id).await?;
        Ok(m.id)
    }

    /// Links a measure with another of its plan, named by number (`2.1.`).
    pub async fn measure_link(&self, actor: &Actor, id: MeasureId, other_number: &str) -> Result<MeasureId> {
        let measure = self.store.measure(id).await?;
        authorize(&actor.role(), Action::EditMeasure { executors: &measure.data.executors })?;
        let number =
            other_number.trim().parse::<MeasureNumber>().map_err(|_| Invalid::one("link", Reason::UnknownValue))?;
        let others = self.store.measures_of_plan(measure.plan_id).await?;
        let other =
            others.iter().find(|m| m.data.number == number).ok_or_else(|| Invalid::one("link", Reason::NotFound))?;
        self.store.measure_link(actor.author(), id, other.id).await?;
        Ok(other.id)
    }

    pub async fn measure_unlink(&self, actor: &Actor, id: MeasureId, other: MeasureId) -> Result<()> {
        let measure = self.store.measure(id).await?;
        authorize(&actor.role(), Action::EditMeasure { executors: &measure.data.executors })?;
        Ok(self.store.measure_unlink(actor.author(), id, other).await?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_known_types_that_look_like_themselves() {
        assert_eq!(allowed_type("отчёт.PDF", b"%PDF-1.7 ..."), Ok("application/pdf"));
        assert!(allowed_type("report.pdf", b"MZ\x90\x00").is_err(), "an executable renamed to .pdf");
        assert!(allowed_type("script.exe", b"MZ").is_err());
        assert!(allowed_type("notes.txt", &[0xff, 0xfe, 0x00]).is_err(), "not UTF-8 text");
        assert!(allowed_type("empty.txt", b"").is_err());
        assert_eq!(
            allowed_type("plan.xlsx", b"PK\x03\x04rest"),
            Ok("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        );
        let big = vec![b'a'; MAX_ATTACHMENT_BYTES + 1];
        assert_eq!(allowed_type("big.txt", &big), Err(Invalid::one("file", Reason::TooLong)));
    }

    #[test]
    fn names_lose_folders_and_quotes() {
        assert_eq!(clean_name("C:\\Users\\x\\Протокол \"1\".pdf"), "Протокол 1.pdf");
        assert_eq!(clean_name("../../etc/passwd"), "passwd");
        assert_eq!(clean_name("   "), "file");
    }
}
