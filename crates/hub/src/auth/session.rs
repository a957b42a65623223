//! Sessions: a random token in the `relais_session` cookie, its hash kept server-side,
//! with an absolute lifetime and an idle timeout.

use chrono::{DateTime, Duration, Utc};

use crate::store::SessionRow;

/// Name of the session cookie.
pub const COOKIE_NAME: &str = "relais_session";

/// Lifetimes of sessions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SessionPolicy {
    /// From sign-in.
    pub lifetime: Duration,
    /// Since the last request.
    pub idle: Duration,
}

/// Whether a session is still valid at `now`.
pub fn is_live(row: &SessionRow, policy: &SessionPolicy, now: DateTime<Utc>) -> bool {
    now < row.created_at + policy.lifetime && now < row.last_seen + policy.idle
}

/// `Set-Cookie` value opening a session.
pub fn set_cookie(token: &str, policy: &SessionPolicy) -> String {
    format!(
        "{COOKIE_NAME}={token}; HttpOnly; Secure; SameSite=Strict; Path=/; Max-Age={}",
        policy.lifetime.num_seconds()
    )
}

/// `Set-Cookie` value ending the session in the browser.
pub fn clear_cookie() -> String {
    format!("{COOKIE_NAME}=; HttpOnly; Secure; SameSite=Strict; Path=/; Max-Age=0")
}

/// The session token in a `Cookie` header value, if any.
pub fn token_from_cookie_header(header: &str) -> Option<&str> {
    header
        .split(';')
        .filter_map(|p| p.trim().split_once('='))
        .find(|(k, _)| *k == COOKIE_NAME)
        .map(|(_, v)| v.trim())
        .filter(|v| !v.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn lifetime_and_idle_both_end_a_session() {
        let t0 = Utc
            .with_ymd_and_hms(2026, 3, 1, 9, 0, 0)
            .single()
            .expect("t0");
        let policy = SessionPolicy {
            lifetime: Duration::hours(8),
            idle: Duration::minutes(30),
        };
        let mut row = SessionRow {
            token_hash: "h".into(),
            account_id: "a".into(),
            created_at: t0,
            last_seen: t0,
        };
        assert!(is_live(&row, &policy, t0 + Duration::minutes(29)));
        assert!(!is_live(&row, &policy, t0 + Duration::minutes(30)));
        row.last_seen = t0 + Duration::hours(7) + Duration::minutes(59);
        assert!(is_live(
            &row,
            &policy,
            t0 + Duration::hours(8) - Duration::seconds(1)
        ));
        assert!(!is_live(&row, &policy, t0 + Duration::hours(8)));
    }

    #[test]
    fn cookie_is_locked_down_and_parsed() {
        let policy = SessionPolicy {
            lifetime: Duration::hours(8),
            idle: Duration::minutes(30),
        };
        let c = set_cookie("tok", &policy);
        for attr in ["HttpOnly", "Secure", "SameSite=Strict", "Path=/"] {
            assert!(c.contains(attr), "{c}");
        }
        assert_eq!(
            token_from_cookie_header("a=b; relais_session=tok"),
            Some("tok")
        );
        assert_eq!(token_from_cookie_header("a=b"), None);
    }
}
