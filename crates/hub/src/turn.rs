//! ICE servers handed to both sides, with TURN REST credentials (coturn `use-auth-secret`):
//! `username = "<unix expiry>:<roomId>"`, `credential = base64(HMAC-SHA1(secret, username))`.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use chrono::{DateTime, Duration, Utc};
use hmac::{Hmac, Mac};
use relais_protocol::api::IceServer;
use sha1::Sha1;

use crate::config::Config;

/// Validity of TURN credentials.
pub const CREDENTIAL_LIFETIME: Duration = Duration::hours(1);

/// TURN REST credential for `username`.
pub fn credential(secret: &str, username: &str) -> String {
    // HMAC accepts keys of any length; the error branch cannot happen.
    let Ok(mut mac) = Hmac::<Sha1>::new_from_slice(secret.as_bytes()) else {
        return String::new();
    };
    mac.update(username.as_bytes());
    STANDARD.encode(mac.finalize().into_bytes())
}

/// The configured ICE servers; TURN ones get credentials for `room_id` valid one hour
/// from `now` when a TURN secret is configured.
pub fn ice_servers(config: &Config, room_id: &str, now: DateTime<Utc>) -> Vec<IceServer> {
    let username = format!("{}:{room_id}", (now + CREDENTIAL_LIFETIME).timestamp());
    config
        .ice_servers
        .iter()
        .map(|s| {
            let is_turn = s
                .urls
                .iter()
                .any(|u| u.starts_with("turn:") || u.starts_with("turns:"));
            match (&config.turn_secret, is_turn) {
                (Some(secret), true) => IceServer {
                    urls: s.urls.clone(),
                    username: Some(username.clone()),
                    credential: Some(credential(secret, &username)),
                },
                _ => IceServer {
                    urls: s.urls.clone(),
                    username: None,
                    credential: None,
                },
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::IceServerConfig;
    use chrono::TimeZone;

    #[test]
    fn credential_matches_a_known_value() {
        // RFC 2202 test case 2: HMAC-SHA1("Jefe", "what do ya want for nothing?").
        let c = credential("Jefe", "what do ya want for nothing?");
        let raw = STANDARD.decode(c).expect("b64");
        assert_eq!(hex::encode(raw), "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79");
    }

    #[test]
    fn turn_servers_get_credentials_and_stun_ones_do_not() {
        let config = Config {
            turn_secret: Some("s".into()),
            ice_servers: vec![
                IceServerConfig {
                    urls: vec!["stun:127.0.0.1:3478".into()],
                },
                IceServerConfig {
                    urls: vec!["turn:127.0.0.1:3478?transport=udp".into()],
                },
            ],
            ..Config::default()
        };
        let now = Utc.timestamp_opt(1_700_000_000, 0).single().expect("t");
        let s = ice_servers(&config, "room-1", now);
        assert_eq!(s[0].username, None);
        assert_eq!(s[1].username.as_deref(), Some("1700003600:room-1"));
        assert_eq!(
            s[1].credential.as_deref(),
            Some(credential("s", "1700003600:room-1").as_str())
        );
    }
}
