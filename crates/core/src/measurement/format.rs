//! French display of readings: decimal comma, unit after a space.
use super::Reading;
use crate::fr;

/// The reading as shown to French users: "128/82 mmHg", "72 /min", "98 %", "37,8 °C", "72,5 kg", "1,05 g/L".
pub fn format_fr(reading: &Reading) -> String {
    match *reading {
        Reading::BloodPressure {
            systolic,
            diastolic,
        } => format!("{}/{} mmHg", num(systolic, 0), num(diastolic, 0)),
        Reading::Pulse { bpm } => format!("{} /min", num(bpm, 0)),
        Reading::SpO2 { percent } => format!("{} %", num(percent, 0)),
        Reading::Temperature { celsius } => format!("{} °C", num(celsius, 1)),
        Reading::Weight { kg } => format!("{} kg", trimmed(kg, 2)),
        Reading::Glycaemia { g_per_l } => format!("{} g/L", trimmed(g_per_l, 2)),
    }
}

/// Fixed decimals, "?" when not a number.
fn num(value: f64, decimals: usize) -> String {
    if value.is_finite() {
        fr::fixed(value, decimals)
    } else {
        "?".to_string()
    }
}

/// At most `decimals` decimals, "?" when not a number.
fn trimmed(value: f64, decimals: usize) -> String {
    if value.is_finite() {
        fr::trimmed(value, decimals)
    } else {
        "?".to_string()
    }
}
