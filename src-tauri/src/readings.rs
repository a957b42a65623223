//! The readings panel's commands (see docs/COMMANDS.md), each forwarding to
//! `relais_app::Readings` or a `Station` method, and the start of the instruments:
//! the Bluetooth adapter (btleplug), or simulated instruments when `RELAIS_BLE_SIMULATOR=1`.
use std::sync::Arc;
use std::time::Duration;

use relais_app::readings::{DevicesView, ReadingInput, RecordedReading, TrendSeries};
use relais_app::{ApiError, Calls, Readings, ReadingsEvent, ReadingsObserver, Station};
use relais_ble::manager::Backoff;
use relais_ble::sim::SimulatedCentral;
use relais_ble::{InstrumentKind, PairedDevice, PairedDevices};
use serde::Deserialize;
use tauri::{AppHandle, Emitter, Manager, State};

type Reply<T> = Result<T, ApiError>;
type ReadingsState<'a> = State<'a, Arc<Readings>>;

/// Emits the panel's events to the webview as `readings-event`.
struct WebviewReadings(AppHandle);

impl ReadingsObserver for WebviewReadings {
    fn event(&self, event: &ReadingsEvent) {
        if let Err(e) = self.0.emit("readings-event", event) {
            tracing::warn!(error = %e, "readings event not delivered to the window");
        }
    }
}

/// Creates the readings service and starts the instruments in the background.
pub fn setup(app: &tauri::App) {
    let station = Arc::clone(app.state::<Arc<Station>>().inner());
    let calls = Arc::clone(app.state::<Arc<Calls>>().inner());
    let readings = Readings::new(
        Arc::clone(&station),
        calls,
        Arc::new(WebviewReadings(app.handle().clone())),
    );
    app.manage(Arc::clone(&readings));
    let paired_path = station.config().data_dir.join("ble-devices.json");
    tauri::async_runtime::spawn(async move {
        if std::env::var("RELAIS_BLE_SIMULATOR").is_ok_and(|v| v == "1") {
            start_simulated(&readings).await;
            return;
        }
        start_radio(&readings, &paired_path).await;
    });
}

/// Three simulated instruments, paired, measuring every `RELAIS_BLE_SIMULATOR_PERIOD_MS`.
async fn start_simulated(readings: &Arc<Readings>) {
    let sim = SimulatedCentral::new();
    let devices = [
        (
            "SIM:BP:01",
            "Tensiomètre (simulé)",
            InstrumentKind::BloodPressure,
        ),
        (
            "SIM:OX:01",
            "Oxymètre (simulé)",
            InstrumentKind::PulseOximeter,
        ),
        (
            "SIM:TH:01",
            "Thermomètre (simulé)",
            InstrumentKind::Thermometer,
        ),
    ];
    let mut paired = Vec::new();
    for (id, name, kind) in devices {
        sim.add_device(id, name, kind);
        paired.push(PairedDevice {
            id: id.into(),
            name: Some(name.into()),
            kind,
        });
    }
    let period = std::env::var("RELAIS_BLE_SIMULATOR_PERIOD_MS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(15_000);
    let started = readings
        .start_devices(
            sim.clone(),
            PairedDevices::in_memory(paired),
            Backoff::default(),
        )
        .await;
    if started.is_ok() {
        // Runs for the life of the app.
        let _demo = sim.run_demo(Duration::from_millis(period));
    }
}

/// The station's Bluetooth adapter (relais-ble is built with its `bluetooth` feature here).
async fn start_radio(readings: &Arc<Readings>, paired_path: &std::path::Path) {
    let paired = match PairedDevices::load(paired_path) {
        Ok(paired) => paired,
        Err(e) => {
            readings.devices_unavailable(e.to_string());
            return;
        }
    };
    match relais_ble::btle::BtleplugCentral::first_adapter().await {
        Ok(central) => {
            if let Err(e) = readings
                .start_devices(Arc::new(central), paired, Backoff::default())
                .await
            {
                tracing::warn!(code = %e.code, "instruments not started");
            }
        }
        Err(e) => {
            tracing::info!(code = e.code(), "no Bluetooth adapter");
            readings.devices_unavailable(e.to_string());
        }
    }
}

/// `{ input }`.
#[derive(Deserialize)]
pub struct RecordArgs {
    input: ReadingInput,
}

/// `{ consultationId }`.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ConsultationArgs {
    consultation_id: String,
}

/// `{ patientId, perKind? }`.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TrendArgs {
    patient_id: String,
    #[serde(default)]
    per_kind: Option<usize>,
}

/// `{ patientId, consultationId? }`.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OpenArgs {
    patient_id: String,
    #[serde(default)]
    consultation_id: Option<String>,
}

/// `{ id }`.
#[derive(Deserialize)]
pub struct DeviceArgs {
    id: String,
}

#[tauri::command]
pub async fn readings_record(
    readings: ReadingsState<'_>,
    args: RecordArgs,
) -> Reply<RecordedReading> {
    readings.record(&args.input).await
}

#[tauri::command]
pub async fn readings_list(
    station: State<'_, Arc<Station>>,
    args: ConsultationArgs,
) -> Reply<Vec<RecordedReading>> {
    station.consultation_readings(&args.consultation_id)
}

#[tauri::command]
pub async fn readings_trend(
    station: State<'_, Arc<Station>>,
    args: TrendArgs,
) -> Reply<Vec<TrendSeries>> {
    station.patient_trend(
        &args.patient_id,
        args.per_kind
            .unwrap_or(relais_app::readings::TREND_PER_KIND),
    )
}

#[tauri::command]
pub async fn readings_open(readings: ReadingsState<'_>, args: OpenArgs) -> Reply<DevicesView> {
    Ok(readings.set_target(&args.patient_id, args.consultation_id.as_deref()))
}

#[tauri::command]
pub async fn readings_close(readings: ReadingsState<'_>) -> Reply<()> {
    readings.clear_target();
    Ok(())
}

#[tauri::command]
pub async fn readings_devices(readings: ReadingsState<'_>) -> Reply<DevicesView> {
    Ok(readings.devices())
}

#[tauri::command]
pub async fn readings_pair(readings: ReadingsState<'_>, args: DeviceArgs) -> Reply<DevicesView> {
    readings.pair(&args.id)
}

#[tauri::command]
pub async fn readings_forget(readings: ReadingsState<'_>, args: DeviceArgs) -> Reply<DevicesView> {
    readings.forget(&args.id).await
}
