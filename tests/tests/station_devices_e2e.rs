//! The station's device screen (Réglages › Appareils) under Xvfb through tauri-driver, with
//! the synthetic devices: the camera preview shows images, the microphone's meter moves,
//! the test tone plays, and a camera role given here is still there after a restart.
use std::time::Duration;

use relais_e2e::flow::first_start;
use relais_e2e::{eventually, eventually_every, Result, Station};
use serde_json::json;

async fn attr_until(
    s: &Station,
    testid: &str,
    attr: &str,
    within: Duration,
    ok: impl Fn(&str) -> bool,
) -> Result<String> {
    eventually_every(
        &format!("{testid}[{attr}] as expected"),
        within,
        Duration::from_millis(200),
        async || {
            let value = s.find(testid).await.ok()?.attr(attr).await.ok()?;
            let value = value.unwrap_or_default();
            ok(&value).then_some(value)
        },
    )
    .await
}

#[tokio::test(flavor = "multi_thread")]
async fn device_check_preview_meter_tone_and_roles() -> Result {
    relais_e2e::within(Duration::from_secs(240), steps()).await
}

async fn steps() -> Result {
    let dir = tempfile::tempdir()?;
    let data = dir.path().join("data");
    let env = [("RELAIS_MEDIA", "synthetic")];
    let s = Station::launch_with(&data, &env).await?;
    s.unlock_storage().await?;
    first_start(&s).await?;

    s.click("devices-button").await?;
    s.screen("devices").await?;
    // Preview images of the chosen (room) camera, and the 440 Hz tone on the meter.
    let frames = attr_until(
        &s,
        "device-preview",
        "data-frames",
        Duration::from_secs(20),
        |v| v.parse::<u32>().unwrap_or(0) >= 5,
    )
    .await?;
    let level = attr_until(
        &s,
        "mic-level",
        "aria-valuenow",
        Duration::from_secs(10),
        |v| v.parse::<u32>().unwrap_or(0) > 20,
    )
    .await?;
    eprintln!("[devices] preview images: {frames}, meter: {level} %");
    let tone = s.invoke("device_check_speaker", json!({})).await?;
    eprintln!("[devices] test tone: {tone:?}");
    // The tone started above may still be playing: the button is disabled until it ends.
    // The backend says so first (the screen may not have shown it yet), then the button.
    eventually(
        "the test tone to end",
        Duration::from_secs(15),
        async || {
            let status = s
                .invoke("device_check_status", json!({}))
                .await
                .ok()?
                .ok()?;
            (status["speakerTesting"] == json!(false)).then_some(())
        },
    )
    .await?;
    eventually(
        "the test button to be enabled again",
        Duration::from_secs(10),
        async || {
            let disabled = s.find("speaker-test").await.ok()?.prop("disabled").await;
            (disabled.ok()?.as_deref() != Some("true")).then_some(())
        },
    )
    .await?;
    s.click("speaker-test").await?;
    s.wait_for_text("speaker-note", "bip").await?;

    // The dermatoscope becomes the otoscope; the choice of camera is saved.
    s.select("device-role-synthetic-dermatoscope", "otoscope")
        .await?;
    s.select("device-camera", "synthetic-dermatoscope").await?;
    tokio::time::sleep(Duration::from_millis(800)).await;
    s.screenshot("devices-01-station-device-check").await?;
    let view = s
        .invoke("devices_list", json!({}))
        .await?
        .map_err(|e| format!("devices_list: {e}"))?;
    assert_eq!(view["saved"]["cameraId"], "synthetic-dermatoscope");
    let role_of = |v: &serde_json::Value, id: &str| {
        v["cameras"]
            .as_array()
            .and_then(|c| c.iter().find(|c| c["id"] == id))
            .map(|c| c["role"].clone())
    };
    assert_eq!(
        role_of(&view, "synthetic-dermatoscope"),
        Some(json!("otoscope"))
    );
    assert_eq!(role_of(&view, "synthetic-otoscope"), Some(json!(null)));
    s.quit().await?;

    // After a restart: still there, from the encrypted record.
    let s = Station::launch_with(&data, &env).await?;
    s.unlock_storage().await?;
    s.screen("signin").await?;
    s.fill("signin-username", "ines").await?;
    s.fill("signin-password", "correct horse battery").await?;
    s.click("signin-submit").await?;
    s.screen("today").await?;
    let view = s
        .invoke("devices_list", json!({}))
        .await?
        .map_err(|e| format!("devices_list after restart: {e}"))?;
    assert_eq!(view["saved"]["cameraId"], "synthetic-dermatoscope");
    assert_eq!(
        role_of(&view, "synthetic-dermatoscope"),
        Some(json!("otoscope"))
    );
    s.quit().await?;
    Ok(())
}
