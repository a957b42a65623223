//! The database key: where it comes from and how it is kept in memory.
//!
//! Two sources:
//! - the OS credential store through `keyring-core` ([`key_from_keyring`]): a random
//!   32-byte key is generated at first start and stored there as 64 hex digits;
//! - a passphrase typed by the user ([`key_from_passphrase`]), stretched with Argon2id and a
//!   random salt kept in a file next to the database: the fallback when no credential
//!   store works.
//!
//! The key is used with SQLCipher's raw key syntax (`PRAGMA key = "x'<hex>'"`), so
//! SQLCipher does not run its own key derivation on it.

use std::fmt;
use std::io::Write;
use std::path::Path;
use std::sync::Arc;

use argon2::{Algorithm, Argon2, Params, Version};
use keyring_core::{CredentialStore, Entry};
use rand::RngCore;
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

use crate::error::{Result, StoreError};

/// Minimum length of a passphrase, in characters (not bytes).
pub const MIN_PASSPHRASE_CHARS: usize = 12;
/// Argon2id memory cost of the passphrase derivation, in KiB (64 MiB).
pub const PASSPHRASE_ARGON2_M_KIB: u32 = 64 * 1024;
/// Argon2id iterations of the passphrase derivation.
pub const PASSPHRASE_ARGON2_T: u32 = 3;
/// Argon2id parallelism of the passphrase derivation.
pub const PASSPHRASE_ARGON2_P: u32 = 1;
/// Length of the passphrase salt file, in bytes.
pub const SALT_LEN: usize = 16;

/// A 32-byte SQLCipher key, wiped from memory on drop; its `Debug` never shows the bytes.
#[derive(Clone)]
pub struct DbKey {
    bytes: Zeroizing<[u8; 32]>,
}

impl DbKey {
    /// Wraps 32 key bytes.
    pub fn from_bytes(bytes: [u8; 32]) -> DbKey {
        DbKey {
            bytes: Zeroizing::new(bytes),
        }
    }

    /// Generates a new key from the OS random generator.
    pub fn generate() -> DbKey {
        let mut bytes = Zeroizing::new([0u8; 32]);
        rand::rngs::OsRng.fill_bytes(&mut *bytes);
        DbKey { bytes }
    }

    /// A short non-secret fingerprint (16 hex digits of a SHA-256), to tell keys apart in logs.
    pub fn fingerprint(&self) -> String {
        let mut h = Sha256::new();
        h.update(b"relais-db-key-fingerprint\0");
        h.update(self.bytes.as_slice());
        hex::encode(&h.finalize()[..8])
    }

    /// The key as 64 lowercase hex digits (secret: zeroized on drop).
    fn to_hex(&self) -> Zeroizing<String> {
        Zeroizing::new(hex::encode(self.bytes.as_slice()))
    }

    /// Parses 64 hex digits.
    fn from_hex(s: &str) -> Option<DbKey> {
        let mut bytes = Zeroizing::new([0u8; 32]);
        hex::decode_to_slice(s.trim(), &mut *bytes).ok()?;
        Some(DbKey { bytes })
    }

    /// The SQLCipher statement setting this key (raw key syntax, no SQLCipher KDF).
    pub(crate) fn pragma_key_sql(&self) -> Zeroizing<String> {
        let hex = self.to_hex();
        Zeroizing::new(format!("PRAGMA key = \"x'{}'\";", hex.as_str()))
    }
}

impl fmt::Debug for DbKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "DbKey(fingerprint {})", self.fingerprint())
    }
}

impl PartialEq for DbKey {
    /// Constant-time comparison.
    fn eq(&self, other: &Self) -> bool {
        self.bytes
            .iter()
            .zip(other.bytes.iter())
            .fold(0u8, |acc, (a, b)| acc | (a ^ b))
            == 0
    }
}

impl Eq for DbKey {}

/// Which credential store holds the database key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyStoreKind {
    /// The platform's store: Secret Service over D-Bus (GNOME Keyring, KWallet) on Linux and
    /// BSD, Keychain on macOS, Credential Manager on Windows. Survives reboots.
    Platform,
    /// Linux kernel key retention service (keyutils), for headless machines and tests.
    ///
    /// **Does not survive a reboot.** The key is added to the session keyring and linked to
    /// the user's persistent keyring (`keyctl get_persistent`), so it outlives the session
    /// and a logout, but only until the persistent keyring expires
    /// (`/proc/sys/kernel/keys/persistent_keyring_expiry`, 3 days by default, timer reset on
    /// each use) and never across a reboot: kernel keyrings live in memory only. A database
    /// whose key is only there becomes unreadable after a reboot, unless the key is
    /// provisioned again (e.g. from a passphrase or a PAM module). Use it for tests, or
    /// where such provisioning exists.
    KernelKeyutils,
}

/// Sets the process-wide default credential store used by [`key_from_keyring`].
pub fn use_key_store(kind: KeyStoreKind) -> Result<()> {
    let store = build_store(kind)?;
    keyring_core::set_default_store(store);
    Ok(())
}

fn unavailable(e: impl fmt::Display) -> StoreError {
    StoreError::KeyringUnavailable {
        reason: e.to_string(),
    }
}

#[cfg(target_os = "macos")]
fn platform_store() -> Result<Arc<CredentialStore>> {
    let s: Arc<CredentialStore> =
        apple_native_keyring_store::keychain::Store::new().map_err(unavailable)?;
    Ok(s)
}

#[cfg(target_os = "windows")]
fn platform_store() -> Result<Arc<CredentialStore>> {
    let s: Arc<CredentialStore> =
        windows_native_keyring_store::Store::new().map_err(unavailable)?;
    Ok(s)
}

#[cfg(all(
    unix,
    not(any(target_os = "macos", target_os = "ios", target_os = "android"))
))]
fn platform_store() -> Result<Arc<CredentialStore>> {
    let s: Arc<CredentialStore> =
        zbus_secret_service_keyring_store::Store::new().map_err(unavailable)?;
    Ok(s)
}

#[cfg(not(any(
    target_os = "macos",
    target_os = "windows",
    all(
        unix,
        not(any(target_os = "macos", target_os = "ios", target_os = "android"))
    )
)))]
fn platform_store() -> Result<Arc<CredentialStore>> {
    Err(unavailable("no credential store for this platform"))
}

#[cfg(target_os = "linux")]
fn kernel_store() -> Result<Arc<CredentialStore>> {
    let s: Arc<CredentialStore> =
        linux_keyutils_keyring_store::Store::new().map_err(unavailable)?;
    Ok(s)
}

#[cfg(not(target_os = "linux"))]
fn kernel_store() -> Result<Arc<CredentialStore>> {
    Err(unavailable("the kernel keyring exists on Linux only"))
}

fn build_store(kind: KeyStoreKind) -> Result<Arc<CredentialStore>> {
    match kind {
        KeyStoreKind::Platform => platform_store(),
        KeyStoreKind::KernelKeyutils => kernel_store(),
    }
}

/// The entry for (service, account) in the default store, choosing `Platform` if none is set.
fn default_entry(service: &str, account: &str) -> Result<Entry> {
    if keyring_core::get_default_store().is_none() {
        use_key_store(KeyStoreKind::Platform)?;
    }
    Entry::new(service, account).map_err(unavailable)
}

/// Loads the database key from the OS credential store, creating and storing it at first start.
///
/// Uses the store chosen with [`use_key_store`] (`Platform` if none was chosen). Call this
/// only when the database does not exist yet: for an existing database use
/// [`existing_key_from_keyring`], since a freshly generated key could never open it.
/// Any failure of the store gives [`StoreError::KeyringUnavailable`], whose message tells
/// the user to choose a passphrase ([`key_from_passphrase`]).
pub fn key_from_keyring(service: &str, account: &str) -> Result<DbKey> {
    load_or_create(&default_entry(service, account)?)
}

/// Loads the key of an existing database from the OS credential store; never creates one.
///
/// A store that works but has no entry gives [`StoreError::KeyMissing`].
pub fn existing_key_from_keyring(service: &str, account: &str) -> Result<DbKey> {
    load(&default_entry(service, account)?)?.ok_or(StoreError::KeyMissing)
}

/// Reads the key of an entry; `None` when the entry has no credential.
fn load(entry: &Entry) -> Result<Option<DbKey>> {
    match entry.get_password() {
        Ok(s) => {
            let s = Zeroizing::new(s);
            DbKey::from_hex(&s).map(Some).ok_or(StoreError::KeyInvalid {
                what: "entrée du trousseau",
            })
        }
        Err(keyring_core::Error::NoEntry) => Ok(None),
        Err(keyring_core::Error::BadEncoding(_)) => Err(StoreError::KeyInvalid {
            what: "entrée du trousseau",
        }),
        Err(e) => Err(unavailable(e)),
    }
}

/// Reads the key of an entry, or generates, stores and re-reads a new one.
pub(crate) fn load_or_create(entry: &Entry) -> Result<DbKey> {
    if let Some(key) = load(entry)? {
        return Ok(key);
    }
    let key = DbKey::generate();
    entry.set_password(&key.to_hex()).map_err(unavailable)?;
    // Some stores accept a write they cannot keep (locked collection...): read it back.
    match load(entry)? {
        Some(stored) if stored == key => Ok(key),
        _ => Err(unavailable("the key written could not be read back")),
    }
}

/// Derives the database key from a passphrase with Argon2id and the salt kept in `salt_path`.
///
/// Parameters: Argon2id v1.3, m = 64 MiB, t = 3, p = 1, 32-byte output (above the OWASP
/// minimums for Argon2id; about 0.2 s on a 2020 laptop). The 16-byte random salt is created
/// at first use, written atomically (temporary file, fsync, rename, fsync of the directory,
/// mode 0600), then reused. Losing the salt file makes the database unreadable, like losing
/// the passphrase: back it up with the database. A wrong passphrase is only detected when
/// the database is opened ([`StoreError::WrongKey`]).
pub fn key_from_passphrase(passphrase: &str, salt_path: &Path) -> Result<DbKey> {
    if passphrase.chars().count() < MIN_PASSPHRASE_CHARS {
        return Err(StoreError::PassphraseTooShort);
    }
    let salt = load_or_create_salt(salt_path)?;
    let params = Params::new(
        PASSPHRASE_ARGON2_M_KIB,
        PASSPHRASE_ARGON2_T,
        PASSPHRASE_ARGON2_P,
        Some(32),
    )
    .map_err(|_| StoreError::Crypto("argon2 params"))?;
    let argon = Argon2::new(Algorithm::Argon2id, Version::V0x13, params);
    let mut out = Zeroizing::new([0u8; 32]);
    argon
        .hash_password_into(passphrase.as_bytes(), &salt, &mut *out)
        .map_err(|_| StoreError::Crypto("argon2 derivation"))?;
    Ok(DbKey { bytes: out })
}

fn load_or_create_salt(path: &Path) -> Result<[u8; SALT_LEN]> {
    match std::fs::read(path) {
        Ok(bytes) => bytes
            .as_slice()
            .try_into()
            .map_err(|_| StoreError::KeyInvalid {
                what: "fichier de sel",
            }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let mut salt = [0u8; SALT_LEN];
            rand::rngs::OsRng.fill_bytes(&mut salt);
            write_atomically(path, &salt)?;
            Ok(salt)
        }
        Err(e) => Err(e.into()),
    }
}

/// Writes a small private file atomically: temporary file, fsync, rename, fsync of the directory.
pub(crate) fn write_atomically(path: &Path, bytes: &[u8]) -> Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => std::path::PathBuf::from("."),
    };
    crate::db::create_private_dir(&dir)?;
    let name = path.file_name().ok_or(StoreError::InvalidInput {
        field: "chemin du fichier",
    })?;
    let mut tmp_name = name.to_os_string();
    tmp_name.push(format!(".tmp-{}", uuid::Uuid::new_v4().simple()));
    let tmp = dir.join(tmp_name);
    let result = (|| -> Result<()> {
        let mut f = crate::db::private_file_options().open(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        drop(f);
        std::fs::rename(&tmp, path)?;
        sync_dir(&dir)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

#[cfg(unix)]
fn sync_dir(dir: &Path) -> Result<()> {
    std::fs::File::open(dir)?.sync_all()?;
    Ok(())
}

#[cfg(not(unix))]
fn sync_dir(_dir: &Path) -> Result<()> {
    // Windows cannot open a directory as a file; NTFS journals the rename.
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use keyring_core::mock;

    fn mock_entry(store: &Arc<mock::Store>, account: &str) -> Entry {
        let store: Arc<CredentialStore> = store.clone();
        Entry::new_in_store(&store, "relais-test", account).expect("mock entry")
    }

    #[test]
    fn first_start_generates_then_reloads_the_same_key() {
        let store = mock::Store::new().expect("mock store");
        let entry = mock_entry(&store, "station");
        assert!(load(&entry).expect("load").is_none());
        let k1 = load_or_create(&entry).expect("create");
        let k2 = load_or_create(&mock_entry(&store, "station")).expect("reload");
        assert_eq!(k1, k2);
        let stored = entry.get_password().expect("stored");
        assert_eq!(stored.len(), 64);
        assert!(stored.chars().all(|c| c.is_ascii_hexdigit()));
        let other = load_or_create(&mock_entry(&store, "other")).expect("other");
        assert_ne!(k1, other);
    }

    #[test]
    fn store_failure_is_keyring_unavailable() {
        let store = mock::Store::new().expect("mock store");
        let entry = mock_entry(&store, "locked");
        let cred: &mock::Cred = entry.as_any().downcast_ref().expect("mock cred");
        cred.set_error(keyring_core::Error::NoStorageAccess("locked".into()));
        let err = load_or_create(&entry).expect_err("must fail");
        assert_eq!(err.code(), "KEYRING_UNAVAILABLE");
        assert!(err.to_string().contains("phrase secrète"));
    }

    #[test]
    fn malformed_entry_is_key_invalid_and_not_overwritten() {
        let store = mock::Store::new().expect("mock store");
        let entry = mock_entry(&store, "bad");
        entry.set_password("not hex").expect("set");
        assert_eq!(
            load_or_create(&entry).expect_err("invalid").code(),
            "KEY_INVALID"
        );
        assert_eq!(entry.get_password().expect("kept"), "not hex");
    }

    #[test]
    fn debug_does_not_show_the_bytes() {
        let k = DbKey::from_bytes([0xab; 32]);
        let s = format!("{k:?}");
        assert!(!s.contains("abab"), "{s}");
        assert!(s.starts_with("DbKey("));
        assert_eq!(
            k.pragma_key_sql().as_str(),
            format!("PRAGMA key = \"x'{}'\";", "ab".repeat(32))
        );
    }

    #[test]
    fn passphrase_too_short_is_refused() {
        let dir = tempfile::tempdir().expect("tmp");
        let e = key_from_passphrase("court-11chr", &dir.path().join("salt")).expect_err("short");
        assert_eq!(e.code(), "PASSPHRASE_TOO_SHORT");
        // 12 characters, counted as characters not bytes.
        assert!(key_from_passphrase("éééééééééééé", &dir.path().join("salt")).is_ok());
    }

    #[test]
    fn salt_is_created_once_and_reused() {
        let dir = tempfile::tempdir().expect("tmp");
        let salt = dir.path().join("sub").join("relais.salt");
        let k1 = key_from_passphrase("une phrase assez longue", &salt).expect("k1");
        let bytes = std::fs::read(&salt).expect("salt");
        assert_eq!(bytes.len(), SALT_LEN);
        let k2 = key_from_passphrase("une phrase assez longue", &salt).expect("k2");
        assert_eq!(k1, k2);
        assert_eq!(std::fs::read(&salt).expect("salt"), bytes);
        let k3 = key_from_passphrase("une autre phrase longue", &salt).expect("k3");
        assert_ne!(k1, k3);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&salt).expect("meta").permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        let leftovers = std::fs::read_dir(salt.parent().expect("dir"))
            .expect("ls")
            .count();
        assert_eq!(leftovers, 1, "no temporary file left");
        std::fs::write(&salt, b"short").expect("corrupt");
        assert_eq!(
            key_from_passphrase("une phrase assez longue", &salt)
                .expect_err("bad salt")
                .code(),
            "KEY_INVALID"
        );
    }
}
