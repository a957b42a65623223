//! Patients: identity columns used for search, the rest as the caller's JSON.
//!
//! Reading or searching patients is an access to health data: both are audited
//! (`patient.read`, `patient.search`), in the same transaction as the read.

use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::{params, params_from_iter, types::Value, OptionalExtension, Row, Transaction};

use crate::audit::{append, Actor, AuditEvent};
use crate::db::{id_or_new, parse_json, parse_ts, read_err, ts, Store};
use crate::error::{is_unique_violation, Result, StoreError};
use crate::rows::ListAudit;

/// Largest number of patients one search returns.
pub const MAX_SEARCH_LIMIT: u32 = 500;

/// A stored patient.
#[derive(Debug, Clone, PartialEq)]
pub struct PatientRow {
    /// Id (UUID v4); left empty on insert, the store generates it.
    pub id: String,
    /// Folded names (lowercase, no accents), computed by the caller; searched by word prefix.
    pub search_key: String,
    /// Date of birth.
    pub birth_date: NaiveDate,
    /// NIR (social security number) as normalised by the caller.
    pub nir: Option<String>,
    /// Everything else, as the caller's JSON.
    pub data: serde_json::Value,
    /// Set by the store on insert.
    pub created_at: DateTime<Utc>,
    /// Set by the store on insert and update.
    pub updated_at: DateTime<Utc>,
}

/// Search criteria; the given ones must all match.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PatientQuery {
    /// Folded text (lowercase, no accents): each of its words must be the prefix of a word
    /// of the patient's `search_key`. Words are split on anything not a letter or digit.
    pub text: Option<String>,
    /// Exact date of birth.
    pub birth_date: Option<NaiveDate>,
    /// Exact NIR.
    pub nir: Option<String>,
    /// Maximum number of results (capped at [`MAX_SEARCH_LIMIT`]).
    pub limit: u32,
}

const COLUMNS: &str = "id, search_key, birth_date, nir, data, created_at, updated_at";

fn from_row(r: &Row<'_>) -> rusqlite::Result<PatientRow> {
    let birth: String = r.get(2)?;
    Ok(PatientRow {
        id: r.get(0)?,
        search_key: r.get(1)?,
        birth_date: NaiveDate::parse_from_str(&birth, "%Y-%m-%d").map_err(|e| {
            rusqlite::Error::FromSqlConversionFailure(2, rusqlite::types::Type::Text, Box::new(e))
        })?,
        nir: r.get(3)?,
        data: parse_json(&r.get::<_, String>(4)?)?,
        created_at: parse_ts(&r.get::<_, String>(5)?)?,
        updated_at: parse_ts(&r.get::<_, String>(6)?)?,
    })
}

/// Words of a folded text: maximal runs of letters and digits.
fn words(text: &str) -> Vec<&str> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect()
}

fn date_text(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

fn write_words(tx: &Transaction<'_>, id: &str, search_key: &str) -> Result<()> {
    tx.execute("DELETE FROM patient_words WHERE patient_id = ?1", [id])?;
    let mut stmt = tx
        .prepare_cached("INSERT OR IGNORE INTO patient_words (word, patient_id) VALUES (?1, ?2)")?;
    for w in words(search_key) {
        stmt.execute(params![w, id])?;
    }
    Ok(())
}

fn fetch(tx: &Transaction<'_>, id: &str) -> Result<Option<PatientRow>> {
    tx.query_row(
        &format!("SELECT {COLUMNS} FROM patients WHERE id = ?1"),
        [id],
        from_row,
    )
    .optional()
    .map_err(read_err)
}

fn not_found(id: &str) -> StoreError {
    StoreError::NotFound {
        what: "patient",
        id: id.to_string(),
    }
}

impl Store {
    /// Inserts a patient and returns its id (generated when `patient.id` is empty).
    ///
    /// `created_at` = `updated_at` = `at`: the row's own timestamps are ignored. An id already
    /// taken gives [`StoreError::Conflict`]. Audited `patient.create`.
    pub fn insert_patient(
        &self,
        actor: &Actor,
        at: DateTime<Utc>,
        patient: &PatientRow,
    ) -> Result<String> {
        let id = id_or_new(&patient.id);
        let tx = self.write_tx()?;
        tx.execute(
            &format!("INSERT INTO patients ({COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6)"),
            params![
                id,
                patient.search_key,
                date_text(patient.birth_date),
                patient.nir,
                patient.data.to_string(),
                ts(&at)
            ],
        )
        .map_err(|e| {
            if is_unique_violation(&e) {
                StoreError::Conflict {
                    reason: "ce patient existe déjà",
                }
            } else {
                e.into()
            }
        })?;
        write_words(&tx, &id, &patient.search_key)?;
        append(
            &tx,
            actor,
            at,
            &AuditEvent {
                action: "patient.create",
                record_type: "patient",
                record_id: Some(&id),
                detail: "",
            },
        )?;
        tx.commit()?;
        Ok(id)
    }

    /// Replaces a patient's columns (keeps `created_at`, sets `updated_at` = `at`);
    /// [`StoreError::NotFound`] if absent. Audited `patient.update`.
    pub fn update_patient(
        &self,
        actor: &Actor,
        at: DateTime<Utc>,
        patient: &PatientRow,
    ) -> Result<()> {
        let tx = self.write_tx()?;
        let n = tx.execute(
            "UPDATE patients SET search_key = ?2, birth_date = ?3, nir = ?4, data = ?5, \
             updated_at = ?6 WHERE id = ?1",
            params![
                patient.id,
                patient.search_key,
                date_text(patient.birth_date),
                patient.nir,
                patient.data.to_string(),
                ts(&at)
            ],
        )?;
        if n == 0 {
            return Err(not_found(&patient.id));
        }
        write_words(&tx, &patient.id, &patient.search_key)?;
        append(
            &tx,
            actor,
            at,
            &AuditEvent {
                action: "patient.update",
                record_type: "patient",
                record_id: Some(&patient.id),
                detail: "",
            },
        )?;
        tx.commit()?;
        Ok(())
    }

    /// Reads a patient; [`StoreError::NotFound`] if absent. Audited `patient.read`.
    pub fn get_patient(&self, actor: &Actor, at: DateTime<Utc>, id: &str) -> Result<PatientRow> {
        let tx = self.write_tx()?;
        let row = fetch(&tx, id)?.ok_or_else(|| not_found(id))?;
        append(
            &tx,
            actor,
            at,
            &AuditEvent {
                action: "patient.read",
                record_type: "patient",
                record_id: Some(id),
                detail: "",
            },
        )?;
        tx.commit()?;
        Ok(row)
    }

    /// Patients matching every given criterion (no criterion: all), ordered by `search_key`
    /// then id, at most `query.limit` of them.
    ///
    /// Audited `patient.search` with only the result count in the detail (`count=N`), never
    /// the query.
    pub fn search_patients(
        &self,
        actor: &Actor,
        at: DateTime<Utc>,
        query: &PatientQuery,
    ) -> Result<Vec<PatientRow>> {
        let mut sql = format!("SELECT {COLUMNS} FROM patients p WHERE 1 = 1");
        let mut args: Vec<Value> = Vec::new();
        if let Some(d) = query.birth_date {
            args.push(Value::Text(date_text(d)));
            sql.push_str(&format!(" AND p.birth_date = ?{}", args.len()));
        }
        if let Some(nir) = &query.nir {
            args.push(Value::Text(nir.clone()));
            sql.push_str(&format!(" AND p.nir = ?{}", args.len()));
        }
        for w in query.text.as_deref().map(words).unwrap_or_default() {
            // Prefix range on the indexed words: w <= word < w + U+10FFFF.
            args.push(Value::Text(w.to_string()));
            args.push(Value::Text(format!("{w}\u{10FFFF}")));
            sql.push_str(&format!(
                " AND EXISTS (SELECT 1 FROM patient_words w WHERE w.patient_id = p.id \
                 AND w.word >= ?{} AND w.word < ?{})",
                args.len() - 1,
                args.len()
            ));
        }
        args.push(Value::Integer(i64::from(query.limit.min(MAX_SEARCH_LIMIT))));
        sql.push_str(&format!(
            " ORDER BY p.search_key, p.id LIMIT ?{}",
            args.len()
        ));

        self.audited_list(
            actor,
            at,
            ListAudit {
                action: "patient.search",
                record_type: "patient",
                record_id: None,
            },
            &sql,
            params_from_iter(args),
            from_row,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::words;

    #[test]
    fn words_split_on_non_alphanumerics() {
        assert_eq!(
            words("dupont-moreau  jean'pierre"),
            ["dupont", "moreau", "jean", "pierre"]
        );
        assert!(words("  - ").is_empty());
    }
}
