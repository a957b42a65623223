//! The prescription end to end: a real hub on 127.0.0.1, the station's backend in a call
//! with the GP in headless Chromium; the GP writes the prescription in the console and
//! signs it with a fresh TOTP code; the station receives it live on the data channel,
//! checks its hash and stores it, finds the same one at the hub, and prints it through
//! CUPS on the PDF printer `Relais-PDF`. The file cups-pdf wrote is rendered with
//! `pdftoppm` and must be an A4 page with ink on it.
use std::path::Path;
use std::time::{Duration, Instant};

use relais_e2e::call::{CallScenario, ScenarioOptions};
use relais_e2e::cups::{self, PDF_PRINTER};
use relais_e2e::gp::RxLine;
use relais_e2e::Result;
use relais_protocol::documents::content_sha256;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_gp_signs_a_prescription_and_the_station_prints_it() -> Result {
    relais_e2e::within(Duration::from_secs(240), steps()).await
}

async fn steps() -> Result {
    cups::require()?;
    let s = CallScenario::prepare(ScenarioOptions::default()).await?;
    s.station.set_default_printer(Some(PDF_PRINTER))?;
    s.connect().await?;
    eprintln!("[rx] call connected");

    // The GP writes and signs the prescription in the console.
    let signed =
        s.gp.write_and_sign_prescription(
            &[
                RxLine {
                    drug: "Amoxicilline 1 g",
                    dosage: "1 comprimé matin et soir pendant les repas",
                    duration: Some("6 jours"),
                    quantity: Some("1 boîte de 12"),
                    renewals: 0,
                    ald: false,
                    non_substitutable: false,
                },
                RxLine {
                    drug: "Paracétamol 1 g",
                    dosage: "1 comprimé toutes les 6 heures si fièvre",
                    duration: Some("5 jours"),
                    quantity: None,
                    renewals: 0,
                    ald: false,
                    non_substitutable: true,
                },
            ],
            "Revoir le médecin traitant si la fièvre persiste au-delà de 72 heures.",
            None,
            &s.gp_totp_secret,
        )
        .await?;
    eprintln!(
        "[rx] signed in the console: {} v{}",
        signed.id, signed.version
    );
    assert_eq!(signed.version, 1);

    // Live on the data channel: stored at the station, noted in the call's journal.
    let (doc, took) = s.station_receives_document(&signed.id).await?;
    eprintln!(
        "[rx] stored at the station {} ms after signing, via {}",
        took.as_millis(),
        doc.received_via
    );
    assert_eq!(doc.kind, "prescription");
    assert_eq!(doc.version, 1);
    assert_eq!(doc.sha256, signed.sha256);
    assert_eq!(content_sha256(&doc.content), doc.sha256);
    assert_eq!(doc.content["lines"][0]["drug"], "Amoxicilline 1 g");
    assert_eq!(doc.content["lines"][1]["nonSubstitutable"], true);
    assert!(doc.content["patient"]["familyName"]
        .as_str()
        .is_some_and(|n| n.eq_ignore_ascii_case("durand")));
    assert_eq!(doc.signed_by.name, "Dr Claire Martin");
    if doc.received_via == "dataChannel" {
        let journal = s.calls.status().map(|c| c.events).unwrap_or_default();
        assert!(
            journal.iter().any(|e| e.kind == "DOCUMENT_RECEIVED"),
            "{journal:?}"
        );
    }
    // The hub has the same one: fetching stores nothing new.
    let fetched = s.station.fetch_documents(&s.consultation_id).await?;
    assert_eq!(
        fetched.iter().filter(|d| d.kind == "prescription").count(),
        1,
        "{fetched:?}"
    );

    // Printed through CUPS on the PDF printer, followed to completion.
    let started = Instant::now();
    let job = s.print_to_the_end(&doc.id).await?;
    assert_eq!(job.printer, PDF_PRINTER);
    assert_eq!(job.state, "done", "{job:?}");
    let spool_job = job.spool_job.clone().ok_or("no CUPS job id")?;
    let file = cups::wait_for_output(&spool_job, Duration::from_secs(20))?;
    eprintln!(
        "[rx] printed as {spool_job} in {} ms: {}",
        started.elapsed().as_millis(),
        file.display()
    );
    let shots = Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/e2e-prints");
    std::fs::create_dir_all(&shots)?;
    let page = cups::render_first_page(&file, Some(&shots.join("prescription-e2e.png")))?;
    eprintln!("[rx] rendered: {page:?}");
    let ratio = page.height as f64 / page.width as f64;
    assert!((ratio - 297.0 / 210.0).abs() < 0.02, "not A4: {page:?}");
    assert!(page.ink > 0.003 && page.ink < 0.5, "{page:?}");
    assert!(s.station.pending_prints()?.is_empty());

    s.calls.hang_up().await?;
    Ok(())
}
