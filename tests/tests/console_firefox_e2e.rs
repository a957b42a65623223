//! The GP's console in Firefox ESR without OpenH264 (VP8 only): a real hub on 127.0.0.1, the
//! station's backend with its synthetic camera (frame counter) and tone (440 Hz), the GP in
//! headless Firefox through geckodriver with a fake camera (frame counter) and microphone
//! (1000 Hz). Sign-in with TOTP, accept, video and sound both ways, a reading on the data
//! channel, the quality indicator, hang-up on both sides.
#![allow(clippy::unwrap_used)]
use std::time::Duration;

use relais_app::call::CallState;
use relais_e2e::call::{CallScenario, ScenarioOptions};
use relais_e2e::{eventually, Result};

/// Video codecs of the console's peer connection: those of its answer (its local
/// description) and, from its statistics, those sent and received.
const CODECS_JS: &str = r#"
const done = arguments[arguments.length - 1];
(async () => {
  const pc = window.__relaisPeerConnections && window.__relaisPeerConnections.at(-1);
  if (!pc) return done({ error: "no peer connection seen" });
  const sdp = (pc.localDescription && pc.localDescription.sdp) || "";
  const video = sdp.split("m=video")[1] || "";
  const answered = [...video.split("m=")[0].matchAll(/a=rtpmap:\d+ ([A-Za-z0-9]+)\//g)].map((m) => m[1]);
  const report = await pc.getStats();
  const codecs = {}; const sent = []; const received = [];
  report.forEach((s) => { if (s.type === "codec") codecs[s.id] = s.mimeType; });
  report.forEach((s) => {
    if (s.type === "outbound-rtp" && s.kind === "video") sent.push(codecs[s.codecId] || null);
    if (s.type === "inbound-rtp" && s.kind === "video") received.push(codecs[s.codecId] || null);
  });
  done({ answered, sent, received });
})().catch((e) => done({ error: String(e) }));
"#;

/// The console's transceivers (for a failure's message).
const TRANSCEIVERS_JS: &str = r#"
const pc = window.__relaisPeerConnections && window.__relaisPeerConnections.at(-1);
if (!pc) return "no peer connection";
return pc.getTransceivers().map((t) => ({ mid: t.mid, direction: t.direction, current: t.currentDirection,
  track: t.sender.track && [t.sender.track.kind, t.sender.track.readyState, t.sender.track.label] }));
"#;

/// What Firefox received on the video stream (for a failure's message).
const INBOUND_JS: &str = r#"
const done = arguments[arguments.length - 1];
(async () => {
  const pc = window.__relaisPeerConnections && window.__relaisPeerConnections.at(-1);
  if (!pc) return done({ error: "no peer connection seen" });
  const out = [];
  (await pc.getStats()).forEach((s) => {
    if (s.type === "inbound-rtp" || s.type === "codec")
      out.push({ type: s.type, kind: s.kind, mime: s.mimeType, pt: s.payloadType, packets: s.packetsReceived,
        decoded: s.framesDecoded, received: s.framesReceived, plis: s.pliCount, nacks: s.nackCount, codecId: s.codecId });
  });
  done(out);
})().catch((e) => done({ error: String(e) }));
"#;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn gp_in_firefox_without_h264_sees_hears_and_hangs_up() -> Result {
    relais_e2e::within(Duration::from_secs(180), steps()).await
}

async fn steps() -> Result {
    let s = CallScenario::prepare(ScenarioOptions {
        firefox: true,
        ..Default::default()
    })
    .await?;
    let status = s.calls.start(&s.consultation_id).await?;
    assert_eq!(status.state, CallState::WaitingGp);

    eprintln!("[firefox] station waiting for a GP");
    s.gp_signs_in().await?;
    s.gp_tracks_peer_connections().await?;
    let ua = s.gp.eval("return navigator.userAgent").await?;
    assert!(ua.as_str().unwrap_or("").contains("Firefox"), "{ua}");
    eprintln!("[firefox] GP signed in ({ua})");
    s.gp.screenshot("firefox-01-console-waiting").await?;
    s.gp_accepts().await?;
    s.gp.wait_attr("call-state", "data-state", Duration::from_secs(30), |v| {
        v == "connected"
    })
    .await?;
    let connected = s
        .station_state(CallState::Connected, Duration::from_secs(20))
        .await?;
    assert_eq!(connected.gp_name.as_deref(), Some("Dr Claire Martin"));
    eprintln!("[firefox] connected");

    // Station → GP: the frame counter advances in Firefox, the 440 Hz tone is heard.
    let first = eventually(
        "station video in Firefox",
        Duration::from_secs(15),
        async || s.gp_reads_remote().await.ok()?["counter"].as_u64(),
    )
    .await;
    let first = match first {
        Ok(c) => c,
        Err(e) => {
            let stats = s.gp.eval_async(INBOUND_JS).await?;
            let seen = s.gp_reads_remote().await?;
            return Err(format!("{e}; Firefox received {stats}; read {seen}").into());
        }
    };
    tokio::time::sleep(Duration::from_millis(700)).await;
    let later = eventually(
        "station video keeps moving in Firefox",
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
    eprintln!("[firefox] station frames {first}..{later} read in Firefox");
    // A click on the picture: Firefox lets a page's sound start after a user gesture only.
    s.gp.click("remote-video").await?;
    let sound = s.gp_hears_station(Duration::from_secs(10)).await?;
    eprintln!(
        "[firefox] Firefox hears the station: 440 Hz at {:.0} dB, 2500 Hz at {:.0} dB",
        sound.0, sound.1
    );

    // Both directions are VP8: Firefox has no H.264 without OpenH264.
    let codecs = s.gp.eval_async(CODECS_JS).await?;
    eprintln!("[firefox] video codecs {codecs}");
    let answered: Vec<&str> = codecs["answered"]
        .as_array()
        .map(|a| a.iter().filter_map(|c| c.as_str()).collect())
        .unwrap_or_default();
    assert!(answered.contains(&"VP8"), "{codecs}");
    assert!(!answered.contains(&"H264"), "{codecs}");
    // Firefox answers the station's `setup:active` offer as the DTLS server.
    s.gp_answered_as_dtls_server().await?;
    for dir in ["sent", "received"] {
        for c in codecs[dir].as_array().into_iter().flatten() {
            if let Some(c) = c.as_str() {
                assert!(c.eq_ignore_ascii_case("video/VP8"), "{dir}: {codecs}");
            }
        }
    }

    // GP → station: decoded VP8 frames (Firefox numbers VP8 its own way) with a moving counter.
    let (a, b) = match s.station_decodes_gp(Duration::from_secs(15)).await {
        Ok(range) => range,
        Err(e) => {
            s.gp.screenshot("firefox-02-console-in-call").await?;
            let t = s.gp.eval(TRANSCEIVERS_JS).await?;
            return Err(format!("{e}; Firefox's transceivers {t}").into());
        }
    };
    eprintln!("[firefox] station decoded GP frames {a}..{b}");
    let level = s.station_hears_gp(Duration::from_secs(10)).await?;
    eprintln!(
        "[firefox] station hears the GP: 1000 Hz level {:.3}, 440 Hz {:.4}",
        level.0, level.1
    );

    // A reading on the data channel shows in the console.
    let shown = s.reading_reaches_console().await?;
    assert!(shown.contains("°C"), "{shown}");

    // The quality indicator reads Firefox's statistics (it stays "unknown" otherwise).
    let quality =
        s.gp.wait_attr("quality", "data-level", Duration::from_secs(10), |v| {
            matches!(v, "good" | "medium" | "poor")
        })
        .await?;
    eprintln!("[firefox] quality indicator: {quality}");
    s.gp.screenshot("firefox-02-console-in-call").await?;

    // The GP hangs up: both sides end.
    s.gp.click("hangup").await?;
    s.gp.wait_attr("call-state", "data-state", Duration::from_secs(10), |v| {
        v == "ended"
    })
    .await?;
    let ended = s
        .station_state(CallState::Ended, Duration::from_secs(10))
        .await?;
    let kinds: Vec<&str> = ended.events.iter().map(|e| e.kind.as_str()).collect();
    for k in ["GP_JOINED", "CONNECTED", "ENDED"] {
        assert!(kinds.contains(&k), "{k} missing from {kinds:?}");
    }
    s.gp.screenshot("firefox-03-console-ended").await?;
    Ok(())
}
