//! `accord remind`, `accord meeting ics`, `accord review close|reopen`: each a use case of
//! `accord_app::review`, acting as `--as LOGIN` (or the operator: it sends reminders and reads,
//! and is refused the review's own acts, which are the sides').

use crate::commands::CliError;
use accord_app::review::reminders::{Delivery, OutboxMessage, mail_from, outbox_dir};
use accord_app::{Actor, App};
use std::path::Path;

pub async fn remind(
    app: &App,
    actor: &Actor,
    quarter: &str,
    smtp: Option<&str>,
    today: Option<&str>,
) -> Result<(), CliError> {
    let (_, quarter) = app.review_quarter(quarter).await?;
    let today = match today {
        Some(t) => chrono::NaiveDate::parse_from_str(t.trim(), "%Y-%m-%d")
            .map_err(|_| CliError::input(format!("--today: not a date (YYYY-MM-DD): {t:?}")))?,
        None => chrono::Utc::now().date_naive(),
    };
    if app.store().review_period(quarter).await?.is_none() {
        return Err(CliError::input(format!("the period {quarter} is not open yet: nobody owes reports")));
    }
    if let Some(url) = smtp {
        smtp_address(url)?;
    }
    let outbox = match smtp {
        Some(_) => None,
        None => Some(outbox_dir(app.store()).ok_or_else(|| CliError::other("no data folder for the outbox"))?),
    };
    let delivery = outbox.as_deref().map_or(Delivery::ToCaller, Delivery::Outbox);
    let sent = app.reminders_send(actor, quarter, today, delivery).await?;
    if sent.messages.is_empty() {
        println!("{quarter}: every report is handed in (or the deadline has not passed)");
        return Ok(());
    }
    for m in &sent.messages {
        println!("{}\t{}\t{}", m.organisation, if m.to.is_empty() { "-".into() } else { m.to.join(", ") }, m.subject);
    }
    match (smtp, outbox) {
        (Some(url), _) => send(url, &sent.messages).await,
        (None, Some(dir)) => {
            println!("{} message(s) written to {}", sent.written.len(), dir.display());
            Ok(())
        }
        (None, None) => Ok(()),
    }
}

/// `smtp://host:port` (plain SMTP, no TLS: a relay on the local network).
fn smtp_address(url: &str) -> Result<(String, u16), CliError> {
    let rest = url
        .strip_prefix("smtp://")
        .ok_or_else(|| CliError::input(format!("--smtp: expected smtp://host:port, got {url:?}")))?;
    let rest = rest.trim_end_matches('/');
    let (host, port) = match rest.rsplit_once(':') {
        Some((h, p)) => (h, p.parse().map_err(|_| CliError::input(format!("--smtp: bad port in {url:?}")))?),
        None => (rest, 25),
    };
    if host.is_empty() {
        return Err(CliError::input(format!("--smtp: no host in {url:?}")));
    }
    Ok((host.to_string(), port))
}

async fn send(url: &str, messages: &[OutboxMessage]) -> Result<(), CliError> {
    use lettre::message::Mailbox;
    use lettre::{Message, SmtpTransport, Transport};
    let (host, port) = smtp_address(url)?;
    let from: Mailbox = mail_from().parse().map_err(|e| CliError::input(format!("ACCORD_MAIL_FROM: {e}")))?;
    let mut built = Vec::new();
    for m in messages {
        if m.to.is_empty() {
            eprintln!("warning: {} has no e-mail address; not sent", m.organisation);
            continue;
        }
        let mut builder = Message::builder().from(from.clone()).subject(m.subject.clone());
        for to in &m.to {
            let mailbox: Mailbox =
                to.parse().map_err(|e| CliError::input(format!("{}: address {to:?}: {e}", m.organisation)))?;
            builder = builder.to(mailbox);
        }
        let message = builder
            .header(lettre::message::header::ContentType::TEXT_PLAIN)
            .body(m.body.clone())
            .map_err(|e| CliError::other(format!("{}: {e}", m.organisation)))?;
        built.push((m.organisation.clone(), message));
    }
    let sent = tokio::task::spawn_blocking(move || {
        let transport = SmtpTransport::builder_dangerous(host).port(port).build();
        let mut sent = 0;
        for (org, message) in &built {
            transport.send(message).map_err(|e| CliError::other(format!("sending to {org}: {e}")))?;
            sent += 1;
        }
        Ok::<usize, CliError>(sent)
    })
    .await
    .map_err(|e| CliError::other(e.to_string()))??;
    println!("{sent} message(s) sent through {url}");
    Ok(())
}

pub async fn meeting_ics(app: &App, quarter: &str, out: &Path) -> Result<(), CliError> {
    let (_, quarter) = app.review_quarter(quarter).await?;
    if app.store().review_meeting_of(quarter).await?.is_none() {
        return Err(CliError::input(format!("no meeting is scheduled for {quarter}")));
    }
    let text = app.meeting_ics(quarter).await?;
    std::fs::write(out, text).map_err(|e| CliError::other(format!("{}: {e}", out.display())))?;
    println!("{quarter}: invitation written to {}", out.display());
    Ok(())
}

pub async fn close(app: &App, actor: &Actor, quarter: &str) -> Result<(), CliError> {
    let (_, quarter) = app.review_quarter(quarter).await?;
    let period = app.period_close(actor, quarter).await?;
    println!("{quarter}: {:?}", period.state);
    Ok(())
}

pub async fn reopen(app: &App, actor: &Actor, quarter: &str, reason: &str) -> Result<(), CliError> {
    let (_, quarter) = app.review_quarter(quarter).await?;
    let period = app.period_reopen(actor, quarter, reason).await?;
    println!("{quarter}: {:?}", period.state);
    Ok(())
}
