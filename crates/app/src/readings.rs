//! Readings: blood pressure, pulse, SpO2, temperature, weight, glycaemia, taken at the
//! station by hand or by a Bluetooth instrument; stored in the record, pushed live to the GP
//! when a call is up, listed per consultation and shown as a trend per patient.
//!
//! The plausibility rules are `relais_core::measurement::check`'s, enforced here whatever
//! the caller: an implausible value is refused (code `<QUANTITY>_RANGE` or
//! `DIASTOLIC_NOT_BELOW_SYSTOLIC`, French message naming the range, the field concerned);
//! an unusual value typed by hand is recorded only once confirmed (`CONFIRMATION_REQUIRED`
//! carries the message to show in the confirmation dialog). A device's unusual value is
//! recorded as measured and flagged `unusual` for the screens; its implausible ones and
//! its error measurements are never recorded.
use std::sync::{Arc, Mutex, MutexGuard};

use chrono::{DateTime, Utc};
use relais_ble::manager::Backoff;
use relais_ble::{
    Central, DeviceStatus, ManagerEvent, ManagerHandle, PairedDevices, PeripheralInfo,
};
use relais_core::error::FieldError;
use relais_core::measurement::{self, Plausibility, Reading};
use relais_protocol::data::DataMessage;
use relais_store::{AuditEvent, ReadingRow, MANUAL_SOURCE};
use serde::{Deserialize, Serialize};

use crate::call::{CallState, Calls};
use crate::error::ApiError;
use crate::station::{Ctx, Station};

/// Most readings of each kind a trend shows.
pub const TREND_PER_KIND: usize = 10;

/// A reading typed by the nurse.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ReadingInput {
    /// The patient's id.
    pub patient_id: String,
    /// The consultation during which it is taken, if any.
    #[serde(default)]
    pub consultation_id: Option<String>,
    /// The value, in the stored units (mmHg, /min, %, °C, kg, g/L).
    pub reading: Reading,
    /// The nurse confirmed an unusual value.
    #[serde(default)]
    pub confirm_unusual: bool,
}

/// An unusual value's code and message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Unusual {
    /// Stable code (`SPO2_LOW`…).
    pub code: String,
    /// French message.
    pub message: String,
}

/// A reading of the record, as the screens show it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RecordedReading {
    /// Its id.
    pub id: String,
    /// The patient's id.
    pub patient_id: String,
    /// The consultation, if any.
    pub consultation_id: Option<String>,
    /// The value.
    pub reading: Reading,
    /// Kind code (`bloodPressure`…).
    pub kind: String,
    /// Unit as shown (`mmHg`…).
    pub unit: String,
    /// French display ("128/82 mmHg", "37,8 °C").
    pub display: String,
    /// When it was measured.
    pub taken_at: DateTime<Utc>,
    /// Device id, or "manual".
    pub source: String,
    /// Id of the professional who took it.
    pub taken_by: String,
    /// The nurse confirmed an unusual value.
    pub confirmed_unusual: bool,
    /// Set when the value is unusual (confirmed by hand, or as a device measured it).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unusual: Option<Unusual>,
    /// Sent live to the GP (a call was up).
    pub pushed: bool,
}

/// The last readings of one kind for a patient, oldest first.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TrendSeries {
    /// Kind code.
    pub kind: String,
    /// Unit as shown.
    pub unit: String,
    /// The readings, oldest first.
    pub points: Vec<RecordedReading>,
}

/// Kind code and unit of a reading.
#[must_use]
pub fn kind_and_unit(reading: &Reading) -> (&'static str, &'static str) {
    match reading {
        Reading::BloodPressure { .. } => ("bloodPressure", "mmHg"),
        Reading::Pulse { .. } => ("pulse", "/min"),
        Reading::SpO2 { .. } => ("spO2", "%"),
        Reading::Temperature { .. } => ("temperature", "°C"),
        Reading::Weight { .. } => ("weight", "kg"),
        Reading::Glycaemia { .. } => ("glycaemia", "g/L"),
    }
}

/// The input field a plausibility code is about (`systolic`, `bpm`…).
fn field_of(code: &str) -> &'static str {
    match code.split('_').next().unwrap_or_default() {
        "SYSTOLIC" => "systolic",
        "DIASTOLIC" => "diastolic",
        "PULSE" => "bpm",
        "SPO2" => "percent",
        "TEMPERATURE" => "celsius",
        "WEIGHT" => "kg",
        "GLYCAEMIA" => "gPerL",
        _ => "reading",
    }
}

/// Refuses the implausible; returns the unusual (for the caller to confirm or flag).
fn plausibility(reading: &Reading) -> Result<Option<Unusual>, ApiError> {
    match measurement::check(reading) {
        Plausibility::Plausible => Ok(None),
        Plausibility::Unusual { code, message } => Ok(Some(Unusual { code, message })),
        Plausibility::Implausible { code, message, .. } => {
            let field = field_of(&code);
            Err(ApiError {
                fields: vec![FieldError {
                    field: field.to_string(),
                    code: code.clone(),
                    message: message.clone(),
                }],
                ..ApiError::on_field(&code, field, message)
            })
        }
    }
}

fn to_recorded(row: ReadingRow) -> Result<RecordedReading, ApiError> {
    let reading: Reading = serde_json::from_value(row.value)?;
    let unusual = match measurement::check(&reading) {
        Plausibility::Unusual { code, message } => Some(Unusual { code, message }),
        _ => None,
    };
    Ok(RecordedReading {
        id: row.id,
        patient_id: row.patient_id,
        consultation_id: row.consultation_id,
        display: measurement::format_fr(&reading),
        reading,
        kind: row.kind,
        unit: row.unit,
        taken_at: row.taken_at,
        source: row.source,
        taken_by: row.taken_by,
        confirmed_unusual: row.confirmed_unusual,
        unusual,
        pushed: false,
    })
}

fn insert(
    ctx: &Ctx<'_>,
    patient_id: &str,
    consultation_id: Option<&str>,
    reading: Reading,
    source: &str,
    confirmed_unusual: bool,
) -> Result<RecordedReading, ApiError> {
    let (kind, unit) = kind_and_unit(&reading);
    let mut row = ReadingRow {
        id: String::new(),
        patient_id: patient_id.to_string(),
        consultation_id: consultation_id.map(str::to_string),
        kind: kind.to_string(),
        value: serde_json::to_value(reading)?,
        unit: unit.to_string(),
        taken_at: ctx.now,
        source: source.to_string(),
        taken_by: ctx.user.id.clone(),
        confirmed_unusual,
        created_at: ctx.now,
    };
    row.id = ctx.store.insert_reading(&ctx.actor, ctx.now, &row)?;
    to_recorded(row)
}

impl Station {
    /// Records a reading typed by the nurse, after the plausibility checks.
    ///
    /// # Errors
    ///
    /// `<QUANTITY>_RANGE` / `DIASTOLIC_NOT_BELOW_SYSTOLIC` (implausible, on its field),
    /// `CONFIRMATION_REQUIRED` (unusual and not confirmed; `fields[0]` holds its code),
    /// `NOT_FOUND` (patient or consultation), session errors.
    pub fn record_reading(&self, input: &ReadingInput) -> Result<RecordedReading, ApiError> {
        let unusual = plausibility(&input.reading)?;
        if let Some(u) = &unusual {
            if !input.confirm_unusual {
                let field = field_of(&u.code);
                return Err(ApiError {
                    fields: vec![FieldError {
                        field: field.to_string(),
                        code: u.code.clone(),
                        message: u.message.clone(),
                    }],
                    ..ApiError::on_field("CONFIRMATION_REQUIRED", field, u.message.clone())
                });
            }
        }
        self.with_session(|ctx| {
            insert(
                ctx,
                &input.patient_id,
                input.consultation_id.as_deref(),
                input.reading,
                MANUAL_SOURCE,
                unusual.is_some(),
            )
        })
    }

    /// Records a reading measured by a Bluetooth instrument (`device_id`), taken by the
    /// signed-in professional. Implausible values are refused; unusual ones are recorded
    /// as measured and flagged.
    ///
    /// # Errors
    ///
    /// As [`Station::record_reading`], without `CONFIRMATION_REQUIRED`; `INVALID_INPUT`
    /// when the device id is not a usable source.
    pub fn record_device_reading(
        &self,
        device_id: &str,
        patient_id: &str,
        consultation_id: Option<&str>,
        reading: Reading,
    ) -> Result<RecordedReading, ApiError> {
        if device_id == MANUAL_SOURCE {
            return Err(ApiError::new(
                "INVALID_INPUT",
                "Identifiant d’appareil invalide.",
            ));
        }
        plausibility(&reading)?;
        self.with_session(|ctx| insert(ctx, patient_id, consultation_id, reading, device_id, false))
    }

    /// Audits an action on an instrument (pairing, forgetting) by the signed-in user.
    fn audit_device(&self, action: &'static str, device_id: &str) -> Result<(), ApiError> {
        self.with_session(|ctx| {
            ctx.store.append_audit(
                &ctx.actor,
                ctx.now,
                &AuditEvent {
                    action,
                    record_type: "device",
                    record_id: Some(device_id),
                    detail: "",
                },
            )?;
            Ok(())
        })
    }

    /// The readings of a consultation, oldest first.
    pub fn consultation_readings(
        &self,
        consultation_id: &str,
    ) -> Result<Vec<RecordedReading>, ApiError> {
        self.with_session(|ctx| {
            ctx.store
                .consultation_readings(&ctx.actor, ctx.now, consultation_id)?
                .into_iter()
                .map(to_recorded)
                .collect()
        })
    }

    /// The last `per_kind` readings of each kind of a patient, per kind, oldest first.
    pub fn patient_trend(
        &self,
        patient_id: &str,
        per_kind: usize,
    ) -> Result<Vec<TrendSeries>, ApiError> {
        let rows = self.with_session(|ctx| {
            Ok(ctx
                .store
                .patient_trend(&ctx.actor, ctx.now, patient_id, per_kind)?)
        })?;
        let mut series: Vec<TrendSeries> = Vec::new();
        for row in rows {
            let point = to_recorded(row)?;
            match series.last_mut() {
                Some(s) if s.kind == point.kind => s.points.push(point),
                _ => series.push(TrendSeries {
                    kind: point.kind.clone(),
                    unit: point.unit.clone(),
                    points: vec![point],
                }),
            }
        }
        Ok(series)
    }
}

/// What the readings panel is told as it happens.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "camelCase")]
pub enum ReadingsEvent {
    /// The instruments changed (state, new candidate).
    Devices {
        /// The instruments' view.
        devices: DevicesView,
    },
    /// A reading was recorded (from a device, or by hand).
    Recorded {
        /// The reading.
        reading: RecordedReading,
    },
    /// A device's measurement was not recorded.
    #[serde(rename_all = "camelCase")]
    Refused {
        /// The device.
        device_id: String,
        /// Stable code.
        code: String,
        /// French message.
        message: String,
    },
}

/// Receives the readings panel's events (the Tauri shell emits them to the webview).
pub trait ReadingsObserver: Send + Sync + 'static {
    /// Something happened.
    fn event(&self, event: &ReadingsEvent);
}

/// The instruments as the panel shows them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct DevicesView {
    /// Whether Bluetooth is running (scanning for instruments).
    pub available: bool,
    /// Why it is not, in French, when not.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// Paired instruments and their states.
    pub paired: Vec<DeviceStatus>,
    /// Instruments seen that are not paired.
    pub candidates: Vec<PeripheralInfo>,
}

/// Where device readings go: the patient (and consultation) whose panel is open.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Target {
    patient_id: String,
    consultation_id: Option<String>,
}

/// The readings service: manual entry and instruments, pushed to the GP during a call.
pub struct Readings {
    station: Arc<Station>,
    calls: Arc<Calls>,
    observer: Arc<dyn ReadingsObserver>,
    target: Mutex<Option<Target>>,
    ble: Mutex<Option<Arc<ManagerHandle>>>,
    ble_message: Mutex<Option<String>>,
}

fn locked<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

fn ble_error(e: &relais_ble::BleError) -> ApiError {
    ApiError::new(e.code(), e.to_string())
}

impl Readings {
    /// The readings of `station`, pushed through `calls`, shown through `observer`.
    pub fn new(
        station: Arc<Station>,
        calls: Arc<Calls>,
        observer: Arc<dyn ReadingsObserver>,
    ) -> Arc<Self> {
        Arc::new(Self {
            station,
            calls,
            observer,
            target: Mutex::new(None),
            ble: Mutex::new(None),
            ble_message: Mutex::new(None),
        })
    }

    /// Starts the instruments on `central` with the station's paired devices. Must be
    /// called inside a tokio runtime.
    ///
    /// # Errors
    ///
    /// The scan could not start (the panel then shows the message; manual entry works).
    pub async fn start_devices(
        self: &Arc<Self>,
        central: Arc<dyn Central>,
        paired: PairedDevices,
        backoff: Backoff,
    ) -> Result<(), ApiError> {
        let (handle, mut events) = match relais_ble::Manager::start(central, paired, backoff).await
        {
            Ok(started) => started,
            Err(e) => {
                self.devices_unavailable(e.to_string());
                return Err(ble_error(&e));
            }
        };
        *locked(&self.ble) = Some(Arc::new(handle));
        *locked(&self.ble_message) = None;
        let me = Arc::downgrade(self);
        tokio::spawn(async move {
            while let Some(event) = events.recv().await {
                let Some(me) = me.upgrade() else { return };
                me.on_device_event(event).await;
            }
        });
        self.publish_devices();
        Ok(())
    }

    /// Records that no instrument can be used (no adapter…), with the reason to show.
    pub fn devices_unavailable(&self, message: String) {
        *locked(&self.ble_message) = Some(message);
        self.publish_devices();
    }

    /// The instruments' view.
    pub fn devices(&self) -> DevicesView {
        let handle = locked(&self.ble).clone();
        match handle {
            Some(h) => DevicesView {
                available: true,
                message: None,
                paired: h.statuses(),
                candidates: h.candidates(),
            },
            None => DevicesView {
                available: false,
                message: Some(locked(&self.ble_message).clone().unwrap_or_else(|| {
                    "Bluetooth non démarré sur ce poste : saisissez les mesures à la main.".into()
                })),
                ..DevicesView::default()
            },
        }
    }

    fn publish_devices(&self) {
        self.observer.event(&ReadingsEvent::Devices {
            devices: self.devices(),
        });
    }

    /// Pairs with an instrument seen advertising.
    ///
    /// # Errors
    ///
    /// `BLE_UNKNOWN_DEVICE` when it was not seen; `BLE_UNAVAILABLE` without Bluetooth.
    pub fn pair(&self, device_id: &str) -> Result<DevicesView, ApiError> {
        let handle = self.handle()?;
        handle.pair(device_id).map_err(|e| ble_error(&e))?;
        self.station.audit_device("device.pair", device_id)?;
        self.publish_devices();
        Ok(self.devices())
    }

    /// Forgets a paired instrument.
    ///
    /// # Errors
    ///
    /// `BLE_UNAVAILABLE` without Bluetooth; the list cannot be saved.
    pub async fn forget(&self, device_id: &str) -> Result<DevicesView, ApiError> {
        let handle = self.handle()?;
        handle.forget(device_id).await.map_err(|e| ble_error(&e))?;
        self.station.audit_device("device.forget", device_id)?;
        self.publish_devices();
        Ok(self.devices())
    }

    fn handle(&self) -> Result<Arc<ManagerHandle>, ApiError> {
        locked(&self.ble).clone().ok_or_else(|| {
            ApiError::new(
                "BLE_UNAVAILABLE",
                "Bluetooth indisponible sur ce poste : saisissez les mesures à la main.",
            )
        })
    }

    /// Sets the patient (and consultation) whose panel is open: device readings go there.
    pub fn set_target(&self, patient_id: &str, consultation_id: Option<&str>) -> DevicesView {
        *locked(&self.target) = Some(Target {
            patient_id: patient_id.to_string(),
            consultation_id: consultation_id.map(str::to_string),
        });
        self.devices()
    }

    /// No panel is open: device readings are not recorded.
    pub fn clear_target(&self) {
        *locked(&self.target) = None;
    }

    /// Records a reading typed by the nurse and pushes it to the GP if a call is up.
    ///
    /// # Errors
    ///
    /// As [`Station::record_reading`].
    pub async fn record(&self, input: &ReadingInput) -> Result<RecordedReading, ApiError> {
        let recorded = self.station.record_reading(input)?;
        Ok(self.push(recorded).await)
    }

    /// Sends a recorded reading to the GP when the call of its consultation is up.
    async fn push(&self, mut recorded: RecordedReading) -> RecordedReading {
        let in_call = self.calls.status().is_some_and(|s| {
            Some(&s.consultation_id) == recorded.consultation_id.as_ref()
                && matches!(s.state, CallState::Connected | CallState::Reconnecting)
        });
        if in_call {
            let message = DataMessage::Reading {
                reading: recorded.reading,
                taken_at: recorded.taken_at,
                source: recorded.source.clone(),
            };
            match serde_json::to_string(&message) {
                Ok(json) => match self.calls.send_data(json).await {
                    Ok(()) => recorded.pushed = true,
                    Err(e) => tracing::warn!(code = %e.code, "reading not pushed to the GP"),
                },
                Err(_) => tracing::warn!("reading not serialisable"),
            }
        }
        self.observer.event(&ReadingsEvent::Recorded {
            reading: recorded.clone(),
        });
        recorded
    }

    async fn on_device_event(&self, event: ManagerEvent) {
        match event {
            ManagerEvent::Status(_) | ManagerEvent::Candidate(_) => self.publish_devices(),
            ManagerEvent::Dropped {
                device,
                code,
                message,
            } => self.refused(&device.id, code, message),
            ManagerEvent::Measurement { device, decoded } => {
                let target = locked(&self.target).clone();
                let Some(target) = target else {
                    self.refused(
                        &device.id,
                        "NO_PATIENT_OPEN",
                        "Mesure reçue alors qu’aucun patient n’est ouvert : ouvrez la consultation puis refaites la mesure."
                            .into(),
                    );
                    return;
                };
                for reading in decoded.readings {
                    match self.station.record_device_reading(
                        &device.id,
                        &target.patient_id,
                        target.consultation_id.as_deref(),
                        reading,
                    ) {
                        Ok(recorded) => {
                            self.push(recorded).await;
                        }
                        Err(e) => self.refused(&device.id, &e.code, e.message),
                    }
                }
            }
        }
    }

    fn refused(&self, device_id: &str, code: &str, message: String) {
        self.observer.event(&ReadingsEvent::Refused {
            device_id: device_id.to_string(),
            code: code.to_string(),
            message,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::call::MediaSource;
    use crate::dto::{IntakeInput, SetupInput, SiteInput, SiteKind, UserInput};
    use crate::{CallObserver, Config, KeyStoreChoice, SystemClock};
    use chrono::NaiveDate;
    use relais_ble::sim::SimulatedCentral;
    use relais_ble::{InstrumentKind, PairedDevice};
    use relais_core::identity::{Coverage, Patient, Sex};
    use relais_core::triage::{Answers, PriorityCriteria};
    use relais_peripherals::examples;
    use std::time::Duration;

    struct NoCall;
    impl CallObserver for NoCall {
        fn status(&self, _: &crate::call::CallStatus) {}
        fn remote_jpeg(&self, _: Vec<u8>) {}
    }

    #[derive(Default)]
    struct Events(Mutex<Vec<ReadingsEvent>>);
    impl ReadingsObserver for Events {
        fn event(&self, event: &ReadingsEvent) {
            locked(&self.0).push(event.clone());
        }
    }

    struct Fixture {
        _dir: tempfile::TempDir,
        station: Arc<Station>,
        patient_id: String,
        consultation_id: String,
    }

    fn fixture() -> Fixture {
        let dir = tempfile::tempdir().expect("tmp");
        let station = Arc::new(Station::start(
            Config {
                data_dir: dir.path().to_path_buf(),
                key_store: KeyStoreChoice::Passphrase,
                lock_after_seconds: 3600,
                hub_url: None,
                hub_fingerprint: None,
            },
            Box::new(SystemClock),
        ));
        station
            .unlock_storage("phrase secrète de test")
            .expect("unlock");
        station
            .setup_site(SetupInput {
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
                    password: "correct horse battery".into(),
                },
            })
            .expect("setup");
        let patient = station
            .create_patient(&Patient {
                family_name: "Durand".into(),
                used_name: None,
                given_names: "Paul".into(),
                sex: Sex::M,
                birth_date: NaiveDate::from_ymd_opt(1950, 3, 14).expect("date"),
                birth_place_code: None,
                nir: None,
                phone: "06 12 34 56 78".into(),
                address: None,
                postal_code: Some("28000".into()),
                commune: "Chartres".into(),
                treating_doctor: None,
                coverage: Coverage::default(),
                weight_kg: None,
            })
            .expect("patient");
        let consultation = station
            .submit_intake(&IntakeInput {
                patient_id: patient.id.clone(),
                complaint: "Toux et fièvre".into(),
                answers: Answers {
                    abdominal_pain: Some(false),
                    technical_gesture: Some(false),
                    emergency_signs: Some(false),
                },
                priority: PriorityCriteria::default(),
                consent: true,
            })
            .expect("intake");
        Fixture {
            _dir: dir,
            station,
            patient_id: patient.id,
            consultation_id: consultation.id,
        }
    }

    fn input(f: &Fixture, reading: Reading, confirm: bool) -> ReadingInput {
        ReadingInput {
            patient_id: f.patient_id.clone(),
            consultation_id: Some(f.consultation_id.clone()),
            reading,
            confirm_unusual: confirm,
        }
    }

    #[test]
    fn manual_readings_are_checked_recorded_and_listed() {
        let f = fixture();
        let ok = f
            .station
            .record_reading(&input(&f, Reading::Temperature { celsius: 37.8 }, false))
            .expect("plausible");
        assert_eq!(ok.display, "37,8 °C");
        assert_eq!((ok.kind.as_str(), ok.unit.as_str()), ("temperature", "°C"));
        assert_eq!(ok.source, "manual");
        assert!(!ok.confirmed_unusual && ok.unusual.is_none());

        // Implausible: refused on its field, with the range; nothing stored.
        let e = f
            .station
            .record_reading(&input(&f, Reading::SpO2 { percent: 40.0 }, true))
            .expect_err("implausible");
        assert_eq!(e.code, "SPO2_RANGE");
        assert_eq!(e.field.as_deref(), Some("percent"));
        assert!(e.message.contains("entre 50 et 100 %"), "{}", e.message);

        // Unusual: confirmation asked, then recorded as confirmed.
        let low = Reading::SpO2 { percent: 89.0 };
        let e = f
            .station
            .record_reading(&input(&f, low, false))
            .expect_err("confirmation");
        assert_eq!(e.code, "CONFIRMATION_REQUIRED");
        assert_eq!(e.fields[0].code, "SPO2_LOW");
        assert!(e.message.contains("confirmez"), "{}", e.message);
        let confirmed = f
            .station
            .record_reading(&input(&f, low, true))
            .expect("confirmed");
        assert!(confirmed.confirmed_unusual);
        assert_eq!(
            confirmed.unusual.map(|u| u.code).as_deref(),
            Some("SPO2_LOW")
        );

        let listed = f
            .station
            .consultation_readings(&f.consultation_id)
            .expect("list");
        assert_eq!(listed.len(), 2);
        assert_eq!(listed[0].id, ok.id);
        assert_eq!(listed[1].display, "89 %");
        let trend = f.station.patient_trend(&f.patient_id, 5).expect("trend");
        let kinds: Vec<&str> = trend.iter().map(|s| s.kind.as_str()).collect();
        assert_eq!(kinds, vec!["spO2", "temperature"]);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn device_readings_reach_the_open_patient_and_errors_are_refused() {
        let f = fixture();
        let calls = Calls::new(
            Arc::clone(&f.station),
            MediaSource::synthetic(),
            Arc::new(NoCall),
        );
        let events = Arc::new(Events::default());
        let readings = Readings::new(Arc::clone(&f.station), calls, events.clone());
        let sim = SimulatedCentral::new();
        let cuff = "C0:FF:EE:00:00:01";
        sim.add_device(cuff, "Tensiomètre simulé", InstrumentKind::BloodPressure);
        readings
            .start_devices(
                sim.clone(),
                PairedDevices::in_memory(vec![PairedDevice {
                    id: cuff.into(),
                    name: None,
                    kind: InstrumentKind::BloodPressure,
                }]),
                Backoff {
                    initial: Duration::from_millis(20),
                    max: Duration::from_millis(100),
                },
            )
            .await
            .expect("devices");
        assert!(sim.wait_ready(cuff, Duration::from_secs(5)).await);
        readings.set_target(&f.patient_id, Some(&f.consultation_id));
        assert!(sim.measure(cuff, examples::BP_CUFF_ERROR));
        assert!(sim.measure(cuff, examples::BP_FULL));
        let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
        loop {
            let recorded = locked(&events.0)
                .iter()
                .filter(|e| matches!(e, ReadingsEvent::Recorded { .. }))
                .count();
            if recorded == 2 || tokio::time::Instant::now() > deadline {
                break;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        let listed = f
            .station
            .consultation_readings(&f.consultation_id)
            .expect("list");
        let shown: Vec<(&str, &str)> = listed
            .iter()
            .map(|r| (r.display.as_str(), r.source.as_str()))
            .collect();
        assert_eq!(shown, vec![("128/82 mmHg", cuff), ("72 /min", cuff)]);
        assert!(listed.iter().all(|r| !r.pushed));
        let refused: Vec<String> = locked(&events.0)
            .iter()
            .filter_map(|e| match e {
                ReadingsEvent::Refused { code, .. } => Some(code.clone()),
                _ => None,
            })
            .collect();
        assert_eq!(refused, vec!["DEVICE_MEASUREMENT_ERROR".to_string()]);
        // The cuff stays paired after an error measurement (connected, or asleep and being
        // looked for again: a real cuff drops the link between measurements).
        let view = readings.devices();
        assert!(view.available);
        assert_eq!(view.paired.len(), 1);
        assert_eq!(view.paired[0].id, cuff);
    }

    #[test]
    fn implausible_is_refused_on_its_field_with_the_range() {
        let e = plausibility(&Reading::Temperature { celsius: 47.0 }).expect_err("refused");
        assert_eq!(e.code, "TEMPERATURE_RANGE");
        assert_eq!(e.field.as_deref(), Some("celsius"));
        assert!(e.message.contains("entre 30 et 45 °C"), "{}", e.message);
        let e = plausibility(&Reading::BloodPressure {
            systolic: 120.0,
            diastolic: 130.0,
        })
        .expect_err("refused");
        assert_eq!(e.code, "DIASTOLIC_NOT_BELOW_SYSTOLIC");
        assert_eq!(e.field.as_deref(), Some("diastolic"));
    }

    #[test]
    fn unusual_and_plausible() {
        let u = plausibility(&Reading::SpO2 { percent: 89.0 })
            .expect("possible")
            .expect("unusual");
        assert_eq!(u.code, "SPO2_LOW");
        assert_eq!(
            plausibility(&Reading::Pulse { bpm: 72.0 }).expect("ok"),
            None
        );
    }

    #[test]
    fn kinds_and_units_match_the_serde_tags() {
        for reading in [
            Reading::BloodPressure {
                systolic: 120.0,
                diastolic: 80.0,
            },
            Reading::Pulse { bpm: 60.0 },
            Reading::SpO2 { percent: 97.0 },
            Reading::Temperature { celsius: 37.0 },
            Reading::Weight { kg: 70.0 },
            Reading::Glycaemia { g_per_l: 1.0 },
        ] {
            let json = serde_json::to_value(reading).expect("json");
            assert_eq!(json["kind"], kind_and_unit(&reading).0);
        }
    }
}
