//! Consultations: a state the caller's lifecycle drives, plus intake and assessment JSON.
//!
//! State changes are compare-and-set ([`Store::set_consultation_state`]): two screens or
//! processes cannot both move the same consultation from the same state.

use chrono::{DateTime, Utc};
use rusqlite::{params, OptionalExtension, Row};

use crate::audit::{append, Actor, AuditEvent};
use crate::db::{id_or_new, parse_json, parse_ts, read_err, ts, Store};
use crate::error::{is_foreign_key_violation, is_unique_violation, Result, StoreError};

/// A stored consultation.
#[derive(Debug, Clone, PartialEq)]
pub struct ConsultationRow {
    /// Id (UUID v4); left empty on insert, the store generates it.
    pub id: String,
    /// The patient's id; must exist.
    pub patient_id: String,
    /// Lifecycle state code, owned by the caller (e.g. `"intake"`, `"accepted"`).
    pub state: String,
    /// Intake (motif, exclusion answers...) as the caller's JSON.
    pub intake: serde_json::Value,
    /// Triage assessment as the caller's JSON.
    pub assessment: serde_json::Value,
    /// When the professional confirmed an excluded patient was redirected (15, urgences...).
    pub redirection_acknowledged_at: Option<DateTime<Utc>>,
    /// Set by the store on insert.
    pub created_at: DateTime<Utc>,
    /// Set by the store on insert and on each state change.
    pub updated_at: DateTime<Utc>,
}

const COLUMNS: &str = "id, patient_id, state, intake, assessment, created_at, updated_at, \
                       redirection_acknowledged_at";

fn from_row(r: &Row<'_>) -> rusqlite::Result<ConsultationRow> {
    Ok(ConsultationRow {
        id: r.get(0)?,
        patient_id: r.get(1)?,
        state: r.get(2)?,
        intake: parse_json(&r.get::<_, String>(3)?)?,
        assessment: parse_json(&r.get::<_, String>(4)?)?,
        created_at: parse_ts(&r.get::<_, String>(5)?)?,
        updated_at: parse_ts(&r.get::<_, String>(6)?)?,
        redirection_acknowledged_at: r
            .get::<_, Option<String>>(7)?
            .as_deref()
            .map(parse_ts)
            .transpose()?,
    })
}

pub(crate) fn not_found(id: &str) -> StoreError {
    StoreError::NotFound {
        what: "consultation",
        id: id.to_string(),
    }
}

/// Whether a consultation with this id exists (to tell a refused update from a missing row).
fn exists(conn: &rusqlite::Connection, id: &str) -> Result<bool> {
    let found: Option<i64> = conn
        .query_row("SELECT 1 FROM consultations WHERE id = ?1", [id], |r| {
            r.get(0)
        })
        .optional()?;
    Ok(found.is_some())
}

fn valid_state(s: &str) -> bool {
    !s.is_empty() && s.len() <= 64 && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
}

impl Store {
    /// Inserts a consultation and returns its id (generated when `c.id` is empty).
    ///
    /// `created_at` = `updated_at` = `at`; `redirection_acknowledged_at` is stored as given.
    /// Unknown patient: [`StoreError::NotFound`]. Audited `consultation.create` with
    /// `state=<state>` as detail.
    pub fn insert_consultation(
        &self,
        actor: &Actor,
        at: DateTime<Utc>,
        c: &ConsultationRow,
    ) -> Result<String> {
        if !valid_state(&c.state) {
            return Err(StoreError::InvalidInput {
                field: "état de la consultation",
            });
        }
        let id = id_or_new(&c.id);
        let tx = self.write_tx()?;
        tx.execute(
            &format!(
                "INSERT INTO consultations ({COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6, ?7)"
            ),
            params![
                id,
                c.patient_id,
                c.state,
                c.intake.to_string(),
                c.assessment.to_string(),
                ts(&at),
                c.redirection_acknowledged_at.as_ref().map(ts)
            ],
        )
        .map_err(|e| {
            if is_unique_violation(&e) {
                StoreError::Conflict {
                    reason: "cette consultation existe déjà",
                }
            } else if is_foreign_key_violation(&e) {
                StoreError::NotFound {
                    what: "patient",
                    id: c.patient_id.clone(),
                }
            } else {
                e.into()
            }
        })?;
        let detail = format!("state={}", c.state);
        append(
            &tx,
            actor,
            at,
            &AuditEvent {
                action: "consultation.create",
                record_type: "consultation",
                record_id: Some(&id),
                detail: &detail,
            },
        )?;
        tx.commit()?;
        Ok(id)
    }

    /// The consultation with this id; [`StoreError::NotFound`] if absent.
    pub fn get_consultation(&self, id: &str) -> Result<ConsultationRow> {
        self.conn
            .query_row(
                &format!("SELECT {COLUMNS} FROM consultations WHERE id = ?1"),
                [id],
                from_row,
            )
            .optional()
            .map_err(read_err)?
            .ok_or_else(|| not_found(id))
    }

    /// Moves a consultation from `expected_state` to `new_state` (compare-and-set).
    ///
    /// [`StoreError::Conflict`] if its current state is not `expected_state`,
    /// [`StoreError::NotFound`] if it does not exist. Audited `consultation.<new_state>`
    /// with `detail` (ids and codes only, e.g. an exclusion code).
    pub fn set_consultation_state(
        &self,
        actor: &Actor,
        at: DateTime<Utc>,
        id: &str,
        expected_state: &str,
        new_state: &str,
        detail: &str,
    ) -> Result<()> {
        if !valid_state(new_state) {
            return Err(StoreError::InvalidInput {
                field: "état de la consultation",
            });
        }
        let tx = self.write_tx()?;
        let n = tx.execute(
            "UPDATE consultations SET state = ?3, updated_at = ?4 WHERE id = ?1 AND state = ?2",
            params![id, expected_state, new_state, ts(&at)],
        )?;
        if n == 0 {
            return Err(match exists(&tx, id)? {
                true => StoreError::Conflict {
                    reason: "l'état de la consultation a changé entre-temps",
                },
                false => not_found(id),
            });
        }
        let action = format!("consultation.{new_state}");
        append(
            &tx,
            actor,
            at,
            &AuditEvent {
                action: &action,
                record_type: "consultation",
                record_id: Some(id),
                detail,
            },
        )?;
        tx.commit()?;
        Ok(())
    }

    /// Records that the professional redirected an excluded patient (first time only).
    ///
    /// Audited `consultation.redirection_acknowledged`; a second call changes nothing and
    /// writes nothing. [`StoreError::NotFound`] if the consultation does not exist. Whether
    /// the consultation is excluded is the caller's rule.
    pub fn acknowledge_redirection(
        &self,
        actor: &Actor,
        at: DateTime<Utc>,
        id: &str,
    ) -> Result<()> {
        let tx = self.write_tx()?;
        let n = tx.execute(
            "UPDATE consultations SET redirection_acknowledged_at = ?2, updated_at = ?2 \
             WHERE id = ?1 AND redirection_acknowledged_at IS NULL",
            params![id, ts(&at)],
        )?;
        if n == 0 {
            return match exists(&tx, id)? {
                true => Ok(()),
                false => Err(not_found(id)),
            };
        }
        append(
            &tx,
            actor,
            at,
            &AuditEvent {
                action: "consultation.redirection_acknowledged",
                record_type: "consultation",
                record_id: Some(id),
                detail: "",
            },
        )?;
        tx.commit()?;
        Ok(())
    }

    /// Consultations of a patient, oldest first.
    pub fn consultations_for_patient(&self, patient_id: &str) -> Result<Vec<ConsultationRow>> {
        let mut stmt = self.conn.prepare(&format!(
            "SELECT {COLUMNS} FROM consultations WHERE patient_id = ?1 ORDER BY created_at, id"
        ))?;
        let rows = stmt.query_map([patient_id], from_row)?;
        rows.collect::<rusqlite::Result<Vec<_>>>().map_err(read_err)
    }

    /// Consultations created in `[from, to)`, oldest first.
    pub fn consultations_between(
        &self,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Vec<ConsultationRow>> {
        let mut stmt = self.conn.prepare(&format!(
            "SELECT {COLUMNS} FROM consultations WHERE created_at >= ?1 AND created_at < ?2 \
             ORDER BY created_at, id"
        ))?;
        let rows = stmt.query_map(params![ts(&from), ts(&to)], from_row)?;
        rows.collect::<rusqlite::Result<Vec<_>>>().map_err(read_err)
    }
}
