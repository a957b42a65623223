use chrono::NaiveDate;
use serde_json::{json, Value};

use super::*;

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 26).unwrap()
}

fn sample() -> Value {
    json!({
        "id": "CR-2026-000045",
        "consultationId": "c-7f3a9e",
        "startedAt": "2026-11-26T10:20:00+01:00",
        "endedAt": "2026-11-26T10:41:00+01:00",
        "patient": { "familyName": "MARTIN", "givenNames": "Claire", "sex": "F", "birthDate": "1984-12-03" },
        "patientConsent": true,
        "gp": {
            "name": "Dr Hélène Lefèvre", "qualification": "Médecin généraliste", "rpps": "10002727377",
            "address": "12 rue du Bourg, 28000 Chartres", "phone": "+33237123456", "email": "h.lefevre@example.fr"
        },
        "assistant": { "name": "Sophie Bernard", "profession": "Infirmière diplômée d'État", "rpps": null, "place": "Domicile du patient, Jouy" },
        "reason": "Toux fébrile depuis 3 jours",
        "findings": "Auscultation : crépitants base droite.",
        "readings": [
            { "takenAt": "2026-11-26T10:25:00+01:00", "reading": { "kind": "temperature", "celsius": 38.6 } },
            { "takenAt": "2026-11-26T10:26:00+01:00", "reading": { "kind": "spO2", "percent": 95.0 } }
        ],
        "diagnosis": "Pneumopathie droite probable",
        "orientation": "Retour à domicile, réévaluation à 48 h par le médecin traitant.",
        "prescriptionIds": ["ORD-2026-000123"],
        "acts": ["TCG", "TLL"],
        "incidents": [{ "at": "2026-11-26T10:30:00+01:00", "description": "Coupure vidéo de 12 s, reprise automatique." }],
        "copyTo": { "name": "Dr Paul Dali", "address": null }
    })
}

fn parse(v: &Value) -> Report {
    Report::from_json(&v.to_string()).unwrap()
}

fn first_error(v: &Value) -> (String, &'static str) {
    let e = parse(v).validate(today()).unwrap_err();
    (e.field.clone(), e.code())
}

#[test]
fn json_round_trips_and_validates() {
    let v = sample();
    let r = parse(&v);
    assert_eq!(r.acts, [ActCode::Tcg, ActCode::Tll]);
    assert_eq!(r.readings.len(), 2);
    assert_eq!(serde_json::to_value(&r).unwrap(), v);
    assert_eq!(r.validate(today()), Ok(()));
    assert_eq!(r.total_cents(), 3700);
    assert_eq!(euros_text(r.total_cents()), "37,00 €");
}

#[test]
fn acts_rules() {
    let mut v = sample();
    v["acts"] = json!(["TLS"]);
    assert_eq!(first_error(&v), ("acts".into(), "GP_ACT_REQUIRED"));
    v["acts"] = json!(["TCG", "TLS", "TLD"]);
    assert_eq!(first_error(&v), ("acts".into(), "ACT_DUPLICATE"));
    v["acts"] = json!(["TCG", "TCG"]);
    assert_eq!(first_error(&v), ("acts".into(), "ACT_DUPLICATE"));
    v["acts"] = json!(["TCG"]);
    assert_eq!(parse(&v).validate(today()), Ok(()));
    v["acts"] = json!(["TCX"]);
    let e = Report::from_json(&v.to_string()).unwrap_err();
    assert_eq!((e.field.as_str(), e.code()), ("acts[0]", "MALFORMED"));
    let fees: Vec<(&str, u32)> = [ActCode::Tcg, ActCode::Tls, ActCode::Tll, ActCode::Tld]
        .iter()
        .map(|a| (a.code(), a.fee_cents()))
        .collect();
    assert_eq!(
        fees,
        [("TCG", 2500), ("TLS", 1000), ("TLL", 1200), ("TLD", 1500)]
    );
}

#[test]
fn required_fields_and_participants() {
    for (path, field) in [
        ("reason", "reason"),
        ("findings", "findings"),
        ("orientation", "orientation"),
        ("consultationId", "consultationId"),
    ] {
        let mut v = sample();
        v[path] = json!("");
        assert_eq!(first_error(&v), (field.to_string(), "REQUIRED"));
    }
    let mut v = sample();
    v["diagnosis"] = json!("");
    assert_eq!(parse(&v).validate(today()), Ok(()));

    let mut v = sample();
    v["gp"]["rpps"] = json!("10002727378");
    assert_eq!(first_error(&v), ("gp.rpps".into(), "RPPS_FORMAT"));
    let mut v = sample();
    v["assistant"]["rpps"] = json!("123");
    assert_eq!(first_error(&v), ("assistant.rpps".into(), "RPPS_FORMAT"));
    let mut v = sample();
    v["assistant"]["profession"] = json!("");
    assert_eq!(first_error(&v), ("assistant.profession".into(), "REQUIRED"));
    let mut v = sample();
    v["patientConsent"] = json!(false);
    assert_eq!(
        first_error(&v),
        ("patientConsent".into(), "CONSENT_REQUIRED")
    );
    let mut v = sample();
    v["copyTo"]["name"] = json!(" ");
    assert_eq!(first_error(&v), ("copyTo.name".into(), "REQUIRED"));
    let mut v = sample();
    v["copyTo"] = Value::Null;
    assert_eq!(parse(&v).validate(today()), Ok(()));
    let mut v = sample();
    v["incidents"][0]["description"] = json!("");
    assert_eq!(
        first_error(&v),
        ("incidents[0].description".into(), "REQUIRED")
    );
}

#[test]
fn a_child_report_does_not_need_a_weight() {
    let mut v = sample();
    v["patient"]["birthDate"] = json!("2020-01-01");
    assert_eq!(parse(&v).validate(today()), Ok(()));
}

#[test]
fn times_and_readings() {
    let mut v = sample();
    v["endedAt"] = json!("2026-11-26T10:19:59+01:00");
    assert_eq!(first_error(&v), ("endedAt".into(), "END_BEFORE_START"));
    let mut v = sample();
    v["startedAt"] = json!("2026-11-27T10:20:00+01:00");
    v["endedAt"] = Value::Null;
    assert_eq!(first_error(&v), ("startedAt".into(), "DATE_FUTURE"));
    let mut v = sample();
    v["readings"][1]["reading"]["percent"] = json!(30.0);
    assert_eq!(
        first_error(&v),
        ("readings[1]".into(), "READING_IMPLAUSIBLE")
    );
    let mut v = sample();
    v["readings"][0]["takenAt"] = json!("10:25");
    let e = Report::from_json(&v.to_string()).unwrap_err();
    assert_eq!(
        (e.field.as_str(), e.code()),
        ("readings[0].takenAt", "MALFORMED")
    );
}
