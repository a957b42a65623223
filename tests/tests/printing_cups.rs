//! The station's documents and printing with the real parts: a hub on 127.0.0.1 that knows
//! the consultation, the station's backend, and CUPS with the PDF printer `Relais-PDF` and
//! the stopped queue `Relais-Stopped` (set up by `cargo xtask test`, `xtask/src/cups.rs`).
//!
//! The printed file is found in cups-pdf's output folder and rendered with `pdftoppm`: the
//! job must have produced an A4 page with ink on it (its text is re-encoded by cups-pdf, so
//! it is not grepped).
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::Utc;
use relais_app::documents::{PrintJob, ReceivedVia};
use relais_app::dto::SignInInput;
use relais_app::{Station, SystemClock};
use relais_e2e::call::{enrolled_station, station_config, NURSE_PASSWORD, NURSE_USERNAME};
use relais_e2e::cups::{self, PDF_PRINTER, STOPPED_PRINTER};
use relais_e2e::{within, Result, PASSPHRASE};
use relais_protocol::documents::{content_sha256, DocumentKind, SignedDocument, Signer};

/// The prescription the GP signed (the hub fills id, date, prescriber and patient).
fn prescription(id: &str) -> serde_json::Value {
    serde_json::json!({
        "id": id,
        "issuedAt": "2026-11-26T10:42:00+01:00",
        "prescriber": { "name": "Dr Claire Martin", "qualification": "Médecin généraliste",
            "rpps": "10100345676", "address": "12 rue du Bourg, 28000 Chartres, France",
            "phone": "+33237123456", "email": "c.martin@example.fr" },
        "patient": { "familyName": "DURAND", "givenNames": "Paul", "sex": "M", "birthDate": "1950-03-14" },
        "lines": [
            { "drug": "Paracétamol 1 g", "dosage": "1 comprimé 3 fois par jour si douleur", "duration": "5 jours",
              "renewals": 0, "ald": false, "nonSubstitutable": false },
            { "drug": "Metformine 500 mg", "dosage": "1 comprimé matin et soir", "quantity": "1 boîte de 60",
              "renewals": 2, "ald": true, "nonSubstitutable": true }
        ],
        "notes": "Revoir le médecin traitant dans 8 jours. Coût indicatif : 12,50 €."
    })
}

fn signed(id: &str, hub_consultation_id: &str) -> SignedDocument {
    let content = prescription(id);
    SignedDocument {
        id: id.into(),
        consultation_id: hub_consultation_id.into(),
        kind: DocumentKind::Prescription,
        version: 1,
        supersedes: None,
        sha256: content_sha256(&content),
        content,
        signed_at: Utc::now(),
        signed_by: Signer {
            name: "Dr Claire Martin".into(),
            rpps: "10100345676".into(),
        },
    }
}

/// A hub, an enrolled station, and a consultation sent to the hub: (hub, station,
/// consultation id, the hub's id of it).
async fn setup(dir: &Path) -> Result<(relais_hub::RunningHub, Arc<Station>, String, String)> {
    let hub = relais_hub::start(relais_hub::Config::for_tests(&dir.join("hub"))).await?;
    let (station, consultation_id) = enrolled_station(&dir.join("station"), &hub).await?;
    let sent = station.send_to_hub(&consultation_id).await?;
    Ok((hub, station, consultation_id, sent.ticket.consultation_id))
}

/// Asks for the job's status until it is no longer `printing` (the spooler followed).
fn follow(station: &Station, job: &PrintJob, limit: Duration) -> Result<PrintJob> {
    let deadline = Instant::now() + limit;
    let mut current = job.clone();
    while current.state == "printing" {
        if Instant::now() > deadline {
            return Err(format!("print still printing after {limit:?}: {current:?}").into());
        }
        std::thread::sleep(Duration::from_millis(250));
        current = station.print_status(&job.id)?;
    }
    Ok(current)
}

fn not_completed_jobs(printer: &str) -> String {
    std::process::Command::new("lpstat")
        .args(["-W", "not-completed", "-o", printer])
        .env("LC_ALL", "C")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).into_owned())
        .unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_received_prescription_is_checked_stored_and_printed_on_the_pdf_printer() -> Result {
    within(Duration::from_secs(120), async {
        cups::require()?;
        let dir = tempfile::tempdir()?;
        let (_hub, station, consultation_id, hub_id) = setup(dir.path()).await?;

        // A tampered document is refused and not stored.
        let mut tampered = signed("ord-tampered-0001", &hub_id);
        tampered.content["lines"][0]["dosage"] = serde_json::json!("10 comprimés");
        let err = station
            .receive_document(&tampered, ReceivedVia::DataChannel)
            .expect_err("tampered");
        assert_eq!(err.code, "DOCUMENT_HASH_MISMATCH");
        // A document of a consultation this station never requested is refused too.
        let err = station
            .receive_document(
                &signed("ord-other-0001", "another-hub-id"),
                ReceivedVia::Hub,
            )
            .expect_err("unknown");
        assert_eq!(err.code, "DOCUMENT_UNKNOWN_CONSULTATION");

        // Live on the data channel, then the same from the hub: stored once.
        let doc = signed("ord-2026-000123", &hub_id);
        assert!(station.receive_document(&doc, ReceivedVia::DataChannel)?);
        assert!(!station.receive_document(&doc, ReceivedVia::Hub)?);
        let docs = station.documents(&consultation_id)?;
        assert_eq!(docs.len(), 1, "{docs:?}");
        assert_eq!(docs[0].id, doc.id);
        assert_eq!(docs[0].sha256, doc.sha256);
        assert_eq!(docs[0].short_hash, &doc.sha256[..12]);
        assert_eq!(docs[0].received_via, "dataChannel");
        assert_eq!(docs[0].content, doc.content);

        // The printers of this computer, the stopped one seen as stopped.
        let printers = station.printers()?;
        let pdf = printers
            .printers
            .iter()
            .find(|p| p.name == PDF_PRINTER)
            .ok_or("Relais-PDF not listed")?;
        assert!(pdf.is_ready(), "{pdf:?}");
        let stopped = printers
            .printers
            .iter()
            .find(|p| p.name == STOPPED_PRINTER)
            .ok_or("Relais-Stopped not listed")?;
        assert!(!stopped.is_ready(), "{stopped:?}");
        assert_eq!(
            station
                .set_default_printer(Some("Imprimante-Inconnue"))
                .expect_err("unknown printer")
                .code,
            "PRINTER_NOT_FOUND"
        );
        let chosen = station.set_default_printer(Some(PDF_PRINTER))?;
        assert_eq!(chosen.chosen.as_deref(), Some(PDF_PRINTER));
        assert_eq!(chosen.effective.as_deref(), Some(PDF_PRINTER));

        // Print on the chosen printer and follow the job to its end.
        let started = Instant::now();
        let job = station.print_document(&doc.id, None)?;
        assert_eq!(job.state, "printing", "{job:?}");
        assert_eq!(job.printer, PDF_PRINTER);
        let done = follow(&station, &job, Duration::from_secs(60))?;
        assert_eq!(done.state, "done", "{done:?}");
        let spool_job = done.spool_job.clone().ok_or("no spool job id")?;
        let file = cups::wait_for_output(&spool_job, Duration::from_secs(20))?;
        eprintln!(
            "printed {spool_job} in {} ms: {}",
            started.elapsed().as_millis(),
            file.display()
        );
        let shots = Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/e2e-prints");
        std::fs::create_dir_all(&shots)?;
        let page = cups::render_first_page(&file, Some(&shots.join("prescription-cups.png")))?;
        eprintln!("rendered page: {page:?}");
        let ratio = page.height as f64 / page.width as f64;
        assert!(
            (ratio - 297.0 / 210.0).abs() < 0.02,
            "not A4 portrait: {page:?}"
        );
        assert!(page.ink > 0.003, "blank page: {page:?}");
        assert!(page.ink < 0.5, "page mostly black: {page:?}");
        // The station's own copy of the PDF is gone once printed.
        assert!(
            !dir.path()
                .join("station/print")
                .join(format!("{}.pdf", job.id))
                .exists(),
            "the printed PDF was left on disk"
        );

        // A reprint is a new job.
        let again = follow(
            &station,
            &station.print_document(&doc.id, None)?,
            Duration::from_secs(60),
        )?;
        assert_eq!(again.state, "done");
        assert_ne!(again.id, job.id);
        assert_eq!(station.documents(&consultation_id)?[0].prints.len(), 2);
        assert!(station.pending_prints()?.is_empty());
        Ok(())
    })
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stopped_printer_leaves_the_print_pending_across_a_restart() -> Result {
    within(Duration::from_secs(120), async {
        cups::require()?;
        let dir = tempfile::tempdir()?;
        let (_hub, station, consultation_id, hub_id) = setup(dir.path()).await?;
        let doc = signed("ord-2026-000456", &hub_id);
        station.receive_document(&doc, ReceivedVia::Hub)?;

        // The stopped queue takes the job, the station sees it blocked and withdraws it.
        let job = station.print_document(&doc.id, Some(STOPPED_PRINTER))?;
        let failed = follow(&station, &job, Duration::from_secs(30))?;
        assert_eq!(failed.state, "failed", "{failed:?}");
        assert_eq!(failed.code.as_deref(), Some("PRINTER_STOPPED"));
        assert!(failed
            .message
            .as_deref()
            .is_some_and(|m| m.contains("est arrêtée")));
        let spool_job = failed.spool_job.clone().ok_or("no spool job")?;
        assert!(
            !not_completed_jobs(STOPPED_PRINTER).contains(&format!("{spool_job} ")),
            "the blocked job was left in the stopped queue"
        );
        // An unknown printer fails with its own code, recorded too.
        let unknown = station.print_document(&doc.id, Some("Imprimante-Inconnue"))?;
        assert_eq!(unknown.state, "failed");
        assert_eq!(unknown.code.as_deref(), Some("PRINTER_NOT_FOUND"));
        station.cancel_print(&unknown.id)?;
        let pending = station.pending_prints()?;
        assert_eq!(
            pending.iter().map(|j| j.id.as_str()).collect::<Vec<_>>(),
            vec![job.id.as_str()]
        );

        // Restart: nothing is lost, the failed print is still offered.
        drop(station);
        let station = Station::start(
            station_config(&dir.path().join("station")),
            Box::new(SystemClock),
        );
        station.unlock_storage(PASSPHRASE)?;
        station.sign_in(SignInInput {
            username: NURSE_USERNAME.into(),
            password: NURSE_PASSWORD.into(),
        })?;
        let pending = station.pending_prints()?;
        assert_eq!(pending.len(), 1, "{pending:?}");
        assert_eq!(pending[0].id, job.id);
        assert_eq!(pending[0].code.as_deref(), Some("PRINTER_STOPPED"));
        assert_eq!(pending[0].consultation_id, consultation_id);

        // Retried on the same stopped printer: fails again, one more attempt.
        let retried = follow(
            &station,
            &station.retry_print(&job.id)?,
            Duration::from_secs(30),
        )?;
        assert_eq!((retried.state.as_str(), retried.attempts), ("failed", 2));
        // Printed on the working printer instead, then given up on the stopped one.
        let done = follow(
            &station,
            &station.print_document(&doc.id, Some(PDF_PRINTER))?,
            Duration::from_secs(60),
        )?;
        assert_eq!(done.state, "done", "{done:?}");
        assert_eq!(station.cancel_print(&job.id)?.state, "cancelled");
        assert!(station.pending_prints()?.is_empty());
        Ok(())
    })
    .await
}
