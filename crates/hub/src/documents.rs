//! Signing documents: what the hub vouches for in a prescription, a report or a sick note, the
//! validation by `relais_core`, the content hash, and the call incidents it knows.
//!
//! The GP's console sends the content it wrote; the hub overwrites the fields it is the
//! authority for (document number, dates, the signer, the patient's identity), reads the
//! result as the core type (which names the first wrong field), validates it, and keeps the
//! typed form re-serialised: what is hashed and stored is exactly the core's JSON shape.

use chrono::{DateTime, FixedOffset, Local, NaiveDate, Utc};
use relais_core::prescription::{
    DocumentError, DocumentErrorKind, Patient, Prescriber, Prescription,
};
use relais_core::report::Report;
use relais_core::sick_note::{self, SickNote};
use relais_protocol::api::PractitionerProfile;
use relais_protocol::documents::{CallIncident, DocumentKind};
use serde_json::{Map, Value};

use crate::audit::AuditEntry;
use crate::store::{AccountRow, ConsultationRow};

/// Why a content cannot be signed.
#[derive(Debug, Clone, PartialEq)]
pub enum PrepareError {
    /// The content is not a JSON object.
    NotAnObject,
    /// The GP's account lacks the name, RPPS or practitioner profile a document needs.
    ProfileIncomplete,
    /// A field is missing or wrong (the core's typed error, naming the field).
    Invalid(DocumentError),
}

/// What the hub puts in a document besides the GP's content.
#[derive(Debug, Clone)]
pub struct Authority<'a> {
    /// Document id, also the document's number.
    pub document_id: &'a str,
    /// Signing time.
    pub now: DateTime<Utc>,
    /// Today, for the date checks.
    pub today: NaiveDate,
    /// The consultation.
    pub consultation: &'a ConsultationRow,
    /// The signing GP.
    pub signer: &'a AccountRow,
}

/// A time as the hub's local offset (what is printed to a French patient).
fn local(at: DateTime<Utc>) -> DateTime<FixedOffset> {
    at.with_timezone(&Local).fixed_offset()
}

/// The prescriber block: the account's name and RPPS, and its practitioner profile.
pub fn prescriber(account: &AccountRow) -> Option<Prescriber> {
    let rpps = account.rpps.clone()?;
    let PractitionerProfile {
        qualification,
        address,
        phone,
        email,
    } = account.profile.clone()?;
    Some(Prescriber {
        name: account.name.clone(),
        qualification,
        rpps,
        address,
        phone,
        email,
    })
}

/// The patient as the consultation names them; `weight_kg` from the GP's content.
fn patient(consultation: &ConsultationRow, content: &Map<String, Value>) -> Patient {
    let weight_kg = content
        .get("patient")
        .and_then(|p| p.get("weightKg"))
        .and_then(Value::as_f64);
    Patient {
        family_name: consultation.patient.family_name.clone(),
        given_names: consultation.patient.given_names.clone(),
        sex: consultation.patient.sex,
        birth_date: consultation.patient.birth_date,
        weight_kg,
    }
}

fn json<T: serde::Serialize>(v: &T) -> Value {
    serde_json::to_value(v).unwrap_or(Value::Null)
}

/// Fills the hub's fields, reads and validates the content; returns the content to sign
/// (the core type's JSON form).
pub fn prepare(
    kind: DocumentKind,
    content: Value,
    authority: &Authority<'_>,
) -> Result<Value, PrepareError> {
    let Value::Object(mut map) = content else {
        return Err(PrepareError::NotAnObject);
    };
    let gp = prescriber(authority.signer).ok_or(PrepareError::ProfileIncomplete)?;
    let patient = patient(authority.consultation, &map);
    map.insert("id".into(), Value::String(authority.document_id.into()));
    map.insert("patient".into(), json(&patient));
    let text = match kind {
        DocumentKind::Prescription => {
            map.insert("issuedAt".into(), json(&local(authority.now)));
            map.insert("prescriber".into(), json(&gp));
            let p = Prescription::from_json(&Value::Object(map).to_string())
                .map_err(PrepareError::Invalid)?;
            p.validate(authority.today).map_err(PrepareError::Invalid)?;
            json(&p)
        }
        DocumentKind::Report => {
            let c = authority.consultation;
            map.insert("consultationId".into(), Value::String(c.id.clone()));
            let started = c.accepted_at.unwrap_or(c.requested_at);
            map.insert("startedAt".into(), json(&local(started)));
            match c.ended_at {
                Some(end) => map.insert("endedAt".into(), json(&local(end))),
                None => map.remove("endedAt"),
            };
            map.insert("gp".into(), json(&gp));
            let r = Report::from_json(&Value::Object(map).to_string())
                .map_err(PrepareError::Invalid)?;
            r.validate(authority.today).map_err(PrepareError::Invalid)?;
            json(&r)
        }
        DocumentKind::SickNote => {
            map.insert("issuedAt".into(), json(&local(authority.now)));
            let declared = map
                .remove("declaredTreatingGp")
                .unwrap_or(Value::Bool(false));
            let Value::Bool(declared) = declared else {
                return Err(PrepareError::Invalid(DocumentError::new(
                    "declaredTreatingGp",
                    DocumentErrorKind::Malformed {
                        detail: "expected a boolean".into(),
                    },
                )));
            };
            let recorded = authority
                .consultation
                .patient
                .treating_doctor
                .as_ref()
                .and_then(|d| d.rpps.as_deref());
            let decided = sick_note::treating_gp(&gp.rpps, recorded, declared)
                .map_err(PrepareError::Invalid)?;
            map.insert("byTreatingGp".into(), Value::Bool(decided.by_treating_gp));
            map.insert("treatingGpSource".into(), json(&decided.source));
            map.insert("prescriber".into(), json(&gp));
            map.insert(
                "patient".into(),
                json(&Patient {
                    weight_kg: None,
                    ..patient
                }),
            );
            let n = SickNote::from_json(&Value::Object(map).to_string())
                .map_err(PrepareError::Invalid)?;
            n.validate(authority.today).map_err(PrepareError::Invalid)?;
            json(&n)
        }
    };
    Ok(text)
}

/// Reads `key=value` out of an audit detail whose last field (`detail=`) may hold spaces.
fn detail_field<'a>(detail: &'a str, key: &str) -> Option<&'a str> {
    let start = if detail.starts_with(&format!("{key}=")) {
        0
    } else {
        detail.find(&format!(" {key}="))? + 1
    };
    let rest = &detail[start + key.len() + 1..];
    if key == "detail" {
        return Some(rest);
    }
    Some(rest.split(' ').next().unwrap_or(""))
}

/// The call's incidents from the consultation's audit entries: every `incident` a side
/// reported, and every drop of a side (`signal.leave`) before the hang-up.
pub fn incidents(entries: &[AuditEntry]) -> Vec<CallIncident> {
    let hangup = entries
        .iter()
        .find(|e| e.action == "signal.hangup")
        .map(|e| e.seq);
    entries
        .iter()
        .filter_map(|e| match e.action.as_str() {
            "signal.incident" => Some(CallIncident {
                at: e.at,
                side: detail_field(&e.detail, "side").unwrap_or("").to_string(),
                kind: detail_field(&e.detail, "kind").unwrap_or("").to_string(),
                detail: detail_field(&e.detail, "detail").unwrap_or("").to_string(),
            }),
            "signal.leave" if hangup.is_none_or(|h| e.seq < h) => Some(CallIncident {
                at: e.at,
                side: detail_field(&e.detail, "side").unwrap_or("").to_string(),
                kind: "PEER_LEFT".into(),
                detail: String::new(),
            }),
            _ => None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(seq: i64, action: &str, detail: &str) -> AuditEntry {
        AuditEntry {
            seq,
            at: Utc::now(),
            actor_kind: "station".into(),
            actor_id: Some("s".into()),
            action: action.into(),
            consultation_id: Some("c".into()),
            detail: detail.into(),
            prev_hash: String::new(),
            hash: String::new(),
        }
    }

    #[test]
    fn incidents_are_reports_and_drops_before_the_hang_up() {
        let entries = [
            entry(1, "signal.join", "side=station"),
            entry(
                2,
                "signal.incident",
                "side=station kind=MEDIA_DISCONNECTED detail=ice failed 3 s",
            ),
            entry(3, "signal.leave", "side=station"),
            entry(4, "signal.join", "side=station"),
            entry(5, "signal.hangup", "side=gp"),
            entry(6, "signal.leave", "side=gp"),
        ];
        let found = incidents(&entries);
        assert_eq!(found.len(), 2);
        assert_eq!(found[0].kind, "MEDIA_DISCONNECTED");
        assert_eq!(found[0].side, "station");
        assert_eq!(found[0].detail, "ice failed 3 s");
        assert_eq!(found[1].kind, "PEER_LEFT");
        assert_eq!(found[1].side, "station");
    }
}
