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

/// `mobile` for a French mobile number (06, 07, +33 6, +33 7), else `home`.
pub fn phone_use(phone: &str) -> &'static str {
    let digits: String = phone
        .chars()
        .filter(|c| c.is_ascii_digit() || *c == '+')
        .collect();
    let national = digits
        .strip_prefix("+33")
        .or_else(|| digits.strip_prefix("0033"))
        .or_else(|| digits.strip_prefix('0'))
        .unwrap_or(&digits);
    if national.starts_with('6') || national.starts_with('7') {
        "mobile"
    } else {
        "home"
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
        "telecom": [{ "system": "phone", "value": who.phone.trim(), "use": phone_use(&who.phone) }],
        "gender": gender(who.sex),
        "birthDate": who.birth_date.format("%Y-%m-%d").to_string(),
        "address": [Value::Object(address)],
    });
    if let Some(gp) = gp {
        r["generalPractitioner"] = json!([gp]);
    }
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mobile_and_landline_numbers() {
        assert_eq!(phone_use("+33612345678"), "mobile");
        assert_eq!(phone_use("07 12 34 56 78"), "mobile");
        assert_eq!(phone_use("+33 2 37 12 34 56"), "home");
        assert_eq!(phone_use("0237123456"), "home");
    }
}
