//! Decoders of the Bluetooth GATT health characteristics.
//!
//! Every multi-byte field is little-endian, as in all GATT characteristics. Each decoder
//! reads a flags field first, then the mandatory fields, then the optional fields the flags
//! announce, in the order of the specification.

pub mod blood_pressure;
mod date_time;
mod error;
pub mod float;
pub mod plx;
mod reader;
pub mod sfloat;
pub mod thermometer;
mod value;

pub use date_time::GattDateTime;
pub use error::{Field, GattError};
pub use value::Value;
