//! Device choice, camera roles and the device check, on a real encrypted store with the
//! synthetic devices (`RELAIS_MEDIA=synthetic`): the choice and the roles survive a
//! restart, a device that disappeared falls back to the default with a French notice.
//! During a live call (real hub, the GP as a webrtc-rs answerer) the microphone and the
//! speaker change at once, without renegotiation; a busy or unplugged microphone never
//! stops the call.
#![allow(clippy::unwrap_used)]

mod support;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use relais_app::call::devices::CameraRole;
use relais_app::call::{CallStatus, DeviceChoice};
use relais_app::{CallObserver, Calls, MediaSource, Station, SystemClock};
use relais_media::synthetic_cameras;

struct Quiet;
impl CallObserver for Quiet {
    fn status(&self, _: &CallStatus) {}
    fn remote_jpeg(&self, _: Vec<u8>) {}
}

fn station(dir: &std::path::Path, first: bool) -> Arc<Station> {
    let s = support::station::start(dir, Box::new(SystemClock));
    if first {
        support::station::setup_site(&s);
    } else {
        support::station::sign_in(&s);
    }
    Arc::new(s)
}

fn calls(s: &Arc<Station>) -> Arc<Calls> {
    Calls::new(Arc::clone(s), MediaSource::synthetic(), Arc::new(Quiet))
}

/// The synthetic devices are shared by the tests of this binary: one test at a time.
static SERIAL: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

#[tokio::test]
async fn choice_and_roles_are_remembered_and_a_missing_camera_falls_back() {
    let _serial = SERIAL.lock().await;
    let dir = tempfile::tempdir().unwrap();
    let s = station(dir.path(), true);
    let c = calls(&s);

    // Nothing saved: the synthetic devices have their own roles, the first camera is used.
    let v = c.devices().unwrap();
    assert_eq!(v.cameras.len(), 3);
    assert_eq!(v.effective.camera_id.as_deref(), Some("synthetic-room"));
    assert!(v.notices.is_empty(), "{:?}", v.notices);
    let role = |v: &relais_app::call::DevicesView, id: &str| {
        v.cameras.iter().find(|c| c.id == id).and_then(|c| c.role)
    };
    assert_eq!(role(&v, "synthetic-otoscope"), Some(CameraRole::Otoscope));

    // The dermatoscope becomes the otoscope: a role belongs to one camera.
    let v = c
        .set_camera_role("synthetic-dermatoscope", Some(CameraRole::Otoscope))
        .unwrap();
    assert_eq!(
        role(&v, "synthetic-dermatoscope"),
        Some(CameraRole::Otoscope)
    );
    assert_eq!(role(&v, "synthetic-otoscope"), None);
    let v = c
        .select_devices(DeviceChoice {
            camera_id: Some("synthetic-dermatoscope".into()),
            microphone_id: Some("synthetic-tone".into()),
            speaker_id: None,
        })
        .await
        .unwrap();
    assert_eq!(
        v.effective.camera_id.as_deref(),
        Some("synthetic-dermatoscope")
    );
    let refused = c
        .select_devices(DeviceChoice {
            camera_id: Some("caméra-inconnue".into()),
            ..DeviceChoice::default()
        })
        .await
        .unwrap_err();
    assert_eq!(refused.code, "DEVICE_NOT_FOUND");
    assert_eq!(refused.field.as_deref(), Some("cameraId"));
    drop((c, s));

    // After a restart: the same choice and roles, read from the encrypted record.
    let s = station(dir.path(), false);
    let c = calls(&s);
    let v = c.devices().unwrap();
    assert_eq!(v.saved.camera_id.as_deref(), Some("synthetic-dermatoscope"));
    assert_eq!(v.saved.microphone_id.as_deref(), Some("synthetic-tone"));
    assert_eq!(
        role(&v, "synthetic-dermatoscope"),
        Some(CameraRole::Otoscope)
    );
    assert_eq!(role(&v, "synthetic-otoscope"), None);

    // The chosen camera is unplugged: the default one, and a notice in French.
    synthetic_cameras::unplug("synthetic-dermatoscope");
    let v = c.devices().unwrap();
    synthetic_cameras::plug("synthetic-dermatoscope");
    assert_eq!(v.effective.camera_id.as_deref(), Some("synthetic-room"));
    assert_eq!(v.notices.len(), 1);
    assert_eq!(v.notices[0].code, "DEVICE_CAMERA_FALLBACK");
    assert!(v.notices[0].message.contains("n’est pas branchée"));

    // The device check: preview images of the chosen camera, the tone's level, the speaker.
    let images = Arc::new(AtomicUsize::new(0));
    let counted = Arc::clone(&images);
    let started = c
        .start_device_check(Arc::new(move |jpeg: Vec<u8>| {
            assert_eq!(&jpeg[..2], &[0xFF, 0xD8]);
            counted.fetch_add(1, Ordering::Relaxed);
        }))
        .unwrap();
    assert!(started.running);
    assert_eq!(started.camera_error, None);
    tokio::time::sleep(Duration::from_millis(800)).await;
    let check = c.device_check();
    assert!(images.load(Ordering::Relaxed) >= 3, "{check:?}");
    assert!(check.frames >= 3);
    // A 440 Hz tone at 0.3 of full scale: RMS ≈ 0.21.
    assert!(check.level > 0.15 && check.level < 0.3, "{check:?}");
    assert!(c.test_speaker().unwrap().speaker_testing);
    c.stop_device_check();
    assert!(!c.device_check().running);
    let before = images.load(Ordering::Relaxed);
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(images.load(Ordering::Relaxed) <= before + 1);
}

/// Waits for `check`, failing with `what` after `within`.
async fn eventually(what: &str, within: Duration, mut check: impl FnMut() -> bool) -> Duration {
    let start = std::time::Instant::now();
    while !check() {
        assert!(start.elapsed() < within, "{what}: not within {within:?}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    start.elapsed()
}

fn journal_count(c: &Calls, kind: &str) -> usize {
    c.status()
        .map(|s| s.events.iter().filter(|e| e.kind == kind).count())
        .unwrap_or(0)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn microphone_and_speaker_change_mid_call_without_renegotiation() {
    use relais_app::call::synthetic_audio::{self, speaker_memory};
    use relais_media::tone::level;
    use support::gp::{self, GP_TONE_HZ};

    let _serial = SERIAL.lock().await;
    let hub = gp::Hub::start().await;
    let dir = tempfile::tempdir().unwrap();
    let s = station(dir.path(), true);
    hub.enrol(&s).await;
    let c = calls(&s);
    let v = c.devices().unwrap();
    let ids =
        |l: &[relais_app::call::MediaDevice]| l.iter().map(|d| d.id.clone()).collect::<Vec<_>>();
    assert_eq!(ids(&v.microphones), ["synthetic-tone", "synthetic-headset"]);
    assert_eq!(ids(&v.speakers), ["synthetic-silent", "synthetic-headset"]);
    c.select_devices(DeviceChoice {
        camera_id: None,
        microphone_id: Some("synthetic-tone".into()),
        speaker_id: Some("synthetic-silent".into()),
    })
    .await
    .unwrap();

    let consultation = gp::requested_consultation(&s);
    c.start(&consultation).await.unwrap();
    let hub_id = s.hub_consultation(&consultation).unwrap().unwrap();
    let doctor = hub.gp_joins(&hub_id).await;
    let (silent, headset) = (
        speaker_memory("synthetic-silent"),
        speaker_memory("synthetic-headset"),
    );
    eventually(
        "the GP hears the 440 Hz microphone",
        Duration::from_secs(20),
        || {
            let heard = doctor.heard.last(9600);
            heard.len() == 9600 && level(&heard, 440.0) > 0.15
        },
    )
    .await;
    eventually(
        "the station plays the GP on the first speaker",
        Duration::from_secs(5),
        || level(&silent.last(9600), GP_TONE_HZ) > 0.2,
    )
    .await;
    assert!(c.status().unwrap().audio.microphone_available);
    let offers = doctor.offers();
    assert!(offers >= 1);

    // The nurse plugs a headset in and chooses it: microphone and speaker at once.
    let before = doctor
        .heard_total
        .load(std::sync::atomic::Ordering::Relaxed);
    let switched_at = std::time::Instant::now();
    c.select_devices(DeviceChoice {
        camera_id: None,
        microphone_id: Some("synthetic-headset".into()),
        speaker_id: Some("synthetic-headset".into()),
    })
    .await
    .unwrap();
    let took = eventually(
        "the GP hears the 660 Hz headset only",
        Duration::from_secs(3),
        || {
            let heard = doctor.heard.last(4800);
            level(&heard, 660.0) > 0.15 && level(&heard, 440.0) < 0.03
        },
    )
    .await;
    eventually("the headset plays the GP", Duration::from_secs(3), || {
        level(&headset.last(9600), GP_TONE_HZ) > 0.2
    })
    .await;
    // The GP heard the switch without a gap: no silent run, and a second of sound a second
    // (over the switch and most of a second after it, all still kept by the GP).
    let settle = Duration::from_millis(800).saturating_sub(switched_at.elapsed());
    tokio::time::sleep(settle).await;
    let heard = doctor.heard.samples();
    let since = switched_at.elapsed();
    let tail = &heard[heard
        .len()
        .saturating_sub((since.as_secs_f64() * 48_000.0) as usize + 4800)..];
    let gap = support::longest_silence(tail);
    let got = doctor
        .heard_total
        .load(std::sync::atomic::Ordering::Relaxed)
        - before;
    let expected = since.as_secs_f64() * 48_000.0;
    eprintln!("[devices] switch heard after {took:?}; longest silence {gap:?}; {got} samples in {since:?}");
    assert!(gap < Duration::from_millis(100), "gap of {gap:?}");
    assert!(
        got as f64 > expected * 0.85,
        "{got} samples heard in {since:?}"
    );
    assert_eq!(doctor.offers(), offers, "no renegotiation");
    let status = c.status().unwrap();
    assert_eq!(
        status.audio.microphone_id.as_deref(),
        Some("synthetic-headset")
    );
    assert_eq!(
        status.audio.speaker_id.as_deref(),
        Some("synthetic-headset")
    );
    assert_eq!(journal_count(&c, "MICROPHONE_SWITCHED"), 1);
    assert_eq!(journal_count(&c, "SPEAKER_SWITCHED"), 1);
    // The first speaker played the GP beside the headset while it started, then was closed.
    tokio::time::sleep(relais_rtc::audio_switch::SPEAKER_DRAIN).await;
    let frozen = silent.samples();
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert!(
        silent.samples() == frozen,
        "the first speaker no longer plays the GP"
    );
    assert!(level(&headset.last(9600), GP_TONE_HZ) > 0.2);

    // A microphone that cannot be opened: refused in French, the headset kept, journaled.
    synthetic_audio::make_microphone_busy("synthetic-tone");
    let refused = c
        .select_devices(DeviceChoice {
            camera_id: None,
            microphone_id: Some("synthetic-tone".into()),
            speaker_id: Some("synthetic-headset".into()),
        })
        .await
        .unwrap_err();
    synthetic_audio::plug_microphone("synthetic-tone");
    assert_eq!(refused.code, "MICROPHONE_FAILED");
    assert_eq!(refused.field.as_deref(), Some("microphoneId"));
    assert!(
        refused.message.contains("ne répond pas"),
        "{}",
        refused.message
    );
    assert!(
        refused.message.contains("Casque de test"),
        "{}",
        refused.message
    );
    assert_eq!(journal_count(&c, "DEVICE_FAILED"), 1);
    assert_eq!(
        c.devices().unwrap().saved.microphone_id.as_deref(),
        Some("synthetic-headset")
    );
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(
        level(&doctor.heard.last(4800), 660.0) > 0.15,
        "the headset is still heard"
    );

    // The headset is unplugged mid-call: silence is sent, the call goes on, a French notice.
    synthetic_audio::unplug_microphone("synthetic-headset");
    eventually(
        "the unplugged microphone is reported",
        Duration::from_secs(3),
        || {
            journal_count(&c, "DEVICE_FAILED") == 2
                && c.status().is_some_and(|s| !s.audio.microphone_available)
        },
    )
    .await;
    let status = c.status().unwrap();
    let notice = status.audio.message.clone().unwrap();
    assert!(notice.contains("Casque de test"), "{notice}");
    eventually("the GP hears silence", Duration::from_secs(2), || {
        let heard = doctor.heard.last(4800);
        heard.len() == 4800 && level(&heard, 660.0) < 0.02
    })
    .await;
    assert_eq!(status.state, relais_app::call::CallState::Connected);
    assert!(doctor.connected());

    // Plugged back: it is opened again by itself.
    synthetic_audio::plug_microphone("synthetic-headset");
    eventually("the headset is back", Duration::from_secs(5), || {
        journal_count(&c, "DEVICE_RECOVERED") == 1
            && c.status()
                .is_some_and(|s| s.audio.microphone_available && s.audio.message.is_none())
    })
    .await;
    eventually(
        "the GP hears the headset again",
        Duration::from_secs(3),
        || level(&doctor.heard.last(4800), 660.0) > 0.15,
    )
    .await;
    assert_eq!(doctor.offers(), offers, "no renegotiation");
    c.hang_up().await.unwrap();
}
