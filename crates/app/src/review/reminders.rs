//! `accord remind`: who has not handed in every report of a quarter by its deadline, as a
//! message to each late organisation's people, in Russian (both sides' working language); kept
//! as `.eml` files in the outbox when no mail server is configured.

use crate::{Actor, App, Error, Result};
use accord_domain::directory::{Action, Locale, authorize};
use accord_domain::quarter::Quarter;
use accord_domain::review::reminders;
use accord_i18n::Tr;
use accord_store::Store;
use chrono::{NaiveDate, Utc};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// One reminder, rendered: the late organisation's code, the addresses and the message.
#[derive(Debug, Clone, serde::Serialize)]
pub struct OutboxMessage {
    pub organisation: String,
    pub to: Vec<String>,
    pub subject: String,
    pub body: String,
}

impl OutboxMessage {
    /// The message as an RFC 5322 file (UTF-8, quoted-printable-free: 8bit body).
    pub fn eml(&self, from: &str, date: chrono::DateTime<Utc>) -> String {
        let subject = encoded_word(&self.subject);
        let to = if self.to.is_empty() { "undisclosed-recipients:;".to_string() } else { self.to.join(", ") };
        format!(
            "From: {from}\r\nTo: {to}\r\nSubject: {subject}\r\nDate: {}\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n{}\r\n",
            date.to_rfc2822(),
            self.body.replace('\n', "\r\n")
        )
    }
}

/// A header value with non-ASCII text as an RFC 2047 encoded word.
fn encoded_word(text: &str) -> String {
    if text.is_ascii() {
        return text.to_string();
    }
    use base64::Engine;
    format!("=?utf-8?B?{}?=", base64::engine::general_purpose::STANDARD.encode(text.as_bytes()))
}

/// The sender of reminders and organiser of invitations: `ACCORD_MAIL_FROM`, by default an
/// address under the reserved `.invalid` domain (replies go nowhere until one is configured).
pub fn mail_from() -> String {
    std::env::var("ACCORD_MAIL_FROM").ok().filter(|v| v.contains('@')).unwrap_or_else(|| "review@accord.invalid".into())
}

/// Where reminders wait when no mail server is configured: `DATA/outbox` beside `DATA/files`.
pub fn outbox_dir(store: &Store) -> Option<PathBuf> {
    store.files_dir().and_then(Path::parent).map(|d| d.join("outbox"))
}

/// Writes one `.eml` file per message into `dir`, named by quarter and organisation (a later
/// run for the same quarter replaces the file). Returns the paths written.
pub fn write_outbox(dir: &Path, quarter: Quarter, messages: &[OutboxMessage]) -> std::io::Result<Vec<PathBuf>> {
    std::fs::create_dir_all(dir)?;
    let now = Utc::now();
    let mut written = Vec::new();
    for m in messages {
        let safe: String =
            m.organisation.chars().map(|c| if c.is_ascii_alphanumeric() || c == '-' { c } else { '_' }).collect();
        let path = dir.join(format!("{quarter}-{safe}.eml"));
        std::fs::write(&path, m.eml(&mail_from(), now))?;
        written.push(path);
    }
    Ok(written)
}

/// Where reminders go: into the outbox folder, or back to the door, which mails them.
#[derive(Debug, Clone, Copy)]
pub enum Delivery<'a> {
    Outbox(&'a Path),
    ToCaller,
}

/// The reminders of a quarter and where they went.
#[derive(Debug, Clone)]
pub struct Reminders {
    pub quarter: Quarter,
    pub messages: Vec<OutboxMessage>,
    /// The outbox files written (none when the messages went back to the caller).
    pub written: Vec<PathBuf>,
}

impl App {
    /// Reminds every organisation late with a report of `quarter` as of `today`: an
    /// administrator (the operator's scheduled run) or a coordinator. The quarter's period must
    /// be open (before, nobody owes reports).
    pub async fn reminders_send(
        &self,
        actor: &Actor,
        quarter: Quarter,
        today: NaiveDate,
        delivery: Delivery<'_>,
    ) -> Result<Reminders> {
        authorize(&actor.role(), Action::SendReminders)?;
        if self.store.review_period(quarter).await?.is_none() {
            return Err(Error::NotFound { entity: "reporting period" });
        }
        let messages = self.reminder_messages(quarter, today).await?;
        let written = match delivery {
            Delivery::Outbox(dir) if !messages.is_empty() => write_outbox(dir, quarter, &messages)
                .map_err(|e| Error::internal(format!("writing the outbox {}: {e}", dir.display())))?,
            _ => Vec::new(),
        };
        Ok(Reminders { quarter, messages, written })
    }

    async fn reminder_messages(&self, quarter: Quarter, today: NaiveDate) -> Result<Vec<OutboxMessage>> {
        let store = &self.store;
        let tr = Tr::new(Locale::Ru);
        let late = store.review_overdue(quarter, today).await?;
        let plan = store.review_period_plan(quarter).await?;
        let measures: BTreeMap<_, _> = store.measures_of_plan(plan).await?.into_iter().map(|m| (m.id, m)).collect();
        let mut out = Vec::new();
        for reminder in reminders(&late) {
            let org = store.organisation(reminder.recipient).await?;
            let people = store
                .person_list(
                    &accord_store::PersonFilter { organisation: Some(org.id), ..Default::default() },
                    accord_store::Paging::new(Some(1), Some(200)),
                )
                .await?;
            let mut to: Vec<String> = people.items.iter().filter_map(|p| p.person.data.email.clone()).collect();
            // Nobody with an address: the organisation's own office address.
            if to.is_empty() {
                to.extend(org.data.email.clone());
            }
            let subject = tr.ta(
                &crate::error::fluent_id(reminder.subject_key),
                &[("quarter", reminder.quarter.to_string()), ("deadline", tr.day(reminder.deadline))],
            );
            let mut body = tr.ta(
                "review-remind-body",
                &[
                    ("organisation", org.data.short_name(false).to_string()),
                    ("quarter", reminder.quarter.to_string()),
                    ("deadline", tr.day(reminder.deadline)),
                    ("days", reminder.days_late.to_string()),
                ],
            );
            body.push('\n');
            for m in &reminder.measures {
                if let Some(measure) = measures.get(m) {
                    body.push_str(&format!("\n  {} {}", measure.data.number, measure.data.title_ru));
                }
            }
            out.push(OutboxMessage { organisation: org.data.code.to_string(), to, subject, body });
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_russian_subject_is_encoded_and_lines_end_in_crlf() {
        let m = OutboxMessage {
            organisation: "MAZ".into(),
            to: vec!["office@maz.example".into()],
            subject: "Напоминание".into(),
            body: "Строка 1\nСтрока 2".into(),
        };
        let eml = m.eml("review@accord.invalid", Utc::now());
        assert!(eml.contains("Subject: =?utf-8?B?"));
        assert!(eml.contains("To: office@maz.example\r\n"));
        assert!(eml.ends_with("Строка 1\r\nСтрока 2\r\n"));
        assert_eq!(encoded_word("Q3"), "Q3");
    }
}
