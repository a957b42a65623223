//! IEEE 11073-20601 32-bit FLOAT: an 8-bit signed exponent (high byte) and a 24-bit signed
//! mantissa, value = mantissa × 10^exponent.
//!
//! Special values (exponent 0): `0x007FFFFF` NaN, `0x00800000` NRes, `0x007FFFFE` +∞,
//! `0x00800002` −∞, `0x00800001` reserved. As for [`super::sfloat`], these mantissas with a
//! non-zero exponent are not defined and decode as [`Value::Reserved`].

use super::value::{scale, to_decimal};
use super::Value;

/// The NaN code.
pub const NAN: u32 = 0x007F_FFFF;
/// The NRes (not at this resolution) code.
pub const NRES: u32 = 0x0080_0000;
/// The +∞ code.
pub const POSITIVE_INFINITY: u32 = 0x007F_FFFE;
/// The −∞ code.
pub const NEGATIVE_INFINITY: u32 = 0x0080_0002;
/// The code reserved for future use.
pub const RESERVED: u32 = 0x0080_0001;
/// Largest magnitude of the mantissa of a finite value (2^23 − 3).
pub const MAX_MANTISSA: i32 = 8_388_605;
/// Smallest exponent.
pub const MIN_EXPONENT: i32 = -128;
/// Largest exponent.
pub const MAX_EXPONENT: i32 = 127;

/// Decodes a raw FLOAT (already assembled from its four little-endian bytes).
#[must_use]
pub fn decode(raw: u32) -> Value {
    match raw {
        NAN => return Value::NaN,
        NRES => return Value::NRes,
        POSITIVE_INFINITY => return Value::PositiveInfinity,
        NEGATIVE_INFINITY => return Value::NegativeInfinity,
        RESERVED => return Value::Reserved,
        _ => {}
    }
    let [mantissa_low, mantissa_mid, mantissa_high, exponent] = raw.to_le_bytes();
    let exponent = i32::from(i8::from_le_bytes([exponent]));
    // Sign-extend the 24-bit mantissa through the high byte.
    let mantissa = i32::from_le_bytes([mantissa_low, mantissa_mid, mantissa_high, 0]);
    let mantissa = if mantissa >= 0x0080_0000 {
        mantissa - 0x0100_0000
    } else {
        mantissa
    };
    if mantissa.abs() > MAX_MANTISSA {
        return Value::Reserved;
    }
    Value::Number(scale(mantissa, exponent))
}

/// Decodes a FLOAT from its four bytes, as sent (little-endian).
#[must_use]
pub fn from_le_bytes(bytes: [u8; 4]) -> Value {
    decode(u32::from_le_bytes(bytes))
}

/// Encodes a finite number with the best precision the format allows; `None` if it is not
/// finite or too large for the format.
#[must_use]
pub fn encode(x: f64) -> Option<u32> {
    let (mantissa, exponent) = to_decimal(x, MIN_EXPONENT..=MAX_EXPONENT, MAX_MANTISSA)?;
    let [exponent_byte] = i8::try_from(exponent).ok()?.to_le_bytes();
    let [m0, m1, m2, _] = mantissa.to_le_bytes();
    Some(u32::from_le_bytes([m0, m1, m2, exponent_byte]))
}

/// Encodes a [`Value`]: a special value as its code, a number as [`encode`] does.
#[must_use]
pub fn encode_value(value: Value) -> Option<u32> {
    match value {
        Value::Number(x) => encode(x),
        Value::NaN => Some(NAN),
        Value::NRes => Some(NRES),
        Value::PositiveInfinity => Some(POSITIVE_INFINITY),
        Value::NegativeInfinity => Some(NEGATIVE_INFINITY),
        Value::Reserved => Some(RESERVED),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_the_table() {
        let cases: &[(u32, Value)] = &[
            // Exponent −1, mantissa 0x16C = 364: 36.4 (°C).
            (0xFF00_016C, Value::Number(36.4)),
            // Exponent −1, mantissa 0x3DA = 986: 98.6 (°F).
            (0xFF00_03DA, Value::Number(98.6)),
            // Exponent −2, mantissa 3712: 37.12.
            (0xFE00_0E80, Value::Number(37.12)),
            (0x0000_0025, Value::Number(37.0)),
            (0x0000_0000, Value::Number(0.0)),
            // Negative mantissa: 0xFFFFFF = −1; exponent −1: −0.1.
            (0x00FF_FFFF, Value::Number(-1.0)),
            (0xFFFF_FFFF, Value::Number(-0.1)),
            // −4.5 °C: mantissa −45 (0xFFFFD3), exponent −1.
            (0xFFFF_FFD3, Value::Number(-4.5)),
            (0x007F_FFFD, Value::Number(8_388_605.0)),
            (0x0080_0003, Value::Number(-8_388_605.0)),
            (0x0200_0001, Value::Number(100.0)),
        ];
        for &(raw, expected) in cases {
            assert_eq!(decode(raw), expected, "raw {raw:#010X}");
        }
    }

    #[test]
    fn decodes_extreme_exponents_without_overflow() {
        let big = decode(0x7F7F_FFFD).as_f64().unwrap();
        assert!(big.is_finite() && (big / 8.388_605e133 - 1.0).abs() < 1e-12);
        let small = decode(0x8000_0001).as_f64().unwrap();
        assert!(small > 0.0 && (small / 1e-128 - 1.0).abs() < 1e-12);
    }

    #[test]
    fn decodes_every_special_value() {
        assert_eq!(decode(0x007F_FFFF), Value::NaN);
        assert_eq!(decode(0x0080_0000), Value::NRes);
        assert_eq!(decode(0x007F_FFFE), Value::PositiveInfinity);
        assert_eq!(decode(0x0080_0002), Value::NegativeInfinity);
        assert_eq!(decode(0x0080_0001), Value::Reserved);
    }

    #[test]
    fn special_mantissas_with_an_exponent_are_reserved_never_numbers() {
        for exponent in [0x01u32, 0x7F, 0x80, 0xFF] {
            for mantissa in [0x7F_FFFE, 0x7F_FFFF, 0x80_0000, 0x80_0001, 0x80_0002] {
                let raw = (exponent << 24) | mantissa;
                assert_eq!(decode(raw), Value::Reserved, "raw {raw:#010X}");
            }
        }
    }

    #[test]
    fn decodes_little_endian_bytes() {
        assert_eq!(from_le_bytes([0x6C, 0x01, 0x00, 0xFF]), Value::Number(36.4));
        assert_eq!(from_le_bytes([0xFF, 0xFF, 0x7F, 0x00]), Value::NaN);
    }

    #[test]
    fn encodes_canonically() {
        assert_eq!(encode(36.4), Some(0xFF00_016C));
        assert_eq!(encode(98.6), Some(0xFF00_03DA));
        assert_eq!(encode(-4.5), Some(0xFFFF_FFD3));
        assert_eq!(encode(37.0), Some(0x0000_0025));
        assert_eq!(encode(100.0), Some(0x0000_0064));
        assert_eq!(encode(0.0), Some(0));
        assert_eq!(encode(f64::NAN), None);
        assert_eq!(encode(f64::INFINITY), None);
        assert_eq!(encode(1e300), None);
    }

    #[test]
    fn encodes_special_values_to_their_codes() {
        for raw in [NAN, NRES, POSITIVE_INFINITY, NEGATIVE_INFINITY, RESERVED] {
            assert_eq!(encode_value(decode(raw)), Some(raw));
        }
        assert_eq!(encode_value(Value::Number(36.4)), Some(0xFF00_016C));
    }
}
