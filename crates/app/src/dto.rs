//! The JSON shapes exchanged with the UI (see `docs/COMMANDS.md`).
use chrono::{DateTime, NaiveDate, Utc};
use relais_core::identity::Patient;
use relais_core::lifecycle::ConsultationState;
use relais_core::triage::{Answers, Assessment, PriorityCriteria};
use serde::{Deserialize, Serialize};

/// The kind of place the station serves.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SiteKind {
    /// Pharmacy back room.
    Pharmacie,
    /// Médico-social establishment.
    Ehpad,
    /// Home visits by a referent nurse.
    InfirmierDomicile,
    /// Anything else.
    Autre,
}

/// The site the station belongs to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Site {
    /// Identifier.
    pub id: String,
    /// Kind of site.
    pub kind: SiteKind,
    /// Name shown in the header.
    pub name: String,
    /// Commune.
    pub commune: String,
    /// Postal address.
    pub address: Option<String>,
}

/// A professional account, as the UI sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct User {
    /// Identifier.
    pub id: String,
    /// Sign-in name.
    pub username: String,
    /// Name shown.
    pub display_name: String,
    /// Profession (infirmier·e, pharmacien·ne…).
    pub profession: String,
    /// RPPS number, when known.
    pub rpps: Option<String>,
    /// `manager` or `assistant`.
    pub role: String,
}

/// Whether storage is open.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum StorageState {
    /// The encrypted record is open.
    Ready,
    /// No keyring: the passphrase must be typed.
    NeedsPassphrase,
}

/// What the UI needs to choose its screen.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Status {
    /// Whether storage is open.
    pub storage: StorageState,
    /// Why storage is not open, in French.
    pub storage_message: Option<String>,
    /// A site and a first account exist.
    pub initialized: bool,
    /// The site.
    pub site: Option<Site>,
    /// The signed-in user.
    pub user: Option<User>,
    /// Signed in but locked after inactivity.
    pub locked: bool,
    /// Inactivity delay before lock, in seconds.
    pub lock_after_seconds: u64,
    /// The hub's address.
    pub hub_url: Option<String>,
    /// The station's version.
    pub version: String,
}

/// First-start form: the site.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SiteInput {
    /// Kind of site.
    pub kind: SiteKind,
    /// Name.
    pub name: String,
    /// Commune.
    pub commune: String,
    /// Address.
    #[serde(default)]
    pub address: Option<String>,
}

/// First-start form: the first professional account.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UserInput {
    /// Sign-in name.
    pub username: String,
    /// Name shown.
    pub display_name: String,
    /// Profession.
    pub profession: String,
    /// RPPS number.
    #[serde(default)]
    pub rpps: Option<String>,
    /// Password (at least 10 characters).
    pub password: String,
}

/// `setup_site` arguments.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SetupInput {
    /// The site.
    pub site: SiteInput,
    /// The first account (site manager).
    pub user: UserInput,
}

/// `sign_in` arguments.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SignInInput {
    /// Sign-in name.
    pub username: String,
    /// Password.
    pub password: String,
}

/// A patient in a list.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PatientSummary {
    /// Identifier.
    pub id: String,
    /// Birth name.
    pub family_name: String,
    /// Used name.
    pub used_name: Option<String>,
    /// Given names.
    pub given_names: String,
    /// Birth date.
    pub birth_date: NaiveDate,
    /// Age in whole years today.
    pub age: u32,
    /// NIR with its middle hidden.
    pub nir_masked: Option<String>,
    /// Commune.
    pub commune: String,
}

/// A patient's record.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PatientRecord {
    /// Identifier.
    pub id: String,
    /// Identity.
    pub patient: Patient,
    /// Age in whole years today.
    pub age: u32,
    /// Consultations, newest first.
    pub consultations: Vec<Consultation>,
}

/// `submit_intake` arguments. No birth date: triage takes the stored one.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct IntakeInput {
    /// The patient.
    pub patient_id: String,
    /// Motif, free text.
    pub complaint: String,
    /// The safety questions.
    pub answers: Answers,
    /// Priority criteria.
    #[serde(default)]
    pub priority: PriorityCriteria,
    /// The patient consents to the teleconsultation.
    pub consent: bool,
}

/// A consultation, as the UI sees it.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Consultation {
    /// Identifier.
    pub id: String,
    /// The patient.
    pub patient_id: String,
    /// Lifecycle state.
    pub state: ConsultationState,
    /// The state in French.
    pub state_label: String,
    /// Motif.
    pub complaint: String,
    /// Triage result.
    pub assessment: Assessment,
    /// Created at.
    pub created_at: DateTime<Utc>,
    /// Last change.
    pub updated_at: DateTime<Utc>,
    /// The professional confirmed the patient was redirected (excluded intakes).
    pub redirection_acknowledged: bool,
}

/// One line of the day's list.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TodayItem {
    /// The consultation.
    pub consultation: Consultation,
    /// Its patient.
    pub patient: PatientSummary,
}

/// One audit entry, as the site manager sees it.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AuditEntry {
    /// Sequence number.
    pub seq: i64,
    /// When.
    pub at: DateTime<Utc>,
    /// Who.
    pub actor: String,
    /// What.
    pub action: String,
    /// On which kind of record.
    pub record_type: String,
    /// On which record.
    pub record_id: Option<String>,
    /// Codes and ids only.
    pub detail: String,
}

/// The audit trail and its verification.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AuditTrail {
    /// Newest entries first.
    pub entries: Vec<AuditEntry>,
    /// The whole chain verifies.
    pub ok: bool,
    /// Entries checked.
    pub checked: u64,
    /// First broken entry.
    pub first_broken: Option<i64>,
}

/// The station's link to its hub (`hub_status`, `enrol_station`).
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct HubStatus {
    /// The station holds a credential of the hub.
    pub enrolled: bool,
    /// The hub's address (the configured suggestion when not enrolled).
    pub url: Option<String>,
    /// The pinned certificate fingerprint (idem).
    pub fingerprint: Option<String>,
    /// The station's name at the hub.
    pub station_name: Option<String>,
    /// When the station enrolled.
    pub enrolled_at: Option<DateTime<Utc>>,
}

/// Enrolment form.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct EnrolInput {
    /// Hub address, `https://…`.
    pub url: String,
    /// SHA-256 fingerprint of the hub's certificate, as printed by the hub (colons allowed);
    /// empty for a hub with a CA-signed certificate.
    #[serde(default)]
    pub fingerprint: Option<String>,
    /// One-time enrolment code.
    pub code: String,
}
