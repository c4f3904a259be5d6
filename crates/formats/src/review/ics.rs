//! RFC 5545 iCalendar invitations for review meetings (METHOD:REQUEST, one VEVENT).
//!
//! Hand-written rather than built on the `icalendar` crate: an invitation is a few dozen lines,
//! the crate would add a parser (nom 8, nom-language, iso8601) we do not need, and it has no
//! VTIMEZONE helper, which is the one delicate part. Times are written in Minsk local time with
//! `TZID=Europe/Minsk` and a VTIMEZONE that describes the zone since 27 March 2011 (UTC+3 all
//! year); a meeting before that date (summer time still in use) is written in UTC instead, so
//! no calendar ever gets a wrong offset. Text is escaped, lines are folded at 75 octets
//! without splitting a UTF-8 character, and every line ends with CRLF.

use accord_domain::PersonId;
use accord_domain::Side;
use accord_domain::review::meeting::{Meeting, ParticipantRole};
use accord_domain::review::schedule;
use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};

/// The zone the invitation's times are written in.
pub const TZID: &str = "Europe/Minsk";

/// Attendee role (RFC 5545 ROLE parameter).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CalRole {
    Chair,
    Required,
    Optional,
}

impl CalRole {
    fn param(self) -> &'static str {
        match self {
            CalRole::Chair => "CHAIR",
            CalRole::Required => "REQ-PARTICIPANT",
            CalRole::Optional => "OPT-PARTICIPANT",
        }
    }
}

/// A person with an e-mail address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CalAddress {
    pub email: String,
    pub name: Option<String>,
    pub role: CalRole,
}

/// Everything an invitation says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invitation {
    /// Globally unique and stable across updates of the same meeting.
    pub uid: String,
    /// Incremented on every change the attendees must see.
    pub sequence: u32,
    /// When the file was made.
    pub stamp: DateTime<Utc>,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    pub summary: String,
    pub description: String,
    /// The videoconference link or the room.
    pub location: Option<String>,
    pub organizer: CalAddress,
    pub attendees: Vec<CalAddress>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IcsError {
    #[error("not an e-mail address: {0:?}")]
    InvalidAddress(String),
    #[error("the meeting ends ({end}) before it starts ({start})")]
    EndBeforeStart { start: DateTime<Utc>, end: DateTime<Utc> },
    #[error("the UID is empty or has line breaks")]
    InvalidUid,
}

impl Invitation {
    /// An invitation for a domain meeting. `summary` and `description` are already translated
    /// by the caller; `name` gives a participant's display name; participants without an e-mail
    /// address are left out (they cannot receive it). Chairs get ROLE=CHAIR.
    pub fn for_meeting(
        meeting: &Meeting,
        stamp: DateTime<Utc>,
        summary: String,
        description: String,
        location: Option<String>,
        organizer: CalAddress,
        name: impl Fn(PersonId) -> Option<String>,
    ) -> Invitation {
        let attendees = meeting
            .participants
            .iter()
            .filter_map(|p| {
                let email = p.email.clone()?;
                let role = if p.role == ParticipantRole::Chair { CalRole::Chair } else { CalRole::Required };
                Some(CalAddress { email, name: name(p.person), role })
            })
            .collect();
        Invitation {
            uid: format!("{}@accord", meeting.id),
            sequence: 0,
            stamp,
            start: meeting.start,
            end: meeting.end(),
            summary,
            description,
            location,
            organizer,
            attendees,
        }
    }
}

/// The invitation as an iCalendar file (CRLF line ends, folded lines).
pub fn write_invitation(inv: &Invitation) -> Result<String, IcsError> {
    if inv.end < inv.start {
        return Err(IcsError::EndBeforeStart { start: inv.start, end: inv.end });
    }
    if inv.uid.trim().is_empty() || inv.uid.contains(['\r', '\n']) {
        return Err(IcsError::InvalidUid);
    }
    for a in std::iter::once(&inv.organizer).chain(&inv.attendees) {
        check_address(&a.email)?;
    }
    let local_ok = minsk_fixed_since() <= inv.start;
    let mut lines: Vec<String> = vec![
        "BEGIN:VCALENDAR".into(),
        "VERSION:2.0".into(),
        "PRODID:-//accord//review meeting//EN".into(),
        "CALSCALE:GREGORIAN".into(),
        "METHOD:REQUEST".into(),
    ];
    if local_ok {
        lines.extend(
            [
                "BEGIN:VTIMEZONE",
                "TZID:Europe/Minsk",
                "BEGIN:STANDARD",
                "DTSTART:20110327T020000",
                "TZOFFSETFROM:+0200",
                "TZOFFSETTO:+0300",
                "TZNAME:+03",
                "END:STANDARD",
                "END:VTIMEZONE",
            ]
            .map(String::from),
        );
    }
    let time = |name: &str, t: DateTime<Utc>| {
        if local_ok {
            format!("{name};TZID={TZID}:{}", local_stamp(schedule::local(Side::By, t)))
        } else {
            format!("{name}:{}", utc_stamp(t))
        }
    };
    lines.push("BEGIN:VEVENT".into());
    lines.push(format!("UID:{}", escape_text(&inv.uid)));
    lines.push(format!("SEQUENCE:{}", inv.sequence));
    lines.push(format!("DTSTAMP:{}", utc_stamp(inv.stamp)));
    lines.push(time("DTSTART", inv.start));
    lines.push(time("DTEND", inv.end));
    lines.push(format!("SUMMARY:{}", escape_text(&inv.summary)));
    if !inv.description.is_empty() {
        lines.push(format!("DESCRIPTION:{}", escape_text(&inv.description)));
    }
    if let Some(location) = &inv.location {
        lines.push(format!("LOCATION:{}", escape_text(location)));
    }
    lines.push(format!("ORGANIZER{}:mailto:{}", cn(&inv.organizer.name), inv.organizer.email.trim()));
    for a in &inv.attendees {
        lines.push(format!(
            "ATTENDEE{};ROLE={};PARTSTAT=NEEDS-ACTION;RSVP=TRUE:mailto:{}",
            cn(&a.name),
            a.role.param(),
            a.email.trim()
        ));
    }
    lines.push("STATUS:CONFIRMED".into());
    lines.push("END:VEVENT".into());
    lines.push("END:VCALENDAR".into());
    let mut out = String::new();
    for line in &lines {
        out.push_str(&fold(line));
    }
    Ok(out)
}

fn minsk_fixed_since() -> DateTime<Utc> {
    // 27 March 2011 00:00 UTC: Minsk's last clock change (to UTC+3 for good).
    NaiveDate::from_ymd_opt(2011, 3, 27).and_then(|d| d.and_hms_opt(0, 0, 0)).map(|t| t.and_utc()).unwrap_or_default()
}

fn check_address(email: &str) -> Result<(), IcsError> {
    let e = email.trim();
    let ok = e.split_once('@').is_some_and(|(user, host)| !user.is_empty() && host.contains('.'))
        && !e.contains(|c: char| c.is_whitespace() || c.is_control() || matches!(c, '"' | ';' | ',' | ':' | '<' | '>'));
    if ok { Ok(()) } else { Err(IcsError::InvalidAddress(email.to_string())) }
}

fn cn(name: &Option<String>) -> String {
    match name.as_deref().map(str::trim).filter(|n| !n.is_empty()) {
        // A quoted parameter value may hold anything but DQUOTE and control characters.
        Some(n) => format!(";CN=\"{}\"", n.chars().filter(|c| *c != '"' && !c.is_control()).collect::<String>()),
        None => String::new(),
    }
}

fn utc_stamp(t: DateTime<Utc>) -> String {
    t.format("%Y%m%dT%H%M%SZ").to_string()
}

fn local_stamp(t: NaiveDateTime) -> String {
    t.format("%Y%m%dT%H%M%S").to_string()
}

/// RFC 5545 TEXT escaping: backslash, semicolon, comma and newlines.
pub fn escape_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\r' => {
                if chars.peek() != Some(&'\n') {
                    out.push_str("\\n");
                }
            }
            '\n' => out.push_str("\\n"),
            c if c.is_control() && c != '\t' => {}
            c => out.push(c),
        }
    }
    out
}

/// Folds a content line into physical lines of at most 75 octets (continuations start with a
/// space, which counts), each ending with CRLF. Never splits a UTF-8 character.
pub fn fold(line: &str) -> String {
    let mut out = String::with_capacity(line.len() + 8);
    let mut width = 0;
    for c in line.chars() {
        let len = c.len_utf8();
        if width + len > 75 {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(c);
        width += len;
    }
    out.push_str("\r\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use accord_domain::review::holidays::HolidayCalendar;
    use accord_domain::review::meeting::{Attendance, Participant};
    use accord_domain::{MeetingId, Quarter};
    use chrono::TimeZone;

    fn utc(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, m, d, h, min, 0).single().expect("time")
    }

    fn invitation() -> Invitation {
        let cal = HolidayCalendar::builtin();
        let quarter: Quarter = "2025Q2".parse().expect("quarter");
        let (mut meeting, _) =
            Meeting::new(MeetingId::new_at(1, [0; 10]), quarter, utc(2025, 7, 7, 6, 0), 120, &cal).expect("meeting");
        let person = |n| PersonId::new_at(n, [0; 10]);
        let participant = |n, side, role, email: Option<&str>| Participant {
            person: person(n),
            side,
            role,
            attendance: Attendance::Invited,
            email: email.map(String::from),
        };
        for p in [
            participant(1, Side::By, ParticipantRole::Chair, Some("chair@mogilev.example.by")),
            participant(2, Side::Khv, ParticipantRole::Chair, Some("chair@khv.example.ru")),
            participant(3, Side::Khv, ParticipantRole::Executor, Some("exec@khv.example.ru")),
            participant(4, Side::By, ParticipantRole::Guest, None),
        ] {
            meeting.invite(p).expect("invite");
        }
        Invitation::for_meeting(
            &meeting,
            utc(2025, 6, 1, 6, 0),
            "Заседание рабочей группы; II квартал 2025, Могилёв — Хабаровск".into(),
            "Повестка:\n1. О выполнении плана, п. 3.2 протокола от 12.05.2025\n2. Торговля \\ логистика; разное".into(),
            Some("https://vc.example.by/room/42".into()),
            CalAddress {
                email: "secretary@mogilev.example.by".into(),
                name: Some("Секретарь \"рабочей\" группы".into()),
                role: CalRole::Required,
            },
            |p| (p == person(1)).then(|| "Иванов Иван Иванович, председатель с белорусской стороны".to_string()),
        )
    }

    /// Unfolds physical lines into content lines (RFC 5545 3.1).
    fn unfold(text: &str) -> Vec<String> {
        let mut lines: Vec<String> = Vec::new();
        for physical in text.split("\r\n").filter(|l| !l.is_empty()) {
            match physical.strip_prefix(' ') {
                Some(rest) => {
                    if let Some(last) = lines.last_mut() {
                        last.push_str(rest);
                    }
                }
                None => lines.push(physical.to_string()),
            }
        }
        lines
    }

    fn unescape(s: &str) -> String {
        let mut out = String::new();
        let mut chars = s.chars();
        while let Some(c) = chars.next() {
            if c == '\\' {
                match chars.next() {
                    Some('n' | 'N') => out.push('\n'),
                    Some(other) => out.push(other),
                    None => {}
                }
            } else {
                out.push(c);
            }
        }
        out
    }

    fn value<'a>(lines: &'a [String], name: &str) -> Vec<&'a str> {
        lines
            .iter()
            .filter(|l| l.split([':', ';']).next() == Some(name))
            .filter_map(|l| {
                // The value starts after the first colon outside a quoted parameter.
                let mut quoted = false;
                l.char_indices()
                    .find(|(_, c)| {
                        if *c == '"' {
                            quoted = !quoted;
                        }
                        *c == ':' && !quoted
                    })
                    .map(|(i, _)| &l[i + 1..])
            })
            .collect()
    }

    #[test]
    fn structure_folding_and_escaping() {
        let inv = invitation();
        let text = write_invitation(&inv).expect("ics");
        assert!(text.ends_with("\r\n"));
        assert!(!text.replace("\r\n", "").contains('\n'), "only CRLF line ends");
        for physical in text.split("\r\n") {
            assert!(physical.len() <= 75, "{} octets: {physical}", physical.len());
        }
        assert!(text.split("\r\n").any(|l| l.starts_with(' ')), "long lines were folded");
        let lines = unfold(&text);
        assert_eq!(lines.first().map(String::as_str), Some("BEGIN:VCALENDAR"));
        assert_eq!(lines.last().map(String::as_str), Some("END:VCALENDAR"));
        assert_eq!(value(&lines, "UID"), vec![format!("{}@accord", MeetingId::new_at(1, [0; 10]))]);
        assert!(lines.contains(&"DTSTART;TZID=Europe/Minsk:20250707T090000".to_string()));
        assert!(lines.contains(&"DTEND;TZID=Europe/Minsk:20250707T110000".to_string()));
        assert!(lines.contains(&"DTSTAMP:20250601T060000Z".to_string()));
        assert!(lines.contains(&"TZID:Europe/Minsk".to_string()));
        assert_eq!(value(&lines, "SUMMARY").iter().map(|s| unescape(s)).collect::<Vec<_>>(), vec![inv.summary.clone()]);
        assert_eq!(
            value(&lines, "DESCRIPTION").iter().map(|s| unescape(s)).collect::<Vec<_>>(),
            vec![inv.description.clone()]
        );
        let attendees = value(&lines, "ATTENDEE");
        assert_eq!(attendees.len(), 3, "the guest without an address is left out");
        assert!(lines.iter().any(|l| {
            l.starts_with("ATTENDEE;CN=\"Иванов Иван Иванович, председатель с белорусской стороны\";ROLE=CHAIR")
        }));
        assert!(lines.iter().any(|l| l.starts_with("ORGANIZER;CN=\"Секретарь рабочей группы\":mailto:")));
        assert_eq!(
            lines.iter().filter(|l| l.starts_with("BEGIN:")).count(),
            lines.iter().filter(|l| l.starts_with("END:")).count()
        );
    }

    #[test]
    fn fold_never_splits_a_character() {
        let line = format!("SUMMARY:{}", "ж".repeat(100));
        let folded = fold(&line);
        for physical in folded.split("\r\n") {
            assert!(physical.len() <= 75);
        }
        assert_eq!(unfold(&folded), vec![line]);
        assert_eq!(fold("SHORT:x"), "SHORT:x\r\n");
        assert_eq!(escape_text("a,b;c\\d\r\ne"), "a\\,b\\;c\\\\d\\ne");
    }

    #[test]
    fn old_dates_and_bad_input() {
        let mut inv = invitation();
        inv.start = utc(2010, 7, 15, 7, 0);
        inv.end = utc(2010, 7, 15, 9, 0);
        let text = write_invitation(&inv).expect("ics");
        assert!(text.contains("DTSTART:20100715T070000Z\r\n"), "before 2011 Minsk had summer time: written in UTC");
        assert!(!text.contains("VTIMEZONE"));
        inv.end = utc(2010, 7, 15, 6, 0);
        assert!(matches!(write_invitation(&inv), Err(IcsError::EndBeforeStart { .. })));
        let mut inv = invitation();
        inv.attendees[0].email = "x@y.by\r\nATTENDEE:mailto:evil@example.com".into();
        assert!(matches!(write_invitation(&inv), Err(IcsError::InvalidAddress(_))));
        inv.attendees[0].email = "nobody".into();
        assert!(matches!(write_invitation(&inv), Err(IcsError::InvalidAddress(_))));
    }

    /// Parses the file with Python's `icalendar` package, an independent implementation.
    #[test]
    fn python_icalendar_reads_it_back() {
        let text = write_invitation(&invitation()).expect("ics");
        let script = r#"
import sys, icalendar, datetime
cal = icalendar.Calendar.from_ical(sys.stdin.buffer.read())
ev = [c for c in cal.walk("VEVENT")][0]
start = ev.decoded("DTSTART")
print(start.astimezone(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M"))
print(str(start.tzinfo))
print(str(ev.get("SUMMARY")))
print(str(ev.get("DESCRIPTION")).replace("\n", "|"))
atts = ev.get("ATTENDEE")
print(len(atts if isinstance(atts, list) else [atts]))
print(len(cal.walk("VTIMEZONE")))
"#;
        let run = std::process::Command::new("python3").args(["-c", "import icalendar"]).output();
        if !run.is_ok_and(|o| o.status.success()) {
            let required = std::env::var("ACCORD_REQUIRE_ALL_TESTS").is_ok_and(|v| v == "1");
            assert!(
                !required,
                "python3 with the icalendar package is required (ACCORD_REQUIRE_ALL_TESTS=1): pip install icalendar"
            );
            eprintln!("skipped: python icalendar check (pip install icalendar to run it)");
            return;
        }
        use std::io::Write;
        let mut child = std::process::Command::new("python3")
            .args(["-c", script])
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("python3 runs");
        child.stdin.take().expect("stdin").write_all(text.as_bytes()).expect("write");
        let out = child.wait_with_output().expect("python3 finishes");
        assert!(out.status.success(), "python: {}", String::from_utf8_lossy(&out.stderr));
        let stdout = String::from_utf8_lossy(&out.stdout);
        let lines: Vec<&str> = stdout.lines().collect();
        assert_eq!(lines[0], "2025-07-07T06:00");
        assert!(lines[1].contains("Minsk") || lines[1].contains("+03"), "{}", lines[1]);
        assert_eq!(lines[2], invitation().summary);
        assert_eq!(lines[3], invitation().description.replace('\n', "|"));
        assert_eq!(lines[4], "3");
        assert_eq!(lines[5], "1");
    }
}
