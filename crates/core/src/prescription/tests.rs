use chrono::NaiveDate;
use serde_json::{json, Value};

use super::*;
use crate::identity::Sex;

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn sample() -> Value {
    json!({
        "id": "ORD-2026-000123",
        "issuedAt": "2026-11-26T10:42:00+01:00",
        "prescriber": {
            "name": "Dr Hélène Lefèvre",
            "qualification": "Médecin généraliste",
            "rpps": "10002727377",
            "address": "12 rue du Bourg, 28000 Chartres",
            "phone": "02 37 12 34 56",
            "email": "h.lefevre@example.fr"
        },
        "patient": {
            "familyName": "Martin",
            "givenNames": "Claire Anne",
            "sex": "F",
            "birthDate": "1984-12-03"
        },
        "lines": [
            { "drug": "Metformine 1000 mg, comprimé", "dosage": "1 comprimé matin et soir",
              "duration": "3 mois", "quantity": null, "renewals": 3, "ald": true, "nonSubstitutable": false },
            { "drug": "Paracétamol 1 g, comprimé", "dosage": "1 comprimé jusqu'à 3 fois par jour",
              "duration": null, "quantity": "1 boîte de 8", "renewals": 0, "ald": false, "nonSubstitutable": true }
        ],
        "notes": "Contrôle de l'HbA1c dans 3 mois."
    })
}

fn parse(v: &Value) -> Result<Prescription, DocumentError> {
    Prescription::from_json(&v.to_string())
}

fn today() -> NaiveDate {
    d("2026-11-26")
}

fn first_error(v: &Value) -> (String, &'static str) {
    let e = parse(v).unwrap().validate(today()).unwrap_err();
    (e.field.clone(), e.code())
}

#[test]
fn json_contract_round_trips_field_by_field() {
    let v = sample();
    let p = parse(&v).unwrap();
    assert_eq!(p.id, "ORD-2026-000123");
    assert_eq!(p.issued_at.to_rfc3339(), "2026-11-26T10:42:00+01:00");
    assert_eq!(p.prescriber.rpps, "10002727377");
    assert_eq!(p.patient.sex, Sex::F);
    assert_eq!(p.patient.birth_date, d("1984-12-03"));
    assert_eq!(p.patient.weight_kg, None);
    assert_eq!(p.lines.len(), 2);
    assert!(p.lines[0].ald && !p.lines[0].non_substitutable);
    assert_eq!(p.lines[1].quantity.as_deref(), Some("1 boîte de 8"));
    let back = serde_json::to_value(&p).unwrap();
    assert_eq!(back, v);
    assert_eq!(p.validate(today()), Ok(()));
}

#[test]
fn optional_line_fields_and_notes_may_be_absent() {
    let mut v = sample();
    v["lines"] =
        json!([{ "drug": "Amoxicilline 1 g", "dosage": "1 matin et soir", "duration": "6 jours" }]);
    v.as_object_mut().unwrap().remove("notes");
    let p = parse(&v).unwrap();
    assert_eq!(p.notes, "");
    assert_eq!(p.lines[0].renewals, 0);
    assert!(!p.lines[0].ald && !p.lines[0].non_substitutable);
    assert_eq!(p.validate(today()), Ok(()));
}

#[test]
fn malformed_values_name_their_field() {
    let mut v = sample();
    v["issuedAt"] = json!("26/11/2026 10:42");
    let e = parse(&v).unwrap_err();
    assert_eq!((e.field.as_str(), e.code()), ("issuedAt", "MALFORMED"));
    assert!(e.to_string().starts_with("Date de l'ordonnance : "), "{e}");

    let mut v = sample();
    v["patient"]["birthDate"] = json!("1984-13-03");
    let e = parse(&v).unwrap_err();
    assert_eq!(
        (e.field.as_str(), e.code()),
        ("patient.birthDate", "MALFORMED")
    );

    let mut v = sample();
    v["lines"][1]["renewals"] = json!(-1);
    let e = parse(&v).unwrap_err();
    assert_eq!(
        (e.field.as_str(), e.code()),
        ("lines[1].renewals", "MALFORMED")
    );

    let mut v = sample();
    v["patient"]["sex"] = json!("X");
    assert_eq!(parse(&v).unwrap_err().field, "patient.sex");

    let mut v = sample();
    v["prescriber"].as_object_mut().unwrap().remove("rpps");
    let e = parse(&v).unwrap_err();
    assert_eq!(
        (e.field.as_str(), e.code()),
        ("prescriber.rpps", "REQUIRED")
    );

    let mut v = sample();
    v.as_object_mut().unwrap().remove("lines");
    let e = parse(&v).unwrap_err();
    assert_eq!((e.field.as_str(), e.code()), ("lines", "REQUIRED"));

    let e = Prescription::from_json("{").unwrap_err();
    assert_eq!(e.code(), "MALFORMED");
}

#[test]
fn rpps_is_required_and_checked() {
    let mut v = sample();
    v["prescriber"]["rpps"] = json!("");
    assert_eq!(first_error(&v), ("prescriber.rpps".into(), "REQUIRED"));
    v["prescriber"]["rpps"] = json!("10002727387");
    assert_eq!(first_error(&v), ("prescriber.rpps".into(), "RPPS_FORMAT"));
    v["prescriber"]["rpps"] = json!("100 0272 7377");
    assert_eq!(parse(&v).unwrap().validate(today()), Ok(()));
}

#[test]
fn every_prescriber_mention_is_required() {
    for field in ["name", "qualification", "address", "phone", "email"] {
        let mut v = sample();
        v["prescriber"][field] = json!("  ");
        assert_eq!(first_error(&v), (format!("prescriber.{field}"), "REQUIRED"));
    }
    let mut v = sample();
    v["prescriber"]["phone"] = json!("12");
    assert_eq!(first_error(&v), ("prescriber.phone".into(), "PHONE_FORMAT"));
    for bad in [
        "h.lefevre",
        "a@b",
        "a b@c.fr",
        "@c.fr",
        "a@c.",
        "a@@c.fr",
        "a@c..fr",
    ] {
        let mut v = sample();
        v["prescriber"]["email"] = json!(bad);
        assert_eq!(
            first_error(&v),
            ("prescriber.email".into(), "EMAIL_FORMAT"),
            "{bad}"
        );
    }
}

#[test]
fn lines_rules() {
    let mut v = sample();
    v["lines"] = json!([]);
    assert_eq!(first_error(&v), ("lines".into(), "NO_LINES"));

    let mut v = sample();
    v["lines"][1]["dosage"] = json!("");
    assert_eq!(first_error(&v), ("lines[1].dosage".into(), "REQUIRED"));

    let mut v = sample();
    v["lines"][0]["drug"] = json!(" ");
    assert_eq!(first_error(&v), ("lines[0].drug".into(), "REQUIRED"));

    let mut v = sample();
    v["lines"][1]["quantity"] = json!(" ");
    assert_eq!(
        first_error(&v),
        ("lines[1].duration".into(), "DURATION_OR_QUANTITY_REQUIRED")
    );

    let mut v = sample();
    v["lines"][0]["renewals"] = json!(12);
    assert_eq!(
        first_error(&v),
        ("lines[0].renewals".into(), "RENEWALS_TOO_MANY")
    );
    v["lines"][0]["renewals"] = json!(11);
    assert_eq!(parse(&v).unwrap().validate(today()), Ok(()));
}

#[test]
fn a_child_needs_a_weight_the_day_before_18_but_not_on_the_birthday() {
    let mut v = sample();
    v["patient"]["birthDate"] = json!("2008-11-27");
    assert_eq!(
        first_error(&v),
        ("patient.weightKg".into(), "WEIGHT_REQUIRED")
    );
    v["patient"]["weightKg"] = json!(54.5);
    assert_eq!(parse(&v).unwrap().validate(today()), Ok(()));
    v["patient"]["weightKg"] = json!(0.1);
    assert_eq!(first_error(&v), ("patient.weightKg".into(), "WEIGHT_RANGE"));

    let mut v = sample();
    v["patient"]["birthDate"] = json!("2008-11-26");
    assert_eq!(parse(&v).unwrap().validate(today()), Ok(()));
}

#[test]
fn dates_rules() {
    let mut v = sample();
    v["issuedAt"] = json!("2026-11-27T08:00:00+01:00");
    assert_eq!(first_error(&v), ("issuedAt".into(), "DATE_FUTURE"));

    let mut v = sample();
    v["patient"]["birthDate"] = json!("2026-11-27");
    assert_eq!(
        first_error(&v),
        ("patient.birthDate".into(), "BIRTH_DATE_FUTURE")
    );
    v["patient"]["birthDate"] = json!("1890-01-01");
    assert_eq!(
        first_error(&v),
        ("patient.birthDate".into(), "BIRTH_DATE_TOO_OLD")
    );
}

#[test]
fn id_rules() {
    let mut v = sample();
    v["id"] = json!("");
    assert_eq!(first_error(&v), ("id".into(), "REQUIRED"));
    v["id"] = json!("ORD 12");
    assert_eq!(first_error(&v), ("id".into(), "ID_FORMAT"));
    v["id"] = json!("x".repeat(65));
    assert_eq!(first_error(&v), ("id".into(), "ID_FORMAT"));
    v["id"] = json!("0b8e2c1a-5f3e-4c8e-9d1e-2a3b4c5d6e7f");
    assert_eq!(parse(&v).unwrap().validate(today()), Ok(()));
}

#[test]
fn problems_lists_every_error_in_order() {
    let mut v = sample();
    v["prescriber"]["rpps"] = json!("1");
    v["lines"][0]["dosage"] = json!("");
    v["lines"][1]["drug"] = json!("");
    let p = parse(&v).unwrap();
    let fields: Vec<String> = p.problems(today()).into_iter().map(|e| e.field).collect();
    assert_eq!(
        fields,
        ["prescriber.rpps", "lines[0].dosage", "lines[1].drug"]
    );
    let fe = p.problems(today())[0].to_field_error();
    assert_eq!(fe.code, "RPPS_FORMAT");
    assert_eq!(fe.field, "prescriber.rpps");
}

#[test]
fn bizone_and_zones() {
    let p = parse(&sample()).unwrap();
    assert!(p.is_bizone());
    let (ald, other) = p.zones();
    assert_eq!(ald.len(), 1);
    assert!(ald[0].drug.starts_with("Metformine"));
    assert!(other[0].drug.starts_with("Paracétamol"));
    let mut v = sample();
    v["lines"][0]["ald"] = json!(false);
    assert!(!parse(&v).unwrap().is_bizone());
}

#[test]
fn texts() {
    let p = parse(&sample()).unwrap();
    assert_eq!(p.prescriber.phone_international(), "+33 2 37 12 34 56");
    assert_eq!(
        p.prescriber.postal_address(),
        "12 rue du Bourg, 28000 Chartres, France"
    );
    let mut pr = p.prescriber.clone();
    pr.address = "1 place X, 28000 Chartres, FRANCE".into();
    assert_eq!(pr.postal_address(), "1 place X, 28000 Chartres, FRANCE");
    assert_eq!(p.patient.full_name(), "MARTIN Claire Anne");
    assert_eq!(
        p.lines[0].renewals_text().as_deref(),
        Some("À renouveler 3 fois")
    );
    assert_eq!(p.lines[1].renewals_text(), None);
    assert_eq!(sex_label(Sex::I), "Indéterminé");
    let table = [
        ("1984-12-03", "2026-11-26", "41 ans"),
        ("2024-11-26", "2026-11-26", "2 ans"),
        ("2024-11-27", "2026-11-26", "23 mois"),
        ("2025-11-26", "2026-11-26", "12 mois"),
        ("2026-10-26", "2026-11-26", "1 mois"),
        ("2026-10-27", "2026-11-26", "4 semaines"),
        ("2026-11-18", "2026-11-26", "1 semaine"),
        ("2026-11-25", "2026-11-26", "1 jour"),
        ("2026-11-26", "2026-11-26", "0 jour"),
    ];
    for (birth, on, expected) in table {
        assert_eq!(
            age_text(d(birth), d(on)).as_deref(),
            Some(expected),
            "{birth} {on}"
        );
    }
    assert_eq!(age_text(d("2026-11-27"), d("2026-11-26")), None);
}

#[test]
fn every_code_is_screaming_snake_case_and_labels_are_french() {
    use DocumentErrorKind as K;
    let all = [
        K::Required,
        K::Malformed {
            detail: String::new(),
        },
        K::IdFormat,
        K::RppsFormat,
        K::PhoneFormat,
        K::EmailFormat,
        K::DateFuture,
        K::EndBeforeStart,
        K::BirthDateFuture,
        K::BirthDateTooOld,
        K::WeightRequired,
        K::WeightRange,
        K::NoLines,
        K::DurationOrQuantityRequired,
        K::RenewalsTooMany,
        K::GpActRequired,
        K::ActDuplicate,
        K::ReadingImplausible,
        K::HashFormat,
        K::VersionFormat,
        K::ConsentRequired,
    ];
    let mut codes: Vec<&str> = all.iter().map(K::code).collect();
    for c in &codes {
        assert!(
            c.bytes().all(|b| b.is_ascii_uppercase() || b == b'_'),
            "{c}"
        );
    }
    codes.sort_unstable();
    codes.dedup();
    assert_eq!(codes.len(), all.len());
    assert_eq!(field_label("lines[1].dosage"), "Ligne 2, posologie");
    assert_eq!(field_label("prescriber.rpps"), "Médecin, numéro RPPS");
    let e = DocumentError::new("lines", K::NoLines);
    assert_eq!(
        e.to_string(),
        "Lignes de prescription : L'ordonnance doit comporter au moins une ligne de prescription."
    );
}
