//! Example packets of each measurement characteristic, byte for byte as a device sends
//! them, with the values they decode to in their doc comments.
//!
//! They follow the field layouts and number encodings of the Bluetooth specifications
//! (Blood Pressure Profile / Service 1.1, Pulse Oximeter Service 1.0, Health Thermometer
//! Service 1.0, IEEE 11073-20601 SFLOAT and FLOAT). The tests of this crate check each
//! decodes as documented; simulated devices (`relais-ble`) send them.

/// Blood pressure, flags 0x00: 120/80 mmHg, MAP 93 mmHg, nothing optional.
pub const BP_MINIMAL: &[u8] = &[0x00, 0x78, 0x00, 0x50, 0x00, 0x5D, 0x00];

/// Blood pressure, flags 0x1E: 128/82 mmHg, MAP 97 mmHg, time stamp 2025-03-14 09:30:45,
/// pulse 72 /min, user 1, status 0 (no warning).
pub const BP_FULL: &[u8] = &[
    0x1E, 0x80, 0x00, 0x52, 0x00, 0x61, 0x00, 0xE9, 0x07, 0x03, 0x0E, 0x09, 0x1E, 0x2D, 0x48, 0x00,
    0x01, 0x00, 0x00,
];

/// Blood pressure in kPa, flags 0x01: 16.0 / 10.7 kPa, MAP 12.5 kPa (SFLOAT exponent −1).
pub const BP_KPA: &[u8] = &[0x01, 0xA0, 0xF0, 0x6B, 0xF0, 0x7D, 0xF0];

/// Blood pressure with pulse and status, flags 0x14: 142/86 mmHg, MAP 105, pulse 96 /min,
/// status 0x0005 (body movement, irregular pulse).
pub const BP_WITH_WARNINGS: &[u8] = &[
    0x14, 0x8E, 0x00, 0x56, 0x00, 0x69, 0x00, 0x60, 0x00, 0x05, 0x00,
];

/// A cuff error: systolic, diastolic and MAP are the SFLOAT NaN (0x07FF), pulse NaN,
/// status bits unset (flags 0x14). Never a reading.
pub const BP_CUFF_ERROR: &[u8] = &[
    0x14, 0xFF, 0x07, 0xFF, 0x07, 0xFF, 0x07, 0xFF, 0x07, 0x00, 0x00,
];

/// PLX spot-check, flags 0x00: SpO2 97 %, pulse 72 /min.
pub const PLX_MINIMAL: &[u8] = &[0x00, 0x61, 0x00, 0x48, 0x00];

/// PLX spot-check, flags 0x0F: SpO2 98 %, pulse 64 /min, time stamp 2025-03-14 09:30:45,
/// measurement status 0x0080 (validated data), device and sensor status 0x000000,
/// pulse amplitude index 5.2 %.
pub const PLX_FULL: &[u8] = &[
    0x0F, 0x62, 0x00, 0x40, 0x00, 0xE9, 0x07, 0x03, 0x0E, 0x09, 0x1E, 0x2D, 0x80, 0x00, 0x00, 0x00,
    0x00, 0x34, 0xF0,
];

/// PLX spot-check, flags 0x02: SpO2 and pulse NaN, measurement status 0x8000 (invalid
/// measurement detected). Never a reading.
pub const PLX_INVALID: &[u8] = &[0x02, 0xFF, 0x07, 0xFF, 0x07, 0x00, 0x80];

/// PLX spot-check, flags 0x04: SpO2 95 %, pulse 80 /min, but device and sensor status
/// 0x008000 (sensor disconnected). Never a reading.
pub const PLX_SENSOR_DISCONNECTED: &[u8] = &[0x04, 0x5F, 0x00, 0x50, 0x00, 0x00, 0x80, 0x00];

/// Temperature, flags 0x00: 36.4 °C (FLOAT 0xFF00016C).
pub const TEMP_MINIMAL: &[u8] = &[0x00, 0x6C, 0x01, 0x00, 0xFF];

/// Temperature, flags 0x06: 37.8 °C, time stamp 2025-03-14 09:30:45, site 3 (ear).
pub const TEMP_FULL: &[u8] = &[
    0x06, 0x7A, 0x01, 0x00, 0xFF, 0xE9, 0x07, 0x03, 0x0E, 0x09, 0x1E, 0x2D, 0x03,
];

/// Temperature in °F, flags 0x01: 98.6 °F (37 °C).
pub const TEMP_FAHRENHEIT: &[u8] = &[0x01, 0xDA, 0x03, 0x00, 0xFF];

/// Temperature NaN (FLOAT 0x007FFFFF): the thermometer has no value. Never a reading.
pub const TEMP_NAN: &[u8] = &[0x00, 0xFF, 0xFF, 0x7F, 0x00];
