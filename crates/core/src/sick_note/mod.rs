//! Sick notes (arrêts de travail) written during a teleconsultation.
//!
//! A sick note prescribed by teleconsultation covers at most 3 days, unless the prescriber
//! is the patient's médecin traitant ([`check`]). It is a signed document like the
//! prescription: the GP writes the medical fields in the console, the hub fills the
//! prescriber, the patient, the number and the date, decides whether the GP is the
//! médecin traitant ([`treating_gp`]) and validates the whole ([`SickNote::validate`]).
//!
//! The JSON shape (serde camelCase) is a public contract shared by the console, the hub,
//! the station and the printer:
//!
//! ```
//! use relais_core::sick_note::SickNote;
//!
//! let json = r#"{
//!   "id": "AAT-2026-000042",
//!   "issuedAt": "2026-11-26T10:12:00+01:00",
//!   "prescriber": { "name": "Dr Hélène Lefèvre", "qualification": "Médecin généraliste",
//!     "rpps": "10002727377", "address": "12 rue du Bourg, 28000 Chartres",
//!     "phone": "+33237123456", "email": "h.lefevre@example.fr" },
//!   "patient": { "familyName": "MARTIN", "givenNames": "Claire", "sex": "F", "birthDate": "1984-12-03" },
//!   "kind": "initial", "startDate": "2026-11-26", "days": 3, "byTreatingGp": false,
//!   "reason": "Syndrome grippal", "exits": "allowed", "exitsJustification": null, "notes": ""
//! }"#;
//! let note = SickNote::from_json(json).unwrap();
//! note.validate(note.issued_at.date_naive()).unwrap();
//! assert_eq!(note.end_date().unwrap().to_string(), "2026-11-28");
//! ```
use chrono::{DateTime, Days, FixedOffset, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::prescription::{DocumentError, Patient, Prescriber};

mod rule;
mod treating;
mod validate;

pub use rule::{
    check, SickNoteError, MAX_DAYS_AHEAD, MAX_DAYS_BY_TELECONSULTATION, MAX_REASON_CHARS,
};
pub use treating::{treating_gp, TreatingGp, TreatingGpSource};

/// A sick note (serde camelCase JSON, the public contract).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SickNote {
    /// Unique number of the document (filled by the hub).
    pub id: String,
    /// Date and time of issue, RFC 3339 with offset (filled by the hub).
    pub issued_at: DateTime<FixedOffset>,
    /// The prescriber (filled by the hub from the GP's profile).
    pub prescriber: Prescriber,
    /// The patient (filled by the hub from the consultation).
    pub patient: Patient,
    /// Initial note or prolongation of a previous one.
    pub kind: SickNoteKind,
    /// First day off work.
    pub start_date: NaiveDate,
    /// Number of calendar days off work, the first and the last included.
    pub days: u32,
    /// The prescriber is the patient's médecin traitant (decided by the hub).
    pub by_treating_gp: bool,
    /// How `by_treating_gp` was established (absent: by the prescriber's declaration).
    #[serde(default)]
    pub treating_gp_source: TreatingGpSource,
    /// Medical reason (motif médical): only the caisse's medical service reads it.
    pub reason: String,
    /// Exits allowed during the sick leave.
    pub exits: Exits,
    /// Medical justification of exits without restriction of hours.
    #[serde(default)]
    pub exits_justification: Option<String>,
    /// Free remarks; may be empty.
    #[serde(default)]
    pub notes: String,
}

/// Initial sick note or prolongation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum SickNoteKind {
    /// First note for this illness.
    Initial,
    /// Prolongation of a previous note.
    Prolongation,
}

impl SickNoteKind {
    /// French label: "Arrêt initial", "Prolongation".
    pub fn label(self) -> &'static str {
        match self {
            Self::Initial => "Arrêt initial",
            Self::Prolongation => "Prolongation",
        }
    }
}

/// Exits (sorties) allowed during the sick leave.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Exits {
    /// The patient stays at home.
    NotAllowed,
    /// Exits allowed; the patient is at home from 9 h to 11 h and from 14 h to 16 h, except for care.
    Allowed,
    /// Exits allowed without restriction of hours (needs a medical justification).
    AllowedAnyTime,
}

impl Exits {
    /// French label as printed.
    pub fn label(self) -> &'static str {
        match self {
            Self::NotAllowed => "Sorties non autorisées",
            Self::Allowed => "Sorties autorisées",
            Self::AllowedAnyTime => "Sorties autorisées sans restriction d'horaire",
        }
    }

    /// What the patient must observe, in French.
    pub fn rule_text(self) -> &'static str {
        match self {
            Self::NotAllowed => "Le patient doit rester à son domicile, sauf pour des soins ou examens médicaux.",
            Self::Allowed => "Le patient doit être présent à son domicile de 9 h à 11 h et de 14 h à 16 h, sauf pour des soins ou examens médicaux.",
            Self::AllowedAnyTime => "Pas d'obligation de présence à domicile pendant les heures habituelles, pour raison médicale.",
        }
    }
}

impl SickNote {
    /// Reads the JSON contract; a malformed or missing value is an error naming its field.
    pub fn from_json(json: &str) -> Result<SickNote, DocumentError> {
        DocumentError::from_json(json)
    }

    /// The first invalid field, if any (see [`SickNote::problems`]).
    pub fn validate(&self, today: NaiveDate) -> Result<(), DocumentError> {
        match self.problems(today).into_iter().next() {
            Some(e) => Err(e),
            None => Ok(()),
        }
    }

    /// Every invalid field, in document order (empty when the note can be signed and printed).
    pub fn problems(&self, today: NaiveDate) -> Vec<DocumentError> {
        validate::sick_note(self, today)
    }

    /// The date of issue (in the offset it was issued with).
    pub fn issued_on(&self) -> NaiveDate {
        self.issued_at.date_naive()
    }

    /// The last day off work, inclusive: `start_date + days - 1`; `None` for 0 days or out of the calendar.
    pub fn end_date(&self) -> Option<NaiveDate> {
        let extra = self.days.checked_sub(1)?;
        self.start_date
            .checked_add_days(Days::new(u64::from(extra)))
    }

    /// "1 jour", "3 jours".
    pub fn days_text(&self) -> String {
        days_text(self.days)
    }
}

/// "1 jour", "3 jours".
pub fn days_text(days: u32) -> String {
    if days > 1 {
        format!("{days} jours")
    } else {
        format!("{days} jour")
    }
}

#[cfg(test)]
mod tests;
