//! Simulated instruments behind the [`Central`] trait, for tests and the station's demo mode.
//!
//! A simulated device advertises its service while awake, accepts a connection, lets the
//! manager subscribe to its measurement characteristic, and sends whatever bytes the test
//! gives it (the example packets of `relais_peripherals::examples`, cuff errors included).
//! [`SimulatedCentral::sleep`] drops its connection and stops it answering, as a cuff does
//! between two measurements; [`SimulatedCentral::wake`] makes it advertise again.
use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use async_trait::async_trait;
use tokio::sync::broadcast;

use crate::central::{BleError, Central, CentralEvent, PeripheralInfo};
use crate::instrument::InstrumentKind;

struct Device {
    info: PeripheralInfo,
    kind: InstrumentKind,
    awake: bool,
    connected: bool,
    subscribed: HashSet<u16>,
    connections: u32,
}

#[derive(Default)]
struct State {
    scanning: Option<Vec<u16>>,
    devices: HashMap<String, Device>,
}

/// A central whose peripherals are simulated instruments.
pub struct SimulatedCentral {
    state: Mutex<State>,
    events: broadcast::Sender<CentralEvent>,
}

impl std::fmt::Debug for SimulatedCentral {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SimulatedCentral").finish_non_exhaustive()
    }
}

impl SimulatedCentral {
    /// A central with no device yet.
    #[must_use]
    pub fn new() -> Arc<Self> {
        let (events, _) = broadcast::channel(256);
        Arc::new(Self {
            state: Mutex::new(State::default()),
            events,
        })
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn emit(&self, event: CentralEvent) {
        // No receiver is not an error: nobody listens yet.
        let _ = self.events.send(event);
    }

    /// Adds an awake device of profile `kind`; it advertises at once if a scan runs.
    pub fn add_device(&self, id: &str, name: &str, kind: InstrumentKind) {
        let info = PeripheralInfo {
            id: id.to_string(),
            name: Some(name.to_string()),
            services: vec![kind.service(), 0x180A],
        };
        let advertise = {
            let mut st = self.lock();
            st.devices.insert(
                id.to_string(),
                Device {
                    info: info.clone(),
                    kind,
                    awake: true,
                    connected: false,
                    subscribed: HashSet::new(),
                    connections: 0,
                },
            );
            scan_matches(&st, &info)
        };
        if advertise {
            self.emit(CentralEvent::Discovered(info));
        }
    }

    /// The device sends `value` on its measurement characteristic. Returns whether it went
    /// out (connected and subscribed), as a real device would lose it otherwise.
    pub fn measure(&self, id: &str, value: &[u8]) -> bool {
        let characteristic = {
            let st = self.lock();
            match st.devices.get(id) {
                Some(d) if d.connected && d.subscribed.contains(&d.kind.measurement()) => {
                    d.kind.measurement()
                }
                _ => return false,
            }
        };
        self.emit(CentralEvent::Notification {
            id: id.to_string(),
            characteristic,
            value: value.to_vec(),
        });
        true
    }

    /// The device goes to sleep: its connection drops and it stops answering.
    pub fn sleep(&self, id: &str) {
        let dropped = {
            let mut st = self.lock();
            match st.devices.get_mut(id) {
                Some(d) => {
                    d.awake = false;
                    d.subscribed.clear();
                    std::mem::replace(&mut d.connected, false)
                }
                None => false,
            }
        };
        if dropped {
            self.emit(CentralEvent::Disconnected(id.to_string()));
        }
    }

    /// The device wakes up (the nurse pressed its button) and advertises again.
    pub fn wake(&self, id: &str) {
        let info = {
            let mut st = self.lock();
            let info = match st.devices.get_mut(id) {
                Some(d) => {
                    d.awake = true;
                    d.info.clone()
                }
                None => return,
            };
            scan_matches(&st, &info).then_some(info)
        };
        if let Some(info) = info {
            self.emit(CentralEvent::Discovered(info));
        }
    }

    /// Whether the device is connected and subscribed to its measurement.
    #[must_use]
    pub fn is_ready(&self, id: &str) -> bool {
        self.lock()
            .devices
            .get(id)
            .is_some_and(|d| d.connected && d.subscribed.contains(&d.kind.measurement()))
    }

    /// How many connections the device accepted so far.
    #[must_use]
    pub fn connections(&self, id: &str) -> u32 {
        self.lock().devices.get(id).map_or(0, |d| d.connections)
    }

    /// Waits until the device is connected and subscribed, up to `timeout`.
    pub async fn wait_ready(&self, id: &str, timeout: Duration) -> bool {
        let deadline = tokio::time::Instant::now() + timeout;
        while tokio::time::Instant::now() < deadline {
            if self.is_ready(id) {
                return true;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        self.is_ready(id)
    }

    /// Demo mode: every `period`, each ready device sends its profile's example measurement,
    /// then sleeps for a while and wakes up, for ever. For the station without a radio.
    pub fn run_demo(self: &Arc<Self>, period: Duration) -> tokio::task::JoinHandle<()> {
        let sim = Arc::clone(self);
        tokio::spawn(async move {
            loop {
                tokio::time::sleep(period).await;
                let ids: Vec<(String, InstrumentKind)> = sim
                    .lock()
                    .devices
                    .iter()
                    .map(|(id, d)| (id.clone(), d.kind))
                    .collect();
                for (id, kind) in ids {
                    if sim.measure(&id, example(kind)) {
                        sim.sleep(&id);
                        let sim = Arc::clone(&sim);
                        tokio::spawn(async move {
                            tokio::time::sleep(period / 2).await;
                            sim.wake(&id);
                        });
                    }
                }
            }
        })
    }
}

/// The example measurement of a profile (`relais_peripherals::examples`).
#[must_use]
pub fn example(kind: InstrumentKind) -> &'static [u8] {
    use relais_peripherals::examples;
    match kind {
        InstrumentKind::BloodPressure => examples::BP_FULL,
        InstrumentKind::PulseOximeter => examples::PLX_FULL,
        InstrumentKind::Thermometer => examples::TEMP_FULL,
    }
}

fn scan_matches(st: &State, info: &PeripheralInfo) -> bool {
    st.scanning.as_ref().is_some_and(|services| {
        services.is_empty() || info.services.iter().any(|s| services.contains(s))
    })
}

#[async_trait]
impl Central for SimulatedCentral {
    fn events(&self) -> broadcast::Receiver<CentralEvent> {
        self.events.subscribe()
    }

    async fn start_scan(&self, services: &[u16]) -> Result<(), BleError> {
        let seen: Vec<PeripheralInfo> = {
            let mut st = self.lock();
            st.scanning = Some(services.to_vec());
            st.devices
                .values()
                .filter(|d| d.awake && !d.connected)
                .map(|d| d.info.clone())
                .filter(|info| scan_matches(&st, info))
                .collect()
        };
        for info in seen {
            self.emit(CentralEvent::Discovered(info));
        }
        Ok(())
    }

    async fn stop_scan(&self) -> Result<(), BleError> {
        self.lock().scanning = None;
        Ok(())
    }

    async fn connect(&self, id: &str) -> Result<(), BleError> {
        {
            let mut st = self.lock();
            let d = st
                .devices
                .get_mut(id)
                .ok_or_else(|| BleError::UnknownDevice(id.to_string()))?;
            if !d.awake {
                return Err(BleError::Unreachable(id.to_string()));
            }
            if d.connected {
                return Ok(());
            }
            d.connected = true;
            d.connections += 1;
        }
        self.emit(CentralEvent::Connected(id.to_string()));
        Ok(())
    }

    async fn discover(&self, id: &str) -> Result<Vec<u16>, BleError> {
        let st = self.lock();
        let d = st
            .devices
            .get(id)
            .ok_or_else(|| BleError::UnknownDevice(id.to_string()))?;
        if !d.connected {
            return Err(BleError::Unreachable(id.to_string()));
        }
        Ok(d.info.services.clone())
    }

    async fn subscribe(&self, id: &str, characteristic: u16) -> Result<(), BleError> {
        let mut st = self.lock();
        let d = st
            .devices
            .get_mut(id)
            .ok_or_else(|| BleError::UnknownDevice(id.to_string()))?;
        if !d.connected {
            return Err(BleError::Unreachable(id.to_string()));
        }
        if characteristic != d.kind.measurement() {
            return Err(BleError::MissingCharacteristic {
                id: id.to_string(),
                characteristic,
            });
        }
        d.subscribed.insert(characteristic);
        Ok(())
    }

    async fn disconnect(&self, id: &str) -> Result<(), BleError> {
        let dropped = {
            let mut st = self.lock();
            match st.devices.get_mut(id) {
                Some(d) => {
                    d.subscribed.clear();
                    std::mem::replace(&mut d.connected, false)
                }
                None => false,
            }
        };
        if dropped {
            self.emit(CentralEvent::Disconnected(id.to_string()));
        }
        Ok(())
    }
}
