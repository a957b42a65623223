//! The call end to end: a real hub on 127.0.0.1, the station's backend with its synthetic
//! camera (frame counter) and tone (440 Hz), and the GP in headless Chromium with a fake
//! camera (frame counter) and microphone (1000 Hz).
#![allow(clippy::unwrap_used)]
use std::time::Duration;

use relais_app::call::CallState;
use relais_e2e::call::{CallScenario, ScenarioOptions};
use relais_e2e::{eventually, Result};

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn gp_and_station_see_and_hear_each_other_then_hang_up() -> Result {
    relais_e2e::within(
        std::time::Duration::from_secs(180),
        gp_and_station_see_and_hear_each_other_then_hang_up_steps(),
    )
    .await
}

async fn gp_and_station_see_and_hear_each_other_then_hang_up_steps() -> Result {
    let s = CallScenario::prepare(ScenarioOptions::default()).await?;
    let status = s.calls.start(&s.consultation_id).await?;
    assert_eq!(status.state, CallState::WaitingGp);

    eprintln!("[call] station waiting for a GP");
    s.gp_signs_in().await?;
    s.gp_tracks_peer_connections().await?;
    eprintln!("[call] GP signed in");
    s.gp.screenshot("call-01-console-waiting").await?;
    s.gp_accepts().await?;
    eprintln!("[call] GP accepted");
    s.gp.wait_attr("call-state", "data-state", Duration::from_secs(30), |v| {
        v == "connected"
    })
    .await?;
    eprintln!("[call] console connected");
    let connected = s
        .station_state(CallState::Connected, Duration::from_secs(20))
        .await?;
    assert_eq!(connected.gp_name.as_deref(), Some("Dr Claire Martin"));
    // The station offered to be the DTLS client: it starts the handshake once its ICE
    // agent has chosen the pair (crates/rtc dtls_role).
    s.gp_answered_as_dtls_server().await?;
    s.gp_accepted_playout_delay().await?;
    // The record follows: the consultation is now "in call".
    eventually(
        "the consultation in call in the record",
        Duration::from_secs(5),
        async || {
            let today = s.station.today().ok()?;
            today
                .iter()
                .any(|i| {
                    i.consultation.id == s.consultation_id
                        && i.consultation.state == relais_core::lifecycle::ConsultationState::InCall
                })
                .then_some(())
        },
    )
    .await?;

    // Station → GP: the frame counter advances in the console, the 440 Hz tone is heard.
    let first = eventually(
        "station video in the console",
        Duration::from_secs(15),
        async || {
            let v = s.gp_reads_remote().await.ok()?;
            v["counter"].as_u64()
        },
    )
    .await?;
    tokio::time::sleep(Duration::from_millis(700)).await;
    let later = eventually(
        "station video keeps moving",
        Duration::from_secs(10),
        async || {
            let v = s.gp_reads_remote().await.ok()?;
            v["counter"].as_u64().filter(|c| *c != first)
        },
    )
    .await?;
    assert!(
        later > first || first > 60_000,
        "counter went from {first} to {later}"
    );
    let sound = s.gp_hears_station(Duration::from_secs(10)).await?;
    eprintln!(
        "console hears the station: 440 Hz at {:.0} dB, 2500 Hz at {:.0} dB",
        sound.0, sound.1
    );

    // GP → station: decoded frames carry an advancing counter, the 1000 Hz tone is heard.
    let (a, b) = s.station_decodes_gp(Duration::from_secs(15)).await?;
    eprintln!("station decoded GP frames {a}..{b}");
    assert!(
        *s.probe.jpegs.lock().unwrap() > 0,
        "no image for the webview"
    );
    let level = s.station_hears_gp(Duration::from_secs(10)).await?;
    eprintln!(
        "station hears the GP: 1000 Hz level {:.3}, 440 Hz {:.4}",
        level.0, level.1
    );

    // A reading sent on the data channel shows in the console's panel.
    let shown = s.reading_reaches_console().await?;
    assert!(shown.contains("°C"), "{shown}");

    // Chat both ways.
    s.gp.screenshot("call-02a-console-reading").await?;
    s.gp.fill("chat-input", "Pouvez-vous approcher la caméra ?")
        .await?;
    s.gp.click("chat-send").await?;
    eventually(
        "GP chat at the station",
        Duration::from_secs(10),
        async || {
            let st = s.calls.status()?;
            st.chat
                .iter()
                .any(|l| l.from == "gp" && l.text.contains("approcher"))
                .then_some(())
        },
    )
    .await?;
    s.calls.send_chat("C'est fait.").await?;
    eventually(
        "station chat in the console",
        Duration::from_secs(10),
        async || {
            let text = s.gp.text("chat-log").await.ok()?;
            text.contains("C'est fait.").then_some(())
        },
    )
    .await?;
    s.gp.screenshot("call-02-console-in-call").await?;

    // The GP hangs up: both sides end, the station's journal and the hub's audit say so.
    s.gp.click("hangup").await?;
    s.gp.wait_attr("call-state", "data-state", Duration::from_secs(10), |v| {
        v == "ended"
    })
    .await?;
    let ended = s
        .station_state(CallState::Ended, Duration::from_secs(10))
        .await?;
    let kinds: Vec<&str> = ended.events.iter().map(|e| e.kind.as_str()).collect();
    for k in ["REQUESTED", "GP_JOINED", "CONNECTED", "ENDED"] {
        assert!(
            kinds.contains(&k),
            "{k} missing from the station journal {kinds:?}"
        );
    }
    let audit = s.hub.admin().audit().await?;
    let actions: Vec<String> = audit.iter().map(|e| e.action.clone()).collect();
    assert!(
        actions.iter().any(|a| a.contains("hangup")),
        "no hang-up in the hub audit: {actions:?}"
    );
    assert!(s.hub.admin().verify_audit().await?);
    s.gp.screenshot("call-03-console-ended").await?;
    Ok(())
}
