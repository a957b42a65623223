//! A GP's practitioner profile: what prescriptions say of the prescriber besides the
//! account's name and RPPS (qualification, address with "France", phone, e-mail).

use axum::http::StatusCode;
use relais_core::identity::Phone;
use relais_protocol::api::PractitionerProfile;

use crate::error::ApiFailure;

/// Longest accepted value of a profile field, in characters.
const MAX_FIELD_CHARS: usize = 200;

fn bad(message: &str) -> ApiFailure {
    ApiFailure::new(StatusCode::UNPROCESSABLE_ENTITY, "BAD_PROFILE", message)
}

fn field(value: &str, label: &str) -> Result<String, ApiFailure> {
    let value = value.trim();
    if value.is_empty() {
        return Err(bad(&format!(
            "Profil du praticien : {label} est obligatoire."
        )));
    }
    if value.chars().count() > MAX_FIELD_CHARS {
        return Err(bad(&format!(
            "Profil du praticien : {label} est trop long ({MAX_FIELD_CHARS} caractères au plus)."
        )));
    }
    Ok(value.to_string())
}

/// A plausible e-mail address: `local@domain.tld`, no spaces.
fn email_ok(email: &str) -> bool {
    let Some((local, domain)) = email.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && !domain.contains('@')
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !email.chars().any(char::is_whitespace)
}

/// Checks and normalises a profile: fields trimmed and required, the address ends with
/// "France" (added when missing), the phone in E.164 (`+33…`), the e-mail well formed.
/// Refusals are 422 `BAD_PROFILE` with a French message naming the field.
pub fn normalise(profile: &PractitionerProfile) -> Result<PractitionerProfile, ApiFailure> {
    let qualification = field(&profile.qualification, "la qualification")?;
    let mut address = field(&profile.address, "l'adresse")?;
    if !address
        .to_lowercase()
        .trim_end_matches('.')
        .ends_with("france")
    {
        address.push_str(", France");
    }
    let phone = Phone::parse(&field(&profile.phone, "le téléphone")?)
        .map_err(|_| {
            bad("Profil du praticien : numéro de téléphone invalide (ex. 02 37 12 34 56 ou +33 2 37 12 34 56).")
        })?
        .as_str()
        .to_string();
    let email = field(&profile.email, "l'adresse électronique")?;
    if !email_ok(&email) {
        return Err(bad(
            "Profil du praticien : adresse électronique invalide (attendu : nom@domaine.fr).",
        ));
    }
    Ok(PractitionerProfile {
        qualification,
        address,
        phone,
        email,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn profile() -> PractitionerProfile {
        PractitionerProfile {
            qualification: " Médecin généraliste ".into(),
            address: "12 rue Noël Ballay, 28000 Chartres".into(),
            phone: "02 37 12 34 56".into(),
            email: "dr.martin@relais.test".into(),
        }
    }

    #[test]
    fn normalises_address_and_phone() {
        let p = normalise(&profile()).expect("valid");
        assert_eq!(p.qualification, "Médecin généraliste");
        assert_eq!(p.address, "12 rue Noël Ballay, 28000 Chartres, France");
        assert_eq!(p.phone, "+33237123456");
        let again = normalise(&p).expect("idempotent");
        assert_eq!(again, p);
    }

    #[test]
    fn refuses_missing_or_malformed_fields() {
        for change in [
            |p: &mut PractitionerProfile| p.qualification = "  ".into(),
            |p: &mut PractitionerProfile| p.address = String::new(),
            |p: &mut PractitionerProfile| p.phone = "12".into(),
            |p: &mut PractitionerProfile| p.email = "martin.relais.test".into(),
            |p: &mut PractitionerProfile| p.email = "a b@relais.test".into(),
        ] {
            let mut p = profile();
            change(&mut p);
            let e = normalise(&p).expect_err("refused");
            assert_eq!(e.body.code, "BAD_PROFILE");
            assert!(e.body.message.starts_with("Profil du praticien"));
        }
    }
}
