//! Instrument readings and their physiological plausibility.
//!
//! A reading outside the physiologically possible range is refused ([`Plausibility::Implausible`],
//! the message gives the range); a possible but unusual one asks the assisting professional to
//! confirm ([`Plausibility::Unusual`]). NaN and infinite values are always refused. Readings in
//! other units are converted on entry: kPa to mmHg, °F to °C, mmol/L to g/L.
use serde::{Deserialize, Serialize};

mod format;
mod limits;

pub use format::format_fr;

/// mmHg in one kPa.
pub const MMHG_PER_KPA: f64 = 7.50062;

/// mmol/L of glucose in one g/L.
pub const MMOL_PER_G_GLUCOSE: f64 = 5.55;

/// One measurement, in the units the station stores (serde tag `kind`, camelCase).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(
    tag = "kind",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
pub enum Reading {
    /// Blood pressure, mmHg.
    BloodPressure {
        /// Systolic pressure, mmHg.
        systolic: f64,
        /// Diastolic pressure, mmHg.
        diastolic: f64,
    },
    /// Pulse rate, beats per minute.
    Pulse {
        /// Beats per minute.
        bpm: f64,
    },
    /// Oxygen saturation, percent.
    SpO2 {
        /// Percent.
        percent: f64,
    },
    /// Body temperature, °C.
    Temperature {
        /// Degrees Celsius.
        celsius: f64,
    },
    /// Body weight, kg.
    Weight {
        /// Kilograms.
        kg: f64,
    },
    /// Capillary glycaemia, g/L.
    Glycaemia {
        /// Grams per litre.
        g_per_l: f64,
    },
}

impl Reading {
    /// Blood pressure read in kPa, converted to mmHg.
    pub fn blood_pressure_kpa(systolic_kpa: f64, diastolic_kpa: f64) -> Self {
        Self::BloodPressure {
            systolic: systolic_kpa * MMHG_PER_KPA,
            diastolic: diastolic_kpa * MMHG_PER_KPA,
        }
    }

    /// Temperature read in °F, converted to °C.
    pub fn temperature_fahrenheit(fahrenheit: f64) -> Self {
        Self::Temperature {
            celsius: (fahrenheit - 32.0) * 5.0 / 9.0,
        }
    }

    /// Glycaemia read in mmol/L, converted to g/L.
    pub fn glycaemia_mmol_per_l(mmol_per_l: f64) -> Self {
        Self::Glycaemia {
            g_per_l: mmol_per_l / MMOL_PER_G_GLUCOSE,
        }
    }
}

/// Whether a reading can be recorded as is (serde tag `level`, camelCase).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "level", rename_all = "camelCase")]
pub enum Plausibility {
    /// Within the usual range.
    Plausible,
    /// Possible but unusual: ask for confirmation.
    Unusual {
        /// Stable machine code, e.g. `SPO2_LOW`.
        code: String,
        /// French message.
        message: String,
    },
    /// Physiologically impossible or unreadable: refuse, measure again.
    Implausible {
        /// Stable machine code, e.g. `SYSTOLIC_RANGE`.
        code: String,
        /// French message giving the accepted range.
        message: String,
        /// Lowest accepted value, in the stored unit.
        min: f64,
        /// Highest accepted value, in the stored unit.
        max: f64,
    },
}

impl Plausibility {
    /// Can be recorded without confirmation.
    pub fn is_plausible(&self) -> bool {
        matches!(self, Self::Plausible)
    }

    /// Must be refused.
    pub fn is_implausible(&self) -> bool {
        matches!(self, Self::Implausible { .. })
    }

    /// The machine code, `None` when plausible.
    pub fn code(&self) -> Option<&str> {
        match self {
            Self::Plausible => None,
            Self::Unusual { code, .. } | Self::Implausible { code, .. } => Some(code),
        }
    }
}

/// Plausibility of one reading: implausible first (refused), then unusual (confirm), else plausible.
pub fn check(reading: &Reading) -> Plausibility {
    use limits::*;
    match *reading {
        Reading::BloodPressure {
            systolic,
            diastolic,
        } => SYSTOLIC
            .implausible(systolic)
            .or_else(|| DIASTOLIC.implausible(diastolic))
            .or_else(|| diastolic_not_below(systolic, diastolic))
            .or_else(|| SYSTOLIC.unusual(systolic))
            .or_else(|| DIASTOLIC.unusual(diastolic))
            .unwrap_or(Plausibility::Plausible),
        Reading::Pulse { bpm } => PULSE.check(bpm),
        Reading::SpO2 { percent } => SPO2.check(percent),
        Reading::Temperature { celsius } => TEMPERATURE.check(celsius),
        Reading::Weight { kg } => WEIGHT.check(kg),
        Reading::Glycaemia { g_per_l } => GLYCAEMIA.check(g_per_l),
    }
}

#[cfg(test)]
mod tests;
