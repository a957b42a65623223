//! Typed errors of the documents (prescription, report): the field, a stable code, a French message.
use crate::error::FieldError;

/// What is wrong with one field of a document. `Display` is the French message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DocumentErrorKind {
    /// A required field is empty or absent.
    #[error("Ce champ est obligatoire.")]
    Required,
    /// The value cannot be read (wrong type, malformed date…); the detail comes from the parser.
    #[error("Valeur illisible ou mal formée ({detail}).")]
    Malformed {
        /// What the parser said, for the technician.
        detail: String,
    },
    /// The document number holds characters other than letters, digits, `-`, `_`, `.`, or is too long.
    #[error("Le numéro du document doit comporter 1 à 64 lettres, chiffres, tirets, points ou soulignés.")]
    IdFormat,
    /// The RPPS is not 11 digits with a valid Luhn key.
    #[error("Le numéro RPPS doit comporter 11 chiffres, dont une clé de contrôle valide.")]
    RppsFormat,
    /// The phone number is neither French nor international.
    #[error("Numéro de téléphone invalide : saisissez un numéro français (02 37 12 34 56) ou international (+…).")]
    PhoneFormat,
    /// The e-mail address is not `local@domain.tld`.
    #[error("Adresse électronique invalide (attendu : nom@domaine.fr).")]
    EmailFormat,
    /// The document is dated after today.
    #[error("La date du document ne peut pas être dans le futur.")]
    DateFuture,
    /// The end of the consultation is before its start.
    #[error("La fin de la consultation ne peut pas précéder son début.")]
    EndBeforeStart,
    /// The birth date is after the date of the document.
    #[error("La date de naissance ne peut pas être dans le futur.")]
    BirthDateFuture,
    /// The birth date gives an age over 130 years.
    #[error("La date de naissance correspond à un âge de plus de 130 ans : vérifiez la saisie.")]
    BirthDateTooOld,
    /// A child's prescription without the child's weight.
    #[error("Le poids est obligatoire pour une ordonnance d'enfant (moins de 18 ans).")]
    WeightRequired,
    /// The weight is outside 0.3–400 kg.
    #[error("Le poids doit être compris entre 0,3 et 400 kg.")]
    WeightRange,
    /// A prescription without any line.
    #[error("L'ordonnance doit comporter au moins une ligne de prescription.")]
    NoLines,
    /// A line with neither a duration of treatment nor a quantity.
    #[error("Indiquez la durée du traitement ou la quantité à délivrer.")]
    DurationOrQuantityRequired,
    /// More renewals than twelve months of treatment allow.
    #[error("Au plus 11 renouvellements : une ordonnance couvre au plus 12 mois de traitement.")]
    RenewalsTooMany,
    /// A report without the GP's teleconsultation act (TCG).
    #[error("Le compte rendu doit comporter l'acte de téléconsultation du médecin (TCG).")]
    GpActRequired,
    /// The same act twice, or two assistance acts (TLS, TLL, TLD).
    #[error("Un seul acte de téléconsultation et un seul acte d'accompagnement par consultation.")]
    ActDuplicate,
    /// A reading outside the physiologically possible range.
    #[error("Mesure physiologiquement impossible : vérifiez la saisie.")]
    ReadingImplausible,
    /// A SHA-256 digest that is not 64 hexadecimal digits.
    #[error("L'empreinte SHA-256 doit comporter 64 chiffres hexadécimaux.")]
    HashFormat,
    /// A version number below 1.
    #[error("Le numéro de version commence à 1.")]
    VersionFormat,
    /// The patient's consent to the teleconsultation is not recorded.
    #[error("Le consentement du patient à la téléconsultation doit être recueilli.")]
    ConsentRequired,
    /// A rule of the sick note (length, start date, médecin traitant, reason).
    #[error(transparent)]
    SickNote(#[from] crate::sick_note::SickNoteError),
}

impl DocumentErrorKind {
    /// Stable machine code, SCREAMING_SNAKE_CASE.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Required => "REQUIRED",
            Self::Malformed { .. } => "MALFORMED",
            Self::IdFormat => "ID_FORMAT",
            Self::RppsFormat => "RPPS_FORMAT",
            Self::PhoneFormat => "PHONE_FORMAT",
            Self::EmailFormat => "EMAIL_FORMAT",
            Self::DateFuture => "DATE_FUTURE",
            Self::EndBeforeStart => "END_BEFORE_START",
            Self::BirthDateFuture => "BIRTH_DATE_FUTURE",
            Self::BirthDateTooOld => "BIRTH_DATE_TOO_OLD",
            Self::WeightRequired => "WEIGHT_REQUIRED",
            Self::WeightRange => "WEIGHT_RANGE",
            Self::NoLines => "NO_LINES",
            Self::DurationOrQuantityRequired => "DURATION_OR_QUANTITY_REQUIRED",
            Self::RenewalsTooMany => "RENEWALS_TOO_MANY",
            Self::GpActRequired => "GP_ACT_REQUIRED",
            Self::ActDuplicate => "ACT_DUPLICATE",
            Self::ReadingImplausible => "READING_IMPLAUSIBLE",
            Self::HashFormat => "HASH_FORMAT",
            Self::VersionFormat => "VERSION_FORMAT",
            Self::ConsentRequired => "CONSENT_REQUIRED",
            Self::SickNote(e) => e.code(),
        }
    }
}

/// One invalid field of a document: its camelCase JSON path (`"prescriber.rpps"`,
/// `"lines[1].dosage"`) and what is wrong. `Display` is a French sentence naming the field.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{} : {kind}", field_label(.field))]
pub struct DocumentError {
    /// camelCase JSON path of the field.
    pub field: String,
    /// What is wrong.
    pub kind: DocumentErrorKind,
}

impl DocumentError {
    /// An error at `field`.
    pub fn new(field: impl Into<String>, kind: DocumentErrorKind) -> Self {
        Self {
            field: field.into(),
            kind,
        }
    }

    /// Stable machine code, SCREAMING_SNAKE_CASE.
    pub fn code(&self) -> &'static str {
        self.kind.code()
    }

    /// This error as a form field error (for the editor in the console).
    pub fn to_field_error(&self) -> FieldError {
        FieldError::new(self.field.clone(), self.code(), self.kind.to_string())
    }

    /// Reads a JSON document, naming the field of a malformed or missing value.
    pub fn from_json<T: serde::de::DeserializeOwned>(json: &str) -> Result<T, DocumentError> {
        let de = &mut serde_json::Deserializer::from_str(json);
        serde_path_to_error::deserialize(de).map_err(|e| {
            let path = e.path().to_string();
            let inner = e.into_inner().to_string();
            let path = if path == "." { String::new() } else { path };
            // "missing field `rpps` at line 3 column 4": the path stops at the parent object.
            if let Some(rest) = inner.strip_prefix("missing field `") {
                if let Some(name) = rest.split('`').next() {
                    let field = if path.is_empty() {
                        name.to_string()
                    } else {
                        format!("{path}.{name}")
                    };
                    return DocumentError::new(field, DocumentErrorKind::Required);
                }
            }
            DocumentError::new(path, DocumentErrorKind::Malformed { detail: inner })
        })
    }
}

/// French label of a field path, for messages: `"lines[1].dosage"` → "ligne 2, posologie".
pub fn field_label(path: &str) -> String {
    let mut parts = Vec::new();
    for segment in path.split('.') {
        let (name, index) = match segment.split_once('[') {
            Some((name, rest)) => (name, rest.trim_end_matches(']').parse::<usize>().ok()),
            None => (segment, None),
        };
        let label = match name {
            "" => "document",
            "id" => "numéro du document",
            "issuedAt" => "date de l'ordonnance",
            "prescriber" | "gp" => "médecin",
            "name" => "nom",
            "qualification" => "qualification",
            "rpps" => "numéro RPPS",
            "address" => "adresse",
            "phone" => "téléphone",
            "email" => "adresse électronique",
            "patient" => "patient",
            "familyName" => "nom de famille",
            "givenNames" => "prénoms",
            "sex" => "sexe",
            "birthDate" => "date de naissance",
            "weightKg" => "poids",
            "lines" => match index {
                Some(_) => "ligne",
                None => "lignes de prescription",
            },
            "drug" => "médicament",
            "dosage" => "posologie",
            "duration" => "durée",
            "quantity" => "quantité",
            "renewals" => "renouvellements",
            "ald" => "ALD",
            "nonSubstitutable" => "non substituable",
            "notes" => "instructions",
            "consultationId" => "numéro de consultation",
            "startedAt" => "début de la consultation",
            "endedAt" => "fin de la consultation",
            "assistant" => "professionnel assistant",
            "profession" => "profession",
            "reason" => "motif",
            "findings" => "examen clinique",
            "readings" => "mesure",
            "takenAt" => "heure",
            "diagnosis" => "diagnostic",
            "orientation" => "orientation",
            "acts" => "actes",
            "incidents" => "incident technique",
            "at" => "heure",
            "description" => "description",
            "copyTo" => "copie au médecin traitant",
            "patientConsent" => "consentement du patient",
            "prescriptionIds" => "ordonnances",
            "signature" => "signature",
            "signedAt" => "date de signature",
            "signer" => "signataire",
            "version" => "version",
            "sha256" => "empreinte SHA-256",
            "supersedes" => "version remplacée",
            "kind" => "type d'arrêt",
            "startDate" => "premier jour d'arrêt",
            "days" => "durée de l'arrêt",
            "byTreatingGp" | "declaredTreatingGp" => "médecin traitant",
            "exits" => "sorties",
            "exitsJustification" => "justification des sorties libres",
            other => other,
        };
        match index {
            Some(i) if name == "lines" || name == "readings" || name == "incidents" => {
                parts.push(format!("{label} {}", i + 1))
            }
            _ => parts.push(label.to_string()),
        }
    }
    let mut label = parts.join(", ");
    if let Some(first) = label.get(..1) {
        label = first.to_uppercase() + &label[1..];
    }
    label
}
