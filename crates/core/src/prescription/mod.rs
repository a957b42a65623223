//! The prescription (ordonnance) and the parties shared by the documents of a consultation.
//!
//! The content follows the Code de la santé publique (R5132-3): the prescriber's name,
//! qualification, RPPS identifier, address, phone, e-mail and signature, the date; the
//! patient's name, first names, sex, birth date and, for a child, weight; for each line the
//! drug (name or INN), the dosage, the duration or the quantity, the renewals. Lines for the
//! affection de longue durée (ALD) are set apart (bizone layout). Since 2025 the prescription
//! carries a unique number, printed as a QR code.
//!
//! The JSON shape (serde camelCase) is a public contract: the GP's console writes it, the
//! station prints it, external checks read it.
//!
//! ```
//! use relais_core::prescription::Prescription;
//!
//! let json = r#"{
//!   "id": "ORD-2026-000123",
//!   "issuedAt": "2026-11-26T10:42:00+01:00",
//!   "prescriber": { "name": "Dr Hélène Lefèvre", "qualification": "Médecin généraliste",
//!     "rpps": "10002727377", "address": "12 rue du Bourg, 28000 Chartres",
//!     "phone": "+33237123456", "email": "h.lefevre@example.fr" },
//!   "patient": { "familyName": "MARTIN", "givenNames": "Claire", "sex": "F", "birthDate": "1984-12-03" },
//!   "lines": [{ "drug": "Paracétamol 1 g", "dosage": "1 comprimé 3 fois par jour", "duration": "5 jours",
//!     "renewals": 0, "ald": false, "nonSubstitutable": false }],
//!   "notes": ""
//! }"#;
//! let p = Prescription::from_json(json).unwrap();
//! p.validate(p.issued_at.date_naive()).unwrap();
//! assert!(!p.is_bizone());
//! ```
use chrono::{DateTime, FixedOffset, NaiveDate};
use serde::{Deserialize, Serialize};

mod error;
mod party;
pub(crate) mod validate;

pub use error::{field_label, DocumentError, DocumentErrorKind};
pub use party::{age_text, sex_label, Patient, Prescriber};

/// Children (under this age in years) need their weight on the prescription.
pub const CHILD_UNDER_YEARS: u32 = 18;

/// Most renewals of one line: a prescription covers at most 12 months of treatment.
pub const MAX_RENEWALS: u32 = 11;

/// A prescription as written by the GP (serde camelCase JSON, the public contract).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Prescription {
    /// Unique prescription number, printed with its QR code.
    pub id: String,
    /// Date and time of the prescription, RFC 3339 with offset.
    pub issued_at: DateTime<FixedOffset>,
    /// The prescriber.
    pub prescriber: Prescriber,
    /// The patient.
    pub patient: Patient,
    /// The lines, in the order written; ALD lines are set apart when printed.
    pub lines: Vec<Line>,
    /// Free instructions for the patient or the pharmacist.
    #[serde(default)]
    pub notes: String,
}

/// One line of a prescription.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Line {
    /// Drug: brand name or INN (DCI), with strength and form.
    pub drug: String,
    /// Dosage (posologie): how much, how often.
    pub dosage: String,
    /// Duration of treatment, e.g. "5 jours".
    #[serde(default)]
    pub duration: Option<String>,
    /// Quantity to dispense, e.g. "1 boîte de 30".
    #[serde(default)]
    pub quantity: Option<String>,
    /// Number of renewals (0 when not renewable).
    #[serde(default)]
    pub renewals: u32,
    /// The line treats the patient's affection de longue durée (upper zone of the bizone layout).
    #[serde(default)]
    pub ald: bool,
    /// "Non substituable": the pharmacist may not substitute a generic.
    #[serde(default)]
    pub non_substitutable: bool,
}

impl Prescription {
    /// Reads the JSON contract; a malformed or missing value is an error naming its field.
    pub fn from_json(json: &str) -> Result<Prescription, DocumentError> {
        DocumentError::from_json(json)
    }

    /// The first invalid field, if any (see [`Prescription::problems`]).
    pub fn validate(&self, today: NaiveDate) -> Result<(), DocumentError> {
        match self.problems(today).into_iter().next() {
            Some(e) => Err(e),
            None => Ok(()),
        }
    }

    /// Every invalid field, in document order (empty when the prescription can be signed and printed).
    pub fn problems(&self, today: NaiveDate) -> Vec<DocumentError> {
        validate::prescription(self, today)
    }

    /// Whether the bizone layout applies: at least one ALD line.
    pub fn is_bizone(&self) -> bool {
        self.lines.iter().any(|l| l.ald)
    }

    /// The ALD lines (upper zone) and the others (lower zone), each in written order.
    pub fn zones(&self) -> (Vec<&Line>, Vec<&Line>) {
        self.lines.iter().partition(|l| l.ald)
    }
}

impl Line {
    /// "À renouveler 2 fois", or `None` when not renewable.
    pub fn renewals_text(&self) -> Option<String> {
        match self.renewals {
            0 => None,
            1 => Some("À renouveler 1 fois".to_string()),
            n => Some(format!("À renouveler {n} fois")),
        }
    }
}

#[cfg(test)]
mod tests;
