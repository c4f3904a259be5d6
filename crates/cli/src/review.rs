//! `accord remind`, `accord meeting ics`, `accord review close|reopen`.

use crate::commands::CliError;
use accord_domain::directory::Role;
use accord_domain::review::Actor;
use accord_store::{Author, PeriodStep, Store};
use accord_web::review::{OutboxMessage, mail_from, outbox_dir, parse_quarter, write_outbox};
use std::path::Path;

pub async fn remind(store: &Store, quarter: &str, smtp: Option<&str>, today: Option<&str>) -> Result<(), CliError> {
    let (_, quarter) = parse_quarter(store, quarter).await?;
    let today = match today {
        Some(t) => chrono::NaiveDate::parse_from_str(t.trim(), "%Y-%m-%d")
            .map_err(|_| CliError::input(format!("--today: not a date (YYYY-MM-DD): {t:?}")))?,
        None => chrono::Utc::now().date_naive(),
    };
    if store.review_period(quarter).await?.is_none() {
        return Err(CliError::input(format!("the period {quarter} is not open yet: nobody owes reports")));
    }
    let messages = accord_web::review::remind(store, quarter, today).await?;
    if messages.is_empty() {
        println!("{quarter}: every report is handed in (or the deadline has not passed)");
        return Ok(());
    }
    for m in &messages {
        println!("{}\t{}\t{}", m.organisation, if m.to.is_empty() { "-".into() } else { m.to.join(", ") }, m.subject);
    }
    match smtp {
        Some(url) => send(url, &messages).await,
        None => {
            let dir = outbox_dir(store).ok_or_else(|| CliError::other("no data folder for the outbox"))?;
            let written = write_outbox(&dir, quarter, &messages)
                .map_err(|e| CliError::other(format!("writing the outbox {}: {e}", dir.display())))?;
            println!("{} message(s) written to {}", written.len(), dir.display());
            Ok(())
        }
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

pub async fn meeting_ics(store: &Store, quarter: &str, out: &Path) -> Result<(), CliError> {
    let (_, quarter) = parse_quarter(store, quarter).await?;
    if store.review_meeting_of(quarter).await?.is_none() {
        return Err(CliError::input(format!("no meeting is scheduled for {quarter}")));
    }
    let text = accord_web::review::meeting_ics(store, quarter).await?;
    std::fs::write(out, text).map_err(|e| CliError::other(format!("{}: {e}", out.display())))?;
    println!("{quarter}: invitation written to {}", out.display());
    Ok(())
}

/// A coordinator acting from the command line, by login.
async fn coordinator(store: &Store, login: &str) -> Result<Actor, CliError> {
    let user = store.user_by_login(login).await.map_err(|_| CliError::input(format!("--as: no user {login:?}")))?;
    if !matches!(user.role, Role::Coordinator { .. }) {
        return Err(CliError::input(format!("--as: {login} is not a coordinator")));
    }
    Ok(Actor { user: user.id, role: user.role })
}

pub async fn close(store: &Store, quarter: &str, login: Option<&str>) -> Result<(), CliError> {
    let (plan, quarter) = parse_quarter(store, quarter).await?;
    let (author, actor) = match login {
        Some(l) => (Author::user(l), coordinator(store, l).await?),
        // Closing asks no key of the actor; the audit log shows the system.
        None => (
            Author::SYSTEM,
            Actor { user: accord_domain::UserId::new_at(0, [0; 10]), role: Role::Coordinator { side: store.origin() } },
        ),
    };
    store.review_period_ensure(author, plan.id, quarter, None).await?;
    let period = store.review_period_step(author, &actor, quarter, PeriodStep::Close).await?;
    println!("{quarter}: {:?}", period.state);
    Ok(())
}

pub async fn reopen(store: &Store, quarter: &str, reason: &str, login: &str) -> Result<(), CliError> {
    let (_, quarter) = parse_quarter(store, quarter).await?;
    let actor = coordinator(store, login).await?;
    let period = store
        .review_period_step(Author::user(login), &actor, quarter, PeriodStep::Reopen { reason: reason.into() })
        .await?;
    println!("{quarter}: {:?}", period.state);
    Ok(())
}
