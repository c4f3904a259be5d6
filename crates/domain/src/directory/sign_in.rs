//! The rules of signing in that are not about roles: how failed attempts are slowed down (the
//! throttle), which accounts are the demo's, and how long an API token may live.
//!
//! The throttle is a pair of leaky buckets, one per login and one per client address. Every
//! attempt that is let through is counted *before* the password is checked (so a burst cannot
//! run many password hashes at once: the check and the count are one step under the caller's
//! lock), and a success gives its unit back. The level of a bucket leaks away continuously, so
//! a login under attack gets a steady trickle of attempts instead of a fixed lock-out window.
//!
//! A correct password for a login that is not under attack is never refused because of other
//! logins' failures from the same address: a full address bucket only refuses logins whose own
//! bucket is not empty (logins that have failed lately from somewhere). Behind a proxy that
//! everybody shares, a burst of wrong passwords for `exec.maz` slows `exec.maz` down, and
//! `coord.by` signs in as before.
//!
//! Time is passed in (a [`Duration`] since any origin the caller keeps); nothing here reads a
//! clock.

use std::collections::HashMap;
use std::time::Duration;

/// The size and leak of one kind of bucket.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Limit {
    /// Attempts let through at once from an empty bucket.
    pub burst: u32,
    /// Seconds for one attempt to leak away.
    pub seconds_per_attempt: f64,
}

/// Per login: 5 attempts at once, then one a minute.
pub const PER_LOGIN: Limit = Limit { burst: 5, seconds_per_attempt: 60.0 };
/// Per client address (many people may share one behind a proxy): 50 at once, then one every
/// 6 seconds; once full, it refuses only logins that have failed lately.
pub const PER_ADDRESS: Limit = Limit { burst: 50, seconds_per_attempt: 6.0 };
/// Buckets kept per kind before empty ones are forgotten (a spray of made-up logins or
/// addresses cannot grow the state without bound).
pub const MAX_BUCKETS: usize = 100_000;

/// An attempt refused: when the next one may come.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryAfter {
    /// Whole seconds, at least 1.
    pub seconds: u64,
}

impl RetryAfter {
    fn of(seconds: f64) -> RetryAfter {
        RetryAfter { seconds: (seconds.ceil() as u64).max(1) }
    }
}

#[derive(Debug, Clone, Copy)]
struct Bucket {
    level: f64,
    at: Duration,
}

impl Bucket {
    fn level_at(&self, limit: Limit, now: Duration) -> f64 {
        let leaked = now.saturating_sub(self.at).as_secs_f64() / limit.seconds_per_attempt;
        (self.level - leaked).max(0.0)
    }
}

/// The throttle's state and rule. Keep it under one lock: [`SignInThrottle::admit`] checks
/// and counts in one step.
#[derive(Debug)]
pub struct SignInThrottle {
    login: Limit,
    address: Limit,
    logins: HashMap<String, Bucket>,
    addresses: HashMap<String, Bucket>,
}

impl Default for SignInThrottle {
    fn default() -> Self {
        SignInThrottle::new(PER_LOGIN, PER_ADDRESS)
    }
}

/// A tiny level below which a bucket counts as empty (floating-point leaks).
const EMPTY: f64 = 1e-9;

impl SignInThrottle {
    pub fn new(login: Limit, address: Limit) -> SignInThrottle {
        SignInThrottle { login, address, logins: HashMap::new(), addresses: HashMap::new() }
    }

    /// Lets an attempt for `login` from `address` through, counting it as a failure until
    /// [`SignInThrottle::succeeded`] says otherwise; or says how long to wait. A login under
    /// attack (its bucket full) is refused whatever the address; a full address bucket refuses
    /// only logins that have failed lately.
    pub fn admit(&mut self, login: &str, address: Option<&str>, now: Duration) -> Result<(), RetryAfter> {
        let login_level = self.logins.get(login).map_or(0.0, |b| b.level_at(self.login, now));
        if login_level + 1.0 > f64::from(self.login.burst) + EMPTY {
            return Err(RetryAfter::of(
                (login_level + 1.0 - f64::from(self.login.burst)) * self.login.seconds_per_attempt,
            ));
        }
        let address_level = address.and_then(|a| self.addresses.get(a)).map_or(0.0, |b| b.level_at(self.address, now));
        let address_full = address_level + 1.0 > f64::from(self.address.burst) + EMPTY;
        if address_full && login_level > EMPTY {
            let address_wait = (address_level + 1.0 - f64::from(self.address.burst)) * self.address.seconds_per_attempt;
            let login_clean = login_level * self.login.seconds_per_attempt;
            return Err(RetryAfter::of(address_wait.min(login_clean)));
        }
        self.forget_empty(now);
        self.logins.insert(login.to_string(), Bucket { level: login_level + 1.0, at: now });
        if let Some(address) = address {
            // A full bucket stays full (not fuller): the address is slowed, not locked out longer.
            let level = (address_level + 1.0).min(f64::from(self.address.burst));
            self.addresses.insert(address.to_string(), Bucket { level, at: now });
        }
        Ok(())
    }

    /// The attempt let through by [`SignInThrottle::admit`] succeeded: the login's failures
    /// are forgotten and the address gets its unit back.
    pub fn succeeded(&mut self, login: &str, address: Option<&str>, now: Duration) {
        self.logins.remove(login);
        if let Some(bucket) = address.and_then(|a| self.addresses.get_mut(a)) {
            let level = (bucket.level_at(self.address, now) - 1.0).max(0.0);
            *bucket = Bucket { level, at: now };
        }
    }

    /// Whether `login` has failed lately (its bucket is not empty).
    pub fn has_failed(&self, login: &str, now: Duration) -> bool {
        self.logins.get(login).is_some_and(|b| b.level_at(self.login, now) > EMPTY)
    }

    fn forget_empty(&mut self, now: Duration) {
        for (buckets, limit) in [(&mut self.logins, self.login), (&mut self.addresses, self.address)] {
            if buckets.len() >= MAX_BUCKETS {
                buckets.retain(|_, b| b.level_at(limit, now) > EMPTY);
            }
            if buckets.len() >= MAX_BUCKETS {
                // Still full of live buckets: forget the oldest half rather than grow.
                let mut ats: Vec<Duration> = buckets.values().map(|b| b.at).collect();
                ats.sort_unstable();
                let cut = ats[ats.len() / 2];
                buckets.retain(|_, b| b.at > cut);
            }
        }
    }
}

/// The logins the demonstration data creates, each with the password `<login>-demo`.
pub const DEMO_LOGINS: &[&str] =
    &["admin", "coord.by", "coord.khv", "exec.maz", "exec.fish", "observer", "tech.service", "owner.road"];

/// The published password of a demo login.
pub fn demo_password(login: &str) -> String {
    format!("{login}-demo")
}

/// Whether a login and password are a demo account's published ones: valid only on a server
/// running the demo.
pub fn is_demo_credential(login: &str, password: &str) -> bool {
    let login = login.trim().to_ascii_lowercase();
    DEMO_LOGINS.contains(&login.as_str()) && password == demo_password(&login)
}

/// The longest an API token may live, in days (ten years).
pub const MAX_TOKEN_DAYS: u32 = 3650;

/// Why a token lifetime does not read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TokenLifetimeError {
    #[error("a token lifetime is a number of days, e.g. 90d (or 12h)")]
    Unreadable,
    #[error("a token lives at most {MAX_TOKEN_DAYS} days")]
    TooLong,
}

/// A token's lifetime as written by a person: `90d` or `90` (days), `12h` (hours), `2w`
/// (weeks); empty or `never`: no expiry. Zero is refused like anything unreadable.
pub fn token_lifetime(text: &str) -> Result<Option<chrono::Duration>, TokenLifetimeError> {
    let text = text.trim().to_ascii_lowercase();
    if text.is_empty() || text == "never" {
        return Ok(None);
    }
    let (number, hours_per_unit) = match text.as_bytes()[text.len() - 1] {
        b'h' => (&text[..text.len() - 1], 1),
        b'd' => (&text[..text.len() - 1], 24),
        b'w' => (&text[..text.len() - 1], 24 * 7),
        _ => (text.as_str(), 24),
    };
    let n: u64 = number.trim().parse().map_err(|_| TokenLifetimeError::Unreadable)?;
    if n == 0 {
        return Err(TokenLifetimeError::Unreadable);
    }
    let hours = n.checked_mul(hours_per_unit).ok_or(TokenLifetimeError::TooLong)?;
    if hours > u64::from(MAX_TOKEN_DAYS) * 24 {
        return Err(TokenLifetimeError::TooLong);
    }
    Ok(Some(chrono::Duration::hours(hours as i64)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secs(s: u64) -> Duration {
        Duration::from_secs(s)
    }

    #[test]
    fn a_login_gets_a_burst_then_a_steady_trickle() {
        let mut t = SignInThrottle::default();
        for _ in 0..PER_LOGIN.burst {
            assert_eq!(t.admit("exec.maz", Some("10.0.0.1"), secs(0)), Ok(()));
        }
        assert_eq!(t.admit("exec.maz", Some("10.0.0.1"), secs(0)), Err(RetryAfter { seconds: 60 }));
        // From another address too: the login is under attack.
        assert_eq!(t.admit("exec.maz", Some("10.0.0.2"), secs(1)), Err(RetryAfter { seconds: 59 }));
        // The level leaks: one more attempt a minute, not a 15-minute lock.
        assert_eq!(t.admit("exec.maz", None, secs(60)), Ok(()));
        assert_eq!(t.admit("exec.maz", None, secs(61)), Err(RetryAfter { seconds: 59 }));
        // Five minutes later the bucket is empty again.
        assert!(!t.has_failed("exec.maz", secs(61 + 300)));
    }

    #[test]
    fn refusals_are_not_counted_and_a_success_forgets() {
        let mut t = SignInThrottle::default();
        for _ in 0..PER_LOGIN.burst {
            t.admit("a", None, secs(0)).expect("admitted");
        }
        for _ in 0..100 {
            assert!(t.admit("a", None, secs(0)).is_err());
        }
        // Refused attempts did not fill the bucket further: one minute suffices.
        assert_eq!(t.admit("a", None, secs(60)), Ok(()));
        t.succeeded("a", None, secs(60));
        assert!(!t.has_failed("a", secs(60)));
        for _ in 0..PER_LOGIN.burst {
            assert_eq!(t.admit("a", None, secs(60)), Ok(()));
        }
    }

    #[test]
    fn other_logins_failures_from_one_address_do_not_refuse_a_clean_login() {
        let mut t = SignInThrottle::default();
        let proxy = Some("192.0.2.1");
        // A spray over many logins fills the address bucket.
        for i in 0..200 {
            let _ = t.admit(&format!("victim{i}"), proxy, secs(0));
        }
        // A failed login from the full address is refused …
        assert!(t.admit("victim0", proxy, secs(0)).is_err());
        // … a login that has not failed is let through, and its success refunds the address.
        assert_eq!(t.admit("coord.by", proxy, secs(0)), Ok(()));
        t.succeeded("coord.by", proxy, secs(0));
        assert_eq!(t.admit("coord.by", proxy, secs(1)), Ok(()));
        // 50 wrong passwords for one login, then the right one of another: admitted.
        let mut t = SignInThrottle::default();
        let refused = (0..50).filter(|_| t.admit("exec.maz", proxy, secs(0)).is_err()).count();
        assert_eq!(refused, 50 - PER_LOGIN.burst as usize);
        assert_eq!(t.admit("coord.khv", proxy, secs(0)), Ok(()));
    }

    #[test]
    fn a_full_address_says_when_a_failed_login_may_try_again() {
        let mut t = SignInThrottle::new(
            Limit { burst: 5, seconds_per_attempt: 60.0 },
            Limit { burst: 3, seconds_per_attempt: 10.0 },
        );
        let ip = Some("ip");
        t.admit("x", ip, secs(0)).expect("1");
        t.admit("y", ip, secs(0)).expect("2");
        t.admit("z", ip, secs(0)).expect("3");
        // Full address, failed login: wait for the address to leak one attempt.
        assert_eq!(t.admit("x", ip, secs(0)), Err(RetryAfter { seconds: 10 }));
        assert_eq!(t.admit("x", ip, secs(10)), Ok(()));
        // A clean login is let through even with the address full.
        assert_eq!(t.admit("w", ip, secs(10)), Ok(()));
    }

    #[test]
    fn the_state_stays_bounded() {
        let mut t = SignInThrottle::default();
        for i in 0..(MAX_BUCKETS + 10) {
            let _ = t.admit(&format!("l{i}"), Some(&format!("a{i}")), secs(i as u64));
        }
        assert!(t.logins.len() <= MAX_BUCKETS && t.addresses.len() <= MAX_BUCKETS);
    }

    #[test]
    fn demo_credentials_are_the_published_ones() {
        assert!(is_demo_credential("admin", "admin-demo"));
        assert!(is_demo_credential(" Owner.Road ", "owner.road-demo"));
        assert!(!is_demo_credential("admin", "a-real-password"));
        assert!(!is_demo_credential("petrov", "petrov-demo"));
    }

    #[test]
    fn token_lifetimes_read() {
        assert_eq!(token_lifetime("90d"), Ok(Some(chrono::Duration::days(90))));
        assert_eq!(token_lifetime(" 30 "), Ok(Some(chrono::Duration::days(30))));
        assert_eq!(token_lifetime("12h"), Ok(Some(chrono::Duration::hours(12))));
        assert_eq!(token_lifetime("2W"), Ok(Some(chrono::Duration::days(14))));
        assert_eq!(token_lifetime(""), Ok(None));
        assert_eq!(token_lifetime("never"), Ok(None));
        assert_eq!(token_lifetime("0d"), Err(TokenLifetimeError::Unreadable));
        assert_eq!(token_lifetime("-1d"), Err(TokenLifetimeError::Unreadable));
        assert_eq!(token_lifetime("soon"), Err(TokenLifetimeError::Unreadable));
        assert_eq!(token_lifetime("3651d"), Err(TokenLifetimeError::TooLong));
        assert_eq!(token_lifetime("99999999999999999999w"), Err(TokenLifetimeError::Unreadable));
        assert_eq!(token_lifetime("9999999999999999w"), Err(TokenLifetimeError::TooLong));
    }
}
