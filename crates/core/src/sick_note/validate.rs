//! Validation of the sick note.
use chrono::NaiveDate;

use super::{check, SickNote, SickNoteError, MAX_DAYS_AHEAD, MAX_REASON_CHARS};
use crate::prescription::validate::{document_id, patient, prescriber, Errors};
use crate::prescription::{DocumentError, DocumentErrorKind as K};

/// Every invalid field of a sick note, in document order.
pub(super) fn sick_note(n: &SickNote, today: NaiveDate) -> Vec<DocumentError> {
    let mut e = Errors(Vec::new());
    let issued = n.issued_on();
    document_id(&mut e, "id", &n.id);
    if issued > today {
        e.push("issuedAt", K::DateFuture);
    }
    prescriber(&mut e, "prescriber", &n.prescriber);
    patient(&mut e, "patient", &n.patient, issued.min(today), false);
    let ahead = (n.start_date - issued).num_days();
    if ahead < 0 {
        e.push("startDate", K::SickNote(SickNoteError::Backdated));
    } else if ahead > MAX_DAYS_AHEAD {
        e.push("startDate", K::SickNote(SickNoteError::StartTooLate));
    }
    if let Err(rule) = check(n.days, n.by_treating_gp) {
        e.push("days", K::SickNote(rule));
    } else if n.end_date().is_none() {
        e.push(
            "days",
            K::Malformed {
                detail: "date de fin hors calendrier".into(),
            },
        );
    }
    if e.required("reason", &n.reason) && n.reason.trim().chars().count() > MAX_REASON_CHARS {
        e.push("reason", K::SickNote(SickNoteError::ReasonTooLong));
    }
    if n.exits == super::Exits::AllowedAnyTime {
        e.required(
            "exitsJustification",
            n.exits_justification.as_deref().unwrap_or(""),
        );
    }
    e.0
}
