//! The station's stethoscope panel in the real app under Xvfb (tauri-driver), during a call
//! through a real hub with the GP in headless Chromium: the nurse chooses the stethoscope's
//! input (a PulseAudio null sink's monitor), turns it on, the level meter moves when a tone
//! is played into it, and while the GP records a clip the station shows it is recording,
//! with its running time; the clip then plays at the station too. The input chosen is
//! preselected from the station's record.
#![allow(clippy::unwrap_used)]
use std::time::{Duration, Instant};

use relais_e2e::call::{console_dir, FAKE_GP_MEDIA_JS, GP_EMAIL, GP_PASSWORD};
use relais_e2e::flow::{create_patient, first_start, intake, Person};
use relais_e2e::gp::GpBrowser;
use relais_e2e::steth::{self, PulseServer, STETH_SOURCE};
use relais_e2e::{Result, Station};
use relais_protocol::api::{NewAccount, Role};

/// Polls an attribute of a station element until `ok`.
async fn station_attr(
    s: &Station,
    testid: &str,
    attr: &str,
    within: Duration,
    ok: impl Fn(&str) -> bool,
) -> Result<String> {
    let deadline = Instant::now() + within;
    loop {
        // The lists re-render on every status: an element found may be gone when read.
        let value = match s.find(testid).await?.attr(attr).await {
            Ok(v) => v.unwrap_or_default(),
            Err(_) if Instant::now() < deadline => {
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
            Err(e) => return Err(e.into()),
        };
        if ok(&value) {
            return Ok(value);
        }
        if Instant::now() > deadline {
            return Err(format!("{testid}[{attr}] = {value:?} after {within:?}").into());
        }
        tokio::time::sleep(Duration::from_millis(150)).await;
    }
}

/// Saves a picture of the whole virtual screen when `RELAIS_E2E_SCREENSHOTS` names a folder.
fn screen_picture(name: &str) {
    if let Some(dir) = std::env::var_os("RELAIS_E2E_SCREENSHOTS") {
        let path = std::path::PathBuf::from(dir).join(format!("{name}.png"));
        let _ = std::process::Command::new("import")
            .args(["-window", "root"])
            .arg(&path)
            .status();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_nurse_places_the_stethoscope_and_sees_the_gp_record() -> Result {
    relais_e2e::within(Duration::from_secs(240), steps()).await
}

async fn steps() -> Result {
    let dir = tempfile::tempdir()?;
    let mut config = relais_hub::Config::for_tests(&dir.path().join("hub"));
    config.console_dir = Some(console_dir());
    let hub = relais_hub::start(config).await?;
    let gp_account = hub
        .admin()
        .create_account(NewAccount {
            email: GP_EMAIL.into(),
            name: "Dr Claire Martin".into(),
            rpps: Some("10100345676".into()),
            password: GP_PASSWORD.into(),
            role: Role::Gp,
            profile: Some(relais_hub::demo::demo_gp_profile()),
        })
        .await?;
    let code = hub
        .admin()
        .create_enrolment_code("Pharmacie du Parvis")
        .await?;
    // The GP's browser first: it must not play into the private PulseAudio server.
    let gp = GpBrowser::launch(&[]).await?;
    let pulse = PulseServer::start()?;
    let tones = pulse.file("multitone.wav");
    steth::write_wav(&tones, &steth::multitone(4.0))?;

    let url = hub.url();
    let s = Station::launch_with(
        &dir.path().join("station"),
        &[
            ("RELAIS_MEDIA", "synthetic"),
            ("RELAIS_HUB_URL", &url),
            ("RELAIS_HUB_FINGERPRINT", hub.fingerprint()),
            ("PULSE_SERVER", &pulse.server),
        ],
    )
    .await?;
    s.unlock_storage().await?;
    first_start(&s).await?;
    s.click("settings-button").await?;
    s.screen("hub").await?;
    s.fill("hub-code", &code.code).await?;
    s.click("hub-enrol").await?;
    s.wait_for_text("hub-station-name", "Pharmacie du Parvis")
        .await?;
    let patient = Person {
        family: "MOREAU",
        given: "Lucie",
        sex: "F",
        birth: chrono::NaiveDate::from_ymd_opt(1952, 9, 3).ok_or("date")?,
    };
    create_patient(&s, &patient).await?;
    intake(&s, "Essoufflement depuis une semaine").await?;
    s.screen("accepted").await?;
    s.click("request-gp").await?;
    s.screen("call").await?;

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
    s.wait_for_text("call-state", "communication").await?;
    eprintln!("[station steth] call connected");

    // The stethoscope panel: off, the input to choose.
    s.find("steth-panel").await?;
    station_attr(
        &s,
        "steth-state",
        "data-state",
        Duration::from_secs(5),
        |v| v == "off",
    )
    .await?;
    s.select("steth-input", STETH_SOURCE).await?;
    s.click("steth-toggle").await?;
    station_attr(
        &s,
        "steth-state",
        "data-state",
        Duration::from_secs(15),
        |v| v == "on",
    )
    .await?;
    assert!(s.text("steth-state").await?.contains("Transmis au médecin"));
    gp.wait_attr("steth-state", "data-state", Duration::from_secs(10), |v| {
        v == "on"
    })
    .await?;

    // Silence: the meter at its bottom; a tone: it moves, "Bon niveau".
    let quiet: f64 = station_attr(
        &s,
        "steth-meter",
        "aria-valuenow",
        Duration::from_secs(5),
        |v| !v.is_empty(),
    )
    .await?
    .parse()?;
    assert!(quiet <= -55.0, "silence reads {quiet} dBFS");
    let mut player = pulse.play(&tones)?;
    let loud: f64 = station_attr(
        &s,
        "steth-meter",
        "aria-valuenow",
        Duration::from_secs(8),
        |v| v.parse::<f64>().is_ok_and(|db| db > -35.0),
    )
    .await?
    .parse()?;
    eprintln!("[station steth] meter {quiet} → {loud} dBFS");
    let advice = s.text("steth-advice").await?;
    assert!(advice.contains("Bon niveau"), "{advice}");
    s.client
        .execute(
            "document.querySelector('[data-testid=steth-panel]').scrollIntoView({ block: 'start' })",
            vec![],
        )
        .await?;
    screen_picture("steth-01-station-on");

    // The GP starts a clip: the station shows it, with its running time.
    gp.eval(
        "const b = document.querySelector('[data-testid=\"steth-record\"]');
         b.scrollIntoView({ block: 'center' }); b.click();",
    )
    .await?;
    station_attr(
        &s,
        "steth-panel",
        "data-recording",
        Duration::from_secs(10),
        |v| v == "true",
    )
    .await?;
    let banner = s.text("steth-recording").await?;
    assert!(banner.contains("Enregistrement en cours"), "{banner}");
    tokio::time::sleep(Duration::from_secs(3)).await;
    let time = s.text("steth-recording-time").await?;
    assert!(
        time.ends_with("/ 0:30") && !time.starts_with("0:00"),
        "running time {time:?}"
    );
    s.client
        .execute(
            "document.querySelector('[data-testid=steth-panel]').scrollIntoView({ block: 'start' })",
            vec![],
        )
        .await?;
    screen_picture("steth-02-station-recording");
    gp.screenshot("steth-02-console-recording").await?;
    s.screenshot("steth-02-station-recording-webview").await?;
    let _ = player.wait();

    // The GP stops it once allowed; the station lists it and plays it.
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let b = gp.find("steth-record").await?;
        if b.prop("disabled").await?.as_deref() == Some("false") {
            break;
        }
        assert!(Instant::now() < deadline, "the GP's stop never offered");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    gp.eval("document.querySelector('[data-testid=\"steth-record\"]').click();")
        .await?;
    station_attr(
        &s,
        "steth-clip",
        "data-state",
        Duration::from_secs(20),
        |v| v == "stored",
    )
    .await?;
    station_attr(
        &s,
        "steth-panel",
        "data-recording",
        Duration::from_secs(5),
        |v| v == "false",
    )
    .await?;
    let mut tries = 0;
    while let Err(e) = s.click("steth-clip-play").await {
        tries += 1;
        if tries > 3 {
            return Err(e);
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    station_attr(&s, "steth-player", "src", Duration::from_secs(10), |v| {
        v.starts_with("blob:")
    })
    .await?;
    let error = s.find("steth-error").await?;
    assert_eq!(
        error.prop("hidden").await?.as_deref(),
        Some("true"),
        "the clip was not read: {}",
        error.text().await.unwrap_or_default()
    );
    // The webview decodes it: its length is the clip's.
    let duration = s
        .client
        .execute_async(
            "const done = arguments[arguments.length - 1];
             (async () => {
               for (let i = 0; i < 100; i++) {
                 const a = document.querySelector('[data-testid=\"steth-player\"]');
                 if (a && a.readyState >= 1 && isFinite(a.duration)) return done(a.duration);
                 await new Promise((r) => setTimeout(r, 100));
               }
               done(null);
             })();",
            vec![],
        )
        .await?
        .as_f64()
        .ok_or("the clip does not play at the station")?;
    eprintln!("[station steth] the clip plays at the station: {duration:.2} s");
    assert!((10.0..14.0).contains(&duration), "clip of {duration} s");
    screen_picture("steth-03-station-clip");

    // The input is remembered for the station.
    let status = s
        .invoke("call_stethoscope_status", serde_json::json!({}))
        .await?
        .map_err(|e| format!("status: {e}"))?;
    assert_eq!(status["device"], STETH_SOURCE);

    gp.quit().await?;
    drop(s);
    drop(pulse);
    // The station listed the input every second; cpal's PulseAudio client ends each list with
    // an ERROR line that the station keeps out of its log (src-tauri's main).
    let log = std::fs::read_to_string(dir.path().join("station.driver.log"))?;
    assert!(
        log.contains("relais"),
        "the station's log is empty: nothing to check"
    );
    let noise = log.lines().filter(|l| l.contains("Reactor error")).count();
    assert_eq!(noise, 0, "PulseAudio's reactor lines in the station's log");
    Ok(())
}
