//! The document Bundle: the Composition first, then every resource it references.
use relais_core::measurement::format_fr;
use serde_json::{json, Value};

use crate::codes::URI_SYSTEM;
use crate::common::{instant, reference};
use crate::document::{self, CompositionHead, PdfDocument};
use crate::encounter::{self, EncounterRefs};
use crate::error::FhirError;
use crate::ids::Ids;
use crate::input::{ConsultationExport, ReadingSource, TakenBy};
use crate::medication::{self, MedicationRefs};
use crate::observation::{self, ObservationRefs};
use crate::{patient, practitioner};

/// Title of the document when the doctor wrote no report.
pub const RECORD_TITLE: &str = "Dossier de téléconsultation assistée";

/// Builds the FHIR R4 document Bundle of a consultation.
///
/// `type` is `document`: a receiving system (a GP's software, a DMP connector) files it as
/// one consultation note, with the Composition first. The Composition is the signed report
/// (`final`, attested by the doctor) when there is one, else the station's record of the
/// consultation (`preliminary`, authored by the assisting professional). References are
/// `urn:uuid:` fullUrls, stable for a given consultation.
pub fn build(input: &ConsultationExport) -> Result<Value, FhirError> {
    if input.consultation_id.trim().is_empty() {
        return Err(FhirError::Missing {
            field: "identifiant de la consultation",
        });
    }
    if input.patient.identity.family_name.trim().is_empty() {
        return Err(FhirError::Missing {
            field: "nom de naissance du patient",
        });
    }
    let ids = Ids::new(&input.consultation_id);
    let mut entries: Vec<(String, Value)> = Vec::new();

    let who = &input.patient.identity;
    let patient_urn = ids.urn("patient");
    let patient_name = format!("{} {}", who.family_name.trim(), who.given_names.trim());
    let patient_ref = reference(&patient_urn, &patient_name);

    // Médecin traitant (receives a copy of the report).
    let gp_ref = who
        .treating_doctor
        .as_ref()
        .filter(|d| !d.name.trim().is_empty())
        .map(|d| {
            let urn = ids.urn("treating-doctor");
            entries.push((
                urn.clone(),
                practitioner::treating_doctor(&uuid_of(&urn), &d.name, d.rpps.as_deref()),
            ));
            reference(&urn, &d.name)
        });
    entries.insert(
        0,
        (
            patient_urn.clone(),
            patient::resource(&uuid_of(&patient_urn), &input.patient, gp_ref),
        ),
    );

    let assistant_urn = ids.urn("assistant");
    let assistant_ref = reference(&assistant_urn, &input.assistant.name);
    entries.push((
        assistant_urn.clone(),
        practitioner::resource(&uuid_of(&assistant_urn), &input.assistant),
    ));

    let doctor_ref = input.practitioner.as_ref().map(|p| {
        let urn = ids.urn("practitioner");
        entries.push((urn.clone(), practitioner::resource(&uuid_of(&urn), p)));
        reference(&urn, &p.name)
    });

    let location_urn = ids.urn("location");
    entries.push((
        location_urn.clone(),
        encounter::location(&uuid_of(&location_urn), &input.site),
    ));

    let encounter_urn = ids.urn("encounter");
    let encounter_ref = reference(&encounter_urn, "");
    entries.push((
        encounter_urn.clone(),
        encounter::resource(
            &uuid_of(&encounter_urn),
            &input.encounter,
            EncounterRefs {
                patient: patient_ref.clone(),
                practitioner: doctor_ref.clone(),
                assistant: assistant_ref.clone(),
                location: reference(&location_urn, &input.site.name),
            },
        )?,
    ));

    // Readings.
    let mut reading_lines = Vec::new();
    let mut reading_entries = Vec::new();
    for r in &input.readings {
        let device = match &r.source {
            ReadingSource::Instrument { name } if !name.trim().is_empty() => {
                let urn = ids.urn(&format!("device:{}", name.trim()));
                if !entries.iter().any(|(u, _)| *u == urn) {
                    entries.push((urn.clone(), observation::device(&uuid_of(&urn), name)));
                }
                Some(reference(&urn, name))
            }
            _ => None,
        };
        let performer = match r.taken_by {
            TakenBy::Assistant => assistant_ref.clone(),
            TakenBy::Practitioner => doctor_ref.clone().unwrap_or_else(|| assistant_ref.clone()),
            TakenBy::Patient => patient_ref.clone(),
        };
        let urn = ids.urn(&format!("reading:{}", r.id));
        let obs = observation::resource(
            &uuid_of(&urn),
            r,
            ObservationRefs {
                patient: patient_ref.clone(),
                encounter: encounter_ref.clone(),
                performer,
                device,
            },
        )?;
        reading_lines.push(format!(
            "{} : {} ({})",
            obs["code"]["text"].as_str().unwrap_or(""),
            format_fr(&r.reading),
            instant(&r.taken_at)
        ));
        reading_entries.push(reference(&urn, ""));
        entries.push((urn, obs));
    }

    // Prescription lines.
    let mut prescription_lines = Vec::new();
    let mut prescription_entries = Vec::new();
    for p in &input.prescriptions {
        let prescriber_urn = ids.urn(&format!("prescriber:{}", p.prescriber.rpps.trim()));
        let requester = doctor_ref
            .clone()
            .unwrap_or_else(|| reference(&prescriber_urn, &p.prescriber.name));
        if doctor_ref.is_none() && !entries.iter().any(|(u, _)| *u == prescriber_urn) {
            // The prescriber is named on the prescription even when the caller gave no doctor.
            let prescriber = crate::input::Professional {
                id: p.prescriber.rpps.clone(),
                name: p.prescriber.name.clone(),
                qualification: p.prescriber.qualification.clone(),
                rpps: Some(p.prescriber.rpps.clone()),
                address: Some(p.prescriber.postal_address()),
                phone: Some(p.prescriber.phone.clone()),
                email: Some(p.prescriber.email.clone()),
            };
            entries.push((
                prescriber_urn.clone(),
                practitioner::resource(&uuid_of(&prescriber_urn), &prescriber),
            ));
        }
        let refs = MedicationRefs {
            patient: patient_ref.clone(),
            encounter: encounter_ref.clone(),
            requester,
        };
        for (i, line) in p.lines.iter().enumerate() {
            let urn = ids.urn(&format!("prescription:{}:{}", p.id, i + 1));
            entries.push((
                urn.clone(),
                medication::resource(&uuid_of(&urn), p, i, line, &refs),
            ));
            let mut text = format!("{} — {}", line.drug.trim(), medication::dosage_text(line));
            if line.ald {
                text.push_str(" (ALD)");
            }
            if line.non_substitutable {
                text.push_str(" — non substituable");
            }
            prescription_lines.push(text);
            prescription_entries.push(reference(&urn, line.drug.trim()));
        }
    }

    // The document.
    let report = input.report.as_ref();
    let signed_at = report.and_then(|r| r.signed_at);
    let author = match (report, &doctor_ref) {
        (Some(_), Some(d)) => d.clone(),
        _ => assistant_ref.clone(),
    };
    let mut sections = match report {
        Some(r) => document::report_sections(r),
        None => vec![document::reason_section(&input.encounter.reason)],
    };
    if !input.readings.is_empty() {
        sections.push(document::readings_section(reading_lines, reading_entries));
    }
    if !prescription_entries.is_empty() {
        sections.push(document::prescription_section(
            prescription_lines,
            prescription_entries,
        ));
    }
    sections.push(document::incidents_section(
        input
            .incidents
            .iter()
            .map(|i| format!("{} — {} ({})", instant(&i.at), i.message, i.code))
            .collect(),
    ));
    let identifier = match report {
        Some(r) => document::report_identifier(&r.id, r.version),
        None => format!("urn:relais:consultation:{}", input.consultation_id),
    };
    let title = report.map_or(RECORD_TITLE, |r| r.title.as_str());

    if let Some(pdf) = input.report_pdf.as_deref() {
        let urn = ids.urn("report-pdf");
        entries.push((
            urn,
            document::document_reference(
                &uuid_of(&ids.urn("report-pdf")),
                PdfDocument {
                    kind: crate::common::concept(
                        crate::codes::LOINC,
                        crate::codes::CONSULT_NOTE.0,
                        crate::codes::CONSULT_NOTE.1,
                    ),
                    pdf,
                    title,
                    date: signed_at.unwrap_or(input.generated_at),
                    signed: signed_at.is_some(),
                    patient: patient_ref.clone(),
                    author: author.clone(),
                    encounter: encounter_ref.clone(),
                    identifier: report.map(|r| document::report_identifier(&r.id, r.version)),
                },
            ),
        ));
    }

    let sick_notes = sick_notes(input, &ids, &patient_ref, &encounter_ref, &doctor_ref);
    if !sick_notes.is_empty() {
        let (lines, refs): (Vec<String>, Vec<Value>) = sick_notes
            .iter()
            .map(|(l, r, _)| (l.clone(), r.clone()))
            .unzip();
        // Before the incidents, which close the document.
        let at = sections.len().saturating_sub(1);
        sections.insert(at, document::sick_note_section(lines, refs));
        entries.extend(sick_notes.into_iter().map(|(_, _, entry)| entry));
    }

    let composition_urn = ids.urn("composition");
    let composition = document::composition(
        &uuid_of(&composition_urn),
        CompositionHead {
            identifier,
            title,
            date: signed_at.unwrap_or(input.generated_at),
            signed_at,
            version: report.map_or(1, |r| r.version),
            report_id: report.map(|r| r.id.as_str()),
            patient: patient_ref,
            encounter: encounter_ref,
            author,
            attester: signed_at.and(doctor_ref),
        },
        sections,
    );
    entries.insert(0, (composition_urn, composition));

    Ok(json!({
        "resourceType": "Bundle",
        "id": ids.uuid("bundle").to_string(),
        "identifier": { "system": URI_SYSTEM, "value": ids.urn(&format!("bundle:{}", instant(&input.generated_at))) },
        "type": "document",
        "timestamp": instant(&input.generated_at),
        "entry": entries
            .into_iter()
            .map(|(full_url, resource)| json!({ "fullUrl": full_url, "resource": resource }))
            .collect::<Vec<_>>(),
    }))
}

/// Each sick note: its line for the Composition, the reference to its DocumentReference, and
/// the entry (fullUrl, DocumentReference) itself.
fn sick_notes(
    input: &ConsultationExport,
    ids: &Ids,
    patient: &Value,
    encounter: &Value,
    doctor: &Option<Value>,
) -> Vec<(String, Value, (String, Value))> {
    input
        .sick_notes
        .iter()
        .map(|s| {
            let n = &s.note;
            let urn = ids.urn(&format!("sick-note:{}", n.id));
            let end = n.end_date().unwrap_or(n.start_date);
            let line = format!(
                "{} du {} au {} inclus ({}), {}",
                n.kind.label(),
                n.start_date.format("%d/%m/%Y"),
                end.format("%d/%m/%Y"),
                n.days_text(),
                n.exits.label().to_lowercase()
            );
            let title = format!("{} n° {}", document::SICK_NOTE_TYPE, n.id);
            let author = doctor
                .clone()
                .unwrap_or_else(|| json!({ "display": n.prescriber.name.trim() }));
            let resource = document::document_reference(
                &uuid_of(&urn),
                PdfDocument {
                    kind: json!({ "text": document::SICK_NOTE_TYPE }),
                    pdf: &s.pdf,
                    title: &title,
                    date: s.signed_at,
                    signed: true,
                    patient: patient.clone(),
                    author,
                    encounter: encounter.clone(),
                    identifier: Some(format!("urn:relais:sick-note:{}:v{}", n.id, s.version)),
                },
            );
            (line, reference(&urn, &title), (urn, resource))
        })
        .collect()
}

/// The bare UUID of a `urn:uuid:` reference (the resource's id).
fn uuid_of(urn: &str) -> String {
    urn.trim_start_matches("urn:uuid:").to_string()
}
