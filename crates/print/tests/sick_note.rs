//! The sick note PDF, checked with the real poppler tools: two pages, the medical reason on
//! the caisse's page only, French dates and accents, typed errors on invalid data.
#![allow(clippy::unwrap_used)]
mod common;

use chrono::DateTime;
use common::*;
use relais_core::sick_note::SickNote;
use relais_print::sick_note::{
    render, render_signed, CAISSE_PART, EMPLOYER_PART, INSURED_HEADING, NO_REASON_NOTE, ONLINE_NOTE,
};
use relais_print::{PrintError, Signature};
use serde_json::{json, Value};

const REASON: &str = "Syndrome grippal fébrile, courbatures ; repos strict à domicile.";
const NOTES: &str = "Réévaluer si la fièvre persiste au-delà de 72 h.";

fn sample() -> Value {
    json!({
        "id": "0b8e2c1a-5f3e-4c8e-9d1e-2a3b4c5d6e7f",
        "issuedAt": "2026-11-26T10:12:00+01:00",
        "prescriber": {
            "name": "Dr Hélène Lefèvre",
            "qualification": "Médecin généraliste",
            "rpps": "10002727377",
            "address": "12 rue du Bourg, 28000 Chartres",
            "phone": "02 37 12 34 56",
            "email": "h.lefevre@example.fr"
        },
        "patient": { "familyName": "Lefèbvre", "givenNames": "Françoise Zoé", "sex": "F", "birthDate": "1984-12-03" },
        "kind": "initial",
        "startDate": "2026-11-26",
        "days": 3,
        "byTreatingGp": false,
        "treatingGpSource": "declaration",
        "reason": REASON,
        "exits": "allowed",
        "exitsJustification": null,
        "notes": NOTES
    })
}

fn note(v: &Value) -> SickNote {
    SickNote::from_json(&v.to_string()).unwrap()
}

/// The flattened text of each page.
fn pages(pdf: &[u8]) -> Vec<String> {
    let text = pdftotext(pdf);
    let mut pages: Vec<String> = text.split('\u{c}').map(flat).collect();
    if pages.last().is_some_and(String::is_empty) {
        pages.pop();
    }
    pages
}

#[test]
fn two_pages_the_reason_on_the_caisse_s_only() {
    let pdf = render(&note(&sample())).unwrap();
    keep("sick-note.pdf", &pdf);
    assert!(pdf.starts_with(b"%PDF-"));
    let pages = pages(&pdf);
    assert_eq!(pages.len(), 2, "{pages:?}");
    let (caisse, employer) = (&pages[0], &pages[1]);
    for page in [caisse, employer] {
        for expected in [
            "AVIS D'ARRÊT DE TRAVAIL",
            "Prescrit en téléconsultation",
            "Dr Hélène Lefèvre",
            "N° RPPS : 10002727377",
            "12 rue du Bourg, 28000 Chartres, France",
            "LEFÈBVRE Françoise Zoé",
            "Née le 03/12/1984",
            "Arrêt initial",
            "Du jeudi 26 novembre 2026 au samedi 28 novembre 2026 inclus",
            "soit 3 jours",
            "Sorties autorisées",
            "de 9 h à 11 h et de 14 h à 16 h",
            "Le prescripteur n'est pas le médecin traitant du patient.",
            "prescrit en téléconsultation : limité à 3 jours",
            "0b8e2c1a-5f3e-4c8e-9d1e-2a3b4c5d6e7f",
            "Le 26 novembre 2026 à 10 h 12",
            "Signature du prescripteur",
            ONLINE_NOTE,
            // The social security number and the employer, by the patient's hand.
            INSURED_HEADING,
            "N° d'immatriculation (sécurité sociale)",
            "Employeur ou organisme (nom et adresse)",
        ] {
            assert!(page.contains(expected), "missing {expected:?} in {page}");
        }
    }
    assert!(caisse.contains(CAISSE_PART), "{caisse}");
    assert!(caisse.contains("Page 1/2") && employer.contains("Page 2/2"));
    assert!(employer.contains(EMPLOYER_PART), "{employer}");
    // The medical reason and the remarks on the caisse's page, never on the employer's.
    assert!(
        caisse.contains(REASON) && caisse.contains(NOTES),
        "{caisse}"
    );
    assert!(caisse.contains("Motif médical (confidentiel)"));
    for medical in ["grippal", "fièvre", "Motif médical", "Remarques"] {
        assert!(
            !employer.contains(medical),
            "{medical:?} on the employer's page: {employer}"
        );
    }
    assert!(employer.contains(NO_REASON_NOTE));
    assert!(!employer.contains(CAISSE_PART) && !caisse.contains(EMPLOYER_PART));
    // Both pages are A4 with ink.
    for page in [1, 2] {
        let (w, h, px) = raster(&pdf, page, 50);
        assert!(
            (413..=414).contains(&w) && (584..=585).contains(&h),
            "{w}x{h}"
        );
        let dark = px.iter().filter(|&&p| p < 128).count() as f64 / px.len() as f64;
        assert!(
            dark > 0.01 && dark < 0.3,
            "page {page}: dark fraction {dark}"
        );
    }
}

#[test]
fn dates_lengths_exits_and_the_treating_gp_are_written_out() {
    type Edit = fn(&mut Value);
    let table: [(Edit, &[&str], &[&str]); 6] = [
        (
            |v| v["days"] = json!(1),
            &["Le jeudi 26 novembre 2026", "soit 1 jour "],
            &["inclus"],
        ),
        (
            |v| {
                v["kind"] = json!("prolongation");
                v["startDate"] = json!("2026-11-27");
                v["days"] = json!(10);
                v["byTreatingGp"] = json!(true);
                v["treatingGpSource"] = json!("record");
            },
            &[
                "Prolongation",
                "Du vendredi 27 novembre 2026 au dimanche 6 décembre 2026 inclus",
                "soit 10 jours",
                "Le prescripteur est le médecin traitant du patient (numéro RPPS inscrit au dossier du patient).",
            ],
            &["Arrêt initial", "n'est pas le médecin traitant"],
        ),
        (
            |v| {
                v["days"] = json!(4);
                v["byTreatingGp"] = json!(true);
            },
            &["Le prescripteur est le médecin traitant du patient (déclaré par le prescripteur)."],
            &[],
        ),
        (
            |v| {
                v["issuedAt"] = json!("2026-12-30T18:00:00+01:00");
                v["startDate"] = json!("2026-12-31");
                v["days"] = json!(2);
            },
            &["Du jeudi 31 décembre 2026 au vendredi 1er janvier 2027 inclus"],
            &[],
        ),
        (
            |v| v["exits"] = json!("notAllowed"),
            &["Sorties non autorisées", "doit rester à son domicile"],
            &["de 9 h à 11 h"],
        ),
        (
            |v| {
                v["exits"] = json!("allowedAnyTime");
                v["exitsJustification"] = json!("Rééducation à la marche quotidienne");
            },
            &["Sorties autorisées sans restriction d'horaire"],
            &[],
        ),
    ];
    for (edit, present, absent) in table {
        let mut v = sample();
        edit(&mut v);
        let pages = pages(&render(&note(&v)).unwrap());
        assert_eq!(pages.len(), 2);
        for page in &pages {
            for p in present {
                assert!(page.contains(p), "missing {p:?} in {page}");
            }
            for a in absent {
                assert!(!page.contains(a), "unexpected {a:?} in {page}");
            }
        }
    }
    // The justification of free exits is medical: the caisse's page only.
    let mut v = sample();
    v["exits"] = json!("allowedAnyTime");
    v["exitsJustification"] = json!("Rééducation à la marche quotidienne");
    let pages = pages(&render(&note(&v)).unwrap());
    assert!(pages[0].contains("Rééducation à la marche quotidienne"));
    assert!(!pages[1].contains("Rééducation"));
}

fn invalid(v: &Value) -> PrintError {
    render(&note(v)).unwrap_err()
}

#[test]
fn invalid_data_gives_a_typed_error_and_no_document() {
    type Edit = fn(&mut Value);
    let table: [(Edit, &str, &str); 6] = [
        (|v| v["days"] = json!(4), "days", "SICK_NOTE_TOO_LONG"),
        (|v| v["days"] = json!(0), "days", "SICK_NOTE_NO_DAYS"),
        (
            |v| v["startDate"] = json!("2026-11-25"),
            "startDate",
            "SICK_NOTE_BACKDATED",
        ),
        (|v| v["reason"] = json!(""), "reason", "REQUIRED"),
        (
            |v| v["prescriber"]["rpps"] = json!(""),
            "prescriber.rpps",
            "REQUIRED",
        ),
        (
            |v| v["exits"] = json!("allowedAnyTime"),
            "exitsJustification",
            "REQUIRED",
        ),
    ];
    for (edit, field, code) in table {
        let mut v = sample();
        edit(&mut v);
        let e = invalid(&v);
        assert_eq!((e.field(), e.code()), (Some(field), code));
        assert!(matches!(e, PrintError::Invalid(_)));
    }
    let mut v = sample();
    v["days"] = json!(4);
    assert_eq!(
        invalid(&v).to_string(),
        "Durée de l'arrêt : En téléconsultation, un arrêt de travail est limité à 3 jours, sauf s'il est prescrit par le médecin traitant."
    );
}

fn signature() -> Signature {
    Signature {
        signed_at: DateTime::parse_from_rfc3339("2026-11-26T09:15:00Z").unwrap(),
        signer: "Dr Hélène Lefèvre".into(),
        version: 1,
        sha256: "3f9a1c0e5b7d2a4c6e8f0a1b2c3d4e5f60718293a4b5c6d7e8f9a0b1c2d3e4f5".into(),
        supersedes: None,
    }
}

#[test]
fn a_signed_note_carries_its_signature_on_both_pages() {
    let pdf = render_signed(&note(&sample()), &signature()).unwrap();
    keep("sick-note-signed.pdf", &pdf);
    let pages = pages(&pdf);
    assert_eq!(pages.len(), 2);
    for page in &pages {
        for expected in [
            "Signé électroniquement",
            "par Dr Hélène Lefèvre",
            "le 26/11/2026 à 10 h 15 · version 1",
            "3f9a1c0e5b7d2a4c6e8f0a1b2c3d4e5f",
        ] {
            assert!(page.contains(expected), "missing {expected:?} in {page}");
        }
        assert!(!page.contains("Signature du prescripteur"));
    }
    let mut bad = signature();
    bad.sha256 = "xyz".into();
    let e = render_signed(&note(&sample()), &bad).unwrap_err();
    assert_eq!(
        (e.field(), e.code()),
        (Some("signature.sha256"), "HASH_FORMAT")
    );
}

#[test]
fn a_long_reason_continues_on_a_page_of_the_caisse_s_part() {
    let mut v = sample();
    let long =
        "Lombalgie aiguë après effort de soulèvement, contracture paravertébrale.\n".repeat(13);
    v["reason"] = json!(long.trim());
    v["notes"] = json!("Ligne de remarque.\n".repeat(40));
    let pdf = render(&note(&v)).unwrap();
    keep("sick-note-long.pdf", &pdf);
    let pages = pages(&pdf);
    assert_eq!(pages.len(), 3, "{pages:?}");
    assert!(pages[1].contains("Volets 1 et 2 (suite)"), "{}", pages[1]);
    assert!(pages[1].contains("Page 2/3") && pages[1].contains("Ligne de remarque"));
    assert!(pages[2].contains(EMPLOYER_PART) && !pages[2].contains("Lombalgie"));
}
