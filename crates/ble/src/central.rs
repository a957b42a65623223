//! The BLE central as the manager sees it: a trait over the radio.
use async_trait::async_trait;
use serde::Serialize;
use tokio::sync::broadcast;
use uuid::Uuid;

/// The 128-bit UUID of a 16-bit Bluetooth SIG UUID (base 0000xxxx-0000-1000-8000-00805F9B34FB).
#[must_use]
pub const fn uuid_from_u16(short: u16) -> Uuid {
    Uuid::from_fields(
        short as u32,
        0x0000,
        0x1000,
        &[0x80, 0x00, 0x00, 0x80, 0x5F, 0x9B, 0x34, 0xFB],
    )
}

/// The 16-bit SIG UUID of a 128-bit one, if it is on the SIG base.
#[must_use]
pub fn short_uuid(uuid: Uuid) -> Option<u16> {
    let (high, _, _, _) = uuid.as_fields();
    let short = u16::try_from(high).ok()?;
    (uuid_from_u16(short) == uuid).then_some(short)
}

/// A peripheral seen by a scan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PeripheralInfo {
    /// Stable id of the peripheral on this station (its address on Linux).
    pub id: String,
    /// Advertised name, if any.
    pub name: Option<String>,
    /// Advertised or discovered services (16-bit SIG UUIDs only).
    pub services: Vec<u16>,
}

/// What the central reports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CentralEvent {
    /// A peripheral advertised (first seen, or seen again after sleeping).
    Discovered(PeripheralInfo),
    /// A connection is up.
    Connected(String),
    /// A connection dropped (the device went to sleep, out of range, switched off).
    Disconnected(String),
    /// A notification or indication of a subscribed characteristic.
    Notification {
        /// The peripheral's id.
        id: String,
        /// The characteristic (16-bit SIG UUID).
        characteristic: u16,
        /// The value as sent.
        value: Vec<u8>,
    },
}

/// A failure of the radio or of a peripheral: stable code, French message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum BleError {
    /// No Bluetooth adapter on this station, or it is off.
    #[error("Aucun adaptateur Bluetooth disponible sur ce poste (absent ou éteint).")]
    NoAdapter,
    /// The peripheral is not known to the central (never seen by a scan).
    #[error("Appareil Bluetooth inconnu : {0}.")]
    UnknownDevice(String),
    /// The peripheral did not answer (asleep, out of range).
    #[error("L’appareil Bluetooth {0} ne répond pas (en veille ou hors de portée).")]
    Unreachable(String),
    /// The peripheral lacks the characteristic to subscribe to.
    #[error(
        "L’appareil Bluetooth {id} ne propose pas la mesure attendue (0x{characteristic:04X})."
    )]
    MissingCharacteristic {
        /// The peripheral's id.
        id: String,
        /// The characteristic looked for.
        characteristic: u16,
    },
    /// Any other failure of the Bluetooth stack (detail for logs, no health data).
    #[error("Erreur Bluetooth : {0}.")]
    Stack(String),
}

impl BleError {
    /// Stable machine code.
    #[must_use]
    pub fn code(&self) -> &'static str {
        match self {
            Self::NoAdapter => "BLE_NO_ADAPTER",
            Self::UnknownDevice(_) => "BLE_UNKNOWN_DEVICE",
            Self::Unreachable(_) => "BLE_UNREACHABLE",
            Self::MissingCharacteristic { .. } => "BLE_MISSING_CHARACTERISTIC",
            Self::Stack(_) => "BLE_STACK",
        }
    }
}

/// A BLE central: scan, connect, discover, subscribe, and a stream of what happens.
///
/// Pairing and bonding are left to the OS (BlueZ); the central connects to an address.
#[async_trait]
pub trait Central: Send + Sync + 'static {
    /// Subscribes to the central's events; call it before `start_scan` so nothing is missed.
    fn events(&self) -> broadcast::Receiver<CentralEvent>;
    /// Starts scanning for peripherals that advertise any of `services` (16-bit UUIDs).
    async fn start_scan(&self, services: &[u16]) -> Result<(), BleError>;
    /// Stops scanning.
    async fn stop_scan(&self) -> Result<(), BleError>;
    /// Connects to a peripheral seen by a scan.
    async fn connect(&self, id: &str) -> Result<(), BleError>;
    /// Discovers the services of a connected peripheral; returns their 16-bit UUIDs.
    async fn discover(&self, id: &str) -> Result<Vec<u16>, BleError>;
    /// Subscribes to notifications or indications of a characteristic (the stack writes the
    /// CCCD for indications when the characteristic only indicates, as 0x2A35 does).
    async fn subscribe(&self, id: &str, characteristic: u16) -> Result<(), BleError>;
    /// Disconnects a peripheral (no error if it is not connected).
    async fn disconnect(&self, id: &str) -> Result<(), BleError>;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sig_uuids_round_trip() {
        let uuid = uuid_from_u16(0x2A35);
        assert_eq!(uuid.to_string(), "00002a35-0000-1000-8000-00805f9b34fb");
        assert_eq!(short_uuid(uuid), Some(0x2A35));
        assert_eq!(short_uuid(Uuid::nil()), None);
    }

    #[test]
    fn error_codes_are_stable() {
        assert_eq!(BleError::NoAdapter.code(), "BLE_NO_ADAPTER");
        assert!(BleError::Unreachable("x".into())
            .to_string()
            .contains("veille"));
    }
}
