//! The report PDF, checked with the real poppler tools.
#![allow(clippy::unwrap_used)]
mod common;

use common::*;
use relais_print::report::{render, TITLE};
use serde_json::json;

#[test]
fn the_report_renders_every_part() {
    let r = report(&report_json());
    let pdf = render(&r).unwrap();
    keep("report.pdf", &pdf);
    let text = pdftotext(&pdf);
    let page_text = flat(&text);
    for expected in [
        TITLE,
        "Dr Hélène Lefèvre",
        "N° RPPS : 10002727377",
        "CR-2026-000045",
        "c-7f3a9e",
        "Le 26 novembre 2026, de 10 h 20 à 10 h 41 (21 min)",
        "BÉRENGER Françoise Anaïs",
        "Née le 14/03/1952 (74 ans)",
        "Sophie Bernard, Infirmière diplômée d'État",
        "Domicile de la patiente, Jouy",
        "Consentement à la téléconsultation recueilli.",
        "Dr Paul Dali, 3 place Châtelet, 28000 Chartres",
        "Toux fébrile depuis 3 jours, fatigue.",
        "crépitants de la base droite",
        "Pression artérielle 132/81 mmHg",
        "Température 38,6 °C",
        "Saturation en oxygène (SpO2) 95 %",
        "Fréquence cardiaque 92 /min",
        "Pneumopathie droite probable",
        "Réévaluation à 48 h par le médecin traitant",
        "Prescriptions Ordonnance n° ORD-2026-000123.",
        "TCG Téléconsultation du médecin généraliste 25,00 €",
        "TLL Accompagnement infirmier d'une téléconsultation au domicile du patient 12,00 €",
        "37,00 €",
        "10 h 30 : Coupure vidéo de 12 s, reprise automatique de l'appel.",
        "Signature du médecin",
        "Page 1/1",
    ] {
        assert!(
            page_text.contains(expected),
            "missing {expected:?} in:\n{text}"
        );
    }
    let (w, h, px) = raster(&pdf, 1, 50);
    assert!(
        (413..=414).contains(&w) && (584..=585).contains(&h),
        "{w}x{h}"
    );
    assert!(px.iter().filter(|&&p| p < 128).count() > px.len() / 100);
}

#[test]
fn an_invalid_report_names_the_field() {
    let mut v = report_json();
    v["acts"] = json!(["TLL"]);
    let e = render(&report(&v)).unwrap_err();
    assert_eq!((e.field(), e.code()), (Some("acts"), "GP_ACT_REQUIRED"));

    let mut v = report_json();
    v["gp"]["rpps"] = json!("");
    let e = render(&report(&v)).unwrap_err();
    assert_eq!((e.field(), e.code()), (Some("gp.rpps"), "REQUIRED"));
}

#[test]
fn a_long_report_flows_onto_more_pages() {
    let mut v = report_json();
    v["findings"] = json!("Examen détaillé, sans particularité notable à ce stade. ".repeat(80));
    v["copyTo"] = serde_json::Value::Null;
    v["incidents"] = json!([]);
    let pdf = render(&report(&v)).unwrap();
    let text = pdftotext(&pdf);
    let pages: Vec<&str> = text
        .split('\u{c}')
        .filter(|p| !p.trim().is_empty())
        .collect();
    assert!(pages.len() >= 2);
    let n = pages.len();
    assert!(flat(pages[n - 1]).contains(&format!("Page {n}/{n}")));
    assert!(flat(pages[1]).contains("Compte rendu n° CR-2026-000045 (suite)"));
    let all = flat(&text);
    assert!(all.contains("Pas de médecin traitant déclaré"));
    assert!(all.contains("Aucun incident technique."));
}

#[test]
fn a_signed_report_carries_its_signature() {
    let signature = relais_print::Signature {
        signed_at: chrono::DateTime::parse_from_rfc3339("2026-11-26T09:44:00Z").unwrap(),
        signer: "Dr Hélène Lefèvre".into(),
        version: 1,
        sha256: "9b2e4d6f8a0c1e3f5a7b9c0d2e4f6a8b0c1d3e5f7a9b0c2d4e6f8a0b1c3d5e7f".into(),
        supersedes: None,
    };
    let pdf = relais_print::report::render_signed(&report(&report_json()), &signature).unwrap();
    keep("report-signed.pdf", &pdf);
    let text = flat(&pdftotext(&pdf));
    assert!(
        text.contains("Signé électroniquement par Dr Hélène Lefèvre"),
        "{text}"
    );
    assert!(text.contains("le 26/11/2026 à 10 h 44 · version 1"));
    assert!(text.contains("9b2e4d6f8a0c1e3f5a7b9c0d2e4f6a8b"));
    assert!(text.contains("0c1d3e5f7a9b0c2d4e6f8a0b1c3d5e7f"));
    assert!(!text.contains("Remplace"));
    assert!(!text.contains("Signature du médecin"));
}
