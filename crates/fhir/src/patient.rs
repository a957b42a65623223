//! Patient: INS traits, INS identifier (qualified identities only), contact, médecin traitant.
use relais_core::identity::Sex;
use serde_json::{json, Map, Value};

use crate::codes::*;
use crate::common::{coding, concept, some_text};
use crate::input::{IdentityStatus, PatientInput};

/// FHIR administrative gender of an INS sex (INS "I", indéterminé, is `unknown`).
pub fn gender(sex: Sex) -> &'static str {
    match sex {
        Sex::F => "female",
        Sex::M => "male",
        Sex::I => "unknown",
    }
}

/// The INS identifier: INS-NIA for a temporary number (first digit 7 or 8), else INS-NIR.
pub fn ins_identifier(nir: &str) -> Value {
    let nir: String = nir.chars().filter(|c| !c.is_whitespace()).collect();
    let nia = nir.starts_with('7') || nir.starts_with('8');
    let (system, code, display, use_) = if nia {
        (INS_NIA_SYSTEM, "INS-NIA", "NIA", "temp")
    } else {
        (INS_NIR_SYSTEM, "INS-NIR", "NIR définitif", "official")
    };
    json!({
        "use": use_,
        "type": concept(FR_IDENTIFIER_TYPE, code, display),
        "system": system,
        "value": nir,
    })
}

/// The Patient resource. `gp` is the reference of the médecin traitant's Practitioner, if any.
pub fn resource(id: &str, p: &PatientInput, gp: Option<Value>) -> Value {
    let who = &p.identity;
    let mut identifiers = vec![json!({
        "use": "usual",
        "system": URI_SYSTEM,
        "value": format!("urn:uuid:{}", p.id),
    })];
    // The RNIV allows sharing the INS only for a qualified identity.
    if p.status == IdentityStatus::Qualified {
        if let Some(nir) = some_text(who.nir.as_deref()) {
            identifiers.push(ins_identifier(nir));
        }
    }
    let given: Vec<&str> = who.given_names.split_whitespace().collect();
    let mut names = vec![json!({
        "use": "official",
        "family": who.family_name.trim(),
        "given": given,
    })];
    if let Some(used) = some_text(who.used_name.as_deref()) {
        names.push(json!({ "use": "usual", "family": used, "given": given }));
    }
    let mut extensions = vec![json!({
        "url": FR_IDENTITY_RELIABILITY,
        "extension": [{
            "url": "identityStatus",
            "valueCoding": coding(FR_IDENTITY_STATUS, p.status.code(), p.status.label_fr()),
        }],
    })];
    if let Some(code) = some_text(who.birth_place_code.as_deref()) {
        extensions.push(json!({
            "url": BIRTH_PLACE,
            "valueAddress": {
                "extension": [{
                    "url": FR_INSEE_CODE,
                    "valueCoding": { "system": INSEE_COMMUNE, "code": code },
                }],
            },
        }));
    }
    let mut address = Map::new();
    address.insert("use".into(), json!("home"));
    if let Some(line) = some_text(who.address.as_deref()) {
        address.insert("line".into(), json!([line]));
    }
    address.insert("city".into(), json!(who.commune.trim()));
    if let Some(pc) = some_text(who.postal_code.as_deref()) {
        address.insert("postalCode".into(), json!(pc));
    }
    address.insert("country".into(), json!("France"));
    let mut r = json!({
        "resourceType": "Patient",
        "id": id,
        "extension": extensions,
        "identifier": identifiers,
        "name": names,
        "telecom": [{ "system": "phone", "value": who.phone.trim(), "use": "mobile" }],
        "gender": gender(who.sex),
        "birthDate": who.birth_date.format("%Y-%m-%d").to_string(),
        "address": [Value::Object(address)],
    });
    if let Some(gp) = gp {
        r["generalPractitioner"] = json!([gp]);
    }
    r
}
