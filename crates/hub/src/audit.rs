//! The audit trail: append-only, hash-chained.
//!
//! Entry hash: lowercase hex SHA-256 of the tag `relais-hub-audit-v1\0`, `seq` as 8 bytes
//! big-endian, then `at` (RFC 3339 UTC, microseconds), `actor_kind`, `actor_id`, `action`,
//! `consultation_id`, `detail`, `prev_hash`, each length-prefixed (8 bytes big-endian);
//! optional fields preceded by one byte, 0 absent, 1 present. The first `prev_hash` is
//! [`GENESIS_HASH`]. Triggers refuse `UPDATE` and `DELETE` on the table.
//!
//! **Details hold ids and codes only**: never names, e-mails of patients, or clinical text.

use chrono::{DateTime, Utc};
use relais_protocol::api::ConsultationEvent;
use sha2::{Digest, Sha256};

use crate::store::sqlite::ts;

/// `prev_hash` of the first entry.
pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// Who acts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Actor {
    /// A signed-in account (or the account a login attempt named).
    Account(String),
    /// An enrolled station.
    Station(String),
    /// The hub itself (demo set-up, admin API).
    System,
    /// Someone not identified (failed login on an unknown e-mail, bad enrolment code).
    Anonymous,
}

impl Actor {
    /// `(kind, id)` as stored.
    pub fn parts(&self) -> (&'static str, Option<&str>) {
        match self {
            Actor::Account(id) => ("account", Some(id)),
            Actor::Station(id) => ("station", Some(id)),
            Actor::System => ("system", None),
            Actor::Anonymous => ("anonymous", None),
        }
    }
}

/// An event to append.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEvent {
    /// When.
    pub at: DateTime<Utc>,
    /// Who.
    pub actor: Actor,
    /// Dotted action code, e.g. `consultation.accept`.
    pub action: String,
    /// Consultation concerned.
    pub consultation_id: Option<String>,
    /// Ids and codes only.
    pub detail: String,
}

impl AuditEvent {
    /// An event without consultation and detail.
    pub fn new(at: DateTime<Utc>, actor: Actor, action: &str) -> AuditEvent {
        AuditEvent {
            at,
            actor,
            action: action.to_string(),
            consultation_id: None,
            detail: String::new(),
        }
    }

    /// About consultation `id`.
    pub fn consultation(mut self, id: &str) -> AuditEvent {
        self.consultation_id = Some(id.to_string());
        self
    }

    /// With `detail` (ids and codes only).
    pub fn detail(mut self, detail: impl Into<String>) -> AuditEvent {
        self.detail = detail.into();
        self
    }
}

/// One stored entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEntry {
    /// Position, from 1, without gaps.
    pub seq: i64,
    /// When.
    pub at: DateTime<Utc>,
    /// `account`, `station`, `system` or `anonymous`.
    pub actor_kind: String,
    /// Id of the actor.
    pub actor_id: Option<String>,
    /// Action code.
    pub action: String,
    /// Consultation concerned.
    pub consultation_id: Option<String>,
    /// Ids and codes.
    pub detail: String,
    /// Hash of the previous entry.
    pub prev_hash: String,
    /// Hash of this entry.
    pub hash: String,
}

impl AuditEntry {
    /// This entry's hash computed from its fields.
    pub fn computed_hash(&self) -> String {
        entry_hash(
            self.seq,
            &ts(&self.at),
            &self.actor_kind,
            self.actor_id.as_deref(),
            &self.action,
            self.consultation_id.as_deref(),
            &self.detail,
            &self.prev_hash,
        )
    }

    /// The entry as the accepting GP sees it.
    pub fn to_event(&self) -> ConsultationEvent {
        ConsultationEvent {
            seq: self.seq,
            at: self.at,
            actor_kind: self.actor_kind.clone(),
            actor_id: self.actor_id.clone(),
            action: self.action.clone(),
            detail: self.detail.clone(),
        }
    }
}

/// Canonical hash of an entry's fields.
#[allow(clippy::too_many_arguments)]
pub(crate) fn entry_hash(
    seq: i64,
    at: &str,
    actor_kind: &str,
    actor_id: Option<&str>,
    action: &str,
    consultation_id: Option<&str>,
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
    h.update(b"relais-hub-audit-v1\0");
    h.update(seq.to_be_bytes());
    field(&mut h, at);
    field(&mut h, actor_kind);
    opt_field(&mut h, actor_id);
    field(&mut h, action);
    opt_field(&mut h, consultation_id);
    field(&mut h, detail);
    field(&mut h, prev_hash);
    hex::encode(h.finalize())
}

/// Checks a whole chain read in order: `Ok(())`, or the seq of the first broken entry.
pub fn verify_chain(entries: &[AuditEntry]) -> Result<(), i64> {
    let mut prev = GENESIS_HASH.to_string();
    for (i, e) in entries.iter().enumerate() {
        if e.seq != i as i64 + 1 || e.prev_hash != prev || e.computed_hash() != e.hash {
            return Err(e.seq);
        }
        prev = e.hash.clone();
    }
    Ok(())
}
