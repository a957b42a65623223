//! The database key: 32 random bytes, hex, in a 0600 key file made at first start.

use std::path::Path;

use rand::RngCore;
use zeroize::Zeroizing;

use crate::error::HubError;
use crate::fsutil::write_private_new;

/// Reads the key file, or creates it with a fresh random key.
pub fn load_or_create(path: &Path) -> Result<Zeroizing<[u8; 32]>, HubError> {
    if !path.exists() {
        let mut key = Zeroizing::new([0u8; 32]);
        rand::rngs::OsRng.fill_bytes(key.as_mut());
        let text = Zeroizing::new(hex::encode(key.as_ref()));
        write_private_new(path, text.as_bytes())?;
        return Ok(key);
    }
    let text = Zeroizing::new(std::fs::read_to_string(path)?);
    let mut key = Zeroizing::new([0u8; 32]);
    hex::decode_to_slice(text.trim(), key.as_mut())
        .map_err(|_| HubError::Config(format!("clé de base illisible : {}", path.display())))?;
    Ok(key)
}

/// `PRAGMA key` statement for a raw 32-byte key.
pub fn pragma_key_sql(key: &[u8; 32]) -> Zeroizing<String> {
    Zeroizing::new(format!("PRAGMA key = \"x'{}'\";", hex::encode(key)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_is_made_once_private_and_reused() {
        let dir = tempfile::tempdir().expect("tmp");
        let p = dir.path().join("hub.key");
        let a = load_or_create(&p).expect("a");
        let b = load_or_create(&p).expect("b");
        assert_eq!(*a, *b);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&p).expect("meta").permissions().mode() & 0o777;
            assert_eq!(mode, 0o600);
        }
    }
}
