//! The station's application service: every action the nurse's desktop app can take,
//! as plain Rust that a Tauri command forwards to in one line.
//!
//! It composes [`relais_core`] (the clinical rules) and [`relais_store`] (the encrypted
//! record): it owns the signed-in session and its inactivity lock, maps forms to records,
//! and enforces the triage gate on every forward move of a consultation, whatever
//! the caller (the UI or an `invoke` typed by hand).
//!
//! Invariants:
//! - no consultation leaves `triaged` without a fresh, accepted re-run of
//!   [`relais_core::triage::assess`] on the stored intake and the stored birth date;
//! - the birth date used by triage is the patient's stored one, never one sent by the caller;
//! - every access and action reaches the audit trail (the store writes it in the same
//!   transaction as the change);
//! - errors reach the caller as [`ApiError`] `{ code, message }`, French message, stable code.
#![forbid(unsafe_code)]

pub mod call;
pub mod clock;
pub mod config;
mod consultations;
pub mod documents;
pub mod dto;
pub mod error;
pub mod export;
mod hub;
mod patients;
pub mod printing;
pub mod readings;
pub mod ready;
mod session;
mod station;

pub use call::{CallObserver, Calls, MediaSource};
pub use clock::{Clock, SystemClock};
pub use config::{Config, KeyStoreChoice};
pub use error::ApiError;
pub use hub::SentConsultation;
pub use readings::{Readings, ReadingsEvent, ReadingsObserver};
pub use station::Station;
