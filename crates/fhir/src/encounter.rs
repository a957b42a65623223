//! Encounter (class VR, virtual) and the Location of the site where the patient was.
use serde_json::{json, Value};

use crate::codes::*;
use crate::common::{concept, instant, some_text, text_concept};
use crate::error::FhirError;
use crate::input::{EncounterInput, SiteInput};

/// The Location of the site.
pub fn location(id: &str, site: &SiteInput) -> Value {
    let mut address = json!({ "city": site.commune.trim(), "country": "France" });
    if let Some(text) = some_text(site.address.as_deref()) {
        address["text"] = json!(text);
    }
    json!({
        "resourceType": "Location",
        "id": id,
        "identifier": [{ "system": URI_SYSTEM, "value": format!("urn:uuid:{}", site.id) }],
        "status": "active",
        "name": site.name.trim(),
        "description": site.kind.trim(),
        "mode": "instance",
        "address": address,
    })
}

/// References the Encounter needs.
pub struct EncounterRefs {
    /// The patient.
    pub patient: Value,
    /// The remote doctor, if known.
    pub practitioner: Option<Value>,
    /// The professional beside the patient.
    pub assistant: Value,
    /// The site.
    pub location: Value,
}

/// The Encounter resource.
pub fn resource(id: &str, e: &EncounterInput, refs: EncounterRefs) -> Result<Value, FhirError> {
    if e.end.is_some_and(|end| end < e.start) {
        return Err(FhirError::EndBeforeStart);
    }
    let mut participants = Vec::new();
    if let Some(gp) = refs.practitioner {
        participants.push(json!({
            "type": [concept(V3_PARTICIPATION_TYPE, "PPRF", "primary performer")],
            "individual": gp,
        }));
    }
    participants.push(json!({
        "type": [concept(V3_PARTICIPATION_TYPE, "SPRF", "secondary performer")],
        "individual": refs.assistant,
    }));
    let mut period = json!({ "start": instant(&e.start) });
    if let Some(end) = e.end {
        period["end"] = json!(instant(&end));
    }
    let mut r = json!({
        "resourceType": "Encounter",
        "id": id,
        "status": e.status.code(),
        "class": { "system": V3_ACT_CODE, "code": "VR", "display": "virtual" },
        "type": [text_concept("Téléconsultation assistée par un professionnel de santé")],
        "subject": refs.patient,
        "participant": participants,
        "period": period,
        "location": [{ "location": refs.location }],
    });
    if !e.reason.trim().is_empty() {
        r["reasonCode"] = json!([text_concept(e.reason.trim())]);
    }
    Ok(r)
}
