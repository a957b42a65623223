//! The example packets of `relais_peripherals::examples` decode to the values they document.

use relais_peripherals::examples;
use relais_peripherals::gatt::blood_pressure::{self, PressureUnit};
use relais_peripherals::gatt::thermometer::{self, TemperatureType, TemperatureUnit};
use relais_peripherals::gatt::{plx, GattDateTime, Value};

fn stamp() -> Option<GattDateTime> {
    Some(GattDateTime {
        year: 2025,
        month: 3,
        day: 14,
        hours: 9,
        minutes: 30,
        seconds: 45,
    })
}

#[test]
fn blood_pressure_examples() {
    let m = blood_pressure::parse(examples::BP_MINIMAL).expect("minimal");
    assert_eq!(
        (m.systolic, m.diastolic),
        (Value::Number(120.0), Value::Number(80.0))
    );
    assert_eq!(m.mean_arterial_pressure, Value::Number(93.0));
    assert!(m.is_valid_reading());

    let m = blood_pressure::parse(examples::BP_FULL).expect("full");
    assert_eq!(m.unit, PressureUnit::MmHg);
    assert_eq!(
        (m.systolic, m.diastolic),
        (Value::Number(128.0), Value::Number(82.0))
    );
    assert_eq!(m.mean_arterial_pressure, Value::Number(97.0));
    assert_eq!(m.timestamp, stamp());
    assert_eq!(m.pulse_rate, Some(Value::Number(72.0)));
    assert_eq!(m.user_id, Some(1));
    assert!(m.status.is_some_and(|s| !s.has_warning()));

    let m = blood_pressure::parse(examples::BP_KPA).expect("kPa");
    assert_eq!(m.unit, PressureUnit::KPa);
    assert_eq!(
        (m.systolic, m.diastolic),
        (Value::Number(16.0), Value::Number(10.7))
    );
    assert_eq!(m.mean_arterial_pressure, Value::Number(12.5));

    let m = blood_pressure::parse(examples::BP_WITH_WARNINGS).expect("warnings");
    assert_eq!(m.pulse_rate, Some(Value::Number(96.0)));
    let status = m.status.expect("status");
    assert!(status.body_movement && status.irregular_pulse && !status.cuff_too_loose);
    assert!(m.is_valid_reading());

    let m = blood_pressure::parse(examples::BP_CUFF_ERROR).expect("cuff error");
    assert_eq!(m.systolic, Value::NaN);
    assert_eq!(m.pulse_rate, Some(Value::NaN));
    assert!(m.status.is_some_and(|s| !s.has_warning()));
    assert!(!m.is_valid_reading());
}

#[test]
fn plx_examples() {
    let m = plx::parse_spot_check(examples::PLX_MINIMAL).expect("minimal");
    assert_eq!(
        (m.spo2, m.pulse_rate),
        (Value::Number(97.0), Value::Number(72.0))
    );
    assert!(m.is_valid_reading());

    let m = plx::parse_spot_check(examples::PLX_FULL).expect("full");
    assert_eq!(
        (m.spo2, m.pulse_rate),
        (Value::Number(98.0), Value::Number(64.0))
    );
    assert_eq!(m.reliable_timestamp(), stamp());
    assert!(m.measurement_status.is_some_and(|s| s.validated_data));
    assert!(m
        .device_and_sensor_status
        .is_some_and(|s| !s.rejects_reading()));
    assert_eq!(m.pulse_amplitude_index, Some(Value::Number(5.2)));
    assert!(m.is_valid_reading());

    let m = plx::parse_spot_check(examples::PLX_INVALID).expect("invalid");
    assert_eq!(m.spo2, Value::NaN);
    assert!(m
        .measurement_status
        .is_some_and(|s| s.invalid_measurement_detected));
    assert!(!m.is_valid_reading());

    let m = plx::parse_spot_check(examples::PLX_SENSOR_DISCONNECTED).expect("disconnected");
    assert_eq!(m.spo2, Value::Number(95.0));
    assert!(m
        .device_and_sensor_status
        .is_some_and(|s| s.sensor_disconnected));
    assert!(
        !m.is_valid_reading(),
        "numbers with a sensor off the patient are no reading"
    );
}

#[test]
fn thermometer_examples() {
    let m = thermometer::parse(examples::TEMP_MINIMAL).expect("minimal");
    assert_eq!(m.celsius(), Some(36.4));

    let m = thermometer::parse(examples::TEMP_FULL).expect("full");
    assert_eq!(m.temperature, Value::Number(37.8));
    assert_eq!(m.timestamp, stamp());
    assert_eq!(m.temperature_type, Some(TemperatureType::Ear));

    let m = thermometer::parse(examples::TEMP_FAHRENHEIT).expect("fahrenheit");
    assert_eq!(m.unit, TemperatureUnit::Fahrenheit);
    assert!(m.celsius().is_some_and(|c| (c - 37.0).abs() < 1e-9));

    let m = thermometer::parse(examples::TEMP_NAN).expect("nan");
    assert_eq!(m.temperature, Value::NaN);
    assert!(!m.is_valid_reading());
}
