//! Relais peripherals: pure decoders of the Bluetooth GATT health profiles.
//!
//! The nurse's connected instruments speak Bluetooth Low Energy. This crate turns the raw
//! bytes of their measurement characteristics into typed values, and nothing else:
//!
//! - [`gatt::sfloat`] and [`gatt::float`]: the IEEE 11073-20601 16-bit SFLOAT and 32-bit
//!   FLOAT numbers, with their special values (NaN, NRes, ±infinity, reserved);
//! - [`gatt::blood_pressure`]: Blood Pressure Measurement (0x2A35, service 0x1810);
//! - [`gatt::plx`]: PLX Spot-check (0x2A5E) and Continuous (0x2A5F) measurements of the
//!   Pulse Oximeter Service (0x1822);
//! - [`gatt::thermometer`]: Temperature Measurement (0x2A1C, service 0x1809).
//!
//! # Invariants
//!
//! - No I/O, no clock, no async, no logging: a decoder is a function of its bytes.
//! - Never panics, whatever the bytes: a packet too short for what its flags announce is a
//!   [`gatt::GattError`] naming the missing field (code `TRUNCATED`).
//! - A special value is never a number: a cuff error (SFLOAT NaN) stays [`gatt::Value::NaN`]
//!   and the measurement says it is not a valid reading.
//! - Bytes after the last field announced by the flags are ignored (later versions of the
//!   specifications append fields at the end); reserved flag bits are ignored too.
//! - Results serialize (serde) in camelCase; units are enums, kept as sent by the device.
//!
//! # Not here
//!
//! Converting a decoded measurement into a clinical reading (kPa to mmHg, °F to °C, the
//! physiological plausibility checks) belongs to `relais_core::measurement`; only
//! [`gatt::thermometer::TemperatureMeasurement::celsius`] is offered here as a convenience.
//!
//! # Example
//!
//! ```
//! use relais_peripherals::gatt::{blood_pressure, Value};
//!
//! // Flags 0 (mmHg, no optional field), 120 / 80 mmHg, MAP 93 mmHg.
//! let m = blood_pressure::parse(&[0x00, 0x78, 0x00, 0x50, 0x00, 0x5D, 0x00]).unwrap();
//! assert_eq!(m.systolic, Value::Number(120.0));
//! assert!(m.is_valid_reading());
//!
//! // A cuff error: every value is the SFLOAT NaN 0x07FF.
//! let m = blood_pressure::parse(&[0x00, 0xFF, 0x07, 0xFF, 0x07, 0xFF, 0x07]).unwrap();
//! assert_eq!(m.systolic, Value::NaN);
//! assert!(!m.is_valid_reading());
//! ```
#![forbid(unsafe_code)]

pub mod examples;
pub mod gatt;
