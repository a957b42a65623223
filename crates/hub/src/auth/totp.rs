//! TOTP (RFC 6238): SHA-1, 6 digits, 30 s step, ±1 step accepted, computed by `totp-rs`.
//!
//! Replay is refused by the caller: the matching step is returned, and an account accepts a
//! step only if it is later than the last one it used.

use chrono::{DateTime, Utc};
use data_encoding::BASE32_NOPAD;
use rand::RngCore;
use totp_rs::{Algorithm, TOTP};

use crate::error::HubError;

/// Step length in seconds.
pub const STEP_SECS: i64 = 30;
/// Issuer shown in authenticator apps.
pub const ISSUER: &str = "Relais";

/// A new 160-bit secret, base32 without padding.
pub fn new_secret() -> String {
    let mut b = [0u8; 20];
    rand::rngs::OsRng.fill_bytes(&mut b);
    BASE32_NOPAD.encode(&b)
}

fn totp(secret_base32: &str, account: &str) -> Result<TOTP, HubError> {
    let secret = BASE32_NOPAD
        .decode(secret_base32.trim().trim_end_matches('=').as_bytes())
        .map_err(|_| HubError::Corrupt("secret TOTP"))?;
    Ok(TOTP::new_unchecked(
        Algorithm::SHA1,
        6,
        1,
        STEP_SECS as u64,
        secret,
        Some(ISSUER.to_string()),
        account.to_string(),
    ))
}

/// The code of `secret_base32` at `at` (what an authenticator app shows then).
pub fn code_at(secret_base32: &str, at: DateTime<Utc>) -> Result<String, HubError> {
    Ok(totp(secret_base32, "")?.generate(at.timestamp().max(0) as u64))
}

/// The code of `secret_base32` now, by the machine's clock.
pub fn code_now(secret_base32: &str) -> Result<String, HubError> {
    code_at(secret_base32, Utc::now())
}

/// The step of `at`.
pub fn step_of(at: DateTime<Utc>) -> i64 {
    at.timestamp().div_euclid(STEP_SECS)
}

/// The step (of `at` ±1) whose code is `code`, if any; the comparison is constant-time.
pub fn matching_step(
    secret_base32: &str,
    code: &str,
    at: DateTime<Utc>,
) -> Result<Option<i64>, HubError> {
    let code = code.trim();
    if code.len() != 6 || !code.bytes().all(|b| b.is_ascii_digit()) {
        return Ok(None);
    }
    let t = totp(secret_base32, "")?;
    let now = step_of(at);
    let mut found = None;
    for step in [now - 1, now, now + 1] {
        if step < 0 {
            continue;
        }
        let expected = t.generate((step * STEP_SECS) as u64);
        if constant_eq(expected.as_bytes(), code.as_bytes()) && found.is_none() {
            found = Some(step);
        }
    }
    Ok(found)
}

fn constant_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// `otpauth://totp/…` URI for an authenticator app.
pub fn otpauth_uri(secret_base32: &str, email: &str) -> Result<String, HubError> {
    Ok(totp(secret_base32, email)?.get_url())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    /// RFC 6238 appendix B, SHA-1 secret "12345678901234567890" (last 6 digits).
    #[test]
    fn rfc6238_vectors() {
        let secret = BASE32_NOPAD.encode(b"12345678901234567890");
        for (t, code) in [
            (59, "287082"),
            (1_111_111_109, "081804"),
            (1_111_111_111, "050471"),
            (1_234_567_890, "005924"),
            (2_000_000_000, "279037"),
        ] {
            let at = Utc.timestamp_opt(t, 0).single().expect("t");
            assert_eq!(code_at(&secret, at).expect("code"), code, "t={t}");
        }
    }

    #[test]
    fn accepts_one_step_either_side_only() {
        let secret = new_secret();
        let at = Utc.timestamp_opt(1_700_000_015, 0).single().expect("t");
        let step = step_of(at);
        for (offset, ok) in [
            (-60, false),
            (-30, true),
            (0, true),
            (30, true),
            (60, false),
        ] {
            let code = code_at(&secret, at + chrono::Duration::seconds(offset)).expect("c");
            let got = matching_step(&secret, &code, at).expect("m");
            assert_eq!(got.is_some(), ok, "offset {offset}");
            if ok {
                assert_eq!(got, Some(step + offset / 30));
            }
        }
        assert_eq!(matching_step(&secret, "12345", at).expect("short"), None);
        assert_eq!(matching_step(&secret, "abcdef", at).expect("letters"), None);
    }

    #[test]
    fn uri_names_the_issuer_and_account() {
        let uri = otpauth_uri(&new_secret(), "dr.martin@relais.test").expect("uri");
        assert!(uri.starts_with("otpauth://totp/Relais:"), "{uri}");
        assert!(uri.contains("issuer=Relais"), "{uri}");
    }
}
