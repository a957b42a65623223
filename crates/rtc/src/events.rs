//! What a session reports: call state, incidents, remote media, data, timings.
use std::time::Duration;

use relais_media::VideoFrame;

/// Why the call ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EndReason {
    /// This side hung up (or dropped the session).
    LocalHangup,
    /// The other side (or the hub) hung up.
    RemoteHangup,
    /// The peer connection could not be set up.
    Failed(String),
}

/// State of the call as the UI shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CallState {
    /// Setting up (before the first connection).
    Connecting,
    /// Media flows.
    Connected,
    /// The connection was lost; recovery (ICE restart) is under way.
    Reconnecting,
    /// Over.
    Ended {
        /// Why.
        reason: EndReason,
    },
}

/// Kinds of technical incidents recorded in the consultation's audit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IncidentKind {
    /// Media stopped flowing (ICE disconnected or failed).
    MediaDisconnected,
    /// An ICE restart was started (or requested from the offerer).
    IceRestart,
    /// Media flows again after an incident.
    Recovered,
    /// The other side came back (page reloaded): a new connection was set up.
    PeerRejoined,
    /// A capture device stopped delivering.
    DeviceFailed,
    /// The video format was lowered or raised to fit the network.
    VideoAdapted,
}

impl IncidentKind {
    /// Stable code, as sent to the hub in `Signal::Incident`.
    pub fn code(self) -> &'static str {
        match self {
            IncidentKind::MediaDisconnected => "MEDIA_DISCONNECTED",
            IncidentKind::IceRestart => "ICE_RESTART",
            IncidentKind::Recovered => "RECOVERED",
            IncidentKind::PeerRejoined => "PEER_REJOINED",
            IncidentKind::DeviceFailed => "DEVICE_FAILED",
            IncidentKind::VideoAdapted => "VIDEO_ADAPTED",
        }
    }
}

/// Durations measured from the start of the call (first offer sent or received).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Timing {
    /// The first time the peer connection reached `connected`.
    Connected {
        /// Since the first offer.
        after: Duration,
    },
    /// The first remote video frame was decoded.
    FirstRemoteVideo {
        /// Since the first offer.
        after: Duration,
    },
    /// The first remote audio packet was decoded.
    FirstRemoteAudio {
        /// Since the first offer.
        after: Duration,
    },
}

/// One event of a session.
#[derive(Debug, Clone)]
pub enum SessionEvent {
    /// The call state changed.
    State(CallState),
    /// A technical incident (also sent to the hub as `Signal::Incident`).
    Incident {
        /// Kind.
        kind: IncidentKind,
        /// Free detail, no health data.
        detail: String,
    },
    /// A decoded remote video frame (dropped when the receiver lags).
    RemoteVideo(VideoFrame),
    /// Decoded remote audio, 48 kHz mono (only with `SessionOptions::remote_audio_events`).
    RemoteAudio(Vec<i16>),
    /// The data channel is open: [`crate::Session::send_data`] works.
    DataChannelOpen,
    /// A text message received on the data channel.
    Data(String),
    /// A setup or first-media duration, for benchmarks.
    Timing(Timing),
}
