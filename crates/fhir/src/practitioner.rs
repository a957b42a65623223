//! Practitioner: name, RPPS (as FR Core: IdNatPS "8" + RPPS, and the RPPS itself), contact.
use serde_json::{json, Value};

use crate::codes::*;
use crate::common::{address_text, concept, some_text, text_concept};
use crate::input::Professional;

/// The two identifiers of an RPPS holder, as FR Core's `idNatPs` and `rpps` slices.
pub fn rpps_identifiers(rpps: &str) -> Vec<Value> {
    let rpps = rpps.trim();
    vec![
        json!({
            "use": "official",
            "type": concept(FR_IDENTIFIER_TYPE, "IDNPS", "Identifiant national de professionnel de santé"),
            "system": IDNATPS_SYSTEM,
            "value": format!("8{rpps}"),
        }),
        json!({
            "type": concept(FR_IDENTIFIER_TYPE, "RPPS", "N° RPPS"),
            "system": RPPS_SYSTEM,
            "value": rpps,
        }),
    ]
}

/// The Practitioner resource.
pub fn resource(id: &str, p: &Professional) -> Value {
    let mut r = json!({
        "resourceType": "Practitioner",
        "id": id,
        "name": [{ "text": p.name.trim() }],
    });
    if let Some(rpps) = some_text(p.rpps.as_deref()) {
        r["identifier"] = json!(rpps_identifiers(rpps));
    }
    let mut telecom = Vec::new();
    if let Some(phone) = some_text(p.phone.as_deref()) {
        telecom.push(json!({ "system": "phone", "value": phone, "use": "work" }));
    }
    if let Some(email) = some_text(p.email.as_deref()) {
        telecom.push(json!({ "system": "email", "value": email, "use": "work" }));
    }
    if !telecom.is_empty() {
        r["telecom"] = json!(telecom);
    }
    if let Some(address) = some_text(p.address.as_deref()) {
        r["address"] = json!([address_text(address)]);
    }
    if !p.qualification.trim().is_empty() {
        r["qualification"] = json!([{ "code": text_concept(p.qualification.trim()) }]);
    }
    r
}

/// A minimal Practitioner for the patient's médecin traitant (name, RPPS when known).
pub fn treating_doctor(id: &str, name: &str, rpps: Option<&str>) -> Value {
    let mut r = json!({
        "resourceType": "Practitioner",
        "id": id,
        "name": [{ "text": name.trim() }],
    });
    if let Some(rpps) = some_text(rpps) {
        r["identifier"] = json!(rpps_identifiers(rpps));
    }
    r
}
