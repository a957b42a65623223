//! The rules of a sick note by teleconsultation, each with its code and French message.

/// Longest sick note by teleconsultation, in days, when the GP is not the médecin traitant.
pub const MAX_DAYS_BY_TELECONSULTATION: u32 = 3;

/// The first day off work may be at most this many days after the date of issue.
pub const MAX_DAYS_AHEAD: i64 = 2;

/// Longest medical reason, in characters.
pub const MAX_REASON_CHARS: usize = 1000;

/// Why a sick note cannot be written. `Display` is the French message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum SickNoteError {
    /// Zero days.
    #[error("La durée de l'arrêt de travail doit être d'au moins 1 jour.")]
    NoDays,
    /// More than 3 days by a GP who is not the médecin traitant.
    #[error("En téléconsultation, un arrêt de travail est limité à 3 jours, sauf s'il est prescrit par le médecin traitant.")]
    TooLong,
    /// The first day off work is before the date of issue.
    #[error("Un arrêt de travail ne peut pas commencer avant la date de sa prescription.")]
    Backdated,
    /// The first day off work is more than 2 days after the date of issue.
    #[error(
        "Un arrêt de travail doit commencer au plus tard 2 jours après la date de sa prescription."
    )]
    StartTooLate,
    /// The GP declares being the médecin traitant while the patient's record names another RPPS,
    /// or the converse.
    #[error(
        "Le dossier du patient désigne un autre médecin traitant (numéro RPPS différent du vôtre)."
    )]
    NotTreatingGp,
    /// The medical reason is longer than 1000 characters.
    #[error("Le motif médical est limité à 1000 caractères.")]
    ReasonTooLong,
}

impl SickNoteError {
    /// Stable machine code, SCREAMING_SNAKE_CASE.
    pub fn code(&self) -> &'static str {
        match self {
            Self::NoDays => "SICK_NOTE_NO_DAYS",
            Self::TooLong => "SICK_NOTE_TOO_LONG",
            Self::Backdated => "SICK_NOTE_BACKDATED",
            Self::StartTooLate => "SICK_NOTE_START_TOO_LATE",
            Self::NotTreatingGp => "SICK_NOTE_NOT_TREATING_GP",
            Self::ReasonTooLong => "SICK_NOTE_REASON_TOO_LONG",
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

    #[test]
    fn every_error_has_a_distinct_code_and_a_french_message() {
        let all = [
            SickNoteError::NoDays,
            SickNoteError::TooLong,
            SickNoteError::Backdated,
            SickNoteError::StartTooLate,
            SickNoteError::NotTreatingGp,
            SickNoteError::ReasonTooLong,
        ];
        let codes: std::collections::BTreeSet<_> = all.iter().map(|e| e.code()).collect();
        assert_eq!(codes.len(), all.len());
        for e in all {
            assert!(e.code().starts_with("SICK_NOTE_"));
            let m = e.to_string();
            assert!(m.ends_with('.') && m.chars().count() > 20, "{m}");
        }
    }
}
