//! Opening the encrypted database: file permissions, key, pragmas and schema migrations.

use std::fs::OpenOptions;
use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::{DateTime, SecondsFormat, Utc};
use rusqlite::{Connection, OptionalExtension, Transaction, TransactionBehavior};

use crate::error::{sqlite_code, Result, StoreError};
use crate::key::DbKey;

/// How long a writer waits for another connection's lock before giving up.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// Schema steps; step `i` brings the schema from version `i` to `i + 1` in one transaction.
///
/// Append only: never edit a step that has shipped.
const MIGRATIONS: &[&str] = &[
    include_str!("schema/v1.sql"),
    include_str!("schema/v2.sql"),
    include_str!("schema/v3.sql"),
    include_str!("schema/v4.sql"),
    include_str!("schema/v5.sql"),
    include_str!("schema/v6.sql"),
];

/// Schema version written by this code.
pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

/// The station's encrypted local record: one SQLCipher connection.
///
/// `Store` is `Send` but not `Sync`: share it behind a `Mutex`.
pub struct Store {
    pub(crate) conn: Connection,
    path: PathBuf,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store").field("path", &self.path).finish()
    }
}

/// A connection to `path` with its key set. SQLCipher refuses the key, rarely, when its
/// crypto provider fails to start while other connections are opened at the same time (seen
/// once in a parallel test run of the hub): the key is then tried again on a new connection.
/// A wrong key is not refused here but at the first read.
fn keyed_connection(path: &Path, key: &DbKey) -> Result<Connection> {
    let mut attempt = 1;
    loop {
        let conn = Connection::open(path)?;
        match conn.execute_batch(&key.pragma_key_sql()) {
            Ok(()) => return Ok(conn),
            Err(_) if attempt < 3 => {
                attempt += 1;
                std::thread::sleep(Duration::from_millis(20));
            }
            Err(e) => return Err(e.into()),
        }
    }
}

impl Store {
    /// Opens (or creates) the encrypted database at `path` with `key`, and migrates its schema.
    ///
    /// Order: `PRAGMA key`, silence SQLCipher's log, a real read that fails with
    /// [`StoreError::WrongKey`] if the key does not match, refuse a schema newer than
    /// [`SCHEMA_VERSION`] ([`StoreError::TooNew`]), then WAL journal, `synchronous=FULL`
    /// (a committed change survives a crash or power loss), foreign keys on, busy timeout,
    /// and pending migrations. On Unix the missing parent directories are created with mode
    /// 0700 and the database file with mode 0600 (SQLite gives its -wal/-shm the same mode).
    pub fn open(path: &Path, key: &DbKey) -> Result<Store> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            create_private_dir(dir)?;
        }
        // Create the file ourselves so that it gets private permissions from the start.
        match private_file_options().open(path) {
            Ok(_) => {}
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
            Err(e) => return Err(e.into()),
        }
        let conn = keyed_connection(path, key)?;
        // Unknown pragmas are ignored by SQLite, so this is harmless where unsupported.
        conn.execute_batch("PRAGMA cipher_log_level = NONE;")?;
        // Never write health data in clear: refuse an SQLite that is not SQLCipher.
        let cipher: Option<String> = conn
            .query_row("PRAGMA cipher_version", [], |r| r.get(0))
            .optional()?;
        if cipher.is_none() {
            return Err(StoreError::EncryptionUnavailable);
        }
        if let Err(e) = conn.query_row("SELECT count(*) FROM sqlite_master", [], |r| {
            r.get::<_, i64>(0)
        }) {
            return Err(match sqlite_code(&e) {
                Some(rusqlite::ffi::ErrorCode::NotADatabase) => StoreError::WrongKey,
                _ => e.into(),
            });
        }
        conn.busy_timeout(BUSY_TIMEOUT)?;
        check_not_too_new(&conn)?;
        let mode: String =
            conn.pragma_update_and_check(None, "journal_mode", "WAL", |r| r.get(0))?;
        if !mode.eq_ignore_ascii_case("wal") {
            return Err(StoreError::Corrupt {
                what: "mode de journal WAL refusé",
            });
        }
        conn.pragma_update(None, "synchronous", "FULL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        let store = Store {
            conn,
            path: path.to_path_buf(),
        };
        store.migrate()?;
        Ok(store)
    }

    /// Path of the database file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Schema version of the open database.
    pub fn schema_version(&self) -> Result<i64> {
        user_version(&self.conn)
    }

    /// Copies the WAL into the database file and truncates the WAL (`wal_checkpoint(TRUNCATE)`).
    pub fn checkpoint(&self) -> Result<()> {
        let busy: i64 = self
            .conn
            .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |r| r.get(0))?;
        if busy != 0 {
            return Err(StoreError::Database(rusqlite::Error::SqliteFailure(
                rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_BUSY),
                None,
            )));
        }
        Ok(())
    }

    /// Applies the pending migrations, each in its own immediate transaction; idempotent.
    pub(crate) fn migrate(&self) -> Result<()> {
        for (i, sql) in MIGRATIONS.iter().enumerate() {
            let target = i as i64 + 1;
            let tx = self.write_tx()?;
            // Read the version inside the write lock: another process may have migrated.
            let current = user_version(&tx)?;
            if current > SCHEMA_VERSION {
                return Err(StoreError::TooNew {
                    found: current,
                    supported: SCHEMA_VERSION,
                });
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

    /// Starts an immediate (write-locked) transaction, rolled back if dropped uncommitted.
    ///
    /// `Store` is not `Sync` and no method calls another while its transaction is open, so
    /// the transactions started here never overlap.
    pub(crate) fn write_tx(&self) -> Result<Transaction<'_>> {
        Ok(Transaction::new_unchecked(
            &self.conn,
            TransactionBehavior::Immediate,
        )?)
    }
}

fn user_version(conn: &Connection) -> Result<i64> {
    Ok(conn.query_row("PRAGMA user_version", [], |r| r.get(0))?)
}

fn check_not_too_new(conn: &Connection) -> Result<()> {
    let found = user_version(conn)?;
    if found > SCHEMA_VERSION {
        return Err(StoreError::TooNew {
            found,
            supported: SCHEMA_VERSION,
        });
    }
    Ok(())
}

/// Creates a directory and its missing parents, mode 0700 on Unix.
pub(crate) fn create_private_dir(dir: &Path) -> Result<()> {
    let mut b = std::fs::DirBuilder::new();
    b.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        b.mode(0o700);
    }
    b.create(dir)?;
    Ok(())
}

/// Options creating a new file for writing, mode 0600 on Unix; fails if it exists.
pub(crate) fn private_file_options() -> OpenOptions {
    let mut o = OpenOptions::new();
    o.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        o.mode(0o600);
    }
    o
}

/// Canonical text form of a timestamp: RFC 3339, UTC, microseconds, `Z`; sorts as text.
pub(crate) fn ts(at: &DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Micros, true)
}

/// Parses a timestamp written by [`ts`].
pub(crate) fn parse_ts(s: &str) -> rusqlite::Result<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s)
        .map(|d| d.with_timezone(&Utc))
        .map_err(|e| {
            rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, Box::new(e))
        })
}

/// Parses a JSON column.
pub(crate) fn parse_json(s: &str) -> rusqlite::Result<serde_json::Value> {
    serde_json::from_str(s).map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, Box::new(e))
    })
}

/// A new random id (UUID v4) when `id` is empty, else `id`.
pub(crate) fn id_or_new(id: &str) -> String {
    if id.is_empty() {
        uuid::Uuid::new_v4().to_string()
    } else {
        id.to_string()
    }
}

/// Maps a read error: a stored value that does not parse is corruption.
pub(crate) fn read_err(e: rusqlite::Error) -> StoreError {
    match e {
        rusqlite::Error::FromSqlConversionFailure(..) | rusqlite::Error::InvalidColumnType(..) => {
            StoreError::Corrupt {
                what: "valeur enregistrée illisible",
            }
        }
        other => other.into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key() -> DbKey {
        DbKey::from_bytes([7; 32])
    }

    #[test]
    fn migrations_are_idempotent() {
        let dir = tempfile::tempdir().expect("tmp");
        let path = dir.path().join("a").join("b").join("relais.db");
        let s = Store::open(&path, &key()).expect("open");
        assert_eq!(s.schema_version().expect("v"), SCHEMA_VERSION);
        s.migrate().expect("again");
        s.migrate().expect("and again");
        assert_eq!(s.schema_version().expect("v"), SCHEMA_VERSION);
        drop(s);
        let s = Store::open(&path, &key()).expect("reopen");
        assert_eq!(s.schema_version().expect("v"), SCHEMA_VERSION);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = |p: &Path| std::fs::metadata(p).expect("meta").permissions().mode() & 0o777;
            assert_eq!(mode(&path), 0o600);
            assert_eq!(mode(path.parent().expect("b")), 0o700);
            assert_eq!(mode(dir.path().join("a").as_path()), 0o700);
            let wal = path.with_file_name("relais.db-wal");
            assert_eq!(mode(&wal), 0o600);
        }
    }

    #[test]
    fn v6_accepts_sick_notes_and_keeps_the_documents_and_print_jobs_of_v5() {
        let dir = tempfile::tempdir().expect("tmp");
        let path = dir.path().join("v5.db");
        {
            // A station at schema v5 with a signed prescription and its print job.
            let conn = Connection::open(&path).expect("open");
            conn.execute_batch(&key().pragma_key_sql()).expect("key");
            for sql in &MIGRATIONS[..5] {
                conn.execute_batch(sql).expect("migration");
            }
            conn.pragma_update(None, "user_version", 5)
                .expect("version");
            conn.execute_batch(
                "PRAGMA foreign_keys = OFF;
                 INSERT INTO documents VALUES ('d1', 'c1', 'prescription', 1, NULL, '{}',
                   printf('%.64d', 0), 't', 'Dr X', '10100345676', 't', 'hub');
                 INSERT INTO print_jobs (id, document_id, printer, state, created_at, updated_at)
                   VALUES ('j1', 'd1', 'P', 'failed', 't', 't');",
            )
            .expect("v5 rows");
        }
        let s = Store::open(&path, &key()).expect("migrate");
        assert_eq!(s.schema_version().expect("v"), SCHEMA_VERSION);
        let count = |table: &str| -> i64 {
            s.conn
                .query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))
                .expect("count")
        };
        assert_eq!((count("documents"), count("print_jobs")), (1, 1));
        let insert = |id: &str, kind: &str| {
            s.conn.execute(
                "INSERT INTO documents VALUES (?1, 'c1', ?2, 1, NULL, '{}',
                   printf('%.64d', 0), 't', 'Dr X', '10100345676', 't', 'hub')",
                rusqlite::params![id, kind],
            )
        };
        s.conn
            .execute_batch("PRAGMA foreign_keys = OFF")
            .expect("no consultation row here");
        insert("d2", "sickNote").expect("a sick note is a document kind");
        assert!(insert("d3", "letter").is_err(), "other kinds stay refused");
        assert!(
            s.conn.execute("DELETE FROM documents", []).is_err(),
            "still append-only"
        );
        let ok: String = s
            .conn
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))
            .expect("check");
        assert_eq!(ok, "ok");
    }

    #[test]
    fn pragmas_are_set() {
        let dir = tempfile::tempdir().expect("tmp");
        let s = Store::open(&dir.path().join("p.db"), &key()).expect("open");
        let q = |p: &str| -> String {
            s.conn
                .query_row(&format!("PRAGMA {p}"), [], |r| {
                    r.get::<_, rusqlite::types::Value>(0)
                })
                .map(|v| format!("{v:?}"))
                .expect("pragma")
        };
        assert_eq!(q("journal_mode"), "Text(\"wal\")");
        assert_eq!(q("synchronous"), "Integer(2)");
        assert_eq!(q("foreign_keys"), "Integer(1)");
    }

    #[test]
    fn disk_full_is_reported_and_keeps_previous_data() {
        use crate::{Actor, PatientRow};
        let dir = tempfile::tempdir().expect("tmp");
        let s = Store::open(&dir.path().join("full.db"), &key()).expect("open");
        let at = Utc::now();
        let row = |data: serde_json::Value| PatientRow {
            id: String::new(),
            search_key: "martin paul".into(),
            birth_date: chrono::NaiveDate::from_ymd_opt(1950, 3, 4).expect("date"),
            nir: None,
            data,
            created_at: at,
            updated_at: at,
        };
        let first = s
            .insert_patient(&Actor::system(), at, &row(serde_json::json!({"n": 1})))
            .expect("first");
        let audit_before = s.audit_head().expect("head");
        let pages: i64 = s
            .conn
            .query_row("PRAGMA page_count", [], |r| r.get(0))
            .expect("pages");
        s.conn
            .pragma_update(None, "max_page_count", pages + 2)
            .expect("limit");
        let big = serde_json::json!({ "notes": "x".repeat(200_000) });
        let err = s
            .insert_patient(&Actor::system(), at, &row(big))
            .expect_err("must not fit");
        assert_eq!(err.code(), "DISK_FULL");
        assert!(err.to_string().contains("disque est plein"));
        // Nothing of the failed change, everything of the previous ones.
        let n: i64 = s
            .conn
            .query_row("SELECT count(*) FROM patients", [], |r| r.get(0))
            .expect("count");
        assert_eq!(n, 1);
        assert_eq!(s.audit_head().expect("head"), audit_before);
        assert_eq!(
            s.get_patient(&Actor::system(), at, &first)
                .expect("read")
                .id,
            first
        );
        assert!(s.verify_audit().expect("verify").ok);
    }

    #[test]
    fn timestamps_sort_as_text() {
        use chrono::TimeZone;
        let a = Utc
            .with_ymd_and_hms(2025, 1, 2, 3, 4, 5)
            .single()
            .expect("a");
        let b = a + chrono::Duration::microseconds(1);
        assert_eq!(ts(&a), "2025-01-02T03:04:05.000000Z");
        assert!(ts(&a) < ts(&b));
        assert_eq!(parse_ts(&ts(&b)).expect("parse"), b);
    }
}
