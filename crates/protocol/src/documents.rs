//! Signed documents of a consultation: the prescription (ordonnance) and the report
//! (compte rendu) the GP writes in the console and signs with a fresh TOTP code.
//!
//! The hub keeps every signed document immutable and versioned: a correction is a new
//! [`SignedDocument`] with `version + 1` whose `supersedes` names the previous one. The
//! station fetches them (`GET /api/station/consultations/{id}/documents`) and may receive
//! them live on the data channel (`DataMessage::Document`).
//!
//! ## Integrity: `sha256`
//! `sha256` is the lowercase hex SHA-256 of the **canonical JSON bytes** of `content`
//! ([`canonical_json`]), computed by the hub when it signs; anyone holding the document
//! checks it with [`content_sha256`] (or [`SignedDocument::verify`]). Canonical JSON here is:
//! - objects: members sorted by key, comparing the keys' UTF-8 bytes; each key written
//!   as serde_json writes a string;
//! - arrays: elements in their order;
//! - strings, numbers, booleans and null: exactly as `serde_json::to_vec` writes them
//!   (numbers through serde_json's own formatting, so `12.5` stays `12.5`);
//! - no whitespace anywhere (`{"a":1,"b":[true,null]}`).
//!
//! It does not depend on how the `Value` was built nor on serde_json's `preserve_order`
//! feature, so the same content gives the same hash on the hub and on the station after a
//! JSON round trip.
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::{Digest, Sha256};

/// What a signed document is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum DocumentKind {
    /// The prescription (ordonnance): `content` is a `relais_core::prescription::Prescription`.
    Prescription,
    /// The consultation report (compte rendu): `content` is a `relais_core::report::Report`.
    Report,
    /// The sick note (arrêt de travail): `content` is a `relais_core::sick_note::SickNote`.
    SickNote,
}

impl DocumentKind {
    /// Stable code, as in JSON: `prescription`, `report`, `sickNote`.
    pub fn code(self) -> &'static str {
        match self {
            Self::Prescription => "prescription",
            Self::Report => "report",
            Self::SickNote => "sickNote",
        }
    }

    /// Parses [`DocumentKind::code`].
    pub fn from_code(code: &str) -> Option<Self> {
        match code {
            "prescription" => Some(Self::Prescription),
            "report" => Some(Self::Report),
            "sickNote" => Some(Self::SickNote),
            _ => None,
        }
    }
}

/// Who signed a document (the GP who accepted the consultation).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Signer {
    /// Display name, e.g. "Dr Claire Martin".
    pub name: String,
    /// RPPS number (11 digits).
    pub rpps: String,
}

/// A document signed at the hub; never changed once stored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SignedDocument {
    /// Document id (UUID), unique across versions.
    pub id: String,
    /// Hub consultation id.
    pub consultation_id: String,
    /// Prescription or report.
    pub kind: DocumentKind,
    /// 1 for the first signed document of this kind in the consultation, then +1 per correction.
    pub version: u32,
    /// Id of the version this one corrects (the previous version), `None` for version 1.
    #[serde(default)]
    pub supersedes: Option<String>,
    /// The Prescription or Report JSON, as signed (hub-filled fields included).
    pub content: Value,
    /// When the hub signed it.
    pub signed_at: DateTime<Utc>,
    /// The signing GP.
    pub signed_by: Signer,
    /// Lowercase hex SHA-256 of the canonical JSON of `content` ([`content_sha256`]).
    pub sha256: String,
}

impl SignedDocument {
    /// True when `sha256` matches the content.
    pub fn verify(&self) -> bool {
        content_sha256(&self.content) == self.sha256
    }

    /// The first 12 hex digits of the hash, as shown to people.
    pub fn short_hash(&self) -> &str {
        self.sha256.get(..12).unwrap_or(&self.sha256)
    }
}

/// `POST /api/gp/consultations/{id}/documents`: sign a document.
///
/// The hub fills the fields it vouches for before validating and hashing: for a
/// prescription `id` (the document id, which is also the prescription's unique number),
/// `issuedAt` (its clock), `prescriber` (the GP's practitioner profile) and the patient's
/// identity (from the consultation; `weightKg` is kept from the request); for a report the
/// same kinds of fields (see `docs/HUB_PROTOCOL.md`).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SignDocumentRequest {
    /// Prescription or report.
    pub kind: DocumentKind,
    /// The Prescription or Report JSON as written by the GP.
    pub content: Value,
    /// A fresh six-digit TOTP code of the GP (each code usable once, as at sign-in).
    pub totp: String,
    /// For a correction: the id of the latest signed version of this kind.
    #[serde(default)]
    pub supersedes: Option<String>,
}

/// A technical incident of the call the hub knows (`GET /api/gp/consultations/{id}/incidents`),
/// to pre-fill the report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CallIncident {
    /// When it was recorded.
    pub at: DateTime<Utc>,
    /// Side that reported it: `station` or `gp`.
    pub side: String,
    /// Kind, e.g. `MEDIA_DISCONNECTED`, `ICE_RESTART`, `RECOVERED`, `PEER_LEFT`.
    pub kind: String,
    /// Short technical detail (no health data).
    pub detail: String,
}

/// The canonical JSON bytes of a value (see the module documentation).
pub fn canonical_json(value: &Value) -> Vec<u8> {
    let mut out = Vec::with_capacity(256);
    write_canonical(value, &mut out);
    out
}

/// Lowercase hex SHA-256 of [`canonical_json`] of `content`.
pub fn content_sha256(content: &Value) -> String {
    let digest = Sha256::digest(canonical_json(content));
    hex::encode(digest)
}

fn write_canonical(value: &Value, out: &mut Vec<u8>) {
    match value {
        Value::Object(map) => {
            let mut entries: Vec<(&String, &Value)> = map.iter().collect();
            entries.sort_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
            out.push(b'{');
            for (i, (key, item)) in entries.into_iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                write_scalar(&Value::String(key.clone()), out);
                out.push(b':');
                write_canonical(item, out);
            }
            out.push(b'}');
        }
        Value::Array(items) => {
            out.push(b'[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                write_canonical(item, out);
            }
            out.push(b']');
        }
        scalar => write_scalar(scalar, out),
    }
}

fn write_scalar(value: &Value, out: &mut Vec<u8>) {
    // Serialising a scalar `Value` into a Vec cannot fail (no I/O, no non-string keys).
    if serde_json::to_writer(&mut *out, value).is_err() {
        out.extend_from_slice(b"null");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn canonical_json_sorts_keys_at_every_level_without_whitespace() {
        let value = json!({"b": 1, "a": {"z": [true, null, "é\"x"], "m": 12.5}});
        let text = String::from_utf8(canonical_json(&value)).expect("utf8");
        assert_eq!(text, r#"{"a":{"m":12.5,"z":[true,null,"é\"x"]},"b":1}"#);
    }

    #[test]
    fn hash_survives_a_json_round_trip_and_key_order() {
        let a: Value = serde_json::from_str(r#"{"x":1,"y":{"b":2.25,"a":"ü"}}"#).expect("json");
        let b: Value =
            serde_json::from_str(r#"{ "y": {"a":"ü","b":2.25}, "x": 1 }"#).expect("json");
        assert_eq!(content_sha256(&a), content_sha256(&b));
        let again: Value =
            serde_json::from_slice(&serde_json::to_vec(&a).expect("to_vec")).expect("json");
        assert_eq!(content_sha256(&a), content_sha256(&again));
        assert_eq!(content_sha256(&a).len(), 64);
        assert_ne!(content_sha256(&a), content_sha256(&json!({"x": 2})));
    }

    #[test]
    fn known_vector() {
        // sha256 of the 2 bytes "{}".
        assert_eq!(
            content_sha256(&json!({})),
            "44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a"
        );
    }

    #[test]
    fn signed_document_json_is_camel_case_and_verifies() {
        let content = json!({"lines": [], "notes": "x"});
        let doc = SignedDocument {
            id: "d1".into(),
            consultation_id: "c1".into(),
            kind: DocumentKind::Prescription,
            version: 2,
            supersedes: Some("d0".into()),
            sha256: content_sha256(&content),
            content,
            signed_at: DateTime::parse_from_rfc3339("2026-11-26T10:42:00Z")
                .expect("date")
                .with_timezone(&Utc),
            signed_by: Signer {
                name: "Dr Claire Martin".into(),
                rpps: "10000000007".into(),
            },
        };
        let value = serde_json::to_value(&doc).expect("json");
        assert_eq!(value["consultationId"], "c1");
        assert_eq!(value["kind"], "prescription");
        assert_eq!(value["signedBy"]["rpps"], "10000000007");
        let back: SignedDocument = serde_json::from_value(value).expect("back");
        assert!(back.verify());
        assert_eq!(back.short_hash().len(), 12);
        let mut tampered = back.clone();
        tampered.content["notes"] = json!("y");
        assert!(!tampered.verify());
    }

    #[test]
    fn sign_request_refuses_unknown_fields() {
        let ok = serde_json::from_value::<SignDocumentRequest>(
            json!({"kind": "report", "content": {}, "totp": "123456"}),
        );
        assert!(ok.is_ok());
        let bad = serde_json::from_value::<SignDocumentRequest>(
            json!({"kind": "report", "content": {}, "totp": "123456", "sha256": "x"}),
        );
        assert!(bad.is_err());
    }
}
