//! Validation of the report.
use chrono::NaiveDate;

use super::Report;
use crate::identity::Rpps;
use crate::measurement;
use crate::prescription::validate::{self as v, Errors};
use crate::prescription::{DocumentError, DocumentErrorKind as K};

/// Every invalid field of a report, in document order.
pub(super) fn report(r: &Report, today: NaiveDate) -> Vec<DocumentError> {
    let mut e = Errors(Vec::new());
    v::document_id(&mut e, "id", &r.id);
    v::document_id(&mut e, "consultationId", &r.consultation_id);
    if r.started_at.date_naive() > today {
        e.push("startedAt", K::DateFuture);
    }
    if r.ended_at.is_some_and(|end| end < r.started_at) {
        e.push("endedAt", K::EndBeforeStart);
    }
    let on = r.started_at.date_naive().min(today);
    v::patient(&mut e, "patient", &r.patient, on, false);
    if !r.patient_consent {
        e.push("patientConsent", K::ConsentRequired);
    }
    v::prescriber(&mut e, "gp", &r.gp);
    e.required("assistant.name", &r.assistant.name);
    e.required("assistant.profession", &r.assistant.profession);
    if let Some(rpps) = r.assistant.rpps.as_deref().filter(|s| !s.trim().is_empty()) {
        if Rpps::parse(rpps).is_err() {
            e.push("assistant.rpps", K::RppsFormat);
        }
    }
    e.required("reason", &r.reason);
    e.required("findings", &r.findings);
    for (i, taken) in r.readings.iter().enumerate() {
        if measurement::check(&taken.reading).is_implausible() {
            e.push(format!("readings[{i}]"), K::ReadingImplausible);
        }
    }
    e.required("orientation", &r.orientation);
    for (i, id) in r.prescription_ids.iter().enumerate() {
        v::document_id(&mut e, &format!("prescriptionIds[{i}]"), id);
    }
    if !r.acts.contains(&super::ActCode::Tcg) {
        e.push("acts", K::GpActRequired);
    }
    let gp_acts = r.acts.iter().filter(|a| !a.is_assistance()).count();
    let assistance_acts = r.acts.iter().filter(|a| a.is_assistance()).count();
    if gp_acts > 1 || assistance_acts > 1 {
        e.push("acts", K::ActDuplicate);
    }
    for (i, incident) in r.incidents.iter().enumerate() {
        e.required(format!("incidents[{i}].description"), &incident.description);
    }
    if let Some(copy) = &r.copy_to {
        e.required("copyTo.name", &copy.name);
    }
    e.0
}
