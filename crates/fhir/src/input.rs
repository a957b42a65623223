//! What the export is built from: the consultation as the station's record knows it.
use chrono::{DateTime, Utc};
use relais_core::identity::Patient;
use relais_core::measurement::Reading;

/// One consultation to export, assembled by the caller from the record.
#[derive(Debug, Clone, PartialEq)]
pub struct ConsultationExport {
    /// The station's id of the consultation (also seeds the resources' UUIDs, so that
    /// exporting the same consultation twice gives the same `urn:uuid:` references).
    pub consultation_id: String,
    /// When the export is made (Bundle.timestamp, Composition.date when no report).
    pub generated_at: DateTime<Utc>,
    /// The patient and the reliability of their identity.
    pub patient: PatientInput,
    /// The remote doctor, when known (from the signed documents).
    pub practitioner: Option<Professional>,
    /// The professional beside the patient (nurse, pharmacist…).
    pub assistant: Professional,
    /// Where the patient was.
    pub site: SiteInput,
    /// The encounter itself.
    pub encounter: EncounterInput,
    /// Readings taken during the consultation.
    pub readings: Vec<ReadingInput>,
    /// Technical incidents of the call (drops, reconnections…), for the record.
    pub incidents: Vec<Incident>,
    /// The signed prescriptions (latest version of each), in the order written.
    pub prescriptions: Vec<relais_core::prescription::Prescription>,
    /// The signed report (compte rendu), when the doctor wrote one.
    pub report: Option<ReportInput>,
    /// The report as printed (PDF), carried in a DocumentReference.
    pub report_pdf: Option<Vec<u8>>,
    /// The signed sick notes (latest version of each), each carried in a DocumentReference.
    pub sick_notes: Vec<SickNoteInput>,
}

/// A signed sick note (arrêt de travail) and its PDF.
#[derive(Debug, Clone, PartialEq)]
pub struct SickNoteInput {
    /// The signed content.
    pub note: relais_core::sick_note::SickNote,
    /// Its version (a correction replaces the previous version).
    pub version: u32,
    /// When the doctor signed it.
    pub signed_at: DateTime<Utc>,
    /// The note as printed (both volets).
    pub pdf: Vec<u8>,
}

/// The patient.
#[derive(Debug, Clone, PartialEq)]
pub struct PatientInput {
    /// The station's id of the patient.
    pub id: String,
    /// Identity traits, NIR, contact, médecin traitant.
    pub identity: Patient,
    /// Reliability of the identity (RNIV status).
    pub status: IdentityStatus,
}

/// The four identity statuses of the RNIV (référentiel national d'identitovigilance).
///
/// The INS (NIR or NIA as national health identifier) is exported only for a qualified
/// identity: the RNIV forbids sharing it otherwise.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IdentityStatus {
    /// Identité provisoire: typed locally, not checked.
    Provisional,
    /// Identité récupérée: retrieved from the INSi service, not checked against an ID document.
    Recovered,
    /// Identité validée: checked against an ID document, not retrieved from INSi.
    Validated,
    /// Identité qualifiée: retrieved from INSi and checked against an ID document.
    Qualified,
}

impl IdentityStatus {
    /// FR Core code (`fr-core-cs-identity-status`).
    pub fn code(self) -> &'static str {
        match self {
            Self::Provisional => "PROV",
            Self::Recovered => "RECUP",
            Self::Validated => "VALI",
            Self::Qualified => "QUAL",
        }
    }

    /// French label.
    pub fn label_fr(self) -> &'static str {
        match self {
            Self::Provisional => "Identité provisoire",
            Self::Recovered => "Identité récupérée",
            Self::Validated => "Identité validée",
            Self::Qualified => "Identité qualifiée",
        }
    }
}

/// A health professional.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Professional {
    /// A stable local id (station account id, or the RPPS for a remote doctor).
    pub id: String,
    /// Name as shown ("Dr Claire Martin", "Julie Petit").
    pub name: String,
    /// Profession or qualification ("Médecin généraliste", "Infirmière").
    pub qualification: String,
    /// RPPS number (11 digits), when known.
    pub rpps: Option<String>,
    /// Postal address, when known.
    pub address: Option<String>,
    /// Phone, when known.
    pub phone: Option<String>,
    /// E-mail, when known.
    pub email: Option<String>,
}

/// The site where the station stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SiteInput {
    /// The station's id of the site.
    pub id: String,
    /// Name ("Pharmacie du Centre").
    pub name: String,
    /// Kind, as a French label ("Pharmacie", "EHPAD"…).
    pub kind: String,
    /// Commune.
    pub commune: String,
    /// Postal address.
    pub address: Option<String>,
}

/// Where the consultation stands, in FHIR Encounter terms.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EncounterStatus {
    /// Requested, the doctor has not joined.
    Planned,
    /// The patient is with the assisting professional, triaged.
    Triaged,
    /// In call.
    InProgress,
    /// Over.
    Finished,
    /// Cancelled before it started (or excluded at triage).
    Cancelled,
}

impl EncounterStatus {
    /// FHIR code (`http://hl7.org/fhir/encounter-status`).
    pub fn code(self) -> &'static str {
        match self {
            Self::Planned => "planned",
            Self::Triaged => "triaged",
            Self::InProgress => "in-progress",
            Self::Finished => "finished",
            Self::Cancelled => "cancelled",
        }
    }
}

/// The encounter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EncounterInput {
    /// Start (the doctor joined, else the consultation's creation).
    pub start: DateTime<Utc>,
    /// End, when over.
    pub end: Option<DateTime<Utc>>,
    /// Status.
    pub status: EncounterStatus,
    /// The reason (motif) as the patient gave it.
    pub reason: String,
}

/// Where a reading came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReadingSource {
    /// Read by a connected instrument (its name, e.g. "Omron M7 Intelli IT").
    Instrument {
        /// Model or name of the instrument.
        name: String,
    },
    /// Typed by the professional.
    Manual,
}

/// Who took a reading.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TakenBy {
    /// The professional beside the patient.
    Assistant,
    /// The remote doctor (read from the video).
    Practitioner,
    /// The patient.
    Patient,
}

/// One reading and its provenance.
#[derive(Debug, Clone, PartialEq)]
pub struct ReadingInput {
    /// A stable id of the reading in the record (seeds its UUID).
    pub id: String,
    /// The value, in the station's units.
    pub reading: Reading,
    /// When it was taken.
    pub taken_at: DateTime<Utc>,
    /// Instrument or manual entry.
    pub source: ReadingSource,
    /// Who took it.
    pub taken_by: TakenBy,
}

/// One technical incident of the call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Incident {
    /// When.
    pub at: DateTime<Utc>,
    /// Stable code (e.g. `MEDIA_DISCONNECTED`).
    pub code: String,
    /// French description.
    pub message: String,
}

/// The report (compte rendu) as text sections, signed by the doctor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportInput {
    /// The record's id of the report.
    pub id: String,
    /// Version (a correction is a new version).
    pub version: u32,
    /// Title ("Compte rendu de téléconsultation").
    pub title: String,
    /// When the doctor signed it; unsigned reports are exported as preliminary.
    pub signed_at: Option<DateTime<Utc>>,
    /// SHA-256 of the signed content, hexadecimal, when signed.
    pub sha256: Option<String>,
    /// The sections, in order.
    pub sections: Vec<ReportSection>,
}

/// What a report section is about (gives its LOINC code).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SectionKind {
    /// Motif.
    Reason,
    /// Examination findings.
    Findings,
    /// Diagnosis.
    Diagnosis,
    /// Orientation, plan.
    Plan,
    /// Acts performed.
    Procedures,
    /// Anything else (no code).
    Other,
}

/// One section of the report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportSection {
    /// What it is about.
    pub kind: SectionKind,
    /// Title shown.
    pub title: String,
    /// Plain text (line breaks kept).
    pub text: String,
}
