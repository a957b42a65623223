//! The consultation document: the Composition (first entry of the Bundle) and the
//! DocumentReference carrying the report's PDF.
use base64::Engine;
use chrono::{DateTime, Utc};
use serde_json::{json, Value};
use sha1::{Digest, Sha1};

use crate::codes::*;
use crate::common::{concept, instant, some_text};
use crate::input::{ReportInput, SectionKind};
use crate::narrative;

/// LOINC code of a report section kind.
fn section_code(kind: SectionKind) -> Option<(&'static str, &'static str)> {
    match kind {
        SectionKind::Reason => Some(("29299-5", "Reason for visit Narrative")),
        SectionKind::Findings => Some(("29545-1", "Physical findings Narrative")),
        SectionKind::Diagnosis => Some(("29548-5", "Diagnosis Narrative")),
        SectionKind::Plan => Some(("18776-5", "Plan of care note")),
        SectionKind::Procedures => Some(("29554-3", "Procedure Narrative")),
        SectionKind::Other => None,
    }
}

/// One section: title, LOINC code when it has one, narrative, entries.
pub fn section(title: &str, code: Option<(&str, &str)>, text: Value, entries: Vec<Value>) -> Value {
    let mut s = json!({ "title": title, "text": text });
    if let Some((code, display)) = code {
        s["code"] = concept(LOINC, code, display);
    }
    if !entries.is_empty() {
        s["entry"] = json!(entries);
    }
    s
}

/// The sections of a report, in order.
pub fn report_sections(report: &ReportInput) -> Vec<Value> {
    report
        .sections
        .iter()
        .filter(|s| !s.text.trim().is_empty())
        .map(|s| {
            section(
                s.title.trim(),
                section_code(s.kind),
                narrative::paragraphs(&s.text),
                vec![],
            )
        })
        .collect()
}

/// The reason section when no report was written (the motif given at intake).
pub fn reason_section(reason: &str) -> Value {
    section(
        "Motif de consultation",
        section_code(SectionKind::Reason),
        narrative::paragraphs(reason),
        vec![],
    )
}

/// The readings section.
pub fn readings_section(lines: Vec<String>, entries: Vec<Value>) -> Value {
    section(
        "Mesures",
        Some(("8716-3", "Vital signs")),
        narrative::list(lines),
        entries,
    )
}

/// The prescription section.
pub fn prescription_section(lines: Vec<String>, entries: Vec<Value>) -> Value {
    section(
        "Prescription",
        Some(("57828-6", "Prescription list")),
        narrative::list(lines),
        entries,
    )
}

/// The technical incidents section (always present: the record must say there were none).
pub fn incidents_section(lines: Vec<String>) -> Value {
    let text = if lines.is_empty() {
        narrative::paragraphs("Aucun incident technique.")
    } else {
        narrative::list(lines)
    };
    section("Incidents techniques", None, text, vec![])
}

/// What the Composition says about itself.
pub struct CompositionHead<'a> {
    /// Identifier value (a URI).
    pub identifier: String,
    /// Title.
    pub title: &'a str,
    /// Date of the document.
    pub date: DateTime<Utc>,
    /// Signed by the doctor (final) or not (preliminary).
    pub signed_at: Option<DateTime<Utc>>,
    /// Version of the report (a correction replaces the previous version).
    pub version: u32,
    /// The report's id (for the previous version's identifier).
    pub report_id: Option<&'a str>,
    /// The patient.
    pub patient: Value,
    /// The encounter.
    pub encounter: Value,
    /// The author.
    pub author: Value,
    /// The legal attester (the signing doctor), when signed.
    pub attester: Option<Value>,
}

/// The Composition resource.
pub fn composition(id: &str, head: CompositionHead<'_>, sections: Vec<Value>) -> Value {
    let mut c = json!({
        "resourceType": "Composition",
        "id": id,
        "identifier": { "system": URI_SYSTEM, "value": head.identifier },
        "status": if head.signed_at.is_some() { "final" } else { "preliminary" },
        "type": concept(LOINC, CONSULT_NOTE.0, CONSULT_NOTE.1),
        "subject": head.patient,
        "encounter": head.encounter,
        "date": instant(&head.date),
        "author": [head.author],
        "title": head.title,
        "confidentiality": "N",
        "section": sections,
    });
    if let (Some(at), Some(party)) = (head.signed_at, head.attester) {
        c["attester"] = json!([{ "mode": "legal", "time": instant(&at), "party": party }]);
    }
    if let (Some(report_id), true) = (head.report_id, head.version > 1) {
        c["relatesTo"] = json!([{
            "code": "replaces",
            "targetIdentifier": {
                "system": URI_SYSTEM,
                "value": format!("urn:relais:report:{report_id}:v{}", head.version - 1),
            },
        }]);
    }
    c
}

/// The identifier value of one version of a report.
pub fn report_identifier(report_id: &str, version: u32) -> String {
    format!("urn:relais:report:{report_id}:v{version}")
}

/// What the DocumentReference needs.
pub struct PdfDocument<'a> {
    /// The document's type (a CodeableConcept).
    pub kind: Value,
    /// The PDF.
    pub pdf: &'a [u8],
    /// Title.
    pub title: &'a str,
    /// When it was made (signed).
    pub date: DateTime<Utc>,
    /// Signed (final) or not.
    pub signed: bool,
    /// The patient.
    pub patient: Value,
    /// The author.
    pub author: Value,
    /// The encounter.
    pub encounter: Value,
    /// The report's identifier value, when known.
    pub identifier: Option<String>,
}

/// Type of the DocumentReference of a sick note (no LOINC code fits: text only).
pub const SICK_NOTE_TYPE: &str = "Avis d'arrêt de travail";

/// The sick notes section: one line per note, each referencing its DocumentReference.
pub fn sick_note_section(lines: Vec<String>, entries: Vec<Value>) -> Value {
    section(SICK_NOTE_TYPE, None, narrative::list(lines), entries)
}

/// The DocumentReference carrying the report's PDF (base64, with its size and SHA-1 as R4 asks).
pub fn document_reference(id: &str, d: PdfDocument<'_>) -> Value {
    let b64 = base64::engine::general_purpose::STANDARD;
    let hash = Sha1::digest(d.pdf);
    let mut r = json!({
        "resourceType": "DocumentReference",
        "id": id,
        "status": "current",
        "docStatus": if d.signed { "final" } else { "preliminary" },
        "type": d.kind,
        "subject": d.patient,
        "date": instant(&d.date),
        "author": [d.author],
        "description": d.title,
        "content": [{
            "attachment": {
                "contentType": "application/pdf",
                "language": "fr-FR",
                "data": b64.encode(d.pdf),
                "size": d.pdf.len(),
                "hash": b64.encode(hash),
                "title": format!("{}.pdf", d.title),
                "creation": instant(&d.date),
            },
        }],
        "context": { "encounter": [d.encounter] },
    });
    if let Some(identifier) = d.identifier.as_deref().and_then(|s| some_text(Some(s))) {
        r["masterIdentifier"] = json!({ "system": URI_SYSTEM, "value": identifier });
    }
    r
}
