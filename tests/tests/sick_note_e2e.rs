//! The sick note (arrêt de travail) end to end: a real hub on 127.0.0.1, the station's
//! backend in a call with the GP in headless Chromium. In the console's "Arrêt de travail"
//! tab the GP, not the médecin traitant, asks for 4 days: the hub refuses (the core's
//! 3-day rule of teleconsultation) and the console shows the French message on the days
//! field; nothing is signed. With 3 days it is signed with a fresh TOTP code, reaches the
//! station, is stored and printed through CUPS on `Relais-PDF`: two A4 pages, the medical
//! reason on page 1 (the caisse's medical service) and not on page 2 (the employer's).
use std::path::Path;
use std::time::{Duration, Instant};

use chrono::{Datelike, Local};
use relais_e2e::call::{CallScenario, ScenarioOptions};
use relais_e2e::cups::{self, PDF_PRINTER};
use relais_e2e::gp::SickNoteInput;
use relais_e2e::Result;
use relais_protocol::documents::content_sha256;

const REASON: &str = "Syndrome grippal fébrile avec courbatures";

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_sick_note_over_three_days_is_refused_then_signed_stored_and_printed() -> Result {
    relais_e2e::within(Duration::from_secs(180), steps()).await
}

/// "samedi 28 novembre", as the console writes a date.
fn french_long_date(d: chrono::NaiveDate) -> String {
    const DAYS: [&str; 7] = [
        "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche",
    ];
    const MONTHS: [&str; 12] = [
        "janvier",
        "février",
        "mars",
        "avril",
        "mai",
        "juin",
        "juillet",
        "août",
        "septembre",
        "octobre",
        "novembre",
        "décembre",
    ];
    format!(
        "{} {} {}",
        DAYS[d.weekday().num_days_from_monday() as usize],
        d.day(),
        MONTHS[d.month0() as usize]
    )
}

async fn steps() -> Result {
    cups::require()?;
    let s = CallScenario::prepare(ScenarioOptions::default()).await?;
    s.station.set_default_printer(Some(PDF_PRINTER))?;
    s.connect().await?;
    eprintln!("[sick note] call connected");

    // 4 days by a GP who is not the médecin traitant: the end date is shown as typed…
    s.gp.open_documents_tab("sickNote").await?;
    let mut note = SickNoteInput {
        days: 4,
        treating_gp: false,
        reason: REASON,
        exits: "allowed",
        exits_justification: "",
        notes: "Reprise possible en télétravail.",
    };
    s.gp.write_sick_note(&note).await?;
    let today = Local::now().date_naive();
    let period = s.gp.text("sn-period").await?;
    let end4 = french_long_date(today + chrono::Days::new(3));
    assert!(
        period.contains(&format!("{end4} inclus")) && period.contains("4 jours"),
        "{period} / {end4}"
    );
    s.gp.eval(
        "document.querySelector('[data-testid=sn-editor]').scrollIntoView({block: 'start'});",
    )
    .await?;
    s.gp.screenshot("console-20-sick-note-editor").await?;

    // …and the hub refuses it: the message on the days field, nothing signed.
    let refused = s.gp.sign_open_document_refused(&s.gp_totp_secret).await?;
    eprintln!("[sick note] refused: {refused:?}");
    s.gp.screenshot("console-21-sick-note-refused").await?;
    assert_eq!(refused.len(), 1, "{refused:?}");
    assert_eq!(refused[0].field, "days");
    assert!(
        refused[0].message.contains("3 jours") && refused[0].message.contains("médecin traitant"),
        "{refused:?}"
    );
    let audit = s.hub.admin().audit().await?;
    assert!(
        audit
            .iter()
            .any(|e| e.action == "document.sign_failed" && e.detail.contains("SICK_NOTE_TOO_LONG")),
        "no refusal in the audit"
    );
    assert!(!audit.iter().any(|e| e.action == "document.sign"));
    let at_hub = s.station.fetch_documents(&s.consultation_id).await?;
    assert!(at_hub.is_empty(), "{at_hub:?}");

    // 3 days: signed with a fresh code.
    note.days = 3;
    s.gp.write_sick_note(&note).await?;
    let end3 = french_long_date(today + chrono::Days::new(2));
    let period = s.gp.text("sn-period").await?;
    assert!(period.contains(&format!("{end3} inclus")), "{period}");
    let signed = s.gp.sign_open_document(&s.gp_totp_secret, None).await?;
    eprintln!(
        "[sick note] signed in the console: {} v{}",
        signed.id, signed.version
    );
    assert_eq!(signed.version, 1);
    let view = s.gp.text("sn-view").await?;
    assert!(view.contains(REASON) && view.contains(&end3), "{view}");
    s.gp.screenshot("console-22-sick-note-signed").await?;

    // The station receives it (live on the data channel, or from the hub) and stores it.
    let (doc, took) = s.station_receives_document(&signed.id).await?;
    eprintln!(
        "[sick note] stored at the station {} ms after signing, via {}",
        took.as_millis(),
        doc.received_via
    );
    assert_eq!(doc.kind, "sickNote");
    assert_eq!(doc.sha256, signed.sha256);
    assert_eq!(content_sha256(&doc.content), doc.sha256);
    let c = &doc.content;
    assert_eq!(c["days"], 3);
    assert_eq!(c["kind"], "initial");
    assert_eq!(c["byTreatingGp"], false);
    assert_eq!(c["reason"], REASON);
    assert_eq!(c["exits"], "allowed");
    assert_eq!(c["startDate"], today.format("%Y-%m-%d").to_string());
    assert_eq!(c["prescriber"]["rpps"], "10100345676");
    assert!(c["patient"]["familyName"]
        .as_str()
        .is_some_and(|n| n.eq_ignore_ascii_case("durand")));

    // Printed through CUPS, followed to completion.
    let started = Instant::now();
    let job = s.print_to_the_end(&doc.id).await?;
    assert_eq!(job.printer, PDF_PRINTER);
    assert_eq!(job.state, "done", "{job:?}");
    let spool_job = job.spool_job.clone().ok_or("no CUPS job id")?;
    let file = cups::wait_for_output(&spool_job, Duration::from_secs(20))?;
    eprintln!(
        "[sick note] printed as {spool_job} in {} ms: {}",
        started.elapsed().as_millis(),
        file.display()
    );

    // What the printer produced: two A4 pages with ink.
    assert_eq!(cups::pdf_pages(&file)?, 2, "{}", file.display());
    let shots = Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/e2e-prints");
    std::fs::create_dir_all(&shots)?;
    for page in [1, 2] {
        let png = shots.join(format!("sick-note-e2e-{page}.png"));
        let img = cups::render_page(&file, page, Some(&png))?;
        eprintln!("[sick note] page {page}: {img:?}");
        let ratio = img.height as f64 / img.width as f64;
        assert!((ratio - 297.0 / 210.0).abs() < 0.02, "not A4: {img:?}");
        assert!(img.ink > 0.003 && img.ink < 0.5, "{img:?}");
    }

    // Its text, from the document as handed to CUPS: the reason on the caisse's part only.
    let spooled = cups::spooled_document(&spool_job)?;
    assert_eq!(cups::pdf_pages(&spooled)?, 2);
    let caisse = cups::pdf_page_text(&spooled, 1)?;
    let employer = cups::pdf_page_text(&spooled, 2)?;
    let flat = |t: &str| t.split_whitespace().collect::<Vec<_>>().join(" ");
    let (caisse, employer) = (flat(&caisse), flat(&employer));
    eprintln!("[sick note] page 1: {caisse}\n[sick note] page 2: {employer}");
    assert!(caisse.contains(REASON), "page 1 lacks the reason: {caisse}");
    assert!(
        !employer.contains(REASON) && !employer.contains("grippal"),
        "the employer's page shows the reason: {employer}"
    );
    assert!(caisse.contains("contrôle médical"), "{caisse}");
    assert!(employer.contains("employeur"), "{employer}");
    for page in [&caisse, &employer] {
        assert!(page.to_uppercase().contains("DURAND"), "{page}");
        assert!(page.contains("10100345676"), "{page}");
        assert!(page.contains("téléconsultation"), "{page}");
    }
    assert!(s.station.pending_prints()?.is_empty());

    // Reprinted on demand: a new job, done as well.
    let again = s.print_to_the_end(&doc.id).await?;
    assert_eq!(again.printer, PDF_PRINTER);
    assert_eq!(again.state, "done", "{again:?}");
    assert_ne!(again.spool_job, job.spool_job);
    let stored = s.station.documents(&s.consultation_id)?;
    let prints = stored
        .iter()
        .find(|d| d.id == doc.id)
        .map(|d| d.prints.len())
        .unwrap_or(0);
    assert_eq!(prints, 2, "{stored:?}");

    s.calls.hang_up().await?;
    Ok(())
}
