//! The real station under Xvfb, driven through tauri-driver like a nurse would drive it:
//! first start, patients, the three triage outcomes, a hand-typed `invoke` that tries to
//! open an excluded consultation, then a restart that must find everything again.
use chrono::{Local, Months, NaiveDate};
use relais_e2e::flow::{create_patient, create_patient_checking, first_start, intake, Person};
use relais_e2e::{Result, Station};
use serde_json::json;

/// The newest consultation of the day, as the backend reports it.
async fn latest_consultation(s: &Station) -> Result<serde_json::Value> {
    let today = s
        .invoke("today", json!({}))
        .await?
        .map_err(|e| format!("today failed: {e}"))?;
    Ok(today[0]["consultation"].clone())
}

#[tokio::test(flavor = "multi_thread")]
async fn first_start_triage_outcomes_and_restart() -> Result {
    relais_e2e::within(
        std::time::Duration::from_secs(300),
        first_start_triage_outcomes_and_restart_steps(),
    )
    .await
}

async fn first_start_triage_outcomes_and_restart_steps() -> Result {
    let dir = tempfile::tempdir()?;
    let data = dir.path().join("data");
    let today = Local::now().date_naive();

    // First start: site and first professional account.
    let s = Station::launch(&data).await?;
    s.unlock_storage().await?;
    first_start(&s).await?;

    // (a) An adult with a cough: accepted, then the GP is requested.
    let adult = Person {
        family: "DURAND",
        given: "Marcel",
        sex: "M",
        birth: NaiveDate::from_ymd_opt(1950, 11, 24).ok_or("date")?,
    };
    create_patient_checking(&s, &adult, true).await?;
    s.screenshot("03-patient").await?;
    intake(&s, "Toux depuis cinq jours").await?;
    s.screen("accepted").await?;
    s.screenshot("05-accepted").await?;
    s.click("request-gp").await?;
    // This station is not enrolled at a hub: the call screen says so and offers to retry.
    s.screen("call").await?;
    s.wait_for_text("call-state", "chec").await?;
    assert_eq!(latest_consultation(&s).await?["state"], "requested");

    // (b) A child of 2 years 11 months: excluded, redirection screen.
    let child_birth = today.checked_sub_months(Months::new(35)).ok_or("date")?;
    let child = Person {
        family: "PETIT",
        given: "Léa",
        sex: "F",
        birth: child_birth,
    };
    create_patient(&s, &child).await?;
    intake(&s, "Fièvre depuis hier").await?;
    s.screen("redirect").await?;
    s.screenshot("06-redirect-child").await?;
    let reasons = s.text("redirect-reason").await?;
    assert!(reasons.contains("3 ans"), "reason shown: {reasons}");
    assert!(s.text("redirect-15").await?.contains("15"));
    let excluded = latest_consultation(&s).await?;
    assert_eq!(excluded["state"], "excluded");
    // Nobody can open it by hand: the backend re-runs triage.
    let id = excluded["id"].clone();
    let refused = s
        .invoke(
            "request_consultation",
            json!({ "args": { "consultationId": id } }),
        )
        .await?
        .expect_err("an excluded consultation must not be requested");
    assert_eq!(refused["code"], "EXCLUDED_CHILD_UNDER_3", "{refused}");
    assert!(refused["message"].as_str().is_some_and(|m| !m.is_empty()));
    // The redirection screen is dismissed only explicitly.
    s.click("redirect-ack").await?;
    s.screen("patient").await?;
    assert_eq!(
        latest_consultation(&s).await?["redirectionAcknowledged"],
        true
    );

    // (c) "mal au ventre" in the motif, every answer "no": excluded all the same.
    let adult2 = Person {
        family: "LEROY",
        given: "Anne",
        sex: "F",
        birth: NaiveDate::from_ymd_opt(1980, 2, 29).ok_or("date")?,
    };
    create_patient(&s, &adult2).await?;
    intake(&s, "Elle a mal au ventre depuis ce matin").await?;
    s.screen("redirect").await?;
    s.screenshot("07-redirect-abdominal").await?;
    assert!(s
        .text("redirect-urgences")
        .await?
        .to_lowercase()
        .contains("urgences"));
    assert_eq!(
        latest_consultation(&s).await?["assessment"]["reasons"][0]["code"],
        "ABDOMINAL_PAIN"
    );
    s.click("redirect-ack").await?;
    s.screen("patient").await?;
    s.click("home-button").await?;
    s.screen("today").await?;
    s.find("today-item").await?;
    s.screenshot("02-today").await?;
    s.quit().await?;

    // Restart: the record and the audit trail are still there.
    let s = Station::launch(&data).await?;
    s.unlock_storage().await?;
    s.screen("signin").await?;
    s.screenshot("00-signin").await?;
    s.fill("signin-username", "ines").await?;
    s.fill("signin-password", "wrong password!").await?;
    s.click("signin-submit").await?;
    s.wait_for_text("signin-error", "incorrect").await?;
    s.fill("signin-password", "correct horse battery").await?;
    s.click("signin-submit").await?;
    s.screen("today").await?;
    for name in ["durand", "petit", "leroy"] {
        s.fill("search-input", name).await?;
        s.wait_for_text("search-result", name).await?;
    }
    let audit = s
        .invoke("audit_trail", json!({ "args": { "limit": 500 } }))
        .await?
        .map_err(|e| format!("audit_trail failed: {e}"))?;
    assert_eq!(audit["ok"], true, "audit chain verifies");
    let actions: Vec<&str> = audit["entries"]
        .as_array()
        .ok_or("entries")?
        .iter()
        .filter_map(|e| e["action"].as_str())
        .collect();
    for needed in [
        "patient.create",
        "triage.accepted",
        "triage.excluded",
        "triage.refused",
        "user.sign_in",
        "storage.unlock",
    ] {
        assert!(
            actions.iter().any(|a| a.starts_with(needed)),
            "audit has {needed}: {actions:?}"
        );
    }
    s.click("audit-button").await?;
    s.screen("audit").await?;
    s.screenshot("08-audit").await?;
    assert!(s.find("audit-row").await.is_ok());
    s.quit().await?;
    Ok(())
}
