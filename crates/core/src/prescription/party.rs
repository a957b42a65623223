//! The parties named on documents: the prescriber (GP) and the patient.
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::identity::{Phone, Sex};

/// The prescriber, as CSP R5132-3 requires on a prescription.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Prescriber {
    /// Name, e.g. "Dr Hélène Lefèvre".
    pub name: String,
    /// Qualification, e.g. "Médecin généraliste, qualifié en médecine générale".
    pub qualification: String,
    /// RPPS identifier, 11 digits.
    pub rpps: String,
    /// Professional postal address.
    pub address: String,
    /// Phone number, shown in international form (+33).
    pub phone: String,
    /// E-mail address.
    pub email: String,
}

impl Prescriber {
    /// The address as printed: with "France" at the end when it does not say it already.
    pub fn postal_address(&self) -> String {
        let address = self.address.trim();
        if address.to_lowercase().ends_with("france") {
            address.to_string()
        } else {
            format!("{address}, France")
        }
    }

    /// The phone in international form with spaces ("+33 2 37 12 34 56"); as typed when unreadable.
    pub fn phone_international(&self) -> String {
        match Phone::parse(&self.phone) {
            Ok(p) => match p.as_str().strip_prefix("+33") {
                Some(rest) if rest.len() == 9 => {
                    let mut s = format!("+33 {}", &rest[..1]);
                    for pair in rest.as_bytes()[1..].chunks(2) {
                        s.push(' ');
                        s.push_str(&String::from_utf8_lossy(pair));
                    }
                    s
                }
                _ => p.as_str().to_string(),
            },
            Err(_) => self.phone.trim().to_string(),
        }
    }
}

/// The patient as documents name them (serde camelCase JSON).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Patient {
    /// Family name (nom de naissance or nom utilisé).
    pub family_name: String,
    /// First names, space separated.
    pub given_names: String,
    /// Sex.
    pub sex: Sex,
    /// Birth date, "YYYY-MM-DD".
    pub birth_date: NaiveDate,
    /// Weight in kilograms; required for a child.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub weight_kg: Option<f64>,
}

impl Patient {
    /// "MARTIN Claire Anne": family name uppercase, then first names.
    pub fn full_name(&self) -> String {
        format!(
            "{} {}",
            self.family_name.trim().to_uppercase(),
            self.given_names.trim()
        )
    }
}

/// French label of a sex: "Féminin", "Masculin", "Indéterminé".
pub fn sex_label(sex: Sex) -> &'static str {
    match sex {
        Sex::F => "Féminin",
        Sex::M => "Masculin",
        Sex::I => "Indéterminé",
    }
}

/// Age on `on` as a prescription shows it: "40 ans", "1 an", "18 mois" under 2 years,
/// "3 semaines" under 1 month; `None` when born after `on`.
pub fn age_text(birth: NaiveDate, on: NaiveDate) -> Option<String> {
    let years = crate::age::years(birth, on)?;
    if years >= 2 {
        return Some(format!("{years} ans"));
    }
    let mut months = (on.year() - birth.year()) * 12 + on.month() as i32 - birth.month() as i32;
    if on.day() < birth.day() {
        months -= 1;
    }
    if months >= 1 {
        return Some(format!("{months} mois"));
    }
    let days = (on - birth).num_days();
    Some(match days / 7 {
        0 => format!("{days} jour{}", if days > 1 { "s" } else { "" }),
        1 => "1 semaine".to_string(),
        w => format!("{w} semaines"),
    })
}
