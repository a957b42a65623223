//! Patient commands: validate, create, edit, read, search.
use chrono::NaiveDate;
use relais_core::error::FieldError;
use relais_core::identity::{self, Nir, Patient};
use relais_core::{age, text};
use relais_store::{PatientQuery, PatientRow};

use crate::dto::{PatientRecord, PatientSummary};
use crate::error::ApiError;
use crate::station::{Ctx, Station};

/// Results of a search.
const SEARCH_LIMIT: u32 = 20;

impl Station {
    /// Live validation of the patient form: the invalid fields, empty when valid.
    pub fn validate_patient(&self, patient: &Patient) -> Result<Vec<FieldError>, ApiError> {
        self.with_session(|ctx| {
            Ok(identity::validate(patient, ctx.today)
                .err()
                .unwrap_or_default())
        })
    }

    /// Creates a patient.
    pub fn create_patient(&self, patient: &Patient) -> Result<PatientRecord, ApiError> {
        self.with_session(|ctx| {
            let patient = valid(patient, ctx)?;
            let row = PatientRow {
                id: String::new(),
                search_key: search_key(&patient),
                birth_date: patient.birth_date,
                nir: patient.nir.clone(),
                data: serde_json::to_value(&patient)?,
                created_at: ctx.now,
                updated_at: ctx.now,
            };
            let id = ctx.store.insert_patient(&ctx.actor, ctx.now, &row)?;
            record(ctx, &id)
        })
    }

    /// Edits a patient's identity.
    pub fn update_patient(&self, id: &str, patient: &Patient) -> Result<PatientRecord, ApiError> {
        self.with_session(|ctx| {
            let patient = valid(patient, ctx)?;
            let before = ctx.store.get_patient(&ctx.actor, ctx.now, id)?;
            let row = PatientRow {
                search_key: search_key(&patient),
                birth_date: patient.birth_date,
                nir: patient.nir.clone(),
                data: serde_json::to_value(&patient)?,
                updated_at: ctx.now,
                ..before
            };
            ctx.store.update_patient(&ctx.actor, ctx.now, &row)?;
            record(ctx, id)
        })
    }

    /// A patient's record with their consultations.
    pub fn get_patient(&self, id: &str) -> Result<PatientRecord, ApiError> {
        self.with_session(|ctx| record(ctx, id))
    }

    /// Finds patients by name words, birth date (24/11/1950 or 1950-11-24) or NIR.
    pub fn search_patients(&self, query: &str) -> Result<Vec<PatientSummary>, ApiError> {
        self.with_session(|ctx| {
            let rows = ctx
                .store
                .search_patients(&ctx.actor, ctx.now, &parse_query(query))?;
            rows.into_iter()
                .map(|row| Ok(summary(row.id.clone(), &decode(&row)?, ctx.today)))
                .collect()
        })
    }
}

fn valid(patient: &Patient, ctx: &Ctx<'_>) -> Result<Patient, ApiError> {
    identity::validate(patient, ctx.today).map_err(|fields| {
        ApiError::invalid_form(
            "INVALID_PATIENT",
            "Certains champs de l'identité sont à corriger.",
            fields,
        )
    })
}

/// Folded names, the key the store searches by word prefix.
fn search_key(p: &Patient) -> String {
    let used = p.used_name.as_deref().unwrap_or_default();
    text::fold(&format!("{} {} {}", p.family_name, used, p.given_names))
}

pub(crate) fn decode(row: &PatientRow) -> Result<Patient, ApiError> {
    Ok(serde_json::from_value(row.data.clone())?)
}

pub(crate) fn record(ctx: &Ctx<'_>, id: &str) -> Result<PatientRecord, ApiError> {
    let row = ctx.store.get_patient(&ctx.actor, ctx.now, id)?;
    let patient = decode(&row)?;
    let consultations = crate::consultations::for_patient(ctx, id)?;
    Ok(PatientRecord {
        id: row.id,
        age: age::years(patient.birth_date, ctx.today).unwrap_or(0),
        patient,
        consultations,
    })
}

pub(crate) fn summary(id: String, p: &Patient, today: NaiveDate) -> PatientSummary {
    PatientSummary {
        id,
        family_name: p.family_name.clone(),
        used_name: p.used_name.clone(),
        given_names: p.given_names.clone(),
        birth_date: p.birth_date,
        age: age::years(p.birth_date, today).unwrap_or(0),
        nir_masked: p.nir.as_deref().map(mask_nir),
        commune: p.commune.clone(),
    }
}

/// Keeps sex, birth year and key of a NIR: "1 84 •• •• ••• ••• 45".
fn mask_nir(nir: &str) -> String {
    let chars: Vec<char> = nir.chars().filter(|c| !c.is_whitespace()).collect();
    if chars.len() != 15 {
        return "•••".to_string();
    }
    let head: String = chars[..3].iter().collect();
    let key: String = chars[13..].iter().collect();
    format!("{} {} •• •• ••• ••• {key}", &head[..1], &head[1..])
}

fn parse_query(query: &str) -> PatientQuery {
    let q = query.trim();
    let mut out = PatientQuery {
        text: None,
        birth_date: None,
        nir: None,
        limit: SEARCH_LIMIT,
    };
    if q.is_empty() {
        return out;
    }
    if let Some(date) = parse_date(q) {
        out.birth_date = Some(date);
    } else if let Ok(nir) = Nir::parse(q) {
        out.nir = Some(nir.as_str().to_string());
    } else {
        out.text = Some(text::fold(q));
    }
    out
}

fn parse_date(q: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(q, "%d/%m/%Y")
        .or_else(|_| NaiveDate::parse_from_str(q, "%Y-%m-%d"))
        .ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_kinds() {
        let d = parse_query("24/11/1950");
        assert_eq!(d.birth_date, NaiveDate::from_ymd_opt(1950, 11, 24));
        let d = parse_query("1950-11-24");
        assert_eq!(d.birth_date, NaiveDate::from_ymd_opt(1950, 11, 24));
        let t = parse_query("  Hélène  DUPONT ");
        assert_eq!(t.text.as_deref(), Some("helene dupont"));
        assert!(parse_query("").text.is_none());
    }

    #[test]
    fn nir_mask_hides_the_middle() {
        assert_eq!(mask_nir("184122808512345"), "1 84 •• •• ••• ••• 45");
        assert_eq!(mask_nir("12"), "•••");
    }
}
