//! HTTP's part of signing in: cookies, the client's address for the throttle, and where a
//! redirect may go. Passwords and secrets are the
//! application layer's (`accord_app::account`); the secret helpers are re-exported for the
//! session cookie and the sign-in form's CSRF cookie.

pub use accord_app::account::{new_secret, secret_hash};

use axum::http::HeaderMap;
use std::net::IpAddr;

pub const SESSION_COOKIE: &str = "accord_session";
pub const PRE_SESSION_COOKIE: &str = "accord_presession";
pub const LANG_COOKIE: &str = "accord_lang";
pub const FLASH_COOKIE: &str = "accord_flash";
pub const SESSION_TTL_HOURS: i64 = 12;

/// The value of one cookie of a request.
pub fn cookie<'h>(headers: &'h HeaderMap, name: &str) -> Option<&'h str> {
    headers
        .get_all(axum::http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

/// Whether the client reached us over TLS (directly or through a reverse proxy).
pub fn is_secure(headers: &HeaderMap) -> bool {
    headers.get("x-forwarded-proto").and_then(|v| v.to_str().ok()).is_some_and(|v| v.eq_ignore_ascii_case("https"))
}

/// A `Set-Cookie` value. `max_age` of `None` makes a browser-session cookie; `Some(0)` deletes.
pub fn set_cookie(name: &str, value: &str, max_age: Option<i64>, http_only: bool, secure: bool) -> String {
    let mut out = format!("{name}={value}; Path=/; SameSite=Lax");
    if let Some(age) = max_age {
        out.push_str(&format!("; Max-Age={age}"));
    }
    if http_only {
        out.push_str("; HttpOnly");
    }
    if secure {
        out.push_str("; Secure");
    }
    out
}

/// The client's address for the sign-in throttle: the connection's, or, when the operator
/// says a reverse proxy is trusted (`--trust-proxy`), the last address in `X-Forwarded-For`
/// (the one that proxy saw; what a client writes in front of it is ignored).
pub fn client_address(headers: &HeaderMap, peer: IpAddr, trust_proxy: bool) -> IpAddr {
    if !trust_proxy {
        return peer;
    }
    headers
        .get_all("x-forwarded-for")
        .iter()
        .next_back()
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.rsplit(',').next())
        .and_then(|last| last.trim().parse::<IpAddr>().ok())
        .unwrap_or(peer)
}

/// Where to send a browser after signing in (or any redirect whose target a user supplied):
/// only a path of this site. It must be visible ASCII (so no raw space or CR/LF) starting with
/// one `/`, and neither it nor its percent-decoded form may hold `//`, `\` or a control
/// character (`%09`, `%0d%0a`); anything else gives `/`.
pub fn safe_redirect(next: Option<&str>) -> String {
    let Some(next) = next else { return "/".to_string() };
    let decoded = percent_decoded(next);
    let clean =
        |s: &str| s.starts_with('/') && !s.contains("//") && !s.contains('\\') && !s.chars().any(char::is_control);
    let visible = next.bytes().all(|b| b.is_ascii_graphic());
    if next.len() <= 2000 && visible && clean(next) && clean(&decoded) { next.to_string() } else { "/".to_string() }
}

/// `%XX` sequences decoded to bytes (kept as they are when malformed), lossily as text.
fn percent_decoded(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        if bytes[i] == b'%'
            && let (Some(h), Some(l)) = (bytes.get(i + 1).and_then(|b| hex(*b)), bytes.get(i + 2).and_then(|b| hex(*b)))
        {
            out.push((h * 16 + l) as u8);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redirects_go_only_to_paths_of_this_site() {
        for good in ["/", "/plan", "/plan/measures?q=1&page=2", "/account#tokens", "/measures/%D0%90"] {
            assert_eq!(safe_redirect(Some(good)), good, "{good}");
        }
        for bad in [
            "//evil.example",
            "/\\evil.example",
            "\\evil.example",
            "/%09/evil.example",
            "/\t/evil.example",
            "/%0d%0aSet-Cookie:%20x=1",
            "/\r\nLocation: x",
            "/%2f/evil.example",
            "/%5cevil.example",
            "https://evil.example",
            "evil.example",
            "/a b",
            "/плана",
            "/x%00",
            "",
        ] {
            assert_eq!(safe_redirect(Some(bad)), "/", "{bad:?}");
        }
        assert_eq!(safe_redirect(None), "/");
        assert_eq!(safe_redirect(Some(&format!("/{}", "a".repeat(3000)))), "/");
    }

    #[test]
    fn the_client_address_comes_from_the_proxy_only_when_trusted() {
        let peer: IpAddr = "10.0.0.5".parse().expect("ip");
        let mut headers = HeaderMap::new();
        headers.insert("x-forwarded-for", "1.2.3.4, 203.0.113.7".parse().expect("header"));
        assert_eq!(client_address(&headers, peer, false), peer);
        assert_eq!(client_address(&headers, peer, true), "203.0.113.7".parse::<IpAddr>().expect("ip"));
        headers.insert("x-forwarded-for", "not an address".parse().expect("header"));
        assert_eq!(client_address(&headers, peer, true), peer);
        assert_eq!(client_address(&HeaderMap::new(), peer, true), peer);
    }

    #[test]
    fn cookies_are_parsed_and_built() {
        let mut headers = HeaderMap::new();
        headers.insert(axum::http::header::COOKIE, "a=1; accord_session=xyz; b=2".parse().expect("header"));
        assert_eq!(cookie(&headers, SESSION_COOKIE), Some("xyz"));
        assert_eq!(cookie(&headers, "c"), None);
        let set = set_cookie(SESSION_COOKIE, "v", Some(60), true, true);
        assert_eq!(set, "accord_session=v; Path=/; SameSite=Lax; Max-Age=60; HttpOnly; Secure");
    }
}
