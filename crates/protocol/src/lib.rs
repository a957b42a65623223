//! What the hub, the GP console and the station say to each other.
//!
//! - [`api`]: the JSON bodies of the hub's HTTPS API (camelCase), and its error body.
//! - [`signal`]: the WebSocket signaling messages, versioned and size-limited.
//! - [`data`]: the messages of the call's data channel (readings, chat, control).
//! - [`camera`]: the data-channel messages about the station's cameras and stills.
//! - [`documents`]: signed prescriptions and reports, and their content hash.
//!
//! The TypeScript console mirrors these types in `ui/src/console/protocol.ts`; the contract
//! in prose is `docs/HUB_PROTOCOL.md`.

pub mod api;
pub mod camera;
pub mod data;
pub mod documents;
pub mod signal;
