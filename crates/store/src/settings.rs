//! Settings of this station (chosen devices, camera roles…): one JSON value per key, kept
//! in the encrypted record. Changes are audited (`setting.set`, with the key only).

use chrono::{DateTime, Utc};
use rusqlite::{params, OptionalExtension};

use crate::audit::{append, Actor, AuditEvent};
use crate::db::{parse_json, read_err, ts, Store};
use crate::error::{Result, StoreError};

/// Longest setting key, in bytes.
pub const MAX_SETTING_KEY: usize = 100;
/// Largest setting value (its JSON text), in bytes.
pub const MAX_SETTING_BYTES: usize = 64 * 1024;

impl Store {
    /// The value of setting `key`, if it was ever set.
    pub fn setting(&self, key: &str) -> Result<Option<serde_json::Value>> {
        self.conn
            .query_row(
                "SELECT value FROM station_settings WHERE key = ?1",
                params![key],
                |r| parse_json(&r.get::<_, String>(0)?),
            )
            .optional()
            .map_err(read_err)
    }

    /// Sets (or replaces) setting `key`. Audited `setting.set` (the key, never the value).
    pub fn set_setting(
        &self,
        actor: &Actor,
        at: DateTime<Utc>,
        key: &str,
        value: &serde_json::Value,
    ) -> Result<()> {
        let text = value.to_string();
        if key.is_empty() || key.len() > MAX_SETTING_KEY {
            return Err(StoreError::InvalidInput {
                field: "nom du réglage",
            });
        }
        if text.len() > MAX_SETTING_BYTES {
            return Err(StoreError::InvalidInput {
                field: "valeur du réglage",
            });
        }
        let tx = self.write_tx()?;
        tx.execute(
            "INSERT INTO station_settings (key, value, updated_at) VALUES (?1, ?2, ?3) \
             ON CONFLICT (key) DO UPDATE SET value = excluded.value, \
             updated_at = excluded.updated_at",
            params![key, text, ts(&at)],
        )?;
        append(
            &tx,
            actor,
            at,
            &AuditEvent {
                action: "setting.set",
                record_type: "station",
                record_id: None,
                detail: key,
            },
        )?;
        tx.commit()?;
        Ok(())
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::key::DbKey;

    fn store() -> (tempfile::TempDir, Store) {
        let dir = tempfile::tempdir().unwrap();
        let key = DbKey::from_bytes([7u8; 32]);
        let store = Store::open(&dir.path().join("s.db"), &key).unwrap();
        (dir, store)
    }

    #[test]
    fn a_setting_is_kept_replaced_and_audited() {
        let (_dir, s) = store();
        assert_eq!(s.setting("devices.choice").unwrap(), None);
        let actor = Actor::system();
        let at = Utc::now();
        s.set_setting(
            &actor,
            at,
            "devices.choice",
            &serde_json::json!({"cameraId": "0"}),
        )
        .unwrap();
        s.set_setting(
            &actor,
            at,
            "devices.choice",
            &serde_json::json!({"cameraId": "1"}),
        )
        .unwrap();
        assert_eq!(
            s.setting("devices.choice").unwrap(),
            Some(serde_json::json!({"cameraId": "1"}))
        );
        let audit = s.audit_entries(None, 50).unwrap();
        let sets: Vec<_> = audit.iter().filter(|e| e.action == "setting.set").collect();
        assert_eq!(sets.len(), 2);
        assert_eq!(sets[0].detail, "devices.choice");
        assert!(s
            .set_setting(&actor, at, "", &serde_json::json!(1))
            .is_err());
    }
}
