//! Phone numbers, normalised to E.164 ("+33612345678").
//!
//! The patient's number is required by the consultation record: the doctor calls back on it
//! when the video drops. Accepted input:
//! - French national numbers, `0` then 9 digits ("06 12 34 56 78", "06.12.34.56.78"):
//!   metropolitan ones become `+33…`; overseas ones (0590/0690/0691, 0594/0694,
//!   0596/0696/0697, 0262/0263/0692/0693, 0269/0639) get their own country code (+590,
//!   +594, +596, +262) as E.164 requires, and Saint-Pierre-et-Miquelon ("05 08" then its
//!   6 digits) becomes +508 and the 6 digits;
//! - `+33` or `0033` then 9 digits, the trunk `0` tolerated ("+33 (0)6 12 34 56 78");
//! - any other `+` or `00` international number of 8 to 15 digits.
use std::fmt;

use serde::{Deserialize, Serialize};

use super::IdentityError;

/// National prefixes of the overseas departments and collectivities, with their country code.
const OVERSEAS: [(&str, &str); 14] = [
    ("0590", "590"),
    ("0690", "590"),
    ("0691", "590"),
    ("0594", "594"),
    ("0694", "594"),
    ("0596", "596"),
    ("0696", "596"),
    ("0697", "596"),
    ("0262", "262"),
    ("0263", "262"),
    ("0692", "262"),
    ("0693", "262"),
    ("0269", "262"),
    ("0639", "262"),
];

/// National prefix of Saint-Pierre-et-Miquelon, whose numbers are 6 digits after +508.
const SAINT_PIERRE: &str = "0508";

/// A valid phone number in E.164 form: "+" then 8 to 15 digits.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Phone(String);

impl Phone {
    /// Parses a French or international number, with spaces, dots, hyphens or parentheses.
    pub fn parse(input: &str) -> Result<Phone, IdentityError> {
        let compact: String = input
            .replace("(0)", "")
            .chars()
            .filter(|c| !(c.is_whitespace() || matches!(c, '.' | '-' | '(' | ')' | '/')))
            .collect();
        let (international, digits) = if let Some(rest) = compact.strip_prefix('+') {
            (true, rest)
        } else if let Some(rest) = compact.strip_prefix("00") {
            (true, rest)
        } else {
            (false, compact.as_str())
        };
        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(IdentityError::PhoneFormat);
        }
        let e164 = if international {
            international_number(digits)
        } else {
            national_number(digits)
        };
        e164.map(Phone).ok_or(IdentityError::PhoneFormat)
    }

    /// The E.164 form, e.g. "+33612345678".
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The French national form "06 12 34 56 78" for +33 numbers, `None` for the others.
    pub fn national(&self) -> Option<String> {
        let rest = self.0.strip_prefix("+33")?;
        let national = format!("0{rest}");
        let pairs: Vec<&str> = (0..national.len())
            .step_by(2)
            .filter_map(|i| national.get(i..(i + 2).min(national.len())))
            .collect();
        Some(pairs.join(" "))
    }
}

/// `0` + 9 digits, the second one not 0.
fn national_number(digits: &str) -> Option<String> {
    let b = digits.as_bytes();
    if b.len() != 10 || b[0] != b'0' || b[1] == b'0' {
        return None;
    }
    if let Some(subscriber) = digits.strip_prefix(SAINT_PIERRE) {
        return Some(format!("+508{subscriber}"));
    }
    let country = OVERSEAS
        .iter()
        .find(|(prefix, _)| digits.starts_with(prefix))
        .map_or("33", |(_, code)| code);
    Some(format!("+{country}{}", &digits[1..]))
}

/// Country code and subscriber number, 8 to 15 digits; +33 needs exactly 9 digits after it.
fn international_number(digits: &str) -> Option<String> {
    if let Some(rest) = digits.strip_prefix("33") {
        let rest = match rest.strip_prefix('0') {
            Some(without_trunk) if without_trunk.len() == 9 => without_trunk,
            _ => rest,
        };
        let valid = rest.len() == 9 && !rest.starts_with('0');
        return valid.then(|| format!("+33{rest}"));
    }
    let valid = (8..=15).contains(&digits.len()) && !digits.starts_with('0');
    valid.then(|| format!("+{digits}"))
}

impl fmt::Display for Phone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for Phone {
    type Error = IdentityError;

    fn try_from(s: String) -> Result<Self, Self::Error> {
        Phone::parse(&s)
    }
}

impl From<Phone> for String {
    fn from(phone: Phone) -> String {
        phone.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(input: &str, expected: Option<&str>) {
        let got = Phone::parse(input);
        match expected {
            Some(e164) => assert_eq!(
                got.as_ref().map(Phone::as_str),
                Ok(e164),
                "Phone::parse({input:?})"
            ),
            None => assert_eq!(
                got,
                Err(IdentityError::PhoneFormat),
                "Phone::parse({input:?})"
            ),
        }
    }

    #[test]
    fn parses() {
        let table = [
            ("06 12 34 56 78", Some("+33612345678")),
            ("0612345678", Some("+33612345678")),
            ("06.12.34.56.78", Some("+33612345678")),
            ("06-12-34-56-78", Some("+33612345678")),
            (" 02 34 40 17 66 ", Some("+33234401766")),
            ("09 70 00 00 00", Some("+33970000000")),
            ("+33 6 12 34 56 78", Some("+33612345678")),
            ("+33612345678", Some("+33612345678")),
            ("+33 (0)6 12 34 56 78", Some("+33612345678")),
            ("+330612345678", Some("+33612345678")),
            ("0033 6 12 34 56 78", Some("+33612345678")),
            ("0033612345678", Some("+33612345678")),
            // Overseas: their own country codes.
            ("0690 12 34 56", Some("+590690123456")),
            ("0590 12 34 56", Some("+590590123456")),
            ("0694 12 34 56", Some("+594694123456")),
            ("0696 12 34 56", Some("+596696123456")),
            ("0692 12 34 56", Some("+262692123456")),
            ("0262 12 34 56", Some("+262262123456")),
            ("0639 12 34 56", Some("+262639123456")),
            ("05 08 41 23 45", Some("+508412345")),
            ("+508 41 23 45", Some("+508412345")),
            ("+590 690 12 34 56", Some("+590690123456")),
            // Foreign.
            ("+32 470 12 34 56", Some("+32470123456")),
            ("+49 30 123456", Some("+4930123456")),
            ("0041 22 123 45 67", Some("+41221234567")),
            ("+1 (212) 555-0100", Some("+12125550100")),
            ("+12345678", Some("+12345678")),
            ("00 12 34 56 78", Some("+12345678")),
            ("+123456789012345", Some("+123456789012345")),
            // Refused.
            ("", None),
            ("   ", None),
            ("+", None),
            ("612345678", None),
            ("06123456789", None),
            ("061234567", None),
            ("00123", None),
            ("00 0612345678", None),
            ("+33 6 12 34 56 7", None),
            ("+33 6 12 34 56 789", None),
            ("+33 0 12 34 56 78", None),
            ("+1234567", None),
            ("+1234567890123456", None),
            ("+0612345678", None),
            ("06 12 34 56 7A", None),
            ("tel: 0612345678", None),
            ("+33+612345678", None),
        ];
        for (input, expected) in table {
            check(input, expected);
        }
    }

    #[test]
    fn national_form() {
        let table = [
            ("0612345678", Some("06 12 34 56 78")),
            ("+33234401766", Some("02 34 40 17 66")),
            ("0690123456", None),
            ("+32470123456", None),
        ];
        for (input, expected) in table {
            assert_eq!(
                Phone::parse(input).unwrap().national().as_deref(),
                expected,
                "{input}"
            );
        }
    }

    #[test]
    fn serde_is_the_e164_string() {
        let p = Phone::parse("06 12 34 56 78").unwrap();
        assert_eq!(
            serde_json::to_value(&p).unwrap(),
            serde_json::json!("+33612345678")
        );
        let back: Phone = serde_json::from_value(serde_json::json!("06 12 34 56 78")).unwrap();
        assert_eq!(back, p);
        assert!(serde_json::from_value::<Phone>(serde_json::json!("12")).is_err());
    }
}
