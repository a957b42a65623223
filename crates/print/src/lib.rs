//! Relais documents as A4 PDF: the prescription (ordonnance), the consultation report and
//! the sick note (arrêt de travail).
//!
//! - [`prescription::render`]: every mention the Code de la santé publique requires
//!   (R5132-3), the unique number with its QR code, the ALD bizone layout when a line is
//!   for the affection de longue durée, page numbers when the lines run over a page;
//! - [`report::render`]: the compte rendu of the teleconsultation (R6316-3/4);
//! - [`sick_note::render`]: the avis d'arrêt de travail, one page for the caisse's medical
//!   service (with the medical reason) and one for the employer (without it);
//! - `render_signed` variants print the electronic signature block (signer, date, version,
//!   the SHA-256 of the signed content, the version it replaces).
//!
//! The text is set in DejaVu Sans, embedded in the binary and in every PDF (accents, €),
//! so the output never depends on the fonts of the machine. Invalid data is refused
//! before anything is drawn: a [`PrintError::Invalid`] names the field, and no
//! half-filled document exists.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

use chrono::{DateTime, FixedOffset};
use relais_core::prescription::{DocumentError, DocumentErrorKind};
use serde::{Deserialize, Serialize};

mod blocks;
mod fr;
mod layout;
pub mod prescription;
mod qr;
pub mod report;
pub mod sick_note;

/// Why a document cannot be printed. `Display` is the French message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PrintError {
    /// The document is invalid; the error names the field.
    #[error("{0}")]
    Invalid(#[from] DocumentError),
    /// The embedded font cannot be read (a broken build).
    #[error(
        "La police de caractères intégrée est illisible : le document ne peut pas être produit."
    )]
    Font,
    /// The QR code of the number cannot be built.
    #[error("Le QR code du numéro de document ne peut pas être construit.")]
    QrCode,
}

impl PrintError {
    /// Stable machine code, SCREAMING_SNAKE_CASE (the field's code for invalid data).
    pub fn code(&self) -> &'static str {
        match self {
            Self::Invalid(e) => e.code(),
            Self::Font => "PRINT_FONT",
            Self::QrCode => "PRINT_QR_CODE",
        }
    }

    /// The camelCase path of the invalid field, when the data is at fault.
    pub fn field(&self) -> Option<&str> {
        match self {
            Self::Invalid(e) => Some(&e.field),
            _ => None,
        }
    }
}

/// The electronic signature of a document version, printed at the foot of the document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Signature {
    /// When the GP signed, RFC 3339.
    pub signed_at: DateTime<FixedOffset>,
    /// Who signed, e.g. "Dr Hélène Lefèvre".
    pub signer: String,
    /// Version of the document, from 1; a correction is a new version.
    pub version: u32,
    /// SHA-256 of the signed content, 64 hexadecimal digits.
    pub sha256: String,
    /// The version this one replaces (e.g. "version 1, SHA-256 …"), when it is a correction.
    #[serde(default)]
    pub supersedes: Option<String>,
}

impl Signature {
    /// The first invalid field (paths under `signature.`).
    pub fn validate(&self) -> Result<(), DocumentError> {
        if self.signer.trim().is_empty() {
            return Err(DocumentError::new(
                "signature.signer",
                DocumentErrorKind::Required,
            ));
        }
        if self.version == 0 {
            return Err(DocumentError::new(
                "signature.version",
                DocumentErrorKind::VersionFormat,
            ));
        }
        if self.sha256.len() != 64 || !self.sha256.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(DocumentError::new(
                "signature.sha256",
                DocumentErrorKind::HashFormat,
            ));
        }
        Ok(())
    }
}
