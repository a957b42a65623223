//! Argon2id password hashes (PHC strings), with configurable cost.

use std::sync::OnceLock;

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use rand::RngCore;

use crate::config::PasswordCost;
use crate::error::HubError;

/// Shortest accepted password.
pub const MIN_PASSWORD_CHARS: usize = 12;

/// Hashes and verifies passwords with one set of Argon2id parameters.
#[derive(Debug, Clone, Copy)]
pub struct Passwords {
    cost: PasswordCost,
}

impl Passwords {
    /// With `cost`.
    pub fn new(cost: PasswordCost) -> Passwords {
        Passwords { cost }
    }

    fn argon(&self) -> Result<Argon2<'static>, HubError> {
        let params = Params::new(self.cost.m_kib, self.cost.t, self.cost.p, None)
            .map_err(|_| HubError::Crypto("paramètres argon2"))?;
        Ok(Argon2::new(Algorithm::Argon2id, Version::V0x13, params))
    }

    /// PHC string of `password` with a fresh 16-byte salt.
    pub fn hash(&self, password: &str) -> Result<String, HubError> {
        let mut salt = [0u8; 16];
        rand::rngs::OsRng.fill_bytes(&mut salt);
        let salt = SaltString::encode_b64(&salt).map_err(|_| HubError::Crypto("sel"))?;
        Ok(self
            .argon()?
            .hash_password(password.as_bytes(), &salt)
            .map_err(|_| HubError::Crypto("hachage argon2"))?
            .to_string())
    }

    /// Whether `password` matches `phc` (the parameters stored in `phc` are used).
    pub fn verify(&self, password: &str, phc: &str) -> Result<bool, HubError> {
        let parsed = PasswordHash::new(phc).map_err(|_| HubError::Corrupt("empreinte"))?;
        match self.argon()?.verify_password(password.as_bytes(), &parsed) {
            Ok(()) => Ok(true),
            Err(argon2::password_hash::Error::Password) => Ok(false),
            Err(_) => Err(HubError::Crypto("vérification argon2")),
        }
    }

    /// Runs a verification that always fails, costing the same time as a real one
    /// (unknown e-mail: no timing difference).
    pub fn verify_dummy(&self, password: &str) -> Result<(), HubError> {
        static DUMMY: OnceLock<String> = OnceLock::new();
        let phc = match DUMMY.get() {
            Some(h) => h.clone(),
            None => {
                let h = self.hash(&crate::secret::new_token())?;
                DUMMY.get_or_init(|| h).clone()
            }
        };
        self.verify(password, &phc).map(|_| ())
    }
}

/// Whether a password is acceptable: at least [`MIN_PASSWORD_CHARS`] characters.
pub fn strong_enough(password: &str) -> bool {
    password.chars().count() >= MIN_PASSWORD_CHARS
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hash_then_verify() {
        let p = Passwords::new(PasswordCost::FAST_FOR_TESTS);
        let h = p.hash("correct horse battery").expect("hash");
        assert!(h.starts_with("$argon2id$v=19$m=1024,t=1,p=1$"));
        assert!(p.verify("correct horse battery", &h).expect("ok"));
        assert!(!p.verify("wrong", &h).expect("mismatch"));
        p.verify_dummy("anything").expect("dummy");
        assert!(!strong_enough("short"));
        assert!(strong_enough("relais-demo-2026"));
    }
}
