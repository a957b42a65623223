//! Signed documents received from the GP and their print jobs.
//!
//! - Documents are append-only (triggers refuse `UPDATE` and `DELETE`): a correction is a new
//!   version. Inserting the same id again is a no-op when its hash is the same
//!   ([`Store::insert_document`] answers `false`), a [`StoreError::Conflict`] otherwise.
//! - The store does not check the hash: the caller verified it against the content.
//! - Every read of a document is audited (`document.read`, `document.list`), every change
//!   too; details hold ids, codes, versions and the short hash, never the content.
//! - Print jobs move `pending → printing → done | failed`, `failed → printing` (retry,
//!   `attempts + 1`), and `pending | failed → cancelled`; a reprint is a new job.

use chrono::{DateTime, Utc};
use rusqlite::{params, OptionalExtension, Row};

use crate::audit::{append, Actor, AuditEvent};
use crate::consultations::not_found;
use crate::db::{read_err, ts, Store};
use crate::error::{is_foreign_key_violation, Result, StoreError};
use crate::rows::{json_col, list, opt_ts_col, ts_col, ListAudit};

/// Document kinds the store accepts.
pub const DOCUMENT_KINDS: &[&str] = &["prescription", "report", "sickNote"];
/// Ways a document reaches the station.
pub const RECEIVED_VIA: &[&str] = &["hub", "dataChannel"];

/// A stored signed document.
#[derive(Debug, Clone, PartialEq)]
pub struct DocumentRow {
    /// Document id (the hub's, unique across versions).
    pub id: String,
    /// The station's consultation id.
    pub consultation_id: String,
    /// `prescription` or `report`.
    pub kind: String,
    /// 1, then + 1 per correction.
    pub version: u32,
    /// Id of the version this one corrects.
    pub supersedes: Option<String>,
    /// The signed content, as received.
    pub content: serde_json::Value,
    /// Lowercase hex SHA-256 of the canonical content.
    pub sha256: String,
    /// When the GP signed it.
    pub signed_at: DateTime<Utc>,
    /// The signing GP's name.
    pub signed_by: String,
    /// The signing GP's RPPS.
    pub signed_by_rpps: String,
    /// When this station stored it (set by the store on insert).
    pub received_at: DateTime<Utc>,
    /// `hub` or `dataChannel`.
    pub received_via: String,
}

/// One print of a document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PrintJobRow {
    /// Id (UUID v4).
    pub id: String,
    /// The document printed.
    pub document_id: String,
    /// The printer (queue) name.
    pub printer: String,
    /// The spooler's job id, once handed to it.
    pub spool_job: Option<String>,
    /// `pending`, `printing`, `done`, `failed` or `cancelled`.
    pub state: String,
    /// Stable code of the last failure.
    pub code: Option<String>,
    /// French message of the last failure.
    pub message: Option<String>,
    /// How many times it was handed to the spooler.
    pub attempts: u32,
    /// When it was asked for.
    pub created_at: DateTime<Utc>,
    /// Last change.
    pub updated_at: DateTime<Utc>,
    /// Last time it was handed to the spooler.
    pub submitted_at: Option<DateTime<Utc>>,
    /// When it ended (done or failed).
    pub finished_at: Option<DateTime<Utc>>,
}

/// A change of a print job's state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PrintUpdate {
    /// Handed to the spooler with this job id (counts one attempt).
    Submitted {
        /// The spooler's job id.
        spool_job: String,
    },
    /// The spooler finished it.
    Done,
    /// It failed; stays offered again.
    Failed {
        /// Stable code, e.g. `PRINTER_STOPPED`.
        code: String,
        /// French message for the user.
        message: String,
    },
    /// The user gave it up.
    Cancelled,
}

impl PrintUpdate {
    fn state(&self) -> &'static str {
        match self {
            PrintUpdate::Submitted { .. } => "printing",
            PrintUpdate::Done => "done",
            PrintUpdate::Failed { .. } => "failed",
            PrintUpdate::Cancelled => "cancelled",
        }
    }

    /// States a job may be in before this change.
    fn allowed_from(&self) -> &'static [&'static str] {
        match self {
            PrintUpdate::Submitted { .. } => &["pending", "failed"],
            PrintUpdate::Done => &["printing"],
            PrintUpdate::Failed { .. } => &["pending", "printing"],
            PrintUpdate::Cancelled => &["pending", "failed"],
        }
    }
}

const DOC_COLUMNS: &str = "id, consultation_id, kind, version, supersedes, content, sha256, \
                           signed_at, signed_by, signed_by_rpps, received_at, received_via";

fn doc_from_row(r: &Row<'_>) -> rusqlite::Result<DocumentRow> {
    Ok(DocumentRow {
        id: r.get(0)?,
        consultation_id: r.get(1)?,
        kind: r.get(2)?,
        version: r.get(3)?,
        supersedes: r.get(4)?,
        content: json_col(r, 5)?,
        sha256: r.get(6)?,
        signed_at: ts_col(r, 7)?,
        signed_by: r.get(8)?,
        signed_by_rpps: r.get(9)?,
        received_at: ts_col(r, 10)?,
        received_via: r.get(11)?,
    })
}

const JOB_COLUMNS: &str = "id, document_id, printer, spool_job, state, code, message, attempts, \
                           created_at, updated_at, submitted_at, finished_at";

fn job_from_row(r: &Row<'_>) -> rusqlite::Result<PrintJobRow> {
    Ok(PrintJobRow {
        id: r.get(0)?,
        document_id: r.get(1)?,
        printer: r.get(2)?,
        spool_job: r.get(3)?,
        state: r.get(4)?,
        code: r.get(5)?,
        message: r.get(6)?,
        attempts: r.get(7)?,
        created_at: ts_col(r, 8)?,
        updated_at: ts_col(r, 9)?,
        submitted_at: opt_ts_col(r, 10)?,
        finished_at: opt_ts_col(r, 11)?,
    })
}

/// The print job `id`.
fn job(conn: &rusqlite::Connection, id: &str) -> rusqlite::Result<PrintJobRow> {
    conn.query_row(
        &format!("SELECT {JOB_COLUMNS} FROM print_jobs WHERE id = ?1"),
        [id],
        job_from_row,
    )
}

fn document_not_found(id: &str) -> StoreError {
    StoreError::NotFound {
        what: "document",
        id: id.to_string(),
    }
}

fn print_job_not_found(id: &str) -> StoreError {
    StoreError::NotFound {
        what: "impression",
        id: id.to_string(),
    }
}

fn short(hash: &str) -> &str {
    hash.get(..12).unwrap_or(hash)
}

/// A stable code: 1 to 64 characters of `A-Z`, `0-9`, `_`.
fn valid_code(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 64
        && s.bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_')
}

impl Store {
    /// Stores a signed document; `doc.received_at` is replaced by `at`.
    ///
    /// Returns `true` when it was new, `false` when a document with this id and the same
    /// hash is already there (received twice: by the hub and on the data channel). The same
    /// id with another hash is a [`StoreError::Conflict`]; an unknown consultation a
    /// [`StoreError::NotFound`]. Audited `document.receive` with kind, version, way and short hash.
    pub fn insert_document(
        &self,
        actor: &Actor,
        at: DateTime<Utc>,
        doc: &DocumentRow,
    ) -> Result<bool> {
        if !DOCUMENT_KINDS.contains(&doc.kind.as_str()) {
            return Err(StoreError::InvalidInput {
                field: "type de document",
            });
        }
        if !RECEIVED_VIA.contains(&doc.received_via.as_str()) {
            return Err(StoreError::InvalidInput {
                field: "provenance du document",
            });
        }
        if doc.id.is_empty() || doc.id.len() > 128 {
            return Err(StoreError::InvalidInput {
                field: "identifiant du document",
            });
        }
        if doc.sha256.len() != 64 || !doc.sha256.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(StoreError::InvalidInput {
                field: "empreinte du document",
            });
        }
        if doc.version == 0 {
            return Err(StoreError::InvalidInput {
                field: "version du document",
            });
        }
        let tx = self.write_tx()?;
        let existing: Option<String> = tx
            .query_row(
                "SELECT sha256 FROM documents WHERE id = ?1",
                [&doc.id],
                |r| r.get(0),
            )
            .optional()?;
        if let Some(hash) = existing {
            if hash == doc.sha256 {
                return Ok(false);
            }
            return Err(StoreError::Conflict {
                reason: "un autre document porte déjà cet identifiant",
            });
        }
        tx.execute(
            &format!(
                "INSERT INTO documents ({DOC_COLUMNS}) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)"
            ),
            params![
                doc.id,
                doc.consultation_id,
                doc.kind,
                doc.version,
                doc.supersedes,
                doc.content.to_string(),
                doc.sha256,
                ts(&doc.signed_at),
                doc.signed_by,
                doc.signed_by_rpps,
                ts(&at),
                doc.received_via
            ],
        )
        .map_err(|e| {
            if is_foreign_key_violation(&e) {
                not_found(&doc.consultation_id)
            } else {
                e.into()
            }
        })?;
        let detail = format!(
            "consultation={} kind={} version={} via={} sha256={}",
            doc.consultation_id,
            doc.kind,
            doc.version,
            doc.received_via,
            short(&doc.sha256)
        );
        append(
            &tx,
            actor,
            at,
            &AuditEvent {
                action: "document.receive",
                record_type: "document",
                record_id: Some(&doc.id),
                detail: &detail,
            },
        )?;
        tx.commit()?;
        Ok(true)
    }

    /// Whether a document with this id is stored (not audited: no content is read).
    pub fn has_document(&self, id: &str) -> Result<bool> {
        let found: Option<i64> = self
            .conn
            .query_row("SELECT 1 FROM documents WHERE id = ?1", [id], |r| r.get(0))
            .optional()?;
        Ok(found.is_some())
    }

    /// Reads a document; [`StoreError::NotFound`] if absent. Audited `document.read`.
    pub fn get_document(&self, actor: &Actor, at: DateTime<Utc>, id: &str) -> Result<DocumentRow> {
        let tx = self.write_tx()?;
        let row = tx
            .query_row(
                &format!("SELECT {DOC_COLUMNS} FROM documents WHERE id = ?1"),
                [id],
                doc_from_row,
            )
            .optional()
            .map_err(read_err)?
            .ok_or_else(|| document_not_found(id))?;
        append(
            &tx,
            actor,
            at,
            &AuditEvent {
                action: "document.read",
                record_type: "document",
                record_id: Some(id),
                detail: "",
            },
        )?;
        tx.commit()?;
        Ok(row)
    }

    /// The documents of a consultation, by kind then version. Audited `document.list`
    /// on the consultation with the count.
    pub fn documents_for_consultation(
        &self,
        actor: &Actor,
        at: DateTime<Utc>,
        consultation_id: &str,
    ) -> Result<Vec<DocumentRow>> {
        self.audited_list(
            actor,
            at,
            ListAudit {
                action: "document.list",
                record_type: "consultation",
                record_id: Some(consultation_id),
            },
            &format!(
                "SELECT {DOC_COLUMNS} FROM documents WHERE consultation_id = ?1 \
                 ORDER BY kind, version, received_at"
            ),
            [consultation_id],
            doc_from_row,
        )
    }

    /// The station's consultation id of a hub consultation id, if this station requested it.
    pub fn consultation_of_hub(&self, hub_consultation_id: &str) -> Result<Option<String>> {
        self.conn
            .query_row(
                "SELECT consultation_id FROM consultation_hub WHERE hub_consultation_id = ?1",
                [hub_consultation_id],
                |r| r.get(0),
            )
            .optional()
            .map_err(read_err)
    }

    /// Records a print asked for (state `pending`). Audited `print.request`.
    pub fn create_print_job(
        &self,
        actor: &Actor,
        at: DateTime<Utc>,
        document_id: &str,
        printer: &str,
    ) -> Result<PrintJobRow> {
        if printer.trim().is_empty() || printer.len() > 256 {
            return Err(StoreError::InvalidInput {
                field: "imprimante",
            });
        }
        let id = uuid::Uuid::new_v4().to_string();
        let tx = self.write_tx()?;
        tx.execute(
            "INSERT INTO print_jobs (id, document_id, printer, state, attempts, created_at, updated_at) \
             VALUES (?1, ?2, ?3, 'pending', 0, ?4, ?4)",
            params![id, document_id, printer, ts(&at)],
        )
        .map_err(|e| {
            if is_foreign_key_violation(&e) {
                document_not_found(document_id)
            } else {
                e.into()
            }
        })?;
        let detail = format!("document={document_id}");
        append(
            &tx,
            actor,
            at,
            &AuditEvent {
                action: "print.request",
                record_type: "print_job",
                record_id: Some(&id),
                detail: &detail,
            },
        )?;
        let row = job(&tx, &id).map_err(read_err)?;
        tx.commit()?;
        Ok(row)
    }

    /// Moves a print job on (see the module docs for the allowed moves); a move from another
    /// state is a [`StoreError::Conflict`]. Audited `print.<new state>` with the spooler's
    /// job id or the failure code.
    pub fn update_print_job(
        &self,
        actor: &Actor,
        at: DateTime<Utc>,
        id: &str,
        update: &PrintUpdate,
    ) -> Result<PrintJobRow> {
        if let PrintUpdate::Failed { code, .. } = update {
            if !valid_code(code) {
                return Err(StoreError::InvalidInput {
                    field: "code d’erreur d’impression",
                });
            }
        }
        let tx = self.write_tx()?;
        let current: Option<String> = tx
            .query_row("SELECT state FROM print_jobs WHERE id = ?1", [id], |r| {
                r.get(0)
            })
            .optional()?;
        let current = current.ok_or_else(|| print_job_not_found(id))?;
        if !update.allowed_from().contains(&current.as_str()) {
            return Err(StoreError::Conflict {
                reason: "l’impression n’est plus dans cet état",
            });
        }
        let now = ts(&at);
        let detail = match update {
            PrintUpdate::Submitted { spool_job } => {
                tx.execute(
                    "UPDATE print_jobs SET state = 'printing', spool_job = ?2, code = NULL, \
                     message = NULL, attempts = attempts + 1, submitted_at = ?3, updated_at = ?3, \
                     finished_at = NULL WHERE id = ?1",
                    params![id, spool_job, now],
                )?;
                format!("spool_job={spool_job}")
            }
            PrintUpdate::Done => {
                tx.execute(
                    "UPDATE print_jobs SET state = 'done', code = NULL, message = NULL, \
                     updated_at = ?2, finished_at = ?2 WHERE id = ?1",
                    params![id, now],
                )?;
                String::new()
            }
            PrintUpdate::Failed { code, message } => {
                tx.execute(
                    "UPDATE print_jobs SET state = 'failed', code = ?2, message = ?3, \
                     updated_at = ?4, finished_at = ?4 WHERE id = ?1",
                    params![id, code, message, now],
                )?;
                format!("code={code}")
            }
            PrintUpdate::Cancelled => {
                tx.execute(
                    "UPDATE print_jobs SET state = 'cancelled', updated_at = ?2, finished_at = ?2 \
                     WHERE id = ?1",
                    params![id, now],
                )?;
                String::new()
            }
        };
        let action = format!("print.{}", update.state());
        append(
            &tx,
            actor,
            at,
            &AuditEvent {
                action: &action,
                record_type: "print_job",
                record_id: Some(id),
                detail: &detail,
            },
        )?;
        let row = job(&tx, id).map_err(read_err)?;
        tx.commit()?;
        Ok(row)
    }

    /// A print job; [`StoreError::NotFound`] if absent.
    pub fn print_job(&self, id: &str) -> Result<PrintJobRow> {
        job(&self.conn, id)
            .optional()
            .map_err(read_err)?
            .ok_or_else(|| print_job_not_found(id))
    }

    /// The print jobs of a document, oldest first.
    pub fn print_jobs_for_document(&self, document_id: &str) -> Result<Vec<PrintJobRow>> {
        list(
            &self.conn,
            &format!(
                "SELECT {JOB_COLUMNS} FROM print_jobs WHERE document_id = ?1 \
                 ORDER BY created_at, id"
            ),
            [document_id],
            job_from_row,
        )
    }

    /// Print jobs not finished well: `pending`, `printing` or `failed`, oldest first.
    pub fn open_print_jobs(&self) -> Result<Vec<PrintJobRow>> {
        list(
            &self.conn,
            &format!(
                "SELECT {JOB_COLUMNS} FROM print_jobs \
                 WHERE state IN ('pending', 'printing', 'failed') ORDER BY created_at, id"
            ),
            [],
            job_from_row,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{ConsultationRow, DbKey, PatientRow};

    fn open() -> (tempfile::TempDir, Store) {
        let dir = tempfile::tempdir().expect("tmp");
        let s = Store::open(&dir.path().join("d.db"), &DbKey::from_bytes([3; 32])).expect("open");
        (dir, s)
    }

    fn consultation(s: &Store) -> String {
        let at = Utc::now();
        let patient = s
            .insert_patient(
                &Actor::system(),
                at,
                &PatientRow {
                    id: String::new(),
                    search_key: "martin paul".into(),
                    birth_date: chrono::NaiveDate::from_ymd_opt(1950, 3, 4).expect("date"),
                    nir: None,
                    data: serde_json::json!({}),
                    created_at: at,
                    updated_at: at,
                },
            )
            .expect("patient");
        s.insert_consultation(
            &Actor::system(),
            at,
            &ConsultationRow {
                id: String::new(),
                patient_id: patient,
                state: "inCall".into(),
                intake: serde_json::json!({}),
                assessment: serde_json::json!({}),
                redirection_acknowledged_at: None,
                created_at: at,
                updated_at: at,
            },
        )
        .expect("consultation")
    }

    fn doc(consultation_id: &str, id: &str, hash_byte: char) -> DocumentRow {
        DocumentRow {
            id: id.into(),
            consultation_id: consultation_id.into(),
            kind: "prescription".into(),
            version: 1,
            supersedes: None,
            content: serde_json::json!({"lines": [{"drug": "Paracétamol 1 g"}]}),
            sha256: hash_byte.to_string().repeat(64),
            signed_at: Utc::now(),
            signed_by: "Dr Claire Martin".into(),
            signed_by_rpps: "10000000007".into(),
            received_at: Utc::now(),
            received_via: "dataChannel".into(),
        }
    }

    #[test]
    fn documents_are_idempotent_append_only_and_audited_without_content() {
        let (_d, s) = open();
        let c = consultation(&s);
        let a = Actor::system();
        let d = doc(&c, "doc-1", 'a');
        assert!(s.insert_document(&a, Utc::now(), &d).expect("new"));
        // Received again (hub after data channel): nothing changes.
        let mut again = d.clone();
        again.received_via = "hub".into();
        assert!(!s.insert_document(&a, Utc::now(), &again).expect("again"));
        // Same id, other content: refused.
        let e = s
            .insert_document(&a, Utc::now(), &doc(&c, "doc-1", 'b'))
            .expect_err("conflict");
        assert_eq!(e.code(), "CONFLICT");
        // A correction is a new row.
        let mut v2 = doc(&c, "doc-2", 'c');
        v2.version = 2;
        v2.supersedes = Some("doc-1".into());
        assert!(s.insert_document(&a, Utc::now(), &v2).expect("v2"));
        let list = s
            .documents_for_consultation(&a, Utc::now(), &c)
            .expect("list");
        assert_eq!(
            list.iter().map(|d| d.version).collect::<Vec<_>>(),
            vec![1, 2]
        );
        assert_eq!(list[0].received_via, "dataChannel");
        assert_eq!(list[0].content, d.content);
        assert_eq!(
            s.get_document(&a, Utc::now(), "doc-2")
                .expect("get")
                .supersedes
                .as_deref(),
            Some("doc-1")
        );
        // The table refuses changes made around the store.
        assert!(s
            .conn
            .execute("UPDATE documents SET content = '{}' WHERE id = 'doc-1'", [])
            .is_err());
        assert!(s
            .conn
            .execute("DELETE FROM documents WHERE id = 'doc-1'", [])
            .is_err());
        // Audit: ids and codes, never the content.
        let entries = s.audit_entries(None, 1000).expect("audit");
        let actions: Vec<&str> = entries.iter().map(|e| e.action.as_str()).collect();
        assert!(actions.contains(&"document.receive"));
        assert!(actions.contains(&"document.read"));
        assert!(actions.contains(&"document.list"));
        assert!(entries.iter().all(|e| !e.detail.contains("Paracétamol")));
        assert!(s.verify_audit().expect("verify").ok);
        // Unknown consultation, bad kind, bad hash.
        assert_eq!(
            s.insert_document(&a, Utc::now(), &doc("nope", "doc-3", 'd'))
                .expect_err("fk")
                .code(),
            "NOT_FOUND"
        );
        let mut bad = doc(&c, "doc-4", 'e');
        bad.kind = "letter".into();
        assert_eq!(
            s.insert_document(&a, Utc::now(), &bad)
                .expect_err("kind")
                .code(),
            "INVALID_INPUT"
        );
        let mut bad = doc(&c, "doc-5", 'e');
        bad.sha256 = "xyz".into();
        assert!(s.insert_document(&a, Utc::now(), &bad).is_err());
        assert_eq!(
            s.get_document(&a, Utc::now(), "missing")
                .expect_err("nf")
                .code(),
            "NOT_FOUND"
        );
    }

    #[test]
    fn print_jobs_follow_their_states_and_survive_a_reopen() {
        let dir = tempfile::tempdir().expect("tmp");
        let path = dir.path().join("p.db");
        let key = DbKey::from_bytes([4; 32]);
        let s = Store::open(&path, &key).expect("open");
        let c = consultation(&s);
        let a = Actor::system();
        s.insert_document(&a, Utc::now(), &doc(&c, "doc-1", 'a'))
            .expect("doc");
        let job = s
            .create_print_job(&a, Utc::now(), "doc-1", "Relais-PDF")
            .expect("job");
        assert_eq!((job.state.as_str(), job.attempts), ("pending", 0));
        assert_eq!(
            s.create_print_job(&a, Utc::now(), "nope", "Relais-PDF")
                .expect_err("fk")
                .code(),
            "NOT_FOUND"
        );
        // Done before being sent: refused.
        assert_eq!(
            s.update_print_job(&a, Utc::now(), &job.id, &PrintUpdate::Done)
                .expect_err("order")
                .code(),
            "CONFLICT"
        );
        let j = s
            .update_print_job(
                &a,
                Utc::now(),
                &job.id,
                &PrintUpdate::Submitted {
                    spool_job: "Relais-PDF-1".into(),
                },
            )
            .expect("submitted");
        assert_eq!((j.state.as_str(), j.attempts), ("printing", 1));
        let j = s
            .update_print_job(
                &a,
                Utc::now(),
                &job.id,
                &PrintUpdate::Failed {
                    code: "PRINTER_STOPPED".into(),
                    message: "L’imprimante est arrêtée.".into(),
                },
            )
            .expect("failed");
        assert_eq!(j.code.as_deref(), Some("PRINTER_STOPPED"));
        assert!(j.finished_at.is_some());
        assert!(s
            .update_print_job(
                &a,
                Utc::now(),
                &job.id,
                &PrintUpdate::Failed {
                    code: "bad code".into(),
                    message: String::new()
                }
            )
            .is_err());
        drop(s);
        // A restart loses nothing: the failed print is still offered.
        let s = Store::open(&path, &key).expect("reopen");
        let open = s.open_print_jobs().expect("open jobs");
        assert_eq!(open.len(), 1);
        assert_eq!(open[0].state, "failed");
        let j = s
            .update_print_job(
                &a,
                Utc::now(),
                &job.id,
                &PrintUpdate::Submitted {
                    spool_job: "Relais-PDF-2".into(),
                },
            )
            .expect("retry");
        assert_eq!((j.attempts, j.code.as_deref()), (2, None));
        let j = s
            .update_print_job(&a, Utc::now(), &job.id, &PrintUpdate::Done)
            .expect("done");
        assert_eq!(j.state, "done");
        assert!(s.open_print_jobs().expect("none").is_empty());
        assert_eq!(s.print_jobs_for_document("doc-1").expect("jobs").len(), 1);
        let actions: Vec<String> = s
            .audit_entries(None, 1000)
            .expect("audit")
            .into_iter()
            .map(|e| e.action)
            .collect();
        for a in [
            "print.request",
            "print.printing",
            "print.failed",
            "print.done",
        ] {
            assert!(actions.iter().any(|x| x == a), "{a}");
        }
        // Cancelled only from pending or failed.
        let other = s
            .create_print_job(&Actor::system(), Utc::now(), "doc-1", "Relais-PDF")
            .expect("job");
        assert_eq!(
            s.update_print_job(
                &Actor::system(),
                Utc::now(),
                &other.id,
                &PrintUpdate::Cancelled
            )
            .expect("cancel")
            .state,
            "cancelled"
        );
    }

    #[test]
    fn hub_ids_map_back_to_consultations() {
        let (_d, s) = open();
        let c = consultation(&s);
        assert_eq!(s.consultation_of_hub("hub-1").expect("none"), None);
        s.set_hub_consultation(&Actor::system(), Utc::now(), &c, "hub-1")
            .expect("set");
        assert_eq!(
            s.consultation_of_hub("hub-1").expect("some").as_deref(),
            Some(c.as_str())
        );
    }
}
