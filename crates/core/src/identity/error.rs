//! Typed identity errors: a stable code and a French message each.
use crate::error::FieldError;

/// Why an identity field is invalid. `Display` is the French message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum IdentityError {
    /// A required field is empty.
    #[error("Ce champ est obligatoire.")]
    Required,
    /// A name holds something other than letters, spaces, hyphens and apostrophes.
    #[error("Seuls les lettres, les espaces, le trait d'union et l'apostrophe sont acceptés.")]
    NameFormat,
    /// The birth date is after today.
    #[error("La date de naissance ne peut pas être dans le futur.")]
    BirthDateFuture,
    /// The birth date gives an age over 130 years.
    #[error("La date de naissance correspond à un âge de plus de 130 ans : vérifiez la saisie.")]
    BirthDateTooOld,
    /// The birth place is not a 5-character INSEE code.
    #[error("Le lieu de naissance doit être un code INSEE de 5 caractères (par exemple 28085, 2A004, ou 99134 pour une naissance à l'étranger).")]
    BirthPlaceFormat,
    /// The NIR is not 13 characters and a 2-digit key.
    #[error("Le numéro de sécurité sociale doit comporter 15 caractères : 13 chiffres (2A ou 2B pour la Corse) suivis d'une clé de 2 chiffres.")]
    NirFormat,
    /// The NIR key does not match its 13 first characters.
    #[error(
        "La clé du numéro de sécurité sociale ne correspond pas au numéro : vérifiez la saisie."
    )]
    NirKey,
    /// The NIR sex digit contradicts the sex entered.
    #[error("Le numéro de sécurité sociale ne correspond pas au sexe indiqué.")]
    NirSexMismatch,
    /// The NIR year or month of birth contradicts the birth date entered.
    #[error(
        "Le numéro de sécurité sociale ne correspond pas à la date de naissance (année ou mois)."
    )]
    NirBirthMismatch,
    /// The RPPS is not 11 digits with a valid Luhn key.
    #[error("Le numéro RPPS doit comporter 11 chiffres, dont une clé de contrôle valide.")]
    RppsFormat,
    /// The phone number is neither French nor international.
    #[error("Numéro de téléphone invalide : saisissez un numéro français (06 12 34 56 78) ou international (+…).")]
    PhoneFormat,
    /// The postal code is not 5 digits.
    #[error("Le code postal doit comporter 5 chiffres.")]
    PostalCodeFormat,
    /// The weight is outside 0.3–400 kg.
    #[error("Le poids doit être compris entre 0,3 et 400 kg.")]
    WeightRange,
}

impl IdentityError {
    /// Stable machine code, SCREAMING_SNAKE_CASE.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Required => "REQUIRED",
            Self::NameFormat => "NAME_FORMAT",
            Self::BirthDateFuture => "BIRTH_DATE_FUTURE",
            Self::BirthDateTooOld => "BIRTH_DATE_TOO_OLD",
            Self::BirthPlaceFormat => "BIRTH_PLACE_FORMAT",
            Self::NirFormat => "NIR_FORMAT",
            Self::NirKey => "NIR_KEY",
            Self::NirSexMismatch => "NIR_SEX_MISMATCH",
            Self::NirBirthMismatch => "NIR_BIRTH_MISMATCH",
            Self::RppsFormat => "RPPS_FORMAT",
            Self::PhoneFormat => "PHONE_FORMAT",
            Self::PostalCodeFormat => "POSTAL_CODE_FORMAT",
            Self::WeightRange => "WEIGHT_RANGE",
        }
    }

    /// This error attached to a form field (camelCase JSON path).
    pub fn at(self, field: &str) -> FieldError {
        FieldError::new(field, self.code(), self.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ALL: [IdentityError; 13] = [
        IdentityError::Required,
        IdentityError::NameFormat,
        IdentityError::BirthDateFuture,
        IdentityError::BirthDateTooOld,
        IdentityError::BirthPlaceFormat,
        IdentityError::NirFormat,
        IdentityError::NirKey,
        IdentityError::NirSexMismatch,
        IdentityError::NirBirthMismatch,
        IdentityError::RppsFormat,
        IdentityError::PhoneFormat,
        IdentityError::PostalCodeFormat,
        IdentityError::WeightRange,
    ];

    #[test]
    fn codes_are_stable_unique_and_screaming_snake_case() {
        let codes: Vec<&str> = ALL.iter().map(IdentityError::code).collect();
        for code in &codes {
            assert!(
                code.chars().all(|c| c.is_ascii_uppercase() || c == '_'),
                "{code}"
            );
        }
        let mut unique = codes.clone();
        unique.sort_unstable();
        unique.dedup();
        assert_eq!(unique.len(), codes.len());
    }

    #[test]
    fn messages_are_french_sentences() {
        for e in ALL {
            let m = e.to_string();
            assert!(m.ends_with('.'), "{m}");
            assert!(m.chars().next().is_some_and(char::is_uppercase), "{m}");
        }
    }

    #[test]
    fn attaches_to_a_field() {
        let f = IdentityError::NirKey.at("nir");
        assert_eq!(f.field, "nir");
        assert_eq!(f.code, "NIR_KEY");
        assert_eq!(f.message, IdentityError::NirKey.to_string());
    }
}
