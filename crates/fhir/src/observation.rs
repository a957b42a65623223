//! Observations of the readings: LOINC codes, UCUM units, vital-signs category.
use relais_core::measurement::Reading;
use serde_json::{json, Value};

use crate::codes::*;
use crate::common::{coding, concept, instant};
use crate::error::FhirError;
use crate::input::{ReadingInput, ReadingSource};

/// A UCUM Quantity, rounded to `decimals` (the precision shown to the nurse).
fn quantity(
    value: f64,
    decimals: i32,
    unit: &str,
    code: &str,
    what: &'static str,
) -> Result<Value, FhirError> {
    if !value.is_finite() {
        return Err(FhirError::NotANumber { what });
    }
    let factor = 10f64.powi(decimals);
    let rounded = (value * factor).round() / factor;
    Ok(json!({ "value": rounded, "unit": unit, "system": UCUM, "code": code }))
}

/// The LOINC codings (first the main one), category and value of one reading.
struct Coded {
    codings: Vec<Value>,
    text: &'static str,
    category: (&'static str, &'static str),
    value: Option<Value>,
    components: Vec<Value>,
}

const VITAL: (&str, &str) = ("vital-signs", "Vital Signs");
const LAB: (&str, &str) = ("laboratory", "Laboratory");

fn coded(reading: &Reading) -> Result<Coded, FhirError> {
    Ok(match *reading {
        Reading::BloodPressure {
            systolic,
            diastolic,
        } => Coded {
            codings: vec![coding(
                LOINC,
                "85354-9",
                "Blood pressure panel with all children optional",
            )],
            text: "Pression artérielle",
            category: VITAL,
            value: None,
            components: vec![
                json!({
                    "code": concept(LOINC, "8480-6", "Systolic blood pressure"),
                    "valueQuantity": quantity(systolic, 0, "mmHg", "mm[Hg]", "pression systolique")?,
                }),
                json!({
                    "code": concept(LOINC, "8462-4", "Diastolic blood pressure"),
                    "valueQuantity": quantity(diastolic, 0, "mmHg", "mm[Hg]", "pression diastolique")?,
                }),
            ],
        },
        Reading::Pulse { bpm } => Coded {
            codings: vec![coding(LOINC, "8867-4", "Heart rate")],
            text: "Fréquence cardiaque",
            category: VITAL,
            value: Some(quantity(bpm, 0, "/min", "/min", "fréquence cardiaque")?),
            components: vec![],
        },
        Reading::SpO2 { percent } => Coded {
            codings: vec![
                coding(
                    LOINC,
                    "59408-5",
                    "Oxygen saturation in Arterial blood by Pulse oximetry",
                ),
                coding(LOINC, "2708-6", "Oxygen saturation in Arterial blood"),
            ],
            text: "Saturation en oxygène (SpO2)",
            category: VITAL,
            value: Some(quantity(percent, 0, "%", "%", "saturation en oxygène")?),
            components: vec![],
        },
        Reading::Temperature { celsius } => Coded {
            codings: vec![coding(LOINC, "8310-5", "Body temperature")],
            text: "Température corporelle",
            category: VITAL,
            value: Some(quantity(celsius, 1, "°C", "Cel", "température")?),
            components: vec![],
        },
        Reading::Weight { kg } => Coded {
            codings: vec![coding(LOINC, "29463-7", "Body weight")],
            text: "Poids",
            category: VITAL,
            value: Some(quantity(kg, 2, "kg", "kg", "poids")?),
            components: vec![],
        },
        Reading::Glycaemia { g_per_l } => Coded {
            codings: vec![coding(
                LOINC,
                "41653-7",
                "Glucose [Mass/volume] in Capillary blood by Glucometer",
            )],
            text: "Glycémie capillaire",
            category: LAB,
            value: Some(quantity(g_per_l, 2, "g/L", "g/L", "glycémie")?),
            components: vec![],
        },
    })
}

/// The LOINC code of the reading's Observation (the main one).
pub fn loinc_code(reading: &Reading) -> &'static str {
    match reading {
        Reading::BloodPressure { .. } => "85354-9",
        Reading::Pulse { .. } => "8867-4",
        Reading::SpO2 { .. } => "59408-5",
        Reading::Temperature { .. } => "8310-5",
        Reading::Weight { .. } => "29463-7",
        Reading::Glycaemia { .. } => "41653-7",
    }
}

/// References an Observation needs.
pub struct ObservationRefs {
    /// The patient.
    pub patient: Value,
    /// The encounter.
    pub encounter: Value,
    /// Who took it (Practitioner or Patient).
    pub performer: Value,
    /// The instrument's Device, when read by one.
    pub device: Option<Value>,
}

/// The Observation resource of one reading.
pub fn resource(id: &str, r: &ReadingInput, refs: ObservationRefs) -> Result<Value, FhirError> {
    let c = coded(&r.reading)?;
    let mut o = json!({
        "resourceType": "Observation",
        "id": id,
        "status": "final",
        "category": [{
            "coding": [coding(OBSERVATION_CATEGORY, c.category.0, c.category.1)],
        }],
        "code": { "coding": c.codings, "text": c.text },
        "subject": refs.patient,
        "encounter": refs.encounter,
        "effectiveDateTime": instant(&r.taken_at),
        "performer": [refs.performer],
    });
    if let Some(v) = c.value {
        o["valueQuantity"] = v;
    }
    if !c.components.is_empty() {
        o["component"] = json!(c.components);
    }
    match (&r.source, refs.device) {
        (ReadingSource::Instrument { .. }, Some(device)) => o["device"] = device,
        _ => o["method"] = json!({ "text": "Saisie manuelle" }),
    }
    Ok(o)
}

/// The Device of an instrument.
pub fn device(id: &str, name: &str) -> Value {
    json!({
        "resourceType": "Device",
        "id": id,
        "status": "active",
        "deviceName": [{ "name": name.trim(), "type": "user-friendly-name" }],
    })
}
