//! Property tests: no decoder panics on any input, and IEEE 11073 numbers round-trip.
//!
//! Bounded for CI: 2000 cases per property (about a second in all), no failure file.

use proptest::prelude::*;
use relais_peripherals::gatt::{blood_pressure, float, plx, sfloat, thermometer, Value};

/// Runs `parse` on `bytes` and checks the contract: an error is TRUNCATED and stays an
/// error for every shorter prefix; a success is unchanged by trailing bytes.
fn check_contract<T: PartialEq + std::fmt::Debug, E: std::fmt::Debug>(
    parse: impl Fn(&[u8]) -> Result<T, E>,
    code: impl Fn(&E) -> &'static str,
    bytes: &[u8],
) -> Result<(), TestCaseError> {
    match parse(bytes) {
        Ok(value) => {
            let mut longer = bytes.to_vec();
            longer.extend_from_slice(&[0xFF, 0x07, 0x00]);
            prop_assert_eq!(parse(&longer).ok(), Some(value));
        }
        Err(error) => {
            prop_assert_eq!(code(&error), "TRUNCATED");
            for len in 0..bytes.len() {
                let prefix = bytes.get(..len).unwrap_or_default();
                prop_assert!(parse(prefix).is_err(), "prefix of {} bytes", len);
            }
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 2000,
        failure_persistence: None,
        max_shrink_time: 10_000,
        ..ProptestConfig::default()
    })]

    #[test]
    fn blood_pressure_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..64)) {
        check_contract(blood_pressure::parse, |e| e.code(), &bytes)?;
    }

    #[test]
    fn plx_spot_check_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..64)) {
        check_contract(plx::parse_spot_check, |e| e.code(), &bytes)?;
    }

    #[test]
    fn plx_continuous_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..64)) {
        check_contract(plx::parse_continuous, |e| e.code(), &bytes)?;
    }

    #[test]
    fn thermometer_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..64)) {
        check_contract(thermometer::parse, |e| e.code(), &bytes)?;
        if let Ok(m) = thermometer::parse(&bytes) {
            prop_assert_eq!(m.celsius().is_some(), m.temperature.is_number());
        }
    }

    #[test]
    fn decoded_numbers_are_finite(raw16 in any::<u16>(), raw32 in any::<u32>()) {
        for value in [sfloat::decode(raw16), float::decode(raw32)] {
            if let Value::Number(x) = value {
                prop_assert!(x.is_finite());
            }
        }
    }

    #[test]
    fn sfloat_exact_decimals_round_trip(mantissa in -2045i32..=2045, exponent in -8i32..=7) {
        let x = format!("{mantissa}e{exponent}").parse::<f64>().unwrap_or(f64::NAN);
        let raw = sfloat::encode(x);
        prop_assert!(raw.is_some());
        prop_assert_eq!(raw.map(sfloat::decode), Some(Value::Number(x)));
    }

    #[test]
    fn sfloat_round_trip_within_precision(x in -2.045e10f64..=2.045e10) {
        let raw = sfloat::encode(x);
        prop_assert!(raw.is_some(), "{} must be encodable", x);
        let decoded = raw.map(sfloat::decode).and_then(Value::as_f64);
        prop_assert!(decoded.is_some());
        let decoded = decoded.unwrap_or(f64::NAN);
        // Best precision: half a unit of 10^-8, or 3 significant digits (mantissa ≥ 204.5).
        let tolerance = (0.5e-8f64).max(x.abs() * 0.5 / 204.5) * (1.0 + 1e-9);
        prop_assert!((decoded - x).abs() <= tolerance, "{} decoded as {}", x, decoded);
    }

    #[test]
    fn sfloat_rejects_non_finite_and_out_of_range(x in 2.0455e10f64..1e300) {
        prop_assert_eq!(sfloat::encode(x), None);
        prop_assert_eq!(sfloat::encode(-x), None);
    }

    #[test]
    fn float_exact_decimals_round_trip(mantissa in -8_388_605i32..=8_388_605, exponent in -20i32..=20) {
        let x = format!("{mantissa}e{exponent}").parse::<f64>().unwrap_or(f64::NAN);
        let raw = float::encode(x);
        prop_assert!(raw.is_some());
        prop_assert_eq!(raw.map(float::decode), Some(Value::Number(x)));
    }

    #[test]
    fn float_round_trip_within_precision(x in -1e12f64..=1e12) {
        let decoded = float::encode(x).map(float::decode).and_then(Value::as_f64);
        prop_assert!(decoded.is_some(), "{} must be encodable", x);
        let decoded = decoded.unwrap_or(f64::NAN);
        // Best precision: 7 significant digits (mantissa ≥ 838 860.5), or half of 10^-128.
        let tolerance = (0.5e-128f64).max(x.abs() * 0.5 / 838_860.5) * (1.0 + 1e-9);
        prop_assert!((decoded - x).abs() <= tolerance, "{} decoded as {}", x, decoded);
    }
}
