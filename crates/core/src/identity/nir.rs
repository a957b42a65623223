//! NIR, the French social security number ("numéro de sécurité sociale").
//!
//! 13 characters then a 2-digit key: sex (1), year (2), month (2), department (2, `2A`/`2B`
//! for Corsica), commune (3), order (3). The key is `97 − (number mod 97)`, where the
//! Corsican departments count as 19 (`2A`) and 18 (`2B`).
use std::fmt;

use serde::{Deserialize, Serialize};

use super::IdentityError;

/// Digits a NIR may start with: 1 and 2 (sex), 3, 4, 7, 8 (provisional and foreign-born numbers).
const FIRST_DIGITS: &[u8] = b"123478";

/// Lengths of the groups of the spaced display "1 84 12 28 085 123 45".
const GROUPS: [usize; 7] = [1, 2, 2, 2, 3, 3, 2];

/// A valid NIR: 15 characters, spaces removed, uppercase, Corsican 2A/2B kept.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Nir(String);

impl Nir {
    /// Parses a NIR typed with or without spaces (also dots or hyphens), checking its key.
    pub fn parse(input: &str) -> Result<Nir, IdentityError> {
        let s: String = input
            .chars()
            .filter(|c| !(c.is_whitespace() || *c == '.' || *c == '-'))
            .flat_map(char::to_uppercase)
            .collect();
        if !is_well_formed(&s) {
            return Err(IdentityError::NirFormat);
        }
        let (body, key) = s.split_at(13);
        match (key_of(body), key.parse::<u8>()) {
            (Some(expected), Ok(given)) if expected == given => Ok(Nir(s)),
            (Some(_), Ok(_)) => Err(IdentityError::NirKey),
            _ => Err(IdentityError::NirFormat),
        }
    }

    /// The 15 characters, without spaces.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// First digit: 1 man, 2 woman; 3, 4, 7, 8 provisional or foreign-born numbers.
    pub fn sex_digit(&self) -> u8 {
        self.0.as_bytes().first().map_or(0, |b| b - b'0')
    }

    /// Digits 2–3: the last two digits of the birth year.
    pub fn year_digits(&self) -> &str {
        self.0.get(1..3).unwrap_or_default()
    }

    /// Digits 4–5: the birth month, 01–12, or another value when the month is unknown.
    pub fn month_digits(&self) -> &str {
        self.0.get(3..5).unwrap_or_default()
    }
}

/// The key of a 13-character NIR body, `None` if the body is not 13 digits (2A/2B allowed
/// as department).
pub fn key_of(body: &str) -> Option<u8> {
    if body.len() != 13 || !body.is_ascii() {
        return None;
    }
    let numeric = match body.get(5..7) {
        Some("2A") => format!("{}19{}", &body[..5], &body[7..]),
        Some("2B") => format!("{}18{}", &body[..5], &body[7..]),
        _ => body.to_string(),
    };
    if !numeric.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let n: u64 = numeric.parse().ok()?;
    u8::try_from(97 - n % 97).ok()
}

/// Shape only: first digit, digits, Corsican department, 15 characters.
fn is_well_formed(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 15
        && FIRST_DIGITS.contains(&b[0])
        && b[1..5].iter().all(u8::is_ascii_digit)
        && (b[5..7].iter().all(u8::is_ascii_digit) || &b[5..7] == b"2A" || &b[5..7] == b"2B")
        && b[7..].iter().all(u8::is_ascii_digit)
}

impl fmt::Display for Nir {
    /// Spaced the way it is printed on the carte Vitale: "1 84 12 28 085 123 45".
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut rest = self.0.as_str();
        for (i, len) in GROUPS.into_iter().enumerate() {
            let (group, tail) = rest.split_at(len.min(rest.len()));
            if i > 0 {
                f.write_str(" ")?;
            }
            f.write_str(group)?;
            rest = tail;
        }
        Ok(())
    }
}

impl TryFrom<String> for Nir {
    type Error = IdentityError;

    fn try_from(s: String) -> Result<Self, Self::Error> {
        Nir::parse(&s)
    }
}

impl From<Nir> for String {
    fn from(nir: Nir) -> String {
        nir.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The key computed independently: long division digit by digit, Corsica by the
    /// "subtract 1 000 000 / 2 000 000" formulation of the same rule.
    fn independent_key(body: &str) -> u8 {
        let digits = body.replace("2A", "20").replace("2B", "20");
        let mut rem: u64 = 0;
        for c in digits.chars() {
            rem = (rem * 10 + u64::from(c.to_digit(10).unwrap())) % 97;
        }
        let corsica = if body[5..7] == *"2A" {
            1_000_000 % 97
        } else if body[5..7] == *"2B" {
            2_000_000 % 97
        } else {
            0
        };
        let n = (rem + 97 - corsica) % 97;
        u8::try_from(97 - n).unwrap()
    }

    fn with_key(body: &str) -> String {
        format!("{body}{:02}", independent_key(&body.replace(' ', "")))
    }

    fn check(input: &str, expected: Result<&str, IdentityError>) {
        let got = Nir::parse(input);
        assert_eq!(
            got.as_ref().map(Nir::as_str).map_err(|e| *e),
            expected,
            "Nir::parse({input:?})"
        );
    }

    #[test]
    fn published_examples() {
        // Worked examples of the formula found in public explanations of the NIR key.
        check("1 37 04 76 243 484 15", Ok("137047624348415"));
        check("2 62 08 75 032 039 77", Ok("262087503203977"));
        // The example of the brief is wrong: its key is 91, not 36.
        assert_eq!(independent_key("1850578006084"), 91);
        check("1 85 05 78 006 084 36", Err(IdentityError::NirKey));
        check("1 85 05 78 006 084 91", Ok("185057800608491"));
    }

    #[test]
    fn parses() {
        let valid_metropole = with_key("1841228085123");
        let valid_2a = with_key("293072A004012");
        let valid_2b = with_key("155032B033045");
        let valid_foreign = with_key("3990599135003");
        let valid_provisional = with_key("7841228085123");
        let valid_8 = with_key("8841228085123");
        let valid_4 = with_key("4841228085123");
        let spaced_2a = format!("2 93 07 2a 004 012 {}", &valid_2a[13..]);
        let mut wrong_key = valid_metropole.clone();
        wrong_key.replace_range(
            13..,
            if &valid_metropole[13..] == "01" {
                "02"
            } else {
                "01"
            },
        );
        let swapped_2a_2b = format!("293072B004012{}", &valid_2a[13..]);
        let table: Vec<(String, Result<&str, IdentityError>)> = vec![
            (valid_metropole.clone(), Ok(valid_metropole.as_str())),
            (valid_2a.clone(), Ok(valid_2a.as_str())),
            (valid_2b.clone(), Ok(valid_2b.as_str())),
            (valid_foreign.clone(), Ok(valid_foreign.as_str())),
            (valid_provisional.clone(), Ok(valid_provisional.as_str())),
            (valid_8.clone(), Ok(valid_8.as_str())),
            (valid_4.clone(), Ok(valid_4.as_str())),
            (spaced_2a, Ok(valid_2a.as_str())),
            (
                format!(" {} ", valid_metropole.replace('8', "8 ")),
                Ok(valid_metropole.as_str()),
            ),
            (wrong_key, Err(IdentityError::NirKey)),
            (swapped_2a_2b, Err(IdentityError::NirKey)),
            (String::new(), Err(IdentityError::NirFormat)),
            ("1841228085123".into(), Err(IdentityError::NirFormat)),
            (format!("{valid_metropole}0"), Err(IdentityError::NirFormat)),
            (
                format!("5{}", &valid_metropole[1..]),
                Err(IdentityError::NirFormat),
            ),
            (
                format!("0{}", &valid_metropole[1..]),
                Err(IdentityError::NirFormat),
            ),
            (
                format!("9{}", &valid_metropole[1..]),
                Err(IdentityError::NirFormat),
            ),
            ("18412280851A345".into(), Err(IdentityError::NirFormat)),
            ("184122C08512345".into(), Err(IdentityError::NirFormat)),
            ("1841A2808512345".into(), Err(IdentityError::NirFormat)),
            ("1841228085123AB".into(), Err(IdentityError::NirFormat)),
            ("18412280851234é".into(), Err(IdentityError::NirFormat)),
            (
                "１８４１２２８０８５１２３４５".into(),
                Err(IdentityError::NirFormat),
            ),
        ];
        for (input, expected) in table {
            check(&input, expected);
        }
    }

    #[test]
    fn every_wrong_key_is_refused() {
        let body = "2690549588157";
        let good = independent_key(body);
        for k in 0..=99u8 {
            let expected = if k == good {
                Ok(())
            } else {
                Err(IdentityError::NirKey)
            };
            assert_eq!(
                Nir::parse(&format!("{body}{k:02}")).map(|_| ()),
                expected,
                "key {k}"
            );
        }
    }

    #[test]
    fn key_of_matches_the_independent_computation() {
        for body in [
            "1841228085123",
            "293072A004012",
            "155032B033045",
            "2000000000000",
            "8999999999999",
        ] {
            assert_eq!(key_of(body), Some(independent_key(body)), "{body}");
        }
        assert_eq!(key_of("12345"), None);
        assert_eq!(key_of("184122808512X"), None);
    }

    #[test]
    fn displays_with_spaces_and_exposes_parts() {
        let nir = Nir::parse(&with_key("293072A004012")).unwrap();
        let key = &nir.as_str()[13..];
        assert_eq!(nir.to_string(), format!("2 93 07 2A 004 012 {key}"));
        assert_eq!(nir.sex_digit(), 2);
        assert_eq!(nir.year_digits(), "93");
        assert_eq!(nir.month_digits(), "07");
    }

    #[test]
    fn serde_is_the_plain_string_and_validates() {
        let s = with_key("1841228085123");
        let nir = Nir::parse(&s).unwrap();
        assert_eq!(serde_json::to_value(&nir).unwrap(), serde_json::json!(s));
        let back: Nir = serde_json::from_value(serde_json::json!(s)).unwrap();
        assert_eq!(back, nir);
        assert!(serde_json::from_value::<Nir>(serde_json::json!("184122808512300")).is_err());
    }
}
