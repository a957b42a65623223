//! Export of a consultation as an HL7 FHIR R4 document (`<consultation id>.fhir.json`).
//!
//! The record is read as it stands (patient, site, call journal, readings, signed
//! documents), turned into a [`relais_fhir::ConsultationExport`], built by
//! [`relais_fhir::build`] and written into the station's exports folder
//! ([`exports_dir`]). The export is audited with ids only (the documents it carries).
//!
//! Extension point, named so that it is easy to find:
//! - [`identity_status`]: the station does not call the INSi service yet, so every identity
//!   is exported as provisional (and the RNIV forbids sharing the INS of such an identity);
use std::io::Write;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use relais_core::identity::Patient;
use relais_core::lifecycle::ConsultationState;
use relais_core::measurement::Reading;
use relais_core::prescription::Prescription;
use relais_core::report::Report;
use relais_fhir::{
    ConsultationExport, EncounterInput, EncounterStatus, IdentityStatus, Incident, PatientInput,
    Professional, ReadingInput, ReadingSource, SiteInput, TakenBy,
};
use relais_store::{AuditEvent, CallEventRow, DocumentRow, ReadingRow, MANUAL_SOURCE};
use serde::Serialize;

use crate::call::message_fr;
use crate::config::Config;
use crate::consultations::parse_state;
use crate::error::ApiError;
use crate::patients::decode;
use crate::station::{Ctx, Station};

/// Name of the folder, under the station's data folder, where exports are written.
pub const EXPORTS_FOLDER: &str = "exports";

/// Call journal entries that are the normal course of a call, not incidents.
const NOT_INCIDENTS: &[&str] = &["REQUESTED", "GP_JOINED", "CONNECTED", "ENDED", "CANCELLED"];

/// What an export wrote.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FhirExport {
    /// Full path of the file written.
    pub path: String,
    /// Number of resources in the Bundle.
    pub resources: usize,
}

/// The station's exports folder: `<data dir>/exports`.
pub fn exports_dir(config: &Config) -> PathBuf {
    config.data_dir.join(EXPORTS_FOLDER)
}

impl Station {
    /// Writes the consultation as a FHIR R4 document Bundle into the exports folder and
    /// returns where. Writing again replaces the file (same resource ids).
    pub fn export_consultation_fhir(&self, consultation_id: &str) -> Result<FhirExport, ApiError> {
        let dir = exports_dir(self.config());
        self.with_session(|ctx| {
            let (input, document_ids) = assemble(ctx, consultation_id)?;
            let bundle =
                relais_fhir::build(&input).map_err(|e| ApiError::new(e.code(), e.to_string()))?;
            let resources = bundle["entry"].as_array().map_or(0, Vec::len);
            let text = serde_json::to_vec_pretty(&bundle)?;
            let path = dir.join(format!("{}.fhir.json", file_stem(&input.consultation_id)));
            write_private(&dir, &path, &text).map_err(|e| {
                tracing::warn!(error = %e, "FHIR export not written");
                ApiError::new(
                    "EXPORT_WRITE_FAILED",
                    format!(
                        "L'export n'a pas pu être enregistré dans {} : {e}.",
                        dir.display()
                    ),
                )
            })?;
            // Ids only: the documents exported (their versions), never the content.
            let detail = format!("format=fhir-r4 documents={}", document_ids.join(","));
            ctx.store.append_audit(
                &ctx.actor,
                ctx.now,
                &AuditEvent {
                    action: "consultation.export_fhir",
                    record_type: "consultation",
                    record_id: Some(consultation_id),
                    detail: &detail,
                },
            )?;
            Ok(FhirExport {
                path: path.display().to_string(),
                resources,
            })
        })
    }
}

/// The export's input, and the ids of the signed documents it carries.
fn assemble(
    ctx: &Ctx<'_>,
    consultation_id: &str,
) -> Result<(ConsultationExport, Vec<String>), ApiError> {
    let row = ctx.store.get_consultation(consultation_id)?;
    let state = parse_state(&row.state)?;
    let patient = decode(
        &ctx.store
            .get_patient(&ctx.actor, ctx.now, &row.patient_id)?,
    )?;
    let site = ctx.store.site()?.ok_or_else(|| {
        ApiError::new(
            "SITE_MISSING",
            "Le lieu de ce poste n'est pas configuré : l'export est impossible.",
        )
    })?;
    let events = ctx.store.call_events(consultation_id)?;
    let readings = ctx
        .store
        .consultation_readings(&ctx.actor, ctx.now, consultation_id)?;
    let documents = latest(ctx.store.documents_for_consultation(
        &ctx.actor,
        ctx.now,
        consultation_id,
    )?);
    let prescriptions: Vec<Prescription> = documents
        .iter()
        .filter(|d| d.kind == "prescription")
        .map(|d| serde_json::from_value(d.content.clone()))
        .collect::<Result<_, _>>()?;
    let report_doc = documents.iter().find(|d| d.kind == "report");
    let report: Option<Report> = report_doc
        .map(|d| serde_json::from_value(d.content.clone()))
        .transpose()?;

    let practitioner = report
        .as_ref()
        .map(|r| &r.gp)
        .or_else(|| prescriptions.first().map(|p| &p.prescriber))
        .map(|gp| Professional {
            id: gp.rpps.clone(),
            name: gp.name.clone(),
            qualification: gp.qualification.clone(),
            rpps: Some(gp.rpps.clone()),
            address: Some(gp.postal_address()),
            phone: Some(gp.phone.clone()),
            email: Some(gp.email.clone()),
        });
    let assistant = match report.as_ref().map(|r| &r.assistant) {
        Some(a) => Professional {
            id: ctx.user.id.clone(),
            name: a.name.clone(),
            qualification: a.profession.clone(),
            rpps: a.rpps.clone(),
            address: None,
            phone: None,
            email: None,
        },
        None => Professional {
            id: ctx.user.id.clone(),
            name: ctx.user.display_name.clone(),
            qualification: ctx.user.profession.clone(),
            rpps: ctx.user.rpps.clone(),
            address: None,
            phone: None,
            email: None,
        },
    };
    let reason = row
        .intake
        .pointer("/intake/complaint")
        .and_then(|v| v.as_str())
        .unwrap_or_default()
        .to_string();
    let report_input = match (&report, report_doc) {
        (Some(r), Some(d)) => Some(relais_fhir::report_input(
            r,
            d.version,
            Some(d.signed_at),
            Some(d.sha256.clone()),
        )),
        _ => None,
    };
    let report_pdf = match (report_doc, &report) {
        (Some(d), Some(r)) => report_pdf(d, r),
        _ => None,
    };
    let sick_notes = documents
        .iter()
        .filter(|d| d.kind == "sickNote")
        .filter_map(sick_note_input)
        .collect();
    let document_ids = documents.iter().map(|d| d.id.clone()).collect();
    let export = ConsultationExport {
        consultation_id: row.id.clone(),
        generated_at: ctx.now,
        patient: PatientInput {
            id: row.patient_id.clone(),
            status: identity_status(&patient),
            identity: patient,
        },
        practitioner,
        assistant,
        site: SiteInput {
            id: site.id,
            name: site.name,
            kind: site_kind_label(&site.kind).to_string(),
            commune: site.commune,
            address: site.address,
        },
        encounter: encounter(state, row.created_at, row.updated_at, &events, reason),
        readings: readings.iter().filter_map(reading).collect(),
        incidents: incidents(&events),
        prescriptions,
        report: report_input,
        report_pdf,
        sick_notes,
    };
    Ok((export, document_ids))
}

/// Extension point: the RNIV status of the patient's identity. The station records neither
/// an INSi query nor an identity document check yet, so every identity is provisional.
pub fn identity_status(_patient: &Patient) -> IdentityStatus {
    IdentityStatus::Provisional
}

/// The signed report as printed (PDF, with its signature block), carried in the export's
/// DocumentReference; left out (and logged by code) when it cannot be rendered.
pub fn report_pdf(document: &DocumentRow, _report: &Report) -> Option<Vec<u8>> {
    crate::documents::render_pdf(document)
        .inspect_err(|e| tracing::warn!(code = %e.code, "report PDF left out of the export"))
        .ok()
}

/// A signed sick note and its PDF (both volets) for the export; left out (and logged by
/// code) when it cannot be read or rendered.
fn sick_note_input(document: &DocumentRow) -> Option<relais_fhir::SickNoteInput> {
    let note = relais_core::sick_note::SickNote::from_json(&document.content.to_string())
        .inspect_err(|e| tracing::warn!(code = %e.code(), "sick note left out of the export"))
        .ok()?;
    let pdf = crate::documents::render_pdf(document)
        .inspect_err(|e| tracing::warn!(code = %e.code, "sick note PDF left out of the export"))
        .ok()?;
    Some(relais_fhir::SickNoteInput {
        note,
        version: document.version,
        signed_at: document.signed_at,
        pdf,
    })
}

/// The latest version of each document: those no other document supersedes.
fn latest(documents: Vec<DocumentRow>) -> Vec<DocumentRow> {
    let superseded: Vec<String> = documents
        .iter()
        .filter_map(|d| d.supersedes.clone())
        .collect();
    let mut latest: Vec<DocumentRow> = documents
        .into_iter()
        .filter(|d| !superseded.contains(&d.id))
        .collect();
    latest.sort_by_key(|d| d.signed_at);
    latest
}

/// The encounter's period and status from the consultation and its call journal.
fn encounter(
    state: ConsultationState,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
    events: &[CallEventRow],
    reason: String,
) -> EncounterInput {
    let joined = events
        .iter()
        .find(|e| e.kind == "GP_JOINED" || e.kind == "CONNECTED")
        .map(|e| e.at);
    let ended = events
        .iter()
        .rev()
        .find(|e| e.kind == "ENDED" || e.kind == "CANCELLED")
        .map(|e| e.at);
    let status = match state {
        ConsultationState::Draft | ConsultationState::Triaged => EncounterStatus::Triaged,
        ConsultationState::Requested => EncounterStatus::Planned,
        ConsultationState::InCall => EncounterStatus::InProgress,
        ConsultationState::Reported | ConsultationState::Closed => EncounterStatus::Finished,
        ConsultationState::Excluded | ConsultationState::Cancelled => EncounterStatus::Cancelled,
    };
    let start = joined.unwrap_or(created_at);
    let end = match status {
        EncounterStatus::Finished | EncounterStatus::Cancelled => {
            Some(ended.unwrap_or(updated_at).max(start))
        }
        _ => None,
    };
    EncounterInput {
        start,
        end,
        status,
        reason,
    }
}

/// The technical incidents of the call journal, with their French description.
fn incidents(events: &[CallEventRow]) -> Vec<Incident> {
    events
        .iter()
        .filter(|e| !NOT_INCIDENTS.contains(&e.kind.as_str()))
        .map(|e| Incident {
            at: e.at,
            code: e.kind.clone(),
            message: message_fr(&e.kind).to_string(),
        })
        .collect()
}

/// A stored reading, when its value reads as a [`Reading`] (the store keeps the caller's
/// JSON: the reading itself, its `kind` tag possibly in the row's column only).
fn reading(row: &ReadingRow) -> Option<ReadingInput> {
    let value = serde_json::from_value::<Reading>(row.value.clone())
        .ok()
        .or_else(|| {
            let mut v = row.value.clone();
            v.as_object_mut()?
                .insert("kind".into(), serde_json::Value::String(row.kind.clone()));
            serde_json::from_value::<Reading>(v).ok()
        });
    let Some(value) = value else {
        tracing::warn!(kind = %row.kind, "a stored reading is not readable; left out of the export");
        return None;
    };
    Some(ReadingInput {
        id: row.id.clone(),
        reading: value,
        taken_at: row.taken_at,
        source: if row.source == MANUAL_SOURCE {
            ReadingSource::Manual
        } else {
            ReadingSource::Instrument {
                name: row.source.clone(),
            }
        },
        // Readings are taken at the station, by one of its professionals' accounts.
        taken_by: TakenBy::Assistant,
    })
}

/// French label of a site kind code.
fn site_kind_label(code: &str) -> &'static str {
    match code {
        "pharmacie" => "Pharmacie",
        "ehpad" => "Établissement médico-social (EHPAD)",
        "infirmier_domicile" => "Infirmier·e à domicile",
        _ => "Autre lieu de soins",
    }
}

/// A file name from an id: letters, digits, `-` and `_` only.
fn file_stem(id: &str) -> String {
    id.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// Writes `bytes` to `path` whole or not at all (temporary file, then rename), readable by
/// the station's account only: the export holds health data in clear.
fn write_private(dir: &Path, path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    let tmp = path.with_extension("json.part");
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
        options.mode(0o600);
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))?;
    }
    let mut file = options.open(&tmp)?;
    file.write_all(bytes)?;
    file.sync_all()?;
    drop(file);
    std::fs::rename(&tmp, path)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use std::sync::{Arc, Mutex};

    use chrono::{Duration, NaiveDate, TimeZone};
    use relais_core::identity::{Coverage, Sex};
    use relais_core::triage::{Answers, PriorityCriteria};
    use relais_store::Actor;
    use serde_json::{json, Value};

    use super::*;
    use crate::clock::Clock;
    use crate::config::KeyStoreChoice;
    use crate::dto::{IntakeInput, SetupInput, SiteInput, SiteKind, UserInput};

    #[derive(Clone)]
    struct TestClock(Arc<Mutex<DateTime<Utc>>>);

    impl Clock for TestClock {
        fn now(&self) -> DateTime<Utc> {
            *self.0.lock().unwrap()
        }
    }

    impl TestClock {
        fn advance(&self, d: Duration) {
            *self.0.lock().unwrap() += d;
        }
    }

    const RPPS_GP: &str = "10002727377";

    fn station(dir: &Path, clock: &TestClock) -> Station {
        let s = Station::start(
            Config {
                data_dir: dir.to_path_buf(),
                key_store: KeyStoreChoice::Passphrase,
                lock_after_seconds: 3600,
                hub_url: None,
                hub_fingerprint: None,
            },
            Box::new(clock.clone()),
        );
        s.unlock_storage("phrase secrète de test").unwrap();
        s.setup_site(SetupInput {
            site: SiteInput {
                kind: SiteKind::InfirmierDomicile,
                name: "Cabinet infirmier de Saint-Prest".into(),
                commune: "Saint-Prest".into(),
                address: Some("2 rue de la Gare, 28300 Saint-Prest".into()),
            },
            user: UserInput {
                username: "julie".into(),
                display_name: "Julie Petit".into(),
                profession: "Infirmière".into(),
                rpps: None,
                password: "correct horse battery".into(),
            },
        })
        .unwrap();
        s
    }

    fn patient() -> Patient {
        Patient {
            family_name: "MARTIN".into(),
            used_name: None,
            given_names: "Claire Anne".into(),
            sex: Sex::F,
            birth_date: NaiveDate::from_ymd_opt(1950, 12, 3).unwrap(),
            birth_place_code: Some("28085".into()),
            nir: Some(format!(
                "2501228085123{:02}",
                relais_core::identity::nir_key("2501228085123").unwrap()
            )),
            phone: "+33612345678".into(),
            address: None,
            postal_code: Some("28300".into()),
            commune: "Saint-Prest".into(),
            treating_doctor: None,
            coverage: Coverage::default(),
            weight_kg: None,
        }
    }

    fn gp() -> Value {
        json!({ "name": "Dr Hélène Lefèvre", "qualification": "Médecin généraliste",
            "rpps": RPPS_GP, "address": "12 rue du Bourg, 28000 Chartres",
            "phone": "+33237123456", "email": "h.lefevre@example.fr" })
    }

    fn document(
        id: &str,
        consultation: &str,
        kind: &str,
        version: u32,
        supersedes: Option<&str>,
        content: Value,
        at: DateTime<Utc>,
    ) -> DocumentRow {
        DocumentRow {
            id: id.into(),
            consultation_id: consultation.into(),
            kind: kind.into(),
            version,
            supersedes: supersedes.map(str::to_string),
            sha256: relais_protocol::documents::content_sha256(&content),
            content,
            signed_at: at,
            signed_by: "Dr Hélène Lefèvre".into(),
            signed_by_rpps: RPPS_GP.into(),
            received_at: at,
            received_via: "hub".into(),
        }
    }

    fn python() -> PathBuf {
        let path = std::env::var_os("RELAIS_PYTHON")
            .map(PathBuf::from)
            .unwrap_or_else(|| {
                PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/pyenv/bin/python3")
            });
        assert!(
            path.exists(),
            "the FHIR validator's Python {} is missing: run `cargo xtask setup`",
            path.display()
        );
        path
    }

    #[test]
    fn a_consultation_of_the_record_is_exported_validated_and_audited() {
        let dir = tempfile::tempdir().unwrap();
        let clock = TestClock(Arc::new(Mutex::new(
            Utc.with_ymd_and_hms(2026, 11, 26, 9, 0, 0).unwrap(),
        )));
        let s = station(dir.path(), &clock);
        let p = s.create_patient(&patient()).unwrap();
        let c = s
            .submit_intake(&IntakeInput {
                patient_id: p.id.clone(),
                complaint: "Fièvre et toux depuis 3 jours".into(),
                answers: Answers {
                    abdominal_pain: Some(false),
                    technical_gesture: Some(false),
                    emergency_signs: Some(false),
                },
                priority: PriorityCriteria::default(),
                consent: true,
            })
            .unwrap();
        s.request_consultation(&c.id).unwrap();
        s.record_call_event(&c.id, "REQUESTED", "");
        clock.advance(Duration::minutes(3));
        s.record_call_event(&c.id, "GP_JOINED", "");
        s.join_call(&c.id).unwrap();
        s.record_call_event(&c.id, "CONNECTED", "");
        let joined = clock.now();
        clock.advance(Duration::minutes(4));
        s.record_call_event(&c.id, "MEDIA_DISCONNECTED", "ice=disconnected");
        clock.advance(Duration::seconds(4));
        s.record_call_event(&c.id, "RECOVERED", "after_ms=3900");
        let user = s.status().unwrap().user.unwrap();
        let taken = clock.now();
        let prescription = json!({
            "id": "ORD-2026-000123",
            "issuedAt": "2026-11-26T10:20:00+01:00",
            "prescriber": gp(),
            "patient": { "familyName": "MARTIN", "givenNames": "Claire Anne", "sex": "F", "birthDate": "1950-12-03" },
            "lines": [{ "drug": "Paracétamol 1 g", "dosage": "1 comprimé 3 fois par jour",
                "duration": "5 jours", "renewals": 0, "ald": false, "nonSubstitutable": true }],
            "notes": ""
        });
        let report = |diagnosis: &str| {
            json!({
                "id": "CR-2026-000045",
                "consultationId": c.id,
                "startedAt": "2026-11-26T10:03:00+01:00",
                "endedAt": "2026-11-26T10:25:00+01:00",
                "patient": { "familyName": "MARTIN", "givenNames": "Claire Anne", "sex": "F", "birthDate": "1950-12-03" },
                "patientConsent": true,
                "gp": gp(),
                "assistant": { "name": "Julie Petit", "profession": "Infirmière diplômée d'État" },
                "reason": "Fièvre et toux depuis 3 jours",
                "findings": "Crépitants base droite.",
                "diagnosis": diagnosis,
                "orientation": "Radiographie thoracique.",
                "prescriptionIds": ["ORD-2026-000123"],
                "acts": ["TCG", "TLL"]
            })
        };
        s.with_store(|store, now| {
            for (kind, value, source, unit) in [
                (
                    "bloodPressure",
                    json!({ "kind": "bloodPressure", "systolic": 128.0, "diastolic": 82.0 }),
                    "omron-m7",
                    "mmHg",
                ),
                (
                    "spO2",
                    json!({ "kind": "spO2", "percent": 95.0 }),
                    "nonin-3230",
                    "%",
                ),
                (
                    "temperature",
                    json!({ "celsius": 38.4 }),
                    MANUAL_SOURCE,
                    "°C",
                ),
            ] {
                store.insert_reading(
                    &Actor::system(),
                    now,
                    &ReadingRow {
                        id: String::new(),
                        patient_id: p.id.clone(),
                        consultation_id: Some(c.id.clone()),
                        kind: kind.into(),
                        value,
                        unit: unit.into(),
                        taken_at: taken,
                        source: source.into(),
                        taken_by: user.id.clone(),
                        confirmed_unusual: false,
                        created_at: now,
                    },
                )?;
            }
            store.insert_document(
                &Actor::system(),
                now,
                &document(
                    "doc-p1",
                    &c.id,
                    "prescription",
                    1,
                    None,
                    prescription.clone(),
                    now,
                ),
            )?;
            store.insert_document(
                &Actor::system(),
                now,
                &document("doc-r1", &c.id, "report", 1, None, report("Bronchite"), now),
            )?;
            store.insert_document(
                &Actor::system(),
                now,
                &document(
                    "doc-r2",
                    &c.id,
                    "report",
                    2,
                    Some("doc-r1"),
                    report("Pneumopathie"),
                    now + Duration::minutes(1),
                ),
            )?;
            let sick_note = json!({
                "id": "AAT-2026-000007",
                "issuedAt": "2026-11-26T10:24:00+01:00",
                "prescriber": gp(),
                "patient": { "familyName": "MARTIN", "givenNames": "Claire Anne", "sex": "F", "birthDate": "1950-12-03" },
                "kind": "initial", "startDate": "2026-11-26", "days": 2, "byTreatingGp": false,
                "reason": "Pneumopathie", "exits": "notAllowed", "exitsJustification": null, "notes": ""
            });
            store.insert_document(
                &Actor::system(),
                now,
                &document("doc-s1", &c.id, "sickNote", 1, None, sick_note, now),
            )
        })
        .unwrap();
        clock.advance(Duration::minutes(10));
        s.record_call_event(&c.id, "ENDED", "by=gp");
        let ended = clock.now();
        s.with_store(|store, now| {
            store.set_consultation_state(&Actor::system(), now, &c.id, "inCall", "closed", "")
        })
        .unwrap();

        let export = s.export_consultation_fhir(&c.id).unwrap();
        let path = PathBuf::from(&export.path);
        assert_eq!(
            path,
            dir.path()
                .join("exports")
                .join(format!("{}.fhir.json", c.id))
        );
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(
                mode & 0o777,
                0o600,
                "the export is readable by the station only"
            );
        }
        let bundle: Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
        assert_eq!(bundle["entry"].as_array().unwrap().len(), export.resources);

        // The independent validator accepts the file as written.
        let out = std::process::Command::new(python())
            .arg("-c")
            .arg(
                "import sys\nfrom fhir.resources.R4B.bundle import Bundle\n\
                 Bundle.model_validate_json(open(sys.argv[1], encoding='utf-8').read())\nprint('valid')",
            )
            .arg(&path)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "fhir.resources refused the export (run `cargo xtask setup` if it is missing): {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );

        let of = |kind: &str| -> Vec<Value> {
            bundle["entry"]
                .as_array()
                .unwrap()
                .iter()
                .map(|e| e["resource"].clone())
                .filter(|r| r["resourceType"] == kind)
                .collect()
        };
        // Composition: the latest version of the signed report.
        let composition = &bundle["entry"][0]["resource"];
        assert_eq!(composition["resourceType"], "Composition");
        assert_eq!(composition["status"], "final");
        assert!(composition.to_string().contains("Pneumopathie"));
        assert!(!composition.to_string().contains("Bronchite"));
        assert_eq!(composition["relatesTo"][0]["code"], "replaces");
        let incidents = composition["section"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["title"] == "Incidents techniques")
            .unwrap()["text"]["div"]
            .to_string();
        assert!(incidents.contains("MEDIA_DISCONNECTED") && incidents.contains("RECOVERED"));
        assert!(!incidents.contains("GP_JOINED"));
        // Patient: provisional identity, so no INS; the local id.
        let patient = &of("Patient")[0];
        assert_eq!(patient["name"][0]["family"], "MARTIN");
        assert_eq!(
            patient["extension"][0]["extension"][0]["valueCoding"]["code"],
            "PROV"
        );
        assert!(!bundle.to_string().contains("2501228085123"));
        assert_eq!(
            patient["identifier"][0]["value"],
            format!("urn:uuid:{}", p.id)
        );
        // Encounter: from the GP's arrival to the end of the call.
        let encounter = &of("Encounter")[0];
        assert_eq!(encounter["status"], "finished");
        assert_eq!(
            encounter["period"]["start"],
            joined.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
        );
        assert_eq!(
            encounter["period"]["end"],
            ended.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
        );
        assert_eq!(
            encounter["reasonCode"][0]["text"],
            "Fièvre et toux depuis 3 jours"
        );
        let location = &of("Location")[0];
        assert_eq!(location["name"], "Cabinet infirmier de Saint-Prest");
        // Readings (the one stored without its tag too), devices, prescription.
        // (taken at the same second: the record orders them by id)
        let mut codes: Vec<String> = of("Observation")
            .iter()
            .map(|o| o["code"]["coding"][0]["code"].as_str().unwrap().to_string())
            .collect();
        codes.sort();
        assert_eq!(codes, ["59408-5", "8310-5", "85354-9"]);
        assert_eq!(of("Device").len(), 2);
        let meds = of("MedicationRequest");
        assert_eq!(meds.len(), 1);
        assert_eq!(meds[0]["substitution"]["allowedBoolean"], false);
        let doctor = of("Practitioner")
            .into_iter()
            .find(|p| p["name"][0]["text"] == "Dr Hélène Lefèvre")
            .unwrap();
        assert_eq!(doctor["identifier"][0]["value"], format!("8{RPPS_GP}"));
        // The signed report as printed.
        let attachment = &of("DocumentReference")[0]["content"][0]["attachment"];
        assert_eq!(attachment["contentType"], "application/pdf");
        let pdf = base64::Engine::decode(
            &base64::engine::general_purpose::STANDARD,
            attachment["data"].as_str().unwrap(),
        )
        .unwrap();
        assert!(pdf.starts_with(b"%PDF"));
        assert_eq!(attachment["size"], pdf.len());
        // The sick note as printed (both volets), typed by its text.
        let note = &of("DocumentReference")[1];
        assert_eq!(note["type"]["text"], "Avis d'arrêt de travail");
        let note_pdf = base64::Engine::decode(
            &base64::engine::general_purpose::STANDARD,
            note["content"][0]["attachment"]["data"].as_str().unwrap(),
        )
        .unwrap();
        assert!(note_pdf.starts_with(b"%PDF") && note_pdf != pdf);

        // Audited with ids and counts only.
        let trail = s.audit_trail(50).unwrap();
        let entry = trail
            .entries
            .iter()
            .find(|e| e.action == "consultation.export_fhir")
            .unwrap();
        assert_eq!(entry.record_id.as_deref(), Some(c.id.as_str()));
        // The documents exported by id (the current versions), no content.
        assert_eq!(
            entry.detail,
            "format=fhir-r4 documents=doc-p1,doc-s1,doc-r2"
        );
        assert!(trail.ok);

        // A second export replaces the file with the same resource ids.
        let again = s.export_consultation_fhir(&c.id).unwrap();
        assert_eq!(again.path, export.path);
        let second: Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
        let urls = |b: &Value| -> Vec<Value> {
            b["entry"]
                .as_array()
                .unwrap()
                .iter()
                .map(|e| e["fullUrl"].clone())
                .collect()
        };
        assert_eq!(urls(&second), urls(&bundle));
        assert_eq!(
            std::fs::read_dir(path.parent().unwrap()).unwrap().count(),
            1
        );
    }

    #[test]
    fn an_unknown_consultation_or_a_signed_out_station_exports_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let clock = TestClock(Arc::new(Mutex::new(
            Utc.with_ymd_and_hms(2026, 11, 26, 9, 0, 0).unwrap(),
        )));
        let s = station(dir.path(), &clock);
        let e = s.export_consultation_fhir("inconnue").unwrap_err();
        assert_eq!(e.code, "NOT_FOUND");
        s.sign_out().unwrap();
        let e = s.export_consultation_fhir("inconnue").unwrap_err();
        assert_eq!(e.code, ApiError::not_signed_in().code);
        assert!(!dir.path().join("exports").exists());
    }
}
