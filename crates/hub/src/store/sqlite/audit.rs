//! The audit table of the SQLCipher backend.

use rusqlite::{params, Connection, OptionalExtension, Row};

use super::{parse_ts, ts, SqliteRepo};
use crate::audit::{entry_hash, AuditEntry, AuditEvent, GENESIS_HASH};
use crate::store::{AuditRepo, Result};

const COLUMNS: &str =
    "seq, at, actor_kind, actor_id, action, consultation_id, detail, prev_hash, hash";

fn from_row(r: &Row<'_>) -> rusqlite::Result<AuditEntry> {
    Ok(AuditEntry {
        seq: r.get(0)?,
        at: parse_ts(&r.get::<_, String>(1)?)?,
        actor_kind: r.get(2)?,
        actor_id: r.get(3)?,
        action: r.get(4)?,
        consultation_id: r.get(5)?,
        detail: r.get(6)?,
        prev_hash: r.get(7)?,
        hash: r.get(8)?,
    })
}

/// Appends an entry inside the caller's write transaction.
pub(crate) fn append(conn: &Connection, ev: &AuditEvent) -> Result<AuditEntry> {
    let last: Option<(i64, String)> = conn
        .query_row(
            "SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    let (prev_seq, prev_hash) = last.unwrap_or((0, GENESIS_HASH.to_string()));
    let seq = prev_seq + 1;
    let (kind, id) = ev.actor.parts();
    let at = ts(&ev.at);
    let hash = entry_hash(
        seq,
        &at,
        kind,
        id,
        &ev.action,
        ev.consultation_id.as_deref(),
        &ev.detail,
        &prev_hash,
    );
    conn.execute(
        &format!("INSERT INTO audit ({COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)"),
        params![
            seq,
            at,
            kind,
            id,
            ev.action,
            ev.consultation_id,
            ev.detail,
            prev_hash,
            hash
        ],
    )?;
    Ok(AuditEntry {
        seq,
        at: ev.at,
        actor_kind: kind.to_string(),
        actor_id: id.map(str::to_string),
        action: ev.action.clone(),
        consultation_id: ev.consultation_id.clone(),
        detail: ev.detail.clone(),
        prev_hash,
        hash,
    })
}

impl AuditRepo for SqliteRepo {
    fn append_audit(&self, event: &AuditEvent) -> Result<AuditEntry> {
        let mut conn = self.lock();
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let entry = append(&tx, event)?;
        tx.commit()?;
        Ok(entry)
    }

    fn consultation_audit(&self, consultation_id: &str) -> Result<Vec<AuditEntry>> {
        let conn = self.lock();
        let mut st = conn.prepare(&format!(
            "SELECT {COLUMNS} FROM audit WHERE consultation_id = ?1 ORDER BY seq"
        ))?;
        let rows = st.query_map([consultation_id], from_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    fn all_audit(&self) -> Result<Vec<AuditEntry>> {
        let conn = self.lock();
        let mut st = conn.prepare(&format!("SELECT {COLUMNS} FROM audit ORDER BY seq"))?;
        let rows = st.query_map([], from_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}
