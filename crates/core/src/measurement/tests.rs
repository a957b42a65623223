//! Table tests of the plausibility ranges, conversions, display and JSON shape.
use super::*;
use proptest::prelude::*;
use serde_json::json;

/// Expected: "ok", or the code of an unusual ("?CODE") or implausible ("!CODE") reading.
fn check_one(reading: Reading, expected: &str) {
    let got = match check(&reading) {
        Plausibility::Plausible => "ok".to_string(),
        Plausibility::Unusual { code, message } => {
            assert!(message.ends_with("confirmez la mesure."), "{message}");
            format!("?{code}")
        }
        Plausibility::Implausible {
            code,
            message,
            min,
            max,
        } => {
            assert!(min < max && message.contains("mesure"), "{message}");
            format!("!{code}")
        }
    };
    assert_eq!(got, expected, "check({reading:?})");
}

fn bp(systolic: f64, diastolic: f64) -> Reading {
    Reading::BloodPressure {
        systolic,
        diastolic,
    }
}

#[test]
fn blood_pressure() {
    let table = [
        (bp(128.0, 82.0), "ok"),
        (bp(50.0, 30.0), "?SYSTOLIC_LOW"),
        (bp(49.9, 30.0), "!SYSTOLIC_RANGE"),
        (bp(280.0, 100.0), "?SYSTOLIC_HIGH"),
        (bp(280.1, 100.0), "!SYSTOLIC_RANGE"),
        (bp(179.9, 80.0), "ok"),
        (bp(180.0, 80.0), "?SYSTOLIC_HIGH"),
        (bp(90.0, 60.0), "ok"),
        (bp(89.9, 60.0), "?SYSTOLIC_LOW"),
        (bp(120.0, 29.9), "!DIASTOLIC_RANGE"),
        (bp(200.0, 180.1), "!DIASTOLIC_RANGE"),
        (bp(120.0, 50.0), "ok"),
        (bp(120.0, 49.9), "?DIASTOLIC_LOW"),
        (bp(150.0, 109.9), "ok"),
        (bp(150.0, 110.0), "?DIASTOLIC_HIGH"),
        (bp(120.0, 120.0), "!DIASTOLIC_NOT_BELOW_SYSTOLIC"),
        (bp(80.0, 95.0), "!DIASTOLIC_NOT_BELOW_SYSTOLIC"),
        (bp(120.0, 119.9), "?DIASTOLIC_HIGH"),
        // Systolic reported first when both are unusual.
        (bp(185.0, 115.0), "?SYSTOLIC_HIGH"),
        (bp(f64::NAN, 80.0), "!SYSTOLIC_RANGE"),
        (bp(120.0, f64::INFINITY), "!DIASTOLIC_RANGE"),
        (bp(f64::NEG_INFINITY, f64::NAN), "!SYSTOLIC_RANGE"),
    ];
    for (reading, expected) in table {
        check_one(reading, expected);
    }
}

#[test]
fn single_values() {
    let pulse = |bpm| Reading::Pulse { bpm };
    let spo2 = |percent| Reading::SpO2 { percent };
    let temp = |celsius| Reading::Temperature { celsius };
    let weight = |kg| Reading::Weight { kg };
    let gly = |g_per_l| Reading::Glycaemia { g_per_l };
    let table = [
        (pulse(72.0), "ok"),
        (pulse(20.0), "?PULSE_LOW"),
        (pulse(19.9), "!PULSE_RANGE"),
        (pulse(44.9), "?PULSE_LOW"),
        (pulse(45.0), "ok"),
        (pulse(130.0), "ok"),
        (pulse(130.1), "?PULSE_HIGH"),
        (pulse(250.0), "?PULSE_HIGH"),
        (pulse(250.1), "!PULSE_RANGE"),
        (pulse(f64::NAN), "!PULSE_RANGE"),
        (spo2(98.0), "ok"),
        (spo2(100.0), "ok"),
        (spo2(100.1), "!SPO2_RANGE"),
        (spo2(92.0), "ok"),
        (spo2(91.9), "?SPO2_LOW"),
        (spo2(50.0), "?SPO2_LOW"),
        (spo2(49.9), "!SPO2_RANGE"),
        (spo2(f64::INFINITY), "!SPO2_RANGE"),
        (temp(37.0), "ok"),
        (temp(35.5), "ok"),
        (temp(35.4), "?TEMPERATURE_LOW"),
        (temp(39.4), "ok"),
        (temp(39.5), "?TEMPERATURE_HIGH"),
        (temp(45.0), "?TEMPERATURE_HIGH"),
        (temp(45.1), "!TEMPERATURE_RANGE"),
        (temp(30.0), "?TEMPERATURE_LOW"),
        (temp(29.9), "!TEMPERATURE_RANGE"),
        (temp(98.6), "!TEMPERATURE_RANGE"),
        (weight(72.5), "ok"),
        (weight(0.3), "ok"),
        (weight(0.29), "!WEIGHT_RANGE"),
        (weight(400.0), "ok"),
        (weight(400.5), "!WEIGHT_RANGE"),
        (weight(f64::NAN), "!WEIGHT_RANGE"),
        (gly(1.0), "ok"),
        (gly(0.6), "ok"),
        (gly(0.59), "?GLYCAEMIA_LOW"),
        (gly(0.2), "?GLYCAEMIA_LOW"),
        (gly(0.19), "!GLYCAEMIA_RANGE"),
        (gly(2.5), "ok"),
        (gly(2.51), "?GLYCAEMIA_HIGH"),
        (gly(6.0), "?GLYCAEMIA_HIGH"),
        (gly(6.1), "!GLYCAEMIA_RANGE"),
        (gly(-1.0), "!GLYCAEMIA_RANGE"),
    ];
    for (reading, expected) in table {
        check_one(reading, expected);
    }
}

#[test]
fn messages_give_the_value_and_the_range() {
    assert_eq!(
        check(&bp(300.0, 80.0)),
        Plausibility::Implausible {
            code: "SYSTOLIC_RANGE".into(),
            message: "Pression systolique impossible (300 mmHg) : la valeur doit être comprise entre 50 et 280 mmHg. Refaites la mesure.".into(),
            min: 50.0,
            max: 280.0,
        }
    );
    assert_eq!(
        check(&Reading::Temperature { celsius: 39.8 }),
        Plausibility::Unusual {
            code: "TEMPERATURE_HIGH".into(),
            message: "Température élevée (39,8 °C) : confirmez la mesure.".into(),
        }
    );
    assert_eq!(
        check(&Reading::Weight { kg: 0.1 }).code(),
        Some("WEIGHT_RANGE")
    );
    let Plausibility::Implausible { message, .. } = check(&Reading::Weight { kg: 0.1 }) else {
        panic!("weight 0.1 kg must be implausible");
    };
    assert!(message.contains("entre 0,3 et 400 kg"), "{message}");
    let Plausibility::Implausible { message, .. } = check(&Reading::SpO2 { percent: f64::NAN })
    else {
        panic!("NaN must be implausible");
    };
    assert!(message.contains("valeur illisible"), "{message}");
    let Plausibility::Implausible { message, max, .. } = check(&bp(100.0, 120.0)) else {
        panic!("diastolic above systolic must be implausible");
    };
    assert_eq!(max, 100.0);
    assert!(
        message.contains("(120 mmHg)") && message.contains("(100 mmHg)"),
        "{message}"
    );
    assert!(check(&bp(120.0, 80.0)).is_plausible());
    assert!(check(&bp(20.0, 10.0)).is_implausible());
    assert_eq!(check(&bp(120.0, 80.0)).code(), None);
}

#[test]
fn conversions() {
    let close = |a: f64, b: f64| (a - b).abs() < 1e-9;
    let Reading::BloodPressure {
        systolic,
        diastolic,
    } = Reading::blood_pressure_kpa(16.0, 10.0)
    else {
        panic!("blood pressure expected");
    };
    assert!(
        close(systolic, 120.009_92) && close(diastolic, 75.0062),
        "{systolic} {diastolic}"
    );
    let table = [
        (Reading::temperature_fahrenheit(98.6), 37.0),
        (Reading::temperature_fahrenheit(32.0), 0.0),
        (Reading::temperature_fahrenheit(212.0), 100.0),
        (Reading::glycaemia_mmol_per_l(5.55), 1.0),
        (Reading::glycaemia_mmol_per_l(11.1), 2.0),
    ];
    for (reading, expected) in table {
        let value = match reading {
            Reading::Temperature { celsius } => celsius,
            Reading::Glycaemia { g_per_l } => g_per_l,
            other => panic!("unexpected {other:?}"),
        };
        assert!(close(value, expected), "{reading:?} != {expected}");
    }
    assert_eq!(
        format_fr(&Reading::temperature_fahrenheit(100.4)),
        "38,0 °C"
    );
    assert_eq!(
        check(&Reading::blood_pressure_kpa(16.0, 10.0)),
        Plausibility::Plausible
    );
}

#[test]
fn french_display() {
    let table = [
        (bp(128.0, 82.0), "128/82 mmHg"),
        (bp(127.6, 81.4), "128/81 mmHg"),
        (Reading::Pulse { bpm: 72.0 }, "72 /min"),
        (Reading::SpO2 { percent: 98.0 }, "98 %"),
        (Reading::Temperature { celsius: 37.8 }, "37,8 °C"),
        (Reading::Temperature { celsius: 37.0 }, "37,0 °C"),
        (Reading::Temperature { celsius: 37.85 }, "37,9 °C"),
        (Reading::Weight { kg: 72.5 }, "72,5 kg"),
        (Reading::Weight { kg: 3.25 }, "3,25 kg"),
        (Reading::Weight { kg: 80.0 }, "80 kg"),
        (Reading::Glycaemia { g_per_l: 1.05 }, "1,05 g/L"),
        (Reading::Glycaemia { g_per_l: 1.1 }, "1,1 g/L"),
        (Reading::Pulse { bpm: f64::NAN }, "? /min"),
        (Reading::Weight { kg: f64::INFINITY }, "? kg"),
    ];
    for (reading, expected) in table {
        assert_eq!(format_fr(&reading), expected, "{reading:?}");
    }
}

#[test]
fn json_shape() {
    let table = [
        (
            bp(128.0, 82.0),
            json!({ "kind": "bloodPressure", "systolic": 128.0, "diastolic": 82.0 }),
        ),
        (
            Reading::Pulse { bpm: 72.0 },
            json!({ "kind": "pulse", "bpm": 72.0 }),
        ),
        (
            Reading::SpO2 { percent: 98.0 },
            json!({ "kind": "spO2", "percent": 98.0 }),
        ),
        (
            Reading::Temperature { celsius: 37.8 },
            json!({ "kind": "temperature", "celsius": 37.8 }),
        ),
        (
            Reading::Weight { kg: 72.5 },
            json!({ "kind": "weight", "kg": 72.5 }),
        ),
        (
            Reading::Glycaemia { g_per_l: 1.05 },
            json!({ "kind": "glycaemia", "gPerL": 1.05 }),
        ),
    ];
    for (reading, value) in table {
        assert_eq!(serde_json::to_value(reading).unwrap(), value);
        assert_eq!(serde_json::from_value::<Reading>(value).unwrap(), reading);
    }
    assert_eq!(
        serde_json::to_value(Plausibility::Plausible).unwrap(),
        json!({ "level": "plausible" })
    );
    assert_eq!(
        serde_json::to_value(check(&Reading::SpO2 { percent: 90.0 })).unwrap(),
        json!({ "level": "unusual", "code": "SPO2_LOW", "message": "Saturation en oxygène basse (90 %) : confirmez la mesure." })
    );
    assert_eq!(
        serde_json::to_value(check(&Reading::Pulse { bpm: 300.0 })).unwrap(),
        json!({
            "level": "implausible",
            "code": "PULSE_RANGE",
            "message": "Pouls impossible (300 /min) : la valeur doit être comprise entre 20 et 250 /min. Refaites la mesure.",
            "min": 20.0,
            "max": 250.0
        })
    );
}

fn any_reading() -> impl Strategy<Value = Reading> {
    let v = || prop_oneof![any::<f64>(), -10.0f64..500.0];
    prop_oneof![
        (v(), v()).prop_map(|(systolic, diastolic)| Reading::BloodPressure {
            systolic,
            diastolic
        }),
        v().prop_map(|bpm| Reading::Pulse { bpm }),
        v().prop_map(|percent| Reading::SpO2 { percent }),
        v().prop_map(|celsius| Reading::Temperature { celsius }),
        v().prop_map(|kg| Reading::Weight { kg }),
        v().prop_map(|g_per_l| Reading::Glycaemia { g_per_l }),
    ]
}

proptest! {
    #[test]
    fn never_panics_and_non_finite_is_implausible(reading in any_reading()) {
        let p = check(&reading);
        let _ = format_fr(&reading);
        let values: Vec<f64> = match reading {
            Reading::BloodPressure { systolic, diastolic } => vec![systolic, diastolic],
            Reading::Pulse { bpm: x } | Reading::SpO2 { percent: x } | Reading::Temperature { celsius: x }
            | Reading::Weight { kg: x } | Reading::Glycaemia { g_per_l: x } => vec![x],
        };
        if values.iter().any(|x| !x.is_finite()) {
            prop_assert!(p.is_implausible());
        }
    }
}
