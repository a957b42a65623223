//! Why an export cannot be built.

/// An export refused, naming what is wrong (French message, stable code).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FhirError {
    /// A reading is not a finite number (JSON cannot carry it).
    #[error("La mesure {what} n'est pas un nombre valide : elle ne peut pas être exportée.")]
    NotANumber {
        /// Which reading.
        what: &'static str,
    },
    /// The encounter ends before it starts.
    #[error("La fin de la consultation précède son début : l'export est impossible.")]
    EndBeforeStart,
    /// A required text is empty.
    #[error("Le champ « {field} » est vide : l'export est impossible.")]
    Missing {
        /// The field, in French.
        field: &'static str,
    },
}

impl FhirError {
    /// Stable machine code.
    pub fn code(&self) -> &'static str {
        match self {
            Self::NotANumber { .. } => "FHIR_NOT_A_NUMBER",
            Self::EndBeforeStart => "FHIR_END_BEFORE_START",
            Self::Missing { .. } => "FHIR_MISSING_FIELD",
        }
    }
}
