//! Session options.
use std::time::Duration;

use relais_protocol::api::IceServer;

/// Which side of the negotiation this session is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// The station: creates the data channel, sends every offer, restarts ICE.
    Offerer,
    /// The GP side (a stand-in for tests and benchmarks): answers, asks for restarts.
    Answerer,
}

/// How a session connects and what it sends.
#[derive(Debug, Clone)]
pub struct SessionOptions {
    /// Offerer (station) or answerer.
    pub role: Role,
    /// STUN/TURN servers (from the hub's ticket).
    pub ice_servers: Vec<IceServer>,
    /// Only relay candidates (ICE transport policy `relay`).
    pub relay_only: bool,
    /// Bind 127.0.0.1 only (tests).
    pub loopback_only: bool,
    /// Media stream id of the local tracks.
    pub stream_id: String,
    /// Track id of the local video.
    pub video_track_id: String,
    /// Track id of the local voice.
    pub audio_track_id: String,
    /// Starting video bitrate, bits per second.
    pub video_bitrate_bps: u32,
    /// Wait after ICE `disconnected` before restarting (it is often transient). A restart
    /// drops the current path: started just as a short cut ends, it holds the picture back
    /// until the new offer and answer have crossed the network that has just come back.
    pub reconnect_grace: Duration,
    /// Longest wait between two restart attempts.
    pub max_restart_backoff: Duration,
    /// No ICE traffic for this long makes the connection `disconnected`.
    pub ice_disconnected_timeout: Duration,
    /// `disconnected` for this long makes it `failed`.
    pub ice_failed_timeout: Duration,
    /// Emit `SessionEvent::RemoteAudio` for every decoded packet.
    pub remote_audio_events: bool,
    /// Offer the stethoscope's own send-only track (see [`crate::stethoscope`]).
    pub stethoscope: bool,
}

impl SessionOptions {
    /// Defaults for a role: the station's ids for the offerer, `relais-gp` ones for the answerer.
    pub fn new(role: Role) -> Self {
        let (stream_id, video, audio) = match role {
            Role::Offerer => ("relais-station", "camera", "voice"),
            Role::Answerer => ("relais-gp", "gp-camera", "gp-voice"),
        };
        Self {
            role,
            ice_servers: Vec::new(),
            relay_only: false,
            loopback_only: false,
            stream_id: stream_id.to_owned(),
            video_track_id: video.to_owned(),
            audio_track_id: audio.to_owned(),
            video_bitrate_bps: 1_000_000,
            // As the console's DISCONNECT_GRACE_MS.
            reconnect_grace: Duration::from_secs(3),
            max_restart_backoff: Duration::from_secs(16),
            ice_disconnected_timeout: Duration::from_secs(3),
            ice_failed_timeout: Duration::from_secs(8),
            remote_audio_events: false,
            stethoscope: false,
        }
    }

    /// Binds 127.0.0.1 only.
    pub fn loopback(mut self) -> Self {
        self.loopback_only = true;
        self
    }
}
