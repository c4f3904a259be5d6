//! `accord remind`, `accord meeting ics`, `accord review close|reopen` on the demo data.

use super::{Data, stderr, stdout};
use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};

fn demo() -> Data {
    let data = Data::new();
    let loaded = data.accord(&["demo"]);
    assert!(loaded.status.success(), "{}", stderr(&loaded));
    data
}

#[test]
fn review_commands_remind_write_the_invitation_and_lock_periods() {
    let data = demo();

    // Bad quarters: exit 2 with a message naming the problem.
    for (quarter, says) in [("2025Q5", "not a quarter"), ("2028Q1", "outside the plan period")] {
        let out = data.accord(&["remind", "--quarter", quarter]);
        assert_eq!(out.status.code(), Some(2), "{quarter}");
        assert!(stderr(&out).contains(says), "{}", stderr(&out));
    }

    // The demo's open quarter has missing reports: one .eml per late organisation.
    let out = data.accord(&["remind", "--quarter", "2026Q3", "--today", "2026-11-20"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("message(s) written to"));
    let outbox = data.0.path().join("outbox");
    let files: Vec<_> = std::fs::read_dir(&outbox).expect("outbox").flatten().map(|e| e.path()).collect();
    assert!(!files.is_empty());
    assert_eq!(files.len(), stdout(&out).lines().count() - 1, "one file per listed organisation");
    let eml = std::fs::read_to_string(&files[0]).expect("eml");
    assert!(eml.contains("Subject: =?utf-8?B?"), "a Russian subject is encoded");
    assert!(eml.contains("2026Q3"));
    // Before the deadline nobody is late.
    let early = data.accord(&["remind", "--quarter", "2026Q3", "--today", "2026-09-01"]);
    assert!(stdout(&early).contains("every report is handed in"), "{}", stdout(&early));

    let ics = data.0.path().join("meeting.ics");
    let out = data.accord(&["meeting", "ics", "--quarter", "2026Q3", "--out", ics.to_str().expect("path")]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = std::fs::read_to_string(&ics).expect("ics");
    assert!(text.starts_with("BEGIN:VCALENDAR\r\n") && text.contains("BEGIN:VEVENT") && text.contains("ATTENDEE"));
    let none = data.accord(&["meeting", "ics", "--quarter", "2027Q2", "--out", ics.to_str().expect("path")]);
    assert_eq!(none.status.code(), Some(2));

    // Closing locks; reopening needs a coordinator and a reason.
    let out = data.accord(&["review", "close", "--quarter", "2026Q3", "--as", "coord.by"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("Closed"));
    // Exit codes follow the command line's one rule (the review used to answer 2 for every
    // refusal): 1 for what the state or the role refuses, 2 for input to correct.
    // Without --as the operator acts, and the review is the sides' own act: refused, naming --as.
    let operator = data.accord(&["review", "close", "--quarter", "2026Q4"]);
    assert_eq!(operator.status.code(), Some(1));
    assert!(stderr(&operator).contains("--as"), "{}", stderr(&operator));
    let again = data.accord(&["review", "close", "--quarter", "2026Q3", "--as", "coord.khv"]);
    assert_eq!(again.status.code(), Some(1), "a closed period cannot close again");
    assert!(stderr(&again).contains("closed"), "{}", stderr(&again));
    let executor = data.accord(&["review", "reopen", "--quarter", "2026Q3", "--reason", "x", "--as", "exec.maz"]);
    assert_eq!(executor.status.code(), Some(1), "an executor may not reopen");
    let no_reason = data.accord(&["review", "reopen", "--quarter", "2026Q3", "--reason", " ", "--as", "coord.khv"]);
    assert_eq!(no_reason.status.code(), Some(2));
    assert!(stderr(&no_reason).contains("reason"));
    let out =
        data.accord(&["review", "reopen", "--quarter", "2026Q3", "--reason", "Исправить 1.1", "--as", "coord.khv"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("InReview"));
}

/// A minimal SMTP server that accepts every message (one connection each, as the client
/// opens them) and keeps the DATA it received.
fn fake_smtp() -> (u16, Arc<Mutex<Vec<String>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("address").port();
    let messages = Arc::new(Mutex::new(Vec::new()));
    let kept = messages.clone();
    // Detached: it ends with the test process.
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(stream) = stream else { break };
            let Ok(mut out) = stream.try_clone() else { break };
            let mut reader = BufReader::new(stream);
            let _ = out.write_all(b"220 fake ESMTP\r\n");
            let mut line = String::new();
            let mut data: Option<String> = None;
            loop {
                line.clear();
                if reader.read_line(&mut line).unwrap_or(0) == 0 {
                    break;
                }
                if let Some(body) = data.as_mut() {
                    if line == ".\r\n" {
                        if let Ok(mut all) = kept.lock() {
                            all.push(data.take().unwrap_or_default());
                        }
                        let _ = out.write_all(b"250 queued\r\n");
                    } else {
                        body.push_str(&line);
                    }
                    continue;
                }
                let command = line.to_ascii_uppercase();
                let reply: &[u8] = if command.starts_with("EHLO") || command.starts_with("HELO") {
                    b"250 fake\r\n"
                } else if command.starts_with("DATA") {
                    data = Some(String::new());
                    b"354 go on\r\n"
                } else if command.starts_with("QUIT") {
                    let _ = out.write_all(b"221 bye\r\n");
                    break;
                } else {
                    b"250 ok\r\n"
                };
                let _ = out.write_all(reply);
            }
        }
    });
    (port, messages)
}

#[test]
fn remind_sends_through_plain_smtp() {
    let data = demo();
    let bad = data.accord(&["remind", "--quarter", "2026Q3", "--today", "2026-11-20", "--smtp", "http://x"]);
    assert_eq!(bad.status.code(), Some(2));
    let (port, server) = fake_smtp();
    let url = format!("smtp://127.0.0.1:{port}");
    let out = data.accord(&["remind", "--quarter", "2026Q3", "--today", "2026-11-20", "--smtp", &url]);
    assert!(out.status.success(), "{}", stderr(&out));
    let sent: usize = stdout(&out)
        .lines()
        .find_map(|l| l.strip_suffix(&format!(" message(s) sent through {url}")).and_then(|n| n.parse().ok()))
        .expect("a count of sent messages");
    assert!(sent > 0);
    let received = server.lock().expect("messages").clone();
    assert_eq!(received.len(), sent);
    assert!(received.iter().all(|m| m.contains("Subject:") && m.contains(".example")), "{received:?}");
    assert!(!data.0.path().join("outbox").exists(), "sending does not fill the outbox");
}
