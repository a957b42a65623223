//! The audit trail: append-only and hash-chained.
//!
//! Every change made through [`Store`] writes its audit entry in the same transaction as the
//! change, so a change without its entry cannot exist. Triggers make the table refuse
//! `UPDATE` and `DELETE`; the hash chain makes a change made around them (by someone holding
//! the key) detectable with [`Store::verify_audit`].
//!
//! Entry hash: lowercase hex SHA-256 of a canonical encoding: the domain tag
//! `relais-audit-v1\0`, then `seq` as 8 bytes big-endian, then each of `at` (RFC 3339,
//! UTC, microseconds), `actor_id`, `actor_label`, `action`, `record_type`, `record_id`,
//! `detail`, `prev_hash`, each as a length-prefixed string (8-byte big-endian length, then
//! UTF-8 bytes); optional fields are preceded by one byte, 0 for absent, 1 for present.
//! The first entry's `prev_hash` is 64 zeros.
//!
//! **Details never hold health data**: callers pass ids and codes (`"count=3"`,
//! `"reason=EXCLUDED_ABDOMINAL_PAIN"`), never names, NIR or clinical text.
//!
//! The chain detects a changed or removed entry, not the removal of the newest entries:
//! anchor [`Store::audit_head`] elsewhere (the hub) for that.

use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, OptionalExtension, Row};
use sha2::{Digest, Sha256};

use crate::db::{parse_ts, read_err, ts, Store};
use crate::error::Result;

/// `prev_hash` of the first entry.
pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// Who does something: a signed-in user, or the software itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    /// Id of the user, `None` for the system.
    pub user_id: Option<String>,
    /// Human-readable label kept in the trail (username, or "système").
    pub label: String,
}

impl Actor {
    /// The software itself, acting without a user.
    pub fn system() -> Actor {
        Actor {
            user_id: None,
            label: "système".to_string(),
        }
    }

    /// A signed-in user.
    pub fn user(user_id: &str, label: &str) -> Actor {
        Actor {
            user_id: Some(user_id.to_string()),
            label: label.to_string(),
        }
    }
}

/// An audit event not tied to a table write (sign-in, exclusion acknowledged...).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AuditEvent<'a> {
    /// Dotted action code, e.g. `"user.sign_in"`.
    pub action: &'a str,
    /// Kind of record concerned, e.g. `"patient"`.
    pub record_type: &'a str,
    /// Id of the record concerned, if any.
    pub record_id: Option<&'a str>,
    /// Ids and codes only: never names, NIR or clinical text.
    pub detail: &'a str,
}

/// One entry of the audit trail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEntry {
    /// Position in the chain, from 1, without gaps.
    pub seq: i64,
    /// When it happened (microsecond precision).
    pub at: DateTime<Utc>,
    /// Id of the acting user, `None` for the system.
    pub actor_id: Option<String>,
    /// Label of the actor.
    pub actor_label: String,
    /// Dotted action code.
    pub action: String,
    /// Kind of record concerned.
    pub record_type: String,
    /// Id of the record concerned.
    pub record_id: Option<String>,
    /// Ids and codes.
    pub detail: String,
    /// Hash of the previous entry ([`GENESIS_HASH`] for the first).
    pub prev_hash: String,
    /// Hash of this entry.
    pub hash: String,
}

/// Result of checking the whole chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditVerification {
    /// True when every entry's hash and link are right.
    pub ok: bool,
    /// Number of entries read.
    pub checked: u64,
    /// Seq of the first entry whose hash, link to the previous entry or numbering is wrong.
    pub first_broken: Option<i64>,
}

/// Canonical hash of an entry's fields (see the module docs for the encoding).
#[allow(clippy::too_many_arguments)]
fn entry_hash(
    seq: i64,
    at: &str,
    actor_id: Option<&str>,
    actor_label: &str,
    action: &str,
    record_type: &str,
    record_id: Option<&str>,
    detail: &str,
    prev_hash: &str,
) -> String {
    fn field(h: &mut Sha256, s: &str) {
        h.update((s.len() as u64).to_be_bytes());
        h.update(s.as_bytes());
    }
    fn opt_field(h: &mut Sha256, s: Option<&str>) {
        match s {
            None => h.update([0u8]),
            Some(s) => {
                h.update([1u8]);
                field(h, s);
            }
        }
    }
    let mut h = Sha256::new();
    h.update(b"relais-audit-v1\0");
    h.update(seq.to_be_bytes());
    field(&mut h, at);
    opt_field(&mut h, actor_id);
    field(&mut h, actor_label);
    field(&mut h, action);
    field(&mut h, record_type);
    opt_field(&mut h, record_id);
    field(&mut h, detail);
    field(&mut h, prev_hash);
    hex::encode(h.finalize())
}

impl AuditEntry {
    fn computed_hash(&self) -> String {
        entry_hash(
            self.seq,
            &ts(&self.at),
            self.actor_id.as_deref(),
            &self.actor_label,
            &self.action,
            &self.record_type,
            self.record_id.as_deref(),
            &self.detail,
            &self.prev_hash,
        )
    }
}

const COLUMNS: &str =
    "seq, at, actor_id, actor_label, action, record_type, record_id, detail, prev_hash, hash";

fn from_row(r: &Row<'_>) -> rusqlite::Result<AuditEntry> {
    Ok(AuditEntry {
        seq: r.get(0)?,
        at: parse_ts(&r.get::<_, String>(1)?)?,
        actor_id: r.get(2)?,
        actor_label: r.get(3)?,
        action: r.get(4)?,
        record_type: r.get(5)?,
        record_id: r.get(6)?,
        detail: r.get(7)?,
        prev_hash: r.get(8)?,
        hash: r.get(9)?,
    })
}

/// Appends an entry inside the caller's transaction (which must hold the write lock).
pub(crate) fn append(
    conn: &Connection,
    actor: &Actor,
    at: DateTime<Utc>,
    ev: &AuditEvent<'_>,
) -> Result<AuditEntry> {
    let last: Option<(i64, String)> = conn
        .query_row(
            "SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    let (prev_seq, prev_hash) = last.unwrap_or((0, GENESIS_HASH.to_string()));
    let seq = prev_seq + 1;
    let at_text = ts(&at);
    let hash = entry_hash(
        seq,
        &at_text,
        actor.user_id.as_deref(),
        &actor.label,
        ev.action,
        ev.record_type,
        ev.record_id,
        ev.detail,
        &prev_hash,
    );
    conn.execute(
        &format!("INSERT INTO audit ({COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)"),
        params![
            seq,
            at_text,
            actor.user_id,
            actor.label,
            ev.action,
            ev.record_type,
            ev.record_id,
            ev.detail,
            prev_hash,
            hash
        ],
    )?;
    Ok(AuditEntry {
        seq,
        at: parse_ts(&at_text).map_err(read_err)?,
        actor_id: actor.user_id.clone(),
        actor_label: actor.label.clone(),
        action: ev.action.to_string(),
        record_type: ev.record_type.to_string(),
        record_id: ev.record_id.map(str::to_string),
        detail: ev.detail.to_string(),
        prev_hash,
        hash,
    })
}

impl Store {
    /// Appends an audit entry for an action that is not a table write (sign-in, acknowledgement...).
    pub fn append_audit(
        &self,
        actor: &Actor,
        at: DateTime<Utc>,
        event: &AuditEvent<'_>,
    ) -> Result<AuditEntry> {
        let tx = self.write_tx()?;
        let entry = append(&tx, actor, at, event)?;
        tx.commit()?;
        Ok(entry)
    }

    /// Up to `limit` entries, oldest first, with `seq` greater than `after_seq` (for paging:
    /// pass the last `seq` received).
    pub fn audit_entries(&self, after_seq: Option<i64>, limit: u32) -> Result<Vec<AuditEntry>> {
        let mut stmt = self.conn.prepare(&format!(
            "SELECT {COLUMNS} FROM audit WHERE seq > ?1 ORDER BY seq ASC LIMIT ?2"
        ))?;
        let rows = stmt.query_map(params![after_seq.unwrap_or(0), limit], from_row)?;
        rows.collect::<rusqlite::Result<Vec<_>>>().map_err(read_err)
    }

    /// The newest entry's `(seq, hash)`, to anchor the chain outside this machine.
    pub fn audit_head(&self) -> Result<Option<(i64, String)>> {
        Ok(self
            .conn
            .query_row(
                "SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?)
    }

    /// Recomputes the whole chain and reports the first entry that does not fit.
    pub fn verify_audit(&self) -> Result<AuditVerification> {
        let mut stmt = self
            .conn
            .prepare(&format!("SELECT {COLUMNS} FROM audit ORDER BY seq ASC"))?;
        let mut rows = stmt.query([])?;
        let mut checked = 0u64;
        let mut first_broken = None;
        let mut expected_prev = GENESIS_HASH.to_string();
        let mut expected_seq = 1i64;
        while let Some(row) = rows.next()? {
            checked += 1;
            let seq: i64 = row.get(0)?;
            // An unreadable row (bad timestamp...) is a broken entry too.
            let ok = match from_row(row) {
                Ok(e) => {
                    let ok = e.seq == expected_seq
                        && e.prev_hash == expected_prev
                        && e.computed_hash() == e.hash;
                    expected_prev = e.hash;
                    ok
                }
                Err(_) => {
                    expected_prev = row.get(9).unwrap_or_default();
                    false
                }
            };
            if !ok && first_broken.is_none() {
                first_broken = Some(seq);
            }
            expected_seq = seq + 1;
        }
        Ok(AuditVerification {
            ok: first_broken.is_none(),
            checked,
            first_broken,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encoding_is_unambiguous() {
        let base = |a: Option<&str>, l: &str, d: &str| {
            entry_hash(1, "t", a, l, "x", "y", None, d, GENESIS_HASH)
        };
        assert_ne!(base(None, "a", ""), base(Some(""), "a", ""));
        assert_ne!(base(None, "ab", "c"), base(None, "a", "bc"));
        assert_eq!(base(None, "a", "b"), base(None, "a", "b"));
        assert_eq!(base(None, "a", "b").len(), 64);
        assert_eq!(GENESIS_HASH.len(), 64);
    }
}
