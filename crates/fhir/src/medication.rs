//! MedicationRequest: one per line of the signed prescription.
use relais_core::prescription::{Line, Prescription};
use serde_json::{json, Value};

use crate::codes::*;
use crate::common::{some_text, text_concept};

/// References a MedicationRequest needs.
pub struct MedicationRefs {
    /// The patient.
    pub patient: Value,
    /// The encounter.
    pub encounter: Value,
    /// The prescriber.
    pub requester: Value,
}

/// A leading number and the rest ("1 boîte de 30" → 1, "boîte de 30").
fn leading_number(text: &str) -> Option<(f64, &str)> {
    let text = text.trim();
    let end = text
        .find(|c: char| !(c.is_ascii_digit() || c == ',' || c == '.'))
        .unwrap_or(text.len());
    let number: f64 = text[..end].replace(',', ".").parse().ok()?;
    Some((number, text[end..].trim()))
}

/// A UCUM duration from French text ("5 jours", "3 semaines", "1 mois"), when it reads as one.
pub fn duration(text: &str) -> Option<Value> {
    let (value, unit) = leading_number(text)?;
    let code = match unit.to_lowercase().trim_end_matches('.') {
        "j" | "jour" | "jours" => "d",
        "sem" | "semaine" | "semaines" => "wk",
        "mois" => "mo",
        "an" | "ans" | "année" | "années" => "a",
        _ => return None,
    };
    Some(json!({ "value": value, "unit": unit, "system": UCUM, "code": code }))
}

/// The quantity to dispense ("1 boîte de 30" → 1 "boîte de 30"), when it starts with a number.
pub fn quantity(text: &str) -> Option<Value> {
    let (value, unit) = leading_number(text)?;
    let mut q = json!({ "value": value });
    if !unit.is_empty() {
        q["unit"] = json!(unit);
    }
    Some(q)
}

/// The dosage instruction as read by a pharmacist: dosage, then duration.
pub fn dosage_text(line: &Line) -> String {
    match some_text(line.duration.as_deref()) {
        Some(d) => format!("{}, pendant {d}", line.dosage.trim()),
        None => line.dosage.trim().to_string(),
    }
}

/// The MedicationRequest of line `index` (0-based) of `p`.
pub fn resource(
    id: &str,
    p: &Prescription,
    index: usize,
    line: &Line,
    refs: &MedicationRefs,
) -> Value {
    let mut dispense = json!({
        "validityPeriod": { "start": p.issued_at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true) },
        "numberOfRepeatsAllowed": line.renewals,
    });
    let mut notes = Vec::new();
    if let Some(q) = some_text(line.quantity.as_deref()) {
        match quantity(q) {
            Some(v) => dispense["quantity"] = v,
            None => notes.push(format!("Quantité : {q}")),
        }
    }
    if let Some(d) = some_text(line.duration.as_deref()).and_then(duration) {
        dispense["expectedSupplyDuration"] = d;
    }
    if line.ald {
        notes.push(
            "Prescription en rapport avec l'affection de longue durée (ALD) exonérante."
                .to_string(),
        );
    }
    if line.non_substitutable {
        notes.push("Non substituable.".to_string());
    }
    if let Some(n) = some_text(Some(&p.notes)) {
        notes.push(n.to_string());
    }
    let mut r = json!({
        "resourceType": "MedicationRequest",
        "id": id,
        "identifier": [{ "system": RELAIS_PRESCRIPTION, "value": format!("{}-{}", p.id.trim(), index + 1) }],
        "groupIdentifier": { "system": RELAIS_PRESCRIPTION, "value": p.id.trim() },
        "status": "active",
        "intent": "order",
        "medicationCodeableConcept": text_concept(line.drug.trim()),
        "subject": refs.patient,
        "encounter": refs.encounter,
        "authoredOn": p.issued_at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        "requester": refs.requester,
        "dosageInstruction": [{ "sequence": 1, "text": dosage_text(line) }],
        "dispenseRequest": dispense,
        "substitution": if line.non_substitutable {
            json!({ "allowedBoolean": false, "reason": text_concept("Non substituable") })
        } else {
            json!({ "allowedBoolean": true })
        },
    });
    if line.ald {
        r["extension"] = json!([{ "url": RELAIS_ALD, "valueBoolean": true }]);
    }
    if !notes.is_empty() {
        r["note"] = json!(notes
            .into_iter()
            .map(|t| json!({ "text": t }))
            .collect::<Vec<_>>());
    }
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_french_durations_and_quantities() {
        assert_eq!(
            duration("5 jours").map(|d| d["code"].clone()),
            Some(json!("d"))
        );
        assert_eq!(
            duration("3 semaines").map(|d| d["value"].clone()),
            Some(json!(3.0))
        );
        assert_eq!(
            duration("1 mois").map(|d| d["code"].clone()),
            Some(json!("mo"))
        );
        assert_eq!(duration("jusqu'à guérison"), None);
        let q = quantity("1 boîte de 30").unwrap_or_default();
        assert_eq!(q["value"], json!(1.0));
        assert_eq!(q["unit"], json!("boîte de 30"));
        assert_eq!(quantity("une boîte"), None);
        assert_eq!(leading_number("2,5 ml"), Some((2.5, "ml")));
    }
}
