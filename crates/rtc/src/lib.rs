//! The station's WebRTC call (webrtc-rs 0.21): the only crate of the workspace that names
//! `webrtc`.
//!
//! A [`Session`] is one peer connection in the role of [`Role::Offerer`] (the station) or
//! [`Role::Answerer`] (a stand-in for the GP's browser in tests and benchmarks). It does no
//! signaling I/O itself: it reads `relais_protocol::signal::Signal`s from a channel and
//! writes its own to another, which the app pumps over the hub's WebSocket.
//!
//! Media: H.264 42e01f (VP8 when the GP's browser has no H.264: [`codecs`]) camera track
//! and Opus voice track fed by `relais_media` sources on their own threads; remote video
//! decoded to `VideoFrame`s, remote voice to an `AudioSink` (losses filled by
//! `relais_media::VoiceStream`). The station's video asks the browser to show each frame as
//! soon as it is decoded (`playout_delay`). The microphone and the speaker can be replaced
//! mid-call without renegotiation through [`audio_switch`].
//! Recovery: ICE `disconnected` → grace period → ICE restart (offerer) or restart request
//! (answerer), repeated with backoff; a re-sent `peerJoined` gets a fresh connection.
#![forbid(unsafe_code)]

pub mod adapt;
pub mod assemble;
pub mod audio_switch;
pub mod codecs;
mod dtls_role;
mod engine;
mod error;
pub mod events;
pub mod feedback;
mod handler;
mod keyframes;
mod liveness;
mod local_media;
pub mod options;
mod playout_delay;
pub mod quality;
mod remote_media;
mod session;
pub mod stethoscope;
mod tasks;

pub use audio_switch::{MicrophoneSwitch, SpeakerSwitch, SwitchedMicrophone, SwitchedSpeaker};
pub use error::RtcError;
pub use events::{CallState, EndReason, IncidentKind, SessionEvent, Timing};
pub use options::{Role, SessionOptions};
pub use quality::LinkQuality;
pub use session::{LocalMedia, Session};
pub use stethoscope::StethoscopeControl;
