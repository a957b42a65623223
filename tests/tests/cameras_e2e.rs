//! Cameras end to end: a real hub on 127.0.0.1, the station's backend with three synthetic
//! cameras (room: neutral, otoscope: red, dermatoscope: blue), the GP in headless Chromium.
//! The GP asks for the otoscope and sees the red picture, takes a still that arrives at
//! full resolution and is stored at the station, then the otoscope is unplugged mid-call:
//! the sound goes on, the journal has DEVICE_FAILED then DEVICE_RECOVERED, and the
//! picture comes back.
#![allow(clippy::unwrap_used)]
use std::time::{Duration, Instant};

use relais_app::call::devices::CameraRole;
use relais_app::call::CallState;
use relais_e2e::call::{CallScenario, ScenarioOptions};
use relais_e2e::{eventually, Result};
use relais_media::synthetic_cameras;
use serde_json::Value;

/// Mean colour of the station's picture below the code rows, and its frame counter.
const READ_COLOUR_JS: &str = r#"
const done = arguments[arguments.length - 1];
const v = document.querySelector('[data-testid="remote-video"]');
if (!v || !v.videoWidth) { done({ error: "no video" }); }
else {
  const w = v.videoWidth, h = v.videoHeight, b = w / 16;
  const c = document.createElement("canvas"); c.width = w; c.height = h;
  const g = c.getContext("2d", { willReadFrequently: true });
  g.drawImage(v, 0, 0, w, h);
  const y0 = Math.floor(2 * b + 4), d = g.getImageData(0, y0, w, h - y0).data;
  let r = 0, gg = 0, bb = 0, n = 0;
  for (let i = 0; i < d.length; i += 4 * 16) { r += d[i]; gg += d[i + 1]; bb += d[i + 2]; n++; }
  let counter = 0, ok = true;
  for (let i = 0; i < 16; i++) {
    const p = g.getImageData(Math.floor(i * b + b / 2), Math.floor(b / 2), 1, 1).data;
    const lum = 0.299 * p[0] + 0.587 * p[1] + 0.114 * p[2];
    if (lum > 50 && lum < 200) ok = false;
    counter = (counter << 1) | (lum >= 128 ? 1 : 0);
  }
  done({ r: r / n, g: gg / n, b: bb / n, counter: ok ? counter : null, width: w, height: h });
}
"#;

/// Width and height of the first still of the gallery, once its image decoded.
const READ_STILL_JS: &str = r#"
const done = arguments[arguments.length - 1];
const b = document.querySelector('[data-testid="still"]');
const img = b && b.querySelector("img");
if (!img) { done(null); }
else if (img.complete && img.naturalWidth) { done({ w: img.naturalWidth, h: img.naturalHeight, dw: b.dataset.width, dh: b.dataset.height, size: Number(b.dataset.size), role: b.dataset.role, n: document.querySelectorAll('[data-testid="still"]').length }); }
else { img.onload = () => done({ w: img.naturalWidth, h: img.naturalHeight, dw: b.dataset.width, dh: b.dataset.height, size: Number(b.dataset.size), role: b.dataset.role, n: document.querySelectorAll('[data-testid="still"]').length }); img.onerror = () => done({ error: "not decodable" }); }
"#;

/// Which synthetic camera the console sees, from the colour: `room`, `otoscope`, `dermatoscope`.
fn colour_of(v: &Value) -> Option<&'static str> {
    let (r, b) = (v["r"].as_f64()?, v["b"].as_f64()?);
    Some(if r > b + 60.0 {
        "otoscope"
    } else if b > r + 60.0 {
        "dermatoscope"
    } else if (r - b).abs() < 40.0 {
        "room"
    } else {
        "unclear"
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn gp_switches_cameras_takes_a_still_and_the_call_survives_an_unplugged_camera() -> Result {
    relais_e2e::within(Duration::from_secs(240), steps()).await
}

async fn steps() -> Result {
    let s = CallScenario::prepare(ScenarioOptions::default()).await?;
    let calls = &s.calls;
    let connected = s.connect().await?;
    assert_eq!(connected.camera.role, Some(CameraRole::Room));
    assert!(connected.camera.available);
    eprintln!("[cameras] connected, the station sends the room camera");

    // The console is told which camera it sees, and sees the room camera's colours.
    s.gp.wait_attr(
        "camera-current",
        "data-role",
        Duration::from_secs(10),
        |v| v == "room",
    )
    .await?;
    let seen = eventually(
        "room picture in the console",
        Duration::from_secs(15),
        async || {
            let v = s.gp.eval_async(READ_COLOUR_JS).await.ok()?;
            (colour_of(&v) == Some("room") && v["counter"].is_u64()).then_some(v)
        },
    )
    .await?;
    eprintln!("[cameras] console sees the room camera: {seen}");

    // The GP asks for the otoscope: the station switches, the console sees red.
    let asked = Instant::now();
    s.gp.click("camera-otoscope").await?;
    s.gp.wait_attr(
        "camera-current",
        "data-role",
        Duration::from_secs(10),
        |v| v == "otoscope",
    )
    .await?;
    let red = eventually(
        "otoscope picture in the console",
        Duration::from_secs(10),
        async || {
            let v = s.gp.eval_async(READ_COLOUR_JS).await.ok()?;
            (colour_of(&v) == Some("otoscope")).then_some(v)
        },
    )
    .await?;
    eprintln!(
        "[cameras] console sees the otoscope {} ms after the request: {red}",
        asked.elapsed().as_millis()
    );
    let st = calls.status().unwrap();
    assert_eq!(st.camera.role, Some(CameraRole::Otoscope));
    assert!(st.events.iter().any(|e| e.kind == "CAMERA_SWITCHED"));
    // The picture keeps moving after the switch (same track, no renegotiation).
    let c1 = red["counter"].as_u64();
    let moving = eventually(
        "otoscope picture moving",
        Duration::from_secs(5),
        async || {
            let v = s.gp.eval_async(READ_COLOUR_JS).await.ok()?;
            let c = v["counter"].as_u64()?;
            (Some(c) != c1 && colour_of(&v) == Some("otoscope")).then_some(c)
        },
    )
    .await?;
    eprintln!("[cameras] counter {c1:?} → {moving}");
    s.gp.screenshot("cameras-01-console-otoscope").await?;

    // The GP takes a still: it arrives in full resolution and is stored at the station.
    let asked = Instant::now();
    s.gp.click("take-still").await?;
    let still = eventually(
        "still in the console",
        Duration::from_secs(30),
        async || {
            let v = s.gp.eval_async(READ_STILL_JS).await.ok()?;
            v["w"].is_u64().then_some(v)
        },
    )
    .await?;
    eprintln!(
        "[cameras] still in the console {} ms after the request: {still}",
        asked.elapsed().as_millis()
    );
    assert_eq!(
        (still["w"].as_u64(), still["h"].as_u64()),
        (Some(1920), Some(1080))
    );
    assert_eq!(still["role"], "otoscope");
    let stored = s.calls.stored_stills(&s.consultation_id)?;
    assert_eq!(stored.len(), 1, "{stored:?}");
    assert_eq!(stored[0].mime, "image/jpeg");
    assert_eq!(stored[0].meta["width"], 1920);
    assert_eq!(stored[0].meta["requestedBy"], "gp");
    assert_eq!(Some(stored[0].size), still["size"].as_u64());
    let st = calls.status().unwrap();
    assert!(st
        .camera
        .stills
        .iter()
        .any(|x| x.id == stored[0].id && x.sent));
    s.gp.click("still").await?;
    s.gp.find("still-viewer-img").await?;
    s.gp.screenshot("cameras-02-console-still-enlarged").await?;
    s.gp.click("still-viewer-close").await?;

    // The nurse takes one too, from the station.
    let info = calls.take_still("station").await?;
    assert_eq!((info.width, info.height), (1920, 1080));
    assert!(info.sent);
    assert_eq!(s.calls.stored_stills(&s.consultation_id)?.len(), 2);
    eventually(
        "second still in the console",
        Duration::from_secs(15),
        async || {
            let v = s.gp.eval_async(READ_STILL_JS).await.ok()?;
            (v["n"].as_u64() == Some(2)).then_some(())
        },
    )
    .await?;

    // The otoscope is unplugged mid-call: black picture, a notice, the sound goes on.
    let unplugged = Instant::now();
    synthetic_cameras::unplug("synthetic-otoscope");
    let failed = eventually(
        "DEVICE_FAILED in the journal",
        Duration::from_secs(10),
        async || {
            let st = calls.status()?;
            (st.events.iter().any(|e| e.kind == "DEVICE_FAILED") && !st.camera.available)
                .then_some(st)
        },
    )
    .await?;
    eprintln!(
        "[cameras] failure noticed after {} ms: {:?}",
        unplugged.elapsed().as_millis(),
        failed.camera.message
    );
    assert_eq!(failed.state, CallState::Connected);
    s.gp.wait_attr("cameras", "data-available", Duration::from_secs(10), |v| {
        v == "false"
    })
    .await?;
    let dark = eventually(
        "black picture in the console",
        Duration::from_secs(10),
        async || {
            let v = s.gp.eval_async(READ_COLOUR_JS).await.ok()?;
            let (r, g, b) = (v["r"].as_f64()?, v["g"].as_f64()?, v["b"].as_f64()?);
            (r < 40.0 && g < 40.0 && b < 40.0).then_some(v)
        },
    )
    .await?;
    eprintln!("[cameras] console shows the camera missing (black): {dark}");
    let notice = s.gp.text("camera-state").await?;
    assert!(notice.contains("ne répond pas"), "{notice}");
    // The station's tone goes on while the camera is missing.
    let sound = s.gp_hears_station(Duration::from_secs(10)).await?;
    eprintln!(
        "[cameras] sound goes on without the camera: {:.0} dB vs {:.0} dB",
        sound.0, sound.1
    );
    s.gp.screenshot("cameras-03-console-camera-unplugged")
        .await?;
    tokio::time::sleep(Duration::from_secs(1)).await;

    // Plugged back: found again within a few seconds, the red picture moves again.
    let replugged = Instant::now();
    synthetic_cameras::plug("synthetic-otoscope");
    eventually(
        "DEVICE_RECOVERED in the journal",
        Duration::from_secs(10),
        async || {
            let st = calls.status()?;
            (st.events.iter().any(|e| e.kind == "DEVICE_RECOVERED") && st.camera.available)
                .then_some(())
        },
    )
    .await?;
    let back = eventually(
        "otoscope picture back in the console",
        Duration::from_secs(10),
        async || {
            let v = s.gp.eval_async(READ_COLOUR_JS).await.ok()?;
            (colour_of(&v) == Some("otoscope") && v["counter"].is_u64()).then_some(v)
        },
    )
    .await?;
    eprintln!(
        "[cameras] picture back {} ms after the camera: {back}",
        replugged.elapsed().as_millis()
    );
    s.gp.wait_attr("cameras", "data-available", Duration::from_secs(10), |v| {
        v == "true"
    })
    .await?;
    let journal = s.station.call_journal(&s.consultation_id)?;
    let kinds: Vec<&str> = journal.iter().map(|e| e.kind.as_str()).collect();
    let failed_at = kinds.iter().position(|k| *k == "DEVICE_FAILED").unwrap();
    let recovered_at = kinds.iter().position(|k| *k == "DEVICE_RECOVERED").unwrap();
    assert!(failed_at < recovered_at, "{kinds:?}");
    assert!(kinds.contains(&"STILL_TAKEN"), "{kinds:?}");
    s.gp.screenshot("cameras-04-console-camera-back").await?;

    s.gp.click("hangup").await?;
    s.station_state(CallState::Ended, Duration::from_secs(10))
        .await?;
    Ok(())
}
