use super::*;

const STAMP: [u8; 7] = [0xE9, 0x07, 0x03, 0x0E, 0x09, 0x1E, 0x00];

/// The packet made of `segments`.
fn join(segments: &[(Field, Vec<u8>)]) -> Vec<u8> {
    segments.iter().flat_map(|(_, b)| b.clone()).collect()
}

/// The field a prefix of `len` bytes lacks, with its offset and size.
fn missing(segments: &[(Field, Vec<u8>)], len: usize) -> (Field, usize, usize) {
    let mut start = 0;
    for (field, bytes) in segments {
        if start + bytes.len() > len {
            return (*field, start, bytes.len());
        }
        start += bytes.len();
    }
    panic!("{len} bytes hold the whole packet")
}

/// Spot-check fields for `flags`: SpO2 97, PR 68, the stamp, status 0x0180 (validated,
/// fully qualified), device status 0x000020 (low perfusion), PAI 2.5 (0xF019).
fn spot_segments(flags: u8) -> Vec<(Field, Vec<u8>)> {
    let mut segments = vec![
        (Field::Flags, vec![flags]),
        (Field::SpO2, vec![0x61, 0x00]),
        (Field::PulseRate, vec![0x44, 0x00]),
    ];
    if flags & SPOT_TIMESTAMP != 0 {
        segments.push((Field::Timestamp, STAMP.to_vec()));
    }
    if flags & SPOT_MEASUREMENT_STATUS != 0 {
        segments.push((Field::MeasurementStatus, vec![0x80, 0x01]));
    }
    if flags & SPOT_DEVICE_STATUS != 0 {
        segments.push((Field::DeviceAndSensorStatus, vec![0x20, 0x00, 0x00]));
    }
    if flags & SPOT_PAI != 0 {
        segments.push((Field::PulseAmplitudeIndex, vec![0x19, 0xF0]));
    }
    segments
}

/// Continuous fields for `flags`: normal 97/68, fast 96/70, slow 98/66, then as above.
fn continuous_segments(flags: u8) -> Vec<(Field, Vec<u8>)> {
    let mut segments = vec![
        (Field::Flags, vec![flags]),
        (Field::SpO2, vec![0x61, 0x00]),
        (Field::PulseRate, vec![0x44, 0x00]),
    ];
    if flags & CONTINUOUS_FAST != 0 {
        segments.push((Field::SpO2Fast, vec![0x60, 0x00]));
        segments.push((Field::PulseRateFast, vec![0x46, 0x00]));
    }
    if flags & CONTINUOUS_SLOW != 0 {
        segments.push((Field::SpO2Slow, vec![0x62, 0x00]));
        segments.push((Field::PulseRateSlow, vec![0x42, 0x00]));
    }
    if flags & CONTINUOUS_MEASUREMENT_STATUS != 0 {
        segments.push((Field::MeasurementStatus, vec![0x80, 0x01]));
    }
    if flags & CONTINUOUS_DEVICE_STATUS != 0 {
        segments.push((Field::DeviceAndSensorStatus, vec![0x20, 0x00, 0x00]));
    }
    if flags & CONTINUOUS_PAI != 0 {
        segments.push((Field::PulseAmplitudeIndex, vec![0x19, 0xF0]));
    }
    segments
}

fn validated() -> PlxMeasurementStatus {
    PlxMeasurementStatus {
        validated_data: true,
        fully_qualified_data: true,
        ..PlxMeasurementStatus::default()
    }
}

fn low_perfusion() -> PlxDeviceAndSensorStatus {
    PlxDeviceAndSensorStatus {
        low_perfusion_detected: true,
        ..PlxDeviceAndSensorStatus::default()
    }
}

#[test]
fn minimal_spot_check() {
    let m = parse_spot_check(&[0x00, 0x61, 0x00, 0x44, 0x00]).unwrap();
    assert_eq!(
        m,
        PlxSpotCheck {
            spo2: Value::Number(97.0),
            pulse_rate: Value::Number(68.0),
            timestamp: None,
            measurement_status: None,
            device_and_sensor_status: None,
            pulse_amplitude_index: None,
            device_clock_not_set: false,
        }
    );
    assert!(m.is_valid_reading());
}

#[test]
fn spot_check_every_flag_combination_reads_exactly_the_announced_fields() {
    for flags in 0u8..32 {
        let bytes = join(&spot_segments(flags));
        let m = parse_spot_check(&bytes).unwrap();
        assert_eq!(m.spo2, Value::Number(97.0));
        assert_eq!(m.pulse_rate, Value::Number(68.0));
        assert_eq!(
            m.timestamp,
            (flags & SPOT_TIMESTAMP != 0).then(|| GattDateTime::from_bytes(STAMP))
        );
        assert_eq!(
            m.measurement_status,
            (flags & SPOT_MEASUREMENT_STATUS != 0).then(validated)
        );
        assert_eq!(
            m.device_and_sensor_status,
            (flags & SPOT_DEVICE_STATUS != 0).then(low_perfusion)
        );
        assert_eq!(
            m.pulse_amplitude_index,
            (flags & SPOT_PAI != 0).then_some(Value::Number(2.5))
        );
        assert_eq!(m.device_clock_not_set, flags & SPOT_CLOCK_NOT_SET != 0);
        assert!(m.is_valid_reading(), "flags {flags:#04x}");
        // Reserved bits 5–7 change nothing.
        let mut reserved = bytes.clone();
        reserved[0] |= 0xE0;
        assert_eq!(parse_spot_check(&reserved).unwrap(), m);
    }
}

#[test]
fn spot_check_every_truncation_is_an_error_naming_the_missing_field() {
    for flags in 0u8..32 {
        let segments = spot_segments(flags);
        let full = join(&segments);
        for len in 0..full.len() {
            let (field, offset, needed) = missing(&segments, len);
            assert_eq!(
                parse_spot_check(&full[..len]),
                Err(GattError::Truncated {
                    characteristic: 0x2A5E,
                    field,
                    offset,
                    needed,
                    len,
                }),
                "flags {flags:#04x}, {len} bytes"
            );
        }
    }
}

#[test]
fn spot_check_trailing_bytes_are_ignored() {
    let mut bytes = join(&spot_segments(0x1F));
    let plain = parse_spot_check(&bytes).unwrap();
    bytes.extend_from_slice(&[0xAA, 0xBB]);
    assert_eq!(parse_spot_check(&bytes).unwrap(), plain);
}

#[test]
fn spot_check_special_values_are_not_readings() {
    for special in [0x07FFu16, 0x0800, 0x07FE, 0x0802, 0x0801] {
        let [lo, hi] = special.to_le_bytes();
        let spo2 = parse_spot_check(&[0x00, lo, hi, 0x44, 0x00]).unwrap();
        let pulse = parse_spot_check(&[0x00, 0x61, 0x00, lo, hi]).unwrap();
        assert!(!spo2.spo2.is_number());
        assert!(!spo2.is_valid_reading(), "{special:#06X}");
        assert!(!pulse.is_valid_reading(), "{special:#06X}");
    }
    let nan = parse_spot_check(&[0x00, 0xFF, 0x07, 0xFF, 0x07]).unwrap();
    assert_eq!(nan.spo2, Value::NaN);
    assert_eq!(nan.pulse_rate, Value::NaN);
}

#[test]
fn clock_not_set_makes_the_timestamp_unreliable() {
    let mut bytes = vec![0x11, 0x61, 0x00, 0x44, 0x00];
    bytes.extend_from_slice(&STAMP);
    let m = parse_spot_check(&bytes).unwrap();
    assert!(m.device_clock_not_set);
    assert_eq!(m.timestamp, Some(GattDateTime::from_bytes(STAMP)));
    assert_eq!(m.reliable_timestamp(), None);
    bytes[0] = 0x01;
    let m = parse_spot_check(&bytes).unwrap();
    assert_eq!(
        m.reliable_timestamp(),
        Some(GattDateTime::from_bytes(STAMP))
    );
}

#[test]
fn measurement_status_bits_decode_one_by_one() {
    let none = PlxMeasurementStatus::default();
    assert_eq!(
        PlxMeasurementStatus::from_bits(0x001F),
        none,
        "bits 0–4 reserved"
    );
    let cases: [(u16, PlxMeasurementStatus, bool); 11] = [
        (
            1 << 5,
            PlxMeasurementStatus {
                measurement_ongoing: true,
                ..none
            },
            false,
        ),
        (
            1 << 6,
            PlxMeasurementStatus {
                early_estimated_data: true,
                ..none
            },
            false,
        ),
        (
            1 << 7,
            PlxMeasurementStatus {
                validated_data: true,
                ..none
            },
            false,
        ),
        (
            1 << 8,
            PlxMeasurementStatus {
                fully_qualified_data: true,
                ..none
            },
            false,
        ),
        (
            1 << 9,
            PlxMeasurementStatus {
                data_from_measurement_storage: true,
                ..none
            },
            false,
        ),
        (
            1 << 10,
            PlxMeasurementStatus {
                data_for_demonstration: true,
                ..none
            },
            true,
        ),
        (
            1 << 11,
            PlxMeasurementStatus {
                data_for_testing: true,
                ..none
            },
            true,
        ),
        (
            1 << 12,
            PlxMeasurementStatus {
                calibration_ongoing: true,
                ..none
            },
            false,
        ),
        (
            1 << 13,
            PlxMeasurementStatus {
                measurement_unavailable: true,
                ..none
            },
            true,
        ),
        (
            1 << 14,
            PlxMeasurementStatus {
                questionable_measurement_detected: true,
                ..none
            },
            false,
        ),
        (
            1 << 15,
            PlxMeasurementStatus {
                invalid_measurement_detected: true,
                ..none
            },
            true,
        ),
    ];
    for (bits, expected, rejects) in cases {
        let status = PlxMeasurementStatus::from_bits(bits);
        assert_eq!(status, expected, "bit {bits:#06x}");
        assert_eq!(status.rejects_reading(), rejects, "bit {bits:#06x}");
        // Through the packet: a rejecting status makes the reading invalid.
        let [lo, hi] = bits.to_le_bytes();
        let m = parse_spot_check(&[0x02, 0x61, 0x00, 0x44, 0x00, lo, hi]).unwrap();
        assert_eq!(m.measurement_status, Some(expected));
        assert_eq!(m.is_valid_reading(), !rejects, "bit {bits:#06x}");
    }
}

#[test]
fn device_and_sensor_status_bits_decode_one_by_one() {
    let none = PlxDeviceAndSensorStatus::default();
    assert_eq!(
        PlxDeviceAndSensorStatus::from_bits(0x00FF_0000),
        none,
        "bits 16–23 reserved"
    );
    let cases: [(u32, PlxDeviceAndSensorStatus, bool); 16] = [
        (
            1 << 0,
            PlxDeviceAndSensorStatus {
                extended_display_update_ongoing: true,
                ..none
            },
            false,
        ),
        (
            1 << 1,
            PlxDeviceAndSensorStatus {
                equipment_malfunction_detected: true,
                ..none
            },
            true,
        ),
        (
            1 << 2,
            PlxDeviceAndSensorStatus {
                signal_processing_irregularity_detected: true,
                ..none
            },
            false,
        ),
        (
            1 << 3,
            PlxDeviceAndSensorStatus {
                inadequate_signal_detected: true,
                ..none
            },
            false,
        ),
        (
            1 << 4,
            PlxDeviceAndSensorStatus {
                poor_signal_detected: true,
                ..none
            },
            false,
        ),
        (
            1 << 5,
            PlxDeviceAndSensorStatus {
                low_perfusion_detected: true,
                ..none
            },
            false,
        ),
        (
            1 << 6,
            PlxDeviceAndSensorStatus {
                erratic_signal_detected: true,
                ..none
            },
            false,
        ),
        (
            1 << 7,
            PlxDeviceAndSensorStatus {
                nonpulsatile_signal_detected: true,
                ..none
            },
            false,
        ),
        (
            1 << 8,
            PlxDeviceAndSensorStatus {
                questionable_pulse_detected: true,
                ..none
            },
            false,
        ),
        (
            1 << 9,
            PlxDeviceAndSensorStatus {
                signal_analysis_ongoing: true,
                ..none
            },
            false,
        ),
        (
            1 << 10,
            PlxDeviceAndSensorStatus {
                sensor_interference_detected: true,
                ..none
            },
            false,
        ),
        (
            1 << 11,
            PlxDeviceAndSensorStatus {
                sensor_unconnected_to_user: true,
                ..none
            },
            true,
        ),
        (
            1 << 12,
            PlxDeviceAndSensorStatus {
                unknown_sensor_connected: true,
                ..none
            },
            false,
        ),
        (
            1 << 13,
            PlxDeviceAndSensorStatus {
                sensor_displaced: true,
                ..none
            },
            false,
        ),
        (
            1 << 14,
            PlxDeviceAndSensorStatus {
                sensor_malfunctioning: true,
                ..none
            },
            true,
        ),
        (
            1 << 15,
            PlxDeviceAndSensorStatus {
                sensor_disconnected: true,
                ..none
            },
            true,
        ),
    ];
    for (bits, expected, rejects) in cases {
        let status = PlxDeviceAndSensorStatus::from_bits(bits);
        assert_eq!(status, expected, "bit {bits:#08x}");
        assert_eq!(status.rejects_reading(), rejects, "bit {bits:#08x}");
        let [b0, b1, b2, _] = bits.to_le_bytes();
        let m = parse_spot_check(&[0x04, 0x61, 0x00, 0x44, 0x00, b0, b1, b2]).unwrap();
        assert_eq!(m.device_and_sensor_status, Some(expected));
        assert_eq!(m.is_valid_reading(), !rejects, "bit {bits:#08x}");
        let c = parse_continuous(&[0x08, 0x61, 0x00, 0x44, 0x00, b0, b1, b2]).unwrap();
        assert_eq!(c.is_valid_reading(), !rejects, "bit {bits:#08x}");
    }
}

#[test]
fn minimal_continuous() {
    let m = parse_continuous(&[0x00, 0x61, 0x00, 0x44, 0x00]).unwrap();
    assert_eq!(
        m,
        PlxContinuous {
            normal: SpO2Pr {
                spo2: Value::Number(97.0),
                pulse_rate: Value::Number(68.0),
            },
            fast: None,
            slow: None,
            measurement_status: None,
            device_and_sensor_status: None,
            pulse_amplitude_index: None,
        }
    );
    assert!(m.is_valid_reading());
}

#[test]
fn continuous_every_flag_combination_reads_exactly_the_announced_fields() {
    for flags in 0u8..32 {
        let bytes = join(&continuous_segments(flags));
        let m = parse_continuous(&bytes).unwrap();
        assert_eq!(m.normal.spo2, Value::Number(97.0));
        assert_eq!(m.normal.pulse_rate, Value::Number(68.0));
        assert_eq!(
            m.fast,
            (flags & CONTINUOUS_FAST != 0).then_some(SpO2Pr {
                spo2: Value::Number(96.0),
                pulse_rate: Value::Number(70.0),
            })
        );
        assert_eq!(
            m.slow,
            (flags & CONTINUOUS_SLOW != 0).then_some(SpO2Pr {
                spo2: Value::Number(98.0),
                pulse_rate: Value::Number(66.0),
            })
        );
        assert_eq!(
            m.measurement_status,
            (flags & CONTINUOUS_MEASUREMENT_STATUS != 0).then(validated)
        );
        assert_eq!(
            m.device_and_sensor_status,
            (flags & CONTINUOUS_DEVICE_STATUS != 0).then(low_perfusion)
        );
        assert_eq!(
            m.pulse_amplitude_index,
            (flags & CONTINUOUS_PAI != 0).then_some(Value::Number(2.5))
        );
        assert!(m.is_valid_reading());
        let mut reserved = bytes.clone();
        reserved[0] |= 0xE0;
        assert_eq!(parse_continuous(&reserved).unwrap(), m);
    }
}

#[test]
fn continuous_every_truncation_is_an_error_naming_the_missing_field() {
    for flags in 0u8..32 {
        let segments = continuous_segments(flags);
        let full = join(&segments);
        for len in 0..full.len() {
            let (field, offset, needed) = missing(&segments, len);
            assert_eq!(
                parse_continuous(&full[..len]),
                Err(GattError::Truncated {
                    characteristic: 0x2A5F,
                    field,
                    offset,
                    needed,
                    len,
                }),
                "flags {flags:#04x}, {len} bytes"
            );
        }
    }
}

#[test]
fn continuous_validity_follows_the_normal_values() {
    // Normal NaN, fast present and numeric: not a valid reading.
    let m = parse_continuous(&[0x01, 0xFF, 0x07, 0xFF, 0x07, 0x60, 0x00, 0x46, 0x00]).unwrap();
    assert!(!m.is_valid_reading());
    assert!(m.fast.unwrap().are_numbers());
    assert!(!m.normal.are_numbers());
    // Invalid measurement flagged in the status.
    let m = parse_continuous(&[0x04, 0x61, 0x00, 0x44, 0x00, 0x00, 0x80]).unwrap();
    assert!(!m.is_valid_reading());
}

#[test]
fn spot_check_serializes_in_camel_case() {
    let m = parse_spot_check(&join(&spot_segments(0x1F))).unwrap();
    let json = serde_json::to_value(m).unwrap();
    assert_eq!(json["spo2"], 97.0);
    assert_eq!(json["pulseRate"], 68.0);
    assert_eq!(json["timestamp"]["year"], 2025);
    assert_eq!(json["measurementStatus"]["validatedData"], true);
    assert_eq!(
        json["measurementStatus"]["invalidMeasurementDetected"],
        false
    );
    assert_eq!(json["deviceAndSensorStatus"]["lowPerfusionDetected"], true);
    assert_eq!(json["pulseAmplitudeIndex"], 2.5);
    assert_eq!(json["deviceClockNotSet"], true);
    assert_eq!(json.as_object().unwrap().len(), 7);
    let json = serde_json::to_value(PlxMeasurementStatus::default()).unwrap();
    assert_eq!(json.as_object().unwrap().len(), 11);
    let json = serde_json::to_value(PlxDeviceAndSensorStatus::default()).unwrap();
    assert_eq!(json.as_object().unwrap().len(), 16);
}

#[test]
fn continuous_serializes_in_camel_case() {
    let m = parse_continuous(&join(&continuous_segments(0x03))).unwrap();
    assert_eq!(
        serde_json::to_value(m).unwrap(),
        serde_json::json!({
            "normal": { "spo2": 97.0, "pulseRate": 68.0 },
            "fast": { "spo2": 96.0, "pulseRate": 70.0 },
            "slow": { "spo2": 98.0, "pulseRate": 66.0 },
            "measurementStatus": null,
            "deviceAndSensorStatus": null,
            "pulseAmplitudeIndex": null
        })
    );
}
