//! The three instrument profiles and the decoding of their measurements into readings.
//!
//! A measurement becomes `relais_core` readings (units converted by `relais_core`), or is
//! dropped with a reason: an unreadable packet, a special value (a cuff error is NaN with no
//! status bit), or a status that says the device did not measure the patient.
use relais_core::measurement::Reading;
use relais_peripherals::gatt::blood_pressure::{self, PressureUnit};
use relais_peripherals::gatt::thermometer::{self, TemperatureUnit};
use relais_peripherals::gatt::{plx, GattDateTime};
use serde::Serialize;

/// An instrument profile the station supports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum InstrumentKind {
    /// Blood pressure cuff (service 0x1810, measurement 0x2A35, indications).
    BloodPressure,
    /// Pulse oximeter (service 0x1822, spot-check 0x2A5E, indications).
    PulseOximeter,
    /// Thermometer (service 0x1809, temperature measurement 0x2A1C, indications).
    Thermometer,
}

impl InstrumentKind {
    /// Every supported profile.
    pub const ALL: [Self; 3] = [Self::BloodPressure, Self::PulseOximeter, Self::Thermometer];

    /// The service the instrument advertises.
    #[must_use]
    pub fn service(self) -> u16 {
        match self {
            Self::BloodPressure => blood_pressure::SERVICE_UUID,
            Self::PulseOximeter => plx::SERVICE_UUID,
            Self::Thermometer => thermometer::SERVICE_UUID,
        }
    }

    /// The measurement characteristic to subscribe to.
    #[must_use]
    pub fn measurement(self) -> u16 {
        match self {
            Self::BloodPressure => blood_pressure::MEASUREMENT_UUID,
            Self::PulseOximeter => plx::SPOT_CHECK_UUID,
            Self::Thermometer => thermometer::MEASUREMENT_UUID,
        }
    }

    /// The first supported profile among advertised services.
    #[must_use]
    pub fn from_services(services: &[u16]) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|kind| services.contains(&kind.service()))
    }

    /// The services to scan for.
    #[must_use]
    pub fn scan_services() -> Vec<u16> {
        Self::ALL.iter().map(|k| k.service()).collect()
    }
}

/// A measurement that became readings.
#[derive(Debug, Clone, PartialEq)]
pub struct Decoded {
    /// One or two readings (blood pressure and pulse, SpO2 and pulse, temperature).
    pub readings: Vec<Reading>,
    /// The device's own time stamp, when it sent a usable one (its local time, unzoned).
    pub device_time: Option<GattDateTime>,
    /// Warnings of the device about the measurement (codes such as `BODY_MOVEMENT`).
    pub warnings: Vec<&'static str>,
}

/// Why a measurement is not a reading (stable code + French message).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Dropped {
    /// The packet could not be decoded.
    #[error("Mesure illisible envoyée par l’appareil : refaites la mesure.")]
    Unreadable,
    /// A special value (NaN: the device failed to measure).
    #[error("L’appareil signale une erreur de mesure : refaites la mesure.")]
    DeviceError,
    /// A status bit says the value is not a measurement of the patient.
    #[error("L’appareil signale une mesure non valide (capteur mal placé ou en défaut) : refaites la mesure.")]
    StatusRejects,
    /// The characteristic is not one the station reads.
    #[error("Mesure d’un type non pris en charge.")]
    Unsupported,
}

impl Dropped {
    /// Stable machine code.
    #[must_use]
    pub fn code(&self) -> &'static str {
        match self {
            Self::Unreadable => "DEVICE_PACKET_UNREADABLE",
            Self::DeviceError => "DEVICE_MEASUREMENT_ERROR",
            Self::StatusRejects => "DEVICE_MEASUREMENT_INVALID",
            Self::Unsupported => "DEVICE_MEASUREMENT_UNSUPPORTED",
        }
    }
}

/// Decodes one notification of `characteristic` into readings, or says why it is dropped.
///
/// # Errors
///
/// [`Dropped`] for an unreadable packet, a special value or a rejecting status.
pub fn decode(characteristic: u16, bytes: &[u8]) -> Result<Decoded, Dropped> {
    match characteristic {
        blood_pressure::MEASUREMENT_UUID => decode_blood_pressure(bytes),
        plx::SPOT_CHECK_UUID => decode_spot_check(bytes),
        thermometer::MEASUREMENT_UUID => decode_temperature(bytes),
        _ => Err(Dropped::Unsupported),
    }
}

fn decode_blood_pressure(bytes: &[u8]) -> Result<Decoded, Dropped> {
    let m = blood_pressure::parse(bytes).map_err(|_| Dropped::Unreadable)?;
    let (Some(systolic), Some(diastolic)) = (m.systolic.as_f64(), m.diastolic.as_f64()) else {
        return Err(Dropped::DeviceError);
    };
    let pressure = match m.unit {
        PressureUnit::MmHg => Reading::BloodPressure {
            systolic,
            diastolic,
        },
        PressureUnit::KPa => Reading::blood_pressure_kpa(systolic, diastolic),
    };
    let mut readings = vec![pressure];
    if let Some(bpm) = m.pulse_rate.and_then(|p| p.as_f64()) {
        readings.push(Reading::Pulse { bpm });
    }
    let mut warnings = Vec::new();
    if let Some(status) = m.status {
        for (on, code) in [
            (status.body_movement, "BODY_MOVEMENT"),
            (status.cuff_too_loose, "CUFF_TOO_LOOSE"),
            (status.irregular_pulse, "IRREGULAR_PULSE"),
            (status.improper_position, "IMPROPER_POSITION"),
        ] {
            if on {
                warnings.push(code);
            }
        }
    }
    Ok(Decoded {
        readings,
        device_time: m.timestamp.filter(|t| t.to_naive().is_some()),
        warnings,
    })
}

fn decode_spot_check(bytes: &[u8]) -> Result<Decoded, Dropped> {
    let m = plx::parse_spot_check(bytes).map_err(|_| Dropped::Unreadable)?;
    let (Some(percent), Some(bpm)) = (m.spo2.as_f64(), m.pulse_rate.as_f64()) else {
        return Err(Dropped::DeviceError);
    };
    if !m.is_valid_reading() {
        return Err(Dropped::StatusRejects);
    }
    let mut warnings = Vec::new();
    if m.device_and_sensor_status
        .is_some_and(|s| s.low_perfusion_detected || s.poor_signal_detected)
    {
        warnings.push("POOR_SIGNAL");
    }
    if m.measurement_status
        .is_some_and(|s| s.questionable_measurement_detected)
    {
        warnings.push("QUESTIONABLE_MEASUREMENT");
    }
    Ok(Decoded {
        readings: vec![Reading::SpO2 { percent }, Reading::Pulse { bpm }],
        device_time: m.reliable_timestamp().filter(|t| t.to_naive().is_some()),
        warnings,
    })
}

fn decode_temperature(bytes: &[u8]) -> Result<Decoded, Dropped> {
    let m = thermometer::parse(bytes).map_err(|_| Dropped::Unreadable)?;
    let Some(value) = m.temperature.as_f64() else {
        return Err(Dropped::DeviceError);
    };
    let reading = match m.unit {
        TemperatureUnit::Celsius => Reading::Temperature { celsius: value },
        TemperatureUnit::Fahrenheit => Reading::temperature_fahrenheit(value),
    };
    Ok(Decoded {
        readings: vec![reading],
        device_time: m.timestamp.filter(|t| t.to_naive().is_some()),
        warnings: Vec::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use relais_peripherals::examples;

    #[test]
    fn profiles_from_services() {
        assert_eq!(
            InstrumentKind::from_services(&[0x180A, 0x1810]),
            Some(InstrumentKind::BloodPressure)
        );
        assert_eq!(
            InstrumentKind::from_services(&[0x1822]),
            Some(InstrumentKind::PulseOximeter)
        );
        assert_eq!(
            InstrumentKind::from_services(&[0x1809]),
            Some(InstrumentKind::Thermometer)
        );
        assert_eq!(InstrumentKind::from_services(&[0x180D]), None);
        assert_eq!(
            InstrumentKind::scan_services(),
            vec![0x1810, 0x1822, 0x1809]
        );
    }

    #[test]
    fn measurements_become_readings() {
        let d = decode(0x2A35, examples::BP_FULL).expect("bp");
        assert_eq!(
            d.readings,
            vec![
                Reading::BloodPressure {
                    systolic: 128.0,
                    diastolic: 82.0
                },
                Reading::Pulse { bpm: 72.0 }
            ]
        );
        assert!(d.device_time.is_some());
        let d = decode(0x2A35, examples::BP_KPA).expect("kPa");
        let Reading::BloodPressure { systolic, .. } = d.readings[0] else {
            panic!("blood pressure expected");
        };
        assert!((systolic - 120.01).abs() < 0.01, "{systolic}");
        let d = decode(0x2A35, examples::BP_WITH_WARNINGS).expect("warnings");
        assert_eq!(d.warnings, vec!["BODY_MOVEMENT", "IRREGULAR_PULSE"]);
        let d = decode(0x2A5E, examples::PLX_MINIMAL).expect("plx");
        assert_eq!(
            d.readings,
            vec![
                Reading::SpO2 { percent: 97.0 },
                Reading::Pulse { bpm: 72.0 }
            ]
        );
        let d = decode(0x2A1C, examples::TEMP_FAHRENHEIT).expect("°F");
        let Reading::Temperature { celsius } = d.readings[0] else {
            panic!("temperature expected");
        };
        assert!((celsius - 37.0).abs() < 1e-9);
    }

    #[test]
    fn error_measurements_are_dropped() {
        assert_eq!(
            decode(0x2A35, examples::BP_CUFF_ERROR),
            Err(Dropped::DeviceError)
        );
        assert_eq!(
            decode(0x2A5E, examples::PLX_INVALID),
            Err(Dropped::DeviceError)
        );
        assert_eq!(
            decode(0x2A5E, examples::PLX_SENSOR_DISCONNECTED),
            Err(Dropped::StatusRejects)
        );
        assert_eq!(
            decode(0x2A1C, examples::TEMP_NAN),
            Err(Dropped::DeviceError)
        );
        assert_eq!(decode(0x2A35, &[0x00, 0x78]), Err(Dropped::Unreadable));
        assert_eq!(decode(0x2A37, &[0, 60]), Err(Dropped::Unsupported));
        assert_eq!(Dropped::DeviceError.code(), "DEVICE_MEASUREMENT_ERROR");
    }
}
