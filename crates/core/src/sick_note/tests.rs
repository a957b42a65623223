use chrono::NaiveDate;
use serde_json::{json, Value};

use super::*;
use crate::prescription::DocumentErrorKind;

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn today() -> NaiveDate {
    d("2026-11-26")
}

fn sample() -> Value {
    json!({
        "id": "AAT-2026-000042",
        "issuedAt": "2026-11-26T10:12:00+01:00",
        "prescriber": {
            "name": "Dr Hélène Lefèvre",
            "qualification": "Médecin généraliste",
            "rpps": "10002727377",
            "address": "12 rue du Bourg, 28000 Chartres",
            "phone": "02 37 12 34 56",
            "email": "h.lefevre@example.fr"
        },
        "patient": { "familyName": "Martin", "givenNames": "Claire Anne", "sex": "F", "birthDate": "1984-12-03" },
        "kind": "initial",
        "startDate": "2026-11-26",
        "days": 3,
        "byTreatingGp": false,
        "treatingGpSource": "declaration",
        "reason": "Syndrome grippal",
        "exits": "allowed",
        "exitsJustification": null,
        "notes": ""
    })
}

fn parse(v: &Value) -> Result<SickNote, DocumentError> {
    SickNote::from_json(&v.to_string())
}

/// The (field, code) of every problem of `v` on `today()`.
fn problems(v: &Value) -> Vec<(String, &'static str)> {
    parse(v)
        .unwrap()
        .problems(today())
        .iter()
        .map(|e| (e.field.clone(), e.code()))
        .collect()
}

#[test]
fn json_contract_round_trips_field_by_field() {
    let v = sample();
    let n = parse(&v).unwrap();
    assert_eq!(n.id, "AAT-2026-000042");
    assert_eq!(n.issued_at.to_rfc3339(), "2026-11-26T10:12:00+01:00");
    assert_eq!(n.prescriber.rpps, "10002727377");
    assert_eq!(n.patient.family_name, "Martin");
    assert_eq!(n.kind, SickNoteKind::Initial);
    assert_eq!(n.start_date, d("2026-11-26"));
    assert_eq!(n.days, 3);
    assert!(!n.by_treating_gp);
    assert_eq!(n.treating_gp_source, TreatingGpSource::Declaration);
    assert_eq!(n.reason, "Syndrome grippal");
    assert_eq!(n.exits, Exits::Allowed);
    assert_eq!(n.exits_justification, None);
    assert_eq!(n.notes, "");
    assert_eq!(serde_json::to_value(&n).unwrap(), v);
    assert_eq!(n.validate(today()), Ok(()));
}

#[test]
fn enums_have_their_json_codes() {
    let table = [
        (json!("initial"), json!(SickNoteKind::Initial)),
        (json!("prolongation"), json!(SickNoteKind::Prolongation)),
        (json!("notAllowed"), json!(Exits::NotAllowed)),
        (json!("allowed"), json!(Exits::Allowed)),
        (json!("allowedAnyTime"), json!(Exits::AllowedAnyTime)),
        (json!("record"), json!(TreatingGpSource::Record)),
        (json!("declaration"), json!(TreatingGpSource::Declaration)),
    ];
    for (code, value) in table {
        assert_eq!(code, value);
    }
}

#[test]
fn optional_fields_may_be_absent_and_the_console_declaration_is_ignored() {
    let mut v = sample();
    let o = v.as_object_mut().unwrap();
    o.remove("notes");
    o.remove("exitsJustification");
    o.remove("treatingGpSource");
    o.insert("declaredTreatingGp".into(), json!(true));
    let n = parse(&v).unwrap();
    assert_eq!(n.notes, "");
    assert_eq!(n.exits_justification, None);
    assert_eq!(n.treating_gp_source, TreatingGpSource::Declaration);
    assert!(!n.by_treating_gp);
    assert!(serde_json::to_value(&n)
        .unwrap()
        .get("declaredTreatingGp")
        .is_none());
}

#[test]
fn malformed_or_missing_values_name_their_field() {
    let table: [(&str, Value, &str, &str); 6] = [
        ("startDate", json!("26/11/2026"), "startDate", "MALFORMED"),
        ("days", json!(-1), "days", "MALFORMED"),
        ("days", json!("3"), "days", "MALFORMED"),
        ("kind", json!("rechute"), "kind", "MALFORMED"),
        ("exits", json!("sometimes"), "exits", "MALFORMED"),
        ("byTreatingGp", json!("oui"), "byTreatingGp", "MALFORMED"),
    ];
    for (key, value, field, code) in table {
        let mut v = sample();
        v[key] = value;
        let e = parse(&v).unwrap_err();
        assert_eq!((e.field.as_str(), e.code()), (field, code), "{key}");
    }
    for key in ["reason", "startDate", "days", "exits", "kind"] {
        let mut v = sample();
        v.as_object_mut().unwrap().remove(key);
        let e = parse(&v).unwrap_err();
        assert_eq!((e.field.as_str(), e.code()), (key, "REQUIRED"), "{key}");
    }
}

#[test]
fn every_rule_names_its_field_and_code() {
    type Edit = fn(&mut Value);
    type Case = (&'static str, Edit, Vec<(&'static str, &'static str)>);
    let table: Vec<Case> = vec![
        ("valid", |_| {}, vec![]),
        ("1 day", |v| v["days"] = json!(1), vec![]),
        (
            "0 days",
            |v| v["days"] = json!(0),
            vec![("days", "SICK_NOTE_NO_DAYS")],
        ),
        (
            "0 days by the treating GP",
            |v| {
                v["days"] = json!(0);
                v["byTreatingGp"] = json!(true);
            },
            vec![("days", "SICK_NOTE_NO_DAYS")],
        ),
        (
            "4 days",
            |v| v["days"] = json!(4),
            vec![("days", "SICK_NOTE_TOO_LONG")],
        ),
        (
            "4 days by the treating GP",
            |v| {
                v["days"] = json!(4);
                v["byTreatingGp"] = json!(true);
            },
            vec![],
        ),
        (
            "15 days by the treating GP",
            |v| {
                v["days"] = json!(15);
                v["byTreatingGp"] = json!(true);
            },
            vec![],
        ),
        (
            "backdated by one day",
            |v| v["startDate"] = json!("2026-11-25"),
            vec![("startDate", "SICK_NOTE_BACKDATED")],
        ),
        (
            "starts tomorrow",
            |v| v["startDate"] = json!("2026-11-27"),
            vec![],
        ),
        (
            "starts in 2 days",
            |v| v["startDate"] = json!("2026-11-28"),
            vec![],
        ),
        (
            "starts in 3 days",
            |v| v["startDate"] = json!("2026-11-29"),
            vec![("startDate", "SICK_NOTE_START_TOO_LATE")],
        ),
        (
            "reason empty",
            |v| v["reason"] = json!("  "),
            vec![("reason", "REQUIRED")],
        ),
        (
            "reason of 1000 characters",
            |v| v["reason"] = json!("é".repeat(1000)),
            vec![],
        ),
        (
            "reason of 1001 characters",
            |v| v["reason"] = json!("é".repeat(1001)),
            vec![("reason", "SICK_NOTE_REASON_TOO_LONG")],
        ),
        (
            "exits any time without justification",
            |v| v["exits"] = json!("allowedAnyTime"),
            vec![("exitsJustification", "REQUIRED")],
        ),
        (
            "exits any time with a blank justification",
            |v| {
                v["exits"] = json!("allowedAnyTime");
                v["exitsJustification"] = json!(" ");
            },
            vec![("exitsJustification", "REQUIRED")],
        ),
        (
            "exits any time justified",
            |v| {
                v["exits"] = json!("allowedAnyTime");
                v["exitsJustification"] = json!("Marche prescrite par le kinésithérapeute");
            },
            vec![],
        ),
        (
            "exits not allowed",
            |v| v["exits"] = json!("notAllowed"),
            vec![],
        ),
        (
            "issued tomorrow",
            |v| {
                v["issuedAt"] = json!("2026-11-27T09:00:00+01:00");
                v["startDate"] = json!("2026-11-27");
            },
            vec![("issuedAt", "DATE_FUTURE")],
        ),
        (
            "bad RPPS",
            |v| v["prescriber"]["rpps"] = json!("10002727378"),
            vec![("prescriber.rpps", "RPPS_FORMAT")],
        ),
        ("no id", |v| v["id"] = json!(""), vec![("id", "REQUIRED")]),
        (
            "no family name",
            |v| v["patient"]["familyName"] = json!(""),
            vec![("patient.familyName", "REQUIRED")],
        ),
        (
            "child without weight",
            |v| v["patient"]["birthDate"] = json!("2015-01-01"),
            vec![],
        ),
        (
            "several problems in document order",
            |v| {
                v["startDate"] = json!("2026-11-20");
                v["days"] = json!(5);
                v["reason"] = json!("");
            },
            vec![
                ("startDate", "SICK_NOTE_BACKDATED"),
                ("days", "SICK_NOTE_TOO_LONG"),
                ("reason", "REQUIRED"),
            ],
        ),
    ];
    for (name, edit, expected) in table {
        let mut v = sample();
        edit(&mut v);
        let expected: Vec<(String, &str)> = expected
            .into_iter()
            .map(|(f, c)| (f.to_string(), c))
            .collect();
        assert_eq!(problems(&v), expected, "{name}");
    }
}

#[test]
fn errors_read_in_french_and_name_their_field() {
    let mut v = sample();
    v["days"] = json!(4);
    let e = parse(&v).unwrap().validate(today()).unwrap_err();
    assert_eq!(e.field, "days");
    assert_eq!(e.code(), "SICK_NOTE_TOO_LONG");
    assert_eq!(e.kind, DocumentErrorKind::SickNote(SickNoteError::TooLong));
    assert_eq!(
        e.to_string(),
        "Durée de l'arrêt : En téléconsultation, un arrêt de travail est limité à 3 jours, sauf s'il est prescrit par le médecin traitant."
    );
    let f = e.to_field_error();
    assert_eq!(
        (f.field.as_str(), f.code.as_str()),
        ("days", "SICK_NOTE_TOO_LONG")
    );

    let mut v = sample();
    v["startDate"] = json!("2026-11-24");
    let e = parse(&v).unwrap().validate(today()).unwrap_err();
    assert_eq!(
        e.to_string(),
        "Premier jour d'arrêt : Un arrêt de travail ne peut pas commencer avant la date de sa prescription."
    );
    let mut v = sample();
    v["exits"] = json!("allowedAnyTime");
    let e = parse(&v).unwrap().validate(today()).unwrap_err();
    assert_eq!(
        e.to_string(),
        "Justification des sorties libres : Ce champ est obligatoire."
    );
}

#[test]
fn end_date_and_days_text() {
    let table = [
        ("2026-11-26", 1, Some("2026-11-26"), "1 jour"),
        ("2026-11-26", 3, Some("2026-11-28"), "3 jours"),
        ("2026-12-30", 4, Some("2027-01-02"), "4 jours"),
        ("2028-02-28", 2, Some("2028-02-29"), "2 jours"),
        ("2026-11-26", 0, None, "0 jour"),
    ];
    for (start, days, end, text) in table {
        let mut v = sample();
        v["startDate"] = json!(start);
        v["days"] = json!(days);
        let n = parse(&v).unwrap();
        assert_eq!(n.end_date(), end.map(d), "{start} {days}");
        assert_eq!(n.days_text(), text);
    }
}

#[test]
fn the_record_decides_who_is_the_treating_gp() {
    let gp = "10002727377";
    let other = "10000000000";
    let by_record = |b| TreatingGp {
        by_treating_gp: b,
        source: TreatingGpSource::Record,
    };
    let by_declaration = |b| TreatingGp {
        by_treating_gp: b,
        source: TreatingGpSource::Declaration,
    };
    let table: [(Option<&str>, bool, Result<TreatingGp, &str>); 9] = [
        (Some(gp), true, Ok(by_record(true))),
        (Some(gp), false, Ok(by_record(true))),
        (Some("100 0272 7377"), true, Ok(by_record(true))),
        (Some(other), false, Ok(by_record(false))),
        (Some(other), true, Err("SICK_NOTE_NOT_TREATING_GP")),
        (None, true, Ok(by_declaration(true))),
        (None, false, Ok(by_declaration(false))),
        (Some("  "), true, Ok(by_declaration(true))),
        (Some(""), false, Ok(by_declaration(false))),
    ];
    for (recorded, declared, expected) in table {
        let got = treating_gp(gp, recorded, declared);
        match (got, expected) {
            (Ok(g), Ok(e)) => assert_eq!(g, e, "{recorded:?} {declared}"),
            (Err(g), Err(code)) => {
                assert_eq!((g.field.as_str(), g.code()), ("declaredTreatingGp", code));
                assert_eq!(
                    g.to_string(),
                    "Médecin traitant : Le dossier du patient désigne un autre médecin traitant (numéro RPPS différent du vôtre)."
                );
            }
            (g, e) => panic!("{recorded:?} {declared}: {g:?} vs {e:?}"),
        }
    }
}

#[test]
fn labels_are_french() {
    assert_eq!(SickNoteKind::Initial.label(), "Arrêt initial");
    assert_eq!(SickNoteKind::Prolongation.label(), "Prolongation");
    assert_eq!(Exits::NotAllowed.label(), "Sorties non autorisées");
    assert!(Exits::Allowed
        .rule_text()
        .contains("de 9 h à 11 h et de 14 h à 16 h"));
    assert!(Exits::AllowedAnyTime.label().contains("sans restriction"));
}
