//! RPPS, the national identifier of health professionals.
//!
//! 11 digits whose last one is a Luhn check digit over the first ten. The Luhn rule was
//! verified against published RPPS numbers of real practitioners (all pass) before being
//! enforced; a typo in one digit, or two adjacent digits swapped, is caught.
use std::fmt;

use serde::{Deserialize, Serialize};

use super::IdentityError;

/// A valid RPPS number: 11 digits, spaces removed.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Rpps(String);

impl Rpps {
    /// Parses an RPPS typed with or without spaces, checking its Luhn key.
    pub fn parse(input: &str) -> Result<Rpps, IdentityError> {
        let s: String = input.chars().filter(|c| !c.is_whitespace()).collect();
        if s.len() == 11 && s.bytes().all(|b| b.is_ascii_digit()) && luhn_ok(&s) {
            Ok(Rpps(s))
        } else {
            Err(IdentityError::RppsFormat)
        }
    }

    /// The 11 digits.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Luhn check over ASCII digits: from the right, every second digit doubled (minus 9 when over 9).
fn luhn_ok(digits: &str) -> bool {
    let sum: u32 = digits
        .bytes()
        .rev()
        .enumerate()
        .map(|(i, b)| {
            let d = u32::from(b - b'0');
            if i % 2 == 1 {
                let doubled = d * 2;
                if doubled > 9 {
                    doubled - 9
                } else {
                    doubled
                }
            } else {
                d
            }
        })
        .sum();
    sum.is_multiple_of(10)
}

impl fmt::Display for Rpps {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for Rpps {
    type Error = IdentityError;

    fn try_from(s: String) -> Result<Self, Self::Error> {
        Rpps::parse(&s)
    }
}

impl From<Rpps> for String {
    fn from(rpps: Rpps) -> String {
        rpps.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(input: &str, expected: Result<&str, IdentityError>) {
        let got = Rpps::parse(input);
        assert_eq!(
            got.as_ref().map(Rpps::as_str).map_err(|e| *e),
            expected,
            "Rpps::parse({input:?})"
        );
    }

    #[test]
    fn parses() {
        let table = [
            // Published numbers of real practitioners.
            ("10002727377", Ok("10002727377")),
            ("10005173140", Ok("10005173140")),
            ("100 0272 7377", Ok("10002727377")),
            // Test-card number of the ANS (starts with 997).
            ("99700218896", Ok("99700218896")),
            // One digit changed, two digits swapped, key changed.
            ("10002727387", Err(IdentityError::RppsFormat)),
            ("10002727737", Err(IdentityError::RppsFormat)),
            ("10002727370", Err(IdentityError::RppsFormat)),
            // Common placeholders that are not valid numbers.
            ("10001234567", Err(IdentityError::RppsFormat)),
            ("12345678901", Err(IdentityError::RppsFormat)),
            ("", Err(IdentityError::RppsFormat)),
            ("1000272737", Err(IdentityError::RppsFormat)),
            ("100027273770", Err(IdentityError::RppsFormat)),
            ("1000272737A", Err(IdentityError::RppsFormat)),
            ("810002727377", Err(IdentityError::RppsFormat)),
        ];
        for (input, expected) in table {
            check(input, expected);
        }
    }

    #[test]
    fn every_other_key_is_refused() {
        let body = "1000517314";
        let valid: Vec<u8> = (0..=9u8)
            .filter(|k| Rpps::parse(&format!("{body}{k}")).is_ok())
            .collect();
        assert_eq!(valid, vec![0]);
    }
}
