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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::{Actor, AuditEvent};
    use chrono::{SubsecRound, Utc};
    use relais_protocol::documents::content_sha256;
    use serde_json::json;

    fn doc(id: &str, supersedes: Option<&str>) -> NewDocument {
        let content = json!({"id": id, "lines": []});
        NewDocument {
            id: id.into(),
            consultation_id: "c1".into(),
            kind: DocumentKind::Prescription,
            supersedes: supersedes.map(str::to_string),
            sha256: content_sha256(&content),
            content,
            signed_at: Utc::now().trunc_subsecs(0),
            signer_account: "gp1".into(),
            signed_by: Signer {
                name: "Dr Claire Martin".into(),
                rpps: "10100345676".into(),
            },
        }
    }

    #[test]
    fn versions_follow_the_latest_and_signed_rows_never_change() {
        let dir = tempfile::tempdir().expect("tmp");
        let repo = SqliteRepo::open(&dir.path().join("hub.db"), &[3; 32]).expect("open");
        repo.lock()
            .execute_batch("PRAGMA foreign_keys = OFF;")
            .expect("fk off");
        let ev = AuditEvent::new(Utc::now(), Actor::System, "document.sign");
        let DocumentInsert::Stored(v1) = repo.insert_document(&doc("d1", None), &ev).expect("v1")
        else {
            panic!("v1 not stored");
        };
        assert_eq!(v1.version, 1);
        assert!(matches!(
            repo.insert_document(&doc("d2", None), &ev).expect("dup"),
            DocumentInsert::Exists(_)
        ));
        let DocumentInsert::Stored(v2) = repo
            .insert_document(&doc("d2", Some("d1")), &ev)
            .expect("v2")
        else {
            panic!("v2 not stored");
        };
        assert_eq!((v2.version, v2.supersedes.as_deref()), (2, Some("d1")));
        assert!(matches!(
            repo.insert_document(&doc("d3", Some("d1")), &ev)
                .expect("stale"),
            DocumentInsert::NotLatest(Some(latest)) if latest.id == "d2"
        ));
        let conn = repo.lock();
        for sql in [
            "UPDATE documents SET content = '{}' WHERE id = 'd1'",
            "UPDATE documents SET sha256 = 'x'",
            "DELETE FROM documents WHERE id = 'd1'",
        ] {
            let err = conn.execute(sql, []).expect_err(sql);
            assert!(err.to_string().contains("immutable"), "{err}");
        }
        drop(conn);
        assert_eq!(repo.documents("c1").expect("list"), vec![v1, v2]);
    }
}
