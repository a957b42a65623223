//! The decoded value of an IEEE 11073 SFLOAT or FLOAT, and the decimal arithmetic both share.

use serde::{Serialize, Serializer};

/// A decoded IEEE 11073 number: a finite decimal, or one of the special values.
///
/// Serializes as a JSON number for [`Value::Number`] and as a string for the special values:
/// `"nan"`, `"nres"`, `"positiveInfinity"`, `"negativeInfinity"`, `"reserved"`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Value {
    /// A finite number, `mantissa × 10^exponent`.
    Number(f64),
    /// Not a Number: the device has no valid value (a cuff error, for instance).
    NaN,
    /// Not at this Resolution: the value cannot be represented with the available precision.
    NRes,
    /// Positive infinity.
    PositiveInfinity,
    /// Negative infinity.
    NegativeInfinity,
    /// A code reserved for future use by IEEE 11073, or a special mantissa with a non-zero exponent.
    Reserved,
}

impl Value {
    /// The number, or `None` for every special value.
    #[must_use]
    pub fn as_f64(self) -> Option<f64> {
        match self {
            Self::Number(x) => Some(x),
            _ => None,
        }
    }

    /// Whether this is a finite number (not a special value).
    #[must_use]
    pub fn is_number(self) -> bool {
        matches!(self, Self::Number(_))
    }
}

impl Serialize for Value {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::Number(x) => serializer.serialize_f64(*x),
            Self::NaN => serializer.serialize_str("nan"),
            Self::NRes => serializer.serialize_str("nres"),
            Self::PositiveInfinity => serializer.serialize_str("positiveInfinity"),
            Self::NegativeInfinity => serializer.serialize_str("negativeInfinity"),
            Self::Reserved => serializer.serialize_str("reserved"),
        }
    }
}

/// Exact powers of ten representable in an f64 (10^0 to 10^22).
const POW10: [f64; 23] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
    1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
];

/// 10^n for n ≥ 0: exact up to 10^22, the nearest f64 of `powi` beyond.
fn pow10(n: u32) -> f64 {
    usize::try_from(n)
        .ok()
        .and_then(|i| POW10.get(i).copied())
        .unwrap_or_else(|| 10f64.powi(i32::try_from(n).unwrap_or(i32::MAX)))
}

/// `mantissa × 10^exponent`, correctly rounded whenever |exponent| ≤ 22.
pub(crate) fn scale(mantissa: i32, exponent: i32) -> f64 {
    let m = f64::from(mantissa);
    if exponent >= 0 {
        m * pow10(exponent.unsigned_abs())
    } else {
        m / pow10(exponent.unsigned_abs())
    }
}

/// The (mantissa, exponent) closest to `x` with |mantissa| ≤ `max_mantissa` and the exponent
/// in `exponents`, choosing the smallest exponent that fits (best precision), then dropping
/// trailing zeros down to exponent 0 (120 is 120 × 10^0, as devices send it, not
/// 1200 × 10^-1). `None` for a
/// non-finite `x` or one too large for the format.
pub(crate) fn to_decimal(
    x: f64,
    exponents: std::ops::RangeInclusive<i32>,
    max_mantissa: i32,
) -> Option<(i32, i32)> {
    if !x.is_finite() {
        return None;
    }
    let limit = f64::from(max_mantissa);
    for exponent in exponents {
        let scaled = if exponent <= 0 {
            x * pow10(exponent.unsigned_abs())
        } else {
            x / pow10(exponent.unsigned_abs())
        };
        let rounded = scaled.round();
        if rounded.is_finite() && rounded.abs() <= limit {
            // |rounded| ≤ max_mantissa < 2^31: the conversion is exact.
            #[allow(clippy::cast_possible_truncation)]
            let mut mantissa = rounded as i32;
            let mut exponent = exponent;
            if mantissa == 0 {
                return Some((0, 0));
            }
            while mantissa % 10 == 0 && exponent < 0 {
                mantissa /= 10;
                exponent += 1;
            }
            return Some((mantissa, exponent));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn specials_are_not_numbers() {
        for v in [
            Value::NaN,
            Value::NRes,
            Value::PositiveInfinity,
            Value::NegativeInfinity,
            Value::Reserved,
        ] {
            assert_eq!(v.as_f64(), None);
            assert!(!v.is_number());
        }
        assert_eq!(Value::Number(1.5).as_f64(), Some(1.5));
        assert!(Value::Number(0.0).is_number());
    }

    #[test]
    fn serializes_numbers_as_numbers_and_specials_as_strings() {
        let json = |v: Value| serde_json::to_string(&v).unwrap();
        assert_eq!(json(Value::Number(36.5)), "36.5");
        assert_eq!(json(Value::NaN), "\"nan\"");
        assert_eq!(json(Value::NRes), "\"nres\"");
        assert_eq!(json(Value::PositiveInfinity), "\"positiveInfinity\"");
        assert_eq!(json(Value::NegativeInfinity), "\"negativeInfinity\"");
        assert_eq!(json(Value::Reserved), "\"reserved\"");
    }

    #[test]
    fn scale_is_exact_for_small_exponents() {
        assert_eq!(scale(740, -1), 74.0);
        assert_eq!(scale(364, -1), 36.4);
        assert_eq!(scale(-1, 0), -1.0);
        assert_eq!(scale(1, 7), 1e7);
        assert_eq!(scale(1, -8), 1e-8);
        assert_eq!(scale(12, 30), 12.0 * 10f64.powi(30));
    }

    #[test]
    fn to_decimal_prefers_precision_then_drops_trailing_zeros() {
        assert_eq!(to_decimal(120.0, -8..=7, 2045), Some((120, 0)));
        assert_eq!(to_decimal(74.0, -8..=7, 2045), Some((74, 0)));
        assert_eq!(to_decimal(36.4, -8..=7, 2045), Some((364, -1)));
        assert_eq!(to_decimal(0.0, -8..=7, 2045), Some((0, 0)));
        assert_eq!(to_decimal(-0.0, -8..=7, 2045), Some((0, 0)));
        assert_eq!(to_decimal(1e7, -8..=7, 2045), Some((1000, 4)));
        assert_eq!(to_decimal(3e8, -8..=7, 2045), Some((300, 6)));
        assert_eq!(to_decimal(20.0, -8..=7, 2045), Some((20, 0)));
        assert_eq!(to_decimal(2045e7, -8..=7, 2045), Some((2045, 7)));
        assert_eq!(to_decimal(2046e7, -8..=7, 2045), None);
        assert_eq!(to_decimal(f64::NAN, -8..=7, 2045), None);
        assert_eq!(to_decimal(f64::INFINITY, -8..=7, 2045), None);
        assert_eq!(to_decimal(1e-12, -8..=7, 2045), Some((0, 0)));
    }
}
