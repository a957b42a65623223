//! The devices this station paired with, remembered in a JSON file of the station.
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::instrument::InstrumentKind;

/// A device the nurse chose for this station.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PairedDevice {
    /// The peripheral's id (its address).
    pub id: String,
    /// Its advertised name when it was paired.
    pub name: Option<String>,
    /// Its profile.
    pub kind: InstrumentKind,
}

/// The paired devices, saved to a file after each change when it has one.
#[derive(Debug, Clone, Default)]
pub struct PairedDevices {
    path: Option<PathBuf>,
    devices: Vec<PairedDevice>,
}

/// The file cannot be written or read (French message).
#[derive(Debug, thiserror::Error)]
#[error("La liste des appareils Bluetooth de ce poste n’a pas pu être enregistrée ou lue ({0}).")]
pub struct PairedFileError(String);

impl PairedFileError {
    /// Stable machine code.
    #[must_use]
    pub fn code(&self) -> &'static str {
        "BLE_PAIRED_FILE"
    }
}

impl PairedDevices {
    /// An in-memory list (tests).
    #[must_use]
    pub fn in_memory(devices: Vec<PairedDevice>) -> Self {
        Self {
            path: None,
            devices,
        }
    }

    /// The list saved at `path` (empty if the file does not exist yet).
    ///
    /// # Errors
    ///
    /// The file exists but cannot be read or parsed.
    pub fn load(path: &Path) -> Result<Self, PairedFileError> {
        let devices = match std::fs::read(path) {
            Ok(bytes) => serde_json::from_slice(&bytes)
                .map_err(|e| PairedFileError(format!("format: {e}")))?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Vec::new(),
            Err(e) => return Err(PairedFileError(e.kind().to_string())),
        };
        Ok(Self {
            path: Some(path.to_path_buf()),
            devices,
        })
    }

    /// The devices, in the order they were paired.
    #[must_use]
    pub fn devices(&self) -> &[PairedDevice] {
        &self.devices
    }

    /// The paired device with this id.
    #[must_use]
    pub fn get(&self, id: &str) -> Option<&PairedDevice> {
        self.devices.iter().find(|d| d.id == id)
    }

    /// Adds (or replaces) a device and saves.
    ///
    /// # Errors
    ///
    /// The file cannot be written (the list in memory is changed anyway).
    pub fn add(&mut self, device: PairedDevice) -> Result<(), PairedFileError> {
        self.devices.retain(|d| d.id != device.id);
        self.devices.push(device);
        self.save()
    }

    /// Forgets a device and saves.
    ///
    /// # Errors
    ///
    /// The file cannot be written.
    pub fn remove(&mut self, id: &str) -> Result<(), PairedFileError> {
        self.devices.retain(|d| d.id != id);
        self.save()
    }

    fn save(&self) -> Result<(), PairedFileError> {
        let Some(path) = &self.path else {
            return Ok(());
        };
        let json =
            serde_json::to_vec_pretty(&self.devices).map_err(|e| PairedFileError(e.to_string()))?;
        let tmp = path.with_extension("tmp");
        std::fs::write(&tmp, json).map_err(|e| PairedFileError(e.kind().to_string()))?;
        std::fs::rename(&tmp, path).map_err(|e| PairedFileError(e.kind().to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn saved_then_loaded_again() {
        let dir = tempfile::tempdir().expect("tmp");
        let path = dir.path().join("ble-devices.json");
        let mut list = PairedDevices::load(&path).expect("empty");
        assert!(list.devices().is_empty());
        let cuff = PairedDevice {
            id: "AA:BB:CC:00:00:01".into(),
            name: Some("UA-651BLE".into()),
            kind: InstrumentKind::BloodPressure,
        };
        list.add(cuff.clone()).expect("add");
        list.add(cuff.clone()).expect("add twice");
        let again = PairedDevices::load(&path).expect("load");
        assert_eq!(again.devices(), &[cuff]);
        list.remove("AA:BB:CC:00:00:01").expect("remove");
        assert!(PairedDevices::load(&path)
            .expect("load")
            .devices()
            .is_empty());
        std::fs::write(&path, b"{").expect("write");
        assert_eq!(
            PairedDevices::load(&path).expect_err("bad").code(),
            "BLE_PAIRED_FILE"
        );
    }
}
