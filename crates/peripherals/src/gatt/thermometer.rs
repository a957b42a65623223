//! Temperature Measurement (characteristic 0x2A1C, Health Thermometer Service 0x1809).
//!
//! Layout: flags (u8); temperature (32-bit FLOAT); then, as the flags announce, a time
//! stamp (7 bytes) and the temperature type (u8, the measurement site).
//!
//! Flags: bit 0 unit (0 °C, 1 °F), bit 1 time stamp, bit 2 temperature type; bits 3–7 are
//! reserved and ignored. Intermediate Temperature (0x2A1E) has the same layout and can be
//! decoded with [`parse`] too.

use serde::Serialize;

use super::reader::Reader;
use super::{Field, GattDateTime, GattError, Value};

/// Health Thermometer Service, 16-bit UUID.
pub const SERVICE_UUID: u16 = 0x1809;
/// Temperature Measurement characteristic, 16-bit UUID.
pub const MEASUREMENT_UUID: u16 = 0x2A1C;
/// Intermediate Temperature characteristic (same layout), 16-bit UUID.
pub const INTERMEDIATE_TEMPERATURE_UUID: u16 = 0x2A1E;

const FLAG_FAHRENHEIT: u8 = 1 << 0;
const FLAG_TIMESTAMP: u8 = 1 << 1;
const FLAG_TYPE: u8 = 1 << 2;

/// Unit of the temperature, as sent by the thermometer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum TemperatureUnit {
    /// Degrees Celsius.
    Celsius,
    /// Degrees Fahrenheit.
    Fahrenheit,
}

/// Where the temperature was taken (Temperature Type field).
///
/// Serializes as a camelCase string, or `{"reserved": code}` for a code the specification
/// does not define (0 and 10–255).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum TemperatureType {
    /// 1: armpit.
    Armpit,
    /// 2: body (general).
    Body,
    /// 3: ear (usually earlobe).
    Ear,
    /// 4: finger.
    Finger,
    /// 5: gastro-intestinal tract.
    GastrointestinalTract,
    /// 6: mouth.
    Mouth,
    /// 7: rectum.
    Rectum,
    /// 8: toe.
    Toe,
    /// 9: tympanum (ear drum).
    Tympanum,
    /// A reserved code, kept as sent.
    Reserved(u8),
}

impl TemperatureType {
    /// The type for a code of the Temperature Type field.
    #[must_use]
    pub fn from_code(code: u8) -> Self {
        match code {
            1 => Self::Armpit,
            2 => Self::Body,
            3 => Self::Ear,
            4 => Self::Finger,
            5 => Self::GastrointestinalTract,
            6 => Self::Mouth,
            7 => Self::Rectum,
            8 => Self::Toe,
            9 => Self::Tympanum,
            other => Self::Reserved(other),
        }
    }

    /// The code of the Temperature Type field.
    #[must_use]
    pub fn code(self) -> u8 {
        match self {
            Self::Armpit => 1,
            Self::Body => 2,
            Self::Ear => 3,
            Self::Finger => 4,
            Self::GastrointestinalTract => 5,
            Self::Mouth => 6,
            Self::Rectum => 7,
            Self::Toe => 8,
            Self::Tympanum => 9,
            Self::Reserved(code) => code,
        }
    }
}

/// One decoded Temperature Measurement, in the thermometer's unit.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TemperatureMeasurement {
    /// Unit of the temperature.
    pub unit: TemperatureUnit,
    /// The temperature (a special value when the thermometer has none).
    pub temperature: Value,
    /// When the thermometer took the measurement, if sent.
    pub timestamp: Option<GattDateTime>,
    /// The measurement site, if sent.
    pub temperature_type: Option<TemperatureType>,
}

impl TemperatureMeasurement {
    /// The temperature in degrees Celsius, or `None` for a special value.
    #[must_use]
    pub fn celsius(&self) -> Option<f64> {
        let value = self.temperature.as_f64()?;
        Some(match self.unit {
            TemperatureUnit::Celsius => value,
            TemperatureUnit::Fahrenheit => (value - 32.0) * 5.0 / 9.0,
        })
    }

    /// Whether the temperature is a number (false for NaN and the other special values).
    #[must_use]
    pub fn is_valid_reading(&self) -> bool {
        self.temperature.is_number()
    }
}

/// Decodes the value of a Temperature Measurement (0x2A1C) or Intermediate Temperature (0x2A1E).
///
/// # Errors
///
/// [`GattError::Truncated`] when the packet ends before the temperature or a field its
/// flags announce. Bytes after the last field are ignored.
pub fn parse(bytes: &[u8]) -> Result<TemperatureMeasurement, GattError> {
    let mut reader = Reader::new(bytes, MEASUREMENT_UUID);
    let flags = reader.u8(Field::Flags)?;
    let temperature = reader.float(Field::Temperature)?;
    let timestamp = if flags & FLAG_TIMESTAMP != 0 {
        Some(reader.date_time(Field::Timestamp)?)
    } else {
        None
    };
    let temperature_type = if flags & FLAG_TYPE != 0 {
        Some(TemperatureType::from_code(
            reader.u8(Field::TemperatureType)?,
        ))
    } else {
        None
    };
    Ok(TemperatureMeasurement {
        unit: if flags & FLAG_FAHRENHEIT != 0 {
            TemperatureUnit::Fahrenheit
        } else {
            TemperatureUnit::Celsius
        },
        temperature,
        timestamp,
        temperature_type,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const STAMP: [u8; 7] = [0xE9, 0x07, 0x03, 0x0E, 0x09, 0x1E, 0x00];

    /// A packet for `flags`: 36.4 (0xFF00016C), the stamp, type 6 (mouth), as announced.
    fn packet(flags: u8) -> Vec<u8> {
        let mut bytes = vec![flags, 0x6C, 0x01, 0x00, 0xFF];
        if flags & FLAG_TIMESTAMP != 0 {
            bytes.extend_from_slice(&STAMP);
        }
        if flags & FLAG_TYPE != 0 {
            bytes.push(6);
        }
        bytes
    }

    #[test]
    fn minimal_packet_in_celsius() {
        let m = parse(&[0x00, 0x6C, 0x01, 0x00, 0xFF]).unwrap();
        assert_eq!(
            m,
            TemperatureMeasurement {
                unit: TemperatureUnit::Celsius,
                temperature: Value::Number(36.4),
                timestamp: None,
                temperature_type: None,
            }
        );
        assert_eq!(m.celsius(), Some(36.4));
        assert!(m.is_valid_reading());
    }

    #[test]
    fn every_flag_combination_reads_exactly_the_announced_fields() {
        for flags in 0u8..8 {
            let m = parse(&packet(flags)).unwrap();
            let unit = if flags & FLAG_FAHRENHEIT != 0 {
                TemperatureUnit::Fahrenheit
            } else {
                TemperatureUnit::Celsius
            };
            assert_eq!(m.unit, unit);
            assert_eq!(m.temperature, Value::Number(36.4));
            assert_eq!(
                m.timestamp,
                (flags & FLAG_TIMESTAMP != 0).then(|| GattDateTime::from_bytes(STAMP))
            );
            assert_eq!(
                m.temperature_type,
                (flags & FLAG_TYPE != 0).then_some(TemperatureType::Mouth)
            );
            // Reserved flag bits change nothing.
            let mut reserved = packet(flags);
            reserved[0] |= 0xF8;
            assert_eq!(parse(&reserved).unwrap(), m);
        }
    }

    #[test]
    fn fahrenheit_converts_to_celsius() {
        // 98.6 °F = 986 × 10^-1 (0xFF0003DA) = 37 °C.
        let m = parse(&[0x01, 0xDA, 0x03, 0x00, 0xFF]).unwrap();
        assert_eq!(m.unit, TemperatureUnit::Fahrenheit);
        assert_eq!(m.temperature, Value::Number(98.6));
        assert!((m.celsius().unwrap() - 37.0).abs() < 1e-9);
        // 32 °F = 0 °C; −40 °F = −40 °C (mantissa −40 = 0xFFFFD8).
        assert_eq!(
            parse(&[0x01, 0x20, 0x00, 0x00, 0x00]).unwrap().celsius(),
            Some(0.0)
        );
        assert_eq!(
            parse(&[0x01, 0xD8, 0xFF, 0xFF, 0x00]).unwrap().celsius(),
            Some(-40.0)
        );
    }

    #[test]
    fn special_values_have_no_celsius() {
        for raw in [
            0x007F_FFFFu32,
            0x0080_0000,
            0x007F_FFFE,
            0x0080_0002,
            0x0080_0001,
        ] {
            for unit_flag in [0x00u8, 0x01] {
                let [a, b, c, d] = raw.to_le_bytes();
                let m = parse(&[unit_flag, a, b, c, d]).unwrap();
                assert!(!m.temperature.is_number());
                assert_eq!(m.celsius(), None, "{raw:#010X}");
                assert!(!m.is_valid_reading());
            }
        }
        let nan = parse(&[0x00, 0xFF, 0xFF, 0x7F, 0x00]).unwrap();
        assert_eq!(nan.temperature, Value::NaN);
    }

    #[test]
    fn temperature_types_round_trip_and_keep_reserved_codes() {
        let named = [
            (1, TemperatureType::Armpit),
            (2, TemperatureType::Body),
            (3, TemperatureType::Ear),
            (4, TemperatureType::Finger),
            (5, TemperatureType::GastrointestinalTract),
            (6, TemperatureType::Mouth),
            (7, TemperatureType::Rectum),
            (8, TemperatureType::Toe),
            (9, TemperatureType::Tympanum),
        ];
        for (code, expected) in named {
            assert_eq!(TemperatureType::from_code(code), expected);
            let m = parse(&[0x04, 0x6C, 0x01, 0x00, 0xFF, code]).unwrap();
            assert_eq!(m.temperature_type, Some(expected));
        }
        for code in 0..=u8::MAX {
            assert_eq!(TemperatureType::from_code(code).code(), code);
        }
        assert_eq!(TemperatureType::from_code(0), TemperatureType::Reserved(0));
        assert_eq!(
            TemperatureType::from_code(10),
            TemperatureType::Reserved(10)
        );
    }

    #[test]
    fn every_truncation_is_an_error_naming_the_missing_field() {
        for flags in 0u8..8 {
            let full = packet(flags);
            for len in 0..full.len() {
                let error = parse(&full[..len]).unwrap_err();
                assert_eq!(error.code(), "TRUNCATED");
                let expected = match len {
                    0 => Field::Flags,
                    1..=4 => Field::Temperature,
                    5..=11 if flags & FLAG_TIMESTAMP != 0 => Field::Timestamp,
                    _ => Field::TemperatureType,
                };
                assert_eq!(error.missing_field(), Some(expected), "{flags:#04x} {len}");
            }
        }
    }

    #[test]
    fn trailing_bytes_are_ignored() {
        let mut bytes = packet(0x07);
        let plain = parse(&bytes).unwrap();
        bytes.extend_from_slice(&[1, 2, 3]);
        assert_eq!(parse(&bytes).unwrap(), plain);
    }

    #[test]
    fn serializes_in_camel_case() {
        let m = parse(&packet(0x07)).unwrap();
        assert_eq!(
            serde_json::to_value(m).unwrap(),
            serde_json::json!({
                "unit": "fahrenheit",
                "temperature": 36.4,
                "timestamp": {
                    "year": 2025, "month": 3, "day": 14, "hours": 9, "minutes": 30, "seconds": 0
                },
                "temperatureType": "mouth"
            })
        );
        let json = serde_json::to_value(TemperatureType::Reserved(12)).unwrap();
        assert_eq!(json, serde_json::json!({ "reserved": 12 }));
        let nan = parse(&[0x00, 0xFF, 0xFF, 0x7F, 0x00]).unwrap();
        assert_eq!(serde_json::to_value(nan).unwrap()["unit"], "celsius");
        assert_eq!(serde_json::to_value(nan).unwrap()["temperature"], "nan");
    }
}
