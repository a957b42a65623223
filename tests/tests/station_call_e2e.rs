//! The station's call screen, in the real app under Xvfb (tauri-driver), with a real hub and
//! the GP in headless Chromium: enrolment from the settings, request, the GP's picture on
//! the station, mute, chat, and the end of the call.
use std::time::Duration;

use relais_e2e::call::{console_dir, create_gp, FAKE_GP_MEDIA_JS, GP_EMAIL, GP_PASSWORD};
use relais_e2e::flow::{create_patient, first_start, intake, Person};
use relais_e2e::gp::GpBrowser;
use relais_e2e::{eventually, Result, Station};

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn nurse_enrols_requests_and_sees_the_gp() -> Result {
    relais_e2e::within(
        std::time::Duration::from_secs(240),
        nurse_enrols_requests_and_sees_the_gp_steps(),
    )
    .await
}

async fn nurse_enrols_requests_and_sees_the_gp_steps() -> Result {
    let dir = tempfile::tempdir()?;
    let mut config = relais_hub::Config::for_tests(&dir.path().join("hub"));
    config.console_dir = Some(console_dir());
    let hub = relais_hub::start(config).await?;
    let gp_account = create_gp(&hub).await?;
    let code = hub
        .admin()
        .create_enrolment_code("Pharmacie du Parvis")
        .await?;

    let url = hub.url();
    let s = Station::launch_with(
        &dir.path().join("station"),
        &[
            ("RELAIS_MEDIA", "synthetic"),
            ("RELAIS_HUB_URL", &url),
            ("RELAIS_HUB_FINGERPRINT", hub.fingerprint()),
        ],
    )
    .await?;
    s.unlock_storage().await?;
    first_start(&s).await?;

    // Settings: the address and fingerprint are suggested; the manager types the code.
    s.click("settings-button").await?;
    s.screen("hub").await?;
    s.fill("hub-code", &code.code).await?;
    s.screenshot("10-hub-settings").await?;
    s.click("hub-enrol").await?;
    s.wait_for_text("hub-station-name", "Pharmacie du Parvis")
        .await?;

    let patient = Person {
        family: "DURAND",
        given: "Paul",
        sex: "M",
        birth: chrono::NaiveDate::from_ymd_opt(1950, 3, 14).ok_or("date")?,
    };
    create_patient(&s, &patient).await?;
    intake(&s, "Toux grasse et fièvre depuis trois jours").await?;
    s.screen("accepted").await?;
    s.click("request-gp").await?;
    s.screen("call").await?;
    s.wait_for_text("call-state", "attente").await?;
    s.screenshot("11-call-waiting").await?;

    // The GP accepts in the console.
    let gp = GpBrowser::launch(&[]).await?;
    gp.open(&url).await?;
    gp.eval(FAKE_GP_MEDIA_JS).await?;
    gp.fill("login-email", GP_EMAIL).await?;
    gp.fill("login-password", GP_PASSWORD).await?;
    gp.fill(
        "login-totp",
        &relais_hub::totp::code_now(&gp_account.totp_secret)?,
    )
    .await?;
    gp.click("login-submit").await?;
    gp.find("waiting-item").await?;
    gp.click("accept").await?;

    // The nurse sees the call connected and the GP's picture arriving.
    s.wait_for_text("call-state", "communication").await?;
    let state = s.find("call-state").await?.attr("data-state").await?;
    assert_eq!(state.as_deref(), Some("connected"));
    let frames = eventually(
        "the GP's picture on the call screen (more than 10 images)",
        Duration::from_secs(10),
        async || {
            let frames = s.find("remote-video").await.ok()?;
            let frames = frames
                .attr("data-frames")
                .await
                .ok()??
                .parse::<u64>()
                .ok()?;
            (frames > 10).then_some(frames)
        },
    )
    .await?;
    s.screenshot("12-call-connected").await?;

    // Mute shows on the button; chat reaches the console.
    eprintln!("[station call] connected with {frames} images; muting");
    s.click("call-mute").await?;
    eprintln!("[station call] mute clicked");
    eventually(
        "the mute button pressed",
        Duration::from_secs(5),
        async || {
            let pressed = s.find("call-mute").await.ok()?.attr("aria-pressed").await;
            (pressed.ok()?.as_deref() == Some("true")).then_some(())
        },
    )
    .await?;
    eprintln!("[station call] muted");
    s.fill("call-chat-input", "Le patient est installé.")
        .await?;
    eprintln!("[station call] chat typed");
    s.click("call-chat-send").await?;
    eventually(
        "the station's chat in the console",
        Duration::from_secs(10),
        async || {
            gp.text("chat-log")
                .await
                .ok()?
                .contains("installé")
                .then_some(())
        },
    )
    .await?;

    eprintln!("[station call] chat delivered");
    // The GP hangs up. The station's side of the end is checked on its backend in
    // call_e2e.rs and on its screen by the UI tests: once a call has ended, WebKitWebDriver
    // here stops answering any command (the app itself goes on; see the note in the README).
    gp.click("hangup").await?;
    gp.wait_attr("call-state", "data-state", Duration::from_secs(10), |v| {
        v == "ended"
    })
    .await?;
    gp.quit().await?;
    // The station and its driver are stopped on drop.
    drop(s);
    Ok(())
}
