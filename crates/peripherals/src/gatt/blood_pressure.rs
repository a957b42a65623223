//! Blood Pressure Measurement (characteristic 0x2A35, Blood Pressure Service 0x1810).
//!
//! Layout: flags (u8); systolic, diastolic and mean arterial pressure (SFLOAT each); then,
//! as the flags announce and in this order, a time stamp (7 bytes), the pulse rate (SFLOAT),
//! a user id (u8) and the measurement status (u16).
//!
//! Flags: bit 0 unit (0 mmHg, 1 kPa), bit 1 time stamp, bit 2 pulse rate, bit 3 user id,
//! bit 4 measurement status; bits 5–7 are reserved and ignored.
//!
//! A cuff that fails (patient moved, cuff not on the arm) indicates NaN (0x07FF) values,
//! often with no status bit set: they stay [`Value::NaN`] and
//! [`BloodPressureMeasurement::is_valid_reading`] is false. Subscribe to indications of this
//! characteristic; it is not meant to be read.

use serde::Serialize;

use super::reader::Reader;
use super::{Field, GattDateTime, GattError, Value};

/// Blood Pressure Service, 16-bit UUID.
pub const SERVICE_UUID: u16 = 0x1810;
/// Blood Pressure Measurement characteristic, 16-bit UUID.
pub const MEASUREMENT_UUID: u16 = 0x2A35;
/// User id meaning "unknown user".
pub const UNKNOWN_USER: u8 = 0xFF;

const FLAG_KPA: u8 = 1 << 0;
const FLAG_TIMESTAMP: u8 = 1 << 1;
const FLAG_PULSE_RATE: u8 = 1 << 2;
const FLAG_USER_ID: u8 = 1 << 3;
const FLAG_STATUS: u8 = 1 << 4;

/// Unit of the three pressures, as sent by the cuff.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum PressureUnit {
    /// Millimetres of mercury.
    #[serde(rename = "mmHg")]
    MmHg,
    /// Kilopascals.
    #[serde(rename = "kPa")]
    KPa,
}

/// Result of the cuff's pulse rate range detection (status bits 3–4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum PulseRateRange {
    /// Pulse rate within the range (0).
    WithinRange,
    /// Pulse rate exceeds the upper limit (1).
    ExceedsUpperLimit,
    /// Pulse rate is below the lower limit (2).
    BelowLowerLimit,
    /// Reserved code (3).
    Reserved,
}

/// Measurement status reported by the cuff (bits 6–15 are reserved and ignored).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BloodPressureStatus {
    /// Bit 0: body movement detected during the measurement.
    pub body_movement: bool,
    /// Bit 1: cuff fit too loose.
    pub cuff_too_loose: bool,
    /// Bit 2: irregular pulse detected.
    pub irregular_pulse: bool,
    /// Bits 3–4: pulse rate range detection.
    pub pulse_rate_range: PulseRateRange,
    /// Bit 5: improper measurement position.
    pub improper_position: bool,
}

impl BloodPressureStatus {
    /// Decodes the 16-bit status field.
    #[must_use]
    pub fn from_bits(bits: u16) -> Self {
        Self {
            body_movement: bits & (1 << 0) != 0,
            cuff_too_loose: bits & (1 << 1) != 0,
            irregular_pulse: bits & (1 << 2) != 0,
            pulse_rate_range: match (bits >> 3) & 0b11 {
                0 => PulseRateRange::WithinRange,
                1 => PulseRateRange::ExceedsUpperLimit,
                2 => PulseRateRange::BelowLowerLimit,
                _ => PulseRateRange::Reserved,
            },
            improper_position: bits & (1 << 5) != 0,
        }
    }

    /// Whether the cuff reports anything that should make the nurse check the measurement.
    #[must_use]
    pub fn has_warning(&self) -> bool {
        self.body_movement
            || self.cuff_too_loose
            || self.irregular_pulse
            || self.pulse_rate_range != PulseRateRange::WithinRange
            || self.improper_position
    }
}

/// One decoded Blood Pressure Measurement, values in the cuff's unit.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BloodPressureMeasurement {
    /// Unit of the three pressures.
    pub unit: PressureUnit,
    /// Systolic pressure.
    pub systolic: Value,
    /// Diastolic pressure.
    pub diastolic: Value,
    /// Mean arterial pressure.
    pub mean_arterial_pressure: Value,
    /// When the cuff took the measurement, if sent.
    pub timestamp: Option<GattDateTime>,
    /// Pulse rate in beats per minute, if sent.
    pub pulse_rate: Option<Value>,
    /// User id on a multi-user cuff, if sent ([`UNKNOWN_USER`] for an unknown user).
    pub user_id: Option<u8>,
    /// Measurement status, if sent.
    pub status: Option<BloodPressureStatus>,
}

impl BloodPressureMeasurement {
    /// Whether systolic and diastolic are both numbers: false for a cuff error (NaN) or any
    /// other special value. The mean arterial pressure and pulse are checked separately.
    #[must_use]
    pub fn is_valid_reading(&self) -> bool {
        self.systolic.is_number() && self.diastolic.is_number()
    }
}

/// Decodes the value of a Blood Pressure Measurement (0x2A35).
///
/// # Errors
///
/// [`GattError::Truncated`] when the packet ends before a mandatory field or a field its
/// flags announce. Bytes after the last field are ignored.
pub fn parse(bytes: &[u8]) -> Result<BloodPressureMeasurement, GattError> {
    let mut reader = Reader::new(bytes, MEASUREMENT_UUID);
    let flags = reader.u8(Field::Flags)?;
    let systolic = reader.sfloat(Field::Systolic)?;
    let diastolic = reader.sfloat(Field::Diastolic)?;
    let mean_arterial_pressure = reader.sfloat(Field::MeanArterialPressure)?;
    let timestamp = if flags & FLAG_TIMESTAMP != 0 {
        Some(reader.date_time(Field::Timestamp)?)
    } else {
        None
    };
    let pulse_rate = if flags & FLAG_PULSE_RATE != 0 {
        Some(reader.sfloat(Field::PulseRate)?)
    } else {
        None
    };
    let user_id = if flags & FLAG_USER_ID != 0 {
        Some(reader.u8(Field::UserId)?)
    } else {
        None
    };
    let status = if flags & FLAG_STATUS != 0 {
        Some(BloodPressureStatus::from_bits(
            reader.u16(Field::MeasurementStatus)?,
        ))
    } else {
        None
    };
    Ok(BloodPressureMeasurement {
        unit: if flags & FLAG_KPA != 0 {
            PressureUnit::KPa
        } else {
            PressureUnit::MmHg
        },
        systolic,
        diastolic,
        mean_arterial_pressure,
        timestamp,
        pulse_rate,
        user_id,
        status,
    })
}

#[cfg(test)]
mod tests;
