//! HTTP's part of signing in: cookies and the sign-in throttle. Passwords and secrets are the
//! application layer's (`accord_app::account`); the secret helpers are re-exported for the
//! session cookie and the sign-in form's CSRF cookie.

pub use accord_app::account::{new_secret, secret_hash};

use crate::error::AppError;
use axum::http::HeaderMap;
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

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

/// Slows down repeated failed sign-ins per login and per client address: after a few free
/// attempts each further failure doubles the wait, up to a quarter of an hour.
#[derive(Default)]
pub struct Throttle {
    failures: Mutex<HashMap<String, (u32, Instant)>>,
}

const FREE_ATTEMPTS: u32 = 5;
const MAX_WAIT: Duration = Duration::from_secs(15 * 60);

impl Throttle {
    fn wait_for(failures: u32) -> Duration {
        if failures < FREE_ATTEMPTS {
            return Duration::ZERO;
        }
        let exponent = (failures - FREE_ATTEMPTS).min(10);
        Duration::from_secs(1 << exponent).min(MAX_WAIT)
    }

    /// `Err` with the seconds to wait when any of the keys is still cooling down.
    pub fn check(&self, keys: &[String], now: Instant) -> Result<(), AppError> {
        let map = self.failures.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        for key in keys {
            if let Some((failures, last)) = map.get(key) {
                let until = *last + Self::wait_for(*failures);
                if until > now {
                    let wait_secs = (until - now).as_secs().max(1);
                    return Err(AppError::TooManyAttempts { wait_secs });
                }
            }
        }
        Ok(())
    }

    pub fn failed(&self, keys: &[String], now: Instant) {
        let mut map = self.failures.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if map.len() > 100_000 {
            // Forget the oldest half rather than grow without bound under a spray attack.
            let mut entries: Vec<_> = map.iter().map(|(k, (_, t))| (k.clone(), *t)).collect();
            entries.sort_by_key(|(_, t)| *t);
            for (k, _) in entries.into_iter().take(50_000) {
                map.remove(&k);
            }
        }
        for key in keys {
            let entry = map.entry(key.clone()).or_insert((0, now));
            entry.0 += 1;
            entry.1 = now;
        }
    }

    pub fn succeeded(&self, login_key: &str) {
        let mut map = self.failures.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        map.remove(login_key);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn throttle_waits_longer_after_each_failure() {
        let throttle = Throttle::default();
        let keys = vec!["login:a".to_string(), "ip:1".to_string()];
        let t0 = Instant::now();
        for _ in 0..FREE_ATTEMPTS - 1 {
            throttle.failed(&keys, t0);
        }
        assert!(throttle.check(&keys, t0).is_ok());
        throttle.failed(&keys, t0);
        assert!(matches!(throttle.check(&keys, t0), Err(AppError::TooManyAttempts { wait_secs: 1 })));
        throttle.failed(&keys, t0);
        assert!(matches!(throttle.check(&keys, t0), Err(AppError::TooManyAttempts { wait_secs: 2 })));
        assert!(throttle.check(&keys, t0 + Duration::from_secs(3)).is_ok());
        // Another address for another login is not slowed down.
        assert!(throttle.check(&["login:b".to_string(), "ip:2".to_string()], t0).is_ok());
        throttle.succeeded("login:a");
        assert!(throttle.check(&["login:a".to_string()], t0).is_ok());
        assert_eq!(Throttle::wait_for(100), MAX_WAIT);
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
