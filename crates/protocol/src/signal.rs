//! Signaling over the hub's WebSocket (`/ws/signal?token=<join token>`).
//!
//! Every frame is one JSON text message `{"v":1,"type":…,…}` of at most
//! [`MAX_MESSAGE_BYTES`]. The hub relays `offer`, `answer`, `candidate` to the other side of
//! the room, and closes only the offending socket on a malformed, oversized or unknown message.
use serde::{Deserialize, Serialize};

use crate::api::IceServer;

/// Version carried in `v`.
pub const PROTOCOL_VERSION: u32 = 1;

/// Largest accepted message, in bytes (an SDP with three tracks is ~6 KB).
pub const MAX_MESSAGE_BYTES: usize = 64 * 1024;

/// WebSocket close code for a message refused by [`parse`] (policy violation).
pub const CLOSE_POLICY: u16 = 1008;

/// WebSocket close code for an oversized message.
pub const CLOSE_TOO_BIG: u16 = 1009;

/// Who is on each side of a room.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Side {
    /// The station (always the offerer).
    Station,
    /// The GP's browser (always the answerer).
    Gp,
}

/// A signaling message, without its envelope.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "camelCase")]
pub enum Signal {
    /// Hub → client, first message after joining.
    #[serde(rename_all = "camelCase")]
    Welcome {
        /// Your side.
        side: Side,
        /// Room id.
        room_id: String,
        /// Whether the other side is already connected.
        peer_present: bool,
        /// One-time token to join again after a drop (replaces the used one).
        rejoin_token: String,
        /// ICE servers (fresh TURN credentials).
        ice_servers: Vec<IceServer>,
        /// Relay only through TURN.
        relay_only: bool,
    },
    /// Hub → client: the other side joined (or re-joined).
    PeerJoined,
    /// Hub → client: the other side's socket closed (it may come back).
    PeerLeft,
    /// SDP offer (station → GP), possibly an ICE restart.
    Offer {
        /// SDP.
        sdp: String,
    },
    /// SDP answer (GP → station).
    Answer {
        /// SDP.
        sdp: String,
    },
    /// Trickled ICE candidate (either way); `candidate` empty = end of candidates.
    #[serde(rename_all = "camelCase")]
    Candidate {
        /// Candidate line.
        candidate: String,
        /// Media id.
        #[serde(default)]
        sdp_mid: Option<String>,
        /// Media line index.
        #[serde(default)]
        sdp_m_line_index: Option<u16>,
    },
    /// GP → station: please send a new offer with an ICE restart.
    RestartRequest,
    /// A technical incident to record in the consultation (either way → hub).
    #[serde(rename_all = "camelCase")]
    Incident {
        /// Stable kind, e.g. `MEDIA_DISCONNECTED`, `ICE_RESTART`, `RECOVERED`, `DEVICE_FAILED`.
        kind: String,
        /// Free detail, no health data.
        detail: String,
    },
    /// Either side ends the call; hub → both: the call is over.
    Hangup,
    /// Hub → client: the request was refused (the socket stays open unless stated).
    Error {
        /// Stable code.
        code: String,
        /// French message.
        message: String,
    },
}

/// A message in its envelope.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Envelope {
    /// Protocol version, [`PROTOCOL_VERSION`].
    pub v: u32,
    /// The message.
    #[serde(flatten)]
    pub signal: Signal,
}

/// Why a message was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SignalError {
    /// Longer than [`MAX_MESSAGE_BYTES`].
    #[error("message trop long ({0} octets)")]
    TooBig(usize),
    /// Not JSON, or not a known message.
    #[error("message illisible : {0}")]
    Malformed(String),
    /// Unknown protocol version.
    #[error("version de protocole inconnue : {0}")]
    Version(u32),
}

impl SignalError {
    /// Stable code.
    pub fn code(&self) -> &'static str {
        match self {
            SignalError::TooBig(_) => "SIGNAL_TOO_BIG",
            SignalError::Malformed(_) => "SIGNAL_MALFORMED",
            SignalError::Version(_) => "SIGNAL_VERSION",
        }
    }

    /// WebSocket close code to use.
    pub fn close_code(&self) -> u16 {
        match self {
            SignalError::TooBig(_) => CLOSE_TOO_BIG,
            _ => CLOSE_POLICY,
        }
    }
}

/// Parse and check one received text message.
pub fn parse(text: &str) -> Result<Signal, SignalError> {
    if text.len() > MAX_MESSAGE_BYTES {
        return Err(SignalError::TooBig(text.len()));
    }
    let envelope: Envelope =
        serde_json::from_str(text).map_err(|e| SignalError::Malformed(e.to_string()))?;
    if envelope.v != PROTOCOL_VERSION {
        return Err(SignalError::Version(envelope.v));
    }
    Ok(envelope.signal)
}

/// Serialise a message in its envelope.
pub fn encode(signal: &Signal) -> String {
    let envelope = Envelope {
        v: PROTOCOL_VERSION,
        signal: signal.clone(),
    };
    // Serialising these plain types cannot fail.
    serde_json::to_string(&envelope).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_keeps_the_message() {
        let s = Signal::Candidate {
            candidate: "candidate:1 1 udp 1 127.0.0.1 5000 typ host".into(),
            sdp_mid: Some("0".into()),
            sdp_m_line_index: Some(0),
        };
        let text = encode(&s);
        assert!(
            text.starts_with("{\"v\":1,\"type\":\"candidate\""),
            "{text}"
        );
        assert_eq!(parse(&text).unwrap(), s);
    }

    #[test]
    fn refuses_oversized_malformed_and_unknown() {
        let big = format!(
            "{{\"v\":1,\"type\":\"offer\",\"sdp\":\"{}\"}}",
            "a".repeat(70_000)
        );
        assert_eq!(parse(&big).unwrap_err().code(), "SIGNAL_TOO_BIG");
        assert_eq!(parse("{").unwrap_err().code(), "SIGNAL_MALFORMED");
        assert_eq!(
            parse("{\"v\":1,\"type\":\"shutdown\"}").unwrap_err().code(),
            "SIGNAL_MALFORMED"
        );
        assert_eq!(
            parse("{\"v\":2,\"type\":\"hangup\"}").unwrap_err().code(),
            "SIGNAL_VERSION"
        );
        assert_eq!(
            parse("{\"type\":\"hangup\"}").unwrap_err().code(),
            "SIGNAL_MALFORMED"
        );
    }

    #[test]
    fn unit_messages_have_only_the_envelope() {
        assert_eq!(encode(&Signal::Hangup), "{\"v\":1,\"type\":\"hangup\"}");
    }
}
