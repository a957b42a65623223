//! Patient identity: NIR, RPPS, phone numbers and the validation of the patient form.
//!
//! The traits follow the INS (identité nationale de santé): birth name, birth first names,
//! sex, birth date and birth place code, plus what the consultation record needs (the phone
//! number in case the call drops, the médecin traitant who receives the report).
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

mod error;
mod nir;
mod phone;
mod rpps;
mod validate;

pub use error::IdentityError;
pub use nir::{key_of as nir_key, Nir};
pub use phone::Phone;
pub use rpps::Rpps;
pub use validate::validate;

/// Sex as recorded by the INS.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Sex {
    /// Female.
    F,
    /// Male.
    M,
    /// Indeterminate (indéterminé), allowed by the INS.
    I,
}

/// Who pays: the patient is free of charge under ALD, C2S or AME.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Coverage {
    /// Affection de longue durée.
    pub ald: bool,
    /// Complémentaire santé solidaire (former CMU-C and ACS).
    pub c2s: bool,
    /// Aide médicale de l'État.
    pub ame: bool,
}

/// The patient's médecin traitant, who receives a copy of the report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TreatingDoctor {
    /// Name as the patient gives it.
    pub name: String,
    /// RPPS number when known.
    #[serde(default)]
    pub rpps: Option<String>,
}

/// A patient as entered at the station (serde camelCase JSON; Option fields may be absent or null).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Patient {
    /// Nom de naissance (INS trait), required.
    pub family_name: String,
    /// Nom utilisé, when different from the birth name.
    #[serde(default)]
    pub used_name: Option<String>,
    /// Prénoms de naissance, space separated (INS trait), required.
    pub given_names: String,
    /// Sex (INS trait).
    pub sex: Sex,
    /// Birth date (INS trait), "YYYY-MM-DD".
    pub birth_date: NaiveDate,
    /// INSEE code of the birth place (INS trait): 5 characters, 99xxx when born abroad.
    #[serde(default)]
    pub birth_place_code: Option<String>,
    /// NIR (numéro de sécurité sociale), 15 characters.
    #[serde(default)]
    pub nir: Option<String>,
    /// Phone number, required: the doctor calls back on it when the call drops.
    pub phone: String,
    /// Postal address (street).
    #[serde(default)]
    pub address: Option<String>,
    /// Postal code, 5 digits.
    #[serde(default)]
    pub postal_code: Option<String>,
    /// Commune of residence, required.
    pub commune: String,
    /// Médecin traitant, when the patient has one.
    #[serde(default)]
    pub treating_doctor: Option<TreatingDoctor>,
    /// Free-of-charge schemes.
    #[serde(default)]
    pub coverage: Coverage,
    /// Weight in kilograms (needed for prescriptions to children), 0.3–400.
    #[serde(default)]
    pub weight_kg: Option<f64>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn patient_json_uses_camel_case_and_tolerates_absent_options() {
        let minimal = json!({
            "familyName": "MARTIN",
            "givenNames": "Claire Anne",
            "sex": "F",
            "birthDate": "1984-12-03",
            "phone": "+33612345678",
            "commune": "Chartres"
        });
        let p: Patient = serde_json::from_value(minimal).unwrap();
        assert_eq!(p.used_name, None);
        assert_eq!(p.coverage, Coverage::default());
        assert_eq!(p.treating_doctor, None);

        let full = json!({
            "familyName": "MARTIN",
            "usedName": "DURAND",
            "givenNames": "Claire Anne",
            "sex": "I",
            "birthDate": "1984-12-03",
            "birthPlaceCode": "28085",
            "nir": null,
            "phone": "+33612345678",
            "address": "5 rue Mathurin-Régnier",
            "postalCode": "28000",
            "commune": "Chartres",
            "treatingDoctor": { "name": "Dr Dali", "rpps": null },
            "coverage": { "ald": true, "c2s": false, "ame": false },
            "weightKg": 61.5
        });
        let p: Patient = serde_json::from_value(full.clone()).unwrap();
        assert_eq!(p.sex, Sex::I);
        assert_eq!(p.weight_kg, Some(61.5));
        assert_eq!(serde_json::to_value(&p).unwrap(), full);
    }

    #[test]
    fn sex_and_coverage_json() {
        for (sex, s) in [(Sex::F, "F"), (Sex::M, "M"), (Sex::I, "I")] {
            assert_eq!(serde_json::to_value(sex).unwrap(), json!(s));
        }
        assert!(serde_json::from_value::<Sex>(json!("X")).is_err());
        let c: Coverage = serde_json::from_value(json!({ "c2s": true })).unwrap();
        assert_eq!(
            c,
            Coverage {
                ald: false,
                c2s: true,
                ame: false
            }
        );
    }
}
