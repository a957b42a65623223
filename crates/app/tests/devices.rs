//! Device choice, camera roles and the device check, on a real encrypted store with the
//! synthetic devices (`RELAIS_MEDIA=synthetic`): the choice and the roles survive a
//! restart, a device that disappeared falls back to the default with a French notice.
#![allow(clippy::unwrap_used)]

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use relais_app::call::devices::CameraRole;
use relais_app::call::{CallStatus, DeviceChoice};
use relais_app::dto::{SetupInput, SignInInput, SiteInput, SiteKind, UserInput};
use relais_app::{CallObserver, Calls, Config, KeyStoreChoice, MediaSource, Station, SystemClock};
use relais_media::synthetic_cameras;

const PASSPHRASE: &str = "phrase secrète de test";
const PASSWORD: &str = "correct horse battery";

struct Quiet;
impl CallObserver for Quiet {
    fn status(&self, _: &CallStatus) {}
    fn remote_jpeg(&self, _: Vec<u8>) {}
}

fn station(dir: &std::path::Path, first: bool) -> Arc<Station> {
    let s = Station::start(
        Config {
            data_dir: dir.to_path_buf(),
            key_store: KeyStoreChoice::Passphrase,
            lock_after_seconds: 300,
            hub_url: None,
            hub_fingerprint: None,
        },
        Box::new(SystemClock),
    );
    s.unlock_storage(PASSPHRASE).unwrap();
    if first {
        s.setup_site(SetupInput {
            site: SiteInput {
                kind: SiteKind::Pharmacie,
                name: "Pharmacie du Parvis".into(),
                commune: "Chartres".into(),
                address: None,
            },
            user: UserInput {
                username: "ines".into(),
                display_name: "Inès Martin".into(),
                profession: "Pharmacienne".into(),
                rpps: None,
                password: PASSWORD.into(),
            },
        })
        .unwrap();
    } else {
        s.sign_in(SignInInput {
            username: "ines".into(),
            password: PASSWORD.into(),
        })
        .unwrap();
    }
    Arc::new(s)
}

fn calls(s: &Arc<Station>) -> Arc<Calls> {
    Calls::new(Arc::clone(s), MediaSource::synthetic(), Arc::new(Quiet))
}

#[tokio::test]
async fn choice_and_roles_are_remembered_and_a_missing_camera_falls_back() {
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
