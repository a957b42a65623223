//! IEEE 11073-20601 16-bit SFLOAT: a 4-bit signed exponent (high nibble) and a 12-bit signed
//! mantissa, value = mantissa × 10^exponent.
//!
//! Special values (exponent 0): `0x07FF` NaN, `0x0800` NRes, `0x07FE` +∞, `0x0802` −∞,
//! `0x0801` reserved. The mantissas of these codes (2046, 2047, −2048, −2047, −2046) lie
//! outside the range of finite values (±2045); with a non-zero exponent they are not defined,
//! and decode as [`Value::Reserved`] rather than as a number.

use super::value::{scale, to_decimal};
use super::Value;

/// The NaN code (a cuff error, for instance).
pub const NAN: u16 = 0x07FF;
/// The NRes (not at this resolution) code.
pub const NRES: u16 = 0x0800;
/// The +∞ code.
pub const POSITIVE_INFINITY: u16 = 0x07FE;
/// The −∞ code.
pub const NEGATIVE_INFINITY: u16 = 0x0802;
/// The code reserved for future use.
pub const RESERVED: u16 = 0x0801;
/// Largest magnitude of the mantissa of a finite value.
pub const MAX_MANTISSA: i32 = 2045;
/// Smallest exponent.
pub const MIN_EXPONENT: i32 = -8;
/// Largest exponent.
pub const MAX_EXPONENT: i32 = 7;

/// Decodes a raw SFLOAT (already assembled from its two little-endian bytes).
#[must_use]
pub fn decode(raw: u16) -> Value {
    match raw {
        NAN => return Value::NaN,
        NRES => return Value::NRes,
        POSITIVE_INFINITY => return Value::PositiveInfinity,
        NEGATIVE_INFINITY => return Value::NegativeInfinity,
        RESERVED => return Value::Reserved,
        _ => {}
    }
    let exponent = i32::from(raw >> 12);
    let exponent = if exponent >= 0x8 {
        exponent - 0x10
    } else {
        exponent
    };
    let mantissa = i32::from(raw & 0x0FFF);
    let mantissa = if mantissa >= 0x800 {
        mantissa - 0x1000
    } else {
        mantissa
    };
    if mantissa.abs() > MAX_MANTISSA {
        return Value::Reserved;
    }
    Value::Number(scale(mantissa, exponent))
}

/// Decodes an SFLOAT from its two bytes, as sent (little-endian).
#[must_use]
pub fn from_le_bytes(bytes: [u8; 2]) -> Value {
    decode(u16::from_le_bytes(bytes))
}

/// Encodes a finite number with the best precision the format allows; `None` if it is not
/// finite or too large (|x| > 2045 × 10^7). Values below 5 × 10^-9 encode as 0.
#[must_use]
pub fn encode(x: f64) -> Option<u16> {
    let (mantissa, exponent) = to_decimal(x, MIN_EXPONENT..=MAX_EXPONENT, MAX_MANTISSA)?;
    let exponent_bits = u16::try_from(exponent & 0xF).ok()?;
    let mantissa_bits = u16::try_from(mantissa & 0x0FFF).ok()?;
    Some((exponent_bits << 12) | mantissa_bits)
}

/// Encodes a [`Value`]: a special value as its code, a number as [`encode`] does.
#[must_use]
pub fn encode_value(value: Value) -> Option<u16> {
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
        let cases: &[(u16, Value)] = &[
            (0x0078, Value::Number(120.0)),
            (0x0050, Value::Number(80.0)),
            (0x005D, Value::Number(93.0)),
            (0x0000, Value::Number(0.0)),
            // Exponent 0xF = −1, mantissa 0x2E4 = 740: 74.0.
            (0xF2E4, Value::Number(74.0)),
            // Exponent −1, mantissa 160: 16.0 (kPa).
            (0xF0A0, Value::Number(16.0)),
            // Exponent −1, mantissa 0x16D = 365: 36.5.
            (0xF16D, Value::Number(36.5)),
            // Exponent 0xE = −2, mantissa 0x3CE = 974: 9.74.
            (0xE3CE, Value::Number(9.74)),
            // Negative mantissas: 0xFFF = −1, 0x803 = −2045.
            (0x0FFF, Value::Number(-1.0)),
            (0xFFFF, Value::Number(-0.1)),
            (0x0803, Value::Number(-2045.0)),
            (0x07FD, Value::Number(2045.0)),
            // Extreme exponents: 0x7 = 7, 0x8 = −8.
            (0x7001, Value::Number(1e7)),
            (0x77FD, Value::Number(2045e7)),
            (0x8001, Value::Number(1e-8)),
            (0x1002, Value::Number(20.0)),
        ];
        for &(raw, expected) in cases {
            assert_eq!(decode(raw), expected, "raw {raw:#06X}");
        }
    }

    #[test]
    fn decodes_every_special_value() {
        assert_eq!(decode(0x07FF), Value::NaN);
        assert_eq!(decode(0x0800), Value::NRes);
        assert_eq!(decode(0x07FE), Value::PositiveInfinity);
        assert_eq!(decode(0x0802), Value::NegativeInfinity);
        assert_eq!(decode(0x0801), Value::Reserved);
    }

    #[test]
    fn special_mantissas_with_an_exponent_are_reserved_never_numbers() {
        for exponent in 1u16..16 {
            for mantissa in [0x7FE, 0x7FF, 0x800, 0x801, 0x802] {
                let raw = (exponent << 12) | mantissa;
                assert_eq!(decode(raw), Value::Reserved, "raw {raw:#06X}");
            }
        }
    }

    #[test]
    fn decodes_little_endian_bytes() {
        assert_eq!(from_le_bytes([0xE4, 0xF2]), Value::Number(74.0));
        assert_eq!(from_le_bytes([0xFF, 0x07]), Value::NaN);
    }

    #[test]
    fn encodes_canonically() {
        assert_eq!(encode(120.0), Some(0x0078));
        assert_eq!(encode(74.0), Some(0x004A));
        assert_eq!(encode(36.5), Some(0xF16D));
        assert_eq!(encode(-1.0), Some(0x0FFF));
        assert_eq!(encode(-0.1), Some(0xFFFF));
        assert_eq!(encode(1e-8), Some(0x8001));
        assert_eq!(encode(2045e7), Some(0x77FD));
        assert_eq!(encode(2046e7), None);
        assert_eq!(encode(f64::NAN), None);
        assert_eq!(encode(f64::NEG_INFINITY), None);
        assert_eq!(encode(0.0), Some(0x0000));
    }

    #[test]
    fn encodes_special_values_to_their_codes() {
        for raw in [NAN, NRES, POSITIVE_INFINITY, NEGATIVE_INFINITY, RESERVED] {
            assert_eq!(encode_value(decode(raw)), Some(raw));
        }
        assert_eq!(encode_value(Value::Number(93.0)), Some(0x005D));
    }

    #[test]
    fn every_code_decodes_without_panicking_and_finite_ones_round_trip() {
        for raw in 0..=u16::MAX {
            if let Value::Number(x) = decode(raw) {
                assert!(x.is_finite());
                let again = encode(x).map(decode);
                assert_eq!(again, Some(Value::Number(x)), "raw {raw:#06X}");
            }
        }
    }
}
