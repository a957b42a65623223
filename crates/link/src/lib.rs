//! The station's link to its hub.
//!
//! - [`tls`]: the rustls client configuration: the hub's self-signed certificate pinned by
//!   its SHA-256 fingerprint, or a CA-signed one checked against the webpki roots.
//! - [`HubClient`]: the hub's HTTPS API as the station uses it (enrolment, consultation
//!   requests, room tickets), errors as [`LinkError`] with a stable code and a French message.
//! - [`signaling`]: the signaling WebSocket, kept alive across drops with the one-time
//!   rejoin tokens the hub hands out, pumping [`relais_protocol::signal::Signal`]s to and from
//!   the peer connection.

mod client;
mod error;
pub mod signaling;
pub mod tls;

pub use client::HubClient;
pub use error::LinkError;
