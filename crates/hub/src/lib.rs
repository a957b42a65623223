//! The Relais hub: the HTTPS + WSS server between the stations and the GPs' browsers.
//!
//! It holds the GP and coordinator accounts (Argon2id passwords and TOTP), enrols stations
//! with one-time codes, takes consultation requests (re-running the triage of
//! `relais_core` with its own date), keeps the waiting list, hands out one-time room
//! tickets, relays WebRTC signaling, gives TURN REST credentials, writes a hash-chained
//! audit trail, and serves the GP console. The contract is `docs/HUB_PROTOCOL.md`.
//!
//! # Running a hub in-process (tests, e2e, `cargo xtask`)
//!
//! ```no_run
//! # async fn demo() -> Result<(), relais_hub::HubError> {
//! use relais_hub::{Config, start};
//! use relais_protocol::api::{NewAccount, Role};
//!
//! let dir = std::path::Path::new("/tmp/hub-test");
//! let hub = start(Config::for_tests(dir)).await?; // 127.0.0.1:0, cheap Argon2
//! println!("{} pinned by {}", hub.url(), hub.fingerprint());
//! let gp = hub.admin().create_account(NewAccount {
//!     email: "dr.martin@relais.test".into(),
//!     name: "Dr Claire Martin".into(),
//!     rpps: Some("10100345676".into()),
//!     password: "relais-demo-2026".into(),
//!     role: Role::Gp,
//!     profile: None, // a GP needs one to sign prescriptions
//! }).await?;
//! let code = relais_hub::totp::code_now(&gp.totp_secret)?; // for POST /api/login
//! let enrolment = hub.admin().create_enrolment_code("Pharmacie du Marché").await?;
//! # let _ = (code, enrolment);
//! hub.shutdown().await;
//! # Ok(()) }
//! ```
//!
//! Time comes from [`Config::clock`]: put a [`ManualClock`] there to move time in tests
//! (session expiry, enrolment code expiry, rate-limit window, TOTP steps).
//!
//! # Design notes
//! - Storage sits behind [`store::Repository`]; the SQLCipher backend encrypts the file with a
//!   random 32-byte key kept in a 0600 key file.
//! - Handlers never panic on input; every refusal is an `ApiError {code, message}` in French.
//! - Logs carry ids only: never names, e-mails, or health data.

pub mod accounts;
pub mod audit;
pub mod auth;
pub mod clock;
pub mod config;
pub mod console;
pub mod demo;
pub mod documents;
pub mod error;
mod fsutil;
pub mod headers;
pub mod profile;
pub mod routes;
mod running;
pub mod secret;
pub mod signal;
pub mod state;
pub mod store;
pub mod tickets;
pub mod tls;
pub mod turn;

pub use auth::totp;
pub use clock::{Clock, ManualClock, SystemClock};
pub use config::{Config, IceServerConfig, PasswordCost};
pub use error::{ApiFailure, HubError};
pub use running::{start, Admin, RunningHub};
