//! Sick notes (arrêts de travail) written during a teleconsultation.
//!
//! A sick note prescribed by teleconsultation covers at most 3 days, unless the prescriber
//! is the patient's médecin traitant.

/// Longest sick note by teleconsultation, in days, when the GP is not the médecin traitant.
pub const MAX_DAYS_BY_TELECONSULTATION: u32 = 3;

/// Why a sick note cannot be written. `Display` is the French message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum SickNoteError {
    /// Zero days.
    #[error("La durée de l'arrêt de travail doit être d'au moins 1 jour.")]
    NoDays,
    /// More than 3 days by a GP who is not the médecin traitant.
    #[error("En téléconsultation, un arrêt de travail est limité à 3 jours, sauf s'il est prescrit par le médecin traitant.")]
    TooLong,
}

impl SickNoteError {
    /// Stable machine code, SCREAMING_SNAKE_CASE.
    pub fn code(&self) -> &'static str {
        match self {
            Self::NoDays => "SICK_NOTE_NO_DAYS",
            Self::TooLong => "SICK_NOTE_TOO_LONG",
        }
    }
}

/// Whether a sick note of `days` days may be written by teleconsultation.
pub fn check(days: u32, by_treating_gp: bool) -> Result<(), SickNoteError> {
    if days == 0 {
        Err(SickNoteError::NoDays)
    } else if days > MAX_DAYS_BY_TELECONSULTATION && !by_treating_gp {
        Err(SickNoteError::TooLong)
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn three_days_at_most_unless_treating_gp() {
        let table = [
            (0, false, Err(SickNoteError::NoDays)),
            (0, true, Err(SickNoteError::NoDays)),
            (1, false, Ok(())),
            (3, false, Ok(())),
            (4, false, Err(SickNoteError::TooLong)),
            (4, true, Ok(())),
            (30, true, Ok(())),
        ];
        for (days, treating, expected) in table {
            assert_eq!(check(days, treating), expected, "{days} {treating}");
        }
        assert_eq!(SickNoteError::TooLong.code(), "SICK_NOTE_TOO_LONG");
        assert!(SickNoteError::TooLong.to_string().contains("3 jours"));
    }
}
