//! Decoding errors: a stable machine `code()` and a French message (`Display`).

use serde::Serialize;

/// A field of a GATT health characteristic, to name what a truncated packet lacks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Field {
    /// The flags field that opens every measurement.
    Flags,
    /// Blood pressure: systolic pressure.
    Systolic,
    /// Blood pressure: diastolic pressure.
    Diastolic,
    /// Blood pressure: mean arterial pressure.
    MeanArterialPressure,
    /// The time stamp (Date Time, 7 bytes).
    Timestamp,
    /// Pulse rate.
    PulseRate,
    /// Blood pressure: user id.
    UserId,
    /// Measurement status.
    MeasurementStatus,
    /// Pulse oximetry: SpO2.
    #[serde(rename = "spo2")]
    SpO2,
    /// Pulse oximetry: device and sensor status.
    DeviceAndSensorStatus,
    /// Pulse oximetry: pulse amplitude index.
    PulseAmplitudeIndex,
    /// Continuous pulse oximetry: SpO2 of the fast algorithm.
    #[serde(rename = "spo2Fast")]
    SpO2Fast,
    /// Continuous pulse oximetry: pulse rate of the fast algorithm.
    PulseRateFast,
    /// Continuous pulse oximetry: SpO2 of the slow algorithm.
    #[serde(rename = "spo2Slow")]
    SpO2Slow,
    /// Continuous pulse oximetry: pulse rate of the slow algorithm.
    PulseRateSlow,
    /// Thermometer: temperature.
    Temperature,
    /// Thermometer: temperature type (measurement site).
    TemperatureType,
}

impl Field {
    /// The field's name in French, with its article, for messages.
    #[must_use]
    pub fn label_fr(self) -> &'static str {
        match self {
            Self::Flags => "les indicateurs (flags)",
            Self::Systolic => "la pression systolique",
            Self::Diastolic => "la pression diastolique",
            Self::MeanArterialPressure => "la pression artérielle moyenne",
            Self::Timestamp => "l'horodatage",
            Self::PulseRate => "la fréquence du pouls",
            Self::UserId => "l'identifiant d'utilisateur",
            Self::MeasurementStatus => "l'état de la mesure",
            Self::SpO2 => "la saturation en oxygène (SpO2)",
            Self::DeviceAndSensorStatus => "l'état de l'appareil et du capteur",
            Self::PulseAmplitudeIndex => "l'indice d'amplitude du pouls",
            Self::SpO2Fast => "la SpO2 rapide",
            Self::PulseRateFast => "la fréquence du pouls rapide",
            Self::SpO2Slow => "la SpO2 lente",
            Self::PulseRateSlow => "la fréquence du pouls lente",
            Self::Temperature => "la température",
            Self::TemperatureType => "le site de mesure de la température",
        }
    }
}

/// Why a GATT measurement could not be decoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum GattError {
    /// The packet ends before a field its flags announce (or before a mandatory field).
    #[error(
        "Mesure Bluetooth incomplète (caractéristique 0x{characteristic:04X}) : il manque {} ({needed} octet(s) attendu(s) à partir de l'octet {offset}, la trame en compte {len}).",
        .field.label_fr()
    )]
    Truncated {
        /// The 16-bit UUID of the characteristic being decoded.
        characteristic: u16,
        /// The first field that could not be read.
        field: Field,
        /// Where that field starts in the packet.
        offset: usize,
        /// Its size in bytes.
        needed: usize,
        /// The packet's length.
        len: usize,
    },
}

impl GattError {
    /// Stable machine code (SCREAMING_SNAKE_CASE), to branch on.
    #[must_use]
    pub fn code(&self) -> &'static str {
        match self {
            Self::Truncated { .. } => "TRUNCATED",
        }
    }

    /// The field that is missing, for a truncated packet.
    #[must_use]
    pub fn missing_field(&self) -> Option<Field> {
        match self {
            Self::Truncated { field, .. } => Some(*field),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn truncated(field: Field) -> GattError {
        GattError::Truncated {
            characteristic: 0x2A35,
            field,
            offset: 5,
            needed: 2,
            len: 6,
        }
    }

    #[test]
    fn code_is_stable_screaming_snake_case() {
        let error = truncated(Field::MeanArterialPressure);
        assert_eq!(error.code(), "TRUNCATED");
        assert_eq!(error.missing_field(), Some(Field::MeanArterialPressure));
    }

    #[test]
    fn message_is_french_and_names_the_field() {
        let message = truncated(Field::MeanArterialPressure).to_string();
        assert_eq!(
            message,
            "Mesure Bluetooth incomplète (caractéristique 0x2A35) : il manque la pression \
             artérielle moyenne (2 octet(s) attendu(s) à partir de l'octet 5, la trame en compte 6)."
        );
    }

    #[test]
    fn fields_serialize_in_camel_case() {
        let json = serde_json::to_string(&Field::MeanArterialPressure).unwrap();
        assert_eq!(json, "\"meanArterialPressure\"");
        assert_eq!(
            serde_json::to_string(&Field::SpO2Fast).unwrap(),
            "\"spo2Fast\""
        );
    }
}
