//! The hub's storage behind repository traits, so that a PostgreSQL backend can be added.
//!
//! [`Repository`] is the sum of one trait per kind of record. The only backend today is
//! [`sqlite::SqliteRepo`]: SQLCipher, WAL, `synchronous=FULL`, schema migrations. Methods
//! are blocking: async code calls them through `AppState::db`.
//!
//! Every change that must be audited takes its [`AuditEvent`] and writes it in the same
//! transaction.

use chrono::{DateTime, Utc};
use relais_core::triage::{Assessment, Intake};
use relais_protocol::api::{HubConsultationStatus, PatientSummary, PractitionerProfile, Role};
use relais_protocol::documents::{DocumentKind, SignedDocument, Signer};
use relais_protocol::signal::Side;

use crate::audit::{AuditEntry, AuditEvent};
use crate::error::HubError;

pub mod key;
pub mod sqlite;

/// Result of a storage operation.
pub type Result<T> = std::result::Result<T, HubError>;

/// A stored account, with its secrets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountRow {
    /// Id (UUID v4).
    pub id: String,
    /// E-mail, lower case.
    pub email: String,
    /// Display name.
    pub name: String,
    /// RPPS of a GP.
    pub rpps: Option<String>,
    /// Role.
    pub role: Role,
    /// Argon2id PHC string.
    pub password_hash: String,
    /// TOTP secret, base32 without padding.
    pub totp_secret: String,
    /// Highest TOTP step already used.
    pub last_totp_step: Option<i64>,
    /// Creation time.
    pub created_at: DateTime<Utc>,
    /// A GP's practitioner profile.
    pub profile: Option<PractitionerProfile>,
}

/// A server-side session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionRow {
    /// SHA-256 hex of the cookie value.
    pub token_hash: String,
    /// Account signed in.
    pub account_id: String,
    /// Sign-in time.
    pub created_at: DateTime<Utc>,
    /// Last request.
    pub last_seen: DateTime<Utc>,
}

/// An enrolled station.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StationRow {
    /// Id (UUID v4).
    pub id: String,
    /// Name.
    pub name: String,
    /// SHA-256 hex of its bearer token.
    pub token_hash: String,
    /// Enrolment time.
    pub enrolled_at: DateTime<Utc>,
    /// Revocation time.
    pub revoked_at: Option<DateTime<Utc>>,
}

/// A consultation asked by a station.
#[derive(Debug, Clone, PartialEq)]
pub struct ConsultationRow {
    /// Hub id (UUID v4).
    pub id: String,
    /// Asking station.
    pub station_id: String,
    /// The station's own id of the consultation.
    pub local_id: String,
    /// Signaling room.
    pub room_id: String,
    /// Request time.
    pub requested_at: DateTime<Utc>,
    /// Patient summary.
    pub patient: PatientSummary,
    /// Intake as sent.
    pub intake: Intake,
    /// The hub's own assessment.
    pub assessment: Assessment,
    /// Status.
    pub status: HubConsultationStatus,
    /// Accepting GP.
    pub gp_id: Option<String>,
    /// Acceptance time.
    pub accepted_at: Option<DateTime<Utc>>,
    /// End or cancellation time.
    pub ended_at: Option<DateTime<Utc>>,
}

/// A join token as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JoinTokenRow {
    /// Consultation it opens.
    pub consultation_id: String,
    /// Side it joins.
    pub side: Side,
    /// Already used.
    pub used: bool,
}

/// Outcome of accepting a consultation.
#[derive(Debug, Clone, PartialEq)]
pub enum AcceptOutcome {
    /// This GP has it now.
    Accepted(ConsultationRow),
    /// Another GP (or the same) accepted it first, or it is no longer waiting.
    NotWaiting(ConsultationRow),
    /// No such consultation.
    Missing,
}

/// Accounts and their sessions.
pub trait AccountRepo {
    /// Inserts an account; [`HubError::EmailTaken`] when the e-mail exists.
    fn insert_account(&self, row: &AccountRow, audit: &AuditEvent) -> Result<()>;
    /// The account with this (lower-case) e-mail.
    fn account_by_email(&self, email: &str) -> Result<Option<AccountRow>>;
    /// The account with this id.
    fn account_by_id(&self, id: &str) -> Result<Option<AccountRow>>;
    /// Replaces the practitioner profile of an account; false when the account is unknown.
    fn set_profile(
        &self,
        account_id: &str,
        profile: &PractitionerProfile,
        audit: &AuditEvent,
    ) -> Result<bool>;
    /// Records that TOTP `step` was used; false if this step (or a later one) already was.
    fn use_totp_step(&self, account_id: &str, step: i64) -> Result<bool>;
    /// Stores a new session.
    fn insert_session(&self, row: &SessionRow) -> Result<()>;
    /// The session with this token hash.
    fn session(&self, token_hash: &str) -> Result<Option<SessionRow>>;
    /// Marks a session used at `at`.
    fn touch_session(&self, token_hash: &str, at: DateTime<Utc>) -> Result<()>;
    /// Ends a session.
    fn delete_session(&self, token_hash: &str) -> Result<()>;
}

/// Stations and their enrolment codes.
pub trait StationRepo {
    /// Stores an enrolment code (its hash).
    fn insert_enrolment_code(
        &self,
        code_hash: &str,
        station_name: &str,
        created_by: Option<&str>,
        created_at: DateTime<Utc>,
        expires_at: DateTime<Utc>,
        audit: &AuditEvent,
    ) -> Result<()>;
    /// Uses the code (unused and not expired at `now`) and stores `station` with the code's
    /// station name; `None` when the code is unknown, used or expired.
    fn enrol_station(
        &self,
        code_hash: &str,
        now: DateTime<Utc>,
        station: &StationRow,
        audit: &AuditEvent,
    ) -> Result<Option<StationRow>>;
    /// The station with this bearer token hash.
    fn station_by_token(&self, token_hash: &str) -> Result<Option<StationRow>>;
    /// The station with this id.
    fn station_by_id(&self, id: &str) -> Result<Option<StationRow>>;
    /// Every station, in enrolment order.
    fn stations(&self) -> Result<Vec<StationRow>>;
    /// Revokes a station; false when unknown.
    fn revoke_station(&self, id: &str, at: DateTime<Utc>, audit: &AuditEvent) -> Result<bool>;
}

/// Consultations and their join tokens.
pub trait ConsultationRepo {
    /// Inserts a consultation, or returns the existing one of the same (station, localId)
    /// with `false`.
    fn insert_consultation(
        &self,
        row: &ConsultationRow,
        audit: &AuditEvent,
    ) -> Result<(ConsultationRow, bool)>;
    /// The consultation with this id.
    fn consultation(&self, id: &str) -> Result<Option<ConsultationRow>>;
    /// Waiting consultations, priority first, then oldest first.
    fn waiting(&self) -> Result<Vec<ConsultationRow>>;
    /// Gives a waiting consultation to a GP.
    fn accept(
        &self,
        id: &str,
        gp_id: &str,
        at: DateTime<Utc>,
        audit: &AuditEvent,
    ) -> Result<AcceptOutcome>;
    /// Moves a consultation from one of `from` to `to` (ended or cancelled); false if it was
    /// in none of `from`.
    fn finish(
        &self,
        id: &str,
        from: &[HubConsultationStatus],
        to: HubConsultationStatus,
        at: DateTime<Utc>,
        audit: &AuditEvent,
    ) -> Result<bool>;
    /// Stores a join token (its hash).
    fn insert_join_token(
        &self,
        token_hash: &str,
        consultation_id: &str,
        side: Side,
        at: DateTime<Utc>,
    ) -> Result<()>;
    /// The join token with this hash.
    fn join_token(&self, token_hash: &str) -> Result<Option<JoinTokenRow>>;
    /// Uses a join token; false when it was already used.
    fn use_join_token(&self, token_hash: &str, at: DateTime<Utc>) -> Result<bool>;
}

/// A document to sign: everything but its version, which the store gives.
#[derive(Debug, Clone, PartialEq)]
pub struct NewDocument {
    /// Document id (UUID v4).
    pub id: String,
    /// Consultation.
    pub consultation_id: String,
    /// Prescription or report.
    pub kind: DocumentKind,
    /// The version it corrects, as the GP named it.
    pub supersedes: Option<String>,
    /// Content as signed.
    pub content: serde_json::Value,
    /// Signing time.
    pub signed_at: DateTime<Utc>,
    /// Signing account.
    pub signer_account: String,
    /// Name and RPPS of the signer.
    pub signed_by: Signer,
    /// Hex SHA-256 of the canonical JSON of `content`.
    pub sha256: String,
}

/// Outcome of storing a signed document.
#[derive(Debug, Clone, PartialEq)]
pub enum DocumentInsert {
    /// Stored with the next version.
    Stored(SignedDocument),
    /// A version of this kind exists and `supersedes` was not given.
    Exists(SignedDocument),
    /// `supersedes` is not the latest version of this kind (which is given, if any).
    NotLatest(Option<SignedDocument>),
}

/// Signed documents: append-only, versioned per consultation and kind.
pub trait DocumentRepo {
    /// Stores `doc` as the next version of its kind if `supersedes` names the latest one
    /// (or nothing when there is none), with its audit entry, in one transaction.
    fn insert_document(&self, doc: &NewDocument, audit: &AuditEvent) -> Result<DocumentInsert>;
    /// Every version of every document of a consultation, oldest first.
    fn documents(&self, consultation_id: &str) -> Result<Vec<SignedDocument>>;
    /// The latest version of a kind.
    fn latest_document(
        &self,
        consultation_id: &str,
        kind: DocumentKind,
    ) -> Result<Option<SignedDocument>>;
}

/// The hash-chained audit trail.
pub trait AuditRepo {
    /// Appends an entry.
    fn append_audit(&self, event: &AuditEvent) -> Result<AuditEntry>;
    /// Entries about one consultation, oldest first.
    fn consultation_audit(&self, consultation_id: &str) -> Result<Vec<AuditEntry>>;
    /// Every entry, oldest first.
    fn all_audit(&self) -> Result<Vec<AuditEntry>>;
}

/// Everything the hub stores.
pub trait Repository:
    AccountRepo + StationRepo + ConsultationRepo + DocumentRepo + AuditRepo + Send + Sync
{
}

impl<T: AccountRepo + StationRepo + ConsultationRepo + DocumentRepo + AuditRepo + Send + Sync>
    Repository for T
{
}
