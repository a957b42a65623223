//! The export checked by an independent FHIR validator: the Python package `fhir.resources`
//! (R4B models, pydantic), installed from PyPI by `cargo xtask setup` into `target/pyenv`.
//! Its interpreter is `$RELAIS_PYTHON`, else `<workspace>/target/pyenv/bin/python3`; without
//! it these tests fail, they never skip.
use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::process::Command;

use base64::Engine;
use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use relais_core::identity::{nir_key, Coverage, Patient, Sex, TreatingDoctor};
use relais_core::measurement::Reading;
use relais_core::prescription::Prescription;
use relais_core::report::Report;
use relais_fhir::*;
use serde_json::{json, Value};

/// Validates with fhir.resources; `Err` carries the validator's message.
fn validate(bundle: &Value) -> Result<Value, String> {
    validate_all(std::slice::from_ref(bundle))
        .pop()
        .expect("one result")
}

/// Validates several bundles in one run of the validator (its import takes a second).
fn validate_all(bundles: &[Value]) -> Vec<Result<Value, String>> {
    let python = python();
    let dir = tempfile::tempdir().expect("temp dir");
    let files: Vec<PathBuf> = bundles
        .iter()
        .enumerate()
        .map(|(i, b)| {
            let file = dir.path().join(format!("bundle-{i}.json"));
            std::fs::write(&file, serde_json::to_vec(b).expect("json")).expect("write bundle");
            file
        })
        .collect();
    let out = Command::new(&python)
        .arg("-c")
        .arg(VALIDATOR)
        .args(&files)
        .output()
        .unwrap_or_else(|e| {
            panic!(
                "cannot run the FHIR validator's Python {} ({e}): run `cargo xtask setup`",
                python.display()
            )
        });
    let stdout = String::from_utf8_lossy(&out.stdout).to_string();
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    assert!(
        out.status.success(),
        "the FHIR validator (Python package fhir.resources) is not usable with {}: run `cargo xtask setup`\n{stdout}{stderr}",
        python.display()
    );
    let results: Vec<Value> = serde_json::from_str(stdout.trim()).expect("validator results");
    assert_eq!(results.len(), bundles.len());
    results
        .into_iter()
        .map(|r| match r["ok"].as_bool() {
            Some(true) => Ok(r["summary"].clone()),
            _ => Err(r["error"].as_str().unwrap_or("").to_string()),
        })
        .collect()
}

/// Prints one result per file: `{ok, summary}` or `{ok: false, error}`; exit 3 when the
/// package is missing.
const VALIDATOR: &str = r#"
import json, sys
try:
    import fhir.resources
    from fhir.resources.R4B.bundle import Bundle
except ImportError as e:
    print("fhir.resources missing:", e)
    sys.exit(3)
results = []
for path in sys.argv[1:]:
    text = open(path, encoding="utf-8").read()
    try:
        if hasattr(Bundle, "model_validate_json"):
            bundle = Bundle.model_validate_json(text)
        else:
            bundle = Bundle.parse_raw(text)
    except Exception as e:
        results.append({"ok": False, "error": str(e)})
        continue
    results.append({"ok": True, "summary": {
        "validator": "fhir.resources " + fhir.resources.__version__,
        "type": bundle.type,
        "resources": [type(e.resource).__name__ for e in bundle.entry],
    }})
print(json.dumps(results))
"#;

fn python() -> PathBuf {
    let path = std::env::var_os("RELAIS_PYTHON")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/pyenv/bin/python3")
        });
    assert!(
        path.exists(),
        "the FHIR validator's Python {} is missing: run `cargo xtask setup` (or set RELAIS_PYTHON)",
        path.display()
    );
    path
}

fn at(h: u32, m: u32, s: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 26, h, m, s)
        .single()
        .expect("time")
}

fn nir(body: &str) -> String {
    format!("{body}{:02}", nir_key(body).expect("nir key"))
}

const RPPS_GP: &str = "10002727377";

fn patient(nir_value: Option<String>) -> Patient {
    Patient {
        family_name: "MARTIN".into(),
        used_name: Some("DURAND".into()),
        given_names: "Claire Anne".into(),
        sex: Sex::F,
        birth_date: NaiveDate::from_ymd_opt(1950, 12, 3).expect("date"),
        birth_place_code: Some("28085".into()),
        nir: nir_value,
        phone: "+33612345678".into(),
        address: Some("5 rue Mathurin-Régnier".into()),
        postal_code: Some("28000".into()),
        commune: "Chartres".into(),
        treating_doctor: Some(TreatingDoctor {
            name: "Dr Paul Dali".into(),
            rpps: Some("10101010101".into()),
        }),
        coverage: Coverage {
            ald: true,
            c2s: false,
            ame: false,
        },
        weight_kg: None,
    }
}

fn prescription() -> Prescription {
    Prescription::from_json(
        &json!({
            "id": "ORD-2026-000123",
            "issuedAt": "2026-11-26T10:42:00+01:00",
            "prescriber": { "name": "Dr Hélène Lefèvre", "qualification": "Médecin généraliste",
                "rpps": RPPS_GP, "address": "12 rue du Bourg, 28000 Chartres",
                "phone": "+33237123456", "email": "h.lefevre@example.fr" },
            "patient": { "familyName": "MARTIN", "givenNames": "Claire Anne", "sex": "F", "birthDate": "1950-12-03" },
            "lines": [
                { "drug": "Metformine 850 mg, comprimé", "dosage": "1 comprimé matin et soir", "duration": "3 mois",
                  "quantity": "3 boîtes de 60", "renewals": 2, "ald": true, "nonSubstitutable": true },
                { "drug": "Paracétamol 1 g, comprimé", "dosage": "1 comprimé jusqu'à 3 fois par jour si douleur",
                  "duration": "5 jours", "renewals": 0, "ald": false, "nonSubstitutable": false }
            ],
            "notes": "Contrôle de la glycémie dans 15 jours."
        })
        .to_string(),
    )
    .expect("prescription")
}

fn report() -> Report {
    Report::from_json(
        &json!({
            "id": "CR-2026-000045",
            "consultationId": "c-0001",
            "startedAt": "2026-11-26T10:20:00+01:00",
            "endedAt": "2026-11-26T10:45:00+01:00",
            "patient": { "familyName": "MARTIN", "givenNames": "Claire Anne", "sex": "F", "birthDate": "1950-12-03" },
            "patientConsent": true,
            "gp": { "name": "Dr Hélène Lefèvre", "qualification": "Médecin généraliste",
                "rpps": RPPS_GP, "address": "12 rue du Bourg, 28000 Chartres",
                "phone": "+33237123456", "email": "h.lefevre@example.fr" },
            "assistant": { "name": "Julie Petit", "profession": "Infirmière diplômée d'État" },
            "reason": "Fièvre et toux depuis 3 jours",
            "findings": "Auscultation : crépitants base droite.\nSpO2 95 % en air ambiant.",
            "diagnosis": "Suspicion de pneumopathie <à confirmer> & surveillance",
            "orientation": "Radiographie thoracique ; revoir le médecin traitant sous 48 h.",
            "prescriptionIds": ["ORD-2026-000123"],
            "acts": ["TCG", "TLL"],
            "incidents": [],
            "copyTo": { "name": "Dr Paul Dali", "address": "3 place Billard, 28000 Chartres" }
        })
        .to_string(),
    )
    .expect("report")
}

fn professional_gp() -> Professional {
    Professional {
        id: RPPS_GP.into(),
        name: "Dr Hélène Lefèvre".into(),
        qualification: "Médecin généraliste".into(),
        rpps: Some(RPPS_GP.into()),
        address: Some("12 rue du Bourg, 28000 Chartres, France".into()),
        phone: Some("+33237123456".into()),
        email: Some("h.lefevre@example.fr".into()),
    }
}

fn reading(id: &str, reading: Reading, t: DateTime<Utc>, source: ReadingSource) -> ReadingInput {
    ReadingInput {
        id: id.into(),
        reading,
        taken_at: t,
        source,
        taken_by: TakenBy::Assistant,
    }
}

/// A complete consultation: qualified identity, every kind of reading, prescription, signed report, PDF.
fn full() -> ConsultationExport {
    let cuff = ReadingSource::Instrument {
        name: "Omron M7 Intelli IT".into(),
    };
    let oximeter = ReadingSource::Instrument {
        name: "Nonin 3230".into(),
    };
    ConsultationExport {
        consultation_id: "6f1c2b8e-0d4a-4c4e-9a51-2f0f8c1d9e01".into(),
        generated_at: at(10, 50, 0),
        patient: PatientInput {
            id: "0b7e6c1a-3f55-4f0e-8a1e-5c2d9b8a7f10".into(),
            identity: patient(Some(nir("2501228085123"))),
            status: IdentityStatus::Qualified,
        },
        practitioner: Some(professional_gp()),
        assistant: Professional {
            id: "5d8f1e2a-8b3c-4d9e-a0f1-b2c3d4e5f607".into(),
            name: "Julie Petit".into(),
            qualification: "Infirmière diplômée d'État".into(),
            rpps: Some("10003456789".into()),
            address: None,
            phone: None,
            email: None,
        },
        site: SiteInput {
            id: "a1b2c3d4-0000-4000-8000-000000000001".into(),
            name: "Cabinet infirmier de Saint-Prest".into(),
            kind: "Infirmier à domicile".into(),
            commune: "Saint-Prest".into(),
            address: Some("2 rue de la Gare, 28300 Saint-Prest".into()),
        },
        encounter: EncounterInput {
            start: at(9, 20, 0),
            end: Some(at(9, 45, 0)),
            status: EncounterStatus::Finished,
            reason: "Fièvre et toux depuis 3 jours".into(),
        },
        readings: vec![
            reading(
                "r1",
                Reading::blood_pressure_kpa(17.1, 10.9),
                at(9, 22, 0),
                cuff.clone(),
            ),
            reading("r2", Reading::Pulse { bpm: 88.0 }, at(9, 22, 0), cuff),
            reading(
                "r3",
                Reading::SpO2 { percent: 95.0 },
                at(9, 23, 10),
                oximeter,
            ),
            reading(
                "r4",
                Reading::Temperature { celsius: 38.4 },
                at(9, 24, 0),
                ReadingSource::Manual,
            ),
            reading(
                "r5",
                Reading::Weight { kg: 72.45 },
                at(9, 25, 0),
                ReadingSource::Manual,
            ),
            reading(
                "r6",
                Reading::glycaemia_mmol_per_l(7.2),
                at(9, 26, 0),
                ReadingSource::Manual,
            ),
        ],
        incidents: vec![
            Incident {
                at: at(9, 30, 12),
                code: "MEDIA_DISCONNECTED".into(),
                message: "Liaison audio et vidéo interrompue.".into(),
            },
            Incident {
                at: at(9, 30, 15),
                code: "RECOVERED".into(),
                message: "Liaison audio et vidéo rétablie.".into(),
            },
        ],
        prescriptions: vec![prescription()],
        report: Some(report_input(
            &report(),
            2,
            Some(at(9, 46, 0)),
            Some("ab".repeat(32)),
        )),
        report_pdf: Some(b"%PDF-1.7\n% compte rendu\n%%EOF\n".to_vec()),
        sick_notes: vec![],
    }
}

fn entries(bundle: &Value) -> &Vec<Value> {
    bundle["entry"].as_array().expect("entries")
}

fn resources<'a>(bundle: &'a Value, kind: &str) -> Vec<&'a Value> {
    entries(bundle)
        .iter()
        .map(|e| &e["resource"])
        .filter(|r| r["resourceType"] == kind)
        .collect()
}

fn by_url(bundle: &Value) -> HashMap<String, &Value> {
    entries(bundle)
        .iter()
        .map(|e| {
            (
                e["fullUrl"].as_str().expect("fullUrl").to_string(),
                &e["resource"],
            )
        })
        .collect()
}

/// Every `reference` anywhere in `v`.
fn references(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::Object(map) => {
            for (k, v) in map {
                match (k.as_str(), v) {
                    ("reference", Value::String(s)) => out.push(s.clone()),
                    _ => references(v, out),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|i| references(i, out)),
        _ => {}
    }
}

fn resolve<'a>(bundle: &'a Value, reference: &Value) -> &'a Value {
    let urn = reference["reference"].as_str().expect("reference");
    by_url(bundle)
        .get(urn)
        .copied()
        .unwrap_or_else(|| panic!("{urn} does not resolve"))
}

fn assert_references_resolve(bundle: &Value) {
    let urls = by_url(bundle);
    assert_eq!(urls.len(), entries(bundle).len(), "fullUrls are unique");
    for (url, resource) in &urls {
        let uuid = url.strip_prefix("urn:uuid:").expect("urn:uuid fullUrl");
        assert!(uuid::Uuid::parse_str(uuid).is_ok(), "{url}");
        assert_eq!(resource["id"], uuid, "resource id matches its fullUrl");
    }
    let mut refs = Vec::new();
    references(bundle, &mut refs);
    assert!(!refs.is_empty());
    for r in refs {
        assert!(
            urls.contains_key(&r),
            "reference {r} resolves inside the bundle"
        );
    }
}

#[test]
fn a_full_consultation_is_a_valid_fhir_document() {
    let bundle = build(&full()).expect("bundle");
    // RELAIS_FHIR_DUMP=<file> keeps the example for reading (or for another validator).
    if let Some(path) = std::env::var_os("RELAIS_FHIR_DUMP") {
        std::fs::write(path, to_json(&full()).expect("json")).expect("dump");
    }
    let summary = validate(&bundle).unwrap_or_else(|e| panic!("validator refused: {e}"));
    assert_eq!(summary["type"], "document");
    assert_eq!(summary["resources"][0], "Composition", "{summary}");
    assert!(summary["validator"]
        .as_str()
        .unwrap_or("")
        .starts_with("fhir.resources "));
    assert_references_resolve(&bundle);

    // Bundle head.
    assert_eq!(bundle["timestamp"], "2026-11-26T10:50:00Z");
    assert!(bundle["identifier"]["value"]
        .as_str()
        .unwrap_or("")
        .starts_with("urn:uuid:"));

    // Patient: INS-NIR (qualified identity), traits, status, médecin traitant.
    let patient = resources(&bundle, "Patient")[0];
    let ins = patient["identifier"]
        .as_array()
        .expect("identifiers")
        .iter()
        .find(|i| i["system"] == "urn:oid:1.2.250.1.213.1.4.8")
        .expect("INS-NIR identifier");
    assert_eq!(ins["value"], nir("2501228085123"));
    assert_eq!(ins["use"], "official");
    assert_eq!(ins["type"]["coding"][0]["code"], "INS-NIR");
    assert_eq!(
        patient["extension"][0]["extension"][0]["valueCoding"]["code"],
        "QUAL"
    );
    assert_eq!(patient["name"][0]["family"], "MARTIN");
    assert_eq!(patient["name"][0]["given"], json!(["Claire", "Anne"]));
    assert_eq!(patient["name"][1]["family"], "DURAND");
    assert_eq!(patient["gender"], "female");
    assert_eq!(patient["birthDate"], "1950-12-03");
    let gp = resolve(&bundle, &patient["generalPractitioner"][0]);
    assert_eq!(gp["name"][0]["text"], "Dr Paul Dali");

    // Practitioners: the doctor's RPPS as IdNatPS (8 + RPPS) and as RPPS.
    let doctor = resources(&bundle, "Practitioner")
        .into_iter()
        .find(|p| p["name"][0]["text"] == "Dr Hélène Lefèvre")
        .expect("doctor");
    let ids: Vec<(&str, &str)> = doctor["identifier"]
        .as_array()
        .expect("ids")
        .iter()
        .map(|i| {
            (
                i["system"].as_str().unwrap_or(""),
                i["value"].as_str().unwrap_or(""),
            )
        })
        .collect();
    assert!(ids.contains(&("urn:oid:1.2.250.1.71.4.2.1", "810002727377")));
    assert!(ids.contains(&("https://rpps.esante.gouv.fr", RPPS_GP)));

    // Encounter: virtual, period, both professionals.
    let encounter = resources(&bundle, "Encounter")[0];
    assert_eq!(encounter["class"]["code"], "VR");
    assert_eq!(encounter["status"], "finished");
    assert_eq!(encounter["period"]["start"], "2026-11-26T09:20:00Z");
    assert_eq!(encounter["period"]["end"], "2026-11-26T09:45:00Z");
    let participants: Vec<&str> = encounter["participant"]
        .as_array()
        .expect("participants")
        .iter()
        .map(|p| {
            resolve(&bundle, &p["individual"])["name"][0]["text"]
                .as_str()
                .unwrap_or("")
        })
        .collect();
    assert_eq!(participants, ["Dr Hélène Lefèvre", "Julie Petit"]);
    assert_eq!(
        resolve(&bundle, &encounter["location"][0]["location"])["name"],
        "Cabinet infirmier de Saint-Prest"
    );

    // Observations: LOINC and UCUM.
    let observations = resources(&bundle, "Observation");
    let codes: Vec<&str> = observations
        .iter()
        .map(|o| o["code"]["coding"][0]["code"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(
        codes,
        ["85354-9", "8867-4", "59408-5", "8310-5", "29463-7", "41653-7"]
    );
    let bp = observations[0];
    assert_eq!(bp["component"][0]["code"]["coding"][0]["code"], "8480-6");
    assert_eq!(bp["component"][0]["valueQuantity"]["value"], json!(128.0));
    assert_eq!(bp["component"][0]["valueQuantity"]["code"], "mm[Hg]");
    assert_eq!(bp["component"][1]["code"]["coding"][0]["code"], "8462-4");
    assert_eq!(bp["component"][1]["valueQuantity"]["value"], json!(82.0));
    assert_eq!(
        resolve(&bundle, &bp["device"])["deviceName"][0]["name"],
        "Omron M7 Intelli IT"
    );
    let spo2 = observations[2];
    assert_eq!(spo2["code"]["coding"][1]["code"], "2708-6");
    assert_eq!(spo2["valueQuantity"]["code"], "%");
    assert_eq!(observations[3]["valueQuantity"]["code"], "Cel");
    assert_eq!(observations[3]["valueQuantity"]["value"], json!(38.4));
    assert_eq!(observations[4]["valueQuantity"]["value"], json!(72.45));
    assert_eq!(observations[5]["valueQuantity"]["code"], "g/L");
    assert_eq!(observations[5]["valueQuantity"]["value"], json!(1.3));
    for o in &observations {
        assert_eq!(o["status"], "final");
        assert_eq!(
            o["valueQuantity"]
                .get("system")
                .or(o["component"][0]["valueQuantity"].get("system")),
            Some(&json!("http://unitsofmeasure.org"))
        );
        assert_eq!(resolve(&bundle, &o["subject"])["resourceType"], "Patient");
        assert_eq!(
            resolve(&bundle, &o["encounter"])["resourceType"],
            "Encounter"
        );
    }
    assert_eq!(
        observations[0]["category"][0]["coding"][0]["code"],
        "vital-signs"
    );
    // Two readings from the same cuff share one Device.
    assert_eq!(resources(&bundle, "Device").len(), 2);

    // MedicationRequests: one per line, ALD, non-substitutable, renewals, quantity.
    let meds = resources(&bundle, "MedicationRequest");
    assert_eq!(meds.len(), 2);
    let metformine = meds[0];
    assert_eq!(
        metformine["medicationCodeableConcept"]["text"],
        "Metformine 850 mg, comprimé"
    );
    assert_eq!(metformine["substitution"]["allowedBoolean"], false);
    assert_eq!(metformine["extension"][0]["valueBoolean"], true);
    assert_eq!(metformine["dispenseRequest"]["numberOfRepeatsAllowed"], 2);
    assert_eq!(
        metformine["dispenseRequest"]["quantity"]["value"],
        json!(3.0)
    );
    assert_eq!(
        metformine["dispenseRequest"]["expectedSupplyDuration"]["code"],
        "mo"
    );
    assert_eq!(
        metformine["dosageInstruction"][0]["text"],
        "1 comprimé matin et soir, pendant 3 mois"
    );
    assert_eq!(metformine["groupIdentifier"]["value"], "ORD-2026-000123");
    assert_eq!(metformine["authoredOn"], "2026-11-26T10:42:00+01:00");
    assert_eq!(
        resolve(&bundle, &metformine["requester"])["name"][0]["text"],
        "Dr Hélène Lefèvre"
    );
    assert_eq!(meds[1]["substitution"]["allowedBoolean"], true);
    assert!(meds[1].get("extension").is_none());

    // Composition: the signed report, version 2 replacing version 1.
    let composition = &entries(&bundle)[0]["resource"];
    assert_eq!(composition["status"], "final");
    assert_eq!(composition["type"]["coding"][0]["code"], "11488-4");
    assert_eq!(composition["title"], "Compte rendu de téléconsultation");
    assert_eq!(composition["attester"][0]["mode"], "legal");
    assert_eq!(
        resolve(&bundle, &composition["author"][0])["name"][0]["text"],
        "Dr Hélène Lefèvre"
    );
    assert_eq!(composition["relatesTo"][0]["code"], "replaces");
    let titles: Vec<&str> = composition["section"]
        .as_array()
        .expect("sections")
        .iter()
        .map(|s| s["title"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(
        titles,
        [
            "Motif",
            "Examen clinique",
            "Diagnostic",
            "Orientation",
            "Actes",
            "Consentement",
            "Ordonnances remises",
            "Copie au médecin traitant",
            "Mesures",
            "Prescription",
            "Incidents techniques"
        ]
    );
    let diagnosis = &composition["section"][2]["text"]["div"];
    assert!(diagnosis
        .as_str()
        .unwrap_or("")
        .contains("&lt;à confirmer&gt; &amp;"));
    let incidents = composition["section"][10]["text"]["div"]
        .as_str()
        .unwrap_or("");
    assert!(incidents.contains("MEDIA_DISCONNECTED") && incidents.contains("rétablie"));
    assert_eq!(
        composition["section"][8]["entry"].as_array().map(Vec::len),
        Some(6)
    );

    // DocumentReference: the PDF, intact.
    let doc = resources(&bundle, "DocumentReference")[0];
    let attachment = &doc["content"][0]["attachment"];
    assert_eq!(attachment["contentType"], "application/pdf");
    let pdf = base64::engine::general_purpose::STANDARD
        .decode(attachment["data"].as_str().unwrap_or(""))
        .expect("base64");
    assert_eq!(pdf, full().report_pdf.unwrap_or_default());
    assert_eq!(attachment["size"], pdf.len());
}

#[test]
fn a_record_without_report_is_a_preliminary_document_without_the_ins() {
    let mut input = full();
    input.patient.status = IdentityStatus::Provisional;
    input.patient.identity.treating_doctor = None;
    input.practitioner = None;
    input.readings.clear();
    input.incidents.clear();
    input.prescriptions.clear();
    input.report = None;
    input.report_pdf = None;
    input.encounter.status = EncounterStatus::Planned;
    input.encounter.end = None;
    let bundle = build(&input).expect("bundle");
    let summary = validate(&bundle).unwrap_or_else(|e| panic!("validator refused: {e}"));
    assert_eq!(
        summary["resources"],
        json!([
            "Composition",
            "Patient",
            "Practitioner",
            "Location",
            "Encounter"
        ])
    );
    assert_references_resolve(&bundle);
    let patient = resources(&bundle, "Patient")[0];
    // The RNIV forbids sharing the INS of an identity that is not qualified.
    assert!(!bundle.to_string().contains(&nir("2501228085123")));
    assert_eq!(patient["identifier"].as_array().map(Vec::len), Some(1));
    assert_eq!(
        patient["extension"][0]["extension"][0]["valueCoding"]["code"],
        "PROV"
    );
    let composition = &entries(&bundle)[0]["resource"];
    assert_eq!(composition["status"], "preliminary");
    assert_eq!(composition["title"], RECORD_TITLE);
    assert!(composition.get("attester").is_none());
    assert_eq!(
        resolve(&bundle, &composition["author"][0])["name"][0]["text"],
        "Julie Petit"
    );
    let sections = composition["section"].as_array().expect("sections");
    assert_eq!(sections[0]["title"], "Motif de consultation");
    assert_eq!(sections[1]["title"], "Incidents techniques");
    assert!(sections[1]["text"]["div"]
        .as_str()
        .unwrap_or("")
        .contains("Aucun incident technique."));
    let encounter = resources(&bundle, "Encounter")[0];
    assert_eq!(encounter["status"], "planned");
    assert_eq!(encounter["participant"].as_array().map(Vec::len), Some(1));
}

#[test]
fn a_temporary_number_is_exported_as_ins_nia() {
    let mut input = full();
    input.patient.identity.nir = Some(nir("7501299123456"));
    let bundle = build(&input).expect("bundle");
    validate(&bundle).unwrap_or_else(|e| panic!("validator refused: {e}"));
    let patient = resources(&bundle, "Patient")[0];
    let nia = patient["identifier"]
        .as_array()
        .expect("ids")
        .iter()
        .find(|i| i["system"] == "urn:oid:1.2.250.1.213.1.4.9")
        .expect("INS-NIA");
    assert_eq!(nia["use"], "temp");
    assert_eq!(nia["type"]["coding"][0]["code"], "INS-NIA");
}

#[test]
fn the_validator_rejects_broken_bundles() {
    let good = build(&full()).expect("bundle");
    let observation = entries(&good)
        .iter()
        .position(|e| e["resource"]["resourceType"] == "Observation")
        .expect("an observation");
    let encounter = entries(&good)
        .iter()
        .position(|e| e["resource"]["resourceType"] == "Encounter")
        .expect("an encounter");
    type Breakage = Box<dyn Fn(&mut Value)>;
    let breakages: Vec<(&str, Breakage)> = vec![
        (
            "Observation without code",
            Box::new(move |b| {
                b["entry"][observation]["resource"]
                    .as_object_mut()
                    .map(|o| o.remove("code"));
            }),
        ),
        (
            "Encounter without class",
            Box::new(move |b| {
                b["entry"][encounter]["resource"]
                    .as_object_mut()
                    .map(|o| o.remove("class"));
            }),
        ),
        (
            "a date that is not a date",
            Box::new(move |b| {
                b["entry"][observation]["resource"]["effectiveDateTime"] = json!("hier matin")
            }),
        ),
        (
            "an unknown element",
            Box::new(|b| b["entry"][1]["resource"]["numeroSecu"] = json!("x")),
        ),
        (
            "a quantity that is text",
            Box::new(move |b| {
                b["entry"][observation]["resource"]["component"][0]["valueQuantity"]["value"] =
                    json!("cent vingt-huit")
            }),
        ),
        (
            "an unknown resource type",
            Box::new(|b| b["entry"][1]["resource"]["resourceType"] = json!("Patiente")),
        ),
    ];
    let bad: Vec<Value> = breakages
        .iter()
        .map(|(what, breakage)| {
            let mut bad = good.clone();
            breakage(&mut bad);
            assert_ne!(bad, good, "{what}: the bundle changed");
            bad
        })
        .collect();
    for ((what, _), result) in breakages.iter().zip(validate_all(&bad)) {
        let err = result.expect_err(what);
        assert!(!err.trim().is_empty(), "{what}: the validator says why");
    }
}

#[test]
fn ids_are_stable_across_exports_and_distinct_across_consultations() {
    let a = build(&full()).expect("bundle");
    let mut later = full();
    later.generated_at = at(11, 0, 0);
    let b = build(&later).expect("bundle");
    let urls = |b: &Value| -> Vec<String> {
        entries(b)
            .iter()
            .map(|e| e["fullUrl"].as_str().unwrap_or("").to_string())
            .collect()
    };
    assert_eq!(urls(&a), urls(&b));
    let mut other = full();
    other.consultation_id = "another".into();
    let c = build(&other).expect("bundle");
    let first: HashSet<String> = urls(&a).into_iter().collect();
    assert!(urls(&c).iter().all(|u| !first.contains(u)));
}

#[test]
fn unexportable_input_is_refused_with_a_code() {
    let mut input = full();
    input.readings[0].reading = Reading::Pulse { bpm: f64::NAN };
    let e = build(&input).expect_err("NaN");
    assert_eq!(e.code(), "FHIR_NOT_A_NUMBER");
    assert!(e.to_string().contains("fréquence cardiaque"));
    let mut input = full();
    input.encounter.end = Some(at(8, 0, 0));
    assert_eq!(
        build(&input).expect_err("end").code(),
        "FHIR_END_BEFORE_START"
    );
    let mut input = full();
    input.consultation_id = " ".into();
    assert_eq!(build(&input).expect_err("id").code(), "FHIR_MISSING_FIELD");
    assert!(to_json(&full())
        .expect("json")
        .contains("\"resourceType\": \"Bundle\""));
}

#[test]
fn prescriptions_without_a_known_doctor_name_their_prescriber_once() {
    let mut input = full();
    input.practitioner = None;
    input.report = None;
    let mut second = prescription();
    second.id = "ORD-2026-000124".into();
    second.lines.truncate(1);
    input.prescriptions.push(second);
    let bundle = build(&input).expect("bundle");
    validate(&bundle).unwrap_or_else(|e| panic!("validator refused: {e}"));
    assert_references_resolve(&bundle);
    let meds = resources(&bundle, "MedicationRequest");
    assert_eq!(meds.len(), 3);
    let prescribers: HashSet<&str> = meds
        .iter()
        .map(|m| m["requester"]["reference"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(prescribers.len(), 1, "one Practitioner for the same RPPS");
    let doctor = resolve(&bundle, &meds[0]["requester"]);
    assert_eq!(doctor["identifier"][1]["value"], RPPS_GP);
    assert_eq!(
        doctor["address"][0]["text"],
        "12 rue du Bourg, 28000 Chartres, France"
    );
    assert_eq!(meds[2]["groupIdentifier"]["value"], "ORD-2026-000124");
}

fn sick_note() -> relais_core::sick_note::SickNote {
    relais_core::sick_note::SickNote::from_json(
        &json!({
            "id": "7c9e6679-7425-40de-944b-e07fc1f90ae7",
            "issuedAt": "2026-11-26T10:46:00+01:00",
            "prescriber": {
                "name": "Dr Hélène Lefèvre", "qualification": "Médecin généraliste",
                "rpps": RPPS_GP, "address": "12 rue du Bourg, 28000 Chartres",
                "phone": "+33237123456", "email": "h.lefevre@example.fr"
            },
            "patient": { "familyName": "Moreau", "givenNames": "Léa", "sex": "F", "birthDate": "1985-02-14" },
            "kind": "initial", "startDate": "2026-11-26", "days": 3, "byTreatingGp": false,
            "reason": "Syndrome grippal", "exits": "allowed", "exitsJustification": null, "notes": ""
        })
        .to_string(),
    )
    .expect("sick note")
}

#[test]
fn a_sick_note_is_a_document_reference_listed_in_the_composition() {
    let mut input = full();
    let pdf = b"%PDF-1.7\n% avis d'arret de travail\n%%EOF\n".to_vec();
    input.sick_notes = vec![SickNoteInput {
        note: sick_note(),
        version: 2,
        signed_at: at(9, 46, 30),
        pdf: pdf.clone(),
    }];
    let bundle = build(&input).expect("bundle");
    validate(&bundle).unwrap_or_else(|e| panic!("validator refused: {e}"));
    assert_references_resolve(&bundle);
    let docs = resources(&bundle, "DocumentReference");
    assert_eq!(docs.len(), 2);
    let note = docs[1];
    assert_eq!(note["type"], json!({ "text": "Avis d'arrêt de travail" }));
    assert_eq!(note["docStatus"], "final");
    assert_eq!(
        note["masterIdentifier"]["value"],
        "urn:relais:sick-note:7c9e6679-7425-40de-944b-e07fc1f90ae7:v2"
    );
    let attachment = &note["content"][0]["attachment"];
    let data = base64::engine::general_purpose::STANDARD
        .decode(attachment["data"].as_str().unwrap_or(""))
        .expect("base64");
    assert_eq!(data, pdf);
    // The Composition lists it, before the incidents that close the document.
    let composition = resources(&bundle, "Composition")[0];
    let sections = composition["section"].as_array().expect("sections");
    let i = sections
        .iter()
        .position(|s| s["title"] == "Avis d'arrêt de travail")
        .expect("sick note section");
    assert_eq!(sections[i + 1]["title"], "Incidents techniques");
    let text = sections[i]["text"]["div"].as_str().unwrap_or("");
    assert!(
        text.contains("Arrêt initial du 26/11/2026 au 28/11/2026 inclus (3 jours)"),
        "{text}"
    );
    // The medical reason stays in the PDF, not in the Composition's text.
    assert!(!text.contains("grippal"));
    let entry = &sections[i]["entry"][0]["reference"];
    assert_eq!(
        resolve(&bundle, &sections[i]["entry"][0])["resourceType"],
        "DocumentReference"
    );
    assert!(entry.as_str().is_some_and(|r| r.starts_with("urn:uuid:")));
}
