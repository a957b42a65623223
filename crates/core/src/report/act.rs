//! Acts of an assisted teleconsultation, for the record (not a billing engine).
use serde::{Deserialize, Serialize};

/// An act code of the nomenclature (serialised as the code itself, e.g. `"TCG"`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ActCode {
    /// Teleconsultation by a GP, 25 €.
    #[serde(rename = "TCG")]
    Tcg,
    /// Nurse assisting a teleconsultation scheduled in a session, 10 €.
    #[serde(rename = "TLS")]
    Tls,
    /// Nurse assisting at the patient's home, 12 €.
    #[serde(rename = "TLL")]
    Tll,
    /// Nurse assisting an unscheduled teleconsultation at home, 15 €.
    #[serde(rename = "TLD")]
    Tld,
}

impl ActCode {
    /// The code, e.g. "TCG".
    pub fn code(self) -> &'static str {
        match self {
            Self::Tcg => "TCG",
            Self::Tls => "TLS",
            Self::Tll => "TLL",
            Self::Tld => "TLD",
        }
    }

    /// French label.
    pub fn label(self) -> &'static str {
        match self {
            Self::Tcg => "Téléconsultation du médecin généraliste",
            Self::Tls => "Accompagnement infirmier d'une téléconsultation programmée",
            Self::Tll => "Accompagnement infirmier d'une téléconsultation au domicile du patient",
            Self::Tld => "Accompagnement infirmier non programmé au domicile du patient",
        }
    }

    /// Fee in euro cents (sector 1).
    pub fn fee_cents(self) -> u32 {
        match self {
            Self::Tcg => 2500,
            Self::Tls => 1000,
            Self::Tll => 1200,
            Self::Tld => 1500,
        }
    }

    /// Whether this is the assisting professional's act (TLS, TLL, TLD).
    pub fn is_assistance(self) -> bool {
        !matches!(self, Self::Tcg)
    }
}

/// Euro cents as French text: "25,00 €".
pub fn euros_text(cents: u32) -> String {
    format!("{},{:02} €", cents / 100, cents % 100)
}
