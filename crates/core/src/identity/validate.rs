//! Validation and normalisation of the patient form: every error at once, by field.
use chrono::{Datelike, NaiveDate};

use super::{IdentityError, Nir, Patient, Phone, Rpps, Sex, TreatingDoctor};
use crate::age;
use crate::error::FieldError;
use crate::text::collapse_spaces;

/// Oldest plausible age, in years.
const MAX_AGE: u32 = 130;

/// Lightest and heaviest plausible weights, in kilograms.
const WEIGHT_KG: std::ops::RangeInclusive<f64> = 0.3..=400.0;

/// Validates and normalises (trim, collapse spaces, NIR without spaces, phone E.164, names uppercase for family name).
///
/// Returns every invalid field at once, in form order, with camelCase field paths. Family
/// and used names are uppercased (accents kept), typographic apostrophes become `'`, the
/// birth place code is uppercased, empty optional fields become `None`, a médecin traitant
/// with neither name nor RPPS is dropped.
pub fn validate(input: &Patient, today: NaiveDate) -> Result<Patient, Vec<FieldError>> {
    let mut errors = Vec::new();
    let mut push = |field: &str, e: IdentityError| errors.push(e.at(field));

    let family_name = name(&input.family_name).to_uppercase();
    check_required_name("familyName", &family_name, &mut push);
    let used_name = optional(input.used_name.as_deref(), name).map(|n| n.to_uppercase());
    if let Some(n) = &used_name {
        check_name("usedName", n, &mut push);
    }
    let given_names = name(&input.given_names);
    check_required_name("givenNames", &given_names, &mut push);

    match age::years(input.birth_date, today) {
        None => push("birthDate", IdentityError::BirthDateFuture),
        Some(years) if years > MAX_AGE => push("birthDate", IdentityError::BirthDateTooOld),
        Some(_) => {}
    }

    let birth_place_code = optional(input.birth_place_code.as_deref(), |s| {
        s.chars()
            .filter(|c| !c.is_whitespace())
            .flat_map(char::to_uppercase)
            .collect()
    });
    if let Some(code) = &birth_place_code {
        if !is_insee_code(code) {
            push("birthPlaceCode", IdentityError::BirthPlaceFormat);
        }
    }

    let mut nir = optional(input.nir.as_deref(), collapse_spaces);
    if let Some(raw) = &nir {
        match Nir::parse(raw) {
            Ok(parsed) => {
                for e in nir_consistency(&parsed, input.sex, input.birth_date) {
                    push("nir", e);
                }
                nir = Some(parsed.as_str().to_string());
            }
            Err(e) => push("nir", e),
        }
    }

    let mut phone = collapse_spaces(&input.phone);
    if phone.is_empty() {
        push("phone", IdentityError::Required);
    } else {
        match Phone::parse(&phone) {
            Ok(p) => phone = p.as_str().to_string(),
            Err(e) => push("phone", e),
        }
    }

    let address = optional(input.address.as_deref(), collapse_spaces);
    let postal_code = optional(input.postal_code.as_deref(), |s| {
        s.chars().filter(|c| !c.is_whitespace()).collect()
    });
    if let Some(code) = &postal_code {
        if !(code.len() == 5 && code.bytes().all(|b| b.is_ascii_digit())) {
            push("postalCode", IdentityError::PostalCodeFormat);
        }
    }
    let commune = collapse_spaces(&input.commune);
    if commune.is_empty() {
        push("commune", IdentityError::Required);
    }

    let treating_doctor = input
        .treating_doctor
        .as_ref()
        .and_then(|d| treating_doctor(d, &mut push));

    if let Some(w) = input.weight_kg {
        if !(w.is_finite() && WEIGHT_KG.contains(&w)) {
            push("weightKg", IdentityError::WeightRange);
        }
    }

    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(Patient {
        family_name,
        used_name,
        given_names,
        sex: input.sex,
        birth_date: input.birth_date,
        birth_place_code,
        nir,
        phone,
        address,
        postal_code,
        commune,
        treating_doctor,
        coverage: input.coverage.clone(),
        weight_kg: input.weight_kg,
    })
}

/// Spaces collapsed, typographic apostrophes made plain.
fn name(raw: &str) -> String {
    collapse_spaces(&raw.replace(['\u{2019}', '\u{2018}', '\u{02BC}'], "'"))
}

/// `Some(normalised)` unless the field is absent or blank.
fn optional(raw: Option<&str>, normalise: impl Fn(&str) -> String) -> Option<String> {
    raw.map(normalise).filter(|s| !s.is_empty())
}

fn check_required_name(field: &str, value: &str, push: &mut impl FnMut(&str, IdentityError)) {
    if value.is_empty() {
        push(field, IdentityError::Required);
    } else {
        check_name(field, value, push);
    }
}

/// Letters (accented ones included), spaces, hyphens and apostrophes, with at least one letter.
fn check_name(field: &str, value: &str, push: &mut impl FnMut(&str, IdentityError)) {
    let allowed = value
        .chars()
        .all(|c| c.is_alphabetic() || matches!(c, ' ' | '-' | '\''));
    if !allowed || !value.chars().any(char::is_alphabetic) {
        push(field, IdentityError::NameFormat);
    }
}

/// INSEE commune code: department (2 digits, not 00, or 2A/2B) then 3 digits; 99xxx abroad.
fn is_insee_code(code: &str) -> bool {
    let b = code.as_bytes();
    b.len() == 5
        && (b[..2].iter().all(u8::is_ascii_digit) && &b[..2] != b"00"
            || &b[..2] == b"2A"
            || &b[..2] == b"2B")
        && b[2..].iter().all(u8::is_ascii_digit)
}

/// Sex and birth date read in the NIR against those entered.
///
/// Sex: 1 is a man, 2 a woman; other first digits and sex `I` are not checked. Birth: digits
/// 2–3 are the year; digits 4–5 the month when 01–12 (other values exist for unknown months).
fn nir_consistency(nir: &Nir, sex: Sex, birth: NaiveDate) -> Vec<IdentityError> {
    let mut out = Vec::new();
    let sex_mismatch = matches!((nir.sex_digit(), sex), (1, Sex::F) | (2, Sex::M));
    if sex_mismatch {
        out.push(IdentityError::NirSexMismatch);
    }
    let year_ok = nir.year_digits() == format!("{:02}", birth.year().rem_euclid(100));
    let month_ok = match nir.month_digits().parse::<u32>() {
        Ok(m @ 1..=12) => m == birth.month(),
        _ => true,
    };
    if !(year_ok && month_ok) {
        out.push(IdentityError::NirBirthMismatch);
    }
    out
}

fn treating_doctor(
    d: &TreatingDoctor,
    push: &mut impl FnMut(&str, IdentityError),
) -> Option<TreatingDoctor> {
    let name = collapse_spaces(&d.name);
    let rpps = optional(d.rpps.as_deref(), collapse_spaces);
    if name.is_empty() && rpps.is_none() {
        return None;
    }
    if name.is_empty() {
        push("treatingDoctor.name", IdentityError::Required);
    }
    let rpps = match rpps.as_deref().map(Rpps::parse) {
        Some(Ok(r)) => Some(r.as_str().to_string()),
        Some(Err(e)) => {
            push("treatingDoctor.rpps", e);
            rpps
        }
        None => None,
    };
    Some(TreatingDoctor { name, rpps })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::identity::{nir_key, Coverage};

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    const TODAY: &str = "2025-03-14";

    fn nir(body: &str) -> String {
        format!("{body}{:02}", nir_key(body).unwrap())
    }

    /// A valid patient: a woman born in December 1984 in Chartres (28085).
    fn base() -> Patient {
        Patient {
            family_name: "Martin".into(),
            used_name: None,
            given_names: "Claire Anne".into(),
            sex: Sex::F,
            birth_date: d("1984-12-03"),
            birth_place_code: Some("28085".into()),
            nir: Some(nir("2841228085123")),
            phone: "06 12 34 56 78".into(),
            address: Some("5 rue Mathurin-Régnier".into()),
            postal_code: Some("28000".into()),
            commune: "Chartres".into(),
            treating_doctor: None,
            coverage: Coverage::default(),
            weight_kg: None,
        }
    }

    /// Expected (field, code) pairs, in order; empty means valid.
    fn check(edit: impl FnOnce(&mut Patient), expected: &[(&str, &str)]) {
        let mut p = base();
        edit(&mut p);
        let got: Vec<(String, String)> = match validate(&p, d(TODAY)) {
            Ok(_) => vec![],
            Err(errors) => errors.into_iter().map(|e| (e.field, e.code)).collect(),
        };
        let expected: Vec<(String, String)> = expected
            .iter()
            .map(|(f, c)| (f.to_string(), c.to_string()))
            .collect();
        assert_eq!(got, expected, "patient {p:?}");
    }

    #[test]
    fn the_base_patient_is_valid_and_normalised() {
        let mut p = base();
        p.family_name = "  le  gall-d’Arc ".into();
        p.used_name = Some(" Lefèvre ".into());
        p.given_names = " Claire   Anne ".into();
        p.birth_place_code = Some(" 2a004 ".into());
        p.nir = Some(format!(
            " {} ",
            nir("2841228085123").replace("28085", "28 085")
        ));
        p.postal_code = Some("28 000".into());
        p.commune = " Saint-Georges-sur-Eure  ".into();
        p.address = Some("   ".into());
        p.treating_doctor = Some(TreatingDoctor {
            name: " Dr  Dali ".into(),
            rpps: Some("100 0272 7377".into()),
        });
        p.weight_kg = Some(61.5);
        let v = validate(&p, d(TODAY)).unwrap();
        assert_eq!(v.family_name, "LE GALL-D'ARC");
        assert_eq!(v.used_name.as_deref(), Some("LEFÈVRE"));
        assert_eq!(v.given_names, "Claire Anne");
        assert_eq!(v.birth_place_code.as_deref(), Some("2A004"));
        assert_eq!(v.nir, Some(nir("2841228085123")));
        assert_eq!(v.phone, "+33612345678");
        assert_eq!(v.address, None);
        assert_eq!(v.postal_code.as_deref(), Some("28000"));
        assert_eq!(v.commune, "Saint-Georges-sur-Eure");
        assert_eq!(
            v.treating_doctor,
            Some(TreatingDoctor {
                name: "Dr Dali".into(),
                rpps: Some("10002727377".into())
            })
        );
        assert_eq!(v.weight_kg, Some(61.5));
        // Validating a normalised patient changes nothing.
        assert_eq!(validate(&v, d(TODAY)), Ok(v.clone()));
    }

    #[test]
    fn names() {
        check(
            |p| p.family_name = "   ".into(),
            &[("familyName", "REQUIRED")],
        );
        check(
            |p| p.given_names = String::new(),
            &[("givenNames", "REQUIRED")],
        );
        check(
            |p| p.family_name = "Martin2".into(),
            &[("familyName", "NAME_FORMAT")],
        );
        check(
            |p| p.family_name = "Dupont.".into(),
            &[("familyName", "NAME_FORMAT")],
        );
        check(
            |p| p.family_name = "- '".into(),
            &[("familyName", "NAME_FORMAT")],
        );
        check(|p| p.family_name = "N'Diaye-Lefèvre Çelik".into(), &[]);
        check(|p| p.family_name = "O’Brien".into(), &[]);
        check(|p| p.given_names = "Jean-Édouard Zoé".into(), &[]);
        check(
            |p| p.given_names = "Jean, Paul".into(),
            &[("givenNames", "NAME_FORMAT")],
        );
        check(|p| p.used_name = Some("Durand".into()), &[]);
        check(|p| p.used_name = Some("  ".into()), &[]);
        check(
            |p| p.used_name = Some("Durand (ép.)".into()),
            &[("usedName", "NAME_FORMAT")],
        );
    }

    #[test]
    fn birth_date() {
        check(
            |p| p.birth_date = d("2025-03-15"),
            &[
                ("birthDate", "BIRTH_DATE_FUTURE"),
                ("nir", "NIR_BIRTH_MISMATCH"),
            ],
        );
        check(
            |p| {
                p.birth_date = d("2025-03-14");
                p.nir = None;
            },
            &[],
        );
        check(
            |p| {
                p.birth_date = d("1895-03-14");
                p.nir = None;
            },
            &[],
        );
        check(
            |p| {
                p.birth_date = d("1895-03-15");
                p.nir = None;
            },
            &[],
        );
        check(
            |p| {
                p.birth_date = d("1894-03-14");
                p.nir = None;
            },
            &[("birthDate", "BIRTH_DATE_TOO_OLD")],
        );
    }

    #[test]
    fn birth_place() {
        for (code, ok) in [
            ("28085", true),
            ("2A004", true),
            ("2b033", true),
            ("20004", true),
            ("99134", true),
            ("97101", true),
            ("00123", false),
            ("2C004", false),
            ("2808", false),
            ("280855", false),
            ("28O85", false),
            ("Chartres", false),
        ] {
            let expected: &[(&str, &str)] = if ok {
                &[]
            } else {
                &[("birthPlaceCode", "BIRTH_PLACE_FORMAT")]
            };
            check(|p| p.birth_place_code = Some(code.into()), expected);
        }
        check(|p| p.birth_place_code = None, &[]);
        check(|p| p.birth_place_code = Some(String::new()), &[]);
    }

    #[test]
    fn nir_format_key_and_consistency() {
        check(|p| p.nir = None, &[]);
        check(|p| p.nir = Some(" ".into()), &[]);
        check(
            |p| p.nir = Some("2841228085123".into()),
            &[("nir", "NIR_FORMAT")],
        );
        let mut bad_key = nir("2841228085123");
        let k = if bad_key.ends_with("01") { "02" } else { "01" };
        bad_key.replace_range(13.., k);
        check(|p| p.nir = Some(bad_key.clone()), &[("nir", "NIR_KEY")]);
        // Sex: 1 is a man, 2 a woman; I, 3, 4, 7, 8 not checked.
        check(
            |p| p.nir = Some(nir("1841228085123")),
            &[("nir", "NIR_SEX_MISMATCH")],
        );
        check(
            |p| {
                p.sex = Sex::M;
                p.nir = Some(nir("1841228085123"));
            },
            &[],
        );
        check(|p| p.sex = Sex::M, &[("nir", "NIR_SEX_MISMATCH")]);
        check(|p| p.sex = Sex::I, &[]);
        check(
            |p| {
                p.sex = Sex::I;
                p.nir = Some(nir("1841228085123"));
            },
            &[],
        );
        for first in ['3', '4', '7', '8'] {
            for sex in [Sex::F, Sex::M] {
                check(
                    |p| {
                        p.sex = sex;
                        p.nir = Some(nir(&format!("{first}841228085123")));
                    },
                    &[],
                );
            }
        }
        // Year and month.
        check(
            |p| p.birth_date = d("1984-11-03"),
            &[("nir", "NIR_BIRTH_MISMATCH")],
        );
        check(
            |p| p.birth_date = d("1985-12-03"),
            &[("nir", "NIR_BIRTH_MISMATCH")],
        );
        check(|p| p.birth_date = d("1984-12-31"), &[]);
        for month in ["00", "20", "31", "42", "50", "99"] {
            check(|p| p.nir = Some(nir(&format!("284{month}28085123"))), &[]);
        }
        check(
            |p| {
                p.birth_date = d("2005-01-10");
                p.nir = Some(nir("2050128085123"));
            },
            &[],
        );
        check(
            |p| {
                p.birth_date = d("2005-01-10");
                p.nir = Some(nir("2050228085123"));
            },
            &[("nir", "NIR_BIRTH_MISMATCH")],
        );
        // Both mismatches at once.
        check(
            |p| {
                p.sex = Sex::M;
                p.birth_date = d("1990-12-03");
            },
            &[("nir", "NIR_SEX_MISMATCH"), ("nir", "NIR_BIRTH_MISMATCH")],
        );
        // Corsica.
        check(|p| p.nir = Some(nir("284122A004123")), &[]);
        check(|p| p.nir = Some(nir("284122B004123")), &[]);
    }

    #[test]
    fn phone_address_commune() {
        check(|p| p.phone = "  ".into(), &[("phone", "REQUIRED")]);
        check(|p| p.phone = "12".into(), &[("phone", "PHONE_FORMAT")]);
        check(|p| p.phone = "+33 6 12 34 56 78".into(), &[]);
        check(
            |p| p.postal_code = Some("2800".into()),
            &[("postalCode", "POSTAL_CODE_FORMAT")],
        );
        check(
            |p| p.postal_code = Some("28OOO".into()),
            &[("postalCode", "POSTAL_CODE_FORMAT")],
        );
        check(|p| p.postal_code = Some("".into()), &[]);
        check(|p| p.postal_code = Some("97500".into()), &[]);
        check(|p| p.commune = " ".into(), &[("commune", "REQUIRED")]);
        check(|p| p.address = None, &[]);
    }

    #[test]
    fn treating_doctor_fields() {
        let doc = |name: &str, rpps: Option<&str>| {
            Some(TreatingDoctor {
                name: name.into(),
                rpps: rpps.map(Into::into),
            })
        };
        check(|p| p.treating_doctor = doc("Dr Dali", None), &[]);
        check(|p| p.treating_doctor = doc("Dr Dali", Some("")), &[]);
        check(|p| p.treating_doctor = doc(" ", Some(" ")), &[]);
        check(
            |p| p.treating_doctor = doc("Dr Dali", Some("10002727377")),
            &[],
        );
        check(
            |p| p.treating_doctor = doc("Dr Dali", Some("10002727378")),
            &[("treatingDoctor.rpps", "RPPS_FORMAT")],
        );
        check(
            |p| p.treating_doctor = doc("", Some("10002727377")),
            &[("treatingDoctor.name", "REQUIRED")],
        );
        check(
            |p| p.treating_doctor = doc("", Some("123")),
            &[
                ("treatingDoctor.name", "REQUIRED"),
                ("treatingDoctor.rpps", "RPPS_FORMAT"),
            ],
        );
        let mut p = base();
        p.treating_doctor = doc(" ", None);
        assert_eq!(validate(&p, d(TODAY)).unwrap().treating_doctor, None);
    }

    #[test]
    fn weight() {
        for (w, ok) in [
            (0.3, true),
            (3.25, true),
            (400.0, true),
            (0.29, false),
            (400.01, false),
            (0.0, false),
            (-70.0, false),
            (f64::NAN, false),
            (f64::INFINITY, false),
        ] {
            let expected: &[(&str, &str)] = if ok {
                &[]
            } else {
                &[("weightKg", "WEIGHT_RANGE")]
            };
            check(|p| p.weight_kg = Some(w), expected);
        }
    }

    #[test]
    fn every_error_at_once_in_form_order() {
        let p = Patient {
            family_name: String::new(),
            used_name: Some("X1".into()),
            given_names: "  ".into(),
            sex: Sex::M,
            birth_date: d("2030-01-01"),
            birth_place_code: Some("1".into()),
            nir: Some("123".into()),
            phone: "abc".into(),
            address: None,
            postal_code: Some("1".into()),
            commune: String::new(),
            treating_doctor: Some(TreatingDoctor {
                name: String::new(),
                rpps: Some("1".into()),
            }),
            coverage: Coverage::default(),
            weight_kg: Some(1000.0),
        };
        let errors = validate(&p, d(TODAY)).unwrap_err();
        let got: Vec<(&str, &str)> = errors
            .iter()
            .map(|e| (e.field.as_str(), e.code.as_str()))
            .collect();
        assert_eq!(
            got,
            vec![
                ("familyName", "REQUIRED"),
                ("usedName", "NAME_FORMAT"),
                ("givenNames", "REQUIRED"),
                ("birthDate", "BIRTH_DATE_FUTURE"),
                ("birthPlaceCode", "BIRTH_PLACE_FORMAT"),
                ("nir", "NIR_FORMAT"),
                ("phone", "PHONE_FORMAT"),
                ("postalCode", "POSTAL_CODE_FORMAT"),
                ("commune", "REQUIRED"),
                ("treatingDoctor.name", "REQUIRED"),
                ("treatingDoctor.rpps", "RPPS_FORMAT"),
                ("weightKg", "WEIGHT_RANGE"),
            ]
        );
        assert!(errors.iter().all(|e| !e.message.is_empty()));
    }
}
