//! The station's typed configuration: `station.toml`, then environment overrides.
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::error::ApiError;

/// Where the database key is kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum KeyStoreChoice {
    /// The OS keyring: Secret Service on Linux, Keychain on macOS, Credential Manager on Windows.
    Platform,
    /// The Linux kernel keyring (headless machines; does not survive a reboot: test machines only).
    Keyutils,
    /// No keyring: the key is derived from a passphrase typed at each start (Argon2id).
    Passphrase,
}

impl KeyStoreChoice {
    fn parse(s: &str) -> Option<Self> {
        match s {
            "platform" => Some(Self::Platform),
            "keyutils" => Some(Self::Keyutils),
            "passphrase" => Some(Self::Passphrase),
            _ => None,
        }
    }
}

/// The station's settings.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// Folder of the encrypted database and its companions.
    pub data_dir: PathBuf,
    /// Where the database key is kept.
    pub key_store: KeyStoreChoice,
    /// Seconds without activity before the session locks.
    pub lock_after_seconds: u64,
    /// Address of the hub suggested at enrolment (`https://…`).
    pub hub_url: Option<String>,
    /// Fingerprint of the hub's self-signed certificate suggested at enrolment.
    pub hub_fingerprint: Option<String>,
}

impl Default for Config {
    fn default() -> Self {
        let data_dir = directories::ProjectDirs::from("fr", "Relais", "Relais")
            .map(|d| d.data_dir().to_path_buf())
            .unwrap_or_else(|| PathBuf::from("relais-data"));
        Self {
            data_dir,
            key_store: KeyStoreChoice::Platform,
            lock_after_seconds: 300,
            hub_url: None,
            hub_fingerprint: None,
        }
    }
}

impl Config {
    /// Reads `$RELAIS_CONFIG`, else `<OS config dir>/station.toml` when present, then applies
    /// the environment overrides `RELAIS_DATA_DIR`, `RELAIS_KEY_STORE`, `RELAIS_LOCK_AFTER_SECONDS`,
    /// `RELAIS_HUB_URL`, `RELAIS_HUB_FINGERPRINT`.
    pub fn load() -> Result<Self, ApiError> {
        let file = std::env::var_os("RELAIS_CONFIG")
            .map(PathBuf::from)
            .or_else(|| {
                directories::ProjectDirs::from("fr", "Relais", "Relais")
                    .map(|d| d.config_dir().join("station.toml"))
                    .filter(|p| p.exists())
            });
        let mut config = match file {
            Some(path) => Self::from_file(&path)?,
            None => Self::default(),
        };
        config.apply_env(|k| std::env::var(k).ok())?;
        Ok(config)
    }

    /// Parses one TOML file.
    pub fn from_file(path: &Path) -> Result<Self, ApiError> {
        let text = std::fs::read_to_string(path).map_err(|e| {
            ApiError::new(
                "CONFIG_UNREADABLE",
                format!(
                    "Le fichier de configuration {} est illisible : {e}.",
                    path.display()
                ),
            )
        })?;
        Self::from_toml(&text)
    }

    /// Parses TOML text.
    pub fn from_toml(text: &str) -> Result<Self, ApiError> {
        toml::from_str(text).map_err(|e| {
            ApiError::new(
                "CONFIG_INVALID",
                format!("Le fichier de configuration est invalide : {}", e.message()),
            )
        })
    }

    fn apply_env(&mut self, var: impl Fn(&str) -> Option<String>) -> Result<(), ApiError> {
        if let Some(dir) = var("RELAIS_DATA_DIR") {
            self.data_dir = PathBuf::from(dir);
        }
        if let Some(k) = var("RELAIS_KEY_STORE") {
            self.key_store = KeyStoreChoice::parse(&k).ok_or_else(|| {
                ApiError::new(
                    "CONFIG_INVALID",
                    "RELAIS_KEY_STORE doit valoir platform, keyutils ou passphrase.",
                )
            })?;
        }
        if let Some(url) = var("RELAIS_HUB_URL") {
            self.hub_url = Some(url);
        }
        if let Some(fp) = var("RELAIS_HUB_FINGERPRINT") {
            self.hub_fingerprint = Some(fp);
        }
        if let Some(s) = var("RELAIS_LOCK_AFTER_SECONDS") {
            self.lock_after_seconds = s.parse().map_err(|_| {
                ApiError::new(
                    "CONFIG_INVALID",
                    "RELAIS_LOCK_AFTER_SECONDS doit être un nombre de secondes.",
                )
            })?;
        }
        Ok(())
    }

    /// Path of the encrypted database.
    pub fn database_path(&self) -> PathBuf {
        self.data_dir.join("relais.db")
    }

    /// Path of the passphrase salt (present only when the passphrase fallback is in use).
    pub fn salt_path(&self) -> PathBuf {
        self.data_dir.join("relais.salt")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn toml_and_env_overrides() {
        let mut c = Config::from_toml(
            "data_dir = \"/tmp/x\"\nkey_store = \"keyutils\"\nlock_after_seconds = 60\n",
        )
        .expect("valid");
        assert_eq!(c.key_store, KeyStoreChoice::Keyutils);
        assert_eq!(c.lock_after_seconds, 60);
        c.apply_env(|k| (k == "RELAIS_LOCK_AFTER_SECONDS").then(|| "5".to_string()))
            .expect("valid env");
        assert_eq!(c.lock_after_seconds, 5);
        assert_eq!(c.database_path(), PathBuf::from("/tmp/x/relais.db"));
    }

    #[test]
    fn unknown_keys_and_bad_values_are_refused_in_french() {
        let e = Config::from_toml("colour = 1").expect_err("unknown key");
        assert_eq!(e.code, "CONFIG_INVALID");
        let mut c = Config::default();
        let e = c
            .apply_env(|k| (k == "RELAIS_KEY_STORE").then(|| "usb".to_string()))
            .expect_err("bad store");
        assert!(e.message.contains("doit valoir"));
    }
}
