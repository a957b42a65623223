//! The prescription PDF, checked with the real poppler tools: its text, its pages as pixels, its QR code.
#![allow(clippy::unwrap_used)]
mod common;

use chrono::DateTime;
use common::*;
use relais_print::prescription::{
    render, render_signed, ALD_HEADING, ALD_SUBHEADING, OTHER_HEADING, OTHER_SUBHEADING,
};
use relais_print::{PrintError, Signature};
use serde_json::json;

#[test]
fn the_fixture_renders_with_every_mandatory_mention() {
    let p = prescription(&prescription_json());
    let pdf = render(&p).unwrap();
    keep("prescription.pdf", &pdf);
    assert!(pdf.starts_with(b"%PDF-"));
    let text = pdftotext(&pdf);
    let page_text = flat(&text);
    for expected in [
        // Prescriber: name, qualification, RPPS, address with France, phone +33, e-mail.
        "Dr Hélène Lefèvre",
        "Médecin généraliste, qualifiée en médecine générale",
        "N° RPPS : 10002727377",
        "12 rue du Général-de-Gaulle, 28300 Saint-Prest, France",
        "Tél. : +33 2 37 21 45 68",
        "Courriel : helene.lefevre@mssante.example.fr",
        // Date.
        "Le 26 novembre 2026 à 10 h 42",
        // Patient: name, first names, sex, birth date and age, weight.
        "BÉRENGER Françoise Anaïs",
        "Sexe : Féminin",
        "Née le 14/03/1952 (74 ans)",
        "Poids : 68,5 kg",
        // Lines: drug, dosage, duration or quantity, renewals, non-substitution.
        "1. Metformine 1000 mg, comprimé pelliculé",
        "1 comprimé matin et soir, au milieu des repas",
        "Durée : 3 mois",
        "À renouveler 3 fois",
        "Non substituable 2. Amoxicilline 1 g, comprimé dispersible",
        "Quantité : 1 boîte de 21 comprimés",
        "Non renouvelable",
        // Notes with accents and the euro sign.
        "aucun reste à charge (0 €)",
        "au-delà de 39 °C",
        // Unique number, signature, page.
        "Ordonnance n° ORD-2026-000123",
        "Signature du prescripteur",
        "Page 1/1",
    ] {
        assert!(
            page_text.contains(expected),
            "missing {expected:?} in:\n{text}"
        );
    }
    // Order: the ALD zone above the other one.
    let ald = page_text.find(ALD_HEADING).expect("ALD heading");
    let other = page_text.find(OTHER_HEADING).expect("other heading");
    let metformine = page_text.find("Metformine").unwrap();
    let amoxicilline = page_text.find("Amoxicilline").unwrap();
    assert!(ald < metformine && metformine < other && other < amoxicilline);
    assert!(page_text.contains(ALD_SUBHEADING) && page_text.contains(OTHER_SUBHEADING));
}

#[test]
fn the_page_is_a4_with_ink_and_the_qr_code_reads_the_number() {
    let pdf = render(&prescription(&prescription_json())).unwrap();
    let (w, h, px) = raster(&pdf, 1, 50);
    // 210 x 297 mm at 50 dpi.
    assert!(
        (413..=414).contains(&w) && (584..=585).contains(&h),
        "{w}x{h}"
    );
    let dark = px.iter().filter(|&&p| p < 128).count() as f64 / px.len() as f64;
    assert!(dark > 0.01 && dark < 0.3, "dark fraction {dark}");
    assert_eq!(qr_codes(&pdf, 1, 150), ["ORD-2026-000123"]);

    // The hub numbers prescriptions with UUIDs: a longer code, still read back.
    let mut v = prescription_json();
    v["id"] = json!("0b8e2c1a-5f3e-4c8e-9d1e-2a3b4c5d6e7f");
    let pdf = render(&prescription(&v)).unwrap();
    assert_eq!(
        qr_codes(&pdf, 1, 150),
        ["0b8e2c1a-5f3e-4c8e-9d1e-2a3b4c5d6e7f"]
    );
    assert!(flat(&pdftotext(&pdf)).contains("Ordonnance n° 0b8e2c1a-5f3e-4c8e-9d1e-2a3b4c5d6e7f"));
}

#[test]
fn bizone_headings_only_when_a_line_is_ald() {
    let mut v = prescription_json();
    v["lines"][0]["ald"] = json!(false);
    let page_text = flat(&pdftotext(&render(&prescription(&v)).unwrap()));
    assert!(
        !page_text.contains("affection de longue durée"),
        "{page_text}"
    );
    assert!(!page_text.contains("INTERCURRENTES"));
    assert!(page_text.contains("1. Metformine") && page_text.contains("2. Amoxicilline"));

    // Only ALD lines: both zones, the lower one says so.
    let mut v = prescription_json();
    v["lines"][1]["ald"] = json!(true);
    let text = flat(&pdftotext(&render(&prescription(&v)).unwrap()));
    assert!(text.contains(ALD_HEADING) && text.contains(OTHER_HEADING));
    assert!(
        text.contains(&format!("{OTHER_SUBHEADING} Néant")),
        "{text}"
    );
}

fn invalid(v: &serde_json::Value) -> PrintError {
    render(&prescription(v)).unwrap_err()
}

#[test]
fn invalid_data_gives_a_typed_error_naming_the_field_and_no_document() {
    let mut v = prescription_json();
    v["prescriber"]["rpps"] = json!("");
    let e = invalid(&v);
    assert_eq!((e.field(), e.code()), (Some("prescriber.rpps"), "REQUIRED"));
    assert!(matches!(e, PrintError::Invalid(_)));
    assert!(e.to_string().contains("numéro RPPS"), "{e}");

    v["prescriber"]["rpps"] = json!("10002727378");
    let e = invalid(&v);
    assert_eq!(
        (e.field(), e.code()),
        (Some("prescriber.rpps"), "RPPS_FORMAT")
    );

    let mut v = prescription_json();
    v["prescriber"].as_object_mut().unwrap().remove("rpps");
    let e = relais_core::prescription::Prescription::from_json(&v.to_string()).unwrap_err();
    assert_eq!(
        (e.field.as_str(), e.code()),
        ("prescriber.rpps", "REQUIRED")
    );

    let mut v = prescription_json();
    v["lines"] = json!([]);
    let e = invalid(&v);
    assert_eq!((e.field(), e.code()), (Some("lines"), "NO_LINES"));

    let mut v = prescription_json();
    v["issuedAt"] = json!("2026-11-31T10:42:00+01:00");
    let e = relais_core::prescription::Prescription::from_json(&v.to_string()).unwrap_err();
    assert_eq!((e.field.as_str(), e.code()), ("issuedAt", "MALFORMED"));
    assert!(e.to_string().starts_with("Date de l'ordonnance"), "{e}");

    let mut v = prescription_json();
    v["lines"][0]["dosage"] = json!(" ");
    let e = invalid(&v);
    assert_eq!((e.field(), e.code()), (Some("lines[0].dosage"), "REQUIRED"));
}

#[test]
fn a_child_prescription_shows_the_weight_and_refuses_without_it() {
    let mut v = prescription_json();
    v["patient"]["birthDate"] = json!("2025-05-10");
    v["patient"]["weightKg"] = json!(9.2);
    v["patient"]["sex"] = json!("M");
    let page_text = flat(&pdftotext(&render(&prescription(&v)).unwrap()));
    assert!(page_text.contains("Sexe : Masculin"), "{page_text}");
    assert!(
        page_text.contains("Né le 10/05/2025 (18 mois)"),
        "{page_text}"
    );
    assert!(page_text.contains("Poids : 9,2 kg"), "{page_text}");

    v["patient"].as_object_mut().unwrap().remove("weightKg");
    let e = invalid(&v);
    assert_eq!(
        (e.field(), e.code()),
        (Some("patient.weightKg"), "WEIGHT_REQUIRED")
    );
}

#[test]
fn a_long_prescription_runs_over_numbered_pages() {
    let mut v = prescription_json();
    let lines: Vec<_> = (1..=30)
        .map(|i| {
            json!({
                "drug": format!("Médicament numéro {i}, comprimé sécable"),
                "dosage": "1 comprimé le matin, à avaler avec un grand verre d'eau",
                "duration": "1 mois", "renewals": 2, "ald": i <= 12, "nonSubstitutable": i % 7 == 0
            })
        })
        .collect();
    v["lines"] = json!(lines);
    let pdf = render(&prescription(&v)).unwrap();
    keep("prescription-long.pdf", &pdf);
    let text = pdftotext(&pdf);
    let pages: Vec<&str> = text
        .split('\u{c}')
        .filter(|p| !p.trim().is_empty())
        .collect();
    let n = pages.len();
    assert!(n >= 3, "{n} pages");
    for (i, page) in pages.iter().enumerate() {
        let page = flat(page);
        assert!(
            page.contains(&format!("Page {}/{n}", i + 1)),
            "page {}: {page}",
            i + 1
        );
        // Every page names the prescription and the patient.
        assert!(page.contains("ORD-2026-000123") && page.contains("BÉRENGER Françoise Anaïs"));
        if i > 0 {
            assert!(page.contains("Ordonnance n° ORD-2026-000123 (suite)"));
        }
        // The signature closes the last page only.
        assert_eq!(page.contains("Signature du prescripteur"), i == n - 1);
    }
    let all = flat(&text);
    for i in 1..=30 {
        let entry = format!("{i}. Médicament numéro {i},");
        assert_eq!(all.matches(&entry).count(), 1, "{entry}");
    }
    // The zone continues on the next page under its repeated heading.
    assert!(
        all.contains("(AFFECTION EXONÉRANTE) (suite)")
            || all.contains("(MALADIES INTERCURRENTES) (suite)")
    );
    for page in 1..=n {
        let (_, _, px) = raster(&pdf, page, 50);
        assert!(px.iter().any(|&p| p < 128), "page {page} is blank");
    }
}

fn signature() -> Signature {
    Signature {
        signed_at: DateTime::parse_from_rfc3339("2026-11-26T09:45:00Z").unwrap(),
        signer: "Dr Hélène Lefèvre".into(),
        version: 2,
        sha256: "3f9a1c0e5b7d2a4c6e8f0a1b2c3d4e5f60718293a4b5c6d7e8f9a0b1c2d3e4f5".into(),
        supersedes: Some("8d1c2f4a-0b6e-4a57-9c1d-2e3f4a5b6c7d".into()),
    }
}

#[test]
fn a_signed_prescription_carries_its_signature_hash_and_version() {
    let pdf = render_signed(&prescription(&prescription_json()), &signature()).unwrap();
    keep("prescription-signed.pdf", &pdf);
    let page_text = flat(&pdftotext(&pdf));
    for expected in [
        "Signé électroniquement",
        "par Dr Hélène Lefèvre",
        // 09:45 UTC is 10 h 45 in Paris in November.
        "le 26/11/2026 à 10 h 45 · version 2",
        "Remplace le document n° 8d1c2f4a-0b6e-4a57-9c1d-2e3f4a5b6c7d",
        "3f9a1c0e5b7d2a4c6e8f0a1b2c3d4e5f",
        "60718293a4b5c6d7e8f9a0b1c2d3e4f5",
    ] {
        assert!(
            page_text.contains(expected),
            "missing {expected:?} in {page_text}"
        );
    }
    assert!(!page_text.contains("Signature du prescripteur"));

    let mut bad = signature();
    bad.sha256.pop();
    let e = render_signed(&prescription(&prescription_json()), &bad).unwrap_err();
    assert_eq!(
        (e.field(), e.code()),
        (Some("signature.sha256"), "HASH_FORMAT")
    );
    let mut bad = signature();
    bad.version = 0;
    let e = render_signed(&prescription(&prescription_json()), &bad).unwrap_err();
    assert_eq!(
        (e.field(), e.code()),
        (Some("signature.version"), "VERSION_FORMAT")
    );
}

#[test]
fn the_fonts_are_embedded_and_reduced_to_the_glyphs_used() {
    let pdf = render(&prescription(&prescription_json())).unwrap();
    let path = keep("prescription-fonts.pdf", &pdf);
    let out = std::process::Command::new("pdffonts")
        .arg(&path)
        .output()
        .unwrap();
    assert!(out.status.success());
    let listing = String::from_utf8(out.stdout).unwrap();
    // Header, rule, then one row per font: CID TrueType, embedded ("yes" in the emb column).
    let rows: Vec<&str> = listing.lines().skip(2).collect();
    assert_eq!(rows.len(), 2, "{listing}");
    for row in rows {
        assert!(
            row.contains("CID TrueType") && row.contains("Identity-H"),
            "{row}"
        );
        let cols: Vec<&str> = row.split_whitespace().collect();
        let emb = cols.len() - 5;
        assert_eq!(cols[emb], "yes", "not embedded: {row}");
    }
    // Two whole DejaVu faces would weigh 1.4 MB; the subsets a few tens of kB.
    assert!(pdf.len() < 120_000, "{} bytes", pdf.len());
}
