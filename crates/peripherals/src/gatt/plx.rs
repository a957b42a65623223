//! Pulse oximetry (Pulse Oximeter Service 0x1822): PLX Spot-check Measurement (0x2A5E) and
//! PLX Continuous Measurement (0x2A5F).
//!
//! Spot-check layout: flags (u8); SpO2 (SFLOAT, %) and pulse rate (SFLOAT, /min); then, as
//! the flags announce and in this order, a time stamp (7 bytes), the measurement status
//! (u16), the device and sensor status (24 bits) and the pulse amplitude index (SFLOAT, %).
//! Flags: bit 0 time stamp, bit 1 measurement status, bit 2 device and sensor status,
//! bit 3 pulse amplitude index, bit 4 device clock not set; bits 5–7 reserved, ignored.
//!
//! Continuous layout: flags (u8); SpO2 and pulse rate of the normal algorithm; then, as the
//! flags announce, SpO2 and pulse rate of the fast algorithm, of the slow algorithm, the
//! measurement status, the device and sensor status and the pulse amplitude index.
//! Flags: bit 0 fast, bit 1 slow, bit 2 measurement status, bit 3 device and sensor status,
//! bit 4 pulse amplitude index; bits 5–7 reserved, ignored.

use serde::Serialize;

use super::reader::Reader;
use super::{Field, GattDateTime, GattError, Value};

/// Pulse Oximeter Service, 16-bit UUID.
pub const SERVICE_UUID: u16 = 0x1822;
/// PLX Spot-check Measurement characteristic, 16-bit UUID.
pub const SPOT_CHECK_UUID: u16 = 0x2A5E;
/// PLX Continuous Measurement characteristic, 16-bit UUID.
pub const CONTINUOUS_UUID: u16 = 0x2A5F;

const SPOT_TIMESTAMP: u8 = 1 << 0;
const SPOT_MEASUREMENT_STATUS: u8 = 1 << 1;
const SPOT_DEVICE_STATUS: u8 = 1 << 2;
const SPOT_PAI: u8 = 1 << 3;
const SPOT_CLOCK_NOT_SET: u8 = 1 << 4;

const CONTINUOUS_FAST: u8 = 1 << 0;
const CONTINUOUS_SLOW: u8 = 1 << 1;
const CONTINUOUS_MEASUREMENT_STATUS: u8 = 1 << 2;
const CONTINUOUS_DEVICE_STATUS: u8 = 1 << 3;
const CONTINUOUS_PAI: u8 = 1 << 4;

/// Measurement Status field (16 bits; bits 0–4 are reserved and ignored).
#[allow(clippy::struct_excessive_bools)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PlxMeasurementStatus {
    /// Bit 5: measurement ongoing.
    pub measurement_ongoing: bool,
    /// Bit 6: early estimated data.
    pub early_estimated_data: bool,
    /// Bit 7: validated data.
    pub validated_data: bool,
    /// Bit 8: fully qualified data.
    pub fully_qualified_data: bool,
    /// Bit 9: data from measurement storage.
    pub data_from_measurement_storage: bool,
    /// Bit 10: data for demonstration.
    pub data_for_demonstration: bool,
    /// Bit 11: data for testing.
    pub data_for_testing: bool,
    /// Bit 12: calibration ongoing.
    pub calibration_ongoing: bool,
    /// Bit 13: measurement unavailable.
    pub measurement_unavailable: bool,
    /// Bit 14: questionable measurement detected.
    pub questionable_measurement_detected: bool,
    /// Bit 15: invalid measurement detected.
    pub invalid_measurement_detected: bool,
}

impl PlxMeasurementStatus {
    /// Decodes the 16-bit field.
    #[must_use]
    pub fn from_bits(bits: u16) -> Self {
        let bit = |n: u16| bits & (1 << n) != 0;
        Self {
            measurement_ongoing: bit(5),
            early_estimated_data: bit(6),
            validated_data: bit(7),
            fully_qualified_data: bit(8),
            data_from_measurement_storage: bit(9),
            data_for_demonstration: bit(10),
            data_for_testing: bit(11),
            calibration_ongoing: bit(12),
            measurement_unavailable: bit(13),
            questionable_measurement_detected: bit(14),
            invalid_measurement_detected: bit(15),
        }
    }

    /// Whether the device says the values are not a measurement of this patient: invalid,
    /// unavailable, demonstration or testing data.
    #[must_use]
    pub fn rejects_reading(&self) -> bool {
        self.invalid_measurement_detected
            || self.measurement_unavailable
            || self.data_for_demonstration
            || self.data_for_testing
    }
}

/// Device and Sensor Status field (24 bits; bits 16–23 are reserved and ignored).
#[allow(clippy::struct_excessive_bools)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PlxDeviceAndSensorStatus {
    /// Bit 0: extended display update ongoing.
    pub extended_display_update_ongoing: bool,
    /// Bit 1: equipment malfunction detected.
    pub equipment_malfunction_detected: bool,
    /// Bit 2: signal processing irregularity detected.
    pub signal_processing_irregularity_detected: bool,
    /// Bit 3: inadequate signal detected.
    pub inadequate_signal_detected: bool,
    /// Bit 4: poor signal detected.
    pub poor_signal_detected: bool,
    /// Bit 5: low perfusion detected.
    pub low_perfusion_detected: bool,
    /// Bit 6: erratic signal detected.
    pub erratic_signal_detected: bool,
    /// Bit 7: non-pulsatile signal detected.
    pub nonpulsatile_signal_detected: bool,
    /// Bit 8: questionable pulse detected.
    pub questionable_pulse_detected: bool,
    /// Bit 9: signal analysis ongoing.
    pub signal_analysis_ongoing: bool,
    /// Bit 10: sensor interference detected.
    pub sensor_interference_detected: bool,
    /// Bit 11: sensor unconnected to user.
    pub sensor_unconnected_to_user: bool,
    /// Bit 12: unknown sensor connected.
    pub unknown_sensor_connected: bool,
    /// Bit 13: sensor displaced.
    pub sensor_displaced: bool,
    /// Bit 14: sensor malfunctioning.
    pub sensor_malfunctioning: bool,
    /// Bit 15: sensor disconnected.
    pub sensor_disconnected: bool,
}

impl PlxDeviceAndSensorStatus {
    /// Decodes the 24-bit field (given in the low bits of a u32).
    #[must_use]
    pub fn from_bits(bits: u32) -> Self {
        let bit = |n: u32| bits & (1 << n) != 0;
        Self {
            extended_display_update_ongoing: bit(0),
            equipment_malfunction_detected: bit(1),
            signal_processing_irregularity_detected: bit(2),
            inadequate_signal_detected: bit(3),
            poor_signal_detected: bit(4),
            low_perfusion_detected: bit(5),
            erratic_signal_detected: bit(6),
            nonpulsatile_signal_detected: bit(7),
            questionable_pulse_detected: bit(8),
            signal_analysis_ongoing: bit(9),
            sensor_interference_detected: bit(10),
            sensor_unconnected_to_user: bit(11),
            unknown_sensor_connected: bit(12),
            sensor_displaced: bit(13),
            sensor_malfunctioning: bit(14),
            sensor_disconnected: bit(15),
        }
    }

    /// Whether the device or its sensor cannot have measured the patient: equipment or
    /// sensor malfunction, sensor disconnected or not on the patient.
    #[must_use]
    pub fn rejects_reading(&self) -> bool {
        self.equipment_malfunction_detected
            || self.sensor_malfunctioning
            || self.sensor_disconnected
            || self.sensor_unconnected_to_user
    }
}

/// One decoded PLX Spot-check Measurement.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PlxSpotCheck {
    /// Oxygen saturation, %.
    pub spo2: Value,
    /// Pulse rate, beats per minute.
    pub pulse_rate: Value,
    /// When the oximeter took the measurement, if sent (see `device_clock_not_set`).
    pub timestamp: Option<GattDateTime>,
    /// Measurement status, if sent.
    pub measurement_status: Option<PlxMeasurementStatus>,
    /// Device and sensor status, if sent.
    pub device_and_sensor_status: Option<PlxDeviceAndSensorStatus>,
    /// Pulse amplitude index, %, if sent.
    pub pulse_amplitude_index: Option<Value>,
    /// Flag bit 4: the oximeter's clock was never set, so its time stamp is meaningless.
    pub device_clock_not_set: bool,
}

impl PlxSpotCheck {
    /// Whether SpO2 and pulse rate are numbers and no status sent rejects them
    /// (see [`PlxMeasurementStatus::rejects_reading`] and
    /// [`PlxDeviceAndSensorStatus::rejects_reading`]).
    #[must_use]
    pub fn is_valid_reading(&self) -> bool {
        self.spo2.is_number()
            && self.pulse_rate.is_number()
            && statuses_accept(self.measurement_status, self.device_and_sensor_status)
    }

    /// The time stamp, unless absent or the oximeter says its clock was never set.
    #[must_use]
    pub fn reliable_timestamp(&self) -> Option<GattDateTime> {
        if self.device_clock_not_set {
            None
        } else {
            self.timestamp
        }
    }
}

/// An SpO2 and pulse rate pair from one averaging algorithm.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SpO2Pr {
    /// Oxygen saturation, %.
    pub spo2: Value,
    /// Pulse rate, beats per minute.
    pub pulse_rate: Value,
}

impl SpO2Pr {
    /// Whether both values are numbers.
    #[must_use]
    pub fn are_numbers(&self) -> bool {
        self.spo2.is_number() && self.pulse_rate.is_number()
    }
}

/// One decoded PLX Continuous Measurement.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PlxContinuous {
    /// SpO2 and pulse rate of the normal algorithm.
    pub normal: SpO2Pr,
    /// SpO2 and pulse rate of the fast algorithm, if sent.
    pub fast: Option<SpO2Pr>,
    /// SpO2 and pulse rate of the slow algorithm, if sent.
    pub slow: Option<SpO2Pr>,
    /// Measurement status, if sent.
    pub measurement_status: Option<PlxMeasurementStatus>,
    /// Device and sensor status, if sent.
    pub device_and_sensor_status: Option<PlxDeviceAndSensorStatus>,
    /// Pulse amplitude index, %, if sent.
    pub pulse_amplitude_index: Option<Value>,
}

impl PlxContinuous {
    /// Whether the normal SpO2 and pulse rate are numbers and no status sent rejects them.
    #[must_use]
    pub fn is_valid_reading(&self) -> bool {
        self.normal.are_numbers()
            && statuses_accept(self.measurement_status, self.device_and_sensor_status)
    }
}

fn statuses_accept(
    measurement: Option<PlxMeasurementStatus>,
    device: Option<PlxDeviceAndSensorStatus>,
) -> bool {
    !measurement.is_some_and(|s| s.rejects_reading())
        && !device.is_some_and(|s| s.rejects_reading())
}

/// Decodes the value of a PLX Spot-check Measurement (0x2A5E).
///
/// # Errors
///
/// [`GattError::Truncated`] when the packet ends before SpO2, the pulse rate or a field its
/// flags announce. Bytes after the last field are ignored.
pub fn parse_spot_check(bytes: &[u8]) -> Result<PlxSpotCheck, GattError> {
    let mut reader = Reader::new(bytes, SPOT_CHECK_UUID);
    let flags = reader.u8(Field::Flags)?;
    let spo2 = reader.sfloat(Field::SpO2)?;
    let pulse_rate = reader.sfloat(Field::PulseRate)?;
    let timestamp = if flags & SPOT_TIMESTAMP != 0 {
        Some(reader.date_time(Field::Timestamp)?)
    } else {
        None
    };
    let measurement_status = if flags & SPOT_MEASUREMENT_STATUS != 0 {
        Some(PlxMeasurementStatus::from_bits(
            reader.u16(Field::MeasurementStatus)?,
        ))
    } else {
        None
    };
    let device_and_sensor_status = if flags & SPOT_DEVICE_STATUS != 0 {
        Some(PlxDeviceAndSensorStatus::from_bits(
            reader.u24(Field::DeviceAndSensorStatus)?,
        ))
    } else {
        None
    };
    let pulse_amplitude_index = if flags & SPOT_PAI != 0 {
        Some(reader.sfloat(Field::PulseAmplitudeIndex)?)
    } else {
        None
    };
    Ok(PlxSpotCheck {
        spo2,
        pulse_rate,
        timestamp,
        measurement_status,
        device_and_sensor_status,
        pulse_amplitude_index,
        device_clock_not_set: flags & SPOT_CLOCK_NOT_SET != 0,
    })
}

/// Decodes the value of a PLX Continuous Measurement (0x2A5F).
///
/// # Errors
///
/// [`GattError::Truncated`] when the packet ends before the normal SpO2 and pulse rate or
/// a field its flags announce. Bytes after the last field are ignored.
pub fn parse_continuous(bytes: &[u8]) -> Result<PlxContinuous, GattError> {
    let mut reader = Reader::new(bytes, CONTINUOUS_UUID);
    let flags = reader.u8(Field::Flags)?;
    let normal = SpO2Pr {
        spo2: reader.sfloat(Field::SpO2)?,
        pulse_rate: reader.sfloat(Field::PulseRate)?,
    };
    let fast = if flags & CONTINUOUS_FAST != 0 {
        Some(SpO2Pr {
            spo2: reader.sfloat(Field::SpO2Fast)?,
            pulse_rate: reader.sfloat(Field::PulseRateFast)?,
        })
    } else {
        None
    };
    let slow = if flags & CONTINUOUS_SLOW != 0 {
        Some(SpO2Pr {
            spo2: reader.sfloat(Field::SpO2Slow)?,
            pulse_rate: reader.sfloat(Field::PulseRateSlow)?,
        })
    } else {
        None
    };
    let measurement_status = if flags & CONTINUOUS_MEASUREMENT_STATUS != 0 {
        Some(PlxMeasurementStatus::from_bits(
            reader.u16(Field::MeasurementStatus)?,
        ))
    } else {
        None
    };
    let device_and_sensor_status = if flags & CONTINUOUS_DEVICE_STATUS != 0 {
        Some(PlxDeviceAndSensorStatus::from_bits(
            reader.u24(Field::DeviceAndSensorStatus)?,
        ))
    } else {
        None
    };
    let pulse_amplitude_index = if flags & CONTINUOUS_PAI != 0 {
        Some(reader.sfloat(Field::PulseAmplitudeIndex)?)
    } else {
        None
    };
    Ok(PlxContinuous {
        normal,
        fast,
        slow,
        measurement_status,
        device_and_sensor_status,
        pulse_amplitude_index,
    })
}

#[cfg(test)]
mod tests;
