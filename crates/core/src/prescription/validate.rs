//! Validation of the prescription, and of the parties shared with the report.
use chrono::NaiveDate;

use super::{
    DocumentError, DocumentErrorKind as K, Patient, Prescriber, Prescription, CHILD_UNDER_YEARS,
    MAX_RENEWALS,
};
use crate::age;
use crate::identity::{Phone, Rpps};

/// Oldest plausible age, in years.
const MAX_AGE: u32 = 130;

/// Lightest and heaviest plausible weights, in kilograms.
const WEIGHT_KG: std::ops::RangeInclusive<f64> = 0.3..=400.0;

/// Collects the errors of one document, field paths prefixed.
pub(crate) struct Errors(pub(crate) Vec<DocumentError>);

impl Errors {
    pub(crate) fn push(&mut self, field: impl Into<String>, kind: K) {
        self.0.push(DocumentError::new(field, kind));
    }

    /// Pushes `Required` when `value` is blank; says whether it was present.
    pub(crate) fn required(&mut self, field: impl Into<String>, value: &str) -> bool {
        if value.trim().is_empty() {
            self.push(field, K::Required);
            false
        } else {
            true
        }
    }
}

/// Every invalid field of a prescription, in document order.
pub(super) fn prescription(p: &Prescription, today: NaiveDate) -> Vec<DocumentError> {
    let mut e = Errors(Vec::new());
    document_id(&mut e, "id", &p.id);
    if p.issued_at.date_naive() > today {
        e.push("issuedAt", K::DateFuture);
    }
    prescriber(&mut e, "prescriber", &p.prescriber);
    let on = p.issued_at.date_naive().min(today);
    patient(&mut e, "patient", &p.patient, on, true);
    if p.lines.is_empty() {
        e.push("lines", K::NoLines);
    }
    for (i, line) in p.lines.iter().enumerate() {
        let at = |f: &str| format!("lines[{i}].{f}");
        e.required(at("drug"), &line.drug);
        e.required(at("dosage"), &line.dosage);
        let blank = |o: &Option<String>| o.as_deref().is_none_or(|s| s.trim().is_empty());
        if blank(&line.duration) && blank(&line.quantity) {
            e.push(at("duration"), K::DurationOrQuantityRequired);
        }
        if line.renewals > MAX_RENEWALS {
            e.push(at("renewals"), K::RenewalsTooMany);
        }
    }
    e.0
}

/// A document number: 1 to 64 ASCII letters, digits, `-`, `_`, `.`.
pub(crate) fn document_id(e: &mut Errors, field: &str, id: &str) {
    if e.required(field, id) {
        let ok = id.len() <= 64
            && id
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'));
        if !ok {
            e.push(field, K::IdFormat);
        }
    }
}

/// The prescriber's mandatory mentions.
pub(crate) fn prescriber(e: &mut Errors, at: &str, p: &Prescriber) {
    e.required(format!("{at}.name"), &p.name);
    e.required(format!("{at}.qualification"), &p.qualification);
    if e.required(format!("{at}.rpps"), &p.rpps) && Rpps::parse(&p.rpps).is_err() {
        e.push(format!("{at}.rpps"), K::RppsFormat);
    }
    e.required(format!("{at}.address"), &p.address);
    if e.required(format!("{at}.phone"), &p.phone) && Phone::parse(&p.phone).is_err() {
        e.push(format!("{at}.phone"), K::PhoneFormat);
    }
    if e.required(format!("{at}.email"), &p.email) && !is_email(&p.email) {
        e.push(format!("{at}.email"), K::EmailFormat);
    }
}

/// The patient's mentions on `on` (the document's date); `weight_for_child` asks a child's weight.
pub(crate) fn patient(
    e: &mut Errors,
    at: &str,
    p: &Patient,
    on: NaiveDate,
    weight_for_child: bool,
) {
    e.required(format!("{at}.familyName"), &p.family_name);
    e.required(format!("{at}.givenNames"), &p.given_names);
    let years = age::years(p.birth_date, on);
    match years {
        None => e.push(format!("{at}.birthDate"), K::BirthDateFuture),
        Some(y) if y > MAX_AGE => e.push(format!("{at}.birthDate"), K::BirthDateTooOld),
        Some(_) => {}
    }
    match p.weight_kg {
        Some(w) if !WEIGHT_KG.contains(&w) => e.push(format!("{at}.weightKg"), K::WeightRange),
        None if weight_for_child && years.is_some_and(|y| y < CHILD_UNDER_YEARS) => {
            e.push(format!("{at}.weightKg"), K::WeightRequired)
        }
        _ => {}
    }
}

/// `local@domain.tld`: one `@`, no spaces, a dot in the domain, neither end empty.
pub(crate) fn is_email(s: &str) -> bool {
    let s = s.trim();
    let Some((local, domain)) = s.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && !domain.contains('@')
        && !s.chars().any(char::is_whitespace)
        && domain
            .split_once('.')
            .is_some_and(|(a, b)| !a.is_empty() && !b.is_empty())
        && !domain.ends_with('.')
        && !domain.contains("..")
}
