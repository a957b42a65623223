//! Bodies of the hub's HTTPS API (serde camelCase JSON). See `docs/HUB_PROTOCOL.md`.
use chrono::{DateTime, NaiveDate, Utc};
use relais_core::identity::Sex;
use relais_core::triage::{Assessment, Intake};
use serde::{Deserialize, Serialize};

/// Error body of every refused request: a stable `code` for programs, a French `message`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ApiError {
    /// Stable code, e.g. `BAD_TOTP`, `EXCLUDED_ABDOMINAL_PAIN`.
    pub code: String,
    /// French sentence for the user.
    pub message: String,
}

/// Role of a hub account.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Role {
    /// A general practitioner who takes consultations.
    Gp,
    /// Creates GP accounts and station enrolment codes.
    Coordinator,
}

/// `POST /api/login`: password and the current TOTP code, in one step.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LoginRequest {
    /// Account e-mail (case-insensitive).
    pub email: String,
    /// Password.
    pub password: String,
    /// Six-digit TOTP code (RFC 6238, SHA-1, 30 s).
    pub totp: String,
}

/// The signed-in account (`POST /api/login`, `GET /api/me`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Account {
    /// Account id.
    pub id: String,
    /// E-mail.
    pub email: String,
    /// Display name, e.g. "Dr Claire Martin".
    pub name: String,
    /// RPPS number of a GP.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rpps: Option<String>,
    /// Role.
    pub role: Role,
    /// A GP's practitioner profile, printed on the prescriptions they sign.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub profile: Option<PractitionerProfile>,
}

/// What a GP's prescriptions say of the prescriber besides the account's name and RPPS
/// (Code de la santé publique R5132-3).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PractitionerProfile {
    /// Qualification, e.g. "Médecin généraliste".
    pub qualification: String,
    /// Professional address, with "France", e.g. "12 rue de la Paix, 28000 Chartres, France".
    pub address: String,
    /// Professional phone, e.g. "+33 2 37 12 34 56".
    pub phone: String,
    /// Professional e-mail.
    pub email: String,
}

/// `POST /api/admin/accounts` (coordinator): create an account.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NewAccount {
    /// E-mail.
    pub email: String,
    /// Display name.
    pub name: String,
    /// RPPS (11 digits, Luhn key), required for a GP.
    #[serde(default)]
    pub rpps: Option<String>,
    /// Initial password (at least 12 characters).
    pub password: String,
    /// Role.
    pub role: Role,
    /// The practitioner profile of a GP (needed to sign prescriptions).
    #[serde(default)]
    pub profile: Option<PractitionerProfile>,
}

/// Answer to account creation: the TOTP secret is shown once.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CreatedAccount {
    /// The account.
    pub account: Account,
    /// TOTP secret, base32 without padding.
    pub totp_secret: String,
    /// `otpauth://totp/...` URI for an authenticator app.
    pub otpauth_uri: String,
}

/// `POST /api/admin/enrolment-codes` (coordinator).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NewEnrolmentCode {
    /// Name of the station to enrol, e.g. "Pharmacie du Marché — arrière-boutique".
    pub station_name: String,
}

/// A one-time station enrolment code.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EnrolmentCode {
    /// The code, to type at the station (groups of letters and digits).
    pub code: String,
    /// Station name it is for.
    pub station_name: String,
    /// End of validity.
    pub expires_at: DateTime<Utc>,
}

/// `POST /api/stations/enrol`: the station trades a one-time code for its credential.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EnrolRequest {
    /// One-time enrolment code.
    pub code: String,
}

/// The station's own credential, sent as `Authorization: Bearer <token>` afterwards.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StationCredential {
    /// Station id.
    pub station_id: String,
    /// Station name.
    pub station_name: String,
    /// Bearer token (shown once; the hub keeps only its hash).
    pub token: String,
}

/// A station as the coordinator sees it (`GET /api/admin/stations`).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StationInfo {
    /// Station id.
    pub id: String,
    /// Name.
    pub name: String,
    /// When it enrolled.
    pub enrolled_at: DateTime<Utc>,
    /// Revoked stations are refused at once.
    pub revoked: bool,
}

/// What the GP needs to know of the patient before accepting.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PatientSummary {
    /// Family name.
    pub family_name: String,
    /// Given names.
    pub given_names: String,
    /// Sex.
    pub sex: Sex,
    /// Birth date.
    pub birth_date: NaiveDate,
    /// The patient's médecin traitant as recorded at the station (its RPPS, when known,
    /// decides whether the GP is the médecin traitant on a sick note).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub treating_doctor: Option<relais_core::identity::TreatingDoctor>,
}

/// `POST /api/station/consultations`: the station asks for a GP.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ConsultationRequest {
    /// The station's own consultation id (idempotency: the same id twice is one request).
    pub local_id: String,
    /// The patient.
    pub patient: PatientSummary,
    /// The intake; the hub re-runs the triage on it and refuses an excluded one.
    pub intake: Intake,
}

/// Where a consultation is on the hub.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum HubConsultationStatus {
    /// Waiting for a GP.
    Waiting,
    /// A GP accepted it; the call may run.
    Accepted,
    /// The call ended (hang-up).
    Ended,
    /// The station cancelled it before a GP accepted.
    Cancelled,
}

/// ICE server for the peer connection (WebRTC `RTCIceServer`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct IceServer {
    /// `stun:` or `turn:` URLs.
    pub urls: Vec<String>,
    /// TURN user name (`<expiry unix seconds>:<room id>`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
    /// TURN password: base64(HMAC-SHA1(shared secret, username)).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credential: Option<String>,
}

/// A one-time ticket to join a consultation's room over signaling.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RoomTicket {
    /// Hub consultation id.
    pub consultation_id: String,
    /// Room id.
    pub room_id: String,
    /// One-time join token: `GET /ws/signal?token=…`; a second use is refused.
    pub join_token: String,
    /// ICE servers, TURN credentials valid about one hour.
    pub ice_servers: Vec<IceServer>,
    /// Relay only through TURN (configuration of the hub).
    #[serde(default)]
    pub relay_only: bool,
}

/// A consultation as listed for GPs (`GET /api/consultations/waiting`), ordered by
/// priority then request time.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WaitingConsultation {
    /// Hub consultation id.
    pub id: String,
    /// Station name.
    pub station_name: String,
    /// When the station asked.
    pub requested_at: DateTime<Utc>,
    /// The patient.
    pub patient: PatientSummary,
    /// Age in whole years at the request.
    pub age_years: u32,
    /// The complaint.
    pub complaint: String,
    /// The hub's own assessment (accepted, with its priority reasons).
    pub assessment: Assessment,
    /// Status.
    pub status: HubConsultationStatus,
}

/// `GET /api/station/consultations/{id}`: the station follows its request.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ConsultationStatus {
    /// Hub consultation id.
    pub id: String,
    /// Status.
    pub status: HubConsultationStatus,
    /// Name of the GP who accepted, once accepted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gp_name: Option<String>,
}

/// One entry of a consultation's audit trail (`GET /api/consultations/{id}/events`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ConsultationEvent {
    /// Position in the hub's whole audit chain.
    pub seq: i64,
    /// When it happened.
    pub at: DateTime<Utc>,
    /// `account`, `station`, `system` or `anonymous`.
    pub actor_kind: String,
    /// Id of the account or station.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub actor_id: Option<String>,
    /// Stable action code, e.g. `consultation.accept`, `signal.incident`, `signal.hangup`.
    pub action: String,
    /// Ids and codes (for an incident: `kind=… detail=…`); never health data.
    pub detail: String,
}
