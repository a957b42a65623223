//! Relais BLE: the nurse's Bluetooth Low Energy instruments (cuff, oximeter, thermometer).
//!
//! Layers, from the radio up:
//!
//! - [`central::Central`]: what the station needs of a BLE central (scan, connect, discover,
//!   subscribe to notifications and indications, disconnect events), as a trait. Two
//!   implementations: `btle::BtleplugCentral` (btleplug 0.11 over BlueZ, cargo feature
//!   `bluetooth`) and [`sim::SimulatedCentral`], simulated instruments for tests that send
//!   the example packets of `relais_peripherals::examples`, sleep and wake up.
//! - [`instrument`]: the three profiles (services 0x1810, 0x1822, 0x1809), their measurement
//!   characteristics, and the decoding of a packet into `relais_core` readings, dropping
//!   error measurements (NaN and other special values, status bits that reject the value).
//! - [`manager::Manager`]: scans for the three services, connects to the devices the
//!   station paired ([`paired::PairedDevices`], remembered in a file), subscribes, decodes,
//!   and reconnects with a backoff when a device sleeps between measurements. It reports
//!   [`manager::ManagerEvent`]s: device states and readings.
//!
//! Invariants: no clinical rule here (conversions and plausibility are `relais_core`'s);
//! no wall clock (the caller stamps readings); nothing but ids and codes in logs.
#![forbid(unsafe_code)]

#[cfg(feature = "bluetooth")]
pub mod btle;
pub mod central;
pub mod instrument;
pub mod manager;
pub mod paired;
pub mod sim;

pub use central::{BleError, Central, CentralEvent, PeripheralInfo};
pub use instrument::{Decoded, InstrumentKind};
pub use manager::{DeviceState, DeviceStatus, Manager, ManagerEvent, ManagerHandle};
pub use paired::{PairedDevice, PairedDevices};
