//! SQLCipher backend of the repository traits.

use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use chrono::{DateTime, SecondsFormat, Utc};
use rusqlite::{Connection, OptionalExtension};

use crate::error::HubError;
use crate::fsutil::create_private_dir;
use crate::store::key::pragma_key_sql;
use crate::store::Result;

mod accounts;
mod audit;
mod consultations;
mod documents;
mod stations;

/// Schema steps; step `i` brings the schema from version `i` to `i + 1`. Append only.
const MIGRATIONS: &[&str] = &[
    include_str!("../schema/v1.sql"),
    include_str!("../schema/v2.sql"),
    include_str!("../schema/v3.sql"),
];

/// Schema version written by this code.
pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

/// The hub database: one SQLCipher connection behind a mutex.
pub struct SqliteRepo {
    conn: Mutex<Connection>,
    path: PathBuf,
}

impl std::fmt::Debug for SqliteRepo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SqliteRepo")
            .field("path", &self.path)
            .finish()
    }
}

/// A connection to `path` with its key set. SQLCipher refuses the key, rarely, when its
/// crypto provider fails to start while other connections are opened at the same time (seen
/// once in a parallel test run): the key is then tried again on a new connection. A wrong
/// key is not refused here but at the first read.
fn keyed_connection(path: &Path, key: &[u8; 32]) -> Result<Connection> {
    let mut attempt = 1;
    loop {
        let conn = Connection::open(path)?;
        match conn.execute_batch(&pragma_key_sql(key)) {
            Ok(()) => return Ok(conn),
            Err(e) if attempt < 3 => {
                tracing::warn!(attempt, error = %e, "database key refused, trying again");
                attempt += 1;
                std::thread::sleep(Duration::from_millis(20));
            }
            Err(e) => return Err(e.into()),
        }
    }
}

impl SqliteRepo {
    /// Opens (or creates) the encrypted database at `path` and migrates it.
    ///
    /// `PRAGMA key`, a real read ([`HubError::WrongKey`] on a wrong key), refusal of a plain
    /// SQLite, WAL, `synchronous=FULL`, foreign keys, busy timeout, migrations.
    pub fn open(path: &Path, key: &[u8; 32]) -> Result<SqliteRepo> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            create_private_dir(dir)?;
        }
        if !path.exists() {
            crate::fsutil::write_private_new(path, b"")?;
        }
        let conn = keyed_connection(path, key)?;
        conn.execute_batch("PRAGMA cipher_log_level = NONE;")?;
        let cipher: Option<String> = conn
            .query_row("PRAGMA cipher_version", [], |r| r.get(0))
            .optional()?;
        if cipher.is_none() {
            return Err(HubError::EncryptionUnavailable);
        }
        if conn
            .query_row("SELECT count(*) FROM sqlite_master", [], |r| {
                r.get::<_, i64>(0)
            })
            .is_err()
        {
            return Err(HubError::WrongKey);
        }
        conn.busy_timeout(Duration::from_secs(5))?;
        let mode: String =
            conn.pragma_update_and_check(None, "journal_mode", "WAL", |r| r.get(0))?;
        if !mode.eq_ignore_ascii_case("wal") {
            return Err(HubError::Corrupt("mode de journal WAL refusé"));
        }
        conn.pragma_update(None, "synchronous", "FULL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        let repo = SqliteRepo {
            conn: Mutex::new(conn),
            path: path.to_path_buf(),
        };
        repo.migrate()?;
        Ok(repo)
    }

    fn migrate(&self) -> Result<()> {
        let mut conn = self.lock();
        for (i, sql) in MIGRATIONS.iter().enumerate() {
            let target = i as i64 + 1;
            let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
            let current: i64 = tx.query_row("PRAGMA user_version", [], |r| r.get(0))?;
            if current > SCHEMA_VERSION {
                return Err(HubError::Corrupt("schéma plus récent que ce hub"));
            }
            if current >= target {
                continue;
            }
            tx.execute_batch(sql)?;
            tx.pragma_update(None, "user_version", target)?;
            tx.commit()?;
        }
        Ok(())
    }

    /// The connection; a panic while holding it does not make it unusable.
    fn lock(&self) -> MutexGuard<'_, Connection> {
        self.conn.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// Canonical text form of a timestamp: RFC 3339, UTC, microseconds, `Z`.
pub(crate) fn ts(at: &DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Micros, true)
}

/// Parses a timestamp written by [`ts`].
pub(crate) fn parse_ts(s: &str) -> rusqlite::Result<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s)
        .map(|d| d.with_timezone(&Utc))
        .map_err(|e| conversion(Box::new(e)))
}

/// Parses an optional timestamp.
pub(crate) fn parse_opt_ts(s: Option<String>) -> rusqlite::Result<Option<DateTime<Utc>>> {
    s.map(|s| parse_ts(&s)).transpose()
}

/// Parses a JSON column into `T`.
pub(crate) fn parse_json<T: serde::de::DeserializeOwned>(s: &str) -> rusqlite::Result<T> {
    serde_json::from_str(s).map_err(|e| conversion(Box::new(e)))
}

/// JSON text of a value.
pub(crate) fn to_json<T: serde::Serialize>(v: &T) -> Result<String> {
    serde_json::to_string(v).map_err(|_| HubError::Corrupt("sérialisation JSON"))
}

fn conversion(e: Box<dyn std::error::Error + Send + Sync>) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, e)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn opens_encrypted_and_refuses_a_wrong_key() {
        let dir = tempfile::tempdir().expect("tmp");
        let p = dir.path().join("hub.db");
        let repo = SqliteRepo::open(&p, &[1; 32]).expect("open");
        drop(repo);
        let bytes = std::fs::read(&p).expect("read");
        assert!(!bytes.starts_with(b"SQLite format 3"));
        assert!(matches!(
            SqliteRepo::open(&p, &[2; 32]),
            Err(HubError::WrongKey)
        ));
        let repo = SqliteRepo::open(&p, &[1; 32]).expect("reopen");
        let conn = repo.lock();
        let sync: i64 = conn
            .query_row("PRAGMA synchronous", [], |r| r.get(0))
            .expect("sync");
        assert_eq!(sync, 2);
    }

    #[test]
    fn v3_accepts_sick_notes_and_keeps_the_documents_of_v2() {
        let dir = tempfile::tempdir().expect("tmp");
        let p = dir.path().join("v2.db");
        let row = |id: &str, kind: &str, version: i64, supersedes: Option<&str>| {
            format!(
                "INSERT INTO documents VALUES ('{id}', 'c1', '{kind}', {version}, {}, '{{}}', 't',
                   'a1', 'Dr X', '10100345676', printf('%.64d', 0));",
                supersedes.map_or("NULL".to_string(), |s| format!("'{s}'"))
            )
        };
        {
            // A hub at schema v2 with a prescription and its correction.
            let conn = Connection::open(&p).expect("open");
            conn.execute_batch(&pragma_key_sql(&[1; 32])).expect("key");
            for sql in &MIGRATIONS[..2] {
                conn.execute_batch(sql).expect("migration");
            }
            conn.pragma_update(None, "user_version", 2)
                .expect("version");
            conn.execute_batch(&format!(
                "PRAGMA foreign_keys = OFF; {} {}",
                row("d1", "prescription", 1, None),
                row("d2", "prescription", 2, Some("d1"))
            ))
            .expect("v2 rows");
        }
        let repo = SqliteRepo::open(&p, &[1; 32]).expect("migrate");
        let conn = repo.lock();
        let version: i64 = conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .expect("version");
        assert_eq!(version, SCHEMA_VERSION);
        let count: i64 = conn
            .query_row("SELECT count(*) FROM documents", [], |r| r.get(0))
            .expect("count");
        assert_eq!(count, 2);
        conn.execute_batch("PRAGMA foreign_keys = OFF")
            .expect("no consultation row here");
        conn.execute_batch(&row("s1", "sickNote", 1, None))
            .expect("a sick note is a document kind");
        assert!(conn.execute_batch(&row("x1", "letter", 1, None)).is_err());
        assert!(
            conn.execute("DELETE FROM documents", []).is_err(),
            "still immutable"
        );
        let ok: String = conn
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))
            .expect("check");
        assert_eq!(ok, "ok");
    }
}
