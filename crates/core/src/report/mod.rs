//! The consultation report (compte rendu), CSP R6316-3/4 and HAS 2019.
//!
//! It names the participants (patient, GP, assisting professional), the date and time, the
//! patient's consent, the reason, findings and readings, the diagnosis and orientation, the
//! acts (the GP's teleconsultation and the assistance act), the prescriptions handed over,
//! the technical incidents, and the médecin traitant who receives a copy. The JSON shape
//! (serde camelCase) is shared by the console, the station and the printer.
use chrono::{DateTime, FixedOffset, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::measurement::Reading;
use crate::prescription::{DocumentError, Patient, Prescriber};

mod act;
mod validate;

pub use act::{euros_text, ActCode};

/// A consultation report (serde camelCase JSON).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Report {
    /// Unique number of the report.
    pub id: String,
    /// The consultation it reports on.
    pub consultation_id: String,
    /// Start of the teleconsultation, RFC 3339.
    pub started_at: DateTime<FixedOffset>,
    /// End of the teleconsultation, RFC 3339.
    #[serde(default)]
    pub ended_at: Option<DateTime<FixedOffset>>,
    /// The patient.
    pub patient: Patient,
    /// The patient consented to the teleconsultation.
    pub patient_consent: bool,
    /// The remote GP who writes the report.
    pub gp: Prescriber,
    /// The professional beside the patient.
    pub assistant: Assistant,
    /// Reason for the consultation (motif).
    pub reason: String,
    /// Clinical findings (examen).
    pub findings: String,
    /// Instrument readings taken during the consultation.
    #[serde(default)]
    pub readings: Vec<TakenReading>,
    /// Diagnosis or working hypothesis; may be empty.
    #[serde(default)]
    pub diagnosis: String,
    /// Orientation: what happens next (back home, see the médecin traitant, emergency…).
    pub orientation: String,
    /// Numbers of the prescriptions written during the consultation.
    #[serde(default)]
    pub prescription_ids: Vec<String>,
    /// Acts: the GP's teleconsultation and the assistance act.
    pub acts: Vec<ActCode>,
    /// Technical incidents (call cut, degraded video…), pre-filled from the record.
    #[serde(default)]
    pub incidents: Vec<Incident>,
    /// The médecin traitant who receives a copy, when the patient has one.
    #[serde(default)]
    pub copy_to: Option<CopyTo>,
}

/// The professional beside the patient (infirmier·e, pharmacien…).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Assistant {
    /// Name, e.g. "Sophie Bernard".
    pub name: String,
    /// Profession, e.g. "Infirmière diplômée d'État".
    pub profession: String,
    /// RPPS number when the professional has one.
    #[serde(default)]
    pub rpps: Option<String>,
    /// Where the patient was: "domicile du patient", "pharmacie du Centre, Chartres"…
    #[serde(default)]
    pub place: Option<String>,
}

/// A reading and when it was taken.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TakenReading {
    /// When, RFC 3339.
    pub taken_at: DateTime<FixedOffset>,
    /// The value.
    pub reading: Reading,
}

/// A technical incident of the call.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Incident {
    /// When, RFC 3339.
    pub at: DateTime<FixedOffset>,
    /// What happened, in French.
    pub description: String,
}

/// The médecin traitant who receives a copy of the report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CopyTo {
    /// Name, e.g. "Dr Paul Dali".
    pub name: String,
    /// Postal address, when known.
    #[serde(default)]
    pub address: Option<String>,
}

impl Report {
    /// Reads the JSON shape; a malformed or missing value is an error naming its field.
    pub fn from_json(json: &str) -> Result<Report, DocumentError> {
        DocumentError::from_json(json)
    }

    /// The first invalid field, if any (see [`Report::problems`]).
    pub fn validate(&self, today: NaiveDate) -> Result<(), DocumentError> {
        match self.problems(today).into_iter().next() {
            Some(e) => Err(e),
            None => Ok(()),
        }
    }

    /// Every invalid field, in document order.
    pub fn problems(&self, today: NaiveDate) -> Vec<DocumentError> {
        validate::report(self, today)
    }

    /// Total of the acts, in euro cents.
    pub fn total_cents(&self) -> u32 {
        self.acts.iter().map(|a| a.fee_cents()).sum()
    }
}

#[cfg(test)]
mod tests;
