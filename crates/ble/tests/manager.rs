//! The manager against simulated instruments: pairing, a decoded measurement, an error
//! measurement dropped, and a new measurement after the device slept and came back.
use std::time::Duration;

use relais_ble::manager::Backoff;
use relais_ble::sim::SimulatedCentral;
use relais_ble::{DeviceState, InstrumentKind, Manager, ManagerEvent, PairedDevice, PairedDevices};
use relais_core::measurement::Reading;
use relais_peripherals::examples;
use tokio::sync::mpsc::UnboundedReceiver;

const CUFF: &str = "C0:FF:EE:00:00:01";
const OXIMETER: &str = "C0:FF:EE:00:00:02";
const WAIT: Duration = Duration::from_secs(5);

fn fast() -> Backoff {
    Backoff {
        initial: Duration::from_millis(20),
        max: Duration::from_millis(200),
    }
}

fn cuff() -> PairedDevice {
    PairedDevice {
        id: CUFF.into(),
        name: Some("Tensiomètre simulé".into()),
        kind: InstrumentKind::BloodPressure,
    }
}

/// The next event matching `pick`, skipping the others.
async fn next<T>(
    rx: &mut UnboundedReceiver<ManagerEvent>,
    mut pick: impl FnMut(ManagerEvent) -> Option<T>,
) -> T {
    tokio::time::timeout(WAIT, async {
        loop {
            let event = rx.recv().await.expect("manager running");
            if let Some(found) = pick(event) {
                return found;
            }
        }
    })
    .await
    .expect("event in time")
}

async fn readings_of(rx: &mut UnboundedReceiver<ManagerEvent>) -> Vec<Reading> {
    next(rx, |e| match e {
        ManagerEvent::Measurement { decoded, .. } => Some(decoded.readings),
        _ => None,
    })
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_paired_cuff_measurement_arrives_decoded() {
    let sim = SimulatedCentral::new();
    sim.add_device(CUFF, "Tensiomètre simulé", InstrumentKind::BloodPressure);
    let (handle, mut rx) =
        Manager::start(sim.clone(), PairedDevices::in_memory(vec![cuff()]), fast())
            .await
            .expect("start");
    assert!(sim.wait_ready(CUFF, WAIT).await, "subscribed to 0x2A35");
    next(&mut rx, |e| match e {
        ManagerEvent::Status(s) if s.state == DeviceState::Connected => Some(()),
        _ => None,
    })
    .await;
    assert!(sim.measure(CUFF, examples::BP_FULL));
    assert_eq!(
        readings_of(&mut rx).await,
        vec![
            Reading::BloodPressure {
                systolic: 128.0,
                diastolic: 82.0
            },
            Reading::Pulse { bpm: 72.0 }
        ]
    );
    assert_eq!(handle.statuses()[0].state, DeviceState::Connected);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_error_measurement_is_dropped_and_the_next_one_kept() {
    let sim = SimulatedCentral::new();
    sim.add_device(CUFF, "Tensiomètre simulé", InstrumentKind::BloodPressure);
    let (_handle, mut rx) =
        Manager::start(sim.clone(), PairedDevices::in_memory(vec![cuff()]), fast())
            .await
            .expect("start");
    assert!(sim.wait_ready(CUFF, WAIT).await);
    assert!(sim.measure(CUFF, examples::BP_CUFF_ERROR));
    assert!(sim.measure(CUFF, examples::BP_MINIMAL));
    let mut seen = Vec::new();
    while seen.len() < 2 {
        let e = next(&mut rx, |e| match e {
            ManagerEvent::Measurement { decoded, .. } => Some(Ok(decoded.readings)),
            ManagerEvent::Dropped { code, message, .. } => Some(Err((code, message))),
            _ => None,
        })
        .await;
        seen.push(e);
    }
    assert_eq!(
        seen[0],
        Err((
            "DEVICE_MEASUREMENT_ERROR",
            "L’appareil signale une erreur de mesure : refaites la mesure.".to_string()
        ))
    );
    assert_eq!(
        seen[1],
        Ok(vec![Reading::BloodPressure {
            systolic: 120.0,
            diastolic: 80.0
        }])
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reconnects_after_the_device_sleeps_between_measurements() {
    let sim = SimulatedCentral::new();
    sim.add_device(CUFF, "Tensiomètre simulé", InstrumentKind::BloodPressure);
    let (handle, mut rx) =
        Manager::start(sim.clone(), PairedDevices::in_memory(vec![cuff()]), fast())
            .await
            .expect("start");
    assert!(sim.wait_ready(CUFF, WAIT).await);
    assert!(sim.measure(CUFF, examples::BP_MINIMAL));
    readings_of(&mut rx).await;

    // The cuff sleeps: the connection drops, attempts fail while it sleeps.
    sim.sleep(CUFF);
    next(&mut rx, |e| match e {
        ManagerEvent::Status(s) if s.state == DeviceState::Reconnecting => Some(()),
        _ => None,
    })
    .await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(!sim.is_ready(CUFF));
    assert!(
        !sim.measure(CUFF, examples::BP_FULL),
        "a sleeping cuff sends nothing"
    );
    let status = &handle.statuses()[0];
    assert_eq!(status.state, DeviceState::Reconnecting);
    assert_eq!(status.last_error.as_deref(), Some("BLE_UNREACHABLE"));

    // It wakes up for the next measurement: connected again, the measurement arrives.
    sim.wake(CUFF);
    assert!(sim.wait_ready(CUFF, WAIT).await, "reconnected");
    assert_eq!(sim.connections(CUFF), 2);
    assert!(sim.measure(CUFF, examples::BP_WITH_WARNINGS));
    let decoded = next(&mut rx, |e| match e {
        ManagerEvent::Measurement { decoded, .. } => Some(decoded),
        _ => None,
    })
    .await;
    assert_eq!(
        decoded.readings[0],
        Reading::BloodPressure {
            systolic: 142.0,
            diastolic: 86.0
        }
    );
    assert_eq!(decoded.warnings, vec!["BODY_MOVEMENT", "IRREGULAR_PULSE"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_advertising_instrument_is_paired_then_remembered() {
    let dir = tempfile::tempdir().expect("tmp");
    let path = dir.path().join("ble-devices.json");
    let sim = SimulatedCentral::new();
    sim.add_device(OXIMETER, "Oxymètre simulé", InstrumentKind::PulseOximeter);
    sim.add_device("11:22:33:44:55:66", "Montre", InstrumentKind::Thermometer);
    let paired = PairedDevices::load(&path).expect("load");
    let (handle, mut rx) = Manager::start(sim.clone(), paired, fast())
        .await
        .expect("start");
    let candidate = next(&mut rx, |e| match e {
        ManagerEvent::Candidate(info) if info.id == OXIMETER => Some(info),
        _ => None,
    })
    .await;
    assert_eq!(candidate.name.as_deref(), Some("Oxymètre simulé"));
    // Not paired: no connection.
    assert_eq!(sim.connections(OXIMETER), 0);
    let status = handle.pair(OXIMETER).expect("pair");
    assert_eq!(status.kind, InstrumentKind::PulseOximeter);
    assert!(sim.wait_ready(OXIMETER, WAIT).await);
    assert!(sim.measure(OXIMETER, examples::PLX_SENSOR_DISCONNECTED));
    let code = next(&mut rx, |e| match e {
        ManagerEvent::Dropped { code, .. } => Some(code),
        _ => None,
    })
    .await;
    assert_eq!(code, "DEVICE_MEASUREMENT_INVALID");
    assert!(handle.pair("00:00:00:00:00:00").is_err());
    drop(handle);

    // The station restarts: the oximeter is remembered and connected without asking.
    let remembered = PairedDevices::load(&path).expect("load");
    assert_eq!(remembered.devices().len(), 1);
    let sim2 = SimulatedCentral::new();
    sim2.add_device(OXIMETER, "Oxymètre simulé", InstrumentKind::PulseOximeter);
    let (_handle, mut rx) = Manager::start(sim2.clone(), remembered, fast())
        .await
        .expect("start");
    assert!(sim2.wait_ready(OXIMETER, WAIT).await);
    assert!(sim2.measure(OXIMETER, examples::PLX_MINIMAL));
    assert_eq!(
        readings_of(&mut rx).await,
        vec![
            Reading::SpO2 { percent: 97.0 },
            Reading::Pulse { bpm: 72.0 }
        ]
    );
}
