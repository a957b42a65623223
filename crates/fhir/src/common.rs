//! Small builders shared by the resources.
use chrono::{DateTime, SecondsFormat, Utc};
use serde_json::{json, Value};

/// A FHIR `dateTime`/`instant`: RFC 3339 in UTC, to the second.
pub fn instant(at: &DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// A Coding.
pub fn coding(system: &str, code: &str, display: &str) -> Value {
    json!({ "system": system, "code": code, "display": display })
}

/// A CodeableConcept of one coding and a text.
pub fn concept(system: &str, code: &str, display: &str) -> Value {
    json!({ "coding": [coding(system, code, display)], "text": display })
}

/// A CodeableConcept of text only.
pub fn text_concept(text: &str) -> Value {
    json!({ "text": text })
}

/// A Reference to a resource of the bundle.
pub fn reference(urn: &str, display: &str) -> Value {
    if display.trim().is_empty() {
        json!({ "reference": urn })
    } else {
        json!({ "reference": urn, "display": display })
    }
}

/// Trimmed text, `None` when empty.
pub fn some_text(s: Option<&str>) -> Option<&str> {
    s.map(str::trim).filter(|s| !s.is_empty())
}

/// An Address from free text ("12 rue du Bourg, 28000 Chartres"), France.
pub fn address_text(text: &str) -> Value {
    json!({ "text": text.trim(), "country": "France" })
}
