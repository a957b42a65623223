//! Drafts: the contents of forms being filled, kept across restarts (encrypted like the rest).
//!
//! Drafts are not audited: they are the user's own unsaved input, one per (user, form kind).

use chrono::{DateTime, Utc};
use rusqlite::{params, OptionalExtension};

use crate::db::{parse_json, read_err, ts, Store};
use crate::error::Result;

impl Store {
    /// Saves (or replaces) the draft of `kind` for `user_id`.
    pub fn save_draft(
        &self,
        user_id: &str,
        kind: &str,
        data: &serde_json::Value,
        at: DateTime<Utc>,
    ) -> Result<()> {
        self.conn.execute(
            "INSERT INTO drafts (user_id, kind, data, saved_at) VALUES (?1, ?2, ?3, ?4) \
             ON CONFLICT (user_id, kind) DO UPDATE SET data = excluded.data, \
             saved_at = excluded.saved_at",
            params![user_id, kind, data.to_string(), ts(&at)],
        )?;
        Ok(())
    }

    /// The draft of `kind` for `user_id`, if any.
    pub fn load_draft(&self, user_id: &str, kind: &str) -> Result<Option<serde_json::Value>> {
        self.conn
            .query_row(
                "SELECT data FROM drafts WHERE user_id = ?1 AND kind = ?2",
                params![user_id, kind],
                |r| parse_json(&r.get::<_, String>(0)?),
            )
            .optional()
            .map_err(read_err)
    }

    /// Deletes the draft of `kind` for `user_id` (no error if there is none).
    pub fn delete_draft(&self, user_id: &str, kind: &str) -> Result<()> {
        self.conn.execute(
            "DELETE FROM drafts WHERE user_id = ?1 AND kind = ?2",
            params![user_id, kind],
        )?;
        Ok(())
    }
}
