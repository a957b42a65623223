//! The manager of the station's instruments: scan, pair, subscribe, decode, reconnect.
//!
//! It scans for the three health services for as long as it runs. A device the station
//! paired with is connected as soon as it advertises; its measurement characteristic is
//! subscribed to (indications for 0x2A35, 0x2A5E and 0x2A1C); each measurement is decoded
//! ([`crate::instrument::decode`]) and reported, or dropped with its reason. Cuffs and
//! thermometers sleep between measurements: the connection drops, the device is marked
//! `reconnecting`, and the manager tries again with a growing delay ([`Backoff`]) and at
//! once when the device advertises again.
use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use serde::Serialize;
use tokio::sync::{broadcast, mpsc};
use tokio::task::JoinHandle;

use crate::central::{BleError, Central, CentralEvent, PeripheralInfo};
use crate::instrument::{self, Decoded, InstrumentKind};
use crate::paired::{PairedDevice, PairedDevices};

/// Delays between reconnection attempts: `initial`, doubled each failure, up to `max`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Backoff {
    /// First delay after a drop or a failed attempt.
    pub initial: Duration,
    /// Longest delay.
    pub max: Duration,
}

impl Default for Backoff {
    fn default() -> Self {
        Self {
            initial: Duration::from_millis(500),
            max: Duration::from_secs(30),
        }
    }
}

/// What a paired device is doing, as the nurse sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum DeviceState {
    /// Waiting for it to advertise (switched off or asleep, never seen yet).
    Searching,
    /// Connecting and subscribing.
    Connecting,
    /// Connected and subscribed: measurements will arrive.
    Connected,
    /// The connection dropped (asleep between measurements): trying again.
    Reconnecting,
}

/// A paired device and its state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DeviceStatus {
    /// The device's id.
    pub id: String,
    /// Its name.
    pub name: Option<String>,
    /// Its profile.
    pub kind: InstrumentKind,
    /// Its state.
    pub state: DeviceState,
    /// Code of the last failure (connection or measurement), if any.
    pub last_error: Option<String>,
}

/// What the manager reports.
#[derive(Debug, Clone, PartialEq)]
pub enum ManagerEvent {
    /// A paired device changed state.
    Status(DeviceStatus),
    /// An unpaired instrument advertised: the nurse may pair it.
    Candidate(PeripheralInfo),
    /// A measurement of a paired device, decoded.
    Measurement {
        /// The device.
        device: PairedDevice,
        /// Its readings.
        decoded: Decoded,
    },
    /// A measurement of a paired device was dropped (never a reading).
    Dropped {
        /// The device.
        device: PairedDevice,
        /// Stable code (`DEVICE_MEASUREMENT_ERROR`…).
        code: &'static str,
        /// French message.
        message: String,
    },
}

enum Signal {
    Disconnected,
    Advertised,
}

struct Worker {
    signals: mpsc::UnboundedSender<Signal>,
    task: JoinHandle<()>,
}

struct Shared {
    paired: PairedDevices,
    statuses: HashMap<String, DeviceStatus>,
    candidates: HashMap<String, PeripheralInfo>,
    workers: HashMap<String, Worker>,
}

struct Inner {
    central: Arc<dyn Central>,
    backoff: Backoff,
    shared: Mutex<Shared>,
    out: mpsc::UnboundedSender<ManagerEvent>,
}

impl Inner {
    fn lock(&self) -> MutexGuard<'_, Shared> {
        self.shared.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn emit(&self, event: ManagerEvent) {
        // The receiver gone means the station is closing: nothing to report to.
        let _ = self.out.send(event);
    }

    fn set_state(&self, id: &str, state: DeviceState, error: Option<&str>) {
        let status = {
            let mut shared = self.lock();
            let Some(status) = shared.statuses.get_mut(id) else {
                return;
            };
            status.state = state;
            if let Some(code) = error {
                status.last_error = Some(code.to_string());
            } else if state == DeviceState::Connected {
                status.last_error = None;
            }
            status.clone()
        };
        tracing::info!(device = id, state = ?state, "instrument state");
        self.emit(ManagerEvent::Status(status));
    }
}

/// Starts and stops the manager.
pub struct Manager;

/// The running manager: pair, forget, states; stops when dropped.
pub struct ManagerHandle {
    inner: Arc<Inner>,
    events_task: JoinHandle<()>,
}

impl Manager {
    /// Starts scanning with `central`, connects to the `paired` devices as they appear, and
    /// reports on the returned receiver. Must be called inside a tokio runtime.
    ///
    /// # Errors
    ///
    /// The scan cannot start (no adapter, adapter off).
    pub async fn start(
        central: Arc<dyn Central>,
        paired: PairedDevices,
        backoff: Backoff,
    ) -> Result<(ManagerHandle, mpsc::UnboundedReceiver<ManagerEvent>), BleError> {
        let (out, rx) = mpsc::unbounded_channel();
        let events = central.events();
        let devices = paired.devices().to_vec();
        let inner = Arc::new(Inner {
            central,
            backoff,
            shared: Mutex::new(Shared {
                paired,
                statuses: HashMap::new(),
                candidates: HashMap::new(),
                workers: HashMap::new(),
            }),
            out,
        });
        for device in devices {
            spawn_worker(&inner, device);
        }
        let events_task = tokio::spawn(pump(Arc::clone(&inner), events));
        inner
            .central
            .start_scan(&InstrumentKind::scan_services())
            .await?;
        Ok((ManagerHandle { inner, events_task }, rx))
    }
}

impl ManagerHandle {
    /// The paired devices and their states, in pairing order.
    #[must_use]
    pub fn statuses(&self) -> Vec<DeviceStatus> {
        let shared = self.inner.lock();
        shared
            .paired
            .devices()
            .iter()
            .filter_map(|d| shared.statuses.get(&d.id).cloned())
            .collect()
    }

    /// Instruments seen advertising that are not paired.
    #[must_use]
    pub fn candidates(&self) -> Vec<PeripheralInfo> {
        let shared = self.inner.lock();
        let mut list: Vec<PeripheralInfo> = shared
            .candidates
            .values()
            .filter(|c| shared.paired.get(&c.id).is_none())
            .cloned()
            .collect();
        list.sort_by(|a, b| a.id.cmp(&b.id));
        list
    }

    /// Pairs with an instrument seen advertising: remembered for this station, connected
    /// now and whenever it advertises.
    ///
    /// # Errors
    ///
    /// [`BleError::UnknownDevice`] if it was never seen or is not a supported instrument;
    /// [`BleError::Stack`] if the list of paired devices cannot be saved.
    pub fn pair(&self, id: &str) -> Result<DeviceStatus, BleError> {
        let device = {
            let mut shared = self.inner.lock();
            let info = shared
                .candidates
                .get(id)
                .cloned()
                .ok_or_else(|| BleError::UnknownDevice(id.to_string()))?;
            let kind = InstrumentKind::from_services(&info.services)
                .ok_or_else(|| BleError::UnknownDevice(id.to_string()))?;
            let device = PairedDevice {
                id: info.id.clone(),
                name: info.name.clone(),
                kind,
            };
            shared
                .paired
                .add(device.clone())
                .map_err(|e| BleError::Stack(e.to_string()))?;
            device
        };
        spawn_worker(&self.inner, device);
        self.inner
            .lock()
            .statuses
            .get(id)
            .cloned()
            .ok_or_else(|| BleError::UnknownDevice(id.to_string()))
    }

    /// Forgets a paired device and disconnects it.
    ///
    /// # Errors
    ///
    /// [`BleError::Stack`] if the list of paired devices cannot be saved.
    pub async fn forget(&self, id: &str) -> Result<(), BleError> {
        let worker = {
            let mut shared = self.inner.lock();
            shared.statuses.remove(id);
            shared
                .paired
                .remove(id)
                .map_err(|e| BleError::Stack(e.to_string()))?;
            shared.workers.remove(id)
        };
        if let Some(worker) = worker {
            worker.task.abort();
        }
        self.inner.central.disconnect(id).await
    }
}

impl Drop for ManagerHandle {
    fn drop(&mut self) {
        self.events_task.abort();
        for (_, worker) in self.inner.lock().workers.drain() {
            worker.task.abort();
        }
    }
}

fn spawn_worker(inner: &Arc<Inner>, device: PairedDevice) {
    let (signals, rx) = mpsc::unbounded_channel();
    let status = DeviceStatus {
        id: device.id.clone(),
        name: device.name.clone(),
        kind: device.kind,
        state: DeviceState::Searching,
        last_error: None,
    };
    let task = tokio::spawn(connection_loop(Arc::clone(inner), device.clone(), rx));
    let old = {
        let mut shared = inner.lock();
        shared.statuses.insert(device.id.clone(), status.clone());
        shared.workers.insert(device.id, Worker { signals, task })
    };
    if let Some(old) = old {
        old.task.abort();
    }
    inner.emit(ManagerEvent::Status(status));
}

/// Connects, discovers and subscribes.
async fn setup(central: &dyn Central, device: &PairedDevice) -> Result<(), BleError> {
    central.connect(&device.id).await?;
    let services = central.discover(&device.id).await?;
    if !services.contains(&device.kind.service()) {
        return Err(BleError::MissingCharacteristic {
            id: device.id.clone(),
            characteristic: device.kind.measurement(),
        });
    }
    central
        .subscribe(&device.id, device.kind.measurement())
        .await
}

/// One paired device: connect, stay until it drops, wait, try again.
async fn connection_loop(
    inner: Arc<Inner>,
    device: PairedDevice,
    mut signals: mpsc::UnboundedReceiver<Signal>,
) {
    let mut delay = inner.backoff.initial;
    let mut ever_connected = false;
    loop {
        // Signals from before this attempt are stale.
        while signals.try_recv().is_ok() {}
        inner.set_state(&device.id, DeviceState::Connecting, None);
        match setup(inner.central.as_ref(), &device).await {
            Ok(()) => {
                ever_connected = true;
                delay = inner.backoff.initial;
                inner.set_state(&device.id, DeviceState::Connected, None);
                // Stay until the connection drops.
                loop {
                    match signals.recv().await {
                        Some(Signal::Disconnected) => break,
                        Some(Signal::Advertised) => {}
                        None => return,
                    }
                }
                inner.set_state(&device.id, DeviceState::Reconnecting, None);
            }
            Err(e) => {
                // Best effort: a half-open connection would keep the device from advertising.
                let _ = inner.central.disconnect(&device.id).await;
                let state = if ever_connected {
                    DeviceState::Reconnecting
                } else {
                    DeviceState::Searching
                };
                inner.set_state(&device.id, state, Some(e.code()));
            }
        }
        // Wait for the delay, or less if the device advertises again.
        let wait = tokio::time::sleep(delay);
        tokio::pin!(wait);
        loop {
            tokio::select! {
                () = &mut wait => break,
                signal = signals.recv() => match signal {
                    Some(Signal::Advertised) => break,
                    Some(Signal::Disconnected) => {}
                    None => return,
                },
            }
        }
        delay = (delay * 2).min(inner.backoff.max);
    }
}

/// Routes the central's events: notifications to decoding, drops and advertisements to
/// the device's connection loop, unpaired instruments to the candidates.
async fn pump(inner: Arc<Inner>, mut events: broadcast::Receiver<CentralEvent>) {
    loop {
        let event = match events.recv().await {
            Ok(event) => event,
            Err(broadcast::error::RecvError::Lagged(n)) => {
                tracing::warn!(missed = n, "bluetooth events missed");
                continue;
            }
            Err(broadcast::error::RecvError::Closed) => return,
        };
        match event {
            CentralEvent::Discovered(info) => {
                let paired = {
                    let mut shared = inner.lock();
                    if shared.paired.get(&info.id).is_some() {
                        shared.workers.get(&info.id).map(|w| w.signals.clone())
                    } else {
                        if InstrumentKind::from_services(&info.services).is_some()
                            && shared
                                .candidates
                                .insert(info.id.clone(), info.clone())
                                .is_none()
                        {
                            drop(shared);
                            inner.emit(ManagerEvent::Candidate(info));
                        }
                        None
                    }
                };
                if let Some(tx) = paired {
                    let _ = tx.send(Signal::Advertised);
                }
            }
            CentralEvent::Disconnected(id) => {
                let tx = inner.lock().workers.get(&id).map(|w| w.signals.clone());
                if let Some(tx) = tx {
                    let _ = tx.send(Signal::Disconnected);
                }
            }
            CentralEvent::Connected(_) => {}
            CentralEvent::Notification {
                id,
                characteristic,
                value,
            } => {
                let Some(device) = inner.lock().paired.get(&id).cloned() else {
                    continue;
                };
                match instrument::decode(characteristic, &value) {
                    Ok(decoded) => {
                        tracing::info!(device = %id, "measurement received");
                        inner.emit(ManagerEvent::Measurement { device, decoded });
                    }
                    Err(dropped) => {
                        tracing::info!(device = %id, code = dropped.code(), "measurement dropped");
                        if let Some(status) = inner.lock().statuses.get_mut(&id) {
                            status.last_error = Some(dropped.code().to_string());
                        }
                        inner.emit(ManagerEvent::Dropped {
                            device,
                            code: dropped.code(),
                            message: dropped.to_string(),
                        });
                    }
                }
            }
        }
    }
}
