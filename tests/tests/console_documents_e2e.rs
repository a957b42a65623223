//! The GP writes and signs a prescription and a report in the console (headless Chromium,
//! real hub, a live call with the station's backend): tabs beside the video, the TOTP code
//! asked again, version and hash shown; a correction makes version 2. The hub's audit holds
//! the same hash as the console shows.
#![allow(clippy::unwrap_used)]
use std::time::Duration;

use relais_e2e::call::{CallScenario, ScenarioOptions};
use relais_e2e::gp::RxLine;
use relais_e2e::Result;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn gp_writes_signs_and_corrects_the_documents_in_the_call() -> Result {
    relais_e2e::within(Duration::from_secs(240), steps()).await
}

async fn steps() -> Result {
    let s = CallScenario::prepare(ScenarioOptions::default()).await?;
    s.connect().await?;
    eprintln!("[documents] call connected");

    s.gp.open_documents_tab("prescription").await?;
    s.gp.write_prescription(
        &[
            RxLine {
                drug: "Paracétamol 1 g, comprimé",
                dosage: "1 comprimé 3 fois par jour si douleur",
                duration: Some("5 jours"),
                ..Default::default()
            },
            RxLine {
                drug: "Metformine 500 mg",
                dosage: "1 comprimé matin et soir",
                quantity: Some("1 boîte de 60"),
                renewals: 2,
                ald: true,
                non_substitutable: true,
                ..Default::default()
            },
        ],
        "Boire abondamment. Revoir le médecin traitant si la fièvre persiste.",
        None,
    )
    .await?;
    s.gp.screenshot("console-09-prescription-editor").await?;
    let v1 =
        s.gp.sign_open_document(&s.gp_totp_secret, Some("console-10-sign-dialog"))
            .await?;
    eprintln!("[documents] prescription v{} {}", v1.version, v1.sha256);
    assert_eq!(v1.version, 1);
    assert_eq!(v1.sha256.len(), 64);
    s.gp.screenshot("console-11-prescription-signed").await?;
    let note = s.gp.text("doc-note").await?;
    assert!(note.contains("Envoyé au poste"), "{note}");

    // The hub recorded the same document and hash.
    let audit = s.hub.admin().audit().await?;
    let signed = audit
        .iter()
        .find(|e| e.action == "document.sign")
        .ok_or("no document.sign in the audit")?;
    assert!(signed.detail.contains(&v1.sha256) && signed.detail.contains(&v1.id));

    // A correction is version 2, superseding the first.
    s.gp.click("doc-correct").await?;
    s.gp.find("doc-correcting").await?;
    let v2 = s.gp.sign_open_document(&s.gp_totp_secret, None).await?;
    assert_eq!(v2.version, 2);
    assert_ne!(v2.id, v1.id);
    let audit = s.hub.admin().audit().await?;
    assert!(audit.iter().any(|e| e.action == "document.sign"
        && e.detail.contains(&v2.id)
        && e.detail.contains(&format!("supersedes={}", v1.id))));

    // The report: reason from the intake, acts and incidents pre-filled.
    s.gp.open_documents_tab("report").await?;
    s.gp.write_report(
        "Auscultation pulmonaire claire, pas de signe de gravité.",
        "Bronchite aiguë probable",
        "Retour à domicile ; revoir le médecin traitant si fièvre au-delà de 3 jours.",
        "Sophie Bernard",
    )
    .await?;
    s.gp.screenshot("console-12-report-editor").await?;
    let report = s.gp.sign_open_document(&s.gp_totp_secret, None).await?;
    assert_eq!(report.version, 1);
    s.gp.screenshot("console-13-report-signed").await?;
    assert!(s.hub.admin().verify_audit().await?);
    Ok(())
}
