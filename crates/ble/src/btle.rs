//! The real radio: [`Central`] over btleplug 0.11 (BlueZ through D-Bus on Linux).
//!
//! Peripherals are known by their address (`AA:BB:CC:DD:EE:FF`). Bonding is the OS's
//! business (btleplug leaves it to BlueZ): a cuff that needs a passkey is paired once with
//! the system's Bluetooth settings. Disconnections arrive as adapter events, which this
//! central forwards per peripheral. Subscribing lets BlueZ write the CCCD for notifications
//! or indications, whichever the characteristic supports.
use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};

use async_trait::async_trait;
use btleplug::api::{
    Central as _, CentralEvent as BtEvent, Manager as _, Peripheral as _, ScanFilter,
};
use btleplug::platform::{Adapter, Manager as BtManager, Peripheral, PeripheralId};
use futures_util::StreamExt;
use tokio::sync::broadcast;
use tokio::task::JoinHandle;

use crate::central::{short_uuid, uuid_from_u16, BleError, Central, CentralEvent, PeripheralInfo};

fn stack(e: btleplug::Error) -> BleError {
    match e {
        btleplug::Error::DeviceNotFound => BleError::UnknownDevice(String::new()),
        btleplug::Error::NotConnected | btleplug::Error::TimedOut(_) => {
            BleError::Unreachable(String::new())
        }
        other => BleError::Stack(other.to_string()),
    }
}

#[derive(Default)]
struct Known {
    /// Address → btleplug id.
    ids: HashMap<String, PeripheralId>,
    /// btleplug id → address.
    addresses: HashMap<PeripheralId, String>,
    /// Notification pumps, one per connected peripheral.
    pumps: HashMap<String, JoinHandle<()>>,
}

/// The station's Bluetooth adapter through btleplug.
pub struct BtleplugCentral {
    adapter: Adapter,
    known: Arc<Mutex<Known>>,
    events: broadcast::Sender<CentralEvent>,
    adapter_task: JoinHandle<()>,
}

fn lock(known: &Mutex<Known>) -> MutexGuard<'_, Known> {
    known.lock().unwrap_or_else(|p| p.into_inner())
}

async fn info_of(peripheral: &Peripheral) -> Option<PeripheralInfo> {
    let props = peripheral.properties().await.ok().flatten()?;
    Some(PeripheralInfo {
        id: props.address.to_string(),
        name: props.local_name,
        services: props.services.into_iter().filter_map(short_uuid).collect(),
    })
}

impl BtleplugCentral {
    /// The first Bluetooth adapter of the station. Must be called inside a tokio runtime.
    ///
    /// # Errors
    ///
    /// [`BleError::NoAdapter`] without an adapter (or without BlueZ / D-Bus).
    pub async fn first_adapter() -> Result<Self, BleError> {
        let manager = BtManager::new().await.map_err(|_| BleError::NoAdapter)?;
        let adapter = manager
            .adapters()
            .await
            .map_err(|_| BleError::NoAdapter)?
            .into_iter()
            .next()
            .ok_or(BleError::NoAdapter)?;
        let mut stream = adapter.events().await.map_err(stack)?;
        let (events, _) = broadcast::channel(256);
        let known = Arc::new(Mutex::new(Known::default()));
        let adapter_task = {
            let adapter = adapter.clone();
            let known = Arc::clone(&known);
            let events = events.clone();
            tokio::spawn(async move {
                while let Some(event) = stream.next().await {
                    let forwarded = match event {
                        BtEvent::DeviceDiscovered(id) | BtEvent::DeviceUpdated(id) => {
                            let Ok(peripheral) = adapter.peripheral(&id).await else {
                                continue;
                            };
                            let Some(info) = info_of(&peripheral).await else {
                                continue;
                            };
                            let mut k = lock(&known);
                            k.ids.insert(info.id.clone(), id.clone());
                            k.addresses.insert(id, info.id.clone());
                            CentralEvent::Discovered(info)
                        }
                        BtEvent::DeviceConnected(id) => match lock(&known).addresses.get(&id) {
                            Some(address) => CentralEvent::Connected(address.clone()),
                            None => continue,
                        },
                        BtEvent::DeviceDisconnected(id) => {
                            let mut k = lock(&known);
                            let Some(address) = k.addresses.get(&id).cloned() else {
                                continue;
                            };
                            if let Some(pump) = k.pumps.remove(&address) {
                                pump.abort();
                            }
                            CentralEvent::Disconnected(address)
                        }
                        _ => continue,
                    };
                    let _ = events.send(forwarded);
                }
            })
        };
        Ok(Self {
            adapter,
            known,
            events,
            adapter_task,
        })
    }

    async fn peripheral(&self, id: &str) -> Result<Peripheral, BleError> {
        let pid = lock(&self.known)
            .ids
            .get(id)
            .cloned()
            .ok_or_else(|| BleError::UnknownDevice(id.to_string()))?;
        self.adapter
            .peripheral(&pid)
            .await
            .map_err(|_| BleError::UnknownDevice(id.to_string()))
    }
}

impl Drop for BtleplugCentral {
    fn drop(&mut self) {
        self.adapter_task.abort();
        for (_, pump) in lock(&self.known).pumps.drain() {
            pump.abort();
        }
    }
}

#[async_trait]
impl Central for BtleplugCentral {
    fn events(&self) -> broadcast::Receiver<CentralEvent> {
        self.events.subscribe()
    }

    async fn start_scan(&self, services: &[u16]) -> Result<(), BleError> {
        let filter = ScanFilter {
            services: services.iter().map(|s| uuid_from_u16(*s)).collect(),
        };
        self.adapter.start_scan(filter).await.map_err(stack)
    }

    async fn stop_scan(&self) -> Result<(), BleError> {
        self.adapter.stop_scan().await.map_err(stack)
    }

    async fn connect(&self, id: &str) -> Result<(), BleError> {
        let peripheral = self.peripheral(id).await?;
        if peripheral.is_connected().await.unwrap_or(false) {
            return Ok(());
        }
        peripheral
            .connect()
            .await
            .map_err(|_| BleError::Unreachable(id.to_string()))
    }

    async fn discover(&self, id: &str) -> Result<Vec<u16>, BleError> {
        let peripheral = self.peripheral(id).await?;
        peripheral
            .discover_services()
            .await
            .map_err(|_| BleError::Unreachable(id.to_string()))?;
        Ok(peripheral
            .services()
            .into_iter()
            .filter_map(|s| short_uuid(s.uuid))
            .collect())
    }

    async fn subscribe(&self, id: &str, characteristic: u16) -> Result<(), BleError> {
        let peripheral = self.peripheral(id).await?;
        let uuid = uuid_from_u16(characteristic);
        let wanted = peripheral
            .characteristics()
            .into_iter()
            .find(|c| c.uuid == uuid)
            .ok_or_else(|| BleError::MissingCharacteristic {
                id: id.to_string(),
                characteristic,
            })?;
        let mut notifications = peripheral.notifications().await.map_err(stack)?;
        peripheral
            .subscribe(&wanted)
            .await
            .map_err(|_| BleError::Unreachable(id.to_string()))?;
        let events = self.events.clone();
        let address = id.to_string();
        let pump = tokio::spawn(async move {
            while let Some(n) = notifications.next().await {
                let Some(characteristic) = short_uuid(n.uuid) else {
                    continue;
                };
                let _ = events.send(CentralEvent::Notification {
                    id: address.clone(),
                    characteristic,
                    value: n.value,
                });
            }
        });
        if let Some(old) = lock(&self.known).pumps.insert(id.to_string(), pump) {
            old.abort();
        }
        Ok(())
    }

    async fn disconnect(&self, id: &str) -> Result<(), BleError> {
        if let Some(pump) = lock(&self.known).pumps.remove(id) {
            pump.abort();
        }
        let peripheral = self.peripheral(id).await?;
        if peripheral.is_connected().await.unwrap_or(false) {
            peripheral.disconnect().await.map_err(stack)?;
        }
        Ok(())
    }
}
