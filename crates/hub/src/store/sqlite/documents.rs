//! Signed documents in the SQLCipher backend: insert only (triggers refuse updates and
//! deletes), the version given inside the write transaction.

use relais_protocol::documents::{DocumentKind, SignedDocument, Signer};
use rusqlite::{params, Connection, OptionalExtension, Row};

use super::audit::append;
use super::{parse_json, parse_ts, to_json, ts, SqliteRepo};
use crate::audit::AuditEvent;
use crate::error::HubError;
use crate::store::{DocumentInsert, DocumentRepo, NewDocument, Result};

const COLUMNS: &str = "id, consultation_id, kind, version, supersedes, content, signed_at, \
                       signer_name, signer_rpps, sha256";

fn from_row(r: &Row<'_>) -> rusqlite::Result<SignedDocument> {
    let kind: String = r.get(2)?;
    let version: i64 = r.get(3)?;
    Ok(SignedDocument {
        id: r.get(0)?,
        consultation_id: r.get(1)?,
        kind: DocumentKind::from_code(&kind).ok_or_else(|| {
            rusqlite::Error::FromSqlConversionFailure(
                2,
                rusqlite::types::Type::Text,
                "document kind".into(),
            )
        })?,
        version: u32::try_from(version).map_err(|e| {
            rusqlite::Error::FromSqlConversionFailure(3, rusqlite::types::Type::Integer, e.into())
        })?,
        supersedes: r.get(4)?,
        content: parse_json(&r.get::<_, String>(5)?)?,
        signed_at: parse_ts(&r.get::<_, String>(6)?)?,
        signed_by: Signer {
            name: r.get(7)?,
            rpps: r.get(8)?,
        },
        sha256: r.get(9)?,
    })
}

fn latest(
    conn: &Connection,
    consultation_id: &str,
    kind: DocumentKind,
) -> Result<Option<SignedDocument>> {
    Ok(conn
        .query_row(
            &format!(
                "SELECT {COLUMNS} FROM documents WHERE consultation_id = ?1 AND kind = ?2
                 ORDER BY version DESC LIMIT 1"
            ),
            params![consultation_id, kind.code()],
            from_row,
        )
        .optional()?)
}

impl DocumentRepo for SqliteRepo {
    fn insert_document(&self, doc: &NewDocument, audit: &AuditEvent) -> Result<DocumentInsert> {
        let mut conn = self.lock();
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let current = latest(&tx, &doc.consultation_id, doc.kind)?;
        let version = match (&current, &doc.supersedes) {
            (None, None) => 1,
            (Some(cur), None) => return Ok(DocumentInsert::Exists(cur.clone())),
            (Some(cur), Some(named)) if &cur.id == named => cur.version + 1,
            (cur, Some(_)) => return Ok(DocumentInsert::NotLatest(cur.clone())),
        };
        let stored = SignedDocument {
            id: doc.id.clone(),
            consultation_id: doc.consultation_id.clone(),
            kind: doc.kind,
            version,
            supersedes: doc.supersedes.clone(),
            content: doc.content.clone(),
            signed_at: doc.signed_at,
            signed_by: doc.signed_by.clone(),
            sha256: doc.sha256.clone(),
        };
        tx.execute(
            "INSERT INTO documents (id, consultation_id, kind, version, supersedes, content,
                 signed_at, signed_by, signer_name, signer_rpps, sha256)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
            params![
                stored.id,
                stored.consultation_id,
                stored.kind.code(),
                i64::from(stored.version),
                stored.supersedes,
                to_json(&stored.content)?,
                ts(&stored.signed_at),
                doc.signer_account,
                stored.signed_by.name,
                stored.signed_by.rpps,
                stored.sha256,
            ],
        )?;
        append(&tx, audit)?;
        tx.commit()?;
        Ok(DocumentInsert::Stored(stored))
    }

    fn documents(&self, consultation_id: &str) -> Result<Vec<SignedDocument>> {
        let conn = self.lock();
        let mut st = conn.prepare(&format!(
            "SELECT {COLUMNS} FROM documents WHERE consultation_id = ?1
             ORDER BY signed_at, kind, version"
        ))?;
        let rows = st.query_map([consultation_id], from_row)?;
        rows.collect::<rusqlite::Result<Vec<_>>>()
            .map_err(HubError::from)
    }

    fn latest_document(
        &self,
        consultation_id: &str,
        kind: DocumentKind,
    ) -> Result<Option<SignedDocument>> {
        latest(&self.lock(), consultation_id, kind)
    }
}
