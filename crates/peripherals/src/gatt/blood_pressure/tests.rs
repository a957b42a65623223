use super::*;

/// The fields of a packet for `flags`, in order, each with the bytes it takes.
fn segments(flags: u8) -> Vec<(Field, Vec<u8>)> {
    let mut segments = vec![
        (Field::Flags, vec![flags]),
        (Field::Systolic, vec![0x78, 0x00]),             // 120
        (Field::Diastolic, vec![0x50, 0x00]),            // 80
        (Field::MeanArterialPressure, vec![0xA5, 0xF3]), // 933 × 10^-1 = 93.3
    ];
    if flags & FLAG_TIMESTAMP != 0 {
        segments.push((
            Field::Timestamp,
            vec![0xE9, 0x07, 0x03, 0x0E, 0x09, 0x1E, 0x00],
        ));
    }
    if flags & FLAG_PULSE_RATE != 0 {
        segments.push((Field::PulseRate, vec![0x48, 0x00])); // 72
    }
    if flags & FLAG_USER_ID != 0 {
        segments.push((Field::UserId, vec![0x02]));
    }
    if flags & FLAG_STATUS != 0 {
        segments.push((Field::MeasurementStatus, vec![0x05, 0x00])); // body movement, irregular
    }
    segments
}

fn packet(flags: u8) -> Vec<u8> {
    segments(flags).into_iter().flat_map(|(_, b)| b).collect()
}

fn stamp() -> GattDateTime {
    GattDateTime {
        year: 2025,
        month: 3,
        day: 14,
        hours: 9,
        minutes: 30,
        seconds: 0,
    }
}

#[test]
fn minimal_packet_in_mmhg() {
    let m = parse(&[0x00, 0x78, 0x00, 0x50, 0x00, 0x5D, 0x00]).unwrap();
    assert_eq!(
        m,
        BloodPressureMeasurement {
            unit: PressureUnit::MmHg,
            systolic: Value::Number(120.0),
            diastolic: Value::Number(80.0),
            mean_arterial_pressure: Value::Number(93.0),
            timestamp: None,
            pulse_rate: None,
            user_id: None,
            status: None,
        }
    );
    assert!(m.is_valid_reading());
}

#[test]
fn every_flag_combination_reads_exactly_the_announced_fields() {
    for flags in 0u8..32 {
        let m = parse(&packet(flags)).unwrap();
        let unit = if flags & FLAG_KPA != 0 {
            PressureUnit::KPa
        } else {
            PressureUnit::MmHg
        };
        assert_eq!(m.unit, unit, "flags {flags:#04x}");
        assert_eq!(m.systolic, Value::Number(120.0));
        assert_eq!(m.diastolic, Value::Number(80.0));
        assert_eq!(m.mean_arterial_pressure, Value::Number(93.3));
        assert_eq!(m.timestamp, (flags & FLAG_TIMESTAMP != 0).then(stamp));
        assert_eq!(
            m.pulse_rate,
            (flags & FLAG_PULSE_RATE != 0).then_some(Value::Number(72.0))
        );
        assert_eq!(m.user_id, (flags & FLAG_USER_ID != 0).then_some(2));
        assert_eq!(
            m.status,
            (flags & FLAG_STATUS != 0).then_some(BloodPressureStatus {
                body_movement: true,
                cuff_too_loose: false,
                irregular_pulse: true,
                pulse_rate_range: PulseRateRange::WithinRange,
                improper_position: false,
            })
        );
    }
}

#[test]
fn reserved_flag_bits_are_ignored() {
    for flags in 0u8..32 {
        let plain = parse(&packet(flags)).unwrap();
        for reserved in [0x20u8, 0x40, 0x80, 0xE0] {
            let mut bytes = packet(flags);
            bytes[0] |= reserved;
            assert_eq!(parse(&bytes).unwrap(), plain, "flags {:#04x}", bytes[0]);
        }
    }
}

#[test]
fn every_truncation_is_an_error_naming_the_missing_field() {
    for flags in 0u8..32 {
        let full = packet(flags);
        let segments = segments(flags);
        for len in 0..full.len() {
            let error = parse(&full[..len]).unwrap_err();
            assert_eq!(error.code(), "TRUNCATED");
            // The missing field is the first one that does not fit in `len` bytes.
            let mut end = 0;
            let (expected, start) = segments
                .iter()
                .find_map(|(field, bytes)| {
                    let start = end;
                    end += bytes.len();
                    (end > len).then_some((*field, start))
                })
                .unwrap();
            assert_eq!(
                error,
                GattError::Truncated {
                    characteristic: 0x2A35,
                    field: expected,
                    offset: start,
                    needed: segments
                        .iter()
                        .find(|(f, _)| *f == expected)
                        .unwrap()
                        .1
                        .len(),
                    len,
                },
                "flags {flags:#04x}, {len} bytes"
            );
        }
    }
}

#[test]
fn truncated_message_is_french() {
    let error = parse(&[0x00, 0x78, 0x00, 0x50, 0x00, 0x5D]).unwrap_err();
    assert_eq!(
        error.to_string(),
        "Mesure Bluetooth incomplète (caractéristique 0x2A35) : il manque la pression artérielle \
         moyenne (2 octet(s) attendu(s) à partir de l'octet 5, la trame en compte 6)."
    );
    assert_eq!(parse(&[]).unwrap_err().missing_field(), Some(Field::Flags));
}

#[test]
fn trailing_bytes_are_ignored() {
    for flags in [0x00u8, 0x1E, 0x1F] {
        let mut bytes = packet(flags);
        let plain = parse(&bytes).unwrap();
        bytes.extend_from_slice(&[0xFF, 0x07, 0x00, 0x42]);
        assert_eq!(parse(&bytes).unwrap(), plain);
    }
}

#[test]
fn kpa_values_stay_in_kpa() {
    // 16.0 kPa (160 × 10^-1), 10.7 kPa (107 × 10^-1), 12.4 kPa (124 × 10^-1).
    let m = parse(&[0x01, 0xA0, 0xF0, 0x6B, 0xF0, 0x7C, 0xF0]).unwrap();
    assert_eq!(m.unit, PressureUnit::KPa);
    assert_eq!(m.systolic, Value::Number(16.0));
    assert_eq!(m.diastolic, Value::Number(10.7));
    assert_eq!(m.mean_arterial_pressure, Value::Number(12.4));
    assert!(m.is_valid_reading());
}

#[test]
fn cuff_error_is_nan_never_a_number() {
    // Flags: pulse rate and status present; every value 0x07FF; status bits unset.
    let bytes = [
        0x14, 0xFF, 0x07, 0xFF, 0x07, 0xFF, 0x07, 0xFF, 0x07, 0x00, 0x00,
    ];
    let m = parse(&bytes).unwrap();
    assert_eq!(m.systolic, Value::NaN);
    assert_eq!(m.diastolic, Value::NaN);
    assert_eq!(m.mean_arterial_pressure, Value::NaN);
    assert_eq!(m.pulse_rate, Some(Value::NaN));
    assert_eq!(m.systolic.as_f64(), None);
    assert!(!m.is_valid_reading());
    assert!(!m.status.unwrap().has_warning());
}

#[test]
fn any_special_value_in_systolic_or_diastolic_invalidates_the_reading() {
    for special in [0x07FFu16, 0x0800, 0x07FE, 0x0802, 0x0801, 0x17FF] {
        let [lo, hi] = special.to_le_bytes();
        let systolic = parse(&[0x00, lo, hi, 0x50, 0x00, 0x5D, 0x00]).unwrap();
        let diastolic = parse(&[0x00, 0x78, 0x00, lo, hi, 0x5D, 0x00]).unwrap();
        assert!(!systolic.is_valid_reading(), "{special:#06X}");
        assert!(!diastolic.is_valid_reading(), "{special:#06X}");
        assert!(!systolic.systolic.is_number());
    }
    // A MAP the cuff could not compute does not hide systolic and diastolic.
    let m = parse(&[0x00, 0x78, 0x00, 0x50, 0x00, 0xFF, 0x07]).unwrap();
    assert!(m.is_valid_reading());
    assert_eq!(m.mean_arterial_pressure, Value::NaN);
}

#[test]
fn status_bits_decode_one_by_one() {
    let none = BloodPressureStatus::from_bits(0);
    assert!(!none.has_warning());
    let cases: &[(u16, BloodPressureStatus)] = &[
        (
            0x0001,
            BloodPressureStatus {
                body_movement: true,
                ..none
            },
        ),
        (
            0x0002,
            BloodPressureStatus {
                cuff_too_loose: true,
                ..none
            },
        ),
        (
            0x0004,
            BloodPressureStatus {
                irregular_pulse: true,
                ..none
            },
        ),
        (
            0x0008,
            BloodPressureStatus {
                pulse_rate_range: PulseRateRange::ExceedsUpperLimit,
                ..none
            },
        ),
        (
            0x0010,
            BloodPressureStatus {
                pulse_rate_range: PulseRateRange::BelowLowerLimit,
                ..none
            },
        ),
        (
            0x0018,
            BloodPressureStatus {
                pulse_rate_range: PulseRateRange::Reserved,
                ..none
            },
        ),
        (
            0x0020,
            BloodPressureStatus {
                improper_position: true,
                ..none
            },
        ),
        // Reserved bits 6–15 are ignored.
        (0xFFC0, none),
    ];
    for &(bits, expected) in cases {
        let status = BloodPressureStatus::from_bits(bits);
        assert_eq!(status, expected, "bits {bits:#06x}");
        assert_eq!(status.has_warning(), bits & 0x3F != 0, "bits {bits:#06x}");
    }
    let all = BloodPressureStatus::from_bits(0x003F);
    assert!(all.body_movement && all.cuff_too_loose && all.irregular_pulse);
    assert!(all.improper_position);
    assert_eq!(all.pulse_rate_range, PulseRateRange::Reserved);
}

#[test]
fn unknown_user_is_kept_as_sent() {
    let m = parse(&[0x08, 0x78, 0x00, 0x50, 0x00, 0x5D, 0x00, 0xFF]).unwrap();
    assert_eq!(m.user_id, Some(UNKNOWN_USER));
}

#[test]
fn serializes_in_camel_case() {
    let m = parse(&packet(0x1F)).unwrap();
    assert_eq!(
        serde_json::to_value(m).unwrap(),
        serde_json::json!({
            "unit": "kPa",
            "systolic": 120.0,
            "diastolic": 80.0,
            "meanArterialPressure": 93.3,
            "timestamp": {
                "year": 2025, "month": 3, "day": 14, "hours": 9, "minutes": 30, "seconds": 0
            },
            "pulseRate": 72.0,
            "userId": 2,
            "status": {
                "bodyMovement": true,
                "cuffTooLoose": false,
                "irregularPulse": true,
                "pulseRateRange": "withinRange",
                "improperPosition": false
            }
        })
    );
    let nan = parse(&[0x00, 0xFF, 0x07, 0xFF, 0x07, 0xFF, 0x07]).unwrap();
    let json = serde_json::to_value(nan).unwrap();
    assert_eq!(json["unit"], "mmHg");
    assert_eq!(json["systolic"], "nan");
    assert_eq!(json["timestamp"], serde_json::Value::Null);
}
