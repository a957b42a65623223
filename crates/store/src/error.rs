//! The store's error type: a stable machine code plus a French message for the user.
//!
//! Messages and codes never carry health data (names, NIR, clinical text): at most a
//! record kind and an id. The technical cause, when there is one, is kept as the
//! error's `source()` for the logs.

use rusqlite::ffi::ErrorCode;

/// Everything that can go wrong in the store.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// The database cannot be decrypted with this key (wrong key, passphrase or salt).
    #[error(
        "La clé de chiffrement ne correspond pas à cette base de données locale : \
         vérifiez la phrase secrète, ou que le trousseau du système est celui de ce poste."
    )]
    WrongKey,
    /// No OS credential store could hold the database key.
    #[error(
        "Aucun trousseau sécurisé n'est disponible sur ce poste pour conserver la clé de \
         chiffrement. Choisissez une phrase secrète (12 caractères au moins) : elle vous sera \
         demandée à chaque démarrage. ({reason})"
    )]
    KeyringUnavailable {
        /// Technical reason reported by the credential store (no secret, no health data).
        reason: String,
    },
    /// The keyring works but holds no key for an existing database.
    #[error(
        "La clé de chiffrement de la base locale est introuvable dans le trousseau du système \
         (trousseau effacé ou poste redémarré avec un trousseau non persistant). \
         Les données ne peuvent pas être lues sans elle."
    )]
    KeyMissing,
    /// A stored key or salt does not have the expected format.
    #[error("La clé de chiffrement enregistrée sur ce poste est illisible ({what}).")]
    KeyInvalid {
        /// Which stored item is malformed (e.g. "keyring entry", "salt file").
        what: &'static str,
    },
    /// The passphrase is shorter than [`crate::MIN_PASSPHRASE_CHARS`] characters.
    #[error("La phrase secrète doit contenir au moins 12 caractères.")]
    PassphraseTooShort,
    /// The SQLite library in use does not encrypt (not SQLCipher): refuse to write in clear.
    #[error("Le chiffrement de la base locale n'est pas disponible : installation incomplète.")]
    EncryptionUnavailable,
    /// The database was written by a newer version of Relais.
    #[error(
        "La base locale a été créée par une version plus récente de Relais \
         (schéma {found}, ce logiciel connaît jusqu'au schéma {supported}). Mettez Relais à jour."
    )]
    TooNew {
        /// Schema version found in the file.
        found: i64,
        /// Highest schema version this code knows.
        supported: i64,
    },
    /// The requested record does not exist.
    #[error("Élément introuvable : {what} {id}.")]
    NotFound {
        /// Kind of record, in French ("patient", "consultation", ...).
        what: &'static str,
        /// Its id.
        id: String,
    },
    /// The change conflicts with the current data (duplicate, stale state...).
    #[error("Conflit : {reason}.")]
    Conflict {
        /// What conflicts, in French, without health data.
        reason: &'static str,
    },
    /// A value given by the caller is not acceptable.
    #[error("Donnée invalide : {field}.")]
    InvalidInput {
        /// Which field, in French.
        field: &'static str,
    },
    /// The disk (or the database size limit) is full; nothing of the failed change was written.
    #[error(
        "Le disque est plein : l'enregistrement n'a pas été fait. Libérez de la place puis \
         recommencez ; les données déjà enregistrées sont intactes."
    )]
    DiskFull,
    /// The database file or a stored value is damaged.
    #[error("La base locale est endommagée ({what}). Contactez le support.")]
    Corrupt {
        /// What was found damaged (technical, no health data).
        what: &'static str,
    },
    /// A file system operation failed.
    #[error("Erreur d'accès au disque.")]
    Io(#[source] std::io::Error),
    /// Hashing (Argon2) failed.
    #[error("Erreur du calcul cryptographique.")]
    Crypto(&'static str),
    /// Any other SQLite error.
    #[error("Erreur de la base locale.")]
    Database(#[source] rusqlite::Error),
}

impl StoreError {
    /// Stable machine code of this error, for the UI to branch on.
    pub fn code(&self) -> &'static str {
        match self {
            StoreError::WrongKey => "WRONG_KEY",
            StoreError::KeyringUnavailable { .. } => "KEYRING_UNAVAILABLE",
            StoreError::KeyMissing => "KEY_MISSING",
            StoreError::KeyInvalid { .. } => "KEY_INVALID",
            StoreError::PassphraseTooShort => "PASSPHRASE_TOO_SHORT",
            StoreError::EncryptionUnavailable => "ENCRYPTION_UNAVAILABLE",
            StoreError::TooNew { .. } => "TOO_NEW",
            StoreError::NotFound { .. } => "NOT_FOUND",
            StoreError::Conflict { .. } => "CONFLICT",
            StoreError::InvalidInput { .. } => "INVALID_INPUT",
            StoreError::DiskFull => "DISK_FULL",
            StoreError::Corrupt { .. } => "CORRUPT",
            StoreError::Io(_) => "IO",
            StoreError::Crypto(_) => "CRYPTO",
            StoreError::Database(_) => "DATABASE",
        }
    }
}

/// SQLite primary error code of a rusqlite error, if it is an SQLite failure.
pub(crate) fn sqlite_code(e: &rusqlite::Error) -> Option<ErrorCode> {
    match e {
        rusqlite::Error::SqliteFailure(f, _) => Some(f.code),
        _ => None,
    }
}

/// True when the error is a UNIQUE or PRIMARY KEY constraint violation.
pub(crate) fn is_unique_violation(e: &rusqlite::Error) -> bool {
    match e {
        rusqlite::Error::SqliteFailure(f, _) => {
            f.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE
                || f.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_PRIMARYKEY
        }
        _ => false,
    }
}

/// True when the error is a FOREIGN KEY constraint violation.
pub(crate) fn is_foreign_key_violation(e: &rusqlite::Error) -> bool {
    matches!(e, rusqlite::Error::SqliteFailure(f, _)
        if f.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_FOREIGNKEY)
}

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> Self {
        match sqlite_code(&e) {
            Some(ErrorCode::DiskFull) => StoreError::DiskFull,
            Some(ErrorCode::DatabaseCorrupt) | Some(ErrorCode::NotADatabase) => {
                StoreError::Corrupt {
                    what: "fichier de base",
                }
            }
            _ => StoreError::Database(e),
        }
    }
}

impl From<std::io::Error> for StoreError {
    fn from(e: std::io::Error) -> Self {
        if e.kind() == std::io::ErrorKind::StorageFull {
            StoreError::DiskFull
        } else {
            StoreError::Io(e)
        }
    }
}

/// Result type of the store.
pub type Result<T> = std::result::Result<T, StoreError>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_stable_and_messages_french() {
        let cases: Vec<(StoreError, &str)> = vec![
            (StoreError::WrongKey, "WRONG_KEY"),
            (
                StoreError::KeyringUnavailable { reason: "x".into() },
                "KEYRING_UNAVAILABLE",
            ),
            (StoreError::PassphraseTooShort, "PASSPHRASE_TOO_SHORT"),
            (
                StoreError::NotFound {
                    what: "patient",
                    id: "p1".into(),
                },
                "NOT_FOUND",
            ),
            (StoreError::Conflict { reason: "r" }, "CONFLICT"),
            (StoreError::DiskFull, "DISK_FULL"),
            (StoreError::Corrupt { what: "w" }, "CORRUPT"),
            (
                StoreError::TooNew {
                    found: 9,
                    supported: 1,
                },
                "TOO_NEW",
            ),
        ];
        for (e, code) in cases {
            assert_eq!(e.code(), code);
            assert!(!e.to_string().is_empty());
        }
        assert!(StoreError::WrongKey
            .to_string()
            .starts_with("La clé de chiffrement ne correspond pas à cette base"));
    }
}
