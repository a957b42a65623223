//! Readings end to end: during a call through a real hub, a reading typed at the station and
//! one measured by a (simulated) Bluetooth cuff show live in the GP's console in headless
//! Chromium with their value, unit and source, and are in the station's record afterwards;
//! an implausible value and a cuff error are refused and reach neither.
#![allow(clippy::unwrap_used)]
use std::sync::{Arc, Mutex};
use std::time::Duration;

use relais_app::readings::{ReadingInput, Readings, ReadingsEvent, ReadingsObserver};
use relais_ble::manager::Backoff;
use relais_ble::sim::SimulatedCentral;
use relais_ble::{InstrumentKind, PairedDevice, PairedDevices};
use relais_core::measurement::Reading;
use relais_e2e::call::{CallScenario, ScenarioOptions};
use relais_e2e::{eventually, Result};
use relais_peripherals::examples;

const CUFF: &str = "C0:FF:EE:00:00:01";

#[derive(Default)]
struct Events(Mutex<Vec<ReadingsEvent>>);

impl ReadingsObserver for Events {
    fn event(&self, event: &ReadingsEvent) {
        self.0.lock().unwrap().push(event.clone());
    }
}

impl Events {
    fn refused_codes(&self) -> Vec<String> {
        self.0
            .lock()
            .unwrap()
            .iter()
            .filter_map(|e| match e {
                ReadingsEvent::Refused { code, .. } => Some(code.clone()),
                _ => None,
            })
            .collect()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn readings_reach_the_gp_live_and_the_record() -> Result {
    relais_e2e::within(Duration::from_secs(180), steps()).await
}

async fn steps() -> Result {
    let s = CallScenario::prepare(ScenarioOptions::default()).await?;
    let events = Arc::new(Events::default());
    let readings = Readings::new(Arc::clone(&s.station), Arc::clone(&s.calls), events.clone());
    let sim = SimulatedCentral::new();
    sim.add_device(CUFF, "Tensiomètre simulé", InstrumentKind::BloodPressure);
    readings
        .start_devices(
            sim.clone(),
            PairedDevices::in_memory(vec![PairedDevice {
                id: CUFF.into(),
                name: Some("Tensiomètre simulé".into()),
                kind: InstrumentKind::BloodPressure,
            }]),
            Backoff {
                initial: Duration::from_millis(50),
                max: Duration::from_millis(500),
            },
        )
        .await?;
    let patient_id = s
        .station
        .today()?
        .into_iter()
        .find(|i| i.consultation.id == s.consultation_id)
        .map(|i| i.consultation.patient_id)
        .ok_or("consultation of the day")?;
    readings.set_target(&patient_id, Some(&s.consultation_id));

    s.connect().await?;
    eprintln!("[readings] call connected");

    // Typed by hand: recorded and pushed live.
    let manual = readings
        .record(&ReadingInput {
            patient_id: patient_id.clone(),
            consultation_id: Some(s.consultation_id.clone()),
            reading: Reading::Temperature { celsius: 38.4 },
            confirm_unusual: false,
        })
        .await?;
    assert!(manual.pushed, "sent to the GP during the call");
    let shown = eventually(
        "manual reading in the console",
        Duration::from_secs(10),
        async || {
            let text = s.gp.text("readings").await.ok()?;
            text.contains("38,4 °C").then_some(text)
        },
    )
    .await?;
    assert!(shown.contains("saisie manuelle"), "{shown}");
    eprintln!("[readings] manual reading shown to the GP");

    // Implausible: refused with the range, never sent.
    let refused = readings
        .record(&ReadingInput {
            patient_id: patient_id.clone(),
            consultation_id: Some(s.consultation_id.clone()),
            reading: Reading::Temperature { celsius: 47.0 },
            confirm_unusual: true,
        })
        .await
        .expect_err("implausible");
    assert_eq!(refused.code, "TEMPERATURE_RANGE");
    assert!(
        refused.message.contains("entre 30 et 45 °C"),
        "{}",
        refused.message
    );

    // The cuff: an error measurement first (dropped), then a real one.
    assert!(
        sim.wait_ready(CUFF, Duration::from_secs(10)).await,
        "cuff connected and subscribed"
    );
    assert!(sim.measure(CUFF, examples::BP_CUFF_ERROR));
    assert!(sim.measure(CUFF, examples::BP_FULL));
    let shown = eventually(
        "cuff reading in the console",
        Duration::from_secs(10),
        async || {
            let text = s.gp.text("readings").await.ok()?;
            (text.contains("128/82 mmHg") && text.contains("72 /min")).then_some(text)
        },
    )
    .await?;
    assert!(shown.contains(&format!("appareil {CUFF}")), "{shown}");
    assert_eq!(events.refused_codes(), vec!["DEVICE_MEASUREMENT_ERROR"]);

    // The cuff sleeps, wakes for the next measurement: reconnected, it arrives too.
    sim.sleep(CUFF);
    tokio::time::sleep(Duration::from_millis(300)).await;
    sim.wake(CUFF);
    assert!(
        sim.wait_ready(CUFF, Duration::from_secs(10)).await,
        "reconnected"
    );
    assert!(sim.measure(CUFF, examples::BP_MINIMAL));
    eventually(
        "second cuff reading in the console",
        Duration::from_secs(10),
        async || {
            let text = s.gp.text("readings").await.ok()?;
            text.contains("120/80 mmHg").then_some(())
        },
    )
    .await?;
    eprintln!("[readings] cuff readings shown to the GP, before and after its sleep");
    let console = s.gp.text("readings").await?;
    assert!(
        !console.contains("47"),
        "the implausible value never reached the GP: {console}"
    );
    s.gp.eval("document.querySelector('[data-testid=readings]').scrollIntoView()")
        .await?;
    s.gp.screenshot("readings-01-console").await?;

    s.calls.hang_up().await?;

    // The record keeps every reading with its source and who took it.
    let stored = s.station.consultation_readings(&s.consultation_id)?;
    let summary: Vec<(&str, &str)> = stored
        .iter()
        .map(|r| (r.display.as_str(), r.source.as_str()))
        .collect();
    assert_eq!(
        summary,
        vec![
            ("38,4 °C", "manual"),
            ("128/82 mmHg", CUFF),
            ("72 /min", CUFF),
            ("120/80 mmHg", CUFF),
        ]
    );
    let nurse = s.station.status()?.user.ok_or("signed in")?;
    assert!(stored.iter().all(|r| r.taken_by == nurse.id));
    let trend = s.station.patient_trend(&patient_id, 10)?;
    assert_eq!(trend.len(), 3, "blood pressure, pulse and temperature");
    s.gp.quit().await?;
    Ok(())
}

/// The station's readings panel under Xvfb, driven through tauri-driver: three simulated
/// instruments (`RELAIS_BLE_SIMULATOR=1`), manual entry with a refused value and a confirmed
/// unusual one, and the instruments' measurements in the patient's trend.
#[tokio::test(flavor = "multi_thread")]
async fn station_readings_panel() -> Result {
    relais_e2e::within(Duration::from_secs(240), station_steps()).await
}

async fn station_steps() -> Result {
    use chrono::NaiveDate;
    use relais_e2e::flow::{create_patient, first_start, Person};
    use relais_e2e::Station;

    let dir = tempfile::tempdir()?;
    let s = Station::launch_with(
        &dir.path().join("data"),
        &[
            ("RELAIS_BLE_SIMULATOR", "1"),
            ("RELAIS_BLE_SIMULATOR_PERIOD_MS", "2500"),
        ],
    )
    .await?;
    s.unlock_storage().await?;
    first_start(&s).await?;
    create_patient(
        &s,
        &Person {
            family: "LEROY",
            given: "Jeanne",
            sex: "F",
            birth: NaiveDate::from_ymd_opt(1944, 6, 2).ok_or("date")?,
        },
    )
    .await?;

    // The patient page shows the panel and the three instruments.
    s.find("readings-panel").await?;
    s.wait_for_text("readings-devices", "Tensiomètre (simulé)")
        .await?;
    s.wait_for_text("readings-devices", "Connecté").await?;
    s.screenshot("readings-01-panel").await?;

    // Implausible: the range next to the field, nothing recorded.
    s.click("readings-kind-temperature").await?;
    s.fill("readings-input-celsius", "47").await?;
    s.click("readings-save").await?;
    let error = s
        .wait_for_text("readings-error-celsius", "entre 30 et 45")
        .await?;
    assert!(error.contains("°C"), "{error}");
    s.screenshot("readings-02-range-error").await?;

    // A plausible value with a decimal comma.
    s.fill("readings-input-celsius", "37,8").await?;
    s.click("readings-save").await?;
    s.wait_for_text("readings-saved", "37,8 °C").await?;

    // Unusual: the confirmation dialog, then recorded.
    s.click("readings-kind-spO2").await?;
    s.fill("readings-input-percent", "89").await?;
    s.click("readings-save").await?;
    s.wait_for_text("readings-confirm-text", "confirmez")
        .await?;
    s.screenshot("readings-03-confirm").await?;
    s.click("readings-confirm-yes").await?;
    s.wait_for_text("readings-saved", "89 %").await?;

    // The instruments measure by themselves: their readings reach the trend.
    s.wait_for_text("readings-trend", "128/82 mmHg").await?;
    s.wait_for_text("readings-trend", "37,8 °C").await?;
    s.wait_for_text("readings-devices", "Mesure reçue à")
        .await?;
    s.client
        .execute(
            "document.querySelector('[data-testid=readings-trend]').scrollIntoView()",
            vec![],
        )
        .await?;
    s.screenshot("readings-04-trend").await?;
    s.quit().await?;
    Ok(())
}
